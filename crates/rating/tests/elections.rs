//! Coverage decisions the law requires in writing (domain review B3, D5):
//! coverages included unless the insured rejects them in writing (Texas PIP
//! and UM, Tex. Ins. Code 1952.152 and 1952.101; California UM, Ins. Code
//! 11580.2(a)(1); Florida UM, Fla. Stat. 627.727(1)), uninsured motorist
//! limits below bodily injury's only on a signed selection (Florida; Illinois,
//! 215 ILCS 5/143a-2(1)), and the offers the insured must answer (California
//! earthquake, Ins. Code 10081; Florida law and ordinance, 627.7011, and
//! sinkhole, 627.706). Before, none of these could be recorded: a Texas
//! quote without PIP or UM looked like any optional pick.

mod common;

use time::macros::date;
use uw_rating::quote::CoverageChoice;
use uw_rating::{rate, Election, ElectionDecision, LoadMode, Quote, RatePack, Rating, RatingError, TrustedKeys};

fn pack(name: &str) -> RatePack {
    let dir = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with(name)).expect("a bundled pack");
    RatePack::load_dir(&dir, LoadMode::Verified(&TrustedKeys::development())).expect("loads")
}

fn example(name: &str) -> Quote {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/examples").join(name);
    Quote::from_json(&std::fs::read_to_string(path).expect("example")).expect("a quote")
}

fn rated(pack: &RatePack, q: Quote) -> Rating {
    rate(pack, &common::valid(q)).expect("rates")
}

fn input_errors(pack: &RatePack, q: Quote) -> Vec<String> {
    match rate(pack, &common::valid(q)) {
        Err(RatingError::Input(e)) => e.0.iter().map(ToString::to_string).collect(),
        other => panic!("expected input errors, got {other:?}"),
    }
}

fn signed(coverage: &str, decision: ElectionDecision) -> Election {
    Election {
        coverage: coverage.into(),
        decision,
        form: format!("{coverage}-FORM 01-26"),
        signed_on: date!(2026 - 01 - 05),
        signed_by: "Pat Doe".into(),
    }
}

fn unsigned(r: &Rating) -> Vec<(&str, &str)> {
    r.unsigned.iter().map(|u| (u.coverage, u.law)).collect()
}

#[test]
fn a_texas_quote_without_pip_or_um_binds_only_with_the_insureds_signed_rejection() {
    let pack = pack("tx-personal-auto");
    let mut q = example("tx-personal-auto/01-clean-standard.json");
    assert!(!q.coverages.iter().any(|c| c.code == "PIP"), "the example leaves PIP out");
    assert!(rated(&pack, q.clone()).unsigned.is_empty(), "the example records the signed rejection: {:?}", q.elections);
    q.elections.clear();
    let r = rated(&pack, q.clone());
    assert_eq!(unsigned(&r)[0], ("PIP", "Tex. Ins. Code 1952.152"));
    assert_eq!(
        r.unsigned[0].message,
        "Personal injury protection is included unless the insured rejects it in writing (Tex. Ins. Code 1952.152): add it, or record the insured's signed rejection"
    );
    // It still rates: the price is the same whether or not the form is signed.
    assert_eq!(r.total, rated(&pack, example("tx-personal-auto/01-clean-standard.json")).total);
    // Without UM as well, both are owed.
    q.coverages.retain(|c| c.code != "UM");
    assert_eq!(unsigned(&rated(&pack, q.clone())), [("PIP", "Tex. Ins. Code 1952.152"), ("UM", "Tex. Ins. Code 1952.101")]);
    // Buying PIP needs no form.
    q.coverages.push(CoverageChoice { code: "PIP".into(), limit: Some("2500".into()), deductible: None, vehicles: None });
    let with_pip = rated(&pack, q.clone());
    assert_eq!(unsigned(&with_pip), [("UM", "Tex. Ins. Code 1952.101")]);
    assert!(with_pip.coverages.iter().any(|c| &*c.coverage == "PIP" && c.premium > rust_decimal::Decimal::ZERO));
    q.elections.push(signed("UM", ElectionDecision::Rejected));
    assert!(rated(&pack, q).unsigned.is_empty());
}

#[test]
fn a_rejected_coverage_may_not_also_be_selected() {
    let pack = pack("tx-personal-auto");
    let mut q = example("tx-personal-auto/01-clean-standard.json");
    q.coverages.push(CoverageChoice { code: "PIP".into(), limit: Some("2500".into()), deductible: None, vehicles: None });
    let at = q.elections.iter().position(|e| e.coverage == "PIP").expect("the PIP rejection");
    assert_eq!(
        input_errors(&pack, q),
        [format!("elections[{at}].decision: PIP is rejected, yet selected among the coverages; keep one of the two")]
    );
}

#[test]
fn california_and_florida_um_is_included_unless_rejected_in_writing() {
    for (name, law) in [("ca-personal-auto", "Cal. Ins. Code 11580.2(a)(1)"), ("fl-personal-auto", "Fla. Stat. 627.727(1)")] {
        let pack = pack(name);
        let mut q = example(&format!("{name}/01-{}.json", if name.starts_with("ca") { "good-driver" } else { "clean-standard" }));
        q.coverages.retain(|c| c.code != "UM");
        q.elections.retain(|e| e.coverage != "UM");
        assert_eq!(unsigned(&rated(&pack, q.clone())), [("UM", law)], "{name}");
        q.elections.push(signed("UM", ElectionDecision::Rejected));
        assert!(rated(&pack, q).unsigned.is_empty(), "{name}");
    }
}

#[test]
fn uninsured_motorist_limits_below_bodily_injury_need_the_signed_selection_of_lower_limits() {
    for (name, file, law) in [
        ("il-personal-auto", "01-clean-standard.json", "215 ILCS 5/143a-2(1)"),
        ("fl-personal-auto", "03-miami-mature-driver.json", "Fla. Stat. 627.727(1)"),
    ] {
        let pack = pack(name);
        let mut q = example(&format!("{name}/{file}"));
        q.elections.retain(|e| e.decision != ElectionDecision::LowerLimits);
        let set = |q: &mut Quote, code: &str, limit: &str| {
            q.coverages.iter_mut().find(|c| c.code == code).expect("selected").limit = Some(limit.into());
        };
        set(&mut q, "BI", "100/300");
        set(&mut q, "UM", "100/300");
        assert!(rated(&pack, q.clone()).unsigned.is_empty(), "{name}: UM equal to BI needs no form");
        set(&mut q, "UM", "25/50");
        let r = rated(&pack, q.clone());
        assert_eq!(unsigned(&r), [("UM", law)], "{name}");
        assert!(r.unsigned[0].message.starts_with("Uninsured motorist limits below bodily injury's need the insured's signed selection"));
        q.elections.push(signed("UM", ElectionDecision::LowerLimits));
        assert!(rated(&pack, q.clone()).unsigned.is_empty(), "{name}");
        // A selection of lower limits that are not lower is a mistake.
        set(&mut q, "UM", "100/300");
        let errors = input_errors(&pack, q);
        assert!(errors[0].contains("records lower uninsured motorist limits, but the UM limits selected are not below"), "{errors:?}");
    }
}

#[test]
fn a_decision_the_state_does_not_ask_for_is_an_input_error() {
    let pack = pack("ny-personal-auto");
    let mut q = example("ny-personal-auto/01-clean-standard.json");
    q.elections.push(signed("UM", ElectionDecision::Rejected));
    assert_eq!(input_errors(&pack, q), ["elections[0].coverage: `UM` is not a coverage the insured rejects in writing in NY: none"]);
    let pack = self::pack("tx-personal-auto");
    let mut q = example("tx-personal-auto/01-clean-standard.json");
    q.elections.push(signed("PIP", ElectionDecision::Accepted));
    let errors = input_errors(&pack, q);
    assert!(errors[0].ends_with("is not a coverage the insured accepts as an offer in TX: none"), "{errors:?}");
}

#[test]
fn an_election_names_its_form_signer_and_a_date_not_after_the_effective_date() {
    let mut q = example("tx-personal-auto/01-clean-standard.json");
    q.elections[0].form = " ".into();
    q.elections[0].signed_by = String::new();
    q.elections[0].signed_on = q.effective_date.next_day().expect("a day");
    let errors: Vec<String> = q.validate().expect_err("invalid").0.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "elections[0].form: must name the signed form".to_owned(),
            "elections[0].signed_by: must name who signed".to_owned(),
            "elections[0].signed_on: 2026-02-02 is in the future (after the effective date 2026-02-01)".to_owned(),
        ]
    );
}

#[test]
fn a_california_home_records_the_answer_to_the_earthquake_offer() {
    let pack = pack("ca-homeowners-ho3");
    let mut q = example("ca-homeowners-ho3/01-standard-los-angeles.json");
    assert!(rated(&pack, q.clone()).unsigned.is_empty());
    q.elections.clear();
    let r = rated(&pack, q.clone());
    assert_eq!(unsigned(&r), [("EARTHQUAKE", "Cal. Ins. Code 10081, 10086")]);
    assert_eq!(
        r.unsigned[0].message,
        "The insured must be offered earthquake cover (Cal. Ins. Code 10081, 10086): record whether they accepted or rejected it"
    );
    // The pack does not write earthquake (the California Earthquake
    // Authority does), so an acceptance is recorded without a coverage.
    q.elections.push(signed("EARTHQUAKE", ElectionDecision::Accepted));
    assert!(rated(&pack, q).unsigned.is_empty());
}

#[test]
fn a_florida_home_answers_the_law_and_ordinance_and_sinkhole_offers() {
    let pack = pack("fl-homeowners-ho3");
    let mut q = example("fl-homeowners-ho3/01-standard-orlando.json");
    q.elections.clear();
    assert_eq!(unsigned(&rated(&pack, q.clone())), [("ORDINANCE", "Fla. Stat. 627.7011(1)"), ("SINKHOLE", "Fla. Stat. 627.706")]);
    // This pack writes both: taking one is selecting it, which needs no form;
    // an acceptance without the coverage is a mistake.
    q.coverages.push(CoverageChoice { code: "ORDINANCE".into(), limit: Some("25%".into()), deductible: None, vehicles: None });
    q.elections.push(signed("SINKHOLE", ElectionDecision::Accepted));
    let errors = input_errors(&pack, q.clone());
    assert_eq!(errors, ["elections[0].decision: SINKHOLE is accepted: select it among the coverages too"]);
    q.elections[0].decision = ElectionDecision::Rejected;
    let r = rated(&pack, q);
    assert!(r.unsigned.is_empty());
    let ordinance = r.coverages.iter().find(|c| &*c.coverage == "ORDINANCE").expect("rated");
    assert!(ordinance.premium > rust_decimal::Decimal::ZERO);
}
