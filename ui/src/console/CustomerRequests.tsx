// Data-subject requests: an administrator finds a customer by their exact
// name, saves everything the server holds about them, and erases their
// personal data when they ask and the law allows (the customer's policies
// in force are kept unless the administrator says otherwise).
import { FormEvent, useState } from "react";
import { api, CommandError, CustomerView } from "../api";
import { ConfirmDialog, Confirmation } from "../shared/ConfirmDialog";
import { ErrorBox } from "../shared/ErrorBox";
import { ActionResult, useAdminAction } from "./adminParts";
import type { Action } from "./session";

export function CustomerRequests({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const [name, setName] = useState("");
  const [found, setFound] = useState<Action<CustomerView[]>>({ kind: "idle" });
  const [searched, setSearched] = useState("");
  const [pending, setPending] = useState<Confirmation | null>(null);
  const [erasing, setErasing] = useState<CustomerView | null>(null);
  const [reason, setReason] = useState("");
  const [includePolicies, setIncludePolicies] = useState(false);
  const [action, run] = useAdminAction(onSessionLost, () => void search());

  async function search(event?: FormEvent) {
    event?.preventDefault();
    const wanted = event ? name.trim() : searched;
    if (!wanted) return;
    setSearched(wanted);
    setFound({ kind: "busy" });
    try {
      setFound({ kind: "done", value: await api.adminFindCustomers(wanted) });
    } catch (e) {
      setFound({ kind: "failed", error: e as CommandError });
      onSessionLost(e as CommandError);
    }
  }

  function exportCustomer(c: CustomerView) {
    void run(`Everything held about ${c.name} is saved in Customer exports in your documents folder.`, () =>
      api.adminSaveCustomerExport(c.customerId),
    );
  }

  function askErase(c: CustomerView) {
    setErasing(c);
    setReason("");
    setIncludePolicies(false);
    setPending({
      question: `Erase ${c.name}'s personal data?`,
      consequence:
        "Their name, address, dates of birth, contact details, license numbers and VINs become unreadable for good, on the server, in backups made from now on, and on agents' devices at their next sync. Their quotes and policies stay, without them. This cannot be undone: save their data first if they asked for a copy.",
      confirm: `Erase ${c.name}'s data`,
      run: () => undefined,
    });
  }

  function confirmErase(c: CustomerView) {
    const why = reason.trim();
    void run(`${c.name}'s personal data is erased.`, () => api.adminEraseCustomer(c.customerId, why, includePolicies));
  }

  return (
    <section aria-labelledby="customers-heading" id="admin-customers">
      <h3 id="customers-heading">Customers' data requests</h3>
      <p className="meta">
        When a customer asks for a copy of their data or for it to be erased. Names are kept encrypted, so search by the full name as it
        appears on their quote.
      </p>
      <form onSubmit={search} aria-label="Find a customer" id="customers-form" className="filters">
        <label>
          Customer's full name
          <input id="customers-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" id="customers-search" disabled={found.kind === "busy"}>
          Find
        </button>
      </form>
      {found.kind === "failed" && <ErrorBox id="customers-error" error={found.error} />}
      {found.kind === "done" && found.value.length === 0 && (
        <p className="meta" id="no-customers">
          No customer is named {searched}.
        </p>
      )}
      {found.kind === "done" && found.value.length > 0 && (
        <table id="customers-table" data-count={found.value.length}>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Address</th>
              <th scope="col">Quotes</th>
              <th scope="col">Policies</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {found.value.map((c) => (
              <tr key={c.customerId} data-customer-id={c.customerId}>
                <td>{c.name}</td>
                <td>{c.address}</td>
                <td>{c.quotes.join(", ")}</td>
                <td>{c.policies.length ? c.policies.join(", ") : "None"}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="secondary"
                    disabled={action.kind === "busy"}
                    aria-label={`Save ${c.name}'s data`}
                    onClick={() => exportCustomer(c)}
                  >
                    Save their data
                  </button>
                  <button
                    type="button"
                    className="danger"
                    disabled={action.kind === "busy"}
                    aria-label={`Erase ${c.name}'s data`}
                    onClick={() => askErase(c)}
                  >
                    Erase…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionResult id="customers" action={action} />
      <ConfirmDialog
        id="customer-erase"
        pending={pending && erasing ? { ...pending, run: () => confirmErase(erasing) } : pending}
        onClose={() => setPending(null)}
        confirmDisabled={reason.trim().length === 0}
      >
        {erasing && (
          <div className="erase-reason">
            <label>
              Reason (the request's reference)
              <input id="erase-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            {erasing.policies.length > 0 && (
              <label className="checkbox">
                <input
                  type="checkbox"
                  id="erase-include-policies"
                  checked={includePolicies}
                  onChange={(e) => setIncludePolicies(e.target.checked)}
                />
                Erase even if a policy of theirs is in force (only if your organization decided the law does not require keeping it)
              </label>
            )}
          </div>
        )}
      </ConfirmDialog>
    </section>
  );
}
