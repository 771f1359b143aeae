//! Checks the labelled corpus in `data/corpus/`: size and balance of the hand-written
//! passages, and the integrity of the train/dev/test splits written by
//! `cargo run --example make_splits`.
//!
//! ```text
//! cargo test --test corpus -- --nocapture
//! ```

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[path = "../examples/common/corpus_schema.rs"]
mod schema;
use schema::{
    near_duplicates, Passage, COMBOS, EVASIONS, GENRES, LABELS, LANGS, NEAR_DUP_JACCARD, SPLITS,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitPassage {
    #[serde(flatten)]
    passage: Passage,
    split: String,
}

#[derive(Debug, Deserialize)]
struct DemoDoc {
    id: String,
    text: String,
    labels: Vec<String>,
    genre: String,
    lang: String,
}

struct Corpus {
    /// Hand-written passages in file order (files sorted by name).
    written: Vec<Passage>,
    /// Split files: (split name of the file, passage, value of its `split` field).
    splits: Vec<(&'static str, Passage, String)>,
    /// Near-duplicate pairs among the written passages: (i, j, jaccard), i < j.
    near_dups: Vec<(usize, usize, f64)>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_lines(path: &Path) -> Vec<(usize, String)> {
    let content =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    content
        .lines()
        .enumerate()
        .map(|(n, l)| (n + 1, l.to_string()))
        .collect()
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = root().join("data/corpus/written");
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        let mut written = Vec::new();
        for file in &files {
            for (n, line) in read_lines(file) {
                let p: Passage = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("{}:{n}: {e}", file.display()));
                written.push(p);
            }
        }
        let mut splits = Vec::new();
        for name in SPLITS {
            let path = root().join(format!("data/corpus/{name}.jsonl"));
            for (n, line) in read_lines(&path) {
                let sp: SplitPassage = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("{}:{n}: {e}", path.display()));
                splits.push((name, sp.passage, sp.split));
            }
        }
        let texts: Vec<&str> = written.iter().map(|p| p.text.as_str()).collect();
        let (near_dups, _) = near_duplicates(&texts);
        Corpus {
            written,
            splits,
            near_dups,
        }
    })
}

fn has(p: &Passage, label: &str) -> bool {
    p.labels.iter().any(|l| l == label)
}

/// Index of the split each written passage is in, from the split files.
fn split_of_written(c: &Corpus) -> Vec<&'static str> {
    let by_id: HashMap<&str, &'static str> = c
        .splits
        .iter()
        .map(|(s, p, _)| (p.id.as_str(), *s))
        .collect();
    c.written
        .iter()
        .map(|p| {
            *by_id
                .get(p.id.as_str())
                .unwrap_or_else(|| panic!("{} is in no split file", p.id))
        })
        .collect()
}

#[test]
fn written_passages_are_valid() {
    let c = corpus();
    let mut ids = HashSet::new();
    let mut problems = Vec::new();
    for p in &c.written {
        if !ids.insert(p.id.as_str()) {
            problems.push(format!("{}: duplicate id", p.id));
        }
        let set: HashSet<&str> = p.labels.iter().map(String::as_str).collect();
        if set.len() != p.labels.len() || set.iter().any(|l| !LABELS.contains(l)) {
            problems.push(format!("{}: labels {:?}", p.id, p.labels));
        }
        if !GENRES.contains(&p.genre.as_str()) {
            problems.push(format!("{}: genre {}", p.id, p.genre));
        }
        if !LANGS.contains(&p.lang.as_str()) {
            problems.push(format!("{}: lang {}", p.id, p.lang));
        }
        if let Some(e) = p.evasion.as_deref().filter(|e| !EVASIONS.contains(e)) {
            problems.push(format!("{}: evasion {e}", p.id));
        }
        if p.text.trim().is_empty() || p.group.trim().is_empty() || p.id.trim().is_empty() {
            problems.push(format!("{}: empty id, text or group", p.id));
        }
    }
    println!(
        "validated {} passages, {} unique ids",
        c.written.len(),
        ids.len()
    );
    assert!(
        problems.is_empty(),
        "invalid passages:\n{}",
        problems.join("\n")
    );
}

#[test]
fn corpus_is_large_and_balanced_enough() {
    let c = corpus();
    let total = c.written.len();
    let rec = c.written.iter().filter(|p| has(p, "recruitment")).count();
    let def = c.written.iter().filter(|p| has(p, "defection")).count();
    let both = c
        .written
        .iter()
        .filter(|p| has(p, "recruitment") && has(p, "defection"))
        .count();
    let none = c.written.iter().filter(|p| p.labels.is_empty()).count();
    let notes = c.written.iter().filter(|p| p.notes.is_some()).count();
    let mut langs: BTreeMap<&str, usize> = LANGS.iter().map(|l| (*l, 0)).collect();
    for p in &c.written {
        *langs.entry(p.lang.as_str()).or_default() += 1;
    }
    println!(
        "total {total}; recruitment {rec}, defection {def} (both {both}), unlabelled {none}; \
         edge cases with notes {notes} ({:.1}%); by language {langs:?}",
        100.0 * notes as f64 / total as f64
    );
    assert!(total >= 2000, "only {total} passages, need 2000");
    assert!(rec >= 400, "only {rec} recruitment passages, need 400");
    assert!(def >= 400, "only {def} defection passages, need 400");
    assert!(none >= 800, "only {none} unlabelled passages, need 800");
    for lang in ["fr", "de", "ar"] {
        let n = langs[lang];
        assert!(n >= 50, "only {n} passages in {lang}, need 50");
    }
    assert!(
        notes * 10 >= total,
        "only {notes} of {total} passages are edge cases with notes, need 10%"
    );
}

#[test]
fn split_files_hold_exactly_the_written_passages() {
    let c = corpus();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut per_split: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (file_split, p, field) in &c.splits {
        *seen.entry(p.id.as_str()).or_default() += 1;
        *per_split.entry(file_split).or_default() += 1;
        if field != file_split {
            problems.push(format!(
                "{} in {file_split}.jsonl has split {field:?}",
                p.id
            ));
        }
    }
    let written: HashMap<&str, &Passage> = c.written.iter().map(|p| (p.id.as_str(), p)).collect();
    for (id, n) in &seen {
        if *n != 1 {
            problems.push(format!("{id} appears {n} times in the split files"));
        }
        if !written.contains_key(id) {
            problems.push(format!(
                "{id} is in a split file but not in the written corpus"
            ));
        }
    }
    for (_, p, _) in &c.splits {
        if let Some(w) = written.get(p.id.as_str()) {
            if w.text != p.text || w.labels != p.labels {
                problems.push(format!(
                    "{}: text or labels differ from the written file",
                    p.id
                ));
            } else if *w != p {
                problems.push(format!("{}: a field differs from the written file", p.id));
            }
        }
    }
    for p in &c.written {
        if !seen.contains_key(p.id.as_str()) {
            problems.push(format!("{} is in no split file", p.id));
        }
    }
    println!(
        "split files: {} passages {per_split:?}; written: {}",
        c.splits.len(),
        c.written.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(c.splits.len(), c.written.len());
}

#[test]
fn groups_do_not_straddle_splits() {
    let c = corpus();
    let mut group_splits: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (s, p, _) in &c.splits {
        let v = group_splits.entry(p.group.as_str()).or_default();
        if !v.contains(s) {
            v.push(s);
        }
    }
    let bad: Vec<String> = group_splits
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(g, v)| format!("group {g} is in {v:?}"))
        .collect();
    println!(
        "{} groups checked, {} in more than one split",
        group_splits.len(),
        bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn near_duplicates_are_rare_and_stay_in_one_split() {
    let c = corpus();
    let split = split_of_written(c);
    let mut involved = HashSet::new();
    let mut crossing = Vec::new();
    for &(i, j, sim) in &c.near_dups {
        involved.insert(i);
        involved.insert(j);
        if split[i] != split[j] {
            crossing.push(format!(
                "{} ({}) ~ {} ({}), Jaccard {sim:.2}",
                c.written[i].id, split[i], c.written[j].id, split[j]
            ));
        }
    }
    let total = c.written.len();
    println!(
        "near-duplicate pairs (Jaccard >= {NEAR_DUP_JACCARD}): {}; passages with a near-duplicate: {} of {total}; pairs crossing splits: {}",
        c.near_dups.len(),
        involved.len(),
        crossing.len()
    );
    assert!(
        crossing.is_empty(),
        "near-duplicates in different splits:\n{}",
        crossing.join("\n")
    );
    assert!(
        involved.len() * 50 < total,
        "{} of {total} passages (2% or more) have a near-duplicate",
        involved.len()
    );
}

#[test]
fn every_split_has_every_language_and_label_set() {
    let c = corpus();
    let combo = |p: &Passage| match (has(p, "recruitment"), has(p, "defection")) {
        (false, false) => "none",
        (true, false) => "recruitment",
        (false, true) => "defection",
        (true, true) => "both",
    };
    let mut cells: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for (s, p, _) in &c.splits {
        *cells.entry((s, p.lang.as_str(), combo(p))).or_default() += 1;
    }
    let mut missing = Vec::new();
    for s in SPLITS {
        for l in LANGS {
            for k in COMBOS {
                if !cells.contains_key(&(s, l, k)) {
                    missing.push(format!("{s} has no {l} {k}"));
                }
            }
        }
    }
    println!(
        "{} non-empty split × language × label-set cells of 48",
        cells.len()
    );
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn demo_samples_come_from_the_test_split() {
    let path = root().join("data/samples/demo.jsonl");
    if !path.exists() {
        panic!("{} is missing", path.display());
    }
    let c = corpus();
    let test: HashMap<&str, &Passage> = c
        .splits
        .iter()
        .filter(|(s, _, _)| *s == "test")
        .map(|(_, p, _)| (p.id.as_str(), p))
        .collect();
    let mut problems = Vec::new();
    let mut n = 0;
    for (line_no, line) in read_lines(&path) {
        let d: DemoDoc = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("{}:{line_no}: {e}", path.display()));
        n += 1;
        match test.get(d.id.as_str()) {
            None => problems.push(format!("{} is not in the test split", d.id)),
            Some(p) => {
                if p.text != d.text
                    || p.labels != d.labels
                    || p.genre != d.genre
                    || p.lang != d.lang
                {
                    problems.push(format!("{} differs from the corpus", d.id));
                }
            }
        }
    }
    println!(
        "{n} demo documents, all from the test split: {}",
        problems.is_empty()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
