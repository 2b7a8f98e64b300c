// The service worker: the page loads and verifies offline after one visit.
//
// - The app shell (the page, its scripts and style, the manifest, the icon,
//   both wasm modules and their glue — the verify-only one of a link's
//   verdict and the whole one with the QR reader —, and config.json with
//   the pinned roots) is precached under a versioned name and served
//   cache-first: in Chromium by static routes, without starting this worker
//   (addShellRoutes), elsewhere by the fetch handler. Bump VERSION with
//   every change to any of these files: a changed sw.js is what makes the
//   browser install the new shell.
// - The precache revalidates (`cache: 'no-cache'`): what the page has just
//   downloaded is in the HTTP cache with its ETag, and the server answers
//   304 without a body, so a first visit does not download its shell twice;
//   a file that changed since, or that the page never fetched (the QR
//   reader's wasm, the scan worker), is downloaded, once.
// - The trust list is network-first; when the network fails, the copy the
//   page last accepted (cache `cachet-trust-list`, written by the page,
//   never by this worker) is answered, marked `X-Cachet-Source: cache`. The
//   page checks its signature and sequence on every use. Which copy a
//   verdict uses, and when it waits, is the page's (lib/session.js): it
//   reads that cache itself and never waits for this answer when it holds
//   a list that is not expired.
// - Nothing else is touched. A certificate's token lives in the address's
//   fragment: it is never sent to a server, and this worker never stores
//   or keys anything by a request's URL with its fragment.
// - A new version waits until the page's user clicks "Recharger"
//   (message `skip-waiting`): never swapped in the middle of a scan.

const VERSION = 'cachet-shell-14';
const SHELL_PREFIX = 'cachet-shell-';
const TRUST_CACHE = 'cachet-trust-list';
/** The last status index the network gave (docs/TRUST.md, "Publishing status documents"), answered offline. */
const STATUS_INDEX_CACHE = 'cachet-status-index';
const TRUST_LIST = 'trust-list.json';
const NETWORK_TIMEOUT_MS = 3000;
// The SRI value of each file below that never changes within a release (path
// from the scope): empty here, filled by `cargo xtask site`, which names the
// files by their content (xtask/src/hashed.rs). Precached or fetched with it:
// the browser refuses other bytes.
const INTEGRITY = {};

const SHELL = [
  './',
  'app.js',
  'boot.js',
  'camera.js',
  'i18n.js',
  'i18n-en.js',
  'image.js',
  'scan.js',
  'scan-worker.js',
  'storage.js',
  'trust-list.js',
  'trusted-types.js',
  'update.js',
  'verifier.js',
  'lib/early.js',
  'lib/session.js',
  'lib/render.js',
  'lib/inputs.js',
  'lib/pixels.js',
  'style.css',
  'manifest.webmanifest',
  'icon.svg', // the manifest's; index.html carries it as a data: address (no request before a verdict)
  'config.json',
  'pkg/cachet_verify.js',
  'pkg/cachet_verify_bg.wasm',
  'pkg/cachet.js',
  'pkg/cachet_bg.wasm',
];

// Fetched only when used, then kept for offline use: the PDF reader, which
// a first visit does not download (a PDF opened offline before any PDF was
// opened online cannot be read; its QR code on screen or paper still can).
const ON_DEMAND = ['pdf.js'];

const scope = new URL(self.registration.scope);
const shellURLs = new Set(SHELL.map((path) => new URL(path, scope).href));
const onDemandURLs = new Set(ON_DEMAND.map((path) => new URL(path, scope).href));
const INDEX = new URL('./', scope).href;
const INDEX_HTML = new URL('index.html', scope).href;
const GLUES = new Set(['pkg/cachet.js', 'pkg/cachet_verify.js'].map((path) => new URL(path, scope).href));
const TRUST_URL = new URL(TRUST_LIST, scope).href;
/** `{ integrity }` for a URL of the scope that has one (and a request that can carry it), else undefined. */
const checked = (url, mode = 'cors') => (mode !== 'no-cors' && INTEGRITY[url.slice(scope.href.length)] ? { integrity: INTEGRITY[url.slice(scope.href.length)] } : undefined);

self.addEventListener('install', (event) => {
  addShellRoutes(event);
  event.waitUntil(
    (async () => {
      const cache = await caches.open(VERSION);
      await cache.addAll([...shellURLs].map((url) => new Request(url, { cache: 'no-cache', credentials: 'same-origin', ...checked(url) })));
    })(),
  );
});

/**
 * Chromium's static routes (the ServiceWorker Static Routing API): each
 * shell file, at its exact address without a query, is answered from this
 * version's cache by the browser itself, without starting this worker or
 * running its `fetch` handler — on a phone, a returning visit's page and
 * modules no longer wait for the worker to start. The handler answers the
 * same files from the same cache (`cacheFirst`) in engines without routes,
 * and every request a route does not name (a query, the trust list, the
 * status documents). A route whose file is missing from the cache goes to
 * the network, as `cacheFirst` does but without the worker's `integrity`
 * (the page's own requests carry theirs: its preloads and lib/early.js).
 */
function addShellRoutes(event) {
  if (typeof event.addRoutes !== 'function' || typeof URLPattern !== 'function') return;
  // URLPattern's syntax characters taken literally (an IPv6 host's colons, say).
  const literal = (text) => text.replace(/[\\:*?+(){}]/g, '\\$&');
  try {
    const routes = [...shellURLs].map((href) => {
      const u = new URL(href);
      const urlPattern = new URLPattern({ protocol: u.protocol.slice(0, -1), hostname: literal(u.hostname), port: u.port, pathname: literal(u.pathname), search: '' });
      return { condition: { urlPattern }, source: { cacheName: VERSION } };
    });
    event.waitUntil(event.addRoutes(routes).catch(() => {}));
  } catch {
    // A browser that refuses these routes keeps the fetch handler for every request.
  }
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(SHELL_PREFIX) && name !== VERSION) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

/** The request's URL without its fragment and, for the glues' re-instantiation copies and the bundler hint `?no-inline`, without its query. */
function key(url) {
  const u = new URL(url);
  u.hash = '';
  if (GLUES.has(u.origin + u.pathname) || u.search === '?no-inline') u.search = '';
  return u.href;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = key(request.url);
  if (!url.startsWith(scope.href)) return;
  if (url === TRUST_URL) {
    event.respondWith(trustList(request));
  } else if (request.headers.get('X-Cachet-Fetch') === 'status-index') {
    // Its URL is config.json's: the page marks the request (trust-list.js).
    event.respondWith(statusIndex(request, url));
  } else if (request.mode === 'navigate' && (url.split('?')[0] === INDEX || url.split('?')[0] === INDEX_HTML)) {
    event.respondWith(cacheFirst(INDEX, request));
  } else if (shellURLs.has(url)) {
    event.respondWith(cacheFirst(url, request));
  } else if (onDemandURLs.has(url)) {
    event.respondWith(keptOnUse(url, request));
  }
});

async function keptOnUse(url, request) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(url);
  if (cached) return cached;
  const response = await fetch(request, checked(url, request.mode));
  if (response.ok) await cache.put(url, response.clone());
  return response;
}

async function cacheFirst(url, request) {
  const cached = await caches.match(url, { cacheName: VERSION });
  if (cached) return cached;
  return fetch(request, checked(url, request.mode));
}

async function trustList(request) {
  let response = null;
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
    try {
      response = await fetch(request.url, { cache: 'no-cache', credentials: 'same-origin', signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return response;
  } catch {
    response = null;
  }
  const cached = await caches.match(TRUST_URL, { cacheName: TRUST_CACHE });
  if (cached) {
    const headers = new Headers(cached.headers);
    headers.set('X-Cachet-Source', 'cache');
    return new Response(cached.body, { status: 200, headers });
  }
  return response ?? Response.error();
}

/**
 * The status index: the network's, a copy kept; offline, the copy marked
 * `X-Cachet-Source: cache` (the page then keeps the status it holds and
 * fetches no document), so that an offline visit is not a failed request.
 */
async function statusIndex(request, url) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(STATUS_INDEX_CACHE);
      await cache.put(url, response.clone());
    }
    return response;
  } catch {
    const cached = await caches.match(url, { cacheName: STATUS_INDEX_CACHE });
    if (!cached) return Response.error();
    const headers = new Headers(cached.headers);
    headers.set('X-Cachet-Source', 'cache');
    return new Response(cached.body, { status: 200, headers });
  }
}
