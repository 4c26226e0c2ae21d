//! The API's handlers, one file per concern.

pub(crate) mod admin;
pub(crate) mod audit;
pub(crate) mod desk;
pub(crate) mod health;
pub(crate) mod identity;
pub(crate) mod migration;
pub(crate) mod packs;
pub(crate) mod policies;
pub(crate) mod sync;
