//! Vectorizer parameters (linfa `ParamGuard` style: unchecked builder → checked params).

use linfa::ParamGuard;
use narrascope_tokenize::TokenizerConfig;
use serde::{Deserialize, Serialize};

use crate::error::{FeatureError, Result};
use crate::lexicon::LexiconSet;

/// Weight of each feature family; `0.0` switches a family off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FamilyWeights {
    /// Word unigrams over stems (stopwords skipped).
    pub word_unigrams: f32,
    /// Word bigrams (and trigrams when `word_ngram_order` is 3), stopwords kept inside.
    pub word_ngrams: f32,
    /// Character n-grams within word boundaries over normalised words.
    pub char_ngrams: f32,
    /// Hashtags as whole tags (their word parts count as words).
    pub hashtags: f32,
    /// Mentions.
    pub mentions: f32,
    /// URL and e-mail domains.
    pub domains: f32,
    /// Emoji.
    pub emoji: f32,
    /// Narrative cue lexicon themes.
    pub lexicons: f32,
    /// Document shape (length, person, quotes, exclamations, disguise, links).
    pub shape: f32,
    /// Word unigrams of words inside quotations (`q:` features), on top of their ordinary
    /// features: they let a model learn that a slogan quoted by a reporter or a critic is
    /// mentioned, not asserted.
    pub quoted_words: f32,
}

impl Default for FamilyWeights {
    fn default() -> Self {
        FamilyWeights {
            word_unigrams: 1.0,
            word_ngrams: 1.0,
            char_ngrams: 1.0,
            hashtags: 1.0,
            mentions: 0.5,
            domains: 1.0,
            emoji: 1.0,
            lexicons: 1.0,
            shape: 0.3,
            quoted_words: 1.0,
        }
    }
}

impl FamilyWeights {
    narrascope_tokenize::named_fields!(
        /// The family names, as [`Self::weight_mut`] and configuration files spell them.
        const NAMES;
        /// The weight of the family called `name` (one of [`Self::NAMES`]), `None` for an
        /// unknown name.
        ///
        /// ```
        /// use narrascope_features::FamilyWeights;
        /// let mut w = FamilyWeights::default();
        /// *w.weight_mut("quoted_words").unwrap() = 0.0;
        /// assert_eq!(w.quoted_words, 0.0);
        /// assert!(w.weight_mut("no_such_family").is_none());
        /// ```
        fn weight_mut -> f32;
        [
            word_unigrams,
            word_ngrams,
            char_ngrams,
            hashtags,
            mentions,
            domains,
            emoji,
            lexicons,
            shape,
            quoted_words,
        ]
    );

    /// `(name, weight)` in the order of [`Self::NAMES`].
    pub(crate) fn named(&self) -> [(&'static str, f32); 10] {
        let mut w = self.clone();
        std::array::from_fn(|i| {
            let name = Self::NAMES[i];
            (name, *w.weight_mut(name).expect("every name is known"))
        })
    }
}

/// Checked vectorizer parameters.
///
/// | Name | Default | Purpose | Range |
/// |---|---|---|---|
/// | `word_ngram_order` | 2 | longest word n-gram | 1..=3 |
/// | `char_ngram_range` | (3, 5) | character n-gram lengths | 1 <= min <= max <= 8 |
/// | `min_df` | 2 | minimum document frequency to enter the vocabulary | >= 1 |
/// | `max_features` | 500,000 | vocabulary size cap (most frequent kept) | >= 1 |
/// | `sublinear_tf` | true | `1 + ln(tf)` instead of raw counts | |
/// | `weights` | see [`FamilyWeights`] | per-family weight, 0 = off | finite, >= 0 |
/// | `tokenizer` | all steps on | tokenizer configuration | |
/// | `lexicons` | built-in | narrative cue lexicons | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VectorizerValidParams {
    pub(crate) word_ngram_order: usize,
    pub(crate) char_ngram_range: (usize, usize),
    pub(crate) min_df: usize,
    pub(crate) max_features: usize,
    pub(crate) sublinear_tf: bool,
    pub(crate) weights: FamilyWeights,
    pub(crate) tokenizer: TokenizerConfig,
    pub(crate) lexicons: LexiconSet,
}

impl VectorizerValidParams {
    /// Longest word n-gram.
    pub fn word_ngram_order(&self) -> usize {
        self.word_ngram_order
    }
    /// Character n-gram lengths.
    pub fn char_ngram_range(&self) -> (usize, usize) {
        self.char_ngram_range
    }
    /// Minimum document frequency.
    pub fn min_df(&self) -> usize {
        self.min_df
    }
    /// Vocabulary cap.
    pub fn max_features(&self) -> usize {
        self.max_features
    }
    /// Sublinear term frequency.
    pub fn sublinear_tf(&self) -> bool {
        self.sublinear_tf
    }
    /// Family weights.
    pub fn weights(&self) -> &FamilyWeights {
        &self.weights
    }
    /// Tokenizer configuration.
    pub fn tokenizer(&self) -> &TokenizerConfig {
        &self.tokenizer
    }
    /// Lexicons.
    pub fn lexicons(&self) -> &LexiconSet {
        &self.lexicons
    }
}

/// Unchecked vectorizer parameters: a consuming builder. Checks happen in
/// [`ParamGuard::check`], which `fit` calls.
///
/// ```
/// use narrascope_features::Vectorizer;
/// let v = Vectorizer::params().min_df(1).char_ngram_range(2, 4).fit(&["join us now", "come and join"])?;
/// assert!(v.len() > 0);
/// # Ok::<(), narrascope_features::FeatureError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VectorizerParams(pub(crate) VectorizerValidParams);

impl Default for VectorizerParams {
    fn default() -> Self {
        Self::new()
    }
}

impl VectorizerParams {
    /// Default parameters.
    pub fn new() -> Self {
        VectorizerParams(VectorizerValidParams {
            word_ngram_order: 2,
            char_ngram_range: (3, 5),
            min_df: 2,
            max_features: 500_000,
            sublinear_tf: true,
            weights: FamilyWeights::default(),
            tokenizer: TokenizerConfig::default(),
            lexicons: LexiconSet::builtin(),
        })
    }
    /// Character n-gram lengths.
    pub fn char_ngram_range(mut self, min: usize, max: usize) -> Self {
        self.0.char_ngram_range = (min, max);
        self
    }
    setters! {
        /// Longest word n-gram (1, 2 or 3).
        word_ngram_order: usize,
        /// Minimum document frequency.
        min_df: usize,
        /// Vocabulary cap.
        max_features: usize,
        /// Sublinear term frequency.
        sublinear_tf: bool,
        /// Family weights.
        weights: FamilyWeights,
        /// Tokenizer configuration.
        tokenizer: TokenizerConfig,
        /// Lexicons (default: the built-in ones).
        lexicons: LexiconSet,
    }
}

impl ParamGuard for VectorizerParams {
    type Checked = VectorizerValidParams;
    type Error = FeatureError;

    fn check_ref(&self) -> Result<&VectorizerValidParams> {
        let p = &self.0;
        let (a, b) = p.char_ngram_range;
        if a == 0 || a > b || b > 8 {
            return Err(FeatureError::CharNgramRange(a, b));
        }
        if !(1..=3).contains(&p.word_ngram_order) {
            return Err(FeatureError::WordNgramOrder(p.word_ngram_order));
        }
        for (family, weight) in p.weights.named() {
            if !weight.is_finite() || weight < 0.0 {
                return Err(FeatureError::BadWeight { family, weight });
            }
        }
        if p.weights.named().iter().all(|(_, w)| *w == 0.0) {
            return Err(FeatureError::NoFamily);
        }
        if p.min_df == 0 {
            return Err(FeatureError::Zero("min_df"));
        }
        if p.max_features == 0 {
            return Err(FeatureError::Zero("max_features"));
        }
        Ok(p)
    }

    fn check(self) -> Result<VectorizerValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_family_names_are_the_fields() {
        // a family added without a name (or a name left over) fails here
        let v = serde_json::to_value(FamilyWeights::default()).unwrap();
        let mut fields: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut names = FamilyWeights::NAMES.to_vec();
        fields.sort_unstable();
        names.sort_unstable();
        assert_eq!(fields, names);
        // and each name reaches its own field
        for (i, name) in FamilyWeights::NAMES.into_iter().enumerate() {
            let mut w = FamilyWeights::default();
            *w.weight_mut(name).unwrap() = 100.0 + i as f32;
            let set: Vec<&str> = w
                .named()
                .into_iter()
                .filter(|(_, x)| *x == 100.0 + i as f32)
                .map(|(n, _)| n)
                .collect();
            assert_eq!(set, [name]);
            assert_eq!(serde_json::to_value(&w).unwrap()[name], 100.0 + i as f64);
        }
    }
}
