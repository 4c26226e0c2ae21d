//! The error codes a device acts on, shared by the server that answers them
//! and the device that reads them, so the two cannot spell one differently.
//! Every other code is the server's to choose and the device only shows it.

/// An operation beyond the next sequence the server expects. Not final: the
/// server processed nothing, so the operation stays in the outbox.
pub const SEQUENCE_GAP: &str = "sync.sequence_gap";

/// The server holds another operation under this sequence number (the device
/// was restored from a backup or copied); it goes again under a new number.
pub const SEQUENCE_REUSED: &str = "sync.sequence_reused";

/// The device's signature on an operation does not verify. Not final either:
/// the server records nothing (so a stolen token cannot burn the device's
/// sequence numbers); the operation stays in the outbox and sync stops with
/// the reason, like a gap.
pub const BAD_SIGNATURE: &str = "sync.bad_signature";

/// An administrator revoked the device; it can no longer sync.
pub const DEVICE_REVOKED: &str = "auth.device_revoked";

/// The token is not one the server issued, or it was revoked.
pub const INVALID_TOKEN: &str = "auth.invalid_token";

/// The token has expired; the device renews it with its key.
pub const TOKEN_EXPIRED: &str = "auth.token_expired";

/// The caller's role may not do this.
pub const FORBIDDEN: &str = "auth.forbidden";

/// The user enrolled a second factor and the sign-in gave none: ask for the
/// code from their authenticator app and sign in again with it.
pub const SECOND_FACTOR_REQUIRED: &str = "auth.second_factor_required";

/// The second factor given is wrong, used already or expired.
pub const SECOND_FACTOR_INVALID: &str = "auth.second_factor_invalid";

/// The organisation requires a second factor of the caller's role and the
/// session has none: the user enrolls one before anything else.
pub const SECOND_FACTOR_ENROLLMENT_REQUIRED: &str = "auth.second_factor_enrollment_required";

/// The desktop app is older than the organisation's minimum version: it
/// keeps working offline and may sync again once updated.
pub const DESKTOP_TOO_OLD: &str = "desktop.too_old";
