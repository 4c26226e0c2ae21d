//! Rate packs: files in, a checked and compiled [`RatePack`] out.
//!
//! Loading happens in two stages, in the spirit of ripgrep's low-level and
//! high-level arguments: serde reads the manifest into a raw form that mirrors
//! the file, with spans so every later error can name its line (`raw`);
//! then [`compile`] resolves every name, type-checks every step and condition,
//! compiles the tables ([`table`]), enforces state law ([`jurisdiction`]) and
//! checks the signature ([`digest`]). The result cannot be wrong when it is
//! evaluated: the engine only ever reports problems with a quote's input.
//!
//! The format is documented in `docs/rate-pack-format.md`.

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
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use time::Date;
use toml::Spanned;

use self::digest::{PackDigest, TrustedKeys, SIGNATURE_FILE};
pub use self::error::Location;
use self::error::PackError;
use self::jurisdiction::{Jurisdiction, Statutory};
use self::raw::{RawCondition, RawManifest, RawRound};
use self::table::{KeyMatch, Table};
use crate::quote::{Product, ViolationKind};
use crate::variable::{Scope, Value, VarType, Variable};

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
    pub fn apply(self, value: Decimal) -> Decimal {
        value.round_dp_with_strategy(self.places, self.mode.strategy())
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

/// Everything the compiler needs to name a line in the manifest.
struct Ctx<'a> {
    files: &'a PackFiles,
    text: &'a str,
}

impl Ctx<'_> {
    fn at(&self, span: Range<usize>) -> Location {
        Location { path: self.files.path_of(MANIFEST_FILE), line: line_of(self.text, span.start) }
    }

    fn invalid(&self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) -> PackError {
        PackError::Invalid { at: self.at(span), field: field.into(), message: message.into() }
    }

    fn state_rule(&self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) -> PackError {
        PackError::StateRule { at: self.at(span), field: field.into(), message: message.into() }
    }

    fn decimal(&self, s: &Spanned<String>, field: &str) -> Result<Decimal, PackError> {
        Decimal::from_str(s.get_ref().trim())
            .map_err(|_| self.invalid(s.span(), field, format!("`{}` is not a decimal number", s.get_ref())))
    }

    fn date(&self, s: &Spanned<toml::value::Datetime>, field: &str) -> Result<Date, PackError> {
        raw::toml_date(s.get_ref()).ok_or_else(|| self.invalid(s.span(), field, format!("`{}` is not a date (YYYY-MM-DD)", s.get_ref())))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

fn parse_round(ctx: &Ctx<'_>, r: &Spanned<RawRound>, field: &str) -> Result<Round, PackError> {
    let mode = RoundingMode::parse(&r.get_ref().mode).ok_or_else(|| {
        ctx.invalid(r.span(), format!("{field}.mode"), format!("`{}` is not one of half-up, half-even, down, up", r.get_ref().mode))
    })?;
    if r.get_ref().places > 6 {
        return Err(ctx.invalid(r.span(), format!("{field}.places"), format!("{} places is more than 6", r.get_ref().places)));
    }
    Ok(Round { places: r.get_ref().places, mode })
}

/// The manifest's raw form and its text; a syntax or shape error names its line.
pub(crate) fn parse_manifest(files: &PackFiles) -> Result<(RawManifest, &str), PackError> {
    let text = files.files.get(MANIFEST_FILE).ok_or_else(|| PackError::MissingFile { path: files.path_of(MANIFEST_FILE) })?;
    let raw = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(text, span.start));
        PackError::Manifest { at: Location { path: files.path_of(MANIFEST_FILE), line }, message: e.message().to_owned() }
    })?;
    Ok((raw, text))
}

/// Validates pack files and compiles them into a [`RatePack`].
pub fn compile(files: &PackFiles, mode: LoadMode<'_>) -> Result<RatePack, PackError> {
    let (raw, text) = parse_manifest(files)?;
    let ctx = Ctx { files, text };

    if *raw.format.get_ref() != FORMAT_VERSION {
        return Err(ctx.invalid(
            raw.format.span(),
            "format",
            format!("format {} is not the supported {FORMAT_VERSION}", raw.format.get_ref()),
        ));
    }
    let state = raw.state.get_ref().clone();
    if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ctx.invalid(raw.state.span(), "state", format!("`{state}` is not a two-letter upper-case state code")));
    }
    let product = match Product::from_name(raw.product.get_ref()) {
        Some(product) => product,
        None => {
            let other = raw.product.get_ref();
            return Err(ctx.invalid(raw.product.span(), "product", format!("`{other}` is not personal-auto or homeowners-ho3")));
        }
    };
    for (field, value) in [("id", &raw.id), ("version", &raw.version)] {
        let v = value.get_ref();
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) {
            return Err(ctx.invalid(value.span(), field, format!("`{v}` must be non-empty letters, digits, `-`, `.` or `_`")));
        }
    }
    let nb = ctx.date(&raw.effective.new_business, "effective.new_business")?;
    let rn = ctx.date(&raw.effective.renewal, "effective.renewal")?;
    let expires = raw.effective.expires.as_ref().map(|e| ctx.date(e, "effective.expires").map(|d| (d, e.span()))).transpose()?;
    if let Some((exp, span)) = &expires {
        if *exp <= nb.max(rn) {
            return Err(ctx.invalid(span.clone(), "effective.expires", format!("{exp} is not after both effective dates")));
        }
    }
    let filing_type = FilingType::parse(raw.filing.filing_type.get_ref()).ok_or_else(|| {
        ctx.invalid(
            raw.filing.filing_type.span(),
            "filing.type",
            format!("`{}` is not one of prior-approval, file-and-use, use-and-file, flex, informational", raw.filing.filing_type.get_ref()),
        )
    })?;
    if raw.filing.reference.get_ref().trim().is_empty() {
        return Err(ctx.invalid(raw.filing.reference.span(), "filing.reference", "must not be empty"));
    }
    let terms = raw.terms.get_ref().clone();
    if terms.is_empty() || terms.iter().any(|t| !matches!(t, 6 | 12)) {
        return Err(ctx.invalid(raw.terms.span(), "terms", "terms are 6 and/or 12 months"));
    }
    if product == Product::HomeownersHo3 && terms != [12] {
        return Err(ctx.invalid(raw.terms.span(), "terms", "homeowners terms are 12 months"));
    }
    let coverage_round = parse_round(&ctx, &raw.rounding.coverage, "rounding.coverage")?;
    let step_round = raw.rounding.step.as_ref().map(|r| parse_round(&ctx, r, "rounding.step")).transpose()?;
    let law = jurisdiction::for_state(&state, product);

    // Points schedule: personal auto needs one for every violation kind.
    let mut points = HashMap::new();
    let mut accident_points = 0;
    match (&raw.points, product) {
        (Some(schedule), _) => {
            for (name, &value) in schedule.get_ref() {
                if name == "at-fault-accident" {
                    accident_points = i64::from(value);
                } else if let Some(kind) = ViolationKind::ALL.iter().find(|k| k.name() == name) {
                    points.insert(*kind, i64::from(value));
                } else {
                    return Err(ctx.invalid(schedule.span(), format!("points.{name}"), format!("`{name}` is not a violation kind")));
                }
            }
            if product == Product::PersonalAuto {
                let missing: Vec<&str> = ViolationKind::ALL.iter().filter(|k| !points.contains_key(k)).map(|k| k.name()).collect();
                if !missing.is_empty() || !schedule.get_ref().contains_key("at-fault-accident") {
                    let mut all = missing;
                    if !schedule.get_ref().contains_key("at-fault-accident") {
                        all.push("at-fault-accident");
                    }
                    return Err(ctx.invalid(schedule.span(), "points", format!("no points for {}", all.join(", "))));
                }
            }
        }
        (None, Product::PersonalAuto) => return Err(ctx.invalid(0..0, "points", "a personal auto pack needs a [points] schedule")),
        (None, Product::HomeownersHo3) => {}
    }

    // Tables.
    let mut tables = Vec::with_capacity(raw.tables.len());
    let mut table_index = HashMap::new();
    for (name, table) in &raw.tables {
        let spec = table.get_ref();
        let mut keys = Vec::with_capacity(spec.keys.len());
        if spec.keys.is_empty() || spec.keys.len() > 2 {
            return Err(ctx.invalid(table.span(), format!("tables.{name}.keys"), "a table has one or two keys"));
        }
        for (i, k) in spec.keys.iter().enumerate() {
            let m = KeyMatch::parse(&k.get_ref().match_kind).ok_or_else(|| {
                ctx.invalid(
                    k.span(),
                    format!("tables.{name}.keys[{i}].match"),
                    format!("`{}` is not exact, band or interpolate", k.get_ref().match_kind),
                )
            })?;
            keys.push((k.get_ref().column.clone(), m));
        }
        let file = spec.file.get_ref();
        let text = files.files.get(file).ok_or_else(|| PackError::MissingFile { path: files.path_of(file) })?;
        table_index.insert(name.clone(), tables.len());
        tables.push(Table::compile(name, &files.path_of(file), text, keys)?);
    }

    // Which variables a product can rate on.
    let scope_ok = |v: Variable| {
        matches!(
            (product, v.scope()),
            (_, Scope::Policy | Scope::Coverage)
                | (Product::PersonalAuto, Scope::Driver | Scope::Vehicle)
                | (Product::HomeownersHo3, Scope::Dwelling)
        )
    };
    let forbidden: Vec<(Variable, String)> = law
        .forbidden
        .iter()
        .map(|(v, why)| (*v, (*why).to_owned()))
        .chain(
            raw.state_rules
                .iter()
                .flat_map(|r| r.get_ref().forbidden_variables.iter())
                .filter_map(|name| Variable::from_name(name).map(|v| (v, format!("the pack's state rules forbid {name}")))),
        )
        .collect();
    if let Some(rules) = &raw.state_rules {
        for name in &rules.get_ref().forbidden_variables {
            if Variable::from_name(name).is_none() {
                return Err(ctx.invalid(rules.span(), "state_rules.forbidden_variables", format!("`{name}` is not a rating variable")));
            }
        }
    }
    let resolve = |name: &str, span: Range<usize>, field: &str| -> Result<Variable, PackError> {
        let v = Variable::from_name(name).ok_or_else(|| ctx.invalid(span.clone(), field, format!("`{name}` is not a rating variable")))?;
        if !scope_ok(v) {
            return Err(ctx.invalid(span.clone(), field, format!("{name} does not apply to {product}")));
        }
        if let Some((_, why)) = forbidden.iter().find(|(f, _)| *f == v) {
            return Err(ctx.state_rule(span, field, format!("{name} is forbidden in {state}: {why}")));
        }
        if let Some((allowed, why)) = &law.allowed {
            if !allowed.contains(&v) {
                return Err(ctx.state_rule(span, field, format!("{name} is not a permitted factor in {state}: {why}")));
            }
        }
        Ok(v)
    };

    // Coverages and their steps.
    let mut coverages: Vec<Coverage> = Vec::with_capacity(raw.coverages.len());
    for (i, spanned) in raw.coverages.iter().enumerate() {
        let c = spanned.get_ref();
        let code = c.code.get_ref();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-') {
            return Err(ctx.invalid(
                c.code.span(),
                format!("coverages[{i}].code"),
                format!("`{code}` must be upper-case letters, digits or `-`"),
            ));
        }
        if coverages.iter().any(|x| &*x.code == code) {
            return Err(ctx.invalid(c.code.span(), format!("coverages[{i}].code"), format!("coverage `{code}` is defined twice")));
        }
        let per = match (c.per.get_ref().as_str(), product) {
            ("vehicle", Product::PersonalAuto) => Per::Vehicle,
            ("policy", _) => Per::Policy,
            (other, _) => {
                return Err(ctx.invalid(
                    c.per.span(),
                    format!("coverages[{i}].per"),
                    format!("`{other}` is not `policy`{}", if product == Product::PersonalAuto { " or `vehicle`" } else { "" }),
                ))
            }
        };
        let minimum = c.minimum.as_ref().map(|m| ctx.decimal(m, &format!("coverages[{i}].minimum"))).transpose()?;
        let mut steps = Vec::with_capacity(c.steps.len());
        for (j, step) in c.steps.iter().enumerate() {
            let s = step.get_ref();
            let field = format!("coverages[{i}].steps[{j}]");
            let value = || {
                s.value
                    .as_ref()
                    .ok_or_else(|| ctx.invalid(step.span(), format!("{field}.value"), format!("`{}` needs a value", s.op.get_ref())))
            };
            let table_keys = || -> Result<(usize, Vec<Variable>), PackError> {
                let t = s
                    .table
                    .as_ref()
                    .ok_or_else(|| ctx.invalid(step.span(), format!("{field}.table"), format!("`{}` needs a table", s.op.get_ref())))?;
                let index = *table_index.get(t.get_ref()).ok_or_else(|| {
                    ctx.invalid(t.span(), format!("{field}.table"), format!("no table named `{}` is declared under [tables]", t.get_ref()))
                })?;
                let keys = s.keys.as_ref().ok_or_else(|| ctx.invalid(step.span(), format!("{field}.keys"), "a table step needs keys"))?;
                let table = &tables[index];
                if keys.get_ref().len() != table.keys.len() {
                    return Err(ctx.invalid(
                        keys.span(),
                        format!("{field}.keys"),
                        format!("table `{}` has {} key(s) but the step gives {}", t.get_ref(), table.keys.len(), keys.get_ref().len()),
                    ));
                }
                let mut vars = Vec::with_capacity(keys.get_ref().len());
                for (k, name) in keys.get_ref().iter().enumerate() {
                    let v = resolve(name, keys.span(), &format!("{field}.keys[{k}]"))?;
                    let (column, m) = &table.keys[k];
                    let fits = match m {
                        KeyMatch::Exact => true,
                        KeyMatch::Band => v.var_type() == VarType::Integer,
                        KeyMatch::Interpolate => matches!(v.var_type(), VarType::Integer | VarType::Decimal),
                    };
                    if !fits {
                        return Err(ctx.invalid(
                            keys.span(),
                            format!("{field}.keys[{k}]"),
                            format!("{name} is {} but column `{column}` of table `{}` is matched by {m:?}", v.var_type(), t.get_ref()),
                        ));
                    }
                    vars.push(v);
                }
                Ok((index, vars))
            };
            let kind = match s.op.get_ref().as_str() {
                "base" if s.table.is_some() => {
                    let (table, keys) = table_keys()?;
                    StepKind::BaseTable { table, keys }
                }
                "base" => StepKind::Base(ctx.decimal(value()?, &format!("{field}.value"))?),
                "lookup" => {
                    let (table, keys) = table_keys()?;
                    StepKind::Lookup { table, keys }
                }
                "multiply" => StepKind::Multiply(ctx.decimal(value()?, &format!("{field}.value"))?),
                "add" => StepKind::Add(ctx.decimal(value()?, &format!("{field}.value"))?),
                "at-least" => StepKind::AtLeast(ctx.decimal(value()?, &format!("{field}.value"))?),
                "at-most" => StepKind::AtMost(ctx.decimal(value()?, &format!("{field}.value"))?),
                "round" => {
                    let places = s.places.ok_or_else(|| ctx.invalid(step.span(), format!("{field}.places"), "`round` needs places"))?;
                    let mode_text =
                        s.mode.clone().ok_or_else(|| ctx.invalid(step.span(), format!("{field}.mode"), "`round` needs a mode"))?;
                    let mode = RoundingMode::parse(&mode_text).ok_or_else(|| {
                        ctx.invalid(
                            step.span(),
                            format!("{field}.mode"),
                            format!("`{mode_text}` is not one of half-up, half-even, down, up"),
                        )
                    })?;
                    StepKind::Round(Round { places, mode })
                }
                other => {
                    return Err(ctx.invalid(
                        s.op.span(),
                        format!("{field}.op"),
                        format!("`{other}` is not one of base, lookup, multiply, add, at-least, at-most, round"),
                    ))
                }
            };
            let is_base = matches!(kind, StepKind::Base(_) | StepKind::BaseTable { .. });
            if (j == 0) != is_base {
                return Err(ctx.invalid(s.op.span(), format!("{field}.op"), "a coverage's first step, and only its first step, is `base`"));
            }
            let label = s.label.clone().unwrap_or_else(|| match &kind {
                StepKind::Lookup { table, .. } | StepKind::BaseTable { table, .. } => tables[*table].name.to_string(),
                _ => s.op.get_ref().clone(),
            });
            steps.push(Step { label: Arc::from(label), kind });
        }
        if steps.is_empty() {
            return Err(ctx.invalid(spanned.span(), format!("coverages[{i}].steps"), "a coverage needs at least a base step"));
        }
        let coverage = Coverage {
            code: Arc::from(code.as_str()),
            name: Arc::from(c.name.as_str()),
            per,
            required: c.required,
            limits: c.limits.clone(),
            deductibles: c.deductibles.clone(),
            minimum,
            steps,
        };
        if let Some(groups) = &law.mandatory_factors {
            let field = format!("coverages[{i}].steps");
            if let Some(table) = weights::two_key_factor(&coverage, &tables) {
                return Err(ctx.state_rule(
                    spanned.span(),
                    field,
                    format!("table `{table}` keys a rating factor with a second variable; {state}'s factor weights (10 CCR 2632.8) need one factor per table"),
                ));
            }
            let groups: Vec<(&[Variable], &str)> = groups.iter().map(|(vars, name)| (vars.as_slice(), *name)).collect();
            weights::check_order(&weights::coverage_weights(&coverage, &tables), &groups)
                .map_err(|message| ctx.state_rule(spanned.span(), field, message))?;
        }
        if let Some(allowed) = raw.state_rules.as_ref().and_then(|r| r.get_ref().allowed_deductibles.get(code.as_str())) {
            if let Some(bad) = c.deductibles.iter().find(|d| !allowed.contains(d)) {
                return Err(ctx.state_rule(
                    spanned.span(),
                    format!("coverages[{i}].deductibles"),
                    format!("deductible `{bad}` is not allowed for {code} by the state rules"),
                ));
            }
        }
        coverages.push(coverage);
    }

    // Required coverages: the law's, then the pack's own; the coverages the
    // law makes the insured decide on in writing; the deductibles it makes
    // the pack offer.
    let mut required: Vec<(String, Range<usize>)> = law.required_coverages.iter().map(|c| ((*c).to_owned(), 0..0)).collect();
    if let Some(rules) = &raw.state_rules {
        required.extend(rules.get_ref().required_coverages.iter().map(|c| (c.clone(), rules.span())));
    }
    law.check_coverages(&state, &coverages, &required).map_err(|(span, field, message)| ctx.state_rule(span, field, message))?;

    let coverage_set = |list: &Option<Spanned<Vec<String>>>, field: &str| -> Result<Option<Vec<usize>>, PackError> {
        let Some(list) = list else { return Ok(None) };
        list.get_ref()
            .iter()
            .map(|code| {
                coverages
                    .iter()
                    .position(|c| &*c.code == code)
                    .ok_or_else(|| ctx.invalid(list.span(), field, format!("no coverage `{code}` in this pack")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    };
    let conditions = |list: &[Spanned<RawCondition>], field: &str| -> Result<Vec<Condition>, PackError> {
        list.iter().enumerate().map(|(k, c)| condition(&ctx, c, &format!("{field}.when[{k}]"), &resolve)).collect()
    };

    let adjustments = |list: &[Spanned<raw::RawAdjustment>], kind: &str| -> Result<Vec<Adjustment>, PackError> {
        let mut out: Vec<Adjustment> = Vec::with_capacity(list.len());
        for (i, spanned) in list.iter().enumerate() {
            let a = spanned.get_ref();
            let field = format!("{kind}[{i}]");
            let rate = ctx.decimal(&a.rate, &format!("{field}.rate"))?;
            if rate <= Decimal::ZERO || (kind == "discounts" && rate >= Decimal::ONE) {
                return Err(ctx.invalid(
                    a.rate.span(),
                    format!("{field}.rate"),
                    format!("{rate} is not a fraction between 0 and 1 (0.20 is 20%)"),
                ));
            }
            if out.iter().any(|x| &*x.code == a.code.get_ref()) {
                return Err(ctx.invalid(a.code.span(), format!("{field}.code"), format!("`{}` is defined twice", a.code.get_ref())));
            }
            let eligibility = match (&a.eligibility, a.when.is_empty()) {
                (Some(name), true) => Eligibility::Statutory(Statutory::parse(name.get_ref()).ok_or_else(|| {
                    ctx.invalid(
                        name.span(),
                        format!("{field}.eligibility"),
                        format!("`{}` is not a statutory test the engine knows (ca-good-driver)", name.get_ref()),
                    )
                })?),
                (Some(name), false) => {
                    return Err(ctx.invalid(name.span(), format!("{field}.eligibility"), "give `eligibility` or `when`, not both"))
                }
                (None, _) => Eligibility::Conditions(conditions(&a.when, &field)?),
            };
            out.push(Adjustment {
                code: Arc::from(a.code.get_ref().as_str()),
                name: Arc::from(a.name.as_str()),
                rate,
                coverages: coverage_set(&a.coverages, &format!("{field}.coverages"))?,
                eligibility,
            });
        }
        Ok(out)
    };
    let discounts = adjustments(&raw.discounts, "discounts")?;
    let surcharges = adjustments(&raw.surcharges, "surcharges")?;
    law.check_discounts(&discounts).map_err(|(field, message)| ctx.state_rule(0..0, field, message))?;

    let fees = raw.fees.iter().enumerate().map(|(i, f)| fee(&ctx, i, f, product)).collect::<Result<Vec<_>, _>>()?;
    let minimum_premium = raw.minimum_premium.as_ref().map(|m| ctx.decimal(m, "minimum_premium")).transpose()?;

    let mut plans: Vec<Plan> = Vec::with_capacity(raw.installment_plans.len());
    for (i, p) in raw.installment_plans.iter().enumerate() {
        let p = p.get_ref();
        let n = *p.installments.get_ref();
        if n == 0 || n > 12 {
            return Err(ctx.invalid(
                p.installments.span(),
                format!("installment_plans[{i}].installments"),
                format!("{n} is not 1 to 12 installments"),
            ));
        }
        if plans.iter().any(|x| &x.code == p.code.get_ref()) {
            return Err(ctx.invalid(
                p.code.span(),
                format!("installment_plans[{i}].code"),
                format!("`{}` is defined twice", p.code.get_ref()),
            ));
        }
        let fee = p
            .installment_fee
            .as_ref()
            .map(|f| ctx.decimal(f, &format!("installment_plans[{i}].installment_fee")))
            .transpose()?
            .unwrap_or(Decimal::ZERO);
        plans.push(Plan { code: p.code.get_ref().clone(), name: p.name.clone(), installments: n, installment_fee: fee });
    }
    if plans.is_empty() {
        return Err(ctx.invalid(0..0, "installment_plans", "a pack needs at least one installment plan"));
    }

    let mut underwriting = Vec::with_capacity(raw.underwriting.len());
    for (i, r) in raw.underwriting.iter().enumerate() {
        let rule = r.get_ref();
        let field = format!("underwriting[{i}]");
        let action = match rule.action.get_ref().as_str() {
            "refer" => Action::Refer,
            "decline" => Action::Decline,
            other => return Err(ctx.invalid(rule.action.span(), format!("{field}.action"), format!("`{other}` is not refer or decline"))),
        };
        let when = conditions(&rule.when, &field)?;
        if when.is_empty() {
            return Err(ctx.invalid(r.span(), format!("{field}.when"), "a rule needs at least one condition"));
        }
        if law.credit_not_sole_reason && when.iter().all(|c| c.var == Variable::CreditTier) {
            return Err(ctx.state_rule(
                r.span(),
                format!("{field}.when"),
                format!("credit may not be the sole reason to {} in {state} (Tex. Ins. Code 559.052)", rule.action.get_ref()),
            ));
        }
        underwriting.push(Rule { code: Arc::from(rule.code.get_ref().as_str()), action, message: Arc::from(rule.message.as_str()), when });
    }

    if law.credit_no_hit_neutral {
        for c in &coverages {
            for s in &c.steps {
                if let StepKind::Lookup { table, keys } | StepKind::BaseTable { table, keys } = &s.kind {
                    if !keys.contains(&Variable::CreditTier) {
                        continue;
                    }
                    let name = &tables[*table].name;
                    if keys.len() > 1 || matches!(s.kind, StepKind::BaseTable { .. }) {
                        return Err(ctx.state_rule(
                            0..0,
                            format!("tables.{name}"),
                            format!("in {state} credit is keyed alone, by a factor table, so a missing credit history can be seen to be neutral (Tex. Ins. Code 559.052(b))"),
                        ));
                    }
                    if tables[*table].exact_value("no-hit") != Some(Decimal::ONE) {
                        return Err(ctx.state_rule(
                            0..0,
                            format!("tables.{name}"),
                            format!("a missing credit history must be neutral in {state}: the `no-hit` row must be exactly 1"),
                        ));
                    }
                }
            }
        }
        // A discount or surcharge that reads credit may not reach a risk
        // with no credit history: it would not be neutral.
        let no_hit = Value::Text(Arc::from("no-hit"));
        for (kind, list) in [("discounts", &discounts), ("surcharges", &surcharges)] {
            for a in list {
                let Eligibility::Conditions(conditions) = &a.eligibility else { continue };
                let credit: Vec<&Condition> = conditions.iter().filter(|c| c.var == Variable::CreditTier).collect();
                let reaches = |c: &&Condition| match c.op {
                    CompareOp::Eq | CompareOp::In => c.value.contains(&no_hit),
                    CompareOp::Ne => !c.value.contains(&no_hit),
                    _ => true,
                };
                if !credit.is_empty() && credit.iter().all(reaches) {
                    return Err(ctx.state_rule(
                        0..0,
                        format!("{kind}.{}", a.code),
                        format!("it applies to a risk with no credit history, which must be neutral in {state} (Tex. Ins. Code 559.052(b)); add credit_tier != \"no-hit\""),
                    ));
                }
            }
        }
    }

    let risk = raw.risk_model.as_ref().map(|m| risk_model(&ctx, m, &law, &resolve, &state, &coverages)).transpose()?;
    let assignment = match (&raw.driver_assignment, product) {
        (None, _) => AssignmentMethod::Principal,
        (Some(a), Product::PersonalAuto) => AssignmentMethod::parse(a.get_ref().method.get_ref()).ok_or_else(|| {
            ctx.invalid(
                a.get_ref().method.span(),
                "driver_assignment.method",
                format!("`{}` is not highest-rated or principal", a.get_ref().method.get_ref()),
            )
        })?,
        (Some(a), Product::HomeownersHo3) => {
            return Err(ctx.invalid(a.span(), "driver_assignment", "a homeowners pack has no drivers to assign"))
        }
    };

    law.check_rated_on(&coverages, &discounts, &surcharges).map_err(|message| ctx.state_rule(0..0, "coverages", message))?;

    let mut refunds = Refunds::default();
    if let Some(raw_refunds) = &raw.refunds {
        let r = raw_refunds.get_ref();
        for (field, value, slot) in [
            ("refunds.insured_request", &r.insured_request, &mut refunds.insured_request),
            ("refunds.replaced_or_sold", &r.replaced_or_sold, &mut refunds.replaced_or_sold),
        ] {
            let Some(value) = value else { continue };
            let method = RefundMethod::parse(value.get_ref()).ok_or_else(|| {
                ctx.invalid(value.span(), field, format!("`{}` is not pro-rata, short-rate-table or \"N% of pro-rata\"", value.get_ref()))
            })?;
            if let Some((least, why)) = law.refund_floor {
                if method.floor().is_none_or(|f| f < least) {
                    return Err(ctx.state_rule(
                        value.span(),
                        field,
                        format!("{} returns less than {least}% of pro rata: {why}", method.describe()),
                    ));
                }
            }
            *slot = Some(method);
        }
    }

    let digest = digest::digest(files);
    let status = match mode {
        LoadMode::Draft => PackStatus::Draft,
        LoadMode::Verified(trusted) => {
            let path = files.path_of(SIGNATURE_FILE);
            let text = files.files.get(SIGNATURE_FILE).ok_or_else(|| PackError::Unsigned { path: path.clone() })?;
            let key_id = digest::verify(text, &digest, trusted).map_err(|message| PackError::Signature { path, message })?;
            PackStatus::Signed { key_id }
        }
    };
    let info = PackInfo {
        name: raw.id.get_ref().clone(),
        version: raw.version.get_ref().clone(),
        state,
        product,
        effective_new_business: nb,
        effective_renewal: rn,
        expires: expires.map(|(d, _)| d),
        filing_reference: raw.filing.reference.get_ref().clone(),
        filing_type,
        terms,
    };
    Ok(RatePack {
        id: Arc::from(format!("{}/{}@{}", info.name, info.version, digest.to_hex())),
        info,
        digest,
        status,
        coverage_round,
        step_round,
        points,
        accident_points,
        tables,
        coverages,
        discounts,
        surcharges,
        fees,
        minimum_premium,
        plans,
        underwriting,
        risk,
        assignment,
        credit_forbidden: law.forbidden.iter().find(|(v, _)| *v == Variable::CreditTier).map(|(_, why)| *why),
        elections: law.elections,
        refunds,
    })
}

/// Resolves a variable name used at a span and field, enforcing scope and state law.
type Resolve<'a> = dyn Fn(&str, Range<usize>, &str) -> Result<Variable, PackError> + 'a;

fn fee(ctx: &Ctx<'_>, i: usize, spanned: &Spanned<raw::RawFee>, product: Product) -> Result<Fee, PackError> {
    let f = spanned.get_ref();
    let field = |name: &str| format!("fees[{i}].{name}");
    let non_negative = |s: &Spanned<String>, name: &str| -> Result<Decimal, PackError> {
        let d = ctx.decimal(s, &field(name))?;
        if d.is_sign_negative() {
            return Err(ctx.invalid(s.span(), field(name), "a fee cannot be negative"));
        }
        Ok(d)
    };
    let choice = |s: &Option<Spanned<String>>, name: &str, options: &[&str]| -> Result<Option<usize>, PackError> {
        let Some(s) = s else { return Ok(None) };
        options
            .iter()
            .position(|o| *o == s.get_ref())
            .map(Some)
            .ok_or_else(|| ctx.invalid(s.span(), field(name), format!("`{}` is not one of {}", s.get_ref(), options.join(", "))))
    };
    let per = match choice(&f.per, "per", &["policy", "vehicle", "vehicle-year"])? {
        None | Some(0) => FeePer::Policy,
        Some(1) => FeePer::Vehicle,
        Some(_) => FeePer::VehicleYear,
    };
    if per != FeePer::Policy && product != Product::PersonalAuto {
        let span = f.per.as_ref().map_or(spanned.span(), Spanned::span);
        return Err(ctx.invalid(span, field("per"), "a homeowners policy has no vehicles"));
    }
    let basis = match (&f.amount, &f.rate) {
        (Some(amount), None) => FeeBasis::Flat {
            amount: non_negative(amount, "amount")?,
            per,
            short_term: f.short_term_amount.as_ref().map(|s| non_negative(s, "short_term_amount")).transpose()?,
        },
        (None, Some(rate)) => {
            let r = non_negative(rate, "rate")?;
            if r >= Decimal::ONE {
                return Err(ctx.invalid(rate.span(), field("rate"), format!("{r} is not a fraction below 1 (0.01 is 1%)")));
            }
            if f.per.is_some() || f.short_term_amount.is_some() {
                return Err(ctx.invalid(spanned.span(), field("rate"), "a fee on the premium has no `per` or `short_term_amount`"));
            }
            FeeBasis::OfPremium(r)
        }
        _ => return Err(ctx.invalid(spanned.span(), format!("fees[{i}]"), "a fee has an `amount` or a `rate`, not both")),
    };
    let class = match choice(&f.class, "class", &["non-premium", "premium"])? {
        None | Some(0) => FeeClass::NonPremium,
        Some(_) => FeeClass::Premium,
    };
    let earning = match choice(&f.earning, "earning", &["fully-earned", "pro-rata"])? {
        None | Some(0) => FeeEarning::FullyEarned,
        Some(_) => FeeEarning::ProRata,
    };
    Ok(Fee { code: Arc::from(f.code.as_str()), name: Arc::from(f.name.as_str()), basis, class, earning })
}

fn condition(ctx: &Ctx<'_>, c: &Spanned<RawCondition>, field: &str, resolve: &Resolve<'_>) -> Result<Condition, PackError> {
    let raw = c.get_ref();
    let var = resolve(&raw.var, c.span(), &format!("{field}.var"))?;
    let op = match raw.op.as_str() {
        "==" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        "in" => CompareOp::In,
        other => return Err(ctx.invalid(c.span(), format!("{field}.op"), format!("`{other}` is not one of ==, !=, <, <=, >, >=, in"))),
    };
    let numeric = matches!(var.var_type(), VarType::Integer | VarType::Decimal);
    if matches!(op, CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge) && !numeric {
        return Err(ctx.invalid(
            c.span(),
            format!("{field}.op"),
            format!("{var} is {} and cannot be compared with {}", var.var_type(), raw.op),
        ));
    }
    let one = |v: &toml::Value| -> Result<Value, PackError> {
        let bad = || ctx.invalid(c.span(), format!("{field}.value"), format!("`{v:?}` is not a {} value for {var}", var.var_type()));
        Ok(match (var.var_type(), v) {
            (VarType::Integer, toml::Value::Integer(n)) => Value::Integer(*n),
            (VarType::Decimal, toml::Value::Integer(n)) => Value::Decimal(Decimal::from(*n)),
            (VarType::Decimal, toml::Value::String(s)) => Value::Decimal(Decimal::from_str(s).map_err(|_| bad())?),
            (VarType::Text, toml::Value::String(s)) => Value::Text(Arc::from(s.as_str())),
            (VarType::Boolean, toml::Value::Boolean(b)) => Value::Boolean(*b),
            _ => return Err(bad()),
        })
    };
    let value = match (&raw.value, op) {
        (toml::Value::Array(items), CompareOp::In) => items.iter().map(one).collect::<Result<Vec<_>, _>>()?,
        (_, CompareOp::In) => return Err(ctx.invalid(c.span(), format!("{field}.value"), "`in` needs a list")),
        (v, _) => vec![one(v)?],
    };
    Ok(Condition { var, op, value })
}

fn risk_model(
    ctx: &Ctx<'_>,
    m: &Spanned<raw::RawRiskModel>,
    law: &Jurisdiction,
    resolve: &Resolve<'_>,
    state: &str,
    coverages: &[Coverage],
) -> Result<RiskModel, PackError> {
    let raw = m.get_ref();
    let usage = match raw.usage.get_ref().as_str() {
        "rate" => RiskUsage::Rate,
        "inform" => RiskUsage::Inform,
        other => return Err(ctx.invalid(raw.usage.span(), "risk_model.usage", format!("`{other}` is not rate or inform"))),
    };
    if usage == RiskUsage::Rate && !law.risk_may_rate {
        return Err(ctx.state_rule(
            raw.usage.span(),
            "risk_model.usage",
            format!("the risk score may not move the premium in {state}; use `inform`"),
        ));
    }
    let min_factor = raw.min_factor.as_ref().map(|f| ctx.decimal(f, "risk_model.min_factor")).transpose()?.unwrap_or(Decimal::ONE);
    let max_factor = raw.max_factor.as_ref().map(|f| ctx.decimal(f, "risk_model.max_factor")).transpose()?.unwrap_or(Decimal::ONE);
    if usage == RiskUsage::Rate
        && (min_factor < jurisdiction::RISK_FACTOR_FLOOR || max_factor > jurisdiction::RISK_FACTOR_CAP || min_factor > max_factor)
    {
        return Err(ctx.state_rule(
            m.span(),
            "risk_model",
            format!(
                "a rating risk factor is capped to [{}, {}]; this pack asks for [{min_factor}, {max_factor}]",
                jurisdiction::RISK_FACTOR_FLOOR,
                jurisdiction::RISK_FACTOR_CAP
            ),
        ));
    }
    let mut features = Vec::with_capacity(raw.features.len());
    for (i, f) in raw.features.iter().enumerate() {
        let field = format!("risk_model.features[{i}]");
        let feature = f.get_ref();
        let var = resolve(&feature.var, f.span(), &format!("{field}.var"))?;
        let text = var.var_type() == VarType::Text;
        if text != feature.level.is_some() {
            return Err(ctx.invalid(
                f.span(),
                format!("{field}.level"),
                if text {
                    format!("{var} is text; give the `level` this coefficient applies to")
                } else {
                    format!("{var} is not text; it takes no `level`")
                },
            ));
        }
        let coefficient = Decimal::from_str(&feature.coefficient).map_err(|_| {
            ctx.invalid(f.span(), format!("{field}.coefficient"), format!("`{}` is not a decimal number", feature.coefficient))
        })?;
        let base = match &feature.base {
            None => Decimal::ZERO,
            Some(_) if text => {
                return Err(ctx.invalid(f.span(), format!("{field}.base"), format!("{var} is text; an indicator has no base")))
            }
            Some(b) => Decimal::from_str(b)
                .map_err(|_| ctx.invalid(f.span(), format!("{field}.base"), format!("`{b}` is not a decimal number")))?,
        };
        features.push(Feature { var, level: feature.level.clone(), base, coefficient });
    }
    if law.credit_not_sole_reason && raw.refer_above.is_some() && features.iter().any(|f| f.var == Variable::CreditTier) {
        return Err(ctx.state_rule(
            m.span(),
            "risk_model.features",
            format!("a score that reads credit may not refer in {state}: a referral could rest on credit alone (Tex. Ins. Code 559.052(a)(2)); leave credit out or drop refer_above"),
        ));
    }
    let rates = match (usage, &raw.basis, &raw.coverages) {
        (RiskUsage::Inform, None, None) => None,
        (RiskUsage::Inform, _, _) => {
            return Err(ctx.invalid(m.span(), "risk_model", "a model that only informs has no `basis` or `coverages`"));
        }
        (RiskUsage::Rate, Some(basis), Some(list)) => {
            let basis_value = match basis.get_ref().as_str() {
                "class-plan-offset" => RiskBasis::ClassPlanOffset,
                "replaces-factors" => RiskBasis::ReplacesFactors,
                other => {
                    return Err(ctx.invalid(
                        basis.span(),
                        "risk_model.basis",
                        format!("`{other}` is not class-plan-offset or replaces-factors"),
                    ))
                }
            };
            let mut indexes = Vec::with_capacity(list.get_ref().len());
            for code in list.get_ref() {
                let i = coverages
                    .iter()
                    .position(|c| &*c.code == code)
                    .ok_or_else(|| ctx.invalid(list.span(), "risk_model.coverages", format!("no coverage `{code}` in this pack")))?;
                if basis_value == RiskBasis::ReplacesFactors {
                    let priced = coverages[i].steps.iter().find_map(|s| match &s.kind {
                        StepKind::Lookup { keys, .. } | StepKind::BaseTable { keys, .. } => {
                            keys.iter().find(|k| features.iter().any(|f| f.var == **k)).map(|k| (s.label.clone(), *k))
                        }
                        _ => None,
                    });
                    if let Some((label, var)) = priced {
                        return Err(ctx.invalid(
                            list.span(),
                            "risk_model.coverages",
                            format!("{code}'s step `{label}` prices {var}, which a model that replaces factors prices in its place"),
                        ));
                    }
                }
                indexes.push(i);
            }
            if indexes.is_empty() {
                return Err(ctx.invalid(list.span(), "risk_model.coverages", "name the coverages the model multiplies"));
            }
            Some((basis_value, indexes))
        }
        (RiskUsage::Rate, _, _) => {
            return Err(ctx.invalid(
                raw.usage.span(),
                "risk_model",
                "a model that moves the premium says how it was fitted (basis = \"class-plan-offset\" or \"replaces-factors\") and which coverages it multiplies (coverages = [...]): a model fitted apart from the class plan prices its variables twice",
            ));
        }
    };
    Ok(RiskModel {
        usage,
        rates,
        intercept: ctx.decimal(&raw.intercept, "risk_model.intercept")?,
        features,
        min_factor,
        max_factor,
        refer_above: raw.refer_above.as_ref().map(|r| ctx.decimal(r, "risk_model.refer_above")).transpose()?,
    })
}
