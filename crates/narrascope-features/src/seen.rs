//! [`SeenSet`]: the per-text "counted already?" sets of [`crate::Weighting::Distinct`].

/// A set of 64-bit keys for one text at a time, emptied in constant time.
///
/// Distinct weighting asks, for every word and word-level feature of a text, whether it was
/// counted already: a few dozen questions per tweet, each of which a general hash set answers
/// with more work than the question deserves (hashing, control bytes, and a `clear` that
/// touches every slot). Here the slots are open-addressed (linear probing), the key itself
/// (multiplied by an odd constant) picks the slot, and each slot carries the generation that
/// wrote it: [`SeenSet::clear`] starts a new generation, so slots of earlier texts read as
/// empty without being touched. The table doubles when half full and keeps its size for the
/// next texts up to [`SeenSet::MAX_KEPT_SLOTS`].
#[derive(Debug, Clone, Default)]
pub(crate) struct SeenSet {
    /// `(key, generation)`; a slot is occupied when its generation is the current one.
    slots: Vec<(u64, u32)>,
    /// The current generation (never 0, the generation of fresh slots).
    generation: u32,
    /// Keys in the current generation.
    len: usize,
}

impl SeenSet {
    /// Slots of a new table.
    const MIN_SLOTS: usize = 64;

    /// Slots kept across texts (1 MB): a larger table, grown by one very long text, is
    /// dropped when the set is emptied, so that memory does not stay at its size.
    const MAX_KEPT_SLOTS: usize = 1 << 16;

    /// Empties the set.
    #[inline]
    pub fn clear(&mut self) {
        if self.slots.len() > Self::MAX_KEPT_SLOTS {
            self.slots = Vec::new();
        }
        self.len = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // after 2^32 - 1 texts: forget every stamp once
            self.slots.iter_mut().for_each(|s| s.1 = 0);
            self.generation = 1;
        }
    }

    /// Adds `key`; returns whether it was absent.
    #[inline]
    pub fn insert(&mut self, key: u64) -> bool {
        if self.generation == 0 {
            self.generation = 1;
        }
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let inserted = Self::place(&mut self.slots, self.generation, key);
        self.len += inserted as usize;
        inserted
    }

    /// Number of keys in the set.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Puts `key` in the first slot of its probe sequence that holds it or is free; returns
    /// whether it was free. `slots.len()` is a power of two with at least one free slot.
    #[inline]
    fn place(slots: &mut [(u64, u32)], generation: u32, key: u64) -> bool {
        let mask = slots.len() - 1;
        let shift = 64 - slots.len().trailing_zeros();
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize;
        loop {
            let slot = &mut slots[i];
            if slot.1 != generation {
                *slot = (key, generation);
                return true;
            }
            if slot.0 == key {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /// Doubles the table (or makes the first one), keeping the current generation's keys.
    #[cold]
    fn grow(&mut self) {
        let n = (2 * self.slots.len()).max(Self::MIN_SLOTS);
        let mut slots = vec![(0u64, 0u32); n];
        for &(key, generation) in &self.slots {
            if generation == self.generation {
                Self::place(&mut slots, generation, key);
            }
        }
        self.slots = slots;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn behaves_like_a_hash_set_across_texts_and_growth() {
        let mut s = SeenSet::default();
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        for text in 0..200 {
            s.clear();
            let mut reference = HashSet::new();
            // text sizes from a few keys to thousands (the table grows), keys often repeated
            let n = [5, 40, 3000][text % 3];
            for _ in 0..n {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                // small ids (like feature ids, which share their high bits) and full hashes
                let key = if text % 2 == 0 {
                    rng % 500
                } else {
                    rng % 5000 * 0x1_0000_0001
                };
                assert_eq!(
                    s.insert(key),
                    reference.insert(key),
                    "text {text}, key {key}"
                );
                assert_eq!(s.len(), reference.len());
            }
        }
    }

    #[test]
    fn a_table_grown_by_a_long_text_is_dropped_when_cleared() {
        let mut s = SeenSet::default();
        for k in 0..100_000u64 {
            assert!(s.insert(k));
        }
        assert!(s.slots.len() > SeenSet::MAX_KEPT_SLOTS);
        s.clear();
        assert!(s.slots.is_empty());
        assert!(s.insert(5));
        assert!(!s.insert(5));
        assert_eq!(s.slots.len(), SeenSet::MIN_SLOTS);
    }

    #[test]
    fn a_cleared_set_forgets_and_the_generation_wraps() {
        let mut s = SeenSet::default();
        assert!(s.insert(7));
        assert!(!s.insert(7));
        s.clear();
        assert!(s.insert(7));
        // jump to the last generation: the next clear wraps and must forget every key
        s.generation = u32::MAX;
        assert!(s.insert(8));
        assert!(!s.insert(8));
        s.clear();
        assert_eq!(s.generation, 1);
        assert!(s.insert(8));
        assert!(s.insert(7));
    }
}
