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
}

impl Message {
    /// A message without values yet.
    pub fn new(code: &'static str) -> Message {
        Message { code, args: Vec::new() }
    }

    /// Adds a placeholder value.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, value.to_string()));
        self
    }

    /// The sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        i18n::render(lang, self.code, &self.args)
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
