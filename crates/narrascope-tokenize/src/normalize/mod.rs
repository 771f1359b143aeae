//! Normalisation steps. Each step is its own type; the [`crate::TokenizerBuilder`] composes them.
//!
//! Three granularities exist, because evasions work at three levels:
//!
//! | step | level | what it undoes |
//! |---|---|---|
//! | [`InvisibleChars`] | text, before segmentation (offsets tracked) | zero-width characters, bidi controls, soft hyphens, variation selectors |
//! | [`SeparatedLetters`] | token sequence | `j o i n`, `j.o.i.n`, `s-t-a-t-e` |
//! | [`NfkcCaseFold`] | token | fullwidth and mathematical letters, case |
//! | [`Homoglyphs`] | token | Cyrillic and Greek look-alikes inside Latin words |
//! | [`Leetspeak`] | token | `h1jr4h`, `m@rtyr`, `$tate` |
//! | [`Elongation`] | token | `joooin` |
//! | [`ArabicNormalizer`] | token | tashkeel, tatweel, alef / yeh / teh marbuta variants |
//! | [`Diacritics`] | token | `é` → `e` (Latin script only) |
//! | [`Apostrophes`] | token | `bay'ah` / `bay’ah` → `bayah` |
//!
//! Token-level steps implement [`TokenNormalizer`]. To add a step, write a type implementing it
//! in its own file, add a variant to [`NormalizerStep`] and a switch to the builder.

mod apostrophes;
mod arabic;
mod casefold;
mod diacritics;
mod elongation;
mod homoglyph;
pub(crate) mod invisible;
mod leet;
mod separated;

pub use apostrophes::Apostrophes;
pub use arabic::ArabicNormalizer;
pub use casefold::NfkcCaseFold;
pub use diacritics::Diacritics;
pub use elongation::Elongation;
pub use homoglyph::Homoglyphs;
pub use invisible::InvisibleChars;
pub use leet::Leetspeak;
pub use separated::SeparatedLetters;

use serde::{Deserialize, Serialize};

/// Facts about the whole document that token-level steps may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocContext {
    /// Most words of the document are in Latin script.
    pub mostly_latin: bool,
}

/// A normalisation step applied to one token's text.
pub trait TokenNormalizer: Send + Sync {
    /// Normalises `word` in place and returns whether it changed. `scratch` is a reusable buffer.
    fn normalize(&self, word: &mut String, scratch: &mut String, ctx: &DocContext) -> bool;
    /// The [`crate::flags`] bit recorded on tokens this step changed.
    fn flag(&self) -> u16;
}

/// The token-level steps, as a serialisable enum dispatched by `match` (no virtual calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum NormalizerStep {
    /// See [`NfkcCaseFold`].
    NfkcCaseFold,
    /// See [`Homoglyphs`].
    Homoglyphs,
    /// See [`Leetspeak`].
    Leetspeak,
    /// See [`Elongation`].
    Elongation,
    /// See [`ArabicNormalizer`].
    Arabic,
    /// See [`Diacritics`].
    Diacritics,
    /// See [`Apostrophes`].
    Apostrophes,
}

impl TokenNormalizer for NormalizerStep {
    #[inline]
    fn normalize(&self, word: &mut String, scratch: &mut String, ctx: &DocContext) -> bool {
        match self {
            NormalizerStep::NfkcCaseFold => NfkcCaseFold.normalize(word, scratch, ctx),
            NormalizerStep::Homoglyphs => Homoglyphs.normalize(word, scratch, ctx),
            NormalizerStep::Leetspeak => Leetspeak.normalize(word, scratch, ctx),
            NormalizerStep::Elongation => Elongation.normalize(word, scratch, ctx),
            NormalizerStep::Arabic => ArabicNormalizer.normalize(word, scratch, ctx),
            NormalizerStep::Diacritics => Diacritics.normalize(word, scratch, ctx),
            NormalizerStep::Apostrophes => Apostrophes.normalize(word, scratch, ctx),
        }
    }
    fn flag(&self) -> u16 {
        match self {
            NormalizerStep::NfkcCaseFold => NfkcCaseFold.flag(),
            NormalizerStep::Homoglyphs => Homoglyphs.flag(),
            NormalizerStep::Leetspeak => Leetspeak.flag(),
            NormalizerStep::Elongation => Elongation.flag(),
            NormalizerStep::Arabic => ArabicNormalizer.flag(),
            NormalizerStep::Diacritics => Diacritics.flag(),
            NormalizerStep::Apostrophes => Apostrophes.flag(),
        }
    }
}

/// Replaces `word` by `scratch` (swap, no allocation) and reports a change.
#[inline]
pub(crate) fn swap_in(word: &mut String, scratch: &mut String) -> bool {
    let changed = *word != *scratch;
    std::mem::swap(word, scratch);
    changed
}

/// Runs one step on `s` in the default document context (for the steps' unit tests).
#[cfg(test)]
pub(crate) fn apply_default(step: &impl TokenNormalizer, s: &str) -> String {
    let mut w = s.to_string();
    step.normalize(&mut w, &mut String::new(), &DocContext::default());
    w
}
