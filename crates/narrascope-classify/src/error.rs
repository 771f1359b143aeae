//! Errors of the classifier crate.

use std::path::PathBuf;

/// Why a model file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelFileProblem {
    /// The file is empty.
    Empty,
    /// The file does not start with the narrascope model magic bytes: it is another format.
    Foreign,
    /// The file was written by a newer narrascope with a format this build cannot read.
    NewerVersion {
        /// Version in the file.
        found: u32,
        /// Newest version this build reads.
        supported: u32,
    },
    /// The file is an older format this build no longer reads.
    OlderVersion {
        /// Version in the file.
        found: u32,
        /// Oldest version this build reads.
        supported: u32,
    },
    /// The file is shorter than its header says.
    Truncated {
        /// Bytes the header announces (header included).
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// The file is longer than its header says.
    TrailingBytes {
        /// Bytes beyond the announced end.
        extra: u64,
    },
    /// The payload checksum does not match: the file is corrupted.
    Checksum,
    /// The payload could not be decoded.
    Decode(String),
    /// The payload decoded but is inconsistent.
    Invalid(String),
}

impl std::fmt::Display for ModelFileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelFileProblem::Empty => write!(f, "the file is empty"),
            ModelFileProblem::Foreign => write!(f, "not a narrascope model file (wrong magic bytes)"),
            ModelFileProblem::NewerVersion { found, supported } => write!(
                f,
                "model format version {found} is newer than this build supports ({supported}); upgrade narrascope"
            ),
            ModelFileProblem::OlderVersion { found, supported } => {
                write!(f, "model format version {found} is older than this build supports ({supported}); retrain")
            }
            ModelFileProblem::Truncated { expected, found } => {
                write!(f, "the file is truncated ({found} of {expected} bytes)")
            }
            ModelFileProblem::TrailingBytes { extra } => write!(f, "{extra} unexpected bytes after the model"),
            ModelFileProblem::Checksum => write!(f, "checksum mismatch: the file is corrupted"),
            ModelFileProblem::Decode(e) => write!(f, "cannot decode the model: {e}"),
            ModelFileProblem::Invalid(e) => write!(f, "inconsistent model: {e}"),
        }
    }
}

/// Errors of training, reading corpora and reading or writing model files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClassifyError {
    /// A model file is damaged, foreign or of an unsupported version.
    #[error("cannot load model {path}: {problem}")]
    ModelFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: ModelFileProblem,
    },
    /// An IO error on a named file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A line of a corpus file is not a valid document.
    #[error("{path}:{line}: {reason}")]
    BadLine {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Training data is unusable (no documents, a label without positives, ...).
    #[error("training data: {0}")]
    Data(String),
    /// Invalid trainer parameters.
    #[error("invalid trainer parameters: {0}")]
    Params(String),
    /// An invalid threshold setting (an unknown label, or not a probability).
    #[error("invalid threshold: {0}")]
    Threshold(String),
    /// An unknown model kind name.
    #[error("unknown model kind {0:?} (expected logistic, nb, svm or ftrl)")]
    UnknownKind(String),
    /// Feature extraction failed.
    #[error(transparent)]
    Feature(#[from] narrascope_features::FeatureError),
    /// linfa failed.
    #[error(transparent)]
    Linfa(#[from] linfa::Error),
    /// A linfa learner failed.
    #[error("{kind} training failed: {reason}")]
    Learner {
        /// Model kind.
        kind: &'static str,
        /// linfa's message.
        reason: String,
    },
}

/// Result alias.
pub type Result<T> = std::result::Result<T, ClassifyError>;
