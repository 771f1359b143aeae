use super::{DocContext, TokenNormalizer};

/// Removes apostrophes inside words (`'`, `’`, `ʼ`, `ʻ`, `` ` ``, `´`), so that transliterations
/// written with or without them meet: `bay'ah`, `bay’ah` and `bayah` give one token. The same
/// step runs on stopword lists and lexicons, so `don't` and `dont` also meet. French elided
/// articles and pronouns are dropped first (`l'état` → `état`, `qu'il` → `il`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Apostrophes;

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}' | '\u{2018}'
    )
}

impl TokenNormalizer for Apostrophes {
    fn normalize(&self, word: &mut String, _: &mut String, _: &DocContext) -> bool {
        let found = if word.is_ascii() {
            word.bytes().any(|b| b == b'\'' || b == b'`')
        } else {
            word.chars().any(is_apostrophe)
        };
        if !found {
            return false;
        }
        // French elision: l'état, d'un, qu'il, j'ai → état, un, il, ai
        if let Some((i, c)) = word.char_indices().find(|&(_, c)| is_apostrophe(c)) {
            let prefix = &word[..i];
            let rest_letters = word[i + c.len_utf8()..]
                .chars()
                .take_while(|c| c.is_alphabetic())
                .count();
            if rest_letters >= 2
                && matches!(
                    prefix,
                    "l" | "d"
                        | "j"
                        | "m"
                        | "n"
                        | "s"
                        | "t"
                        | "c"
                        | "qu"
                        | "jusqu"
                        | "lorsqu"
                        | "puisqu"
                )
            {
                word.drain(..i + c.len_utf8());
            }
        }
        word.retain(|c| !is_apostrophe(c));
        true
    }
    fn flag(&self) -> u16 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn removes() {
        let mut w = "bay’ah".to_string();
        assert!(Apostrophes.normalize(&mut w, &mut String::new(), &DocContext::default()));
        assert_eq!(w, "bayah");
        let mut w = "l'état".to_string();
        Apostrophes.normalize(&mut w, &mut String::new(), &DocContext::default());
        assert_eq!(w, "état");
    }
}
