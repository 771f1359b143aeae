//! Property tests over arbitrary strings.

use narrascope_tokenize::{TokenKind, Tokenizer};
use proptest::prelude::*;

fn check(tok: &Tokenizer, s: &str) -> Result<(), TestCaseError> {
    let out = tok.tokenize(s);
    let mut prev_end = 0;
    for t in out.tokens() {
        prop_assert!(t.span.start < t.span.end, "empty span {:?}", t.span);
        prop_assert!(t.span.end <= s.len());
        prop_assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
        prop_assert!(t.span.start >= prev_end, "overlap at {:?}", t.span);
        prev_end = t.span.end;
        prop_assert!(!out.norm(t).is_empty());
    }
    for p in out.parts() {
        let parent = out.tokens()[p.parent].span;
        prop_assert!(p.token.span.start >= parent.start && p.token.span.end <= parent.end);
        prop_assert!(
            s.is_char_boundary(p.token.span.start) && s.is_char_boundary(p.token.span.end)
        );
    }
    let mut prev = 0;
    for sent in out.sentences() {
        prop_assert!(sent.span.start >= prev && sent.span.end <= s.len());
        prop_assert!(s.is_char_boundary(sent.span.start) && s.is_char_boundary(sent.span.end));
        prev = sent.span.end;
    }
    // normalising twice equals once, token by token, in the document's context
    for t in out.tokens().iter().filter(|t| t.kind == TokenKind::Word) {
        let once = out.norm(t);
        let twice = tok.normalize_word(once, &out.context());
        prop_assert_eq!(once, twice.as_str(), "normalising twice differs from once");
    }
    Ok(())
}

/// Strings biased towards the characters the tokenizer treats specially.
fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a",
        "j",
        "o",
        "i",
        "n",
        " ",
        ".",
        "-",
        "_",
        "1",
        "3",
        "4",
        "@",
        "$",
        "!",
        "#",
        "\u{200B}",
        "\u{202E}",
        "\u{FEFF}",
        "\u{00AD}",
        "\u{FE0F}",
        "а",
        "о",
        "ο",
        "ｊ",
        "𝐣",
        "é",
        "ß",
        "ﬁ",
        "ـ",
        "َ",
        "أ",
        "ة",
        "😀",
        "👍🏽",
        "http://",
        "www.",
        "x.com",
        "\n",
        "\r\n",
        "A",
        "Z",
        "'",
        "’",
        "“",
        "?",
        "2019",
        "ǅ",
        "İ",
        "ﷺ",
        "\u{0301}",
        "\t",
        "ꙮ",
        "\u{1F1FA}\u{1F1F8}",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]
    #[test]
    fn arbitrary_strings(s in any::<String>()) {
        check(&Tokenizer::new(), &s)?;
    }
    #[test]
    fn tricky_strings(s in tricky()) {
        check(&Tokenizer::new(), &s)?;
    }
    #[test]
    fn tricky_strings_with_steps_off(s in tricky(), leet in any::<bool>(), inv in any::<bool>()) {
        let tok = Tokenizer::builder().leetspeak(leet).invisible(inv).build().unwrap();
        check(&tok, &s)?;
    }
}
