//! End-to-end tests of the `evaluate` example binary's timing options: repeated runs,
//! `--min-seconds` and `--warm-up` (fresh threads warmed on other text) change the timing
//! only, never a figure; a bad warm-up file is a clear error.
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
