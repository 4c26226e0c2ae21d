//! A coverage premium's worksheet, kept compact: each line names its step,
//! table, row label and key words by number in a text shared by every
//! worksheet the pack's plan writes, so a quote's hundred-odd lines cost no
//! reference counts and no allocation of their own. Lines are read as
//! [`WorksheetLine`]s, borrowed views with the same fields and the same JSON
//! as ever.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::pack::Round;
use crate::variable::{Value, Variable};

/// What a worksheet line does to the running premium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// Sets the premium to the value.
    Base,
    /// Multiplies by a table's factor.
    Factor,
    /// Multiplies by a fixed factor.
    Multiply,
    /// Adds the value.
    Add,
    /// Raises the premium to at least the value.
    AtLeast,
    /// Lowers the premium to at most the value.
    AtMost,
    /// Multiplies by (1 - value).
    Discount,
    /// Multiplies by (1 + value).
    Surcharge,
    /// Multiplies by the capped risk relativity.
    RiskFactor,
    /// Rounds; the value is the rounded premium.
    Round,
    /// Raises the premium to the coverage minimum.
    Minimum,
}

impl Operation {
    /// The name worksheets use (its JSON form).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Factor => "factor",
            Self::Multiply => "multiply",
            Self::Add => "add",
            Self::AtLeast => "at-least",
            Self::AtMost => "at-most",
            Self::Discount => "discount",
            Self::Surcharge => "surcharge",
            Self::RiskFactor => "risk-factor",
            Self::Round => "round",
            Self::Minimum => "minimum",
        }
    }
}

/// The words worksheets name (step labels, table names, row labels,
/// discount names and codes, key words), by number.
#[derive(Debug, Default)]
pub(crate) struct SheetText {
    words: Vec<Arc<str>>,
    /// Pairs of rows an interpolation lies between: `(x0, y0, x1, y1)`.
    between: Vec<[Decimal; 4]>,
}

impl SheetText {
    /// Adds a word; its number.
    pub(crate) fn add(&mut self, word: &Arc<str>) -> u32 {
        self.words.push(word.clone());
        u32::try_from(self.words.len() - 1).unwrap_or(u32::MAX)
    }

    /// Adds the two rows `((x0, y0), (x1, y1))`; their number.
    pub(crate) fn add_between(&mut self, ((x0, y0), (x1, y1)): ((Decimal, Decimal), (Decimal, Decimal))) -> u32 {
        self.between.push([x0, y0, x1, y1]);
        u32::try_from(self.between.len() - 1).unwrap_or(u32::MAX)
    }

    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    pub(crate) fn between_len(&self) -> usize {
        self.between.len()
    }

    fn get(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", |w| w)
    }

    fn note(&self, note: Noted) -> Note<'_> {
        Note(match note {
            Noted::RoundTo(r) => NoteView::RoundTo(r),
            Noted::OnRounded(r) => NoteView::OnRounded(r),
            Noted::Interpolated(i) => NoteView::Interpolated(self.between.get(i as usize).unwrap_or(&[Decimal::ZERO; 4])),
        })
    }
}

/// One line, by numbers into its worksheet's text: plain data, so a
/// worksheet is copied and dropped without visiting its lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    pub(crate) step: u32,
    pub(crate) operation: Operation,
    pub(crate) table: Option<u32>,
    pub(crate) key: Option<Key>,
    pub(crate) label: Option<u32>,
    pub(crate) value: Decimal,
    pub(crate) subtotal: Decimal,
    pub(crate) note: Option<Noted>,
}

impl Line {
    /// A line with no table, key, label or note.
    pub(crate) fn plain(step: u32, operation: Operation, value: Decimal, subtotal: Decimal) -> Self {
        Self { step, operation, table: None, key: None, label: None, value, subtotal, note: None }
    }
}

/// What a line is keyed by, as stored.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key {
    One(Variable, KeyValue),
    Two(Variable, KeyValue, Variable, KeyValue),
    /// A discount's or surcharge's code, by number.
    Code(u32),
}

/// A key's value: a number or flag as it is, a word by number.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyValue {
    Integer(i64),
    Decimal(Decimal),
    Boolean(bool),
    Word(u32),
}

impl KeyValue {
    /// A value that is not text (text is a word).
    pub(crate) fn of(value: &Value) -> Option<Self> {
        match value {
            Value::Integer(n) => Some(Self::Integer(*n)),
            Value::Decimal(d) => Some(Self::Decimal(*d)),
            Value::Boolean(b) => Some(Self::Boolean(*b)),
            Value::Text(_) => None,
        }
    }
}

/// How a line's value was reached, as stored: a rounding rule, or an
/// interpolation between two rows (by number in the worksheet's text).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Noted {
    RoundTo(Round),
    /// California's Good Driver discount, on the rounded premium.
    OnRounded(Round),
    Interpolated(u32),
}

/// How a line's value was reached: a rounding rule, an interpolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note<'a>(NoteView<'a>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoteView<'a> {
    RoundTo(Round),
    OnRounded(Round),
    /// `(x0, y0, x1, y1)`.
    Interpolated(&'a [Decimal; 4]),
}

impl fmt::Display for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            NoteView::RoundTo(r) => write!(f, "round to {r}"),
            NoteView::OnRounded(r) => write!(f, "on the rounded premium, then round to {r}"),
            NoteView::Interpolated(p) => write!(f, "interpolated between {} = {} and {} = {}", p[0], p[1], p[2], p[3]),
        }
    }
}

impl Serialize for Note<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A coverage premium's worksheet: one line per operand.
#[derive(Clone)]
pub struct Worksheet {
    text: Arc<SheetText>,
    lines: Vec<Line>,
}

impl Worksheet {
    pub(crate) fn new(text: Arc<SheetText>, lines: Vec<Line>) -> Self {
        Self { text, lines }
    }

    /// The lines, in the order they apply.
    pub fn iter(&self) -> Lines<'_> {
        Lines { text: &self.text, lines: self.lines.iter() }
    }

    /// Line `i`.
    pub fn get(&self, i: usize) -> Option<WorksheetLine<'_>> {
        self.lines.get(i).map(|l| view(&self.text, l))
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

impl<'a> IntoIterator for &'a Worksheet {
    type Item = WorksheetLine<'a>;
    type IntoIter = Lines<'a>;

    fn into_iter(self) -> Lines<'a> {
        self.iter()
    }
}

/// A worksheet's lines.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    text: &'a SheetText,
    lines: std::slice::Iter<'a, Line>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = WorksheetLine<'a>;

    fn next(&mut self) -> Option<WorksheetLine<'a>> {
        self.lines.next().map(|l| view(self.text, l))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.lines.size_hint()
    }
}

impl ExactSizeIterator for Lines<'_> {}

impl DoubleEndedIterator for Lines<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.lines.next_back().map(|l| view(self.text, l))
    }
}

fn view<'a>(text: &'a SheetText, l: &'a Line) -> WorksheetLine<'a> {
    let value = |v: &'a KeyValue| match v {
        KeyValue::Integer(n) => KeyText::Integer(*n),
        KeyValue::Decimal(d) => KeyText::Decimal(*d),
        KeyValue::Boolean(b) => KeyText::Boolean(*b),
        KeyValue::Word(w) => KeyText::Word(text.get(*w)),
    };
    WorksheetLine {
        step: text.get(l.step),
        operation: l.operation,
        table: l.table.map(|t| text.get(t)),
        key: l.key.as_ref().map(|k| match k {
            Key::One(k, v) => LineKey::One(*k, value(v)),
            Key::Two(k1, v1, k2, v2) => LineKey::Two(*k1, value(v1), *k2, value(v2)),
            Key::Code(c) => LineKey::Code(text.get(*c)),
        }),
        label: l.label.map(|x| text.get(x)),
        value: l.value,
        subtotal: l.subtotal,
        note: l.note.map(|n| text.note(n)),
    }
}

impl PartialEq for Worksheet {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Worksheet {}

impl fmt::Debug for Worksheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Worksheet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// One operand of a premium, as a regulator would read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorksheetLine<'a> {
    pub step: &'a str,
    pub operation: Operation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<&'a str>,
    /// The rating variables and values used as the key, or the code of a
    /// discount or surcharge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<LineKey<'a>>,
    /// The table row's label (a territory name, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'a str>,
    pub value: Decimal,
    /// The running premium after this line.
    pub subtotal: Decimal,
    /// How the value was reached: an interpolation, a rounding rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Note<'a>>,
}

/// What a worksheet line was keyed by; shown as `var=value, var=value` or a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKey<'a> {
    One(Variable, KeyText<'a>),
    Two(Variable, KeyText<'a>, Variable, KeyText<'a>),
    Code(&'a str),
}

/// A key's value, shown as a rating value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyText<'a> {
    Integer(i64),
    Decimal(Decimal),
    Boolean(bool),
    Word(&'a str),
}

impl fmt::Display for KeyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer(n) => write!(f, "{n}"),
            Self::Decimal(d) => write!(f, "{d}"),
            Self::Boolean(b) => write!(f, "{b}"),
            Self::Word(w) => f.write_str(w),
        }
    }
}

impl fmt::Display for LineKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::One(k, v) => write!(f, "{k}={v}"),
            Self::Two(k1, v1, k2, v2) => write!(f, "{k1}={v1}, {k2}={v2}"),
            Self::Code(code) => f.write_str(code),
        }
    }
}

impl Serialize for LineKey<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
