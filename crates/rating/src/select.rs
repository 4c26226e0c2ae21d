//! Choosing the pack in force for a quote.
//!
//! A pack is in force for new business from its new-business date and for
//! renewals from its renewal date, until its expiry (exclusive). When several
//! are in force, the one that took effect last is chosen: a rate revision
//! supersedes the one before it from its own effective date, as filings do.
//! Two that took effect on the same day are an error, never a silent choice.

use time::Date;

use crate::error::SelectError;
use crate::pack::RatePack;
use crate::quote::Product;

/// The packs a workstation or server has installed.
#[derive(Debug, Clone, Default)]
pub struct PackRegistry {
    packs: Vec<RatePack>,
}

impl PackRegistry {
    pub fn new(packs: Vec<RatePack>) -> Self {
        Self { packs }
    }

    pub fn packs(&self) -> &[RatePack] {
        &self.packs
    }

    /// The pack with this `name/version@digest` id, to re-rate what it priced.
    pub fn by_id(&self, id: &str) -> Option<&RatePack> {
        self.packs.iter().find(|p| p.id() == id)
    }

    /// The one pack in force for `state`, `product` and `date`.
    pub fn select(&self, state: &str, product: Product, date: Date, renewal: bool) -> Result<&RatePack, SelectError> {
        select_pack(&self.packs, state, product, date, renewal)
    }
}

/// The one pack among `packs` in force for `state`, `product` and `date`,
/// for new business or for renewals: the same rule on the desktop and on the
/// server, so both price a quote with the same pack.
pub fn select_pack<'a, I>(packs: I, state: &str, product: Product, date: Date, renewal: bool) -> Result<&'a RatePack, SelectError>
where
    I: IntoIterator<Item = &'a RatePack>,
{
    let kind = if renewal { "renewals" } else { "new business" };
    let mut in_force = packs.into_iter().filter(|p| {
        let info = p.info();
        info.state == state && info.product == product && info.in_force(date, renewal)
    });
    let first =
        in_force.next().ok_or_else(|| SelectError::NoneInForce { state: state.to_owned(), product: product.to_string(), kind, date })?;
    // A later rate revision supersedes an earlier one from its own
    // effective date: the pack in force is the one that took effect last.
    // Two that took effect the same day cannot be told apart.
    let from = |p: &RatePack| if renewal { p.info().effective_renewal } else { p.info().effective_new_business };
    let mut latest = first;
    let mut tied: Option<&RatePack> = None;
    for p in in_force {
        if from(p) > from(latest) {
            latest = p;
            tied = None;
        } else if from(p) == from(latest) {
            tied = Some(p);
        }
    }
    if let Some(second) = tied {
        return Err(SelectError::Ambiguous {
            state: state.to_owned(),
            product: product.to_string(),
            kind,
            date,
            first: latest.id().to_owned(),
            second: second.id().to_owned(),
        });
    }
    Ok(latest)
}
