//! Text tables for `uw pack diff` and `uw pack impact`.

use std::fmt::Write as _;
use std::path::Path;

use rust_decimal::Decimal;
use uw_rating::impact::{ImpactGroup, ImpactReport};
use uw_rating::pack::edit::PackDiff;

fn or_none(v: Option<&str>) -> &str {
    v.unwrap_or("(none)")
}

/// `uw pack diff` as text: one line per change.
pub fn diff_table(a: &Path, b: &Path, d: &PackDiff) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "--- {}\n+++ {}", a.display(), b.display());
    if d.is_empty() {
        let _ = writeln!(s, "no differences (the signature is not compared)");
        return s;
    }
    for f in &d.fields {
        let _ = writeln!(
            s,
            "manifest.toml:{} {} ({}): {} -> {}",
            f.line,
            f.key,
            f.label,
            or_none(f.before.as_deref()),
            or_none(f.after.as_deref())
        );
    }
    for l in &d.manifest_lines {
        if let (Some(line), Some(before)) = (l.base_line, l.before.as_deref()) {
            let _ = writeln!(s, "manifest.toml:{line} - {before}");
        }
        if let (Some(line), Some(after)) = (l.draft_line, l.after.as_deref()) {
            let _ = writeln!(s, "manifest.toml:{line} + {after}");
        }
    }
    for t in &d.tables {
        for c in &t.cells {
            let _ = writeln!(
                s,
                "{}:{} [{}] {}: {} -> {}",
                t.file,
                c.line,
                c.key.join(", "),
                c.column,
                or_none(c.before.as_deref()),
                or_none(c.after.as_deref())
            );
        }
        for r in &t.added {
            let _ = writeln!(s, "{}:{} + row {}", t.file, r.line, r.cells.join(","));
        }
        for r in &t.removed {
            let _ = writeln!(s, "{}:{} - row {} (line in A)", t.file, r.line, r.cells.join(","));
        }
    }
    for f in &d.other_files {
        let _ = writeln!(s, "{f}: differs");
    }
    let _ = writeln!(s, "{} change(s)", d.change_count());
    s
}

fn pct(p: Option<Decimal>) -> String {
    p.map_or_else(|| "n/a".to_owned(), |p| format!("{p:+}%"))
}

fn group_line(s: &mut String, g: &ImpactGroup) {
    let _ = writeln!(
        s,
        "  {:<34} {:>9} {:>16} {:>16} {:>14} {:>9}",
        g.name,
        g.policies,
        g.base_premium,
        g.draft_premium,
        format!("{:+}", g.change),
        pct(g.change_pct)
    );
}

fn header(s: &mut String, title: &str) {
    let _ = writeln!(s, "\n{title}\n  {:<34} {:>9} {:>16} {:>16} {:>14} {:>9}", "", "policies", "base", "draft", "change", "change");
}

/// `uw pack impact` as text.
pub fn impact_table(r: &ImpactReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "base   {}\ndraft  {}", r.base_pack, r.draft_pack);
    let _ = writeln!(
        s,
        "{} policies: {} rated, {} failed, {} of another state or product\n{} increase, {} decrease, {} unchanged",
        r.policies, r.rated, r.failed, r.out_of_scope, r.increased, r.decreased, r.unchanged
    );
    header(&mut s, "total premium");
    group_line(&mut s, &r.total);
    header(&mut s, "percent change");
    let widest = r.bands.iter().map(|b| b.policies).max().unwrap_or(0).max(1);
    for b in &r.bands {
        group_line(&mut s, b);
        let bar = usize::try_from(b.policies * 40 / widest).unwrap_or(0);
        if bar > 0 {
            let _ = writeln!(s, "  {:<34} {}", "", "#".repeat(bar));
        }
    }
    header(&mut s, "by coverage");
    for g in &r.by_coverage {
        group_line(&mut s, g);
    }
    header(&mut s, "by territory (largest change first)");
    for g in r.by_territory.iter().take(20) {
        group_line(&mut s, g);
    }
    if r.by_territory.len() > 20 {
        let _ = writeln!(s, "  ... {} more territories (--format json lists all)", r.by_territory.len() - 20);
    }
    let _ = writeln!(s, "\nlargest increases");
    for c in &r.largest_increases {
        let _ = writeln!(
            s,
            "  {:<20} {:>12} -> {:>12} {:>12} {:>9}",
            c.id,
            c.base.total,
            c.draft.total,
            format!("{:+}", c.change),
            pct(c.change_pct)
        );
    }
    for f in &r.failures {
        let _ = writeln!(s, "failed {} ({} pack): {}", f.id, f.pack, f.message.replace('\n', "; "));
    }
    s
}

/// A pack's filing report as text: one section per part, weights to four
/// places.
pub fn filing_table(r: &uw_rating::pack::report::FilingReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let filing_type = serde_json::to_value(r.filing_type).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let _ = writeln!(s, "{}  {} {}  filing {} ({filing_type})", r.pack, r.state, r.product, r.filing_reference);
    let _ = writeln!(s, "effective: new business {}, renewals {}", r.effective_new_business, r.effective_renewal);
    if let Some(m) = r.minimum_premium {
        let _ = writeln!(s, "minimum premium: {m} (coverage premiums; fees on top)");
    }
    if let Some(a) = r.driver_assignment {
        let _ = writeln!(s, "driver assignment: {}", a.name());
    }
    let _ = writeln!(s, "\ncoverages and factor weights (sum of |R/mean - 1| x exposure share; - where a table carries no exposure)");
    for c in &r.coverages {
        let _ = writeln!(s, "  {} {}{}", c.code, c.name, if c.required { " (required)" } else { "" });
        for f in &c.factors {
            let weight = f.weight.map_or_else(|| "-".to_owned(), |w| w.to_string());
            let _ = writeln!(s, "    {:<24} {:<34} {weight:>8}", f.table, f.variable.to_string());
        }
    }
    let _ = writeln!(s, "\ndiscounts and surcharges");
    for a in &r.adjustments {
        let on = if a.coverages.is_empty() { "every coverage".to_owned() } else { a.coverages.join(", ") };
        let _ = writeln!(s, "  {:<9} {:<20} {:>6}  on {on}  when {}", a.kind, a.code, a.rate, a.when);
    }
    let _ = writeln!(s, "\nfees");
    for f in &r.fees {
        let _ = writeln!(s, "  {:<14} {:<48} {:?}, {:?}", f.code, f.basis, f.class, f.earning);
    }
    let _ = writeln!(s, "\nunderwriting");
    for u in &r.underwriting {
        let _ = writeln!(s, "  {:<28} {:?}  when {}", u.code, u.action, u.when);
    }
    if let Some(m) = &r.risk_model {
        let _ = writeln!(
            s,
            "\nrisk model: {:?}{}",
            m.usage,
            m.basis.map(|b| format!(", {b}, on {}", m.coverages.join(", "))).unwrap_or_default()
        );
        for f in &m.features {
            let _ = writeln!(s, "  {f}");
        }
    }
    let _ = writeln!(s, "\nstate law the engine enforces");
    for l in &r.state_law {
        let _ = writeln!(s, "  {l}");
    }
    if !r.elections.is_empty() {
        let _ = writeln!(s, "\nsigned forms a bind needs");
        for e in &r.elections {
            let _ = writeln!(s, "  {e}");
        }
    }
    let filed = |m: Option<uw_rating::RefundMethod>| m.map_or_else(|| "the state's default".to_owned(), uw_rating::RefundMethod::describe);
    let _ = writeln!(s, "\nrefunds when the insured cancels");
    let _ = writeln!(s, "  at their request    {}", filed(r.refunds.insured_request));
    let _ = writeln!(s, "  replaced or sold    {}", filed(r.refunds.replaced_or_sold));
    s
}

/// Where each policy of a book goes, one line each, then the count per
/// destination.
pub fn route_table(routed: &[(String, uw_policy::Routed)]) -> String {
    let width = routed.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(6).max(6);
    let dwidth = routed.iter().map(|(_, r)| r.destination.to_string().len()).max().unwrap_or(11).max(11);
    let mut text = format!("{:<width$}  {:<dwidth$}  {}\n", "policy", "destination", "why");
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (number, r) in routed {
        let why = match &r.rule {
            Some(rule) => format!("rule \"{rule}\" (line {}): {}", r.line.unwrap_or(0), r.because),
            None => r.because.clone(),
        };
        text.push_str(&format!("{number:<width$}  {:<dwidth$}  {why}\n", r.destination.to_string()));
        *counts.entry(r.destination.to_string()).or_default() += 1;
    }
    text.push('\n');
    for (destination, n) in counts {
        text.push_str(&format!("{destination:<dwidth$}  {n:>9}\n"));
    }
    text
}
