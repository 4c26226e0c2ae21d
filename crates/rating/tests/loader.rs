//! Every kind of pack error names its file and line (and field), checked
//! through one helper, rust-analyzer style.

mod common;

use common::{check_error, files, line_of, MANIFEST, RECORD, TERRITORY};
use uw_rating::pack::digest::{self, signing_key_from_hex};
use uw_rating::{compile, LoadMode, PackError, PackFiles, RatePack, TrustedKeys};

/// Replaces `from` with `to` in the test manifest, insisting it was there.
fn edit(from: &str, to: &str) -> String {
    assert!(MANIFEST.contains(from), "`{from}` is not in the manifest");
    MANIFEST.replacen(from, to, 1)
}

fn at(manifest: &str, needle: &str) -> String {
    format!("manifest.toml:{}", line_of(manifest, needle))
}

#[test]
fn the_test_pack_compiles() {
    let pack = common::pack();
    assert_eq!(pack.info().state, "IL");
    assert!(pack.id().starts_with("test-auto/1@"), "{}", pack.id());
    assert_eq!(pack.id().len(), "test-auto/1@".len() + 64);
}

#[test]
fn manifest_syntax_and_shape_errors() {
    let m = edit("version = \"1\"", "version = \"1\"\ncolour = \"red\"");
    check_error(files(&m), &at(&m, "colour"), "unknown field `colour`");
    let m = edit("terms = [12]", "terms = 12");
    check_error(files(&m), &at(&m, "terms = 12"), "invalid type");
    let m = edit("[filing]\nreference = \"TEST-1\"\n", "[filing]\n");
    check_error(files(&m), &at(&m, "[filing]"), "missing field `reference`");
    let m = edit("format = 1", "format = 1\nformat = 2");
    check_error(files(&m), &at(&m, "format = 2"), "duplicate key");
}

#[test]
fn invalid_values_name_their_field() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("format = 1", "format = 7", "format = 7", "format: format 7 is not the supported 1"),
        ("state = \"IL\"", "state = \"Illinois\"", "state =", "state: `Illinois` is not a two-letter"),
        ("product = \"personal-auto\"", "product = \"boat\"", "product =", "product: `boat` is not"),
        ("terms = [12]", "terms = [3]", "terms =", "terms: terms are 6 and/or 12"),
        ("type = \"informational\"", "type = \"whenever\"", "type =", "filing.type: `whenever` is not one of"),
        ("renewal = 2026-01-01", "renewal = 2026-01-01T10:00:00", "renewal =", "effective.renewal: `2026-01-01T10:00:00` is not a date"),
        ("mode = \"half-up\"", "mode = \"sideways\"", "coverage = {", "rounding.coverage.mode: `sideways` is not one of"),
        (
            "{ op = \"base\", value = \"30\" }",
            "{ op = \"base\", value = \"3O\" }",
            "value = \"3O\"",
            "coverages[0].steps[0].value: `3O` is not a decimal",
        ),
        (
            "keys = [\"vehicle.garaging_zip\"]",
            "keys = [\"vehicle.colour\"]",
            "vehicle.colour",
            "coverages[0].steps[1].keys[0]: `vehicle.colour` is not a rating variable",
        ),
        ("table = \"record\"", "table = \"recrod\"", "recrod", "coverages[0].steps[2].table: no table named `recrod`"),
        ("keys = [\"driver.violation_points_3y\"]", "keys = [\"vehicle.use\"]", "vehicle.use", "vehicle.use is text but column `points`"),
        (
            "keys = [\"driver.violation_points_3y\"]",
            "keys = [\"dwelling.roof_age\"]",
            "dwelling.roof_age",
            "dwelling.roof_age does not apply to personal-auto",
        ),
        (
            "{ op = \"lookup\", table = \"record\"",
            "{ op = \"divide\", table = \"record\"",
            "divide",
            "coverages[0].steps[2].op: `divide` is not one of",
        ),
        ("code = \"PD\"", "code = \"BI\"", "code = \"BI\"\nname = \"Property", "coverage `BI` is defined twice"),
        (
            "per = \"vehicle\"\nrequired = true\nsteps",
            "per = \"household\"\nrequired = true\nsteps",
            "household",
            "coverages[1].per: `household` is not",
        ),
        ("at-fault-accident = 1\n", "", "[points]", "points: no points for at-fault-accident"),
        ("installments = 1", "installments = 13", "installments = 13", "installment_plans[0].installments: 13 is not 1 to 12"),
    ];
    for (from, to, needle, message) in cases {
        let m = edit(from, to);
        check_error(files(&m), &at(&m, needle), message);
    }
}

#[test]
fn table_errors_name_file_and_line() {
    let with = |territory: &str, record: &str| {
        PackFiles::in_memory("packs/test-auto")
            .with_file("manifest.toml", MANIFEST)
            .with_file("territory.csv", territory)
            .with_file("record.csv", record)
    };
    check_error(with("zip,value\n60601,1.93\n60601,2.00\n", RECORD), "territory.csv:3", "duplicates the keys of line 2");
    check_error(with("zip,value\n60601,abc\n", RECORD), "territory.csv:2", "value: `abc` is not a decimal");
    check_error(with("zip,value\n60601,-1\n", RECORD), "territory.csv:2", "is negative");
    check_error(with("postcode,value\n60601,1\n", RECORD), "territory.csv:1", "header: expected columns `zip,value`");
    check_error(with("zip,value\n", RECORD), "territory.csv:1", "no rows");
    check_error(with("zip,value\n60601,1,extra\n", RECORD), "territory.csv:2", "row:");
    check_error(
        with(TERRITORY, "points_from,points_to,value\n0,0,0.85\n2,,1.20\n"),
        "record.csv:3",
        "gap between band 0..=0 and band 2..=+inf",
    );
    check_error(with(TERRITORY, "points_from,points_to,value\n0,1,0.85\n1,,1.20\n"), "record.csv:3", "band 1..=+inf overlaps band 0..=1");
    check_error(with(TERRITORY, "points_from,points_to,value\n3,1,0.85\n"), "record.csv:2", "band ends (1) before it starts (3)");
    check_error(with(TERRITORY, "points_from,points_to,value\nx,1,0.85\n"), "record.csv:2", "points_from: `x` is not a whole number");
}

#[test]
fn interpolated_tables_need_distinct_sorted_points() {
    let manifest = MANIFEST.replace(
        "[tables.record]\nfile = \"record.csv\"\nkeys = [{ column = \"points\", match = \"band\" }]",
        "[tables.record]\nfile = \"record.csv\"\nkeys = [{ column = \"points\", match = \"interpolate\" }]",
    );
    let with = |record: &str| {
        PackFiles::in_memory("packs/test-auto")
            .with_file("manifest.toml", &manifest)
            .with_file("territory.csv", TERRITORY)
            .with_file("record.csv", record)
    };
    check_error(with("points,value\n0,1\n0,2\n"), "record.csv:3", "0 appears on lines 2 and 3");
    check_error(with("points,value\n0,1\n"), "record.csv:2", "at least two rows");
    check_error(with("points,value\nzero,1\n1,2\n"), "record.csv:2", "`zero` is not a number");
}

#[test]
fn missing_files_are_named() {
    let files = PackFiles::in_memory("packs/test-auto").with_file("manifest.toml", MANIFEST).with_file("territory.csv", TERRITORY);
    let err = compile(&files, LoadMode::Draft).expect_err("record.csv is missing");
    assert!(matches!(&err, PackError::MissingFile { path } if path.ends_with("record.csv")), "{err}");
    assert_eq!(err.to_string(), "packs/test-auto/record.csv: file is missing from the pack");
    let err = RatePack::load_dir(std::path::Path::new("/nonexistent/pack"), LoadMode::Draft).expect_err("no directory");
    assert!(err.to_string().starts_with("cannot read /nonexistent/pack"), "{err}");
}

#[test]
fn conditions_are_type_checked() {
    let with_discount = |when: &str| {
        edit(
            "[[installment_plans]]",
            &format!("[[discounts]]\ncode = \"d\"\nname = \"D\"\nrate = \"0.1\"\nwhen = [{when}]\n\n[[installment_plans]]"),
        )
    };
    let m = with_discount("{ var = \"driver.good_student\", op = \">\", value = true }");
    check_error(files(&m), &at(&m, "driver.good_student"), "is boolean and cannot be compared with >");
    let m = with_discount("{ var = \"driver.age\", op = \"==\", value = \"old\" }");
    check_error(files(&m), &at(&m, "driver.age"), "is not a integer value for driver.age");
    let m = with_discount("{ var = \"vehicle.use\", op = \"in\", value = \"business\" }");
    check_error(files(&m), &at(&m, "vehicle.use"), "`in` needs a list");
    let m = with_discount("{ var = \"driver.age\", op = \"~\", value = 3 }");
    check_error(files(&m), &at(&m, "driver.age"), "`~` is not one of");
    let m = edit("[[installment_plans]]", "[[discounts]]\ncode = \"d\"\nname = \"D\"\nrate = \"1.5\"\n\n[[installment_plans]]");
    check_error(files(&m), &at(&m, "rate = \"1.5\""), "1.5 is not a fraction between 0 and 1");
    let m = edit(
        "[[installment_plans]]",
        "[[discounts]]\ncode = \"d\"\nname = \"D\"\nrate = \"0.1\"\neligibility = \"nice-person\"\n\n[[installment_plans]]",
    );
    check_error(files(&m), &at(&m, "nice-person"), "`nice-person` is not a statutory test");
}

/// The test pack moved to `state`, with `extra` added, and the coverages
/// the state's law includes unless rejected in writing (which every pack
/// there must write).
fn state_pack(state: &str, extra: &str) -> String {
    let rejectable: String = rejectable_coverages(state)
        .iter()
        .map(|c| {
            format!(
                "[[coverages]]\ncode = \"{c}\"\nname = \"{c}\"\nper = \"vehicle\"\nrequired = false\nsteps = [{{ op = \"base\", value = \"20\" }}, {{ op = \"lookup\", table = \"record\", keys = [\"driver.violation_points_3y\"] }}]\n\n"
            )
        })
        .collect();
    edit("state = \"IL\"", &format!("state = \"{state}\""))
        .replace("[[installment_plans]]", &format!("{rejectable}{extra}\n[[installment_plans]]"))
}

fn rejectable_coverages(state: &str) -> &'static [&'static str] {
    match state {
        "TX" => &["PIP", "UM"],
        "CA" | "FL" => &["UM"],
        _ => &[],
    }
}

/// B3: Texas includes PIP (Ins. Code 1952.152) and UM (1952.101) unless the
/// insured rejects them in writing, so a Texas auto pack must write both;
/// the bundled Texas pack had no PIP at all.
#[test]
fn a_texas_auto_pack_writes_the_pip_and_um_an_insured_may_reject_in_writing() {
    let bare = edit("state = \"IL\"", "state = \"TX\"");
    let err = compile(&files(&bare), LoadMode::Draft).expect_err("no PIP");
    assert!(matches!(err, PackError::StateRule { .. }), "{err}");
    assert!(
        err.to_string().contains("no coverage `PIP`: in TX, personal injury protection is included unless the insured rejects it in writing (Tex. Ins. Code 1952.152)"),
        "{err}"
    );
    compile(&files(&state_pack("TX", "")), LoadMode::Draft).expect("with PIP and UM it compiles");
    let bundled = RatePack::load_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/tx-personal-auto"),
        LoadMode::Verified(&TrustedKeys::development()),
    )
    .expect("the bundled Texas pack loads");
    assert!(bundled.coverage_codes().any(|c| c == "PIP"), "the bundled Texas pack writes PIP");
}

#[test]
fn california_law_is_enforced() {
    // The order of the steps has no effect on a premium; California's
    // factor order (10 CCR 2632.8) is about weight over the book's exposure,
    // so without exposure there is nothing to check it on.
    let m = state_pack("CA", "");
    let err = compile(&files(&m), LoadMode::Draft).expect_err("no exposure");
    assert!(err.to_string().starts_with("packs/test-auto/manifest.toml:"), "{err}");
    assert!(err.to_string().contains("table `territory` carries no exposure"), "{err}");
    // Equal exposure: Chicago Loop 1.93 against Springfield 1.00 weighs
    // 0.3174, the driving record (0.85 / 1.20) 0.1707.
    let weighted = |territory: &str, m: &str| {
        files(m)
            .with_file("territory.csv", territory)
            .with_file("record.csv", "points_from,points_to,value,exposure\n0,0,0.85,1\n1,,1.20,1\n")
    };
    let heavy = "zip,value,exposure,label\n60601,1.93,1,Chicago Loop\n62701,1.00,1,Springfield\n";
    let err = compile(&weighted(heavy, &m), LoadMode::Draft).expect_err("territory outweighs the driving record");
    assert!(err.to_string().contains("the optional factor territory (0.3174) outweighs driving record (0.1707)"), "{err}");
    // A book mostly in Springfield: territory weighs 0.0182.
    let light = "zip,value,exposure,label\n60601,1.93,1,Chicago Loop\n62701,1.00,99,Springfield\n";
    let files = |m: &str| weighted(light, m);
    // Every California coverage uses a mandatory factor: PD's flat rate
    // gets the driving record.
    let flat_pd = "steps = [{ op = \"base\", value = \"100\" }]";
    assert!(m.contains(flat_pd));
    let err = compile(&files(&m), LoadMode::Draft).expect_err("a flat coverage");
    assert!(err.to_string().contains("PD uses none of California's mandatory factors"), "{err}");
    let ordered = m.replace(
        flat_pd,
        "steps = [{ op = \"base\", value = \"100\" }, { op = \"lookup\", table = \"record\", keys = [\"driver.violation_points_3y\"] }]",
    );
    let err = compile(&files(&ordered), LoadMode::Draft).expect_err("no Good Driver discount");
    assert!(err.to_string().contains("requires a Good Driver discount of at least 20%"), "{err}");
    let good_driver = |rate: &str| {
        ordered.replace("[[installment_plans]]", &format!("[[discounts]]\ncode = \"good-driver\"\nname = \"Good Driver\"\nrate = \"{rate}\"\neligibility = \"ca-good-driver\"\n\n[[installment_plans]]"))
    };
    let err = compile(&files(&good_driver("0.15")), LoadMode::Draft).expect_err("15% is too little");
    assert!(err.to_string().contains("this pack gives 0.15"), "{err}");
    let lawful = good_driver("0.20");
    compile(&files(&lawful), LoadMode::Draft).expect("a lawful California pack compiles");
    // Credit is not a permitted factor, wherever it appears.
    let credit = lawful.replace(
        "[[installment_plans]]",
        "[[surcharges]]\ncode = \"c\"\nname = \"Credit\"\nrate = \"0.1\"\nwhen = [{ var = \"policy.credit_tier\", op = \"==\", value = \"poor\" }]\n\n[[installment_plans]]",
    );
    let err = check_error(files(&credit), &at(&credit, "policy.credit_tier"), "policy.credit_tier is forbidden in CA");
    assert!(matches!(err, PackError::StateRule { .. }));
    // Age is not a permitted factor either.
    let age = lawful.replace("keys = [\"driver.violation_points_3y\"]", "keys = [\"driver.age\"]");
    check_error(files(&age), &at(&age, "driver.age"), "driver.age is forbidden in CA");
    // The risk score may not move a California premium.
    let risk = lawful + "\n[risk_model]\nusage = \"rate\"\nintercept = \"-2\"\nmin_factor = \"0.9\"\nmax_factor = \"1.1\"\nfeatures = []\n";
    check_error(files(&risk), &at(&risk, "usage = \"rate\""), "may not move the premium in CA");
}

#[test]
fn texas_credit_rules_are_enforced() {
    let credit_table = |no_hit: &str| {
        let m = state_pack("TX", "")
            .replace(
                "[tables.record]",
                "[tables.credit]\nfile = \"credit.csv\"\nkeys = [{ column = \"tier\", match = \"exact\" }]\n\n[tables.record]",
            )
            .replace(
                "steps = [{ op = \"base\", value = \"100\" }]",
                "steps = [{ op = \"base\", value = \"100\" }, { op = \"lookup\", table = \"credit\", keys = [\"policy.credit_tier\"] }]",
            );
        files(&m).with_file("credit.csv", &format!("tier,value\ngood,0.90\npoor,1.30\nno-hit,{no_hit}\n"))
    };
    let err = compile(&credit_table("1.10"), LoadMode::Draft).expect_err("no-hit must be neutral");
    assert!(matches!(err, PackError::StateRule { .. }) && err.to_string().contains("`no-hit` row must be exactly 1"), "{err}");
    compile(&credit_table("1.00"), LoadMode::Draft).expect("neutral no-hit compiles");
    let rule = "[[underwriting]]\ncode = \"UW-CR\"\naction = \"decline\"\nmessage = \"poor credit\"\nwhen = [{ var = \"policy.credit_tier\", op = \"==\", value = \"poor\" }]\n";
    let m = state_pack("TX", rule);
    check_error(files(&m), &at(&m, "[[underwriting]]"), "credit may not be the sole reason to decline in TX");
}

/// The review's leaks around the no-hit rule (H1): a surcharge that reaches
/// a no-hit risk, a table keyed by credit and another variable, and a
/// referring score that reads credit all passed; each is refused now.
#[test]
fn texas_no_hit_stays_neutral_whatever_reads_credit() {
    let surcharge = |when: &str| {
        state_pack("TX", &format!("[[surcharges]]\ncode = \"thin-file\"\nname = \"Thin file\"\nrate = \"0.10\"\nwhen = [{when}]\n"))
    };
    for when in [
        "{ var = \"policy.credit_tier\", op = \"==\", value = \"no-hit\" }",
        "{ var = \"policy.credit_tier\", op = \"!=\", value = \"excellent\" }",
        "{ var = \"policy.credit_tier\", op = \"in\", value = [\"poor\", \"no-hit\"] }",
    ] {
        let err = compile(&files(&surcharge(when)), LoadMode::Draft).expect_err(when);
        assert!(err.to_string().contains("applies to a risk with no credit history"), "{when}: {err}");
    }
    compile(&files(&surcharge("{ var = \"policy.credit_tier\", op = \"==\", value = \"poor\" }")), LoadMode::Draft)
        .expect("a surcharge for poor credit leaves no-hit alone");
    let two_keys = state_pack("TX", "")
        .replace(
            "[tables.record]",
            "[tables.credit]\nfile = \"credit.csv\"\nkeys = [{ column = \"tier\", match = \"exact\" }, { column = \"points\", match = \"band\" }]\n\n[tables.record]",
        )
        .replace(
            "steps = [{ op = \"base\", value = \"100\" }]",
            "steps = [{ op = \"base\", value = \"100\" }, { op = \"lookup\", table = \"credit\", keys = [\"policy.credit_tier\", \"driver.violation_points_3y\"] }]",
        );
    let files2 = files(&two_keys).with_file("credit.csv", "tier,points_from,points_to,value\nno-hit,0,,1.20\npoor,0,,1.30\n");
    let err = compile(&files2, LoadMode::Draft).expect_err("credit with another key");
    assert!(err.to_string().contains("credit is keyed alone"), "{err}");
    let score = state_pack("TX", "")
        + "\n[risk_model]\nusage = \"inform\"\nintercept = \"-2\"\nrefer_above = \"0.2\"\nfeatures = [{ var = \"policy.credit_tier\", level = \"poor\", coefficient = \"0.5\" }]\n";
    let err = compile(&files(&score), LoadMode::Draft).expect_err("a referring score on credit");
    assert!(err.to_string().contains("a score that reads credit may not refer in TX"), "{err}");
}

#[test]
fn required_coverages_follow_state_law() {
    let m = state_pack("NY", "");
    let err = compile(&files(&m), LoadMode::Draft).expect_err("New York requires PIP");
    assert!(err.to_string().contains("PIP is required in NY but the pack does not rate it"), "{err}");
    let m = edit(
        "code = \"PD\"\nname = \"Property damage\"\nper = \"vehicle\"\nrequired = true",
        "code = \"PD\"\nname = \"Property damage\"\nper = \"vehicle\"\nrequired = false",
    );
    let err = compile(&files(&m), LoadMode::Draft).expect_err("PD must be required");
    assert!(err.to_string().contains("PD is required in IL and must be marked `required = true`"), "{err}");
}

#[test]
fn signatures_are_required_and_checked() {
    let key = signing_key_from_hex(&"11".repeat(32)).expect("key");
    let mut trusted = TrustedKeys::new();
    trusted.add_hex("test-key", &digest::public_key_hex(&key)).expect("trust");
    let unsigned = files(MANIFEST);
    let err = compile(&unsigned, LoadMode::Verified(&trusted)).expect_err("unsigned");
    assert_eq!(err.to_string(), "packs/test-auto/SIGNATURE: the pack is not signed; sign it, or load it explicitly as a draft");

    let d = digest::digest(&unsigned);
    let signed = unsigned.clone().with_file("SIGNATURE", &digest::sign(&d, "test-key", &key));
    let pack = compile(&signed, LoadMode::Verified(&trusted)).expect("a signed pack loads");
    assert!(pack.is_signed());
    assert_eq!(pack.digest(), d, "the signature file is not part of the digest");

    let tampered = signed.clone().with_file("territory.csv", "zip,value,label\n60601,1.00,Chicago Loop\n62701,1.00,Springfield\n");
    let err = compile(&tampered, LoadMode::Verified(&trusted)).expect_err("tampered");
    assert!(err.to_string().contains("the pack was changed after signing"), "{err}");

    let err = compile(&signed, LoadMode::Verified(&TrustedKeys::development())).expect_err("untrusted key");
    assert!(err.to_string().ends_with("key `test-key` is not trusted"), "{err}");

    let forged =
        signed.clone().with_file("SIGNATURE", &digest::sign(&d, "test-key", &signing_key_from_hex(&"22".repeat(32)).expect("key")));
    let err = compile(&forged, LoadMode::Verified(&trusted)).expect_err("wrong key");
    assert!(err.to_string().ends_with("the signature by `test-key` does not verify"), "{err}");

    let draft = compile(&tampered, LoadMode::Draft).expect("draft mode loads an unsigned or changed pack");
    assert!(!draft.is_signed());
}

#[test]
fn digest_ignores_line_endings_but_not_content() {
    let a = digest::digest(&files(MANIFEST));
    let b = digest::digest(&files(&MANIFEST.replace('\n', "\r\n")));
    assert_eq!(a, b);
    let c = digest::digest(&files(&MANIFEST.replace("TEST-1", "TEST-2")));
    assert_ne!(a, c);
}

/// Florida's compulsory auto coverages are PIP and property damage (Fla.
/// Stat. 627.733, 324.022); bodily injury is optional (domain review B4):
/// the most common minimum Florida policy, PIP and PD alone, is quoted.
#[test]
fn florida_auto_requires_pip_and_pd_not_bi() {
    let dir = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with("fl-personal-auto")).expect("the FL auto pack");
    let pack = uw_rating::RatePack::load_dir(&dir, uw_rating::LoadMode::Verified(&uw_rating::TrustedKeys::development())).expect("loads");
    let example = std::fs::read_to_string(dir.join("../examples/fl-personal-auto/01-clean-standard.json")).expect("example");
    let mut quote = uw_rating::Quote::from_json(&example).expect("quote");
    quote.coverages.retain(|c| c.code == "PIP" || c.code == "PD");
    assert_eq!(quote.coverages.len(), 2, "{:?}", quote.coverages);
    let rating = uw_rating::rate(&pack, &common::valid(quote.clone())).expect("PIP and PD alone are a Florida policy");
    assert!(rating.coverages.iter().all(|c| &*c.coverage != "BI"));
    quote.coverages.retain(|c| c.code == "PD");
    let err = uw_rating::rate(&pack, &common::valid(quote)).expect_err("PIP is compulsory");
    assert!(err.to_string().contains("PIP"), "{err}");
}

/// F4: a pack files how an insured's cancellation returns premium
/// (`[refunds]`), and Florida auto returns at least 90 % of pro rata (Fla.
/// Stat. 627.7283(4)): a Florida pack filing the short-rate table is refused.
#[test]
fn refunds_are_filed_in_the_pack_within_the_states_floor() {
    // Florida's compulsory PIP.
    let pip =
        "[[coverages]]\ncode = \"PIP\"\nname = \"PIP\"\nper = \"vehicle\"\nrequired = true\nsteps = [{ op = \"base\", value = \"20\" }]\n";
    let with = |state: &str, insured: &str| {
        state_pack(state, if state == "FL" { pip } else { "" }).replacen(
            "[tables.territory]",
            &format!("[refunds]\ninsured_request = \"{insured}\"\nreplaced_or_sold = \"pro-rata\"\n\n[tables.territory]"),
            1,
        )
    };
    let pack = compile(&files(&with("IL", "short-rate-table")), LoadMode::Draft).expect("compiles");
    assert_eq!(pack.refunds().insured_request, Some(uw_rating::RefundMethod::ShortRateTable));
    assert_eq!(pack.refunds().replaced_or_sold, Some(uw_rating::RefundMethod::ProRata));
    let m = with("IL", "most of it");
    check_error(files(&m), &at(&m, "most of it"), "`most of it` is not pro-rata, short-rate-table or \"N% of pro-rata\"");
    let m = with("FL", "short-rate-table");
    let err = check_error(files(&m), &at(&m, "insured_request = "), "short-rate-table returns less than 90% of pro rata");
    assert!(err.to_string().contains("Fla. Stat. 627.7283(4)"), "{err}");
    let m = with("FL", "85% of pro-rata");
    check_error(files(&m), &at(&m, "insured_request = "), "85% of pro-rata returns less than 90% of pro rata");
    compile(&files(&with("FL", "90% of pro-rata")), LoadMode::Draft).expect("90% is the floor");
}

/// Issue 27: a homeowners pack files Coverages B to D as percentages of
/// Coverage A (`[property_limits]`), which proposals and declarations print;
/// an auto pack may not, and each percentage is above 0 and at most 100.
#[test]
fn homeowners_coverages_b_to_d_are_filed_as_percentages_of_coverage_a() {
    let home = RatePack::load_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/il-homeowners-ho3"),
        LoadMode::Verified(&TrustedKeys::development()),
    )
    .expect("the bundled Illinois homeowners pack loads");
    let limits = home.property_limits().expect("it files Coverages B to D");
    let amounts: Vec<(&str, String)> =
        limits.amounts(rust_decimal::Decimal::new(350_005, 0)).iter().map(|(letter, _, amount)| (*letter, amount.to_string())).collect();
    // 10%, 50% and 20% of $350,005, to whole dollars (half a dollar up).
    assert_eq!(amounts, [("B", "35001".to_owned()), ("C", "175003".to_owned()), ("D", "70001".to_owned())]);

    let section =
        |b: &str| format!("[property_limits]\nother_structures = \"{b}\"\npersonal_property = \"50\"\nloss_of_use = \"20\"\n\n[filing]");
    let m = edit("[filing]", &section("10"));
    check_error(files(&m), &at(&m, "[property_limits]"), "only a homeowners pack sets Coverages B to D");
    assert!(common::pack().property_limits().is_none(), "an auto pack has none");
    // The Illinois homeowners pack with its Coverage B at 0% and at 101%.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/il-homeowners-ho3");
    for bad in ["0", "101"] {
        let mut pack = PackFiles::in_memory("packs/test-auto");
        for entry in std::fs::read_dir(&dir).expect("the pack's folder") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).expect("a file name").to_owned();
            let text = std::fs::read_to_string(&path).expect("a text file");
            let text = if name == "manifest.toml" {
                text.replacen("other_structures = \"10\"", &format!("other_structures = \"{bad}\""), 1)
            } else {
                text
            };
            pack = pack.with_file(&name, &text);
        }
        let manifest = std::fs::read_to_string(dir.join("manifest.toml")).expect("the manifest");
        check_error(
            pack,
            &at(&manifest, "other_structures = "),
            &format!("`{bad}` is not a percentage of Coverage A above 0 and at most 100"),
        );
    }
}
