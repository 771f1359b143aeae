//! Binary classification metrics over scores.

use serde::{Deserialize, Serialize};

/// Confusion counts and derived metrics at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct BinaryMetrics {
    /// Threshold used (score >= threshold is positive).
    pub threshold: f32,
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
    /// True negatives.
    pub tn: usize,
    /// Precision (1 when nothing is flagged).
    pub precision: f64,
    /// Recall (0 when there is no positive).
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// Metrics at `threshold`.
pub fn at_threshold(scores: &[f32], truth: &[bool], threshold: f32) -> BinaryMetrics {
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    for (&s, &t) in scores.iter().zip(truth) {
        match (s >= threshold, t) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => tn += 1,
        }
    }
    let precision = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if tp + fn_ == 0 {
        0.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    BinaryMetrics {
        threshold,
        tp,
        fp,
        fn_,
        tn,
        precision,
        recall,
        f1,
    }
}

/// Candidate thresholds: every distinct score, descending, as (threshold, tp, fp) after
/// flagging all documents scoring at or above it.
fn sweep(scores: &[f32], truth: &[bool]) -> Vec<(f32, usize, usize)> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut out = Vec::new();
    let (mut tp, mut fp) = (0, 0);
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        while i < idx.len() && scores[idx[i]] == s {
            if truth[idx[i]] {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        out.push((s, tp, fp));
    }
    out
}

/// The precision-recall curve: `(recall, precision)` after each distinct score, highest score
/// first, starting at recall 0 with the precision of the top score.
pub fn pr_curve(scores: &[f32], truth: &[bool]) -> Vec<(f64, f64)> {
    let pos = truth.iter().filter(|&&t| t).count().max(1) as f64;
    let mut pts = Vec::new();
    for (_, tp, fp) in sweep(scores, truth) {
        let precision = tp as f64 / (tp + fp) as f64;
        if pts.is_empty() {
            pts.push((0.0, precision));
        }
        pts.push((tp as f64 / pos, precision));
    }
    pts
}

/// Average precision (area under the precision-recall curve, step-wise as scikit-learn's
/// `average_precision_score`).
pub fn average_precision(scores: &[f32], truth: &[bool]) -> f64 {
    let pos = truth.iter().filter(|&&t| t).count();
    if pos == 0 {
        return 0.0;
    }
    let mut ap = 0.0;
    let mut prev_recall = 0.0;
    for (_, tp, fp) in sweep(scores, truth) {
        let recall = tp as f64 / pos as f64;
        let precision = tp as f64 / (tp + fp) as f64;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
    }
    ap
}

/// The threshold with the best F1 (ties: the higher threshold). Placed halfway between the
/// chosen score and the next lower one, so that documents scoring like the boundary case still
/// flag.
pub fn best_f1_threshold(scores: &[f32], truth: &[bool]) -> f32 {
    let pos = truth.iter().filter(|&&t| t).count();
    let sw = sweep(scores, truth);
    let mut best = (f64::MIN, 0usize);
    for (i, &(_, tp, fp)) in sw.iter().enumerate() {
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = if pos == 0 {
            0.0
        } else {
            tp as f64 / pos as f64
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        if f1 > best.0 {
            best = (f1, i);
        }
    }
    midpoint(&sw, best.1)
}

/// The lowest threshold whose precision is at least `target` with at least one true positive,
/// or `None` when no threshold reaches it.
pub fn precision_threshold(scores: &[f32], truth: &[bool], target: f64) -> Option<f32> {
    let sw = sweep(scores, truth);
    let mut found = None;
    for (i, &(_, tp, fp)) in sw.iter().enumerate() {
        if tp > 0 && tp as f64 / (tp + fp) as f64 >= target {
            found = Some(i);
        }
    }
    found.map(|i| midpoint(&sw, i))
}

fn midpoint(sw: &[(f32, usize, usize)], i: usize) -> f32 {
    match (sw.get(i), sw.get(i + 1)) {
        (Some(&(a, _, _)), Some(&(b, _, _))) => (a + b) / 2.0,
        (Some(&(a, _, _)), None) => a,
        _ => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_precision_matches_sklearn() {
        // Computed with sklearn.metrics.average_precision_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.8333
        let ap = average_precision(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]);
        assert!((ap - 0.833_333).abs() < 1e-5, "{ap}");
    }

    #[test]
    fn thresholds() {
        let s = [0.9, 0.8, 0.7, 0.6, 0.2, 0.1];
        let t = [true, true, false, true, false, false];
        let th = best_f1_threshold(&s, &t);
        assert!(th > 0.2 && th <= 0.6, "{th}");
        let m = at_threshold(&s, &t, th);
        assert_eq!((m.tp, m.fp, m.fn_), (3, 1, 0));
        let hp = precision_threshold(&s, &t, 0.95).unwrap();
        assert!(hp > 0.7 && hp <= 0.8, "{hp}");
        assert_eq!(precision_threshold(&[0.5], &[false], 0.95), None);
    }
}
