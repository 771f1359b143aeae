use super::{DocContext, TokenNormalizer};
use crate::token::flags;

/// Folds leetspeak inside words that are mostly letters: `0→o 1→i (11→ll) 3→e 4→a 5→s 7→t @→a
/// $→s !→i`.
///
/// Real numbers, dates, prices and codes are left alone: a word is folded only when it has at
/// least three letters, more letters than digits and symbols, no digit outside the leet table
/// (2, 6, 8, 9), and each leet character touches a letter. A trailing run of two or more digits is
/// a suffix, not leet (`covid19`, `win10`), and a single leading digit before a unit or ordinal
/// (`5km`, `3rd`, `7days`) is kept. So `2019`, `$100`, `B2B`, `COVID-19`, `mp3` do not change.
#[derive(Debug, Clone, Copy, Default)]
pub struct Leetspeak;

#[inline]
fn leet_char(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => 'a',
        '$' => 's',
        '!' => 'i',
        _ => return None,
    })
}

const UNIT_SUFFIXES: &[&str] = &[
    "st", "nd", "rd", "th", "am", "pm", "km", "kg", "cm", "mm", "mb", "gb", "tb", "kb", "mg", "ml",
    "hr", "hrs", "h", "min", "mins", "sec", "secs", "day", "days", "yr", "yrs", "year", "years",
    "k", "m", "x", "d", "s", "g", "l", "in", "ft", "lbs", "pcs", "star", "stars", "week", "weeks",
    "month", "months", "hour", "hours", "times", "people", "men", "women",
];

impl Leetspeak {
    /// Whether `word` is a disguised word this step folds.
    pub fn is_leet_word(word: &str) -> bool {
        let b = word.as_bytes();
        let (mut letters, mut leet) = (0usize, 0usize);
        for c in word.chars() {
            if c.is_alphabetic() {
                letters += 1;
            } else if leet_char(c).is_some() {
                leet += 1;
            } else if c.is_ascii_digit() {
                return false; // 2, 6, 8, 9: a real number or code
            } else if c != '\'' && !unicode_normalization::char::is_combining_mark(c) {
                return false;
            }
        }
        if leet == 0 || letters < 3 || letters <= leet {
            return false;
        }
        // strip a trailing digit suffix of length >= 2
        let core_end = trailing_digit_suffix(b);
        let core = &b[..core_end];
        if !core.iter().any(|&c| leet_char(c as char).is_some()) {
            return false;
        }
        // a single leading digit before a unit or ordinal
        if core.first().is_some_and(|c| c.is_ascii_digit()) {
            let rest = &word[1..core_end];
            if rest.bytes().all(|c| c.is_ascii_digit()) {
                return false;
            }
            if rest.bytes().next().is_some_and(|c| c.is_ascii_digit()) {
                return false; // two leading digits: "10am", "100km"
            }
            let lower = rest.to_ascii_lowercase();
            if UNIT_SUFFIXES.contains(&lower.as_str()) {
                return false;
            }
        }
        // every leet char must touch a letter or another leet char that touches a letter
        core.iter().enumerate().all(|(i, &c)| {
            if leet_char(c as char).is_none() {
                return true;
            }
            let touches = |j: usize| {
                core.get(j).is_some_and(|&d| {
                    d.is_ascii_alphabetic() || d >= 0x80 || leet_char(d as char).is_some()
                })
            };
            (i > 0 && touches(i - 1)) || touches(i + 1)
        })
    }
}

fn trailing_digit_suffix(b: &[u8]) -> usize {
    let n = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if n >= 2 && n < b.len() {
        b.len() - n
    } else {
        b.len()
    }
}

impl TokenNormalizer for Leetspeak {
    fn normalize(&self, word: &mut String, scratch: &mut String, _: &DocContext) -> bool {
        if !word.bytes().any(|c| leet_char(c as char).is_some()) || !Self::is_leet_word(word) {
            return false;
        }
        let core_end = trailing_digit_suffix(word.as_bytes());
        scratch.clear();
        let b = word.as_bytes();
        let mut i = 0;
        while i < core_end {
            let c = b[i];
            if c == b'1' && b.get(i + 1) == Some(&b'1') && i + 1 < core_end {
                scratch.push_str("ll");
                i += 2;
                continue;
            }
            if let Some(l) = leet_char(c as char) {
                scratch.push(l);
                i += 1;
            } else {
                // copy one whole UTF-8 character
                let ch = word[i..]
                    .chars()
                    .next()
                    .expect("index is on a char boundary");
                scratch.push(ch);
                i += ch.len_utf8();
            }
        }
        scratch.push_str(&word[core_end..]);
        std::mem::swap(word, scratch);
        true
    }
    fn flag(&self) -> u16 {
        flags::LEET
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn n(s: &str) -> String {
        crate::normalize::apply_default(&Leetspeak, s)
    }
    #[test]
    fn folds_disguised_words() {
        assert_eq!(n("h1jr4h"), "hijrah");
        assert_eq!(n("m@rtyr"), "martyr");
        assert_eq!(n("$tate"), "state");
        assert_eq!(n("5tate"), "state");
        assert_eq!(n("k!ll"), "kill");
        assert_eq!(n("a11ah"), "allah");
        assert_eq!(n("d4wl4h"), "dawlah");
        assert_eq!(n("h3ll0"), "hello");
        assert_eq!(n("kh1l4f4h"), "khilafah");
    }
    #[test]
    fn leaves_numbers_and_codes() {
        for s in [
            "2019", "$100", "b2b", "19", "mp3", "covid19", "win10", "3rd", "5km", "10am", "4x4",
            "7days", "user123", "p2p",
        ] {
            assert_eq!(n(s), s, "{s} must not change");
        }
    }
}
