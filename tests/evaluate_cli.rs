//! End-to-end tests of the `evaluate` example binary: its timing options (repeated runs,
//! `--min-seconds` and `--warm-up`, fresh threads warmed on other text) change the timing
//! only, never a figure; a bad warm-up file is a clear error; the confidence intervals
//! bracket the figures, are seeded, and follow `--bootstrap`, `--confidence` and `--seed`;
//! the figures by language add up to the whole.
//!
//! ```text
//! cargo test --test evaluate_cli
//! ```

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::TempDir;
use serde_json::Value;

fn evaluate_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| common::example_bin("evaluate"))
}

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/samples/demo.jsonl");

/// Runs `evaluate --model builtin --data DEMO` with `extra`; returns (exit code, the last
/// stdout line as JSON when it is one, stdout and stderr).
fn evaluate(extra: &[&str]) -> (i32, Option<Value>, String) {
    let out = Command::new(evaluate_bin())
        .args(["--model", "builtin", "--data", DEMO])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok());
    let text = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), json, text)
}

/// The figures of a report (everything but the timing fields).
fn figures(v: &Value) -> Value {
    let mut v = v.clone();
    for k in [
        "seconds",
        "docs_per_s",
        "mb_per_s",
        "repeat",
        "runs",
        "threads",
        "warm_up",
    ] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

#[test]
fn timing_options_change_the_timing_only() {
    let dir = TempDir::new("evaluate-warm");
    let warm = dir.write(
        "warm.jsonl",
        "{\"text\": \"Heavy rain is expected across the north tomorrow.\"}\n\
         {\"text\": \"Brothers, the caravan is leaving: make hijrah now.\"}\n\
         {\"text\": \"I left the group after they lied to us about everything.\"}\n",
    );
    let warm = warm.to_str().unwrap();
    let (code, plain, err) = evaluate(&[]);
    assert_eq!(code, 0, "{err}");
    let plain = plain.expect("a JSON report");
    assert_eq!(plain["runs"], 1);
    assert!(plain["docs_per_s"].as_f64().unwrap() > 0.0);

    let (code, warmed, err) = evaluate(&["--repeat", "2", "--warm-up", warm]);
    assert_eq!(code, 0, "{err}");
    let warmed = warmed.expect("a JSON report");
    assert_eq!(warmed["runs"], 2);
    assert_eq!(warmed["warm_up"][0], warm);
    assert!(err.contains("warm-up on 3 other documents"), "{err}");
    assert_eq!(figures(&warmed), figures(&plain));

    let (code, two, err) = evaluate(&["--threads", "2", "--warm-up", warm]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(figures(&two.expect("a JSON report")), figures(&plain));

    // a short loop repeated until the runs add up to the minimum time
    let (code, timed, err) = evaluate(&["--min-seconds", "0.05"]);
    assert_eq!(code, 0, "{err}");
    let timed = timed.expect("a JSON report");
    let runs = timed["runs"].as_u64().unwrap();
    let best = timed["seconds"].as_f64().unwrap();
    // one run shorter than the minimum cannot have been the only one
    assert!(runs >= 2 || best >= 0.05, "{runs} runs, best {best} s");
    assert_eq!(figures(&timed), figures(&plain));
}

#[test]
fn bad_warm_up_file_names_file_and_line() {
    let dir = TempDir::new("evaluate-warm-bad");
    let bad = dir.write("bad.jsonl", "{\"text\": \"fine\"}\n{not json\n");
    let (code, _, err) = evaluate(&["--warm-up", bad.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("bad.jsonl:2"), "{err}");
    let (code, _, err) = evaluate(&["--warm-up", "/nonexistent/warm.jsonl"]);
    assert_ne!(code, 0);
    assert!(err.contains("/nonexistent/warm.jsonl"), "{err}");
}

/// Runs `evaluate` with `extra`, checks that it succeeds and that its output holds `section`;
/// returns the JSON report.
fn report(extra: &[&str], section: &str) -> Value {
    let (code, rep, err) = evaluate(extra);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(section), "{err}");
    rep.expect("a JSON report")
}

/// The interval `[lo, hi]` at `v[key]`.
fn interval(v: &Value, key: &str) -> (f64, f64) {
    let i = &v[key];
    (i[0].as_f64().unwrap(), i[1].as_f64().unwrap())
}

#[test]
fn confidence_intervals_bracket_the_figures() {
    let rep = report(&[], "95% confidence intervals at the flag threshold");
    let labels = rep["labels"].as_object().unwrap();
    assert!(!labels.is_empty());
    for (name, l) in labels {
        let ci = &l["ci"];
        assert_eq!(ci["level"], 0.95, "{name}");
        assert_eq!(ci["resamples"], 1000, "{name}");
        for (key, point) in [
            ("precision", "precision"),
            ("recall", "recall"),
            ("f1", "f1"),
            ("pr_auc", "pr_auc"),
        ] {
            let (lo, hi) = interval(ci, key);
            let x = l[point].as_f64().unwrap();
            assert!(
                (0.0..=1.0).contains(&lo) && lo <= hi && hi <= 1.0,
                "{name} {key}: [{lo}, {hi}]"
            );
            assert!(lo <= x && x <= hi, "{name} {key}: {x} outside [{lo}, {hi}]");
        }
        // a Wilson interval per genre, around the genre's rate
        let rates = l["fpr_by_genre"].as_object().unwrap();
        let cis = l["fpr_by_genre_ci"].as_object().unwrap();
        assert_eq!(rates.len(), cis.len(), "{name}");
        for (g, r) in rates {
            let (lo, hi) = interval(&l["fpr_by_genre_ci"], g);
            let r = r.as_f64().unwrap();
            assert!(
                lo <= r && r <= hi && hi > lo,
                "{name} {g}: {r} [{lo}, {hi}]"
            );
        }
    }

    // seeded: the same seed gives the same intervals, another seed others
    let (_, again, _) = evaluate(&[]);
    assert_eq!(figures(&again.unwrap()), figures(&rep));
    let (code, other, err) = evaluate(&["--seed", "7"]);
    assert_eq!(code, 0, "{err}");
    let other = other.unwrap();
    assert!(
        labels
            .keys()
            .any(|n| other["labels"][n]["ci"] != rep["labels"][n]["ci"]),
        "another seed gave the same intervals"
    );
    // the same seed, a higher level: wider intervals around the same figures
    let wide = report(
        &["--confidence", "0.99", "--bootstrap", "1000"],
        "99% confidence intervals",
    );
    for (name, l) in labels {
        let (lo, hi) = interval(&l["ci"], "pr_auc");
        let (wlo, whi) = interval(&wide["labels"][name]["ci"], "pr_auc");
        assert!(
            wlo <= lo && whi >= hi,
            "{name}: [{wlo}, {whi}] vs [{lo}, {hi}]"
        );
        assert_eq!(wide["labels"][name]["f1"], l["f1"]);
    }
    // no intervals on request, the figures unchanged
    let (code, none, err) = evaluate(&["--bootstrap", "0"]);
    assert_eq!(code, 0, "{err}");
    let none = none.unwrap();
    assert!(!err.contains("confidence intervals at"), "{err}");
    for (name, l) in labels {
        assert!(none["labels"][name]["ci"].is_null(), "{name}");
        assert_eq!(none["labels"][name]["pr_auc"], l["pr_auc"]);
    }
    // a level outside (0, 1) is an error that names the option
    let (code, _, err) = evaluate(&["--confidence", "95"]);
    assert_ne!(code, 0);
    assert!(err.contains("--confidence"), "{err}");
}

#[test]
fn calibration_is_reported_per_label() {
    let rep = report(&[], "calibration of the scores as probabilities");
    let n_docs = rep["n_docs"].as_u64().unwrap();
    for (name, l) in rep["labels"].as_object().unwrap() {
        let brier = l["brier"].as_f64().unwrap();
        let ece = l["ece"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&brier), "{name}: {brier}");
        assert!((0.0..=1.0).contains(&ece), "{name}: {ece}");
        let bins = l["calibration_bins"].as_array().unwrap();
        let total: u64 = bins.iter().map(|b| b["count"].as_u64().unwrap()).sum();
        assert_eq!(total, n_docs, "{name}: every document in one bin");
        // the bins' gaps, weighted by their share of documents, add up to the ECE
        let gaps: f64 = bins
            .iter()
            .map(|b| {
                b["count"].as_f64().unwrap() / n_docs as f64
                    * (b["mean_score"].as_f64().unwrap() - b["positive_rate"].as_f64().unwrap())
                        .abs()
            })
            .sum();
        assert!((gaps - ece).abs() < 1e-9, "{name}: {gaps} vs {ece}");
        for b in bins {
            let (lo, hi) = (b["lo"].as_f64().unwrap(), b["hi"].as_f64().unwrap());
            let m = b["mean_score"].as_f64().unwrap();
            assert!(lo <= m && m <= hi, "{name}: {b}");
        }
    }
}

#[test]
fn against_another_model_gives_paired_differences() {
    // the built-in model against itself: every difference exactly 0, never ahead
    let rep = report(
        &["--against", "builtin"],
        "against builtin, on the same documents",
    );
    let against = &rep["against"];
    assert_eq!(against["model"], "builtin");
    let labels = rep["labels"].as_object().unwrap();
    assert_eq!(against["labels"].as_object().unwrap().len(), labels.len());
    for (name, l) in labels {
        let a = &against["labels"][name];
        assert_eq!(a["f1"], l["f1"], "{name}");
        assert_eq!(a["pr_auc"], l["pr_auc"], "{name}");
        assert_eq!(a["f1_difference"], serde_json::json!([0.0, 0.0]), "{name}");
        assert_eq!(
            a["pr_auc_difference"],
            serde_json::json!([0.0, 0.0]),
            "{name}"
        );
        assert_eq!(a["f1_ahead"], 0.0, "{name}");
    }
    // without --against the field is null; a missing model is an error naming it
    let (_, plain, _) = evaluate(&[]);
    assert!(plain.unwrap()["against"].is_null());
    let (code, _, err) = evaluate(&["--against", "/nonexistent/other.nsm"]);
    assert_ne!(code, 0);
    assert!(err.contains("/nonexistent/other.nsm"), "{err}");
}

#[test]
fn figures_by_language_add_up_to_the_whole() {
    let rep = report(&["--bootstrap", "0"], "by language (`lang` field)");
    for (name, l) in rep["labels"].as_object().unwrap() {
        let langs = l["by_lang"].as_object().unwrap();
        assert_eq!(
            langs.keys().collect::<Vec<_>>(),
            ["ar", "de", "en", "fr"],
            "{name}"
        );
        // every document has a language: the cells add up to the overall confusion matrix
        for cell in ["tp", "fp", "fn", "tn"] {
            let sum: u64 = langs.values().map(|v| v[cell].as_u64().unwrap()).sum();
            assert_eq!(sum, l[cell].as_u64().unwrap(), "{name} {cell}");
        }
        for (g, v) in langs {
            let (tp, fp, fn_) = (
                v["tp"].as_f64().unwrap(),
                v["fp"].as_f64().unwrap(),
                v["fn"].as_f64().unwrap(),
            );
            assert_eq!(v["threshold"], l["threshold"], "{name} {g}");
            assert_eq!(v["n_pos"].as_f64().unwrap(), tp + fn_, "{name} {g}");
            if tp > 0.0 {
                let f1 = 2.0 * tp / (2.0 * tp + fp + fn_);
                assert!((v["f1"].as_f64().unwrap() - f1).abs() < 1e-9, "{name} {g}");
            }
            // PR-AUC only where the language has positives
            assert_eq!(v["pr_auc"].is_null(), tp + fn_ == 0.0, "{name} {g}");
        }
    }

    // documents without `lang` are left out; with a single language there is no table
    let dir = TempDir::new("evaluate-lang");
    let data = dir.write(
        "nolang.jsonl",
        "{\"text\": \"Make hijrah now, brothers, the state is calling you.\", \"labels\": [\"recruitment\"]}\n\
         {\"text\": \"Heavy rain is expected across the north tomorrow.\", \"labels\": [], \"lang\": \"en\"}\n",
    );
    let out = Command::new(evaluate_bin())
        .args(["--model", "builtin", "--bootstrap", "0", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("by language"), "{stdout}");
    let rep: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let langs = rep["labels"]["recruitment"]["by_lang"].as_object().unwrap();
    assert_eq!(langs.keys().collect::<Vec<_>>(), ["en"]);
    assert_eq!(langs["en"]["n_pos"], 0);
    assert_eq!(langs["en"]["n_neg"], 1);
    assert!(langs["en"]["pr_auc"].is_null());
}
