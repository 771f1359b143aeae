use super::{DocContext, TokenNormalizer};
use crate::token::flags;

/// Collapses runs of three or more identical letters to one, so `joooin`, `joiiin` and `join`
/// give the same token. Runs of two are kept (`allah`, `book`); digits are not letters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Elongation;

impl TokenNormalizer for Elongation {
    fn normalize(&self, word: &mut String, scratch: &mut String, _: &DocContext) -> bool {
        // fast check on bytes for ASCII, chars otherwise
        let mut found = false;
        if word.is_ascii() {
            let b = word.as_bytes();
            found = b
                .windows(3)
                .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_ascii_alphabetic());
        } else {
            let mut prev = '\0';
            let mut run = 0;
            for c in word.chars() {
                if c == prev && c.is_alphabetic() {
                    run += 1;
                    if run >= 3 {
                        found = true;
                        break;
                    }
                } else {
                    prev = c;
                    run = 1;
                }
            }
        }
        if !found {
            return false;
        }
        scratch.clear();
        let chars: Vec<char> = word.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let mut j = i + 1;
            while j < chars.len() && chars[j] == c {
                j += 1;
            }
            let run = j - i;
            if run >= 3 && c.is_alphabetic() {
                scratch.push(c);
            } else {
                scratch.extend(&chars[i..j]);
            }
            i = j;
        }
        std::mem::swap(word, scratch);
        true
    }
    fn flag(&self) -> u16 {
        flags::ELONGATION
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn n(s: &str) -> String {
        crate::normalize::apply_default(&Elongation, s)
    }
    #[test]
    fn collapses() {
        assert_eq!(n("joooin"), "join");
        assert_eq!(n("joiiiiin"), "join");
        assert_eq!(n("braaaave"), "brave");
        assert_eq!(n("allaaaah"), "allah");
        assert_eq!(n("اللــــــه"), "اللـه");
    }
    #[test]
    fn keeps_doubles_and_numbers() {
        assert_eq!(n("book"), "book");
        assert_eq!(n("allah"), "allah");
        assert_eq!(n("1000"), "1000");
    }
}
