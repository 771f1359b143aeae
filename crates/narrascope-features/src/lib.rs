//! # narrascope-features
//!
//! Turns tokens from [`narrascope_tokenize`] into the numbers the classifier learns from.
//!
//! | family | example name | what |
//! |---|---|---|
//! | word unigrams | `w:caravan` | stems, stopwords skipped |
//! | word n-grams | `w2:join us` | bigrams (trigrams optional), stopwords kept inside |
//! | char n-grams | `c:hij` | 3 to 5 characters within word boundaries |
//! | hashtags | `h:#khilafahisback` | whole tags; parts count as words |
//! | mentions | `m:@user` | |
//! | domains | `d:example.org` | URL and e-mail domains |
//! | emoji | `e:🔥` | |
//! | lexicons | `lex:emigrate_join` | one per narrative cue theme (`data/lexicons/`) |
//! | shape | `shape:first_person` | length bucket, person, quotes, exclamations, disguise, links |
//!
//! Keys are 64-bit hashes computed without allocating; strings are kept only in the fitted
//! vocabulary, for explanations. TF-IDF uses the idf of the fitted corpus, sublinear tf and L2
//! normalisation by default (shape features are appended outside the normalisation); the
//! additive and distinct [`Weighting`]s make a text's vector a sum over its words, which
//! [`Vectorizer::dot_rows`] turns into cached per-word sums of a linear layer's weights.
//! Chi-square selection keeps the dense matrices linfa trains on small.
//!
//! ```
//! use narrascope_features::Vectorizer;
//! let docs = ["make hijrah to the land of the khilafah", "we need engineers, join us", "I escaped, they lied"];
//! let v = Vectorizer::params().min_df(1).fit(&docs)?;
//! let x = v.transform("m4ke h1jr4h now");
//! let names: Vec<&str> = x.indices.iter().map(|&i| v.feature_name(i)).collect();
//! assert!(names.contains(&"lex:emigrate_join"));
//! # Ok::<(), narrascope_features::FeatureError>(())
//! ```
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

/// Builder setters for the `*Params(ValidParams)` newtypes of narrascope's crates: `name: Type`
/// stores the argument in the field of the same name, `name: Type => Some` stores
/// `Some(argument)`. Internal to narrascope (used by `narrascope-classify` too).
#[doc(hidden)]
#[macro_export]
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty $(=> $wrap:ident)?,)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.0.$name = $($wrap)?(value);
            self
        }
    )*};
}

mod error;
pub mod hash;
pub mod lexicon;
mod params;
mod rows;
mod seen;
mod sparse;
mod vectorizer;

pub use error::{FeatureError, Result};
pub use lexicon::{LexiconMatch, LexiconMatcher, LexiconSet, MatchScratch, Narrative, Theme};
pub use linfa::ParamGuard;
pub use params::{FamilyWeights, VectorizerParams, VectorizerValidParams, Weighting};
pub use rows::FeatureRows;
pub use sparse::SparseVector;
pub use vectorizer::{family, Occurrence, Vectorizer, FORMAT_VERSION, SHAPE_NAMES};
