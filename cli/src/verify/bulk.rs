//! `cachet verify --batch FILE`: a back-office's file of certificate texts,
//! one per line, verified on every core.
//!
//! The trust list is loaded once. Lines are read in chunks of [`CHUNK`]; each
//! chunk is verified by a thread pool (rayon, `--jobs` threads, all cores by
//! default) while this thread reads the next chunk and writes the previous
//! one, so memory does not grow with the file: a million lines take a few
//! megabytes. Output goes to standard output, one JSON line per text, in line
//! order: `{"line":N,` then the report's members (the core's
//! `Report::write_members_for`, so `--profile` applies), `N` the text's line
//! number in FILE (from 1).
//!
//! A blank line is skipped (its number is not reused). Every other line gets
//! its line: a text that is not a certificate is `malformed` like any bad
//! input, bytes that are not UTF-8 are read with U+FFFD (and so are
//! `malformed`), and a line longer than [`MAX_LINE`] bytes is `malformed` with
//! the decoding check's code `text-too-large`, without being held in memory.
//!
//! A summary goes to standard error: the number of texts per status. The exit
//! code is 0 when every text is valid, 1 when one is not (or the trust list
//! was refused), 2 when FILE cannot be read, the output cannot be written, or
//! FILE holds no text.

use super::decoding_failed;
use crate::error::{CliError, Message, EXIT_REFUSED};
use crate::i18n;
use cachet::json::Writer;
use cachet::text::TextError;
use cachet::time::Timestamp;
use cachet::trust::{TrustError, TrustList};
use cachet::{verify, Lang, Profile, Report, Status};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::num::NonZeroUsize;
use std::path::Path;
use std::process::ExitCode;

/// Lines read, verified and written together.
pub const CHUNK: usize = 16_384;

/// The longest line kept: a certificate text is at most
/// [`cachet::text::MAX_TEXT_LEN`] bytes, a URL around it a little more.
pub const MAX_LINE: usize = 16 * 1024;

/// One batch run.
pub struct Batch<'a> {
    /// The file of texts, or `-` for standard input.
    pub input: &'a Path,
    /// The loaded trust list, or why it was refused.
    pub trust: &'a Result<TrustList, TrustError>,
    /// The instant of verification.
    pub now: Timestamp,
    /// The purpose: which certificate fields the lines carry.
    pub profile: Profile,
    /// Verifying threads (default: one per core).
    pub jobs: Option<NonZeroUsize>,
}

/// One line read: its number and its bytes, or `None` when it was longer than [`MAX_LINE`].
struct Line {
    number: u64,
    text: Option<Vec<u8>>,
}

/// What a chunk gives: its output lines (in order) and the status of each text.
struct Verified {
    out: Vec<u8>,
    statuses: Vec<Status>,
}

pub fn run(batch: &Batch<'_>, lang: Lang) -> Result<ExitCode, CliError> {
    let reader: Box<dyn Read> = if batch.input == Path::new("-") {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(batch.input).map_err(|e| CliError::read(batch.input, &e, lang))?)
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());

    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = batch.jobs {
        builder = builder.num_threads(n.get());
    }
    let pool =
        builder.build().map_err(|e| CliError::usage(Message::new("thread-pool").arg("detail", e.to_string())))?;

    let mut counts = [0u64; Status::PRECEDENCE.len()];
    let mut next_line = 1u64;
    // Three stages overlap: this thread reads chunk k+1 and writes chunk k-1
    // while the pool verifies chunk k.
    std::thread::scope(|scope| -> Result<(), CliError> {
        let mut verifying: Option<std::thread::ScopedJoinHandle<'_, Verified>> = None;
        loop {
            let chunk = read_chunk(&mut reader, &mut next_line).map_err(|e| read_error(batch.input, &e, lang))?;
            let verified = verifying.take().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            let last = chunk.is_empty();
            if !last {
                let pool = &pool;
                verifying = Some(scope.spawn(move || pool.install(|| verify_chunk(batch, &chunk))));
            }
            if let Some(verified) = verified {
                out.write_all(&verified.out).map_err(|e| stdout_error(&e, lang))?;
                for status in verified.statuses {
                    if let Some(count) = counts.get_mut(status_index(status)) {
                        *count += 1;
                    }
                }
            }
            if last {
                return Ok(());
            }
        }
    })?;
    out.flush().map_err(|e| stdout_error(&e, lang))?;

    let total: u64 = counts.iter().sum();
    if total == 0 {
        return Err(CliError::usage(Message::new("no-input")));
    }
    // Valid first, then the others in precedence order.
    let detail = std::iter::once(Status::Valid)
        .chain(Status::PRECEDENCE.into_iter().filter(|s| *s != Status::Valid))
        .filter_map(|s| counts.get(status_index(s)).filter(|n| **n > 0).map(|n| format!("{} {n}", s.code())))
        .collect::<Vec<_>>()
        .join(", ");
    crate::error::note(&Message::new("verify-batch-summary").arg("count", total).arg("detail", detail).text(lang));
    let valid = counts.get(status_index(Status::Valid)).copied().unwrap_or(0);
    Ok(if valid == total { ExitCode::SUCCESS } else { ExitCode::from(EXIT_REFUSED) })
}

/// The place of a status in [`Status::PRECEDENCE`] (which holds them all).
fn status_index(status: Status) -> usize {
    Status::PRECEDENCE.iter().position(|s| *s == status).unwrap_or(0)
}

fn read_error(path: &Path, e: &io::Error, lang: Lang) -> CliError {
    if path == Path::new("-") {
        CliError::usage(Message::new("stdin-read").arg("reason", i18n::io_reason(lang, e)))
    } else {
        CliError::read(path, e, lang)
    }
}

fn stdout_error(e: &io::Error, lang: Lang) -> CliError {
    CliError::usage(Message::new("stdout-write").arg("reason", i18n::io_reason(lang, e)))
}

/// Reads up to [`CHUNK`] non-blank lines; `next_line` is the number of the next line to read.
fn read_chunk(reader: &mut impl BufRead, next_line: &mut u64) -> io::Result<Vec<Line>> {
    let mut lines = Vec::with_capacity(CHUNK);
    while lines.len() < CHUNK {
        let mut text = Vec::new();
        let Some(fits) = read_line(reader, &mut text)? else { break };
        let number = *next_line;
        *next_line += 1;
        if !fits {
            lines.push(Line { number, text: None });
        } else if !text.iter().all(u8::is_ascii_whitespace) {
            lines.push(Line { number, text: Some(text) });
        }
    }
    Ok(lines)
}

/// Reads one line (without its `\n`) into `text`, keeping at most
/// [`MAX_LINE`] bytes: `Some(true)` when it fit, `Some(false)` when it was
/// longer (the rest is read and dropped), `None` at the end of the input.
pub(super) fn read_line(reader: &mut impl BufRead, text: &mut Vec<u8>) -> io::Result<Option<bool>> {
    let mut fits = true;
    let mut any = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (part, used, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(at) => (buf.get(..at).unwrap_or_default(), at + 1, true),
            None => (buf, buf.len(), false),
        };
        if fits && text.len() + part.len() <= MAX_LINE {
            text.extend_from_slice(part);
        } else {
            fits = false;
            text.clear();
        }
        reader.consume(used);
        if done {
            return Ok(Some(fits));
        }
    }
}

/// Verifies a chunk's lines on the current pool and writes their JSON lines, in order.
fn verify_chunk(batch: &Batch<'_>, lines: &[Line]) -> Verified {
    let results: Vec<(Status, String)> = lines.par_iter().map(|line| verify_line(batch, line)).collect();
    let mut out = Vec::with_capacity(results.iter().map(|(_, s)| s.len() + 1).sum());
    let mut statuses = Vec::with_capacity(results.len());
    for (status, json) in results {
        out.extend_from_slice(json.as_bytes());
        out.push(b'\n');
        statuses.push(status);
    }
    Verified { out, statuses }
}

/// One line's report and its JSON line.
fn verify_line(batch: &Batch<'_>, line: &Line) -> (Status, String) {
    let check = |text: &str| match batch.trust {
        Ok(trust) => verify(text, trust, batch.now),
        Err(e) => Report::trust_list_invalid(e),
    };
    let report = match &line.text {
        Some(bytes) => check(&String::from_utf8_lossy(bytes)),
        None => decoding_failed(check(""), TextError::TooLarge.as_code()),
    };
    (report.status, json_line(line.number, &report, batch.profile))
}

/// `{"line":N,` then the report's members for the profile.
pub fn json_line(number: u64, report: &Report, profile: Profile) -> String {
    let mut w = Writer::new();
    w.begin_object();
    w.key("line");
    w.u64(number);
    report.write_members_for(&mut w, profile);
    w.end_object();
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<(u64, Option<String>)> {
        let mut reader = BufReader::with_capacity(7, input);
        let mut next = 1;
        let mut all = Vec::new();
        loop {
            let chunk = read_chunk(&mut reader, &mut next).unwrap();
            if chunk.is_empty() {
                return all;
            }
            all.extend(chunk.into_iter().map(|l| (l.number, l.text.map(|t| String::from_utf8(t).unwrap()))));
        }
    }

    #[test]
    fn lines_keep_their_numbers_past_blank_lines_and_a_last_line_without_newline() {
        let got = lines(b"a\n\n  \r\nbb\r\nccc");
        assert_eq!(got, [(1, Some("a".into())), (4, Some("bb\r".into())), (5, Some("ccc".into()))]);
        assert_eq!(lines(b""), []);
        assert_eq!(lines(b"\n\n"), []);
    }

    #[test]
    fn a_line_too_long_is_dropped_but_counted() {
        let mut input = b"x\n".to_vec();
        input.extend(std::iter::repeat_n(b'A', MAX_LINE + 1));
        input.extend(b"\ny\n");
        input.extend(std::iter::repeat_n(b'B', MAX_LINE));
        input.extend(b"\n");
        let got = lines(&input);
        assert_eq!(got.len(), 4);
        assert_eq!(got[1], (2, None));
        assert_eq!(got[2], (3, Some("y".into())));
        assert_eq!(got[3].1.as_ref().map(String::len), Some(MAX_LINE));
    }

    #[test]
    fn status_indexes_are_distinct() {
        let mut seen: Vec<usize> = Status::PRECEDENCE.into_iter().map(status_index).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), Status::PRECEDENCE.len());
        assert!(Status::PRECEDENCE.contains(&Status::Valid));
    }
}
