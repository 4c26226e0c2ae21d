//! What every document shares: type sizes, tables that flow across pages,
//! section headings, the footer, and how dates and money are shown.

use rust_decimal::Decimal;
use time::Date;

use crate::font::Face;
use crate::layout::{line_height, Builder, Ink, LEFT, PT, RIGHT};
use crate::money::format_money;
use crate::{DocumentError, ProposalCoverage, ProposalDriver};

pub(crate) const TITLE: i64 = 18 * PT;
pub(crate) const HEADING: i64 = 11 * PT;
pub(crate) const BODY: i64 = 9_500;
pub(crate) const LABEL: i64 = 8_500;
pub(crate) const SMALL: i64 = 8_000;
pub(crate) const FOOTER: i64 = 7_500;
/// Vertical padding inside a table row, split above and below the text.
pub(crate) const ROW_PAD: i64 = 3 * PT;
pub(crate) const DASH: &str = "—";

/// The right edge of the money column, and its width.
pub(crate) const MONEY_RIGHT: i64 = RIGHT - 4 * PT;
pub(crate) const MONEY_WIDTH: i64 = 84 * PT;

/// Control characters (tabs, stray newlines) become spaces: a line is a line.
pub(crate) fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// "June 3, 2026".
pub(crate) fn long_date(date: Date) -> String {
    format!("{} {}, {}", date.month(), date.day(), date.year())
}

pub(crate) fn money(amount: Decimal, field: impl FnOnce() -> String) -> Result<String, DocumentError> {
    format_money(amount).map_err(|source| DocumentError::Money { field: field(), source })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A column of a table: where it starts, how wide it is, how its text aligns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    x: i64,
    width: i64,
    align: Align,
}

pub(crate) const fn col(x: i64, width: i64) -> Column {
    Column { x, width, align: Align::Left }
}

pub(crate) const fn money_col() -> Column {
    Column { x: MONEY_RIGHT - MONEY_WIDTH, width: MONEY_WIDTH, align: Align::Right }
}

/// A cell's content and style.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    text: String,
    face: Face,
    ink: Ink,
}

pub(crate) fn cell(text: impl AsRef<str>) -> Cell {
    Cell { text: clean(text.as_ref()), face: Face::Regular, ink: Ink::Text }
}

impl Cell {
    pub(crate) fn bold(mut self) -> Self {
        self.face = Face::Bold;
        self
    }

    pub(crate) fn ink(mut self, ink: Ink) -> Self {
        self.ink = ink;
        self
    }
}

/// A table: columns, an optional shaded header row repeated on each page it spans.
#[derive(Debug)]
pub(crate) struct Table {
    columns: Vec<Column>,
    header: Option<Vec<Cell>>,
    size: i64,
}

impl Table {
    pub(crate) fn new(columns: Vec<Column>, header: Option<Vec<&str>>, size: i64) -> Self {
        let header = header.map(|titles| titles.into_iter().map(|t| cell(t).bold().ink(Ink::Muted)).collect());
        Self { columns, header, size }
    }

    /// Wraps each cell to its column; returns the lines and the row's height.
    pub(crate) fn measure(&self, b: &Builder, size: i64, cells: &[Cell]) -> Result<(Vec<Vec<String>>, i64), DocumentError> {
        let mut lines = Vec::with_capacity(cells.len());
        for (cell, column) in cells.iter().zip(&self.columns) {
            lines.push(b.wrap(cell.face, size, column.width, &cell.text)?);
        }
        let count = lines.iter().map(Vec::len).max().unwrap_or(1);
        let height = i64::try_from(count).unwrap_or(1) * line_height(size) + ROW_PAD;
        Ok((lines, height))
    }

    pub(crate) fn draw(&self, b: &mut Builder, size: i64, cells: &[Cell], lines: &[Vec<String>], height: i64) -> Result<(), DocumentError> {
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

    pub(crate) fn header(&self, b: &mut Builder) -> Result<(), DocumentError> {
        let Some(header) = &self.header else { return Ok(()) };
        let size = LABEL;
        let (lines, height) = self.measure(b, size, header)?;
        b.shade(LEFT, b.y, RIGHT - LEFT, height, 0.93);
        self.draw(b, size, header, &lines, height)
    }

    /// The height of the header row, to keep it with the first body row.
    pub(crate) fn header_height(&self, b: &Builder) -> Result<i64, DocumentError> {
        match &self.header {
            Some(header) => Ok(self.measure(b, LABEL, header)?.1),
            None => Ok(0),
        }
    }

    /// Draws a body row, moving to a new page (and repeating the header) if it does
    /// not fit. `rule` draws a hairline under the row.
    pub(crate) fn row(&self, b: &mut Builder, cells: &[Cell], rule: bool) -> Result<(), DocumentError> {
        self.row_sized(b, self.size, cells, rule)
    }

    pub(crate) fn row_sized(&self, b: &mut Builder, size: i64, cells: &[Cell], rule: bool) -> Result<(), DocumentError> {
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
pub(crate) fn heading(b: &mut Builder, text: &str, keep: i64) -> Result<(), DocumentError> {
    b.y -= 8 * PT;
    b.ensure(line_height(HEADING) + 2 * PT + keep)?;
    b.line(Face::Bold, HEADING, Ink::Accent, LEFT, text)?;
    b.y -= 2 * PT;
    Ok(())
}

pub(crate) fn footer(b: &mut Builder, left: &str, page: usize, count: usize) -> Result<(), DocumentError> {
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

/// The insured's name and mailing address under `title`.
pub(crate) fn insured_block(b: &mut Builder, title: &str, name: &str, address: &[String]) -> Result<(), DocumentError> {
    heading(b, title, line_height(BODY))?;
    b.paragraph(Face::Bold, BODY, Ink::Text, LEFT, RIGHT - LEFT, &clean(name))?;
    for line in address {
        b.paragraph(Face::Regular, BODY, Ink::Text, LEFT, RIGHT - LEFT, &clean(line))?;
    }
    Ok(())
}

/// The insurer in one small paragraph under the title: "Issued by" its
/// legal name, NAIC company code, address and telephone, then the agency
/// that wrote the business; or, when the workstation has not learnt them,
/// a sentence saying so.
pub(crate) fn issuer_line(b: &mut Builder, issuer: Option<&crate::Issuer>) -> Result<(), DocumentError> {
    let text = match issuer {
        None => {
            "The insurer's name, address and NAIC company code print here once this workstation has synced with its organization's server."
                .to_owned()
        }
        Some(i) => {
            let mut parts = vec![format!("Issued by {}", clean(&i.legal_name))];
            parts.extend(i.naic_code.as_ref().map(|c| format!("NAIC company code {}", clean(c))));
            if !i.address.is_empty() {
                parts.push(i.address.iter().map(|l| clean(l)).collect::<Vec<_>>().join(", "));
            }
            parts.extend(i.phone.as_ref().map(|p| clean(p)));
            parts.join(" · ")
        }
    };
    b.paragraph(Face::Regular, SMALL, Ink::Muted, LEFT, RIGHT - LEFT, &text)?;
    match issuer.and_then(|i| i.agency.as_ref()) {
        Some(agency) => b.paragraph(Face::Regular, SMALL, Ink::Muted, LEFT, RIGHT - LEFT, &format!("Agency: {}", clean(agency))),
        None => Ok(()),
    }
}

/// Homeowners Coverages A to D with their limits, when there are any: B to
/// D are rated within the dwelling's premium, so they carry none of their own.
pub(crate) fn property_block(b: &mut Builder, limits: &[crate::PropertyLimit]) -> Result<(), DocumentError> {
    if limits.is_empty() {
        return Ok(());
    }
    heading(b, "Property coverages", 2 * line_height(BODY))?;
    for limit in limits {
        let baseline = Builder::baseline(b.y, BODY);
        b.text(
            Face::Regular,
            BODY,
            Ink::Text,
            LEFT + 4 * PT,
            baseline,
            &format!("Coverage {} · {}", clean(&limit.letter), clean(&limit.name)),
        )?;
        let amount = crate::format_limit(&format!("${}", limit.limit.normalize()));
        b.text(Face::Bold, BODY, Ink::Text, LEFT + 220 * PT, baseline, &amount)?;
        b.y -= line_height(BODY);
    }
    b.paragraph(
        Face::Regular,
        SMALL,
        Ink::Muted,
        LEFT + 4 * PT,
        RIGHT - LEFT - 4 * PT,
        "Coverages B, C and D follow Coverage A and are included in the dwelling's premium.",
    )
}

/// Florida's hurricane deductible in dollars, when there is one.
pub(crate) fn hurricane_block(b: &mut Builder, h: Option<&crate::HurricaneDeductible>) -> Result<(), DocumentError> {
    let Some(h) = h else { return Ok(()) };
    heading(b, "Hurricane deductible", line_height(BODY))?;
    let amount = money(h.amount, || "hurricane deductible".to_string())?;
    b.paragraph(
        Face::Bold,
        BODY,
        Ink::Text,
        LEFT + 4 * PT,
        RIGHT - LEFT - 4 * PT,
        &format!("{amount} ({} of Coverage A), applied once per calendar year", clean(&h.basis)),
    )
}

/// The drivers with their (masked) licences; nothing if none.
pub(crate) fn drivers_table(b: &mut Builder, drivers: &[ProposalDriver]) -> Result<(), DocumentError> {
    if drivers.is_empty() {
        return Ok(());
    }
    let table = Table::new(vec![col(LEFT + 4 * PT, 280 * PT), col(LEFT + 292 * PT, 208 * PT)], Some(vec!["Driver", "License"]), BODY);
    heading(b, "Drivers", table.header_height(b)? + line_height(BODY) + ROW_PAD)?;
    table.header(b)?;
    for driver in drivers {
        table.row(b, &[cell(&driver.name), cell(&driver.license)], true)?;
    }
    Ok(())
}

/// The coverage table: coverage, limit, deductible, premium.
pub(crate) fn coverage_table(b: &mut Builder, coverages: &[ProposalCoverage]) -> Result<(), DocumentError> {
    let table = Table::new(
        vec![col(LEFT + 4 * PT, 196 * PT), col(LEFT + 208 * PT, 116 * PT), col(LEFT + 330 * PT, 84 * PT), money_col()],
        Some(vec!["Coverage", "Limit", "Deductible", "Premium"]),
        BODY,
    );
    heading(b, "Coverages", table.header_height(b)? + line_height(BODY) + ROW_PAD)?;
    table.header(b)?;
    for coverage in coverages {
        let premium = money(coverage.premium, || format!("premium of coverage {:?}", coverage.description))?;
        let cells = [
            cell(&coverage.description),
            cell(coverage.limit.as_deref().unwrap_or(DASH)),
            cell(coverage.deductible.as_deref().unwrap_or(DASH)),
            cell(premium),
        ];
        table.row(b, &cells, true)?;
    }
    Ok(())
}

/// The fees and the total, spanning the description columns.
pub(crate) fn totals(b: &mut Builder, fees: &[(String, Decimal)], total: Decimal, total_label: &str) -> Result<(), DocumentError> {
    let wide = Table::new(
        vec![col(LEFT + 4 * PT, MONEY_RIGHT - MONEY_WIDTH - LEFT - 12 * PT), money_col()],
        Some(vec!["Fees and total", "Amount"]),
        BODY,
    );
    for (description, amount) in fees {
        let amount = money(*amount, || format!("amount of fee {description:?}"))?;
        wide.row(b, &[cell(description), cell(amount)], true)?;
    }
    let total_size = 10_500;
    let total = money(total, || "total".to_string())?;
    let (lines, height) = wide.measure(b, total_size, &[cell(total_label), cell(&total)])?;
    if b.ensure(height + 2 * PT)? {
        wide.header(b)?;
    }
    b.rule(LEFT, RIGHT, b.y, PT, 0.2);
    b.y -= 2 * PT;
    wide.draw(b, total_size, &[cell(total_label).bold(), cell(total).bold()], &lines, height)?;
    b.rule(LEFT, RIGHT, b.y, PT, 0.2);
    Ok(())
}

/// A titled table of described amounts (`what` names one in errors); nothing if empty.
pub(crate) fn money_list(b: &mut Builder, title: &str, column: &str, what: &str, rows: &[(String, Decimal)]) -> Result<(), DocumentError> {
    if rows.is_empty() {
        return Ok(());
    }
    let table =
        Table::new(vec![col(LEFT + 4 * PT, MONEY_RIGHT - MONEY_WIDTH - LEFT - 12 * PT), money_col()], Some(vec![column, "Amount"]), BODY);
    heading(b, title, table.header_height(b)? + line_height(BODY) + ROW_PAD)?;
    table.header(b)?;
    for (description, amount) in rows {
        let amount = money(*amount, || format!("amount of {what} {description:?}"))?;
        table.row(b, &[cell(description), cell(amount)], true)?;
    }
    Ok(())
}

/// The notices in small print, a paragraph per line; nothing if none.
pub(crate) fn notices(b: &mut Builder, notices: &[String]) -> Result<(), DocumentError> {
    if notices.is_empty() {
        return Ok(());
    }
    heading(b, "Notices", 2 * line_height(SMALL))?;
    for notice in notices {
        for paragraph in notice.lines().map(clean).filter(|l| !l.trim().is_empty()) {
            b.paragraph(Face::Regular, SMALL, Ink::Text, LEFT, RIGHT - LEFT, &paragraph)?;
            b.y -= 3 * PT;
        }
    }
    Ok(())
}
