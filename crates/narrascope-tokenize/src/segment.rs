//! UAX #29 word and sentence boundaries.
//!
//! unicode-segmentation implements UAX #29 for all of Unicode, but it looks every character up
//! in a table, which cost about 40% of tokenizing time on English text. Most moderation traffic
//! is ASCII, so ASCII input takes a direct implementation of the same rules restricted to ASCII
//! categories; everything else goes to unicode-segmentation. The property tests
//! (`ascii_words_match_unicode_segmentation`, `ascii_sentences_match_unicode_segmentation`)
//! check that both give identical boundaries on arbitrary ASCII.

use unicode_segmentation::UnicodeSegmentation;

/// Calls `f(offset, piece)` for each UAX #29 word piece of `s`.
pub(crate) fn word_pieces<'a>(s: &'a str, mut f: impl FnMut(usize, &'a str)) {
    if !s.is_ascii() {
        for (o, p) in s.split_word_bound_indices() {
            f(o, p);
        }
        return;
    }
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let start = i;
        let c = b[i];
        if is_wordish(c) {
            i += 1;
            while i < n {
                let x = b[i];
                if is_wordish(x) {
                    i += 1;
                    continue;
                }
                // WB6/7 (letters around MidLetter / MidNumLetQ), WB11/12 (digits around
                // MidNum / MidNumLetQ)
                let prev = b[i - 1];
                let Some(&next) = b.get(i + 1) else { break };
                let joins = (prev.is_ascii_alphabetic()
                    && next.is_ascii_alphabetic()
                    && matches!(x, b':' | b'.' | b'\''))
                    || (prev.is_ascii_digit()
                        && next.is_ascii_digit()
                        && matches!(x, b',' | b';' | b'.' | b'\''));
                if joins {
                    i += 2;
                } else {
                    break;
                }
            }
        } else if c == b'\r' && b.get(i + 1) == Some(&b'\n') {
            i += 2; // WB3
        } else if c == b' ' {
            // WB3d: WSegSpace × WSegSpace
            i += 1;
            while i < n && b[i] == b' ' {
                i += 1;
            }
        } else {
            i += 1;
        }
        f(start, &s[start..i]);
    }
}

#[inline]
fn is_wordish(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sb {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

/// Sentence-break category of every ASCII byte, computed at compile time.
static SB_TABLE: [Sb; 128] = {
    let mut t = [Sb::Other; 128];
    let mut c = 0;
    while c < 128 {
        t[c] = sb_slow(c as u8);
        c += 1;
    }
    t
};

#[inline(always)]
fn sb(c: u8) -> Sb {
    SB_TABLE[(c & 0x7f) as usize]
}

const fn sb_slow(c: u8) -> Sb {
    match c {
        b'\r' => Sb::Cr,
        b'\n' => Sb::Lf,
        b' ' | b'\t' | 0x0B | 0x0C => Sb::Sp,
        b'a'..=b'z' => Sb::Lower,
        b'A'..=b'Z' => Sb::Upper,
        b'0'..=b'9' => Sb::Numeric,
        b'.' => Sb::ATerm,
        b'!' | b'?' => Sb::STerm,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Sb::Close,
        b',' | b'-' | b':' | b';' => Sb::SContinue,
        _ => Sb::Other,
    }
}

/// Calls `f(offset, sentence)` for each UAX #29 sentence of `s`.
pub(crate) fn sentences<'a>(s: &'a str, mut f: impl FnMut(usize, &'a str)) {
    if !s.is_ascii() {
        for (o, p) in s.split_sentence_bound_indices() {
            f(o, p);
        }
        return;
    }
    let b = s.as_bytes();
    let n = b.len();
    let mut start = 0;
    for i in 1..n {
        if ascii_sentence_break(b, i) {
            f(start, &s[start..i]);
            start = i;
        }
    }
    if start < n {
        f(start, &s[start..]);
    }
}

/// Whether there is a sentence boundary between `b[i-1]` and `b[i]` (UAX #29 SB3..SB998).
fn ascii_sentence_break(b: &[u8], i: usize) -> bool {
    let prev = sb(b[i - 1]);
    // Fast path: a boundary needs a terminator, closing punctuation, space or line end before it.
    if matches!(
        prev,
        Sb::Lower | Sb::Upper | Sb::Numeric | Sb::SContinue | Sb::Other
    ) {
        return false;
    }
    let cur = sb(b[i]);
    let para = |c: Sb| matches!(c, Sb::Cr | Sb::Lf);
    let saterm = |c: Sb| matches!(c, Sb::ATerm | Sb::STerm);
    // SB3, SB4
    if prev == Sb::Cr && cur == Sb::Lf {
        return false;
    }
    if para(prev) {
        return true;
    }
    // SB6: ATerm × Numeric
    if prev == Sb::ATerm && cur == Sb::Numeric {
        return false;
    }
    // SB7: (Upper | Lower) ATerm × Upper
    if prev == Sb::ATerm
        && cur == Sb::Upper
        && i >= 2
        && matches!(sb(b[i - 2]), Sb::Upper | Sb::Lower)
    {
        return false;
    }
    // Look back over Sp* then Close* for an SATerm.
    let mut j = i;
    let mut saw_sp = false;
    while j > 0 && sb(b[j - 1]) == Sb::Sp {
        j -= 1;
        saw_sp = true;
    }
    while j > 0 && sb(b[j - 1]) == Sb::Close {
        j -= 1;
    }
    if j == 0 {
        return false;
    }
    let term = sb(b[j - 1]);
    if !saterm(term) {
        return false;
    }
    // SB8: ATerm Close* Sp* × ( ¬(OLetter | Upper | Lower | ParaSep | SATerm) )* Lower
    if term == Sb::ATerm {
        let mut k = i;
        while k < b.len() {
            let c = sb(b[k]);
            if matches!(
                c,
                Sb::Upper | Sb::Lower | Sb::Cr | Sb::Lf | Sb::ATerm | Sb::STerm
            ) {
                break;
            }
            k += 1;
        }
        if k < b.len() && sb(b[k]) == Sb::Lower {
            return false;
        }
    }
    // SB8a: SATerm Close* Sp* × (SContinue | SATerm)
    if matches!(cur, Sb::SContinue | Sb::ATerm | Sb::STerm) {
        return false;
    }
    // SB9: SATerm Close* × (Close | Sp | ParaSep)
    if !saw_sp && matches!(cur, Sb::Close | Sb::Sp | Sb::Cr | Sb::Lf) {
        return false;
    }
    // SB10: SATerm Close* Sp* × (Sp | ParaSep)
    if matches!(cur, Sb::Sp | Sb::Cr | Sb::Lf) {
        return false;
    }
    // SB11: SATerm Close* Sp* ParaSep? ÷
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours_words(s: &str) -> Vec<(usize, String)> {
        let mut v = Vec::new();
        word_pieces(s, |o, p| v.push((o, p.to_string())));
        v
    }
    fn theirs_words(s: &str) -> Vec<(usize, String)> {
        s.split_word_bound_indices()
            .map(|(o, p)| (o, p.to_string()))
            .collect()
    }
    fn ours_sent(s: &str) -> Vec<(usize, String)> {
        let mut v = Vec::new();
        sentences(s, |o, p| v.push((o, p.to_string())));
        v
    }
    fn theirs_sent(s: &str) -> Vec<(usize, String)> {
        s.split_sentence_bound_indices()
            .map(|(o, p)| (o, p.to_string()))
            .collect()
    }

    #[test]
    fn examples() {
        for s in [
            "Hello world. This is it! Is it? \"Yes.\" no",
            "e.g. the U.S. army said 3.5 units",
            "a.b.c 1,000 1.5 don't x:y",
            "Mr. Smith went.\r\nNew line\n\nPara",
        ] {
            assert_eq!(ours_words(s), theirs_words(s), "{s}");
            assert_eq!(ours_sent(s), theirs_sent(s), "{s}");
        }
    }

    fn ascii_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "B", "c", "Z", "1", "9", ".", "!", "?", " ", "  ", "\t", "\r", "\n", "\"", "'",
            "(", ")", ",", ";", ":", "-", "_", "#", "@", "$", "x", "Mr", "U.S.", "\r\n", "[", "}",
            "\u{b}",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn ascii_words_match_unicode_segmentation(s in ascii_text()) {
            prop_assert_eq!(ours_words(&s), theirs_words(&s));
        }
        #[test]
        fn ascii_sentences_match_unicode_segmentation(s in ascii_text()) {
            prop_assert_eq!(ours_sent(&s), theirs_sent(&s));
        }
        #[test]
        fn any_ascii_matches(s in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(ours_words(&s), theirs_words(&s));
            prop_assert_eq!(ours_sent(&s), theirs_sent(&s));
        }
    }
}
