//! Russian stemming of words made only of the lower-case letters а-я without rust-stemmers'
//! general Snowball machine: the same algorithm as rust-stemmers 1.2's `russian` (Snowball's
//! Russian stemmer of its time, without the later `ё` rule), replayed over an array of
//! characters with Snowball's cursor and backward limit (`crate::snowball`).
//!
//! rust-stemmers' machine builds a new `String` for every deletion and compares its suffix
//! tables character by character. Words with any other character (`ё`, capitals, Latin,
//! digits, hyphens) and words longer than [`MAX_CHARS`](crate::snowball::MAX_CHARS) are left
//! to rust-stemmers ([`stem`]
//! returns `None`), so the result is always rust-stemmers' own; the tests compare the two on
//! every Cyrillic word of the project's corpus and of the public corpora when present, and on
//! generated words that reach every step.

use crate::snowball::{Stem, Table, Word};

/// The characters handled here: the lower-case Russian letters but `ё`.
#[inline]
fn handled(c: char) -> bool {
    ('а'..='я').contains(&c)
}

/// Snowball's Russian vowels.
#[inline]
fn is_vowel(c: char) -> bool {
    matches!(c, 'а' | 'е' | 'и' | 'о' | 'у' | 'ы' | 'э' | 'ю' | 'я')
}

const PERFECTIVE_GERUND: &Table = &Table::new(&[
    (&['в', 'ш', 'и', 'с', 'ь'], 1),
    (&['ы', 'в', 'ш', 'и', 'с', 'ь'], 2),
    (&['и', 'в', 'ш', 'и', 'с', 'ь'], 2),
    (&['в'], 1),
    (&['ы', 'в'], 2),
    (&['и', 'в'], 2),
    (&['в', 'ш', 'и'], 1),
    (&['ы', 'в', 'ш', 'и'], 2),
    (&['и', 'в', 'ш', 'и'], 2),
]);
const ADJECTIVE: &Table = &Table::new(&[
    (&['е', 'м', 'у'], 1),
    (&['о', 'м', 'у'], 1),
    (&['ы', 'х'], 1),
    (&['и', 'х'], 1),
    (&['у', 'ю'], 1),
    (&['ю', 'ю'], 1),
    (&['е', 'ю'], 1),
    (&['о', 'ю'], 1),
    (&['я', 'я'], 1),
    (&['а', 'я'], 1),
    (&['ы', 'е'], 1),
    (&['е', 'е'], 1),
    (&['и', 'е'], 1),
    (&['о', 'е'], 1),
    (&['ы', 'м', 'и'], 1),
    (&['и', 'м', 'и'], 1),
    (&['ы', 'й'], 1),
    (&['е', 'й'], 1),
    (&['и', 'й'], 1),
    (&['о', 'й'], 1),
    (&['ы', 'м'], 1),
    (&['е', 'м'], 1),
    (&['и', 'м'], 1),
    (&['о', 'м'], 1),
    (&['е', 'г', 'о'], 1),
    (&['о', 'г', 'о'], 1),
]);
const PARTICIPLE: &Table = &Table::new(&[
    (&['в', 'ш'], 1),
    (&['ы', 'в', 'ш'], 2),
    (&['и', 'в', 'ш'], 2),
    (&['щ'], 1),
    (&['ю', 'щ'], 1),
    (&['у', 'ю', 'щ'], 2),
    (&['е', 'м'], 1),
    (&['н', 'н'], 1),
]);
const REFLEXIVE: &Table = &Table::new(&[(&['с', 'ь'], 1), (&['с', 'я'], 1)]);
const VERB: &Table = &Table::new(&[
    (&['ы', 'т'], 2),
    (&['ю', 'т'], 1),
    (&['у', 'ю', 'т'], 2),
    (&['я', 'т'], 2),
    (&['е', 'т'], 1),
    (&['у', 'е', 'т'], 2),
    (&['и', 'т'], 2),
    (&['н', 'ы'], 1),
    (&['е', 'н', 'ы'], 2),
    (&['т', 'ь'], 1),
    (&['ы', 'т', 'ь'], 2),
    (&['и', 'т', 'ь'], 2),
    (&['е', 'ш', 'ь'], 1),
    (&['и', 'ш', 'ь'], 2),
    (&['ю'], 2),
    (&['у', 'ю'], 2),
    (&['л', 'а'], 1),
    (&['ы', 'л', 'а'], 2),
    (&['и', 'л', 'а'], 2),
    (&['н', 'а'], 1),
    (&['е', 'н', 'а'], 2),
    (&['е', 'т', 'е'], 1),
    (&['и', 'т', 'е'], 2),
    (&['й', 'т', 'е'], 1),
    (&['у', 'й', 'т', 'е'], 2),
    (&['е', 'й', 'т', 'е'], 2),
    (&['л', 'и'], 1),
    (&['ы', 'л', 'и'], 2),
    (&['и', 'л', 'и'], 2),
    (&['й'], 1),
    (&['у', 'й'], 2),
    (&['е', 'й'], 2),
    (&['л'], 1),
    (&['ы', 'л'], 2),
    (&['и', 'л'], 2),
    (&['ы', 'м'], 2),
    (&['е', 'м'], 1),
    (&['и', 'м'], 2),
    (&['н'], 1),
    (&['е', 'н'], 2),
    (&['л', 'о'], 1),
    (&['ы', 'л', 'о'], 2),
    (&['и', 'л', 'о'], 2),
    (&['н', 'о'], 1),
    (&['е', 'н', 'о'], 2),
    (&['н', 'н', 'о'], 1),
]);
const NOUN: &Table = &Table::new(&[
    (&['у'], 1),
    (&['я', 'х'], 1),
    (&['и', 'я', 'х'], 1),
    (&['а', 'х'], 1),
    (&['ы'], 1),
    (&['ь'], 1),
    (&['ю'], 1),
    (&['ь', 'ю'], 1),
    (&['и', 'ю'], 1),
    (&['я'], 1),
    (&['ь', 'я'], 1),
    (&['и', 'я'], 1),
    (&['а'], 1),
    (&['е', 'в'], 1),
    (&['о', 'в'], 1),
    (&['е'], 1),
    (&['ь', 'е'], 1),
    (&['и', 'е'], 1),
    (&['и'], 1),
    (&['е', 'и'], 1),
    (&['и', 'и'], 1),
    (&['я', 'м', 'и'], 1),
    (&['и', 'я', 'м', 'и'], 1),
    (&['а', 'м', 'и'], 1),
    (&['й'], 1),
    (&['е', 'й'], 1),
    (&['и', 'е', 'й'], 1),
    (&['и', 'й'], 1),
    (&['о', 'й'], 1),
    (&['я', 'м'], 1),
    (&['и', 'я', 'м'], 1),
    (&['а', 'м'], 1),
    (&['е', 'м'], 1),
    (&['и', 'е', 'м'], 1),
    (&['о', 'м'], 1),
    (&['о'], 1),
]);
const DERIVATIONAL: &Table = &Table::new(&[(&['о', 'с', 'т'], 1), (&['о', 'с', 'т', 'ь'], 1)]);
const TIDY_UP: &Table = &Table::new(&[
    (&['е', 'й', 'ш'], 1),
    (&['ь'], 3),
    (&['е', 'й', 'ш', 'е'], 1),
    (&['н'], 2),
]);

/// `pV` (after the first vowel) and `R2` as character positions (the length when absent).
fn regions(w: &[char]) -> (usize, usize) {
    let n = w.len();
    let Some(v) = w.iter().position(|&c| is_vowel(c)) else {
        return (n, n);
    };
    let pv = v + 1;
    // R1 and R2 after pV: past a non-vowel, then past a vowel, then past a non-vowel
    let p2 = (|| {
        let c1 = pv + w[pv..].iter().position(|&c| !is_vowel(c))?;
        let v2 = c1 + 1 + w[c1 + 1..].iter().position(|&c| is_vowel(c))?;
        let c2 = v2 + 1 + w[v2 + 1..].iter().position(|&c| !is_vowel(c))?;
        Some(c2 + 1)
    })();
    (pv, p2.unwrap_or(n))
}

/// Deletes `c[bra..ket]` when the ending (result `r`) is of the first group (result 1),
/// which must follow `а` or `я`, or of the second; false (the cursor moved) when a first-group
/// ending follows neither.
fn delete_ending(w: &mut Word, r: u8, bra: usize, ket: usize) -> bool {
    if r == 1 {
        let t = w.tail();
        if !w.eq_s_b(&['а']) {
            w.back_to(t);
            if !w.eq_s_b(&['я']) {
                return false;
            }
        }
    }
    w.replace(bra, ket, "");
    true
}

/// A backward step of the perfective gerund, participle and verb endings: the longest entry
/// of `t` before the cursor, deleted as `delete_ending` deletes it (by its group).
fn ending(w: &mut Word, t: &Table) -> bool {
    let ket = w.cursor;
    let Some(r) = w.find_among_b(t) else {
        return false;
    };
    let bra = w.cursor;
    delete_ending(w, r, bra, ket)
}

/// A backward step of the adjective, reflexive and noun endings: the longest entry of `t`
/// before the cursor, deleted.
fn plain_ending(w: &mut Word, t: &Table) -> bool {
    let ket = w.cursor;
    if w.find_among_b(t).is_none() {
        return false;
    }
    let bra = w.cursor;
    w.replace(bra, ket, "");
    true
}

/// An adjective ending, then maybe a participle's.
fn adjectival(w: &mut Word) -> bool {
    if !plain_ending(w, ADJECTIVE) {
        return false;
    }
    let t = w.tail();
    if !ending(w, PARTICIPLE) {
        w.back_to(t);
    }
    true
}

fn derivational(w: &mut Word, p2: usize) -> bool {
    let ket = w.cursor;
    if w.find_among_b(DERIVATIONAL).is_none() || w.cursor < p2 {
        return false;
    }
    let bra = w.cursor;
    w.replace(bra, ket, "");
    true
}

/// `ейш(е)` goes and then `нн` becomes `н`; a final `нн` becomes `н`; a final `ь` goes.
fn tidy_up(w: &mut Word) -> bool {
    let ket = w.cursor;
    let Some(r) = w.find_among_b(TIDY_UP) else {
        return false;
    };
    let bra = w.cursor;
    match r {
        1 => {
            w.replace(bra, ket, "");
            let ket = w.cursor;
            if !w.eq_s_b(&['н']) {
                return false;
            }
            let bra = w.cursor;
            if !w.eq_s_b(&['н']) {
                return false;
            }
            w.replace(bra, ket, "");
        }
        2 => {
            if !w.eq_s_b(&['н']) {
                return false;
            }
            w.replace(bra, ket, "");
        }
        _ => w.replace(bra, ket, ""),
    }
    true
}

/// The Russian stem of `word`, or `None` when the word holds a character other than `а`-`я`
/// or is longer than [`MAX_CHARS`](crate::snowball::MAX_CHARS) (the caller then asks rust-stemmers).
pub(crate) fn stem(word: &str) -> Option<Stem> {
    let mut w = Word::new(word, handled)?;
    let (pv, p2) = regions(&w.c[..w.n]);
    // backwards, never before pV
    w.cursor = w.n;
    w.lb = pv;
    let v4 = w.tail();
    if !ending(&mut w, PERFECTIVE_GERUND) {
        w.back_to(v4);
        let v6 = w.tail();
        if !plain_ending(&mut w, REFLEXIVE) {
            w.back_to(v6);
        }
        let v7 = w.tail();
        if !adjectival(&mut w) {
            w.back_to(v7);
            if !ending(&mut w, VERB) {
                w.back_to(v7);
                plain_ending(&mut w, NOUN);
            }
        }
    }
    w.back_to(v4);
    let (v8, ket) = (w.tail(), w.cursor);
    if w.eq_s_b(&['и']) {
        let bra = w.cursor;
        w.replace(bra, ket, "");
    } else {
        w.back_to(v8);
    }
    let v9 = w.tail();
    derivational(&mut w, p2);
    w.back_to(v9);
    tidy_up(&mut w);
    Some(w.stem())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snowball::MAX_CHARS;
    use rust_stemmers::Algorithm;

    fn is_cyrillic(c: char) -> bool {
        ('\u{0400}'..='\u{04FF}').contains(&c)
    }

    #[test]
    fn known_stems_and_refusals() {
        assert_eq!(stem("вышедшими").unwrap().as_str(), "вышедш");
        assert_eq!(stem("братьями").unwrap().as_str(), "брат");
        assert!(stem("ёлка").is_none());
        assert!(stem("Москва").is_none());
        assert!(stem("isis").is_none());
        assert!(stem(&"а".repeat(MAX_CHARS + 1)).is_none());
        assert!(stem(&"а".repeat(MAX_CHARS)).is_some());
        assert!(stem("").is_some());
    }

    /// Every ending of every table, and chains of them, after short and long stems.
    #[test]
    fn equal_to_rust_stemmers_on_every_ending() {
        let tables = [
            PERFECTIVE_GERUND,
            ADJECTIVE,
            PARTICIPLE,
            REFLEXIVE,
            VERB,
            NOUN,
            DERIVATIONAL,
            TIDY_UP,
        ];
        let endings: Vec<String> = std::iter::once(String::new())
            .chain(tables.iter().flat_map(|t| {
                t.entries()
                    .iter()
                    .map(|(s, _)| s.iter().collect::<String>())
            }))
            .collect();
        let stems = [
            "",
            "б",
            "а",
            "я",
            "ба",
            "бя",
            "брат",
            "слово",
            "красн",
            "дела",
            "гуля",
            "стро",
            "нн",
            "бнн",
            "лучш",
            "сильн",
            "мудр",
            "кон",
            "ост",
            "бост",
        ];
        let mut words = Vec::new();
        for s in stems {
            for e1 in &endings {
                for e2 in ["", "сь", "ся", "и", "ь", "ост", "ость", "ейш", "ейше", "н"]
                {
                    words.push(format!("{s}{e1}{e2}"));
                }
            }
        }
        crate::stem_test::check_all(Algorithm::Russian, stem, &words);
    }

    /// Short words over letters that reach every rule, all of them.
    #[test]
    fn equal_to_rust_stemmers_on_every_short_word() {
        let all = crate::stem_test::all_words("аяеиоыуюбвшсьнйлтхм", 1..=4);
        crate::stem_test::check_all(Algorithm::Russian, stem, &all);
    }

    /// The Cyrillic words of data/ (which holds few Russian passages) and of the public
    /// corpora.
    #[test]
    fn equal_to_rust_stemmers_on_the_corpora() {
        crate::stem_test::check_corpora(Algorithm::Russian, stem, is_cyrillic, [10, 100]);
    }
}
