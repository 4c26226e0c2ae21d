//! Loading a rate pack: raw files, then a validated, compiled [`RatePack`].
//!
//! Parsing happens in two stages, in the spirit of ripgrep's low-level and
//! high-level arguments: serde reads the manifest into a raw form that mirrors
//! the file (with spans, so every later error can name its line), then
//! [`compile`] checks every cross-reference and every table and produces a
//! pack that cannot be wrong when it is evaluated.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;
use toml::Spanned;

use crate::error::PackError;

/// The manifest's file name inside a pack directory.
pub const MANIFEST_FILE: &str = "manifest.toml";

/// The text of a pack's files, keyed by file name, plus where they came from.
///
/// Keeping the text in memory lets the desktop embed its bundled packs at
/// compile time and lets tests build packs without touching the disk, while
/// errors still name a path a person can open.
#[derive(Debug, Clone)]
pub struct PackFiles {
    origin: PathBuf,
    files: BTreeMap<String, String>,
}

impl PackFiles {
    /// Pack files held in memory; `origin` is the directory errors name.
    pub fn in_memory(origin: impl Into<PathBuf>) -> Self {
        Self { origin: origin.into(), files: BTreeMap::new() }
    }

    /// Adds one file's text.
    #[must_use]
    pub fn with_file(mut self, name: &str, text: &str) -> Self {
        self.files.insert(name.to_owned(), text.to_owned());
        self
    }

    /// Reads the manifest and every table it names from a pack directory.
    pub fn read_dir(dir: &Path) -> Result<Self, PackError> {
        let mut files = Self::in_memory(dir);
        let manifest_path = dir.join(MANIFEST_FILE);
        let manifest = read_text(&manifest_path)?;
        // Only the table file names are needed here; the full parse happens in
        // `compile`, which reports any problem with its line.
        let raw: RawManifest = toml::from_str(&manifest).map_err(|e| manifest_error(&files, &manifest, &e))?;
        for table in raw.tables.values() {
            let name = table.file.get_ref();
            let text = read_text(&dir.join(name))?;
            files.files.insert(name.clone(), text);
        }
        files.files.insert(MANIFEST_FILE.to_owned(), manifest);
        Ok(files)
    }

    fn path_of(&self, name: &str) -> PathBuf {
        self.origin.join(name)
    }
}

fn read_text(path: &Path) -> Result<String, PackError> {
    std::fs::read_to_string(path).map_err(|source| PackError::Read { path: path.to_owned(), source })
}

/// A validated, compiled rate pack. Evaluating it cannot fail on the pack's
/// account; only a quote's input can be unrateable.
#[derive(Debug, Clone)]
pub struct RatePack {
    pub(crate) id: String,
    pub(crate) state: String,
    pub(crate) product: String,
    pub(crate) version: String,
    pub(crate) rounding: Rounding,
    pub(crate) tables: Vec<Table>,
    pub(crate) coverages: Vec<Coverage>,
}

impl RatePack {
    /// Loads and compiles the pack in `dir`.
    pub fn load_dir(dir: &Path) -> Result<Self, PackError> {
        compile(&PackFiles::read_dir(dir)?)
    }

    /// The pack's identity, `name@version`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// Two-letter state code the pack is filed in.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The product the pack rates, for example `personal-auto`.
    pub fn product(&self) -> &str {
        &self.product
    }

    /// Codes of the coverages the pack rates, in manifest order.
    pub fn coverage_codes(&self) -> impl Iterator<Item = &str> {
        self.coverages.iter().map(|c| c.code.as_str())
    }
}

/// Where and how a premium is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    pub places: u32,
    pub mode: RoundingMode,
}

impl Rounding {
    pub fn apply(self, value: Decimal) -> Decimal {
        value.round_dp_with_strategy(self.places, self.mode.strategy())
    }
}

/// Rounding modes a filing can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundingMode {
    /// Halves away from zero: 49.215 becomes 49.22.
    HalfUp,
    /// Halves to the even neighbour (banker's rounding).
    HalfEven,
    /// Toward zero (truncation).
    Down,
    /// Away from zero.
    Up,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Self::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Self::HalfEven => RoundingStrategy::MidpointNearestEven,
            Self::Down => RoundingStrategy::ToZero,
            Self::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

/// A quote field a rating step can look up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputField {
    GaragingZip,
    VehicleYear,
}

impl fmt::Display for InputField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::GaragingZip => "garaging_zip",
            Self::VehicleYear => "vehicle_year",
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Coverage {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) base_rate: Decimal,
    pub(crate) steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    /// Index into [`RatePack::tables`].
    pub(crate) table: usize,
    pub(crate) input: InputField,
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) lookup: Lookup,
}

#[derive(Debug, Clone)]
pub(crate) enum Lookup {
    /// Exact string keys, hashed.
    Exact(HashMap<String, Decimal>),
    /// Inclusive integer bands sorted by their lower bound, without gaps or
    /// overlaps, searched by bisection.
    Bands(Vec<Band>),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Band {
    pub(crate) from: i64,
    pub(crate) to: i64,
    pub(crate) factor: Decimal,
}

// ---------------------------------------------------------------------------
// Raw form: mirrors the manifest, nothing checked beyond syntax and types.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    id: Spanned<String>,
    state: Spanned<String>,
    product: Spanned<String>,
    version: Spanned<String>,
    rounding: RawRounding,
    #[serde(default)]
    tables: BTreeMap<String, RawTable>,
    coverages: Vec<RawCoverage>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRounding {
    places: Spanned<u32>,
    mode: RoundingMode,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    file: Spanned<String>,
    kind: TableKind,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum TableKind {
    Exact,
    Bands,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoverage {
    code: Spanned<String>,
    name: String,
    base_rate: Spanned<String>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    table: Spanned<String>,
    input: InputField,
}

// ---------------------------------------------------------------------------
// Compilation.

/// Validates pack files and compiles them into a [`RatePack`].
pub fn compile(files: &PackFiles) -> Result<RatePack, PackError> {
    let manifest = files.files.get(MANIFEST_FILE).ok_or_else(|| PackError::MissingFile { path: files.path_of(MANIFEST_FILE) })?;
    let raw: RawManifest = toml::from_str(manifest).map_err(|e| manifest_error(files, manifest, &e))?;
    let at = |span: Range<usize>| Location { path: files.path_of(MANIFEST_FILE), line: line_of(manifest, span.start) };

    let state = raw.state.get_ref();
    if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(PackError::Invalid {
            at: at(raw.state.span()),
            field: "state".into(),
            message: format!("`{state}` is not a two-letter upper-case state code"),
        });
    }
    for (field, value) in [("id", &raw.id), ("product", &raw.product), ("version", &raw.version)] {
        if value.get_ref().trim().is_empty() {
            return Err(PackError::Invalid { at: at(value.span()), field: field.into(), message: "must not be empty".into() });
        }
    }
    // Premiums are money; more than four places would be a typo, not a filing.
    if *raw.rounding.places.get_ref() > 4 {
        return Err(PackError::Invalid {
            at: at(raw.rounding.places.span()),
            field: "rounding.places".into(),
            message: format!("{} places is more than the 4 a premium can carry", raw.rounding.places.get_ref()),
        });
    }

    let mut tables = Vec::with_capacity(raw.tables.len());
    let mut table_index = HashMap::new();
    for (name, table) in &raw.tables {
        let file_name = table.file.get_ref();
        let text = files.files.get(file_name).ok_or_else(|| PackError::MissingFile { path: files.path_of(file_name) })?;
        let path = files.path_of(file_name);
        let lookup = match table.kind {
            TableKind::Exact => Lookup::Exact(compile_exact(&path, text)?),
            TableKind::Bands => Lookup::Bands(compile_bands(&path, text)?),
        };
        table_index.insert(name.clone(), tables.len());
        tables.push(Table { name: name.clone(), lookup });
    }

    let mut coverages = Vec::with_capacity(raw.coverages.len());
    for (i, coverage) in raw.coverages.iter().enumerate() {
        let code = coverage.code.get_ref();
        if coverages.iter().any(|c: &Coverage| &c.code == code) {
            return Err(PackError::Invalid {
                at: at(coverage.code.span()),
                field: format!("coverages[{i}].code"),
                message: format!("coverage `{code}` is defined twice"),
            });
        }
        let base_rate = Decimal::from_str(coverage.base_rate.get_ref()).map_err(|_| PackError::Invalid {
            at: at(coverage.base_rate.span()),
            field: format!("coverages[{i}].base_rate"),
            message: format!("`{}` is not a decimal number", coverage.base_rate.get_ref()),
        })?;
        if base_rate.is_sign_negative() {
            return Err(PackError::Invalid {
                at: at(coverage.base_rate.span()),
                field: format!("coverages[{i}].base_rate"),
                message: "a base rate cannot be negative".into(),
            });
        }
        let mut steps = Vec::with_capacity(coverage.steps.len());
        for (j, step) in coverage.steps.iter().enumerate() {
            let table = *table_index.get(step.table.get_ref()).ok_or_else(|| PackError::Invalid {
                at: at(step.table.span()),
                field: format!("coverages[{i}].steps[{j}].table"),
                message: format!("no table named `{}` is declared under [tables]", step.table.get_ref()),
            })?;
            steps.push(Step { table, input: step.input });
        }
        coverages.push(Coverage { code: code.clone(), name: coverage.name.clone(), base_rate, steps });
    }

    Ok(RatePack {
        id: raw.id.into_inner(),
        state: raw.state.into_inner(),
        product: raw.product.into_inner(),
        version: raw.version.into_inner(),
        rounding: Rounding { places: raw.rounding.places.into_inner(), mode: raw.rounding.mode },
        tables,
        coverages,
    })
}

/// A place in a pack file, shown as `path:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

fn manifest_error(files: &PackFiles, text: &str, e: &toml::de::Error) -> PackError {
    let line = e.span().map_or(1, |span| line_of(text, span.start));
    PackError::Manifest { at: Location { path: files.path_of(MANIFEST_FILE), line }, message: e.message().to_owned() }
}

/// Reads a CSV table's rows as (line, fields), checking the header.
fn csv_rows(path: &Path, text: &str, header: &[&str]) -> Result<Vec<(usize, Vec<String>)>, PackError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let at = |line: u64| Location { path: path.to_owned(), line: usize::try_from(line).unwrap_or(usize::MAX) };
    let found = reader.headers().map_err(|e| PackError::Table { at: at(1), field: "header".into(), message: e.to_string() })?;
    if found.iter().ne(header.iter().copied()) {
        return Err(PackError::Table {
            at: at(1),
            field: "header".into(),
            message: format!("expected columns `{}`, found `{}`", header.join(","), found.iter().collect::<Vec<_>>().join(",")),
        });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            PackError::Table { at: at(line), field: "row".into(), message: e.to_string() }
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        rows.push((usize::try_from(line).unwrap_or(usize::MAX), record.iter().map(str::to_owned).collect()));
    }
    if rows.is_empty() {
        return Err(PackError::Table { at: at(1), field: "rows".into(), message: "the table has no rows".into() });
    }
    Ok(rows)
}

fn parse_factor(path: &Path, line: usize, text: &str) -> Result<Decimal, PackError> {
    let at = || Location { path: path.to_owned(), line };
    let factor = Decimal::from_str(text).map_err(|_| PackError::Table {
        at: at(),
        field: "factor".into(),
        message: format!("`{text}` is not a decimal number"),
    })?;
    if factor.is_sign_negative() || factor.is_zero() {
        return Err(PackError::Table { at: at(), field: "factor".into(), message: format!("factor {factor} must be greater than zero") });
    }
    Ok(factor)
}

fn compile_exact(path: &Path, text: &str) -> Result<HashMap<String, Decimal>, PackError> {
    let mut map: HashMap<String, (usize, Decimal)> = HashMap::new();
    for (line, fields) in csv_rows(path, text, &["key", "factor"])? {
        let factor = parse_factor(path, line, &fields[1])?;
        if let Some((first, _)) = map.insert(fields[0].clone(), (line, factor)) {
            return Err(PackError::Table {
                at: Location { path: path.to_owned(), line },
                field: "key".into(),
                message: format!("key `{}` already appears on line {first}", fields[0]),
            });
        }
    }
    Ok(map.into_iter().map(|(k, (_, v))| (k, v)).collect())
}

fn compile_bands(path: &Path, text: &str) -> Result<Vec<Band>, PackError> {
    let mut bands: Vec<(usize, Band)> = Vec::new();
    for (line, fields) in csv_rows(path, text, &["from", "to", "factor"])? {
        let at = || Location { path: path.to_owned(), line };
        let bound = |field: &str, value: &str| {
            value.parse::<i64>().map_err(|_| PackError::Table {
                at: at(),
                field: field.into(),
                message: format!("`{value}` is not a whole number"),
            })
        };
        let (from, to) = (bound("from", &fields[0])?, bound("to", &fields[1])?);
        if from > to {
            return Err(PackError::Table { at: at(), field: "to".into(), message: format!("band ends ({to}) before it starts ({from})") });
        }
        bands.push((line, Band { from, to, factor: parse_factor(path, line, &fields[2])? }));
    }
    bands.sort_by_key(|(_, band)| band.from);
    for pair in bands.windows(2) {
        let ((_, prev), (line, next)) = (pair[0], pair[1]);
        let at = Location { path: path.to_owned(), line };
        if next.from <= prev.to {
            return Err(PackError::Table {
                at,
                field: "from".into(),
                message: format!("band {}..={} overlaps band {}..={}", next.from, next.to, prev.from, prev.to),
            });
        }
        if next.from != prev.to + 1 {
            return Err(PackError::Table {
                at,
                field: "from".into(),
                message: format!("gap between band {}..={} and band {}..={}", prev.from, prev.to, next.from, next.to),
            });
        }
    }
    Ok(bands.into_iter().map(|(_, band)| band).collect())
}

impl Lookup {
    /// The factor for `key`, or `None` when the table has no row for it.
    pub(crate) fn get(&self, key: &InputValue<'_>) -> Option<Decimal> {
        match (self, key) {
            (Self::Exact(map), InputValue::Text(text)) => map.get(*text).copied(),
            (Self::Exact(map), InputValue::Integer(n)) => map.get(&n.to_string()).copied(),
            (Self::Bands(bands), key) => {
                let n = match key {
                    InputValue::Integer(n) => *n,
                    InputValue::Text(text) => text.parse().ok()?,
                };
                let i = bands.partition_point(|band| band.to < n);
                bands.get(i).filter(|band| band.from <= n).map(|band| band.factor)
            }
        }
    }
}

/// The value of one [`InputField`] in a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputValue<'a> {
    Text(&'a str),
    Integer(i64),
}

impl fmt::Display for InputValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => f.write_str(text),
            Self::Integer(n) => write!(f, "{n}"),
        }
    }
}
