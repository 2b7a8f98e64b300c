//! The command's errors: one or more coded messages and an exit code.
//!
//! Printed on stderr as `cachet: <message> [code]`, one line per message,
//! the message in the user's language (see [`crate::i18n`]).

use crate::i18n;
use cachet::certificate::IssueError;
use cachet::keys::KeyError;
use cachet::trust::TrustError;
use cachet::Lang;
use std::io;
use std::path::Path;
use std::process::ExitCode;

/// Exit code 1: the input was refused (bad fields, a key already listed…).
pub const EXIT_REFUSED: u8 = 1;
/// Exit code 2: a usage, file or key error.
pub const EXIT_USAGE: u8 = 2;

/// One coded message and the values of its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Stable code (a key of [`crate::i18n`]).
    pub code: &'static str,
    /// Placeholder values.
    pub args: Vec<(&'static str, String)>,
    /// Placeholder values that are times, written in the reader's language
    /// when the sentence is: never an RFC 3339 instant in a sentence.
    pub times: Vec<(&'static str, When)>,
}

/// A time shown to a person: an instant (RFC 3339, as stored in the
/// documents) or a civil date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// An RFC 3339 instant: "6 décembre 2026 à 9 h 39" (Paris time).
    Instant(String),
    /// A date: "01/09/2026" in French.
    Date(cachet::time::Date),
}

impl Message {
    /// A message without values yet.
    pub fn new(code: &'static str) -> Message {
        Message { code, args: Vec::new(), times: Vec::new() }
    }

    /// Adds a placeholder value.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, value.to_string()));
        self
    }

    /// Adds a placeholder value that is an RFC 3339 instant, shown in the
    /// reader's words and Paris time.
    pub fn instant(mut self, name: &'static str, rfc3339: &str) -> Message {
        self.times.push((name, When::Instant(rfc3339.to_owned())));
        self
    }

    /// Adds a placeholder value that is a date, shown in the reader's form.
    pub fn date(mut self, name: &'static str, date: cachet::time::Date) -> Message {
        self.times.push((name, When::Date(date)));
        self
    }

    /// The sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        if self.times.is_empty() {
            return i18n::render(lang, self.code, &self.args);
        }
        let mut args = self.args.clone();
        args.extend(self.times.iter().map(|(name, when)| {
            let shown = match when {
                When::Instant(t) => i18n::instant(lang, t),
                When::Date(d) => i18n::date(lang, *d),
            };
            (*name, shown)
        }));
        i18n::render(lang, self.code, &args)
    }
}

/// Why a command failed.
#[derive(Debug)]
pub struct CliError {
    /// What to print, one line each.
    pub messages: Vec<Message>,
    /// The process's exit code.
    pub exit: u8,
}

impl CliError {
    /// A usage, file or key error (exit 2).
    pub fn usage(message: Message) -> CliError {
        CliError { messages: vec![message], exit: EXIT_USAGE }
    }

    /// A refusal of what was asked (exit 1).
    pub fn refused(message: Message) -> CliError {
        CliError { messages: vec![message], exit: EXIT_REFUSED }
    }

    /// A file that could not be read.
    pub fn read(path: &Path, err: &io::Error, lang: Lang) -> CliError {
        CliError::usage(Message::new("file-read").arg("path", path.display()).arg("reason", i18n::io_reason(lang, err)))
    }

    /// A file that could not be written.
    pub fn write(path: &Path, err: &io::Error, lang: Lang) -> CliError {
        CliError::usage(
            Message::new("file-write").arg("path", path.display()).arg("reason", i18n::io_reason(lang, err)),
        )
    }

    /// A key file that was refused.
    pub fn key(path: &Path, err: &KeyError, prefix: &str) -> CliError {
        let detail = match err {
            KeyError::Policy(e) => e.code().to_owned(),
            other => other.code().to_owned(),
        };
        CliError::usage(
            Message::new(err.code()).arg("path", path.display()).arg("prefix", prefix).arg("detail", detail),
        )
    }

    /// A trust list (at `path`) that was refused.
    ///
    /// An entry refused is the message `trust-list-entry` whatever the
    /// entry's problem, the core's finer code (`trust-list-entry-key-id`…)
    /// in its detail.
    pub fn trust(path: &Path, err: &TrustError) -> CliError {
        let detail = match err {
            TrustError::Json(m) | TrustError::Format(m) => m.clone(),
            TrustError::Entry { at, problem } => format!("{at}: {problem} ({})", err.code()),
            TrustError::Rollback { seen, got } => format!("{got} < {seen}"),
            _ => String::new(),
        };
        let code = if matches!(err, TrustError::Entry { .. }) { "trust-list-entry" } else { err.code() };
        CliError::usage(Message::new(code).arg("path", path.display()).arg("detail", detail))
    }

    /// Every field refused at issuance (exit 1).
    pub fn fields(err: &IssueError) -> CliError {
        CliError { messages: field_messages(err), exit: EXIT_REFUSED }
    }

    /// Prints the messages on stderr and gives the exit code.
    pub fn report(&self, lang: Lang) -> ExitCode {
        for m in &self.messages {
            note(&format!("cachet: {} [{}]", m.text(lang), m.code));
        }
        ExitCode::from(self.exit)
    }
}

/// Writes a line on standard error, if it can: a closed or broken standard
/// error never stops a command (`eprintln!` would panic, exit 101). Every
/// message of the command goes through here.
pub fn note(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// One message per refused field.
pub fn field_messages(err: &IssueError) -> Vec<Message> {
    err.0.iter().map(|e| Message::new(e.code.code()).arg("field", e.field)).collect()
}
