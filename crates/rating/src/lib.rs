/*!
Rate packs and the rating engine.

A rate pack is data: a TOML manifest plus CSV lookup tables, one directory per
pack under `rate-packs/`. [`compile`] turns the files into a [`RatePack`] that
has been checked end to end, and [`price_coverage`] evaluates it for a quote,
recording every operand in a worksheet.

**Architecture invariant:** this crate does no IO except reading pack files in
[`RatePack::load_dir`], and it never depends on tauri, axum, sqlx, rusqlite or
reqwest (CI checks this with `cargo tree -i`). Money is `Decimal`; there is no
floating point anywhere in the crate.
*/

mod engine;
mod error;
mod pack;

pub use engine::{price_all, price_coverage, CoveragePremium, RatingInput, WorksheetLine};
pub use error::{PackError, RatingError};
pub use pack::{compile, InputField, Location, PackFiles, RatePack, Rounding, RoundingMode, MANIFEST_FILE};
