//! Rating variables: the closed vocabulary a pack can rate on.
//!
//! A pack names variables as strings (`driver.age`); the loader resolves each
//! to a [`Variable`] and checks its type against how it is used, so an unknown
//! or mistyped variable is a load error with its line, not a rating-time
//! surprise. The values come from a validated quote (see `facts`).

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// The type of a variable's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarType {
    Integer,
    Decimal,
    Text,
    Boolean,
}

impl fmt::Display for VarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Integer => "integer",
            Self::Decimal => "decimal",
            Self::Text => "text",
            Self::Boolean => "boolean",
        })
    }
}

/// What a variable describes, which decides when it has a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The policy as a whole (both products).
    Policy,
    /// The rated driver of a vehicle (personal auto).
    Driver,
    /// A vehicle (personal auto).
    Vehicle,
    /// The dwelling (homeowners).
    Dwelling,
    /// The coverage being rated: its limit and deductible.
    Coverage,
}

macro_rules! variables {
    ($( $(#[doc = $doc:literal])* $name:ident = $text:literal : $ty:ident, $scope:ident; )*) => {
        /// A rating variable.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Variable {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Variable {
            /// Every variable, in declaration order.
            pub const ALL: &'static [Variable] = &[$(Variable::$name,)*];

            /// The name packs use.
            pub const fn name(self) -> &'static str {
                match self { $(Variable::$name => $text,)* }
            }

            /// The type of its value.
            pub const fn var_type(self) -> VarType {
                match self { $(Variable::$name => VarType::$ty,)* }
            }

            /// What it describes.
            pub const fn scope(self) -> Scope {
                match self { $(Variable::$name => Scope::$scope,)* }
            }

            /// Resolves a name used in a pack.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($text => Some(Variable::$name),)* _ => None }
            }
        }
    };
}

variables! {
    /// Term length in months.
    TermMonths = "policy.term_months": Integer, Policy;
    /// Credit-based insurance score tier, where the state allows it (`no-hit` when there is no history).
    CreditTier = "policy.credit_tier": Text, Policy;
    /// Claims in the five years before the effective date.
    PriorClaims5y = "policy.prior_claims_5y": Integer, Policy;
    /// Claims in the three years before the effective date (that day
    /// included) that the insured could be charged for: not caused by
    /// weather or another act of God, nor an appliance (Tex. Ins. Code
    /// 551.107, 544.353); see `quote::Claim::natural_or_appliance`.
    ChargeableClaims3y = "policy.chargeable_claims_3y": Integer, Policy;
    /// Whether this is a renewal (`true`) or new business.
    Renewal = "policy.renewal": Boolean, Policy;
    /// Vehicles on the policy (multi-car programs).
    VehicleCount = "policy.vehicle_count": Integer, Policy;
    /// The quote's installment plan has one installment.
    PaidInFull = "policy.paid_in_full": Boolean, Policy;
    /// The premium is paid by automatic withdrawal (electronic funds transfer).
    Eft = "policy.eft": Boolean, Policy;
    /// Months of continuous prior cover; no value when the quote says nothing of prior insurance.
    PriorInsuranceMonths = "policy.prior_insurance_months": Integer, Policy;
    /// Days without cover before the effective date; no value when the quote says nothing of prior insurance.
    LapseDays = "policy.lapse_days": Integer, Policy;
    /// Whole years since the policy's inception with this insurer, at the
    /// effective date (0 for new business); no value for a renewal without an inception date.
    TenureYears = "policy.tenure_years": Integer, Policy;
    /// Whole years of age at the effective date.
    DriverAge = "driver.age": Integer, Driver;
    /// Whole years since first licensed, at the effective date.
    YearsLicensed = "driver.years_licensed": Integer, Driver;
    /// Violation and at-fault accident points in the three years before the effective date (the pack's points schedule).
    ViolationPoints3y = "driver.violation_points_3y": Integer, Driver;
    /// At-fault accidents in the three years before the effective date.
    AtFaultAccidents3y = "driver.at_fault_accidents_3y": Integer, Driver;
    /// At-fault accidents with bodily injury in the three years before the effective date.
    AtFaultInjuryAccidents3y = "driver.at_fault_injury_accidents_3y": Integer, Driver;
    /// DUI convictions in the three years before the effective date.
    Dui3y = "driver.dui_3y": Integer, Driver;
    /// DUI convictions in the ten years before the effective date.
    Dui10y = "driver.dui_10y": Integer, Driver;
    /// Good-student status.
    GoodStudent = "driver.good_student": Boolean, Driver;
    /// Completed an approved defensive-driving course.
    DefensiveDriving = "driver.defensive_driving": Boolean, Driver;
    /// Whole years since the driver completed the course, at the effective
    /// date; no value without a course date (so a condition on it fails).
    CourseYears = "driver.course_years": Integer, Driver;
    /// Qualifies for California's Good Driver discount by the statute's own
    /// tests (Ins. Code 1861.025): licensed three years, at most one point
    /// counted as Veh. Code 12810 counts them (whatever a pack's points), no
    /// principally-at-fault injury accident in three years, no DUI in ten.
    CaGoodDriver = "driver.ca_good_driver": Boolean, Driver;
    /// Garaging ZIP code.
    GaragingZip = "vehicle.garaging_zip": Text, Vehicle;
    /// Model year.
    ModelYear = "vehicle.model_year": Integer, Vehicle;
    /// Age in years: the effective date's year less the model year (0 for a new model).
    VehicleAge = "vehicle.age": Integer, Vehicle;
    /// Use: `pleasure`, `commute` or `business`.
    VehicleUse = "vehicle.use": Text, Vehicle;
    /// Estimated annual miles.
    AnnualMiles = "vehicle.annual_miles": Integer, Vehicle;
    /// Has a passive anti-theft device.
    AntiTheft = "vehicle.anti_theft": Boolean, Vehicle;
    /// Price symbol of the cost new, `1` to `27`, or `unknown` (see `quote::Vehicle::price_symbol`).
    PriceSymbol = "vehicle.price_symbol": Text, Vehicle;
    /// The dwelling's ZIP code.
    DwellingZip = "dwelling.zip": Text, Dwelling;
    /// Coverage A (dwelling) limit in dollars.
    CoverageA = "dwelling.coverage_a": Decimal, Dwelling;
    /// Age in years at the effective date.
    DwellingAge = "dwelling.age": Integer, Dwelling;
    /// Construction: `frame`, `masonry`, `masonry-veneer`, `fire-resistive`.
    Construction = "dwelling.construction": Text, Dwelling;
    /// ISO public protection class, 1 (best) to 10.
    ProtectionClass = "dwelling.protection_class": Integer, Dwelling;
    /// Roof age in years.
    RoofAge = "dwelling.roof_age": Integer, Dwelling;
    /// Roof type: `asphalt-shingle`, `metal`, `tile`, `slate`, `wood-shake`, `flat`.
    RoofType = "dwelling.roof_type": Text, Dwelling;
    /// Living area in square feet.
    SquareFeet = "dwelling.square_feet": Integer, Dwelling;
    /// Wind mitigation: roof geometry `hip`, `flat`, `other`, or `unknown` (not inspected).
    RoofShape = "dwelling.roof_shape": Text, Dwelling;
    /// Wind mitigation: roof-deck attachment `a` to `d`, or `unknown`.
    RoofDeck = "dwelling.roof_deck": Text, Dwelling;
    /// Wind mitigation: roof-to-wall attachment `toe-nails`, `clips`, `single-wraps`, `double-wraps`, or `unknown`.
    RoofToWall = "dwelling.roof_to_wall": Text, Dwelling;
    /// Wind mitigation: opening protection `none`, `basic`, `hurricane`, or `unknown`.
    OpeningProtection = "dwelling.opening_protection": Text, Dwelling;
    /// Wind mitigation: a secondary water barrier (false when not inspected).
    SecondaryWaterResistance = "dwelling.secondary_water_resistance": Boolean, Dwelling;
    /// Wildfire: the community designation `firewise-usa`, `fire-risk-reduction-community`, or `none`.
    WildfireCommunity = "dwelling.wildfire_community": Text, Dwelling;
    /// Wildfire: how many of the property-level measures of 10 CCR 2644.9 are in place (0 to 7).
    WildfireMeasures = "dwelling.wildfire_measures": Integer, Dwelling;
    /// The coverage's selected limit, as the pack lists it (`100/300`, `300000`).
    Limit = "coverage.limit": Text, Coverage;
    /// The coverage's selected deductible, as the pack lists it (`500`, `2%`).
    Deductible = "coverage.deductible": Text, Coverage;
}

impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Variable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A variable's value for one rating unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Integer(i64),
    Decimal(Decimal),
    /// Shared text: rating clones values into many worksheet lines, and a
    /// reference count is cheaper than a copy.
    Text(Arc<str>),
    Boolean(bool),
}

impl Value {
    /// The value as a decimal, for numeric comparisons and interpolation.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Self::Integer(n) => Some(Decimal::from(*n)),
            Self::Decimal(d) => Some(*d),
            Self::Text(_) | Self::Boolean(_) => None,
        }
    }

    /// The value as an integer, for bands.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Self::Integer(n) => Some(*n),
            Self::Decimal(d) if d.fract().is_zero() => i64::try_from(*d).ok(),
            _ => None,
        }
    }
}

impl Value {
    /// Text a value matches in an exact-key table, without allocating for
    /// text and booleans; integers are written into `buf`.
    pub(crate) fn exact_key<'a>(&'a self, buf: &'a mut String) -> &'a str {
        match self {
            Self::Text(t) => t,
            Self::Boolean(true) => "true",
            Self::Boolean(false) => "false",
            Self::Integer(_) | Self::Decimal(_) => {
                use std::fmt::Write as _;
                buf.clear();
                let _ = write!(buf, "{self}");
                buf
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer(n) => write!(f, "{n}"),
            Self::Decimal(d) => write!(f, "{d}"),
            Self::Text(t) => f.write_str(t),
            Self::Boolean(b) => write!(f, "{b}"),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
