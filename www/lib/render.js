// The one renderer of the page, <cachet-verifier> and the iframe: the
// verdict, "could not verify", "verifying…" and the trust list's line, built
// with createElement and textContent only.
//
// Every certificate field is hostile text: it may hold markup, script,
// right-to-left overrides or thousands of characters. It is only ever set
// as text, each value in its own <bdi> so that no direction override leaks
// into the labels around it, and long words wrap (style.css,
// element/cachet-verifier.css). Only the fields the core returned are
// shown: a purpose profile's certificate lacks the others.
//
// Strings come from i18n.js in its current language: the element draws
// inside `inLang(its lang, …)`. Elements carry `part` names for hosts'
// `::part()` styling (harmless on the page).

import { t, formatDate, formatInstant, formatAge, formatParisDay } from '../i18n.js';

const ICONS = { valid: '✓', invalid: '✗', error: '!' };
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
  return h(
    'div',
    { class: `verdict verdict-${kind}`, part: `verdict verdict-${kind}` },
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

function fields(cert, issuer, valid) {
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
    { class: valid ? 'signed signed-valid' : 'signed signed-not-valid', part: 'fields', 'aria-labelledby': 'signed-title' },
    h('h3', { id: 'signed-title' }, valid ? t('fieldsTitle') : t('fieldsTitleNotValid')),
    h('dl', { class: 'fields' }, ...rows),
  );
}

function checks(list) {
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
  return h('details', { class: 'checks', part: 'checks' }, h('summary', {}, t('checksTitle')), h('ul', {}, ...items));
}

/**
 * The core's verdict: `result` is what the session's `verify` resolved to
 * (already checked), `text` the core's `{title, reason}` for its status.
 */
export function renderVerdict(container, result, text) {
  const valid = result.status === 'valid';
  const stale = result.checks.some((c) => c.check === 'trust-list' && c.outcome === 'warn');
  // Only an expired list reaches the verifier when no newer one could be downloaded: say what to do.
  const blocked = result.status === 'trust-list-expired';
  const verdict = card(
    valid ? 'valid' : 'invalid',
    text.title,
    text.reason,
    valid ? h('p', { class: 'reminder' }, t('reminder')) : null,
    stale ? h('p', { class: 'stale-warning' }, t('verdictStale')) : null,
    blocked ? h('p', { class: 'stale-warning blocked' }, t('verdictTrustExpired')) : null,
    result.certificate ? fields(result.certificate, result.issuer, valid) : null,
    result.trust_list
      ? h(
          'p',
          { class: 'verdict-trust' },
          t('verdictTrustList', { seq: result.trust_list.sequence, date: formatInstant(result.trust_list.issued_at) }),
        )
      : null,
    checks(result.checks),
  );
  container.replaceChildren(verdict);
  container.dataset.status = result.status;
}

/** "Could not verify": `reasonKey` is one of the `error*` strings of i18n.js, with `params`. */
export function renderError(container, reasonKey, params) {
  container.replaceChildren(card('error', t('errorTitle'), t(reasonKey, params)));
  container.dataset.status = 'error';
}

/**
 * A session's `verdict` event's detail (`{result}` or `{error}`), drawn;
 * `statusText(status)` gives the core's sentences. Returns the status shown
 * (`error` for "could not verify", also when the core has no sentence).
 */
export function renderOutcome(container, outcome, statusText) {
  if (outcome.error) {
    renderError(container, outcome.error.reason ?? 'errorReason', outcome.error.params);
    return 'error';
  }
  let text;
  try {
    text = statusText(outcome.result.status);
  } catch {
    renderError(container, 'errorReason');
    return 'error';
  }
  renderVerdict(container, outcome.result, text);
  return outcome.result.status;
}

/** "Verifying…" (or `key`), no status yet. */
export function renderBusy(container, key = 'verifying') {
  container.replaceChildren(h('p', { class: 'busy' }, t(key)));
  container.removeAttribute('data-status');
}

/** Idle: nothing shown, no status. */
export function renderIdle(container) {
  container.replaceChildren();
  container.removeAttribute('data-status');
}

/** Moves focus to the verdict's heading, so that it is read next. */
export function focusVerdict(container) {
  const heading = container.querySelector('.verdict-title');
  if (heading) heading.focus();
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
      break;
    }
    default:
      break;
  }
  el.dataset.state = state;
  const text = lines.join(' ');
  if (el.textContent !== text) el.textContent = text;
}
