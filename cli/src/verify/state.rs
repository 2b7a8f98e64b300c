//! The memory of `cachet verify`: the highest trust-list sequence accepted
//! under each pinned root key, kept in a small JSON file between runs, so
//! that an older list (one from before a revocation) is refused
//! (`trust-list-rollback`, docs/TRUST.md "Rollback").
//!
//! ```json
//! {
//!   "format": "cachet-trust-state/1",
//!   "highest_sequence": {
//!     "8f3a1c2b4d5e6f70": 12
//!   }
//! }
//! ```
//!
//! `highest_sequence` maps a root key id to the highest sequence of a list it
//! signed that verified. A list is checked against the highest sequence seen
//! under *any* of the roots pinned for the run (roots pinned together are
//! one authority: while a root is rotated, lists signed by the old root must
//! not go back behind those signed by the new one); roots that are never
//! pinned together (a test deployment and the real one) do not interfere.
//!
//! The file is read and written under an exclusive lock (`FILE.lock`, see
//! [`crate::files::lock`]) held from before the read until after the write,
//! so that concurrent runs never lose a sequence; it is replaced atomically
//! (a temporary file renamed over it), so a crash leaves the old file or the
//! new one. A file that cannot be read as this format is a coded error
//! (`trust-state-invalid`), never reset: forgetting what was seen is exactly
//! what an attacker serving an old list wants.

use crate::error::{CliError, Message};
use crate::files::{self, Locked};
use cachet::keys::{KeyId, PublicKey};
use cachet::trust::TrustList;
use cachet::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The value of the file's `format` member.
pub const FORMAT: &str = "cachet-trust-state/1";

/// Where the state file is, from `--state`, `--no-state` and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// `--state FILE`, or the default location.
    File(PathBuf),
    /// `--no-state`: no memory, no rollback protection across runs.
    Off,
}

/// The default state file: `$XDG_STATE_HOME/cachet/trust-state.json` when
/// `XDG_STATE_HOME` is an absolute path (the XDG Base Directory rules ignore
/// a relative one), else `$HOME/.local/state/cachet/trust-state.json`.
pub fn default_path(xdg_state_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    let base = match xdg_state_home.map(Path::new).filter(|p| p.is_absolute()) {
        Some(xdg) => xdg.to_path_buf(),
        None => Path::new(home.filter(|h| !h.is_empty())?).join(".local").join("state"),
    };
    Some(base.join("cachet").join("trust-state.json"))
}

/// The state file for the options given.
pub fn place(state: Option<&Path>, no_state: bool) -> Result<Place, CliError> {
    if no_state {
        return Ok(Place::Off);
    }
    if let Some(path) = state {
        return Ok(Place::File(path.to_path_buf()));
    }
    let var = |name: &str| std::env::var(name).ok();
    default_path(var("XDG_STATE_HOME").as_deref(), var("HOME").as_deref())
        .map(Place::File)
        .ok_or_else(|| CliError::usage(Message::new("trust-state-no-home")))
}

/// What the file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Root key id → highest sequence accepted under it.
    pub highest: BTreeMap<KeyId, u64>,
    /// Root key id → highest status document sequence applied under a list
    /// it signed (docs/TRUST.md, "Status documents").
    pub highest_status: BTreeMap<KeyId, u64>,
}

/// The file as written, for serde.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    format: String,
    highest_sequence: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    highest_status_sequence: BTreeMap<String, u64>,
}

impl State {
    /// Reads the file's text; `Err` is the detail of a `trust-state-invalid`.
    pub fn parse(text: &str) -> Result<State, String> {
        let wire: Wire = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if wire.format != FORMAT {
            return Err(format!("format \"{}\" (expected \"{FORMAT}\")", wire.format));
        }
        let ids = |map: BTreeMap<String, u64>| -> Result<BTreeMap<KeyId, u64>, String> {
            let mut out = BTreeMap::new();
            for (id, sequence) in map {
                let kid = KeyId::parse(&id).map_err(|_| format!("\"{id}\" is not a key id"))?;
                out.insert(kid, sequence);
            }
            Ok(out)
        };
        Ok(State { highest: ids(wire.highest_sequence)?, highest_status: ids(wire.highest_status_sequence)? })
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        let wire = Wire {
            format: FORMAT.to_owned(),
            highest_sequence: self.highest.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            highest_status_sequence: self.highest_status.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        };
        // A map of strings to integers always serialises.
        let mut text = serde_json::to_string_pretty(&wire).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The highest sequence seen under any of `roots`, if any.
    pub fn seen(&self, roots: &[PublicKey]) -> Option<u64> {
        roots.iter().filter_map(|r| self.highest.get(&r.key_id())).copied().max()
    }

    /// Remembers `sequence` under `root` when it is higher than what is
    /// remembered; says whether anything changed.
    pub fn record(&mut self, root: KeyId, sequence: u64) -> bool {
        raise(&mut self.highest, root, sequence)
    }

    /// The highest status sequence applied under any of `roots`, if any.
    pub fn status_seen(&self, roots: &[PublicKey]) -> Option<u64> {
        roots.iter().filter_map(|r| self.highest_status.get(&r.key_id())).copied().max()
    }

    /// [`State::record`] for status documents.
    pub fn record_status(&mut self, root: KeyId, sequence: u64) -> bool {
        raise(&mut self.highest_status, root, sequence)
    }
}

fn raise(map: &mut BTreeMap<KeyId, u64>, root: KeyId, sequence: u64) -> bool {
    match map.get(&root) {
        Some(seen) if *seen >= sequence => false,
        _ => {
            map.insert(root, sequence);
            true
        }
    }
}

/// The state file, locked, and what it held when it was read.
pub struct Held {
    file: Locked,
    /// The state as read.
    pub state: State,
}

impl Held {
    /// Creates the file's folder if needed, takes the lock and reads the
    /// file (a file that does not exist yet is an empty state).
    pub fn open(path: &Path, lang: Lang) -> Result<Held, CliError> {
        let real = files::resolve(path, lang).map_err(unwritable)?;
        if let Some(folder) = real.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|e| unwritable(CliError::write(folder, &e, lang)))?;
        }
        let file = files::lock(path, lang).map_err(unwritable)?;
        let state = if file.exists() {
            let text = file.read_text(lang)?;
            State::parse(&text).map_err(|detail| {
                CliError::usage(Message::new("trust-state-invalid").arg("path", path.display()).arg("detail", detail))
            })?
        } else {
            State::default()
        };
        Ok(Held { file, state })
    }

    /// The path given for the file.
    pub fn path(&self) -> &Path {
        &self.file.path
    }

    /// Remembers the sequence of a list that verified, and writes the file
    /// (atomically, still under the lock) when that raised it.
    pub fn record(&mut self, trust: &TrustList, lang: Lang) -> Result<(), CliError> {
        let list = self.state.record(trust.root(), trust.sequence());
        let status = trust.status().is_some_and(|s| self.state.record_status(trust.root(), s.sequence()));
        if list || status {
            self.file.replace(self.state.to_json().as_bytes(), None, lang).map_err(unwritable)?;
        }
        Ok(())
    }
}

/// `err`, followed by the way out for a place where nothing can be written.
fn unwritable(mut err: CliError) -> CliError {
    err.messages.push(Message::new("trust-state-hint"));
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use cachet::keys::SecretKey;

    fn kid(seed: u8) -> KeyId {
        SecretKey::from_seed(&[seed; 32]).key_id()
    }

    #[test]
    fn the_default_place_follows_xdg_then_home() {
        let p = |x, h| default_path(x, h).map(|p| p.display().to_string());
        assert_eq!(p(Some("/var/st"), Some("/home/a")).as_deref(), Some("/var/st/cachet/trust-state.json"));
        assert_eq!(p(None, Some("/home/a")).as_deref(), Some("/home/a/.local/state/cachet/trust-state.json"));
        // A relative XDG_STATE_HOME is ignored, as the XDG rules say.
        assert_eq!(p(Some("st"), Some("/home/a")).as_deref(), Some("/home/a/.local/state/cachet/trust-state.json"));
        assert_eq!(p(None, None), None);
        assert_eq!(p(Some(""), Some("")), None);
    }

    #[test]
    fn the_state_reads_back_what_it_wrote() {
        let mut state = State::default();
        assert!(state.record(kid(1), 5));
        assert!(!state.record(kid(1), 4), "a lower sequence is not remembered");
        assert!(!state.record(kid(1), 5));
        assert!(state.record(kid(2), 9));
        assert!(state.record(kid(1), 6));
        let back = State::parse(&state.to_json()).unwrap();
        assert_eq!(back, state);
        assert_eq!(back.highest.get(&kid(1)), Some(&6));
        assert!(!state.to_json().contains("highest_status_sequence"), "a file without status stays as it was");
        assert!(state.record_status(kid(1), 40));
        assert!(!state.record_status(kid(1), 39));
        let back = State::parse(&state.to_json()).unwrap();
        assert_eq!(back, state);
        assert_eq!(back.status_seen(&[SecretKey::from_seed(&[1; 32]).public_key().clone()]), Some(40));
    }

    #[test]
    fn the_highest_of_the_pinned_roots_counts() {
        let keys: Vec<PublicKey> = (1..=3).map(|s| SecretKey::from_seed(&[s; 32]).public_key().clone()).collect();
        let mut state = State::default();
        state.record(kid(1), 5);
        state.record(kid(2), 9);
        state.record(kid(4), 100);
        assert_eq!(state.seen(&keys[..1]), Some(5));
        assert_eq!(state.seen(&keys), Some(9));
        assert_eq!(state.seen(&keys[2..]), None);
    }

    #[test]
    fn a_damaged_file_is_refused_with_a_reason() {
        let id = kid(1).to_string();
        for (text, why) in [
            ("", "EOF"),
            ("{\"format\":\"cachet-trust-state/1\"", "EOF"),
            ("{\"format\":\"other/1\",\"highest_sequence\":{}}", "other/1"),
            ("{\"format\":\"cachet-trust-state/1\",\"highest_sequence\":{\"zz\":1}}", "\"zz\" is not a key id"),
            (&format!("{{\"format\":\"cachet-trust-state/1\",\"highest_sequence\":{{\"{id}\":-1}}}}"), "invalid value"),
            (&format!("{{\"format\":\"cachet-trust-state/1\",\"highest_sequence\":{{\"{id}\":1.5}}}}"), "invalid type"),
            ("{\"format\":\"cachet-trust-state/1\",\"highest_sequence\":{},\"x\":1}", "unknown field"),
            ("{\"format\":\"cachet-trust-state/1\"}", "missing field"),
        ] {
            let err = State::parse(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
        let ok =
            format!("{{\"format\":\"cachet-trust-state/1\",\"highest_sequence\":{{\"{id}\":18446744073709551615}}}}");
        assert_eq!(State::parse(&ok).unwrap().highest.get(&kid(1)), Some(&u64::MAX));
    }
}
