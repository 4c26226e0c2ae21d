//! What documents print about the insurer: its legal name, mailing address,
//! NAIC company code and telephone. An administrator sets them; every
//! signed-in user and device reads them, and desktops cache them for
//! printing offline.

use uw_protocol::{OrganisationDetails, OrganisationInfo};

use crate::audit::{Actor, Mutation};
use crate::error::ApiError;
use crate::storage::{args, Tx, TxMode};
use crate::AppState;

const COLUMNS: &str = "SELECT name, legal_name, street, city, state, zip, naic_code, phone FROM organisation WHERE singleton = 1";

async fn read(tx: &mut dyn Tx) -> Result<OrganisationInfo, ApiError> {
    let row = tx.fetch_optional(COLUMNS, args![]).await?.ok_or_else(|| ApiError::internal("the organisation has no row"))?;
    let details = match row.opt_text(1)? {
        None => None,
        Some(legal_name) => Some(OrganisationDetails {
            legal_name,
            street: row.opt_text(2)?.unwrap_or_default(),
            city: row.opt_text(3)?.unwrap_or_default(),
            state: row.opt_text(4)?.unwrap_or_default(),
            zip: row.opt_text(5)?.unwrap_or_default(),
            naic_code: row.opt_text(6)?,
            phone: row.opt_text(7)?,
        }),
    };
    Ok(OrganisationInfo { name: row.text(0)?, details, agency: None })
}

/// The organisation's name and details, with the agency of `user_id` when
/// one asks (any signed-in caller).
pub async fn info(state: &AppState, user_id: Option<&str>) -> Result<OrganisationInfo, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let mut info = read(&mut *tx).await?;
    if let Some(user_id) = user_id {
        info.agency = tx
            .fetch_optional("SELECT agency FROM app_user WHERE user_id = $1", args![user_id])
            .await?
            .map(|r| r.opt_text(0))
            .transpose()?
            .flatten();
    }
    Ok(info)
}

/// The details, trimmed and checked field by field; every problem is named.
pub fn checked(details: OrganisationDetails) -> Result<OrganisationDetails, ApiError> {
    let trim = |s: String| s.trim().to_owned();
    let d = OrganisationDetails {
        legal_name: trim(details.legal_name),
        street: trim(details.street),
        city: trim(details.city),
        state: trim(details.state).to_ascii_uppercase(),
        zip: trim(details.zip),
        naic_code: details.naic_code.map(trim).filter(|c| !c.is_empty()),
        phone: details.phone.map(trim).filter(|p| !p.is_empty()),
    };
    let mut problems = Vec::new();
    for (field, value) in [("legal_name", &d.legal_name), ("street", &d.street), ("city", &d.city)] {
        if value.is_empty() || value.chars().count() > 200 || value.chars().any(char::is_control) {
            problems.push(format!("{field}: give 1 to 200 characters"));
        }
    }
    if d.state.len() != 2 || !d.state.bytes().all(|b| b.is_ascii_uppercase()) {
        problems.push("state: give the two-letter state code".to_owned());
    }
    let zip_ok = match d.zip.split_once('-') {
        None => d.zip.len() == 5 && d.zip.bytes().all(|b| b.is_ascii_digit()),
        Some((five, four)) => five.len() == 5 && four.len() == 4 && five.bytes().chain(four.bytes()).all(|b| b.is_ascii_digit()),
    };
    if !zip_ok {
        problems.push("zip: give five digits, or ZIP+4".to_owned());
    }
    if d.naic_code.as_ref().is_some_and(|c| c.len() != 5 || !c.bytes().all(|b| b.is_ascii_digit())) {
        problems.push("naic_code: the NAIC company code is five digits".to_owned());
    }
    if d.phone.as_ref().is_some_and(|p| {
        let digits = p.bytes().filter(u8::is_ascii_digit).count();
        !(7..=15).contains(&digits) || !p.bytes().all(|b| b.is_ascii_digit() || b" ()+-.".contains(&b)) || p.len() > 25
    }) {
        problems.push("phone: give 7 to 15 digits".to_owned());
    }
    if problems.is_empty() {
        Ok(d)
    } else {
        Err(ApiError::bad_request("organisation.invalid", problems.join("; ")))
    }
}

/// Sets the details (an administrator), recorded in the audit log.
pub async fn set_details(
    state: &AppState,
    actor: &Actor,
    details: OrganisationDetails,
    request_id: &str,
) -> Result<OrganisationInfo, ApiError> {
    let d = checked(details)?;
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    m.tx.execute(
        "UPDATE organisation SET legal_name = $1, street = $2, city = $3, state = $4, zip = $5, naic_code = $6, phone = $7 WHERE singleton = 1",
        args![d.legal_name.clone(), d.street.clone(), d.city.clone(), d.state.clone(), d.zip.clone(), d.naic_code.clone(), d.phone.clone()],
    )
    .await?;
    let info = read(&mut *m.tx).await?;
    let change = serde_json::to_value(&d).map_err(ApiError::internal)?;
    m.audit(actor, "organisation.update", ("organisation", "details"), &change, None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(info)
}
