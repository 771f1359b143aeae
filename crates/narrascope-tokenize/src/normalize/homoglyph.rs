use super::{DocContext, TokenNormalizer};
use crate::token::flags;

/// Folds Cyrillic and Greek look-alike letters to Latin inside words that are otherwise Latin
/// (`mаrtуr` with Cyrillic а and у → `martyr`), and in words made only of look-alikes when the
/// document is mostly Latin. Genuinely Cyrillic or Greek words (`москва`, `σοφια`) are left
/// alone: they contain letters with no Latin twin, or stand in a Cyrillic or Greek document.
///
/// Why a table of our own rather than unicode-security's UTS #39 skeleton: a skeleton is a
/// comparison key, not a word. It maps `m` to `rn`, `l` and `1` to `l`, `0` to `o` and
/// decomposes many Latin letters, which would break stemming, stopwords and the lexicons. We need
/// the opposite direction restricted to mixed-script words, so the table holds the lower-case
/// Cyrillic and Greek letters whose skeleton is a single Latin letter (the unit test
/// `table_agrees_with_uts39` checks every entry against unicode-security's skeleton).
#[derive(Debug, Clone, Copy, Default)]
pub struct Homoglyphs;

/// Lower-case look-alikes (this step runs after case folding) and their Latin letter.
pub(crate) const TABLE: &[(char, char)] = &[
    // Cyrillic
    ('а', 'a'),
    ('в', 'b'),
    ('е', 'e'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('у', 'y'),
    ('х', 'x'),
    ('і', 'i'),
    ('ј', 'j'),
    ('ѕ', 's'),
    ('һ', 'h'),
    ('ԁ', 'd'),
    ('ԛ', 'q'),
    ('ԝ', 'w'),
    ('ӏ', 'l'),
    // Greek
    ('ο', 'o'),
    ('α', 'a'),
    ('ε', 'e'),
    ('ι', 'i'),
    ('κ', 'k'),
    ('ν', 'v'),
    ('ρ', 'p'),
    ('τ', 't'),
    ('υ', 'u'),
    ('χ', 'x'),
];

/// Cyrillic letters whose *capital* is a Latin twin (М К Н Т В): folded only inside words that
/// already contain Latin letters, since after case folding they look Cyrillic on their own.
pub(crate) const MIXED_ONLY: &[(char, char)] =
    &[('м', 'm'), ('к', 'k'), ('н', 'h'), ('т', 't'), ('в', 'b')];

#[inline]
fn lookup(c: char) -> Option<char> {
    if (c as u32) < 0x250 {
        return None;
    }
    TABLE.iter().find(|&&(k, _)| k == c).map(|&(_, v)| v)
}

#[inline]
fn lookup_mixed(c: char) -> Option<char> {
    lookup(c).or_else(|| MIXED_ONLY.iter().find(|&&(k, _)| k == c).map(|&(_, v)| v))
}

/// The Greek and Coptic, Cyrillic and Cyrillic Supplement blocks, where every look-alike is.
#[inline]
fn is_greek_or_cyrillic(c: char) -> bool {
    ('\u{0370}'..='\u{052F}').contains(&c)
}

#[inline]
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (('\u{00C0}'..='\u{024F}').contains(&c) && c.is_alphabetic())
}

impl TokenNormalizer for Homoglyphs {
    fn normalize(&self, word: &mut String, scratch: &mut String, ctx: &DocContext) -> bool {
        // Every look-alike is a Greek or Cyrillic letter (`lookalikes_are_greek_or_cyrillic`):
        // a word without one has nothing to fold.
        if word.is_ascii() || !word.chars().any(is_greek_or_cyrillic) {
            return false;
        }
        let (mut latin, mut lookalike, mut mixed_only, mut other) =
            (0usize, 0usize, 0usize, 0usize);
        for c in word.chars() {
            if is_latin_letter(c) {
                latin += 1;
            } else if lookup(c).is_some() {
                lookalike += 1;
            } else if lookup_mixed(c).is_some() {
                mixed_only += 1;
            } else if c.is_alphabetic() {
                other += 1;
            }
        }
        if lookalike + mixed_only == 0 {
            return false;
        }
        let fold = if latin > 0 {
            // Mixed script word: fold when Latin dominates the letters with no Latin twin.
            latin >= other
        } else {
            // Only strict look-alikes (no genuinely Cyrillic/Greek letter) in a Latin document.
            other == 0 && mixed_only == 0 && ctx.mostly_latin
        };
        if !fold {
            return false;
        }
        scratch.clear();
        scratch.extend(word.chars().map(|c| lookup_mixed(c).unwrap_or(c)));
        std::mem::swap(word, scratch);
        true
    }
    fn flag(&self) -> u16 {
        flags::HOMOGLYPH
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn n(s: &str, latin_doc: bool) -> String {
        let mut w = s.to_string();
        Homoglyphs.normalize(
            &mut w,
            &mut String::new(),
            &DocContext {
                mostly_latin: latin_doc,
            },
        );
        w
    }
    #[test]
    fn mixed_words_fold() {
        assert_eq!(n("m\u{0430}rtyr", false), "martyr");
        assert_eq!(n("h\u{0456}jr\u{0430}h", false), "hijrah");
        assert_eq!(n("kh\u{03b9}l\u{03b1}f\u{03b1}h", false), "khilafah");
    }
    #[test]
    fn genuine_words_stay() {
        assert_eq!(n("москва", true), "москва");
        assert_eq!(n("привет", true), "привет");
        assert_eq!(n("σοφια", true), "σοφια");
        // all look-alikes, but the document is Cyrillic
        assert_eq!(n("рос", false), "рос");
    }
    #[test]
    fn whole_lookalike_word_in_latin_document() {
        assert_eq!(n("\u{0441}\u{043e}\u{0440}\u{0435}", true), "cope");
    }
    #[test]
    fn lookalikes_are_greek_or_cyrillic() {
        for &(k, _) in TABLE.iter().chain(MIXED_ONLY) {
            assert!(is_greek_or_cyrillic(k), "{k:?}");
        }
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if lookup_mixed(c).is_some() {
                assert!(is_greek_or_cyrillic(c), "{c:?}");
            }
        }
    }

    #[test]
    fn table_agrees_with_uts39() {
        use unicode_security::confusable_detection::skeleton;
        for &(k, v) in TABLE.iter().chain(MIXED_ONLY) {
            let sk: String = skeleton(&k.to_string()).collect();
            let sv: String = skeleton(&v.to_string()).collect();
            let sk_upper: String = skeleton(&k.to_uppercase().to_string()).collect();
            let sv_upper: String = skeleton(&v.to_uppercase().to_string()).collect();
            assert!(
                sk == sv || sk_upper == sv_upper,
                "{k:?} ({sk:?}) and {v:?} ({sv:?}) are not UTS #39 confusables"
            );
        }
    }
}
