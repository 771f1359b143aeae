//! Shows why narrascope scores a text the way it does.
//!
//! ```text
//! cargo run --release --example explain -- "Brothers, make hijrah before the doors close!"
//! echo "They lied to us about everything." | cargo run --release --example explain
//! cargo run --release --example explain -- --model model.nsm --no-color "..."
//! ```
//!
//! Prints the text with the evidence spans highlighted per label (recruitment red, defection
//! blue, spans supporting both magenta; without colour, when `--no-color` is given, `NO_COLOR`
//! is set or stdout is not a terminal, spans are marked `[[like this]]`), the label scores
//! with their flags, one line per sentence with its scores, and the top features per label
//! with their contributions to the margin (log-odds units, before calibration).
//!
//! Control characters of the text are shown escaped (`\u{1b}`), so a hostile text cannot
//! drive the terminal.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;
use narrascope::features::{Occurrence, SparseVector};
use narrascope::{Assessment, Classifier, EVIDENCE_PER_LABEL, WINDOW_BYTES};

#[derive(Parser, Debug)]
#[command(
    about = "Explain a narrascope classification: evidence spans, scores, sentences, features"
)]
struct Args {
    /// Model file (default, or `builtin`: the built-in model).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Do not colour the output (also off when stdout is not a terminal or NO_COLOR is set).
    #[arg(long)]
    no_color: bool,
    /// Top features shown per label.
    #[arg(long, default_value_t = EVIDENCE_PER_LABEL)]
    top: usize,
    /// Characters of each sentence shown in the sentence list.
    #[arg(long, default_value_t = 72)]
    width: usize,
    /// The text (read from stdin when absent).
    text: Option<String>,
}

const RESET: &str = "\x1b[0m";
/// Colour of a label's spans; labels other than the two built-in ones get the rest in turn.
fn label_colour(name: &str, index: usize) -> &'static str {
    match name {
        "recruitment" => "\x1b[1;31m",
        "defection" => "\x1b[1;34m",
        _ => ["\x1b[1;33m", "\x1b[1;32m", "\x1b[1;36m"][index % 3],
    }
}
const BOTH: &str = "\x1b[1;35m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // `explain ... | head` closes the pipe early: not an error
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => common::report_error("explain", &e),
    }
}

fn run() -> Result<()> {
    let args = Args::parse();
    let clf = match &args.model {
        Some(p) if p.as_os_str() != "builtin" => Classifier::load(p)?,
        _ => Classifier::builtin(),
    };
    let text = match args.text {
        Some(t) => t,
        None => {
            if std::io::stdin().is_terminal() {
                eprintln!("reading the text from stdin (end with Ctrl-D)");
            }
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .context("reading the text from stdin")?;
            match String::from_utf8(b) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("note: stdin is not valid UTF-8; invalid bytes shown as U+FFFD");
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            }
        }
    };
    let colour = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    let a = clf.explain(&text);
    let labels: Vec<String> = clf.labels().iter().map(|s| s.to_string()).collect();
    let paint = Paint { on: colour };

    let mut out = std::io::stdout().lock();
    // ---- the text with its evidence spans ----
    writeln!(out, "{}", paint.wrap(BOLD, "text"))?;
    write_highlighted(&mut out, &text, &a, &labels, paint)?;
    if colour {
        let legend: Vec<String> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{}{l}{RESET}", label_colour(l, i)))
            .collect();
        writeln!(out, "{}  {BOTH}several labels{RESET}", legend.join("  "))?;
    }
    writeln!(out)?;

    // ---- scores and flags ----
    writeln!(out, "{}", paint.wrap(BOLD, "scores"))?;
    for t in clf.thresholds() {
        let p = a.score(&t.label).unwrap_or(0.0);
        let mut flags = Vec::new();
        if a.is_flagged(&t.label) {
            flags.push(format!("FLAGGED (>= {:.3})", t.flag));
        } else {
            flags.push(format!("not flagged (< {:.3})", t.flag));
        }
        match t.high_precision {
            Some(h) if a.high_precision_flags.contains(&t.label) => flags.push(format!(
                "HIGH-PRECISION (>= {h:.3}, precision {:.2} on dev)",
                t.target_precision
            )),
            Some(h) => flags.push(format!("below high-precision {h:.3}")),
            None => flags.push("no high-precision threshold".into()),
        }
        let i = labels.iter().position(|l| *l == t.label).unwrap_or(0);
        let name = format!("{:<12}", t.label);
        writeln!(
            out,
            "  {} {:.3}  {}",
            paint.wrap(label_colour(&t.label, i), &name),
            p,
            flags.join(", ")
        )?;
    }
    if a.windows > 1 {
        writeln!(
            out,
            "  (the text is longer than {WINDOW_BYTES} bytes: scored in {} windows, the score is the highest window's)",
            a.windows
        )?;
    }
    writeln!(out)?;

    // ---- sentences ----
    writeln!(
        out,
        "{}",
        paint.wrap(BOLD, &format!("sentences ({})", labels.join(" / ")))
    )?;
    let thresholds: BTreeMap<String, f32> = clf
        .thresholds()
        .into_iter()
        .map(|t| (t.label, t.flag))
        .collect();
    for (n, s) in a.sentences.iter().enumerate() {
        let cells: Vec<String> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let p = s.scores.get(l).copied().unwrap_or(0.0);
                let flagged = thresholds.get(l).is_some_and(|&t| p >= t);
                let cell = format!("{p:.2}{}", if flagged { "*" } else { " " });
                if flagged {
                    paint.wrap(label_colour(l, i), &cell)
                } else {
                    cell
                }
            })
            .collect();
        let body = text.get(s.start..s.end).unwrap_or("");
        writeln!(
            out,
            "  {:>3}  {}  {}",
            n + 1,
            cells.join(" "),
            truncate(&one_line(body), args.width)
        )?;
    }
    if a.sentences.is_empty() {
        writeln!(out, "  (no sentence)")?;
    }
    writeln!(
        out,
        "  {}",
        paint.wrap(
            DIM,
            "* = at or above the label's flag threshold, the sentence scored on its own"
        )
    )?;
    writeln!(out)?;

    // ---- top features ----
    writeln!(
        out,
        "{}",
        paint.wrap(
            BOLD,
            "top features (contribution to the margin, where they occur)"
        )
    )?;
    let model = clf.model();
    let v = model.vectorizer();
    let toks = v.tokenizer().tokenize(&text);
    let mut x = SparseVector::new();
    let mut occ: Vec<Occurrence> = Vec::new();
    v.transform_tokens(&toks, 0..toks.tokens().len(), &mut x, Some(&mut occ));
    if a.windows > 1 {
        writeln!(
            out,
            "  {}",
            paint.wrap(DIM, "(computed over the whole text, not per window)")
        )?;
    }
    for (l, name) in labels.iter().enumerate() {
        writeln!(out, "  {}", paint.wrap(label_colour(name, l), name))?;
        let contributions = model.contributions(&x, &occ, l, args.top);
        if contributions.is_empty() {
            writeln!(out, "    (no feature raises this label)")?;
        }
        for c in contributions {
            let mut places: Vec<String> = c
                .spans
                .iter()
                .take(3)
                .map(|&(s, e)| format!("\"{}\"", truncate(&one_line(&text[s..e]), 30)))
                .collect();
            if c.spans.len() > 3 {
                places.push(format!("+{} more", c.spans.len() - 3));
            }
            if c.spans.is_empty() {
                places.push("(whole text)".into());
            }
            writeln!(
                out,
                "    {:>+7.3}  {:<32} {}",
                c.contribution,
                truncate(&feature_label(&c.name), 32),
                places.join(", ")
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

#[derive(Clone, Copy)]
struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.on {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    }
}

/// Writes `text` with every byte covered by evidence highlighted by the set of labels it
/// supports.
fn write_highlighted(
    out: &mut impl Write,
    text: &str,
    a: &Assessment,
    labels: &[String],
    paint: Paint,
) -> std::io::Result<()> {
    // bit l set = byte is in a span of label l (at most 64 labels are told apart)
    let mut mask = vec![0u64; text.len()];
    for e in &a.evidence {
        let Some(l) = labels.iter().position(|l| *l == e.label) else {
            continue;
        };
        let end = e.end.min(text.len());
        // without colour the labels cannot be told apart: one run per stretch of evidence
        let bit = if paint.on { 1u64 << l.min(63) } else { 1 };
        for m in mask.iter_mut().take(end).skip(e.start) {
            *m |= bit;
        }
    }
    let mut i = 0;
    while i < text.len() {
        let m = mask[i];
        let mut j = i + 1;
        while j < text.len() && (mask[j] == m || !text.is_char_boundary(j)) {
            j += 1;
        }
        let chunk = escape_controls(&text[i..j]);
        if m == 0 {
            write!(out, "{chunk}")?;
        } else if paint.on {
            let code = if m.count_ones() > 1 {
                BOTH
            } else {
                let l = m.trailing_zeros() as usize;
                label_colour(labels.get(l).map_or("", |s| s.as_str()), l)
            };
            // keep line breaks outside the colour so that terminals do not smear it
            for (k, part) in chunk.split('\n').enumerate() {
                if k > 0 {
                    writeln!(out)?;
                }
                if !part.is_empty() {
                    write!(out, "{code}{part}{RESET}")?;
                }
            }
        } else {
            write!(out, "[[{chunk}]]")?;
        }
        i = j;
    }
    if !text.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}

/// Escapes control characters other than line breaks and tabs, and bidirectional overrides.
fn escape_controls(s: &str) -> String {
    s.chars()
        .map(|c| {
            // C0/C1 controls, and bidirectional overrides that could reorder what is shown
            let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if (c.is_control() && c != '\n' && c != '\t') || bidi {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// White space runs (line breaks included) become one space; controls are escaped.
/// A feature's name for the terminal: a character n-gram shows its word boundaries as `␣`
/// (`c:␣emi` starts a word, `c:mirs␣` ends one; a trailing space would be invisible and
/// two different n-grams would print alike); other names on one line.
fn feature_label(name: &str) -> String {
    match name.strip_prefix("c:") {
        Some(gram) => format!("c:{}", escape_controls(&gram.replace(' ', "\u{2423}"))),
        None => one_line(name),
    }
}

fn one_line(s: &str) -> String {
    escape_controls(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// At most `width` characters, with `…` when cut.
fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
