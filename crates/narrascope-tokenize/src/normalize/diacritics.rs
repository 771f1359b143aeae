use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::{DocContext, TokenNormalizer};
use crate::token::flags;

/// Removes diacritics from Latin letters (`é → e`, `ü → u`, `ç → c`, and `ø ł đ æ œ` by a small
/// table), for feature matching across spellings. Marks on other scripts are left alone (the
/// Arabic step owns Arabic marks; marks matter in Indic scripts).
#[derive(Debug, Clone, Copy, Default)]
pub struct Diacritics;

#[inline]
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || ('\u{00C0}'..='\u{024F}').contains(&c)
        || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

impl TokenNormalizer for Diacritics {
    fn normalize(&self, word: &mut String, scratch: &mut String, _: &DocContext) -> bool {
        if word.is_ascii() {
            return false;
        }
        scratch.clear();
        let mut changed = false;
        let mut prev_latin = false;
        for c in word.chars() {
            if is_latin(c) && !c.is_ascii() {
                let special = match c {
                    'ø' => Some("o"),
                    'ł' => Some("l"),
                    'đ' => Some("d"),
                    'æ' => Some("ae"),
                    'œ' => Some("oe"),
                    'ı' => Some("i"),
                    _ => None,
                };
                if let Some(s) = special {
                    scratch.push_str(s);
                    changed = true;
                } else {
                    decompose_canonical(c, |d| {
                        if is_combining_mark(d) {
                            changed = true;
                        } else {
                            scratch.push(d);
                        }
                    });
                }
                prev_latin = true;
            } else if is_combining_mark(c) && prev_latin {
                changed = true; // a combining mark left after a Latin letter
            } else {
                scratch.push(c);
                prev_latin = is_latin(c);
            }
        }
        if changed {
            std::mem::swap(word, scratch);
        }
        changed
    }
    fn flag(&self) -> u16 {
        flags::DIACRITICS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn n(s: &str) -> String {
        crate::normalize::apply_default(&Diacritics, s)
    }
    #[test]
    fn folds_latin() {
        assert_eq!(n("mécréants"), "mecreants");
        assert_eq!(n("brüder"), "bruder");
        assert_eq!(n("façade"), "facade");
        assert_eq!(n("søren"), "soren");
    }
    #[test]
    fn leaves_other_scripts() {
        assert_eq!(n("السلام"), "السلام");
        assert_eq!(n("σοφία"), "σοφία");
    }
}
