//! Running commands the way a person would: each printed before it runs,
//! its output shown as it comes, its failure an error that names it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// An error a task reports before it stops.
pub type Result<T> = std::result::Result<T, String>;

/// The workspace's root directory (where the root `Cargo.toml` is).
pub fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// Whether this runs under CI (`CI=true`), where no step may be skipped.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The cargo that runs this xtask (same toolchain), in the workspace root.
pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(workspace_root());
    c
}

/// Any program, in the workspace root.
pub fn program(name: &str) -> Command {
    let mut c = Command::new(name);
    c.current_dir(workspace_root());
    c
}

fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=+,@%".contains(c)) {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The command as a person would type it: variables set for it, the
/// program's own name (not its path), its arguments quoted for a shell.
pub fn show(c: &Command) -> String {
    let mut words: Vec<String> =
        c.get_envs().filter_map(|(k, v)| v.map(|v| format!("{}={}", k.to_string_lossy(), quote(v)))).collect();
    let program = Path::new(c.get_program()).file_name().unwrap_or(c.get_program());
    words.push(quote(program));
    words.extend(c.get_args().map(quote));
    words.join(" ")
}

fn spawn_error(c: &Command, e: std::io::Error) -> String {
    format!("cannot run `{}`: {e}", show(c))
}

/// Prints the command, runs it with the terminal's output, and fails when it does.
pub fn run(c: &mut Command) -> Result<()> {
    println!("$ {}", show(c));
    let status = c.status().map_err(|e| spawn_error(c, e))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(c)))
    }
}

/// Runs the command quietly and returns its standard output; fails when it does.
pub fn output(c: &mut Command) -> Result<String> {
    let out = c.stdin(Stdio::null()).stderr(Stdio::inherit()).output().map_err(|e| spawn_error(c, e))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("`{}` failed ({})", show(c), out.status))
    }
}

/// Whether the command runs and succeeds, all its output discarded.
pub fn succeeds(c: &mut Command) -> bool {
    c.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Cargo's target directory, as `cargo metadata` reports it.
pub fn target_dir() -> Result<PathBuf> {
    let json = output(cargo().args(["metadata", "--format-version", "1", "--no-deps"]))?;
    let meta: serde_json::Value = serde_json::from_str(&json).map_err(|e| format!("cargo metadata: {e}"))?;
    meta.get("target_directory")
        .and_then(|v| v.as_str())
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata gave no target_directory".to_owned())
}

/// A size in bytes, for people.
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.2} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// Removes a directory if it exists and creates it empty.
pub fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// Writes a file, naming it in the error.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
