//! Certificates: the document kinds, their fields, the checks made at
//! issuance, and their claims in CBOR (FORMAT.md, "Payload").
//!
//! Every kind shares the CWT claims (`iss` the académie, `iat` the issue
//! date, `nbf`/`exp` the validity window, `cti` the serial) and puts its own
//! fields in a map under the private claim [`CLAIM_CERTIFICATE`], whose key 0
//! names the kind. Adding a kind (an attestation de réussite, say) is a new
//! variant of [`DocumentKind`] and [`Body`], its field list and its validity
//! rule; FORMAT.md, "Adding a document kind", walks through it.

use crate::cbor::{CborError, Reader, Writer};
use crate::code::Code;
use crate::status_list::{uri_is_valid, StatusRef, CLAIM_STATUS, STATUS_LIST};
use crate::time::{Date, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// CWT claim `iss` (RFC 8392): the académie, as named on the certificate.
pub const CLAIM_ISS: i64 = 1;
/// CWT claim `exp`: end of validity (exclusive).
pub const CLAIM_EXP: i64 = 4;
/// CWT claim `nbf`: start of validity.
pub const CLAIM_NBF: i64 = 5;
/// CWT claim `iat`: midnight in Paris of the issue date.
pub const CLAIM_IAT: i64 = 6;
/// CWT claim `cti`: the serial.
pub const CLAIM_CTI: i64 = 7;
/// Private-use claim holding the document's own fields.
pub const CLAIM_CERTIFICATE: i64 = -65_537;

/// The kinds of document Cachet signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// Certificat de scolarité: enrolled in a school for a school year.
    CertificatDeScolarite,
}

impl DocumentKind {
    /// Every kind this build knows.
    pub const ALL: [DocumentKind; 1] = [DocumentKind::CertificatDeScolarite];

    /// Its code in the payload (key 0 of the certificate map).
    pub fn code(self) -> u64 {
        match self {
            DocumentKind::CertificatDeScolarite => 1,
        }
    }

    /// Its name in trust lists and reports.
    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::CertificatDeScolarite => "certificat-de-scolarite",
        }
    }

    /// The kind with this name.
    pub fn from_name(name: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.name() == name)
    }

    fn from_code(code: u64) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Class levels, a closed list; each has a fixed code in the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum Level {
    Tps,
    Ps,
    Ms,
    Gs,
    Cp,
    Ce1,
    Ce2,
    Cm1,
    Cm2,
    Sixieme,
    Cinquieme,
    Quatrieme,
    Troisieme,
    Seconde,
    Premiere,
    Terminale,
    Cap1,
    Cap2,
    Bts1,
    Bts2,
    Cpge1,
    Cpge2,
}

/// (level, code in the payload, label). Codes are never reused.
const LEVELS: [(Level, u64, &str); 22] = [
    (Level::Tps, 1, "TPS"),
    (Level::Ps, 2, "PS"),
    (Level::Ms, 3, "MS"),
    (Level::Gs, 4, "GS"),
    (Level::Cp, 5, "CP"),
    (Level::Ce1, 6, "CE1"),
    (Level::Ce2, 7, "CE2"),
    (Level::Cm1, 8, "CM1"),
    (Level::Cm2, 9, "CM2"),
    (Level::Sixieme, 10, "6e"),
    (Level::Cinquieme, 11, "5e"),
    (Level::Quatrieme, 12, "4e"),
    (Level::Troisieme, 13, "3e"),
    (Level::Seconde, 14, "2de"),
    (Level::Premiere, 15, "1re"),
    (Level::Terminale, 16, "Tle"),
    (Level::Cap1, 17, "CAP1"),
    (Level::Cap2, 18, "CAP2"),
    (Level::Bts1, 19, "BTS1"),
    (Level::Bts2, 20, "BTS2"),
    (Level::Cpge1, 21, "CPGE1"),
    (Level::Cpge2, 22, "CPGE2"),
];

impl Level {
    /// The level's label (`6e`, `CM2`, `Tle`…).
    pub fn label(self) -> &'static str {
        LEVELS.iter().find(|(l, _, _)| *l == self).map_or("", |(_, _, s)| s)
    }

    /// The level of a label, ignoring case (`6e`, `6E` and `6ème` are 6e).
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        let alias = match s.to_lowercase().as_str() {
            "6ème" | "6eme" | "sixième" => "6e",
            "5ème" | "5eme" | "cinquième" => "5e",
            "4ème" | "4eme" | "quatrième" => "4e",
            "3ème" | "3eme" | "troisième" => "3e",
            "seconde" | "2nde" => "2de",
            "première" | "1ère" => "1re",
            "terminale" => "Tle",
            _ => s,
        };
        LEVELS.iter().find(|(_, _, label)| label.eq_ignore_ascii_case(alias)).map(|(l, _, _)| *l)
    }

    fn code(self) -> u64 {
        LEVELS.iter().find(|(l, _, _)| *l == self).map_or(0, |(_, c, _)| *c)
    }

    fn from_code(code: u64) -> Option<Level> {
        LEVELS.iter().find(|(_, c, _)| *c == code).map(|(l, _, _)| *l)
    }
}

impl Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// Régime: how the pupil takes lunch and board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum Regime {
    Externe,
    DemiPensionnaire,
    Interne,
}

impl Regime {
    /// Its name (`externe`, `demi-pensionnaire`, `interne`).
    pub fn name(self) -> &'static str {
        match self {
            Regime::Externe => "externe",
            Regime::DemiPensionnaire => "demi-pensionnaire",
            Regime::Interne => "interne",
        }
    }

    fn parse(s: &str) -> Option<Regime> {
        [Regime::Externe, Regime::DemiPensionnaire, Regime::Interne]
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(s.trim()))
    }

    fn code(self) -> u64 {
        match self {
            Regime::Externe => 1,
            Regime::DemiPensionnaire => 2,
            Regime::Interne => 3,
        }
    }

    fn from_code(code: u64) -> Option<Regime> {
        [Regime::Externe, Regime::DemiPensionnaire, Regime::Interne].into_iter().find(|r| r.code() == code)
    }
}

/// A school year, `2025-2026`: 1 September to 31 August.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchoolYear {
    start: i32,
}

impl SchoolYear {
    /// The year starting in September of `start` (2000 to 2198).
    pub fn starting(start: i32) -> Option<SchoolYear> {
        (2000..=2198).contains(&start).then_some(SchoolYear { start })
    }

    /// Parses `YYYY-YYYY` where the second year follows the first.
    pub fn parse(s: &str) -> Option<SchoolYear> {
        let (a, b) = s.trim().split_once('-')?;
        if a.len() != 4 || b.len() != 4 || !a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let (a, b): (i32, i32) = (a.parse().ok()?, b.parse().ok()?);
        if b != a + 1 {
            return None;
        }
        SchoolYear::starting(a)
    }

    /// The calendar year in which it starts.
    pub fn start_year(self) -> i32 {
        self.start
    }

    /// 1 September of the start year.
    pub fn first_day(self) -> Date {
        Date::new(self.start, 9, 1).unwrap_or(Date::EPOCH)
    }

    /// 31 August of the following year.
    pub fn last_day(self) -> Date {
        Date::new(self.start + 1, 8, 31).unwrap_or(Date::EPOCH)
    }

    /// The dates a certificate for this year may be issued on, first and
    /// last included: from 1 January of the year it starts (a certificate
    /// for the next year, issued at enrolment) to its last day, 31 August.
    /// Checked at issuance and again when a certificate is decoded.
    pub fn issue_dates(self) -> (Date, Date) {
        (Date::new(self.start, 1, 1).unwrap_or(Date::EPOCH), self.last_day())
    }

    /// Validity window: from midnight in Paris on 1 September to midnight in
    /// Paris at the end of 31 August (exclusive).
    pub fn window(self) -> (Timestamp, Timestamp) {
        let end = Date::new(self.start + 1, 9, 1).unwrap_or(Date::EPOCH);
        (self.first_day().paris_midnight(), end.paris_midnight())
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.start + 1)
    }
}

impl Serialize for SchoolYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Checks a UAI (school code): 7 digits then a check letter, the remainder
/// of the number modulo 23 in `ABCDEFGHJKLMNPRSTUVWXYZ`.
pub fn uai_is_valid(uai: &str) -> bool {
    let b = uai.as_bytes();
    b.len() == 8
        && b.iter().take(7).all(u8::is_ascii_digit)
        && uai_of_number(uai_number(uai)).is_some_and(|canonical| canonical == uai)
}

/// The longest serial, in bytes.
pub const MAX_SERIAL_LEN: usize = 32;

/// Whether a serial is 1 to 32 characters of `A-Z a-z 0-9 . _ -`.
pub fn serial_is_valid(serial: &str) -> bool {
    (1..=MAX_SERIAL_LEN).contains(&serial.len())
        && serial.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// A signed certificate's content, whatever its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificate {
    /// Serial number, unique to the issuer (`cti`).
    pub serial: String,
    /// Date of issue (`iat`).
    pub issued_on: Date,
    /// The académie the school belongs to (`iss`).
    pub academie: String,
    /// Start of validity, Unix seconds (`nbf`).
    #[serde(serialize_with = "ser_time")]
    pub valid_from: Timestamp,
    /// End of validity, exclusive, Unix seconds (`exp`).
    #[serde(serialize_with = "ser_time")]
    pub valid_until: Timestamp,
    /// The kind's own fields.
    #[serde(flatten)]
    pub body: Body,
    /// Its place in its issuer key's status list (claim 65535), when it has
    /// one. Not part of reports: the verdict says what it gave.
    #[serde(skip)]
    pub status: Option<StatusRef>,
}

fn ser_time<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::time::format_rfc3339(*t))
}

/// The fields of each document kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Body {
    /// Certificat de scolarité.
    CertificatDeScolarite(SchoolCertificate),
}

/// The fields of a certificat de scolarité.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolCertificate {
    /// Family name (NFC).
    pub family_name: String,
    /// Given names (NFC).
    pub given_names: String,
    /// Date of birth.
    pub birth_date: Date,
    /// UAI of the school, with its check letter.
    pub school_uai: String,
    /// Name of the school.
    pub school_name: String,
    /// Town of the school.
    pub school_town: String,
    /// School year.
    pub school_year: SchoolYear,
    /// Class level.
    pub level: Level,
    /// Régime, when stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regime: Option<Regime>,
}

impl Certificate {
    /// The document kind.
    pub fn kind(&self) -> DocumentKind {
        match self.body {
            Body::CertificatDeScolarite(_) => DocumentKind::CertificatDeScolarite,
        }
    }
}

/// What an issuer provides for a certificat de scolarité: the keys of
/// `cert.json` and the columns of a batch CSV. Empty optional values are
/// treated as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SchoolCertificateInput {
    pub family_name: String,
    pub given_names: String,
    pub birth_date: String,
    pub school_uai: String,
    pub school_name: String,
    pub school_town: String,
    pub academie: String,
    pub school_year: String,
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<String>,
}

/// One field refused at issuance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's key in `cert.json`.
    pub field: &'static str,
    /// Stable code of the problem.
    pub code: FieldProblem,
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldProblem {
    /// Required and empty.
    Missing,
    /// Longer than its limit.
    TooLong,
    /// Holds a character it may not (control, bidirectional override, digit in a name…).
    ForbiddenCharacter,
    /// Not a real date `YYYY-MM-DD`.
    InvalidDate,
    /// A date out of its range (birth after issue, issue outside the school year…).
    DateOutOfRange,
    /// UAI not 7 digits and the right check letter.
    InvalidUai,
    /// School year not `YYYY-YYYY+1`.
    InvalidSchoolYear,
    /// Level not in the closed list.
    UnknownLevel,
    /// Régime not externe, demi-pensionnaire or interne.
    UnknownRegime,
    /// Serial not 1 to 32 of `A-Z a-z 0-9 . _ -`.
    InvalidSerial,
    /// A status list URI that [`uri_is_valid`] refuses.
    InvalidStatusUri,
}

impl FieldProblem {
    /// Every problem (tests/codes.rs holds their codes to FORMAT.md).
    pub const ALL: [FieldProblem; 11] = [
        FieldProblem::Missing,
        FieldProblem::TooLong,
        FieldProblem::ForbiddenCharacter,
        FieldProblem::InvalidDate,
        FieldProblem::DateOutOfRange,
        FieldProblem::InvalidUai,
        FieldProblem::InvalidSchoolYear,
        FieldProblem::UnknownLevel,
        FieldProblem::UnknownRegime,
        FieldProblem::InvalidSerial,
        FieldProblem::InvalidStatusUri,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            FieldProblem::Missing => "missing",
            FieldProblem::TooLong => "too-long",
            FieldProblem::ForbiddenCharacter => "forbidden-character",
            FieldProblem::InvalidDate => "invalid-date",
            FieldProblem::DateOutOfRange => "date-out-of-range",
            FieldProblem::InvalidUai => "invalid-uai",
            FieldProblem::InvalidSchoolYear => "invalid-school-year",
            FieldProblem::UnknownLevel => "unknown-level",
            FieldProblem::UnknownRegime => "unknown-regime",
            FieldProblem::InvalidSerial => "invalid-serial",
            FieldProblem::InvalidStatusUri => "invalid-status-uri",
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.code.code())
    }
}

/// Every field refused at issuance (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueError(pub Vec<FieldError>);

impl fmt::Display for IssueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for IssueError {}

/// Length limits, in characters (Unicode scalar values, after NFC).
pub mod limits {
    /// Family name.
    pub const FAMILY_NAME: usize = 64;
    /// Given names.
    pub const GIVEN_NAMES: usize = 64;
    /// School name.
    pub const SCHOOL_NAME: usize = 96;
    /// School town.
    pub const SCHOOL_TOWN: usize = 64;
    /// Académie.
    pub const ACADEMIE: usize = 48;
}

/// Invisible characters that can reorder, hide or pad text, and the line
/// and paragraph separators that break it like a line feed: never in a
/// field. (Soft hyphen, Arabic letter mark, Hangul fillers, Mongolian vowel
/// separator, zero-width and bidirectional controls, U+2028 and U+2029,
/// word joiners and invisible operators, variation selectors, byte-order
/// mark, interlinear annotation, tag characters.)
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn fail(&mut self, field: &'static str, code: FieldProblem) {
        self.errors.push(FieldError { field, code });
    }

    /// NFC, trimmed, collapsed spaces; within `max` characters; printable.
    fn text(&mut self, field: &'static str, value: &str, max: usize, name: bool) -> String {
        let nfc: String = value.nfc().collect();
        let clean = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
        if clean.is_empty() {
            self.fail(field, FieldProblem::Missing);
        } else if clean.chars().count() > max {
            self.fail(field, FieldProblem::TooLong);
        } else if clean.chars().any(|c| c.is_control() || is_invisible_or_bidi(c) || (name && !is_name_char(c))) {
            self.fail(field, FieldProblem::ForbiddenCharacter);
        }
        clean
    }

    fn date(&mut self, field: &'static str, value: &str) -> Option<Date> {
        let d = Date::parse(value.trim());
        if d.is_none() {
            self.fail(field, if value.trim().is_empty() { FieldProblem::Missing } else { FieldProblem::InvalidDate });
        }
        d
    }
}

/// Letters (any script), combining marks kept by NFC, space, hyphen, apostrophes and period.
fn is_name_char(c: char) -> bool {
    c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.') || ('\u{0300}'..='\u{036F}').contains(&c)
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl SchoolCertificateInput {
    /// Checks every field and builds the certificate. `today` is the issue
    /// date when the input gives none. The flag is true when the input gives
    /// no serial: the caller derives one (see [`crate::issue::derive_serial`]).
    pub fn validate(&self, today: Date) -> Result<(Certificate, bool), IssueError> {
        let mut c = Checker { errors: Vec::new() };
        let family_name = c.text("family_name", &self.family_name, limits::FAMILY_NAME, true);
        let given_names = c.text("given_names", &self.given_names, limits::GIVEN_NAMES, true);
        let school_name = c.text("school_name", &self.school_name, limits::SCHOOL_NAME, false);
        let school_town = c.text("school_town", &self.school_town, limits::SCHOOL_TOWN, false);
        let academie = c.text("academie", &self.academie, limits::ACADEMIE, false);
        let birth_date = c.date("birth_date", &self.birth_date);
        let school_uai = self.school_uai.trim().to_ascii_uppercase();
        if school_uai.is_empty() {
            c.fail("school_uai", FieldProblem::Missing);
        } else if !uai_is_valid(&school_uai) {
            c.fail("school_uai", FieldProblem::InvalidUai);
        }
        let school_year = SchoolYear::parse(&self.school_year);
        if school_year.is_none() {
            c.fail(
                "school_year",
                if self.school_year.trim().is_empty() {
                    FieldProblem::Missing
                } else {
                    FieldProblem::InvalidSchoolYear
                },
            );
        }
        let level = Level::parse(&self.level);
        if level.is_none() {
            c.fail(
                "level",
                if self.level.trim().is_empty() { FieldProblem::Missing } else { FieldProblem::UnknownLevel },
            );
        }
        let regime = match non_empty(&self.regime) {
            None => None,
            Some(r) => {
                let parsed = Regime::parse(r);
                if parsed.is_none() {
                    c.fail("regime", FieldProblem::UnknownRegime);
                }
                parsed
            }
        };
        let serial = non_empty(&self.serial).map(str::to_owned);
        if let Some(s) = &serial {
            if !serial_is_valid(s) {
                c.fail("serial", FieldProblem::InvalidSerial);
            }
        }
        let issued_on = match non_empty(&self.issued_on) {
            None => Some(today),
            Some(s) => c.date("issued_on", s),
        };
        if let (Some(issued), Some(year)) = (issued_on, school_year) {
            let (first, last) = year.issue_dates();
            if issued < first || issued > last {
                c.fail("issued_on", FieldProblem::DateOutOfRange);
            }
        }
        if let (Some(birth), Some(issued)) = (birth_date, issued_on) {
            if birth >= issued {
                c.fail("birth_date", FieldProblem::DateOutOfRange);
            }
        }
        match (birth_date, issued_on, school_year, level) {
            (Some(birth_date), Some(issued_on), Some(school_year), Some(level)) if c.errors.is_empty() => {
                let (valid_from, valid_until) = school_year.window();
                let derived = serial.is_none();
                let cert = Certificate {
                    serial: serial.unwrap_or_default(),
                    issued_on,
                    academie,
                    valid_from,
                    valid_until,
                    body: Body::CertificatDeScolarite(SchoolCertificate {
                        family_name,
                        given_names,
                        birth_date,
                        school_uai,
                        school_name,
                        school_town,
                        school_year,
                        level,
                        regime,
                    }),
                    status: None,
                };
                Ok((cert, derived))
            }
            _ => Err(IssueError(c.errors)),
        }
    }
}

/// Why a payload is not a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimsError {
    /// Not the CBOR expected.
    Cbor(CborError),
    /// A required claim or field is missing.
    Missing(&'static str),
    /// An unknown claim or field key.
    UnknownKey(i64),
    /// A field holds an impossible value (bad date, unknown level…).
    Invalid(&'static str),
    /// A document kind this build does not know.
    UnknownKind(u64),
}

impl ClaimsError {
    /// Its code, for reports.
    pub fn as_code(self) -> Code {
        match self {
            ClaimsError::Cbor(e) => e.as_code(),
            ClaimsError::Missing(_) => Code::ClaimMissing,
            ClaimsError::UnknownKey(_) => Code::ClaimUnknown,
            ClaimsError::Invalid(_) => Code::ClaimInvalid,
            ClaimsError::UnknownKind(_) => Code::UnknownDocumentKind,
        }
    }

    /// Stable code, for reports: the text of [`ClaimsError::as_code`].
    pub fn code(self) -> &'static str {
        self.as_code().as_str()
    }
}

impl From<CborError> for ClaimsError {
    fn from(e: CborError) -> Self {
        ClaimsError::Cbor(e)
    }
}

impl fmt::Display for ClaimsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimsError::Missing(what) | ClaimsError::Invalid(what) => write!(f, "{}: {what}", self.code()),
            ClaimsError::UnknownKey(k) => write!(f, "{}: {k}", self.code()),
            ClaimsError::UnknownKind(k) => write!(f, "{}: {k}", self.code()),
            ClaimsError::Cbor(_) => f.write_str(self.code()),
        }
    }
}

// Keys of the certificat de scolarité map.
// The school year is not repeated: it is the year of `nbf`.
const F_KIND: i64 = 0;
const F_FAMILY: i64 = 1;
const F_GIVEN: i64 = 2;
const F_BIRTH: i64 = 3;
const F_UAI: i64 = 4;
const F_SCHOOL: i64 = 5;
const F_TOWN: i64 = 6;
const F_LEVEL: i64 = 7;
const F_REGIME: i64 = 8;

/// A UAI's 7 digits as a number (its check letter follows from them).
fn uai_number(uai: &str) -> u64 {
    uai.bytes().take(7).fold(0u64, |acc, d| acc * 10 + u64::from(d.wrapping_sub(b'0')))
}

/// The UAI of 7 digits given as a number, with its check letter.
fn uai_of_number(n: u64) -> Option<String> {
    const LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    if n > 9_999_999 {
        return None;
    }
    let letter = *LETTERS.get((n % 23) as usize)?;
    Some(format!("{n:07}{}", char::from(letter)))
}

/// Encodes a certificate's claims (the COSE payload), deterministically.
pub fn encode_claims(cert: &Certificate) -> Vec<u8> {
    let mut w = Writer::new();
    w.map(if cert.status.is_some() { 7 } else { 6 });
    w.int(CLAIM_ISS);
    w.text(&cert.academie);
    w.int(CLAIM_EXP);
    w.int(cert.valid_until);
    w.int(CLAIM_NBF);
    w.int(cert.valid_from);
    w.int(CLAIM_IAT);
    w.int(cert.issued_on.paris_midnight());
    w.int(CLAIM_CTI);
    w.bytes(cert.serial.as_bytes());
    // 65535 (`19 ffff`) sorts between 7 (`07`) and -65537 (`3a 00010000`).
    if let Some(status) = &cert.status {
        w.int(CLAIM_STATUS);
        w.map(1);
        w.text(STATUS_LIST);
        w.map(2);
        w.text("idx");
        w.uint(status.idx);
        w.text("uri");
        w.text(&status.uri);
    }
    w.int(CLAIM_CERTIFICATE);
    match &cert.body {
        Body::CertificatDeScolarite(s) => {
            w.map(if s.regime.is_some() { 9 } else { 8 });
            w.int(F_KIND);
            w.uint(DocumentKind::CertificatDeScolarite.code());
            w.int(F_FAMILY);
            w.text(&s.family_name);
            w.int(F_GIVEN);
            w.text(&s.given_names);
            w.int(F_BIRTH);
            w.int(s.birth_date.days_since_epoch());
            w.int(F_UAI);
            w.uint(uai_number(&s.school_uai));
            w.int(F_SCHOOL);
            w.text(&s.school_name);
            w.int(F_TOWN);
            w.text(&s.school_town);
            w.int(F_LEVEL);
            w.uint(s.level.code());
            if let Some(r) = s.regime {
                w.int(F_REGIME);
                w.uint(r.code());
            }
        }
    }
    w.buf
}

/// A required value read from a map, or the claim it is missing as.
fn required<T>(value: Option<T>, name: &'static str) -> Result<T, ClaimsError> {
    value.ok_or(ClaimsError::Missing(name))
}

/// A text field: NFC is not re-checked (the issuer signed it), but control
/// and invisible or bidirectional characters are refused, whoever signed them.
fn read_text(r: &mut Reader<'_>, name: &'static str, max: usize) -> Result<String, ClaimsError> {
    let s = r.text()?;
    if s.is_empty() || s.chars().count() > max || s.chars().any(|c| c.is_control() || is_invisible_or_bidi(c)) {
        return Err(ClaimsError::Invalid(name));
    }
    Ok(s.to_owned())
}

/// Decodes a payload into a certificate. Everything is checked that can be
/// checked without a key: the structure is the one and only encoding (keys
/// in canonical order, none repeated, none unknown), the instants `exp`,
/// `nbf` and `iat` are unsigned integers, and the validity window and the
/// issue date are the ones its kind prescribes.
///
/// [`verify`](crate::verify::verify) calls it before the signature is
/// checked (FORMAT.md, "Order of the checks"): it reads at most the bytes
/// it is given, allocates only what it returns and never recurses, whoever
/// made the bytes.
pub fn decode_claims(payload: &[u8]) -> Result<Certificate, ClaimsError> {
    let mut r = Reader::new(payload);
    let n = r.map()?;
    let mut prev = None;
    let (mut academie, mut exp, mut nbf, mut iat, mut serial, mut body) = (None, None, None, None, None, None);
    let mut status = None;
    for _ in 0..n {
        match r.key(&mut prev)? {
            CLAIM_ISS => academie = Some(read_text(&mut r, "iss", limits::ACADEMIE)?),
            // Instants are uints (FORMAT.md, "Payload"): a negative one is
            // `cbor-unexpected-type`, one beyond i64 `cbor-out-of-range`.
            CLAIM_EXP => exp = Some(r.uint_i64()?),
            CLAIM_NBF => nbf = Some(r.uint_i64()?),
            CLAIM_IAT => iat = Some(Date::from_paris_midnight(r.uint_i64()?).ok_or(ClaimsError::Invalid("iat"))?),
            CLAIM_CTI => {
                let cti = std::str::from_utf8(r.bytes()?).map_err(|_| ClaimsError::Invalid("cti"))?;
                if !serial_is_valid(cti) {
                    return Err(ClaimsError::Invalid("cti"));
                }
                serial = Some(cti.to_owned());
            }
            CLAIM_STATUS => status = Some(decode_status(&mut r)?),
            // `nbf` (5) sorts before this claim, so it has been read if present.
            CLAIM_CERTIFICATE => body = Some(decode_body(&mut r, required(nbf, "nbf")?)?),
            other => return Err(ClaimsError::UnknownKey(other)),
        }
    }
    r.finish()?;
    let academie = required(academie, "iss")?;
    let valid_until = required(exp, "exp")?;
    let valid_from = required(nbf, "nbf")?;
    let issued_on = required(iat, "iat")?;
    let serial = required(serial, "cti")?;
    let body = required(body, "certificate")?;
    match &body {
        Body::CertificatDeScolarite(s) => {
            if s.school_year.window() != (valid_from, valid_until) {
                return Err(ClaimsError::Invalid("validity window"));
            }
            // Issued on a date the issuer's own checks allow for that year.
            let (first, last) = s.school_year.issue_dates();
            if issued_on < first || issued_on > last {
                return Err(ClaimsError::Invalid("iat"));
            }
        }
    }
    Ok(Certificate { serial, issued_on, academie, valid_from, valid_until, body, status })
}

/// The `status` claim: exactly `{"status_list": {"idx": uint, "uri": tstr}}`,
/// text keys in canonical order (`"idx"` before `"uri"`), no other status
/// mechanism, and a URI that [`uri_is_valid`] accepts.
fn decode_status(r: &mut Reader<'_>) -> Result<StatusRef, ClaimsError> {
    let invalid = ClaimsError::Invalid("status");
    if r.map()? != 1 || r.text()? != STATUS_LIST || r.map()? != 2 {
        return Err(invalid);
    }
    match r.text()? {
        "idx" => {}
        "uri" => return Err(CborError::KeyOrder.into()),
        _ => return Err(invalid),
    }
    let idx = r.uint()?;
    if r.text()? != "uri" {
        return Err(invalid);
    }
    let uri = r.text()?;
    if !uri_is_valid(uri) {
        return Err(ClaimsError::Invalid("status uri"));
    }
    Ok(StatusRef { idx, uri: uri.to_owned() })
}

/// The certificate map: key 0 (always first in canonical order) names the
/// kind, and the kind says which fields follow.
fn decode_body(r: &mut Reader<'_>, nbf: Timestamp) -> Result<Body, ClaimsError> {
    let n = r.map()?;
    let mut prev = None;
    if n == 0 || r.key(&mut prev)? != F_KIND {
        return Err(ClaimsError::Missing("kind"));
    }
    let code = r.uint()?;
    match DocumentKind::from_code(code).ok_or(ClaimsError::UnknownKind(code))? {
        DocumentKind::CertificatDeScolarite => decode_school_certificate(r, n - 1, prev, nbf),
    }
}

fn decode_school_certificate<'a>(
    r: &mut Reader<'a>,
    fields: usize,
    mut prev: Option<&'a [u8]>,
    nbf: Timestamp,
) -> Result<Body, ClaimsError> {
    // The school year is the one that starts at `nbf` (1 September, midnight
    // in Paris); the caller checks that `exp` closes that same year.
    let school_year = Date::from_paris_midnight(nbf)
        .filter(|d| d.month() == 9 && d.day() == 1)
        .and_then(|d| SchoolYear::starting(d.year()))
        .ok_or(ClaimsError::Invalid("validity window"))?;
    let (mut family_name, mut given_names, mut birth_date, mut school_uai) = (None, None, None, None);
    let (mut school_name, mut school_town, mut level, mut regime) = (None, None, None, None);
    for _ in 0..fields {
        match r.key(&mut prev)? {
            F_FAMILY => family_name = Some(read_text(r, "family_name", limits::FAMILY_NAME)?),
            F_GIVEN => given_names = Some(read_text(r, "given_names", limits::GIVEN_NAMES)?),
            F_BIRTH => {
                birth_date = Some(Date::from_days_since_epoch(r.int()?).ok_or(ClaimsError::Invalid("birth_date"))?)
            }
            F_UAI => school_uai = Some(uai_of_number(r.uint()?).ok_or(ClaimsError::Invalid("school_uai"))?),
            F_SCHOOL => school_name = Some(read_text(r, "school_name", limits::SCHOOL_NAME)?),
            F_TOWN => school_town = Some(read_text(r, "school_town", limits::SCHOOL_TOWN)?),
            F_LEVEL => level = Some(Level::from_code(r.uint()?).ok_or(ClaimsError::Invalid("level"))?),
            F_REGIME => regime = Some(Regime::from_code(r.uint()?).ok_or(ClaimsError::Invalid("regime"))?),
            other => return Err(ClaimsError::UnknownKey(other)),
        }
    }
    Ok(Body::CertificatDeScolarite(SchoolCertificate {
        family_name: required(family_name, "family_name")?,
        given_names: required(given_names, "given_names")?,
        birth_date: required(birth_date, "birth_date")?,
        school_uai: required(school_uai, "school_uai")?,
        school_name: required(school_name, "school_name")?,
        school_town: required(school_town, "school_town")?,
        school_year,
        level: required(level, "level")?,
        regime,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn input() -> SchoolCertificateInput {
        SchoolCertificateInput {
            regime: Some("demi-pensionnaire".into()),
            issued_on: Some("2025-09-15".into()),
            ..crate::doc_example_input()
        }
    }

    #[test]
    fn uai_check_letters() {
        assert!(uai_is_valid("0750654D")); // Lycée Louis-le-Grand
        assert!(uai_is_valid("0750699C")); // Lycée Henri-IV
        assert!(!uai_is_valid("0750654E"));
        assert!(!uai_is_valid("0750001A")); // the illustrative code of DOMAIN.md has the wrong letter
        assert!(!uai_is_valid("075065D"));
        assert!(!uai_is_valid("0750654DD"));
    }

    #[test]
    fn claims_round_trip() {
        let (cert, derived) = input().validate(Date::parse("2025-10-01").unwrap()).unwrap();
        assert!(!derived);
        let bytes = encode_claims(&cert);
        assert_eq!(decode_claims(&bytes), Ok(cert));
    }

    #[test]
    fn the_status_claim_round_trips_between_cti_and_the_certificate() {
        let (mut cert, _) = input().validate(Date::parse("2025-10-01").unwrap()).unwrap();
        cert.status = Some(StatusRef::new(1_234_567));
        let bytes = encode_claims(&cert);
        let claim = [
            &[0x19, 0xff, 0xff, 0xa1, 0x6b][..], // key 65535: status, map(1), text(11)
            b"status_list",
            &[0xa2, 0x63], // map(2), text(3)
            b"idx",
            &[0x1a, 0x00, 0x12, 0xd6, 0x87, 0x63], // 1234567, text(3)
            b"uri",
            &[0x63], // text(3)
            b"cc:",
            &[0x3a, 0x00, 0x01, 0x00, 0x00], // key -65537: the certificate follows
        ]
        .concat();
        assert!(bytes.windows(claim.len()).any(|w| w == claim), "{}", hex::encode(&bytes));
        assert_eq!(decode_claims(&bytes), Ok(cert.clone()));
        let swapped = hex::encode(&bytes)
            .replace("63696478", "63XXXXXX")
            .replace("63757269", "63696478")
            .replace("63XXXXXX", "63757269");
        assert!(decode_claims(&hex::decode(swapped).unwrap()).is_err());
        cert.status = Some(StatusRef { idx: 1, uri: "no scheme".into() });
        assert_eq!(decode_claims(&encode_claims(&cert)), Err(ClaimsError::Invalid("status uri")));
    }

    #[test]
    fn instants_are_unsigned_and_the_issue_date_within_the_issuing_window() {
        let (cert, _) = input().validate(Date::parse("2025-10-01").unwrap()).unwrap();
        let decode = |edit: &dyn Fn(&mut Certificate)| {
            let mut c = cert.clone();
            edit(&mut c);
            decode_claims(&encode_claims(&c))
        };
        // A negative instant is another CBOR type, whatever it would mean:
        // 1 September 1960, a real Paris midnight, is refused as `iat`.
        let date = |s| Date::parse(s).unwrap();
        let negative = date("1960-09-01");
        assert!(negative.paris_midnight() < 0);
        assert_eq!(decode(&|c| c.issued_on = negative), Err(ClaimsError::Cbor(CborError::UnexpectedType)));
        assert_eq!(decode(&|c| c.valid_from = -1), Err(ClaimsError::Cbor(CborError::UnexpectedType)));
        assert_eq!(decode(&|c| c.valid_until = i64::MIN), Err(ClaimsError::Cbor(CborError::UnexpectedType)));
        // The issue date: 1 January of the year the school year starts to
        // 31 August of the year it ends, as at issuance.
        for ok in ["2025-01-01", "2026-08-31"] {
            assert_eq!(decode(&|c| c.issued_on = date(ok)).map(|c| c.issued_on), Ok(date(ok)), "{ok}");
        }
        for bad in ["2024-12-31", "2026-09-01", "1970-01-02", "2199-12-31"] {
            assert_eq!(decode(&|c| c.issued_on = date(bad)), Err(ClaimsError::Invalid("iat")), "{bad}");
        }
        assert_eq!(
            SchoolYear::starting(2025).map(SchoolYear::issue_dates),
            Some((date("2025-01-01"), date("2026-08-31")))
        );
    }

    #[test]
    fn a_line_or_paragraph_separator_in_a_text_is_refused_like_a_line_feed() {
        let (cert, _) = input().validate(Date::parse("2025-10-01").unwrap()).unwrap();
        for (sep, what) in [('\n', "line feed"), ('\u{85}', "NEL"), ('\u{2028}', "U+2028"), ('\u{2029}', "U+2029")] {
            let mut c = cert.clone();
            let Body::CertificatDeScolarite(s) = &mut c.body;
            s.family_name = format!("Martin{sep}Certificat annulé");
            assert_eq!(decode_claims(&encode_claims(&c)), Err(ClaimsError::Invalid("family_name")), "{what}");
        }
        // At issuance they are white space: collapsed to one space.
        let mut i = input();
        i.family_name = "Martin\u{2028}Dupont".into();
        let (cert, _) = i.validate(Date::parse("2025-10-01").unwrap()).unwrap();
        let Body::CertificatDeScolarite(s) = cert.body;
        assert_eq!(s.family_name, "Martin Dupont");
    }

    #[test]
    fn names_are_normalised_to_nfc() {
        let mut i = input();
        i.given_names = "Le\u{301}a  Marie".into();
        let (cert, _) = i.validate(Date::parse("2025-10-01").unwrap()).unwrap();
        let Body::CertificatDeScolarite(s) = cert.body;
        assert_eq!(s.given_names, "Léa Marie");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut i = input();
        i.family_name = "Mar\u{202E}tin".into();
        i.given_names = "L".repeat(65);
        i.birth_date = "2013-02-30".into();
        i.school_uai = "0750654E".into();
        i.school_year = "2025-2027".into();
        i.level = "7e".into();
        i.regime = Some("pensionnaire".into());
        i.serial = Some("a b".into());
        let err = i.validate(Date::parse("2025-10-01").unwrap()).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("family_name", FieldProblem::ForbiddenCharacter),
                ("given_names", FieldProblem::TooLong),
                ("birth_date", FieldProblem::InvalidDate),
                ("school_uai", FieldProblem::InvalidUai),
                ("school_year", FieldProblem::InvalidSchoolYear),
                ("level", FieldProblem::UnknownLevel),
                ("regime", FieldProblem::UnknownRegime),
                ("serial", FieldProblem::InvalidSerial),
            ]
        );
    }

    #[test]
    fn levels_parse_with_aliases() {
        assert_eq!(Level::parse("6ème"), Some(Level::Sixieme));
        assert_eq!(Level::parse("terminale"), Some(Level::Terminale));
        assert_eq!(Level::parse("cm2"), Some(Level::Cm2));
        assert_eq!(Level::parse("Tle").map(Level::label), Some("Tle"));
        assert_eq!(Level::parse("12e"), None);
    }
}
