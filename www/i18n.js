// Every string of the page's own, in French (first) and English.
//
// Verdict titles and reasons are not here: they come from the core
// (`statusText` in pkg/cachet.js), so the page, the CLI and the docs say the
// same thing. The only verdict sentences here are those of "could not
// verify", which the core cannot give when it is the core that failed.

import { storage } from './storage.js';

const LANG_KEY = 'cachet.lang';

const STRINGS = {
  fr: {
    pageTitle: 'Cachet — vérifier un certificat de scolarité',
    skip: 'Aller au contenu principal',
    brand: 'Cachet',
    langToggle: 'English',
    title: 'Vérifier un certificat de scolarité',
    lead: 'Montrez le code QR, collez le lien ou choisissez une photo du certificat. La vérification se fait sur cet appareil : aucune donnée du certificat n’est envoyée.',
    inputsTitle: 'Montrer un certificat',
    pasteTitle: 'Lien ou texte du certificat',
    pasteLabel: 'Collez ou tapez le lien ou le texte (commençant par CC1:)',
    pasteHint: 'Entrée pour vérifier ; Maj+Entrée pour aller à la ligne.',
    pasteVerify: 'Vérifier',
    pasteEmpty: 'Collez d’abord le lien ou le texte du certificat.',
    imageTitle: 'Photo ou capture d’écran',
    imageLabel: 'Choisir une image contenant le code QR',
    imageOrPdfLabel: 'Choisir une image du code QR, ou le PDF du certificat',
    imageReading: 'Lecture de l’image…',
    imageNoCode: 'Aucun code QR lisible dans cette image. Essayez une photo nette et bien éclairée, où le code occupe une bonne partie de l’image.',
    imageNotImage: 'Ce fichier n’a pas pu être lu comme une image.',
    pdfUnreadable: 'Ce PDF est illisible ou endommagé.',
    pdfNoCode: 'Aucun certificat dans ce PDF : ni texte de certificat intégré, ni code QR lisible dans ses images.',
    scannerUnavailable: 'Le lecteur de code QR n’a pas pu démarrer. Collez le lien du certificat, ou rechargez la page.',
    cameraTitle: 'Caméra',
    cameraStart: 'Scanner avec la caméra',
    cameraStop: 'Arrêter la caméra',
    cameraSelect: 'Caméra utilisée',
    cameraDefault: 'Caméra {n}',
    torch: 'Lampe',
    cameraVideo: 'Image de la caméra',
    cameraScanning: 'Placez le code QR du certificat face à la caméra.',
    cameraStarting: 'Démarrage de la caméra…',
    cameraDenied: 'L’accès à la caméra a été refusé. Autorisez-le dans les réglages du navigateur, ou choisissez une image.',
    cameraNone: 'Aucune caméra n’a été trouvée sur cet appareil.',
    cameraUnsupported: 'Ce navigateur ne donne pas accès à la caméra sur cette page. Choisissez une image ou collez le lien.',
    cameraFailed: 'La caméra n’a pas pu démarrer. Fermez les autres applications qui l’utilisent, puis réessayez.',
    again: 'Vérifier un autre certificat',
    verifying: 'Vérification en cours…',
    verifyingTrustList: 'Téléchargement de la liste de confiance, puis vérification…',
    privacy: 'Rien de ce que vous montrez ne quitte cet appareil. Cette page fonctionne aussi hors ligne après une première visite.',
    updateText: 'Nouvelle version disponible',
    updateReload: 'Recharger',
    // "Could not verify": the page's own verdict when the core failed.
    errorTitle: 'Impossible de vérifier',
    errorReason: 'Une erreur est survenue pendant la vérification ; aucun verdict ne peut être donné. Réessayez ; si cela se reproduit, rechargez la page.',
    errorTimeout: 'La vérification n’a pas abouti dans le délai de 5 secondes ; aucun verdict ne peut être donné. Réessayez ; si cela se reproduit, rechargez la page.',
    errorUnavailable: 'Le module de vérification n’a pas pu être chargé ; aucun verdict ne peut être donné. Vérifiez la connexion, puis rechargez la page.',
    errorUnknownProfile: 'Profil inconnu : {profile}. Aucun certificat ne peut être vérifié.',
    errorTrustListMissing: 'La liste de confiance n’a pas pu être téléchargée et cet appareil n’en garde aucune copie : aucun verdict ne peut être donné. Connectez-vous à Internet, puis réessayez.',
    // The verdict.
    reminder: 'Comparez ces informations avec une pièce d’identité de la personne.',
    fieldsTitle: 'Informations signées',
    fieldsTitleNotValid: 'Informations signées (certificat non valide : ne pas s’y fier)',
    fieldPupil: 'Élève',
    fieldBirthDate: 'Date de naissance',
    fieldSchool: 'Établissement',
    fieldUai: 'UAI',
    fieldTown: 'Commune',
    fieldAcademie: 'Académie',
    fieldSchoolYear: 'Année scolaire',
    fieldLevel: 'Niveau',
    fieldRegime: 'Régime',
    fieldIssuedOn: 'Date d’émission',
    fieldValidity: 'Valable',
    validity: 'du {from} au {until} inclus',
    fieldSerial: 'Numéro',
    fieldIssuer: 'Signé par (liste de confiance)',
    regime: { externe: 'externe', 'demi-pensionnaire': 'demi-pensionnaire', interne: 'interne' },
    verdictStale: 'Attention : la liste de confiance est en retard ; une révocation récente pourrait manquer. Connectez-vous à Internet pour la mettre à jour.',
    verdictTrustList: 'Vérifié avec la liste de confiance n° {seq} du {date}.',
    verdictTrustExpired: 'La liste de confiance de cet appareil est périmée et aucune liste à jour n’a pu être téléchargée : aucun certificat ne peut être déclaré valide. Connectez-vous à Internet, puis réessayez.',
    checksTitle: 'Détail des contrôles',
    outcome: { pass: 'réussi', warn: 'avertissement', fail: 'échec', 'not-run': 'non effectué' },
    check: {
      'trust-list': 'Liste de confiance à jour',
      decoding: 'Lecture du certificat',
      version: 'Version du format',
      issuer: 'Émetteur reconnu',
      signature: 'Signature authentique',
      'issuer-key': 'Clé autorisée à cette date',
      revocation: 'Non révoqué',
      validity: 'Période de validité',
    },
    // The trust list, in #trust-info.
    trustLoading: 'Chargement de la liste de confiance…',
    trustFresh: 'Liste de confiance n° {seq} du {date} ({age}), à jour.',
    trustStale: 'Attention : liste de confiance n° {seq} du {date} ({age}) en retard. Une mise à jour était attendue le {next}. Connectez-vous à Internet pour la mettre à jour.',
    trustExpired: 'Liste de confiance n° {seq} du {date} ({age}) périmée : aucun certificat ne peut être déclaré valide. Connectez-vous à Internet pour la mettre à jour.',
    trustUnknown: 'Liste de confiance n° {seq} du {date} ({age}).',
    trustInvalid: 'Liste de confiance refusée ({code}) : aucun certificat ne peut être vérifié.',
    trustMissing: 'Liste de confiance indisponible : aucun certificat ne peut être vérifié. Connectez-vous à Internet, puis rechargez la page.',
    trustFromCache: 'Copie enregistrée sur cet appareil (le réseau n’a pas répondu).',
    trustNetworkRefused: 'La liste téléchargée a été refusée ({code}) ; la copie enregistrée sur cet appareil est utilisée.',
    trustConfigMissing: 'Configuration du vérificateur indisponible : aucun certificat ne peut être vérifié. Rechargez la page.',
    // Dates and times (formatDate, formatInstant, formatAge).
    instant: '{date} à {time}',
    age: {
      now: 'à l’instant',
      // one ago, n ago, in one, in n
      day: ['hier', 'il y a {n} jours', 'demain', 'dans {n} jours'],
      hour: ['il y a 1 heure', 'il y a {n} heures', 'dans 1 heure', 'dans {n} heures'],
      minute: ['il y a 1 minute', 'il y a {n} minutes', 'dans 1 minute', 'dans {n} minutes'],
    },
  },
  en: {
    pageTitle: 'Cachet — verify a school certificate',
    skip: 'Skip to main content',
    brand: 'Cachet',
    langToggle: 'Français',
    title: 'Verify a school certificate',
    lead: 'Show the QR code, paste the link or choose a photo of the certificate. Verification happens on this device: no certificate data is sent anywhere.',
    inputsTitle: 'Show a certificate',
    pasteTitle: 'Certificate link or text',
    pasteLabel: 'Paste or type the link or the text (starting with CC1:)',
    pasteHint: 'Enter to verify; Shift+Enter for a new line.',
    pasteVerify: 'Verify',
    pasteEmpty: 'First paste the certificate’s link or text.',
    imageTitle: 'Photo or screenshot',
    imageLabel: 'Choose an image with the QR code',
    imageOrPdfLabel: 'Choose an image of the QR code, or the certificate’s PDF',
    imageReading: 'Reading the image…',
    imageNoCode: 'No readable QR code in this image. Try a sharp, well-lit photo in which the code fills a good part of the picture.',
    imageNotImage: 'This file could not be read as an image.',
    pdfUnreadable: 'This PDF is unreadable or damaged.',
    pdfNoCode: 'No certificate in this PDF: no embedded certificate text, no readable QR code in its images.',
    scannerUnavailable: 'The QR code reader could not start. Paste the certificate’s link, or reload the page.',
    cameraTitle: 'Camera',
    cameraStart: 'Scan with the camera',
    cameraStop: 'Stop the camera',
    cameraSelect: 'Camera in use',
    cameraDefault: 'Camera {n}',
    torch: 'Torch',
    cameraVideo: 'Camera picture',
    cameraScanning: 'Hold the certificate’s QR code in front of the camera.',
    cameraStarting: 'Starting the camera…',
    cameraDenied: 'Access to the camera was refused. Allow it in the browser’s settings, or choose an image.',
    cameraNone: 'No camera was found on this device.',
    cameraUnsupported: 'This browser gives no access to the camera on this page. Choose an image or paste the link.',
    cameraFailed: 'The camera could not start. Close other applications using it, then try again.',
    again: 'Verify another certificate',
    verifying: 'Verifying…',
    verifyingTrustList: 'Downloading the trust list, then verifying…',
    privacy: 'Nothing you show leaves this device. After a first visit, this page also works offline.',
    updateText: 'A new version is available',
    updateReload: 'Reload',
    errorTitle: 'Could not verify',
    errorReason: 'Something went wrong during verification; no verdict can be given. Try again; if it happens again, reload the page.',
    errorTimeout: 'Verification did not finish within 5 seconds; no verdict can be given. Try again; if it happens again, reload the page.',
    errorUnavailable: 'The verification module could not be loaded; no verdict can be given. Check the connection, then reload the page.',
    errorUnknownProfile: 'Unknown profile: {profile}. No certificate can be verified.',
    errorTrustListMissing: 'The trust list could not be downloaded and this device holds no copy of it: no verdict can be given. Go online, then try again.',
    reminder: 'Compare these details with the person’s identity document.',
    fieldsTitle: 'Signed details',
    fieldsTitleNotValid: 'Signed details (certificate not valid: do not rely on them)',
    fieldPupil: 'Pupil',
    fieldBirthDate: 'Date of birth',
    fieldSchool: 'School',
    fieldUai: 'UAI',
    fieldTown: 'Town',
    fieldAcademie: 'Académie',
    fieldSchoolYear: 'School year',
    fieldLevel: 'Level',
    fieldRegime: 'Régime',
    fieldIssuedOn: 'Issue date',
    fieldValidity: 'Valid',
    validity: 'from {from} to {until} inclusive',
    fieldSerial: 'Serial number',
    fieldIssuer: 'Signed by (trust list)',
    regime: { externe: 'day pupil', 'demi-pensionnaire': 'half-board', interne: 'boarder' },
    verdictStale: 'Warning: the trust list is overdue; a recent revocation may be missing. Go online to update it.',
    verdictTrustList: 'Verified with trust list no. {seq} of {date}.',
    verdictTrustExpired: 'The trust list on this device is out of date and no current list could be downloaded: no certificate can be declared valid. Go online, then try again.',
    checksTitle: 'Checks in detail',
    outcome: { pass: 'passed', warn: 'warning', fail: 'failed', 'not-run': 'not run' },
    check: {
      'trust-list': 'Trust list up to date',
      decoding: 'Certificate readable',
      version: 'Format version',
      issuer: 'Issuer known',
      signature: 'Signature genuine',
      'issuer-key': 'Key allowed on that date',
      revocation: 'Not revoked',
      validity: 'Validity period',
    },
    trustLoading: 'Loading the trust list…',
    trustFresh: 'Trust list no. {seq} of {date} ({age}), up to date.',
    trustStale: 'Warning: trust list no. {seq} of {date} ({age}) is overdue. An update was expected on {next}. Go online to update it.',
    trustExpired: 'Trust list no. {seq} of {date} ({age}) is out of date: no certificate can be declared valid. Go online to update it.',
    trustUnknown: 'Trust list no. {seq} of {date} ({age}).',
    trustInvalid: 'Trust list refused ({code}): no certificate can be verified.',
    trustMissing: 'Trust list unavailable: no certificate can be verified. Go online, then reload the page.',
    trustFromCache: 'Copy saved on this device (the network did not answer).',
    trustNetworkRefused: 'The downloaded list was refused ({code}); the copy saved on this device is used.',
    trustConfigMissing: 'The verifier’s configuration is unavailable: no certificate can be verified. Reload the page.',
    instant: '{date}, {time}',
    months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
    age: {
      now: 'just now',
      day: ['yesterday', '{n} days ago', 'tomorrow', 'in {n} days'],
      hour: ['1 hour ago', '{n} hours ago', 'in 1 hour', 'in {n} hours'],
      minute: ['1 minute ago', '{n} minutes ago', 'in 1 minute', 'in {n} minutes'],
    },
  },
};

let current = storage.get(LANG_KEY) === 'en' ? 'en' : 'fr';

/** The page's language: `fr` (the default) or `en`. */
export function lang() {
  return current;
}

/** Switches the language and remembers the choice. */
export function setLang(next) {
  current = next === 'en' ? 'en' : 'fr';
  storage.set(LANG_KEY, current);
}

/**
 * Runs `f` with `next` (`fr` or `en`) as the language, without remembering
 * it: the web component's `lang` attribute, which must not change the page's.
 */
export function inLang(next, f) {
  const saved = current;
  current = next === 'en' ? 'en' : 'fr';
  try {
    return f();
  } finally {
    current = saved;
  }
}

/** The string `key` in the current language, `{name}` replaced from `params`. */
export function t(key, params = {}) {
  const value = STRINGS[current][key] ?? STRINGS.fr[key];
  if (typeof value !== 'string') return value;
  return value.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/**
 * Writes the static strings: `data-i18n="key"` sets the text,
 * `data-i18n-label="key"` the `aria-label`; sets `<html lang>` and the title.
 */
export function applyStatic(doc = document) {
  // Only what differs is written: the page is served in French, and rewriting
  // a text that is already there would have the whole page laid out again.
  if (doc.documentElement.lang !== current) doc.documentElement.lang = current;
  if (doc.title !== t('pageTitle')) doc.title = t('pageTitle');
  for (const el of doc.querySelectorAll('[data-i18n]')) {
    const text = t(el.dataset.i18n);
    if (el.textContent !== text) el.textContent = text;
  }
  for (const el of doc.querySelectorAll('[data-i18n-label]')) {
    const label = t(el.dataset.i18nLabel);
    if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
  }
}

// Dates and times, written by hand rather than with Intl: on the main
// thread, a page's first Intl formatter costs tens of milliseconds (its
// locale's data is loaded), just when the first verdict is being shown.

const pad2 = (n) => String(n).padStart(2, '0');

/** A calendar date as a reader expects it: `12/04/2009` in French, `12 Apr 2009` in English. */
function calendarDate(year, month, day) {
  if (current === 'fr') return `${pad2(day)}/${pad2(month)}/${year}`;
  return `${day} ${t('months')[month - 1]} ${year}`;
}

/** `YYYY-MM-DD` as a reader expects it: `12/04/2009` in French, `12 Apr 2009` in English. */
export function formatDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return String(text);
  return calendarDate(m[1], Number(m[2]), Number(m[3]));
}

/** 01:00 UTC on the last Sunday of `month` (0-based) of `year`: when EU summer time starts (March) or ends (October). */
function lastSundayAt1Utc(year, month) {
  const last = new Date(Date.UTC(year, month + 1, 0)); // the month's last day
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
}

/**
 * Paris's offset from UTC at an instant, in milliseconds: UTC+2 from the
 * last Sunday of March to the last Sunday of October (01:00 UTC both, the
 * EU rule since 1996), UTC+1 otherwise.
 */
export function parisOffsetMs(ms) {
  const year = new Date(ms).getUTCFullYear();
  const summer = ms >= lastSundayAt1Utc(year, 2) && ms < lastSundayAt1Utc(year, 9);
  return (summer ? 2 : 1) * 3600 * 1000;
}

/** An RFC 3339 instant as a date and time in Paris: `28/11/2026 à 19:32`, `28 Nov 2026, 19:32`. */
export function formatInstant(text) {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return String(text);
  const paris = new Date(ms + parisOffsetMs(ms)); // read with the UTC getters: the wall clock in Paris
  const date = calendarDate(paris.getUTCFullYear(), paris.getUTCMonth() + 1, paris.getUTCDate());
  const time = `${pad2(paris.getUTCHours())}:${pad2(paris.getUTCMinutes())}`;
  return t('instant', { date, time });
}

/**
 * The day in Paris of an RFC 3339 instant, `shiftSeconds` earlier or later
 * (`-1`: the last day of a period whose end is exclusive), as a reader
 * expects it: `31/08/2027`, `31 Aug 2027`. The CLI says the same
 * (cli/src/verify.rs, "Valable").
 */
export function formatParisDay(text, shiftSeconds = 0) {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return String(text);
  const at = ms + shiftSeconds * 1000;
  const paris = new Date(at + parisOffsetMs(at));
  return calendarDate(paris.getUTCFullYear(), paris.getUTCMonth() + 1, paris.getUTCDate());
}

/** How long ago (or from now) an RFC 3339 instant is, in words: `il y a 3 jours`, `in 2 hours`. */
export function formatAge(text, nowMs) {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return '';
  const seconds = (ms - nowMs) / 1000;
  const units = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  const words = t('age');
  for (const [unit, size] of units) {
    const n = Math.trunc(Math.abs(seconds) / size);
    if (n >= 1) {
      const [oneAgo, manyAgo, inOne, inMany] = words[unit];
      const phrase = seconds < 0 ? (n === 1 ? oneAgo : manyAgo) : n === 1 ? inOne : inMany;
      return phrase.replace('{n}', String(n));
    }
  }
  return words.now;
}
