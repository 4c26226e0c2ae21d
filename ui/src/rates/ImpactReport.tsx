// An impact run's report: how a draft pack moves the premium of a book of
// policies, as totals, a histogram of percent changes, breakdowns by
// coverage and territory, and the largest increases with both worksheets
// side by side. The author sees it on the rates screen; the approver sees
// the author's (without worksheets) and may run their own.
import { useCallback, useState } from "react";
import { api, CommandError } from "../api";
import type { BookChoice, ImpactGroup, ImpactProgress, ImpactSummary, ImpactView, IncreaseWorksheets } from "../bindings";
import { packName } from "../shared/format";
import { formatMoney } from "../shared/language";
import { RatingReview } from "../shared/RatingReview";
import { bandName, coverageGroupName, coverageList, packSide, territoryGroupName } from "./words";

/** Money with its sign, so an increase reads "+$12.00" beside a decrease's "-$3.00". */
export function signedUsd(decimal: string): string {
  return decimal.startsWith("-") || /^0*(\.0*)?$/.test(decimal) ? formatMoney(decimal) : `+${formatMoney(decimal)}`;
}

/** A percentage as the report gives it (two places, as text); none when the base premium was zero. */
export function signedPct(pct: string | null): string {
  if (pct === null) return "n/a";
  return pct.startsWith("-") || /^0*(\.0*)?$/.test(pct) ? `${pct}%` : `+${pct}%`;
}

/**
 * A draft's stored impact is typed `unknown` (it is JSON kept with the
 * draft); it is shown only when it reads as a summary.
 */
export function asImpactSummary(value: unknown): ImpactSummary | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Partial<ImpactSummary>;
  return Array.isArray(v.bands) && Array.isArray(v.by_coverage) && typeof v.total === "object" && v.total !== null
    ? (value as ImpactSummary)
    : null;
}

/** A group's name in words, the engine's own in a tooltip where they differ (it stays in `data-name` too). */
function GroupName({ name, shown }: { name: string; shown: string }) {
  return <span title={shown === name ? undefined : name}>{shown}</span>;
}

function GroupTable({
  id,
  caption,
  nameHeading,
  groups,
  label,
}: {
  id: string;
  caption: string;
  nameHeading: string;
  groups: ImpactGroup[];
  /** The group's name in words. */
  label: (name: string) => string;
}) {
  return (
    <table id={id} className="impact-groups">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{nameHeading}</th>
          <th scope="col" className="num">
            Policies
          </th>
          <th scope="col" className="num">
            Base premium
          </th>
          <th scope="col" className="num">
            Draft premium
          </th>
          <th scope="col" className="num">
            Change
          </th>
          <th scope="col" className="num">
            Change %
          </th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.name} data-name={g.name}>
            <th scope="row">
              <GroupName name={g.name} shown={label(g.name)} />
            </th>
            <td className="num">{g.policies}</td>
            <td className="num">{formatMoney(g.base_premium)}</td>
            <td className="num">{formatMoney(g.draft_premium)}</td>
            <td className="num">{signedUsd(g.change)}</td>
            <td className="num">{signedPct(g.change_pct)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How many territories show before "show all": a state has hundreds. */
const TERRITORIES_SHOWN = 20;

function Worksheets({ worksheets, idPrefix }: { worksheets: IncreaseWorksheets; idPrefix: string }) {
  const side = (which: "base" | "draft") => {
    const rating = worksheets[which];
    return (
      <div className={`worksheet-${which}`}>
        <h4>
          {which === "base" ? "Base" : "Draft"} {packName(rating.packId)}: {formatMoney(rating.premium)}
        </h4>
        <RatingReview rating={rating} vehicleLabels={[]} idPrefix={`${idPrefix}-${which}`} />
      </div>
    );
  };
  return (
    <details className="increase-worksheets">
      <summary>Worksheets, base and draft</summary>
      <div className="worksheets">
        {side("base")}
        {side("draft")}
      </div>
    </details>
  );
}

/**
 * The whole report. `idPrefix` keeps ids apart where two reports share a
 * page (the approvals screen shows the author's and the approver's run).
 */
export function ImpactSummaryView({
  summary,
  worksheets,
  idPrefix = "impact",
}: {
  summary: ImpactSummary;
  worksheets?: IncreaseWorksheets[];
  idPrefix?: string;
}) {
  const [allTerritories, setAllTerritories] = useState(false);
  // Counts are plain numbers, so bar widths may use them; money stays text.
  const widest = Math.max(1, ...summary.bands.map((b) => b.policies));
  const territories = allTerritories ? summary.by_territory : summary.by_territory.slice(0, TERRITORIES_SHOWN);
  const counts: [string, string, number][] = [
    ["policies", "Policies in the book", summary.policies],
    ["rated", "Rated by both packs", summary.rated],
    ["out-of-scope", "Out of the pack's scope", summary.out_of_scope],
    ["not-in-force", "Cancelled or expired, left out", summary.not_in_force],
    ["failed", "Failed to rate", summary.failed],
    ["increased", "Increased", summary.increased],
    ["decreased", "Decreased", summary.decreased],
    ["unchanged", "Unchanged", summary.unchanged],
  ];
  return (
    <div className="impact-report" id={`${idPrefix}-report`}>
      <p className="meta">
        {packName(summary.base_pack)} → {packName(summary.draft_pack)}
      </p>
      <dl className="counts" id={`${idPrefix}-counts`}>
        {counts.map(([key, label, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd id={`${idPrefix}-${key}`} data-count={value}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <p
        id={`${idPrefix}-total-change`}
        className="total-change"
        data-change={summary.total.change}
        data-change-pct={summary.total.change_pct ?? undefined}
      >
        Total premium {formatMoney(summary.total.base_premium)} → {formatMoney(summary.total.draft_premium)}:{" "}
        <strong>
          {signedUsd(summary.total.change)} ({signedPct(summary.total.change_pct)})
        </strong>
      </p>
      {/* A summary stored before runs said so has no `repriced`; either way nothing is claimed. */}
      {summary.repriced && summary.repriced.length > 0 && (
        <p className="meta" id={`${idPrefix}-repriced`}>
          The draft changes only {coverageList(summary.repriced)}; the other coverages kept the base's premium.
        </p>
      )}
      <h4>Policies by change in premium</h4>
      <div id={`${idPrefix}-histogram`} className="histogram" role="list" aria-label="Policies by change in premium">
        {summary.bands.map((b) => (
          <div key={b.name} className="band" data-band={b.name} data-policies={b.policies} role="listitem">
            <span className="band-name">
              <GroupName name={b.name} shown={bandName(b.name)} />
            </span>
            <span className="band-track">
              <span className="band-bar" style={{ width: `${(b.policies * 100) / widest}%` }} />
            </span>
            <span className="band-count num">{b.policies}</span>
          </div>
        ))}
      </div>
      <GroupTable
        id={`${idPrefix}-by-coverage`}
        caption="By coverage"
        nameHeading="Coverage"
        groups={summary.by_coverage}
        label={coverageGroupName}
      />
      <GroupTable
        id={`${idPrefix}-by-territory`}
        caption="By territory"
        nameHeading="Territory"
        groups={territories}
        label={territoryGroupName}
      />
      {summary.by_territory.length > TERRITORIES_SHOWN && (
        <button type="button" className="secondary" id={`${idPrefix}-territory-toggle`} onClick={() => setAllTerritories((all) => !all)}>
          {allTerritories ? `Show the first ${TERRITORIES_SHOWN} territories` : `Show all ${summary.by_territory.length} territories`}
        </button>
      )}
      <h4>Largest increases</h4>
      {summary.largest_increases.length === 0 ? (
        <p className="meta">No policy's premium increased.</p>
      ) : (
        <ol id={`${idPrefix}-largest`} className="largest">
          {summary.largest_increases.map((inc, i) => {
            // Worksheets come in the order of the increases; match on the id all the same.
            const sheets = worksheets?.find((w) => w.id === inc.id) ?? worksheets?.[i];
            return (
              <li key={inc.id} className="increase" data-policy-id={inc.id}>
                {inc.id}: <strong>{signedUsd(inc.change)}</strong> ({signedPct(inc.change_pct)})
                {sheets && <Worksheets worksheets={sheets} idPrefix={`${idPrefix}-ws-${i}`} />}
              </li>
            );
          })}
        </ol>
      )}
      {summary.failed > 0 && (
        <>
          <h4>Policies that failed to rate</h4>
          {summary.failures.length < summary.failed && (
            <p className="meta">
              The first {summary.failures.length} of {summary.failed}.
            </p>
          )}
          <table id={`${idPrefix}-failures`}>
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Pack</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {summary.failures.map((f, i) => (
                <tr key={`${f.id}-${f.pack}-${i}`} className="failure" data-policy-id={f.id}>
                  <td>{f.id}</td>
                  <td>{packSide(f.pack)}</td>
                  <td>{f.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

export type ImpactRunState =
  | { kind: "idle" }
  | { kind: "running"; progress: ImpactProgress | null }
  | { kind: "done"; view: ImpactView }
  | { kind: "cancelled" }
  | { kind: "failed"; error: CommandError };

/** Runs impact on a draft and follows its progress; a cancelled run is its own outcome, not an error. */
export function useImpactRun(onDone?: (view: ImpactView) => void) {
  const [state, setState] = useState<ImpactRunState>({ kind: "idle" });
  const run = useCallback(
    async (draftId: string, book: BookChoice) => {
      setState({ kind: "running", progress: null });
      try {
        const view = await api.runImpact(draftId, book, (progress) =>
          setState((s) => (s.kind === "running" ? { kind: "running", progress } : s)),
        );
        setState({ kind: "done", view });
        onDone?.(view);
      } catch (e) {
        const error = e as CommandError;
        setState(error.code === "impact.cancelled" ? { kind: "cancelled" } : { kind: "failed", error });
      }
    },
    [onDone],
  );
  const cancel = useCallback(() => {
    // The command only raises a flag the run checks; the run itself ends
    // with `impact.cancelled`, which is what the screen reports.
    api.cancelImpact().catch(() => {});
  }, []);
  return { state, run, cancel };
}

/** The bar while a run goes: indeterminate until the book is gathered and the first count arrives. */
export function ImpactRunning({
  progress,
  progressId,
  cancelId,
  cancelClassName,
  onCancel,
}: {
  progress: ImpactProgress | null;
  progressId: string;
  cancelId?: string;
  cancelClassName?: string;
  onCancel: () => void;
}) {
  return (
    <div className="progress impact-running" aria-live="polite">
      <label htmlFor={progressId}>{progress ? `${progress.done} of ${progress.total} policies rated` : "Gathering the book..."}</label>
      {progress ? <progress id={progressId} value={progress.done} max={Math.max(progress.total, 1)} /> : <progress id={progressId} />}
      <div>
        <button type="button" className={`secondary ${cancelClassName ?? ""}`.trim()} id={cancelId} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
