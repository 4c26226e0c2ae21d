//! The embedded DejaVu Sans faces: measuring text, and subsetting for embedding.
//!
//! printpdf 0.12 without its `text_layout` feature embeds whole font files (DejaVu Sans
//! is ~740 KiB a face). So layout measures text against the full faces, records every
//! character it draws, and only the glyphs of those characters are embedded: the subset
//! is made here with allsorts and handed to printpdf as if it were the whole font. The
//! subset keeps a Unicode cmap, so printpdf maps characters to the subset's glyph ids and
//! writes a correct /ToUnicode map (text stays searchable and copyable).

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use printpdf::{FontId, ParsedFont, PdfFont};

use crate::DocumentError;

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A face of the document's one typeface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    const ALL: [Face; 2] = [Face::Regular, Face::Bold];

    /// The PostScript name, as the font's own `name` table has it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR_TTF,
            Face::Bold => BOLD_TTF,
        }
    }

    /// The page resource name. Fixed, not printpdf's `FontId::new()`, which is a
    /// process-wide counter and would make two renderings of one proposal differ.
    pub(crate) fn id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => "UWSANS",
                Face::Bold => "UWBOLD",
            }
            .to_string(),
        )
    }
}

/// The full faces, for measuring, and the characters drawn with each so far.
#[derive(Debug)]
pub(crate) struct Fonts {
    faces: BTreeMap<Face, ParsedFont>,
    used: BTreeMap<Face, BTreeSet<char>>,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, DocumentError> {
        let mut faces = BTreeMap::new();
        for face in Face::ALL {
            faces.insert(face, parse(face, face.bytes())?);
        }
        Ok(Self { faces, used: BTreeMap::new() })
    }

    fn face(&self, face: Face) -> Result<&ParsedFont, DocumentError> {
        self.faces.get(&face).ok_or_else(|| DocumentError::Font { font: face.name(), reason: "face was not loaded".to_string() })
    }

    /// The advance width of `text` at `size`, both in thousandths of a point, or the
    /// first character the face has no glyph for.
    pub(crate) fn width(&self, face: Face, size: i64, text: &str) -> Result<i64, DocumentError> {
        let font = self.face(face)?;
        let mut units: i64 = 0;
        for ch in text.chars() {
            let gid = font
                .lookup_glyph_index(u32::from(ch))
                .filter(|gid| *gid != 0)
                .ok_or_else(|| DocumentError::UnsupportedCharacter { character: ch, font: face.name(), text: text.to_string() })?;
            units += i64::from(font.get_glyph_width(gid).unwrap_or(0));
        }
        let per_em = i64::from(font.units_per_em.max(1));
        Ok(units * size / per_em)
    }

    /// Notes that `text` is drawn with `face`, after [`Fonts::width`] accepted it.
    pub(crate) fn record(&mut self, face: Face, text: &str) {
        self.used.entry(face).or_default().extend(text.chars());
    }

    /// The subset of each face that was drawn with, ready for `PdfResources::fonts`.
    pub(crate) fn into_subsets(self) -> Result<Vec<(FontId, PdfFont)>, DocumentError> {
        let mut out = Vec::new();
        for (face, chars) in &self.used {
            let full = self.face(*face)?;
            // Glyph 0 (.notdef) first, then each used glyph once: allsorts requires both,
            // and renumbers glyphs by their position in this list.
            let used: BTreeSet<u16> =
                chars.iter().filter_map(|ch| full.lookup_glyph_index(u32::from(*ch))).filter(|gid| *gid != 0).collect();
            let glyphs: Vec<u16> = std::iter::once(0).chain(used).collect();
            let bytes = subset_bytes(*face, &glyphs)?;
            let mut font = parse(*face, &bytes)?;
            // ISO 32000-1 9.6.4: a subset's name starts with a six-letter tag. It is
            // derived from the glyph list, so it is the same for the same text.
            font.font_name = Some(format!("{}+{}", subset_tag(&glyphs), face.name()));
            out.push((face.id(), PdfFont::new(font)));
        }
        Ok(out)
    }
}

fn parse(face: Face, bytes: &[u8]) -> Result<ParsedFont, DocumentError> {
    let mut warnings = Vec::new();
    let font = ParsedFont::from_bytes(bytes, 0, &mut warnings);
    match font {
        Some(font) if font.units_per_em > 0 && !font.codepoint_to_glyph.is_empty() => Ok(font),
        _ => Err(DocumentError::Font {
            font: face.name(),
            reason: if warnings.is_empty() {
                "not a usable TrueType font".to_string()
            } else {
                warnings.iter().map(|w| w.message.as_str()).collect::<Vec<_>>().join("; ")
            },
        }),
    }
}

fn subset_bytes(face: Face, glyphs: &[u16]) -> Result<Vec<u8>, DocumentError> {
    let failed = |reason: String| DocumentError::FontSubset { font: face.name(), reason };
    let data = ReadScope::new(face.bytes()).read::<FontData<'_>>().map_err(|e| failed(e.to_string()))?;
    let provider = data.table_provider(0).map_err(|e| failed(e.to_string()))?;
    subset(&provider, glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| failed(e.to_string()))
}

/// Six uppercase letters from an FNV-1a hash of the glyph list.
fn subset_tag(glyphs: &[u16]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in glyphs.iter().flat_map(|g| g.to_be_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (hash % 26) as u8);
            hash /= 26;
            letter
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn measures_with_the_real_advances() {
        let fonts = Fonts::load().unwrap();
        // DejaVu Sans: 2048 units per em; "0" advances 1303 units.
        assert_eq!(fonts.width(Face::Regular, 2048, "00").unwrap(), 2 * 1303);
        assert!(fonts.width(Face::Bold, 10_000, "Total").unwrap() > fonts.width(Face::Regular, 10_000, "Total").unwrap());
        assert_eq!(fonts.width(Face::Regular, 10_000, "").unwrap(), 0);
    }

    #[test]
    fn a_character_without_a_glyph_is_named() {
        let fonts = Fonts::load().unwrap();
        let err = fonts.width(Face::Regular, 10_000, "Li 李").unwrap_err();
        match err {
            DocumentError::UnsupportedCharacter { character, font, text } => {
                assert_eq!((character, font, text.as_str()), ('李', "DejaVuSans", "Li 李"));
            }
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn subsets_are_small_and_keep_a_unicode_cmap() {
        let mut fonts = Fonts::load().unwrap();
        fonts.record(Face::Regular, "Hello, $1,234.56 •");
        let subsets = fonts.into_subsets().unwrap();
        assert_eq!(subsets.len(), 1, "only faces that were drawn with are embedded");
        let (id, font) = &subsets[0];
        assert_eq!(id.0, "UWSANS");
        assert!(font.parsed_font.original_bytes.len() < 60_000, "{} bytes", font.parsed_font.original_bytes.len());
        for ch in "Hello, $1,234.56 •".chars() {
            assert!(font.parsed_font.lookup_glyph_index(u32::from(ch)).is_some_and(|g| g != 0), "{ch:?}");
        }
        let name = font.parsed_font.font_name.clone().unwrap();
        assert!(name.ends_with("+DejaVuSans") && name.len() == "XXXXXX+DejaVuSans".len(), "{name}");
    }
}
