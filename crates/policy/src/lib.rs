/*!
The quote and policy model, with no IO: quote numbers, the quote status
machine and quote expiry; and a policy's life after bind (endorse, cancel,
reinstate, offer a renewal, renew, non-renew) with the money each moves.

**Architecture invariant:** every change of a quote's status goes through
[`QuoteStatus::apply`], and every change of a policy goes through
[`Policy::apply`]. The stores record the results; they never write a status
or an amount this crate did not produce.

**Money:** [`rust_decimal::Decimal`] throughout; each transaction rounds once,
to the cent, half away from zero ([`round_money`]). The rules and the worked
examples are in `docs/policy-lifecycle.md`.

**Canonical policy model and legacy import:** [`CanonicalPolicy`] (module
`canonical`) is a policy as this system keeps it whatever system it came
from: number, status, term, the old system's premium, and the rating input
(`uw_rating::Quote`). Version 1 is frozen (`docs/canonical-policy-model.md`);
a book of them is JSON Lines ([`write_book`], [`read_book`]). The `legacy`
module imports a legacy system's CSV dump through a TOML [`Mapping`]
([`import`], `docs/legacy-import.md`): every row is accepted or rejected with
all its problems ([`Reject`], [`write_rejects`]), and a [`QualityReport`]
counts completeness and invalid values per field. Files are read and written
only through the `std::io` readers and writers the caller passes in.
*/

mod canonical;
mod error;
mod legacy;
mod lifecycle;
mod proration;
mod quote_number;
mod routing;
mod rules;
mod status;

pub use canonical::{read_book, write_book, BookError, BookReader, CanonicalPolicy, CanonicalStatus, MODEL_VERSION};
pub use error::LifecycleError;
pub use legacy::{
    import, write_rejects, FieldQuality, Import, ImportError, Mapping, MappingError, MissingColumn, Problem, ProblemKind, QualityReport,
    Reject, MAPPING_VERSION, RECORD,
};
pub use lifecycle::{
    Applied, CancelMethod, Cancellation, Charge, NonRenewal, Policy, PolicyStatus, RenewalOffer, Transaction, TransactionKind, Worksheet,
    WorksheetLine,
};
pub use proration::{
    add_months, pro_rata_return, prorate, round_money, short_rate_retained, short_rate_return, term_fraction, ProrationMethod, ShortRate,
    Term,
};
pub use quote_number::{QuoteNumber, QuoteNumberError};
pub use routing::{
    decision_name, duplicate_numbers, valid_name, Check, Destination, Quality, Rated, Routed, RoutingError, Rule, Rules, ROUTING_VERSION,
};
pub use rules::{product_rules, CancelReason, NonRenewalReason, NoticeDays, ProductRules, INSURED_BACKDATE_DAYS, RENEWAL_OFFER_DAYS};
pub use status::{expiry_date, QuoteEvent, QuoteStatus, StatusError, QUOTE_VALID_DAYS};
