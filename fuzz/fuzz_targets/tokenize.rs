//! Arbitrary bytes → lossy UTF-8 → `Tokenizer::tokenize`: never panics, and every span lies
//! on char boundaries of the original text, tokens are ordered and do not overlap, hashtag
//! parts lie inside their hashtag, sentences are ordered and index valid token ranges.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use narrascope::tokenize::{Span, Tokenizer};

static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();

fn check_span(text: &str, s: Span, what: &str) {
    assert!(s.start <= s.end, "{what} {s:?} is reversed");
    assert!(s.end <= text.len(), "{what} {s:?} ends past {}", text.len());
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{what} {s:?} is not on char boundaries"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let tok = TOKENIZER.get_or_init(Tokenizer::new);
    let out = tok.tokenize(&text);
    let tokens = out.tokens();
    let mut prev_end = 0;
    for t in tokens {
        check_span(&text, t.span, "token");
        assert!(!t.span.is_empty(), "empty token {:?}", t.span);
        assert!(t.span.start >= prev_end, "tokens overlap at {:?}", t.span);
        prev_end = t.span.end;
        let _ = (out.norm(t), out.stem(t), out.domain(t));
    }
    for p in out.parts() {
        check_span(&text, p.token.span, "part");
        let parent = tokens.get(p.parent).expect("part's parent exists").span;
        assert!(
            parent.start <= p.token.span.start && p.token.span.end <= parent.end,
            "part {:?} outside its hashtag {parent:?}",
            p.token.span
        );
    }
    let mut prev = 0;
    let mut prev_tok = 0;
    for s in out.sentences() {
        check_span(&text, s.span, "sentence");
        assert!(s.span.start >= prev, "sentences overlap at {:?}", s.span);
        prev = s.span.end;
        assert!(s.tokens.start <= s.tokens.end && s.tokens.end <= tokens.len());
        assert!(s.tokens.start >= prev_tok, "sentence token ranges overlap");
        prev_tok = s.tokens.end;
    }
    // the fast path without sentences gives the same tokens
    let mut words = narrascope::tokenize::Tokenized::new();
    tok.tokenize_words_into(&text, &mut words);
    assert_eq!(words.tokens().len(), tokens.len());
});
