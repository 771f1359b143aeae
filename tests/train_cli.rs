//! End-to-end tests of the `train` example binary on a small corpus written to a temporary
//! directory: a trained model file that the library loads, byte-identical retraining, corpus
//! weights, and clear errors for bad arguments and bad input lines.
//!
//! ```text
//! cargo test --test train_cli
//! ```

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::TempDir;
use narrascope::Classifier;

fn train_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| common::example_bin("train"))
}

/// Runs `train` with `args`; returns (exit code, stderr).
fn train(args: &[&str]) -> (i32, String) {
    let out = Command::new(train_bin()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn line(text: &str, labels: &[&str]) -> String {
    serde_json::json!({ "text": text, "labels": labels }).to_string() + "\n"
}

/// A tiny train and dev split with both labels.
fn corpus(dir: &TempDir) -> (String, String) {
    let r = ["recruitment"];
    let d = ["defection"];
    let train = [
        line("make hijrah to the land of the khilafah, brothers", &r),
        line(
            "the caravan of the khilafah is waiting for you, join it",
            &r,
        ),
        line("pledge allegiance and join the lions of the state", &r),
        line("our martyrs are alive and the state remains", &r),
        line("they lied to us, I escaped and I regret going", &d),
        line("the emirs stole everything, do not go, I was a fool", &d),
        line(
            "I left the group after they killed my friends, never go",
            &d,
        ),
        line("they promised a house and I found prison and hunger", &d),
        line("the match was great, we fought like lions", &[]),
        line("our startup is hiring, join us next week", &[]),
        line("the weather is lovely today in the park", &[]),
        line("the court sentenced two men for sharing videos", &[]),
    ]
    .concat();
    let dev = [
        line("hijrah to the khilafah now, brothers", &r),
        line("I regret going, they lied to us", &d),
        line("a lovely match today in the park", &[]),
        line("join us for the bake sale on sunday", &[]),
    ]
    .concat();
    let t = dir.write("train.jsonl", train);
    let v = dir.write("dev.jsonl", dev);
    (t.display().to_string(), v.display().to_string())
}

#[test]
fn trains_a_model_the_library_loads_and_retrains_it_byte_for_byte() {
    let dir = TempDir::new("train-ok");
    let (t, v) = corpus(&dir);
    let (a, b) = (dir.path("a.nsm"), dir.path("b.nsm"));
    let base = ["--train", &t, "--dev", &v, "--min-df", "1", "-o"];
    let (code, err) = train(&[&base[..], &[a.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("sparse-logistic"), "default learner: {err}");
    let (code, err) = train(&[&base[..], &[b.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let clf = Classifier::load(&a).unwrap();
    let rec = clf.classify("make hijrah and join the caravan of the khilafah");
    let calm = clf.classify("the weather is lovely today");
    assert!(rec.scores["recruitment"] > calm.scores["recruitment"]);

    // the same training with `extra` arguments, into `out`; it must succeed
    let retrain = |extra: &[&str], out: &std::path::Path| {
        let mut args = base[..base.len() - 1].to_vec();
        args.extend(extra);
        args.extend(["-o", out.to_str().unwrap()]);
        let (code, err) = train(&args);
        assert_eq!(code, 0, "{extra:?}: {err}");
    };

    // weighting the training file changes the model
    let c = dir.path("c.nsm");
    retrain(&["--train-weights", "3"], &c);
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());

    // a tokenizer switch set by name is stored in the model, and stopwords become features
    assert!(clf.model().vectorizer().tokenizer().config().stopwords);
    let has_the = |clf: &Classifier| {
        let v = clf.model().vectorizer();
        (0..v.len() as u32).any(|i| v.feature_name(i) == "w:the")
    };
    assert!(!has_the(&clf), "`the` is a stopword: no unigram by default");
    let d = dir.path("d.nsm");
    retrain(&["--tokenizer", "stopwords=off"], &d);
    let off = Classifier::load(&d).unwrap();
    assert!(!off.model().vectorizer().tokenizer().config().stopwords);
    assert!(off.model().vectorizer().tokenizer().config().stemming);
    assert!(
        has_the(&off),
        "with stopwords off, `the` is a unigram feature"
    );

    // the weighting set by name is stored in the model
    let e = dir.path("e.nsm");
    retrain(&["--weighting", "additive"], &e);
    let add = Classifier::load(&e).unwrap();
    assert_eq!(
        add.model().vectorizer().params_used().weighting(),
        narrascope::features::Weighting::Additive
    );
    assert_eq!(
        clf.model().vectorizer().params_used().weighting(),
        narrascope::features::Weighting::Sublinear
    );
}

#[test]
fn a_lookalike_gate_is_trained_from_the_genres_and_reported() {
    // the toy corpus with a genre on every line: the unlabelled ones are news or everyday
    let dir = TempDir::new("train-gate");
    let (t, v) = corpus(&dir);
    let with_genre = |path: &str, name: &str| {
        let lines: String = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let mut d: serde_json::Value = serde_json::from_str(l).unwrap();
                let unlabelled = d["labels"].as_array().unwrap().is_empty();
                let text = d["text"].as_str().unwrap().to_string();
                d["genre"] = match (unlabelled, text.contains("court")) {
                    (false, _) => "tweet",
                    (true, true) => "news",
                    (true, false) => "everyday",
                }
                .into();
                d.to_string() + "\n"
            })
            .collect();
        dir.write(name, lines).display().to_string()
    };
    let (t, v) = (with_genre(&t, "gt.jsonl"), with_genre(&v, "gv.jsonl"));
    let out = dir.path("gate.nsm");
    let (code, err) = train(&[
        "--train",
        &t,
        "--dev",
        &v,
        "--min-df",
        "1",
        "--lookalike-genres",
        "news,everyday",
        "--lookalike-gate",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    // 12 training lines, all with a genre; the 4 unlabelled ones are the gate's positives
    assert!(
        err.contains("look-alike gate: 12 training documents (4 look-alike)"),
        "{err}"
    );
    for label in ["defection", "recruitment"] {
        assert!(
            err.contains(&format!(
                "dev PR-AUC / F1 of {label} gated with strength/offset: 0/0:"
            )),
            "{err}"
        );
    }
    let clf = Classifier::load(&out).unwrap();
    assert!(clf.model().lookalike_gate().is_some());
    assert!(clf.model().summary().notes.contains("look-alike gate"));
}

#[test]
fn bad_arguments_and_bad_lines_are_clear_errors() {
    let dir = TempDir::new("train-bad");
    let (t, v) = corpus(&dir);
    let out = dir.path("m.nsm");
    let out = out.to_str().unwrap();
    // each case: the arguments after the common ones, and what the error must say
    let broken = dir.write("broken.jsonl", line("fine", &[]) + "{not json\n");
    let broken = broken.to_str().unwrap();
    let cases: [(&[&str], &str); 11] = [
        (
            &["--tokenizer", "stopwords=maybe"],
            "--tokenizer \"stopwords=maybe\": the value must be on or off",
        ),
        (
            &["--tokenizer", "spelling=off"],
            "unknown switch \"spelling\" (known: nfkc_casefold",
        ),
        (
            &["--train-weights", "1", "2"],
            "one weight per --train file",
        ),
        (
            &["--model-kind", "nb", "--train-weights", "2"],
            "sparse-logistic",
        ),
        (
            &["--weighting", "log"],
            "--weighting: unknown weighting \"log\" (known: raw, sublinear, additive, distinct)",
        ),
        (
            &["--family-weight", "colour=2"],
            "unknown family \"colour\" (known: word_unigrams",
        ),
        (
            &["--lookalike-genres", "news", "--max-lookalike-fpr", "1.5"],
            "look-alike false-positive rate",
        ),
        (
            &["--max-lookalike-fpr", "0.1"],
            "--max-lookalike-fpr needs --lookalike-genres",
        ),
        (&["--train", broken], "broken.jsonl:2: invalid JSON"),
        (
            &["--lookalike-gate"],
            "--lookalike-gate needs --lookalike-genres",
        ),
        // the training documents have no genre: nothing to learn the look-alikes from
        (
            &["--lookalike-genres", "news", "--lookalike-gate"],
            "a look-alike gate needs training documents of the genres [\"news\"] without a label",
        ),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["--train", t.as_str(), "--dev", v.as_str(), "-o", out];
        args.extend_from_slice(extra);
        let (code, err) = train(&args);
        assert_eq!(code, 1, "{extra:?}: {err}");
        assert!(err.contains(needle), "{extra:?}: {err}");
        assert!(err.contains("train: error: "), "{err}");
    }
    assert!(!Path::new(out).exists(), "no model written on errors");
}
