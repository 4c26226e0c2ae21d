//! Rating features carriers file (issue 25 item 7): multi-car and paid in
//! full, each a discount the bundled packs carry and the worksheet shows.

mod common;

use uw_rating::{compile, rate, LoadMode, Operation, PackFiles, Quote, RatePack, Rating, TrustedKeys};

fn bundled(name: &str) -> RatePack {
    let dir = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with(name)).expect("a bundled pack");
    RatePack::load_dir(&dir, LoadMode::Verified(&TrustedKeys::development())).expect("loads")
}

fn quote(state: &str, zip: &str, cars: usize, plan: &str, coverages: &str) -> Quote {
    let vehicles: Vec<String> = (0..cars)
        .map(|_| format!(r#"{{ "year": 2021, "use": "commute", "annual_miles": 12000, "garaging_zip": "{zip}", "principal_driver": 0 }}"#))
        .collect();
    let json = format!(
        r#"{{ "product": "personal-auto", "state": "{state}", "effective_date": "2026-06-01", "term_months": 12,
             "applicant": {{ "name": "Jordan Lee", "address": {{ "street": "500 Elm St", "city": "X", "state": "{state}", "zip": "{zip}" }} }},
             "drivers": [ {{ "name": "Jordan Lee", "date_of_birth": "1979-03-14", "license_date": "1996-05-01" }} ],
             "vehicles": [ {} ], "coverages": {coverages}, "installment_plan": "{plan}" }}"#,
        vehicles.join(", ")
    );
    Quote::from_json(&json).expect("a quote")
}

fn discounts(r: &Rating) -> Vec<String> {
    let mut codes: Vec<String> = r
        .coverages
        .iter()
        .flat_map(|c| c.worksheet.iter())
        .filter(|l| l.operation == Operation::Discount)
        .filter_map(|l| l.key.as_ref().map(ToString::to_string))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

const TX: &str = r#"[ { "code": "BI", "limit": "30/60" }, { "code": "PD", "limit": "25000" } ]"#;
const CA: &str = r#"[ { "code": "BI", "limit": "30/60" }, { "code": "PD", "limit": "15000" } ]"#;

#[test]
fn a_second_car_earns_the_multi_car_discount() {
    for (pack, state, zip, coverages) in [("tx-personal-auto", "TX", "75201", TX), ("ca-personal-auto", "CA", "94110", CA)] {
        let pack = bundled(pack);
        let one = rate(&pack, &common::valid(quote(state, zip, 1, "two-pay", coverages))).expect("rates");
        let two = rate(&pack, &common::valid(quote(state, zip, 2, "two-pay", coverages))).expect("rates");
        assert!(!discounts(&one).contains(&"multi-car".to_owned()), "{state}");
        assert!(discounts(&two).contains(&"multi-car".to_owned()), "{state}: {:?}", discounts(&two));
        let premium = |r: &Rating| r.coverages.iter().map(|c| c.premium).sum::<rust_decimal::Decimal>();
        assert!(premium(&two) < premium(&one) * rust_decimal::Decimal::TWO, "{state}: two identical cars cost less than twice one");
    }
}

#[test]
fn paying_in_full_earns_a_discount_outside_california() {
    let pack = bundled("tx-personal-auto");
    let full = rate(&pack, &common::valid(quote("TX", "75201", 1, "pay-in-full", TX))).expect("rates");
    let split = rate(&pack, &common::valid(quote("TX", "75201", 1, "two-pay", TX))).expect("rates");
    assert!(discounts(&full).contains(&"paid-in-full".to_owned()));
    assert!(!discounts(&split).contains(&"paid-in-full".to_owned()));
    assert!(full.total < split.total);
    // California's optional factors do not include how the premium is paid.
    let ca = bundled("ca-personal-auto");
    assert!(!discounts(&rate(&ca, &common::valid(quote("CA", "94110", 1, "pay-in-full", CA))).expect("rates"))
        .contains(&"paid-in-full".to_owned()));
    let mut files = PackFiles::read_dir(&common::bundled_pack_dirs().into_iter().find(|d| d.ends_with("ca-personal-auto")).expect("CA"))
        .expect("files");
    let text = files.file("manifest.toml").expect("manifest").to_owned()
        + "\n[[discounts]]\ncode = \"pif\"\nname = \"Paid in full\"\nrate = \"0.05\"\nwhen = [{ var = \"policy.paid_in_full\", op = \"==\", value = true }]\n";
    files.set_file("manifest.toml", text);
    let err = compile(&files, LoadMode::Draft).expect_err("not a permitted factor");
    assert!(err.to_string().contains("policy.paid_in_full is not a permitted factor in CA"), "{err}");
}

/// A course discount lasts three years from the course (NY Ins. Law 2336,
/// Fla. Stat. 627.0652(2)); before, it never expired.
#[test]
fn a_course_discount_expires_three_years_after_the_course() {
    let pack = bundled("ny-personal-auto");
    let with_course = |course: Option<&str>| {
        let mut q = quote(
            "NY",
            "10001",
            1,
            "two-pay",
            r#"[ { "code": "BI", "limit": "25/50" }, { "code": "PD", "limit": "10000" }, { "code": "PIP", "limit": "50000" }, { "code": "UM", "limit": "25/50" } ]"#,
        );
        q.drivers[0].defensive_driving = true;
        q.drivers[0].course_date =
            course.map(|d| time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE).expect("a date"));
        discounts(&rate(&pack, &common::valid(q)).expect("rates"))
    };
    assert!(with_course(Some("2023-06-02")).contains(&"defensive-driving".to_owned()), "two years and 364 days");
    assert!(!with_course(Some("2023-06-01")).contains(&"defensive-driving".to_owned()), "three years to the day");
    assert!(!with_course(None).contains(&"defensive-driving".to_owned()), "no course date, no dated discount");
}
