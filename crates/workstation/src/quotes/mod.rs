//! Quotes: the quote model and its input, the quoting services (rate, save,
//! re-rate, bind, proposals), the wizard's options and drafts, and the quick
//! quote.

mod drafts;
pub(crate) mod model;
mod options;
mod quick;
mod service;

pub use model::{
    AuditEvent, Contact, DraftSummary, DriverLicense, PolicySummary, QuoteCursor, QuoteDetail, QuoteDraft, QuoteFilter, QuoteInput,
    QuoteSummary, RatedQuote, RatingInfo, ValidInput, VersionInfo, MAX_DRAFT_BYTES,
};
pub use options::{CoverageOption, ElectionOption, PlanOption, QuoteOptions, Recommendation, VinInfo, ZipInfo};
pub use quick::{QuickQuoteRequest, QuoteOutcome, QUICK_QUOTE_ASSUMPTIONS};
pub use service::QuoteScreen;
pub(crate) use service::{hurricane, property_limits, proposal_document};
