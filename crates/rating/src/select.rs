//! Choosing the pack in force for a quote.
//!
//! A pack is in force for new business from its new-business date and for
//! renewals from its renewal date, until its expiry (exclusive). When several
//! are in force, the one that took effect last is chosen: a rate revision
//! supersedes the one before it from its own effective date, as filings do.
//! Two that took effect on the same day are an error, never a silent choice.

use time::Date;

use crate::error::SelectError;
use crate::pack::{PackInfo, RatePack};
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

/// A pack among `packs` (other than `pack_id`) for the same state and
/// product as `info` that takes effect the same day for new business or for
/// renewals and is still in force then: publishing `info` too would leave two
/// packs in force that day, and [`select_pack`] would refuse every quote of
/// that state and product. The answer is a sentence an underwriter can act on.
pub fn same_day_rival<'a, I>(packs: I, pack_id: &str, info: &PackInfo) -> Option<String>
where
    I: IntoIterator<Item = &'a RatePack>,
{
    for other in packs {
        let o = other.info();
        if other.id() == pack_id || o.state != info.state || o.product != info.product {
            continue;
        }
        for (kind, mine, theirs, renewal) in [
            ("new business", info.effective_new_business, o.effective_new_business, false),
            ("renewals", info.effective_renewal, o.effective_renewal, true),
        ] {
            if mine == theirs && o.in_force(mine, renewal) {
                let next = mine.next_day().map_or_else(String::new, |d| format!(" ({d} or later)"));
                return Some(format!(
                    "{} already takes effect for {kind} on {mine}: two {} {} packs in force on the same day would stop every such quote. Give this revision a later {kind} date{next}",
                    o.label(),
                    info.state,
                    info.product.name()
                ));
            }
        }
    }
    None
}
