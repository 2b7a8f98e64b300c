//! `cachet issue --csv`: many certificates, streamed.
//!
//! Rows are read in chunks of [`CHUNK`], each chunk is signed on every core
//! (rayon), and its lines are written in input order; memory does not grow
//! with the number of rows. A good row gives one line of OUT:
//! `{"line":N,"serial":"…","token":"CC1:…"}` (and `"url"` with `--url`); a
//! bad row (wrong field count, text that is not UTF-8, refused fields) gives
//! one line of the errors file: `{"line":N,"errors":[{"field","code","message"}]}`.
//! `N` is the row's line number in the CSV (the header is line 1).
//!
//! # Resuming
//!
//! Both files are written in line order, so after an interruption each holds
//! a prefix of what a full run writes. A rerun cuts a partial last line, takes
//! the last line number of each file, and writes a row to a file only if its
//! line is past that file's last line: rows already in both are skipped
//! unread, and the others are checked again but signed only when their line
//! is missing from OUT. Signatures are deterministic, so a resumed OUT is
//! byte for byte the OUT of a run without interruption, provided the rows
//! give `issued_on` (otherwise the issue date is the day of each run).
//!
//! # Status claims
//!
//! With a status claim (see [`crate::issue`]), a new batch counts the CSV's
//! records, reserves one ordinal per record from the key's state
//! (`KEY.status.json`, or `--status-state`), and records the block in
//! `OUT.status.json` before it signs anything:
//! `{"format":"cachet-batch-status/1","key_id","capacity","uri","first",
//! "count"}`, with `"index_key":"signature-v1"` for a key in a module (its
//! permutation keyed by its signature of a fixed message, signed again
//! when the batch resumes; see [`crate::signer::Signer::index_key`]). The record numbered `r` (from 0, the header not
//! counted) takes the ordinal `first + r`, whether it is good or bad, so a
//! resumed or rerun batch gives every row the index it had, and its OUT is
//! byte for byte that of one run. A good row's line then holds
//! `"status":"KEY_ID:INDEX"`, ready for `cachet trust revoke --from`. A
//! resume refuses a CSV whose record count changed, another key, capacity
//! or uri, an OUT begun without a status claim, and an `OUT.status.json`
//! without one asked for.
//!
//! # What the input may be
//!
//! Line ends, encodings, column names, mapping files and dates: see
//! [`crate::csv_input`] and docs/ISSUING.md. A semicolon-separated file (as
//! spreadsheet software writes in French) is read as such when its header
//! line holds semicolons and no comma.
//!
//! # Guarantees
//!
//! - **One run per output**: OUT is locked (`OUT.lock`, the lock of
//!   [`files::lock`] but taken without waiting; an errors file given
//!   elsewhere with `--errors` is locked too): a second run on the same
//!   output refuses at once (`batch-locked`).
//! - **One row per serial**: an explicit serial given on two rows (or
//!   already in OUT on another line) is refused on every row after the first
//!   (`serial-duplicate`), so no revocation hits two pupils and no PDF is
//!   written twice.
//! - **Blank rows**: a row whose fields are all empty (`;;;;`, as a
//!   spreadsheet writes for a formatted empty row) is a blank line: passed
//!   over, in no file.
//! - **No row swallowed unseen**: a quoted field that runs over lines which
//!   themselves hold the separator (a quote left open) makes its row
//!   refused (`csv-quote-unclosed`, naming the lines), and the lines read
//!   inside it, like any line the reader did not reach, are counted against
//!   the file's lines: the summary names them and the exit code is 2.
//! - **A resume of the same batch only**: `OUT.batch.json` records the
//!   input's SHA-256, the key, the encoding, the columns' layout, `--url`
//!   and whether PDFs are written; a rerun that finds any of them changed
//!   refuses (`batch-changed`) unless `--restart`, which empties OUT and the
//!   errors file and begins again.

use crate::csv_input::{self, Decoded, Encoding, Field, Layout, Source, Survey};
use crate::error::{note, CliError, Message, EXIT_REFUSED, EXIT_USAGE};
use crate::issue::{reserve, Block, StatusOptions};
use crate::signer::IndexDerivation;
use crate::signer::{IssueFailure, Signer};
use crate::{clock, files, i18n};
use cachet::certificate::{IssueError, SchoolCertificateInput};
use cachet::time::Date;
use cachet::{issue, text, Lang};
use csv::ByteRecord;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Rows read, signed and written together.
pub const CHUNK: usize = 8192;

/// A batch to run.
pub struct Job<'a> {
    /// The key it names, opened.
    pub signer: &'a Signer,
    /// The rows.
    pub csv: &'a Path,
    /// Good rows' lines.
    pub out: &'a Path,
    /// Bad rows' lines.
    pub errors: PathBuf,
    /// Verifier URL base, for a `url` member.
    pub url: Option<&'a str>,
    /// Signing threads.
    pub jobs: Option<NonZeroUsize>,
    /// Where to write one PDF per good row (`SERIAL.pdf`), if anywhere.
    pub pdf_dir: Option<&'a Path>,
    /// Status claims, if asked for.
    pub status: Option<StatusOptions>,
    /// The CSV's encoding, if given (else found).
    pub encoding: Option<Encoding>,
    /// A mapping file from columns to fields.
    pub columns: Option<&'a Path>,
    /// Empty OUT and the errors file and begin again.
    pub restart: bool,
}

/// One refused row's problem, as written in the errors file.
#[derive(Debug, Clone, Serialize)]
struct Problem {
    field: Option<&'static str>,
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct GoodLine<'a> {
    line: u64,
    serial: &'a str,
    token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

#[derive(Serialize)]
struct BadLine<'a> {
    line: u64,
    errors: &'a [Problem],
}

/// What one row gives.
enum RowOutput {
    /// A line for OUT.
    Good(Vec<u8>),
    /// A line for the errors file.
    Bad(Vec<u8>),
    /// Nothing: the row's line is already written.
    Skip,
    /// The row's PDF could not be written: the batch stops.
    Failed(CliError),
}

/// What every row's processing shares.
struct Context<'a> {
    key: &'a Signer,
    layout: Layout,
    today: Date,
    url: Option<&'a str>,
    pdf_dir: Option<&'a Path>,
    lang: Lang,
    /// Last line already in OUT.
    done_out: u64,
    /// Last line already in the errors file.
    done_err: u64,
    /// The batch's block of ordinals, with status claims.
    status: Option<Block>,
    /// The key's id, for `"status":"KEY_ID:INDEX"`.
    key_id: String,
}

pub fn run(job: &Job<'_>, lang: Lang) -> Result<ExitCode, CliError> {
    // One run per output, from before anything is read until the end.
    let _out_lock = lock_now(job.out, lang)?;
    // The default errors file goes with OUT and so with its lock; one given
    // elsewhere (--errors) is locked too.
    let errors_real = files::resolve(&job.errors, lang)?;
    let out_real = files::resolve(job.out, lang)?;
    let _errors_lock = if errors_real == out_real || errors_real == files::with_suffix(&out_real, ".errors.jsonl") {
        None
    } else {
        Some(lock_now(&job.errors, lang)?)
    };
    let key = job.signer;
    let today = clock::today_in_paris()?;
    let survey = csv_input::survey(job.csv, job.encoding, lang)?;
    let mapping = job.columns.map(|p| csv_input::read_mapping(p, lang)).transpose()?;
    let (mut reader, layout) = open_csv(job.csv, &survey, mapping.as_ref(), lang)?;
    if survey.detected && survey.encoding != Encoding::Utf8 {
        let told =
            Message::new("csv-encoding-read").arg("path", job.csv.display()).arg("encoding", survey.encoding.name());
        note(&told.text(lang));
    }
    if !layout.ignored.is_empty() {
        let told = Message::new("csv-columns-ignored")
            .arg("path", job.csv.display())
            .arg("columns", layout.ignored.join(", "));
        note(&told.text(lang));
    }
    if job.restart {
        restart(job, lang)?;
    }

    // What an earlier run already wrote.
    let done_out = resume_point(job.out, lang)?;
    let done_err = resume_point(&job.errors, lang)?;
    let resumed = done_out.max(done_err);
    // The status block's own checks first (they name what differs in its
    // terms), then the input, key and options as a whole.
    let status = batch_block(job, key, &survey, mapping.as_ref(), resumed > 0, lang)?;
    check_same_batch(job, key, &survey, &layout, resumed > 0, lang)?;
    if resumed > 0 {
        note(&Message::new("batch-resume").arg("line", done_out.min(done_err)).text(lang));
    }
    let serials = if layout.has_serial() { serials_in(job.out, lang)? } else { HashMap::new() };
    let out = BufWriter::with_capacity(1 << 20, append(job.out).map_err(|e| CliError::write(job.out, &e, lang))?);

    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = job.jobs {
        builder = builder.num_threads(n.get());
    }
    let pool =
        builder.build().map_err(|e| CliError::usage(Message::new("thread-pool").arg("detail", e.to_string())))?;

    if let Some(dir) = job.pdf_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::usage(Message::new("pdf-dir").arg("path", dir.display()).arg("reason", i18n::io_reason(lang, &e)))
        })?;
    }
    let key_id = key.key_id().to_string();
    let size = std::fs::metadata(job.csv).map(|m| m.len()).unwrap_or(0);
    let context =
        Context { key, layout, today, url: job.url, pdf_dir: job.pdf_dir, lang, done_out, done_err, status, key_id };
    let mut scan = Scan {
        next_record: 0,
        skip_up_to: done_out.min(done_err),
        serials,
        delimiter: survey.delimiter,
        last_line: survey.lines,
        reached: 1,
        swallowed: Vec::new(),
    };
    let mut sink = Sink {
        out,
        out_path: job.out,
        errors: None,
        errors_path: &job.errors,
        good: 0,
        bad: 0,
        progress: progress_bar(size),
        lang,
    };
    let started = Instant::now();
    // Three stages overlap: this thread reads chunk k+1 and writes chunk k-1
    // while the pool signs chunk k.
    let signed = std::thread::scope(|scope| -> Result<(), CliError> {
        let mut signing: Option<std::thread::ScopedJoinHandle<'_, (Vec<RowOutput>, u64)>> = None;
        loop {
            let chunk = read_chunk(&mut reader, &mut scan, &context, job.csv)?;
            let signed = signing.take().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            let last = chunk.rows.is_empty();
            if !last {
                let (pool, context) = (&pool, &context);
                signing = Some(scope.spawn(move || {
                    let outputs = pool.install(|| {
                        chunk
                            .rows
                            .par_iter()
                            .map(|row| match &row.refused {
                                Some(problem) => refuse(context, row.line, vec![problem.clone()]),
                                None => process(context, row.line, row.n, &row.record),
                            })
                            .collect()
                    });
                    (outputs, chunk.end)
                }));
            }
            if let Some((outputs, end)) = signed {
                sink.write(outputs, end)?;
            }
            if last {
                return Ok(());
            }
        }
    });
    if let Err(e) = signed {
        return Err(stopped(e, &mut sink, job.out));
    }
    let Sink { good, bad, progress, .. } = sink;
    progress.finish_and_clear();

    let seconds = started.elapsed().as_secs_f64();
    let rate = if seconds > 0.0 { (good as f64 / seconds).round() as u64 } else { good };
    let summary = Message::new("batch-summary")
        .arg("good", good)
        .arg("bad", bad)
        .arg("seconds", format!("{seconds:.2}"))
        .arg("rate", rate);
    note(&summary.text(lang));
    let any_bad = bad > 0 || done_err > 0;
    if any_bad {
        note(&Message::new("batch-errors").arg("path", job.errors.display()).text(lang));
    }
    // Lines not read as rows of their own: inside a row whose quote was left
    // open, or past the last line the reader reached.
    let mut unread = scan.swallowed.clone();
    if scan.reached < survey.last_content {
        unread.push((scan.reached + 1, survey.last_content));
    }
    if !unread.is_empty() {
        let count: u64 = unread.iter().map(|(from, to)| to - from + 1).sum();
        let ranges: Vec<String> = unread.iter().take(10).map(|(from, to)| format!("{from}-{to}")).collect();
        let told = Message::new("batch-unread")
            .arg("path", job.csv.display())
            .arg("count", count)
            .arg("lines", ranges.join(", "))
            .arg("total", survey.lines);
        note(&format!("cachet: {} [batch-unread]", told.text(lang)));
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    Ok(if any_bad { ExitCode::from(EXIT_REFUSED) } else { ExitCode::SUCCESS })
}

/// A batch stopped by its key (a module that failed, a token removed): the
/// lines written before the failing row are kept (flushed here), like the
/// batch's records, so that the same command run again resumes at that row;
/// the error says from which line on nothing was signed.
fn stopped(mut e: CliError, sink: &mut Sink<'_>, out: &Path) -> CliError {
    let _ = sink.out.flush();
    if let Some(w) = &mut sink.errors {
        let _ = w.flush();
    }
    sink.progress.finish_and_clear();
    let line = e.messages.first().and_then(|m| m.args.iter().find(|(name, _)| *name == "line")).map(|(_, v)| v.clone());
    if let Some(line) = line {
        e.messages.push(
            Message::new("batch-stopped")
                .arg("line", line)
                .arg("good", sink.good)
                .arg("bad", sink.bad)
                .arg("path", out.display()),
        );
    }
    e
}

/// Takes the lock of `path` without waiting ([`files::try_lock`]): another
/// batch on this output refuses at once rather than writing its rows a
/// second time after this one.
fn lock_now(path: &Path, lang: Lang) -> Result<files::Locked, CliError> {
    files::try_lock(path, lang)?.map_err(|busy| {
        CliError::usage(Message::new("batch-locked").arg("path", path.display()).arg("lock", busy.lock_path.display()))
    })
}

/// `--restart`: OUT, the errors file and their records emptied.
fn restart(job: &Job<'_>, lang: Lang) -> Result<(), CliError> {
    for path in [job.out, job.errors.as_path()] {
        match OpenOptions::new().write(true).truncate(true).open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(CliError::write(path, &e, lang)),
        }
    }
    for suffix in [".batch.json", ".status.json"] {
        let path = files::with_suffix(job.out, suffix);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(CliError::write(&path, &e, lang)),
        }
    }
    note(&Message::new("batch-restart").arg("path", job.out.display()).text(lang));
    Ok(())
}

/// `OUT.batch.json`: what a batch was begun with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchRecord {
    format: String,
    input_sha256: String,
    key_id: String,
    encoding: String,
    columns: String,
    url: Option<String>,
    pdf: bool,
}

const BATCH_FORMAT: &str = "cachet-batch/1";

/// Records what a new batch is begun with, or checks that a resumed one
/// has the same input, key and options.
fn check_same_batch(
    job: &Job<'_>,
    key: &Signer,
    survey: &Survey,
    layout: &Layout,
    begun: bool,
    lang: Lang,
) -> Result<(), CliError> {
    let path = files::with_suffix(job.out, ".batch.json");
    let now = BatchRecord {
        format: BATCH_FORMAT.to_owned(),
        input_sha256: survey.sha256.clone(),
        key_id: key.key_id().to_string(),
        encoding: survey.encoding.name().to_owned(),
        columns: layout.describe(),
        url: job.url.map(str::to_owned),
        pdf: job.pdf_dir.is_some(),
    };
    let recorded = match std::fs::read_to_string(&path) {
        Ok(text) => Some(
            serde_json::from_str::<BatchRecord>(&text)
                .ok()
                .filter(|r| r.format == BATCH_FORMAT)
                .ok_or_else(|| CliError::usage(Message::new("batch-record-invalid").arg("path", path.display())))?,
        ),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(CliError::read(&path, &e, lang)),
    };
    match recorded {
        Some(r) => {
            let mut changed = Vec::new();
            if r.input_sha256 != now.input_sha256 {
                changed.push(format!("{} (SHA-256)", job.csv.display()));
            }
            if r.key_id != now.key_id {
                changed.push(format!("--key ({} → {})", r.key_id, now.key_id));
            }
            if r.encoding != now.encoding {
                changed.push(format!("--encoding ({} → {})", r.encoding, now.encoding));
            }
            if r.columns != now.columns {
                changed.push("--columns".to_owned());
            }
            if r.url != now.url {
                changed.push("--url".to_owned());
            }
            if r.pdf != now.pdf {
                changed.push("--pdf-dir".to_owned());
            }
            if changed.is_empty() {
                return Ok(());
            }
            if !begun {
                // Nothing written yet: the new batch's record replaces the old one.
                return write_record(&path, &now, lang);
            }
            Err(CliError::usage(
                Message::new("batch-changed").arg("path", job.out.display()).arg("changed", changed.join(", ")),
            ))
        }
        None if begun => Err(CliError::usage(
            Message::new("batch-record-missing").arg("path", job.out.display()).arg("record", path.display()),
        )),
        None => write_record(&path, &now, lang),
    }
}

fn write_record(path: &Path, record: &BatchRecord, lang: Lang) -> Result<(), CliError> {
    // Serializing strings cannot fail.
    let mut json = serde_json::to_string_pretty(record).unwrap_or_default();
    json.push('\n');
    files::write_atomic(path, json.as_bytes(), lang)
}

/// The serials OUT already holds, and their lines.
fn serials_in(path: &Path, lang: Lang) -> Result<HashMap<String, u64>, CliError> {
    let mut serials = HashMap::new();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(serials),
        Err(e) => return Err(CliError::read(path, &e, lang)),
    };
    #[derive(Deserialize)]
    struct Line {
        line: u64,
        serial: String,
    }
    for text in BufReader::with_capacity(1 << 16, file).split(b'\n') {
        let text = text.map_err(|e| CliError::read(path, &e, lang))?;
        if let Ok(l) = serde_json::from_slice::<Line>(&text) {
            serials.insert(l.serial, l.line);
        }
    }
    Ok(serials)
}

/// What the reading thread keeps from row to row.
struct Scan {
    /// Records read, passed over or not.
    next_record: u64,
    /// Rows at or before this line are in both files already.
    skip_up_to: u64,
    /// Explicit serials met, and the line of the row that keeps each.
    serials: HashMap<String, u64>,
    /// The separator.
    delimiter: u8,
    /// The file's last line.
    last_line: u64,
    /// The last line read.
    reached: u64,
    /// Lines read inside rows whose quote was left open: (from, to).
    swallowed: Vec<(u64, u64)>,
}

/// One row read: its line, its record number (from 0), its fields, and
/// why it is refused when the reader already knows.
struct Row {
    line: u64,
    n: u64,
    record: ByteRecord,
    refused: Option<Problem>,
}

/// Rows read together, and the CSV's byte offset after them.
struct Chunk {
    rows: Vec<Row>,
    end: u64,
}

/// Reads up to [`CHUNK`] rows, passing over those whose line is at most
/// `skip_up_to` (already in both files), in order: a row whose quoted field
/// swallowed lines, and a serial met before, are found here.
fn read_chunk(
    reader: &mut csv::Reader<Decoded<File>>,
    scan: &mut Scan,
    cx: &Context<'_>,
    path: &Path,
) -> Result<Chunk, CliError> {
    let mut rows = Vec::with_capacity(CHUNK);
    let mut record = ByteRecord::new();
    let serial_at = cx.layout.fields.iter().find_map(|(f, s)| match (f, s) {
        (Field::Serial, Source::Column(i)) => Some(*i),
        _ => None,
    });
    while rows.len() < CHUNK {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| CliError::usage(Message::new("csv-read").arg("path", path.display()).arg("detail", e)))?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        let n = scan.next_record;
        scan.next_record += 1;
        // A row of separators only (a spreadsheet's empty row): a blank line.
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            scan.reached = scan.reached.max(line);
            continue;
        }
        let breaks = record.iter().map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64).sum::<u64>();
        // A quote never closed also holds the file's last line end.
        let to = (line + breaks).min(scan.last_line.max(line));
        scan.reached = scan.reached.max(to);
        let mut refused = None;
        // A quoted field over lines that hold the separator: rows swallowed by a quote left open.
        let swallowing =
            breaks > 0 && record.iter().any(|f| f.split(|&b| b == b'\n').skip(1).any(|l| l.contains(&scan.delimiter)));
        if swallowing {
            scan.swallowed.push((line + 1, to));
            let message = Message::new("csv-quote-unclosed").arg("from", line).arg("to", to).text(cx.lang);
            refused = Some(Problem { field: None, code: "csv-quote-unclosed", message });
        } else if let Some(serial) = serial_at.and_then(|i| record.get(i)) {
            let serial = String::from_utf8_lossy(serial).trim().to_owned();
            if !serial.is_empty() {
                let first = *scan.serials.entry(serial.clone()).or_insert(line);
                if first != line {
                    let message =
                        Message::new("serial-duplicate").arg("serial", &serial).arg("line", first).text(cx.lang);
                    refused = Some(Problem { field: Some("serial"), code: "serial-duplicate", message });
                }
            }
        }
        if line > scan.skip_up_to {
            rows.push(Row { line, n, record: std::mem::take(&mut record), refused });
        }
    }
    Ok(Chunk { rows, end: reader.position().byte() })
}

/// Where a batch's lines go, in input order.
struct Sink<'a> {
    out: BufWriter<File>,
    out_path: &'a Path,
    /// Opened at the first bad row.
    errors: Option<BufWriter<File>>,
    errors_path: &'a Path,
    good: u64,
    bad: u64,
    progress: ProgressBar,
    lang: Lang,
}

impl Sink<'_> {
    /// Writes one chunk's lines, then flushes both files: an interruption
    /// loses at most the chunks not yet flushed, and resuming redoes them.
    fn write(&mut self, outputs: Vec<RowOutput>, end: u64) -> Result<(), CliError> {
        let lang = self.lang;
        for output in outputs {
            match output {
                RowOutput::Good(bytes) => {
                    self.good += 1;
                    self.out.write_all(&bytes).map_err(|e| CliError::write(self.out_path, &e, lang))?;
                }
                RowOutput::Bad(bytes) => {
                    self.bad += 1;
                    let path = self.errors_path;
                    let w = match &mut self.errors {
                        Some(w) => w,
                        None => self
                            .errors
                            .insert(BufWriter::new(append(path).map_err(|e| CliError::write(path, &e, lang))?)),
                    };
                    w.write_all(&bytes).map_err(|e| CliError::write(path, &e, lang))?;
                }
                RowOutput::Skip => {}
                RowOutput::Failed(e) => return Err(e),
            }
        }
        self.out.flush().map_err(|e| CliError::write(self.out_path, &e, lang))?;
        if let Some(w) = &mut self.errors {
            w.flush().map_err(|e| CliError::write(self.errors_path, &e, lang))?;
        }
        self.progress.set_position(end);
        self.progress.set_message(format!("{} ✓ {} ✗", self.good, self.bad));
        Ok(())
    }
}

/// A CSV reader over the file, decoded as the survey found (see
/// [`csv_input`]): byte records (a bad row never stops the batch), any
/// number of fields per row (checked per row); and the layout its header
/// gives.
fn open_csv(
    path: &Path,
    survey: &Survey,
    mapping: Option<&csv_input::Mapping>,
    lang: Lang,
) -> Result<(csv::Reader<Decoded<File>>, Layout), CliError> {
    let file = File::open(path).map_err(|e| CliError::read(path, &e, lang))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(survey.delimiter)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(Decoded::new(file, survey.encoding));
    let header = reader
        .byte_headers()
        .map_err(|e| CliError::usage(Message::new("csv-read").arg("path", path.display()).arg("detail", e)))?;
    let names: Vec<String> = header.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
    let layout = csv_input::layout(&names, mapping, path)?;
    Ok((reader, layout))
}

/// `OUT.status.json`: the block of ordinals a batch took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reservation {
    format: String,
    key_id: String,
    capacity: u32,
    uri: String,
    first: u64,
    count: u64,
    /// How the key's permutation is keyed: absent for the seed (key files).
    #[serde(default, skip_serializing_if = "IndexDerivation::is_seed")]
    index_key: IndexDerivation,
}

const RESERVATION_FORMAT: &str = "cachet-batch-status/1";

/// The batch's block of ordinals: the one recorded in `OUT.status.json` by
/// an earlier run of this batch, else a new one, one ordinal per CSV record,
/// recorded before anything is signed. `begun`: OUT or the errors file
/// already holds lines.
fn batch_block(
    job: &Job<'_>,
    key: &Signer,
    survey: &Survey,
    mapping: Option<&csv_input::Mapping>,
    begun: bool,
    lang: Lang,
) -> Result<Option<Block>, CliError> {
    let path = files::with_suffix(job.out, ".status.json");
    let recorded = match std::fs::read_to_string(&path) {
        Ok(text) => Some(
            serde_json::from_str::<Reservation>(&text)
                .ok()
                .filter(|r| r.format == RESERVATION_FORMAT)
                .ok_or_else(|| CliError::usage(Message::new("status-state-invalid").arg("path", path.display())))?,
        ),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(CliError::read(&path, &e, lang)),
    };
    let Some(options) = &job.status else {
        return match recorded {
            Some(_) => Err(CliError::usage(Message::new("batch-status-without").arg("path", path.display()))),
            None => Ok(None),
        };
    };
    let records = count_records(job.csv, survey, mapping, lang)?;
    match recorded {
        Some(r) => {
            let key_id = key.key_id().to_string();
            let same = r.key_id == key_id
                && options.capacity.is_none_or(|c| c == r.capacity)
                && options.uri.as_deref().is_none_or(|u| u == r.uri);
            if !same {
                return Err(CliError::usage(
                    Message::new("batch-status-other")
                        .arg("path", path.display())
                        .arg("key_id", &r.key_id)
                        .arg("capacity", r.capacity)
                        .arg("uri", &r.uri),
                ));
            }
            if r.count != records {
                return Err(CliError::usage(
                    Message::new("batch-status-changed").arg("path", job.csv.display()).arg("count", r.count),
                ));
            }
            let index_key = key.index_key(r.index_key, &path)?;
            Ok(Some(Block {
                first: r.first,
                count: r.count,
                capacity: r.capacity,
                uri: r.uri,
                derivation: r.index_key,
                index_key,
                key_id,
            }))
        }
        None if begun => Err(CliError::usage(Message::new("batch-status-begun").arg("path", job.out.display()))),
        None => {
            let block = reserve(key, options, records, lang)?;
            let r = Reservation {
                format: RESERVATION_FORMAT.to_owned(),
                key_id: key.key_id().to_string(),
                capacity: block.capacity,
                uri: block.uri.clone(),
                first: block.first,
                count: block.count,
                index_key: block.derivation,
            };
            // Serializing strings and numbers cannot fail.
            let mut json = serde_json::to_string_pretty(&r).unwrap_or_default();
            json.push('\n');
            files::write_atomic(&path, json.as_bytes(), lang)?;
            Ok(Some(block))
        }
    }
}

/// How many records the CSV holds after its header.
fn count_records(
    path: &Path,
    survey: &Survey,
    mapping: Option<&csv_input::Mapping>,
    lang: Lang,
) -> Result<u64, CliError> {
    let (mut reader, _) = open_csv(path, survey, mapping, lang)?;
    let mut record = ByteRecord::new();
    let mut count = 0u64;
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| CliError::usage(Message::new("csv-read").arg("path", path.display()).arg("detail", e)))?
    {
        count += 1;
    }
    Ok(count)
}

/// Opens a file for appending, creating it if needed.
fn append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// The last line number written in a JSON-lines file by an earlier run (0
/// when there is none), after cutting off a partial last line.
fn resume_point(path: &Path, lang: Lang) -> Result<u64, CliError> {
    let file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(CliError::read(path, &e, lang)),
    };
    let mut reader = BufReader::with_capacity(1 << 16, &file);
    let mut buf = Vec::new();
    let (mut offset, mut last, mut count) = (0u64, 0u64, 0u64);
    loop {
        buf.clear();
        let read = reader.read_until(b'\n', &mut buf).map_err(|e| CliError::read(path, &e, lang))?;
        if read == 0 {
            break;
        }
        if buf.last() != Some(&b'\n') {
            // Cut short by an interruption: written again below.
            file.set_len(offset).map_err(|e| CliError::write(path, &e, lang))?;
            break;
        }
        count += 1;
        match line_number(&buf) {
            Some(line) if line > last => last = line,
            _ => {
                return Err(CliError::usage(
                    Message::new("resume-corrupt").arg("path", path.display()).arg("line", count),
                ))
            }
        }
        offset += read as u64;
    }
    Ok(last)
}

/// The `line` member that starts every line this command writes.
fn line_number(json_line: &[u8]) -> Option<u64> {
    let rest = json_line.strip_prefix(b"{\"line\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || rest.get(digits) != Some(&b',') {
        return None;
    }
    std::str::from_utf8(rest.get(..digits)?).ok()?.parse().ok()
}

/// A refused row's line for the errors file, unless it is there already.
fn refuse(cx: &Context<'_>, line: u64, problems: Vec<Problem>) -> RowOutput {
    if line > cx.done_err {
        RowOutput::Bad(json_line(&BadLine { line, errors: &problems }))
    } else {
        RowOutput::Skip
    }
}

/// Signs one row (record number `n`), or says why it is refused; writes only
/// what is missing.
fn process(cx: &Context<'_>, line: u64, n: u64, record: &ByteRecord) -> RowOutput {
    let want_good = line > cx.done_out;
    let refused = |problems: Vec<Problem>| refuse(cx, line, problems);
    let input = match to_input(cx, record) {
        Ok(input) => input,
        Err(problems) => return refused(problems),
    };
    if want_good {
        let (result, status) = match &cx.status {
            None => (cx.key.issue(&input, cx.today, None), None),
            // A record past the block: the CSV grew while being read.
            Some(block) if n >= block.count => {
                return RowOutput::Failed(CliError::usage(
                    Message::new("batch-status-changed").arg("path", cx.key_id.as_str()).arg("count", block.count),
                ))
            }
            Some(block) => match block.status_ref(n) {
                Ok(status) => {
                    let told = format!("{}:{}", cx.key_id, status.idx);
                    (cx.key.issue(&input, cx.today, Some(status)), Some(told))
                }
                Err(e) => return RowOutput::Failed(e),
            },
        };
        match result {
            Ok(issued) => {
                let url = cx.url.map(|base| text::url_of(base, &issued.token));
                if let Some(dir) = cx.pdf_dir {
                    if let Err(e) = write_pdf(cx, dir, &issued, url.as_deref().unwrap_or(&issued.token)) {
                        return RowOutput::Failed(e);
                    }
                }
                RowOutput::Good(json_line(&GoodLine {
                    line,
                    serial: &issued.certificate.serial,
                    token: &issued.token,
                    url,
                    status,
                }))
            }
            Err(IssueFailure::Fields(e)) => refused(field_problems(cx.lang, &e)),
            // The key could not sign (a module's token gone): the batch stops at this row.
            Err(IssueFailure::Signer(mut e)) => {
                if let Some(first) = e.messages.first_mut() {
                    first.args.push(("line", line.to_string()));
                }
                RowOutput::Failed(e)
            }
        }
    } else {
        // Already in OUT if good: only check it.
        match input.validate(cx.today) {
            Ok(_) => RowOutput::Skip,
            Err(e) => refused(field_problems(cx.lang, &e)),
        }
    }
}

/// Writes `DIR/SERIAL.pdf` through a temporary file renamed into place (a
/// resumed batch rewrites the same bytes). A serial is `A-Z a-z 0-9 . _ -`,
/// all safe in a file name, so it is kept as it is, which keeps names
/// distinct (`S.2` and `S_2` are two certificates); one that starts with a
/// dot gets a `+` first (not a serial character), so no PDF is a hidden file.
#[cfg(feature = "pdf")]
fn write_pdf(cx: &Context<'_>, dir: &Path, issued: &issue::Issued, text: &str) -> Result<(), CliError> {
    let options = crate::pdf::Options { verifier_host: cx.url.and_then(crate::pdf::host_of) };
    let bytes = crate::pdf::certificate_pdf(&issued.certificate, text, &options)?;
    let serial = &issued.certificate.serial;
    let name = if serial.starts_with('.') { format!("+{serial}") } else { serial.clone() };
    let path = dir.join(format!("{name}.pdf"));
    // The process in the name: two batches writing one folder never share a temporary file.
    let tmp = dir.join(format!(".{name}.pdf.{}.tmp", std::process::id()));
    std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        CliError::write(&path, &e, cx.lang)
    })
}

#[cfg(not(feature = "pdf"))]
fn write_pdf(_: &Context<'_>, _: &Path, _: &issue::Issued, _: &str) -> Result<(), CliError> {
    Ok(())
}

fn field_problems(lang: Lang, err: &IssueError) -> Vec<Problem> {
    err.0
        .iter()
        .map(|e| Problem {
            field: Some(e.field),
            code: e.code.code(),
            message: i18n::render(lang, e.code.code(), &[("field", e.field.to_owned())]),
        })
        .collect()
}

/// The row's fields as the input of one certificate.
fn to_input(cx: &Context<'_>, record: &ByteRecord) -> Result<SchoolCertificateInput, Vec<Problem>> {
    if record.len() != cx.layout.width {
        let message =
            Message::new("csv-row-length").arg("got", record.len()).arg("expected", cx.layout.width).text(cx.lang);
        return Err(vec![Problem { field: None, code: "csv-row-length", message }]);
    }
    let mut input = SchoolCertificateInput::default();
    let mut problems = Vec::new();
    for (field, source) in &cx.layout.fields {
        let value = match source {
            Source::Fixed(v) => v.clone(),
            Source::Column(i) => match std::str::from_utf8(record.get(*i).unwrap_or_default()) {
                Ok(v) => csv_input::unwrap_formula(v).to_owned(),
                Err(_) => {
                    let message = Message::new("csv-utf8").arg("field", field.name()).text(cx.lang);
                    problems.push(Problem { field: Some(field.name()), code: "csv-utf8", message });
                    continue;
                }
            },
        };
        match field {
            Field::FamilyName => input.family_name = value,
            Field::GivenNames => input.given_names = value,
            Field::BirthDate => input.birth_date = csv_input::iso_date(&value),
            Field::SchoolUai => input.school_uai = csv_input::uai_zeros(&value),
            Field::SchoolName => input.school_name = value,
            Field::SchoolTown => input.school_town = value,
            Field::Academie => input.academie = value,
            Field::SchoolYear => input.school_year = value,
            Field::Level => input.level = value,
            Field::Regime => input.regime = Some(value),
            Field::Serial => input.serial = Some(value),
            Field::IssuedOn => input.issued_on = Some(csv_input::iso_date(&value)),
        }
    }
    if problems.is_empty() {
        Ok(input)
    } else {
        Err(problems)
    }
}

/// One JSON line, with its newline.
fn json_line<T: Serialize>(value: &T) -> Vec<u8> {
    // Strings and numbers always serialize.
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A progress bar over the CSV's bytes, with an ETA, only on a terminal.
fn progress_bar(size: u64) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{wide_bar} {percent:>3}% {msg} ETA {eta}") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn line_numbers_are_read_from_our_lines_only() {
        assert_eq!(line_number(b"{\"line\":42,\"serial\":\"x\"}\n"), Some(42));
        assert_eq!(line_number(b"{\"line\":,\"serial\":\"x\"}\n"), None);
        assert_eq!(line_number(b"{\"serial\":\"x\",\"line\":3}\n"), None);
        assert_eq!(line_number(b"garbage"), None);
    }

    #[test]
    fn a_partial_last_line_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        assert_eq!(resume_point(&path, Lang::En).unwrap(), 0);
        fs::write(&path, "{\"line\":2,\"a\":1}\n{\"line\":5,\"a\":1}\n{\"line\":7,\"a").unwrap();
        assert_eq!(resume_point(&path, Lang::En).unwrap(), 5);
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\"line\":2,\"a\":1}\n{\"line\":5,\"a\":1}\n");
        fs::write(&path, "{\"line\":5,\"a\":1}\n{\"line\":2,\"a\":1}\n").unwrap();
        let err = resume_point(&path, Lang::En).unwrap_err();
        assert_eq!(err.messages[0].code, "resume-corrupt");
    }
}
