import { FormEvent, useEffect, useState } from "react";
import { api, CommandError, formatUsd, QuoteView } from "./api";
import { SyncScreen } from "./Sync";

// `seq` numbers each submission, so a reader (a person or the end-to-end
// test) can tell a fresh answer from the previous one.
type Result =
  | { kind: "idle"; seq: number }
  | { kind: "busy"; seq: number }
  | { kind: "quoted"; seq: number; quote: QuoteView }
  | { kind: "failed"; seq: number; error: CommandError };

/** Messages for codes the agent can act on; anything else shows the server's text. */
function explain(error: CommandError): string {
  switch (error.code) {
    case "rating.no_pack":
      return `No rate pack covers this quote. ${error.message}`;
    case "key.keychain_unavailable":
      return `The keychain is locked or unavailable, so the local store cannot open. ${error.message}`;
    default:
      return error.message;
  }
}

export function App() {
  const [zip, setZip] = useState("");
  const [year, setYear] = useState("");
  // "pending" until the store reports whether it opened.
  const [startup, setStartup] = useState<"pending" | "ok" | CommandError>("pending");
  const [result, setResult] = useState<Result>({ kind: "idle", seq: 0 });
  // Both screens stay mounted, so switching keeps the last quote and the last sync result.
  const [screen, setScreen] = useState<"quote" | "sync">("quote");

  useEffect(() => {
    api.startupStatus().then(
      () => setStartup("ok"),
      (e: CommandError) => setStartup(e),
    );
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const seq = result.seq + 1;
    const vehicleYear = Number.parseInt(year, 10);
    if (!/^\d{4}$/.test(year) || Number.isNaN(vehicleYear)) {
      setResult({ kind: "failed", seq, error: { code: "input.invalid", message: "vehicle_year: enter a four-digit model year" } });
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
    <main data-startup={startup === "pending" ? undefined : startup === "ok" ? "ok" : "failed"} data-seq={result.seq}>
      <header>
        <h1>Underwriting Workstation</h1>
        <p className="subtitle">Personal auto quick quote &middot; works offline</p>
        <nav aria-label="Screens">
          <button type="button" id="nav-quote" className="tab" aria-current={screen === "quote" ? "page" : undefined} onClick={() => setScreen("quote")}>
            Quick quote
          </button>
          <button type="button" id="nav-sync" className="tab" aria-current={screen === "sync" ? "page" : undefined} onClick={() => setScreen("sync")}>
            Sync
          </button>
        </nav>
      </header>
      {typeof startup === "object" && (
        <div role="alert" className="error" id="startup-error" data-code={startup.code}>
          <strong>The local store did not open.</strong> {explain(startup)}
        </div>
      )}
      <section id="quote-screen" hidden={screen !== "quote"}>
        <form onSubmit={submit} aria-label="Quick quote">
          <label>
            Garaging ZIP
            <input id="zip" name="zip" inputMode="numeric" autoComplete="postal-code" maxLength={5} value={zip} onChange={(e) => setZip(e.target.value)} required />
          </label>
          <label>
            Vehicle model year
            <input id="vehicle-year" name="vehicle-year" inputMode="numeric" maxLength={4} value={year} onChange={(e) => setYear(e.target.value)} required />
          </label>
          <button id="rate" type="submit" disabled={result.kind === "busy"}>
            {result.kind === "busy" ? "Rating..." : "Rate"}
          </button>
        </form>
        {result.kind === "failed" && (
          <div role="alert" className="error" id="quote-error" data-code={result.error.code} data-seq={result.seq}>
            {explain(result.error)}
          </div>
        )}
        {result.kind === "quoted" && (
          <section aria-label="Premium" className="quote" id="quote" data-seq={result.seq}>
            <p>
              Annual premium: <output id="premium">{formatUsd(result.quote.premium)}</output>
            </p>
            <p className="meta">
              Quote {result.quote.quoteId} &middot; underwriting: <span id="decision">{result.quote.decision}</span> &middot; rate pack{" "}
              <span title={result.quote.packId}>{result.quote.packId.split("@")[0]}</span>
            </p>
            {result.quote.reasons.length > 0 && (
              <ul className="reasons">
                {result.quote.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
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
                        <table className="worksheet">
                          <tbody>
                            {c.worksheet.map((line, i) => (
                              <tr key={i}>
                                <td>{line.step}</td>
                                <td>{[line.key, line.label].filter(Boolean).join(" ")}</td>
                                <td className="num">{line.value}</td>
                                <td className="num">{line.subtotal}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </details>
                    </td>
                    <td>{c.option ?? ""}</td>
                    <td className="num">{formatUsd(c.premium)}</td>
                  </tr>
                ))}
                {result.quote.fees.map((f) => (
                  <tr key={f.name}>
                    <td>{f.name}</td>
                    <td></td>
                    <td className="num">{formatUsd(f.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="meta">Assumes:</p>
            <ul className="assumptions">
              {result.quote.assumptions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </section>
        )}
      </section>
      <SyncScreen hidden={screen !== "sync"} />
    </main>
  );
}
