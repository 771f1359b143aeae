#!/usr/bin/env python3
"""Writes a JSON Lines corpus of about SIZE bytes by perturbing the project's own passages
(data/corpus/*.jsonl): seeded word drops, swaps, case changes, digit and punctuation noise.
Usage: gen.py SIZE_BYTES OUT.jsonl [SEED]"""
import json, random, sys, pathlib

size, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
root = pathlib.Path(__file__).resolve().parents[2]
texts = []
for name in ("train", "dev", "test"):
    with open(root / "data" / "corpus" / f"{name}.jsonl", encoding="utf-8") as f:
        texts += [json.loads(l)["text"] for l in f if l.strip()]

def perturb(t):
    w = t.split()
    for _ in range(max(1, len(w) // 10)):
        i = rng.randrange(len(w)) if w else 0
        r = rng.random()
        if not w:
            break
        if r < 0.25:
            w.pop(i)
        elif r < 0.5 and len(w) > 1:
            j = rng.randrange(len(w)); w[i], w[j] = w[j], w[i]
        elif r < 0.75:
            w[i] = w[i].upper() if rng.random() < 0.5 else w[i].lower()
        else:
            w.insert(i, rng.choice(["2019", "!!", "...", "#news", "@user", "lol", "😀"]))
    return " ".join(w)

written, n = 0, 0
with open(out, "w", encoding="utf-8") as f:
    while written < size:
        line = json.dumps({"id": f"g{n}", "text": perturb(rng.choice(texts))}, ensure_ascii=False) + "\n"
        f.write(line)
        written += len(line.encode("utf-8"))
        n += 1
print(f"{out}: {n} documents, {written} bytes", file=sys.stderr)
