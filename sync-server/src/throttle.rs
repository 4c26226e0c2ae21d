//! Sign-in throttling: delays that grow with failures, never a lockout.
//!
//! Failed sign-ins (logins and enrollments) are counted in three scopes: the
//! account, the client address (the real one, behind trusted proxies) and
//! the account at that address. In each, the first few failures cost nothing
//! ([`Scope::free_attempts`]: 5 for an account at an address, 10 for an
//! account from anywhere, 20 for an address, which a whole office may share);
//! from then on the next attempt waits [`FIRST_DELAY_SECONDS`], doubling with
//! every failure up to [`MAX_DELAY_SECONDS`]. A scope forgets its failures
//! after [`FORGET_AFTER_HOURS`] without one.
//!
//! An attempt is counted before its password is checked, in the write
//! transaction that decides it may go ahead ([`admit`]): concurrent guesses
//! serialise on the scope's row and cannot all pass the check. A success
//! ([`succeeded`]) takes back its own count, clears the account's count at
//! that address and remembers the address: the account's own throttle does
//! not apply where the user has signed in before, so guesses from elsewhere
//! never keep a user out at their usual address. Nothing else is cleared:
//! the user's success does not wipe an attacker's failures.

use time::OffsetDateTime;

use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, Tx};

/// The first wait, after a scope's free attempts.
pub const FIRST_DELAY_SECONDS: i64 = 5;
/// The longest wait between attempts.
pub const MAX_DELAY_SECONDS: i64 = 15 * 60;
/// A scope without a failure for this long starts again from nothing.
pub const FORGET_AFTER_HOURS: i64 = 24;
/// Where an account has signed in successfully is remembered this long.
pub const KNOWN_ADDRESS_DAYS: i64 = 180;
/// Longer account names are counted by their first characters.
const MAX_SUBJECT_CHARS: usize = 200;

/// A throttle scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account,
    Address,
    AccountAddress,
}

impl Scope {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Address => "address",
            Self::AccountAddress => "account_address",
        }
    }

    /// Failures before attempts in this scope have to wait.
    pub const fn free_attempts(self) -> i64 {
        match self {
            Self::AccountAddress => 5,
            Self::Account => 10,
            Self::Address => 20,
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Account, Self::Address, Self::AccountAddress].into_iter().find(|s| s.name() == name)
    }
}

/// The subject an account is counted under.
fn account_subject(account: &str) -> String {
    account.trim().to_lowercase().chars().take(MAX_SUBJECT_CHARS).collect()
}

fn pair_subject(account: &str, address: &str) -> String {
    format!("{}\n{address}", account_subject(account))
}

/// The wait after `failures` failures in `scope`, in milliseconds.
fn delay_ms(scope: Scope, failures: i64) -> i64 {
    if failures < scope.free_attempts() {
        return 0;
    }
    let doublings = u32::try_from((failures - scope.free_attempts()).min(20)).unwrap_or(20);
    ((FIRST_DELAY_SECONDS * 1_000) << doublings).min(MAX_DELAY_SECONDS * 1_000)
}

/// A sign-in must wait this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub seconds: u64,
}

/// Decides whether a sign-in for `account` from `address` may check its
/// password now, and counts it as a failure until [`succeeded`] says
/// otherwise. Runs in the caller's write transaction.
pub async fn admit(tx: &mut dyn Tx, account: &str, address: &str, now: OffsetDateTime) -> Result<Result<(), Wait>, ApiError> {
    let now_ms = unix_ms(now);
    let forget_before = now_ms - FORGET_AFTER_HOURS * 3_600_000;
    tx.execute("DELETE FROM login_throttle WHERE updated_at < $1", args![forget_before]).await?;
    let known = is_known(tx, account, address, now_ms).await?;
    let mut scopes = vec![(Scope::Address, address.to_owned()), (Scope::AccountAddress, pair_subject(account, address))];
    if !known {
        scopes.push((Scope::Account, account_subject(account)));
    }
    let mut counts = Vec::with_capacity(scopes.len());
    let mut wait_ms = 0;
    for (scope, subject) in &scopes {
        // The upsert locks the scope's row (PostgreSQL) for this transaction;
        // SQLite's write transaction is already exclusive.
        let row = tx
            .fetch_one(
                "INSERT INTO login_throttle (scope, subject, failures, blocked_until, updated_at) VALUES ($1, $2, 0, 0, $3)
                 ON CONFLICT (scope, subject) DO UPDATE SET failures = login_throttle.failures
                 RETURNING failures, blocked_until",
                args![scope.name(), subject.as_str(), now_ms],
            )
            .await?;
        let (failures, blocked_until) = (row.int(0)?, row.int(1)?);
        wait_ms = wait_ms.max(blocked_until - now_ms);
        counts.push(failures);
    }
    if wait_ms > 0 {
        let seconds = u64::try_from((wait_ms + 999) / 1_000).unwrap_or(1);
        return Ok(Err(Wait { seconds }));
    }
    for ((scope, subject), failures) in scopes.iter().zip(counts) {
        let failures = failures + 1;
        let blocked_until = match delay_ms(*scope, failures) {
            0 => 0,
            delay => now_ms + delay,
        };
        tx.execute(
            "UPDATE login_throttle SET failures = $3, blocked_until = $4, updated_at = $5 WHERE scope = $1 AND subject = $2",
            args![scope.name(), subject.as_str(), failures, blocked_until, now_ms],
        )
        .await?;
    }
    Ok(Ok(()))
}

/// Whether `account` signed in successfully from `address` lately.
async fn is_known(tx: &mut dyn Tx, account: &str, address: &str, now_ms: i64) -> Result<bool, ApiError> {
    let row = tx
        .fetch_optional(
            "SELECT 1 FROM login_known_address WHERE account = $1 AND address = $2 AND last_success_at >= $3",
            args![account_subject(account), address, now_ms - KNOWN_ADDRESS_DAYS * 86_400_000],
        )
        .await?;
    Ok(row.is_some())
}

/// A sign-in that [`admit`] counted succeeded: its count is taken back, the
/// account's count at this address cleared, and the address remembered.
pub async fn succeeded(tx: &mut dyn Tx, account: &str, address: &str, now: OffsetDateTime) -> Result<(), ApiError> {
    let now_ms = unix_ms(now);
    let known = is_known(tx, account, address, now_ms).await?;
    // The rows in the order `admit` locks them (address, account at the
    // address, account): concurrent sign-ins never wait on each other in a
    // circle. The account's own count was taken only where the address was
    // not known.
    let take_back = "UPDATE login_throttle SET failures = failures - 1,
             blocked_until = CASE WHEN failures - 1 < $3 THEN 0 ELSE blocked_until END
         WHERE scope = $1 AND subject = $2 AND failures > 0";
    tx.execute(take_back, args![Scope::Address.name(), address, Scope::Address.free_attempts()]).await?;
    tx.execute(
        "DELETE FROM login_throttle WHERE scope = $1 AND subject = $2",
        args![Scope::AccountAddress.name(), pair_subject(account, address)],
    )
    .await?;
    if !known {
        tx.execute(take_back, args![Scope::Account.name(), account_subject(account), Scope::Account.free_attempts()]).await?;
    }
    tx.execute(
        "INSERT INTO login_known_address (account, address, last_success_at) VALUES ($1, $2, $3)
         ON CONFLICT (account, address) DO UPDATE SET last_success_at = excluded.last_success_at",
        args![account_subject(account), address, now_ms],
    )
    .await?;
    Ok(())
}

/// A sign-in that [`admit`] counted gave the right password but has yet to
/// give its second factor: its own count is taken back, and nothing else
/// (no address is remembered, no other count cleared), so asking for the
/// code costs the user nothing and gives a guesser nothing.
pub async fn password_only(tx: &mut dyn Tx, account: &str, address: &str, now: OffsetDateTime) -> Result<(), ApiError> {
    let known = is_known(tx, account, address, unix_ms(now)).await?;
    let take_back = "UPDATE login_throttle SET failures = failures - 1,
             blocked_until = CASE WHEN failures - 1 < $3 THEN 0 ELSE blocked_until END
         WHERE scope = $1 AND subject = $2 AND failures > 0";
    tx.execute(take_back, args![Scope::Address.name(), address, Scope::Address.free_attempts()]).await?;
    tx.execute(take_back, args![Scope::AccountAddress.name(), pair_subject(account, address), Scope::AccountAddress.free_attempts()])
        .await?;
    if !known {
        tx.execute(take_back, args![Scope::Account.name(), account_subject(account), Scope::Account.free_attempts()]).await?;
    }
    Ok(())
}

/// The throttles an administrator sees: every scope with failures counted
/// (the newest first).
pub async fn list(tx: &mut dyn Tx, now: OffsetDateTime) -> Result<Vec<uw_protocol::LoginThrottle>, ApiError> {
    let forget_before = unix_ms(now) - FORGET_AFTER_HOURS * 3_600_000;
    let rows = tx
        .fetch(
            "SELECT scope, subject, failures, blocked_until, updated_at FROM login_throttle
             WHERE failures > 0 AND updated_at >= $1 ORDER BY updated_at DESC, scope, subject LIMIT 1000",
            args![forget_before],
        )
        .await?;
    let mut throttles = Vec::with_capacity(rows.len());
    for row in rows {
        let subject = row.text(1)?;
        let (account, address) = match Scope::from_name(&row.text(0)?) {
            Some(Scope::Account) => (Some(subject), None),
            Some(Scope::Address) => (None, Some(subject)),
            Some(Scope::AccountAddress) => {
                let (account, address) = subject.split_once('\n').unwrap_or((&subject, ""));
                (Some(account.to_owned()), Some(address.to_owned()))
            }
            None => continue,
        };
        let blocked_until = row.int(3)?;
        throttles.push(uw_protocol::LoginThrottle {
            account,
            address,
            failures: u32::try_from(row.int(2)?).unwrap_or(u32::MAX),
            waiting_until: (blocked_until > unix_ms(now)).then(|| crate::keys::rfc3339_ms(blocked_until)).transpose()?,
            last_failure_at: crate::keys::rfc3339_ms(row.int(4)?)?,
        });
    }
    Ok(throttles)
}

/// Clears the throttles of `account` (in every scope that names it) or of
/// `address`, or both; returns how many were cleared.
pub async fn clear(tx: &mut dyn Tx, account: Option<&str>, address: Option<&str>) -> Result<u64, ApiError> {
    let mut cleared = 0;
    if let Some(account) = account {
        let subject = account_subject(account);
        cleared += tx
            .execute(
                "DELETE FROM login_throttle WHERE (scope = 'account' AND subject = $1) OR (scope = 'account_address' AND subject LIKE $2 ESCAPE '\\')",
                args![subject.as_str(), format!("{}\n%", subject.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))],
            )
            .await?;
    }
    if let Some(address) = address {
        cleared += tx
            .execute(
                "DELETE FROM login_throttle WHERE (scope = 'address' AND subject = $1) OR (scope = 'account_address' AND subject LIKE $2 ESCAPE '\\')",
                args![address, format!("%\n{}", address.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))],
            )
            .await?;
    }
    Ok(cleared)
}
