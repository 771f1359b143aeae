use unicode_normalization::UnicodeNormalization;

use super::{swap_in, DocContext, TokenNormalizer};
use crate::token::flags;

/// Unicode NFKC followed by full case folding (`NFKC(casefold(NFKC(s)))`, as Unicode's
/// NFKC_Casefold), so fullwidth `ｊｏｉｎ`, mathematical `𝐣𝐨𝐢𝐧` and `JOIN` all become `join`,
/// and `ß` becomes `ss`. ASCII takes a fast path.
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

#[cfg(test)]
mod tests {
    use super::*;
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
