// A table of quotes, each opening its quote screen: the dashboard's recent
// quotes and the quote list's results.
import type { QuoteSummary } from "../bindings";
import { formatMoney } from "../shared/language";
import { StatusBadge } from "./status";
import { num, TableHead } from "../shared/TableHead";

export function QuoteTable({ quotes, onOpen, caption }: { quotes: QuoteSummary[]; onOpen: (quoteId: number) => void; caption: string }) {
  return (
    <table className="quotes">
      <caption>{caption}</caption>
      <TableHead columns={["Quote", "Customer", "Product", "Effective", "Status", num("Premium")]} />
      <tbody>
        {quotes.map((q) => (
          <tr key={q.id} data-quote-number={q.quote_number}>
            <td>
              <button type="button" className="link" onClick={() => onOpen(q.id)}>
                {q.quote_number}
              </button>{" "}
              <span className="meta">v{q.version}</span>
            </td>
            <td>{q.customer_name}</td>
            <td>
              {q.product === "personal-auto" ? "Auto" : "Home"} &middot; {q.state}
            </td>
            <td>{q.effective_date}</td>
            <td>
              <StatusBadge status={q.status} />
            </td>
            <td className="num">{q.premium ? formatMoney(q.premium) : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
