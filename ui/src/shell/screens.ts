// The screens the app shows and the ones the sidebar, the command palette and
// the shortcuts open. App.tsx routes between them; the shell only asks to
// open one.
import type { Product, QuoteInput } from "../bindings";
import type { WizardStart } from "../wizard/Wizard";

export type Screen =
  | { kind: "dashboard" }
  | { kind: "wizard"; start: WizardStart; key: number }
  | { kind: "quotes" }
  | { kind: "quote"; quoteId: number }
  | { kind: "policy"; policyNumber: string; endorsement: QuoteInput | null }
  | { kind: "customer"; customerId: number }
  | { kind: "quick" }
  | { kind: "desk" }
  | { kind: "rates" }
  | { kind: "approvals" }
  | { kind: "sync" }
  | { kind: "admin" }
  | { kind: "audit" };

export type ScreenKind = Screen["kind"];

/** The screens opened from the sidebar; "wizard" is New quote (an auto quote). */
export type NavKind = Exclude<ScreenKind, "quote" | "policy" | "customer">;

export interface NavItem {
  kind: NavKind;
  label: string;
  /** The element id the end-to-end tests click. */
  id: string;
  group: "Work" | "Underwriting" | "Server";
  /** The second key of its "g then a letter" shortcut. */
  letter: string;
  /** Referrals and rate management need the server's word that the user is an underwriter. */
  underwriter?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { kind: "dashboard", label: "Dashboard", id: "nav-dashboard", group: "Work", letter: "d" },
  { kind: "wizard", label: "New quote", id: "nav-new-quote", group: "Work", letter: "n" },
  { kind: "quotes", label: "Quotes", id: "nav-quotes", group: "Work", letter: "q" },
  { kind: "quick", label: "Quick quote", id: "nav-quote", group: "Work", letter: "k" },
  { kind: "desk", label: "Referrals", id: "nav-desk", group: "Underwriting", letter: "r", underwriter: true },
  { kind: "rates", label: "Rates", id: "nav-rates", group: "Underwriting", letter: "t", underwriter: true },
  { kind: "approvals", label: "Approvals", id: "nav-approvals", group: "Underwriting", letter: "a", underwriter: true },
  { kind: "sync", label: "Sync", id: "nav-sync", group: "Server", letter: "s" },
  { kind: "admin", label: "Admin", id: "nav-admin", group: "Server", letter: "m" },
  { kind: "audit", label: "Audit", id: "nav-audit", group: "Server", letter: "u" },
];

/** The sidebar's items the user may open. */
export function navItems(underwriter: boolean): NavItem[] {
  return NAV_ITEMS.filter((item) => underwriter || !item.underwriter);
}

/** What a shortcut does: open a screen, start a quote of a product, or open the palette or the help. */
export type ShellCommand =
  { kind: "open"; screen: NavKind } | { kind: "new-quote"; product: Product } | { kind: "palette" } | { kind: "help" };
