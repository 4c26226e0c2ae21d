//! The server's support bundle (`uw-sync-server admin support-bundle`): one
//! JSON file with the versions, the configuration without secrets, counts
//! of what the database holds, the audit log's size and newest checkpoint,
//! and, when the operator gives one, the recent log. Every text in it
//! passes through a [`Redactor`] that knows every customer's personal values
//! (opened from the quotes and policies with the vault's keys) and what
//! e-mail addresses, telephone numbers, VINs and licence numbers look like.

use std::path::Path;

use serde_json::{json, Value};
use uw_protocol::redact::Redactor;

use crate::storage::{args, TxMode};
use crate::AppState;

/// The most log lines a bundle carries (the newest).
const LOG_LINES: usize = 2_000;

async fn grouped(state: &AppState, sql: &str) -> anyhow::Result<Value> {
    let rows = state.storage.query(sql, args![]).await?;
    let mut out = serde_json::Map::new();
    for row in rows {
        out.insert(row.opt_text(0)?.unwrap_or_else(|| "none".into()), json!(row.int(1)?));
    }
    Ok(Value::Object(out))
}

/// Every personal value the database holds in clear once opened: the
/// rating inputs of quotes and policies (erased customers' read as nothing).
async fn personal_values(state: &AppState, redactor: &mut Redactor) -> anyhow::Result<()> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let mut people = crate::personal::People::default();
    for sql in ["SELECT input FROM quote_record WHERE input IS NOT NULL", "SELECT input FROM policy WHERE input IS NOT NULL"] {
        for row in tx.fetch(sql, args![]).await? {
            let Ok(stored) = serde_json::from_str::<Value>(&row.text(0)?) else { continue };
            let (document, _) = state.vault.open_or_redact_in(&mut *tx, &mut people, &stored).await?;
            redactor.add_document(&document);
        }
    }
    Ok(())
}

/// The bundle. `configuration` is what the operator configured, secrets
/// already taken out (the database URL without its password); `log` is a
/// file of the server's recent log (`journalctl -u uw-sync-server`).
pub async fn bundle(state: &AppState, configuration: Value, log: Option<&Path>) -> anyhow::Result<Value> {
    let mut redactor = Redactor::new();
    personal_values(state, &mut redactor).await?;
    let log_lines = match log {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read the log {}: {e}", path.display()))?;
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(LOG_LINES)..].iter().map(|l| (*l).to_owned()).collect()
        }
        None => Vec::new(),
    };
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let log_size = crate::audit::log_size(&mut *tx).await?;
    let checkpoint = tx.fetch_optional("SELECT size, signed_at FROM checkpoint ORDER BY size DESC LIMIT 1", args![]).await?;
    let checkpoint = match checkpoint {
        Some(row) => {
            json!({ "size": row.int(0)?, "signed_at": crate::keys::rfc3339_ms(row.int(1)?).map_err(|e| anyhow::anyhow!(e.message))? })
        }
        None => Value::Null,
    };
    drop(tx);
    let providers = state.storage.query("SELECT provider_id, issuer FROM identity_provider ORDER BY provider_id", args![]).await?;
    let providers: Vec<Value> =
        providers.iter().map(|r| Ok(json!({ "id": r.text(0)?, "issuer": r.text(1)? }))).collect::<anyhow::Result<_>>()?;
    let mut bundle = json!({
        "bundle": "uw-server-support-v1",
        "created_at": crate::keys::rfc3339(state.clock.now()),
        "versions": {
            "server": env!("CARGO_PKG_VERSION"),
            "protocol": uw_protocol::PROTOCOL_VERSION,
            "engine": state.storage.engine(),
            "schema_applied": state.storage.schema_version().await?,
            "schema_expected": state.expected_schema_version,
        },
        "configuration": configuration,
        "database": {
            "users_by_role": grouped(state, "SELECT role || CASE WHEN disabled <> 0 THEN ' (disabled)' ELSE '' END, count(*) FROM app_user GROUP BY 1").await?,
            "devices": grouped(state, "SELECT CASE WHEN revoked_at IS NULL THEN 'active' ELSE 'revoked' END, count(*) FROM device GROUP BY 1").await?,
            "quotes_by_status": grouped(state, "SELECT status, count(*) FROM quote_record GROUP BY status").await?,
            "policies_by_status": grouped(state, "SELECT status, count(*) FROM policy GROUP BY status").await?,
            "subject_requests": grouped(state, "SELECT kind || ' ' || status, count(*) FROM subject_request GROUP BY 1").await?,
            "login_throttles": grouped(state, "SELECT scope, count(*) FROM login_throttle GROUP BY scope").await?,
            "published_packs": grouped(state, "SELECT 'packs', count(*) FROM published_pack").await?,
            "file": state.storage.file_usage().map(|u| json!({ "size_bytes": u.size_bytes, "available_bytes": u.available_bytes })),
        },
        "audit_log": { "entries": log_size, "newest_checkpoint": checkpoint },
        "identity_providers": providers,
        "desktop_versions": crate::desktop_versions::versions(state).await.map_err(|e| anyhow::anyhow!(e.message))?,
        "log": log_lines,
    });
    redactor.redact_strings(&mut bundle);
    Ok(bundle)
}
