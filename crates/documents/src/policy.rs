//! The policy's documents: the declarations page (new business, endorsement or
//! renewal), auto ID cards and the cancellation and non-renewal notices.

use crate::font::{Face, Fonts};
use crate::layout::{line_height, Builder, Ink, LEFT, PAGE_HEIGHT, PT, RIGHT, TOP};
use crate::parts::{
    cell, clean, col, coverage_table, drivers_table, footer, heading, hurricane_block, insured_block, issuer_line, long_date, money,
    money_col, money_list, notices, property_block, totals, Table, BODY, HEADING, LABEL, MONEY_RIGHT, MONEY_WIDTH, ROW_PAD, SMALL, TITLE,
};
use crate::pdf::{self, Info};
use crate::{Declarations, DeclarationsKind, DocumentError, IdCards, Notice, NoticeKind};

pub(crate) fn declarations(d: &Declarations) -> Result<Vec<u8>, DocumentError> {
    let number = clean(&d.policy_number);
    let title = match &d.kind {
        DeclarationsKind::NewBusiness => "Declarations".to_string(),
        DeclarationsKind::Endorsement(e) => format!("Amended declarations, endorsement {}", e.version),
        DeclarationsKind::Renewal => "Renewal declarations".to_string(),
    };
    let mut b = Builder::new(Fonts::load()?, format!("{title}, policy {number} (continued)"));
    title_block(&mut b, &title, &d.product, &d.state, &format!("Policy {number}"))?;
    summary(&mut b, d)?;
    insured_block(&mut b, "Named insured", &d.insured_name, &d.insured_address)?;
    issuer_line(&mut b, d.issuer.as_ref())?;
    if let DeclarationsKind::Endorsement(e) = &d.kind {
        heading(&mut b, "This endorsement", 3 * line_height(BODY))?;
        let table = Table::new(vec![col(LEFT + 4 * PT, MONEY_RIGHT - MONEY_WIDTH - LEFT - 12 * PT), money_col()], None, BODY);
        table.row(&mut b, &[cell(format!("Effective {}: {}", long_date(e.effective), e.description)), cell("")], true)?;
        let label = if e.amount.is_sign_negative() {
            "Premium returned for the rest of the term"
        } else {
            "Premium charged for the rest of the term"
        };
        let amount = money(e.amount.abs(), || "endorsement amount".to_string())?;
        table.row(&mut b, &[cell(label), cell(amount).bold()], true)?;
        let written = money(e.written_premium, || "written premium".to_string())?;
        table.row(&mut b, &[cell("Premium charged for this term to date"), cell(written)], true)?;
    }
    drivers_table(&mut b, &d.drivers)?;
    if !d.vehicles.is_empty() {
        heading(&mut b, "Vehicles", line_height(BODY))?;
        for vehicle in &d.vehicles {
            b.paragraph(Face::Regular, BODY, Ink::Text, LEFT + 4 * PT, RIGHT - LEFT - 4 * PT, &clean(vehicle))?;
        }
    }
    if let Some(dwelling) = &d.dwelling {
        heading(&mut b, "Dwelling", line_height(BODY))?;
        b.paragraph(Face::Regular, BODY, Ink::Text, LEFT + 4 * PT, RIGHT - LEFT - 4 * PT, &clean(dwelling))?;
    }
    property_block(&mut b, &d.property_limits)?;
    hurricane_block(&mut b, d.hurricane_deductible.as_ref())?;
    coverage_table(&mut b, &d.coverages)?;
    totals(&mut b, &d.fees, d.total, "Total premium for the term")?;
    if !d.discounts.is_empty() {
        let table = Table::new(
            vec![col(LEFT + 4 * PT, 240 * PT), col(LEFT + 252 * PT, RIGHT - LEFT - 256 * PT)],
            Some(vec!["Discount", "Applied to"]),
            BODY,
        );
        let keep = table.header_height(&b)? + line_height(BODY) + ROW_PAD;
        heading(&mut b, "Discounts", keep)?;
        table.header(&mut b)?;
        for (name, applied) in &d.discounts {
            table.row(&mut b, &[cell(name), cell(applied)], true)?;
        }
    }
    money_list(&mut b, "Installment schedule", "Installment", "installment", &d.installments)?;
    notices(&mut b, &d.notices)?;

    let footer_left = format!("Policy {number} · Issued {} · Rated with rate pack {}", long_date(d.issued_on), clean(&d.pack_id));
    let (pages, fonts) = b.finish(|b, page, count| footer(b, &footer_left, page, count))?;
    let info = Info {
        title: format!("{title}, policy {number}"),
        subject: format!("{} declarations", clean(&d.product)),
        identifier: format!("{number}-declarations-{}", d.issued_on),
        date: d.issued_on,
    };
    pdf::save(pages, fonts.into_subsets()?, info)
}

fn title_block(b: &mut Builder, title: &str, product: &str, state: &str, subtitle: &str) -> Result<(), DocumentError> {
    // The product goes on the subtitle's line: a long title has the whole width.
    b.text(Face::Bold, TITLE, Ink::Accent, LEFT, Builder::baseline(TOP, TITLE), title)?;
    b.y = TOP - line_height(TITLE);
    b.text_right(Face::Bold, BODY, Ink::Text, RIGHT, Builder::baseline(b.y, BODY), &format!("{} · {}", clean(product), clean(state)))?;
    b.line(Face::Regular, BODY, Ink::Muted, LEFT, &clean(subtitle))?;
    b.y -= 4 * PT;
    b.rule(LEFT, RIGHT, b.y, 3 * PT / 2, 0.25);
    b.y -= 6 * PT;
    Ok(())
}

fn summary(b: &mut Builder, d: &Declarations) -> Result<(), DocumentError> {
    let table = Table::new(
        vec![col(LEFT, 84 * PT), col(LEFT + 88 * PT, 160 * PT), col(LEFT + 262 * PT, 84 * PT), col(LEFT + 350 * PT, 154 * PT)],
        None,
        BODY,
    );
    let rows = [
        ("Policy number", clean(&d.policy_number), "Issued", long_date(d.issued_on)),
        (
            "Policy period",
            format!("{} to {}", long_date(d.term_start), long_date(d.term_end)),
            "Time",
            "12:01 a.m. standard time at the insured's address".to_string(),
        ),
        ("Product", clean(&d.product), "State", clean(&d.state)),
    ];
    for (label1, value1, label2, value2) in rows {
        let cells = [cell(label1).ink(Ink::Muted), cell(value1).bold(), cell(label2).ink(Ink::Muted), cell(value2).bold()];
        table.row(b, &cells, false)?;
    }
    Ok(())
}

/// A wallet card: 3.5 by 2.25 inches, scaled up by a third for legibility on a
/// Letter page (4.67 by 3 inches), two per page, with a dashed cutting guide.
const CARD_WIDTH: i64 = 336 * PT;
const CARD_HEIGHT: i64 = 216 * PT;

pub(crate) fn id_cards(cards: &IdCards) -> Result<Vec<u8>, DocumentError> {
    if cards.cards.is_empty() {
        return Err(DocumentError::Empty { document: "ID cards", what: "vehicle" });
    }
    let number = clean(&cards.policy_number);
    let mut b = Builder::new(Fonts::load()?, format!("Auto insurance ID cards, policy {number} (continued)"));
    let x = (LEFT + RIGHT - CARD_WIDTH) / 2;
    for (index, card) in cards.cards.iter().enumerate() {
        if index % 2 == 0 {
            if index > 0 {
                b.new_page()?;
            }
            b.y = TOP;
            b.line(Face::Bold, HEADING, Ink::Accent, LEFT, "Auto insurance identification cards")?;
            b.paragraph(
                Face::Regular,
                SMALL,
                Ink::Muted,
                LEFT,
                RIGHT - LEFT,
                "Cut along the lines and keep a card in each vehicle. Show it to a police officer on request and after an accident.",
            )?;
            b.y -= 8 * PT;
        }
        let top = b.y;
        b.outline(x, top, CARD_WIDTH, CARD_HEIGHT, PT / 2, 0.2);
        let inner = x + 12 * PT;
        let width = CARD_WIDTH - 24 * PT;
        b.y = top - 10 * PT;
        b.line(Face::Bold, HEADING, Ink::Accent, inner, &format!("{} Insurance Identification Card", clean(&card.state)))?;
        let insurer = match &cards.naic_code {
            Some(code) => format!("{} · NAIC {}", clean(&cards.insurer), clean(code)),
            None => clean(&cards.insurer),
        };
        b.line(Face::Regular, SMALL, Ink::Muted, inner, &insurer)?;
        if let Some(agency) = &cards.agency {
            b.line(Face::Regular, SMALL, Ink::Muted, inner, &format!("Agency: {}", clean(agency)))?;
        }
        b.y -= 4 * PT;
        let rows = [
            ("Policy number", number.clone()),
            ("Effective", long_date(cards.term_start)),
            ("Expires", long_date(cards.term_end)),
            ("Named insured", clean(&cards.insured_name)),
            ("Vehicle", clean(&card.vehicle)),
            ("VIN", clean(&card.vin)),
        ];
        for (label, value) in rows {
            let baseline = Builder::baseline(b.y, BODY);
            b.text(Face::Regular, LABEL, Ink::Muted, inner, baseline, label)?;
            for line in b.wrap(Face::Bold, BODY, width - 92 * PT, &value)? {
                let baseline = Builder::baseline(b.y, BODY);
                b.text(Face::Bold, BODY, Ink::Text, inner + 92 * PT, baseline, &line)?;
                b.y -= line_height(BODY);
            }
        }
        b.y -= 4 * PT;
        for line in b.wrap(Face::Regular, SMALL, width, &clean(&cards.notice))? {
            b.text(Face::Regular, SMALL, Ink::Muted, inner, Builder::baseline(b.y, SMALL), &line)?;
            b.y -= line_height(SMALL);
        }
        b.y = top - CARD_HEIGHT - 24 * PT;
        b.dashed_rule(LEFT, RIGHT, b.y + 12 * PT, 0.6);
    }
    let footer_left = format!("Policy {number} · ID cards issued {}", long_date(cards.issued_on));
    let (pages, fonts) = b.finish(|b, page, count| footer(b, &footer_left, page, count))?;
    let info = Info {
        title: format!("Auto ID cards, policy {number}"),
        subject: "Auto insurance identification cards".to_string(),
        identifier: format!("{number}-id-cards-{}", cards.issued_on),
        date: cards.issued_on,
    };
    pdf::save(pages, fonts.into_subsets()?, info)
}

pub(crate) fn notice(n: &Notice) -> Result<Vec<u8>, DocumentError> {
    let number = clean(&n.policy_number);
    let title = match n.kind {
        NoticeKind::Cancellation => "Notice of cancellation",
        NoticeKind::NonRenewal => "Notice of non-renewal",
    };
    let mut b = Builder::new(Fonts::load()?, format!("{title}, policy {number} (continued)"));
    title_block(&mut b, title, &n.product, &n.state, &format!("Policy {number}"))?;
    b.line(Face::Regular, BODY, Ink::Muted, LEFT, &format!("Mailed {}", long_date(n.mailed_on)))?;
    insured_block(&mut b, "Named insured", &n.insured_name, &n.insured_address)?;
    issuer_line(&mut b, n.issuer.as_ref())?;

    let ends = match n.kind {
        NoticeKind::Cancellation => {
            format!("Your policy {number} is cancelled effective 12:01 a.m. on {}. Coverage ends at that time.", long_date(n.effective))
        }
        NoticeKind::NonRenewal => format!(
            "Your policy {number} will not be renewed. Coverage ends at 12:01 a.m. on {}, when the current policy period ends.",
            long_date(n.effective)
        ),
    };
    heading(&mut b, "What this notice means", 2 * line_height(BODY))?;
    b.paragraph(Face::Bold, BODY, Ink::Text, LEFT, RIGHT - LEFT, &ends)?;

    let table = Table::new(vec![col(LEFT + 4 * PT, 150 * PT), col(LEFT + 160 * PT, RIGHT - LEFT - 164 * PT)], None, BODY);
    heading(&mut b, "Reason", 2 * line_height(BODY))?;
    table.row(&mut b, &[cell("Reason code").ink(Ink::Muted), cell(&n.reason_code).bold()], true)?;
    table.row(&mut b, &[cell("Reason").ink(Ink::Muted), cell(&n.reason)], true)?;
    if n.notice_days > 0 {
        let given = format!("{} days, as {} requires", n.notice_days, clean(&n.authority));
        table.row(&mut b, &[cell("Notice given").ink(Ink::Muted), cell(given)], true)?;
    }
    if let Some(refund) = &n.refund {
        heading(&mut b, "Premium", 2 * line_height(BODY))?;
        let wide = Table::new(vec![col(LEFT + 4 * PT, MONEY_RIGHT - MONEY_WIDTH - LEFT - 12 * PT), money_col()], None, BODY);
        let amount = money(refund.returned, || "returned premium".to_string())?;
        wide.row(&mut b, &[cell(format!("Premium returned ({})", clean(&refund.method))), cell(amount).bold()], true)?;
        if !refund.penalty.is_zero() {
            let penalty = money(refund.penalty, || "short-rate penalty".to_string())?;
            wide.row(&mut b, &[cell("Short-rate penalty retained"), cell(penalty)], true)?;
        }
    }
    notices(&mut b, &n.notices)?;

    let footer_left = format!("Policy {number} · {title} mailed {}", long_date(n.mailed_on));
    let (pages, fonts) = b.finish(|b, page, count| footer(b, &footer_left, page, count))?;
    let info = Info {
        title: format!("{title}, policy {number}"),
        subject: title.to_string(),
        identifier: format!("{number}-{}-{}", n.kind.slug(), n.mailed_on),
        date: n.mailed_on,
    };
    pdf::save(pages, fonts.into_subsets()?, info)
}

/// The card layout fits two cards under the page heading.
const _: () = assert!(TOP - 40 * PT - 2 * (CARD_HEIGHT + 24 * PT) > 66 * PT && PAGE_HEIGHT > TOP);
