//! What the agent enters and what the store reports back about quotes.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uw_policy::QuoteStatus;
use uw_rating::{InputError, InputErrors, Product, Quote, Rating, ValidQuote};

use crate::pii::{mask_tail, Redacted};

/// A quote as the agent enters it: the rating input (whose applicant is the
/// customer) and the personal details the engine does not rate on.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    pub quote: Quote,
    #[serde(default)]
    pub contact: Contact,
    /// Each driver's licence, by position in `quote.drivers`; may be shorter
    /// than the driver list while the agent is still collecting them.
    #[serde(default)]
    pub licenses: Vec<Option<DriverLicense>>,
}

/// How to reach the customer. All optional at quote time.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    #[ts(type = "string | null")]
    pub date_of_birth: Option<Date>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A driver's licence: PII, shown masked to its last four characters.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DriverLicense {
    pub number: String,
    /// Two-letter state that issued it.
    pub state: String,
}

impl DriverLicense {
    /// `••••4567`.
    pub fn masked(&self) -> String {
        mask_tail(&self.number)
    }
}

impl fmt::Debug for DriverLicense {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriverLicense").field("number", &self.masked()).field("state", &self.state).finish()
    }
}

impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let given = |o: bool| if o { Some(Redacted) } else { None };
        f.debug_struct("Contact")
            .field("date_of_birth", &given(self.date_of_birth.is_some()))
            .field("email", &given(self.email.is_some()))
            .field("phone", &given(self.phone.is_some()))
            .finish()
    }
}

impl fmt::Debug for QuoteInput {
    /// Only what is not personal: product, state, dates and counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuoteInput")
            .field("product", &self.quote.product)
            .field("state", &self.quote.state)
            .field("effective_date", &self.quote.effective_date)
            .field("drivers", &self.quote.drivers.len())
            .field("vehicles", &self.quote.vehicles.len())
            .field("dwelling", &self.quote.dwelling.is_some())
            .field("coverages", &self.quote.coverages.len())
            .field("applicant", &Redacted)
            .finish_non_exhaustive()
    }
}

/// A [`QuoteInput`] that passed [`QuoteInput::validate`].
#[derive(Clone, PartialEq, Eq)]
pub struct ValidInput {
    pub(crate) quote: ValidQuote,
    pub(crate) contact: Contact,
    pub(crate) licenses: Vec<Option<DriverLicense>>,
}

impl fmt::Debug for ValidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidInput").field("product", &self.quote.product).field("state", &self.quote.state).finish_non_exhaustive()
    }
}

impl ValidInput {
    pub fn quote(&self) -> &ValidQuote {
        &self.quote
    }

    pub fn into_input(self) -> QuoteInput {
        QuoteInput { quote: self.quote.into_inner(), contact: self.contact, licenses: self.licenses }
    }
}

impl QuoteInput {
    /// Checks the rating input and the personal details, reporting every
    /// problem with its path.
    pub fn validate(self) -> Result<ValidInput, InputErrors> {
        let mut problems = Vec::new();
        let mut push = |path: String, message: &str| problems.push(InputError { path, message: message.to_owned() });
        if let Some(email) = &self.contact.email {
            let ok = email.len() <= 254
                && email
                    .split_once('@')
                    .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'))
                && !email.chars().any(char::is_whitespace);
            if !ok {
                push("contact.email".into(), "is not an email address");
            }
        }
        if let Some(phone) = &self.contact.phone {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
            if !allowed || !(10..=15).contains(&digits) || phone.len() > 20 {
                push("contact.phone".into(), "is not a phone number (10 to 15 digits)");
            }
        }
        if let Some(dob) = self.contact.date_of_birth {
            if dob >= self.quote.effective_date {
                push("contact.date_of_birth".into(), "is not before the effective date");
            }
        }
        if self.licenses.len() > self.quote.drivers.len() {
            push("licenses".into(), &format!("has {} entries for {} drivers", self.licenses.len(), self.quote.drivers.len()));
        }
        for (i, license) in self.licenses.iter().enumerate() {
            let Some(license) = license else { continue };
            if !(4..=20).contains(&license.number.len()) || !license.number.bytes().all(|b| b.is_ascii_alphanumeric()) {
                push(format!("licenses[{i}].number"), "must be 4 to 20 letters and digits");
            }
            if license.state.len() != 2 || !license.state.bytes().all(|b| b.is_ascii_uppercase()) {
                push(format!("licenses[{i}].state"), "must be a two-letter state code");
            }
        }
        match self.quote.validate() {
            Ok(quote) if problems.is_empty() => Ok(ValidInput { quote, contact: self.contact, licenses: self.licenses }),
            Ok(_) => Err(InputErrors(problems)),
            Err(InputErrors(mut rating)) => {
                rating.iter_mut().for_each(|e| e.path = format!("quote.{}", e.path));
                rating.extend(problems);
                Err(InputErrors(rating))
            }
        }
    }
}

/// A quote as lists show it.
#[derive(Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QuoteSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub quote_number: String,
    #[ts(type = "number")]
    pub customer_id: i64,
    pub customer_name: String,
    pub product: Product,
    pub state: String,
    #[ts(type = "string")]
    pub effective_date: Date,
    pub status: QuoteStatus,
    pub version: u32,
    /// The latest rating's total, once rated.
    #[ts(type = "string | null")]
    pub premium: Option<Decimal>,
    #[ts(type = "string | null")]
    pub rated_on: Option<Date>,
    /// The first day the quote is expired, once rated.
    #[ts(type = "string | null")]
    pub expires_on: Option<Date>,
    pub created_at: String,
    pub updated_at: String,
}

impl fmt::Debug for QuoteSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuoteSummary")
            .field("id", &self.id)
            .field("quote_number", &self.quote_number)
            .field("customer_name", &Redacted)
            .field("status", &self.status)
            .field("version", &self.version)
            .field("premium", &self.premium)
            .finish_non_exhaustive()
    }
}

/// Where a page of a list ends; pass it back to get the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct QuoteCursor {
    pub updated_at: String,
    #[ts(type = "number")]
    pub id: i64,
}

impl QuoteSummary {
    /// The cursor for the page after this quote.
    pub fn cursor(&self) -> QuoteCursor {
        QuoteCursor { updated_at: self.updated_at.clone(), id: self.id }
    }
}

/// Which quotes to list, most recently changed first.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct QuoteFilter {
    /// A quote number (or its beginning, `QUOT-2026-0001`), or words that
    /// begin the customer's names (`ann smi`).
    pub text: Option<String>,
    pub status: Option<QuoteStatus>,
    /// Started on or after / on or before (UTC dates).
    #[ts(type = "string | null")]
    pub created_from: Option<Date>,
    #[ts(type = "string | null")]
    pub created_to: Option<Date>,
    /// Effective on or after / on or before.
    #[ts(type = "string | null")]
    pub effective_from: Option<Date>,
    #[ts(type = "string | null")]
    pub effective_to: Option<Date>,
    /// Continue after this quote.
    pub after: Option<QuoteCursor>,
    /// At most this many (1 to 500).
    pub limit: u32,
}

impl Default for QuoteFilter {
    fn default() -> Self {
        Self {
            text: None,
            status: None,
            created_from: None,
            created_to: None,
            effective_from: None,
            effective_to: None,
            after: None,
            limit: 50,
        }
    }
}

impl fmt::Debug for QuoteFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Search text may be a customer's name.
        f.debug_struct("QuoteFilter")
            .field("text", &self.text.as_ref().map(|_| Redacted))
            .field("status", &self.status)
            .field("created_from", &self.created_from)
            .field("created_to", &self.created_to)
            .field("effective_from", &self.effective_from)
            .field("effective_to", &self.effective_to)
            .field("after", &self.after)
            .field("limit", &self.limit)
            .finish()
    }
}

/// One saved version of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct VersionInfo {
    pub version: u32,
    pub created_at: String,
    /// The rating of this version, if it was rated.
    pub rating: Option<RatingInfo>,
}

/// What the store keeps of a rating besides the worksheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RatingInfo {
    pub pack_id: String,
    pub pack_digest: String,
    #[ts(type = "string")]
    pub total: Decimal,
    pub decision: String,
    pub rated_at: String,
}

/// A quote with its current input and every version.
#[derive(Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QuoteDetail {
    pub summary: QuoteSummary,
    pub input: QuoteInput,
    pub versions: Vec<VersionInfo>,
}

impl fmt::Debug for QuoteDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuoteDetail").field("summary", &self.summary).field("input", &self.input).field("versions", &self.versions).finish()
    }
}

/// A local audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AuditEvent {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub action: String,
    pub subject: String,
    #[ts(type = "unknown")]
    pub details: serde_json::Value,
}

/// An instant as the store writes it: UTC, milliseconds, `Z`.
pub(crate) fn instant_text(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// The UTC calendar day of an instant.
pub(crate) fn utc_date(at: OffsetDateTime) -> Date {
    at.to_offset(time::UtcOffset::UTC).date()
}

/// The largest form a draft holds, in bytes of JSON.
pub const MAX_DRAFT_BYTES: usize = 262_144;

/// The wizard's form as the agent left it. It need not be a valid quote.
#[derive(Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct QuoteDraft {
    /// The quote this draft edits (its next version), or `None` for a new quote.
    #[ts(type = "number | null")]
    pub quote_id: Option<i64>,
    pub product: Product,
    /// The wizard step the agent was on, 1 to 5.
    pub step: u8,
    /// What lists show: the customer's name as typed so far.
    pub label: String,
    /// The form's fields, as the UI keeps them.
    #[ts(type = "Record<string, unknown>")]
    pub form: serde_json::Value,
}

impl fmt::Debug for QuoteDraft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuoteDraft")
            .field("quote_id", &self.quote_id)
            .field("product", &self.product)
            .field("step", &self.step)
            .field("label", &Redacted)
            .finish_non_exhaustive()
    }
}

/// A draft as lists show it.
#[derive(Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DraftSummary {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub quote_id: Option<i64>,
    pub product: Product,
    pub step: u8,
    pub label: String,
    pub created_at: String,
    pub updated_at: String,
}

impl fmt::Debug for DraftSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DraftSummary")
            .field("id", &self.id)
            .field("quote_id", &self.quote_id)
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

/// A policy as the server last reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PolicySummary {
    pub policy_number: String,
    pub quote_number: Option<String>,
    pub status: String,
    pub version: u32,
    pub effective_date: String,
    pub expiration_date: String,
    /// Decimal text.
    pub premium: String,
}

/// A quote just rated: its summary and the full rating with its worksheet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RatedQuote {
    pub summary: QuoteSummary,
    pub rating: Rating,
}
