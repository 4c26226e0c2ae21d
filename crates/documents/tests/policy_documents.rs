//! The policy's documents read back: `qpdf --check` finds nothing wrong, the text
//! (from `pdftotext`) holds what the customer must see, and golden files pin the
//! bytes (`UW_UPDATE_GOLDEN=1` rewrites them for review).
#![allow(clippy::unwrap_used)]

mod common;

use common::fixtures::{coverage, dec, issuer, two_car_declarations};
use common::{assert_golden, page_count, qpdf_check, text_of};
use time::macros::date;
use uw_documents::{
    declarations_pdf, id_cards_pdf, notice_pdf, Declarations, DeclarationsKind, DocumentError, EndorsementChange, HurricaneDeductible,
    IdCard, IdCards, Notice, NoticeKind, PropertyLimit, ProposalDriver, Refund,
};

/// The two-car page with one driver and five of its coverages.
fn auto_declarations() -> Declarations {
    Declarations {
        drivers: vec![ProposalDriver { name: "Dana Q. Whitfield".to_string(), license: "CA ••••1234".to_string() }],
        coverages: vec![
            coverage("Bodily injury liability (2020 Honda Civic)", Some("100/300"), None, "412.00"),
            coverage("Property damage liability (2020 Honda Civic)", Some("100"), None, "236.00"),
            coverage("Collision (2020 Honda Civic)", None, Some("500"), "304.00"),
            coverage("Bodily injury liability (2018 Toyota RAV4)", Some("100/300"), None, "398.00"),
            coverage("Comprehensive (2018 Toyota RAV4)", None, Some("250"), "121.00"),
        ],
        total: dec("1496.00"),
        installments: vec![
            ("Payment 1 due 2026-06-01".to_string(), dec("748.00")),
            ("Payment 2 due 2026-12-01".to_string(), dec("748.00")),
        ],
        ..two_car_declarations()
    }
}

fn fl_home_declarations() -> Declarations {
    Declarations {
        kind: DeclarationsKind::Renewal,
        policy_number: "FL-HO-2026-000007".to_string(),
        issued_on: date!(2026 - 11 - 02),
        product: "Homeowners (HO-3)".to_string(),
        state: "FL".to_string(),
        term_start: date!(2027 - 01 - 01),
        term_end: date!(2028 - 01 - 01),
        insured_name: "Rosa Martínez".to_string(),
        insured_address: vec!["88 Bayshore Drive".to_string(), "Tampa, FL 33602".to_string()],
        issuer: Some(issuer()),
        drivers: vec![],
        vehicles: vec![],
        dwelling: Some("Built 1998, masonry construction, 2,100 sq ft, shingle roof".to_string()),
        property_limits: [
            ("A", "Dwelling", "350000"),
            ("B", "Other structures", "35000"),
            ("C", "Personal property", "175000"),
            ("D", "Loss of use", "70000"),
        ]
        .into_iter()
        .map(|(letter, name, limit)| PropertyLimit { letter: letter.to_string(), name: name.to_string(), limit: dec(limit) })
        .collect(),
        hurricane_deductible: Some(HurricaneDeductible { basis: "2%".to_string(), amount: dec("7000.00") }),
        coverages: vec![
            coverage("Dwelling and other property (Coverages A-D)", Some("$350,000"), Some("$1,000"), "2210.00"),
            coverage("Personal liability and medical payments (Coverages E-F)", Some("$300,000"), None, "64.00"),
            coverage("Hurricane", None, Some("2% ($7,000)"), "1405.00"),
        ],
        discounts: vec![],
        fees: vec![("Emergency management trust fund".to_string(), dec("2.00"))],
        total: dec("3681.00"),
        installments: vec![("Due at renewal".to_string(), dec("3681.00"))],
        pack_id: "fl-homeowners-ho3@2026.2".to_string(),
        notices: vec![],
    }
}

fn endorsement_declarations() -> Declarations {
    let mut d = auto_declarations();
    d.kind = DeclarationsKind::Endorsement(EndorsementChange {
        version: 2,
        effective: date!(2026 - 10 - 29),
        description: "Add 2018 Toyota RAV4".to_string(),
        amount: dec("212.05"),
        written_premium: dec("1708.05"),
    });
    d.issued_on = date!(2026 - 10 - 29);
    d
}

fn id_cards(vehicles: usize) -> IdCards {
    IdCards {
        policy_number: "CA-PA-2026-000042".to_string(),
        issued_on: date!(2026 - 06 - 01),
        insurer: "Prairie Mutual Insurance Company".to_string(),
        naic_code: Some("12345".to_string()),
        agency: Some("Lincoln Land Insurance Agency, Inc.".to_string()),
        insured_name: "Dana Q. Whitfield".to_string(),
        term_start: date!(2026 - 06 - 01),
        term_end: date!(2027 - 06 - 01),
        cards: (0..vehicles)
            .map(|i| IdCard { state: "CA".to_string(), vehicle: format!("20{} Honda Civic", 10 + i), vin: format!("1HGCM82633A00{i:04}") })
            .collect(),
        notice: "This card must be carried in the insured vehicle. It is evidence of insurance as required by California law.".to_string(),
    }
}

fn cancellation() -> Notice {
    Notice {
        kind: NoticeKind::Cancellation,
        policy_number: "CA-PA-2026-000042".to_string(),
        product: "Personal auto".to_string(),
        state: "CA".to_string(),
        mailed_on: date!(2026 - 09 - 01),
        effective: date!(2026 - 09 - 21),
        insured_name: "Dana Q. Whitfield".to_string(),
        insured_address: vec!["1402 Larkspur Lane".to_string(), "Sacramento, CA 95814".to_string()],
        issuer: Some(issuer()),
        reason_code: "CX-SC".to_string(),
        reason: "Substantial change in the risk since the policy was issued".to_string(),
        notice_days: 20,
        authority: "Cal. Ins. Code 662, 663".to_string(),
        refund: Some(Refund { method: "pro rata".to_string(), returned: dec("1045.48"), penalty: dec("0") }),
        notices: vec!["You may ask your agent or the California Department of Insurance to review this action.".to_string()],
    }
}

fn non_renewal() -> Notice {
    Notice {
        kind: NoticeKind::NonRenewal,
        policy_number: "FL-HO-2026-000007".to_string(),
        product: "Homeowners (HO-3)".to_string(),
        state: "FL".to_string(),
        mailed_on: date!(2026 - 09 - 01),
        effective: date!(2027 - 01 - 01),
        insured_name: "Rosa Martínez".to_string(),
        insured_address: vec!["88 Bayshore Drive".to_string(), "Tampa, FL 33602".to_string()],
        issuer: None,
        reason_code: "NR-PC".to_string(),
        reason: "Condition of the insured property does not meet the company's guidelines".to_string(),
        notice_days: 120,
        authority: "Fla. Stat. 627.4133".to_string(),
        refund: None,
        notices: vec![],
    }
}

/// Every piece of `expected` appears in `text` (whitespace runs collapsed, since
/// pdftotext lays columns out with spaces).
fn assert_shows(text: &str, expected: &[&str]) {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for piece in expected {
        assert!(flat.contains(piece), "{piece:?} is missing from:\n{text}");
    }
}

#[test]
fn the_declarations_page_shows_the_policy_the_risks_and_the_money() {
    let pdf = declarations_pdf(&auto_declarations()).unwrap();
    qpdf_check(&pdf);
    assert_eq!(page_count(&pdf), 1);
    assert_shows(
        &text_of(&pdf),
        &[
            "Declarations",
            "CA-PA-2026-000042",
            "Dana Q. Whitfield",
            "June 1, 2026 to June 1, 2027",
            "2020 Honda Civic, VIN •••••••••••••2345",
            "Bodily injury liability (2020 Honda Civic)",
            "100/300",
            "$412.00",
            "Collision (2020 Honda Civic)",
            "Good driver 20%",
            "Policy fee",
            "Total premium for the term",
            "$1,496.00",
            "Payment 2 due 2026-12-01",
            "$748.00",
            "ca-personal-auto@2026.1",
            "Issued by Prairie Mutual Insurance Company",
            "Agency: Lincoln Land Insurance Agency, Inc.",
        ],
    );
    assert_golden("declarations-auto", &pdf);
}

#[test]
fn florida_declarations_show_the_hurricane_deductible_in_dollars_and_coverages_a_to_d() {
    let pdf = declarations_pdf(&fl_home_declarations()).unwrap();
    qpdf_check(&pdf);
    assert_shows(
        &text_of(&pdf),
        &[
            "Renewal declarations",
            "FL-HO-2026-000007",
            "Rosa Martínez",
            "Hurricane deductible",
            "$7,000.00 (2% of Coverage A)",
            "Property coverages",
            "Coverage A · Dwelling $350,000",
            "Coverage B · Other structures $35,000",
            "Coverage C · Personal property $175,000",
            "Coverage D · Loss of use $70,000",
            "included in the dwelling's premium",
            "Dwelling and other property",
            "$2,210.00",
            "$3,681.00",
        ],
    );
    assert_golden("declarations-fl-home-renewal", &pdf);
}

#[test]
fn endorsement_declarations_show_the_change_and_its_premium() {
    let pdf = declarations_pdf(&endorsement_declarations()).unwrap();
    qpdf_check(&pdf);
    assert_shows(
        &text_of(&pdf),
        &[
            "Amended declarations, endorsement 2",
            "CA-PA-2026-000042",
            "Effective October 29, 2026: Add 2018 Toyota RAV4",
            "Premium charged for the rest of the term $212.05",
            "Premium charged for this term to date $1,708.05",
            "Comprehensive (2018 Toyota RAV4)",
        ],
    );
    assert_golden("declarations-endorsement", &pdf);
}

#[test]
fn id_cards_come_two_to_a_page_with_the_full_vin() {
    let pdf = id_cards_pdf(&id_cards(3)).unwrap();
    qpdf_check(&pdf);
    assert_eq!(page_count(&pdf), 2);
    let text = text_of(&pdf);
    assert_eq!(text.matches("CA Insurance Identification Card").count(), 3, "{text}");
    assert_shows(
        &text,
        &[
            "CA-PA-2026-000042",
            "Dana Q. Whitfield",
            "1HGCM82633A000002",
            "2012 Honda Civic",
            "June 1, 2027",
            "Agency: Lincoln Land Insurance Agency, Inc.",
        ],
    );
    assert_eq!(page_count(&id_cards_pdf(&id_cards(2)).unwrap()), 1);
    assert_golden("id-cards", &pdf);
    assert!(matches!(id_cards_pdf(&id_cards(0)), Err(DocumentError::Empty { .. })));
}

#[test]
fn the_cancellation_notice_gives_the_reason_the_dates_and_the_refund() {
    let pdf = notice_pdf(&cancellation()).unwrap();
    qpdf_check(&pdf);
    assert_shows(
        &text_of(&pdf),
        &[
            "Notice of cancellation",
            "CA-PA-2026-000042",
            "Dana Q. Whitfield",
            "Mailed September 1, 2026",
            "cancelled effective 12:01 a.m. on September 21, 2026",
            "CX-SC",
            "20 days, as Cal. Ins. Code 662, 663 requires",
            "Premium returned (pro rata) $1,045.48",
        ],
    );
    assert_golden("notice-cancellation", &pdf);
}

#[test]
fn the_non_renewal_notice_gives_the_reason_and_the_notice_period() {
    let pdf = notice_pdf(&non_renewal()).unwrap();
    qpdf_check(&pdf);
    let text = text_of(&pdf);
    assert_shows(&text, &["Notice of non-renewal", "FL-HO-2026-000007", "will not be renewed", "January 1, 2027", "NR-PC", "120 days"]);
    assert!(!text.contains("Premium returned"), "{text}");
    assert_golden("notice-non-renewal", &pdf);
}

#[test]
fn the_same_input_and_date_give_the_same_bytes_and_another_date_does_not() {
    let d = auto_declarations();
    assert_eq!(declarations_pdf(&d).unwrap(), declarations_pdf(&d).unwrap());
    let mut later = d.clone();
    later.issued_on = date!(2026 - 06 - 02);
    assert_ne!(declarations_pdf(&d).unwrap(), declarations_pdf(&later).unwrap());
    assert_eq!(notice_pdf(&cancellation()).unwrap(), notice_pdf(&cancellation()).unwrap());
    assert_eq!(id_cards_pdf(&id_cards(3)).unwrap(), id_cards_pdf(&id_cards(3)).unwrap());
}

#[test]
fn an_unrounded_amount_is_refused_and_named() {
    let mut d = auto_declarations();
    d.total = dec("1496.005");
    let err = declarations_pdf(&d).unwrap_err();
    assert!(matches!(&err, DocumentError::Money { field, .. } if field == "total"), "{err}");
}
