//! Choosing the pack in force for a quote.
//!
//! A pack is in force for new business from its new-business date and for
//! renewals from its renewal date, until its expiry (exclusive). Exactly one
//! pack may be in force for a state, product, kind and date; two is an error,
//! never a silent choice.

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
        let kind = if renewal { "renewals" } else { "new business" };
        let mut in_force = self.packs.iter().filter(|p| {
            let info = p.info();
            info.state == state && info.product == product && info.in_force(date, renewal)
        });
        let first = in_force.next().ok_or_else(|| SelectError::NoneInForce {
            state: state.to_owned(),
            product: product.to_string(),
            kind,
            date,
        })?;
        if let Some(second) = in_force.next() {
            return Err(SelectError::Ambiguous {
                state: state.to_owned(),
                product: product.to_string(),
                kind,
                date,
                first: first.id().to_owned(),
                second: second.id().to_owned(),
            });
        }
        Ok(first)
    }
}
