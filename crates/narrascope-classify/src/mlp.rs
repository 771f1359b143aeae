//! A small hidden layer next to the linear scorers: one layer of ReLU units over the same
//! sparse TF-IDF vector, shared by every label, with one logistic output per label.
//!
//! The linear model weighs each feature on its own; the hidden units weigh combinations (a
//! first-person past tense *and* the group's vocabulary, a slogan *and* a reporting verb), which
//! is what separates a member's boast from a former member's account, or a recruiter's call
//! from a reporter's quotation of it. The trainer adds the layer's logit to the linear margin of
//! each label with a mixing weight chosen on dev (see [`crate::TrainerParams::mlp`]); the
//! model then scores `linear margin + w2 · relu(W1ᵀx + b1)` and calibrates the sum.
//!
//! Training ([`fit`]) follows scikit-learn's `MLPClassifier` defaults where they apply: Adam
//! (learning rate 0.001, β 0.9 / 0.999), mini-batches of 200, an L2 penalty `alpha`, Glorot
//! uniform initial weights, and early stopping on a held-out tenth of the training rows (every
//! tenth row: deterministic), keeping the weights of the best epoch. Unlike scikit-learn, the
//! first layer's Adam step is *lazy*: a mini-batch updates only the rows of the features it
//! contains (a tweet has a few hundred of the tens of thousands), and the penalty applies to
//! those rows; the loss is the binary cross-entropy summed over labels, weighted per row. One
//! thread, a seeded generator, a fixed order of operations: the same data give the same bytes.
//!
//! Stored, the first layer's weights are rounded to 16 bits (the upper half of an `f32`,
//! "bfloat16"), which halves the model file's share of the layer; the trainer calibrates and
//! sets thresholds with the rounded weights, so what is measured on dev is what ships.

use narrascope_features::SparseVector;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{ClassifyError, Result};

/// Most hidden units a layer may have (the scorer keeps them in a stack array).
pub const MAX_UNITS: usize = 64;

/// Training parameters of the hidden layer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MlpParams {
    /// Hidden units (1 to [`MAX_UNITS`]).
    pub units: usize,
    /// Most passes over the training rows.
    pub max_epochs: usize,
    /// Epochs without a better validation loss before stopping.
    pub patience: usize,
    /// L2 penalty (scikit-learn's `alpha`).
    pub alpha: f32,
    /// Adam learning rate.
    pub learning_rate: f32,
    /// Rows per mini-batch.
    pub batch: usize,
    /// Seed of the initial weights and the row order.
    pub seed: u64,
    /// Mix the layer into every label at this weight (relative to the ratio of the spreads of
    /// the linear margins and the layer's logits on dev) instead of choosing it on dev.
    pub fixed_mix: Option<f32>,
}

impl Default for MlpParams {
    fn default() -> Self {
        MlpParams {
            units: 16,
            max_epochs: 30,
            patience: 3,
            alpha: 1e-4,
            learning_rate: 1e-3,
            batch: 200,
            seed: 42,
            fixed_mix: None,
        }
    }
}

impl MlpParams {
    /// Checks the parameters.
    ///
    /// # Errors
    /// [`ClassifyError::Params`] naming the bad value.
    pub fn check(&self) -> Result<()> {
        let bad = |m: String| Err(ClassifyError::Params(m));
        if self.units == 0 || self.units > MAX_UNITS {
            return bad(format!(
                "hidden units must be 1 to {MAX_UNITS}, got {}",
                self.units
            ));
        }
        if self.max_epochs == 0 || self.batch == 0 {
            return bad("hidden layer: epochs and batch size must be at least 1".into());
        }
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return bad(format!(
                "hidden layer: alpha must be >= 0, got {}",
                self.alpha
            ));
        }
        if self.fixed_mix.is_some_and(|m| !(m.is_finite() && m >= 0.0)) {
            return bad(format!(
                "hidden layer: the mixing weight must be >= 0, got {:?}",
                self.fixed_mix
            ));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad(format!(
                "hidden layer: learning rate must be > 0, got {}",
                self.learning_rate
            ));
        }
        Ok(())
    }
}

/// A trained hidden layer as the model stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HiddenLayer {
    /// Hidden units.
    pub(crate) units: usize,
    /// First layer, `w1[f * units + h]`, bfloat16 bits (stored as bytes: bincode would
    /// spend three bytes on most `u16`s).
    #[serde(with = "bf16_bytes")]
    pub(crate) w1: Vec<u16>,
    /// First layer biases.
    pub(crate) b1: Vec<f32>,
    /// Output weights per label, `w2[l * units + h]` (the mixing weight folded in).
    pub(crate) w2: Vec<f32>,
}

/// Serialises 16-bit words as one byte string (little-endian pairs).
mod bf16_bytes {
    use serde::de::{Error, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u16], s: S) -> Result<S::Ok, S::Error> {
        let b: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        s.serialize_bytes(&b)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u16>, D::Error> {
        struct Words;
        fn words<E: Error>(b: &[u8]) -> Result<Vec<u16>, E> {
            if b.len() % 2 != 0 {
                return Err(E::custom(format!(
                    "hidden layer weights: {} bytes, not whole 16-bit words",
                    b.len()
                )));
            }
            Ok(b.chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect())
        }
        impl<'de> Visitor<'de> for Words {
            type Value = Vec<u16>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes of 16-bit words")
            }
            fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<u16>, E> {
                words(b)
            }
            fn visit_borrowed_bytes<E: Error>(self, b: &'de [u8]) -> Result<Vec<u16>, E> {
                words(b)
            }
            fn visit_byte_buf<E: Error>(self, b: Vec<u8>) -> Result<Vec<u16>, E> {
                words(&b)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u16>, A::Error> {
                let mut b = Vec::new();
                while let Some(x) = seq.next_element::<u8>()? {
                    b.push(x);
                }
                words(&b)
            }
        }
        d.deserialize_byte_buf(Words)
    }
}

/// Rounds an `f32` to the nearest bfloat16 (ties to even), as its 16 upper bits.
#[inline]
pub(crate) fn to_bf16(x: f32) -> u16 {
    let b = x.to_bits();
    let round = 0x7fff + ((b >> 16) & 1);
    (b.wrapping_add(round) >> 16) as u16
}

/// The `f32` of bfloat16 bits.
#[inline]
pub(crate) fn from_bf16(b: u16) -> f32 {
    f32::from_bits((b as u32) << 16)
}

impl HiddenLayer {
    /// Hidden units.
    pub fn units(&self) -> usize {
        self.units
    }

    /// The first-layer weight of feature `f` for unit `k` (0 for a feature the layer does
    /// not cover).
    pub(crate) fn weight(&self, f: u32, k: usize) -> f32 {
        self.w1
            .get(f as usize * self.units + k)
            .filter(|_| k < self.units)
            .map_or(0.0, |&w| from_bf16(w))
    }

    /// Adds feature `f`'s row times `v` to the pre-activations `a`.
    #[inline]
    pub(crate) fn accumulate(&self, f: u32, v: f32, a: &mut [f32; MAX_UNITS]) {
        let u = self.units;
        if let Some(row) = self.w1.get(f as usize * u..f as usize * u + u) {
            // blocks of 8 units as fixed-size arrays: the compiler turns each into a few
            // vector instructions (widen, multiply, add)
            let mut acc = a.chunks_exact_mut(8);
            let mut ws = row.chunks_exact(8);
            for (x, w) in (&mut acc).zip(&mut ws) {
                let x: &mut [f32; 8] = x.try_into().expect("8 units");
                let w: &[u16; 8] = w.try_into().expect("8 units");
                for k in 0..8 {
                    x[k] += from_bf16(w[k]) * v;
                }
            }
            let done = u - ws.remainder().len();
            for (x, &w) in a[done..u].iter_mut().zip(ws.remainder()) {
                *x += from_bf16(w) * v;
            }
        }
    }

    /// Pre-activations of the first layer for `x`.
    pub(crate) fn pre_activations(&self, x: &SparseVector) -> [f32; MAX_UNITS] {
        let mut a = [0f32; MAX_UNITS];
        a[..self.units].copy_from_slice(&self.b1);
        for (&i, &v) in x.indices.iter().zip(&x.values) {
            self.accumulate(i, v, &mut a);
        }
        a
    }

    /// Adds each label's output (`w2 · relu(a)`) to `out` (one margin per label).
    #[inline]
    pub(crate) fn add_outputs(&self, a: &[f32; MAX_UNITS], out: &mut [f32]) {
        let u = self.units;
        for (l, o) in out.iter_mut().enumerate() {
            let w2 = &self.w2[l * u..l * u + u];
            *o += w2
                .iter()
                .zip(&a[..u])
                .map(|(w, &x)| w * x.max(0.0))
                .sum::<f32>();
        }
    }

    /// The derivative of label `l`'s output with respect to feature `f`, at the document whose
    /// pre-activations are `a` (the layer is piecewise linear: this is exact between kinks).
    pub(crate) fn gradient(&self, a: &[f32; MAX_UNITS], f: u32, l: usize) -> f32 {
        let u = self.units;
        let Some(row) = self.w1.get(f as usize * u..f as usize * u + u) else {
            return 0.0;
        };
        let w2 = &self.w2[l * u..l * u + u];
        (0..u)
            .filter(|&h| a[h] > 0.0)
            .map(|h| w2[h] * from_bf16(row[h]))
            .sum()
    }

    /// Checks shapes and values against a model of `n_features` and `n_labels`.
    pub(crate) fn validate(
        &self,
        n_features: usize,
        n_labels: usize,
    ) -> std::result::Result<(), String> {
        let u = self.units;
        if u == 0 || u > MAX_UNITS {
            return Err(format!("hidden layer of {u} units (1 to {MAX_UNITS})"));
        }
        if self.w1.len() != n_features * u || self.b1.len() != u || self.w2.len() != n_labels * u {
            return Err(format!(
                "hidden layer shapes {} / {} / {} for {n_features} features, {u} units, {n_labels} labels",
                self.w1.len(),
                self.b1.len(),
                self.w2.len()
            ));
        }
        let finite = self.w1.iter().all(|&w| from_bf16(w).is_finite())
            && self.b1.iter().chain(&self.w2).all(|w| w.is_finite());
        if !finite {
            return Err("non-finite weight in the hidden layer".into());
        }
        Ok(())
    }
}

/// A hidden layer being trained (full precision), with one output per label.
#[derive(Debug, Clone)]
pub struct TrainedLayer {
    units: usize,
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f32>,
    b2: Vec<f32>,
    /// Epochs run, and the epoch whose weights were kept.
    pub epochs: (usize, usize),
}

impl TrainedLayer {
    /// Full-precision pre-activations of the first layer for `x`, into `a`.
    #[inline]
    fn pre_activations(&self, x: &SparseVector, a: &mut [f32]) {
        let u = self.units;
        a.copy_from_slice(&self.b1);
        for (&f, &v) in x.indices.iter().zip(&x.values) {
            let row = &self.w1[f as usize * u..f as usize * u + u];
            for (ah, &wh) in a.iter_mut().zip(row) {
                *ah += wh * v;
            }
        }
    }

    /// Full-precision output logit of label `l` from pre-activations `a`.
    #[inline]
    fn output(&self, a: &[f32], l: usize) -> f32 {
        let u = self.units;
        let w2 = &self.w2[l * u..l * u + u];
        self.b2[l] + w2.iter().zip(a).map(|(w, &x)| w * x.max(0.0)).sum::<f32>()
    }

    /// The stored form: first layer in bfloat16, each label's output weights and bias scaled
    /// by `mix[l]`. Returns the layer and the biases to add to the linear biases.
    pub fn export(&self, mix: &[f32]) -> (HiddenLayer, Vec<f32>) {
        let u = self.units;
        let w2 = mix
            .iter()
            .enumerate()
            .flat_map(|(l, &m)| self.w2[l * u..l * u + u].iter().map(move |w| w * m))
            .collect();
        let b2 = mix.iter().zip(&self.b2).map(|(m, b)| m * b).collect();
        let layer = HiddenLayer {
            units: u,
            w1: self.w1.iter().map(|&w| to_bf16(w)).collect(),
            b1: self.b1.clone(),
            w2,
        };
        (layer, b2)
    }

    /// Output logits (one per label) of each vector, with the first layer rounded as stored.
    pub fn logits(&self, xs: &[SparseVector]) -> Vec<Vec<f32>> {
        let nl = self.b2.len();
        let (layer, b2) = self.export(&vec![1.0; nl]);
        xs.iter()
            .map(|x| {
                let a = layer.pre_activations(x);
                let mut out = b2.clone();
                layer.add_outputs(&a, &mut out);
                out
            })
            .collect()
    }
}

#[inline]
fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Binary cross-entropy of a logit against a truth, stable for large logits.
#[inline]
fn bce(z: f32, y: bool) -> f32 {
    // log(1 + exp(-z)) for y, log(1 + exp(z)) otherwise
    let s = if y { -z } else { z };
    s.max(0.0) + (-s.abs()).exp().ln_1p()
}

/// Adam moments of one block of parameters.
struct Adam {
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Adam {
    fn new(n: usize) -> Self {
        Adam {
            m: vec![0.0; n],
            v: vec![0.0; n],
        }
    }
    /// One step on `w[range]` with gradient `g[range]`; `lr_t` includes the bias correction.
    #[inline]
    fn step(&mut self, w: &mut [f32], g: &[f32], range: std::ops::Range<usize>, lr_t: f32) {
        const B1: f32 = 0.9;
        const B2: f32 = 0.999;
        const EPS: f32 = 1e-8;
        for k in range {
            let gk = g[k];
            let m = B1 * self.m[k] + (1.0 - B1) * gk;
            let v = B2 * self.v[k] + (1.0 - B2) * gk * gk;
            self.m[k] = m;
            self.v[k] = v;
            w[k] -= lr_t * m / (v.sqrt() + EPS);
        }
    }
}

/// Trains a hidden layer on sparse rows `xs` (ids below `n_features`) with one truth per label
/// per row (`y[row][label]`) and a weight per row.
///
/// # Errors
/// [`ClassifyError::Params`] for bad parameters; [`ClassifyError::Data`] when the shapes
/// disagree or there are fewer than 20 rows.
pub fn fit(
    xs: &[SparseVector],
    y: &[Vec<bool>],
    row_weights: &[f32],
    n_features: usize,
    p: &MlpParams,
) -> Result<TrainedLayer> {
    p.check()?;
    let n = xs.len();
    if y.len() != n || row_weights.len() != n {
        return Err(ClassifyError::Data(format!(
            "hidden layer: {n} rows, {} truths, {} weights",
            y.len(),
            row_weights.len()
        )));
    }
    if n < 20 {
        return Err(ClassifyError::Data(format!(
            "hidden layer: {n} training rows (at least 20)"
        )));
    }
    let nl = y[0].len();
    if nl == 0 || y.iter().any(|r| r.len() != nl) {
        return Err(ClassifyError::Data(
            "hidden layer: every row needs one truth per label".into(),
        ));
    }
    if let Some((i, _)) = xs
        .iter()
        .enumerate()
        .find(|(_, x)| x.indices.iter().any(|&f| f as usize >= n_features))
    {
        return Err(ClassifyError::Data(format!(
            "hidden layer: row {i} has a feature beyond the {n_features} columns"
        )));
    }
    let u = p.units;
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(p.seed);
    // Glorot uniform, scikit-learn's factor for ReLU layers (6) and logistic outputs (2)
    let bound1 = (6.0 / (n_features + u) as f64).sqrt() as f32;
    let bound2 = (2.0 / (u + nl) as f64).sqrt() as f32;
    let mut uni = |b: f32| rng.gen_range(-b..b);
    let mut net = TrainedLayer {
        units: u,
        w1: (0..n_features * u).map(|_| uni(bound1)).collect(),
        b1: (0..u).map(|_| uni(bound1)).collect(),
        w2: (0..nl * u).map(|_| uni(bound2)).collect(),
        b2: (0..nl).map(|_| uni(bound2)).collect(),
        epochs: (0, 0),
    };
    let (train_rows, val_rows): (Vec<usize>, Vec<usize>) = (0..n).partition(|i| i % 10 != 9);

    let mut g1 = vec![0f32; n_features * u];
    let mut gb1 = vec![0f32; u];
    let mut g2 = vec![0f32; nl * u];
    let mut gb2 = vec![0f32; nl];
    let (mut adam1, mut adamb1, mut adam2, mut adamb2) = (
        Adam::new(n_features * u),
        Adam::new(u),
        Adam::new(nl * u),
        Adam::new(nl),
    );
    let mut touched: Vec<u32> = Vec::new();
    let mut seen = vec![false; n_features];
    let mut order = train_rows.clone();
    let mut t = 0i32;
    let mut best = (f32::INFINITY, net.clone());
    let mut stale = 0usize;
    // per-row scratch
    let mut a = vec![0f32; u];
    let mut dz = vec![0f32; nl];
    let mut da = vec![0f32; u];

    for epoch in 1..=p.max_epochs {
        // Fisher-Yates with the seeded generator
        for i in (1..order.len()).rev() {
            let j = rng.gen_range(0..=i);
            order.swap(i, j);
        }
        for batch in order.chunks(p.batch) {
            let wsum: f32 = batch.iter().map(|&r| row_weights[r]).sum();
            if wsum <= 0.0 {
                continue;
            }
            for &r in batch {
                let x = &xs[r];
                let w = row_weights[r] / wsum;
                if w == 0.0 {
                    continue;
                }
                // forward
                net.pre_activations(x, &mut a);
                for (l, (d, &truth)) in dz.iter_mut().zip(&y[r]).enumerate() {
                    *d = w * (sigmoid(net.output(&a, l)) - truth as u8 as f32);
                }
                // backward
                for h in 0..u {
                    let act = a[h].max(0.0);
                    let mut d = 0.0;
                    for l in 0..nl {
                        g2[l * u + h] += dz[l] * act;
                        d += dz[l] * net.w2[l * u + h];
                    }
                    da[h] = if a[h] > 0.0 { d } else { 0.0 };
                    gb1[h] += da[h];
                }
                for l in 0..nl {
                    gb2[l] += dz[l];
                }
                for (&f, &v) in x.indices.iter().zip(&x.values) {
                    let fi = f as usize;
                    if !seen[fi] {
                        seen[fi] = true;
                        touched.push(f);
                    }
                    let g = &mut g1[fi * u..fi * u + u];
                    for (gh, &d) in g.iter_mut().zip(&da) {
                        *gh += d * v;
                    }
                }
            }
            // L2 penalty (scikit-learn: alpha * w / batch size), then the Adam steps
            let pen = p.alpha / batch.len() as f32;
            t += 1;
            let lr_t = p.learning_rate * (1.0 - 0.999f32.powi(t)).sqrt() / (1.0 - 0.9f32.powi(t));
            for (g, w) in g2.iter_mut().zip(&net.w2) {
                *g += pen * w;
            }
            adam2.step(&mut net.w2, &g2, 0..nl * u, lr_t);
            adamb2.step(&mut net.b2, &gb2, 0..nl, lr_t);
            adamb1.step(&mut net.b1, &gb1, 0..u, lr_t);
            touched.sort_unstable();
            for &f in &touched {
                let r = f as usize * u..f as usize * u + u;
                for k in r.clone() {
                    g1[k] += pen * net.w1[k];
                }
                adam1.step(&mut net.w1, &g1, r.clone(), lr_t);
                g1[r].fill(0.0);
                seen[f as usize] = false;
            }
            touched.clear();
            g2.fill(0.0);
            gb2.fill(0.0);
            gb1.fill(0.0);
        }
        // validation loss (weighted mean over rows and labels)
        let (mut loss, mut wsum) = (0f64, 0f64);
        for &r in &val_rows {
            net.pre_activations(&xs[r], &mut a);
            for (l, &truth) in y[r].iter().enumerate() {
                loss += f64::from(row_weights[r] * bce(net.output(&a, l), truth));
            }
            wsum += f64::from(row_weights[r]);
        }
        let loss = (loss / wsum.max(f64::MIN_POSITIVE)) as f32;
        net.epochs.0 = epoch;
        if loss < best.0 * (1.0 - 1e-4) {
            best = (loss, net.clone());
            best.1.epochs.1 = epoch;
            stale = 0;
        } else {
            stale += 1;
            if stale >= p.patience {
                break;
            }
        }
    }
    let mut kept = best.1;
    kept.epochs.0 = net.epochs.0;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(pairs: &[(u32, f32)]) -> SparseVector {
        SparseVector {
            indices: pairs.iter().map(|p| p.0).collect(),
            values: pairs.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn bf16_rounds_to_nearest() {
        for x in [0.0f32, 1.0, -2.5, 0.1, 1e-3, 123.456] {
            let r = from_bf16(to_bf16(x));
            assert!((r - x).abs() <= x.abs() / 256.0, "{x} -> {r}");
        }
        assert_eq!(from_bf16(to_bf16(1.0)), 1.0);
    }

    #[test]
    fn blocked_accumulation_equals_the_plain_sum() {
        for units in [1, 7, 8, 12, 16, 21, MAX_UNITS] {
            let nf = 5;
            let w1: Vec<u16> = (0..nf * units)
                .map(|k| to_bf16((k as f32 * 0.37).sin()))
                .collect();
            let layer = HiddenLayer {
                units,
                w1: w1.clone(),
                b1: vec![0.5; units],
                w2: vec![1.0; units],
            };
            let x = sv(&[(1, 0.25), (3, -2.0), (4, 1.5)]);
            let a = layer.pre_activations(&x);
            for h in 0..units {
                let plain = 0.5
                    + x.indices
                        .iter()
                        .zip(&x.values)
                        .map(|(&f, &v)| from_bf16(w1[f as usize * units + h]) * v)
                        .sum::<f32>();
                assert!((a[h] - plain).abs() < 1e-5, "{units} units, unit {h}");
            }
            assert!(a[units..].iter().all(|&v| v == 0.0), "{units} units");
        }
    }

    /// XOR of two features: no linear scorer separates it, one hidden layer does.
    #[test]
    fn learns_an_interaction_a_linear_model_cannot() {
        let mut xs = Vec::new();
        let mut y = Vec::new();
        for i in 0..400 {
            let (a, b) = (i % 2 == 0, (i / 2) % 2 == 0);
            let mut pairs = vec![(2u32, 1.0f32)];
            if a {
                pairs.push((0, 1.0));
            }
            if b {
                pairs.push((1, 1.0));
            }
            pairs.sort_by_key(|p| p.0);
            xs.push(sv(&pairs));
            y.push(vec![a != b]);
        }
        let p = MlpParams {
            units: 8,
            max_epochs: 300,
            patience: 300,
            learning_rate: 0.02,
            batch: 20,
            ..MlpParams::default()
        };
        let net = fit(&xs, &y, &vec![1.0; xs.len()], 3, &p).unwrap();
        let z = net.logits(&xs);
        for (zi, yi) in z.iter().zip(&y) {
            assert_eq!(zi[0] > 0.0, yi[0], "logit {} for truth {}", zi[0], yi[0]);
        }
    }

    #[test]
    fn deterministic_and_checks_its_input() {
        let xs: Vec<SparseVector> = (0..50).map(|i| sv(&[(i % 5, 1.0)])).collect();
        let y: Vec<Vec<bool>> = (0..50).map(|i| vec![i % 5 == 0]).collect();
        let w = vec![1.0; 50];
        let p = MlpParams::default();
        let a = fit(&xs, &y, &w, 5, &p).unwrap();
        let b = fit(&xs, &y, &w, 5, &p).unwrap();
        assert_eq!(a.export(&[1.0]), b.export(&[1.0]));
        assert!(
            fit(&xs, &y, &w, 4, &p).is_err(),
            "feature beyond the columns"
        );
        assert!(
            fit(&xs[..10], &y[..10], &w[..10], 5, &p).is_err(),
            "too few rows"
        );
        let bad = MlpParams { units: 0, ..p };
        assert!(fit(&xs, &y, &w, 5, &bad).is_err());
        let bad = MlpParams {
            units: MAX_UNITS + 1,
            ..p
        };
        assert!(fit(&xs, &y, &w, 5, &bad).is_err());
    }
}
