//! Evaluates a narrascope model on labelled JSON Lines corpora.
//!
//! ```text
//! cargo run --release --example evaluate -- --model model.nsm --data data/corpus/test.jsonl [--plot DIR]
//! cargo run --release --example evaluate -- --model builtin --data data/corpus/test.jsonl
//! ```
//!
//! For each label of the model: precision, recall, F1 and the confusion matrix at the model's
//! flag threshold and at its high-precision threshold, PR-AUC (average precision), and the
//! false-positive rate per `genre` (among documents without the label, the share flagged).
//! When the documents carry a `lang` field with more than one value, the same figures per
//! language (F1, precision, recall at the flag threshold, PR-AUC; `by_lang` in the JSON).
//! Labels in the data that the model lacks are ignored; documents without a `labels` field
//! are negatives for every label. Scoring speed is the wall clock of the scoring loop only
//! (`Classifier::scores` over every text; reading files and computing metrics are not timed),
//! on `--threads` threads (default 1, so that docs/s compares with single-thread peers).
//! `--repeat N` and `--min-seconds S` time several runs and report the fastest. The word
//! caches are per thread, so a second run over the same texts finds every word cached:
//! `--warm-up FILE...` instead starts each run on fresh threads warmed on other text, which
//! is what a stream of new messages sees.
//!
//! `--plot DIR` writes per label a precision-recall curve, a calibration curve and score
//! histograms as SVG files.
//!
//! The last line of stdout is one JSON object with the same figures (for scripts); everything
//! before it is for people.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use clap::Parser;
use narrascope::classify::corpus::{self, Document};
use narrascope::classify::metrics::{
    self, BinaryMetrics, BootstrapIntervals, CalibrationReport, Interval, PairedDifference,
};
use narrascope::Classifier;
use rayon::prelude::*;
use serde_json::{json, Value};

#[derive(Parser, Debug)]
#[command(about = "Evaluate a narrascope model on labelled JSON Lines corpora")]
struct Args {
    /// Model file, or `builtin` for the built-in default model.
    #[arg(long)]
    model: String,
    /// Labelled corpora (JSON Lines with `text`, and `labels` and `genre` when known).
    #[arg(long, num_args = 1.., required = true)]
    data: Vec<PathBuf>,
    /// Write PR curves, calibration curves and score histograms (SVG) into this folder.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Threads for scoring (1 = a plain loop on the calling thread).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Time the scoring loop this many times and report the fastest run (scores are the same).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Keep repeating the timed loop (beyond `--repeat`) until the runs add up to this many
    /// seconds (at most 1,000 runs): on a busy machine, short runs need more tries for one
    /// undisturbed one.
    #[arg(long, default_value_t = 0.0)]
    min_seconds: f64,
    /// Before each timed run, score the texts of these JSON Lines files (untimed) on fresh
    /// threads: every run then starts from the word caches of a stream that has seen other
    /// text. Without it, runs after the first find every word of the data in the caches,
    /// which overstates the speed on a stream of new text.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    warm_up: Vec<PathBuf>,
    /// Bootstrap resamples for the confidence intervals of precision, recall, F1 and PR-AUC
    /// (documents drawn with replacement; 0 = no intervals).
    #[arg(long, default_value_t = 1000)]
    bootstrap: usize,
    /// Confidence level of the intervals (bootstrap, and Wilson for the per-genre
    /// false-positive rates).
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Seed of the bootstrap (the same seed gives the same intervals).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Another model (file or `builtin`) to compare with on the same documents: the
    /// differences in F1 (each model at its own flag threshold) and PR-AUC, per label both
    /// models have, with paired-bootstrap intervals (untimed).
    #[arg(long, value_name = "MODEL")]
    against: Option<String>,
}

/// Everything computed for one label.
struct LabelEval {
    name: String,
    n_pos: usize,
    n_neg: usize,
    flag: BinaryMetrics,
    high_precision: Option<BinaryMetrics>,
    pr_auc: Option<f64>,
    /// Bootstrap intervals at the flag threshold (None without positives or `--bootstrap 0`).
    ci: Option<BootstrapIntervals>,
    /// Brier score, expected calibration error and reliability bins (10 equal-width bins).
    calibration: Option<CalibrationReport>,
    /// genre → (flagged negatives, negatives)
    genres: BTreeMap<String, (usize, usize)>,
    /// lang → the figures at the flag threshold and the PR-AUC of that language's documents
    langs: BTreeMap<String, (BinaryMetrics, Option<f64>)>,
}

/// One label's figures for the `--against` model, and the paired differences.
struct Against {
    label: String,
    flag: BinaryMetrics,
    pr_auc: Option<f64>,
    paired: Option<PairedDifference>,
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => common::report_error("evaluate", &e),
    }
}

fn run() -> Result<()> {
    let args = Args::parse();
    if args.threads == 0 {
        bail!("--threads must be at least 1");
    }
    if !(args.confidence > 0.0 && args.confidence < 1.0) {
        bail!(
            "--confidence must be between 0 and 1 (exclusive), got {}",
            args.confidence
        );
    }
    let z = normal_quantile((1.0 + args.confidence) / 2.0);
    let repeat = args.repeat.max(1);
    let load = |m: &str| -> Result<Classifier> {
        Ok(if m == "builtin" {
            Classifier::builtin()
        } else {
            Classifier::load(m)?
        })
    };
    let clf = load(&args.model)?;
    let other = args.against.as_deref().map(load).transpose()?;

    let mut docs: Vec<Document> = Vec::new();
    for p in &args.data {
        // read_jsonl names the file and the line of a bad line; main prints it, exits 1
        let d = corpus::read_jsonl(p)?;
        eprintln!("read {} documents from {}", d.len(), p.display());
        docs.extend(d);
    }
    if docs.is_empty() {
        bail!("no documents in {}", join_paths(&args.data));
    }
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let mut warm_docs: Vec<Document> = Vec::new();
    for p in &args.warm_up {
        let d = corpus::read_jsonl(p)?;
        eprintln!("read {} warm-up documents from {}", d.len(), p.display());
        warm_docs.extend(d);
    }
    let warm: Vec<&str> = warm_docs.iter().map(|d| d.text.as_str()).collect();
    let warm_up = |clf: &Classifier| {
        for t in &warm {
            std::hint::black_box(clf.scores(t));
        }
    };

    // ---- scoring (the only timed part) ----
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("building the thread pool")?;
    let mut scores: Vec<Vec<f32>> = Vec::new();
    let mut best_secs = f64::INFINITY;
    let (mut runs, mut total_secs) = (0usize, 0.0f64);
    while runs < repeat || (total_secs < args.min_seconds && runs < 1000) {
        runs += 1;
        let score_all = || -> Vec<Vec<f32>> { texts.iter().map(|t| clf.scores(t)).collect() };
        let (elapsed, s) = if warm.is_empty() {
            // the calling thread (or the one pool), caches kept from run to run
            let start = Instant::now();
            let s: Vec<Vec<f32>> = if args.threads == 1 {
                score_all()
            } else {
                pool.install(|| texts.par_iter().map(|t| clf.scores(t)).collect())
            };
            (start.elapsed(), s)
        } else if args.threads == 1 {
            // a fresh thread has empty per-thread caches: warm them, then time
            std::thread::scope(|sc| {
                sc.spawn(|| {
                    warm_up(&clf);
                    let start = Instant::now();
                    let s = score_all();
                    (start.elapsed(), s)
                })
                .join()
            })
            .map_err(|_| anyhow!("the scoring thread panicked"))?
        } else {
            let fresh = rayon::ThreadPoolBuilder::new()
                .num_threads(args.threads)
                .build()
                .context("building the thread pool")?;
            fresh.broadcast(|_| warm_up(&clf));
            let start = Instant::now();
            let s = fresh.install(|| texts.par_iter().map(|t| clf.scores(t)).collect());
            (start.elapsed(), s)
        };
        let t = elapsed.as_secs_f64();
        best_secs = best_secs.min(t);
        total_secs += t;
        scores = s;
    }
    let secs = best_secs.max(1e-9);
    let docs_per_s = docs.len() as f64 / secs;
    let mb_per_s = bytes as f64 / 1e6 / secs;

    // ---- metrics per label ----
    let model = clf.model();
    let data_labels: BTreeMap<&str, usize> =
        docs.iter()
            .flat_map(|d| d.labels.iter())
            .fold(BTreeMap::new(), |mut m, l| {
                *m.entry(l.as_str()).or_insert(0) += 1;
                m
            });
    let ignored: Vec<&str> = data_labels
        .keys()
        .copied()
        .filter(|l| !model.label_names().any(|n| n == *l))
        .collect();
    if !ignored.is_empty() {
        eprintln!(
            "note: labels in the data that the model lacks are ignored: {}",
            ignored.join(", ")
        );
    }
    if args.bootstrap > 0 && docs.len().saturating_mul(args.bootstrap) > 20_000_000 {
        eprintln!(
            "computing {} bootstrap resamples over {} documents per label (--bootstrap 0 skips the intervals)",
            args.bootstrap,
            docs.len()
        );
    }
    let mut evals = Vec::new();
    for (l, lm) in model.labels().iter().enumerate() {
        let s: Vec<f32> = scores.iter().map(|v| v[l]).collect();
        let truth: Vec<bool> = docs.iter().map(|d| d.has(&lm.name)).collect();
        let n_pos = truth.iter().filter(|&&t| t).count();
        if n_pos == 0 {
            eprintln!(
                "warning: no document carries `{}`: recall is 0 and PR-AUC is undefined (null)",
                lm.name
            );
        }
        let flag = metrics::at_threshold(&s, &truth, lm.thresholds.best_f1);
        let high_precision = lm
            .thresholds
            .high_precision
            .map(|t| metrics::at_threshold(&s, &truth, t));
        let pr_auc = (n_pos > 0).then(|| metrics::average_precision(&s, &truth));
        let ci = metrics::bootstrap(
            &s,
            &truth,
            lm.thresholds.best_f1,
            args.bootstrap,
            args.confidence,
            args.seed,
        );
        let calibration = metrics::calibration_report(&s, &truth, CALIBRATION_BINS);
        let mut genres: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for ((d, &t), &p) in docs.iter().zip(&truth).zip(&s) {
            if let (Some(g), false) = (&d.genre, t) {
                let e = genres.entry(g.clone()).or_default();
                e.0 += (p >= lm.thresholds.best_f1) as usize;
                e.1 += 1;
            }
        }
        let langs = by_lang(&docs, &s, &truth, lm.thresholds.best_f1);
        if let Some(dir) = &args.plot {
            let scores = plot::LabelScores {
                name: &lm.name,
                scores: &s,
                truth: &truth,
                flag: &flag,
                high: high_precision.as_ref(),
            };
            plot::label(dir, &scores)
                .with_context(|| format!("plotting `{}` into {}", lm.name, dir.display()))?;
        }
        evals.push(LabelEval {
            name: lm.name.clone(),
            n_pos,
            n_neg: truth.len() - n_pos,
            flag,
            high_precision,
            pr_auc,
            ci,
            calibration,
            genres,
            langs,
        });
    }

    // ---- the other model, on the same documents (untimed) ----
    let mut against: Vec<Against> = Vec::new();
    if let Some(o) = &other {
        let theirs: Vec<Vec<f32>> =
            pool.install(|| texts.par_iter().map(|t| o.scores(t)).collect());
        for (l, lm) in model.labels().iter().enumerate() {
            let Some(k) = o.model().labels().iter().position(|x| x.name == lm.name) else {
                continue;
            };
            let truth: Vec<bool> = docs.iter().map(|d| d.has(&lm.name)).collect();
            let mine: Vec<f32> = scores.iter().map(|v| v[l]).collect();
            let their: Vec<f32> = theirs.iter().map(|v| v[k]).collect();
            let their_flag = o.model().labels()[k].thresholds.best_f1;
            let n_pos = truth.iter().filter(|&&t| t).count();
            against.push(Against {
                label: lm.name.clone(),
                flag: metrics::at_threshold(&their, &truth, their_flag),
                pr_auc: (n_pos > 0).then(|| metrics::average_precision(&their, &truth)),
                paired: metrics::paired_bootstrap(
                    (&mine, lm.thresholds.best_f1),
                    (&their, their_flag),
                    &truth,
                    args.bootstrap,
                    args.confidence,
                    args.seed,
                ),
            });
        }
        if against.is_empty() {
            eprintln!("note: the two models share no label: nothing to compare");
        }
    }

    // ---- report for people ----
    let model_name = if args.model == "builtin" {
        "builtin".to_string()
    } else {
        args.model.clone()
    };
    let mut hidden = match model.hidden_units() {
        0 => String::new(),
        u => format!(", hidden layer of {u} units"),
    };
    let weighting = model.vectorizer().params_used().weighting();
    if weighting != narrascope::features::Weighting::Sublinear {
        hidden.push_str(&format!(", {} weighting", weighting.name()));
    }
    if let Some(g) = model.lookalike_gate() {
        let gated: Vec<String> = model
            .label_names()
            .enumerate()
            .filter_map(|(l, name)| {
                let (s, o) = g.label_gate(l);
                (s > 0.0).then(|| format!("{name} {s}/{o}"))
            })
            .collect();
        hidden.push_str(&format!(
            ", look-alike gate (strength/offset: {})",
            if gated.is_empty() {
                "no label gated".to_string()
            } else {
                gated.join(", ")
            }
        ));
    }
    println!(
        "model {} ({}, {} features{}) on {} documents ({} bytes) from {}",
        model_name,
        model.summary().kind,
        model.vectorizer().len(),
        hidden,
        docs.len(),
        bytes,
        join_paths(&args.data)
    );
    println!();
    println!(
        "{:<12} {:<8} {:>9} {:>6} {:>6} {:>6} {:>7} {:>5} {:>5} {:>5} {:>6}",
        "label", "point", "threshold", "P", "R", "F1", "PR-AUC", "TP", "FP", "FN", "TN"
    );
    for e in &evals {
        let auc = e.pr_auc.map_or("-".to_string(), |a| format!("{a:.3}"));
        let row = |point: &str, m: &BinaryMetrics, auc: &str| {
            println!(
                "{:<12} {:<8} {:>9.4} {:>6.3} {:>6.3} {:>6.3} {:>7} {:>5} {:>5} {:>5} {:>6}",
                e.name,
                point,
                m.threshold,
                m.precision,
                m.recall,
                m.f1,
                auc,
                m.tp,
                m.fp,
                m.fn_,
                m.tn
            )
        };
        row("flag", &e.flag, &auc);
        match &e.high_precision {
            Some(m) => row("high-P", m, ""),
            None => println!(
                "{:<12} {:<8} {:>9}   (dev never reached the target precision)",
                e.name, "high-P", "none"
            ),
        }
    }
    if evals.iter().any(|e| e.ci.is_some()) {
        println!();
        println!(
            "{:.0}% confidence intervals at the flag threshold (percentile bootstrap over the documents, {} resamples, seed {})",
            args.confidence * 100.0,
            args.bootstrap,
            args.seed
        );
        println!(
            "{:<12} {:>14} {:>14} {:>14} {:>14}",
            "label", "P", "R", "F1", "PR-AUC"
        );
        for e in &evals {
            if let Some(ci) = &e.ci {
                let iv = |i: &Interval| format!("[{:.3}, {:.3}]", i.lo, i.hi);
                println!(
                    "{:<12} {:>14} {:>14} {:>14} {:>14}",
                    e.name,
                    iv(&ci.precision),
                    iv(&ci.recall),
                    iv(&ci.f1),
                    iv(&ci.pr_auc)
                );
                if ci.used < ci.resamples {
                    println!(
                        "{:<12} ({} of {} resamples held no positive and were left out)",
                        "",
                        ci.resamples - ci.used,
                        ci.resamples
                    );
                }
            }
        }
    }
    if evals.iter().any(|e| e.calibration.is_some()) {
        println!();
        println!(
            "calibration of the scores as probabilities ({CALIBRATION_BINS} equal-width bins; 0 is perfect)"
        );
        println!("{:<12} {:>8} {:>8}", "label", "Brier", "ECE");
        for e in &evals {
            if let Some(c) = &e.calibration {
                println!("{:<12} {:>8.4} {:>8.4}", e.name, c.brier, c.ece);
            }
        }
    }
    if let (Some(name), false) = (&args.against, against.is_empty()) {
        println!();
        println!(
            "against {name}, on the same documents (this model minus the other; {:.0}% paired bootstrap, {} resamples, seed {})",
            args.confidence * 100.0,
            args.bootstrap,
            args.seed
        );
        println!(
            "{:<12} {:>8} {:>8} {:>20} {:>6} {:>8} {:>8} {:>20} {:>6}",
            "label", "F1", "other", "difference", "ahead", "PR-AUC", "other", "difference", "ahead"
        );
        for a in &against {
            // a label without positives in the data has nothing to compare
            let Some(e) = evals.iter().find(|e| e.name == a.label && e.n_pos > 0) else {
                continue;
            };
            let iv = |i: &Interval| format!("[{:+.3}, {:+.3}]", i.lo, i.hi);
            let auc = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.3}"));
            let (f1d, f1a, aucd, auca) = match &a.paired {
                Some(p) => (
                    iv(&p.f1),
                    format!("{:.0}%", p.f1_ahead * 100.0),
                    iv(&p.pr_auc),
                    format!("{:.0}%", p.pr_auc_ahead * 100.0),
                ),
                None => ("-".into(), "-".into(), "-".into(), "-".into()),
            };
            println!(
                "{:<12} {:>8.3} {:>8.3} {:>20} {:>6} {:>8} {:>8} {:>20} {:>6}",
                a.label,
                e.flag.f1,
                a.flag.f1,
                f1d,
                f1a,
                auc(e.pr_auc),
                auc(a.pr_auc),
                aucd,
                auca
            );
        }
    }
    let all_genres = union_keys(evals.iter().map(|e| &e.genres));
    if !all_genres.is_empty() {
        println!();
        println!(
            "false-positive rate by genre (documents without the label that are flagged; {:.0}% Wilson interval)",
            args.confidence * 100.0
        );
        table_header("genre", 16, &evals);
        for g in &all_genres {
            print!("{:<16}", g);
            for e in &evals {
                match e.genres.get(*g) {
                    Some(&(fp, n)) => {
                        let cell = match metrics::wilson(fp, n, z) {
                            Some(w) => {
                                format!("{:.3} ({fp}/{n}) [{:.3}, {:.3}]", rate(fp, n), w.lo, w.hi)
                            }
                            None => format!("{:.3} ({fp}/{n})", rate(fp, n)),
                        };
                        print!(" {cell:>36}")
                    }
                    None => print!(" {:>36}", "-"),
                }
            }
            println!();
        }
    } else {
        println!();
        println!("(no `genre` field in the data: no per-genre false-positive rates)");
    }
    let all_langs = union_keys(evals.iter().map(|e| &e.langs));
    // one language alone says nothing the overall figures do not
    if all_langs.len() > 1 {
        println!();
        println!("by language (`lang` field), at the flag threshold: F1 (P / R) PR-AUC, positives");
        table_header("lang", 8, &evals);
        for g in &all_langs {
            print!("{:<8}", g);
            for e in &evals {
                match e.langs.get(*g) {
                    Some((m, auc)) if m.tp + m.fn_ > 0 => {
                        let auc = auc.map_or("-".to_string(), |a| format!("{a:.3}"));
                        let cell = format!(
                            "{:.3} ({:.3} / {:.3}) {auc}, {}",
                            m.f1,
                            m.precision,
                            m.recall,
                            m.tp + m.fn_
                        );
                        print!(" {cell:>36}")
                    }
                    Some(m) => print!(" {:>36}", format!("no positives, {} flagged", m.0.fp)),
                    None => print!(" {:>36}", "-"),
                }
            }
            println!();
        }
    }
    println!();
    println!(
        "scoring: {:.0} docs/s, {:.3} MB/s ({} thread{}, best of {}, {:.3} s for {} documents{})",
        docs_per_s,
        mb_per_s,
        args.threads,
        if args.threads == 1 { "" } else { "s" },
        runs,
        secs,
        docs.len(),
        if warm.is_empty() {
            String::new()
        } else {
            format!(
                ", each run after a warm-up on {} other documents",
                warm.len()
            )
        }
    );
    if let Some(dir) = &args.plot {
        println!("plots written to {}", dir.display());
    }

    // ---- the machine-readable last line ----
    let labels: serde_json::Map<String, Value> = evals
        .iter()
        .map(|e| {
            let mut o = metrics_json(&e.flag);
            o.insert("pr_auc".into(), json!(e.pr_auc));
            o.insert("n_pos".into(), json!(e.n_pos));
            o.insert("n_neg".into(), json!(e.n_neg));
            o.insert(
                "high_precision".into(),
                e.high_precision
                    .as_ref()
                    .map_or(Value::Null, |m| Value::Object(metrics_json(m))),
            );
            let fpr: serde_json::Map<String, Value> = e
                .genres
                .iter()
                .map(|(g, &(fp, n))| (g.clone(), json!(rate(fp, n))))
                .collect();
            o.insert("fpr_by_genre".into(), Value::Object(fpr));
            let fpr_ci: serde_json::Map<String, Value> = e
                .genres
                .iter()
                .filter_map(|(g, &(fp, n))| {
                    metrics::wilson(fp, n, z).map(|w| (g.clone(), json!([w.lo, w.hi])))
                })
                .collect();
            o.insert("fpr_by_genre_ci".into(), Value::Object(fpr_ci));
            let by_lang: serde_json::Map<String, Value> = e
                .langs
                .iter()
                .map(|(g, (m, auc))| {
                    let mut v = metrics_json(m);
                    v.insert("pr_auc".into(), json!(auc));
                    v.insert("n_pos".into(), json!(m.tp + m.fn_));
                    v.insert("n_neg".into(), json!(m.fp + m.tn));
                    (g.clone(), Value::Object(v))
                })
                .collect();
            o.insert("by_lang".into(), Value::Object(by_lang));
            if let Some(c) = &e.calibration {
                o.insert("brier".into(), json!(c.brier));
                o.insert("ece".into(), json!(c.ece));
                o.insert("calibration_bins".into(), json!(c.bins));
            }
            o.insert(
                "ci".into(),
                e.ci.as_ref().map_or(Value::Null, |ci| {
                    json!({
                        "level": ci.level,
                        "method": "percentile bootstrap over documents",
                        "resamples": ci.resamples,
                        "used": ci.used,
                        "seed": args.seed,
                        "precision": [ci.precision.lo, ci.precision.hi],
                        "recall": [ci.recall.lo, ci.recall.hi],
                        "f1": [ci.f1.lo, ci.f1.hi],
                        "pr_auc": [ci.pr_auc.lo, ci.pr_auc.hi],
                    })
                }),
            );
            (e.name.clone(), Value::Object(o))
        })
        .collect();
    let against_json = args.against.as_ref().map(|name| {
        let labels: serde_json::Map<String, Value> = against
            .iter()
            .map(|a| {
                let p = a.paired.as_ref();
                let pair = |f: fn(&PairedDifference) -> Interval| {
                    p.map_or(Value::Null, |p| {
                        let i = f(p);
                        json!([i.lo, i.hi])
                    })
                };
                (
                    a.label.clone(),
                    json!({
                        "f1": a.flag.f1,
                        "precision": a.flag.precision,
                        "recall": a.flag.recall,
                        "threshold": a.flag.threshold,
                        "pr_auc": a.pr_auc,
                        "f1_difference": pair(|p| p.f1),
                        "pr_auc_difference": pair(|p| p.pr_auc),
                        "f1_ahead": p.map(|p| p.f1_ahead),
                        "pr_auc_ahead": p.map(|p| p.pr_auc_ahead),
                    }),
                )
            })
            .collect();
        json!({ "model": name, "labels": labels })
    });
    let out = json!({
        "model": model_name,
        "model_kind": model.summary().kind.to_string(),
        "data": args.data.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "n_docs": docs.len(),
        "bytes": bytes,
        "labels": labels,
        "ignored_labels": ignored,
        "threads": args.threads,
        "repeat": repeat,
        "runs": runs,
        "warm_up": args.warm_up.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "seconds": secs,
        "docs_per_s": docs_per_s,
        "mb_per_s": mb_per_s,
        "against": against_json,
    });
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}

/// The standard normal quantile at `p` (0 < p < 1), by Acklam's rational approximation
/// (relative error under 1.2e-9): the z of a two-sided interval at level c is the quantile at
/// (1 + c) / 2, 1.96 for 95%.
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.024_25 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.024_25 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Equal-width score bins of the calibration report and plot.
const CALIBRATION_BINS: usize = 10;

/// The keys of all `maps`, sorted, each once.
fn union_keys<'a, V: 'a>(maps: impl Iterator<Item = &'a BTreeMap<String, V>>) -> Vec<&'a String> {
    let mut keys: Vec<&String> = maps.flat_map(|m| m.keys()).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The header line of a per-label table: `first` in a column of `width`, then each label.
fn table_header(first: &str, width: usize, evals: &[LabelEval]) {
    print!("{first:<width$}");
    for e in evals {
        print!(" {:>36}", e.name);
    }
    println!();
}

/// The figures of each language's documents (the `lang` field; documents without one are
/// left out) at the flag threshold `t`, and their PR-AUC when the language has positives.
fn by_lang(
    docs: &[Document],
    scores: &[f32],
    truth: &[bool],
    t: f32,
) -> BTreeMap<String, (BinaryMetrics, Option<f64>)> {
    let mut groups: BTreeMap<&str, (Vec<f32>, Vec<bool>)> = BTreeMap::new();
    for ((d, &p), &y) in docs.iter().zip(scores).zip(truth) {
        if let Some(l) = d.lang.as_deref() {
            let e = groups.entry(l).or_default();
            e.0.push(p);
            e.1.push(y);
        }
    }
    groups
        .into_iter()
        .map(|(l, (s, y))| {
            let auc = y
                .contains(&true)
                .then(|| metrics::average_precision(&s, &y));
            (l.to_string(), (metrics::at_threshold(&s, &y, t), auc))
        })
        .collect()
}

fn rate(k: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        k as f64 / n as f64
    }
}

fn metrics_json(m: &BinaryMetrics) -> serde_json::Map<String, Value> {
    let v = json!({
        "threshold": m.threshold,
        "precision": m.precision,
        "recall": m.recall,
        "f1": m.f1,
        "tp": m.tp,
        "fp": m.fp,
        "fn": m.fn_,
        "tn": m.tn,
    });
    match v {
        Value::Object(o) => o,
        _ => unreachable!("json! of an object literal is an object"),
    }
}

fn join_paths(p: &[PathBuf]) -> String {
    p.iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// File-name-safe form of a label.
fn slug(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

mod plot {
    //! SVG plots of one label: PR curve, calibration curve, score histograms.

    use std::path::Path;

    use anyhow::{Context, Result};
    use narrascope::classify::metrics::{self, BinaryMetrics};
    use plotters::prelude::*;

    use super::slug;

    const SIZE: (u32, u32) = (720, 540);

    /// The chart every plot draws on: probabilities or shares on both axes.
    type Chart<'a, 'b> = ChartContext<
        'a,
        SVGBackend<'b>,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >;

    /// Draws one SVG figure: a titled chart over `[0, 1] x [0, y_max]` with axis descriptions,
    /// whatever `draw` adds, and the legend at `legend`.
    fn figure(
        path: &Path,
        caption: String,
        axes: (&str, &str, f64),
        legend: SeriesLabelPosition,
        draw: impl FnOnce(&mut Chart<'_, '_>) -> Result<()>,
    ) -> Result<()> {
        let (x_desc, y_desc, y_max) = axes;
        let root = SVGBackend::new(path, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(0f64..1.0, 0f64..y_max)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .draw()?;
        draw(&mut chart)?;
        chart
            .configure_series_labels()
            .position(legend)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    }

    /// What the plots of one label show.
    pub struct LabelScores<'a> {
        /// Label name.
        pub name: &'a str,
        /// Calibrated probabilities, one per document.
        pub scores: &'a [f32],
        /// Whether each document has the label.
        pub truth: &'a [bool],
        /// Metrics at the flag threshold.
        pub flag: &'a BinaryMetrics,
        /// Metrics at the high-precision threshold, when the model has one.
        pub high: Option<&'a BinaryMetrics>,
    }

    /// Writes the PR curve, calibration curve and score histograms of one label into `dir`.
    pub fn label(dir: &Path, l: &LabelScores<'_>) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let s = slug(l.name);
        pr_curve(&dir.join(format!("{s}-pr.svg")), l)?;
        calibration(&dir.join(format!("{s}-calibration.svg")), l)?;
        histogram(&dir.join(format!("{s}-histogram.svg")), l)
    }

    fn pr_curve(path: &Path, l: &LabelScores<'_>) -> Result<()> {
        let LabelScores {
            name,
            scores,
            truth,
            flag,
            high,
        } = *l;
        let ap = metrics::average_precision(scores, truth);
        let caption = format!("{name}: precision-recall (AP {ap:.3})");
        let axes = ("recall", "precision", 1.02);
        figure(
            path,
            caption,
            axes,
            SeriesLabelPosition::LowerLeft,
            |chart| {
                let base = truth.iter().filter(|&&t| t).count() as f64 / truth.len().max(1) as f64;
                chart
                    .draw_series(LineSeries::new(
                        [(0.0, base), (1.0, base)],
                        BLACK.mix(0.35).stroke_width(1),
                    ))?
                    .label(format!("share of positives ({base:.3})"))
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.mix(0.35)));
                chart
                    .draw_series(LineSeries::new(
                        metrics::pr_curve(scores, truth),
                        BLUE.stroke_width(2),
                    ))?
                    .label("model")
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
                let mut ops = vec![(flag, RED, "flag")];
                if let Some(h) = high {
                    ops.push((h, GREEN, "high precision"));
                }
                for (m, colour, what) in ops {
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (m.recall, m.precision),
                            6,
                            colour.filled(),
                        )))?
                        .label(format!(
                            "{what} threshold {:.3}: P {:.2} R {:.2}",
                            m.threshold, m.precision, m.recall
                        ))
                        .legend(move |(x, y)| Circle::new((x + 10, y), 5, colour.filled()));
                }
                Ok(())
            },
        )
    }

    fn calibration(path: &Path, l: &LabelScores<'_>) -> Result<()> {
        let name = l.name;
        let bins = metrics::calibration_report(l.scores, l.truth, super::CALIBRATION_BINS)
            .map(|r| r.bins)
            .unwrap_or_default();
        let pts: Vec<(f64, f64, usize)> = bins
            .iter()
            .map(|b| (b.mean_score, b.positive_rate, b.count))
            .collect();
        let caption = format!("{name}: calibration ({} bins)", super::CALIBRATION_BINS);
        let axes = (
            "mean predicted probability",
            "observed share of positives",
            1.0,
        );
        figure(
            path,
            caption,
            axes,
            SeriesLabelPosition::UpperLeft,
            |chart| {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(0.0, 0.0), (1.0, 1.0)],
                        6,
                        4,
                        BLACK.mix(0.5).stroke_width(1),
                    ))?
                    .label("perfect calibration")
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.mix(0.5)));
                chart
                    .draw_series(LineSeries::new(
                        pts.iter().map(|p| (p.0, p.1)),
                        BLUE.stroke_width(2),
                    ))?
                    .label("model")
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
                chart.draw_series(
                    pts.iter()
                        .map(|p| Circle::new((p.0, p.1), 4, BLUE.filled())),
                )?;
                chart.draw_series(pts.iter().map(|p| {
                    Text::new(
                        format!("n={}", p.2),
                        (p.0, (p.1 + 0.03).min(0.97)),
                        ("sans-serif", 12).into_font().color(&BLACK.mix(0.7)),
                    )
                }))?;
                Ok(())
            },
        )
    }

    fn histogram(path: &Path, l: &LabelScores<'_>) -> Result<()> {
        let (name, scores, truth, flag) = (l.name, l.scores, l.truth, l.flag);
        const BINS: usize = 20;
        let mut counts = [[0usize; BINS]; 2];
        for (&s, &t) in scores.iter().zip(truth) {
            let b = ((s.clamp(0.0, 1.0) * BINS as f32) as usize).min(BINS - 1);
            counts[t as usize][b] += 1;
        }
        let n_class = [
            counts[0].iter().sum::<usize>(),
            counts[1].iter().sum::<usize>(),
        ];
        let totals = n_class.map(|n| n.max(1) as f64);
        // share of each class per bin, so that the rare positives stay visible
        let share = |c: usize, b: usize| counts[c][b] as f64 / totals[c];
        let ymax = (0..2)
            .flat_map(|c| (0..BINS).map(move |b| (c, b)))
            .map(|(c, b)| share(c, b))
            .fold(0.0, f64::max)
            .max(0.01)
            * 1.1;
        let caption = format!("{name}: score histograms");
        let axes = ("calibrated probability", "share of the class", ymax);
        figure(
            path,
            caption,
            axes,
            SeriesLabelPosition::UpperMiddle,
            |chart| {
                let w = 1.0 / BINS as f64;
                let classes = [(0usize, BLUE, "negatives"), (1usize, RED, "positives")];
                for (c, colour, what) in classes {
                    chart
                        .draw_series((0..BINS).filter(|&b| counts[c][b] > 0).map(|b| {
                            let x0 = b as f64 * w;
                            Rectangle::new(
                                [(x0 + w * 0.05, 0.0), (x0 + w * 0.95, share(c, b))],
                                colour.mix(0.45).filled(),
                            )
                        }))?
                        .label(format!("{what} (n={})", n_class[c]))
                        .legend(move |(x, y)| {
                            Rectangle::new([(x, y - 5), (x + 16, y + 5)], colour.mix(0.45).filled())
                        });
                }
                let t = flag.threshold as f64;
                chart
                    .draw_series(LineSeries::new(
                        [(t, 0.0), (t, ymax)],
                        BLACK.stroke_width(2),
                    ))?
                    .label(format!("flag threshold {t:.3}"))
                    .legend(|(x, y)| {
                        PathElement::new([(x, y), (x + 20, y)], BLACK.stroke_width(2))
                    });
                Ok(())
            },
        )
    }
}
