//! The look-alike gate: a linear scorer of "text of a genre that must not be flagged" (news,
//! research, counter-speech, ordinary religious and everyday text), learned from the `genre`
//! of the training documents, that pulls a label's margin down where it fires.
//!
//! A label's margin `m` becomes `m - s * max(0, g + o)`, where `g` is the gate's margin on
//! the same feature vector and the strength `s` and offset `o` are chosen per label on dev
//! ([`crate::TrainerParams::lookalike_gate`]); strength 0 leaves the label alone. The gate
//! is trained on the training documents that have a genre or a label: those of a look-alike
//! genre without any label are its positives, the rest (every labelled document, and the
//! unlabelled documents of other genres) its negatives. A news story built on a defector's
//! testimony carries a label, so the gate learns to leave it alone.
//!
//! The gate is not linear in the features (the `max` makes it piecewise linear), which is
//! why it can do what the linear scorers cannot: a recruiter's call quoted inside a
//! condemnation keeps its recruitment n-grams, and the gate, firing on the condemnation,
//! pulls the whole text down instead of trading those n-grams' weight against every
//! genuine call that uses them.

use narrascope_features::SparseVector;
use serde::{Deserialize, Serialize};

/// Strengths tried per label, in order (the first, 0, leaves the label alone).
pub const GATE_STRENGTHS: [f32; 5] = [0.0, 0.25, 0.5, 1.0, 2.0];

/// Offsets tried per label: the gate acts where its margin is above minus the offset.
pub const GATE_OFFSETS: [f32; 4] = [0.0, 1.0, 2.0, 3.0];

/// Largest fall in a label's dev PR-AUC the gate may cost it: the gate may trade a little
/// ranking for what the flag catches within the look-alike bound, not more.
pub const GATE_MAX_PR_AUC_LOSS: f64 = 0.005;

/// A trained look-alike gate (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LookalikeGate {
    /// One weight per feature of the model's vectorizer.
    pub(crate) weights: Vec<f32>,
    pub(crate) bias: f32,
    /// Per label: (strength, offset).
    pub(crate) per_label: Vec<(f32, f32)>,
}

impl LookalikeGate {
    /// A gate from its parts: one weight per feature of the model it will go into, a bias,
    /// and a (strength, offset) per label. For ablations and tests, with
    /// [`crate::Model::with_lookalike_gate`], which checks the shapes and values; the trainer
    /// builds its own ([`crate::TrainerParams::lookalike_gate`]).
    pub fn new(weights: Vec<f32>, bias: f32, per_label: Vec<(f32, f32)>) -> LookalikeGate {
        LookalikeGate {
            weights,
            bias,
            per_label,
        }
    }

    /// Strength and offset of label `l` (strength 0: the label is not gated).
    pub fn label_gate(&self, l: usize) -> (f32, f32) {
        self.per_label.get(l).copied().unwrap_or((0.0, 0.0))
    }

    /// Sets label `l`'s strength and offset (strength 0 leaves the label alone): for
    /// ablations and tests, with [`crate::Model::with_lookalike_gate`]. Calibrations and
    /// thresholds were fitted for the trained setting, so scores move with it. Out-of-range
    /// labels are ignored; invalid values are refused when the gate is put into a model.
    pub fn set_label_gate(&mut self, l: usize, strength: f32, offset: f32) {
        if let Some(x) = self.per_label.get_mut(l) {
            *x = (strength, offset);
        }
    }

    /// The gate's margin on a feature vector.
    pub fn margin(&self, x: &SparseVector) -> f32 {
        self.bias + x.dot(&self.weights)
    }

    /// Subtracts each gated label's share of the gate's margin `g` from `margins`.
    #[inline]
    pub(crate) fn apply(&self, g: f32, margins: &mut [f32]) {
        for (m, &(s, o)) in margins.iter_mut().zip(&self.per_label) {
            if s > 0.0 {
                *m -= s * (g + o).max(0.0);
            }
        }
    }

    /// Derivative of label `l`'s margin with respect to the gate's margin, at `g`.
    pub(crate) fn slope(&self, g: f32, l: usize) -> f32 {
        let (s, o) = self.label_gate(l);
        if s > 0.0 && g + o > 0.0 {
            -s
        } else {
            0.0
        }
    }

    /// Checks the shapes and values against a model of `n_features` and `n_labels`.
    pub(crate) fn validate(&self, n_features: usize, n_labels: usize) -> Result<(), String> {
        if self.weights.len() != n_features {
            return Err(format!(
                "look-alike gate: {} weights for {n_features} features",
                self.weights.len()
            ));
        }
        if self.per_label.len() != n_labels {
            return Err(format!(
                "look-alike gate: {} label settings for {n_labels} labels",
                self.per_label.len()
            ));
        }
        let finite = self.weights.iter().all(|w| w.is_finite()) && self.bias.is_finite();
        let settings = self
            .per_label
            .iter()
            .all(|&(s, o)| s.is_finite() && s >= 0.0 && o.is_finite());
        if !finite || !settings {
            return Err("look-alike gate: non-finite or negative value".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate() -> LookalikeGate {
        LookalikeGate {
            weights: vec![1.0, -2.0, 0.5],
            bias: -1.0,
            per_label: vec![(0.5, 1.0), (0.0, 3.0)],
        }
    }

    #[test]
    fn gate_pulls_down_only_gated_labels_where_it_fires() {
        let g = gate();
        let x = SparseVector {
            indices: vec![0, 2],
            values: vec![2.0, 2.0],
        };
        let gm = g.margin(&x);
        assert_eq!(gm, -1.0 + 2.0 + 1.0);
        let mut m = vec![1.0, 1.0];
        g.apply(gm, &mut m);
        // label 0: 1 - 0.5 * max(0, 2 + 1); label 1 has strength 0
        assert_eq!(m, vec![1.0 - 1.5, 1.0]);
        // below minus the offset the gate does nothing
        let mut m = vec![1.0, 1.0];
        g.apply(-1.5, &mut m);
        assert_eq!(m, vec![1.0, 1.0]);
        assert_eq!(g.slope(gm, 0), -0.5);
        assert_eq!(g.slope(-1.5, 0), 0.0);
        assert_eq!(g.slope(gm, 1), 0.0);
    }

    #[test]
    fn validation_names_the_problem() {
        let g = gate();
        assert!(g.validate(3, 2).is_ok());
        assert!(g.validate(4, 2).unwrap_err().contains("3 weights for 4"));
        assert!(g.validate(3, 1).unwrap_err().contains("2 label settings"));
        let mut bad = gate();
        bad.per_label[0].0 = -1.0;
        assert!(bad.validate(3, 2).is_err());
        let mut bad = gate();
        bad.weights[1] = f32::NAN;
        assert!(bad.validate(3, 2).is_err());
    }
}
