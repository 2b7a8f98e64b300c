// The floor of a verdict (`node phone-bench.js --floor`): the script a
// floor page runs in place of the page's own. It verifies nothing: it
// registers the floor's service worker, as app.js registers sw.js (through
// a Trusted Types policy of the name the site's policy allows), and sets
// `#result[data-status]` at once, which the benchmark times as it times the
// page's verdict. What a visit costs before any work of the page's own: the
// navigation, the service worker, the document, and (the page's floor) the
// page's style sheet and layout.

const policy = globalThis.trustedTypes?.createPolicy('cachet', { createScriptURL: (url) => url });
const worker = new URL('sw.js', import.meta.url).href;
navigator.serviceWorker?.register(policy ? policy.createScriptURL(worker) : worker).catch(() => {});
const result = document.getElementById('result');
result.textContent = 'Certificat valide';
result.setAttribute('data-status', 'valid');
