//! Input handling of the `scan` example, kept free of anything but `std`, `serde` and `serde_json` so
//! that the integration tests (`tests/scan_cli.rs`) and the fuzz target `scan_input` can
//! include it with `#[path]` and drive exactly the code the binary runs.
//!
//! - [`LineReader`]: line-by-line reading with a bounded buffer policy (memory proportional to
//!   the longest line, capped at a limit; longer lines are skipped without being buffered), a
//!   UTF-8 BOM at the start stripped, `\n` and `\r\n` line ends;
//! - [`parse_json_line`]: one JSON Lines record → `{id, text}` or the reason it is unreadable;
//! - [`first_significant_byte`]: format sniffing (JSON Lines start with `{`).
#![allow(dead_code)] // each includer uses a different part

use std::io::{self, BufRead};

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Lines longer than this are handed over (moved) rather than copied out of the reader's
/// buffer, and a buffer that grew beyond [`SCRATCH_KEEP`] is released after such a line.
const MOVE_ABOVE: usize = 1 << 20;
/// Capacity the reader keeps between lines at most.
const SCRATCH_KEEP: usize = 4 << 20;

/// `bytes` without a leading UTF-8 BOM.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The first byte of `prefix` (the start of a file) that is neither white space nor part of a
/// leading BOM, if any: `{` means JSON Lines.
pub fn first_significant_byte(prefix: &[u8]) -> Option<u8> {
    strip_bom(prefix)
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

/// Whether a line holds only white space (such lines are not documents).
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// What [`LineReader::advance`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// A line is available through [`LineReader::line`] / [`LineReader::take_line`].
    Line,
    /// The line was longer than the limit: it was read through and dropped; `len` is its
    /// length in bytes (line end excluded).
    TooLong {
        /// Length of the line.
        len: u64,
    },
    /// End of input.
    Eof,
}

/// Reads lines (split at `\n`, a trailing `\r` removed, a BOM at the very start removed)
/// from a [`BufRead`], never holding more than one line, and never more than `limit + 1`
/// bytes of it.
#[derive(Debug)]
pub struct LineReader<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    line_no: u64,
    limit: usize,
}

impl<R: BufRead> LineReader<R> {
    /// A reader of lines of at most `limit` bytes.
    pub fn new(reader: R, limit: usize) -> Self {
        LineReader {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            line_no: 0,
            limit,
        }
    }

    /// 1-based number of the line last returned (0 before the first).
    pub fn line_no(&self) -> u64 {
        self.line_no
    }

    /// Reads the next line.
    ///
    /// # Errors
    /// The reader's IO errors (the line number then names the line being read).
    pub fn advance(&mut self) -> io::Result<Next> {
        self.buf.clear();
        self.start = 0;
        self.end = 0;
        if self.buf.capacity() > SCRATCH_KEEP {
            self.buf = Vec::new();
        }
        let cap = self.limit as u64 + 1;
        let n = io::Read::take(&mut self.reader, cap).read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(Next::Eof);
        }
        self.line_no += 1;
        let terminated = self.buf.last() == Some(&b'\n');
        let mut end = self.buf.len() - usize::from(terminated);
        if !terminated && self.buf.len() > self.limit {
            // Too long: drop what we hold and skip to the end of the line without buffering.
            let mut len = self.buf.len() as u64;
            self.buf = Vec::new();
            loop {
                let chunk = match self.reader.fill_buf() {
                    Ok(c) => c,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                if chunk.is_empty() {
                    break;
                }
                match chunk.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        len += i as u64;
                        self.reader.consume(i + 1);
                        break;
                    }
                    None => {
                        let k = chunk.len();
                        len += k as u64;
                        self.reader.consume(k);
                    }
                }
            }
            // the length without a `\r` before the `\n` is not worth another pass: report
            // the raw length
            return Ok(Next::TooLong { len });
        }
        if end > 0 && self.buf[end - 1] == b'\r' {
            end -= 1;
        }
        let start = if self.line_no == 1 && self.buf[..end].starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        self.start = start;
        self.end = end;
        Ok(Next::Line)
    }

    /// The current line (without its line end, or the BOM on line 1).
    pub fn line(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The current line as an owned buffer of exactly its size. Long lines are moved out
    /// (the reader then starts its next line with an empty buffer) instead of copied.
    pub fn take_line(&mut self) -> Vec<u8> {
        let len = self.end - self.start;
        if len > MOVE_ABOVE {
            let mut v = std::mem::take(&mut self.buf);
            v.truncate(self.end);
            v.drain(..self.start);
            v.shrink_to_fit();
            self.start = 0;
            self.end = 0;
            v
        } else {
            self.line().to_vec()
        }
    }
}

/// A document read from one JSON Lines record.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonDoc {
    /// The record's `id` (a string or a number) when it has one (`null` counts as none).
    pub id: Option<serde_json::Value>,
    /// The record's `text`.
    pub text: String,
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Parses one (non-blank) JSON Lines record, giving the reason when it is not a usable
/// document: not UTF-8, not JSON (nesting deeper than serde_json's recursion limit of 128 in
/// `text` or `id` included: a clean error, never a stack overflow), not an object, no `text`,
/// `text` not a string, `id` neither a string nor a number. When a key repeats, its last
/// value counts.
///
/// The record's other fields are checked for syntax and skipped without being built (an
/// iterative skip with no depth limit: however deep an unused field nests, the record is
/// read and the stack does not grow), so a record costs about what its `text` and `id` cost.
///
/// # Errors
/// A short human-readable reason.
pub fn parse_json_line(line: &[u8]) -> Result<JsonDoc, String> {
    let s = std::str::from_utf8(line).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    if first_significant_byte(s.as_bytes()) != Some(b'{') {
        // not an object: parse it whole, so that invalid JSON is named as such first
        let value: serde_json::Value =
            serde_json::from_str(s).map_err(|e| format!("invalid JSON: {e}"))?;
        return Err(format!("not a JSON object (found {})", kind(&value)));
    }
    let mut de = serde_json::Deserializer::from_str(s);
    let fields = serde::Deserializer::deserialize_map(&mut de, RecordVisitor)
        .and_then(|f| de.end().map(|()| f))
        .map_err(|e| format!("invalid JSON: {e}"))?;
    let text = match fields.text {
        None => return Err("no \"text\" field".into()),
        Some(serde_json::Value::String(t)) => t,
        Some(other) => return Err(format!("\"text\" is {}, expected a string", kind(&other))),
    };
    let id = match fields.id {
        None | Some(serde_json::Value::Null) => None,
        Some(v @ (serde_json::Value::String(_) | serde_json::Value::Number(_))) => Some(v),
        Some(other) => {
            return Err(format!(
                "\"id\" is {}, expected a string or a number",
                kind(&other)
            ))
        }
    };
    Ok(JsonDoc { id, text })
}

/// The fields of a record that [`parse_json_line`] uses, each the last value of its key.
struct RecordFields {
    text: Option<serde_json::Value>,
    id: Option<serde_json::Value>,
}

/// Visits a record's top-level object: `text` and `id` become values, anything else is skipped.
struct RecordVisitor;

impl<'de> serde::de::Visitor<'de> for RecordVisitor {
    type Value = RecordFields;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RecordFields, A::Error> {
        let mut fields = RecordFields {
            text: None,
            id: None,
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match &*key {
                "text" => fields.text = Some(map.next_value()?),
                "id" => fields.id = Some(map.next_value()?),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(fields)
    }
}
