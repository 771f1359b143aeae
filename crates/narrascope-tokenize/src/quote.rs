//! Quotation spans: the parts of a text between matching quotation marks.
//!
//! Reporting and counter-speech quote propaganda ("'The kuffar tremble', says an account
//! nobody follows") where propaganda asserts it; the words are the same, the quotation marks
//! are not. [`quoted_spans`] finds the quoted parts so that tokens inside them can carry
//! [`crate::flags::QUOTED`].
//!
//! Rules, chosen to be cheap and conservative (an unclosed quotation marks nothing):
//!
//! - Double marks (`"` `“` `”` `„` `«` `»`) toggle: the first opens, the next closes, which
//!   covers English “…”, German „…“, French « … » and straight "…".
//! - Single marks (`'` `‘` `’` `‚`) open only at the start of a word (after white space, an
//!   opening bracket, a dash or a double mark, before a letter or digit) and close only at the
//!   end of one (after a non-space, before white space, punctuation or the end). An apostrophe
//!   between two letters (`don't`, `l'état`) is neither.
//! - Invisible characters (zero-width spaces and the like) are skipped.
//! - A blank line (two line breaks) ends any open quotation without marking it, and so does
//!   a quotation longer than [`MAX_QUOTE_BYTES`].

use crate::normalize::invisible::InvisibleChars;

/// Longest quotation (bytes) that is still marked; longer "quotations" are almost always a
/// missing closing mark.
pub const MAX_QUOTE_BYTES: usize = 2000;

fn is_double(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

fn is_single(c: char) -> bool {
    matches!(c, '\'' | '‘' | '’' | '‚')
}

/// Whether `text` holds any quotation mark at all (a fast pre-check on bytes).
#[inline]
pub fn has_quote_marks(text: &str) -> bool {
    // '"' and '\'' are ASCII; the others start with 0xE2 (U+2018..U+201E) or 0xC2 (« »)
    text.bytes()
        .any(|b| matches!(b, b'"' | b'\'' | 0xE2 | 0xC2))
        && text.chars().any(|c| is_double(c) || is_single(c))
}

/// Appends to `out` the byte ranges `(start, end)` of `text` enclosed by matching quotation
/// marks (marks excluded), in text order. Double and single quotations are tracked
/// separately, so a single quotation inside a double one is found as well.
pub fn quoted_spans(text: &str, out: &mut Vec<(usize, usize)>) {
    let mut double: Option<usize> = None;
    let mut single: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut newlines = 0u8;
    // invisible characters (zero-width spaces...) are transparent, as for the tokenizer
    let mut it = text
        .char_indices()
        .filter(|&(_, c)| !InvisibleChars::is_invisible(c))
        .peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        let after = i + c.len_utf8();
        if c == '\n' {
            newlines += 1;
            if newlines >= 2 {
                double = None;
                single = None;
            }
        } else if !c.is_whitespace() {
            newlines = 0;
        }
        if is_double(c) {
            match double.take() {
                Some(start) => {
                    push(out, start, i);
                    // a single quotation cannot outlive the double one it started in
                    if single.is_some_and(|s| s > start) {
                        single = None;
                    }
                }
                None => double = Some(after),
            }
        } else if is_single(c) {
            let prev_word = prev.is_some_and(|p| p.is_alphanumeric());
            let next_word = next.is_some_and(|n| n.is_alphanumeric());
            if prev_word && next_word {
                // apostrophe inside a word
            } else if single.is_none() {
                let opens_after = prev.is_none_or(|p| {
                    p.is_whitespace()
                        || matches!(p, '(' | '[' | '{' | '-' | '–' | '—' | ':')
                        || is_double(p)
                });
                if opens_after && (next_word || next.is_some_and(is_double)) {
                    single = Some(after);
                }
            } else if prev.is_some_and(|p| !p.is_whitespace())
                && next.is_none_or(|n| !n.is_alphanumeric())
            {
                if let Some(start) = single.take() {
                    push(out, start, i);
                }
            }
        }
        for open in [&mut double, &mut single] {
            if open.is_some_and(|s| after - s > MAX_QUOTE_BYTES) {
                *open = None;
            }
        }
        prev = Some(c);
    }
    out.sort_unstable();
}

fn push(out: &mut Vec<(usize, usize)>, start: usize, end: usize) {
    if end > start {
        out.push((start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        quoted_spans(text, &mut spans);
        spans.iter().map(|&(a, b)| &text[a..b]).collect()
    }

    #[test]
    fn double_marks_of_several_languages() {
        assert_eq!(quoted(r#"He said "join us" and left."#), ["join us"]);
        assert_eq!(quoted("Sie schrieb „komm zu uns“ dazu."), ["komm zu uns"]);
        assert_eq!(
            quoted("Il écrit « viens » puis « reste »."),
            [" viens ", " reste "]
        );
        assert_eq!(
            quoted("“The state is a home.” Nobody believes it."),
            ["The state is a home."]
        );
    }

    #[test]
    fn single_marks_and_apostrophes() {
        assert_eq!(
            quoted("'The kuffar tremble at our name.' Brother, nobody's trembling."),
            ["The kuffar tremble at our name."]
        );
        assert_eq!(
            quoted("They call it 'justice', I call it fear."),
            ["justice"]
        );
        assert_eq!(quoted("don't, l'état, qu'il"), Vec::<&str>::new());
        // a possessive outside a quotation marks nothing
        assert_eq!(quoted("the brothers' beard is long"), Vec::<&str>::new());
        assert_eq!(
            quoted("He said “they call it ‘hijrah’ there”."),
            ["they call it ‘hijrah’ there", "hijrah"]
        );
        // a double quotation inside a single one, and a single one left open inside a double
        assert_eq!(
            quoted("'He said \"hi\" to me,' she wrote."),
            ["He said \"hi\" to me,", "hi"]
        );
        assert_eq!(quoted("\"a 'b c\" d' e"), ["a 'b c"]);
    }

    #[test]
    fn unclosed_and_overlong_quotations_mark_nothing() {
        assert!(quoted(r#"An "open quotation that never closes"#).is_empty());
        assert!(quoted("\"first paragraph\n\nsecond\" paragraph").is_empty());
        let long = format!("\"{}\"", "a ".repeat(MAX_QUOTE_BYTES));
        assert!(quoted(&long).is_empty());
        assert!(quoted("").is_empty());
    }

    #[test]
    fn pre_check_matches_the_scan() {
        for t in ["plain text", "it's", "“x”", "«x»", "\"x\"", "naïve café"] {
            let mut spans = Vec::new();
            quoted_spans(t, &mut spans);
            assert!(spans.is_empty() || has_quote_marks(t), "{t}");
        }
        assert!(!has_quote_marks("naïve café"));
    }
}
