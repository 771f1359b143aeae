//! The part of Snowball's machine the native stemmers (`stem_ar`, `stem_ru`) replay: a word as
//! an array of characters with Snowball's cursor and backward limit, its table searches and
//! its replacement rule, kept exactly as rust-stemmers 1.2 keeps them (positions count
//! characters here and bytes there, which orders them the same way).

/// Longest word (in characters) the native ports stem; longer words go to rust-stemmers.
pub(crate) const MAX_CHARS: usize = 32;

/// Room for a stem's bytes: `MAX_CHARS` characters of at most two bytes ([`Word::new`] takes
/// no longer character), or the English port's 66 ASCII bytes.
pub(crate) const STEM_BYTES: usize = 2 * MAX_CHARS + 2;

/// A suffix or prefix table: each entry and its result (Snowball's `among`), with the set of
/// its entries' last characters (their code modulo 64, as bits) to rule a suffix search out
/// at once.
pub(crate) struct Table {
    entries: &'static [(&'static [char], u8)],
    last: u64,
}

impl Table {
    /// A table of `entries` (none empty).
    pub(crate) const fn new(entries: &'static [(&'static [char], u8)]) -> Table {
        let mut last = 0u64;
        let mut i = 0;
        while i < entries.len() {
            let s = entries[i].0;
            last |= 1 << (s[s.len() - 1] as u32 % 64);
            i += 1;
        }
        Table { entries, last }
    }

    /// The entries (for tests).
    #[cfg(test)]
    pub(crate) fn entries(&self) -> &'static [(&'static [char], u8)] {
        self.entries
    }
}

/// The word being stemmed, with Snowball's cursor and backward limit (its forward limit is
/// always the length).
pub(crate) struct Word {
    pub c: [char; MAX_CHARS],
    pub n: usize,
    pub cursor: usize,
    /// Snowball's `limit_backward`: backward searches never look before it.
    pub lb: usize,
}

impl Word {
    /// `word` as a `Word`, or `None` when it is longer than [`MAX_CHARS`] or holds a character
    /// for which `handled` is false or of more than two bytes in UTF-8.
    pub fn new(word: &str, handled: impl Fn(char) -> bool) -> Option<Word> {
        let mut w = Word {
            c: ['\0'; MAX_CHARS],
            n: 0,
            cursor: 0,
            lb: 0,
        };
        for ch in word.chars() {
            if w.n == MAX_CHARS || ch.len_utf8() > 2 || !handled(ch) {
                return None;
            }
            w.c[w.n] = ch;
            w.n += 1;
        }
        Some(w)
    }

    /// Whether `s` is written from position `at`.
    #[inline]
    pub fn has_at(&self, at: usize, s: &[char]) -> bool {
        self.c[..self.n].get(at..at + s.len()) == Some(s)
    }

    /// Snowball's `find_among` (forward): the longest entry written at the cursor; moves the
    /// cursor past it. Returns its result and where it started.
    #[inline]
    pub fn find_among(&mut self, t: &Table) -> Option<(u8, usize)> {
        let (s, r) = t
            .entries
            .iter()
            .filter(|(s, _)| self.has_at(self.cursor, s))
            .max_by_key(|(s, _)| s.len())?;
        let bra = self.cursor;
        self.cursor += s.len();
        Some((*r, bra))
    }

    /// Snowball's `find_among_b` (backward): the longest entry that ends at the cursor and
    /// starts at the backward limit or after; moves the cursor to its start. Returns its
    /// result.
    #[inline]
    pub fn find_among_b(&mut self, t: &Table) -> Option<u8> {
        let room = self.cursor - self.lb;
        if room == 0 {
            return None;
        }
        // the character before the cursor rules out most entries at once
        let last = self.c[self.cursor - 1];
        if t.last & 1 << (last as u32 % 64) == 0 {
            return None;
        }
        let mut best: Option<(usize, u8)> = None;
        for &(s, r) in t.entries {
            if s.last() == Some(&last)
                && s.len() <= room
                && best.is_none_or(|(n, _)| s.len() > n)
                && self.has_at(self.cursor - s.len(), s)
            {
                best = Some((s.len(), r));
            }
        }
        let (n, r) = best?;
        self.cursor -= n;
        Some(r)
    }

    /// Snowball's `eq_s` (forward): whether `s` is written at the cursor (never at the end);
    /// moves the cursor past it.
    #[inline]
    pub fn eq_s(&mut self, s: &[char]) -> bool {
        if self.cursor >= self.n || !self.has_at(self.cursor, s) {
            return false;
        }
        self.cursor += s.len();
        true
    }

    /// Snowball's `eq_s_b` (backward): whether `s` ends at the cursor, after the backward
    /// limit; moves the cursor to its start.
    #[inline]
    pub fn eq_s_b(&mut self, s: &[char]) -> bool {
        if self.cursor - self.lb < s.len() || !self.has_at(self.cursor - s.len(), s) {
            return false;
        }
        self.cursor -= s.len();
        true
    }

    /// Snowball's `replace_s`: `c[bra..ket]` becomes `s`, the cursor adjusted as Snowball
    /// adjusts it.
    #[inline]
    pub fn replace(&mut self, bra: usize, ket: usize, s: &str) {
        let len = s.chars().count();
        let tail = self.n - ket;
        self.c.copy_within(ket..self.n, bra + len);
        for (k, ch) in s.chars().enumerate() {
            self.c[bra + k] = ch;
        }
        self.n = bra + len + tail;
        if self.cursor >= ket {
            self.cursor = self.cursor + bra + len - ket;
        } else if self.cursor > bra {
            self.cursor = bra;
        }
    }

    /// How many characters follow the cursor (Snowball saves `limit - cursor`).
    pub fn tail(&self) -> usize {
        self.n - self.cursor
    }

    /// Restores the cursor to `tail` characters before the end (Snowball's `limit - v`).
    pub fn back_to(&mut self, tail: usize) {
        self.cursor = self.n - tail;
    }

    /// The word as a [`Stem`].
    pub fn stem(&self) -> Stem {
        let mut out = Stem {
            b: [0; STEM_BYTES],
            n: 0,
        };
        // the replacements the ports make are two-byte letters too
        for &ch in &self.c[..self.n] {
            out.n += ch.encode_utf8(&mut out.b[out.n..]).len();
        }
        out
    }
}

/// A stem, in UTF-8 on the stack: at most [`STEM_BYTES`] bytes.
pub(crate) struct Stem {
    pub(crate) b: [u8; STEM_BYTES],
    pub(crate) n: usize,
}

impl AsRef<str> for Stem {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Stem {
    /// The stem as a string.
    pub(crate) fn as_str(&self) -> &str {
        // only whole characters are ever written
        std::str::from_utf8(&self.b[..self.n]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_fits_its_stem() {
        // characters of more than two bytes are refused, whatever the port accepts
        assert!(Word::new("a\u{0800}", |_| true).is_none());
        assert!(Word::new("a😀", |_| true).is_none());
        // the longest word of the widest characters accepted fits a stem
        let widest = "\u{07FF}".repeat(MAX_CHARS);
        let w = Word::new(&widest, |_| true).unwrap();
        assert_eq!(w.stem().as_str(), widest);
        assert!(Word::new(&format!("{widest}a"), |_| true).is_none());
    }
}
