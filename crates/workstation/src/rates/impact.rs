//! Impact analysis: a draft and its base re-rate a book (this workstation's
//! quotes, the server's in-force book, or a canonical book file).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use uw_protocol::BookPage;
use uw_rating::impact::{impact, BookPolicy, ImpactControl, ImpactFailure, ImpactGroup, ImpactReport};
use uw_rating::RatePack;

use super::invalid;
use crate::{Workstation, WorkstationError};

impl Workstation {
    /// The local book for a pack's state and product: the latest version of
    /// every quote in this store (bound quotes included).
    pub fn local_book(&self, pack: &RatePack) -> Result<Vec<BookPolicy>, WorkstationError> {
        let info = pack.info();
        let mut book = Vec::new();
        for (number, input) in self.store.latest_inputs(&info.state, info.product.name())? {
            let quote: uw_rating::Quote = serde_json::from_str(&input).map_err(|e| invalid("input", format!("{number}: {e}")))?;
            // A version still being completed does not rate; it is not part of the book.
            if let Ok(quote) = quote.validate() {
                book.push(BookPolicy { id: number, quote });
            }
        }
        Ok(book)
    }

    /// Re-rates a book with a draft's base and the draft.
    pub fn rate_draft_impact(
        &self,
        draft_id: &str,
        book: BookSource,
        cancel: &AtomicBool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<ImpactReport, WorkstationError> {
        self.impact_run(draft_id, book)?.run(cancel, progress)
    }

    /// The packs and the book of an impact run on a draft.
    pub fn impact_run(&self, draft_id: &str, book: BookSource) -> Result<ImpactRun, WorkstationError> {
        self.require_underwriter()?;
        let (base, draft) = self.rate_draft_packs(draft_id)?;
        let (book, not_in_force) = match book {
            BookSource::Local => (self.local_book(&base)?, 0),
            BookSource::Server => (self.server_book(&base)?, 0),
            BookSource::File(path) => read_book_file(&path)?,
            BookSource::Given(policies) => (policies, 0),
        };
        Ok(ImpactRun { base, draft, book, not_in_force })
    }

    /// The server's in-force book of a pack's state and product, page by page.
    pub fn server_book(&self, pack: &RatePack) -> Result<Vec<BookPolicy>, WorkstationError> {
        let server = self.connect()?;
        let info = pack.info();
        let mut book = Vec::new();
        let mut after = String::new();
        loop {
            let page: BookPage =
                server.get(&format!("/v1/book?state={}&product={}&after={}", info.state, info.product.name(), urlencoding(&after)))?;
            for entry in page.policies {
                let quote = uw_rating::Quote::from_json(&entry.quote.to_string())
                    .and_then(uw_rating::Quote::validate)
                    .map_err(|e| invalid("book", format!("the server's policy {}: {e}", entry.policy_number)))?;
                book.push(BookPolicy { id: entry.policy_number, quote });
            }
            match page.next_after {
                Some(next) => after = next,
                None => return Ok(book),
            }
        }
    }

    /// Keeps an impact run's summary on this user's draft being edited, so
    /// submitting sends the impact the author last saw.
    pub fn record_rate_draft_impact(&mut self, draft_id: &str, report: &ImpactReport) -> Result<bool, WorkstationError> {
        Ok(self.store.record_rate_draft_impact(draft_id, &impact_summary(report))?)
    }
}

/// Which book an impact run re-rates.
#[derive(Debug, Clone)]
pub enum BookSource {
    /// The latest version of every quote in this store.
    Local,
    /// The server's in-force book of the pack's state and product.
    Server,
    /// A canonical book file (`uw book import` writes one from a legacy dump).
    File(PathBuf),
    /// Policies given by the caller.
    Given(Vec<BookPolicy>),
}

/// Everything an impact run needs, gathered so the run itself holds no
/// lock on the workstation: a million policies take seconds.
#[derive(Debug)]
pub struct ImpactRun {
    pub base: RatePack,
    pub draft: RatePack,
    pub book: Vec<BookPolicy>,
    /// The book's policies not in force, left out of it.
    pub not_in_force: u64,
}

impl ImpactRun {
    pub fn run(&self, cancel: &AtomicBool, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<ImpactReport, WorkstationError> {
        let mut report = impact(&self.base, &self.draft, &self.book, &ImpactControl { cancel, progress })?;
        report.not_in_force = self.not_in_force;
        Ok(report)
    }
}

/// A canonical book file as impact analysis reads it: its policies in
/// force (a rate change does not price cancelled or expired ones), and how
/// many it left out. A policy whose rating input does not validate cannot
/// be in a book `read_book` accepts.
pub fn read_book_file(path: &Path) -> Result<(Vec<BookPolicy>, u64), WorkstationError> {
    let file = std::fs::File::open(path).map_err(|source| WorkstationError::BookFile { path: path.to_owned(), source })?;
    let policies =
        uw_policy::read_book(std::io::BufReader::new(file)).map_err(|source| WorkstationError::Book { path: path.to_owned(), source })?;
    let all = policies.len();
    let book = policies
        .into_iter()
        .filter(|p| p.status == uw_policy::CanonicalStatus::InForce)
        .map(|p| {
            let quote = p.valid_rating().map_err(WorkstationError::InvalidQuote)?;
            Ok(BookPolicy { id: p.policy_number, quote })
        })
        .collect::<Result<Vec<_>, WorkstationError>>()?;
    let left_out = u64::try_from(all - book.len()).unwrap_or(u64::MAX);
    Ok((book, left_out))
}

/// The path of the book `file_name` in `dir`: a plain `.jsonl` file name,
/// so the UI cannot name a file elsewhere.
pub fn book_in(dir: &Path, file_name: &str) -> Result<PathBuf, WorkstationError> {
    let plain = file_name.len() > ".jsonl".len()
        && file_name.ends_with(".jsonl")
        && !file_name.starts_with('.')
        && !file_name.contains(['/', '\\', ':']);
    if !plain {
        return Err(invalid("file_name", format!("`{file_name}` is not the name of a .jsonl book in the Books folder")));
    }
    Ok(dir.join(file_name))
}

/// The canonical books (`*.jsonl`) in `dir`, by name; none when it does not exist.
pub fn book_files(dir: &Path) -> Result<Vec<(String, u64)>, WorkstationError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(WorkstationError::BookFile { path: dir.to_owned(), source }),
    };
    let mut books = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| WorkstationError::BookFile { path: dir.to_owned(), source })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".jsonl") {
            let bytes = entry.metadata().map_err(|source| WorkstationError::BookFile { path: entry.path(), source })?.len();
            books.push((name, bytes));
        }
    }
    books.sort();
    Ok(books)
}

/// What an approver sees of the author's impact run: the whole report but
/// the worksheets of the largest increases (they run it again to see those).
/// It travels to the server as JSON in [`uw_protocol::SubmitPackDraft::impact`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ImpactSummary {
    pub base_pack: String,
    pub draft_pack: String,
    #[ts(type = "number")]
    pub policies: u64,
    #[ts(type = "number")]
    pub out_of_scope: u64,
    /// Cancelled or expired policies of the book, left out of the run.
    #[serde(default)]
    #[ts(type = "number")]
    pub not_in_force: u64,
    #[ts(type = "number")]
    pub rated: u64,
    #[ts(type = "number")]
    pub failed: u64,
    pub failures: Vec<ImpactFailure>,
    #[ts(type = "number")]
    pub increased: u64,
    #[ts(type = "number")]
    pub decreased: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    pub total: ImpactGroup,
    pub bands: Vec<ImpactGroup>,
    pub by_coverage: Vec<ImpactGroup>,
    pub by_territory: Vec<ImpactGroup>,
    pub largest_increases: Vec<IncreaseSummary>,
    /// The coverages the draft priced, when it changed only those; none
    /// when every policy was priced with both packs in full.
    #[serde(default)]
    pub repriced: Option<Vec<String>>,
}

/// One of the largest increases, without its worksheets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct IncreaseSummary {
    pub id: String,
    #[ts(type = "string")]
    pub change: rust_decimal::Decimal,
    #[ts(type = "string | null")]
    pub change_pct: Option<rust_decimal::Decimal>,
}

impl From<&ImpactReport> for ImpactSummary {
    fn from(r: &ImpactReport) -> Self {
        Self {
            base_pack: r.base_pack.clone(),
            draft_pack: r.draft_pack.clone(),
            policies: r.policies,
            out_of_scope: r.out_of_scope,
            not_in_force: r.not_in_force,
            rated: r.rated,
            failed: r.failed,
            failures: r.failures.clone(),
            increased: r.increased,
            decreased: r.decreased,
            unchanged: r.unchanged,
            total: r.total.clone(),
            bands: r.bands.clone(),
            by_coverage: r.by_coverage.clone(),
            by_territory: r.by_territory.clone(),
            largest_increases: r
                .largest_increases
                .iter()
                .map(|c| IncreaseSummary { id: c.id.clone(), change: c.change, change_pct: c.change_pct })
                .collect(),
            repriced: r.repriced.clone(),
        }
    }
}

/// The summary as JSON, for the store and the server.
pub fn impact_summary(report: &ImpactReport) -> serde_json::Value {
    serde_json::to_value(ImpactSummary::from(report)).unwrap_or_default()
}

/// Percent-encodes a query value (policy numbers are letters, digits and `-`,
/// but nothing here assumes it).
pub(crate) fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
