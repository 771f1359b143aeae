//! [`InlineKey`]: a short string stored inline as three machine words, for the per-thread word
//! caches. Comparing two keys is three integer comparisons and hashing one is three
//! multiplications, with no pointer to follow: a `Box<str>` key costs a call to `memcmp` and a
//! likely cache miss on its heap bytes at every probe, which profiling on real tweets put at
//! an eighth of the featurizing time.

/// A string of at most [`InlineKey::MAX_LEN`] bytes, stored inline (its bytes, zero padding,
/// and its length in the last byte), usable as a hash-map key.
///
/// ```
/// use narrascope_tokenize::InlineKey;
/// let a = InlineKey::new("caravan").unwrap();
/// assert_eq!(Some(a), InlineKey::new("caravan"));
/// assert_ne!(Some(a), InlineKey::new("caravan\0"));
/// assert!(InlineKey::new("a word much longer than the limit").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InlineKey([u64; 3]);

impl InlineKey {
    /// Longest string (in bytes) a key holds.
    pub const MAX_LEN: usize = 23;

    /// The key of `s`, or `None` when `s` is longer than [`Self::MAX_LEN`] bytes.
    #[inline]
    pub fn new(s: &str) -> Option<InlineKey> {
        let b = s.as_bytes();
        if b.len() > Self::MAX_LEN {
            return None;
        }
        // one copy into a zeroed buffer, then three little-endian loads (a byte loop over the
        // tail cost more than the rest of the key)
        let mut buf = [0u8; 24];
        buf[..b.len()].copy_from_slice(b);
        let word =
            |k: usize| u64::from_le_bytes(buf[8 * k..8 * k + 8].try_into().expect("eight bytes"));
        let mut w = [word(0), word(1), word(2)];
        // the length in the top byte keeps "a" and "a\0" apart
        w[2] |= (b.len() as u64) << 56;
        Some(InlineKey(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_strings_give_distinct_keys() {
        let words = [
            "",
            "a",
            "a\0",
            "ab",
            "ba",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnopqrstuvw",
            "هجرة",
            "hijrah",
        ];
        for (i, a) in words.iter().enumerate() {
            for (j, b) in words.iter().enumerate() {
                assert_eq!(
                    InlineKey::new(a) == InlineKey::new(b),
                    i == j,
                    "{a:?} against {b:?}"
                );
            }
        }
    }

    #[test]
    fn length_limit() {
        assert!(InlineKey::new(&"x".repeat(InlineKey::MAX_LEN)).is_some());
        assert!(InlineKey::new(&"x".repeat(InlineKey::MAX_LEN + 1)).is_none());
    }
}
