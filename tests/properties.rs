//! Property tests CI runs in place of the fuzzers (`fuzz/`): the model loader and the `scan`
//! input readers on arbitrary and mutated bytes never panic, and keep their contracts.

#[path = "../examples/scan/input.rs"]
mod input;

use std::io::{BufReader, Cursor};

use narrascope::classify::Model;
use proptest::prelude::*;

const DEFAULT_MODEL: &[u8] = include_bytes!("../models/default.nsm");

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn model_loader_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = Model::from_bytes(&bytes);
        // the same bytes behind a valid magic and version
        let mut framed = b"NRSCMDL\0".to_vec();
        framed.extend_from_slice(&1u32.to_le_bytes());
        framed.extend_from_slice(&bytes);
        let _ = Model::from_bytes(&framed);
    }

    #[test]
    fn a_damaged_default_model_is_an_error(pos in 0usize..DEFAULT_MODEL.len(), flip in 1u8..=255, cut in any::<bool>()) {
        let mut b = DEFAULT_MODEL.to_vec();
        if cut {
            b.truncate(pos);
        } else {
            b[pos] ^= flip;
        }
        prop_assert!(Model::from_bytes(&b).is_err(), "damage at byte {} was not detected", pos);
    }

    #[test]
    fn line_reader_and_record_parser_never_panic(data in prop::collection::vec(any::<u8>(), 0..400), limit in 1usize..64, cap in 1usize..8) {
        let mut r = input::LineReader::new(BufReader::with_capacity(cap, Cursor::new(&data)), limit);
        let mut lines = 0usize;
        loop {
            match r.advance().expect("in-memory reads do not fail") {
                input::Next::Eof => break,
                input::Next::Line => {
                    let line = r.line().to_vec();
                    prop_assert!(!line.contains(&b'\n'));
                    prop_assert!(line.len() <= limit);
                    let _ = input::parse_json_line(&line);
                }
                input::Next::TooLong { len } => prop_assert!(len as usize > limit),
            }
            lines += 1;
            prop_assert_eq!(r.line_no() as usize, lines);
        }
        // every `\n`-separated line is accounted for
        let expected = if data.is_empty() { 0 } else { data.strip_suffix(b"\n").unwrap_or(&data).split(|&b| b == b'\n').count() };
        prop_assert_eq!(lines, expected);
    }

    #[test]
    fn record_parser_accepts_only_objects_with_string_text(s in "\\PC{0,60}") {
        if let Ok(doc) = input::parse_json_line(s.as_bytes()) {
            let v: serde_json::Value = serde_json::from_str(&s).expect("accepted means valid JSON");
            prop_assert_eq!(v["text"].as_str(), Some(doc.text.as_str()));
        }
    }
}
