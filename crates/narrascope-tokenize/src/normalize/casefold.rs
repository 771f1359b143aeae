use unicode_normalization::UnicodeNormalization;

use super::{swap_in, DocContext, TokenNormalizer};
use crate::token::flags;

/// Unicode NFKC followed by full case folding (`NFKC(casefold(NFKC(s)))`, as Unicode's
/// NFKC_Casefold), so fullwidth `ｊｏｉｎ`, mathematical `𝐣𝐨𝐢𝐧` and `JOIN` all become `join`,
/// and `ß` becomes `ss`. ASCII takes a fast path.
///
/// Words made only of unmarked Arabic and Hebrew letters, kana, CJK ideographs, Hangul
/// syllables and lower-case Latin-1 and Cyrillic letters take a fast path too: they are their
/// own result, so neither form is built.
///
/// The [`crate::flags::NFKC`] flag is set only when more than ASCII case changed.
#[derive(Debug, Clone, Copy, Default)]
pub struct NfkcCaseFold;

impl TokenNormalizer for NfkcCaseFold {
    fn normalize(&self, word: &mut String, scratch: &mut String, _: &DocContext) -> bool {
        if word.is_ascii() {
            word.make_ascii_lowercase();
            return false;
        }
        if word.chars().all(is_own_nfkc_casefold) {
            // such a string is NFKC (the quick check says so) and folds to itself
            return false;
        }
        scratch.clear();
        scratch.extend(word.nfkc());
        // Case folding is ordinary spelling; only a change by NFKC is flagged.
        let changed = *scratch != *word;
        let folded: String = caseless::Caseless::default_case_fold(scratch.chars()).collect();
        scratch.clear();
        scratch.extend(folded.nfkc());
        swap_in(word, scratch);
        changed
    }
    fn flag(&self) -> u16 {
        flags::NFKC
    }
}

/// Whether `c` is a starter (canonical combining class 0) that NFKC keeps (quick check Yes)
/// and full case folding leaves unchanged: a string of such characters is its own
/// NFKC_Casefold. Holds for the ranges below (the letters most common in the project's
/// languages without case or already lower case); `false` (not known) for every other
/// character. The unit test `fast_path_characters_are_their_own_result` checks every character.
#[inline]
fn is_own_nfkc_casefold(c: char) -> bool {
    matches!(c,
        'a'..='z' | '0'..='9'
        | '\u{00E0}'..='\u{00F6}' | '\u{00F8}'..='\u{00FF}' // Latin-1 lower case
        | '\u{0430}'..='\u{045F}' // Cyrillic lower case
        | '\u{05D0}'..='\u{05EA}' // Hebrew letters
        | '\u{0620}'..='\u{064A}' // Arabic letters
        | '\u{0660}'..='\u{0669}' // Arabic-Indic digits
        | '\u{066E}'..='\u{066F}' | '\u{0671}'..='\u{0674}' // more Arabic letters
        | '\u{0679}'..='\u{06D3}' | '\u{06D5}'
        | '\u{06F0}'..='\u{06F9}' // Persian digits
        | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' // kana
        | '\u{4E00}'..='\u{9FFF}' // CJK ideographs
        | '\u{AC00}'..='\u{D7A3}' // Hangul syllables
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use caseless::Caseless;

    #[test]
    fn fast_path_characters_are_their_own_result() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{is_nfkc_quick, IsNormalized};
        let mut n = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if is_own_nfkc_casefold(c) {
                let folded: String = std::iter::once(c).default_case_fold().collect();
                assert_eq!(folded, c.to_string(), "{c:?} U+{:04X}", c as u32);
                assert_eq!(canonical_combining_class(c), 0, "{c:?}");
                assert_eq!(
                    is_nfkc_quick(std::iter::once(c)),
                    IsNormalized::Yes,
                    "{c:?}"
                );
                n += 1;
            }
        }
        assert!(n > 30_000, "{n}");
        // outside the ranges, characters that do fold are not claimed
        for c in [
            'A', 'ß', 'µ', 'Ж', 'ς', 'Σ', 'ǅ', '\u{0345}', 'ﬁ', '\u{064E}', '\u{0675}',
        ] {
            assert!(!is_own_nfkc_casefold(c), "{c:?}");
        }
    }

    #[test]
    fn fast_path_gives_the_full_result() {
        // every word here takes the fast path or not; either way the result is NFKC_Casefold
        for w in [
            "الدولة",
            "שלום",
            "москва",
            "café",
            "naïve",
            "日本語",
            "한국어",
            "हिन्दी",
            "ไทย",
            "ٱلْحَمْدُ",
            "Москва",
            "CAFÉ",
            "ﻻ",
            "ﬁn",
            "x\u{0301}",
            "e\u{0301}",
            // in the fast ranges but not NFKC: marks out of canonical order, a compatibility
            // letter (high hamza alef)
            "\u{0628}\u{0651}\u{064E}",
            "\u{0675}\u{0644}",
        ] {
            let (got, _) = n(w);
            let expected: String = w
                .nfkc()
                .default_case_fold()
                .collect::<String>()
                .nfkc()
                .collect();
            assert_eq!(got, expected, "{w:?}");
        }
    }
    fn n(s: &str) -> (String, bool) {
        let mut w = s.to_string();
        let c = NfkcCaseFold.normalize(&mut w, &mut String::new(), &DocContext::default());
        (w, c)
    }
    #[test]
    fn fullwidth_and_math() {
        assert_eq!(n("ｊｏｉｎ"), ("join".into(), true));
        assert_eq!(n("𝐣𝐨𝐢𝐧"), ("join".into(), true));
        assert_eq!(n("𝕵𝖔𝖎𝖓"), ("join".into(), true));
    }
    #[test]
    fn case_folding() {
        assert_eq!(n("JOIN"), ("join".into(), false));
        assert_eq!(n("Straße"), ("strasse".into(), false));
        assert_eq!(n("ΣΟΦΙΑ").0, "σοφια");
        assert_eq!(n("ﬁght").0, "fight");
    }
}
