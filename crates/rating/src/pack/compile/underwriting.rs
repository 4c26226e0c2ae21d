//! Underwriting rules: refer or decline when every condition holds.

use std::sync::Arc;

use toml::Spanned;

use super::vocabulary::Vocabulary;
use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::jurisdiction::Jurisdiction;
use crate::pack::raw::RawRule;
use crate::pack::{Action, Rule};

/// The rules, in manifest order; none may rest on what the law forbids as a
/// sole reason.
pub(super) fn rules(
    ctx: &Ctx<'_>,
    list: &[Spanned<RawRule>],
    vocabulary: &Vocabulary<'_>,
    law: &Jurisdiction,
    state: &str,
) -> Result<Vec<Rule>, PackError> {
    let mut underwriting = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let rule = r.get_ref();
        let field = format!("underwriting[{i}]");
        let action = match rule.action.get_ref().as_str() {
            "refer" => Action::Refer,
            "decline" => Action::Decline,
            other => return Err(ctx.invalid(rule.action.span(), format!("{field}.action"), format!("`{other}` is not refer or decline"))),
        };
        let when = vocabulary.conditions(&rule.when, &field)?;
        if when.is_empty() {
            return Err(ctx.invalid(r.span(), format!("{field}.when"), "a rule needs at least one condition"));
        }
        law.check_underwriting_rule(state, rule.action.get_ref(), &when)
            .map_err(|message| ctx.state_rule(r.span(), format!("{field}.when"), message))?;
        underwriting.push(Rule { code: Arc::from(rule.code.get_ref().as_str()), action, message: Arc::from(rule.message.as_str()), when });
    }
    Ok(underwriting)
}
