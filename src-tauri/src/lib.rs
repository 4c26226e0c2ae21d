//! The desktop shell: a Tauri v2 window over `uw-workstation`.
//!
//! **Architecture invariant:** no business logic here. Each command (in
//! `commands/`, one file per domain) is a few lines that call the
//! workstation and convert its result into a view of `uw-desktop-api`.
//! Errors reach the UI as `{code, message}`; TypeScript switches on `code`.
//!
//! The command list has one source, the command functions themselves:
//! `build.rs` reads `src/commands/*.rs` and generates the registration
//! ([`with_commands`]), the permission every command needs, and
//! [`COMMANDS`], which a test checks `ui/src/api.ts` against.

mod app;
mod background;
mod commands;
pub mod logs;

pub use app::{context, run, with_commands, AppState, DocumentsDir, ImpactCancel, SignInCancel};
pub use commands::{Command, COMMANDS};
