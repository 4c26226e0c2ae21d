//! PDF documents: for now the quote proposal a field agent hands a customer.
//!
//! A pure library: [`proposal_pdf`] turns plain data into PDF bytes and does no other IO.
//! It depends on no other workspace crate; callers map their quote into a [`Proposal`].
//!
//! - **Layout**: US Letter, three-quarter-inch margins, tables that flow onto further
//!   pages (repeating their header), a footer with "Page X of Y" and the rate pack id.
//! - **Fonts**: DejaVu Sans and DejaVu Sans Bold are compiled in (`fonts/`, licence in
//!   `fonts/LICENSE`) and embedded as subsets of the glyphs the document uses, so the
//!   proposal looks the same everywhere and stays small. Text with a character DejaVu
//!   Sans has no glyph for is refused ([`DocumentError::UnsupportedCharacter`]) rather
//!   than printed as empty boxes.
//! - **Money** is [`Decimal`] throughout and formatted with integer arithmetic by
//!   [`format_money`]; an amount with fractions of a cent is an error, never rounded here.
//! - **Deterministic**: the same [`Proposal`] always gives byte-identical PDFs. The
//!   document dates come from [`Proposal::prepared_on`], the font resource names and
//!   subset tags are fixed or derived from the content, and the trailer `/ID` (random in
//!   printpdf) is replaced by a hash of the document.

mod font;
mod layout;
mod money;
mod pdf;
mod proposal;

pub use money::{format_money, MoneyError};
use rust_decimal::Decimal;
use time::Date;

/// Everything a quote proposal shows. Plain data; the caller masks what must be masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// "QUOT-2026-000123".
    pub quote_number: String,
    pub version: u32,
    pub prepared_on: Date,
    /// The last day the quote may be bound.
    pub valid_until: Date,
    /// "Personal auto", "Homeowners (HO-3)".
    pub product: String,
    /// The state the policy is written in, as it should be shown ("OH" or "Ohio").
    pub state: String,
    pub effective_date: Date,
    pub term_months: u32,
    pub insured_name: String,
    /// The mailing address, a line each.
    pub insured_address: Vec<String>,
    pub drivers: Vec<ProposalDriver>,
    /// One line per vehicle: "2020 Honda Civic, VIN ••••••••••••12345".
    pub vehicles: Vec<String>,
    /// The insured dwelling, for property products.
    pub dwelling: Option<String>,
    pub coverages: Vec<ProposalCoverage>,
    /// Fees charged on top of the coverage premiums: (description, amount).
    pub fees: Vec<(String, Decimal)>,
    /// The total for the term, shown as given: the renderer does not add it up.
    pub total: Decimal,
    /// The payment schedule: ("Due at signing", 300.00), ...
    pub installments: Vec<(String, Decimal)>,
    /// The rate pack that priced the quote, shown in the footer's small print.
    pub pack_id: String,
    /// State notices, underwriting conditions, "This is a proposal, not a policy...".
    /// A newline in a notice starts a new paragraph.
    pub notices: Vec<String>,
}

/// A driver as the proposal shows one: no date of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDriver {
    pub name: String,
    /// The licence number, already masked by the caller ("•••• 1234"): shown as given.
    pub license: String,
}

/// One line of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalCoverage {
    pub description: String,
    /// "$100,000 / $300,000"; `None` shows a dash.
    pub limit: Option<String>,
    /// "$500"; `None` shows a dash.
    pub deductible: Option<String>,
    pub premium: Decimal,
}

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// An amount could not be shown as dollars and cents; `field` says which.
    #[error("{field}: {source}")]
    Money {
        field: String,
        #[source]
        source: MoneyError,
    },
    /// `text` has a character the embedded font has no glyph for.
    #[error("character {character:?} (U+{:04X}) in {text:?} is not in the embedded font {font}", u32::from(*.character))]
    UnsupportedCharacter { character: char, font: &'static str, text: String },
    /// A compiled-in font could not be read.
    #[error("embedded font {font} could not be read: {reason}")]
    Font { font: &'static str, reason: String },
    /// A font could not be cut down to the glyphs the document uses.
    #[error("subsetting the embedded font {font} failed: {reason}")]
    FontSubset { font: &'static str, reason: String },
    /// printpdf or its PDF writer reported a failure.
    #[error("writing the PDF failed: {0}")]
    Pdf(String),
}

/// Renders the quote proposal as a PDF.
pub fn proposal_pdf(p: &Proposal) -> Result<Vec<u8>, DocumentError> {
    proposal::render(p)
}
