//! The first screen: what is in progress and what waits for the server.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use uw_rating::Product;

use crate::quotes::model::{utc_date, DraftSummary, PolicySummary, QuoteFilter, QuoteSummary};
use crate::{Workstation, WorkstationError};

/// How many recent quotes, drafts and policies the dashboard lists.
const DASHBOARD_ROWS: u32 = 8;

/// A pack installed on this workstation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PackSummary {
    pub pack_id: String,
    pub state: String,
    pub product: Product,
    #[ts(type = "string")]
    pub effective_new_business: Date,
    #[ts(type = "string")]
    pub effective_renewal: Date,
    #[ts(type = "string | null")]
    pub expires: Option<Date>,
    /// In force today for new business.
    pub in_force: bool,
}

/// The first screen: what is in progress and what waits for the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Dashboard {
    pub recent_quotes: Vec<QuoteSummary>,
    pub drafts: Vec<DraftSummary>,
    pub policies: Vec<PolicySummary>,
    /// Outbox entries not yet delivered to the server.
    #[ts(type = "number")]
    pub outbox_pending: u64,
    /// When the server last answered for an outbox entry.
    pub last_delivery_at: Option<String>,
    pub packs: Vec<PackSummary>,
    /// The agent's book in figures and by week.
    pub book: BookStats,
}

/// The book on this workstation in figures, for the agent's dashboard. All
/// of it is local, so it shows offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BookStats {
    /// Unfinished drafts and quotes neither bound nor closed (draft, rated,
    /// referred, approved, waiting to bind).
    pub in_progress: u32,
    /// Open quotes whose 30 days end within a week, soonest first (at most 8).
    pub expiring: Vec<QuoteSummary>,
    /// Quotes waiting for an underwriter.
    pub referrals_waiting: u32,
    /// Quotes bound since the first of this month (UTC).
    pub bound_this_month: u32,
    /// Of the quotes started in the last 90 days and rated, the percentage
    /// bound (a decimal string, one place); `None` when none was rated.
    pub conversion_percent: Option<String>,
    /// The mean premium of those quotes, to the cent (a decimal string).
    pub average_premium: Option<String>,
    /// Quotes started and quotes bound in each of the last eight weeks
    /// (Monday to Sunday), oldest first.
    pub weeks: Vec<WeekStats>,
}

/// One week of the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WeekStats {
    /// The week's Monday.
    #[ts(type = "string")]
    pub starts: Date,
    pub quoted: u32,
    pub bound: u32,
}

impl Workstation {
    /// The dashboard as of `now`. Quotes past their 30 days are marked
    /// expired first, so none shows as open when it cannot be bound.
    pub fn dashboard(&mut self, now: OffsetDateTime) -> Result<Dashboard, WorkstationError> {
        self.expire_quotes(now)?;
        let today = utc_date(now);
        let recent_quotes = self.list_quotes(&QuoteFilter { limit: DASHBOARD_ROWS, ..QuoteFilter::default() })?;
        let mut drafts = self.store.drafts()?;
        let book = self.store.book_stats(today, u32::try_from(drafts.len()).unwrap_or(u32::MAX))?;
        drafts.truncate(DASHBOARD_ROWS as usize);
        let policies = self.store.policies(DASHBOARD_ROWS)?;
        let (outbox_pending, last_delivery_at) = self.store.outbox_status()?;
        let packs = self
            .packs
            .packs()
            .iter()
            .map(|p| {
                let info = p.info();
                PackSummary {
                    pack_id: p.id().to_owned(),
                    state: info.state.clone(),
                    product: info.product,
                    effective_new_business: info.effective_new_business,
                    effective_renewal: info.effective_renewal,
                    expires: info.expires,
                    in_force: info.in_force(today, false),
                }
            })
            .collect();
        Ok(Dashboard { recent_quotes, drafts, policies, outbox_pending, last_delivery_at, packs, book })
    }
}
