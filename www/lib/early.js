// Work begun before the modules that need it have arrived, and handed over
// once: the page's first script (boot.js) starts the downloads a link's
// verdict needs (the verify-only wasm, config.json, the trust list) and the
// wasm's compilation; trust-list.js and verifier.js take them here instead
// of fetching again.
//
// Why not `<link rel="preload" as="fetch">`: WebKit (every iPhone) does not
// hand a fetch preload to the page's later `fetch()`, and downloads the
// file twice (issue 12). A promise in this module is the same response in
// every engine, whatever its matching rules for preloads.
//
// No import: boot.js, which imports this, must run the moment it arrives.

// Each wasm module's SRI, filled by `cargo xtask site` (xtask/src/hashed.rs);
// never fetched by the wasm-bindgen glue's loader, which checks nothing.
const INTEGRITY = {};
const integrity = new Map(Object.entries(INTEGRITY).map(([path, value]) => [new URL(path, import.meta.url).href, value]));

/** `init` with the integrity of `url`, if the site gives one. */
function checked(url, init) {
  const value = integrity.get(url);
  return value ? { ...init, integrity: value } : init;
}

// The modules loaded on demand, from the laid-out page's `<meta name=cachet-modules>`
// (`i` path → SRI, `s` static imports, `d` imports on demand): preloaded
// with their integrity before `import()`, which then gets them or fails.
let onDemand = null;

function modules() {
  if (onDemand) return onDemand;
  onDemand = { i: new Map(), s: new Map(), d: new Map() };
  const meta = typeof document === 'object' ? document.querySelector('meta[name="cachet-modules"]') : null;
  try {
    const data = meta ? JSON.parse(meta.content) : {};
    const href = (path) => new URL(path, document.baseURI).href;
    for (const k of ['i', 's', 'd']) {
      for (const [path, v] of Object.entries(data[k] ?? {})) onDemand[k].set(href(path), k === 'i' ? v : v.map(href));
    }
  } catch {
    // none: imports go unchecked
  }
  return onDemand;
}

const preloaded = new Set();

/** Preloads the module at `url` (and its imports) with its integrity, if the page gives one. */
export function preloadChecked(url) {
  const u = new URL(url);
  const path = u.origin + u.pathname;
  const integrity = modules().i.get(path);
  if (!integrity || preloaded.has(u.href)) return;
  preloaded.add(u.href);
  const link = document.createElement('link');
  link.rel = 'modulepreload';
  link.href = u.href;
  link.integrity = integrity;
  document.head.append(link);
  for (const dep of modules().s.get(path) ?? []) preloadChecked(dep);
}

/** Before the `import()`s of the module at `importer`: what it imports on demand, preloaded. */
export function preloadImportsOf(importer) {
  for (const url of modules().d.get(String(importer)) ?? []) preloadChecked(url);
}

const begun = new Map();

/**
 * Starts `fetch(url, init)` now, unless it was already started; the next
 * `takeFetched(url)` gets its response. `init` must be what the module that
 * takes it would have passed (credentials, cache mode).
 */
export function fetchEarly(url, init) {
  const key = String(url);
  if (begun.has(key)) return;
  const response = fetch(key, checked(key, init));
  response.catch(() => {}); // the taker sees the failure; until then it is not unhandled
  begun.set(key, response);
}

/** The response `fetchEarly(url)` started (once: the next call fetches again), or undefined. */
export function takeFetched(url) {
  const key = String(url);
  const response = begun.get(key);
  begun.delete(key);
  return response;
}

/** The Cache API cache that keeps the trust list the core accepted (trust-list.js). */
export const TRUST_LIST_CACHE = 'cachet-trust-list';

/** The text kept for `url` in the Cache API cache `cache`, or null (none kept, or no cache to read). */
export async function readCached(cache, url) {
  try {
    if (!globalThis.caches) return null;
    const response = await (await caches.open(cache)).match(String(url));
    return response ? await response.text() : null;
  } catch {
    return null;
  }
}

/** The one read begun early (boot.js reads one list): `{ key, text }`, or null. */
let read = null;

/**
 * Starts `readCached(cache, url)` now; the next `takeRead(cache, url)`
 * gets it. A returning visit's trust list is read while the page's modules
 * arrive, not after config.json (boot.js).
 */
export function readEarly(cache, url) {
  read ??= { key: `${cache} ${url}`, text: readCached(cache, url) };
}

/**
 * The text `readEarly(cache, url)` started reading, or undefined. The read
 * begun is dropped at the first call: one for another address (config.json
 * names another list) is never taken.
 */
export function takeRead(cache, url) {
  const early = read;
  read = null;
  return early?.key === `${cache} ${url}` ? early.text : undefined;
}

/** Why the page cannot verify: this browser runs no WebAssembly (switched off, or blocked). */
export class NoWasmError extends Error {
  constructor(cause) {
    super('WebAssembly is not available in this browser', { cause });
    this.name = 'NoWasmError';
    this.code = 'no-wasm';
  }
}

/** The smallest module there is (magic and version): any browser that runs wasm compiles and instantiates it. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * Whether this browser runs WebAssembly at all. False where it was
 * switched off (iOS Lockdown Mode, a policy) or is blocked: `WebAssembly`
 * is missing, or even an empty module is refused.
 */
export function wasmAvailable() {
  try {
    if (typeof WebAssembly !== 'object' || WebAssembly === null) return false;
    return new WebAssembly.Instance(new WebAssembly.Module(EMPTY_MODULE)) instanceof WebAssembly.Instance;
  } catch {
    return false;
  }
}

const compiled = new Map();

/**
 * The `WebAssembly.Module` of the wasm at `url`, fetched (or taken from
 * `fetchEarly`) and compiled once per page. Rejects with a NoWasmError
 * where the browser runs no wasm, with another error when the download or
 * the compilation failed (retried on the next call).
 */
export function compileWasm(url) {
  const key = String(url);
  let module = compiled.get(key);
  if (!module) {
    module = (async () => {
      if (!wasmAvailable()) throw new NoWasmError();
      const response = await (takeFetched(key) ?? fetch(key, checked(key)));
      if (!response.ok) throw new Error(`${new URL(key).pathname}: HTTP ${response.status}`);
      const type = response.headers.get('Content-Type') || '';
      try {
        if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
          return await WebAssembly.compileStreaming(response);
        }
        return await WebAssembly.compile(await response.arrayBuffer());
      } catch (e) {
        throw wasmAvailable() ? e : new NoWasmError(e);
      }
    })();
    compiled.set(key, module);
    module.catch(() => {
      if (compiled.get(key) === module) compiled.delete(key); // a failed download is retried on the next call
    });
  }
  return module;
}
