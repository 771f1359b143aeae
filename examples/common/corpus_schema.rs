//! The vocabulary of the labelled corpus (`data/LABELING.md`) and its near-duplicate rule,
//! shared by `make_splits` and the corpus tests (included with `#[path]`).

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

/// One hand-written passage, as in `data/corpus/written/*.jsonl` (fields in `data/README.md`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Passage {
    pub id: String,
    pub text: String,
    pub labels: Vec<String>,
    pub genre: String,
    pub lang: String,
    pub theme: String,
    pub group: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evasion: Option<String>,
}

/// Passages at least this similar (Jaccard of word 3-gram sets) are near-duplicates: they must
/// share a split.
pub const NEAR_DUP_JACCARD: f64 = 0.6;

/// Labels a passage may carry.
pub const LABELS: [&str; 2] = ["recruitment", "defection"];
/// Genres, in the order the corpus tables list them.
pub const GENRES: [&str; 11] = [
    "tweet",
    "forum",
    "speech",
    "testimony",
    "interview",
    "news",
    "research",
    "article",
    "counter_speech",
    "religious",
    "everyday",
];
/// Languages of the corpus.
pub const LANGS: [&str; 4] = ["en", "fr", "de", "ar"];
/// Kinds of disguise (`evasion` field).
pub const EVASIONS: [&str; 6] = [
    "leet",
    "homoglyph",
    "spaced",
    "zero_width",
    "elongation",
    "mixed",
];
/// The split files.
pub const SPLITS: [&str; 3] = ["train", "dev", "test"];
/// Label sets, as the corpus tables name them.
pub const COMBOS: [&str; 4] = ["none", "recruitment", "defection", "both"];

/// The set of word 3-grams of a text (lower-cased, split on non-alphanumeric characters).
pub fn trigrams(text: &str) -> HashSet<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 3 {
        return std::iter::once(words.join(" ")).collect();
    }
    words.windows(3).map(|w| w.join(" ")).collect()
}

/// All pairs `(i, j, jaccard)` with `i < j` and Jaccard >= [`NEAR_DUP_JACCARD`], plus the
/// highest similarity seen between any two passages.
pub fn near_duplicates(texts: &[&str]) -> (Vec<(usize, usize, f64)>, f64) {
    let grams: Vec<HashSet<String>> = texts.iter().map(|t| trigrams(t)).collect();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, set) in grams.iter().enumerate() {
        for g in set {
            index.entry(g.as_str()).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    let mut max_sim: f64 = 0.0;
    let mut shared: HashMap<usize, usize> = HashMap::new();
    for (i, set) in grams.iter().enumerate() {
        shared.clear();
        for g in set {
            for &j in &index[g.as_str()] {
                if j > i {
                    *shared.entry(j).or_default() += 1;
                }
            }
        }
        let mut found: Vec<(usize, f64)> = shared
            .iter()
            .map(|(&j, &inter)| {
                let union = set.len() + grams[j].len() - inter;
                (j, inter as f64 / union as f64)
            })
            .collect();
        found.sort_by_key(|&(j, _)| j);
        for (j, sim) in found {
            max_sim = max_sim.max(sim);
            if sim >= NEAR_DUP_JACCARD {
                pairs.push((i, j, sim));
            }
        }
    }
    (pairs, max_sim)
}
