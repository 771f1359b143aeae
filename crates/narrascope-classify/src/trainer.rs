//! Training: vectorizer fit, feature selection, one linfa learner per label with
//! hyper-parameters chosen on dev, calibration and thresholds on dev, export to a [`Model`].

use linfa::traits::Fit;
use linfa::{Dataset, DatasetBase, ParamGuard};
use narrascope_features::{SparseVector, Vectorizer, VectorizerParams};
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calibrate::{Calibration, CalibrationKind};
use crate::corpus::Document;
use crate::error::{ClassifyError, Result};
use crate::gate::{LookalikeGate, GATE_MAX_PR_AUC_LOSS, GATE_OFFSETS, GATE_STRENGTHS};
use crate::linear::{LinearParams, LinearScorer, ModelKind};
use crate::metrics;
use crate::mlp::MlpParams;
use crate::model::{DevMetrics, LabelModel, Model, Thresholds, TrainingSummary};
use crate::sparse_logistic::SparseRecords;

/// Weight of positive documents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum PosWeight {
    /// A fixed weight.
    Fixed(f64),
    /// `negatives / positives` of the label in train, to the power `exponent` (1 = balanced,
    /// 0.5 = half-way in log scale).
    Balanced(f64),
}

/// Checked trainer parameters.
///
/// | Name | Default | Purpose |
/// |---|---|---|
/// | `kind` | logistic | learner per label |
/// | `labels` | all labels in train | label set (e.g. only `recruitment`) |
/// | `vectorizer` | [`VectorizerParams::new`] | features |
/// | `select_k` | 3,000 | chi-square top-K per label: the model keeps the union, each label trains on its own K plus the shape and lexicon features; `None` keeps all |
/// | `prune_to` | none | sparse-logistic only: after a first fit on every feature (one grid point per label: the middle strength, the first positive weight), keep the `K` learned features that move the margins most (largest `max over labels of abs(weight)` times their summed training value) and train the whole grid again on those alone |
/// | `strengths` | per kind | grid of regularisation / smoothing values tried on dev |
/// | `pos_weights` | 1, balanced^0.5, balanced | grid of positive weights tried on dev |
/// | `max_iterations` | 100 (ftrl: 8 epochs) | learner iterations |
/// | `calibration` | Platt | calibration fitted on dev |
/// | `target_precision` | 0.95 | precision of the high-precision threshold |
/// | `lookalike_bound` | none | dev genres whose documents without a label bound its flag threshold ([`LookalikeBound`]) |
/// | `seed` | 42 | randomness (ftrl) |
/// | `english_translations` | false | also train on `text_en` where a document has one |
/// | `mlp` | none | a hidden layer next to the linear scorers ([`crate::mlp`]; sparse-logistic only) |
/// | `lookalike_gate` | false | a look-alike gate learned from the training genres of `lookalike_bound` ([`crate::gate`]; sparse-logistic only) |
#[derive(Debug, Clone)]
pub struct TrainerValidParams {
    kind: ModelKind,
    labels: Option<Vec<String>>,
    vectorizer: VectorizerParams,
    select_k: Option<usize>,
    prune_to: Option<usize>,
    strengths: Option<Vec<f64>>,
    pos_weights: Vec<PosWeight>,
    max_iterations: Option<u64>,
    calibration: CalibrationKind,
    target_precision: f64,
    lookalike_bound: Option<LookalikeBound>,
    seed: u64,
    english_translations: bool,
    mlp: Option<MlpParams>,
    lookalike_gate: bool,
    notes: String,
}

/// Genres the flag thresholds must keep clear of: each label's flag threshold becomes the best
/// dev F1 among thresholds that flag at most `max_fpr` of the dev documents without that label
/// in each genre of `genres` (the `genre` of dev documents; genres with fewer than
/// [`MIN_LOOKALIKE_DOCS`] such documents are ignored). The thresholds sit midway between dev
/// scores, so a score recomputed at inference with a last-bit difference lands on the same side.
#[derive(Debug, Clone, PartialEq)]
pub struct LookalikeBound {
    /// Genres that must not be flagged, e.g. `news`, `counter_speech`, `religious`.
    pub genres: Vec<String>,
    /// Largest share, in `[0, 1]`, of each genre's dev documents a flag threshold may flag.
    pub max_fpr: f64,
}

impl LookalikeBound {
    /// A bound of `max_fpr` on each of `genres`.
    pub fn new<S: Into<String>>(genres: impl IntoIterator<Item = S>, max_fpr: f64) -> Self {
        LookalikeBound {
            genres: genres.into_iter().map(Into::into).collect(),
            max_fpr,
        }
    }
}

/// Dev genres with fewer documents without a label than this do not bound its threshold (a
/// rate over a handful of documents is noise).
pub const MIN_LOOKALIKE_DOCS: usize = 10;

/// Unchecked trainer parameters (consuming builder); checked by [`ParamGuard`].
#[derive(Debug, Clone)]
pub struct TrainerParams(TrainerValidParams);

impl Default for TrainerParams {
    fn default() -> Self {
        Self::new()
    }
}

/// The training entry point.
#[derive(Debug, Clone, Copy)]
pub struct Trainer;

impl Trainer {
    /// Default parameters.
    pub fn params() -> TrainerParams {
        TrainerParams::new()
    }
}

impl TrainerParams {
    /// Defaults (see [`TrainerValidParams`]).
    pub fn new() -> Self {
        TrainerParams(TrainerValidParams {
            kind: ModelKind::Logistic,
            labels: None,
            vectorizer: VectorizerParams::new(),
            select_k: Some(3000),
            prune_to: None,
            strengths: None,
            pos_weights: vec![
                PosWeight::Fixed(1.0),
                PosWeight::Balanced(0.5),
                PosWeight::Balanced(1.0),
            ],
            max_iterations: None,
            calibration: CalibrationKind::Platt,
            target_precision: 0.95,
            lookalike_bound: None,
            seed: 42,
            english_translations: false,
            mlp: None,
            lookalike_gate: false,
            notes: String::new(),
        })
    }
    narrascope_features::setters! {
        /// Learner.
        kind: ModelKind,
        /// Restrict to these labels.
        labels: Vec<String> => Some,
        /// Vectorizer parameters.
        vectorizer: VectorizerParams,
        /// Chi-square top-K per label (`None`: no selection).
        select_k: Option<usize>,
        /// Sparse-logistic: keep this many learned features after a first fit, then refit.
        prune_to: usize => Some,
        /// Grid of strengths.
        strengths: Vec<f64> => Some,
        /// Grid of positive weights.
        pos_weights: Vec<PosWeight>,
        /// Iterations (logistic) or epochs (ftrl).
        max_iterations: u64 => Some,
        /// Calibration.
        calibration: CalibrationKind,
        /// Target precision of the high-precision threshold.
        target_precision: f64,
        /// Bound the flag thresholds by the dev false-positive rate of look-alike genres.
        lookalike_bound: LookalikeBound => Some,
        /// Seed.
        seed: u64,
        /// Also train on English translations (`text_en`).
        english_translations: bool,
        /// Add a hidden layer next to the linear scorers (sparse-logistic only; see
        /// [`crate::mlp`]): trained on the same rows and weights after them, its logit is
        /// added to each label's margin with a mixing weight chosen on dev (0, which drops
        /// it for that label, included), before calibration and thresholds.
        mlp: MlpParams => Some,
        /// Add a look-alike gate (sparse-logistic only; needs a [`LookalikeBound`], whose
        /// genres it learns; see [`crate::gate`]): a scorer of the training documents of
        /// those genres without a label, trained after the labels (and the hidden layer),
        /// that pulls each label's margin down by `strength * max(0, gate + offset)`, with
        /// the strength and offset chosen per label on dev: the best dev F1 at the flag
        /// threshold among the settings that cost at most
        /// [`crate::gate::GATE_MAX_PR_AUC_LOSS`] of dev PR-AUC (strength 0, no gate, always
        /// qualifies); then calibration and thresholds are refitted.
        lookalike_gate: bool,
    }
    /// Notes stored in the model's training summary.
    pub fn notes(mut self, n: impl Into<String>) -> Self {
        self.0.notes = n.into();
        self
    }
}

impl ParamGuard for TrainerParams {
    type Checked = TrainerValidParams;
    type Error = ClassifyError;

    fn check_ref(&self) -> Result<&TrainerValidParams> {
        let p = &self.0;
        if let Some(b) = &p.lookalike_bound {
            if !(0.0..=1.0).contains(&b.max_fpr) {
                return Err(ClassifyError::Params(format!(
                    "the look-alike false-positive rate must be in [0, 1], got {}",
                    b.max_fpr
                )));
            }
            if b.genres.is_empty() {
                return Err(ClassifyError::Params(
                    "a look-alike bound needs at least one genre".into(),
                ));
            }
        }
        if !(p.target_precision > 0.0 && p.target_precision <= 1.0) {
            return Err(ClassifyError::Params(format!(
                "target precision must be in (0, 1], got {}",
                p.target_precision
            )));
        }
        if let Some(s) = &p.strengths {
            if s.is_empty() || s.iter().any(|v| !v.is_finite() || *v <= 0.0) {
                return Err(ClassifyError::Params(
                    "strengths must be a non-empty list of positive numbers".into(),
                ));
            }
        }
        if p.pos_weights.is_empty()
            || p.pos_weights.iter().any(|w| match w {
                PosWeight::Fixed(v) => !v.is_finite() || *v <= 0.0,
                PosWeight::Balanced(e) => !e.is_finite() || *e < 0.0,
            })
        {
            return Err(ClassifyError::Params(
                "positive weights must be positive".into(),
            ));
        }
        if p.select_k == Some(0) {
            return Err(ClassifyError::Params("select_k must be at least 1".into()));
        }
        if p.prune_to.is_some() && p.kind != ModelKind::SparseLogistic {
            return Err(ClassifyError::Params(format!(
                "pruning by weight needs the sparse-logistic learner, not {}",
                p.kind
            )));
        }
        if let Some(m) = &p.mlp {
            m.check()?;
            if p.kind != ModelKind::SparseLogistic {
                return Err(ClassifyError::Params(format!(
                    "a hidden layer needs the sparse-logistic learner, not {}",
                    p.kind
                )));
            }
        }
        if p.lookalike_gate {
            if p.lookalike_bound.is_none() {
                return Err(ClassifyError::Params(
                    "a look-alike gate learns the genres of the look-alike bound: set one".into(),
                ));
            }
            if p.kind != ModelKind::SparseLogistic {
                return Err(ClassifyError::Params(format!(
                    "a look-alike gate needs the sparse-logistic learner, not {}",
                    p.kind
                )));
            }
        }
        if p.prune_to == Some(0) {
            return Err(ClassifyError::Params("prune_to must be at least 1".into()));
        }
        if p.labels.as_ref().is_some_and(|l| l.is_empty()) {
            return Err(ClassifyError::Params("the label list is empty".into()));
        }
        p.vectorizer.check_ref()?;
        Ok(p)
    }
    fn check(self) -> Result<TrainerValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// Default grid of strengths per learner.
fn default_strengths(kind: ModelKind) -> Vec<f64> {
    match kind {
        // linfa's objective is sum(loss) + alpha/2 |w|^2: alpha = 1/C of scikit-learn.
        ModelKind::Logistic => vec![0.03, 0.1, 0.3],
        ModelKind::Nb => vec![0.01, 0.1, 0.5],
        ModelKind::Svm => vec![0.3, 1.0],
        ModelKind::Ftrl => vec![0.05, 0.2],
        ModelKind::SparseLogistic => vec![0.01, 0.03, 0.1, 0.3],
    }
}

/// Dev PR-AUC of every (strength, positive weight) tried, per label.
pub type GridReport = Vec<(String, Vec<(f64, f64, f64)>)>;

/// The progress and outcome of training, for reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainingReport {
    /// Per label: every (strength, pos_weight) tried and its dev PR-AUC.
    pub grid: GridReport,
    /// Seconds spent.
    pub seconds: f64,
    /// The hidden layer, when one was trained.
    pub hidden: Option<HiddenReport>,
    /// The look-alike gate, when one was trained.
    pub gate: Option<GateReport>,
}

/// How the look-alike gate was trained and set per label.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GateReport {
    /// Training documents it learned from, and how many of them were its positives
    /// (look-alike genre, no label).
    pub rows: (usize, usize),
    /// Its regularisation strength (the one with the best dev PR-AUC on its own task).
    pub strength: f64,
    /// Dev PR-AUC of the gate on its own task (dev documents with a genre or a label).
    pub pr_auc: f64,
    /// Seconds spent.
    pub seconds: f64,
    /// Per label: the settings tried and the one chosen.
    pub labels: Vec<GateChoice>,
}

/// The gate settings tried for one label, and the one chosen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GateChoice {
    /// Label.
    pub label: String,
    /// Every (strength, offset) tried with the dev PR-AUC and F1 at the flag threshold.
    pub tried: Vec<GatePoint>,
    /// The (strength, offset) chosen; strength 0: not gated.
    pub chosen: (f32, f32),
}

/// One gate setting tried on dev.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct GatePoint {
    /// Strength (0: no gate).
    pub strength: f32,
    /// Offset.
    pub offset: f32,
    /// Dev PR-AUC of the gated margins.
    pub pr_auc: f64,
    /// Dev F1 at the flag threshold chosen for the gated margins.
    pub f1: f64,
}

/// How the hidden layer was trained and mixed in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HiddenReport {
    /// Epochs run, and the epoch whose weights were kept (best held-out loss).
    pub epochs: (usize, usize),
    /// Seconds spent training it.
    pub seconds: f64,
    /// Per label: the mixing weights tried and the one chosen.
    pub mix: Vec<MixChoice>,
}

/// The mixing weights tried for one label's hidden-layer logit, and the one chosen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MixChoice {
    /// Label.
    pub label: String,
    /// Every weight tried (relative to the ratio of the spreads of the linear margins and the
    /// layer's logits on dev), with the dev PR-AUC of the sum and its dev F1 at the flag
    /// threshold.
    pub tried: Vec<MixPoint>,
    /// The weight chosen (relative, as in `tried`).
    pub chosen: f32,
}

/// One mixing weight tried on dev.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct MixPoint {
    /// Relative weight (0: the linear scorer alone).
    pub weight: f32,
    /// Dev PR-AUC of the summed margins.
    pub pr_auc: f64,
    /// Dev F1 at the flag threshold chosen for the sum.
    pub f1: f64,
}

/// Mixing weights tried for the hidden layer, relative to the ratio of the spreads (the
/// first, 0, is the linear scorer alone).
pub const MIX_GRID: [f32; 6] = [0.0, 0.25, 0.5, 1.0, 2.0, 4.0];

impl TrainerParams {
    /// Checks the parameters and trains (see [`TrainerValidParams::fit`]).
    ///
    /// # Errors
    /// Parameter errors, then training errors.
    pub fn fit(&self, train: &[Document], dev: &[Document]) -> Result<(Model, TrainingReport)> {
        self.check_ref()?.fit(train, dev)
    }
}

impl TrainerValidParams {
    /// The highest dev score the flag threshold of one label must leave unflagged so that
    /// every look-alike genre's dev false-positive rate stays at or under
    /// the [`LookalikeBound`]'s rate (`None`: no bound).
    /// A label's calibration (fitted on its dev margins), thresholds and dev metrics.
    fn label_model(
        &self,
        name: &str,
        margins: &[f32],
        yd: &[bool],
        dev: &[Document],
        chosen: (f64, f64),
    ) -> LabelModel {
        let calibration = Calibration::fit(self.calibration, margins, yd);
        let probs: Vec<f32> = margins.iter().map(|&m| calibration.apply(m)).collect();
        let bound = self.threshold_bound(&probs, yd, dev);
        let best_f1 = metrics::best_f1_threshold_above(&probs, yd, bound).clamp(0.0, 1.0);
        // never below the flag threshold: a high-precision flag is always also a flag
        // (the look-alike bound can raise the flag threshold past the precision target)
        let high = metrics::precision_threshold(&probs, yd, self.target_precision)
            .map(|t| t.clamp(0.0, 1.0).max(best_f1));
        LabelModel {
            name: name.to_string(),
            calibration,
            thresholds: Thresholds {
                best_f1,
                high_precision: high,
                target_precision: self.target_precision as f32,
            },
            dev: DevMetrics {
                best_f1: metrics::at_threshold(&probs, yd, best_f1),
                high_precision: high.map(|t| metrics::at_threshold(&probs, yd, t)),
                pr_auc: metrics::average_precision(&probs, yd),
                chosen,
            },
        }
    }

    /// Trains the hidden layer on the training rows, chooses each label's mixing weight on
    /// dev (the best PR-AUC of the summed margins among the weights that keep the dev F1 at
    /// the flag threshold at least as high as without the layer; ties: the smaller weight),
    /// and recalibrates.
    #[allow(clippy::too_many_arguments)]
    fn add_hidden(
        &self,
        p: &MlpParams,
        model: Model,
        scorers: &[LinearScorer],
        texts: &[&str],
        y_train: &[Vec<bool>],
        row_weights: &[f32],
        dev: &[Document],
        y_dev: &[Vec<bool>],
    ) -> Result<(Model, HiddenReport)> {
        let t0 = std::time::Instant::now();
        let v = model.vectorizer();
        let xs = transform_all(v, texts);
        let layer = crate::mlp::fit(&xs, y_train, row_weights, v.len(), p)?;
        drop(xs);
        let dev_texts: Vec<&str> = dev.iter().map(|d| d.text.as_str()).collect();
        let x_dev = transform_all(v, &dev_texts);
        let logits = layer.logits(&x_dev);
        let mut mix = Vec::new();
        let mut tried = Vec::new();
        for (l, label) in model.labels().iter().enumerate() {
            let lin = margins_of(&scorers[l], &x_dev);
            let hid: Vec<f32> = logits.iter().map(|z| z[l]).collect();
            let yd: Vec<bool> = y_dev.iter().map(|r| r[l]).collect();
            let spread = |m: &[f32]| {
                let n = m.len() as f64;
                let mean = m.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
                (m.iter()
                    .map(|&x| (f64::from(x) - mean).powi(2))
                    .sum::<f64>()
                    / n)
                    .sqrt()
            };
            let (sl, sh) = (spread(&lin), spread(&hid));
            let ratio = if sh > 0.0 { (sl / sh) as f32 } else { 0.0 };
            let fixed = p.fixed_mix.map(|m| [0.0, m]);
            let grid: Vec<MixPoint> = fixed
                .as_ref()
                .map_or(&MIX_GRID[..], |f| &f[..])
                .iter()
                .map(|&g| {
                    let sum: Vec<f32> = lin
                        .iter()
                        .zip(&hid)
                        .map(|(a, b)| a + g * ratio * b)
                        .collect();
                    let f1 = self
                        .label_model(&label.name, &sum, &yd, dev, label.dev.chosen)
                        .dev
                        .best_f1
                        .f1;
                    MixPoint {
                        weight: g,
                        pr_auc: metrics::average_precision(&sum, &yd),
                        f1,
                    }
                })
                .collect();
            // the best dev PR-AUC among the weights whose F1 at the flag threshold is at
            // least the linear scorer's alone (the first grid point, weight 0): the layer may
            // improve the ranking, not at the cost of what the flag catches; ties: the
            // smaller weight. With a fixed weight, that weight.
            let floor = grid[0].f1;
            let best = grid
                .iter()
                .enumerate()
                .filter(|(i, g)| match fixed {
                    Some(_) => *i == 1,
                    None => g.f1 >= floor,
                })
                .max_by(|a, b| a.1.pr_auc.total_cmp(&b.1.pr_auc).then(b.0.cmp(&a.0)))
                .map(|(i, _)| i)
                .expect("the first grid point always qualifies");
            mix.push(grid[best].weight * ratio);
            tried.push(MixChoice {
                label: label.name.clone(),
                chosen: grid[best].weight,
                tried: grid,
            });
        }
        let (hidden, biases) = layer.export(&mix);
        let mut model = model.with_hidden(hidden, &biases)?;
        // calibration and thresholds of the summed margins, as the model computes them
        self.recalibrate(&mut model, &x_dev, y_dev, dev);
        let report = HiddenReport {
            epochs: layer.epochs,
            seconds: t0.elapsed().as_secs_f64(),
            mix: tried,
        };
        Ok((model, report))
    }

    /// Trains the look-alike gate on the training rows that have a genre or a label, chooses
    /// each label's strength and offset on dev, and recalibrates (see
    /// [`TrainerParams::lookalike_gate`]).
    #[allow(clippy::too_many_arguments)]
    fn add_gate(
        &self,
        model: Model,
        texts: &[&str],
        rows: &[&Document],
        row_weights: &[f32],
        dev: &[Document],
        y_dev: &[Vec<bool>],
    ) -> Result<(Model, GateReport)> {
        let t0 = std::time::Instant::now();
        let genres = &self
            .lookalike_bound
            .as_ref()
            .expect("checked: a gate comes with a look-alike bound")
            .genres;
        // a document the gate learns from: it has a genre or a label; a positive: a
        // look-alike genre and no label
        let role = |d: &Document| -> Option<bool> {
            let lookalike = d
                .genre
                .as_deref()
                .is_some_and(|g| genres.iter().any(|x| x == g));
            (d.genre.is_some() || !d.labels.is_empty()).then_some(lookalike && d.labels.is_empty())
        };
        let mut g_texts = Vec::new();
        let mut g_y = Vec::new();
        let mut g_w = Vec::new();
        for ((t, d), w) in texts.iter().zip(rows).zip(row_weights) {
            if let Some(y) = role(d) {
                g_texts.push(*t);
                g_y.push(y);
                g_w.push(*w);
            }
        }
        let n_pos = g_y.iter().filter(|&&y| y).count();
        if n_pos == 0 || n_pos == g_y.len() {
            return Err(ClassifyError::Data(format!(
                "a look-alike gate needs training documents of the genres {genres:?} without a label, and others with a genre or a label ({n_pos} of {})",
                g_y.len()
            )));
        }
        let dev_rows: Vec<(usize, bool)> = dev
            .iter()
            .enumerate()
            .filter_map(|(i, d)| role(d).map(|y| (i, y)))
            .collect();
        let v = model.vectorizer();
        let xs = transform_all(v, &g_texts);
        let records = SparseRecords::from_vectors(&xs, v.len())?;
        drop(xs);
        let ds =
            DatasetBase::new(records, Array1::from(g_y.clone())).with_weights(Array1::from(g_w));
        let dev_texts: Vec<&str> = dev.iter().map(|d| d.text.as_str()).collect();
        let x_dev = transform_all(v, &dev_texts);
        let gd_truth: Vec<bool> = dev_rows.iter().map(|&(_, y)| y).collect();
        let strengths = self
            .strengths
            .clone()
            .unwrap_or_else(|| default_strengths(self.kind));
        let fitted: Vec<Result<(f64, LinearScorer, f64)>> = strengths
            .par_iter()
            .map(|&s| {
                let p = LinearParams {
                    kind: ModelKind::SparseLogistic,
                    strength: s,
                    pos_weight: 1.0,
                    max_iterations: self.max_iterations.unwrap_or(100),
                    seed: self.seed,
                };
                let scorer = p.sparse_params().fit(&ds)?;
                let m: Vec<f32> = dev_rows
                    .iter()
                    .map(|&(i, _)| scorer.bias + x_dev[i].dot(&scorer.weights))
                    .collect();
                let ap = metrics::average_precision(&m, &gd_truth);
                Ok((s, scorer, ap))
            })
            .collect();
        let mut results = Vec::new();
        for r in fitted {
            results.push(r?);
        }
        // best dev PR-AUC; ties: the first strength
        let best = results
            .iter()
            .enumerate()
            .max_by(|a, b| a.1 .2.total_cmp(&b.1 .2).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)
            .expect("the strength grid is not empty");
        let (strength, scorer, gate_ap) = results.swap_remove(best);
        let g_dev: Vec<f32> = x_dev
            .iter()
            .map(|x| scorer.bias + x.dot(&scorer.weights))
            .collect();
        let base = dev_margins(&model, &x_dev);
        let mut per_label = Vec::new();
        let mut choices = Vec::new();
        for (l, label) in model.labels().iter().enumerate() {
            let yd: Vec<bool> = y_dev.iter().map(|r| r[l]).collect();
            let mut tried = Vec::new();
            for &st in &GATE_STRENGTHS {
                for &off in &GATE_OFFSETS {
                    if st == 0.0 && off != GATE_OFFSETS[0] {
                        continue; // strength 0 is the same for every offset
                    }
                    let gated: Vec<f32> = base
                        .iter()
                        .zip(&g_dev)
                        .map(|(r, &g)| r[l] - st * (g + off).max(0.0))
                        .collect();
                    let f1 = self
                        .label_model(&label.name, &gated, &yd, dev, label.dev.chosen)
                        .dev
                        .best_f1
                        .f1;
                    tried.push(GatePoint {
                        strength: st,
                        offset: off,
                        pr_auc: metrics::average_precision(&gated, &yd),
                        f1,
                    });
                }
            }
            // the best dev F1 among the settings that keep the PR-AUC within the allowed
            // loss of the ungated margins (the first point); ties: the earlier (weaker) one
            let floor = tried[0].pr_auc - GATE_MAX_PR_AUC_LOSS;
            let best = tried
                .iter()
                .enumerate()
                .filter(|(_, t)| t.pr_auc >= floor)
                .max_by(|a, b| a.1.f1.total_cmp(&b.1.f1).then(b.0.cmp(&a.0)))
                .map(|(i, _)| i)
                .expect("the first point always qualifies");
            let chosen = (tried[best].strength, tried[best].offset);
            per_label.push(chosen);
            choices.push(GateChoice {
                label: label.name.clone(),
                tried,
                chosen,
            });
        }
        let gate = LookalikeGate {
            weights: scorer.weights,
            bias: scorer.bias,
            per_label,
        };
        let mut model = model.with_lookalike_gate(gate)?;
        self.recalibrate(&mut model, &x_dev, y_dev, dev);
        Ok((
            model,
            GateReport {
                rows: (g_y.len(), n_pos),
                strength,
                pr_auc: gate_ap,
                seconds: t0.elapsed().as_secs_f64(),
                labels: choices,
            },
        ))
    }

    /// Refits each label's calibration and thresholds on the model's dev margins (after a
    /// part was added that changes them).
    fn recalibrate(
        &self,
        model: &mut Model,
        x_dev: &[SparseVector],
        y_dev: &[Vec<bool>],
        dev: &[Document],
    ) {
        let margins = dev_margins(model, x_dev);
        let labels = model
            .labels()
            .iter()
            .enumerate()
            .map(|(l, lm)| {
                let ml: Vec<f32> = margins.iter().map(|r| r[l]).collect();
                let yd: Vec<bool> = y_dev.iter().map(|r| r[l]).collect();
                self.label_model(&lm.name, &ml, &yd, dev, lm.dev.chosen)
            })
            .collect();
        model.set_labels(labels);
    }

    fn threshold_bound(&self, probs: &[f32], truth: &[bool], dev: &[Document]) -> Option<f32> {
        let lb = self.lookalike_bound.as_ref()?;
        let mut bound: Option<f32> = None;
        for g in &lb.genres {
            let negatives: Vec<f32> = probs
                .iter()
                .zip(truth)
                .zip(dev)
                .filter(|((_, &t), d)| !t && d.genre.as_deref() == Some(g.as_str()))
                .map(|((&p, _), _)| p)
                .collect();
            if negatives.len() >= MIN_LOOKALIKE_DOCS {
                if let Some(b) = metrics::fpr_bound(&negatives, lb.max_fpr) {
                    bound = Some(bound.map_or(b, |x: f32| x.max(b)));
                }
            }
        }
        bound
    }

    /// Trains a model on `train`, choosing hyper-parameters, calibration and thresholds on
    /// `dev`. Deterministic given the data and the seed.
    ///
    /// # Errors
    /// [`ClassifyError::Data`] for empty data or a label without positives in train or dev;
    /// feature and learner errors.
    pub fn fit(&self, train: &[Document], dev: &[Document]) -> Result<(Model, TrainingReport)> {
        self.fit_weighted(train, None, dev)
    }

    /// Like [`Self::fit`], with a weight per training document (for example to balance
    /// corpora of different sources: a document of weight 0.5 counts half in the loss).
    /// Supported by [`ModelKind::SparseLogistic`]; the dense linfa learners take no row
    /// weights.
    ///
    /// # Errors
    /// As [`Self::fit`]; [`ClassifyError::Params`] when weights are given for another learner,
    /// or are not one finite, non-negative number per training document.
    pub fn fit_weighted(
        &self,
        train: &[Document],
        weights: Option<&[f32]>,
        dev: &[Document],
    ) -> Result<(Model, TrainingReport)> {
        if let Some(w) = weights {
            if self.kind != ModelKind::SparseLogistic {
                return Err(ClassifyError::Params(format!(
                    "row weights need the sparse-logistic learner, not {}",
                    self.kind
                )));
            }
            if w.len() != train.len() || w.iter().any(|x| !x.is_finite() || *x < 0.0) {
                return Err(ClassifyError::Params(format!(
                    "{} weights for {} training documents (one finite weight >= 0 each)",
                    w.len(),
                    train.len()
                )));
            }
        }
        let t0 = std::time::Instant::now();
        if train.is_empty() || dev.is_empty() {
            return Err(ClassifyError::Data(
                "train and dev must both contain documents".into(),
            ));
        }
        let labels: Vec<String> = match &self.labels {
            Some(l) => l.clone(),
            None => {
                let mut l: Vec<String> = train
                    .iter()
                    .flat_map(|d| d.labels.iter().cloned())
                    .collect();
                l.sort();
                l.dedup();
                l
            }
        };
        if labels.is_empty() {
            return Err(ClassifyError::Data("no label in the training data".into()));
        }
        // training rows (with translations as extra rows when asked)
        let mut texts: Vec<&str> = Vec::with_capacity(train.len());
        let mut rows: Vec<&Document> = Vec::with_capacity(train.len());
        let mut row_weights: Vec<f32> = Vec::with_capacity(train.len());
        for (i, d) in train.iter().enumerate() {
            let w = weights.map_or(1.0, |w| w[i]);
            texts.push(&d.text);
            rows.push(d);
            row_weights.push(w);
            if self.english_translations {
                if let Some(en) = d
                    .text_en
                    .as_deref()
                    .filter(|t| !t.is_empty() && *t != d.text)
                {
                    texts.push(en);
                    rows.push(d);
                    row_weights.push(w);
                }
            }
        }
        let y_train: Vec<Vec<bool>> = rows
            .iter()
            .map(|d| labels.iter().map(|l| d.has(l)).collect())
            .collect();
        let y_dev: Vec<Vec<bool>> = dev
            .iter()
            .map(|d| labels.iter().map(|l| d.has(l)).collect())
            .collect();
        for (li, l) in labels.iter().enumerate() {
            let tp = y_train.iter().filter(|y| y[li]).count();
            let dp = y_dev.iter().filter(|y| y[li]).count();
            if tp == 0 || tp == y_train.len() {
                return Err(ClassifyError::Data(format!(
                    "label {l:?} needs positive and negative documents in train ({tp} of {})",
                    y_train.len()
                )));
            }
            if dp == 0 {
                return Err(ClassifyError::Data(format!(
                    "label {l:?} has no positive document in dev"
                )));
            }
        }

        let full = self.vectorizer.fit(&texts)?;
        let n_before = full.len();
        let vectorizer = match self.select_k {
            Some(k) if k < n_before => {
                let xs = transform_all(&full, &texts);
                full.select(&xs, &y_train, k)?
            }
            _ => full,
        };
        // `ranking_only`: one grid point per label (the middle strength, the first positive
        // weight), for the first fit of pruning, which only ranks the features
        let train_labels = |vectorizer: &Vectorizer, ranking_only: bool| -> Result<LabelFits> {
            let xs_train = transform_all(vectorizer, &texts);
            // Each label trains on its own columns: the fixed features and its own top-K. The
            // dense matrices linfa needs stay narrow (the union of all labels' features is wider).
            let rankings = vectorizer.chi2_ranking(&xs_train, &y_train)?;
            let dev_texts: Vec<&str> = dev.iter().map(|d| d.text.as_str()).collect();
            let x_dev_sparse = transform_all(vectorizer, &dev_texts);

            let mut strengths = self
                .strengths
                .clone()
                .unwrap_or_else(|| default_strengths(self.kind));
            let mut pos_weights = &self.pos_weights[..];
            if ranking_only {
                strengths = vec![strengths[strengths.len() / 2]];
                pos_weights = &pos_weights[..1];
            }
            let iters = self.max_iterations.unwrap_or(match self.kind {
                ModelKind::Ftrl => 8,
                _ => 100,
            });
            let sparse_records = if self.kind == ModelKind::SparseLogistic {
                Some(SparseRecords::from_vectors(&xs_train, vectorizer.len())?)
            } else {
                None
            };
            let mut label_models = Vec::new();
            let mut scorers = Vec::new();
            let mut grid_report = Vec::new();
            for (li, name) in labels.iter().enumerate() {
                let y: Array1<bool> = y_train.iter().map(|r| r[li]).collect();
                let yd: Vec<bool> = y_dev.iter().map(|r| r[li]).collect();
                let n_pos = y.iter().filter(|&&t| t).count() as f64;
                let ratio = (y.len() as f64 - n_pos) / n_pos;
                let mut grid: Vec<(f64, f64)> = Vec::new();
                for &s in &strengths {
                    let mut seen_w = Vec::new();
                    for w in pos_weights {
                        let w = match *w {
                            PosWeight::Fixed(v) => v,
                            PosWeight::Balanced(e) => ratio.powf(e).max(1.0),
                        };
                        let w = if matches!(self.kind, ModelKind::Logistic | ModelKind::Ftrl) {
                            w.round().max(1.0)
                        } else {
                            w
                        };
                        if self.kind == ModelKind::Nb && !seen_w.is_empty() {
                            continue; // naive Bayes ignores positive weights
                        }
                        if !seen_w.contains(&w) {
                            seen_w.push(w);
                            grid.push((s, w));
                        }
                    }
                }
                // The dense learners train on the fixed features and this label's top-K; the sparse
                // one on every feature the vectorizer kept.
                let sparse = self.kind == ModelKind::SparseLogistic;
                let mut cols: Vec<u32> = (0..vectorizer.n_fixed()).collect();
                if sparse {
                    cols = (0..vectorizer.len() as u32).collect();
                } else {
                    let k = self.select_k.unwrap_or(usize::MAX);
                    cols.extend(rankings[li].iter().take(k).map(|&(i, _)| i));
                    cols.sort_unstable();
                }
                let data = match &sparse_records {
                    Some(r) => {
                        let ds = DatasetBase::new(r.clone(), y.clone());
                        Data::Sparse(match weights {
                            Some(_) => ds.with_weights(Array1::from(row_weights.clone())),
                            None => ds,
                        })
                    }
                    None => Data::Dense(Dataset::new(
                        dense_columns(&xs_train, &cols, vectorizer.len()),
                        y.clone(),
                    )),
                };
                let fitted: Vec<Result<(f64, f64, LinearScorer, f64)>> = grid
                    .par_iter()
                    .map(|&(s, w)| {
                        let p = LinearParams {
                            kind: self.kind,
                            strength: s,
                            pos_weight: w,
                            max_iterations: iters,
                            seed: self.seed,
                        };
                        let narrow = match &data {
                            Data::Dense(ds) => p.fit(ds)?,
                            Data::Sparse(ds) => p.sparse_params().fit(ds)?,
                        };
                        let mut scorer = LinearScorer {
                            weights: vec![0.0; vectorizer.len()],
                            bias: narrow.bias,
                        };
                        for (&c, &w) in cols.iter().zip(&narrow.weights) {
                            scorer.weights[c as usize] = w;
                        }
                        let margins = margins_of(&scorer, &x_dev_sparse);
                        let ap = metrics::average_precision(&margins, &yd);
                        Ok((s, w, scorer, ap))
                    })
                    .collect();
                let mut results = Vec::new();
                for r in fitted {
                    results.push(r?);
                }
                grid_report.push((
                    name.clone(),
                    results.iter().map(|(s, w, _, ap)| (*s, *w, *ap)).collect(),
                ));
                // best dev PR-AUC; ties: the first in grid order (deterministic)
                let best = results
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1 .3.total_cmp(&b.1 .3).then(b.0.cmp(&a.0)))
                    .map(|(i, _)| i)
                    .expect("the grid is not empty");
                let (s, w, scorer, _) = results.swap_remove(best);
                let margins = margins_of(&scorer, &x_dev_sparse);
                label_models.push(self.label_model(name, &margins, &yd, dev, (s, w)));
                scorers.push(scorer);
            }
            Ok((label_models, scorers, grid_report))
        };
        let n_learned = vectorizer.len() - vectorizer.n_fixed() as usize;
        let vectorizer = match self.prune_to {
            Some(k) if k < n_learned => {
                let (_, ranking, _) = train_labels(&vectorizer, true)?;
                prune(&vectorizer, &ranking, &texts, k)?
            }
            _ => vectorizer,
        };
        let (label_models, scorers, grid_report) = train_labels(&vectorizer, false)?;
        let summary = TrainingSummary {
            kind: self.kind,
            train_files: Vec::new(),
            dev_files: Vec::new(),
            n_train: train.len(),
            n_dev: dev.len(),
            train_positives: labels
                .iter()
                .map(|l| (l.clone(), train.iter().filter(|d| d.has(l)).count()))
                .collect(),
            dev_positives: labels
                .iter()
                .map(|l| (l.clone(), dev.iter().filter(|d| d.has(l)).count()))
                .collect(),
            features_before_selection: n_before,
            features: vectorizer.len(),
            seed: self.seed,
            notes: self.notes.clone(),
        };
        let model = Model::new(vectorizer, label_models, scorers.clone(), summary)?;
        let (model, hidden) = match &self.mlp {
            Some(p) => {
                let (m, r) = self.add_hidden(
                    p,
                    model,
                    &scorers,
                    &texts,
                    &y_train,
                    &row_weights,
                    dev,
                    &y_dev,
                )?;
                (m, Some(r))
            }
            None => (model, None),
        };
        let (model, gate) = if self.lookalike_gate {
            let (m, r) = self.add_gate(model, &texts, &rows, &row_weights, dev, &y_dev)?;
            (m, Some(r))
        } else {
            (model, None)
        };
        Ok((
            model,
            TrainingReport {
                grid: grid_report,
                seconds: t0.elapsed().as_secs_f64(),
                hidden,
                gate,
            },
        ))
    }
}

/// Per label: the fitted label model, its scorer, and the grid tried.
type LabelFits = (Vec<LabelModel>, Vec<LinearScorer>, GridReport);

/// The vectorizer keeping the `k` learned features that move the margins of `scorers` most
/// on the training `texts`: largest `max over labels of abs(weight)` times the feature's summed
/// TF-IDF value (ties: lower id first), plus every fixed feature.
fn prune(v: &Vectorizer, scorers: &[LinearScorer], texts: &[&str], k: usize) -> Result<Vectorizer> {
    let xs = transform_all(v, texts);
    let mut total = vec![0f64; v.len()];
    for x in &xs {
        for (i, val) in x.iter() {
            total[i as usize] += f64::from(val);
        }
    }
    let fixed = v.n_fixed() as usize;
    let mut ranked: Vec<(usize, f64)> = (fixed..v.len())
        .map(|i| {
            let w = scorers
                .iter()
                .map(|s| s.weights[i].abs() as f64)
                .fold(0.0, f64::max);
            (i, w * total[i])
        })
        .collect();
    ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut keep = vec![false; v.len()];
    for &(i, _) in ranked.iter().take(k) {
        keep[i] = true;
    }
    Ok(v.retain(&keep)?)
}

/// Training rows of one label, dense (linfa learners) or sparse.
enum Data {
    Dense(Dataset<f64, bool, ndarray::Ix1>),
    Sparse(DatasetBase<SparseRecords, Array1<bool>>),
}

/// Transforms texts in parallel (order kept).
pub fn transform_all(v: &Vectorizer, texts: &[&str]) -> Vec<SparseVector> {
    texts.par_iter().map(|t| v.transform(t)).collect()
}

/// Every label's margin (as the model computes it, before calibration) of each vector.
fn dev_margins(model: &Model, xs: &[SparseVector]) -> Vec<Vec<f32>> {
    let mut m = Vec::new();
    xs.iter()
        .map(|x| {
            model.margins(x, &mut m);
            m.clone()
        })
        .collect()
}

fn margins_of(s: &LinearScorer, xs: &[SparseVector]) -> Vec<f32> {
    xs.iter().map(|x| x.dot(&s.weights) + s.bias).collect()
}

/// Dense matrix of sparse vectors (exposed for callers training their own learners).
pub fn densify(v: &Vectorizer, xs: &[SparseVector]) -> Array2<f64> {
    v.to_dense(xs)
}

/// Dense matrix of the columns `cols` (ascending feature ids) of sparse vectors.
fn dense_columns(xs: &[SparseVector], cols: &[u32], n_features: usize) -> Array2<f64> {
    let mut map = vec![u32::MAX; n_features];
    for (j, &c) in cols.iter().enumerate() {
        map[c as usize] = j as u32;
    }
    let mut m = Array2::<f64>::zeros((xs.len(), cols.len()));
    for (r, x) in xs.iter().enumerate() {
        for (i, v) in x.iter() {
            if let Some(&j) = map.get(i as usize) {
                if j != u32::MAX {
                    m[[r, j as usize]] = v as f64;
                }
            }
        }
    }
    m
}
