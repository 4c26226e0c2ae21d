//! Taking customers' personal data out of text that leaves the organisation
//! (support bundles): the values a store holds are replaced wherever they
//! appear, and what looks like an e-mail address, a telephone number, a VIN
//! or a licence number is replaced even when nobody knew it.

use serde_json::Value;

/// Members of a rating input or a customer record whose text is personal
/// (with `number` inside `licenses`).
const PERSONAL_MEMBERS: &[&str] = &["name", "street", "city", "date_of_birth", "vin", "email", "phone", "signed_by"];

/// What replaces a personal value.
pub const REDACTED: &str = "[redacted]";

/// The personal values to take out of text, and the patterns.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    /// Lowercase, longest first when applied.
    known: Vec<String>,
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// A personal value, and each word of it of three letters or more (a
    /// log line may name only the surname).
    pub fn add(&mut self, value: &str) {
        let value = value.trim();
        if value.chars().count() < 3 {
            return;
        }
        self.known.push(value.to_lowercase());
        for word in value.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3) {
            self.known.push(word.to_lowercase());
        }
    }

    /// Every personal value of a JSON document (a quote input, a customer, an
    /// outbox payload), wherever it sits.
    pub fn add_document(&mut self, document: &Value) {
        self.walk(document, None);
    }

    fn walk(&mut self, value: &Value, parent: Option<&str>) {
        match value {
            Value::Object(members) => {
                for (key, member) in members {
                    match member {
                        Value::String(text)
                            if PERSONAL_MEMBERS.contains(&key.as_str()) || (key == "number" && parent == Some("licenses")) =>
                        {
                            self.add(text);
                        }
                        _ => self.walk(member, Some(key)),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.walk(item, parent)),
            _ => {}
        }
    }

    /// The values known so far.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// `text` with every known value (ignoring case) and every e-mail
    /// address, telephone number, VIN and licence-like number replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut known: Vec<&String> = self.known.iter().collect();
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
        known.dedup();
        let mut out = text.to_owned();
        for value in known {
            out = replace_ignoring_case(&out, value);
        }
        redact_patterns(&out)
    }

    /// Every string in `document` (a support bundle) [`Redactor::redact`]ed, in place.
    pub fn redact_strings(&self, document: &mut Value) {
        match document {
            Value::String(text) => *text = self.redact(text),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_strings(v)),
            Value::Object(members) => members.values_mut().for_each(|v| self.redact_strings(v)),
            _ => {}
        }
    }
}

/// `text` with each whole-word occurrence of `lower_needle` (ignoring
/// case) replaced: "Ann" goes, "annual" stays.
fn replace_ignoring_case(text: &str, lower_needle: &str) -> String {
    let lower = text.to_lowercase();
    // Lowercasing can change lengths outside ASCII: then match on the text as is.
    let haystack = if lower.len() == text.len() { lower.as_str() } else { text };
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut from = 0;
    while let Some(found) = haystack[from..].find(lower_needle) {
        let start = from + found;
        let end = start + lower_needle.len();
        if word(text[..start].chars().next_back()) || word(text[end..].chars().next()) {
            from = start + lower_needle.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(REDACTED);
        at = end;
        from = end;
    }
    out.push_str(&text[at..]);
    out
}

/// E-mail addresses, telephone numbers, and uppercase letter-and-digit
/// tokens of 7 to 17 characters with at least four digits (VINs, licence
/// numbers); request ids (lowercase hex) and quote numbers are kept.
fn redact_patterns(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // A token: a run of characters that are not whitespace or quoting.
        if is_token_char(chars[i]) {
            let start = i;
            while i < chars.len() && is_token_char(chars[i]) {
                i += 1;
            }
            let token: String = chars[start..i].iter().collect();
            out.push_str(&redact_token(&token));
            continue;
        }
        // A telephone number may hold spaces and parentheses: ten digits or
        // more with separators only between them.
        if chars[i] == '(' || chars[i].is_ascii_digit() {
            let (end, digits) = phone_span(&chars, i);
            if digits >= 10 {
                out.push_str(REDACTED);
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '@' | '.' | '_' | '+' | '-')
}

fn redact_token(token: &str) -> String {
    let core = token.trim_end_matches('.');
    if let Some((local, domain)) = core.split_once('@') {
        if !local.is_empty() && domain.contains('.') {
            return format!("{REDACTED}{}", &token[core.len()..]);
        }
    }
    let digits = core.chars().filter(char::is_ascii_digit).count();
    let alnum = core.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let letters = core.chars().any(|c| c.is_ascii_uppercase());
    if alnum && letters && (7..=17).contains(&core.len()) && digits >= 4 {
        return format!("{REDACTED}{}", &token[core.len()..]);
    }
    // Ten digits or more, with dashes or dots between groups: a telephone number.
    if core.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '.') && digits >= 10 && core.contains(['-', '.']) {
        return REDACTED.to_owned();
    }
    token.to_owned()
}

/// From `start`, the end of a run of digits, spaces, dashes, dots and
/// parentheses, and the digits in it.
fn phone_span(chars: &[char], start: usize) -> (usize, usize) {
    let mut end = start;
    let mut digits = 0;
    while end < chars.len() && (chars[end].is_ascii_digit() || matches!(chars[end], ' ' | '-' | '.' | '(' | ')')) {
        digits += usize::from(chars[end].is_ascii_digit());
        end += 1;
    }
    while end > start && !chars[end - 1].is_ascii_digit() {
        end -= 1;
    }
    (end, digits)
}

#[cfg(test)]
mod tests {
    use super::Redactor;

    #[test]
    fn known_values_and_patterns_are_taken_out_and_ids_are_kept() {
        let mut r = Redactor::new();
        r.add_document(&serde_json::json!({
            "quote": { "applicant": { "name": "Maria Delgado", "address": { "street": "2417 Echo Park Ave", "city": "Los Angeles" } },
                       "vehicles": [{ "vin": "1HGCV1F39LA151313", "year": 2020 }] },
            "licenses": [{ "number": "D7654321", "state": "CA" }],
            "contact": { "email": "maria.delgado@example.com", "phone": "(213) 555-0142" }
        }));
        let line = "rated QUOT-2026-000042 for MARIA delgado at 2417 Echo Park Ave (vin 1HGCV1F39LA151313, licence D7654321) \
                    mail maria.delgado@example.com or (213) 555-0142 or 213-555-0199; bob@example.org; request_id=9f3ac0de51b2";
        let out = r.redact(line);
        for gone in [
            "MARIA",
            "delgado",
            "Echo Park",
            "1HGCV1F39LA151313",
            "D7654321",
            "maria.delgado@example.com",
            "555-0142",
            "555-0199",
            "bob@example.org",
        ] {
            assert!(!out.to_lowercase().contains(&gone.to_lowercase()), "{gone} in {out}");
        }
        for kept in ["QUOT-2026-000042", "request_id=9f3ac0de51b2", "rated"] {
            assert!(out.contains(kept), "{kept} not in {out}");
        }
        // A short name is taken out as a word, not inside other words.
        let mut ann = Redactor::new();
        ann.add("Ann Lee");
        assert_eq!(ann.redact("Ann paid the annual premium; ANN LEE called"), "[redacted] paid the annual premium; [redacted] called");
    }

    #[test]
    fn an_unknown_vin_or_licence_is_taken_out_by_its_shape() {
        let out = Redactor::new().redact("vehicle 2T1BURHE0JC074281 driver B1234567 year 2019 zip 90026");
        assert_eq!(out, "vehicle [redacted] driver [redacted] year 2019 zip 90026");
    }
}
