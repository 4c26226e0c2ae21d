//! The one error shape every command returns, and the field-naming
//! conversions from the workstation's errors.

use serde::Serialize;
use ts_rs::TS;
use uw_workstation::WorkstationError;

/// The one error shape every command returns. Switch on `code`, never on `message`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
    /// The sync server's own code (`auth.invalid_credentials`, ...) when a
    /// sync request was refused; `code` stays the workstation's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub server_code: Option<String>,
    /// For `input.invalid` on a quote: each problem with its field path
    /// (`quote.drivers[0].license_date`), so the UI can show it beside its field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<FieldError>>", optional)]
    pub fields: Vec<FieldError>,
}

/// One field's problem.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl CommandError {
    pub fn internal(message: impl Into<String>) -> Self {
        Self { code: "internal", message: message.into(), server_code: None, fields: Vec::new() }
    }
}

impl From<&WorkstationError> for CommandError {
    fn from(e: &WorkstationError) -> Self {
        let server_code = match e {
            WorkstationError::Sync(sync) => sync.server_code().map(str::to_owned),
            _ => None,
        };
        let fields = match e {
            WorkstationError::InvalidQuote(errors) => {
                errors.0.iter().map(|f| FieldError { path: f.path.clone(), message: f.message.clone() }).collect()
            }
            WorkstationError::Rating(rating) => match &**rating {
                uw_workstation::rating::RatingError::Input(errors) => {
                    errors.0.iter().map(|f| FieldError { path: format!("quote.{}", f.path), message: f.message.clone() }).collect()
                }
                _ => Vec::new(),
            },
            WorkstationError::InvalidInput { field, message } => vec![FieldError { path: field.clone(), message: message.clone() }],
            WorkstationError::PackDraftInvalid { problem } => {
                let path = problem.key.clone().or_else(|| problem.file.clone()).unwrap_or_default();
                vec![FieldError { path, message: problem.message.clone() }]
            }
            _ => Vec::new(),
        };
        Self { code: e.code(), message: e.to_string(), server_code, fields }
    }
}

/// Parses a `YYYY-MM-DD` argument, naming `field` when it is not one.
pub fn parse_date(field: &str, text: &str) -> Result<time::Date, CommandError> {
    uw_workstation::rating::dates::parse_date(text).map_err(|e| {
        CommandError::from(&WorkstationError::InvalidInput {
            field: field.to_owned(),
            message: format!("`{text}` is not a YYYY-MM-DD date: {e}"),
        })
    })
}
