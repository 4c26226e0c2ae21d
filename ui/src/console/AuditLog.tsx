// The auditor browses the server's audit log: by the days it was recorded
// on (the auditor's local days), the user, the kind of action and what it
// was done to, newest first, a page at a time. Each entry reads as a
// sentence; its codes and ids stay in its Details disclosure.
import { FormEvent, useRef, useState } from "react";
import { api, AuditEntryPageView, AuditEntryView, AuditFilter, CommandError } from "../api";
import { DateInput } from "../shared/DateField";
import { isDate, isoDate } from "../shared/dates";
import { ErrorBox } from "../shared/ErrorBox";
import { TableHead, num } from "../shared/TableHead";
import { useCommand } from "../shared/useCommand";
import {
  ACTION_CATEGORIES,
  actorName,
  actorRole,
  dayEnd,
  dayStart,
  entryCount,
  entrySentence,
  entryTime,
  resourceLabel,
} from "./auditWords";
import type { Action } from "./session";

/** The whole log, newest first. */
const EVERYTHING: AuditFilter = { from: null, to: null, user: null, action: null, resource: null, before: null };

/** What is wrong with a pair of typed days, by field, or nothing. */
export function dateProblems(from: string, to: string): { from?: string; to?: string } {
  const problems: { from?: string; to?: string } = {};
  const typed = (v: string) => isoDate(v.trim());
  if (from.trim() !== "" && !isDate(typed(from))) problems.from = "Type the day as YYYY-MM-DD, or pick it from the calendar.";
  if (to.trim() !== "" && !isDate(typed(to))) problems.to = "Type the day as YYYY-MM-DD, or pick it from the calendar.";
  if (!problems.from && !problems.to && from.trim() !== "" && to.trim() !== "" && typed(from) > typed(to)) {
    problems.to = "The last day is before the first; choose a later day.";
  }
  return problems;
}

/** The span of the typed days as the server takes it: local midnight of the first, local midnight after the last. */
export function daySpan(from: string, to: string): { from: string | null; to: string | null } {
  const f = isoDate(from.trim());
  const t = isoDate(to.trim());
  return { from: f === "" ? null : dayStart(f), to: t === "" ? null : dayEnd(t) };
}

/** A labelled day field with its problem under it. */
export function DayField({
  id,
  label,
  value,
  onChange,
  problem,
  pickerLabel,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  problem?: string;
  pickerLabel: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <DateInput
        id={id}
        value={value}
        onChange={onChange}
        inputMode="numeric"
        invalid={problem !== undefined}
        describedBy={problem !== undefined ? `${id}-error` : undefined}
        pickerLabel={pickerLabel}
        calendarLabel={label}
      />
      {problem !== undefined && (
        <span className="field-error" id={`${id}-error`}>
          {problem}
        </span>
      )}
    </div>
  );
}

function EntryRow({ e }: { e: AuditEntryView }) {
  const role = actorRole(e);
  return (
    <tr data-index={e.index} data-action={e.action}>
      <td>
        <time dateTime={e.serverTime}>{entryTime(e.serverTime)}</time>
      </td>
      <td>
        {actorName(e)}
        {role && <span className="meta"> ({role})</span>}
      </td>
      <td>
        {entrySentence(e)}.
        <details className="entry-details">
          <summary>
            Details<span className="visually-hidden"> of entry {e.index}</span>
          </summary>
          <dl>
            <dt>Action</dt>
            <dd>
              <code>{e.action}</code>
            </dd>
            <dt>Resource</dt>
            <dd>
              <code>
                {e.resourceType} {e.resourceId}
              </code>
            </dd>
            {!e.isUser && (
              <>
                <dt>Actor</dt>
                <dd>
                  <code>{e.actor}</code>
                </dd>
              </>
            )}
            <dt>Request</dt>
            <dd>
              <code>{e.requestId}</code>
            </dd>
            {e.deviceId !== null && (
              <>
                <dt>Device</dt>
                <dd>
                  <code>{e.deviceId}</code>
                </dd>
              </>
            )}
            {e.deviceTime !== null && (
              <>
                <dt>Made on the device at</dt>
                <dd>
                  <time dateTime={e.deviceTime}>{entryTime(e.deviceTime)}</time> <code>{e.deviceTime}</code>
                </dd>
              </>
            )}
            <dt>Recorded by the server at</dt>
            <dd>
              <code>{e.serverTime}</code>
            </dd>
          </dl>
        </details>
      </td>
      <td>{resourceLabel(e)}</td>
      <td className="num">{e.index}</td>
    </tr>
  );
}

/** Older pages loaded for the search numbered `search`. */
type Older = { search: number; entries: AuditEntryView[]; nextBefore: number | null };

export function AuditLog() {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [user, setUser] = useState("");
  const [action, setAction] = useState("");
  const [resource, setResource] = useState("");
  const [problems, setProblems] = useState<{ from?: string; to?: string }>({});
  const [filter, setFilter] = useState<AuditFilter>(EVERYTHING);
  const first = useCommand(api.auditEntries, [filter], { resetOnReload: true });
  /** Each search's number: older pages answered for an earlier search are dropped. */
  const search = useRef(0);
  const [older, setOlder] = useState<Older | null>(null);
  const [more, setMore] = useState<Action<null>>({ kind: "idle" });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = dateProblems(from, to);
    setProblems(found);
    if (found.from || found.to) return;
    const text = (v: string) => (v.trim() === "" ? null : v.trim());
    const next: AuditFilter = { ...daySpan(from, to), user: text(user), action: text(action), resource: text(resource), before: null };
    search.current += 1;
    setOlder(null);
    setMore({ kind: "idle" });
    if (JSON.stringify(next) === JSON.stringify(filter)) void first.reload();
    else setFilter(next);
  }

  const page: AuditEntryPageView | null = first.kind === "loaded" ? first.value : null;
  // A search clears the older pages; an answer for an earlier search is never added (loadOlder).
  const entries = page ? [...page.entries, ...(older?.entries ?? [])] : [];
  const nextBefore = older ? older.nextBefore : (page?.nextBefore ?? null);

  async function loadOlder() {
    if (nextBefore === null) return;
    const asked = search.current;
    setMore({ kind: "busy" });
    try {
      const next = await api.auditEntries({ ...filter, before: nextBefore });
      if (asked !== search.current) return;
      setOlder((o) => ({
        search: asked,
        entries: [...(o !== null && o.search === asked ? o.entries : []), ...next.entries],
        nextBefore: next.nextBefore,
      }));
      setMore({ kind: "idle" });
    } catch (e) {
      if (asked !== search.current) return;
      setMore({ kind: "failed", error: e as CommandError });
    }
  }

  return (
    <section aria-labelledby="log-heading" id="audit-log">
      <h3 id="log-heading">Audit log</h3>
      <p className="meta" id="log-help">
        Every change the server recorded, newest first. Days are your computer's days; leave a day empty to leave that end open.
      </p>
      <form onSubmit={submit} aria-label="Filter the audit log" id="log-filter-form" className="filters" noValidate>
        <DayField
          id="log-from"
          label="From"
          value={from}
          onChange={setFrom}
          problem={problems.from}
          pickerLabel="Choose the first day of entries to show"
        />
        <DayField
          id="log-to"
          label="To"
          value={to}
          onChange={setTo}
          problem={problems.to}
          pickerLabel="Choose the last day of entries to show"
        />
        <label>
          User
          <input
            id="log-user"
            className="medium"
            autoComplete="off"
            spellCheck={false}
            value={user}
            onChange={(e) => setUser(e.target.value)}
          />
        </label>
        <label>
          Action
          <select id="log-action" value={action} onChange={(e) => setAction(e.target.value)}>
            {ACTION_CATEGORIES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Policy, quote or user
          <input
            id="log-resource"
            className="medium"
            autoComplete="off"
            spellCheck={false}
            aria-describedby="log-resource-help"
            value={resource}
            onChange={(e) => setResource(e.target.value)}
          />
        </label>
        <span className="meta" id="log-resource-help">
          A policy or quote number, or part of one
        </span>
        <button type="submit" id="log-search" disabled={first.kind === "loading"}>
          Search
        </button>
      </form>
      {first.kind === "loading" && (
        <p role="status" id="log-loading">
          Loading entries...
        </p>
      )}
      {first.kind === "failed" && <ErrorBox id="log-error" error={first.error} />}
      {page && (
        <p role="status" id="log-count" data-count={entries.length}>
          {entries.length > 0
            ? `Showing ${entryCount(entries.length)}, newest first.`
            : nextBefore === null
              ? "No entry matches these filters."
              : "No entry matches these filters among the latest entries searched. Show older entries to search further back."}
        </p>
      )}
      {page && entries.length > 0 && (
        <table id="log-table" className="admin-table log-table" data-count={entries.length}>
          <colgroup>
            <col className="col-when" />
            <col className="col-who" />
            <col className="col-what" />
            <col className="col-on" />
            <col className="col-entry" />
          </colgroup>
          <TableHead columns={["When", "Who", "What", "On", num("Entry")]} />
          <tbody>
            {entries.map((e) => (
              <EntryRow key={e.index} e={e} />
            ))}
          </tbody>
        </table>
      )}
      {page && nextBefore !== null && (
        <button type="button" className="secondary" id="log-more" onClick={() => void loadOlder()} disabled={more.kind === "busy"}>
          {more.kind === "busy" ? "Loading older entries..." : "Show older entries"}
        </button>
      )}
      {more.kind === "failed" && <ErrorBox id="log-more-error" error={more.error} />}
    </section>
  );
}
