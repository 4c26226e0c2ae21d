//! Lookup tables: CSV files compiled into indexed, checked structures.
//!
//! A table has one or two keys, each matched exactly (hashed), by inclusive
//! integer band (bisection; bands may be open at either end) or by linear
//! interpolation between numeric rows (bisection; last key only). The CSV
//! header is the key columns (`NAME` for exact and interpolated keys,
//! `NAME_from,NAME_to` for bands), then `value`, then optionally `exposure`
//! (the share of the book in the row, for factor weights such as
//! California's 10 CCR 2632.8 test), then optionally `label` (a territory
//! name, say) that the worksheet shows.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::error::PackError;
use super::Location;
use crate::variable::Value;

/// How one key column matches a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMatch {
    Exact,
    Band,
    Interpolate,
}

impl KeyMatch {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "exact" => Some(Self::Exact),
            "band" => Some(Self::Band),
            "interpolate" => Some(Self::Interpolate),
            _ => None,
        }
    }
}

/// A compiled table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub(crate) name: Arc<str>,
    pub(crate) keys: Vec<(String, KeyMatch)>,
    pub(crate) root: Node,
    rows: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Leaf(Cell),
    /// Keyed with FxHash: the keys are the pack's own (ZIPs, codes), so
    /// SipHash's defence against chosen keys buys nothing, and it was a
    /// measurable share of every look-up (`docs/benchmarks.md`).
    Exact(FxHashMap<String, Node>),
    Bands(Vec<Band>),
    Interpolate(Vec<(Decimal, Cell)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Band {
    pub(crate) from: Option<i64>,
    pub(crate) to: Option<i64>,
    pub(crate) node: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub(crate) value: Decimal,
    pub(crate) exposure: Option<Decimal>,
    pub(crate) label: Option<Arc<str>>,
}

/// What a lookup found.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) value: Decimal,
    pub(crate) label: Option<Arc<str>>,
    /// For an interpolated value: the two rows it lies between, as `(x, y)`.
    pub(crate) between: Option<((Decimal, Decimal), (Decimal, Decimal))>,
}

struct Row {
    line: usize,
    keys: Vec<String>,
    cell: Cell,
}

impl Table {
    /// Parses and indexes a table file.
    pub(crate) fn compile(name: &str, path: &Path, text: &str, keys: Vec<(String, KeyMatch)>) -> Result<Self, PackError> {
        let at = |line: usize| Location { path: path.to_owned(), line };
        let err = |line: usize, field: &str, message: String| PackError::Table { at: at(line), field: field.to_owned(), message };
        if let Some(i) = keys.iter().position(|(_, m)| *m == KeyMatch::Interpolate) {
            if i + 1 != keys.len() {
                return Err(err(1, "keys", "only the last key of a table can be interpolated".into()));
            }
        }
        let mut header: Vec<String> = Vec::new();
        for (column, m) in &keys {
            match m {
                KeyMatch::Band => header.extend([format!("{column}_from"), format!("{column}_to")]),
                KeyMatch::Exact | KeyMatch::Interpolate => header.push(column.clone()),
            }
        }
        header.push("value".into());

        let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
        let found: Vec<String> = reader.headers().map_err(|e| err(1, "header", e.to_string()))?.iter().map(str::to_owned).collect();
        let extras: Vec<&str> = found.get(header.len()..).unwrap_or_default().iter().map(String::as_str).collect();
        let (has_exposure, has_label) = match extras.as_slice() {
            [] => (false, false),
            ["label"] => (false, true),
            ["exposure"] => (true, false),
            ["exposure", "label"] => (true, true),
            _ => (false, false),
        };
        if found.len() != header.len() + usize::from(has_exposure) + usize::from(has_label) || found[..header.len()] != header[..] {
            return Err(err(
                1,
                "header",
                format!(
                    "expected columns `{}` (then optionally `exposure`, then optionally `label`), found `{}`",
                    header.join(","),
                    found.join(",")
                ),
            ));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                err(line, "row", e.to_string())
            })?;
            let line = record.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
            let fields: Vec<&str> = record.iter().collect();
            let value_text = fields[header.len() - 1];
            let value = Decimal::from_str(value_text).map_err(|_| err(line, "value", format!("`{value_text}` is not a decimal number")))?;
            if value.is_sign_negative() {
                return Err(err(line, "value", format!("{value} is negative; table values are factors or amounts")));
            }
            let exposure = if has_exposure {
                let text = fields[header.len()];
                let e = Decimal::from_str(text).map_err(|_| err(line, "exposure", format!("`{text}` is not a decimal number")))?;
                if e.is_sign_negative() {
                    return Err(err(line, "exposure", format!("{e} is negative; an exposure is a count or a share")));
                }
                Some(e)
            } else {
                None
            };
            let label = if has_label { Some(Arc::from(fields[header.len() + usize::from(has_exposure)])) } else { None };
            rows.push(Row {
                line,
                keys: fields[..header.len() - 1].iter().map(|s| (*s).to_owned()).collect(),
                cell: Cell { value, exposure, label },
            });
        }
        if rows.is_empty() {
            return Err(err(1, "rows", "the table has no rows".into()));
        }
        let count = rows.len();
        let root = build(path, &keys, &header, 0, rows)?;
        Ok(Self { name: Arc::from(name), keys, root, rows: count })
    }

    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The table's name in the manifest.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value for `values` (one per key), or `None` when no row matches.
    pub(crate) fn lookup(&self, values: &[&Value]) -> Option<Found> {
        let mut node = &self.root;
        let mut buf = String::new();
        for value in values {
            match node {
                Node::Leaf(_) => return None,
                Node::Exact(map) => node = map.get(value.exact_key(&mut buf))?,
                Node::Bands(bands) => {
                    let n = value.as_integer()?;
                    let i = bands.partition_point(|b| b.to.is_some_and(|to| to < n));
                    let band = bands.get(i).filter(|b| b.from.is_none_or(|from| from <= n))?;
                    node = &band.node;
                }
                Node::Interpolate(points) => return interpolate(points, value.as_decimal()?),
            }
        }
        match node {
            Node::Leaf(cell) => Some(Found { value: cell.value, label: cell.label.clone(), between: None }),
            _ => None,
        }
    }

    /// Every row's value and exposure (none where the table has no
    /// `exposure` column), in no particular order.
    pub(crate) fn exposures(&self) -> Vec<(Decimal, Option<Decimal>)> {
        fn walk(node: &Node, out: &mut Vec<(Decimal, Option<Decimal>)>) {
            match node {
                Node::Leaf(c) => out.push((c.value, c.exposure)),
                Node::Exact(map) => map.values().for_each(|n| walk(n, out)),
                Node::Bands(bands) => bands.iter().for_each(|b| walk(&b.node, out)),
                Node::Interpolate(points) => points.iter().for_each(|(_, c)| out.push((c.value, c.exposure))),
            }
        }
        let mut out = Vec::with_capacity(self.rows);
        walk(&self.root, &mut out);
        out
    }

    /// Every exact key of a one-key exact table, for completeness checks.
    pub(crate) fn exact_keys(&self) -> Vec<&str> {
        match &self.root {
            Node::Exact(map) => map.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The row of an exact one-key table at `key`; `None` for another kind
    /// of table (`Err`), or no such row (`Ok(None)`).
    pub(crate) fn exact_cell(&self, key: &str) -> Result<Option<&Cell>, ()> {
        match &self.root {
            Node::Exact(map) => Ok(match map.get(key) {
                Some(Node::Leaf(cell)) => Some(cell),
                _ => None,
            }),
            _ => Err(()),
        }
    }

    /// The value of an exact one-key table at `key`.
    pub(crate) fn exact_value(&self, key: &str) -> Option<Decimal> {
        match &self.root {
            Node::Exact(map) => match map.get(key) {
                Some(Node::Leaf(cell)) => Some(cell.value),
                _ => None,
            },
            _ => None,
        }
    }
}

pub(crate) fn interpolate(points: &[(Decimal, Cell)], x: Decimal) -> Option<Found> {
    let i = points.partition_point(|(px, _)| *px < x);
    let (x1, c1) = points.get(i)?;
    if *x1 == x {
        return Some(Found { value: c1.value, label: c1.label.clone(), between: None });
    }
    let (x0, c0) = points.get(i.checked_sub(1)?)?;
    // y0 + (x - x0) / (x1 - x0) * (y1 - y0), exactly in decimal.
    let value = c0.value + (x - x0) / (x1 - x0) * (c1.value - c0.value);
    Some(Found { value, label: None, between: Some(((*x0, c0.value), (*x1, c1.value))) })
}

fn build(path: &Path, keys: &[(String, KeyMatch)], header: &[String], depth: usize, rows: Vec<Row>) -> Result<Node, PackError> {
    let at = |line: usize| Location { path: path.to_owned(), line };
    let column_of = |depth: usize| -> usize { keys[..depth].iter().map(|(_, m)| if *m == KeyMatch::Band { 2 } else { 1 }).sum() };
    if depth == keys.len() {
        let mut rows = rows;
        if rows.len() > 1 {
            let (first, dup) = (rows[0].line, rows[1].line);
            return Err(PackError::Table { at: at(dup), field: "row".into(), message: format!("duplicates the keys of line {first}") });
        }
        return Ok(Node::Leaf(rows.remove(0).cell));
    }
    let col = column_of(depth);
    let (column, kind) = &keys[depth];
    match kind {
        KeyMatch::Exact => {
            let mut groups: Vec<(String, Vec<Row>)> = Vec::new();
            let mut index: HashMap<String, usize> = HashMap::new();
            for row in rows {
                let key = row.keys[col].clone();
                if key.is_empty() {
                    return Err(PackError::Table { at: at(row.line), field: column.clone(), message: "key must not be empty".into() });
                }
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    groups.push((key, Vec::new()));
                    groups.len() - 1
                });
                groups[slot].1.push(row);
            }
            let mut map = FxHashMap::with_capacity_and_hasher(groups.len(), rustc_hash::FxBuildHasher);
            for (key, group) in groups {
                map.insert(key, build(path, keys, header, depth + 1, group)?);
            }
            Ok(Node::Exact(map))
        }
        KeyMatch::Band => {
            let bound = |row: &Row, offset: usize| -> Result<Option<i64>, PackError> {
                let text = &row.keys[col + offset];
                if text.is_empty() {
                    return Ok(None);
                }
                text.parse().map(Some).map_err(|_| PackError::Table {
                    at: at(row.line),
                    field: header[col + offset].clone(),
                    message: format!("`{text}` is not a whole number"),
                })
            };
            type Bounds = (Option<i64>, Option<i64>);
            let mut groups: Vec<(Bounds, usize, Vec<Row>)> = Vec::new();
            for row in rows {
                let (from, to) = (bound(&row, 0)?, bound(&row, 1)?);
                if let (Some(f), Some(t)) = (from, to) {
                    if f > t {
                        return Err(PackError::Table {
                            at: at(row.line),
                            field: header[col + 1].clone(),
                            message: format!("band ends ({t}) before it starts ({f})"),
                        });
                    }
                }
                match groups.iter_mut().find(|(b, _, _)| *b == (from, to)) {
                    Some((_, _, group)) => group.push(row),
                    None => groups.push(((from, to), row.line, vec![row])),
                }
            }
            groups.sort_by_key(|((from, _), _, _)| from.unwrap_or(i64::MIN));
            let show = |b: (Option<i64>, Option<i64>)| {
                format!("{}..={}", b.0.map_or("-inf".to_owned(), |v| v.to_string()), b.1.map_or("+inf".to_owned(), |v| v.to_string()))
            };
            for pair in groups.windows(2) {
                let ((prev, _, _), (next, line, _)) = (&pair[0], &pair[1]);
                let field = format!("{column}_from");
                match (prev.1, next.0) {
                    (Some(prev_to), Some(next_from)) if next_from == prev_to + 1 => {}
                    (Some(prev_to), Some(next_from)) if next_from > prev_to + 1 => {
                        return Err(PackError::Table {
                            at: at(*line),
                            field,
                            message: format!("gap between band {} and band {}", show(*prev), show(*next)),
                        })
                    }
                    _ => {
                        return Err(PackError::Table {
                            at: at(*line),
                            field,
                            message: format!("band {} overlaps band {}", show(*next), show(*prev)),
                        })
                    }
                }
            }
            let mut bands = Vec::with_capacity(groups.len());
            for ((from, to), _, group) in groups {
                bands.push(Band { from, to, node: build(path, keys, header, depth + 1, group)? });
            }
            Ok(Node::Bands(bands))
        }
        KeyMatch::Interpolate => {
            let mut points: Vec<(Decimal, usize, Cell)> = Vec::with_capacity(rows.len());
            for row in rows {
                let text = &row.keys[col];
                let x = Decimal::from_str(text).map_err(|_| PackError::Table {
                    at: at(row.line),
                    field: column.clone(),
                    message: format!("`{text}` is not a number"),
                })?;
                points.push((x, row.line, row.cell));
            }
            points.sort_by_key(|(x, _, _)| *x);
            for pair in points.windows(2) {
                if pair[0].0 == pair[1].0 {
                    return Err(PackError::Table {
                        at: at(pair[1].1.max(pair[0].1)),
                        field: column.clone(),
                        message: format!("{} appears on lines {} and {}", pair[0].0, pair[0].1.min(pair[1].1), pair[0].1.max(pair[1].1)),
                    });
                }
            }
            if points.len() < 2 {
                return Err(PackError::Table {
                    at: at(points.first().map_or(1, |p| p.1)),
                    field: column.clone(),
                    message: "an interpolated key needs at least two rows".into(),
                });
            }
            Ok(Node::Interpolate(points.into_iter().map(|(x, _, cell)| (x, cell)).collect()))
        }
    }
}
