//! The input parsing of the `scan` example (`examples/scan/input.rs`, included as is): the
//! bounded line reader and the JSON Lines record parser, on arbitrary bytes.
//!
//! The line reader is checked against a straightforward reference (split at `\n`, drop one
//! `\r` before it, drop a BOM at the start, lines longer than the limit reported as too long)
//! while reading through a tiny buffer, so every buffer boundary case is met.
#![no_main]

#[path = "../../examples/scan/input.rs"]
mod input;

use std::io::{BufReader, Cursor};

use libfuzzer_sys::fuzz_target;

/// Lines as the reader must return them: `Ok(line)` or `Err(raw length)` when too long.
fn reference(data: &[u8], limit: usize) -> Vec<Result<Vec<u8>, u64>> {
    if data.is_empty() {
        return Vec::new();
    }
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    body.split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, raw)| {
            // the reader holds at most `limit + 1` bytes: a line that does not fit (its
            // `\r` included) is reported with its raw length
            if raw.len() > limit {
                return Err(raw.len() as u64);
            }
            let mut l = raw.strip_suffix(b"\r").unwrap_or(raw);
            if i == 0 {
                l = l.strip_prefix(input::BOM).unwrap_or(l);
            }
            Ok(l.to_vec())
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, data)) = data.split_first() else {
        return;
    };
    let limit = 1 + (knobs & 0x3f) as usize;
    let cap = 1 + (knobs >> 6) as usize * 3;
    let mut r = input::LineReader::new(BufReader::with_capacity(cap, Cursor::new(data)), limit);
    let mut got = Vec::new();
    loop {
        match r.advance().expect("in-memory reads do not fail") {
            input::Next::Eof => break,
            input::Next::Line => {
                let line = r.line().to_vec();
                assert!(!line.contains(&b'\n'));
                assert!(line.len() <= limit);
                assert_eq!(r.take_line(), line);
                // the record parser never panics, and what it accepts is well-formed
                if let Ok(doc) = input::parse_json_line(&line) {
                    assert!(doc
                        .id
                        .as_ref()
                        .is_none_or(|v| v.is_string() || v.is_number()));
                }
                got.push(Ok(line));
            }
            input::Next::TooLong { len } => {
                assert!(len as usize > limit);
                got.push(Err(len));
            }
        }
        assert_eq!(r.line_no() as usize, got.len());
    }
    assert_eq!(got, reference(data, limit));

    // the whole input as one record
    if let Ok(doc) = input::parse_json_line(data) {
        let v: serde_json::Value = serde_json::from_slice(data).expect("accepted means JSON");
        assert_eq!(v["text"].as_str(), Some(doc.text.as_str()));
    }
    let _ = input::first_significant_byte(data);
});
