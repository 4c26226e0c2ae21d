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

/// The codes of the worksheet lines of one operation, each once.
fn applied(r: &Rating, operation: Operation) -> Vec<String> {
    let mut codes: Vec<String> = r
        .coverages
        .iter()
        .flat_map(|c| c.worksheet.iter())
        .filter(|l| l.operation == operation)
        .filter_map(|l| l.key.as_ref().map(ToString::to_string))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn discounts(r: &Rating) -> Vec<String> {
    applied(r, Operation::Discount)
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

fn surcharges(r: &Rating) -> Vec<String> {
    applied(r, Operation::Surcharge)
}

fn rated(pack: &RatePack, q: Quote) -> Rating {
    rate(pack, &common::valid(q)).expect("rates")
}

fn prior(months: u32, lapse_days: u32) -> Option<uw_rating::quote::PriorInsurance> {
    Some(uw_rating::quote::PriorInsurance { carrier: "Acme Mutual".into(), months, lapse_days })
}

/// Continuous prior insurance earns a discount and a lapse over 30 days a
/// surcharge, outside California, where the absence of prior insurance may
/// not be a criterion for rates (Ins. Code 1861.02(c)).
#[test]
fn prior_insurance_and_its_lapse_rate_outside_california_only() {
    let pack = bundled("tx-personal-auto");
    let mut q = quote("TX", "75201", 1, "two-pay", TX);
    let unknown = rated(&pack, q.clone());
    assert!(!discounts(&unknown).contains(&"continuous-insurance".to_owned()) && surcharges(&unknown).is_empty());
    q.prior_insurance = prior(48, 0);
    let continuous = rated(&pack, q.clone());
    assert!(discounts(&continuous).contains(&"continuous-insurance".to_owned()), "{:?}", discounts(&continuous));
    assert!(continuous.total < unknown.total);
    q.prior_insurance = prior(48, 45);
    let lapsed = rated(&pack, q);
    assert!(!discounts(&lapsed).contains(&"continuous-insurance".to_owned()));
    assert_eq!(surcharges(&lapsed), ["lapse"]);
    assert!(lapsed.total > unknown.total);
    // California: no pack may rate on it.
    let ca = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with("ca-personal-auto")).expect("CA");
    let mut files = PackFiles::read_dir(&ca).expect("files");
    let manifest = files.file("manifest.toml").expect("manifest").replacen(
        "[[installment_plans]]",
        "[[surcharges]]\ncode = \"lapse\"\nname = \"Lapse\"\nrate = \"0.10\"\nwhen = [{ var = \"policy.lapse_days\", op = \">\", value = 30 }]\n\n[[installment_plans]]",
        1,
    );
    files.set_file("manifest.toml", manifest);
    let err = compile(&files, LoadMode::Draft).expect_err("no lapse surcharge in California");
    assert!(err.to_string().contains("policy.lapse_days is forbidden in CA"), "{err}");
    assert!(err.to_string().contains("1861.02(c)"), "{err}");
}

/// Tenure runs from the policy's inception with the insurer; three years
/// earn the tenure discount (persistency, which California allows too).
#[test]
fn tenure_from_the_inception_date_earns_a_discount() {
    for (name, state, zip, coverages) in [("tx-personal-auto", "TX", "75201", TX), ("ca-personal-auto", "CA", "94110", CA)] {
        let pack = bundled(name);
        let mut q = quote(state, zip, 1, "two-pay", coverages);
        q.renewal = true;
        assert!(!discounts(&rated(&pack, q.clone())).contains(&"tenure".to_owned()), "{state}: no inception date, no tenure");
        q.inception_date = Some(time::macros::date!(2023 - 06 - 01));
        assert!(discounts(&rated(&pack, q.clone())).contains(&"tenure".to_owned()), "{state}: three years to the day");
        q.inception_date = Some(time::macros::date!(2023 - 06 - 02));
        assert!(!discounts(&rated(&pack, q)).contains(&"tenure".to_owned()), "{state}: a day short");
    }
    // New business starts its tenure on the effective date.
    let mut q = quote("TX", "75201", 1, "two-pay", TX);
    q.inception_date = Some(time::macros::date!(2020 - 01 - 01));
    let err = q.validate().expect_err("new business with an old inception").to_string();
    assert!(err.starts_with("inception_date: 2020-01-01 is not the effective date 2026-06-01"), "{err}");
}

#[test]
fn automatic_payments_earn_a_discount_outside_california() {
    let pack = bundled("tx-personal-auto");
    let mut q = quote("TX", "75201", 1, "two-pay", TX);
    q.payment_method = Some(uw_rating::quote::PaymentMethod::Check);
    let check = rated(&pack, q.clone());
    q.payment_method = Some(uw_rating::quote::PaymentMethod::Eft);
    let eft = rated(&pack, q);
    assert!(discounts(&eft).contains(&"eft".to_owned()) && !discounts(&check).contains(&"eft".to_owned()));
    assert!(eft.total < check.total);
}

/// Physical damage rates by the price symbol of the vehicle's cost new,
/// not by its age alone; without a cost new the symbol is unknown (1.00).
#[test]
fn physical_damage_rates_by_the_price_symbol_of_the_cost_new() {
    let pack = bundled("tx-personal-auto");
    let coverages =
        r#"[ { "code": "BI", "limit": "30/60" }, { "code": "PD", "limit": "25000" }, { "code": "COLL", "deductible": "500" } ]"#;
    let coll = |cost: Option<i64>| {
        let mut q = quote("TX", "75201", 1, "two-pay", coverages);
        q.vehicles[0].cost_new = cost.map(rust_decimal::Decimal::from);
        let r = rated(&pack, q);
        let c = r.coverages.iter().find(|c| &*c.coverage == "COLL").expect("COLL").clone();
        let line = c.worksheet.iter().find(|l| l.step == "Price symbol").expect("the symbol line");
        (c.premium, line.key.map(|k| k.to_string()), line.value)
    };
    let (unknown, key, factor) = coll(None);
    assert_eq!((key.as_deref(), factor), (Some("vehicle.price_symbol=unknown"), rust_decimal::Decimal::ONE));
    let (cheap, key, _) = coll(Some(14_000));
    assert_eq!(key.as_deref(), Some("vehicle.price_symbol=4"));
    let (dear, key, _) = coll(Some(62_000));
    assert_eq!(key.as_deref(), Some("vehicle.price_symbol=19"));
    assert!(cheap < unknown && unknown < dear, "{cheap} < {unknown} < {dear}");
}
