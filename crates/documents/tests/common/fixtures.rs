//! The documents' test data, shared by the tests and the benchmark
//! (`benches/documents.rs` includes this file by path).
#![allow(clippy::unwrap_used, dead_code)]

use std::str::FromStr;

use rust_decimal::Decimal;
use time::macros::date;
use uw_documents::{Declarations, DeclarationsKind, Issuer, ProposalCoverage, ProposalDriver};

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn coverage(description: &str, limit: Option<&str>, deductible: Option<&str>, premium: &str) -> ProposalCoverage {
    ProposalCoverage {
        description: description.to_string(),
        limit: limit.map(str::to_string),
        deductible: deductible.map(str::to_string),
        premium: dec(premium),
    }
}

/// The insurer as an organisation's server describes it.
pub fn issuer() -> Issuer {
    Issuer {
        legal_name: "Prairie Mutual Insurance Company".to_string(),
        address: vec!["1 Main Street".to_string(), "Springfield, IL 62701".to_string()],
        naic_code: Some("12345".to_string()),
        phone: Some("(217) 555-0100".to_string()),
        agency: Some("Lincoln Land Insurance Agency, Inc.".to_string()),
    }
}

/// A two-car California policy: the page `tools/bench/declarations_reportlab.py`
/// draws too (the documents benchmark compares the two).
pub fn two_car_declarations() -> Declarations {
    Declarations {
        kind: DeclarationsKind::NewBusiness,
        policy_number: "CA-PA-2026-000042".to_string(),
        issued_on: date!(2026 - 06 - 01),
        product: "Personal auto".to_string(),
        state: "CA".to_string(),
        term_start: date!(2026 - 06 - 01),
        term_end: date!(2027 - 06 - 01),
        insured_name: "Dana Q. Whitfield".to_string(),
        insured_address: vec!["1402 Larkspur Lane".to_string(), "Sacramento, CA 95814".to_string()],
        issuer: Some(issuer()),
        drivers: vec![
            ProposalDriver { name: "Dana Q. Whitfield".to_string(), license: "CA ••••1234".to_string() },
            ProposalDriver { name: "Marcus Whitfield".to_string(), license: "CA ••••9876".to_string() },
        ],
        vehicles: vec!["2020 Honda Civic, VIN •••••••••••••2345".to_string(), "2018 Toyota RAV4, VIN •••••••••••••8811".to_string()],
        dwelling: None,
        hurricane_deductible: None,
        property_limits: vec![],
        coverages: vec![
            coverage("Bodily injury liability (2020 Honda Civic)", Some("100/300"), None, "412.00"),
            coverage("Property damage liability (2020 Honda Civic)", Some("100"), None, "236.00"),
            coverage("Uninsured motorist (2020 Honda Civic)", Some("100/300"), None, "88.00"),
            coverage("Comprehensive (2020 Honda Civic)", None, Some("500"), "164.00"),
            coverage("Collision (2020 Honda Civic)", None, Some("500"), "304.00"),
            coverage("Bodily injury liability (2018 Toyota RAV4)", Some("100/300"), None, "398.00"),
            coverage("Property damage liability (2018 Toyota RAV4)", Some("100"), None, "221.00"),
            coverage("Comprehensive (2018 Toyota RAV4)", None, Some("250"), "121.00"),
            coverage("Collision (2018 Toyota RAV4)", None, Some("500"), "287.00"),
        ],
        discounts: vec![("Good driver 20%".to_string(), "Bodily injury, Property damage, Collision".to_string())],
        fees: vec![("Policy fee".to_string(), dec("25.00"))],
        total: dec("2256.00"),
        installments: vec![
            ("Payment 1 due 2026-06-01".to_string(), dec("1128.00")),
            ("Payment 2 due 2026-12-01".to_string(), dec("1128.00")),
        ],
        pack_id: "ca-personal-auto@2026.1".to_string(),
        notices: vec!["Read your policy carefully. This declarations page is part of it.".to_string()],
    }
}
