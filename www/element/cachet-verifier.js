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
// The page's own parts, shared: the ways in (paste, image, camera:
// lib/inputs.js), the session (lib/session.js: the trust list with its
// refresh and its "network list refused" warning, the 5-second limit, the
// checked result) and the renderer (lib/render.js): the verdict in its
// shadow root, built with textContent only and showing only the fields the
// core returned for the profile. Each verdict
// is emitted as `cachet-result` (bubbles, composed; `detail` is the result
// object, with its `status` and `kind`: `valid`, `not-valid-now` or
// `refused`); "could not verify" as `cachet-error` (`detail.code`). The host
// element carries `data-status` and `data-kind` like the page's #result,
// and a live region says each verdict once (title and next step).
// `verify(text)` verifies a text the host read itself and resolves to the result.
//
// Styling: CSS custom properties (--cachet-accent, --cachet-font, …, see
// cachet-verifier.css) and ::part(verdict|verdict-valid|verdict-not-valid-now|
// verdict-refused|verdict-error|title|reason|next|fields|checks|button|input|
// message|trust-info). The stylesheet is a file of this origin linked
// inside the shadow root: no inline style, so a host's `style-src 'self'`
// holds.

import { Session, VerifyError } from '../lib/session.js';
import { renderOutcome, renderBusy, renderIdle, renderTrustInfo, h } from '../lib/render.js';
import { Inputs } from '../lib/inputs.js';
import { t, inLang, addEnglish } from '../i18n.js';
import { EN } from '../i18n-en.js';

addEnglish(EN); // the element may be asked for English at any time (its `lang`): its strings at once

export { VerifyError };

// `?no-inline`: a bundler (Vite) keeps the stylesheet a file of its own;
// inlined as a data: URL, a strict `style-src 'self'` would refuse it.
const STYLESHEET = new URL('./cachet-verifier.css?no-inline', import.meta.url);

export class CachetVerifier extends HTMLElement {
  static observedAttributes = ['lang'];

  #session = null;
  #view = null; // null, or a session `verdict` event's detail
  #els = {};
  #inputs = null;

  constructor() {
    super();
    this.attachShadow({ mode: 'open', delegatesFocus: false });
  }

  /** The language of the element: its `lang` (inherited from the page), `fr` unless it says `en`. */
  get #lang() {
    const declared = this.closest('[lang]')?.getAttribute('lang') ?? '';
    return declared.toLowerCase().startsWith('en') ? 'en' : 'fr';
  }

  /** Runs `f` (strings, dates, drawing) in the element's language. */
  #inLang(f) {
    return inLang(this.#lang, f);
  }

  /** The profile this element verifies with (the `profile` attribute when first connected). */
  get profile() {
    return this.#session?.profile ?? (this.getAttribute('profile') || 'full');
  }

  connectedCallback() {
    if (this.#session) {
      this.#session.listen();
      return;
    }
    const listAttr = this.getAttribute('trust-list');
    this.#session = new Session({
      config: new URL(this.getAttribute('config') || 'config.json', document.baseURI),
      trustList: listAttr ? new URL(listAttr, document.baseURI) : null,
      profile: this.getAttribute('profile') || 'full',
    });
    this.#build();
    this.#session.addEventListener('trustchange', () => this.#showTrust());
    this.#session.addEventListener('waiting', () => this.#inLang(() => renderBusy(this.#els.result, 'verifyingTrustList')));
    this.#session.addEventListener('verdict', (event) => this.#verdict(event.detail));
    this.#session.start().catch(() => {});
    this.#session.listen();
  }

  disconnectedCallback() {
    this.#inputs?.stopCamera();
    this.#session?.stopListening();
  }

  attributeChangedCallback(name) {
    if (name === 'lang' && this.shadowRoot.childElementCount > 0) this.#applyLang();
  }

  /**
   * Resolves once the core and the configuration are loaded, the list this
   * device holds (if any) is taken, the network's is on its way, and the
   * profile is known to the core; rejects with a VerifyError
   * (`unavailable`, `unknown-profile`) otherwise.
   */
  ready() {
    if (!this.#session) return Promise.reject(new VerifyError('unavailable', 'the element is not connected'));
    return this.#session.start();
  }

  /**
   * Verifies `text` (a token or a verifier link) with the element's profile,
   * shows the verdict and emits `cachet-result`; resolves to the result.
   * Rejects with a VerifyError (and emits `cachet-error`) when it could not verify.
   */
  async verify(text) {
    if (!this.#session) throw new VerifyError('unavailable', 'the element is not connected');
    this.#showBusy();
    return this.#session.verify(String(text));
  }

  /** The session's verdict (the latest verification's): drawn, then emitted. */
  #verdict(outcome) {
    this.#view = outcome;
    this.#els.announce.textContent = this.#render();
    const event = outcome.error
      ? new CustomEvent('cachet-error', { detail: { code: outcome.error.code }, bubbles: true, composed: true })
      : new CustomEvent('cachet-result', { detail: outcome.result, bubbles: true, composed: true });
    this.dispatchEvent(event);
  }

  // ---- The shadow root. ----

  #build() {
    const id = (name) => name; // ids are scoped to the shadow root
    const els = this.#els;
    els.announce = h('p', { class: 'visually-hidden', role: 'status', 'aria-atomic': 'true' });
    els.result = h('section', { id: id('result'), class: 'result' });
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
    els.cameraStart = h('button', { id: id('camera-start'), type: 'button', class: 'button button-primary', part: 'button button-camera', 'data-i18n': 'cameraStart' });
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
      els.announce,
      els.result,
      els.againRow,
      h(
        'div',
        { class: 'inputs' },
        h('div', { class: 'way' }, h('p', { class: 'actions' }, els.cameraStart, els.cameraStop), els.cameraPanel, els.cameraMessage),
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
          h('label', { for: 'image-input', 'data-i18n': 'imageOrPdfLabel' }),
          els.imageInput,
          els.imageMessage,
        ),
      ),
      els.trustInfo,
    );
    this.shadowRoot.replaceChildren(h('link', { rel: 'stylesheet', href: STYLESHEET.href }), root);
    this.#applyLang();

    this.#inputs = new Inputs(els, { verify: (text) => this.#verifyAndShow(text), message: (el, key) => this.#message(el, key) });
    els.again.addEventListener('click', () => this.#reset());
  }

  #applyLang() {
    for (const el of this.shadowRoot.querySelectorAll('[data-i18n]')) el.textContent = this.#inLang(() => t(el.dataset.i18n));
    for (const el of this.shadowRoot.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', this.#inLang(() => t(el.dataset.i18nLabel)));
    for (const el of this.shadowRoot.querySelectorAll('.message')) this.#message(el, el.dataset.key || null);
    if (this.#view) this.#els.announce.textContent = this.#render();
    this.#showTrust();
  }

  #message(el, key) {
    el.textContent = key ? this.#inLang(() => t(key)) : '';
    el.dataset.key = key ?? '';
  }

  #setStatus(status, kind) {
    if (status) this.dataset.status = status;
    else this.removeAttribute('data-status');
    if (kind) this.dataset.kind = kind;
    else this.removeAttribute('data-kind');
  }

  #showBusy() {
    this.#view = null;
    this.#els.againRow.hidden = true;
    this.#els.announce.textContent = '';
    this.#inLang(() => renderBusy(this.#els.result));
    this.#setStatus(null);
  }

  /** Draws the verdict; returns the sentence that announces it. */
  #render() {
    if (!this.#view) return '';
    const { status, says } = this.#inLang(() => renderOutcome(this.#els.result, this.#view));
    this.#setStatus(status, this.#els.result.dataset.kind);
    this.#els.againRow.hidden = false;
    return says;
  }

  #showTrust() {
    if (this.#els.trustInfo) this.#inLang(() => renderTrustInfo(this.#els.trustInfo, this.#session.trust));
  }

  /** A verification a person started in the element: the live region says its verdict; the focus stays put. */
  #verifyAndShow(text) {
    this.verify(text).catch(() => {}); // shown, and emitted as cachet-error
  }

  #reset() {
    this.#session.cancel();
    this.#view = null;
    renderIdle(this.#els.result);
    this.#els.announce.textContent = '';
    this.#setStatus(null);
    this.#els.againRow.hidden = true;
    this.#inputs.clear();
    this.#els.pasteInput.focus();
  }
}

if (!customElements.get('cachet-verifier')) customElements.define('cachet-verifier', CachetVerifier);
