//! A small page builder over printpdf's operation lists.
//!
//! All geometry is integer thousandths of a point ("millipoints", `i64`), measured from
//! the bottom-left corner of the page as PDF does. Only [`pt`] turns a length into the
//! `f32` points printpdf wants, so no other code here does floating-point arithmetic and
//! the layout is exact and the same on every machine. Money never comes near this module:
//! it arrives as already-formatted strings.

use printpdf::{
    Color, Greyscale, Line, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle, PdfPage, Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

use crate::font::{Face, Fonts};
use crate::DocumentError;

/// One point, in millipoints.
pub(crate) const PT: i64 = 1000;
/// US Letter.
pub(crate) const PAGE_WIDTH: i64 = 612 * PT;
pub(crate) const PAGE_HEIGHT: i64 = 792 * PT;
/// Three-quarter-inch margins left, right and top.
pub(crate) const MARGIN: i64 = 54 * PT;
pub(crate) const LEFT: i64 = MARGIN;
pub(crate) const RIGHT: i64 = PAGE_WIDTH - MARGIN;
pub(crate) const TOP: i64 = PAGE_HEIGHT - MARGIN;
/// Body text stops here; the footer lives below.
pub(crate) const BOTTOM: i64 = 66 * PT;

/// Converts a length in millipoints to printpdf's points.
#[allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // The one place geometry becomes f32; lengths here are < 2^24.
pub(crate) fn pt(millipoints: i64) -> Pt {
    Pt(millipoints as f32 / 1000.0)
}

/// Text colours. Constants, not computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ink {
    /// Body text.
    Text,
    /// Labels and small print.
    Muted,
    /// Title and section headings.
    Accent,
}

impl Ink {
    fn color(self) -> Color {
        match self {
            Ink::Text => Color::Greyscale(Greyscale::new(0.1, None)),
            Ink::Muted => Color::Greyscale(Greyscale::new(0.38, None)),
            Ink::Accent => Color::Rgb(Rgb::new(0.08, 0.23, 0.42, None)),
        }
    }
}

/// The height of a line of text of `size`, and where its baseline sits below the top.
pub(crate) fn line_height(size: i64) -> i64 {
    size * 13 / 10
}

/// DejaVu Sans rises about 0.93 em above the baseline and descends about 0.24 em.
fn baseline_drop(size: i64) -> i64 {
    size * 102 / 100
}

/// A document under construction: finished pages' operations and a cursor on the last.
#[derive(Debug)]
pub(crate) struct Builder {
    pub(crate) fonts: Fonts,
    pages: Vec<Vec<Op>>,
    /// The top of the next line box on the current page.
    pub(crate) y: i64,
    /// Where the body of the current page starts: nothing is moved off a page it
    /// would not fit on either.
    body_top: i64,
    /// Drawn at the top of every page after the first.
    running_head: String,
}

impl Builder {
    pub(crate) fn new(fonts: Fonts, running_head: String) -> Self {
        Self { fonts, pages: vec![Vec::new()], y: TOP, body_top: TOP, running_head }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page, with the running head, and puts the cursor under it.
    pub(crate) fn new_page(&mut self) -> Result<(), DocumentError> {
        self.pages.push(Vec::new());
        self.y = TOP;
        let head = self.running_head.clone();
        let size = 8 * PT;
        self.text(Face::Regular, size, Ink::Muted, LEFT, self.y - baseline_drop(size), &head)?;
        self.y -= line_height(size) + 2 * PT;
        self.rule(LEFT, RIGHT, self.y, PT / 2, 0.7);
        self.y -= 10 * PT;
        self.body_top = self.y;
        Ok(())
    }

    /// Makes room for `height` below the cursor, starting a new page if there is not.
    /// Returns whether it started one, so a table can repeat its header.
    pub(crate) fn ensure(&mut self, height: i64) -> Result<bool, DocumentError> {
        if self.y - height < BOTTOM && self.y < self.body_top {
            self.new_page()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Draws `text` with its baseline at `baseline`, starting at `x`.
    pub(crate) fn text(&mut self, face: Face, size: i64, ink: Ink, x: i64, baseline: i64, text: &str) -> Result<(), DocumentError> {
        if text.is_empty() {
            return Ok(());
        }
        // Measuring checks every character has a glyph before anything is drawn.
        self.fonts.width(face, size, text)?;
        self.fonts.record(face, text);
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor { col: ink.color() },
            Op::SetFont { font: PdfFontHandle::External(face.id()), size: pt(size) },
            Op::SetTextCursor { pos: Point { x: pt(x), y: pt(baseline) } },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]);
        Ok(())
    }

    /// Draws `text` so that it ends at `right`.
    pub(crate) fn text_right(
        &mut self,
        face: Face,
        size: i64,
        ink: Ink,
        right: i64,
        baseline: i64,
        text: &str,
    ) -> Result<(), DocumentError> {
        let width = self.fonts.width(face, size, text)?;
        self.text(face, size, ink, right - width, baseline, text)
    }

    /// Draws a line of text in a line box at the cursor and moves the cursor below it.
    pub(crate) fn line(&mut self, face: Face, size: i64, ink: Ink, x: i64, text: &str) -> Result<(), DocumentError> {
        self.ensure(line_height(size))?;
        let baseline = self.y - baseline_drop(size);
        self.text(face, size, ink, x, baseline, text)?;
        self.y -= line_height(size);
        Ok(())
    }

    /// Draws `text` wrapped to `width`, a line box at a time, breaking pages as needed.
    pub(crate) fn paragraph(&mut self, face: Face, size: i64, ink: Ink, x: i64, width: i64, text: &str) -> Result<(), DocumentError> {
        for line in self.wrap(face, size, width, text)? {
            self.line(face, size, ink, x, &line)?;
        }
        Ok(())
    }

    /// The baseline of the first line of a line box whose top is `top`.
    pub(crate) fn baseline(top: i64, size: i64) -> i64 {
        top - baseline_drop(size)
    }

    /// A horizontal rule at `y`, `thickness` thick, `grey` from 0 (black) to 1 (white).
    pub(crate) fn rule(&mut self, x1: i64, x2: i64, y: i64, thickness: i64, grey: f32) {
        let point = |x: i64| LinePoint { p: Point { x: pt(x), y: pt(y) }, bezier: false };
        self.ops().extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor { col: Color::Greyscale(Greyscale::new(grey, None)) },
            Op::SetOutlineThickness { pt: pt(thickness) },
            Op::DrawLine { line: Line { points: vec![point(x1), point(x2)], is_closed: false } },
            Op::RestoreGraphicsState,
        ]);
    }

    /// A dashed horizontal rule at `y`: a cutting guide.
    pub(crate) fn dashed_rule(&mut self, x1: i64, x2: i64, y: i64, grey: f32) {
        let point = |x: i64| LinePoint { p: Point { x: pt(x), y: pt(y) }, bezier: false };
        self.ops().extend([
            Op::SaveGraphicsState,
            Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &[4.0, 3.0]) },
            Op::SetOutlineColor { col: Color::Greyscale(Greyscale::new(grey, None)) },
            Op::SetOutlineThickness { pt: pt(PT / 2) },
            Op::DrawLine { line: Line { points: vec![point(x1), point(x2)], is_closed: false } },
            Op::RestoreGraphicsState,
        ]);
    }

    /// The outline of a rectangle whose top-left corner is (`x`, `top`).
    pub(crate) fn outline(&mut self, x: i64, top: i64, width: i64, height: i64, thickness: i64, grey: f32) {
        self.ops().extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor { col: Color::Greyscale(Greyscale::new(grey, None)) },
            Op::SetOutlineThickness { pt: pt(thickness) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: pt(x),
                    y: pt(top - height),
                    width: pt(width),
                    height: pt(height),
                    mode: Some(PaintMode::Stroke),
                    winding_order: Some(WindingOrder::NonZero),
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    /// A filled rectangle whose top-left corner is (`x`, `top`).
    pub(crate) fn shade(&mut self, x: i64, top: i64, width: i64, height: i64, grey: f32) {
        self.ops().extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: Color::Greyscale(Greyscale::new(grey, None)) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: pt(x),
                    y: pt(top - height),
                    width: pt(width),
                    height: pt(height),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    /// Breaks `text` into lines no wider than `width`: at spaces where it can, inside a
    /// word only when the word alone is too wide. Always at least one line.
    pub(crate) fn wrap(&self, face: Face, size: i64, width: i64, text: &str) -> Result<Vec<String>, DocumentError> {
        let mut lines = Vec::new();
        let mut current = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
            if self.fonts.width(face, size, &candidate)? <= width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            if self.fonts.width(face, size, word)? <= width {
                current = word.to_string();
                continue;
            }
            // A word wider than the column: break it between characters.
            for ch in word.chars() {
                let mut candidate = current.clone();
                candidate.push(ch);
                if !current.is_empty() && self.fonts.width(face, size, &candidate)? > width {
                    lines.push(std::mem::take(&mut current));
                    current.push(ch);
                } else {
                    current = candidate;
                }
            }
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(current);
        }
        Ok(lines)
    }

    /// The pages, each with `footer(page_number, page_count)` applied first.
    pub(crate) fn finish(
        mut self,
        mut footer: impl FnMut(&mut Self, usize, usize) -> Result<(), DocumentError>,
    ) -> Result<(Vec<PdfPage>, Fonts), DocumentError> {
        let count = self.pages.len();
        let bodies = std::mem::take(&mut self.pages);
        let mut pages = Vec::with_capacity(count);
        for (index, body) in bodies.into_iter().enumerate() {
            self.pages = vec![body];
            footer(&mut self, index + 1, count)?;
            let ops = std::mem::take(&mut self.pages).into_iter().flatten().collect();
            let page_box = Rect::from_wh(pt(PAGE_WIDTH), pt(PAGE_HEIGHT));
            pages.push(PdfPage { media_box: page_box.clone(), trim_box: page_box.clone(), crop_box: page_box, ops });
        }
        Ok((pages, self.fonts))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn builder() -> Builder {
        Builder::new(Fonts::load().unwrap(), "head".to_string())
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let b = builder();
        let size = 10 * PT;
        let text = "This is a proposal, not a policy. Coverage begins only when the policy is issued.";
        let width = 150 * PT;
        let lines = b.wrap(Face::Regular, size, width, text).unwrap();
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        for line in &lines {
            assert!(b.fonts.width(Face::Regular, size, line).unwrap() <= width, "{line}");
        }
    }

    #[test]
    fn breaks_a_word_too_wide_for_the_column() {
        let b = builder();
        let lines = b.wrap(Face::Regular, 10 * PT, 40 * PT, "ABCDEFGHIJKLMNOPQRSTUVWXYZ").unwrap();
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    }

    #[test]
    fn empty_text_is_one_empty_line() {
        assert_eq!(builder().wrap(Face::Regular, 10 * PT, 40 * PT, "").unwrap(), vec![String::new()]);
    }

    #[test]
    fn points_are_exact_for_whole_and_half_points() {
        assert_eq!(pt(612 * PT), Pt(612.0));
        assert_eq!(pt(PT / 2), Pt(0.5));
    }
}
