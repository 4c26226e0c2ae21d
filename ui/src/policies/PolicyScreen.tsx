// One policy: where it stands, who and what it insures (the named insured,
// drivers, vehicles or dwelling, coverages with their limits), its timeline from the server (each entry with
// its worksheet and audit index), the changes prepared on this workstation,
// its documents, and the flows that change it (endorse, cancel, reinstate,
// offer a renewal, renew, non-renew). Every change is worked out first and
// shown for review, then queued for the next sync; the server decides.
import { SavedDocument } from "../shared/SavedDocument";
import { FormEvent, useState } from "react";
import { api, CommandError } from "../api";
import type {
  CancelReason,
  NonRenewalReason,
  PolicyChangePreviewView,
  PolicyChangeRequest,
  PolicyDocument,
  PolicyWorksheetLine,
  QuoteInput,
} from "../bindings";
import { DateInput } from "../shared/DateField";
import { isDate, isoDate } from "../shared/dates";
import { ErrorBox } from "../shared/ErrorBox";
import { coverageName, formatDeductible, formatLimit, formatMoney } from "../shared/language";
import { RiskSummary, vehicleName } from "../shared/RiskSummary";
import { useCommand } from "../shared/useCommand";

export const CANCEL_REASONS: { value: CancelReason; label: string; insured: boolean }[] = [
  { value: "insured_request", label: "The insured asked (short rate)", insured: true },
  { value: "insured_replaced_coverage", label: "The insured replaced the coverage or sold the risk (short rate)", insured: true },
  { value: "military_service", label: "The insured entered active military service (pro rata, no penalty)", insured: true },
  { value: "nonpayment", label: "Non-payment of premium (insurer, pro rata)", insured: false },
  { value: "material_misrepresentation", label: "Material misrepresentation (insurer, pro rata)", insured: false },
  { value: "license_suspended", label: "License suspended or revoked (insurer, auto)", insured: false },
  { value: "substantial_change_in_risk", label: "Substantial change in risk (insurer)", insured: false },
  { value: "underwriting_error", label: "Underwriting error (insurer)", insured: false },
];

export const NON_RENEWAL_REASONS: { value: NonRenewalReason; label: string }[] = [
  { value: "loss_history", label: "Loss history" },
  { value: "driving_record", label: "Driving record (auto)" },
  { value: "property_condition", label: "Property condition (homeowners)" },
  { value: "underwriting_guidelines", label: "Underwriting guidelines" },
  { value: "agency_terminated", label: "Agency terminated" },
];

const KIND_LABEL: Record<string, string> = {
  bind: "Bound",
  migrated: "Moved from the legacy system",
  endorse: "Endorsement",
  cancel: "Cancellation",
  reinstate: "Reinstatement",
  offer_renewal: "Renewal offered",
  renew: "Renewed",
  non_renew: "Non-renewal",
};

type Action = "endorse" | "cancel" | "reinstate" | "offer_renewal" | "renew" | "non_renew";

function Lines({ lines }: { lines: PolicyWorksheetLine[] }) {
  return (
    <table className="worksheet">
      <tbody>
        {lines.map((l, i) => (
          <tr key={i}>
            <th scope="row">{l.label}</th>
            <td>{l.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Who and what the policy insures, from the rating input in force: never a licence number. */
function Insured({ input }: { input: QuoteInput }) {
  const q = input.quote;
  const auto = q.product === "personal-auto";
  return (
    <div className="policy-insured" id="policy-insured-summary">
      <RiskSummary quote={q} level={3} licenses={input.licenses} idPrefix="policy" />
      {q.coverages.length > 0 && (
        <>
          <h3>Coverages</h3>
          <table id="policy-coverages">
            <thead>
              <tr>
                <th scope="col">Coverage</th>
                <th scope="col">Limit</th>
                <th scope="col">Deductible</th>
                {auto && <th scope="col">Vehicles</th>}
              </tr>
            </thead>
            <tbody>
              {q.coverages.map((c, i) => (
                <tr key={`${c.code}-${i}`} data-coverage={c.code}>
                  <td>{coverageName(c.code)}</td>
                  <td>{c.limit ? formatLimit(c.limit) : "Included"}</td>
                  <td>{c.deductible ? formatDeductible(c.deductible) : "None"}</td>
                  {auto && (
                    <td>
                      {c.vehicles === null
                        ? "All"
                        : c.vehicles.map((v) => (q.vehicles[v] ? vehicleName(q.vehicles[v], v) : `Vehicle ${v + 1}`)).join(", ")}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function amountText(amount: string): string {
  return amount.startsWith("-") ? `${formatMoney(amount.slice(1))} returned` : `${formatMoney(amount)} charged`;
}

export function PolicyScreen({
  policyNumber,
  endorsement,
  onEndorse,
  onEndorsementDone,
}: {
  policyNumber: string;
  /** The changed rating input, when the wizard has just been used to make an endorsement. */
  endorsement: QuoteInput | null;
  /** Opens the wizard on the input in force. */
  onEndorse: (input: QuoteInput) => void;
  onEndorsementDone: () => void;
}) {
  const file = useCommand(api.policyFile, [policyNumber], {
    // A change takes effect today, or on the first day of a term that has not begun.
    onLoaded: (value) => {
      const start = value.working?.term.start;
      if (start) setEffective((today) => (today < start ? start : today));
    },
  });
  const setFile = file.set;
  const [action, setAction] = useState<Action | null>(endorsement ? "endorse" : null);
  const [effective, setEffective] = useState(new Date().toISOString().slice(0, 10));
  const [dateProblem, setDateProblem] = useState(false);
  const [description, setDescription] = useState("");
  const [cancelReason, setCancelReason] = useState<CancelReason>("insured_request");
  const [nonRenewalReason, setNonRenewalReason] = useState<NonRenewalReason>("loss_history");
  const [preview, setPreview] = useState<PolicyChangePreviewView | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<CommandError | null>(null);
  const [notice, setNotice] = useState<{ text: string; path?: string } | null>(null);

  function request(): PolicyChangeRequest | null {
    // A date typed the US way, with Enter pressed before the field was left, is written as YYYY-MM-DD here.
    const date = isoDate(effective).trim();
    switch (action) {
      case "endorse":
        return endorsement ? { kind: "endorse", effective: date, description, input: endorsement } : null;
      case "cancel":
        return { kind: "cancel", effective: date, reason: cancelReason };
      case "non_renew":
        return { kind: "non_renew", reason: nonRenewalReason };
      case "reinstate":
      case "offer_renewal":
      case "renew":
        return { kind: action };
      default:
        return null;
    }
  }

  async function run<T>(work: () => Promise<T>, done: (value: T) => void) {
    setBusy(true);
    setProblem(null);
    try {
      done(await work());
    } catch (e) {
      setProblem(e as CommandError);
    } finally {
      setBusy(false);
    }
  }

  function choose(next: Action | null) {
    setAction(next);
    setPreview(null);
    setProblem(null);
    setDateProblem(false);
    setNotice(null);
  }

  async function onPreview(e: FormEvent) {
    e.preventDefault();
    const change = request();
    if (!change) return;
    if ("effective" in change) {
      if (change.effective !== effective) setEffective(change.effective);
      if (!isDate(change.effective)) {
        setDateProblem(true);
        return;
      }
    }
    await run(() => api.previewPolicyChange(policyNumber, change), setPreview);
  }

  async function onConfirm() {
    const change = request();
    if (!change) return;
    await run(
      () => api.preparePolicyChange(policyNumber, change),
      (value) => {
        setFile({ kind: "loaded", value });
        setPreview(null);
        setAction(null);
        setNotice({ text: "The change waits in the outbox; the server applies it on the next sync." });
        if (change.kind === "endorse") onEndorsementDone();
      },
    );
  }

  async function save(document: PolicyDocument) {
    await run(
      () => api.savePolicyDocument(policyNumber, document),
      (saved) => setNotice({ text: "Saved the document in your documents folder.", path: saved.path }),
    );
  }

  async function refresh() {
    await run(
      () => api.refreshPolicy(policyNumber),
      (value) => {
        setFile({ kind: "loaded", value });
        setNotice({ text: "Fetched the server's latest version." });
      },
    );
  }

  if (file.kind === "loading") return <section aria-busy="true">Loading {policyNumber}...</section>;
  if (file.kind === "failed") {
    return (
      <section>
        <h2>{policyNumber}</h2>
        <ErrorBox error={file.error} />
      </section>
    );
  }
  const p = file.value;
  const w = p.working;
  const pending = p.changes.filter((c) => c.outcome === null).length;
  const auto = w?.product === "personal-auto" || p.input?.quote.product === "personal-auto";

  return (
    <section className="policy" aria-label={`Policy ${p.policyNumber}`} data-policy={p.policyNumber} data-version={p.policyVersion}>
      <h2>
        Policy {p.policyNumber} <span className={`status status-${p.status}`}>{p.status === "cancelled" ? "Cancelled" : "In force"}</span>
      </h2>
      <dl className="facts">
        <dt>Version</dt>
        <dd id="policy-version">{p.policyVersion}</dd>
        <dt>Term</dt>
        <dd>{w ? `${w.term.start} to ${w.term.end}` : "sync to see"}</dd>
        <dt>Premium with fees</dt>
        <dd>{formatMoney(p.premium)}</dd>
        {w && (
          <>
            <dt>Written premium{pending > 0 ? " (with changes waiting to sync)" : ""}</dt>
            <dd id="policy-written">{formatMoney(w.written_premium)}</dd>
          </>
        )}
        <dt>Server detail</dt>
        <dd>{p.fetchedAt ? `fetched ${p.fetchedAt.replace("T", " ").slice(0, 16)} UTC` : "not fetched yet"}</dd>
      </dl>
      {p.input && <Insured input={p.input} />}
      {!w && (
        <div role="status" className="banner offline" id="policy-needs-sync">
          The server has version {p.policyVersion} of this policy and this workstation has not received it. Sync, or fetch it, before
          changing it.
        </div>
      )}
      <div className="actions">
        <button type="button" className="secondary" id="policy-refresh" disabled={busy} onClick={refresh}>
          Fetch from server
        </button>
        <button type="button" id="policy-declarations" disabled={busy || !w} onClick={() => save("declarations")}>
          Declarations page
        </button>
        {auto && (
          <button type="button" id="policy-id-cards" disabled={busy || !w} onClick={() => save("id_cards")}>
            ID cards
          </button>
        )}
        {(w?.cancellation || w?.non_renewal) && (
          <button type="button" id="policy-notice" disabled={busy} onClick={() => save("notice")}>
            {w.cancellation ? "Cancellation notice" : "Non-renewal notice"}
          </button>
        )}
      </div>
      {notice && (
        <div role="status" id="policy-notice-text">
          {notice.text}
          {notice.path && <SavedDocument path={notice.path} what="document" pathId="policy-document-path" />}
        </div>
      )}
      {problem && <ErrorBox id="policy-error" error={problem} />}

      {w && (
        <>
          <h3>Change the policy</h3>
          <div className="actions" role="group" aria-label="Policy changes">
            <button
              type="button"
              id="change-endorse"
              disabled={busy || w.status !== "in_force"}
              onClick={() => p.input && onEndorse(p.input)}
            >
              Endorse
            </button>
            <button type="button" id="change-cancel" disabled={busy || w.status !== "in_force"} onClick={() => choose("cancel")}>
              Cancel
            </button>
            <button type="button" id="change-reinstate" disabled={busy || w.status !== "cancelled"} onClick={() => choose("reinstate")}>
              Reinstate
            </button>
            <button
              type="button"
              id="change-offer-renewal"
              disabled={busy || w.status !== "in_force" || w.renewal_offer !== null}
              onClick={() => choose("offer_renewal")}
            >
              Offer renewal
            </button>
            <button type="button" id="change-renew" disabled={busy || w.renewal_offer === null} onClick={() => choose("renew")}>
              Renew
            </button>
            <button
              type="button"
              id="change-non-renew"
              disabled={busy || w.status !== "in_force" || w.non_renewal !== null}
              onClick={() => choose("non_renew")}
            >
              Non-renew
            </button>
          </div>
          {action && (
            <form className="change" id="change-form" data-action={action} onSubmit={onPreview}>
              <h4>{KIND_LABEL[action]}</h4>
              {action === "endorse" && !endorsement && <p className="meta">Open the endorsement in the wizard first.</p>}
              {(action === "endorse" || action === "cancel") && (
                <div className="field">
                  <label htmlFor="change-effective">Effective date</label>
                  <DateInput
                    id="change-effective"
                    value={effective}
                    onChange={(value) => {
                      setEffective(value);
                      setDateProblem(false);
                    }}
                    inputMode="numeric"
                    required
                    invalid={dateProblem}
                    describedBy={dateProblem ? "change-effective-error" : undefined}
                    pickerLabel="Choose effective date"
                    calendarLabel="Effective date"
                  />
                  {dateProblem && (
                    <span className="field-error" id="change-effective-error" role="alert">
                      Type the effective date as YYYY-MM-DD or MM/DD/YYYY.
                    </span>
                  )}
                </div>
              )}
              {action === "endorse" && (
                <label>
                  What changes
                  <input id="change-description" value={description} onChange={(e) => setDescription(e.target.value)} required />
                </label>
              )}
              {action === "cancel" && (
                <label>
                  Reason
                  <select id="change-cancel-reason" value={cancelReason} onChange={(e) => setCancelReason(e.target.value as CancelReason)}>
                    {CANCEL_REASONS.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              {action === "non_renew" && (
                <label>
                  Reason
                  <select
                    id="change-non-renewal-reason"
                    value={nonRenewalReason}
                    onChange={(e) => setNonRenewalReason(e.target.value as NonRenewalReason)}
                  >
                    {NON_RENEWAL_REASONS.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <div className="actions">
                <button type="submit" id="change-preview" disabled={busy || request() === null}>
                  Work it out
                </button>
                <button type="button" className="secondary" onClick={() => choose(null)}>
                  Close
                </button>
              </div>
            </form>
          )}
          {preview && (
            <div className="preview" id="change-review" data-amount={preview.worksheet.amount}>
              <h4>
                {preview.description}: {amountText(preview.worksheet.amount)}
              </h4>
              <p className="meta">
                Prepared on version {preview.baseVersion}; makes version {preview.after.version}. Written premium{" "}
                {formatMoney(preview.before.written_premium)} to {formatMoney(preview.after.written_premium)}.
              </p>
              <Lines lines={preview.worksheet.lines} />
              <button type="button" id="change-confirm" disabled={busy} onClick={onConfirm}>
                Queue this change
              </button>
            </div>
          )}
        </>
      )}

      <h3>Timeline</h3>
      {p.timeline.length === 0 ? (
        <p className="meta">The server's timeline arrives with the next sync.</p>
      ) : (
        <table id="policy-timeline">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Transaction</th>
              <th scope="col">Effective</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">By</th>
              <th scope="col">Recorded</th>
              <th scope="col">Audit entry</th>
            </tr>
          </thead>
          <tbody>
            {p.timeline.map((e) => (
              <tr key={e.version} data-kind={e.kind}>
                <td>{e.version}</td>
                <td>
                  <details>
                    <summary>{KIND_LABEL[e.kind] ?? e.kind}</summary>
                    <Lines lines={e.lines} />
                  </details>
                </td>
                <td>{e.effectiveDate}</td>
                <td className="num">{formatMoney(e.amount)}</td>
                <td>{e.by}</td>
                <td>{e.recordedAt.replace("T", " ").slice(0, 16)}</td>
                <td>{e.logIndex ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Changes made on this workstation</h3>
      {p.changes.length === 0 ? (
        <p className="meta">None.</p>
      ) : (
        <table id="policy-changes">
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">On version</th>
              <th scope="col">Effective</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Server</th>
            </tr>
          </thead>
          <tbody>
            {p.changes.map((c) => (
              <tr key={c.id} data-outcome={c.outcome ?? "waiting"}>
                <td>{c.description}</td>
                <td>{c.baseVersion}</td>
                <td>{c.effectiveDate}</td>
                <td className="num">{formatMoney(c.amount)}</td>
                <td>
                  {c.outcome === null
                    ? "waiting to sync"
                    : c.outcome === "accepted"
                      ? "applied"
                      : c.outcome === "conflict"
                        ? "conflict: the policy changed elsewhere; redo it on the current version"
                        : "refused (see Sync)"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
