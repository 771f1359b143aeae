//! The smallest moderation hook: reads JSON Lines `{"id": ..., "text": "..."}` on stdin and
//! writes only the flagged documents, with the evidence a reviewer needs, to stdout.
//!
//! ```text
//! cargo run --release --example moderation_filter < messages.jsonl > review_queue.jsonl
//! ```

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufWriter, Write};

use narrascope::{Classifier, Evidence};
use serde::{Deserialize, Serialize};

/// One incoming message; `id` may be a string or a number, so it stays JSON.
#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    id: serde_json::Value,
    text: String,
}

/// One entry of the review queue.
#[derive(Serialize)]
struct Flagged<'a> {
    id: &'a serde_json::Value,
    flags: &'a [String], // labels at or above the model's flag threshold
    high_precision_flags: &'a [String], // labels precise enough for automatic action
    scores: &'a BTreeMap<String, f32>, // calibrated probability per label
    evidence: Vec<&'a Evidence>, // byte spans into `text` supporting the flags
}

fn main() -> io::Result<()> {
    // Load the model once (here the built-in one; `Classifier::load(path)` for a file). A
    // `Classifier` is cheap to clone and can be shared by threads.
    let clf = Classifier::builtin();
    let mut out = BufWriter::new(io::stdout().lock());
    // Split on bytes rather than `lines()`: a line of invalid UTF-8 is then reported and
    // skipped instead of ending the loop.
    for (i, line) in io::stdin().lock().split(b'\n').enumerate() {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // serde_json rejects invalid UTF-8 and caps nesting depth: bad input is just an Err.
        let msg: Message = match serde_json::from_slice(&line) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("stdin:{}: skipped: {e}", i + 1);
                continue;
            }
        };
        // `explain` adds evidence to the scores; `classify` is faster when you only need
        // the decision.
        let a = clf.explain(&msg.text);
        if a.flags.is_empty() {
            continue;
        }
        let evidence = a.evidence.iter().filter(|e| a.is_flagged(&e.label));
        let mut json = serde_json::to_vec(&Flagged {
            id: &msg.id,
            flags: &a.flags,
            high_precision_flags: &a.high_precision_flags,
            scores: &a.scores,
            evidence: evidence.collect(),
        })?;
        json.push(b'\n');
        // Flush per document (a queue wants it now). A reader that went away (`| head`) is
        // not an error for a filter.
        if let Err(e) = out.write_all(&json).and_then(|()| out.flush()) {
            return if e.kind() == io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            };
        }
    }
    Ok(())
}
