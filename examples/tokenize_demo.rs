//! Tokenizes text given as arguments (or a built-in sample) and prints every token with its
//! kind, span in the original text, normalised form and stem.
//!
//! ```text
//! cargo run --release --example tokenize_demo -- "J O I N the d4wl4h #KhilafahIsBack"
//! ```

use narrascope::tokenize::Tokenizer;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = if args.is_empty() {
        "Brothers, m\u{0430}ke h1jr4h and j o i n the caravan! #KhilafahIsBack https://example.org/x".to_string()
    } else {
        args.join(" ")
    };
    if std::env::var("NARRASCOPE_PROFILE_LOOP").is_ok() {
        let tok = Tokenizer::new();
        let mut out = narrascope::tokenize::Tokenized::new();
        let mut n = 0;
        for _ in 0..200_000 {
            tok.tokenize_into(&text, &mut out);
            n += out.tokens().len();
        }
        println!("{n}");
        return;
    }
    let tok = Tokenizer::new();
    let out = tok.tokenize(&text);
    println!("language: {:?}", out.language());
    println!(
        "{:<8} {:>9}  {:<24} {:<20} stem",
        "kind", "span", "original", "normalised"
    );
    for t in out.tokens() {
        println!(
            "{:<8} {:>4}..{:<4} {:<24} {:<20} {}{}",
            format!("{:?}", t.kind),
            t.span.start,
            t.span.end,
            format!("{:?}", t.span.slice(&text)),
            out.norm(t),
            out.stem(t),
            if t.is_disguised() {
                "  (disguised)"
            } else {
                ""
            }
        );
    }
    for p in out.parts() {
        println!("  part of #{}: {}", p.parent, out.norm(&p.token));
    }
    for s in out.sentences() {
        println!(
            "sentence {}..{}: {:?}",
            s.span.start,
            s.span.end,
            s.span.slice(&text)
        );
    }
}
