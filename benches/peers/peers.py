#!/usr/bin/env python3
"""Peer baselines for narrascope: scikit-learn TF-IDF + LogisticRegression / LinearSVC, and fastText.

Usage (from the repository root, after benches/peers/setup_venv.sh):

    benches/peers/.venv/bin/python benches/peers/peers.py \
        --train T.jsonl --dev D.jsonl --test E.jsonl \
        [--labels recruitment defection] [--text-field text] \
        [--out results.json] [--systems sklearn-lr sklearn-svc fasttext] [--scores-out scores.json] \
        [--keep-models DIR]
    benches/peers/.venv/bin/python benches/peers/peers.py --time-only DIR --test E.jsonl \
        [--labels ...] [--systems ...] [--out round.json]

``--keep-models`` saves every fitted model; ``--time-only`` times the saved models again on the
test texts (no training): compare.sh's later speed rounds.

Input is JSON Lines: one object a line with a text field (``--text-field``, default ``text``)
and ``labels``, a list of label names. A document is positive for label L when L is in its
``labels``. Every (system, label) pair is trained one-vs-rest in its own child process
(``peers.py --one SYSTEM --one-label L ...``) so that the child's peak RSS, read by the parent
with ``os.wait4``, is that system's own.

For each system and label: the threshold is chosen on DEV (the distinct dev score that
maximises F1; a document is positive when score >= threshold), then TEST precision, recall and
F1 at that threshold, PR-AUC (average precision), training seconds (vectorizer + model fit),
single-thread prediction throughput (featurize + predict, best of 3), model size (pickle
protocol 5 / fastText ``save_model``) and peak RSS are reported. See README.md.
"""

import os

# One thread for BLAS / OpenMP, set before numpy (or anything importing it) is loaded.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata

SYSTEMS = ("sklearn-lr", "sklearn-svc", "fasttext")
DEFAULT_LABELS = ("recruitment", "defection")
THROUGHPUT_RUNS = 3
# ...and more runs until they add up to this many seconds (as `evaluate --min-seconds`): on a
# shared machine a short run needs more tries to get one undisturbed run.
THROUGHPUT_MIN_SECONDS = 2.0
THROUGHPUT_MAX_RUNS = 1000
MB = 1_000_000  # "MB" means 10^6 bytes everywhere (throughput and RSS).

# Exact settings. Anything not listed is the library default.
TFIDF_WORD = dict(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
TFIDF_CHAR = dict(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
LR_PARAMS = dict(C=10, class_weight="balanced", max_iter=2000)
SVC_PARAMS = dict(C=1.0, class_weight="balanced", random_state=0)  # random_state: reproducible liblinear shuffling
FASTTEXT_PARAMS = dict(wordNgrams=2, minn=2, maxn=5, dim=50, epoch=25, loss="ova", thread=1)
FT_POS = "__label__pos"
FT_NEG = "__label__neg"


class InputError(Exception):
    """Bad input file: the message names the file and the line."""


def log(msg):
    print(f"peers: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Input


def read_jsonl(path, text_field):
    """Return (texts, label_sets, info). Empty / whitespace-only texts are kept as ''.

    Blank lines of the file itself are skipped (counted in info["blank_lines_skipped"]). A malformed
    line, a non-object, or a missing / mistyped field raises InputError naming file and line.
    """
    texts, label_sets = [], []
    blank = 0
    try:
        fh = open(path, encoding="utf-8")
    except OSError as e:
        raise InputError(f"{path}: cannot open: {e.strerror}") from None
    with fh:
        lineno = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError as e:
                raise InputError(f"{path}:{lineno + 1}: not valid UTF-8: {e.reason}") from None
            if not line:
                break
            lineno += 1
            if not line.strip():
                blank += 1
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as e:
                raise InputError(f"{where}: malformed JSON: {e.msg} (column {e.colno})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
            if text_field not in obj:
                raise InputError(f"{where}: missing text field {text_field!r}")
            text = obj[text_field]
            if not isinstance(text, str):
                raise InputError(f"{where}: field {text_field!r} must be a string, got {json.dumps(text)[:40]}")
            if "labels" not in obj:
                raise InputError(f"{where}: missing field 'labels'")
            labels = obj["labels"]
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise InputError(f"{where}: 'labels' must be a list of strings, got {json.dumps(labels)[:40]}")
            texts.append(text if text.strip() else "")
            label_sets.append(frozenset(labels))
    info = {
        "path": os.path.abspath(path),
        "docs": len(texts),
        "bytes": sum(len(t.encode("utf-8")) for t in texts),
        "empty_texts": sum(1 for t in texts if not t),
        "blank_lines_skipped": blank,
    }
    return texts, label_sets, info


def load_splits(args):
    splits = {}
    for name in ("train", "dev", "test"):
        texts, label_sets, info = read_jsonl(getattr(args, name), args.text_field)
        if not texts:
            raise InputError(f"{getattr(args, name)}: no documents")
        splits[name] = (texts, label_sets, info)
    return splits


def targets(label_sets, label):
    return [1 if label in s else 0 for s in label_sets]


# --------------------------------------------------------------------------------------------
# Metrics


def best_threshold(y, scores):
    """Distinct score t maximising F1 of (score >= t) on (y, scores); ties go to the highest t."""
    import numpy as np

    y = np.asarray(y, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    k = np.arange(1, len(s) + 1)  # predicted positives if cut after position k-1
    last_of_value = np.r_[s[1:] != s[:-1], True]  # cut only between distinct scores
    tp, k, thr = tp[last_of_value], k[last_of_value], s[last_of_value]
    f1 = 2 * tp / (k + y.sum())
    i = int(np.argmax(f1))
    return float(thr[i]), float(f1[i])


def test_metrics(y, scores, threshold):
    import numpy as np
    from sklearn.metrics import average_precision_score

    y = np.asarray(y, dtype=np.int64)
    pred = np.asarray(scores) >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    pr_auc = float(average_precision_score(y, scores)) if y.sum() > 0 else None
    return {"precision": p, "recall": r, "f1": f1, "pr_auc": pr_auc, "tp": tp, "fp": fp, "fn": fn}


# --------------------------------------------------------------------------------------------
# Systems: prepare(texts, y) -> data (untimed), fit(data) -> model (timed),
# score(model, texts) -> scores, size(model, tmpdir) -> bytes.


class SklearnTfidf:
    def __init__(self, kind):
        # Imports happen here, outside the timed fit / score calls.
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        self.kind = kind
        self.sp = sp
        self.make_vectorizers = lambda: (TfidfVectorizer(**TFIDF_WORD), TfidfVectorizer(**TFIDF_CHAR))
        self.make_classifier = (lambda: LogisticRegression(**LR_PARAMS)) if kind == "lr" else (lambda: LinearSVC(**SVC_PARAMS))

    def prepare(self, texts, y):
        return texts, y

    def fit(self, data):
        texts, y = data
        vw, vc = self.make_vectorizers()
        x = self.sp.hstack([vw.fit_transform(texts), vc.fit_transform(texts)], format="csr")
        clf = self.make_classifier()
        clf.fit(x, y)
        return (vw, vc, clf)

    def score(self, model, texts):
        vw, vc, clf = model
        x = self.sp.hstack([vw.transform(texts), vc.transform(texts)], format="csr")
        if self.kind == "lr":
            pos = list(clf.classes_).index(1)
            return clf.predict_proba(x)[:, pos]  # probability of the positive class
        return clf.decision_function(x)  # LinearSVC: signed distance, positive class = 1

    def size(self, model, tmpdir):
        path = os.path.join(tmpdir, "model.pkl")
        with open(path, "wb") as fh:
            pickle.dump(model, fh, protocol=5)
        n = os.path.getsize(path)
        os.remove(path)
        return n

    def n_features(self, model):
        return len(model[0].vocabulary_) + len(model[1].vocabulary_)

    def save(self, model, path_stem):
        with open(path_stem + ".pkl", "wb") as fh:
            pickle.dump(model, fh, protocol=5)

    def load(self, path_stem):
        with open(path_stem + ".pkl", "rb") as fh:
            return pickle.load(fh)


def ft_line(text):
    # fastText reads one document a line and takes any "__label__..." token as a label. Its own
    # tokenizer splits on ASCII whitespace, so only line breaks are replaced.
    return text.replace("\n", " ").replace("\r", " ").replace("__label__", "__ label__")


class FastText:
    def __init__(self, tmpdir):
        import fasttext  # outside the timed calls

        self.fasttext = fasttext
        self.tmpdir = tmpdir

    def prepare(self, texts, y):
        # fastText trains from a file; writing it is not part of the timed fit.
        path = os.path.join(self.tmpdir, "train.txt")
        with open(path, "w", encoding="utf-8") as fh:
            for t, yi in zip(texts, y):
                fh.write(f"{FT_POS if yi else FT_NEG} {ft_line(t)}\n")
        return path

    def fit(self, path):
        return self.fasttext.train_supervised(input=path, verbose=0, **FASTTEXT_PARAMS)

    def score(self, model, texts):
        labels, probs = model.predict([ft_line(t) for t in texts], k=-1, threshold=0.0)
        out = [0.0] * len(texts)
        for i, (ls, ps) in enumerate(zip(labels, probs)):
            for lab, p in zip(ls, ps):
                if lab == FT_POS:
                    out[i] = float(p)
        return out

    def size(self, model, tmpdir):
        path = os.path.join(tmpdir, "model.bin")
        model.save_model(path)
        n = os.path.getsize(path)
        os.remove(path)
        return n

    def n_features(self, model):
        return len(model.words)

    def save(self, model, path_stem):
        model.save_model(path_stem + ".bin")

    def load(self, path_stem):
        return self.fasttext.load_model(path_stem + ".bin")


def make_system(name, tmpdir):
    if name == "sklearn-lr":
        return SklearnTfidf("lr")
    if name == "sklearn-svc":
        return SklearnTfidf("svc")
    if name == "fasttext":
        return FastText(tmpdir)
    raise ValueError(name)


def time_scoring(system, model, texts):
    """Single-thread featurize + predict over `texts`: the fastest of at least THROUGHPUT_RUNS
    runs, more until they add up to THROUGHPUT_MIN_SECONDS. Returns (scores, best, times)."""
    times = []
    while len(times) < THROUGHPUT_RUNS or (
            sum(times) < THROUGHPUT_MIN_SECONDS and len(times) < THROUGHPUT_MAX_RUNS):
        t0 = time.perf_counter()
        scores = system.score(model, texts)
        times.append(time.perf_counter() - t0)
    return scores, min(times), times


def model_stem(models_dir, system, label):
    return os.path.join(models_dir, f"{system}-{label}".replace(os.sep, "_"))


def run_one(args):
    """Child process: train and evaluate one system on one label, write a JSON row."""
    import warnings

    import numpy as np

    splits = load_splits(args)
    label = args.one_label
    (tr_x, tr_l, _), (dv_x, dv_l, _), (te_x, te_l, te_info) = splits["train"], splits["dev"], splits["test"]
    y_tr, y_dv, y_te = targets(tr_l, label), targets(dv_l, label), targets(te_l, label)

    with tempfile.TemporaryDirectory(prefix="peers-") as tmpdir:
        system = make_system(args.one, tmpdir)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = system.prepare(tr_x, np.asarray(y_tr))
            t0 = time.perf_counter()
            model = system.fit(data)
            train_s = time.perf_counter() - t0
        for w in caught:
            log(f"{args.one}/{label}: warning during fit: {w.category.__name__}: {str(w.message).splitlines()[0]}")

        dev_scores = system.score(model, dv_x)
        threshold, dev_f1 = best_threshold(y_dv, dev_scores)

        test_scores, best, times = time_scoring(system, model, te_x)
        if args.keep_models:
            os.makedirs(args.keep_models, exist_ok=True)
            system.save(model, model_stem(args.keep_models, args.one, label))

        row = {"system": args.one, "label": label}
        m = test_metrics(y_te, test_scores, threshold)
        row.update(
            precision=m["precision"],
            recall=m["recall"],
            f1=m["f1"],
            pr_auc=m["pr_auc"],
            threshold=threshold,
            train_s=train_s,
            docs_per_s=len(te_x) / best,
            mb_per_s=te_info["bytes"] / MB / best,
            peak_rss_mb=None,  # filled in by the parent from os.wait4
            model_bytes=system.size(model, tmpdir),
        )
        extra = {
            "dev_f1": dev_f1,
            "test_tp": m["tp"],
            "test_fp": m["fp"],
            "test_fn": m["fn"],
            "predict_s_runs": times,
            "distinct_test_scores": len(set(float(x) for x in test_scores)),
            "n_features": system.n_features(model),
        }
    with open(args.one_out, "w", encoding="utf-8") as fh:
        json.dump({"row": row, "extra": extra,
                   "test_scores": [float(x) for x in test_scores]}, fh)


# --------------------------------------------------------------------------------------------
# Parent


def machine_info():
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": None,
        "logical_cpus": os.cpu_count(),
        "mem_total_mb": None,
        "threads": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        "openblas_env": {v: os.environ.get(v) for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
        "packages": {},
        "blas": [],
    }
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    info["mem_total_mb"] = round(int(line.split()[1]) * 1024 / MB)
                    break
    except OSError:
        pass
    for pkg in ("numpy", "scipy", "scikit-learn", "fasttext-numpy2-wheel", "threadpoolctl"):
        try:
            info["packages"][pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            info["packages"][pkg] = None
    try:
        import numpy  # noqa: F401  (load BLAS so threadpoolctl sees it)
        import scipy.linalg  # noqa: F401
        from threadpoolctl import threadpool_info

        info["blas"] = [
            {k: d.get(k) for k in ("internal_api", "version", "num_threads", "architecture")}
            for d in threadpool_info()
        ]
    except ImportError:
        pass
    return info


def run_child(args, system, label, tmpdir):
    out = os.path.join(tmpdir, f"{system}-{label}.json".replace(os.sep, "_"))
    cmd = [sys.executable, os.path.abspath(__file__), "--one", system, "--one-label", label,
           "--one-out", out, "--train", args.train, "--dev", args.dev, "--test", args.test,
           "--text-field", args.text_field]
    if args.keep_models:
        cmd += ["--keep-models", args.keep_models]
    proc = subprocess.Popen(cmd)  # stderr passes through
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return None, f"{system}/{label}: child exited with status {proc.returncode}"
    with open(out, encoding="utf-8") as fh:
        res = json.load(fh)
    res["row"]["peak_rss_mb"] = usage.ru_maxrss * 1024 / MB  # Linux: ru_maxrss is in KiB
    return res, None


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(rows):
    head = ["system", "label", "P", "R", "F1", "PR-AUC", "thresh", "train_s", "docs/s", "MB/s", "RSS_MB", "model_MB"]
    lines = []
    for r in rows:
        lines.append([
            r["system"], r["label"], fmt(r["precision"], ".3f"), fmt(r["recall"], ".3f"), fmt(r["f1"], ".3f"),
            fmt(r["pr_auc"], ".3f"), fmt(r["threshold"], ".4g"), fmt(r["train_s"], ".2f"),
            fmt(r["docs_per_s"], ",.0f"), fmt(r["mb_per_s"], ".3f"), fmt(r["peak_rss_mb"], ".0f"),
            fmt(r["model_bytes"] / MB, ".3g"),
        ])
    widths = [max(len(h), *(len(l[i]) for l in lines)) if lines else len(h) for i, h in enumerate(head)]
    def line(cells):
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(head), file=sys.stderr)
    print("  ".join("-" * w for w in widths), file=sys.stderr)
    for l in lines:
        print(line(l), file=sys.stderr)


def run_parent(args):
    splits = load_splits(args)
    for name, (_, _, info) in splits.items():
        log(f"{name}: {info['docs']} docs, {info['bytes']:,} bytes, {info['empty_texts']} empty texts"
            + (f", {info['blank_lines_skipped']} blank lines skipped" if info["blank_lines_skipped"] else ""))

    dataset = {"text_field": args.text_field}
    for name, (_, label_sets, info) in splits.items():
        info = dict(info)
        info["positives"] = {lab: sum(targets(label_sets, lab)) for lab in args.labels}
        dataset[name] = info

    labels, skipped = [], []
    for lab in args.labels:
        n = {name: dataset[name]["positives"][lab] for name in ("train", "dev")}
        size = {name: dataset[name]["docs"] for name in ("train", "dev")}
        why = [f"no positive in {name}" for name in ("train", "dev") if n[name] == 0]
        why += [f"no negative in {name}" for name in ("train", "dev") if n[name] == size[name]]
        if why:
            msg = f"skipping label {lab!r}: {', '.join(why)} (train {n['train']}/{size['train']}, dev {n['dev']}/{size['dev']} positive)"
            log(msg)
            skipped.append({"label": lab, "reason": ", ".join(why)})
        else:
            labels.append(lab)
            if dataset["test"]["positives"][lab] == 0:
                log(f"warning: label {lab!r} has no positive in test: recall and PR-AUC are undefined (reported 0 / null)")

    rows, extras, errors, test_scores = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="peers-run-") as tmpdir:
        for system in args.systems:
            for lab in labels:
                log(f"running {system} on label {lab!r} in a child process ...")
                res, err = run_child(args, system, lab, tmpdir)
                if err:
                    log(f"error: {err}")
                    errors.append(err)
                    continue
                r = res["row"]
                rows.append(r)
                extras.append({"system": system, "label": lab, **res["extra"]})
                test_scores.append({"system": system, "label": lab, "threshold": r["threshold"],
                                    "scores": res["test_scores"]})
                log(f"{system}/{lab}: F1 {r['f1']:.3f}, PR-AUC {fmt(r['pr_auc'], '.3f')}, "
                    f"train {r['train_s']:.2f} s, {r['docs_per_s']:,.0f} docs/s, peak RSS {r['peak_rss_mb']:.0f} MB")

    result = {
        "dataset": dataset,
        "machine": machine_info(),
        "settings": {
            "tfidf_word": {**TFIDF_WORD, "ngram_range": list(TFIDF_WORD["ngram_range"])},
            "tfidf_char": {**TFIDF_CHAR, "ngram_range": list(TFIDF_CHAR["ngram_range"])},
            "logistic_regression": LR_PARAMS,
            "linear_svc": SVC_PARAMS,
            "fasttext": FASTTEXT_PARAMS,
            "threshold": "distinct dev score maximising dev F1; positive when score >= threshold",
            "scores": {"sklearn-lr": "predict_proba", "sklearn-svc": "decision_function",
                       "fasttext": "probability of the positive label (ova)"},
            "throughput": (f"featurize + predict on the test texts, single thread, fastest of at least "
                           f"{THROUGHPUT_RUNS} runs adding up to {THROUGHPUT_MIN_SECONDS} s or more"),
            "units": "MB = 10^6 bytes; peak_rss_mb = child's ru_maxrss (one child per system and label)",
        },
        "skipped": skipped,
        "errors": errors,
        "systems": rows,
        "details": extras,
    }
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2)
        fh.write("\n")

    if args.scores_out:
        with open(args.scores_out, "w", encoding="utf-8") as fh:
            json.dump({"test": args.test, "systems": test_scores}, fh)
            fh.write("\n")
        log(f"wrote the test scores to {args.scores_out}")

    print(file=sys.stderr)
    print_table(rows)
    print(file=sys.stderr)
    log(f"wrote {args.out}")
    return 1 if errors else 0


def run_time_only(args):
    """Times the models a run with --keep-models saved, on the test texts only: one more round of
    the throughput measurement, for comparing speeds side by side with another system's rounds."""
    texts, _, info = read_jsonl(args.test, args.text_field)
    if not texts:
        raise InputError(f"{args.test}: no documents")
    rows, errors = [], []
    with tempfile.TemporaryDirectory(prefix="peers-time-") as tmpdir:
        for system_name in args.systems:
            system = make_system(system_name, tmpdir)
            for lab in args.labels:
                stem = model_stem(args.time_only, system_name, lab)
                try:
                    model = system.load(stem)
                except (OSError, ValueError, pickle.UnpicklingError) as e:
                    errors.append(f"{system_name}/{lab}: cannot load the saved model {stem}.*: {e}")
                    log(f"error: {errors[-1]}")
                    continue
                _, best, times = time_scoring(system, model, texts)
                del model
                rows.append({"system": system_name, "label": lab, "docs_per_s": len(texts) / best,
                             "mb_per_s": info["bytes"] / MB / best, "predict_s_runs": times})
                log(f"{system_name}/{lab}: {len(texts) / best:,.0f} docs/s (best of {len(times)} runs)")
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump({"test": args.test, "systems": rows, "errors": errors}, fh, indent=2)
        fh.write("\n")
    log(f"wrote {args.out}")
    return 1 if errors else 0


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train", help="training JSON Lines file (required unless --time-only)")
    p.add_argument("--dev", help="dev JSON Lines file (threshold selection; required unless --time-only)")
    p.add_argument("--test", required=True, help="test JSON Lines file (reported numbers)")
    p.add_argument("--labels", nargs="+", default=list(DEFAULT_LABELS), help="labels, one-vs-rest (default: %(default)s)")
    p.add_argument("--text-field", default="text", help="JSON field holding the text (default: %(default)s)")
    p.add_argument("--out", default=os.path.join(here, "out", "results.json"), help="results JSON (default: %(default)s)")
    p.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS, help="systems (default: all)")
    p.add_argument("--scores-out", help="also write every system's test scores and dev threshold per label to this JSON file "
                   "(in test-file order; for paired comparisons such as compare.sh's bootstrap)")
    p.add_argument("--keep-models", metavar="DIR",
                   help="save each fitted model in DIR (SYSTEM-LABEL.pkl / .bin), for --time-only rounds")
    p.add_argument("--time-only", metavar="DIR",
                   help="no training: time the models a --keep-models run saved in DIR on --test, "
                        "write their docs/s to --out (one more round of the speed measurement)")
    p.add_argument("--one", choices=SYSTEMS, help=argparse.SUPPRESS)  # internal: child process
    p.add_argument("--one-label", help=argparse.SUPPRESS)
    p.add_argument("--one-out", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if not args.time_only:
        missing = [f"--{n}" for n in ("train", "dev") if getattr(args, n) is None]
        if missing:
            p.error(f"the following arguments are required: {', '.join(missing)}")
    args.labels = list(dict.fromkeys(args.labels))
    args.systems = list(dict.fromkeys(args.systems))
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        if args.one:
            run_one(args)
            return 0
        if args.time_only:
            return run_time_only(args)
        return run_parent(args)
    except InputError as e:
        print(f"peers.py: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
