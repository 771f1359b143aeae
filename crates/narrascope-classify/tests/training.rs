//! Training contracts on a toy corpus written for these tests.

use narrascope_classify::corpus::Document;
use narrascope_classify::{LookalikeBound, Model, ModelFileProblem, ModelKind, PosWeight, Trainer};
use narrascope_features::{ParamGuard, Vectorizer};

fn doc(text: &str, labels: &[&str]) -> Document {
    Document {
        id: String::new(),
        text: text.to_string(),
        labels: labels.iter().map(|s| s.to_string()).collect(),
        genre: None,
        lang: None,
        text_en: None,
    }
}

fn toy() -> (Vec<Document>, Vec<Document>) {
    let r = ["recruitment"];
    let d = ["defection"];
    let train = vec![
        doc(
            "Make hijrah to the land of the khilafah, brothers, the caravan is leaving",
            &r,
        ),
        doc(
            "The khilafah is your true home, come and join the caravan of the believers",
            &r,
        ),
        doc(
            "Our martyrs are alive and the state remains, join the lions of the khilafah",
            &r,
        ),
        doc(
            "Leave the land of disbelief and pledge allegiance to the khalifah today",
            &r,
        ),
        doc(
            "Brothers, the state needs you, make hijrah and live under the law",
            &r,
        ),
        doc(
            "They promised me a salary and a house; I found hunger, lies and checkpoints",
            &d,
        ),
        doc(
            "I escaped with my children; the emirs lied to us from the first day",
            &d,
        ),
        doc(
            "The commanders executed fighters who asked to leave. I regret going there",
            &d,
        ),
        doc(
            "I was in their prison for months because I complained about the emir",
            &d,
        ),
        doc(
            "Do not believe the recruiters, I went and it was hunger and fear and lies",
            &d,
        ),
        doc(
            "Officials said the court sentenced two men for sharing propaganda videos",
            &[],
        ),
        doc(
            "Our team fought like lions and the keeper was a martyr for the cause",
            &[],
        ),
        doc(
            "We are hiring engineers and doctors, join us and build the future",
            &[],
        ),
        doc(
            "Ramadan Mubarak to all our brothers and sisters, may peace be upon you",
            &[],
        ),
        doc(
            "The weather will be sunny with a light breeze on the coast tomorrow",
            &[],
        ),
        doc(
            "I regret leaving my job so quickly, the new manager lied about the salary",
            &[],
        ),
        doc(
            "Researchers studied how propaganda videos describe the so-called state",
            &[],
        ),
        doc(
            "The film follows a smuggler who helps a family escape across the mountains",
            &[],
        ),
    ];
    let dev = vec![
        doc(
            "Come and make hijrah to the khilafah, the caravan of the believers is waiting",
            &r,
        ),
        doc(
            "They lied to us about everything, I escaped from the emirs and I regret it all",
            &d,
        ),
        doc(
            "The court heard that the videos were shared on three channels",
            &[],
        ),
        doc(
            "Join us at the community garden this weekend, brothers and sisters",
            &[],
        ),
        doc("Pledge allegiance and join the lions of the state", &r),
        doc(
            "I was promised a house and found prison and hunger, do not go",
            &d,
        ),
    ];
    (train, dev)
}

fn params(kind: ModelKind) -> narrascope_classify::TrainerParams {
    Trainer::params()
        .kind(kind)
        .vectorizer(Vectorizer::params().min_df(1))
        .strengths(match kind {
            ModelKind::Logistic | ModelKind::SparseLogistic => vec![0.1],
            ModelKind::Nb => vec![0.1],
            ModelKind::Svm => vec![1.0],
            ModelKind::Ftrl => vec![0.2],
        })
        .pos_weights(vec![PosWeight::Fixed(1.0)])
}

#[test]
fn every_model_kind_learns_the_toy_corpus() {
    let (train, dev) = toy();
    for kind in ModelKind::ALL {
        let (model, _) = params(kind).fit(&train, &dev).unwrap();
        let names: Vec<&str> = model.label_names().collect();
        assert_eq!(names, ["defection", "recruitment"], "{kind}");
        let rec = model.score_text("make hijrah and join the caravan of the khilafah");
        let def = model.score_text("they lied to us, I escaped and I regret going");
        let neutral = model.score_text("the weather will be sunny tomorrow");
        assert!(
            rec[1] > neutral[1],
            "{kind}: recruitment {rec:?} vs {neutral:?}"
        );
        assert!(
            def[0] > neutral[0],
            "{kind}: defection {def:?} vs {neutral:?}"
        );
        assert!(
            rec[1] > rec[0] && def[0] > def[1],
            "{kind}: {rec:?} {def:?}"
        );
    }
}

#[test]
fn labels_can_be_restricted() {
    let (train, dev) = toy();
    let (model, _) = params(ModelKind::Logistic)
        .labels(vec!["recruitment".into()])
        .fit(&train, &dev)
        .unwrap();
    assert_eq!(model.label_names().collect::<Vec<_>>(), ["recruitment"]);
}

#[test]
fn save_load_gives_identical_scores_and_training_is_byte_identical() {
    let (train, dev) = toy();
    let (a, _) = params(ModelKind::Logistic).fit(&train, &dev).unwrap();
    let (b, _) = params(ModelKind::Logistic).fit(&train, &dev).unwrap();
    assert_eq!(
        a.to_bytes(),
        b.to_bytes(),
        "same data and seed must give the same file"
    );
    let (f1, _) = params(ModelKind::Ftrl).fit(&train, &dev).unwrap();
    let (f2, _) = params(ModelKind::Ftrl).fit(&train, &dev).unwrap();
    assert_eq!(f1.to_bytes(), f2.to_bytes(), "ftrl is seeded");
    let dir = std::env::temp_dir().join(format!("narrascope-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("toy.nsm");
    a.save(&path).unwrap();
    let back = Model::load(&path).unwrap();
    for d in train.iter().chain(&dev) {
        assert_eq!(a.score_text(&d.text), back.score_text(&d.text));
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn thresholds_are_probabilities_and_ordered() {
    let (train, dev) = toy();
    let (m, _) = params(ModelKind::Logistic).fit(&train, &dev).unwrap();
    for l in m.labels() {
        assert!((0.0..=1.0).contains(&l.thresholds.best_f1));
        if let Some(h) = l.thresholds.high_precision {
            assert!((0.0..=1.0).contains(&h));
            assert!(l.dev.high_precision.unwrap().precision >= 0.95);
        }
    }
}

#[test]
fn damaged_bytes_are_typed_errors() {
    let (train, dev) = toy();
    let (m, _) = params(ModelKind::Logistic).fit(&train, &dev).unwrap();
    let good = m.to_bytes();
    assert!(Model::from_bytes(&good).is_ok());
    assert_eq!(Model::from_bytes(&[]).unwrap_err(), ModelFileProblem::Empty);
    assert_eq!(
        Model::from_bytes(b"PK\x03\x04 a zip file").unwrap_err(),
        ModelFileProblem::Foreign
    );
    assert!(matches!(
        Model::from_bytes(&good[..good.len() / 2]).unwrap_err(),
        ModelFileProblem::Truncated { .. }
    ));
    assert!(matches!(
        Model::from_bytes(&good[..5]).unwrap_err(),
        ModelFileProblem::Truncated { .. }
    ));
    let mut flipped = good.clone();
    let i = good.len() - 100;
    flipped[i] ^= 0x01;
    assert_eq!(
        Model::from_bytes(&flipped).unwrap_err(),
        ModelFileProblem::Checksum
    );
    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&99u32.to_le_bytes());
    assert!(matches!(
        Model::from_bytes(&newer).unwrap_err(),
        ModelFileProblem::NewerVersion { found: 99, .. }
    ));
    let mut longer = good.clone();
    longer.push(0);
    assert!(matches!(
        Model::from_bytes(&longer).unwrap_err(),
        ModelFileProblem::TrailingBytes { extra: 1 }
    ));
}

#[test]
fn bad_training_data_is_an_error() {
    let (train, dev) = toy();
    let no_pos_dev: Vec<Document> = dev
        .iter()
        .filter(|d| !d.has("defection"))
        .cloned()
        .collect();
    let err = params(ModelKind::Logistic)
        .fit(&train, &no_pos_dev)
        .unwrap_err();
    assert!(err.to_string().contains("defection"), "{err}");
    assert!(params(ModelKind::Logistic).fit(&[], &dev).is_err());
    assert!("perceptron".parse::<ModelKind>().is_err());
}

fn has_autotraits<T: Send + Sync + Sized + Unpin>() {}

#[test]
fn autotraits() {
    has_autotraits::<Model>();
    has_autotraits::<narrascope_classify::ClassifyError>();
    has_autotraits::<narrascope_classify::TrainerParams>();
}

#[test]
fn document_weights_change_the_fit_and_are_checked() {
    let (train, dev) = toy();
    let p = params(ModelKind::SparseLogistic).check().unwrap();
    let (plain, _) = p.fit(&train, &dev).unwrap();
    let ones = vec![1.0f32; train.len()];
    let (same, _) = p.fit_weighted(&train, Some(&ones), &dev).unwrap();
    assert_eq!(
        plain.to_bytes(),
        same.to_bytes(),
        "weights of 1 change nothing"
    );
    let mut w = ones.clone();
    w[0] = 5.0;
    let (heavier, _) = p.fit_weighted(&train, Some(&w), &dev).unwrap();
    assert_ne!(plain.to_bytes(), heavier.to_bytes());
    assert!(p.fit_weighted(&train, Some(&w[1..]), &dev).is_err());
    assert!(p
        .fit_weighted(&train, Some(&vec![f32::NAN; train.len()]), &dev)
        .is_err());
    let dense = params(ModelKind::Logistic).check().unwrap();
    assert!(dense.fit_weighted(&train, Some(&ones), &dev).is_err());
}

/// Ten dev "news" documents that quote the two dev recruitment posts word for word (as a
/// report quoting propaganda does), so they score exactly as high as the posts: without a
/// bound, the best-F1 threshold on dev flags them with the posts.
fn lookalike_news(dev: &[Document]) -> Vec<Document> {
    let quoted: Vec<&Document> = dev.iter().filter(|d| d.has("recruitment")).collect();
    assert!(!quoted.is_empty());
    (0..10)
        .map(|i| {
            let mut d = doc(&quoted[i % quoted.len()].text, &[]);
            d.genre = Some("news".into());
            d
        })
        .collect()
}

#[test]
fn lookalike_genres_bound_the_flag_threshold() {
    let (train, mut dev) = toy();
    let news = lookalike_news(&dev);
    dev.extend(news.iter().cloned());
    let rec = |m: &Model| {
        let i = m
            .labels()
            .iter()
            .position(|l| l.name == "recruitment")
            .unwrap();
        let t = m.labels()[i].thresholds.best_f1;
        news.iter()
            .filter(|d| m.score_text(&d.text)[i] >= t)
            .count()
    };
    let p = params(ModelKind::SparseLogistic);
    let (free, _) = p.fit(&train, &dev).unwrap();
    let free_flags = rec(&free);
    assert!(
        free_flags > 1,
        "the test needs look-alikes flagged without the bound ({free_flags})"
    );
    for max in [0.0, 0.1] {
        let (bounded, _) = p
            .clone()
            .lookalike_bound(LookalikeBound::new(["news"], max))
            .fit(&train, &dev)
            .unwrap();
        let flags = rec(&bounded);
        assert!(
            flags as f64 <= max * news.len() as f64,
            "max {max}: {flags} of {} news stories flagged",
            news.len()
        );
        // the ranking is the same model: only the threshold moved
        assert_eq!(
            free.score_text(&news[0].text),
            bounded.score_text(&news[0].text)
        );
    }
    // a genre absent from dev, or too small, changes nothing
    let (other, _) = p
        .clone()
        .lookalike_bound(LookalikeBound::new(["religious"], 0.05))
        .fit(&train, &dev)
        .unwrap();
    assert_eq!(other.to_bytes(), free.to_bytes());
    let bad = |b: LookalikeBound| p.clone().lookalike_bound(b).fit(&train, &dev).is_err();
    assert!(bad(LookalikeBound::new(["news"], 1.5)));
    assert!(bad(LookalikeBound::new(Vec::<String>::new(), 0.05)));
}

/// The learned features of `m` (not shape or lexicon) ranked as pruning ranks them: largest
/// `max over labels |weight|` times the feature's summed TF-IDF value over `docs`.
fn ranked_by_use(m: &Model, docs: &[Document]) -> Vec<String> {
    let v = m.vectorizer();
    let mut total = vec![0f64; v.len()];
    for d in docs {
        for (i, x) in v.transform(&d.text).iter() {
            total[i as usize] += f64::from(x);
        }
    }
    let n_labels = m.labels().len();
    let mut ranked: Vec<(u32, f64)> = (v.n_fixed()..v.len() as u32)
        .map(|f| {
            let w = (0..n_labels)
                .map(|l| f64::from(m.weight(f, l).abs()))
                .fold(0.0, f64::max);
            (f, w * total[f as usize])
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
        .iter()
        .map(|&(f, _)| v.feature_name(f).to_string())
        .collect()
}

#[test]
fn pruning_keeps_the_features_that_move_the_margins_and_refits() {
    let (train, dev) = toy();
    let (full, _) = params(ModelKind::SparseLogistic).fit(&train, &dev).unwrap();
    let k = 25;
    let n_fixed = full.vectorizer().n_fixed() as usize;
    assert!(
        full.vectorizer().len() > n_fixed + 4 * k,
        "the toy corpus has enough features"
    );
    let (pruned, _) = params(ModelKind::SparseLogistic)
        .prune_to(k)
        .fit(&train, &dev)
        .unwrap();
    let v = pruned.vectorizer();
    assert_eq!(v.len(), n_fixed + k);
    // exactly the top k of the first fit, in their old order
    let mut kept: Vec<String> = (v.n_fixed()..v.len() as u32)
        .map(|f| v.feature_name(f).to_string())
        .collect();
    let mut expected: Vec<String> = ranked_by_use(&full, &train)[..k].to_vec();
    kept.sort();
    expected.sort();
    assert_eq!(kept, expected);
    // refitted on the kept features: new weights, still a working detector
    let rec = pruned.score_text("make hijrah and join the caravan of the khilafah");
    let def = pruned.score_text("they lied to us, I escaped and I regret going");
    assert!(rec[1] > rec[0] && def[0] > def[1], "{rec:?} {def:?}");
    let (again, _) = params(ModelKind::SparseLogistic)
        .prune_to(k)
        .fit(&train, &dev)
        .unwrap();
    assert_eq!(pruned.to_bytes(), again.to_bytes(), "deterministic");
    // a bound above the number of features keeps the full model
    let (all, _) = params(ModelKind::SparseLogistic)
        .prune_to(1_000_000)
        .fit(&train, &dev)
        .unwrap();
    assert_eq!(all.vectorizer().len(), full.vectorizer().len());
    // only the sparse learner prunes, and 0 is refused
    assert!(params(ModelKind::Logistic)
        .prune_to(k)
        .fit(&train, &dev)
        .is_err());
    assert!(params(ModelKind::SparseLogistic)
        .prune_to(0)
        .fit(&train, &dev)
        .is_err());
}

/// The toy train split three times over (the hidden layer holds out a tenth of its rows and
/// needs at least 20), and sparse-logistic with a small hidden layer.
/// A hidden layer of 4 units mixed in at weight 1, small enough for the toy corpus.
fn toy_mlp() -> narrascope_classify::mlp::MlpParams {
    narrascope_classify::mlp::MlpParams {
        units: 4,
        max_epochs: 40,
        learning_rate: 0.01,
        batch: 8,
        fixed_mix: Some(1.0),
        ..Default::default()
    }
}

fn hidden_fit() -> (Model, narrascope_classify::TrainingReport, Vec<Document>) {
    let (train, dev) = toy();
    let train3: Vec<Document> = train.iter().chain(&train).chain(&train).cloned().collect();
    let (m, r) = params(ModelKind::SparseLogistic)
        .mlp(toy_mlp())
        .fit(&train3, &dev)
        .unwrap();
    (m, r, train3)
}

#[test]
fn a_hidden_layer_is_deterministic_round_trips_and_scores_like_its_margins() {
    let (a, report, train) = hidden_fit();
    let (b, _, _) = hidden_fit();
    assert_eq!(a.to_bytes(), b.to_bytes(), "same data and seed, same file");
    assert_eq!(a.hidden_units(), 4);
    let h = report.hidden.expect("a hidden layer report");
    assert_eq!(h.mix.len(), 2);
    for m in &h.mix {
        assert_eq!(
            m.tried[0].weight, 0.0,
            "the linear scorer alone is always tried"
        );
        assert_eq!(m.chosen, 1.0, "{}: the fixed mixing weight", m.label);
    }
    let dir = std::env::temp_dir().join(format!("narrascope-hidden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hidden.nsm");
    a.save(&path).unwrap();
    let back = Model::load(&path).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(back.hidden_units(), 4);
    let mut p = Vec::new();
    for d in &train {
        assert_eq!(a.score_text(&d.text), back.score_text(&d.text));
        // the unordered scoring path and the sorted vector agree
        a.probabilities(&a.vectorizer().transform(&d.text), &mut p);
        for (x, y) in a.score_text(&d.text).iter().zip(&p) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y} for {:?}", d.text);
        }
    }
}

/// Checks every contribution of `text` to each label against the slope of the label's margin
/// when the feature's value moves by `eps` (finite differences); returns how many were
/// checked.
fn check_contributions(
    m: &Model,
    text: &str,
    eps: f32,
    before: impl Fn(&narrascope_features::SparseVector),
) -> usize {
    let mut occ = Vec::new();
    let mut x = narrascope_features::SparseVector::new();
    let tokens = m.vectorizer().tokenizer().tokenize(text);
    let n = tokens.tokens().len();
    m.vectorizer()
        .transform_tokens(&tokens, 0..n, &mut x, Some(&mut occ));
    before(&x);
    let (mut base, mut moved) = (Vec::new(), Vec::new());
    m.margins(&x, &mut base);
    let mut checked = 0;
    for l in 0..m.labels().len() {
        for c in m.contributions(&x, &occ, l, usize::MAX) {
            let k = x.indices.iter().position(|&i| i == c.feature).unwrap();
            let v = x.values[k];
            let mut y = x.clone();
            y.values[k] += eps;
            m.margins(&y, &mut moved);
            let slope = (moved[l] - base[l]) / eps;
            let expected = c.contribution / v;
            assert!(
                (slope - expected).abs() <= 2e-2 * expected.abs().max(0.1),
                "{}: slope {slope}, contribution / value {expected}",
                c.name
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn contributions_through_a_hidden_layer_are_value_times_gradient() {
    let (m, _, _) = hidden_fit();
    let text = "make hijrah and join the caravan, they lied to us and I escaped";
    let checked = check_contributions(&m, text, 1e-2, |_| {});
    assert!(checked > 3, "only {checked} contributions checked");
}

#[test]
fn version_2_and_3_files_without_a_hidden_layer_or_gate_still_load() {
    let (train, dev) = toy();
    let (m, _) = params(ModelKind::SparseLogistic).fit(&train, &dev).unwrap();
    let v4 = m.to_bytes();
    // the version 4 payload is the version 3 payload and one byte (no gate), which is the
    // version 2 payload and one byte (no hidden layer)
    let payload = &v4[28..];
    assert_eq!(&payload[payload.len() - 2..], &[0, 0]);
    for (version, cut) in [(3u32, 1), (2, 2)] {
        let old = &payload[..payload.len() - cut];
        let mut file = narrascope_classify::MAGIC.to_vec();
        file.extend_from_slice(&version.to_le_bytes());
        file.extend_from_slice(&(old.len() as u64).to_le_bytes());
        file.extend_from_slice(&narrascope_classify::fnv64(old).to_le_bytes());
        file.extend_from_slice(old);
        let back = Model::from_bytes(&file).unwrap();
        assert_eq!(back.hidden_units(), 0);
        assert!(back.lookalike_gate().is_none());
        for d in &dev {
            assert_eq!(
                m.score_text(&d.text),
                back.score_text(&d.text),
                "v{version}"
            );
        }
    }
}

/// The toy corpus with genres: the unlabelled documents about courts, officials and research
/// are `news`, the other unlabelled ones `everyday`, the labelled ones `tweet`; three times
/// over, as the hidden layer's tests.
fn with_genres(docs: &[Document]) -> Vec<Document> {
    docs.iter()
        .map(|d| {
            let mut d = d.clone();
            let t = d.text.to_lowercase();
            d.genre = Some(
                if !d.labels.is_empty() {
                    "tweet"
                } else if ["court", "official", "research"]
                    .iter()
                    .any(|w| t.contains(w))
                {
                    "news"
                } else {
                    "everyday"
                }
                .to_string(),
            );
            d
        })
        .collect()
}

fn gated_fit() -> (Model, narrascope_classify::TrainingReport, Vec<Document>) {
    let (train, dev) = toy();
    let once = with_genres(&train);
    let train: Vec<Document> = once.iter().chain(&once).chain(&once).cloned().collect();
    let dev = with_genres(&dev);
    let (m, r) = params(ModelKind::SparseLogistic)
        .lookalike_bound(LookalikeBound::new(["news", "everyday"], 0.05))
        .lookalike_gate(true)
        .fit(&train, &dev)
        .unwrap();
    (m, r, train)
}

#[test]
fn a_lookalike_gate_follows_its_rule_is_deterministic_and_round_trips() {
    let (a, report, train) = gated_fit();
    let (b, _, _) = gated_fit();
    assert_eq!(a.to_bytes(), b.to_bytes(), "same data and seed, same file");
    let g = report.gate.expect("a gate report");
    // every toy document has a genre; positives: the 8 unlabelled of 18, three times over
    assert_eq!(g.rows, (54, 24));
    assert_eq!(g.labels.len(), 2);
    for c in &g.labels {
        let first = c.tried[0];
        assert_eq!(
            (first.strength, first.offset),
            (0.0, 0.0),
            "no gate is tried"
        );
        let floor = first.pr_auc - narrascope_classify::gate::GATE_MAX_PR_AUC_LOSS;
        let best = c
            .tried
            .iter()
            .filter(|t| t.pr_auc >= floor)
            .map(|t| t.f1)
            .fold(f64::MIN, f64::max);
        let chosen = c
            .tried
            .iter()
            .find(|t| (t.strength, t.offset) == c.chosen)
            .expect("the chosen setting was tried");
        assert!(chosen.pr_auc >= floor && chosen.f1 == best, "{}", c.label);
        assert_eq!(
            a.lookalike_gate()
                .unwrap()
                .label_gate(g.labels.iter().position(|x| x.label == c.label).unwrap()),
            c.chosen
        );
    }
    let dir = std::env::temp_dir().join(format!("narrascope-gate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("gate.nsm");
    a.save(&path).unwrap();
    let back = Model::load(&path).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(back.lookalike_gate(), a.lookalike_gate());
    for d in &train {
        assert_eq!(a.score_text(&d.text), back.score_text(&d.text));
    }
}

/// The trained model with both labels gated at strength 1 and offset 2 (whatever dev chose),
/// so that the gate acts on the toy texts.
fn forced_gate() -> Model {
    let (m, _, _) = gated_fit();
    let mut g = m.lookalike_gate().unwrap().clone();
    g.set_label_gate(0, 1.0, 2.0);
    g.set_label_gate(1, 1.0, 2.0);
    m.with_lookalike_gate(g).unwrap()
}

#[test]
fn a_gate_pulls_margins_down_and_both_scoring_paths_agree() {
    let m = forced_gate();
    let g = m.lookalike_gate().unwrap();
    let mut plain = m.clone();
    let mut off = g.clone();
    off.set_label_gate(0, 0.0, 0.0);
    off.set_label_gate(1, 0.0, 0.0);
    plain = plain.with_lookalike_gate(off).unwrap();
    let (mut gated, mut ungated, mut p) = (Vec::new(), Vec::new(), Vec::new());
    let (train, dev) = toy();
    let mut pulled = 0;
    for d in train.iter().chain(&dev) {
        let x = m.vectorizer().transform(&d.text);
        m.margins(&x, &mut gated);
        plain.margins(&x, &mut ungated);
        let gm = g.margin(&x);
        for l in 0..2 {
            let expected = ungated[l] - (gm + 2.0).max(0.0);
            assert!((gated[l] - expected).abs() < 1e-5, "{}", d.text);
        }
        pulled += usize::from(gm + 2.0 > 0.0);
        // the unordered scoring path and the sorted vector agree
        m.probabilities(&x, &mut p);
        for (a, b) in m.score_text(&d.text).iter().zip(&p) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b} for {:?}", d.text);
        }
    }
    assert!(pulled > 3, "the gate acts on {pulled} toy texts only");
}

#[test]
fn contributions_through_a_gate_are_value_times_gradient() {
    let m = forced_gate();
    let gate = m.lookalike_gate().unwrap();
    let mut checked = 0;
    for text in [
        "Officials said the court heard that the videos of the khilafah were shared",
        "Researchers studied how the recruiters lied to the fighters who escaped",
    ] {
        // the gate acts on these texts (away from its kink)
        checked += check_contributions(&m, text, 1e-3, |x| {
            assert!(gate.margin(x) + 2.0 > 0.1, "{text}")
        });
    }
    assert!(checked > 3, "only {checked} contributions checked");
}

#[test]
fn a_gate_needs_a_lookalike_bound_sparse_logistic_and_lookalike_documents() {
    let (train, dev) = toy();
    let err = params(ModelKind::SparseLogistic)
        .lookalike_gate(true)
        .fit(&train, &dev)
        .unwrap_err();
    assert!(err.to_string().contains("look-alike bound"), "{err}");
    let bound = LookalikeBound::new(["news"], 0.05);
    let err = params(ModelKind::Logistic)
        .lookalike_bound(bound.clone())
        .lookalike_gate(true)
        .fit(&train, &dev)
        .unwrap_err();
    assert!(err.to_string().contains("sparse-logistic"), "{err}");
    // no document has a genre: nothing to learn the look-alike genres from
    let err = params(ModelKind::SparseLogistic)
        .lookalike_bound(bound)
        .lookalike_gate(true)
        .fit(&train, &dev)
        .unwrap_err();
    assert!(err.to_string().contains("without a label"), "{err}");
    // a damaged gate is refused
    let mut g = gated_fit().0.lookalike_gate().unwrap().clone();
    g.set_label_gate(1, -1.0, 0.0);
    assert!(forced_gate().with_lookalike_gate(g).is_err());
}

#[test]
fn a_hidden_layer_needs_sparse_logistic_and_sane_parameters() {
    let (train, dev) = toy();
    let p = narrascope_classify::mlp::MlpParams::default();
    let err = params(ModelKind::Logistic)
        .mlp(p)
        .fit(&train, &dev)
        .unwrap_err();
    assert!(err.to_string().contains("sparse-logistic"), "{err}");
    let bad = narrascope_classify::mlp::MlpParams { units: 0, ..p };
    let err = params(ModelKind::SparseLogistic)
        .mlp(bad)
        .fit(&train, &dev)
        .unwrap_err();
    assert!(err.to_string().contains("units"), "{err}");
}

/// A model on an additive vectorizer scores through per-word sums of one weight table
/// (labels, hidden units, gate): the same probabilities as the sorted vector, before and
/// after a gate is put in, from text or tokens, and after a save and load.
#[test]
fn an_additive_model_scores_like_its_vector() {
    for w in [
        narrascope_features::Weighting::Additive,
        narrascope_features::Weighting::Distinct,
    ] {
        additive_model_scores_like_its_vector(w);
    }
}

fn additive_model_scores_like_its_vector(weighting: narrascope_features::Weighting) {
    let (train, dev) = toy();
    let once = with_genres(&train);
    let train: Vec<Document> = once.iter().chain(&once).chain(&once).cloned().collect();
    let dev = with_genres(&dev);
    let (m, _) = params(ModelKind::SparseLogistic)
        .vectorizer(Vectorizer::params().min_df(1).weighting(weighting))
        .mlp(toy_mlp())
        .fit(&train, &dev)
        .unwrap();
    assert_eq!(m.vectorizer().params_used().weighting(), weighting);
    assert_eq!(m.hidden_units(), 4);
    let texts: Vec<&str> = train
        .iter()
        .chain(&dev)
        .map(|d| d.text.as_str())
        .chain([
            "",
            "join join join the caravan caravan",
            "🔥 #KhilafahIsBack",
        ])
        .collect();
    let check = |m: &Model, what: &str| {
        let mut p = Vec::new();
        let mut by_tokens = Vec::new();
        for t in &texts {
            let fast = m.score_text(t);
            m.probabilities(&m.vectorizer().transform(t), &mut p);
            assert_eq!(fast.len(), 2);
            for (a, b) in fast.iter().zip(&p) {
                assert!((a - b).abs() < 1e-5, "{what}: {a} vs {b} for {t:?}");
            }
            let toks = m.vectorizer().tokenizer().tokenize(t);
            m.score_tokens_into(&toks, 0..toks.tokens().len(), &mut by_tokens);
            assert_eq!(by_tokens, fast, "{what}: tokens of {t:?}");
        }
    };
    check(&m, "hidden layer");
    // a gate put in after the model has scored (its weight table is rebuilt)
    let nf = m.vectorizer().len();
    let gw: Vec<f32> = (0..nf).map(|j| (j % 5) as f32 - 1.5).collect();
    let gate = narrascope_classify::gate::LookalikeGate::new(gw, 0.5, vec![(1.0, 0.5), (0.5, 1.0)]);
    let gated = m.clone().with_lookalike_gate(gate).unwrap();
    check(&gated, "gate");
    let moved = texts
        .iter()
        .filter(|t| gated.score_text(t) != m.score_text(t))
        .count();
    assert!(
        moved > texts.len() / 2,
        "the gate moved {moved} scores only"
    );
    let back = Model::from_bytes(&gated.to_bytes()).unwrap();
    assert_eq!(back.vectorizer().params_used().weighting(), weighting);
    for t in &texts {
        assert_eq!(back.score_text(t), gated.score_text(t), "{t:?}");
    }
}
