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

/// How a text's counts become feature values: the term frequency, and the norm each group
/// of families (the character n-grams; every other family but shape) is divided by.
///
/// | variant | value of a feature counted `n` times | group norm |
/// |---|---|---|
/// | `Raw` | `n * idf` | L2 of the values |
/// | `Sublinear` (default) | `(1 + ln n) * idf` | L2 of the values |
/// | `Additive` | `n * idf` | `sqrt(sum of n * idf²)`: every occurrence counted as its own entry |
/// | `Distinct` | `idf` for a word-level feature (binary); for a character n-gram, `d * idf`, `d` the number of distinct words of the text that contain it | `sqrt(sum of d * idf²)` (`d` = 1 for word-level features) |
///
/// The four agree whenever no feature repeats in a text. `Additive` makes a text's vector a
/// sum over its occurrences, so a linear score is a sum over its words, and a word's part
/// can be computed once and cached: [`crate::Vectorizer::dot_rows`] scores such a model
/// without building the vector. Repeats weigh more than under `Sublinear` (the longer
/// hand-written passages lose a little ranking with it; short texts such as tweets rarely
/// repeat a feature). `Distinct` counts each distinct word of a text once and each
/// word-level feature (unigram, n-gram, hashtag, lexicon theme, ...) at most once: still a
/// sum over the distinct words, so `dot_rows` caches it the same way (with a per-text set of
/// the words and features already counted), without `Additive`'s weight on repeats.
///
/// Serialised as one byte (0 to 3) in binary formats (model files): `Raw` and `Sublinear` are
/// the `false` and `true` of the `sublinear_tf` flag that earlier versions stored there. In
/// human-readable formats (JSON) it is its name (`"sublinear"`), and the `sublinear_tf`
/// boolean of earlier versions is read too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weighting {
    /// Raw counts.
    Raw,
    /// `1 + ln(count)`.
    #[default]
    Sublinear,
    /// Raw counts, norm summed over occurrences.
    Additive,
    /// Each distinct word counted once, word-level features binary.
    Distinct,
}

impl Weighting {
    /// Every variant, in the order of their byte values.
    pub const ALL: [Weighting; 4] = [
        Weighting::Raw,
        Weighting::Sublinear,
        Weighting::Additive,
        Weighting::Distinct,
    ];

    /// The name used on command lines: `raw`, `sublinear`, `additive`, `distinct`.
    pub fn name(self) -> &'static str {
        match self {
            Weighting::Raw => "raw",
            Weighting::Sublinear => "sublinear",
            Weighting::Additive => "additive",
            Weighting::Distinct => "distinct",
        }
    }

    /// Whether a text's vector is a sum over its (distinct) words, which
    /// [`crate::Vectorizer::dot_rows`] exploits: `Additive` and `Distinct`.
    pub fn sums_over_words(self) -> bool {
        matches!(self, Weighting::Additive | Weighting::Distinct)
    }

    /// The variant called `name` (see [`Self::name`]).
    pub fn from_name(name: &str) -> Option<Weighting> {
        Self::ALL.into_iter().find(|w| w.name() == name)
    }
}

impl Serialize for Weighting {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(self.name())
        } else {
            s.serialize_u8(*self as u8)
        }
    }
}

impl<'de> Deserialize<'de> for Weighting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Weighting;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a weighting (raw, sublinear, additive, distinct, or its byte 0 to 3) or the \
                     sublinear_tf boolean",
                )
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<Weighting, E> {
                Ok(if v {
                    Weighting::Sublinear
                } else {
                    Weighting::Raw
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Weighting, E> {
                Weighting::ALL
                    .get(v as usize)
                    .copied()
                    .ok_or_else(|| E::custom(format!("unknown weighting {v}")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Weighting, E> {
                Weighting::from_name(v).ok_or_else(|| E::custom(format!("unknown weighting {v:?}")))
            }
        }
        // bincode (model files) cannot say what comes next: there it is always one byte
        if d.is_human_readable() {
            d.deserialize_any(V)
        } else {
            d.deserialize_u8(V)
        }
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
/// | `weighting` | [`Weighting::Sublinear`] | term frequency and normalisation | see [`Weighting`] |
/// | `weights` | see [`FamilyWeights`] | per-family weight, 0 = off | finite, >= 0 |
/// | `tokenizer` | all steps on | tokenizer configuration | |
/// | `lexicons` | built-in | narrative cue lexicons | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VectorizerValidParams {
    pub(crate) word_ngram_order: usize,
    pub(crate) char_ngram_range: (usize, usize),
    pub(crate) min_df: usize,
    pub(crate) max_features: usize,
    /// Stored in the byte that held the `sublinear_tf` flag of earlier versions (see
    /// [`Weighting`]), so their files still decode; JSON of earlier versions names it
    /// `sublinear_tf`.
    #[serde(alias = "sublinear_tf")]
    pub(crate) weighting: Weighting,
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
    /// Sublinear term frequency (`1 + ln(tf)`, with L2 normalisation).
    pub fn sublinear_tf(&self) -> bool {
        self.weighting == Weighting::Sublinear
    }
    /// Term frequency and normalisation.
    pub fn weighting(&self) -> Weighting {
        self.weighting
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
            weighting: Weighting::Sublinear,
            weights: FamilyWeights::default(),
            tokenizer: TokenizerConfig::default(),
            lexicons: LexiconSet::builtin(),
        })
    }
    /// Sublinear term frequency on (`true`, [`Weighting::Sublinear`]) or off
    /// ([`Weighting::Raw`]).
    pub fn sublinear_tf(mut self, on: bool) -> Self {
        self.0.weighting = if on {
            Weighting::Sublinear
        } else {
            Weighting::Raw
        };
        self
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
        /// Term frequency and normalisation (see [`Weighting`]).
        weighting: Weighting,
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
