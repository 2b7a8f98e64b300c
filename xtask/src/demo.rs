//! `cargo xtask demo`: the whole life of a certificate with the `cachet`
//! command, as a person would type it, in `demo/` (recreated each run).
//!
//! Keys for a root and two académies, a trust list, certificates for every
//! verdict, a revoked serial, a revoked key, a certificate revoked by its
//! status index in a signed status document (the daily publication, not the
//! root's list), and the verification of each.
//! The certificates' dates follow today's school year, so the demo tells
//! the same story any day. Each verdict is checked against the one expected
//! (with `cachet verify --json`), so the demo also fails when the command
//! goes wrong.

use crate::sh::{self, Result};
use cachet::time::Date;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// The port where the demo serves the page, unless `--port` says another.
const DEFAULT_PORT: u16 = 8080;

/// The verifier page's address in the URLs and QR codes (a local server).
fn verifier_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/")
}
/// The serial that the trust list revokes.
const REVOKED_SERIAL: &str = "DEMO-0003";
/// The sample revoked by its status index, in a status document.
const REVOKED_BY_STATUS: &str = "revoked-status";
/// The status index space of the Paris key (its `status_capacity`).
const STATUS_CAPACITY: &str = "1000";

/// One certificate of the demo.
struct Sample {
    /// File stem under `inputs/`, `certs/` and `qr/`.
    name: &'static str,
    /// What it shows.
    story: &'static str,
    /// The key that signs it.
    key: &'static str,
    /// Its `cert.json`.
    input: serde_json::Value,
    /// The QR code's format.
    qr: &'static str,
    /// The verdict `cachet verify` must give.
    expected: &'static str,
}

fn today_in_paris() -> Result<Date> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| format!("the clock is before 1970: {e}"))?;
    let now = i64::try_from(now.as_secs()).map_err(|e| e.to_string())?;
    Date::in_paris_at(now).ok_or_else(|| "today is outside the dates Cachet handles".to_owned())
}

fn date(year: i32, month: u8, day: u8) -> Result<Date> {
    Date::new(year, month, day).ok_or_else(|| format!("no date {year}-{month}-{day}"))
}

#[allow(clippy::too_many_arguments)]
fn pupil(
    family_name: &str,
    given_names: &str,
    birth_date: &str,
    (uai, school, town, academie): (&str, &str, &str, &str),
    year: i32,
    level: &str,
    regime: &str,
    serial: &str,
    issued_on: Date,
) -> serde_json::Value {
    json!({
        "family_name": family_name,
        "given_names": given_names,
        "birth_date": birth_date,
        "school_uai": uai,
        "school_name": school,
        "school_town": town,
        "academie": academie,
        "school_year": format!("{year}-{}", year + 1),
        "level": level,
        "regime": regime,
        "serial": serial,
        "issued_on": issued_on.to_string(),
    })
}

const LOUIS_LE_GRAND: (&str, &str, &str, &str) = ("0750654D", "Lycée Louis-le-Grand", "Paris", "Paris");
const HENRI_IV: (&str, &str, &str, &str) = ("0750699C", "Lycée Henri-IV", "Paris", "Paris");
const DU_PARC: (&str, &str, &str, &str) = ("0690026D", "Lycée du Parc", "Lyon", "Lyon");

/// The first calendar year of the school year under way on `day`.
fn school_year_of(day: Date) -> i32 {
    if day.month() >= 9 {
        day.year()
    } else {
        day.year() - 1
    }
}

/// The school year of the expired certificate: 2023-2024, or earlier
/// when that one is not over yet.
fn expired_year(year: i32) -> i32 {
    (year - 2).min(2023)
}

/// The certificates, dated from today: `year` is the school year under way.
fn samples(today: Date) -> Result<Vec<Sample>> {
    let year = school_year_of(today);
    // A certificate of next year may be issued from 1 January before it.
    let next_year_issue = today.max(date(year + 1, 1, 1)?);
    let s = |name, story, key, input, qr, expected| Sample { name, story, key, input, qr, expected };
    Ok(vec![
        s(
            "valid",
            "a certificate of this school year",
            "academie-paris.key",
            pupil("Martin", "Léa", "2009-04-12", LOUIS_LE_GRAND, year, "2de", "demi-pensionnaire", "DEMO-0001", today),
            "png",
            "valid",
        ),
        s(
            "tampered",
            "a valid certificate with one character of its token changed",
            "academie-paris.key",
            pupil("Bernard", "Hugo", "2008-11-03", HENRI_IV, year, "1re", "interne", "DEMO-0002", today),
            "svg",
            "invalid-signature",
        ),
        s(
            "revoked-serial",
            "a certificate whose serial the trust list revokes",
            "academie-paris.key",
            pupil("Moreau", "Inès", "2010-01-23", LOUIS_LE_GRAND, year, "3e", "externe", REVOKED_SERIAL, today),
            "svg",
            "revoked",
        ),
        s(
            "revoked-key",
            "a certificate signed by an académie key that was revoked since",
            "academie-lyon.key",
            pupil("Petit", "Jules", "2007-06-30", DU_PARC, year, "Tle", "externe", "DEMO-0004", today),
            "svg",
            "revoked",
        ),
        s(
            REVOKED_BY_STATUS,
            "a certificate revoked today by its status index: in the day's status document, not in the root's list",
            "academie-paris.key",
            pupil("Garnier", "Adam", "2009-07-17", DU_PARC, year, "3e", "externe", "DEMO-0008", today),
            "svg",
            "revoked",
        ),
        s(
            "expired",
            "a certificate of a school year that is over",
            "academie-paris.key",
            pupil(
                "Dubois",
                "Chloé",
                "2009-09-09",
                HENRI_IV,
                expired_year(year),
                "4e",
                "externe",
                "DEMO-0005",
                date(expired_year(year), 9, 15)?,
            ),
            "svg",
            "expired",
        ),
        s(
            "unknown-issuer",
            "a certificate signed by a key that no trust list names",
            "stranger.key",
            pupil("Roux", "Nathan", "2008-02-14", LOUIS_LE_GRAND, year, "1re", "externe", "DEMO-0006", today),
            "svg",
            "unknown-issuer",
        ),
        s(
            "not-yet-valid",
            "a certificate of next school year",
            "academie-paris.key",
            pupil(
                "Leroy",
                "Manon",
                "2010-05-05",
                HENRI_IV,
                year + 1,
                "2de",
                "demi-pensionnaire",
                "DEMO-0007",
                next_year_issue,
            ),
            "svg",
            "not-yet-valid",
        ),
    ])
}

struct Demo {
    dir: PathBuf,
    cachet: PathBuf,
}

impl Demo {
    /// `cachet ARGS…` in the demo directory.
    fn cachet(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.cachet);
        c.current_dir(&self.dir).args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Result<()> {
        sh::run(&mut self.cachet(args))
    }

    /// `cachet ARGS…`'s standard output (trimmed) and standard error; fails unless it succeeds.
    fn capture_both(&self, args: &[&str]) -> Result<(String, String)> {
        let mut c = self.cachet(args);
        println!("$ {}", sh::show(&c));
        let out = c.output().map_err(|e| e.to_string())?;
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        print!("{stdout}");
        eprint!("{stderr}");
        if !out.status.success() {
            return Err(format!("cachet {} failed", args.join(" ")));
        }
        Ok((stdout.trim().to_owned(), stderr.into_owned()))
    }

    fn read(&self, path: &str) -> Result<String> {
        std::fs::read_to_string(self.dir.join(path)).map_err(|e| format!("cannot read demo/{path}: {e}"))
    }

    fn write(&self, path: &str, contents: &str) -> Result<()> {
        println!("# writing {path}");
        sh::write(&self.dir.join(path), contents)
    }
}

/// The token or URL with one character of its signature part changed.
fn tamper(text: &str) -> Result<String> {
    let mut chars: Vec<char> = text.chars().collect();
    // Ten characters from the end: inside the signature, away from the
    // last character's unused bits.
    let at = chars.len().checked_sub(10).ok_or("a token too short to tamper with")?;
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    Ok(chars.into_iter().collect())
}

pub fn run(args: &[String]) -> Result<()> {
    let (mut serve, mut port) = (true, DEFAULT_PORT);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-serve" => serve = false,
            "--port" => {
                port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .filter(|&p| p > 0)
                    .ok_or("--port needs a port number from 1 to 65535")?;
            }
            other => return Err(format!("demo takes --no-serve and --port N (got `{other}`)")),
        }
    }
    let verifier = verifier_url(port);
    println!("==> building the command line tool");
    sh::run(sh::cargo().args(["build", "--release", "-p", "cachet-cli"]))?;
    let cachet = sh::target_dir()?.join("release").join("cachet");
    let dir = sh::workspace_root().join("demo");
    sh::fresh_dir(&dir)?;
    for sub in ["inputs", "certs", "qr"] {
        std::fs::create_dir(dir.join(sub)).map_err(|e| format!("cannot create demo/{sub}: {e}"))?;
    }
    let demo = Demo { dir, cachet };
    let today = today_in_paris()?;
    let samples = samples(today)?;
    println!("# in {} (today in Paris: {today})", demo.dir.display());

    println!("\n==> keys: a root that signs the trust list, two académies, a stranger, and the online status key");
    for key in ["root.key", "academie-paris.key", "academie-lyon.key", "stranger.key", "status.key"] {
        demo.run(&["keygen", "--out", key])?;
    }

    println!("\n==> the trust list names the académies' keys");
    let year = school_year_of(today);
    let from = date(expired_year(year), 1, 1)?.to_string();
    let until = date(year + 1, 8, 31)?.to_string();
    let academies = [("academie-paris.key.pub", "Académie de Paris"), ("academie-lyon.key.pub", "Académie de Lyon")];
    for (key, name) in academies {
        let add = ["trust", "add", "--list", "list.json", "--key", key, "--name", name];
        // The Paris key's certificates carry a status index (docs/TRUST.md, "Status by index").
        let status: &[&str] =
            if key == "academie-paris.key.pub" { &["--status-capacity", STATUS_CAPACITY] } else { &[] };
        demo.run(&[&add[..], &["--from", &from, "--until", &until], status].concat())?;
    }
    println!("\n# the root delegates status documents to the online status key");
    demo.run(&["trust", "status-key", "--list", "list.json", "--key", "status.key.pub"])?;

    println!("\n==> certificates, as verifier URLs and QR codes");
    let mut texts = Vec::new();
    let mut revoked_index = None;
    for sample in &samples {
        println!("\n# {}: {}", sample.name, sample.story);
        let input = format!("inputs/{}.json", sample.name);
        let pretty = serde_json::to_string_pretty(&sample.input).map_err(|e| e.to_string())?;
        demo.write(&input, &format!("{pretty}\n"))?;
        let qr = format!("qr/{}.{}", sample.name, sample.qr);
        let mut issue = vec!["issue", "--key", sample.key, "--input", &input, "--url", &verifier, "--qr", &qr];
        if sample.key == "academie-paris.key" {
            issue.extend(["--status-capacity", STATUS_CAPACITY]);
        }
        let (url, told) = demo.capture_both(&issue)?;
        if sample.name == REVOKED_BY_STATUS {
            revoked_index = Some(status_index_told(&told)?);
        }
        let url = if sample.name == "tampered" {
            let tampered = tamper(&url)?;
            println!("# one character changed:\n{tampered}");
            tampered
        } else {
            url
        };
        let cert = format!("certs/{}.txt", sample.name);
        demo.write(&cert, &format!("{url}\n"))?;
        texts.push((sample, cert, url));
    }

    println!("\n==> revocations: one serial, and the Lyon key");
    demo.run(&["trust", "revoke", "--list", "list.json", "--serial", REVOKED_SERIAL])?;
    demo.run(&["trust", "revoke", "--list", "list.json", "--key", "academie-lyon.key.pub"])?;

    println!("\n==> the root signs the list");
    demo.run(&["trust", "sign", "--list", "list.json", "--root", "root.key", "--out", "trust.json"])?;

    println!("\n==> the status key publishes status documents (every day, without the root)");
    let status = ["trust", "status", "publish", "--list", "list.json", "--key", "status.key", "--dir", "status"];
    demo.run(&status)?;
    let index = revoked_index.ok_or("the status sample got no status index")?.to_string();
    let paris = cachet::keys::PublicKey::from_text(&demo.read("academie-paris.key.pub")?)
        .map_err(|e| format!("academie-paris.key.pub: {e}"))?
        .key_id()
        .to_string();
    println!("# later that day, one certificate is revoked by its index; the next publication carries it");
    demo.run(&["trust", "revoke", "--list", "list.json", "--key-id", &paris, "--index", &index])?;
    demo.run(&status)?;

    println!("\n==> verification, offline, with the signed list and the pinned root key");
    let mut wrong = Vec::new();
    for (sample, cert, url) in &texts {
        println!("\n# {}: {} (expected: {})", sample.name, sample.story, sample.expected);
        let verify = ["verify", "--trust", "trust.json", "--root", "root.key.pub", "--status", "status/full-2.json"];
        println!("$ cachet {} \"$(cat {cert})\"", verify.join(" "));
        let status = demo.cachet(&[&verify[..], &[url.as_str()]].concat()).status().map_err(|e| e.to_string())?;
        match (sample.expected == "valid", status.code()) {
            (true, Some(0)) => {}
            (false, Some(1)) => println!("# exit status 1, as expected: this certificate is not valid"),
            (_, code) => wrong.push(format!("{}: exit status {}", sample.name, exit_code(code))),
        }
        let json = demo.cachet(&[&verify[..], &["--json", url.as_str()]].concat()).stderr(Stdio::null()).output();
        let json = json.map_err(|e| e.to_string())?;
        let report: serde_json::Value = serde_json::from_slice(&json.stdout).map_err(|e| e.to_string())?;
        let got = report.get("status").and_then(|s| s.as_str()).unwrap_or("?");
        if got != sample.expected {
            wrong.push(format!("{}: {got}, expected {}", sample.name, sample.expected));
        }
    }

    println!("\n==> all at once: exit status 1 when any is not valid");
    let all: Vec<&str> = texts.iter().map(|(_, _, url)| url.as_str()).collect();
    let verify_all =
        ["verify", "--trust", "trust.json", "--root", "root.key.pub", "--status", "status/full-2.json", "--json"];
    let mut c = demo.cachet(&[&verify_all[..], &all].concat());
    println!("$ cachet {} $(cat certs/*.txt)", verify_all.join(" "));
    let out = c.stderr(Stdio::null()).output().map_err(|e| e.to_string())?;
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    let code = out.status.code();
    if code == Some(1) && lines == texts.len() {
        println!("# {lines} reports, one per certificate; exit status 1, as expected: some are not valid");
    } else {
        wrong.push(format!("verify of all: exit status {} and {lines} reports", exit_code(code)));
    }

    if !wrong.is_empty() {
        return Err(format!("the demo did not go as expected:\n  {}", wrong.join("\n  ")));
    }
    print_files(&demo.dir)?;
    if !serve {
        return Ok(());
    }

    println!("\n==> the verifier page, with the demo's trust list and root key");
    crate::build::build()?;
    let site = crate::serve::Site::new(&demo.dir.join("trust.json"), &[demo.dir.join("root.key.pub")])?
        .with_status(&demo.dir.join("status"))?;
    println!("\nOpen the verifier at {verifier} and scan a QR code of demo/qr/, or open a certificate's link:");
    for (sample, _, url) in &texts {
        println!("  {} ({}):\n    {url}", sample.name, sample.story);
    }
    println!("\nCtrl-C stops the server.");
    crate::serve::serve(site, port)
}

/// The status index `cachet issue` told on stderr (`… KEY_ID:INDEX …`).
fn status_index_told(told: &str) -> Result<u32> {
    told.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter_map(|word| word.split_once(':'))
        .find(|(kid, _)| kid.len() == 16 && kid.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|(_, n)| n.trim_end_matches(|c: char| !c.is_ascii_digit()).parse().ok())
        .ok_or_else(|| format!("no status index in what cachet issue told: {told}"))
}

fn exit_code(code: Option<i32>) -> String {
    code.map_or_else(|| "none (killed by a signal)".to_owned(), |c| c.to_string())
}

fn print_files(dir: &Path) -> Result<()> {
    println!("\n==> every verdict as expected. The files are in {}:", dir.display());
    println!("  root.key, academie-*.key, stranger.key (+ .pub)  keys (secret files are mode 0600)");
    println!("  status.key (+ .pub)                              the online key that signs status documents");
    println!("  list.json, trust.json                            the trust list, unsigned and signed");
    println!(
        "  status/                                          the published status documents (index.json names them)"
    );
    println!("  inputs/*.json                                    the certificates' fields");
    println!("  certs/*.txt                                      their verifier URLs (certs/tampered.txt altered)");
    println!("  qr/*.svg, qr/valid.png                           their QR codes (qr/tampered.svg before tampering)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cachet::certificate::SchoolCertificateInput;
    use cachet::keys::SecretKey;
    use cachet::time::format_rfc3339;
    use cachet::trust::{sign_list, IssuerEntry, KeyStatus, TrustList, TrustListBody};

    fn entry(key: &SecretKey, name: &str, from: Date, until: Date, status: KeyStatus) -> IssuerEntry {
        IssuerEntry {
            key_id: key.key_id().to_string(),
            name: name.into(),
            public_key: key.public_key().to_base64(),
            valid_from: from.to_string(),
            valid_until: until.to_string(),
            kinds: vec!["certificat-de-scolarite".into()],
            status,
            ..IssuerEntry::default()
        }
    }

    /// The demo's dates tell the same story on any day of the year: each
    /// sample, signed and listed as the demo does with the CLI, gets its
    /// verdict at noon of that day.
    #[test]
    fn every_sample_gets_its_verdict_any_day_of_the_year() {
        let root = SecretKey::from_seed(&[1; 32]);
        let paris = SecretKey::from_seed(&[2; 32]);
        let lyon = SecretKey::from_seed(&[3; 32]);
        let stranger = SecretKey::from_seed(&[4; 32]);
        let key = |file: &str| match file {
            "academie-paris.key" => &paris,
            "academie-lyon.key" => &lyon,
            "stranger.key" => &stranger,
            other => panic!("no key {other}"),
        };
        for day in ["2026-09-01", "2026-10-31", "2026-12-31", "2027-01-01", "2027-03-28", "2027-08-31", "2030-02-28"] {
            let today = Date::parse(day).unwrap();
            let year = school_year_of(today);
            let (from, until) = (date(expired_year(year), 1, 1).unwrap(), date(year + 1, 8, 31).unwrap());
            let mut body = TrustListBody::new();
            body.sequence = 5;
            body.issued_at = format_rfc3339(today.paris_midnight());
            body.next_update = format_rfc3339(today.paris_midnight() + 30 * 86_400);
            body.issuers = vec![
                entry(&paris, "Académie de Paris", from, until, KeyStatus::Active),
                entry(&lyon, "Académie de Lyon", from, until, KeyStatus::Revoked),
            ];
            body.revoked_serials = vec![REVOKED_SERIAL.into()];
            let signed = sign_list(&root, &serde_json::to_string_pretty(&body).unwrap()).unwrap();
            let trust = TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).unwrap();
            let noon = today.paris_midnight() + 12 * 3600;

            // The status sample's verdict comes from a status document: the demo's run checks it.
            for sample in samples(today).unwrap().into_iter().filter(|s| s.name != REVOKED_BY_STATUS) {
                let input: SchoolCertificateInput = serde_json::from_value(sample.input.clone()).unwrap();
                let issued = cachet::issue::issue(key(sample.key), &input, today)
                    .unwrap_or_else(|e| panic!("{day}, {}: {e}", sample.name));
                let url = cachet::text::url_of(&verifier_url(DEFAULT_PORT), &issued.token);
                let text = if sample.name == "tampered" { tamper(&url).unwrap() } else { url };
                let status = cachet::verify(&text, &trust, noon).status;
                assert_eq!(status.code(), sample.expected, "{day}, {}", sample.name);
            }
        }
    }
}
