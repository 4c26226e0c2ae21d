"""The declarations page of crates/documents/benches/documents.rs, drawn with
reportlab (the mainstream Python PDF generator) for comparison: same page,
same data, same embedded DejaVu fonts (reportlab subsets TrueType fonts as we
do), compressed streams. Run by scripts/bench-documents.sh.

    python declarations_reportlab.py FONT_DIR OUT.pdf [ITERATIONS]

Prints the median and the mean render time in milliseconds.
"""
from __future__ import annotations

import statistics
import sys
import time
from io import BytesIO

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

PT = 1.0
LEFT, RIGHT, TOP = 54, 612 - 54, 792 - 54

COVERAGES = [
    ("Bodily injury liability (2020 Honda Civic)", "100/300", "—", "$412.00"),
    ("Property damage liability (2020 Honda Civic)", "100", "—", "$236.00"),
    ("Uninsured motorist (2020 Honda Civic)", "100/300", "—", "$88.00"),
    ("Comprehensive (2020 Honda Civic)", "—", "500", "$164.00"),
    ("Collision (2020 Honda Civic)", "—", "500", "$304.00"),
    ("Bodily injury liability (2018 Toyota RAV4)", "100/300", "—", "$398.00"),
    ("Property damage liability (2018 Toyota RAV4)", "100", "—", "$221.00"),
    ("Comprehensive (2018 Toyota RAV4)", "—", "250", "$121.00"),
    ("Collision (2018 Toyota RAV4)", "—", "500", "$287.00"),
]


def render() -> bytes:
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=letter, pageCompression=1, invariant=1)
    c.setTitle("Declarations, policy CA-PA-2026-000042")
    y = TOP

    def text(font: str, size: float, x: float, s: str, grey: float = 0.1) -> None:
        c.setFillGray(grey)
        c.setFont(font, size)
        c.drawString(x, y, s)

    def right(font: str, size: float, x: float, s: str) -> None:
        c.setFillGray(0.1)
        c.setFont(font, size)
        c.drawRightString(x, y, s)

    def rule(width: float = 0.5, grey: float = 0.82) -> None:
        c.setStrokeGray(grey)
        c.setLineWidth(width)
        c.line(LEFT, y - 3, RIGHT, y - 3)

    def heading(s: str) -> None:
        nonlocal y
        y -= 22
        c.setFillColorRGB(0.08, 0.23, 0.42)
        c.setFont("DejaVu-Bold", 11)
        c.drawString(LEFT, y, s)
        y -= 16

    c.setFillColorRGB(0.08, 0.23, 0.42)
    c.setFont("DejaVu-Bold", 18)
    c.drawString(LEFT, y - 18, "Declarations")
    y -= 36
    right("DejaVu-Bold", 9.5, RIGHT, "Personal auto · CA")
    text("DejaVu", 9.5, LEFT, "Policy CA-PA-2026-000042", 0.38)
    rule(1.5, 0.25)
    y -= 20
    for a, b, cc, d in [
        ("Policy number", "CA-PA-2026-000042", "Issued", "June 1, 2026"),
        ("Policy period", "June 1, 2026 to June 1, 2027", "Time", "12:01 a.m. standard time"),
        ("Product", "Personal auto", "State", "CA"),
    ]:
        text("DejaVu", 9.5, LEFT, a, 0.38)
        text("DejaVu-Bold", 9.5, LEFT + 88, b)
        text("DejaVu", 9.5, LEFT + 262, cc, 0.38)
        text("DejaVu-Bold", 9.5, LEFT + 350, d)
        y -= 15
    heading("Named insured")
    for font, s in [("DejaVu-Bold", "Dana Q. Whitfield"), ("DejaVu", "1402 Larkspur Lane"), ("DejaVu", "Sacramento, CA 95814")]:
        text(font, 9.5, LEFT, s)
        y -= 12
    heading("Drivers")
    c.setFillGray(0.93)
    c.rect(LEFT, y - 4, RIGHT - LEFT, 14, stroke=0, fill=1)
    text("DejaVu-Bold", 8.5, LEFT + 4, "Driver", 0.38)
    text("DejaVu-Bold", 8.5, LEFT + 292, "License", 0.38)
    y -= 15
    for name, licence in [("Dana Q. Whitfield", "CA ••••1234"), ("Marcus Whitfield", "CA ••••9876")]:
        text("DejaVu", 9.5, LEFT + 4, name)
        text("DejaVu", 9.5, LEFT + 292, licence)
        rule()
        y -= 15
    heading("Vehicles")
    for v in ["2020 Honda Civic, VIN •••••••••••••2345", "2018 Toyota RAV4, VIN •••••••••••••8811"]:
        text("DejaVu", 9.5, LEFT + 4, v)
        y -= 12
    heading("Coverages")
    c.setFillGray(0.93)
    c.rect(LEFT, y - 4, RIGHT - LEFT, 14, stroke=0, fill=1)
    for x, s in [(LEFT + 4, "Coverage"), (LEFT + 208, "Limit"), (LEFT + 330, "Deductible")]:
        text("DejaVu-Bold", 8.5, x, s, 0.38)
    right("DejaVu-Bold", 8.5, RIGHT - 4, "Premium")
    y -= 15
    for name, limit, deductible, premium in COVERAGES:
        text("DejaVu", 9.5, LEFT + 4, name)
        text("DejaVu", 9.5, LEFT + 208, limit)
        text("DejaVu", 9.5, LEFT + 330, deductible)
        right("DejaVu", 9.5, RIGHT - 4, premium)
        rule()
        y -= 15
    text("DejaVu", 9.5, LEFT + 4, "Policy fee")
    right("DejaVu", 9.5, RIGHT - 4, "$25.00")
    rule()
    y -= 17
    text("DejaVu-Bold", 10.5, LEFT + 4, "Total premium for the term")
    right("DejaVu-Bold", 10.5, RIGHT - 4, "$2,256.00")
    rule(1, 0.2)
    heading("Discounts")
    text("DejaVu", 9.5, LEFT + 4, "Good driver 20%")
    text("DejaVu", 9.5, LEFT + 252, "Bodily injury, Property damage, Collision")
    y -= 15
    heading("Installment schedule")
    for s, amount in [("Payment 1 due 2026-06-01", "$1,128.00"), ("Payment 2 due 2026-12-01", "$1,128.00")]:
        text("DejaVu", 9.5, LEFT + 4, s)
        right("DejaVu", 9.5, RIGHT - 4, amount)
        rule()
        y -= 15
    heading("Notices")
    text("DejaVu", 8, LEFT, "Read your policy carefully. This declarations page is part of it.")
    y = 38
    text("DejaVu", 7.5, LEFT, "Policy CA-PA-2026-000042 · Issued June 1, 2026 · Rated with rate pack ca-personal-auto@2026.1", 0.38)
    right("DejaVu", 7.5, RIGHT, "Page 1 of 1")
    c.showPage()
    c.save()
    return out.getvalue()


def main() -> None:
    font_dir, out = sys.argv[1], sys.argv[2]
    iterations = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    pdfmetrics.registerFont(TTFont("DejaVu", f"{font_dir}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", f"{font_dir}/DejaVuSans-Bold.ttf"))
    pdf = render()
    with open(out, "wb") as f:
        f.write(pdf)
    for _ in range(20):
        render()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    print(f"reportlab: {len(pdf)} bytes; median {statistics.median(times):.3f} ms, mean {statistics.mean(times):.3f} ms over {iterations} renders")


if __name__ == "__main__":
    main()
