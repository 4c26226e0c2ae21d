//! Impact analysis gives the figures of re-rating each policy directly.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rust_decimal::Decimal;
use uw_rating::impact::{impact, BookPolicy, ImpactControl, ImpactError};
use uw_rating::pack::edit::{table_grids, DraftEdits};
use uw_rating::{compile, rate, LoadMode, PackFiles, Quote, RatePack};

fn pack_files(name: &str) -> PackFiles {
    PackFiles::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs").join(name)).expect("reads")
}

/// The CA auto base pack and a draft that raises the BI base rate, cuts the
/// COMP one, and changes one county's territory factors.
fn packs() -> (RatePack, RatePack) {
    let files = pack_files("ca-personal-auto");
    let mut edits = DraftEdits::default();
    edits.fields.insert("coverages.BI.steps.0.value".into(), "495.00".into());
    edits.fields.insert("coverages.COMP.steps.0.value".into(), "150.00".into());
    edits.fields.insert("version".into(), "2026.2".into());
    let mut territory = table_grids(&files).expect("grids").into_iter().find(|g| g.name == "territory").expect("territory");
    for row in &mut territory.rows {
        // Label is the fourth column, after value and exposure. Both moves
        // keep territory lighter than the mandatory factors (10 CCR 2632.8).
        if row[3].contains("San Diego") {
            row[1] = "1.25".into();
        } else if row[3].contains("Los Angeles") {
            row[1] = "1.15".into();
        }
    }
    edits.tables.insert("territory.csv".into(), territory);
    let draft = edits.apply(&files).expect("applies");
    (compile(&files, LoadMode::Draft).expect("base"), compile(&draft, LoadMode::Draft).expect("draft"))
}

/// Every CA example with its ZIP and vehicles varied over the state, plus a
/// Texas quote the packs do not rate.
fn book(base: &RatePack, size: usize) -> Vec<BookPolicy> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/examples/ca-personal-auto");
    let mut examples: Vec<Quote> = std::fs::read_dir(dir)
        .expect("examples")
        .map(|e| Quote::from_json(&std::fs::read_to_string(e.expect("entry").path()).expect("reads")).expect("parses"))
        .collect();
    examples.sort_by(|a, b| a.applicant.name.cmp(&b.applicant.name));
    let zips = base.territory_zips();
    let mut book: Vec<BookPolicy> = (0..size)
        .map(|i| {
            let mut q = examples[i % examples.len()].clone();
            let zip = zips[(i * 7919) % zips.len()].to_owned();
            for v in &mut q.vehicles {
                v.garaging_zip.clone_from(&zip);
                v.vin = None;
                v.annual_miles = 3000 + u32::try_from((i * 37) % 25000).expect("small");
            }
            q.applicant.address.zip = zip;
            BookPolicy { id: format!("P{i:05}"), quote: q.validate().expect("valid") }
        })
        .collect();
    let tx = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/auto-2-vehicles-3-drivers.json")).expect("tx");
    book.push(BookPolicy { id: "TX".into(), quote: Quote::from_json(&tx).expect("parses").validate().expect("valid") });
    book
}

fn run(base: &RatePack, draft: &RatePack, book: &[BookPolicy]) -> uw_rating::impact::ImpactReport {
    let cancel = AtomicBool::new(false);
    impact(base, draft, book, &ImpactControl { cancel: &cancel, progress: &|_, _| {} }).expect("runs")
}

#[test]
fn impact_equals_rating_each_policy_directly() {
    let (base, draft) = packs();
    let book = book(&base, 2_000);
    let report = run(&base, &draft, &book);

    // The same figures, worked out one policy at a time with full ratings.
    let mut totals = (Decimal::ZERO, Decimal::ZERO);
    let mut by_coverage: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    let mut bands = [0u64; 10];
    let mut changes = Vec::new();
    let mut rated = 0;
    for p in book.iter().filter(|p| p.quote.state == "CA") {
        let (b, d) = (rate(&base, &p.quote).expect("base rates"), rate(&draft, &p.quote).expect("draft rates"));
        rated += 1;
        totals.0 += b.total;
        totals.1 += d.total;
        for c in &b.coverages {
            by_coverage.entry(c.coverage.to_string()).or_default().0 += c.premium;
        }
        for c in &d.coverages {
            by_coverage.entry(c.coverage.to_string()).or_default().1 += c.premium;
        }
        let pct = (d.total - b.total) / b.total * Decimal::ONE_HUNDRED;
        let edges = [-10, -5, -2].map(Decimal::from);
        let up = [2, 5, 10, 20].map(Decimal::from);
        let band = if pct.is_zero() {
            4
        } else if pct < Decimal::ZERO {
            edges.iter().position(|e| pct <= *e).unwrap_or(3)
        } else {
            up.iter().position(|e| pct <= *e).map_or(9, |i| i + 5)
        };
        bands[band] += 1;
        changes.push((pct, d.total - b.total, p.id.clone()));
    }

    assert_eq!((report.policies, report.rated, report.out_of_scope, report.failed), (book.len() as u64, rated, 1, 0));
    assert_eq!((report.total.base_premium, report.total.draft_premium), totals);
    assert_eq!(report.total.change, totals.1 - totals.0);
    assert_eq!(report.bands.iter().map(|b| b.policies).collect::<Vec<_>>(), bands);
    assert_eq!(report.bands.iter().map(|b| b.policies).sum::<u64>(), report.rated);
    assert_eq!(report.bands.iter().map(|b| b.base_premium).sum::<Decimal>(), totals.0);
    let coverage: BTreeMap<String, (Decimal, Decimal)> =
        report.by_coverage.iter().map(|g| (g.name.clone(), (g.base_premium, g.draft_premium))).collect();
    assert_eq!(coverage, by_coverage);
    assert_eq!(report.by_territory.iter().map(|t| t.policies).sum::<u64>(), report.rated);
    assert_eq!(report.by_territory.iter().map(|t| t.draft_premium).sum::<Decimal>(), totals.1);
    let san_diego = report.by_territory.iter().find(|t| t.name.contains("San Diego")).expect("San Diego is in the book");
    assert!(san_diego.change > Decimal::ZERO, "the draft raised San Diego's factor");
    assert_eq!(report.increased + report.decreased + report.unchanged, report.rated);
    assert!(report.increased > 0 && report.decreased > 0, "San Diego up, Los Angeles down: both directions occur");

    // The largest increases, in order, with both worksheets.
    changes.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let expected: Vec<&str> = changes.iter().take(10).map(|c| c.2.as_str()).collect();
    let got: Vec<&str> = report.largest_increases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(got, expected);
    let top = &report.largest_increases[0];
    assert_eq!(top.draft.total - top.base.total, top.change);
    assert!(top.base.coverages.iter().all(|c| !c.worksheet.is_empty()));
    assert_eq!(top.draft.pack_id, draft.id());

    // The same book gives the same report, whatever order the chunks finish in.
    assert_eq!(run(&base, &draft, &book), report);
}

#[test]
fn progress_reaches_the_whole_book_and_cancel_stops_the_run() {
    let (base, draft) = packs();
    let book = book(&base, 9_000);
    let last = AtomicU64::new(0);
    let cancel = AtomicBool::new(false);
    let progress = |done: u64, total: u64| {
        assert_eq!(total, book.len() as u64);
        last.fetch_max(done, Ordering::Relaxed);
    };
    impact(&base, &draft, &book, &ImpactControl { cancel: &cancel, progress: &progress }).expect("runs");
    assert_eq!(last.load(Ordering::Relaxed), book.len() as u64);

    // Cancelled from the progress callback after the first chunk.
    let cancel = AtomicBool::new(false);
    let stop = |_: u64, _: u64| cancel.store(true, Ordering::Relaxed);
    let err = impact(&base, &draft, &book, &ImpactControl { cancel: &cancel, progress: &stop }).expect_err("cancelled");
    assert!(matches!(err, ImpactError::Cancelled { total, .. } if total == book.len() as u64), "{err}");
}

#[test]
fn a_draft_that_cannot_rate_a_policy_lists_it_and_a_different_line_is_refused() {
    let files = pack_files("ca-personal-auto");
    let mut edits = DraftEdits::default();
    let mut territory = table_grids(&files).expect("grids").into_iter().find(|g| g.name == "territory").expect("territory");
    territory.rows.retain(|r| r[0] != "90026");
    edits.tables.insert("territory.csv".into(), territory);
    let base = compile(&files, LoadMode::Draft).expect("base");
    let draft = compile(&edits.apply(&files).expect("applies"), LoadMode::Draft).expect("draft");
    let book = book(&base, 3_000);
    let report = run(&base, &draft, &book);
    let echo_park: Vec<&str> =
        book.iter().filter(|p| p.quote.vehicles.iter().any(|v| v.garaging_zip == "90026")).map(|p| p.id.as_str()).collect();
    assert!(!echo_park.is_empty(), "the book has policies garaged in 90026");
    assert_eq!(report.failed, echo_park.len() as u64);
    assert_eq!(report.rated + report.failed + report.out_of_scope, report.policies);
    assert!(
        report.failures.iter().all(|f| f.pack == "draft" && f.message.contains("territory") && echo_park.contains(&f.id.as_str())),
        "{:?}",
        report.failures
    );

    let tx = compile(&pack_files("tx-personal-auto"), LoadMode::Draft).expect("tx");
    let err = impact(&base, &tx, &[], &ImpactControl { cancel: &AtomicBool::new(false), progress: &|_, _| {} }).expect_err("other line");
    assert!(matches!(err, ImpactError::DifferentLines { .. }));
    assert!(err.to_string().contains("CA personal-auto and the draft TX personal-auto"), "{err}");
}

/// A draft that changes only some coverages prices only those with the
/// draft; one that changes what every coverage reads prices everything
/// twice. Both give the figures of rating each policy directly.
#[test]
fn a_draft_is_priced_only_where_it_changes_and_the_figures_do_not_move() {
    let files = pack_files("ca-personal-auto");
    let base = compile(&files, LoadMode::Draft).expect("base");
    let book = book(&base, 1_500);
    let draft_of = |fields: &[(&str, &str)]| {
        let mut edits = DraftEdits::default();
        for (k, v) in fields {
            edits.fields.insert((*k).into(), (*v).into());
        }
        compile(&edits.apply(&files).expect("applies"), LoadMode::Draft).expect("draft")
    };
    // (the draft's field edits, the coverages it should price)
    type Case<'a> = (&'a [(&'a str, &'a str)], Option<Vec<&'a str>>);
    let cases: [Case<'_>; 3] = [
        // The BI base rate and the policy minimum: only BI is priced again.
        (&[("coverages.BI.steps.0.value", "480.00"), ("minimum_premium", "2600.00")], Some(vec!["BI"])),
        // A discount every coverage reads: everything is priced with both packs.
        (&[("discounts.good-driver.rate", "0.25")], None),
        // Nothing but the version: no coverage is priced again.
        (&[("version", "2026.9")], Some(vec![])),
    ];
    for (fields, expected) in cases {
        let draft = draft_of(fields);
        let report = run(&base, &draft, &book);
        assert_eq!(report.repriced, expected.map(|v| v.into_iter().map(str::to_owned).collect::<Vec<_>>()), "{fields:?}");
        let mut totals = (Decimal::ZERO, Decimal::ZERO);
        let mut by_coverage: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
        for p in book.iter().filter(|p| p.quote.state == "CA") {
            let (b, d) = (rate(&base, &p.quote).expect("base rates"), rate(&draft, &p.quote).expect("draft rates"));
            totals.0 += b.total;
            totals.1 += d.total;
            for c in &b.coverages {
                by_coverage.entry(c.coverage.to_string()).or_default().0 += c.premium;
            }
            for c in &d.coverages {
                by_coverage.entry(c.coverage.to_string()).or_default().1 += c.premium;
            }
        }
        assert_eq!((report.total.base_premium, report.total.draft_premium), totals, "{fields:?}");
        let coverage: BTreeMap<String, (Decimal, Decimal)> =
            report.by_coverage.iter().map(|g| (g.name.clone(), (g.base_premium, g.draft_premium))).collect();
        assert_eq!(coverage, by_coverage, "{fields:?}");
        assert_eq!(report.failed, 0);
    }
    // The minimum premium above shows in the totals: some policies were raised to it.
    let minimum = run(&base, &draft_of(&[("minimum_premium", "2600.00")]), &book);
    assert!(minimum.increased > 0 && minimum.decreased == 0, "{} up, {} down", minimum.increased, minimum.decreased);
}

/// A book fed in parts (as `uw pack impact` streams its file) gives the
/// report of the whole book at once, largest increases included.
#[test]
fn a_book_fed_in_parts_reports_as_the_whole_book() {
    let (base, draft) = packs();
    let book = book(&base, 9_000);
    let whole = run(&base, &draft, &book);
    let cancel = AtomicBool::new(false);
    let control = ImpactControl { cancel: &cancel, progress: &|_, _| {} };
    let mut parted = uw_rating::impact::ImpactRun::new(&base, &draft, 0).expect("same line");
    for part in [&book[..1], &book[1..4_100], &book[4_100..4_100], &book[4_100..]] {
        parted.feed(part, &control).expect("runs");
    }
    let parted = parted.finish();
    assert_eq!(parted, whole);
    assert_eq!(parted.largest_increases.len(), uw_rating::impact::LARGEST_INCREASES);
    assert_eq!(parted.policies, 9_001);
}

/// A draft that changes a discount every coverage reads prices each policy
/// with the base's encoded facts (the plans share their words and tables):
/// the same figures as rating each policy with each pack.
#[test]
fn a_discount_change_reports_what_rating_each_policy_gives() {
    let files = pack_files("ca-personal-auto");
    let mut edits = DraftEdits::default();
    edits.fields.insert("discounts.multi-car.rate".into(), "0.14".into());
    edits.fields.insert("version".into(), "2026.3".into());
    let base = compile(&files, LoadMode::Draft).expect("base");
    let draft = compile(&edits.apply(&files).expect("applies"), LoadMode::Draft).expect("draft");
    let book = book(&base, 1_500);
    let report = run(&base, &draft, &book);
    let (mut totals, mut by_coverage) = ((Decimal::ZERO, Decimal::ZERO), BTreeMap::<String, (Decimal, Decimal)>::new());
    for p in book.iter().filter(|p| p.quote.state == "CA") {
        let (b, d) = (rate(&base, &p.quote).expect("base rates"), rate(&draft, &p.quote).expect("draft rates"));
        totals = (totals.0 + b.total, totals.1 + d.total);
        for c in &b.coverages {
            by_coverage.entry(c.coverage.to_string()).or_default().0 += c.premium;
        }
        for c in &d.coverages {
            by_coverage.entry(c.coverage.to_string()).or_default().1 += c.premium;
        }
    }
    assert_eq!((report.total.base_premium, report.total.draft_premium), totals);
    assert!(totals.1 < totals.0, "a larger multi-car discount lowers the book: {totals:?}");
    let coverage: BTreeMap<String, (Decimal, Decimal)> =
        report.by_coverage.iter().map(|g| (g.name.clone(), (g.base_premium, g.draft_premium))).collect();
    assert_eq!(coverage, by_coverage);
}
