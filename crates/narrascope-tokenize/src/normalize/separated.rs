/// Joins three or more single letters separated by one space, dot, dash or underscore into one
/// word: `j o i n`, `j.o.i.n`, `s-t-a-t-e`, `d_a_w_l_a_h`; an apostrophe may sit between two of
/// the letters (`b a y ' a h`, `d o n ' t`). Two letters (`e.g`, `a b`) are left alone, unless
/// the text spells another word out that way (`b a y ' a h   i s   a   d u t y`). The joined
/// token's span covers the letters and the separators between them.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeparatedLetters;

impl SeparatedLetters {
    /// Separators allowed between the letters.
    #[inline]
    pub fn is_separator(c: char) -> bool {
        matches!(c, ' ' | '.' | '-' | '_' | '\u{00A0}')
    }

    /// Whether `piece` (one segment, no white space) is itself of the form `j.o.i.n` / `j_o_i_n`.
    pub fn is_dotted_word(piece: &str) -> bool {
        let mut letters = 0;
        let mut expect_letter = true;
        for c in piece.chars() {
            if expect_letter {
                if !c.is_alphabetic() {
                    return false;
                }
                letters += 1;
                expect_letter = false;
            } else {
                if !(c == '.' || c == '_' || c == '-') {
                    return false;
                }
                expect_letter = true;
            }
        }
        letters >= 3
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dotted() {
        assert!(SeparatedLetters::is_dotted_word("j.o.i.n"));
        assert!(SeparatedLetters::is_dotted_word("d_a_w_l_a_h"));
        assert!(SeparatedLetters::is_dotted_word("u.s.a."));
        assert!(!SeparatedLetters::is_dotted_word("e.g"));
        assert!(!SeparatedLetters::is_dotted_word("example.com"));
    }
}
