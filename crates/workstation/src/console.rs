/*!
The server consoles: the administrator's users and devices, and the
auditor's exports of the audit log, verified offline.

Administrators and auditors work online and never enroll a device (the
server refuses them), so these calls use a *session*: [`Workstation::sign_in`]
logs in with a username and password and keeps the session token in memory
only. It is never written to the store, a log or an error, and it is gone
when the app closes or [`Workstation::sign_out`] is called. The server checks
the role on every request; the UI only hides what the role cannot use.

An audit export is saved into a folder the caller names (the desktop's
documents folder) by writing beside its final name and renaming, and is
verified from there with nothing but the log's verifier key:
[`verify_audit_export`] runs offline, with the same code as the `uw audit
verify` command.

**Architecture invariant:** the password and the session token never reach
a log or an error message.
*/

use std::path::{Path, PathBuf};

use serde::Serialize;
use time::OffsetDateTime;
use uw_protocol::{AuditKeys, DeviceRecord, LoginRequest, LoginResponse, NewUser, Role, Secret, UserChange, UserInfo, UserRecord};

use crate::sync::{normalize_server_url, Replay, Server, SyncError};
use crate::{Workstation, WorkstationError};

/// The most bytes of an audit export the desktop reads back to verify.
pub const MAX_EXPORT_BYTES: u64 = 256 * 1024 * 1024;
/// Saved exports are named `audit-export-<start>-<end>-<checkpoint size>.txt`.
const EXPORT_PREFIX: &str = "audit-export-";
const EXPORT_SUFFIX: &str = ".txt";

/// A signed-in session with a sync server, held in memory only.
#[derive(Debug)]
pub(crate) struct Session {
    server_url: String,
    token: Secret,
    user: UserInfo,
    expires_at: String,
    must_enroll_second_factor: bool,
}

/// The signed-in session, as the UI shows it (no token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    pub server_url: String,
    pub user: UserInfo,
    pub expires_at: String,
    /// The organisation requires a second factor of the user's role and
    /// they have none: the session reaches nothing until they set one up
    /// ([`Workstation::begin_totp`]).
    pub must_enroll_second_factor: bool,
}

/// An audit export saved on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedExport {
    pub file_name: String,
    pub path: PathBuf,
    /// The entries it holds: `start..end`.
    pub start: u64,
    pub end: u64,
    /// The size of the signed checkpoint it is tied to.
    pub checkpoint_size: u64,
    /// The previous audit's checkpoint size it carries a consistency proof from.
    pub consistency_from: Option<u64>,
}

/// A saved export found in the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportFile {
    pub file_name: String,
    pub bytes: u64,
}

/// What verifying an export found. A failed verification is a verdict, not
/// an error: it names the first bad entry (or line) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum AuditVerdict {
    Verified {
        origin: String,
        start: u64,
        end: u64,
        checkpoint_size: u64,
        /// The checkpoint's root hash, hex.
        root: String,
        signers: Vec<String>,
        /// The previous checkpoint it was proved consistent with.
        consistent_with: Option<u64>,
    },
    Failed {
        reason: String,
    },
}

impl Workstation {
    /// Signs in to the sync server at `server_url` (or, when it is empty,
    /// the server this device enrolled with) and keeps the session in
    /// memory, replacing any earlier one. Any role may sign in; each
    /// console call is checked by the server.
    /// `second_factor` is the code from the user's authenticator app (or a
    /// recovery code), for a user who set one up; without it the server
    /// answers `auth.second_factor_required` and the UI asks for it.
    pub fn sign_in(
        &mut self,
        server_url: &str,
        username: &str,
        password: &Secret,
        second_factor: Option<&Secret>,
    ) -> Result<SessionInfo, WorkstationError> {
        let server_url = self.console_server_url(server_url)?;
        if username.trim().is_empty() {
            return Err(WorkstationError::InvalidInput { field: "username".into(), message: "must not be empty".into() });
        }
        let server = Server::new(&server_url, None, (&self.retry, &self.app_version), self.server_ca.as_deref())?;
        let request = LoginRequest {
            username: username.trim().to_owned(),
            password: password.clone(),
            second_factor: second_factor.filter(|s| !s.expose().trim().is_empty()).cloned(),
        };
        // Failed logins count towards the server's lockout: not replayed blindly.
        let response: LoginResponse = server.post("/v1/sessions", &request, Replay::OnlyIfUnprocessed)?;
        self.keep_session(server_url, response, "POST /v1/sessions")
    }

    /// Starts a console sign-in through the organisation's identity
    /// provider `provider` (see [`crate::Workstation::begin_provider_sign_in`]);
    /// an empty `server_url` is the server this device enrolled with.
    pub fn begin_console_provider_sign_in(
        &self,
        server_url: &str,
        provider: &str,
    ) -> Result<crate::sync::sign_in::PendingSignIn, WorkstationError> {
        let server_url = self.console_server_url(server_url)?;
        self.begin_provider_sign_in(&server_url, provider)
    }

    /// Finishes a console sign-in through the identity provider.
    pub fn finish_console_provider_sign_in(&mut self, back: crate::sync::sign_in::ReturnedSignIn) -> Result<SessionInfo, WorkstationError> {
        let request = uw_protocol::SsoComplete { state: back.state, code: back.code, code_verifier: back.verifier };
        let response: LoginResponse = back.server.post("/v1/sso/sessions", &request, Replay::OnlyIfUnprocessed)?;
        self.keep_session(back.server_url, response, "POST /v1/sso/sessions")
    }

    /// The server a console sign-in goes to: the one given, else the one
    /// this device enrolled with.
    pub(crate) fn console_server_url(&self, server_url: &str) -> Result<String, WorkstationError> {
        if server_url.trim().is_empty() {
            self.store.sync_enrollment()?.map(|e| e.server_url).ok_or_else(|| WorkstationError::InvalidInput {
                field: "server_url".into(),
                message: "give the sync server's address (this device is not enrolled with one)".into(),
            })
        } else {
            Ok(normalize_server_url(server_url)?)
        }
    }

    fn keep_session(&mut self, server_url: String, response: LoginResponse, request: &str) -> Result<SessionInfo, WorkstationError> {
        if response.token.expose().is_empty() {
            return Err(SyncError::Protocol { request: request.into(), message: "no token".into() }.into());
        }
        tracing::info!(role = response.user.role.name(), "signed in to the server console");
        let session = Session {
            server_url,
            token: response.token,
            user: response.user,
            expires_at: response.expires_at,
            must_enroll_second_factor: response.must_enroll_second_factor,
        };
        let info = session_info(&session);
        self.session = Some(session);
        Ok(info)
    }

    /// The signed-in session, if any.
    pub fn session(&self) -> Option<SessionInfo> {
        self.session.as_ref().map(session_info)
    }

    /// Forgets the session token. Returns whether there was a session.
    pub fn sign_out(&mut self) -> bool {
        self.session.take().is_some()
    }

    /// Where the signed-in user stands with a second factor (any role).
    pub fn second_factor_status(&mut self) -> Result<uw_protocol::SecondFactorStatus, WorkstationError> {
        self.online_any(|s| s.get("/v1/me/second-factor"))
    }

    /// Starts setting up an authenticator app for the signed-in user: the
    /// key to scan (its `otpauth` address) or type. Not in force until
    /// [`Self::confirm_totp`].
    pub fn begin_totp(&mut self) -> Result<uw_protocol::TotpEnrollment, WorkstationError> {
        self.online_any(|s| s.post("/v1/me/second-factor/totp", &serde_json::json!({}), Replay::Safe))
    }

    /// Confirms the new authenticator app with the code it shows; returns
    /// the recovery codes, shown once. The session may then do what its
    /// role allows.
    pub fn confirm_totp(&mut self, code: &Secret) -> Result<uw_protocol::RecoveryCodes, WorkstationError> {
        let request = uw_protocol::TotpConfirm { code: code.clone() };
        let codes: uw_protocol::RecoveryCodes =
            self.online_any(|s| s.post("/v1/me/second-factor/totp/confirm", &request, Replay::OnlyIfUnprocessed))?;
        if let Some(session) = self.session.as_mut() {
            session.must_enroll_second_factor = false;
        }
        Ok(codes)
    }

    /// The roles that must sign in with a second factor (administrators only).
    pub fn admin_second_factor_policy(&mut self) -> Result<uw_protocol::SecondFactorPolicy, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/second-factor-policy"))
    }

    /// The oldest desktop version that may sync, the recommended one and
    /// the packages the server holds (administrators only).
    pub fn admin_desktop_versions(&mut self) -> Result<uw_protocol::DesktopVersions, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/desktop/versions"))
    }

    /// Sets the oldest desktop version that may sync and the recommended
    /// one; `None` clears one (administrators only).
    pub fn admin_set_desktop_versions(
        &mut self,
        minimum: Option<String>,
        recommended: Option<String>,
    ) -> Result<uw_protocol::DesktopVersions, WorkstationError> {
        let update = uw_protocol::DesktopVersionsUpdate { minimum, recommended };
        self.online(Role::Admin, |s| s.put("/v1/admin/desktop-versions", &update))
    }

    /// Sets the roles that must sign in with a second factor (administrators only).
    pub fn admin_set_second_factor_policy(&mut self, roles: Vec<Role>) -> Result<uw_protocol::SecondFactorPolicy, WorkstationError> {
        let policy = uw_protocol::SecondFactorPolicy { roles };
        self.online(Role::Admin, |s| s.put("/v1/admin/second-factor-policy", &policy))
    }

    /// Removes a user's second factor (a lost phone) and ends their
    /// sessions (administrators only).
    pub fn admin_reset_second_factor(&mut self, username: &str) -> Result<(), WorkstationError> {
        let username = path_segment("username", username)?;
        self.online(Role::Admin, |s| {
            s.post::<serde_json::Value>(
                &format!("/v1/admin/users/{username}/second-factor/reset"),
                &serde_json::json!({}),
                Replay::OnlyIfUnprocessed,
            )
        })
        .map(|_| ())
    }

    /// Every user of the organisation (administrators only).
    pub fn admin_users(&mut self) -> Result<Vec<UserRecord>, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/users"))
    }

    /// Adds a user (administrators only).
    pub fn admin_add_user(
        &mut self,
        username: &str,
        password: &Secret,
        role: Role,
        agency: Option<&str>,
    ) -> Result<UserRecord, WorkstationError> {
        let agency = agency.map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned);
        let user = NewUser { username: username.trim().to_owned(), password: password.clone(), role, agency };
        if user.username.is_empty() {
            return Err(WorkstationError::InvalidInput { field: "username".into(), message: "must not be empty".into() });
        }
        // A second add of the same user would be refused as a duplicate.
        self.online(Role::Admin, |s| s.post("/v1/admin/users", &user, Replay::OnlyIfUnprocessed))
    }

    /// Changes a user's role, disables or enables them, sets a new
    /// password or their agency (administrators only).
    pub fn admin_change_user(&mut self, username: &str, change: &UserChange) -> Result<UserRecord, WorkstationError> {
        let username = path_segment("username", username)?;
        if change.role.is_none() && change.disabled.is_none() && change.password.is_none() && change.agency.is_none() {
            return Err(WorkstationError::InvalidInput { field: "change".into(), message: "nothing to change".into() });
        }
        self.online(Role::Admin, |s| s.patch(&format!("/v1/admin/users/{username}"), change))
    }

    /// Every enrolled device (administrators only).
    pub fn admin_devices(&mut self) -> Result<Vec<DeviceRecord>, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/devices"))
    }

    /// Revokes a device: its token stops working at once and it can no
    /// longer sync (administrators only).
    pub fn admin_revoke_device(&mut self, device_id: &str) -> Result<DeviceRecord, WorkstationError> {
        let device_id = path_segment("device_id", device_id)?;
        self.online(Role::Admin, |s| {
            s.post(&format!("/v1/admin/devices/{device_id}/revoke"), &serde_json::json!({}), Replay::OnlyIfUnprocessed)
        })
    }

    /// How long each kind of record is kept (administrators only).
    pub fn admin_retention_rules(&mut self) -> Result<Vec<uw_protocol::RetentionRule>, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/retention-rules"))
    }

    /// Sets a retention rule, or removes it with `days` None; returns the
    /// rules in force (administrators only).
    pub fn admin_set_retention_rule(
        &mut self,
        kind: &str,
        state: &str,
        days: Option<i64>,
    ) -> Result<Vec<uw_protocol::RetentionRule>, WorkstationError> {
        let change = uw_protocol::RetentionRuleChange { kind: kind.trim().to_owned(), state: state.trim().to_uppercase(), days };
        self.online(Role::Admin, |s| s.put("/v1/admin/retention-rules", &change))
    }

    /// Applies the retention rules now, or with `dry_run` only reports what
    /// would go (administrators only).
    pub fn admin_run_retention(&mut self, dry_run: bool) -> Result<uw_protocol::RetentionReport, WorkstationError> {
        let run = uw_protocol::RetentionRun { dry_run };
        self.online(Role::Admin, |s| s.post("/v1/admin/retention/run", &run, Replay::OnlyIfUnprocessed))
    }

    /// The identity providers the server trusts (administrators only).
    pub fn admin_identity_providers(&mut self) -> Result<Vec<uw_protocol::IdentityProvider>, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/identity-providers"))
    }

    /// Adds or changes identity provider `id` (administrators only).
    pub fn admin_set_identity_provider(
        &mut self,
        id: &str,
        change: &uw_protocol::IdentityProviderChange,
    ) -> Result<uw_protocol::IdentityProvider, WorkstationError> {
        let id = path_segment("id", id)?;
        self.online(Role::Admin, |s| s.put(&format!("/v1/admin/identity-providers/{id}"), change))
    }

    /// Removes identity provider `id`; returns the providers left (administrators only).
    pub fn admin_remove_identity_provider(&mut self, id: &str) -> Result<Vec<uw_protocol::IdentityProvider>, WorkstationError> {
        let id = path_segment("id", id)?;
        self.online(Role::Admin, |s| s.delete(&format!("/v1/admin/identity-providers/{id}")))
    }

    /// Asks the providers now whether their people may still sign in (administrators only).
    pub fn admin_check_identity_providers(&mut self) -> Result<uw_protocol::SsoCheckReport, WorkstationError> {
        self.online(Role::Admin, |s| s.post("/v1/admin/identity-providers/check", &serde_json::json!({}), Replay::OnlyIfUnprocessed))
    }

    /// A data-subject request: the customers of an exact name, every
    /// agent's (administrators only).
    pub fn admin_find_customers(&mut self, name: &str) -> Result<Vec<uw_protocol::CustomerMatch>, WorkstationError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(WorkstationError::InvalidInput { field: "name".into(), message: "give the customer's full name".into() });
        }
        let query = crate::rates::impact::urlencoding(name);
        self.online(Role::Admin, |s| s.get(&format!("/v1/admin/customers?name={query}")))
    }

    /// Everything the server holds about a customer, saved as JSON in
    /// `dir` (readable by this user only); returns the file's path
    /// (administrators only; the server records the export).
    pub fn admin_save_customer_export(&mut self, customer_id: &str, dir: &Path, now: OffsetDateTime) -> Result<PathBuf, WorkstationError> {
        let id = path_segment("customer_id", customer_id)?;
        let export: serde_json::Value = self.online(Role::Admin, |s| s.get(&format!("/v1/admin/customers/{id}/export")))?;
        let text = serde_json::to_string_pretty(&export)
            .map_err(|e| WorkstationError::InvalidInput { field: "export".into(), message: e.to_string() })?;
        let name = format!("customer-{id}-{}.json", crate::quotes::model::utc_date(now));
        let path = crate::write_beside(dir, &name, text.as_bytes())?;
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|source| WorkstationError::DocumentFile { path: path.clone(), source })?;
        }
        Ok(path)
    }

    /// Erases a customer's personal data at their request (administrators only).
    pub fn admin_erase_customer(
        &mut self,
        customer_id: &str,
        reason: &str,
        include_policies: bool,
    ) -> Result<uw_protocol::CustomerErasure, WorkstationError> {
        let id = path_segment("customer_id", customer_id)?;
        let request = uw_protocol::CustomerErasureRequest { reason: reason.trim().to_owned(), include_policies };
        self.online(Role::Admin, |s| s.post(&format!("/v1/admin/customers/{id}/erase"), &request, Replay::OnlyIfUnprocessed))
    }

    /// Asks the desktops that may hold a customer's data for it (a
    /// data-subject export); they answer at their next sync, and the
    /// customer's export then includes what they hold (administrators only).
    pub fn admin_request_customer_export(&mut self, customer_id: &str) -> Result<uw_protocol::SubjectRequest, WorkstationError> {
        let id = path_segment("customer_id", customer_id)?;
        self.online(Role::Admin, |s| {
            s.post(&format!("/v1/admin/customers/{id}/export-requests"), &serde_json::json!({}), Replay::OnlyIfUnprocessed)
        })
    }

    /// The latest data-subject requests and where each stands (administrators only).
    pub fn admin_subject_requests(&mut self) -> Result<Vec<uw_protocol::SubjectRequest>, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/subject-requests"))
    }

    /// Failed sign-ins counted per account, address and account at an
    /// address, with any wait in force (administrators only).
    pub fn admin_login_throttles(&mut self) -> Result<Vec<uw_protocol::LoginThrottle>, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/login-throttles"))
    }

    /// Clears the sign-in throttles naming `account` or `address`
    /// (administrators only); returns how many were cleared.
    pub fn admin_clear_login_throttles(&mut self, account: Option<&str>, address: Option<&str>) -> Result<u64, WorkstationError> {
        let request = uw_protocol::ClearLoginThrottles { account: account.map(str::to_owned), address: address.map(str::to_owned) };
        self.online(Role::Admin, |s| {
            s.post::<uw_protocol::LoginThrottlesCleared>("/v1/admin/login-throttles/clear", &request, Replay::Safe)
        })
        .map(|c| c.cleared)
    }

    /// Approval keys underwriters asked to register (administrators only).
    pub fn admin_pack_key_requests(&mut self) -> Result<Vec<uw_protocol::PendingApprovalKey>, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/pack-key-requests"))
    }

    /// Approves a requested approval key (the server trusts it as its
    /// underwriter's) or turns it down (administrators only).
    pub fn admin_decide_pack_key_request(&mut self, key_id: &str, approve: bool) -> Result<(), WorkstationError> {
        let key_id = path_segment("key_id", key_id)?;
        let verb = if approve { "approve" } else { "refuse" };
        self.online(Role::Admin, |s| {
            s.post::<serde_json::Value>(
                &format!("/v1/admin/pack-key-requests/{key_id}/{verb}"),
                &serde_json::json!({}),
                Replay::OnlyIfUnprocessed,
            )
        })
        .map(|_| ())
    }

    /// Every pack-signing key the server trusts or trusted (administrators only).
    pub fn admin_pack_keys(&mut self) -> Result<Vec<uw_protocol::PackKeyRecord>, WorkstationError> {
        self.online(Role::Admin, |s| s.get("/v1/admin/pack-keys"))
    }

    /// Revokes a pack key: approvals with it are refused, and packs signed
    /// only by it stop pricing (administrators only).
    pub fn admin_revoke_pack_key(&mut self, key_id: &str) -> Result<uw_protocol::PackKeyRecord, WorkstationError> {
        let key_id = path_segment("key_id", key_id)?;
        self.online(Role::Admin, |s| {
            s.post(&format!("/v1/admin/pack-keys/{key_id}/revoke"), &serde_json::json!({}), Replay::OnlyIfUnprocessed)
        })
    }

    /// The log's origin and the verifier keys the server publishes
    /// (auditors only). An auditor who wants to trust no one should compare
    /// them with the key received out of band.
    pub fn audit_keys(&mut self) -> Result<AuditKeys, WorkstationError> {
        self.online(Role::Auditor, |s| s.get("/v1/audit/keys"))
    }

    /// Asks the server for entries `start..end` (to the log's end when
    /// `end` is `None`) against a fresh signed checkpoint, with a
    /// consistency proof from the checkpoint of the saved export
    /// `previous_file`, and saves the export in `dir` (auditors only).
    /// Nothing is written unless the whole export arrived.
    pub fn save_audit_export(
        &mut self,
        start: u64,
        end: Option<u64>,
        previous_file: Option<&str>,
        dir: &Path,
    ) -> Result<SavedExport, WorkstationError> {
        if end.is_some_and(|end| end <= start) {
            return Err(WorkstationError::InvalidInput { field: "end".into(), message: format!("must be above start {start}") });
        }
        let previous = match previous_file {
            Some(name) => {
                let text = read_export(dir, name)?;
                let (_, checkpoint) = uw_ledger::export::checkpoint_of(&text)
                    .map_err(|e| WorkstationError::InvalidInput { field: "previous".into(), message: format!("{name}: {e}") })?;
                Some(checkpoint.size)
            }
            None => None,
        };
        let mut query = format!("/v1/audit/export?start={start}");
        if let Some(end) = end {
            query.push_str(&format!("&end={end}"));
        }
        if let Some(size) = previous {
            query.push_str(&format!("&previous={size}"));
        }
        let text = self.online(Role::Auditor, |s| s.get_text(&query))?;
        // What the server sent is checked for form before it is saved; its
        // proofs are checked by `verify_audit_export`, against a key the
        // auditor chooses.
        let (_, checkpoint) = uw_ledger::export::checkpoint_of(&text).map_err(|e| SyncError::Protocol {
            request: "GET /v1/audit/export".into(),
            message: format!("the export does not parse: {e}"),
        })?;
        let (start, end) = export_range(&text).ok_or_else(|| SyncError::Protocol {
            request: "GET /v1/audit/export".into(),
            message: "the export has no range line".into(),
        })?;
        let file_name = format!("{EXPORT_PREFIX}{start}-{end}-{}{EXPORT_SUFFIX}", checkpoint.size);
        let path = crate::write_beside(dir, &file_name, text.as_bytes())?;
        tracing::info!(start, end, checkpoint_size = checkpoint.size, "audit export saved");
        Ok(SavedExport { file_name, path, start, end, checkpoint_size: checkpoint.size, consistency_from: previous })
    }

    /// A page of the log's entries, newest first, as `query` selects them
    /// (auditors only).
    pub fn audit_entries(&mut self, query: &AuditQuery) -> Result<uw_protocol::AuditEntryPage, WorkstationError> {
        let mut pairs = Vec::new();
        for (name, value) in [
            ("from", query.from.as_deref()),
            ("to", query.to.as_deref()),
            ("user", query.user.as_deref()),
            ("action", query.action.as_deref()),
            ("resource", query.resource.as_deref()),
        ] {
            if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
                pairs.push((name, value.to_owned()));
            }
        }
        pairs.extend(query.before.map(|b| ("before", b.to_string())));
        pairs.extend(query.limit.map(|l| ("limit", l.to_string())));
        let path = with_query("/v1/audit/entries", &pairs)?;
        self.online(Role::Auditor, |s| s.get(&path))
    }

    /// The entries recorded from `from` up to `to` (RFC 3339 instants), as
    /// the range to export (auditors only).
    pub fn audit_range(&mut self, from: Option<&str>, to: Option<&str>) -> Result<uw_protocol::AuditRange, WorkstationError> {
        let pairs: Vec<(&str, String)> =
            [("from", from), ("to", to)].into_iter().filter_map(|(n, v)| v.map(|v| (n, v.trim().to_owned()))).collect();
        let path = with_query("/v1/audit/range", &pairs)?;
        self.online(Role::Auditor, |s| s.get(&path))
    }

    /// A call any signed-in user may make.
    fn online_any<T>(&mut self, f: impl FnOnce(&Server) -> Result<T, SyncError>) -> Result<T, WorkstationError> {
        let role = self.session.as_ref().map_or(Role::Agent, |s| s.user.role);
        self.online(role, f)
    }

    fn online<T>(&mut self, role: Role, f: impl FnOnce(&Server) -> Result<T, SyncError>) -> Result<T, WorkstationError> {
        let not_signed_in = || SyncError::NotSignedIn { role: role_name(role) };
        let session = self.session.as_ref().ok_or_else(not_signed_in)?;
        let server =
            Server::new(&session.server_url, Some(session.token.clone()), (&self.retry, &self.app_version), self.server_ca.as_deref())?;
        match f(&server) {
            // An expired or revoked session is forgotten, so the UI asks again.
            Err(SyncError::Unauthorized { code, message }) => {
                self.session = None;
                Err(SyncError::Unauthorized { code, message }.into())
            }
            other => Ok(other?),
        }
    }
}

fn session_info(s: &Session) -> SessionInfo {
    SessionInfo {
        server_url: s.server_url.clone(),
        user: s.user.clone(),
        expires_at: s.expires_at.clone(),
        must_enroll_second_factor: s.must_enroll_second_factor,
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "an administrator",
        Role::Auditor => "an auditor",
        Role::Underwriter => "an underwriter",
        Role::Agent => "an agent",
    }
}

/// A value that goes into a request path: letters, digits, `.`, `_`, `-`.
fn path_segment<'a>(field: &str, value: &'a str) -> Result<&'a str, WorkstationError> {
    let value = value.trim();
    if value.is_empty() || value.len() > 128 || !value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
        return Err(WorkstationError::InvalidInput {
            field: field.into(),
            message: format!("`{value}` is not a {field}: letters, digits, `.`, `_` and `-` only"),
        });
    }
    Ok(value)
}

/// What an auditor browses the log by: every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// The first instant, RFC 3339.
    pub from: Option<String>,
    /// The instant the span ends before, RFC 3339.
    pub to: Option<String>,
    /// A username.
    pub user: Option<String>,
    /// An action, or its first part (`policy`).
    pub action: Option<String>,
    /// Text in the resource's id: a policy or quote number.
    pub resource: Option<String>,
    /// Continue below this entry.
    pub before: Option<u64>,
    pub limit: Option<u32>,
}

/// `path?name=value&…`, each value encoded.
fn with_query(path: &str, pairs: &[(&str, String)]) -> Result<String, WorkstationError> {
    let mut url = reqwest::Url::parse("http://query.invalid/")
        .map_err(|e| WorkstationError::InvalidInput { field: "query".into(), message: e.to_string() })?;
    url.query_pairs_mut().extend_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())));
    Ok(match url.query() {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    })
}

/// The `range <start> <end>` line of an export.
fn export_range(text: &str) -> Option<(u64, u64)> {
    let line = text.lines().find_map(|l| l.strip_prefix("range "))?;
    let (a, b) = line.split_once(' ')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// A saved export's name: only the names [`Workstation::save_audit_export`]
/// gives, so the UI cannot name a file outside `dir`.
fn export_name(name: &str) -> Result<&str, WorkstationError> {
    let inner = name.strip_prefix(EXPORT_PREFIX).and_then(|n| n.strip_suffix(EXPORT_SUFFIX));
    match inner {
        Some(inner) if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit() || b == b'-') => Ok(name),
        _ => Err(WorkstationError::InvalidInput {
            field: "file".into(),
            message: format!("`{name}` is not a saved audit export ({EXPORT_PREFIX}<start>-<end>-<size>{EXPORT_SUFFIX})"),
        }),
    }
}

fn read_export(dir: &Path, name: &str) -> Result<String, WorkstationError> {
    let path = dir.join(export_name(name)?);
    let io = |source: std::io::Error| WorkstationError::AuditFile { path: path.clone(), source };
    let len = std::fs::metadata(&path).map_err(io)?.len();
    if len > MAX_EXPORT_BYTES {
        return Err(WorkstationError::InvalidInput {
            field: "file".into(),
            message: format!("{name} is {len} bytes; exports above {MAX_EXPORT_BYTES} bytes are verified with `uw audit verify`"),
        });
    }
    std::fs::read_to_string(&path).map_err(io)
}

/// The saved audit exports in `dir`, newest checkpoint first.
pub fn audit_exports(dir: &Path) -> Result<Vec<ExportFile>, WorkstationError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(WorkstationError::AuditFile { path: dir.to_owned(), source }),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| WorkstationError::AuditFile { path: dir.to_owned(), source })?;
        let Ok(name) = entry.file_name().into_string() else { continue };
        if export_name(&name).is_err() {
            continue;
        }
        let bytes = entry.metadata().map_err(|source| WorkstationError::AuditFile { path: entry.path(), source })?.len();
        files.push(ExportFile { file_name: name, bytes });
    }
    // audit-export-<start>-<end>-<size>.txt: by size, then end, then start, newest first.
    let key = |f: &ExportFile| -> Vec<u64> {
        let inner = &f.file_name[EXPORT_PREFIX.len()..f.file_name.len() - EXPORT_SUFFIX.len()];
        inner.split('-').rev().map(|n| n.parse().unwrap_or(0)).collect()
    };
    files.sort_by_key(|f| std::cmp::Reverse(key(f)));
    Ok(files)
}

/// The log's verifier key, `name+keyid+base64key`.
fn verifier(key: &str) -> Result<uw_ledger::NoteVerifier, WorkstationError> {
    uw_ledger::NoteVerifier::parse(key).map_err(|e| WorkstationError::InvalidInput {
        field: "key".into(),
        message: format!("not a verifier key (name+keyid+base64key): {e}"),
    })
}

/// Verifies the saved export `file_name` in `dir` offline, against the
/// log's verifier key (`name+keyid+base64key`) and, when `previous_file`
/// names an earlier export, proves the log only grew since its checkpoint.
pub fn verify_audit_export(dir: &Path, file_name: &str, key: &str, previous_file: Option<&str>) -> Result<AuditVerdict, WorkstationError> {
    export_name(file_name)?;
    verifier(key)?;
    let text = read_export(dir, file_name)?;
    verify_audit_text(file_name, &text, key, dir, previous_file)
}

/// Verifies an export the auditor opened from anywhere (a colleague's copy,
/// a USB stick) as [`verify_audit_export`] does: `text` is the file's
/// content, `name` its name for the verdict, and `previous_file` a saved
/// export in `dir`. The caller reads the file the user chose; this never
/// opens a path it is given.
pub fn verify_audit_text(
    name: &str,
    text: &str,
    key: &str,
    dir: &Path,
    previous_file: Option<&str>,
) -> Result<AuditVerdict, WorkstationError> {
    let verifier = verifier(key)?;
    if u64::try_from(text.len()).map_or(true, |len| len > MAX_EXPORT_BYTES) {
        return Err(WorkstationError::InvalidInput {
            field: "file".into(),
            message: format!("{name} is above {MAX_EXPORT_BYTES} bytes; verify it with `uw audit verify`"),
        });
    }
    let previous = match previous_file {
        Some(previous) => {
            let text = read_export(dir, previous)?;
            let (note, _) = uw_ledger::export::checkpoint_of(&text)
                .map_err(|e| WorkstationError::InvalidInput { field: "previous".into(), message: format!("{previous}: {e}") })?;
            Some(note)
        }
        None => None,
    };
    Ok(match uw_ledger::export::verify(text, &[verifier], previous.as_deref()) {
        Ok(ok) => AuditVerdict::Verified {
            origin: ok.checkpoint.origin,
            start: ok.start,
            end: ok.end,
            checkpoint_size: ok.checkpoint.size,
            root: hex::encode(ok.checkpoint.root),
            signers: ok.signers,
            consistent_with: ok.consistent_with,
        },
        Err(e) => AuditVerdict::Failed { reason: format!("{name}: {e}") },
    })
}
