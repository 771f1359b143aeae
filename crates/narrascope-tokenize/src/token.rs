//! Output types: tokens, sentences and the [`Tokenized`] container that owns their strings.

use serde::{Deserialize, Serialize};

use crate::lang::Language;
use crate::normalize::DocContext;

/// A half-open byte range `start..end` into the **original** text passed to the tokenizer.
///
/// Both ends always lie on UTF-8 character boundaries of the original text, so
/// `&text[span.start..span.end]` never panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// Creates a span.
    #[inline]
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// Whether the span covers no byte.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// The text of the span in `original`, or `""` when the span does not fit `original`.
    #[inline]
    pub fn slice<'a>(&self, original: &'a str) -> &'a str {
        original.get(self.start..self.end).unwrap_or("")
    }
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A word (letters, possibly disguised with digits or symbols).
    Word,
    /// A number, date part, price amount, version...
    Number,
    /// `#tag`; its word parts are in [`Tokenized::parts`].
    Hashtag,
    /// `@user`.
    Mention,
    /// A URL; its domain is available through [`Tokenized::domain`].
    Url,
    /// An e-mail address, kept whole and never folded.
    Email,
    /// An emoji or emoji sequence.
    Emoji,
    /// Punctuation that matters for sentences and quotation (`. ! ? " « » …`).
    Punct,
}

/// Bit flags telling which normalisation steps changed a token; useful as an evasion signal.
pub mod flags {
    /// NFKC or case folding changed more than ASCII case (fullwidth, mathematical letters...).
    pub const NFKC: u16 = 1 << 0;
    /// Invisible characters were removed from inside the token.
    pub const INVISIBLE: u16 = 1 << 1;
    /// Cyrillic or Greek look-alikes were folded to Latin.
    pub const HOMOGLYPH: u16 = 1 << 2;
    /// Leetspeak digits or symbols were folded to letters.
    pub const LEET: u16 = 1 << 3;
    /// A run of three or more identical letters was collapsed.
    pub const ELONGATION: u16 = 1 << 4;
    /// Separated single letters ("j o i n") were joined.
    pub const SEPARATED: u16 = 1 << 5;
    /// Arabic diacritics, tatweel or letter variants were normalised.
    pub const ARABIC: u16 = 1 << 6;
    /// Latin diacritics were removed.
    pub const DIACRITICS: u16 = 1 << 7;
    /// Not a normalisation step: the token lies inside a quotation (between matching
    /// quotation marks, see [`crate::quote`]). Set per occurrence, never cached with the word.
    pub const QUOTED: u16 = 1 << 8;
    /// Mask of the steps that indicate deliberate disguise (not ordinary spelling).
    pub const DISGUISE: u16 = INVISIBLE | HOMOGLYPH | LEET | ELONGATION | SEPARATED | NFKC;
}

/// One token. Its strings live in the [`Tokenized`] that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// The kind of token.
    pub kind: TokenKind,
    /// Byte span into the original text.
    pub span: Span,
    /// Whether the normalised word is a stopword of the document's language.
    pub stopword: bool,
    /// Which normalisation steps changed the token, and whether it is quoted (see [`flags`]).
    pub flags: u16,
    pub(crate) norm: (u32, u32),
    pub(crate) stem: (u32, u32),
    pub(crate) aux: (u32, u32),
}

impl Token {
    /// Whether any evasion-undoing step changed this token.
    #[inline]
    pub fn is_disguised(&self) -> bool {
        self.flags & flags::DISGUISE != 0
    }
}

/// A sentence: its span in the original text and the range of its tokens in
/// [`Tokenized::tokens`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span into the original text (trailing white space excluded).
    pub span: Span,
    /// Indices of the sentence's tokens: `tokenized.tokens()[first..end]`.
    pub tokens: std::ops::Range<usize>,
}

/// A word part of a hashtag (`#KhilafahIsBack` → `khilafah`, `is`, `back`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Index of the hashtag token in [`Tokenized::tokens`].
    pub parent: usize,
    /// The part itself, of kind [`TokenKind::Word`] or [`TokenKind::Number`].
    pub token: Token,
}

/// The result of tokenizing one text: tokens in text order with non-overlapping spans, hashtag
/// parts, sentences, and the detected language. Reuse one with
/// [`crate::Tokenizer::tokenize_into`] to avoid allocating per call.
#[derive(Debug, Clone, Default)]
pub struct Tokenized {
    pub(crate) tokens: Vec<Token>,
    pub(crate) parts: Vec<Part>,
    pub(crate) sentences: Vec<Sentence>,
    pub(crate) buf: String,
    pub(crate) language: Option<Language>,
    pub(crate) context: DocContext,
    // scratch space kept between calls
    pub(crate) clean: String,
    pub(crate) shifts: Vec<(u32, u32)>,
    /// Per token, then per hashtag part: its entry in the per-thread word cache, `u32::MAX`
    /// when not cached.
    pub(crate) word_ids: Vec<u32>,
    /// The word cache's epoch the entries of `word_ids` belong to.
    pub(crate) word_epoch: u64,
    pub(crate) raws: Vec<crate::tokenizer::Raw>,
    pub(crate) pieces: Vec<crate::tokenizer::Piece>,
    pub(crate) word: String,
    pub(crate) scratch: String,
    pub(crate) quotes: Vec<(usize, usize)>,
    /// A hashtag's body being normalised.
    pub(crate) body: String,
    /// A hashtag's characters and parts ([`crate::tokenizer`]'s `hashtag_parts`).
    pub(crate) tag_chars: Vec<(usize, char)>,
    pub(crate) tag_parts: Vec<(usize, usize)>,
}

impl Tokenized {
    /// An empty container.
    pub fn new() -> Self {
        Self::default()
    }
    /// Tokens in text order; their spans are ordered and do not overlap.
    #[inline]
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }
    /// Word parts of hashtags (their spans lie inside the hashtag's span).
    #[inline]
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }
    /// Sentences in text order.
    #[inline]
    pub fn sentences(&self) -> &[Sentence] {
        &self.sentences
    }
    /// The language used for stopwords and stemming (given or detected).
    #[inline]
    pub fn language(&self) -> Option<Language> {
        self.language
    }
    /// Facts about the document the token-level steps used (for [`crate::Tokenizer::normalize_word`]).
    #[inline]
    pub fn context(&self) -> DocContext {
        self.context
    }
    /// The normalised form of a token (case-folded, de-disguised), used for features.
    #[inline]
    pub fn norm(&self, token: &Token) -> &str {
        self.buf
            .get(token.norm.0 as usize..token.norm.1 as usize)
            .unwrap_or("")
    }
    /// The stem of a word token (its normalised form when stemming is off or for other kinds).
    #[inline]
    pub fn stem(&self, token: &Token) -> &str {
        self.buf
            .get(token.stem.0 as usize..token.stem.1 as usize)
            .unwrap_or("")
    }
    /// The domain of a URL token (`www.` removed), or the domain of an e-mail address.
    #[inline]
    pub fn domain(&self, token: &Token) -> Option<&str> {
        if token.aux.1 > token.aux.0 {
            self.buf.get(token.aux.0 as usize..token.aux.1 as usize)
        } else {
            None
        }
    }
    /// The word-cache epoch of [`Self::word_id`] and [`Self::part_word_id`]: a number unique
    /// in the process to one state of the tokenizer's per-thread word cache (0 when the text
    /// was not tokenized yet).
    #[inline]
    pub fn word_epoch(&self) -> u64 {
        self.word_epoch
    }
    /// The identity of token `i`'s word in the tokenizer's word cache, when the word went
    /// through it (plain words of at most 24 bytes as written). Within one
    /// [`Self::word_epoch`], tokens with the same id have the same normalised form (the word
    /// was written the same way in the same document context), and, in texts of the same
    /// [`Self::language`], the same stem and stopword status. Ids count the cache's
    /// entries (emptied between texts once past 100,000, so an id is below that plus the
    /// new words of one text): callers may index arrays with them to cache what they derive
    /// from a word, bounding the arrays for huge texts. Ids of different epochs are unrelated.
    #[inline]
    pub fn word_id(&self, i: usize) -> Option<u32> {
        self.word_ids.get(i).copied().filter(|&id| id != u32::MAX)
    }
    /// Like [`Self::word_id`], for the hashtag part `j` of [`Self::parts`].
    #[inline]
    pub fn part_word_id(&self, j: usize) -> Option<u32> {
        self.word_ids
            .get(self.tokens.len() + j)
            .copied()
            .filter(|&id| id != u32::MAX)
    }
    /// The normalised text: normalised forms of all tokens joined by single spaces.
    pub fn normalized_text(&self) -> String {
        let mut s = String::with_capacity(self.buf.len());
        for t in &self.tokens {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(self.norm(t));
        }
        s
    }
    pub(crate) fn clear(&mut self) {
        self.tokens.clear();
        self.parts.clear();
        self.sentences.clear();
        self.buf.clear();
        self.language = None;
        self.clean.clear();
        self.shifts.clear();
        self.word_ids.clear();
    }
}
