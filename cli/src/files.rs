//! Reading and writing the command's files, with coded errors: atomic
//! writes, locks; nothing else touches the file system.
//!
//! # Writes
//!
//! A file is never written in place: its new content goes to a temporary
//! file beside it, which is synced, then renamed over it, so that a reader
//! (or a crash) sees the old file or the new one, never half of one. A path
//! that is a symbolic link is followed: the temporary file is made beside
//! the file the link points to and renamed over that file, so the link stays
//! a link and whoever reads the real file sees the change. A link that points
//! nowhere is refused (`symlink-dangling`): writing through it would create a
//! new, empty list instead of changing the one the operator meant.
//!
//! # Locks
//!
//! A command that reads a file, changes it and writes it back (a trust list)
//! holds an exclusive advisory lock from before the read until after the
//! rename: [`lock`]. The lock is taken on `FILE.lock`, beside the real file
//! (after links are followed, so that two paths to one list share one lock),
//! with the operating system's `flock`, which is released when the process
//! ends however it ends. `FILE.lock` is left in place: removing it would let
//! a command that opened it before the removal and one that creates it anew
//! each believe they hold the lock.

use crate::error::{CliError, Message};
use crate::i18n;
use cachet::Lang;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Reads a whole file.
pub fn read(path: &Path, lang: Lang) -> Result<Vec<u8>, CliError> {
    fs::read(path).map_err(|e| CliError::read(path, &e, lang))
}

/// Reads a whole UTF-8 text file.
pub fn read_text(path: &Path, lang: Lang) -> Result<String, CliError> {
    fs::read_to_string(path).map_err(|e| CliError::read(path, &e, lang))
}

/// `path` with `suffix` appended to its file name (`key` → `key.pub`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The file that a write to `path` changes: `path` itself when it is not a
/// symbolic link (whether or not it exists), else the file the link leads to,
/// through every link of a chain. A link to nothing is refused.
pub fn resolve(path: &Path, lang: Lang) -> Result<PathBuf, CliError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(real) => Ok(real),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let target = fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
                Err(CliError::usage(Message::new("symlink-dangling").arg("path", path.display()).arg("target", target)))
            }
            Err(e) => Err(CliError::read(path, &e, lang)),
        },
        Ok(_) => Ok(path.to_owned()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(path.to_owned()),
        Err(e) => Err(CliError::read(path, &e, lang)),
    }
}

/// Replaces `path`'s content all at once (see the module's doc): the file a
/// link leads to is replaced, the link is kept, and a link to nothing is
/// refused.
pub fn write_atomic(path: &Path, bytes: &[u8], lang: Lang) -> Result<(), CliError> {
    let real = resolve(path, lang)?;
    let tmp = write_temporary(&real, bytes).map_err(|e| CliError::write(path, &e, lang))?;
    rename_into_place(&tmp, &real).map_err(|e| CliError::write(path, &e, lang))
}

/// Writes `bytes` to a temporary file beside `real`, with `real`'s
/// permissions when it exists, and syncs it; gives the temporary file's path.
fn write_temporary(real: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let tmp = with_suffix(real, &format!(".tmp{}", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        if let Ok(meta) = fs::metadata(real) {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Renames `tmp` over `real`, then syncs their folder so that the rename
/// itself survives a crash; removes `tmp` if the rename fails.
fn rename_into_place(tmp: &Path, real: &Path) -> io::Result<()> {
    if let Err(e) = fs::rename(tmp, real) {
        let _ = fs::remove_file(tmp);
        return Err(e);
    }
    let folder = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The rename is done; a folder that cannot be opened for syncing (some
    // file systems) only loses the guarantee across a power cut.
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// A file held under an exclusive lock, to read, change and write back
/// without losing another command's change. Dropping it releases the lock.
#[derive(Debug)]
pub struct Locked {
    /// The path the user gave.
    pub path: PathBuf,
    /// The file it leads to (links followed); what is read and replaced.
    pub real: PathBuf,
    /// The open lock file, `REAL.lock`; the lock lasts as long as it is open.
    _lock: File,
}

/// Locks the file at `path` (which need not exist yet) for a
/// read-modify-write, waiting for any other command that holds it; says on
/// stderr that it waits.
pub fn lock(path: &Path, lang: Lang) -> Result<Locked, CliError> {
    match try_lock(path, lang)? {
        Ok(locked) => Ok(locked),
        Err(busy) => {
            crate::error::note(&Message::new("file-locked-wait").arg("path", busy.lock_path.display()).text(lang));
            busy.file.lock().map_err(|e| lock_error(&busy.lock_path, &e, lang))?;
            Ok(Locked { path: path.to_owned(), real: busy.real, _lock: busy.file })
        }
    }
}

/// The lock of a file that another command holds, not taken (yet).
#[derive(Debug)]
pub struct Busy {
    /// The lock file, `REAL.lock`.
    pub lock_path: PathBuf,
    real: PathBuf,
    file: File,
}

/// Locks the file at `path` like [`lock`], without waiting: `Err(Busy)`
/// when another command holds it (a batch of hours refuses at once rather
/// than wait).
pub fn try_lock(path: &Path, lang: Lang) -> Result<Result<Locked, Busy>, CliError> {
    let real = resolve(path, lang)?;
    let lock_path = with_suffix(&real, ".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| CliError::write(&lock_path, &e, lang))?;
    match file.try_lock() {
        Ok(()) => Ok(Ok(Locked { path: path.to_owned(), real, _lock: file })),
        Err(fs::TryLockError::WouldBlock) => Ok(Err(Busy { lock_path, real, file })),
        Err(fs::TryLockError::Error(e)) => Err(lock_error(&lock_path, &e, lang)),
    }
}

fn lock_error(lock_path: &Path, err: &io::Error, lang: Lang) -> CliError {
    CliError::usage(
        Message::new("lock-failed").arg("path", lock_path.display()).arg("reason", i18n::io_reason(lang, err)),
    )
}

impl Locked {
    /// Whether the file exists (a list not created yet does not).
    pub fn exists(&self) -> bool {
        self.real.exists()
    }

    /// Reads the whole file as UTF-8 text.
    pub fn read_text(&self, lang: Lang) -> Result<String, CliError> {
        fs::read_to_string(&self.real).map_err(|e| CliError::read(&self.path, &e, lang))
    }

    /// Replaces the file's content and appends `log` (whole lines) to the
    /// journal at `log.0` in one step: the new content is written and synced
    /// first, then the lines are appended and synced, then the content is
    /// renamed into place. If the rename fails the journal is cut back to its
    /// length before, so that it never tells of a change that did not happen;
    /// if the journal cannot be written, the file is not changed.
    pub fn replace(&self, bytes: &[u8], log: Option<(&Path, &str)>, lang: Lang) -> Result<(), CliError> {
        let tmp = write_temporary(&self.real, bytes).map_err(|e| CliError::write(&self.path, &e, lang))?;
        let mut appended = None;
        if let Some((log_path, lines)) = log {
            match append(log_path, lines) {
                Ok(before) => appended = Some((log_path, before)),
                Err(e) => {
                    let _ = fs::remove_file(&tmp);
                    return Err(CliError::write(log_path, &e, lang));
                }
            }
        }
        rename_into_place(&tmp, &self.real).map_err(|e| {
            if let Some((log_path, before)) = appended {
                let _ = OpenOptions::new().write(true).open(log_path).and_then(|f| f.set_len(before));
            }
            CliError::write(&self.path, &e, lang)
        })
    }
}

/// Appends `text` to the file at `path` (created if missing) and syncs it;
/// gives the file's length before.
fn append(path: &Path, text: &str) -> io::Result<u64> {
    let mut f = OpenOptions::new().create(true).append(true).open(path)?;
    let before = f.metadata()?.len();
    if let Err(e) = f.write_all(text.as_bytes()).and_then(|()| f.sync_data()) {
        let _ = f.set_len(before);
        return Err(e);
    }
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn writes_follow_links_and_keep_them() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        fs::write(&real, "old").unwrap();
        symlink(&real, &link).unwrap();
        write_atomic(&link, b"new", Lang::En).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_dangling_link_is_refused_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.json");
        symlink(dir.path().join("nowhere.json"), &link).unwrap();
        let err = write_atomic(&link, b"new", Lang::En).unwrap_err();
        assert_eq!(err.messages[0].code, "symlink-dangling");
        assert_eq!(lock(&link, Lang::En).unwrap_err().messages[0].code, "symlink-dangling");
        assert!(!dir.path().join("nowhere.json").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_rename_cuts_the_journal_back() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("list.json");
        let log = dir.path().join("list.json.log");
        fs::write(&real, "old").unwrap();
        fs::write(&log, "line 1\n").unwrap();
        let locked = lock(&real, Lang::En).unwrap();
        locked.replace(b"new", Some((&log, "line 2\n")), Lang::En).unwrap();
        assert_eq!(fs::read_to_string(&log).unwrap(), "line 1\nline 2\n");
        // A folder where the file was: the rename fails.
        fs::remove_file(&real).unwrap();
        fs::create_dir(&real).unwrap();
        fs::write(real.join("x"), "").unwrap();
        assert!(locked.replace(b"newer", Some((&log, "line 3\n")), Lang::En).is_err());
        assert_eq!(fs::read_to_string(&log).unwrap(), "line 1\nline 2\n");
    }
}
