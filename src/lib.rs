//! narrascope: find extremist propaganda narratives in text.
#![deny(missing_docs)]
pub use narrascope_tokenize as tokenize;
