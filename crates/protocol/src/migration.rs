//! Moving a legacy book onto the server in waves (`docs/migration.md`): a
//! wave's state and reports, reconciliation, and the policy tracker's answer
//! to "where is policy 12345?".

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A wave's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaveState {
    /// Planned: nothing written yet (a gate may have stopped it).
    Planned,
    /// Writing policies (it resumes after a restart).
    Running,
    Completed,
    /// Compensated: what it created is removed, and recorded as removed.
    RolledBack,
}

impl WaveState {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::RolledBack => "rolled_back",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Planned, Self::Running, Self::Completed, Self::RolledBack].into_iter().find(|w| w.name() == s)
    }
}

/// The thresholds that stop a wave before it writes anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaveGates {
    /// The least share of the wave's policies, in percent, with a legacy
    /// premium (a policy without one cannot move).
    #[schemars(schema_with = "crate::wire::decimal")]
    pub min_complete_percent: Decimal,
    /// The least mean data-quality score (0 to 100).
    #[schemars(schema_with = "crate::wire::decimal")]
    pub min_mean_score: Decimal,
    /// The least share, in percent, whose premium here lies within the
    /// wave's tolerance of the legacy premium.
    #[schemars(schema_with = "crate::wire::decimal")]
    pub min_agreement_percent: Decimal,
    /// The most policies whose number appears twice in the book.
    pub max_duplicates: u64,
}

impl Default for WaveGates {
    fn default() -> Self {
        Self {
            min_complete_percent: Decimal::new(99, 0),
            min_mean_score: Decimal::new(90, 0),
            min_agreement_percent: Decimal::new(95, 0),
            max_duplicates: 0,
        }
    }
}

/// One gate, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GateResult {
    /// `completeness`, `quality`, `agreement`, `duplicates` or `packs`.
    pub gate: String,
    pub threshold: String,
    pub measured: String,
    pub passed: bool,
    /// In words, for the report.
    pub sentence: String,
}

/// A count of policies and their premium.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Figures {
    pub count: u64,
    #[schemars(schema_with = "crate::wire::decimal")]
    pub premium: Decimal,
}

impl Figures {
    pub fn add(&mut self, premium: Decimal) {
        self.count += 1;
        self.premium += premium;
    }
}

/// A policy whose premium here differs from the legacy premium by more
/// than the wave's tolerance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RatingDifference {
    pub legacy_number: String,
    #[schemars(schema_with = "crate::wire::decimal")]
    pub legacy_premium: Decimal,
    #[schemars(schema_with = "crate::wire::decimal")]
    pub rated_premium: Decimal,
    #[schemars(schema_with = "crate::wire::decimal")]
    pub difference_percent: Decimal,
}

/// A dry run's report (also written when a gate stops a real run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaveReport {
    pub wave: String,
    /// `dry_run` or `gates` (a real run's check before it writes).
    pub kind: String,
    /// Percent.
    #[schemars(schema_with = "crate::wire::decimal")]
    pub tolerance: Decimal,
    pub policies: u64,
    /// The legacy premium of the wave's policies that have one.
    pub legacy: Figures,
    /// This system's premium of those it rates.
    pub rated: Figures,
    pub within_tolerance: u64,
    /// The largest differences first, at most 100.
    pub differences: Vec<RatingDifference>,
    /// Policies this system's packs do not rate, with why (at most 100).
    pub unrated: Vec<(String, String)>,
    pub gates: Vec<GateResult>,
    pub passed: bool,
}

/// A wave as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaveStatus {
    pub wave: String,
    pub state: WaveState,
    /// The agent whose policies the migrated ones become.
    pub owner: String,
    #[schemars(schema_with = "crate::wire::decimal")]
    pub tolerance: Decimal,
    pub gates: WaveGates,
    pub policies: u64,
    pub pending: u64,
    pub migrated: u64,
    pub rejected: u64,
    pub rolled_back: u64,
    /// The last dry run's or gate check's report.
    pub report: Option<WaveReport>,
}

/// A wave's reconciliation, for one state and product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReconciliationGroup {
    pub state: String,
    pub product: String,
    /// The wave's policies as the legacy book has them (legacy premium).
    pub legacy: Figures,
    pub migrated: Figures,
    pub rejected: Figures,
    pub rolled_back: Figures,
    pub pending: Figures,
    /// The wave's policies the server holds (their migrated term premium).
    pub server: Figures,
    /// The same, from the audit log: `policy.migrated` entries whose change
    /// digest matches the journal, less those rolled back.
    pub audit: Figures,
    /// This system's rating less the legacy premium, over the migrated
    /// policies (recorded, never charged).
    #[schemars(schema_with = "crate::wire::decimal")]
    pub rating_difference: Decimal,
}

/// Counts and premiums of a wave in the legacy book, the wave, the server
/// and the audit log, each difference explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Reconciliation {
    pub wave: String,
    pub groups: Vec<ReconciliationGroup>,
    /// Every figure adds up: legacy = migrated + rejected + rolled back +
    /// pending, and the server and the audit log equal migrated.
    pub balanced: bool,
    /// Each difference in words.
    pub explanations: Vec<String>,
    /// The book's policies the rules sent elsewhere, by destination.
    pub routed_elsewhere: Vec<(String, Figures)>,
}

/// One routing or migration event of a legacy policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MigrationEvent {
    /// RFC 3339.
    pub at: String,
    /// `routed`, `migrated`, `rejected`, `rolled_back`, `changed_in_legacy`.
    pub kind: String,
    pub wave: Option<String>,
    pub detail: String,
    pub actor: String,
    /// The audit entry that records it, where one does.
    pub log_index: Option<u64>,
}

/// Where a policy lives during the move, by its legacy or new number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TrackedPolicy {
    pub legacy_number: String,
    /// Its number here, once migrated.
    pub policy_number: Option<String>,
    /// `legacy` (the legacy system holds it) or `server`.
    pub system: String,
    /// Where the routing rules send it: `wave:NAME`, `legacy` or
    /// `quality-queue`.
    pub destination: String,
    /// The rule that decided, or None for the rules' default.
    pub rule: Option<String>,
    pub because: String,
    /// The wave that migrated it.
    pub wave: Option<String>,
    pub state: String,
    pub product: String,
    /// Its status here (`in_force`, `cancelled`), once migrated.
    pub status: Option<String>,
    /// `not migrated`, `matches`, `rating difference`, `rejected`,
    /// `rolled back` or `changed in legacy after migration`.
    pub reconciliation: String,
    pub events: Vec<MigrationEvent>,
}
