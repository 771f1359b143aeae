//! English (Porter2) stemming of plain ASCII words without rust-stemmers' general Snowball
//! machine: the same algorithm as rust-stemmers 1.2's `english` (Snowball's English stemmer of
//! its time, with its two exception lists), written over a byte array on the stack.
//!
//! rust-stemmers runs Snowball's generated code: every suffix test is a binary search over a
//! table of strings compared character by character, and the result is a new `String`. On new
//! words of real tweets that cost about 3,700 instructions a word (callgrind); this costs a
//! few hundred. Words with any byte other than `a`-`z`, `0`-`9` and `'`, and words longer than
//! [`MAX_LEN`] bytes, are left to rust-stemmers ([`stem`] returns `None`), so the result is
//! always rust-stemmers' own: the tests compare the two on every word of the project's corpus
//! and lexicons, on the public corpora when present, and on generated words that reach every
//! branch.

/// Longest word stemmed here; longer words go to rust-stemmers.
pub(crate) const MAX_LEN: usize = 64;

// a stem (at most MAX_LEN + 1 bytes) fits a `Stem`
const _: () = assert!(MAX_LEN + 2 <= STEM_BYTES);

use crate::snowball::{Stem, STEM_BYTES};

#[inline]
fn is_v(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Snowball's `v_WXY`: the vowels, `w`, `x` and the marked consonant `Y`.
#[inline]
fn is_v_wxy(c: u8) -> bool {
    matches!(
        c,
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w' | b'x' | b'Y'
    )
}

/// Snowball's `valid_LI`: the letters before which `li` is removed.
#[inline]
fn valid_li(c: u8) -> bool {
    matches!(
        c,
        b'c' | b'd' | b'e' | b'g' | b'h' | b'k' | b'm' | b'n' | b'r' | b't'
    )
}

/// The English stem of `word`, or `None` when the word is not all `a`-`z`, `0`-`9` and `'`
/// or is longer than [`MAX_LEN`] bytes (the caller then asks rust-stemmers).
pub(crate) fn stem(word: &str) -> Option<Stem> {
    let w = word.as_bytes();
    if w.len() > MAX_LEN
        || !w
            .iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'\'')
    {
        return None;
    }
    // at most MAX_LEN + 1 bytes: step 1b may add an `e`
    let mut s = Stem {
        b: [0; STEM_BYTES],
        n: w.len(),
    };
    s.b[..w.len()].copy_from_slice(w);
    if let Some(e) = exception1(w) {
        s.b[..e.len()].copy_from_slice(e);
        s.n = e.len();
        return Some(s);
    }
    if w.len() < 3 {
        return Some(s);
    }
    let b = &mut s.b;
    let mut n = s.n;

    // prelude: a leading apostrophe goes; `y` at the start or after a vowel becomes the
    // consonant `Y`
    if b[0] == b'\'' {
        b.copy_within(1..n, 0);
        n -= 1;
    }
    let mut y_found = false;
    if n > 0 && b[0] == b'y' {
        b[0] = b'Y';
        y_found = true;
    }
    for i in 1..n {
        if b[i] == b'y' && is_v(b[i - 1]) {
            b[i] = b'Y';
            y_found = true;
        }
    }

    // regions R1 and R2
    let (p1, p2) = regions(&b[..n]);

    step_1a(b, &mut n);
    if !exception2(&b[..n]) {
        step_1b(b, &mut n, p1);
        step_1c(b, &mut n);
        step_2(b, &mut n, p1);
        step_3(b, &mut n, p1, p2);
        step_4(b, &mut n, p2);
        step_5(b, &mut n, p1, p2);
    }
    if y_found {
        for c in &mut b[..n] {
            if *c == b'Y' {
                *c = b'y';
            }
        }
    }
    s.n = n;
    Some(s)
}

/// Whole words with a fixed stem (Snowball's `exception1`).
fn exception1(w: &[u8]) -> Option<&'static [u8]> {
    Some(match w {
        b"skis" => b"ski",
        b"skies" => b"sky",
        b"dying" => b"die",
        b"lying" => b"lie",
        b"tying" => b"tie",
        b"idly" => b"idl",
        b"gently" => b"gentl",
        b"ugly" => b"ugli",
        b"early" => b"earli",
        b"only" => b"onli",
        b"singly" => b"singl",
        b"andes" => b"andes",
        b"atlas" => b"atlas",
        b"bias" => b"bias",
        b"cosmos" => b"cosmos",
        b"howe" => b"howe",
        b"news" => b"news",
        b"sky" => b"sky",
        _ => return None,
    })
}

/// Words left as they are after step 1a (Snowball's `exception2`).
fn exception2(w: &[u8]) -> bool {
    matches!(
        w,
        b"succeed"
            | b"proceed"
            | b"exceed"
            | b"canning"
            | b"inning"
            | b"earring"
            | b"herring"
            | b"outing"
    )
}

/// R1 and R2 as byte positions (the word's length when empty).
fn regions(w: &[u8]) -> (usize, usize) {
    let n = w.len();
    // the region after the first non-vowel following a vowel, searched from `from`
    let after = |from: usize| -> Option<usize> {
        let v = from + w[from..].iter().position(|&c| is_v(c))?;
        let c = v + 1 + w[v + 1..].iter().position(|&c| !is_v(c))?;
        Some(c + 1)
    };
    let p1 = if w.starts_with(b"gener") || w.starts_with(b"arsen") {
        Some(5)
    } else if w.starts_with(b"commun") {
        Some(6)
    } else {
        after(0)
    };
    match p1 {
        None => (n, n),
        Some(p1) => (p1, after(p1).unwrap_or(n)),
    }
}

/// Snowball's `shortv` on `w`: it ends in a non-vowel (not `w`, `x` or `Y`) after a vowel
/// after a non-vowel, or is exactly a vowel and a non-vowel.
fn short_v(w: &[u8]) -> bool {
    let n = w.len();
    (n >= 3 && !is_v_wxy(w[n - 1]) && is_v(w[n - 2]) && !is_v(w[n - 3]))
        || (n == 2 && !is_v(w[1]) && is_v(w[0]))
}

fn step_1a(b: &mut [u8], n: &mut usize) {
    let w = &b[..*n];
    if w.ends_with(b"'s'") {
        *n -= 3;
    } else if w.ends_with(b"'s") {
        *n -= 2;
    } else if w.ends_with(b"'") {
        *n -= 1;
    }
    let w = &b[..*n];
    if w.ends_with(b"sses") {
        *n -= 2;
    } else if w.ends_with(b"ied") || w.ends_with(b"ies") {
        // "i" after two letters or more, else "ie"
        let bra = *n - 3;
        *n = if bra >= 2 { bra + 1 } else { bra + 2 };
        b[bra] = b'i';
        b[bra + 1] = b'e';
    } else if w.ends_with(b"ss") || w.ends_with(b"us") {
    } else if w.ends_with(b"s") {
        // delete when a vowel comes before the letter before the `s`
        let bra = *n - 1;
        if bra >= 2 && w[..bra - 1].iter().any(|&c| is_v(c)) {
            *n -= 1;
        }
    }
}

fn step_1b(b: &mut [u8], n: &mut usize, p1: usize) {
    let w = &b[..*n];
    let (len, ee) = if w.ends_with(b"eedly") {
        (5, true)
    } else if w.ends_with(b"ingly") {
        (5, false)
    } else if w.ends_with(b"edly") {
        (4, false)
    } else if w.ends_with(b"eed") {
        (3, true)
    } else if w.ends_with(b"ing") {
        (3, false)
    } else if w.ends_with(b"ed") {
        (2, false)
    } else {
        return;
    };
    let bra = *n - len;
    if ee {
        if p1 <= bra {
            *n = bra + 2; // "ee"
        }
        return;
    }
    if !w[..bra].iter().any(|&c| is_v(c)) {
        return;
    }
    *n = bra;
    let w = &b[..*n];
    let end2 = if *n >= 2 { &w[*n - 2..] } else { &[][..] };
    match end2 {
        b"at" | b"bl" | b"iz" => {
            b[*n] = b'e';
            *n += 1;
        }
        b"bb" | b"dd" | b"ff" | b"gg" | b"mm" | b"nn" | b"pp" | b"rr" | b"tt" => *n -= 1,
        _ => {
            if *n == p1 && short_v(w) {
                b[*n] = b'e';
                *n += 1;
            }
        }
    }
}

fn step_1c(b: &mut [u8], n: &mut usize) {
    let k = *n;
    if k >= 3 && matches!(b[k - 1], b'y' | b'Y') && !is_v(b[k - 2]) {
        b[k - 1] = b'i';
    }
}

/// Replaces the last `len` bytes of `b[..n]` with `with`.
#[inline]
fn replace(b: &mut [u8], n: &mut usize, len: usize, with: &[u8]) {
    let bra = *n - len;
    b[bra..bra + with.len()].copy_from_slice(with);
    *n = bra + with.len();
}

/// The longest suffix of `w` in `table` (ordered longest first) with its replacement and
/// where it starts. As in Snowball, the longest decides even when its condition then fails.
#[inline]
fn longest(
    w: &[u8],
    table: &[(&'static [u8], &'static [u8])],
) -> Option<(&'static [u8], &'static [u8], usize)> {
    let &(suf, with) = table.iter().find(|(s, _)| w.ends_with(s))?;
    Some((suf, with, w.len() - suf.len()))
}

fn step_2(b: &mut [u8], n: &mut usize, p1: usize) {
    const SUFFIXES: [(&[u8], &[u8]); 24] = [
        (b"ational", b"ate"),
        (b"ization", b"ize"),
        (b"iveness", b"ive"),
        (b"fulness", b"ful"),
        (b"ousness", b"ous"),
        (b"tional", b"tion"),
        (b"biliti", b"ble"),
        (b"lessli", b"less"),
        (b"fulli", b"ful"),
        (b"ousli", b"ous"),
        (b"entli", b"ent"),
        (b"aliti", b"al"),
        (b"iviti", b"ive"),
        (b"alism", b"al"),
        (b"ation", b"ate"),
        (b"anci", b"ance"),
        (b"enci", b"ence"),
        (b"abli", b"able"),
        (b"alli", b"al"),
        (b"izer", b"ize"),
        (b"ator", b"ate"),
        (b"ogi", b"og"),
        (b"bli", b"ble"),
        (b"li", b""),
    ];
    let w = &b[..*n];
    let Some((suf, with, bra)) = longest(w, &SUFFIXES) else {
        return;
    };
    if bra < p1 {
        return;
    }
    match suf {
        b"ogi" if bra == 0 || w[bra - 1] != b'l' => {}
        b"li" if bra == 0 || !valid_li(w[bra - 1]) => {}
        _ => replace(b, n, suf.len(), with),
    }
}

fn step_3(b: &mut [u8], n: &mut usize, p1: usize, p2: usize) {
    const SUFFIXES: [(&[u8], &[u8]); 9] = [
        (b"ational", b"ate"),
        (b"tional", b"tion"),
        (b"icate", b"ic"),
        (b"ative", b""),
        (b"alize", b"al"),
        (b"iciti", b"ic"),
        (b"ical", b"ic"),
        (b"ness", b""),
        (b"ful", b""),
    ];
    let Some((suf, with, bra)) = longest(&b[..*n], &SUFFIXES) else {
        return;
    };
    if bra < p1 || (suf == b"ative" && bra < p2) {
        return;
    }
    replace(b, n, suf.len(), with);
}

fn step_4(b: &mut [u8], n: &mut usize, p2: usize) {
    const SUFFIXES: [&[u8]; 18] = [
        b"ement", b"ance", b"ence", b"able", b"ible", b"ment", b"ate", b"ive", b"ize", b"iti",
        b"ism", b"ion", b"ous", b"ant", b"ent", b"ic", b"al", b"er",
    ];
    let w = &b[..*n];
    let Some(&suf) = SUFFIXES.iter().find(|s| w.ends_with(s)) else {
        return;
    };
    let bra = *n - suf.len();
    if bra < p2 {
        return;
    }
    if suf == b"ion" && (bra == 0 || !matches!(w[bra - 1], b's' | b't')) {
        return;
    }
    *n = bra;
}

fn step_5(b: &mut [u8], n: &mut usize, p1: usize, p2: usize) {
    let w = &b[..*n];
    let Some(&last) = w.last() else {
        return;
    };
    let bra = *n - 1;
    match last {
        b'e' if p2 <= bra || (p1 <= bra && !short_v(&w[..bra])) => *n = bra,
        b'l' if p2 <= bra && bra >= 1 && w[bra - 1] == b'l' => *n = bra,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_stemmers::{Algorithm, Stemmer};

    #[test]
    fn known_stems() {
        let snowball = Stemmer::create(Algorithm::English);
        for (w, want) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "tie"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("agreed", "agre"),
            ("hopping", "hop"),
            ("hoping", "hope"),
            ("fighters", "fighter"),
            ("generously", "generous"),
            ("communication", "communic"),
            ("martyrdom", "martyrdom"),
            ("joined", "join"),
            ("emigrating", "emigr"),
            ("skies", "sky"),
            ("dying", "die"),
            ("news", "news"),
            ("succeeded", "succeed"),
            ("yelling", "yell"),
            ("sayings", "say"),
            ("'tis", "tis"),
            ("brother's", "brother"),
            ("a", "a"),
            ("by", "by"),
        ] {
            assert_eq!(stem(w).unwrap().as_str(), want, "{w}");
            assert_eq!(snowball.stem(w), want, "rust-stemmers on {w}");
        }
        // left to rust-stemmers
        assert!(stem("café").is_none());
        assert!(stem("Fighters").is_none());
        assert!(stem("co-op").is_none());
        assert!(stem(&"a".repeat(MAX_LEN + 1)).is_none());
        assert!(stem(&"a".repeat(MAX_LEN)).is_some());
    }

    /// Short words over letters that reach every rule (vowels, `y`, the doubles, the
    /// `valid_LI` letters, `w`/`x`, a digit and the apostrophe), all of them.
    #[test]
    fn equal_to_rust_stemmers_on_every_short_word() {
        let words = crate::stem_test::all_words("aeiyolsdtbcnw'1", 1..=4);
        crate::stem_test::check_all(Algorithm::English, stem, &words);
        let words = crate::stem_test::all_words("aeysltdgin'", 5..=5);
        crate::stem_test::check_all(Algorithm::English, stem, &words);
    }

    /// Every suffix of every step's table, and chains of them, after bases with short and
    /// long regions, the special prefixes, and `y` in all positions.
    #[test]
    fn equal_to_rust_stemmers_on_every_suffix() {
        let bases = [
            "", "b", "y", "ay", "by", "bay", "bat", "hop", "sky", "tr", "tre", "fee", "gener",
            "commun", "arsen", "generat", "communit", "arsenal", "lov", "rel", "cond", "ar", "ow",
            "ox", "bow", "box", "beyond", "yoyo", "ayay", "rationa", "sensi", "ski", "l", "ll",
            "fall", "troll", "bl", "siz", "at", "eed", "succ", "proc", "exc", "inn", "out", "herr",
            "earr", "cann", "tion", "ss", "us", "'", "'y", "a'", "9", "b2b", "x1", "quiet",
            "queue", "happ", "hol", "log", "geo", "eleg",
        ];
        let suffixes = [
            "", "s", "es", "'", "'s", "'s'", "ss", "us", "sses", "ied", "ies", "ed", "eed", "ing",
            "edly", "eedly", "ingly", "y", "Y", "ly", "ily", "anci", "enci", "ogi", "li", "bli",
            "abli", "alli", "fulli", "lessli", "ousli", "entli", "aliti", "biliti", "iviti",
            "tional", "ational", "alism", "ation", "ization", "izer", "ator", "iveness", "fulness",
            "ousness", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "ic", "ance",
            "ence", "able", "ible", "ate", "ive", "ize", "iti", "al", "ism", "ion", "sion", "tion",
            "er", "ous", "ant", "ent", "ment", "ement", "e", "l", "ll", "le", "bb", "dd", "ff",
            "gg", "mm", "nn", "pp", "rr", "tt", "at", "bl", "iz", "ying", "yed", "yly",
        ];
        let mut words = Vec::new();
        for b in bases {
            for s1 in suffixes {
                for s2 in ["", "s", "ly", "ness", "ing", "ed", "al", "ation", "er", "e"] {
                    words.push(format!("{b}{s1}{s2}").replace('Y', "y"));
                }
            }
        }
        words.retain(|w| !w.is_empty());
        crate::stem_test::check_all(Algorithm::English, stem, &words);
    }

    fn english_like() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "a", "e", "i", "o", "u", "y", "b", "c", "d", "g", "l", "n", "r", "s", "t", "w", "x",
            "z", "1", "'", "ing", "ed", "ly", "ies", "ss", "ation", "ness", "ful", "ic", "al",
            "li", "bl", "at", "iz", "ement", "ion", "eed", "gener", "commun", "arsen",
        ]);
        prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Random words of letters and suffix pieces, up to past the length limit: stemmed
        /// as rust-stemmers does, or left to it when too long.
        #[test]
        fn random_words_match_rust_stemmers(w in english_like()) {
            let snowball = Stemmer::create(Algorithm::English);
            match stem(&w) {
                Some(s) => proptest::prop_assert_eq!(s.as_str(), snowball.stem(&w)),
                None => proptest::prop_assert!(w.len() > MAX_LEN),
            }
        }
    }

    /// The words (letters, digits, apostrophes) of data/ and of the public corpora.
    #[test]
    fn equal_to_rust_stemmers_on_the_corpora() {
        crate::stem_test::check_corpora(
            Algorithm::English,
            stem,
            |c| c.is_alphanumeric() || c == '\'',
            [10_000, 10_000],
        );
    }
}
