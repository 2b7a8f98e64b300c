// <cachet-verifier>: the verifier as a web component, for partner portals.
//
//   <script type="module" src="/cachet/element/cachet-verifier.js"></script>
//   <cachet-verifier config="/cachet/config.json" profile="transport" lang="fr"></cachet-verifier>
//
// Attributes: `config` (URL of a config.json: `{"roots": [...], "trustList":
// "…"}`, default `config.json` beside the document), `trust-list` (URL of the
// signed trust list, instead of the config's), `profile` (the purpose
// profile: `full` by default, `transport`, `family-benefits`, …), `lang`
// (`fr` by default, or `en`). Read when the element is first connected
// (`lang` at any time).
//
// The same ways in as the page (paste, image, camera: the page's own
// modules), the verdict in its shadow root, built with textContent only and
// showing only the fields the core returned for the profile. Each verdict
// is emitted as `cachet-result` (bubbles, composed; `detail` is the result
// object); "could not verify" as `cachet-error` (`detail.code`). The host
// element carries `data-status` like the page's #result. `verify(text)`
// verifies a text the host read itself and resolves to the result.
//
// Styling: CSS custom properties (--cachet-accent, --cachet-font, …, see
// cachet-verifier.css) and ::part(verdict|title|reason|fields|checks|button|
// input|message|trust-info). The stylesheet is a file of this origin linked
// inside the shadow root: no inline style, so a host's `style-src 'self'`
// holds.

import { Core, resultProblem } from '../verifier.js';
import { fetchTrustList, cachedTrustList, keepTrustList, seenSequence, raiseSeenSequence } from '../trust-list.js';
import { t, inLang, formatDate, formatInstant } from '../i18n.js';

// `?no-inline`: a bundler (Vite) keeps the stylesheet a file of its own;
// inlined as a data: URL, a strict `style-src 'self'` would refuse it.
const STYLESHEET = new URL('./cachet-verifier.css?no-inline', import.meta.url);
const VERIFY_TIMEOUT_MS = 5000;

// The component's own strings (the rest are the page's, from i18n.js).
const OWN = {
  fr: {
    fieldValidity: 'Valable',
    validity: 'du {from} au {until}',
    errorCode: {
      unavailable: 'errorUnavailable',
      timeout: 'errorTimeout',
    },
    unknownProfile: 'Profil inconnu : {profile}. Aucun certificat ne peut être vérifié.',
    imageLabel: 'Choisir une image du code QR, ou le PDF du certificat',
  },
  en: {
    fieldValidity: 'Valid',
    validity: 'from {from} to {until}',
    errorCode: {
      unavailable: 'errorUnavailable',
      timeout: 'errorTimeout',
    },
    unknownProfile: 'Unknown profile: {profile}. No certificate can be verified.',
    imageLabel: 'Choose an image of the QR code, or the certificate’s PDF',
  },
};

/** Why the component could not verify: `code` is stable (`unavailable`, `timeout`, `unknown-profile`, `profile-not-applied`, `failed`). */
export class VerifyError extends Error {
  constructor(code, message = code) {
    super(message);
    this.name = 'VerifyError';
    this.code = code;
  }
}

/** `h('p', {class: 'x', part: 'y'}, 'text', child…)`: an element with text children. */
function h(tag, attrs = {}, ...children) {
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
const value = (text) => h('bdi', {}, String(text));

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new VerifyError('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The result as the core promises it, or a throw: a `valid` that a check contradicts is refused. */
function checkResult(result, profile) {
  const problem = resultProblem(result);
  if (problem) throw new VerifyError('failed', problem);
  // A core that ignored the profile would hand over every field: refused, never shown.
  if (profile !== 'full' && result.profile !== profile) {
    throw new VerifyError('profile-not-applied', `the core did not apply the profile ${profile}`);
  }
  return result;
}

/** `{roots, trustList}` from a config.json at `url`; throws if unusable. */
async function loadConfig(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  const config = await response.json();
  const roots = config && config.roots;
  if (!Array.isArray(roots) || roots.length === 0 || !roots.every((r) => typeof r === 'string')) {
    throw new Error(`${url.pathname}: no pinned root`);
  }
  const trustList = new URL(typeof config.trustList === 'string' ? config.trustList : 'trust-list.json', url);
  return { roots, trustList };
}

export class CachetVerifier extends HTMLElement {
  static observedAttributes = ['lang'];

  #core = new Core();
  #ready = null;
  #profile = 'full';
  #trust = { state: 'loading' };
  #view = null; // null, {result}, {error: code}
  #request = 0;
  #els = {};
  #scanning = null;
  #camera = null;
  #cameraLoading = null;

  constructor() {
    super();
    this.attachShadow({ mode: 'open', delegatesFocus: false });
  }

  /** The language of the element: its `lang` (inherited from the page), `fr` unless it says `en`. */
  get #lang() {
    const declared = this.closest('[lang]')?.getAttribute('lang') ?? '';
    return declared.toLowerCase().startsWith('en') ? 'en' : 'fr';
  }

  #t(key, params) {
    return inLang(this.#lang, () => t(key, params));
  }

  #own(key, params = {}) {
    const text = OWN[this.#lang][key] ?? OWN.fr[key];
    return typeof text === 'string' ? text.replace(/\{(\w+)\}/g, (m, n) => (n in params ? String(params[n]) : m)) : text;
  }

  /** The profile this element verifies with (the `profile` attribute when first connected). */
  get profile() {
    return this.#profile;
  }

  connectedCallback() {
    if (this.#ready) return;
    this.#profile = this.getAttribute('profile') || 'full';
    this.#build();
    this.#ready = this.#prepare();
    this.#ready.catch(() => {});
  }

  disconnectedCallback() {
    this.#camera?.stop();
  }

  attributeChangedCallback(name) {
    if (name === 'lang' && this.shadowRoot.childElementCount > 0) this.#applyLang();
  }

  /**
   * Resolves once the core, the configuration and the trust list are loaded
   * and the profile is known to the core; rejects with a VerifyError
   * (`unavailable`, `unknown-profile`) otherwise.
   */
  ready() {
    if (!this.#ready) return Promise.reject(new VerifyError('unavailable', 'the element is not connected'));
    return this.#ready;
  }

  async #prepare() {
    const coreReady = this.#core.ready();
    coreReady.catch(() => {});
    let config;
    try {
      config = await loadConfig(new URL(this.getAttribute('config') || 'config.json', document.baseURI));
      const listAttr = this.getAttribute('trust-list');
      if (listAttr) config.trustList = new URL(listAttr, document.baseURI);
    } catch {
      this.#trust = { state: 'config-missing' };
      this.#showTrust();
      throw new VerifyError('unavailable', 'the configuration could not be loaded');
    }
    let network;
    try {
      network = await fetchTrustList(config.trustList);
      await coreReady;
      await this.#useTrustList(config, network);
      // An empty text runs the trust-list check then stops at decoding: it tells whether the core knows the profile.
      this.#core.verify('', Date.now(), this.#profile === 'full' ? undefined : this.#profile);
    } catch (e) {
      const unknown = e && typeof e.message === 'string' && e.message.startsWith('unknown-profile');
      this.#trust = unknown ? { state: 'unknown-profile' } : { state: 'core-missing' };
      this.#showTrust();
      throw unknown ? new VerifyError('unknown-profile', e.message) : new VerifyError('unavailable', String(e));
    }
    this.#showTrust();
    if (network && !network.fromCache && this.#trust.state === 'ready') {
      setTimeout(() => keepTrustList(config.trustList, network.text));
    }
  }

  /** The network's list if the core accepts it, else the copy this device accepted last, else the refusal. */
  async #useTrustList(config, network) {
    const { roots } = config;
    const accept = (loaded, fromCache) => {
      if (loaded.info) raiseSeenSequence(loaded.info.sequence);
      this.#trust = { state: 'ready', info: loaded.info, fromCache };
    };
    if (network) {
      const loaded = this.#core.load(network.text, roots, seenSequence());
      if (!loaded.error) return accept(loaded, network.fromCache);
    }
    const cached = await cachedTrustList(config.trustList);
    if (cached !== null && (!network || cached !== network.text)) {
      const loaded = this.#core.load(cached, roots, seenSequence());
      if (!loaded.error) return accept(loaded, true);
    }
    if (network) {
      const loaded = this.#core.load(network.text, roots, seenSequence());
      this.#trust = { state: 'invalid', error: loaded.error };
    } else {
      this.#core.load('', roots, seenSequence()); // no list at all: the core refuses every certificate
      this.#trust = { state: 'missing' };
    }
    return undefined;
  }

  /**
   * Verifies `text` (a token or a verifier link) with the element's profile,
   * shows the verdict and emits `cachet-result`; resolves to the result.
   * Rejects with a VerifyError (and emits `cachet-error`) when it could not verify.
   */
  async verify(text) {
    if (!this.#ready) throw new VerifyError('unavailable', 'the element is not connected');
    const id = ++this.#request;
    this.#showBusy();
    try {
      const result = await withTimeout(this.#run(String(text)), VERIFY_TIMEOUT_MS);
      if (id === this.#request) {
        this.#view = { result };
        this.#render();
        this.dispatchEvent(new CustomEvent('cachet-result', { detail: result, bubbles: true, composed: true }));
      }
      return result;
    } catch (e) {
      const error = e instanceof VerifyError ? e : new VerifyError('failed', String(e));
      if (id === this.#request) {
        this.#view = { error: error.code };
        this.#render();
        this.dispatchEvent(new CustomEvent('cachet-error', { detail: { code: error.code }, bubbles: true, composed: true }));
      }
      throw error;
    }
  }

  async #run(text) {
    try {
      await this.ready();
    } catch (e) {
      if (e instanceof VerifyError && e.code === 'unknown-profile') throw e;
      this.#ready = this.#prepare(); // the first try failed (offline, a lost download): once more
      await this.#ready;
    }
    try {
      await this.#core.ready(); // a fresh instance, if the last one trapped
    } catch {
      throw new VerifyError('unavailable');
    }
    const profile = this.#profile === 'full' ? undefined : this.#profile;
    return checkResult(this.#core.verify(text, Date.now(), profile), this.#profile);
  }

  // ---- The shadow root. ----

  #build() {
    const id = (name) => name; // ids are scoped to the shadow root
    const els = this.#els;
    els.result = h('section', { id: id('result'), class: 'result', role: 'status', 'aria-live': 'polite' });
    els.again = h('button', { type: 'button', class: 'button button-primary', part: 'button button-again', 'data-i18n': 'again' });
    els.againRow = h('p', { class: 'again-row', hidden: true }, els.again);
    els.pasteInput = h('textarea', {
      id: id('paste-input'),
      rows: '3',
      spellcheck: 'false',
      autocomplete: 'off',
      autocapitalize: 'off',
      part: 'input',
      'aria-describedby': 'paste-message',
    });
    els.pasteVerify = h('button', { id: id('paste-verify'), type: 'button', class: 'button button-primary', part: 'button button-verify', 'data-i18n': 'pasteVerify' });
    els.pasteMessage = h('p', { id: 'paste-message', class: 'message', part: 'message', 'aria-live': 'polite' });
    els.imageInput = h('input', { id: id('image-input'), type: 'file', accept: 'image/*,application/pdf', part: 'input', 'aria-describedby': 'image-message' });
    els.imageMessage = h('p', { id: 'image-message', class: 'message', part: 'message', 'aria-live': 'polite' });
    els.cameraStart = h('button', { id: id('camera-start'), type: 'button', class: 'button', part: 'button button-camera', 'data-i18n': 'cameraStart' });
    els.cameraStop = h('button', { id: id('camera-stop'), type: 'button', class: 'button', part: 'button', hidden: true, 'data-i18n': 'cameraStop' });
    els.cameraSelect = h('select', { id: id('camera-select'), part: 'input' });
    els.torch = h('button', { id: id('torch'), type: 'button', class: 'button', part: 'button', 'aria-pressed': 'false', hidden: true, 'data-i18n': 'torch' });
    els.video = h('video', { id: id('camera-video'), class: 'camera-video', playsinline: true, muted: true, autoplay: true, 'data-i18n-label': 'cameraVideo' });
    els.cameraPanel = h(
      'div',
      { class: 'camera-panel', hidden: true },
      h('p', { class: 'camera-controls' }, h('label', { for: 'camera-select', 'data-i18n': 'cameraSelect' }), els.cameraSelect, els.torch),
      els.video,
    );
    els.cameraMessage = h('p', { id: 'camera-message', class: 'message', part: 'message', 'aria-live': 'polite' });
    els.trustInfo = h('p', { class: 'trust-info', part: 'trust-info' });

    const root = h(
      'div',
      { class: 'root', part: 'container' },
      els.result,
      els.againRow,
      h(
        'div',
        { class: 'inputs' },
        h(
          'div',
          { class: 'way' },
          h('label', { for: 'paste-input', 'data-i18n': 'pasteLabel' }),
          els.pasteInput,
          h('p', { class: 'actions' }, els.pasteVerify),
          els.pasteMessage,
        ),
        h(
          'div',
          { class: 'way' },
          h('label', { for: 'image-input', 'data-own': 'imageLabel' }),
          els.imageInput,
          els.imageMessage,
        ),
        h('div', { class: 'way' }, h('p', { class: 'actions' }, els.cameraStart, els.cameraStop), els.cameraPanel, els.cameraMessage),
      ),
      els.trustInfo,
    );
    this.shadowRoot.replaceChildren(h('link', { rel: 'stylesheet', href: STYLESHEET.href }), root);
    this.#applyLang();

    els.pasteVerify.addEventListener('click', () => this.#paste());
    els.pasteInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.#paste();
      }
    });
    els.imageInput.addEventListener('change', () => this.#image());
    els.cameraStart.addEventListener('click', () => this.#startCamera());
    els.cameraStop.addEventListener('click', () => {
      this.#stopCamera();
      els.cameraStart.focus();
    });
    els.again.addEventListener('click', () => this.#reset());
  }

  #applyLang() {
    for (const el of this.shadowRoot.querySelectorAll('[data-i18n]')) el.textContent = this.#t(el.dataset.i18n);
    for (const el of this.shadowRoot.querySelectorAll('[data-own]')) el.textContent = this.#own(el.dataset.own);
    for (const el of this.shadowRoot.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', this.#t(el.dataset.i18nLabel));
    for (const el of this.shadowRoot.querySelectorAll('.message')) this.#message(el, el.dataset.key || null);
    if (this.#view) this.#render();
    this.#showTrust();
  }

  #message(el, key) {
    el.textContent = key ? this.#t(key) : '';
    el.dataset.key = key ?? '';
  }

  #setStatus(status) {
    for (const el of [this.#els.result, this]) {
      if (status) el.dataset.status = status;
      else el.removeAttribute('data-status');
    }
  }

  #showBusy() {
    this.#view = null;
    this.#els.againRow.hidden = true;
    this.#els.result.replaceChildren(h('p', { class: 'busy' }, this.#t('verifying')));
    this.#setStatus(null);
  }

  #render() {
    const view = this.#view;
    if (!view) return;
    if (view.error) {
      const reason =
        view.error === 'unknown-profile'
          ? this.#own('unknownProfile', { profile: this.#profile })
          : this.#t(this.#own('errorCode')[view.error] ?? 'errorReason');
      this.#els.result.replaceChildren(this.#card('error', this.#t('errorTitle'), reason));
      this.#setStatus('error');
    } else {
      let text;
      try {
        text = this.#core.statusText(view.result.status, this.#lang);
        if (!text || typeof text.title !== 'string' || typeof text.reason !== 'string') throw new Error('no text');
      } catch {
        this.#view = { error: 'failed' };
        this.#render();
        return;
      }
      this.#els.result.replaceChildren(this.#verdict(view.result, text));
      this.#setStatus(view.result.status);
    }
    this.#els.againRow.hidden = false;
  }

  #card(kind, title, reason, ...rest) {
    const icons = { valid: '✓', invalid: '✗', error: '!' };
    return h(
      'div',
      { class: `verdict verdict-${kind}`, part: `verdict verdict-${kind}` },
      h('h2', { class: 'verdict-title', part: 'title', tabindex: '-1' }, h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, icons[kind]), ' ', title),
      h('p', { class: 'verdict-reason', part: 'reason' }, reason),
      ...rest,
    );
  }

  #verdict(result, text) {
    const valid = result.status === 'valid';
    const stale = result.checks.some((c) => c.check === 'trust-list' && c.outcome === 'warn');
    return this.#card(
      valid ? 'valid' : 'invalid',
      text.title,
      text.reason,
      valid ? h('p', { class: 'reminder' }, this.#t('reminder')) : null,
      stale ? h('p', { class: 'stale-warning' }, this.#t('verdictStale')) : null,
      result.certificate ? this.#fields(result.certificate, result.issuer, valid) : null,
      result.trust_list
        ? h('p', { class: 'verdict-trust' }, this.#t('verdictTrustList', { seq: result.trust_list.sequence, date: this.#date(formatInstant, result.trust_list.issued_at) }))
        : null,
      this.#checks(result.checks),
    );
  }

  #date(format, text) {
    return inLang(this.#lang, () => format(text));
  }

  /** The fields the core returned, and only those: a profile's certificate lacks the others. */
  #fields(cert, issuer, valid) {
    const has = (k) => typeof cert[k] === 'string';
    const row = (label, ...content) => h('div', { class: 'field' }, h('dt', {}, label), h('dd', {}, ...content));
    const regimes = this.#t('regime');
    const pupil = [has('given_names') ? value(cert.given_names) : null, has('given_names') && has('family_name') ? ' ' : null, has('family_name') ? value(cert.family_name) : null];
    const rows = [
      has('given_names') || has('family_name') ? row(this.#t('fieldPupil'), ...pupil) : null,
      has('birth_date') ? row(this.#t('fieldBirthDate'), value(this.#date(formatDate, cert.birth_date))) : null,
      has('school_name') ? row(this.#t('fieldSchool'), value(cert.school_name)) : null,
      has('school_uai') ? row(this.#t('fieldUai'), value(cert.school_uai)) : null,
      has('school_town') ? row(this.#t('fieldTown'), value(cert.school_town)) : null,
      has('academie') ? row(this.#t('fieldAcademie'), value(cert.academie)) : null,
      has('school_year') ? row(this.#t('fieldSchoolYear'), value(cert.school_year)) : null,
      has('valid_from') && has('valid_until')
        ? row(this.#own('fieldValidity'), this.#own('validity', { from: this.#date(formatDate, cert.valid_from), until: this.#date(formatDate, cert.valid_until) }))
        : null,
      has('level') ? row(this.#t('fieldLevel'), value(cert.level)) : null,
      has('regime') ? row(this.#t('fieldRegime'), value(regimes[cert.regime] ?? cert.regime)) : null,
      has('issued_on') ? row(this.#t('fieldIssuedOn'), value(this.#date(formatDate, cert.issued_on))) : null,
      has('serial') ? row(this.#t('fieldSerial'), value(cert.serial)) : null,
      issuer && typeof issuer.name === 'string' ? row(this.#t('fieldIssuer'), value(issuer.name)) : null,
    ];
    return h(
      'section',
      { class: valid ? 'signed signed-valid' : 'signed signed-not-valid', part: 'fields' },
      h('h3', {}, valid ? this.#t('fieldsTitle') : this.#t('fieldsTitleNotValid')),
      h('dl', { class: 'fields' }, ...rows),
    );
  }

  #checks(list) {
    const labels = this.#t('check');
    const outcomes = this.#t('outcome');
    const icons = { pass: '✓', warn: '!', fail: '✗', 'not-run': '–' };
    return h(
      'details',
      { class: 'checks', part: 'checks' },
      h('summary', {}, this.#t('checksTitle')),
      h(
        'ul',
        {},
        ...list.map((c) =>
          h(
            'li',
            { class: `check check-${icons[c.outcome] ? c.outcome : 'fail'}` },
            h('span', { 'aria-hidden': 'true' }, icons[c.outcome] ?? '?'),
            ' ',
            labels[c.check] ?? String(c.check),
            ' — ',
            outcomes[c.outcome] ?? String(c.outcome),
            c.code ? h('code', {}, ` ${String(c.code)}`) : null,
          ),
        ),
      ),
    );
  }

  #showTrust() {
    const el = this.#els.trustInfo;
    if (!el) return;
    const trust = this.#trust;
    const texts = {
      loading: () => this.#t('trustLoading'),
      'config-missing': () => this.#t('trustConfigMissing'),
      missing: () => this.#t('trustMissing'),
      'core-missing': () => this.#t('errorUnavailable'),
      'unknown-profile': () => this.#own('unknownProfile', { profile: this.#profile }),
      invalid: () => this.#t('trustInvalid', { code: trust.error ?? '?' }),
      ready: () =>
        trust.info
          ? this.#t('verdictTrustList', { seq: trust.info.sequence, date: this.#date(formatInstant, trust.info.issued_at) })
          : '',
    };
    el.textContent = (texts[trust.state] ?? (() => ''))();
    el.dataset.state = trust.state;
  }

  // ---- The ways in. ----

  #paste() {
    const text = this.#els.pasteInput.value;
    if (!text.trim()) {
      this.#message(this.#els.pasteMessage, 'pasteEmpty');
      this.#els.pasteInput.focus();
      return;
    }
    this.#message(this.#els.pasteMessage, null);
    if (this.#camera?.active) this.#camera.stop();
    this.#verifyAndFocus(text);
  }

  /** A verification a person started in the element: the verdict's heading takes the focus, so it is read next. */
  #verifyAndFocus(text) {
    this.verify(text).then(
      () => this.#focusVerdict(),
      () => this.#focusVerdict(), // shown, and emitted as cachet-error
    );
  }

  #focusVerdict() {
    this.#els.result.querySelector('[part~="title"]')?.focus();
  }

  #loadScanning() {
    this.#scanning ??= Promise.all([import('../scan.js'), import('../image.js')]).then(([scan, image]) => ({
      scanner: new scan.WorkerScanner(),
      pickText: scan.pickText,
      ScanError: scan.ScanError,
      textsInImage: image.textsInImage,
      ImageError: image.ImageError,
    }));
    this.#scanning.catch(() => {
      this.#scanning = null;
    });
    return this.#scanning;
  }

  async #image() {
    const { imageInput, imageMessage } = this.#els;
    const file = imageInput.files && imageInput.files[0];
    if (!file) return;
    if (this.#camera?.active) this.#camera.stop();
    this.#message(imageMessage, 'imageReading');
    let reader;
    try {
      reader = await this.#loadScanning();
    } catch {
      imageInput.value = '';
      this.#message(imageMessage, 'scannerUnavailable');
      return;
    }
    let texts;
    try {
      texts = await reader.textsInImage(file, reader.scanner);
    } catch (e) {
      const notRead = e instanceof reader.ImageError && e.code === 'pdf-unreadable' ? 'pdfUnreadable' : 'imageNotImage';
      this.#message(imageMessage, e instanceof reader.ScanError ? 'scannerUnavailable' : notRead);
      return;
    } finally {
      imageInput.value = '';
    }
    if (texts.length === 0) {
      const pdf = file.type === 'application/pdf' || /\.pdf$/i.test(file.name);
      this.#message(imageMessage, pdf ? 'pdfNoCode' : 'imageNoCode');
      return;
    }
    this.#message(imageMessage, null);
    this.#verifyAndFocus(reader.pickText(texts));
  }

  async #startCamera() {
    const els = this.#els;
    try {
      this.#cameraLoading ??= Promise.all([import('../camera.js'), this.#loadScanning()]).then(([{ Camera }, { scanner }]) => {
        this.#camera ??= new Camera(
          { start: els.cameraStart, stop: els.cameraStop, panel: els.cameraPanel, select: els.cameraSelect, torch: els.torch, video: els.video },
          scanner,
          (text) => this.#verifyAndFocus(text),
          (key) => this.#message(els.cameraMessage, key),
        );
        return this.#camera;
      });
      const camera = await this.#cameraLoading;
      camera.start();
    } catch {
      this.#cameraLoading = null;
      this.#message(els.cameraMessage, 'cameraFailed');
    }
  }

  #stopCamera() {
    if (this.#camera) this.#camera.stop();
    else this.#message(this.#els.cameraMessage, null);
  }

  #reset() {
    this.#request += 1;
    this.#view = null;
    this.#els.result.replaceChildren();
    this.#setStatus(null);
    this.#els.againRow.hidden = true;
    this.#els.pasteInput.value = '';
    this.#message(this.#els.pasteMessage, null);
    this.#message(this.#els.imageMessage, null);
    this.#stopCamera();
    this.#els.pasteInput.focus();
  }
}

if (!customElements.get('cachet-verifier')) customElements.define('cachet-verifier', CachetVerifier);
