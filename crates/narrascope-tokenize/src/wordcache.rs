//! A per-thread cache of what the tokenizer learns about a word (as written): its normalised
//! form, the flags of the steps that changed it, its stopword mask and its stem. Words follow
//! Zipf's law, so most words of a message were seen in earlier messages: one hash lookup
//! replaces the normalisation steps, two stopword lookups and a stem lookup.
//!
//! The cache belongs to one tokenizer at a time (tokenizers get a process-unique id), holds
//! words of at most [`WordCache::MAX_WORD_BYTES`] bytes and is emptied when it grows past
//! [`WordCache::MAX_WORDS`], so memory stays bounded on endless or hostile streams. Results never depend on the cache: a miss computes exactly what a hit returns
//! (checked by the crate's property tests, which tokenize texts cold and warm).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use crate::inline_key::InlineKey;
use crate::tokenizer::Raw;

/// What the tokenizer knows about one raw word. Its strings live in the cache's arena
/// ([`WordCache::str_of`]): one contiguous buffer instead of a heap allocation per string, so
/// reading a cached word follows no pointer to a separate allocation.
pub(crate) struct WordEntry {
    /// Normalised form (a range of the arena).
    pub norm: (u32, u32),
    /// Flags of the normalisation steps that changed it.
    pub flags: u16,
    /// Bit mask of the tokenizer's languages whose stopword list has `norm`.
    pub stop: u16,
    /// Index (in the tokenizer's languages) of the language `stem` was computed for, or
    /// `u8::MAX` when no stem is cached yet.
    pub stem_lang: u8,
    /// The stem (a range of the arena), `None` when it equals `norm`.
    pub stem: Option<(u32, u32)>,
}

/// Source of [`WordCache::epoch`] values: every emptying of any thread's cache takes the
/// next one, so an (epoch, entry index) pair names one entry for the life of the process.
static NEXT_EPOCH: AtomicU64 = AtomicU64::new(1);

/// The cache itself (one per thread).
#[derive(Default)]
pub(crate) struct WordCache {
    owner: u64,
    /// Process-unique number of the cache's current contents (0 before the first
    /// [`Self::prepare`]): entry indices are only ever appended within one epoch.
    pub epoch: u64,
    /// Raw word → entry index, one map per document context (`mostly_latin` false / true).
    maps: [FxHashMap<InlineKey, u32>; 2],
    pub entries: Vec<WordEntry>,
    /// The entries' normalised forms and stems, back to back.
    pub arena: String,
    /// Chunk (a white-space-free run of text, as written) → the range of `chunk_raws` that
    /// holds its raw tokens: splitting a chunk with punctuation, symbols or non-ASCII letters
    /// into tokens (UAX #29) costs more than a lookup, and such chunks recur too.
    chunks: FxHashMap<InlineKey, (u32, u32)>,
    /// The cached chunks' raw tokens, offsets relative to the chunk.
    chunk_raws: Vec<Raw>,
}

impl WordCache {
    /// Entries kept before the cache is emptied.
    pub const MAX_WORDS: usize = 100_000;
    /// Longest word (in bytes, as written) the cache keeps, as an inline key: longer ones are
    /// rare, and bounding them bounds the cache's memory (a few tens of MB at most) whatever
    /// the input.
    pub const MAX_WORD_BYTES: usize = InlineKey::MAX_LEN;
    /// Arena bytes kept before the cache is emptied (stems recomputed for other languages
    /// append to it).
    pub const MAX_ARENA_BYTES: usize = 8 << 20;

    /// Makes the cache belong to tokenizer `owner`, emptying it when it belonged to another
    /// one or is full. Call only between documents (entry indices stay valid until then).
    pub fn prepare(&mut self, owner: u64) {
        if self.owner != owner
            || self.entries.len() >= Self::MAX_WORDS
            || self.arena.len() >= Self::MAX_ARENA_BYTES
        {
            self.maps[0].clear();
            self.maps[1].clear();
            self.entries.clear();
            self.arena.clear();
            self.epoch = NEXT_EPOCH.fetch_add(1, Ordering::Relaxed);
        }
        // chunks depend on the tokenizer's switches (leetspeak, separated letters)
        if self.owner != owner || self.chunk_raws.len() >= Self::MAX_WORDS {
            self.chunks.clear();
            self.chunk_raws.clear();
        }
        self.owner = owner;
    }

    /// The raw tokens of `chunk` (at most [`Self::MAX_WORD_BYTES`] long), offsets relative
    /// to it, if cached.
    #[inline]
    pub fn chunk(&self, chunk: &str) -> Option<&[Raw]> {
        let &(a, b) = self.chunks.get(&InlineKey::new(chunk)?)?;
        Some(&self.chunk_raws[a as usize..b as usize])
    }

    /// Caches the raw tokens of `chunk` (offsets relative to it).
    pub fn insert_chunk(&mut self, chunk: &str, raws: impl IntoIterator<Item = Raw>) {
        if let Some(k) = InlineKey::new(chunk) {
            let a = self.chunk_raws.len() as u32;
            self.chunk_raws.extend(raws);
            self.chunks.insert(k, (a, self.chunk_raws.len() as u32));
        }
    }

    /// Appends `s` to the arena; returns its range.
    #[inline]
    pub fn store(&mut self, s: &str) -> (u32, u32) {
        let a = self.arena.len() as u32;
        self.arena.push_str(s);
        (a, self.arena.len() as u32)
    }

    /// The string of an arena range returned by [`Self::store`].
    #[inline]
    pub fn str_of(&self, r: (u32, u32)) -> &str {
        &self.arena[r.0 as usize..r.1 as usize]
    }

    /// Index of the entry of `raw` in context `latin`, if cached.
    #[inline]
    pub fn get(&self, latin: bool, raw: &str) -> Option<u32> {
        self.get_key(latin, InlineKey::new(raw)?)
    }

    /// Index of the entry of the raw word with key `key` in context `latin`, if cached.
    #[inline]
    pub fn get_key(&self, latin: bool, key: InlineKey) -> Option<u32> {
        self.maps[latin as usize].get(&key).copied()
    }

    /// Adds an entry (`raw` is at most [`Self::MAX_WORD_BYTES`] long); returns its index.
    pub fn insert(&mut self, latin: bool, raw: &str, entry: WordEntry) -> u32 {
        match InlineKey::new(raw) {
            Some(k) => self.insert_key(latin, k, entry),
            None => {
                self.entries.push(entry);
                self.entries.len() as u32 - 1
            }
        }
    }

    /// Adds an entry for the raw word with key `key`; returns its index.
    pub fn insert_key(&mut self, latin: bool, key: InlineKey, entry: WordEntry) -> u32 {
        let i = self.entries.len() as u32;
        self.entries.push(entry);
        self.maps[latin as usize].insert(key, i);
        i
    }
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::default());
}

/// Takes this thread's cache out (put it back with [`put_back`]); re-entrant calls simply
/// see an empty cache.
pub(crate) fn take() -> WordCache {
    CACHE.with(|c| std::mem::take(&mut *c.borrow_mut()))
}

/// Returns the cache taken with [`take`].
pub(crate) fn put_back(cache: WordCache) {
    CACHE.with(|c| *c.borrow_mut() = cache);
}
