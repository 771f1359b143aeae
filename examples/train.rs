//! Trains a narrascope model and writes it as one `.nsm` file.
//!
//! ```text
//! cargo run --release --example train -- --train data/corpus/train.jsonl --dev data/corpus/dev.jsonl -o model.nsm
//! ```
//!
//! Prints the dev metrics per label (chosen hyper-parameters, thresholds, precision, recall,
//! F1, PR-AUC). Deterministic: the same data and seed give a byte-identical file.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

#[path = "common/mod.rs"]
mod common;
use clap::Parser;
use narrascope::classify::mlp::MlpParams;
use narrascope::classify::{
    corpus, CalibrationKind, LookalikeBound, ModelKind, PosWeight, Trainer,
};
use narrascope::features::{FamilyWeights, ParamGuard, Vectorizer, Weighting};
use narrascope::tokenize::TokenizerConfig;

#[derive(Parser, Debug)]
#[command(about = "Train a narrascope model")]
struct Args {
    /// Training corpora (JSON Lines with `text` and `labels`).
    #[arg(long, num_args = 1.., required = true)]
    train: Vec<PathBuf>,
    /// Dev corpora for hyper-parameters, calibration and thresholds (default: the dev.jsonl
    /// next to each training file).
    #[arg(long, num_args = 1..)]
    dev: Vec<PathBuf>,
    /// Learner: logistic, nb, svm, ftrl or sparse-logistic.
    #[arg(long, default_value = "sparse-logistic")]
    model_kind: String,
    /// Labels to learn (default: every label in the training data).
    #[arg(long = "label", num_args = 1..)]
    labels: Vec<String>,
    /// Output model file.
    #[arg(short = 'o', long)]
    out: PathBuf,
    /// Chi-square top-K features per label (0 = keep all) [default: 3000 for the dense linfa
    /// learners, 0 for sparse-logistic].
    #[arg(long)]
    select_k: Option<usize>,
    /// Sparse-logistic: after a first fit on every feature, keep the K learned features that
    /// move the margins most and train again on those alone (a smaller, faster model).
    #[arg(long)]
    prune_to: Option<usize>,
    /// Sparse-logistic: add a hidden layer of N ReLU units (at most 64) over the same features,
    /// shared by the labels, whose logit is mixed into each label's margin with a weight chosen
    /// on dev (see narrascope_classify::mlp) [default: none].
    #[arg(long)]
    mlp_units: Option<usize>,
    /// Hidden layer: most training epochs (early stopping on a held-out tenth of train).
    #[arg(long, default_value_t = 30)]
    mlp_epochs: usize,
    /// Hidden layer: L2 penalty.
    #[arg(long, default_value_t = 1e-4)]
    mlp_alpha: f32,
    /// Weight of each training file's documents in the loss, one per --train file (for
    /// example to balance corpora of different sources; sparse-logistic only) [default: 1 each].
    #[arg(long = "train-weights", num_args = 1..)]
    train_weights: Vec<f32>,
    /// Character n-gram lengths, as MIN,MAX [default: 3,5].
    #[arg(long, value_delimiter = ',')]
    char_ngrams: Vec<usize>,
    /// Longest word n-gram (1 to 3) [default: 2].
    #[arg(long)]
    word_ngrams: Option<usize>,
    /// Term frequency and normalisation: sublinear (1 + ln tf, L2 norm), raw (tf, L2 norm),
    /// additive (tf, each occurrence counted in the norm) or distinct (each distinct word
    /// once, word-level features binary); with additive and distinct, scoring sums cached
    /// per-word parts, faster on streams of short texts [default: sublinear].
    #[arg(long)]
    weighting: Option<String>,
    /// Weight of a feature family, as NAME=WEIGHT (0 switches it off); names: word_unigrams,
    /// word_ngrams, char_ngrams, hashtags, mentions, domains, emoji, lexicons, shape,
    /// quoted_words.
    #[arg(long = "family-weight", num_args = 1..)]
    family_weights: Vec<String>,
    /// Tokenizer switch, as NAME=on|off (repeatable); names: nfkc_casefold, invisible,
    /// homoglyphs, leetspeak, elongation, separated_letters, arabic, diacritics, apostrophes,
    /// stemming, stopwords (off: stopwords get unigram and character n-gram features too).
    #[arg(long = "tokenizer", num_args = 1.., value_name = "NAME=on|off")]
    tokenizer_switches: Vec<String>,
    /// L-BFGS iterations (logistic, sparse-logistic) or epochs (ftrl) [default: per learner].
    #[arg(long)]
    max_iterations: Option<u64>,
    /// Minimum document frequency.
    #[arg(long, default_value_t = 2)]
    min_df: usize,
    /// Regularisation / smoothing strengths to try on dev (default per learner).
    #[arg(long, num_args = 1..)]
    strength: Vec<f64>,
    /// Positive-class weights to try on dev: numbers, or `balanced` / `sqrt-balanced`.
    #[arg(long, num_args = 1..)]
    pos_weight: Vec<String>,
    /// Calibration: platt or isotonic.
    #[arg(long, default_value = "platt")]
    calibration: String,
    /// Also train on `text_en` translations where documents have them.
    #[arg(long)]
    english_translations: bool,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Dev genres that must not be flagged (comma-separated, e.g.
    /// `news,research,counter_speech,religious,everyday`): each label's flag threshold is the
    /// best dev F1 among thresholds that flag at most `--max-lookalike-fpr` of each such genre's
    /// dev documents without the label (genres with fewer than 10 such documents are ignored).
    #[arg(long, value_delimiter = ',')]
    lookalike_genres: Vec<String>,
    /// Largest share of a look-alike genre's dev documents a flag threshold may flag (default
    /// 0.05; needs `--lookalike-genres`).
    #[arg(long)]
    max_lookalike_fpr: Option<f64>,
    /// Sparse-logistic: add a look-alike gate, a scorer of the training documents of the
    /// `--lookalike-genres` without a label, that pulls each label's margin down where it
    /// fires, with a strength and offset chosen per label on dev (see
    /// narrascope_classify::gate; needs `--lookalike-genres`).
    #[arg(long)]
    lookalike_gate: bool,
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => common::report_error("train", &e),
    }
}

fn run() -> Result<()> {
    let args = Args::parse();
    let kind: ModelKind = args.model_kind.parse()?;
    let select_k = args.select_k.unwrap_or(match kind {
        ModelKind::SparseLogistic => 0,
        _ => 3000,
    });
    let read = |paths: &[PathBuf]| -> Result<Vec<corpus::Document>> {
        let mut all = Vec::new();
        for p in paths {
            let docs = corpus::read_jsonl(p)?;
            eprintln!("read {} documents from {}", docs.len(), p.display());
            all.extend(docs);
        }
        Ok(all)
    };
    let dev_paths: Vec<PathBuf> = if args.dev.is_empty() {
        args.train
            .iter()
            .map(|p| p.with_file_name("dev.jsonl"))
            .collect()
    } else {
        args.dev.clone()
    };
    if !args.train_weights.is_empty() && args.train_weights.len() != args.train.len() {
        bail!(
            "--train-weights takes one weight per --train file ({} weights, {} files)",
            args.train_weights.len(),
            args.train.len()
        );
    }
    let mut train = Vec::new();
    let mut weights: Vec<f32> = Vec::new();
    for (i, p) in args.train.iter().enumerate() {
        let docs = read(std::slice::from_ref(p))?;
        weights.extend(std::iter::repeat_n(
            args.train_weights.get(i).copied().unwrap_or(1.0),
            docs.len(),
        ));
        train.extend(docs);
    }
    let weights = (!args.train_weights.is_empty()).then_some(weights);
    let dev = read(&dev_paths).context("reading dev data (give --dev)")?;
    let mut vp = Vectorizer::params().min_df(args.min_df);
    match args.char_ngrams[..] {
        [] => {}
        [lo, hi] => vp = vp.char_ngram_range(lo, hi),
        _ => bail!("--char-ngrams takes MIN,MAX (for example 3,5)"),
    }
    if let Some(n) = args.word_ngrams {
        vp = vp.word_ngram_order(n);
    }
    if let Some(w) = &args.weighting {
        let names = Weighting::ALL.map(Weighting::name);
        vp = vp.weighting(
            Weighting::from_name(w)
                .ok_or_else(|| unknown("--weighting", "weighting", w, &names))?,
        );
    }
    if !args.family_weights.is_empty() {
        let mut w = FamilyWeights::default();
        for fw in &args.family_weights {
            let (name, value) = setting("--family-weight", fw, "NAME=WEIGHT")?;
            let value: f32 = value
                .parse()
                .with_context(|| format!("--family-weight {fw:?}: bad weight"))?;
            *w.weight_mut(name).ok_or_else(|| {
                unknown("--family-weight", "family", name, &FamilyWeights::NAMES)
            })? = value;
        }
        vp = vp.weights(w);
    }
    if !args.tokenizer_switches.is_empty() {
        let mut tc = TokenizerConfig::default();
        for sw in &args.tokenizer_switches {
            let (name, on) = match setting("--tokenizer", sw, "NAME=on|off")? {
                (name, "on" | "true" | "1") => (name, true),
                (name, "off" | "false" | "0") => (name, false),
                _ => bail!("--tokenizer {sw:?}: the value must be on or off"),
            };
            *tc.switch_mut(name).ok_or_else(|| {
                unknown("--tokenizer", "switch", name, &TokenizerConfig::SWITCHES)
            })? = on;
        }
        vp = vp.tokenizer(tc);
    }
    let mut params = Trainer::params()
        .kind(kind)
        .vectorizer(vp)
        .select_k(Some(select_k).filter(|&k| k > 0))
        .seed(args.seed)
        .english_translations(args.english_translations)
        .calibration(match args.calibration.as_str() {
            "platt" => CalibrationKind::Platt,
            "isotonic" => CalibrationKind::Isotonic,
            other => bail!("unknown calibration {other:?} (platt or isotonic)"),
        });
    if !args.labels.is_empty() {
        params = params.labels(args.labels.clone());
    }
    if let Some(n) = args.max_iterations {
        params = params.max_iterations(n);
    }
    if let Some(k) = args.prune_to {
        params = params.prune_to(k);
    }
    if let Some(units) = args.mlp_units {
        params = params.mlp(MlpParams {
            units,
            max_epochs: args.mlp_epochs,
            alpha: args.mlp_alpha,
            seed: args.seed,
            ..MlpParams::default()
        });
    }
    if !args.strength.is_empty() {
        params = params.strengths(args.strength.clone());
    }
    if !args.pos_weight.is_empty() {
        let mut w = Vec::new();
        for s in &args.pos_weight {
            w.push(match s.as_str() {
                "balanced" => PosWeight::Balanced(1.0),
                "sqrt-balanced" => PosWeight::Balanced(0.5),
                n => PosWeight::Fixed(
                    n.parse()
                        .with_context(|| format!("bad --pos-weight {n:?}"))?,
                ),
            });
        }
        params = params.pos_weights(w);
    }
    let files = |v: &[PathBuf]| {
        v.iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut notes = format!(
        "train {} | dev {} | kind {} | select_k {}{}{} | min_df {} | seed {}",
        files(&args.train),
        files(&dev_paths),
        kind,
        select_k,
        args.prune_to
            .map_or(String::new(), |k| format!(" | prune_to {k}")),
        args.mlp_units.map_or(String::new(), |u| format!(
            " | hidden layer {u} units, at most {} epochs, alpha {}",
            args.mlp_epochs, args.mlp_alpha
        )),
        args.min_df,
        args.seed
    );
    match (args.lookalike_genres.is_empty(), args.max_lookalike_fpr) {
        (true, Some(_)) => bail!("--max-lookalike-fpr needs --lookalike-genres"),
        (true, None) => {}
        (false, max) => {
            let bound = LookalikeBound::new(args.lookalike_genres.iter(), max.unwrap_or(0.05));
            notes.push_str(&format!(
                " | look-alike genres {} at most {}",
                bound.genres.join(","),
                bound.max_fpr
            ));
            params = params.lookalike_bound(bound);
        }
    }
    if args.lookalike_gate {
        if args.lookalike_genres.is_empty() {
            bail!("--lookalike-gate needs --lookalike-genres (the genres it learns)");
        }
        notes.push_str(" | look-alike gate");
        params = params.lookalike_gate(true);
    }
    params = params.notes(notes);
    let (model, report) = params
        .check_ref()?
        .fit_weighted(&train, weights.as_deref(), &dev)?;
    model.save(&args.out)?;
    let size = std::fs::metadata(&args.out)?.len();
    eprintln!(
        "trained {} on {} documents ({} features of {}) in {:.1} s; wrote {} ({} bytes)",
        kind,
        train.len(),
        model.summary().features,
        model.summary().features_before_selection,
        report.seconds,
        args.out.display(),
        size
    );
    println!(
        "{:<12} {:>9} {:>8} {:>9} {:>7} {:>7} {:>7} {:>7} {:>9}",
        "label", "strength", "pos_w", "threshold", "P", "R", "F1", "PR-AUC", "P@high"
    );
    for l in model.labels() {
        let d = &l.dev;
        println!(
            "{:<12} {:>9} {:>8} {:>9.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>9}",
            l.name,
            d.chosen.0,
            d.chosen.1,
            l.thresholds.best_f1,
            d.best_f1.precision,
            d.best_f1.recall,
            d.best_f1.f1,
            d.pr_auc,
            d.high_precision.map_or("none".to_string(), |m| format!(
                "{:.3}@{:.2}",
                m.precision, m.threshold
            )),
        );
    }
    for (label, grid) in &report.grid {
        let cells: Vec<String> = grid
            .iter()
            .map(|(s, w, ap)| format!("{s}/{w}:{ap:.3}"))
            .collect();
        eprintln!(
            "dev PR-AUC grid for {label} (strength/pos_weight): {}",
            cells.join("  ")
        );
    }
    if let Some(h) = &report.hidden {
        eprintln!(
            "hidden layer: {} units, {} epochs run, weights of epoch {} kept, {:.1} s",
            model.hidden_units(),
            h.epochs.0,
            h.epochs.1,
            h.seconds
        );
        for m in &h.mix {
            let cells: Vec<String> = m
                .tried
                .iter()
                .map(|p| format!("{}:{:.4}/{:.3}", p.weight, p.pr_auc, p.f1))
                .collect();
            eprintln!(
                "dev PR-AUC / F1 of linear + mix x hidden for {}: {} (chosen {})",
                m.label,
                cells.join("  "),
                m.chosen
            );
        }
    }
    if let Some(g) = &report.gate {
        eprintln!(
            "look-alike gate: {} training documents ({} look-alike), strength {}, its own dev \
             PR-AUC {:.3}, {:.1} s",
            g.rows.0, g.rows.1, g.strength, g.pr_auc, g.seconds
        );
        for c in &g.labels {
            let cells: Vec<String> = c
                .tried
                .iter()
                .map(|p| format!("{}/{}:{:.4}/{:.3}", p.strength, p.offset, p.pr_auc, p.f1))
                .collect();
            eprintln!(
                "dev PR-AUC / F1 of {} gated with strength/offset: {} (chosen {}/{})",
                c.label,
                cells.join("  "),
                c.chosen.0,
                c.chosen.1
            );
        }
    }
    Ok(())
}

/// Splits a `NAME=VALUE` command-line setting of `option`.
fn setting<'a>(option: &str, arg: &'a str, form: &str) -> Result<(&'a str, &'a str)> {
    arg.split_once('=')
        .with_context(|| format!("{option} {arg:?}: expected {form}"))
}

/// The error for a setting whose name is none of `known`.
fn unknown(option: &str, what: &str, name: &str, known: &[&str]) -> anyhow::Error {
    anyhow::anyhow!(
        "{option}: unknown {what} {name:?} (known: {})",
        known.join(", ")
    )
}
