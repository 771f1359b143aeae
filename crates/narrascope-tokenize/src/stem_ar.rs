//! Arabic stemming of words made only of Arabic letters without rust-stemmers' general
//! Snowball machine: the same algorithm as rust-stemmers 1.2's `arabic` (Assem Chelli's light
//! stemmer in the Snowball version of its time), replayed step by step over an array of
//! characters on the stack, cursor and all (the algorithm matches some suffixes before a
//! cursor that an earlier step moved, so the cursor is kept exactly as Snowball keeps it).
//!
//! rust-stemmers' machine builds a new `String` for every deletion and compares its suffix
//! tables character by character: about 7,000 instructions a new Arabic word on real tweets
//! (callgrind). Words with any character outside U+0621-U+063A and U+0641-U+064A (diacritics,
//! tatweel, digits, presentation forms, Latin letters: everything the algorithm's first
//! normalisation would touch) and words longer than [`MAX_CHARS`] are left to rust-stemmers
//! ([`stem`] returns `None`), so the result is always rust-stemmers' own; the tests compare
//! the two on every Arabic word of the project's corpus and of the public corpora when present,
//! and on generated words that reach every step.

/// Longest word (in characters) stemmed here; longer words go to rust-stemmers.
pub(crate) const MAX_CHARS: usize = 32;

/// The characters handled here: the Arabic letters, none of which the algorithm's first
/// normalisation changes.
#[inline]
fn handled(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

/// A suffix or prefix table: each entry and its result (Snowball's `among`).
type Table = [(&'static [char], u8)];

const CHECKS: &Table = &[
    (&['ا', 'ل'], 2),
    (&['ب', 'ا', 'ل'], 1),
    (&['ك', 'ا', 'ل'], 1),
    (&['ل', 'ل'], 2),
];
const PREFIX_1: &Table = &[
    (&['أ', 'آ'], 2),
    (&['أ', 'أ'], 1),
    (&['أ', 'ؤ'], 3),
    (&['أ', 'إ'], 5),
    (&['أ', 'ا'], 4),
];
const PREFIX_2: &Table = &[(&['ف'], 1), (&['و'], 2)];
const PREFIX_3A_NOUN: &Table = &[
    (&['ا', 'ل'], 2),
    (&['ب', 'ا', 'ل'], 1),
    (&['ك', 'ا', 'ل'], 1),
    (&['ل', 'ل'], 2),
];
const PREFIX_3B_NOUN: &Table = &[(&['ب'], 1), (&['ب', 'ب'], 2), (&['ك', 'ك'], 3)];
const PREFIX_3_VERB: &Table = &[
    (&['س', 'أ'], 4),
    (&['س', 'ت'], 2),
    (&['س', 'ن'], 3),
    (&['س', 'ي'], 1),
];
const PREFIX_4_VERB: &Table = &[
    (&['ت', 'س', 'ت'], 1),
    (&['ن', 'س', 'ت'], 1),
    (&['ي', 'س', 'ت'], 1),
];
const NOUN_1A: &Table = &[
    (&['ك'], 1),
    (&['ك', 'م'], 2),
    (&['ه', 'م'], 2),
    (&['ه', 'ن'], 2),
    (&['ه'], 1),
    (&['ي'], 1),
    (&['ك', 'م', 'ا'], 3),
    (&['ه', 'م', 'ا'], 3),
    (&['ن', 'ا'], 2),
    (&['ه', 'ا'], 2),
];
const NOUN_1B: &Table = &[(&['ن'], 1)];
const NOUN_2A: &Table = &[(&['و'], 1), (&['ي'], 1), (&['ا'], 1)];
const NOUN_2B: &Table = &[(&['ا', 'ت'], 1)];
const NOUN_2C1: &Table = &[(&['ت'], 1)];
const NOUN_2C2: &Table = &[(&['ة'], 1)];
const NOUN_3: &Table = &[(&['ي'], 1)];
const VERB_1: &Table = &[
    (&['ك'], 1),
    (&['ك', 'م'], 2),
    (&['ه', 'م'], 2),
    (&['ك', 'ن'], 2),
    (&['ه', 'ن'], 2),
    (&['ه'], 1),
    (&['ك', 'م', 'و'], 3),
    (&['ن', 'ي'], 2),
    (&['ك', 'م', 'ا'], 3),
    (&['ه', 'م', 'ا'], 3),
    (&['ن', 'ا'], 2),
    (&['ه', 'ا'], 2),
];
const VERB_2A: &Table = &[
    (&['ن'], 2),
    (&['و', 'ن'], 4),
    (&['ي', 'ن'], 4),
    (&['ا', 'ن'], 4),
    (&['ت', 'ن'], 3),
    (&['ي'], 2),
    (&['ا'], 2),
    (&['ت', 'م', 'ا'], 5),
    (&['ن', 'ا'], 3),
    (&['ت', 'ا'], 3),
    (&['ت'], 1),
];
const VERB_2B: &Table = &[(&['ت', 'م'], 1), (&['و', 'ا'], 1)];
const VERB_2C: &Table = &[(&['و'], 1), (&['ت', 'م', 'و'], 2)];

/// The word being stemmed, with Snowball's cursor (`limit` is always the length and
/// `limit_backward` always 0 in this algorithm).
struct Env {
    c: [char; MAX_CHARS],
    n: usize,
    cursor: usize,
    is_noun: bool,
    is_verb: bool,
    is_defined: bool,
}

impl Env {
    /// Whether `s` is written in `self.c` from position `at`.
    #[inline]
    fn has_at(&self, at: usize, s: &[char]) -> bool {
        self.c[..self.n].get(at..at + s.len()) == Some(s)
    }

    /// Snowball's `find_among` (forward): the longest entry written at the cursor; moves the
    /// cursor past it. Returns its result and where it started.
    fn find_among(&mut self, t: &Table) -> Option<(u8, usize)> {
        let (s, r) = t
            .iter()
            .filter(|(s, _)| self.has_at(self.cursor, s))
            .max_by_key(|(s, _)| s.len())?;
        let bra = self.cursor;
        self.cursor += s.len();
        Some((*r, bra))
    }

    /// Snowball's `find_among_b` (backward): the longest entry that ends at the cursor; moves
    /// the cursor to its start. Returns its result.
    fn find_among_b(&mut self, t: &Table) -> Option<u8> {
        let (s, r) = t
            .iter()
            .filter(|(s, _)| s.len() <= self.cursor && self.has_at(self.cursor - s.len(), s))
            .max_by_key(|(s, _)| s.len())?;
        self.cursor -= s.len();
        Some(*r)
    }

    /// Snowball's `eq_s` (forward): whether `s` is written at the cursor (never at the end);
    /// moves the cursor past it.
    fn eq_s(&mut self, s: &[char]) -> bool {
        if self.cursor >= self.n || !self.has_at(self.cursor, s) {
            return false;
        }
        self.cursor += s.len();
        true
    }

    /// Snowball's `replace_s`: `c[bra..ket]` becomes `s`, the cursor adjusted as Snowball
    /// adjusts it.
    fn replace(&mut self, bra: usize, ket: usize, s: &str) {
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

    /// A backward step: the longest entry of `t` before the cursor, deleted when `ok(result,
    /// word length)` holds. Fails (with the cursor moved) when nothing matches or `ok` fails.
    fn suffix(&mut self, t: &Table, ok: impl Fn(u8, usize) -> bool) -> bool {
        let wl = self.n;
        let ket = self.cursor;
        let Some(r) = self.find_among_b(t) else {
            return false;
        };
        if !ok(r, wl) {
            return false;
        }
        self.replace(self.cursor, ket, "");
        true
    }

    /// A forward step: the longest entry of `t` at the cursor, replaced by `with(result)`
    /// when `ok(result, word length)` holds.
    fn prefix(
        &mut self,
        t: &Table,
        ok: impl Fn(u8, usize) -> bool,
        with: impl Fn(u8) -> &'static str,
    ) -> bool {
        let wl = self.n;
        let Some((r, bra)) = self.find_among(t) else {
            return false;
        };
        if !ok(r, wl) {
            return false;
        }
        self.replace(bra, self.cursor, with(r));
        true
    }

    fn noun_1a(&mut self) -> bool {
        self.suffix(NOUN_1A, |r, wl| wl >= 3 + r as usize)
    }
    fn noun_1b(&mut self) -> bool {
        self.suffix(NOUN_1B, |_, wl| wl > 5)
    }
    fn noun_2a(&mut self) -> bool {
        self.suffix(NOUN_2A, |_, wl| wl > 4)
    }
    fn noun_2b(&mut self) -> bool {
        self.suffix(NOUN_2B, |_, wl| wl >= 5)
    }
    fn noun_2c1(&mut self) -> bool {
        self.suffix(NOUN_2C1, |_, wl| wl >= 4)
    }
    fn noun_2c2(&mut self) -> bool {
        self.suffix(NOUN_2C2, |_, wl| wl >= 4)
    }
    fn noun_3(&mut self) -> bool {
        self.suffix(NOUN_3, |_, wl| wl >= 3)
    }
    fn verb_1(&mut self) -> bool {
        self.suffix(VERB_1, |r, wl| wl >= 3 + r as usize)
    }
    fn verb_2a(&mut self) -> bool {
        self.suffix(VERB_2A, |r, wl| match r {
            1 | 2 => wl >= 4,
            3 => wl >= 5,
            4 => wl > 5,
            _ => wl >= 6,
        })
    }
    fn verb_2b(&mut self) -> bool {
        self.suffix(VERB_2B, |_, wl| wl >= 5)
    }
    fn verb_2c(&mut self) -> bool {
        self.suffix(VERB_2C, |r, wl| if r == 1 { wl >= 4 } else { wl >= 6 })
    }
    /// A final alef maqsura becomes yeh.
    fn alef_maqsura(&mut self) -> bool {
        let ket = self.cursor;
        if self.cursor == 0 || self.c[self.cursor - 1] != 'ى' {
            return false;
        }
        self.cursor -= 1;
        self.replace(self.cursor, ket, "ي");
        true
    }

    /// Restores the cursor to `off` characters before the end (Snowball's `limit - v`).
    fn back_to(&mut self, off: usize) {
        self.cursor = self.n - off;
    }
    fn tail(&self) -> usize {
        self.n - self.cursor
    }

    /// The suffix steps (Snowball's `backwards ( ... )`).
    fn suffixes(&mut self) {
        self.cursor = self.n;
        let v4 = self.tail();
        if self.is_verb && self.verb_suffixes() {
            return;
        }
        self.back_to(v4);
        if self.is_noun && self.noun_suffixes() {
            return;
        }
        self.back_to(v4);
        self.alef_maqsura();
    }

    /// Tries `steps` in turn from the same cursor, restored after each failure (Snowball's
    /// `or`; a failed step that changed the word keeps its change, as in Snowball); true at
    /// the first that succeeds.
    fn any(&mut self, steps: &[fn(&mut Env) -> bool]) -> bool {
        let t = self.tail();
        for step in steps {
            if step(self) {
                return true;
            }
            self.back_to(t);
        }
        false
    }

    /// Snowball's backward `next`: the cursor one character back, unless at the start.
    fn step_back(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        true
    }

    fn verb_suffixes(&mut self) -> bool {
        let v5 = self.tail();
        // at least one Suffix_Verb_Step1, then 2a or 2c or one character back
        let mut steps = 0;
        loop {
            let v7 = self.tail();
            if !self.verb_1() {
                self.back_to(v7);
                break;
            }
            steps += 1;
        }
        if steps > 0 && (self.any(&[Env::verb_2a, Env::verb_2c]) || self.step_back()) {
            return true;
        }
        self.back_to(v5);
        self.any(&[Env::verb_2b, Env::verb_2a])
    }

    fn noun_suffixes(&mut self) -> bool {
        let v9 = self.tail();
        if !self.noun_alternatives() {
            self.back_to(v9);
        }
        self.noun_3()
    }

    /// The alternatives of the noun suffix steps; false when none applies.
    fn noun_alternatives(&mut self) -> bool {
        self.any(&[
            Env::noun_2c2,
            |e| {
                !e.is_defined
                    && e.noun_1a()
                    && (e.any(&[Env::noun_2a, Env::noun_2b, Env::noun_2c1]) || e.step_back())
            },
            |e| e.noun_1b() && e.any(&[Env::noun_2a, Env::noun_2b, Env::noun_2c1]),
            |e| !e.is_defined && e.noun_2a(),
            Env::noun_2b,
        ])
    }

    /// The prefix steps (forward, from the start).
    fn prefixes(&mut self) {
        self.cursor = 0;
        let v16 = self.cursor;
        if !self.prefix(
            PREFIX_1,
            |_, wl| wl > 3,
            |r| match r {
                1 | 3 => "أ",
                2 => "آ",
                4 => "ا",
                _ => "إ",
            },
        ) {
            self.cursor = v16;
        }
        let v17 = self.cursor;
        if !self.prefix_2() {
            self.cursor = v17;
        }
        let v18 = self.cursor;
        // `bal-`, `kal-` (1) on words of more than 5 letters, `al-`, `lil-` (2) of more than 4
        let article = |r: u8, wl: usize| if r == 1 { wl > 5 } else { wl > 4 };
        if self.prefix(PREFIX_3A_NOUN, article, |_| "") {
            return;
        }
        self.cursor = v18;
        if self.is_noun && self.prefix_3b_noun() {
            return;
        }
        self.cursor = v18;
        if !self.is_verb {
            return;
        }
        let v19 = self.cursor;
        if !self.prefix(
            PREFIX_3_VERB,
            |_, wl| wl > 4,
            |r| match r {
                1 => "ي",
                2 => "ت",
                3 => "ن",
                _ => "أ",
            },
        ) {
            self.cursor = v19;
        }
        // (Snowball also marks the word a verb here; no later step reads the marks)
        self.prefix(PREFIX_4_VERB, |_, wl| wl > 4, |_| "است");
    }

    fn prefix_2(&mut self) -> bool {
        let v1 = self.cursor;
        if self.eq_s(&['ف', 'ا']) {
            return false;
        }
        self.cursor = v1;
        if self.eq_s(&['و', 'ا']) {
            return false;
        }
        self.cursor = v1;
        self.prefix(PREFIX_2, |_, wl| wl > 3, |_| "")
    }

    fn prefix_3b_noun(&mut self) -> bool {
        let v1 = self.cursor;
        if self.eq_s(&['ب', 'ا']) {
            return false;
        }
        self.cursor = v1;
        self.prefix(
            PREFIX_3B_NOUN,
            |_, wl| wl > 3,
            |r| match r {
                1 => "",
                2 => "ب",
                _ => "ك",
            },
        )
    }

    /// Snowball's `Normalize_post`: a final hamza-bearing letter becomes a lone hamza, then
    /// every hamza-bearing alef, waw and yeh becomes its plain letter.
    fn normalize_post(&mut self) {
        if self.n > 0 && matches!(self.c[self.n - 1], 'آ' | 'أ' | 'ؤ' | 'إ' | 'ئ') {
            self.c[self.n - 1] = 'ء';
        }
        for ch in &mut self.c[..self.n] {
            *ch = match *ch {
                'آ' | 'أ' | 'إ' => 'ا',
                'ؤ' => 'و',
                'ئ' => 'ي',
                other => other,
            };
        }
    }
}

/// A stem: at most [`MAX_CHARS`] Arabic letters, two bytes each in UTF-8.
pub(crate) struct Stem {
    b: [u8; 2 * MAX_CHARS],
    n: usize,
}

impl Stem {
    /// The stem as a string.
    pub(crate) fn as_str(&self) -> &str {
        // only whole characters are ever written
        std::str::from_utf8(&self.b[..self.n]).unwrap_or_default()
    }
}

/// The Arabic stem of `word`, or `None` when the word holds a character outside the Arabic
/// letters handled here or is longer than [`MAX_CHARS`] (the caller then asks rust-stemmers).
pub(crate) fn stem(word: &str) -> Option<Stem> {
    let mut env = Env {
        c: ['\0'; MAX_CHARS],
        n: 0,
        cursor: 0,
        is_noun: true,
        is_verb: true,
        is_defined: false,
    };
    for ch in word.chars() {
        if env.n == MAX_CHARS || !handled(ch) {
            return None;
        }
        env.c[env.n] = ch;
        env.n += 1;
    }
    // Checks1: a definite article marks a noun
    if let Some((r, _)) = env.find_among(CHECKS) {
        if env.n > 3 + (r == 1) as usize {
            env.is_noun = true;
            env.is_verb = false;
            env.is_defined = true;
        }
    }
    env.suffixes();
    env.prefixes();
    env.normalize_post();
    let mut out = Stem {
        b: [0; 2 * MAX_CHARS],
        n: 0,
    };
    for &ch in &env.c[..env.n] {
        out.n += ch.encode_utf8(&mut out.b[out.n..]).len();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_stemmers::{Algorithm, Stemmer};

    /// Compares the native stem with rust-stemmers' on every word; returns the number of
    /// words stemmed natively.
    fn check<'a>(words: impl IntoIterator<Item = &'a str>) -> usize {
        crate::stem_test::check(
            Algorithm::Arabic,
            |w| stem(w).map(|s| s.as_str().to_string()),
            words,
        )
    }

    fn is_arabic(c: char) -> bool {
        ('\u{0600}'..='\u{06FF}').contains(&c)
    }

    #[test]
    fn known_stems_and_refusals() {
        for w in [
            "الطالب",
            "والمجاهدين",
            "بالدولة",
            "سيقاتلون",
            "كتابهم",
            "فقالوا",
        ] {
            let want = Stemmer::create(Algorithm::Arabic).stem(w).to_string();
            assert_eq!(stem(w).unwrap().as_str(), want, "{w}");
        }
        assert_eq!(stem("الطالب").unwrap().as_str(), "طالب");
        // diacritics, tatweel, digits, Latin, too long: left to rust-stemmers
        assert!(stem("كَتَبَ").is_none());
        assert!(stem("جهـاد").is_none());
        assert!(stem("٢٠١٤").is_none());
        assert!(stem("isis").is_none());
        assert!(stem(&"ب".repeat(MAX_CHARS + 1)).is_none());
        assert!(stem(&"ب".repeat(MAX_CHARS)).is_some());
        assert!(stem("").is_some());
    }

    /// Every prefix and suffix of every step, and chains of them, around short and long
    /// stems, with and without the article.
    #[test]
    fn equal_to_rust_stemmers_on_every_affix() {
        let prefixes = [
            "", "ال", "بال", "كال", "لل", "و", "ف", "فا", "وا", "ب", "بب", "كك", "با", "سأ", "ست",
            "سن", "سي", "تست", "نست", "يست", "أآ", "أأ", "أؤ", "أإ", "أا", "وال", "فال", "ول",
            "فب", "وس", "أ", "إ", "آ",
        ];
        let stems = [
            "",
            "ك",
            "كتب",
            "قاتل",
            "مجاهد",
            "دول",
            "هجر",
            "بيع",
            "سلم",
            "أمر",
            "ساء",
            "مؤمن",
            "قرأ",
            "ملئ",
            "يى",
            "مى",
            "هدى",
            "نا",
            "كما",
            "تم",
        ];
        let suffixes = [
            "", "ك", "كم", "هم", "هن", "ه", "ي", "كما", "هما", "نا", "ها", "ن", "و", "ا", "ات",
            "ت", "ة", "كن", "كمو", "ني", "ون", "ين", "ان", "تن", "تما", "تا", "تم", "وا", "تمو",
            "ى", "ية", "يه", "اتك", "تموه", "ونه", "ينها", "أ", "ؤ", "ئ", "إ", "آ",
        ];
        let mut words = Vec::new();
        for p in prefixes {
            for s in stems {
                for x in suffixes {
                    for y in ["", "ه", "ها", "كم", "ة", "ى"] {
                        words.push(format!("{p}{s}{x}{y}"));
                    }
                }
            }
        }
        assert_eq!(check(words.iter().map(String::as_str)), words.len());
    }

    /// Short words over letters that reach every rule, all of them.
    #[test]
    fn equal_to_rust_stemmers_on_every_short_word() {
        let letters: Vec<char> = "اأإآؤئءبتةكلمنهويىسفقد".chars().collect();
        let mut words: Vec<String> = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..4 {
            let mut next = Vec::new();
            for w in &words {
                for &c in &letters {
                    let mut x = w.clone();
                    x.push(c);
                    next.push(x);
                }
            }
            all.extend(next.iter().cloned());
            words = next;
        }
        assert_eq!(check(all.iter().map(String::as_str)), all.len());
    }

    /// The Arabic words of the project's corpus and lexicons.
    #[test]
    fn equal_to_rust_stemmers_on_the_corpus() {
        let words = crate::stem_test::words_under(&crate::stem_test::data_dir(), is_arabic);
        let native = check(words.iter().map(String::as_str));
        assert!(native > 1_000, "{native} words stemmed natively");
    }

    /// The Arabic words of the public tweets in `../shared/corpora`, when present.
    #[test]
    fn equal_to_rust_stemmers_on_the_public_tweets() {
        let Some(root) = crate::stem_test::shared_corpora() else {
            return;
        };
        let words = crate::stem_test::words_under(&root, is_arabic);
        let native = check(words.iter().map(String::as_str));
        assert!(native > 5_000, "{native} words stemmed natively");
    }
}
