// The accounts' words: a product, the products a person has, an audit
// event's action, all as the agent reads them.
import type { Product } from "../bindings";
import { words } from "../shared/language";

/** `personal-auto` is "Personal auto". */
export function productLabel(product: Product): string {
  return product === "personal-auto" ? "Personal auto" : "Homeowners (HO-3)";
}

/** The short name a list of products is said with: "Auto & Home". */
export function productsShort(products: Product[]): string {
  const names = [...new Set(products)].map((p) => (p === "personal-auto" ? "Auto" : "Home"));
  return names.join(" & ");
}

/** What happened to a quote or a policy, by the audit log's name for it. */
const AUDIT_ACTIONS: Record<string, string> = {
  "quote.created": "Quote created",
  "quote.updated": "Quote changed (a new version)",
  "quote.rated": "Quote rated",
  "quote.saved": "Quote saved",
  "quote.bind_requested": "Bind requested",
  "quote.bound": "Bound",
  "quote.bind_rejected": "Bind refused by the server",
  "quote.approved": "Referral approved",
  "quote.declined": "Referral declined",
  "quote.expired": "Quote expired",
  "quote.renumbered": "Quote given a new number",
  "quote.proposal_printed": "Proposal printed",
  "quote.serials_moved": "Quote numbers moved on",
  "policy.transaction": "Policy changed",
  "policy.change_prepared": "Policy change prepared",
  "policy.declarations_printed": "Declarations printed",
  "policy.id_cards_printed": "ID cards printed",
  "policy.notice_printed": "Notice printed",
};

/** An audit event's action in words; one the app does not know yet reads as words, never as its name. */
export function auditActionLabel(action: string): string {
  const known = AUDIT_ACTIONS[action];
  if (known) return known;
  const [group, rest] = action.includes(".") ? action.split(".", 2) : ["", action];
  return group ? `${words(group)}: ${words(rest).toLowerCase()}` : words(action);
}

/** The first word of a name: "Maria" of "Maria Lopez". */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
