// One customer's account: who they are and how to reach them, the quotes and
// policies they have with us, a multi-policy opportunity when there is one,
// the agent's notes and what happened to the account.
import { FormEvent, useState } from "react";
import { api, CommandError } from "../api";
import type { CustomerRecord, Product } from "../bindings";
import { QUOTES } from "../quotes/invalidation";
import { StatusBadge } from "../quotes/status";
import { ErrorBox } from "../shared/ErrorBox";
import { formatInstant, formatMoney, statusLabel } from "../shared/language";
import { num, TableHead } from "../shared/TableHead";
import { useCommand } from "../shared/useCommand";
import type { WizardForm } from "../wizard/form";
import { auditActionLabel, firstName, productLabel } from "./words";

export interface CustomerScreenProps {
  customerId: number;
  onOpenQuote: (quoteId: number) => void;
  onOpenPolicy: (policyNumber: string) => void;
  /** Starts a new quote of `product` for this customer. */
  onNewQuote: (product: Product, prefill: Partial<WizardForm>) => void;
}

/** What the wizard starts with for a new quote of this person's. */
function prefillOf(c: CustomerRecord): Partial<WizardForm> {
  return {
    name: c.name,
    street: c.street,
    city: c.city,
    state: c.state,
    zip: c.zip,
    dateOfBirth: c.date_of_birth ?? "",
    email: c.email ?? "",
    phone: c.phone ?? "",
  };
}

function Opportunity({ customer, onNewQuote }: { customer: CustomerRecord; onNewQuote: CustomerScreenProps["onNewQuote"] }) {
  const product = customer.opportunity;
  if (!product) return null;
  const name = firstName(customer.name);
  const [has, lacks] = product === "homeowners-ho3" ? ["auto", "home"] : ["home", "auto"];
  return (
    <div className="notice opportunity" role="note" id="customer-opportunity" aria-labelledby="opportunity-heading" data-product={product}>
      <strong id="opportunity-heading">Multi-policy opportunity</strong>
      <p>
        {name} has {has} insurance with us but no {lacks}: quote {lacks} insurance for the multi-policy discount.
      </p>
      <button type="button" id="start-opportunity-quote" onClick={() => onNewQuote(product, prefillOf(customer))}>
        Start a {lacks} quote for {name}
      </button>
    </div>
  );
}

function Notes({ record, onSaved }: { record: CustomerRecord; onSaved: (next: CustomerRecord) => void }) {
  const [text, setText] = useState("");
  const [state, setState] = useState<{ kind: "idle" } | { kind: "busy" } | { kind: "failed"; error: CommandError }>({ kind: "idle" });

  async function add(event: FormEvent) {
    event.preventDefault();
    setState({ kind: "busy" });
    try {
      const next = await api.addCustomerNote(record.customer_id, text);
      setText("");
      setState({ kind: "idle" });
      onSaved(next);
    } catch (e) {
      // The text stays, to correct and add again.
      setState({ kind: "failed", error: e as CommandError });
    }
  }

  const failed = state.kind === "failed";
  return (
    <section aria-labelledby="customer-notes-heading" id="customer-notes">
      <h3 id="customer-notes-heading">Notes</h3>
      <form onSubmit={add} className="note-form">
        <label htmlFor="customer-note">Note</label>
        <textarea
          id="customer-note"
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={failed || undefined}
          aria-describedby={failed ? "note-error" : undefined}
        />
        {failed && <ErrorBox id="note-error" error={state.error} />}
        <div className="actions">
          <button type="submit" id="add-note" disabled={state.kind === "busy"}>
            {state.kind === "busy" ? "Adding…" : "Add note"}
          </button>
        </div>
      </form>
      {record.notes.length === 0 ? (
        <p className="meta" id="customer-notes-list" data-count={0}>
          No notes yet.
        </p>
      ) : (
        <ul className="notes" id="customer-notes-list" data-count={record.notes.length}>
          {record.notes.map((n) => (
            <li key={n.id} data-note-id={n.id}>
              <p className="note-body">{n.body}</p>
              <p className="meta">
                {n.author ?? "You"} · <time dateTime={n.created_at}>{formatInstant(n.created_at)}</time>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function CustomerScreen({ customerId, onOpenQuote, onOpenPolicy, onNewQuote }: CustomerScreenProps) {
  // Tagged with the quotes: a sync that changed them shows here too.
  const record = useCommand(api.customer, [customerId], { tag: QUOTES });

  if (record.kind === "loading")
    return (
      <section id="customer-screen" data-customer-id={customerId} aria-busy="true">
        <p>Loading the customer...</p>
      </section>
    );
  if (record.kind === "failed")
    return (
      <section id="customer-screen" data-customer-id={customerId}>
        <ErrorBox id="customer-error" error={record.error}>
          <strong>The customer did not open.</strong>
        </ErrorBox>
      </section>
    );
  const c = record.value;
  return (
    <section id="customer-screen" data-customer-id={customerId} aria-labelledby="customer-name">
      <h2 id="customer-name">{c.name}</h2>
      <dl className="counts customer-contact">
        <div>
          <dt>Address</dt>
          <dd>
            {c.street}, {c.city}, {c.state} {c.zip}
          </dd>
        </div>
        {c.date_of_birth && (
          <div>
            <dt>Date of birth</dt>
            <dd>{c.date_of_birth}</dd>
          </div>
        )}
        {c.email && (
          <div>
            <dt>Email</dt>
            <dd>{c.email}</dd>
          </div>
        )}
        {c.phone && (
          <div>
            <dt>Phone</dt>
            <dd>{c.phone}</dd>
          </div>
        )}
      </dl>
      <Opportunity customer={c} onNewQuote={onNewQuote} />

      <h3 id="customer-quotes-heading">Quotes</h3>
      {c.quotes.length === 0 ? (
        <p className="meta">No quotes.</p>
      ) : (
        <table id="customer-quotes" aria-labelledby="customer-quotes-heading">
          <TableHead columns={["Quote", "Product", "Status", num("Premium"), "Effective"]} />
          <tbody>
            {c.quotes.map((q) => (
              <tr key={q.id} data-quote-number={q.quote_number}>
                <td>
                  <button type="button" className="link" onClick={() => onOpenQuote(q.id)}>
                    {q.quote_number}
                  </button>
                </td>
                <td>{productLabel(q.product)}</td>
                <td>
                  <StatusBadge status={q.status} />
                </td>
                <td className="num">{q.premium ? formatMoney(q.premium) : ""}</td>
                <td>{q.effective_date}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3 id="customer-policies-heading">Policies</h3>
      {c.policies.length === 0 ? (
        <p className="meta">No policies.</p>
      ) : (
        <table id="customer-policies" aria-labelledby="customer-policies-heading">
          <TableHead columns={["Policy", "Status", "Term", num("Premium")]} />
          <tbody>
            {c.policies.map((p) => (
              <tr key={p.policy_number} data-policy={p.policy_number}>
                <td>
                  <button type="button" className="link" onClick={() => onOpenPolicy(p.policy_number)}>
                    {p.policy_number}
                  </button>
                </td>
                <td data-status={p.status}>{statusLabel(p.status)}</td>
                <td>
                  {p.effective_date} to {p.expiration_date}
                </td>
                <td className="num">{formatMoney(p.premium)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <Notes record={c} onSaved={(next) => record.set({ kind: "loaded", value: next })} />

      <section aria-labelledby="customer-activity-heading">
        <h3 id="customer-activity-heading">Activity</h3>
        {c.activity.length === 0 ? (
          <p className="meta">Nothing yet.</p>
        ) : (
          <ul className="activity" id="customer-activity">
            {c.activity.map((e) => (
              <li key={e.id} data-action={e.action}>
                <time dateTime={e.at}>{formatInstant(e.at)}</time> · {auditActionLabel(e.action)}
                {e.subject && ` · ${e.subject}`}
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
