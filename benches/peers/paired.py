"""Paired bootstrap confidence intervals for systems scored on the same test documents.

Used by ``compare.sh`` to put error bars on its table and to say whether narrascope's lead or
lag against a peer is larger than the sampling noise of the test set. Every system is scored
on the same resamples of the documents (drawn with replacement, seeded), so the interval of a
*difference* between two systems accounts for their shared documents: it is much narrower than
what two separate intervals suggest.

Per system: F1, precision and recall at the system's own fixed threshold (chosen on dev), and
average precision (PR-AUC, step-wise as scikit-learn's ``average_precision_score``), with
percentile intervals. Per pair: the interval of the difference and the share of resamples in
which the first system is ahead.

The same method as narrascope's ``evaluate`` (``metrics::bootstrap``), with numpy's generator:
the two draw different resamples, so their intervals agree only up to resampling noise.
"""

import numpy as np

RESAMPLES = 1000
LEVEL = 0.95
SEED = 42


class System:
    """One system's test scores for one label, and its flags at its own threshold."""

    def __init__(self, scores, flags):
        self.scores = np.asarray(scores, dtype=np.float64)
        self.flags = np.asarray(flags, dtype=bool)
        if self.scores.shape != self.flags.shape:
            raise ValueError("scores and flags differ in length")
        # decreasing score order (ties by index) and the last position of each run of ties
        self.order = np.argsort(-self.scores, kind="mergesort")
        s = self.scores[self.order]
        self.run_end = np.r_[s[1:] != s[:-1], True]


def _metrics(system, y, counts):
    """[precision, recall, F1, average precision] of `system` on the resample given as a
    count per document (`y`: 0/1 truth); None when the resample holds no positive."""
    pos = float(np.dot(counts, y))
    if pos == 0:
        return None
    cy = counts * y
    tp_flag = float(np.dot(cy, system.flags))
    fp_flag = float(np.dot(counts - cy, system.flags))
    p = tp_flag / (tp_flag + fp_flag) if tp_flag + fp_flag else 1.0
    r = tp_flag / pos
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    c = counts[system.order]
    t = cy[system.order]
    tp = np.cumsum(t)[system.run_end]
    k = np.cumsum(c)[system.run_end]
    recall = tp / pos
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(k > 0, tp / np.maximum(k, 1), 0.0)
    ap = float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
    return [p, r, f1, ap]


def bootstrap(y, systems, pairs=(), resamples=RESAMPLES, level=LEVEL, seed=SEED):
    """Paired percentile bootstrap.

    y: 0/1 truth per document. systems: name -> System (same documents, same order).
    pairs: (a, b) names whose difference a - b to report.

    Returns {"resamples", "used", "level", "seed", "systems": {name: {"precision", "recall",
    "f1", "pr_auc": [lo, hi]}}, "pairs": {"a vs b": {"f1", "pr_auc": [lo, hi],
    "f1_ahead", "pr_auc_ahead": share of resamples with a > b}}}; None when y holds no
    positive. Resamples without a positive are left out ("used" counts the others).
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    if n == 0 or y.sum() == 0:
        return None
    names = list(systems)
    rng = np.random.default_rng(seed)
    draws = {name: [] for name in names}
    for _ in range(resamples):
        counts = np.bincount(rng.integers(0, n, size=n), minlength=n).astype(np.float64)
        row = {name: _metrics(systems[name], y, counts) for name in names}
        if any(v is None for v in row.values()):
            continue
        for name in names:
            draws[name].append(row[name])
    used = len(draws[names[0]]) if names else 0
    if used == 0:
        return None
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2

    def interval(v):
        return [float(np.quantile(v, lo_q)), float(np.quantile(v, hi_q))]

    arr = {name: np.asarray(draws[name]) for name in names}
    out = {"resamples": resamples, "used": used, "level": level, "seed": seed,
           "systems": {}, "pairs": {}}
    for name in names:
        a = arr[name]
        out["systems"][name] = {"precision": interval(a[:, 0]), "recall": interval(a[:, 1]),
                                "f1": interval(a[:, 2]), "pr_auc": interval(a[:, 3])}
    for a, b in pairs:
        d = arr[a] - arr[b]
        out["pairs"][f"{a} vs {b}"] = {
            "f1": interval(d[:, 2]), "pr_auc": interval(d[:, 3]),
            "f1_ahead": float(np.mean(d[:, 2] > 0)), "pr_auc_ahead": float(np.mean(d[:, 3] > 0)),
        }
    return out
