//! The proposal PDF, read back with poppler-utils (`pdftotext`, `pdfinfo`, `pdffonts`).
//!
//! These tools are required, not optional: without them the tests fail, telling you to
//! install poppler-utils, rather than silently checking nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::fixtures::{coverage, dec, issuer};
use common::{assert_golden, page_count, poppler, qpdf_check, text_of};

use time::macros::date;
use uw_documents::{format_money, proposal_pdf, DocumentError, Proposal, ProposalDriver};

fn sample() -> Proposal {
    Proposal {
        quote_number: "QUOT-2026-000123".to_string(),
        version: 2,
        prepared_on: date!(2026 - 05 - 04),
        valid_until: date!(2026 - 06 - 03),
        product: "Personal auto".to_string(),
        state: "OH".to_string(),
        effective_date: date!(2026 - 06 - 01),
        term_months: 12,
        insured_name: "Dana Q. Whitfield".to_string(),
        insured_address: vec!["1402 Larkspur Lane".to_string(), "Columbus, OH 43215".to_string()],
        issuer: Some(issuer()),
        drivers: vec![
            ProposalDriver { name: "Dana Q. Whitfield".to_string(), license: "•••• 1234".to_string() },
            ProposalDriver { name: "Marcus Whitfield".to_string(), license: "•••• 9876".to_string() },
        ],
        vehicles: vec!["2020 Honda Civic, VIN ••••••••••••12345".to_string()],
        dwelling: None,
        hurricane_deductible: None,
        property_limits: vec![],
        coverages: vec![
            coverage("Bodily injury liability", Some("$100,000 / $300,000"), None, "412.00"),
            coverage("Property damage liability", Some("$100,000"), None, "236.50"),
            coverage("Uninsured motorist bodily injury", Some("$100,000 / $300,000"), None, "88.06"),
            coverage("Comprehensive", None, Some("$500"), "164.00"),
            coverage("Collision", None, Some("$1,000"), "304.00"),
        ],
        fees: vec![("Policy fee".to_string(), dec("25.00")), ("Ohio fraud assessment".to_string(), dec("5.00"))],
        total: dec("1234.56"),
        installments: vec![
            ("Due at signing".to_string(), dec("300.00")),
            ("Due July 1, 2026".to_string(), dec("186.91")),
            ("Due August 1, 2026".to_string(), dec("186.91")),
            ("Due September 1, 2026".to_string(), dec("186.91")),
            ("Due October 1, 2026".to_string(), dec("186.91")),
            ("Due November 1, 2026".to_string(), dec("186.92")),
        ],
        pack_id: "oh-auto-2026.05-r3".to_string(),
        notices: vec![
            "This is a proposal, not a policy. Coverage is not bound until the company accepts the application and the first payment."
                .to_string(),
            "Ohio notice: any person who, with intent to defraud or knowing that he is facilitating a fraud against an insurer, \
             submits an application or files a claim containing a false or deceptive statement is guilty of insurance fraud."
                .to_string(),
        ],
    }
}

/// 120 coverage lines, to force the table onto further pages.
fn long_sample() -> Proposal {
    let mut p = sample();
    p.coverages = (1..=120).map(|i| coverage(&format!("Scheduled item {i:03}"), Some("$2,500"), Some("$250"), "10.00")).collect();
    p
}

// ---- tests ---------------------------------------------------------------------------

#[test]
fn is_a_pdf() {
    let pdf = proposal_pdf(&sample()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(page_count(&pdf), 1);
    qpdf_check(&pdf);
    qpdf_check(&proposal_pdf(&long_sample()).unwrap());
}

#[test]
fn matches_the_golden_proposal() {
    assert_golden("proposal", &proposal_pdf(&sample()).unwrap());
}

#[test]
fn shows_the_proposal() {
    let p = sample();
    let pdf = proposal_pdf(&p).unwrap();
    let text = text_of(&pdf);
    let expected = [
        "Quote proposal",
        "QUOT-2026-000123",
        "Dana Q. Whitfield",
        "1402 Larkspur Lane",
        "Columbus, OH 43215",
        "Marcus Whitfield",
        "•••• 1234",
        "2020 Honda Civic, VIN ••••••••••••12345",
        "May 4, 2026",
        "June 3, 2026",
        "June 1, 2026",
        "12 months",
        "Personal auto",
        "$100,000 / $300,000",
        "$412.00",
        "$236.50",
        "$88.06",
        "Policy fee",
        "$25.00",
        "Ohio fraud assessment",
        "Total for the 12-month term",
        "$1,234.56",
        "Due at signing",
        "$300.00",
        "Due November 1, 2026",
        "$186.92",
        "This is a proposal, not a policy.",
        "oh-auto-2026.05-r3",
        "Page 1 of 1",
        "Issued by Prairie Mutual Insurance Company",
        "Agency: Lincoln Land Insurance Agency, Inc.",
    ];
    for needle in expected {
        assert!(text.contains(needle), "{needle:?} is missing from the text:\n{text}");
    }
    for c in &p.coverages {
        assert!(text.contains(&c.description), "{:?} is missing from the text:\n{text}", c.description);
    }
}

#[test]
fn money_is_right_aligned() {
    // pdftotext -bbox gives each word's box: every premium, fee, total and installment
    // amount must end at the same x.
    let pdf = proposal_pdf(&sample()).unwrap();
    let html = poppler("pdftotext", &["-bbox"], &pdf);
    let mut right_edges = Vec::new();
    for line in html.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let word = &line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()];
        let x_max = line.split("xMax=\"").nth(1).unwrap().split('"').next().unwrap();
        let is_amount = word.starts_with('$') && word.contains('.');
        if is_amount {
            right_edges.push((word.to_string(), x_max.to_string()));
        }
    }
    // 5 premiums, 2 fees, the total, 6 installments.
    assert_eq!(right_edges.len(), 14, "{right_edges:?}");
    // Within a tenth of a point: glyph widths in the PDF are rounded to 1/1000 em.
    let hundredths = |x: &str| -> i64 {
        let (whole, frac) = x.split_once('.').unwrap_or((x, "0"));
        whole.parse::<i64>().unwrap() * 100 + format!("{frac:0<2}")[..2].parse::<i64>().unwrap()
    };
    let first = hundredths(&right_edges[0].1);
    assert!(right_edges.iter().all(|(_, x)| (hundredths(x) - first).abs() <= 10), "amounts are not right-aligned: {right_edges:?}");
}

#[test]
fn long_tables_flow_onto_more_pages() {
    let p = long_sample();
    let pdf = proposal_pdf(&p).unwrap();
    let pages = page_count(&pdf);
    assert!(pages > 1, "120 coverage lines fit on {pages} page(s)");
    let text = text_of(&pdf);
    for c in &p.coverages {
        let count = text.matches(c.description.as_str()).count();
        assert_eq!(count, 1, "{:?} appears {count} times", c.description);
    }
    for page in 1..=pages {
        assert!(text.contains(&format!("Page {page} of {pages}")), "no \"Page {page} of {pages}\" in:\n{text}");
    }
    assert_eq!(text.matches("$10.00").count(), 120);
    assert!(text.contains("$1,234.56"));
    // Continuation pages say so, and repeat the table header.
    assert_eq!(text.matches("(continued)").count(), pages - 1);
    assert!(text.matches("Deductible").count() >= 2, "the coverage header is not repeated:\n{text}");
}

#[test]
fn the_same_proposal_gives_the_same_bytes() {
    let a = proposal_pdf(&sample()).unwrap();
    let b = proposal_pdf(&sample()).unwrap();
    assert!(a == b, "two renderings of one proposal differ");
    let long_a = proposal_pdf(&long_sample()).unwrap();
    assert_eq!(long_a, proposal_pdf(&long_sample()).unwrap());

    // ...and the trailer /ID is a fingerprint of the content, not a constant.
    let mut other = sample();
    other.version = 3;
    let c = proposal_pdf(&other).unwrap();
    let id = |pdf: &[u8]| {
        let text = String::from_utf8_lossy(pdf).into_owned();
        let start = text.rfind("/ID").unwrap();
        text[start..start + 80].to_string()
    };
    assert_ne!(id(&a), id(&c));
}

#[test]
fn fonts_are_embedded_subsets() {
    let pdf = proposal_pdf(&sample()).unwrap();
    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(rows.len(), 2, "expected DejaVu Sans and DejaVu Sans Bold:\n{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "not embedded as a subset with a ToUnicode map: {row}\n{fonts}");
    }
    assert!(rows.iter().any(|r| r.contains("+DejaVuSans ")), "{fonts}");
    assert!(rows.iter().any(|r| r.contains("+DejaVuSans-Bold ")), "{fonts}");
}

/// Leaves the sample PDFs in cargo's scratch directory, for a person to look at.
#[test]
fn a_typical_proposal_is_small() {
    let pdf = proposal_pdf(&sample()).unwrap();
    eprintln!("typical one-page proposal: {} bytes", pdf.len());
    assert!(pdf.len() < 80_000, "{} bytes: are the fonts still subset?", pdf.len());
}

#[test]
fn document_info_dates_come_from_prepared_on() {
    let pdf = proposal_pdf(&sample()).unwrap();
    let info = poppler("pdfinfo", &["-isodates"], &pdf);
    assert!(info.lines().any(|l| l.starts_with("CreationDate:") && l.contains("2026-05-04T00:00:00")), "{info}");
    assert!(info.lines().any(|l| l.starts_with("Title:") && l.contains("QUOT-2026-000123")), "{info}");
}

#[test]
fn an_unrounded_amount_is_refused_and_named() {
    let mut p = sample();
    p.coverages[2].premium = dec("88.065");
    let err = proposal_pdf(&p).unwrap_err();
    assert!(matches!(err, DocumentError::Money { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("Uninsured motorist bodily injury") && message.contains("88.065"), "{message}");

    let mut p = sample();
    p.total = dec("1234.567");
    assert!(proposal_pdf(&p).unwrap_err().to_string().starts_with("total:"));
}

#[test]
fn a_character_the_font_lacks_is_refused_and_named() {
    let mut p = sample();
    p.insured_name = "王秀英".to_string();
    match proposal_pdf(&p).unwrap_err() {
        DocumentError::UnsupportedCharacter { character, .. } => assert_eq!(character, '王'),
        other => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn accented_names_and_empty_sections_render() {
    let mut p = sample();
    p.product = "Homeowners (HO-3)".to_string();
    p.insured_name = "Zoë Ångström-Núñez".to_string();
    p.drivers.clear();
    p.vehicles.clear();
    p.dwelling = Some("Single-family home, 1,850 sq ft, built 1994, frame construction".to_string());
    p.fees.clear();
    p.installments.clear();
    p.notices.clear();
    let text = text_of(&proposal_pdf(&p).unwrap());
    for needle in ["Zoë Ångström-Núñez", "Homeowners (HO-3)", "Dwelling", "1,850 sq ft", "$1,234.56", "Page 1 of 1"] {
        assert!(text.contains(needle), "{needle:?} is missing from:\n{text}");
    }
    for absent in ["Drivers", "Vehicles", "Payment schedule", "Notices"] {
        assert!(!text.contains(absent), "{absent:?} should not be shown:\n{text}");
    }
}

#[test]
fn money_formatting() {
    assert_eq!(format_money(dec("1234.56")).unwrap(), "$1,234.56");
    assert_eq!(format_money(dec("0")).unwrap(), "$0.00");
    assert_eq!(format_money(dec("-1234.5")).unwrap(), "-$1,234.50");
    assert_eq!(format_money(dec("1000000")).unwrap(), "$1,000,000.00");
    assert_eq!(format_money(dec("19.9900")).unwrap(), "$19.99");
    // Rounding is the caller's job: fractions of a cent are refused, not rounded.
    assert_eq!(format_money(dec("19.995")).unwrap_err().amount, dec("19.995"));
}
