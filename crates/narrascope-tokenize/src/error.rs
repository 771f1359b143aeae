//! The error type of the tokenizer crate. Errors happen only when a tokenizer is built: tokenizing
//! itself never fails.

/// Errors raised while building a [`crate::Tokenizer`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenizeError {
    /// A language name that rust-stemmers does not know.
    #[error("unknown language {0:?} (expected an ISO 639-1 code such as \"en\" or a name such as \"english\")")]
    UnknownLanguage(String),
    /// A stopword list given by the caller could not be read.
    #[error("cannot read stopword list {path}: {source}")]
    StopwordFile {
        /// The path that was given.
        path: String,
        /// The underlying IO error.
        #[source]
        source: std::io::Error,
    },
    /// The configuration asks for something contradictory.
    #[error("invalid tokenizer configuration: {0}")]
    InvalidConfig(String),
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, TokenizeError>;
