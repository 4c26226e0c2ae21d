//! A rate pack compiled for pricing many quotes: the premiums and totals the
//! engine gives to the cent, and for [`rate`] the whole rating (every
//! worksheet line, the driver assignment, the risk score, the underwriting
//! decision), at a fraction of the cost.
//!
//! What the engine does per rating unit with shared values, the plan does
//! once per quote with integers:
//!
//! - **Facts are slots.** Every variable is an `i64`: integers and booleans
//!   as they are, text as its index among the words the pack itself uses
//!   for that variable (a ZIP, a use, a limit), or [`UNKNOWN`], which equals
//!   none of them. The policy's, each vehicle's and each driver's slots are
//!   written once (by the engine's own fact derivation, through
//!   [`FactSink`]) and a rating unit reads them through a [`View`]; nothing
//!   is copied per unit or per driver-vehicle pair, and nothing allocates
//!   per fact.
//! - **Tables are indexed by slots**: a vector by text index, a hash of
//!   integers, bands by bisection; each value carries its `f64` for the
//!   driver assignment's estimates.
//! - **Eligibility** for a discount or surcharge is tested once per unit,
//!   not once per coverage.
//!
//! - **Worksheets cost nothing when nobody reads them.** The premium's steps
//!   take a [`Record`]: `()` when a book is priced (the compiler removes
//!   every line), a list of lines for [`rate`].
//!
//! The arithmetic is the engine's: the same `Decimal` operations in the same
//! order with the same rounding, so the premiums are the same values with
//! the same scale. A pack the plan cannot model (a table keyed by a decimal
//! variable, more than 64 coverages or adjustments) has no plan, and a quote
//! the plan cannot finish (a look-up with no row, an input error) is priced
//! by the engine, which gives the answer or the error with its message.
//! `tests/compiled.rs` checks the plan against the engine on random quotes
//! for every bundled pack: the premiums, and the whole rating as JSON.

use std::collections::BTreeSet;
use std::sync::Arc;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

mod fixed;

use fixed::{Bail, Fixed};

use crate::engine::{self, CoveragePremium, DriverAssignment, Fact, FactSink, Ranking, Rating, RiskScore, Subject};
use crate::error::RatingError;
use crate::pack::digest::PackDigest;
use crate::pack::jurisdiction::Statutory;
use crate::pack::table::{interpolate, Cell, Node, Table};
use crate::pack::{Adjustment, CompareOp, Condition, Eligibility, Per, RatePack, RiskUsage, StepKind};
use crate::quote::{Product, ValidQuote};
use crate::variable::{Scope, Value, VarType, Variable};
use crate::worksheet::{Key, KeyValue, Line, Noted, Operation, SheetText, Worksheet};

const N_VARS: usize = Variable::ALL.len();
const _: () = assert!(N_VARS <= 64, "a slot's presence is a bit of a u64");

/// The code of a text the pack never mentions: it equals none of its words.
const UNKNOWN: i64 = -1;

/// Where each decimal variable keeps its value in [`Slots::decimals`].
const DECIMAL_SLOT: [usize; N_VARS] = {
    let mut out = [usize::MAX; N_VARS];
    let (mut i, mut k) = (0, 0);
    while i < N_VARS {
        if matches!(Variable::ALL[i].var_type(), VarType::Decimal) {
            out[i] = k;
            k += 1;
        }
        i += 1;
    }
    out
};

const N_DECIMALS: usize = {
    let (mut i, mut k) = (0, 0);
    while i < N_VARS {
        if matches!(Variable::ALL[i].var_type(), VarType::Decimal) {
            k += 1;
        }
        i += 1;
    }
    k
};

/// One entity's facts (the policy with its dwelling, a vehicle or a
/// driver), by variable.
#[derive(Clone)]
struct Slots {
    values: [i64; N_VARS],
    /// Bit `i` set: variable `i` has a value.
    set: u64,
    decimals: [Decimal; N_DECIMALS],
    /// A fact of another type than its variable's: the engine prices it.
    mismatch: bool,
    /// The value of each table keyed only by this entity's variables (in
    /// the plan's `entity_tables` order), looked up once (a driver's record is read by
    /// every coverage of every vehicle they drive, and by the assignment).
    found: Vec<Option<Found>>,
}

impl Slots {
    fn new() -> Self {
        Self { values: [0; N_VARS], set: 0, decimals: [Decimal::ZERO; N_DECIMALS], mismatch: false, found: Vec::new() }
    }

    fn get(&self, var: Variable) -> Option<i64> {
        let i = var as usize;
        (self.set >> i & 1 == 1).then(|| self.values[i])
    }

    /// Empties the slots for another entity (the memory is kept).
    fn reset(&mut self) {
        self.set = 0;
        self.mismatch = false;
        self.found.clear();
    }
}

impl Default for Slots {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    /// Each thread's facts, written over for every quote it prices.
    static RECYCLED: std::cell::RefCell<(Priced, Buffers)> = std::cell::RefCell::new(Default::default());
}

/// Writes facts into slots, encoding text by the pack's words.
struct Encode<'a> {
    slots: &'a mut Slots,
    words: &'a Words,
}

impl FactSink for Encode<'_> {
    fn set(&mut self, var: Variable, fact: Fact<'_>) {
        let i = var as usize;
        let value = match (fact, var.var_type()) {
            (Fact::Integer(n), VarType::Integer) => n,
            (Fact::Boolean(b), VarType::Boolean) => i64::from(b),
            (Fact::Text(t), VarType::Text) => self.words.code(var, t),
            (Fact::Decimal(d), VarType::Decimal) => {
                self.slots.decimals[DECIMAL_SLOT[i]] = d;
                0
            }
            _ => {
                self.slots.mismatch = true;
                return;
            }
        };
        self.slots.values[i] = value;
        self.slots.set |= 1 << i;
    }
}

/// Per text variable, the pack's words and their codes, and each code's
/// word (to write a worksheet's keys).
#[derive(Debug, Clone, PartialEq)]
struct Words {
    codes: Vec<FxHashMap<Box<str>, i64>>,
    words: Vec<Vec<Arc<str>>>,
}

impl Words {
    fn new() -> Self {
        Self { codes: vec![FxHashMap::default(); N_VARS], words: vec![Vec::new(); N_VARS] }
    }

    fn add(&mut self, var: Variable, word: &str) {
        let map = &mut self.codes[var as usize];
        if !map.contains_key(word) {
            let code = i64::try_from(map.len()).unwrap_or(i64::MAX);
            map.insert(Box::from(word), code);
            self.words[var as usize].push(Arc::from(word));
        }
    }

    fn code(&self, var: Variable, word: &str) -> i64 {
        self.codes[var as usize].get(word).copied().unwrap_or(UNKNOWN)
    }

    /// The word of a code; `None` for [`UNKNOWN`].
    fn word(&self, var: Variable, code: i64) -> Option<&Arc<str>> {
        self.words[var as usize].get(usize::try_from(code).ok()?)
    }

    fn len(&self, var: Variable) -> usize {
        self.codes[var as usize].len()
    }
}

/// The selected limit and deductible of the coverage being priced.
#[derive(Debug, Clone, Copy, Default)]
struct ChoiceSlots {
    limit: Option<i64>,
    deductible: Option<i64>,
}

/// What one rating unit reads: the policy's facts, its vehicle's and
/// driver's, and the coverage's choice; a side of the driver assignment
/// reads only some of them.
#[derive(Clone, Copy)]
struct View<'a> {
    policy: Option<&'a Slots>,
    vehicle: Option<&'a Slots>,
    driver: Option<&'a Slots>,
    choice: Option<&'a ChoiceSlots>,
}

impl<'a> View<'a> {
    fn slots(&self, var: Variable) -> Option<&'a Slots> {
        match var.scope() {
            Scope::Policy | Scope::Dwelling => self.policy,
            Scope::Vehicle => self.vehicle,
            Scope::Driver => self.driver,
            Scope::Coverage => None,
        }
    }

    fn get(&self, var: Variable) -> Option<i64> {
        match var {
            Variable::Limit => self.choice.and_then(|c| c.limit),
            Variable::Deductible => self.choice.and_then(|c| c.deductible),
            _ => self.slots(var)?.get(var),
        }
    }

    /// The value of a numeric variable as the engine's `as_decimal` gives it.
    fn decimal(&self, var: Variable) -> Option<Decimal> {
        let n = self.get(var)?;
        match var.var_type() {
            VarType::Integer => Some(Decimal::from(n)),
            VarType::Decimal => self.slots(var).map(|s| s.decimals[DECIMAL_SLOT[var as usize]]),
            VarType::Text | VarType::Boolean => None,
        }
    }

    /// As the engine's `as_integer` gives it.
    fn integer(&self, var: Variable) -> Option<i64> {
        match var.var_type() {
            VarType::Integer => self.get(var),
            VarType::Decimal => self.decimal(var).filter(|d| d.fract().is_zero()).and_then(|d| i64::try_from(d).ok()),
            VarType::Text | VarType::Boolean => None,
        }
    }
}

/// A table node indexed by slots.
#[derive(Debug, Clone, PartialEq)]
enum CNode {
    Miss,
    Leaf(Found),
    /// A text key, by code.
    Codes(Vec<CNode>),
    Integers(FxHashMap<i64, CNode>),
    /// A boolean key: `[false, true]`.
    Booleans(Box<[CNode; 2]>),
    Bands(Vec<(Option<i64>, Option<i64>, CNode)>),
    /// Points to interpolate between (the last key), and their labels'
    /// numbers.
    Interpolate(Vec<(Decimal, Cell)>, Vec<Option<u32>>, u32),
}

/// A table as one step reads it: its keys' variables fixed.
#[derive(Debug, Clone, PartialEq)]
struct CTable {
    /// The number of the pack's name for it in the worksheets' text.
    name: u32,
    keys: Vec<Variable>,
    root: CNode,
    /// Whether it interpolates (then a worksheet line notes between what).
    interpolates: bool,
}

fn interpolates(node: &CNode) -> bool {
    match node {
        CNode::Miss | CNode::Leaf(_) => false,
        CNode::Interpolate(..) => true,
        CNode::Codes(next) => next.iter().any(interpolates),
        CNode::Integers(map) => map.values().any(interpolates),
        CNode::Booleans(pair) => pair.iter().any(interpolates),
        CNode::Bands(bands) => bands.iter().any(|(_, _, next)| interpolates(next)),
    }
}

/// The row a look-up found, or the value it interpolated (with the number
/// of the point's label, where it is a point's own value).
enum Hit<'t> {
    Row(&'t Found),
    /// The value, the point's label, the pair of points it lies between.
    Interpolated(crate::pack::table::Found, Option<u32>, Option<u32>),
}

impl CTable {
    fn compile(table: &Table, keys: &[Variable], words: &Words, sheet: &mut SheetText) -> Option<Self> {
        let root = compile_node(&table.root, keys, 0, words, sheet)?;
        Some(Self { name: sheet.add(&table.name), keys: keys.to_vec(), interpolates: interpolates(&root), root })
    }

    /// The value for a view, with its `f64` (for ranks); `None` when a key
    /// has no value or no row matches.
    fn find(&self, view: &View<'_>) -> Option<Found> {
        match self.hit(view)? {
            Hit::Row(found) => Some(*found),
            Hit::Interpolated(found, label, _) => Some(Found { label: label.unwrap_or(NO_LABEL), ..Found::of(found.value) }),
        }
    }

    #[inline(always)]
    fn hit(&self, view: &View<'_>) -> Option<Hit<'_>> {
        let mut node = &self.root;
        for var in &self.keys {
            node = match node {
                CNode::Miss | CNode::Leaf { .. } => return None,
                CNode::Codes(by_code) => by_code.get(usize::try_from(view.get(*var)?).ok()?)?,
                CNode::Integers(map) => map.get(&view.get(*var)?)?,
                CNode::Booleans(pair) => &pair[usize::from(view.get(*var)? != 0)],
                CNode::Bands(bands) => {
                    let n = view.integer(*var)?;
                    let i = bands.partition_point(|(_, to, _)| to.is_some_and(|to| to < n));
                    let (from, _, next) = bands.get(i)?;
                    if from.is_some_and(|from| from > n) {
                        return None;
                    }
                    next
                }
                CNode::Interpolate(points, labels, first_between) => {
                    // The table's own arithmetic, exact in `Decimal`.
                    let x = view.decimal(*var)?;
                    let found = interpolate(points, x)?;
                    let at = points.partition_point(|(px, _)| *px < x);
                    // A point's own value carries its label; a value
                    // between two points notes them.
                    let (label, between) = match found.between {
                        None => (labels.get(at).copied().flatten(), None),
                        Some(_) => (None, u32::try_from(at).ok().and_then(|at| first_between.checked_add(at.checked_sub(1)?))),
                    };
                    return Some(Hit::Interpolated(found, label, between));
                }
            };
        }
        match node {
            CNode::Leaf(found) => Some(Hit::Row(found)),
            _ => None,
        }
    }
}

/// A table's value, or a constant, in each form the plan uses.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Found {
    value: Decimal,
    /// For the driver assignment's estimates.
    approx: f64,
    /// [`Fixed::NONE`] where the value has no fixed form. Kept small (48
    /// bytes with the label): every look-up of a book copies one.
    fixed: Fixed,
    /// The number of the row's label in the worksheets' text, or
    /// [`NO_LABEL`].
    label: u32,
}

/// A row without a label.
const NO_LABEL: u32 = u32::MAX;

impl Found {
    fn of(value: Decimal) -> Self {
        Self { value, approx: approx(value), fixed: Fixed::of(value).unwrap_or(Fixed::NONE), label: NO_LABEL }
    }

    fn label(&self) -> Option<u32> {
        (self.label != NO_LABEL).then_some(self.label)
    }
}

const _: () = assert!(std::mem::size_of::<Found>() <= 48, "a table row stays within 48 bytes");

/// The `f64` the engine's ranks use for a decimal.
fn approx(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(1.0)
}

fn compile_node(node: &Node, keys: &[Variable], depth: usize, words: &Words, sheet: &mut SheetText) -> Option<CNode> {
    let Some(var) = keys.get(depth).copied() else {
        return Some(match node {
            Node::Leaf(cell) => {
                CNode::Leaf(Found { label: cell.label.as_ref().map_or(NO_LABEL, |l| sheet.add(l)), ..Found::of(cell.value) })
            }
            _ => CNode::Miss,
        });
    };
    Some(match node {
        Node::Leaf(_) => CNode::Miss,
        Node::Exact(map) => match var.var_type() {
            VarType::Text => {
                let mut by_code = vec![CNode::Miss; words.len(var)];
                for (key, next) in map {
                    let code = usize::try_from(words.code(var, key)).ok()?;
                    by_code[code] = compile_node(next, keys, depth + 1, words, sheet)?;
                }
                CNode::Codes(by_code)
            }
            VarType::Integer => {
                let mut out = FxHashMap::default();
                // The engine matches an integer by its decimal text, so
                // "007" is no key of 7.
                for (key, next) in map {
                    if let Some(n) = key.parse::<i64>().ok().filter(|n| n.to_string() == *key) {
                        out.insert(n, compile_node(next, keys, depth + 1, words, sheet)?);
                    }
                }
                CNode::Integers(out)
            }
            VarType::Boolean => {
                let mut at = |key: &str| map.get(key).map_or(Some(CNode::Miss), |next| compile_node(next, keys, depth + 1, words, sheet));
                let no = at("false")?;
                CNode::Booleans(Box::new([no, at("true")?]))
            }
            // Its text depends on the quote's scale: the engine's business.
            VarType::Decimal => return None,
        },
        Node::Bands(bands) => match var.var_type() {
            VarType::Integer | VarType::Decimal => {
                let mut out = Vec::with_capacity(bands.len());
                for band in bands {
                    out.push((band.from, band.to, compile_node(&band.node, keys, depth + 1, words, sheet)?));
                }
                CNode::Bands(out)
            }
            VarType::Text | VarType::Boolean => CNode::Miss,
        },
        Node::Interpolate(points) => match var.var_type() {
            VarType::Integer | VarType::Decimal => {
                let labels = points.iter().map(|(_, cell)| cell.label.as_ref().map(|l| sheet.add(l))).collect();
                let first_between = u32::try_from(sheet.between_len()).unwrap_or(u32::MAX);
                for pair in points.windows(2) {
                    sheet.add_between(((pair[0].0, pair[0].1.value), (pair[1].0, pair[1].1.value)));
                }
                CNode::Interpolate(points.clone(), labels, first_between)
            }
            VarType::Text | VarType::Boolean => CNode::Miss,
        },
    })
}

/// A condition's constant, compiled against its variable's type.
#[derive(Debug, Clone)]
enum Constant {
    /// The same type as the variable, encoded as its slots are (integers,
    /// text codes, booleans): equal when the slots are, ordered as numbers
    /// for integers.
    Same(i64),
    /// A number compared as a decimal (an integer variable against a
    /// decimal constant, or a decimal variable).
    Number(Decimal),
    /// Never equal, never ordered (text against a number, say).
    Never,
}

#[derive(Debug, Clone)]
struct CCondition {
    var: Variable,
    op: CompareOp,
    constants: Vec<Constant>,
}

impl CCondition {
    fn compile(c: &Condition, words: &Words) -> Self {
        let ty = c.var.var_type();
        let constants = c
            .value
            .iter()
            .map(|v| match (ty, v) {
                (VarType::Integer, Value::Integer(n)) => Constant::Same(*n),
                (VarType::Text, Value::Text(t)) => Constant::Same(words.code(c.var, t)),
                (VarType::Boolean, Value::Boolean(b)) => Constant::Same(i64::from(*b)),
                (VarType::Integer | VarType::Decimal, Value::Integer(_) | Value::Decimal(_)) => {
                    v.as_decimal().map_or(Constant::Never, Constant::Number)
                }
                _ => Constant::Never,
            })
            .collect();
        Self { var: c.var, op: c.op, constants }
    }

    /// As the engine's `compare`: a variable without a value meets no condition.
    fn holds(&self, view: &View<'_>) -> bool {
        use std::cmp::Ordering;
        let Some(slot) = view.get(self.var) else { return false };
        let numeric = matches!(self.var.var_type(), VarType::Integer | VarType::Decimal);
        let ord = |c: &Constant| -> Option<Ordering> {
            match c {
                Constant::Same(k) if self.var.var_type() == VarType::Integer => Some(slot.cmp(k)),
                Constant::Number(k) if numeric => view.decimal(self.var).map(|d| d.cmp(k)),
                _ => None,
            }
        };
        let equal = |c: &Constant| match c {
            Constant::Same(k) => slot == *k && (self.var.var_type() != VarType::Text || slot != UNKNOWN),
            Constant::Number(_) => ord(c) == Some(Ordering::Equal),
            Constant::Never => false,
        };
        let first = self.constants.first();
        match self.op {
            CompareOp::Eq => first.is_some_and(equal),
            CompareOp::Ne => first.is_some_and(|c| !equal(c)),
            CompareOp::Lt => first.and_then(ord).is_some_and(Ordering::is_lt),
            CompareOp::Le => first.and_then(ord).is_some_and(Ordering::is_le),
            CompareOp::Gt => first.and_then(ord).is_some_and(Ordering::is_gt),
            CompareOp::Ge => first.and_then(ord).is_some_and(Ordering::is_ge),
            CompareOp::In => self.constants.iter().any(equal),
        }
    }
}

#[derive(Debug, Clone)]
enum CEligibility {
    Conditions(Vec<CCondition>),
    GoodDriver,
}

impl CEligibility {
    fn compile(e: &Eligibility, words: &Words) -> Self {
        match e {
            Eligibility::Conditions(cs) => Self::Conditions(cs.iter().map(|c| CCondition::compile(c, words)).collect()),
            Eligibility::Statutory(Statutory::CaGoodDriver) => Self::GoodDriver,
        }
    }

    fn holds(&self, view: &View<'_>) -> bool {
        match self {
            Self::Conditions(cs) => cs.iter().all(|c| c.holds(view)),
            Self::GoodDriver => view.get(Variable::CaGoodDriver) == Some(1),
        }
    }

    fn reads_coverage(&self) -> bool {
        matches!(self, Self::Conditions(cs) if cs.iter().any(|c| c.var.scope() == Scope::Coverage))
    }
}

/// A discount or surcharge as a premium applies it.
#[derive(Debug, Clone)]
struct CAdjustment {
    /// `1 - rate` for a discount, `1 + rate` for a surcharge.
    factor: Found,
    /// The pack's: a discount (`true`) or a surcharge, and its index in
    /// that list (for worksheets).
    source: (bool, usize),
    /// Bit per coverage index it applies to.
    coverages: u64,
    eligibility: CEligibility,
    /// Whether it reads the coverage's limit or deductible (then tested per
    /// coverage rather than once per unit).
    per_coverage: bool,
}

/// A discount or surcharge as the driver assignment's estimates apply it.
#[derive(Debug, Clone)]
struct RankAdjustment {
    factor: f64,
    coverages: u64,
    eligibility: CEligibility,
    vehicle_side: bool,
    driver_side: bool,
}

#[derive(Debug, Clone)]
enum CStep {
    Base(Found),
    Table { table: usize, base: bool },
    Multiply(Found),
    Add(Decimal),
    AtLeast(Found),
    AtMost(Found),
    Round(crate::pack::Round),
}

#[derive(Debug, Clone)]
struct CCoverage {
    per: Per,
    minimum: Option<Found>,
    steps: Vec<CStep>,
    /// Whether the risk model multiplies it.
    risk: bool,
    /// The steps the driver assignment's vehicle part reads, and its
    /// driver part's (see the engine's `parts`).
    vehicle_part: Vec<PartStep>,
    driver_part: Vec<PartStep>,
    /// Whether nothing it reads is the driver's (no table, discount,
    /// surcharge or risk factor): then a vehicle's premium is the same with
    /// every driver.
    driver_free: bool,
    /// The adjustments that apply to it, by bit; and of those, the ones
    /// whose conditions read the coverage (tested per coverage).
    adjustments: u64,
    per_coverage: u64,
}

/// A step of a side's part of a coverage.
#[derive(Debug, Clone)]
enum PartStep {
    /// A base rate: the part starts again from it.
    Set(f64),
    /// A table keyed only by the side's variables: times its value, or 1
    /// where it has none.
    Factor(usize),
}

/// The risk model, where it moves the premium.
#[derive(Debug, Clone)]
struct CRisk {
    features: Vec<CFeature>,
    min: Decimal,
    max: Decimal,
    min_f64: f64,
    max_f64: f64,
}

#[derive(Debug, Clone)]
struct CFeature {
    var: Variable,
    /// The level's code, for a text variable with a level.
    level: Option<i64>,
    base: Decimal,
    coefficient: Decimal,
}

impl CFeature {
    /// As the engine's `feature_x`.
    fn x(&self, view: &View<'_>) -> Decimal {
        let Some(slot) = view.get(self.var) else { return Decimal::ZERO };
        match (self.var.var_type(), self.level) {
            (VarType::Text, Some(level)) => Decimal::from(u8::from(slot == level && slot != UNKNOWN)),
            (VarType::Boolean, _) => Decimal::from(u8::from(slot != 0)),
            _ => view.decimal(self.var).unwrap_or(Decimal::ZERO),
        }
    }
}

impl CRisk {
    fn sum(&self, view: &View<'_>, keep: impl Fn(Variable) -> bool) -> Decimal {
        self.features.iter().filter(|f| keep(f.var)).map(|f| f.coefficient * (f.x(view) - f.base)).sum()
    }

    fn relativity(&self, view: &View<'_>) -> Decimal {
        engine::risk_exp(self.sum(view, |_| true)).clamp(self.min, self.max).round_dp(4)
    }
}

/// Where a premium's worksheet goes: nowhere when a book is priced (`()`,
/// which the compiler removes), or into a coverage's lines.
trait Record {
    /// Keeps the line `line` makes, when recording.
    fn line(&mut self, line: impl FnOnce() -> Line);
    /// Forgets the lines kept (the fixed-point premium gave up part way).
    fn clear(&mut self);
}

impl Record for () {
    #[inline(always)]
    fn line(&mut self, _: impl FnOnce() -> Line) {}

    #[inline(always)]
    fn clear(&mut self) {}
}

impl Record for Vec<Line> {
    fn line(&mut self, line: impl FnOnce() -> Line) {
        self.push(line());
    }

    fn clear(&mut self) {
        Vec::clear(self);
    }
}

/// The worksheets' text and the numbers of its words, made once per plan.
#[derive(Debug, Clone)]
struct Text {
    sheet: Arc<SheetText>,
    risk: u32,
    rounding: u32,
    /// The empty word (the key of a table with none).
    empty: u32,
    minimum: u32,
    floor: u32,
    /// By coverage, each step's label.
    steps: Vec<Vec<u32>>,
    /// By the pack's discounts, then its surcharges: (name, code).
    discounts: Vec<(u32, u32)>,
    surcharges: Vec<(u32, u32)>,
    /// By variable, the number of the first of its words (a word's number
    /// is this plus its code).
    words: Vec<u32>,
    coverage_round: crate::pack::Round,
    /// California's Good Driver discount rounds down, to the coverage's places.
    good_driver_round: crate::pack::Round,
}

impl Text {
    /// Numbers the pack's words in `sheet` (which already holds the tables'
    /// names and labels).
    fn new(pack: &RatePack, words: &Words, mut sheet: SheetText) -> Self {
        let mut fixed = |word: &str| sheet.add(&Arc::from(word));
        let (risk, rounding, minimum, floor, empty) =
            (fixed("risk score"), fixed("coverage rounding"), fixed("coverage minimum premium"), fixed("premium floor"), fixed(""));
        let steps = pack.coverages.iter().map(|c| c.steps.iter().map(|s| sheet.add(&s.label)).collect()).collect();
        let mut named = |list: &[Adjustment]| list.iter().map(|a| (sheet.add(&a.name), sheet.add(&a.code))).collect();
        let (discounts, surcharges) = (named(&pack.discounts), named(&pack.surcharges));
        let words = words
            .words
            .iter()
            .map(|list| {
                let first = u32::try_from(sheet.len()).unwrap_or(u32::MAX);
                list.iter().for_each(|w| {
                    sheet.add(w);
                });
                first
            })
            .collect();
        Self {
            sheet: Arc::new(sheet),
            risk,
            rounding,
            minimum,
            floor,
            empty,
            steps,
            discounts,
            surcharges,
            words,
            coverage_round: pack.coverage_round,
            good_driver_round: crate::pack::Round { places: pack.coverage_round.places, mode: crate::pack::RoundingMode::Down },
        }
    }

    fn coverage_round(&self, rounded: Decimal) -> Line {
        Line { note: Some(Noted::RoundTo(self.coverage_round)), ..Line::plain(self.rounding, Operation::Round, rounded, rounded) }
    }

    fn round_step(&self, step: u32, r: crate::pack::Round, rounded: Decimal) -> Line {
        Line { note: Some(Noted::RoundTo(r)), ..Line::plain(step, Operation::Round, rounded, rounded) }
    }
}

/// A rate pack compiled for pricing many quotes; see the module.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPack {
    words: Words,
    /// Whether the plan can write a whole rating (no underwriting rule or
    /// risk feature reads a coverage's limit or deductible, which a rating
    /// unit of the engine keeps from the last coverage it priced).
    full: bool,
    /// The underwriting rules' conditions, in pack order.
    rules: Vec<Vec<CCondition>>,
    /// The risk model, whatever it is used for (the score and referrals).
    score: Option<CRisk>,
    /// The worksheet's own labels and notes.
    text: Text,
    tables: Vec<CTable>,
    /// By table: the one entity whose variables key it (`Policy` for the
    /// policy and its dwelling), whose slots keep its value.
    table_scope: Vec<Option<(Scope, usize)>>,
    /// Per entity (policy, vehicle, driver): the tables it keys alone, in
    /// the order its slots keep their values.
    entity_tables: [Vec<usize>; 3],
    coverages: Vec<CCoverage>,
    /// Discounts then surcharges, in pack order, without the statutory ones.
    adjustments: Vec<CAdjustment>,
    /// The statutory Good Driver discounts: (1 - rate, coverages, index
    /// among the pack's discounts).
    good_driver: Vec<(Found, u64, usize)>,
    /// Every discount then every surcharge, for the assignment's estimates.
    ranked: Vec<RankAdjustment>,
    risk: Option<CRisk>,
}

fn coverage_bits(coverages: Option<&Vec<usize>>, n: usize) -> Option<u64> {
    match coverages {
        None => Some(if n == 64 { u64::MAX } else { (1 << n) - 1 }),
        Some(list) => list.iter().try_fold(0u64, |bits, &i| (i < 64).then(|| bits | 1 << i)),
    }
}

impl CompiledPack {
    /// The pack's plan, or `None` when it uses something the plan does not
    /// model (the engine prices every quote then).
    pub(crate) fn new(pack: &RatePack) -> Option<Self> {
        let n = pack.coverages.len();
        if n > 64 || pack.discounts.len() + pack.surcharges.len() > 64 {
            return None;
        }
        let mut words = Words::new();
        let lookups = || {
            pack.coverages.iter().flat_map(|c| &c.steps).filter_map(|s| match &s.kind {
                StepKind::BaseTable { table, keys } | StepKind::Lookup { table, keys } => Some((*table, keys.as_slice())),
                _ => None,
            })
        };
        for (table, keys) in lookups() {
            collect_words(&pack.tables[table].root, keys, 0, &mut words);
        }
        let adjustments = || pack.discounts.iter().chain(&pack.surcharges);
        for a in adjustments() {
            if let Eligibility::Conditions(cs) = &a.eligibility {
                for c in cs.iter().filter(|c| c.var.var_type() == VarType::Text) {
                    for v in &c.value {
                        if let Value::Text(t) = v {
                            words.add(c.var, t);
                        }
                    }
                }
            }
        }
        for c in &pack.coverages {
            c.limits.iter().for_each(|l| words.add(Variable::Limit, l));
            c.deductibles.iter().for_each(|d| words.add(Variable::Deductible, d));
        }
        for rule in &pack.underwriting {
            for c in rule.when.iter().filter(|c| c.var.var_type() == VarType::Text) {
                for v in &c.value {
                    if let Value::Text(t) = v {
                        words.add(c.var, t);
                    }
                }
            }
        }
        let rating_model = pack.risk.as_ref().filter(|m| m.usage == RiskUsage::Rate);
        if let Some(model) = &pack.risk {
            for f in model.features.iter().filter(|f| f.var.var_type() == VarType::Text) {
                if let Some(level) = &f.level {
                    words.add(f.var, level);
                }
            }
        }

        let mut sheet = SheetText::default();
        let mut tables: Vec<CTable> = Vec::new();
        let mut index: Vec<((usize, Vec<Variable>), usize)> = Vec::new();
        let mut coverages = Vec::with_capacity(n);
        for (ci, cov) in pack.coverages.iter().enumerate() {
            let mut steps = Vec::with_capacity(cov.steps.len());
            for step in &cov.steps {
                steps.push(match &step.kind {
                    StepKind::Base(v) => CStep::Base(Found::of(*v)),
                    StepKind::BaseTable { table, keys } | StepKind::Lookup { table, keys } => {
                        let at = match index.iter().find(|((t, k), _)| t == table && k == keys) {
                            Some((_, at)) => *at,
                            None => {
                                tables.push(CTable::compile(&pack.tables[*table], keys, &words, &mut sheet)?);
                                index.push(((*table, keys.clone()), tables.len() - 1));
                                tables.len() - 1
                            }
                        };
                        CStep::Table { table: at, base: matches!(step.kind, StepKind::BaseTable { .. }) }
                    }
                    StepKind::Multiply(v) => CStep::Multiply(Found::of(*v)),
                    StepKind::Add(v) => CStep::Add(*v),
                    StepKind::AtLeast(v) => CStep::AtLeast(Found::of(*v)),
                    StepKind::AtMost(v) => CStep::AtMost(Found::of(*v)),
                    StepKind::Round(r) => CStep::Round(*r),
                });
            }
            let part = |vehicle: bool| -> Vec<PartStep> {
                let on_side = |v: &Variable| (v.scope() == Scope::Driver) != vehicle;
                steps
                    .iter()
                    .filter_map(|step| match step {
                        CStep::Base(found) if vehicle => Some(PartStep::Set(found.approx)),
                        CStep::Table { table, base: false } if tables[*table].keys.iter().all(on_side) => Some(PartStep::Factor(*table)),
                        _ => None,
                    })
                    .collect()
            };
            let (vehicle_part, driver_part) = (part(true), part(false));
            coverages.push(CCoverage {
                per: cov.per,
                minimum: cov.minimum.map(Found::of),
                steps,
                risk: engine::risk_rates(pack, ci),
                vehicle_part,
                driver_part,
                driver_free: false,
                adjustments: 0,
                per_coverage: 0,
            });
        }

        let statutory = |a: &Adjustment| matches!(a.eligibility, Eligibility::Statutory(Statutory::CaGoodDriver));
        let mut compiled_adjustments = Vec::new();
        for (list, discount) in [(&pack.discounts, true), (&pack.surcharges, false)] {
            for (i, a) in list.iter().enumerate().filter(|(_, a)| !statutory(a)) {
                let eligibility = CEligibility::compile(&a.eligibility, &words);
                compiled_adjustments.push(CAdjustment {
                    factor: Found::of(if discount { Decimal::ONE - a.rate } else { Decimal::ONE + a.rate }),
                    source: (discount, i),
                    coverages: coverage_bits(a.coverages.as_ref(), n)?,
                    per_coverage: eligibility.reads_coverage(),
                    eligibility,
                });
            }
        }
        let mut good_driver = Vec::new();
        for (i, a) in pack.discounts.iter().enumerate().filter(|(_, a)| statutory(a)) {
            good_driver.push((Found::of(Decimal::ONE - a.rate), coverage_bits(a.coverages.as_ref(), n)?, i));
        }
        let mut ranked = Vec::new();
        #[expect(clippy::float_arithmetic, reason = "the assignment's estimates rank and never charge, as the engine's do")]
        for (a, factor) in
            pack.discounts.iter().map(|a| (a, 1.0 - approx(a.rate))).chain(pack.surcharges.iter().map(|a| (a, 1.0 + approx(a.rate))))
        {
            ranked.push(RankAdjustment {
                factor,
                coverages: coverage_bits(a.coverages.as_ref(), n)?,
                eligibility: CEligibility::compile(&a.eligibility, &words),
                vehicle_side: engine::adjustment_in_scope(a, Scope::Vehicle),
                driver_side: engine::adjustment_in_scope(a, Scope::Driver),
            });
        }
        let compile_model = |m: &crate::pack::RiskModel| CRisk {
            features: m
                .features
                .iter()
                .map(|f| CFeature {
                    var: f.var,
                    level: f.level.as_deref().filter(|_| f.var.var_type() == VarType::Text).map(|l| words.code(f.var, l)),
                    base: f.base,
                    coefficient: f.coefficient,
                })
                .collect(),
            min: m.min_factor,
            max: m.max_factor,
            min_f64: approx(m.min_factor),
            max_f64: approx(m.max_factor),
        };
        let risk = rating_model.map(compile_model);
        let score = pack.risk.as_ref().map(compile_model);
        let rules = pack.underwriting.iter().map(|r| r.when.iter().map(|c| CCondition::compile(c, &words)).collect()).collect();
        let reads_coverage = |var: Variable| var.scope() == Scope::Coverage;
        let full = !pack.underwriting.iter().flat_map(|r| &r.when).any(|c| reads_coverage(c.var))
            && !pack.risk.iter().flat_map(|m| &m.features).any(|f| reads_coverage(f.var));
        let mut entity_tables: [Vec<usize>; 3] = Default::default();
        let table_scope = tables
            .iter()
            .enumerate()
            .map(|(t, table)| {
                let scope = entity_scope(&table.keys)?;
                let list = &mut entity_tables[entity_index(scope)];
                list.push(t);
                Some((scope, list.len() - 1))
            })
            .collect();
        let text = Text::new(pack, &words, sheet);
        let mut plan = Self {
            words,
            full,
            rules,
            score,
            text,
            tables,
            table_scope,
            entity_tables,
            coverages,
            adjustments: compiled_adjustments,
            good_driver,
            ranked,
            risk,
        };
        let reads_driver = |e: &CEligibility| match e {
            CEligibility::Conditions(cs) => cs.iter().any(|c| c.var.scope() == Scope::Driver),
            CEligibility::GoodDriver => true,
        };
        for ci in 0..plan.coverages.len() {
            let on = |bits: u64| bits >> ci & 1 == 1;
            let cov = &plan.coverages[ci];
            let tables = cov.steps.iter().all(|s| match s {
                CStep::Table { table, .. } => plan.tables[*table].keys.iter().all(|k| k.scope() != Scope::Driver),
                _ => true,
            });
            let adjustments = plan.adjustments.iter().all(|a| !on(a.coverages) || !reads_driver(&a.eligibility));
            let good_driver = plan.good_driver.iter().all(|(_, bits, _)| !on(*bits));
            let risk = !cov.risk || plan.risk.is_none();
            plan.coverages[ci].driver_free = tables && adjustments && good_driver && risk;
            for (k, a) in plan.adjustments.iter().enumerate() {
                if on(a.coverages) {
                    plan.coverages[ci].adjustments |= 1 << k;
                    if a.per_coverage {
                        plan.coverages[ci].per_coverage |= 1 << k;
                    }
                }
            }
        }
        Some(plan)
    }
}

/// Where an entity's tables are listed in `entity_tables`.
fn entity_index(scope: Scope) -> usize {
    match scope {
        Scope::Vehicle => 1,
        Scope::Driver => 2,
        Scope::Policy | Scope::Dwelling | Scope::Coverage => 0,
    }
}

/// The entity whose variables are all of `keys`, if one is.
fn entity_scope(keys: &[Variable]) -> Option<Scope> {
    let entity = |v: &Variable| match v.scope() {
        Scope::Policy | Scope::Dwelling => Some(Scope::Policy),
        Scope::Vehicle => Some(Scope::Vehicle),
        Scope::Driver => Some(Scope::Driver),
        Scope::Coverage => None,
    };
    let first = entity(keys.first()?)?;
    keys.iter().all(|k| entity(k) == Some(first)).then_some(first)
}

/// Adds every exact key of `node` keyed by a text variable to its words.
fn collect_words(node: &Node, keys: &[Variable], depth: usize, words: &mut Words) {
    let Some(var) = keys.get(depth).copied() else { return };
    match node {
        Node::Leaf(_) | Node::Interpolate(_) => {}
        Node::Exact(map) => {
            for (key, next) in map {
                if var.var_type() == VarType::Text {
                    words.add(var, key);
                }
                collect_words(next, keys, depth + 1, words);
            }
        }
        Node::Bands(bands) => bands.iter().for_each(|b| collect_words(&b.node, keys, depth + 1, words)),
    }
}

/// A quote's facts in slots and its choices. One per thread is kept and
/// written over for each quote (see [`RECYCLED`]), so pricing a book
/// allocates nothing per quote for them.
#[derive(Default)]
struct Priced {
    policy: Slots,
    vehicles: Vec<Slots>,
    drivers: Vec<Slots>,
    /// Per choice of the quote: the pack's coverage index and its slots.
    choices: Vec<(usize, ChoiceSlots)>,
}

impl CompiledPack {
    /// Writes a quote's facts over `into`'s; `None` where the engine must
    /// answer.
    fn encode(&self, pack: &RatePack, q: &ValidQuote, into: &mut Priced) -> Option<()> {
        let Priced { policy, vehicles, drivers, choices } = into;
        policy.reset();
        {
            let mut sink = Encode { slots: policy, words: &self.words };
            engine::write_policy_facts(pack, q, &mut sink);
            if q.product == Product::HomeownersHo3 {
                engine::dwelling_facts(&mut sink, q);
            }
        }
        let auto = q.product == Product::PersonalAuto;
        let (n_vehicles, n_drivers) = if auto { (q.vehicles.len(), q.drivers.len()) } else { (0, 0) };
        vehicles.resize_with(n_vehicles, Slots::new);
        drivers.resize_with(n_drivers, Slots::new);
        for (v, s) in vehicles.iter_mut().enumerate() {
            s.reset();
            engine::vehicle_facts(&mut Encode { slots: s, words: &self.words }, q, v);
        }
        for (d, s) in drivers.iter_mut().enumerate() {
            s.reset();
            engine::driver_facts(pack, &mut Encode { slots: s, words: &self.words }, q, d);
        }
        if policy.mismatch || vehicles.iter().chain(drivers.iter()).any(|s| s.mismatch) {
            return None;
        }
        self.look_up(policy, Scope::Policy);
        vehicles.iter_mut().for_each(|s| self.look_up(s, Scope::Vehicle));
        drivers.iter_mut().for_each(|s| self.look_up(s, Scope::Driver));
        choices.clear();
        for c in &q.coverages {
            let ci = pack.coverages.iter().position(|p| *p.code == c.code)?;
            let code = |var, text: &Option<String>| text.as_deref().map(|t| self.words.code(var, t));
            choices
                .push((ci, ChoiceSlots { limit: code(Variable::Limit, &c.limit), deductible: code(Variable::Deductible, &c.deductible) }));
        }
        Some(())
    }

    /// Looks up, in an entity's slots, every table keyed by it alone.
    fn look_up(&self, slots: &mut Slots, scope: Scope) {
        let mut found = std::mem::take(&mut slots.found);
        let view = View {
            policy: (scope == Scope::Policy).then_some(&*slots),
            vehicle: (scope == Scope::Vehicle).then_some(&*slots),
            driver: (scope == Scope::Driver).then_some(&*slots),
            choice: None,
        };
        found.clear();
        found.extend(self.entity_tables[entity_index(scope)].iter().map(|&t| self.tables[t].find(&view)));
        slots.found = found;
    }

    /// Table `t`'s value for a view: kept in the slots of the entity that
    /// keys it, or looked up.
    fn find(&self, t: usize, view: &View<'_>) -> Option<Found> {
        let (entity, slot) = match self.table_scope[t] {
            None => return self.tables[t].find(view),
            Some((Scope::Vehicle, slot)) => (view.vehicle, slot),
            Some((Scope::Driver, slot)) => (view.driver, slot),
            Some((_, slot)) => (view.policy, slot),
        };
        entity?.found.get(slot).copied().flatten()
    }

    /// Which adjustments that read no coverage a unit earns, by bit.
    fn eligible(&self, view: &View<'_>) -> u64 {
        let mut bits = 0;
        for (k, a) in self.adjustments.iter().enumerate() {
            if !a.per_coverage && a.eligibility.holds(view) {
                bits |= 1 << k;
            }
        }
        bits
    }

    /// One coverage's premium for a unit, as the engine's `rate_coverage`
    /// computes it, with its worksheet into `lines` when they record;
    /// `None` where the engine would report an error. In [`Fixed`] where
    /// every amount allows, else in `Decimal`.
    fn premium(
        &self,
        pack: &RatePack,
        ci: usize,
        view: &View<'_>,
        eligible: u64,
        relativity: Decimal,
        lines: &mut impl Record,
    ) -> Option<Decimal> {
        match self.premium_fixed(pack, ci, view, eligible, relativity, lines) {
            Ok(premium) => premium,
            Err(Bail) => {
                lines.clear();
                self.premium_decimal(pack, ci, view, eligible, relativity, lines)
            }
        }
    }

    /// The adjustments coverage `ci` earns for the unit, by bit (in pack
    /// order from the lowest): those the unit earns (`eligible`) that apply
    /// to it, and those read per coverage whose conditions hold.
    fn earned(&self, ci: usize, view: &View<'_>, eligible: u64) -> u64 {
        let cov = &self.coverages[ci];
        let mut bits = eligible & cov.adjustments;
        let mut per_coverage = cov.per_coverage;
        while per_coverage != 0 {
            let k = per_coverage.trailing_zeros() as usize;
            if self.adjustments[k].eligibility.holds(view) {
                bits |= 1 << k;
            }
            per_coverage &= per_coverage - 1;
        }
        bits
    }

    fn premium_fixed(
        &self,
        pack: &RatePack,
        ci: usize,
        view: &View<'_>,
        eligible: u64,
        relativity: Decimal,
        lines: &mut impl Record,
    ) -> Result<Option<Decimal>, Bail> {
        let cov = &self.coverages[ci];
        let fixed = |f: &Found| f.fixed.known();
        let step_round = |p: Fixed| pack.step_round.map_or(Ok(p), |r| p.round(r));
        let mut p = Fixed::ZERO;
        for (si, step) in cov.steps.iter().enumerate() {
            match step {
                CStep::Base(v) => p = fixed(v)?,
                CStep::Table { table, base } => {
                    let Some(found) = self.find(*table, view) else { return Ok(None) };
                    p = step_round(if *base { fixed(&found)? } else { p.mul(fixed(&found)?)? })?;
                    let subtotal = p;
                    lines.line(|| self.table_line(self.text.steps[ci][si], *table, *base, view, &found, subtotal.to_decimal()));
                    continue;
                }
                CStep::Multiply(v) => p = p.mul(fixed(v)?)?,
                CStep::Add(_) => return Err(Bail),
                CStep::AtLeast(v) => p = p.max(fixed(v)?),
                CStep::AtMost(v) => p = p.min(fixed(v)?),
                CStep::Round(r) => {
                    p = p.round(*r)?;
                    let rounded = p.to_decimal();
                    lines.line(|| self.text.round_step(self.text.steps[ci][si], *r, rounded));
                    continue;
                }
            }
            p = step_round(p)?;
            let subtotal = p;
            lines.line(|| self.step_line(ci, si, subtotal.to_decimal()));
        }
        let mut earned = self.earned(ci, view, eligible);
        while earned != 0 {
            let k = earned.trailing_zeros() as usize;
            p = step_round(p.mul(fixed(&self.adjustments[k].factor)?)?)?;
            let subtotal = p;
            lines.line(|| self.adjustment_line(pack, self.adjustments[k].source, subtotal.to_decimal()));
            earned &= earned - 1;
        }
        if relativity != Decimal::ONE {
            p = step_round(p.mul(Fixed::of(relativity).ok_or(Bail)?)?)?;
            let subtotal = p;
            lines.line(|| Line::plain(self.text.risk, Operation::RiskFactor, relativity, subtotal.to_decimal()));
        }
        p = p.round(pack.coverage_round)?;
        let rounded = p.to_decimal();
        lines.line(|| self.text.coverage_round(rounded));
        if let Some(min) = &cov.minimum {
            let min = fixed(min)?;
            if p.lt(min) {
                p = min;
                lines.line(|| Line::plain(self.text.minimum, Operation::Minimum, min.to_decimal(), min.to_decimal()));
            }
        }
        for (keep, coverages, i) in &self.good_driver {
            if coverages >> ci & 1 == 1 && view.get(Variable::CaGoodDriver) == Some(1) {
                p = p.mul(fixed(keep)?)?.round(self.text.good_driver_round)?;
                let subtotal = p;
                lines.line(|| self.good_driver_line(pack, *i, subtotal.to_decimal()));
            }
        }
        Ok(Some(p.to_decimal()))
    }

    fn premium_decimal(
        &self,
        pack: &RatePack,
        ci: usize,
        view: &View<'_>,
        eligible: u64,
        relativity: Decimal,
        lines: &mut impl Record,
    ) -> Option<Decimal> {
        let cov = &self.coverages[ci];
        let mut p = Decimal::ZERO;
        let step_round = |p: Decimal| pack.step_round.map_or(p, |r| r.apply(p));
        for (si, step) in cov.steps.iter().enumerate() {
            match step {
                CStep::Base(v) => p = v.value,
                CStep::Table { table, base } => {
                    let found = self.find(*table, view)?;
                    p = step_round(if *base { found.value } else { p * found.value });
                    lines.line(|| self.table_line(self.text.steps[ci][si], *table, *base, view, &found, p));
                    continue;
                }
                CStep::Multiply(v) => p *= v.value,
                CStep::Add(v) => p += *v,
                CStep::AtLeast(v) => p = p.max(v.value),
                CStep::AtMost(v) => p = p.min(v.value),
                CStep::Round(r) => {
                    p = r.apply(p);
                    lines.line(|| self.text.round_step(self.text.steps[ci][si], *r, p));
                    continue;
                }
            }
            p = step_round(p);
            lines.line(|| self.step_line(ci, si, p));
        }
        let mut earned = self.earned(ci, view, eligible);
        while earned != 0 {
            let k = earned.trailing_zeros() as usize;
            p = step_round(p * self.adjustments[k].factor.value);
            lines.line(|| self.adjustment_line(pack, self.adjustments[k].source, p));
            earned &= earned - 1;
        }
        if relativity != Decimal::ONE {
            p = step_round(p * relativity);
            lines.line(|| Line::plain(self.text.risk, Operation::RiskFactor, relativity, p));
        }
        p = pack.coverage_round.apply(p);
        lines.line(|| self.text.coverage_round(p));
        if let Some(min) = &cov.minimum {
            if p < min.value {
                p = min.value;
                lines.line(|| Line::plain(self.text.minimum, Operation::Minimum, min.value, min.value));
            }
        }
        for (keep, coverages, i) in &self.good_driver {
            if coverages >> ci & 1 == 1 && view.get(Variable::CaGoodDriver) == Some(1) {
                p = self.text.good_driver_round.apply(p * keep.value);
                lines.line(|| self.good_driver_line(pack, *i, p));
            }
        }
        if p.is_sign_negative() {
            p = Decimal::ZERO;
            lines.line(|| Line::plain(self.text.floor, Operation::AtLeast, Decimal::ZERO, Decimal::ZERO));
        }
        Some(p)
    }

    /// The line of a step that reads no table: its operation and amount.
    fn step_line(&self, ci: usize, si: usize, subtotal: Decimal) -> Line {
        let (operation, value) = match &self.coverages[ci].steps[si] {
            CStep::Base(v) => (Operation::Base, v.value),
            CStep::Multiply(v) => (Operation::Multiply, v.value),
            CStep::Add(v) => (Operation::Add, *v),
            CStep::AtLeast(v) => (Operation::AtLeast, v.value),
            CStep::AtMost(v) => (Operation::AtMost, v.value),
            // Written where they are priced.
            CStep::Table { .. } | CStep::Round(_) => (Operation::Round, subtotal),
        };
        Line::plain(self.text.steps[ci][si], operation, value, subtotal)
    }

    /// A table step's worksheet line: the table, the key's values, the
    /// row's label, an interpolation's note.
    fn table_line(&self, step: u32, t: usize, base: bool, view: &View<'_>, found: &Found, subtotal: Decimal) -> Line {
        let table = &self.tables[t];
        let note = match table.interpolates.then(|| table.hit(view)).flatten() {
            Some(Hit::Interpolated(_, _, between)) => between.map(Noted::Interpolated),
            _ => None,
        };
        let value_of = |var: &Variable| self.key_value(view, *var);
        let key = match table.keys.as_slice() {
            [k1, k2] => Key::Two(*k1, value_of(k1), *k2, value_of(k2)),
            [k, ..] => Key::One(*k, value_of(k)),
            [] => Key::Code(self.text.empty),
        };
        Line {
            step,
            operation: if base { Operation::Base } else { Operation::Factor },
            table: Some(table.name),
            key: Some(key),
            label: found.label(),
            value: found.value,
            subtotal,
            note,
        }
    }

    /// A coverage's limit or deductible as the pack spells it, shared.
    fn option_text(&self, var: Variable, code: Option<i64>, text: &Option<String>) -> Option<Arc<str>> {
        let text = text.as_deref()?;
        Some(code.and_then(|c| self.words.word(var, c)).cloned().unwrap_or_else(|| Arc::from(text)))
    }

    /// A key's value on a worksheet line: a text by its word's number.
    fn key_value(&self, view: &View<'_>, var: Variable) -> KeyValue {
        match (var.var_type(), view.get(var)) {
            (VarType::Text, Some(code)) if code >= 0 => {
                let first = self.text.words.get(var as usize).copied().unwrap_or(0);
                KeyValue::Word(first.saturating_add(u32::try_from(code).unwrap_or(0)))
            }
            (VarType::Integer, Some(n)) => KeyValue::Integer(n),
            (VarType::Boolean, Some(b)) => KeyValue::Boolean(b != 0),
            (VarType::Decimal, Some(_)) => view.decimal(var).map_or(KeyValue::Integer(0), KeyValue::Decimal),
            // A key without a value, or a text the pack never mentions,
            // finds no row: no line is written for it.
            _ => KeyValue::Integer(0),
        }
    }

    fn adjustment_line(&self, pack: &RatePack, (discount, i): (bool, usize), subtotal: Decimal) -> Line {
        let (a, (name, code), operation) = if discount {
            (&pack.discounts[i], self.text.discounts[i], Operation::Discount)
        } else {
            (&pack.surcharges[i], self.text.surcharges[i], Operation::Surcharge)
        };
        Line { key: Some(Key::Code(code)), ..Line::plain(name, operation, a.rate, subtotal) }
    }

    fn good_driver_line(&self, pack: &RatePack, i: usize, subtotal: Decimal) -> Line {
        let (name, code) = self.text.discounts[i];
        Line {
            key: Some(Key::Code(code)),
            note: Some(Noted::OnRounded(self.text.good_driver_round)),
            ..Line::plain(name, Operation::Discount, pack.discounts[i].rate, subtotal)
        }
    }

    /// A variable's value as the engine's facts hold it; `None` where it
    /// has none, or for a text the pack never mentions.
    fn value_at(&self, view: &View<'_>, var: Variable) -> Option<Value> {
        let slot = view.get(var)?;
        Some(match var.var_type() {
            VarType::Integer => Value::Integer(slot),
            VarType::Boolean => Value::Boolean(slot != 0),
            VarType::Decimal => Value::Decimal(view.decimal(var)?),
            VarType::Text => Value::Text(self.words.word(var, slot)?.clone()),
        })
    }

    fn relativity(&self, view: &View<'_>) -> Decimal {
        self.risk.as_ref().map_or(Decimal::ONE, |r| r.relativity(view))
    }

    /// The total and each coverage's premium (into `by_coverage`, indexed
    /// like the pack's coverages, when given), as the engine's
    /// `rate_by_coverage` gives them; `None` where the engine must answer.
    pub(crate) fn price(&self, pack: &RatePack, q: &ValidQuote, by_coverage: Option<&mut [Decimal]>) -> Option<Decimal> {
        with_recycled(|facts, buffers| self.price_into(pack, q, by_coverage, facts, buffers))
    }

    fn price_into(
        &self,
        pack: &RatePack,
        q: &ValidQuote,
        by_coverage: Option<&mut [Decimal]>,
        facts: &mut Priced,
        buffers: &mut Buffers,
    ) -> Option<Decimal> {
        engine::check_against_pack(pack, q).ok()?;
        self.encode(pack, q, facts)?;
        self.price_encoded(pack, q, by_coverage, None, facts, buffers).map(|o| o.total)
    }

    /// Looks up again, in slots the base pack's plan wrote, the tables this
    /// plan keys by one entity (a draft whose tables differ).
    fn look_up_again(&self, facts: &mut Priced) {
        self.look_up(&mut facts.policy, Scope::Policy);
        facts.vehicles.iter_mut().for_each(|s| self.look_up(s, Scope::Vehicle));
        facts.drivers.iter_mut().for_each(|s| self.look_up(s, Scope::Driver));
    }

    /// [`Self::price_into`] for facts already encoded.
    /// With `sheets`, each coverage premium is kept there with its
    /// worksheet, as the engine's `rate` lists them, and the assignment
    /// keeps every driver's part.
    fn price_encoded(
        &self,
        pack: &RatePack,
        q: &ValidQuote,
        mut by_coverage: Option<&mut [Decimal]>,
        mut sheets: Option<&mut Vec<CoveragePremium>>,
        facts: &Priced,
        buffers: &mut Buffers,
    ) -> Option<Outcome> {
        let auto = q.product == Product::PersonalAuto;
        let record = sheets.is_some();
        buffers.memo.clear();
        let (rated_with, assignment) =
            if auto { engine::assign_drivers(pack, q, record, || Ranker::new(self, pack, q, facts, buffers)) } else { Default::default() };
        let Buffers { memo, units, .. } = buffers;
        // A worksheet is written as the premium is priced, so none is recalled.
        let memo = (!memo.is_empty() && !record).then_some(&*memo);
        let unit = |u: usize| View {
            policy: Some(&facts.policy),
            vehicle: if auto { facts.vehicles.get(u) } else { None },
            driver: if auto { rated_with.get(u).and_then(|d| facts.drivers.get(*d)) } else { None },
            choice: None,
        };
        let n_units = if auto { facts.vehicles.len() } else { 1 };
        units.clear();
        units.extend((0..n_units).map(|u| {
            let view = unit(u);
            (self.eligible(&view), self.relativity(&view))
        }));
        let units = &*units;
        let mut total = Decimal::ZERO;
        for (ci, cov) in self.coverages.iter().enumerate() {
            for (choice_index, (_, choice)) in facts.choices.iter().enumerate().filter(|(_, (c, _))| *c == ci) {
                let on = q.coverages[choice_index].vehicles.as_deref();
                let mut price_unit = |u: usize| -> Option<()> {
                    let (eligible, relativity) = *units.get(u)?;
                    let recalled = match (memo, cov.per, rated_with.get(u)) {
                        (Some(memo), Per::Vehicle, Some(&d)) => recall(memo, cov, (ci, choice_index, u, d)),
                        _ => None,
                    };
                    // Only a premium priced here reads the unit.
                    let view = || View { choice: Some(choice), ..unit(u) };
                    let relativity = if cov.risk { relativity } else { Decimal::ONE };
                    let premium = match (recalled, sheets.as_deref_mut()) {
                        (Some(premium), _) => premium?,
                        (None, None) => self.premium(pack, ci, &view(), eligible, relativity, &mut ())?,
                        (None, Some(sheets)) => {
                            let mut lines = Vec::with_capacity(cov.steps.len() + 6);
                            let premium = self.premium(pack, ci, &view(), eligible, relativity, &mut lines)?;
                            let (coverage, chosen) = (&pack.coverages[ci], &q.coverages[choice_index]);
                            let vehicle = cov.per == Per::Vehicle;
                            sheets.push(CoveragePremium {
                                coverage: coverage.code.clone(),
                                name: coverage.name.clone(),
                                vehicle: vehicle.then_some(u),
                                driver: if vehicle { rated_with.get(u).copied() } else { None },
                                limit: self.option_text(Variable::Limit, choice.limit, &chosen.limit),
                                deductible: self.option_text(Variable::Deductible, choice.deductible, &chosen.deductible),
                                premium,
                                worksheet: Worksheet::new(self.text.sheet.clone(), lines),
                            });
                            premium
                        }
                    };
                    total += premium;
                    if let Some(slot) = by_coverage.as_deref_mut().and_then(|sums| sums.get_mut(ci)) {
                        *slot += premium;
                    }
                    Some(())
                };
                match (cov.per, on) {
                    (Per::Vehicle, Some(list)) => list.iter().try_for_each(|&u| price_unit(u))?,
                    (Per::Vehicle, None) => (0..n_units).try_for_each(&mut price_unit)?,
                    (Per::Policy, _) => price_unit(0)?,
                }
            }
        }
        let covered = facts.drivers.iter().enumerate().filter(|(d, _)| !q.drivers[*d].excluded);
        let good_driver = engine::good_driver_rate(pack, covered.map(|(_, s)| s.get(Variable::CaGoodDriver) == Some(1)));
        let (minimum_premium_adjustment, total) = engine::finish(pack, q, total, good_driver);
        Some(Outcome { total, minimum_premium_adjustment, good_driver, assignment })
    }
}

/// A quote priced by a plan: its total, and what its rating shows besides
/// the coverage premiums.
struct Outcome {
    total: Decimal,
    minimum_premium_adjustment: Decimal,
    /// The Good Driver discount's rate on a Good Driver policy.
    good_driver: Option<Decimal>,
    /// Every driver's part, when the worksheets were kept.
    assignment: Vec<DriverAssignment>,
}

/// The driver assignment's numbers from slots; the same as the engine's
/// `Comparer` (the same `f64` operations in the same order).
struct Ranker<'a> {
    plan: &'a CompiledPack,
    pack: &'a RatePack,
    q: &'a ValidQuote,
    facts: &'a Priced,
    /// The vehicles' parts, the estimates, the exact pair premiums and the
    /// memo, in the thread's recycled buffers.
    b: &'a mut Buffers,
}

/// A coverage premium's place: (coverage, choice, vehicle, driver).
type PairKey = (usize, usize, usize, usize);

/// The assignment's working memory, kept per thread like [`Priced`].
#[derive(Default)]
struct Buffers {
    /// By vehicle x coverages + coverage.
    vehicle_parts: Vec<f64>,
    /// By driver x vehicles + vehicle.
    estimates: Vec<f64>,
    part: Vec<f64>,
    vehicle_risk: Vec<f64>,
    exact: Vec<((usize, usize), Decimal)>,
    /// Coverage premiums priced while ranking, by (coverage, choice,
    /// vehicle, driver), so the final pricing of the chosen assignment
    /// reads them rather than pricing them again; `None` where the plan
    /// found no row.
    memo: Vec<(PairKey, Option<Decimal>)>,
    /// Per rating unit: the adjustments it earns and its risk relativity.
    units: Vec<(u64, Decimal)>,
}

/// The premium `memo` holds for coverage `ci`'s choice `k` on vehicle `v`
/// with driver `d` (or with any driver, for a coverage that reads none).
fn recall(memo: &[(PairKey, Option<Decimal>)], cov: &CCoverage, (ci, k, v, d): (usize, usize, usize, usize)) -> Option<Option<Decimal>> {
    memo.iter().find(|((c, kk, vv, dd), _)| *c == ci && *kk == k && *vv == v && (*dd == d || cov.driver_free)).map(|(_, p)| *p)
}

impl<'a> Ranker<'a> {
    #[expect(clippy::float_arithmetic, reason = "a rank orders drivers and vehicles and never charges, as the engine's does")]
    fn new(plan: &'a CompiledPack, pack: &'a RatePack, q: &'a ValidQuote, facts: &'a Priced, b: &'a mut Buffers) -> Self {
        let n = plan.coverages.len();
        let nv = facts.vehicles.len();
        b.vehicle_parts.clear();
        b.vehicle_parts.resize(nv * n, 0.0);
        for v in 0..nv {
            let view = View { policy: Some(&facts.policy), vehicle: Some(&facts.vehicles[v]), driver: None, choice: None };
            plan.parts(q, facts, &view, Some(v), &mut b.vehicle_parts[v * n..(v + 1) * n]);
        }
        let risk = plan.risk.as_ref();
        let sum = |view: &View<'_>, driver: bool| {
            risk.map_or(0.0, |r| r.sum(view, |var| (var.scope() == Scope::Driver) == driver).to_f64().unwrap_or(0.0))
        };
        b.vehicle_risk.clear();
        b.vehicle_risk.extend(
            (0..nv)
                .map(|v| sum(&View { policy: Some(&facts.policy), vehicle: Some(&facts.vehicles[v]), driver: None, choice: None }, false)),
        );
        let (lo, hi) = risk.map_or((1.0, 1.0), |r| (r.min_f64, r.max_f64));
        b.estimates.clear();
        b.estimates.resize(facts.drivers.len() * nv, 0.0);
        b.part.clear();
        b.part.resize(n, 0.0);
        for (d, slots) in facts.drivers.iter().enumerate() {
            if q.drivers[d].excluded {
                continue;
            }
            let view = View { policy: None, vehicle: None, driver: Some(slots), choice: None };
            plan.parts(q, facts, &view, None, &mut b.part);
            let driver_risk = sum(&view, true);
            for v in 0..nv {
                let vp = &b.vehicle_parts[v * n..(v + 1) * n];
                let relativity =
                    if risk.is_some() { (driver_risk + b.vehicle_risk[v]).clamp(-20.0, 20.0).exp().clamp(lo, hi) } else { 1.0 };
                b.estimates[d * nv + v] = b
                    .part
                    .iter()
                    .zip(vp)
                    .enumerate()
                    .map(|(ci, (x, y))| x * y * if plan.coverages[ci].risk { relativity } else { 1.0 })
                    .sum::<f64>();
            }
        }
        b.exact.clear();
        b.memo.clear();
        Self { plan, pack, q, facts, b }
    }
}

impl CompiledPack {
    /// One side's part of each coverage, as the engine's `parts`.
    #[expect(clippy::float_arithmetic, reason = "a rank orders drivers and vehicles and never charges, as the engine's does")]
    fn parts(&self, q: &ValidQuote, facts: &Priced, side: &View<'_>, vehicle: Option<usize>, out: &mut [f64]) {
        // The discounts and surcharges this side earns, each tested once.
        let mut earned = 0u64;
        for (k, a) in self.ranked.iter().enumerate() {
            let in_scope = if vehicle.is_some() { a.vehicle_side } else { a.driver_side };
            if in_scope && a.eligibility.holds(side) {
                earned |= 1 << k;
            }
        }
        for (ci, cov) in self.coverages.iter().enumerate() {
            out[ci] = 0.0;
            if cov.per != Per::Vehicle {
                continue;
            }
            let on_this = |(k, (c, _)): &(usize, &(usize, ChoiceSlots))| {
                *c == ci
                    && match (vehicle, q.coverages[*k].vehicles.as_deref()) {
                        (Some(v), Some(on)) => on.contains(&v),
                        _ => true,
                    }
            };
            let Some((_, (_, choice))) = facts.choices.iter().enumerate().find(on_this) else { continue };
            let view = View { choice: Some(choice), ..*side };
            let mut r = 1.0;
            for step in if vehicle.is_some() { &cov.vehicle_part } else { &cov.driver_part } {
                match step {
                    PartStep::Set(base) => r = *base,
                    PartStep::Factor(table) => r *= self.find(*table, &view).map_or(1.0, |f| f.approx),
                }
            }
            for (k, a) in self.ranked.iter().enumerate() {
                if earned >> k & 1 == 1 && a.coverages >> ci & 1 == 1 {
                    r *= a.factor;
                }
            }
            out[ci] = r;
        }
    }
}

impl Ranking for Ranker<'_> {
    fn vehicle_rank(&self, v: usize) -> f64 {
        let n = self.plan.coverages.len();
        self.b.vehicle_parts[v * n..(v + 1) * n].iter().sum()
    }

    fn estimate(&self, d: usize, v: usize) -> f64 {
        self.b.estimates[d * self.facts.vehicles.len() + v]
    }

    fn price(&mut self, d: usize, v: usize) -> Decimal {
        if let Some((_, p)) = self.b.exact.iter().find(|(k, _)| *k == (d, v)) {
            return *p;
        }
        let facts = self.facts;
        let unit = View { policy: Some(&facts.policy), vehicle: Some(&facts.vehicles[v]), driver: Some(&facts.drivers[d]), choice: None };
        let relativity = self.plan.relativity(&unit);
        let eligible = self.plan.eligible(&unit);
        let mut p = Decimal::ZERO;
        for (ci, cov) in self.plan.coverages.iter().enumerate() {
            let on_v = |(k, (c, _)): &(usize, &(usize, ChoiceSlots))| {
                *c == ci && self.q.coverages[*k].vehicles.as_ref().is_none_or(|on| on.contains(&v))
            };
            let Some((k, (_, choice))) = facts.choices.iter().enumerate().find(on_v) else { continue };
            if cov.per != Per::Vehicle {
                continue;
            }
            let premium = match recall(&self.b.memo, cov, (ci, k, v, d)) {
                Some(premium) => premium,
                None => {
                    let view = View { choice: Some(choice), ..unit };
                    let relativity = if cov.risk { relativity } else { Decimal::ONE };
                    let premium = self.plan.premium(self.pack, ci, &view, eligible, relativity, &mut ());
                    self.b.memo.push(((ci, k, v, d), premium));
                    premium
                }
            };
            p += premium.unwrap_or(Decimal::ZERO);
        }
        self.b.exact.push(((d, v), p));
        p
    }
}

/// At most this many plans are kept per thread (the packs in force and a
/// few drafts); the oldest goes first.
const PLANS_KEPT: usize = 8;

thread_local! {
    /// Each thread's plans, by the digest of the pack they were compiled
    /// from: the same files make the same plan, so a pack loaded twice, or
    /// cloned, compiles once. `None` for a pack the plan cannot model.
    static PLANS: std::cell::RefCell<Vec<(PackDigest, Option<Box<CompiledPack>>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Calls `f` with the pack's plan (compiled on the thread's first use of
/// the pack); `None` when the pack has no plan.
fn with_plan<R>(pack: &RatePack, f: impl FnOnce(&CompiledPack) -> R) -> Option<R> {
    PLANS.with(|cell| {
        let Ok(mut plans) = cell.try_borrow_mut() else {
            // Only reached if pricing were to price again from inside: compile afresh.
            return CompiledPack::new(pack).map(|plan| f(&plan));
        };
        let digest = pack.digest();
        let at = match plans.iter().position(|(d, _)| *d == digest) {
            Some(at) => at,
            None => {
                if plans.len() == PLANS_KEPT {
                    plans.remove(0);
                }
                plans.push((digest, CompiledPack::new(pack).map(Box::new)));
                plans.len() - 1
            }
        };
        plans[at].1.as_deref().map(f)
    })
}

impl CompiledPack {
    /// The whole rating, as the engine's [`engine::rate_by_engine`] gives
    /// it; `None` where the engine must answer.
    fn rating(&self, pack: &RatePack, q: &ValidQuote, facts: &mut Priced, buffers: &mut Buffers) -> Option<Rating> {
        if !self.full {
            return None;
        }
        engine::check_against_pack(pack, q).ok()?;
        self.encode(pack, q, facts)?;
        let mut coverages = Vec::with_capacity(q.coverages.len() * q.vehicles.len().max(1));
        let outcome = self.price_encoded(pack, q, None, Some(&mut coverages), facts, buffers)?;
        let facts = &*facts;
        let auto = q.product == Product::PersonalAuto;
        let covered: Vec<usize> = if auto { (0..facts.drivers.len()).filter(|d| !q.drivers[*d].excluded).collect() } else { Vec::new() };
        // Underwriting reads every covered driver with every vehicle, as the
        // engine's units do; a rule fires once per driver.
        let pair = |d: usize, v: usize| View {
            policy: Some(&facts.policy),
            vehicle: facts.vehicles.get(v),
            driver: facts.drivers.get(d),
            choice: None,
        };
        let dwelling = View { policy: Some(&facts.policy), vehicle: None, driver: None, choice: None };
        let mut reasons = BTreeSet::new();
        for (rule, conditions) in pack.underwriting.iter().zip(&self.rules) {
            let holds = |view: &View<'_>| conditions.iter().all(|c| c.holds(view));
            if auto {
                for &d in covered.iter().filter(|&&d| (0..facts.vehicles.len()).any(|v| holds(&pair(d, v)))) {
                    reasons.insert(engine::reason(rule, Subject::Driver(d).to_string()));
                }
            } else if holds(&dwelling) {
                reasons.insert(engine::reason(rule, Subject::Dwelling.to_string()));
            }
        }
        let risk = self.riskiest(pack, q, facts, &covered);
        Some(engine::assemble(
            pack,
            q,
            engine::Assembly {
                coverages,
                drivers: outcome.assignment,
                minimum_premium_adjustment: outcome.minimum_premium_adjustment,
                total: outcome.total,
                risk,
                reasons,
                good_driver: outcome.good_driver,
            },
        ))
    }

    /// The risk score of the riskiest unit, as the engine's `riskiest`
    /// finds it: for personal auto, the riskiest covered driver (by the
    /// driver's features) with the riskiest vehicle (by the rest).
    fn riskiest(&self, pack: &RatePack, q: &ValidQuote, facts: &Priced, covered: &[usize]) -> Option<RiskScore> {
        let (model, score) = (pack.risk.as_ref()?, self.score.as_ref()?);
        let driver = |var: Variable| var.scope() == Scope::Driver;
        let (d, v, sum) = match q.product {
            Product::PersonalAuto => {
                let driver_view = |d: usize| View { policy: None, vehicle: None, driver: facts.drivers.get(d), choice: None };
                let vehicle_view =
                    |v: usize| View { policy: Some(&facts.policy), vehicle: facts.vehicles.get(v), driver: None, choice: None };
                let (k, ds) = engine::first_max(covered.iter().enumerate().map(|(k, &d)| (k, score.sum(&driver_view(d), driver))))?;
                let (v, vs) = engine::first_max((0..facts.vehicles.len()).map(|v| (v, score.sum(&vehicle_view(v), |var| !driver(var)))))?;
                (Some(covered[k]), Some(v), ds + vs)
            }
            Product::HomeownersHo3 => {
                let view = View { policy: Some(&facts.policy), vehicle: None, driver: None, choice: None };
                (None, None, score.sum(&view, |_| true))
            }
        };
        let view = View {
            policy: Some(&facts.policy),
            vehicle: v.and_then(|v| facts.vehicles.get(v)),
            driver: d.and_then(|d| facts.drivers.get(d)),
            choice: None,
        };
        let contributions = model
            .features
            .iter()
            .zip(&score.features)
            .map(|(f, cf)| {
                let value = match view.get(f.var) {
                    None => Value::Integer(0),
                    // A text the pack never mentions: the quote's own.
                    Some(_) => self.value_at(&view, f.var).or_else(|| engine::fact_of(pack, q, f.var, v, d)).unwrap_or(Value::Integer(0)),
                };
                engine::contribution(f, cf.x(&view), value)
            })
            .collect();
        let unit = match (d, v) {
            (Some(d), Some(v)) => Subject::DriverWith(d, v),
            _ => Subject::Dwelling,
        };
        Some(engine::risk_score(model, unit.to_string(), sum, contributions))
    }
}

/// Calls `f` with the thread's recycled facts and buffers (fresh ones if
/// pricing were to price again from inside).
fn with_recycled<R>(f: impl FnOnce(&mut Priced, &mut Buffers) -> R) -> R {
    RECYCLED.with(|cell| match cell.try_borrow_mut() {
        Ok(mut recycled) => {
            let (facts, buffers) = &mut *recycled;
            f(facts, buffers)
        }
        Err(_) => f(&mut Priced::default(), &mut Buffers::default()),
    })
}

/// Rates a validated quote with a pack: every coverage premium with its
/// worksheet, every driver's part, the fees, the installments, the risk
/// score and the underwriting decision.
///
/// The pack's compiled plan writes it where it can; the engine
/// ([`crate::rate_by_engine`]) otherwise, and for every error. Both give
/// the same rating to the last line (`tests/compiled.rs`).
pub fn rate(pack: &RatePack, quote: &ValidQuote) -> Result<Rating, RatingError> {
    match rate_compiled_with_worksheet(pack, quote) {
        Some(rating) => Ok(rating),
        None => engine::rate_by_engine(pack, quote),
    }
}

/// The total [`crate::rate`] gives, without the worksheet, the decision or
/// the installment schedule: for re-rating a book and impact analysis,
/// where only the premium matters. The pack's compiled plan prices it, and
/// the engine where the plan cannot (then it also gives the error).
pub fn rate_total(pack: &RatePack, quote: &ValidQuote) -> Result<Decimal, RatingError> {
    if let Some(Some(total)) = with_plan(pack, |plan| plan.price(pack, quote, None)) {
        return Ok(total);
    }
    engine::engine_total(pack, quote, None)
}

/// The total [`rate_total`] gives, and each coverage's premium summed over
/// the rating units: `by_coverage` is indexed like the pack's coverages
/// (manifest order) and is overwritten, so one buffer serves a whole book.
pub fn rate_by_coverage(pack: &RatePack, quote: &ValidQuote, by_coverage: &mut Vec<Decimal>) -> Result<Decimal, RatingError> {
    if let Some(total) = rate_compiled(pack, quote, by_coverage) {
        return Ok(total);
    }
    // The plan may have summed some coverages before it gave up.
    by_coverage.clear();
    by_coverage.resize(pack.coverages.len(), Decimal::ZERO);
    engine::engine_total(pack, quote, Some(by_coverage))
}

/// The total, and each coverage's premium summed over the rating units
/// (indexed like the pack's coverages), by the pack's compiled plan alone:
/// `None` where the plan leaves the quote to the engine (a pack it cannot
/// model, a look-up with no row, an input error). [`rate_total`] and
/// [`rate_by_coverage`] use the plan and fall back to the engine; this is
/// how tests and benchmarks see which answered.
pub fn rate_compiled(pack: &RatePack, quote: &ValidQuote, by_coverage: &mut Vec<Decimal>) -> Option<Decimal> {
    by_coverage.clear();
    by_coverage.resize(pack.coverages.len(), Decimal::ZERO);
    with_plan(pack, |plan| plan.price(pack, quote, Some(by_coverage))).flatten()
}

/// The whole rating [`rate`] gives, by the pack's compiled plan alone:
/// `None` where the plan leaves the quote to the engine. For tests and
/// benchmarks, as [`rate_compiled`] is.
pub fn rate_compiled_with_worksheet(pack: &RatePack, quote: &ValidQuote) -> Option<Rating> {
    with_plan(pack, |plan| with_recycled(|facts, buffers| plan.rating(pack, quote, facts, buffers))).flatten()
}

/// What a base pack's plan and its draft's share, so a quote's facts are
/// encoded once for both (see [`rate_pair_compiled`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sharing {
    /// The same words, violation points and installment plans: the
    /// base's slots are the draft's.
    facts: bool,
    /// The same tables too: the values kept in the slots are the draft's.
    tables: bool,
    /// The same state, product, terms, plans, coverage options and signed
    /// forms: a quote the base accepts, the draft accepts
    /// (`check_against_pack` reads nothing else but names in messages).
    checks: bool,
}

/// Calls `f` with both packs' plans; `None` when either has none.
fn with_plans<R>(base: &RatePack, draft: &RatePack, f: impl FnOnce(&CompiledPack, &CompiledPack) -> R) -> Option<R> {
    PLANS.with(|cell| {
        let Ok(mut plans) = cell.try_borrow_mut() else {
            return CompiledPack::new(base).zip(CompiledPack::new(draft)).map(|(b, d)| f(&b, &d));
        };
        let (bd, dd) = (base.digest(), draft.digest());
        for (digest, pack) in [(bd, base), (dd, draft)] {
            if !plans.iter().any(|(d, _)| *d == digest) {
                if plans.len() >= PLANS_KEPT {
                    // The oldest that is not one of the two.
                    if let Some(old) = plans.iter().position(|(d, _)| *d != bd && *d != dd) {
                        plans.remove(old);
                    }
                }
                plans.push((digest, CompiledPack::new(pack).map(Box::new)));
            }
        }
        let find = |digest: PackDigest| plans.iter().find(|(d, _)| *d == digest).and_then(|(_, p)| p.as_deref());
        Some(f(find(bd)?, find(dd)?))
    })
}

/// What the plans of `base` and `draft` share; `None` when either has no plan.
pub(crate) fn sharing(base: &RatePack, draft: &RatePack) -> Option<Sharing> {
    let plans = |pack: &RatePack| pack.plans.iter().map(|p| (p.code.clone(), p.installments)).collect::<Vec<_>>();
    let same_facts = base.points == draft.points && base.accident_points == draft.accident_points && plans(base) == plans(draft);
    let options = |pack: &RatePack| {
        pack.coverages.iter().map(|c| (c.code.clone(), c.limits.clone(), c.deductibles.clone(), c.per, c.required)).collect::<Vec<_>>()
    };
    let (bi, di) = (base.info(), draft.info());
    let checks = bi.state == di.state
        && bi.product == di.product
        && bi.terms == di.terms
        && base.credit_forbidden == draft.credit_forbidden
        && plans(base) == plans(draft)
        && options(base) == options(draft)
        && base.elections == draft.elections;
    with_plans(base, draft, |b, d| {
        let facts = same_facts && b.words == d.words;
        Sharing { facts, tables: facts && b.tables == d.tables && b.table_scope == d.table_scope, checks }
    })
}

/// A quote priced with a base pack and its draft by their plans, its facts
/// encoded once where `sharing` allows: each total, and each coverage's
/// premium in `base_cov` and `draft_cov` (as [`rate_by_coverage`] gives
/// them). `None` where either plan leaves the quote to the engine.
pub(crate) fn rate_pair_compiled(
    base: &RatePack,
    draft: &RatePack,
    sharing: Sharing,
    quote: &ValidQuote,
    base_cov: &mut Vec<Decimal>,
    draft_cov: &mut Vec<Decimal>,
) -> Option<(Decimal, Decimal)> {
    base_cov.clear();
    base_cov.resize(base.coverages.len(), Decimal::ZERO);
    draft_cov.clear();
    draft_cov.resize(draft.coverages.len(), Decimal::ZERO);
    with_plans(base, draft, |bp, dp| {
        RECYCLED.with(|cell| {
            let mut fresh = (Priced::default(), Buffers::default());
            let mut recycled = cell.try_borrow_mut();
            let (facts, buffers) = match recycled.as_deref_mut() {
                Ok(pair) => (&mut pair.0, &mut pair.1),
                Err(_) => (&mut fresh.0, &mut fresh.1),
            };
            engine::check_against_pack(base, quote).ok()?;
            if !sharing.checks {
                engine::check_against_pack(draft, quote).ok()?;
            }
            bp.encode(base, quote, facts)?;
            let b = bp.price_encoded(base, quote, Some(base_cov), None, facts, buffers)?.total;
            if !sharing.facts {
                dp.encode(draft, quote, facts)?;
            } else if !sharing.tables {
                dp.look_up_again(facts);
            }
            let d = dp.price_encoded(draft, quote, Some(draft_cov), None, facts, buffers)?.total;
            Some((b, d))
        })
    })
    .flatten()
}
