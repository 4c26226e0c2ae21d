//! PDF documents: the quote proposal a field agent hands a customer, and the policy's
//! documents: declarations (new business, endorsement, renewal), auto ID cards and the
//! cancellation and non-renewal notices.
//!
//! A pure library: [`proposal_pdf`], [`declarations_pdf`], [`id_cards_pdf`] and
//! [`notice_pdf`] turn plain data into PDF bytes and do no other IO.
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
mod parts;
mod pdf;
mod policy;
mod proposal;

pub use money::{format_deductible, format_limit, format_money, MoneyError};
use rust_decimal::Decimal;
use time::Date;

/// The insurer that issues a document, as its organisation's server says:
/// printed on proposals, declarations and notices, and named on ID cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// "Prairie Mutual Insurance Company".
    pub legal_name: String,
    /// The mailing address, a line each.
    pub address: Vec<String>,
    /// The NAIC company code, five digits.
    pub naic_code: Option<String>,
    pub phone: Option<String>,
    /// The agency that wrote the business, printed after the insurer:
    /// "Buckeye Insurance Agency, LLC".
    pub agency: Option<String>,
}

/// A homeowners property coverage and its limit: "B", "Other structures",
/// $35,000.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyLimit {
    pub letter: String,
    pub name: String,
    /// Whole dollars.
    pub limit: Decimal,
}

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
    /// The insurer; `None` when the workstation has not learnt it yet (the
    /// proposal then says so).
    pub issuer: Option<Issuer>,
    pub drivers: Vec<ProposalDriver>,
    /// One line per vehicle: "2020 Honda Civic, VIN ••••••••••••12345".
    pub vehicles: Vec<String>,
    /// The insured dwelling, for property products.
    pub dwelling: Option<String>,
    /// Homeowners: Coverages A to D with their limits; empty otherwise.
    pub property_limits: Vec<PropertyLimit>,
    /// Florida: the hurricane deductible in dollars, as on the declarations.
    pub hurricane_deductible: Option<HurricaneDeductible>,
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

/// A policy's declarations page: what is insured, for how much, for what premium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declarations {
    pub kind: DeclarationsKind,
    /// "CA-PA-2026-000042".
    pub policy_number: String,
    /// The document date.
    pub issued_on: Date,
    pub product: String,
    pub state: String,
    pub term_start: Date,
    /// The day the term ends (coverage ends at 12:01 a.m. that day).
    pub term_end: Date,
    pub insured_name: String,
    pub insured_address: Vec<String>,
    /// The insurer; `None` when the workstation has not learnt it yet.
    pub issuer: Option<Issuer>,
    pub drivers: Vec<ProposalDriver>,
    /// One line per vehicle, VIN masked by the caller.
    pub vehicles: Vec<String>,
    pub dwelling: Option<String>,
    /// Homeowners: Coverages A to D with their limits; empty otherwise.
    pub property_limits: Vec<PropertyLimit>,
    /// Florida: the hurricane deductible in dollars, as the statute requires.
    pub hurricane_deductible: Option<HurricaneDeductible>,
    pub coverages: Vec<ProposalCoverage>,
    /// (discount, what it applied to): ("Good driver 20%", "Bodily injury, Collision").
    pub discounts: Vec<(String, String)>,
    pub fees: Vec<(String, Decimal)>,
    /// The premium for the whole term, as given.
    pub total: Decimal,
    pub installments: Vec<(String, Decimal)>,
    pub pack_id: String,
    pub notices: Vec<String>,
}

/// Which declarations: the first, an endorsement's amended ones, or a renewal's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclarationsKind {
    NewBusiness,
    Endorsement(EndorsementChange),
    Renewal,
}

/// What an endorsement changed and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndorsementChange {
    /// The policy version the endorsement made.
    pub version: u32,
    pub effective: Date,
    pub description: String,
    /// Charged (positive) or returned (negative) for the rest of the term.
    pub amount: Decimal,
    /// The premium charged for the term so far, after this endorsement.
    pub written_premium: Decimal,
}

/// A hurricane deductible: the percentage (or amount) chosen and its dollars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HurricaneDeductible {
    /// "2%".
    pub basis: String,
    pub amount: Decimal,
}

/// Auto ID cards, two to a Letter page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCards {
    pub policy_number: String,
    pub issued_on: Date,
    /// The company, as the card names it.
    pub insurer: String,
    /// Its NAIC company code, printed beside its name.
    pub naic_code: Option<String>,
    /// The agency that wrote the policy, printed under the insurer.
    pub agency: Option<String>,
    pub insured_name: String,
    pub term_start: Date,
    pub term_end: Date,
    /// A card per vehicle.
    pub cards: Vec<IdCard>,
    /// The small print on each card.
    pub notice: String,
}

/// One vehicle's card. The VIN is shown in full: the card identifies the car.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCard {
    /// The state whose card this is.
    pub state: String,
    /// "2020 Honda Civic".
    pub vehicle: String,
    pub vin: String,
}

/// A cancellation or non-renewal notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub policy_number: String,
    pub product: String,
    pub state: String,
    pub mailed_on: Date,
    /// When coverage ends.
    pub effective: Date,
    pub insured_name: String,
    pub insured_address: Vec<String>,
    /// The insurer giving the notice; `None` when the workstation has not learnt it yet.
    pub issuer: Option<Issuer>,
    /// "CX-NP".
    pub reason_code: String,
    pub reason: String,
    /// The notice given, in days; 0 for the insured's own request.
    pub notice_days: i64,
    /// The statute that sets the notice.
    pub authority: String,
    /// For a cancellation: the premium returned.
    pub refund: Option<Refund>,
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Cancellation,
    NonRenewal,
}

impl NoticeKind {
    pub const fn slug(self) -> &'static str {
        match self {
            Self::Cancellation => "cancellation",
            Self::NonRenewal => "non-renewal",
        }
    }
}

/// The premium a cancellation returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// "pro rata", "short rate: 90% of pro rata", "flat".
    pub method: String,
    pub returned: Decimal,
    pub penalty: Decimal,
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
    /// The document would have nothing to show.
    #[error("{document} need at least one {what}")]
    Empty { document: &'static str, what: &'static str },
    /// printpdf or its PDF writer reported a failure.
    #[error("writing the PDF failed: {0}")]
    Pdf(String),
}

/// Renders the quote proposal as a PDF.
pub fn proposal_pdf(p: &Proposal) -> Result<Vec<u8>, DocumentError> {
    proposal::render(p)
}

/// Renders a declarations page (new business, endorsement or renewal).
pub fn declarations_pdf(d: &Declarations) -> Result<Vec<u8>, DocumentError> {
    policy::declarations(d)
}

/// Renders auto ID cards, two per Letter page.
pub fn id_cards_pdf(cards: &IdCards) -> Result<Vec<u8>, DocumentError> {
    policy::id_cards(cards)
}

/// Renders a cancellation or non-renewal notice.
pub fn notice_pdf(n: &Notice) -> Result<Vec<u8>, DocumentError> {
    policy::notice(n)
}
