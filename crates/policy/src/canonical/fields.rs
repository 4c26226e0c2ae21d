//! The field tree of the canonical policy model, version 1: every field's
//! name, whether the model requires it, and its type. The legacy importer
//! resolves mapping paths against it and converts text by it; its tests pin
//! it to the serde shape of [`CanonicalPolicy`](super::CanonicalPolicy), so a
//! change to the model cannot pass unnoticed.

/// The type of a value, as the importer converts text into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Any text.
    Text,
    /// A calendar date; JSON `"YYYY-MM-DD"`.
    Date,
    /// A decimal number; JSON string.
    Decimal,
    /// A whole number within a range; JSON number.
    Integer { min: i64, max: i64 },
    /// Yes or no; JSON `true` or `false`.
    Boolean,
    /// One of a fixed set of names; JSON string.
    Choice(&'static [&'static str]),
}

impl Kind {
    /// How the type reads in messages: "a date", "a whole number".
    pub(crate) fn describe(self) -> String {
        match self {
            Self::Text => "text".to_owned(),
            Self::Date => "a date".to_owned(),
            Self::Decimal => "a decimal number".to_owned(),
            Self::Integer { min, max } => format!("a whole number from {min} to {max}"),
            Self::Boolean => "yes or no".to_owned(),
            Self::Choice(names) => format!("one of {}", names.join(", ")),
        }
    }
}

/// Whether a field must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    /// The model has no default: a policy without it is incomplete.
    Required,
    /// The model has a default (absent, empty, false).
    Optional,
    /// Set by the importer (`model_version`, `source_line`), never mapped.
    Importer,
}

/// What a field holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    Value(Kind),
    Object(&'static [Field]),
    List(&'static Shape),
}

/// One named field of an object.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) presence: Presence,
    pub(crate) shape: Shape,
}

const fn required(name: &'static str, shape: Shape) -> Field {
    Field { name, presence: Presence::Required, shape }
}

const fn optional(name: &'static str, shape: Shape) -> Field {
    Field { name, presence: Presence::Optional, shape }
}

const TEXT: Shape = Shape::Value(Kind::Text);
const DATE: Shape = Shape::Value(Kind::Date);
const DECIMAL: Shape = Shape::Value(Kind::Decimal);
const BOOLEAN: Shape = Shape::Value(Kind::Boolean);
const U8: Shape = Shape::Value(Kind::Integer { min: 0, max: 255 });
const U32: Shape = Shape::Value(Kind::Integer { min: 0, max: 4_294_967_295 });
const I32: Shape = Shape::Value(Kind::Integer { min: -2_147_483_648, max: 2_147_483_647 });
/// An index into a list (`usize` in the model); bounded like `u32`.
const INDEX: Shape = U32;

/// The names serde gives `CanonicalStatus`, `uw_rating::Product` and the
/// quote's enums; the tests check each against its type.
pub(crate) const STATUS_NAMES: &[&str] = &["in-force", "cancelled", "expired"];
pub(crate) const PRODUCT_NAMES: &[&str] = &["personal-auto", "homeowners-ho3"];
pub(crate) const VIOLATION_NAMES: &[&str] =
    &["speeding", "running-red-light", "failure-to-yield", "reckless-driving", "dui", "suspended-license", "other-moving"];
pub(crate) const USE_NAMES: &[&str] = &["pleasure", "commute", "business"];
pub(crate) const CONSTRUCTION_NAMES: &[&str] = &["frame", "masonry", "masonry-veneer", "fire-resistive"];
pub(crate) const ROOF_NAMES: &[&str] = &["asphalt-shingle", "metal", "tile", "slate", "wood-shake", "flat"];

const ADDRESS: &[Field] = &[required("street", TEXT), required("city", TEXT), required("state", TEXT), required("zip", TEXT)];

const APPLICANT: &[Field] = &[required("name", TEXT), required("address", Shape::Object(ADDRESS))];

const VIOLATION: &[Field] = &[required("date", DATE), required("kind", Shape::Value(Kind::Choice(VIOLATION_NAMES)))];

const ACCIDENT: &[Field] = &[required("date", DATE), required("at_fault", BOOLEAN), optional("bodily_injury", BOOLEAN)];

const DRIVER: &[Field] = &[
    required("name", TEXT),
    required("date_of_birth", DATE),
    required("license_date", DATE),
    optional("violations", Shape::List(&Shape::Object(VIOLATION))),
    optional("accidents", Shape::List(&Shape::Object(ACCIDENT))),
    optional("good_student", BOOLEAN),
    optional("defensive_driving", BOOLEAN),
];

const VEHICLE: &[Field] = &[
    optional("vin", TEXT),
    required("year", I32),
    optional("make", TEXT),
    optional("model", TEXT),
    required("use", Shape::Value(Kind::Choice(USE_NAMES))),
    required("annual_miles", U32),
    required("garaging_zip", TEXT),
    optional("anti_theft", BOOLEAN),
    required("principal_driver", INDEX),
];

const DWELLING: &[Field] = &[
    required("year_built", I32),
    required("construction", Shape::Value(Kind::Choice(CONSTRUCTION_NAMES))),
    required("protection_class", U8),
    required("roof_age", U32),
    required("roof_type", Shape::Value(Kind::Choice(ROOF_NAMES))),
    required("square_feet", U32),
    required("coverage_a", DECIMAL),
];

const COVERAGE: &[Field] =
    &[required("code", TEXT), optional("limit", TEXT), optional("deductible", TEXT), optional("vehicles", Shape::List(&INDEX))];

const CLAIM: &[Field] = &[required("date", DATE), required("cause", TEXT)];

const QUOTE: &[Field] = &[
    required("product", Shape::Value(Kind::Choice(PRODUCT_NAMES))),
    required("state", TEXT),
    required("effective_date", DATE),
    required("term_months", U32),
    optional("renewal", BOOLEAN),
    required("applicant", Shape::Object(APPLICANT)),
    optional("drivers", Shape::List(&Shape::Object(DRIVER))),
    optional("vehicles", Shape::List(&Shape::Object(VEHICLE))),
    optional("dwelling", Shape::Object(DWELLING)),
    required("coverages", Shape::List(&Shape::Object(COVERAGE))),
    optional("prior_claims", Shape::List(&Shape::Object(CLAIM))),
    optional("credit_tier", TEXT),
    required("installment_plan", TEXT),
];

/// Lists other fields point into by index (`vehicles[].principal_driver`,
/// `coverages[].vehicles[]`): their elements cannot be skipped without
/// changing what those indexes mean.
pub(crate) const INDEXED_LISTS: &[&str] = &["rating.drivers", "rating.vehicles"];

/// The top of the model: the fields of a `CanonicalPolicy`.
pub(crate) const POLICY: &[Field] = &[
    Field { name: "model_version", presence: Presence::Importer, shape: U32 },
    required("policy_number", TEXT),
    required("status", Shape::Value(Kind::Choice(STATUS_NAMES))),
    required("term_start", DATE),
    required("term_end", DATE),
    optional("written_premium", DECIMAL),
    Field { name: "source_line", presence: Presence::Importer, shape: Shape::Value(Kind::Integer { min: 1, max: i64::MAX }) },
    required("rating", Shape::Object(QUOTE)),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;

    use serde_json::{json, Value};

    use super::*;
    use crate::canonical::{CanonicalPolicy, CanonicalStatus};

    /// Every value path of the model with one element per list, as
    /// `rating.drivers[].name`, with its type.
    fn schema_paths(prefix: &str, fields: &[Field], out: &mut Vec<(String, String)>) {
        for f in fields {
            let path = if prefix.is_empty() { f.name.to_owned() } else { format!("{prefix}.{}", f.name) };
            shape_paths(path, &f.shape, out);
        }
    }

    fn shape_paths(path: String, shape: &Shape, out: &mut Vec<(String, String)>) {
        match shape {
            Shape::Value(kind) => out.push((path, kind.describe())),
            Shape::Object(fields) => schema_paths(&path, fields, out),
            Shape::List(element) => shape_paths(format!("{path}[]"), element, out),
        }
    }

    /// A value of every field, every list with one element, for the
    /// round trip through the real type.
    fn sample(shape: &Shape) -> Value {
        match shape {
            Shape::Value(Kind::Text) => json!("x"),
            Shape::Value(Kind::Date) => json!("2026-01-01"),
            Shape::Value(Kind::Decimal) => json!("1.5"),
            Shape::Value(Kind::Integer { min, .. }) => json!((*min).max(0)),
            Shape::Value(Kind::Boolean) => json!(true),
            Shape::Value(Kind::Choice(names)) => json!(names[0]),
            Shape::Object(fields) => Value::Object(fields.iter().map(|f| (f.name.to_owned(), sample(&f.shape))).collect()),
            Shape::List(element) => json!([sample(element)]),
        }
    }

    fn value_paths(path: String, value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    value_paths(if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, v, out);
                }
            }
            Value::Array(items) => {
                for v in items {
                    value_paths(format!("{path}[]"), v, out);
                }
            }
            _ => {
                out.insert(path);
            }
        }
    }

    #[test]
    fn every_schema_field_is_a_field_of_the_model_and_every_model_field_is_in_the_schema() {
        let value = sample(&Shape::Object(POLICY));
        // deny_unknown_fields: a schema field the model lacks fails here.
        let policy: CanonicalPolicy = serde_json::from_value(value.clone()).unwrap();
        // Serialising the fully populated policy gives every model field; a
        // model field the schema lacks shows up as a difference.
        let mut from_model = BTreeSet::new();
        value_paths(String::new(), &serde_json::to_value(&policy).unwrap(), &mut from_model);
        let mut from_schema = BTreeSet::new();
        value_paths(String::new(), &value, &mut from_schema);
        assert_eq!(from_model, from_schema);
    }

    #[test]
    fn version_1_is_frozen() {
        // Changing this list means changing the model: that is version 2
        // (docs/canonical-policy-model.md), not an edit to version 1.
        let mut paths = Vec::new();
        schema_paths("", POLICY, &mut paths);
        let listed: Vec<String> = paths.iter().map(|(p, k)| format!("{p}: {k}")).collect();
        let expected = [
            "model_version: a whole number from 0 to 4294967295",
            "policy_number: text",
            "status: one of in-force, cancelled, expired",
            "term_start: a date",
            "term_end: a date",
            "written_premium: a decimal number",
            "source_line: a whole number from 1 to 9223372036854775807",
            "rating.product: one of personal-auto, homeowners-ho3",
            "rating.state: text",
            "rating.effective_date: a date",
            "rating.term_months: a whole number from 0 to 4294967295",
            "rating.renewal: yes or no",
            "rating.applicant.name: text",
            "rating.applicant.address.street: text",
            "rating.applicant.address.city: text",
            "rating.applicant.address.state: text",
            "rating.applicant.address.zip: text",
            "rating.drivers[].name: text",
            "rating.drivers[].date_of_birth: a date",
            "rating.drivers[].license_date: a date",
            "rating.drivers[].violations[].date: a date",
            "rating.drivers[].violations[].kind: one of speeding, running-red-light, failure-to-yield, reckless-driving, dui, suspended-license, other-moving",
            "rating.drivers[].accidents[].date: a date",
            "rating.drivers[].accidents[].at_fault: yes or no",
            "rating.drivers[].accidents[].bodily_injury: yes or no",
            "rating.drivers[].good_student: yes or no",
            "rating.drivers[].defensive_driving: yes or no",
            "rating.vehicles[].vin: text",
            "rating.vehicles[].year: a whole number from -2147483648 to 2147483647",
            "rating.vehicles[].make: text",
            "rating.vehicles[].model: text",
            "rating.vehicles[].use: one of pleasure, commute, business",
            "rating.vehicles[].annual_miles: a whole number from 0 to 4294967295",
            "rating.vehicles[].garaging_zip: text",
            "rating.vehicles[].anti_theft: yes or no",
            "rating.vehicles[].principal_driver: a whole number from 0 to 4294967295",
            "rating.dwelling.year_built: a whole number from -2147483648 to 2147483647",
            "rating.dwelling.construction: one of frame, masonry, masonry-veneer, fire-resistive",
            "rating.dwelling.protection_class: a whole number from 0 to 255",
            "rating.dwelling.roof_age: a whole number from 0 to 4294967295",
            "rating.dwelling.roof_type: one of asphalt-shingle, metal, tile, slate, wood-shake, flat",
            "rating.dwelling.square_feet: a whole number from 0 to 4294967295",
            "rating.dwelling.coverage_a: a decimal number",
            "rating.coverages[].code: text",
            "rating.coverages[].limit: text",
            "rating.coverages[].deductible: text",
            "rating.coverages[].vehicles[]: a whole number from 0 to 4294967295",
            "rating.prior_claims[].date: a date",
            "rating.prior_claims[].cause: text",
            "rating.credit_tier: text",
            "rating.installment_plan: text",
        ];
        assert_eq!(listed, expected);
    }

    #[test]
    fn every_choice_name_is_a_name_its_type_reads() {
        for name in STATUS_NAMES {
            let status: CanonicalStatus = serde_json::from_value(json!(name)).unwrap();
            assert_eq!(status.name(), *name);
        }
        assert_eq!(STATUS_NAMES.len(), CanonicalStatus::ALL.len());
        for name in PRODUCT_NAMES {
            assert_eq!(serde_json::from_value::<uw_rating::Product>(json!(name)).unwrap().name(), *name);
        }
        for name in VIOLATION_NAMES {
            assert_eq!(serde_json::from_value::<uw_rating::quote::ViolationKind>(json!(name)).unwrap().name(), *name);
        }
        assert_eq!(VIOLATION_NAMES.len(), uw_rating::quote::ViolationKind::ALL.len());
        for name in USE_NAMES {
            assert_eq!(serde_json::from_value::<uw_rating::quote::VehicleUse>(json!(name)).unwrap().name(), *name);
        }
        for name in CONSTRUCTION_NAMES {
            assert_eq!(serde_json::from_value::<uw_rating::quote::Construction>(json!(name)).unwrap().name(), *name);
        }
        for name in ROOF_NAMES {
            assert_eq!(serde_json::from_value::<uw_rating::quote::RoofType>(json!(name)).unwrap().name(), *name);
        }
    }
}
