// The typed boundary to the Tauri commands in src-tauri/src/commands (checked by src-tauri/tests/commands.rs).
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type {
  AppUpdate,
  ApprovalKeyView,
  AuditKeysView,
  BookChoice,
  BookFileView,
  DraftCheck,
  DraftEdits,
  EditorPack,
  ImpactProgress,
  ImpactView,
  PackDiff,
  ReviewView,
  StoredRateDraft,
  AuditVerdictView,
  AuditEntryPageView,
  CommandError,
  DesktopVersionsView,
  DeviceView,
  PackKeyView,
  PendingKeyView,
  PolicyReferralView,
  ThrottleView,
  ExportFileView,
  SavedExportView,
  SessionView,
  SignInProviderView,
  IdentityProviderView,
  IdentityProviderInput,
  ProviderCheckView,
  SubjectRequestView,
  TotpSetupView,
  SecondFactorPolicyView,
  CustomerView,
  CustomerErasureView,
  RetentionRuleView,
  RetentionReportView,
  RecoveryCodesView,
  SetupView,
  SyncProgress,
  UserView,
  Dashboard,
  DraftSummary,
  DraftView,
  EnrollmentStatus,
  EnrollmentView,
  PolicyChangePreviewView,
  PolicyChangeRequest,
  PolicyDocument,
  PolicyView,
  Product,
  QuoteDetailView,
  QuoteDraft,
  QuoteFilter,
  QuoteInput,
  QuoteOptions,
  QuoteSummary,
  QuoteView,
  RatingView,
  ReferralDecidedView,
  ReferralView,
  SavedDocumentView,
  SavedQuoteView,
  SyncIssue,
  SyncResult,
  VinInfo,
  ZipInfo,
  BackgroundSyncEvent,
  CustomerRecord,
  Notifications,
  SearchResults,
} from "./bindings";

// The commands' input and output types are generated from the Rust types (./bindings.ts); every one of them is exported from here.
export type * from "./bindings";

export interface EnrollRequest {
  serverUrl: string;
  username: string;
  password: string;
  deviceName: string;
  /** The authenticator app's code (or a recovery code), when the server asks for it. */
  secondFactor?: string | null;
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

function asCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return e;
  return { code: "ipc.failed", message: String(e) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw asCommandError(e);
  }
}

/** What the auditor browses the log by; `from`/`to` are instants (ISO 8601), `to` exclusive. */
export interface AuditFilter {
  from: string | null;
  to: string | null;
  user: string | null;
  action: string | null;
  resource: string | null;
  before: number | null;
}

export const api = {
  startupStatus: () => call<null>("startup_status"),
  rateQuote: (zip: string, vehicleYear: number) => call<QuoteView>("rate_quote", { zip, vehicleYear }),
  enrollmentStatus: () => call<EnrollmentStatus>("enrollment_status"),
  enroll: (request: EnrollRequest) =>
    call<EnrollmentView>("enroll", {
      serverUrl: request.serverUrl,
      username: request.username,
      password: request.password,
      deviceName: request.deviceName,
      secondFactor: request.secondFactor ?? null,
    }),
  /** The organization sign-in services the server at `serverUrl` offers. */
  signInProviders: (serverUrl: string) => call<SignInProviderView[]>("sign_in_providers", { serverUrl }),
  /** Enrolls through the organization's sign-in service in the system browser; resolves when the person comes back. */
  enrollWithProvider: (serverUrl: string, provider: string, deviceName: string) =>
    call<EnrollmentView>("enroll_with_provider", { serverUrl, provider, deviceName }),
  /** Gives up waiting for the person to come back from the organization's sign-in service. */
  cancelProviderSignIn: () => call<null>("cancel_provider_sign_in"),
  /** Pushes and pulls; `onProgress` hears after each batch and page. */
  syncNow: (onProgress: (p: SyncProgress) => void) => {
    const channel = new Channel<SyncProgress>();
    channel.onmessage = onProgress;
    return call<SyncResult>("sync_now", { onProgress: channel });
  },
  syncIssues: () => call<SyncIssue[]>("sync_issues"),
  dismissSyncIssue: (id: number) => call<boolean>("dismiss_sync_issue", { id }),
  /** This app's version against the versions the organization's server last named, and the newer package it holds. */
  appUpdate: () => call<AppUpdate>("app_update"),
  /** Downloads the newer package, checks it is the publisher's, and opens it with the system installer; answers its path. */
  installUpdate: () => call<string>("install_update"),
  /** Writes a support bundle (versions, settings, recent activity; no customer's data); answers its path. */
  createSupportBundle: () => call<string>("create_support_bundle"),
  dashboard: () => call<Dashboard>("dashboard"),
  quoteOptions: (state: string, product: Product, effectiveDate: string, renewal = false) =>
    call<QuoteOptions>("quote_options", { state, product, effectiveDate, renewal }),
  decodeVin: (vin: string) => call<VinInfo>("decode_vin", { vin }),
  lookupZip: (zip: string) => call<ZipInfo>("lookup_zip", { zip }),
  priceQuote: (input: QuoteInput) => call<RatingView>("price_quote", { input }),
  saveQuote: (draftId: number | null, quoteId: number | null, input: QuoteInput) =>
    call<SavedQuoteView>("save_quote", { draftId, quoteId, input }),
  saveDraft: (id: number | null, draft: QuoteDraft) => call<DraftSummary>("save_draft", { id, draft }),
  loadDraft: (id: number) => call<DraftView>("load_draft", { id }),
  listDrafts: () => call<DraftSummary[]>("list_drafts"),
  discardDraft: (id: number) => call<boolean>("discard_draft", { id }),
  listQuotes: (filter: QuoteFilter) => call<QuoteSummary[]>("list_quotes", { filter }),
  getQuote: (quoteId: number) => call<QuoteDetailView>("get_quote", { quoteId }),
  saveProposal: (quoteId: number) => call<SavedDocumentView>("save_proposal", { quoteId }),
  requestBind: (quoteId: number) => call<QuoteSummary>("request_bind", { quoteId }),
  policyFile: (policyNumber: string) => call<PolicyView>("policy_file", { policyNumber }),
  refreshPolicy: (policyNumber: string) => call<PolicyView>("refresh_policy", { policyNumber }),
  previewPolicyChange: (policyNumber: string, change: PolicyChangeRequest) =>
    call<PolicyChangePreviewView>("preview_policy_change", { policyNumber, change }),
  preparePolicyChange: (policyNumber: string, change: PolicyChangeRequest) =>
    call<PolicyView>("prepare_policy_change", { policyNumber, change }),
  savePolicyDocument: (policyNumber: string, document: PolicyDocument) =>
    call<SavedDocumentView>("save_policy_document", { policyNumber, document }),
  referrals: () => call<ReferralView[]>("referrals"),
  decideReferral: (quoteNumber: string, version: number, approve: boolean, reason: string) =>
    call<ReferralDecidedView>("decide_referral", { quoteNumber, version, approve, reason }),
  rerateQuote: (quoteId: number) => call<SavedQuoteView>("rerate_quote", { quoteId }),
  setupStatus: () => call<SetupView>("setup_status"),
  workOffline: () => call<SetupView>("work_offline"),
  signIn: (serverUrl: string, username: string, password: string, secondFactor: string | null = null) =>
    call<SessionView>("sign_in", { serverUrl, username, password, secondFactor }),
  /** Signs in to the console through the organization's sign-in service in the system browser. */
  signInWithProvider: (serverUrl: string, provider: string) => call<SessionView>("sign_in_with_provider", { serverUrl, provider }),
  sessionStatus: () => call<SessionView | null>("session_status"),
  adminIdentityProviders: () => call<IdentityProviderView[]>("admin_identity_providers"),
  adminSetIdentityProvider: (id: string, provider: IdentityProviderInput) =>
    call<IdentityProviderView>("admin_set_identity_provider", { id, provider }),
  adminRemoveIdentityProvider: (id: string) => call<IdentityProviderView[]>("admin_remove_identity_provider", { id }),
  adminCheckIdentityProviders: () => call<ProviderCheckView>("admin_check_identity_providers"),
  beginTotp: () => call<TotpSetupView>("begin_totp"),
  adminSecondFactorPolicy: () => call<SecondFactorPolicyView>("admin_second_factor_policy"),
  adminSetSecondFactorPolicy: (roles: Role[]) => call<SecondFactorPolicyView>("admin_set_second_factor_policy", { roles }),
  adminDesktopVersions: () => call<DesktopVersionsView>("admin_desktop_versions"),
  /** Sets the oldest app version that may sync and the recommended one; null clears one. */
  adminSetDesktopVersions: (minimum: string | null, recommended: string | null) =>
    call<DesktopVersionsView>("admin_set_desktop_versions", { minimum, recommended }),
  adminResetSecondFactor: (username: string) => call<null>("admin_reset_second_factor", { username }),
  adminFindCustomers: (name: string) => call<CustomerView[]>("admin_find_customers", { name }),
  adminRetentionRules: () => call<RetentionRuleView[]>("admin_retention_rules"),
  adminSetRetentionRule: (kind: RetentionRuleView["kind"], state: string, days: number | null) =>
    call<RetentionRuleView[]>("admin_set_retention_rule", { kind, state, days }),
  adminRunRetention: (dryRun: boolean) => call<RetentionReportView>("admin_run_retention", { dryRun }),
  adminSaveCustomerExport: (customerId: string) => call<string>("admin_save_customer_export", { customerId }),
  /** Asks the desktops that may hold the customer's data for it; they answer at their next sync. */
  adminRequestCustomerExport: (customerId: string) => call<SubjectRequestView>("admin_request_customer_export", { customerId }),
  adminSubjectRequests: () => call<SubjectRequestView[]>("admin_subject_requests"),
  adminEraseCustomer: (customerId: string, reason: string, includePolicies: boolean) =>
    call<CustomerErasureView>("admin_erase_customer", { customerId, reason, includePolicies }),
  confirmTotp: (code: string) => call<RecoveryCodesView>("confirm_totp", { code }),
  signOut: () => call<boolean>("sign_out"),
  adminUsers: () => call<UserView[]>("admin_users"),
  adminAddUser: (username: string, password: string, role: Role, agency: string | null = null) =>
    call<UserView>("admin_add_user", { username, password, role, agency }),
  adminChangeUser: (username: string, change: { role?: Role; disabled?: boolean; password?: string; agency?: string }) =>
    call<UserView>("admin_change_user", {
      username,
      role: change.role ?? null,
      disabled: change.disabled ?? null,
      password: change.password ?? null,
      agency: change.agency ?? null,
    }),
  adminDevices: () => call<DeviceView[]>("admin_devices"),
  adminRevokeDevice: (deviceId: string) => call<DeviceView>("admin_revoke_device", { deviceId }),
  policyReferrals: () => call<PolicyReferralView[]>("policy_referrals"),
  decidePolicyReferral: (referralId: string, approve: boolean, note: string) =>
    call<string>("decide_policy_referral", { referralId, approve, note }),
  adminLoginThrottles: () => call<ThrottleView[]>("admin_login_throttles"),
  adminClearLoginThrottles: (account: string | null, address: string | null) =>
    call<number>("admin_clear_login_throttles", { account, address }),
  adminPackKeyRequests: () => call<PendingKeyView[]>("admin_pack_key_requests"),
  adminDecidePackKeyRequest: (keyId: string, approve: boolean) => call<void>("admin_decide_pack_key_request", { keyId, approve }),
  adminPackKeys: () => call<PackKeyView[]>("admin_pack_keys"),
  adminRevokePackKey: (keyId: string) => call<PackKeyView>("admin_revoke_pack_key", { keyId }),
  auditKeys: () => call<AuditKeysView>("audit_keys"),
  saveAuditExport: (start: number, end: number | null, previous: string | null) =>
    call<SavedExportView>("save_audit_export", { start, end, previous }),
  auditExports: () => call<ExportFileView[]>("audit_exports"),
  verifyAuditExport: (file: string, key: string, previous: string | null) =>
    call<AuditVerdictView>("verify_audit_export", { file, key, previous }),
  /** Verifies an export the auditor opened from any folder: its name and text, never a path. */
  verifyAuditText: (name: string, text: string, key: string, previous: string | null) =>
    call<AuditVerdictView>("verify_audit_text", { name, text, key, previous }),
  /** Entries newest first. */
  auditEntries: ({ from, to, user, action, resource, before }: AuditFilter) =>
    call<AuditEntryPageView>("audit_entries", { from, to, user, action, resource, before }),
  /** Exports the entries recorded from `from` up to `to` (instants) and saves the export. */
  saveAuditExportBetween: (from: string | null, to: string | null, previous: string | null) =>
    call<SavedExportView>("save_audit_export_between", { from, to, previous }),
  // Rate management (underwriters): edit a pack into a draft, see its impact, submit, review others' drafts.
  openPackForEditing: (packId: string) => call<EditorPack>("open_pack_for_editing", { packId }),
  checkRateDraft: (basePackId: string, edits: DraftEdits) => call<DraftCheck>("check_rate_draft", { basePackId, edits }),
  saveRateDraft: (draftId: string | null, basePackId: string, edits: DraftEdits, note: string) =>
    call<StoredRateDraft>("save_rate_draft", { draftId, basePackId, edits, note }),
  rateDrafts: () => call<StoredRateDraft[]>("rate_drafts"),
  discardRateDraft: (draftId: string) => call<boolean>("discard_rate_draft", { draftId }),
  rateDraftDiff: (draftId: string) => call<PackDiff>("rate_draft_diff", { draftId }),
  impactBooks: () => call<BookFileView[]>("impact_books"),
  /** Re-rates a book with the draft and its base; `onProgress` hears as policies are rated. Ends with `impact.cancelled` when cancelled. */
  runImpact: (draftId: string, book: BookChoice, onProgress: (p: ImpactProgress) => void) => {
    const channel = new Channel<ImpactProgress>();
    channel.onmessage = onProgress;
    return call<ImpactView>("run_impact", { draftId, book, onProgress: channel });
  },
  cancelImpact: () => call<null>("cancel_impact"),
  submitRateDraft: (draftId: string) => call<StoredRateDraft>("submit_rate_draft", { draftId }),
  approvalKey: () => call<ApprovalKeyView | null>("approval_key"),
  createApprovalKey: (keyId: string) => call<ApprovalKeyView>("create_approval_key", { keyId }),
  packReviews: () => call<ReviewView[]>("pack_reviews"),
  decidePackDraft: (draftId: string, approve: boolean, comment: string) => call<null>("decide_pack_draft", { draftId, approve, comment }),
  // Accounts and the global search.
  search: (text: string) => call<SearchResults>("search", { text }),
  customer: (customerId: number) => call<CustomerRecord>("customer", { customerId }),
  addCustomerNote: (customerId: number, body: string) => call<CustomerRecord>("add_customer_note", { customerId, body }),
  // What sync brought, and where sync stands.
  notifications: () => call<Notifications>("notifications"),
  markNotificationsRead: (upTo: number) => call<number>("mark_notifications_read", { upTo }),
  // A saved document, by the path the save answered, in the computer's own programs.
  openDocument: (path: string) => call<null>("open_document", { path }),
  printDocument: (path: string) => call<null>("print_document", { path }),
  showDocumentInFolder: (path: string) => call<null>("show_document_in_folder", { path }),
};

/** Calls `handler` after each background sync; returns the function that stops listening. */
export function onBackgroundSync(handler: (event: BackgroundSyncEvent) => void): Promise<() => void> {
  return listen<BackgroundSyncEvent>("background-sync", (e) => handler(e.payload));
}

export type Role = UserView["role"];
