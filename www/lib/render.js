// The one renderer of the page, <cachet-verifier> and the iframe, with
// createElement and textContent only. Certificate fields are hostile text:
// set as text, each in its own <bdi> (no direction override leaks), long
// words wrapped; only the fields the core returned are shown. Strings come
// from i18n.js (the element draws inside `inLang`); `part`s are for hosts'
// ::part(). A verdict is of one of three kinds (session.js kindOf), each
// with its colour, icon, words and next step; the container gets
// `data-status` and `data-kind`; the card is no live region: the shell's
// own says renderOutcome's one sentence, once.

import { t, formatDate, formatInstant, formatAge, formatParisDay } from '../i18n.js';
import { kindOf } from './session.js';

const ICONS = { valid: '✓', 'not-valid-now': '◷', refused: '✗', error: '!' };
const OUTCOME_ICONS = { pass: '✓', warn: '!', fail: '✗', 'not-run': '–' };

/** `h('p', {class: 'x', part: 'y'}, 'text', child…)`: an element with text children. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A signed value, isolated from the text around it. */
function value(text, className) {
  return h('bdi', { class: className }, String(text));
}

function card(kind, title, reason, ...rest) {
  // `verdict-invalid`: the part's name before the kinds, kept for hosts that style it.
  const parts = kind === 'valid' || kind === 'error' ? `verdict-${kind}` : `verdict-invalid verdict-${kind}`;
  return h(
    'div',
    { class: `verdict verdict-${kind}`, part: `verdict ${parts}` },
    h(
      'h2',
      { class: 'verdict-title', id: 'verdict-title', part: 'title', tabindex: '-1' },
      h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, ICONS[kind]),
      ' ',
      h('span', { class: 'verdict-words' }, title),
    ),
    h('p', { class: 'verdict-reason', part: 'reason' }, reason),
    ...rest,
  );
}

function fields(cert, issuer, kind) {
  const has = (k) => typeof cert[k] === 'string';
  const row = (label, ...content) => h('div', { class: 'field' }, h('dt', {}, label), h('dd', {}, ...content));
  const regimes = t('regime');
  const pupil = [
    has('given_names') ? value(cert.given_names, 'given-names') : null,
    has('given_names') && has('family_name') ? ' ' : null,
    has('family_name') ? value(cert.family_name, 'family-name') : null,
  ];
  const rows = [
    has('given_names') || has('family_name') ? row(t('fieldPupil'), ...pupil) : null,
    has('birth_date') ? row(t('fieldBirthDate'), value(formatDate(cert.birth_date))) : null,
    has('school_name') ? row(t('fieldSchool'), value(cert.school_name)) : null,
    has('school_uai') ? row(t('fieldUai'), value(cert.school_uai)) : null,
    has('school_town') ? row(t('fieldTown'), value(cert.school_town)) : null,
    has('academie') ? row(t('fieldAcademie'), value(cert.academie)) : null,
    has('school_year') ? row(t('fieldSchoolYear'), value(cert.school_year)) : null,
    has('valid_from') && has('valid_until')
      ? row(t('fieldValidity'), t('validity', { from: formatParisDay(cert.valid_from), until: formatParisDay(cert.valid_until, -1) }))
      : null,
    has('level') ? row(t('fieldLevel'), value(cert.level)) : null,
    has('regime') ? row(t('fieldRegime'), value(regimes[cert.regime] ?? cert.regime)) : null,
    has('issued_on') ? row(t('fieldIssuedOn'), value(formatDate(cert.issued_on))) : null,
    has('serial') ? row(t('fieldSerial'), value(cert.serial, 'serial')) : null,
    issuer && typeof issuer.name === 'string' ? row(t('fieldIssuer'), value(issuer.name)) : null,
  ];
  return h(
    'section',
    { class: `signed signed-${kind}`, part: 'fields', 'aria-labelledby': 'signed-title' },
    h('h3', { id: 'signed-title' }, t({ valid: 'fieldsTitle', 'not-valid-now': 'fieldsTitleNotValidNow' }[kind] ?? 'fieldsTitleRefused')),
    h('dl', { class: 'fields' }, ...rows),
  );
}

function checks(list, status) {
  const labels = t('check');
  const outcomes = t('outcome');
  const items = list.map((c) =>
    h(
      'li',
      { class: `check check-${OUTCOME_ICONS[c.outcome] ? c.outcome : 'fail'}` },
      h('span', { class: 'check-icon', 'aria-hidden': 'true' }, OUTCOME_ICONS[c.outcome] ?? '?'),
      ' ',
      h('span', { class: 'check-label' }, labels[c.check] ?? String(c.check)),
      ' — ',
      h('span', { class: 'check-outcome' }, outcomes[c.outcome] ?? String(c.outcome)),
      c.code ? ' ' : null,
      c.code ? h('code', { class: 'check-code' }, String(c.code)) : null,
    ),
  );
  return h(
    'details',
    { class: 'checks', part: 'checks' },
    h('summary', {}, t('checksTitle')),
    h('p', { class: 'status-code' }, t('statusCode', { code: status })),
    h('ul', {}, ...items),
  );
}

/**
 * The core's verdict: `result` is what the session's `verify` resolved to
 * (already checked). Returns the sentence to announce, or null when this
 * page has no words for the status (the caller shows "could not verify").
 */
export function renderVerdict(container, result) {
  const words = t('verdict')[result.status];
  if (!Array.isArray(words)) return null;
  const kind = kindOf(result.status);
  const cert = result.certificate ?? {};
  const [title, reason] = words;
  // "Valid from {from}": the day it starts, when the certificate says it; else only what to do meanwhile.
  const next =
    typeof cert.valid_from === 'string' ? words[2].replace('{from}', formatParisDay(cert.valid_from)) : words[2].replace(/^[^.]*\{from\}\.\s*/, '');
  // A list or status documents past their date, or status documents this device could not get.
  const stale = result.checks.some((c) => c.check === 'trust-list' && c.outcome === 'warn') || Boolean(result.statusMissing);
  const verdict = card(
    kind,
    title,
    reason,
    h('p', { class: 'verdict-next', part: 'next' }, h('strong', {}, t('nextLabel')), next),
    stale ? h('p', { class: 'stale-warning' }, t('verdictStale')) : null,
    result.certificate ? fields(result.certificate, result.issuer, kind) : null,
    result.trust_list
      ? h(
          'p',
          { class: 'verdict-trust' },
          t('verdictTrustList', { seq: result.trust_list.sequence, date: formatInstant(result.trust_list.issued_at) }),
        )
      : null,
    checks(result.checks, result.status),
  );
  container.replaceChildren(verdict);
  container.dataset.status = result.status;
  container.dataset.kind = kind;
  return `${title}. ${t('nextLabel')}${next}`;
}

/** "Could not verify": `reasonKey` is one of the `error*` strings of i18n.js, with `params`. */
export function renderError(container, reasonKey, params) {
  const reason = t(reasonKey, params);
  container.replaceChildren(card('error', t('errorTitle'), reason));
  container.dataset.status = 'error';
  container.removeAttribute('data-kind'); // no verdict on the certificate
  return `${t('errorTitle')}. ${reason}`;
}

/**
 * A session's `verdict` event's detail (`{result}` or `{error}`), drawn.
 * Returns `{status, says}`: the status shown (`error` for "could not
 * verify", also for a status this page has no words for) and the one
 * sentence for the shell's live region.
 */
export function renderOutcome(container, outcome) {
  const says = outcome.error ? null : renderVerdict(container, outcome.result);
  if (says) return { status: outcome.result.status, says };
  return { status: 'error', says: renderError(container, outcome.error?.reason ?? 'errorReason', outcome.error?.params) };
}

/** "Verifying…" (or `key`), no status yet. */
export function renderBusy(container, key = 'verifying') {
  renderIdle(container);
  container.append(h('p', { class: 'busy' }, t(key)));
}

/** Idle: nothing shown, no status. */
export function renderIdle(container) {
  container.replaceChildren();
  container.removeAttribute('data-status');
  container.removeAttribute('data-kind');
}

/** The trust list's line (`el`'s text and `data-state`) for a session's `trust`. */
export function renderTrustInfo(el, trust) {
  const lines = [];
  let state = trust.state;
  switch (trust.state) {
    case 'loading':
      lines.push(t('trustLoading'));
      break;
    case 'config-missing':
      lines.push(t('trustConfigMissing'));
      break;
    case 'missing':
      lines.push(t('trustMissing'));
      break;
    case 'core-missing':
      lines.push(t('errorUnavailable'));
      break;
    case 'no-wasm':
      lines.push(t('errorNoWasm'));
      break;
    case 'unknown-profile':
      lines.push(t('errorUnknownProfile', { profile: trust.profile ?? '?' }));
      break;
    case 'invalid':
      lines.push(t('trustInvalid', { code: trust.error ?? '?' }));
      break;
    case 'ready': {
      const { info } = trust;
      const params = {
        seq: info.sequence,
        date: formatInstant(info.issued_at),
        age: formatAge(info.issued_at, Date.now()),
        next: formatInstant(info.next_update),
      };
      state = trust.freshness ?? 'unknown';
      const keys = { fresh: 'trustFresh', stale: 'trustStale', expired: 'trustExpired', unknown: 'trustUnknown' };
      lines.push(t(keys[state], params));
      if (trust.networkRefused) lines.push(t('trustNetworkRefused', { code: trust.networkRefused }));
      else if (trust.fromCache) lines.push(t('trustFromCache'));
      if (trust.status?.state === 'missing') lines.push(t('statusMissing', { code: trust.status.error }));
      else if (trust.status?.state === 'held' && trust.status.error) lines.push(t('statusRefused', { code: trust.status.error }));
      break;
    }
    default:
      break;
  }
  el.dataset.state = state;
  const text = lines.join(' ');
  if (el.textContent !== text) el.textContent = text;
}
