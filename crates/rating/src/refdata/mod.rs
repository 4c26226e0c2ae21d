//! Reference data bundled with the engine: VIN decoding (49 CFR 565) and
//! US ZIP codes to state and county. Both are compiled in and parsed once, on
//! first use; see `crates/rating/data/README.md` for sources.

pub mod vin;
pub mod zip;
