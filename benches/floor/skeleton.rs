//! A lower bound for issue 3's aim, measured beside `transform_into` in the same criterion run:
//! a loop that does only the part of featurizing that no design with the output (a
//! sorted sparse TF-IDF vector over word and character n-grams) can skip, on the built-in
//! model's real features, and nothing else.
//!
//! Before timing, each bench tweet goes once through the real vectorizer
//! ([`Vectorizer::transform_tokens`] with occurrences), and every word's unigram and character
//! n-gram ids are stored under the word as written, lower-cased; its bigrams under the pair of
//! word entries. The timed loop then, per tweet: splits the bytes into words (runs of ASCII
//! letters, digits, apostrophes and non-ASCII bytes), lower-cases each into a buffer, looks it
//! up in one hash table, copies its stored ids, probes one table per adjacent pair for a bigram,
//! sorts the occurrences with the same two-pass radix sort as the vectorizer, and writes the
//! entries with sublinear tf and one L2 normalisation.
//!
//! What it leaves out, all of which the real path does: Unicode normalisation, invisible
//! characters, separated letters, hashtags, mentions, URLs and emoji, quotations and the
//! quoted-word family, the language guess, stopwords and stems (it keys on the word as
//! written), the lexicon themes, the shape features, and the second normalisation group. It
//! also emits fewer occurrences than the real path (the bench prints both counts). Its speed
//! is therefore an upper bound on what any implementation of the full feature set could reach
//! on this machine, not an implementation of it.

use narrascope::features::{family, SparseVector, Vectorizer};
use narrascope::tokenize::{TokenKind, Tokenized};
use rustc_hash::FxHashMap;

/// Per-word ids taken from the real vectorizer, keyed on the word as written (lower-cased).
pub struct Skeleton {
    words: FxHashMap<Box<[u8]>, u32>,
    /// Packed occurrences of each word: id in the high 32 bits, an idf-like value's bits low.
    hits: Vec<Vec<u64>>,
    bigrams: FxHashMap<u64, u32>,
    n_features: usize,
}

/// Per-text buffers of the skeleton's loop.
#[derive(Default)]
pub struct SkeletonScratch {
    key: Vec<u8>,
    occ: Vec<u64>,
    tmp: Vec<u64>,
}

/// Occurrences per text: the real path's and the skeleton's.
pub struct Counts {
    /// Every occurrence `transform_tokens` records, per text.
    pub real: f64,
    /// The occurrences the skeleton emits, per text.
    pub skeleton: f64,
}

fn packed(id: u32) -> u64 {
    // an idf-like value that depends on the id only, so repeats merge like real ones
    let idf = 1.0f32 + (id % 13) as f32 * 0.25;
    (id as u64) << 32 | idf.to_bits() as u64
}

/// `WORD[b]`: byte `b` belongs to a word (ASCII letters, digits, the apostrophe, non-ASCII).
const WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'\'' || c >= 0x80;
        b += 1;
    }
    t
};

fn is_word_byte(b: u8) -> bool {
    WORD[b as usize]
}

impl Skeleton {
    /// Takes every word's real ids from `v` over `texts`.
    pub fn build(v: &Vectorizer, texts: &[&str]) -> (Skeleton, Counts) {
        assert!(
            v.len() <= 1 << 16,
            "the radix sort here takes ids below 2^16"
        );
        let mut sk = Skeleton {
            words: FxHashMap::default(),
            hits: Vec::new(),
            bigrams: FxHashMap::default(),
            n_features: v.len(),
        };
        let (mut toks, mut x, mut occ) = (Tokenized::new(), SparseVector::new(), Vec::new());
        let mut real = 0usize;
        for t in texts {
            v.tokenizer().tokenize_words_into(t, &mut toks);
            occ.clear();
            let n = toks.tokens().len();
            v.transform_tokens(&toks, 0..n, &mut x, Some(&mut occ));
            real += occ.len();
            // the word entry of each word token, by token index
            let mut entry_of = vec![None; n];
            for (i, tk) in toks.tokens().iter().enumerate() {
                if tk.kind != TokenKind::Word {
                    continue;
                }
                let key: Box<[u8]> = t.as_bytes()[tk.span.start..tk.span.end]
                    .iter()
                    .map(|b| b.to_ascii_lowercase())
                    .collect();
                if !key.iter().all(|&b| is_word_byte(b)) {
                    continue; // the skeleton's splitting would not find it
                }
                let next = sk.hits.len() as u32;
                let e = *sk.words.entry(key).or_insert(next);
                if e == next {
                    let mut hits: Vec<u64> = occ
                        .iter()
                        .filter(|o| {
                            let f = v.feature_family(o.feature);
                            (f == family::WORD1 || f == family::CHAR)
                                && o.span.start >= tk.span.start
                                && o.span.end <= tk.span.end
                        })
                        .map(|o| packed(o.feature))
                        .collect();
                    hits.sort_unstable();
                    hits.dedup(); // a word's n-gram is counted once per word here
                    sk.hits.push(hits);
                }
                entry_of[i] = Some(e);
            }
            for o in occ
                .iter()
                .filter(|o| v.feature_family(o.feature) == family::WORDN)
            {
                let toks = toks.tokens();
                let a = toks.iter().position(|tk| tk.span.start == o.span.start);
                let b = toks.iter().position(|tk| tk.span.end == o.span.end);
                if let (Some(a), Some(b)) = (a, b) {
                    if let (Some(ea), Some(eb)) = (entry_of[a], entry_of[b]) {
                        sk.bigrams.insert(pair(ea, eb), o.feature);
                    }
                }
            }
        }
        let mut s = SkeletonScratch::default();
        let mut emitted = 0usize;
        for t in texts {
            sk.transform_into(t, &mut s, &mut x);
            emitted += s.occ.len();
        }
        let counts = Counts {
            real: real as f64 / texts.len() as f64,
            skeleton: emitted as f64 / texts.len() as f64,
        };
        (sk, counts)
    }

    /// The timed loop: one text into `out`.
    pub fn transform_into(&self, text: &str, s: &mut SkeletonScratch, out: &mut SparseVector) {
        s.occ.clear();
        let b = text.as_bytes();
        let (mut i, mut prev) = (0, None);
        while i < b.len() {
            while i < b.len() && !is_word_byte(b[i]) {
                i += 1;
            }
            let start = i;
            while i < b.len() && is_word_byte(b[i]) {
                i += 1;
            }
            if start == i {
                break;
            }
            s.key.clear();
            s.key
                .extend(b[start..i].iter().map(|c| c.to_ascii_lowercase()));
            let Some(&e) = self.words.get(s.key.as_slice()) else {
                prev = None;
                continue;
            };
            s.occ.extend_from_slice(&self.hits[e as usize]);
            if let Some(p) = prev {
                if let Some(&id) = self.bigrams.get(&pair(p, e)) {
                    s.occ.push(packed(id));
                }
            }
            prev = Some(e);
        }
        radix_sort(&mut s.occ, &mut s.tmp, self.n_features);
        // at most one entry per occurrence: written in place, then cut to length
        let n_occ = s.occ.len();
        out.indices.clear();
        out.values.clear();
        out.indices.resize(n_occ, 0);
        out.values.resize(n_occ, 0.0);
        let (mut norm, mut j, mut k) = (0.0f32, 0, 0);
        while j < n_occ {
            let h = s.occ[j];
            let mut n = 1;
            while j + n < n_occ && s.occ[j + n] == h {
                n += 1;
            }
            let idf = f32::from_bits(h as u32);
            let v = if n == 1 {
                idf
            } else {
                idf * (1.0 + (n as f32).ln())
            };
            out.indices[k] = (h >> 32) as u32;
            out.values[k] = v;
            norm += v * v;
            j += n;
            k += 1;
        }
        out.indices.truncate(k);
        out.values.truncate(k);
        let inv = if norm > 0.0 { 1.0 / norm.sqrt() } else { 0.0 };
        for v in out.values.iter_mut() {
            *v *= inv;
        }
    }
}

fn pair(a: u32, b: u32) -> u64 {
    (a as u64) << 32 | b as u64
}

/// The vectorizer's two-pass least-significant-digit radix sort on the id's two bytes.
fn radix_sort(hits: &mut Vec<u64>, tmp: &mut Vec<u64>, n_features: usize) {
    let n = hits.len();
    let (mut lo, mut hi) = ([0u32; 256], [0u32; 256]);
    for &h in hits.iter() {
        lo[(h >> 32 & 0xff) as usize] += 1;
        hi[(h >> 40 & 0xff) as usize] += 1;
    }
    tmp.clear();
    tmp.resize(n, 0);
    // the high byte's buckets in use: ids are below `n_features`
    let high = (n_features.max(1) - 1) >> 8;
    for (pass, (c, used)) in [(&mut lo, 255), (&mut hi, high)].into_iter().enumerate() {
        let shift = 32 + 8 * pass as u32;
        let mut at = 0u32;
        for k in c[..=used].iter_mut() {
            let m = *k;
            *k = at;
            at += m;
        }
        for &h in hits.iter() {
            let d = (h >> shift & 0xff) as usize;
            let p = c[d];
            c[d] = p + 1;
            tmp[p as usize] = h;
        }
        std::mem::swap(hits, tmp);
    }
}
