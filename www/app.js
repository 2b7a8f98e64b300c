// The verifier page: wiring and the one state machine,
//   idle → verifying → verdict | error → (again) idle.
// Four ways in (a link's #CC1:… fragment; paste, image, camera: lib/inputs.js),
// one session (lib/session.js), one renderer (lib/render.js); only an
// explicit `valid` shows as valid; an exception, a trap or 5 seconds without
// an answer is "could not verify". #announce says each verdict once; the
// focus stays put (WCAG 4.1.3).
//
// Privacy: the token never goes into a URL the page fetches, is never
// logged or stored; the fragment is removed from the address bar and the
// history at once.

import { VERIFY_MODULE, CONFIG } from './boot.js'; // the verify-only wasm compiling while the other modules arrive
import { t, lang, useLang, langReady, applyStatic } from './i18n.js';
import { Session } from './lib/session.js';
import { Core } from './verifier.js';
import { wasmAvailable, preloadImportsOf } from './lib/early.js';
import { renderOutcome, renderBusy, renderIdle, renderTrustInfo } from './lib/render.js';
import { Inputs } from './lib/inputs.js';
// Not imported: scan.js, camera.js, image.js, update.js and the QR reader's
// wasm, which a link's verdict does not need: loaded on first use, or once
// the first verdict is on screen.

const $ = (id) => document.getElementById(id);
const els = {
  result: $('result'),
  announce: $('announce'),
  sound: $('sound'),
  againRow: $('again-row'),
  again: $('again'),
  pasteForm: $('paste-form'),
  pasteInput: $('paste-input'),
  pasteMessage: $('paste-message'),
  imageInput: $('image-input'),
  imageMessage: $('image-message'),
  cameraStart: $('camera-start'),
  cameraStop: $('camera-stop'),
  cameraPanel: $('camera-panel'),
  cameraSelect: $('camera-select'),
  cameraMessage: $('camera-message'),
  torch: $('torch'),
  video: $('camera-video'),
  trustInfo: $('trust-info'),
  langToggle: $('lang-toggle'),
  updateBanner: $('update-banner'),
  updateReload: $('update-reload'),
};

// ---- The link path: take the token before anything else, and remove it. ----

/** The token in the address's fragment, if any; the fragment is removed from the address bar and history. */
function takeFragmentToken() {
  let token = location.hash.slice(1);
  if (!token) return null;
  if (/%[0-9A-Fa-f]{2}/.test(token)) {
    try {
      token = decodeURIComponent(token);
    } catch {
      // not percent-encoding after all: the core judges the text as it is
    }
  }
  if (!token.startsWith('CC')) return null; // another fragment (#main of the skip link): not ours
  history.replaceState(null, '', location.pathname + location.search);
  return token;
}

const linkToken = takeFragmentToken();
await langReady; // English, if chosen before: its strings (i18n-en.js) before anything is drawn
applyStatic();

// ---- The session: idle → verifying → verdict | error. ----

const session = new Session({ config: CONFIG, core: new Core(VERIFY_MODULE) });
session.start().catch(() => {}); // reported per verification, as "could not verify"; here, in #trust-info
session.listen();

/** What is shown: null (idle), or a `verdict` event's detail; kept to redraw on a language switch. */
let view = null;

function showTrustInfo() {
  renderTrustInfo(els.trustInfo, session.trust);
}

/** Draws `outcome`; returns the sentence that announces it. */
function show(outcome) {
  view = outcome;
  const { says } = renderOutcome(els.result, outcome);
  els.againRow.hidden = false;
  showTrustInfo(); // its freshness may have changed since the page loaded
  return says;
}

// Drawn once a frame, off a verdict's path (show draws at once).
let trustFrame = 0;
session.addEventListener('trustchange', () => {
  trustFrame ||= requestAnimationFrame(() => {
    trustFrame = 0;
    showTrustInfo();
  });
});
session.addEventListener('waiting', () => renderBusy(els.result, 'verifyingTrustList'));
session.addEventListener('verdict', (event) => {
  els.announce.textContent = show(event.detail);
  // Each verdict on screen is a User Timing mark, `cachet:verdict` (no data in it: its time only):
  // how long a link took to its verdict, for an operator's monitoring, and for the engines' tests
  // where no script can run before the page's (WebKit's WebDriver).
  performance.clearMarks('cachet:verdict'); // the last one only: a clerk's tab may verify all day
  performance.mark('cachet:verdict');
  inputs.signal(els.result.dataset.kind);
});

/** Verifies one text from any of the four ways in; the verdict is shown by the `verdict` event. */
function verifyText(text) {
  view = null;
  els.againRow.hidden = true;
  els.announce.textContent = ''; // emptied, so that the same verdict again is said again
  renderBusy(els.result);
  return session.verify(text).catch(() => {}); // shown as "could not verify"
}

function reset() {
  session.cancel();
  view = null;
  renderIdle(els.result);
  els.announce.textContent = '';
  els.againRow.hidden = true;
  inputs.clear();
  els.cameraStart.focus();
}

function setMessage(el, key) {
  el.textContent = key ? t(key) : '';
  el.dataset.key = key ?? '';
}

const inputs = new Inputs(els, { verify: verifyText, message: setMessage });
els.again.addEventListener('click', reset);

window.addEventListener('hashchange', () => {
  const token = takeFragmentToken();
  if (token) verifyText(token);
});

els.langToggle.addEventListener('click', async () => {
  await useLang(lang() === 'fr' ? 'en' : 'fr');
  applyStatic();
  els.langToggle.lang = lang() === 'fr' ? 'en' : 'fr';
  for (const el of [els.pasteMessage, els.imageMessage, els.cameraMessage]) setMessage(el, el.dataset.key || null);
  if (view) els.announce.textContent = show(view); // said again, in the language chosen
  showTrustInfo();
});
els.langToggle.lang = lang() === 'fr' ? 'en' : 'fr';

window.addEventListener('pagehide', () => inputs.stopCamera());

showTrustInfo();
const firstVerdict = linkToken ? verifyText(linkToken) : Promise.resolve();

// The service worker is installed once any link's verdict is on screen:
// its downloads never compete with it. The other ways in's modules come
// first, so that its precache finds them in the HTTP cache (a revalidation);
// the QR reader's wasm is left to it. No wasm here: neither.
firstVerdict.finally(() =>
  afterNextFrame(() => {
    if (!wasmAvailable()) return;
    inputs.preload().finally(() =>
      (preloadImportsOf(import.meta.url), import('./update.js')).then( // checked where the site gives integrity (lib/early.js)
        ({ registerServiceWorker }) => registerServiceWorker(els.updateBanner, els.updateReload, () => inputs.stopCamera()),
        () => {}, // no offline mode this visit; the page works online
      ),
    );
  }),
);

/** Runs `f` once the next frame is drawn (or after half a second where no frame comes: a hidden tab). */
function afterNextFrame(f) {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    f();
  };
  requestAnimationFrame(() => setTimeout(run));
  setTimeout(run, 500);
}
