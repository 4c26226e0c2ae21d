//! Turning laid-out pages into deterministic PDF bytes.

use printpdf::date::{Date as PdfDate, DateTime, Offset, Time};
use printpdf::{FontId, PdfDocument, PdfFont, PdfPage, PdfParseErrorSeverity, PdfSaveOptions};

use crate::DocumentError;

/// The document information dictionary's text fields.
#[derive(Debug)]
pub(crate) struct Info {
    pub(crate) title: String,
    pub(crate) subject: String,
    pub(crate) identifier: String,
    /// Both the creation and the modification date, at midnight UTC.
    pub(crate) date: time::Date,
}

/// Saves `pages` with `fonts` as PDF bytes that depend on nothing but the arguments.
///
/// printpdf 0.12 puts two random strings in the trailer `/ID` (and `FontId::new()` is
/// random too, which the fonts avoid by using fixed ids). So the document is saved once
/// with a placeholder `/ID`, the bytes are hashed, and it is saved again with the hash
/// as its `/ID`: a content fingerprint, as ISO 32000-1 14.4 suggests.
pub(crate) fn save(pages: Vec<PdfPage>, fonts: Vec<(FontId, PdfFont)>, info: Info) -> Result<Vec<u8>, DocumentError> {
    let mut doc = PdfDocument::new(&info.title);
    let date = DateTime::new_in_offset(
        PdfDate { year: info.date.year(), month: u8::from(info.date.month()), day: info.date.day() },
        Time { hour: 0, minute: 0, second: 0, millisecond: 0 },
        Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
    );
    let meta = &mut doc.metadata.info;
    meta.creation_date = date;
    meta.modification_date = date;
    meta.metadata_date = date;
    meta.subject = info.subject;
    meta.identifier = info.identifier;
    meta.creator = "uw-documents".to_string();
    meta.producer = "uw-documents with printpdf 0.12".to_string();
    doc.resources.fonts.map.extend(fonts);
    doc.with_pages(pages);

    // subset_fonts only has an effect with printpdf's text_layout feature; the fonts
    // arrive already subset (see font.rs).
    let options = PdfSaveOptions { optimize: true, subset_fonts: false, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&options, &mut warnings);
    let errors: Vec<String> =
        warnings.iter().filter(|w| w.severity == PdfParseErrorSeverity::Error).map(|w| format!("page {}: {}", w.page, w.msg)).collect();
    if !errors.is_empty() {
        return Err(DocumentError::Pdf(errors.join("; ")));
    }
    pdf.compress();

    let mut bytes = Vec::new();
    let mut id = "0".repeat(32);
    for pass in 0..2 {
        if pass == 1 {
            id = fnv1a_128_hex(&bytes);
        }
        let entries = pdf
            .trailer
            .get_mut(b"ID")
            .and_then(|object| object.as_array_mut())
            .map_err(|e| DocumentError::Pdf(format!("the trailer has no /ID array: {e}")))?;
        for entry in entries.iter_mut() {
            let string = entry.as_str_mut().map_err(|e| DocumentError::Pdf(format!("a trailer /ID entry is not a string: {e}")))?;
            string.clear();
            string.extend_from_slice(id.as_bytes());
        }
        bytes.clear();
        pdf.save_to(&mut bytes).map_err(|e| DocumentError::Pdf(e.to_string()))?;
    }
    Ok(bytes)
}

/// FNV-1a, 128 bits, as 32 lowercase hex digits. Not cryptographic: an identifier.
fn fnv1a_128_hex(bytes: &[u8]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = bytes.iter().fold(OFFSET, |hash, byte| (hash ^ u128::from(*byte)).wrapping_mul(PRIME));
    format!("{hash:032x}")
}

#[cfg(test)]
mod tests {
    use super::fnv1a_128_hex;

    #[test]
    fn fnv_reference_values() {
        // Published FNV-1a 128-bit test vectors.
        assert_eq!(fnv1a_128_hex(b""), "6c62272e07bb014262b821756295c58d");
        assert_eq!(fnv1a_128_hex(b"a"), "d228cb696f1a8caf78912b704e4a8964");
    }
}
