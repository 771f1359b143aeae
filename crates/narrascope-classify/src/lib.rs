//! # narrascope-classify
//!
//! Learns the narratives from labelled text with linfa and classifies at the speed of a sparse
//! dot product.
//!
//! - [`Trainer`]: fits the vectorizer, selects features (chi-square), trains one linfa learner
//!   per label ([`ModelKind`]: logistic regression, multinomial naive Bayes, linear SVM, FTRL;
//!   or [`ModelKind::SparseLogistic`], logistic regression trained on sparse rows, see
//!   [`sparse_logistic`])
//!   with hyper-parameters chosen on a dev split, calibrates (Platt or isotonic) and picks
//!   thresholds on dev (best F1, and a high-precision point).
//! - [`mlp`]: an optional hidden layer of ReLU units over the same features, whose logit each
//!   label adds to its linear margin with a weight chosen on dev
//!   ([`TrainerParams::mlp`]).
//! - [`gate`]: an optional look-alike gate, a scorer of the genres that must not be flagged
//!   (news, counter-speech, ...), learned from the training documents' `genre`, that pulls
//!   each gated label's margin down where it fires ([`TrainerParams::lookalike_gate`]).
//! - [`LinearParams`] implements linfa's `Fit` on dense `Array2<f64>` / `Array1<bool>` and
//!   yields a [`LinearScorer`], which implements `PredictInplace`.
//! - [`Model`]: the exported sparse linear scorer (and hidden layer, if any) with its
//!   vectorizer, calibration, thresholds and training summary; one file with magic bytes, format version and checksum. Inference
//!   touches neither linfa nor dense matrices.
//!
//! ```
//! use narrascope_classify::{corpus::Document, Trainer, ModelKind};
//! let doc = |t: &str, l: &[&str]| Document { id: String::new(), text: t.into(),
//!     labels: l.iter().map(|s| s.to_string()).collect(), genre: None, lang: None, text_en: None };
//! let train = vec![
//!     doc("make hijrah to the khilafah, brothers", &["recruitment"]),
//!     doc("the caravan of the khilafah is waiting for you", &["recruitment"]),
//!     doc("join the lions of the khilafah", &["recruitment"]),
//!     doc("the match was great, we fought like lions", &[]),
//!     doc("our startup is hiring, join us", &[]),
//!     doc("the weather is lovely today", &[]),
//! ];
//! let dev = vec![doc("hijrah to the khilafah now", &["recruitment"]), doc("lovely match today", &[])];
//! let (model, _report) = Trainer::params().kind(ModelKind::Logistic)
//!     .vectorizer(narrascope_features::Vectorizer::params().min_df(1))
//!     .fit(&train, &dev)?;
//! let p = model.score_text("make hijrah to the khilafah");
//! assert!(p[0] > model.score_text("a lovely match")[0]);
//! # Ok::<(), narrascope_classify::ClassifyError>(())
//! ```
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub mod calibrate;
pub mod corpus;
mod error;
pub mod gate;
mod linear;
pub mod metrics;
pub mod mlp;
mod model;
pub mod sparse_logistic;
mod trainer;

pub use calibrate::{Calibration, CalibrationKind};
pub use error::{ClassifyError, ModelFileProblem, Result};
pub use gate::LookalikeGate;
pub use linear::{LinearParams, LinearScorer, ModelKind};
pub use model::{
    fnv64, Contribution, DevMetrics, LabelModel, Model, Thresholds, TrainingSummary, MAGIC,
    MIN_MODEL_FORMAT_VERSION, MODEL_FORMAT_VERSION,
};
pub use trainer::{
    densify, transform_all, GateChoice, GatePoint, GateReport, HiddenReport, LookalikeBound,
    MixChoice, MixPoint, PosWeight, Trainer, TrainerParams, TrainerValidParams, TrainingReport,
    MIN_LOOKALIKE_DOCS, MIX_GRID,
};
