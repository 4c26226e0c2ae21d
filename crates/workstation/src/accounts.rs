//! Accounts and search: the person behind the quotes, and finding anything
//! from one box.
//!
//! Each quote keeps its own customer row, the applicant as that quote was
//! written, so an edit to one quote never rewrites another's documents. An
//! **account** is the person behind several rows: rows with the same name
//! (ignoring case and outer spaces) whose dates of birth agree where both
//! have one, and whose street and ZIP agree where either lacks one. Two
//! "John Smith"s born on different days stay two accounts; a home quote
//! with no date of birth joins the auto quote at the same address.
//!
//! The account is computed from an anchor row, never stored, so nothing has
//! to be merged or split when a quote changes; the rule is the one an agent
//! would apply looking at the rows.

use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;
use uw_rating::Product;

use crate::quotes::{AuditEvent, PolicySummary, QuoteSummary};
use crate::{Workstation, WorkstationError};

/// The longest note an agent may keep on a customer, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;

/// What the global search found, each group best first and short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SearchResults {
    /// People whose name matches every word typed (each word a name's prefix).
    pub customers: Vec<CustomerHit>,
    /// Quotes by number, or by the customer's name.
    pub quotes: Vec<QuoteSummary>,
    /// Policies by number.
    pub policies: Vec<PolicyHit>,
    /// Vehicles whose VIN starts or ends with what was typed (six characters or more).
    pub vehicles: Vec<VehicleHit>,
}

/// One account in the search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerHit {
    /// The account's newest customer row: open the account with it.
    #[ts(type = "number")]
    pub customer_id: i64,
    pub name: String,
    pub city: String,
    pub state: String,
    pub quotes: u32,
    pub policies: u32,
    /// The products the person has a quote or policy for.
    pub products: Vec<Product>,
}

/// A policy in the search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyHit {
    pub policy_number: String,
    pub customer_name: Option<String>,
    #[ts(type = "number | null")]
    pub customer_id: Option<i64>,
    pub status: String,
    pub effective_date: String,
}

/// A vehicle in the search results, with the quote that lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VehicleHit {
    pub vin: String,
    pub year: i32,
    pub make: String,
    pub model: String,
    #[ts(type = "number")]
    pub quote_id: i64,
    pub quote_number: String,
    pub customer_name: String,
}

/// A person's account: who they are, everything they have with us, what
/// the agent noted and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerRecord {
    /// The row the account was opened from.
    #[ts(type = "number")]
    pub customer_id: i64,
    /// Name, address and contact from the newest row.
    #[serde(flatten)]
    #[ts(flatten)]
    pub person: Person,
    pub quotes: Vec<QuoteSummary>,
    pub policies: Vec<PolicySummary>,
    pub notes: Vec<CustomerNote>,
    /// What happened to the account's quotes and policies, newest first (at most 50).
    pub activity: Vec<AuditEvent>,
    /// The product the person could add for a multi-policy discount: home
    /// when they only have auto, auto when they only have home.
    pub opportunity: Option<Product>,
}

/// A note the agent kept on a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerNote {
    #[ts(type = "number")]
    pub id: i64,
    pub body: String,
    pub author: Option<String>,
    pub created_at: String,
}

/// A customer row as the account rule reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PersonRow {
    pub id: i64,
    pub person: Person,
    pub updated_at: String,
}

/// Who a customer is and how to reach them, as a customer row records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Person {
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub date_of_birth: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl PersonRow {
    /// Whether `other` is the same person as this row (see the module's rule).
    pub(crate) fn same_person(&self, other: &PersonRow) -> bool {
        let (this, other) = (&self.person, &other.person);
        if normal(&this.name) != normal(&other.name) {
            return false;
        }
        match (&this.date_of_birth, &other.date_of_birth) {
            (Some(a), Some(b)) => a == b,
            _ => normal(&this.street) == normal(&other.street) && this.zip == other.zip,
        }
    }
}

/// Lower case, words separated by single spaces.
fn normal(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// The product missing from `products` when exactly one of the two is there.
pub(crate) fn opportunity(products: &[Product]) -> Option<Product> {
    let auto = products.contains(&Product::PersonalAuto);
    let home = products.contains(&Product::HomeownersHo3);
    match (auto, home) {
        (true, false) => Some(Product::HomeownersHo3),
        (false, true) => Some(Product::PersonalAuto),
        _ => None,
    }
}

impl Workstation {
    /// Searches customers, quotes, policies and VINs for `text`: a quote
    /// number (`QUOT-…`), a policy number (`POL-…`), six or more characters
    /// of a VIN, or words that begin the customer's names. Each group holds
    /// at most `per_group` results (1 to 50).
    pub fn search(&self, text: &str, per_group: u32) -> Result<SearchResults, WorkstationError> {
        if !(1..=50).contains(&per_group) {
            return Err(WorkstationError::InvalidInput { field: "per_group".into(), message: format!("{per_group} is outside 1 to 50") });
        }
        let text = text.trim();
        if text.chars().count() > 100 {
            return Err(WorkstationError::InvalidInput { field: "text".into(), message: "search for at most 100 characters".into() });
        }
        Ok(self.store.search(text, per_group)?)
    }

    /// The account of the person on customer row `customer_id`.
    pub fn customer_record(&self, customer_id: i64) -> Result<CustomerRecord, WorkstationError> {
        Ok(self.store.customer_record(customer_id)?)
    }

    /// Keeps a note on the customer; the note is signed with the enrolled
    /// user's name when there is one. Returns the account as it now stands.
    pub fn add_customer_note(&mut self, customer_id: i64, body: &str, now: OffsetDateTime) -> Result<CustomerRecord, WorkstationError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(WorkstationError::InvalidInput { field: "note".into(), message: "write the note first".into() });
        }
        if body.chars().count() > MAX_NOTE_CHARS {
            return Err(WorkstationError::InvalidInput {
                field: "note".into(),
                message: format!("a note holds at most {MAX_NOTE_CHARS} characters"),
            });
        }
        let author = self.store.sync_enrollment()?.map(|e| e.user.username);
        self.store.add_customer_note(customer_id, body, author.as_deref(), now)?;
        self.customer_record(customer_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, dob: Option<&str>, street: &str, zip: &str) -> PersonRow {
        PersonRow {
            id: 1,
            person: Person {
                name: name.into(),
                street: street.into(),
                city: "Fresno".into(),
                state: "CA".into(),
                zip: zip.into(),
                date_of_birth: dob.map(Into::into),
                email: None,
                phone: None,
            },
            updated_at: String::new(),
        }
    }

    #[test]
    fn the_same_name_and_birthday_is_one_person_wherever_they_live() {
        let a = row("Maria Delgado", Some("1985-03-02"), "1 Oak St", "93701");
        let b = row("  maria   DELGADO ", Some("1985-03-02"), "9 Elm Ave", "93650");
        assert!(a.same_person(&b));
    }

    #[test]
    fn different_birthdays_are_different_people_even_at_one_address() {
        let father = row("John Smith", Some("1960-01-01"), "1 Oak St", "93701");
        let son = row("John Smith", Some("1990-01-01"), "1 Oak St", "93701");
        assert!(!father.same_person(&son));
    }

    #[test]
    fn without_a_birthday_the_address_decides() {
        let auto = row("Ann Lee", Some("1980-05-05"), "12 Pine Rd", "93701");
        let home = row("Ann Lee", None, "12  pine rd", "93701");
        let elsewhere = row("Ann Lee", None, "12 Pine Rd", "93702");
        assert!(auto.same_person(&home));
        assert!(!auto.same_person(&elsewhere));
        assert!(!row("Ann Leigh", None, "12 Pine Rd", "93701").same_person(&home));
    }

    #[test]
    fn the_opportunity_is_the_product_missing_beside_the_other() {
        assert_eq!(opportunity(&[Product::PersonalAuto]), Some(Product::HomeownersHo3));
        assert_eq!(opportunity(&[Product::HomeownersHo3, Product::HomeownersHo3]), Some(Product::PersonalAuto));
        assert_eq!(opportunity(&[Product::PersonalAuto, Product::HomeownersHo3]), None);
        assert_eq!(opportunity(&[]), None);
    }
}
