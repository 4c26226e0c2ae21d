//! Quote drafts: the wizard's form as the agent left it.

use rusqlite::{params, OptionalExtension};
use time::OffsetDateTime;
use uw_rating::Product;

use super::quotes::sql_err;
use super::{Store, StoreError};
use crate::quotes::model::instant_text;
use crate::quotes::model::{DraftSummary, QuoteDraft, MAX_DRAFT_BYTES};

const DRAFT_COLUMNS: &str = "id, quote_id, product, step, label, created_at, updated_at";

fn read_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<(DraftSummary, String)> {
    let product: String = r.get(2)?;
    Ok((
        DraftSummary {
            id: r.get(0)?,
            quote_id: r.get(1)?,
            // Checked against the product names by the table; parsed below.
            product: Product::PersonalAuto,
            step: r.get(3)?,
            label: r.get(4)?,
            created_at: r.get(5)?,
            updated_at: r.get(6)?,
        },
        product,
    ))
}

fn parse_product((mut summary, product): (DraftSummary, String)) -> Result<DraftSummary, StoreError> {
    summary.product = Product::from_name(&product).ok_or_else(|| StoreError::BadStoredValue {
        table: "quote_draft",
        id: summary.id,
        field: "product",
        problem: format!("`{product}` is not a product"),
    })?;
    Ok(summary)
}

impl Store {
    /// Saves the wizard's form: a new draft when `id` is `None`, else over
    /// draft `id`. The form need not be a valid quote.
    pub fn save_draft(&mut self, id: Option<i64>, draft: &QuoteDraft, now: OffsetDateTime) -> Result<DraftSummary, StoreError> {
        let form = serde_json::to_string(&draft.form).map_err(|e| StoreError::BadDraft { field: "form", message: e.to_string() })?;
        if !draft.form.is_object() {
            return Err(StoreError::BadDraft { field: "form", message: "must be a JSON object".into() });
        }
        if form.len() > MAX_DRAFT_BYTES {
            return Err(StoreError::BadDraft {
                field: "form",
                message: format!("is {} bytes; a draft holds at most {MAX_DRAFT_BYTES}", form.len()),
            });
        }
        if !(1..=5).contains(&draft.step) {
            return Err(StoreError::BadDraft { field: "step", message: format!("{} is not a wizard step from 1 to 5", draft.step) });
        }
        let label: String = draft.label.trim().chars().take(200).collect();
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let sp = self.conn.savepoint().map_err(err)?;
        if let Some(quote_id) = draft.quote_id {
            let product: Option<String> =
                sp.query_row("SELECT product FROM quote WHERE id = ?1", [quote_id], |r| r.get(0)).optional().map_err(err)?;
            match product {
                None => return Err(StoreError::QuoteNotFound { id: quote_id }),
                Some(p) if p != draft.product.name() => {
                    return Err(StoreError::BadDraft {
                        field: "product",
                        message: format!("quote {quote_id} is {p}, not {}", draft.product),
                    })
                }
                Some(_) => {}
            }
            // One open draft per quote: editing a quote again resumes it.
            let other: Option<i64> = sp
                .query_row("SELECT id FROM quote_draft WHERE quote_id = ?1 AND id IS NOT ?2", params![quote_id, id], |r| r.get(0))
                .optional()
                .map_err(err)?;
            if let Some(other) = other {
                return Err(StoreError::BadDraft {
                    field: "quote_id",
                    message: format!("quote {quote_id} already has draft {other}; resume that one"),
                });
            }
        }
        let id = match id {
            None => {
                sp.execute(
                    "INSERT INTO quote_draft (quote_id, product, step, label, form, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                    params![draft.quote_id, draft.product.name(), draft.step, label, form, at],
                )
                .map_err(err)?;
                sp.last_insert_rowid()
            }
            Some(id) => {
                let n = sp
                    .execute(
                        "UPDATE quote_draft SET quote_id = ?2, product = ?3, step = ?4, label = ?5, form = ?6, updated_at = ?7 WHERE id = ?1",
                        params![id, draft.quote_id, draft.product.name(), draft.step, label, form, at],
                    )
                    .map_err(err)?;
                if n == 0 {
                    return Err(StoreError::DraftNotFound { id });
                }
                id
            }
        };
        let summary = sp
            .query_row(&format!("SELECT {DRAFT_COLUMNS} FROM quote_draft WHERE id = ?1"), [id], read_summary)
            .map_err(err)
            .and_then(parse_product)?;
        sp.commit().map_err(err)?;
        Ok(summary)
    }

    /// One draft with its form.
    pub fn draft(&self, id: i64) -> Result<(DraftSummary, QuoteDraft), StoreError> {
        let err = sql_err(&self.path);
        let row = self
            .conn
            .query_row(&format!("SELECT {DRAFT_COLUMNS}, form FROM quote_draft WHERE id = ?1"), [id], |r| {
                Ok((read_summary(r)?, r.get::<_, String>(7)?))
            })
            .optional()
            .map_err(err)?
            .ok_or(StoreError::DraftNotFound { id })?;
        let (summary, form) = row;
        let summary = parse_product(summary)?;
        let form = serde_json::from_str(&form).map_err(|e| StoreError::BadStoredValue {
            table: "quote_draft",
            id,
            field: "form",
            problem: e.to_string(),
        })?;
        let draft =
            QuoteDraft { quote_id: summary.quote_id, product: summary.product, step: summary.step, label: summary.label.clone(), form };
        Ok((summary, draft))
    }

    /// Every draft, most recently changed first.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, StoreError> {
        let err = sql_err(&self.path);
        let mut stmt =
            self.conn.prepare_cached(&format!("SELECT {DRAFT_COLUMNS} FROM quote_draft ORDER BY updated_at DESC, id DESC")).map_err(err)?;
        let rows = stmt.query_map([], read_summary).map_err(err)?;
        rows.map(|r| r.map_err(err).and_then(parse_product)).collect()
    }

    /// The open draft editing quote `quote_id`, if any (at most one).
    pub fn draft_for_quote(&self, quote_id: i64) -> Result<Option<i64>, StoreError> {
        let err = sql_err(&self.path);
        self.conn.query_row("SELECT id FROM quote_draft WHERE quote_id = ?1", [quote_id], |r| r.get(0)).optional().map_err(err)
    }

    /// Deletes a draft; returns whether it existed.
    pub fn discard_draft(&mut self, id: i64) -> Result<bool, StoreError> {
        let err = sql_err(&self.path);
        Ok(self.conn.execute("DELETE FROM quote_draft WHERE id = ?1", [id]).map_err(err)? == 1)
    }
}
