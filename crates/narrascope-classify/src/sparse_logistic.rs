//! L2-regularised logistic regression trained directly on sparse rows, with L-BFGS.
//!
//! The objective is linfa-logistic's, `sum_i w_i log(1 + exp(-y_i (x_i . b + c))) + alpha/2 |b|^2`
//! (the intercept `c` is not regularised; `w_i` is the positive-class weight for positives and
//! 1 for negatives), so a strength means the same for both learners, and a test checks that
//! both reach the same weights. linfa-logistic needs a dense `Array2`: every cost evaluation
//! touches `rows x features` numbers, most of them zeros. Here an evaluation touches only the
//! stored entries (a tweet has one or two hundred of the tens of thousands of features), so a
//! fit over all features takes a fraction of a second where the dense one takes a minute over
//! a selected few thousand.
//!
//! [`SparseRecords`] implements linfa's `Records`, and [`SparseLogisticParams`] linfa's `Fit`,
//! so the learner plugs into linfa's `Dataset` like the others.

use linfa::dataset::Records;
use linfa::traits::Fit;
use linfa::DatasetBase;
use narrascope_features::SparseVector;
use ndarray::Array1;
use serde::{Deserialize, Serialize};

use crate::error::{ClassifyError, Result};
use crate::linear::LinearScorer;

/// Rows of sparse features in compressed sparse row form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseRecords {
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
    n_features: usize,
}

impl SparseRecords {
    /// Stacks sparse vectors as rows over `n_features` columns.
    ///
    /// # Errors
    /// [`ClassifyError::Data`] when a vector has an id `>= n_features`.
    pub fn from_vectors(rows: &[SparseVector], n_features: usize) -> Result<Self> {
        let nnz = rows.iter().map(|r| r.nnz()).sum();
        let mut out = SparseRecords {
            indptr: Vec::with_capacity(rows.len() + 1),
            indices: Vec::with_capacity(nnz),
            values: Vec::with_capacity(nnz),
            n_features,
        };
        out.indptr.push(0);
        for (i, r) in rows.iter().enumerate() {
            if let Some(&bad) = r.indices.iter().find(|&&j| j as usize >= n_features) {
                return Err(ClassifyError::Data(format!(
                    "row {i} has feature {bad}, beyond the {n_features} columns"
                )));
            }
            out.indices.extend_from_slice(&r.indices);
            out.values.extend_from_slice(&r.values);
            out.indptr.push(out.indices.len());
        }
        Ok(out)
    }

    /// Row `i` as (ids, values).
    #[inline]
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }
}

impl Records for SparseRecords {
    type Elem = f32;
    fn nsamples(&self) -> usize {
        self.indptr.len() - 1
    }
    fn nfeatures(&self) -> usize {
        self.n_features
    }
}

/// Parameters of [`SparseRecords`] logistic regression.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SparseLogisticParams {
    /// L2 strength `alpha` (linfa-logistic's meaning: 1/C of scikit-learn).
    pub alpha: f64,
    /// Weight of each positive row in the loss.
    pub pos_weight: f64,
    /// L-BFGS iterations at most.
    pub max_iterations: u64,
    /// Stop when the largest gradient component of the *mean* loss (the objective divided by
    /// the number of rows, as scikit-learn's `tol` for lbfgs) falls below this.
    pub gradient_tolerance: f64,
}

impl Default for SparseLogisticParams {
    fn default() -> Self {
        SparseLogisticParams {
            alpha: 0.1,
            pos_weight: 1.0,
            max_iterations: 100,
            gradient_tolerance: 1e-4,
        }
    }
}

/// `log(1 + exp(-m))` without overflow.
#[inline]
fn log1p_exp_neg(m: f64) -> f64 {
    if m > 0.0 {
        (-m).exp().ln_1p()
    } else {
        -m + m.exp().ln_1p()
    }
}

/// Loss and gradient at `p` (weights then the intercept, last).
fn loss_grad(
    x: &SparseRecords,
    y: &[bool],
    rows: Option<&[f32]>,
    p: &SparseLogisticParams,
    theta: &[f64],
    grad: &mut [f64],
) -> f64 {
    let nf = x.n_features;
    let (w, c) = (&theta[..nf], theta[nf]);
    grad.fill(0.0);
    let mut loss = 0.0;
    let mut gc = 0.0;
    for (i, &t) in y.iter().enumerate() {
        let (ids, vals) = x.row(i);
        let mut z = c;
        for (&j, &v) in ids.iter().zip(vals) {
            z += w[j as usize] * v as f64;
        }
        let (sign, weight) = if t { (1.0, p.pos_weight) } else { (-1.0, 1.0) };
        let weight = weight * rows.map_or(1.0, |r| r[i] as f64);
        let m = sign * z;
        loss += weight * log1p_exp_neg(m);
        // d loss / d z = -sign * sigmoid(-m)
        let g = -sign * weight / (1.0 + m.exp());
        gc += g;
        for (&j, &v) in ids.iter().zip(vals) {
            grad[j as usize] += g * v as f64;
        }
    }
    let mut reg = 0.0;
    for (gj, &wj) in grad[..nf].iter_mut().zip(w) {
        reg += wj * wj;
        *gj += p.alpha * wj;
    }
    grad[nf] = gc;
    loss + 0.5 * p.alpha * reg
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Minimises `f` from `x` with limited-memory BFGS (history `m`) and a backtracking Armijo
/// line search. `f(x, grad)` returns the value and writes the gradient. Returns the number of
/// iterations run.
fn lbfgs(
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    x: &mut Vec<f64>,
    m: usize,
    max_iter: u64,
    gtol: f64,
) -> u64 {
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut fx = f(x, &mut g);
    let mut hist: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> = Default::default();
    let (mut d, mut xn, mut gn) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut alphas = vec![0.0; m];
    let mut it = 0;
    while it < max_iter {
        if g.iter().fold(0.0f64, |a, v| a.max(v.abs())) <= gtol {
            break;
        }
        it += 1;
        // two-loop recursion: d = -H g
        d.copy_from_slice(&g);
        for (k, (s, y, rho)) in hist.iter().enumerate().rev() {
            alphas[k] = rho * dot(s, &d);
            d.iter_mut().zip(y).for_each(|(q, yi)| *q -= alphas[k] * yi);
        }
        let gamma = match hist.back() {
            Some((s, y, _)) => dot(s, y) / dot(y, y),
            None => 1.0 / dot(&g, &g).sqrt().max(1.0),
        };
        d.iter_mut().for_each(|v| *v *= gamma);
        for (k, (s, y, rho)) in hist.iter().enumerate() {
            let b = rho * dot(y, &d);
            d.iter_mut()
                .zip(s)
                .for_each(|(r, si)| *r += si * (alphas[k] - b));
        }
        d.iter_mut().for_each(|v| *v = -*v);
        let mut gd = dot(&g, &d);
        if gd >= 0.0 {
            // not a descent direction (numerical trouble): restart from steepest descent
            hist.clear();
            d.iter_mut().zip(&g).for_each(|(di, gi)| *di = -gi);
            gd = -dot(&g, &g);
        }
        // backtracking line search (Armijo)
        let mut step = 1.0;
        let mut fnew;
        let mut tries = 0;
        loop {
            xn.iter_mut()
                .zip(x.iter().zip(&d))
                .for_each(|(o, (xi, di))| *o = xi + step * di);
            fnew = f(&xn, &mut gn);
            if fnew.is_finite() && fnew <= fx + 1e-4 * step * gd {
                break;
            }
            tries += 1;
            if tries >= 40 {
                return it; // no progress possible at this precision
            }
            step *= 0.5;
        }
        let s: Vec<f64> = xn.iter().zip(x.iter()).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = gn.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&y, &y).max(f64::MIN_POSITIVE) {
            if hist.len() == m {
                hist.pop_front();
            }
            hist.push_back((s, y, 1.0 / sy));
        }
        let decrease = fx - fnew;
        std::mem::swap(x, &mut xn);
        std::mem::swap(&mut g, &mut gn);
        fx = fnew;
        if decrease <= 1e-12 * fx.abs().max(1.0) {
            break;
        }
    }
    it
}

impl Fit<SparseRecords, Array1<bool>, ClassifyError> for SparseLogisticParams {
    type Object = LinearScorer;

    fn fit(&self, ds: &DatasetBase<SparseRecords, Array1<bool>>) -> Result<LinearScorer> {
        let x = &ds.records;
        let y = ds
            .targets
            .as_slice()
            .ok_or_else(|| ClassifyError::Data("targets must be a contiguous array".to_string()))?;
        if y.len() != x.nsamples() {
            return Err(ClassifyError::Data(format!(
                "{} rows but {} targets",
                x.nsamples(),
                y.len()
            )));
        }
        if !y.iter().any(|&t| t) || y.iter().all(|&t| t) {
            return Err(ClassifyError::Data(
                "a label needs positive and negative training documents".into(),
            ));
        }
        let alpha_ok = self.alpha.is_finite() && self.alpha >= 0.0;
        let weight_ok = self.pos_weight.is_finite() && self.pos_weight > 0.0;
        if !alpha_ok || !weight_ok {
            return Err(ClassifyError::Params(format!(
                "sparse logistic needs alpha >= 0 and pos_weight > 0 (got {} and {})",
                self.alpha, self.pos_weight
            )));
        }
        // linfa's dataset weights, when set, weigh each row's loss (the positive weight on top)
        let rows = ds.weights();
        if let Some(r) = rows {
            if r.len() != y.len() || r.iter().any(|w| !w.is_finite() || *w < 0.0) {
                return Err(ClassifyError::Data(format!(
                    "{} row weights for {} rows, all finite and >= 0 expected",
                    r.len(),
                    y.len()
                )));
            }
        }
        let nf = x.n_features;
        let mut theta = vec![0.0; nf + 1];
        lbfgs(
            |t, g| loss_grad(x, y, rows, self, t, g),
            &mut theta,
            10,
            self.max_iterations,
            self.gradient_tolerance * x.nsamples() as f64,
        );
        Ok(LinearScorer {
            weights: theta[..nf].iter().map(|&v| v as f32).collect(),
            bias: theta[nf] as f32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::prelude::*;
    use ndarray::Array2;

    /// A small separable-ish problem with a sparse and a dense view of the same rows.
    fn problem() -> (SparseRecords, Array2<f64>, Array1<bool>) {
        let (n, nf) = (300, 25);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut rows = Vec::new();
        let mut dense = Array2::zeros((n, nf));
        let mut y = Vec::new();
        for i in 0..n {
            let mut v = SparseVector::new();
            let mut score = 0.0;
            for j in 0..nf {
                if rnd() < 0.3 {
                    let x = (rnd() * 2.0) as f32;
                    v.indices.push(j as u32);
                    v.values.push(x);
                    dense[[i, j]] = x as f64;
                    score += if j < 5 { x as f64 } else { -0.3 * x as f64 };
                }
            }
            y.push(score + rnd() - 0.5 > 0.0);
            rows.push(v);
        }
        (
            SparseRecords::from_vectors(&rows, nf).unwrap(),
            dense,
            Array1::from(y),
        )
    }

    #[test]
    fn reaches_linfa_logistic_solution() {
        let (sx, dx, y) = problem();
        let ours = tight(1.0, 1.0)
            .fit(&DatasetBase::new(sx, y.clone()))
            .unwrap();
        let theirs = linfa_logistic::LogisticRegression::<f64>::default()
            .alpha(1.0)
            .max_iterations(500)
            .gradient_tolerance(1e-7)
            .fit(&Dataset::new(dx, y))
            .unwrap();
        let sign = if theirs.labels().pos.class { 1.0 } else { -1.0 };
        for (a, b) in ours.weights.iter().zip(theirs.params().iter()) {
            assert!((*a as f64 - sign * b).abs() < 1e-3, "{a} vs {}", sign * b);
        }
        assert!((ours.bias as f64 - sign * theirs.intercept()).abs() < 1e-3);
    }

    /// Parameters fitted to convergence.
    fn tight(alpha: f64, pos_weight: f64) -> SparseLogisticParams {
        SparseLogisticParams {
            alpha,
            pos_weight,
            max_iterations: 500,
            gradient_tolerance: 1e-7,
        }
    }

    /// The rows of `sx` with row `i` (target `t`) repeated `times(i, t)` times.
    fn repeated(
        sx: &SparseRecords,
        y: &Array1<bool>,
        times: impl Fn(usize, bool) -> usize,
    ) -> DatasetBase<SparseRecords, Array1<bool>> {
        let (mut rows, mut yy) = (Vec::new(), Vec::new());
        for (i, &t) in y.iter().enumerate() {
            let (ids, vals) = sx.row(i);
            for _ in 0..times(i, t) {
                rows.push(SparseVector {
                    indices: ids.to_vec(),
                    values: vals.to_vec(),
                });
                yy.push(t);
            }
        }
        let records = SparseRecords::from_vectors(&rows, sx.nfeatures()).unwrap();
        DatasetBase::new(records, Array1::from(yy))
    }

    fn assert_same_weights(a: &LinearScorer, b: &LinearScorer) {
        for (x, y) in a.weights.iter().zip(&b.weights) {
            assert!((x - y).abs() < 1e-3, "{x} vs {y}");
        }
        assert!((a.bias - b.bias).abs() < 1e-3, "{} vs {}", a.bias, b.bias);
    }

    #[test]
    fn positive_weight_equals_repeating_positives() {
        let (sx, _, y) = problem();
        let weighted = tight(0.5, 2.0)
            .fit(&DatasetBase::new(sx.clone(), y.clone()))
            .unwrap();
        let twice = repeated(&sx, &y, |_, t| if t { 2 } else { 1 });
        assert_same_weights(&weighted, &tight(0.5, 1.0).fit(&twice).unwrap());
    }

    #[test]
    fn row_weights_equal_repeating_rows() {
        let (sx, _, y) = problem();
        // every third row counts three times
        let times = |i: usize, _| if i % 3 == 0 { 3 } else { 1 };
        let w: Array1<f32> = (0..y.len()).map(|i| times(i, true) as f32).collect();
        let p = tight(0.5, 1.0);
        let weighted = p
            .fit(&DatasetBase::new(sx.clone(), y.clone()).with_weights(w))
            .unwrap();
        assert_same_weights(&weighted, &p.fit(&repeated(&sx, &y, times)).unwrap());
        let short = Array1::from(vec![1.0f32; 3]);
        assert!(p.fit(&DatasetBase::new(sx, y).with_weights(short)).is_err());
    }

    #[test]
    fn bad_inputs_are_errors() {
        let (sx, _, y) = problem();
        let all_true = Array1::from(vec![true; y.len()]);
        assert!(SparseLogisticParams::default()
            .fit(&DatasetBase::new(sx.clone(), all_true))
            .is_err());
        let bad = SparseLogisticParams {
            alpha: f64::NAN,
            ..Default::default()
        };
        assert!(bad.fit(&DatasetBase::new(sx, y)).is_err());
        let v = SparseVector {
            indices: vec![7],
            values: vec![1.0],
        };
        assert!(SparseRecords::from_vectors(&[v], 5).is_err());
    }
}
