//! Counting the feature ids of one text in increasing id order.
//!
//! A text yields a few hundred occurrences (feature ids, mostly distinct) over a vocabulary of
//! tens of thousands of features; the output vector needs the distinct ids in increasing order
//! with their counts. Sorting the occurrences costs about `n log n` comparisons. A two-level
//! bit set does it in one pass: one bit per feature, one summary bit per 64-feature word, so
//! reading the set back in order visits only the summary words (vocabulary / 4,096) and the
//! non-empty words, and leaves the set empty for the next text. Repeated ids (rare: the same
//! n-gram twice in a text) are kept in a short list, sorted and merged while reading.
//!
//! For vocabularies so large that the summary scan would cost more than the sort, the
//! occurrences are sorted instead; both ways give the same result (tested below).

/// Reusable per-thread scratch for [`IdCounter::count`]; always left empty.
#[derive(Default)]
pub(crate) struct IdCounter {
    words: Vec<u64>,
    summary: Vec<u64>,
    dups: Vec<u32>,
    sorted: Vec<u32>,
}

impl IdCounter {
    /// Whether the bit set beats sorting for `n_hits` occurrences over `n_features` ids.
    #[inline]
    fn use_bits(n_features: usize, n_hits: usize) -> bool {
        n_features.div_ceil(1 << 12) <= 64 + 8 * n_hits
    }

    /// Calls `f(id, count)` once for every distinct id of `ids` (each `< n_features`), in
    /// increasing id order.
    pub(crate) fn count(
        &mut self,
        n_features: usize,
        ids: impl ExactSizeIterator<Item = u32> + Clone,
        f: impl FnMut(u32, u32),
    ) {
        if Self::use_bits(n_features, ids.len()) {
            self.count_bits(n_features, ids, f)
        } else {
            self.count_sorted(ids, f)
        }
    }

    fn count_bits(
        &mut self,
        n_features: usize,
        ids: impl Iterator<Item = u32>,
        mut f: impl FnMut(u32, u32),
    ) {
        let n_words = n_features.div_ceil(64);
        let n_summary = n_words.div_ceil(64);
        if self.words.len() < n_words {
            self.words.resize(n_words, 0);
            self.summary.resize(n_summary, 0);
        }
        let (words, summary) = (&mut self.words[..n_words], &mut self.summary[..n_summary]);
        for id in ids {
            let (w, bit) = (id as usize >> 6, 1u64 << (id & 63));
            if words[w] & bit != 0 {
                self.dups.push(id);
            } else {
                words[w] |= bit;
                summary[w >> 6] |= 1u64 << (w & 63);
            }
        }
        self.dups.sort_unstable();
        let dups = &self.dups;
        let mut d = 0;
        for (si, s) in summary.iter_mut().enumerate() {
            let mut sw = std::mem::take(s);
            while sw != 0 {
                let w = (si << 6) | sw.trailing_zeros() as usize;
                sw &= sw - 1;
                let mut bw = std::mem::take(&mut words[w]);
                while bw != 0 {
                    let id = ((w << 6) | bw.trailing_zeros() as usize) as u32;
                    bw &= bw - 1;
                    let mut c = 1;
                    while d < dups.len() && dups[d] == id {
                        c += 1;
                        d += 1;
                    }
                    f(id, c);
                }
            }
        }
        self.dups.clear();
    }

    fn count_sorted(&mut self, ids: impl Iterator<Item = u32>, mut f: impl FnMut(u32, u32)) {
        self.sorted.clear();
        self.sorted.extend(ids);
        self.sorted.sort_unstable();
        let s = &self.sorted;
        let mut i = 0;
        while i < s.len() {
            let mut j = i + 1;
            while j < s.len() && s[j] == s[i] {
                j += 1;
            }
            f(s[i], (j - i) as u32);
            i = j;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(ids: &[u32]) -> Counts {
        let mut m = std::collections::BTreeMap::new();
        for &i in ids {
            *m.entry(i).or_insert(0u32) += 1;
        }
        m.into_iter().collect()
    }

    type Counts = Vec<(u32, u32)>;

    fn both(c: &mut IdCounter, n: usize, ids: &[u32]) -> (Counts, Counts) {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        c.count_bits(n, ids.iter().copied(), |i, k| a.push((i, k)));
        c.count_sorted(ids.iter().copied(), |i, k| b.push((i, k)));
        (a, b)
    }

    #[test]
    fn bits_and_sort_agree_with_a_map() {
        // a small deterministic generator (xorshift), so failures reproduce
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut c = IdCounter::default();
        for &n in &[1usize, 63, 64, 65, 4095, 4096, 4097, 91_139, 300_000] {
            for len in [0usize, 1, 2, 10, 150, 3000] {
                // skewed ids (frequent features have small ids), with repeats
                let ids: Vec<u32> = (0..len)
                    .map(|_| {
                        let r = next();
                        let span = if r & 1 == 0 { n.min(100) } else { n };
                        ((r >> 8) % span as u64) as u32
                    })
                    .collect();
                let want = reference(&ids);
                let (a, b) = both(&mut c, n, &ids);
                assert_eq!(a, want, "bits, n={n} len={len}");
                assert_eq!(b, want, "sorted, n={n} len={len}");
                // the set is left empty: the next text starts clean
                assert!(c.words.iter().all(|&w| w == 0) && c.summary.iter().all(|&w| w == 0));
            }
        }
        // a counter sized for a large vocabulary serves a smaller one
        let (a, _) = both(&mut c, 10, &[9, 0, 9, 3]);
        assert_eq!(a, vec![(0, 1), (3, 1), (9, 2)]);
    }

    #[test]
    fn chooses_sorting_only_for_huge_vocabularies() {
        assert!(IdCounter::use_bits(91_139, 0));
        assert!(!IdCounter::use_bits(1 << 20, 1));
        assert!(IdCounter::use_bits(1 << 20, 100));
        assert!(!IdCounter::use_bits(1 << 28, 10));
        assert!(IdCounter::use_bits(1 << 28, 10_000));
    }
}
