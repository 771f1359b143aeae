use super::{DocContext, TokenNormalizer};
use crate::token::flags;

/// Arabic search normalisation: removes tashkeel (harakat U+064B..U+065F, superscript alef
/// U+0670, Quranic marks U+06D6..U+06ED) and tatweel (U+0640); unifies alef forms (أ إ آ ٱ → ا),
/// alef maqsura to yeh (ى → ي), teh marbuta to heh (ة → ه), and hamza carriers (ؤ → و, ئ → ي).
#[derive(Debug, Clone, Copy, Default)]
pub struct ArabicNormalizer;

#[inline]
fn map(c: char) -> Option<Option<char>> {
    Some(match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => None,
        'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
        'ى' => Some('ي'),
        'ة' => Some('ه'),
        'ؤ' => Some('و'),
        'ئ' => Some('ي'),
        _ => return None,
    })
}

impl TokenNormalizer for ArabicNormalizer {
    fn normalize(&self, word: &mut String, scratch: &mut String, _: &DocContext) -> bool {
        if word.is_ascii() || !word.chars().any(|c| map(c).is_some()) {
            return false;
        }
        scratch.clear();
        for c in word.chars() {
            match map(c) {
                None => scratch.push(c),
                Some(Some(r)) => scratch.push(r),
                Some(None) => {}
            }
        }
        std::mem::swap(word, scratch);
        true
    }
    fn flag(&self) -> u16 {
        flags::ARABIC
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn n(s: &str) -> String {
        crate::normalize::apply_default(&ArabicNormalizer, s)
    }
    #[test]
    fn tashkeel_tatweel_alef() {
        assert_eq!(n("الْخِلَافَة"), "الخلافه");
        assert_eq!(n("الخـــلافة"), "الخلافه");
        assert_eq!(n("إسلام"), "اسلام");
        assert_eq!(n("أمير"), "امير");
        assert_eq!(n("مستشفى"), "مستشفي");
        assert_eq!(n("hello"), "hello");
    }
}
