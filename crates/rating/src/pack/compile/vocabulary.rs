//! The variables a pack may name: those of its product, less any the law or
//! the pack's own state rules forbid; and the conditions written with them.

use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use toml::Spanned;

use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::jurisdiction::Jurisdiction;
use crate::pack::raw::{RawCondition, RawStateRules};
use crate::pack::{CompareOp, Condition};
use crate::quote::Product;
use crate::variable::{Scope, Value, VarType, Variable};

/// Resolves the variable names a pack uses, enforcing scope and state law.
pub(super) struct Vocabulary<'a> {
    ctx: &'a Ctx<'a>,
    law: &'a Jurisdiction,
    state: &'a str,
    product: Product,
    /// The variables the pack's own `[state_rules]` forbid.
    pack_forbids: Vec<Variable>,
}

impl<'a> Vocabulary<'a> {
    /// The pack's vocabulary; a name its state rules forbid must be a variable.
    pub(super) fn new(
        ctx: &'a Ctx<'a>,
        law: &'a Jurisdiction,
        state: &'a str,
        product: Product,
        state_rules: Option<&Spanned<RawStateRules>>,
    ) -> Result<Self, PackError> {
        let names = state_rules.iter().flat_map(|r| r.get_ref().forbidden_variables.iter());
        let pack_forbids = names.filter_map(|name| Variable::from_name(name)).collect();
        if let Some(rules) = state_rules {
            for name in &rules.get_ref().forbidden_variables {
                if Variable::from_name(name).is_none() {
                    return Err(ctx.invalid(rules.span(), "state_rules.forbidden_variables", format!("`{name}` is not a rating variable")));
                }
            }
        }
        Ok(Self { ctx, law, state, product, pack_forbids })
    }

    /// The product the pack rates.
    pub(super) fn product(&self) -> Product {
        self.product
    }

    /// The variable a name used at a span and field refers to.
    pub(super) fn resolve(&self, name: &str, span: Range<usize>, field: &str) -> Result<Variable, PackError> {
        let ctx = self.ctx;
        let v = Variable::from_name(name).ok_or_else(|| ctx.invalid(span.clone(), field, format!("`{name}` is not a rating variable")))?;
        let in_scope = matches!(
            (self.product, v.scope()),
            (_, Scope::Policy | Scope::Coverage)
                | (Product::PersonalAuto, Scope::Driver | Scope::Vehicle)
                | (Product::HomeownersHo3, Scope::Dwelling)
        );
        if !in_scope {
            return Err(ctx.invalid(span, field, format!("{name} does not apply to {}", self.product)));
        }
        self.law.check_factor(self.state, v, name, &self.pack_forbids).map_err(|message| ctx.state_rule(span, field, message))?;
        Ok(v)
    }

    /// The conditions of a discount, surcharge or rule (`field`), each `when[k]`.
    pub(super) fn conditions(&self, list: &[Spanned<RawCondition>], field: &str) -> Result<Vec<Condition>, PackError> {
        list.iter().enumerate().map(|(k, c)| self.condition(c, &format!("{field}.when[{k}]"))).collect()
    }

    /// `variable op value`, type-checked.
    fn condition(&self, c: &Spanned<RawCondition>, field: &str) -> Result<Condition, PackError> {
        let ctx = self.ctx;
        let raw = c.get_ref();
        let var = self.resolve(&raw.var, c.span(), &format!("{field}.var"))?;
        let op = match raw.op.as_str() {
            "==" => CompareOp::Eq,
            "!=" => CompareOp::Ne,
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            ">=" => CompareOp::Ge,
            "in" => CompareOp::In,
            other => return Err(ctx.invalid(c.span(), format!("{field}.op"), format!("`{other}` is not one of ==, !=, <, <=, >, >=, in"))),
        };
        let numeric = matches!(var.var_type(), VarType::Integer | VarType::Decimal);
        if matches!(op, CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge) && !numeric {
            return Err(ctx.invalid(
                c.span(),
                format!("{field}.op"),
                format!("{var} is {} and cannot be compared with {}", var.var_type(), raw.op),
            ));
        }
        let one = |v: &toml::Value| -> Result<Value, PackError> {
            let bad = || ctx.invalid(c.span(), format!("{field}.value"), format!("`{v:?}` is not a {} value for {var}", var.var_type()));
            Ok(match (var.var_type(), v) {
                (VarType::Integer, toml::Value::Integer(n)) => Value::Integer(*n),
                (VarType::Decimal, toml::Value::Integer(n)) => Value::Decimal(Decimal::from(*n)),
                (VarType::Decimal, toml::Value::String(s)) => Value::Decimal(Decimal::from_str(s).map_err(|_| bad())?),
                (VarType::Text, toml::Value::String(s)) => Value::Text(Arc::from(s.as_str())),
                (VarType::Boolean, toml::Value::Boolean(b)) => Value::Boolean(*b),
                _ => return Err(bad()),
            })
        };
        let value = match (&raw.value, op) {
            (toml::Value::Array(items), CompareOp::In) => items.iter().map(one).collect::<Result<Vec<_>, _>>()?,
            (_, CompareOp::In) => return Err(ctx.invalid(c.span(), format!("{field}.value"), "`in` needs a list")),
            (v, _) => vec![one(v)?],
        };
        Ok(Condition { var, op, value })
    }
}
