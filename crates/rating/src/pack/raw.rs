//! The raw form of a manifest: what serde reads, with spans, nothing checked
//! beyond syntax and types. `compile` turns it into a [`RatePack`](super::RatePack).

use std::collections::BTreeMap;

use serde::Deserialize;
use time::Date;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawManifest {
    pub format: Spanned<u32>,
    pub id: Spanned<String>,
    pub state: Spanned<String>,
    pub product: Spanned<String>,
    pub version: Spanned<String>,
    pub effective: RawEffective,
    pub filing: RawFiling,
    pub terms: Spanned<Vec<u32>>,
    pub rounding: RawRounding,
    #[serde(default)]
    pub points: Option<Spanned<BTreeMap<String, u32>>>,
    #[serde(default)]
    pub tables: BTreeMap<String, Spanned<RawTable>>,
    pub coverages: Vec<Spanned<RawCoverage>>,
    #[serde(default)]
    pub discounts: Vec<Spanned<RawAdjustment>>,
    #[serde(default)]
    pub surcharges: Vec<Spanned<RawAdjustment>>,
    #[serde(default)]
    pub fees: Vec<Spanned<RawFee>>,
    #[serde(default)]
    pub minimum_premium: Option<Spanned<String>>,
    pub installment_plans: Vec<Spanned<RawPlan>>,
    #[serde(default)]
    pub state_rules: Option<Spanned<RawStateRules>>,
    #[serde(default)]
    pub underwriting: Vec<Spanned<RawRule>>,
    #[serde(default)]
    pub risk_model: Option<Spanned<RawRiskModel>>,
    #[serde(default)]
    pub driver_assignment: Option<Spanned<RawAssignment>>,
    #[serde(default)]
    pub refunds: Option<Spanned<RawRefunds>>,
    #[serde(default)]
    pub property_limits: Option<Spanned<RawPropertyLimits>>,
}

/// Homeowners Coverages B to D as percentages of Coverage A
/// (`[property_limits]`): the company manual's limits, rated within the
/// dwelling's premium and printed on proposals and declarations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPropertyLimits {
    pub other_structures: Spanned<String>,
    pub personal_property: Spanned<String>,
    pub loss_of_use: Spanned<String>,
}

/// How premium is returned when the insured cancels (`[refunds]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRefunds {
    /// `pro-rata`, `short-rate-table` or `N% of pro-rata`.
    #[serde(default)]
    pub insured_request: Option<Spanned<String>>,
    /// The same, when the insured replaced the policy or sold the car or home.
    #[serde(default)]
    pub replaced_or_sold: Option<Spanned<String>>,
}

/// How drivers are assigned to vehicles for rating (personal auto).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAssignment {
    /// `highest-rated` or `principal`.
    pub method: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEffective {
    pub new_business: Spanned<toml::value::Datetime>,
    pub renewal: Spanned<toml::value::Datetime>,
    #[serde(default)]
    pub expires: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFiling {
    pub reference: Spanned<String>,
    #[serde(rename = "type")]
    pub filing_type: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRounding {
    pub coverage: Spanned<RawRound>,
    #[serde(default)]
    pub step: Option<Spanned<RawRound>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRound {
    pub places: u32,
    pub mode: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTable {
    pub file: Spanned<String>,
    pub keys: Vec<Spanned<RawKey>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKey {
    pub column: String,
    #[serde(rename = "match")]
    pub match_kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCoverage {
    pub code: Spanned<String>,
    pub name: String,
    /// `vehicle` or `policy`.
    pub per: Spanned<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub limits: Vec<String>,
    #[serde(default)]
    pub deductibles: Vec<String>,
    #[serde(default)]
    pub minimum: Option<Spanned<String>>,
    pub steps: Vec<Spanned<RawStep>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub op: Spanned<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub value: Option<Spanned<String>>,
    #[serde(default)]
    pub table: Option<Spanned<String>>,
    #[serde(default)]
    pub keys: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub places: Option<u32>,
    #[serde(default)]
    pub mode: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAdjustment {
    pub code: Spanned<String>,
    pub name: String,
    /// A fraction: `0.20` is 20%.
    pub rate: Spanned<String>,
    /// Coverage codes it applies to; every coverage when absent.
    #[serde(default)]
    pub coverages: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub when: Vec<Spanned<RawCondition>>,
    /// A statutory test built into the engine, for example `ca-good-driver`.
    #[serde(default)]
    pub eligibility: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCondition {
    pub var: String,
    pub op: String,
    pub value: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFee {
    pub code: String,
    pub name: String,
    /// A flat amount, per `per`; or else `rate`.
    #[serde(default)]
    pub amount: Option<Spanned<String>>,
    /// A fraction of the premium (0.01 is 1 %).
    #[serde(default)]
    pub rate: Option<Spanned<String>>,
    /// `policy` (default), `vehicle` or `vehicle-year`.
    #[serde(default)]
    pub per: Option<Spanned<String>>,
    /// The amount for terms of six months or less, where it differs.
    #[serde(default)]
    pub short_term_amount: Option<Spanned<String>>,
    /// `non-premium` (default) or `premium`.
    #[serde(default)]
    pub class: Option<Spanned<String>>,
    /// `fully-earned` (default) or `pro-rata`.
    #[serde(default)]
    pub earning: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    pub code: Spanned<String>,
    pub name: String,
    pub installments: Spanned<u32>,
    #[serde(default)]
    pub installment_fee: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStateRules {
    #[serde(default)]
    pub forbidden_variables: Vec<String>,
    #[serde(default)]
    pub required_coverages: Vec<String>,
    /// Allowed deductible options per coverage code.
    #[serde(default)]
    pub allowed_deductibles: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub code: Spanned<String>,
    /// `refer` or `decline`.
    pub action: Spanned<String>,
    pub message: String,
    pub when: Vec<Spanned<RawCondition>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRiskModel {
    /// `rate` (moves the premium within the caps) or `inform` (referral only).
    pub usage: Spanned<String>,
    pub intercept: Spanned<String>,
    pub features: Vec<Spanned<RawFeature>>,
    #[serde(default)]
    pub min_factor: Option<Spanned<String>>,
    #[serde(default)]
    pub max_factor: Option<Spanned<String>>,
    /// Refer when the predicted frequency exceeds this.
    #[serde(default)]
    pub refer_above: Option<Spanned<String>>,
    /// How a model that rates was fitted: `class-plan-offset` or
    /// `replaces-factors`.
    #[serde(default)]
    pub basis: Option<Spanned<String>>,
    /// The coverages a model that rates applies to.
    #[serde(default)]
    pub coverages: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFeature {
    pub var: String,
    /// For a text variable: the level this coefficient applies to.
    #[serde(default)]
    pub level: Option<String>,
    /// The reference value: the contribution is coefficient x (value - base).
    #[serde(default)]
    pub base: Option<String>,
    pub coefficient: String,
}

/// Converts a TOML date (a local date without time) into a calendar date.
pub(crate) fn toml_date(value: &toml::value::Datetime) -> Option<Date> {
    let date = value.date?;
    if value.time.is_some() || value.offset.is_some() {
        return None;
    }
    let month = time::Month::try_from(date.month).ok()?;
    Date::from_calendar_date(i32::from(date.year), month, date.day).ok()
}
