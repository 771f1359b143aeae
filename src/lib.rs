//! # narrascope
//!
//! Finds extremist propaganda narratives in text and tells them apart from text that only looks
//! like them. Two labels, either, both or neither per text:
//!
//! - **recruitment**: text that advances an extremist group's pull (glorifying its fighters and
//!   "state", calls to join, emigrate or pledge allegiance, enemies);
//! - **defection**: the account of a former member or their family who turned away (deceit,
//!   brutality, corruption, harsh life, regret, escape, warnings).
//!
//! News, research, counter-speech, ordinary religious language and everyday look-alikes are
//! meant to score low.
//!
//! ## Scores, flags and thresholds
//!
//! Each label gets a **calibrated probability** (Platt scaling fitted on a held-out dev split:
//! among texts scored 0.9, about nine in ten carried the label in dev). Two thresholds per
//! label, chosen on dev and stored in the model, not in code:
//!
//! - the **flag** threshold, the best-F1 point: [`Assessment::flags`];
//! - the **high-precision** threshold (precision 0.95 on dev) for automatic action:
//!   [`Assessment::high_precision_flags`] (empty when dev never reached that precision).
//!
//! ## Evidence
//!
//! [`Classifier::explain`] adds, per label, the features that pushed the score up the most,
//! each with its byte span in the **original** text (disguised words included), and a score
//! for every sentence, so a reviewer sees which sentences carry which narrative.
//!
//! ```
//! use narrascope::Classifier;
//! let clf = Classifier::builtin();
//! let text = "Brothers, the caravan of the khilafah is leaving. Make hijrah before the doors close!";
//! let a = clf.explain(text);
//! assert!(a.score("recruitment").unwrap() > a.score("defection").unwrap());
//! for e in &a.evidence {
//!     // every span slices the original text
//!     assert!(text.get(e.start..e.end).is_some());
//! }
//! ```
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use narrascope_classify::Model;
use narrascope_features::{Occurrence, SparseVector};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use narrascope_classify as classify;
pub use narrascope_classify::{ClassifyError as Error, ModelFileProblem};
pub use narrascope_features as features;
pub use narrascope_tokenize as tokenize;

/// The default model, embedded at build time.
static BUILTIN_BYTES: &[u8] = include_bytes!("../models/default.nsm");
static BUILTIN: OnceLock<Classifier> = OnceLock::new();

/// Texts longer than this are scored in windows of about this many bytes (split at white
/// space); the document's score per label is the highest window score.
pub const WINDOW_BYTES: usize = 16 * 1024;
/// Features kept per label by [`Classifier::explain`] (each with every place it occurs).
pub const EVIDENCE_PER_LABEL: usize = 10;
/// Features added by [`Classifier::explain`] for each sentence of a longer text that is
/// flagged on its own (weights then are the sentence's own contributions).
pub const EVIDENCE_PER_SENTENCE: usize = 3;

/// A trained classifier. Cheap to clone (an `Arc`), `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Classifier {
    model: Arc<Model>,
}

/// One piece of evidence: a feature that raised a label's score and where it occurred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The label it supports.
    pub label: String,
    /// Byte offset of the span in the original text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// The feature (`w:hijrah`, `w2:make hijrah`, `lex:emigrate_join`, ...).
    pub feature: String,
    /// Its contribution to the label's margin (log-odds units, before calibration).
    pub weight: f32,
}

/// Scores of one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceScore {
    /// Byte offset of the sentence in the original text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Calibrated probability per label, the sentence scored on its own.
    pub scores: BTreeMap<String, f32>,
}

/// The result of classifying one text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Assessment {
    /// Calibrated probability per label.
    pub scores: BTreeMap<String, f32>,
    /// Labels at or above their flag (best-F1) threshold.
    pub flags: Vec<String>,
    /// Labels at or above their high-precision threshold.
    pub high_precision_flags: Vec<String>,
    /// Evidence (only from [`Classifier::explain`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Sentence scores (only from [`Classifier::explain`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<SentenceScore>,
    /// Whether the input bytes were not valid UTF-8 and were decoded lossily.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lossy_utf8: bool,
    /// Number of windows the text was scored in (1 for texts up to [`WINDOW_BYTES`]).
    pub windows: usize,
}

impl Assessment {
    /// The score of a label, if the model has it.
    pub fn score(&self, label: &str) -> Option<f32> {
        self.scores.get(label).copied()
    }
    /// Whether a label is flagged.
    pub fn is_flagged(&self, label: &str) -> bool {
        self.flags.iter().any(|l| l == label)
    }
}

/// A label's thresholds, as stored in the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelThresholds {
    /// Label name.
    pub label: String,
    /// Flag threshold (best F1 on dev).
    pub flag: f32,
    /// High-precision threshold, if dev reached the target precision.
    pub high_precision: Option<f32>,
    /// The target precision.
    pub target_precision: f32,
}

impl Classifier {
    /// The built-in default model (`models/default.nsm`, embedded in the binary; decoded once).
    pub fn builtin() -> Classifier {
        BUILTIN
            .get_or_init(|| {
                let model = Model::from_bytes(BUILTIN_BYTES)
                    .expect("the embedded default model decodes (checked by the test suite)");
                Classifier::from_model(model)
            })
            .clone()
    }

    /// Loads a model file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; [`Error::ModelFile`] naming the file and
    /// the problem when it is empty, foreign, truncated, corrupted or of another version.
    pub fn load(path: impl AsRef<Path>) -> Result<Classifier, Error> {
        Ok(Classifier::from_model(Model::load(path)?))
    }

    /// Wraps a model.
    pub fn from_model(model: Model) -> Classifier {
        Classifier {
            model: Arc::new(model),
        }
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Label names.
    pub fn labels(&self) -> Vec<&str> {
        self.model.label_names().collect()
    }

    /// A classifier with the flag threshold of `label` set to `threshold` (a calibrated
    /// probability); this one is left unchanged. The built-in model's flag thresholds are
    /// chosen on dev under a look-alike bound and favour precision (see `models/README.md`):
    /// lower them for recall on short posts, at the cost of more look-alikes flagged.
    ///
    /// ```
    /// let clf = narrascope::Classifier::builtin().with_flag_threshold("recruitment", 0.5)?;
    /// assert_eq!(clf.thresholds().iter().find(|t| t.label == "recruitment").unwrap().flag, 0.5);
    /// assert!(narrascope::Classifier::builtin().with_flag_threshold("sports", 0.5).is_err());
    /// # Ok::<(), narrascope::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Threshold`] for a label the model does not have, or a threshold outside
    /// `[0, 1]`.
    pub fn with_flag_threshold(&self, label: &str, threshold: f32) -> Result<Classifier, Error> {
        let mut model = (*self.model).clone();
        model.set_flag_threshold(label, threshold)?;
        Ok(Classifier::from_model(model))
    }

    /// Thresholds per label.
    pub fn thresholds(&self) -> Vec<LabelThresholds> {
        self.model
            .labels()
            .iter()
            .map(|l| LabelThresholds {
                label: l.name.clone(),
                flag: l.thresholds.best_f1,
                high_precision: l.thresholds.high_precision,
                target_precision: l.thresholds.target_precision,
            })
            .collect()
    }

    /// Scores and flags of a text (no evidence: the fast path).
    pub fn classify(&self, text: &str) -> Assessment {
        self.assess(text, false)
    }

    /// Scores, flags, evidence and sentence scores of a text.
    ///
    /// Evidence per label: the [`EVIDENCE_PER_LABEL`] features that raise the label's margin
    /// most (per window of a long text), at every place they occur; and, in a text of several
    /// sentences, the [`EVIDENCE_PER_SENTENCE`] strongest features of each sentence that is
    /// flagged on its own. Sorted by weight within each label.
    pub fn explain(&self, text: &str) -> Assessment {
        self.assess(text, true)
    }

    /// Classifies raw bytes, decoding invalid UTF-8 lossily (reported in
    /// [`Assessment::lossy_utf8`]; evidence spans then refer to the decoded text).
    pub fn classify_bytes(&self, bytes: &[u8]) -> Assessment {
        match std::str::from_utf8(bytes) {
            Ok(s) => self.classify(s),
            Err(_) => {
                let s = String::from_utf8_lossy(bytes);
                let mut a = self.classify(&s);
                a.lossy_utf8 = true;
                a
            }
        }
    }

    /// Classifies many texts in parallel (rayon), results in input order.
    pub fn classify_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Assessment> {
        texts
            .par_iter()
            .map(|t| self.classify(t.as_ref()))
            .collect()
    }

    /// Calibrated probabilities only, in label order (the cheapest call).
    pub fn scores(&self, text: &str) -> Vec<f32> {
        if text.len() <= WINDOW_BYTES {
            // one window (or an empty text): no window list to build
            return self.model.score_text(text);
        }
        let mut best: Vec<f32> = Vec::new();
        for (_, w) in windows(text) {
            let p = self.model.score_text(w);
            if best.is_empty() {
                best = p;
            } else {
                best.iter_mut().zip(p).for_each(|(b, x)| *b = b.max(x));
            }
        }
        if best.is_empty() {
            best = self.model.score_text("");
        }
        best
    }

    fn assess(&self, text: &str, explain: bool) -> Assessment {
        let model = &*self.model;
        let names: Vec<&str> = model.label_names().collect();
        let nl = names.len();
        let mut best = vec![f32::NEG_INFINITY; nl];
        let mut a = Assessment::default();
        let mut x = SparseVector::new();
        let mut probs = Vec::with_capacity(nl);
        let mut occ: Vec<Occurrence> = Vec::new();
        let mut per_label: Vec<Vec<Evidence>> = vec![Vec::new(); nl];
        let wins = windows(text);
        a.windows = wins.len().max(1);
        for (off, w) in wins
            .iter()
            .copied()
            .chain(wins.is_empty().then_some((0, "")))
        {
            if !explain {
                model.score_text_into(w, &mut probs);
            } else {
                let v = model.vectorizer();
                let toks = v.tokenizer().tokenize(w);
                let n = toks.tokens().len();
                v.transform_tokens(&toks, 0..n, &mut x, Some(&mut occ));
                // the same sums as without `explain`, so that both give identical scores (the
                // sorted vector above would sum the dot products in another order)
                model.score_tokens_into(&toks, 0..n, &mut probs);
                for (l, ev) in per_label.iter_mut().enumerate() {
                    for c in model.contributions(&x, &occ, l, EVIDENCE_PER_LABEL) {
                        for (s, e) in &c.spans {
                            ev.push(Evidence {
                                label: names[l].to_string(),
                                start: off + s,
                                end: off + e,
                                feature: c.name.clone(),
                                weight: c.contribution,
                            });
                        }
                    }
                }
                let mut sx = SparseVector::new();
                let mut sp = Vec::with_capacity(nl);
                let mut socc: Vec<Occurrence> = Vec::new();
                let several = toks.sentences().len() > 1;
                for s in toks.sentences() {
                    v.transform_tokens(&toks, s.tokens.clone(), &mut sx, Some(&mut socc));
                    model.probabilities(&sx, &mut sp);
                    // In a text of several sentences, a sentence that is flagged on its own
                    // also shows its own strongest features: in a long text the document-level
                    // top features can all come from elsewhere.
                    for (l, ev) in per_label.iter_mut().enumerate() {
                        if !several || sp[l] < model.labels()[l].thresholds.best_f1 {
                            continue;
                        }
                        for c in model.contributions(&sx, &socc, l, EVIDENCE_PER_SENTENCE) {
                            for (s, e) in &c.spans {
                                let (start, end) = (off + s, off + e);
                                let seen = ev.iter().any(|x| {
                                    x.start == start && x.end == end && x.feature == c.name
                                });
                                if !seen {
                                    ev.push(Evidence {
                                        label: names[l].to_string(),
                                        start,
                                        end,
                                        feature: c.name.clone(),
                                        weight: c.contribution,
                                    });
                                }
                            }
                        }
                    }
                    a.sentences.push(SentenceScore {
                        start: off + s.span.start,
                        end: off + s.span.end,
                        scores: names
                            .iter()
                            .map(|n| n.to_string())
                            .zip(sp.iter().copied())
                            .collect(),
                    });
                }
            }
            for (b, p) in best.iter_mut().zip(&probs) {
                *b = b.max(*p);
            }
        }
        for (l, lm) in model.labels().iter().enumerate() {
            let p = best[l];
            a.scores.insert(lm.name.clone(), p);
            if p >= lm.thresholds.best_f1 {
                a.flags.push(lm.name.clone());
            }
            if lm.thresholds.high_precision.is_some_and(|t| p >= t) {
                a.high_precision_flags.push(lm.name.clone());
            }
        }
        if explain {
            for mut ev in per_label {
                ev.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.start.cmp(&b.start)));
                a.evidence.extend(ev);
            }
        }
        a
    }
}

/// Splits a long text into windows of about [`WINDOW_BYTES`] at white space (or at any char
/// boundary when a window has none), with their byte offsets. Short texts are one window.
fn windows(text: &str) -> Vec<(usize, &str)> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + WINDOW_BYTES).min(text.len());
        if end < text.len() {
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            // back up to the last white space in the second half of the window
            let half = start + WINDOW_BYTES / 2;
            if let Some(ws) = text[start..end].rfind(char::is_whitespace) {
                if start + ws > half {
                    end = start + ws;
                }
            }
            if end <= start {
                end = text[start..]
                    .char_indices()
                    .nth(1)
                    .map_or(text.len(), |(i, _)| start + i);
            }
        }
        out.push((start, &text[start..end]));
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_text() {
        let text = "word ".repeat(10_000) + "é".repeat(20_000).as_str();
        let w = windows(&text);
        assert!(w.len() > 3);
        let mut pos = 0;
        for (o, s) in &w {
            assert_eq!(*o, pos);
            pos += s.len();
        }
        assert_eq!(pos, text.len());
        assert_eq!(windows("short").len(), 1);
    }
}
