//! The tokenizer: configuration, builder and the tokenizing pipeline.

use std::sync::Arc;

use rust_stemmers::Stemmer;
use serde::{Deserialize, Serialize};

use crate::error::{Result, TokenizeError};
use crate::inline_key::InlineKey;
use crate::lang::{list_words, Language, LanguageChoice};
use crate::normalize::invisible::OffsetMap;
use crate::normalize::{
    DocContext, InvisibleChars, Leetspeak, NormalizerStep, SeparatedLetters, TokenNormalizer,
};
use crate::quote;
use crate::token::{flags, Part, Sentence, Span, Token, TokenKind, Tokenized};
use crate::wordcache::{self, WordCache, WordEntry};

/// The serialisable configuration of a [`Tokenizer`]. Every normalisation step is on by default.
///
/// | field | default | what it does |
/// |---|---|---|
/// | `nfkc_casefold` | on | NFKC and full case folding |
/// | `invisible` | on | remove zero-width, bidi and other invisible characters |
/// | `homoglyphs` | on | fold Cyrillic/Greek look-alikes inside Latin words |
/// | `leetspeak` | on | fold `h1jr4h` → `hijrah` in mostly-letter words |
/// | `elongation` | on | `joooin` → `join` |
/// | `separated_letters` | on | `j o i n`, `j.o.i.n` → `join` |
/// | `arabic` | on | tashkeel, tatweel, alef/yeh/teh marbuta |
/// | `diacritics` | on | `é` → `e` for Latin script |
/// | `apostrophes` | on | `bay'ah` → `bayah` |
/// | `stemming` | on | Snowball stems per language |
/// | `stopwords` | on | mark stopwords of the document's language |
/// | `language` | `Auto` | fixed language or a per-text guess |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenizerConfig {
    /// See [`crate::normalize::NfkcCaseFold`].
    pub nfkc_casefold: bool,
    /// See [`crate::normalize::InvisibleChars`].
    pub invisible: bool,
    /// See [`crate::normalize::Homoglyphs`].
    pub homoglyphs: bool,
    /// See [`crate::normalize::Leetspeak`].
    pub leetspeak: bool,
    /// See [`crate::normalize::Elongation`].
    pub elongation: bool,
    /// See [`crate::normalize::SeparatedLetters`].
    pub separated_letters: bool,
    /// See [`crate::normalize::ArabicNormalizer`].
    pub arabic: bool,
    /// See [`crate::normalize::Diacritics`].
    pub diacritics: bool,
    /// See [`crate::normalize::Apostrophes`].
    pub apostrophes: bool,
    /// Stem words with rust-stemmers.
    pub stemming: bool,
    /// Mark stopwords.
    pub stopwords: bool,
    /// Language for stemming and stopwords.
    pub language: LanguageChoice,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        TokenizerConfig {
            nfkc_casefold: true,
            invisible: true,
            homoglyphs: true,
            leetspeak: true,
            elongation: true,
            separated_letters: true,
            arabic: true,
            diacritics: true,
            apostrophes: true,
            stemming: true,
            stopwords: true,
            language: LanguageChoice::Auto,
        }
    }
}

/// Calls the macro `$m` with the tokenizer's on/off switches, each with the documentation of
/// its builder setter: the one list behind [`TokenizerConfig::SWITCHES`],
/// [`TokenizerConfig::switch_mut`] and the setters of [`TokenizerBuilder`].
macro_rules! with_switches {
    ($m:ident) => {
        $m!(
            /// Switch NFKC and case folding.
            nfkc_casefold,
            /// Switch removal of invisible characters.
            invisible,
            /// Switch homoglyph folding.
            homoglyphs,
            /// Switch leetspeak folding.
            leetspeak,
            /// Switch collapsing of elongated letters.
            elongation,
            /// Switch joining of separated letters.
            separated_letters,
            /// Switch Arabic normalisation.
            arabic,
            /// Switch Latin diacritics folding.
            diacritics,
            /// Switch apostrophe removal.
            apostrophes,
            /// Switch stemming.
            stemming,
            /// Switch stopword marking.
            stopwords
        );
    };
}

/// The switches' names and by-name access on [`TokenizerConfig`] (the setters' documentation
/// is not needed here).
macro_rules! config_switches {
    ($($(#[$doc:meta])* $name:ident),*) => {
        crate::named_fields!(
            /// Names of the on/off switches, as [`TokenizerConfig::switch_mut`] takes them.
            const SWITCHES;
            /// The switch called `name` (one of [`TokenizerConfig::SWITCHES`]), to read or set
            /// it by name (for example from a command line); `None` for an unknown name.
            ///
            /// ```
            /// use narrascope_tokenize::TokenizerConfig;
            /// let mut c = TokenizerConfig::default();
            /// *c.switch_mut("stopwords").unwrap() = false;
            /// assert!(!c.stopwords);
            /// assert!(c.switch_mut("nope").is_none());
            /// ```
            fn switch_mut -> bool;
            [$($name),*]
        );
    };
}

impl TokenizerConfig {
    with_switches!(config_switches);
}

/// Builds a [`Tokenizer`]; all checks happen in [`TokenizerBuilder::build`].
///
/// ```
/// use narrascope_tokenize::{Tokenizer, Language};
/// let tok = Tokenizer::builder().leetspeak(false).language_code("fr").build()?;
/// assert_eq!(tok.config().leetspeak, false);
/// # Ok::<(), narrascope_tokenize::TokenizeError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct TokenizerBuilder {
    config: TokenizerConfig,
    language_code: Option<String>,
}

macro_rules! switch {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, on: bool) -> Self {
            self.config.$name = on;
            self
        }
    )*};
}

impl TokenizerBuilder {
    /// Starts from the default configuration.
    pub fn new() -> Self {
        Self::default()
    }
    /// Starts from an existing configuration.
    pub fn from_config(config: TokenizerConfig) -> Self {
        TokenizerBuilder {
            config,
            language_code: None,
        }
    }
    with_switches!(switch);
    /// Sets the language choice.
    pub fn language(mut self, language: LanguageChoice) -> Self {
        self.config.language = language;
        self.language_code = None;
        self
    }
    /// Fixes the language by ISO 639-1 code or name, checked in [`Self::build`]; `"auto"` guesses.
    pub fn language_code(mut self, code: &str) -> Self {
        self.language_code = Some(code.to_string());
        self
    }
    /// Checks the configuration and builds the tokenizer.
    ///
    /// # Errors
    /// [`TokenizeError::UnknownLanguage`] when a language code is not supported by rust-stemmers.
    pub fn build(mut self) -> Result<Tokenizer> {
        if let Some(code) = self.language_code.take() {
            self.config.language = if code.trim().eq_ignore_ascii_case("auto") {
                LanguageChoice::Auto
            } else {
                LanguageChoice::Fixed(Language::from_code(&code)?)
            };
        }
        Tokenizer::from_config(self.config)
    }
}

/// Languages guessed by [`LanguageChoice::Auto`] and whose stemmers are prepared up front.
const AUTO_LANGS: [Language; 6] = [
    Language::English,
    Language::French,
    Language::German,
    Language::Arabic,
    Language::Russian,
    Language::Greek,
];

struct Inner {
    config: TokenizerConfig,
    steps: Vec<NormalizerStep>,
    /// The steps that can change an ASCII word (the others are no-ops on ASCII).
    ascii_steps: Vec<NormalizerStep>,
    langs: Vec<(Language, Stemmer)>,
    /// Normalised stopword → bit mask of the indices in `langs` whose list has it.
    stop: rustc_hash::FxHashMap<Box<str>, u16>,
    /// Process-unique id (owner of the per-thread word cache).
    uid: u64,
}

static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Turns text into tokens and sentences with byte spans into the original text.
///
/// Cheap to clone (an `Arc`), `Send + Sync`, serialisable (as its [`TokenizerConfig`]).
/// Tokenizing never fails and never panics.
///
/// ```
/// use narrascope_tokenize::{Tokenizer, TokenKind};
/// let tok = Tokenizer::new();
/// let text = "J O I N the d4wl4h #KhilafahIsBack";
/// let out = tok.tokenize(text);
/// let norms: Vec<&str> = out.tokens().iter().map(|t| out.norm(t)).collect();
/// assert_eq!(norms, ["join", "the", "dawlah", "#khilafahisback"]);
/// let first = &out.tokens()[0];
/// assert_eq!(&text[first.span.start..first.span.end], "J O I N");
/// assert_eq!(out.tokens()[3].kind, TokenKind::Hashtag);
/// let parts: Vec<&str> = out.parts().iter().map(|p| out.norm(&p.token)).collect();
/// assert_eq!(parts, ["khilafah", "is", "back"]);
/// # Ok::<(), narrascope_tokenize::TokenizeError>(())
/// ```
#[derive(Clone)]
pub struct Tokenizer {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for Tokenizer {
    fn eq(&self, other: &Self) -> bool {
        self.inner.config == other.inner.config
    }
}

impl Serialize for Tokenizer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.inner.config.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Tokenizer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let config = TokenizerConfig::deserialize(d)?;
        Tokenizer::from_config(config).map_err(serde::de::Error::custom)
    }
}

/// A raw token before normalisation, spans in the cleaned text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Raw {
    kind: TokenKind,
    start: usize,
    end: usize,
    joined: bool,
}

/// A UAX #29 piece of a chunk: start, end, kind.
pub(crate) type Piece = (usize, usize, PieceKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PieceKind {
    Alnum,
    LeetSym,
    Emoji,
    Punct,
    Other,
}

fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2300}'..='\u{23FF}'
        | '\u{2B00}'..='\u{2BFF}' | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
        | '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21AA}')
}

fn is_kept_punct(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '"' | '“' | '”' | '«' | '»' | '„' | '…' | '؟' | '。' | '¡' | '¿'
    )
}

fn piece_kind(piece: &str) -> PieceKind {
    let mut chars = piece.chars();
    let Some(c) = chars.next() else {
        return PieceKind::Other;
    };
    if c.is_alphanumeric() {
        return PieceKind::Alnum;
    }
    if is_emoji(c) {
        return PieceKind::Emoji;
    }
    if chars.next().is_none() {
        if matches!(c, '@' | '$' | '!') {
            return PieceKind::LeetSym;
        }
        if is_kept_punct(c) {
            return PieceKind::Punct;
        }
    } else if piece.chars().any(char::is_alphanumeric) {
        return PieceKind::Alnum;
    }
    PieceKind::Other
}

fn is_number(s: &str) -> bool {
    s.as_bytes().first().is_some_and(|b| b.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_numeric() || matches!(c, '.' | ',' | '\'' | '٫' | '٬'))
        || (s.chars().next().is_some_and(char::is_numeric) && s.chars().all(char::is_numeric))
}

fn word_or_number(s: &str) -> TokenKind {
    if is_number(s) {
        TokenKind::Number
    } else {
        TokenKind::Word
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The raw token of a chunk that is a plain ASCII word or number (most chunks), if it is one.
#[inline]
fn plain_chunk(start: usize, chunk: &str) -> Option<Raw> {
    let b = chunk.as_bytes();
    let kind = if b.iter().all(u8::is_ascii_alphabetic) {
        TokenKind::Word
    } else if b.iter().all(u8::is_ascii_digit) {
        TokenKind::Number
    } else {
        return None;
    };
    Some(Raw {
        kind,
        start,
        end: start + b.len(),
        joined: false,
    })
}

/// Length of a URL at the start of `s` (without trailing punctuation), if `s` starts with one.
fn url_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let starts = |p: &str| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if !(starts("http://") || starts("https://") || starts("www.")) {
        return None;
    }
    Some(trim_trailing_punct(s))
}

fn trim_trailing_punct(s: &str) -> usize {
    s.trim_end_matches(|c: char| ".,;:!?)]}\"'»”’…".contains(c))
        .len()
}

/// Length of an e-mail address at the start of `s`, if any.
fn email_len(s: &str) -> Option<usize> {
    let at = s.find('@')?;
    if at == 0
        || !s[..at]
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-".contains(c))
    {
        return None;
    }
    let len = trim_trailing_punct(s);
    let domain = &s[at + 1..len.max(at + 1)];
    let ok = domain.contains('.')
        && !domain.starts_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    ok.then_some(len)
}

impl Tokenizer {
    /// A tokenizer with the default configuration (every step on, language guessed).
    pub fn new() -> Self {
        Self::from_config(TokenizerConfig::default()).expect("the default configuration is valid")
    }
    /// Starts a builder.
    pub fn builder() -> TokenizerBuilder {
        TokenizerBuilder::new()
    }
    /// Builds a tokenizer from a configuration.
    ///
    /// # Errors
    /// None today for configurations made through the typed API; kept for forward
    /// compatibility (custom stopword files, new steps).
    pub fn from_config(config: TokenizerConfig) -> Result<Self> {
        let mut steps = Vec::new();
        let c = &config;
        for (on, step) in [
            // The order makes the pipeline idempotent: a step never creates input that an
            // earlier step would have changed (leet creates Latin letters that decide homoglyph
            // folding; leet, homoglyphs, diacritics and apostrophes can create letter runs).
            (c.nfkc_casefold, NormalizerStep::NfkcCaseFold),
            (c.arabic, NormalizerStep::Arabic),
            (c.apostrophes, NormalizerStep::Apostrophes),
            (c.leetspeak, NormalizerStep::Leetspeak),
            (c.homoglyphs, NormalizerStep::Homoglyphs),
            (c.diacritics, NormalizerStep::Diacritics),
            (c.elongation, NormalizerStep::Elongation),
        ] {
            if on {
                steps.push(step);
            }
        }
        let wanted: Vec<Language> = match c.language {
            LanguageChoice::Auto => AUTO_LANGS.to_vec(),
            LanguageChoice::Fixed(l) => vec![l],
        };
        let ascii_steps = steps
            .iter()
            .copied()
            .filter(|s| {
                matches!(
                    s,
                    NormalizerStep::NfkcCaseFold
                        | NormalizerStep::Apostrophes
                        | NormalizerStep::Leetspeak
                        | NormalizerStep::Elongation
                )
            })
            .collect();
        let mut inner = Inner {
            config: config.clone(),
            steps,
            ascii_steps,
            langs: Vec::new(),
            stop: Default::default(),
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        };
        let mut langs = Vec::new();
        let mut stop: rustc_hash::FxHashMap<Box<str>, u16> = Default::default();
        for (li, l) in wanted.into_iter().enumerate() {
            if let Some(list) = l.stopword_list() {
                let ctx = DocContext {
                    mostly_latin: l != Language::Arabic,
                };
                let (mut w, mut s) = (String::new(), String::new());
                for word in list_words(list) {
                    w.clear();
                    w.push_str(word);
                    inner.apply_steps(&mut w, &mut s, &ctx);
                    if !w.is_empty() {
                        *stop.entry(w.as_str().into()).or_insert(0) |= 1 << li;
                    }
                }
            }
            langs.push((l, Stemmer::create(l.algorithm())));
        }
        if langs.is_empty() {
            return Err(TokenizeError::InvalidConfig("no language".into()));
        }
        inner.langs = langs;
        inner.stop = stop;
        Ok(Tokenizer {
            inner: Arc::new(inner),
        })
    }
    /// The configuration this tokenizer was built from.
    pub fn config(&self) -> &TokenizerConfig {
        &self.inner.config
    }

    /// Runs the token-level normalisation steps on one word, in a document of context `ctx`
    /// (see [`Tokenized::context`]). Idempotent: normalising a normalised word changes nothing.
    pub fn normalize_word(&self, word: &str, ctx: &DocContext) -> String {
        let mut w = word.to_string();
        self.inner.apply_steps(&mut w, &mut String::new(), ctx);
        w
    }

    /// Tokenizes `text` into a new [`Tokenized`].
    pub fn tokenize(&self, text: &str) -> Tokenized {
        let mut out = Tokenized::new();
        self.tokenize_into(text, &mut out);
        out
    }

    /// The normalised text: token forms joined by single spaces (idempotent).
    pub fn normalize(&self, text: &str) -> String {
        self.tokenize(text).normalized_text()
    }

    /// Whether `word` (already normalised) is a stopword of `language`.
    pub fn is_stopword(&self, language: Language, word: &str) -> bool {
        let Some(i) = self.inner.langs.iter().position(|(l, _)| *l == language) else {
            return false;
        };
        self.inner.stop.get(word).is_some_and(|m| m & (1 << i) != 0)
    }

    /// Normalises and stems one word or phrase piece the way words in text are treated, for
    /// matching lists (lexicons) against tokens. Returns the stems of the words of `phrase`.
    pub fn stem_phrase(&self, phrase: &str, language: Option<Language>) -> Vec<String> {
        let mut out = Tokenized::new();
        self.tokenize_with(phrase, &mut out, language, false);
        out.tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .map(|t| out.stem(t).to_string())
            .collect()
    }

    /// Tokenizes `text` into `out`, reusing its buffers.
    pub fn tokenize_into(&self, text: &str, out: &mut Tokenized) {
        self.tokenize_with(text, out, None, true)
    }

    /// Like [`Self::tokenize_into`] but without sentence segmentation (`out.sentences()` is
    /// empty): the fast path for callers that only need tokens, such as feature extraction.
    pub fn tokenize_words_into(&self, text: &str, out: &mut Tokenized) {
        self.tokenize_with(text, out, None, false)
    }

    fn tokenize_with(
        &self,
        text: &str,
        out: &mut Tokenized,
        force_lang: Option<Language>,
        with_sentences: bool,
    ) {
        out.clear();
        let inner = &*self.inner;
        let cfg = &inner.config;
        let mut cache = wordcache::take();
        cache.prepare(inner.uid);
        out.word_epoch = cache.epoch;
        let mut clean = std::mem::take(&mut out.clean);
        let mut shifts = std::mem::take(&mut out.shifts);
        let cleaned = cfg.invisible && InvisibleChars.remove(text, &mut clean, &mut shifts);
        let src: &str = if cleaned { &clean } else { text };

        // 1. raw tokens
        let mut raws = std::mem::take(&mut out.raws);
        let mut pieces = std::mem::take(&mut out.pieces);
        raws.clear();
        chunks(src, |start, chunk| {
            self.chunk_tokens_cached(&mut cache, src, start, chunk, &mut raws, &mut pieces)
        });
        // 2. separated letters across white space / dashes
        if cfg.separated_letters {
            merge_separated(src, &mut raws);
        }
        // 3. document context
        let (mut latin, mut nonlatin) = (0usize, 0usize);
        for r in raws.iter().filter(|r| r.kind == TokenKind::Word) {
            match src[r.start..].chars().next() {
                Some(c) if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) => {
                    latin += 1
                }
                Some(c) if ('\u{0370}'..='\u{052F}').contains(&c) => nonlatin += 1,
                _ => {}
            }
        }
        let ctx = DocContext {
            mostly_latin: latin > 0 && latin >= 2 * nonlatin,
        };
        out.context = ctx;
        let map = OffsetMap {
            shifts: if cleaned { &shifts } else { &[] },
        };

        // 4. normalise
        let mut word = std::mem::take(&mut out.word);
        let mut scratch = std::mem::take(&mut out.scratch);
        let buf = &mut out.buf;
        buf.reserve(src.len() + 16);
        for r in &raws {
            let mut fl = 0u16;
            word.clear();
            let s = &src[r.start..r.end];
            let cacheable =
                r.kind == TokenKind::Word && !r.joined && s.len() <= WordCache::MAX_WORD_BYTES;
            let latin = ctx.mostly_latin;
            // a cached word's normalised form is copied straight from the cache to `buf`
            let hit = if cacheable { cache.get(latin, s) } else { None };
            if r.joined {
                word.extend(s.chars().filter(|&c| !SeparatedLetters::is_separator(c)));
                fl |= flags::SEPARATED;
            } else if hit.is_none() {
                word.push_str(s);
            }
            let mut cached = u32::MAX;
            match r.kind {
                TokenKind::Word if cacheable => {
                    let id = match hit {
                        Some(id) => id,
                        None => {
                            let flags = inner.apply_steps(&mut word, &mut scratch, &ctx);
                            let entry = inner.entry(&mut cache, &word, flags);
                            cache.insert(latin, s, entry)
                        }
                    };
                    fl |= cache.entries[id as usize].flags;
                    cached = id;
                }
                TokenKind::Word => fl |= inner.apply_steps(&mut word, &mut scratch, &ctx),
                TokenKind::Hashtag => {
                    // '#' + the tag body normalised as a word (through the word cache, as a
                    // word written like the body would be)
                    let mut body = std::mem::take(&mut out.body);
                    body.clear();
                    body.push_str(&word[1..]);
                    fl |= inner
                        .normalize_cached(&mut cache, &mut body, &mut scratch, &ctx)
                        .0;
                    word.truncate(1);
                    word.push_str(&body);
                    out.body = body;
                }
                TokenKind::Number | TokenKind::Mention => {
                    if cfg.nfkc_casefold {
                        fl |= NormalizerStep::NfkcCaseFold.normalize(&mut word, &mut scratch, &ctx)
                            as u16
                            * flags::NFKC;
                    }
                }
                TokenKind::Url | TokenKind::Email => word.make_ascii_lowercase(),
                TokenKind::Punct => {
                    if matches!(s, "“" | "”" | "«" | "»" | "„") {
                        word.clear();
                        word.push('"');
                    }
                }
                TokenKind::Emoji => {}
            }
            let norm: &str = match cached {
                u32::MAX => &word,
                id => cache.str_of(cache.entries[id as usize].norm),
            };
            if norm.is_empty() {
                continue;
            }
            let (ostart, oend) = (map.start(r.start), map.end(r.end));
            if cleaned && oend - ostart != r.end - r.start {
                fl |= flags::INVISIBLE;
            }
            let n0 = buf.len() as u32;
            buf.push_str(norm);
            let n1 = buf.len() as u32;
            let mut aux = (0, 0);
            if matches!(r.kind, TokenKind::Url | TokenKind::Email) {
                let d = domain_of(&buf[n0 as usize..n1 as usize], r.kind);
                aux = (n0 + d.0 as u32, n0 + d.1 as u32);
            }
            out.word_ids.push(cached);
            out.tokens.push(Token {
                kind: r.kind,
                span: Span::new(ostart, oend),
                stopword: false,
                flags: fl,
                norm: (n0, n1),
                stem: (n0, n1),
                aux,
            });
        }

        // 5. hashtag parts
        let (mut tag_chars, mut tag_parts) = (
            std::mem::take(&mut out.tag_chars),
            std::mem::take(&mut out.tag_parts),
        );
        for (ti, t) in out.tokens.iter().enumerate() {
            if t.kind != TokenKind::Hashtag {
                continue;
            }
            let (cs, ce) = (t.span.start, t.span.end); // original coordinates
            let body_start = cs + 1;
            hashtag_parts(
                &text[body_start.min(ce)..ce],
                &mut tag_chars,
                &mut tag_parts,
            );
            for &(ps, pe) in &tag_parts {
                let piece = &text[body_start + ps..body_start + pe];
                word.clear();
                if piece.is_ascii() {
                    // no invisible character is ASCII (`lead_bytes_cover_every_invisible_character`)
                    word.push_str(piece);
                } else {
                    word.extend(piece.chars().filter(|&c| !InvisibleChars::is_invisible(c)));
                }
                let kind = word_or_number(&word);
                let mut fl = 0;
                // a word part goes through the word cache as a word of the text would (the
                // same key: the part as written, without invisible characters)
                let mut id = u32::MAX;
                if kind == TokenKind::Word {
                    (fl, id) = inner.normalize_cached(&mut cache, &mut word, &mut scratch, &ctx);
                } else {
                    word.make_ascii_lowercase();
                }
                if word.is_empty() {
                    continue;
                }
                let n0 = buf.len() as u32;
                buf.push_str(&word);
                let n1 = buf.len() as u32;
                out.word_ids.push(id);
                out.parts.push(Part {
                    parent: ti,
                    token: Token {
                        kind,
                        span: Span::new(body_start + ps, body_start + pe),
                        stopword: false,
                        flags: fl,
                        norm: (n0, n1),
                        stem: (n0, n1),
                        aux: (0, 0),
                    },
                });
            }
        }

        (out.tag_chars, out.tag_parts) = (tag_chars, tag_parts);

        // 5b. quotations: flag the tokens between matching quotation marks (per occurrence,
        // after the word cache, which never sees this flag)
        let mut spans = std::mem::take(&mut out.quotes);
        spans.clear();
        quote::quoted_spans(text, &mut spans);
        for &(a, b) in &spans {
            let first = out.tokens.partition_point(|t| t.span.start < a);
            for t in out.tokens[first..].iter_mut() {
                if t.span.end > b {
                    break;
                }
                t.flags |= flags::QUOTED;
            }
        }
        out.quotes = spans;

        // 6. language, stopwords, stems
        let lang_idx = match (force_lang, cfg.language) {
            (Some(l), _) | (None, LanguageChoice::Fixed(l)) => {
                inner.langs.iter().position(|(x, _)| *x == l).unwrap_or(0)
            }
            (None, LanguageChoice::Auto) => {
                inner.guess_language(&out.tokens, &out.word_ids, &cache, buf)
            }
        };
        let (language, stemmer) = &inner.langs[lang_idx];
        let lang_bit = 1u16 << lang_idx;
        out.language = Some(*language);
        let do_stop = cfg.stopwords;
        let do_stem = cfg.stemming;
        // the tokens' word ids, then the parts'
        let ids = out.word_ids.iter().copied();
        let all = out
            .tokens
            .iter_mut()
            .chain(out.parts.iter_mut().map(|p| &mut p.token));
        for (t, id) in all.zip(ids) {
            if t.kind != TokenKind::Word {
                continue;
            }
            let n = &buf[t.norm.0 as usize..t.norm.1 as usize];
            let entry = cache.entries.get_mut(id as usize);
            let stop = match &entry {
                Some(e) => e.stop,
                None => inner.stop.get(n).copied().unwrap_or(0),
            };
            if do_stop && stop & lang_bit != 0 {
                t.stopword = true;
                continue;
            }
            if !do_stem {
                continue;
            }
            word.clear();
            match entry {
                Some(e) if e.stem_lang == lang_idx as u8 => {
                    if let Some((a, b)) = e.stem {
                        // straight from the arena to the token buffer
                        let s0 = buf.len() as u32;
                        buf.push_str(&cache.arena[a as usize..b as usize]);
                        t.stem = (s0, buf.len() as u32);
                    }
                    continue;
                }
                e => {
                    crate::lang::cached_stem(*language, stemmer, n, |stemmed| {
                        if stemmed != n && !stemmed.is_empty() {
                            word.push_str(stemmed);
                        }
                    });
                    if let Some(e) = e {
                        e.stem_lang = lang_idx as u8;
                        e.stem = (!word.is_empty()).then(|| {
                            let a = cache.arena.len() as u32;
                            cache.arena.push_str(&word);
                            (a, cache.arena.len() as u32)
                        });
                    }
                }
            }
            if !word.is_empty() {
                let s0 = buf.len() as u32;
                buf.push_str(&word);
                t.stem = (s0, buf.len() as u32);
            }
        }
        wordcache::put_back(cache);

        out.raws = raws;
        out.pieces = pieces;
        out.word = word;
        out.scratch = scratch;

        // 7. sentences
        if !with_sentences {
            out.clean = clean;
            out.shifts = shifts;
            return;
        }
        let mut ti = 0;
        let ntok = out.tokens.len();
        let tokens = &out.tokens;
        let sents = &mut out.sentences;
        crate::segment::sentences(src, |s, sent| {
            let trimmed = sent.trim_end();
            let lead = trimmed.len() - trimmed.trim_start().len();
            if trimmed.trim_start().is_empty() {
                return;
            }
            let span = Span::new(map.start(s + lead), map.end(s + trimmed.len()));
            let first = ti;
            while ti < ntok && tokens[ti].span.start < span.end {
                ti += 1;
            }
            sents.push(Sentence {
                span,
                tokens: first..ti,
            });
        });
        if ti < ntok {
            // tokens after the last sentence end (cannot normally happen) join the last sentence
            if let Some(last) = out.sentences.last_mut() {
                last.tokens.end = ntok;
                last.span.end = last.span.end.max(out.tokens[ntok - 1].span.end);
            }
        }

        out.clean = clean;
        out.shifts = shifts;
    }

    /// Splits one white-space-free chunk into raw tokens: a plain ASCII word or number
    /// directly, a short chunk of another shape from the cache's chunk table when it was split
    /// before, anything else with [`Self::split_chunk`].
    #[inline]
    fn chunk_tokens_cached(
        &self,
        cache: &mut WordCache,
        src: &str,
        start: usize,
        chunk: &str,
        raws: &mut Vec<Raw>,
        pieces: &mut Vec<Piece>,
    ) {
        if let Some(r) = plain_chunk(start, chunk) {
            raws.push(r);
            return;
        }
        if chunk.len() > WordCache::MAX_WORD_BYTES {
            return self.split_chunk(src, start, chunk, raws, pieces);
        }
        if let Some(cached) = cache.chunk(chunk) {
            raws.extend(cached.iter().map(|r| Raw {
                start: r.start + start,
                end: r.end + start,
                ..*r
            }));
            return;
        }
        let first = raws.len();
        self.split_chunk(src, start, chunk, raws, pieces);
        cache.insert_chunk(
            chunk,
            raws[first..].iter().map(|r| Raw {
                start: r.start - start,
                end: r.end - start,
                ..*r
            }),
        );
    }

    /// Splits a white-space-free chunk that is not a plain ASCII word or number (see
    /// [`plain_chunk`]) into raw tokens: URLs, mentions, hashtags, e-mail addresses, and UAX #29
    /// pieces for the rest.
    fn split_chunk(
        &self,
        src: &str,
        start: usize,
        chunk: &str,
        raws: &mut Vec<Raw>,
        pieces: &mut Vec<Piece>,
    ) {
        // leading punctuation before a special token
        let lead = chunk
            .find(|c: char| c.is_alphanumeric() || matches!(c, '@' | '#' | '$'))
            .unwrap_or(chunk.len());
        if lead > 0 {
            self.pieces(src, start, &chunk[..lead], raws, pieces);
        }
        let rest = &chunk[lead..];
        let rs = start + lead;
        if rest.is_empty() {
            return;
        }
        let special = if let Some(n) = url_len(rest) {
            Some((TokenKind::Url, n))
        } else if rest.starts_with('@') && rest[1..].starts_with(is_word_char) {
            Some((
                TokenKind::Mention,
                1 + rest[1..]
                    .find(|c: char| !is_word_char(c))
                    .unwrap_or(rest.len() - 1),
            ))
        } else if rest.starts_with('#') && rest[1..].starts_with(is_word_char) {
            Some((
                TokenKind::Hashtag,
                1 + rest[1..]
                    .find(|c: char| !is_word_char(c))
                    .unwrap_or(rest.len() - 1),
            ))
        } else {
            email_len(rest).map(|n| (TokenKind::Email, n))
        };
        match special {
            Some((kind, n)) if n > 0 => {
                raws.push(Raw {
                    kind,
                    start: rs,
                    end: rs + n,
                    joined: false,
                });
                if n < rest.len() {
                    match plain_chunk(rs + n, &rest[n..]) {
                        Some(r) => raws.push(r),
                        None => self.split_chunk(src, rs + n, &rest[n..], raws, pieces),
                    }
                }
            }
            _ => self.pieces(src, rs, rest, raws, pieces),
        }
    }

    /// UAX #29 word pieces of a chunk, with leet runs (`m@rtyr`, `k!ll`) merged.
    fn pieces(
        &self,
        _src: &str,
        start: usize,
        chunk: &str,
        raws: &mut Vec<Raw>,
        pieces: &mut Vec<Piece>,
    ) {
        let cfg = &self.inner.config;
        pieces.clear();
        crate::segment::word_pieces(chunk, |off, p| {
            let k = piece_kind(p);
            if k != PieceKind::Other {
                pieces.push((start + off, start + off + p.len(), k));
            }
        });
        let n = pieces.len();
        let mut i = 0;
        while i < n {
            let (s, e, k) = pieces[i];
            // try a leet run: alnum/sym pieces touching each other, with a symbol inside
            if cfg.leetspeak && matches!(k, PieceKind::Alnum | PieceKind::LeetSym) {
                let mut j = i;
                let mut end = e;
                let mut has_sym = k == PieceKind::LeetSym;
                while j + 1 < n
                    && pieces[j + 1].0 == end
                    && matches!(pieces[j + 1].2, PieceKind::Alnum | PieceKind::LeetSym)
                {
                    j += 1;
                    end = pieces[j].1;
                    has_sym |= pieces[j].2 == PieceKind::LeetSym;
                }
                if j > i && has_sym {
                    // drop trailing symbols ("join!!") from the run
                    while j > i && pieces[j].2 == PieceKind::LeetSym {
                        j -= 1;
                    }
                    end = pieces[j].1;
                    let run = &_src[s..end];
                    if j > i && Leetspeak::is_leet_word(run) {
                        raws.push(Raw {
                            kind: TokenKind::Word,
                            start: s,
                            end,
                            joined: false,
                        });
                        i = j + 1;
                        continue;
                    }
                }
            }
            match k {
                PieceKind::Alnum => {
                    let p = &_src[s..e];
                    let joined = cfg.separated_letters
                        && p.contains(['.', '_', '-'])
                        && SeparatedLetters::is_dotted_word(p);
                    let kind = if joined {
                        TokenKind::Word
                    } else {
                        word_or_number(p)
                    };
                    raws.push(Raw {
                        kind,
                        start: s,
                        end: e,
                        joined,
                    });
                }
                PieceKind::Emoji => raws.push(Raw {
                    kind: TokenKind::Emoji,
                    start: s,
                    end: e,
                    joined: false,
                }),
                PieceKind::Punct => raws.push(Raw {
                    kind: TokenKind::Punct,
                    start: s,
                    end: e,
                    joined: false,
                }),
                PieceKind::LeetSym => {
                    if &_src[s..e] == "!" {
                        raws.push(Raw {
                            kind: TokenKind::Punct,
                            start: s,
                            end: e,
                            joined: false,
                        });
                    }
                }
                PieceKind::Other => {}
            }
            i += 1;
        }
    }
}

impl Inner {
    /// The word cache's entry for a word whose normalised form is `norm`.
    fn entry(&self, cache: &mut WordCache, norm: &str, flags: u16) -> WordEntry {
        WordEntry {
            norm: cache.store(norm),
            flags,
            stop: self.stop.get(norm).copied().unwrap_or(0),
            stem_lang: u8::MAX,
            stem: None,
        }
    }

    /// Normalises the raw word in `word` through the word cache, as a word of the text would
    /// be: a cached form replaces it, or the steps run and their result is cached (when the
    /// word is short enough to be a key). Returns the steps' flags and the entry's index
    /// (`u32::MAX` when not cached).
    fn normalize_cached(
        &self,
        cache: &mut WordCache,
        word: &mut String,
        scratch: &mut String,
        ctx: &DocContext,
    ) -> (u16, u32) {
        let latin = ctx.mostly_latin;
        let key = InlineKey::new(word);
        if let Some(i) = key.and_then(|k| cache.get_key(latin, k)) {
            let e = &cache.entries[i as usize];
            word.clear();
            word.push_str(cache.str_of(e.norm));
            return (e.flags, i);
        }
        let flags = self.apply_steps(word, scratch, ctx);
        let Some(k) = key else {
            return (flags, u32::MAX);
        };
        let entry = self.entry(cache, word, flags);
        (flags, cache.insert_key(latin, k, entry))
    }

    /// Runs the token-level steps on a word; returns the flags of the steps that changed it.
    fn apply_steps(&self, word: &mut String, scratch: &mut String, ctx: &DocContext) -> u16 {
        let mut fl = 0;
        // ASCII words reach a fixed point in one pass (the step order sees to it). Outside
        // ASCII, a later step can occasionally expose work for an earlier one (a combining mark
        // removed by Diacritics unblocks Leetspeak); a few more passes make the result
        // idempotent, as the property tests check.
        if word.is_ascii() {
            for step in &self.ascii_steps {
                if step.normalize(word, scratch, ctx) {
                    fl |= step.flag();
                }
            }
            return fl;
        }
        for _ in 0..4 {
            let mut changed = false;
            for step in &self.steps {
                if step.normalize(word, scratch, ctx) {
                    fl |= step.flag();
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        fl
    }

    fn guess_language(
        &self,
        tokens: &[Token],
        word_ids: &[u32],
        cache: &WordCache,
        buf: &str,
    ) -> usize {
        let mut script = [0usize; 4]; // latin, arabic, cyrillic, greek
        let mut votes = [0usize; 16];
        for (t, &id) in tokens.iter().zip(word_ids) {
            if t.kind != TokenKind::Word {
                continue;
            }
            let n = &buf[t.norm.0 as usize..t.norm.1 as usize];
            let Some(c) = n.chars().next() else { continue };
            let sc = match c {
                '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FEFF}' => 1,
                '\u{0400}'..='\u{052F}' => 2,
                '\u{0370}'..='\u{03FF}' => 3,
                _ => 0,
            };
            script[sc] += 1;
            if sc == 0 {
                let mask = match cache.entries.get(id as usize) {
                    Some(e) => e.stop,
                    None => self.stop.get(n).copied().unwrap_or(0),
                };
                // one vote for each language whose list has the word (its set bits)
                let mut m = mask;
                while m != 0 {
                    votes[m.trailing_zeros() as usize] += 1;
                    m &= m - 1;
                }
            }
        }
        let by_script = |l: Language| self.langs.iter().position(|(x, _)| *x == l);
        let best_script = (0..4).max_by_key(|&i| (script[i], i == 0)).unwrap_or(0);
        match best_script {
            1 if script[1] > 0 => return by_script(Language::Arabic).unwrap_or(0),
            2 if script[2] > 0 => return by_script(Language::Russian).unwrap_or(0),
            3 if script[3] > 0 => return by_script(Language::Greek).unwrap_or(0),
            _ => {}
        }
        let english = by_script(Language::English).unwrap_or(0);
        let best = (0..self.langs.len()).max_by_key(|&i| (votes[i], i == english));
        match best {
            Some(i) if votes[i] > 0 => i,
            _ => english,
        }
    }
}

/// Byte range of the domain inside a lower-cased URL or e-mail.
fn domain_of(s: &str, kind: TokenKind) -> (usize, usize) {
    if kind == TokenKind::Email {
        return s.find('@').map(|i| (i + 1, s.len())).unwrap_or((0, 0));
    }
    let mut start = 0;
    if let Some(i) = s.find("://") {
        start = i + 3;
    }
    if s[start..].starts_with("www.") {
        start += 4;
    }
    let end = s[start..]
        .find(['/', '?', '#', ':'])
        .map(|i| start + i)
        .unwrap_or(s.len());
    (start, end)
}

/// Non-white-space chunks of `s` with their offsets.
fn chunks<'a>(s: &'a str, mut f: impl FnMut(usize, &'a str)) {
    if s.is_ascii() {
        let b = s.as_bytes();
        let mut i = 0;
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() {
                return;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            f(start, &s[start..i]);
        }
    }
    // other text: split at every `char::is_whitespace` character, found by its bytes (every
    // byte is looked at; a continuation byte never starts a white-space character)
    let b = s.as_bytes();
    let (mut i, mut start) = (0, 0);
    while i < b.len() {
        match whitespace_len(b, i) {
            0 => i += 1,
            w => {
                if i > start {
                    f(start, &s[start..i]);
                }
                i += w;
                start = i;
            }
        }
    }
    if start < b.len() {
        f(start, &s[start..]);
    }
}

/// The length in bytes of the white-space character (`char::is_whitespace`: U+0009-U+000D,
/// U+0020, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000)
/// that starts at byte `i` of the UTF-8 text `b`, or 0.
#[inline]
fn whitespace_len(b: &[u8], i: usize) -> usize {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        0x09..=0x0D | b' ' => 1,
        0xC2 if matches!(at(1), 0x85 | 0xA0) => 2,
        0xE1 if at(1) == 0x9A && at(2) == 0x80 => 3,
        0xE2 => match (at(1), at(2)) {
            (0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F) => 3,
            _ => 0,
        },
        0xE3 if at(1) == 0x80 && at(2) == 0x80 => 3,
        _ => 0,
    }
}

/// Word parts of a hashtag body: split at `_`, at letter/digit changes and at camelCase.
fn hashtag_parts(body: &str, chars: &mut Vec<(usize, char)>, parts: &mut Vec<(usize, usize)>) {
    parts.clear();
    chars.clear();
    chars.extend(
        body.char_indices()
            .filter(|(_, c)| !InvisibleChars::is_invisible(*c)),
    );
    let mut start: Option<usize> = None;
    for k in 0..chars.len() {
        let (i, c) = chars[k];
        if c == '_' || !c.is_alphanumeric() {
            if let Some(s) = start.take() {
                parts.push((s, i));
            }
            continue;
        }
        if let Some(s) = start {
            let (_, p) = chars[k - 1];
            let next_lower = chars.get(k + 1).is_some_and(|(_, n)| n.is_lowercase());
            let boundary = (p.is_numeric() != c.is_numeric())
                || (p.is_lowercase() && c.is_uppercase())
                || (p.is_uppercase() && c.is_uppercase() && next_lower);
            if boundary {
                parts.push((s, i));
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        parts.push((s, body.len()));
    }
}

/// Joins runs of >= 3 single-letter words separated by exactly one separator character.
/// The apostrophes that may sit inside a spaced-out word.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn merge_separated(src: &str, raws: &mut Vec<Raw>) {
    // a word of one letter: at most 4 bytes (checked first: most words are longer)
    let single = |r: &Raw| {
        r.kind == TokenKind::Word
            && r.end - r.start <= 4
            && match src.as_bytes()[r.start] {
                // an ASCII first byte is a whole character
                b if b.is_ascii() => r.end - r.start == 1 && b.is_ascii_alphabetic(),
                _ => {
                    let mut it = src[r.start..r.end].chars();
                    matches!((it.next(), it.next()), (Some(c), None) if c.is_alphabetic())
                }
            }
    };
    // one separator, or an apostrophe inside the spaced word (`b a y ' a h`, `d o n ' t`)
    let gap_ok = |a: &Raw, b: &Raw| {
        let mut g = src[a.end..b.start].chars();
        match (g.next(), g.next(), g.next(), g.next()) {
            (Some(c), None, _, _) => SeparatedLetters::is_separator(c) || is_apostrophe(c),
            (Some(x), Some(q), Some(y), None) => {
                x == y && SeparatedLetters::is_separator(x) && is_apostrophe(q)
            }
            _ => false,
        }
    };
    // The next run of single letters with separator gaps at or after `i`: (first, last).
    let next_run = |raws: &[Raw], mut i: usize| -> Option<(usize, usize)> {
        while i < raws.len() {
            if single(&raws[i]) {
                let mut j = i;
                while j + 1 < raws.len() && single(&raws[j + 1]) && gap_ok(&raws[j], &raws[j + 1]) {
                    j += 1;
                }
                if j > i {
                    return Some((i, j));
                }
                i = j + 1;
            } else {
                i += 1;
            }
        }
        None
    };
    // Three letters or more make a spaced-out word. Two (`e.g`, `a b`) only in a text that
    // spells another word out that way (`b a y ' a h   i s   a   d u t y`). Most texts have
    // no run of three: they return here without allocating.
    let mut from = 0;
    loop {
        match next_run(raws, from) {
            Some((i, j)) if j - i >= 2 => break,
            Some((_, j)) => from = j + 1,
            None => return,
        }
    }
    let mut out = Vec::with_capacity(raws.len());
    let (mut next, mut from) = (0, 0);
    while let Some((i, j)) = next_run(raws, from) {
        out.extend_from_slice(&raws[next..i]);
        out.push(Raw {
            kind: TokenKind::Word,
            start: raws[i].start,
            end: raws[j].end,
            joined: true,
        });
        next = j + 1;
        from = j + 1;
    }
    out.extend_from_slice(&raws[next..]);
    *raws = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `chunks` as it was written before the byte scanner: `str::split` at
    /// `char::is_whitespace` (non-ASCII text; ASCII text has its own loop).
    fn chunks_by_split(s: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut pos = 0usize;
        for piece in s.split(char::is_whitespace) {
            let start = pos;
            pos += piece.len();
            if let Some(c) = s[pos..].chars().next() {
                pos += c.len_utf8();
            }
            if !piece.is_empty() {
                out.push((start, piece.to_string()));
            }
        }
        out
    }

    fn chunks_vec(s: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        chunks(s, |start, c| out.push((start, c.to_string())));
        out
    }

    /// Every character: the byte test agrees with `char::is_whitespace`, and text holding
    /// it (made non-ASCII by an `é`) splits as `str::split` splits it.
    #[test]
    fn chunks_split_at_every_whitespace_character() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let e = c.encode_utf8(&mut buf).as_bytes();
            let want = if c.is_whitespace() { e.len() } else { 0 };
            assert_eq!(whitespace_len(e, 0), want, "U+{:04X}", c as u32);
            if c.is_whitespace() || c as u32 % 97 == 0 {
                let t = format!("{c}é{c}{c}a b{c}");
                assert_eq!(chunks_vec(&t), chunks_by_split(&t), "U+{:04X}", c as u32);
            }
        }
        // a truncated sequence at the end of a slice is not white space
        assert_eq!(whitespace_len(&[0xE2, 0x80], 0), 0);
        assert_eq!(whitespace_len(&[0xC2], 0), 0);
    }

    fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "a", "Z", "1", ".", " ", "  ", "\t", "\n", "\r\n", "\u{b}", "\u{c}", "\u{1c}",
            "\u{85}", "\u{a0}", "\u{1680}", "\u{2000}", "\u{2007}", "\u{200a}", "\u{200b}",
            "\u{2028}", "\u{2029}", "\u{202f}", "\u{205f}", "\u{3000}", "\u{feff}", "é", "ش", "Ж",
            "😀", "\u{2060}", "\u{180e}", "\u{e280}",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Random text of letters, marks and every kind of white space splits as before.
        #[test]
        fn chunks_match_str_split(s in mixed_text()) {
            if !s.is_ascii() {
                proptest::prop_assert_eq!(chunks_vec(&s), chunks_by_split(&s));
            }
        }
    }

    #[test]
    fn the_switch_names_are_the_bool_fields() {
        // a field added to the config without a name (or a name left over) fails here
        let v = serde_json::to_value(TokenizerConfig::default()).unwrap();
        let mut bools: Vec<&str> = v
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, x)| x.is_boolean())
            .map(|(k, _)| k.as_str())
            .collect();
        let mut names = TokenizerConfig::SWITCHES.to_vec();
        bools.sort_unstable();
        names.sort_unstable();
        assert_eq!(bools, names);
    }

    #[test]
    fn every_switch_has_a_name() {
        for name in TokenizerConfig::SWITCHES {
            let mut c = TokenizerConfig::default();
            *c.switch_mut(name).unwrap() = false;
            // exactly one field differs from the default
            let mut d = TokenizerConfig::default();
            let off: Vec<&str> = TokenizerConfig::SWITCHES
                .into_iter()
                .filter(|n| *c.switch_mut(n).unwrap() != *d.switch_mut(n).unwrap())
                .collect();
            assert_eq!(off, [name]);
        }
    }

    #[test]
    fn hashtag_splitting() {
        let parts = |s: &str| {
            let (mut chars, mut parts) = (Vec::new(), vec![(9, 9)]);
            hashtag_parts(s, &mut chars, &mut parts);
            parts
                .into_iter()
                .map(|(a, b)| s[a..b].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(parts("KhilafahIsBack"), ["Khilafah", "Is", "Back"]);
        assert_eq!(parts("ISISNews"), ["ISIS", "News"]);
        assert_eq!(parts("dawlah"), ["dawlah"]);
        assert_eq!(parts("Baqiya2019"), ["Baqiya", "2019"]);
        assert_eq!(parts("join_us"), ["join", "us"]);
    }

    #[test]
    fn url_and_email() {
        let t = Tokenizer::new();
        let text = "see https://www.Example.com/path?x=1). mail me: a.b@mail.example.org";
        let out = t.tokenize(text);
        let url = out
            .tokens()
            .iter()
            .find(|t| t.kind == TokenKind::Url)
            .unwrap();
        assert_eq!(url.span.slice(text), "https://www.Example.com/path?x=1");
        assert_eq!(out.domain(url), Some("example.com"));
        let mail = out
            .tokens()
            .iter()
            .find(|t| t.kind == TokenKind::Email)
            .unwrap();
        assert_eq!(out.norm(mail), "a.b@mail.example.org");
        assert_eq!(out.domain(mail), Some("mail.example.org"));
    }
}
