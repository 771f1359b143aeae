//! `Model::from_bytes` on hostile bytes must return an error, never panic (nor abort on a huge
//! allocation). Three modes, chosen by the first byte, so that the fuzzer reaches past the
//! header checks:
//!
//! - 0: the bytes as a file;
//! - 1: the bytes as a payload inside a valid header (magic, version, length, checksum), so
//!   that bincode decoding and validation see them;
//! - 2: the default model with the bytes as (offset, value) patches of its payload, re-framed
//!   with a valid checksum: nearly valid models, the hardest case for validation.
//!
//! A model that loads is then used (scored, explained, saved and reloaded).
#![no_main]

use libfuzzer_sys::fuzz_target;
use narrascope::classify::Model;

static DEFAULT: &[u8] = include_bytes!("../../models/default.nsm");
const HEADER: usize = 28;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        assert!(Model::from_bytes(data).is_err());
        return;
    };
    let bytes = match mode % 3 {
        0 => rest.to_vec(),
        1 => Model::frame(rest),
        _ => {
            let mut payload = DEFAULT[HEADER..].to_vec();
            for patch in rest.chunks_exact(5) {
                let at = u32::from_le_bytes([patch[0], patch[1], patch[2], patch[3]]) as usize;
                let n = payload.len();
                payload[at % n] = patch[4];
            }
            Model::frame(&payload)
        }
    };
    if let Ok(model) = Model::from_bytes(&bytes) {
        let text = "Brothers, make h1jr4h and join the caravan! #KhilafahIsBack I regret it.";
        let p = model.score_text(text);
        assert_eq!(p.len(), model.labels().len());
        let clf = narrascope::Classifier::from_model(model);
        let a = clf.explain(text);
        for e in &a.evidence {
            assert!(text.get(e.start..e.end).is_some(), "{e:?}");
        }
        let again = Model::from_bytes(&clf.model().to_bytes()).expect("a loaded model round-trips");
        assert_eq!(again.labels(), clf.model().labels());
    }
});
