//! Data-driven evasion cases from `tests/fixtures/evasions.toml`.

use narrascope_tokenize::Tokenizer;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    name: String,
    text: String,
    norms: Vec<String>,
    #[serde(default)]
    parts: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Fixture {
    case: Vec<Case>,
}

#[test]
fn evasion_fixtures() {
    let fixture: Fixture =
        toml::from_str(include_str!("fixtures/evasions.toml")).expect("fixture file parses");
    assert!(fixture.case.len() >= 25);
    let tok = Tokenizer::new();
    let mut failures = Vec::new();
    for case in &fixture.case {
        let out = tok.tokenize(&case.text);
        let norms: Vec<&str> = out.tokens().iter().map(|t| out.norm(t)).collect();
        if norms != case.norms {
            failures.push(format!(
                "{}: got {:?}, want {:?}",
                case.name, norms, case.norms
            ));
        }
        if let Some(parts) = &case.parts {
            let got: Vec<&str> = out.parts().iter().map(|p| out.norm(&p.token)).collect();
            if &got != parts {
                failures.push(format!(
                    "{} (parts): got {:?}, want {:?}",
                    case.name, got, parts
                ));
            }
        }
        // every span must slice the original text
        for t in out.tokens() {
            assert!(
                case.text.get(t.span.start..t.span.end).is_some(),
                "{}: bad span",
                case.name
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn disguised_tokens_are_flagged() {
    let tok = Tokenizer::new();
    let out = tok.tokenize("h1jr4h hijrah j o i n");
    let t = out.tokens();
    assert!(t[0].is_disguised());
    assert!(!t[1].is_disguised());
    assert!(t[2].is_disguised());
}
