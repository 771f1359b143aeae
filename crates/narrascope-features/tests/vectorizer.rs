//! Contracts of the fitted vectorizer.

use narrascope_features::{FeatureError, ParamGuard, SparseVector, Vectorizer};

const DOCS: &[&str] = &[
    "Make hijrah to the land of the khilafah, brothers, the caravan is leaving",
    "The khilafah is your home, come and join the caravan of the believers",
    "Our martyrs are alive, the state remains and expands",
    "They promised me a salary and a house; I found hunger and checkpoints",
    "I escaped with my children; the emirs lied to us from the first day",
    "The commanders executed fighters who asked to leave. I regret going.",
    "Officials said the court sentenced two men for sharing propaganda videos",
    "Our team fought like lions and the keeper was a martyr for the cause",
    "We are hiring engineers and doctors, join us and build the future",
    "Ramadan Mubarak to all our brothers and sisters, may peace be upon you",
];

fn has_autotraits<T: Send + Sync + Sized + Unpin>() {}

#[test]
fn autotraits() {
    has_autotraits::<Vectorizer>();
    has_autotraits::<SparseVector>();
    has_autotraits::<FeatureError>();
}

#[test]
fn fitting_is_deterministic_to_the_byte() {
    let a = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    let b = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    let ba = bincode::serde::encode_to_vec(&a, bincode::config::standard()).unwrap();
    let bb = bincode::serde::encode_to_vec(&b, bincode::config::standard()).unwrap();
    assert_eq!(ba, bb);
    assert!(a.len() > 100);
}

#[test]
fn serialization_round_trip_gives_identical_vectors() {
    let v = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    let json = serde_json::to_string(&v).unwrap();
    let back: Vectorizer = serde_json::from_str(&json).unwrap();
    for d in DOCS {
        assert_eq!(v.transform(d), back.transform(d));
    }
    let bytes = bincode::serde::encode_to_vec(&v, bincode::config::standard()).unwrap();
    let (back2, _): (Vectorizer, usize) =
        bincode::serde::decode_from_slice(&bytes, bincode::config::standard()).unwrap();
    assert_eq!(v.transform(DOCS[0]), back2.transform(DOCS[0]));
}

#[test]
fn newer_format_version_is_refused() {
    let v = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    let mut json: serde_json::Value = serde_json::to_value(&v).unwrap();
    json["format_version"] = serde_json::json!(99);
    let err = serde_json::from_value::<Vectorizer>(json).unwrap_err();
    assert!(err.to_string().contains("version 99"), "{err}");
}

#[test]
fn idf_comes_from_the_fit_not_the_batch() {
    let v = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    // Transforming one document alone or among others gives the same vector.
    let alone = v.transform("the caravan is leaving");
    let _ = v.transform("caravan caravan caravan");
    assert_eq!(alone, v.transform("the caravan is leaving"));
    // A word frequent in the fit corpus weighs less than a rare one with the same tf.
    let x = v.transform("khilafah salary");
    let id = |name: &str| {
        (0..v.len() as u32)
            .find(|&i| v.feature_name(i) == name)
            .unwrap()
    };
    let val = |x: &SparseVector, id: u32| x.iter().find(|(i, _)| *i == id).map(|p| p.1).unwrap();
    assert!(
        val(&x, id("w:khilafah")) < val(&x, id("w:salari")),
        "khilafah is in 2 docs, salary in 1"
    );
}

#[test]
fn vectors_are_sorted_and_l2_normalised() {
    use narrascope_features::family;
    let weights = narrascope_features::FamilyWeights {
        shape: 0.0,
        ..Default::default()
    };
    let v = Vectorizer::params()
        .min_df(1)
        .weights(weights)
        .fit(DOCS)
        .unwrap();
    for d in DOCS {
        let x = v.transform(d);
        assert!(x.indices.windows(2).all(|w| w[0] < w[1]));
        // the character n-grams and the word-level families are each normalised to 1
        let (mut chars, mut words) = (0.0f32, 0.0f32);
        for (i, val) in x.iter() {
            if v.feature_family(i) == family::CHAR {
                chars += val * val;
            } else {
                words += val * val;
            }
        }
        assert!((chars.sqrt() - 1.0).abs() < 1e-4, "{chars}");
        assert!((words.sqrt() - 1.0).abs() < 1e-4, "{words}");
    }
    let dense = v.to_dense(&DOCS.iter().map(|d| v.transform(d)).collect::<Vec<_>>());
    assert_eq!(dense.dim(), (DOCS.len(), v.len()));
}

#[test]
fn lexicon_theme_survives_disguise() {
    let v = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    for text in [
        "m a k e  h i j r a h",
        "make h.i.j.r.a.h",
        "m4ke hijr4h",
        "MAKE HIJRAAAH",
        "make hij\u{200b}rah",
    ] {
        let x = v.transform(text);
        let names: Vec<&str> = x.indices.iter().map(|&i| v.feature_name(i)).collect();
        assert!(names.contains(&"lex:emigrate_join"), "{text}: {names:?}");
    }
}

#[test]
fn selection_keeps_informative_features() {
    let v = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    let xs: Vec<SparseVector> = DOCS.iter().map(|d| v.transform(d)).collect();
    // label 0: recruitment (docs 0-2), label 1: defection (docs 3-5)
    let ys: Vec<Vec<bool>> = (0..DOCS.len())
        .map(|i| vec![i < 3, (3..6).contains(&i)])
        .collect();
    let s = v.select(&xs, &ys, 20).unwrap();
    assert!(s.len() < v.len());
    let names: Vec<&str> = (0..s.len() as u32).map(|i| s.feature_name(i)).collect();
    assert!(names.contains(&"w:khilafah"), "{names:?}");
    assert!(names.contains(&"lex:emigrate_join"));
    assert!(
        !names.contains(&"w:ramadan"),
        "an uninformative word must go"
    );
    // selected vectorizer still transforms consistently
    let x = s.transform(DOCS[0]);
    assert!(x.indices.iter().all(|&i| (i as usize) < s.len()));
}

#[test]
fn bad_params_are_errors() {
    assert!(matches!(
        Vectorizer::params().char_ngram_range(4, 2).check(),
        Err(FeatureError::CharNgramRange(4, 2))
    ));
    assert!(matches!(
        Vectorizer::params().word_ngram_order(5).check(),
        Err(FeatureError::WordNgramOrder(5))
    ));
    assert!(matches!(
        Vectorizer::params().min_df(0).fit(DOCS),
        Err(FeatureError::Zero("min_df"))
    ));
    let empty: [&str; 0] = [];
    assert!(matches!(
        Vectorizer::params().fit(&empty),
        Err(FeatureError::EmptyCorpus)
    ));
}

#[test]
fn occurrences_point_at_the_original_text() {
    let v = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    let text = "Brüder, m4ke h1jr4h to the khilafah 🔥";
    let toks = v.tokenizer().tokenize(text);
    let mut out = SparseVector::new();
    let mut occ = Vec::new();
    v.transform_tokens(&toks, 0..toks.tokens().len(), &mut out, Some(&mut occ));
    assert!(!occ.is_empty());
    for o in &occ {
        assert!(text.get(o.span.start..o.span.end).is_some());
    }
    let lex = occ
        .iter()
        .find(|o| v.feature_name(o.feature) == "lex:emigrate_join")
        .unwrap();
    assert_eq!(lex.span.slice(text), "m4ke h1jr4h");

    // distinct weighting counts a repeated word once but still records where it occurs
    let d = Vectorizer::params()
        .min_df(1)
        .weighting(narrascope_features::Weighting::Distinct)
        .fit(DOCS)
        .unwrap();
    let text = "the caravan leaves, the Caravan returns";
    let toks = d.tokenizer().tokenize(text);
    d.transform_tokens(&toks, 0..toks.tokens().len(), &mut out, Some(&mut occ));
    assert_eq!(
        out,
        d.transform(text),
        "occurrences never change the vector"
    );
    for name in ["w:caravan", "c:car"] {
        let spans: Vec<&str> = occ
            .iter()
            .filter(|o| d.feature_name(o.feature) == name)
            .map(|o| o.span.slice(text))
            .collect();
        assert_eq!(spans, ["caravan", "Caravan"], "{name}");
    }
}

/// The per-thread word cache never changes results: vectors computed on a fresh thread (cold
/// cache) equal those computed after other texts, and with another vectorizer (other ids for
/// the same n-grams) used in between.
#[test]
fn word_cache_is_invisible() {
    // the same word forms in texts of different languages stem differently
    let mut docs: Vec<&str> = DOCS.to_vec();
    docs.extend([
        "the brothers were running and joining the caravan, running away",
        "die Brüder und die Schwestern kommen, running und joining, wir kommen",
        "les frères et les soeurs, running et joining, nous partons",
        "the brothers kept running",
        // longer than the caches keep (64 bytes): computed each time, same result
        "the caravan of the khilafahkhilafahkhilafahkhilafahkhilafahkhilafahkhilafahkhilafah leaves",
    ]);
    let v1 = Vectorizer::params().min_df(1).fit(&docs).unwrap();
    let v2 = Vectorizer::params().min_df(1).fit(&docs[3..]).unwrap();
    let cold: Vec<SparseVector> = docs
        .iter()
        .map(|d| {
            let (v, d) = (v1.clone(), d.to_string());
            std::thread::spawn(move || v.transform(&d)).join().unwrap()
        })
        .collect();
    for (d, c) in docs.iter().zip(&cold) {
        assert_eq!(&v1.transform(d), c, "warm: {d}");
    }
    for (d, c) in docs.iter().zip(&cold) {
        let _ = v2.transform(d);
        assert_eq!(&v1.transform(d), c, "after another vectorizer: {d}");
    }
}

/// The per-thread caches keyed by the tokenizer's word ids never serve one epoch's ids to
/// another: tokens made on another thread (where the same words got other ids) or before
/// the tokenizer's cache changed hands give the vectors, dot products and lexicon matches of
/// their text, whatever this thread's caches hold.
#[test]
fn word_ids_of_other_epochs_are_not_confused() {
    use narrascope_features::Weighting;
    let texts: Vec<&str> = DOCS
        .iter()
        .copied()
        .chain([
            "make hijrah, join the caravan",
            "the caravan of the khilafah: make hijrah",
        ])
        .collect();
    for w in [Weighting::Distinct, Weighting::Sublinear] {
        let v = Vectorizer::params()
            .min_df(1)
            .weighting(w)
            .fit(&texts)
            .unwrap();
        let other = Vectorizer::params().min_df(1).fit(&DOCS[5..]).unwrap();
        let rows = rows_for(v.len(), 2, 3);
        let whole = |t: &narrascope_tokenize::Tokenized| 0..t.tokens().len();
        // tokens of the texts in reverse order, made on another thread: there the words got
        // their ids in another order
        let (tok, ts) = (v.tokenizer().clone(), texts.clone());
        let foreign: Vec<_> = std::thread::spawn(move || {
            ts.iter().rev().map(|t| tok.tokenize(t)).collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        // tokens made here, then the cache changes hands (a new epoch) and fills again
        let local: Vec<_> = texts.iter().map(|t| v.tokenizer().tokenize(t)).collect();
        let _ = other.transform(texts[0]);
        for t in texts.iter().rev() {
            let _ = v.transform(t);
        }
        let mut x = SparseVector::new();
        let (mut got, mut want) = (Vec::new(), Vec::new());
        let tokens = foreign.iter().rev().zip(&local);
        let mut moved = 0;
        for (t, (f, l)) in texts.iter().zip(tokens) {
            assert_ne!(f.word_epoch(), l.word_epoch());
            moved += (0..l.tokens().len())
                .filter(|&i| f.word_id(i) != l.word_id(i))
                .count();
            for toks in [f, l] {
                v.transform_tokens(toks, whole(toks), &mut x, None);
                assert_eq!(x, v.transform(t), "{w:?} transform: {t}");
                v.dot_rows_tokens(toks, whole(toks), &rows, &mut got);
                v.dot_rows(t, &rows, &mut want);
                assert_eq!(got, want, "{w:?} dot products: {t}");
            }
        }
        assert!(
            moved > 50,
            "the words' ids differ between the epochs ({moved})"
        );
    }
}

/// Words inside quotations get `q:` features next to their ordinary ones; without quotation
/// marks, or with the family switched off, there are none.
#[test]
fn quoted_words_get_their_own_features() {
    use narrascope_features::{family, FamilyWeights};
    let docs = [
        "Supporters write 'the kuffar tremble' and nobody trembles",
        "the kuffar tremble before the lions of the state",
        "Il écrit « viens » et personne ne vient",
    ];
    let names = |v: &Vectorizer, text: &str| -> Vec<String> {
        let x = v.transform(text);
        x.indices
            .iter()
            .filter(|&&i| v.feature_family(i) == family::QUOTED)
            .map(|&i| v.feature_name(i).to_string())
            .collect()
    };
    let v = Vectorizer::params().min_df(1).fit(&docs).unwrap();
    let mut q = names(&v, docs[0]);
    q.sort();
    assert_eq!(q, ["q:kuffar", "q:the", "q:trembl"]);
    assert!(names(&v, docs[1]).is_empty());
    assert_eq!(names(&v, docs[2]), ["q:vien"]);
    // the quoted occurrence still counts as an ordinary word
    let x = v.transform(docs[0]);
    assert!(x.indices.iter().any(|&i| v.feature_name(i) == "w:kuffar"));

    let off = FamilyWeights {
        quoted_words: 0.0,
        ..FamilyWeights::default()
    };
    let v = Vectorizer::params()
        .min_df(1)
        .weights(off)
        .fit(&docs)
        .unwrap();
    assert!((0..v.len() as u32).all(|i| v.feature_family(i) != family::QUOTED));
}

/// `transform_for_each` gives the entries of `transform` (in another order, with the same
/// values up to the rounding of the norms), for texts with repeated features and for a long
/// text, and the callback may itself use the vectorizer; `transform_tokens_for_each` on the
/// text's tokens gives exactly the same sequence.
#[test]
fn for_each_gives_the_entries_of_transform() {
    let v = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    let long = DOCS.join(" ").repeat(40);
    let mut texts: Vec<&str> = DOCS.to_vec();
    texts.extend([
        "join join join the caravan, the caravan, the caravan of the khilafah khilafah",
        "",
        "!!!",
        long.as_str(),
    ]);
    for t in texts {
        let want = v.transform(t);
        let mut got: Vec<(u32, f32)> = Vec::new();
        v.transform_for_each(t, |i, x| {
            // re-entering the vectorizer from the callback is allowed
            assert_eq!(v.transform(t).nnz(), want.nnz());
            got.push((i, x));
        });
        // from tokens (with sentences, as explanations make them): the same entries, the
        // same order, the same bits
        let toks = v.tokenizer().tokenize(t);
        let mut from_tokens: Vec<(u32, f32)> = Vec::new();
        v.transform_tokens_for_each(&toks, 0..toks.tokens().len(), |i, x| {
            from_tokens.push((i, x))
        });
        assert_eq!(from_tokens, got, "{t}");
        got.sort_by_key(|&(i, _)| i);
        assert_eq!(got.len(), want.nnz(), "{t}");
        for ((i, x), (j, y)) in got.iter().zip(want.iter()) {
            assert_eq!(*i, j, "{t}");
            assert!((x - y).abs() <= 1e-6 * y.abs().max(1.0), "{t}: {i} {x} {y}");
        }
    }
}

/// A table of `width` pseudo-random numbers per feature for the first `len` features.
fn rows_for(len: usize, width: usize, seed: u32) -> narrascope_features::FeatureRows {
    let data = (0..len * width)
        .map(|i| {
            let h = (i as u32 ^ seed).wrapping_mul(0x9E37_79B9).rotate_left(13);
            (h % 2001) as f32 / 1000.0 - 1.0
        })
        .collect();
    narrascope_features::FeatureRows::new(width, data).unwrap()
}

/// `x · rows`, and the sum of the absolute products (the scale of the rounding error).
fn dot(x: &SparseVector, rows: &narrascope_features::FeatureRows) -> (Vec<f32>, Vec<f32>) {
    let (mut d, mut mag) = (vec![0f32; rows.width()], vec![0f32; rows.width()]);
    for (j, v) in x.iter() {
        if let Some(r) = rows.row(j) {
            for k in 0..rows.width() {
                d[k] += v * r[k];
                mag[k] += (v * r[k]).abs();
            }
        }
    }
    (d, mag)
}

fn assert_close(got: &[f32], want: &(Vec<f32>, Vec<f32>), what: &str) {
    assert_eq!(got.len(), want.0.len(), "{what}");
    for (k, ((g, w), mag)) in got.iter().zip(&want.0).zip(&want.1).enumerate() {
        let tol = 1e-5 * mag.max(1.0);
        assert!((g - w).abs() <= tol, "{what}: column {k}: {g} against {w}");
    }
}

/// Additive weighting counts every occurrence in the norm: a word repeated k times weighs
/// sqrt(k) times a single one (sublinear and raw tf: the same as once, after normalisation).
#[test]
fn additive_weighting_norms_over_occurrences() {
    use narrascope_features::{FamilyWeights, Weighting};
    let only_words = FamilyWeights {
        word_unigrams: 1.0,
        word_ngrams: 0.0,
        char_ngrams: 0.0,
        hashtags: 0.0,
        mentions: 0.0,
        domains: 0.0,
        emoji: 0.0,
        lexicons: 0.0,
        shape: 0.0,
        quoted_words: 0.0,
    };
    let fit = |w: Weighting| {
        Vectorizer::params()
            .min_df(1)
            .weights(only_words.clone())
            .weighting(w)
            .fit(DOCS)
            .unwrap()
    };
    let (add, sub, raw, dis) = (
        fit(Weighting::Additive),
        fit(Weighting::Sublinear),
        fit(Weighting::Raw),
        fit(Weighting::Distinct),
    );
    assert_eq!(add.params_used().weighting(), Weighting::Additive);
    assert!(!add.params_used().sublinear_tf() && sub.params_used().sublinear_tf());
    let one = |v: &Vectorizer, t: &str| {
        let x = v.transform(t);
        assert_eq!(x.nnz(), 1, "{t}");
        x.values[0]
    };
    for k in [1usize, 2, 3, 5] {
        let t = vec!["caravan"; k].join(" ");
        assert!((one(&add, &t) - (k as f32).sqrt()).abs() < 1e-5, "{k}");
        assert!((one(&sub, &t) - 1.0).abs() < 1e-6 && (one(&raw, &t) - 1.0).abs() < 1e-6);
        assert!((one(&dis, &t) - 1.0).abs() < 1e-6);
    }
    // distinct: a repeated word adds nothing; a character n-gram counts the distinct words
    // that hold it, so without repeated words the values are proportional to raw counts
    let chars = |w| {
        let chars_only = FamilyWeights {
            word_unigrams: 0.0,
            char_ngrams: 1.0,
            ..only_words.clone()
        };
        Vectorizer::params()
            .min_df(1)
            .weights(chars_only)
            .weighting(w)
            .fit(DOCS)
            .unwrap()
    };
    let (dc, rc) = (chars(Weighting::Distinct), chars(Weighting::Raw));
    assert_eq!(dc.transform("caravan caravan"), dc.transform("caravan"));
    let d = dc.transform("caravan caravans caravan");
    assert_eq!(d, dc.transform("caravan caravans"));
    let r = rc.transform("caravan caravans");
    assert_eq!(d.indices, r.indices);
    assert_ne!(r, rc.transform("caravan caravans caravan"));
    let ratio = d.values[0] / r.values[0];
    for (x, y) in d.values.iter().zip(&r.values) {
        assert!((x / y - ratio).abs() < 1e-5, "{d:?} against {r:?}");
    }
    assert!(
        d.values.iter().zip(&r.values).any(|(x, y)| x != y),
        "the norms differ (sum of count × idf² against L2)"
    );
    // two words, one repeated: additive values n·idf / sqrt(sum of n·idf²)
    let x = add.transform("caravan caravan martyrs");
    let y = add.transform("caravan martyrs");
    let (a, b) = (y.values[0], y.values[1]); // idf / sqrt(idf_a² + idf_b²), per word
    let (ia, ib) = (a, b); // proportional to idf
    let norm = (2.0 * ia * ia + ib * ib).sqrt();
    let want = SparseVector {
        indices: y.indices.clone(),
        values: vec![2.0 * ia / norm, ib / norm],
    };
    for (got, want) in x.values.iter().zip(&want.values) {
        assert!((got - want).abs() < 1e-5, "{x:?} against {want:?}");
    }
    // without repeats the weightings agree (the default fit, every family)
    let full = |w| {
        Vectorizer::params()
            .min_df(1)
            .weighting(w)
            .fit(DOCS)
            .unwrap()
    };
    let (fa, fs) = (full(Weighting::Additive), full(Weighting::Sublinear));
    let t = "Officials said the court sentenced two men";
    let (xa, xs) = (fa.transform(t), fs.transform(t));
    assert_eq!(xa.indices, xs.indices);
    for (p, q) in xa.values.iter().zip(&xs.values) {
        assert!((p - q).abs() < 1e-6);
    }
    // the weighting byte: old files stored `sublinear_tf` there (false 0, true 1)
    for w in Weighting::ALL {
        let bytes = bincode::serde::encode_to_vec(w, bincode::config::standard()).unwrap();
        assert_eq!(bytes, [w as u8]);
        assert_eq!(Weighting::from_name(w.name()), Some(w));
    }
    let old = bincode::serde::encode_to_vec(true, bincode::config::standard()).unwrap();
    let (w, _): (Weighting, usize) =
        bincode::serde::decode_from_slice(&old, bincode::config::standard()).unwrap();
    assert_eq!(w, Weighting::Sublinear);
    assert!(
        bincode::serde::decode_from_slice::<Weighting, _>(&[4], bincode::config::standard())
            .is_err()
    );
    // JSON: the name, and the `sublinear_tf` boolean of earlier versions
    assert_eq!(
        serde_json::to_string(&Weighting::Distinct).unwrap(),
        "\"distinct\""
    );
    let v = Vectorizer::params().min_df(1).fit(DOCS).unwrap();
    let mut json = serde_json::to_value(&v).unwrap();
    let params = json["params"].as_object_mut().unwrap();
    assert_eq!(params.remove("weighting").unwrap(), "sublinear");
    for (old, want) in [(false, Weighting::Raw), (true, Weighting::Sublinear)] {
        let mut earlier = json.clone();
        earlier["params"]["sublinear_tf"] = serde_json::json!(old);
        let back: Vectorizer = serde_json::from_value(earlier).unwrap();
        assert_eq!(back.params_used().weighting(), want);
    }
}

/// `dot_rows` gives the dot products of the transform's vector with the rows, for every
/// weighting, cold or warm, across row tables and vectorizers sharing a thread, and by
/// token ranges.
#[test]
fn dot_rows_equals_the_dot_products_of_the_vector() {
    use narrascope_features::Weighting;
    let long = "the caravan of the khilafahkhilafahkhilafahkhilafahkhilafahkhilafahkhilafah leaves";
    let mut texts: Vec<&str> = DOCS.to_vec();
    texts.extend([
        "join join join the caravan, the caravan, the caravan of the khilafah khilafah",
        "#KhilafahIsBack @someone https://example.org/x 🔥🔥 \"join us\" m4ke h1jr4h!!",
        "die Brüder und die Schwestern kommen, running und joining, wir kommen",
        "the brothers kept running and joining",
        "les frères et les soeurs, running et joining, nous partons",
        "الدولة الإسلامية باقية",
        long,
        "",
        "!!!",
        "They lied. I escaped! The caravan? Join join.",
        // one stem, several words: `join` counted once by the distinct weighting
        "join joining joined, the caravan and the caravans, join us",
    ]);
    for w in Weighting::ALL {
        // fitted on the texts themselves, so that the words of every language (whose stems
        // differ by language: `running`) are in the vocabulary
        let v = Vectorizer::params()
            .min_df(1)
            .weighting(w)
            .fit(&texts)
            .unwrap();
        let other = Vectorizer::params()
            .min_df(1)
            .weighting(w)
            .fit(&DOCS[2..])
            .unwrap();
        // rows for all features, and rows covering only the first half (the rest weigh 0)
        let tables = [rows_for(v.len(), 3, 1), rows_for(v.len() / 2, 2, 7)];
        let cold: Vec<Vec<Vec<f32>>> = texts
            .iter()
            .map(|t| {
                let (v, t, tables) = (v.clone(), t.to_string(), tables.clone());
                std::thread::spawn(move || {
                    tables
                        .iter()
                        .map(|r| {
                            let mut out = Vec::new();
                            v.dot_rows(&t, r, &mut out);
                            out
                        })
                        .collect()
                })
                .join()
                .unwrap()
            })
            .collect();
        let mut out = vec![9.0; 5];
        // round 0 keeps one vectorizer and one table per pass, so that later texts find the
        // words of earlier ones cached (in another language: `running`); round 1 switches
        // vectorizers and tables at every call
        for round in 0..2 {
            for (r, ri) in tables.iter().zip(0..) {
                for (t, cold) in texts.iter().zip(&cold) {
                    let c = &cold[ri];
                    let want = dot(&v.transform(t), r);
                    assert_close(c, &want, &format!("{w:?} cold: {t}"));
                    v.dot_rows(t, r, &mut out);
                    assert_close(&out, &want, &format!("{w:?} warm: {t}"));
                    if round == 0 {
                        continue;
                    }
                    // another vectorizer's and another table's sums never leak into these
                    other.dot_rows(t, r, &mut out);
                    assert_close(&out, &dot(&other.transform(t), r), &format!("{w:?} other"));
                    let r2 = &tables[1 - ri];
                    v.dot_rows(t, r2, &mut out);
                    assert_close(&out, &dot(&v.transform(t), r2), &format!("{w:?} table"));
                    // by tokens: the whole text gives the text's bits; sentences their own
                    let toks = v.tokenizer().tokenize(t);
                    v.dot_rows(t, r, &mut out);
                    let mut by_tokens = Vec::new();
                    v.dot_rows_tokens(&toks, 0..toks.tokens().len(), r, &mut by_tokens);
                    assert_eq!(by_tokens, out, "{w:?} tokens: {t}");
                    for s in toks.sentences() {
                        let mut x = SparseVector::new();
                        v.transform_tokens(&toks, s.tokens.clone(), &mut x, None);
                        v.dot_rows_tokens(&toks, s.tokens.clone(), r, &mut by_tokens);
                        assert_close(&by_tokens, &dot(&x, r), &format!("{w:?} sentence: {t}"));
                    }
                }
            }
        }
    }
    assert!(narrascope_features::FeatureRows::new(0, vec![]).is_err());
    assert!(narrascope_features::FeatureRows::new(2, vec![1.0]).is_err());
    let err = narrascope_features::FeatureRows::new(2, vec![1.0, f32::NAN]).unwrap_err();
    assert!(err.to_string().contains("feature 0, column 1"), "{err}");
}
