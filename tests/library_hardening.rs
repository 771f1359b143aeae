//! Hardening of the library facade: damaged model files give typed errors, one `Classifier`
//! shared by threads gives exactly the single-thread results, long documents are scored in
//! windows with evidence spans that slice the original text, and invalid UTF-8 is decoded
//! lossily and reported.
//!
//! ```text
//! cargo test --test library_hardening
//! ```

use std::path::{Path, PathBuf};

use narrascope::classify::{LookalikeGate, Model, MIN_MODEL_FORMAT_VERSION, MODEL_FORMAT_VERSION};
use narrascope::{Assessment, Classifier, Error, ModelFileProblem};

const RECRUITMENT: &str =
    "Brothers, the caravan of the khilafah is leaving. Make hijrah before the doors close!";

fn default_model_bytes() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.nsm")).unwrap()
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "narrascope-hardening-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn load_problem(path: &Path) -> ModelFileProblem {
    match Classifier::load(path) {
        Err(Error::ModelFile { path: p, problem }) => {
            assert_eq!(p, path);
            problem
        }
        Err(e) => panic!("{}: expected a model file error, got {e}", path.display()),
        Ok(_) => panic!("{}: a damaged model loaded", path.display()),
    }
}

#[test]
fn damaged_model_files_give_typed_errors() {
    let dir = TempDir::new("models");
    let good = default_model_bytes();
    let n = good.len() as u64;

    let p = dir.write("empty.nsm", b"");
    assert_eq!(load_problem(&p), ModelFileProblem::Empty);

    let p = dir.write("truncated.nsm", &good[..good.len() / 2]);
    assert_eq!(
        load_problem(&p),
        ModelFileProblem::Truncated {
            expected: n,
            found: n / 2
        }
    );
    let p = dir.write("magic_only.nsm", &good[..5]);
    assert!(matches!(
        load_problem(&p),
        ModelFileProblem::Truncated { found: 5, .. }
    ));
    let p = dir.write("header_cut.nsm", &good[..20]);
    assert!(matches!(
        load_problem(&p),
        ModelFileProblem::Truncated { found: 20, .. }
    ));

    // one flipped bit anywhere in the payload: the checksum catches it
    for at in [28, good.len() / 3, good.len() - 1] {
        let mut b = good.clone();
        b[at] ^= 0x01;
        let p = dir.write("flipped.nsm", &b);
        assert_eq!(load_problem(&p), ModelFileProblem::Checksum, "byte {at}");
    }
    // ... and in the magic: another format
    let mut b = good.clone();
    b[0] ^= 0x01;
    let p = dir.write("flipped_magic.nsm", &b);
    assert_eq!(load_problem(&p), ModelFileProblem::Foreign);

    for (name, bytes) in [
        ("png.nsm", &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..]),
        ("json.nsm", &b"{\"labels\": [\"recruitment\"]}"[..]),
        ("text.nsm", &b"hello"[..]),
    ] {
        let p = dir.write(name, bytes);
        assert_eq!(load_problem(&p), ModelFileProblem::Foreign, "{name}");
    }

    let mut b = good.clone();
    b[8..12].copy_from_slice(&(MODEL_FORMAT_VERSION + 1).to_le_bytes());
    let p = dir.write("newer.nsm", &b);
    assert_eq!(
        load_problem(&p),
        ModelFileProblem::NewerVersion {
            found: MODEL_FORMAT_VERSION + 1,
            supported: MODEL_FORMAT_VERSION
        }
    );
    // 0, and 1: files written before the quoted-word family (format 2) are refused, not misread
    for old in [0u32, 1] {
        let mut b = good.clone();
        b[8..12].copy_from_slice(&old.to_le_bytes());
        let p = dir.write("older.nsm", &b);
        assert_eq!(
            load_problem(&p),
            ModelFileProblem::OlderVersion {
                found: old,
                supported: MIN_MODEL_FORMAT_VERSION
            }
        );
    }

    let mut b = good.clone();
    b.extend_from_slice(b"!!");
    let p = dir.write("trailing.nsm", &b);
    assert_eq!(
        load_problem(&p),
        ModelFileProblem::TrailingBytes { extra: 2 }
    );

    // a correct header around a payload that is not a model
    let p = dir.write("garbage.nsm", &Model::frame(&[0xff; 64]));
    assert!(matches!(load_problem(&p), ModelFileProblem::Decode(_)));
    let p = dir.write(
        "half_payload.nsm",
        &Model::frame(&good[28..28 + (good.len() - 28) / 2]),
    );
    assert!(matches!(load_problem(&p), ModelFileProblem::Decode(_)));

    // the message names the file and the cause
    let e = Classifier::load(dir.0.join("truncated.nsm")).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("truncated.nsm") && msg.contains("truncated"),
        "{msg}"
    );

    // a missing file is an IO error naming it
    let missing = dir.0.join("missing.nsm");
    match Classifier::load(&missing) {
        Err(Error::Io { path, source }) => {
            assert_eq!(path, missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }

    // the intact file loads and scores like the built-in model
    let p = dir.write("ok.nsm", &good);
    let clf = Classifier::load(&p).unwrap();
    assert_eq!(
        clf.explain(RECRUITMENT),
        Classifier::builtin().explain(RECRUITMENT)
    );
    assert!(Model::from_bytes(&good).is_ok());
}

/// Deterministic generated documents mixing narrative words, look-alikes, disguises,
/// multi-byte text and odd characters.
fn generated_docs(n: usize) -> Vec<String> {
    const WORDS: &[&str] = &[
        "brothers",
        "caravan",
        "khilafah",
        "hijrah",
        "make",
        "join",
        "pledge",
        "allegiance",
        "the",
        "state",
        "fighters",
        "lions",
        "martyrdom",
        "enemies",
        "crusaders",
        "left",
        "regret",
        "lied",
        "escaped",
        "prison",
        "corruption",
        "my",
        "son",
        "warning",
        "never",
        "again",
        "market",
        "weather",
        "council",
        "library",
        "budget",
        "report",
        "researchers",
        "news",
        "prayer",
        "mosque",
        "family",
        "h1jr4h",
        "j o i n",
        "d4wl4h",
        "#KhilafahIsBack",
        "@someone",
        "https://example.org/x",
        "marché",
        "الخلافة",
        "هجرة",
        "Brüder",
        "🦁",
        "m\u{0430}ke",
        "kh\u{200b}ilafah",
        "!",
        "?",
        ".",
        ",",
        "\u{0}",
        "\u{feff}",
        "…",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let len = 1 + (next() % 40) as usize;
            let mut s = String::new();
            for _ in 0..len {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
            }
            s
        })
        .collect()
}

#[test]
fn one_classifier_shared_by_8_threads_matches_one_thread() {
    let clf = Classifier::builtin();
    let docs = generated_docs(10_000);
    let single: Vec<Assessment> = docs.iter().map(|d| clf.classify(d)).collect();
    let explain_every = 10;
    let single_explained: Vec<Assessment> = docs
        .iter()
        .step_by(explain_every)
        .map(|d| clf.explain(d))
        .collect();
    let threads = 8;
    let mut shared: Vec<Option<Assessment>> = vec![None; docs.len()];
    let mut shared_explained: Vec<Option<Assessment>> = vec![None; single_explained.len()];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (clf, docs) = (&clf, &docs);
                s.spawn(move || {
                    let mut out = Vec::new();
                    let mut out_explained = Vec::new();
                    for i in (t..docs.len()).step_by(threads) {
                        out.push((i, clf.classify(&docs[i])));
                        if i % explain_every == 0 {
                            out_explained.push((i / explain_every, clf.explain(&docs[i])));
                        }
                    }
                    (out, out_explained)
                })
            })
            .collect();
        for h in handles {
            let (out, out_explained) = h.join().unwrap();
            for (i, a) in out {
                shared[i] = Some(a);
            }
            for (i, a) in out_explained {
                shared_explained[i] = Some(a);
            }
        }
    });
    for (i, (a, b)) in single.iter().zip(&shared).enumerate() {
        assert_eq!(Some(a), b.as_ref(), "document {i}: {:?}", docs[i]);
    }
    for (i, (a, b)) in single_explained.iter().zip(&shared_explained).enumerate() {
        assert_eq!(Some(a), b.as_ref(), "document {}", i * explain_every);
    }
    // the batch API (rayon) agrees too
    assert_eq!(clf.classify_batch(&docs), single);
    // evidence spans of all explained documents slice their text
    for (a, d) in single_explained
        .iter()
        .zip(docs.iter().step_by(explain_every))
    {
        for e in &a.evidence {
            assert!(
                d.get(e.start..e.end).is_some_and(|s| !s.is_empty()),
                "{e:?} in {d:?}"
            );
        }
        for s in &a.sentences {
            assert!(d.get(s.start..s.end).is_some(), "{s:?} in {d:?}");
        }
    }
}

#[test]
fn long_documents_are_scored_in_windows_with_exact_evidence_spans() {
    let clf = Classifier::builtin();
    let filler = "Le marché ouvre tôt et la bibliothèque prépare son budget. \
                  The council discussed the bus timetable and the weather. ";
    let mut text = filler.repeat(200 * 1024 / filler.len());
    let at = text.len();
    text.push_str(RECRUITMENT);
    assert!(text.len() > 200 * 1024);
    let a = clf.explain(&text);
    assert!(
        a.windows >= 200 * 1024 / narrascope::WINDOW_BYTES,
        "{} windows",
        a.windows
    );
    assert_eq!(clf.classify(&text).scores, a.scores);
    assert_eq!(clf.classify(&text).windows, a.windows);

    for e in &a.evidence {
        let span = text
            .get(e.start..e.end)
            .unwrap_or_else(|| panic!("{e:?} does not slice the text"));
        assert!(!span.is_empty() && span.trim() == span, "{e:?}: {span:?}");
    }
    // the recruitment words at the very end are found there, sliced exactly
    let tail: Vec<_> = a
        .evidence
        .iter()
        .filter(|e| e.label == "recruitment" && e.start >= at)
        .collect();
    assert!(
        !tail.is_empty(),
        "no recruitment evidence in the last sentence"
    );
    // word spans of the last sentence, in document offsets
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in RECRUITMENT.char_indices().chain([(RECRUITMENT.len(), ' ')]) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((at + s, at + i));
                start = None;
            }
            _ => {}
        }
    }
    let mut word_features = 0;
    for e in &tail {
        // every span is a run of whole words of the sentence...
        let first = words.iter().position(|w| w.0 == e.start);
        let last = words.iter().position(|w| w.1 == e.end);
        assert!(
            matches!((first, last), (Some(f), Some(l)) if f <= l),
            "{e:?} = {:?} is not a run of whole words",
            &text[e.start..e.end]
        );
        // ... and a word n-gram spans exactly its words: one sliced word per feature word,
        // each starting with the feature's (stemmed, case-folded) form
        let grams = e
            .feature
            .strip_prefix("w:")
            .or_else(|| e.feature.strip_prefix("w2:"));
        if let Some(grams) = grams {
            let sliced: Vec<String> = text[e.start..e.end]
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            let stems: Vec<&str> = grams.split(' ').collect();
            assert_eq!(sliced.len(), stems.len(), "{e:?}");
            for (w, s) in sliced.iter().zip(&stems) {
                assert!(w.starts_with(s), "{e:?}: {w:?} for {s:?}");
            }
            word_features += 1;
        }
    }
    assert!(
        word_features > 0,
        "no word evidence in the last sentence: {tail:?}"
    );
    // the last sentence is scored on its own and carries the narrative
    let last = a.sentences.last().unwrap();
    assert_eq!(last.end, text.len());
    assert_eq!(
        &text[last.start..last.end],
        "Make hijrah before the doors close!"
    );
    assert!(last.scores["recruitment"] > a.sentences[0].scores["recruitment"]);
    assert!(a.sentences.windows(2).all(|w| w[0].end <= w[1].start));

    // a disguised word is evidence with the span of its original spelling
    let disguised = "Brothers, make h1jr4h and join the caravan of the kh\u{200b}ilafah!";
    let a = clf.explain(disguised);
    for e in &a.evidence {
        assert!(disguised.get(e.start..e.end).is_some(), "{e:?}");
    }
    if let Some(e) = a.evidence.iter().find(|e| e.feature == "w:hijrah") {
        assert_eq!(&disguised[e.start..e.end], "h1jr4h");
    }
}

#[test]
fn classify_bytes_decodes_invalid_utf8_lossily() {
    let clf = Classifier::builtin();
    let mut bytes = RECRUITMENT.as_bytes().to_vec();
    bytes.extend_from_slice(b" \xff\xfe\xc3 end");
    let a = clf.classify_bytes(&bytes);
    assert!(a.lossy_utf8);
    let lossy = String::from_utf8_lossy(&bytes);
    let b = clf.classify(&lossy);
    assert_eq!(a.scores, b.scores);
    assert_eq!(a.flags, b.flags);
    assert!(!b.lossy_utf8);

    let ok = clf.classify_bytes(RECRUITMENT.as_bytes());
    assert!(!ok.lossy_utf8);
    assert_eq!(ok, clf.classify(RECRUITMENT));

    // binary garbage, NUL bytes and empty input never panic
    let binary: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    assert!(clf.classify_bytes(&binary).lossy_utf8);
    assert!(!clf.classify_bytes(b"a\0b\0").lossy_utf8);
    let empty = clf.classify_bytes(b"");
    assert!(!empty.lossy_utf8);
    assert_eq!(empty.scores.len(), clf.labels().len());
}

/// A model file whose payload has a maximal bincode varint (0xFD + u64::MAX) inserted at `at`,
/// framed with a correct checksum.
fn with_max_varint_at(payload: &[u8], at: usize) -> Vec<u8> {
    let mut p = payload[..at].to_vec();
    p.push(0xFD);
    p.extend_from_slice(&u64::MAX.to_le_bytes());
    p.extend_from_slice(&payload[at..]);
    Model::frame(&p)
}

#[test]
fn huge_lengths_inside_a_valid_frame_are_errors_not_panics() {
    // A payload with a correct checksum whose length fields claim absurd sizes (found by the
    // `model_load` fuzz target: bincode allocated the claimed size of a string and panicked
    // with "capacity overflow"). Insert a maximal varint (0xFD + u64::MAX) at every early
    // position of the default model's payload: each variant must be an error.
    let good = default_model_bytes();
    let payload = &good[28..];
    Model::from_bytes(&Model::frame(payload)).expect("the payload reframed decodes");
    let mut panics = Vec::new();
    for at in 0..256.min(payload.len()) {
        let bytes = with_max_varint_at(payload, at);
        match std::panic::catch_unwind(|| Model::from_bytes(&bytes)) {
            Ok(r) => assert!(r.is_err(), "position {at} decoded"),
            Err(_) => panics.push(at),
        }
    }
    assert!(
        panics.is_empty(),
        "Model::from_bytes panicked at positions {panics:?}"
    );
}

/// Bytes of bincode's variable-length encoding of `n` (the standard configuration).
fn varint_len(n: usize) -> usize {
    match n {
        0..=250 => 1,
        251..=65_535 => 3,
        65_536..=4_294_967_295 => 5,
        _ => 9,
    }
}

/// Loads `payload` with the byte at `at` set to `byte`, in a frame with a correct checksum:
/// `Ok(None)` when the model is refused, `Ok(Some(finite))` when it loads (whether its scores
/// of a recruitment text are finite), `Err` when decoding or scoring panicked.
fn load_damaged(payload: &[u8], at: usize, byte: u8) -> std::thread::Result<Option<bool>> {
    let mut p = payload.to_vec();
    p[at] = byte;
    let bytes = Model::frame(&p);
    std::panic::catch_unwind(|| {
        Model::from_bytes(&bytes)
            .ok()
            .map(|m| m.score_text(RECRUITMENT).iter().all(|s| s.is_finite()))
    })
}

#[test]
fn damaged_gates_are_errors_or_finite_scores_never_panics() {
    // The default model with a look-alike gate put in (every weight 0.01, bias -1, each label
    // at strength 1 and offset 2): its file ends with the gate, as its option tag, its weights
    // (a length and 4 bytes each), its bias and its per-label settings (a length and 8 bytes
    // each). The tag and the weights' length, a few weights, and every byte after the weights,
    // set to 0x00 and to 0xff, must give an error or finite scores.
    let model = Model::from_bytes(&default_model_bytes()).unwrap();
    let (nf, nl) = (model.vectorizer().len(), model.labels().len());
    let gate = LookalikeGate::new(vec![0.01; nf], -1.0, vec![(1.0, 2.0); nl]);
    let gated = model.with_lookalike_gate(gate).unwrap();
    let good = gated.to_bytes();
    let payload = &good[28..];
    let weights_start = payload.len() - (4 * nf + 4 + 1 + 8 * nl);
    let start = weights_start - varint_len(nf) - 1;
    assert_eq!(
        payload[start], 1,
        "the gate's option tag (Some) where expected"
    );
    let weights_end = weights_start + 4 * nf;
    let mut positions: Vec<usize> = (start..weights_start + 4).collect();
    positions.extend((weights_start + 4..weights_end).step_by(4 * nf / 6 + 1));
    positions.extend(weights_end..payload.len());
    let (mut refused, mut panics) = (0, Vec::new());
    for &at in &positions {
        for byte in [0x00u8, 0xff] {
            match load_damaged(payload, at, byte) {
                Ok(None) => refused += 1,
                Ok(Some(finite)) => {
                    assert!(finite, "position {at} = {byte:#x} gave a non-finite score")
                }
                Err(_) => panics.push((at, byte)),
            }
        }
    }
    assert!(panics.is_empty(), "panics at {panics:?}");
    assert!(refused > 0, "some damage is refused as such");
    // a NaN bias or strength, and a negative strength, are refused at load with the gate named
    let settings = payload.len() - 8 * nl;
    for (at, value) in [
        (settings - 1 - 4, f32::NAN),
        (settings, f32::NAN),
        (settings, -1.0),
    ] {
        let mut p = payload.to_vec();
        p[at..at + 4].copy_from_slice(&value.to_le_bytes());
        match Model::from_bytes(&Model::frame(&p)) {
            Ok(_) => panic!("{at} = {value}: loaded"),
            Err(e) => assert!(e.to_string().contains("gate"), "{at} = {value}: {e}"),
        }
    }
}

#[test]
fn damaged_hidden_layers_are_errors_or_finite_scores_never_panics() {
    // The default model ends with its hidden layer and the look-alike gate's option tag
    // (None): the layer's option tag, the unit count, the
    // first layer as one byte string (2 bytes a weight), the first layer's biases and the
    // output weights (f32, 4 bytes each, after a length).
    let good = default_model_bytes();
    let model = Model::from_bytes(&good).unwrap();
    let (units, nf, nl) = (
        model.hidden_units(),
        model.vectorizer().len(),
        model.labels().len(),
    );
    assert!(units > 0, "the default model has a hidden layer");
    let w1_bytes = nf * units * 2;
    let tail = 1
        + varint_len(units)
        + varint_len(w1_bytes)
        + w1_bytes
        + varint_len(units)
        + 4 * units
        + varint_len(nl * units)
        + 4 * nl * units;
    let payload = &good[28..];
    // reframed unchanged, it decodes (so the damage below is what the decoder meets)
    Model::from_bytes(&Model::frame(payload)).expect("the payload reframed decodes");
    // after the hidden layer: the look-alike gate's option tag (None)
    let tail = tail + 1;
    let start = payload.len() - tail;
    assert_eq!(
        payload[start], 1,
        "the hidden layer's option tag (Some) where expected"
    );
    let w1_start = start + 1 + varint_len(units) + varint_len(w1_bytes);
    // the layer's header, the first weights, and every third byte of what follows the first
    // layer (biases, output weights): each decode of the 2.4 MB model takes a while in debug
    let mut positions: Vec<usize> = (start..start + 8).collect();
    positions.extend(w1_start..w1_start + 2);
    positions.extend((w1_start + w1_bytes - 2..payload.len()).step_by(3));
    let mut panics = Vec::new();
    for &at in &positions {
        for byte in [0x00u8, 0xff] {
            match load_damaged(payload, at, byte) {
                Ok(loaded) => assert!(
                    loaded != Some(false),
                    "position {at} = {byte:#x} gave a non-finite score"
                ),
                Err(_) => panics.push((at, byte)),
            }
        }
        // and a maximal varint inserted there: the lengths no longer add up
        let bytes = with_max_varint_at(payload, at);
        match std::panic::catch_unwind(|| Model::from_bytes(&bytes)) {
            Ok(r) => assert!(r.is_err(), "an inserted varint at {at} decoded"),
            Err(_) => panics.push((at, 0xFD)),
        }
    }
    assert!(panics.is_empty(), "panics at {panics:?}");
}
