// The agent's book in figures: what is in progress, what expires this week
// (each opening its quote), what waits for underwriting, what was bound this
// month, the conversion and the average premium of the last 90 days, and
// eight weeks of quotes as a chart. All of it is local, so it shows offline.
import type { BookStats } from "../bindings";
import { formatMoney } from "../shared/language";
import { num, TableHead } from "../shared/TableHead";
import { WeekChart } from "./WeekChart";
import { dayLabel } from "./words";

function Figure({ id, label, value, note }: { id: string; label: string; value: string; note?: string }) {
  return (
    <div className="figure" id={id}>
      <dt>{label}</dt>
      <dd>
        <span className="figure-value">{value}</span>
        {note && <span className="figure-note">{note}</span>}
      </dd>
    </div>
  );
}

export function BookFigures({ book, onOpenQuote }: { book: BookStats; onOpenQuote: (quoteId: number) => void }) {
  return (
    <section aria-labelledby="book-heading" className="book" id="book">
      <h3 id="book-heading">Your book</h3>
      <dl className="figures">
        <Figure id="figure-in-progress" label="In progress" value={String(book.in_progress)} />
        <Figure id="figure-expiring" label="Expiring this week" value={String(book.expiring.length)} />
        <Figure id="figure-referrals" label="Waiting for underwriting" value={String(book.referrals_waiting)} />
        <Figure id="figure-bound" label="Bound this month" value={String(book.bound_this_month)} />
        <Figure
          id="figure-conversion"
          label="Conversion (90 days)"
          value={book.conversion_percent === null ? "—" : `${book.conversion_percent}%`}
          note={book.conversion_percent === null ? "No quote was rated in the last 90 days." : undefined}
        />
        <Figure
          id="figure-average"
          label="Average premium (90 days)"
          value={book.average_premium === null ? "—" : formatMoney(book.average_premium)}
        />
      </dl>
      {book.expiring.length > 0 && (
        <table id="expiring" className="expiring">
          <caption>Quotes expiring this week, soonest first</caption>
          <TableHead columns={["Quote", "Customer", "Expires on", num("Premium")]} />
          <tbody>
            {book.expiring.map((q) => (
              <tr key={q.id} data-quote-number={q.quote_number}>
                <td>
                  <button type="button" className="link" onClick={() => onOpenQuote(q.id)}>
                    {q.quote_number}
                  </button>
                </td>
                <td>{q.customer_name}</td>
                <td>{q.expires_on ? dayLabel(q.expires_on, true) : ""}</td>
                <td className="num">{q.premium ? formatMoney(q.premium) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <WeekChart weeks={book.weeks} />
    </section>
  );
}
