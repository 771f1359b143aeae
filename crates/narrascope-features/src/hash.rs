//! A stable 64-bit hash for feature keys (FNV-1a with a final avalanche). Stable across
//! platforms, builds and crate versions, because keys are stored in model files.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// Hasher state.
#[derive(Debug, Clone, Copy)]
pub struct KeyHasher(u64);

impl KeyHasher {
    /// Starts a key of feature family `family`.
    #[inline]
    pub fn new(family: u8) -> Self {
        KeyHasher((OFFSET ^ family as u64).wrapping_mul(PRIME))
    }
    /// Adds bytes.
    #[inline]
    pub fn bytes(mut self, b: &[u8]) -> Self {
        let mut h = self.0;
        for &x in b {
            h ^= x as u64;
            h = h.wrapping_mul(PRIME);
        }
        self.0 = h;
        self
    }
    /// Adds a separator that cannot occur in text (keeps "ab"+"c" apart from "a"+"bc").
    #[inline]
    pub fn sep(self) -> Self {
        self.bytes(&[0xff])
    }
    /// Finishes the key.
    #[inline]
    pub fn finish(self) -> u64 {
        // splitmix64 finaliser
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Key of a string in a family.
#[inline]
pub fn key(family: u8, s: &str) -> u64 {
    KeyHasher::new(family).bytes(s.as_bytes()).finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn stable_values() {
        // Pinned: a change here silently breaks every saved model.
        assert_eq!(key(1, "join"), 0xef15d0491babdb4);
        assert_ne!(key(1, "ab"), key(2, "ab"));
        assert_ne!(
            KeyHasher::new(3).bytes(b"ab").sep().bytes(b"c").finish(),
            KeyHasher::new(3).bytes(b"a").sep().bytes(b"bc").finish()
        );
    }
}
