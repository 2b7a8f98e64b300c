//! Every sentence the command prints, in French and English, keyed by a
//! stable code. Errors carry the code (`cachet: <message> [code]`), so a
//! script can match the code whatever the language.
//!
//! A sentence may hold `{name}` placeholders, filled by [`render`]. The codes
//! of the core (`FieldProblem::code()`, `KeyError::code()`,
//! `TrustError::code()`) are used unchanged.

use cachet::Lang;
use std::io;

/// (code, French, English).
const MESSAGES: &[(&str, &str, &str)] = &[
    // Files.
    ("file-read", "impossible de lire {path} : {reason}", "cannot read {path}: {reason}"),
    ("file-write", "impossible d'écrire {path} : {reason}", "cannot write {path}: {reason}"),
    (
        "file-exists",
        "{path} existe déjà ; ajoutez --force pour le remplacer",
        "{path} already exists; add --force to replace it",
    ),
    ("stdin-read", "impossible de lire l'entrée standard : {reason}", "cannot read standard input: {reason}"),
    ("stdout-write", "impossible d'écrire la sortie standard : {reason}", "cannot write standard output: {reason}"),
    (
        "symlink-dangling",
        "{path} est un lien symbolique vers {target}, qui n'existe pas ; rien n'a été créé",
        "{path} is a symbolic link to {target}, which does not exist; nothing was created",
    ),
    (
        "file-locked-wait",
        "{path} : une autre commande cachet modifie ce fichier ; attente de sa fin…",
        "{path}: another cachet command is changing this file; waiting for it to finish…",
    ),
    ("lock-failed", "impossible de verrouiller {path} : {reason}", "cannot lock {path}: {reason}"),
    // Key files (codes of `cachet::keys::KeyError`).
    (
        "key-wrong-kind",
        "{path} n'est pas le bon type de fichier de clé : une ligne « {prefix}… » est attendue",
        "{path} is not the right kind of key file: a line \"{prefix}…\" is expected",
    ),
    (
        "key-encoding",
        "{path} : la clé est mal encodée (base64url non canonique ou longueur incorrecte)",
        "{path}: the key is badly encoded (non-canonical base64url or wrong length)",
    ),
    (
        "key-refused",
        "{path} : clé publique refusée par la politique de signature ({detail})",
        "{path}: public key refused by the signature policy ({detail})",
    ),
    (
        "key-id-invalid",
        "{path} : identifiant de clé invalide (16 chiffres hexadécimaux attendus)",
        "{path}: invalid key id (16 hexadecimal digits expected)",
    ),
    // Trust lists (codes of `cachet::trust::TrustError`, then the CLI's own).
    (
        "trust-list-too-large",
        "{path} : la liste de confiance est trop volumineuse",
        "{path}: the trust list is too large",
    ),
    ("trust-list-json", "{path} : liste de confiance illisible : {detail}", "{path}: unreadable trust list: {detail}"),
    (
        "trust-list-format",
        "{path} : format de liste de confiance inconnu « {detail} »",
        "{path}: unknown trust list format \"{detail}\"",
    ),
    (
        "trust-list-unknown-root",
        "{path} : la liste de confiance n'est pas signée par une clé racine donnée par --root",
        "{path}: the trust list is not signed by a root key given with --root",
    ),
    (
        "trust-list-signature",
        "{path} : la signature de la liste de confiance est invalide",
        "{path}: the trust list's signature is invalid",
    ),
    (
        "trust-list-rollback",
        "{path} : la liste de confiance est plus ancienne qu'une liste déjà vue ({detail})",
        "{path}: the trust list is older than one already seen ({detail})",
    ),
    ("trust-list-entry", "{path} : entrée refusée : {detail}", "{path}: entry refused: {detail}"),
    (
        "key-already-listed",
        "la clé {key_id} figure déjà dans {path} (émetteur « {name} »)",
        "key {key_id} is already in {path} (issuer \"{name}\")",
    ),
    ("key-not-listed", "la clé {key_id} ne figure pas dans {path}", "key {key_id} is not in {path}"),
    ("key-already-revoked", "la clé {key_id} est déjà révoquée", "key {key_id} is already revoked"),
    (
        "serial-already-revoked",
        "le numéro de série « {serial} » est déjà révoqué",
        "serial \"{serial}\" is already revoked",
    ),
    (
        "serial-invalid",
        "numéro de série invalide « {serial} » (1 à 32 caractères parmi A-Z a-z 0-9 . _ -)",
        "invalid serial \"{serial}\" (1 to 32 characters of A-Z a-z 0-9 . _ -)",
    ),
    (
        "serial-not-revoked",
        "le numéro de série « {serial} » n'est pas révoqué",
        "serial \"{serial}\" is not revoked",
    ),
    ("key-not-revoked", "la clé {key_id} n'est pas révoquée", "key {key_id} is not revoked"),
    (
        "revocation-line-invalid",
        "{path}, ligne {line} : « {value} » n'est ni un numéro de série (1 à 32 caractères parmi A-Z a-z 0-9 . _ -) ni KEY_ID:INDEX",
        "{path}, line {line}: \"{value}\" is neither a serial (1 to 32 characters of A-Z a-z 0-9 . _ -) nor KEY_ID:INDEX",
    ),
    (
        "revocation-line-index",
        "{path}, ligne {line} : « {value} » : {detail}",
        "{path}, line {line}: \"{value}\": {detail}",
    ),
    (
        "revocation-file-refused",
        "{path} : {count} ligne(s) invalide(s) ; fichier refusé en entier, rien n'a été modifié",
        "{path}: {count} invalid line(s); the whole file is refused, nothing was changed",
    ),
    (
        "revocation-file-empty",
        "{path} : aucun numéro de série ni index (lignes vides et commentaires # ignorés)",
        "{path}: no serial and no index (blank lines and # comments are ignored)",
    ),
    (
        "index-already-revoked",
        "l'index {index} de la clé {key_id} est déjà révoqué",
        "index {index} of key {key_id} is already revoked",
    ),
    (
        "index-not-revoked",
        "l'index {index} de la clé {key_id} n'est pas révoqué",
        "index {index} of key {key_id} is not revoked",
    ),
    (
        "status-capacity-missing",
        "la clé {key_id} n'a pas de status_capacity dans la liste : ses certificats se révoquent par numéro de série",
        "key {key_id} has no status_capacity in the list: its certificates are revoked by serial",
    ),
    (
        "status-index-beyond-capacity",
        "l'index {index} dépasse la capacité {capacity} de la clé {key_id}",
        "index {index} is beyond the capacity {capacity} of key {key_id}",
    ),
    (
        "trust-list-indices-encoding",
        "{path} : revoked_indices n'est pas le codage canonique d'un ensemble d'index ({detail})",
        "{path}: revoked_indices is not the canonical code of a set of indices ({detail})",
    ),
    (
        "trust-list-indices-truncated",
        "{path} : revoked_indices est tronqué ({detail})",
        "{path}: revoked_indices is cut short ({detail})",
    ),
    (
        "trust-list-indices-out-of-range",
        "{path} : revoked_indices contient un index au-delà de status_capacity ({detail})",
        "{path}: revoked_indices holds an index beyond status_capacity ({detail})",
    ),
    (
        "trust-list-indices-trailing-bits",
        "{path} : revoked_indices a des bits en trop après le dernier index ({detail})",
        "{path}: revoked_indices has bits left after its last index ({detail})",
    ),
    (
        "reason-invalid",
        "--reason : le motif est vide ou contient un caractère de contrôle",
        "--reason: the reason is empty or holds a control character",
    ),
    (
        "reason-required",
        "unrevoke --key : donnez --reason ; une clé de nouveau active fait foi pour tout ce qu'elle a signé",
        "unrevoke --key: give --reason; a key made active again vouches for everything it signed",
    ),
    (
        "list-near-size-limit",
        "attention : {path} fait {size} octets ; un vérificateur refuse une liste signée de plus de {limit} octets, et trust sign refusera de la signer",
        "warning: {path} is {size} bytes; verifiers refuse a signed list over {limit} bytes, and trust sign will refuse to sign it",
    ),
    (
        "kind-unknown",
        "type de document inconnu « {kind} » (connus : {known})",
        "unknown document kind \"{kind}\" (known: {known})",
    ),
    (
        "issuer-name-invalid",
        "--name : le nom de l'émetteur est vide ou contient un caractère de contrôle",
        "--name: the issuer's name is empty or holds a control character",
    ),
    (
        "date-invalid",
        "{option} : date invalide « {value} » (attendu AAAA-MM-JJ)",
        "{option}: invalid date \"{value}\" (expected YYYY-MM-DD)",
    ),
    ("date-order", "--until {until} est avant --from {from}", "--until {until} is before --from {from}"),
    ("sequence-overflow", "{path} : numéro de séquence épuisé", "{path}: sequence number exhausted"),
    (
        "clock-invalid",
        "l'horloge du système est hors de la plage prise en charge",
        "the system clock is outside the supported range",
    ),
    // Issuance.
    ("input-json", "{path} : JSON invalide : {detail}", "{path}: invalid JSON: {detail}"),
    (
        "url-base-invalid",
        "--url : « {value} » doit commencer par https:// (ou http://)",
        "--url: \"{value}\" must start with https:// (or http://)",
    ),
    (
        "qr-format",
        "{path} : format de code QR inconnu ; l'extension doit être .svg ou .png",
        "{path}: unknown QR code format; the extension must be .svg or .png",
    ),
    ("qr-too-long", "le texte est trop long pour un code QR", "the text is too long for a QR code"),
    ("qr-render", "impossible de produire le code QR : {detail}", "cannot render the QR code: {detail}"),
    // Field problems (codes of `cachet::certificate::FieldProblem`).
    ("missing", "{field} : champ obligatoire vide", "{field}: required and empty"),
    ("too-long", "{field} : trop long", "{field}: too long"),
    (
        "forbidden-character",
        "{field} : contient un caractère interdit (contrôle, caractère invisible, chiffre dans un nom…)",
        "{field}: holds a forbidden character (control, invisible character, digit in a name…)",
    ),
    (
        "invalid-date",
        "{field} : date invalide (attendu AAAA-MM-JJ, une date qui existe)",
        "{field}: invalid date (expected YYYY-MM-DD, a date that exists)",
    ),
    (
        "date-out-of-range",
        "{field} : date hors de la plage permise (naissance après l'émission, émission hors de l'année scolaire…)",
        "{field}: date out of range (birth after issue, issue outside the school year…)",
    ),
    (
        "invalid-uai",
        "{field} : UAI invalide (7 chiffres suivis de la bonne lettre de contrôle)",
        "{field}: invalid UAI (7 digits followed by the right check letter)",
    ),
    (
        "invalid-school-year",
        "{field} : année scolaire invalide (attendu AAAA-AAAA, années consécutives)",
        "{field}: invalid school year (expected YYYY-YYYY, consecutive years)",
    ),
    (
        "unknown-level",
        "{field} : niveau inconnu (TPS, PS, MS, GS, CP, CE1, CE2, CM1, CM2, 6e, 5e, 4e, 3e, 2de, 1re, Tle, CAP1, CAP2, BTS1, BTS2, CPGE1, CPGE2)",
        "{field}: unknown level (TPS, PS, MS, GS, CP, CE1, CE2, CM1, CM2, 6e, 5e, 4e, 3e, 2de, 1re, Tle, CAP1, CAP2, BTS1, BTS2, CPGE1, CPGE2)",
    ),
    (
        "unknown-regime",
        "{field} : régime inconnu (externe, demi-pensionnaire ou interne)",
        "{field}: unknown régime (externe, demi-pensionnaire or interne)",
    ),
    (
        "invalid-serial",
        "{field} : numéro de série invalide (1 à 32 caractères parmi A-Z a-z 0-9 . _ -)",
        "{field}: invalid serial (1 to 32 characters of A-Z a-z 0-9 . _ -)",
    ),
    // Batch CSV.
    ("csv-empty", "{path} : fichier CSV vide (pas de ligne d'en-tête)", "{path}: empty CSV file (no header line)"),
    (
        "csv-duplicate-column",
        "{path} : la colonne « {column} » donne le champ {field} une seconde fois (un fichier --columns dit laquelle prendre)",
        "{path}: column \"{column}\" gives the field {field} a second time (a --columns file says which to take)",
    ),
    (
        "csv-missing-column",
        "{path} : colonne(s) obligatoire(s) absente(s) : {columns}",
        "{path}: required column(s) missing: {columns}",
    ),
    (
        "csv-row-length",
        "la ligne a {got} champ(s) au lieu de {expected}",
        "the row has {got} field(s) instead of {expected}",
    ),
    ("csv-utf8", "{field} : texte qui n'est pas de l'UTF-8 valide", "{field}: text that is not valid UTF-8"),
    ("csv-read", "{path} : lecture du CSV impossible : {detail}", "{path}: cannot read the CSV: {detail}"),
    (
        "resume-corrupt",
        "{path} : ligne {line} illisible, reprise impossible ; corrigez ou supprimez ce fichier",
        "{path}: line {line} is unreadable, cannot resume; fix or remove this file",
    ),
    (
        "status-uri-invalid",
        "--status-uri : « {value} » n'est pas un URI court (1 à 64 caractères ASCII visibles, commençant par un schéma suivi de « : »)",
        "--status-uri: \"{value}\" is not a short URI (1 to 64 visible ASCII characters, starting with a scheme and \":\")",
    ),
    (
        "status-capacity-over-list",
        "--status-capacity {capacity} dépasse la status_capacity {listed} de la clé dans la liste de confiance",
        "--status-capacity {capacity} is beyond the key's status_capacity {listed} in the trust list",
    ),
    (
        "status-state-invalid",
        "{path} : fichier d'état des index de statut illisible ; corrigez-le ou restaurez-le (ne le supprimez pas : des index seraient redonnés)",
        "{path}: unreadable status index state; fix or restore it (do not delete it: indices would be given again)",
    ),
    (
        "status-state-missing",
        "{path} : pas d'état des index de statut de cette clé ; pour son premier certificat avec statut, ajoutez --status-state-new (ne le faites pas si elle en a déjà émis : des index seraient redonnés ; restaurez plutôt le fichier)",
        "{path}: no status index state for this key; for its first certificate with a status claim add --status-state-new (not if it has issued some: indices would be given again; restore the file instead)",
    ),
    (
        "status-state-exists",
        "{path} existe déjà : --status-state-new ne commence que l'état d'une clé qui n'a jamais émis d'index ; retirez --status-state-new pour continuer",
        "{path} already exists: --status-state-new only begins the state of a key that never issued an index; leave out --status-state-new to continue",
    ),
    (
        "status-state-new-without-status",
        "--status-state-new sans index de statut (--status, --status-capacity, --status-uri ou une liste avec status_capacity)",
        "--status-state-new without status indices (--status, --status-capacity, --status-uri or a list with a status_capacity)",
    ),
    (
        "status-state-no-default",
        "pas d'emplacement par défaut pour l'état des index de la clé {key_id} (ni XDG_STATE_HOME ni HOME) : donnez --status-state FICHIER",
        "no default place for the index state of key {key_id} (neither XDG_STATE_HOME nor HOME): give --status-state FILE",
    ),
    (
        "status-state-other-key",
        "{path} est l'état des index de la clé {key_id}, pas de la clé {key}",
        "{path} holds the index state of key {key_id}, not of key {key}",
    ),
    (
        "status-capacity-fixed",
        "la capacité d'index de la clé {key_id} est fixée à {capacity} depuis son premier certificat ({path}) ; {asked} refusé",
        "the index capacity of key {key_id} is fixed at {capacity} since its first certificate ({path}); {asked} refused",
    ),
    (
        "status-index-space-exhausted",
        "la clé {key_id} n'a plus assez d'index de statut : {left} restant(s) sur {capacity}, {count} demandé(s) ; passez à une nouvelle clé",
        "key {key_id} has too few status indices left: {left} of {capacity}, {count} needed; move to a new key",
    ),
    (
        "batch-status-begun",
        "{path} a été commencé sans --status : terminez-le sans, ou écrivez dans un nouveau fichier",
        "{path} was begun without --status: finish it without, or write to a new file",
    ),
    (
        "batch-status-without",
        "{path} existe : ce lot a été commencé avec --status ; reprenez-le avec --status",
        "{path} exists: this batch was begun with --status; resume it with --status",
    ),
    (
        "batch-status-other",
        "{path} : ce lot a réservé ses index pour la clé {key_id}, capacité {capacity}, uri « {uri} » ; reprenez-le avec les mêmes",
        "{path}: this batch reserved its indices for key {key_id}, capacity {capacity}, uri \"{uri}\"; resume it with the same",
    ),
    (
        "batch-status-changed",
        "{path} : le nombre d'enregistrements a changé depuis la réservation de {count} index ; reprise impossible",
        "{path}: the number of records changed since {count} indices were reserved; cannot resume",
    ),
    (
        "thread-pool",
        "impossible de démarrer les fils de calcul : {detail}",
        "cannot start the worker threads: {detail}",
    ),
    // Images (scan, and image inputs of verify).
    (
        "image-unsupported",
        "{path} : ce n'est pas une image PNG, JPEG ou WebP, ni le SVG d'un code QR écrit par cachet issue",
        "{path}: not a PNG, JPEG or WebP image, nor the SVG of a QR code written by cachet issue",
    ),
    ("image-decode", "{path} : image illisible : {detail}", "{path}: unreadable image: {detail}"),
    ("no-qr-code", "{path} : aucun code QR lisible dans l'image", "{path}: no readable QR code in the image"),
    ("pdf-unreadable", "{path} : PDF illisible : {detail}", "{path}: unreadable PDF: {detail}"),
    (
        "pdf-encrypted",
        "{path} : PDF chiffré : son contenu ne peut être lu ; vérifiez le PDF d'origine, non protégé",
        "{path}: encrypted PDF: its content cannot be read; verify the original, unprotected PDF"
    ),
    (
        "input-too-large",
        "{path} : fichier trop grand ({size} octets ; au plus {max})",
        "{path}: file too large ({size} bytes; at most {max})"
    ),
    (
        "pdf-no-certificate",
        "{path} : aucun certificat dans ce PDF (ni texte de certificat intégré, ni code QR lisible dans ses images)",
        "{path}: no certificate in this PDF (no embedded certificate text, no readable QR code in its images)",
    ),
    ("pdf-kind", "ce type de document n'a pas de modèle PDF", "this kind of document has no PDF layout"),
    ("pdf-font", "police intégrée illisible : {detail}", "the embedded font is unreadable: {detail}"),
    ("pdf-dir", "impossible de créer le dossier {path} : {reason}", "cannot create the folder {path}: {reason}"),
    // Verification.
    (
        "at-invalid",
        "--at : instant invalide « {value} » (attendu RFC 3339, par ex. 2025-10-01T09:00:00Z)",
        "--at: invalid instant \"{value}\" (expected RFC 3339, e.g. 2025-10-01T09:00:00Z)",
    ),
    ("no-input", "aucun certificat à vérifier", "no certificate to verify"),
    (
        "unknown-profile",
        "--profile : profil inconnu « {name} » (profils : {known})",
        "--profile: unknown profile \"{name}\" (profiles: {known})",
    ),
    ("verify-batch-summary", "{count} textes vérifiés : {detail}", "{count} texts verified: {detail}"),
    (
        "trust-list-refused",
        "liste de confiance refusée ; aucun certificat ne peut être vérifié : {detail}",
        "trust list refused; no certificate can be verified: {detail}",
    ),
    // The memory of the trust lists seen (cli/src/verify/state.rs).
    (
        "trust-state-rollback",
        "{path} : cette liste de confiance a la séquence {got}, mais la séquence {seen} a déjà été acceptée \
         (mémorisée dans {state}) ; une liste plus ancienne peut cacher des révocations",
        "{path}: this trust list has sequence {got}, but sequence {seen} was already accepted \
         (remembered in {state}); an older list may hide revocations",
    ),
    (
        "trust-state-invalid",
        "{path} : mémoire des listes de confiance illisible : {detail} ; elle n'est pas effacée, car c'est elle \
         qui refuse les listes anciennes (la réparer, ou la supprimer en connaissance de cause)",
        "{path}: unreadable memory of the trust lists seen: {detail}; it is not reset, since it is what refuses \
         older lists (repair it, or remove it knowingly)",
    ),
    (
        "trust-state-no-home",
        "aucun emplacement pour la mémoire des listes de confiance : ni XDG_STATE_HOME ni HOME n'est défini ; \
         donner --state FICHIER (ou --no-state, sans protection contre le retour à une liste ancienne)",
        "no place for the memory of the trust lists seen: neither XDG_STATE_HOME nor HOME is set; give \
         --state FILE (or --no-state, without protection against an older list)",
    ),
    (
        "trust-state-hint",
        "choisir un autre fichier avec --state FICHIER, ou vérifier sans mémoire avec --no-state \
         (une liste ancienne serait alors acceptée)",
        "choose another file with --state FILE, or verify without memory with --no-state \
         (an older list would then be accepted)",
    ),
    (
        "trust-state-off",
        "attention : --no-state : rien n'est mémorisé, une liste de confiance plus ancienne \
         (d'avant une révocation) n'est pas refusée",
        "warning: --no-state: nothing is remembered, an older trust list (from before a revocation) \
         is not refused",
    ),
    // Reports of commands that succeeded.
    ("keygen-key-id", "Identifiant de clé : {key_id}", "Key id: {key_id}"),
    ("keygen-secret", "Clé secrète : {path} (mode 0600, à garder secrète)", "Secret key: {path} (mode 0600, keep it secret)"),
    ("keygen-public", "Clé publique : {path}", "Public key: {path}"),
    // Keys in a hardware module (PKCS#11, cli/src/pkcs11.rs).
    (
        "keygen-in-module",
        "Clé créée dans le module : {uri} (la clé secrète n'en sort pas)",
        "Key made in the module: {uri} (the secret key never leaves it)",
    ),
    (
        "pkcs11-uri-invalid",
        "URI PKCS#11 invalide « {uri} » : {detail} (attendu : pkcs11:token=…;object=…, RFC 7512)",
        "invalid PKCS#11 URI \"{uri}\": {detail} (expected: pkcs11:token=…;object=…, RFC 7512)",
    ),
    (
        "pkcs11-pin-in-uri",
        "le code PIN ne se donne pas dans la ligne de commande : utilisez pin-source=file:… ou la variable CACHET_PKCS11_PIN",
        "the PIN is never given on the command line: use pin-source=file:… or the variable CACHET_PKCS11_PIN",
    ),
    (
        "pkcs11-pin-missing",
        "aucun code PIN : ajoutez ?pin-source=file:FICHIER à l'URI ou définissez {var}",
        "no PIN: add ?pin-source=file:FILE to the URI or set {var}",
    ),
    (
        "pkcs11-module-missing",
        "module PKCS#11 introuvable : {path} (module-path= dans l'URI ou {var} ; pour SoftHSM2 : apt-get install softhsm2)",
        "PKCS#11 module not found: {path} (module-path= in the URI or {var}; for SoftHSM2: apt-get install softhsm2)",
    ),
    ("pkcs11-module", "module PKCS#11 {path} inutilisable : {detail}", "PKCS#11 module {path} unusable: {detail}"),
    (
        "pkcs11-token-missing",
        "{uri} : aucun jeton de ce nom dans le module {path} (jetons : {tokens})",
        "{uri}: no such token in module {path} (tokens: {tokens})",
    ),
    (
        "pkcs11-token-ambiguous",
        "{uri} : plusieurs jetons répondent ; précisez serial= ou slot-id=",
        "{uri}: several tokens match; add serial= or slot-id=",
    ),
    ("pkcs11-session", "{uri} : session refusée par le module : {detail}", "{uri}: session refused by the module: {detail}"),
    (
        "pkcs11-pin-incorrect",
        "{uri} : code PIN incorrect (le jeton se bloque après plusieurs erreurs)",
        "{uri}: wrong PIN (the token locks after several wrong tries)",
    ),
    (
        "pkcs11-pin-locked",
        "{uri} : code PIN bloqué ; le responsable du jeton (SO) doit le débloquer",
        "{uri}: PIN locked; the token's security officer (SO) must unlock it",
    ),
    ("pkcs11-login", "{uri} : connexion au jeton refusée : {detail}", "{uri}: login to the token refused: {detail}"),
    (
        "pkcs11-object-missing",
        "{uri} : aucune clé Ed25519 de ce nom dans le jeton (clé {kind})",
        "{uri}: no Ed25519 key of that name in the token ({kind} key)",
    ),
    (
        "pkcs11-object-ambiguous",
        "{uri} : {count} clés répondent ; précisez id= ou object=",
        "{uri}: {count} keys match; add id= or object=",
    ),
    (
        "pkcs11-object-exists",
        "{uri} : le jeton a déjà un objet de ce nom ; choisissez un autre object=",
        "{uri}: the token already holds an object of that name; choose another object=",
    ),
    (
        "pkcs11-key-type",
        "{uri} : ce n'est pas une clé Ed25519 (CKK_EC_EDWARDS, edwards25519)",
        "{uri}: not an Ed25519 key (CKK_EC_EDWARDS, edwards25519)",
    ),
    (
        "pkcs11-key-mismatch",
        "{uri} : la clé privée ne signe pas pour la clé publique {key_id} du même nom",
        "{uri}: the private key does not sign for the public key {key_id} of the same name",
    ),
    (
        "pkcs11-key-extractable",
        "attention : {uri} peut sortir du module (extractible, non sensible, ou le module ne le dit pas)",
        "warning: {uri} can leave the module (extractable, not sensitive, or the module does not say)",
    ),
    (
        "pkcs11-id-not-set",
        "attention : {uri} : le module refuse de donner l'identifiant de clé comme CKA_ID ({detail}) ; nommez la clé par object=",
        "warning: {uri}: the module refuses the key id as CKA_ID ({detail}); name the key by object=",
    ),
    ("pkcs11-sign", "{uri} : signature refusée par le module : {detail}", "{uri}: signature refused by the module: {detail}"),
    (
        "pkcs11-token-removed",
        "{uri} : le jeton ne répond plus (retiré ou module arrêté) : {detail}",
        "{uri}: the token no longer answers (removed, or the module stopped): {detail}",
    ),
    ("pkcs11-keygen", "{uri} : génération refusée par le module : {detail}", "{uri}: key generation refused by the module: {detail}"),
    (
        "pkcs11-eddsa-not-deterministic",
        "{uri} : le module signe deux fois le même message de deux signatures différentes (EdDSA non déterministe) : pas d'index de statut avec cette clé ; révoquez par numéro de série",
        "{uri}: the module signs the same message twice with two different signatures (EdDSA not deterministic): no status index with this key; revoke by serial",
    ),
    (
        "pkcs11-status-seed-state",
        "{uri} : {path} a été commencé avec le fichier de la clé (index tirés de sa graine, qu'un module ne donne pas) ; continuez avec le fichier de clé, ou donnez à la clé du module un nouvel état (--status-state FICHIER --status-state-new) et une nouvelle capacité dans la liste",
        "{uri}: {path} was begun with the key's file (indices drawn from its seed, which a module never gives); go on with the key file, or give the module's key a new state (--status-state FILE --status-state-new) and a new capacity in the list",
    ),
    (
        "batch-stopped",
        "lot arrêté à la ligne {line} : rien n'est signé à partir de cette ligne ; {good} certificats et {bad} refus écrits avant ; {path} et son enregistrement sont gardés : relancez la même commande pour reprendre",
        "batch stopped at line {line}: nothing is signed from that line on; {good} certificates and {bad} refusals written before; {path} and its record are kept: run the same command again to resume",
    ),
    ("list-created", "Liste créée : {path}", "List created: {path}"),
    // Document kinds (names of `cachet::certificate::DocumentKind`), in words.
    ("kind-certificat-de-scolarite", "certificat de scolarité", "school certificate"),
    (
        "trust-added",
        "Émetteur ajouté : {key_id} « {name} », du {from} au {until} ({kinds}) ; séquence {sequence}",
        "Issuer added: {key_id} \"{name}\", from {from} to {until} ({kinds}); sequence {sequence}",
    ),
    (
        "trust-revoked-key",
        "Clé révoquée : {key_id} « {name} » ; séquence {sequence}",
        "Key revoked: {key_id} \"{name}\"; sequence {sequence}",
    ),
    (
        "trust-revoked-serial",
        "Numéro de série révoqué pour tous les émetteurs : {serial} ; séquence {sequence}",
        "Serial revoked for every issuer: {serial}; sequence {sequence}",
    ),
    (
        "trust-unrevoked-serial",
        "Révocation retirée pour le numéro de série : {serial} ; séquence {sequence}",
        "Revocation withdrawn for serial: {serial}; sequence {sequence}",
    ),
    (
        "trust-unrevoked-key",
        "Révocation retirée pour la clé : {key_id} « {name} » (de nouveau active) ; séquence {sequence}",
        "Revocation withdrawn for key: {key_id} \"{name}\" (active again); sequence {sequence}",
    ),
    (
        "trust-revoked-many",
        "{changed} révocation(s) ajoutée(s), {skipped} déjà présente(s) ignorée(s) ; séquence {sequence}",
        "{changed} revocation(s) added, {skipped} already there skipped; sequence {sequence}",
    ),
    (
        "trust-unrevoked-many",
        "{changed} révocation(s) retirée(s), {skipped} absente(s) ignorée(s) ; séquence {sequence}",
        "{changed} revocation(s) withdrawn, {skipped} not there skipped; sequence {sequence}",
    ),
    (
        "trust-unchanged",
        "Rien à modifier ({skipped} ligne(s) déjà traitée(s)) ; liste inchangée, séquence {sequence}",
        "Nothing to change ({skipped} line(s) already done); list unchanged, sequence {sequence}",
    ),
    (
        "trust-revoked-index",
        "Index de statut révoqué : clé {key_id}, index {index} ; séquence {sequence}",
        "Status index revoked: key {key_id}, index {index}; sequence {sequence}",
    ),
    (
        "trust-unrevoked-index",
        "Révocation retirée pour l'index de statut : clé {key_id}, index {index} ; séquence {sequence}",
        "Revocation withdrawn for status index: key {key_id}, index {index}; sequence {sequence}",
    ),
    ("signed-sequence", "Séquence : {sequence}", "Sequence: {sequence}"),
    ("signed-root", "Clé racine : {key_id}", "Root key: {key_id}"),
    (
        "signed-validity",
        "Émise le {issued_at}, prochaine mise à jour le {next_update}",
        "Issued on {issued_at}, next update on {next_update}",
    ),
    ("signed-issuer", "Émetteur : {key_id} « {name} » ({status})", "Issuer: {key_id} \"{name}\" ({status})"),
    (
        "signed-indices",
        "  index de statut révoqués : {count} sur {capacity}",
        "  revoked status indices: {count} of {capacity}",
    ),
    ("signed-serials", "Numéros de série révoqués : {count}", "Revoked serials: {count}"),
    ("signed-out", "Liste signée : {path}", "Signed list: {path}"),
    ("status-active", "active", "active"),
    ("status-revoked", "révoquée", "revoked"),
    ("status-compromised", "compromise", "compromised"),
    // Status documents and compromised keys (cli/src/trust/status.rs, docs/TRUST.md).
    (
        "trust-list-allow-list",
        "{path} : allowed_payloads d'une clé compromise est mal codé ({detail})",
        "{path}: a compromised key's allowed_payloads is badly coded ({detail})",
    ),
    (
        "status-key-set",
        "Clé de statut {key_id} désignée jusqu'au {expires} (séquence {sequence}) ; signez la liste (trust sign) pour la déléguer",
        "Status key {key_id} named until {expires} (sequence {sequence}); sign the list (trust sign) to delegate to it",
    ),
    (
        "status-key-rotated",
        "Clé de statut remplacée par {key_id}, jusqu'au {expires} (séquence {sequence}) ; l'ancienne ne vaut plus dès la prochaine liste signée",
        "Status key replaced by {key_id}, until {expires} (sequence {sequence}); the old one stops counting with the next signed list",
    ),
    (
        "status-key-renewed",
        "Clé de statut {key_id} prolongée jusqu'au {expires} (séquence {sequence})",
        "Status key {key_id} renewed until {expires} (sequence {sequence})",
    ),
    (
        "status-key-not-listed",
        "la clé {key_id} n'est pas la clé de statut de la liste ({listed})",
        "key {key_id} is not the list's status key ({listed})",
    ),
    (
        "status-key-none",
        "{path} ne désigne pas de clé de statut : lancez d'abord trust status-key",
        "{path} names no status key: run trust status-key first",
    ),
    (
        "status-record-invalid",
        "{path} n'est pas un relevé de publication lisible ({detail}) ; il n'est jamais remis à zéro",
        "{path} is not a readable publication record ({detail}); it is never reset",
    ),
    (
        "status-publish-needs-dir",
        "trust status publish écrit dans un dossier : donnez --dir DOSSIER",
        "trust status publish writes into a folder: give --dir DIR",
    ),
    (
        "status-needs-out",
        "trust status full et delta écrivent un fichier : donnez --out FICHIER",
        "trust status full and delta write one file: give --out FILE",
    ),
    (
        "status-index-invalid",
        "{path} n'est pas l'index d'un dossier de statut publié ({detail}) : rien n'a été publié",
        "{path} is not the index of a published status folder ({detail}): nothing was published",
    ),
    (
        "status-no-full-yet",
        "aucun document de statut complet publié pour {path} : publiez d'abord trust status full",
        "no full status document published for {path}: publish trust status full first",
    ),
    (
        "status-published-full",
        "Document de statut complet n° {sequence} : {count} index révoqués, {size} octets, valable jusqu'au {expires} → {path}",
        "Full status document no. {sequence}: {count} revoked indices, {size} bytes, valid until {expires} → {path}",
    ),
    (
        "status-published-delta",
        "Delta de statut n° {sequence} (sur le n° {base}) : {count} changements, {size} octets, valable jusqu'au {expires} → {path}",
        "Status delta no. {sequence} (on no. {base}): {count} changes, {size} bytes, valid until {expires} → {path}",
    ),
    (
        "allow-line-invalid",
        "{path}, ligne {line} : pas un certificat signé par la clé {key_id}",
        "{path}, line {line}: not a certificate signed by key {key_id}",
    ),
    (
        "allow-file-refused",
        "{count} lignes refusées : rien n'a été changé",
        "{count} lines refused: nothing was changed",
    ),
    ("allow-file-empty", "aucun certificat dans les fichiers --allow", "no certificate in the --allow files"),
    ("allow-list-header", "liste d'autorisation impossible (aucun certificat, ou N hors de 32 à 64)", "allow-list impossible (no certificate, or N outside 32 to 64)"),
    (
        "trust-compromised",
        "Clé {key_id} ({name}) compromise : {count} certificats restent valides (liste de {size} caractères, acceptation à tort 2^-{bits}), tout autre est refusé ; l'entrée peut être retirée de la liste après le {until} (séquence {sequence})",
        "Key {key_id} ({name}) compromised: {count} certificates stay valid (a {size}-character list, false acceptance 2^-{bits}), any other is refused; the entry can leave the list after {until} (sequence {sequence})",
    ),
    (
        "status-applied",
        "statut n° {sequence} appliqué : {count} index révoqués, valable jusqu'au {expires}",
        "status no. {sequence} applied: {count} revoked indices, valid until {expires}",
    ),
    ("status-refused", "document de statut refusé : {detail}", "status document refused: {detail}"),
    (
        "status-not-given",
        "aucun document de statut donné (--status) alors que le n° {seen} a déjà été appliqué : les révocations publiées depuis la liste ne sont pas connues",
        "no status document given (--status) though no. {seen} was applied before: revocations published since the list are not known",
    ),
    ("status-too-large", "{path} : document de statut trop volumineux", "{path}: status document too large"),
    ("status-json", "{path} : pas un document de statut ({detail})", "{path}: not a status document ({detail})"),
    ("status-format", "{path} : format de document de statut inconnu ({detail})", "{path}: unknown status document format ({detail})"),
    ("status-no-status-key", "{path} : la liste ne désigne pas de clé de statut", "{path}: the list names no status key"),
    ("status-wrong-key", "{path} : signé par une autre clé que la clé de statut", "{path}: signed by another key than the status key"),
    ("status-signature", "{path} : la signature du document de statut est fausse", "{path}: the status document's signature is wrong"),
    ("status-key-expired", "{path} : la délégation de la clé de statut a pris fin", "{path}: the status key's delegation has ended"),
    ("status-expired", "{path} : document de statut périmé", "{path}: status document expired"),
    // A member of a status document refused (`status_doc::EntryProblem`):
    // {detail} is where (a member's name, or "clé <key id>").
    (
        "status-entry-time",
        "{path} : {detail} n'est pas une heure au format RFC 3339",
        "{path}: {detail} is not an RFC 3339 time",
    ),
    (
        "status-entry-time-order",
        "{path} : le document de statut expire (expires) avant d'avoir été signé (issued_at)",
        "{path}: the status document expires (expires) before it was signed (issued_at)",
    ),
    (
        "status-entry-base",
        "{path} : un document de statut complet n'a pas de base, un delta en a une (base)",
        "{path}: a full status document has no base, a delta has one (base)",
    ),
    (
        "status-entry-sequence",
        "{path} : le numéro du delta (sequence) n'est pas supérieur à celui de sa base",
        "{path}: the delta's number (sequence) is not above its base's",
    ),
    (
        "status-entry-scope",
        "{path} : un delta ne peut pas être restreint à une clé (scope) ; seul un document complet le peut",
        "{path}: a delta cannot be scoped to one key (scope); only a full document can",
    ),
    (
        "status-entry-scope-keys",
        "{path} : un document restreint à une clé (scope) doit donner cette clé, et elle seule, dans keys",
        "{path}: a document scoped to one key (scope) must give that key, and it alone, in keys",
    ),
    (
        "status-entry-key-id",
        "{path} : identifiant de clé invalide ({detail}) ; 16 chiffres hexadécimaux en minuscules attendus",
        "{path}: invalid key id ({detail}); 16 lowercase hexadecimal digits expected",
    ),
    (
        "status-entry-key",
        "{path} : {detail} absente de la liste de confiance, ou sans capacité de statut (status_capacity)",
        "{path}: {detail} not in the trust list, or without a status capacity (status_capacity)",
    ),
    (
        "status-entry-duplicate",
        "{path} : {detail} donnée deux fois dans le document de statut",
        "{path}: {detail} given twice in the status document",
    ),
    (
        "status-entry-member",
        "{path} : {detail} : des index ajoutés ou retirés (added, removed) dans un document complet, ou révoqués (revoked_indices) dans un delta",
        "{path}: {detail}: indices added or removed (added, removed) in a full document, or revoked (revoked_indices) in a delta",
    ),
    (
        "status-entry-added-and-removed",
        "{path} : {detail} : un même index à la fois ajouté et retiré par le delta",
        "{path}: {detail}: one index both added and removed by the delta",
    ),
    ("status-indices", "{path} : index mal codés ({detail})", "{path}: badly coded indices ({detail})"),
    ("status-rollback", "{path} : document de statut plus ancien que celui déjà appliqué ({detail})", "{path}: status document older than the one applied ({detail})"),
    ("status-wrong-base", "{path} : delta sur une autre base ({detail})", "{path}: delta on another base ({detail})"),
    (
        "signed-droppable",
        "  tout ce que cette clé a pu signer a expiré le {date} : son entrée peut être retirée",
        "  everything this key may have signed expired on {date}: its entry can be removed",
    ),
    (
        "issue-status-index",
        "Index de statut : {key_id}:{index} (pour révoquer ce certificat par index)",
        "Status index: {key_id}:{index} (to revoke this certificate by index)",
    ),
    ("batch-resume", "Reprise après la ligne {line}", "Resuming after line {line}"),
    (
        "batch-summary",
        "{good} certificat(s) signé(s), {bad} ligne(s) refusée(s) en {seconds} s ({rate} par seconde)",
        "{good} certificate(s) signed, {bad} row(s) refused in {seconds} s ({rate} per second)",
    ),
    ("batch-errors", "Lignes refusées : {path}", "Refused rows: {path}"),
    // Batches: real exports and their guarantees (issue 14).
    (
        "csv-encoding",
        "{path} : ce fichier n'est pas en {encoding} (ligne {line}) ; --encoding utf-8, windows-1252 ou iso-8859-15 dit lequel il est",
        "{path}: this file is not {encoding} (line {line}); --encoding utf-8, windows-1252 or iso-8859-15 says which it is",
    ),
    (
        "csv-encoding-unknown",
        "{path} : encodage inconnu (ligne {line}) : ni UTF-8, ni Windows-1252, ni ISO-8859-15 ; enregistrez-le en « CSV UTF-8 »",
        "{path}: unknown encoding (line {line}): neither UTF-8, Windows-1252 nor ISO-8859-15; save it as \"CSV UTF-8\"",
    ),
    (
        "csv-encoding-utf16",
        "{path} : fichier en UTF-16 (« Texte Unicode ») ; enregistrez-le en « CSV UTF-8 » ou « CSV (séparateur : point-virgule) »",
        "{path}: a UTF-16 file (\"Unicode Text\"); save it as \"CSV UTF-8\" or \"CSV (semicolon delimited)\"",
    ),
    ("csv-encoding-read", "{path} : lu en {encoding} (ce n'est pas de l'UTF-8)", "{path}: read as {encoding} (it is not UTF-8)"),
    (
        "csv-columns-ignored",
        "{path} : colonnes ignorées (jamais mises dans un certificat) : {columns}",
        "{path}: columns ignored (never put in a certificate): {columns}",
    ),
    (
        "columns-file-line",
        "{path}, ligne {line} : règle illisible ({detail}) ; une règle est « CHAMP <- COLONNE » ou « CHAMP = VALEUR »",
        "{path}, line {line}: unreadable rule ({detail}); a rule is \"FIELD <- COLUMN\" or \"FIELD = VALUE\"",
    ),
    (
        "csv-quote-unclosed",
        "les lignes {from} à {to} ont été lues comme une seule ligne : un guillemet ouvert ligne {from} n'est fermé que ligne {to}",
        "lines {from} to {to} were read as one row: a quote opened on line {from} is closed only on line {to}",
    ),
    (
        "batch-unread",
        "{path} : {count} ligne(s) sur {total} n'ont pas été lues comme des lignes du lot (lignes {lines}) ; corrigez le fichier et relancez avec --restart",
        "{path}: {count} line(s) of {total} were not read as rows of the batch (lines {lines}); fix the file and run again with --restart",
    ),
    (
        "serial-duplicate",
        "numéro de série {serial} déjà donné ligne {line} (la première ligne le garde)",
        "serial {serial} already given on line {line} (the first row keeps it)",
    ),
    (
        "batch-locked",
        "{path} : un autre lot écrit déjà dans ce fichier ({lock} est verrouillé) ; attendez qu'il finisse",
        "{path}: another batch is already writing this file ({lock} is locked); wait for it to finish",
    ),
    (
        "batch-changed",
        "{path} : ce lot a été commencé avec d'autres données ou options ; a changé : {changed}. Rien n'est signé : --restart recommence le lot (vide la sortie), ou donnez une autre sortie (--out) pour les lignes corrigées",
        "{path}: this batch was begun with other data or options; changed: {changed}. Nothing is signed: --restart begins the batch again (empties the output), or give another output (--out) for corrected rows",
    ),
    (
        "batch-record-missing",
        "{path} contient déjà des lignes mais {record} manque : impossible de savoir si l'entrée a changé ; --restart recommence le lot",
        "{path} already holds lines but {record} is missing: cannot tell whether the input changed; --restart begins the batch again",
    ),
    ("batch-record-invalid", "{path} : fichier d'état du lot illisible", "{path}: unreadable batch record"),
    ("batch-restart", "{path} : lot recommencé (sortie et erreurs vidées)", "{path}: batch begun again (output and errors emptied)"),
    (
        "key-file-open",
        "{path} : clé secrète lisible par d'autres que son propriétaire (mode {mode}) ; chmod 600 {path}",
        "{path}: secret key readable by others than its owner (mode {mode}); chmod 600 {path}",
    ),
    // Verification report, for people: the verdict in three kinds (valid;
    // genuine but not valid now; refused), each with its next step, in the
    // words of the page (www/i18n.js); codes only where named for support.
    ("verdict-title-valid", "Certificat valide", "Valid certificate"),
    ("verdict-reason-valid", "Ce certificat est authentique et valable aujourd’hui.", "This certificate is genuine and valid today."),
    ("verdict-next-valid", "Comparez ces informations avec une pièce d’identité.", "Compare these details with an identity document."),
    ("verdict-title-expired", "Authentique mais plus valable", "Genuine but no longer valid"),
    (
        "verdict-reason-expired",
        "Ce certificat a bien été délivré par l’établissement scolaire, mais son année scolaire est terminée.",
        "This certificate was indeed issued by the school, but its school year is over.",
    ),
    (
        "verdict-next-expired",
        "Demandez le certificat de cette année : l’établissement scolaire le délivre.",
        "Ask for this year’s certificate: the school issues it.",
    ),
    ("verdict-title-not-yet-valid", "Authentique mais pas encore valable", "Genuine but not valid yet"),
    (
        "verdict-reason-not-yet-valid",
        "Ce certificat a bien été délivré par l’établissement scolaire, mais son année scolaire n’a pas commencé.",
        "This certificate was indeed issued by the school, but its school year has not begun.",
    ),
    (
        "verdict-next-not-yet-valid",
        "D’ici le début de son année scolaire, demandez le certificat de l’année en cours.",
        "Until its school year begins, ask for the current year’s certificate.",
    ),
    ("verdict-title-invalid-signature", "Certificat falsifié : ne pas s’y fier", "Forged certificate: do not rely on it"),
    (
        "verdict-reason-invalid-signature",
        "Ce certificat a été modifié après avoir été signé, ou il est faux.",
        "This certificate was changed after it was signed, or it is fake.",
    ),
    ("verdict-title-unknown-issuer", "Signataire inconnu : ne pas s’y fier", "Unknown signer: do not rely on it"),
    (
        "verdict-reason-unknown-issuer",
        "Ce certificat n’a pas été signé par un établissement reconnu.",
        "This certificate was not signed by a recognised school.",
    ),
    ("verdict-title-issuer-key-not-valid", "Signature non autorisée : ne pas s’y fier", "Signature not allowed: do not rely on it"),
    (
        "verdict-reason-issuer-key-not-valid",
        "Ce certificat a été signé par un moyen que l’établissement n’avait pas le droit d’utiliser à cette date.",
        "This certificate was signed by a means the school was not allowed to use on that date.",
    ),
    ("verdict-title-revoked", "Certificat annulé : ne pas s’y fier", "Certificate cancelled: do not rely on it"),
    ("verdict-reason-revoked", "L’établissement scolaire a annulé ce certificat.", "The school has cancelled this certificate."),
    ("verdict-title-malformed", "Code illisible : ne pas s’y fier", "Unreadable code: do not rely on it"),
    (
        "verdict-reason-malformed",
        "Ce code ou ce texte n’est pas un certificat complet : il est abîmé, coupé ou d’un autre type.",
        "This code or text is not a complete certificate: it is damaged, cut short or of another kind.",
    ),
    (
        "verdict-next-malformed",
        "Lisez à nouveau le code. Si cela se reproduit, demandez le certificat original (papier ou PDF).",
        "Read the code again. If it happens again, ask for the original certificate (paper or PDF).",
    ),
    ("verdict-title-unsupported-version", "Certificat trop récent pour ce vérificateur : ne pas s’y fier", "Certificate too recent for this verifier: do not rely on it"),
    (
        "verdict-reason-unsupported-version",
        "Ce certificat est d’un modèle plus récent que ce vérificateur.",
        "This certificate is of a newer model than this verifier.",
    ),
    ("verdict-next-unsupported-version", "Mettez à jour la commande cachet, puis réessayez.", "Update the cachet command, then try again."),
    ("verdict-title-trust-list-invalid", "Vérification impossible", "Cannot verify"),
    (
        "verdict-reason-trust-list-invalid",
        "La liste des établissements reconnus n’a pas pu être authentifiée : aucun certificat ne peut être vérifié.",
        "The list of recognised schools could not be authenticated: no certificate can be verified.",
    ),
    (
        "verdict-next-trust-list-invalid",
        "Vérifiez le fichier de la liste et la clé racine donnés à la commande ; si cela se reproduit, signalez-le au service qui publie la liste.",
        "Check the list file and the root key given to the command; if it happens again, tell the service that publishes the list.",
    ),
    ("verdict-title-trust-list-expired", "Vérification impossible : liste trop ancienne", "Cannot verify: list too old"),
    (
        "verdict-reason-trust-list-expired",
        "La liste des établissements reconnus est trop ancienne : aucun certificat ne peut être déclaré valide.",
        "The list of recognised schools is too old: no certificate can be declared valid.",
    ),
    ("verdict-next-trust-list-expired", "Téléchargez la liste à jour, puis réessayez.", "Download the current list, then try again."),
    (
        "verdict-next-refused",
        "Refusez-le. La famille peut demander un nouveau certificat à l’établissement scolaire.",
        "Refuse it. The family can ask the school for a new certificate.",
    ),
    ("report-next", "À faire : ", "What to do: "),
    ("report-status-code", "Code pour l’assistance", "Code for support"),
    ("report-input", "Entrée {index}", "Input {index}"),
    ("report-input-image", "Entrée {index} : {path}", "Input {index}: {path}"),
    ("report-checks", "Détail des contrôles (pour l’assistance) :", "Checks (for support):"),
    ("outcome-pass", "OK", "OK"),
    ("outcome-warn", "avertissement", "warning"),
    ("outcome-fail", "ÉCHEC", "FAILED"),
    ("outcome-not-run", "non effectué", "not run"),
    ("report-fields", "Informations signées :", "Signed details:"),
    ("report-profile", "Profil", "Profile"),
    ("report-issuer", "Signé par", "Signed by"),
    ("report-key", "code pour l’assistance", "code for support"),
    ("report-trust-list", "Liste des établissements reconnus", "List of recognised schools"),
    (
        "report-trust-list-value",
        "version {sequence} du {issued_at}, prochaine mise à jour le {next_update}",
        "version {sequence} of {issued_at}, next update {next_update}",
    ),
    ("field-family_name", "Nom", "Family name"),
    ("field-given_names", "Prénom(s)", "Given name(s)"),
    ("field-birth_date", "Date de naissance", "Date of birth"),
    ("field-school", "Établissement", "School"),
    ("field-academie", "Académie", "Académie"),
    ("field-school_year", "Année scolaire", "School year"),
    ("field-level", "Niveau", "Level"),
    ("field-regime", "Régime", "Régime"),
    ("field-serial", "Numéro de série", "Serial"),
    ("field-issued_on", "Délivré le", "Issued on"),
    ("field-validity", "Valable", "Valid"),
    ("field-validity-value", "du {from} au {until} inclus", "from {from} to {until} inclusive"),
];

/// The sentence of `code` in `lang`, with its `{name}` placeholders. An
/// unknown code gives the code itself.
pub fn template(lang: Lang, code: &str) -> &str {
    match MESSAGES.iter().find(|(c, _, _)| *c == code) {
        Some((_, fr, en)) => match lang {
            Lang::Fr => fr,
            Lang::En => en,
        },
        None => code,
    }
}

/// Fills a template's `{name}` placeholders; unknown names are left as they are.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        match after.find('}') {
            Some(close) => {
                let name = after.get(1..close).unwrap_or_default();
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(after.get(..=close).unwrap_or_default()),
                }
                rest = after.get(close + 1..).unwrap_or_default();
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The sentence of `code` in `lang`, filled with `args`.
pub fn render(lang: Lang, code: &str, args: &[(&str, String)]) -> String {
    fill(template(lang, code), args)
}

/// The language of messages: `--lang` if given, else the first set of
/// `LC_ALL`, `LC_MESSAGES` and `LANG`: English when it starts with `en`,
/// French otherwise (and when none is set).
pub fn lang_from_env() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|value| !value.is_empty())
        .map_or(Lang::Fr, |value| Lang::from_locale(&value))
}

/// The reason of a failed file operation, in words.
pub fn io_reason(lang: Lang, err: &io::Error) -> String {
    let known = match (err.kind(), lang) {
        (io::ErrorKind::NotFound, Lang::Fr) => "fichier ou dossier introuvable",
        (io::ErrorKind::NotFound, Lang::En) => "no such file or directory",
        (io::ErrorKind::PermissionDenied, Lang::Fr) => "permission refusée",
        (io::ErrorKind::PermissionDenied, Lang::En) => "permission denied",
        (io::ErrorKind::AlreadyExists, Lang::Fr) => "le fichier existe déjà",
        (io::ErrorKind::AlreadyExists, Lang::En) => "the file already exists",
        (io::ErrorKind::InvalidData, Lang::Fr) => "contenu qui n'est pas du texte UTF-8",
        (io::ErrorKind::InvalidData, Lang::En) => "content that is not UTF-8 text",
        _ => return err.to_string(),
    };
    known.to_owned()
}

/// A document kind (`DocumentKind::name()`) in words: "certificat de
/// scolarité". A name without words is given back as it is.
pub fn kind(lang: Lang, name: &str) -> String {
    let code = format!("kind-{name}");
    match template(lang, &code) {
        words if words != code => words.to_owned(),
        _ => name.to_owned(),
    }
}

/// What a status document's refusal adds to its sentence (the sentence is
/// the code's, and the code ends the line): the sequences in words, the
/// parser's or the core's own detail otherwise.
pub fn status_detail(lang: Lang, e: &cachet::status_doc::StatusError) -> String {
    use cachet::status_doc::StatusError;
    match (e, lang) {
        (StatusError::Rollback { held, got }, Lang::Fr) => format!("n° {got}, alors que le n° {held} est appliqué"),
        (StatusError::Rollback { held, got }, Lang::En) => format!("no. {got}, while no. {held} is applied"),
        (StatusError::WrongBase { held: Some(held), base }, Lang::Fr) => {
            format!("delta sur le n° {base}, alors que le n° {held} est appliqué")
        }
        (StatusError::WrongBase { held: Some(held), base }, Lang::En) => {
            format!("a delta on no. {base}, while no. {held} is applied")
        }
        (StatusError::WrongBase { held: None, base }, Lang::Fr) => {
            format!("delta sur le n° {base}, sans document complet appliqué")
        }
        (StatusError::WrongBase { held: None, base }, Lang::En) => {
            format!("a delta on no. {base}, with no full document applied")
        }
        (StatusError::Indices { key_id, error }, Lang::Fr) => {
            format!("clé {key_id} : {} [{}]", clause(error.sentence(lang)), error.code())
        }
        (StatusError::Indices { key_id, error }, Lang::En) => {
            format!("key {key_id}: {} [{}]", clause(error.sentence(lang)), error.code())
        }
        (StatusError::Entry { at, .. }, Lang::Fr) => match at.strip_prefix("key ") {
            Some(key_id) => format!("clé {key_id}"),
            None => at.clone(),
        },
        (StatusError::Entry { at, .. }, Lang::En) => at.clone(),
        (StatusError::Json(m) | StatusError::Format(m), _) => m.clone(),
        _ => String::new(),
    }
}

/// A sentence of the core (`StatusListError::sentence`…) as a clause inside
/// a message: its first letter lowercase, without its final period.
fn clause(sentence: &str) -> String {
    let mut chars = sentence.strip_suffix('.').unwrap_or(sentence).chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// A date as people read it: `12/04/2013` in French, `2013-04-12` in English.
pub fn date(lang: Lang, d: cachet::time::Date) -> String {
    match lang {
        Lang::Fr => format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
        Lang::En => d.to_string(),
    }
}

/// An RFC 3339 instant as a person reads it, in Paris time: "6 décembre
/// 2026 à 9 h 39", "6 December 2026, 09:39 (Paris time)". Text that is not
/// an instant is given back as it is.
pub fn instant(lang: Lang, rfc3339: &str) -> String {
    const MOIS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let Some(t) = cachet::time::parse_rfc3339(rfc3339) else { return rfc3339.to_owned() };
    let Some(d) = cachet::time::Date::in_paris_at(t) else { return rfc3339.to_owned() };
    let minutes = (t - d.paris_midnight()).div_euclid(60);
    let (h, m) = (minutes / 60, minutes % 60);
    let month = usize::from(d.month()).saturating_sub(1);
    match lang {
        Lang::Fr => {
            let day = if d.day() == 1 { "1er".to_owned() } else { d.day().to_string() };
            format!("{day} {} {} à {h} h {m:02}", MOIS.get(month).unwrap_or(&"?"), d.year())
        }
        Lang::En => {
            format!("{} {} {}, {h:02}:{m:02} (Paris time)", d.day(), MONTHS.get(month).unwrap_or(&"?"), d.year())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cachet::certificate::FieldProblem;
    use cachet::keys::KeyError;
    use cachet::status_doc::{EntryProblem, StatusError};
    use cachet::status_list::StatusListError;
    use cachet::trust::TrustError;

    #[test]
    fn codes_are_unique_and_both_languages_are_written() {
        for (i, (code, fr, en)) in MESSAGES.iter().enumerate() {
            assert!(MESSAGES.iter().skip(i + 1).all(|(c, _, _)| c != code), "{code} twice");
            assert!(!fr.is_empty() && !en.is_empty(), "{code}");
        }
    }

    #[test]
    fn every_core_code_has_a_sentence() {
        let fields = [
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
        ]
        .map(FieldProblem::code);
        let keys = [KeyError::WrongKind, KeyError::Encoding, KeyError::KeyId].map(|e| e.code());
        let trust = [
            TrustError::TooLarge,
            TrustError::Json(String::new()),
            TrustError::Format(String::new()),
            TrustError::UnknownRoot,
            TrustError::Signature,
            TrustError::Rollback { seen: 2, got: 1 },
        ]
        .map(|e| e.code())
        .into_iter()
        // An entry refused is the message `trust-list-entry` (CliError::trust).
        .chain(["trust-list-entry"])
        .collect::<Vec<_>>();
        let status = [
            StatusError::TooLarge,
            StatusError::Json(String::new()),
            StatusError::Format(String::new()),
            StatusError::NoStatusKey,
            StatusError::WrongKey,
            StatusError::Signature,
            StatusError::KeyExpired,
            StatusError::Expired,
            StatusError::Rollback { held: 2, got: 1 },
            StatusError::WrongBase { held: None, base: 1 },
        ]
        .map(|e| e.code())
        .into_iter()
        .chain(EntryProblem::ALL.map(|p| p.as_code().as_str()))
        .collect::<Vec<_>>();
        for code in fields.iter().chain(&keys).chain(&trust).chain(&status).chain(&["key-refused", "status-indices"]) {
            for lang in [Lang::Fr, Lang::En] {
                assert_ne!(template(lang, code), *code, "{code} has no sentence");
            }
        }
    }

    #[test]
    fn a_status_documents_refusal_says_where_and_what_in_words() {
        let key = "0011223344556677";
        let entry = |at: &str, problem| StatusError::Entry { at: at.into(), problem };
        let e = entry(&format!("key {key}"), EntryProblem::Key);
        let args = |lang| [("path", "s.json".to_owned()), ("detail", status_detail(lang, &e))];
        assert_eq!(
            render(Lang::Fr, e.code(), &args(Lang::Fr)),
            "s.json : clé 0011223344556677 absente de la liste de confiance, ou sans capacité de statut (status_capacity)"
        );
        assert_eq!(
            render(Lang::En, e.code(), &args(Lang::En)),
            "s.json: key 0011223344556677 not in the trust list, or without a status capacity (status_capacity)"
        );
        assert_eq!(status_detail(Lang::Fr, &entry("expires", EntryProblem::Time)), "expires");
        let e = StatusError::Indices { key_id: key.into(), error: StatusListError::Truncated };
        assert_eq!(
            status_detail(Lang::Fr, &e),
            "clé 0011223344556677 : les index révoqués sont tronqués [status-set-truncated]"
        );
        assert_eq!(
            status_detail(Lang::En, &e),
            "key 0011223344556677: the revoked indices are cut short [status-set-truncated]"
        );
    }

    #[test]
    fn placeholders_are_filled() {
        let args = [("path", "a.json".to_owned()), ("reason", "x".to_owned())];
        assert_eq!(render(Lang::En, "file-read", &args), "cannot read a.json: x");
        assert_eq!(render(Lang::Fr, "file-read", &args), "impossible de lire a.json : x");
        assert_eq!(fill("{a} {b} {", &[("a", "1".into())]), "1 {b} {");
        assert_eq!(template(Lang::Fr, "no-such-code"), "no-such-code");
    }
}
