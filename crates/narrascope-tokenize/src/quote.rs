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

/// The visible character before byte `i` of `text` (invisible characters skipped).
fn visible_before(text: &str, i: usize) -> Option<char> {
    text[..i]
        .chars()
        .rev()
        .find(|&c| !InvisibleChars::is_invisible(c))
}

/// The visible character from byte `i` of `text` on (invisible characters skipped).
fn visible_from(text: &str, i: usize) -> Option<char> {
    text[i..]
        .chars()
        .find(|&c| !InvisibleChars::is_invisible(c))
}

/// Finds blank lines (two line breaks with only white space between) while the scan moves
/// forward: each line break is visited once.
struct BlankLines<I: Iterator<Item = usize>> {
    breaks: std::iter::Peekable<I>,
    /// The previous line break, if any.
    prev: Option<usize>,
    /// End of the last blank line found before the scan position, if any.
    last: Option<usize>,
}

impl<I: Iterator<Item = usize>> BlankLines<I> {
    fn advance(&mut self, text: &str, to: usize) {
        while let Some(p) = self.breaks.next_if(|&p| p < to) {
            if let Some(q) = self.prev {
                if text[q + 1..p].chars().all(char::is_whitespace) {
                    self.last = Some(p + 1);
                }
            }
            self.prev = Some(p);
        }
    }
}

/// Appends to `out` the byte ranges `(start, end)` of `text` enclosed by matching quotation
/// marks (marks excluded), in text order. Double and single quotations are tracked
/// separately, so a single quotation inside a double one is found as well.
///
/// Only the quotation marks are visited (`memchr` finds them and the line breaks), so the cost
/// is a vectorised pass over the bytes plus a few character decodes per mark (the characters next to it, skipping
/// invisible ones).
pub fn quoted_spans(text: &str, out: &mut Vec<(usize, usize)>) {
    let mut double: Option<usize> = None;
    let mut single: Option<usize> = None;
    let bytes = text.as_bytes();
    let mut blank = BlankLines {
        breaks: memchr::memchr_iter(b'\n', bytes).peekable(),
        prev: None,
        last: None,
    };
    // candidate marks: '"', '\'', lead byte 0xE2 (“ ” ‘ ’ ‚ „) and 0xC2 (« »), in text order
    let mut main = memchr::memchr3_iter(b'"', b'\'', 0xE2, bytes).peekable();
    let mut guillemets = memchr::memchr_iter(0xC2, bytes).peekable();
    loop {
        let i = match (main.peek(), guillemets.peek()) {
            (Some(&a), Some(&b)) if b < a => guillemets.next(),
            (Some(_), _) => main.next(),
            (None, _) => guillemets.next(),
        };
        let Some(i) = i else { break };
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let after = i + c.len_utf8();
        let (is_d, is_s) = (is_double(c), is_single(c));
        if !(is_d || is_s) {
            continue;
        }
        // quotations end unmarked at a blank line or past the length bound
        blank.advance(text, i);
        for open in [&mut double, &mut single] {
            let ended = |s: usize| i - s > MAX_QUOTE_BYTES || blank.last.is_some_and(|b| b > s);
            if open.is_some_and(ended) {
                *open = None;
            }
        }
        if is_d {
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
        } else {
            let prev = visible_before(text, i);
            let next = visible_from(text, after);
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
    fn texts_without_marks_and_lookalike_lead_bytes() {
        // em dash, ellipsis, no-break space and « » share lead bytes with the quotation marks
        for t in ["plain text", "naïve café", "— x — … y\u{a0}z", "it's", ""] {
            assert!(quoted(t).is_empty(), "{t}");
        }
        assert_eq!(quoted("— «\u{a0}oui\u{a0}» …"), ["\u{a0}oui\u{a0}"]);
        // a line of spaces between two breaks is a blank line too
        assert!(quoted("\"one\n   \ntwo\"").is_empty());
        assert_eq!(quoted("\"one\ntwo\""), ["one\ntwo"]);
    }
}
