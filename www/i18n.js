// Every string of the page's own, in French here and in English in
// i18n-en.js, fetched only when English is chosen (`useLang`; 3 KB gzipped
// that a link's first verdict in French no longer waits for).
//
// The verdicts' sentences are here, one [title, reason, next step] per
// status, written for a parent and a clerk (no word a clerk could not
// explain; the codes only in the details, for support). Typographic
// apostrophes (’) throughout.

import { storage } from './storage.js';
import { preloadImportsOf } from './lib/early.js';

const LANG_KEY = 'cachet.lang';

const STRINGS = {
  fr: {
    pageTitle: 'Cachet — vérifier un certificat de scolarité',
    skip: 'Aller au contenu principal',
    brand: 'Cachet',
    langToggle: 'English',
    title: 'Vérifier un certificat de scolarité',
    lead: 'Scannez le code QR du certificat. La vérification se fait sur cet appareil : rien n’est envoyé.',
    inputsTitle: 'Ou bien : le lien ou une image',
    pasteTitle: 'Lien ou texte du certificat',
    pasteLabel: 'Collez ou tapez le lien ou le texte (commençant par CC1:)',
    pasteHint: 'Entrée pour vérifier ; Maj+Entrée pour aller à la ligne.',
    pasteVerify: 'Vérifier',
    pasteEmpty: 'Collez d’abord le lien ou le texte du certificat.',
    imageTitle: 'Photo ou capture d’écran',
    imageOrPdfLabel: 'Choisir une image du code QR, ou le PDF du certificat',
    imageReading: 'Lecture de l’image…',
    imageNoCode: 'Aucun code QR lisible dans cette image. Essayez une photo nette et bien éclairée, où le code occupe une bonne partie de l’image.',
    imageNotImage: 'Ce fichier n’a pas pu être lu comme une image.',
    imageTooLarge: 'Cette image est trop grande pour être lue sur cet appareil. Prenez une photo plus petite, ou une capture d’écran du code QR.',
    pdfUnreadable: 'Ce PDF est illisible ou endommagé.',
    pdfNoCode: 'Aucun certificat dans ce PDF : ni texte de certificat intégré, ni code QR lisible dans ses images.',
    scannerUnavailable: 'Le lecteur de code QR n’a pas pu démarrer. Collez le lien du certificat, ou rechargez la page.',
    sound: 'Son ou vibration à chaque résultat',
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
    verifyingTrustList: 'Téléchargement de la liste des établissements reconnus, puis vérification…',
    privacy: 'Rien de ce que vous montrez ne quitte cet appareil. Cette page fonctionne aussi hors ligne après une première visite.',
    updateText: 'Nouvelle version disponible',
    updateReload: 'Recharger',
    // "Could not verify": the page's own verdict when the core failed.
    errorTitle: 'Impossible de vérifier',
    errorReason: 'Une erreur est survenue pendant la vérification ; aucun résultat ne peut être donné. Réessayez ; si cela se reproduit, rechargez la page.',
    errorTimeout: 'La vérification n’a pas abouti en 5 secondes ; aucun résultat ne peut être donné. Réessayez ; si cela se reproduit, rechargez la page.',
    errorUnavailable: 'Ce navigateur n’a pas pu lancer la vérification ; aucun résultat ne peut être donné. Rechargez la page. Si cela se reproduit, le navigateur la bloque (navigateur ancien, ou mode de sécurité renforcée comme le « mode Isolement » de l’iPhone) : essayez un autre navigateur à jour.',
    errorNoWasm: 'Ce navigateur n’exécute pas WebAssembly, dont la vérification a besoin : il y est désactivé, par exemple par le mode Isolement de l’iPhone ou de l’iPad, ou par une règle de l’appareil. Aucun résultat ne peut être donné, et recharger la page n’y changera rien. Ouvrez le lien dans un autre navigateur ou sur un autre appareil ; ou, en mode Isolement, excluez ce site : dans Safari, touchez « aA » à gauche de l’adresse, puis Réglages du site web, et désactivez le mode Isolement pour ce site.',
    errorUnknownProfile: 'Cette page est mal configurée : aucun certificat ne peut être vérifié. Signalez-le au service qui la gère (code pour l’assistance : {profile}).',
    errorTrustListMissing: 'La liste des établissements reconnus n’a pas pu être téléchargée et cet appareil n’en garde aucune copie : aucun résultat ne peut être donné. Connectez-vous à Internet, puis réessayez.',
    // The verdict: [title, reason, next step] for each status.
    verdict: {
      valid: ['Certificat valide', 'Ce certificat est authentique et valable aujourd’hui.', 'Comparez ces informations avec une pièce d’identité.'],
      expired: ['Authentique mais plus valable', 'Ce certificat a bien été délivré par l’établissement scolaire, mais son année scolaire est terminée.', 'Demandez le certificat de cette année : l’établissement scolaire le délivre.'],
      'not-yet-valid': ['Authentique mais pas encore valable', 'Ce certificat a bien été délivré par l’établissement scolaire, mais son année scolaire n’a pas commencé.', 'Il sera valable à partir du {from}. D’ici là, demandez le certificat de l’année en cours.'],
      'invalid-signature': ['Certificat falsifié : ne pas s’y fier', 'Ce certificat a été modifié après avoir été signé, ou il est faux.', 'Refusez-le. La famille peut demander un nouveau certificat à l’établissement scolaire.'],
      'unknown-issuer': ['Signataire inconnu : ne pas s’y fier', 'Ce certificat n’a pas été signé par un établissement reconnu.', 'Refusez-le. La famille peut demander un certificat à l’établissement scolaire.'],
      'issuer-key-not-valid': ['Signature non autorisée : ne pas s’y fier', 'Ce certificat a été signé par un moyen que l’établissement n’avait pas le droit d’utiliser à cette date.', 'Refusez-le. La famille peut demander un nouveau certificat à l’établissement scolaire.'],
      revoked: ['Certificat annulé : ne pas s’y fier', 'L’établissement scolaire a annulé ce certificat.', 'Refusez-le. La famille peut demander un certificat à jour à l’établissement scolaire.'],
      malformed: ['Code illisible : ne pas s’y fier', 'Ce code ou ce texte n’est pas un certificat complet : il est abîmé, coupé ou d’un autre type.', 'Scannez à nouveau le code. Si cela se reproduit, demandez le certificat original (papier ou PDF).'],
      'unsupported-version': ['Certificat trop récent pour cette page : ne pas s’y fier', 'Ce certificat est d’un modèle plus récent que cette page.', 'Rechargez la page pour la mettre à jour, puis réessayez.'],
      'trust-list-invalid': ['Vérification impossible sur cet appareil', 'La liste des établissements reconnus n’a pas pu être authentifiée : aucun certificat ne peut être vérifié.', 'Rechargez la page. Si cela se reproduit, signalez-le au service qui gère cette page.'],
      'trust-list-expired': ['Vérification impossible : liste trop ancienne', 'La liste des établissements reconnus de cet appareil est trop ancienne et aucune liste à jour n’a pu être téléchargée : aucun certificat ne peut être déclaré valide.', 'Connectez-vous à Internet, puis réessayez.'],
    },
    nextLabel: 'À faire : ',
    statusCode: 'Code pour l’assistance : {code}',
    fieldsTitle: 'Informations signées',
    fieldsTitleNotValidNow: 'Informations signées (pas valables aujourd’hui)',
    fieldsTitleRefused: 'Informations lues (ne pas s’y fier)',
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
    fieldIssuer: 'Signé par',
    regime: { externe: 'externe', 'demi-pensionnaire': 'demi-pensionnaire', interne: 'interne' },
    verdictStale: 'Attention : la liste des établissements reconnus n’est pas à jour ; un certificat annulé récemment pourrait ne pas être signalé. Connectez-vous à Internet pour la mettre à jour.',
    verdictTrustList: 'Vérifié avec la liste des établissements reconnus, version {seq} du {date}.',
    checksTitle: 'Détail des contrôles (pour l’assistance)',
    outcome: { pass: 'réussi', warn: 'avertissement', fail: 'échec', 'not-run': 'non effectué' },
    check: {
      'trust-list': 'Liste des établissements reconnus à jour',
      decoding: 'Lecture du certificat',
      version: 'Modèle de certificat connu',
      issuer: 'Signé par un établissement reconnu',
      signature: 'Signature authentique',
      'issuer-key': 'Signature autorisée à cette date',
      revocation: 'Non annulé',
      validity: 'Période de validité',
    },
    // The trust list, in #trust-info.
    trustLoading: 'Chargement de la liste des établissements reconnus…',
    trustFresh: 'Liste des établissements reconnus : version {seq} du {date} ({age}), à jour.',
    trustStale: 'Attention : la liste des établissements reconnus (version {seq} du {date}, {age}) n’est pas à jour. Une mise à jour était attendue le {next}. Connectez-vous à Internet pour la mettre à jour.',
    trustExpired: 'La liste des établissements reconnus (version {seq} du {date}, {age}) est trop ancienne : aucun certificat ne peut être déclaré valide. Connectez-vous à Internet pour la mettre à jour.',
    trustUnknown: 'Liste des établissements reconnus : version {seq} du {date} ({age}).',
    trustInvalid: 'La liste des établissements reconnus a été refusée : aucun certificat ne peut être vérifié (code pour l’assistance : {code}).',
    trustMissing: 'La liste des établissements reconnus est indisponible : aucun certificat ne peut être vérifié. Connectez-vous à Internet, puis rechargez la page.',
    trustFromCache: 'Copie enregistrée sur cet appareil (le réseau n’a pas répondu).',
    trustNetworkRefused: 'La liste téléchargée a été refusée ; la copie enregistrée sur cet appareil est utilisée (code pour l’assistance : {code}).',
    statusMissing: 'Les annulations des derniers jours n’ont pas pu être téléchargées : un certificat annulé récemment pourrait ne pas être signalé (code pour l’assistance : {code}).',
    statusRefused: 'La dernière mise à jour des annulations a été refusée ; celle enregistrée sur cet appareil est utilisée (code pour l’assistance : {code}).',
    trustConfigMissing: 'Configuration du vérificateur indisponible : aucun certificat ne peut être vérifié. Rechargez la page.',
    // Dates and times (formatDate, formatInstant, formatAge).
    instant: '{date} à {time}',
    months: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
    age: {
      now: 'à l’instant',
      // one ago, n ago, in one, in n
      day: ['hier', 'il y a {n} jours', 'demain', 'dans {n} jours'],
      hour: ['il y a 1 heure', 'il y a {n} heures', 'dans 1 heure', 'dans {n} heures'],
      minute: ['il y a 1 minute', 'il y a {n} minutes', 'dans 1 minute', 'dans {n} minutes'],
    },
  },
};

let current = 'fr';
let english = null;

/** Adds the English strings (i18n-en.js's `EN`): what <cachet-verifier> does as it loads. */
export function addEnglish(strings) {
  STRINGS.en = strings;
}

/**
 * Makes `next` (`fr` or `en`) the language, once its strings are here
 * (English: i18n-en.js, fetched on first use); `remember`: kept for the
 * next visits. Resolves to the language in use: still the one before when
 * English could not be loaded (offline before the service worker kept it).
 */
export async function useLang(next, { remember = true } = {}) {
  if (next === 'en' && !STRINGS.en) {
    english ??= (preloadImportsOf(import.meta.url), import('./i18n-en.js')).then(({ EN }) => addEnglish(EN)); // checked where the site gives integrity
    try {
      await english;
    } catch {
      english = null;
      return current;
    }
  }
  current = next === 'en' ? 'en' : 'fr';
  if (remember) storage.set(LANG_KEY, current);
  return current;
}

/** The language this device chose before, in use once its strings are here (await it before drawing). */
export const langReady = storage.get(LANG_KEY) === 'en' ? useLang('en', { remember: false }) : Promise.resolve(current);

/** The page's language: `fr` (the default) or `en`. */
export function lang() {
  return current;
}

/**
 * Runs `f` with `next` (`fr` or `en`) as the language, without remembering
 * it: the web component's `lang` attribute, which must not change the page's.
 */
export function inLang(next, f) {
  const saved = current;
  current = next === 'en' && STRINGS.en ? 'en' : 'fr';
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

/** A calendar date as a reader expects it: `1er avril 2009`, `12 avril 2009` in French, `12 Apr 2009` in English. */
function calendarDate(year, month, day) {
  return `${current === 'fr' && day === 1 ? '1er' : day} ${t('months')[month - 1]} ${year}`;
}

/** `YYYY-MM-DD` as a reader expects it: `12 avril 2009`, `12 Apr 2009`. */
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

/** An RFC 3339 instant as a date and time in Paris: `28 novembre 2026 à 19 h 32`, `28 Nov 2026, 19:32`. */
export function formatInstant(text) {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return String(text);
  const paris = new Date(ms + parisOffsetMs(ms)); // read with the UTC getters: the wall clock in Paris
  const date = calendarDate(paris.getUTCFullYear(), paris.getUTCMonth() + 1, paris.getUTCDate());
  const [hh, mm] = [paris.getUTCHours(), pad2(paris.getUTCMinutes())];
  const time = current === 'fr' ? `${hh}\u00a0h\u00a0${mm}` : `${pad2(hh)}:${mm}`;
  return t('instant', { date, time });
}

/**
 * The day in Paris of an RFC 3339 instant, `shiftSeconds` earlier or later
 * (`-1`: the last day of a period whose end is exclusive), as a reader
 * expects it: `31 août 2027`, `31 Aug 2027`. The CLI says the same
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
