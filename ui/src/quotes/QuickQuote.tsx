// The quick quote: a ZIP and a model year, everything else assumed.
import { FormEvent, useState } from "react";
import { api, CommandError, QuoteView } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { decisionLabel, formatDeductible, formatLimit, formatMoney, packLabel, sentenceCase } from "../shared/language";
import { WorksheetTable } from "../shared/RatingReview";
import { ReasonList } from "../shared/Reasons";

// `seq` numbers each submission, so a reader (a person or the end-to-end
// test) can tell a fresh answer from the previous one.
type Result =
  | { kind: "idle"; seq: number }
  | { kind: "busy"; seq: number }
  | { kind: "quoted"; seq: number; quote: QuoteView }
  | { kind: "failed"; seq: number; error: CommandError };

export function QuickQuote({ hidden }: { hidden: boolean }) {
  const [zip, setZip] = useState("");
  const [year, setYear] = useState("");
  const [result, setResult] = useState<Result>({ kind: "idle", seq: 0 });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const seq = result.seq + 1;
    const vehicleYear = Number.parseInt(year, 10);
    if (!/^\d{4}$/.test(year) || Number.isNaN(vehicleYear)) {
      setResult({
        kind: "failed",
        seq,
        error: {
          code: "input.invalid",
          message: "vehicle_year: enter a four-digit model year",
          fields: [{ path: "vehicle_year", message: "enter a four-digit model year" }],
        },
      });
      return;
    }
    setResult({ kind: "busy", seq });
    try {
      setResult({ kind: "quoted", seq, quote: await api.rateQuote(zip.trim(), vehicleYear) });
    } catch (e) {
      setResult({ kind: "failed", seq, error: e as CommandError });
    }
  }

  return (
    <section id="quick-quote-screen" hidden={hidden} data-seq={result.seq}>
      <form onSubmit={submit} aria-label="Quick quote">
        <label>
          Garaging ZIP
          <input
            id="zip"
            name="zip"
            inputMode="numeric"
            autoComplete="postal-code"
            maxLength={5}
            value={zip}
            onChange={(e) => setZip(e.target.value)}
            required
          />
        </label>
        <label>
          Vehicle model year
          <input
            id="vehicle-year"
            name="vehicle-year"
            inputMode="numeric"
            maxLength={4}
            value={year}
            onChange={(e) => setYear(e.target.value)}
            required
          />
        </label>
        <button id="rate" type="submit" disabled={result.kind === "busy"}>
          {result.kind === "busy" ? "Rating..." : "Rate"}
        </button>
      </form>
      {result.kind === "failed" && <ErrorBox id="quote-error" error={result.error} seq={result.seq} />}
      {result.kind === "quoted" && (
        <section aria-label="Premium" className="quote" id="quote" data-seq={result.seq}>
          <p>
            Annual premium: <output id="premium">{formatMoney(result.quote.premium)}</output>
          </p>
          <div className="meta">
            Quote {result.quote.quoteId} &middot; Underwriting:{" "}
            <span id="decision" data-decision={result.quote.decision}>
              {decisionLabel(result.quote.decision)}
            </span>{" "}
            &middot; Rates:{" "}
            <span id="quote-pack" data-pack-id={result.quote.packId.split("@")[0]}>
              {packLabel(result.quote.packId)}
            </span>
            <details className="pack-details">
              <summary>Details</summary>
              Rate pack <code>{result.quote.packId.split("@")[0]}</code>, digest{" "}
              <code id="quote-pack-digest">{result.quote.packId.split("@")[1] ?? ""}</code>
            </details>
          </div>
          {result.quote.reasons.length > 0 && <ReasonList reasons={result.quote.reasons} />}
          <table id="coverages">
            <caption>Coverages</caption>
            <thead>
              <tr>
                <th>Coverage</th>
                <th>Limit</th>
                <th className="num">Premium</th>
              </tr>
            </thead>
            <tbody>
              {result.quote.coverages.map((c) => (
                <tr key={c.code} data-coverage={c.code}>
                  <td>
                    <details>
                      <summary>{c.name}</summary>
                      <WorksheetTable name={c.name} lines={c.worksheet} />
                    </details>
                  </td>
                  <td>{c.limit ? formatLimit(c.limit) : c.deductible ? `${formatDeductible(c.deductible)} deductible` : ""}</td>
                  <td className="num">{formatMoney(c.premium)}</td>
                </tr>
              ))}
              {result.quote.fees.map((f) => (
                <tr key={f.name}>
                  <td>{f.name}</td>
                  <td></td>
                  <td className="num">{formatMoney(f.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="meta">Assumes:</p>
          <ul className="assumptions">
            {result.quote.assumptions.map((a) => (
              <li key={a}>{sentenceCase(a)}</li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
