//! The trained model: vectorizer, per-label sparse linear scorers, calibration and thresholds,
//! and its file format.
//!
//! File layout (`.nsm`), little-endian:
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `NRSCMDL\0` |
//! | 4 | format version |
//! | 8 | payload length |
//! | 8 | FNV-1a 64 checksum of the payload |
//! | n | payload: bincode (standard configuration) of the model |

use std::path::Path;

use std::sync::OnceLock;

use narrascope_features::{FeatureRows, Occurrence, SparseVector, Vectorizer};
use narrascope_tokenize::Tokenized;
use serde::{Deserialize, Serialize};

use crate::calibrate::Calibration;
use crate::error::{ClassifyError, ModelFileProblem, Result};
use crate::gate::LookalikeGate;
use crate::linear::ModelKind;
use crate::metrics::BinaryMetrics;
use crate::mlp::{HiddenLayer, MAX_UNITS};

/// Magic bytes at the start of every model file.
pub const MAGIC: &[u8; 8] = b"NRSCMDL\0";
/// Current model file format version (4: an optional look-alike gate; 3: an optional hidden
/// layer; version 2 and 3 files, without them, are still read).
pub const MODEL_FORMAT_VERSION: u32 = 4;
/// Oldest format version this build reads.
pub const MIN_MODEL_FORMAT_VERSION: u32 = 2;
const HEADER: usize = 8 + 4 + 8 + 8;
/// Most bytes of memory a model file may claim while being decoded.
const DECODE_LIMIT: usize = 1 << 30;

/// Decision thresholds of a label, on calibrated probabilities, chosen on the dev split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// The best-F1 point on dev: the default flag.
    pub best_f1: f32,
    /// The lowest threshold reaching `target_precision` on dev, for automatic action; `None`
    /// when dev never reached it (then nothing is flagged for automatic action).
    pub high_precision: Option<f32>,
    /// The precision asked of `high_precision`.
    pub target_precision: f32,
}

/// Metrics of a label on the dev split, at its thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DevMetrics {
    /// At the best-F1 threshold.
    pub best_f1: BinaryMetrics,
    /// At the high-precision threshold, when there is one.
    pub high_precision: Option<BinaryMetrics>,
    /// Average precision (PR-AUC) of the calibrated scores.
    pub pr_auc: f64,
    /// Hyper-parameters chosen on dev: (strength, positive weight).
    pub chosen: (f64, f64),
}

/// One label's scorer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelModel {
    /// Label name.
    pub name: String,
    /// Calibration from margin to probability.
    pub calibration: Calibration,
    /// Thresholds on calibrated probabilities.
    pub thresholds: Thresholds,
    /// Dev metrics.
    pub dev: DevMetrics,
}

/// What the model was trained on and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TrainingSummary {
    /// Learner.
    pub kind: ModelKind,
    /// Training files.
    pub train_files: Vec<String>,
    /// Dev files.
    pub dev_files: Vec<String>,
    /// Training documents.
    pub n_train: usize,
    /// Dev documents.
    pub n_dev: usize,
    /// Positives per label in train.
    pub train_positives: Vec<(String, usize)>,
    /// Positives per label in dev.
    pub dev_positives: Vec<(String, usize)>,
    /// Features before selection.
    pub features_before_selection: usize,
    /// Features kept.
    pub features: usize,
    /// Seed.
    pub seed: u64,
    /// Free-form notes (command line, data choices).
    pub notes: String,
}

/// A trained model: everything needed to classify.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    vectorizer: Vectorizer,
    labels: Vec<LabelModel>,
    /// `weights[f * n_labels + l]`: weight of feature `f` for label `l` (interleaved, so
    /// scoring all labels is one pass over the sparse vector).
    weights: Vec<f32>,
    biases: Vec<f32>,
    summary: TrainingSummary,
    /// A hidden layer whose outputs add to the linear margins (see [`crate::mlp`]).
    hidden: Option<HiddenLayer>,
    /// A look-alike gate that pulls gated labels' margins down (see [`crate::gate`]).
    gate: Option<LookalikeGate>,
    /// For a vectorizer whose vectors sum over words
    /// ([`narrascope_features::Weighting::sums_over_words`]): every linear weight per feature (the
    /// labels', the hidden units', the gate's) as one table, built on first use, which
    /// [`Vectorizer::dot_rows`] sums per word (not stored in the file).
    #[serde(skip)]
    rows: OnceLock<Option<FeatureRows>>,
}

/// A version 2 model is a version 3 model without a hidden layer.
impl From<ModelV2> for ModelV3 {
    fn from(m: ModelV2) -> ModelV3 {
        ModelV3 {
            vectorizer: m.vectorizer,
            labels: m.labels,
            weights: m.weights,
            biases: m.biases,
            summary: m.summary,
            hidden: None,
        }
    }
}

/// A version 3 model is a model without a look-alike gate.
impl From<ModelV3> for Model {
    fn from(m: ModelV3) -> Model {
        Model {
            vectorizer: m.vectorizer,
            labels: m.labels,
            weights: m.weights,
            biases: m.biases,
            summary: m.summary,
            hidden: m.hidden,
            gate: None,
            rows: OnceLock::new(),
        }
    }
}

/// The layout of format version 3 (no look-alike gate), decoded and converted on load.
#[derive(Deserialize)]
struct ModelV3 {
    vectorizer: Vectorizer,
    labels: Vec<LabelModel>,
    weights: Vec<f32>,
    biases: Vec<f32>,
    summary: TrainingSummary,
    hidden: Option<HiddenLayer>,
}

/// The layout of format version 2 (no hidden layer), decoded and converted on load.
#[derive(Deserialize)]
struct ModelV2 {
    vectorizer: Vectorizer,
    labels: Vec<LabelModel>,
    weights: Vec<f32>,
    biases: Vec<f32>,
    summary: TrainingSummary,
}

/// One feature's contribution to a label's margin, with where it occurred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// Feature id.
    pub feature: u32,
    /// Readable feature name.
    pub name: String,
    /// `weight × value`, in margin units.
    pub contribution: f32,
    /// Byte spans in the original text where the feature occurred.
    pub spans: Vec<(usize, usize)>,
}

impl Model {
    /// Assembles a model (used by the trainer).
    ///
    /// # Errors
    /// [`ClassifyError::Data`] when shapes disagree.
    pub fn new(
        vectorizer: Vectorizer,
        labels: Vec<LabelModel>,
        scorers: Vec<crate::linear::LinearScorer>,
        summary: TrainingSummary,
    ) -> Result<Model> {
        let nf = vectorizer.len();
        let nl = labels.len();
        if scorers.len() != nl || scorers.iter().any(|s| s.weights.len() != nf) {
            return Err(ClassifyError::Data(
                "scorer shapes do not match the vocabulary".into(),
            ));
        }
        let mut weights = vec![0f32; nf * nl];
        for (l, s) in scorers.iter().enumerate() {
            for (f, &w) in s.weights.iter().enumerate() {
                weights[f * nl + l] = w;
            }
        }
        let biases = scorers.iter().map(|s| s.bias).collect();
        Ok(Model {
            vectorizer,
            labels,
            weights,
            biases,
            summary,
            hidden: None,
            gate: None,
            rows: OnceLock::new(),
        })
    }

    /// The model with `gate` as its look-alike gate, replacing any (for ablations and tests:
    /// the trainer fits calibrations and thresholds for the gate it trains, and they are kept
    /// as they are here).
    ///
    /// # Errors
    /// [`ClassifyError::Data`] when the gate does not fit the model's features and labels or
    /// holds non-finite or negative values.
    pub fn with_lookalike_gate(mut self, gate: LookalikeGate) -> Result<Model> {
        gate.validate(self.vectorizer.len(), self.labels.len())
            .map_err(ClassifyError::Data)?;
        self.gate = Some(gate);
        self.rows = OnceLock::new();
        Ok(self)
    }

    /// The look-alike gate, if the model has one.
    pub fn lookalike_gate(&self) -> Option<&LookalikeGate> {
        self.gate.as_ref()
    }

    /// Adds a hidden layer whose outputs add to the linear margins, and `biases` to the linear
    /// biases (used by the trainer).
    ///
    /// # Errors
    /// [`ClassifyError::Data`] when the layer's shapes do not match the model.
    pub(crate) fn with_hidden(mut self, layer: HiddenLayer, biases: &[f32]) -> Result<Model> {
        layer
            .validate(self.vectorizer.len(), self.labels.len())
            .map_err(ClassifyError::Data)?;
        if biases.len() != self.biases.len() {
            return Err(ClassifyError::Data("hidden layer biases".into()));
        }
        for (b, e) in self.biases.iter_mut().zip(biases) {
            *b += e;
        }
        self.hidden = Some(layer);
        self.rows = OnceLock::new();
        Ok(self)
    }

    /// Replaces each label's calibration and thresholds (used by the trainer once the hidden
    /// layer is mixed in).
    pub(crate) fn set_labels(&mut self, labels: Vec<LabelModel>) {
        debug_assert_eq!(labels.len(), self.labels.len());
        self.labels = labels;
    }

    /// Hidden units of the model's hidden layer (0 without one).
    pub fn hidden_units(&self) -> usize {
        self.hidden.as_ref().map_or(0, HiddenLayer::units)
    }

    /// Label names, in score order.
    pub fn label_names(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(|l| l.name.as_str())
    }
    /// Per-label details (calibration, thresholds, dev metrics).
    pub fn labels(&self) -> &[LabelModel] {
        &self.labels
    }
    /// Sets the flag threshold of `label` (a calibrated probability), for applications that
    /// need another operating point than the one chosen on dev: lower for recall on short
    /// posts, higher for precision. The high-precision threshold is left as it is.
    ///
    /// # Errors
    /// [`ClassifyError::Threshold`] for an unknown label (the message lists the model's labels)
    /// or a threshold outside `[0, 1]`.
    pub fn set_flag_threshold(&mut self, label: &str, threshold: f32) -> Result<()> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(ClassifyError::Threshold(format!(
                "flag threshold for {label:?} must be a probability in [0, 1], got {threshold}"
            )));
        }
        let names: Vec<&str> = self.label_names().collect();
        let known = names.join(", ");
        match self.labels.iter_mut().find(|l| l.name == label) {
            Some(l) => {
                l.thresholds.best_f1 = threshold;
                Ok(())
            }
            None => Err(ClassifyError::Threshold(format!(
                "the model has no label {label:?} (labels: {known})"
            ))),
        }
    }

    /// The vectorizer.
    pub fn vectorizer(&self) -> &Vectorizer {
        &self.vectorizer
    }
    /// Training summary.
    pub fn summary(&self) -> &TrainingSummary {
        &self.summary
    }
    /// Linear weight of feature `f` for label `l` (a model with a hidden layer adds to it a
    /// part that depends on the document: see [`Self::contributions`]).
    pub fn weight(&self, f: u32, l: usize) -> f32 {
        self.weights
            .get(f as usize * self.labels.len() + l)
            .copied()
            .unwrap_or(0.0)
    }

    /// Raw margins of a feature vector, one per label, into `out` (cleared first).
    #[inline]
    pub fn margins(&self, x: &SparseVector, out: &mut Vec<f32>) {
        let nl = self.labels.len();
        out.clear();
        out.extend_from_slice(&self.biases);
        for (&i, &v) in x.indices.iter().zip(&x.values) {
            let base = i as usize * nl;
            if let Some(ws) = self.weights.get(base..base + nl) {
                for (o, w) in out.iter_mut().zip(ws) {
                    *o += w * v;
                }
            }
        }
        if let Some(h) = &self.hidden {
            h.add_outputs(&h.pre_activations(x), out);
        }
        if let Some(g) = &self.gate {
            g.apply(g.margin(x), out);
        }
    }

    /// Calibrated probabilities of a feature vector into `out`.
    #[inline]
    pub fn probabilities(&self, x: &SparseVector, out: &mut Vec<f32>) {
        self.margins(x, out);
        for (o, l) in out.iter_mut().zip(&self.labels) {
            *o = l.calibration.apply(*o);
        }
    }

    /// Calibrated probabilities of a text.
    pub fn score_text(&self, text: &str) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.labels.len());
        self.score_text_into(text, &mut out);
        out
    }

    /// Like [`Self::score_text`], writing into `out` (no allocation once warm). The vector is
    /// never materialised in sorted order: its entries go straight into the dot products.
    pub fn score_text_into(&self, text: &str, out: &mut Vec<f32>) {
        self.score_into(Entries::Text(text), out)
    }

    /// Calibrated probabilities of the tokens `range` of already tokenized text, into `out`:
    /// for the tokens of a whole text, exactly what [`Self::score_text_into`] gives on the
    /// text (the same sums in the same order).
    pub fn score_tokens_into(
        &self,
        tokens: &Tokenized,
        range: std::ops::Range<usize>,
        out: &mut Vec<f32>,
    ) {
        self.score_into(Entries::Tokens(tokens, range), out)
    }

    fn score_into(&self, entries: Entries<'_>, out: &mut Vec<f32>) {
        if let Some(rows) = self.additive_rows() {
            return self.score_additive(entries, rows, out);
        }
        out.clear();
        out.extend_from_slice(&self.biases);
        // the pass over the features is compiled twice, so that a model without a gate pays
        // nothing for it (measured: about 1% more instructions per tweet otherwise)
        match &self.gate {
            Some(g) => {
                let gs = self.margins_pass::<true>(entries, out, &g.weights);
                g.apply(g.bias + gs, out);
            }
            None => {
                self.margins_pass::<false>(entries, out, &[]);
            }
        }
        for (o, l) in out.iter_mut().zip(&self.labels) {
            *o = l.calibration.apply(*o);
        }
    }

    /// The weight table of an additive or distinct model (see the `rows` field); `None` for
    /// the other weightings.
    fn additive_rows(&self) -> Option<&FeatureRows> {
        if !self.vectorizer.params_used().weighting().sums_over_words() {
            return None;
        }
        self.rows
            .get_or_init(|| {
                let nl = self.labels.len();
                let units = self.hidden_units();
                let width = nl + units + self.gate.is_some() as usize;
                let nf = self.vectorizer.len();
                let mut data = Vec::with_capacity(nf * width);
                for f in 0..nf {
                    data.extend((0..nl).map(|l| self.weight(f as u32, l)));
                    if let Some(h) = &self.hidden {
                        data.extend((0..units).map(|k| h.weight(f as u32, k)));
                    }
                    if let Some(g) = &self.gate {
                        data.push(g.weights.get(f).copied().unwrap_or(0.0));
                    }
                }
                // finite (validated on load) and a whole number of rows: never an error
                FeatureRows::new(width, data).ok()
            })
            .as_ref()
    }

    /// [`Self::score_into`] for an additive or distinct model: the vectorizer sums the rows (labels,
    /// hidden units, gate) per word, then the biases, the hidden layer's outputs, the gate and
    /// the calibration are applied as in the general pass.
    fn score_additive(&self, entries: Entries<'_>, rows: &FeatureRows, out: &mut Vec<f32>) {
        match entries {
            Entries::Text(t) => self.vectorizer.dot_rows(t, rows, out),
            Entries::Tokens(tokens, range) => {
                self.vectorizer.dot_rows_tokens(tokens, range, rows, out)
            }
        }
        let nl = self.labels.len();
        let mut act = [0f32; MAX_UNITS];
        if let Some(h) = &self.hidden {
            for (k, a) in act[..h.units()].iter_mut().enumerate() {
                *a = h.b1[k] + out[nl + k];
            }
        }
        let gate_sum = out[rows.width() - 1];
        out.truncate(nl);
        for (o, b) in out.iter_mut().zip(&self.biases) {
            *o += b;
        }
        if let Some(h) = &self.hidden {
            h.add_outputs(&act, out);
        }
        if let Some(g) = &self.gate {
            g.apply(g.bias + gate_sum, out);
        }
        for (o, l) in out.iter_mut().zip(&self.labels) {
            *o = l.calibration.apply(*o);
        }
    }

    /// Adds the linear and hidden-layer terms of every feature of `entries` to the margins in
    /// `out` (which hold the biases) in one pass; with `GATED`, also sums the gate's weights
    /// `gw` times the values, and returns that sum.
    #[inline]
    fn margins_pass<const GATED: bool>(
        &self,
        entries: Entries<'_>,
        out: &mut [f32],
        gw: &[f32],
    ) -> f32 {
        let mut gs = 0f32;
        let mut gate = |i: u32, v: f32| {
            if GATED {
                if let Some(w) = gw.get(i as usize) {
                    gs += w * v;
                }
            }
        };
        if let Some(h) = &self.hidden {
            let mut act = [0f32; MAX_UNITS];
            act[..h.units()].copy_from_slice(&h.b1);
            self.linear_pass(entries, out, |i, v| {
                h.accumulate(i, v, &mut act);
                gate(i, v);
            });
            h.add_outputs(&act, out);
        } else {
            self.linear_pass(entries, out, &mut gate);
        }
        gs
    }

    /// Adds each feature's linear weights times its value to the margins in `out`, in one
    /// pass over the entries, and hands every entry to `extra` (the hidden layer's and the
    /// gate's sums). Two labels (the built-in model) keep two running sums in registers.
    #[inline]
    fn linear_pass(&self, entries: Entries<'_>, out: &mut [f32], mut extra: impl FnMut(u32, f32)) {
        let nl = out.len();
        let weights = &self.weights;
        if let [a, b] = out {
            entries.for_each(&self.vectorizer, |i, v| {
                if let Some(&[wa, wb]) = weights.get(i as usize * 2..i as usize * 2 + 2) {
                    *a += wa * v;
                    *b += wb * v;
                }
                extra(i, v);
            });
        } else {
            entries.for_each(&self.vectorizer, |i, v| {
                let base = i as usize * nl;
                if let Some(ws) = weights.get(base..base + nl) {
                    for (o, w) in out.iter_mut().zip(ws) {
                        *o += w * v;
                    }
                }
                extra(i, v);
            });
        }
    }

    /// The features of `x` that push label `l` up the most (positive contributions, largest
    /// first, at most `top`), with the spans of `occurrences` where they occurred. A
    /// feature's contribution is its value times the derivative of the label's margin with
    /// respect to it: the linear weight, plus, with a hidden layer, the weight through the
    /// units this document activates (exact for the piecewise linear layer).
    pub fn contributions(
        &self,
        x: &SparseVector,
        occurrences: &[Occurrence],
        l: usize,
        top: usize,
    ) -> Vec<Contribution> {
        let act = self.hidden.as_ref().map(|h| (h, h.pre_activations(x)));
        // with a gate: the slope of the margin through the gate at this document
        let gate = self.gate.as_ref().map(|g| (g, g.slope(g.margin(x), l)));
        let mut c: Vec<(u32, f32)> = x
            .iter()
            .map(|(i, v)| {
                let through = act.as_ref().map_or(0.0, |(h, a)| h.gradient(a, i, l));
                let gated = gate.map_or(0.0, |(g, slope)| {
                    slope * g.weights.get(i as usize).copied().unwrap_or(0.0)
                });
                (i, (self.weight(i, l) + through + gated) * v)
            })
            .filter(|(_, c)| *c > 0.0)
            .collect();
        c.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        c.truncate(top);
        c.into_iter()
            .map(|(f, contribution)| {
                let mut spans: Vec<(usize, usize)> = occurrences
                    .iter()
                    .filter(|o| o.feature == f)
                    .map(|o| (o.span.start, o.span.end))
                    .collect();
                spans.sort_unstable();
                spans.dedup();
                Contribution {
                    feature: f,
                    name: self.vectorizer.feature_name(f).to_string(),
                    contribution,
                    spans,
                }
            })
            .collect()
    }

    /// Serialises the model into the file format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let payload = bincode::serde::encode_to_vec(self, bincode::config::standard())
            .expect("a model always serialises (plain data)");
        Self::frame(&payload)
    }

    /// Wraps a serialised payload in the file header (magic, format version, length,
    /// checksum). [`Self::to_bytes`] uses it; tests and fuzzers use it to build files whose
    /// header is valid around a payload they chose.
    pub fn frame(payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&MODEL_FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&fnv64(payload).to_le_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// Writes the model to `path` (atomically: a temporary file renamed into place).
    ///
    /// # Errors
    /// [`ClassifyError::Io`] naming the file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let tmp = path.with_extension("nsm.tmp");
        let io = |e| ClassifyError::Io {
            path: path.to_path_buf(),
            source: e,
        };
        std::fs::write(&tmp, self.to_bytes()).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Reads a model file.
    ///
    /// # Errors
    /// [`ClassifyError::Io`] when the file cannot be read; [`ClassifyError::ModelFile`] naming
    /// the file and the problem when it is empty, foreign, truncated, corrupted, of another
    /// format version, or inconsistent.
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| ClassifyError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Model::from_bytes(&bytes).map_err(|problem| ClassifyError::ModelFile {
            path: path.to_path_buf(),
            problem,
        })
    }

    /// Decodes a model from bytes (see [`Model::load`]).
    ///
    /// # Errors
    /// The [`ModelFileProblem`] found.
    pub fn from_bytes(bytes: &[u8]) -> std::result::Result<Model, ModelFileProblem> {
        if bytes.is_empty() {
            return Err(ModelFileProblem::Empty);
        }
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            // a prefix of the magic is a truncated model, anything else is foreign
            if MAGIC.starts_with(bytes) {
                return Err(ModelFileProblem::Truncated {
                    expected: HEADER as u64,
                    found: bytes.len() as u64,
                });
            }
            return Err(ModelFileProblem::Foreign);
        }
        if bytes.len() < HEADER {
            return Err(ModelFileProblem::Truncated {
                expected: HEADER as u64,
                found: bytes.len() as u64,
            });
        }
        let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().expect("4 bytes"));
        let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().expect("8 bytes"));
        let version = u32_at(8);
        if version > MODEL_FORMAT_VERSION {
            return Err(ModelFileProblem::NewerVersion {
                found: version,
                supported: MODEL_FORMAT_VERSION,
            });
        }
        if version < MIN_MODEL_FORMAT_VERSION {
            return Err(ModelFileProblem::OlderVersion {
                found: version,
                supported: MIN_MODEL_FORMAT_VERSION,
            });
        }
        let len = u64_at(12);
        let sum = u64_at(20);
        let expected = (HEADER as u64).saturating_add(len);
        let found = bytes.len() as u64;
        if found < expected {
            return Err(ModelFileProblem::Truncated { expected, found });
        }
        if found > expected {
            return Err(ModelFileProblem::TrailingBytes {
                extra: found - expected,
            });
        }
        let payload = &bytes[HEADER..];
        if fnv64(payload) != sum {
            return Err(ModelFileProblem::Checksum);
        }
        // The limit makes bincode refuse a length field claiming more than it before
        // allocating it (without one, a crafted length panics with "capacity overflow").
        let config = bincode::config::standard().with_limit::<DECODE_LIMIT>();
        let decoded = if version == 2 {
            bincode::serde::decode_from_slice::<ModelV2, _>(payload, config)
                .map(|(m, used)| (Model::from(ModelV3::from(m)), used))
        } else if version == 3 {
            bincode::serde::decode_from_slice::<ModelV3, _>(payload, config)
                .map(|(m, used)| (Model::from(m), used))
        } else {
            bincode::serde::decode_from_slice::<Model, _>(payload, config)
        };
        let (model, used) = decoded.map_err(|e| ModelFileProblem::Decode(e.to_string()))?;
        if used != payload.len() {
            return Err(ModelFileProblem::Decode(format!(
                "{} bytes left after the model",
                payload.len() - used
            )));
        }
        model.validate().map_err(ModelFileProblem::Invalid)?;
        Ok(model)
    }

    fn validate(&self) -> std::result::Result<(), String> {
        let nl = self.labels.len();
        if nl == 0 {
            return Err("no label".into());
        }
        if self.biases.len() != nl {
            return Err(format!("{} biases for {} labels", self.biases.len(), nl));
        }
        if self.weights.len() != self.vectorizer.len() * nl {
            return Err(format!(
                "{} weights for {} features and {} labels",
                self.weights.len(),
                self.vectorizer.len(),
                nl
            ));
        }
        if self
            .weights
            .iter()
            .chain(&self.biases)
            .any(|w| !w.is_finite())
        {
            return Err("non-finite weight".into());
        }
        if let Some(h) = &self.hidden {
            h.validate(self.vectorizer.len(), nl)?;
        }
        if let Some(g) = &self.gate {
            g.validate(self.vectorizer.len(), nl)?;
        }
        for l in &self.labels {
            if !l.calibration.is_valid() {
                return Err(format!("invalid calibration for label {}", l.name));
            }
            let t = &l.thresholds;
            let ok = |v: f32| (0.0..=1.0).contains(&v);
            if !ok(t.best_f1) || !t.high_precision.is_none_or(ok) {
                return Err(format!("threshold out of [0, 1] for label {}", l.name));
            }
        }
        Ok(())
    }
}

/// What a score is computed from: a text, or a range of tokens already made from one.
enum Entries<'a> {
    Text(&'a str),
    Tokens(&'a Tokenized, std::ops::Range<usize>),
}

impl Entries<'_> {
    /// Hands the entries of the (unordered) feature vector to `f`.
    #[inline]
    fn for_each(self, v: &Vectorizer, f: impl FnMut(u32, f32)) {
        match self {
            Entries::Text(t) => v.transform_for_each(t, f),
            Entries::Tokens(tokens, range) => v.transform_tokens_for_each(tokens, range, f),
        }
    }
}

/// FNV-1a 64 of bytes (the model file checksum).
pub fn fnv64(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
