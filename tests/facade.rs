//! The facade API on the built-in model.

use narrascope::{Assessment, Classifier};

fn has_autotraits<T: Send + Sync + Sized + Unpin>() {}

#[test]
fn autotraits() {
    has_autotraits::<Classifier>();
    has_autotraits::<Assessment>();
    has_autotraits::<narrascope::Error>();
}

#[test]
fn builtin_model_decodes_and_has_both_labels() {
    let clf = Classifier::builtin();
    assert_eq!(clf.labels(), ["defection", "recruitment"]);
    for t in clf.thresholds() {
        assert!((0.0..=1.0).contains(&t.flag), "{t:?}");
        // a high-precision flag is always also a flag
        assert!(t.high_precision.is_none_or(|h| h >= t.flag), "{t:?}");
    }
}

#[test]
fn flags_follow_the_thresholds() {
    let clf = Classifier::builtin();
    let th = clf.thresholds();
    for text in [
        "Brothers, make hijrah to the land of the khilafah, the caravan is leaving",
        "They promised us a salary and a house. I escaped after the emir jailed my brother.",
        "Heavy rain expected tomorrow across the north.",
    ] {
        let a = clf.classify(text);
        for t in &th {
            let s = a.score(&t.label).unwrap();
            assert_eq!(a.is_flagged(&t.label), s >= t.flag, "{text}: {t:?} {s}");
            assert_eq!(
                a.high_precision_flags.contains(&t.label),
                t.high_precision.is_some_and(|h| s >= h)
            );
        }
    }
}

#[test]
fn evidence_spans_point_into_the_original_text() {
    let clf = Classifier::builtin();
    // disguised words and multi-byte characters
    let text = "Brüder 🔥 m\u{0430}ke h1jr4h to the kh\u{200b}ilafah — j o i n the caravan! Die Hidschra ist Pflicht.";
    let a = clf.explain(text);
    assert!(!a.evidence.is_empty());
    for e in &a.evidence {
        let s = text.get(e.start..e.end).expect("span on char boundaries");
        assert!(!s.trim().is_empty(), "{e:?}");
    }
    let covered: Vec<&str> = a.evidence.iter().map(|e| &text[e.start..e.end]).collect();
    assert!(covered.iter().any(|s| s.contains("h1jr4h")), "{covered:?}");
    assert!(!a.sentences.is_empty());
    for s in &a.sentences {
        assert!(text.get(s.start..s.end).is_some());
    }
}

#[test]
fn batch_equals_single_and_assessments_serialise() {
    let clf = Classifier::builtin();
    let texts: Vec<String> = (0..50)
        .map(|i| format!("message {i}: join us for the match, brothers"))
        .collect();
    let batch = clf.classify_batch(&texts);
    for (t, a) in texts.iter().zip(&batch) {
        assert_eq!(&clf.classify(t), a);
    }
    let json = serde_json::to_string(&batch[0]).unwrap();
    let back: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, batch[0]);
}

#[test]
fn invalid_utf8_is_reported() {
    let clf = Classifier::builtin();
    let a = clf.classify_bytes(b"join the caravan \xff\xfe now");
    assert!(a.lossy_utf8);
    assert!(!clf.classify_bytes(b"plain text").lossy_utf8);
}

#[test]
fn empty_and_whitespace_texts_score() {
    let clf = Classifier::builtin();
    for t in ["", "   ", "\n\n"] {
        let a = clf.classify(t);
        assert_eq!(a.scores.len(), 2);
    }
}

/// Flag thresholds can be moved per label on a copy; the original classifier is unchanged.
#[test]
fn flag_threshold_override() {
    let clf = Classifier::builtin();
    let text = "Make hijrah before the doors close!";
    let p = clf.classify(text).score("recruitment").unwrap();
    let low = clf.with_flag_threshold("recruitment", p).unwrap();
    assert!(low.classify(text).is_flagged("recruitment"));
    let high = clf
        .with_flag_threshold("recruitment", (p + 0.01).min(1.0))
        .unwrap();
    assert!(!high.classify(text).is_flagged("recruitment"));
    // the other label and the high-precision thresholds keep their values
    let (a, b) = (clf.thresholds(), low.thresholds());
    assert_eq!(a[0], b[0]);
    assert_eq!(a[1].high_precision, b[1].high_precision);
    assert_eq!(b[1].flag, p);
    assert_ne!(clf.thresholds()[1].flag, p, "the original is unchanged");
    for (label, t) in [
        ("sports", 0.5),
        ("recruitment", -0.1),
        ("recruitment", f32::NAN),
    ] {
        let e = clf.with_flag_threshold(label, t).unwrap_err();
        assert!(e.to_string().starts_with("invalid threshold: "), "{e}");
    }
}

/// `classify`, `explain` and `scores` give the same scores and flags for the same text
/// (short texts and one long enough to be scored in windows).
#[test]
fn classify_explain_and_scores_agree() {
    let clf = Classifier::builtin();
    let long =
        "They promised us a salary and a house. I escaped after the emir jailed my brother. "
            .repeat(300);
    for text in [
        "Brothers, make hijrah to the land of the khilafah, the caravan is leaving",
        "They promised us a salary and a house. I escaped after the emir jailed my brother.",
        "Heavy rain expected tomorrow across the north.",
        long.as_str(),
    ] {
        let a = clf.classify(text);
        let e = clf.explain(text);
        assert_eq!(a.scores, e.scores, "{text}");
        assert_eq!(a.flags, e.flags, "{text}");
        let s: Vec<f32> = clf.labels().iter().map(|l| a.score(l).unwrap()).collect();
        assert_eq!(clf.scores(text), s, "{text}");
    }
}
