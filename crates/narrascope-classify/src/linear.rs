//! Binary linear learners on dense features, one per model kind, all trained with linfa and
//! exported to the same sparse-friendly [`LinearScorer`] (weights and bias).

use linfa::prelude::*;
use linfa::traits::{Fit, FitWith, PredictInplace};
use linfa::DatasetBase;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::{ClassifyError, Result};
use crate::sparse_logistic::{SparseLogisticParams, SparseRecords};

/// The linfa learner behind a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// L2-regularised logistic regression (linfa-logistic), the primary model.
    #[default]
    Logistic,
    /// Multinomial naive Bayes (linfa-bayes).
    Nb,
    /// Linear support vector machine (linfa-svm).
    Svm,
    /// Follow-the-regularised-leader logistic regression (linfa-ftrl).
    Ftrl,
    /// The same objective as `Logistic`, trained on sparse rows over every feature with
    /// L-BFGS ([`crate::sparse_logistic`]): hundreds of times faster than the dense linfa fit.
    SparseLogistic,
}

impl ModelKind {
    /// All kinds.
    pub const ALL: [ModelKind; 5] = [
        ModelKind::Logistic,
        ModelKind::Nb,
        ModelKind::Svm,
        ModelKind::Ftrl,
        ModelKind::SparseLogistic,
    ];
    /// Name as used on command lines.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Logistic => "logistic",
            ModelKind::Nb => "nb",
            ModelKind::Svm => "svm",
            ModelKind::Ftrl => "ftrl",
            ModelKind::SparseLogistic => "sparse-logistic",
        }
    }
}

impl std::str::FromStr for ModelKind {
    type Err = ClassifyError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "logistic" | "lr" | "logreg" => Ok(ModelKind::Logistic),
            "nb" | "bayes" | "naive-bayes" | "multinomialnb" => Ok(ModelKind::Nb),
            "svm" | "linear-svm" => Ok(ModelKind::Svm),
            "ftrl" => Ok(ModelKind::Ftrl),
            "sparse-logistic" | "sparse_logistic" | "sparse" => Ok(ModelKind::SparseLogistic),
            _ => Err(ClassifyError::UnknownKind(s.to_string())),
        }
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Parameters of one binary learner.
///
/// | Name | Meaning per kind |
/// |---|---|
/// | `strength` | logistic and sparse-logistic: L2 `alpha`; nb: smoothing `alpha`; svm: `C`; ftrl: learning rate `alpha` |
/// | `pos_weight` | weight of positive documents (logistic and ftrl: positives resampled that many times; sparse-logistic: loss weight; svm: `C+ = C * w`; nb: ignored) |
/// | `max_iterations` | logistic and sparse-logistic: L-BFGS iterations; ftrl: epochs |
/// | `seed` | ftrl's initial weights and row order |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LinearParams {
    /// The learner.
    pub kind: ModelKind,
    /// Regularisation or smoothing strength (see the table).
    pub strength: f64,
    /// Positive class weight.
    pub pos_weight: f64,
    /// Iterations or epochs.
    pub max_iterations: u64,
    /// Seed.
    pub seed: u64,
}

/// A linear scorer: `margin = weights · x + bias`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearScorer {
    /// One weight per feature.
    pub weights: Vec<f32>,
    /// Bias.
    pub bias: f32,
}

impl PredictInplace<Array2<f64>, Array1<f32>> for LinearScorer {
    fn predict_inplace<'a>(&'a self, x: &'a Array2<f64>, y: &mut Array1<f32>) {
        for (row, out) in x.rows().into_iter().zip(y.iter_mut()) {
            let mut s = self.bias as f64;
            for (v, w) in row.iter().zip(&self.weights) {
                s += v * *w as f64;
            }
            *out = s as f32;
        }
    }
    fn default_target(&self, x: &Array2<f64>) -> Array1<f32> {
        Array1::zeros(x.nrows())
    }
}

/// Rows of positives repeated `round(w)` times (class weighting by resampling).
fn resample(x: ArrayView2<f64>, y: &Array1<bool>, w: f64) -> (Array2<f64>, Array1<bool>) {
    let k = w.round().max(1.0) as usize;
    let mut idx = Vec::with_capacity(y.len());
    for (i, &t) in y.iter().enumerate() {
        let reps = if t { k } else { 1 };
        idx.extend(std::iter::repeat_n(i, reps));
    }
    (x.select(Axis(0), &idx), idx.iter().map(|&i| y[i]).collect())
}

impl LinearParams {
    /// The sparse logistic parameters these stand for.
    pub fn sparse_params(&self) -> SparseLogisticParams {
        SparseLogisticParams {
            alpha: self.strength,
            pos_weight: self.pos_weight,
            max_iterations: self.max_iterations,
            ..Default::default()
        }
    }
}

fn learner_err(kind: &'static str) -> impl Fn(String) -> ClassifyError {
    move |reason| ClassifyError::Learner { kind, reason }
}

impl Fit<Array2<f64>, Array1<bool>, ClassifyError> for LinearParams {
    type Object = LinearScorer;

    fn fit(&self, ds: &DatasetBase<Array2<f64>, Array1<bool>>) -> Result<LinearScorer> {
        let x = ds.records();
        let y = ds.targets();
        if !y.iter().any(|&t| t) || y.iter().all(|&t| t) {
            return Err(ClassifyError::Data(
                "a label needs positive and negative training documents".into(),
            ));
        }
        let nf = x.ncols();
        match self.kind {
            ModelKind::Logistic => {
                let (xr, yr) = resample(x.view(), y, self.pos_weight);
                let model = linfa_logistic::LogisticRegression::<f64>::default()
                    .alpha(self.strength)
                    .max_iterations(self.max_iterations)
                    .fit(&Dataset::new(xr, yr))
                    .map_err(|e| learner_err("logistic")(e.to_string()))?;
                // the positive class is the larger label (true); flip if linfa says otherwise
                let sign = if model.labels().pos.class { 1.0 } else { -1.0 };
                Ok(LinearScorer {
                    weights: model.params().iter().map(|&w| (sign * w) as f32).collect(),
                    bias: (sign * model.intercept()) as f32,
                })
            }
            ModelKind::Nb => {
                let model = quiet_stderr(|| {
                    linfa_bayes::MultinomialNb::<f64, bool>::params()
                        .alpha(self.strength)
                        .fit(&Dataset::new(x.to_owned(), y.clone()))
                })
                .map_err(|e| learner_err("nb")(e.to_string()))?;
                // MultinomialNb keeps its histograms private: read them through serde.
                let v =
                    serde_json::to_value(&model).map_err(|e| learner_err("nb")(e.to_string()))?;
                let class = |k: &str| -> Result<(f64, Vec<f64>)> {
                    let c = &v["class_info"][k];
                    let prior = c["prior"]
                        .as_f64()
                        .ok_or_else(|| learner_err("nb")("no prior".into()))?;
                    let lp: Vec<f64> = c["feature_log_prob"]["data"]
                        .as_array()
                        .ok_or_else(|| learner_err("nb")("no feature_log_prob".into()))?
                        .iter()
                        .map(|x| x.as_f64().unwrap_or(f64::NEG_INFINITY))
                        .collect();
                    Ok((prior, lp))
                };
                let (pp, lpp) = class("true")?;
                let (pn, lpn) = class("false")?;
                if lpp.len() != nf || lpn.len() != nf {
                    return Err(learner_err("nb")("feature count mismatch".into()));
                }
                Ok(LinearScorer {
                    weights: lpp.iter().zip(&lpn).map(|(a, b)| (a - b) as f32).collect(),
                    bias: (pp.ln() - pn.ln()) as f32,
                })
            }
            ModelKind::Svm => {
                let model = linfa_svm::Svm::<f64, bool>::params()
                    .linear_kernel()
                    .pos_neg_weights(self.strength * self.pos_weight, self.strength)
                    .fit(&Dataset::new(x.to_owned(), y.clone()))
                    .map_err(|e| learner_err("svm")(e.to_string()))?;
                // The separating hyperplane is private: read it through serde.
                let v =
                    serde_json::to_value(&model).map_err(|e| learner_err("svm")(e.to_string()))?;
                let w: Vec<f32> = v["sep_hyperplane"]["Linear"]["data"]
                    .as_array()
                    .ok_or_else(|| learner_err("svm")("no linear hyperplane".into()))?
                    .iter()
                    .map(|x| x.as_f64().unwrap_or(0.0) as f32)
                    .collect();
                if w.len() != nf {
                    return Err(learner_err("svm")("feature count mismatch".into()));
                }
                Ok(LinearScorer {
                    weights: w,
                    bias: -(model.rho as f32),
                })
            }
            ModelKind::SparseLogistic => {
                let rows: Vec<narrascope_features::SparseVector> = x
                    .rows()
                    .into_iter()
                    .map(|r| {
                        let mut v = narrascope_features::SparseVector::new();
                        for (j, &x) in r.iter().enumerate().filter(|(_, x)| **x != 0.0) {
                            v.indices.push(j as u32);
                            v.values.push(x as f32);
                        }
                        v
                    })
                    .collect();
                let records = SparseRecords::from_vectors(&rows, nf)?;
                self.sparse_params()
                    .fit(&DatasetBase::new(records, y.clone()))
            }
            ModelKind::Ftrl => {
                use rand::{seq::SliceRandom, SeedableRng};
                // FTRL has no intercept: append a column of ones.
                let mut xa = Array2::<f64>::ones((x.nrows(), nf + 1));
                xa.slice_mut(ndarray::s![.., ..nf]).assign(x);
                let (xr, yr) = resample(xa.view(), y, self.pos_weight);
                let params = linfa_ftrl::Ftrl::params_with_rng(
                    rand_xoshiro::Xoshiro256Plus::seed_from_u64(self.seed),
                )
                .alpha(self.strength)
                .beta(1.0)
                .l1_ratio(0.0)
                .l2_ratio(1.0)
                .check()
                .map_err(|e| learner_err("ftrl")(e.to_string()))?;
                let mut rng = rand_xoshiro::Xoshiro256Plus::seed_from_u64(self.seed);
                let mut order: Vec<usize> = (0..xr.nrows()).collect();
                let mut model: Option<linfa_ftrl::Ftrl<f64>> = None;
                for _ in 0..self.max_iterations.max(1) {
                    order.shuffle(&mut rng);
                    for chunk in order.chunks(8) {
                        let bx = xr.select(Axis(0), chunk);
                        let by: Array1<bool> = chunk.iter().map(|&i| yr[i]).collect();
                        let m = params
                            .fit_with(model.take(), &Dataset::new(bx, by))
                            .map_err(|e| learner_err("ftrl")(e.to_string()))?;
                        model = Some(m);
                    }
                }
                let w = model
                    .ok_or_else(|| learner_err("ftrl")("no update".into()))?
                    .get_weights();
                Ok(LinearScorer {
                    weights: w.iter().take(nf).map(|&v| v as f32).collect(),
                    bias: w[nf] as f32,
                })
            }
        }
    }
}

/// linfa-bayes 0.8.1 has a leftover `dbg!` that prints its count arrays on every fit. On Unix,
/// standard error is pointed at /dev/null for the duration of the fit.
#[cfg(unix)]
fn quiet_stderr<T>(f: impl FnOnce() -> T) -> T {
    use std::os::fd::AsRawFd;
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
        return f();
    };
    // SAFETY: dup/dup2 on valid descriptors; fd 2 is restored before returning.
    unsafe {
        let saved = libc::dup(2);
        if saved < 0 {
            return f();
        }
        libc::dup2(null.as_raw_fd(), 2);
        let out = f();
        libc::dup2(saved, 2);
        libc::close(saved);
        out
    }
}

#[cfg(not(unix))]
fn quiet_stderr<T>(f: impl FnOnce() -> T) -> T {
    f()
}
