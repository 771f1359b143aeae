//! Property tests over arbitrary strings.

use narrascope_tokenize::{TokenKind, Tokenized, Tokenizer};
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

/// Everything a caller can see of one tokenization, as comparable values.
fn observed(tok: &Tokenizer, s: &str) -> Vec<String> {
    let out = tok.tokenize(s);
    let mut v: Vec<String> = out
        .tokens()
        .iter()
        .map(|t| format!("{t:?} {} {}", out.norm(t), out.stem(t)))
        .collect();
    v.extend(
        out.parts()
            .iter()
            .map(|p| format!("{p:?} {} {}", out.norm(&p.token), out.stem(&p.token))),
    );
    v.extend(out.sentences().iter().map(|x| format!("{x:?}")));
    v.push(format!("{:?} {:?}", out.language(), out.context()));
    v
}

/// What a word id promises (see `Tokenized::word_id`), recorded over many texts: per (epoch,
/// id) one normalised form, and per (epoch, id, language) one stem and stopword status.
#[derive(Default)]
struct WordIds {
    norms: std::collections::HashMap<(u64, u32), String>,
    stems: std::collections::HashMap<(u64, u32, String), (String, bool)>,
}

impl WordIds {
    fn check(&mut self, out: &Tokenized) -> Result<(), TestCaseError> {
        let epoch = out.word_epoch();
        prop_assert!(epoch > 0);
        let lang = format!("{:?}", out.language());
        let tokens = out
            .tokens()
            .iter()
            .enumerate()
            .map(|(i, t)| (out.word_id(i), t));
        let parts = (out.parts().iter().enumerate()).map(|(j, p)| (out.part_word_id(j), &p.token));
        for (id, t) in tokens.chain(parts) {
            let Some(id) = id else { continue };
            let norm = self
                .norms
                .entry((epoch, id))
                .or_insert_with(|| out.norm(t).into());
            prop_assert_eq!(norm.as_str(), out.norm(t), "id {}", id);
            let stem = (out.stem(t).to_string(), t.stopword);
            let seen = self
                .stems
                .entry((epoch, id, lang.clone()))
                .or_insert_with(|| stem.clone());
            prop_assert_eq!(&*seen, &stem, "id {}", id);
        }
        Ok(())
    }
}

/// Word caches never change results: a text tokenized on a fresh thread (cold caches) gives
/// the same tokens as after other texts warmed the caches, with this and another tokenizer.
fn check_warm_equals_cold(words: &[String], order: &[usize]) -> Result<(), TestCaseError> {
    let texts: Vec<String> = order
        .iter()
        .map(|&i| words[i % words.len()].clone())
        .collect::<Vec<_>>()
        .chunks(5)
        .map(|c| c.join(" "))
        .collect();
    let tok = Tokenizer::new();
    let other = Tokenizer::builder().leetspeak(false).build().unwrap();
    let cold: Vec<Vec<String>> = texts
        .iter()
        .map(|t| {
            let (tok, t) = (tok.clone(), t.clone());
            std::thread::spawn(move || observed(&tok, &t))
                .join()
                .unwrap()
        })
        .collect();
    // warm: each text after all the previous ones
    let mut ids = WordIds::default();
    for (t, c) in texts.iter().zip(&cold) {
        prop_assert_eq!(&observed(&tok, t), c);
        ids.check(&tok.tokenize(t))?;
    }
    // another owner in between (the cache changes hands every time)
    for (t, c) in texts.iter().zip(&cold) {
        ids.check(&other.tokenize(t))?;
        prop_assert_eq!(&observed(&tok, t), c);
        ids.check(&tok.tokenize(t))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn word_cache_is_invisible(
        words in prop::collection::vec(
            prop::sample::select(vec![
                "Join", "join", "JOIN", "j01n", "the", "der", "le", "Brothers", "hijrah",
                "HIJRAAAH", "l'état", "don't", "we", "Wir", "kommen", "martyrs", "running",
                "ran", "#JoinUs", "caliphate", "1234", "!", "جهاد", "и",
                // hashtag parts share the word cache with the words of the text
                "#JoinTheCaravan", "caravan", "Caravan", "#Brothers", "#HIJRAAAH", "#j01nUs",
                "#Running2024", "#الدولة_الإسلامية", "الدولة", "#Ми_здесь", "#DON'T",
                // Cyrillic look-alikes only (\u{441}\u{43e}\u{440}): read as `cop` in mostly
                // Latin text, left alone in Cyrillic text
                "#\u{441}\u{43e}\u{440}", "\u{441}\u{43e}\u{440}", "мир", "здесь",
                "Brotherhoodbrotherhoodbrotherhoodbrotherhoodbrotherhoodbrotherhoodbrotherhood",
            ]).prop_map(String::from),
            1..12,
        ),
        order in prop::collection::vec(0usize..100, 1..30),
    ) {
        check_warm_equals_cold(&words, &order)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
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
