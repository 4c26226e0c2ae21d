//! The points schedule: the points each violation kind and an at-fault
//! accident carry. Personal auto needs one for every violation kind.

use std::collections::{BTreeMap, HashMap};

use toml::Spanned;

use super::Ctx;
use crate::pack::error::PackError;
use crate::quote::{Product, ViolationKind};

/// The points by violation kind, and an at-fault accident's points.
pub(super) fn schedule(
    ctx: &Ctx<'_>,
    raw: Option<&Spanned<BTreeMap<String, u32>>>,
    product: Product,
) -> Result<(HashMap<ViolationKind, i64>, i64), PackError> {
    let mut points = HashMap::new();
    let mut accident_points = 0;
    match (raw, product) {
        (Some(schedule), _) => {
            for (name, &value) in schedule.get_ref() {
                if name == "at-fault-accident" {
                    accident_points = i64::from(value);
                } else if let Some(kind) = ViolationKind::ALL.iter().find(|k| k.name() == name) {
                    points.insert(*kind, i64::from(value));
                } else {
                    return Err(ctx.invalid(schedule.span(), format!("points.{name}"), format!("`{name}` is not a violation kind")));
                }
            }
            if product == Product::PersonalAuto {
                let missing: Vec<&str> = ViolationKind::ALL.iter().filter(|k| !points.contains_key(k)).map(|k| k.name()).collect();
                if !missing.is_empty() || !schedule.get_ref().contains_key("at-fault-accident") {
                    let mut all = missing;
                    if !schedule.get_ref().contains_key("at-fault-accident") {
                        all.push("at-fault-accident");
                    }
                    return Err(ctx.invalid(schedule.span(), "points", format!("no points for {}", all.join(", "))));
                }
            }
        }
        (None, Product::PersonalAuto) => return Err(ctx.invalid(0..0, "points", "a personal auto pack needs a [points] schedule")),
        (None, Product::HomeownersHo3) => {}
    }
    Ok((points, accident_points))
}
