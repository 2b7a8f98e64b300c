//! `cachet trust add | revoke | unrevoke | sign`: keeping the unsigned list
//! (`LIST.json`) and signing it with the root key.
//!
//! `LIST.json` is the pretty JSON of [`TrustListBody`]. Every change bumps its
//! `sequence` by one, so that verifiers can refuse an older list. A revoked
//! serial is revoked for every issuer of the list (serials are meant to be
//! unique across issuers; revoking one for all errs on the safe side).
//!
//! Every command that changes the list holds its lock ([`files::lock`]) from
//! the read to the rename, so that commands run at once are applied one after
//! the other and none is lost, and appends one line per change to the
//! journal `LIST.json.log` beside the list (JSON lines: `time` in UTC, the
//! new `sequence`, `action`, what changed, `user`, and `reason` and `file`
//! when given): every sequence number of the list appears in it.
//!
//! `revoke --from FILE` and `unrevoke --from FILE` change thousands of
//! serials in one read, one write and one sequence: the file is checked
//! whole first (a bad line refuses it, with its line number, before the list
//! is even locked), then one pass over the list finds which are there.

use crate::error::{CliError, Message, EXIT_USAGE};
use crate::files::{self, Locked};
use crate::{clock, i18n, keygen};
use cachet::certificate::{serial_is_valid, DocumentKind};
use cachet::keys::{KeyId, PublicKey};
use cachet::status_list::{RevokedSet, StatusListError};
use cachet::time::{format_rfc3339, Date};
use cachet::trust::{IssuerEntry, KeyStatus, TrustListBody, MAX_SIZE};
use cachet::Lang;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod status;

/// Edits and signs trust lists.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Adds an issuer key to LIST.json (creating the list if missing).
    Add(AddArgs),
    /// Revokes serials (for every issuer), status indices or an issuer key.
    Revoke(ChangeArgs),
    /// Withdraws a revocation made by mistake (same inputs as revoke); journaled in LIST.json.log.
    Unrevoke(ChangeArgs),
    /// Signs LIST.json with the root key into SIGNED.
    Sign(SignArgs),
    /// Names (or rotates, or renews) the online status key in LIST.json; the root's next `trust sign` delegates
    /// status signing to it.
    StatusKey(status::StatusKeyArgs),
    /// Signs a status document with the status key: `full` (every key's revoked indices) or `delta` (what
    /// changed since the last one published).
    Status(status::StatusArgs),
    /// Marks an issuer key compromised: only what it legitimately signed (the --allow files) stays valid.
    Compromise(status::CompromiseArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The unsigned list (created if missing).
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// The issuer's public key file.
    #[arg(long, value_name = "ISSUER.pub")]
    key: PathBuf,
    /// The issuer's name, shown to whoever verifies.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// First issue date the key may sign (default: today in Paris).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<String>,
    /// Last issue date the key may sign (default: FROM + 2 years - 1 day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<String>,
    /// A document kind the key may sign (repeatable; default: certificat-de-scolarite).
    #[arg(long = "kind", value_name = "KIND")]
    kinds: Vec<String>,
    /// The key's status index space: certificates it signs with `cachet issue --status` carry an index below N,
    /// and are revoked by index (`trust revoke --key-id --index`). Must be at least the issuer's capacity.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    status_capacity: Option<u32>,
}

/// What `revoke` and `unrevoke` change.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["serial", "key", "key_id", "from"])))]
pub struct ChangeArgs {
    /// The unsigned list.
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// A certificate serial, for every issuer of the list.
    #[arg(long, value_name = "SERIAL")]
    serial: Option<String>,
    /// An issuer's public key file: the key, and with it every certificate it signed.
    #[arg(long, value_name = "ISSUER.pub")]
    key: Option<PathBuf>,
    /// An issuer key id (16 hex digits): with --index, that key's certificate of that status index.
    #[arg(long, value_name = "KEY_ID", requires = "index")]
    key_id: Option<String>,
    /// A status index of the key --key-id (the certificate's `status` claim: printed by `issue`, and the
    /// `"status"` of `issue --csv`'s lines).
    #[arg(long, value_name = "N", requires = "key_id")]
    index: Option<u32>,
    /// A file of serials or KEY_ID:INDEX, one a line (`-`: standard input); blank lines and `#` comments are
    /// ignored. A bad line refuses the whole file; those already in the wanted state are skipped. One sequence
    /// for the whole file.
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Why, recorded in the journal LIST.json.log.
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The unsigned list (its sequence, issued_at and next_update are updated).
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// The root secret key file, or the root key in a hardware module (a `pkcs11:` URI, as `issue --key` takes).
    #[arg(long, value_name = "ROOT")]
    root: PathBuf,
    /// The signed list to write.
    #[arg(long, value_name = "SIGNED")]
    out: PathBuf,
    /// Days until the next update is due.
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3660))]
    valid_days: u32,
}

pub fn run(command: &Command, lang: Lang) -> Result<ExitCode, CliError> {
    match command {
        Command::Add(args) => add(args, lang),
        Command::Revoke(args) => change(args, Action::Revoke, lang),
        Command::Unrevoke(args) => change(args, Action::Unrevoke, lang),
        Command::Sign(args) => sign(args, lang),
        Command::StatusKey(args) => status::status_key(args, lang),
        Command::Status(args) => status::publish(args, lang),
        Command::Compromise(args) => status::compromise(args, lang),
    }
}

fn add(args: &AddArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let key = keygen::read_public_key(&args.key, lang)?;
    let name = args.name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(CliError::usage(Message::new("issuer-name-invalid")));
    }
    let from = match &args.from {
        Some(s) => parse_date("--from", s)?,
        None => clock::today_in_paris()?,
    };
    let until = match &args.until {
        Some(s) => parse_date("--until", s)?,
        None => two_years_after(from).ok_or_else(|| CliError::usage(Message::new("clock-invalid")))?,
    };
    if until < from {
        return Err(CliError::usage(Message::new("date-order").date("from", from).date("until", until)));
    }
    let kinds = if args.kinds.is_empty() {
        vec![DocumentKind::CertificatDeScolarite.name().to_owned()]
    } else {
        let mut kinds: Vec<String> = Vec::new();
        for k in &args.kinds {
            let kind = DocumentKind::from_name(k.trim()).ok_or_else(|| {
                let known: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.name()).collect();
                CliError::usage(Message::new("kind-unknown").arg("kind", k).arg("known", known.join(", ")))
            })?;
            if !kinds.iter().any(|x| x == kind.name()) {
                kinds.push(kind.name().to_owned());
            }
        }
        kinds
    };

    let list = files::lock(&args.list, lang)?;
    let created = !list.exists();
    let mut body = if created { TrustListBody::new() } else { load(&list, lang)? };
    let key_id = key.key_id().to_string();
    if let Some(e) = body.issuers.iter().find(|e| e.key_id == key_id || e.public_key == key.to_base64()) {
        return Err(CliError::refused(
            Message::new("key-already-listed")
                .arg("key_id", &key_id)
                .arg("path", args.list.display())
                .arg("name", &e.name),
        ));
    }
    body.issuers.push(IssuerEntry {
        key_id: key_id.clone(),
        name: name.to_owned(),
        public_key: key.to_base64(),
        valid_from: from.to_string(),
        valid_until: until.to_string(),
        kinds: kinds.clone(),
        status: KeyStatus::Active,
        status_capacity: args.status_capacity,
        ..IssuerEntry::default()
    });
    bump(&mut body, &args.list)?;
    let mut journal = Journal::new(&list, body.sequence, None);
    journal.push("add", Subject::Key(&key_id), None);
    save(&list, &body, &journal, lang)?;
    if created {
        println!("{}", Message::new("list-created").arg("path", args.list.display()).text(lang));
    }
    let done = Message::new("trust-added")
        .arg("key_id", key_id)
        .arg("name", name)
        .date("from", from)
        .date("until", until)
        .arg("kinds", kinds.iter().map(|k| i18n::kind(lang, k)).collect::<Vec<_>>().join(", "))
        .arg("sequence", body.sequence);
    println!("{}", done.text(lang));
    Ok(ExitCode::SUCCESS)
}

/// Revoking, or withdrawing a revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Revoke,
    Unrevoke,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Revoke => "revoke",
            Action::Unrevoke => "unrevoke",
        }
    }
}

/// One certificate to revoke or reinstate.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A serial, for every issuer.
    Serial(String),
    /// A status index of one issuer key; `line` is its line in a `--from` file.
    Index { key_id: String, index: u32, line: Option<usize> },
}

fn change(args: &ChangeArgs, action: Action, lang: Lang) -> Result<ExitCode, CliError> {
    // Everything that can be is checked before the list is locked: a bad
    // request never makes another command wait, and never changes anything.
    let reason = match &args.reason {
        Some(r) if r.trim().is_empty() || r.chars().any(char::is_control) => {
            return Err(CliError::usage(Message::new("reason-invalid")))
        }
        Some(r) => Some(r.trim()),
        None => None,
    };
    let key = args.key.as_deref().map(|path| keygen::read_public_key(path, lang)).transpose()?;
    // A key made active again trusts everything it signed, a thief's
    // signatures too if it was revoked for a leak: the journal must say why.
    if key.is_some() && action == Action::Unrevoke && reason.is_none() {
        return Err(CliError::usage(Message::new("reason-required")));
    }
    let items = match (&args.serial, &args.key_id, args.index, &args.from) {
        (Some(serial), ..) => {
            let serial = serial.trim();
            if !serial_is_valid(serial) {
                return Err(CliError::usage(Message::new("serial-invalid").arg("serial", serial)));
            }
            vec![Item::Serial(serial.to_owned())]
        }
        (None, Some(key_id), Some(index), _) => {
            let key_id = parse_key_id(key_id)
                .ok_or_else(|| CliError::usage(Message::new("key-id-invalid").arg("path", "--key-id")))?;
            vec![Item::Index { key_id, index, line: None }]
        }
        (None, None, None, Some(path)) => read_items(path, lang)?,
        _ => Vec::new(),
    };
    if key.is_none() && items.is_empty() {
        // clap requires one of --serial, --key, --key-id with --index, --from.
        return Err(CliError::usage(Message::new("serial-invalid").arg("serial", "")));
    }

    let list = lock_existing(&args.list, lang)?;
    let mut body = load(&list, lang)?;
    let mut journal = Journal::new(&list, body.sequence.saturating_add(1), reason);
    journal.file = args.from.as_ref().map(|p| p.display().to_string());

    if let Some(key) = key {
        return change_key(&list, &mut body, &mut journal, &key, action, lang);
    }
    let single = args.from.is_none();
    let serials: Vec<&str> = items
        .iter()
        .filter_map(|item| match item {
            Item::Serial(s) => Some(s.as_str()),
            Item::Index { .. } => None,
        })
        .collect();
    // Indices first: they can still be refused (a key not listed, an index
    // beyond its capacity), and the list must then stay as it is.
    let shown = args.from.as_deref().unwrap_or(Path::new("--index")).display().to_string();
    let (changed_indices, skipped_indices) =
        change_indices(&mut body, &items, action, (&args.list.display().to_string(), &shown), lang)?;
    let (changed_serials, skipped_serials) = change_serials(&mut body.revoked_serials, &serials, action);
    let changed = changed_serials.len() + changed_indices.len();
    let skipped = skipped_serials + skipped_indices;
    if changed == 0 {
        if single {
            let refusal = match (items.first(), action) {
                (Some(Item::Index { key_id, index, .. }), Action::Revoke) => {
                    Message::new("index-already-revoked").arg("key_id", key_id).arg("index", index)
                }
                (Some(Item::Index { key_id, index, .. }), Action::Unrevoke) => {
                    Message::new("index-not-revoked").arg("key_id", key_id).arg("index", index)
                }
                (_, Action::Revoke) => Message::new("serial-already-revoked").arg("serial", serials.join("")),
                (_, Action::Unrevoke) => Message::new("serial-not-revoked").arg("serial", serials.join("")),
            };
            return Err(CliError::refused(refusal));
        }
        let unchanged = Message::new("trust-unchanged").arg("skipped", skipped).arg("sequence", body.sequence);
        println!("{}", unchanged.text(lang));
        return Ok(ExitCode::SUCCESS);
    }
    bump(&mut body, &args.list)?;
    for serial in &changed_serials {
        journal.push(action.name(), Subject::Serial(serial), None);
    }
    for (key_id, index) in &changed_indices {
        journal.push(action.name(), Subject::Index(key_id, *index), None);
    }
    save(&list, &body, &journal, lang)?;
    let done = match (single, action, changed_serials.first(), changed_indices.first()) {
        (true, Action::Revoke, Some(serial), _) => Message::new("trust-revoked-serial").arg("serial", serial),
        (true, Action::Unrevoke, Some(serial), _) => Message::new("trust-unrevoked-serial").arg("serial", serial),
        (true, Action::Revoke, None, Some((key_id, index))) => {
            Message::new("trust-revoked-index").arg("key_id", key_id).arg("index", index)
        }
        (true, Action::Unrevoke, None, Some((key_id, index))) => {
            Message::new("trust-unrevoked-index").arg("key_id", key_id).arg("index", index)
        }
        (_, Action::Revoke, ..) => Message::new("trust-revoked-many").arg("changed", changed),
        (_, Action::Unrevoke, ..) => Message::new("trust-unrevoked-many").arg("changed", changed),
    };
    println!("{}", done.arg("skipped", skipped).arg("sequence", body.sequence).text(lang));
    Ok(ExitCode::SUCCESS)
}

/// Applies the [`Item::Index`] items to their keys' `revoked_indices`: each
/// key's set decoded once, changed once and coded again. Refuses, changing
/// nothing, an index of a key that is not listed, that has no
/// `status_capacity`, or that is beyond it (every such line named). Gives
/// the (key id, index) changed, in the items' order, and how many were
/// skipped (already in the wanted state, or repeated). `shown` names the
/// `--from` file in messages.
fn change_indices(
    body: &mut TrustListBody,
    items: &[Item],
    action: Action,
    (list, shown): (&str, &str),
    lang: Lang,
) -> Result<(Vec<(String, u32)>, usize), CliError> {
    let mut by_key: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut bad = Vec::new();
    let mut total = 0;
    for item in items {
        let Item::Index { key_id, index, line } = item else { continue };
        total += 1;
        let entry = body.issuers.iter().find(|e| e.key_id == *key_id);
        let problem = match entry.map(|e| e.status_capacity) {
            None => Some(Message::new("key-not-listed").arg("key_id", key_id).arg("path", list)),
            Some(None) => Some(Message::new("status-capacity-missing").arg("key_id", key_id)),
            Some(Some(capacity)) if *index >= capacity => Some(
                Message::new("status-index-beyond-capacity")
                    .arg("key_id", key_id)
                    .arg("index", index)
                    .arg("capacity", capacity),
            ),
            Some(Some(_)) => None,
        };
        match (problem, line) {
            (None, _) => by_key.entry(key_id.as_str()).or_default().push(*index),
            (Some(problem), Some(line)) => bad.push(
                Message::new("revocation-line-index")
                    .arg("path", shown)
                    .arg("line", line)
                    .arg("value", format!("{key_id}:{index}"))
                    .arg("detail", problem.text(lang)),
            ),
            (Some(problem), None) => bad.push(problem),
        }
    }
    if !bad.is_empty() {
        return Err(refuse_lines(bad, shown, items.iter().any(|i| matches!(i, Item::Index { line: Some(_), .. }))));
    }
    let mut changed: Vec<(String, u32)> = Vec::new();
    for (key_id, wanted) in by_key {
        let Some(entry) = body.issuers.iter_mut().find(|e| e.key_id == key_id) else { continue };
        let capacity = entry.status_capacity.unwrap_or_default();
        let set = match &entry.revoked_indices {
            Some(text) => RevokedSet::decode(text, capacity),
            None => RevokedSet::empty(capacity),
        }
        .map_err(|e| indices_error(list, &entry.key_id, e))?;
        let mut seen = HashSet::with_capacity(wanted.len());
        let picked: Vec<u32> = wanted
            .into_iter()
            .filter(|i| seen.insert(*i) && set.contains(*i) == (action == Action::Unrevoke))
            .collect();
        if picked.is_empty() {
            continue;
        }
        let new = match action {
            Action::Revoke => set.with_changes(&picked, &[]),
            Action::Unrevoke => set.with_changes(&[], &picked),
        }
        .map_err(|e| indices_error(list, &entry.key_id, e))?;
        entry.revoked_indices = if new.is_empty() { None } else { Some(new.encode()) };
        changed.extend(picked.into_iter().map(|i| (key_id.to_owned(), i)));
    }
    // In the items' order, for the journal.
    let order: HashMap<(&str, u32), usize> = items
        .iter()
        .enumerate()
        .filter_map(|(n, item)| match item {
            Item::Index { key_id, index, .. } => Some(((key_id.as_str(), *index), n)),
            Item::Serial(_) => None,
        })
        .rev()
        .collect();
    changed.sort_by_key(|(k, i)| order.get(&(k.as_str(), *i)).copied().unwrap_or(usize::MAX));
    let skipped = total - changed.len();
    Ok((changed, skipped))
}

/// A key's `revoked_indices` that the core refuses.
fn indices_error(list: &str, key_id: &str, error: StatusListError) -> CliError {
    CliError::usage(
        Message::new(error.trust_code()).arg("path", format!("{list} ({key_id})")).arg("detail", error.code()),
    )
}

/// A key id as written in a list: 16 lowercase hex digits.
fn parse_key_id(text: &str) -> Option<String> {
    KeyId::parse(text.trim()).ok().map(|k| k.to_string())
}

/// Adds (revoke) or removes (unrevoke) `wanted` in `revoked`, in one pass
/// over the list whatever the number wanted. Gives the serials changed, in
/// `wanted`'s order, and how many were skipped (already in the wanted state,
/// or repeated).
fn change_serials(revoked: &mut Vec<String>, wanted: &[&str], action: Action) -> (Vec<String>, usize) {
    let mut seen: HashSet<&str> = HashSet::with_capacity(wanted.len());
    let unique: Vec<&str> = wanted.iter().copied().filter(|s| seen.insert(s)).collect();
    let changed: Vec<String> = match action {
        Action::Revoke => {
            for s in revoked.iter() {
                seen.remove(s.as_str());
            }
            let new: Vec<String> = unique.iter().filter(|s| seen.contains(*s)).map(|s| (*s).to_owned()).collect();
            revoked.extend(new.iter().cloned());
            new
        }
        Action::Unrevoke => {
            let mut found: HashSet<&str> = HashSet::with_capacity(unique.len());
            revoked.retain(|s| match seen.get(s.as_str()) {
                Some(w) => {
                    found.insert(w);
                    false
                }
                None => true,
            });
            unique.iter().filter(|s| found.contains(*s)).map(|s| (*s).to_owned()).collect()
        }
    };
    let skipped = wanted.len() - changed.len();
    (changed, skipped)
}

fn change_key(
    list: &Locked,
    body: &mut TrustListBody,
    journal: &mut Journal<'_>,
    key: &PublicKey,
    action: Action,
    lang: Lang,
) -> Result<ExitCode, CliError> {
    let key_id = key.key_id().to_string();
    let Some(entry) = body.issuers.iter_mut().find(|e| e.key_id == key_id) else {
        return Err(CliError::refused(
            Message::new("key-not-listed").arg("key_id", key_id).arg("path", list.path.display()),
        ));
    };
    let (from, to, code_if_same, done) = match action {
        Action::Revoke => (KeyStatus::Active, KeyStatus::Revoked, "key-already-revoked", "trust-revoked-key"),
        Action::Unrevoke => (KeyStatus::Revoked, KeyStatus::Active, "key-not-revoked", "trust-unrevoked-key"),
    };
    if entry.status != from {
        return Err(CliError::refused(Message::new(code_if_same).arg("key_id", key_id)));
    }
    entry.status = to;
    let name = entry.name.clone();
    bump(body, &list.path)?;
    journal.push(action.name(), Subject::Key(&key_id), None);
    save(list, body, journal, lang)?;
    let done = Message::new(done).arg("key_id", key_id).arg("name", name).arg("sequence", body.sequence);
    println!("{}", done.text(lang));
    Ok(ExitCode::SUCCESS)
}

/// The most bad lines named one by one; the count says how many in all.
const BAD_LINES_SHOWN: usize = 20;

/// Reads a `--from` file: one serial a line, blank lines and `#` comments
/// ignored. Any bad line refuses the whole file, each named by its number.
fn read_items(path: &Path, lang: Lang) -> Result<Vec<Item>, CliError> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(Message::new("stdin-read").arg("reason", crate::i18n::io_reason(lang, &e))))?;
        text
    } else {
        files::read_text(path, lang)?
    };
    let shown = path.display();
    let mut items = Vec::new();
    let mut bad = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        match parse_item(line, n + 1) {
            Ok(item) => items.push(item),
            Err(message) => bad.push(message.arg("path", &shown).arg("line", n + 1).arg("value", line)),
        }
    }
    if !bad.is_empty() {
        return Err(refuse_lines(bad, &shown.to_string(), true));
    }
    if items.is_empty() {
        return Err(CliError::usage(Message::new("revocation-file-empty").arg("path", shown)));
    }
    Ok(items)
}

/// Refuses a request for its bad lines: the first [`BAD_LINES_SHOWN`] named,
/// then, for a file, how many in all.
fn refuse_lines(bad: Vec<Message>, shown: &str, file: bool) -> CliError {
    let count = bad.len();
    let mut messages: Vec<Message> = bad.into_iter().take(BAD_LINES_SHOWN).collect();
    if file {
        messages.push(Message::new("revocation-file-refused").arg("path", shown).arg("count", count));
    }
    CliError { messages, exit: EXIT_USAGE }
}

/// One line of a `--from` file, trimmed and without its comment: a serial
/// (which never holds a colon), or `KEY_ID:INDEX`.
fn parse_item(line: &str, number: usize) -> Result<Item, Message> {
    if let Some((key_id, index)) = line.split_once(':') {
        let key_id = parse_key_id(key_id).filter(|_| key_id.trim().len() == 16);
        let index = index.trim().parse::<u32>().ok().filter(|_| index.trim().bytes().all(|b| b.is_ascii_digit()));
        return match (key_id, index) {
            (Some(key_id), Some(index)) => Ok(Item::Index { key_id, index, line: Some(number) }),
            _ => Err(Message::new("revocation-line-invalid")),
        };
    }
    if serial_is_valid(line) {
        Ok(Item::Serial(line.to_owned()))
    } else {
        Err(Message::new("revocation-line-invalid"))
    }
}

fn sign(args: &SignArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let root = crate::signer::Signer::open(&args.root, lang)?;
    // A link to nothing is refused before the list is changed.
    files::resolve(&args.out, lang)?;
    let list = lock_existing(&args.list, lang)?;
    let mut body = load(&list, lang)?;
    let now = clock::now();
    body.issued_at = format_rfc3339(now);
    body.next_update = format_rfc3339(now + i64::from(args.valid_days) * 86_400);
    bump(&mut body, &args.list)?;
    let list_json = to_json(&body);
    // Sign first: a list the core refuses (as a verifier would) is neither
    // signed nor rewritten.
    let signed = root.sign_list(&list_json, &args.list)?;
    let mut journal = Journal::new(&list, body.sequence, None);
    journal.push("sign", Subject::Root(&root.key_id().to_string()), Some(&body.next_update));
    list.replace(list_json.as_bytes(), Some((&journal.path, &journal.lines)), lang)?;
    files::write_atomic(&args.out, signed.as_bytes(), lang)?;
    let mut lines = vec![
        Message::new("signed-sequence").arg("sequence", body.sequence),
        Message::new("signed-root").arg("key_id", root.key_id()),
        Message::new("signed-validity").instant("issued_at", &body.issued_at).instant("next_update", &body.next_update),
    ];
    for e in &body.issuers {
        let status = match e.status {
            KeyStatus::Active => "status-active",
            KeyStatus::Revoked => "status-revoked",
            KeyStatus::Compromised => "status-compromised",
        };
        lines.push(
            Message::new("signed-issuer")
                .arg("key_id", &e.key_id)
                .arg("name", &e.name)
                .arg("status", Message::new(status).text(lang)),
        );
        if e.status != KeyStatus::Active {
            // What a key signed lasts at most until 1 September of the year
            // after its `valid_until` (docs/TRUST.md, "Roles"): then nothing
            // it signed counts any more, and its entry can go.
            if let Some(date) = Date::parse(&e.valid_until).and_then(|u| Date::new(u.year() + 1, 9, 1)) {
                if date <= Date::of_instant(now).unwrap_or(date) {
                    lines.push(Message::new("signed-droppable").date("date", date));
                }
            }
        }
        if let Some(capacity) = e.status_capacity {
            // sign_list checked every set: it decodes.
            let count =
                e.revoked_indices.as_deref().map_or(0, |t| RevokedSet::decode(t, capacity).map_or(0, |s| s.len()));
            lines.push(Message::new("signed-indices").arg("count", count).arg("capacity", capacity));
        }
    }
    lines.push(Message::new("signed-serials").arg("count", body.revoked_serials.len()));
    lines.push(Message::new("signed-out").arg("path", args.out.display()));
    for line in lines {
        println!("{}", line.text(lang));
    }
    Ok(ExitCode::SUCCESS)
}

/// Locks a list that must already exist; a missing one is a read error, and
/// leaves no lock file behind.
fn lock_existing(path: &Path, lang: Lang) -> Result<Locked, CliError> {
    let real = files::resolve(path, lang)?;
    if let Err(e) = std::fs::metadata(&real) {
        return Err(CliError::read(path, &e, lang));
    }
    files::lock(path, lang)
}

/// Reads the locked `LIST.json`.
fn load(list: &Locked, lang: Lang) -> Result<TrustListBody, CliError> {
    let text = list.read_text(lang)?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::usage(Message::new("trust-list-json").arg("path", list.path.display()).arg("detail", e)))
}

/// Bumps the sequence and checks the list as a verifier would. The revoked
/// serials are set aside during the check: it would copy every one of them
/// into a set, while each serial is checked when it is added.
fn bump(body: &mut TrustListBody, path: &Path) -> Result<(), CliError> {
    body.sequence = body
        .sequence
        .checked_add(1)
        .ok_or_else(|| CliError::usage(Message::new("sequence-overflow").arg("path", path.display())))?;
    let serials = std::mem::take(&mut body.revoked_serials);
    // Every key checked whole: a verifier makes a key's torsion check at its first use only.
    let checked = body.check(KeyId([0; 8])).and_then(|list| list.check_issuer_keys());
    body.revoked_serials = serials;
    checked.map_err(|e| CliError::trust(path, &e))?;
    Ok(())
}

fn to_json(body: &TrustListBody) -> String {
    // Serializing plain strings and numbers cannot fail.
    let mut json = serde_json::to_string_pretty(body).unwrap_or_default();
    json.push('\n');
    json
}

/// Writes the list and its journal lines (see [`Locked::replace`]), and
/// warns when the list has grown past what a verifier accepts once signed.
fn save(list: &Locked, body: &TrustListBody, journal: &Journal<'_>, lang: Lang) -> Result<(), CliError> {
    let json = to_json(body);
    list.replace(json.as_bytes(), Some((&journal.path, &journal.lines)), lang)?;
    // The signed file adds the root's signature (about 200 bytes) to these bytes.
    if json.len() + 1024 > MAX_SIZE {
        let warning = Message::new("list-near-size-limit")
            .arg("path", list.path.display())
            .arg("size", json.len())
            .arg("limit", MAX_SIZE);
        crate::error::note(&warning.text(lang));
    }
    Ok(())
}

/// What a journal line is about.
enum Subject<'a> {
    Serial(&'a str),
    Key(&'a str),
    Index(&'a str, u32),
    Root(&'a str),
    /// The status key named, and the end of its delegation.
    StatusKey(&'a str, &'a str),
    /// A status document published, by its sequence.
    Status(u64),
}

/// One line of `LIST.json.log`.
#[derive(Serialize)]
struct JournalLine<'a> {
    time: &'a str,
    sequence: u64,
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    root: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_update: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_sequence: Option<u64>,
    user: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
}

/// The journal lines of one change (one sequence).
struct Journal<'a> {
    path: PathBuf,
    time: String,
    sequence: u64,
    user: String,
    reason: Option<&'a str>,
    file: Option<String>,
    lines: String,
}

impl<'a> Journal<'a> {
    /// The journal beside the real list, for the change that makes `sequence`.
    fn new(list: &Locked, sequence: u64, reason: Option<&'a str>) -> Journal<'a> {
        Journal {
            path: files::with_suffix(&list.real, ".log"),
            time: format_rfc3339(clock::now()),
            sequence,
            user: operator(),
            reason,
            file: None,
            lines: String::new(),
        }
    }

    fn push(&mut self, action: &str, subject: Subject<'_>, next_update: Option<&str>) {
        let (mut expires, mut status_sequence) = (None, None);
        let (serial, key_id, index, root) = match subject {
            Subject::Serial(s) => (Some(s), None, None, None),
            Subject::Key(k) => (None, Some(k), None, None),
            Subject::Index(k, i) => (None, Some(k), Some(i), None),
            Subject::Root(r) => (None, None, None, Some(r)),
            Subject::StatusKey(k, e) => {
                expires = Some(e);
                (None, Some(k), None, None)
            }
            Subject::Status(n) => {
                status_sequence = Some(n);
                (None, None, None, None)
            }
        };
        let line = JournalLine {
            time: &self.time,
            sequence: self.sequence,
            action,
            serial,
            key_id,
            index,
            root,
            next_update,
            expires,
            status_sequence,
            user: &self.user,
            reason: self.reason,
            file: self.file.as_deref(),
        };
        // Strings and numbers always serialize.
        self.lines.push_str(&serde_json::to_string(&line).unwrap_or_default());
        self.lines.push('\n');
    }
}

/// Who runs the command, as the login session says (`USER`, else `LOGNAME`).
fn operator() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "?".to_owned())
}

fn parse_date(option: &str, value: &str) -> Result<Date, CliError> {
    Date::parse(value.trim())
        .ok_or_else(|| CliError::usage(Message::new("date-invalid").arg("option", option).arg("value", value)))
}

/// The day before the same date two years later (29 February gives 28 February).
fn two_years_after(from: Date) -> Option<Date> {
    let same_day = Date::new(from.year() + 2, from.month(), from.day()).or_else(|| Date::new(from.year() + 2, 3, 1))?;
    Date::from_days_since_epoch(same_day.days_since_epoch() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_valid_two_years_by_default() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(two_years_after(d("2025-09-01")), Some(d("2027-08-31")));
        assert_eq!(two_years_after(d("2024-02-29")), Some(d("2026-02-28")));
        assert_eq!(two_years_after(d("2025-01-01")), Some(d("2026-12-31")));
    }
}
