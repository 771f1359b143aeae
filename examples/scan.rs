//! Scans files for propaganda narratives and writes one JSON object per document.
//!
//! ```text
//! scan [--model PATH] [--threads N] [--explain] [--lines] [--text-column NAME] [-o OUT]
//!      [--threshold LABEL=P]... INPUT...
//! cargo run --release --example scan -- data/samples/ -o scores.jsonl
//! ```
//!
//! Inputs, each a file, a directory (walked recursively in sorted order, symbolic links
//! followed, loops skipped) or `-` for standard input:
//!
//! - **JSON Lines** (`.jsonl`, `.ndjson`, or any file whose first non-blank byte is `{`): one
//!   object per line with a string `text` and an optional `id` (string or number);
//! - **CSV** (`.csv`, `.tsv`, or a file named on the command line that is not JSON Lines when
//!   `--text-column` is given): the `--text-column` column is the text, an `id` column the id;
//! - **plain text**: the whole file is one document, or each line with `--lines`. Invalid UTF-8
//!   is decoded lossily and the document marked `"lossy_utf8": true`.
//!
//! Output (stdout or `-o OUT`), in input order, one line per document:
//! `{"id", "scores": {label: p}, "flags": [...], "high_precision_flags": [...]}`, plus
//! `"evidence"` and `"sentences"` with `--explain`. Offsets are bytes into the document's text:
//! the JSON string, the CSV field, the line, or the file's content after a leading BOM. `id` is
//! the record's own id, else `FILE:LINE` (`FILE` for whole-file documents).
//!
//! Lines that are not usable documents (invalid JSON, not an object, no string `text`, not
//! UTF-8, longer than `--max-doc-bytes`) and unreadable files are reported on stderr as
//! `FILE:LINE: reason` / `PATH: reason`, skipped and counted; blank lines are ignored. The
//! summary on stderr gives documents read, skipped, flagged per label and throughput. Exit
//! status: 0 when at least one document was read, 1 when none could be, 2 when the model
//! cannot be loaded or the arguments are wrong; a closed output pipe ends the run quietly
//! with 0.
//!
//! Streaming: files are read line by line (or record by record) with a buffer as large as
//! the longest line at most; documents are classified in chunks (at most 4096 documents or
//! 16 MB of text) on a rayon pool while the next chunk is read, and written in input order.

#[path = "scan/input.rs"]
mod input;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use narrascope::{Assessment, Classifier, Evidence, SentenceScore};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use input::{first_significant_byte, is_blank, parse_json_line, LineReader, Next, BOM};

#[derive(Parser, Debug)]
#[command(about = "Scan files for extremist propaganda narratives (JSON Lines out)")]
struct Args {
    /// Model file (default: the built-in model).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Add evidence spans and sentence scores.
    #[arg(long)]
    explain: bool,
    /// Plain-text inputs: one document per line instead of one per file.
    #[arg(long)]
    lines: bool,
    /// CSV inputs: the column holding the text.
    #[arg(long, value_name = "NAME")]
    text_column: Option<String>,
    /// Output file (default: standard output).
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    out: Option<PathBuf>,
    /// Flag threshold of a label, as LABEL=P (a calibrated probability), instead of the
    /// model's; repeatable. The built-in model's thresholds favour precision: lower them for
    /// recall, at the cost of more look-alikes flagged.
    #[arg(long = "threshold", value_name = "LABEL=P")]
    thresholds: Vec<String>,
    /// Longest line / document accepted, in bytes; longer ones are skipped without being
    /// held in memory.
    #[arg(long, default_value_t = 256 << 20, value_name = "BYTES")]
    max_doc_bytes: usize,
    /// Print the peak resident set size (VmHWM, Linux) in the summary.
    #[arg(long, hide = true)]
    report_peak_rss: bool,
    /// Documents per chunk.
    #[arg(long, hide = true, default_value_t = 4096)]
    chunk_docs: usize,
    /// Text bytes per chunk (a chunk ends after the document that reaches it).
    #[arg(long, hide = true, default_value_t = 16 << 20)]
    chunk_bytes: usize,
    /// Files, directories, or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
}

/// Progress bars are shown on a terminal for inputs at least this large.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;
/// Bytes read to sniff a file's format.
const SNIFF_BYTES: usize = 64 << 10;

/// Writes a message to stderr, above the progress bar, ignoring a closed stderr.
fn report(pb: &ProgressBar, msg: &str) {
    pb.suspend(|| {
        let _ = writeln!(io::stderr().lock(), "{msg}");
    });
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// One thing to read, in order.
enum Entry {
    File {
        path: PathBuf,
        /// Named on the command line (not found by walking a directory).
        explicit: bool,
    },
    Stdin,
    /// An unreadable path, already described (`PATH: reason`).
    Problem(String),
}

/// Expands the command line into files (directories walked in sorted order); returns them
/// with the total size of the regular files.
fn collect_inputs(inputs: &[PathBuf]) -> (Vec<Entry>, u64) {
    let mut out = Vec::new();
    let mut total = 0;
    let mut visited = Vec::new();
    for p in inputs {
        if p.as_os_str() == "-" {
            out.push(Entry::Stdin);
            continue;
        }
        match fs::metadata(p) {
            Err(e) => out.push(Entry::Problem(describe_open_error(p, &e))),
            Ok(m) if m.is_dir() => walk(p, &mut visited, &mut out, &mut total),
            Ok(m) => {
                if m.is_file() {
                    total += m.len();
                }
                out.push(Entry::File {
                    path: p.clone(),
                    explicit: true,
                });
            }
        }
    }
    (out, total)
}

fn describe_open_error(p: &Path, e: &io::Error) -> String {
    let link = fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    if link && e.kind() == io::ErrorKind::NotFound {
        format!("{}: broken symbolic link ({e})", p.display())
    } else {
        format!("{}: {e}", p.display())
    }
}

fn walk(dir: &Path, visited: &mut Vec<PathBuf>, out: &mut Vec<Entry>, total: &mut u64) {
    // a directory reached twice through symbolic links is read once
    if let Ok(c) = fs::canonicalize(dir) {
        if visited.contains(&c) {
            return;
        }
        visited.push(c);
    }
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Entry::Problem(format!("{}: {e}", dir.display())));
            return;
        }
    };
    let mut entries = Vec::new();
    for e in rd {
        match e {
            Ok(e) => entries.push(e.path()),
            Err(e) => out.push(Entry::Problem(format!("{}: {e}", dir.display()))),
        }
    }
    entries.sort();
    for p in entries {
        match fs::metadata(&p) {
            Err(e) => out.push(Entry::Problem(describe_open_error(&p, &e))),
            Ok(m) if m.is_dir() => walk(&p, visited, out, total),
            Ok(m) if m.is_file() => {
                *total += m.len();
                out.push(Entry::File {
                    path: p,
                    explicit: false,
                });
            }
            Ok(_) => out.push(Entry::Problem(format!(
                "{}: not a regular file, skipped",
                p.display()
            ))),
        }
    }
}

/// A unit of work for the classifying stage, in input order.
enum Item {
    /// A JSON Lines record, parsed on the pool.
    Json {
        src: Arc<str>,
        line: u64,
        raw: Vec<u8>,
    },
    /// A text (UTF-8 or not) with its id.
    Text { id: Value, raw: Vec<u8> },
    /// An unreadable line or file, described; counted as skipped.
    Skip(String),
    /// An empty input, described; not counted as skipped.
    Empty(String),
}

impl Item {
    fn bytes(&self) -> usize {
        match self {
            Item::Json { raw, .. } | Item::Text { raw, .. } => raw.len(),
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Jsonl,
    Csv(u8),
    Text,
}

/// Settings of the reading stage.
struct ReadCfg {
    lines: bool,
    text_column: Option<String>,
    limit: usize,
    chunk_docs: usize,
    chunk_bytes: usize,
    blank_lines: Arc<AtomicU64>,
    pb: ProgressBar,
}

/// The receiving side went away (the output was closed): stop reading.
struct Stopped;

/// Groups items into chunks and hands them to the classifying stage.
struct Batcher {
    tx: SyncSender<Vec<Item>>,
    chunk: Vec<Item>,
    bytes: usize,
    max_docs: usize,
    max_bytes: usize,
}

impl Batcher {
    fn push(&mut self, item: Item) -> Result<(), Stopped> {
        self.bytes += item.bytes();
        self.chunk.push(item);
        if self.chunk.len() >= self.max_docs || self.bytes >= self.max_bytes {
            self.flush()?;
        }
        Ok(())
    }
    fn flush(&mut self) -> Result<(), Stopped> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(self.max_docs));
        self.bytes = 0;
        self.tx.send(chunk).map_err(|_| Stopped)
    }
}

/// A reader that advances the progress bar.
struct Counting<R> {
    inner: R,
    pb: ProgressBar,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pb.inc(n as u64);
        Ok(n)
    }
}

/// The reading stage: every entry, in order, into chunks.
fn read_all(entries: Vec<Entry>, cfg: &ReadCfg, b: &mut Batcher) -> Result<(), Stopped> {
    for e in entries {
        match e {
            Entry::Problem(msg) => b.push(Item::Skip(msg))?,
            Entry::Stdin => {
                let stdin = io::stdin();
                read_source(Box::new(stdin.lock()), "<stdin>".into(), None, true, cfg, b)?;
            }
            Entry::File { path, explicit } => match File::open(&path) {
                Err(e) => b.push(Item::Skip(describe_open_error(&path, &e)))?,
                Ok(f) => {
                    let r = Counting {
                        inner: f,
                        pb: cfg.pb.clone(),
                    };
                    let src: Arc<str> = path.display().to_string().into();
                    read_source(Box::new(r), src, Some(&path), explicit, cfg, b)?;
                }
            },
        }
    }
    b.flush()
}

fn format_of(path: Option<&Path>, explicit: bool, first: Option<u8>, cfg: &ReadCfg) -> Format {
    let ext = path
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("jsonl" | "ndjson") => Format::Jsonl,
        Some("csv") => Format::Csv(b','),
        Some("tsv") => Format::Csv(b'\t'),
        _ if first == Some(b'{') => Format::Jsonl,
        _ if explicit && cfg.text_column.is_some() => Format::Csv(b','),
        _ => Format::Text,
    }
}

fn read_source(
    mut r: Box<dyn Read + '_>,
    src: Arc<str>,
    path: Option<&Path>,
    explicit: bool,
    cfg: &ReadCfg,
    b: &mut Batcher,
) -> Result<(), Stopped> {
    // sniff: read until the first significant byte (or EOF, or SNIFF_BYTES)
    let mut prefix = Vec::new();
    let mut eof = false;
    while first_significant_byte(&prefix).is_none() && prefix.len() < SNIFF_BYTES {
        let mut buf = [0u8; 8192];
        match r.read(&mut buf) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(n) => prefix.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return b.push(Item::Skip(format!("{src}: {e}"))),
        }
    }
    let first = first_significant_byte(&prefix);
    if first.is_none() && eof {
        let what = if prefix.is_empty() { "empty" } else { "blank" };
        return b.push(Item::Empty(format!("{src}: {what} file, no document")));
    }
    let format = format_of(path, explicit, first, cfg);
    // (the line reader strips the BOM of JSON Lines and `--lines` inputs itself)
    let whole_or_csv =
        matches!(format, Format::Csv(_)) || (matches!(format, Format::Text) && !cfg.lines);
    if whole_or_csv && prefix.starts_with(BOM) {
        prefix.drain(..BOM.len());
    }
    let reader = BufReader::with_capacity(256 << 10, io::Cursor::new(prefix).chain(r));
    match format {
        Format::Jsonl => read_lines(reader, &src, true, cfg, b),
        Format::Text if cfg.lines => read_lines(reader, &src, false, cfg, b),
        Format::Text => read_whole(reader, &src, cfg, b),
        Format::Csv(delim) => read_csv(reader, &src, delim, cfg, b),
    }
}

fn read_lines(
    reader: impl BufRead,
    src: &Arc<str>,
    json: bool,
    cfg: &ReadCfg,
    b: &mut Batcher,
) -> Result<(), Stopped> {
    let mut lines = LineReader::new(reader, cfg.limit);
    loop {
        match lines.advance() {
            Ok(Next::Eof) => return Ok(()),
            Ok(Next::TooLong { len }) => b.push(Item::Skip(format!(
                "{src}:{}: line of {len} bytes is longer than --max-doc-bytes {}",
                lines.line_no(),
                cfg.limit
            )))?,
            Ok(Next::Line) if is_blank(lines.line()) => {
                cfg.blank_lines.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Next::Line) => {
                let line = lines.line_no();
                let raw = lines.take_line();
                b.push(if json {
                    Item::Json {
                        src: src.clone(),
                        line,
                        raw,
                    }
                } else {
                    Item::Text {
                        id: Value::String(format!("{src}:{line}")),
                        raw,
                    }
                })?
            }
            Err(e) => {
                return b.push(Item::Skip(format!(
                    "{src}:{}: read error: {e}",
                    lines.line_no() + 1
                )))
            }
        }
    }
}

fn read_whole(
    reader: impl Read,
    src: &Arc<str>,
    cfg: &ReadCfg,
    b: &mut Batcher,
) -> Result<(), Stopped> {
    let mut raw = Vec::new();
    if let Err(e) = reader.take(cfg.limit as u64 + 1).read_to_end(&mut raw) {
        return b.push(Item::Skip(format!("{src}: read error: {e}")));
    }
    if raw.len() > cfg.limit {
        return b.push(Item::Skip(format!(
            "{src}: document longer than --max-doc-bytes {} (use --lines for one document per line)",
            cfg.limit
        )));
    }
    b.push(Item::Text {
        id: Value::String(src.to_string()),
        raw,
    })
}

fn read_csv(
    reader: impl Read,
    src: &Arc<str>,
    delim: u8,
    cfg: &ReadCfg,
    b: &mut Batcher,
) -> Result<(), Stopped> {
    let Some(column) = cfg.text_column.as_deref() else {
        return b.push(Item::Skip(format!(
            "{src}: CSV input needs --text-column NAME"
        )));
    };
    // Records end at `\n` only (the `\r` of `\r\n` is trimmed from the last field by
    // `csv_field`): with the csv crate's CRLF handling the `\n` would be counted with the next
    // record, and line numbers would lag.
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .has_headers(true)
        .from_reader(reader);
    let headers = match rdr.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return b.push(Item::Skip(format!(
                "{src}: cannot read the CSV header: {e}"
            )))
        }
    };
    let headers: Vec<&[u8]> = (0..headers.len())
        .filter_map(|i| csv_field(&headers, i))
        .collect();
    let Some(text_idx) = headers.iter().position(|h| *h == column.as_bytes()) else {
        let names: Vec<String> = headers
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        return b.push(Item::Skip(format!(
            "{src}: no column {column:?} in the CSV header (columns: {})",
            names.join(", ")
        )));
    };
    let id_idx = headers.iter().position(|h| *h == b"id");
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = rec.position().map_or(0, csv::Position::line);
                let item = match csv_field(&rec, text_idx) {
                    None => Item::Skip(format!("{src}:{line}: no {column:?} field")),
                    Some(t) if t.len() > cfg.limit => Item::Skip(format!(
                        "{src}:{line}: text longer than --max-doc-bytes {}",
                        cfg.limit
                    )),
                    Some(t) => {
                        let id = id_idx
                            .and_then(|i| csv_field(&rec, i))
                            .filter(|v| !v.is_empty())
                            .map(|v| String::from_utf8_lossy(v).into_owned())
                            .unwrap_or_else(|| format!("{src}:{line}"));
                        Item::Text {
                            id: Value::String(id),
                            raw: t.to_vec(),
                        }
                    }
                };
                b.push(item)?;
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                let io = e.is_io_error();
                b.push(Item::Skip(format!("{src}:{line}: {e}")))?;
                if io {
                    return Ok(());
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Classifying and writing

/// Field `i` of a record, without the `\r` of a `\r\n` line end when it is the last field.
fn csv_field(rec: &csv::ByteRecord, i: usize) -> Option<&[u8]> {
    let f = rec.get(i)?;
    Some(if i + 1 == rec.len() {
        f.strip_suffix(b"\r").unwrap_or(f)
    } else {
        f
    })
}

/// The result of an item.
enum Outcome {
    Doc { json: String, flags: Vec<usize> },
    Skip(String),
    Empty(String),
}

#[derive(Serialize)]
struct OutDoc<'a> {
    id: &'a Value,
    scores: &'a BTreeMap<String, f32>,
    flags: &'a [String],
    high_precision_flags: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    lossy_utf8: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a [Evidence]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentences: Option<&'a [SentenceScore]>,
}

fn process(item: Item, clf: &Classifier, labels: &[String], explain: bool) -> Outcome {
    let assess = |t: &str| {
        if explain {
            clf.explain(t)
        } else {
            clf.classify(t)
        }
    };
    let (id, a): (Value, Assessment) = match item {
        Item::Skip(m) => return Outcome::Skip(m),
        Item::Empty(m) => return Outcome::Empty(m),
        Item::Json { src, line, raw } => match parse_json_line(&raw) {
            Err(reason) => return Outcome::Skip(format!("{src}:{line}: {reason}")),
            Ok(doc) => {
                drop(raw);
                let id = doc
                    .id
                    .unwrap_or_else(|| Value::String(format!("{src}:{line}")));
                (id, assess(&doc.text))
            }
        },
        Item::Text { id, raw } => match String::from_utf8(raw) {
            Ok(s) => (id, assess(&s)),
            Err(e) => {
                let bytes = e.into_bytes();
                let a = if explain {
                    let mut a = clf.explain(&String::from_utf8_lossy(&bytes));
                    a.lossy_utf8 = true;
                    a
                } else {
                    clf.classify_bytes(&bytes)
                };
                (id, a)
            }
        },
    };
    let out = OutDoc {
        id: &id,
        scores: &a.scores,
        flags: &a.flags,
        high_precision_flags: &a.high_precision_flags,
        lossy_utf8: a.lossy_utf8,
        evidence: explain.then_some(a.evidence.as_slice()),
        sentences: explain.then_some(a.sentences.as_slice()),
    };
    let json = serde_json::to_string(&out).expect("plain data serialises");
    let flags = a
        .flags
        .iter()
        .filter_map(|f| labels.iter().position(|l| l == f))
        .collect();
    Outcome::Doc { json, flags }
}

/// Peak resident set size in kB (`VmHWM`), on Linux.
fn peak_rss_kb() -> Option<u64> {
    let s = fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args = Args::parse();
    let code = run(args);
    std::process::exit(code);
}

fn run(args: Args) -> i32 {
    let clf = match &args.model {
        None => Classifier::builtin(),
        Some(p) => match Classifier::load(p) {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(io::stderr(), "scan: {e}");
                return 2;
            }
        },
    };
    let mut clf = clf;
    for spec in &args.thresholds {
        let parsed = spec
            .split_once('=')
            .and_then(|(l, p)| Some((l, p.trim().parse::<f32>().ok()?)));
        let Some((label, p)) = parsed else {
            let _ = writeln!(
                io::stderr(),
                "scan: --threshold {spec:?}: expected LABEL=P, e.g. recruitment=0.5"
            );
            return 2;
        };
        clf = match clf.with_flag_threshold(label, p) {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(io::stderr(), "scan: --threshold {spec:?}: {e}");
                return 2;
            }
        };
    }
    let labels: Vec<String> = clf.labels().iter().map(|s| s.to_string()).collect();
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(io::stderr(), "scan: cannot start the thread pool: {e}");
            return 2;
        }
    };
    let mut out: Box<dyn Write> = match &args.out {
        None => Box::new(BufWriter::with_capacity(256 << 10, io::stdout().lock())),
        Some(p) => match File::create(p) {
            Ok(f) => Box::new(BufWriter::with_capacity(256 << 10, f)),
            Err(e) => {
                let _ = writeln!(io::stderr(), "scan: {}: {e}", p.display());
                return 2;
            }
        },
    };
    let out_name = args
        .out
        .as_ref()
        .map_or("standard output".to_string(), |p| p.display().to_string());

    let start = Instant::now();
    let (entries, total_bytes) = collect_inputs(&args.inputs);
    let show = io::stderr().is_terminal() && total_bytes >= PROGRESS_MIN_BYTES;
    let pb = if show {
        let pb = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {msg}",
        ) {
            pb.set_style(style);
        }
        pb.enable_steady_tick(Duration::from_millis(200));
        pb
    } else {
        ProgressBar::hidden()
    };

    let blank_lines = Arc::new(AtomicU64::new(0));
    let cfg = ReadCfg {
        lines: args.lines,
        text_column: args.text_column.clone(),
        limit: args.max_doc_bytes,
        chunk_docs: args.chunk_docs.max(1),
        chunk_bytes: args.chunk_bytes.max(1),
        blank_lines: blank_lines.clone(),
        pb: pb.clone(),
    };
    // one chunk being classified, one waiting, one being read
    let (tx, rx) = sync_channel::<Vec<Item>>(1);
    let reader = std::thread::Builder::new()
        .name("scan-reader".into())
        .spawn(move || {
            let mut b = Batcher {
                tx,
                chunk: Vec::with_capacity(cfg.chunk_docs),
                bytes: 0,
                max_docs: cfg.chunk_docs,
                max_bytes: cfg.chunk_bytes,
            };
            let _ = read_all(entries, &cfg, &mut b);
        })
        .expect("spawn the reader thread");

    let (mut read, mut skipped, mut empty) = (0u64, 0u64, 0u64);
    let mut flagged = vec![0u64; labels.len()];
    for chunk in rx {
        let outcomes: Vec<Outcome> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|it| process(it, &clf, &labels, args.explain))
                .collect()
        });
        for o in outcomes {
            match o {
                Outcome::Doc { json, flags } => {
                    read += 1;
                    for f in flags {
                        flagged[f] += 1;
                    }
                    if let Err(e) = out
                        .write_all(json.as_bytes())
                        .and_then(|()| out.write_all(b"\n"))
                    {
                        return write_failed(&pb, &out_name, &e);
                    }
                }
                Outcome::Skip(m) => {
                    skipped += 1;
                    report(&pb, &m);
                }
                Outcome::Empty(m) => {
                    empty += 1;
                    report(&pb, &m);
                }
            }
        }
        if let Err(e) = out.flush() {
            return write_failed(&pb, &out_name, &e);
        }
        pb.set_message(format!("{read} documents"));
    }
    let _ = reader.join();
    if let Err(e) = out.flush() {
        return write_failed(&pb, &out_name, &e);
    }
    pb.finish_and_clear();

    let secs = start.elapsed().as_secs_f64();
    let per_label: Vec<String> = labels
        .iter()
        .zip(&flagged)
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    let mut summary = format!(
        "scan: {read} documents read, {skipped} skipped, flagged: {}; {secs:.2} s, {:.0} docs/s",
        per_label.join(", "),
        read as f64 / secs.max(1e-9)
    );
    let blank = blank_lines.load(Ordering::Relaxed);
    if empty > 0 || blank > 0 {
        summary.push_str(&format!(
            " ({empty} empty files, {blank} blank lines ignored)"
        ));
    }
    if args.report_peak_rss {
        match peak_rss_kb() {
            Some(kb) => summary.push_str(&format!("; peak RSS {kb} kB")),
            None => summary.push_str("; peak RSS unknown"),
        }
    }
    let _ = writeln!(io::stderr(), "{summary}");
    if read == 0 {
        let _ = writeln!(io::stderr(), "scan: no document could be read");
        return 1;
    }
    0
}

/// A write to the output failed: a closed pipe ends the run quietly (exit 0), anything else
/// is an error.
fn write_failed(pb: &ProgressBar, out_name: &str, e: &io::Error) -> i32 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        pb.finish_and_clear();
        return 0;
    }
    report(pb, &format!("scan: cannot write {out_name}: {e}"));
    1
}
