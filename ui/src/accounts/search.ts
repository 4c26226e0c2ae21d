// The command palette's global search: customers, quotes, policies and
// vehicles the store finds for what was typed, each opening its screen.
import { api } from "../api";
import type { SearchResults } from "../bindings";
import { STATUS_LABEL } from "../quotes/status";
import type { PaletteItem, PaletteSource } from "../shell/CommandPalette";
import type { Screen } from "../shell/screens";
import { formatMoney, statusLabel } from "../shared/language";
import { productsShort } from "./words";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The palette's items for what the search found, in the order of its groups. */
export function searchItems(results: SearchResults, open: (screen: Screen) => void): PaletteItem[] {
  return [
    ...results.customers.map((c) => ({
      id: `customer:${c.customer_id}`,
      label: c.name,
      group: "Customers",
      detail: [
        `${c.city}, ${c.state}`,
        plural(c.quotes, "quote", "quotes"),
        plural(c.policies, "policy", "policies"),
        productsShort(c.products),
      ]
        .filter(Boolean)
        .join(" · "),
      run: () => open({ kind: "customer", customerId: c.customer_id }),
    })),
    ...results.quotes.map((q) => ({
      id: `quote:${q.id}`,
      label: q.quote_number,
      group: "Quotes",
      detail: [q.customer_name, STATUS_LABEL[q.status], q.premium ? formatMoney(q.premium) : ""].filter(Boolean).join(" · "),
      run: () => open({ kind: "quote", quoteId: q.id }),
    })),
    ...results.policies.map((p) => ({
      id: `policy:${p.policy_number}`,
      label: p.policy_number,
      group: "Policies",
      detail: [p.customer_name ?? "", statusLabel(p.status), `from ${p.effective_date}`].filter(Boolean).join(" · "),
      run: () => open({ kind: "policy", policyNumber: p.policy_number, endorsement: null }),
    })),
    ...results.vehicles.map((v) => ({
      id: `vehicle:${v.vin}:${v.quote_id}`,
      label: v.vin,
      group: "Vehicles",
      detail: [`${v.year} ${v.make} ${v.model}`.trim(), v.quote_number, v.customer_name].filter(Boolean).join(" · "),
      run: () => open({ kind: "quote", quoteId: v.quote_id }),
    })),
  ];
}

/** The palette source that searches the store; nothing is asked for fewer than two characters. */
export function searchSource(open: (screen: Screen) => void): PaletteSource {
  return async (query, signal) => {
    const text = query.trim();
    if (text.length < 2) return [];
    const results = await api.search(text);
    if (signal.aborted) return [];
    return searchItems(results, open);
  };
}
