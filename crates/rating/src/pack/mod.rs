//! Rate packs: files in, a checked and compiled [`RatePack`] out.
//!
//! Loading happens in two stages, in the spirit of ripgrep's low-level and
//! high-level arguments: serde reads the manifest into a raw form that mirrors
//! the file, with spans so every later error can name its line (`raw`);
//! then [`compile`] runs its stages (`compile/`, one file each: header,
//! points, tables, coverages, adjustments, plans, underwriting, risk...),
//! which resolve every name, type-check every step and condition, compile the
//! tables ([`table`]), ask state law of [`jurisdiction`] and check the
//! signature ([`digest`]). The result cannot be wrong when it is
//! evaluated: the engine only ever reports problems with a quote's input.
//!
//! The format is documented in `docs/rate-pack-format.md`.

mod compile;
pub mod digest;
pub mod edit;
pub mod error;
pub mod jurisdiction;
mod raw;
pub mod report;
pub mod table;
pub mod weights;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use time::Date;

pub use self::compile::compile;
pub(crate) use self::compile::{line_of, parse_manifest};
use self::digest::{PackDigest, TrustedKeys, SIGNATURE_FILE};
pub use self::error::Location;
use self::error::PackError;
use self::jurisdiction::Statutory;
use self::table::Table;
use crate::quote::{Product, ViolationKind};
use crate::variable::{Value, Variable};

/// The manifest's file name inside a pack directory.
pub const MANIFEST_FILE: &str = "manifest.toml";
/// The pack format version this engine reads.
pub const FORMAT_VERSION: u32 = 1;

/// The text of a pack's files, keyed by file name, plus the directory errors
/// name. Holding text lets the desktop embed packs at compile time and tests
/// build packs without touching the disk.
#[derive(Debug, Clone)]
pub struct PackFiles {
    origin: PathBuf,
    pub(crate) files: BTreeMap<String, String>,
}

impl PackFiles {
    /// Pack files held in memory; `origin` is the directory errors name.
    pub fn in_memory(origin: impl Into<PathBuf>) -> Self {
        Self { origin: origin.into(), files: BTreeMap::new() }
    }

    /// Pack files held in memory, from (name, text) pairs: a pack received
    /// over the network or kept in a database. `SIGNATURE` is kept if present.
    pub fn from_files(origin: impl Into<PathBuf>, files: impl IntoIterator<Item = (String, String)>) -> Self {
        Self { origin: origin.into(), files: files.into_iter().collect() }
    }

    /// Adds one file's text.
    #[must_use]
    pub fn with_file(mut self, name: &str, text: &str) -> Self {
        self.files.insert(name.to_owned(), text.to_owned());
        self
    }

    /// Replaces one file's text, or adds it.
    pub fn set_file(&mut self, name: &str, text: String) {
        self.files.insert(name.to_owned(), text);
    }

    /// A file's text.
    pub fn file(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// Every file's text, by name.
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }

    /// The directory the files came from.
    pub fn origin(&self) -> &Path {
        &self.origin
    }

    /// Reads every regular file of a pack directory (manifest, tables, signature).
    pub fn read_dir(dir: &Path) -> Result<Self, PackError> {
        let mut files = Self::in_memory(dir);
        let entries = std::fs::read_dir(dir).map_err(|source| PackError::Read { path: dir.to_owned(), source })?;
        for entry in entries {
            let entry = entry.map_err(|source| PackError::Read { path: dir.to_owned(), source })?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_pack_file = name == MANIFEST_FILE || name == SIGNATURE_FILE || name.ends_with(".csv");
            if is_pack_file && path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|source| PackError::Read { path: path.clone(), source })?;
                files.files.insert(name, text);
            }
        }
        if !files.files.contains_key(MANIFEST_FILE) {
            return Err(PackError::MissingFile { path: dir.join(MANIFEST_FILE) });
        }
        Ok(files)
    }

    fn path_of(&self, name: &str) -> PathBuf {
        self.origin.join(name)
    }
}

/// How a pack may be loaded.
#[derive(Debug, Clone, Copy)]
pub enum LoadMode<'a> {
    /// The signature must verify against one of these keys.
    Verified(&'a TrustedKeys),
    /// Explicit draft mode: the signature is not required. A draft pack rates
    /// for previews and impact analysis but its results are never final.
    Draft,
}

/// Whether a loaded pack is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum PackStatus {
    Signed { key_id: String },
    Draft,
}

/// How a pack's rate change was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FilingType {
    PriorApproval,
    FileAndUse,
    UseAndFile,
    Flex,
    Informational,
}

impl FilingType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "prior-approval" => Self::PriorApproval,
            "file-and-use" => Self::FileAndUse,
            "use-and-file" => Self::UseAndFile,
            "flex" => Self::Flex,
            "informational" => Self::Informational,
            _ => return None,
        })
    }
}

/// Rounding: a place and a mode, as a filing states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub places: u32,
    pub mode: RoundingMode,
}

impl Round {
    /// `value` rounded to `places` by `mode`: exactly what
    /// `Decimal::round_dp_with_strategy` gives (the same value, scale and
    /// sign; `tests/rounding.rs` checks it over random decimals), by integer
    /// division of the mantissa. The engine rounds after every step, and the
    /// library's general routine was about a tenth of a quote's time.
    pub fn apply(self, value: Decimal) -> Decimal {
        let scale = value.scale();
        if scale <= self.places {
            return value.round_dp_with_strategy(self.places, self.mode.strategy());
        }
        // A 96-bit mantissa and a power of ten up to 10^28 fit in i128; money
        // (up to 18 digits) fits in i64, whose division is much cheaper.
        let mantissa = value.mantissa();
        let shift = scale - self.places;
        if let (Ok(small), true) = (i64::try_from(mantissa), shift <= 18) {
            let rounded = self.mode.divide_i64(small, 10_i64.pow(shift));
            return Decimal::new(rounded, self.places);
        }
        let rounded = self.mode.divide_i128(mantissa, 10_i128.pow(shift));
        Decimal::from_i128_with_scale(rounded, self.places)
    }
}

impl fmt::Display for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} places {}", self.places, self.mode.name())
    }
}

/// Rounding modes a filing can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingMode {
    /// Halves away from zero: 49.215 becomes 49.22.
    HalfUp,
    /// Halves to the even neighbour.
    HalfEven,
    /// Toward zero.
    Down,
    /// Away from zero.
    Up,
}

impl RoundingMode {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "half-up" => Self::HalfUp,
            "half-even" => Self::HalfEven,
            "down" => Self::Down,
            "up" => Self::Up,
            _ => return None,
        })
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::HalfUp => "half-up",
            Self::HalfEven => "half-even",
            Self::Down => "down",
            Self::Up => "up",
        }
    }

    /// `numerator / divisor` (divisor > 0) rounded to a whole number by this mode.
    fn divide_i64(self, numerator: i64, divisor: i64) -> i64 {
        let (quotient, remainder) = (numerator / divisor, numerator % divisor);
        let (twice, whole) = (u128::from(remainder.unsigned_abs()) * 2, u128::from(divisor.unsigned_abs()));
        if self.away(quotient % 2 != 0, remainder != 0, twice, whole) {
            quotient + numerator.signum()
        } else {
            quotient
        }
    }

    /// [`Self::divide_i64`] for the whole 96-bit range.
    fn divide_i128(self, numerator: i128, divisor: i128) -> i128 {
        let (quotient, remainder) = (numerator / divisor, numerator % divisor);
        let (twice, whole) = (remainder.unsigned_abs() * 2, divisor.unsigned_abs());
        if self.away(quotient % 2 != 0, remainder != 0, twice, whole) {
            quotient + numerator.signum()
        } else {
            quotient
        }
    }

    /// Whether a quotient moves one away from zero, given whether it is odd,
    /// whether anything remained, and twice the remainder against the divisor.
    fn away(self, odd: bool, inexact: bool, twice: u128, whole: u128) -> bool {
        match self {
            Self::HalfUp => twice >= whole,
            Self::HalfEven => twice > whole || (twice == whole && odd),
            Self::Down => false,
            Self::Up => inexact,
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            Self::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Self::HalfEven => RoundingStrategy::MidpointNearestEven,
            Self::Down => RoundingStrategy::ToZero,
            Self::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

/// Whether a coverage is rated once per vehicle or once per policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Per {
    Vehicle,
    Policy,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Coverage {
    pub(crate) code: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) per: Per,
    pub(crate) required: bool,
    pub(crate) limits: Vec<String>,
    pub(crate) deductibles: Vec<String>,
    pub(crate) minimum: Option<Decimal>,
    pub(crate) steps: Vec<Step>,
}

impl Coverage {
    /// The tables its steps read, by index.
    pub(crate) fn tables(&self) -> impl Iterator<Item = usize> + '_ {
        self.steps.iter().filter_map(|s| match &s.kind {
            StepKind::BaseTable { table, .. } | StepKind::Lookup { table, .. } => Some(*table),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub(crate) label: Arc<str>,
    pub(crate) kind: StepKind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StepKind {
    /// Start from a fixed amount.
    Base(Decimal),
    /// Start from a table's amount.
    BaseTable {
        table: usize,
        keys: Vec<Variable>,
    },
    /// Multiply by a table's factor.
    Lookup {
        table: usize,
        keys: Vec<Variable>,
    },
    Multiply(Decimal),
    Add(Decimal),
    /// Raise to at least this amount.
    AtLeast(Decimal),
    /// Lower to at most this amount.
    AtMost(Decimal),
    Round(Round),
}

/// A discount or surcharge.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Adjustment {
    pub(crate) code: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) rate: Decimal,
    /// Indexes into `coverages`; every coverage when `None`.
    pub(crate) coverages: Option<Vec<usize>>,
    pub(crate) eligibility: Eligibility,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Eligibility {
    Conditions(Vec<Condition>),
    Statutory(Statutory),
}

/// `variable op value`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    pub(crate) var: Variable,
    pub(crate) op: CompareOp,
    pub(crate) value: Vec<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fee {
    pub(crate) code: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) basis: FeeBasis,
    pub(crate) class: FeeClass,
    pub(crate) earning: FeeEarning,
}

/// How a fee's amount is reached.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FeeBasis {
    /// A flat amount per policy, per vehicle or per vehicle-year (prorated
    /// by the term), with its own amount for terms of six months or less.
    Flat { amount: Decimal, per: FeePer, short_term: Option<Decimal> },
    /// A fraction of the premium (coverage premiums and any minimum premium
    /// adjustment), to the cent, half up: an assessment.
    OfPremium(Decimal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeePer {
    Policy,
    Vehicle,
    VehicleYear,
}

/// Whether a fee is premium (reported and taxed as premium) or a charge
/// stated apart from it (a fee, a surcharge, an assessment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeeClass {
    Premium,
    NonPremium,
}

/// Whether a fee is earned when charged (kept on cancellation and due with
/// the first installment) or earned over the term like premium (refunded pro
/// rata and spread over the installments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeeEarning {
    FullyEarned,
    ProRata,
}

/// An installment plan.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) installments: u32,
    pub(crate) installment_fee: Decimal,
}

/// How a personal auto pack assigns drivers to vehicles for rating. Either
/// way every listed driver who is not excluded is rated or shown to rate no
/// higher than the drivers who are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentMethod {
    /// Highest-rated driver to highest-rated vehicle, the next to the next;
    /// vehicles beyond the drivers take the lowest-rated driver, and drivers
    /// beyond the vehicles (rating no higher than any assigned) are excess.
    HighestRated,
    /// Each vehicle with the principal driver the quote names; a driver who
    /// is principal on no vehicle is an occasional driver, rated on the
    /// highest-rated vehicle whose principal driver rates lower.
    Principal,
}

impl AssignmentMethod {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "highest-rated" => Some(Self::HighestRated),
            "principal" => Some(Self::Principal),
            _ => None,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::HighestRated => "highest-rated",
            Self::Principal => "principal",
        }
    }
}

/// How premium is returned when the insured cancels, as a pack files it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum RefundMethod {
    /// The unearned premium, by days (or months) left.
    ProRata,
    /// The standard short-rate table.
    ShortRateTable,
    /// This percentage of the pro-rata return (90 returns 90 % of it).
    PercentOfProRata {
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        percent: Decimal,
    },
}

impl RefundMethod {
    /// Reads `pro-rata`, `short-rate-table` or `N% of pro-rata` (N above 0, at most 100).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "pro-rata" => Some(Self::ProRata),
            "short-rate-table" => Some(Self::ShortRateTable),
            other => {
                let percent = Decimal::from_str(other.strip_suffix("% of pro-rata")?.trim()).ok()?;
                (percent > Decimal::ZERO && percent <= Decimal::ONE_HUNDRED).then_some(Self::PercentOfProRata { percent })
            }
        }
    }

    /// As a manifest writes it.
    pub fn describe(self) -> String {
        match self {
            Self::ProRata => "pro-rata".to_owned(),
            Self::ShortRateTable => "short-rate-table".to_owned(),
            Self::PercentOfProRata { percent } => format!("{}% of pro-rata", percent.normalize()),
        }
    }

    /// The share of the pro-rata return this method at least returns, where
    /// that is fixed (the short-rate table's depends on the day).
    fn floor(self) -> Option<Decimal> {
        match self {
            Self::ProRata => Some(Decimal::ONE_HUNDRED),
            Self::PercentOfProRata { percent } => Some(percent),
            Self::ShortRateTable => None,
        }
    }
}

/// What a pack files for premium returned when the insured cancels
/// (`[refunds]`); where it says nothing, the state's default applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refunds {
    /// At the insured's request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub insured_request: Option<RefundMethod>,
    /// When the insured replaced the policy or sold the car or home.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub replaced_or_sold: Option<RefundMethod>,
}

impl Refunds {
    /// Nothing filed: the state's default applies to both.
    pub fn is_unfiled(&self) -> bool {
        self.insured_request.is_none() && self.replaced_or_sold.is_none()
    }
}

/// Refer or decline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Accept,
    Refer,
    Decline,
}

impl Action {
    /// The name decisions use (its JSON form).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Refer => "refer",
            Self::Decline => "decline",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) code: Arc<str>,
    pub(crate) action: Action,
    pub(crate) message: Arc<str>,
    pub(crate) when: Vec<Condition>,
}

/// Whether the risk score may move the premium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskUsage {
    Rate,
    Inform,
}

/// How a risk model that moves the premium was fitted, so it does not
/// price again what the class plan prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RiskBasis {
    /// Fitted with the class plan as an offset: it prices what the class
    /// plan leaves unexplained.
    ClassPlanOffset,
    /// Prices its variables in place of the class plan: the coverages it
    /// applies to have no step keyed by them.
    ReplacesFactors,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RiskModel {
    pub(crate) usage: RiskUsage,
    /// Where it rates: how it was fitted, and the coverages (by index) it
    /// multiplies.
    pub(crate) rates: Option<(RiskBasis, Vec<usize>)>,
    pub(crate) intercept: Decimal,
    pub(crate) features: Vec<Feature>,
    pub(crate) min_factor: Decimal,
    pub(crate) max_factor: Decimal,
    pub(crate) refer_above: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Feature {
    pub(crate) var: Variable,
    pub(crate) level: Option<String>,
    pub(crate) base: Decimal,
    pub(crate) coefficient: Decimal,
}

/// What a pack offers for one coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverageInfo<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub per: Per,
    pub required: bool,
    pub limits: &'a [String],
    pub deductibles: &'a [String],
}

/// Descriptive facts about a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    pub state: String,
    pub product: Product,
    pub effective_new_business: Date,
    pub effective_renewal: Date,
    pub expires: Option<Date>,
    pub filing_reference: String,
    pub filing_type: FilingType,
    pub terms: Vec<u32>,
}

impl PackInfo {
    /// Whether the pack prices new business (or renewals) effective `date`.
    /// The pack as people name it: `tx-personal-auto 2026.2`, without the
    /// digest its id carries (messages on a user's screen show this).
    pub fn label(&self) -> String {
        format!("{} {}", self.name, self.version)
    }

    pub fn in_force(&self, date: Date, renewal: bool) -> bool {
        let from = if renewal { self.effective_renewal } else { self.effective_new_business };
        from <= date && self.expires.is_none_or(|e| date < e)
    }
}

/// Homeowners Coverages B to D as percentages of Coverage A
/// (`[property_limits]`): the company manual's limits, rated within the
/// dwelling's premium.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertyLimits {
    /// Coverage B, other structures: 10 for 10%.
    pub other_structures: Decimal,
    /// Coverage C, personal property.
    pub personal_property: Decimal,
    /// Coverage D, loss of use.
    pub loss_of_use: Decimal,
}

impl PropertyLimits {
    /// Coverages B, C and D in whole dollars for `coverage_a`, each with
    /// its letter and name; half a dollar rounds up.
    pub fn amounts(&self, coverage_a: Decimal) -> [(&'static str, &'static str, Decimal); 3] {
        let of = |percent: Decimal| {
            (coverage_a * percent / Decimal::ONE_HUNDRED).round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        };
        [
            ("B", "Other structures", of(self.other_structures)),
            ("C", "Personal property", of(self.personal_property)),
            ("D", "Loss of use", of(self.loss_of_use)),
        ]
    }
}

/// A validated, compiled rate pack.
#[derive(Debug, Clone)]
pub struct RatePack {
    pub(crate) info: PackInfo,
    pub(crate) digest: PackDigest,
    pub(crate) id: Arc<str>,
    pub(crate) status: PackStatus,
    pub(crate) coverage_round: Round,
    pub(crate) step_round: Option<Round>,
    pub(crate) points: HashMap<ViolationKind, i64>,
    pub(crate) accident_points: i64,
    pub(crate) tables: Vec<Table>,
    pub(crate) coverages: Vec<Coverage>,
    pub(crate) discounts: Vec<Adjustment>,
    pub(crate) surcharges: Vec<Adjustment>,
    pub(crate) fees: Vec<Fee>,
    pub(crate) minimum_premium: Option<Decimal>,
    pub(crate) plans: Vec<Plan>,
    pub(crate) underwriting: Vec<Rule>,
    pub(crate) risk: Option<RiskModel>,
    pub(crate) assignment: AssignmentMethod,
    /// The coverage decisions the state requires the insured to sign.
    pub(crate) elections: Vec<jurisdiction::ElectionRule>,
    pub(crate) refunds: Refunds,
    pub(crate) property_limits: Option<PropertyLimits>,
    /// Why the state forbids a credit tier on a quote, where it does
    /// (decided once at load: every quote asks).
    pub(crate) credit_forbidden: Option<&'static str>,
}

impl RatePack {
    /// Loads and compiles the pack in `dir`.
    pub fn load_dir(dir: &Path, mode: LoadMode<'_>) -> Result<Self, PackError> {
        compile(&PackFiles::read_dir(dir)?, mode)
    }

    /// Each coverage's rating factors with their weights over the exposure
    /// their tables carry (10 CCR 2632.8; `None` where a table carries none).
    pub fn factor_weights(&self) -> Vec<weights::CoverageWeights> {
        self.coverages.iter().map(|c| weights::coverage_weights(c, &self.tables)).collect()
    }

    /// `name/version@digest`: what a quote records to be re-rated years later.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn digest(&self) -> PackDigest {
        self.digest
    }

    pub fn info(&self) -> &PackInfo {
        &self.info
    }

    pub fn status(&self) -> &PackStatus {
        &self.status
    }

    /// Whether results from this pack may be saved as final.
    pub fn is_signed(&self) -> bool {
        matches!(self.status, PackStatus::Signed { .. })
    }

    /// How the pack returns premium when the insured cancels.
    pub fn refunds(&self) -> Refunds {
        self.refunds
    }

    /// Homeowners Coverages B to D as percentages of Coverage A, where the
    /// pack files them.
    pub fn property_limits(&self) -> Option<PropertyLimits> {
        self.property_limits
    }

    /// The coverage decisions the pack's state requires the insured to
    /// sign: rejections, offers, lower uninsured motorist limits.
    pub fn elections(&self) -> &[jurisdiction::ElectionRule] {
        &self.elections
    }

    /// Coverage codes in manifest order.
    pub fn coverage_codes(&self) -> impl Iterator<Item = &str> {
        self.coverages.iter().map(|c| &*c.code)
    }

    /// The coverages the pack rates, in manifest order.
    pub fn coverages(&self) -> impl Iterator<Item = CoverageInfo<'_>> {
        self.coverages.iter().map(|c| CoverageInfo {
            code: &c.code,
            name: &c.name,
            per: c.per,
            required: c.required,
            limits: &c.limits,
            deductibles: &c.deductibles,
        })
    }

    /// Installment plan codes and their number of installments.
    pub fn installment_plans(&self) -> impl Iterator<Item = (&str, u32)> {
        self.plans.iter().map(|p| (p.code.as_str(), p.installments))
    }

    /// Installment plans: code, name and number of installments.
    pub fn installment_plan_options(&self) -> impl Iterator<Item = (&str, &str, u32)> {
        self.plans.iter().map(|p| (p.code.as_str(), p.name.as_str(), p.installments))
    }

    /// The table a name refers to.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| &*t.name == name)
    }

    /// The keys of the pack's territory table (the exact table keyed by the
    /// garaging or dwelling ZIP), for coverage checks.
    pub fn territory_zips(&self) -> Vec<&str> {
        let zip_vars = [Variable::GaragingZip, Variable::DwellingZip];
        let mut tables = BTreeSet::new();
        for c in &self.coverages {
            for s in &c.steps {
                if let StepKind::Lookup { table, keys } | StepKind::BaseTable { table, keys } = &s.kind {
                    if keys.len() == 1 && zip_vars.contains(&keys[0]) {
                        tables.insert(*table);
                    }
                }
            }
        }
        let mut out: Vec<&str> = tables.into_iter().flat_map(|t| self.tables[t].exact_keys()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
