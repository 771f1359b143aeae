//! Arbitrary bytes → lossy UTF-8 → the built-in `Classifier`: `explain` never panics, scores
//! are probabilities, evidence and sentence spans slice the text, and `classify` agrees with
//! `explain` on the scores.
#![no_main]

use libfuzzer_sys::fuzz_target;
use narrascope::Classifier;

fuzz_target!(|data: &[u8]| {
    let clf = Classifier::builtin();
    let text = String::from_utf8_lossy(data);
    let a = clf.explain(&text);
    for (label, p) in &a.scores {
        assert!((0.0..=1.0).contains(p), "{label}: {p}");
    }
    for e in &a.evidence {
        assert!(text.get(e.start..e.end).is_some(), "{e:?}");
        assert!(e.start < e.end, "{e:?}");
    }
    for s in &a.sentences {
        assert!(text.get(s.start..s.end).is_some(), "{s:?}");
    }
    assert_eq!(clf.classify(&text).scores, a.scores);
    assert_eq!(clf.classify_bytes(data).scores, a.scores);
});
