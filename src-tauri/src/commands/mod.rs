//! The commands, one file per domain. A new command is a function marked
//! as a Tauri command in one of these files; `build.rs` registers it.

pub mod accounts;
pub mod audit;
pub mod console;
pub mod desk;
pub mod drafts;
pub mod files;
pub mod impact;
pub mod notifications;
pub mod policies;
pub mod quotes;
pub mod rates;
pub mod setup;
pub mod sync;

/// A registered command, as `build.rs` read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// The file in `src/commands` it is defined in.
    pub module: &'static str,
    pub name: &'static str,
    /// Its arguments as the UI passes them (camelCase).
    pub args: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/commands.rs"));
