//! The quote proposal's layout.

use crate::font::{Face, Fonts};
use crate::layout::{line_height, Builder, Ink, LEFT, PT, RIGHT, TOP};
use crate::parts::{
    cell, clean, col, coverage_table, drivers_table, footer, heading, hurricane_block, insured_block, issuer_line, long_date, money_list,
    notices, property_block, totals, Table, BODY, HEADING, TITLE,
};
use crate::pdf::{self, Info};
use crate::{DocumentError, Proposal};

pub(crate) fn render(p: &Proposal) -> Result<Vec<u8>, DocumentError> {
    let quote = clean(&p.quote_number);
    let running_head = format!("Quote proposal {quote}, version {} (continued)", p.version);
    let mut b = Builder::new(Fonts::load()?, running_head);

    title(&mut b, p)?;
    header_block(&mut b, p)?;
    insured_block(&mut b, "Insured", &p.insured_name, &p.insured_address)?;
    drivers_table(&mut b, &p.drivers)?;
    risks(&mut b, p)?;
    property_block(&mut b, &p.property_limits)?;
    hurricane_block(&mut b, p.hurricane_deductible.as_ref())?;
    coverage_table(&mut b, &p.coverages)?;
    let total_label = match p.term_months {
        1 => "Total for the 1-month term".to_string(),
        n => format!("Total for the {n}-month term"),
    };
    totals(&mut b, &p.fees, p.total, &total_label)?;
    money_list(&mut b, "Payment schedule", "Installment", "installment", &p.installments)?;
    notices(&mut b, &p.notices)?;

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
    issuer_line(b, p.issuer.as_ref())?;
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
