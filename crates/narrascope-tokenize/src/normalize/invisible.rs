/// Removes invisible characters that evaders insert inside words: zero-width space and joiners
/// (U+200B..U+200D), word joiner (U+2060), BOM / zero-width no-break space (U+FEFF), soft hyphen
/// (U+00AD), bidi controls (U+202A..U+202E, U+2066..U+2069), Arabic letter mark and LRM/RLM
/// (U+061C, U+200E, U+200F), Mongolian vowel separator (U+180E) and variation selectors
/// (U+FE00..U+FE0F, U+E0100..U+E01EF).
///
/// This step works on the whole text before segmentation and records where it removed
/// characters, so token spans still point into the original text.
#[derive(Debug, Clone, Copy, Default)]
pub struct InvisibleChars;

impl InvisibleChars {
    /// Whether `c` is removed by this step.
    #[inline]
    pub fn is_invisible(c: char) -> bool {
        matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
    }

    /// Whether `b` starts the UTF-8 encoding of some invisible character (test
    /// `lead_bytes_cover_every_invisible_character`).
    #[inline]
    fn is_lead_byte(b: u8) -> bool {
        matches!(b, 0xC2 | 0xD8 | 0xE1 | 0xE2 | 0xEF | 0xF3)
    }

    /// Byte offset of the first invisible character of `text`. Only the characters that start
    /// with one of the six lead bytes are decoded (lead bytes are never continuation bytes, so
    /// each is a character boundary): emoji, most Arabic letters and every other character pass
    /// on a byte comparison.
    #[inline]
    fn find_first(text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut from = 0;
        while let Some(j) = bytes[from..].iter().position(|&b| Self::is_lead_byte(b)) {
            let i = from + j;
            let c = text[i..].chars().next()?;
            if Self::is_invisible(c) {
                return Some(i);
            }
            from = i + c.len_utf8();
        }
        None
    }

    /// Writes `text` without invisible characters into `clean`, and into `shifts` one entry
    /// `(clean_offset, bytes_removed_so_far)` per removed run. Returns false (and leaves both
    /// empty) when there is nothing to remove.
    pub fn remove(&self, text: &str, clean: &mut String, shifts: &mut Vec<(u32, u32)>) -> bool {
        clean.clear();
        shifts.clear();
        // Every invisible character is outside ASCII; most texts are handled by this scan.
        if text.is_ascii() {
            return false;
        }
        let Some(first) = Self::find_first(text) else {
            return false;
        };
        clean.reserve(text.len());
        clean.push_str(&text[..first]);
        let mut removed = 0u32;
        let mut last_was_removed = false;
        for c in text[first..].chars() {
            if Self::is_invisible(c) {
                removed += c.len_utf8() as u32;
                if last_was_removed {
                    if let Some(last) = shifts.last_mut() {
                        last.1 = removed;
                    }
                } else {
                    shifts.push((clean.len() as u32, removed));
                }
                last_was_removed = true;
            } else {
                clean.push(c);
                last_was_removed = false;
            }
        }
        true
    }
}

/// Maps byte offsets of the cleaned text back to the original text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OffsetMap<'a> {
    pub shifts: &'a [(u32, u32)],
}

impl OffsetMap<'_> {
    /// Offset of a token start: characters removed just before it are skipped.
    #[inline]
    pub fn start(&self, p: usize) -> usize {
        if self.shifts.is_empty() {
            return p;
        }
        let i = self.shifts.partition_point(|&(c, _)| c as usize <= p);
        p + if i == 0 {
            0
        } else {
            self.shifts[i - 1].1 as usize
        }
    }
    /// Offset of a token end: characters removed just after it are not included.
    #[inline]
    pub fn end(&self, p: usize) -> usize {
        if self.shifts.is_empty() {
            return p;
        }
        let i = self.shifts.partition_point(|&(c, _)| (c as usize) < p);
        p + if i == 0 {
            0
        } else {
            self.shifts[i - 1].1 as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn removes_and_maps() {
        let text = "jo\u{200B}in \u{202E}us\u{FEFF}";
        let (mut clean, mut shifts) = (String::new(), Vec::new());
        assert!(InvisibleChars.remove(text, &mut clean, &mut shifts));
        assert_eq!(clean, "join us");
        let m = OffsetMap { shifts: &shifts };
        // "join" spans 0..4 in clean, 0..7 in the original
        assert_eq!(&text[m.start(0)..m.end(4)], "jo\u{200B}in");
        // "us" starts after the bidi override
        assert_eq!(&text[m.start(5)..m.end(7)], "us");
    }
    #[test]
    fn lead_bytes_cover_every_invisible_character() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let first = c.encode_utf8(&mut buf).as_bytes()[0];
            if InvisibleChars::is_invisible(c) {
                assert!(InvisibleChars::is_lead_byte(first), "{c:?}");
            }
        }
        // a lead byte is never a continuation byte, so it always starts a character
        assert!((0x80..0xC0).all(|b| !InvisibleChars::is_lead_byte(b)));
    }
    #[test]
    fn finds_the_first_invisible_character_after_lookalike_bytes() {
        // ‘ (E2 80 98), Arabic (D8 ..), ¡ (C2 A1), 😀 (F0 ..), ￼ (EF BF BC) come first
        let text = "‘quote’ \u{0627}\u{0644}\u{0633} ¡hola! 😀 \u{FFFC} x\u{200B}y \u{00AD}";
        assert_eq!(InvisibleChars::find_first(text), text.find('\u{200B}'));
        assert_eq!(InvisibleChars::find_first("‘quote’ \u{0627} 😀"), None);
        assert_eq!(InvisibleChars::find_first("\u{E0100}"), Some(0));
        assert_eq!(InvisibleChars::find_first("ab\u{061C}"), Some(2));
    }
    #[test]
    fn nothing_to_remove() {
        let (mut clean, mut shifts) = (String::new(), Vec::new());
        assert!(!InvisibleChars.remove("plain café", &mut clean, &mut shifts));
        assert!(shifts.is_empty());
    }
    #[test]
    fn variation_selectors_and_soft_hyphen() {
        let (mut clean, mut shifts) = (String::new(), Vec::new());
        InvisibleChars.remove("mar\u{00AD}tyr \u{2764}\u{FE0F}", &mut clean, &mut shifts);
        assert_eq!(clean, "martyr \u{2764}");
    }
}
