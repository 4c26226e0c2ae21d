//! The canonical policy model, version 1, and the book file that holds it.
//!
//! A [`CanonicalPolicy`] is one policy as this system keeps it whatever system
//! it came from: its number, status and term, the premium the old system
//! charged (kept only for comparison), and the rating input
//! ([`uw_rating::Quote`]) that rates it here. A **book** is a JSON Lines file
//! with one policy per line; [`write_book`] writes one and [`read_book`]
//! reads it back, checking every line.
//!
//! **Versioning.** Version 1 is frozen: every policy says
//! `"model_version": 1`, unknown fields are refused, and the field set is
//! pinned by a test (`fields::tests`). A change to the model, including one
//! that arrives through `uw_rating::Quote`, makes version 2; readers keep
//! reading version 1. The format is described in
//! `docs/canonical-policy-model.md`.

pub(crate) mod fields;

use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, Write};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;
use uw_rating::{InputError, InputErrors, Quote, ValidQuote};

/// The version of the canonical policy model this crate reads and writes.
pub const MODEL_VERSION: u32 = 1;

/// Where a policy stood in the system it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CanonicalStatus {
    /// In force on the day of the extract.
    InForce,
    /// Cancelled before the end of its term.
    Cancelled,
    /// Ran to the end of its term and was not renewed.
    Expired,
}

impl CanonicalStatus {
    /// Every status, in declaration order.
    pub const ALL: [Self; 3] = [Self::InForce, Self::Cancelled, Self::Expired];

    /// The name in a book file: `in-force`, `cancelled`, `expired`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::InForce => "in-force",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }
}

impl fmt::Display for CanonicalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One policy in the canonical model, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanonicalPolicy {
    /// Always [`MODEL_VERSION`] (1).
    pub model_version: u32,
    /// The policy number, as the source system wrote it.
    pub policy_number: String,
    pub status: CanonicalStatus,
    /// The first day of the current term.
    pub term_start: Date,
    /// The day the current term ends (the end is excluded, as in
    /// `docs/policy-lifecycle.md`).
    pub term_end: Date,
    /// The premium the source system charged for the term; kept to compare
    /// with this system's rating, never used to rate. A JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_premium: Option<Decimal>,
    /// The 1-based line of the source file the policy was imported from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_line: Option<u64>,
    /// What rates the policy here: the same input as a quote.
    pub rating: Quote,
}

impl CanonicalPolicy {
    /// The rating input, validated: what [`uw_rating::rate`] takes. Problem
    /// paths are the quote's own (`vehicles[0].vin`), without `rating.`.
    pub fn valid_rating(&self) -> Result<ValidQuote, InputErrors> {
        self.rating.clone().validate()
    }

    /// Checks the whole policy: the model's own rules (the version, a policy
    /// number, a term that ends after it starts and contains the rating's
    /// effective date, a premium that is not negative) and then the rating
    /// input's ([`Quote::validate`]). Every problem is reported, with its
    /// canonical path (`rating.vehicles[0].vin`).
    pub fn check(&self) -> Result<(), InputErrors> {
        let mut problems = self.policy_problems();
        if let Err(errors) = self.rating.clone().validate() {
            problems.extend(rating_paths(errors));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(InputErrors(problems))
        }
    }

    /// The model's own rules, without the rating input's.
    pub(crate) fn policy_problems(&self) -> Vec<InputError> {
        let mut problems = Vec::new();
        let mut push = |path: &str, message: String| problems.push(InputError { path: path.to_owned(), message });
        if self.model_version != MODEL_VERSION {
            push("model_version", format!("{} is not {MODEL_VERSION}, the version this reader reads", self.model_version));
        }
        if self.policy_number.trim().is_empty() {
            push("policy_number", "must not be empty".to_owned());
        }
        if self.term_end <= self.term_start {
            push("term_end", format!("{} is not after term_start {}", self.term_end, self.term_start));
        } else if self.rating.effective_date < self.term_start || self.rating.effective_date >= self.term_end {
            push(
                "rating.effective_date",
                format!("{} is outside the term {} to {}", self.rating.effective_date, self.term_start, self.term_end),
            );
        }
        if self.written_premium.is_some_and(|p| p < Decimal::ZERO) {
            push("written_premium", "must not be negative".to_owned());
        }
        // The rating's term must be the policy's: a 12-month term rated as
        // 6 months would be priced at half.
        if self.term_end > self.term_start {
            if let Ok(term) = crate::Term::new(self.term_start, self.term_end) {
                match term.whole_months() {
                    Some(months) if months != self.rating.term_months => push(
                        "rating.term_months",
                        format!(
                            "{} months does not match the term {} to {}, which is {months} months",
                            self.rating.term_months, self.term_start, self.term_end
                        ),
                    ),
                    _ => {}
                }
            }
        }
        if self.rating.dwelling.as_ref().is_some_and(|d| d.address.is_some()) {
            push(
                "rating.dwelling.address",
                "version 1 of the model rates a home at the mailing address; a separate risk address needs version 2".to_owned(),
            );
        }
        if let Some(d) = &self.rating.dwelling {
            if d.wind_mitigation.is_some() {
                push(
                    "rating.dwelling.wind_mitigation",
                    "version 1 of the model has no wind mitigation features; they need version 2".to_owned(),
                );
            }
            if d.wildfire_mitigation.is_some() {
                push(
                    "rating.dwelling.wildfire_mitigation",
                    "version 1 of the model has no wildfire mitigation; it needs version 2".to_owned(),
                );
            }
        }
        for (i, c) in self.rating.coverages.iter().enumerate() {
            if self.rating.coverages[..i].iter().any(|e| e.code == c.code) {
                push(
                    &format!("rating.coverages[{i}].code"),
                    format!(
                        "version 1 of the model has each coverage once; `{}` selected per vehicle (a deductible that varies by vehicle) needs version 2",
                        c.code
                    ),
                );
            }
        }
        let later = [
            ("rating.prior_insurance", self.rating.prior_insurance.is_some(), "prior insurance"),
            ("rating.inception_date", self.rating.inception_date.is_some(), "an inception date"),
            ("rating.payment_method", self.rating.payment_method.is_some(), "a payment method"),
        ];
        for (path, present, what) in later {
            if present {
                push(path, format!("version 1 of the model has no {what}; it needs version 2"));
            }
        }
        for (i, v) in self.rating.vehicles.iter().enumerate() {
            if v.cost_new.is_some() {
                push(&format!("rating.vehicles[{i}].cost_new"), "version 1 of the model has no cost new; it needs version 2".to_owned());
            }
        }
        if !self.rating.elections.is_empty() {
            push(
                "rating.elections",
                "version 1 of the model has no signed coverage decisions (rejections, offers); they need version 2".to_owned(),
            );
        }
        // The rating input learnt named-driver exclusions after version 1
        // was frozen; version 1 has none, so a book cannot carry one yet.
        for (i, d) in self.rating.drivers.iter().enumerate() {
            if d.course_date.is_some() {
                push(
                    &format!("rating.drivers[{i}].course_date"),
                    "version 1 of the model has no course dates; a dated course discount needs version 2".to_owned(),
                );
            }
            if d.excluded {
                push(
                    &format!("rating.drivers[{i}].excluded"),
                    "version 1 of the model has no named-driver exclusions; list the driver without it".to_owned(),
                );
            }
        }
        problems
    }
}

/// Prefixes the quote's problem paths with `rating.`, making them canonical paths.
pub(crate) fn rating_paths(errors: InputErrors) -> impl Iterator<Item = InputError> {
    errors.0.into_iter().map(|e| InputError { path: format!("rating.{}", e.path), message: e.message })
}

/// Why a book could not be read. Every variant names the 1-based line.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// The reader failed.
    #[error("line {line}: cannot read the book: {source}")]
    Read {
        line: u64,
        #[source]
        source: io::Error,
    },
    /// The line is not JSON (or not UTF-8).
    #[error("line {line}: not JSON: {message}")]
    Json { line: u64, message: String },
    /// The line is JSON but not a version 1 policy: an unknown field, a
    /// missing field or a value of the wrong type.
    #[error("line {line}: not a canonical policy: {message}")]
    Shape { line: u64, message: String },
    /// `model_version` is missing or is not 1.
    #[error("line {line}: {}", version_text(found.as_deref()))]
    ModelVersion {
        line: u64,
        /// The value found, as JSON; `None` when the field is missing.
        found: Option<String>,
    },
    /// Two lines carry the same policy number.
    #[error("line {line}: policy number {policy_number} already appears on line {first_line}")]
    DuplicatePolicyNumber { line: u64, policy_number: String, first_line: u64 },
    /// The policy breaks a rule of the model or its rating input fails
    /// [`Quote::validate`]; every problem, with its canonical path.
    #[error("line {line}: {}", joined(errors))]
    Invalid { line: u64, errors: InputErrors },
}

fn version_text(found: Option<&str>) -> String {
    match found {
        None => format!("model_version is missing; a version {MODEL_VERSION} policy says \"model_version\": {MODEL_VERSION}"),
        Some(v) => format!("model_version {v} is not {MODEL_VERSION}; this reader reads canonical policy model version {MODEL_VERSION}"),
    }
}

fn joined(errors: &InputErrors) -> String {
    errors.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// Writes a book: one policy per line, as JSON, each line ending in `\n`.
/// Writes what it is given; [`read_book`] is where policies are checked.
pub fn write_book<'a>(policies: impl IntoIterator<Item = &'a CanonicalPolicy>, mut out: impl Write) -> io::Result<()> {
    for policy in policies {
        serde_json::to_writer(&mut out, policy)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Only the version, read before the rest so a later model's line is
/// reported as a version problem rather than as unknown fields.
#[derive(Deserialize)]
struct VersionProbe {
    #[serde(default)]
    model_version: Option<serde_json::Value>,
}

/// Reads a book, checking every line: JSON, the version's shape, the
/// version, unique policy numbers and [`CanonicalPolicy::check`]. Stops at the
/// first bad line. Blank lines are skipped.
pub fn read_book(input: impl BufRead) -> Result<Vec<CanonicalPolicy>, BookError> {
    BookReader::new(input).collect()
}

/// A book read one policy at a time, with [`read_book`]'s checks, so a
/// book of any size is read with one policy in memory (and the policy
/// numbers seen, to refuse a repeat). It yields the first bad line's error,
/// then ends.
#[derive(Debug)]
pub struct BookReader<R> {
    input: R,
    first_lines: HashMap<String, u64>,
    buf: Vec<u8>,
    line: u64,
    failed: bool,
}

impl<R: BufRead> BookReader<R> {
    pub fn new(input: R) -> Self {
        Self { input, first_lines: HashMap::new(), buf: Vec::new(), line: 0, failed: false }
    }

    fn next_policy(&mut self) -> Result<Option<CanonicalPolicy>, BookError> {
        loop {
            self.buf.clear();
            self.line += 1;
            let line = self.line;
            let read = self.input.read_until(b'\n', &mut self.buf).map_err(|source| BookError::Read { line, source })?;
            if read == 0 {
                return Ok(None);
            }
            let text = std::str::from_utf8(&self.buf).map_err(|e| BookError::Json { line, message: format!("not UTF-8: {e}") })?;
            if text.trim().is_empty() {
                continue;
            }
            let probe: VersionProbe = serde_json::from_str(text).map_err(|e| BookError::Json { line, message: without_position(&e) })?;
            match probe.model_version {
                Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(MODEL_VERSION)) => {}
                found => return Err(BookError::ModelVersion { line, found: found.map(|v| v.to_string()) }),
            }
            let policy: CanonicalPolicy =
                serde_json::from_str(text).map_err(|e| BookError::Shape { line, message: without_position(&e) })?;
            policy.check().map_err(|errors| BookError::Invalid { line, errors })?;
            if let Some(&first_line) = self.first_lines.get(&policy.policy_number) {
                return Err(BookError::DuplicatePolicyNumber { line, policy_number: policy.policy_number, first_line });
            }
            self.first_lines.insert(policy.policy_number.clone(), line);
            return Ok(Some(policy));
        }
    }
}

impl<R: BufRead> Iterator for BookReader<R> {
    type Item = Result<CanonicalPolicy, BookError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.next_policy() {
            Ok(policy) => policy.map(Ok),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// serde_json's message with "at line 1 column N" replaced by the column
/// alone: a book line is always line 1 to the parser.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) if e.column() > 0 => format!("{message} (column {})", e.column()),
        Some(message) => message.to_owned(),
        None => text,
    }
}
