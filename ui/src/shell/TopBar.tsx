// The bar above every screen: who works here and for whom, whether the
// workstation is enrolled with a server and what waits to sync, when it last
// synced, and the theme, palette and help; below them, the notice that an
// update of the app is needed or recommended.
import type { ReactNode } from "react";
import type { EnrollmentStatus } from "../api";
import { ROLE_LABEL } from "../console/session";
import { describeError, formatInstant } from "../shared/language";
import { ariaKeys, keyLabels, SHORTCUTS } from "./shortcuts";
import { THEME_LABEL, ThemeChoice } from "./theme";

export interface TopBarProps {
  enrollment: EnrollmentStatus | null;
  /** Changes waiting in the outbox, once the dashboard has counted them. */
  pending: number | null;
  /** The organisation the user works for; nothing is shown without one. */
  organisation?: string | null;
  /** When the last sync finished (an ISO instant); null is never, undefined is not known. */
  lastSyncedAt?: string | null;
  /** The error code of the newest sync, when it failed after the last success. */
  lastSyncError?: string | null;
  /** The notifications' bell, beside the tools. */
  bell?: ReactNode;
  /** Shown across the bar's full width below it: the app update notice. */
  notice?: ReactNode;
  /** Whether the connection and sync time show (not before the first-launch choice). */
  connection: boolean;
  theme: ThemeChoice;
  onTheme: (theme: ThemeChoice) => void;
  /** Opens the palette and the help; their buttons are not offered without. */
  onPalette?: () => void;
  onHelp?: () => void;
}

function waiting(pending: number | null): string {
  if (pending === null) return "";
  if (pending === 0) return "nothing to sync";
  return pending === 1 ? "1 change to sync" : `${pending} changes to sync`;
}

/** The server's host (and port), or its URL when it does not parse. */
function host(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Whether the workstation can reach a server, as far as it knows without trying. */
function Connection({ enrollment, pending }: { enrollment: EnrollmentStatus; pending: number | null }) {
  const more = waiting(pending);
  if (enrollment.state === "notEnrolled") {
    return (
      <div
        className="connection offline"
        role="status"
        id="offline-banner"
        data-state="offline"
        title="This workstation is not enrolled with a sync server; quotes stay on this device."
      >
        <span className="dot" aria-hidden="true" />
        Offline: not enrolled{pending ? ` · ${more}` : ""}
      </div>
    );
  }
  return (
    <div className="connection" role="status" id="offline-banner" data-state="enrolled" title={enrollment.serverUrl}>
      <span className="dot" aria-hidden="true" />
      Enrolled with {host(enrollment.serverUrl)}
      {more && ` · ${more}`}
    </div>
  );
}

const palette = SHORTCUTS.find((s) => s.command.kind === "palette")!;
const help = SHORTCUTS.find((s) => s.command.kind === "help")!;

/** A failed sync in a few words; the sentence for its code on hover and for screen readers, the code in `data-code`. */
function SyncFailed({ code }: { code: string }) {
  const { sentence } = describeError({ code, message: code });
  return (
    <span className="sync-failed" id="last-sync-error" data-code={code} title={sentence}>
      Last sync failed<span className="visually-hidden">: {sentence}</span>
    </span>
  );
}

export function TopBar({
  enrollment,
  pending,
  organisation,
  lastSyncedAt,
  lastSyncError,
  bell,
  notice,
  connection,
  theme,
  onTheme,
  onPalette,
  onHelp,
}: TopBarProps) {
  const enrolled = enrollment?.state === "enrolled" ? enrollment : null;
  return (
    <header className="topbar">
      <h1>Underwriting Workstation</h1>
      {organisation && <span className="organisation">{organisation}</span>}
      {enrolled && (
        <span className="user" id="topbar-user">
          {enrolled.username} <span className="role">({ROLE_LABEL[enrolled.role]})</span>
        </span>
      )}
      <div className="topbar-status">
        {connection && enrollment && <Connection enrollment={enrollment} pending={pending} />}
        {connection && enrolled && lastSyncedAt !== undefined && (
          <span className="last-synced" id="last-synced">
            {lastSyncedAt === null ? (
              "Never synced"
            ) : (
              <>
                Last synced <time dateTime={lastSyncedAt}>{formatInstant(lastSyncedAt)}</time>
              </>
            )}
          </span>
        )}
        {connection && enrolled && lastSyncError && <SyncFailed code={lastSyncError} />}
      </div>
      <div className="topbar-tools">
        {bell}
        {onPalette && (
          <button type="button" className="tool" onClick={onPalette} aria-keyshortcuts={ariaKeys(palette.keys)}>
            Commands <kbd aria-hidden="true">{keyLabels(palette.keys).join(" ")}</kbd>
          </button>
        )}
        <label className="theme-select">
          Theme
          <select value={theme} onChange={(e) => onTheme(e.target.value as ThemeChoice)}>
            {(Object.keys(THEME_LABEL) as ThemeChoice[]).map((t) => (
              <option key={t} value={t}>
                {THEME_LABEL[t]}
              </option>
            ))}
          </select>
        </label>
        {onHelp && (
          <button type="button" className="tool" onClick={onHelp} aria-keyshortcuts={ariaKeys(help.keys)}>
            Help
          </button>
        )}
      </div>
      {notice}
    </header>
  );
}
