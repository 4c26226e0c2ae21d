//! Importing a legacy system's CSV dump into the canonical model through a
//! mapping file.
//!
//! A [`Mapping`] (TOML, `docs/legacy-import.md`) says which column or
//! constant fills each field of [`CanonicalPolicy`], how its text is read
//! (dates, numbers, yes/no, code tables) and which fields may be blank.
//! [`import`] reads the CSV row by row: each row becomes a JSON value by the
//! field paths, is deserialised into a `CanonicalPolicy`, and is checked by
//! the model's rules and [`uw_rating::Quote::validate`]. A row with any
//! problem becomes a [`Reject`] listing all of them; the others are accepted.
//!
//! **Never lose a row:** every row read is either accepted or rejected, a bad
//! row never affects another, and only a file that cannot be read at all (or
//! whose header lacks a mapped column) stops the import ([`ImportError`]).
//! The [`QualityReport`] counts, per field, how often it was populated,
//! blank and invalid.

mod mapping;
mod report;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write};

use serde::Serialize;
use serde_json::{Map, Value};

pub use mapping::{Mapping, MappingError, MissingColumn, MAPPING_VERSION};
pub use report::{FieldQuality, QualityReport};

use crate::canonical::{rating_paths, CanonicalPolicy, MODEL_VERSION};
use mapping::{Encoding, Node, Source, Taint};

/// What kind of problem a row has; the report counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// A required field's column is blank.
    Blank,
    /// The text cannot be read as the field's type (a date in the mapped
    /// format, a number, yes or no, one of the model's names).
    BadValue,
    /// The code is not in the field's code table.
    UnknownCode,
    /// The value breaks a rule of the model or of `Quote::validate` (a VIN's
    /// check digit, a ZIP outside the state, a term that ends before it
    /// starts).
    Rule,
    /// The policy number already appeared on an earlier line.
    Duplicate,
    /// A driver or vehicle is blank while a later one is filled (vehicles
    /// and coverages point at them by index, so they cannot be skipped).
    ListGap,
    /// The row has the wrong number of fields or is not text in the
    /// mapping's encoding.
    MalformedRow,
    /// The row's JSON did not deserialise into the model (a bug in the
    /// importer rather than in the data, should it happen).
    Shape,
}

impl ProblemKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 8] =
        [Self::Blank, Self::BadValue, Self::UnknownCode, Self::Rule, Self::Duplicate, Self::ListGap, Self::MalformedRow, Self::Shape];

    /// The name in the report: `blank`, `bad-value`, …
    pub const fn name(self) -> &'static str {
        match self {
            Self::Blank => "blank",
            Self::BadValue => "bad-value",
            Self::UnknownCode => "unknown-code",
            Self::Rule => "rule",
            Self::Duplicate => "duplicate",
            Self::ListGap => "list-gap",
            Self::MalformedRow => "malformed-row",
            Self::Shape => "shape",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name [`Problem::field`] takes for a problem with the whole row.
pub const RECORD: &str = "record";

/// One problem with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The canonical path (`rating.vehicles[0].vin`), or [`RECORD`] for the
    /// row as a whole.
    pub field: String,
    /// The CSV column the field was read from, when it was read from one.
    pub column: Option<String>,
    pub kind: ProblemKind,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "{} (column {column}): {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// A row that was not imported, with every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// The 1-based line of the CSV the row starts on (the header is line 1).
    pub line: u64,
    /// The row's fields as read (text the encoding could not decode is
    /// replaced by U+FFFD).
    pub record: Vec<String>,
    pub problems: Vec<Problem>,
}

/// The outcome of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The CSV header, as read (trimmed, without a byte-order mark).
    pub header: Vec<String>,
    /// The rows that passed every check, in file order.
    pub policies: Vec<CanonicalPolicy>,
    /// The rows that did not, in file order.
    pub rejects: Vec<Reject>,
    pub report: QualityReport,
}

/// Why an import stopped before reading every row. A bad row never stops
/// it: that is a [`Reject`].
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input could not be read.
    #[error("cannot read the CSV at line {line}: {source}")]
    Read {
        line: u64,
        #[source]
        source: io::Error,
    },
    /// The CSV has no header line.
    #[error("the CSV is empty; it needs a header line naming its columns")]
    NoHeader,
    /// The header is not text in the mapping's encoding.
    #[error("the CSV header is not {encoding} text; set [source] encoding in the mapping file")]
    HeaderEncoding { encoding: &'static str },
    /// The header does not fit the mapping: a mapped column is missing or
    /// appears twice.
    #[error(transparent)]
    Header(#[from] MappingError),
    /// The CSV reader failed in a way other than reading.
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
}

/// Imports a legacy CSV dump through a mapping. Reads the whole input.
pub fn import(mapping: &Mapping, input: impl Read) -> Result<Import, ImportError> {
    // Records end at `\n`; a `\r` before it is removed from the last field.
    // (Splitting on `\r\n` as one terminator, the csv crate would report
    // each record as starting on the line before.)
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter())
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let raw_header = reader.byte_headers().map_err(|e| csv_error(e, 1))?.clone();
    if raw_header.is_empty() || (raw_header.len() == 1 && raw_header[0].is_empty()) {
        return Err(ImportError::NoHeader);
    }
    let encoding = mapping.encoding();
    let mut header = Vec::with_capacity(raw_header.len());
    for (i, cell) in raw_header.iter().enumerate() {
        let text = decode(cell, encoding).ok_or(ImportError::HeaderEncoding { encoding: encoding_name(encoding) })?;
        let text = if i == 0 { text.trim_start_matches('\u{feff}') } else { &text };
        header.push(text.trim().to_owned());
    }
    let columns = mapping.bind(&header)?;

    let mut run = Run::new(mapping, columns);
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(e, line)),
        }
        let line = record.position().map_or(line, csv::Position::line);
        // A blank line ending in `\r\n` is as blank as one ending in `\n`.
        if record.len() == 1 && &record[0] == b"\r" {
            continue;
        }
        run.row(line, &record, header.len());
    }
    Ok(run.finish(header))
}

fn csv_error(e: csv::Error, line: u64) -> ImportError {
    let line = e.position().map_or(line, csv::Position::line);
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(source) => ImportError::Read { line, source },
        _ => ImportError::Csv { line, message },
    }
}

fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::Windows1252 => "Windows-1252",
    }
}

/// Windows-1252's characters for bytes 0x80 to 0x9F; the five it leaves
/// undefined map to the control characters of the same value, as in WHATWG.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}',
    '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}',
    '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// A cell's text, or `None` when it is not valid in the encoding.
fn decode(bytes: &[u8], encoding: Encoding) -> Option<Cow<'_, str>> {
    match encoding {
        Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
        Encoding::Windows1252 => Some(match std::str::from_utf8(bytes) {
            Ok(text) if bytes.is_ascii() => Cow::Borrowed(text),
            _ => Cow::Owned(
                bytes
                    .iter()
                    .map(|&b| match b {
                        0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
                        _ => char::from(b),
                    })
                    .collect(),
            ),
        }),
    }
}

/// Per-field counts while rows are read.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    populated: u64,
    blank: u64,
    invalid: u64,
}

/// A policy number's first row: its line, its index in the accepted
/// policies if it was accepted, and the line of the first different row
/// that repeats the number.
struct FirstRow {
    line: u64,
    accepted: Option<usize>,
    again: Option<u64>,
}

/// An accepted row's fields as read, compactly: its bytes and where each
/// field ends (a `ByteRecord` clone keeps the reader's whole buffers).
struct RawRow {
    bytes: Box<[u8]>,
    ends: Box<[u32]>,
}

impl RawRow {
    fn of(record: &csv::ByteRecord) -> Self {
        let mut end = 0u32;
        let ends = record
            .iter()
            .map(|f| {
                end += u32::try_from(f.len()).unwrap_or(u32::MAX);
                end
            })
            .collect();
        Self { bytes: record.as_slice().into(), ends }
    }

    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter().copied()).map(|(a, b)| &self.bytes[a as usize..b as usize])
    }
}

/// The state of one import.
struct Run<'m> {
    mapping: &'m Mapping,
    /// Each leaf's column index (unused for constants).
    columns: Vec<usize>,
    counts: Vec<Counts>,
    by_kind: HashMap<ProblemKind, u64>,
    elsewhere: HashMap<String, u64>,
    /// Each policy number's first row.
    first_rows: HashMap<String, FirstRow>,
    rows: u64,
    policies: Vec<CanonicalPolicy>,
    /// Each accepted row's fields as read, parallel to `policies`, to
    /// reject it whole if its policy number comes again.
    accepted_records: Vec<RawRow>,
    rejects: Vec<Reject>,
    /// Reused per row.
    blank: Vec<bool>,
    invalid: Vec<bool>,
}

impl<'m> Run<'m> {
    fn new(mapping: &'m Mapping, columns: Vec<usize>) -> Self {
        let n = mapping.leaves.len();
        Self {
            mapping,
            columns,
            counts: vec![Counts::default(); n],
            by_kind: HashMap::new(),
            elsewhere: HashMap::new(),
            first_rows: HashMap::new(),
            rows: 0,
            policies: Vec::new(),
            accepted_records: Vec::new(),
            rejects: Vec::new(),
            blank: vec![false; n],
            invalid: vec![false; n],
        }
    }

    fn row(&mut self, line: u64, record: &csv::ByteRecord, width: usize) {
        self.rows += 1;
        let encoding = self.mapping.encoding();
        let mut cells: Vec<Cow<'_, str>> = Vec::with_capacity(record.len());
        let mut undecodable = None;
        for (i, bytes) in record.iter().enumerate() {
            let bytes = if i + 1 == record.len() { bytes.strip_suffix(b"\r").unwrap_or(bytes) } else { bytes };
            match decode(bytes, encoding) {
                Some(text) => cells.push(text),
                None => {
                    undecodable.get_or_insert(i);
                    cells.push(String::from_utf8_lossy(bytes));
                }
            }
        }
        let malformed = if cells.len() != width {
            Some(format!("has {} fields; the header has {width}", cells.len()))
        } else {
            undecodable
                .map(|i| format!("field {} is not {} text; set [source] encoding in the mapping file", i + 1, encoding_name(encoding)))
        };
        if let Some(message) = malformed {
            let problems = vec![Problem { field: RECORD.to_owned(), column: None, kind: ProblemKind::MalformedRow, message }];
            return self.reject(line, &cells, problems);
        }

        let mapping = self.mapping;
        let texts: Vec<&str> = self
            .columns
            .iter()
            .zip(&mapping.leaves)
            .map(|(&c, leaf)| if leaf.column().is_some() { cells[c].as_ref() } else { "" })
            .collect();
        for (i, leaf) in mapping.leaves.iter().enumerate() {
            let blank = leaf.column().is_some() && texts[i].trim().is_empty();
            self.blank[i] = blank;
            if blank {
                self.counts[i].blank += 1;
            } else {
                self.counts[i].populated += 1;
            }
        }
        let mut eval = RowEval { mapping, texts: &texts, blank: &self.blank, problems: Vec::new(), taints: Vec::new() };
        let mut value = eval.node(&mapping.root).unwrap_or_default();
        let RowEval { mut problems, taints, .. } = eval;

        // Later occurrences of a policy number are rejected, naming the
        // first; and the first too, when it was accepted (`finish`): a dump
        // with a row per vehicle, driver or violation would otherwise import
        // its first row as the whole policy.
        let number_leaf = &mapping.leaves[mapping.policy_number];
        if !problems.iter().any(|p| p.field == number_leaf.path) {
            if let Some(number) = value.get("policy_number").and_then(Value::as_str) {
                match self.first_rows.get_mut(number) {
                    Some(first_row) => {
                        let first = first_row.line;
                        // The same row sent twice is one policy; a different
                        // row is another part of it, or a rival version.
                        let copy = first_row.accepted.is_some_and(|index| self.accepted_records[index].fields().eq(record.iter()));
                        let message = if copy {
                            format!(
                                "policy number {number} already appears on line {first}, with the same fields; this copy is not imported"
                            )
                        } else {
                            if first_row.accepted.is_some() {
                                first_row.again.get_or_insert(line);
                            }
                            format!(
                                "policy number {number} already appears on line {first}; a policy is one row, so neither row is imported"
                            )
                        };
                        problems.push(Problem {
                            field: number_leaf.path.clone(),
                            column: number_leaf.column().map(str::to_owned),
                            kind: ProblemKind::Duplicate,
                            message,
                        });
                    }
                    None => {
                        self.first_rows.insert(number.to_owned(), FirstRow { line, accepted: None, again: None });
                    }
                }
            }
        }

        if let Value::Object(map) = &mut value {
            map.insert("model_version".to_owned(), Value::from(MODEL_VERSION));
            map.insert("source_line".to_owned(), Value::from(line));
        }
        let policy = match serde_json::from_value::<CanonicalPolicy>(value) {
            Ok(policy) => policy,
            Err(e) => {
                problems.push(Problem { field: RECORD.to_owned(), column: None, kind: ProblemKind::Shape, message: e.to_string() });
                return self.reject(line, &cells, problems);
            }
        };

        // The model's rules and the rating input's, except those a
        // placeholder may have set off.
        let policy_rules = policy.policy_problems();
        let CanonicalPolicy { model_version, policy_number, status, term_start, term_end, written_premium, source_line, rating } = policy;
        let (rating, quote_rules) = match rating.validate() {
            Ok(valid) => (Some(valid.into_inner()), Vec::new()),
            Err(errors) => (None, rating_paths(errors).collect()),
        };
        self.add_rule_problems(&mut problems, &taints, policy_rules, true);
        self.add_rule_problems(&mut problems, &taints, quote_rules, false);
        match rating {
            Some(rating) if problems.is_empty() => {
                if let Some(first_row) = self.first_rows.get_mut(&policy_number) {
                    first_row.accepted = Some(self.policies.len());
                }
                self.accepted_records.push(RawRow::of(record));
                self.policies.push(CanonicalPolicy {
                    model_version,
                    policy_number,
                    status,
                    term_start,
                    term_end,
                    written_premium,
                    source_line,
                    rating,
                });
            }
            _ => self.reject(line, &cells, problems),
        }
    }

    /// Adds the rule problems no placeholder can have caused, each with the
    /// column its field was read from.
    fn add_rule_problems(&self, problems: &mut Vec<Problem>, taints: &[Taint], found: Vec<uw_rating::InputError>, policy_rule: bool) {
        for error in found {
            if taints.iter().any(|t| t.covers(&error.path, policy_rule)) {
                continue;
            }
            let column = self.mapping.by_path.get(&error.path).and_then(|&i| self.mapping.leaves[i].column()).map(str::to_owned);
            problems.push(Problem { field: error.path, column, kind: ProblemKind::Rule, message: error.message });
        }
    }

    fn reject(&mut self, line: u64, cells: &[Cow<'_, str>], problems: Vec<Problem>) {
        self.invalid.iter_mut().for_each(|b| *b = false);
        for p in &problems {
            *self.by_kind.entry(p.kind).or_default() += 1;
            match self.mapping.by_path.get(&p.field) {
                Some(&i) => self.invalid[i] = true,
                None => *self.elsewhere.entry(p.field.clone()).or_default() += 1,
            }
        }
        for (count, invalid) in self.counts.iter_mut().zip(&self.invalid) {
            if *invalid {
                count.invalid += 1;
            }
        }
        self.rejects.push(Reject { line, record: cells.iter().map(|c| c.as_ref().to_owned()).collect(), problems });
    }

    /// Moves each accepted policy whose number came again to the rejects:
    /// a policy is one row, and a second row for it means the first is not
    /// the whole policy (or not the right one).
    fn withdraw_repeated(&mut self) {
        let mut withdrawn: Vec<(usize, u64)> = self.first_rows.values().filter_map(|f| f.accepted.zip(f.again)).collect();
        if withdrawn.is_empty() {
            return;
        }
        withdrawn.sort_unstable();
        let number_leaf = &self.mapping.leaves[self.mapping.policy_number];
        let (path, column) = (number_leaf.path.clone(), number_leaf.column().map(str::to_owned));
        let encoding = self.mapping.encoding();
        // One pass that keeps the rest in order (removing each from the
        // middle would move the whole book once per withdrawal).
        let policies = std::mem::take(&mut self.policies);
        let records = std::mem::take(&mut self.accepted_records);
        let mut next = withdrawn.iter().peekable();
        for (index, (policy, record)) in policies.into_iter().zip(records).enumerate() {
            let Some(&(_, again)) = next.next_if(|(at, _)| *at == index) else {
                self.policies.push(policy);
                continue;
            };
            let cells: Vec<Cow<'_, str>> =
                record.fields().map(|bytes| decode(bytes, encoding).unwrap_or_else(|| String::from_utf8_lossy(bytes))).collect();
            let message = format!(
                "policy number {} appears again on line {again}; a policy is one row, so this row is not imported alone either (a dump with a row per vehicle, driver or violation must be joined into one row per policy)",
                policy.policy_number
            );
            let problems = vec![Problem { field: path.clone(), column: column.clone(), kind: ProblemKind::Duplicate, message }];
            self.reject(policy.source_line.unwrap_or_default(), &cells, problems);
        }
        self.rejects.sort_by_key(|r| r.line);
    }

    fn finish(mut self, header: Vec<String>) -> Import {
        self.withdraw_repeated();
        let fields = self
            .mapping
            .leaves
            .iter()
            .zip(&self.counts)
            .map(|(leaf, c)| FieldQuality {
                field: leaf.path.clone(),
                source: leaf.source_text(),
                populated: c.populated,
                blank: c.blank,
                invalid: c.invalid,
            })
            .collect();
        let report = QualityReport {
            rows_read: self.rows,
            accepted: self.policies.len() as u64,
            rejected: self.rejects.len() as u64,
            fields,
            problems_by_kind: self.by_kind.into_iter().collect(),
            problems_elsewhere: self.elsewhere.into_iter().collect(),
        };
        Import { header, policies: self.policies, rejects: self.rejects, report }
    }
}

/// One row through the mapping tree.
struct RowEval<'a> {
    mapping: &'a Mapping,
    /// Each leaf's cell ("" for constants).
    texts: &'a [&'a str],
    blank: &'a [bool],
    problems: Vec<Problem>,
    taints: Vec<Taint>,
}

impl RowEval<'_> {
    /// The JSON for a node, or `None` when it is absent.
    fn node(&mut self, node: &Node) -> Option<Value> {
        match node {
            Node::Leaf(i) => self.leaf(*i),
            Node::Object { fields, .. } => {
                let mut map = Map::new();
                for (name, child) in fields {
                    if let Node::Object { optional: true, columns, .. } = child {
                        if self.all_blank(columns) {
                            continue;
                        }
                    }
                    if let Some(v) = self.node(child) {
                        map.insert((*name).to_owned(), v);
                    }
                }
                Some(Value::Object(map))
            }
            Node::List { path, indexed, elements } => {
                let mut items = Vec::with_capacity(elements.len());
                let mut first_absent = None;
                let mut gap_reported = false;
                for (i, element) in elements.iter().enumerate() {
                    if self.absent(element) {
                        first_absent.get_or_insert(i);
                        continue;
                    }
                    if let (Some(gap), true, false) = (first_absent, *indexed, gap_reported) {
                        gap_reported = true;
                        self.problems.push(Problem {
                            field: format!("{path}[{gap}]"),
                            column: None,
                            kind: ProblemKind::ListGap,
                            message: format!(
                                "is blank (all its columns are) while {path}[{i}] is filled; fill the list from its first element"
                            ),
                        });
                        // Later elements would shift down and indexes into the
                        // list (principal_driver) would point elsewhere.
                        self.taints.push(Taint::All);
                    }
                    if let Some(v) = self.node(element) {
                        items.push(v);
                    }
                }
                Some(Value::Array(items))
            }
        }
    }

    fn all_blank(&self, columns: &[usize]) -> bool {
        !columns.is_empty() && columns.iter().all(|&i| self.blank[i])
    }

    /// A list element whose mapped columns are all blank is absent.
    fn absent(&self, element: &Node) -> bool {
        match element {
            Node::Leaf(i) => self.blank[*i],
            Node::Object { columns, .. } => self.all_blank(columns),
            Node::List { .. } => false,
        }
    }

    fn leaf(&mut self, i: usize) -> Option<Value> {
        let leaf = &self.mapping.leaves[i];
        let column = match &leaf.source {
            Source::Constant { value, .. } => return Some(value.clone()),
            Source::Column(column) => column,
        };
        let failed =
            |kind: ProblemKind, message: String| Problem { field: leaf.path.clone(), column: Some(column.name.clone()), kind, message };
        if self.blank[i] {
            if !leaf.required {
                return None;
            }
            self.problems.push(failed(ProblemKind::Blank, "required, but the column is blank".to_owned()));
        } else {
            match self.mapping.convert_cell(leaf, column, self.texts[i]) {
                Ok(v) => return Some(v),
                Err((kind, message)) => self.problems.push(failed(kind, message)),
            }
        }
        self.taints.push(leaf.taint.clone());
        Some(leaf.placeholder())
    }
}

/// Writes rejected rows as CSV, for whoever fixes the source data: a header
/// of `line`, `problems` and the original columns, then one row per reject
/// with its line, its problems joined by `"; "` (each
/// `field (column COL): message`) and its original fields. Rows that had
/// fewer fields than the header are padded with empty fields.
pub fn write_rejects(rejects: &[Reject], header: &[String], out: impl Write) -> io::Result<()> {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
    writer.write_record(["line", "problems"].into_iter().chain(header.iter().map(String::as_str)))?;
    for reject in rejects {
        let line = reject.line.to_string();
        let problems = reject.problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
        let padding = header.len().saturating_sub(reject.record.len());
        writer.write_record(
            [line.as_str(), problems.as_str()]
                .into_iter()
                .chain(reject.record.iter().map(String::as_str))
                .chain(std::iter::repeat_n("", padding)),
        )?;
    }
    writer.flush()
}
