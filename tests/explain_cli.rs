//! End-to-end test of the `explain` example binary's list of top features.
//!
//! ```text
//! cargo test --test explain_cli
//! ```

mod common;

use std::process::Command;

/// The feature names printed under each label, in order.
fn top_features(out: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut inside = false;
    for line in out.lines() {
        if line.starts_with("top features") {
            inside = true;
            continue;
        }
        if !inside || line.trim().is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [label] => sections.push((label.to_string(), Vec::new())),
            [weight, name, ..] if weight.starts_with(['+', '-']) => {
                if let Some(s) = sections.last_mut() {
                    s.1.push(name.to_string());
                }
            }
            _ => {}
        }
    }
    sections
}

#[test]
fn character_ngrams_show_their_word_boundaries_and_never_print_alike() {
    let exe = common::example_bin("explain");
    let text = "Three years with the dawlah and all I learned is that the emirs lied to us.";
    let out = Command::new(exe)
        .args(["--no-color", "--top", "30", text])
        .output()
        .expect("run explain");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let sections = top_features(&stdout);
    assert_eq!(sections.len(), 2, "two labels in:\n{stdout}");
    let names: Vec<&String> = sections.iter().flat_map(|s| &s.1).collect();
    // a character n-gram at the start and one at the end of a word, shown as such
    assert!(
        names.iter().any(|n| n.starts_with("c:\u{2423}")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("c:") && n.ends_with('\u{2423}')),
        "{names:?}"
    );
    // two different character n-grams never print alike (word n-gram names hold spaces, so
    // only the first word of theirs is read here: they are left out)
    for (label, list) in &sections {
        let mut seen = std::collections::HashSet::new();
        for n in list.iter().filter(|n| n.starts_with("c:")) {
            assert!(seen.insert(n), "{label}: {n} printed twice in {list:?}");
        }
    }
}
