//! The quote proposal's layout.

use rust_decimal::Decimal;
use time::Date;

use crate::font::{Face, Fonts};
use crate::layout::{line_height, Builder, Ink, LEFT, PT, RIGHT, TOP};
use crate::money::format_money;
use crate::pdf::{self, Info};
use crate::{DocumentError, Proposal};

const TITLE: i64 = 18 * PT;
const HEADING: i64 = 11 * PT;
const BODY: i64 = 9_500;
const LABEL: i64 = 8_500;
const SMALL: i64 = 8_000;
const FOOTER: i64 = 7_500;
/// Vertical padding inside a table row, split above and below the text.
const ROW_PAD: i64 = 3 * PT;
const DASH: &str = "—";

/// The right edge of the money column, and its width.
const MONEY_RIGHT: i64 = RIGHT - 4 * PT;
const MONEY_WIDTH: i64 = 84 * PT;

pub(crate) fn render(p: &Proposal) -> Result<Vec<u8>, DocumentError> {
    let quote = clean(&p.quote_number);
    let running_head = format!("Quote proposal {quote}, version {} (continued)", p.version);
    let mut b = Builder::new(Fonts::load()?, running_head);

    title(&mut b, p)?;
    header_block(&mut b, p)?;
    insured(&mut b, p)?;
    drivers(&mut b, p)?;
    risks(&mut b, p)?;
    coverages(&mut b, p)?;
    installments(&mut b, p)?;
    notices(&mut b, p)?;

    let footer_left = format!("Quote {quote} v{} · Priced with rate pack {}", p.version, clean(&p.pack_id));
    let (pages, fonts) = b.finish(|b, page, count| footer(b, &footer_left, page, count))?;
    let info = Info {
        title: format!("Quote proposal {quote} v{}", p.version),
        subject: format!("{} quote proposal", clean(&p.product)),
        identifier: format!("{quote}-v{}", p.version),
        date: p.prepared_on,
    };
    pdf::save(pages, fonts.into_subsets()?, info)
}

/// Control characters (tabs, stray newlines) become spaces: a line is a line.
fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// "June 3, 2026".
fn long_date(date: Date) -> String {
    format!("{} {}, {}", date.month(), date.day(), date.year())
}

fn money(amount: Decimal, field: impl FnOnce() -> String) -> Result<String, DocumentError> {
    format_money(amount).map_err(|source| DocumentError::Money { field: field(), source })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A column of a table: where it starts, how wide it is, how its text aligns.
#[derive(Debug, Clone, Copy)]
struct Column {
    x: i64,
    width: i64,
    align: Align,
}

const fn col(x: i64, width: i64) -> Column {
    Column { x, width, align: Align::Left }
}

const fn money_col() -> Column {
    Column { x: MONEY_RIGHT - MONEY_WIDTH, width: MONEY_WIDTH, align: Align::Right }
}

/// A cell's content and style.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    face: Face,
    ink: Ink,
}

fn cell(text: impl AsRef<str>) -> Cell {
    Cell { text: clean(text.as_ref()), face: Face::Regular, ink: Ink::Text }
}

impl Cell {
    fn bold(mut self) -> Self {
        self.face = Face::Bold;
        self
    }

    fn ink(mut self, ink: Ink) -> Self {
        self.ink = ink;
        self
    }
}

/// A table: columns, an optional shaded header row repeated on each page it spans.
#[derive(Debug)]
struct Table {
    columns: Vec<Column>,
    header: Option<Vec<Cell>>,
    size: i64,
}

impl Table {
    fn new(columns: Vec<Column>, header: Option<Vec<&str>>, size: i64) -> Self {
        let header = header.map(|titles| titles.into_iter().map(|t| cell(t).bold().ink(Ink::Muted)).collect());
        Self { columns, header, size }
    }

    /// Wraps each cell to its column; returns the lines and the row's height.
    fn measure(&self, b: &Builder, size: i64, cells: &[Cell]) -> Result<(Vec<Vec<String>>, i64), DocumentError> {
        let mut lines = Vec::with_capacity(cells.len());
        for (cell, column) in cells.iter().zip(&self.columns) {
            lines.push(b.wrap(cell.face, size, column.width, &cell.text)?);
        }
        let count = lines.iter().map(Vec::len).max().unwrap_or(1);
        let height = i64::try_from(count).unwrap_or(1) * line_height(size) + ROW_PAD;
        Ok((lines, height))
    }

    fn draw(&self, b: &mut Builder, size: i64, cells: &[Cell], lines: &[Vec<String>], height: i64) -> Result<(), DocumentError> {
        let top = b.y - ROW_PAD / 2;
        for ((cell, column), lines) in cells.iter().zip(&self.columns).zip(lines) {
            let mut line_top = top;
            for line in lines {
                let baseline = Builder::baseline(line_top, size);
                match column.align {
                    Align::Left => b.text(cell.face, size, cell.ink, column.x, baseline, line)?,
                    Align::Right => b.text_right(cell.face, size, cell.ink, column.x + column.width, baseline, line)?,
                }
                line_top -= line_height(size);
            }
        }
        b.y -= height;
        Ok(())
    }

    fn header(&self, b: &mut Builder) -> Result<(), DocumentError> {
        let Some(header) = &self.header else { return Ok(()) };
        let size = LABEL;
        let (lines, height) = self.measure(b, size, header)?;
        b.shade(LEFT, b.y, RIGHT - LEFT, height, 0.93);
        self.draw(b, size, header, &lines, height)
    }

    /// The height of the header row, to keep it with the first body row.
    fn header_height(&self, b: &Builder) -> Result<i64, DocumentError> {
        match &self.header {
            Some(header) => Ok(self.measure(b, LABEL, header)?.1),
            None => Ok(0),
        }
    }

    /// Draws a body row, moving to a new page (and repeating the header) if it does
    /// not fit. `rule` draws a hairline under the row.
    fn row(&self, b: &mut Builder, cells: &[Cell], rule: bool) -> Result<(), DocumentError> {
        self.row_sized(b, self.size, cells, rule)
    }

    fn row_sized(&self, b: &mut Builder, size: i64, cells: &[Cell], rule: bool) -> Result<(), DocumentError> {
        let (lines, height) = self.measure(b, size, cells)?;
        if b.ensure(height)? {
            self.header(b)?;
        }
        self.draw(b, size, cells, &lines, height)?;
        if rule {
            b.rule(LEFT, RIGHT, b.y, PT / 2, 0.82);
        }
        Ok(())
    }
}

/// A section heading, kept on the page with at least `keep` of what follows.
fn heading(b: &mut Builder, text: &str, keep: i64) -> Result<(), DocumentError> {
    b.y -= 8 * PT;
    b.ensure(line_height(HEADING) + 2 * PT + keep)?;
    b.line(Face::Bold, HEADING, Ink::Accent, LEFT, text)?;
    b.y -= 2 * PT;
    Ok(())
}

fn title(b: &mut Builder, p: &Proposal) -> Result<(), DocumentError> {
    let baseline = Builder::baseline(TOP, TITLE);
    b.text(Face::Bold, TITLE, Ink::Accent, LEFT, baseline, "Quote proposal")?;
    let product = format!("{} · {}", clean(&p.product), clean(&p.state));
    b.text_right(Face::Bold, HEADING, Ink::Text, RIGHT, baseline, &product)?;
    b.y = TOP - line_height(TITLE);
    b.line(Face::Regular, BODY, Ink::Muted, LEFT, &format!("Prepared for {}", clean(&p.insured_name)))?;
    b.y -= 4 * PT;
    b.rule(LEFT, RIGHT, b.y, 3 * PT / 2, 0.25);
    b.y -= 6 * PT;
    Ok(())
}

fn header_block(b: &mut Builder, p: &Proposal) -> Result<(), DocumentError> {
    let table = Table::new(
        vec![col(LEFT, 84 * PT), col(LEFT + 88 * PT, 160 * PT), col(LEFT + 262 * PT, 84 * PT), col(LEFT + 350 * PT, 154 * PT)],
        None,
        BODY,
    );
    let term = if p.term_months == 1 { "1 month".to_string() } else { format!("{} months", p.term_months) };
    let rows = [
        ("Quote number", clean(&p.quote_number), "Version", p.version.to_string()),
        ("Prepared", long_date(p.prepared_on), "Valid until", long_date(p.valid_until)),
        ("Effective date", long_date(p.effective_date), "Term", term),
        ("Product", clean(&p.product), "State", clean(&p.state)),
    ];
    for (label1, value1, label2, value2) in rows {
        let cells = [cell(label1).ink(Ink::Muted), cell(value1).bold(), cell(label2).ink(Ink::Muted), cell(value2).bold()];
        table.row(b, &cells, false)?;
    }
    Ok(())
}

fn insured(b: &mut Builder, p: &Proposal) -> Result<(), DocumentError> {
    heading(b, "Insured", line_height(BODY))?;
    b.paragraph(Face::Bold, BODY, Ink::Text, LEFT, RIGHT - LEFT, &clean(&p.insured_name))?;
    for line in &p.insured_address {
        b.paragraph(Face::Regular, BODY, Ink::Text, LEFT, RIGHT - LEFT, &clean(line))?;
    }
    Ok(())
}

fn drivers(b: &mut Builder, p: &Proposal) -> Result<(), DocumentError> {
    if p.drivers.is_empty() {
        return Ok(());
    }
    let table = Table::new(vec![col(LEFT + 4 * PT, 280 * PT), col(LEFT + 292 * PT, 208 * PT)], Some(vec!["Driver", "License"]), BODY);
    heading(b, "Drivers", table.header_height(b)? + line_height(BODY) + ROW_PAD)?;
    table.header(b)?;
    for driver in &p.drivers {
        table.row(b, &[cell(&driver.name), cell(&driver.license)], true)?;
    }
    Ok(())
}

fn risks(b: &mut Builder, p: &Proposal) -> Result<(), DocumentError> {
    if !p.vehicles.is_empty() {
        heading(b, "Vehicles", line_height(BODY))?;
        for vehicle in &p.vehicles {
            let lines = b.wrap(Face::Regular, BODY, RIGHT - LEFT - 12 * PT, &clean(vehicle))?;
            for (i, line) in lines.iter().enumerate() {
                b.ensure(line_height(BODY))?;
                if i == 0 {
                    b.text(Face::Regular, BODY, Ink::Muted, LEFT + 2 * PT, Builder::baseline(b.y, BODY), "•")?;
                }
                b.line(Face::Regular, BODY, Ink::Text, LEFT + 12 * PT, line)?;
            }
        }
    }
    if let Some(dwelling) = &p.dwelling {
        heading(b, "Dwelling", line_height(BODY))?;
        b.paragraph(Face::Regular, BODY, Ink::Text, LEFT, RIGHT - LEFT, &clean(dwelling))?;
    }
    Ok(())
}

fn coverages(b: &mut Builder, p: &Proposal) -> Result<(), DocumentError> {
    let table = Table::new(
        vec![col(LEFT + 4 * PT, 196 * PT), col(LEFT + 208 * PT, 116 * PT), col(LEFT + 330 * PT, 84 * PT), money_col()],
        Some(vec!["Coverage", "Limit", "Deductible", "Premium"]),
        BODY,
    );
    heading(b, "Coverages", table.header_height(b)? + line_height(BODY) + ROW_PAD)?;
    table.header(b)?;
    for coverage in &p.coverages {
        let premium = money(coverage.premium, || format!("premium of coverage {:?}", coverage.description))?;
        let cells = [
            cell(&coverage.description),
            cell(coverage.limit.as_deref().unwrap_or(DASH)),
            cell(coverage.deductible.as_deref().unwrap_or(DASH)),
            cell(premium),
        ];
        table.row(b, &cells, true)?;
    }

    // Fees and the total span the description columns.
    let wide = Table::new(
        vec![col(LEFT + 4 * PT, MONEY_RIGHT - MONEY_WIDTH - LEFT - 12 * PT), money_col()],
        Some(vec!["Fees and total", "Amount"]),
        BODY,
    );
    for (description, amount) in &p.fees {
        let amount = money(*amount, || format!("amount of fee {description:?}"))?;
        wide.row(b, &[cell(description), cell(amount)], true)?;
    }
    let total_size = 10_500;
    let total_label = match p.term_months {
        1 => "Total for the 1-month term".to_string(),
        n => format!("Total for the {n}-month term"),
    };
    let total = money(p.total, || "total".to_string())?;
    let (lines, height) = wide.measure(b, total_size, &[cell(&total_label), cell(&total)])?;
    if b.ensure(height + 2 * PT)? {
        wide.header(b)?;
    }
    b.rule(LEFT, RIGHT, b.y, PT, 0.2);
    b.y -= 2 * PT;
    wide.draw(b, total_size, &[cell(total_label).bold(), cell(total).bold()], &lines, height)?;
    b.rule(LEFT, RIGHT, b.y, PT, 0.2);
    Ok(())
}

fn installments(b: &mut Builder, p: &Proposal) -> Result<(), DocumentError> {
    if p.installments.is_empty() {
        return Ok(());
    }
    let table = Table::new(
        vec![col(LEFT + 4 * PT, MONEY_RIGHT - MONEY_WIDTH - LEFT - 12 * PT), money_col()],
        Some(vec!["Installment", "Amount"]),
        BODY,
    );
    heading(b, "Payment schedule", table.header_height(b)? + line_height(BODY) + ROW_PAD)?;
    table.header(b)?;
    for (description, amount) in &p.installments {
        let amount = money(*amount, || format!("amount of installment {description:?}"))?;
        table.row(b, &[cell(description), cell(amount)], true)?;
    }
    Ok(())
}

fn notices(b: &mut Builder, p: &Proposal) -> Result<(), DocumentError> {
    if p.notices.is_empty() {
        return Ok(());
    }
    heading(b, "Notices", 2 * line_height(SMALL))?;
    for notice in &p.notices {
        for paragraph in notice.lines().map(clean).filter(|l| !l.trim().is_empty()) {
            b.paragraph(Face::Regular, SMALL, Ink::Text, LEFT, RIGHT - LEFT, &paragraph)?;
            b.y -= 3 * PT;
        }
    }
    Ok(())
}

fn footer(b: &mut Builder, left: &str, page: usize, count: usize) -> Result<(), DocumentError> {
    let top = 50 * PT;
    b.rule(LEFT, RIGHT, top, PT / 2, 0.7);
    let page_label = format!("Page {page} of {count}");
    let width = RIGHT - LEFT - b.fonts.width(Face::Regular, FOOTER, &page_label)? - 24 * PT;
    let mut baseline = top - 12 * PT;
    b.text_right(Face::Regular, FOOTER, Ink::Muted, RIGHT, baseline, &page_label)?;
    for line in b.wrap(Face::Regular, FOOTER, width, left)? {
        b.text(Face::Regular, FOOTER, Ink::Muted, LEFT, baseline, &line)?;
        baseline -= line_height(FOOTER);
    }
    Ok(())
}
