//! The error type of the feature crate.

/// Errors raised by parameter checks, fitting and lexicon loading.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeatureError {
    /// Character n-gram range is empty or out of bounds.
    #[error("character n-gram range must satisfy 1 <= min <= max <= 8 (min = {0}, max = {1})")]
    CharNgramRange(usize, usize),
    /// Word n-gram order out of bounds.
    #[error("word n-gram order must be 1, 2 or 3 (got {0})")]
    WordNgramOrder(usize),
    /// A family weight is negative or not finite.
    #[error("weight of feature family {family} must be finite and >= 0 (got {weight})")]
    BadWeight {
        /// The family.
        family: &'static str,
        /// The weight given.
        weight: f32,
    },
    /// Every feature family is switched off.
    #[error("every feature family is switched off")]
    NoFamily,
    /// `min_df` or `max_features` is zero.
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    /// Fitting needs at least one document.
    #[error("cannot fit a vocabulary on an empty corpus")]
    EmptyCorpus,
    /// A lexicon file is malformed.
    #[error("lexicon {file}, line {line}: {reason}")]
    Lexicon {
        /// File (or embedded name) of the lexicon.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A lexicon file or directory cannot be read.
    #[error("cannot read lexicon {path}: {source}")]
    LexiconIo {
        /// The path.
        path: String,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// Labels and vectors of different lengths were given to feature selection.
    #[error("feature selection got {vectors} vectors but {labels} label rows")]
    LengthMismatch {
        /// Number of vectors.
        vectors: usize,
        /// Number of label rows.
        labels: usize,
    },
    /// The tokenizer configuration is invalid.
    #[error(transparent)]
    Tokenize(#[from] narrascope_tokenize::TokenizeError),
    /// A fitted vectorizer of an unknown format version.
    #[error(
        "vectorizer format version {found} is not supported (this build reads version {supported})"
    )]
    Version {
        /// Found in the data.
        found: u32,
        /// Supported by this build.
        supported: u32,
    },
    /// Inconsistent serialized state.
    #[error("corrupt vectorizer state: {0}")]
    Corrupt(String),
    /// Feature weight rows that cannot be used (see [`crate::FeatureRows::new`]).
    #[error("feature rows: {0}")]
    Rows(String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, FeatureError>;
