//! The mapping file: which CSV column (or constant) fills each field of the
//! canonical model, how its text is read, and the code tables that translate
//! the old system's codes. [`Mapping::parse`] checks the whole file against
//! canonical policy model v1 before any row is read, so a mapping mistake is
//! one error naming its line, never a rejection of every row.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use time::format_description::OwnedFormatItem;
use time::Date;
use toml::Spanned;

use super::ProblemKind;
use crate::canonical::fields::{Field, Kind, Presence, Shape, INDEXED_LISTS, POLICY};

/// The version of the mapping format this importer reads.
pub const MAPPING_VERSION: i64 = 1;

/// The date format used when neither the field nor `[source]` gives one.
const ISO_DATE: &str = "[year]-[month]-[day]";

/// Why a mapping file cannot be used. Every variant names the mapping file,
/// and the line or, for header problems, the column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// Not TOML, or a key or a value type the mapping format does not have
    /// (an unknown key, `mapping_version` missing, a number where a string
    /// belongs).
    #[error("{file}:{line}: {message}")]
    Toml { file: String, line: usize, message: String },
    /// `mapping_version` is not 1.
    #[error("{file}:{line}: mapping_version {found} is not {MAPPING_VERSION}, the version this importer reads")]
    Version { file: String, line: usize, found: i64 },
    /// `[source] delimiter` is not one ASCII character other than a quote or
    /// a line break.
    #[error("{file}:{line}: delimiter `{found}` is not a single ASCII character other than `\"` or a line break")]
    Delimiter { file: String, line: usize, found: String },
    /// `[source] encoding` is not one this importer reads.
    #[error("{file}:{line}: encoding `{found}` is not utf-8, windows-1252 or latin-1")]
    Encoding { file: String, line: usize, found: String },
    /// A date format is not in the `time` crate's format-description syntax
    /// or does not describe a whole date.
    #[error("{file}:{line}: date format `{format}` {message}")]
    DateFormat { file: String, line: usize, format: String, message: String },
    /// A `[fields]` key is not a value of canonical policy model v1: an
    /// unknown field, a malformed path, an object or list rather than a
    /// value, or a field the importer sets itself.
    #[error("{file}:{line}: {field}: {message}")]
    UnknownField { file: String, line: usize, field: String, message: String },
    /// A field's source is malformed: neither or both of `column` and
    /// `constant`, an unknown key, a transform that does not apply to the
    /// field's type, a constant the field cannot hold, `optional` on a field
    /// the model requires, or the same field mapped twice.
    #[error("{file}:{line}: {field}: {message}")]
    Source { file: String, line: usize, field: String, message: String },
    /// A field names a code table the file does not define.
    #[error("{file}:{line}: {field}: no code table `{table}`; define it as [codes.{table}]")]
    UnknownCodeTable { file: String, line: usize, field: String, table: String },
    /// A code table is malformed, or one of its values cannot be held by a
    /// field that uses the table.
    #[error("{file}:{line}: code table `{table}`: {message}")]
    CodeTable { file: String, line: usize, table: String, message: String },
    /// A field the model requires is not mapped (for a list element or an
    /// optional object, once any of its fields is).
    #[error("{file}:{line}: {field} is required by canonical policy model v1 but is not mapped")]
    MissingField { file: String, line: usize, field: String },
    /// List elements are not numbered from 0 without gaps.
    #[error("{file}:{line}: {field} is mapped but {missing} is not; number list elements from 0 without gaps")]
    IndexGap { file: String, line: usize, field: String, missing: String },
    /// The CSV header lacks columns the mapping reads.
    #[error("{file}: the CSV header has no column {}", missing_list(columns))]
    MissingColumns { file: String, columns: Vec<MissingColumn> },
    /// The CSV header has a column the mapping reads more than once.
    #[error("{file}:{line}: column `{column}` appears {count} times in the CSV header, so {field} is ambiguous")]
    AmbiguousColumn { file: String, line: usize, column: String, field: String, count: usize },
}

/// A column the mapping reads that the CSV header lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumn {
    pub column: String,
    /// The first canonical field that reads it.
    pub field: String,
    /// Its line in the mapping file.
    pub line: usize,
}

fn missing_list(columns: &[MissingColumn]) -> String {
    columns.iter().map(|c| format!("`{}` (for {}, line {})", c.column, c.field, c.line)).collect::<Vec<_>>().join(", ")
}

/// How the source file's bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    /// Windows-1252; `latin-1` is read as this too, as the WHATWG Encoding
    /// Standard does, since files labelled Latin-1 are usually Windows-1252.
    Windows1252,
}

/// A parsed date format with its text, for messages.
#[derive(Debug)]
pub(crate) struct DateFormat {
    pub(crate) text: String,
    items: OwnedFormatItem,
}

/// A check and normalisation applied to a text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextCheck {
    None,
    Decimal,
    Integer,
}

#[derive(Debug)]
pub(crate) struct ColumnSource {
    pub(crate) name: String,
    trim: bool,
    upper: bool,
    codes: Option<usize>,
    date: usize,
    check: TextCheck,
}

#[derive(Debug)]
pub(crate) enum Source {
    Column(ColumnSource),
    Constant { text: String, value: Value },
}

/// Which rules a leaf's conversion problem makes unreliable: a placeholder
/// stands in for the value, so the rules that read it are skipped and the
/// rest of the record is still checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Taint {
    /// `term_start` or `term_end`: the model's own rules (term order, the
    /// effective date inside the term).
    Policy,
    /// A rating field rules all over the input read (product, state,
    /// effective date): every rule.
    All,
    /// Rules on this part only: the field itself (`rating.term_months`,
    /// `written_premium`) or the element or object that holds it
    /// (`rating.drivers[1]`, `rating.applicant`, `rating.dwelling`).
    Unit(String),
}

impl Taint {
    fn of(path: &str) -> Self {
        match path {
            "term_start" | "term_end" => return Self::Policy,
            "rating.product" | "rating.state" | "rating.effective_date" => return Self::All,
            _ => {}
        }
        let Some(rest) = path.strip_prefix("rating.") else { return Self::Unit(path.to_owned()) };
        match rest.find(['.', '[']) {
            None => Self::Unit(path.to_owned()),
            Some(i) if rest.as_bytes()[i] == b'[' => match rest[i..].find(']') {
                Some(close) => Self::Unit(format!("rating.{}", &rest[..i + close + 1])),
                None => Self::All,
            },
            Some(i) => Self::Unit(format!("rating.{}", &rest[..i])),
        }
    }

    /// Whether a rule problem at `path` may come from the placeholder.
    pub(crate) fn covers(&self, path: &str, policy_rule: bool) -> bool {
        match self {
            Self::All => true,
            Self::Policy => policy_rule,
            Self::Unit(unit) => path.strip_prefix(unit.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '['])),
        }
    }
}

/// One mapped value of the canonical model.
#[derive(Debug)]
pub(crate) struct Leaf {
    /// The canonical path: `rating.drivers[0].date_of_birth`.
    pub(crate) path: String,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
    pub(crate) line: usize,
    pub(crate) source: Source,
    pub(crate) taint: Taint,
}

impl Leaf {
    pub(crate) fn column(&self) -> Option<&str> {
        match &self.source {
            Source::Column(c) => Some(&c.name),
            Source::Constant { .. } => None,
        }
    }

    /// How the report names the source.
    pub(crate) fn source_text(&self) -> String {
        match &self.source {
            Source::Column(c) => c.name.clone(),
            Source::Constant { text, .. } => format!("constant {text:?}"),
        }
    }

    /// A value of the right type that stands in for one that failed to
    /// convert, so the record still deserialises and the rest of it can be
    /// checked. Text placeholders are the path itself, so no two are equal.
    pub(crate) fn placeholder(&self) -> Value {
        match self.kind {
            Kind::Text => Value::String(self.path.clone()),
            Kind::Date => Value::String("2000-01-01".to_owned()),
            Kind::Decimal => Value::String("1".to_owned()),
            Kind::Integer { min, max } => Value::from(0i64.clamp(min, max)),
            Kind::Boolean => Value::Bool(false),
            Kind::Choice(names) => Value::String(names.first().copied().unwrap_or_default().to_owned()),
        }
    }
}

/// The mapping as a tree shaped like the canonical model.
#[derive(Debug)]
pub(crate) enum Node {
    Leaf(usize),
    Object {
        fields: Vec<(&'static str, Node)>,
        /// Absent when all its columns are blank (an optional object such as
        /// `rating.dwelling`).
        optional: bool,
        /// Every column leaf below it.
        columns: Vec<usize>,
    },
    List {
        path: String,
        /// Other fields point into it by index, so a blank element before a
        /// filled one is a problem rather than skipped.
        indexed: bool,
        elements: Vec<Node>,
    },
}

#[derive(Debug)]
struct CodeTable {
    name: String,
    codes: HashMap<String, String>,
}

/// A checked mapping file, ready to import with.
#[derive(Debug)]
pub struct Mapping {
    file: String,
    delimiter: u8,
    encoding: Encoding,
    formats: Vec<DateFormat>,
    codes: Vec<CodeTable>,
    pub(crate) leaves: Vec<Leaf>,
    pub(crate) root: Node,
    pub(crate) by_path: HashMap<String, usize>,
    pub(crate) policy_number: usize,
}

impl Mapping {
    /// Parses and checks a mapping file. `file` names it in messages.
    pub fn parse(text: &str, file: &str) -> Result<Self, MappingError> {
        Parser { text, file }.parse()
    }

    /// The name given to [`Mapping::parse`].
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The CSV field delimiter.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Every column the mapping reads, each once, in the mapping's order.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for leaf in &self.leaves {
            if let Some(c) = leaf.column() {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// Checks a CSV header (its column names, in order) against the mapping
    /// and returns, for each leaf, the index of its column (unused for
    /// constants).
    pub(crate) fn bind(&self, header: &[String]) -> Result<Vec<usize>, MappingError> {
        let mut positions: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            positions.entry(name.as_str()).or_default().push(i);
        }
        let mut out = Vec::with_capacity(self.leaves.len());
        let mut missing: Vec<MissingColumn> = Vec::new();
        for leaf in &self.leaves {
            let Some(column) = leaf.column() else {
                out.push(usize::MAX);
                continue;
            };
            match positions.get(column).map(Vec::as_slice) {
                Some([one]) => out.push(*one),
                Some(many) if many.len() > 1 => {
                    return Err(MappingError::AmbiguousColumn {
                        file: self.file.clone(),
                        line: leaf.line,
                        column: column.to_owned(),
                        field: leaf.path.clone(),
                        count: many.len(),
                    });
                }
                _ => {
                    if !missing.iter().any(|m| m.column == column) {
                        missing.push(MissingColumn { column: column.to_owned(), field: leaf.path.clone(), line: leaf.line });
                    }
                    out.push(usize::MAX);
                }
            }
        }
        if missing.is_empty() {
            Ok(out)
        } else {
            Err(MappingError::MissingColumns { file: self.file.clone(), columns: missing })
        }
    }

    pub(crate) fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Reads one non-blank cell into the leaf's JSON value.
    pub(crate) fn convert_cell(&self, leaf: &Leaf, source: &ColumnSource, cell: &str) -> Result<Value, (ProblemKind, String)> {
        let text = if source.trim { cell.trim() } else { cell };
        let text: Cow<'_, str> = if source.upper { Cow::Owned(text.to_uppercase()) } else { Cow::Borrowed(text) };
        let text = match source.codes.map(|i| &self.codes[i]) {
            None => text.as_ref(),
            Some(table) => match table.codes.get(text.as_ref()) {
                Some(value) => value.as_str(),
                None => return Err((ProblemKind::UnknownCode, format!("`{text}` is not a code in table `{}`", table.name))),
            },
        };
        convert(leaf.kind, source.check, text, &self.formats[source.date]).map_err(|m| (ProblemKind::BadValue, m))
    }
}

/// Reads text as a value of `kind`.
fn convert(kind: Kind, check: TextCheck, text: &str, date: &DateFormat) -> Result<Value, String> {
    Ok(match kind {
        Kind::Text => match check {
            TextCheck::None => Value::String(text.to_owned()),
            TextCheck::Decimal => Value::String(parse_decimal(text)?.to_string()),
            TextCheck::Integer => Value::String(parse_integer(text)?.to_string()),
        },
        Kind::Date => match Date::parse(text, &date.items) {
            Ok(d) => Value::String(d.to_string()),
            Err(_) => return Err(format!("`{text}` is not a date in the format {}", date.text)),
        },
        Kind::Decimal => Value::String(parse_decimal(text)?.to_string()),
        Kind::Integer { min, max } => {
            let n = parse_integer(text)?;
            if n < min || n > max {
                return Err(format!("{n} is not from {min} to {max}"));
            }
            Value::from(n)
        }
        Kind::Boolean => Value::Bool(parse_boolean(text)?),
        Kind::Choice(names) => {
            if !names.contains(&text) {
                return Err(format!("`{text}` is not one of {}", names.join(", ")));
            }
            Value::String(text.to_owned())
        }
    })
}

/// Digits, with `,` between groups of three when there is any.
fn ungroup(digits: &str) -> Option<Cow<'_, str>> {
    if !digits.contains(',') {
        return (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Cow::Borrowed(digits));
    }
    let mut groups = digits.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = first.to_owned();
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push_str(g);
    }
    Some(Cow::Owned(out))
}

/// A whole number: an optional sign, then digits, optionally grouped by
/// commas (`12,000`).
fn parse_integer(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not a whole number");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = ungroup(digits).ok_or_else(bad)?;
    let n: i64 = digits.parse().map_err(|_| bad())?;
    Ok(if negative { -n } else { n })
}

/// A decimal number: an optional sign, an optional `$`, digits optionally
/// grouped by commas, and an optional fraction (`-$1,234.50`).
fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let bad = || format!("`{text}` is not a decimal number");
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix('$').unwrap_or(rest);
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let whole = if whole.is_empty() && fraction.is_some() { Cow::Borrowed("0") } else { ungroup(whole).ok_or_else(bad)? };
    let mut plain = String::with_capacity(text.len() + 1);
    if negative {
        plain.push('-');
    }
    plain.push_str(&whole);
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        plain.push('.');
        plain.push_str(f);
    }
    Decimal::from_str(&plain).map_err(|_| bad())
}

/// Yes or no, in any case: Y, YES, T, TRUE, 1 or N, NO, F, FALSE, 0.
fn parse_boolean(text: &str) -> Result<bool, String> {
    const YES: [&str; 5] = ["Y", "YES", "T", "TRUE", "1"];
    const NO: [&str; 5] = ["N", "NO", "F", "FALSE", "0"];
    if YES.iter().any(|y| y.eq_ignore_ascii_case(text)) {
        Ok(true)
    } else if NO.iter().any(|n| n.eq_ignore_ascii_case(text)) {
        Ok(false)
    } else {
        Err(format!("`{text}` is not yes or no (Y/N, YES/NO, T/F, TRUE/FALSE, 1/0)"))
    }
}

// ---- the file as TOML -----------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    mapping_version: Spanned<i64>,
    #[serde(default)]
    source: Option<RawSource>,
    fields: Spanned<RawValue>,
    #[serde(default)]
    codes: Option<Spanned<RawValue>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    #[serde(default)]
    delimiter: Option<Spanned<String>>,
    #[serde(default)]
    date_format: Option<Spanned<String>>,
    #[serde(default)]
    encoding: Option<Spanned<String>>,
}

/// Any TOML value, keeping the span of every table entry so each mapped
/// field's errors can name its own line.
#[derive(Debug)]
enum RawValue {
    Text(String),
    Bool(bool),
    Integer(i64),
    Table(Vec<(Spanned<String>, Spanned<RawValue>)>),
    Other(&'static str),
}

impl RawValue {
    fn describe(&self) -> &'static str {
        match self {
            Self::Text(_) => "a string",
            Self::Bool(_) => "a boolean",
            Self::Integer(_) => "an integer",
            Self::Table(_) => "a table",
            Self::Other(what) => what,
        }
    }
}

/// The key under which the `toml` deserializer hands over a datetime.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Text(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Other("an integer too large"), RawValue::Integer))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawValue, E> {
        Ok(RawValue::Other("a float"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawValue::Other("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            if key.get_ref() == TOML_DATETIME_KEY {
                map.next_value::<IgnoredAny>()?;
                return Ok(RawValue::Other("a TOML date-time (write dates as strings)"));
            }
            let value = map.next_value::<Spanned<RawValue>>()?;
            entries.push((key, value));
        }
        // The deserializer hands keys over sorted; file order keeps the
        // report in the mapping's order and makes "mapped twice" name the
        // later line.
        entries.sort_by_key(|(key, _)| key.span().start);
        Ok(RawValue::Table(entries))
    }
}

// ---- canonical paths --------------------------------------------------------------------

/// One step of a resolved path: a field (by its position in its object's
/// field list) or a list index.
#[derive(Debug, Clone, Copy)]
enum Step {
    Field(usize),
    Index(usize),
}

/// What a path addresses.
enum Target {
    Value { kind: Kind, presence: Presence, steps: Vec<Step> },
    Object(Shape),
}

/// The largest list index a mapping may use.
const MAX_INDEX: usize = 99;

/// Resolves a canonical path against the model. The error is the message for
/// [`MappingError::UnknownField`].
fn resolve(path: &str) -> Result<Target, String> {
    let mut steps = Vec::new();
    let mut shape = Shape::Object(POLICY);
    let mut presence = Presence::Required;
    let mut at = String::new();
    let mut rest = path;
    let malformed = || format!("`{path}` is not a field path: names joined by `.`, with `[n]` after a list, as rating.drivers[0].name");
    if path.is_empty() {
        return Err("an empty key is not a field path".to_owned());
    }
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']').ok_or_else(malformed)?;
            let digits = &after[..close];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            let index: usize = digits.parse().map_err(|_| malformed())?;
            if index > MAX_INDEX {
                return Err(format!("index {index} is more than {MAX_INDEX}"));
            }
            let Shape::List(element) = shape else {
                return Err(format!("{} is not a list", name_of(&at)));
            };
            steps.push(Step::Index(index));
            shape = *element;
            presence = Presence::Optional;
            at = format!("{at}[{index}]");
            rest = &after[close + 1..];
        } else {
            let rest_name = if at.is_empty() { rest } else { rest.strip_prefix('.').ok_or_else(malformed)? };
            let end = rest_name.find(['.', '[']).unwrap_or(rest_name.len());
            let name = &rest_name[..end];
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                return Err(malformed());
            }
            let fields = match shape {
                Shape::Object(fields) => fields,
                Shape::List(_) => {
                    return Err(format!("{at} is a list: address one element, as {at}[0].{name}"));
                }
                Shape::Value(kind) => return Err(format!("{at} is {} and has no fields", kind.describe())),
            };
            let Some(position) = fields.iter().position(|f| f.name == name) else {
                let names: Vec<&str> = fields.iter().filter(|f| f.presence != Presence::Importer).map(|f| f.name).collect();
                return Err(format!("{} has no field `{name}`; its fields are {}", name_of(&at), names.join(", ")));
            };
            let field = &fields[position];
            let joined = if at.is_empty() { name.to_owned() } else { format!("{at}.{name}") };
            if field.presence == Presence::Importer {
                return Err(format!("{joined} is set by the importer and cannot be mapped"));
            }
            steps.push(Step::Field(position));
            shape = field.shape;
            presence = field.presence;
            at = joined;
            rest = &rest_name[end..];
        }
    }
    match shape {
        Shape::Value(kind) => Ok(Target::Value { kind, presence, steps }),
        Shape::Object(_) => Ok(Target::Object(shape)),
        Shape::List(element) => Err(match element {
            Shape::Value(_) => format!("{at} is a list: map its elements, as {at}[0]"),
            _ => format!("{at} is a list: map its elements' fields, as {at}[0].…"),
        }),
    }
}

fn name_of(at: &str) -> &str {
    if at.is_empty() {
        "a policy"
    } else {
        at
    }
}

// ---- the mapping as a tree, while it is built -----------------------------------------

enum Build {
    Leaf(usize),
    Object { fields: &'static [Field], children: Vec<Option<Build>>, optional: bool, line: usize },
    List { element: Shape, elements: Vec<Option<Build>>, line: usize },
}

impl Build {
    /// A container for `shape`, an object or a list (paths end at values, so
    /// a value never gets a container; one given a value accepts nothing).
    fn new(shape: Shape, optional: bool, line: usize) -> Self {
        match shape {
            Shape::Object(fields) => Self::Object { fields, children: fields.iter().map(|_| None).collect(), optional, line },
            Shape::List(element) => Self::List { element: *element, elements: Vec::new(), line },
            Shape::Value(_) => Self::Object { fields: &[], children: Vec::new(), optional, line },
        }
    }

    fn line(&self, leaves: &[Leaf]) -> usize {
        match self {
            Self::Leaf(i) => leaves[*i].line,
            Self::Object { line, .. } | Self::List { line, .. } => *line,
        }
    }

    /// Adds a leaf; false when the path is already mapped.
    fn insert(&mut self, steps: &[Step], leaf: usize, line: usize) -> bool {
        let Some((first, rest)) = steps.split_first() else { return false };
        let slot = match (self, first) {
            (Self::Object { fields, children, line: at, .. }, Step::Field(position)) => {
                *at = (*at).min(line);
                let field = &fields[*position];
                let slot = &mut children[*position];
                if !rest.is_empty() && slot.is_none() {
                    *slot = Some(Self::new(field.shape, field.presence == Presence::Optional, line));
                }
                slot
            }
            (Self::List { element, elements, line: at }, Step::Index(index)) => {
                *at = (*at).min(line);
                if elements.len() <= *index {
                    elements.resize_with(index + 1, || None);
                }
                let slot = &mut elements[*index];
                if !rest.is_empty() && slot.is_none() {
                    // An element's presence is decided by its list, not by itself.
                    *slot = Some(Self::new(*element, false, line));
                }
                slot
            }
            _ => return false,
        };
        match (rest.is_empty(), slot) {
            (true, slot @ None) => {
                *slot = Some(Self::Leaf(leaf));
                true
            }
            (true, Some(_)) => false,
            (false, Some(child)) => child.insert(rest, leaf, line),
            (false, None) => false,
        }
    }
}

/// The first required value below an unmapped required field, to name in
/// [`MappingError::MissingField`].
fn first_required(path: &str, shape: Shape) -> String {
    match shape {
        Shape::Value(_) => path.to_owned(),
        Shape::Object(fields) => match fields.iter().find(|f| f.presence == Presence::Required) {
            Some(f) => first_required(&format!("{path}.{}", f.name), f.shape),
            None => path.to_owned(),
        },
        Shape::List(element) => first_required(&format!("{path}[0]"), *element),
    }
}

/// The keys of one field's source, read but not yet checked against the field.
#[derive(Default)]
struct SourceKeys<'a> {
    column: Option<String>,
    constant: Option<String>,
    date: Option<&'a Spanned<RawValue>>,
    codes: Option<String>,
    decimal: Option<bool>,
    integer: Option<bool>,
    boolean: Option<bool>,
    trim: Option<bool>,
    upper: Option<bool>,
    optional: Option<bool>,
}

impl<'a> SourceKeys<'a> {
    /// A string is a column name; a table gives the keys. The error is the
    /// message for [`MappingError::Source`].
    fn read(value: &'a RawValue) -> Result<Self, String> {
        let mut keys = Self::default();
        let entries = match value {
            RawValue::Text(name) => {
                keys.column = Some(name.clone());
                return Ok(keys);
            }
            RawValue::Table(entries) => entries,
            other => {
                return Err(format!(
                    "the source must be a column name or a table such as {{ column = \"COL\" }} or {{ constant = \"VALUE\" }}, not {}",
                    other.describe()
                ));
            }
        };
        for (key, v) in entries {
            let key = key.get_ref().as_str();
            let text = || match v.get_ref() {
                RawValue::Text(s) => Ok(s.clone()),
                other => Err(format!("`{key}` must be a string, not {}", other.describe())),
            };
            let flag = match key {
                "column" => {
                    keys.column = Some(text()?);
                    continue;
                }
                "constant" => {
                    keys.constant = Some(match v.get_ref() {
                        RawValue::Text(s) => s.clone(),
                        RawValue::Integer(n) => n.to_string(),
                        RawValue::Bool(b) => b.to_string(),
                        other => return Err(format!("`constant` must be a string, not {}", other.describe())),
                    });
                    continue;
                }
                "date" => {
                    keys.date = Some(v);
                    continue;
                }
                "codes" => {
                    keys.codes = Some(text()?);
                    continue;
                }
                "decimal" => &mut keys.decimal,
                "integer" => &mut keys.integer,
                "boolean" => &mut keys.boolean,
                "trim" => &mut keys.trim,
                "upper" => &mut keys.upper,
                "optional" => &mut keys.optional,
                other => {
                    return Err(format!(
                        "unknown key `{other}` in the source; the keys are column, constant, date, codes, decimal, integer, boolean, trim, upper and optional"
                    ));
                }
            };
            let RawValue::Bool(b) = v.get_ref() else {
                return Err(format!("`{key}` must be true or false, not {}", v.get_ref().describe()));
            };
            *flag = Some(*b);
        }
        Ok(keys)
    }
}

/// A code table's name and its codes, each with its value and the value's line.
type RawCodeTable = (String, HashMap<String, (String, usize)>);

struct Parser<'a> {
    text: &'a str,
    file: &'a str,
}

impl Parser<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text.as_bytes()[..offset.min(self.text.len())].iter().filter(|&&b| b == b'\n').count() + 1
    }

    fn line_of<T>(&self, spanned: &Spanned<T>) -> usize {
        self.line(spanned.span().start)
    }

    fn file(&self) -> String {
        self.file.to_owned()
    }

    fn parse(&self) -> Result<Mapping, MappingError> {
        let raw: RawMapping = toml::from_str(self.text).map_err(|e| MappingError::Toml {
            file: self.file(),
            line: e.span().map_or(1, |span| self.line(span.start)),
            message: e.message().trim_end().to_owned(),
        })?;
        if *raw.mapping_version.get_ref() != MAPPING_VERSION {
            return Err(MappingError::Version {
                file: self.file(),
                line: self.line_of(&raw.mapping_version),
                found: *raw.mapping_version.get_ref(),
            });
        }
        let source = raw.source.unwrap_or(RawSource { delimiter: None, date_format: None, encoding: None });
        let delimiter = match &source.delimiter {
            None => b',',
            Some(d) => match d.get_ref().as_bytes() {
                [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => *b,
                _ => return Err(MappingError::Delimiter { file: self.file(), line: self.line_of(d), found: d.get_ref().clone() }),
            },
        };
        let encoding = match &source.encoding {
            None => Encoding::Utf8,
            Some(e) => match e.get_ref().to_ascii_lowercase().as_str() {
                "utf-8" | "utf8" => Encoding::Utf8,
                "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => Encoding::Windows1252,
                _ => return Err(MappingError::Encoding { file: self.file(), line: self.line_of(e), found: e.get_ref().clone() }),
            },
        };
        let mut formats = vec![match &source.date_format {
            None => self.date_format(ISO_DATE, 1)?,
            Some(f) => self.date_format(f.get_ref(), self.line_of(f))?,
        }];
        let codes = self.code_tables(raw.codes.as_ref())?;

        let fields_line = self.line_of(&raw.fields);
        let RawValue::Table(entries) = raw.fields.get_ref() else {
            return Err(MappingError::Toml {
                file: self.file(),
                line: fields_line,
                message: format!("`fields` must be a table, not {}", raw.fields.get_ref().describe()),
            });
        };
        let mut leaves = Vec::new();
        let mut root = Build::new(Shape::Object(POLICY), false, fields_line);
        let mut table_uses: Vec<(usize, usize)> = Vec::new();
        self.fields("", entries, &codes, &mut formats, &mut leaves, &mut root, &mut table_uses)?;
        let root = self.finish(root, "", fields_line, &leaves)?;

        // Every code table value must be one the fields using it can hold.
        for (leaf_index, table_index) in table_uses {
            let leaf: &Leaf = &leaves[leaf_index];
            let Source::Column(column) = &leaf.source else { continue };
            let (table, values) = &codes[table_index];
            for (code, (value, line)) in values {
                if let Err(message) = convert(leaf.kind, column.check, value, &formats[column.date]) {
                    return Err(MappingError::CodeTable {
                        file: self.file(),
                        line: *line,
                        table: table.clone(),
                        message: format!(
                            "code `{code}` means `{value}`, which {} (column {}) cannot hold: {message}",
                            leaf.path, column.name
                        ),
                    });
                }
            }
        }
        let codes = codes
            .into_iter()
            .map(|(name, values)| CodeTable { name, codes: values.into_iter().map(|(code, (value, _))| (code, value)).collect() })
            .collect();
        let by_path: HashMap<String, usize> = leaves.iter().enumerate().map(|(i, l)| (l.path.clone(), i)).collect();
        let policy_number = by_path.get("policy_number").copied().ok_or_else(|| MappingError::MissingField {
            file: self.file(),
            line: fields_line,
            field: "policy_number".to_owned(),
        })?;
        Ok(Mapping { file: self.file(), delimiter, encoding, formats, codes, leaves, root, by_path, policy_number })
    }

    fn date_format(&self, text: &str, line: usize) -> Result<DateFormat, MappingError> {
        let error = |message: String| MappingError::DateFormat { file: self.file(), line, format: text.to_owned(), message };
        let items =
            time::format_description::parse_owned::<1>(text).map_err(|e| error(format!("is not a `time` format description: {e}")))?;
        let sample = time::macros::date!(2026 - 07 - 04);
        let round_trip = sample.format(&items).ok().and_then(|s| Date::parse(&s, &items).ok());
        if round_trip != Some(sample) {
            return Err(error("does not describe a whole date: it needs a year, a month and a day, as [month]/[day]/[year]".to_owned()));
        }
        Ok(DateFormat { text: text.to_owned(), items })
    }

    /// `[codes.NAME]` tables: each a table of code → value strings, with the
    /// line of each value.
    fn code_tables(&self, raw: Option<&Spanned<RawValue>>) -> Result<Vec<RawCodeTable>, MappingError> {
        let Some(raw) = raw else { return Ok(Vec::new()) };
        let RawValue::Table(tables) = raw.get_ref() else {
            return Err(MappingError::Toml {
                file: self.file(),
                line: self.line_of(raw),
                message: format!("`codes` must be a table of code tables, not {}", raw.get_ref().describe()),
            });
        };
        let mut out = Vec::new();
        for (name, table) in tables {
            let RawValue::Table(entries) = table.get_ref() else {
                return Err(MappingError::CodeTable {
                    file: self.file(),
                    line: self.line_of(table),
                    table: name.get_ref().clone(),
                    message: format!("must be a table of code = \"value\", not {}", table.get_ref().describe()),
                });
            };
            let mut values = HashMap::new();
            for (code, value) in entries {
                let line = self.line_of(value);
                match value.get_ref() {
                    RawValue::Text(v) if !v.trim().is_empty() => {
                        values.insert(code.get_ref().clone(), (v.clone(), line));
                    }
                    other => {
                        return Err(MappingError::CodeTable {
                            file: self.file(),
                            line,
                            table: name.get_ref().clone(),
                            message: format!(
                                "code `{}` must map to a non-empty string, not {}",
                                code.get_ref(),
                                if matches!(other, RawValue::Text(_)) { "a blank one" } else { other.describe() }
                            ),
                        });
                    }
                }
            }
            out.push((name.get_ref().clone(), values));
        }
        Ok(out)
    }

    /// Walks a `[fields]` table (or a table nested in it): each key extends
    /// the path; a key reaching a value of the model takes a source.
    #[allow(clippy::too_many_arguments)]
    fn fields(
        &self,
        prefix: &str,
        entries: &[(Spanned<String>, Spanned<RawValue>)],
        codes: &[RawCodeTable],
        formats: &mut Vec<DateFormat>,
        leaves: &mut Vec<Leaf>,
        root: &mut Build,
        table_uses: &mut Vec<(usize, usize)>,
    ) -> Result<(), MappingError> {
        for (key, value) in entries {
            let path = if prefix.is_empty() { key.get_ref().clone() } else { format!("{prefix}.{}", key.get_ref()) };
            let line = self.line_of(value);
            let shown = if path.is_empty() { "\"\"".to_owned() } else { path.clone() };
            let unknown = |message: String| MappingError::UnknownField { file: self.file(), line, field: shown, message };
            match resolve(&path).map_err(unknown)? {
                Target::Object(shape) => match value.get_ref() {
                    RawValue::Table(nested) => self.fields(&path, nested, codes, formats, leaves, root, table_uses)?,
                    _ => {
                        return Err(MappingError::UnknownField {
                            file: self.file(),
                            line,
                            field: path.clone(),
                            message: format!("{path} is an object: map its fields, as {}", first_required(&path, shape)),
                        });
                    }
                },
                Target::Value { kind, presence, steps } => {
                    let index = leaves.len();
                    let (leaf, table) = self.leaf(path.clone(), kind, presence, value, codes, formats)?;
                    if let Some(table) = table {
                        table_uses.push((index, table));
                    }
                    leaves.push(leaf);
                    if !root.insert(&steps, index, line) {
                        return Err(MappingError::Source { file: self.file(), line, field: path, message: "is mapped twice".to_owned() });
                    }
                }
            }
        }
        Ok(())
    }

    /// One field's source.
    fn leaf(
        &self,
        path: String,
        kind: Kind,
        presence: Presence,
        value: &Spanned<RawValue>,
        codes: &[RawCodeTable],
        formats: &mut Vec<DateFormat>,
    ) -> Result<(Leaf, Option<usize>), MappingError> {
        let line = self.line_of(value);
        let source_error = |message: String| MappingError::Source { file: self.file(), line, field: path.clone(), message };
        let keys = SourceKeys::read(value.get_ref()).map_err(source_error)?;

        // Transforms that name a type must agree with the model's type.
        let mut check = TextCheck::None;
        for (name, given, fits, text_check) in [
            ("decimal", keys.decimal, kind == Kind::Decimal, Some(TextCheck::Decimal)),
            ("integer", keys.integer, matches!(kind, Kind::Integer { .. }), Some(TextCheck::Integer)),
            ("boolean", keys.boolean, kind == Kind::Boolean, None),
        ] {
            match (given, text_check) {
                (None, _) | (Some(true), _) if fits => {}
                (None, _) => {}
                (Some(false), _) if fits => {
                    return Err(source_error(format!("`{name} = false` cannot change the field's type: it is {}", kind.describe())));
                }
                (Some(false), _) => {}
                (Some(true), Some(text_check)) if kind == Kind::Text => {
                    if check != TextCheck::None {
                        return Err(source_error("`decimal` and `integer` cannot both apply".to_owned()));
                    }
                    check = text_check;
                }
                (Some(true), _) => {
                    return Err(source_error(format!("`{name} = true` does not apply: the field is {}", kind.describe())));
                }
            }
        }
        let date = match keys.date {
            None => 0,
            Some(_) if kind != Kind::Date => {
                return Err(source_error(format!("`date` applies only to date fields; the field is {}", kind.describe())));
            }
            Some(d) => {
                let RawValue::Text(text) = d.get_ref() else {
                    return Err(source_error(format!("`date` must be a format string, not {}", d.get_ref().describe())));
                };
                formats.push(self.date_format(text, self.line_of(d))?);
                formats.len() - 1
            }
        };

        let model_required = presence == Presence::Required;
        let taint = Taint::of(&path);
        match (keys.column, keys.constant) {
            (Some(_), Some(_)) => Err(source_error("give either `column` or `constant`, not both".to_owned())),
            (None, None) => Err(source_error("give `column` or `constant`".to_owned())),
            (None, Some(text)) => {
                for (key, used) in [
                    ("date", keys.date.is_some()),
                    ("codes", keys.codes.is_some()),
                    ("trim", keys.trim.is_some()),
                    ("upper", keys.upper.is_some()),
                    ("optional", keys.optional.is_some()),
                ] {
                    if used {
                        return Err(source_error(format!("`{key}` applies only to a column, not to a constant")));
                    }
                }
                let value =
                    convert(kind, check, &text, &formats[date]).map_err(|m| source_error(format!("the constant cannot be used: {m}")))?;
                Ok((Leaf { path, kind, required: model_required, line, source: Source::Constant { text, value }, taint }, None))
            }
            (Some(name), None) => {
                if name.trim().is_empty() {
                    return Err(source_error("the column name is empty".to_owned()));
                }
                let required = match keys.optional {
                    None => model_required,
                    Some(false) => true,
                    Some(true) if model_required => {
                        return Err(source_error("is required by canonical policy model v1, so it cannot be optional".to_owned()));
                    }
                    Some(true) => false,
                };
                let codes_index = match keys.codes {
                    None => None,
                    Some(table) => Some(codes.iter().position(|(n, _)| *n == table).ok_or_else(|| MappingError::UnknownCodeTable {
                        file: self.file(),
                        line,
                        field: path.clone(),
                        table,
                    })?),
                };
                let source = ColumnSource {
                    name: name.trim().to_owned(),
                    trim: keys.trim.unwrap_or(true),
                    upper: keys.upper.unwrap_or(false),
                    codes: codes_index,
                    date,
                    check,
                };
                Ok((Leaf { path, kind, required, line, source: Source::Column(source), taint }, codes_index))
            }
        }
    }

    /// Checks the tree (every required field mapped, no gaps in lists) and
    /// turns it into the form rows are evaluated with. `anchor` is the line
    /// a missing field is reported at: the first line of the list element or
    /// optional object it belongs in, else the `[fields]` line.
    fn finish(&self, build: Build, path: &str, anchor: usize, leaves: &[Leaf]) -> Result<Node, MappingError> {
        match build {
            Build::Leaf(i) => Ok(Node::Leaf(i)),
            Build::Object { fields, children, optional, line } => {
                let mut out = Vec::new();
                let mut columns = Vec::new();
                let at = if optional { line } else { anchor };
                for (field, child) in fields.iter().zip(children) {
                    let child_path = if path.is_empty() { field.name.to_owned() } else { format!("{path}.{}", field.name) };
                    match child {
                        Some(b) => {
                            let node = self.finish(b, &child_path, at, leaves)?;
                            collect_columns(&node, leaves, &mut columns);
                            out.push((field.name, node));
                        }
                        None if field.presence == Presence::Required => {
                            return Err(MappingError::MissingField {
                                file: self.file(),
                                line: at,
                                field: first_required(&child_path, field.shape),
                            });
                        }
                        None => {}
                    }
                }
                Ok(Node::Object { fields: out, optional, columns })
            }
            Build::List { elements, .. } => {
                let mut out = Vec::new();
                // Elements are only created up to the highest mapped index, so
                // an empty slot always has a mapped element after it.
                if let Some(missing) = elements.iter().position(Option::is_none) {
                    if let Some((later, element)) = elements.iter().enumerate().skip(missing).find_map(|(i, e)| e.as_ref().map(|e| (i, e)))
                    {
                        return Err(MappingError::IndexGap {
                            file: self.file(),
                            line: element.line(leaves),
                            field: format!("{path}[{later}]"),
                            missing: format!("{path}[{missing}]"),
                        });
                    }
                }
                for (i, element) in elements.into_iter().enumerate() {
                    if let Some(b) = element {
                        let line = b.line(leaves);
                        out.push(self.finish(b, &format!("{path}[{i}]"), line, leaves)?);
                    }
                }
                Ok(Node::List { path: path.to_owned(), indexed: INDEXED_LISTS.contains(&path), elements: out })
            }
        }
    }
}

fn collect_columns(node: &Node, leaves: &[Leaf], out: &mut Vec<usize>) {
    match node {
        Node::Leaf(i) => {
            if leaves[*i].column().is_some() {
                out.push(*i);
            }
        }
        Node::Object { columns, .. } => out.extend_from_slice(columns),
        Node::List { elements, .. } => {
            for e in elements {
                collect_columns(e, leaves, out);
            }
        }
    }
}
