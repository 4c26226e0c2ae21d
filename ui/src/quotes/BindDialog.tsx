// The step before a bind request: a modal dialog that says what will be
// bound (the insured, the product, the term, the premium and how it is
// paid) and a checklist the agent ticks before "Send bind request" is on.
// Escape or Cancel closes it and focus goes back to "Request bind".
import { useState } from "react";
import { Dialog, Heading, Modal, ModalOverlay } from "react-aria-components";
import type { InstallmentsView, PaymentMethod, QuoteDetail, RatingView } from "../bindings";
import { coverageName, formatMoney, stateName } from "../shared/language";
import { addMonths, formatDate } from "../shared/RiskSummary";

const METHOD: Record<PaymentMethod, string> = {
  eft: "automatic payments from a bank account",
  card: "card",
  check: "check",
};

const DECISION: Record<string, string> = {
  rejected: "rejected",
  accepted: "accepted",
  "lower-limits": "lower limits chosen",
};

/** How the premium is paid: in full, or the plan with its payments and the total. */
export function planText(installments: InstallmentsView): string {
  const payments = installments.payments;
  if (payments.length <= 1) return `${installments.name}: ${formatMoney(installments.totalPayable)}`;
  const first = payments[0];
  return `${installments.name}: ${payments.length} payments, the first ${formatMoney(first.amount)} due ${formatDate(first.due)}; ${formatMoney(installments.totalPayable)} in all`;
}

interface Check {
  id: string;
  label: string;
  detail?: string;
}

function BindContent({
  detail,
  rating,
  close,
  onConfirm,
}: {
  detail: QuoteDetail;
  rating: RatingView | null;
  close: () => void;
  onConfirm: () => void;
}) {
  const s = detail.summary;
  const q = detail.input.quote;
  const elections = q.elections ?? [];
  const checks: Check[] = [
    { id: "bind-check-signed", label: "The applicant signed the application" },
    ...(elections.length > 0
      ? [
          {
            id: "bind-check-rejections",
            label: "Coverages the state requires to be rejected in writing have signed rejections",
            detail: elections
              .map(
                (e) =>
                  `${coverageName(e.coverage)} ${DECISION[e.decision] ?? e.decision}, signed by ${e.signed_by} on ${formatDate(e.signed_on)}`,
              )
              .join("; "),
          },
        ]
      : []),
    {
      id: "bind-check-documents",
      label: "The documents were given to the applicant",
      detail: "The proposal, saved with Proposal PDF.",
    },
  ];
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const ready = checks.every((c) => ticked.has(c.id));
  const toggle = (id: string, on: boolean) =>
    setTicked((was) => {
      const next = new Set(was);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const premium = rating?.premium ?? s.premium;
  const product = `${s.product === "personal-auto" ? "Personal auto" : "Homeowners (HO-3)"}, ${stateName(s.state)}`;

  return (
    <>
      <div className="dialog-head">
        <Heading slot="title" level={2}>
          Bind {s.quote_number}?
        </Heading>
      </div>
      <p className="meta">The request goes to the server with the next sync; the server issues the policy.</p>
      <dl className="facts bind-summary" id="bind-summary">
        <dt>Insured</dt>
        <dd>
          {q.applicant.name}, {q.applicant.address.street}, {q.applicant.address.city}, {q.applicant.address.state}{" "}
          {q.applicant.address.zip}
        </dd>
        <dt>Product</dt>
        <dd>{product}</dd>
        <dt>Term</dt>
        <dd>
          {formatDate(q.effective_date)} through {formatDate(addMonths(q.effective_date, q.term_months))}
        </dd>
        <dt>Premium</dt>
        <dd id="bind-premium">{premium ? formatMoney(premium) : "Not rated"}</dd>
        {rating && (
          <>
            <dt>Payment plan</dt>
            <dd id="bind-plan">
              {planText(rating.installments)}
              {q.payment_method && `, by ${METHOD[q.payment_method]}`}
            </dd>
          </>
        )}
      </dl>
      {rating && rating.unsigned.length > 0 && (
        <div className="warning" role="note" id="bind-unsigned">
          <p>The server refuses the bind until the insured signs:</p>
          <ul>
            {rating.unsigned.map((message) => (
              <li key={message}>{message}.</li>
            ))}
          </ul>
        </div>
      )}
      <fieldset className="bind-checklist" id="bind-checklist">
        <legend>Before you send it, confirm:</legend>
        {checks.map((c) => (
          <label key={c.id} htmlFor={c.id}>
            <input type="checkbox" id={c.id} checked={ticked.has(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />
            <span>
              {c.label}
              {c.detail && <span className="meta"> ({c.detail})</span>}
            </span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button
          type="button"
          id="bind-confirm"
          disabled={!ready}
          aria-describedby={ready ? undefined : "bind-checklist-hint"}
          onClick={() => {
            close();
            onConfirm();
          }}
        >
          Send bind request
        </button>
        <button type="button" className="secondary" id="bind-cancel" onClick={close}>
          Cancel
        </button>
        {!ready && (
          <span className="meta" id="bind-checklist-hint">
            Tick each item to send it.
          </span>
        )}
      </div>
    </>
  );
}

export function BindDialog({
  isOpen,
  onOpenChange,
  detail,
  rating,
  onConfirm,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  detail: QuoteDetail;
  rating: RatingView | null;
  /** Sends the bind request (the dialog has closed). */
  onConfirm: () => void;
}) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable>
      <Modal className="modal bind">
        <Dialog className="dialog" id="bind-dialog">
          {({ close }) => <BindContent detail={detail} rating={rating} close={close} onConfirm={onConfirm} />}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
