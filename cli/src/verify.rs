//! `cachet verify`: checks tokens or URLs against a signed trust list and
//! pinned root keys, and tells the verdict, each check and the signed fields.
//!
//! An INPUT that names an image file (`.png`, `.jpg`, `.jpeg`, `.webp`) is
//! read with the QR reader (see [`crate::scan`]): each code found in it is
//! verified as an input of its own; an image without a code is an input whose
//! report is `malformed` with the decoding check's code `no-qr-code`.
//!
//! With `--json`, one line per input: the core's `Report` as JSON plus
//! `"input_index"` (0 for the first input, counting the lines read from
//! standard input for `-`, blank lines skipped, and each code of an image)
//! and, for the codes of an image only, `"source"`: the image's path.
//!
//! `--profile NAME` names a purpose (`cachet::profile`): the reports, in JSON
//! and for people, then hold only that profile's certificate fields, and the
//! JSON says `"profile":"NAME"`. An unknown name is a usage error
//! (`unknown-profile`, exit 2) before anything is verified.
//!
//! `--batch FILE` verifies a file of texts, one per line, on every core, and
//! writes one JSON line per text with its line number (see [`bulk`]).
//!
//! The command remembers, between runs, the highest trust-list sequence it
//! has accepted under each root key (see [`state`]): a list older than that
//! is refused as `trust-list-rollback`, and every input's verdict is then
//! `trust-list-invalid`. `--state FILE` chooses the file, `--no-state` runs
//! without one (and without that protection).
//!
//! `--status FILE` (repeatable) gives status documents signed by the list's
//! status key (docs/TRUST.md, "Status documents"): the newest full document
//! given, then every delta that follows it on its base, are applied to the
//! list; the state file remembers the highest status sequence applied under
//! each root, and a run that would end below it is refused
//! (`status-rollback`). A refused document makes every input
//! `trust-list-invalid` with the document's code: what is revoked is then
//! unknown.
//!
//! The list's own revoked indices are decoded key by key when a
//! verification first looks an index up in them
//! ([`TrustList::load_deferred`]): with a million revoked over 30 keys,
//! decoding them all took a third of a run. A certificate whose status
//! claim is looked up in a set then found badly coded is
//! `trust-list-invalid` with the set's code (`trust-list-indices-…`); the
//! certificates that do not need that set are verified (docs/TRUST.md,
//! "The list's own sets decoded on first look-up"). `--status` documents
//! are decoded whole and refused whole: a badly coded set there must not
//! leave a revocation unread behind an exit code of 0.

use crate::error::{CliError, Message, EXIT_REFUSED};
use crate::{clock, i18n, keygen, scan};
use cachet::certificate::Body;
use cachet::json::Writer;
use cachet::keys::PublicKey;
use cachet::status_doc::{Kind, StatusDocument, StatusError, StatusState};
use cachet::text::TextError;
use cachet::time::{parse_rfc3339, Date};
use cachet::trust::{TrustError, TrustList};
use cachet::verify::{Check, Report};
use cachet::{verify, CheckName, Code, Lang, Outcome, Profile, Status};
use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bulk;
mod state;

/// Verifies certificates.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signed trust list.
    #[arg(long, value_name = "SIGNED")]
    trust: PathBuf,
    /// A pinned root public key file (repeatable: any of them may sign the list).
    #[arg(long = "root", value_name = "ROOT.pub", required = true)]
    roots: Vec<PathBuf>,
    /// Verify at this instant (RFC 3339, e.g. 2025-10-01T09:00:00Z) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// One JSON object per input, one per line.
    #[arg(long)]
    json: bool,
    /// Give only the certificate fields of this purpose: full (default), transport,
    /// family-benefits, school-enrolment.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// A file of tokens or URLs, one per line (- for standard input): verified on every
    /// core, one JSON line per text in line order, {"line":N,…}.
    #[arg(long, value_name = "FILE", conflicts_with = "inputs")]
    batch: Option<PathBuf>,
    /// Threads for --batch (default: one per core).
    #[arg(long, value_name = "N", requires = "batch")]
    jobs: Option<NonZeroUsize>,
    /// The file that remembers the highest trust-list sequence accepted under each root key, so that an older
    /// list (one from before a revocation) is refused [default: $XDG_STATE_HOME/cachet/trust-state.json, else
    /// ~/.local/state/cachet/trust-state.json].
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Remember nothing between runs: an older trust list, one from before a revocation, is then accepted.
    /// Unsafe; only for a read-only environment that gets its list from a trusted source.
    #[arg(long, conflicts_with = "state")]
    no_state: bool,
    /// A status document signed by the list's status key (repeatable, any order): the newest full one and the
    /// deltas that follow it are applied to the list.
    #[arg(long = "status", value_name = "FILE")]
    status: Vec<PathBuf>,
    /// Tokens (CC1:…), verifier URLs, images of QR codes (.png, .jpg, .jpeg, .webp),
    /// or - to read tokens or URLs, one per line, from standard input.
    #[arg(value_name = "INPUT", required_unless_present = "batch")]
    inputs: Vec<String>,
}

/// Loads the trust list against the highest sequence remembered for its
/// roots, and remembers its sequence once it verified. A refused list is
/// told on stderr and gives `Ok(Err(…))`: every input is then
/// `trust-list-invalid`. `Err` is a state file that cannot be used.
fn load_trust(
    args: &Args,
    signed: &[u8],
    roots: &[PublicKey],
    now: cachet::time::Timestamp,
    lang: Lang,
) -> Result<Result<TrustList, TrustError>, CliError> {
    let mut held = match state::place(args.state.as_deref(), args.no_state)? {
        state::Place::File(path) => Some(state::Held::open(&path, lang)?),
        state::Place::Off => {
            let off = Message::new("trust-state-off");
            crate::error::note(&format!("cachet: {} [{}]", off.text(lang), off.code));
            None
        }
    };
    let seen = held.as_ref().and_then(|h| h.state.seen(roots));
    let status_seen = held.as_ref().and_then(|h| h.state.status_seen(roots));
    // The --status file a refusal is about (none: about them all).
    let mut refused_doc: Option<usize> = None;
    let loaded = TrustList::load_deferred(signed, roots, seen).and_then(|mut trust| {
        let documents = args.status.iter().map(|p| scan::read_input(p, lang)).collect::<Result<Vec<_>, _>>();
        let documents = match documents {
            Ok(d) => d,
            Err(e) => return Ok(Err(e)),
        };
        let state = apply_status(&trust, &documents, status_seen, now).map_err(|(e, at)| {
            refused_doc = at;
            TrustError::Status(e)
        })?;
        trust.set_status(state);
        Ok(Ok(trust))
    });
    let loaded = match loaded {
        Ok(Err(e)) => return Err(e),
        Ok(Ok(trust)) => Ok(trust),
        Err(e) => Err(e),
    };
    match loaded {
        Ok(trust) => {
            if let (None, Some(seen)) = (trust.status(), status_seen) {
                // The list alone: revocations published since in status documents are not known.
                let missing = Message::new("status-not-given").arg("seen", seen);
                crate::error::note(&format!("cachet: {} [{}]", missing.text(lang), missing.code));
            }
            if let Some(s) = trust.status() {
                let applied = Message::new("status-applied")
                    .arg("sequence", s.sequence())
                    .arg("count", s.revoked())
                    .instant("expires", &cachet::time::format_rfc3339(s.expires()));
                crate::error::note(&format!("cachet: {}", applied.text(lang)));
            }
            if let Some(held) = &mut held {
                held.record(&trust, lang)?;
            }
            Ok(Ok(trust))
        }
        Err(e) => {
            let why = match (&e, &held) {
                (TrustError::Rollback { seen, got }, Some(held)) => Message::new("trust-state-rollback")
                    .arg("path", args.trust.display())
                    .arg("got", got)
                    .arg("seen", seen)
                    .arg("state", held.path().display()),
                (TrustError::Status(s), _) => {
                    let path = match refused_doc.and_then(|i| args.status.get(i)) {
                        Some(p) => p.display().to_string(),
                        None => args.status.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
                    };
                    let why = Message::new(s.code()).arg("path", path).arg("detail", i18n::status_detail(lang, s));
                    Message::new("status-refused").arg("detail", why.text(lang))
                }
                _ => CliError::trust(&args.trust, &e).messages.swap_remove(0),
            };
            let refused = Message::new("trust-list-refused").arg("detail", why.text(lang));
            crate::error::note(&format!("cachet: {} [{}]", refused.text(lang), e.code()));
            Ok(Err(e))
        }
    }
}

/// The state after the status documents given: the newest full document,
/// then each delta on its base in turn (deltas already covered by the full
/// document are skipped); none given, none applied. The result must not be
/// older than `floor`, the highest status sequence applied before. A
/// refusal names the document refused (its place in `documents`) when it
/// is about one.
fn apply_status(
    trust: &TrustList,
    documents: &[Vec<u8>],
    floor: Option<u64>,
    now: cachet::time::Timestamp,
) -> Result<Option<StatusState>, (StatusError, Option<usize>)> {
    if documents.is_empty() {
        return Ok(None);
    }
    let mut docs = documents
        .iter()
        .enumerate()
        .map(|(i, d)| StatusDocument::load(d, trust, now).map(|doc| (i, doc)).map_err(|e| (e, Some(i))))
        .collect::<Result<Vec<_>, _>>()?;
    docs.sort_by_key(|(_, d)| (d.kind() == Kind::Delta, std::cmp::Reverse(d.sequence())));
    let mut state = match docs.first().filter(|(_, d)| d.kind() == Kind::Full) {
        Some((i, full)) => Some(StatusState::apply(None, full).map_err(|e| (e, Some(*i)))?),
        None => None,
    };
    let mut deltas: Vec<&(usize, StatusDocument)> = docs.iter().filter(|(_, d)| d.kind() == Kind::Delta).collect();
    deltas.sort_by_key(|(_, d)| d.sequence());
    for (i, delta) in deltas {
        if state.as_ref().is_some_and(|s| delta.sequence() <= s.sequence()) {
            continue;
        }
        state = Some(StatusState::apply(state.as_ref(), delta).map_err(|e| (e, Some(*i)))?);
    }
    if let Some(s) = &state {
        s.check_floor(floor).map_err(|e| (e, None))?;
    }
    Ok(state)
}

/// The profile named by `--profile`, `full` without it.
fn profile(name: Option<&str>) -> Result<Profile, CliError> {
    let Some(name) = name else { return Ok(Profile::Full) };
    Profile::parse(name).map_err(|e| {
        let known: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
        CliError::usage(Message::new(e.code()).arg("name", name).arg("known", known.join(", ")))
    })
}

pub fn run(args: &Args, lang: Lang) -> Result<ExitCode, CliError> {
    let profile = profile(args.profile.as_deref())?;
    let now = match &args.at {
        Some(at) => {
            parse_rfc3339(at.trim()).ok_or_else(|| CliError::usage(Message::new("at-invalid").arg("value", at)))?
        }
        None => clock::now(),
    };
    let roots = args.roots.iter().map(|p| keygen::read_public_key(p, lang)).collect::<Result<Vec<_>, _>>()?;
    // Bounded before it is read: the core refuses a list above 32 MiB anyway.
    let signed = scan::read_input(&args.trust, lang)?;
    let trust = load_trust(args, &signed, &roots, now, lang)?;
    if let Some(input) = &args.batch {
        let batch = bulk::Batch { input, trust: &trust, now, profile, jobs: args.jobs };
        return bulk::run(&batch, lang);
    }

    let stdout = io::stdout();
    let mut out = stdout.lock();
    // An image may hold several codes: its inputs are always headed with its name.
    let several =
        args.inputs.len() > 1 || args.inputs.iter().any(|i| i == "-" || scan::is_image_path(i) || scan::is_pdf_path(i));
    let mut index = 0usize;
    let mut all_valid = true;
    let check = |text: &str| match &trust {
        Ok(trust) => verify(text, trust, now),
        Err(e) => Report::trust_list_invalid(e),
    };
    let mut emit = |report: &Report, source: Option<&str>, out: &mut io::StdoutLock<'_>| -> Result<(), CliError> {
        all_valid &= report.status == Status::Valid;
        let printed = if args.json {
            writeln!(out, "{}", json_line(index, source, report, profile))
        } else {
            let heading = several.then_some(Heading { index: index + 1, source });
            write!(out, "{}", human(report, heading, profile, lang))
        };
        printed.and_then(|()| out.flush()).map_err(|e| stdout_error(&e, lang))?;
        index += 1;
        Ok(())
    };
    let mut stdin_done = false;
    for input in &args.inputs {
        if input == "-" {
            if stdin_done {
                continue;
            }
            stdin_done = true;
            // Each line read as --batch reads it (bulk::read_line): one longer
            // than MAX_LINE is dropped as it is read, so memory never grows with
            // the input, and reported `text-too-large`.
            let mut stdin = io::stdin().lock();
            let mut buf = Vec::new();
            loop {
                buf.clear();
                let fits = bulk::read_line(&mut stdin, &mut buf).map_err(|e| {
                    CliError::usage(Message::new("stdin-read").arg("reason", i18n::io_reason(lang, &e)))
                })?;
                let report = match fits {
                    None => break,
                    Some(false) => decoding_failed(check(""), TextError::TooLarge.as_code()),
                    Some(true) if buf.iter().all(u8::is_ascii_whitespace) => continue,
                    Some(true) => check(&String::from_utf8_lossy(&buf)),
                };
                emit(&report, None, &mut out)?;
            }
        } else if scan::is_image_path(input) || scan::is_pdf_path(input) {
            let path = Path::new(input);
            let texts = scan::texts_in_file(path, lang)?;
            if texts.is_empty() {
                let message = scan::no_code(path);
                crate::error::note(&format!("cachet: {} [{}]", message.text(lang), message.code));
                emit(&no_code_report(check("")), Some(input), &mut out)?;
            }
            for text in &texts {
                emit(&check(text), Some(input), &mut out)?;
            }
        } else {
            emit(&check(input), None, &mut out)?;
        }
    }
    if index == 0 {
        return Err(CliError::usage(Message::new("no-input")));
    }
    Ok(if all_valid { ExitCode::SUCCESS } else { ExitCode::from(EXIT_REFUSED) })
}

/// The report of an image in which no code was read: `report` (of an empty
/// text, which gives the trust list's check) with the decoding check failed
/// for `no-qr-code`, and the status that follows.
fn no_code_report(report: Report) -> Report {
    decoding_failed(report, Code::NoQrCode)
}

/// `report` (of an empty text) with the decoding check failed for `code`,
/// and the status that follows (`malformed`, unless the trust list failed).
fn decoding_failed(mut report: Report, code: Code) -> Report {
    if let Some(c) = report.checks.iter_mut().find(|c| c.check == CheckName::Decoding) {
        *c = Check {
            check: CheckName::Decoding,
            outcome: Outcome::Fail,
            code: Some(code),
            status: Some(Status::Malformed),
        };
    }
    let failed: Vec<Status> = report.checks.iter().filter_map(|c| c.status).collect();
    report.status = Status::PRECEDENCE.into_iter().find(|s| failed.contains(s)).unwrap_or(Status::Malformed);
    report
}

/// `{"input_index":…,` (and `"source":…,` for an image's code) then the
/// report's members for the profile: the core's `Report::to_json_for` with those first.
fn json_line(index: usize, source: Option<&str>, report: &Report, profile: Profile) -> String {
    let mut w = Writer::new();
    w.begin_object();
    w.key("input_index");
    w.u64(index as u64);
    if let Some(source) = source {
        w.member_str("source", source);
    }
    report.write_members_for(&mut w, profile);
    w.end_object();
    w.finish()
}

fn stdout_error(e: &io::Error, lang: Lang) -> CliError {
    CliError::usage(Message::new("stdout-write").arg("reason", i18n::io_reason(lang, e)))
}

fn t(lang: Lang, code: &str) -> &str {
    i18n::template(lang, code)
}

/// The heading of one of several inputs: its number (from 1) and the image it was read from.
#[derive(Clone, Copy)]
struct Heading<'a> {
    index: usize,
    source: Option<&'a str>,
}

/// The kind of a verdict, as the page and the element name it
/// (docs/EMBEDDING.md): `valid`; `not-valid-now`, a genuine certificate
/// outside its school year, never worded as a forgery; `refused`.
pub fn kind(status: Status) -> &'static str {
    status.kind().code()
}

/// The report as a person reads it, with the certificate fields `profile` allows.
fn human(report: &Report, heading: Option<Heading<'_>>, profile: Profile, lang: Lang) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    // French sets a space before a colon; English does not.
    let colon = match lang {
        Lang::Fr => " : ",
        Lang::En => ": ",
    };
    if let Some(Heading { index, source }) = heading {
        let title = match source {
            Some(path) => Message::new("report-input-image").arg("index", index).arg("path", path),
            None => Message::new("report-input").arg("index", index),
        };
        let _ = writeln!(s, "── {} ──", title.text(lang));
    }
    let code = report.status.code();
    let kind = kind(report.status);
    let icon = match kind {
        "valid" => "✓",
        "not-valid-now" => "◷",
        _ => "✗",
    };
    let _ = writeln!(s, "{icon} {}", t(lang, &format!("verdict-title-{code}")));
    let _ = writeln!(s, "{}", t(lang, &format!("verdict-reason-{code}")));
    let next = format!("verdict-next-{code}");
    let next = if i18n::template(lang, &next) == next { "verdict-next-refused".to_owned() } else { next };
    let _ = writeln!(s, "{}{}", t(lang, "report-next"), t(lang, &next));
    let _ = writeln!(s, "{}", t(lang, "report-checks"));
    let _ = writeln!(s, "  {}{colon}{code}", t(lang, "report-status-code"));
    let outcome_label = |o: Outcome| {
        t(
            lang,
            match o {
                Outcome::Pass => "outcome-pass",
                Outcome::Warn => "outcome-warn",
                Outcome::Fail => "outcome-fail",
                Outcome::NotRun => "outcome-not-run",
            },
        )
    };
    let width = [Outcome::Pass, Outcome::Warn, Outcome::Fail, Outcome::NotRun]
        .map(|o| outcome_label(o).chars().count())
        .into_iter()
        .max()
        .unwrap_or(0);
    for check in &report.checks {
        let label = outcome_label(check.outcome);
        let pad = " ".repeat(width.saturating_sub(label.chars().count()));
        let _ = write!(s, "  {label}{pad}  {}", check.check.label(lang));
        if let Some(code) = check.code {
            let _ = write!(s, " [{code}]");
        }
        s.push('\n');
    }
    if let Some(cert) = &report.certificate {
        let _ = writeln!(s, "{}", t(lang, "report-fields"));
        if profile != Profile::Full {
            let _ = writeln!(s, "  {}{colon}{}", t(lang, "report-profile"), profile.name());
        }
        let allows = |name: &str| profile.allows(name);
        let mut field = |code: &str, value: &str| {
            let _ = writeln!(s, "  {}{colon}{value}", t(lang, code));
        };
        if let Body::CertificatDeScolarite(c) = &cert.body {
            if allows("family_name") {
                field("field-family_name", &c.family_name);
            }
            if allows("given_names") {
                field("field-given_names", &c.given_names);
            }
            if allows("birth_date") {
                field("field-birth_date", &i18n::date(lang, c.birth_date));
            }
            if allows("school_name") && allows("school_uai") && allows("school_town") {
                field("field-school", &format!("{} ({}), {}", c.school_name, c.school_uai, c.school_town));
            }
            if allows("academie") {
                field("field-academie", &cert.academie);
            }
            if allows("school_year") {
                field("field-school_year", &c.school_year.to_string());
            }
            if allows("level") {
                field("field-level", c.level.label());
            }
            if let Some(regime) = c.regime.filter(|_| allows("regime")) {
                field("field-regime", regime.name());
            }
        }
        if allows("serial") {
            field("field-serial", &cert.serial);
        }
        if allows("issued_on") {
            field("field-issued_on", &i18n::date(lang, cert.issued_on));
        }
        let first = Date::in_paris_at(cert.valid_from).filter(|_| allows("valid_from"));
        let last = Date::in_paris_at(cert.valid_until.saturating_sub(1)).filter(|_| allows("valid_until"));
        if let (Some(first), Some(last)) = (first, last) {
            let validity = Message::new("field-validity-value")
                .arg("from", i18n::date(lang, first))
                .arg("until", i18n::date(lang, last))
                .text(lang);
            field("field-validity", &validity);
        }
    }
    if let Some(issuer) = &report.issuer {
        let _ = writeln!(
            s,
            "{}{colon}{} ({}{colon}{})",
            t(lang, "report-issuer"),
            issuer.name,
            t(lang, "report-key"),
            issuer.key_id
        );
    }
    if let Some(list) = &report.trust_list {
        let value = Message::new("report-trust-list-value")
            .arg("sequence", list.sequence)
            .arg("issued_at", i18n::instant(lang, &list.issued_at))
            .arg("next_update", i18n::instant(lang, &list.next_update))
            .text(lang);
        let _ = writeln!(s, "{}{colon}{value}", t(lang, "report-trust-list"));
    }
    if heading.is_some() {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use cachet::keys::SecretKey;
    use cachet::trust::{sign_list, TrustError};

    /// Every vector's report as a person reads it, in French and English:
    /// the verdict's sentences (before the support section) hold no code and
    /// no RFC 3339 instant anywhere; a genuine certificate outside its
    /// school year is never worded as a forgery; every verdict has a next step.
    #[test]
    fn every_vector_reads_in_plain_words_with_its_kind_and_next_step() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        assert!(paths.len() > 100, "the vectors are missing from {}", dir.display());
        for path in &paths {
            let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let roots: Vec<PublicKey> = case["roots"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| PublicKey::from_text(r.as_str().unwrap()).unwrap())
                .collect();
            let now = parse_rfc3339(case["now"].as_str().unwrap()).unwrap();
            let report = match TrustList::load(
                case["trust_list"].as_str().unwrap().as_bytes(),
                &roots,
                case["last_seen_sequence"].as_u64(),
            ) {
                Ok(trust) => verify(case["input"].as_str().unwrap(), &trust, now),
                Err(err) => Report::trust_list_invalid(&err),
            };
            for lang in [Lang::Fr, Lang::En] {
                let text = human(&report, None, Profile::Full, lang);
                let name = path.display();
                let support = t(lang, "report-checks");
                let (verdict, _) = text.split_once(support).unwrap_or_else(|| panic!("{name}: no support section"));
                // The report's codes (a hyphenated code is never a word: `valid` alone is one).
                let codes =
                    report.checks.iter().flat_map(|c| [Some(c.check.code()), c.code.map(Code::as_str)]).flatten();
                for code in codes.chain([report.status.code()]).filter(|c| c.contains('-')) {
                    assert!(!verdict.contains(code), "{name}: the code {code} in {verdict}");
                }
                assert!(!verdict.contains('[') && !verdict.contains('\''), "{name}: {verdict}");
                let iso = text
                    .as_bytes()
                    .windows(11)
                    .any(|w| w[..4].iter().all(u8::is_ascii_digit) && w[4] == b'-' && w[7] == b'-' && w[10] == b'T');
                assert!(!iso, "{name}: an RFC 3339 instant in {text}");
                assert!(
                    verdict.lines().nth(2).is_some_and(|l| l.starts_with(t(lang, "report-next"))),
                    "{name}: {verdict}"
                );
                let forgery = match lang {
                    Lang::Fr => "ne pas s’y fier",
                    Lang::En => "do not rely",
                };
                match kind(report.status) {
                    "not-valid-now" => {
                        assert!(verdict.starts_with('◷') && !verdict.contains(forgery), "{name}: {verdict}");
                    }
                    "valid" => assert!(verdict.starts_with('✓'), "{name}: {verdict}"),
                    _ => assert!(verdict.starts_with('✗'), "{name}: {verdict}"),
                }
            }
        }
    }

    /// The line as serde wrote it before `json_line`: the index, then the report flattened.
    #[derive(serde::Serialize)]
    struct SerdeLine<'a> {
        input_index: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        source: Option<&'a str>,
        #[serde(flatten)]
        report: &'a Report,
    }

    #[test]
    fn json_lines_are_the_index_then_the_report_as_serde_wrote_them() {
        let (root, issuer) = (SecretKey::from_seed(&[1; 32]), SecretKey::from_seed(&[2; 32]));
        let signed = sign_list(&root, &cachet::doc_example_list(&issuer)).unwrap();
        let trust = TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).unwrap();
        let input = cachet::doc_example_input();
        let token = cachet::issue::issue(&issuer, &input, Date::parse("2025-09-15").unwrap()).unwrap().token;
        let now = parse_rfc3339("2025-10-01T09:00:00Z").unwrap();
        let reports = [
            verify(&token, &trust, now),
            verify(&token, &trust, parse_rfc3339("2026-10-01T09:00:00Z").unwrap()),
            verify("CC1:AAAA", &trust, now),
            Report::trust_list_invalid(&TrustError::Signature),
            no_code_report(verify("", &trust, now)),
            no_code_report(Report::trust_list_invalid(&TrustError::Signature)),
        ];
        assert!(reports[0].certificate.is_some());
        for (index, report) in [0, 1, 9, usize::MAX, 3, 4].into_iter().zip(&reports) {
            for source in [None, Some("scans/été \"1\".png")] {
                let serde = serde_json::to_string(&SerdeLine { input_index: index, source, report }).unwrap();
                assert_eq!(json_line(index, source, report, Profile::Full), serde);
            }
        }
    }

    #[test]
    fn an_image_without_a_code_is_malformed_for_no_qr_code() {
        let (root, issuer) = (SecretKey::from_seed(&[1; 32]), SecretKey::from_seed(&[2; 32]));
        let signed = sign_list(&root, &cachet::doc_example_list(&issuer)).unwrap();
        let trust = TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).unwrap();
        let report = no_code_report(verify("", &trust, parse_rfc3339("2025-10-01T09:00:00Z").unwrap()));
        assert_eq!(report.status, Status::Malformed);
        let decoding = report.check(CheckName::Decoding).unwrap();
        assert_eq!((decoding.outcome, decoding.code), (Outcome::Fail, Some(Code::NoQrCode)));
        assert_eq!(report.check(CheckName::TrustList).unwrap().outcome, Outcome::Pass);
        assert!(report.trust_list.is_some());
        // The list's own failure still comes first.
        let refused = no_code_report(Report::trust_list_invalid(&TrustError::Signature));
        assert_eq!(refused.status, Status::TrustListInvalid);
        assert_eq!(refused.check(CheckName::Decoding).unwrap().code, Some(Code::NoQrCode));
    }
}
