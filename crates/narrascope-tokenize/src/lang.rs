//! Languages: stemming (rust-stemmers), stopword lists and a cheap language guess.

use rust_stemmers::Algorithm;
use serde::{Deserialize, Serialize};

use crate::error::{Result, TokenizeError};

/// A language rust-stemmers can stem. Stopword lists ship for English, French, German and
/// Arabic; the others stem without stopwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Language {
    Arabic,
    Danish,
    Dutch,
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

const ALL: &[(Language, &str, &str)] = &[
    (Language::Arabic, "ar", "arabic"),
    (Language::Danish, "da", "danish"),
    (Language::Dutch, "nl", "dutch"),
    (Language::English, "en", "english"),
    (Language::Finnish, "fi", "finnish"),
    (Language::French, "fr", "french"),
    (Language::German, "de", "german"),
    (Language::Greek, "el", "greek"),
    (Language::Hungarian, "hu", "hungarian"),
    (Language::Italian, "it", "italian"),
    (Language::Norwegian, "no", "norwegian"),
    (Language::Portuguese, "pt", "portuguese"),
    (Language::Romanian, "ro", "romanian"),
    (Language::Russian, "ru", "russian"),
    (Language::Spanish, "es", "spanish"),
    (Language::Swedish, "sv", "swedish"),
    (Language::Tamil, "ta", "tamil"),
    (Language::Turkish, "tr", "turkish"),
];

impl Language {
    /// Parses an ISO 639-1 code (`"en"`) or an English name (`"english"`), case-insensitively.
    ///
    /// # Errors
    /// [`TokenizeError::UnknownLanguage`] for anything rust-stemmers does not support.
    pub fn from_code(code: &str) -> Result<Language> {
        let c = code.trim().to_ascii_lowercase();
        ALL.iter()
            .find(|(_, iso, name)| *iso == c || *name == c)
            .map(|(l, _, _)| *l)
            .ok_or_else(|| TokenizeError::UnknownLanguage(code.to_string()))
    }
    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        ALL.iter()
            .find(|(l, _, _)| *l == self)
            .map(|(_, c, _)| *c)
            .unwrap_or("en")
    }
    /// The rust-stemmers algorithm.
    pub fn algorithm(self) -> Algorithm {
        match self {
            Language::Arabic => Algorithm::Arabic,
            Language::Danish => Algorithm::Danish,
            Language::Dutch => Algorithm::Dutch,
            Language::English => Algorithm::English,
            Language::Finnish => Algorithm::Finnish,
            Language::French => Algorithm::French,
            Language::German => Algorithm::German,
            Language::Greek => Algorithm::Greek,
            Language::Hungarian => Algorithm::Hungarian,
            Language::Italian => Algorithm::Italian,
            Language::Norwegian => Algorithm::Norwegian,
            Language::Portuguese => Algorithm::Portuguese,
            Language::Romanian => Algorithm::Romanian,
            Language::Russian => Algorithm::Russian,
            Language::Spanish => Algorithm::Spanish,
            Language::Swedish => Algorithm::Swedish,
            Language::Tamil => Algorithm::Tamil,
            Language::Turkish => Algorithm::Turkish,
        }
    }
    /// The shipped stopword list (raw lines), if any.
    pub fn stopword_list(self) -> Option<&'static str> {
        match self {
            Language::English => Some(include_str!("../data/stopwords/en.txt")),
            Language::French => Some(include_str!("../data/stopwords/fr.txt")),
            Language::German => Some(include_str!("../data/stopwords/de.txt")),
            Language::Arabic => Some(include_str!("../data/stopwords/ar.txt")),
            _ => None,
        }
    }
}

/// Which language to stem and filter stopwords with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguageChoice {
    /// Guess per text: script first (Arabic, Cyrillic, Greek), then stopword votes among the
    /// Latin-script languages with lists (English, French, German); English when nothing votes.
    Auto,
    /// Always this language.
    Fixed(Language),
}

/// Words of the stopword list file: `#` comments and blank lines skipped.
pub(crate) fn list_words(list: &str) -> impl Iterator<Item = &str> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Language {
    /// Position in the list of supported languages (used to index per-language caches).
    pub(crate) fn index(self) -> usize {
        ALL.iter().position(|(l, _, _)| *l == self).unwrap_or(0)
    }
}

thread_local! {
    static STEM_CACHE: std::cell::RefCell<Vec<rustc_hash::FxHashMap<Box<str>, Box<str>>>> =
        std::cell::RefCell::new(vec![Default::default(); ALL.len()]);
}

/// Entries per language kept by the per-thread stem cache before it is emptied.
const STEM_CACHE_MAX: usize = 200_000;

/// Stems `word` with `stemmer` through a per-thread cache (rust-stemmers' Snowball machine
/// costs about 3,700 instructions an English word and 7,000 an Arabic one on real tweets; the
/// same words recur across messages), except plain ASCII English words, words of plain
/// Arabic letters and plain lower-case Russian words, which the native ports in `stem_en`,
/// `stem_ar` and `stem_ru` stem directly. Calls `f` with the stem.
pub(crate) fn cached_stem(
    lang: Language,
    stemmer: &rust_stemmers::Stemmer,
    word: &str,
    f: impl FnOnce(&str),
) {
    // plain ASCII English words, plain Arabic-letter words and plain lower-case Russian
    // words: the native ports (the same stems, a fraction of the cost)
    match lang {
        Language::English => {
            if let Some(s) = crate::stem_en::stem(word) {
                f(s.as_str());
                return;
            }
        }
        Language::Arabic => {
            if let Some(s) = crate::stem_ar::stem(word) {
                f(s.as_str());
                return;
            }
        }
        Language::Russian => {
            if let Some(s) = crate::stem_ru::stem(word) {
                f(s.as_str());
                return;
            }
        }
        _ => {}
    }
    if word.len() > 64 {
        // long words are rare and would make the cache's memory depend on the input
        f(&stemmer.stem(word));
        return;
    }
    STEM_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let map = &mut c[lang.index()];
        if let Some(s) = map.get(word) {
            f(s);
            return;
        }
        let stem = stemmer.stem(word);
        if map.len() >= STEM_CACHE_MAX {
            map.clear();
        }
        f(&stem);
        map.insert(word.into(), stem.as_ref().into());
    })
}
