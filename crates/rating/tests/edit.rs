//! Editing a pack as the rate editor does, locating the loader's errors in
//! the grid, and diffing two packs.

use std::path::Path;

use uw_rating::pack::edit::{diff, manifest_fields, table_grids, DraftEdits, EditError, FieldKind, Problem};
use uw_rating::{compile, LoadMode, PackError, PackFiles, TrustedKeys};

fn base() -> PackFiles {
    PackFiles::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/ca-personal-auto")).expect("reads")
}

fn edits(fields: &[(&str, &str)]) -> DraftEdits {
    DraftEdits { fields: fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(), ..DraftEdits::default() }
}

#[test]
fn manifest_fields_name_the_rates_with_their_lines() {
    let files = base();
    let manifest = files.file("manifest.toml").expect("manifest");
    let fields = manifest_fields(&files).expect("fields");
    let bi = fields.iter().find(|f| f.key == "coverages.BI.steps.0.value").expect("BI base rate");
    assert_eq!((bi.value.as_str(), bi.kind, bi.label.as_str()), ("462.00", FieldKind::Decimal, "BI: Base rate (annual)"));
    let line = manifest.lines().position(|l| l.contains(r#"{ op = "base", value = "462.00""#)).expect("line") + 1;
    assert_eq!(bi.line, line);
    let nb = fields.iter().find(|f| f.key == "effective.new_business").expect("date");
    assert_eq!((nb.value.as_str(), nb.kind), ("2026-01-01", FieldKind::Date));
    assert_eq!(fields.iter().find(|f| f.key == "version").map(|f| f.value.as_str()), Some("2026.1"));
    // Fields are in file order.
    assert!(fields.windows(2).all(|w| w[0].line <= w[1].line));
}

#[test]
fn applying_edits_rewrites_only_the_values_and_drops_the_signature() {
    let files = base();
    compile(&files, LoadMode::Verified(&TrustedKeys::development())).expect("the bundled pack is signed");
    let draft = edits(&[
        ("coverages.BI.steps.0.value", "480.00"),
        ("version", "2026.2"),
        ("effective.new_business", "2026-12-01"),
        ("effective.renewal", "2027-01-01"),
    ])
    .apply(&files)
    .expect("applies");
    assert!(draft.file("SIGNATURE").is_none());
    let (before, after) = (files.file("manifest.toml").expect("base"), draft.file("manifest.toml").expect("draft"));
    assert_eq!(before.lines().count(), after.lines().count());
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 4, "{changed:#?}");
    assert!(after.contains(r#"{ op = "base", value = "480.00", label = "Base rate (annual)" }"#));
    assert!(after.contains("new_business = 2026-12-01\n"));
    assert!(after.contains("# California personal auto rate pack"), "comments survive");

    let pack = compile(&draft, LoadMode::Draft).expect("the draft compiles");
    assert!(!pack.is_signed());
    assert_eq!(pack.info().version, "2026.2");
    let err = compile(&draft, LoadMode::Verified(&TrustedKeys::development())).expect_err("a draft is unsigned");
    assert!(matches!(err, PackError::Unsigned { .. }), "{err}");
}

#[test]
fn edits_that_cannot_apply_are_typed_errors() {
    let files = base();
    assert_eq!(
        edits(&[("coverages.XX.steps.0.value", "1")]).apply(&files).expect_err("unknown"),
        EditError::UnknownField { key: "coverages.XX.steps.0.value".into() }
    );
    assert_eq!(
        edits(&[("version", "2026.2\nx = 1")]).apply(&files).expect_err("multiline"),
        EditError::Multiline { key: "version".into() }
    );
    let mut grid = table_grids(&files).expect("grids").into_iter().find(|g| g.file == "bi_limit.csv").expect("bi table");
    grid.rows[1].pop();
    let mut e = DraftEdits::default();
    e.tables.insert("bi_limit.csv".into(), grid.clone());
    assert_eq!(e.apply(&files).expect_err("short row"), EditError::RowWidth { file: "bi_limit.csv".into(), row: 2, cells: 1, columns: 2 });
    e.tables.clear();
    e.tables.insert("nothing.csv".into(), grid);
    assert_eq!(e.apply(&files).expect_err("no such table"), EditError::UnknownTable { file: "nothing.csv".into() });
}

#[test]
fn loader_errors_point_at_the_cell_or_the_field() {
    let files = base();
    let mut grid = table_grids(&files).expect("grids").into_iter().find(|g| g.file == "bi_limit.csv").expect("bi table");
    let row = grid.rows.iter().position(|r| r[0] == "100/300").expect("row");
    grid.rows[row][1] = "1.3x".into();
    let mut e = DraftEdits::default();
    e.tables.insert("bi_limit.csv".into(), grid);
    let draft = e.apply(&files).expect("applies");
    let err = compile(&draft, LoadMode::Draft).expect_err("a bad factor");
    let problem = Problem::locate(&err, &draft);
    assert_eq!(problem.file.as_deref(), Some("bi_limit.csv"));
    assert_eq!((problem.line, problem.row), (Some(row + 2), Some(row)));
    assert_eq!(problem.field.as_deref(), Some("value"));
    assert!(problem.message.contains("bi_limit.csv"), "{}", problem.message);

    let draft = edits(&[("coverages.PD.steps.0.value", "lots")]).apply(&files).expect("applies");
    let err = compile(&draft, LoadMode::Draft).expect_err("a bad base rate");
    let problem = Problem::locate(&err, &draft);
    assert_eq!(problem.file.as_deref(), Some("manifest.toml"));
    assert_eq!(problem.key.as_deref(), Some("coverages.PD.steps.0.value"), "{problem:?}");

    let draft = edits(&[("effective.renewal", "2027-13-01")]).apply(&files).expect("applies");
    let err = compile(&draft, LoadMode::Draft).expect_err("a bad date");
    assert_eq!(
        Problem::locate(&err, &draft).line,
        manifest_fields(&files).expect("fields").iter().find(|f| f.key == "effective.renewal").map(|f| f.line)
    );
}

#[test]
fn diff_lists_changed_fields_cells_and_rows() {
    let files = base();
    let same = diff(&files, &files);
    assert!(same.is_empty(), "{same:#?}");
    let mut e = edits(&[("coverages.BI.steps.0.value", "480.00"), ("version", "2026.2")]);
    let mut territory = table_grids(&files).expect("grids").into_iter().find(|g| g.name == "territory").expect("territory");
    let row = territory.rows.iter().position(|r| r[0] == "90026").expect("Echo Park");
    territory.rows[row][1] = "1.61".into();
    let removed = territory.rows.remove(0);
    territory.rows.push(vec!["96199".into(), "1.00".into(), "1".into(), "T0 Test".into()]);
    e.tables.insert("territory.csv".into(), territory);
    let draft = e.apply(&files).expect("applies");
    let d = diff(&files, &draft);

    let fields: Vec<(&str, Option<&str>, Option<&str>)> =
        d.fields.iter().map(|f| (f.key.as_str(), f.before.as_deref(), f.after.as_deref())).collect();
    assert_eq!(fields, [("version", Some("2026.1"), Some("2026.2")), ("coverages.BI.steps.0.value", Some("462.00"), Some("480.00"))]);
    assert!(d.manifest_lines.is_empty(), "{:?}", d.manifest_lines);
    assert_eq!(d.tables.len(), 1);
    let t = &d.tables[0];
    assert_eq!(t.cells.len(), 1);
    let cell = &t.cells[0];
    assert_eq!(
        (cell.key.clone(), cell.column.as_str(), cell.before.as_deref(), cell.after.as_deref()),
        (vec!["90026".to_owned()], "value", Some("1.22"), Some("1.61"))
    );
    assert_eq!(cell.line, cell.row + 2);
    assert_eq!(t.added.iter().map(|r| r.key.clone()).collect::<Vec<_>>(), [vec!["96199".to_owned()]]);
    assert_eq!(t.removed.iter().map(|r| (r.key.clone(), r.line)).collect::<Vec<_>>(), [(vec![removed[0].clone()], 2)]);
    assert_eq!(d.change_count(), 5);

    // A change outside the editable values shows as a manifest line.
    let mut other = draft.clone();
    let text = other.file("manifest.toml").expect("manifest").replace("terms = [6, 12]", "terms = [12]");
    other.set_file("manifest.toml", text);
    let d = diff(&draft, &other);
    assert!(d.fields.is_empty());
    assert_eq!(d.manifest_lines.len(), 1);
    assert_eq!(d.manifest_lines[0].after.as_deref(), Some("terms = [12]"));
}
