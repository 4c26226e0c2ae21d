#!/usr/bin/env python3
"""Generate the bundled rate packs and their example quotes.

Python 3.11, standard library only. Writes, under rate-packs/:

  * {ca,ny,tx,fl,il}-personal-auto/      manifest.toml + CSV tables
  * {ca,ny,tx,fl,il}-homeowners-ho3/     manifest.toml + CSV tables
  * examples/<pack>/*.json               example quotes (quote.rs shape)
  * README.md                            what the packs are; the examples' expected outcomes

The packs are ILLUSTRATIVE: realistic in shape, size and magnitude, but not
the filed rates of any insurer. See rate-packs/README.md.

The script owns every file of those directories except `SIGNATURE`: files it
does not generate are deleted, and a run with unchanged inputs rewrites
byte-identical files. Output depends only on this script and
crates/rating/data/us-zips.txt (territories cover every ZIP of the state in
that file). A changed pack must be re-signed:

    cargo run -p uw-cli -- pack sign rate-packs/<pack> --key rate-packs/keys/uw-dev-2026.key --key-id uw-dev-2026

Usage:
    python3 tools/packs/generate_packs.py [--out DIR] [--zips FILE]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "rate-packs"
DEFAULT_ZIPS = REPO_ROOT / "crates" / "rating" / "data" / "us-zips.txt"

STATES = ("CA", "NY", "TX", "FL", "IL")
STATE_NAMES = {"CA": "California", "NY": "New York", "TX": "Texas", "FL": "Florida", "IL": "Illinois"}
VERSION = "2026.1"
NEW_BUSINESS = "2026-01-01"
RENEWAL = "2026-03-01"
SIGNATURE = "SIGNATURE"

CENT = Decimal("0.01")


def D(x) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def money(x) -> str:
    return str(D(x).quantize(CENT, rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------------------
# ZIP codes and counties
# ---------------------------------------------------------------------------

def load_zips(path: Path) -> dict[str, dict[str, list[int]]]:
    """state -> county (as spelled in the file) -> ZIPs (ints)."""
    out: dict[str, dict[str, list[int]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        state, county, items = line.split("|", 2)
        zips = out.setdefault(state, {}).setdefault(county, [])
        for item in items.split(";"):
            first, _, last = item.partition("-")
            zips.extend(range(int(first), int(last or first) + 1))
    return out


def county_key(name: str) -> str:
    """Spelling-insensitive county key: `St. Lawrence` = `St Lawrence`, `DuPage` = `Dupage`."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


# Official spellings where the source has two and the rule below would pick wrong.
PREFERRED_SPELLING = {
    ("TX", "dewittcounty"): "DeWitt County",
    ("NY", "stlawrencecounty"): "St. Lawrence County",
}


@dataclass
class County:
    key: str
    name: str          # display name ('' for ZIPs without a county)
    zips: list[int]


def counties_of(zips: dict[str, dict[str, list[int]]], state: str) -> list[County]:
    """The state's counties, spelling variants merged, sorted by key; '' (no county) included."""
    groups: dict[str, list[tuple[str, list[int]]]] = {}
    for name, zs in zips[state].items():
        groups.setdefault(county_key(name), []).append((name, zs))
    out = []
    for key in sorted(groups):
        variants = groups[key]
        # Prefer the proper casing (more capitals: DuPage, McLean), then the
        # spelling with more ZIPs, then byte order.
        best = min(variants, key=lambda v: (-sum(c.isupper() for c in v[0]), -len(v[1]), v[0]))[0]
        best = PREFERRED_SPELLING.get((state, key), best)
        merged = sorted(z for _, zs in variants for z in zs)
        out.append(County(key, best, merged))
    return out


def hashed_factor(parts: tuple[str, ...], lo: str, hi: str) -> Decimal:
    """A deterministic factor in [lo, hi] (2 decimals) from a SHA-256 of `parts`."""
    h = int.from_bytes(hashlib.sha256("|".join(parts).encode("utf-8")).digest()[:8], "big")
    lo_d, hi_d = D(lo), D(hi)
    steps = int((hi_d - lo_d) / CENT) + 1
    return lo_d + CENT * (h % steps)


@dataclass
class Territory:
    code: str
    label: str
    factor: Decimal
    zips: list[int]


def build_territories(zips, state: str, product: str, named: dict[str, str], other: tuple[str, str],
                      prefix: str = "T", urban: tuple[str, ...] = (), rural: tuple[str, str] | None = None,
                      notes: dict[str, str] | None = None, default: str = "1.00") -> list[Territory]:
    """One territory per county. `named` fixes the factor of listed counties
    (by county_key); other counties get a hashed factor in `other`. With
    `urban`, those counties become U01.. and the rest R01.. `(rural)` with a
    hashed factor in `rural`. ZIPs without a county get territory 00 at `default`."""
    notes = notes or {}
    counties = counties_of(zips, state)
    territories: list[Territory] = []
    blank = [c for c in counties if c.key == ""]
    real = [c for c in counties if c.key != ""]

    def factor(c: County, lo_hi: tuple[str, str]) -> Decimal:
        if c.key in named:
            return D(named[c.key])
        return hashed_factor((state, product, c.key), *lo_hi)

    def label(code: str, c: County, suffix: str = "") -> str:
        note = f" - {notes[c.key]}" if c.key in notes else ""
        return f"{code} {c.name}{note}{suffix}"

    if urban:
        by_key = {c.key: c for c in real}
        urban_list = [by_key[k] for k in urban]
        rural_list = [c for c in real if c.key not in urban]
        for i, c in enumerate(urban_list, 1):
            code = f"U{i:02d}"
            territories.append(Territory(code, label(code, c, " (urban)"), factor(c, other), c.zips))
        for i, c in enumerate(rural_list, 1):
            code = f"R{i:02d}"
            territories.append(Territory(code, label(code, c, " (rural)"), factor(c, rural or other), c.zips))
        for c in blank:
            territories.append(Territory("R00", "R00 County not on file (rural)", D(default), c.zips))
    else:
        width = 2 if len(real) < 100 else 3
        for i, c in enumerate(real, 1):
            code = f"{prefix}{i:0{width}d}"
            territories.append(Territory(code, label(code, c), factor(c, other), c.zips))
        for c in blank:
            code = f"{prefix}{0:0{width}d}"
            territories.append(Territory(code, f"{code} County not on file", D(default), c.zips))
    return territories


def territory_rows(territories: list[Territory]) -> list[list[str]]:
    rows = []
    for t in territories:
        for z in t.zips:
            rows.append([f"{z:05d}", f"{t.factor:.2f}", t.label])
    rows.sort(key=lambda r: r[0])
    return rows


# ---------------------------------------------------------------------------
# Tables, coverages and TOML rendering
# ---------------------------------------------------------------------------

@dataclass
class Table:
    name: str
    comment: str
    keys: list[tuple[str, str]]       # (column, match)
    rows: list[list[str]]             # key cells (bands take two), value, [exposure], [label]
    label: bool = False
    exposure: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def header(self) -> list[str]:
        cols = []
        for column, match in self.keys:
            cols.extend([f"{column}_from", f"{column}_to"] if match == "band" else [column])
        cols.append("value")
        if self.exposure:
            cols.append("exposure")
        if self.label:
            cols.append("label")
        return cols

    def csv_text(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.header())
        width = len(self.header())
        for row in self.rows:
            assert len(row) == width, (self.name, row)
            w.writerow(row)
        return buf.getvalue()


def band(lo, hi) -> list[str]:
    return ["" if lo is None else str(lo), "" if hi is None else str(hi)]


def tq(value) -> str:
    """A TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(tq(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{tk(k)} = {tq(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def tk(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def cond(var: str, op: str, value) -> dict:
    return {"var": var, "op": op, "value": value}


def base(value: str, label: str = "Base rate (annual)") -> dict:
    return {"op": "base", "value": value, "label": label}


def base_table(table: str, key: str, label: str) -> dict:
    return {"op": "base", "table": table, "keys": [key], "label": label}


def lookup(table: str, keys: list[str], label: str) -> dict:
    return {"op": "lookup", "table": table, "keys": keys, "label": label}


@dataclass
class Coverage:
    code: str
    name: str
    comment: str
    per: str
    required: bool
    steps: list[dict]
    limits: list[str] = field(default_factory=list)
    deductibles: list[str] = field(default_factory=list)


@dataclass
class Adjustment:
    code: str
    name: str
    rate: str
    comment: str
    coverages: list[str] | None = None
    when: list[dict] | None = None
    eligibility: str | None = None


@dataclass
class Rule:
    code: str
    action: str
    message: str
    when: list[dict]


@dataclass
class Pack:
    dir_name: str
    state: str
    product: str
    title: str
    intro: list[str]
    filing: tuple[str, str]
    terms: list[int]
    minimum_premium: str
    rounding_comment: str
    points: dict[str, int] | None
    points_comment: str
    tables: list[Table]
    coverages: list[Coverage]
    discounts: list[Adjustment]
    surcharges: list[Adjustment]
    fees: list  # (code, name, amount or None[, {rate, per, short_term_amount, class, earning, comment}])
    fees_comment: str
    plans: list[tuple[str, str, int, str | None]]
    state_rules: list[tuple[str, object]] | None
    state_rules_comment: str
    underwriting: list[Rule]
    risk: dict
    risk_comment: list[str]
    assignment: str | None = None
    refunds: tuple[str, str, list[str]] | None = None   # insured request, replaced or sold, comment
    property_limits: tuple[str, str, str] | None = None  # homeowners B, C, D as % of Coverage A


def comment_block(lines: list[str]) -> list[str]:
    return [f"# {l}".rstrip() for l in lines]


def render_manifest(p: Pack) -> str:
    out: list[str] = []
    add = out.append
    out += comment_block([p.title, ""] + p.intro + [
        "",
        "ILLUSTRATIVE RATES: realistic in shape and size, not the filed rates of",
        "any insurer. Generated by tools/packs/generate_packs.py; edit the generator,",
        "not this file, then regenerate and re-sign (see rate-packs/README.md).",
        "Amounts and factors are decimal strings; amounts are annual unless noted.",
    ])
    add("")
    add("format = 1")
    add(f"id = {tq(p.dir_name)}")
    add(f"state = {tq(p.state)}")
    add(f"product = {tq(p.product)}")
    add(f"version = {tq(VERSION)}")
    add("# Policy terms offered, in months.")
    add(f"terms = {tq(p.terms)}")
    add("# The coverage premiums are raised to at least this; fees come on top.")
    add(f"minimum_premium = {tq(p.minimum_premium)}")
    add("")
    add("# In force for new business from, and for renewals from; no expiry yet.")
    add("[effective]")
    add(f"new_business = {NEW_BUSINESS}")
    add(f"renewal = {RENEWAL}")
    add("")
    add("# The rate filing these rates implement, and how the state reviews it.")
    add("[filing]")
    add(f"reference = {tq(p.filing[0])}")
    add(f"type = {tq(p.filing[1])}")
    add("")
    add(f"# {p.rounding_comment}")
    add("[rounding]")
    add('coverage = { places = 0, mode = "half-up" }')
    add('step = { places = 2, mode = "half-up" }')
    if p.points is not None:
        add("")
        out += comment_block(p.points_comment.split("\n"))
        add("[points]")
        for k, v in p.points.items():
            add(f"{tk(k)} = {v}")
    if p.assignment:
        # Both methods pick, among the assignments they allow, the one with
        # the highest premium (engine::assign_drivers).
        allowed = {
            "principal": ["each vehicle is rated with the principal driver the quote names or, in their",
                          "place, an occasional driver (principal on no vehicle; secondary driver",
                          "characteristics, 10 CCR 2632.5(d))"],
            "highest-rated": ["each vehicle has its own driver, and drivers beyond the vehicles are excess;",
                              "with more vehicles than drivers, every driver drives at least one. The declared",
                              "principal drivers do not decide the rating"],
        }[p.assignment]
        add("")
        out += comment_block(["Driver assignment: the assignment with the highest premium (where ratings",
                              "multiply, the highest-rated driver on the highest-rated vehicle) among those",
                              "where:"] + allowed[:-1] + [allowed[-1] + "."])
        add("[driver_assignment]")
        add(f"method = {tq(p.assignment)}")
    if p.refunds:
        insured, sold, comment = p.refunds
        add("")
        out += comment_block(comment)
        add("[refunds]")
        add(f"insured_request = {tq(insured)}")
        add(f"replaced_or_sold = {tq(sold)}")
    if p.property_limits:
        b, c, d = p.property_limits
        add("")
        out += comment_block(["Coverages B (other structures), C (personal property) and D (loss of use) as",
                              "percentages of Coverage A, the company manual's limits: rated within",
                              "DWELLING, printed on proposals and declarations."])
        add("[property_limits]")
        add(f"other_structures = {tq(b)}")
        add(f"personal_property = {tq(c)}")
        add(f"loss_of_use = {tq(d)}")

    add("")
    add("# ---------------------------------------------------------------------------")
    add("# Lookup tables (CSV files next to this manifest). Values are factors unless")
    add("# the table is a base-premium table.")
    add("# ---------------------------------------------------------------------------")
    for t in p.tables:
        add("")
        out += comment_block(t.comment.split("\n"))
        add(f"[tables.{t.name}]")
        add(f"file = {tq(t.file)}")
        add(f"keys = {tq([{'column': c, 'match': m} for c, m in t.keys])}")

    add("")
    add("# ---------------------------------------------------------------------------")
    add("# Coverages: each premium is the first (base) step times the later steps,")
    add("# in order, then discounts and surcharges, then the risk factor where it rates.")
    add("# ---------------------------------------------------------------------------")
    for c in p.coverages:
        add("")
        out += comment_block(c.comment.split("\n"))
        add("[[coverages]]")
        add(f"code = {tq(c.code)}")
        add(f"name = {tq(c.name)}")
        add(f"per = {tq(c.per)}")
        add(f"required = {tq(c.required)}")
        if c.limits:
            add(f"limits = {tq(c.limits)}")
        if c.deductibles:
            add(f"deductibles = {tq(c.deductibles)}")
        add("steps = [")
        for s in c.steps:
            add(f"  {tq(s)},")
        add("]")

    for kind, items in (("discounts", p.discounts), ("surcharges", p.surcharges)):
        if not items:
            continue
        add("")
        add(f"# {kind.capitalize()}: applied per coverage and rating unit, in this order"
            f" ({'x (1 - rate)' if kind == 'discounts' else 'x (1 + rate)'}).")
        for a in items:
            add("")
            out += comment_block(a.comment.split("\n"))
            add(f"[[{kind}]]")
            add(f"code = {tq(a.code)}")
            add(f"name = {tq(a.name)}")
            add(f"rate = {tq(a.rate)}")
            if a.coverages is not None:
                add(f"coverages = {tq(a.coverages)}")
            if a.eligibility is not None:
                add(f"eligibility = {tq(a.eligibility)}")
            if a.when:
                add(f"when = {tq(a.when)}")

    if p.fees:
        add("")
        add(f"# {p.fees_comment}")
        for i, fee in enumerate(p.fees):
            code, name, amount = fee[:3]
            extra = fee[3] if len(fee) > 3 else {}
            if i:
                add("")
            if "comment" in extra:
                out.extend(comment_block(extra["comment"].split("\n")))
            add("[[fees]]")
            add(f"code = {tq(code)}")
            add(f"name = {tq(name)}")
            if amount is not None:
                add(f"amount = {tq(amount)}")
            for key in ("rate", "per", "short_term_amount", "class", "earning"):
                if key in extra:
                    add(f"{key} = {tq(extra[key])}")

    add("")
    add("# Payment plans: the fees earned when charged due with the first installment, the")
    add("# rest split into equal installments (the remainder on the first); the")
    add("# installment fee is charged on every installment.")
    for i, (code, name, n, fee) in enumerate(p.plans):
        if i:
            add("")
        add("[[installment_plans]]")
        add(f"code = {tq(code)}")
        add(f"name = {tq(name)}")
        add(f"installments = {n}")
        if fee is not None:
            add(f"installment_fee = {tq(fee)}")

    if p.state_rules:
        add("")
        out += comment_block(p.state_rules_comment.split("\n"))
        add("[state_rules]")
        for k, v in p.state_rules:
            add(f"{k} = {tq(v)}")

    add("")
    if p.product == "personal-auto":
        add("# Underwriting: checked for every driver with every vehicle; the decision is")
        add("# the most severe action found (accept < refer < decline).")
    else:
        add("# Underwriting: checked against the dwelling and the policy; the decision is")
        add("# the most severe action found (accept < refer < decline).")
    for r in p.underwriting:
        add("")
        add("[[underwriting]]")
        add(f"code = {tq(r.code)}")
        add(f"action = {tq(r.action)}")
        add(f"message = {tq(r.message)}")
        add(f"when = {tq(r.when)}")

    add("")
    out += comment_block(p.risk_comment)
    add("[risk_model]")
    m = p.risk
    add(f"usage = {tq(m['usage'])}")
    add(f"intercept = {tq(m['intercept'])}")
    if m["usage"] == "rate":
        add(f"min_factor = {tq(m['min_factor'])}")
        add(f"max_factor = {tq(m['max_factor'])}")
    add(f"refer_above = {tq(m['refer_above'])}")
    add("features = [")
    for f in m["features"]:
        add(f"  {tq(f)},")
    add("]")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Personal auto
# ---------------------------------------------------------------------------

@dataclass
class AutoState:
    filing: tuple[str, str]
    bases: dict[str, str]                       # coverage -> annual base rate
    limits: dict[str, list[tuple[str, str]]]    # coverage -> [(limit, factor)]
    medical: str                                # "MED" or "PIP"
    territory_named: dict[str, str]
    policy_fee: str | None
    safe_driver: str | None                     # rate of the conditions-based safe-driver discount
    good_student: str
    defensive: tuple[str, list[str] | None, list[dict], str]   # rate, coverages, extra conditions, comment
    anti_theft: str
    um_required: bool = False
    pip_deductibles: list[tuple[str, str]] | None = None
    dui_action: str = "refer"
    notes: dict[str, str] = field(default_factory=dict)
    urban: tuple[str, ...] = ()


AUTO: dict[str, AutoState] = {
    "CA": AutoState(
        filing=("CA-PA-2025-0412", "prior-approval"),
        bases={"BI": "462.00", "PD": "338.00", "UM": "84.00", "COMP": "158.00", "COLL": "552.00", "MED": "52.00"},
        limits={
            "BI": [("30/60", "1.00"), ("50/100", "1.16"), ("100/300", "1.38"), ("250/500", "1.66")],
            "PD": [("15000", "1.00"), ("25000", "1.05"), ("50000", "1.11"), ("100000", "1.19")],
            "UM": [("30/60", "1.00"), ("50/100", "1.20"), ("100/300", "1.48"), ("250/500", "1.85")],
            "MED": [("1000", "1.00"), ("2000", "1.30"), ("5000", "1.75"), ("10000", "2.25")],
        },
        medical="MED",
        territory_named={
            "losangelescounty": "1.55", "sanfranciscocounty": "1.42", "orangecounty": "1.30",
            "alamedacounty": "1.30", "sanbernardinocounty": "1.26", "riversidecounty": "1.22",
            "sacramentocounty": "1.20", "contracostacounty": "1.18", "sanmateocounty": "1.16",
            "santaclaracounty": "1.15", "sandiegocounty": "1.12",
        },
        policy_fee=None,
        safe_driver=None,
        good_student="0.10",
        defensive=("0.05", None, [], "Completed an approved defensive-driving course."),
        anti_theft="0.15",
    ),
    "NY": AutoState(
        filing=("NY-PA-2025-1107", "flex"),
        bases={"BI": "520.00", "PD": "312.00", "UM": "96.00", "COMP": "142.00", "COLL": "486.00", "PIP": "176.00"},
        limits={
            "BI": [("25/50", "1.00"), ("50/100", "1.17"), ("100/300", "1.40"), ("250/500", "1.70")],
            "PD": [("10000", "1.00"), ("25000", "1.07"), ("50000", "1.13"), ("100000", "1.21")],
            "UM": [("25/50", "1.00"), ("50/100", "1.22"), ("100/300", "1.52"), ("250/500", "1.90")],
            "PIP": [("50000", "1.00"), ("75000", "1.12"), ("100000", "1.22"), ("150000", "1.38")],
        },
        medical="PIP",
        territory_named={
            "bronxcounty": "2.20", "kingscounty": "2.10", "queenscounty": "1.90", "newyorkcounty": "1.75",
            "richmondcounty": "1.60", "nassaucounty": "1.45", "westchestercounty": "1.35",
            "suffolkcounty": "1.30", "rocklandcounty": "1.25",
        },
        policy_fee="20.00",
        safe_driver="0.10",
        good_student="0.10",
        defensive=("0.10", ["BI", "PD", "COLL"], [],
                   "Accident prevention course (IPIRP): at least 10% off liability and collision\n"
                   "for three years after the course (N.Y. Ins. Law 2336)."),
        anti_theft="0.15",
        um_required=True,
        notes={"bronxcounty": "Bronx", "kingscounty": "Brooklyn", "newyorkcounty": "Manhattan",
               "queenscounty": "Queens", "richmondcounty": "Staten Island"},
    ),
    "TX": AutoState(
        filing=("TX-PA-2025-0733", "file-and-use"),
        bases={"BI": "418.00", "PD": "366.00", "UM": "88.00", "COMP": "186.00", "COLL": "508.00", "MED": "58.00",
               "PIP": "72.00"},
        limits={
            "BI": [("30/60", "1.00"), ("50/100", "1.15"), ("100/300", "1.36"), ("250/500", "1.64")],
            "PD": [("25000", "1.00"), ("50000", "1.08"), ("100000", "1.16")],
            "UM": [("30/60", "1.00"), ("50/100", "1.20"), ("100/300", "1.48"), ("250/500", "1.85")],
            "MED": [("2500", "1.00"), ("5000", "1.30"), ("10000", "1.70")],
            "PIP": [("2500", "1.00"), ("5000", "1.35"), ("10000", "1.80")],
        },
        medical="MED",
        territory_named={
            "harriscounty": "1.45", "dallascounty": "1.38", "tarrantcounty": "1.28",
            "bexarcounty": "1.25", "traviscounty": "1.22",
        },
        policy_fee="30.00",
        safe_driver="0.12",
        good_student="0.12",
        defensive=("0.05", None, [], "Completed a TDLR-approved defensive-driving course."),
        anti_theft="0.10",
    ),
    "FL": AutoState(
        filing=("FL-PA-2025-0519", "file-and-use"),
        bases={"BI": "392.00", "PD": "384.00", "UM": "118.00", "COMP": "124.00", "COLL": "478.00", "PIP": "198.00"},
        limits={
            "BI": [("10/20", "1.00"), ("25/50", "1.42"), ("50/100", "1.72"), ("100/300", "2.10"), ("250/500", "2.55")],
            "PD": [("10000", "1.00"), ("25000", "1.07"), ("50000", "1.14"), ("100000", "1.22")],
            "UM": [("10/20", "1.00"), ("25/50", "1.45"), ("50/100", "1.80"), ("100/300", "2.25"), ("250/500", "2.75")],
            "PIP": [("10000", "1.00")],
        },
        medical="PIP",
        territory_named={
            "miamidadecounty": "1.85", "browardcounty": "1.62", "palmbeachcounty": "1.42",
            "hillsboroughcounty": "1.30", "orangecounty": "1.28", "duvalcounty": "1.22",
        },
        policy_fee="25.00",
        safe_driver="0.12",
        good_student="0.10",
        defensive=("0.10", None, [cond("driver.age", ">=", 55)],
                   "Mature driver: 55 or older and completed an approved accident prevention\n"
                   "course (Fla. Stat. 627.0652)."),
        anti_theft="0.15",
        pip_deductibles=[("0", "1.00"), ("250", "0.92"), ("500", "0.85"), ("1000", "0.72")],
        dui_action="decline",
    ),
    "IL": AutoState(
        filing=("IL-PA-2025-0296", "informational"),
        bases={"BI": "356.00", "PD": "274.00", "UM": "64.00", "COMP": "128.00", "COLL": "424.00", "MED": "44.00"},
        limits={
            "BI": [("25/50", "1.00"), ("50/100", "1.16"), ("100/300", "1.38"), ("250/500", "1.66")],
            "PD": [("20000", "1.00"), ("25000", "1.02"), ("50000", "1.09"), ("100000", "1.17")],
            "UM": [("25/50", "1.00"), ("50/100", "1.20"), ("100/300", "1.48"), ("250/500", "1.85")],
            "MED": [("1000", "1.00"), ("2000", "1.30"), ("5000", "1.75"), ("10000", "2.25")],
        },
        medical="MED",
        territory_named={
            "cookcounty": "1.50", "dupagecounty": "1.15", "lakecounty": "1.12",
            "willcounty": "1.10", "kanecounty": "1.08",
        },
        policy_fee="20.00",
        safe_driver="0.15",
        good_student="0.15",
        defensive=("0.05", None, [], "Completed an approved defensive-driving course."),
        anti_theft="0.12",
        um_required=True,
        urban=("cookcounty", "dupagecounty", "lakecounty", "willcounty", "kanecounty"),
    ),
}

COMP_DEDUCTIBLES = [("100", "1.30"), ("250", "1.12"), ("500", "1.00"), ("1000", "0.82")]
COLL_DEDUCTIBLES = [("250", "1.15"), ("500", "1.00"), ("1000", "0.82")]
CREDIT_TIERS = [("excellent", "0.78"), ("good", "0.88"), ("average", "1.00"), ("fair", "1.15"),
                ("poor", "1.38"), ("no-hit", "1.00")]

COVERAGE_NAMES = {
    "BI": "Bodily injury liability",
    "PD": "Property damage liability",
    "UM": "Uninsured/underinsured motorist bodily injury",
    "COMP": "Comprehensive (other than collision)",
    "COLL": "Collision",
    "MED": "Medical payments",
    "PIP": "Personal injury protection",
}


def credit_table(comment_state: str) -> Table:
    return Table(
        "credit", f"Credit-based insurance score tier (policy.credit_tier). `no-hit` (no usable\n"
        f"credit history) is neutral, exactly 1.00, as {comment_state} law requires.",
        [("tier", "exact")], [[t, v] for t, v in CREDIT_TIERS])


def auto_pack(zips, st: str) -> Pack:
    s = AUTO[st]
    ca = st == "CA"
    med = s.medical
    name = STATE_NAMES[st]
    if s.urban:
        territories = build_territories(zips, st, "personal-auto", s.territory_named, ("0.80", "1.20"),
                                        urban=s.urban, rural=("0.80", "1.00"), notes=s.notes)
    else:
        territories = build_territories(zips, st, "personal-auto", s.territory_named, ("0.80", "1.20"),
                                        notes=s.notes)

    if ca:
        points = {"speeding": 1, "running-red-light": 1, "failure-to-yield": 1, "reckless-driving": 2,
                  "dui": 2, "suspended-license": 2, "other-moving": 1, "at-fault-accident": 1}
        points_comment = ("Points per violation (and per at-fault accident) in the three years before the\n"
                          "effective date, following the California DMV point count (Veh. Code 12810).")
    else:
        points = {"speeding": 1, "running-red-light": 1, "failure-to-yield": 1, "reckless-driving": 3,
                  "dui": 3, "suspended-license": 2, "other-moving": 1, "at-fault-accident": 1}
        points_comment = ("Company points per violation (and per at-fault accident) in the three years\n"
                          "before the effective date; they key the driving_record table.")

    # California's factor weights (10 CCR 2632.8) are computed from the
    # exposure each factor table carries: the share of an illustrative book
    # in each row (per ZIP: one each). Its relativities are set so the
    # weights fall driving record > annual miles > years licensed > every
    # optional factor (territory, use, vehicle age), as the regulation
    # requires: territory deviations are 0.4 of the other states', vehicle
    # age's narrower, the mandatory factors' wider.
    def with_exposure(rows: list[list[str]], exposures: list[str], label: bool = False) -> list[list[str]]:
        assert len(rows) == len(exposures)
        cut = -1 if label else len(rows[0])
        return [r[:cut] + [e] + r[cut:] if label else r + [e] for r, e in zip(rows, exposures)]

    territory = territory_rows(territories)
    if ca:
        territory = [[z, str((1 + Decimal("0.4") * (D(v) - 1)).quantize(Decimal("0.01"), ROUND_HALF_UP)), "1", label]
                     for z, v, label in territory]
        record = [band(0, 0) + ["1.00", "80", "clean"], band(1, 1) + ["1.30", "12", "1 point"],
                  band(2, 2) + ["1.70", "5", "2 points"], band(3, 4) + ["2.40", "2.5", "3-4 points"],
                  band(5, None) + ["3.40", "0.5", "5 or more points"]]
        miles = with_exposure(
            [band(0, 4999) + ["0.75"], band(5000, 7499) + ["0.85"], band(7500, 9999) + ["0.93"],
             band(10000, 12499) + ["1.00"], band(12500, 14999) + ["1.08"], band(15000, 19999) + ["1.18"],
             band(20000, 29999) + ["1.32"], band(30000, None) + ["1.50"]],
            ["8", "10", "14", "22", "18", "16", "9", "3"])
        years = with_exposure(
            [band(0, 0) + ["1.60"], band(1, 1) + ["1.45"], band(2, 2) + ["1.32"], band(3, 3) + ["1.20"],
             band(4, 5) + ["1.10"], band(6, 9) + ["1.03"], band(10, 19) + ["1.00"], band(20, None) + ["0.96"]],
            ["2", "2.5", "2.5", "3", "6", "10", "24", "50"])
        use = with_exposure([["pleasure", "0.92"], ["commute", "1.00"], ["business", "1.15"]], ["35", "60", "5"])
        vage = with_exposure(
            [band(0, 1) + ["1.06"], band(2, 3) + ["1.03"], band(4, 6) + ["1.00"], band(7, 10) + ["0.96"],
             band(11, 15) + ["0.92"], band(16, None) + ["0.88"]],
            ["15", "17", "22", "22", "16", "8"])
    else:
        record = [band(0, 0) + ["1.00", "clean"], band(1, 1) + ["1.18", "1 point"], band(2, 2) + ["1.40", "2 points"],
                  band(3, 4) + ["1.85", "3-4 points"], band(5, None) + ["2.60", "5 or more points"]]
        miles = [band(0, 4999) + ["0.85"], band(5000, 7499) + ["0.92"], band(7500, 9999) + ["0.96"],
                 band(10000, 12499) + ["1.00"], band(12500, 14999) + ["1.05"], band(15000, 19999) + ["1.12"],
                 band(20000, 29999) + ["1.20"], band(30000, None) + ["1.30"]]
        years = [band(0, 0) + ["1.75"], band(1, 1) + ["1.55"], band(2, 2) + ["1.38"], band(3, 3) + ["1.25"],
                 band(4, 5) + ["1.12"], band(6, 9) + ["1.03"], band(10, 19) + ["1.00"], band(20, None) + ["0.95"]]
        use = [["pleasure", "0.92"], ["commute", "1.00"], ["business", "1.15"]]
        vage = [band(0, 1) + ["1.15"], band(2, 3) + ["1.08"], band(4, 6) + ["1.00"], band(7, 10) + ["0.88"],
                band(11, 15) + ["0.75"], band(16, None) + ["0.62"]]
    exposure_note = "\nExposure: an illustrative book's share in each row (10 CCR 2632.8 weights)." if ca else ""
    tables: list[Table] = [
        Table("territory",
              "Territory by garaging ZIP: one territory per county, metropolitan counties\n"
              "higher. Covers every ZIP of the state in crates/rating/data/us-zips.txt." + exposure_note,
              [("zip", "exact")], territory, label=True, exposure=ca),
        Table("driving_record", "Driving record: violation and at-fault accident points in three years." + exposure_note,
              [("points", "band")], record, label=True, exposure=ca),
        Table("annual_miles", "Estimated annual miles driven." + exposure_note, [("miles", "band")], miles, exposure=ca),
        Table("years_licensed", "Years of driving experience (whole years since first licensed)." + exposure_note,
              [("years", "band")], years, exposure=ca),
    ]
    if not ca:
        tables.append(Table("driver_age", "Age of the driver the vehicle is rated with.", [("age", "band")],
                            [band(None, 17) + ["1.85"], band(18, 20) + ["1.55"], band(21, 24) + ["1.25"],
                             band(25, 29) + ["1.08"], band(30, 49) + ["1.00"], band(50, 64) + ["0.94"],
                             band(65, 74) + ["1.00"], band(75, None) + ["1.18"]]))
    tables += [
        Table("vehicle_use", "Vehicle use." + exposure_note, [("use", "exact")], use, exposure=ca),
        Table("vehicle_age", "Vehicle age (effective year less model year), physical damage only." + exposure_note,
              [("vehicle_age", "band")], vage, exposure=ca),
    ]
    if st == "TX":
        tables.append(credit_table("Texas (Ins. Code 559.052)"))
    if not ca:
        # Symbol 11 ($27,000 to $30,000 new) is the base; each symbol 7 % more.
        tables.append(Table("price_symbol",
                            "Price symbol of the vehicle's cost new (1: $11,000 or less, to 27: over\n"
                            "$200,000), physical damage only; unknown when the quote gives no cost new.",
                            [("symbol", "exact")],
                            [[str(i), str((D("1.07") ** (i - 11)).quantize(D("0.01"), rounding=ROUND_HALF_UP))]
                             for i in range(1, 28)] + [["unknown", "1.00"]]))
    limit_tables = {
        "BI": ("bi_limit", "Bodily injury limit (per person/per accident, thousands); the state minimum is 1.00."),
        "PD": ("pd_limit", "Property damage limit (dollars); the state minimum is 1.00."),
        "UM": ("um_limit", "Uninsured motorist limit (per person/per accident, thousands)."),
        med: (f"{med.lower()}_limit", "Medical payments limit (dollars per person)." if med == "MED"
              else "Personal injury protection limit (dollars per person)."),
    }
    if med == "MED" and "PIP" in s.limits:
        limit_tables["PIP"] = ("pip_limit", "Personal injury protection limit (dollars per person).")
    for code, (tname, comment) in limit_tables.items():
        tables.append(Table(tname, comment, [("limit", "exact")], [[l, f] for l, f in s.limits[code]]))
    if s.pip_deductibles:
        tables.append(Table("pip_deductible", "PIP deductible (dollars), as Fla. Stat. 627.739 allows.",
                            [("deductible", "exact")], [[d, f] for d, f in s.pip_deductibles]))
    tables += [
        Table("comp_deductible", "Comprehensive deductible (dollars).", [("deductible", "exact")],
              [[d, f] for d, f in COMP_DEDUCTIBLES]),
        Table("coll_deductible", "Collision deductible (dollars).", [("deductible", "exact")],
              [[d, f] for d, f in COLL_DEDUCTIBLES]),
        Table("term", "Term factor: the base rates are annual; a six-month term is half.",
              [("term_months", "exact")], [["6", "0.50"], ["12", "1.00"]]),
    ]

    def steps(code: str) -> list[dict]:
        out = [base(s.bases[code])]
        if code != "COMP":
            out.append(lookup("driving_record", ["driver.violation_points_3y"], "Driving record"))
        out.append(lookup("annual_miles", ["vehicle.annual_miles"], "Annual miles"))
        if code != "COMP":
            out.append(lookup("years_licensed", ["driver.years_licensed"], "Years licensed"))
            if not ca:
                out.append(lookup("driver_age", ["driver.age"], "Driver age"))
        out.append(lookup("territory", ["vehicle.garaging_zip"], "Territory"))
        out.append(lookup("vehicle_use", ["vehicle.use"], "Vehicle use"))
        if code in ("COMP", "COLL"):
            out.append(lookup("vehicle_age", ["vehicle.age"], "Vehicle age"))
            if not ca:
                out.append(lookup("price_symbol", ["vehicle.price_symbol"], "Price symbol"))
        if st == "TX":
            out.append(lookup("credit", ["policy.credit_tier"], "Credit tier"))
        if code in limit_tables:
            out.append(lookup(limit_tables[code][0], ["coverage.limit"], "Limit"))
        if code == "PIP" and s.pip_deductibles:
            out.append(lookup("pip_deductible", ["coverage.deductible"], "Deductible"))
        if code == "COMP":
            out.append(lookup("comp_deductible", ["coverage.deductible"], "Deductible"))
        if code == "COLL":
            out.append(lookup("coll_deductible", ["coverage.deductible"], "Deductible"))
        out.append(lookup("term", ["policy.term_months"], "Term"))
        return out

    order_note = ("The factors' weights over the tables' exposure fall driving record > annual\n"
                  "miles > years licensed > each optional factor (10 CCR 2632.8).") if ca else ""
    minimum = {"CA": "30/60 BI, 15000 PD (Ins. Code 11580.1b, from 2025)", "NY": "25/50 BI, 10000 PD",
               "TX": "30/60 BI, 25000 PD", "FL": "10/20 BI, 10000 PD", "IL": "25/50 BI, 20000 PD"}[st]
    covs = [
        Coverage("BI", COVERAGE_NAMES["BI"],
                 ("Bodily injury liability, per vehicle; optional in Florida, where PIP and\n"
                  "property damage are the compulsory coverages (Fla. Stat. 627.733, 324.022).\n"
                  "Limits from 10/20.") if st == "FL" else
                 f"Bodily injury liability, per vehicle; required.\nState minimum limits: {minimum}." +
                 (f"\n{order_note}" if order_note else ""),
                 "vehicle", st != "FL", steps("BI"), limits=[l for l, _ in s.limits["BI"]]),
        Coverage("PD", COVERAGE_NAMES["PD"], "Property damage liability, per vehicle; required.",
                 "vehicle", True, steps("PD"), limits=[l for l, _ in s.limits["PD"]]),
        Coverage("UM", COVERAGE_NAMES["UM"],
                 "Uninsured/underinsured motorist bodily injury, limits as BI;" +
                 ("\nrequired in this state." if s.um_required else
                  "\nincluded unless the insured rejects it in writing: a quote without it binds\n"
                  "only with the signed rejection recorded."),
                 "vehicle", s.um_required, steps("UM"), limits=[l for l, _ in s.limits["UM"]]),
        Coverage("COMP", COVERAGE_NAMES["COMP"],
                 "Comprehensive (fire, theft, glass, weather, animal); optional; by deductible.\n"
                 "Not rated on the driving record or experience.",
                 "vehicle", False, steps("COMP"), deductibles=[d for d, _ in COMP_DEDUCTIBLES]),
        Coverage("COLL", COVERAGE_NAMES["COLL"], "Collision; optional; by deductible.",
                 "vehicle", False, steps("COLL"), deductibles=[d for d, _ in COLL_DEDUCTIBLES]),
    ]
    if med == "MED":
        covs.append(Coverage("MED", COVERAGE_NAMES["MED"], "Medical payments; optional.", "vehicle", False,
                             steps("MED"), limits=[l for l, _ in s.limits["MED"]]))
        if "PIP" in s.limits:
            covs.append(Coverage("PIP", COVERAGE_NAMES["PIP"],
                                 "Personal injury protection, $2,500 minimum per person; included unless the\n"
                                 "insured rejects it in writing (Tex. Ins. Code 1952.152): a quote without it\n"
                                 "binds only with the signed rejection recorded.",
                                 "vehicle", False, steps("PIP"), limits=[l for l, _ in s.limits["PIP"]]))
    else:
        why = ("New York no-fault: $50,000 basic PIP is required (Ins. Law 5103); higher\n"
               "limits are additional PIP.") if st == "NY" else \
              ("Florida no-fault: $10,000 PIP is required (Fla. Stat. 627.736), with the\n"
               "deductible options of Fla. Stat. 627.739.")
        covs.append(Coverage("PIP", COVERAGE_NAMES["PIP"], why, "vehicle", True, steps("PIP"),
                             limits=[l for l, _ in s.limits["PIP"]],
                             deductibles=[d for d, _ in (s.pip_deductibles or [])]))

    liability = ["BI", "PD", "COLL", med]
    discounts: list[Adjustment] = []
    if ca:
        discounts.append(Adjustment(
            "good-driver", "Good Driver", "0.20",
            "California Good Driver discount, at least 20% on every coverage (Ins. Code\n"
            "1861.02, 1861.025): the engine's statutory test (licensed three years, at most\n"
            "one point, no at-fault injury accident in three years, no DUI in ten).",
            eligibility="ca-good-driver"))
    else:
        discounts.append(Adjustment(
            "safe-driver", "Safe driver", s.safe_driver,
            "Safe driver: licensed three years or more, no points and no at-fault\naccident in three years.",
            when=[cond("driver.years_licensed", ">=", 3), cond("driver.violation_points_3y", "==", 0),
                  cond("driver.at_fault_accidents_3y", "==", 0)]))
    discounts.append(Adjustment("good-student", "Good student", s.good_student,
                                "Good student (B average or better) as principal driver.",
                                coverages=liability, when=[cond("driver.good_student", "==", True)]))
    d_rate, d_covs, d_extra, d_comment = s.defensive
    # A course earns the discount for three years from its completion date
    # (NY Ins. Law 2336, Fla. Stat. 627.0652(2)); without a date, none.
    discounts.append(Adjustment("defensive-driving", "Defensive driving" if st != "FL" else "Mature driver course",
                                d_rate, d_comment + "\nFor three years from the course's completion date.", coverages=d_covs,
                                when=[cond("driver.defensive_driving", "==", True), cond("driver.course_years", "<", 3)] + d_extra))
    discounts.append(Adjustment("anti-theft", "Anti-theft device", s.anti_theft,
                                "Passive anti-theft device (immobiliser or tracking); comprehensive only.",
                                coverages=["COMP"], when=[cond("vehicle.anti_theft", "==", True)]))
    discounts.append(Adjustment("multi-car", "Multi-car", "0.10",
                                "Two or more vehicles on the policy" +
                                (" (multi-vehicle, 10 CCR 2632.5(d))." if ca else "."),
                                when=[cond("policy.vehicle_count", ">=", 2)]))
    if not ca:
        # California's optional factors do not include how the premium is
        # paid (10 CCR 2632.5(d)).
        discounts.append(Adjustment("paid-in-full", "Paid in full", "0.05",
                                    "The term premium paid in one installment.",
                                    when=[cond("policy.paid_in_full", "==", True)]))
        discounts.append(Adjustment("eft", "Automatic payments", "0.03",
                                    "The premium paid by automatic withdrawal (electronic funds transfer).",
                                    when=[cond("policy.eft", "==", True)]))
        # Prior insurance: not in California, where its absence may not
        # be a criterion for rates (Ins. Code 1861.02(c)).
        discounts.append(Adjustment("continuous-insurance", "Continuous insurance", "0.05",
                                    "Three years or more of continuous prior cover, with no lapse over 30 days.",
                                    when=[cond("policy.prior_insurance_months", ">=", 36),
                                          cond("policy.lapse_days", "<=", 30)]))
    discounts.append(Adjustment("tenure", "Tenure", "0.05",
                                "Insured with us three years or more" +
                                (" (persistency, 10 CCR 2632.5(d))." if ca else "."),
                                when=[cond("policy.tenure_years", ">=", 3)]))
    surcharges: list[Adjustment] = [] if ca else [
        Adjustment("lapse", "Lapse in cover", "0.10",
                   "More than 30 days without cover before the effective date.",
                   when=[cond("policy.lapse_days", ">", 30)]),
    ]

    dui_msg = ("DUI conviction in the last three years: not eligible for this program" if s.dui_action == "decline"
               else "DUI conviction in the last three years")
    underwriting = [
        Rule("UW-AT-FAULT-ACCIDENTS", "refer", "More than two at-fault accidents in the last three years",
             [cond("driver.at_fault_accidents_3y", ">", 2)]),
        Rule("UW-DUI", s.dui_action, dui_msg, [cond("driver.dui_3y", ">=", 1)]),
        Rule("UW-POINTS", "decline", "Six or more violation points in the last three years",
             [cond("driver.violation_points_3y", ">=", 6)]),
        Rule("UW-INEXPERIENCED-BUSINESS", "refer", "Driver licensed less than a year on a business-use vehicle",
             [cond("driver.years_licensed", "<", 1), cond("vehicle.use", "==", "business")]),
        Rule("UW-HIGH-MILEAGE", "refer", "More than 50,000 miles a year",
             [cond("vehicle.annual_miles", ">", 50000)]),
    ]
    risk = {
        "usage": "inform",
        "intercept": "-2.30",
        "min_factor": "0.90", "max_factor": "1.10",
        "refer_above": "0.25",
        "features": [
            {"var": "driver.violation_points_3y", "coefficient": "0.18"},
            {"var": "driver.at_fault_accidents_3y", "coefficient": "0.32"},
            {"var": "driver.years_licensed", "base": "15", "coefficient": "-0.015"},
            {"var": "vehicle.annual_miles", "base": "12000", "coefficient": "0.00001"},
            {"var": "vehicle.use", "level": "business", "coefficient": "0.15"},
            {"var": "driver.good_student", "coefficient": "-0.10"},
        ],
    }
    risk_comment = [
        "Claim-frequency model (log link): frequency = exp(intercept + sum of",
        "coefficient x (value - base)), so a risk at every base has frequency exp(intercept);",
        "quotes above refer_above are referred.",
    ] + (["In California the score may only inform underwriting (Prop 103), never the premium."] if ca else
         ["It informs underwriting only: its features are the class plan's own variables",
          "(points, accidents, experience, miles, use, good student) and it was not fitted",
          "with the class plan as an offset, so multiplying premiums by it would price them",
          "twice. A model fitted as an offset rates with basis = \"class-plan-offset\" and",
          "the coverages it applies to (docs/rate-pack-format.md)."])

    state_rules = None
    state_rules_comment = ""
    if ca:
        state_rules = [("forbidden_variables", ["policy.credit_tier", "driver.age"])]
        state_rules_comment = ("Restates the law the engine enforces anyway: no credit and no driver age in\n"
                               "California auto rating (10 CCR 2632.5).")
    elif s.um_required:
        state_rules = [("required_coverages", [c for c in (med if med == "PIP" else None, "UM") if c])]
        state_rules_comment = ("Coverages every quote must carry here (uninsured motorist is compulsory in\n"
                               f"{name}{'; PIP by the engine as well' if med == 'PIP' else ''}).")

    intro = [
        "Per vehicle and coverage: annual base rate x the factors of the coverage's steps,",
        "with the driver assigned to it (below); the term factor halves six-month terms.",
    ]
    if ca:
        intro.append("Prop 103: no credit, no age, Good Driver discount, risk score informs only.")
    fees: list = [("policy-fee", "Policy fee", s.policy_fee)] if s.policy_fee else []
    if st == "NY":
        fees.append(("mvle", "Motor Vehicle Law Enforcement fee", "10.00", {
            "comment": "NY Ins. Law 9110: $10 per insured vehicle a year, $5 for terms of six months or less.",
            "per": "vehicle", "short_term_amount": "5.00"}))
    if st == "TX":
        fees.append(("mvcpa", "Motor Vehicle Crime Prevention Authority fee", "5.00", {
            "comment": ("Tex. Transp. Code 1006.153(b), 28 TAC 5.205: $5 per motor vehicle year, recouped\n"
                        "from the insured on its own line; earned over the term (confirm with compliance)."),
            "per": "vehicle-year", "earning": "pro-rata"}))
    return Pack(
        dir_name=f"{st.lower()}-personal-auto", state=st, product="personal-auto",
        title=f"{name} personal auto rate pack, version {VERSION}.",
        intro=intro, filing=s.filing, terms=[6, 12], minimum_premium="150.00",
        rounding_comment="Every step rounded to cents; each coverage premium to whole dollars.",
        points=points, points_comment=points_comment, tables=tables, coverages=covs,
        discounts=discounts, surcharges=surcharges, fees=fees,
        fees_comment="Stated apart from premium; earned when charged unless marked pro-rata, never discounted.",
        plans=[("pay-in-full", "Pay in full", 1, None), ("two-pay", "Two payments", 2, None),
               ("six-pay", "Six payments", 6, "3.00")],
        state_rules=state_rules, state_rules_comment=state_rules_comment,
        underwriting=underwriting, risk=risk, risk_comment=risk_comment,
        assignment="principal" if ca else "highest-rated",
        refunds=("90% of pro-rata", "pro-rata",
                 ["Premium returned when the insured cancels: 90% of the pro-rata return at their",
                  "request (at least that in Florida, Fla. Stat. 627.7283(4)); pro rata when they",
                  "replaced the policy or sold the car. A servicemember's cancellation is always",
                  "pro rata, and an insurer's cancellation always pro rata."]),
    )


# ---------------------------------------------------------------------------
# Homeowners HO-3
# ---------------------------------------------------------------------------

@dataclass
class HomeState:
    filing: tuple[str, str]
    level: str                      # multiplier on the countrywide amount-of-insurance curve
    liability_base: str
    territory_named: dict[str, str]
    fees: list  # (code, name, amount or None[, {rate, per, short_term_amount, class, earning, comment}])
    wood_shake: str = "1.35"
    notes: dict[str, str] = field(default_factory=dict)
    urban: tuple[str, ...] = ()


HOME: dict[str, HomeState] = {
    "CA": HomeState(("CA-HO-2025-0388", "prior-approval"), "0.85", "32.00",
                    {"losangelescounty": "1.30", "orangecounty": "1.18", "alamedacounty": "1.15",
                     "sanfranciscocounty": "1.12"}, [], wood_shake="1.60"),
    "NY": HomeState(("NY-HO-2025-0921", "prior-approval"), "0.90", "38.00",
                    {"bronxcounty": "1.45", "kingscounty": "1.40", "richmondcounty": "1.38",
                     "queenscounty": "1.35", "suffolkcounty": "1.35", "nassaucounty": "1.30",
                     "newyorkcounty": "1.22", "westchestercounty": "1.20"},
                    [("policy-fee", "Policy fee", "25.00")],
                    notes=AUTO["NY"].notes),
    "TX": HomeState(("TX-HO-2025-0654", "file-and-use"), "1.45", "30.00",
                    {"harriscounty": "1.45", "tarrantcounty": "1.34", "dallascounty": "1.32",
                     "traviscounty": "1.18", "bexarcounty": "1.15"},
                    [("policy-fee", "Policy fee", "35.00")]),
    "FL": HomeState(("FL-HO-2025-0871", "file-and-use"), "0.70", "36.00",
                    {"miamidadecounty": "1.35", "browardcounty": "1.28", "palmbeachcounty": "1.22"},
                    [("policy-fee", "Policy fee", "25.00"),
                     ("empa", "Emergency Management Preparedness and Assistance surcharge", "2.00"),
                     ("figa", "Florida Insurance Guaranty Association assessment", None, {
                         "comment": ("Fla. Stat. 631.57: a percentage of premium, recouped from policyholders.\n"
                                     "1.0% is illustrative; confirm the assessment in force with compliance."),
                         "rate": "0.010"})]),
    "IL": HomeState(("IL-HO-2025-0315", "informational"), "0.80", "28.00",
                    {"cookcounty": "1.25", "willcounty": "1.08", "kanecounty": "1.06", "dupagecounty": "1.05",
                     "lakecounty": "1.05"},
                    [("policy-fee", "Policy fee", "20.00")],
                    urban=AUTO["IL"].urban),
}

# Florida wind (hurricane) territory factors for coastal counties; inland
# counties get a hashed factor in [0.70, 1.00].
FL_WIND = {
    "monroecounty": "3.20", "miamidadecounty": "2.60", "browardcounty": "2.35", "palmbeachcounty": "2.10",
    "colliercounty": "1.95", "martincounty": "1.85", "leecounty": "1.85", "stluciecounty": "1.80",
    "charlottecounty": "1.75", "indianrivercounty": "1.70", "pinellascounty": "1.65", "baycounty": "1.65",
    "brevardcounty": "1.60", "sarasotacounty": "1.60", "manateecounty": "1.60", "gulfcounty": "1.60",
    "escambiacounty": "1.60", "franklincounty": "1.55", "waltoncounty": "1.55", "okaloosacounty": "1.55",
    "santarosacounty": "1.55", "hillsboroughcounty": "1.40", "pascocounty": "1.35", "volusiacounty": "1.30",
    "flaglercounty": "1.30", "hernandocounty": "1.25", "citruscounty": "1.25",
    "wakullacounty": "1.25", "stjohnscounty": "1.25", "levycounty": "1.20", "dixiecounty": "1.20",
    "taylorcounty": "1.20", "nassaucounty": "1.20", "duvalcounty": "1.15", "jeffersoncounty": "1.10",
}

AOP_DEDUCTIBLES = [("500", "1.08"), ("1000", "1.00"), ("2500", "0.88"), ("5000", "0.78")]
HURRICANE_DEDUCTIBLES = [("500", "1.38"), ("2%", "1.00"), ("5%", "0.78"), ("10%", "0.62")]
# The deductible factor by Coverage A (the points the rows interpolate
# between, $50,000 to $3,000,000): flat for a percentage, rising for $500.
HURRICANE_DEDUCTIBLE_CURVES = [
    ("500", [(50_000, "1.10"), (150_000, "1.22"), (300_000, "1.32"), (560_000, "1.40"), (1_000_000, "1.48"),
             (3_000_000, "1.60")]),
    ("2%", [(50_000, "1.00"), (3_000_000, "1.00")]),
    ("5%", [(50_000, "0.78"), (3_000_000, "0.78")]),
    ("10%", [(50_000, "0.62"), (3_000_000, "0.62")]),
]
LIABILITY_LIMITS = [("100000", "1.00"), ("300000", "1.22"), ("500000", "1.38")]
CONSTRUCTION = [("frame", "1.00"), ("masonry", "0.90"), ("masonry-veneer", "0.95"), ("fire-resistive", "0.82")]
PROTECTION = ["0.90", "0.92", "0.95", "0.98", "1.00", "1.04", "1.10", "1.22", "1.45", "1.85"]


def amount_rows() -> list[int]:
    return list(range(50_000, 500_001, 10_000)) + list(range(550_000, 3_000_001, 50_000))


def dwelling_curve(cov_a: int) -> Decimal:
    """Countrywide base premium for Coverage A: about $300 at $50,000, then
    $3.60 per $1,000 tapering to $2.88, then $2.60 per $1,000 above $500,000."""
    k = D(cov_a - 50_000) / 1000
    if k <= 450:
        return 300 + D("3.6") * k - D("0.0008") * k * k
    return 300 + D("3.6") * 450 - D("0.0008") * 450 * 450 + D("2.6") * (k - 450)


def hurricane_curve(cov_a: int) -> Decimal:
    """Florida hurricane base premium (wind territory 1.00, 2% deductible)."""
    k = D(cov_a - 50_000) / 1000
    if k <= 450:
        return 150 + D("3.0") * k - D("0.0006") * k * k
    return 150 + D("3.0") * 450 - D("0.0006") * 450 * 450 + D("2.3") * (k - 450)


def home_pack(zips, st: str) -> Pack:
    s = HOME[st]
    name = STATE_NAMES[st]
    ca, fl, tx = st == "CA", st == "FL", st == "TX"
    if s.urban:
        territories = build_territories(zips, st, "homeowners-ho3", s.territory_named, ("0.80", "1.20"),
                                        urban=s.urban, rural=("0.85", "1.05"), notes=s.notes)
    else:
        territories = build_territories(zips, st, "homeowners-ho3", s.territory_named, ("0.80", "1.20"),
                                        notes=s.notes)
    level = D(s.level)
    tables = [
        Table("amount_of_insurance",
              "Base premium by Coverage A (dwelling limit), interpolated between rows:\n"
              "every $10,000 to $500,000, then every $50,000 to $3,000,000. Coverage A\n"
              "outside $50,000-$3,000,000 is not written.",
              [("coverage_a", "interpolate")],
              [[str(a), money(dwelling_curve(a) * level)] for a in amount_rows()]),
        Table("territory",
              "Territory by the dwelling's ZIP: one territory per county (excluding\n"
              "hurricane in Florida). Covers every ZIP of the state in us-zips.txt.",
              [("zip", "exact")], territory_rows(territories), label=True),
        Table("protection_construction",
              "ISO public protection class (1 best, 10 unprotected) by construction.",
              [("protection_class", "band"), ("construction", "exact")],
              [band(pc, pc) + [c, str((D(PROTECTION[pc - 1]) * D(f)).quantize(D("0.001"), rounding=ROUND_HALF_UP))]
               for pc in range(1, 11) for c, f in CONSTRUCTION]),
        Table("dwelling_age", "Dwelling age in years (effective year less year built).", [("dwelling_age", "band")],
              [band(0, 5) + ["0.85"], band(6, 10) + ["0.92"], band(11, 20) + ["1.00"], band(21, 30) + ["1.06"],
               band(31, 40) + ["1.12"], band(41, 50) + ["1.18"], band(51, 75) + ["1.25"], band(76, None) + ["1.32"]]),
        Table("roof_age", "Roof age in years.", [("roof_age", "band")],
              [band(0, 5) + ["0.90"], band(6, 10) + ["0.97"], band(11, 15) + ["1.05"],
               band(16, 20) + (["1.25"] if fl else ["1.15"]), band(21, None) + (["1.50"] if fl else ["1.30"])]),
        Table("roof_type", "Roof covering." + (" Wood shake is surcharged for wildfire exposure." if ca else ""),
              [("roof_type", "exact")],
              [["asphalt-shingle", "1.00"], ["metal", "0.88"], ["tile", "0.92"], ["slate", "0.90"],
               ["wood-shake", s.wood_shake], ["flat", "1.10"]]),
        Table("aop_deductible", "All-other-perils deductible (dollars); $1,000 is the base.",
              [("deductible", "exact")], [[d, f] for d, f in AOP_DEDUCTIBLES]),
        Table("liability_limit", "Personal liability limit (dollars, each occurrence).",
              [("limit", "exact")], [[l, f] for l, f in LIABILITY_LIMITS]),
    ]
    if tx:
        tables.append(credit_table("Texas (Ins. Code 559.052)"))
    if fl:
        wind = build_territories(zips, st, "homeowners-ho3-wind", FL_WIND, ("0.70", "1.00"), prefix="W")
        for t in wind:
            if t.code.endswith("00"):
                continue
            coastal = any(county_key(t.label.split(" ", 1)[1]) == k for k in FL_WIND)
            t.label += " (coastal)" if coastal else " (inland)"
        tables += [
            Table("hurricane_base",
                  "Hurricane base premium by Coverage A (wind territory 1.00, 2% deductible),\n"
                  "interpolated; same rows as amount_of_insurance.",
                  [("coverage_a", "interpolate")],
                  [[str(a), money(hurricane_curve(a))] for a in amount_rows()]),
            Table("wind_territory",
                  "Hurricane territory by the dwelling's ZIP: coastal counties high, the\n"
                  "Keys and the southeast coast highest.",
                  [("zip", "exact")], territory_rows(wind), label=True),
            Table("wind_roof", "Hurricane roof-covering credit (wind mitigation, Fla. Stat. 627.0629).",
                  [("roof_type", "exact")],
                  [["asphalt-shingle", "1.00"], ["metal", "0.85"], ["tile", "0.90"], ["slate", "0.92"],
                   ["wood-shake", "1.10"], ["flat", "1.05"]]),
            Table("roof_shape",
                  "Wind mitigation: roof geometry (OIR-B1-1802 question 4); unknown when the home\n"
                  "was not inspected.", [("roof_shape", "exact")],
                  [["hip", "0.80"], ["flat", "1.00"], ["other", "1.00"], ["unknown", "1.00"]]),
            Table("roof_deck",
                  "Wind mitigation: roof-deck attachment, A (6d nails) to D (reinforced concrete).",
                  [("roof_deck", "exact")],
                  [["a", "1.00"], ["b", "0.95"], ["c", "0.90"], ["d", "0.82"], ["unknown", "1.00"]]),
            Table("roof_to_wall",
                  "Wind mitigation: roof-to-wall attachment.", [("roof_to_wall", "exact")],
                  [["toe-nails", "1.00"], ["clips", "0.92"], ["single-wraps", "0.86"], ["double-wraps", "0.82"],
                   ["unknown", "1.00"]]),
            Table("opening_protection",
                  "Wind mitigation: opening protection of every glazed opening.", [("opening_protection", "exact")],
                  [["none", "1.00"], ["basic", "0.90"], ["hurricane", "0.78"], ["unknown", "1.00"]]),
            Table("secondary_water_resistance",
                  "Wind mitigation: a secondary water barrier under the roof covering.",
                  [("secondary_water_resistance", "exact")], [["true", "0.95"], ["false", "1.00"]]),
            Table("ordinance_limit",
                  "Law and ordinance: the additional limit as a percentage of Coverage A, as a\n"
                  "factor of the dwelling base premium (offered at 25% and 50%; Fla. Stat. 627.7011).",
                  [("limit", "exact")], [["25%", "0.045"], ["50%", "0.075"]]),
            Table("hurricane_deductible",
                  "Hurricane deductible by amount of insurance: $500, or a percentage of Coverage A,\n"
                  "interpolated on Coverage A. A percentage deductible grows with the home, so its\n"
                  "factor is the same at every amount; a flat $500 is an ever smaller part of the\n"
                  "loss a large home's hurricane causes, so its factor against 2% rises with\n"
                  "Coverage A (the loss it leaves with the insurer grows faster than the premium).",
                  [("deductible", "exact"), ("coverage_a", "interpolate")],
                  [[d, str(amount), f] for d, points in HURRICANE_DEDUCTIBLE_CURVES for amount, f in points]),
        ]

    dwelling_steps = [
        base_table("amount_of_insurance", "dwelling.coverage_a", "Base premium by Coverage A"),
        lookup("territory", ["dwelling.zip"], "Territory"),
        lookup("protection_construction", ["dwelling.protection_class", "dwelling.construction"],
               "Protection class and construction"),
        lookup("dwelling_age", ["dwelling.age"], "Dwelling age"),
        lookup("roof_age", ["dwelling.roof_age"], "Roof age"),
        lookup("roof_type", ["dwelling.roof_type"], "Roof type"),
        lookup("aop_deductible", ["coverage.deductible"], "Deductible"),
    ]
    if ca:
        tables += [
            Table("wildfire_measures",
                  "Wildfire mitigation: how many of the property-level measures of 10 CCR 2644.9\n"
                  "are in place (Class A roof, 5-ft ember-resistant zone, 6-inch noncombustible\n"
                  "clearance, ember-resistant vents, enclosed eaves, upgraded windows, defensible\n"
                  "space); each measure adds to the credit.", [("measures", "band")],
                  [band(n, n) + [f] for n, f in enumerate(["1.00", "0.97", "0.94", "0.91", "0.88", "0.85", "0.82"])]
                  + [band(7, None) + ["0.78"]]),
            Table("wildfire_community",
                  "Wildfire mitigation: the community's designation (10 CCR 2644.9).",
                  [("community", "exact")],
                  [["none", "1.00"], ["firewise-usa", "0.95"], ["fire-risk-reduction-community", "0.95"]]),
        ]
        dwelling_steps += [
            lookup("wildfire_measures", ["dwelling.wildfire_measures"], "Wildfire mitigation measures"),
            lookup("wildfire_community", ["dwelling.wildfire_community"], "Wildfire community designation"),
        ]
    liability_steps = [base(s.liability_base), lookup("liability_limit", ["coverage.limit"], "Limit")]
    if tx:
        dwelling_steps.append(lookup("credit", ["policy.credit_tier"], "Credit tier"))
        liability_steps.append(lookup("credit", ["policy.credit_tier"], "Credit tier"))
    covs = [
        Coverage("DWELLING", "Dwelling and other property (Coverages A-D)",
                 "Section I property: dwelling (A) with other structures, contents and loss of\n"
                 "use following as percentages of A; required." +
                 (" Excludes hurricane (rated below)." if fl else ""),
                 "policy", True, dwelling_steps, deductibles=[d for d, _ in AOP_DEDUCTIBLES]),
        Coverage("LIABILITY", "Personal liability and medical payments (Coverages E-F)",
                 "Section II: personal liability and medical payments to others; required;\n"
                 "not rated by territory.",
                 "policy", True, liability_steps, limits=[l for l, _ in LIABILITY_LIMITS]),
    ]
    if fl:
        covs.append(Coverage(
            "HURRICANE", "Hurricane",
            "Hurricane (windstorm during a declared hurricane); required. The $500, 2%, 5%\n"
            "and 10% deductibles must all be offered (Fla. Stat. 627.701).",
            "policy", True,
            [base_table("hurricane_base", "dwelling.coverage_a", "Hurricane base premium by Coverage A"),
             lookup("wind_territory", ["dwelling.zip"], "Wind territory"),
             lookup("wind_roof", ["dwelling.roof_type"], "Roof covering (wind mitigation)"),
             lookup("roof_shape", ["dwelling.roof_shape"], "Roof shape (wind mitigation)"),
             lookup("roof_deck", ["dwelling.roof_deck"], "Roof-deck attachment (wind mitigation)"),
             lookup("roof_to_wall", ["dwelling.roof_to_wall"], "Roof-to-wall attachment (wind mitigation)"),
             lookup("opening_protection", ["dwelling.opening_protection"], "Opening protection (wind mitigation)"),
             lookup("secondary_water_resistance", ["dwelling.secondary_water_resistance"],
                    "Secondary water resistance (wind mitigation)"),
             lookup("hurricane_deductible", ["coverage.deductible", "dwelling.coverage_a"], "Hurricane deductible")],
            deductibles=[d for d, _ in HURRICANE_DEDUCTIBLES]))
        # The offers Florida requires (the insured's signed rejection binds a
        # quote without them), each a share of the dwelling base premium.
        offered_base = [base_table("amount_of_insurance", "dwelling.coverage_a", "Base premium by Coverage A"),
                        lookup("territory", ["dwelling.zip"], "Territory")]
        covs.append(Coverage(
            "ORDINANCE", "Law and ordinance",
            "The extra cost of rebuilding to current building codes, as 25% or 50% of\n"
            "Coverage A; must be offered (Fla. Stat. 627.7011), and a quote without it binds\n"
            "only with the insured's signed rejection recorded.",
            "policy", False,
            offered_base + [lookup("dwelling_age", ["dwelling.age"], "Dwelling age"),
                            lookup("ordinance_limit", ["coverage.limit"], "Limit")],
            limits=["25%", "50%"]))
        covs.append(Coverage(
            "SINKHOLE", "Sinkhole loss",
            "Sinkhole loss beyond catastrophic ground cover collapse (which every policy\n"
            "covers); must be offered (Fla. Stat. 627.706), and a quote without it binds only\n"
            "with the insured's signed rejection recorded.",
            "policy", False,
            offered_base + [{"op": "multiply", "value": "0.06", "label": "Sinkhole rate of the dwelling base"}]))

    on = ["DWELLING", "LIABILITY"]
    # Texas: claims the insured could be charged for, in three years; not
    # weather, acts of God or appliances (Ins. Code 551.107, 544.353).
    tx = st == "TX"
    claims_var = "policy.chargeable_claims_3y" if tx else "policy.prior_claims_5y"
    claims_words = ("chargeable claims (not weather, acts of God or appliances; Ins. Code\n551.107) in the three years"
                    if tx else "claims in the five years")
    discounts = [
        Adjustment("claims-free", "Claims free", "0.10", f"No {claims_words} before the effective date.",
                   coverages=on, when=[cond(claims_var, "==", 0)]),
        Adjustment("new-roof", "New roof", "0.05", "Roof five years old or newer; dwelling coverage only.",
                   coverages=["DWELLING"], when=[cond("dwelling.roof_age", "<=", 5)]),
        Adjustment("tenure", "Tenure", "0.05", "Insured with us three years or more.",
                   coverages=on, when=[cond("policy.tenure_years", ">=", 3)]),
    ]
    surcharges = [
        Adjustment("prior-claims", "Prior claims", "0.25", f"Two or more {claims_words} before the effective date.",
                   coverages=on, when=[cond(claims_var, ">=", 2)]),
    ]
    underwriting = [
        Rule("UW-ROOF-AGE", "refer", "Roof more than 20 years old: inspection required",
             [cond("dwelling.roof_age", ">", 20)]),
        Rule("UW-OLD-DWELLING-ROOF", "refer", "Dwelling over 50 years old with a roof over 15 years old",
             [cond("dwelling.age", ">", 50), cond("dwelling.roof_age", ">", 15)]),
        Rule("UW-PRIOR-CLAIMS", "decline",
             "Three or more chargeable claims in the last three years" if tx else "Three or more claims in the last five years",
             [cond(claims_var, ">=", 3)]),
        Rule("UW-PROTECTION-CLASS-10", "refer", "Unprotected dwelling (protection class 10)",
             [cond("dwelling.protection_class", "==", 10)]),
        Rule("UW-HIGH-VALUE", "refer", "Coverage A over $2,000,000: high-value underwriting review",
             [cond("dwelling.coverage_a", ">", 2000000)]),
    ]
    risk = {
        "usage": "inform",
        "intercept": "-3.00",
        "min_factor": "0.90", "max_factor": "1.10",
        "refer_above": "0.12",
        "features": [
            {"var": claims_var, "coefficient": "0.40"},
            {"var": "dwelling.roof_age", "base": "10", "coefficient": "0.02"},
            {"var": "dwelling.age", "base": "30", "coefficient": "0.004"},
            {"var": "dwelling.protection_class", "base": "4", "coefficient": "0.05"},
            {"var": "dwelling.construction", "level": "frame", "coefficient": "0.10"},
        ],
    }
    risk_comment = [
        "Claim-frequency model (log link): frequency = exp(intercept + sum of",
        "coefficient x (value - base)), so a risk at every base has frequency exp(intercept);",
        "quotes above refer_above are referred.",
    ] + (["In California the score may only inform underwriting, never the premium."] if ca else
         ["It informs underwriting only: its features are the class plan's own variables",
          "(claims, roof and dwelling age, protection class, construction) and it was not",
          "fitted with the class plan as an offset, so multiplying premiums by it would price",
          "them twice; nor may a claims-frequency model price hurricane (Fla. Stat. 627.0628)."])
    state_rules = None
    state_rules_comment = ""
    if ca:
        state_rules = [("forbidden_variables", ["policy.credit_tier"])]
        state_rules_comment = "Restates the law the engine enforces anyway: no credit in California (Prop 103)."
    if fl:
        state_rules = [("allowed_deductibles", {"HURRICANE": [d for d, _ in HURRICANE_DEDUCTIBLES]})]
        state_rules_comment = ("Hurricane deductibles are limited to the statutory options ($500, 2%, 5%, 10%;\n"
                               "Fla. Stat. 627.701).")
    intro = ["Per policy: Section I property (DWELLING) from a base premium by Coverage A",
             "times territory, protection/construction, age, roof and deductible factors;",
             "Section II liability (LIABILITY) by limit."]
    if fl:
        intro.append("Hurricane is a separate required coverage with its own territory and deductibles.")
    if tx:
        intro.append("Credit tiers rate both coverages; no-hit is neutral (Ins. Code 559.052).")
    return Pack(
        dir_name=f"{st.lower()}-homeowners-ho3", state=st, product="homeowners-ho3",
        title=f"{name} homeowners (HO-3) rate pack, version {VERSION}.",
        intro=intro, filing=s.filing, terms=[12], minimum_premium="350.00",
        rounding_comment="Every step rounded to cents; each coverage premium to whole dollars.",
        points=None, points_comment="", tables=tables, coverages=covs,
        discounts=discounts, surcharges=surcharges, fees=s.fees,
        fees_comment="Stated apart from premium, earned when charged, never discounted." + (" The EMPA surcharge is Fla. Stat. 252.372." if fl else ""),
        plans=[("pay-in-full", "Pay in full", 1, None), ("two-pay", "Two payments", 2, None),
               ("quarterly", "Quarterly", 4, None), ("monthly", "Monthly", 12, "2.50")],
        state_rules=state_rules, state_rules_comment=state_rules_comment,
        underwriting=underwriting, risk=risk, risk_comment=risk_comment,
        property_limits=("10", "50", "20"),
        refunds=(("pro-rata", "pro-rata",
                  ["Premium returned when the insured cancels: pro rata, whether at their request",
                   "or because they replaced the policy or sold the home (TDI proposed in 2025 to",
                   "require pro-rata refunds, 28 TAC 5.7015; filed pro rata either way)."]) if tx else
                 ("short-rate-table", "pro-rata",
                  ["Premium returned when the insured cancels: the standard short-rate table at",
                   "their request; pro rata when they replaced the policy or sold the home."])),
    )


# ---------------------------------------------------------------------------
# Example quotes
# ---------------------------------------------------------------------------

_TRANSLIT = {**{str(d): d for d in range(10)},
             "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "J": 1, "K": 2, "L": 3, "M": 4,
             "N": 5, "P": 7, "R": 9, "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9}
_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"    # 1980-2009; the cycle repeats from 2010


def vin_check_digit(vin: str) -> str:
    total = sum(_TRANSLIT[c] * w for c, w in zip(vin, _WEIGHTS))
    r = total % 11
    return "X" if r == 10 else str(r)


def make_vin(wmi: str, vds: str, year: int, plant: str, serial: str) -> str:
    """A VIN (49 CFR 565) with a correct check digit (position 9) and model-year
    code (position 10). Position 7 must be a letter from 2010 and a digit before."""
    assert len(wmi) == 3 and len(vds) == 5 and len(plant) == 1 and len(serial) == 6
    assert vds[3].isalpha() == (year >= 2010), (wmi, vds, year)
    vin = wmi + vds + "0" + _YEAR_CODES[(year - 1980) % 30] + plant + serial
    assert not set(vin) & set("IOQ") and all(c in _TRANSLIT for c in vin), vin
    vin = vin[:8] + vin_check_digit(vin) + vin[9:]
    assert vin_check_digit(vin) == vin[8]
    return vin


# Known-good VIN: the check-digit routine must accept it.
assert vin_check_digit("1HGCM82633A004352") == "3"

# (make, model, WMI, VDS positions 4-8, plant) by model year.
VEHICLES = {
    (2020, "Honda Accord"): ("Honda", "Accord", "1HG", "CV1F3", "A"),
    (2018, "Ford Mustang"): ("Ford", "Mustang", "1FA", "6P8TH", "5"),
    (2021, "Toyota Corolla"): ("Toyota", "Corolla", "JTD", "EPRAE", "J"),
    (2021, "Ford F-150"): ("Ford", "F-150", "1FT", "FW1E5", "F"),
    (2023, "Tesla Model 3"): ("Tesla", "Model 3", "5YJ", "3E1EA", "F"),
    (2007, "Honda Civic"): ("Honda", "Civic", "2HG", "FA165", "H"),
    (2022, "Toyota Camry"): ("Toyota", "Camry", "4T1", "G11AK", "U"),
    (2016, "Jeep Grand Cherokee"): ("Jeep", "Grand Cherokee", "1C4", "RJFAG", "C"),
    (2019, "Honda Odyssey"): ("Honda", "Odyssey", "5FN", "RL6H7", "B"),
    (2024, "Hyundai Tucson"): ("Hyundai", "Tucson", "KM8", "JBCAE", "U"),
    (2019, "Chevrolet Silverado"): ("Chevrolet", "Silverado 1500", "1GC", "UYDED", "Z"),
    (2013, "Volkswagen Jetta"): ("Volkswagen", "Jetta", "3VW", "DP7AJ", "M"),
    (2015, "Nissan Altima"): ("Nissan", "Altima", "1N4", "AL3AP", "C"),
    (2012, "Mazda3"): ("Mazda", "Mazda3", "JM1", "BL1V8", "1"),
    (2017, "Chevrolet Malibu"): ("Chevrolet", "Malibu", "1G1", "ZE5ST", "F"),
    (2008, "Toyota Prius"): ("Toyota", "Prius", "JTD", "KB20U", "3"),
}


def vehicle(year: int, model: str, use: str, miles: int, zip_code: str, driver: int = 0, *,
            anti_theft: bool = False, with_vin: bool = True) -> dict:
    make, model_name, wmi, vds, plant = VEHICLES[(year, model)]
    serial = str(100000 + int(hashlib.sha256(f"{year}{model}{zip_code}".encode()).hexdigest()[:8], 16) % 900000)
    v: dict = {}
    if with_vin:
        v["vin"] = make_vin(wmi, vds, year, plant, serial)
    v.update({"year": year, "make": make, "model": model_name, "use": use, "annual_miles": miles,
              "garaging_zip": zip_code})
    if anti_theft:
        v["anti_theft"] = True
    v["principal_driver"] = driver
    return v


def driver(name: str, dob: str, licensed: str, *, violations=(), accidents=(), good_student=False,
           defensive: str | None = None) -> dict:
    """`defensive`: the date the driver completed the course."""
    d: dict = {"name": name, "date_of_birth": dob, "license_date": licensed}
    if violations:
        d["violations"] = [{"date": dt, "kind": k} for dt, k in violations]
    if accidents:
        d["accidents"] = [{"date": dt, "at_fault": af, "bodily_injury": bi} for dt, af, bi in accidents]
    if good_student:
        d["good_student"] = True
    if defensive:
        d["defensive_driving"] = True
        d["course_date"] = defensive
    return d


def cov(code: str, limit: str | None = None, deductible: str | None = None, vehicles=None) -> dict:
    c: dict = {"code": code}
    if limit is not None:
        c["limit"] = limit
    if deductible is not None:
        c["deductible"] = deductible
    if vehicles is not None:
        c["vehicles"] = vehicles
    return c


def applicant(name: str, street: str, city: str, state: str, zip_code: str) -> dict:
    return {"name": name, "address": {"street": street, "city": city, "state": state, "zip": zip_code}}


# The coverage decisions each state's law requires in writing (the engine's
# `jurisdiction::elections`): coverages included unless rejected, offers the
# insured answers, and uninsured motorist limits below bodily injury's.
REJECT_IN_WRITING = {("TX", "personal-auto"): ["PIP", "UM"], ("CA", "personal-auto"): ["UM"],
                     ("FL", "personal-auto"): ["UM"]}
OFFERS = {("CA", "homeowners-ho3"): ["EARTHQUAKE"], ("FL", "homeowners-ho3"): ["ORDINANCE", "SINKHOLE"]}
LOWER_UM_IN_WRITING = {"FL", "IL"}


def split_limit(limit: str) -> list[int]:
    return [int(p) for p in limit.split("/")]


def sign_elections(q: dict, accepted=()) -> dict:
    """Records, signed by the applicant on the effective date, every decision
    the state requires in writing that the quote's coverages leave open:
    rejections, answers to offers (`accepted` names those taken that the
    pack does not write), lower UM limits."""
    st, product = q["state"], q["product"]
    chosen = {c["code"]: c for c in q["coverages"]}
    out = []

    def signed(code: str, decision: str) -> None:
        form = {"rejected": "REJ", "accepted": "ACC", "lower-limits": "SEL"}[decision]
        out.append({"coverage": code, "decision": decision, "form": f"{st}-{code}-{form} 01-26",
                    "signed_on": q["effective_date"], "signed_by": q["applicant"]["name"]})

    for code in REJECT_IN_WRITING.get((st, product), []):
        if code not in chosen:
            signed(code, "rejected")
    for code in OFFERS.get((st, product), []):
        if code not in chosen:
            signed(code, "accepted" if code in accepted else "rejected")
    if product == "personal-auto" and st in LOWER_UM_IN_WRITING and "UM" in chosen and "BI" in chosen:
        um, bi = split_limit(chosen["UM"]["limit"]), split_limit(chosen["BI"]["limit"])
        if um != bi and all(a <= b for a, b in zip(um, bi)):
            signed("UM", "lower-limits")
    if out:
        q["elections"] = out
    return q


def auto_quote(state, effective, term, plan, appl, drivers, vehicles, coverages, *, credit=None,
               renewal=False) -> dict:
    q: dict = {"product": "personal-auto", "state": state, "effective_date": effective, "term_months": term}
    if renewal:
        q["renewal"] = True
    q.update({"applicant": appl, "drivers": drivers, "vehicles": vehicles, "coverages": coverages})
    if credit is not None:
        q["credit_tier"] = credit
    q["installment_plan"] = plan
    return sign_elections(q)


def home_quote(state, effective, plan, appl, dwelling, coverages, *, claims=(), credit=None,
               renewal=False, accepted=()) -> dict:
    q: dict = {"product": "homeowners-ho3", "state": state, "effective_date": effective, "term_months": 12}
    if renewal:
        q["renewal"] = True
    q.update({"applicant": appl, "dwelling": dwelling, "coverages": coverages})
    if claims:
        q["prior_claims"] = [{"date": dt, "cause": cause} for dt, cause in claims]
    if credit is not None:
        q["credit_tier"] = credit
    q["installment_plan"] = plan
    return sign_elections(q, accepted)


def dwelling(year_built, construction, protection_class, roof_age, roof_type, square_feet, coverage_a, *,
             wind=None, wildfire=None) -> dict:
    d = {"year_built": year_built, "construction": construction, "protection_class": protection_class,
         "roof_age": roof_age, "roof_type": roof_type, "square_feet": square_feet,
         "coverage_a": str(coverage_a)}
    if wind is not None:
        d["wind_mitigation"] = wind
    if wildfire is not None:
        d["wildfire_mitigation"] = wildfire
    return d


@dataclass
class Example:
    file: str
    summary: str
    expect: str            # accept / refer / decline
    quote: dict


def auto_examples() -> dict[str, list[Example]]:
    ex: dict[str, list[Example]] = {}
    ex["ca-personal-auto"] = [
        Example("01-good-driver.json",
                "Clean 42-year-old, licensed 25 years, Los Angeles: Good Driver discount applies.", "accept",
                auto_quote("CA", "2026-02-01", 12, "pay-in-full",
                           applicant("Maria Delgado", "2417 Echo Park Ave", "Los Angeles", "CA", "90026"),
                           [driver("Maria Delgado", "1983-07-14", "2000-08-02")],
                           [vehicle(2020, "Honda Accord", "commute", 11000, "90026", anti_theft=True)],
                           [cov("BI", "100/300"), cov("PD", "50000"), cov("UM", "100/300"), cov("COMP", deductible="500"),
                            cov("COLL", deductible="500"), cov("MED", "5000")])),
        Example("02-dui-nine-years-ago.json",
                "DUI exactly nine years before the effective date: no points in three years, but no "
                "Good Driver discount (DUI in ten years).", "accept",
                auto_quote("CA", "2026-04-01", 6, "two-pay",
                           applicant("Kevin Tran", "88 Technology Dr", "Irvine", "CA", "92618"),
                           [driver("Kevin Tran", "1979-11-03", "1996-02-10", violations=[("2017-04-01", "dui")])],
                           [vehicle(2018, "Ford Mustang", "pleasure", 8000, "92618")],
                           [cov("BI", "50/100"), cov("PD", "25000"), cov("UM", "50/100"), cov("COMP", deductible="1000"),
                            cov("COLL", deductible="1000")])),
        Example("03-two-speeding-tickets.json",
                "Two speeding tickets in three years (2 points): no Good Driver discount; minimum limits.",
                "accept",
                auto_quote("CA", "2026-03-01", 12, "six-pay",
                           applicant("Ashley Morgan", "1510 J St", "Sacramento", "CA", "95814"),
                           [driver("Ashley Morgan", "1991-02-20", "2007-05-15",
                                   violations=[("2024-05-18", "speeding"), ("2025-10-02", "speeding")])],
                           [vehicle(2021, "Toyota Corolla", "commute", 14000, "95814")],
                           [cov("BI", "30/60"), cov("PD", "15000"), cov("UM", "30/60"), cov("COMP", deductible="500"),
                            cov("COLL", deductible="1000"), cov("MED", "1000")])),
        Example("04-referred-new-business-driver.json",
                "18-year-old licensed seven months, business-use pickup, 52,000 miles: referred "
                "(inexperienced business driver, high mileage); good student.", "refer",
                auto_quote("CA", "2026-05-01", 12, "pay-in-full",
                           applicant("Jordan Reyes", "301 W Cota St", "Santa Barbara", "CA", "93101"),
                           [driver("Jordan Reyes", "2007-06-10", "2025-09-15", good_student=True)],
                           [vehicle(2021, "Ford F-150", "business", 52000, "93101")],
                           [cov("BI", "30/60"), cov("PD", "25000"), cov("COMP", deductible="1000"),
                            cov("COLL", deductible="1000")])),
        Example("05-family-two-vehicles.json",
                "San Francisco family, six-month term paid monthly: parent (Good Driver, defensive "
                "driving) and a good-student teen licensed two years (no Good Driver); physical damage "
                "on the newer car only; the 2007 Civic has no VIN on file.", "accept",
                auto_quote("CA", "2026-06-15", 6, "six-pay",
                           applicant("David Kim", "3145 Mission St", "San Francisco", "CA", "94110"),
                           [driver("David Kim", "1975-09-30", "1992-10-15", defensive="2025-03-08"),
                            driver("Emily Kim", "2008-01-22", "2024-03-05", good_student=True)],
                           [vehicle(2023, "Tesla Model 3", "commute", 12000, "94110", 0, anti_theft=True),
                            vehicle(2007, "Honda Civic", "pleasure", 6000, "94110", 1, with_vin=False)],
                           [cov("BI", "250/500"), cov("PD", "100000"), cov("UM", "250/500"), cov("MED", "2000"),
                            cov("COMP", deductible="250", vehicles=[0]), cov("COLL", deductible="500", vehicles=[0])])),
        Example("06-pre-2010-vin.json",
                "2007 Honda Civic with a pre-2010 VIN (digit in position 7), clean driver in Chico.",
                "accept",
                auto_quote("CA", "2026-01-12", 12, "two-pay",
                           applicant("Robert Hayes", "455 Vallombrosa Ave", "Chico", "CA", "95926"),
                           [driver("Robert Hayes", "1962-03-08", "1978-04-20")],
                           [vehicle(2007, "Honda Civic", "pleasure", 7000, "95926")],
                           [cov("BI", "50/100"), cov("PD", "25000"), cov("UM", "50/100"), cov("MED", "1000")])),
    ]
    ex["ny-personal-auto"] = [
        Example("01-clean-standard.json", "Clean driver in Albany, full coverage with basic PIP.", "accept",
                auto_quote("NY", "2026-01-15", 12, "pay-in-full",
                           applicant("Susan O'Connor", "42 Lark St", "Albany", "NY", "12203"),
                           [driver("Susan O'Connor", "1968-04-11", "1985-06-20")],
                           [vehicle(2022, "Toyota Camry", "commute", 10000, "12203")],
                           [cov("BI", "100/300"), cov("PD", "50000"), cov("UM", "100/300"), cov("PIP", "50000"),
                            cov("COMP", deductible="500"), cov("COLL", deductible="500")])),
        Example("02-referred-dui.json",
                "Queens driver with a DUI and an at-fault accident in three years (4 points): referred.",
                "refer",
                auto_quote("NY", "2026-03-10", 6, "two-pay",
                           applicant("Anthony Russo", "71-12 Austin St", "Forest Hills", "NY", "11375"),
                           [driver("Anthony Russo", "1988-12-02", "2005-03-14", violations=[("2024-08-17", "dui")],
                                   accidents=[("2025-02-03", True, False)])],
                           [vehicle(2016, "Jeep Grand Cherokee", "commute", 9000, "11375")],
                           [cov("BI", "25/50"), cov("PD", "10000"), cov("UM", "25/50"), cov("PIP", "50000")])),
        Example("03-brooklyn-accident-prevention-course.json",
                "Brooklyn minivan: IPIRP accident prevention course (10% on BI, PD, collision), "
                "anti-theft, additional PIP.", "accept",
                auto_quote("NY", "2026-02-20", 12, "six-pay",
                           applicant("Priya Shah", "512 7th Ave", "Brooklyn", "NY", "11215"),
                           [driver("Priya Shah", "1985-05-25", "2003-07-01", defensive="2024-11-02")],
                           [vehicle(2019, "Honda Odyssey", "pleasure", 7500, "11215", anti_theft=True)],
                           [cov("BI", "250/500"), cov("PD", "100000"), cov("UM", "250/500"), cov("PIP", "100000"),
                            cov("COMP", deductible="250"), cov("COLL", deductible="500")])),
    ]
    ex["tx-personal-auto"] = [
        Example("01-clean-standard.json", "Clean Austin commuter with a good credit tier, six-month term.",
                "accept",
                auto_quote("TX", "2026-02-01", 6, "two-pay",
                           applicant("Michael Johnson", "1603 S Congress Ave", "Austin", "TX", "78704"),
                           [driver("Michael Johnson", "1980-03-17", "1996-04-01")],
                           [vehicle(2024, "Hyundai Tucson", "commute", 13000, "78704")],
                           [cov("BI", "50/100"), cov("PD", "50000"), cov("UM", "50/100"), cov("MED", "5000"),
                            cov("COMP", deductible="500"), cov("COLL", deductible="500")], credit="good")),
        Example("02-referred-high-mileage.json",
                "Houston contractor, business pickup, 62,000 miles a year, one at-fault accident: referred.",
                "refer",
                auto_quote("TX", "2026-04-15", 12, "six-pay",
                           applicant("Carlos Hernandez", "2530 Rice Blvd", "Houston", "TX", "77005"),
                           [driver("Carlos Hernandez", "1995-08-08", "2012-09-01", accidents=[("2024-07-22", True, False)])],
                           [vehicle(2019, "Chevrolet Silverado", "business", 62000, "77005")],
                           [cov("BI", "100/300"), cov("PD", "100000"), cov("UM", "100/300"),
                            cov("COMP", deductible="1000"), cov("COLL", deductible="1000")], credit="fair")),
        Example("03-no-credit-renewal.json",
                "Dallas renewal with no credit tier (no-hit, rated neutral 1.00 by Texas law), "
                "liability only.", "accept",
                auto_quote("TX", "2026-03-15", 12, "pay-in-full",
                           applicant("Linda Nguyen", "1900 N Akard St", "Dallas", "TX", "75201"),
                           [driver("Linda Nguyen", "1959-10-05", "1976-01-20")],
                           [vehicle(2013, "Volkswagen Jetta", "pleasure", 5000, "75201")],
                           [cov("BI", "30/60"), cov("PD", "25000")], renewal=True)),
    ]
    ex["fl-personal-auto"] = [
        Example("01-clean-standard.json", "Clean Orlando commuter, six-month term, PIP with no deductible.",
                "accept",
                auto_quote("FL", "2026-01-20", 6, "pay-in-full",
                           applicant("Jennifer Walsh", "55 W Church St", "Orlando", "FL", "32801"),
                           [driver("Jennifer Walsh", "1986-09-09", "2003-10-10")],
                           [vehicle(2015, "Nissan Altima", "commute", 12000, "32801")],
                           [cov("BI", "25/50"), cov("PD", "25000"), cov("UM", "25/50"), cov("PIP", "10000", "0"),
                            cov("COMP", deductible="500"), cov("COLL", deductible="500")])),
        Example("02-declined-dui.json",
                "Fort Lauderdale driver with a DUI in the last three years: declined in Florida.", "decline",
                auto_quote("FL", "2026-02-10", 6, "pay-in-full",
                           applicant("Brian Foster", "401 E Las Olas Blvd", "Fort Lauderdale", "FL", "33301"),
                           [driver("Brian Foster", "1990-01-30", "2006-05-05", violations=[("2025-01-11", "dui")])],
                           [vehicle(2012, "Mazda3", "pleasure", 9000, "33301")],
                           [cov("BI", "10/20"), cov("PD", "10000"), cov("PIP", "10000", "1000")])),
        Example("03-miami-mature-driver.json",
                "Miami 63-year-old with an accident prevention course (mature driver discount), "
                "$250 PIP deductible.", "accept",
                auto_quote("FL", "2026-03-05", 12, "six-pay",
                           applicant("Roberto Alvarez", "1450 Brickell Ave", "Miami", "FL", "33131"),
                           [driver("Roberto Alvarez", "1962-04-14", "1979-06-01", defensive="2025-01-20")],
                           [vehicle(2022, "Toyota Camry", "commute", 9500, "33131", anti_theft=True)],
                           [cov("BI", "100/300"), cov("PD", "50000"), cov("UM", "100/300"), cov("PIP", "10000", "250"),
                            cov("COMP", deductible="500"), cov("COLL", deductible="1000")])),
        Example("04-referred-at-fault-accidents.json",
                "St. Petersburg driver with three at-fault accidents in three years: referred "
                "(accidents and risk score).", "refer",
                auto_quote("FL", "2026-05-20", 6, "two-pay",
                           applicant("Tasha Brooks", "200 Central Ave", "St. Petersburg", "FL", "33701"),
                           [driver("Tasha Brooks", "1997-06-18", "2014-07-30",
                                   accidents=[("2023-09-14", True, False), ("2024-12-02", True, True),
                                              ("2025-11-19", True, False)])],
                           [vehicle(2021, "Toyota Corolla", "commute", 15000, "33701")],
                           [cov("BI", "25/50"), cov("PD", "25000"), cov("PIP", "10000", "500"),
                            cov("COLL", deductible="1000")])),
    ]
    ex["il-personal-auto"] = [
        Example("01-clean-standard.json", "Clean Naperville commuter (DuPage, urban territory).", "accept",
                auto_quote("IL", "2026-02-01", 12, "pay-in-full",
                           applicant("Thomas Becker", "1120 S Washington St", "Naperville", "IL", "60540"),
                           [driver("Thomas Becker", "1977-12-12", "1994-01-15")],
                           [vehicle(2017, "Chevrolet Malibu", "commute", 12500, "60540")],
                           [cov("BI", "100/300"), cov("PD", "50000"), cov("UM", "100/300"), cov("MED", "5000"),
                            cov("COMP", deductible="500"), cov("COLL", deductible="500")])),
        Example("02-referred-dui-chicago.json", "Chicago (Cook, urban) driver with a DUI last year: referred.",
                "refer",
                auto_quote("IL", "2026-04-01", 6, "two-pay",
                           applicant("Sean Murphy", "2233 N Clark St", "Chicago", "IL", "60614"),
                           [driver("Sean Murphy", "1993-07-04", "2009-08-20", violations=[("2025-03-22", "dui")])],
                           [vehicle(2015, "Nissan Altima", "commute", 11000, "60614")],
                           [cov("BI", "25/50"), cov("PD", "20000"), cov("UM", "25/50")])),
        Example("03-rural-good-student.json",
                "Carbondale (Jackson County, rural territory) good student, 2008 Prius with a pre-2010 VIN.",
                "accept",
                auto_quote("IL", "2026-01-10", 6, "six-pay",
                           applicant("Emma Schultz", "610 S Illinois Ave", "Carbondale", "IL", "62901"),
                           [driver("Emma Schultz", "2004-03-03", "2020-04-10", good_student=True)],
                           [vehicle(2008, "Toyota Prius", "pleasure", 7000, "62901")],
                           [cov("BI", "25/50"), cov("PD", "20000"), cov("UM", "25/50"), cov("MED", "1000")])),
    ]
    return ex


def home_examples() -> dict[str, list[Example]]:
    ex: dict[str, list[Example]] = {}
    ex["ca-homeowners-ho3"] = [
        Example("01-standard-los-angeles.json", "1958 frame house in Los Angeles, $650,000 Coverage A, paid monthly.",
                "accept",
                home_quote("CA", "2026-02-15", "monthly",
                           applicant("Grace Park", "1842 Lucretia Ave", "Los Angeles", "CA", "90026"),
                           dwelling(1958, "frame", 2, 8, "asphalt-shingle", 1650, 650000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000")])),
        Example("02-referred-old-roof.json", "Sacramento house with a 22-year-old roof and one water claim: referred.",
                "refer",
                home_quote("CA", "2026-03-20", "quarterly",
                           applicant("Daniel Ortiz", "2716 K St", "Sacramento", "CA", "95814"),
                           dwelling(1972, "frame", 3, 22, "asphalt-shingle", 1480, 420000),
                           [cov("DWELLING", deductible="2500"), cov("LIABILITY", "100000")],
                           claims=[("2023-01-09", "water")])),
        Example("03-wood-shake-butte.json",
                "Chico house with a wood-shake roof (wildfire surcharge); no credit and no policy fee in California.",
                "accept",
                home_quote("CA", "2026-04-10", "pay-in-full",
                           applicant("Hannah Brooks", "1388 Manzanita Ave", "Chico", "CA", "95926"),
                           dwelling(1995, "frame", 4, 12, "wood-shake", 2100, 480000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000")])),
        Example("04-referred-high-value-marin.json",
                "Mill Valley home, $2,350,000 Coverage A: referred for high-value review.", "refer",
                home_quote("CA", "2026-05-01", "two-pay",
                           applicant("Richard Stone", "27 Cascade Dr", "Mill Valley", "CA", "94941"),
                           dwelling(2004, "masonry-veneer", 3, 12, "tile", 4200, 2350000),
                           [cov("DWELLING", deductible="5000"), cov("LIABILITY", "500000")])),
        Example("05-wildfire-mitigated-grass-valley.json",
                "Grass Valley house in a Firewise USA site with five of the 10 CCR 2644.9 measures; the "
                "insured accepted the earthquake offer (written by the California Earthquake Authority).",
                "accept",
                home_quote("CA", "2026-06-15", "pay-in-full",
                           applicant("Samuel Reyes", "412 Alta St", "Grass Valley", "CA", "95945"),
                           dwelling(2008, "frame", 4, 6, "asphalt-shingle", 1900, 520000,
                                    wildfire={"community": "firewise-usa",
                                              "measures": ["class-a-roof", "ember-resistant-zone",
                                                           "noncombustible-clearance", "ember-resistant-vents",
                                                           "enclosed-eaves"]}),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000")],
                           accepted=("EARTHQUAKE",))),
    ]
    ex["ny-homeowners-ho3"] = [
        Example("01-standard-westchester.json", "1948 colonial in Scarsdale, $780,000 Coverage A.", "accept",
                home_quote("NY", "2026-01-25", "pay-in-full",
                           applicant("Elizabeth Hale", "14 Brewster Rd", "Scarsdale", "NY", "10583"),
                           dwelling(1948, "frame", 2, 10, "asphalt-shingle", 2600, 780000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "500000")])),
        Example("02-declined-prior-claims.json", "Bronx house with three claims in five years: declined.",
                "decline",
                home_quote("NY", "2026-03-02", "quarterly",
                           applicant("Luis Martinez", "3320 Netherland Ave", "Bronx", "NY", "10463"),
                           dwelling(1930, "masonry", 1, 6, "flat", 1900, 520000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000")],
                           claims=[("2022-02-14", "water"), ("2023-08-30", "theft"), ("2025-01-05", "water")])),
        Example("03-brooklyn-rowhouse.json",
                "1899 masonry rowhouse in Park Slope (Brooklyn), new flat roof, $1,250,000 Coverage A.",
                "accept",
                home_quote("NY", "2026-04-18", "monthly",
                           applicant("Nora Feldman", "418 4th St", "Brooklyn", "NY", "11215"),
                           dwelling(1899, "masonry", 1, 4, "flat", 3200, 1250000),
                           [cov("DWELLING", deductible="2500"), cov("LIABILITY", "500000")])),
    ]
    ex["tx-homeowners-ho3"] = [
        Example("01-standard-austin.json", "2006 brick-veneer house in Austin, good credit tier.", "accept",
                home_quote("TX", "2026-02-05", "pay-in-full",
                           applicant("Megan Clark", "2105 Kenwood Ave", "Austin", "TX", "78704"),
                           dwelling(2006, "masonry-veneer", 3, 6, "asphalt-shingle", 2200, 480000),
                           [cov("DWELLING", deductible="2500"), cov("LIABILITY", "300000")], credit="good")),
        Example("02-referred-houston-old-roof.json",
                "1965 frame house in Houston, 21-year-old roof, poor credit tier: referred for the roof "
                "(never for credit alone).", "refer",
                home_quote("TX", "2026-03-12", "monthly",
                           applicant("James Wilson", "6418 Belmont St", "Houston", "TX", "77005"),
                           dwelling(1965, "frame", 4, 21, "asphalt-shingle", 1850, 390000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "100000")], credit="poor")),
        Example("03-no-credit-dallas.json",
                "Dallas house with no credit history: the no-hit tier rates exactly 1.00 (Ins. Code 559.052).",
                "accept",
                home_quote("TX", "2026-06-01", "two-pay",
                           applicant("Aisha Rahman", "2300 N Pearl St", "Dallas", "TX", "75201"),
                           dwelling(2015, "masonry-veneer", 2, 10, "metal", 2400, 350000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000")])),
    ]
    ex["fl-homeowners-ho3"] = [
        Example("01-standard-orlando.json", "1998 block house in Orlando (inland wind), 2% hurricane deductible.",
                "accept",
                home_quote("FL", "2026-01-30", "pay-in-full",
                           applicant("Kevin Dubois", "812 E Washington St", "Orlando", "FL", "32801"),
                           dwelling(1998, "masonry", 3, 7, "asphalt-shingle", 1900, 380000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000"), cov("HURRICANE", deductible="2%")])),
        Example("02-referred-old-home-roof.json",
                "1962 house in Fort Lauderdale with an 18-year-old roof: referred (old dwelling and roof); "
                "5% hurricane deductible.", "refer",
                home_quote("FL", "2026-04-02", "quarterly",
                           applicant("Patricia Gomez", "1120 SE 2nd St", "Fort Lauderdale", "FL", "33301"),
                           dwelling(1962, "masonry", 3, 18, "asphalt-shingle", 1700, 410000),
                           [cov("DWELLING", deductible="2500"), cov("LIABILITY", "100000"), cov("HURRICANE", deductible="5%")])),
        Example("03-key-west-500-hurricane.json",
                "Key West frame house (Monroe, the highest wind territory) with a metal roof and the $500 "
                "hurricane deductible every Florida policy must be offered.", "accept",
                home_quote("FL", "2026-05-15", "monthly",
                           applicant("William Sanders", "1025 Fleming St", "Key West", "FL", "33040"),
                           dwelling(1985, "frame", 4, 3, "metal", 1400, 560000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000"), cov("HURRICANE", deductible="500")])),
        Example("04-inland-10-percent.json", "Lakeland (Polk, inland) house with the 10% hurricane deductible.",
                "accept",
                home_quote("FL", "2026-07-01", "two-pay",
                           applicant("Olivia Carter", "520 S Florida Ave", "Lakeland", "FL", "33801"),
                           dwelling(2012, "masonry", 4, 14, "tile", 2050, 320000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000"), cov("HURRICANE", deductible="10%")])),
        Example("05-wind-mitigated-tampa.json",
                "2019 block house in Tampa with a hip roof, double wraps, impact-rated openings and a "
                "secondary water barrier (wind mitigation credits, Fla. Stat. 627.0629); law and ordinance "
                "at 25% taken, sinkhole rejected.", "accept",
                home_quote("FL", "2026-08-01", "pay-in-full",
                           applicant("Daniel Brooks", "3012 W San Nicholas St", "Tampa", "FL", "33629"),
                           dwelling(2019, "masonry", 2, 7, "asphalt-shingle", 2300, 450000,
                                    wind={"roof_shape": "hip", "roof_deck": "c", "roof_to_wall": "double-wraps",
                                          "opening_protection": "hurricane", "secondary_water_resistance": True}),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000"),
                            cov("HURRICANE", deductible="2%"), cov("ORDINANCE", "25%")])),
    ]
    ex["il-homeowners-ho3"] = [
        Example("01-standard-naperville.json", "1994 frame house in Naperville (DuPage, urban).", "accept",
                home_quote("IL", "2026-02-10", "pay-in-full",
                           applicant("Karen Lindqvist", "905 Sequoia Rd", "Naperville", "IL", "60540"),
                           dwelling(1994, "frame", 3, 9, "asphalt-shingle", 2500, 450000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "300000")])),
        Example("02-referred-rural-unprotected.json",
                "Rural Jackson County farmhouse in protection class 10: referred.", "refer",
                home_quote("IL", "2026-03-16", "quarterly",
                           applicant("Dale Hoffman", "8840 Old Route 13", "Carbondale", "IL", "62901"),
                           dwelling(1978, "frame", 10, 12, "metal", 1800, 260000),
                           [cov("DWELLING", deductible="2500"), cov("LIABILITY", "300000")])),
        Example("03-chicago-two-flat.json", "1912 masonry two-flat in Lincoln Park, Chicago (Cook, urban), new roof.",
                "accept",
                home_quote("IL", "2026-05-05", "monthly",
                           applicant("Marcus Bell", "2041 N Bissell St", "Chicago", "IL", "60614"),
                           dwelling(1912, "masonry", 2, 5, "flat", 2800, 690000),
                           [cov("DWELLING", deductible="1000"), cov("LIABILITY", "500000")])),
    ]
    return ex


def check_example(pack: Pack, ex: Example, state_zips: set[int]) -> None:
    """Cheap consistency checks: ZIPs of the state, options offered by the pack,
    required coverages present, plan divides the term, dates in 2026."""
    q = ex.quote
    where = f"{pack.dir_name}/{ex.file}"
    eff = date.fromisoformat(q["effective_date"])
    assert eff.year == 2026 and eff >= date.fromisoformat(RENEWAL if q.get("renewal") else NEW_BUSINESS), where
    zips = [q["applicant"]["address"]["zip"]] + [v["garaging_zip"] for v in q.get("vehicles", [])]
    for z in zips:
        assert int(z) in state_zips, f"{where}: ZIP {z} is not a {pack.state} ZIP"
    by_code = {c.code: c for c in pack.coverages}
    for c in q["coverages"]:
        pc = by_code[c["code"]]
        assert (c.get("limit") is None) == (not pc.limits) and (c.get("limit") is None or c["limit"] in pc.limits), (where, c)
        assert (c.get("deductible") is None) == (not pc.deductibles) and \
            (c.get("deductible") is None or c["deductible"] in pc.deductibles), (where, c)
    chosen = {c["code"] for c in q["coverages"]}
    for pc in pack.coverages:
        assert not pc.required or pc.code in chosen, f"{where}: required {pc.code} missing"
    plan = {p[0]: p[2] for p in pack.plans}[q["installment_plan"]]
    assert q["term_months"] in pack.terms and q["term_months"] % plan == 0, where
    for d in q.get("drivers", []):
        dob, lic = date.fromisoformat(d["date_of_birth"]), date.fromisoformat(d["license_date"])
        age_at_license = lic.year - dob.year - ((lic.month, lic.day) < (dob.month, dob.day))
        assert age_at_license >= 14 and lic <= eff, where
        for v in d.get("violations", []) + d.get("accidents", []):
            assert dob <= date.fromisoformat(v["date"]) <= eff, where
    for v in q.get("vehicles", []):
        if "vin" in v:
            vin = v["vin"]
            assert vin_check_digit(vin) == vin[8] and vin[9] == _YEAR_CODES[(v["year"] - 1980) % 30], where
            assert vin[6].isalpha() == (v["year"] >= 2010), where
    if "dwelling" in q:
        dw = q["dwelling"]
        assert dw["roof_age"] <= max(eff.year - dw["year_built"], 0) + 1, where
    if q.get("credit_tier") is not None:
        assert pack.state == "TX", where


def packs_readme(packs: list[Pack], examples: dict[str, list[Example]], zips) -> str:
    out = [
        "# Rate packs",
        "",
        "<!-- Generated by tools/packs/generate_packs.py; edit the generator, not this file. -->",
        "",
        "The rate packs bundled with the engine: personal auto and homeowners (HO-3) for",
        "California, New York, Texas, Florida and Illinois, in the format of",
        "[docs/rate-pack-format.md](../docs/rate-pack-format.md).",
        "",
        "**These rates are illustrative.** They are realistic in shape and size (coverages,",
        "limits, factor tables, a territory for every ZIP code, discounts, underwriting rules",
        "and a risk model as a filed program would have them, with premiums of a plausible",
        "magnitude) but they are not the filed rates of any insurer, and the filing",
        "references are made up. Do not use them to price real policies.",
        "",
        "| Pack | Filing | Tables | Territory rows | ZIPs in state |",
        "|---|---|---|---|---|",
    ]
    for p in packs:
        n = len({z for zs in zips[p.state].values() for z in zs})
        terr = next(t for t in p.tables if t.name == "territory")
        out.append(f"| `{p.dir_name}` | {p.filing[0]} ({p.filing[1]}) | {len(p.tables)} | {len(terr.rows)} | {n} |")
    out += [
        "",
        "Each pack directory holds `manifest.toml`, its CSV tables and, once signed, a",
        "`SIGNATURE`. `keys/` holds the development signing key (see",
        "[keys/README.md](keys/README.md)); `examples/` holds example quotes per pack.",
        "",
        "## How the packs are generated",
        "",
        "`tools/packs/generate_packs.py` (Python 3.11, standard library only) writes every",
        "pack and example from its own constants and `crates/rating/data/us-zips.txt`. It is",
        "deterministic: the same inputs give byte-identical files. It owns each pack directory",
        "and `examples/` except `SIGNATURE` files: anything else there is deleted on the next",
        "run, so change the generator, never the generated files.",
        "",
        "- **Territories** are one per county and cover every ZIP of the state in",
        "  `us-zips.txt` (ranges included). Named metropolitan counties have set factors",
        "  (Los Angeles, the five New York City boroughs, Harris, Miami-Dade, Cook, ...);",
        "  every other county gets a factor from a SHA-256 of its name, between 0.80 and 1.20",
        "  (Illinois: `U..` urban territories for Cook, DuPage, Lake, Will and Kane, `R..`",
        "  rural ones for every other county, between 0.80 and 1.00 for auto and 0.85 and",
        "  1.05 for home). County spelling variants in the source",
        "  (`St Lawrence`/`St. Lawrence`, `Dupage`/`DuPage`) share one territory. ZIPs with",
        "  no county get territory `00` at 1.00. Florida homeowners adds a hurricane",
        "  (`wind_territory`) table: coastal counties 1.10 to 3.20, inland 0.70 to 1.00.",
        "- **Personal auto**: BI, PD, UM, COMP, COLL and MED (PIP instead in New York and",
        "  Florida) per vehicle; annual base rates times driving record, annual miles, years",
        "  licensed (and driver age outside California), territory, use, vehicle age,",
        "  limit or deductible, credit tier (Texas) and term (six months = 0.50).",
        "- **Homeowners**: DWELLING from a base premium interpolated on Coverage A, times",
        "  territory, protection class and construction, dwelling age, roof age and type,",
        "  deductible (and credit in Texas); LIABILITY by limit; in Florida a HURRICANE",
        "  coverage with the $500, 2%, 5% and 10% deductibles.",
        "- State law the engine enforces is respected: no credit or driver age in California,",
        "  its mandatory factor order and Good Driver discount, a risk score that only",
        "  informs there; `no-hit` credit exactly 1.00 in Texas; PIP in New York and Florida.",
        "",
        "## Regenerating and re-signing",
        "",
        "```sh",
        "python3 tools/packs/generate_packs.py",
        "cargo run -p uw-cli -- pack validate rate-packs --draft    # before signing",
        "for pack in rate-packs/*/manifest.toml; do",
        "  dir=$(dirname \"$pack\")",
        "  cargo run -p uw-cli -- pack sign \"$dir\" --key rate-packs/keys/uw-dev-2026.key --key-id uw-dev-2026",
        "done",
        "cargo run -p uw-cli -- pack validate rate-packs",
        "```",
        "",
        "A pack is signed over its digest, so every changed pack must be re-signed (one pack:",
        "`cargo run -p uw-cli -- pack sign rate-packs/<pack> --key rate-packs/keys/uw-dev-2026.key",
        "--key-id uw-dev-2026`). Changed examples or packs also change the golden worksheets",
        "of `crates/rating/tests/golden.rs`, which must be reviewed.",
        "",
        "## Example quotes",
        "",
        "`examples/<pack>/*.json` are quotes in the JSON shape of `crates/rating/src/quote.rs`.",
        "Rate one with `cargo run -p uw-cli -- rate --quote rate-packs/examples/<pack>/<file>`. The",
        "expected decision is what the pack's underwriting rules and risk model give.",
        "",
    ]
    for p in packs:
        out += [f"### {p.dir_name}", "", "| File | Expected | Scenario |", "|---|---|---|"]
        for e in examples[p.dir_name]:
            out.append(f"| `{e.file}` | {e.expect} | {e.summary} |")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def write_dir(directory: Path, files: dict[str, str], keep: tuple[str, ...] = ()) -> None:
    """Makes `directory` hold exactly `files` (plus any of `keep`)."""
    directory.mkdir(parents=True, exist_ok=True)
    for entry in sorted(directory.iterdir()):
        if entry.is_file() and entry.name not in files and entry.name not in keep:
            entry.unlink()
    for name, text in sorted(files.items()):
        path = directory / name
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


def pack_files(pack: Pack) -> dict[str, str]:
    files = {"manifest.toml": render_manifest(pack)}
    for t in pack.tables:
        assert t.file not in files
        files[t.file] = t.csv_text()
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="rate-packs directory (default: %(default)s)")
    ap.add_argument("--zips", type=Path, default=DEFAULT_ZIPS, help="ZIP table (default: %(default)s)")
    args = ap.parse_args()

    zips = load_zips(args.zips)
    examples = {**auto_examples(), **home_examples()}
    packs = [auto_pack(zips, st) for st in STATES] + [home_pack(zips, st) for st in STATES]
    for pack in packs:
        state_zips = {z for zs in zips[pack.state].values() for z in zs}
        files = pack_files(pack)
        for t in pack.tables:
            if t.keys == [("zip", "exact")]:
                keys = {int(r[0]) for r in t.rows}
                assert keys == state_zips and len(t.rows) == len(state_zips), f"{pack.dir_name}/{t.file} misses ZIPs"
        write_dir(args.out / pack.dir_name, files, keep=(SIGNATURE,))
        exs = examples[pack.dir_name]
        assert len(exs) >= 3
        for e in exs:
            check_example(pack, e, state_zips)
        write_dir(args.out / "examples" / pack.dir_name,
                  {e.file: json.dumps(e.quote, indent=2, ensure_ascii=False) + "\n" for e in exs})
        terr = next(t for t in pack.tables if t.name == "territory")
        print(f"{pack.dir_name}: {len(files)} files, territory {len(terr.rows)} rows / "
              f"{len(state_zips)} {pack.state} ZIPs, {len(exs)} examples", file=sys.stderr)
    # examples/ holds only one directory per pack (the golden test reads each).
    examples_dir = args.out / "examples"
    for entry in sorted(examples_dir.iterdir()):
        if entry.is_file():
            entry.unlink()
        elif entry.name not in examples:
            for f in entry.iterdir():
                f.unlink()
            entry.rmdir()
    readme = args.out / "README.md"
    data = packs_readme(packs, examples, zips).encode("utf-8")
    if not readme.exists() or readme.read_bytes() != data:
        readme.write_bytes(data)


if __name__ == "__main__":
    main()
