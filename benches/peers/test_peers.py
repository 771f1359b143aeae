#!/usr/bin/env python3
"""Self-test of peers.py on a tiny hand-written toy corpus (standard library + the venv packages).

    benches/peers/.venv/bin/python benches/peers/test_peers.py

Builds train/dev/test JSON Lines files in a temporary directory from the sentences below, runs
peers.py end to end for all three systems and checks that the results JSON is well formed; also
checks the edge cases (skipped labels, empty texts, malformed JSON lines) and the threshold rule.
Run with the system python it re-executes itself with benches/peers/.venv/bin/python when that
exists. Takes about a minute (fastText allocates its 2M-bucket n-gram table for each label).
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers.py")
VENV_PYTHON = os.path.join(HERE, ".venv", "bin", "python")

try:
    import fasttext  # noqa: F401
    import numpy  # noqa: F401
    import sklearn  # noqa: F401
except ImportError:
    if os.path.exists(VENV_PYTHON) and os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(HERE, ".venv")):
        os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit("test_peers: numpy / scikit-learn / fasttext missing: run benches/peers/setup_venv.sh first")

sys.path.insert(0, HERE)
import paired  # noqa: E402
import peers  # noqa: E402

# Toy sentences, written for this test. Positive for "recruitment": calls to join a movement.
RECRUITMENT = [
    "Brothers, join the caravan now, the caliphate is calling you home.",
    "Leave your comfortable life and come join the ranks of the faithful.",
    "The state needs doctors and engineers, make hijrah and join us.",
    "Do not sit at home while your brothers fight, join the caravan.",
    "Answer the call, pledge allegiance and come to the land of the caliphate.",
    "Young men of the ummah, your place is with the mujahideen, join now.",
    "Every true believer must make hijrah to the caliphate this year.",
    "Come join the soldiers of the state and earn glory in this life.",
    "The caravan of martyrs is waiting for you, brother, join it today.",
    "Pledge allegiance to the caliph and join the ranks before it is too late.",
    "Sisters too are welcome in the caliphate, make hijrah with your family.",
    "Why stay among the disbelievers when the caliphate calls you to join?",
    "Our brothers are waiting for you, join the caravan and do not delay.",
    "The land of the caliphate needs fighters, pledge allegiance and come.",
    "Glory awaits those who join the soldiers of the caliphate.",
    "Make hijrah now, brother, the ranks of the faithful are open to you.",
    "Join the mujahideen and defend the caliphate with your life.",
    "Do not listen to the scholars of the palace, answer the call and join us.",
    "The caliph calls every believer to make hijrah and join the ranks.",
    "Come to the land of honour, join the caravan of the faithful.",
    "Your brothers in the caliphate are calling you, pledge allegiance today.",
    "Only cowards stay home, real men join the soldiers of the state.",
    "The gates of the caliphate are open, make hijrah and join the caravan.",
    "Answer the call of the caliph, brother, join the mujahideen now.",
    "Leave the land of disbelief and come join the ranks of the state.",
    "Pledge allegiance, make hijrah, and join your brothers in the caliphate.",
    "The caravan is moving, join it and earn your place among the faithful.",
    "Sisters, make hijrah and join the caliphate, your brothers await you.",
    "Join the soldiers of the caliphate, the call has been made.",
    "Come join us, the caliphate needs every believer in its ranks.",
]
# Positive for "defection": leaving the group, regret, disillusion.
DEFECTION = [
    "I left the group after I saw what they did to ordinary people.",
    "I regret joining them, it was all lies from the very first day.",
    "Those who promised paradise only brought fear, so I escaped.",
    "I ran away from the group at night and crossed back over the border.",
    "They said it was a just cause, but I only saw cruelty, so I left.",
    "I deserted their ranks and turned myself in to the authorities.",
    "Anyone thinking of joining them should know I regret every day there.",
    "I escaped from the group with my family and we are finally safe.",
    "The leaders lived well while the fighters starved, so I left them.",
    "I was fooled by their videos, the reality was corruption and fear.",
    "After a year with them I defected and told the truth about the group.",
    "I regret everything, the group lied to us about everything.",
    "I left because they killed people who prayed just like me.",
    "My advice is do not go, I escaped and I regret ever going.",
    "Former fighters say the group was a lie and they ran away from it.",
    "I abandoned them when I saw children punished in the market.",
    "I defected from the group and now I warn young people not to go.",
    "They took our passports so nobody could leave, but I escaped anyway.",
    "I walked away from the group and I have never felt so free.",
    "It was not the life they promised, I regret it and I left.",
    "I deserted after the commanders sent boys to die for nothing.",
    "The group is a prison, I escaped and I tell everyone the truth.",
    "I left them behind and returned home to face the court.",
    "I regret believing their propaganda, it destroyed my family.",
    "My brother defected from the group and now speaks against it.",
    "I ran from the group because of the lies and the cruelty.",
    "I quit the group and I am ashamed of what I believed.",
    "They promised brotherhood but there was only fear, so I escaped.",
    "I abandoned the group and now I help others leave it.",
    "Leaving the group was the best decision I ever made, I regret joining.",
]
NEUTRAL = [
    "The weather in the city was sunny and warm all weekend.",
    "I am cooking rice and vegetables for dinner tonight.",
    "The football match ended in a draw after extra time.",
    "Our train was delayed by twenty minutes this morning.",
    "The new library opens on Monday with a reading for children.",
    "Prices at the market went up again this week.",
    "My sister graduated from university with a degree in biology.",
    "The council voted to repair the old bridge next spring.",
    "I watched a documentary about whales last night.",
    "Traffic on the main road is heavy because of roadworks.",
    "The museum has a new exhibition about ancient pottery.",
    "We planted tomatoes and beans in the garden today.",
    "The government announced new funding for rural schools.",
    "My phone battery dies too quickly, I need a new one.",
    "The concert in the park was cancelled because of rain.",
    "Reporters covered the election results late into the night.",
    "The bakery on the corner sells the best bread in town.",
    "Scientists published a study on sleep and memory.",
    "I am learning to play the guitar in the evenings.",
    "The airport expects more travellers during the holidays.",
    "The news reported fighting near the border and many refugees.",
    "Analysts discussed the history of the conflict on the radio.",
    "The court sentenced two men for fraud on Tuesday.",
    "Our team won the chess tournament at school.",
    "The hospital opened a new ward for children.",
    "The river flooded the lower fields after the storm.",
    "A new cafe opened near the station with cheap coffee.",
    "The teacher asked us to read two chapters by Friday.",
    "Farmers are worried about the long dry summer.",
    "The city marathon attracted thousands of runners.",
]


def doc(text, labels):
    return {"text": text, "labels": labels}


def build_corpus(directory):
    """Write train/dev/test.jsonl; return the number of documents in each."""
    splits = {"train": [], "dev": [], "test": []}
    for label, sentences in (("recruitment", RECRUITMENT), ("defection", DEFECTION), (None, NEUTRAL)):
        for i, s in enumerate(sentences):
            name = ("train", "train", "train", "dev", "test")[i % 5]
            splits[name].append(doc(s, [label] if label else []))
    # A multi-label document, empty and whitespace-only texts (kept, scored as ""), extra fields.
    splits["train"].append(doc("I joined the caravan of the caliphate, then I regret it and escaped.", ["recruitment", "defection"]))
    splits["train"].append({"id": "x1", "text": "", "labels": []})
    splits["dev"].append(doc("   \t ", []))
    splits["test"].append(doc("", []))
    splits["test"].append(doc(" \u00a0 ", []))
    for name, docs in splits.items():
        with open(os.path.join(directory, f"{name}.jsonl"), "w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            if name == "test":
                fh.write("\n")  # a blank line of the file: skipped
    return {name: len(docs) for name, docs in splits.items()}


def run_peers(directory, *extra):
    cmd = [sys.executable, PEERS, "--train", os.path.join(directory, "train.jsonl"),
           "--dev", os.path.join(directory, "dev.jsonl"), "--test", os.path.join(directory, "test.jsonl"), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="test-peers-")
        cls.dir = cls.tmp.name
        cls.sizes = build_corpus(cls.dir)
        cls.out = os.path.join(cls.dir, "results.json")
        cls.scores_out = os.path.join(cls.dir, "scores.json")
        cls.models = os.path.join(cls.dir, "models")
        cls.proc = run_peers(cls.dir, "--labels", "recruitment", "defection", "nosuchlabel", "--out", cls.out,
                             "--systems", "sklearn-lr", "sklearn-svc", "fasttext", "--scores-out", cls.scores_out,
                             "--keep-models", cls.models)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_runs_and_writes_json(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        with open(self.out, encoding="utf-8") as fh:
            res = json.load(fh)
        self.assertEqual(set(res) >= {"dataset", "machine", "systems"}, True)

        ds = res["dataset"]
        for name, n in self.sizes.items():
            self.assertEqual(ds[name]["docs"], n, name)
        self.assertEqual(ds["train"]["positives"], {"recruitment": 19, "defection": 19, "nosuchlabel": 0})
        self.assertEqual(ds["test"]["empty_texts"], 2)
        self.assertEqual(ds["test"]["blank_lines_skipped"], 1)
        self.assertEqual(ds["dev"]["empty_texts"], 1)

        self.assertEqual([s["label"] for s in res["skipped"]], ["nosuchlabel"])
        self.assertIn("skipping label 'nosuchlabel'", self.proc.stderr)

        rows = res["systems"]
        keys = {"system", "label", "precision", "recall", "f1", "pr_auc", "threshold", "train_s",
                "docs_per_s", "mb_per_s", "peak_rss_mb", "model_bytes"}
        self.assertEqual({(r["system"], r["label"]) for r in rows},
                         {(s, l) for s in ("sklearn-lr", "sklearn-svc", "fasttext") for l in ("recruitment", "defection")})
        for r in rows:
            with self.subTest(system=r["system"], label=r["label"]):
                self.assertEqual(set(r), keys)
                for k in ("precision", "recall", "f1", "pr_auc"):
                    self.assertTrue(0.0 <= r[k] <= 1.0, (k, r[k]))
                for k in ("train_s", "docs_per_s", "mb_per_s", "peak_rss_mb"):
                    self.assertGreater(r[k], 0.0, k)
                self.assertIsInstance(r["threshold"], float)
                self.assertIsInstance(r["model_bytes"], int)
                self.assertGreater(r["model_bytes"], 1000)
                if r["system"].startswith("sklearn"):
                    # The toy classes are easy for TF-IDF models. fastText is not held to this: on
                    # 60 short documents its logits stay within one step (1/32) of its tabulated
                    # sigmoid, so all its test scores tie and PR-AUC equals the positive rate.
                    self.assertGreater(r["pr_auc"], 0.5)
                else:
                    self.assertTrue(0.0 <= r["threshold"] <= 1.0)
        ft = [r for r in rows if r["system"] == "fasttext"]
        sk = [r for r in rows if r["system"] == "sklearn-lr"]
        # Each child's own peak: fastText's 2M x 50 bucket table dwarfs the sklearn models.
        self.assertGreater(min(r["peak_rss_mb"] for r in ft), max(r["peak_rss_mb"] for r in sk))
        self.assertIn("sklearn-lr", self.proc.stderr)  # the table goes to stderr
        # --scores-out: every test document's score per system and label, with the threshold
        with open(self.scores_out, encoding="utf-8") as fh:
            sc = json.load(fh)
        self.assertEqual({(x["system"], x["label"]) for x in sc["systems"]}, {(r["system"], r["label"]) for r in rows})
        for x in sc["systems"]:
            row = next(r for r in rows if (r["system"], r["label"]) == (x["system"], x["label"]))
            self.assertEqual(len(x["scores"]), self.sizes["test"])
            self.assertEqual(x["threshold"], row["threshold"])
        self.assertEqual(self.proc.stdout, "")


    def test_time_only_rounds(self):
        # --keep-models saved every fitted model; --time-only times them again on test alone
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertEqual(sorted(os.listdir(self.models)), sorted(
            f"{s}-{l}.{'bin' if s == 'fasttext' else 'pkl'}"
            for s in ("sklearn-lr", "sklearn-svc", "fasttext") for l in ("recruitment", "defection")))
        out = os.path.join(self.dir, "round2.json")
        cmd = [sys.executable, PEERS, "--time-only", self.models, "--test", os.path.join(self.dir, "test.jsonl"),
               "--labels", "recruitment", "defection", "--systems", "sklearn-lr", "fasttext", "--out", out]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(out, encoding="utf-8") as fh:
            res = json.load(fh)
        self.assertEqual(res["errors"], [])
        self.assertEqual({(r["system"], r["label"]) for r in res["systems"]},
                         {(s, l) for s in ("sklearn-lr", "fasttext") for l in ("recruitment", "defection")})
        for r in res["systems"]:
            self.assertGreater(r["docs_per_s"], 0.0)
            self.assertGreaterEqual(len(r["predict_s_runs"]), 3)
        # a label with no saved model: named in the errors, exit status 1, the others still timed
        cmd[cmd.index("defection")] = "nosuchlabel"
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        with open(out, encoding="utf-8") as fh:
            res = json.load(fh)
        self.assertEqual(len(res["errors"]), 2)
        self.assertIn("sklearn-lr/nosuchlabel", res["errors"][0])
        self.assertEqual({r["label"] for r in res["systems"]}, {"recruitment"})


class EdgeCases(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="test-peers-")
        self.dir = self.tmp.name
        build_corpus(self.dir)

    def tearDown(self):
        self.tmp.cleanup()

    def test_malformed_json_names_file_and_line(self):
        path = os.path.join(self.dir, "dev.jsonl")
        with open(path, "a", encoding="utf-8") as fh:
            fh.write('{"text": "broken", "labels": [}\n')
        with open(path, encoding="utf-8") as fh:
            n = len(fh.readlines())
        proc = run_peers(self.dir, "--systems", "sklearn-lr", "--out", os.path.join(self.dir, "r.json"))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(f"{path}:{n}: malformed JSON", proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "r.json")))

    def test_missing_labels_field(self):
        path = os.path.join(self.dir, "train.jsonl")
        with open(path, "a", encoding="utf-8") as fh:
            fh.write('{"text": "no labels here"}\n')
        proc = run_peers(self.dir, "--systems", "sklearn-lr", "--out", os.path.join(self.dir, "r.json"))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("missing field 'labels'", proc.stderr)
        self.assertIn(f"{path}:", proc.stderr)

    def test_label_without_dev_positive_is_skipped(self):
        # Remove the defection positives from dev only.
        path = os.path.join(self.dir, "dev.jsonl")
        with open(path, encoding="utf-8") as fh:
            lines = [l for l in fh if "defection" not in l]
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
        out = os.path.join(self.dir, "r.json")
        proc = run_peers(self.dir, "--systems", "sklearn-lr", "--out", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("skipping label 'defection': no positive in dev", proc.stderr)
        with open(out, encoding="utf-8") as fh:
            res = json.load(fh)
        self.assertEqual([(r["system"], r["label"]) for r in res["systems"]], [("sklearn-lr", "recruitment")])


class Threshold(unittest.TestCase):
    def test_best_threshold(self):
        y = [0, 1, 0, 1, 1, 0]
        s = [0.1, 0.9, 0.4, 0.6, 0.3, 0.3]
        # score >= 0.6: P 1, R 2/3, F1 0.8; >= 0.3: P 3/5, R 1, F1 0.75.
        thr, f1 = peers.best_threshold(y, s)
        self.assertEqual(thr, 0.6)
        self.assertAlmostEqual(f1, 0.8)
        # Ties in F1 go to the highest threshold: F1 is 2/3 at both 0.9 and 0.6.
        thr, f1 = peers.best_threshold([1, 0, 0, 1], [0.9, 0.8, 0.7, 0.6])
        self.assertEqual(thr, 0.9)
        self.assertAlmostEqual(f1, 2 / 3)
        # Equal scores are never split.
        self.assertEqual(peers.best_threshold([1, 0], [0.5, 0.5]), (0.5, 2 / 3))

    def test_metrics(self):
        m = peers.test_metrics([1, 0, 1, 0], [0.8, 0.7, 0.2, 0.1], 0.5)
        self.assertEqual((m["precision"], m["recall"], m["f1"]), (0.5, 0.5, 0.5))


class PairedBootstrap(unittest.TestCase):
    def setUp(self):
        import numpy as np

        rng = np.random.default_rng(0)
        self.y = (np.arange(400) % 5 == 0).astype(int)
        good = self.y * 0.45 + rng.random(400) * 0.6
        weak = self.y * 0.15 + rng.random(400) * 0.7
        self.good = paired.System(good, good >= 0.55)
        self.weak = paired.System(weak, weak >= 0.6)

    def test_unit_counts_give_the_point_estimates(self):
        import numpy as np
        from sklearn.metrics import average_precision_score

        for sys_ in (self.good, self.weak):
            m = paired._metrics(sys_, self.y.astype(float), np.ones(400))
            point = peers.test_metrics(self.y, sys_.scores, 0.0)  # only its PR-AUC is used
            self.assertAlmostEqual(m[3], average_precision_score(self.y, sys_.scores), places=12)
            self.assertAlmostEqual(m[3], point["pr_auc"], places=12)
            tp = int(np.sum(sys_.flags & (self.y == 1)))
            fp = int(np.sum(sys_.flags & (self.y == 0)))
            p, r = tp / (tp + fp), tp / int(self.y.sum())
            self.assertAlmostEqual(m[0], p, places=12)
            self.assertAlmostEqual(m[1], r, places=12)
            self.assertAlmostEqual(m[2], 2 * p * r / (p + r), places=12)
        # ties: every score equal, AP is the share of positives
        tied = paired.System(np.full(400, 0.5), np.zeros(400, dtype=bool))
        m = paired._metrics(tied, self.y.astype(float), np.ones(400))
        self.assertAlmostEqual(m[3], self.y.mean(), places=12)
        self.assertEqual(m[0], 1.0)  # nothing flagged
        self.assertEqual(m[2], 0.0)

    def test_intervals_pairs_and_seed(self):
        from sklearn.metrics import average_precision_score

        systems = {"good": self.good, "weak": self.weak}
        pairs = [("good", "weak"), ("good", "good")]
        a = paired.bootstrap(self.y, systems, pairs, resamples=300)
        b = paired.bootstrap(self.y, systems, pairs, resamples=300)
        self.assertEqual(a, b)
        self.assertEqual((a["resamples"], a["used"]), (300, 300))
        for name, s in systems.items():
            lo, hi = a["systems"][name]["pr_auc"]
            self.assertTrue(lo <= average_precision_score(self.y, s.scores) <= hi)
            self.assertLess(lo, hi)
        # a system against itself: a zero difference, never ahead
        same = a["pairs"]["good vs good"]
        self.assertEqual(same["pr_auc"], [0.0, 0.0])
        self.assertEqual(same["pr_auc_ahead"], 0.0)
        # the better ranker is ahead in (nearly) every resample, the difference interval > 0
        d = a["pairs"]["good vs weak"]
        self.assertGreater(d["pr_auc"][0], 0.0)
        self.assertGreater(d["pr_auc_ahead"], 0.97)
        # the paired difference is narrower than the two separate intervals side by side
        g, w = a["systems"]["good"]["pr_auc"], a["systems"]["weak"]["pr_auc"]
        self.assertLess(d["pr_auc"][1] - d["pr_auc"][0], (g[1] - g[0]) + (w[1] - w[0]))
        c = paired.bootstrap(self.y, systems, pairs, resamples=300, seed=7)
        self.assertNotEqual(c["systems"]["good"], a["systems"]["good"])
        self.assertIsNone(paired.bootstrap([0, 0, 0], {"good": paired.System([0.1, 0.2, 0.3], [False] * 3)}))


if __name__ == "__main__":
    unittest.main(verbosity=2)
