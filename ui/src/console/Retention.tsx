// How long records are kept: the administrator's rules per kind of record
// and state, a preview of what the next run would remove, and running it
// now (the server also runs it daily). No rule, no removal.
import { FormEvent, useState } from "react";
import { api, CommandError, RetentionReportView, RetentionRuleView } from "../api";
import { ConfirmDialog, Confirmation } from "../shared/ConfirmDialog";
import { ErrorBox } from "../shared/ErrorBox";
import { ActionResult, useAdminAction, useAdminList } from "./adminParts";

const KIND_LABEL: Record<RetentionRuleView["kind"], string> = {
  unbound_quote: "Quotes never bound",
  ended_policy: "Customers of ended policies",
};
const KIND_FROM: Record<RetentionRuleView["kind"], string> = {
  unbound_quote: "after the quote was last rated; then the quote is deleted",
  ended_policy: "after the policy ended; then the customer's personal data is erased, the policy kept",
};

function stateLabel(state: string) {
  return state === "*" ? "All other states" : state;
}

function reportSentence(r: RetentionReportView): string {
  const quotes = r.deletedQuotes.length;
  const what = `${quotes} ${quotes === 1 ? "quote" : "quotes"} never bound and the personal data of ${r.erasedCustomers} ${
    r.erasedCustomers === 1 ? "customer" : "customers"
  }`;
  return r.dryRun ? `The rules would now remove ${what}.` : `Removed ${what}.`;
}

export function Retention({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const rules = useAdminList(api.adminRetentionRules, onSessionLost);
  const [action, run] = useAdminAction(onSessionLost, rules.reload);
  const [kind, setKind] = useState<RetentionRuleView["kind"]>("unbound_quote");
  const [state, setState] = useState("*");
  const [days, setDays] = useState("");
  const [pending, setPending] = useState<Confirmation | null>(null);

  function save(event: FormEvent) {
    event.preventDefault();
    const n = Number.parseInt(days, 10);
    const where = state.trim() === "" ? "*" : state.trim().toUpperCase();
    void run(`${KIND_LABEL[kind]} in ${stateLabel(where).toLowerCase()} are kept ${n} days.`, () =>
      api.adminSetRetentionRule(kind, where, n),
    );
  }

  function remove(r: RetentionRuleView) {
    void run(`${KIND_LABEL[r.kind]} in ${stateLabel(r.state).toLowerCase()} are kept for good.`, () =>
      api.adminSetRetentionRule(r.kind, r.state, null),
    );
  }

  const [report, setReport] = useState<RetentionReportView | null>(null);
  const [reportError, setReportError] = useState<CommandError | null>(null);
  async function runNow(dryRun: boolean) {
    setReportError(null);
    try {
      setReport(await api.adminRunRetention(dryRun));
    } catch (e) {
      setReportError(e as CommandError);
      onSessionLost(e as CommandError);
    }
  }

  return (
    <section aria-labelledby="retention-heading" id="admin-retention">
      <h3 id="retention-heading">How long records are kept</h3>
      <p className="meta">
        Without a rule, records are kept for good. The server applies the rules every day; preview what they would remove before you add
        one.
      </p>
      {rules.kind === "failed" && <ErrorBox id="retention-error" error={rules.error} />}
      {rules.kind === "loaded" && rules.value.length === 0 && (
        <p className="meta" id="no-retention-rules">
          No rules: every record is kept.
        </p>
      )}
      {rules.kind === "loaded" && rules.value.length > 0 && (
        <table id="retention-table" data-count={rules.value.length}>
          <thead>
            <tr>
              <th scope="col">Records</th>
              <th scope="col">State</th>
              <th scope="col">Kept</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.value.map((r) => (
              <tr key={`${r.kind}/${r.state}`} data-kind={r.kind} data-state={r.state}>
                <td>{KIND_LABEL[r.kind]}</td>
                <td>{stateLabel(r.state)}</td>
                <td>
                  {r.days} days {KIND_FROM[r.kind]}
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="secondary"
                    disabled={action.kind === "busy"}
                    aria-label={`Remove the rule for ${KIND_LABEL[r.kind].toLowerCase()} in ${stateLabel(r.state).toLowerCase()}`}
                    onClick={() => remove(r)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={save} aria-label="Set a retention rule" id="retention-form" className="filters">
        <label>
          Records
          <select id="retention-kind" value={kind} onChange={(e) => setKind(e.target.value as RetentionRuleView["kind"])}>
            <option value="unbound_quote">{KIND_LABEL.unbound_quote}</option>
            <option value="ended_policy">{KIND_LABEL.ended_policy}</option>
          </select>
        </label>
        <label>
          State (two letters, or * for all others)
          <input id="retention-state" className="short" value={state} onChange={(e) => setState(e.target.value)} required />
        </label>
        <label>
          Days kept
          <input
            id="retention-days"
            className="short"
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            required
          />
        </label>
        <button type="submit" id="retention-save" disabled={action.kind === "busy" || !/^[1-9][0-9]*$/.test(days.trim())}>
          Save rule
        </button>
      </form>
      <ActionResult id="retention" action={action} />
      <p>
        <button type="button" className="secondary" id="retention-preview" onClick={() => void runNow(true)}>
          Preview what would be removed
        </button>{" "}
        <button
          type="button"
          className="danger"
          id="retention-run"
          onClick={() =>
            setPending({
              question: "Apply the retention rules now?",
              consequence:
                "Quotes past their rule are deleted and the personal data of customers whose every record is past its rule is erased, for good. The server does this every day anyway.",
              confirm: "Apply now",
              run: () => void runNow(false),
            })
          }
        >
          Apply now…
        </button>
      </p>
      {report && (
        <p role="status" id="retention-report" data-dry-run={report.dryRun}>
          {reportSentence(report)}
        </p>
      )}
      {reportError && <ErrorBox id="retention-run-error" error={reportError} />}
      <ConfirmDialog id="retention-confirm" pending={pending} onClose={() => setPending(null)} />
    </section>
  );
}
