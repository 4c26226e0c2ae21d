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
}

impl Workstation {
    /// The dashboard as of `now`. Quotes past their 30 days are marked
    /// expired first, so none shows as open when it cannot be bound.
    pub fn dashboard(&mut self, now: OffsetDateTime) -> Result<Dashboard, WorkstationError> {
        self.expire_quotes(now)?;
        let today = utc_date(now);
        let recent_quotes = self.list_quotes(&QuoteFilter { limit: DASHBOARD_ROWS, ..QuoteFilter::default() })?;
        let mut drafts = self.store.drafts()?;
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
        Ok(Dashboard { recent_quotes, drafts, policies, outbox_pending, last_delivery_at, packs })
    }
}
