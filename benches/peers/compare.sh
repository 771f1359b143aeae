#!/usr/bin/env bash
# Side-by-side comparison of narrascope with its peers (scikit-learn, fastText; see README.md).
#
# For each dataset (a train/dev/test JSON Lines split):
#   1. trains narrascope with every model kind (the release `train` example; thresholds are
#      chosen on dev at training and stored in the model), timing it and reading its peak RSS;
#   2. evaluates each model on test with `evaluate --threads 1 --repeat 3 --min-seconds 2
#      --warm-up TRAIN` (scoring speed on one thread: the fastest of at least 3 runs that add
#      up to 2 s or more, as peers.py measures; each run on a fresh thread whose word caches
#      were warmed on the train texts, so that no run finds the test words already cached)
#      and reads its last JSON line;
#   3. runs peers.py on the same files (thresholds chosen on dev);
#   4. repeats the speed measurements of 2 and 3 (no training: peers.py --time-only on the
#      models it saved) until there are --speed-rounds rounds, narrascope and the peers taking
#      turns to go first, so that each round compares speeds measured minutes apart at most;
#      the ratio of each round is reported, and their median;
#   5. writes a markdown table to benches/peers/out/comparison-<dataset>.md and prints it.
#
# Datasets:
#   corpus     data/corpus/{train,dev,test}.jsonl, labels recruitment and defection (always)
#   isextreme  ../shared/corpora/isextreme/{train,dev,test}.jsonl (relative to the repository
#              root), label recruitment only; skipped with a message when absent
#
# Usage: benches/peers/compare.sh [--datasets "corpus isextreme"] [--kinds "sparse-logistic sparse-logistic-p20000 logistic nb svm ftrl"]
#                                 [--systems "sklearn-lr sklearn-svc fasttext"] [--repeat 3]
#                                 [--speed-rounds 3] [--train-args "ARGS"]
# --train-args adds ARGS to every narrascope `train` run (for example "--tokenizer stopwords=off",
# as the built-in model is trained); the table says so.
# A kind KIND-pN trains KIND with `--prune-to N` (its N most used features, refitted),
# KIND[-pN]-hU adds a hidden layer of U units (`--mlp-units U`), KIND[-pN][-hU]-nolex
# switches the lexicon family off (`--family-weight lexicons=0`: no lexicon pass when scoring),
# and KIND[-pN][-hU][-nolex]-add and -dist train with `--weighting additive` and
# `--weighting distinct` (scoring sums cached per-word parts).
#
# Training uses all cores (rayon; RAYON_NUM_THREADS=1 in the environment makes it one
# thread); peers.py fits on one thread. Everything else is timed on one thread.
# Writes only under benches/peers/out/ (gitignored) and the cargo target folder.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
here="benches/peers"
out="$here/out"
datasets="corpus isextreme"
kinds="sparse-logistic sparse-logistic-p20000 logistic nb svm ftrl"
systems="sklearn-lr sklearn-svc fasttext"
repeat=3
speed_rounds=3
train_args=""
isextreme_dir="../shared/corpora/isextreme"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --datasets) datasets="$2"; shift 2 ;;
        --kinds) kinds="$2"; shift 2 ;;
        --systems) systems="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --speed-rounds) speed_rounds="$2"; shift 2 ;;
        --train-args) train_args="$2"; shift 2 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "compare: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

log() { echo "compare: $*" >&2; }

if ! [[ $speed_rounds =~ ^[1-9][0-9]*$ ]]; then
    echo "compare: --speed-rounds must be a whole number of at least 1, got '$speed_rounds'" >&2
    exit 2
fi

# ---- tools ----------------------------------------------------------------------------------
"$here/setup_venv.sh" >&2
venv_python="$here/.venv/bin/python"

log "building the release examples (train, evaluate, scan)"
cargo build --release --example train --example evaluate --example scan >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release/examples"

# measure METRICS_FILE CMD...: runs CMD, writes "wall_seconds peak_rss_kib" to METRICS_FILE and
# returns CMD's exit status. GNU time when it works, else a small Python wrapper (os.wait4).
if /usr/bin/time -f '%e %M' -o /dev/null true >/dev/null 2>&1; then
    log "timing with /usr/bin/time (GNU time)"
    measure() {
        local metrics="$1"; shift
        /usr/bin/time -f '%e %M' -o "$metrics" "$@"
    }
else
    log "/usr/bin/time (GNU) not found: timing with a python os.wait4 wrapper"
    measure() {
        local metrics="$1"; shift
        python3 - "$metrics" "$@" <<'PY'
import os, sys, time
metrics, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
with open(metrics, "w") as f:
    f.write(f"{wall:.2f} {ru.ru_maxrss}\n")  # ru_maxrss is in KiB on Linux
sys.exit(os.waitstatus_to_exitcode(status))
PY
    }
fi

# ---- one dataset ------------------------------------------------------------------------------
# run_dataset NAME DIR LABEL...
run_dataset() {
    local name="$1" dir="$2"; shift 2
    local labels=("$@")
    local d="$out/$name"
    mkdir -p "$d"
    local train="$dir/train.jsonl" dev="$dir/dev.jsonl" test="$dir/test.jsonl"
    log "== $name: $dir, labels ${labels[*]}"
    uptime > "$d/load-start.txt" 2>/dev/null || true

    local k
    rm -f "$d"/peers-r*.json "$d"/peers-r*.stderr
    rm -rf "$d/peer-models"
    for k in $kinds; do
        rm -f "$d/narrascope-$k".*
        # KIND-pN: the learner KIND pruned to its N most used features (train --prune-to N);
        # KIND[-pN]-hU: with a hidden layer of U units (train --mlp-units U);
        # KIND[-pN][-hU]-nolex: without the lexicon family (train --family-weight lexicons=0)
        # KIND[-pN][-hU][-nolex]-add / -dist: additive / distinct weighting (train --weighting)
        local kind_args=() base=$k
        if [[ $base =~ ^(.*)-add$ ]]; then
            base=${BASH_REMATCH[1]}
            kind_args+=(--weighting additive)
        elif [[ $base =~ ^(.*)-dist$ ]]; then
            base=${BASH_REMATCH[1]}
            kind_args+=(--weighting distinct)
        fi
        if [[ $base =~ ^(.*)-nolex$ ]]; then
            base=${BASH_REMATCH[1]}
            kind_args+=(--family-weight lexicons=0)
        fi
        if [[ $base =~ ^(.*)-h([0-9]+)$ ]]; then
            base=${BASH_REMATCH[1]}
            kind_args+=(--mlp-units "${BASH_REMATCH[2]}")
        fi
        if [[ $base =~ ^(.*)-p([0-9]+)$ ]]; then
            base=${BASH_REMATCH[1]}
            kind_args+=(--prune-to "${BASH_REMATCH[2]}")
        fi
        kind_args=(--model-kind "$base" "${kind_args[@]}")
        log "$name: training narrascope $k"
        # shellcheck disable=SC2086 # $train_args is a word list
        if ! measure "$d/narrascope-$k.train-time" \
            "$bin/train" --train "$train" --dev "$dev" "${kind_args[@]}" $train_args \
            --label "${labels[@]}" -o "$d/narrascope-$k.nsm" \
            >"$d/narrascope-$k.train-stdout" 2>"$d/narrascope-$k.train-stderr"; then
            log "$name: training $k FAILED, see $d/narrascope-$k.train-stderr"
            tail -3 "$d/narrascope-$k.train-stderr" >&2 || true
            continue
        fi
        grep '^trained' "$d/narrascope-$k.train-stderr" >&2 || true
        log "$name: evaluating narrascope $k on test (1 thread, best of $repeat or more runs)"
        if ! measure "$d/narrascope-$k.eval-time" \
            "$bin/evaluate" --model "$d/narrascope-$k.nsm" --data "$test" \
            --threads 1 --repeat "$repeat" --min-seconds 2 --warm-up "$train" \
            >"$d/narrascope-$k.eval-stdout" 2>"$d/narrascope-$k.eval-stderr"; then
            log "$name: evaluating $k FAILED, see $d/narrascope-$k.eval-stderr"
            continue
        fi
        tail -n 1 "$d/narrascope-$k.eval-stdout" > "$d/narrascope-$k.eval.json"
        # per-document test scores and flags (untimed) for the paired bootstrap of the table
        if ! "$bin/scan" --model "$d/narrascope-$k.nsm" "$test" \
            >"$d/narrascope-$k.test-scan.jsonl" 2>"$d/narrascope-$k.scan-stderr"; then
            log "$name: scanning test with $k FAILED, see $d/narrascope-$k.scan-stderr"
            rm -f "$d/narrascope-$k.test-scan.jsonl"
        fi
    done

    log "$name: running peers.py ($systems)"
    local keep=()
    if (( speed_rounds > 1 )); then
        keep=(--keep-models "$d/peer-models")
    fi
    # shellcheck disable=SC2086 # $systems is a word list
    if ! "$venv_python" "$here/peers.py" --train "$train" --dev "$dev" --test "$test" \
        --labels "${labels[@]}" --systems $systems --out "$d/peers.json" \
        --scores-out "$d/peers-scores.json" "${keep[@]}" \
        2>"$d/peers.stderr"; then
        log "$name: peers.py FAILED, see $d/peers.stderr"
        tail -3 "$d/peers.stderr" >&2 || true
    fi

    # more speed rounds, side by side: no training, the same models, turns taken to go first
    local r who
    for ((r = 2; r <= speed_rounds; r++)); do
        local order="narrascope peers"
        (( r % 2 == 0 )) && order="peers narrascope"
        log "$name: speed round $r of $speed_rounds ($order)"
        for who in $order; do
            if [[ $who == narrascope ]]; then
                for k in $kinds; do
                    [[ -f "$d/narrascope-$k.eval.json" ]] || continue
                    if "$bin/evaluate" --model "$d/narrascope-$k.nsm" --data "$test" \
                        --threads 1 --repeat "$repeat" --min-seconds 2 --warm-up "$train" \
                        >"$d/narrascope-$k.eval-r$r.stdout" 2>"$d/narrascope-$k.eval-r$r.stderr"; then
                        tail -n 1 "$d/narrascope-$k.eval-r$r.stdout" > "$d/narrascope-$k.eval-r$r.json"
                    else
                        log "$name: speed round $r: evaluating $k FAILED, see $d/narrascope-$k.eval-r$r.stderr"
                    fi
                done
            elif [[ -d "$d/peer-models" ]]; then
                # shellcheck disable=SC2086 # $systems is a word list
                "$venv_python" "$here/peers.py" --time-only "$d/peer-models" --test "$test" \
                    --labels "${labels[@]}" --systems $systems --out "$d/peers-r$r.json" \
                    2>"$d/peers-r$r.stderr" \
                    || log "$name: speed round $r: peers.py --time-only FAILED, see $d/peers-r$r.stderr"
            fi
        done
    done
    rm -rf "$d/peer-models"  # fastText's models are 400 MB each
    uptime > "$d/load-end.txt" 2>/dev/null || true

    # the venv's python: the paired bootstrap (paired.py) needs numpy
    "$venv_python" - "$name" "$d" "$out/comparison-$name.md" "$kinds" "$repeat" "$speed_rounds" \
        "$train" "$dev" "$test" "$here" "$train_args" "${labels[@]}" <<'PY'
import json, os, re, statistics, subprocess, sys, time

name, d, md_path, kinds, repeat, speed_rounds, train, dev, test, here, train_args, *labels = sys.argv[1:]
speed_rounds = int(speed_rounds)
sys.path.insert(0, here)
import paired
kinds = kinds.split()

def fmt_int(x):
    return f"{x:,.0f}"

def fmt_size(b):
    if b is None:
        return "-"
    for unit, f in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= f:
            return f"{b / f:.3g} {unit}"
    return f"{b} B"

def num(x, spec):
    return "-" if x is None else format(x, spec)

def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None

rows = []          # table rows (dicts)
nar = {}           # kind -> dict(train_s, docs_per_s, ...)
for k in kinds:
    base = os.path.join(d, f"narrascope-{k}")
    ev = read(base + ".eval.json")
    if ev is None:
        rows.append({"system": f"narrascope-{k}", "label": "all", "failed": True})
        continue
    ev = json.loads(ev)
    wall, rss_kib = read(base + ".train-time").split()[:2]
    ewall, erss_kib = read(base + ".eval-time").split()[:2]
    m = re.search(r"in ([0-9.]+) s;", read(base + ".train-stderr") or "")
    fit_s = float(m.group(1)) if m else None
    info = {
        "train_s": fit_s,
        "train_wall_s": float(wall),
        "docs_per_s": ev["docs_per_s"],
        "mb_per_s": ev["mb_per_s"],
        # MB = 10^6 bytes; ru_maxrss is KiB
        "peak_rss_mb": max(int(rss_kib), int(erss_kib)) * 1024 / 1e6,
        "model_bytes": os.path.getsize(base + ".nsm"),
    }
    # the speed rounds: round 1 is the evaluation above, the others evaluate's timing again
    info["rounds"] = {1: (ev["docs_per_s"], ev["mb_per_s"])}
    for r in range(2, speed_rounds + 1):
        er = read(base + f".eval-r{r}.json")
        if er is not None:
            er = json.loads(er)
            info["rounds"][r] = (er["docs_per_s"], er["mb_per_s"])
    info["docs_per_s"] = max(x[0] for x in info["rounds"].values())
    info["mb_per_s"] = max(x[1] for x in info["rounds"].values())
    nar[k] = info
    for label in labels:
        l = ev["labels"].get(label)
        if l is None:
            continue
        rows.append({"system": f"narrascope-{k}", "label": label, "precision": l["precision"],
                     "recall": l["recall"], "f1": l["f1"], "pr_auc": l["pr_auc"], **info})

peers = {}
pj = read(os.path.join(d, "peers.json"))
peer_meta = {}
peer_rounds = {}   # (system, label) -> {round: (docs/s, MB/s)}
if pj is not None:
    pj = json.loads(pj)
    peer_meta = pj
    for s in pj.get("systems", []):
        peer_rounds[(s["system"], s["label"])] = {1: (s["docs_per_s"], s["mb_per_s"])}
    for r in range(2, speed_rounds + 1):
        pr = read(os.path.join(d, f"peers-r{r}.json"))
        for s in (json.loads(pr)["systems"] if pr else []):
            peer_rounds.setdefault((s["system"], s["label"]), {})[r] = (s["docs_per_s"], s["mb_per_s"])
    for s in pj.get("systems", []):
        got = peer_rounds[(s["system"], s["label"])]
        s = {**s, "docs_per_s": max(x[0] for x in got.values()),
             "mb_per_s": max(x[1] for x in got.values())}
        rows.append({**s, "train_wall_s": None})
        peers.setdefault(s["system"], []).append(s)

def peer_all_labels(p, r):
    """A peer's all-label docs/s in round r (one model per label), or None if a label is missing."""
    per = [peer_rounds.get((p, s["label"]), {}).get(r) for s in peers[p]]
    if not per or any(x is None for x in per):
        return None
    return 1.0 / sum(1.0 / x[0] for x in per)

# ---- paired bootstrap over the test documents (paired.py) ----
truth = {}
with open(test, encoding="utf-8") as f:
    docs = [json.loads(l) for l in f if l.strip()]
for label in labels:
    truth[label] = [int(label in (doc.get("labels") or [])) for doc in docs]
boot = {}          # label -> paired.bootstrap result
boot_notes = []
peer_scores = {}
ps = read(os.path.join(d, "peers-scores.json"))
if ps is not None:
    for x in json.loads(ps)["systems"]:
        peer_scores[(x["system"], x["label"])] = x
for label in labels:
    systems, order = {}, []
    for k in kinds:
        scan = read(os.path.join(d, f"narrascope-{k}.test-scan.jsonl"))
        if scan is None:
            continue
        out = [json.loads(l) for l in scan.splitlines() if l.strip()]
        if len(out) != len(docs) or any(label not in o["scores"] for o in out):
            boot_notes.append(f"narrascope-{k}: its test scan does not cover the {len(docs):,} test documents; left out of the intervals")
            continue
        systems[f"narrascope-{k}"] = paired.System([o["scores"][label] for o in out],
                                                   [label in o["flags"] for o in out])
        order.append(f"narrascope-{k}")
    peer_names = []
    for (sysname, lab), x in sorted(peer_scores.items()):
        if lab == label and len(x["scores"]) == len(docs):
            systems[sysname] = paired.System(x["scores"], [v >= x["threshold"] for v in x["scores"]])
            peer_names.append(sysname)
    if not systems:
        continue
    pairs = [(a, b) for a in order for b in peer_names]
    res = paired.bootstrap(truth[label], systems, pairs)
    if res is not None:
        boot[label] = res

def ci(label, system, key):
    b = boot.get(label, {}).get("systems", {}).get(system)
    return "-" if b is None else f"[{b[key][0]:.3f}, {b[key][1]:.3f}]"

lines = []
lines.append(f"# narrascope vs peers on `{name}`")
lines.append("")
try:
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True, check=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=True).stdout.strip()
    rev += " (with uncommitted changes)" if dirty else ""
except (OSError, subprocess.CalledProcessError):
    rev = "unknown"
lines.append(f"Generated by `benches/peers/compare.sh` on {time.strftime('%Y-%m-%d %H:%M %Z')}, "
             f"narrascope at commit {rev}.")
lines.append("")
ds = []
for split, path in (("train", train), ("dev", dev), ("test", test)):
    n, b = 0, 0
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                n += 1
                b += len(json.loads(line).get("text", "").encode())
    ds.append(f"{split} `{path}` ({n:,} docs, {b:,} text bytes)")
lines.append("Data: " + "; ".join(ds) + f". Labels: {', '.join(labels)}.")
cpu = "?"
try:
    for l in open("/proc/cpuinfo"):
        if l.startswith("model name"):
            cpu = l.split(":", 1)[1].strip()
            break
except OSError:
    pass
load = (read(os.path.join(d, "load-start.txt")) or "").strip()
load_end = (read(os.path.join(d, "load-end.txt")) or "").strip()
lines.append(f"Machine: {os.cpu_count()} logical CPUs ({cpu}); load at start: `{load}`; at end: `{load_end}`.")
lines.append("")
lines.append("| system | label | P | R | F1 | F1 95% CI | PR-AUC | PR-AUC 95% CI | train s | docs/s 1 thread | MB/s | peak RSS MB | model size |")
lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    if r.get("failed"):
        lines.append(f"| {r['system']} | - | failed (see the logs in `{d}`) | | | | | | | | | | |")
        continue
    lines.append("| " + " | ".join([
        r["system"], r["label"], num(r["precision"], ".3f"), num(r["recall"], ".3f"),
        num(r["f1"], ".3f"), ci(r["label"], r["system"], "f1"), num(r["pr_auc"], ".3f"),
        ci(r["label"], r["system"], "pr_auc"), num(r["train_s"], ".1f"),
        fmt_int(r["docs_per_s"]), num(r["mb_per_s"], ".2f"), num(r["peak_rss_mb"], ".0f"),
        fmt_size(r["model_bytes"]),
    ]) + " |")
lines.append("")
if boot:
    first = next(iter(boot.values()))
    lines.append(f"Intervals: {first['level']:.0%} percentile bootstrap over the test documents ({first['resamples']:,}")
    lines.append(f"resamples, seed {first['seed']}, `benches/peers/paired.py`), each system at its own dev threshold; every")
    lines.append("system is scored on the same resamples, so the differences below are paired.")
    lines.append("")
    if any(b["pairs"] for b in boot.values()):
        lines.append("| label | narrascope − peer | F1 difference [95% CI] | ahead in | PR-AUC difference [95% CI] | ahead in |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for label, b in boot.items():
            for pair, v in b["pairs"].items():
                a, p = pair.split(" vs ")
                lines.append(f"| {label} | {a.removeprefix('narrascope-')} − {p} | "
                             f"{v['f1'][0]:+.3f} to {v['f1'][1]:+.3f} | {v['f1_ahead']:.0%} | "
                             f"{v['pr_auc'][0]:+.3f} to {v['pr_auc'][1]:+.3f} | {v['pr_auc_ahead']:.0%} |")
        lines.append("")
        lines.append("\"ahead in\": the share of resamples in which narrascope's figure is higher. An interval")
        lines.append("that holds 0 means the test set cannot tell the two apart at that level.")
        lines.append("")
for note in boot_notes:
    lines.append(f"- {note}")
if nar and peers:
    lines.append("Ratios narrascope / peer over all labels together (docs/s: higher is faster for")
    lines.append("narrascope; train time: lower is faster for narrascope). narrascope scores every label")
    lines.append("in one pass and trains them in one run; a peer needs one model per label, so its")
    lines.append("all-label docs/s is 1 / sum(1 / docs/s per label) and its train time the sum over labels.")
    lines.append("")
    psys = sorted(peers)
    head = "| narrascope | " + " | ".join(f"docs/s vs {p} | train s vs {p}" for p in psys) + " |"
    lines.append(head)
    lines.append("| --- |" + " --- |" * (2 * len(psys)))
    for k, info in nar.items():
        cells = []
        for p in psys:
            ps = peers[p]
            p_train = sum(s["train_s"] for s in ps)
            ratios = [info["rounds"][r][0] / peer_all_labels(p, r)
                      for r in sorted(info["rounds"]) if peer_all_labels(p, r)]
            if len(ratios) > 1:
                cells.append(f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}x "
                             f"in {len(ratios)} rounds)")
            elif ratios:
                cells.append(f"{ratios[0]:.2f}x")
            else:
                cells.append("-")
            cells.append("-" if info["train_s"] is None else f"{info['train_s'] / p_train:.2f}x")
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("docs/s ratios: the median over the speed rounds of the ratio within each round (narrascope")
    lines.append("and the peers timed minutes apart at most, taking turns to go first), with their range.")
    lines.append("")
    rounds = list(range(1, speed_rounds + 1))
    lines.append("Speed rounds, single-thread docs/s (all labels; the table above gives each system's fastest):")
    lines.append("")
    lines.append("| system | " + " | ".join(f"round {r}" for r in rounds) + " |")
    lines.append("| --- |" + " --- |" * len(rounds))
    for k, info in nar.items():
        lines.append(f"| narrascope-{k} | " + " | ".join(
            fmt_int(info["rounds"][r][0]) if r in info["rounds"] else "-" for r in rounds) + " |")
    for p in psys:
        lines.append(f"| {p} | " + " | ".join(
            fmt_int(peer_all_labels(p, r)) if peer_all_labels(p, r) else "-" for r in rounds) + " |")
    lines.append("")
lines.append("How each column is measured:")
lines.append("")
lines.append("- narrascope: `train` example, all cores (rayon), default settings"
             + (f" plus `{train_args}`" if train_args else "") + "; its grid search over")
lines.append("  regularisation and positive weights (scored on dev), calibration and thresholds (chosen on")
lines.append("  dev, stored in the model) are part of `train s`, which is the trainer's own fit time")
lines.append("  (reading the files excluded). Wall clock of the whole `train` process: " + ", ".join(
    f"{k} {v['train_wall_s']:.1f} s" for k, v in nar.items()) + ".")
lines.append(f"- narrascope docs/s, MB/s: `evaluate --threads 1 --repeat {repeat} --min-seconds 2 --warm-up TRAIN`, once per")
lines.append(f"  speed round ({speed_rounds}), the fastest round kept: in each, the fastest of at least {repeat} single-thread runs (more until they add up to 2 s) of")
lines.append("  `Classifier::scores` over every test text, all labels at once; each run on a fresh thread")
lines.append("  whose word caches were first warmed on the train texts (untimed), as on a stream of new text.")
lines.append("- narrascope peak RSS: the larger of the `train` and `evaluate` processes' maximum RSS;")
lines.append("  model size: the `.nsm` file.")
lines.append("- peers: `peers.py` (see `benches/peers/README.md`): fixed hyper-parameters, one thread, fit")
lines.append("  time only, threshold = best dev F1, docs/s the fastest of at least 3 single-thread runs (more")
lines.append("  until they add up to 2 s) of featurize + predict, in the fastest speed round (rounds after the")
lines.append("  first: `peers.py --time-only` on the saved models), peak RSS of the child process for that")
lines.append("  system and label, pickled / saved model size.")
lines.append("- MB = 10^6 bytes. The machine is shared: speeds vary between runs; compare within one run.")
if peer_meta.get("skipped"):
    lines.append(f"- peers.py skipped: {peer_meta['skipped']}")
if peer_meta.get("errors"):
    lines.append(f"- peers.py errors: {peer_meta['errors']}")
lines.append("")
text = "\n".join(lines)
with open(md_path, "w") as f:
    f.write(text)
print(text)
print(f"(written to {md_path})", file=sys.stderr)
PY
}

mkdir -p "$out"
for ds in $datasets; do
    case "$ds" in
        corpus)
            run_dataset corpus data/corpus recruitment defection ;;
        isextreme)
            if [[ -f "$isextreme_dir/train.jsonl" && -f "$isextreme_dir/dev.jsonl" && -f "$isextreme_dir/test.jsonl" ]]; then
                run_dataset isextreme "$isextreme_dir" recruitment
            else
                log "isextreme: SKIPPED: $isextreme_dir/{train,dev,test}.jsonl not found (relative to $root)"
            fi ;;
        *) log "unknown dataset $ds (corpus or isextreme)"; exit 2 ;;
    esac
done
log "done; tables in $out/comparison-*.md"
