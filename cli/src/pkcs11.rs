//! Keys in a hardware module, through PKCS#11 (Cryptoki): `--key pkcs11:…`
//! wherever a secret key file is taken, and `cachet keygen --pkcs11 …`.
//!
//! The key is named by an RFC 7512 URI: `pkcs11:token=LABEL;object=LABEL`
//! (also `id=`, `serial=`, `manufacturer=`, `model=`, `slot-id=`, `type=private`),
//! with the query attributes `module-path=` and `pin-source=` (after `?`,
//! joined by `&`; accepted among the path attributes too). Any other
//! attribute is refused (`pkcs11-uri-invalid`): a misspelt one must not
//! widen the search to another key. `pin-value=` is refused too: the PIN is
//! never on a command line, where `ps` and the shell's history show it. The
//! PIN comes from `pin-source=file:…` (or a bare path), else the variable
//! `CACHET_PKCS11_PIN`; the module from `module-path=`, else
//! `CACHET_PKCS11_MODULE`, else Debian's SoftHSM2 ([`DEFAULT_MODULE`]).
//!
//! A key is Ed25519: a private key object (`CKK_EC_EDWARDS`) and its public
//! key object of the same label (and id), whose `CKA_EC_POINT` is the DER
//! OCTET STRING of the 32-byte key (RFC 8410; the bare 32 bytes are read
//! too). When a key is opened, a test message is signed by the module
//! (`CKM_EDDSA`, pure Ed25519) and verified with the public key read: a
//! private key that is not the public key's pair is refused
//! (`pkcs11-key-mismatch`) before anything is issued.
//!
//! Signing is done in sessions of one login: each signature takes a session
//! from a pool (one per thread that signs at the same time, opened on
//! demand) and gives it back, so a batch signs on every core with no
//! session shared between threads (the PKCS#11 rule).

use crate::error::{note, CliError, Message};
use crate::files;
use cachet::keys::{KeyId, PublicKey};
use cachet::Lang;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The module loaded when neither the URI nor `CACHET_PKCS11_MODULE` names
/// one: Debian's SoftHSM2 (`apt-get install softhsm2`).
pub const DEFAULT_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The variable that may hold the user PIN.
pub const PIN_VAR: &str = "CACHET_PKCS11_PIN";
/// The variable that may name the module.
pub const MODULE_VAR: &str = "CACHET_PKCS11_MODULE";

/// DER of the OID 1.3.101.112 (id-Ed25519, RFC 8410): `CKA_EC_PARAMS` of an Ed25519 key.
const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
/// `CKA_EC_PARAMS` as a PrintableString curve name, as some modules write it.
const ED25519_NAME: &[u8] = b"\x13\x0cedwards25519";
/// What is signed to check that the private key is the public key's pair.
const PROBE: &[u8] = b"cachet/pkcs11-probe/v1";

/// Whether a `--key`/`--root` argument is a PKCS#11 URI rather than a file.
pub fn uri_of(arg: &Path) -> Option<&str> {
    arg.to_str().filter(|s| s.starts_with("pkcs11:"))
}

/// A parsed RFC 7512 URI: what selects the token and the key, and where
/// the module and the PIN are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uri {
    /// `token=`: the token's label.
    pub token: Option<String>,
    /// `manufacturer=`, `model=`, `serial=`: the token's.
    pub manufacturer: Option<String>,
    /// The token's model.
    pub model: Option<String>,
    /// The token's serial number.
    pub serial: Option<String>,
    /// `slot-id=`.
    pub slot_id: Option<u64>,
    /// `object=`: the key objects' label.
    pub object: Option<String>,
    /// `id=`: the key objects' `CKA_ID` bytes.
    pub id: Option<Vec<u8>>,
    /// `module-path=`.
    pub module_path: Option<PathBuf>,
    /// `pin-source=`.
    pub pin_source: Option<String>,
}

impl Uri {
    /// Parses `pkcs11:path?query` (RFC 7512 §2.3), percent-decoding values.
    pub fn parse(text: &str) -> Result<Uri, CliError> {
        let bad = |detail: &str| {
            CliError::usage(Message::new("pkcs11-uri-invalid").arg("uri", redact(text)).arg("detail", detail))
        };
        let body = text.strip_prefix("pkcs11:").ok_or_else(|| bad("pkcs11:"))?;
        let (path, query) = body.split_once('?').unwrap_or((body, ""));
        let mut uri = Uri::default();
        let attributes = path.split(';').chain(query.split('&')).filter(|a| !a.is_empty());
        for attribute in attributes {
            let (name, value) = attribute.split_once('=').ok_or_else(|| bad(attribute))?;
            let bytes = pct_decode(value).ok_or_else(|| bad(name))?;
            let text_value = || String::from_utf8(bytes.clone()).map_err(|_| bad(name));
            let slot = match name {
                "token" => &mut uri.token,
                "manufacturer" => &mut uri.manufacturer,
                "model" => &mut uri.model,
                "serial" => &mut uri.serial,
                "object" => &mut uri.object,
                "pin-source" => &mut uri.pin_source,
                "slot-id" => {
                    let id = text_value()?.parse().map_err(|_| bad(name))?;
                    if uri.slot_id.replace(id).is_some() {
                        return Err(bad(name));
                    }
                    continue;
                }
                "id" => {
                    if uri.id.replace(bytes).is_some() {
                        return Err(bad(name));
                    }
                    continue;
                }
                "module-path" => {
                    if uri.module_path.replace(PathBuf::from(text_value()?)).is_some() {
                        return Err(bad(name));
                    }
                    continue;
                }
                "type" if value == "private" => continue,
                "pin-value" => return Err(CliError::usage(Message::new("pkcs11-pin-in-uri"))),
                _ => return Err(bad(name)),
            };
            if slot.replace(text_value()?).is_some() {
                return Err(bad(name));
            }
        }
        if uri.object.is_none() && uri.id.is_none() {
            return Err(bad("object="));
        }
        Ok(uri)
    }

    /// The module's library: `module-path=`, else `CACHET_PKCS11_MODULE`, else [`DEFAULT_MODULE`].
    pub fn module(&self) -> PathBuf {
        self.module_path
            .clone()
            .or_else(|| std::env::var_os(MODULE_VAR).filter(|v| !v.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_MODULE))
    }

    /// The user PIN: from `pin-source=` (a file, its last line end left
    /// out), else `CACHET_PKCS11_PIN`.
    fn pin(&self, lang: Lang) -> Result<AuthPin, CliError> {
        if let Some(source) = &self.pin_source {
            let path = Path::new(source.strip_prefix("file:").unwrap_or(source));
            let text = files::read_text(path, lang)?;
            let pin = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
            return Ok(AuthPin::from(pin));
        }
        match std::env::var(PIN_VAR) {
            Ok(pin) if !pin.is_empty() => Ok(AuthPin::from(pin.as_str())),
            _ => Err(CliError::usage(Message::new("pkcs11-pin-missing").arg("var", PIN_VAR))),
        }
    }

    /// The key objects' template: label and id, as given.
    fn key_template(&self, class: ObjectClass) -> Vec<Attribute> {
        let mut template = vec![Attribute::Class(class), Attribute::KeyType(KeyType::EC_EDWARDS)];
        if let Some(label) = &self.object {
            template.push(Attribute::Label(label.as_bytes().to_vec()));
        }
        if let Some(id) = &self.id {
            template.push(Attribute::Id(id.clone()));
        }
        template
    }

    /// The URI as messages show it: the key's name, never a PIN.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.token {
            parts.push(format!("token={t}"));
        }
        if let Some(o) = &self.object {
            parts.push(format!("object={o}"));
        }
        if let Some(id) = &self.id {
            parts.push(format!("id={}", id.iter().map(|b| format!("%{b:02x}")).collect::<String>()));
        }
        format!("pkcs11:{}", parts.join(";"))
    }
}

/// A URI as an error message may show it: up to its query (where a PIN's
/// file is named), and only printable characters.
fn redact(text: &str) -> String {
    text.split('?').next().unwrap_or_default().chars().filter(|c| !c.is_control()).take(200).collect()
}

/// RFC 3986 percent-decoding; `None` for a bad escape.
fn pct_decode(value: &str) -> Option<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

/// A key in a module, logged in, ready to sign.
pub struct Module {
    context: Pkcs11,
    slot: Slot,
    key: ObjectHandle,
    public: PublicKey,
    described: String,
    /// Sessions not in use; the first one opened holds the login for all.
    idle: Mutex<Vec<Session>>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Module({}, {})", self.described, self.public.key_id())
    }
}

/// Why a signature failed: the token is gone, or something else.
#[derive(Debug)]
pub struct SignError(CliError);

impl From<SignError> for CliError {
    fn from(e: SignError) -> CliError {
        e.0
    }
}

impl Module {
    /// Loads the module, finds the token, logs in, finds the key and checks
    /// that its private half signs for its public half.
    pub fn open(uri_text: &str, lang: Lang) -> Result<Module, CliError> {
        let uri = Uri::parse(uri_text)?;
        let (context, slot) = token(&uri)?;
        let session = context.open_ro_session(slot).map_err(|e| ck("pkcs11-session", &uri, &e))?;
        login(&session, &uri, lang)?;
        let described = uri.describe();
        let key = one_object(&session, &uri, ObjectClass::PRIVATE_KEY)?;
        let public = public_key(&session, &uri)?;
        let module = Module { context, slot, key, public, described, idle: Mutex::new(vec![session]) };
        let probe = module.sign(PROBE)?;
        if module.public.verify(PROBE, &probe).is_err() {
            return Err(CliError::usage(
                Message::new("pkcs11-key-mismatch").arg("uri", &module.described).arg("key_id", module.key_id()),
            ));
        }
        module.warn_if_extractable(lang);
        Ok(module)
    }

    /// The public key read from the token.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Its key id.
    pub fn key_id(&self) -> KeyId {
        self.public.key_id()
    }

    /// The key as messages name it.
    pub fn describe(&self) -> &str {
        &self.described
    }

    /// Signs `message` (pure Ed25519, `CKM_EDDSA` without parameters) in a
    /// session of the pool.
    pub fn sign(&self, message: &[u8]) -> Result<[u8; 64], SignError> {
        let taken = self.idle.lock().map(|mut idle| idle.pop()).unwrap_or(None);
        let session = match taken {
            Some(s) => s,
            // Another session of the same login: PKCS#11 logs in the application, not a session.
            None => self.context.open_ro_session(self.slot).map_err(|e| self.sign_error(&e))?,
        };
        let mechanism = Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure));
        let signature = session.sign(&mechanism, self.key, message).map_err(|e| self.sign_error(&e))?;
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(session);
        }
        signature.as_slice().try_into().map_err(|_| {
            SignError(CliError::usage(
                Message::new("pkcs11-sign").arg("uri", &self.described).arg("detail", "signature length"),
            ))
        })
    }

    fn sign_error(&self, e: &CkError) -> SignError {
        let code = match rv(e) {
            Some(
                RvError::DeviceRemoved
                | RvError::TokenNotPresent
                | RvError::DeviceError
                | RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::KeyHandleInvalid
                | RvError::ObjectHandleInvalid
                | RvError::UserNotLoggedIn
                | RvError::SlotIdInvalid
                | RvError::TokenNotRecognized,
            ) => "pkcs11-token-removed",
            _ => "pkcs11-sign",
        };
        SignError(CliError::usage(Message::new(code).arg("uri", &self.described).arg("detail", e)))
    }

    /// A private key that may leave the module (extractable, or not
    /// sensitive, or a module that does not say) is used, with a warning.
    fn warn_if_extractable(&self, lang: Lang) {
        let Ok(idle) = self.idle.lock() else { return };
        let Some(session) = idle.last() else { return };
        let values = session
            .get_attributes(self.key, &[AttributeType::Extractable, AttributeType::Sensitive])
            .unwrap_or_default();
        let kept = values.iter().any(|a| matches!(a, Attribute::Extractable(false)))
            && values.iter().any(|a| matches!(a, Attribute::Sensitive(true)));
        if !kept {
            let m = Message::new("pkcs11-key-extractable").arg("uri", &self.described);
            note(&format!("cachet: {} [{}]", m.text(lang), m.code));
        }
    }
}

/// The return value of a PKCS#11 call that failed, if that is what failed.
fn rv(e: &CkError) -> Option<RvError> {
    match e {
        CkError::Pkcs11(rv, _) => Some(*rv),
        _ => None,
    }
}

/// An error of a PKCS#11 call, named by `code`.
fn ck(code: &'static str, uri: &Uri, e: &CkError) -> CliError {
    CliError::usage(Message::new(code).arg("uri", uri.describe()).arg("detail", e))
}

/// Loads and initialises the module, and finds the one token the URI names.
fn token(uri: &Uri) -> Result<(Pkcs11, Slot), CliError> {
    let module = uri.module();
    if std::fs::metadata(&module).is_err() {
        return Err(CliError::usage(
            Message::new("pkcs11-module-missing").arg("path", module.display()).arg("var", MODULE_VAR),
        ));
    }
    let context = Pkcs11::new(&module)
        .map_err(|e| CliError::usage(Message::new("pkcs11-module").arg("path", module.display()).arg("detail", e)))?;
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) => {}
        Err(e) if rv(&e) == Some(RvError::CryptokiAlreadyInitialized) => {}
        Err(e) => {
            return Err(CliError::usage(Message::new("pkcs11-module").arg("path", module.display()).arg("detail", e)))
        }
    }
    let slots = context.get_slots_with_token().map_err(|e| ck("pkcs11-module", uri, &e))?;
    let mut found = Vec::new();
    let mut seen = Vec::new();
    for slot in slots {
        let Ok(info) = context.get_token_info(slot) else { continue };
        let label = info.label().trim_end().to_owned();
        let same = |want: &Option<String>, got: &str| want.as_deref().is_none_or(|w| w == got.trim_end());
        if same(&uri.token, &label)
            && same(&uri.manufacturer, info.manufacturer_id())
            && same(&uri.model, info.model())
            && same(&uri.serial, info.serial_number())
            && uri.slot_id.is_none_or(|id| id == slot.id())
            && info.token_initialized()
        {
            found.push(slot);
        }
        if info.token_initialized() {
            seen.push(label);
        }
    }
    match found.as_slice() {
        [slot] => Ok((context, *slot)),
        [] => Err(CliError::usage(
            Message::new("pkcs11-token-missing")
                .arg("uri", uri.describe())
                .arg("path", module.display())
                .arg("tokens", if seen.is_empty() { "-".to_owned() } else { seen.join(", ") }),
        )),
        _ => Err(CliError::usage(Message::new("pkcs11-token-ambiguous").arg("uri", uri.describe()))),
    }
}

/// Logs the user in (a login already made by this process is kept).
fn login(session: &Session, uri: &Uri, lang: Lang) -> Result<(), CliError> {
    let pin = uri.pin(lang)?;
    match session.login(UserType::User, Some(&pin)) {
        Ok(()) => Ok(()),
        Err(e) if rv(&e) == Some(RvError::UserAlreadyLoggedIn) => Ok(()),
        Err(e) => {
            let code = match rv(&e) {
                Some(RvError::PinIncorrect | RvError::PinLenRange) => "pkcs11-pin-incorrect",
                Some(RvError::PinLocked) => "pkcs11-pin-locked",
                _ => "pkcs11-login",
            };
            Err(ck(code, uri, &e))
        }
    }
}

/// The one object of `class` the URI names.
fn one_object(session: &Session, uri: &Uri, class: ObjectClass) -> Result<ObjectHandle, CliError> {
    let found = session.find_objects(&uri.key_template(class)).map_err(|e| ck("pkcs11-session", uri, &e))?;
    let what = if class == ObjectClass::PRIVATE_KEY { "private" } else { "public" };
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(CliError::usage(Message::new("pkcs11-object-missing").arg("uri", uri.describe()).arg("kind", what))),
        _ => Err(CliError::usage(
            Message::new("pkcs11-object-ambiguous").arg("uri", uri.describe()).arg("count", found.len()),
        )),
    }
}

/// The Ed25519 public key of the public key object the URI names.
fn public_key(session: &Session, uri: &Uri) -> Result<PublicKey, CliError> {
    let object = one_object(session, uri, ObjectClass::PUBLIC_KEY)?;
    let values = session
        .get_attributes(object, &[AttributeType::EcParams, AttributeType::EcPoint])
        .map_err(|e| ck("pkcs11-session", uri, &e))?;
    let mut point = None;
    for value in values {
        match value {
            Attribute::EcParams(p) if p != ED25519_OID && p != ED25519_NAME => {
                return Err(CliError::usage(Message::new("pkcs11-key-type").arg("uri", uri.describe())))
            }
            Attribute::EcPoint(p) => point = Some(p),
            _ => {}
        }
    }
    let point = point.unwrap_or_default();
    let raw = match point.as_slice() {
        [0x04, 0x20, rest @ ..] if rest.len() == 32 => rest,
        raw if raw.len() == 32 => raw,
        _ => return Err(CliError::usage(Message::new("pkcs11-key-type").arg("uri", uri.describe()))),
    };
    PublicKey::from_bytes(raw).map_err(|_| CliError::usage(Message::new("pkcs11-key-type").arg("uri", uri.describe())))
}

/// Generates an Ed25519 key pair in the token: the private key sensitive,
/// never extractable, a token object; the public key beside it, of the same
/// label, both with the key id as `CKA_ID`. Refuses a label already used
/// (as `keygen` refuses an existing file).
pub fn generate(uri_text: &str, lang: Lang) -> Result<PublicKey, CliError> {
    let uri = Uri::parse(uri_text)?;
    let Some(label) = uri.object.clone() else {
        return Err(CliError::usage(
            Message::new("pkcs11-uri-invalid").arg("uri", redact(uri_text)).arg("detail", "object="),
        ));
    };
    let (context, slot) = token(&uri)?;
    let session = context.open_rw_session(slot).map_err(|e| ck("pkcs11-session", &uri, &e))?;
    login(&session, &uri, lang)?;
    let by_label = [Attribute::Label(label.as_bytes().to_vec())];
    let existing = session.find_objects(&by_label).map_err(|e| ck("pkcs11-session", &uri, &e))?;
    if !existing.is_empty() {
        return Err(CliError::usage(Message::new("pkcs11-object-exists").arg("uri", uri.describe())));
    }
    let public_template = [
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Verify(true),
        Attribute::EcParams(ED25519_OID.to_vec()),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    let private_template = [
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    let (public, private) = session
        .generate_key_pair(&Mechanism::EccEdwardsKeyPairGen, &public_template, &private_template)
        .map_err(|e| ck("pkcs11-keygen", &uri, &e))?;
    let key = {
        let values =
            session.get_attributes(public, &[AttributeType::EcPoint]).map_err(|e| ck("pkcs11-keygen", &uri, &e))?;
        let point = values
            .into_iter()
            .find_map(|a| match a {
                Attribute::EcPoint(p) => Some(p),
                _ => None,
            })
            .unwrap_or_default();
        let raw = match point.as_slice() {
            [0x04, 0x20, rest @ ..] if rest.len() == 32 => rest,
            raw => raw,
        };
        PublicKey::from_bytes(raw)
            .map_err(|_| CliError::usage(Message::new("pkcs11-key-type").arg("uri", uri.describe())))?
    };
    // The key id as CKA_ID: `id=` in a URI then names the key by its id. A
    // module that refuses to change it keeps a key named by its label only.
    let id = [Attribute::Id(key.key_id().0.to_vec())];
    for object in [public, private] {
        if let Err(e) = session.update_attributes(object, &id) {
            let m = Message::new("pkcs11-id-not-set").arg("uri", uri.describe()).arg("detail", e);
            note(&format!("cachet: {} [{}]", m.text(lang), m.code));
            break;
        }
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_read_as_rfc_7512_writes_them() {
        let uri =
            Uri::parse("pkcs11:token=Acad%C3%A9mie;object=paris-2026;id=%01%ff?module-path=/m.so&pin-source=file:/p")
                .unwrap();
        assert_eq!(uri.token.as_deref(), Some("Académie"));
        assert_eq!(uri.object.as_deref(), Some("paris-2026"));
        assert_eq!(uri.id, Some(vec![1, 0xff]));
        assert_eq!(uri.module_path, Some(PathBuf::from("/m.so")));
        assert_eq!(uri.pin_source.as_deref(), Some("file:/p"));
        // module-path and pin-source among the path attributes, as often written.
        let uri = Uri::parse("pkcs11:token=t;object=o;module-path=/m.so").unwrap();
        assert_eq!(uri.module(), PathBuf::from("/m.so"));
    }

    #[test]
    fn unknown_repeated_or_pin_attributes_are_refused() {
        let code = |text: &str| Uri::parse(text).unwrap_err().messages[0].code;
        assert_eq!(code("pkcs11:token=t;objet=o"), "pkcs11-uri-invalid");
        assert_eq!(code("pkcs11:token=t;object=o;object=p"), "pkcs11-uri-invalid");
        assert_eq!(code("pkcs11:token=t"), "pkcs11-uri-invalid");
        assert_eq!(code("pkcs11:token=t;object=%zz"), "pkcs11-uri-invalid");
        assert_eq!(code("pkcs11:token=t;object=o?pin-value=1234"), "pkcs11-pin-in-uri");
        let err = Uri::parse("pkcs11:token=t;nope?pin-source=/secret").unwrap_err();
        assert!(!err.messages[0].args.iter().any(|(_, v)| v.contains("secret")));
    }

    #[test]
    fn only_uris_are_taken_for_module_keys() {
        assert_eq!(uri_of(Path::new("pkcs11:token=t;object=o")), Some("pkcs11:token=t;object=o"));
        assert_eq!(uri_of(Path::new("keys/paris.key")), None);
        assert_eq!(uri_of(Path::new("./pkcs11:x")), None);
    }
}
