//! The canonical encoding of an audit entry (version 1).
//!
//! An entry is UTF-8 text, one field per line in this fixed order, each line
//! `name value` with a single space, ending in a newline:
//!
//! ```text
//! uw-audit-entry/1
//! actor-user u-1042
//! actor-role underwriter
//! actor-device -
//! action quote.approve
//! resource quote/QUOT-2026-000123
//! server-time 2026-11-23T21:04:05.123Z
//! device-time -
//! device-signature -
//! change-sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//! request-id 7f3c2a90-1c1e-4e0a-9a55-0c2f3e1d2b4a
//! ```
//!
//! `-` marks an absent optional value (the device fields, for actions taken
//! online). Values are non-empty and contain no spaces or control characters;
//! times are UTC with milliseconds. Decoding accepts only the canonical form,
//! so one entry has exactly one encoding and therefore one leaf hash.

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

const HEADER: &str = "uw-audit-entry/1";

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Agent,
    Underwriter,
    Admin,
    Auditor,
    /// The server itself (scheduled jobs, renewals).
    System,
}

impl Role {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Underwriter => "underwriter",
            Self::Admin => "admin",
            Self::Auditor => "auditor",
            Self::System => "system",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "agent" => Self::Agent,
            "underwriter" => Self::Underwriter,
            "admin" => Self::Admin,
            "auditor" => Self::Auditor,
            "system" => Self::System,
            _ => return None,
        })
    }
}

/// One audited action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor_user: String,
    pub actor_role: Role,
    /// The device that took the action, for actions synced from a desktop.
    pub actor_device: Option<String>,
    /// A dotted action name: `quote.approve`, `policy.bind`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    /// When the server recorded it: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub server_time: String,
    /// When the device says it happened, for offline actions.
    pub device_time: Option<String>,
    /// The device's Ed25519 signature over the action it pushed.
    pub device_signature: Option<[u8; 64]>,
    /// SHA-256 of the change's canonical form.
    pub change_sha256: [u8; 32],
    pub request_id: String,
}

/// Why bytes are not a canonical entry, or an entry cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("line {line}: {message}")]
    Malformed { line: usize, message: String },
    #[error("{field}: `{value}` {message}")]
    BadValue { field: &'static str, value: String, message: &'static str },
}

const FIELDS: [&str; 10] = [
    "actor-user",
    "actor-role",
    "actor-device",
    "action",
    "resource",
    "server-time",
    "device-time",
    "device-signature",
    "change-sha256",
    "request-id",
];

fn check_token(field: &'static str, value: &str) -> Result<(), EntryError> {
    if value.is_empty() || value == "-" || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(EntryError::BadValue {
            field,
            value: value.to_owned(),
            message: "must be non-empty, not `-`, without spaces or control characters",
        });
    }
    Ok(())
}

fn check_time(field: &'static str, value: &str) -> Result<(), EntryError> {
    let b = value.as_bytes();
    let shape = b.len() == 24
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            23 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return Err(EntryError::BadValue { field, value: value.to_owned(), message: "is not a UTC time YYYY-MM-DDTHH:MM:SS.mmmZ" });
    }
    Ok(())
}

impl AuditEntry {
    /// Checks a device-reported time has the log's form, before it is put
    /// into an entry.
    pub fn validate_time(value: &str) -> Result<(), EntryError> {
        check_time("device-time", value)
    }

    /// Checks every field can be encoded canonically.
    pub fn validate(&self) -> Result<(), EntryError> {
        check_token("actor-user", &self.actor_user)?;
        if let Some(d) = &self.actor_device {
            check_token("actor-device", d)?;
        }
        check_token("action", &self.action)?;
        check_token("resource type", &self.resource_type)?;
        if self.resource_type.contains('/') {
            return Err(EntryError::BadValue {
                field: "resource type",
                value: self.resource_type.clone(),
                message: "must not contain `/`",
            });
        }
        check_token("resource id", &self.resource_id)?;
        check_time("server-time", &self.server_time)?;
        if let Some(t) = &self.device_time {
            check_time("device-time", t)?;
        }
        check_token("request-id", &self.request_id)
    }

    /// The canonical bytes: what the log hashes as a leaf.
    pub fn encode(&self) -> Result<Vec<u8>, EntryError> {
        self.validate()?;
        let mut s = String::with_capacity(400);
        let _ = writeln!(s, "{HEADER}");
        let _ = writeln!(s, "actor-user {}", self.actor_user);
        let _ = writeln!(s, "actor-role {}", self.actor_role.name());
        let _ = writeln!(s, "actor-device {}", self.actor_device.as_deref().unwrap_or("-"));
        let _ = writeln!(s, "action {}", self.action);
        let _ = writeln!(s, "resource {}/{}", self.resource_type, self.resource_id);
        let _ = writeln!(s, "server-time {}", self.server_time);
        let _ = writeln!(s, "device-time {}", self.device_time.as_deref().unwrap_or("-"));
        let sig = self.device_signature.map_or_else(|| "-".to_owned(), |sig| B64.encode(sig));
        let _ = writeln!(s, "device-signature {sig}");
        let _ = writeln!(s, "change-sha256 {}", hex::encode(self.change_sha256));
        let _ = writeln!(s, "request-id {}", self.request_id);
        Ok(s.into_bytes())
    }

    /// Decodes canonical bytes; anything else is an error naming the line.
    pub fn decode(bytes: &[u8]) -> Result<Self, EntryError> {
        let bad = |line: usize, message: &str| EntryError::Malformed { line, message: message.to_owned() };
        let text = std::str::from_utf8(bytes).map_err(|_| bad(1, "not UTF-8"))?;
        if !text.ends_with('\n') {
            return Err(bad(text.lines().count().max(1), "the entry does not end in a newline"));
        }
        let lines: Vec<&str> = text[..text.len() - 1].split('\n').collect();
        if lines.first() != Some(&HEADER) {
            return Err(bad(1, "expected `uw-audit-entry/1`"));
        }
        if lines.len() != FIELDS.len() + 1 {
            return Err(bad(lines.len().min(FIELDS.len() + 2), "expected exactly ten fields after the header"));
        }
        let mut values = [""; 10];
        for (i, (line, field)) in lines[1..].iter().zip(FIELDS).enumerate() {
            let value = line
                .strip_prefix(field)
                .and_then(|rest| rest.strip_prefix(' '))
                .ok_or_else(|| bad(i + 2, &format!("expected `{field} <value>`")))?;
            values[i] = value;
        }
        let optional = |v: &str| (v != "-").then(|| v.to_owned());
        let (resource_type, resource_id) = values[4].split_once('/').ok_or_else(|| bad(6, "resource is `<type>/<id>`"))?;
        let signature = match values[7] {
            "-" => None,
            s => Some(
                B64.decode(s)
                    .ok()
                    .and_then(|b| <[u8; 64]>::try_from(b).ok())
                    .ok_or_else(|| bad(9, "device-signature is 64 bytes of base64"))?,
            ),
        };
        let change = hex_decode32(values[8]).ok_or_else(|| bad(10, "change-sha256 is 64 lower-case hex digits"))?;
        let entry = Self {
            actor_user: values[0].to_owned(),
            actor_role: Role::parse(values[1]).ok_or_else(|| bad(3, "actor-role is agent, underwriter, admin, auditor or system"))?,
            actor_device: optional(values[2]),
            action: values[3].to_owned(),
            resource_type: resource_type.to_owned(),
            resource_id: resource_id.to_owned(),
            server_time: values[5].to_owned(),
            device_time: optional(values[6]),
            device_signature: signature,
            change_sha256: change,
            request_id: values[9].to_owned(),
        };
        entry.validate().map_err(|e| {
            let line = match &e {
                EntryError::BadValue { field, .. } => match *field {
                    "actor-user" => 2,
                    "actor-device" => 4,
                    "action" => 5,
                    "resource type" | "resource id" => 6,
                    "server-time" => 7,
                    "device-time" => 8,
                    _ => 11,
                },
                EntryError::Malformed { line, .. } => *line,
            };
            EntryError::Malformed { line, message: e.to_string() }
        })?;
        // Only the canonical encoding is accepted: re-encoding must give the same bytes.
        if entry.encode()? != bytes {
            return Err(bad(1, "not in canonical form"));
        }
        Ok(entry)
    }
}

/// 64 lower-case hex digits (upper case is not canonical) as 32 bytes.
fn hex_decode32(text: &str) -> Option<[u8; 32]> {
    if !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}
