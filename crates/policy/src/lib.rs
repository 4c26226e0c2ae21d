/*!
The quote and policy model, with no IO: quote numbers, the quote status
machine and quote expiry.

**Architecture invariant:** every change of a quote's status goes through
[`QuoteStatus::apply`]. The store records the result; it never writes a status
this module did not produce.
*/

mod quote_number;
mod status;

pub use quote_number::{QuoteNumber, QuoteNumberError};
pub use status::{expiry_date, QuoteEvent, QuoteStatus, StatusError, QUOTE_VALID_DAYS};
