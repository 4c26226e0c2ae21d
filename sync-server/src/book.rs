//! The in-force book for impact analysis: each policy's number and the rating
//! input in force (the latest endorsement's, else the bound quote's), paged
//! by policy number. Underwriters only: the book is every agent's business.
//!
//! **PII:** only the quote travels (no contact details or license numbers),
//! and the names and street in it are withheld: rating reads neither.

use uw_protocol::{BookEntry, BookPage, Role};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::storage::{args, TxMode};
use crate::AppState;

/// The most policies one page carries.
pub const MAX_BOOK_PAGE: u64 = 5_000;

/// One page of the in-force book of `state` and `product`, after policy number `after`.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    us_state: &str,
    product: &str,
    after: Option<&str>,
    limit: Option<u64>,
) -> Result<BookPage, ApiError> {
    caller.require(&[Role::Underwriter])?;
    if us_state.len() != 2 || !us_state.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::bad_request("book.state", format!("state: `{us_state}` is not a two-letter state code such as CA")));
    }
    if product.is_empty() {
        return Err(ApiError::bad_request("book.product", "product: name the product, e.g. personal-auto"));
    }
    let limit = limit.unwrap_or(MAX_BOOK_PAGE).clamp(1, MAX_BOOK_PAGE);
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx
        .fetch(
            "SELECT p.policy_number, COALESCE(p.input, q.input) FROM policy p JOIN quote_record q ON q.quote_number = p.quote_number
             WHERE p.state = $1 AND p.product = $2 AND p.status = 'in_force' AND p.policy_number > $3
             ORDER BY p.policy_number LIMIT $4",
            args![us_state, product, after.unwrap_or(""), i64::try_from(limit).map_err(ApiError::internal)?],
        )
        .await?;
    let stored = rows
        .iter()
        .map(|r| serde_json::from_str::<serde_json::Value>(&r.text(1)?).map_err(ApiError::internal))
        .collect::<Result<Vec<_>, ApiError>>()?;
    // The page's customers' keys in a few statements, not one a policy.
    let mut people = crate::personal::People::default();
    let mut customers: Vec<String> = stored.iter().filter_map(|s| crate::personal::sealed_for(s).map(str::to_owned)).collect();
    customers.sort_unstable();
    customers.dedup();
    state.vault.read_ahead(&mut *tx, &mut people, &[], &customers).await?;
    let mut policies = Vec::with_capacity(rows.len());
    for (r, stored) in rows.iter().zip(&stored) {
        // Opened for the dates of birth rating reads; the names go again below.
        let (input, erased) = state.vault.open_or_redact_in(&mut *tx, &mut people, stored).await?;
        if erased {
            // Without the drivers' dates of birth it cannot be rated.
            continue;
        }
        let quote = input
            .get("quote")
            .cloned()
            .ok_or_else(|| ApiError::internal(format!("{}: the input has no quote", r.text(0).unwrap_or_default())))?;
        policies.push(BookEntry { policy_number: r.text(0)?, quote: minimised(quote) });
    }
    // A full page goes on after its last row, even one skipped above.
    let full = u64::try_from(rows.len()).unwrap_or(u64::MAX) == limit;
    let next_after = if full { rows.last().map(|r| r.text(0)).transpose()? } else { None };
    Ok(BookPage { policies, next_after })
}

/// The quote without what identifies a person: names and the street.
fn minimised(mut quote: serde_json::Value) -> serde_json::Value {
    const WITHHELD: &str = "(withheld)";
    if let Some(applicant) = quote.get_mut("applicant") {
        applicant["name"] = WITHHELD.into();
        if let Some(address) = applicant.get_mut("address") {
            address["street"] = WITHHELD.into();
        }
    }
    if let Some(drivers) = quote.get_mut("drivers").and_then(serde_json::Value::as_array_mut) {
        for (i, driver) in drivers.iter_mut().enumerate() {
            driver["name"] = format!("Driver {}", i + 1).into();
        }
    }
    quote
}
