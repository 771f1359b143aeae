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
//! normalisation would touch) and words longer than
//! [`MAX_CHARS`](crate::snowball::MAX_CHARS) are left to rust-stemmers
//! ([`stem`] returns `None`), so the result is always rust-stemmers' own; the tests compare
//! the two on every Arabic word of the project's corpus and of the public corpora when present,
//! and on generated words that reach every step.

use crate::snowball::{Stem, Table, Word};

/// The characters handled here: the Arabic letters, none of which the algorithm's first
/// normalisation changes.
#[inline]
fn handled(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

const CHECKS: &Table = &Table::new(&[
    (&['ا', 'ل'], 2),
    (&['ب', 'ا', 'ل'], 1),
    (&['ك', 'ا', 'ل'], 1),
    (&['ل', 'ل'], 2),
]);
const PREFIX_1: &Table = &Table::new(&[
    (&['أ', 'آ'], 2),
    (&['أ', 'أ'], 1),
    (&['أ', 'ؤ'], 3),
    (&['أ', 'إ'], 5),
    (&['أ', 'ا'], 4),
]);
const PREFIX_2: &Table = &Table::new(&[(&['ف'], 1), (&['و'], 2)]);
const PREFIX_3A_NOUN: &Table = &Table::new(&[
    (&['ا', 'ل'], 2),
    (&['ب', 'ا', 'ل'], 1),
    (&['ك', 'ا', 'ل'], 1),
    (&['ل', 'ل'], 2),
]);
const PREFIX_3B_NOUN: &Table = &Table::new(&[(&['ب'], 1), (&['ب', 'ب'], 2), (&['ك', 'ك'], 3)]);
const PREFIX_3_VERB: &Table = &Table::new(&[
    (&['س', 'أ'], 4),
    (&['س', 'ت'], 2),
    (&['س', 'ن'], 3),
    (&['س', 'ي'], 1),
]);
const PREFIX_4_VERB: &Table = &Table::new(&[
    (&['ت', 'س', 'ت'], 1),
    (&['ن', 'س', 'ت'], 1),
    (&['ي', 'س', 'ت'], 1),
]);
const NOUN_1A: &Table = &Table::new(&[
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
]);
const NOUN_1B: &Table = &Table::new(&[(&['ن'], 1)]);
const NOUN_2A: &Table = &Table::new(&[(&['و'], 1), (&['ي'], 1), (&['ا'], 1)]);
const NOUN_2B: &Table = &Table::new(&[(&['ا', 'ت'], 1)]);
const NOUN_2C1: &Table = &Table::new(&[(&['ت'], 1)]);
const NOUN_2C2: &Table = &Table::new(&[(&['ة'], 1)]);
const NOUN_3: &Table = &Table::new(&[(&['ي'], 1)]);
const VERB_1: &Table = &Table::new(&[
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
]);
const VERB_2A: &Table = &Table::new(&[
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
]);
const VERB_2B: &Table = &Table::new(&[(&['ت', 'م'], 1), (&['و', 'ا'], 1)]);
const VERB_2C: &Table = &Table::new(&[(&['و'], 1), (&['ت', 'م', 'و'], 2)]);

/// The word being stemmed (Snowball's `limit_backward` is always 0 in this algorithm) and the
/// algorithm's marks.
struct Env {
    w: Word,
    is_noun: bool,
    is_verb: bool,
    is_defined: bool,
}

impl std::ops::Deref for Env {
    type Target = Word;
    fn deref(&self) -> &Word {
        &self.w
    }
}

impl std::ops::DerefMut for Env {
    fn deref_mut(&mut self) -> &mut Word {
        &mut self.w
    }
}

impl Env {
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
        let bra = self.cursor;
        self.replace(bra, ket, "");
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
        let ket = self.cursor;
        self.replace(bra, ket, with(r));
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
        let bra = self.cursor;
        self.replace(bra, ket, "ي");
        true
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
        let w = &mut self.w;
        if w.n > 0 && matches!(w.c[w.n - 1], 'آ' | 'أ' | 'ؤ' | 'إ' | 'ئ') {
            w.c[w.n - 1] = 'ء';
        }
        for ch in &mut w.c[..w.n] {
            *ch = match *ch {
                'آ' | 'أ' | 'إ' => 'ا',
                'ؤ' => 'و',
                'ئ' => 'ي',
                other => other,
            };
        }
    }
}

/// The Arabic stem of `word`, or `None` when the word holds a character outside the Arabic
/// letters handled here or is longer than [`MAX_CHARS`](crate::snowball::MAX_CHARS) (the
/// caller then asks rust-stemmers).
#[inline]
pub(crate) fn stem(word: &str) -> Option<Stem> {
    let mut env = Env {
        w: Word::new(word, handled)?,
        is_noun: true,
        is_verb: true,
        is_defined: false,
    };
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
    Some(env.w.stem())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snowball::MAX_CHARS;
    use rust_stemmers::{Algorithm, Stemmer};

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
        crate::stem_test::check_all(Algorithm::Arabic, stem, &words);
    }

    /// Short words over letters that reach every rule, all of them.
    #[test]
    fn equal_to_rust_stemmers_on_every_short_word() {
        let all = crate::stem_test::all_words("اأإآؤئءبتةكلمنهويىسفقد", 1..=4);
        crate::stem_test::check_all(Algorithm::Arabic, stem, &all);
    }

    /// The Arabic words of data/ and of the public corpora.
    #[test]
    fn equal_to_rust_stemmers_on_the_corpora() {
        crate::stem_test::check_corpora(Algorithm::Arabic, stem, is_arabic, [1_000, 5_000]);
    }
}
