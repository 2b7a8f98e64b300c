// embed.html: the verifier in a cross-origin portal's iframe, speaking the
// postMessage protocol of docs/EMBEDDING.md (version 1):
//
//   iframe → parent  {type: "cachet:ready",  version: 1, profile}
//                    {type: "cachet:result", version: 1, result}  (result.status, result.kind)
//                    {type: "cachet:error",  version: 1, code}
//   parent → iframe  {type: "cachet:verify", version: 1, text}
//
// `embed.html?profile=transport&parent=https://portal.example&lang=fr`.
// Messages go to one origin only, the `parent` parameter, and only when
// the verifier's own config.json lists it in `embedParents` (a URL
// parameter alone lets nobody receive anything), the page is framed, and
// (where the browser tells) the frame's parent really is that origin. The
// same list is the page's `frame-ancestors`: no other site can frame it.
// Messages are accepted from that origin and that window only.

import './element/cachet-verifier.js';

const VERSION = 1;
const CONFIG = new URL('./config.json', import.meta.url);
const params = new URLSearchParams(location.search);
const profile = params.get('profile') || 'full';
const lang = params.get('lang') === 'en' ? 'en' : 'fr';
const status = document.getElementById('embed-status');

document.documentElement.lang = lang;

/** The origin as the browser writes it (`MessageEvent.origin`), or null. */
function originOf(text) {
  try {
    const url = new URL(text);
    return url.origin !== 'null' && `${url.origin}` === text.replace(/\/$/, '') ? url.origin : null;
  } catch {
    return null;
  }
}

/** The parent origin messages may go to, or null (then nothing is ever posted). */
async function allowedParent() {
  const asked = originOf(params.get('parent') ?? '');
  if (!asked || window.parent === window) return null;
  let listed = [];
  try {
    const response = await fetch(CONFIG, { credentials: 'same-origin' });
    const config = response.ok ? await response.json() : null;
    listed = config && Array.isArray(config.embedParents) ? config.embedParents.filter((p) => typeof p === 'string') : [];
  } catch {
    listed = [];
  }
  if (!listed.includes(asked)) return null;
  // Chromium and Safari say who frames this page; the header already refuses other framers.
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length > 0 && ancestors[0] !== asked) return null;
  return asked;
}

const parentOrigin = await allowedParent();

function post(message) {
  if (!parentOrigin) return;
  window.parent.postMessage({ ...message, version: VERSION }, parentOrigin);
}

const verifier = document.createElement('cachet-verifier');
verifier.setAttribute('config', CONFIG.href);
verifier.setAttribute('profile', profile);
verifier.setAttribute('lang', lang);
verifier.addEventListener('cachet-result', (event) => post({ type: 'cachet:result', result: event.detail }));
verifier.addEventListener('cachet-error', (event) => post({ type: 'cachet:error', code: event.detail.code }));
document.getElementById('main').append(verifier);

if (!parentOrigin) {
  status.textContent =
    lang === 'en'
      ? 'This verifier is not set up for the site around it: its results stay on this page.'
      : 'Ce vérificateur n’est pas configuré pour le site qui l’affiche : ses résultats restent sur cette page.';
}

window.addEventListener('message', (event) => {
  if (!parentOrigin || event.origin !== parentOrigin || event.source !== window.parent) return;
  const data = event.data;
  if (!data || typeof data !== 'object' || data.type !== 'cachet:verify') return;
  if (data.version !== VERSION) {
    post({ type: 'cachet:error', code: 'unsupported-message-version' });
    return;
  }
  if (typeof data.text !== 'string') {
    post({ type: 'cachet:error', code: 'bad-message' });
    return;
  }
  verifier.verify(data.text).catch(() => {}); // answered by the element's events
});

verifier.ready().then(
  () => post({ type: 'cachet:ready', profile }),
  (e) => post({ type: 'cachet:error', code: e && e.code ? e.code : 'unavailable' }),
);
