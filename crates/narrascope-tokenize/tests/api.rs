//! API contracts: auto traits, serialisation, builder errors, languages.

use narrascope_tokenize::{Language, LanguageChoice, TokenKind, Tokenizer, TokenizerConfig};

fn has_autotraits<T: Send + Sync + Sized + Unpin>() {}

#[test]
fn autotraits() {
    has_autotraits::<Tokenizer>();
    has_autotraits::<TokenizerConfig>();
    has_autotraits::<narrascope_tokenize::Tokenized>();
    has_autotraits::<narrascope_tokenize::TokenizeError>();
}

#[test]
fn serde_round_trip() {
    let tok = Tokenizer::builder()
        .diacritics(false)
        .language_code("de")
        .build()
        .unwrap();
    let json = serde_json::to_string(&tok).unwrap();
    let back: Tokenizer = serde_json::from_str(&json).unwrap();
    assert_eq!(tok, back);
    assert_eq!(
        back.config().language,
        LanguageChoice::Fixed(Language::German)
    );
    let text = "Brüder, kommt zur Hidschra!";
    assert_eq!(tok.normalize(text), back.normalize(text));
}

#[test]
fn unknown_language_is_a_build_error() {
    let err = Tokenizer::builder()
        .language_code("klingon")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("klingon"));
}

#[test]
fn every_rust_stemmers_language_builds() {
    for code in [
        "ar", "da", "nl", "en", "fi", "fr", "de", "el", "hu", "it", "no", "pt", "ro", "ru", "es",
        "sv", "ta", "tr",
    ] {
        let tok = Tokenizer::builder().language_code(code).build().unwrap();
        let out = tok.tokenize("texte");
        assert_eq!(out.language().unwrap().code(), code);
    }
}

#[test]
fn language_guess() {
    let tok = Tokenizer::new();
    let lang = |s: &str| tok.tokenize(s).language().unwrap();
    assert_eq!(
        lang("They told us that we would be living in the true state, and it was a lie."),
        Language::English
    );
    assert_eq!(
        lang("Ils nous ont dit que nous serions des frères, mais c'était un mensonge."),
        Language::French
    );
    assert_eq!(
        lang("Sie haben uns gesagt, dass wir Brüder sind, aber das war eine Lüge."),
        Language::German
    );
    assert_eq!(lang("قالوا لنا إن الدولة باقية"), Language::Arabic);
    assert_eq!(lang("12345"), Language::English, "fallback is English");
}

#[test]
fn stemming_and_stopwords() {
    let tok = Tokenizer::new();
    let out = tok.tokenize("the martyrs were fighting");
    let t = out.tokens();
    assert!(t[0].stopword, "'the' is an English stopword");
    assert_eq!(out.stem(&t[1]), "martyr");
    assert_eq!(out.stem(&t[3]), "fight");
    let fr = tok.tokenize("les frères sont dans la ville");
    assert_eq!(fr.language(), Some(Language::French));
    assert_eq!(fr.stem(&fr.tokens()[1]), "frer");
}

#[test]
fn sentences_carry_spans_and_tokens() {
    let tok = Tokenizer::new();
    let text = "He said he regretted it. Come and join us!\nNo.";
    let out = tok.tokenize(text);
    let s = out.sentences();
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].span.slice(text), "He said he regretted it.");
    assert_eq!(s[1].span.slice(text), "Come and join us!");
    let words: Vec<&str> = out.tokens()[s[1].tokens.clone()]
        .iter()
        .map(|t| out.norm(t))
        .collect();
    assert_eq!(words, ["come", "and", "join", "us", "!"]);
}

#[test]
fn emoji_tokens() {
    let tok = Tokenizer::new();
    let out = tok.tokenize("victory 🔥🔥 ☝️");
    let kinds: Vec<TokenKind> = out.tokens().iter().map(|t| t.kind).collect();
    assert!(
        kinds.iter().filter(|k| **k == TokenKind::Emoji).count() >= 2,
        "{kinds:?}"
    );
}

#[test]
fn never_panics_on_edge_inputs() {
    let tok = Tokenizer::new();
    for s in [
        "", " ", "\u{200B}", "#", "@", "http://", "a.b@", "...", "\u{0301}", "ـــ", "1 1 1", "j o",
    ] {
        let _ = tok.tokenize(s);
    }
}

/// Tokens between matching quotation marks carry `flags::QUOTED`, per occurrence: the same
/// word quoted and unquoted in one text (the second from the word cache) differ only there.
#[test]
fn quoted_tokens_are_flagged_per_occurrence() {
    use narrascope_tokenize::flags;
    let tok = Tokenizer::new();
    let quoted = |text: &str| -> Vec<String> {
        tok.tokenize(text)
            .tokens()
            .iter()
            .filter(|x| x.flags & flags::QUOTED != 0)
            .map(|x| x.span.slice(text).trim_matches('\u{200b}').to_string())
            .collect()
    };
    let text = "They say 'hijrah is a duty' but hijrah meant Medina. « Viens » don't";
    assert_eq!(quoted(text), ["hijrah", "is", "a", "duty", "Viens"]);
    let t = tok.tokenize(text);
    let hijrah: Vec<u16> = t
        .tokens()
        .iter()
        .filter(|x| x.span.slice(text) == "hijrah")
        .map(|x| x.flags)
        .collect();
    assert_eq!(hijrah, [flags::QUOTED, 0]);
    // quotation is not disguise
    assert!(t.tokens().iter().all(|x| !x.is_disguised()));
    // invisible characters are transparent; spans stay in original coordinates
    assert_eq!(quoted("a \u{200b}'join\u{200b} us' b"), ["join", "us"]);
}

#[test]
fn word_ids_name_words_across_texts() {
    let tok = Tokenizer::new();
    let (ta, tb) = (
        "Join the caravan, brothers! #JoinTheCaravan",
        "the caravan left; Join the Caravan",
    );
    let (a, b) = (tok.tokenize(ta), tok.tokenize(tb));
    assert!(a.word_epoch() > 0);
    assert_eq!(
        a.word_epoch(),
        b.word_epoch(),
        "one tokenizer, one thread, no clearing"
    );
    let id_of = |t: &narrascope_tokenize::Tokenized, text: &str, w: &str| {
        let i = t
            .tokens()
            .iter()
            .position(|x| x.span.slice(text) == w)
            .unwrap();
        t.word_id(i)
    };
    // the same word written the same way: the same id; written otherwise: another one
    assert!(id_of(&a, ta, "caravan").is_some());
    assert_eq!(id_of(&a, ta, "caravan"), id_of(&b, tb, "caravan"));
    assert_eq!(id_of(&a, ta, "Join"), id_of(&b, tb, "Join"));
    assert_ne!(id_of(&a, ta, "caravan"), id_of(&a, ta, "Join"));
    assert_ne!(id_of(&b, tb, "caravan"), id_of(&b, tb, "Caravan"));
    // punctuation and hashtags have none; a hashtag's word parts do, shared with the words
    // written the same way
    assert_eq!(id_of(&a, ta, "!"), None);
    assert_eq!(a.word_id(a.tokens().len() - 1), None);
    let parts: Vec<_> = (0..a.parts().len()).map(|j| a.part_word_id(j)).collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], id_of(&a, ta, "Join"));
    assert_eq!(parts[2], id_of(&b, tb, "Caravan"));
    assert_eq!(a.part_word_id(3), None);
    // another tokenizer on the thread empties the cache: a new epoch each time
    let other = Tokenizer::builder().leetspeak(false).build().unwrap();
    let c = other.tokenize("the caravan");
    assert_ne!(c.word_epoch(), a.word_epoch());
    assert_ne!(tok.tokenize("caravan").word_epoch(), c.word_epoch());
}
