//! The server consoles: the session, users, devices, keys, throttles and
//! the audit log's exports.

use serde::Serialize;
use ts_rs::TS;
use uw_workstation::{
    AuditKeys, AuditVerdict, DeviceRecord, ExportFile, LoginThrottle, PackKeyRecord, PendingApprovalKey, RecoveryCodes, SavedExport,
    SessionInfo, TotpEnrollment, UserRecord,
};

/// A signed-in server console session. The token stays in the workstation.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub server_url: String,
    pub username: String,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\"")]
    pub role: &'static str,
    pub expires_at: String,
    /// The organisation requires a second factor of this role and the user
    /// has none: the session reaches nothing until they set one up.
    pub must_enroll_second_factor: bool,
}

impl From<SessionInfo> for SessionView {
    fn from(s: SessionInfo) -> Self {
        Self {
            server_url: s.server_url,
            username: s.user.username,
            role: s.user.role.name(),
            expires_at: s.expires_at,
            must_enroll_second_factor: s.must_enroll_second_factor,
        }
    }
}

/// A new authenticator key to add to an app: as a QR code to scan, or as
/// text to type. Not in force until a code from it is confirmed.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TotpSetupView {
    /// The key in base 32, grouped by four for typing.
    pub secret: String,
    /// The `otpauth://` address as an SVG QR code.
    pub qr_svg: String,
    pub digits: u32,
    pub period_seconds: u32,
}

impl From<TotpEnrollment> for TotpSetupView {
    fn from(e: TotpEnrollment) -> Self {
        let secret = e.secret.expose().as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
        // An otpauth address is well under a QR code's capacity; an empty
        // picture leaves the typed key.
        let qr_svg = qrcode::QrCode::new(e.uri.expose().as_bytes())
            .map(|code| code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
            .unwrap_or_default();
        Self { secret, qr_svg, digits: e.digits, period_seconds: e.period_seconds }
    }
}

/// The recovery codes, shown once: each signs in once without the app.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodesView {
    pub codes: Vec<String>,
}

impl From<RecoveryCodes> for RecoveryCodesView {
    fn from(r: RecoveryCodes) -> Self {
        Self { codes: r.codes.iter().map(|c| c.expose().to_owned()).collect() }
    }
}

/// A user as the administrator sees it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub user_id: String,
    pub username: String,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\"")]
    pub role: &'static str,
    pub disabled: bool,
    /// The agency an agent writes for, as documents print it.
    pub agency: Option<String>,
    /// When they last signed in with their password (RFC 3339).
    pub last_sign_in_at: Option<String>,
    /// They have an authenticator app set up.
    pub second_factor: bool,
    /// The organization sign-in service they sign in with (no password of their own).
    pub sign_in_service: Option<String>,
}

impl From<UserRecord> for UserView {
    fn from(u: UserRecord) -> Self {
        Self {
            user_id: u.user_id,
            username: u.username,
            role: u.role.name(),
            disabled: u.disabled,
            agency: u.agency,
            last_sign_in_at: u.last_sign_in_at,
            sign_in_service: u.sign_in_service,
            second_factor: u.second_factor,
        }
    }
}

/// The roles that must sign in with an authenticator app.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecondFactorPolicyView {
    #[ts(type = "Array<\"agent\" | \"underwriter\" | \"admin\" | \"auditor\">")]
    pub roles: Vec<&'static str>,
}

impl From<uw_workstation::SecondFactorPolicy> for SecondFactorPolicyView {
    fn from(p: uw_workstation::SecondFactorPolicy) -> Self {
        Self { roles: p.roles.iter().map(|r| r.name()).collect() }
    }
}

/// Which desktop versions may sync, and the update packages the server holds.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DesktopVersionsView {
    pub minimum: Option<String>,
    pub recommended: Option<String>,
    pub releases: Vec<DesktopReleaseView>,
}

/// An update package the server holds.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DesktopReleaseView {
    pub version: String,
    pub platform: String,
    #[ts(type = "number")]
    pub size: u64,
}

impl From<uw_workstation::DesktopVersions> for DesktopVersionsView {
    fn from(v: uw_workstation::DesktopVersions) -> Self {
        Self {
            minimum: v.minimum,
            recommended: v.recommended,
            releases: v
                .releases
                .into_iter()
                .map(|r| DesktopReleaseView { version: r.version, platform: r.platform, size: r.size })
                .collect(),
        }
    }
}

/// How long one kind of record is kept in one state.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetentionRuleView {
    #[ts(type = "\"unbound_quote\" | \"ended_policy\"")]
    pub kind: String,
    /// A two-letter state, or `*` for every state without its own rule.
    pub state: String,
    pub days: i64,
}

impl From<uw_workstation::RetentionRule> for RetentionRuleView {
    fn from(r: uw_workstation::RetentionRule) -> Self {
        Self { kind: r.kind, state: r.state, days: r.days }
    }
}

/// An identity provider people may sign in with.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInProviderView {
    pub id: String,
    pub display_name: String,
}

impl From<uw_workstation::SsoProvider> for SignInProviderView {
    fn from(p: uw_workstation::SsoProvider) -> Self {
        Self { id: p.id, display_name: p.display_name }
    }
}

/// A value of the provider's roles claim (a group) and the role it gives.
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleRuleView {
    pub value: String,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\"")]
    pub role: String,
}

/// An OpenID Connect provider the server trusts, as the Admin screen shows
/// and edits it (a client secret is never shown, only whether one is kept).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IdentityProviderView {
    pub id: String,
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    pub has_client_secret: bool,
    pub username_claim: String,
    pub roles_claim: String,
    pub role_rules: Vec<RoleRuleView>,
    pub create_users: bool,
    pub agency: Option<String>,
    pub extra_scopes: Vec<String>,
    /// The PEM of the CA the provider's HTTPS is checked against, if not the system's.
    pub ca_certificate: Option<String>,
}

impl From<uw_workstation::IdentityProvider> for IdentityProviderView {
    fn from(p: uw_workstation::IdentityProvider) -> Self {
        Self {
            id: p.id,
            display_name: p.display_name,
            issuer: p.issuer,
            client_id: p.client_id,
            has_client_secret: p.has_client_secret,
            username_claim: p.username_claim,
            roles_claim: p.roles_claim,
            role_rules: p.role_rules.into_iter().map(|r| RoleRuleView { value: r.value, role: r.role.name().to_owned() }).collect(),
            create_users: p.create_users,
            agency: p.agency,
            extra_scopes: p.extra_scopes,
            ca_certificate: p.ca_certificate,
        }
    }
}

/// An identity provider as the Admin screen saves it.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IdentityProviderInput {
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    /// A new client secret; none keeps the one kept (if any).
    #[ts(optional, type = "string")]
    pub client_secret: Option<uw_workstation::Secret>,
    #[serde(default)]
    pub remove_client_secret: bool,
    pub username_claim: String,
    pub roles_claim: String,
    pub role_rules: Vec<RoleRuleView>,
    pub create_users: bool,
    pub agency: Option<String>,
    pub extra_scopes: Vec<String>,
    pub ca_certificate: Option<String>,
}

impl IdentityProviderInput {
    /// The server's change, with each rule's role read.
    pub fn change(self) -> Result<uw_workstation::IdentityProviderChange, crate::CommandError> {
        let role_rules = self
            .role_rules
            .into_iter()
            .map(|r| {
                let role = uw_workstation::Role::from_name(&r.role).ok_or_else(|| {
                    crate::CommandError::from(&uw_workstation::WorkstationError::InvalidInput {
                        field: "role_rules".into(),
                        message: format!("`{}` is not agent, underwriter, admin or auditor", r.role),
                    })
                })?;
                Ok(uw_workstation::SsoRoleRule { value: r.value.trim().to_owned(), role })
            })
            .collect::<Result<Vec<_>, crate::CommandError>>()?;
        let blank_to_none = |text: Option<String>| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        Ok(uw_workstation::IdentityProviderChange {
            display_name: self.display_name,
            issuer: self.issuer.trim().to_owned(),
            client_id: self.client_id.trim().to_owned(),
            client_secret: self.client_secret.filter(|s| !s.expose().trim().is_empty()),
            remove_client_secret: self.remove_client_secret,
            username_claim: self.username_claim,
            roles_claim: self.roles_claim,
            role_rules,
            create_users: self.create_users,
            agency: blank_to_none(self.agency),
            extra_scopes: self.extra_scopes.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            ca_certificate: blank_to_none(self.ca_certificate),
        })
    }
}

/// What a check of the identity providers found.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderCheckView {
    pub still_active: u32,
    /// The usernames whose sessions and devices ended.
    pub ended: Vec<String>,
    pub unreachable: u32,
}

impl From<uw_workstation::SsoCheckReport> for ProviderCheckView {
    fn from(r: uw_workstation::SsoCheckReport) -> Self {
        Self { still_active: r.still_active, ended: r.ended, unreachable: r.unreachable }
    }
}

/// What a retention run did, or would do.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetentionReportView {
    pub dry_run: bool,
    pub deleted_quotes: Vec<String>,
    pub erased_customers: usize,
}

impl From<uw_workstation::RetentionReport> for RetentionReportView {
    fn from(r: uw_workstation::RetentionReport) -> Self {
        Self { dry_run: r.dry_run, deleted_quotes: r.deleted_quotes, erased_customers: r.erased_customers.len() }
    }
}

/// A customer found for a data-subject request.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    pub customer_id: String,
    pub name: String,
    /// Street, city, state and ZIP code, as one line.
    pub address: String,
    pub quotes: Vec<String>,
    pub policies: Vec<String>,
}

impl From<uw_workstation::CustomerMatch> for CustomerView {
    fn from(c: uw_workstation::CustomerMatch) -> Self {
        Self {
            customer_id: c.customer_id,
            name: c.name,
            address: format!("{}, {}, {} {}", c.street, c.city, c.state, c.zip),
            quotes: c.quotes,
            policies: c.policies,
        }
    }
}

/// A data-subject request and where it stands.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRequestView {
    pub request_id: String,
    pub customer_id: String,
    #[ts(type = "\"export\" | \"erasure\"")]
    pub kind: String,
    /// `waiting` for desktops, `ready`, `done` (an erasure), `erased` (an
    /// export whose customer was erased since).
    #[ts(type = "\"waiting\" | \"ready\" | \"done\" | \"erased\"")]
    pub status: String,
    pub requested_at: String,
    pub requested_by: String,
    pub completed_at: Option<String>,
    /// The desktops asked, and how many answered.
    pub desktops: u32,
    pub answered: u32,
    /// The desktops still to answer: "device (user)".
    pub waiting_for: Vec<String>,
}

impl From<uw_workstation::SubjectRequest> for SubjectRequestView {
    fn from(r: uw_workstation::SubjectRequest) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let waiting_for =
            r.desktops.iter().filter(|d| d.answered_at.is_none()).map(|d| format!("{} ({})", d.device_name, d.username)).collect();
        Self {
            desktops: count(r.desktops.len()),
            answered: count(r.desktops.iter().filter(|d| d.answered_at.is_some()).count()),
            waiting_for,
            request_id: r.request_id,
            customer_id: r.customer_id,
            kind: r.kind,
            status: r.status,
            requested_at: r.requested_at,
            requested_by: r.requested_by,
            completed_at: r.completed_at,
        }
    }
}

/// What an erasure did.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerErasureView {
    pub quotes: Vec<String>,
    pub policies: Vec<String>,
}

impl From<uw_workstation::CustomerErasure> for CustomerErasureView {
    fn from(e: uw_workstation::CustomerErasure) -> Self {
        Self { quotes: e.quotes, policies: e.policies }
    }
}

/// A device as the administrator sees it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeviceView {
    pub device_id: String,
    pub username: String,
    pub name: String,
    /// The device's Ed25519 public key, hex (not a secret).
    pub public_key: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    #[ts(type = "number")]
    pub last_seq: u64,
    /// When it last called the server (to five minutes).
    pub last_seen_at: Option<String>,
}

impl From<DeviceRecord> for DeviceView {
    fn from(d: DeviceRecord) -> Self {
        Self {
            device_id: d.device_id,
            username: d.username,
            name: d.name,
            public_key: d.public_key,
            enrolled_at: d.enrolled_at,
            revoked_at: d.revoked_at,
            last_seq: d.last_seq,
            last_seen_at: d.last_seen_at,
        }
    }
}

/// Failed sign-ins counted for an account, an address, or an account at an address.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleView {
    pub account: Option<String>,
    pub address: Option<String>,
    pub failures: u32,
    /// Sign-ins there wait until this time; none when they may go ahead.
    pub waiting_until: Option<String>,
    pub last_failure_at: String,
}

/// An approval key an underwriter asked to register.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingKeyView {
    pub key_id: String,
    pub public_key: String,
    pub username: String,
    pub requested_at: String,
}

/// A pack-signing key the server trusts or trusted.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PackKeyView {
    pub key_id: String,
    pub public_key: String,
    /// The underwriter whose approval key it is; none for an organisation key.
    pub username: Option<String>,
    pub trusted_at: String,
    pub revoked_at: Option<String>,
}

impl From<PackKeyRecord> for PackKeyView {
    fn from(k: PackKeyRecord) -> Self {
        Self { key_id: k.key_id, public_key: k.public_key, username: k.username, trusted_at: k.trusted_at, revoked_at: k.revoked_at }
    }
}

/// The audit log's origin and the verifier keys the server publishes.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditKeysView {
    pub origin: String,
    pub verifier_keys: Vec<String>,
}

/// An audit export saved in the documents folder.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedExportView {
    pub file_name: String,
    pub path: String,
    #[ts(type = "number")]
    pub start: u64,
    #[ts(type = "number")]
    pub end: u64,
    #[ts(type = "number")]
    pub checkpoint_size: u64,
    #[ts(type = "number | null")]
    pub consistency_from: Option<u64>,
}

/// One audit log entry as the auditor browses it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    #[ts(type = "number")]
    pub index: u64,
    /// When the server recorded it (UTC, RFC 3339).
    pub server_time: String,
    /// The acting user's username, or the system actor's name.
    pub actor: String,
    /// Whether `actor` is a user of the organisation (else the server or
    /// its command line).
    pub is_user: bool,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\" | \"system\"")]
    pub role: String,
    pub device_id: Option<String>,
    /// The dotted action: `policy.bind`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    /// When the device says it happened, for actions made offline.
    pub device_time: Option<String>,
    pub request_id: String,
}

impl From<uw_workstation::AuditEntryRecord> for AuditEntryView {
    fn from(e: uw_workstation::AuditEntryRecord) -> Self {
        Self {
            index: e.index,
            server_time: e.server_time,
            is_user: e.username.is_some(),
            actor: e.username.unwrap_or(e.actor),
            role: e.role,
            device_id: e.device_id,
            action: e.action,
            resource_type: e.resource_type,
            resource_id: e.resource_id,
            device_time: e.device_time,
            request_id: e.request_id,
        }
    }
}

/// A page of the audit log, newest first.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryPageView {
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next page; null at the range's start.
    #[ts(type = "number | null")]
    pub next_before: Option<u64>,
    /// The entries the dates select, `start..end`.
    #[ts(type = "number")]
    pub start: u64,
    #[ts(type = "number")]
    pub end: u64,
}

impl From<uw_workstation::AuditEntryPage> for AuditEntryPageView {
    fn from(p: uw_workstation::AuditEntryPage) -> Self {
        Self { entries: p.entries.into_iter().map(AuditEntryView::from).collect(), next_before: p.next_before, start: p.start, end: p.end }
    }
}

/// A saved audit export.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportFileView {
    pub file_name: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// What verifying an export found; a failure names the first bad entry.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "verdict", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AuditVerdictView {
    Verified {
        origin: String,
        #[ts(type = "number")]
        start: u64,
        #[ts(type = "number")]
        end: u64,
        #[ts(type = "number")]
        checkpoint_size: u64,
        root: String,
        signers: Vec<String>,
        #[ts(type = "number | null")]
        consistent_with: Option<u64>,
    },
    Failed {
        reason: String,
    },
}

impl From<AuditVerdict> for AuditVerdictView {
    fn from(v: AuditVerdict) -> Self {
        match v {
            AuditVerdict::Verified { origin, start, end, checkpoint_size, root, signers, consistent_with } => {
                Self::Verified { origin, start, end, checkpoint_size, root, signers, consistent_with }
            }
            AuditVerdict::Failed { reason } => Self::Failed { reason },
        }
    }
}

impl From<LoginThrottle> for ThrottleView {
    fn from(t: LoginThrottle) -> Self {
        Self {
            account: t.account,
            address: t.address,
            failures: t.failures,
            waiting_until: t.waiting_until,
            last_failure_at: t.last_failure_at,
        }
    }
}

impl From<PendingApprovalKey> for PendingKeyView {
    fn from(r: PendingApprovalKey) -> Self {
        Self { key_id: r.key_id, public_key: r.public_key, username: r.username, requested_at: r.requested_at }
    }
}

impl From<AuditKeys> for AuditKeysView {
    fn from(k: AuditKeys) -> Self {
        Self { origin: k.origin, verifier_keys: k.verifier_keys }
    }
}

impl From<SavedExport> for SavedExportView {
    fn from(e: SavedExport) -> Self {
        Self {
            file_name: e.file_name,
            path: e.path.display().to_string(),
            start: e.start,
            end: e.end,
            checkpoint_size: e.checkpoint_size,
            consistency_from: e.consistency_from,
        }
    }
}

impl From<ExportFile> for ExportFileView {
    fn from(f: ExportFile) -> Self {
        Self { file_name: f.file_name, bytes: f.bytes }
    }
}

#[cfg(test)]
mod tests {
    use super::TotpSetupView;
    use uw_workstation::{Secret, TotpEnrollment};

    /// The key as the app scans it (an SVG QR code) and as a person types
    /// it (grouped by four).
    #[test]
    fn a_new_authenticator_key_is_a_qr_code_and_grouped_text() {
        let uri = "otpauth://totp/Acme%20Mutual:ann?secret=GEZDGNBVGY3TQOJQ&issuer=Acme%20Mutual&algorithm=SHA1&digits=6&period=30";
        let view = TotpSetupView::from(TotpEnrollment {
            secret: Secret::new(String::from("GEZDGNBVGY3TQOJQ")),
            uri: Secret::new(String::from(uri)),
            digits: 6,
            period_seconds: 30,
        });
        assert_eq!(view.secret, "GEZD GNBV GY3T QOJQ");
        assert!(view.qr_svg.contains("<svg") && view.qr_svg.contains("<path"), "{}", &view.qr_svg[..view.qr_svg.len().min(200)]);
        assert!(!view.qr_svg.contains("GEZD"), "the key is drawn, not written, in the picture");
    }
}
