/*!
Rate packs and the rating engine for personal auto and homeowners HO-3.

A rate pack is data: a TOML manifest plus CSV lookup tables, one directory per
pack under `rate-packs/`, signed with Ed25519 over a SHA-256 digest of its
files. [`compile`] checks a pack end to end and indexes its tables;
[`PackRegistry::select`] finds the pack in force for a quote; [`rate`]
evaluates a [`ValidQuote`] and explains every cent in a worksheet, with the
risk score and the underwriting decision.

**Architecture invariant:** this crate does no IO except reading pack files in
[`PackFiles::read_dir`], and never depends on tauri, axum, sqlx, rusqlite or
reqwest (CI checks with `cargo tree -i`). Money is `Decimal`, or the compiled
plan's `i64` fixed point where it gives `Decimal`'s results exactly; floating
point only ranks drivers for the assignment and never charges.

**Architecture invariant:** every pack problem is found when the pack is
loaded, and named with its file, line and field. Rating a compiled pack never
panics; its only errors concern the quote's input.
*/

mod compiled;
pub mod dates;
mod engine;
mod error;
pub mod impact;
pub mod pack;
pub mod quote;
pub mod refdata;
mod select;
mod variable;
mod worksheet;

pub use compiled::{rate, rate_by_coverage, rate_compiled, rate_compiled_with_worksheet, rate_total};
pub use engine::{
    rate_by_engine, rate_pair, Contribution, CoveragePremium, Decision, DriverAssignment, DriverRole, FeeLine, Installment,
    InstallmentSchedule, Rating, Reason, Reprice, RiskScore, UnsignedElection,
};
pub use error::{RatingError, SelectError};
pub use pack::digest::{PackDigest, TrustedKeys};
pub use pack::error::PackError;
pub use pack::{
    compile, Action, AssignmentMethod, CoverageInfo, FeeClass, FeeEarning, FilingType, LoadMode, Location, PackFiles, PackInfo, PackStatus,
    Per, PropertyLimits, RatePack, RefundMethod, Refunds, RiskUsage,
};
pub use quote::{Election, ElectionDecision, InputError, InputErrors, Product, Quote, ValidQuote};
pub use select::{same_day_rival, select_pack, PackRegistry};
pub use variable::{Value, VarType, Variable};
pub use worksheet::{KeyText, LineKey, Lines, Note, Operation, Worksheet, WorksheetLine};
