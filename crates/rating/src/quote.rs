//! Quote input: what an agent enters, and its validation.
//!
//! [`Quote`] mirrors the JSON a quote file or the desktop sends, with unknown
//! fields refused. [`Quote::validate`] checks everything that does not depend
//! on a rate pack and reports every problem at once, each with a field path
//! (`drivers[1].violations[0].date: …`). What depends on the pack (limit and
//! deductible options, required coverages, terms) is checked when rating.
//!
//! "In the future" means after the quote's effective date: the engine has no
//! clock, so the same quote validates the same way years later.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::refdata::{vin, zip};

/// An enum of kebab-case names, with its list and each value's name.
macro_rules! named_enum {
    ($(#[doc = $doc:literal])* $name:ident { $( $(#[doc = $vdoc:literal])* $variant:ident = $text:literal, )* }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $( $(#[doc = $vdoc])* $variant, )* }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The name quotes and packs use.
            pub const fn name(self) -> &'static str {
                match self { $(Self::$variant => $text,)* }
            }
        }
    };
}

/// The products the engine rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Product {
    PersonalAuto,
    HomeownersHo3,
}

impl Product {
    pub const fn name(self) -> &'static str {
        match self {
            Self::PersonalAuto => "personal-auto",
            Self::HomeownersHo3 => "homeowners-ho3",
        }
    }

    /// The product [`Product::name`] names.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::PersonalAuto, Self::HomeownersHo3].into_iter().find(|p| p.name() == name)
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A quote as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Quote {
    pub product: Product,
    /// Two-letter state code of the risk.
    pub state: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub effective_date: Date,
    pub term_months: u32,
    /// A renewal of an existing policy (rated on the renewal pack) rather than new business.
    #[serde(default)]
    pub renewal: bool,
    pub applicant: Applicant,
    #[serde(default)]
    pub drivers: Vec<Driver>,
    #[serde(default)]
    pub vehicles: Vec<Vehicle>,
    #[serde(default)]
    pub dwelling: Option<Dwelling>,
    pub coverages: Vec<CoverageChoice>,
    /// Losses in the past five years (homeowners, and auto comprehensive).
    #[serde(default)]
    pub prior_claims: Vec<Claim>,
    /// Credit-based insurance score tier; only where the state allows it.
    #[serde(default)]
    pub credit_tier: Option<String>,
    /// Installment plan code from the pack.
    pub installment_plan: String,
    /// The insured's cover before this policy (personal auto), when known.
    /// Left out when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub prior_insurance: Option<PriorInsurance>,
    /// A renewal: the day the policy was first written with this insurer
    /// (its tenure runs from it). Left out when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub inception_date: Option<Date>,
    /// How the premium is paid. Left out when not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub payment_method: Option<PaymentMethod>,
    /// Coverage decisions the insured signed: rejections of coverages the
    /// state includes unless rejected in writing, answers to the offers it
    /// requires, lower uninsured motorist limits. Left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<Election>>"))]
    pub elections: Vec<Election>,
}

/// The insured's cover before this policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct PriorInsurance {
    /// The insurer, as the declarations page names it.
    pub carrier: String,
    /// Months of continuous cover up to the end of the prior policy.
    pub months: u32,
    /// Days without cover between the prior policy's end and this policy's
    /// effective date (0 when it ends the day this one starts).
    pub lapse_days: u32,
}

named_enum! {
    /// How the premium is paid.
    PaymentMethod {
        /// Automatic withdrawal from a bank account (electronic funds transfer).
        Eft = "eft",
        /// A payment card.
        Card = "card",
        /// A check or any other payment the insured makes each time.
        Check = "check",
    }
}

/// One coverage decision the insured signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Election {
    /// The coverage code, as the pack names it (`PIP`, `UM`, `EARTHQUAKE`).
    pub coverage: String,
    pub decision: ElectionDecision,
    /// The signed form's id and edition, as the carrier files it.
    pub form: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub signed_on: Date,
    /// Who signed: the named insured, or someone they authorised.
    pub signed_by: String,
}

named_enum! {
    /// What the insured decided.
    ElectionDecision {
        /// Declined the coverage.
        Rejected = "rejected",
        /// Took the offered coverage.
        Accepted = "accepted",
        /// Chose uninsured motorist limits below bodily injury's.
        LowerLimits = "lower-limits",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name: String,
    pub address: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Driver {
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date_of_birth: Date,
    /// Date first licensed.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub license_date: Date,
    #[serde(default)]
    pub violations: Vec<Violation>,
    #[serde(default)]
    pub accidents: Vec<Accident>,
    #[serde(default)]
    pub good_student: bool,
    #[serde(default)]
    pub defensive_driving: bool,
    /// The day the driver completed the course (a course discount lasts a
    /// number of years from it). Left out when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub course_date: Option<Date>,
    /// Excluded by name from the policy's cover (a named-driver exclusion,
    /// signed by the insured): listed, never rated, never a principal driver.
    /// Left out when false, so quotes without exclusions read as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub excluded: bool,
}

/// Moving violations, as a points schedule names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    Speeding,
    RunningRedLight,
    FailureToYield,
    RecklessDriving,
    Dui,
    SuspendedLicense,
    OtherMoving,
}

impl ViolationKind {
    pub const ALL: [Self; 7] = [
        Self::Speeding,
        Self::RunningRedLight,
        Self::FailureToYield,
        Self::RecklessDriving,
        Self::Dui,
        Self::SuspendedLicense,
        Self::OtherMoving,
    ];

    /// Points as California's Vehicle Code 12810 counts them, which the
    /// Good Driver test uses whatever a pack's `[points]` say (Ins. Code
    /// 1861.025(b), 10 CCR 2632.13.1(b)).
    pub const fn california_points(self) -> i64 {
        match self {
            Self::Speeding | Self::RunningRedLight | Self::FailureToYield | Self::OtherMoving => 1,
            Self::RecklessDriving | Self::Dui | Self::SuspendedLicense => 2,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::Speeding => "speeding",
            Self::RunningRedLight => "running-red-light",
            Self::FailureToYield => "failure-to-yield",
            Self::RecklessDriving => "reckless-driving",
            Self::Dui => "dui",
            Self::SuspendedLicense => "suspended-license",
            Self::OtherMoving => "other-moving",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Violation {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: Date,
    pub kind: ViolationKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Accident {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: Date,
    pub at_fault: bool,
    #[serde(default)]
    pub bodily_injury: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum VehicleUse {
    Pleasure,
    Commute,
    Business,
}

impl VehicleUse {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pleasure => "pleasure",
            Self::Commute => "commute",
            Self::Business => "business",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Vehicle {
    /// Optional at quote time (a quote may rate on year alone); checked when given.
    #[serde(default)]
    pub vin: Option<String>,
    pub year: i32,
    #[serde(default)]
    pub make: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(rename = "use")]
    pub usage: VehicleUse,
    pub annual_miles: u32,
    pub garaging_zip: String,
    #[serde(default)]
    pub anti_theft: bool,
    /// Index into `drivers` of the vehicle's principal operator, whose record rates it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub principal_driver: usize,
    /// The manufacturer's suggested retail price when new, in dollars: it
    /// gives the price symbol physical damage is rated by. Left out when
    /// not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub cost_new: Option<Decimal>,
}

impl Vehicle {
    /// The price symbol of the vehicle's cost new (`1` to `27`, ISO-style
    /// bands), or `unknown` without one.
    pub fn price_symbol(&self) -> &'static str {
        const SYMBOLS: [&str; 27] = [
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22",
            "23", "24", "25", "26", "27",
        ];
        // The upper bound of each symbol's band, in dollars.
        const BANDS: [u32; 26] = [
            11_000, 12_000, 13_500, 15_000, 17_000, 19_000, 21_000, 23_000, 25_000, 27_000, 30_000, 33_000, 36_000, 40_000, 45_000, 50_000,
            55_000, 60_000, 65_000, 70_000, 75_000, 85_000, 100_000, 125_000, 150_000, 200_000,
        ];
        match self.cost_new {
            None => "unknown",
            Some(cost) => SYMBOLS[BANDS.iter().position(|&b| cost <= Decimal::from(b)).unwrap_or(BANDS.len())],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Construction {
    Frame,
    Masonry,
    MasonryVeneer,
    FireResistive,
}

impl Construction {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Frame => "frame",
            Self::Masonry => "masonry",
            Self::MasonryVeneer => "masonry-veneer",
            Self::FireResistive => "fire-resistive",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum RoofType {
    AsphaltShingle,
    Metal,
    Tile,
    Slate,
    WoodShake,
    Flat,
}

impl RoofType {
    pub const fn name(self) -> &'static str {
        match self {
            Self::AsphaltShingle => "asphalt-shingle",
            Self::Metal => "metal",
            Self::Tile => "tile",
            Self::Slate => "slate",
            Self::WoodShake => "wood-shake",
            Self::Flat => "flat",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Dwelling {
    pub year_built: i32,
    pub construction: Construction,
    pub protection_class: u8,
    pub roof_age: u32,
    pub roof_type: RoofType,
    pub square_feet: u32,
    /// Coverage A limit in dollars.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub coverage_a: Decimal,
    /// Where the dwelling is, when that is not the applicant's mailing
    /// address: it is rated here, and must be in the quoted state (the
    /// mailing address then may be anywhere). Left out when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address: Option<Address>,
    /// Windstorm loss-reduction features, as a wind mitigation inspection
    /// records them (Florida's form OIR-B1-1802). Left out when the home was
    /// not inspected: it then rates as unknown on every feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub wind_mitigation: Option<WindMitigation>,
    /// Wildfire mitigation of the property and its community (10 CCR
    /// 2644.9). Left out when none is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub wildfire_mitigation: Option<WildfireMitigation>,
}

named_enum! {
    /// Roof geometry (OIR-B1-1802 question 4).
    RoofShape {
        /// Hip roof: sloped on every side.
        Hip = "hip",
        /// Flat roof (less than 2:12 pitch) over most of the roof.
        Flat = "flat",
        /// Any other: gable and the rest.
        Other = "other",
    }
}

named_enum! {
    /// Roof-deck attachment (OIR-B1-1802 question 3), weakest to strongest.
    RoofDeck {
        /// Plywood or OSB with 6d nails at 6\" edge, 12\" field.
        A = "a",
        /// 8d nails at 6\" edge, 12\" field.
        B = "b",
        /// 8d nails at 6\" edge and field.
        C = "c",
        /// Reinforced concrete deck.
        D = "d",
    }
}

named_enum! {
    /// Roof-to-wall attachment (OIR-B1-1802 question 5), weakest to strongest.
    RoofToWall {
        ToeNails = "toe-nails",
        Clips = "clips",
        SingleWraps = "single-wraps",
        DoubleWraps = "double-wraps",
    }
}

named_enum! {
    /// Opening protection of every glazed opening (OIR-B1-1802 question 7).
    OpeningProtection {
        /// None, or not every opening protected.
        None = "none",
        /// Protected against windborne debris at the basic level (class B).
        Basic = "basic",
        /// Hurricane impact-rated (class A) on every opening.
        Hurricane = "hurricane",
    }
}

/// What a wind mitigation inspection found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct WindMitigation {
    pub roof_shape: RoofShape,
    pub roof_deck: RoofDeck,
    pub roof_to_wall: RoofToWall,
    pub opening_protection: OpeningProtection,
    /// A secondary water barrier under the roof covering.
    pub secondary_water_resistance: bool,
}

named_enum! {
    /// A community wildfire designation 10 CCR 2644.9 names.
    WildfireCommunity {
        /// A Firewise USA site in good standing.
        FirewiseUsa = "firewise-usa",
        /// A Fire Risk Reduction Community the Board of Forestry lists.
        FireRiskReductionCommunity = "fire-risk-reduction-community",
    }
}

named_enum! {
    /// A property-level wildfire mitigation measure 10 CCR 2644.9 names.
    WildfireMeasure {
        /// A Class A fire-rated roof.
        ClassARoof = "class-a-roof",
        /// Five feet of ember-resistant zone around the home, fencing included.
        EmberResistantZone = "ember-resistant-zone",
        /// Six inches of noncombustible vertical clearance at the base of the walls.
        NoncombustibleClearance = "noncombustible-clearance",
        /// Ember- and fire-resistant vents.
        EmberResistantVents = "ember-resistant-vents",
        /// Enclosed eaves.
        EnclosedEaves = "enclosed-eaves",
        /// Multi-pane or tempered windows.
        UpgradedWindows = "upgraded-windows",
        /// Defensible space as state and local law require.
        DefensibleSpace = "defensible-space",
    }
}

/// Wildfire mitigation recorded for a home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct WildfireMitigation {
    /// The home's community designation, if any.
    #[serde(default)]
    pub community: Option<WildfireCommunity>,
    /// The property-level measures in place, each once.
    #[serde(default)]
    pub measures: Vec<WildfireMeasure>,
}

impl Dwelling {
    /// The ZIP the dwelling is rated at: its own address's, else the
    /// applicant's.
    pub fn risk_zip<'a>(&'a self, applicant: &'a Applicant) -> &'a str {
        self.address.as_ref().map_or(applicant.address.zip.as_str(), |a| a.zip.as_str())
    }
}

/// A coverage the agent selected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CoverageChoice {
    pub code: String,
    #[serde(default)]
    pub limit: Option<String>,
    #[serde(default)]
    pub deductible: Option<String>,
    /// For per-vehicle coverages: the vehicles (indexes) it covers; all when absent.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number[] | null"))]
    pub vehicles: Option<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Claim {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: Date,
    /// Cause of loss, for example `water`, `wind`, `theft`, `liability`.
    pub cause: String,
}

impl Claim {
    /// Causes no insured could prevent, and appliance claims, which Texas
    /// does not let a surcharge or non-renewal rest on (Tex. Ins. Code
    /// 551.107, 544.353) and Florida does not let a cancellation rest on
    /// (Fla. Stat. 627.4133(3)).
    pub const NATURAL_OR_APPLIANCE: &'static [&'static str] = &[
        "hail",
        "wind",
        "windstorm",
        "hurricane",
        "tornado",
        "lightning",
        "flood",
        "earthquake",
        "wildfire",
        "freeze",
        "winter-storm",
        "weather",
        "act-of-god",
        "appliance",
    ];

    /// Whether the cause (case-insensitive, spaces as hyphens) is one of
    /// [`Self::NATURAL_OR_APPLIANCE`].
    pub fn natural_or_appliance(&self) -> bool {
        let cause = self.cause.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Self::NATURAL_OR_APPLIANCE.contains(&cause.as_str())
    }
}

fn shown(option: &Option<String>) -> &str {
    option.as_deref().unwrap_or("none")
}

/// One problem with a quote's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InputError {
    /// Where: `drivers[1].violations[0].date`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem found in a quote, in field order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// A quote that passed [`Quote::validate`]. Only this type can be rated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidQuote(Quote);

impl ValidQuote {
    pub fn quote(&self) -> &Quote {
        &self.0
    }

    pub fn into_inner(self) -> Quote {
        self.0
    }
}

impl std::ops::Deref for ValidQuote {
    type Target = Quote;
    fn deref(&self) -> &Quote {
        &self.0
    }
}

#[derive(Default)]
struct Problems(Vec<InputError>);

impl Problems {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(InputError { path: path.into(), message: message.into() });
    }

    fn not_after(&mut self, path: String, date: Date, effective: Date) {
        if date > effective {
            self.push(path, format!("{date} is in the future (after the effective date {effective})"));
        }
    }
}

impl Quote {
    /// Parses a quote from JSON, naming the line and column of a syntax or
    /// shape error.
    pub fn from_json(text: &str) -> Result<Self, InputErrors> {
        serde_json::from_str(text)
            .map_err(|e| InputErrors(vec![InputError { path: format!("line {} column {}", e.line(), e.column()), message: e.to_string() }]))
    }

    /// Checks everything that does not depend on a pack.
    pub fn validate(self) -> Result<ValidQuote, InputErrors> {
        let mut p = Problems::default();
        let q = &self;
        if q.state.len() != 2 || !q.state.bytes().all(|b| b.is_ascii_uppercase()) {
            p.push("state", format!("`{}` is not a two-letter upper-case state code", q.state));
        }
        if q.term_months == 0 || q.term_months > 12 {
            p.push("term_months", format!("{} is not a term of 1 to 12 months", q.term_months));
        }
        if q.applicant.name.trim().is_empty() {
            p.push("applicant.name", "must not be empty");
        }
        // A home rated at its own address may have its owner's mail go
        // anywhere; otherwise the mailing address is where the risk is.
        let risk_elsewhere = q.product == Product::HomeownersHo3 && q.dwelling.as_ref().is_some_and(|d| d.address.is_some());
        if risk_elsewhere {
            check_zip(&mut p, "applicant.address.zip", &q.applicant.address.zip, &q.applicant.address.state);
        } else {
            check_zip(&mut p, "applicant.address.zip", &q.applicant.address.zip, &q.state);
            if q.applicant.address.state != q.state {
                p.push("applicant.address.state", format!("`{}` differs from the quoted state `{}`", q.applicant.address.state, q.state));
            }
        }
        if q.installment_plan.trim().is_empty() {
            p.push("installment_plan", "must not be empty");
        }
        let eff = q.effective_date;
        match q.product {
            Product::PersonalAuto => validate_auto(&mut p, q),
            Product::HomeownersHo3 => validate_home(&mut p, q),
        }
        for (i, claim) in q.prior_claims.iter().enumerate() {
            p.not_after(format!("prior_claims[{i}].date"), claim.date, eff);
            if claim.cause.trim().is_empty() {
                p.push(format!("prior_claims[{i}].cause"), "must not be empty");
            }
        }
        if let Some(tier) = &q.credit_tier {
            if tier.trim().is_empty() {
                p.push("credit_tier", "must not be empty when present; leave it out when there is no credit tier");
            }
        }
        for (i, c) in q.coverages.iter().enumerate() {
            // A per-vehicle coverage may be selected once per group of
            // vehicles, each with its own deductible (COLL $500 on one car,
            // $1,000 on another); its limit is the policy's.
            let earlier: Vec<(usize, &CoverageChoice)> = q.coverages[..i].iter().enumerate().filter(|(_, e)| e.code == c.code).collect();
            if let Some(&(first, first_choice)) = earlier.first() {
                if c.vehicles.is_none() || earlier.iter().any(|(_, e)| e.vehicles.is_none()) {
                    p.push(
                        format!("coverages[{i}].code"),
                        format!("coverage `{}` is selected twice; to vary it by vehicle, give each selection its own `vehicles`", c.code),
                    );
                } else if c.limit != first_choice.limit {
                    p.push(
                        format!("coverages[{i}].limit"),
                        format!(
                            "{}'s limit is the policy's: {} here, {} on coverages[{first}]",
                            c.code,
                            shown(&c.limit),
                            shown(&first_choice.limit)
                        ),
                    );
                }
                for (j, v) in c.vehicles.iter().flatten().enumerate() {
                    if let Some((k, _)) = earlier.iter().find(|(_, e)| e.vehicles.as_ref().is_some_and(|on| on.contains(v))) {
                        p.push(format!("coverages[{i}].vehicles[{j}]"), format!("vehicle {v} already has {} on coverages[{k}]", c.code));
                    }
                }
            }
            if let Some(vehicles) = &c.vehicles {
                if q.product != Product::PersonalAuto {
                    p.push(format!("coverages[{i}].vehicles"), "only personal auto coverages apply to vehicles");
                }
                for (j, &v) in vehicles.iter().enumerate() {
                    if v >= q.vehicles.len() {
                        p.push(format!("coverages[{i}].vehicles[{j}]"), format!("no vehicle {v}; the quote has {}", q.vehicles.len()));
                    } else if vehicles[..j].contains(&v) {
                        // Named twice, it would be charged twice.
                        p.push(format!("coverages[{i}].vehicles[{j}]"), format!("vehicle {v} is named twice"));
                    }
                }
            }
        }
        if q.coverages.is_empty() {
            p.push("coverages", "at least one coverage must be selected");
        }
        if let Some(prior) = &q.prior_insurance {
            if q.product != Product::PersonalAuto {
                p.push("prior_insurance", "only a personal auto quote records prior insurance");
            }
            if prior.carrier.trim().is_empty() {
                p.push("prior_insurance.carrier", "must name the prior insurer");
            }
            if prior.months > 600 {
                p.push("prior_insurance.months", format!("{} months is more than 50 years", prior.months));
            }
        }
        if let Some(inception) = q.inception_date {
            if !q.renewal && inception != eff {
                p.push(
                    "inception_date",
                    format!("{inception} is not the effective date {eff}; new business starts its tenure on the effective date"),
                );
            }
            p.not_after("inception_date".to_owned(), inception, eff);
        }
        for (i, e) in q.elections.iter().enumerate() {
            let at = |field: &str| format!("elections[{i}].{field}");
            if e.coverage.trim().is_empty() {
                p.push(at("coverage"), "must not be empty");
            } else if q.elections[..i].iter().any(|x| x.coverage == e.coverage && x.decision == e.decision) {
                p.push(at("coverage"), format!("{} {} is recorded twice", e.coverage, e.decision.name()));
            }
            if e.form.trim().is_empty() {
                p.push(at("form"), "must name the signed form");
            }
            if e.signed_by.trim().is_empty() {
                p.push(at("signed_by"), "must name who signed");
            }
            p.not_after(at("signed_on"), e.signed_on, eff);
        }
        if p.0.is_empty() {
            Ok(ValidQuote(self))
        } else {
            Err(InputErrors(p.0))
        }
    }
}

fn check_zip(p: &mut Problems, path: &str, zip_code: &str, state: &str) {
    match zip::lookup(zip_code) {
        Ok(place) if place.state == state => {}
        Ok(place) => p.push(path, format!("ZIP {zip_code} is in {}, not in the quoted state {state}", place.state)),
        Err(e) => p.push(path, e.to_string()),
    }
}

fn validate_auto(p: &mut Problems, q: &Quote) {
    let eff = q.effective_date;
    if q.drivers.is_empty() {
        p.push("drivers", "a personal auto quote needs at least one driver");
    }
    if q.vehicles.is_empty() {
        p.push("vehicles", "a personal auto quote needs at least one vehicle");
    }
    if q.dwelling.is_some() {
        p.push("dwelling", "a personal auto quote has no dwelling");
    }
    for (i, d) in q.drivers.iter().enumerate() {
        let at = |field: &str| format!("drivers[{i}].{field}");
        if d.name.trim().is_empty() {
            p.push(at("name"), "must not be empty");
        }
        p.not_after(at("date_of_birth"), d.date_of_birth, eff);
        p.not_after(at("license_date"), d.license_date, eff);
        if let Some(course) = d.course_date {
            p.not_after(at("course_date"), course, eff);
            if !d.defensive_driving {
                p.push(at("course_date"), "a course date belongs to a driver who completed the course (defensive_driving)");
            }
        }
        if full_years(d.date_of_birth, d.license_date) < 14 {
            p.push(at("license_date"), format!("{} is before the driver's 14th birthday", d.license_date));
        }
        for (j, v) in d.violations.iter().enumerate() {
            p.not_after(format!("drivers[{i}].violations[{j}].date"), v.date, eff);
            if v.date < d.date_of_birth {
                p.push(format!("drivers[{i}].violations[{j}].date"), format!("{} is before the driver was born", v.date));
            }
        }
        for (j, a) in d.accidents.iter().enumerate() {
            p.not_after(format!("drivers[{i}].accidents[{j}].date"), a.date, eff);
            if a.date < d.date_of_birth {
                p.push(format!("drivers[{i}].accidents[{j}].date"), format!("{} is before the driver was born", a.date));
            }
        }
    }
    for (i, v) in q.vehicles.iter().enumerate() {
        let at = |field: &str| format!("vehicles[{i}].{field}");
        let max_year = eff.year() + 1;
        if !(1981..=max_year).contains(&v.year) {
            p.push(at("year"), format!("{} is not a model year from 1981 to {max_year}", v.year));
        }
        match v.vin.as_deref().map(vin::decode) {
            None => {}
            Some(Ok(decoded)) if !decoded.model_years.contains(&v.year) => {
                p.push(
                    at("vin"),
                    format!(
                        "model-year code `{}` means {}, not {}",
                        decoded.model_year_code,
                        decoded.model_years.iter().map(ToString::to_string).collect::<Vec<_>>().join(" or "),
                        v.year
                    ),
                );
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => p.push(at("vin"), e.to_string()),
        }
        if v.make.as_deref().is_some_and(|m| m.trim().is_empty()) {
            p.push(at("make"), "must not be empty when given");
        }
        if v.model.as_deref().is_some_and(|m| m.trim().is_empty()) {
            p.push(at("model"), "must not be empty when given");
        }
        if v.annual_miles > 150_000 {
            p.push(at("annual_miles"), format!("{} is more than 150,000 miles a year", v.annual_miles));
        }
        check_zip(p, &at("garaging_zip"), &v.garaging_zip, &q.state);
        match q.drivers.get(v.principal_driver) {
            None => p.push(at("principal_driver"), format!("no driver {}; the quote has {}", v.principal_driver, q.drivers.len())),
            Some(d) if d.excluded => {
                p.push(at("principal_driver"), format!("{} is excluded from cover, so cannot be this vehicle's principal driver", d.name))
            }
            Some(_) => {}
        }
    }
}

fn validate_home(p: &mut Problems, q: &Quote) {
    if !q.drivers.is_empty() {
        p.push("drivers", "a homeowners quote has no drivers");
    }
    if !q.vehicles.is_empty() {
        p.push("vehicles", "a homeowners quote has no vehicles");
    }
    let Some(d) = &q.dwelling else {
        p.push("dwelling", "a homeowners quote needs a dwelling");
        return;
    };
    let eff_year = q.effective_date.year();
    if d.year_built < 1700 || d.year_built > eff_year + 1 {
        p.push("dwelling.year_built", format!("{} is not a year from 1700 to {}", d.year_built, eff_year + 1));
    }
    if !(1..=10).contains(&d.protection_class) {
        p.push("dwelling.protection_class", format!("{} is not a protection class from 1 to 10", d.protection_class));
    }
    if i64::from(d.roof_age) > i64::from(eff_year - d.year_built).max(0) + 1 {
        p.push("dwelling.roof_age", format!("a {}-year-old roof is older than the dwelling (built {})", d.roof_age, d.year_built));
    }
    if d.square_feet < 200 || d.square_feet > 30_000 {
        p.push("dwelling.square_feet", format!("{} is not a living area from 200 to 30,000 square feet", d.square_feet));
    }
    if d.coverage_a <= Decimal::ZERO {
        p.push("dwelling.coverage_a", "must be more than zero");
    }
    if let Some(w) = &d.wildfire_mitigation {
        for (i, m) in w.measures.iter().enumerate() {
            if w.measures[..i].contains(m) {
                p.push(format!("dwelling.wildfire_mitigation.measures[{i}]"), format!("{} is listed twice", m.name()));
            }
        }
    }
    if let Some(a) = &d.address {
        if a.street.trim().is_empty() {
            p.push("dwelling.address.street", "must not be empty");
        }
        if a.city.trim().is_empty() {
            p.push("dwelling.address.city", "must not be empty");
        }
        if a.state != q.state {
            p.push(
                "dwelling.address.state",
                format!("`{}` differs from the quoted state `{}`: a home is quoted where it is", a.state, q.state),
            );
        }
        check_zip(p, "dwelling.address.zip", &a.zip, &q.state);
    }
}

/// Whole years from `from` to `to` (an age).
pub(crate) fn full_years(from: Date, to: Date) -> i64 {
    let mut years = i64::from(to.year() - from.year());
    if (to.month() as u8, to.day()) < (from.month() as u8, from.day()) {
        years -= 1;
    }
    years
}

/// The same calendar day `years` earlier (28 February for 29 February).
pub(crate) fn years_before(date: Date, years: i32) -> Date {
    let year = date.year() - years;
    date.replace_year(year).unwrap_or_else(|_| Date::from_calendar_date(year, date.month(), 28).unwrap_or(date))
}
