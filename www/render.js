// The verdict, built with createElement and textContent only.
//
// Every certificate field is hostile text: it may hold markup, script,
// right-to-left overrides or thousands of characters. It is only ever set
// as text, each value in its own <bdi> so that no direction override leaks
// into the labels around it, and long words wrap (style.css).

import { t, formatDate, formatInstant } from './i18n.js';

const ICONS = { valid: '✓', invalid: '✗', error: '!' };

/** `h('p', {className: 'x'}, 'text', child…)`: an element with text children. */
function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'className') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A signed value, isolated from the text around it. */
function value(text, className) {
  return h('bdi', className ? { className } : {}, String(text));
}

function headline(kind, title) {
  return h(
    'h2',
    { className: 'verdict-title', id: 'verdict-title', tabindex: '-1' },
    h('span', { className: 'verdict-icon', 'aria-hidden': 'true' }, ICONS[kind]),
    h('span', { className: 'verdict-words' }, title),
  );
}

function field(label, ...content) {
  return h('div', { className: 'field' }, h('dt', {}, label), h('dd', {}, ...content));
}

function fields(cert, issuer, valid) {
  const regimes = t('regime');
  const list = h(
    'dl',
    { className: 'fields' },
    field(t('fieldPupil'), value(cert.given_names, 'given-names'), ' ', value(cert.family_name, 'family-name')),
    field(t('fieldBirthDate'), value(formatDate(cert.birth_date))),
    field(t('fieldSchool'), value(cert.school_name)),
    field(t('fieldUai'), value(cert.school_uai)),
    field(t('fieldTown'), value(cert.school_town)),
    field(t('fieldAcademie'), value(cert.academie)),
    field(t('fieldSchoolYear'), value(cert.school_year)),
    field(t('fieldLevel'), value(cert.level)),
    cert.regime ? field(t('fieldRegime'), value(regimes[cert.regime] ?? cert.regime)) : null,
    field(t('fieldIssuedOn'), value(formatDate(cert.issued_on))),
    field(t('fieldSerial'), value(cert.serial, 'serial')),
    issuer ? field(t('fieldIssuer'), value(issuer.name)) : null,
  );
  return h(
    'section',
    { className: valid ? 'signed signed-valid' : 'signed signed-not-valid', 'aria-labelledby': 'signed-title' },
    h('h3', { id: 'signed-title' }, valid ? t('fieldsTitle') : t('fieldsTitleNotValid')),
    list,
  );
}

const OUTCOME_ICONS = { pass: '✓', warn: '!', fail: '✗', 'not-run': '–' };

function checks(list) {
  const labels = t('check');
  const outcomes = t('outcome');
  const items = list.map((c) =>
    h(
      'li',
      { className: `check check-${OUTCOME_ICONS[c.outcome] ? c.outcome : 'fail'}` },
      h('span', { className: 'check-icon', 'aria-hidden': 'true' }, OUTCOME_ICONS[c.outcome] ?? '?'),
      h('span', { className: 'check-label' }, labels[c.check] ?? String(c.check)),
      ' — ',
      h('span', { className: 'check-outcome' }, outcomes[c.outcome] ?? String(c.outcome)),
      c.code ? h('code', { className: 'check-code' }, String(c.code)) : null,
    ),
  );
  return h(
    'details',
    { className: 'checks' },
    h('summary', {}, t('checksTitle')),
    h('ul', {}, ...items),
  );
}

/**
 * The core's verdict: `result` is what `Verifier.verify` returned (already
 * checked for shape), `text` the core's `{title, reason}` for its status.
 */
export function renderVerdict(container, result, text) {
  const valid = result.status === 'valid';
  const kind = valid ? 'valid' : 'invalid';
  const stale = result.checks.some((c) => c.check === 'trust-list' && c.outcome === 'warn');
  const card = h(
    'div',
    { className: `verdict verdict-${kind}` },
    headline(kind, text.title),
    h('p', { className: 'verdict-reason' }, text.reason),
    valid ? h('p', { className: 'reminder' }, t('reminder')) : null,
    stale ? h('p', { className: 'stale-warning' }, t('verdictStale')) : null,
    result.certificate ? fields(result.certificate, result.issuer, valid) : null,
    result.trust_list
      ? h(
          'p',
          { className: 'verdict-trust' },
          t('verdictTrustList', { seq: result.trust_list.sequence, date: formatInstant(result.trust_list.issued_at) }),
        )
      : null,
    checks(result.checks),
  );
  container.replaceChildren(card);
  container.dataset.status = result.status;
}

/** "Could not verify": `reasonKey` is one of the `error*` strings. */
export function renderError(container, reasonKey) {
  const card = h(
    'div',
    { className: 'verdict verdict-error' },
    headline('error', t('errorTitle')),
    h('p', { className: 'verdict-reason' }, t(reasonKey)),
  );
  container.replaceChildren(card);
  container.dataset.status = 'error';
}

/** "Verifying…", no status yet. */
export function renderBusy(container) {
  container.replaceChildren(h('p', { className: 'busy' }, t('verifying')));
  container.removeAttribute('data-status');
}

/** Idle: nothing shown, no status. */
export function renderIdle(container) {
  container.replaceChildren();
  container.removeAttribute('data-status');
}

/** Moves focus to the verdict's heading, so that it is read next. */
export function focusVerdict(container) {
  const heading = container.querySelector('#verdict-title');
  if (heading) heading.focus();
}
