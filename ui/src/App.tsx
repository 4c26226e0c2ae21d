import { lazy, ReactNode, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { searchSource } from "./accounts/search";
import { api, CommandError } from "./api";
import type { Dashboard as DashboardData, Product } from "./bindings";
import { NotificationsBell } from "./notifications/NotificationsBell";
import { Subscribe, useNotifications } from "./notifications/useNotifications";
import { isReferralDecision, notificationTarget } from "./notifications/words";
import { Dashboard } from "./dashboard/Dashboard";
import { Desk } from "./desk/Desk";
import { PolicyScreen } from "./policies/PolicyScreen";
import { QUOTES } from "./quotes/invalidation";
import { QuickQuote } from "./quotes/QuickQuote";
import { QuoteList } from "./quotes/QuoteList";
import { QuoteScreen } from "./quotes/QuoteScreen";
import { FirstLaunch } from "./setup/FirstLaunch";
import { ErrorBox } from "./shared/ErrorBox";
import { invalidate, useCommand } from "./shared/useCommand";
import { SyncScreen } from "./sync/SyncScreen";
import { PaletteSource } from "./shell/CommandPalette";
import { NavKind, Screen } from "./shell/screens";
import { Shell } from "./shell/Shell";
import { Badges } from "./shell/Sidebar";
import { UpdateNotice } from "./shell/UpdateNotice";
import { fromQuoteInput } from "./wizard/form";
import { Wizard, WizardStart } from "./wizard/Wizard";

// Screens not on the first paint load when first opened, each in its own
// chunk: the dashboard, the wizard and the quote screens stay in the main one.
const CustomerScreen = lazy(() => import("./accounts/CustomerScreen").then((m) => ({ default: m.CustomerScreen })));
const AdminScreen = lazy(() => import("./console/AdminScreen").then((m) => ({ default: m.AdminScreen })));
const AuditScreen = lazy(() => import("./console/AuditScreen").then((m) => ({ default: m.AuditScreen })));
const Approvals = lazy(() => import("./rates/Approvals").then((m) => ({ default: m.Approvals })));
const Rates = lazy(() => import("./rates/Rates").then((m) => ({ default: m.Rates })));

/** A screen that loads when first opened, with a quiet note while it does. */
function Loaded({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <p role="status" className="meta" id="screen-loading">
          Loading…
        </p>
      }
    >
      {children}
    </Suspense>
  );
}

/** What the shell shows that other parts of the app know: all optional until they are wired. */
export interface AppProps {
  /** Counts beside sidebar items (referrals waiting). */
  badges?: Badges;
  /** The user's organisation. */
  organisation?: string | null;
  /** When the last sync finished (ISO instant); null is never. */
  lastSyncedAt?: string | null;
  /** More command-palette results for what the user typed; the store's search when not given. */
  extraResults?: PaletteSource;
  /** Hears the background syncs (the Tauri event when not given; the tests' stand-in). */
  onBackgroundSync?: Subscribe;
}

export function App({ badges, organisation, lastSyncedAt, extraResults, onBackgroundSync }: AppProps = {}) {
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

  // Whether this app is too old to sync or an update is recommended: read once the screens show and after each sync,
  // which learns the server's versions. A failure to read it shows no notice.
  const appUpdate = useCommand(api.appUpdate, [], { enabled: ready });
  const reloadAppUpdate = appUpdate.reload;
  const synced = useCallback(() => void reloadAppUpdate(), [reloadAppUpdate]);

  // The notifications load once the screens show, again at every screen change and after each sync.
  const notifications = useNotifications(ready, onBackgroundSync, synced);
  const reloadNotifications = notifications.reload;
  useEffect(() => {
    if (ready) void reloadNotifications();
  }, [ready, screen, reloadNotifications]);
  const news = notifications.value;
  const enrolled = enrollment?.state === "enrolled" ? enrollment : null;
  const underwriter = enrolled?.role === "underwriter";
  // The store's search, unless another source was given; its results open their screens.
  const search = useMemo(() => extraResults ?? searchSource(setScreen), [extraResults]);
  const shownBadges = badges ?? (news ? { quotes: news.unread_quotes, sync: news.open_sync_issues } : undefined);
  const shownLastSynced = lastSyncedAt !== undefined ? lastSyncedAt : enrolled && news ? news.last_synced_at : undefined;
  /** The underwriter's note on the newest referral decision about this quote. */
  const referralNote = (quoteId: number) => news?.items.find((n) => isReferralDecision(n) && n.quote_id === quoteId)?.note ?? null;

  const open = (kind: NavKind) => (kind === "wizard" ? openWizard({ kind: "new", product: "personal-auto" }) : go({ kind } as Screen));

  return (
    <Shell
      screen={screen.kind}
      enrollment={enrollment}
      pending={pending}
      organisation={organisation ?? (enrollment?.state === "enrolled" ? enrollment.organisation : null)}
      lastSyncedAt={shownLastSynced}
      lastSyncError={enrolled ? news?.last_sync_error : undefined}
      badges={shownBadges}
      extraResults={search}
      update={ready && appUpdate.kind === "loaded" ? <UpdateNotice update={appUpdate.value} /> : undefined}
      bell={
        ready && news ? (
          <NotificationsBell
            notifications={news}
            onMarkRead={(upTo) => void api.markNotificationsRead(upTo).then(reloadNotifications, () => undefined)}
            onOpenItem={(item) => go(notificationTarget(item, underwriter))}
          />
        ) : undefined
      }
      navigation={firstLaunch !== true}
      connection={firstLaunch === false}
      onOpen={open}
      onNewQuote={(product) => openWizard({ kind: "new", product })}
    >
      <main data-startup={startup === "pending" ? undefined : startup === "ok" ? "ok" : "failed"} data-screen={screen.kind}>
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
            role={enrolled?.role ?? null}
            onOpen={(kind) => go({ kind })}
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
            referralNote={referralNote(screen.quoteId)}
            onOpenCustomer={(customerId) => go({ kind: "customer", customerId })}
            onEdit={(quoteId, form) => openWizard({ kind: "edit", quoteId, form })}
            onResumeDraft={(draftId) => openWizard({ kind: "draft", draftId })}
            onChanged={changed}
          />
        )}
        {ready && screen.kind === "customer" && (
          <Loaded>
            <CustomerScreen
              key={screen.customerId}
              customerId={screen.customerId}
              onOpenQuote={(quoteId) => go({ kind: "quote", quoteId })}
              onOpenPolicy={(policyNumber) => go({ kind: "policy", policyNumber, endorsement: null })}
              onNewQuote={(product, prefill) => openWizard({ kind: "new", product, prefill })}
            />
          </Loaded>
        )}
        {ready && screen.kind === "desk" && <Desk />}
        {ready && screen.kind === "rates" && (
          <Loaded>
            <Rates />
          </Loaded>
        )}
        {ready && screen.kind === "approvals" && (
          <Loaded>
            <Approvals username={enrollment?.state === "enrolled" ? enrollment.username : null} />
          </Loaded>
        )}
        {ready && screen.kind === "admin" && (
          <Loaded>
            <AdminScreen />
          </Loaded>
        )}
        {ready && screen.kind === "audit" && (
          <Loaded>
            <AuditScreen />
          </Loaded>
        )}
        {/* The quick quote and sync screens stay mounted, so switching keeps their
          last answers; the sync screen starts again when the enrollment changes. */}
        {ready && <QuickQuote hidden={screen.kind !== "quick"} />}
        {ready && (
          <SyncScreen
            key={enrollment?.state ?? "unknown"}
            hidden={screen.kind !== "sync"}
            onOpenQuote={(quoteId) => go({ kind: "quote", quoteId })}
            onSynced={() => {
              void reloadNotifications();
              synced();
            }}
          />
        )}
      </main>
    </Shell>
  );
}
