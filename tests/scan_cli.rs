//! End-to-end tests of the `scan` example binary (built once with `cargo build --example scan`
//! in the profile of this test) on generated inputs in a temporary directory: the stdout /
//! stderr / exit-status contract, hostile inputs, damaged model files, a closed stdout and
//! bounded memory. The input module the binary uses is also tested directly.
//!
//! ```text
//! cargo test --test scan_cli
//! ```

mod common;
#[path = "../examples/scan/input.rs"]
mod input;

use common::TempDir;

use std::fs;
use std::io::{BufRead, BufReader, Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

const RECRUITMENT: &str =
    "Brothers, the caravan of the khilafah is leaving. Make hijrah before the doors close!";

// ---------------------------------------------------------------------------------------------
// Helpers

/// The `scan` binary, built in this test's profile.
fn scan_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| common::example_bin("scan"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn docs(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
    fn ids(&self) -> Vec<Value> {
        self.docs().into_iter().map(|d| d["id"].clone()).collect()
    }
    /// The counts of the summary line: (documents read, skipped).
    fn summary(&self) -> (u64, u64) {
        let line = self
            .stderr
            .lines()
            .find(|l| l.starts_with("scan: ") && l.contains(" documents read, "))
            .unwrap_or_else(|| panic!("no summary in stderr:\n{}", self.stderr));
        let n = |after: &str| -> u64 {
            let i = line.find(after).unwrap();
            line[..i].rsplit(' ').next().unwrap().parse().unwrap()
        };
        (n(" documents read"), n(" skipped"))
    }
    /// Asserts stderr has a `FILE:LINE: ...` line containing `reason`.
    fn assert_reported(&self, file: &Path, line: u64, reason: &str) {
        let prefix = format!("{}:{line}: ", file.display());
        assert!(
            self.stderr
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(reason)),
            "expected `{prefix}...{reason}...` in stderr:\n{}",
            self.stderr
        );
    }
    fn assert_no_panic(&self) {
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        assert!(!self.stderr.contains("RUST_BACKTRACE"), "{}", self.stderr);
    }
}

fn scan<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let out = Command::new(scan_bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run scan");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    run.assert_no_panic();
    run
}

fn json_line(text: &str) -> String {
    serde_json::json!({ "text": text }).to_string()
}

/// `depth` nested arrays.
fn nested(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

/// Sizes for CI in debug builds; the full sizes of the brief in release builds.
fn sized(debug: usize, release: usize) -> usize {
    if cfg!(debug_assertions) {
        debug
    } else {
        release
    }
}

// ---------------------------------------------------------------------------------------------
// The input module, in process

#[test]
fn line_reader_bom_crlf_limit() {
    let data = b"\xEF\xBB\xBFone\r\ntwo\n\nthree-is-too-long\r\nfour\r\n\xEF\xBB\xBFfive";
    let mut r = input::LineReader::new(Cursor::new(&data[..]), 8);
    let mut got = Vec::new();
    loop {
        match r.advance().unwrap() {
            input::Next::Eof => break,
            input::Next::Line => {
                got.push((r.line_no(), String::from_utf8_lossy(r.line()).into_owned()))
            }
            input::Next::TooLong { len } => got.push((r.line_no(), format!("<{len}>"))),
        }
    }
    let want = [
        (1, "one".to_string()),
        (2, "two".into()),
        (3, "".into()),
        (4, "<18>".into()),
        (5, "four".into()),
        // a BOM is stripped at the start of the input only
        (6, "\u{feff}five".into()),
    ];
    assert_eq!(got, want);
    // take_line of a large line moves the buffer out, exactly sized
    let big = "x".repeat(3 << 20) + "\nsmall\n";
    let mut r = input::LineReader::new(BufReader::new(big.as_bytes()), usize::MAX - 1);
    assert_eq!(r.advance().unwrap(), input::Next::Line);
    let v = r.take_line();
    assert_eq!(v.len(), 3 << 20);
    assert_eq!(r.advance().unwrap(), input::Next::Line);
    assert_eq!(r.take_line(), b"small");
    assert_eq!(r.advance().unwrap(), input::Next::Eof);
}

#[test]
fn json_line_reasons() {
    let ok = input::parse_json_line(br#"{"id": 3, "text": "a\u0000b", "x": [1]}"#).unwrap();
    assert_eq!(ok.id, Some(serde_json::json!(3)));
    assert_eq!(ok.text, "a\0b");
    assert_eq!(
        input::parse_json_line(br#"{"id":null,"text":""}"#)
            .unwrap()
            .id,
        None
    );
    let cases: &[(&[u8], &str)] = &[
        (b"nope", "invalid JSON"),
        (b"{\"text\":\"caf\xe9\"}", "not valid UTF-8"),
        (b"[1]", "not a JSON object (found an array)"),
        (b"\"s\"", "not a JSON object (found a string)"),
        (b"{}", "no \"text\" field"),
        (b"{\"text\":1}", "\"text\" is a number"),
        (b"{\"text\":{}}", "\"text\" is an object"),
        (b"{\"text\":\"a\",\"id\":[]}", "\"id\" is an array"),
        (b"{\"text\":\"a\x00\"}", "invalid JSON: control character"),
        (b"{\"text\":\"a\"", "invalid JSON: EOF"),
        // invalid JSON is named as such before the shape is judged
        (b"[1", "invalid JSON"),
        (b"  [1,]", "invalid JSON"),
        (b"{\"text\":\"a\"} x", "invalid JSON: trailing characters"),
        // fields the scan does not use are still checked
        (b"{\"text\":\"a\",\"x\":01}", "invalid JSON"),
        (b"{\"text\":\"a\",\"x\":[1,}", "invalid JSON"),
        (
            b"{\"x\":\"b\x01\",\"text\":\"a\"}",
            "invalid JSON: control character",
        ),
        (b"{\"x\":tru,\"text\":\"a\"}", "invalid JSON"),
        (b"{\"text\":\"a\",\"text\":2}", "\"text\" is a number"),
    ];
    for (line, want) in cases {
        let e = input::parse_json_line(line).unwrap_err();
        assert!(e.contains(want), "{:?}: {e}", String::from_utf8_lossy(line));
    }
    // a repeated key counts with its last value; escaped keys are keys; unused fields of
    // every kind are skipped
    let doc = input::parse_json_line(br#"{"text":1,"id":[2],"text":"b","id":"x"}"#).unwrap();
    assert_eq!(
        (doc.text.as_str(), doc.id),
        ("b", Some(serde_json::json!("x")))
    );
    let doc = input::parse_json_line(br#" {"te\u0078t":"a","\u0069d":-2.5e3}"#).unwrap();
    assert_eq!(
        (doc.text.as_str(), doc.id),
        ("a", Some(serde_json::json!(-2.5e3)))
    );
    let line =
        br#"{"x":{"y":[1,2.5,-3e2,true,false,null,"s\n\u00e9",{}],"z":{}},"labels":[],"text":"a"}"#;
    assert_eq!(input::parse_json_line(line).unwrap().text, "a");
    // deep nesting is a clean error (serde_json's recursion limit) where a value is built,
    // never a stack overflow; a deeply nested field the scan does not use is skipped
    // iteratively, and the record is read
    for depth in [129, 10_000, 1_000_000] {
        let e = input::parse_json_line(nested(depth).as_bytes()).unwrap_err();
        assert!(e.contains("recursion limit"), "{e}");
        for field in ["text", "id"] {
            let line = format!("{{\"text\":\"a\",\"{field}\":{}}}", nested(depth));
            let e = input::parse_json_line(line.as_bytes()).unwrap_err();
            assert!(e.contains("recursion limit"), "{field}: {e}");
        }
        let line = format!("{{\"text\":\"a\",\"deep\":{}}}", nested(depth));
        assert_eq!(input::parse_json_line(line.as_bytes()).unwrap().text, "a");
        // still JSON: an unclosed deep field is invalid
        let line = format!("{{\"text\":\"a\",\"deep\":{}}}", &nested(depth)[1..]);
        let e = input::parse_json_line(line.as_bytes()).unwrap_err();
        assert!(e.starts_with("invalid JSON"), "{e}");
    }
    assert_eq!(
        input::first_significant_byte(b"\xEF\xBB\xBF \r\n {"),
        Some(b'{')
    );
    assert_eq!(input::first_significant_byte(b"\xEF\xBB\xBF \n"), None);
}

// ---------------------------------------------------------------------------------------------
// The binary

#[test]
fn jsonl_every_line_is_a_document_or_named_on_stderr() {
    let dir = TempDir::new("jsonl");
    let mut f: Vec<u8> = Vec::new();
    // (line, reason) of the lines that must be skipped
    let mut bad: Vec<(u64, &str)> = Vec::new();
    let mut want_ids: Vec<Value> = Vec::new();
    let path = dir.path("mixed.jsonl");
    let here = |n: u64| Value::String(format!("{}:{n}", path.display()));
    // 1: BOM and CRLF
    f.extend_from_slice(b"\xEF\xBB\xBF");
    f.extend_from_slice(format!("{{\"id\":\"first\",\"text\":{RECRUITMENT:?}}}\r\n").as_bytes());
    want_ids.push("first".into());
    // 2: no id
    f.extend_from_slice(b"{\"text\":\"an ordinary day at the market\"}\n");
    want_ids.push(here(2));
    // 3: numeric id, CRLF
    f.extend_from_slice(b"{\"id\":42,\"text\":\"numbers are ids too\"}\r\n");
    want_ids.push(42.into());
    // 4: escaped NUL inside the text is just text
    f.extend_from_slice(b"{\"text\":\"nul \\u0000 inside\",\"id\":null}\n");
    want_ids.push(here(4));
    let bad_lines: Vec<(Vec<u8>, &str)> = vec![
        (b"not json".to_vec(), "invalid JSON"),
        (b"[1,2,3]".to_vec(), "not a JSON object"),
        (b"\"just a string\"".to_vec(), "not a JSON object"),
        (b"{\"id\":\"x\"}".to_vec(), "no \"text\" field"),
        (b"{\"text\":5}".to_vec(), "\"text\" is a number"),
        (b"{\"text\":null}".to_vec(), "\"text\" is null"),
        (b"{\"text\":[\"a\"]}".to_vec(), "\"text\" is an array"),
        (
            b"{\"id\":true,\"text\":\"x\"}".to_vec(),
            "\"id\" is a boolean",
        ),
        (b"{\"text\":\"caf\xe9\"}".to_vec(), "not valid UTF-8"),
        (b"{\"text\":\"raw \x00 NUL\"}".to_vec(), "control character"),
        (
            format!("{{\"text\":\"ok\",\"id\":{}}}", nested(10_000)).into_bytes(),
            "recursion limit",
        ),
        (nested(10_000).into_bytes(), "recursion limit"),
        (b"{\"text\":\"truncated".to_vec(), "invalid JSON"),
        (b"\xff\xfe\x00\x01binary".to_vec(), "not valid UTF-8"),
    ];
    let mut n = 4;
    for (line, reason) in bad_lines {
        n += 1;
        f.extend_from_slice(&line);
        f.extend_from_slice(if n % 2 == 0 { b"\r\n" } else { b"\n" });
        bad.push((n, reason));
    }
    // a deeply nested field the scan does not use is skipped: the document is read
    n += 1;
    f.extend_from_slice(format!("{{\"text\":\"ok\",\"deep\":{}}}\n", nested(10_000)).as_bytes());
    want_ids.push(here(n));
    // blank lines are ignored
    f.extend_from_slice(b"\n   \r\n");
    n += 2;
    n += 1;
    f.extend_from_slice(b"{\"text\":\"the last line has no line end\"}");
    want_ids.push(here(n));
    fs::write(&path, &f).unwrap();

    let r = scan(&[&path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.ids(), want_ids);
    for (line, reason) in &bad {
        r.assert_reported(&path, *line, reason);
    }
    let (read, skipped) = r.summary();
    assert_eq!(read as usize, want_ids.len());
    assert_eq!(skipped as usize, bad.len());
    // every non-blank input line is either an output line or a skipped line
    assert_eq!(r.stdout.lines().count() + bad.len(), n as usize - 2);
    for d in r.docs() {
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 4, "{d}");
        for k in ["id", "scores", "flags", "high_precision_flags"] {
            assert!(d.get(k).is_some(), "{k} missing in {d}");
        }
        let scores = d["scores"].as_object().unwrap();
        assert_eq!(scores.len(), 2);
        for l in ["recruitment", "defection"] {
            let p = scores[l].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p));
        }
    }
    let first = &r.docs()[0];
    assert_eq!(
        first["flags"],
        serde_json::json!(["recruitment"]),
        "{first}"
    );
}

#[test]
fn text_files_and_directory_walk() {
    let dir = TempDir::new("walk");
    let root = dir.path("in");
    dir.write(
        "in/a_bom_crlf.txt",
        format!("\u{feff}{RECRUITMENT}\r\nSecond line.\r\n"),
    );
    dir.write("in/b_nul.txt", "text with \0 NUL \0 bytes\n");
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    dir.write("in/c_binary.bin", &binary);
    dir.write("in/d_empty.txt", "");
    dir.write("in/sub/f.txt", "nested file");
    #[cfg(unix)]
    {
        // unreadable even for root: a dangling symbolic link
        std::os::unix::fs::symlink(dir.path("nowhere"), dir.path("in/e_dangling")).unwrap();
        // a loop back to the root is not walked again
        std::os::unix::fs::symlink(&root, dir.path("in/sub/loop")).unwrap();
    }
    dir.write(
        "in/y_sniffed.data",
        "  \n{\"text\":\"sniffed as JSON Lines\"}\n",
    );
    dir.write("in/z.jsonl", "{\"text\":\"json in a directory\"}\n");
    let p = |s: &str| dir.path(s).display().to_string();

    let r = scan(&[&root]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ids: Vec<Value> = vec![
        p("in/a_bom_crlf.txt").into(),
        p("in/b_nul.txt").into(),
        p("in/c_binary.bin").into(),
        p("in/sub/f.txt").into(),
        format!("{}:2", p("in/y_sniffed.data")).into(),
        format!("{}:1", p("in/z.jsonl")).into(),
    ];
    assert_eq!(r.ids(), ids, "{}", r.stderr);
    let docs = r.docs();
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(d.get("lossy_utf8").is_some(), i == 2, "{d}");
    }
    assert_eq!(docs[2]["lossy_utf8"], true);
    assert_eq!(docs[0]["flags"], serde_json::json!(["recruitment"]));
    #[cfg(unix)]
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with(&format!("{}: ", p("in/e_dangling")))
                && l.contains("broken symbolic link")),
        "{}",
        r.stderr
    );
    assert!(r
        .stderr
        .contains(&format!("{}: empty file", p("in/d_empty.txt"))));
    let (read, skipped) = r.summary();
    assert_eq!(read, 6);
    assert_eq!(skipped, u64::from(cfg!(unix)));

    // deterministic, whatever the number of threads
    let r1 = scan(&[
        std::ffi::OsStr::new("--threads"),
        "1".as_ref(),
        root.as_os_str(),
    ]);
    let r2 = scan(&[
        std::ffi::OsStr::new("--threads"),
        "2".as_ref(),
        root.as_os_str(),
    ]);
    assert_eq!(r1.stdout, r.stdout);
    assert_eq!(r2.stdout, r.stdout);

    // --explain: spans lie inside each document's text (after the BOM), on char boundaries
    let r = scan(&[std::ffi::OsStr::new("--explain"), root.as_os_str()]);
    let docs = r.docs();
    let first_text = format!("{RECRUITMENT}\r\nSecond line.\r\n");
    let ev = docs[0]["evidence"].as_array().unwrap();
    assert!(!ev.is_empty());
    for e in ev {
        let (s, t) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        let span = first_text.get(s..t).expect("evidence span slices the text");
        assert!(!span.trim().is_empty(), "{e}");
        for k in ["label", "feature", "weight"] {
            assert!(e.get(k).is_some(), "{e}");
        }
    }
    let sentences = docs[0]["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    for s in sentences {
        let (a, b) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert!(first_text.get(a..b).is_some(), "{s}");
        assert_eq!(s["scores"].as_object().unwrap().len(), 2);
    }
    for d in &docs {
        assert!(
            d.get("evidence").is_some() && d.get("sentences").is_some(),
            "{d}"
        );
    }

    // --lines: one document per line, ids FILE:LINE, blank lines ignored
    let r = scan(&[
        std::ffi::OsStr::new("--lines"),
        dir.path("in/a_bom_crlf.txt").as_os_str(),
        dir.path("in/c_binary.bin").as_os_str(),
    ]);
    assert_eq!(r.code, 0);
    let ids = r.ids();
    assert_eq!(ids[0], format!("{}:1", p("in/a_bom_crlf.txt")));
    assert_eq!(ids[1], format!("{}:2", p("in/a_bom_crlf.txt")));
    assert!(r.docs()[2..]
        .iter()
        .all(|d| d["id"].as_str().unwrap().starts_with(&p("in/c_binary.bin"))));
}

#[test]
fn csv_with_text_column() {
    let dir = TempDir::new("csv");
    let path = dir.write(
        "posts.csv",
        format!(
            "\u{feff}id,text,lang\r\np1,\"{RECRUITMENT}\",en\r\n,\"a quoted\nmulti-line, text\",en\np3\np4,\"caf\u{e9} au lait\",fr\n"
        ),
    );
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"p5,bad \xe9 utf8,fr\n");
    fs::write(&path, bytes).unwrap();
    let r = scan(&[
        std::ffi::OsStr::new("--text-column"),
        "text".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pd = path.display();
    let want: Vec<Value> = vec![
        "p1".into(),
        format!("{pd}:3").into(),
        "p4".into(),
        "p5".into(),
    ];
    assert_eq!(r.ids(), want, "{}", r.stderr);
    r.assert_reported(&path, 5, "no \"text\" field");
    assert_eq!(r.docs()[3]["lossy_utf8"], true);
    assert_eq!(r.docs()[0]["flags"], serde_json::json!(["recruitment"]));
    assert_eq!(r.summary(), (4, 1));

    // a missing column names the file and the columns; CSV needs --text-column
    let r = scan(&[
        std::ffi::OsStr::new("--text-column"),
        "body".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!(
            "{pd}: no column \"body\" in the CSV header (columns: id, text, lang)"
        )),
        "{}",
        r.stderr
    );
    let r = scan(&[&path]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains(&format!("{pd}: CSV input needs --text-column")),
        "{}",
        r.stderr
    );
}

#[test]
fn closed_stdout_ends_quietly() {
    let dir = TempDir::new("pipe");
    let n = 20_000;
    let mut f = String::new();
    for i in 0..n {
        f.push_str(&json_line(&format!("message number {i} about the weather")));
        f.push('\n');
    }
    let path = dir.write("many.jsonl", f);
    let mut child = Command::new(scan_bin())
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // the reader is dropped here: the pipe is closed after one line
    let v: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["id"], format!("{}:1", path.display()));
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
}

#[test]
fn exit_status_when_nothing_can_be_read() {
    let dir = TempDir::new("nothing");
    let bad = dir.write("bad.jsonl", "{\"text\":1}\nnot json\n");
    let r = scan(&[&bad]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no document could be read"),
        "{}",
        r.stderr
    );
    assert_eq!(r.summary(), (0, 2));
    assert!(r.stdout.is_empty());

    let empty = dir.write("empty.txt", "");
    let r = scan(&[&empty]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("empty file"), "{}", r.stderr);

    let missing = dir.path("missing.jsonl");
    let r = scan(&[&missing]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!("{}: ", missing.display())),
        "{}",
        r.stderr
    );

    // one readable document is enough for success
    let good = dir.write("good.txt", "hello");
    let r = scan(&[&missing, &bad, &good]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.summary(), (1, 3));
}

#[test]
fn damaged_model_files_are_named_with_their_cause() {
    let dir = TempDir::new("models");
    let input = dir.write("in.jsonl", format!("{}\n", json_line(RECRUITMENT)));
    let good = fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.nsm")).unwrap();
    let mut flipped = good.clone();
    let mid = good.len() / 2;
    flipped[mid] ^= 0x10;
    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&99u32.to_le_bytes());
    let mut trailing = good.clone();
    trailing.extend_from_slice(b"extra");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.nsm",
            good[..good.len() / 3].to_vec(),
            "truncated",
        ),
        ("header_only.nsm", good[..10].to_vec(), "truncated"),
        ("flipped.nsm", flipped, "checksum mismatch"),
        ("empty.nsm", Vec::new(), "empty"),
        (
            "foreign.nsm",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "not a narrascope model",
        ),
        (
            "json.nsm",
            b"{\"weights\": [1, 2, 3]}".to_vec(),
            "not a narrascope model",
        ),
        ("newer.nsm", newer, "version 99 is newer"),
        ("trailing.nsm", trailing, "unexpected bytes"),
    ];
    for (name, bytes, cause) in cases {
        let model = dir.write(name, bytes);
        let r = scan(&[
            std::ffi::OsStr::new("--model"),
            model.as_os_str(),
            input.as_os_str(),
        ]);
        assert_ne!(r.code, 0, "{name}");
        assert!(r.stdout.is_empty(), "{name}");
        assert!(
            r.stderr.contains(&model.display().to_string()),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(cause), "{name}: {}", r.stderr);
    }
    let missing = dir.path("missing.nsm");
    let r = scan(&[
        std::ffi::OsStr::new("--model"),
        missing.as_os_str(),
        input.as_os_str(),
    ]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains(&missing.display().to_string()),
        "{}",
        r.stderr
    );
    // the intact file loads and gives the built-in model's results
    let ok = dir.write("ok.nsm", &good);
    let r = scan(&[
        std::ffi::OsStr::new("--model"),
        ok.as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, scan(&[&input]).stdout);
}

#[test]
fn lines_longer_than_the_limit_are_skipped_and_numbering_goes_on() {
    let dir = TempDir::new("limit");
    let long = json_line(&"x ".repeat(500));
    let path = dir.write(
        "l.jsonl",
        format!("{}\n{long}\r\n{}\n", json_line("short"), json_line("after")),
    );
    let r = scan(&[
        std::ffi::OsStr::new("--max-doc-bytes"),
        "200".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(r.code, 0);
    let pd = path.display();
    assert_eq!(
        r.ids(),
        vec![Value::from(format!("{pd}:1")), format!("{pd}:3").into()]
    );
    r.assert_reported(&path, 2, "longer than --max-doc-bytes");
    let text = dir.write("t.txt", "y".repeat(300));
    let r = scan(&[
        std::ffi::OsStr::new("--max-doc-bytes"),
        "200".as_ref(),
        text.as_os_str(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("longer than --max-doc-bytes"),
        "{}",
        r.stderr
    );
}

#[test]
fn output_file() {
    let dir = TempDir::new("out");
    let input = dir.write(
        "in.jsonl",
        format!("{}\n{}\n", json_line(RECRUITMENT), json_line("hi")),
    );
    let out = dir.path("out.jsonl");
    let r = scan(&[
        std::ffi::OsStr::new("-o"),
        out.as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty());
    assert_eq!(fs::read_to_string(&out).unwrap(), scan(&[&input]).stdout);
}

#[test]
fn large_line_and_many_tiny_lines_in_bounded_memory() {
    let dir = TempDir::new("memory");
    let path = dir.path("big.jsonl");
    let sentence = "The weather was mild and the market opened early today. ";
    let skipped_line = 20 << 20; // read and parsed, then skipped (no string text)
    let big_text = sized(3 << 20, 20 << 20); // classified
    let tiny = sized(50_000, 200_000);
    {
        let mut f = std::io::BufWriter::new(fs::File::create(&path).unwrap());
        writeln!(f, "{}", json_line(RECRUITMENT)).unwrap();
        let pad = sentence.repeat(skipped_line / sentence.len());
        writeln!(f, "{{\"text\":5,\"pad\":\"{pad}\"}}").unwrap();
        let mut text = sentence.repeat(big_text / sentence.len());
        text.push_str(RECRUITMENT);
        writeln!(f, "{}", json_line(&text)).unwrap();
        for i in 0..tiny {
            writeln!(f, "{{\"id\":{i},\"text\":\"hi {i}\"}}").unwrap();
        }
    }
    let file_len = fs::metadata(&path).unwrap().len();
    let r = scan(&[std::ffi::OsStr::new("--report-peak-rss"), path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.summary(), (tiny as u64 + 2, 1));
    r.assert_reported(&path, 2, "\"text\" is a number");
    let docs = r.docs();
    assert_eq!(docs.len(), tiny + 2);
    assert_eq!(docs[1]["id"], format!("{}:3", path.display()));
    assert!(docs[1]["scores"]["recruitment"].as_f64().is_some());
    assert_eq!(docs.last().unwrap()["id"], tiny - 1);
    let peak_kb: u64 = r
        .stderr
        .split("peak RSS ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in {}", r.stderr));
    let longest = skipped_line as u64;
    let bound_kb = (10 * longest + (200 << 20)) / 1024;
    eprintln!(
        "peak RSS {peak_kb} kB for a {file_len}-byte file (longest line {longest}); bound {bound_kb} kB"
    );
    assert!(
        peak_kb < bound_kb,
        "peak RSS {peak_kb} kB over {bound_kb} kB"
    );
}

#[test]
fn multi_megabyte_text_with_explain() {
    let dir = TempDir::new("explain");
    let filler = "Le marché ouvre tôt; the council discussed the new library budget. ";
    let mut text = filler.repeat(sized(1 << 20, 4 << 20) / filler.len());
    let at = text.len();
    text.push_str(RECRUITMENT);
    let path = dir.write(
        "long.jsonl",
        format!("{}\n", serde_json::json!({"id": "long", "text": text})),
    );
    let r = scan(&[std::ffi::OsStr::new("--explain"), path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = &r.docs()[0];
    assert_eq!(d["id"], "long");
    let ev = d["evidence"].as_array().unwrap();
    let mut late = 0;
    for e in ev {
        let (s, t) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        assert!(text.get(s..t).is_some(), "{e}");
        if e["label"] == "recruitment" && s >= at {
            late += 1;
        }
    }
    assert!(late > 0, "evidence in the recruitment sentence at the end");
    let sentences = d["sentences"].as_array().unwrap();
    let last = sentences.last().unwrap();
    assert_eq!(last["end"].as_u64().unwrap() as usize, text.len());
}

#[test]
fn standard_input() {
    let mut child = Command::new(scan_bin())
        .args(["--lines", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `-` is sniffed like a file: JSON Lines here, whatever --lines says
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            format!(
                "\u{feff}{}\n\n{{\"text\":7}}\n{}\n",
                json_line(RECRUITMENT),
                json_line("hi")
            )
            .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let ids: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].clone())
        .collect();
    assert_eq!(ids, vec![Value::from("<stdin>:1"), "<stdin>:4".into()]);
    assert!(
        stderr.contains("<stdin>:3: \"text\" is a number"),
        "{stderr}"
    );
}

/// `--threshold LABEL=P` replaces the model's flag threshold; bad settings are argument errors
/// (exit 2) that name the setting, and nothing is written.
#[test]
fn threshold_overrides_and_their_errors() {
    let dir = TempDir::new("threshold");
    let input = dir.write(
        "in.jsonl",
        [
            json_line("Heavy rain expected tomorrow across the north."),
            json_line("Make hijrah before the doors close!"),
        ]
        .join("\n"),
    );
    let flags = |r: &Run| -> Vec<Vec<String>> {
        r.stdout
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                serde_json::from_value(v["flags"].clone()).unwrap()
            })
            .collect()
    };
    // 0 flags everything for the label, 1 only certainty (these texts score below 1)
    let all = scan(&[
        input.to_str().unwrap(),
        "--threshold",
        "recruitment=0",
        "--threshold",
        "defection=1",
    ]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let got = flags(&all);
    assert_eq!(got, [["recruitment"], ["recruitment"]], "{}", all.stdout);
    for (spec, needle) in [
        (
            "sports=0.5",
            "no label \"sports\" (labels: defection, recruitment)",
        ),
        ("recruitment=1.5", "must be a probability in [0, 1]"),
        ("recruitment=NaN", "must be a probability in [0, 1]"),
        ("recruitment", "expected LABEL=P"),
        ("recruitment=high", "expected LABEL=P"),
    ] {
        let r = scan(&[input.to_str().unwrap(), "--threshold", spec]);
        assert_eq!(r.code, 2, "{spec}: {}", r.stderr);
        assert!(
            r.stderr.contains(spec) && r.stderr.contains(needle),
            "{spec}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{spec}");
    }
}
