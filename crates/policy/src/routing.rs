//! Routing rules: where each policy of a legacy book goes while the book
//! moves onto this system in waves (`docs/migration.md`).
//!
//! A rules file (TOML, `routing_version = 1`) lists rules, each with a
//! priority, conditions on the policy's fields and on its data-quality
//! results ([`Quality`]), and a destination: a named wave of this server,
//! the legacy system (the policy stays there), or the data-quality queue.
//! [`Rules::route`] tries the rules from the lowest priority number up; the
//! first whose every condition holds decides, and the file's `default`
//! decides the rest. Every decision says which rule made it and why
//! ([`Routed`]), so a migration can show where any policy goes and why.
//!
//! **Errors name the line:** [`Rules::parse`] refuses a file with an unknown
//! key, field or operator, a value of the wrong type for its field, two
//! rules with one priority, or a destination it does not know, each as a
//! [`RoutingError`] with the file and line.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;
use toml::Spanned;
use uw_rating::Action;

use crate::canonical::{CanonicalPolicy, CanonicalStatus};

/// The version of the rules format this crate reads.
pub const ROUTING_VERSION: i64 = 1;

/// Why a rules file was refused: each names the file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    /// Not TOML, or a key the format does not have.
    #[error("{file}:{line}: {message}")]
    Toml { file: String, line: usize, message: String },
    /// `routing_version` is not 1.
    #[error("{file}:{line}: routing_version {found} is not {ROUTING_VERSION}, the version this reader reads")]
    Version { file: String, line: usize, found: i64 },
    /// A condition that cannot be read: an unknown field or operator, or a
    /// value its field cannot hold.
    #[error("{file}:{line}: rule \"{rule}\": condition `{condition}`: {message}")]
    Condition { file: String, line: usize, rule: String, condition: String, message: String },
    /// A destination other than `legacy`, `quality-queue` or `wave:NAME`.
    #[error(
        "{file}:{line}: destination `{found}` is not \"legacy\", \"quality-queue\" or \"wave:NAME\" (a name of letters, digits, - and _)"
    )]
    Destination { file: String, line: usize, found: String },
    /// Two rules share a priority, so their order would be a guess.
    #[error(
        "{file}:{line}: rule \"{rule}\" has priority {priority}, the same as rule \"{other}\" on line {other_line}; give each rule its own"
    )]
    Priority { file: String, line: usize, rule: String, priority: i64, other: String, other_line: usize },
    /// Two rules share a name, so a decision could not say which decided.
    #[error("{file}:{line}: a rule named \"{rule}\" is already on line {other_line}; give each rule its own name")]
    Name { file: String, line: usize, rule: String, other_line: usize },
}

/// Where a policy goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "to", content = "wave")]
pub enum Destination {
    /// Migrated onto this server in the named wave.
    Wave(String),
    /// Stays in the legacy system, which remains its system of record.
    Legacy,
    /// Held back until its data is corrected.
    QualityQueue,
}

impl Destination {
    /// The wave, where it goes to one.
    pub fn wave(&self) -> Option<&str> {
        match self {
            Self::Wave(w) => Some(w),
            _ => None,
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Wave(w) => write!(f, "wave:{w}"),
            Self::Legacy => f.write_str("legacy"),
            Self::QualityQueue => f.write_str("quality-queue"),
        }
    }
}

impl FromStr for Destination {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "legacy" => Ok(Self::Legacy),
            "quality-queue" => Ok(Self::QualityQueue),
            _ => match s.strip_prefix("wave:") {
                Some(name) if valid_name(name) => Ok(Self::Wave(name.to_owned())),
                _ => Err(()),
            },
        }
    }
}

/// A wave's name: 1 to 64 letters, digits, `-` and `_`.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// One data-quality check of a policy, failed or not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The legacy system's written premium is given.
    WrittenPremium,
    /// Every vehicle has a VIN (personal auto).
    Vin,
    /// This system's pack for the policy rates it.
    Rates,
    /// No other policy of the book insures the same applicant at the same
    /// address for the same product ([`duplicate_numbers`]).
    Unique,
    /// The term has not ended on the day the book is routed.
    Current,
}

impl Check {
    /// Every check, in the order reports list them.
    pub const ALL: [Self; 5] = [Self::WrittenPremium, Self::Vin, Self::Rates, Self::Unique, Self::Current];

    pub const fn name(self) -> &'static str {
        match self {
            Self::WrittenPremium => "written-premium",
            Self::Vin => "vin",
            Self::Rates => "rates",
            Self::Unique => "unique",
            Self::Current => "current",
        }
    }

    /// What a failure means, in words.
    pub const fn failure(self) -> &'static str {
        match self {
            Self::WrittenPremium => "the legacy premium is missing",
            Self::Vin => "a vehicle has no VIN",
            Self::Rates => "this system's rate pack does not rate it",
            Self::Unique => "another policy of the book insures the same applicant at the same address for the same product",
            Self::Current => "its term has ended",
        }
    }
}

/// How this system rated a policy of the book, where a pack was at hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rated {
    /// The total the pack charges and its underwriting decision.
    Rated { total: Decimal, decision: Action },
    /// The pack refused the policy (the sentence says why).
    Refused(String),
}

impl Rated {
    /// How `packs` rate `policy`: the pack in force on its term's first
    /// day (for new business or renewals, as the policy says), chosen as
    /// the desktops and the server choose ([`uw_rating::select_pack`]).
    pub fn with<'a>(packs: impl IntoIterator<Item = &'a uw_rating::RatePack>, policy: &CanonicalPolicy) -> Self {
        let q = &policy.rating;
        let pack = match uw_rating::select_pack(packs, &q.state, q.product, q.effective_date, q.renewal) {
            Ok(pack) => pack,
            Err(e) => return Self::Refused(e.to_string()),
        };
        match policy.valid_rating().map_err(|e| e.to_string()).and_then(|quote| uw_rating::rate(pack, &quote).map_err(|e| e.to_string())) {
            Ok(r) => Self::Rated { total: r.total, decision: r.decision.action },
            Err(e) => Self::Refused(e),
        }
    }
}

/// A policy's data-quality results: the checks that apply to it and those
/// it failed, with what rating it here gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quality {
    /// The checks that apply and passed.
    pub passed: Vec<Check>,
    /// The checks that apply and failed.
    pub failed: Vec<Check>,
    /// This system's rating, where a pack was at hand.
    pub rated: Option<Rated>,
    /// `|rated - written| / written`, in percent to two places, where both
    /// are known and the written premium is not zero.
    pub difference_percent: Option<Decimal>,
}

impl Quality {
    /// Assesses `policy` on `today`: `rated` is this system's rating of it
    /// (None where no pack was at hand), `duplicate` whether its number is
    /// in the book twice or already on the server.
    pub fn assess(policy: &CanonicalPolicy, today: Date, rated: Option<Rated>, duplicate: bool) -> Self {
        let mut passed = Vec::new();
        let mut failed = Vec::new();
        let mut check = |c: Check, ok: bool| if ok { passed.push(c) } else { failed.push(c) };
        check(Check::WrittenPremium, policy.written_premium.is_some());
        if policy.rating.product == uw_rating::Product::PersonalAuto {
            check(Check::Vin, policy.rating.vehicles.iter().all(|v| v.vin.as_deref().is_some_and(|vin| !vin.trim().is_empty())));
        }
        if let Some(r) = &rated {
            check(Check::Rates, matches!(r, Rated::Rated { .. }));
        }
        check(Check::Unique, !duplicate);
        check(Check::Current, policy.term_end > today && policy.status == CanonicalStatus::InForce);
        let difference_percent = match (&rated, policy.written_premium) {
            (Some(Rated::Rated { total, .. }), Some(written)) if !written.is_zero() => {
                Some(((*total - written).abs() * Decimal::ONE_HUNDRED / written).round_dp(2))
            }
            _ => None,
        };
        Self { passed, failed, rated, difference_percent }
    }

    /// The share of the checks that apply which passed, 0 to 100, rounded
    /// down.
    pub fn score(&self) -> u32 {
        let total = self.passed.len() + self.failed.len();
        if total == 0 {
            return 100;
        }
        u32::try_from(self.passed.len() * 100 / total).unwrap_or(0)
    }
}

/// A field a condition reads, with its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    PolicyNumber,
    State,
    Product,
    Status,
    Zip,
    TermStart,
    TermEnd,
    EffectiveDate,
    TermMonths,
    Vehicles,
    Drivers,
    Renewal,
    WrittenPremium,
    Score,
    Failed,
    Rates,
    Decision,
    Difference,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Date,
    Integer,
    Decimal,
    Boolean,
}

impl Field {
    const ALL: [(&'static str, Self); 18] = [
        ("policy_number", Self::PolicyNumber),
        ("state", Self::State),
        ("product", Self::Product),
        ("status", Self::Status),
        ("zip", Self::Zip),
        ("term_start", Self::TermStart),
        ("term_end", Self::TermEnd),
        ("effective_date", Self::EffectiveDate),
        ("term_months", Self::TermMonths),
        ("vehicles", Self::Vehicles),
        ("drivers", Self::Drivers),
        ("renewal", Self::Renewal),
        ("written_premium", Self::WrittenPremium),
        ("quality.score", Self::Score),
        ("quality.failed", Self::Failed),
        ("quality.rates", Self::Rates),
        ("quality.decision", Self::Decision),
        ("quality.difference", Self::Difference),
    ];

    fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, f)| *f == self).map_or("", |(n, _)| n)
    }

    fn kind(self) -> Kind {
        match self {
            Self::PolicyNumber | Self::State | Self::Product | Self::Status | Self::Zip | Self::Failed | Self::Decision => Kind::Text,
            Self::TermStart | Self::TermEnd | Self::EffectiveDate => Kind::Date,
            Self::TermMonths | Self::Vehicles | Self::Drivers | Self::Score => Kind::Integer,
            Self::WrittenPremium | Self::Difference => Kind::Decimal,
            Self::Renewal | Self::Rates => Kind::Boolean,
        }
    }

    /// The words a text field can hold, where they are few.
    fn words(self) -> Option<&'static [&'static str]> {
        match self {
            Self::Product => Some(&["personal-auto", "homeowners-ho3"]),
            Self::Status => Some(&["in-force", "cancelled", "expired"]),
            Self::Failed => Some(&["written-premium", "vin", "rates", "unique", "current"]),
            Self::Decision => Some(&["accept", "refer", "decline"]),
            _ => None,
        }
    }
}

/// A value a condition compares with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Val {
    Text(String),
    Date(Date),
    Integer(i64),
    Decimal(Decimal),
    Boolean(bool),
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(t) => f.write_str(t),
            Self::Date(d) => write!(f, "{d}"),
            Self::Integer(n) => write!(f, "{n}"),
            Self::Decimal(d) => write!(f, "{d}"),
            Self::Boolean(b) => write!(f, "{b}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    StartsWith,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::In => "in",
            Self::NotIn => "not in",
            Self::StartsWith => "starts with",
        }
    }
}

/// One condition of a rule: `field op value`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Condition {
    text: String,
    field: Field,
    op: Op,
    values: Vec<Val>,
}

/// One rule, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub priority: i64,
    pub destination: Destination,
    /// The line of the file the rule starts on.
    pub line: usize,
    conditions: Vec<Condition>,
}

impl Rule {
    /// The rule's conditions as written.
    pub fn conditions(&self) -> impl Iterator<Item = &str> {
        self.conditions.iter().map(|c| c.text.as_str())
    }
}

/// A rules file, checked: its rules in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// The rules' own name, from the file (`name`), for reports.
    pub name: Option<String>,
    /// The rules' own revision (`revision`), recorded with each decision.
    pub revision: i64,
    /// Tried from the lowest priority number up.
    pub rules: Vec<Rule>,
    pub default: Destination,
}

/// Where one policy goes and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routed {
    pub destination: Destination,
    /// The rule that decided, or None for the file's default.
    pub rule: Option<String>,
    /// Its priority and line, where a rule decided.
    pub priority: Option<i64>,
    pub line: Option<usize>,
    /// Why, in words: each condition with the policy's own value, or that
    /// no rule matched.
    pub because: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    routing_version: Spanned<i64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    revision: Option<i64>,
    default: Spanned<String>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    priority: Spanned<i64>,
    #[serde(default)]
    when: Vec<Spanned<String>>,
    route: Spanned<String>,
}

fn line(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

impl Rules {
    /// Reads and checks a rules file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Self, RoutingError> {
        let at = |offset: usize| line(text, offset);
        let raw: RawRules = toml::from_str(text).map_err(|e| RoutingError::Toml {
            file: file.to_owned(),
            line: e.span().map_or(1, |s| at(s.start)),
            message: e.message().trim_end().to_owned(),
        })?;
        if *raw.routing_version.get_ref() != ROUTING_VERSION {
            return Err(RoutingError::Version {
                file: file.to_owned(),
                line: at(raw.routing_version.span().start),
                found: *raw.routing_version.get_ref(),
            });
        }
        let destination = |s: &Spanned<String>| {
            s.get_ref().parse::<Destination>().map_err(|()| RoutingError::Destination {
                file: file.to_owned(),
                line: at(s.span().start),
                found: s.get_ref().clone(),
            })
        };
        let default = destination(&raw.default)?;
        let mut rules: Vec<Rule> = Vec::with_capacity(raw.rule.len());
        for spanned in &raw.rule {
            let r = spanned.get_ref();
            let rule_line = at(spanned.span().start);
            let name = r.name.get_ref().trim().to_owned();
            if name.is_empty() {
                return Err(RoutingError::Toml {
                    file: file.to_owned(),
                    line: at(r.name.span().start),
                    message: "a rule's name must not be blank".into(),
                });
            }
            if let Some(other) = rules.iter().find(|o| o.name == name) {
                return Err(RoutingError::Name {
                    file: file.to_owned(),
                    line: at(r.name.span().start),
                    rule: name,
                    other_line: other.line,
                });
            }
            if let Some(other) = rules.iter().find(|o| o.priority == *r.priority.get_ref()) {
                return Err(RoutingError::Priority {
                    file: file.to_owned(),
                    line: at(r.priority.span().start),
                    rule: name,
                    priority: *r.priority.get_ref(),
                    other: other.name.clone(),
                    other_line: other.line,
                });
            }
            let mut conditions = Vec::with_capacity(r.when.len());
            for w in &r.when {
                conditions.push(condition(w.get_ref()).map_err(|message| RoutingError::Condition {
                    file: file.to_owned(),
                    line: at(w.span().start),
                    rule: name.clone(),
                    condition: w.get_ref().clone(),
                    message,
                })?);
            }
            rules.push(Rule { name, priority: *r.priority.get_ref(), destination: destination(&r.route)?, line: rule_line, conditions });
        }
        rules.sort_by_key(|r| r.priority);
        Ok(Self { name: raw.name, revision: raw.revision.unwrap_or(1), rules, default })
    }

    /// The waves the rules can send a policy to, in the order first named.
    pub fn waves(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for d in self.rules.iter().map(|r| &r.destination).chain([&self.default]) {
            if let Some(w) = d.wave() {
                if !seen.contains(&w) {
                    seen.push(w);
                }
            }
        }
        seen
    }

    /// Where `policy` goes, with its data-quality results `quality`.
    pub fn route(&self, policy: &CanonicalPolicy, quality: &Quality) -> Routed {
        for rule in &self.rules {
            let mut because = Vec::with_capacity(rule.conditions.len());
            let holds = rule.conditions.iter().all(|c| {
                let value = value_of(c.field, policy, quality);
                let ok =
                    if c.field == Field::Failed { c.holds_for_failed(&quality.failed) } else { value.as_ref().is_some_and(|v| c.holds(v)) };
                let shown = value.map_or_else(|| "none".to_owned(), |v| v.to_string());
                because.push(format!("{} (is {shown})", c.text));
                ok
            });
            if holds {
                return Routed {
                    destination: rule.destination.clone(),
                    rule: Some(rule.name.clone()),
                    priority: Some(rule.priority),
                    line: Some(rule.line),
                    because: if because.is_empty() { "the rule has no conditions".to_owned() } else { because.join(" and ") },
                };
            }
        }
        Routed {
            destination: self.default.clone(),
            rule: None,
            priority: None,
            line: None,
            because: "no rule matched; the file's default".to_owned(),
        }
    }
}

impl Condition {
    /// `quality.failed` is a set: `= vin` and `in [vin, rates]` hold when
    /// any named check failed, `!=` and `not in` when none did.
    fn holds_for_failed(&self, failed: &[Check]) -> bool {
        let any = self.values.iter().any(|v| failed.iter().any(|c| matches!(v, Val::Text(t) if t == c.name())));
        match self.op {
            Op::Eq | Op::In => any,
            _ => !any,
        }
    }

    fn holds(&self, v: &Val) -> bool {
        let first = &self.values[0];
        match self.op {
            Op::Eq => v == first,
            Op::Ne => v != first,
            Op::Lt => v < first,
            Op::Le => v <= first,
            Op::Gt => v > first,
            Op::Ge => v >= first,
            Op::In => self.values.contains(v),
            Op::NotIn => !self.values.contains(v),
            Op::StartsWith => matches!((v, first), (Val::Text(t), Val::Text(p)) if t.starts_with(p.as_str())),
        }
    }
}

/// The policy's value of `field`; None where it has none (a condition on it
/// then does not hold).
fn value_of(field: Field, p: &CanonicalPolicy, q: &Quality) -> Option<Val> {
    let count = |n: usize| Val::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    Some(match field {
        Field::PolicyNumber => Val::Text(p.policy_number.clone()),
        Field::State => Val::Text(p.rating.state.clone()),
        Field::Product => Val::Text(p.rating.product.name().to_owned()),
        Field::Status => Val::Text(p.status.name().to_owned()),
        Field::Zip => Val::Text(p.rating.applicant.address.zip.clone()),
        Field::TermStart => Val::Date(p.term_start),
        Field::TermEnd => Val::Date(p.term_end),
        Field::EffectiveDate => Val::Date(p.rating.effective_date),
        Field::TermMonths => Val::Integer(i64::from(p.rating.term_months)),
        Field::Vehicles => count(p.rating.vehicles.len()),
        Field::Drivers => count(p.rating.drivers.len()),
        Field::Renewal => Val::Boolean(p.rating.renewal),
        Field::WrittenPremium => Val::Decimal(p.written_premium?),
        Field::Score => Val::Integer(i64::from(q.score())),
        // Read as a set by `Condition::holds_for`.
        Field::Failed => Val::Text(if q.failed.is_empty() {
            "none".to_owned()
        } else {
            q.failed.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
        }),
        Field::Rates => Val::Boolean(matches!(q.rated.as_ref()?, Rated::Rated { .. })),
        Field::Decision => match q.rated.as_ref()? {
            Rated::Rated { decision, .. } => Val::Text(decision_name(*decision).to_owned()),
            Rated::Refused(_) => return None,
        },
        Field::Difference => Val::Decimal(q.difference_percent?),
    })
}

/// An underwriting decision's word.
pub fn decision_name(a: Action) -> &'static str {
    match a {
        Action::Accept => "accept",
        Action::Refer => "refer",
        Action::Decline => "decline",
    }
}

/// Reads `field op value`.
fn condition(text: &str) -> Result<Condition, String> {
    let t = text.trim();
    let field_end = t.find(|c: char| c.is_whitespace() || matches!(c, '=' | '!' | '<' | '>')).unwrap_or(t.len());
    let (name, rest) = t.split_at(field_end);
    let field = Field::named(name).ok_or_else(|| {
        let names: Vec<&str> = Field::ALL.iter().map(|(n, _)| *n).collect();
        format!("`{name}` is not a field rules can read ({})", names.join(", "))
    })?;
    let rest = rest.trim_start();
    let ops = [
        ("not in ", Op::NotIn),
        ("in ", Op::In),
        ("starts with ", Op::StartsWith),
        ("!=", Op::Ne),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("=", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];
    let (op, value) = ops
        .iter()
        .find_map(|(sym, op)| rest.strip_prefix(sym).map(|v| (*op, v.trim())))
        .ok_or_else(|| format!("after `{name}` comes an operator: =, !=, <, <=, >, >=, in, not in or starts with"))?;
    if value.is_empty() {
        return Err(format!("`{}` needs a value", op.symbol()));
    }
    let kind = field.kind();
    let values = if matches!(op, Op::In | Op::NotIn) {
        let inner = value
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .ok_or_else(|| format!("`{}` takes a list in brackets, such as [TX, OK]", op.symbol()))?;
        let items: Vec<&str> = inner.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if items.is_empty() {
            return Err("the list is empty".into());
        }
        items.into_iter().map(|v| typed(field, v)).collect::<Result<Vec<_>, _>>()?
    } else {
        vec![typed(field, value)?]
    };
    match (op, kind) {
        (Op::Lt | Op::Le | Op::Gt | Op::Ge, Kind::Text | Kind::Boolean) => {
            return Err(format!("{} is {}, which has no order; use =, !=, in or not in", field.name(), kind_name(kind)));
        }
        (Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::StartsWith, _) if field == Field::Failed => {
            return Err("quality.failed is the set of failed checks; use =, !=, in or not in".into());
        }
        (Op::StartsWith, k) if k != Kind::Text => {
            return Err(format!("`starts with` reads text, and {} is {}", field.name(), kind_name(k)))
        }
        _ => {}
    }
    Ok(Condition { text: t.to_owned(), field, op, values })
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Text => "text",
        Kind::Date => "a date",
        Kind::Integer => "a whole number",
        Kind::Decimal => "a number",
        Kind::Boolean => "true or false",
    }
}

/// `text` (quotes around it optional) as a value of `field`.
fn typed(field: Field, text: &str) -> Result<Val, String> {
    let unquoted = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    let bad = || format!("`{text}` is not {} ({} is {})", kind_name(field.kind()), field.name(), kind_name(field.kind()));
    Ok(match field.kind() {
        Kind::Text => {
            if let Some(words) = field.words() {
                if !words.contains(&unquoted) {
                    return Err(format!("`{unquoted}` is not one of {}", words.join(", ")));
                }
            }
            if field == Field::State && !(unquoted.len() == 2 && unquoted.bytes().all(|b| b.is_ascii_uppercase())) {
                return Err(format!("`{unquoted}` is not a two-letter state code in capitals"));
            }
            Val::Text(unquoted.to_owned())
        }
        Kind::Date => Val::Date(Date::parse(unquoted, &time::format_description::well_known::Iso8601::DATE).map_err(|_| bad())?),
        Kind::Integer => Val::Integer(unquoted.parse().map_err(|_| bad())?),
        Kind::Decimal => Val::Decimal(Decimal::from_str(unquoted).map_err(|_| bad())?),
        Kind::Boolean => Val::Boolean(match unquoted {
            "true" => true,
            "false" => false,
            _ => return Err(bad()),
        }),
    })
}

/// The policy numbers of `book` that look like one policy kept twice: the
/// same product for the same applicant at the same address (names and
/// addresses compared without case or extra spaces). A book never holds one
/// number twice (`read_book` refuses it); a legacy system often holds one
/// risk under two numbers.
pub fn duplicate_numbers<'a>(book: impl IntoIterator<Item = &'a CanonicalPolicy>) -> HashSet<String> {
    let norm = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ");
    let mut by_key: std::collections::HashMap<(String, String, String, String), Vec<&str>> = std::collections::HashMap::new();
    for p in book {
        let a = &p.rating.applicant;
        let key = (p.rating.product.name().to_owned(), norm(&a.name), norm(&a.address.street), a.address.zip.clone());
        by_key.entry(key).or_default().push(&p.policy_number);
    }
    by_key.into_values().filter(|v| v.len() > 1).flatten().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"routing_version = 1
name = "Test plan"
revision = 3
default = "legacy"

[[rule]]
name = "bad data"
priority = 10
when = ["quality.score < 80"]
route = "quality-queue"

[[rule]]
name = "Texas auto"
priority = 20
when = ["product = personal-auto", "state in [TX, OK]", "vehicles <= 2"]
route = "wave:tx-1"
"#;

    fn policy() -> CanonicalPolicy {
        let line = r#"{"model_version":1,"policy_number":"L-1","status":"in-force","term_start":"2026-02-01","term_end":"2027-02-01","written_premium":"1000.00","source_line":3,"rating":{"product":"personal-auto","state":"TX","effective_date":"2026-02-01","term_months":12,"renewal":false,"applicant":{"name":"Michael Johnson","address":{"street":"1603 S Congress Ave","city":"Austin","state":"TX","zip":"78704"}},"drivers":[{"name":"Michael Johnson","date_of_birth":"1980-03-17","license_date":"1996-04-01","violations":[],"accidents":[],"good_student":false,"defensive_driving":false}],"vehicles":[{"vin":"KM8JBCAE7RU788397","year":2024,"make":"Hyundai","model":"Tucson","use":"commute","annual_miles":13000,"garaging_zip":"78704","anti_theft":false,"principal_driver":0}],"dwelling":null,"coverages":[{"code":"BI","limit":"50/100","deductible":null,"vehicles":null},{"code":"PD","limit":"50000","deductible":null,"vehicles":null},{"code":"UM","limit":"50/100","deductible":null,"vehicles":null},{"code":"MED","limit":"5000","deductible":null,"vehicles":null},{"code":"COMP","limit":null,"deductible":"500","vehicles":null},{"code":"COLL","limit":null,"deductible":"500","vehicles":null}],"prior_claims":[],"credit_tier":"good","installment_plan":"two-pay"}}"#;
        serde_json::from_str(line).expect("policy")
    }

    fn today() -> Date {
        Date::from_calendar_date(2026, time::Month::December, 7).expect("date")
    }

    #[test]
    fn rules_are_tried_by_priority_and_say_why() {
        let rules = Rules::parse(RULES, "r.toml").expect("parses");
        assert_eq!(rules.waves(), ["tx-1"]);
        let p = policy();
        let q = Quality::assess(&p, today(), None, false);
        assert_eq!(q.score(), 100);
        let routed = rules.route(&p, &q);
        assert_eq!(routed.destination, Destination::Wave("tx-1".into()));
        assert_eq!(routed.rule.as_deref(), Some("Texas auto"));
        assert_eq!(routed.line, Some(12));
        assert!(routed.because.contains("state in [TX, OK] (is TX)"), "{}", routed.because);
        // A duplicate fails one of four checks: 75, under 80, the queue.
        let q = Quality::assess(&p, today(), None, true);
        assert_eq!(q.score(), 75);
        assert_eq!(rules.route(&p, &q).destination, Destination::QualityQueue);
        let mut other = p.clone();
        other.rating.state = "CA".into();
        let routed = rules.route(&other, &Quality::assess(&other, today(), None, false));
        assert_eq!((routed.destination, routed.rule), (Destination::Legacy, None));
    }

    #[test]
    fn failed_checks_are_a_set() {
        let text = "routing_version = 1\ndefault = \"legacy\"\n[[rule]]\nname = \"vin\"\npriority = 1\nwhen = [\"quality.failed in [vin, rates]\"]\nroute = \"quality-queue\"\n[[rule]]\nname = \"clean\"\npriority = 2\nwhen = [\"quality.failed = none\"]\nroute = \"wave:w\"\n";
        assert!(Rules::parse(text, "r.toml").is_err(), "`none` is not a check's name");
        let rules =
            Rules::parse(&text.replace("= none", "not in [vin, rates, unique, current, written-premium]"), "r.toml").expect("parses");
        let mut p = policy();
        assert_eq!(rules.route(&p, &Quality::assess(&p, today(), None, false)).destination, Destination::Wave("w".into()));
        p.rating.vehicles[0].vin = None;
        let q = Quality::assess(&p, today(), None, false);
        assert_eq!(q.failed, [Check::Vin]);
        let routed = rules.route(&p, &q);
        assert_eq!(routed.destination, Destination::QualityQueue);
        assert!(routed.because.contains("(is vin)"), "{}", routed.because);
    }

    #[test]
    fn the_difference_is_a_percentage_of_the_written_premium() {
        let p = policy();
        let q = Quality::assess(&p, today(), Some(Rated::Rated { total: Decimal::new(103_456, 2), decision: Action::Accept }), false);
        assert_eq!(q.difference_percent, Some(Decimal::new(346, 2)));
        let rules = Rules::parse(
            "routing_version = 1\ndefault = \"legacy\"\n[[rule]]\nname = \"close\"\npriority = 1\nwhen = [\"quality.difference <= 5\", \"quality.decision = accept\"]\nroute = \"wave:a\"\n",
            "r.toml",
        )
        .expect("parses");
        assert_eq!(rules.route(&p, &q).destination, Destination::Wave("a".into()));
        let far = Quality::assess(&p, today(), Some(Rated::Rated { total: Decimal::new(2000, 0), decision: Action::Accept }), false);
        assert_eq!(rules.route(&p, &far).destination, Destination::Legacy);
        // Without a rating the difference is unknown, and the rule does not hold.
        assert_eq!(rules.route(&p, &Quality::assess(&p, today(), None, false)).destination, Destination::Legacy);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("routing_version = 2\ndefault = \"legacy\"\n", "r.toml:1: routing_version 2 is not 1"),
            ("routing_version = 1\ndefault = \"elsewhere\"\n", "r.toml:2: destination `elsewhere`"),
            (
                "routing_version = 1\ndefault = \"legacy\"\n[[rule]]\nname = \"a\"\npriority = 1\nwhen = [\"colour = red\"]\nroute = \"legacy\"\n",
                "r.toml:6: rule \"a\": condition `colour = red`: `colour` is not a field",
            ),
            (
                "routing_version = 1\ndefault = \"legacy\"\n[[rule]]\nname = \"a\"\npriority = 1\nwhen = [\"vehicles <= two\"]\nroute = \"legacy\"\n",
                "r.toml:6: rule \"a\": condition `vehicles <= two`: `two` is not a whole number",
            ),
            (
                "routing_version = 1\ndefault = \"legacy\"\n[[rule]]\nname = \"a\"\npriority = 1\nwhen = [\"state < TX\"]\nroute = \"legacy\"\n",
                "has no order",
            ),
            (
                "routing_version = 1\ndefault = \"legacy\"\n[[rule]]\nname = \"a\"\npriority = 1\nroute = \"legacy\"\n[[rule]]\nname = \"b\"\npriority = 1\nroute = \"legacy\"\n",
                "r.toml:9: rule \"b\" has priority 1, the same as rule \"a\" on line 3",
            ),
            (
                "routing_version = 1\ndefault = \"legacy\"\n[[rule]]\nname = \"a\"\npriority = 1\nroute = \"wave:bad name\"\n",
                "r.toml:6: destination `wave:bad name`",
            ),
            ("routing_version = 1\ndefault = \"legacy\"\ncolour = 1\n", "r.toml:3: unknown field `colour`"),
            (
                "routing_version = 1\ndefault = \"legacy\"\n[[rule]]\nname = \"a\"\npriority = 1\nwhen = [\"status = active\"]\nroute = \"legacy\"\n",
                "`active` is not one of in-force, cancelled, expired",
            ),
        ];
        for (text, expected) in cases {
            let error = Rules::parse(text, "r.toml").expect_err(text).to_string();
            assert!(error.starts_with(expected) || error.contains(expected), "{error}\n  expected {expected}");
        }
    }
}
