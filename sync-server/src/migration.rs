//! Moving a legacy book onto this server in waves (issue 30,
//! `docs/migration.md`).
//!
//! 1. **Load** ([`load_book`]): every policy of a canonical book is kept in
//!    `legacy_policy` (its rating input sealed like a quote's), routed by the
//!    rules file (`uw_policy::Rules`), with its data-quality results and this
//!    system's rating of it. A policy already migrated whose later dump
//!    differs is recorded as changed in legacy, so nobody loses the change.
//! 2. **Plan** ([`plan_wave`]): a wave takes the policies the rules send to
//!    it, with a premium tolerance and gates, as its journal
//!    (`migration_item`, one pending row per policy).
//! 3. **Dry run** ([`dry_run`]): every policy re-rated with the pack the
//!    server would use, compared with the legacy premium, the gates checked;
//!    nothing but the report is written.
//! 4. **Run** ([`run_wave`]): the gates again (a failing gate stops the wave
//!    before it writes), then batches of policies, each batch one
//!    transaction that writes the policies, their `migrated` transactions,
//!    their audit entries and the journal rows together. A crash loses at
//!    most the batch in flight, which the next run (or the server's start,
//!    [`resume`]) does again from the journal: nothing is made twice.
//! 5. **Rollback** ([`rollback`]): while no policy of the wave has changed,
//!    removes what it created, recording each removal in the audit log.
//! 6. **Tracker** ([`track`]) and **reconciliation** ([`reconcile`]).
//!
//! **Invariant:** a legacy policy becomes at most one policy here:
//! `legacy_policy.policy_number` is unique, and a journal row turns
//! `migrated` in the same transaction as its policy is written.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use uw_policy::{CanonicalPolicy, Destination, Policy, Quality, Rated, Rules, Term};
use uw_protocol::{
    Figures, GateResult, MigrationEvent, RatingDifference, Reconciliation, ReconciliationGroup, TrackedPolicy, WaveGates, WaveReport,
    WaveState, WaveStatus,
};
use uw_rating::RatePack;

use crate::audit::{Actor, Mutation};
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, SqlRow, Tx, TxMode};
use crate::AppState;

/// Policies written per transaction by a running wave.
pub const BATCH: usize = 250;

/// Policies loaded per transaction.
const LOAD_BATCH: usize = 1000;

/// The name of the device that stands for the legacy system in a migrated
/// policy's record: it never had a key and is revoked when made.
pub const LEGACY_DEVICE_NAME: &str = "Legacy system (migration source)";

/// What loading a book did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LoadReport {
    pub book_sha256: String,
    pub rules_sha256: String,
    pub read: u64,
    /// New or re-routed (still in legacy).
    pub loaded: u64,
    /// Later lines with a number an earlier line of the book has.
    pub duplicates_skipped: Vec<String>,
    /// Migrated already, and the dump is the same.
    pub migrated_unchanged: u64,
    /// Migrated already, and the dump differs: changed in legacy after
    /// migration (the coexistence report).
    pub changed_after_migration: Vec<String>,
    /// Where the rules send the book's policies, by destination.
    pub by_destination: BTreeMap<String, u64>,
}

/// The published packs, read once, chosen per policy as the server chooses.
struct Packs(Vec<Arc<RatePack>>);

impl Packs {
    async fn load(state: &AppState, tx: &mut dyn Tx) -> Result<Self, ApiError> {
        let rows = tx.fetch("SELECT digest FROM published_pack", args![]).await?;
        let revoked = crate::pack_keys::revoked_key_ids(tx).await?;
        let mut packs = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(pack) = state.packs.get(tx, &row.text(0)?).await? {
                if !crate::packs::signed_by_any(&pack, &revoked) {
                    packs.push(pack);
                }
            }
        }
        Ok(Self(packs))
    }

    /// The pack the server would rate `p` with: in force on its term's
    /// first day, for new business or renewals as the policy says.
    fn select(&self, p: &CanonicalPolicy) -> Result<&Arc<RatePack>, String> {
        let q = &p.rating;
        match uw_rating::select_pack(self.0.iter().map(|p| &**p), &q.state, q.product, q.effective_date, q.renewal) {
            Ok(chosen) => Ok(self.0.iter().find(|p| p.digest() == chosen.digest()).unwrap_or(&self.0[0])),
            Err(e) => Err(e.to_string()),
        }
    }

    /// This system's rating of `p`.
    fn rate(&self, p: &CanonicalPolicy) -> Rated {
        Rated::with(self.0.iter().map(|p| &**p), p)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn event(
    m: &mut Mutation,
    legacy_number: &str,
    (kind, wave): (&str, Option<&str>),
    detail: &str,
    actor: &str,
    log_index: Option<u64>,
) -> Result<(), ApiError> {
    let index = log_index.map(i64::try_from).transpose().map_err(ApiError::internal)?;
    m.tx.execute(
        "INSERT INTO migration_event (legacy_number, seq, kind, wave_id, detail, actor, at, log_index)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM migration_event WHERE legacy_number = $1), $2, $3, $4, $5, $6, $7)",
        args![legacy_number, kind, wave, detail, actor, unix_ms(m.now), index],
    )
    .await?;
    Ok(())
}

/// Loads `book` (its bytes' SHA-256 `book_sha256`) routed by `rules`
/// (`rules_text` as read), as `actor`.
pub async fn load_book(
    state: &AppState,
    actor: &Actor,
    (book, book_sha256): (&[CanonicalPolicy], &str),
    (rules, rules_text): (&Rules, &str),
    request_id: &str,
) -> Result<LoadReport, ApiError> {
    let rules_sha256 = sha256_hex(rules_text.as_bytes());
    let mut report = LoadReport { book_sha256: book_sha256.to_owned(), rules_sha256: rules_sha256.clone(), ..LoadReport::default() };
    let duplicates = uw_policy::duplicate_numbers(book);
    let today = state.clock.now().date();
    let packs = {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        let packs = Packs::load(state, &mut *tx).await?;
        tx.commit().await?;
        packs
    };
    let mut seen = HashSet::with_capacity(book.len());
    for chunk in book.chunks(LOAD_BATCH) {
        let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
        let now = unix_ms(m.now);
        let mut fresh = Vec::with_capacity(chunk.len());
        for p in chunk {
            report.read += 1;
            if seen.insert(p.policy_number.as_str()) {
                fresh.push(p);
            } else {
                report.duplicates_skipped.push(p.policy_number.clone());
            }
        }
        // What the server holds of these numbers, their events' last
        // numbers and their customers: a few statements a chunk.
        let numbers: Vec<&str> = fresh.iter().map(|p| p.policy_number.as_str()).collect();
        let existing =
            by_numbers(&mut m, "SELECT legacy_number, system, document_sha256 FROM legacy_policy WHERE legacy_number IN NUMBERS", &numbers)
                .await?;
        let mut seqs = last_seqs(&mut m, &numbers).await?;
        // Kept as a quote's input is (`{"quote": …}`), so the vault seals
        // the same fields and a migrated policy's changes rate from it.
        let inputs: Vec<Value> = fresh.iter().map(|p| json!({ "quote": p.rating })).collect();
        let mut identities = Vec::with_capacity(inputs.len());
        for input in &inputs {
            identities.extend(state.vault.identity(&mut *m.tx, input).await?);
        }
        let mut people = crate::personal::People::default();
        state.vault.read_ahead(&mut *m.tx, &mut people, &identities, &[]).await?;
        let (mut rows, mut events) = (Vec::with_capacity(fresh.len()), Vec::with_capacity(fresh.len()));
        let mut event_of = |number: &str, kind: &str, wave: Option<&str>, detail: String| {
            let seq = seqs.entry(number.to_owned()).or_insert(0);
            *seq += 1;
            events.push(args![number, *seq, kind, wave, detail, actor.user_id.as_str(), now, Option::<i64>::None]);
        };
        for (p, input) in fresh.iter().zip(&inputs) {
            let plain = serde_json::to_string(p).map_err(ApiError::internal)?;
            let digest = sha256_hex(plain.as_bytes());
            if let Some(row) = existing.get(&p.policy_number) {
                if row.text(1)? == "server" {
                    if row.text(2)? == digest {
                        report.migrated_unchanged += 1;
                    } else {
                        report.changed_after_migration.push(p.policy_number.clone());
                        let detail = format!("a later legacy dump (book {}) differs from the one migrated", &book_sha256[..12]);
                        event_of(&p.policy_number, "changed_in_legacy", None, detail);
                    }
                    continue;
                }
            }
            let rated = packs.rate(p);
            let rated_premium = match &rated {
                Rated::Rated { total, .. } => Some(total.to_string()),
                Rated::Refused(_) => None,
            };
            let quality = Quality::assess(p, today, Some(rated), duplicates.contains(&p.policy_number));
            let routed = rules.route(p, &quality);
            *report.by_destination.entry(routed.destination.to_string()).or_default() += 1;
            let sealed = state.vault.seal_in(&mut *m.tx, &mut people, input, None, now).await?;
            let mut document = serde_json::to_value(p).map_err(ApiError::internal)?;
            document["rating"] = sealed.document;
            rows.push(args![
                p.policy_number.as_str(),
                p.rating.state.as_str(),
                p.rating.product.name(),
                document.to_string(),
                digest.as_str(),
                book_sha256,
                p.written_premium.map(|w| w.to_string()),
                rated_premium,
                serde_json::to_string(&quality).map_err(ApiError::internal)?,
                routed.destination.to_string(),
                routed.rule.as_deref(),
                routed.because.as_str(),
                rules_sha256.as_str(),
                "legacy",
                now
            ]);
            let detail = match &routed.rule {
                Some(rule) => format!("to {} by rule \"{rule}\": {}", routed.destination, routed.because),
                None => format!("to {}: {}", routed.destination, routed.because),
            };
            event_of(&p.policy_number, "routed", routed.destination.wave(), detail);
            report.loaded += 1;
        }
        people.write(&mut *m.tx).await?;
        many(&mut m, 15, rows, |n| {
            format!(
                "{} ON CONFLICT (legacy_number) DO UPDATE SET state = excluded.state, product = excluded.product, document = excluded.document,
                     document_sha256 = excluded.document_sha256, book_sha256 = excluded.book_sha256, written_premium = excluded.written_premium,
                     rated_premium = excluded.rated_premium, quality = excluded.quality, destination = excluded.destination, rule = excluded.rule,
                     because = excluded.because, rules_sha256 = excluded.rules_sha256, loaded_at = excluded.loaded_at",
                crate::audit::multi_row_insert(
                    "legacy_policy (legacy_number, state, product, document, document_sha256, book_sha256, written_premium, rated_premium,
                         quality, destination, rule, because, rules_sha256, system, loaded_at)",
                    15,
                    n
                )
            )
        })
        .await?;
        many(&mut m, 8, events, |n| {
            crate::audit::multi_row_insert("migration_event (legacy_number, seq, kind, wave_id, detail, actor, at, log_index)", 8, n)
        })
        .await?;
        m.commit().await?;
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let change = serde_json::to_value(&report).map_err(ApiError::internal)?;
    m.audit(actor, "migration.book_loaded", ("migration_book", book_sha256), &change, None).await?;
    m.commit().await?;
    Ok(report)
}

/// The rows `select` gives for `numbers` (its `IN (…)` list written where
/// it says `NUMBERS`), by the first column, a few hundred numbers a
/// statement.
async fn by_numbers(m: &mut Mutation, select: &str, numbers: &[&str]) -> Result<HashMap<String, SqlRow>, ApiError> {
    let mut found = HashMap::with_capacity(numbers.len());
    for chunk in numbers.chunks(900) {
        let list = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let values = chunk.iter().map(|n| crate::storage::SqlValue::from(*n)).collect();
        for row in m.tx.fetch(&select.replace("NUMBERS", &format!("({list})")), values).await? {
            found.insert(row.text(0)?, row);
        }
    }
    Ok(found)
}

/// The number of the last tracker event of each of `numbers` (absent: none).
async fn last_seqs(m: &mut Mutation, numbers: &[&str]) -> Result<HashMap<String, i64>, ApiError> {
    let rows =
        by_numbers(m, "SELECT legacy_number, MAX(seq) FROM migration_event WHERE legacy_number IN NUMBERS GROUP BY legacy_number", numbers)
            .await?;
    rows.into_iter().map(|(n, r)| Ok((n, r.int(1)?))).collect()
}

/// Plans wave `wave`: its policies are those the rules send to it and that
/// the legacy system still holds.
pub async fn plan_wave(
    state: &AppState,
    actor: &Actor,
    wave: &str,
    (owner, tolerance, gates): (&str, Decimal, &WaveGates),
    request_id: &str,
) -> Result<WaveStatus, ApiError> {
    if !uw_policy::valid_name(wave) {
        return Err(ApiError::unprocessable("migration.bad_wave", format!("wave: `{wave}` is not a wave name (letters, digits, - and _)")));
    }
    if tolerance < Decimal::ZERO {
        return Err(ApiError::unprocessable("migration.bad_tolerance", "tolerance: must not be negative"));
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let Some(user) = m.tx.fetch_optional("SELECT user_id, role FROM app_user WHERE username = $1 AND disabled = 0", args![owner]).await?
    else {
        return Err(ApiError::unprocessable("migration.bad_owner", format!("owner: no active user {owner}")));
    };
    if user.text(1)? != "agent" {
        return Err(ApiError::unprocessable(
            "migration.bad_owner",
            format!("owner: {owner} is not an agent; migrated policies belong to an agent"),
        ));
    }
    let owner_id = user.text(0)?;
    if let Some(row) = m.tx.fetch_optional("SELECT status FROM migration_wave WHERE wave_id = $1", args![wave]).await? {
        let status = row.text(0)?;
        if status != WaveState::RolledBack.name() && status != WaveState::Planned.name() {
            return Err(ApiError::conflict(
                "migration.wave_exists",
                format!("wave {wave} is {status}; only a planned or rolled-back wave can be planned again"),
            ));
        }
        m.tx.execute("DELETE FROM migration_item WHERE wave_id = $1", args![wave]).await?;
        m.tx.execute("DELETE FROM migration_wave WHERE wave_id = $1", args![wave]).await?;
    }
    m.tx.execute(
        "INSERT INTO migration_wave (wave_id, status, owner_id, tolerance, gates, planned_by, planned_at) VALUES ($1, 'planned', $2, $3, $4, $5, $6)",
        args![wave, owner_id.as_str(), tolerance.to_string(), serde_json::to_string(gates).map_err(ApiError::internal)?, actor.user_id.as_str(), unix_ms(m.now)],
    )
    .await?;
    let destination = Destination::Wave(wave.to_owned()).to_string();
    m.tx.execute(
        "INSERT INTO migration_item (wave_id, position, legacy_number, status)
         SELECT $1, ROW_NUMBER() OVER (ORDER BY legacy_number), legacy_number, 'pending' FROM legacy_policy
         WHERE destination = $2 AND system = 'legacy'",
        args![wave, destination.as_str()],
    )
    .await?;
    let change = json!({ "wave": wave, "owner": owner, "tolerance": tolerance.to_string(), "gates": gates });
    m.audit(actor, "migration.wave_planned", ("migration_wave", wave), &change, None).await?;
    m.commit().await?;
    status(state, wave).await?.ok_or_else(|| ApiError::internal("the planned wave vanished"))
}

/// A wave as it stands; None if there is none of that name.
pub async fn status(state: &AppState, wave: &str) -> Result<Option<WaveStatus>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let Some(row) = tx
        .fetch_optional(
            "SELECT w.status, u.username, w.tolerance, w.gates, w.report FROM migration_wave w JOIN app_user u ON u.user_id = w.owner_id
             WHERE w.wave_id = $1",
            args![wave],
        )
        .await?
    else {
        return Ok(None);
    };
    let counts = tx.fetch("SELECT status, COUNT(*) FROM migration_item WHERE wave_id = $1 GROUP BY status", args![wave]).await?;
    tx.commit().await?;
    let mut by: HashMap<String, u64> = HashMap::new();
    for c in counts {
        by.insert(c.text(0)?, u64::try_from(c.int(1)?).unwrap_or(0));
    }
    let n = |s: &str| by.get(s).copied().unwrap_or(0);
    Ok(Some(WaveStatus {
        wave: wave.to_owned(),
        state: WaveState::parse(&row.text(0)?).ok_or_else(|| ApiError::internal("unknown wave status"))?,
        owner: row.text(1)?,
        tolerance: row.text(2)?.parse().map_err(ApiError::internal)?,
        gates: serde_json::from_str(&row.text(3)?).map_err(ApiError::internal)?,
        policies: by.values().sum(),
        pending: n("pending"),
        migrated: n("migrated"),
        rejected: n("rejected"),
        rolled_back: n("rolled_back"),
        report: row.opt_text(4)?.map(|r| serde_json::from_str(&r)).transpose().map_err(ApiError::internal)?,
    }))
}

async fn require_wave(state: &AppState, wave: &str) -> Result<WaveStatus, ApiError> {
    status(state, wave).await?.ok_or_else(|| ApiError::not_found("migration.no_wave", format!("no wave {wave} is planned")))
}

/// The customers whose keys open the documents of `rows` (column 2), to
/// read their keys in a few statements rather than one a policy.
fn sealed_persons(rows: &[SqlRow]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| r.text(2).ok())
        .filter_map(|d| serde_json::from_str::<Value>(&d).ok())
        .filter_map(|d| crate::personal::sealed_for(&d["rating"]).map(str::to_owned))
        .collect()
}

/// A legacy policy of a wave, opened.
struct Item {
    legacy_number: String,
    policy: CanonicalPolicy,
    /// The rating input as stored (`{"quote": …}`, sealed), for the
    /// policy's record.
    sealed_input: Value,
    duplicate: bool,
}

async fn open_item(state: &AppState, tx: &mut dyn Tx, people: &mut crate::personal::People, row: &SqlRow) -> Result<Item, ApiError> {
    let mut document: Value = serde_json::from_str(&row.text(2)?).map_err(ApiError::internal)?;
    let sealed_input = document["rating"].take();
    document["rating"] = state.vault.open_in(tx, people, &sealed_input).await?["quote"].take();
    let policy: CanonicalPolicy = serde_json::from_value(document).map_err(ApiError::internal)?;
    let quality: Value = serde_json::from_str(&row.text(3)?).map_err(ApiError::internal)?;
    let duplicate = quality["failed"].as_array().is_some_and(|f| f.iter().any(|c| c == "unique"));
    Ok(Item { legacy_number: row.text(1)?, policy, sealed_input, duplicate })
}

const ITEM_READ: &str = "SELECT i.position, i.legacy_number, l.document, l.quality, l.system, l.policy_number FROM migration_item i
     JOIN legacy_policy l ON l.legacy_number = i.legacy_number WHERE i.wave_id = $1";

/// Re-rates every policy of the wave with the pack the server would use,
/// compares, and checks the gates. Writes nothing.
async fn evaluate(state: &AppState, wave: &WaveStatus, kind: &str) -> Result<WaveReport, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let packs = Packs::load(state, &mut *tx).await?;
    let rows = tx.fetch(&format!("{ITEM_READ} AND i.status = 'pending' ORDER BY i.position"), args![wave.wave.as_str()]).await?;
    let mut people = crate::personal::People::default();
    state.vault.read_ahead(&mut *tx, &mut people, &[], &sealed_persons(&rows)).await?;
    let mut report = WaveReport {
        wave: wave.wave.clone(),
        kind: kind.to_owned(),
        tolerance: wave.tolerance,
        policies: 0,
        legacy: Figures::default(),
        rated: Figures::default(),
        within_tolerance: 0,
        differences: Vec::new(),
        unrated: Vec::new(),
        gates: Vec::new(),
        passed: false,
    };
    let (mut duplicates, mut score_sum) = (0u64, 0u64);
    let mut missing_packs = std::collections::BTreeSet::new();
    let today = state.clock.now().date();
    for row in &rows {
        let item = open_item(state, &mut *tx, &mut people, row).await?;
        let p = &item.policy;
        report.policies += 1;
        duplicates += u64::from(item.duplicate);
        if packs.select(p).is_err() {
            missing_packs.insert(format!("{} {}", p.rating.state, p.rating.product.name()));
        }
        let rated = packs.rate(p);
        let quality = Quality::assess(p, today, Some(rated.clone()), item.duplicate);
        score_sum += u64::from(quality.score());
        if let Some(w) = p.written_premium {
            report.legacy.add(w);
        }
        match rated {
            Rated::Rated { total, .. } => {
                report.rated.add(total);
                if let (Some(w), Some(d)) = (p.written_premium, quality.difference_percent) {
                    if d <= wave.tolerance {
                        report.within_tolerance += 1;
                    } else {
                        report.differences.push(RatingDifference {
                            legacy_number: item.legacy_number.clone(),
                            legacy_premium: w,
                            rated_premium: total,
                            difference_percent: d,
                        });
                    }
                }
            }
            Rated::Refused(why) => {
                if report.unrated.len() < 100 {
                    report.unrated.push((item.legacy_number.clone(), why));
                }
            }
        }
    }
    tx.commit().await?;
    report.differences.sort_by(|a, b| b.difference_percent.cmp(&a.difference_percent).then_with(|| a.legacy_number.cmp(&b.legacy_number)));
    report.differences.truncate(100);
    let n = Decimal::from(report.policies.max(1));
    let percent = |k: u64| (Decimal::from(k) * Decimal::ONE_HUNDRED / n).round_dp(2);
    let complete = percent(report.legacy.count);
    let mean = (Decimal::from(score_sum) / n).round_dp(2);
    let agreement = percent(report.within_tolerance);
    let g = &wave.gates;
    let gate = |name: &str, threshold: String, measured: String, passed: bool, sentence: String| GateResult {
        gate: name.to_owned(),
        threshold,
        measured,
        passed,
        sentence,
    };
    report.gates = vec![
        gate(
            "completeness",
            format!(">= {}%", g.min_complete_percent),
            format!("{complete}%"),
            complete >= g.min_complete_percent,
            format!("{complete}% of the wave's policies have a legacy premium (at least {}% needed)", g.min_complete_percent),
        ),
        gate(
            "quality",
            format!(">= {}", g.min_mean_score),
            mean.to_string(),
            mean >= g.min_mean_score,
            format!("the mean data-quality score is {mean} (at least {} needed)", g.min_mean_score),
        ),
        gate(
            "agreement",
            format!(">= {}%", g.min_agreement_percent),
            format!("{agreement}%"),
            agreement >= g.min_agreement_percent,
            format!(
                "{agreement}% of the policies rate within {}% of their legacy premium (at least {}% needed)",
                wave.tolerance, g.min_agreement_percent
            ),
        ),
        gate(
            "duplicates",
            format!("<= {}", g.max_duplicates),
            duplicates.to_string(),
            duplicates <= g.max_duplicates,
            format!(
                "{duplicates} policies insure the same applicant at the same address as another policy of the book (at most {} allowed)",
                g.max_duplicates
            ),
        ),
        gate(
            "packs",
            "every state and product".into(),
            if missing_packs.is_empty() { "all found".into() } else { missing_packs.iter().cloned().collect::<Vec<_>>().join(", ") },
            missing_packs.is_empty(),
            if missing_packs.is_empty() {
                "a pack is in force for every policy's state, product and term".into()
            } else {
                format!(
                    "no pack in force for {}; publish one before the wave runs",
                    missing_packs.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            },
        ),
    ];
    report.passed = report.gates.iter().all(|g| g.passed);
    Ok(report)
}

async fn store_report(state: &AppState, actor: &Actor, report: &WaveReport, action: &str, request_id: &str) -> Result<(), ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let text = serde_json::to_string(report).map_err(ApiError::internal)?;
    m.tx.execute("UPDATE migration_wave SET report = $2 WHERE wave_id = $1", args![report.wave.as_str(), text.as_str()]).await?;
    let change = json!({ "wave": report.wave, "passed": report.passed, "policies": report.policies, "gates": report.gates });
    m.audit(actor, action, ("migration_wave", &report.wave), &change, None).await?;
    m.commit().await?;
    Ok(())
}

/// The dry run: the report, with nothing but itself written.
pub async fn dry_run(state: &AppState, actor: &Actor, wave: &str, request_id: &str) -> Result<WaveReport, ApiError> {
    let status = require_wave(state, wave).await?;
    if status.state != WaveState::Planned {
        return Err(ApiError::conflict(
            "migration.not_planned",
            format!("wave {wave} is {}; a dry run is for a planned wave", status.state.name()),
        ));
    }
    let report = evaluate(state, &status, "dry_run").await?;
    store_report(state, actor, &report, "migration.dry_run", request_id).await?;
    Ok(report)
}

/// How a run ended.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RunOutcome {
    /// A gate failed; nothing was written.
    Stopped {
        report: WaveReport,
    },
    Completed {
        status: WaveStatus,
    },
}

/// Starts (or resumes) wave `wave`: checks the gates of a planned wave,
/// then marks it running. The caller then drives [`drive`].
pub async fn start(state: &AppState, actor: &Actor, wave: &str, request_id: &str) -> Result<Option<WaveReport>, ApiError> {
    let status = require_wave(state, wave).await?;
    match status.state {
        WaveState::Running => return Ok(None),
        WaveState::Planned => {}
        other => return Err(ApiError::conflict("migration.not_planned", format!("wave {wave} is {}; it cannot run", other.name()))),
    }
    let report = evaluate(state, &status, "gates").await?;
    if !report.passed {
        store_report(state, actor, &report, "migration.wave_stopped", request_id).await?;
        return Ok(Some(report));
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let text = serde_json::to_string(&report).map_err(ApiError::internal)?;
    let started =
        m.tx.execute(
            "UPDATE migration_wave SET status = 'running', report = $2, started_at = $3 WHERE wave_id = $1 AND status = 'planned'",
            args![wave, text.as_str(), unix_ms(m.now)],
        )
        .await?;
    if started == 1 {
        let change = json!({ "wave": wave, "policies": report.policies, "gates": report.gates });
        m.audit(actor, "migration.wave_started", ("migration_wave", wave), &change, None).await?;
    }
    m.commit().await?;
    Ok(None)
}

/// Runs wave `wave` to its end: gates, then every pending policy.
pub async fn run_wave(state: &AppState, actor: &Actor, wave: &str, request_id: &str) -> Result<RunOutcome, ApiError> {
    if let Some(report) = start(state, actor, wave, request_id).await? {
        return Ok(RunOutcome::Stopped { report });
    }
    drive(state, actor, wave).await?;
    Ok(RunOutcome::Completed { status: require_wave(state, wave).await? })
}

/// The device that stands for the legacy system in `owner_id`'s migrated
/// policies' records, made (revoked, with no key anyone holds) if missing.
async fn legacy_device(m: &mut Mutation, actor: &Actor, owner_id: &str) -> Result<String, ApiError> {
    let digest = Sha256::digest(format!("uw-legacy-migration-device\n{owner_id}").as_bytes());
    let device_id: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    if m.tx.fetch_optional("SELECT 1 FROM device WHERE device_id = $1", args![device_id.as_str()]).await?.is_some() {
        return Ok(device_id);
    }
    let number = crate::identity::next_device_number(&mut *m.tx).await?;
    m.tx.execute(
        "INSERT INTO device (device_id, user_id, name, public_key, enrolled_at, revoked_at, device_number) VALUES ($1, $2, $3, $4, $5, $5, $6)",
        args![device_id.as_str(), owner_id, LEGACY_DEVICE_NAME, digest.to_vec(), unix_ms(m.now), number],
    )
    .await?;
    let change = json!({ "device_id": device_id, "name": LEGACY_DEVICE_NAME, "owner": owner_id, "device_number": number });
    m.audit(actor, "device.legacy_source", ("device", &device_id), &change, None).await?;
    Ok(device_id)
}

/// What an audit entry of a migrated policy records (its digest is logged;
/// reconciliation rebuilds it from the journal to check the log).
pub fn migrated_change(legacy_number: &str, wave: &str, premium: Decimal, rated: Option<Decimal>) -> Value {
    json!({ "legacy_number": legacy_number, "wave": wave, "premium": premium.to_string(), "rated": rated.map(|r| r.to_string()) })
}

fn change_digest(change: &Value) -> [u8; 32] {
    Sha256::digest(change.to_string().as_bytes()).into()
}

/// Migrates the wave's pending policies, a batch a transaction, until none
/// is left; then marks it completed. Safe to call again after a crash, and
/// from two processes at once: each batch is chosen inside its transaction.
pub async fn drive(state: &AppState, actor: &Actor, wave: &str) -> Result<(), ApiError> {
    let request_id = format!("migration:{wave}");
    let owner_id = {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        let row = tx.fetch_one("SELECT owner_id FROM migration_wave WHERE wave_id = $1", args![wave]).await?;
        tx.commit().await?;
        row.text(0)?
    };
    let packs = {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        let packs = Packs::load(state, &mut *tx).await?;
        tx.commit().await?;
        packs
    };
    let mut device = None;
    let stopping = state.watch_stopping();
    loop {
        // A server shutting down leaves the rest for its next start.
        if *stopping.borrow() {
            return Ok(());
        }
        let mut m = Mutation::begin_at(state.storage.as_ref(), &request_id, state.clock.now()).await?;
        let status = m.tx.fetch_one("SELECT status FROM migration_wave WHERE wave_id = $1", args![wave]).await?.text(0)?;
        if status != WaveState::Running.name() {
            m.commit().await?;
            return Ok(());
        }
        let rows = m.tx.fetch(&format!("{ITEM_READ} AND i.status = 'pending' ORDER BY i.position LIMIT {BATCH}"), args![wave]).await?;
        if rows.is_empty() {
            let counts = m.tx.fetch("SELECT status, COUNT(*) FROM migration_item WHERE wave_id = $1 GROUP BY status", args![wave]).await?;
            let mut by = serde_json::Map::new();
            for c in counts {
                by.insert(c.text(0)?, json!(c.int(1)?));
            }
            m.tx.execute(
                "UPDATE migration_wave SET status = 'completed', finished_at = $2 WHERE wave_id = $1",
                args![wave, unix_ms(m.now)],
            )
            .await?;
            m.audit(actor, "migration.wave_completed", ("migration_wave", wave), &json!({ "wave": wave, "items": by }), None).await?;
            m.commit().await?;
            return Ok(());
        }
        let device_id = match &device {
            Some(d) => Clone::clone(d),
            None => {
                let d = legacy_device(&mut m, actor, &owner_id).await?;
                device = Some(d.clone());
                d
            }
        };
        let mut people = crate::personal::People::default();
        state.vault.read_ahead(&mut *m.tx, &mut people, &[], &sealed_persons(&rows)).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            items.push((open_item(state, &mut *m.tx, &mut people, row).await?, row.opt_text(5)?));
        }
        migrate_batch(&mut m, actor, (wave, &owner_id, &device_id), &packs, &items).await?;
        m.commit().await?;
    }
}

/// What became of one policy of a batch.
enum Outcome {
    Rejected(String),
    Migrated {
        number: String,
        applied: Box<uw_policy::Applied>,
        pack: Arc<RatePack>,
        rating: Box<uw_rating::Rating>,
        premium: Decimal,
        index: u64,
    },
}

/// Decides one policy: why it cannot move, or its rating, term and pack.
fn decide(packs: &Packs, item: &Item, held: Option<&str>) -> Result<(Arc<RatePack>, uw_rating::Rating, Term, Decimal), String> {
    let p = &item.policy;
    if let Some(number) = held {
        return Err(format!("already migrated as {number}"));
    }
    let Some(premium) = p.written_premium else {
        return Err("the legacy record has no premium; correct it in legacy and load the book again".to_owned());
    };
    let pack = packs.select(p).map_err(|e| format!("no pack to take its changes: {e}"))?.clone();
    let rating = p
        .valid_rating()
        .map_err(|e| e.to_string())
        .and_then(|q| uw_rating::rate(&pack, &q).map_err(|e| e.to_string()))
        .map_err(|e| format!("this system's pack does not rate it: {e}"))?;
    let term = Term::new(p.term_start, p.term_end).map_err(|e| format!("its term cannot be kept: {e}"))?;
    Ok((pack, rating, term, premium))
}

/// Rows per multi-row statement: `columns` parameters a row, under
/// SQLite's oldest limit of 999 parameters a statement.
fn rows_per_statement(columns: usize) -> usize {
    (999 / columns).max(1)
}

/// Runs `sql_of(rows)` over `rows` (each `columns` values), in chunks.
async fn many(
    m: &mut Mutation,
    columns: usize,
    rows: Vec<Vec<crate::storage::SqlValue>>,
    sql_of: impl Fn(usize) -> String,
) -> Result<(), ApiError> {
    for chunk in rows.chunks(rows_per_statement(columns)) {
        let values: Vec<crate::storage::SqlValue> = chunk.iter().flat_map(|r| r.iter().cloned()).collect();
        m.tx.execute(&sql_of(chunk.len()), values).await?;
    }
    Ok(())
}

/// `(VALUES ($1, $2), ($3, $4)) AS v` for `rows` rows of `columns`.
fn values_table(columns: usize, rows: usize) -> String {
    let insert = crate::audit::multi_row_insert("x", columns, rows);
    format!("({}) AS v", insert.trim_start_matches("INSERT INTO x "))
}

/// Makes the batch's legacy policies policies of this server, or rejects
/// each with why, in a few statements a batch: the server's authority is
/// the same as one policy at a time, the round trips are not.
async fn migrate_batch(
    m: &mut Mutation,
    actor: &Actor,
    (wave, owner_id, device_id): (&str, &str, &str),
    packs: &Packs,
    items: &[(Item, Option<String>)],
) -> Result<(), ApiError> {
    use crate::storage::SqlValue;
    let text = |s: &str| SqlValue::from(s);
    let mut decided = Vec::with_capacity(items.len());
    // Policy numbers: one reservation per state and year.
    let mut wanted: BTreeMap<(String, i32), i64> = BTreeMap::new();
    for (item, held) in items {
        let d = decide(packs, item, held.as_deref());
        if d.is_ok() {
            *wanted.entry((item.policy.rating.state.clone(), item.policy.term_start.year())).or_default() += 1;
        }
        decided.push(d);
    }
    let mut next: HashMap<(String, i32), i64> = HashMap::new();
    for ((st, year), k) in &wanted {
        let row =
            m.tx.fetch_one(
                "INSERT INTO policy_number_next (state, year, next)
                     VALUES ($1, $2, 1 + $3 + (SELECT COALESCE(SUM(old_size - restored_size), 0) FROM log_restore))
                 ON CONFLICT (state, year) DO UPDATE SET next = policy_number_next.next + $3 RETURNING next - $3",
                args![st.as_str(), *year, *k],
            )
            .await?;
        next.insert((st.clone(), *year), row.int(0)?);
    }
    let mut outcomes = Vec::with_capacity(items.len());
    for ((item, _), d) in items.iter().zip(decided) {
        let outcome = match d {
            Err(reason) => Outcome::Rejected(reason),
            Ok((pack, rating, term, premium)) => {
                let q = &item.policy.rating;
                let key = (q.state.clone(), item.policy.term_start.year());
                let serial = next.get_mut(&key).ok_or_else(|| ApiError::internal("no number reserved"))?;
                let number = format!("POL-{}-{}-{:06}", q.state, key.1, serial);
                *serial += 1;
                match Policy::migrate(
                    &number,
                    (&item.legacy_number, premium),
                    (&q.state, q.product.name()),
                    term,
                    Some(rating.total),
                    pack.refunds(),
                ) {
                    Err(e) => Outcome::Rejected(format!("its terms cannot be kept: {e}")),
                    Ok(applied) => {
                        let change = migrated_change(&item.legacy_number, wave, applied.policy.term_premium, Some(rating.total));
                        let index = m.audit(actor, "policy.migrated", ("policy", &number), &change, None).await?;
                        Outcome::Migrated { number, applied: Box::new(applied), pack, rating: Box::new(rating), premium, index }
                    }
                }
            }
        };
        outcomes.push(outcome);
    }
    let now = unix_ms(m.now);
    let (mut quotes, mut policies, mut timeline, mut held, mut journal, mut events) = (vec![], vec![], vec![], vec![], vec![], vec![]);
    let seqs = last_seqs(m, &items.iter().map(|(i, _)| i.legacy_number.as_str()).collect::<Vec<_>>()).await?;
    for ((item, _), outcome) in items.iter().zip(&outcomes) {
        let seq = seqs.get(&item.legacy_number).copied().unwrap_or(0) + 1;
        match outcome {
            Outcome::Rejected(reason) => {
                journal.push(vec![
                    text(&item.legacy_number),
                    text(wave),
                    text("rejected"),
                    SqlValue::Text(None),
                    SqlValue::Text(None),
                    text(reason),
                    SqlValue::Text(None),
                ]);
                events.push(args![
                    item.legacy_number.as_str(),
                    seq,
                    "rejected",
                    wave,
                    reason.as_str(),
                    actor.user_id.as_str(),
                    now,
                    Option::<i64>::None
                ]);
            }
            Outcome::Migrated { number, applied, pack, rating, premium, index } => {
                let q = &item.policy.rating;
                let digest = pack.digest().to_hex();
                let index = i64::try_from(*index).map_err(ApiError::internal)?;
                let input = item.sealed_input.to_string();
                let reasons = serde_json::to_string(&rating.decision.reasons.iter().map(|r| &*r.code).collect::<Vec<_>>())
                    .map_err(ApiError::internal)?;
                quotes.push(args![
                    format!("LEGACY-{}", item.legacy_number),
                    device_id,
                    owner_id,
                    1i64,
                    q.state.as_str(),
                    q.product.name(),
                    item.policy.term_start.to_string(),
                    input.as_str(),
                    pack.id(),
                    digest.as_str(),
                    rating.total.to_string(),
                    uw_policy::decision_name(rating.decision.action),
                    reasons,
                    "bound",
                    now,
                    now,
                    crate::personal::sealed_for(&item.sealed_input)
                ]);
                // The legacy system charged its fees; this system's fees are
                // kept only so a later change prices its premium as a bound
                // policy's does.
                policies.push(args![
                    number.as_str(),
                    format!("LEGACY-{}", item.legacy_number),
                    1i64,
                    q.state.as_str(),
                    q.product.name(),
                    applied.policy.term_premium.to_string(),
                    item.policy.term_start.to_string(),
                    owner_id,
                    now,
                    serde_json::to_string(&applied.policy).map_err(ApiError::internal)?,
                    input.as_str(),
                    digest.as_str(),
                    rating.fee_total().to_string()
                ]);
                timeline.push((number.clone(), applied.worksheet.clone(), index));
                held.push(vec![text(&item.legacy_number), text(wave), text(number)]);
                journal.push(vec![
                    text(&item.legacy_number),
                    text(wave),
                    text("migrated"),
                    text(number),
                    SqlValue::from(rating.total.to_string()),
                    SqlValue::Text(None),
                    SqlValue::from(index.to_string()),
                ]);
                let detail = format!("became {number}; legacy premium {premium}, this system rates it {}", rating.total);
                events.push(args![item.legacy_number.as_str(), seq, "migrated", wave, detail, actor.user_id.as_str(), now, Some(index)]);
            }
        }
    }
    many(m, 17, quotes, |n| crate::audit::multi_row_insert(crate::sync::records::QUOTE_COLUMNS, 17, n)).await?;
    many(m, 13, policies, |n| {
        crate::audit::multi_row_insert(
            "policy (policy_number, quote_number, version, state, product, premium, effective_date, user_id, issued_at, lifecycle, input, pack_digest, fees)",
            13,
            n,
        )
    })
    .await?;
    crate::policies::insert_events(m, &timeline, owner_id).await?;
    many(m, 3, held, |n| {
        format!(
            "UPDATE legacy_policy SET system = 'server', wave_id = v.column2, policy_number = v.column3 FROM {}
             WHERE legacy_policy.legacy_number = v.column1",
            values_table(3, n)
        )
    })
    .await?;
    many(m, 7, journal, |n| {
        format!(
            "UPDATE migration_item SET status = v.column3, policy_number = v.column4, rated_premium = v.column5, reason = v.column6,
                 log_index = CAST(v.column7 AS BIGINT), done_at = {now}
             FROM {} WHERE migration_item.wave_id = v.column2 AND migration_item.legacy_number = v.column1",
            values_table(7, n)
        )
    })
    .await?;
    many(m, 8, events, |n| {
        crate::audit::multi_row_insert("migration_event (legacy_number, seq, kind, wave_id, detail, actor, at, log_index)", 8, n)
    })
    .await?;
    Ok(())
}

/// A policy that keeps a wave from rolling back.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Blocked {
    pub legacy_number: String,
    pub policy_number: String,
    pub why: String,
}

/// Rolls wave `wave` back; refused, with the policies that block it, when
/// any of them changed after it was migrated.
pub async fn rollback(state: &AppState, actor: &Actor, wave: &str, request_id: &str) -> Result<Result<WaveStatus, Vec<Blocked>>, ApiError> {
    let status = require_wave(state, wave).await?;
    if status.state != WaveState::Completed {
        return Err(ApiError::conflict(
            "migration.not_completed",
            format!("wave {wave} is {}; only a completed wave rolls back", status.state.name()),
        ));
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let rows =
        m.tx.fetch(
            "SELECT i.legacy_number, p.policy_number, p.policy_version,
                 (SELECT COUNT(*) FROM policy_renewal_offer o WHERE o.policy_number = p.policy_number),
                 (SELECT COUNT(*) FROM policy_referral r WHERE r.policy_number = p.policy_number)
             FROM migration_item i JOIN policy p ON p.policy_number = i.policy_number
             WHERE i.wave_id = $1 AND i.status = 'migrated' ORDER BY i.position",
            args![wave],
        )
        .await?;
    let mut blocked = Vec::new();
    let mut numbers = Vec::with_capacity(rows.len());
    for r in &rows {
        let (legacy_number, policy_number, version) = (r.text(0)?, r.text(1)?, r.int(2)?);
        if version > 1 || r.int(3)? > 0 || r.int(4)? > 0 {
            let why = if version > 1 {
                format!("it has {} transactions after its migration", version - 1)
            } else {
                "a renewal offer or a referral is open on it".to_owned()
            };
            blocked.push(Blocked { legacy_number, policy_number, why });
        } else {
            numbers.push((legacy_number, policy_number));
        }
    }
    if !blocked.is_empty() {
        return Ok(Err(blocked));
    }
    for (legacy_number, number) in &numbers {
        m.tx.execute(
            "UPDATE legacy_policy SET system = 'legacy', wave_id = NULL, policy_number = NULL WHERE legacy_number = $1",
            args![legacy_number.as_str()],
        )
        .await?;
        m.tx.execute("DELETE FROM policy_transaction WHERE policy_number = $1", args![number.as_str()]).await?;
        m.tx.execute("DELETE FROM policy WHERE policy_number = $1", args![number.as_str()]).await?;
        m.tx.execute("DELETE FROM quote_record WHERE quote_number = $1", args![format!("LEGACY-{legacy_number}")]).await?;
        let change = json!({ "legacy_number": legacy_number, "wave": wave });
        let index = m.audit(actor, "policy.migration_rolled_back", ("policy", number), &change, None).await?;
        m.tx.execute(
            "UPDATE migration_item SET status = 'rolled_back', done_at = $3 WHERE wave_id = $1 AND legacy_number = $2",
            args![wave, legacy_number.as_str(), unix_ms(m.now)],
        )
        .await?;
        event(
            &mut m,
            legacy_number,
            ("rolled_back", Some(wave)),
            &format!("{number} removed by the wave's rollback"),
            &actor.user_id,
            Some(index),
        )
        .await?;
    }
    m.tx.execute("UPDATE migration_wave SET status = 'rolled_back', finished_at = $2 WHERE wave_id = $1", args![wave, unix_ms(m.now)])
        .await?;
    m.audit(actor, "migration.wave_rolled_back", ("migration_wave", wave), &json!({ "wave": wave, "removed": numbers.len() }), None)
        .await?;
    m.commit().await?;
    Ok(Ok(require_wave(state, wave).await?))
}

/// Resumes the waves a crash left running, one after another; called at
/// the server's start.
pub async fn resume(state: AppState) {
    let waves = async {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        let rows = tx.fetch("SELECT wave_id FROM migration_wave WHERE status = 'running' ORDER BY started_at", args![]).await?;
        tx.commit().await?;
        rows.iter().map(|r| r.text(0)).collect::<Result<Vec<_>, _>>().map_err(ApiError::from)
    }
    .await;
    match waves {
        Ok(waves) => {
            for wave in waves {
                tracing::info!(wave, "resuming a migration wave");
                if let Err(e) = drive(&state, &Actor::system("migration"), &wave).await {
                    tracing::error!(wave, error = ?e, "a migration wave stopped");
                }
            }
        }
        Err(e) => tracing::error!(error = ?e, "the migration waves could not be read"),
    }
}

/// "Where is policy N?": by legacy number or by this server's number.
pub async fn track(state: &AppState, number: &str) -> Result<Option<TrackedPolicy>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let Some(row) = tx
        .fetch_optional(
            "SELECT l.legacy_number, l.policy_number, l.system, l.destination, l.rule, l.because, l.wave_id, l.state, l.product, p.status
             FROM legacy_policy l LEFT JOIN policy p ON p.policy_number = l.policy_number
             WHERE l.legacy_number = $1 OR l.policy_number = $1",
            args![number],
        )
        .await?
    else {
        tx.commit().await?;
        return Ok(None);
    };
    let legacy_number = row.text(0)?;
    let events = tx
        .fetch(
            "SELECT at, kind, wave_id, detail, actor, log_index FROM migration_event WHERE legacy_number = $1 ORDER BY seq",
            args![legacy_number.as_str()],
        )
        .await?;
    let item = tx
        .fetch_optional(
            "SELECT i.status, i.rated_premium, l.written_premium, w.tolerance FROM migration_item i JOIN legacy_policy l ON l.legacy_number = i.legacy_number
             JOIN migration_wave w ON w.wave_id = i.wave_id WHERE i.legacy_number = $1 ORDER BY w.planned_at DESC LIMIT 1",
            args![legacy_number.as_str()],
        )
        .await?;
    tx.commit().await?;
    let events = events
        .iter()
        .map(|e| {
            Ok(MigrationEvent {
                at: crate::keys::rfc3339_ms(e.int(0)?)?,
                kind: e.text(1)?,
                wave: e.opt_text(2)?,
                detail: e.text(3)?,
                actor: e.text(4)?,
                log_index: e.opt_int(5)?.and_then(|i| u64::try_from(i).ok()),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let changed = events.iter().any(|e| e.kind == "changed_in_legacy");
    let reconciliation = match item {
        _ if changed && row.text(2)? == "server" => "changed in legacy after migration".to_owned(),
        None => "not migrated".to_owned(),
        Some(i) => match i.text(0)?.as_str() {
            "migrated" => {
                let difference = match (i.opt_text(1)?, i.opt_text(2)?) {
                    (Some(r), Some(w)) => {
                        let (r, w): (Decimal, Decimal) = (r.parse().map_err(ApiError::internal)?, w.parse().map_err(ApiError::internal)?);
                        let tolerance: Decimal = i.text(3)?.parse().map_err(ApiError::internal)?;
                        !w.is_zero() && (r - w).abs() * Decimal::ONE_HUNDRED / w > tolerance
                    }
                    _ => false,
                };
                if difference {
                    "rating difference".to_owned()
                } else {
                    "matches".to_owned()
                }
            }
            "rejected" => "rejected".to_owned(),
            "rolled_back" => "rolled back".to_owned(),
            _ => "not migrated".to_owned(),
        },
    };
    Ok(Some(TrackedPolicy {
        legacy_number,
        policy_number: row.opt_text(1)?,
        system: row.text(2)?,
        destination: row.text(3)?,
        rule: row.opt_text(4)?,
        because: row.text(5)?,
        wave: row.opt_text(6)?,
        state: row.text(7)?,
        product: row.text(8)?,
        status: row.opt_text(9)?,
        reconciliation,
        events,
    }))
}

/// Wave `wave`'s reconciliation.
pub async fn reconcile(state: &AppState, wave: &str) -> Result<Reconciliation, ApiError> {
    require_wave(state, wave).await?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let items = tx
        .fetch(
            "SELECT l.state, l.product, l.written_premium, i.status, i.policy_number, i.rated_premium, i.log_index, i.legacy_number,
                 (SELECT t.amount FROM policy_transaction t WHERE t.policy_number = i.policy_number AND t.version = 1 AND t.kind = 'migrated'),
                 (SELECT e.log_index FROM migration_event e WHERE e.legacy_number = i.legacy_number AND e.kind = 'rolled_back' AND e.wave_id = i.wave_id
                  ORDER BY e.seq DESC LIMIT 1)
             FROM migration_item i JOIN legacy_policy l ON l.legacy_number = i.legacy_number WHERE i.wave_id = $1 ORDER BY i.position",
            args![wave],
        )
        .await?;
    let elsewhere = tx
        .fetch(
            "SELECT destination, written_premium FROM legacy_policy WHERE destination <> $1",
            args![Destination::Wave(wave.to_owned()).to_string()],
        )
        .await?;
    let mut groups: BTreeMap<(String, String), ReconciliationGroup> = BTreeMap::new();
    let mut explanations = Vec::new();
    let request_id = format!("migration:{wave}");
    for r in &items {
        let (st, product) = (r.text(0)?, r.text(1)?);
        let g = groups.entry((st.clone(), product.clone())).or_insert_with(|| ReconciliationGroup {
            state: st,
            product,
            legacy: Figures::default(),
            migrated: Figures::default(),
            rejected: Figures::default(),
            rolled_back: Figures::default(),
            pending: Figures::default(),
            server: Figures::default(),
            audit: Figures::default(),
            rating_difference: Decimal::ZERO,
        });
        let written: Decimal =
            r.opt_text(2)?.map(|w| w.parse()).transpose().map_err(ApiError::internal)?.map_or(Decimal::ZERO, uw_policy::round_money);
        g.legacy.add(written);
        let legacy_number = r.text(7)?;
        match r.text(3)?.as_str() {
            "migrated" => {
                g.migrated.add(written);
                let rated: Option<Decimal> = r.opt_text(5)?.map(|v| v.parse()).transpose().map_err(ApiError::internal)?;
                g.rating_difference += rated.unwrap_or(written) - written;
                if let Some(amount) = r.opt_text(8)? {
                    g.server.add(amount.parse().map_err(ApiError::internal)?);
                }
                // The audit log's own record: the entry the journal names,
                // for this policy, whose change digest is what the journal holds.
                if let (Some(index), Some(number)) = (r.opt_int(6)?, r.opt_text(4)?) {
                    let index = u64::try_from(index).map_err(ApiError::internal)?;
                    let bytes = crate::audit::entries(&mut *tx, index, index + 1).await?;
                    let entry = bytes.first().map(|b| uw_ledger::AuditEntry::decode(b)).transpose().map_err(ApiError::internal)?;
                    let expected = change_digest(&migrated_change(&legacy_number, wave, written, rated));
                    match entry {
                        Some(e)
                            if e.action == "policy.migrated"
                                && e.resource_id == number
                                && e.request_id == request_id
                                && e.change_sha256 == expected =>
                        {
                            g.audit.add(written);
                        }
                        _ => {
                            explanations.push(format!("{legacy_number} ({number}): the audit entry {index} does not record this migration"))
                        }
                    }
                }
            }
            "rejected" => g.rejected.add(written),
            "rolled_back" => {
                g.rolled_back.add(written);
                if r.opt_int(9)?.is_none() {
                    explanations.push(format!("{legacy_number}: rolled back without an audit entry"));
                }
            }
            _ => g.pending.add(written),
        }
    }
    tx.commit().await?;
    let mut routed: BTreeMap<String, Figures> = BTreeMap::new();
    for r in &elsewhere {
        let w: Decimal = r.opt_text(1)?.map(|w| w.parse()).transpose().map_err(ApiError::internal)?.unwrap_or(Decimal::ZERO);
        routed.entry(r.text(0)?).or_default().add(w);
    }
    let mut balanced = explanations.is_empty();
    for g in groups.values() {
        let sum = |fs: [&Figures; 4]| {
            fs.iter().fold(Figures::default(), |a, f| Figures { count: a.count + f.count, premium: a.premium + f.premium })
        };
        let parts = sum([&g.migrated, &g.rejected, &g.rolled_back, &g.pending]);
        let key = format!("{} {}", g.state, g.product);
        if parts != g.legacy {
            balanced = false;
            explanations.push(format!("{key}: the legacy book has {} policies, the journal accounts for {}", g.legacy.count, parts.count));
        }
        if g.server != g.migrated {
            balanced = false;
            explanations.push(format!("{key}: {} migrated, {} on the server", g.migrated.count, g.server.count));
        }
        if g.audit != g.migrated {
            balanced = false;
            explanations.push(format!("{key}: {} migrated, {} in the audit log", g.migrated.count, g.audit.count));
        }
        if g.rejected.count > 0 {
            explanations
                .push(format!("{key}: {} rejected ({}), each with its reason in the tracker", g.rejected.count, g.rejected.premium));
        }
        if g.rolled_back.count > 0 {
            explanations.push(format!("{key}: {} rolled back ({})", g.rolled_back.count, g.rolled_back.premium));
        }
        if !g.rating_difference.is_zero() {
            explanations.push(format!(
                "{key}: this system rates the migrated policies {} {} than the legacy premium; recorded, not charged",
                g.rating_difference.abs(),
                if g.rating_difference > Decimal::ZERO { "more" } else { "less" }
            ));
        }
    }
    for (destination, f) in &routed {
        explanations.push(format!("{} policies ({}) of the book are routed to {destination}", f.count, f.premium));
    }
    Ok(Reconciliation {
        wave: wave.to_owned(),
        groups: groups.into_values().collect(),
        balanced,
        explanations,
        routed_elsewhere: routed.into_iter().collect(),
    })
}
