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

/// One bin of a [`CalibrationReport`]: documents whose score falls in `[lo, hi)` (the last bin
/// also holds 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Documents in the bin.
    pub count: usize,
    /// Their mean score.
    pub mean_score: f64,
    /// Their share of positives.
    pub positive_rate: f64,
}

/// How well scores read as probabilities: the Brier score (mean squared difference between
/// score and outcome; 0 is perfect) and the expected calibration error (the document-weighted
/// mean gap between the mean score and the share of positives over equal-width score bins).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    /// Mean of `(score - outcome)^2`.
    pub brier: f64,
    /// Expected calibration error over [`CalibrationReport::bins`].
    pub ece: f64,
    /// The non-empty bins, in increasing score order.
    pub bins: Vec<CalibrationBin>,
}

/// Brier score, expected calibration error and reliability bins of `scores` (probabilities;
/// values outside [0, 1] are clamped) against `truth`, over `n_bins` equal-width bins.
/// `None` without documents or bins.
pub fn calibration_report(
    scores: &[f32],
    truth: &[bool],
    n_bins: usize,
) -> Option<CalibrationReport> {
    let n = scores.len().min(truth.len());
    if n == 0 || n_bins == 0 {
        return None;
    }
    let mut sum = vec![0f64; n_bins];
    let mut pos = vec![0usize; n_bins];
    let mut count = vec![0usize; n_bins];
    let mut brier = 0.0;
    for (&s, &t) in scores[..n].iter().zip(&truth[..n]) {
        let s = s.clamp(0.0, 1.0) as f64;
        let y = t as u8 as f64;
        brier += (s - y) * (s - y);
        let b = ((s * n_bins as f64) as usize).min(n_bins - 1);
        sum[b] += s;
        pos[b] += t as usize;
        count[b] += 1;
    }
    let bins: Vec<CalibrationBin> = (0..n_bins)
        .filter(|&b| count[b] > 0)
        .map(|b| CalibrationBin {
            lo: b as f64 / n_bins as f64,
            hi: (b + 1) as f64 / n_bins as f64,
            count: count[b],
            mean_score: sum[b] / count[b] as f64,
            positive_rate: pos[b] as f64 / count[b] as f64,
        })
        .collect();
    let ece = bins
        .iter()
        .map(|b| b.count as f64 / n as f64 * (b.mean_score - b.positive_rate).abs())
        .sum();
    Some(CalibrationReport {
        brier: brier / n as f64,
        ece,
        bins,
    })
}

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

impl Interval {
    /// Whether `x` lies in the interval (ends included).
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

/// Percentile-bootstrap confidence intervals of the metrics of one label on one data set
/// (see [`bootstrap`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BootstrapIntervals {
    /// Confidence level, e.g. 0.95.
    pub level: f64,
    /// Resamples drawn.
    pub resamples: usize,
    /// Resamples that held at least one positive (the others have no recall or PR-AUC and
    /// are left out of every interval).
    pub used: usize,
    /// Precision at the threshold.
    pub precision: Interval,
    /// Recall at the threshold.
    pub recall: Interval,
    /// F1 at the threshold.
    pub f1: Interval,
    /// Average precision (PR-AUC, as [`average_precision`]).
    pub pr_auc: Interval,
}

/// Percentile-bootstrap confidence intervals for precision, recall and F1 at `threshold` and
/// for the average precision: `resamples` data sets of the same size are drawn from the
/// documents with replacement (seeded: the same call gives the same intervals), each metric is
/// computed on each, and the interval runs from the `(1 - level) / 2` to the
/// `(1 + level) / 2` quantile. The threshold stays fixed, as a model's stored threshold does.
///
/// The intervals measure how much the figures move with the sample of documents, not with
/// the training data. Returns `None` when there is no positive, no document or no resample
/// with a positive, or when `resamples` is 0 or `level` is not in (0, 1).
pub fn bootstrap(
    scores: &[f32],
    truth: &[bool],
    threshold: f32,
    resamples: usize,
    level: f64,
    seed: u64,
) -> Option<BootstrapIntervals> {
    let draws = draw(&[(scores, threshold)], truth, resamples, level, seed)?;
    Some(intervals(&draws[0], resamples, level))
}

/// The difference between two systems scored on the same documents (see
/// [`paired_bootstrap`]): each system's own intervals, and the intervals of `a - b`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    /// System `a` alone.
    pub a: BootstrapIntervals,
    /// System `b` alone.
    pub b: BootstrapIntervals,
    /// F1 of `a` minus F1 of `b`, each at its own threshold.
    pub f1: Interval,
    /// PR-AUC of `a` minus PR-AUC of `b`.
    pub pr_auc: Interval,
    /// Share of the resamples in which `a`'s F1 is higher.
    pub f1_ahead: f64,
    /// Share of the resamples in which `a`'s PR-AUC is higher.
    pub pr_auc_ahead: f64,
}

/// A paired percentile bootstrap of two systems' scores for the same documents (`a` and `b`,
/// each with its own threshold): both are scored on the same resamples, so the interval of
/// their difference accounts for the documents they share, and is much narrower than two
/// separate intervals side by side suggest. An interval of the difference that holds 0 means
/// the documents cannot tell the two apart at that level. System `a` gets the same intervals
/// as [`bootstrap`] with the same seed. `None` as for [`bootstrap`], or when the two score
/// lists differ in length.
pub fn paired_bootstrap(
    a: (&[f32], f32),
    b: (&[f32], f32),
    truth: &[bool],
    resamples: usize,
    level: f64,
    seed: u64,
) -> Option<PairedDifference> {
    if a.0.len() != b.0.len() {
        return None;
    }
    let draws = draw(&[a, b], truth, resamples, level, seed)?;
    let diff = |k: usize| -> (Interval, f64) {
        let mut d: Vec<f64> = draws[0]
            .iter()
            .zip(&draws[1])
            .map(|(x, y)| x[k] - y[k])
            .collect();
        let ahead = d.iter().filter(|&&x| x > 0.0).count() as f64 / d.len() as f64;
        d.sort_by(f64::total_cmp);
        (
            Interval {
                lo: quantile(&d, (1.0 - level) / 2.0),
                hi: quantile(&d, (1.0 + level) / 2.0),
            },
            ahead,
        )
    };
    let ((f1, f1_ahead), (pr_auc, pr_auc_ahead)) = (diff(2), diff(3));
    Some(PairedDifference {
        a: intervals(&draws[0], resamples, level),
        b: intervals(&draws[1], resamples, level),
        f1,
        pr_auc,
        f1_ahead,
        pr_auc_ahead,
    })
}

/// The bootstrap draws shared by [`bootstrap`] and [`paired_bootstrap`]: for each system
/// (scores and threshold), `[precision, recall, F1, average precision]` on each resample that
/// holds a positive, every system on the same resamples. `None` when there is nothing to draw.
fn draw(
    systems: &[(&[f32], f32)],
    truth: &[bool],
    resamples: usize,
    level: f64,
    seed: u64,
) -> Option<Vec<Vec<[f64; 4]>>> {
    use rand::{Rng, SeedableRng};

    let n = systems.iter().map(|s| s.0.len()).min()?.min(truth.len());
    if n == 0 || resamples == 0 || !(level > 0.0 && level < 1.0) || !truth[..n].contains(&true) {
        return None;
    }
    // Documents in decreasing score order, cut into runs of equal scores: a resample is a
    // count per document, and its precision-recall curve is one walk over the runs.
    let sorted: Vec<(Vec<usize>, Vec<usize>)> =
        systems.iter().map(|s| runs_by_score(&s.0[..n])).collect();
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut counts = vec![0u32; n];
    let mut out = vec![Vec::with_capacity(resamples); systems.len()];
    for _ in 0..resamples {
        counts.fill(0);
        for _ in 0..n {
            counts[rng.gen_range(0..n)] += 1;
        }
        let pos: u64 = (0..n).filter(|&i| truth[i]).map(|i| counts[i] as u64).sum();
        if pos == 0 {
            continue;
        }
        for ((s, (order, runs)), o) in systems.iter().zip(&sorted).zip(out.iter_mut()) {
            o.push(weighted_metrics(s.0, truth, order, runs, &counts, pos, s.1));
        }
    }
    (!out[0].is_empty()).then_some(out)
}

/// Percentile intervals of one system's draws.
fn intervals(draws: &[[f64; 4]], resamples: usize, level: f64) -> BootstrapIntervals {
    let [precision, recall, f1, pr_auc] = std::array::from_fn(|k| {
        let mut v: Vec<f64> = draws.iter().map(|d| d[k]).collect();
        v.sort_by(f64::total_cmp);
        Interval {
            lo: quantile(&v, (1.0 - level) / 2.0),
            hi: quantile(&v, (1.0 + level) / 2.0),
        }
    });
    BootstrapIntervals {
        level,
        resamples,
        used: draws.len(),
        precision,
        recall,
        f1,
        pr_auc,
    }
}

/// Document indices in decreasing score order (ties by index), and the ends (exclusive) of
/// the runs of equal scores in that order.
fn runs_by_score(scores: &[f32]) -> (Vec<usize>, Vec<usize>) {
    let n = scores.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let runs = (1..=n)
        .filter(|&i| i == n || scores[order[i]] != scores[order[i - 1]])
        .collect();
    (order, runs)
}

/// Precision, recall and F1 at `threshold` and the average precision of a resample given as
/// a count per document (`pos`: the positives' total count, at least 1), over the documents
/// in decreasing score order (`order`) cut into runs of equal scores (`runs`: their ends).
fn weighted_metrics(
    scores: &[f32],
    truth: &[bool],
    order: &[usize],
    runs: &[usize],
    counts: &[u32],
    pos: u64,
    threshold: f32,
) -> [f64; 4] {
    let (mut tp, mut fp, mut start) = (0u64, 0u64, 0usize);
    let (mut ap, mut prev_recall) = (0.0, 0.0);
    let (mut flag_tp, mut flag_fp) = (0u64, 0u64);
    for &end in runs {
        for &i in &order[start..end] {
            let c = counts[i] as u64;
            if truth[i] {
                tp += c;
            } else {
                fp += c;
            }
        }
        if scores[order[start]] >= threshold {
            (flag_tp, flag_fp) = (tp, fp);
        }
        start = end;
        let recall = tp as f64 / pos as f64;
        if recall > prev_recall {
            ap += (recall - prev_recall) * tp as f64 / (tp + fp) as f64;
            prev_recall = recall;
        }
    }
    let p = if flag_tp + flag_fp == 0 {
        1.0
    } else {
        flag_tp as f64 / (flag_tp + flag_fp) as f64
    };
    let r = flag_tp as f64 / pos as f64;
    let f1 = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    [p, r, f1, ap]
}

/// The `q` quantile of sorted values, interpolated linearly between neighbours (numpy's
/// default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (i, frac) = (h.floor() as usize, h - h.floor());
    match sorted.get(i + 1) {
        Some(&next) => sorted[i] + frac * (next - sorted[i]),
        None => sorted[i],
    }
}

/// The Wilson score interval of a proportion `k / n` at the confidence of the normal quantile
/// `z` (1.96 for 95%): for rates measured on few documents, such as the share of one genre's
/// documents that a threshold flags. `None` when `n` is 0.
pub fn wilson(k: usize, n: usize, z: f64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k.min(n) as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // at k = 0 (k = n) the lower (upper) end is exactly 0 (1): no rounding residue
    Some(Interval {
        lo: if k == 0.0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        hi: if k == n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    })
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

    #[test]
    fn bootstrap_is_seeded_and_brackets_the_point_estimates() {
        // 200 documents, scores loosely separating the classes
        let mut scores = Vec::new();
        let mut truth = Vec::new();
        for i in 0..200u32 {
            let t = i % 4 == 0;
            let noise = ((i * 37) % 100) as f32 / 100.0;
            scores.push(if t { 0.3 + 0.6 * noise } else { 0.7 * noise });
            truth.push(t);
        }
        let th = 0.5;
        let a = bootstrap(&scores, &truth, th, 500, 0.95, 7).unwrap();
        let b = bootstrap(&scores, &truth, th, 500, 0.95, 7).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.resamples, a.used), (500, 500));
        let m = at_threshold(&scores, &truth, th);
        assert!(a.precision.contains(m.precision), "{a:?} {m:?}");
        assert!(a.recall.contains(m.recall), "{a:?} {m:?}");
        assert!(a.f1.contains(m.f1), "{a:?} {m:?}");
        assert!(
            a.pr_auc.contains(average_precision(&scores, &truth)),
            "{a:?}"
        );
        for iv in [a.precision, a.recall, a.f1, a.pr_auc] {
            assert!(iv.lo < iv.hi && iv.lo >= 0.0 && iv.hi <= 1.0, "{iv:?}");
        }
        // another seed gives other (but close) intervals
        let c = bootstrap(&scores, &truth, th, 500, 0.95, 8).unwrap();
        assert_ne!(a, c);
        assert!((a.f1.lo - c.f1.lo).abs() < 0.05, "{a:?} {c:?}");
        // four times the documents: intervals about half as wide
        let s4: Vec<f32> = scores.iter().cycle().take(800).copied().collect();
        let t4: Vec<bool> = truth.iter().cycle().take(800).copied().collect();
        let d = bootstrap(&s4, &t4, th, 500, 0.95, 7).unwrap();
        let width = |i: Interval| i.hi - i.lo;
        assert!(width(d.f1) < 0.7 * width(a.f1), "{a:?} {d:?}");
        assert!(width(d.pr_auc) < 0.7 * width(a.pr_auc), "{a:?} {d:?}");
        // a higher level gives wider intervals
        let e = bootstrap(&scores, &truth, th, 500, 0.99, 7).unwrap();
        assert!(width(e.f1) > width(a.f1), "{a:?} {e:?}");
    }

    #[test]
    fn bootstrap_average_precision_handles_ties_as_the_point_estimate() {
        // every score tied: each resample's AP is its share of positives
        let scores = [0.5f32; 40];
        let truth: Vec<bool> = (0..40).map(|i| i < 10).collect();
        let b = bootstrap(&scores, &truth, 0.5, 300, 0.9, 1).unwrap();
        assert!(b.pr_auc.contains(0.25), "{b:?}");
        assert!(b.pr_auc.lo > 0.1 && b.pr_auc.hi < 0.4, "{b:?}");
        // a perfect ranking has AP 1 in every resample
        let s: Vec<f32> = (0..40).map(|i| if i < 10 { 0.9 } else { 0.1 }).collect();
        let p = bootstrap(&s, &truth, 0.5, 300, 0.95, 1).unwrap();
        assert_eq!(p.pr_auc, Interval { lo: 1.0, hi: 1.0 });
        assert_eq!(p.f1, Interval { lo: 1.0, hi: 1.0 });
    }

    #[test]
    fn bootstrap_needs_positives_and_a_valid_level() {
        assert!(bootstrap(&[0.1, 0.2], &[false, false], 0.5, 100, 0.95, 1).is_none());
        assert!(bootstrap(&[], &[], 0.5, 100, 0.95, 1).is_none());
        assert!(bootstrap(&[0.1, 0.9], &[false, true], 0.5, 0, 0.95, 1).is_none());
        assert!(bootstrap(&[0.1, 0.9], &[false, true], 0.5, 100, 1.0, 1).is_none());
        // one positive among 50: some resamples miss it and are left out
        let s: Vec<f32> = (0..50).map(|i| i as f32 / 50.0).collect();
        let t: Vec<bool> = (0..50).map(|i| i == 49).collect();
        let b = bootstrap(&s, &t, 0.5, 200, 0.95, 3).unwrap();
        assert!(b.used < 200 && b.used > 100, "{b:?}");
    }

    #[test]
    fn weighted_metrics_with_unit_counts_are_the_point_estimates() {
        let scores = [0.9f32, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.3, 0.2, 0.1];
        let truth = [
            true, false, true, true, false, true, false, false, true, false,
        ];
        let (order, runs) = runs_by_score(&scores);
        let counts = [1u32; 10];
        for th in [0.05f32, 0.25, 0.6, 0.65, 0.8, 0.95] {
            let [p, r, f1, ap] = weighted_metrics(&scores, &truth, &order, &runs, &counts, 5, th);
            let m = at_threshold(&scores, &truth, th);
            assert_eq!((p, r, f1), (m.precision, m.recall, m.f1), "threshold {th}");
            assert!((ap - average_precision(&scores, &truth)).abs() < 1e-12);
        }
        // counts of 2 everywhere: the same metrics
        let [p, r, f1, ap] = weighted_metrics(&scores, &truth, &order, &runs, &[2; 10], 10, 0.65);
        let m = at_threshold(&scores, &truth, 0.65);
        assert_eq!((p, r, f1), (m.precision, m.recall, m.f1));
        assert!((ap - average_precision(&scores, &truth)).abs() < 1e-12);
    }

    #[test]
    fn calibration_report_measures_the_gap() {
        // perfectly calibrated: in each bin the share of positives equals the score
        let mut scores = Vec::new();
        let mut truth = Vec::new();
        for (s, pos) in [(0.05f32, 0), (0.25, 1), (0.75, 3), (0.95, 4)] {
            for i in 0..4 {
                scores.push(s);
                truth.push(i < pos);
            }
        }
        // shares: 0/4, 1/4, 3/4, 4/4 against scores 0.05, 0.25, 0.75, 0.95
        let r = calibration_report(&scores, &truth, 10).unwrap();
        assert_eq!(r.bins.len(), 4);
        assert_eq!(r.bins.iter().map(|b| b.count).sum::<usize>(), 16);
        // gaps 0.05, 0, 0, 0.05, each bin a quarter of the documents
        assert!((r.ece - 0.025).abs() < 1e-6, "{r:?}");
        let brier: f64 = scores
            .iter()
            .zip(&truth)
            .map(|(&s, &t)| (s as f64 - t as u8 as f64).powi(2))
            .sum::<f64>()
            / 16.0;
        assert!((r.brier - brier).abs() < 1e-12);
        // over-confident scores: a large gap
        let r = calibration_report(&[1.0, 1.0, 0.0, 0.0], &[false, true, true, false], 10).unwrap();
        assert!((r.ece - 0.5).abs() < 1e-12, "{r:?}");
        assert!((r.brier - 0.5).abs() < 1e-12);
        assert_eq!((r.bins[1].lo, r.bins[1].hi), (0.9, 1.0)); // 1.0 lands in the last bin
        assert!(calibration_report(&[], &[], 10).is_none());
        assert!(calibration_report(&[0.5], &[true], 0).is_none());
    }

    #[test]
    fn paired_bootstrap_sees_what_separate_intervals_hide() {
        let n = 400u32;
        let truth: Vec<bool> = (0..n).map(|i| i % 5 == 0).collect();
        let noise = |i: u32, k: u32| ((i * k + 17) % 101) as f32 / 101.0;
        let good: Vec<f32> = (0..n)
            .map(|i| 0.45 * truth[i as usize] as u8 as f32 + 0.55 * noise(i, 37))
            .collect();
        // the same ranking with a little of its own noise: close, but slightly worse
        let close: Vec<f32> = (0..n)
            .map(|i| good[i as usize] * 0.9 + 0.1 * noise(i, 53))
            .collect();
        let weak: Vec<f32> = (0..n)
            .map(|i| 0.15 * truth[i as usize] as u8 as f32 + 0.85 * noise(i, 61))
            .collect();
        let p = paired_bootstrap((&good, 0.5), (&weak, 0.5), &truth, 500, 0.95, 3).unwrap();
        assert!(p.pr_auc.lo > 0.0 && p.pr_auc_ahead > 0.97, "{p:?}");
        // system a's own intervals are those of the plain bootstrap with the same seed
        assert_eq!(p.a, bootstrap(&good, &truth, 0.5, 500, 0.95, 3).unwrap());
        // against itself: exactly zero, never ahead
        let s = paired_bootstrap((&good, 0.5), (&good, 0.5), &truth, 200, 0.95, 3).unwrap();
        assert_eq!(s.pr_auc, Interval { lo: 0.0, hi: 0.0 });
        assert_eq!((s.f1_ahead, s.pr_auc_ahead), (0.0, 0.0));
        // a close pair: the difference interval is narrower than either system's own
        let c = paired_bootstrap((&good, 0.5), (&close, 0.5), &truth, 500, 0.95, 3).unwrap();
        let w = |i: Interval| i.hi - i.lo;
        assert!(w(c.pr_auc) < w(c.a.pr_auc).min(w(c.b.pr_auc)), "{c:?}");
        assert!(paired_bootstrap((&good, 0.5), (&good[1..], 0.5), &truth, 10, 0.95, 3).is_none());
    }

    #[test]
    fn wilson_matches_reference_values() {
        // reference: statsmodels proportion_confint(k, n, method="wilson")
        let i = wilson(0, 10, 1.959_964).unwrap();
        assert!(i.lo == 0.0 && (i.hi - 0.277_53).abs() < 1e-4, "{i:?}");
        let i = wilson(2, 56, 1.959_964).unwrap();
        assert!(
            (i.lo - 0.009_85).abs() < 1e-4 && (i.hi - 0.121_1).abs() < 1e-3,
            "{i:?}"
        );
        let i = wilson(5, 5, 1.959_964).unwrap();
        assert!((i.lo - 0.565_5).abs() < 1e-3 && i.hi == 1.0, "{i:?}");
        assert!(wilson(1, 0, 1.96).is_none());
        assert_eq!(wilson(0, 3, 1.96).unwrap().lo, 0.0);
        assert_eq!(wilson(9, 9, 1.96).unwrap().hi, 1.0);
    }
}
