//! Labelled corpora in JSON Lines: `{"id", "text", "labels": [...], "genre", "lang", "text_en"}`.

use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{ClassifyError, Result};

/// One labelled document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Identifier (the file and line when the input has none).
    #[serde(default)]
    pub id: String,
    /// The text.
    pub text: String,
    /// Label names.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Genre, when the corpus gives one (used for per-genre false-positive rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    /// Language code, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// An English machine translation, when given (isextreme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_en: Option<String>,
}

impl Document {
    /// Whether the document carries `label`.
    pub fn has(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l == label)
    }
}

#[derive(Deserialize)]
struct RawDoc {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: Option<serde_json::Value>,
    #[serde(default)]
    labels: Option<Vec<String>>,
    #[serde(default)]
    genre: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    text_en: Option<serde_json::Value>,
}

/// Reads a labelled JSON Lines corpus. Strict: any unreadable line is an error naming the file
/// and the line (training on silently skipped data would be worse).
///
/// # Errors
/// [`ClassifyError::Io`] when the file cannot be read, [`ClassifyError::BadLine`] for a line
/// that is not UTF-8, not a JSON object, or has no string `text`.
pub fn read_jsonl(path: impl AsRef<Path>) -> Result<Vec<Document>> {
    let path = path.as_ref();
    let io = |e| ClassifyError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut r = std::io::BufReader::new(f);
    let mut docs = Vec::new();
    let mut buf = Vec::new();
    let mut line = 0;
    loop {
        buf.clear();
        let n = r.read_until(b'\n', &mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        line += 1;
        let bad = |reason: String| ClassifyError::BadLine {
            path: path.to_path_buf(),
            line,
            reason,
        };
        let s = std::str::from_utf8(&buf).map_err(|e| bad(format!("not UTF-8: {e}")))?;
        let s = s.trim_start_matches('\u{feff}').trim();
        if s.is_empty() {
            continue;
        }
        let raw: RawDoc = serde_json::from_str(s).map_err(|e| bad(format!("invalid JSON: {e}")))?;
        let text = match raw.text {
            Some(serde_json::Value::String(t)) => t,
            Some(_) => return Err(bad("`text` is not a string".into())),
            None => return Err(bad("no `text` field".into())),
        };
        let id = match raw.id {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("{}:{}", path.display(), line),
        };
        let text_en = match raw.text_en {
            Some(serde_json::Value::String(t)) => Some(t),
            _ => None,
        };
        docs.push(Document {
            id,
            text,
            labels: raw.labels.unwrap_or_default(),
            genre: raw.genre,
            lang: raw.lang,
            text_en,
        });
    }
    Ok(docs)
}
