// Data-subject requests: an administrator finds a customer by their exact
// name, asks the laptops that may hold their data for it, saves everything
// the server holds about them, and erases their personal data when they ask
// and the law allows (the customer's policies in force are kept unless the
// administrator says otherwise). The latest requests are listed with where
// each stands.
import { FormEvent, useState } from "react";
import { api, CommandError, CustomerView, SubjectRequestView } from "../api";
import { ConfirmDialog, Confirmation } from "../shared/ConfirmDialog";
import { ErrorBox } from "../shared/ErrorBox";
import { formatInstant } from "../shared/language";
import { ActionResult, useAdminAction, useAdminList } from "./adminParts";
import type { Action } from "./session";

const KIND_LABEL: Record<SubjectRequestView["kind"], string> = { export: "Export", erasure: "Erasure" };

const laptops = (n: number) => `${n} ${n === 1 ? "laptop" : "laptops"}`;

/** What asking the laptops did, and what to do next. */
export function askedSentence(r: SubjectRequestView): string {
  return r.desktops === 0
    ? "No laptop holds this customer's data. The export already has everything."
    : `Asked ${laptops(r.desktops)}. Each sends what it holds at its next sync; save the export again once they have.`;
}

/** Where a request stands, in words, with the laptops still to answer while it waits. */
function RequestStatus({ r }: { r: SubjectRequestView }) {
  switch (r.status) {
    case "waiting":
      return (
        <>
          Waiting for laptops: {r.answered} of {r.desktops} answered
          {r.waitingFor.length > 0 && <div className="meta">Still to answer: {r.waitingFor.join(", ")}</div>}
        </>
      );
    case "ready":
      return (
        <>
          Ready
          {r.desktops > 0 && <span className="meta"> ({r.desktops === 1 ? "the laptop answered" : "all laptops answered"})</span>}
        </>
      );
    case "done":
      return <>Erased</>;
    case "erased":
      return <>Customer erased since</>;
  }
}

export function CustomerRequests({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const [name, setName] = useState("");
  const [found, setFound] = useState<Action<CustomerView[]>>({ kind: "idle" });
  const [searched, setSearched] = useState("");
  const [pending, setPending] = useState<Confirmation | null>(null);
  const [erasing, setErasing] = useState<CustomerView | null>(null);
  const [reason, setReason] = useState("");
  const [includePolicies, setIncludePolicies] = useState(false);
  const requests = useAdminList(api.adminSubjectRequests, onSessionLost);
  const [refreshing, setRefreshing] = useState(false);
  const [action, run] = useAdminAction(onSessionLost, () => {
    void search();
    void requests.reload();
  });

  async function refresh() {
    setRefreshing(true);
    await requests.reload();
    setRefreshing(false);
  }

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

  function askLaptops(c: CustomerView) {
    void run(askedSentence, () => api.adminRequestCustomerExport(c.customerId));
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

  /** The names of the customers found, to put beside their requests. */
  const names = new Map(found.kind === "done" ? found.value.map((c) => [c.customerId, c.name]) : []);
  return (
    <section aria-labelledby="customers-heading" id="admin-customers">
      <h3 id="customers-heading">Customers' data requests</h3>
      <p className="meta">
        When a customer asks for a copy of their data or for it to be erased. Names are kept encrypted, so search by the full name as it
        appears on their quote. Agents' laptops may hold data the server does not: ask them for it before you save a copy.
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
                    className="secondary"
                    disabled={action.kind === "busy"}
                    aria-label={`Ask laptops for ${c.name}'s data`}
                    onClick={() => askLaptops(c)}
                  >
                    Ask laptops for their data
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
      <h4 id="subject-requests-heading">Requests</h4>
      {requests.kind === "failed" && <ErrorBox id="subject-requests-error" error={requests.error} />}
      {requests.kind === "loaded" && requests.value.length === 0 && (
        <p className="meta" id="no-subject-requests">
          No data requests yet.
        </p>
      )}
      {requests.kind === "loaded" && requests.value.length > 0 && (
        <table id="subject-requests-table" aria-labelledby="subject-requests-heading" data-count={requests.value.length}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Customer</th>
              <th scope="col">What</th>
              <th scope="col">By</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {requests.value.map((r) => (
              <tr key={r.requestId} data-request-id={r.requestId} data-status={r.status}>
                <td>
                  <time dateTime={r.requestedAt} title={new Date(r.requestedAt).toLocaleString()}>
                    {formatInstant(r.requestedAt)}
                  </time>
                </td>
                <td>
                  {r.customerId}
                  {names.has(r.customerId) && <span className="meta"> ({names.get(r.customerId)})</span>}
                </td>
                <td>{KIND_LABEL[r.kind]}</td>
                <td>{r.requestedBy}</td>
                <td>
                  <RequestStatus r={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <button type="button" className="secondary" id="subject-requests-refresh" disabled={refreshing} onClick={() => void refresh()}>
          {refreshing ? "Refreshing..." : "Refresh"}
        </button>
      </p>
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
