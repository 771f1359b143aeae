//! Helpers shared by the tests of the native stemmers (`stem_en`, `stem_ar`): comparing them
//! with rust-stemmers over lists of words.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rust_stemmers::{Algorithm, Stemmer};

/// Compares `native` with rust-stemmers' `algorithm` on every word (`native` returns `None`
/// for a word it leaves to rust-stemmers); returns the number of words stemmed natively.
pub(crate) fn check<'a, S: AsRef<str>>(
    algorithm: Algorithm,
    native: impl Fn(&str) -> Option<S>,
    words: impl IntoIterator<Item = &'a str>,
) -> usize {
    let snowball = Stemmer::create(algorithm);
    let mut n = 0;
    for w in words {
        if let Some(s) = native(w) {
            assert_eq!(s.as_ref(), snowball.stem(w), "word {w:?}");
            n += 1;
        }
    }
    n
}

/// Like [`check`], and every word must be stemmed natively.
pub(crate) fn check_all<S: AsRef<str>>(
    algorithm: Algorithm,
    native: impl Fn(&str) -> Option<S>,
    words: &[String],
) {
    let n = check(algorithm, native, words.iter().map(String::as_str));
    assert_eq!(n, words.len(), "words left to rust-stemmers");
}

/// The distinct words of every file under `root`: the maximal runs of characters for which
/// `keep` holds, lower-cased (JSON escapes and all: more words to compare).
pub(crate) fn words_under(root: &Path, keep: impl Fn(char) -> bool) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    let mut files = vec![root.to_path_buf()];
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            for w in text.split(|c: char| !keep(c)).filter(|w| !w.is_empty()) {
                words.insert(w.to_lowercase());
            }
        }
    }
    words
}

/// The project's `data/` directory.
pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// `../shared/corpora` when present; `None` (after saying so on stderr) otherwise.
pub(crate) fn shared_corpora() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("skipped: {} is absent", root.display());
        None
    }
}

/// Every string over the characters of `alphabet` whose length is in `lens`.
pub(crate) fn all_words(alphabet: &str, lens: std::ops::RangeInclusive<usize>) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = vec![String::new()];
    for len in 1..=*lens.end() {
        let next: Vec<String> = cur
            .iter()
            .flat_map(|s| alphabet.chars().map(move |c| format!("{s}{c}")))
            .collect();
        if lens.contains(&len) {
            out.extend(next.iter().cloned());
        }
        cur = next;
    }
    out
}

/// Compares `native` with rust-stemmers on the words (runs of `keep` characters) of `data/`
/// and, when present, of `../shared/corpora`; each must have more than `min` words stemmed
/// natively.
pub(crate) fn check_corpora<S: AsRef<str>>(
    algorithm: Algorithm,
    native: impl Fn(&str) -> Option<S> + Copy,
    keep: impl Fn(char) -> bool + Copy,
    min: [usize; 2],
) {
    let roots = std::iter::once(data_dir()).chain(shared_corpora());
    for (root, min) in roots.zip(min) {
        let words = words_under(&root, keep);
        let n = check(algorithm, native, words.iter().map(String::as_str));
        assert!(n > min, "{}: {n} words stemmed natively", root.display());
    }
}
