//! The fitted vectorizer: vocabulary, idf, lexicon matcher, transform and selection.

use std::cell::RefCell;
use std::ops::Range;

use linfa::ParamGuard;
use narrascope_tokenize::{flags, InlineKey, Span, TokenKind, Tokenized, Tokenizer};
use ndarray::Array2;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::error::{FeatureError, Result};
use crate::hash::{key, KeyHasher};
use crate::lexicon::{LexiconMatcher, MatchScratch, Narrative};
use crate::params::{VectorizerParams, VectorizerValidParams, Weighting};
use crate::rows::FeatureRows;
use crate::seen::SeenSet;
use crate::sparse::SparseVector;

/// Format version of the serialised vectorizer.
pub const FORMAT_VERSION: u32 = 2;

/// Feature families (stored per feature id).
pub mod family {
    /// Document shape.
    pub const SHAPE: u8 = 0;
    /// Lexicon theme.
    pub const LEXICON: u8 = 1;
    /// Word unigram.
    pub const WORD1: u8 = 2;
    /// Word bigram or trigram.
    pub const WORDN: u8 = 3;
    /// Character n-gram.
    pub const CHAR: u8 = 4;
    /// Hashtag.
    pub const HASHTAG: u8 = 5;
    /// Mention.
    pub const MENTION: u8 = 6;
    /// URL / e-mail domain.
    pub const DOMAIN: u8 = 7;
    /// Emoji.
    pub const EMOJI: u8 = 8;
    /// Word unigram of a word inside a quotation (`q:` features, next to its `w:` feature).
    pub const QUOTED: u8 = 9;
}

/// Names of the document-shape features (their ids are `0..SHAPE_NAMES.len()`).
pub const SHAPE_NAMES: [&str; 11] = [
    "shape:len_1_5",
    "shape:len_6_15",
    "shape:len_16_40",
    "shape:len_41_100",
    "shape:len_over_100",
    "shape:first_person",
    "shape:second_person",
    "shape:quotes",
    "shape:exclamations",
    "shape:disguised",
    "shape:links",
];

/// 1 for a first-person pronoun or possessive, 2 for a second-person one (en, fr, de, ar,
/// normalised), else 0. Dispatches on the first byte, so most words are rejected by one
/// comparison (the test `person_agrees_with_the_lists` checks it against the two lists).
#[inline]
fn person(w: &str) -> u8 {
    let Some(&b) = w.as_bytes().first() else {
        return 0;
    };
    if w.len() > 10 {
        return 0;
    }
    match b {
        b'd' => matches!(w, "du" | "dich" | "dir" | "dein" | "deine") as u8 * 2,
        b'e' => matches!(w, "euch" | "euer" | "eure") as u8 * 2,
        b'i' => match w {
            "i" | "ich" => 1,
            "ihr" => 2,
            _ => 0,
        },
        b'j' => (w == "je") as u8,
        b'm' => matches!(
            w,
            "me" | "my"
                | "mine"
                | "myself"
                | "moi"
                | "mon"
                | "ma"
                | "mes"
                | "mich"
                | "mir"
                | "mein"
                | "meine"
                | "meinen"
                | "meiner"
        ) as u8,
        b'n' => matches!(w, "nous" | "notre" | "nos") as u8,
        b'o' => matches!(w, "our" | "ours" | "ourselves") as u8,
        b't' => matches!(w, "tu" | "toi" | "ton" | "ta" | "tes") as u8 * 2,
        b'u' => matches!(w, "us" | "uns" | "unser" | "unsere" | "unseren") as u8,
        b'v' => matches!(w, "vous" | "votre" | "vos") as u8 * 2,
        b'w' => matches!(w, "we" | "wir") as u8,
        b'y' => {
            matches!(
                w,
                "you" | "your" | "yours" | "yourself" | "yourselves" | "ye"
            ) as u8
                * 2
        }
        0xD8 | 0xD9 => match w {
            "انا" | "نحن" | "لي" | "لنا" => 1,
            "انت" | "انتم" | "يا" | "لكم" => 2,
            _ => 0,
        },
        _ => 0,
    }
}

/// Where a feature occurred: its id and the span in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// Feature id.
    pub feature: u32,
    /// Span of the words (or word) that produced it.
    pub span: Span,
}

/// A fitted vectorizer. Deterministic: the same corpus and parameters give the same ids and the
/// same serialised bytes. `Send + Sync`; transform takes `&self`.
///
/// ```
/// use narrascope_features::Vectorizer;
/// let docs = ["come and join the caravan", "join us for the match", "they lied to us, I escaped"];
/// let v = Vectorizer::params().min_df(1).fit(&docs)?;
/// let x = v.transform("Join the caravan!");
/// assert!(x.nnz() > 0);
/// // word-level and character parts are each L2-normalised, plus small shape values
/// assert!((x.norm() - 2f32.sqrt()).abs() < 0.2);
/// # Ok::<(), narrascope_features::FeatureError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Vectorizer {
    params: VectorizerValidParams,
    tokenizer: Tokenizer,
    matcher: LexiconMatcher,
    keys: Vec<u64>,
    names: Vec<String>,
    family: Vec<u8>,
    idf: Vec<f32>,
    /// Key → (id, idf): the idf comes with the probe, saving a second random memory access.
    index: FxHashMap<u64, (u32, f32)>,
    family_weight: [f32; 10],
    n_docs: u32,
    n_fixed: u32,
    /// Process-unique identity, so per-thread caches never serve one vectorizer's ids to
    /// another.
    uid: u64,
}

static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Per-thread cache of the character n-gram feature ids of recent words (words follow Zipf's
/// law, so most words of a text were seen before: one lookup replaces a dozen hashes and
/// vocabulary probes).
#[derive(Default)]
struct WordCache {
    owner: u64,
    table: WordTable<WordEntry>,
    ids: Vec<Hit>,
}

/// Entries derived from normalised words, found by the tokenizer's word id (an array index,
/// see [`Tokenized::word_id`]) or, for a word without one or not yet seen with it, by the
/// normalised form (a hash lookup). Words written differently with the same normalised form
/// share one entry.
struct WordTable<E> {
    /// The tokenizer word-cache epoch the ids of `by_id` belong to.
    epoch: u64,
    /// Tokenizer word id → entry index (`u32::MAX`: not known).
    by_id: Vec<u32>,
    map: FxHashMap<InlineKey, u32>,
    entries: Vec<E>,
}

impl<E> Default for WordTable<E> {
    fn default() -> Self {
        WordTable {
            epoch: 0,
            by_id: Vec::new(),
            map: FxHashMap::default(),
            entries: Vec::new(),
        }
    }
}

impl<E> WordTable<E> {
    /// Word ids at or above this are not remembered (bounds `by_id` for a document of
    /// millions of distinct words; the tokenizer's cache holds 100,000 between documents).
    const MAX_ID: u32 = 1 << 18;

    fn clear(&mut self) {
        self.by_id.clear();
        self.map.clear();
        self.entries.clear();
    }

    /// Makes the ids of the tokenizer word-cache `epoch` the ones remembered.
    #[inline]
    fn follow(&mut self, epoch: u64) {
        if self.epoch != epoch {
            self.by_id.clear();
            self.epoch = epoch;
        }
    }

    /// The index of the entry of the word with tokenizer id `id` (in the followed epoch) and
    /// normalised form `norm`, made by `make` when new; `None` for a form too long to key
    /// (such words are not cached).
    #[inline]
    fn find(&mut self, id: Option<u32>, norm: &str, make: impl FnOnce() -> E) -> Option<usize> {
        if let Some(&i) = id.and_then(|id| self.by_id.get(id as usize)) {
            if i != u32::MAX {
                return Some(i as usize);
            }
        }
        let key = InlineKey::new(norm)?;
        let i = match self.map.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.entries.len() as u32;
                self.entries.push(make());
                self.map.insert(key, i);
                i
            }
        };
        if let Some(id) = id.filter(|&id| id < Self::MAX_ID) {
            let id = id as usize;
            if self.by_id.len() <= id {
                self.by_id.resize(id + 1, u32::MAX);
            }
            self.by_id[id] = i;
        }
        Some(i as usize)
    }
}

/// What the transform knows about one normalised word.
#[derive(Clone, Copy)]
struct WordEntry {
    /// Range of its character n-gram hits in `WordCache::ids`.
    chars: (u32, u32),
    /// Language its unigram was looked up for (the stem depends on it), `u8::MAX` for none.
    uni_lang: u8,
    /// Its unigram (stem) feature, when in the vocabulary.
    uni: Option<Hit>,
}

impl WordCache {
    /// Entries kept before the cache is emptied (bounds memory on endless streams).
    const MAX_WORDS: usize = 50_000;
}

/// One counted occurrence packed in a `u64` (id in the top 28 bits, family in the next 4,
/// idf in the low 32), so sorting the occurrences of a text by id is a plain integer sort.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Hit(u64);

/// Largest vocabulary a vectorizer may have (ids must fit the 28 bits of a [`Hit`]).
const MAX_FEATURES: usize = 1 << 28;

/// Sorts a text's occurrences by id: with a vocabulary of at most 2^16 features and 64
/// occurrences or more, by a two-pass least-significant-digit radix sort on the id's two
/// bytes (both counted in one pass; a pass skipped when every id shares its byte; the high
/// byte's offsets summed only over the buckets the vocabulary reaches), otherwise by
/// `sort_unstable`. Occurrences of one id are equal `Hit`s, so both give
/// the same order.
// kept out of line (with `Fill::runs`): inlined into `vectorize_range`, both took 3.4% more
// instructions per bench tweet (callgrind), the big function's registers being scarce
#[inline(never)]
fn sort_hits(hits: &mut Vec<Hit>, tmp: &mut Vec<Hit>, n_features: usize) {
    if n_features > 1 << 16 || hits.len() < 64 {
        hits.sort_unstable();
        return;
    }
    let n = hits.len();
    let (mut lo, mut hi) = ([0u32; 256], [0u32; 256]);
    for h in hits.iter() {
        let id = h.id();
        lo[(id & 0xff) as usize] += 1;
        hi[(id >> 8 & 0xff) as usize] += 1;
    }
    tmp.clear();
    tmp.resize(n, Hit(0));
    // the high byte's buckets in use: ids are below `n_features`
    let high = (n_features.max(1) - 1) >> 8;
    for (pass, (c, used)) in [(&mut lo, 255), (&mut hi, high)].into_iter().enumerate() {
        let shift = 36 + 8 * pass as u32;
        if c[(hits[0].0 >> shift & 0xff) as usize] as usize == n {
            continue; // one bucket: this byte is already in order
        }
        let mut at = 0u32;
        for k in c[..=used].iter_mut() {
            let m = *k;
            *k = at;
            at += m;
        }
        for &h in hits.iter() {
            let d = (h.0 >> shift & 0xff) as usize;
            let p = c[d];
            c[d] = p + 1;
            tmp[p as usize] = h;
        }
        std::mem::swap(hits, tmp);
    }
}

impl Hit {
    #[inline]
    fn new(id: u32, family: u8, idf: f32) -> Hit {
        Hit(((id as u64) << 36) | (((family & 0xf) as u64) << 32) | idf.to_bits() as u64)
    }
    #[inline]
    fn id(self) -> u32 {
        (self.0 >> 36) as u32
    }
    #[inline]
    fn family(self) -> u8 {
        ((self.0 >> 32) & 0xf) as u8
    }
    #[inline]
    fn idf(self) -> f32 {
        f32::from_bits(self.0 as u32)
    }
}

#[derive(Default)]
struct Scratch {
    tokens: Tokenized,
    /// The occurrences of one text, sorted by id after extraction: with a vocabulary of tens
    /// of thousands of features, sorting a few hundred entries costs less than random
    /// accesses into per-feature count and idf arrays (a table of one slot per feature,
    /// tried in the fourteenth session, ran 21% fewer instructions in no less time: its
    /// cache misses rose by half).
    hits: Vec<Hit>,
    /// The radix sort's second buffer ([`sort_hits`]).
    hits_tmp: Vec<Hit>,
    /// Family of each output entry (parallel to the output vector).
    fams: Vec<u8>,
    lex: MatchScratch,
    padded: String,
    offs: Vec<usize>,
    words: WordCache,
    /// Occurrence counting without a sort (see [`Marks`]).
    marks: Marks,
    /// The unordered vector handed to [`Vectorizer::transform_for_each`].
    unordered: SparseVector,
    /// Per-word sums of [`Vectorizer::dot_rows`].
    row_words: RowCache,
    /// The two group sums of [`Vectorizer::dot_rows`] (word-level, then character n-grams).
    row_acc: Vec<f32>,
    /// [`Weighting::Distinct`]: hashes of the normalised words of the text already counted.
    seen_words: SeenSet,
    /// [`Weighting::Distinct`] in [`Vectorizer::dot_rows`]: the word-level features of the
    /// text already counted.
    seen_ids: SeenSet,
}

/// Per-thread cache of [`Vectorizer::dot_rows`]: for each recent word, its character
/// n-grams' and its unigram's weighted sums of rows, so that a word seen before costs one
/// lookup and two short vector additions.
#[derive(Default)]
struct RowCache {
    /// (vectorizer, rows) the sums belong to.
    owner: (u64, u64),
    table: WordTable<RowEntry>,
    /// Per entry, `2 * width` numbers from `RowEntry::at`: the character n-grams' sum of
    /// `family weight * idf * row`, then the unigram's.
    sums: Vec<f32>,
}

impl RowCache {
    /// Words kept before the cache is emptied (bounds memory on endless streams).
    const MAX_WORDS: usize = 100_000;
    /// Numbers kept before the cache is emptied (bounds memory for wide rows; 16 MB).
    const MAX_SUMS: usize = 4 << 20;
}

/// What [`Vectorizer::dot_rows`] knows about one normalised word.
#[derive(Clone, Copy)]
struct RowEntry {
    /// Start of its sums in `RowCache::sums`.
    at: u32,
    /// Sum of idf² over its character n-grams in the vocabulary (their share of the norm).
    char_n: f32,
    /// Language its unigram was looked up for, `u8::MAX` for none yet.
    uni_lang: u8,
    /// idf² of its unigram, 0 when not in the vocabulary.
    uni_n: f32,
    /// Its unigram's id (when `uni_n` > 0).
    uni_id: u32,
}

/// Counts the occurrences of a text's features in one pass without sorting them: a small
/// open-addressing table of slots, sized for the text and cleared for each one (1 KB for a
/// tweet: it stays in the first level cache, unlike an array over the whole vocabulary).
#[derive(Default)]
struct Marks {
    /// Slot + 1 of the feature hashed here (0 = empty); the feature is `hits[slot]`.
    table: Vec<u16>,
    /// Occurrences per slot.
    counts: Vec<u32>,
}

impl Marks {
    /// Most occurrences a text may have to be counted in the table (slots are 16 bits);
    /// longer texts are sorted instead.
    const MAX_HITS: usize = 0x7fff;
}

/// The output of [`Vectorizer::vectorize_range`] being filled: each distinct feature takes the
/// next slot of slices sized for the most there can be, and adds to its group's squared norm.
struct Fill<'a> {
    indices: &'a mut [u32],
    values: &'a mut [f32],
    fams: &'a mut [u8],
    /// Slots filled.
    k: usize,
    /// Squared norms of the word-level group and the character n-gram group.
    norm2: [f32; 2],
}

impl Fill<'_> {
    /// One distinct feature `h` occurring `n` times, under the weighting whose rules are
    /// `SUB` (sublinear tf), `ADDITIVE` (the norm sums each occurrence's idf²) and `DISTINCT`
    /// (word-level features binary).
    #[inline(always)]
    fn put<const SUB: bool, const ADDITIVE: bool, const DISTINCT: bool>(&mut self, h: Hit, n: f32) {
        // distinct: word-level features are binary (the character n-grams' counts are of
        // distinct words already: `extract` skips a word seen before in the text)
        let char = h.family() == family::CHAR;
        let n = if DISTINCT && !char { 1.0 } else { n };
        // 1 + ln(1) is exactly 1: skip the logarithm for the common single occurrence
        let tf = if SUB && n > 1.0 { 1.0 + n.ln() } else { n };
        let v = tf * h.idf();
        if v != 0.0 {
            let at = self.k;
            self.indices[at] = h.id();
            self.values[at] = v;
            self.fams[at] = h.family();
            self.k = at + 1;
            // additive, distinct: each counted occurrence adds its idf² (see `Weighting`)
            self.norm2[char as usize] += if ADDITIVE {
                n * h.idf() * h.idf()
            } else {
                v * v
            };
        }
    }

    /// [`Self::put`] for each run of equal hits of `hits` (sorted).
    #[inline(never)]
    fn runs<const SUB: bool, const ADDITIVE: bool, const DISTINCT: bool>(&mut self, hits: &[Hit]) {
        // a local copy, slices of one length: its fields stay in registers through the loop
        let m = self
            .indices
            .len()
            .min(self.values.len())
            .min(self.fams.len());
        let mut local = Fill {
            indices: &mut self.indices[..m],
            values: &mut self.values[..m],
            fams: &mut self.fams[..m],
            k: self.k,
            norm2: self.norm2,
        };
        for run in hits.chunk_by(|a, b| a == b) {
            local.put::<SUB, ADDITIVE, DISTINCT>(run[0], run.len() as f32);
        }
        (self.k, self.norm2) = (local.k, local.norm2);
    }

    /// [`Self::put`] under `weighting`.
    #[inline]
    fn put_as(&mut self, weighting: Weighting, h: Hit, n: f32) {
        match weighting {
            Weighting::Raw => self.put::<false, false, false>(h, n),
            Weighting::Sublinear => self.put::<true, false, false>(h, n),
            Weighting::Additive => self.put::<false, true, false>(h, n),
            Weighting::Distinct => self.put::<false, true, true>(h, n),
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Serialised form.
#[derive(Serialize, Deserialize)]
struct VectorizerState {
    format_version: u32,
    params: VectorizerValidParams,
    n_docs: u32,
    keys: Vec<u64>,
    names: Vec<String>,
    family: Vec<u8>,
    idf: Vec<f32>,
}

impl Serialize for Vectorizer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        VectorizerState {
            format_version: FORMAT_VERSION,
            params: self.params.clone(),
            n_docs: self.n_docs,
            keys: self.keys.clone(),
            names: self.names.clone(),
            family: self.family.clone(),
            idf: self.idf.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Vectorizer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let st = VectorizerState::deserialize(d)?;
        Vectorizer::from_state(st).map_err(serde::de::Error::custom)
    }
}

impl Vectorizer {
    /// Default parameters, to be customised and fitted.
    pub fn params() -> VectorizerParams {
        VectorizerParams::new()
    }

    fn from_state(st: VectorizerState) -> Result<Vectorizer> {
        if st.format_version != FORMAT_VERSION {
            return Err(FeatureError::Version {
                found: st.format_version,
                supported: FORMAT_VERSION,
            });
        }
        let n = st.keys.len();
        if st.names.len() != n || st.family.len() != n || st.idf.len() != n {
            return Err(FeatureError::Corrupt(format!(
                "{} keys, {} names, {} families, {} idf values",
                n,
                st.names.len(),
                st.family.len(),
                st.idf.len()
            )));
        }
        if st.family.iter().any(|&f| f > family::QUOTED) || st.idf.iter().any(|v| !v.is_finite()) {
            return Err(FeatureError::Corrupt(
                "unknown feature family or non-finite idf".into(),
            ));
        }
        let n_fixed = (SHAPE_NAMES.len() + st.params.lexicons.len()) as u32;
        if (n as u32) < n_fixed {
            return Err(FeatureError::Corrupt(
                "fewer features than the fixed shape and lexicon ones".into(),
            ));
        }
        Self::assemble(st.params, st.keys, st.names, st.family, st.idf, st.n_docs)
    }

    fn assemble(
        params: VectorizerValidParams,
        keys: Vec<u64>,
        names: Vec<String>,
        family: Vec<u8>,
        idf: Vec<f32>,
        n_docs: u32,
    ) -> Result<Vectorizer> {
        let tokenizer = Tokenizer::from_config(params.tokenizer.clone())?;
        let matcher = LexiconMatcher::new(&params.lexicons, &tokenizer);
        let index: FxHashMap<u64, (u32, f32)> = keys
            .iter()
            .zip(&idf)
            .enumerate()
            .map(|(i, (&k, &d))| (k, (i as u32, d)))
            .collect();
        if keys.len() >= MAX_FEATURES {
            return Err(FeatureError::Corrupt(format!(
                "{} features (at most {MAX_FEATURES})",
                keys.len()
            )));
        }
        if index.len() != keys.len() {
            return Err(FeatureError::Corrupt("duplicate feature keys".into()));
        }
        let w = &params.weights;
        let family_weight = [
            w.shape,
            w.lexicons,
            w.word_unigrams,
            w.word_ngrams,
            w.char_ngrams,
            w.hashtags,
            w.mentions,
            w.domains,
            w.emoji,
            w.quoted_words,
        ];
        let n_fixed = (SHAPE_NAMES.len() + params.lexicons.len()) as u32;
        Ok(Vectorizer {
            params,
            tokenizer,
            matcher,
            keys,
            names,
            family,
            idf,
            index,
            family_weight,
            n_docs,
            n_fixed,
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Number of features (the width of vectors and dense matrices).
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    /// Whether the vocabulary is empty (never, once fitted: shape and lexicon features exist).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
    /// Readable name of a feature (`w:join`, `w2:join us`, `c:hij`, `lex:emigrate_join`, ...).
    pub fn feature_name(&self, id: u32) -> &str {
        self.names
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("?")
    }
    /// Family of a feature (see [`family`]).
    pub fn feature_family(&self, id: u32) -> u8 {
        self.family.get(id as usize).copied().unwrap_or(0)
    }
    /// The narrative of a lexicon feature, if `id` is one.
    pub fn lexicon_narrative(&self, id: u32) -> Option<Narrative> {
        let base = SHAPE_NAMES.len() as u32;
        (id >= base && id < self.n_fixed)
            .then(|| self.params.lexicons.themes[(id - base) as usize].narrative)
    }
    /// The parameters it was fitted with.
    pub fn params_used(&self) -> &VectorizerValidParams {
        &self.params
    }
    /// Its tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }
    /// Number of documents it was fitted on.
    pub fn n_docs(&self) -> u32 {
        self.n_docs
    }

    /// Transforms one text into a sparse TF-IDF vector.
    pub fn transform(&self, text: &str) -> SparseVector {
        let mut out = SparseVector::new();
        self.transform_into(text, &mut out);
        out
    }

    /// Transforms one text into `out` (reusing its allocation).
    pub fn transform_into(&self, text: &str, out: &mut SparseVector) {
        self.with_tokens(text, |tokens, range, s| {
            self.vectorize_range(tokens, range, s, out, None, true)
        })
    }

    /// Tokenizes `text` (words only) into the thread's scratch and calls `f` with the tokens,
    /// their whole range and the rest of the scratch.
    #[inline]
    fn with_tokens<R>(
        &self,
        text: &str,
        f: impl FnOnce(&Tokenized, Range<usize>, &mut Scratch) -> R,
    ) -> R {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            self.tokenizer.tokenize_words_into(text, &mut s.tokens);
            let n = s.tokens.tokens().len();
            let tokens = std::mem::take(&mut s.tokens);
            let r = f(&tokens, 0..n, s);
            s.tokens = tokens;
            r
        })
    }

    /// Calls `f(id, value)` for every entry of the vector [`Self::transform`] would return,
    /// in an unspecified order: the cheapest way to take dot products (no sort, no
    /// allocation once warm). `f` may itself call the vectorizer.
    pub fn transform_for_each(&self, text: &str, f: impl FnMut(u32, f32)) {
        let x = self.with_tokens(text, |tokens, range, s| {
            let mut x = std::mem::take(&mut s.unordered);
            self.vectorize_range(tokens, range, s, &mut x, None, false);
            x
        });
        Self::hand_out(x, f);
    }

    /// Like [`Self::transform_for_each`] on already tokenized text, restricted to the tokens
    /// `range`: the entries of [`Self::transform_tokens`], unordered. For tokens of a whole
    /// text this gives exactly what `transform_for_each` gives on the text, in the same order.
    pub fn transform_tokens_for_each(
        &self,
        tokens: &Tokenized,
        range: Range<usize>,
        f: impl FnMut(u32, f32),
    ) {
        let x = SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            let mut x = std::mem::take(&mut s.unordered);
            self.vectorize_range(tokens, range, s, &mut x, None, false);
            x
        });
        Self::hand_out(x, f);
    }

    /// Calls `f` on the entries of `x` (outside the scratch borrow, so that `f` may use the
    /// vectorizer), then gives the buffer back to the scratch.
    fn hand_out(x: SparseVector, mut f: impl FnMut(u32, f32)) {
        for (&i, &v) in x.indices.iter().zip(&x.values) {
            f(i, v);
        }
        SCRATCH.with(|s| s.borrow_mut().unordered = x);
    }

    /// Transforms already tokenized text, restricted to the tokens `range` (for example one
    /// sentence), recording where each feature occurred when `occurrences` is given.
    pub fn transform_tokens(
        &self,
        tokens: &Tokenized,
        range: Range<usize>,
        out: &mut SparseVector,
        occurrences: Option<&mut Vec<Occurrence>>,
    ) {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            self.vectorize_range(tokens, range, &mut s, out, occurrences, true);
        })
    }

    /// `out[k]` = the sum over the features `j` of [`Self::transform`]`(text)` of `x[j] *
    /// rows[j][k]` (`out` is resized to `rows.width()`): the products of a linear layer,
    /// without building the vector.
    ///
    /// With [`Weighting::Additive`] the vector is a sum over the text's occurrences, and this
    /// is computed from cached per-word sums (per thread, per vectorizer and rows): a word
    /// seen before costs one lookup instead of a dozen feature lookups, and no occurrence is
    /// counted or sorted. With the other weightings it takes the entries of
    /// [`Self::transform_for_each`]. Either way the result equals the dot products with the
    /// vector up to floating-point rounding (the sums run in another order).
    ///
    /// ```
    /// use narrascope_features::{FeatureRows, Vectorizer, Weighting};
    /// let docs = ["come and join the caravan", "join us for the match", "they lied to us"];
    /// let v = Vectorizer::params().min_df(1).weighting(Weighting::Additive).fit(&docs)?;
    /// let rows = FeatureRows::new(1, (0..v.len()).map(|j| (j % 7) as f32 - 3.0).collect())?;
    /// let mut out = Vec::new();
    /// v.dot_rows("Join the caravan, join!", &rows, &mut out);
    /// let x = v.transform("Join the caravan, join!");
    /// let dot: f32 = x.iter().map(|(j, xj)| xj * rows.row(j).unwrap()[0]).sum();
    /// assert!((out[0] - dot).abs() < 1e-5);
    /// # Ok::<(), narrascope_features::FeatureError>(())
    /// ```
    pub fn dot_rows(&self, text: &str, rows: &FeatureRows, out: &mut Vec<f32>) {
        self.with_tokens(text, |tokens, range, s| {
            self.dot_range(tokens, range, s, rows, out)
        })
    }

    /// Like [`Self::dot_rows`] on already tokenized text, restricted to the tokens `range`
    /// (the vector of [`Self::transform_tokens`]). For the tokens of a whole text this gives
    /// exactly what `dot_rows` gives on the text (the same sums in the same order).
    pub fn dot_rows_tokens(
        &self,
        tokens: &Tokenized,
        range: Range<usize>,
        rows: &FeatureRows,
        out: &mut Vec<f32>,
    ) {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            self.dot_range(tokens, range, &mut s, rows, out)
        })
    }

    fn dot_range(
        &self,
        tokens: &Tokenized,
        range: Range<usize>,
        s: &mut Scratch,
        rows: &FeatureRows,
        out: &mut Vec<f32>,
    ) {
        let w = rows.width();
        out.clear();
        out.resize(w, 0.0);
        if !self.params.weighting.sums_over_words() {
            let mut x = std::mem::take(&mut s.unordered);
            self.vectorize_range(tokens, range, s, &mut x, None, false);
            for (&j, &v) in x.indices.iter().zip(&x.values) {
                rows.add_scaled(j, v, out);
            }
            s.unordered = x;
            return;
        }
        let mut cache = std::mem::take(&mut s.row_words);
        let owner = (self.uid, rows.uid());
        if cache.owner != owner
            || cache.table.entries.len() >= RowCache::MAX_WORDS
            || cache.sums.len() > RowCache::MAX_SUMS
        {
            cache.table.clear();
            cache.sums.clear();
            cache.owner = owner;
        }
        cache.table.follow(tokens.word_epoch());
        let mut acc = std::mem::take(&mut s.row_acc);
        acc.clear();
        acc.resize(2 * w, 0.0);
        let mut seen = std::mem::take(&mut s.seen_ids);
        seen.clear();
        let mut sink = AdditiveSink {
            v: self,
            rows,
            cache: &mut cache,
            acc: &mut acc,
            n: [0.0; 2],
            seen: (self.params.weighting == Weighting::Distinct).then_some(&mut seen),
        };
        let shape = self.extract(tokens, range, s, &mut sink);
        let n = sink.n;
        s.row_words = cache;
        s.seen_ids = seen;
        // shape features (ids 0..11) sit outside the normalisation, as in `vectorize_range`
        let ws = self.family_weight[family::SHAPE as usize];
        if ws > 0.0 {
            for (i, &v) in shape.iter().enumerate() {
                if v != 0.0 {
                    rows.add_scaled(i as u32, v * ws, out);
                }
            }
        }
        for (g, part) in acc.chunks_exact(w).enumerate() {
            if n[g] > 0.0 {
                let inv = 1.0 / n[g].sqrt();
                for (o, &a) in out.iter_mut().zip(part) {
                    *o += inv * a;
                }
            }
        }
        s.row_acc = acc;
    }

    fn vectorize_range(
        &self,
        tokens: &Tokenized,
        range: Range<usize>,
        s: &mut Scratch,
        out: &mut SparseVector,
        mut occ: Option<&mut Vec<Occurrence>>,
        sorted: bool,
    ) {
        out.clear();
        if let Some(o) = occ.as_deref_mut() {
            o.clear();
        }
        let mut hits = std::mem::take(&mut s.hits);
        hits.clear();
        s.fams.clear();
        let mut words = std::mem::take(&mut s.words);
        if words.owner != self.uid {
            words.table.clear();
            words.ids.clear();
            words.owner = self.uid;
        }
        words.table.follow(tokens.word_epoch());
        let mut sink = TransformSink {
            v: self,
            hits: &mut hits,
            occ,
            words: &mut words,
        };
        let shape = self.extract(tokens, range, s, &mut sink);
        s.words = words;
        // Distinct features with their counts. Sorted output: a sort brings repeats together
        // and the loop below counts runs (measured cheaper than counting first, then sorting
        // the distinct features). Unordered output: a hash table reduces `hits` to each
        // feature's first occurrence and counts the repeats, with no sort.
        let counted = !sorted && Self::count_hits(&mut s.marks, &mut hits);
        if !counted {
            sort_hits(&mut hits, &mut s.hits_tmp, self.keys.len());
        }
        // shape features (ids 0..11, below every other id) go first, outside the L2
        // normalisation
        let ws = self.family_weight[family::SHAPE as usize];
        if ws > 0.0 {
            for (i, &v) in shape.iter().enumerate() {
                if v != 0.0 {
                    out.indices.push(i as u32);
                    out.values.push(v * ws);
                }
            }
        }
        let first = out.indices.len();
        // tf-idf, weights
        let weighting = self.params.weighting;
        // Character n-grams and the word-level families are L2-normalised separately (as
        // scikit-learn's stacked word and char_wb TF-IDF matrices are), then scaled by their
        // family weights: otherwise the many character n-grams of each word drown the words.
        // Each distinct feature fills the next slot of the output, sized for the most there
        // can be (one per occurrence) and cut to length after: no capacity check per entry.
        let room = hits.len();
        let mut fams = std::mem::take(&mut s.fams);
        let mut indices = std::mem::take(&mut out.indices);
        let mut values = std::mem::take(&mut out.values);
        fams.clear();
        fams.resize(room, 0);
        indices.resize(first + room, 0);
        values.resize(first + room, 0.0);
        let mut fill = Fill {
            indices: &mut indices[first..],
            values: &mut values[first..],
            fams: &mut fams[..],
            k: 0,
            norm2: [0.0; 2],
        };
        // one copy of the loop per weighting, each with its rules fixed
        match (counted, weighting) {
            (true, w) => {
                for (&h, &n) in hits.iter().zip(&s.marks.counts) {
                    fill.put_as(w, h, n as f32);
                }
            }
            (false, Weighting::Raw) => fill.runs::<false, false, false>(&hits),
            (false, Weighting::Sublinear) => fill.runs::<true, false, false>(&hits),
            (false, Weighting::Additive) => fill.runs::<false, true, false>(&hits),
            (false, Weighting::Distinct) => fill.runs::<false, true, true>(&hits),
        }
        let (k, norm2) = (fill.k, fill.norm2);
        s.hits = hits;
        indices.truncate(first + k);
        values.truncate(first + k);
        fams.truncate(k);
        out.indices = indices;
        out.values = values;
        s.fams = fams;
        let inv = norm2.map(|n| if n > 0.0 { 1.0 / n.sqrt() } else { 0.0 });
        // one factor per family: its group's inverse norm times its weight
        let scale: [f32; 16] = std::array::from_fn(|f| {
            let w = self.family_weight.get(f).copied().unwrap_or(0.0);
            inv[(f as u8 == family::CHAR) as usize] * w
        });
        for (&f, v) in s.fams.iter().zip(out.values[first..].iter_mut()) {
            *v *= scale[f as usize & 0xf];
        }
    }

    /// Reduces `hits` to the first occurrence of each feature, in order of appearance, and
    /// records their counts in `marks.counts` (slot `k` for `hits[k]`). Returns false,
    /// leaving `hits` alone, when the text has too many occurrences for the table.
    fn count_hits(marks: &mut Marks, hits: &mut Vec<Hit>) -> bool {
        if hits.len() > Marks::MAX_HITS {
            return false;
        }
        // at most half full: short probe runs
        let cap = (hits.len() * 2).next_power_of_two().max(64);
        let shift = 64 - cap.trailing_zeros();
        let mask = cap - 1;
        marks.table.clear();
        marks.table.resize(cap, 0);
        marks.counts.clear();
        let mut w = 0usize;
        for k in 0..hits.len() {
            let h = hits[k];
            let id = h.id();
            let mut p = ((id as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize;
            loop {
                let e = marks.table[p] as usize;
                if e == 0 {
                    marks.table[p] = (w + 1) as u16;
                    hits[w] = h;
                    marks.counts.push(1);
                    w += 1;
                    break;
                }
                if hits[e - 1].id() == id {
                    marks.counts[e - 1] += 1;
                    break;
                }
                p = (p + 1) & mask;
            }
        }
        hits.truncate(w);
        true
    }

    /// Sends every feature occurrence in `range` of `tokens` to `sink`; returns the shape
    /// feature values.
    fn extract(
        &self,
        tokens: &Tokenized,
        range: Range<usize>,
        s: &mut Scratch,
        sink: &mut impl Sink,
    ) -> [f32; 11] {
        let w = &self.params.weights;
        let toks = &tokens.tokens()[range.clone()];
        // the text's language as a number (the word cache keys unigrams on it; never u8::MAX)
        let lang = tokens.language().map_or(254, |l| l as u8);
        // distinct weighting: each distinct word's unigram and character n-grams once
        let distinct = self.params.weighting == Weighting::Distinct;
        if distinct {
            s.seen_words.clear();
        }
        let order = self.params.word_ngram_order;
        // sliding window of the last words for n-grams: (form, span start)
        let mut win: [(&str, usize); 2] = [("", 0); 2];
        let mut win_len = 0usize;
        let (mut n_words, mut first, mut second, mut quotes, mut excl, mut disguised, mut links) =
            (0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
        let mut parts = tokens
            .parts()
            .iter()
            .skip_while(|p| p.parent < range.start)
            .peekable();
        for (off, t) in toks.iter().enumerate() {
            let ti = range.start + off;
            if t.is_disguised() {
                disguised += 1;
            }
            match t.kind {
                TokenKind::Word => {
                    n_words += 1;
                    let norm = tokens.norm(t);
                    let stem = tokens.stem(t);
                    match person(norm) {
                        1 => first += 1,
                        2 => second += 1,
                        _ => {}
                    }
                    if w.quoted_words > 0.0 && t.flags & flags::QUOTED != 0 {
                        emit_one(sink, family::QUOTED, "q", stem, t.span);
                    }
                    if !t.stopword && (w.word_unigrams > 0.0 || w.char_ngrams > 0.0) {
                        let forms = WordForms {
                            id: tokens.word_id(ti),
                            norm,
                            stem,
                            lang,
                            span: t.span,
                            unigram: w.word_unigrams > 0.0,
                            chars: w.char_ngrams > 0.0,
                        };
                        if !distinct || s.seen_words.insert(word_hash(norm)) {
                            sink.word(self, forms, s);
                        } else {
                            sink.word_again(self, forms, s);
                        }
                    }
                    if w.word_ngrams > 0.0 && order >= 2 {
                        if win_len >= 1 {
                            let (a, a_start) = win[1];
                            emit_ngram(sink, &[a, stem], Span::new(a_start, t.span.end));
                        }
                        if order >= 3 && win_len >= 2 {
                            let (a, a_start) = win[0];
                            let span = Span::new(a_start, t.span.end);
                            emit_ngram(sink, &[a, win[1].0, stem], span);
                        }
                    }
                    win[0] = win[1];
                    win[1] = (stem, t.span.start);
                    win_len += 1;
                    continue;
                }
                TokenKind::Hashtag => {
                    let norm = tokens.norm(t);
                    if w.hashtags > 0.0 {
                        emit_one(sink, family::HASHTAG, "h", norm, t.span);
                    }
                    while let Some(p) = parts.next_if(|p| p.parent <= ti) {
                        if p.parent != ti || p.token.kind != TokenKind::Word || p.token.stopword {
                            continue;
                        }
                        let stem = tokens.stem(&p.token);
                        if w.word_unigrams > 0.0 {
                            emit_one(sink, family::WORD1, "w", stem, p.token.span);
                        }
                    }
                }
                TokenKind::Mention => {
                    let norm = tokens.norm(t);
                    if w.mentions > 0.0 {
                        emit_one(sink, family::MENTION, "m", norm, t.span);
                    }
                }
                TokenKind::Url | TokenKind::Email => {
                    links += 1;
                    if let (true, Some(d)) = (w.domains > 0.0, tokens.domain(t)) {
                        emit_one(sink, family::DOMAIN, "d", d, t.span);
                    }
                }
                TokenKind::Emoji => {
                    let norm = tokens.norm(t);
                    if w.emoji > 0.0 {
                        emit_one(sink, family::EMOJI, "e", norm, t.span);
                    }
                }
                TokenKind::Punct => match tokens.norm(t) {
                    "\"" => quotes += 1,
                    "!" => excl += 1,
                    _ => {}
                },
                TokenKind::Number => {}
            }
            win_len = 0; // any non-word token breaks n-grams
        }
        if w.lexicons > 0.0 {
            let themes = &self.params.lexicons.themes;
            let lex_keys: &[u64] = &self.keys[SHAPE_NAMES.len()..self.n_fixed as usize];
            self.matcher.find_in(tokens, range, &mut s.lex, |m| {
                let id = &themes[m.theme].id;
                sink.emit(lex_keys[m.theme], family::LEXICON, Some(m.span), &|| {
                    format!("lex:{id}")
                });
            });
        }
        let mut shape = [0f32; 11];
        let bucket = match n_words {
            0..=5 => 0,
            6..=15 => 1,
            16..=40 => 2,
            41..=100 => 3,
            _ => 4,
        };
        shape[bucket] = 1.0;
        let nw = n_words.max(1) as f32;
        shape[5] = first as f32 / nw;
        shape[6] = second as f32 / nw;
        shape[7] = (quotes > 0) as u8 as f32;
        shape[8] = (excl as f32 / nw).min(1.0);
        shape[9] = (disguised as f32 / nw).min(1.0);
        shape[10] = (links > 0) as u8 as f32;
        shape
    }

    /// Calls `f(key, gram)` for every character n-gram of the word `norm` (padded with a
    /// space on each side, as scikit-learn's `char_wb`). The FNV key of an n-gram extends the
    /// key of its prefix, so each start position is hashed once for all lengths.
    #[inline]
    fn char_ngrams(
        &self,
        norm: &str,
        padded: &mut String,
        offs: &mut Vec<usize>,
        mut f: impl FnMut(u64, &str),
    ) {
        let (cmin, cmax) = self.params.char_ngram_range;
        padded.clear();
        padded.push(' ');
        padded.push_str(norm);
        padded.push(' ');
        offs.clear();
        if padded.is_ascii() {
            offs.extend(0..=padded.len());
        } else {
            offs.extend(padded.char_indices().map(|(i, _)| i));
            offs.push(padded.len());
        }
        let nchars = offs.len() - 1;
        if nchars < cmin {
            return;
        }
        let bytes = padded.as_bytes();
        for i in 0..=nchars - cmin {
            let mut h = KeyHasher::new(family::CHAR).bytes(&bytes[offs[i]..offs[i + cmin]]);
            f(h.finish(), &padded[offs[i]..offs[i + cmin]]);
            for n in cmin + 1..=cmax.min(nchars - i) {
                h = h.bytes(&bytes[offs[i + n - 1]..offs[i + n]]);
                f(h.finish(), &padded[offs[i]..offs[i + n]]);
            }
        }
    }

    /// Dense matrix (rows = vectors, columns = features) for training with linfa.
    pub fn to_dense(&self, vectors: &[SparseVector]) -> Array2<f64> {
        let mut m = Array2::<f64>::zeros((vectors.len(), self.len()));
        for (r, v) in vectors.iter().enumerate() {
            for (i, x) in v.iter() {
                if (i as usize) < self.len() {
                    m[[r, i as usize]] = x as f64;
                }
            }
        }
        m
    }

    /// Supervised feature selection: keeps, for each label, the `k` learned features with the
    /// highest chi-square score against that label (computed on `vectors`, like
    /// scikit-learn's `chi2` on TF-IDF values), the union over labels, plus every shape and
    /// lexicon feature. Returns a new vectorizer with renumbered ids (idf from the fit kept).
    ///
    /// `labels[d][l]` tells whether document `d` has label `l`.
    ///
    /// # Errors
    /// [`FeatureError::LengthMismatch`] when `vectors` and `labels` differ in length.
    pub fn select(
        &self,
        vectors: &[SparseVector],
        labels: &[Vec<bool>],
        k: usize,
    ) -> Result<Vectorizer> {
        let mut keep = vec![false; self.len()];
        for ranked in self.chi2_ranking(vectors, labels)? {
            for &(i, _) in ranked.iter().take(k) {
                keep[i as usize] = true;
            }
        }
        self.retain(&keep)
    }

    /// A vectorizer with only the features whose `keep` entry is true, plus every shape and
    /// lexicon feature, renumbered in their old order (idf from the fit kept). Ids past the
    /// end of `keep` are dropped.
    ///
    /// # Errors
    /// Only from rebuilding the lexicon matcher, which the fit already built once.
    pub fn retain(&self, keep: &[bool]) -> Result<Vectorizer> {
        let ids: Vec<usize> = (0..self.len())
            .filter(|&i| (i as u32) < self.n_fixed || keep.get(i).copied().unwrap_or(false))
            .collect();
        Self::assemble(
            self.params.clone(),
            ids.iter().map(|&i| self.keys[i]).collect(),
            ids.iter().map(|&i| self.names[i].clone()).collect(),
            ids.iter().map(|&i| self.family[i]).collect(),
            ids.iter().map(|&i| self.idf[i]).collect(),
            self.n_docs,
        )
    }

    /// Number of fixed features (shape and lexicon themes), which are ids `0..n_fixed`.
    pub fn n_fixed(&self) -> u32 {
        self.n_fixed
    }

    /// Per label, the learned (non-fixed) features ranked by chi-square score against the
    /// label, best first, as `(id, score)`; ties broken by id. A label with no positive or no
    /// negative document gets an empty ranking.
    ///
    /// # Errors
    /// [`FeatureError::LengthMismatch`] when `vectors` and `labels` differ in length.
    pub fn chi2_ranking(
        &self,
        vectors: &[SparseVector],
        labels: &[Vec<bool>],
    ) -> Result<Vec<Vec<(u32, f64)>>> {
        if vectors.len() != labels.len() {
            return Err(FeatureError::LengthMismatch {
                vectors: vectors.len(),
                labels: labels.len(),
            });
        }
        let nf = self.len();
        let n_labels = labels.first().map_or(0, Vec::len);
        let mut total = vec![0f64; nf];
        for v in vectors {
            for (i, x) in v.iter() {
                total[i as usize] += x as f64;
            }
        }
        let mut rankings = Vec::with_capacity(n_labels);
        for l in 0..n_labels {
            let mut pos = vec![0f64; nf];
            let mut n_pos = 0usize;
            for (v, y) in vectors.iter().zip(labels) {
                if y.get(l).copied().unwrap_or(false) {
                    n_pos += 1;
                    for (i, x) in v.iter() {
                        pos[i as usize] += x as f64;
                    }
                }
            }
            let p = n_pos as f64 / vectors.len().max(1) as f64;
            if p == 0.0 || p == 1.0 {
                rankings.push(Vec::new());
                continue;
            }
            let mut scored: Vec<(u32, f64)> = (self.n_fixed as usize..nf)
                .filter(|&i| total[i] > 0.0)
                .map(|i| {
                    let e_pos = total[i] * p;
                    let e_neg = total[i] * (1.0 - p);
                    let o_neg = total[i] - pos[i];
                    let chi = (pos[i] - e_pos).powi(2) / e_pos + (o_neg - e_neg).powi(2) / e_neg;
                    (i as u32, chi)
                })
                .collect();
            scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            rankings.push(scored);
        }
        Ok(rankings)
    }
}

/// A word's identity for [`Weighting::Distinct`]'s per-text set of words.
#[inline]
fn word_hash(norm: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(norm)
}

/// Emits a feature made of one string of family `fam`: its key, and the readable name
/// `prefix:s` built only when asked for.
#[inline]
fn emit_one(sink: &mut impl Sink, fam: u8, prefix: &str, s: &str, span: Span) {
    sink.emit(key(fam, s), fam, Some(span), &|| format!("{prefix}:{s}"));
}

/// Emits the word n-gram made of `words` (stems; 2 or 3 of them), named `w2:a b` or `w3:a b c`.
#[inline]
fn emit_ngram(sink: &mut impl Sink, words: &[&str], span: Span) {
    let mut h = KeyHasher::new(family::WORDN).bytes(words[0].as_bytes());
    for w in &words[1..] {
        h = h.sep().bytes(w.as_bytes());
    }
    sink.emit(h.finish(), family::WORDN, Some(span), &|| {
        format!("w{}:{}", words.len(), words.join(" "))
    });
}

/// Receives the feature occurrences found by [`Vectorizer::extract`].
trait Sink {
    /// One occurrence of the feature with key `k` in family `fam`; `name` builds the readable
    /// name on demand.
    fn emit(&mut self, k: u64, fam: u8, span: Option<Span>, name: &dyn Fn() -> String);

    /// A word that [`Weighting::Distinct`] has already counted in this text: nothing to
    /// count, but a sink that records where features occur records this occurrence too.
    fn word_again(&mut self, _v: &Vectorizer, _w: WordForms<'_>, _s: &mut Scratch) {}

    /// The unigram (of `w.stem`, when `w.unigram`) and the character n-grams (of `w.norm`, when
    /// `w.chars`) of one word, all spanning the word.
    fn word(&mut self, v: &Vectorizer, w: WordForms<'_>, s: &mut Scratch)
    where
        Self: Sized,
    {
        let span = w.span;
        if w.unigram {
            emit_one(self, family::WORD1, "w", w.stem, span);
        }
        if w.chars {
            v.char_ngrams(w.norm, &mut s.padded, &mut s.offs, |k, g| {
                self.emit(k, family::CHAR, Some(span), &|| format!("c:{g}"))
            });
        }
    }
}

/// The forms of one word token.
#[derive(Clone, Copy)]
struct WordForms<'a> {
    /// The word's id in the tokenizer's word cache, if any ([`Tokenized::word_id`]).
    id: Option<u32>,
    norm: &'a str,
    stem: &'a str,
    /// The text's language (stems depend on it), as a small number.
    lang: u8,
    span: Span,
    /// Whether to emit the unigram and the character n-grams.
    unigram: bool,
    chars: bool,
}

/// A sink that calls a closure (used by the fit).
struct FnSink<F>(F);

impl<F: FnMut(u64, u8, Option<Span>, &dyn Fn() -> String)> Sink for FnSink<F> {
    fn emit(&mut self, k: u64, fam: u8, span: Option<Span>, name: &dyn Fn() -> String) {
        (self.0)(k, fam, span, name)
    }
}

/// The transform's sink: looks keys up in the vocabulary and counts them; caches the
/// character n-gram ids of each word.
struct TransformSink<'a> {
    v: &'a Vectorizer,
    hits: &'a mut Vec<Hit>,
    occ: Option<&'a mut Vec<Occurrence>>,
    words: &'a mut WordCache,
}

impl TransformSink<'_> {
    #[inline]
    fn push(&mut self, hit: Hit, span: Option<Span>) {
        let id = hit.id();
        self.hits.push(hit);
        if let (Some(o), Some(span)) = (self.occ.as_deref_mut(), span) {
            o.push(Occurrence { feature: id, span });
        }
    }
}

impl Sink for TransformSink<'_> {
    fn word_again(&mut self, v: &Vectorizer, w: WordForms<'_>, s: &mut Scratch) {
        if self.occ.is_some() {
            // the word's occurrences, without counting its features again
            let counted = self.hits.len();
            self.word(v, w, s);
            self.hits.truncate(counted);
        }
    }

    #[inline]
    fn emit(&mut self, k: u64, fam: u8, span: Option<Span>, _name: &dyn Fn() -> String) {
        if let Some(&(id, idf)) = self.v.index.get(&k) {
            self.push(Hit::new(id, fam, idf), span);
        }
    }

    fn word(&mut self, v: &Vectorizer, w: WordForms<'_>, s: &mut Scratch) {
        if self.words.table.entries.len() >= WordCache::MAX_WORDS {
            self.words.table.clear();
            self.words.ids.clear();
        }
        let (index, ids) = (&v.index, &mut self.words.ids);
        let found = self.words.table.find(w.id, w.norm, || {
            let a = ids.len() as u32;
            v.char_ngrams(w.norm, &mut s.padded, &mut s.offs, |k, _| {
                if let Some(&(id, idf)) = index.get(&k) {
                    ids.push(Hit::new(id, family::CHAR, idf));
                }
            });
            WordEntry {
                chars: (a, ids.len() as u32),
                uni_lang: u8::MAX,
                uni: None,
            }
        });
        let Some(at) = found else {
            // long words are rare: computed every time, never cached (bounds the memory)
            let mut plain =
                FnSink(|k, fam, span, name: &dyn Fn() -> String| self.emit(k, fam, span, name));
            return plain.word(v, w, s);
        };
        let (span, unigram, chars) = (w.span, w.unigram, w.chars);
        let e = &mut self.words.table.entries[at];
        if unigram {
            if e.uni_lang != w.lang {
                e.uni = v
                    .index
                    .get(&key(family::WORD1, w.stem))
                    .map(|&(id, idf)| Hit::new(id, family::WORD1, idf));
                e.uni_lang = w.lang;
            }
            if let Some(h) = e.uni {
                self.push(h, Some(span));
            }
        }
        let e = self.words.table.entries[at];
        if chars {
            let ids = &self.words.ids[e.chars.0 as usize..e.chars.1 as usize];
            match self.occ.as_deref_mut() {
                // the common case (no explanation): one copy of the word's cached hits
                None => self.hits.extend_from_slice(ids),
                Some(o) => {
                    self.hits.extend_from_slice(ids);
                    o.extend(ids.iter().map(|h| Occurrence {
                        feature: h.id(),
                        span,
                    }));
                }
            }
        }
    }
}

/// The sink of [`Vectorizer::dot_rows`] for [`Weighting::Additive`]: adds each occurrence's
/// `family weight * idf * row` to its group's sum and its idf² to the group's norm, taking a
/// word's part from the per-word cache.
struct AdditiveSink<'a> {
    v: &'a Vectorizer,
    rows: &'a FeatureRows,
    cache: &'a mut RowCache,
    /// Group 0 (every family but shape and character n-grams), then group 1 (characters).
    acc: &'a mut [f32],
    /// Each group's sum of idf² over its occurrences.
    n: [f32; 2],
    /// [`Weighting::Distinct`]: the word-level features counted so far (each counts once).
    seen: Option<&'a mut SeenSet>,
}

impl AdditiveSink<'_> {
    /// Whether word-level feature `id` is to be counted (always, but only once under
    /// [`Weighting::Distinct`]).
    #[inline]
    fn first(&mut self, id: u32) -> bool {
        self.seen.as_deref_mut().is_none_or(|s| s.insert(id.into()))
    }

    #[inline]
    fn add(&mut self, id: u32, fam: u8, idf: f32) {
        if fam != family::CHAR && !self.first(id) {
            return;
        }
        let g = (fam == family::CHAR) as usize;
        let w = self.rows.width();
        self.n[g] += idf * idf;
        let scale = self.v.family_weight[fam as usize & 0xf] * idf;
        self.rows
            .add_scaled(id, scale, &mut self.acc[g * w..(g + 1) * w]);
    }

    /// Adds a cached word's part (`w` numbers from `at`) to group `g`.
    #[inline]
    fn add_cached(&mut self, g: usize, at: usize, n: f32) {
        let w = self.rows.width();
        self.n[g] += n;
        let part = &self.cache.sums[at..at + w];
        for (a, &x) in self.acc[g * w..(g + 1) * w].iter_mut().zip(part) {
            *a += x;
        }
    }
}

impl Sink for AdditiveSink<'_> {
    #[inline]
    fn emit(&mut self, k: u64, fam: u8, _span: Option<Span>, _name: &dyn Fn() -> String) {
        if let Some(&(id, idf)) = self.v.index.get(&k) {
            self.add(id, fam, idf);
        }
    }

    fn word(&mut self, v: &Vectorizer, w: WordForms<'_>, s: &mut Scratch) {
        let width = self.rows.width();
        let (index, rows, sums) = (&v.index, self.rows, &mut self.cache.sums);
        let found = self.cache.table.find(w.id, w.norm, || {
            let at = sums.len();
            sums.resize(at + 2 * width, 0.0);
            let fw = v.family_weight[family::CHAR as usize];
            let sums = &mut sums[at..at + width];
            let mut char_n = 0f32;
            v.char_ngrams(w.norm, &mut s.padded, &mut s.offs, |k, _| {
                if let Some(&(id, idf)) = index.get(&k) {
                    char_n += idf * idf;
                    rows.add_scaled(id, fw * idf, sums);
                }
            });
            RowEntry {
                at: at as u32,
                char_n,
                uni_lang: u8::MAX,
                uni_n: 0.0,
                uni_id: 0,
            }
        });
        let Some(i) = found else {
            // long words: computed every time, never cached (as in the transform)
            let mut plain =
                FnSink(|k, fam, span, name: &dyn Fn() -> String| self.emit(k, fam, span, name));
            return plain.word(v, w, s);
        };
        let e = &mut self.cache.table.entries[i];
        let at = e.at as usize;
        if w.unigram {
            if e.uni_lang != w.lang {
                let uni = &mut self.cache.sums[at + width..at + 2 * width];
                uni.fill(0.0);
                e.uni_n = 0.0;
                if let Some(&(id, idf)) = v.index.get(&key(family::WORD1, w.stem)) {
                    e.uni_n = idf * idf;
                    e.uni_id = id;
                    let fw = v.family_weight[family::WORD1 as usize];
                    self.rows.add_scaled(id, fw * idf, uni);
                }
                e.uni_lang = w.lang;
            }
            let (uni_n, uni_id) = (e.uni_n, e.uni_id);
            if uni_n > 0.0 && self.first(uni_id) {
                self.add_cached(0, at + width, uni_n);
            }
        }
        let e = self.cache.table.entries[i];
        if w.chars && e.char_n > 0.0 {
            self.add_cached(1, at, e.char_n);
        }
    }
}

impl VectorizerValidParams {
    /// Fits the vocabulary and idf on `docs`.
    ///
    /// # Errors
    /// [`FeatureError::EmptyCorpus`] for no documents, tokenizer configuration errors.
    pub fn fit<S: AsRef<str>>(&self, docs: &[S]) -> Result<Vectorizer> {
        if docs.is_empty() {
            return Err(FeatureError::EmptyCorpus);
        }
        // Start from a vectorizer with only the fixed features, to reuse `extract`.
        let lex = &self.lexicons;
        let mut keys: Vec<u64> = SHAPE_NAMES.iter().map(|n| key(family::SHAPE, n)).collect();
        let mut names: Vec<String> = SHAPE_NAMES.iter().map(|n| n.to_string()).collect();
        let mut fams = vec![family::SHAPE; SHAPE_NAMES.len()];
        for t in &lex.themes {
            keys.push(key(family::LEXICON, &t.id));
            names.push(format!("lex:{}", t.id));
            fams.push(family::LEXICON);
        }
        let n_fixed = keys.len();
        let base = Vectorizer::assemble(
            self.clone(),
            keys.clone(),
            names.clone(),
            fams.clone(),
            vec![1.0; n_fixed],
            0,
        )?;
        let mut df: FxHashMap<u64, (u32, u8)> = FxHashMap::default();
        let mut learned_names: FxHashMap<u64, String> = FxHashMap::default();
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        let mut s = Scratch::default();
        let mut toks = Tokenized::new();
        for doc in docs {
            base.tokenizer.tokenize_words_into(doc.as_ref(), &mut toks);
            seen.clear();
            let n = toks.tokens().len();
            let mut sink = FnSink(|k, fam, _span, name: &dyn Fn() -> String| {
                if seen.insert(k) {
                    let e = df.entry(k).or_insert((0, fam));
                    e.0 += 1;
                    if fam != family::LEXICON && !learned_names.contains_key(&k) {
                        learned_names.insert(k, name());
                    }
                }
            });
            base.extract(&toks, 0..n, &mut s, &mut sink);
        }
        let fixed: FxHashSet<u64> = keys.iter().copied().collect();
        let mut learned: Vec<(u32, u64, u8)> = df
            .iter()
            .filter(|(k, (d, _))| *d as usize >= self.min_df && !fixed.contains(k))
            .map(|(k, (d, f))| (*d, *k, *f))
            .collect();
        learned.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        learned.truncate(self.max_features);
        // Ids in decreasing document frequency: the features most texts have get the small
        // ids, so their counts, idf and weights share a few cache lines.
        let n = docs.len() as f32;
        let idf = |d: u32| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0;
        let mut idfs: Vec<f32> = vec![1.0; SHAPE_NAMES.len()];
        for &k in &keys[SHAPE_NAMES.len()..] {
            idfs.push(idf(df.get(&k).map_or(0, |x| x.0)));
        }
        for (d, k, f) in learned {
            keys.push(k);
            names.push(learned_names.remove(&k).unwrap_or_default());
            fams.push(f);
            idfs.push(idf(d));
        }
        Vectorizer::assemble(self.clone(), keys, names, fams, idfs, docs.len() as u32)
    }
}

impl VectorizerParams {
    /// Checks the parameters and fits (see [`VectorizerValidParams::fit`]).
    ///
    /// # Errors
    /// Parameter errors from [`ParamGuard::check_ref`], then fitting errors.
    pub fn fit<S: AsRef<str>>(&self, docs: &[S]) -> Result<Vectorizer> {
        self.check_ref()?.fit(docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// First-person pronouns and possessives (en, fr, de, ar), normalised.
    const FIRST_PERSON: [&str; 34] = [
        "i",
        "me",
        "my",
        "mine",
        "myself",
        "we",
        "us",
        "our",
        "ours",
        "ourselves",
        "je",
        "moi",
        "mon",
        "ma",
        "mes",
        "nous",
        "notre",
        "nos",
        "ich",
        "mich",
        "mir",
        "mein",
        "meine",
        "meinen",
        "meiner",
        "wir",
        "uns",
        "unser",
        "unsere",
        "unseren",
        "انا",
        "نحن",
        "لي",
        "لنا",
    ];
    /// Second-person pronouns and address (en, fr, de, ar), normalised.
    const SECOND_PERSON: [&str; 27] = [
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "ye",
        "tu",
        "toi",
        "vous",
        "votre",
        "vos",
        "ton",
        "ta",
        "tes",
        "du",
        "dich",
        "dir",
        "dein",
        "deine",
        "ihr",
        "euch",
        "euer",
        "eure",
        "انت",
        "انتم",
        "يا",
        "لكم",
    ];

    /// A small deterministic generator of test numbers.
    fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    #[test]
    fn sort_hits_equals_sort_unstable() {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15u64);
        let mut tmp = Vec::new();
        for round in 0..400 {
            let n = [0, 1, 63, 64, 65, 200, 1000][round % 7];
            // vocabularies below and above the radix sort's 2^16 bound; ids from a narrow
            // range (one high byte: the skipped pass) or the whole vocabulary
            let vocab = [300usize, 50_032, 65_536, 70_000][round / 7 % 4];
            let span = if round % 3 == 0 { 200 } else { vocab };
            let mut hits: Vec<Hit> = (0..n)
                .map(|_| {
                    let id = (next() % span as u64) as u32;
                    // one id always has the same family and idf, as in the vectorizer
                    Hit::new(id, (id % 9) as u8, id as f32 * 0.5)
                })
                .collect();
            let mut want = hits.clone();
            want.sort_unstable();
            sort_hits(&mut hits, &mut tmp, vocab);
            assert!(hits == want, "round {round}: {n} hits, vocabulary {vocab}");
        }
    }

    #[test]
    fn person_agrees_with_the_lists() {
        for w in FIRST_PERSON {
            assert_eq!(person(w), 1, "{w}");
        }
        for w in SECOND_PERSON {
            assert_eq!(person(w), 2, "{w}");
        }
        // prefixes, extensions and neighbours of listed words, with every first byte the
        // dispatch knows
        for w in [
            "",
            "d",
            "dei",
            "deines",
            "e",
            "eu",
            "euro",
            "ic",
            "ichs",
            "is",
            "it",
            "j",
            "jes",
            "m",
            "mein\u{e9}",
            "mi",
            "minds",
            "moin",
            "n",
            "no",
            "nosy",
            "o",
            "ou",
            "out",
            "t",
            "the",
            "tue",
            "u",
            "un",
            "unserer",
            "v",
            "vou",
            "w",
            "was",
            "y",
            "yo",
            "youth",
            "ا",
            "ان",
            "انتما",
            "ل",
            "لكما",
            "ي",
            "a",
            "the",
            "and",
            "z",
            "1",
        ] {
            assert_eq!(
                person(w),
                0,
                "{w}: {} {}",
                FIRST_PERSON.contains(&w),
                SECOND_PERSON.contains(&w)
            );
        }
    }

    /// The incremental n-gram keys equal the keys of the n-gram strings (saved models depend
    /// on it).
    #[test]
    fn incremental_char_keys_equal_string_keys() {
        let v = Vectorizer::params().min_df(1).fit(&["join us"]).unwrap();
        for word in ["join", "hijrah", "dawla", "é", "ab", "états-unis", "ج"] {
            let (mut padded, mut offs, mut seen) = (String::new(), Vec::new(), Vec::new());
            v.char_ngrams(word, &mut padded, &mut offs, |k, g| {
                assert_eq!(k, key(family::CHAR, g), "{word}: {g:?}");
                seen.push(g.to_string());
            });
            let n = word.chars().count() + 2;
            let expected: usize = (3..=5).filter(|&m| m <= n).map(|m| n - m + 1).sum();
            assert_eq!(seen.len(), expected, "{word}: {seen:?}");
        }
    }
}
