import { useCallback, useEffect, useRef, useState } from "react";
import { api, CommandError, EnrollmentStatus } from "./api";
import type { Dashboard as DashboardData, Product, QuoteInput } from "./bindings";
import { AdminScreen } from "./console/AdminScreen";
import { AuditScreen } from "./console/AuditScreen";
import { Dashboard } from "./dashboard/Dashboard";
import { Desk } from "./desk/Desk";
import { PolicyScreen } from "./policies/PolicyScreen";
import { QUOTES } from "./quotes/invalidation";
import { QuickQuote } from "./quotes/QuickQuote";
import { QuoteList } from "./quotes/QuoteList";
import { QuoteScreen } from "./quotes/QuoteScreen";
import { Approvals } from "./rates/Approvals";
import { Rates } from "./rates/Rates";
import { FirstLaunch } from "./setup/FirstLaunch";
import { ErrorBox } from "./shared/ErrorBox";
import { invalidate, useCommand } from "./shared/useCommand";
import { SyncScreen } from "./sync/SyncScreen";
import { fromQuoteInput } from "./wizard/form";
import { Wizard, WizardStart } from "./wizard/Wizard";

type Screen =
  | { kind: "dashboard" }
  | { kind: "wizard"; start: WizardStart; key: number }
  | { kind: "quotes" }
  | { kind: "quote"; quoteId: number }
  | { kind: "policy"; policyNumber: string; endorsement: QuoteInput | null }
  | { kind: "quick" }
  | { kind: "desk" }
  | { kind: "rates" }
  | { kind: "approvals" }
  | { kind: "sync" }
  | { kind: "admin" }
  | { kind: "audit" };

/** Whether the workstation can reach a server, as far as it knows without trying. */
function OfflineBanner({ enrollment, pending }: { enrollment: EnrollmentStatus | null; pending: number | null }) {
  if (!enrollment) return null;
  const waiting = pending === null ? "" : pending === 1 ? " 1 change waits to sync." : ` ${pending} changes wait to sync.`;
  if (enrollment.state === "notEnrolled") {
    return (
      <div className="banner offline" role="status" id="offline-banner" data-state="offline">
        <strong>Working offline.</strong> This workstation is not enrolled with a sync server; quotes stay on this device.{waiting}
      </div>
    );
  }
  return (
    <div className="banner" role="status" id="offline-banner" data-state="enrolled">
      Enrolled with {enrollment.serverUrl} as {enrollment.username}.{waiting || " Nothing waits to sync."}
    </div>
  );
}

export function App() {
  // "pending" until the store reports whether it opened.
  const [startup, setStartup] = useState<"pending" | "ok" | CommandError>("pending");
  const [screen, setScreen] = useState<Screen>({ kind: "dashboard" });
  const [pending, setPending] = useState<number | null>(null);
  // Opening the wizard again starts it afresh.
  const wizardsOpened = useRef(0);

  // Whether the first-launch choice is still to be made ("unknown" until read).
  const [firstLaunch, setFirstLaunch] = useState<"unknown" | boolean>("unknown");

  useEffect(() => {
    api.startupStatus().then(
      () => {
        setStartup("ok");
        api.setupStatus().then(
          (setup) => setFirstLaunch(setup.mode === null),
          // The store opened; a failure to read the choice should not hide the app.
          () => setFirstLaunch(false),
        );
      },
      (e: CommandError) => setStartup(e),
    );
  }, []);
  // Re-read on every return to the dashboard or the lists: enrolling on the
  // Sync screen changes the banner and the screens a role may open.
  const enrollmentStatus = useCommand(api.enrollmentStatus, []);
  const enrollment = enrollmentStatus.kind === "loaded" ? enrollmentStatus.value : null;
  const reloadEnrollment = enrollmentStatus.reload;
  const changed = useCallback(() => void reloadEnrollment(), [reloadEnrollment]);
  const onDashboard = useCallback((d: DashboardData) => setPending(d.outbox_pending), []);
  const openWizard = (start: WizardStart) => setScreen({ kind: "wizard", start, key: ++wizardsOpened.current });
  const go = (next: Screen) => {
    if (next.kind === "dashboard" || next.kind === "quotes") {
      changed();
      // A screen opens with what is current; one already open loads again.
      if (next.kind === screen.kind) invalidate(QUOTES);
    }
    setScreen(next);
  };

  // The screens show once the store opened and the first-launch choice is made.
  const ready = startup === "ok" && firstLaunch === false;

  // Referrals and rate management are an underwriter's, and need the server's word on the role.
  const underwriter = enrollment?.state === "enrolled" && enrollment.role === "underwriter";

  const tab = (kind: Screen["kind"], label: string, id: string) => (
    <button
      type="button"
      id={id}
      className="tab"
      aria-current={screen.kind === kind ? "page" : undefined}
      onClick={() => go({ kind } as Screen)}
    >
      {label}
    </button>
  );

  return (
    <main data-startup={startup === "pending" ? undefined : startup === "ok" ? "ok" : "failed"} data-screen={screen.kind}>
      <header>
        <h1>Underwriting Workstation</h1>
        <nav aria-label="Screens" hidden={firstLaunch === true}>
          {tab("dashboard", "Dashboard", "nav-dashboard")}
          <button
            type="button"
            id="nav-new-quote"
            className="tab"
            aria-current={screen.kind === "wizard" ? "page" : undefined}
            onClick={() => openWizard({ kind: "new", product: "personal-auto" })}
          >
            New quote
          </button>
          {tab("quotes", "Quotes", "nav-quotes")}
          {underwriter && tab("desk", "Referrals", "nav-desk")}
          {underwriter && tab("rates", "Rates", "nav-rates")}
          {underwriter && tab("approvals", "Approvals", "nav-approvals")}
          {tab("quick", "Quick quote", "nav-quote")}
          {tab("sync", "Sync", "nav-sync")}
          {tab("admin", "Admin", "nav-admin")}
          {tab("audit", "Audit", "nav-audit")}
        </nav>
      </header>
      {firstLaunch === false && <OfflineBanner enrollment={enrollment} pending={pending} />}
      {typeof startup === "object" && (
        <ErrorBox id="startup-error" error={startup}>
          <strong>The local store did not open.</strong>
        </ErrorBox>
      )}
      {startup === "ok" && firstLaunch === true && (
        <FirstLaunch
          onDone={() => {
            setFirstLaunch(false);
            go({ kind: "dashboard" });
          }}
        />
      )}
      {ready && screen.kind === "dashboard" && (
        <Dashboard
          onNewQuote={(product: Product) => openWizard({ kind: "new", product })}
          onOpenQuote={(quoteId) => go({ kind: "quote", quoteId })}
          onResumeDraft={(draftId) => openWizard({ kind: "draft", draftId })}
          onOpenPolicy={(policyNumber) => go({ kind: "policy", policyNumber, endorsement: null })}
          onLoaded={onDashboard}
        />
      )}
      {ready && screen.kind === "wizard" && (
        <Wizard
          key={screen.key}
          start={screen.start}
          onSaved={(summary) => go({ kind: "quote", quoteId: summary.id })}
          onEndorse={(policyNumber, input) => go({ kind: "policy", policyNumber, endorsement: input })}
          onClose={() =>
            go(
              screen.start.kind === "endorse"
                ? { kind: "policy", policyNumber: screen.start.policyNumber, endorsement: null }
                : { kind: "dashboard" },
            )
          }
        />
      )}
      {ready && screen.kind === "policy" && (
        <PolicyScreen
          key={`${screen.policyNumber}-${screen.endorsement ? "endorse" : "view"}`}
          policyNumber={screen.policyNumber}
          endorsement={screen.endorsement}
          onEndorse={(input) => openWizard({ kind: "endorse", policyNumber: screen.policyNumber, form: fromQuoteInput(input) })}
          onEndorsementDone={changed}
        />
      )}
      {ready && screen.kind === "quotes" && <QuoteList onOpen={(quoteId) => go({ kind: "quote", quoteId })} />}
      {ready && screen.kind === "quote" && (
        <QuoteScreen
          key={screen.quoteId}
          quoteId={screen.quoteId}
          onEdit={(quoteId, form) => openWizard({ kind: "edit", quoteId, form })}
          onResumeDraft={(draftId) => openWizard({ kind: "draft", draftId })}
          onChanged={changed}
        />
      )}
      {ready && screen.kind === "desk" && <Desk />}
      {ready && screen.kind === "rates" && <Rates />}
      {ready && screen.kind === "approvals" && <Approvals username={enrollment?.state === "enrolled" ? enrollment.username : null} />}
      {ready && screen.kind === "admin" && <AdminScreen />}
      {ready && screen.kind === "audit" && <AuditScreen />}
      {/* The quick quote and sync screens stay mounted, so switching keeps their
          last answers; the sync screen starts again when the enrollment changes. */}
      {ready && <QuickQuote hidden={screen.kind !== "quick"} />}
      {ready && (
        <SyncScreen
          key={enrollment?.state ?? "unknown"}
          hidden={screen.kind !== "sync"}
          onOpenQuote={(quoteId) => go({ kind: "quote", quoteId })}
        />
      )}
    </main>
  );
}
