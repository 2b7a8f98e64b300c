//! Runs the real `cachet` binary in a temporary directory.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A certificate input whose school year is 2025-2026, issued on a fixed date.
pub const CERT_JSON: &str = r#"{
  "family_name": "Martin",
  "given_names": "Léa",
  "birth_date": "2013-04-12",
  "school_uai": "0750654D",
  "school_name": "Collège Victor Hugo",
  "school_town": "Paris",
  "academie": "Paris",
  "school_year": "2025-2026",
  "level": "6e",
  "serial": "2025-000123",
  "issued_on": "2025-09-15"
}"#;

/// An instant within the school year 2025-2026.
pub const DURING_YEAR: &str = "2025-10-01T09:00:00Z";

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env { dir: tempfile::tempdir().unwrap() }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    /// The command, in the directory, in French (no locale variable set),
    /// with its state (the highest trust-list sequence seen) kept in the
    /// directory, never in the home folder of whoever runs the tests.
    pub fn cachet(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cachet"));
        cmd.current_dir(self.dir.path()).env_remove("LC_ALL").env_remove("LC_MESSAGES").env_remove("LANG");
        cmd.env("XDG_STATE_HOME", self.dir.path().join(".state"));
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cachet().args(args).stdin(Stdio::null()).output().unwrap()
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .cachet()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs and expects success; gives stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "cachet {args:?} failed: {}", stderr(&out));
        stdout(&out)
    }

    /// Root and issuer keys, and a signed list trusting the issuer for 2024 to 2030.
    pub fn setup(&self) {
        self.setup_with(&[]);
    }

    /// [`Env::setup`], with `extra` options for the issuer's `trust add`.
    pub fn setup_with(&self, extra: &[&str]) {
        self.ok(&["keygen", "--out", "root"]);
        self.ok(&["keygen", "--out", "issuer"]);
        let add = ["trust", "add", "--list", "list.json", "--key", "issuer.pub", "--name", "Académie de Paris"];
        self.ok(&[&add[..], &["--from", "2024-01-01", "--until", "2030-12-31"], extra].concat());
        self.sign();
    }

    pub fn sign(&self) {
        self.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    }

    /// Issues `CERT_JSON` (or `json`) and gives the token.
    pub fn issue(&self, json: &str) -> String {
        self.write("cert.json", json);
        self.ok(&["issue", "--key", "issuer", "--input", "cert.json"]).trim().to_owned()
    }

    /// `cachet verify --json` at `at`; gives the exit code and the JSON lines.
    pub fn verify_json(&self, at: &str, inputs: &[&str]) -> (i32, Vec<serde_json::Value>) {
        let mut args = vec!["verify", "--trust", "signed.json", "--root", "root.pub", "--json", "--at", at];
        args.extend_from_slice(inputs);
        let out = self.run(&args);
        (out.status.code().unwrap(), json_lines(&stdout(&out)))
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}
