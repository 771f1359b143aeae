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
        let f1 = f1_of(tp, fp, pos);
        if f1 > best.0 {
            best = (f1, i);
        }
    }
    midpoint(&sw, best.1)
}

/// Like [`best_f1_threshold`], among thresholds that flag no score at or below `bound` (when
/// given). The threshold is a midpoint between two distinct scores, as in
/// [`best_f1_threshold`], so a score recomputed at inference with a last-bit difference falls
/// on the same side; with no score above `bound`, the midpoint between `bound` and 1.
pub fn best_f1_threshold_above(scores: &[f32], truth: &[bool], bound: Option<f32>) -> f32 {
    let Some(b) = bound else {
        return best_f1_threshold(scores, truth);
    };
    let pos = truth.iter().filter(|&&t| t).count();
    let sw = sweep(scores, truth);
    let mut best: Option<(f64, usize)> = None;
    for (i, &(s, tp, fp)) in sw.iter().enumerate() {
        if s <= b {
            break; // sweep is in decreasing score order
        }
        let f1 = f1_of(tp, fp, pos);
        if best.is_none_or(|(bf, _)| f1 > bf) {
            best = Some((f1, i));
        }
    }
    match best {
        // the next distinct score below point i is at most `b`, so the midpoint is above `b`
        Some((_, i)) => midpoint(&sw, i).max((sw[i].0 + b) / 2.0),
        None => (b + 1.0) / 2.0,
    }
}

/// The highest score among `negatives` (the scores of documents without the label, e.g. of
/// one look-alike genre) that a threshold must leave unflagged so that at most a fraction
/// `max_fpr` of them is flagged: the `k + 1`-th highest score, `k = floor(max_fpr * n)`, or
/// `None` when every one may be flagged.
pub fn fpr_bound(negatives: &[f32], max_fpr: f64) -> Option<f32> {
    let n = negatives.len();
    let k = (max_fpr * n as f64).floor() as usize;
    if k >= n {
        return None;
    }
    let mut v = negatives.to_vec();
    v.sort_by(|a, b| b.total_cmp(a));
    Some(v[k])
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

/// F1 of flagging `tp + fp` documents of which `tp` are among `pos` positives.
fn f1_of(tp: usize, fp: usize, pos: usize) -> f64 {
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = if pos == 0 {
        0.0
    } else {
        tp as f64 / pos as f64
    };
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
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

    #[test]
    fn fpr_bound_flags_at_most_the_allowed_share() {
        let neg = [0.9f32, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
        let truth = [false; 10];
        for max in [0.0, 0.05, 0.1, 0.2, 0.35] {
            let b = fpr_bound(&neg, max).unwrap();
            let t = best_f1_threshold_above(&neg, &truth, Some(b));
            let flagged = neg.iter().filter(|&&s| s >= t).count();
            assert!(
                flagged as f64 <= max * neg.len() as f64,
                "max {max}: {flagged} flagged"
            );
        }
        assert_eq!(fpr_bound(&neg, 0.1), Some(0.8)); // one of ten may be flagged
        assert_eq!(fpr_bound(&neg, 0.05), Some(0.9)); // none may
        assert_eq!(fpr_bound(&neg, 1.0), None);
        assert_eq!(fpr_bound(&[], 0.05), None);
        // ties are flagged together, so the bound is the tied score
        assert_eq!(fpr_bound(&[0.5, 0.5, 0.5, 0.1], 0.25), Some(0.5));
    }

    #[test]
    fn bounded_best_f1_stays_clear_of_the_bound() {
        let scores = [0.95f32, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2];
        let truth = [true, true, false, true, true, false, false, false];
        let free = best_f1_threshold(&scores, &truth);
        assert_eq!(best_f1_threshold_above(&scores, &truth, None), free);
        // 0.8 (a negative) must stay unflagged: the best set above it is the top two
        let t = best_f1_threshold_above(&scores, &truth, Some(0.8));
        assert!(t > 0.8 && t < 0.9, "{t}");
        assert_eq!(at_threshold(&scores, &truth, t).tp, 2);
        assert_eq!(at_threshold(&scores, &truth, t).fp, 0);
        // a score a few bits above the bound at inference is still not flagged
        assert!(0.8f32.next_up().next_up().next_up() < t);
        // a bound above every score flags nothing
        let t = best_f1_threshold_above(&scores, &truth, Some(0.99));
        assert!(scores.iter().all(|&s| s < t));
    }
}
