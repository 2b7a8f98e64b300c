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
//! records, reserves one ordinal per record from the key's
//! `KEY.status.json`, and records the block in `OUT.status.json` before it
//! signs anything: `{"format":"cachet-batch-status/1","key_id","capacity",
//! "uri","first","count"}`. The record numbered `r` (from 0, the header not
//! counted) takes the ordinal `first + r`, whether it is good or bad, so a
//! resumed or rerun batch gives every row the index it had, and its OUT is
//! byte for byte that of one run. A good row's line then holds
//! `"status":"KEY_ID:INDEX"`, ready for `cachet trust revoke --from`. A
//! resume refuses a CSV whose record count changed, another key, capacity
//! or uri, an OUT begun without a status claim, and an `OUT.status.json`
//! without one asked for.
//!
//! A semicolon-separated file (as spreadsheet software writes in French) is
//! read as such when its header line holds semicolons and no comma; a UTF-8
//! byte order mark is ignored.

use crate::error::{CliError, Message, EXIT_REFUSED};
use crate::issue::{reserve, Block, StatusOptions};
use crate::{clock, files, i18n, keygen};
use cachet::certificate::{IssueError, SchoolCertificateInput};
use cachet::keys::SecretKey;
use cachet::time::Date;
use cachet::{issue, text, Lang};
use csv::ByteRecord;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
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
    /// The issuer's secret key file.
    pub key: &'a Path,
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
}

/// The columns a CSV may have: the keys of `cert.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    FamilyName,
    GivenNames,
    BirthDate,
    SchoolUai,
    SchoolName,
    SchoolTown,
    Academie,
    SchoolYear,
    Level,
    Regime,
    Serial,
    IssuedOn,
}

/// (column, header name, required).
const COLUMNS: [(Column, &str, bool); 12] = [
    (Column::FamilyName, "family_name", true),
    (Column::GivenNames, "given_names", true),
    (Column::BirthDate, "birth_date", true),
    (Column::SchoolUai, "school_uai", true),
    (Column::SchoolName, "school_name", true),
    (Column::SchoolTown, "school_town", true),
    (Column::Academie, "academie", true),
    (Column::SchoolYear, "school_year", true),
    (Column::Level, "level", true),
    (Column::Regime, "regime", false),
    (Column::Serial, "serial", false),
    (Column::IssuedOn, "issued_on", false),
];

impl Column {
    fn name(self) -> &'static str {
        COLUMNS.iter().find(|(c, _, _)| *c == self).map_or("", |(_, n, _)| n)
    }
}

/// One refused row's problem, as written in the errors file.
#[derive(Debug, Serialize)]
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
    key: SecretKey,
    columns: Vec<Column>,
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
    let key = keygen::read_secret_key(job.key, lang)?;
    let today = clock::today_in_paris()?;
    let file = File::open(job.csv).map_err(|e| CliError::read(job.csv, &e, lang))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = open_csv(file).map_err(|e| CliError::read(job.csv, &e, lang))?;
    let columns = read_header(&mut reader, job.csv)?;

    // What an earlier run already wrote.
    let done_out = resume_point(job.out, lang)?;
    let done_err = resume_point(&job.errors, lang)?;
    let resumed = done_out.max(done_err);
    if resumed > 0 {
        eprintln!("{}", Message::new("batch-resume").arg("line", done_out.min(done_err)).text(lang));
    }
    let status = batch_block(job, &key, resumed > 0, lang)?;
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
    let context =
        Context { key, columns, today, url: job.url, pdf_dir: job.pdf_dir, lang, done_out, done_err, status, key_id };
    let mut next_record = 0u64;
    let skip_up_to = done_out.min(done_err);
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
    std::thread::scope(|scope| -> Result<(), CliError> {
        let mut signing: Option<std::thread::ScopedJoinHandle<'_, (Vec<RowOutput>, u64)>> = None;
        loop {
            let chunk = read_chunk(&mut reader, skip_up_to, &mut next_record, job.csv)?;
            let signed = signing.take().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            let last = chunk.rows.is_empty();
            if !last {
                let (pool, context) = (&pool, &context);
                signing = Some(scope.spawn(move || {
                    let outputs = pool.install(|| {
                        chunk.rows.par_iter().map(|(line, n, record)| process(context, *line, *n, record)).collect()
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
    })?;
    let Sink { good, bad, progress, .. } = sink;
    progress.finish_and_clear();

    let seconds = started.elapsed().as_secs_f64();
    let rate = if seconds > 0.0 { (good as f64 / seconds).round() as u64 } else { good };
    let summary = Message::new("batch-summary")
        .arg("good", good)
        .arg("bad", bad)
        .arg("seconds", format!("{seconds:.2}"))
        .arg("rate", rate);
    eprintln!("{}", summary.text(lang));
    let any_bad = bad > 0 || done_err > 0;
    if any_bad {
        eprintln!("{}", Message::new("batch-errors").arg("path", job.errors.display()).text(lang));
    }
    Ok(if any_bad { ExitCode::from(EXIT_REFUSED) } else { ExitCode::SUCCESS })
}

/// Rows read together (line, record number from 0, record), and the CSV's
/// byte offset after them.
struct Chunk {
    rows: Vec<(u64, u64, ByteRecord)>,
    end: u64,
}

/// Reads up to [`CHUNK`] rows, passing over those whose line is at most
/// `skip_up_to` (already in both files); `next_record` counts every record
/// read, passed over or not.
fn read_chunk(
    reader: &mut csv::Reader<BufReader<File>>,
    skip_up_to: u64,
    next_record: &mut u64,
    path: &Path,
) -> Result<Chunk, CliError> {
    let mut rows = Vec::with_capacity(CHUNK);
    let mut record = ByteRecord::new();
    while rows.len() < CHUNK {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| CliError::usage(Message::new("csv-read").arg("path", path.display()).arg("detail", e)))?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        let n = *next_record;
        *next_record += 1;
        if line > skip_up_to {
            rows.push((line, n, std::mem::take(&mut record)));
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

/// A CSV reader over `file`: byte records (a bad row never stops the batch),
/// any number of fields per row (checked per row), the BOM skipped and the
/// separator found from the header line.
fn open_csv(file: File) -> io::Result<csv::Reader<BufReader<File>>> {
    let mut input = BufReader::with_capacity(1 << 16, file);
    if input.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    let head = input.fill_buf()?;
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') { b';' } else { b',' };
    Ok(csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).buffer_capacity(1 << 16).from_reader(input))
}

/// Maps the header's names to columns; refuses unknown, repeated and missing ones.
fn read_header(reader: &mut csv::Reader<BufReader<File>>, path: &Path) -> Result<Vec<Column>, CliError> {
    let header = reader
        .byte_headers()
        .map_err(|e| CliError::usage(Message::new("csv-read").arg("path", path.display()).arg("detail", e)))?;
    if header.is_empty() {
        return Err(CliError::usage(Message::new("csv-empty").arg("path", path.display())));
    }
    let mut columns = Vec::with_capacity(header.len());
    for name in header {
        let name = String::from_utf8_lossy(name);
        let name = name.trim();
        let Some((column, _, _)) = COLUMNS.iter().find(|(_, n, _)| n.eq_ignore_ascii_case(name)) else {
            let known: Vec<&str> = COLUMNS.iter().map(|(_, n, _)| *n).collect();
            return Err(CliError::usage(
                Message::new("csv-unknown-column")
                    .arg("path", path.display())
                    .arg("column", name)
                    .arg("known", known.join(", ")),
            ));
        };
        if columns.contains(column) {
            return Err(CliError::usage(
                Message::new("csv-duplicate-column").arg("path", path.display()).arg("column", name),
            ));
        }
        columns.push(*column);
    }
    let missing: Vec<&str> =
        COLUMNS.iter().filter(|(c, _, required)| *required && !columns.contains(c)).map(|(_, n, _)| *n).collect();
    if !missing.is_empty() {
        return Err(CliError::usage(
            Message::new("csv-missing-column").arg("path", path.display()).arg("columns", missing.join(", ")),
        ));
    }
    Ok(columns)
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
}

const RESERVATION_FORMAT: &str = "cachet-batch-status/1";

/// The batch's block of ordinals: the one recorded in `OUT.status.json` by
/// an earlier run of this batch, else a new one, one ordinal per CSV record,
/// recorded before anything is signed. `begun`: OUT or the errors file
/// already holds lines.
fn batch_block(job: &Job<'_>, key: &SecretKey, begun: bool, lang: Lang) -> Result<Option<Block>, CliError> {
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
    let records = count_records(job.csv, lang)?;
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
            Ok(Some(Block { first: r.first, count: r.count, capacity: r.capacity, uri: r.uri }))
        }
        None if begun => Err(CliError::usage(Message::new("batch-status-begun").arg("path", job.out.display()))),
        None => {
            let block = reserve(job.key, key, options, records, lang)?;
            let r = Reservation {
                format: RESERVATION_FORMAT.to_owned(),
                key_id: key.key_id().to_string(),
                capacity: block.capacity,
                uri: block.uri.clone(),
                first: block.first,
                count: block.count,
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
fn count_records(path: &Path, lang: Lang) -> Result<u64, CliError> {
    let file = File::open(path).map_err(|e| CliError::read(path, &e, lang))?;
    let mut reader = open_csv(file).map_err(|e| CliError::read(path, &e, lang))?;
    read_header(&mut reader, path)?;
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

/// Signs one row (record number `n`), or says why it is refused; writes only
/// what is missing.
fn process(cx: &Context<'_>, line: u64, n: u64, record: &ByteRecord) -> RowOutput {
    let want_good = line > cx.done_out;
    let want_bad = line > cx.done_err;
    let refused = |problems: Vec<Problem>| {
        if want_bad {
            RowOutput::Bad(json_line(&BadLine { line, errors: &problems }))
        } else {
            RowOutput::Skip
        }
    };
    let input = match to_input(cx, record) {
        Ok(input) => input,
        Err(problems) => return refused(problems),
    };
    if want_good {
        let (result, status) = match &cx.status {
            None => (issue::issue(&cx.key, &input, cx.today), None),
            // A record past the block: the CSV grew while being read.
            Some(block) if n >= block.count => {
                return RowOutput::Failed(CliError::usage(
                    Message::new("batch-status-changed").arg("path", cx.key_id.as_str()).arg("count", block.count),
                ))
            }
            Some(block) => match block.status_ref(&cx.key, n) {
                Ok(status) => {
                    let told = format!("{}:{}", cx.key_id, status.idx);
                    (issue::issue_with_status(&cx.key, &input, cx.today, status), Some(told))
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
            Err(e) => refused(field_problems(cx.lang, &e)),
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
    let tmp = dir.join(format!(".{name}.pdf.tmp"));
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
    if record.len() != cx.columns.len() {
        let message =
            Message::new("csv-row-length").arg("got", record.len()).arg("expected", cx.columns.len()).text(cx.lang);
        return Err(vec![Problem { field: None, code: "csv-row-length", message }]);
    }
    let mut input = SchoolCertificateInput::default();
    let mut problems = Vec::new();
    for (column, bytes) in cx.columns.iter().zip(record) {
        let value = match std::str::from_utf8(bytes) {
            Ok(v) => v.to_owned(),
            Err(_) => {
                let message = Message::new("csv-utf8").arg("field", column.name()).text(cx.lang);
                problems.push(Problem { field: Some(column.name()), code: "csv-utf8", message });
                continue;
            }
        };
        match column {
            Column::FamilyName => input.family_name = value,
            Column::GivenNames => input.given_names = value,
            Column::BirthDate => input.birth_date = value,
            Column::SchoolUai => input.school_uai = value,
            Column::SchoolName => input.school_name = value,
            Column::SchoolTown => input.school_town = value,
            Column::Academie => input.academie = value,
            Column::SchoolYear => input.school_year = value,
            Column::Level => input.level = value,
            Column::Regime => input.regime = Some(value),
            Column::Serial => input.serial = Some(value),
            Column::IssuedOn => input.issued_on = Some(value),
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
