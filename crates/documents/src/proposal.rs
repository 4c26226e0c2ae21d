//! The quote proposal's layout.

use crate::font::{Face, Fonts};
use crate::layout::{line_height, Builder, Ink, LEFT, PT, RIGHT, TOP};
use crate::parts::{
    cell, clean, col, footer, heading, long_date, money, money_col, Table, BODY, DASH, HEADING, MONEY_RIGHT, MONEY_WIDTH, ROW_PAD, SMALL,
    TITLE,
};
use crate::pdf::{self, Info};
use crate::{DocumentError, Proposal};

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
