//! Finding a customer by name, though the server keeps names only
//! encrypted (see [`crate::personal`]): the name's keyed hash finds the
//! customers, their quote records say which quotes and policies are theirs,
//! and the latest quote, opened, says who they are.

use uw_protocol::{CustomerMatch, Role};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::storage::{args, TxMode};
use crate::AppState;

/// The customers named `name` that `caller` may see: an agent, those of
/// their own quotes; an underwriter, all.
pub async fn find(state: &AppState, caller: &Caller, name: &str) -> Result<Vec<CustomerMatch>, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter])?;
    if crate::personal::normalised(name).is_empty() {
        return Err(ApiError::bad_request("customers.name", "name: give the customer's full name, as on their quote"));
    }
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let people = state.vault.find_by_name(&mut *tx, name).await?;
    let mut found = Vec::new();
    for customer_id in people {
        let rows = tx
            .fetch(
                "SELECT q.quote_number, p.policy_number, q.input FROM quote_record q LEFT JOIN policy p ON p.quote_number = q.quote_number
                 WHERE q.person_id = $1 AND ($2 = '' OR q.user_id = $2) ORDER BY q.updated_at, q.quote_number",
                args![customer_id.as_str(), if caller.role == Role::Agent { caller.user_id.as_str() } else { "" }],
            )
            .await?;
        let Some(latest) = rows.last() else { continue };
        let input = state.vault.open_text(&mut *tx, &latest.text(2)?).await?;
        let applicant = &input["quote"]["applicant"];
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let mut quotes: Vec<String> = rows.iter().map(|r| r.text(0)).collect::<Result<_, _>>()?;
        quotes.sort();
        found.push(CustomerMatch {
            customer_id,
            name: text(&applicant["name"]),
            street: text(&applicant["address"]["street"]),
            city: text(&applicant["address"]["city"]),
            state: text(&applicant["address"]["state"]),
            zip: text(&applicant["address"]["zip"]),
            quotes,
            policies: rows.iter().filter_map(|r| r.opt_text(1).transpose()).collect::<Result<_, _>>()?,
        });
    }
    Ok(found)
}
