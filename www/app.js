// The verifier page: wiring and the one state machine,
//   idle → verifying → verdict | error → (again) idle.
//
// Four ways in, all decoded on this device: a link whose fragment holds a
// token (#CC1:…), pasted text, an image, the camera. Whatever the way, the
// text goes to the core's `verify`, and only its explicit `valid` shows as
// valid. An exception, a wasm trap or no answer within 5 seconds shows
// "could not verify" (data-status="error").
//
// Privacy: the token never goes into a URL the page fetches, is never
// logged or stored; the fragment is removed from the address bar and the
// history at once.

import './boot.js'; // the wasm compiling while the other modules arrive
import { t, lang, setLang, applyStatic, formatInstant, formatAge } from './i18n.js';
import { Core, resultProblem } from './verifier.js';
import {
  loadConfig,
  fetchTrustList,
  cachedTrustList,
  keepTrustList,
  seenSequence,
  raiseSeenSequence,
} from './trust-list.js';
import { renderVerdict, renderError, renderBusy, renderIdle, focusVerdict } from './render.js';
// Not imported here: scan.js, camera.js, image.js and update.js. A link's
// verdict needs none of them, so they are loaded on first use (or once the
// first verdict is on screen), and the first visit parses less before it.

const VERIFY_TIMEOUT_MS = 5000;
const REFRESH_AFTER_MS = 10 * 60 * 1000; // a page left open refetches the trust list when shown again

const $ = (id) => document.getElementById(id);
const els = {
  result: $('result'),
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
applyStatic();

// ---- The core and the trust list. ----

const core = new Core();
/** What #trust-info says: {state: 'loading'|'ready'|'invalid'|'missing'|'config-missing', …}. */
let trust = { state: 'loading' };
let config = null;
let loadedAt = 0;

/** Loads the wasm, the configuration and the trust list. Rejects if the page cannot verify at all. */
async function prepare() {
  const coreReady = core.ready();
  try {
    config = await loadConfig();
  } catch (e) {
    trust = { state: 'config-missing' };
    showTrustInfo();
    coreReady.catch(() => {});
    throw e;
  }
  const network = await fetchTrustList(config.trustList);
  await coreReady;
  await useTrustList(network);
  loadedAt = Date.now();
  showTrustInfo();
}

/**
 * Gives the core the network's list if it accepts it, else the copy this
 * device accepted last, else the refused list (or none): then every verdict
 * is the core's `trust-list-invalid`.
 */
async function useTrustList(network) {
  const { roots, trustList: url } = config;
  let networkError = null;
  if (network) {
    const loaded = core.load(network.text, roots, seenSequence());
    if (!loaded.error) {
      accept(loaded.info);
      if (!network.fromCache) setTimeout(() => keepTrustList(url, network.text)); // after the verdict: it does not wait for storage
      trust = { state: 'ready', info: loaded.info, fromCache: network.fromCache };
      return;
    }
    networkError = loaded.error;
  }
  const cached = await cachedTrustList(url);
  if (cached !== null && (!network || cached !== network.text)) {
    const loaded = core.load(cached, roots, seenSequence());
    if (!loaded.error) {
      accept(loaded.info);
      trust = { state: 'ready', info: loaded.info, fromCache: !network, networkRefused: networkError };
      return;
    }
    networkError = networkError ?? loaded.error;
  }
  if (network) {
    const loaded = core.load(network.text, roots, seenSequence());
    trust = { state: 'invalid', error: loaded.error ?? networkError };
  } else {
    core.load('', roots, seenSequence()); // no list at all: the core refuses every certificate
    trust = { state: 'missing' };
  }
}

function accept(info) {
  if (info) raiseSeenSequence(info.sequence);
}

/** Refetches the trust list; a list the core accepts replaces the current one. Never blocks a verification. */
async function refreshTrustList() {
  if (!config || Date.now() - loadedAt < REFRESH_AFTER_MS) return;
  loadedAt = Date.now();
  const network = await fetchTrustList(config.trustList);
  if (!network || network.fromCache) return;
  try {
    await core.ready();
    const probe = core.probe(network.text, config.roots, seenSequence());
    if (probe.error) return; // keep the list in use; a refused download changes nothing
    core.load(network.text, config.roots, seenSequence());
    accept(probe.info);
    await keepTrustList(config.trustList, network.text);
    trust = { state: 'ready', info: probe.info, fromCache: false };
  } catch {
    // the core failed: the next verification re-instantiates it
  }
  showTrustInfo();
}

/**
 * The trust list's freshness as the core judges it: the outcome of the
 * `trust-list` check at this instant (`pass`, `warn` when stale, `fail` when
 * expired), from a verification of an empty text, which runs that check
 * first and stops at decoding.
 */
function trustFreshness() {
  try {
    const report = core.verify('', Date.now());
    const check = report && Array.isArray(report.checks) ? report.checks.find((c) => c.check === 'trust-list') : null;
    return check ? check.outcome : null;
  } catch {
    return null;
  }
}

function showTrustInfo() {
  const el = els.trustInfo;
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
    case 'invalid':
      lines.push(t('trustInvalid', { code: trust.error ?? '?' }));
      break;
    case 'ready': {
      const { info } = trust;
      const now = Date.now();
      const params = {
        seq: info.sequence,
        date: formatInstant(info.issued_at),
        age: formatAge(info.issued_at, now),
        next: formatInstant(info.next_update),
      };
      const states = { pass: 'fresh', warn: 'stale', fail: 'expired' };
      state = states[trustFreshness()] ?? 'unknown';
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

function start() {
  const promise = prepare();
  promise.catch(() => {
    // Reported per verification, as "could not verify"; here, in #trust-info.
    if (trust.state === 'loading') trust = { state: 'core-missing' };
    showTrustInfo();
  });
  return promise;
}

let ready = start();

// ---- Verification: idle → verifying → verdict | error. ----

class Timeout extends Error {}
class Unavailable extends Error {}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Timeout('no answer in time')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Refuses a result that is not what the core promises, and a `valid` that a failed check contradicts. */
function checkResult(result) {
  const problem = resultProblem(result);
  if (problem) throw new Error(problem);
  return result;
}

async function runVerify(text) {
  try {
    await ready.catch(() => {
      ready = start(); // the first try failed (offline first visit, a lost download): try again
      return ready;
    });
    await core.ready(); // a fresh instance, if the last one trapped
  } catch {
    throw new Unavailable('the core or its configuration could not be loaded');
  }
  return checkResult(core.verify(text, Date.now()));
}

let request = 0;
/** What is shown: null (idle), {result}, or {error: key}; kept to redraw on a language switch. */
let view = null;

function show(next) {
  view = next;
  if (next.error) {
    renderError(els.result, next.error);
  } else {
    let text;
    try {
      text = core.statusText(next.result.status, lang());
      if (!text || typeof text.title !== 'string' || typeof text.reason !== 'string') throw new Error('no text');
    } catch {
      view = { error: 'errorReason' };
      renderError(els.result, 'errorReason');
      text = null;
    }
    if (text) renderVerdict(els.result, next.result, text);
  }
  els.againRow.hidden = false;
  showTrustInfo(); // its freshness may have changed since the page loaded
}

/** Verifies one text from any of the four ways in, and shows the verdict. */
async function verifyText(text) {
  const id = ++request;
  view = null;
  els.againRow.hidden = true;
  renderBusy(els.result);
  let next;
  try {
    next = { result: await withTimeout(runVerify(text), VERIFY_TIMEOUT_MS) };
  } catch (e) {
    next = { error: e instanceof Timeout ? 'errorTimeout' : e instanceof Unavailable ? 'errorUnavailable' : 'errorReason' };
  }
  if (id !== request) return; // a newer verification replaced this one
  show(next);
  focusVerdict(els.result);
}

function reset() {
  request += 1;
  view = null;
  renderIdle(els.result);
  els.againRow.hidden = true;
  els.pasteInput.value = '';
  setMessage(els.pasteMessage, null);
  setMessage(els.imageMessage, null);
  stopCamera();
  els.pasteInput.focus();
}

function setMessage(el, key) {
  el.textContent = key ? t(key) : '';
  el.dataset.key = key ?? '';
}

// ---- The ways in. ----

// The QR reader and the camera, loaded when first needed. A failed load is
// retried on the next use (the service worker has them once installed).
let scanning = null;
function loadScanning() {
  scanning ??= Promise.all([import('./scan.js'), import('./image.js')]).then(([scan, image]) => ({
    scanner: new scan.WorkerScanner(),
    pickText: scan.pickText,
    ScanError: scan.ScanError,
    textsInImage: image.textsInImage,
    ImageError: image.ImageError,
  }));
  scanning.catch(() => {
    scanning = null;
  });
  return scanning;
}

/** The camera, once camera.js has been asked for; null before. */
let camera = null;
let cameraLoading = null;
function loadCamera() {
  cameraLoading ??= Promise.all([import('./camera.js'), loadScanning()]).then(([{ Camera }, { scanner }]) => {
    camera ??= new Camera(
      {
        start: els.cameraStart,
        stop: els.cameraStop,
        panel: els.cameraPanel,
        select: els.cameraSelect,
        torch: els.torch,
        video: els.video,
      },
      scanner,
      (text) => verifyText(text),
      (key) => setMessage(els.cameraMessage, key),
    );
    return camera;
  });
  cameraLoading.catch(() => {
    cameraLoading = null;
  });
  return cameraLoading;
}

/** Stops the camera, if it was ever loaded, and clears its message line. */
function stopCamera() {
  if (camera) camera.stop();
  else setMessage(els.cameraMessage, null);
}

els.pasteForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = els.pasteInput.value;
  if (!text.trim()) {
    setMessage(els.pasteMessage, 'pasteEmpty');
    els.pasteInput.focus();
    return;
  }
  setMessage(els.pasteMessage, null);
  if (camera?.active) camera.stop(); // one certificate at a time: a code in view must not replace this verdict
  verifyText(text);
});

els.pasteInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    els.pasteForm.requestSubmit();
  }
});

els.imageInput.addEventListener('change', async () => {
  const file = els.imageInput.files && els.imageInput.files[0];
  if (!file) return;
  if (camera?.active) camera.stop();
  setMessage(els.imageMessage, 'imageReading');
  let texts;
  let reader;
  try {
    reader = await loadScanning();
  } catch {
    els.imageInput.value = '';
    setMessage(els.imageMessage, 'scannerUnavailable');
    return;
  }
  const { textsInImage, ImageError, ScanError, scanner, pickText } = reader;
  try {
    texts = await textsInImage(file, scanner);
  } catch (e) {
    const notRead = e instanceof ImageError && e.code === 'pdf-unreadable' ? 'pdfUnreadable' : 'imageNotImage';
    setMessage(els.imageMessage, e instanceof ScanError ? 'scannerUnavailable' : notRead);
    return;
  } finally {
    els.imageInput.value = ''; // the same file can be chosen again
  }
  if (texts.length === 0) {
    const pdf = file.type === 'application/pdf' || /\.pdf$/i.test(file.name);
    setMessage(els.imageMessage, pdf ? 'pdfNoCode' : 'imageNoCode');
    return;
  }
  setMessage(els.imageMessage, null);
  verifyText(pickText(texts));
});

els.cameraStart.addEventListener('click', async () => {
  let c;
  try {
    c = await loadCamera();
  } catch {
    setMessage(els.cameraMessage, 'cameraFailed');
    return;
  }
  c.start();
});
els.cameraStop.addEventListener('click', () => {
  stopCamera();
  els.cameraStart.focus();
});
els.again.addEventListener('click', reset);

window.addEventListener('hashchange', () => {
  const token = takeFragmentToken();
  if (token) verifyText(token);
});

els.langToggle.addEventListener('click', () => {
  setLang(lang() === 'fr' ? 'en' : 'fr');
  applyStatic();
  els.langToggle.lang = lang() === 'fr' ? 'en' : 'fr';
  for (const el of [els.pasteMessage, els.imageMessage, els.cameraMessage]) setMessage(el, el.dataset.key || null);
  if (view) show(view);
  showTrustInfo();
});
els.langToggle.lang = lang() === 'fr' ? 'en' : 'fr';

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refreshTrustList();
});
window.addEventListener('online', () => {
  loadedAt = 0;
  refreshTrustList();
});
window.addEventListener('pagehide', () => camera?.stop());

showTrustInfo();
const firstVerdict = linkToken ? verifyText(linkToken) : Promise.resolve();

// The service worker (offline use, updates) is installed once the page has
// loaded and any link's verdict is on screen: its downloads never compete
// with a first verdict. The modules of the other ways in are fetched then
// too, so that a first scan does not wait for them.
firstVerdict.finally(() =>
  afterNextFrame(() => {
    import('./update.js').then(
      ({ registerServiceWorker }) => registerServiceWorker(els.updateBanner, els.updateReload, () => camera?.stop()),
      () => {}, // no offline mode this visit; the page works online
    );
    loadScanning().catch(() => {});
    import('./camera.js').catch(() => {});
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
