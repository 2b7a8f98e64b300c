//! Reading and writing the command's files, with coded errors.

use crate::error::CliError;
use cachet::Lang;
use std::fs;
use std::io::Write;
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

/// Replaces `path`'s content all at once: writes a temporary file beside it,
/// then renames it over `path`, so that a reader never sees half a file.
pub fn write_atomic(path: &Path, bytes: &[u8], lang: Lang) -> Result<(), CliError> {
    let tmp = with_suffix(path, &format!(".tmp{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        CliError::write(path, &e, lang)
    })
}
