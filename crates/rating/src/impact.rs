//! Impact analysis: what a draft pack does to a book of business.
//!
//! Every policy of the book in the packs' state and product is rated twice,
//! with the base pack and with the draft, by [`rate_by_coverage`], the same
//! pricing code as [`rate`] without the worksheets. The report
//! counts the policies in each percent-change band, sums the premium by
//! coverage and by territory, and keeps the largest increases, which are then
//! rated again in full so their worksheets can be read side by side.
//!
//! The book is split into chunks rated on every core (rayon); each chunk
//! checks the cancel flag before it starts and reports its progress when it
//! ends. Sums are exact (`Decimal`) and independent of the order the chunks
//! finish in, so a run gives the same report every time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::compiled::rate_by_coverage;
use crate::engine::{rate_pair, Rating, Reprice};
use crate::pack::table::Table;
use crate::pack::RatePack;
use crate::quote::{Product, ValidQuote};
use crate::rate;
use crate::variable::Value;

/// One policy of a book: an identifier the user recognises (a policy or
/// quote number) and the rating input in force.
#[derive(Debug, Clone)]
pub struct BookPolicy {
    pub id: String,
    pub quote: ValidQuote,
}

/// The percent-change bands of the histogram: a policy falls in the first
/// band whose upper edge its change does not exceed. The middle band is
/// exactly no change.
const BANDS: [(&str, Option<i64>, Option<i64>); 10] = [
    ("decrease over 10%", None, Some(-10)),
    ("-10% to -5%", Some(-10), Some(-5)),
    ("-5% to -2%", Some(-5), Some(-2)),
    ("-2% to 0%", Some(-2), Some(0)),
    ("no change", Some(0), Some(0)),
    ("0% to +2%", Some(0), Some(2)),
    ("+2% to +5%", Some(2), Some(5)),
    ("+5% to +10%", Some(5), Some(10)),
    ("+10% to +20%", Some(10), Some(20)),
    ("increase over 20%", Some(20), None),
];

/// How many largest increases a report keeps, with both worksheets.
pub const LARGEST_INCREASES: usize = 10;
/// How many failures a report lists (all are counted).
pub const FAILURES_LISTED: usize = 50;
const CHUNK: usize = 4096;

/// What the caller gives a run besides the packs and the book.
pub struct ImpactControl<'a> {
    /// Set from another thread to stop the run; it stops within one chunk.
    pub cancel: &'a AtomicBool,
    /// Called with (policies done, policies in the book) as chunks finish,
    /// from whichever thread finished one.
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
}

impl std::fmt::Debug for ImpactControl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImpactControl").field("cancel", &self.cancel).finish_non_exhaustive()
    }
}

/// Why a run produced no report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImpactError {
    /// The run was cancelled.
    #[error("the impact run was cancelled after {done} of {total} policies")]
    Cancelled { done: u64, total: u64 },
    /// The base and the draft rate different states or products.
    #[error("the base pack rates {base} and the draft {draft}; an impact run compares two packs for the same state and product")]
    DifferentLines { base: String, draft: String },
}

/// A policy that one of the packs could not rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImpactFailure {
    pub id: String,
    /// `base` or `draft`.
    pub pack: String,
    pub message: String,
}

/// Policies and premium in one band, coverage or territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImpactGroup {
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub policies: u64,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub base_premium: Decimal,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub draft_premium: Decimal,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub change: Decimal,
    /// The change as a percentage of the base premium, to two places; none
    /// when the base premium is zero.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub change_pct: Option<Decimal>,
}

/// One of the largest increases, with both ratings in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactCase {
    pub id: String,
    pub base: Rating,
    pub draft: Rating,
    pub change: Decimal,
    pub change_pct: Option<Decimal>,
}

/// The result of an impact run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactReport {
    pub base_pack: String,
    pub draft_pack: String,
    /// Policies in the book.
    pub policies: u64,
    /// Policies of another state or product, left out.
    pub out_of_scope: u64,
    /// Policies not in force (cancelled, expired) that the caller left out
    /// of the book before the run (a rate change prices the book in force);
    /// not counted in `policies`.
    pub not_in_force: u64,
    /// Policies both packs rated; every figure below is over these.
    pub rated: u64,
    /// Policies one of the packs could not rate (listed, up to [`FAILURES_LISTED`]).
    pub failed: u64,
    pub failures: Vec<ImpactFailure>,
    pub increased: u64,
    pub decreased: u64,
    pub unchanged: u64,
    pub total: ImpactGroup,
    /// The histogram, lowest band first; every rated policy is in one band.
    pub bands: Vec<ImpactGroup>,
    /// By coverage code, in the draft's order (then coverages only the base has).
    pub by_coverage: Vec<ImpactGroup>,
    /// By rating territory (the base pack's territory label for the policy's
    /// rating ZIP), largest change first.
    pub by_territory: Vec<ImpactGroup>,
    /// Largest percentage increases first.
    pub largest_increases: Vec<ImpactCase>,
    /// The coverages the draft priced when it changed only those (the others
    /// charge what the base charges, so the run reuses the base's premium);
    /// `None` when every policy was priced with both packs in full.
    pub repriced: Option<Vec<String>>,
}

#[derive(Clone, Default)]
struct Sums {
    policies: u64,
    base: Decimal,
    draft: Decimal,
}

impl Sums {
    fn add(&mut self, base: Decimal, draft: Decimal) {
        self.policies += 1;
        self.base += base;
        self.draft += draft;
    }

    fn merge(&mut self, other: &Sums) {
        self.policies += other.policies;
        self.base += other.base;
        self.draft += other.draft;
    }

    fn group(&self, name: impl Into<String>) -> ImpactGroup {
        let change = self.draft - self.base;
        ImpactGroup {
            name: name.into(),
            policies: self.policies,
            base_premium: self.base,
            draft_premium: self.draft,
            change,
            change_pct: percent(change, self.base),
        }
    }
}

fn percent(change: Decimal, base: Decimal) -> Option<Decimal> {
    if base.is_zero() {
        return None;
    }
    change.checked_mul(Decimal::ONE_HUNDRED).and_then(|c| c.checked_div(base)).map(|p| p.round_dp(2))
}

/// A candidate for the largest increases: ordered by change over base
/// without dividing.
#[derive(Clone)]
struct Increase {
    index: usize,
    base: Decimal,
    change: Decimal,
}

impl Increase {
    /// Whether `self` is a larger percentage increase than `other`; ties go to
    /// the larger amount, then the earlier policy, so the order is total.
    fn beats(&self, other: &Increase) -> bool {
        let (l, r) = (self.change * other.base, other.change * self.base);
        l > r || (l == r && (self.change > other.change || (self.change == other.change && self.index < other.index)))
    }
}

#[derive(Clone)]
struct Partial {
    out_of_scope: u64,
    rated: u64,
    failed: u64,
    failures: Vec<(usize, ImpactFailure)>,
    increased: u64,
    decreased: u64,
    total: Sums,
    bands: Vec<Sums>,
    coverages: Vec<Sums>,
    territories: FxHashMap<Arc<str>, Sums>,
    top: Vec<Increase>,
}

impl Partial {
    fn new(coverages: usize) -> Self {
        Self {
            out_of_scope: 0,
            rated: 0,
            failed: 0,
            failures: Vec::new(),
            increased: 0,
            decreased: 0,
            total: Sums::default(),
            bands: vec![Sums::default(); BANDS.len()],
            coverages: vec![Sums::default(); coverages],
            territories: FxHashMap::default(),
            top: Vec::new(),
        }
    }

    fn offer(&mut self, candidate: Increase) {
        if self.top.len() == LARGEST_INCREASES && !self.top.last().is_some_and(|last| candidate.beats(last)) {
            return;
        }
        let at = self.top.iter().position(|t| candidate.beats(t)).unwrap_or(self.top.len());
        self.top.insert(at, candidate);
        self.top.truncate(LARGEST_INCREASES);
    }

    fn merge(mut self, other: Partial) -> Partial {
        self.out_of_scope += other.out_of_scope;
        self.rated += other.rated;
        self.failed += other.failed;
        self.failures.extend(other.failures);
        self.failures.sort_by_key(|(i, _)| *i);
        self.failures.truncate(FAILURES_LISTED);
        self.increased += other.increased;
        self.decreased += other.decreased;
        self.total.merge(&other.total);
        for (a, b) in self.bands.iter_mut().zip(&other.bands) {
            a.merge(b);
        }
        for (a, b) in self.coverages.iter_mut().zip(&other.coverages) {
            a.merge(b);
        }
        for (name, sums) in other.territories {
            self.territories.entry(name).or_default().merge(&sums);
        }
        for candidate in other.top {
            self.offer(candidate);
        }
        self
    }
}

/// The band a change falls in: compares `change * 100` with `edge * base`,
/// so no division is needed.
fn band_of(change: Decimal, base: Decimal) -> usize {
    if change.is_zero() {
        return 4;
    }
    let scaled = change * Decimal::ONE_HUNDRED;
    let over = |edge: i64| scaled > Decimal::from(edge) * base;
    if change.is_sign_negative() {
        match () {
            () if !over(-10) => 0,
            () if !over(-5) => 1,
            () if !over(-2) => 2,
            () => 3,
        }
    } else {
        match () {
            () if !over(2) => 5,
            () if !over(5) => 6,
            () if !over(10) => 7,
            () if !over(20) => 8,
            () => 9,
        }
    }
}

/// The rating ZIP of a policy: the first vehicle's garaging ZIP, or the
/// dwelling's address.
fn rating_zip(quote: &ValidQuote) -> &str {
    match quote.product {
        Product::PersonalAuto => quote.vehicles.first().map_or(quote.applicant.address.zip.as_str(), |v| v.garaging_zip.as_str()),
        Product::HomeownersHo3 => quote.applicant.address.zip.as_str(),
    }
}

/// The territory a policy is summed under: the label of its rating ZIP's
/// row in the pack's `territory` table (found once per run).
fn territory_of(table: Option<&Table>, quote: &ValidQuote) -> Arc<str> {
    let zip = rating_zip(quote);
    let name = |value: Decimal, label: Option<&Arc<str>>| label.cloned().unwrap_or_else(|| Arc::from(format!("factor {value}").as_str()));
    let found = table.and_then(|t| match t.exact_cell(zip) {
        // An exact table keyed by ZIP: the row itself, no value to build.
        Ok(cell) => cell.map(|c| name(c.value, c.label.as_ref())),
        Err(()) => t.lookup(&[&Value::Text(Arc::from(zip))]).map(|f| name(f.value, f.label.as_ref())),
    });
    found.unwrap_or_else(|| Arc::from("no territory"))
}

/// Re-rates `book` with `base` and `draft` and reports the difference.
pub fn impact(base: &RatePack, draft: &RatePack, book: &[BookPolicy], control: &ImpactControl<'_>) -> Result<ImpactReport, ImpactError> {
    let mut run = ImpactRun::new(base, draft, book.len() as u64)?;
    run.feed(book, control)?;
    Ok(run.finish())
}

/// An impact run fed its book in parts, so a book of any size is re-rated
/// with one part in memory at a time (`uw pack impact` reads its file this
/// way). The report is the one [`impact`] gives for the whole book.
pub struct ImpactRun<'p> {
    base: &'p RatePack,
    draft: &'p RatePack,
    codes: Vec<Arc<str>>,
    base_slots: Vec<usize>,
    draft_slots: Vec<usize>,
    reprice: Option<Reprice>,
    /// The base pack's territory table, by which policies are summed.
    territory: Option<&'p Table>,
    /// Both packs have compiled plans: they price the pair, the quote's
    /// facts encoded once where the plans share them. Otherwise the engine
    /// prices the pair together where [`Reprice`] allows.
    planned: Option<crate::compiled::Sharing>,
    merged: Partial,
    /// The policies of the largest increases so far, by their place in the book.
    kept: Vec<(usize, BookPolicy)>,
    /// Policies fed so far, and how many the caller expects (for progress).
    fed: u64,
    expected: u64,
}

impl std::fmt::Debug for ImpactRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImpactRun")
            .field("base", &self.base.id())
            .field("draft", &self.draft.id())
            .field("fed", &self.fed)
            .finish_non_exhaustive()
    }
}

impl<'p> ImpactRun<'p> {
    /// A run of `draft` against `base`; `expected` is the book's size where
    /// known (progress reports it), else 0.
    pub fn new(base: &'p RatePack, draft: &'p RatePack, expected: u64) -> Result<Self, ImpactError> {
        let (bi, di) = (base.info(), draft.info());
        if bi.state != di.state || bi.product != di.product {
            return Err(ImpactError::DifferentLines {
                base: format!("{} {}", bi.state, bi.product),
                draft: format!("{} {}", di.state, di.product),
            });
        }
        // Coverage codes: the draft's in order, then any only the base has.
        let mut codes: Vec<Arc<str>> = draft.coverages.iter().map(|c| c.code.clone()).collect();
        codes.extend(base.coverages.iter().map(|c| c.code.clone()).filter(|c| !draft.coverages.iter().any(|d| d.code == *c)));
        let slot = |pack: &RatePack| -> Vec<usize> {
            pack.coverages.iter().map(|c| codes.iter().position(|code| *code == c.code).unwrap_or_default()).collect()
        };
        let (base_slots, draft_slots) = (slot(base), slot(draft));
        let reprice = Reprice::between(base, draft);
        let planned = crate::compiled::sharing(base, draft);
        let merged = Partial::new(codes.len());
        Ok(Self {
            base,
            draft,
            codes,
            base_slots,
            draft_slots,
            territory: base.table("territory"),
            planned,
            reprice,
            merged,
            kept: Vec::new(),
            fed: 0,
            expected,
        })
    }

    /// Rates the next policies of the book on every core.
    pub fn feed(&mut self, policies: &[BookPolicy], control: &ImpactControl<'_>) -> Result<(), ImpactError> {
        let first = usize::try_from(self.fed).unwrap_or(usize::MAX);
        let done = AtomicU64::new(self.fed);
        let total = self.expected.max(self.fed + policies.len() as u64);
        let this = &*self;
        let partial = policies
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(chunk_index, chunk)| {
                if control.cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let part = this.rate_chunk(first + chunk_index * CHUNK, chunk);
                let finished = done.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
                (control.progress)(finished, total);
                Some(part)
            })
            .collect::<Vec<Option<Partial>>>();
        let mut merged = std::mem::replace(&mut self.merged, Partial::new(0));
        for part in partial {
            let Some(part) = part else {
                return Err(ImpactError::Cancelled { done: done.load(Ordering::Relaxed), total });
            };
            merged = merged.merge(part);
        }
        self.merged = merged;
        self.fed += policies.len() as u64;
        // Keep the policies behind the largest increases, and only those.
        let top: Vec<usize> = self.merged.top.iter().map(|inc| inc.index).collect();
        self.kept.retain(|(index, _)| top.contains(index));
        for &index in &top {
            if let Some(policy) = index.checked_sub(first).and_then(|i| policies.get(i)) {
                self.kept.push((index, policy.clone()));
            }
        }
        Ok(())
    }

    fn rate_chunk(&self, first: usize, chunk: &[BookPolicy]) -> Partial {
        let (base, draft) = (self.base, self.draft);
        let bi = base.info();
        let mut part = Partial::new(self.codes.len());
        let (mut base_cov, mut draft_cov) = (Vec::new(), Vec::new());
        let mut seen = vec![false; self.codes.len()];
        for (offset, policy) in chunk.iter().enumerate() {
            let index = first + offset;
            let q = &policy.quote;
            if q.state != bi.state || q.product != bi.product {
                part.out_of_scope += 1;
                continue;
            }
            // Priced together when the draft changes only some coverages;
            // a quote that fails is priced again pack by pack, so the
            // failure names the pack that refused it.
            let paired = match self.planned {
                Some(sharing) => crate::compiled::rate_pair_compiled(base, draft, sharing, q, &mut base_cov, &mut draft_cov),
                None => self.reprice.as_ref().and_then(|r| rate_pair(base, draft, r, q, &mut base_cov, &mut draft_cov).ok()),
            };
            let rated = match paired {
                Some(totals) => Ok(totals),
                None => match rate_by_coverage(base, q, &mut base_cov) {
                    Ok(b) => rate_by_coverage(draft, q, &mut draft_cov).map(|d| (b, d)).map_err(|e| ("draft", e.to_string())),
                    Err(e) => Err(("base", e.to_string())),
                },
            };
            let (b, d) = match rated {
                Ok(totals) => totals,
                Err((which, message)) => {
                    part.failed += 1;
                    if part.failures.len() < FAILURES_LISTED {
                        let failure = ImpactFailure { id: policy.id.clone(), pack: which.to_owned(), message };
                        part.failures.push((index, failure));
                    }
                    continue;
                }
            };
            part.rated += 1;
            part.total.add(b, d);
            let change = d - b;
            if change > Decimal::ZERO {
                part.increased += 1;
                part.offer(Increase { index, base: b, change });
            } else if change < Decimal::ZERO {
                part.decreased += 1;
            }
            part.bands[band_of(change, b)].add(b, d);
            for (i, premium) in base_cov.iter().enumerate() {
                let s = &mut part.coverages[self.base_slots[i]];
                s.base += *premium;
            }
            for (i, premium) in draft_cov.iter().enumerate() {
                let s = &mut part.coverages[self.draft_slots[i]];
                s.draft += *premium;
            }
            // A policy counts once under each coverage either pack charges it for.
            seen.fill(false);
            for (i, premium) in base_cov.iter().enumerate() {
                if !premium.is_zero() {
                    seen[self.base_slots[i]] = true;
                }
            }
            for (i, premium) in draft_cov.iter().enumerate() {
                if !premium.is_zero() {
                    seen[self.draft_slots[i]] = true;
                }
            }
            for (s, has) in part.coverages.iter_mut().zip(&seen) {
                s.policies += u64::from(*has);
            }
            part.territories.entry(territory_of(self.territory, q)).or_default().add(b, d);
        }
        part
    }

    /// The report, with the largest increases rated again in full.
    pub fn finish(self) -> ImpactReport {
        let (base, draft) = (self.base, self.draft);
        let merged = self.merged;
        let mut by_territory: Vec<ImpactGroup> = merged.territories.iter().map(|(name, sums)| sums.group(name.as_ref())).collect();
        by_territory.sort_by(|a, b| b.change.abs().cmp(&a.change.abs()).then_with(|| a.name.cmp(&b.name)));
        let largest_increases = merged
            .top
            .iter()
            .filter_map(|inc| {
                let (_, policy) = self.kept.iter().find(|(index, _)| *index == inc.index)?;
                let (b, d) = (rate(base, &policy.quote).ok()?, rate(draft, &policy.quote).ok()?);
                Some(ImpactCase { id: policy.id.clone(), change: inc.change, change_pct: percent(inc.change, inc.base), base: b, draft: d })
            })
            .collect();
        ImpactReport {
            base_pack: base.id().to_owned(),
            draft_pack: draft.id().to_owned(),
            policies: self.fed,
            out_of_scope: merged.out_of_scope,
            not_in_force: 0,
            rated: merged.rated,
            failed: merged.failed,
            failures: merged.failures.into_iter().map(|(_, f)| f).collect(),
            increased: merged.increased,
            decreased: merged.decreased,
            unchanged: merged.rated - merged.increased - merged.decreased,
            total: merged.total.group("total"),
            bands: merged.bands.iter().zip(BANDS).map(|(s, (name, _, _))| s.group(name)).collect(),
            by_coverage: merged.coverages.iter().zip(&self.codes).map(|(s, code)| s.group(code.as_ref())).collect(),
            by_territory,
            largest_increases,
            repriced: self.reprice.map(|r| r.repriced(draft).map(str::to_owned).collect()),
        }
    }
}
