//! `cachet trust status-key | status full | status delta | compromise`:
//! delegating status signing to an online key, publishing signed status
//! documents, and marking an issuer key compromised (docs/TRUST.md, "Status
//! documents" and "A compromised issuer key").
//!
//! `status full` and `status delta` read `LIST.json` under its lock (the
//! revocations of `trust revoke`, which journals them) and keep, beside it,
//! `LIST.json.published.json`: the sequence of the last status document and
//! the revoked indices it gave. A delta is the difference between the list
//! and that record; a full document gives every set. The record is written
//! (and the publication journaled in `LIST.json.log`) before the document,
//! so that no sequence is ever given to two different documents.

use super::{bump, load, lock_existing, parse_key_id, save, Journal, Subject};
use crate::error::{CliError, Message};
use crate::files;
use crate::{clock, keygen};
use cachet::certificate::decode_claims;
use cachet::keys::{KeyId, PublicKey};
use cachet::status_doc::{sign_status, KeyEntry, Kind, StatusBody, StatusDocument};
use cachet::status_list::{AllowList, RevokedSet, DEFAULT_ALLOW_BITS, MAX_ALLOW_BITS, MIN_ALLOW_BITS};
use cachet::time::{format_rfc3339, Date, Timestamp};
use cachet::trust::{KeyStatus, StatusKeyEntry, TrustListBody};
use cachet::{envelope, text, Lang};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct StatusKeyArgs {
    /// The unsigned list.
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// The status key's public key file (made by `cachet keygen`; its secret stays on the publishing machine).
    #[arg(long, value_name = "STATUS.pub")]
    key: PathBuf,
    /// Days the delegation lasts from now: past them, verifiers refuse what the key signed until the root signs
    /// a list that renews it.
    #[arg(long, value_name = "N", default_value_t = 45, value_parser = clap::value_parser!(u32).range(1..=400))]
    valid_days: u32,
}

/// Which status document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// Every key's revoked indices.
    Full,
    /// The indices revoked and withdrawn since the last document published.
    Delta,
    /// Both, at one new sequence, into the folder verifiers fetch from (`--dir`): the day's delta, a full
    /// document of the same state, and `index.json` naming them and the deltas kept.
    Publish,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// full or delta.
    #[arg(value_enum)]
    which: Which,
    /// The unsigned list (read, not changed).
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// The status key's secret key file: the key the list names in `status_key`.
    #[arg(long, value_name = "STATUS.key")]
    key: PathBuf,
    /// The signed status document to write (`full`, `delta`).
    #[arg(long, value_name = "FILE", required_unless_present = "dir", conflicts_with = "dir")]
    out: Option<PathBuf>,
    /// The published folder (`publish`): `index.json`, `full-N.json`, `delta-N.json`, served beside the
    /// trust list (config.json's `status`).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Deltas kept in the published folder (`publish`): a device that last updated longer ago fetches the
    /// full document.
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=400))]
    keep: u32,
    /// Hours the document is accepted by verifiers.
    #[arg(long, value_name = "N", default_value_t = 48, value_parser = clap::value_parser!(u32).range(1..=2000))]
    valid_hours: u32,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which_key").required(true).args(["key", "key_id"])))]
pub struct CompromiseArgs {
    /// The unsigned list.
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// The compromised issuer's public key file.
    #[arg(long, value_name = "ISSUER.pub")]
    key: Option<PathBuf>,
    /// Or its key id (16 hex digits).
    #[arg(long, value_name = "KEY_ID")]
    key_id: Option<String>,
    /// What the key legitimately signed (repeatable): the output of `cachet issue --csv` (JSON lines with a
    /// "token"), or tokens or verifier URLs one a line; `#` comments and blank lines ignored. Everything else
    /// the key signed is refused (issuer-key-compromised).
    #[arg(long = "allow", value_name = "FILE", required = true)]
    allow: Vec<PathBuf>,
    /// False acceptance 2^-N for a payload not listed (32 to 64).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ALLOW_BITS,
          value_parser = clap::value_parser!(u8).range(i64::from(MIN_ALLOW_BITS)..=i64::from(MAX_ALLOW_BITS)))]
    bits: u8,
    /// Why, recorded in the journal LIST.json.log.
    #[arg(long, value_name = "TEXT", required = true)]
    reason: String,
}

pub fn status_key(args: &StatusKeyArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let key = keygen::read_public_key(&args.key, lang)?;
    let list = lock_existing(&args.list, lang)?;
    let mut body = load(&list, lang)?;
    let expires = format_rfc3339(clock::now() + i64::from(args.valid_days) * 86_400);
    let previous = body.status_key.replace(StatusKeyEntry {
        key_id: key.key_id().to_string(),
        public_key: key.to_base64(),
        expires: expires.clone(),
    });
    bump(&mut body, &args.list)?;
    let mut journal = Journal::new(&list, body.sequence, None);
    journal.push("status-key", Subject::StatusKey(&key.key_id().to_string(), &expires), None);
    save(&list, &body, &journal, lang)?;
    let code = match previous {
        Some(p) if p.key_id != key.key_id().to_string() => "status-key-rotated",
        Some(_) => "status-key-renewed",
        None => "status-key-set",
    };
    let done =
        Message::new(code).arg("key_id", key.key_id()).instant("expires", &expires).arg("sequence", body.sequence);
    println!("{}", done.text(lang));
    Ok(ExitCode::SUCCESS)
}

/// The value of the publication record's `format`.
const PUBLISHED_FORMAT: &str = "cachet-status-published/1";

/// `LIST.json.published.json`: the last status document published and the
/// revoked indices it left verifiers with.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Published {
    format: String,
    sequence: u64,
    /// Key id → `revoked_indices` text (absent: none).
    keys: BTreeMap<String, String>,
}

/// Every key with a `status_capacity`: its id, capacity and set.
fn current_sets(body: &TrustListBody, list: &str) -> Result<Vec<(String, RevokedSet)>, CliError> {
    let mut sets = Vec::new();
    for e in &body.issuers {
        let Some(capacity) = e.status_capacity else { continue };
        let set = e
            .revoked_indices
            .as_deref()
            .map_or_else(|| RevokedSet::empty(capacity), |t| RevokedSet::decode(t, capacity))
            .map_err(|error| super::indices_error(list, &e.key_id, error))?;
        sets.push((e.key_id.clone(), set));
    }
    Ok(sets)
}

pub fn publish(args: &StatusArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let key = keygen::read_secret_key(&args.key, lang)?;
    let target = match (args.which, &args.out, &args.dir) {
        (Which::Publish, _, Some(dir)) => Target::Dir(dir),
        (Which::Full | Which::Delta, Some(out), _) => {
            files::resolve(out, lang)?;
            Target::File(out)
        }
        (Which::Publish, _, None) => {
            return Err(CliError::usage(Message::new("status-publish-needs-dir")));
        }
        (Which::Full | Which::Delta, None, _) => {
            return Err(CliError::usage(Message::new("status-needs-out")));
        }
    };
    // The list's lock serialises publications with each other and with revocations.
    let list = lock_existing(&args.list, lang)?;
    let body = load(&list, lang)?;
    let shown = args.list.display().to_string();
    match &body.status_key {
        Some(s) if s.key_id == key.key_id().to_string() => {}
        Some(s) => {
            return Err(CliError::refused(
                Message::new("status-key-not-listed").arg("key_id", key.key_id()).arg("listed", &s.key_id),
            ))
        }
        None => return Err(CliError::refused(Message::new("status-key-none").arg("path", &shown))),
    }
    let record_path = files::with_suffix(&list.real, ".published.json");
    let record_file = files::lock(&record_path, lang)?;
    let record: Option<Published> = if record_file.exists() {
        let text = record_file.read_text(lang)?;
        let p: Published = serde_json::from_str(&text).map_err(|e| {
            CliError::usage(Message::new("status-record-invalid").arg("path", record_path.display()).arg("detail", e))
        })?;
        if p.format != PUBLISHED_FORMAT {
            return Err(CliError::usage(
                Message::new("status-record-invalid").arg("path", record_path.display()).arg("detail", &p.format),
            ));
        }
        Some(p)
    } else {
        None
    };
    let index = match target {
        Target::Dir(dir) => Some(read_index(dir, lang)?),
        Target::File(_) => None,
    };
    let sets = current_sets(&body, &shown)?;
    let sequence = record.as_ref().map_or(1, |r| r.sequence + 1);
    let now = clock::now();
    let trust = body.check(KeyId([0; 8])).map_err(|e| CliError::trust(&args.list, &e))?;
    trust.check_issuer_keys().map_err(|e| CliError::trust(&args.list, &e))?;
    // Signed and read back as a verifier of this list would: what it would refuse is not published.
    let sign = |kind: Kind,
                scope: Option<&str>,
                keys: Vec<KeyEntry>,
                shown_path: &str|
     -> Result<(String, StatusBody), CliError> {
        let doc = StatusBody {
            kind,
            sequence,
            base: match kind {
                Kind::Full => None,
                Kind::Delta => record.as_ref().map(|r| r.sequence),
            },
            scope: scope.map(str::to_owned),
            issued_at: format_rfc3339(now),
            expires: format_rfc3339(now + i64::from(args.valid_hours) * 3600),
            keys,
        };
        let signed = sign_status(&key, &doc);
        StatusDocument::load(signed.as_bytes(), &trust, now).map_err(|e| {
            CliError::usage(
                Message::new(e.code()).arg("path", shown_path).arg("detail", crate::i18n::status_detail(lang, &e)),
            )
        })?;
        Ok((signed, doc))
    };
    // (kind, document, its body, changes counted, where it goes)
    let mut documents: Vec<(String, StatusBody, usize, PathBuf)> = Vec::new();
    let wants_full = matches!(args.which, Which::Full | Which::Publish);
    let wants_delta = match (args.which, &record) {
        (Which::Delta, None) => {
            return Err(CliError::refused(Message::new("status-no-full-yet").arg("path", &shown)));
        }
        (Which::Delta, Some(_)) | (Which::Publish, Some(_)) => true,
        _ => false,
    };
    if let (true, Some(r)) = (wants_delta, &record) {
        let (keys, changed) = delta_entries(&sets, r, &shown)?;
        let path = match target {
            Target::Dir(dir) => dir.join(format!("delta-{sequence}.json")),
            Target::File(out) => out.to_owned(),
        };
        let (signed, doc) = sign(Kind::Delta, None, keys, &path.display().to_string())?;
        documents.push((signed, doc, changed, path));
    }
    if wants_full {
        let changed = sets.iter().map(|(_, s)| s.len()).sum();
        let keys = sets
            .iter()
            .map(|(kid, set)| KeyEntry {
                key_id: kid.clone(),
                revoked_indices: (!set.is_empty()).then(|| set.encode()),
                ..KeyEntry::default()
            })
            .collect();
        let path = match target {
            Target::Dir(dir) => dir.join(format!("full-{sequence}.json")),
            Target::File(out) => out.to_owned(),
        };
        let (signed, doc) = sign(Kind::Full, None, keys, &path.display().to_string())?;
        documents.push((signed, doc, changed, path));
    }
    // In the published folder, the same state key by key: what a first visit fetches before its verdict
    // (its certificate's key's part, a thirtieth of the whole at national scale).
    let mut scoped: Vec<(String, PathBuf)> = Vec::new();
    if let Target::Dir(dir) = target {
        for (kid, set) in &sets {
            let entry = KeyEntry {
                key_id: kid.clone(),
                revoked_indices: (!set.is_empty()).then(|| set.encode()),
                ..KeyEntry::default()
            };
            let path = dir.join(format!("full-{sequence}-{kid}.json"));
            let (signed, _) = sign(Kind::Full, Some(kid), vec![entry], &path.display().to_string())?;
            scoped.push((signed, path));
        }
    }
    let published = Published {
        format: PUBLISHED_FORMAT.to_owned(),
        sequence,
        keys: sets.iter().filter(|(_, s)| !s.is_empty()).map(|(k, s)| (k.clone(), s.encode())).collect(),
    };
    let mut record_json = serde_json::to_string_pretty(&published).unwrap_or_default();
    record_json.push('\n');
    let mut journal = Journal::new(&list, body.sequence, None);
    let action = match args.which {
        Which::Full => "status-full",
        Which::Delta => "status-delta",
        Which::Publish => "status-publish",
    };
    journal.push(action, Subject::Status(sequence), None);
    // The record first: a sequence is never given to two different documents, even after a crash here.
    record_file.replace(record_json.as_bytes(), Some((&journal.path, &journal.lines)), lang)?;
    let written = documents.iter().map(|(signed, _, _, path)| (signed, path));
    for (signed, path) in written.chain(scoped.iter().map(|(signed, path)| (signed, path))) {
        // In the published folder, `NAME.gz` beside each document, which nginx's gzip_static and Caddy's
        // `precompressed gzip` send to browsers (deploy/), a quarter smaller (base64url of a coded set:
        // 6 bits a character). A compressed copy of an older document of the same name (a lost record
        // reuses sequences) goes first: the servers would send it in place of the new one.
        if let Target::Dir(_) = target {
            remove_compressed(path, lang)?;
        }
        files::write_atomic(path, signed.as_bytes(), lang)?;
        if let (Target::Dir(_), Some(packed)) = (target, gzip(signed.as_bytes())) {
            files::write_atomic(&files::with_suffix(path, ".gz"), &packed, lang)?;
        }
    }
    if let (Target::Dir(dir), Some(mut index)) = (target, index) {
        // A delta whose base is not the last one listed (a publication lost in a crash, or `full`/`delta
        // --out` used in between) starts a new chain: devices before it fetch the full document.
        if let Some(delta) = documents.iter().find(|d| d.1.kind == Kind::Delta) {
            if index.deltas.last().map(|d| d.sequence) != delta.1.base {
                index.deltas.clear();
            }
            index.deltas.push(IndexDelta {
                sequence,
                base: delta.1.base.unwrap_or_default(),
                file: format!("delta-{sequence}.json"),
            });
        } else {
            index.deltas.clear();
        }
        let keep = args.keep as usize;
        if index.deltas.len() > keep {
            index.deltas.drain(..index.deltas.len() - keep);
        }
        index.format = INDEX_FORMAT.to_owned();
        index.sequence = sequence;
        index.full = format!("full-{sequence}.json");
        index.per_key = Some(format!("full-{sequence}-{{key_id}}.json"));
        index.expires = documents.last().map(|d| d.1.expires.clone()).unwrap_or_default();
        let mut text = serde_json::to_string_pretty(&index).unwrap_or_default();
        text.push('\n');
        // The index is sent as it is (the servers gzip it as they send it): a compressed copy
        // beside it, left by hand or by a script, would hide every later publication.
        remove_compressed(&dir.join(INDEX_FILE), lang)?;
        files::write_atomic(&dir.join(INDEX_FILE), text.as_bytes(), lang)?;
        remove_unlisted(dir, &index);
    }
    for (signed, doc, changed, path) in &documents {
        let done = Message::new(match doc.kind {
            Kind::Full => "status-published-full",
            Kind::Delta => "status-published-delta",
        })
        .arg("sequence", sequence)
        .arg("base", doc.base.map(|b| b.to_string()).unwrap_or_default())
        .arg("count", changed)
        .arg("size", signed.len())
        .instant("expires", &doc.expires)
        .arg("path", path.display());
        println!("{}", done.text(lang));
    }
    Ok(ExitCode::SUCCESS)
}

/// Where `status` writes: one file (`full`, `delta`) or the published folder (`publish`).
#[derive(Clone, Copy)]
enum Target<'a> {
    File(&'a PathBuf),
    Dir(&'a PathBuf),
}

/// Each key's indices revoked and withdrawn since the record `r`, and how many changes.
fn delta_entries(
    sets: &[(String, RevokedSet)],
    r: &Published,
    shown: &str,
) -> Result<(Vec<KeyEntry>, usize), CliError> {
    let mut entries = Vec::new();
    let mut changed = 0usize;
    for (kid, set) in sets {
        let before = match r.keys.get(kid) {
            Some(t) => {
                RevokedSet::decode(t, set.capacity()).map_err(|error| super::indices_error(shown, kid, error))?
            }
            None => RevokedSet::empty(set.capacity()).map_err(|error| super::indices_error(shown, kid, error))?,
        };
        let added: Vec<u32> = set.iter().filter(|i| !before.contains(*i)).collect();
        let removed: Vec<u32> = before.iter().filter(|i| !set.contains(*i)).collect();
        if added.is_empty() && removed.is_empty() {
            continue;
        }
        changed += added.len() + removed.len();
        let code = |v: &[u32]| -> Result<Option<String>, CliError> {
            if v.is_empty() {
                return Ok(None);
            }
            let s = RevokedSet::from_sorted(v, set.capacity()).map_err(|e| super::indices_error(shown, kid, e))?;
            Ok(Some(s.encode()))
        };
        entries.push(KeyEntry {
            key_id: kid.clone(),
            added: code(&added)?,
            removed: code(&removed)?,
            ..KeyEntry::default()
        });
    }
    Ok((entries, changed))
}

/// The published folder's index: what a verifier reads first (docs/TRUST.md, "Publishing status documents").
const INDEX_FILE: &str = "index.json";
/// The value of the index's `format`.
const INDEX_FORMAT: &str = "cachet-status-index/1";

/// `DIR/index.json`. Not signed: the documents it names are, and a verifier
/// refuses an older status than it holds; a wrong index can only withhold
/// updates, which the documents' short validity bounds.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusIndex {
    format: String,
    /// The sequence of the last publication.
    sequence: u64,
    /// When its documents expire.
    expires: String,
    /// The full document of that sequence.
    full: String,
    /// The same, one document per issuer key (scoped): `{key_id}` stands for the key's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    per_key: Option<String>,
    /// The deltas kept, oldest first, each on the one before.
    deltas: Vec<IndexDelta>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexDelta {
    sequence: u64,
    base: u64,
    file: String,
}

/// The folder's index, or an empty one for a new folder (created).
fn read_index(dir: &std::path::Path, lang: Lang) -> Result<StatusIndex, CliError> {
    std::fs::create_dir_all(dir).map_err(|e| CliError::write(dir, &e, lang))?;
    let path = dir.join(INDEX_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let index: StatusIndex = serde_json::from_str(&text).map_err(|e| {
                CliError::usage(Message::new("status-index-invalid").arg("path", path.display()).arg("detail", e))
            })?;
            if index.format != INDEX_FORMAT {
                return Err(CliError::usage(
                    Message::new("status-index-invalid").arg("path", path.display()).arg("detail", &index.format),
                ));
            }
            Ok(index)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StatusIndex::default()),
        Err(e) => Err(CliError::read(&path, &e, lang)),
    }
}

/// Removes `path.gz` and `path.br`, if any: the copies a server would send in place of `path`.
/// One that exists and cannot be removed is an error, as a write would be.
fn remove_compressed(path: &std::path::Path, lang: Lang) -> Result<(), CliError> {
    for ext in [".gz", ".br"] {
        let copy = files::with_suffix(path, ext);
        match std::fs::remove_file(&copy) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(CliError::write(&copy, &e, lang)),
            _ => {}
        }
    }
    Ok(())
}

/// `bytes` gzipped at level 9, as `cargo xtask site` writes the page's `.gz` (into memory: it
/// cannot fail, and if it did the document would only be served uncompressed).
fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).ok()?;
    enc.finish().ok()
}

/// Removes the `full-N.json` and `delta-N.json` the index no longer names,
/// and their `.gz` and `.br` (nothing else in the folder is touched). A file that cannot be removed
/// stays: it is only unused.
fn remove_unlisted(dir: &std::path::Path, index: &StatusIndex) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        // A document's `.gz` (or a `.br` put there by hand) goes with it.
        let name =
            file_name.strip_suffix(".gz").or_else(|| file_name.strip_suffix(".br")).unwrap_or(&file_name).to_owned();
        // `full-N.json`, `delta-N.json`, and the scoped `full-N-KEYID.json`.
        let ours = ["full-", "delta-"].iter().any(|prefix| {
            name.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(".json")).is_some_and(|rest| {
                let (n, kid) = rest.split_once('-').unwrap_or((rest, ""));
                let kid_ok = kid.is_empty()
                    || (*prefix == "full-" && kid.len() == 16 && kid.bytes().all(|b| b.is_ascii_hexdigit()));
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && kid_ok
            })
        });
        let scoped_listed = index.per_key.as_deref().is_some_and(|pattern| {
            pattern.split_once("{key_id}").is_some_and(|(before, after)| {
                name.len() == before.len() + 16 + after.len() && name.starts_with(before) && name.ends_with(after)
            })
        });
        let listed = name == index.full || scoped_listed || index.deltas.iter().any(|d| d.file == name);
        if ours && !listed {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// One line of an allow file, trimmed and without its comment: the token,
/// from a batch output's JSON line or as it stands.
fn token_of(line: &str) -> Option<String> {
    if line.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        return v.get("token").and_then(|t| t.as_str()).map(str::to_owned);
    }
    Some(line.to_owned())
}

/// The payloads the key signed in the allow files, each checked (a
/// certificate of this key, whose signature verifies), and the latest end
/// of validity among them.
fn read_allowed(paths: &[PathBuf], key: &PublicKey, lang: Lang) -> Result<(Vec<Vec<u8>>, Timestamp), CliError> {
    let mut payloads = Vec::new();
    let mut latest = i64::MIN;
    let mut bad = Vec::new();
    for path in paths {
        let text = files::read_text(path, lang)?;
        for (n, raw) in text.lines().enumerate() {
            let line = if raw.trim_start().starts_with('{') {
                raw.trim()
            } else {
                raw.split('#').next().unwrap_or_default().trim()
            };
            if line.is_empty() {
                continue;
            }
            let checked = token_of(line).and_then(|t| {
                let cose = text::decode(&t).ok()?;
                let env = envelope::open(&cose).ok()?;
                if env.kid != key.key_id() {
                    return None;
                }
                key.verify(&envelope::signing_input(env.protected, env.payload), env.signature).ok()?;
                let claims = decode_claims(env.payload).ok()?;
                Some((env.payload.to_vec(), claims.valid_until))
            });
            match checked {
                Some((payload, until)) => {
                    latest = latest.max(until);
                    payloads.push(payload);
                }
                None => bad.push(
                    Message::new("allow-line-invalid")
                        .arg("path", path.display())
                        .arg("line", n + 1)
                        .arg("key_id", key.key_id()),
                ),
            }
        }
    }
    if !bad.is_empty() {
        let count = bad.len();
        let mut messages: Vec<Message> = bad.into_iter().take(super::BAD_LINES_SHOWN).collect();
        messages.push(Message::new("allow-file-refused").arg("count", count));
        return Err(CliError { messages, exit: crate::error::EXIT_USAGE });
    }
    if payloads.is_empty() {
        return Err(CliError::usage(Message::new("allow-file-empty")));
    }
    Ok((payloads, latest))
}

pub fn compromise(args: &CompromiseArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let reason = args.reason.trim();
    if reason.is_empty() || reason.chars().any(char::is_control) {
        return Err(CliError::usage(Message::new("reason-invalid")));
    }
    let list = lock_existing(&args.list, lang)?;
    let mut body = load(&list, lang)?;
    let wanted = match (&args.key, &args.key_id) {
        (Some(path), _) => keygen::read_public_key(path, lang)?.key_id().to_string(),
        (None, Some(id)) => {
            parse_key_id(id).ok_or_else(|| CliError::usage(Message::new("key-id-invalid").arg("path", "--key-id")))?
        }
        (None, None) => return Err(CliError::usage(Message::new("key-id-invalid").arg("path", "--key-id"))),
    };
    let Some(entry) = body.issuers.iter_mut().find(|e| e.key_id == wanted) else {
        return Err(CliError::refused(
            Message::new("key-not-listed").arg("key_id", &wanted).arg("path", args.list.display()),
        ));
    };
    let key = PublicKey::from_base64(&entry.public_key).map_err(|e| {
        CliError::usage(Message::new("trust-list-entry").arg("path", args.list.display()).arg("detail", e.code()))
    })?;
    let (payloads, latest) = read_allowed(&args.allow, &key, lang)?;
    let allow = AllowList::from_payloads(payloads.iter().map(Vec::as_slice), args.bits)
        .map_err(|e| CliError::usage(Message::new(e.code())))?;
    entry.status = KeyStatus::Compromised;
    entry.allowed_payloads = Some(allow.encode());
    let name = entry.name.clone();
    bump(&mut body, &args.list)?;
    let mut journal = Journal::new(&list, body.sequence, Some(reason));
    journal.file = Some(args.allow.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" "));
    journal.push("compromise", Subject::Key(&wanted), None);
    save(&list, &body, &journal, lang)?;
    // Every certificate it signed (that counts) has expired at `latest`: the
    // key's entry can leave the list from then on.
    let until = Date::of_instant(latest);
    let mut done = Message::new("trust-compromised")
        .arg("key_id", &wanted)
        .arg("name", name)
        .arg("count", allow.len())
        .arg("size", allow.encode().len())
        .arg("bits", args.bits)
        .arg("sequence", body.sequence);
    done = match until {
        Some(d) => done.date("until", d),
        None => done.arg("until", "?"),
    };
    println!("{}", done.text(lang));
    Ok(ExitCode::SUCCESS)
}
