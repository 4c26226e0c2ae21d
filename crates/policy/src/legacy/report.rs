//! The data-quality report of an import: how many rows were read, accepted
//! and rejected, and per mapped field how complete and how valid the source
//! was.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::ProblemKind;

/// Counts for one import. `accepted + rejected == rows_read`, always.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityReport {
    /// Data rows read (the header is not counted).
    pub rows_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// One entry per mapped field, in the mapping file's order.
    pub fields: Vec<FieldQuality>,
    /// How many problems of each kind the rejected rows had.
    pub problems_by_kind: BTreeMap<ProblemKind, u64>,
    /// Problems at paths no mapped field owns, by path: a list as a whole
    /// (`rating.drivers`: none given), a blank list element
    /// (`rating.drivers[0]`), the row as a whole (`record`).
    pub problems_elsewhere: BTreeMap<String, u64>,
}

/// How one mapped field fared. For a column, `populated + blank` is the
/// number of rows read less the malformed rows (wrong field count, bad
/// encoding), which are not split into fields; a constant counts as
/// populated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldQuality {
    /// The canonical path.
    pub field: String,
    /// The column, or `constant "VALUE"`.
    pub source: String,
    /// Rows where it was not blank.
    pub populated: u64,
    /// Rows where it was blank (whether or not that was allowed).
    pub blank: u64,
    /// Rejected rows with at least one problem on this field.
    pub invalid: u64,
}

impl FieldQuality {
    /// The populated share in tenths of a percent, rounded half up; `None`
    /// when no row was split into fields.
    pub fn completeness_per_mille(&self) -> Option<u64> {
        let total = self.populated + self.blank;
        (total > 0).then(|| (self.populated * 2000 + total) / (2 * total))
    }
}

fn percent(per_mille: Option<u64>) -> String {
    match per_mille {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "-".to_owned(),
    }
}

impl fmt::Display for QualityReport {
    /// An aligned text table: the totals, the fields, then the problems.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "rows read  {:>9}", self.rows_read)?;
        writeln!(f, "accepted   {:>9}", self.accepted)?;
        writeln!(f, "rejected   {:>9}", self.rejected)?;
        writeln!(f)?;
        let headings = ["field", "source", "populated", "blank", "invalid", "complete"];
        let rows: Vec<[String; 6]> = self
            .fields
            .iter()
            .map(|q| {
                [
                    q.field.clone(),
                    q.source.clone(),
                    q.populated.to_string(),
                    q.blank.to_string(),
                    q.invalid.to_string(),
                    percent(q.completeness_per_mille()),
                ]
            })
            .collect();
        let mut widths = headings.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 6]| -> fmt::Result {
            write!(f, "{:<w0$}  {:<w1$}", cells[0], cells[1], w0 = widths[0], w1 = widths[1])?;
            for (cell, w) in cells[2..].iter().zip(&widths[2..]) {
                write!(f, "  {cell:>w$}")?;
            }
            writeln!(f)
        };
        line(f, headings)?;
        for row in &rows {
            line(f, [&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]])?;
        }
        if !self.problems_by_kind.is_empty() {
            writeln!(f)?;
            writeln!(f, "problems by kind")?;
            let width = self.problems_by_kind.keys().map(|k| k.name().len()).max().unwrap_or(0);
            for (kind, n) in &self.problems_by_kind {
                writeln!(f, "  {:<width$}  {n:>9}", kind.name())?;
            }
        }
        if !self.problems_elsewhere.is_empty() {
            writeln!(f)?;
            writeln!(f, "problems not on a mapped field")?;
            let width = self.problems_elsewhere.keys().map(|k| k.chars().count()).max().unwrap_or(0);
            for (path, n) in &self.problems_elsewhere {
                writeln!(f, "  {path:<width$}  {n:>9}")?;
            }
        }
        Ok(())
    }
}
