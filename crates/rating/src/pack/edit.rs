//! Editing a pack as an underwriter sees it, and comparing two packs.
//!
//! A draft is its base pack plus a [`DraftEdits`]: new values for the
//! manifest's rates, factors and dates ([`ManifestField`]s, addressed by a
//! stable key such as `coverages.BI.steps.0.value`) and whole replacement
//! grids for the tables it touches. [`DraftEdits::apply`] rewrites only the
//! edited values in the manifest's text, so its comments and layout survive
//! and a line number means the same in the base and the draft; the loader
//! then checks the result like any pack, and [`Problem`] turns its error
//! into the file, line, row and column the editor highlights.
//!
//! [`diff`] compares two packs' files: manifest fields by key, tables cell by
//! cell with rows matched on their key columns, and any other manifest line.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::digest::SIGNATURE_FILE;
use super::error::PackError;
use super::{line_of, parse_manifest, PackFiles, MANIFEST_FILE};

/// What kind of value a manifest field holds, so an editor can offer the
/// right input and the rewrite can keep the TOML type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    /// A decimal written as a string (`"462.00"`): rates, factors, amounts.
    Decimal,
    /// A bare TOML date (`2026-01-01`).
    Date,
    /// A string: the version, the filing reference.
    Text,
}

/// One editable value of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ManifestField {
    /// Stable address, e.g. `coverages.BI.steps.0.value` or `effective.renewal`.
    pub key: String,
    /// What an underwriter calls it, e.g. `BI: Base rate (annual)`.
    pub label: String,
    /// Which group it belongs to in the editor: `pack`, `coverage BI`, `discounts`, ...
    pub group: String,
    pub kind: FieldKind,
    /// The value as written, without quotes.
    pub value: String,
    /// 1-based line in `manifest.toml`.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line: usize,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    span: Range<usize>,
}

/// A lookup table as a grid of text cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableGrid {
    /// The table's name in the manifest.
    pub name: String,
    /// Its CSV file.
    pub file: String,
    /// Key columns (from the manifest), in order.
    pub keys: Vec<String>,
    pub header: Vec<String>,
    /// Data rows; row `i` is line `i + 2` of the file.
    pub rows: Vec<Vec<String>>,
}

impl TableGrid {
    /// The grid as CSV text, header first, LF line ends.
    pub fn to_csv(&self) -> String {
        let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        // Writing to a Vec cannot fail, and every record is plain text.
        let _ = out.write_record(&self.header);
        for row in &self.rows {
            let _ = out.write_record(row);
        }
        let bytes = out.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// Why an edit could not be applied (as opposed to a pack the loader refuses,
/// which is a [`PackError`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The base pack's manifest does not parse, so its fields cannot be found.
    #[error("the base pack's manifest does not parse: {0}")]
    BaseManifest(String),
    /// No manifest field has this key.
    #[error("{key}: the manifest has no such field")]
    UnknownField { key: String },
    /// A value would span lines, which would shift every later line number.
    #[error("{key}: a value must be on one line")]
    Multiline { key: String },
    /// A table edit names a file the pack's manifest does not list.
    #[error("{file}: the pack has no such table file")]
    UnknownTable { file: String },
    /// A table edit's rows are not as wide as its header.
    #[error("{file}: row {row} has {cells} cells, but the header has {columns}")]
    RowWidth { file: String, row: usize, cells: usize, columns: usize },
}

/// A draft's changes to its base pack.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftEdits {
    /// New values by manifest field key.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Replacement grids by table file name.
    #[serde(default)]
    pub tables: BTreeMap<String, TableGrid>,
}

impl DraftEdits {
    /// The draft's files: the base's, with the edited manifest values
    /// rewritten in place, the edited tables replaced and the signature
    /// dropped (a draft is unsigned until it is approved).
    pub fn apply(&self, base: &PackFiles) -> Result<PackFiles, EditError> {
        let mut draft = base.clone();
        draft.files.remove(SIGNATURE_FILE);
        if !self.fields.is_empty() {
            let manifest = base.file(MANIFEST_FILE).unwrap_or_default();
            let fields = manifest_fields(base).map_err(|e| EditError::BaseManifest(e.to_string()))?;
            let by_key: BTreeMap<&str, &ManifestField> = fields.iter().map(|f| (f.key.as_str(), f)).collect();
            let mut replacements = Vec::new();
            for (key, value) in &self.fields {
                let field = by_key.get(key.as_str()).ok_or_else(|| EditError::UnknownField { key: key.clone() })?;
                if value.contains(['\n', '\r']) {
                    return Err(EditError::Multiline { key: key.clone() });
                }
                let text = match field.kind {
                    FieldKind::Date => value.trim().to_owned(),
                    FieldKind::Decimal | FieldKind::Text => toml_string(value.trim()),
                };
                replacements.push((field.span.clone(), text));
            }
            // Replace from the end so earlier spans stay valid.
            replacements.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
            let mut text = manifest.to_owned();
            for (span, value) in replacements {
                text.replace_range(span, &value);
            }
            draft.set_file(MANIFEST_FILE, text);
        }
        let table_files: BTreeSet<String> =
            table_grids(base).map_err(|e| EditError::BaseManifest(e.to_string()))?.into_iter().map(|t| t.file).collect();
        for (file, grid) in &self.tables {
            if !table_files.contains(file) {
                return Err(EditError::UnknownTable { file: file.clone() });
            }
            if let Some((row, cells)) = grid.rows.iter().enumerate().find(|(_, r)| r.len() != grid.header.len()) {
                return Err(EditError::RowWidth { file: file.clone(), row: row + 1, cells: cells.len(), columns: grid.header.len() });
            }
            draft.set_file(file, grid.to_csv());
        }
        Ok(draft)
    }
}

fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every editable value of the manifest, in file order: the version, the
/// effective dates, the filing reference, each coverage's step values and
/// minimum, the discounts' and surcharges' rates, the fees, the policy
/// minimum premium and the installment fees.
pub fn manifest_fields(files: &PackFiles) -> Result<Vec<ManifestField>, PackError> {
    let (raw, text) = parse_manifest(files)?;
    let mut fields = Vec::new();
    let mut push = |key: String, label: String, group: &str, kind: FieldKind, span: Range<usize>| {
        let written = &text[span.clone()];
        let value = if kind == FieldKind::Date { written.trim().to_owned() } else { unquote(written) };
        fields.push(ManifestField { key, label, group: group.to_owned(), kind, value, line: line_of(text, span.start), span });
    };
    let text_field = |s: &Spanned<String>| s.span();
    push("version".into(), "Version".into(), "pack", FieldKind::Text, text_field(&raw.version));
    push("effective.new_business".into(), "New business effective".into(), "pack", FieldKind::Date, raw.effective.new_business.span());
    push("effective.renewal".into(), "Renewal effective".into(), "pack", FieldKind::Date, raw.effective.renewal.span());
    if let Some(expires) = &raw.effective.expires {
        push("effective.expires".into(), "Expires".into(), "pack", FieldKind::Date, expires.span());
    }
    push("filing.reference".into(), "Filing reference".into(), "pack", FieldKind::Text, raw.filing.reference.span());
    if let Some(min) = &raw.minimum_premium {
        push("minimum_premium".into(), "Policy minimum premium".into(), "pack", FieldKind::Decimal, min.span());
    }
    for cov in &raw.coverages {
        let cov = cov.get_ref();
        let code = cov.code.get_ref();
        let group = format!("coverage {code}");
        for (i, step) in cov.steps.iter().enumerate() {
            let step = step.get_ref();
            if let Some(value) = &step.value {
                let what = step.label.clone().unwrap_or_else(|| step.op.get_ref().clone());
                push(format!("coverages.{code}.steps.{i}.value"), format!("{code}: {what}"), &group, FieldKind::Decimal, value.span());
            }
        }
        if let Some(min) = &cov.minimum {
            push(format!("coverages.{code}.minimum"), format!("{code}: minimum premium"), &group, FieldKind::Decimal, min.span());
        }
    }
    for (list, name) in [(&raw.discounts, "discounts"), (&raw.surcharges, "surcharges")] {
        for a in list {
            let a = a.get_ref();
            let code = a.code.get_ref();
            push(format!("{name}.{code}.rate"), format!("{}: rate", a.name), name, FieldKind::Decimal, a.rate.span());
        }
    }
    for fee in &raw.fees {
        let fee = fee.get_ref();
        if let Some(amount) = &fee.amount {
            push(format!("fees.{}.amount", fee.code), fee.name.clone(), "fees", FieldKind::Decimal, amount.span());
        }
        if let Some(rate) = &fee.rate {
            push(format!("fees.{}.rate", fee.code), format!("{}: rate", fee.name), "fees", FieldKind::Decimal, rate.span());
        }
        if let Some(short) = &fee.short_term_amount {
            push(
                format!("fees.{}.short_term_amount", fee.code),
                format!("{}: six months or less", fee.name),
                "fees",
                FieldKind::Decimal,
                short.span(),
            );
        }
    }
    for plan in &raw.installment_plans {
        let plan = plan.get_ref();
        if let Some(fee) = &plan.installment_fee {
            let code = plan.code.get_ref();
            push(
                format!("installment_plans.{code}.installment_fee"),
                format!("{}: installment fee", plan.name),
                "fees",
                FieldKind::Decimal,
                fee.span(),
            );
        }
    }
    fields.sort_by_key(|f| f.span.start);
    Ok(fields)
}

fn unquote(written: &str) -> String {
    let trimmed = written.trim();
    match toml::from_str::<BTreeMap<String, String>>(&format!("v = {trimmed}")) {
        Ok(mut map) => map.remove("v").unwrap_or_default(),
        Err(_) => trimmed.trim_matches('"').to_owned(),
    }
}

/// Every table the manifest declares, as a grid. A table file that is not
/// valid CSV is a [`PackError::Table`] naming its line.
pub fn table_grids(files: &PackFiles) -> Result<Vec<TableGrid>, PackError> {
    let (raw, _) = parse_manifest(files)?;
    let mut grids = Vec::new();
    for (name, table) in &raw.tables {
        let table = table.get_ref();
        let file = table.file.get_ref().clone();
        let text = files.file(&file).ok_or_else(|| PackError::MissingFile { path: files.path_of(&file) })?;
        let (header, rows) = read_csv(text).map_err(|(line, message)| PackError::Table {
            at: super::Location { path: files.path_of(&file), line },
            field: "row".into(),
            message,
        })?;
        let keys = table.keys.iter().map(|k| k.get_ref().column.clone()).collect();
        grids.push(TableGrid { name: name.clone(), file, keys, header, rows });
    }
    Ok(grids)
}

type Grid = (Vec<String>, Vec<Vec<String>>);

fn read_csv(text: &str) -> Result<Grid, (usize, String)> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(r)) => r.iter().map(str::to_owned).collect(),
        Some(Err(e)) => return Err((1, e.to_string())),
        None => return Err((1, "the file is empty".into())),
    };
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let record = record.map_err(|e| (i + 2, e.to_string()))?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok((header, rows))
}

/// Where a loader error points in a pack being edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    /// The file's name within the pack (`manifest.toml`, `territory.csv`).
    pub file: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub line: Option<usize>,
    /// For a table, the 0-based data row (line 2 is row 0).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub row: Option<usize>,
    /// The manifest field or the table column the loader named.
    pub field: Option<String>,
    /// For the manifest, the key of the editable field on that line, if any.
    pub key: Option<String>,
    /// The loader's whole message, with file and line.
    pub message: String,
}

impl Problem {
    /// Places a loader error in the draft: the file, line and field it names,
    /// and for the manifest, which editable field sits on that line.
    pub fn locate(error: &PackError, draft: &PackFiles) -> Self {
        let (path, line, field) = match error {
            PackError::Read { path, .. }
            | PackError::MissingFile { path }
            | PackError::Unsigned { path }
            | PackError::Signature { path, .. } => (Some(path), None, None),
            PackError::Manifest { at, .. } => (Some(&at.path), Some(at.line), None),
            PackError::Invalid { at, field, .. } | PackError::Table { at, field, .. } | PackError::StateRule { at, field, .. } => {
                (Some(&at.path), Some(at.line), Some(field.clone()))
            }
        };
        let file = path.and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        let is_manifest = file.as_deref() == Some(MANIFEST_FILE);
        let row = if is_manifest { None } else { line.and_then(|l| l.checked_sub(2)) };
        let key = if is_manifest {
            manifest_fields(draft).ok().and_then(|fields| fields.into_iter().find(|f| Some(f.line) == line).map(|f| f.key))
        } else {
            None
        };
        Self { file, line, row, field, key, message: error.to_string() }
    }
}

/// How two packs differ.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackDiff {
    /// Manifest fields whose value changed, was added or was removed.
    pub fields: Vec<FieldChange>,
    /// Tables with changed cells, added rows or removed rows.
    pub tables: Vec<TableDiff>,
    /// Other manifest lines that differ (a changed step list, a new rule).
    pub manifest_lines: Vec<LineChange>,
    /// Files other than the manifest and its tables, added, removed or changed.
    pub other_files: Vec<String>,
}

impl PackDiff {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.tables.is_empty() && self.manifest_lines.is_empty() && self.other_files.is_empty()
    }

    /// How many cells, fields and lines changed, in all.
    pub fn change_count(&self) -> usize {
        self.fields.len()
            + self.manifest_lines.len()
            + self.other_files.len()
            + self.tables.iter().map(|t| t.cells.len() + t.added.len() + t.removed.len()).sum::<usize>()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldChange {
    pub key: String,
    pub label: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Line in the draft's manifest (the base's when the field was removed).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableDiff {
    pub name: String,
    pub file: String,
    pub cells: Vec<CellChange>,
    pub added: Vec<RowChange>,
    pub removed: Vec<RowChange>,
}

/// One cell whose text changed, in a row matched on its key columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CellChange {
    /// The row's key values.
    pub key: Vec<String>,
    pub column: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// 0-based data row in the draft.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub row: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowChange {
    pub key: Vec<String>,
    pub cells: Vec<String>,
    /// Line in the pack the row is in (the draft for an added row, the base
    /// for a removed one).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineChange {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub base_line: Option<usize>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub draft_line: Option<usize>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Compares a base pack's files with a draft's. The signature is ignored.
pub fn diff(base: &PackFiles, draft: &PackFiles) -> PackDiff {
    let mut out = PackDiff::default();
    let base_fields = manifest_fields(base).unwrap_or_default();
    let draft_fields = manifest_fields(draft).unwrap_or_default();
    let base_by_key: BTreeMap<&str, &ManifestField> = base_fields.iter().map(|f| (f.key.as_str(), f)).collect();
    let draft_by_key: BTreeMap<&str, &ManifestField> = draft_fields.iter().map(|f| (f.key.as_str(), f)).collect();
    for f in &draft_fields {
        match base_by_key.get(f.key.as_str()) {
            Some(b) if b.value == f.value => {}
            other => out.fields.push(FieldChange {
                key: f.key.clone(),
                label: f.label.clone(),
                before: other.map(|b| b.value.clone()),
                after: Some(f.value.clone()),
                line: f.line,
            }),
        }
    }
    for b in base_fields.iter().filter(|b| !draft_by_key.contains_key(b.key.as_str())) {
        out.fields.push(FieldChange {
            key: b.key.clone(),
            label: b.label.clone(),
            before: Some(b.value.clone()),
            after: None,
            line: b.line,
        });
    }

    // Manifest lines that differ once the field changes are accounted for:
    // compare the texts with every field value blanked.
    let blank = |files: &PackFiles, fields: &[ManifestField]| -> Vec<String> {
        let mut text = files.file(MANIFEST_FILE).unwrap_or_default().to_owned();
        let mut spans: Vec<Range<usize>> = fields.iter().map(|f| f.span.clone()).collect();
        spans.sort_by_key(|s| std::cmp::Reverse(s.start));
        for span in spans {
            text.replace_range(span, "\u{2026}");
        }
        text.lines().map(str::to_owned).collect()
    };
    let (base_lines, draft_lines) = (blank(base, &base_fields), blank(draft, &draft_fields));
    let (base_text, draft_text) = (base.file(MANIFEST_FILE).unwrap_or_default(), draft.file(MANIFEST_FILE).unwrap_or_default());
    let (base_real, draft_real): (Vec<&str>, Vec<&str>) = (base_text.lines().collect(), draft_text.lines().collect());
    out.manifest_lines = line_diff(&base_lines, &draft_lines)
        .into_iter()
        .map(|(b, d)| LineChange {
            base_line: b.map(|i| i + 1),
            draft_line: d.map(|i| i + 1),
            before: b.and_then(|i| base_real.get(i)).map(|s| (*s).to_owned()),
            after: d.and_then(|i| draft_real.get(i)).map(|s| (*s).to_owned()),
        })
        .collect();

    let base_tables = table_grids(base).unwrap_or_default();
    let draft_tables = table_grids(draft).unwrap_or_default();
    let mut table_files = BTreeSet::new();
    for d in &draft_tables {
        table_files.insert(d.file.clone());
        let empty =
            TableGrid { name: d.name.clone(), file: d.file.clone(), keys: d.keys.clone(), header: d.header.clone(), rows: Vec::new() };
        let b = base_tables.iter().find(|b| b.file == d.file).unwrap_or(&empty);
        let t = table_diff(b, d);
        if !(t.cells.is_empty() && t.added.is_empty() && t.removed.is_empty()) {
            out.tables.push(t);
        }
    }
    let removed: Vec<&TableGrid> = base_tables.iter().filter(|b| !table_files.contains(&b.file)).collect();
    for b in removed {
        table_files.insert(b.file.clone());
        let empty =
            TableGrid { name: b.name.clone(), file: b.file.clone(), keys: b.keys.clone(), header: b.header.clone(), rows: Vec::new() };
        out.tables.push(table_diff(b, &empty));
    }
    let names: BTreeSet<&String> = base.files.keys().chain(draft.files.keys()).collect();
    for name in names {
        if name == MANIFEST_FILE || name == SIGNATURE_FILE || table_files.contains(name) {
            continue;
        }
        if base.files.get(name) != draft.files.get(name) {
            out.other_files.push(name.clone());
        }
    }
    out
}

fn table_diff(base: &TableGrid, draft: &TableGrid) -> TableDiff {
    // A band key `miles` is written as the columns `miles_from` and `miles_to`.
    let key_of = |grid: &TableGrid, row: &[String]| -> Vec<String> {
        let is_key =
            |h: &str| grid.keys.iter().any(|k| h == k || h.strip_prefix(k.as_str()).is_some_and(|rest| rest == "_from" || rest == "_to"));
        grid.header.iter().zip(row).filter(|(h, _)| is_key(h)).map(|(_, cell)| cell.clone()).collect()
    };
    let base_rows: BTreeMap<Vec<String>, (usize, &Vec<String>)> =
        base.rows.iter().enumerate().map(|(i, r)| (key_of(base, r), (i, r))).collect();
    let mut seen = BTreeSet::new();
    let mut out =
        TableDiff { name: draft.name.clone(), file: draft.file.clone(), cells: Vec::new(), added: Vec::new(), removed: Vec::new() };
    let columns: Vec<&String> = {
        let mut c: Vec<&String> = draft.header.iter().collect();
        c.extend(base.header.iter().filter(|h| !draft.header.contains(h)));
        c
    };
    for (i, row) in draft.rows.iter().enumerate() {
        let key = key_of(draft, row);
        match base_rows.get(&key) {
            None => out.added.push(RowChange { key, cells: row.clone(), line: i + 2 }),
            Some((_, base_row)) => {
                seen.insert(key.clone());
                for column in &columns {
                    let cell =
                        |grid: &TableGrid, r: &[String]| grid.header.iter().position(|h| h == *column).and_then(|p| r.get(p)).cloned();
                    let (before, after) = (cell(base, base_row), cell(draft, row));
                    if before != after {
                        out.cells.push(CellChange { key: key.clone(), column: (*column).clone(), before, after, row: i, line: i + 2 });
                    }
                }
            }
        }
    }
    for (key, (i, row)) in &base_rows {
        if !seen.contains(key) {
            out.removed.push(RowChange { key: key.clone(), cells: (*row).clone(), line: i + 2 });
        }
    }
    out.removed.sort_by_key(|r| r.line);
    out
}

/// The lines that differ between `a` and `b` by a longest common subsequence:
/// pairs of (index in `a`, index in `b`), one side `None` for an insertion or
/// deletion, both for a line changed in place.
fn line_diff(a: &[String], b: &[String]) -> Vec<(Option<usize>, Option<usize>)> {
    // Trim the common prefix and suffix first: a manifest edit touches few lines.
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let (n, m) = (a_mid.len(), b_mid.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a_mid[i] == b_mid[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut removed = Vec::new();
    let mut added = Vec::new();
    let mut out = Vec::new();
    let flush = |removed: &mut Vec<usize>, added: &mut Vec<usize>, out: &mut Vec<(Option<usize>, Option<usize>)>| {
        let pairs = removed.len().max(added.len());
        for k in 0..pairs {
            out.push((removed.get(k).map(|x| x + prefix), added.get(k).map(|y| y + prefix)));
        }
        removed.clear();
        added.clear();
    };
    while i < n || j < m {
        if i < n && j < m && a_mid[i] == b_mid[j] {
            flush(&mut removed, &mut added, &mut out);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(j);
            j += 1;
        } else {
            removed.push(i);
            i += 1;
        }
    }
    flush(&mut removed, &mut added, &mut out);
    out
}
