//! Narrative cue lexicons: one theme per file, multi-word cues matched over stemmed tokens with
//! an Aho-Corasick automaton.
//!
//! File format (see `data/lexicons/`): a header of `#` comments with `# theme: ID`,
//! `# narrative: recruitment|defection|framing` and `# description: ...`, then one cue per line,
//! optionally prefixed by a language tag (`fr: `, `de: `, `ar: `; none means English).

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use narrascope_tokenize::{Language, Span, Token, TokenKind, Tokenized, Tokenizer};
use serde::{Deserialize, Serialize};

use crate::error::{FeatureError, Result};

/// Which narrative a theme belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Narrative {
    /// A recruitment theme.
    Recruitment,
    /// A defection theme.
    Defection,
    /// A framing cue (reporting, counter-speech, testimony, address).
    Framing,
}

/// One theme: its id, narrative, description and cues (as written, with language tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Theme id, e.g. `emigrate_join`.
    pub id: String,
    /// The narrative it signals.
    pub narrative: Narrative,
    /// What the theme is (and is not).
    pub description: String,
    /// Cues: (language, phrase).
    pub cues: Vec<(Option<Language>, String)>,
}

impl Theme {
    /// Parses a lexicon file's text. `name` is used in error messages.
    ///
    /// # Errors
    /// [`FeatureError::Lexicon`] naming the line when the header or a language tag is wrong.
    pub fn parse(name: &str, text: &str) -> Result<Theme> {
        let err = |line: usize, reason: String| FeatureError::Lexicon {
            file: name.to_string(),
            line,
            reason,
        };
        let (mut id, mut narrative, mut description) = (None, None, String::new());
        let mut cues = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(c) = line.strip_prefix('#') {
                let c = c.trim();
                if let Some(v) = c.strip_prefix("theme:") {
                    id = Some(v.trim().to_string());
                } else if let Some(v) = c.strip_prefix("narrative:") {
                    narrative = Some(match v.trim() {
                        "recruitment" => Narrative::Recruitment,
                        "defection" => Narrative::Defection,
                        "framing" => Narrative::Framing,
                        other => return Err(err(i + 1, format!("unknown narrative {other:?}"))),
                    });
                } else if let Some(v) = c.strip_prefix("description:") {
                    description = v.trim().to_string();
                }
                continue;
            }
            let (lang, phrase) = match line.split_once(": ") {
                Some((tag, rest))
                    if tag.len() == 2 && tag.bytes().all(|b| b.is_ascii_lowercase()) =>
                {
                    let l = Language::from_code(tag).map_err(|e| err(i + 1, e.to_string()))?;
                    (Some(l), rest.trim())
                }
                _ => (None, line),
            };
            if phrase.is_empty() {
                return Err(err(i + 1, "empty cue".into()));
            }
            cues.push((lang, phrase.to_string()));
        }
        let id = id.ok_or_else(|| err(1, "missing `# theme:` header".into()))?;
        let narrative = narrative.ok_or_else(|| err(1, "missing `# narrative:` header".into()))?;
        if cues.is_empty() {
            return Err(err(1, "no cues".into()));
        }
        Ok(Theme {
            id,
            narrative,
            description,
            cues,
        })
    }
}

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../data/lexicons/", $name, ".txt")))),*]
    };
}

/// The lexicons shipped in `data/lexicons/`, embedded at build time.
const BUILTIN: &[(&str, &str)] = builtin!(
    "emigrate_join",
    "state_utopia",
    "martyrdom_glory",
    "brotherhood",
    "obligation_allegiance",
    "grievance_victimhood",
    "us_vs_them",
    "victory_inevitability",
    "infighting",
    "brutality",
    "corruption_hypocrisy",
    "harsh_life",
    "deception",
    "regret",
    "escape",
    "imprisonment",
    "warning",
    "reporting",
    "counter_speech",
    "first_person_testimony",
    "second_person_imperative",
);

/// A set of themes: the serialisable part of the lexicons (the automaton is rebuilt on load).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LexiconSet {
    /// Themes in a fixed order (their index is their feature order).
    pub themes: Vec<Theme>,
}

impl LexiconSet {
    /// The lexicons shipped with narrascope (`data/lexicons/`).
    pub fn builtin() -> LexiconSet {
        let themes = BUILTIN
            .iter()
            .map(|(name, text)| {
                Theme::parse(name, text).expect("built-in lexicons parse (checked by tests)")
            })
            .collect();
        LexiconSet { themes }
    }
    /// Reads every `*.txt` file of a directory, sorted by file name.
    ///
    /// # Errors
    /// [`FeatureError::LexiconIo`] when the directory or a file cannot be read,
    /// [`FeatureError::Lexicon`] when a file is malformed.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<LexiconSet> {
        let dir = dir.as_ref();
        let io = |e| FeatureError::LexiconIo {
            path: dir.display().to_string(),
            source: e,
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        paths.sort();
        let mut themes = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| FeatureError::LexiconIo {
                path: p.display().to_string(),
                source: e,
            })?;
            themes.push(Theme::parse(&p.display().to_string(), &text)?);
        }
        Ok(LexiconSet { themes })
    }
    /// Number of themes.
    pub fn len(&self) -> usize {
        self.themes.len()
    }
    /// Whether there is no theme.
    pub fn is_empty(&self) -> bool {
        self.themes.is_empty()
    }
}

/// A compiled lexicon matcher.
///
/// Cues are matched with an Aho-Corasick automaton over *token codes*: every stem that occurs
/// in some cue gets a two-byte code (first byte `0x80..=0xFF`, second `0x01..=0x7F`, so a
/// match can only start on a code boundary), every other word and every punctuation mark is
/// the byte `0`, which no cue contains. The haystack is then two bytes a word instead of the
/// word itself, and the automaton (a contiguous NFA over a few thousand states) stays small
/// enough for the CPU cache. A DFA took 1% fewer instructions per tweet but 8 MB more
/// memory for the built-in model's lexicons (peak RSS of `explain`: 24.3 against 16.4 MB).
#[derive(Debug, Clone)]
pub struct LexiconMatcher {
    ac: Option<AhoCorasick>,
    /// Pattern index → theme index.
    pattern_theme: Vec<u16>,
    /// Stem → two-byte code.
    codes: rustc_hash::FxHashMap<Box<str>, [u8; 2]>,
    /// Process-unique identity (shared by clones), so a [`MatchScratch`] never serves one
    /// matcher's codes to another.
    uid: u64,
}

static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// One cue match: the theme index and the span in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexiconMatch {
    /// Index of the theme in the [`LexiconSet`].
    pub theme: usize,
    /// From the first to the last matched word, in the original text.
    pub span: Span,
}

/// Scratch space for [`LexiconMatcher::find_in`], reusable across calls.
#[derive(Debug, Default)]
pub struct MatchScratch {
    hay: Vec<u8>,
    /// Per haystack byte of a word code's first byte: the word's span.
    starts: Vec<(usize, Span)>,
    /// The matcher and the tokenizer word-cache epoch `by_id` belongs to.
    owner: (u64, u64),
    /// Per tokenizer word id ([`Tokenized::word_id`]): `(language + 1) << 16 | code` of the
    /// word's stem in the text's language (code 0: not a cue word), 0 when not known. The
    /// stem of a word id depends only on the language, so one lookup of the stem serves
    /// every later occurrence.
    by_id: Vec<u32>,
}

/// Word ids at or above this are not remembered in [`MatchScratch`] (bounds its memory).
const MAX_ID: u32 = 1 << 18;

/// Codes available: 128 first bytes times 127 second bytes.
const MAX_CODES: usize = 128 * 127;

impl LexiconMatcher {
    /// Compiles `set`: every cue is tokenized, normalised and stemmed by `tokenizer` (in its
    /// tagged language), so cues match text that went through the same steps, disguised or not.
    pub fn new(set: &LexiconSet, tokenizer: &Tokenizer) -> LexiconMatcher {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut pattern_theme = Vec::new();
        let mut codes: rustc_hash::FxHashMap<Box<str>, [u8; 2]> = Default::default();
        let mut seen = rustc_hash::FxHashSet::default();
        for (ti, theme) in set.themes.iter().enumerate() {
            for (lang, phrase) in &theme.cues {
                let lang = lang.or(Some(Language::English));
                let stems = tokenizer.stem_phrase(phrase, lang);
                if stems.is_empty() {
                    continue;
                }
                let mut p = Vec::with_capacity(2 * stems.len());
                for st in &stems {
                    let n = codes.len();
                    let code = *codes.entry(st.as_str().into()).or_insert_with(|| {
                        assert!(n < MAX_CODES, "more than {MAX_CODES} distinct cue words");
                        [0x80 | (n / 127) as u8, 1 + (n % 127) as u8]
                    });
                    p.extend_from_slice(&code);
                }
                if seen.insert((ti, p.clone())) {
                    patterns.push(p);
                    pattern_theme.push(ti as u16);
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .expect("lexicon automaton builds (patterns are short)"),
            )
        };
        LexiconMatcher {
            ac,
            pattern_theme,
            codes,
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Finds all cue matches (overlapping) in tokenized text and calls `f` for each. Words of
    /// hashtags count as words; punctuation breaks a cue.
    pub fn find(
        &self,
        tokens: &Tokenized,
        scratch: &mut MatchScratch,
        f: impl FnMut(LexiconMatch),
    ) {
        self.find_in(tokens, 0..tokens.tokens().len(), scratch, f)
    }

    /// Like [`Self::find`], restricted to the tokens in `range` (one sentence, say).
    pub fn find_in(
        &self,
        tokens: &Tokenized,
        range: std::ops::Range<usize>,
        scratch: &mut MatchScratch,
        mut f: impl FnMut(LexiconMatch),
    ) {
        let Some(ac) = &self.ac else { return };
        let owner = (self.uid, tokens.word_epoch());
        if scratch.owner != owner {
            scratch.by_id.clear();
            scratch.owner = owner;
        }
        let (hay, starts, by_id) = (&mut scratch.hay, &mut scratch.starts, &mut scratch.by_id);
        hay.clear();
        starts.clear();
        // the text's language as a number, plus one (never 0)
        let lang = 1 + tokens.language().map_or(254, |l| l as u32);
        let mut any = false;
        let mut push_word =
            |hay: &mut Vec<u8>, starts: &mut Vec<(usize, Span)>, t: &Token, id: Option<u32>| {
                let known = id.and_then(|id| by_id.get(id as usize)).copied();
                let code = match known {
                    Some(k) if k >> 16 == lang => k as u16,
                    _ => {
                        let code = self
                            .codes
                            .get(tokens.stem(t))
                            .map_or(0, |&c| u16::from_be_bytes(c));
                        if let Some(id) = id.filter(|&id| id < MAX_ID) {
                            let id = id as usize;
                            if by_id.len() <= id {
                                by_id.resize(id + 1, 0);
                            }
                            by_id[id] = lang << 16 | code as u32;
                        }
                        code
                    }
                };
                if code != 0 {
                    starts.push((hay.len(), t.span));
                    hay.extend_from_slice(&code.to_be_bytes());
                    any = true;
                } else {
                    hay.push(0);
                }
            };
        let mut parts = tokens
            .parts()
            .iter()
            .enumerate()
            .skip_while(|(_, p)| p.parent < range.start)
            .peekable();
        for (i, t) in tokens
            .tokens()
            .iter()
            .enumerate()
            .skip(range.start)
            .take(range.len())
        {
            match t.kind {
                TokenKind::Word => push_word(hay, starts, t, tokens.word_id(i)),
                TokenKind::Hashtag => {
                    while let Some((j, p)) = parts.next_if(|(_, p)| p.parent <= i) {
                        if p.parent == i {
                            push_word(hay, starts, &p.token, tokens.part_word_id(j));
                        }
                    }
                }
                TokenKind::Punct => hay.push(0),
                _ => {}
            }
        }
        if !any {
            return;
        }
        for m in ac.find_overlapping_iter(hay.as_slice()) {
            // every matched code is a known word: its first byte is in `starts`
            let first = starts.partition_point(|&(o, _)| o < m.start());
            let last = starts.partition_point(|&(o, _)| o < m.end());
            if first >= last {
                continue;
            }
            let span = Span::new(starts[first].1.start, starts[last - 1].1.end);
            f(LexiconMatch {
                theme: self.pattern_theme[m.pattern().as_usize()] as usize,
                span,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch remembers cue codes per word id only for one matcher and one language: the
    /// same words, in texts of two languages, matched by two matchers through one scratch,
    /// give what fresh scratches give.
    #[test]
    fn scratch_codes_follow_matcher_and_language() {
        let tok = Tokenizer::new();
        let custom = LexiconSet {
            themes: vec![Theme::parse(
                "custom.txt",
                "# theme: custom\n# narrative: recruitment\ncaravan\njoin the caravan\nbrothers",
            )
            .unwrap()],
        };
        let matchers = [
            LexiconMatcher::new(&LexiconSet::builtin(), &tok),
            LexiconMatcher::new(&custom, &tok),
        ];
        let texts = [
            "Brothers, we are joining the caravan. Make hijrah!",
            // German: `joining` is not stemmed to `join` here
            "Wir sind joining the caravan und die Brüder kommen, wir sind hier",
            "the caravan is leaving, brothers, joining the caravan",
        ];
        let found = |m: &LexiconMatcher, t: &Tokenized, s: &mut MatchScratch| {
            let mut v = Vec::new();
            m.find(t, s, |x| v.push(x));
            v
        };
        // one scratch per matcher (its codes carried from text to text), one for both
        let mut own = [MatchScratch::default(), MatchScratch::default()];
        let mut mixed = MatchScratch::default();
        let mut any = 0;
        for round in 0..2 {
            for text in texts {
                let t = tok.tokenize(text);
                for (m, own) in matchers.iter().zip(&mut own) {
                    let want = found(m, &t, &mut MatchScratch::default());
                    any += want.len();
                    assert_eq!(found(m, &t, own), want, "round {round}: {text}");
                    assert_eq!(found(m, &t, &mut mixed), want, "round {round}: {text}");
                }
            }
        }
        assert!(any > 0);
    }

    #[test]
    fn builtin_lexicons_parse() {
        let set = LexiconSet::builtin();
        assert_eq!(set.len(), 21);
        for t in &set.themes {
            assert!(t.cues.len() >= 20, "{} has {} cues", t.id, t.cues.len());
            assert!(!t.description.is_empty(), "{} has no description", t.id);
        }
    }

    #[test]
    fn header_errors_name_the_line() {
        let e = Theme::parse("x.txt", "# theme: a\n# narrative: other\njoin").unwrap_err();
        assert!(e.to_string().contains("x.txt, line 2"), "{e}");
        let e = Theme::parse("y.txt", "# narrative: recruitment\njoin us").unwrap_err();
        assert!(e.to_string().contains("theme"), "{e}");
    }

    #[test]
    fn matches_survive_evasions() {
        let set = LexiconSet::builtin();
        let tok = Tokenizer::new();
        let m = LexiconMatcher::new(&set, &tok);
        let emigrate = set
            .themes
            .iter()
            .position(|t| t.id == "emigrate_join")
            .unwrap();
        for text in [
            "You must make hijrah now",
            "m4ke h1jr4h brothers",
            "m a k e hijrah",
            "MAKE HIJRAAAAH",
            "ma\u{200b}ke hijr\u{0430}h",
        ] {
            let toks = tok.tokenize(text);
            let mut hits = Vec::new();
            m.find(&toks, &mut MatchScratch::default(), |x| hits.push(x));
            assert!(hits.iter().any(|h| h.theme == emigrate), "{text}: {hits:?}");
            let h = hits.iter().find(|h| h.theme == emigrate).unwrap();
            let s = h.span.slice(text).to_lowercase();
            assert!(s.starts_with('m') && s.ends_with('h'), "{text}: span {s:?}");
        }
    }
}
