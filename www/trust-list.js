// The verifier's configuration (the pinned roots), the signed trust list and
// the signed status documents: fetching, keeping and the rollback memory.
// The policy (which copy a verdict uses, when to wait, when to refresh) is
// lib/session.js's.
//
// `config.json` is part of the app: the service worker precaches it with
// the shell. A list the core accepted is kept in the Cache API
// (`cachet-trust-list`). Whichever copy is used, the core checks its
// signature and its sequence against the highest sequence this device has
// seen, so the cache cannot bring back an older list (rollback).

import { storage } from './storage.js';
import { readCached, takeFetched, takeRead, TRUST_LIST_CACHE } from './lib/early.js';

const CACHE = TRUST_LIST_CACHE;
const SEEN_KEY = 'cachet.trustList.seenSequence';
const FRESH_KEY = 'cachet.trustList.freshUntil'; // boot.js reads it
const STATUS_CACHE = 'cachet-status';
const STATUS_SEEN_KEY = 'cachet.status.seenSequence';
/** Deltas a device holds on top of its full status document; past them it takes the published full one again. */
export const MAX_HELD_DELTAS = 14;
/** A download with no progress (no answer, no byte) for this long is given up. */
export const STALL_MS = 5000;

/**
 * `{ roots: string[], trustList: URL, status: URL | null }` from the
 * config.json at `url` (the trust list's URL and the status index's, when
 * the operator publishes status documents, are resolved against it, and
 * must be on its origin); throws if it is unusable.
 */
export async function loadConfig(url) {
  // The page's first script may have started this very request (boot.js): taken, not fetched again.
  const response = await (takeFetched(url) ?? fetch(url, { credentials: 'same-origin' }));
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  const config = await response.json();
  const roots = config && config.roots;
  if (!Array.isArray(roots) || roots.length === 0 || !roots.every((r) => typeof r === 'string')) {
    throw new Error(`${url.pathname}: no pinned root`);
  }
  const trustList = new URL(typeof config.trustList === 'string' ? config.trustList : 'trust-list.json', url);
  if (trustList.origin !== url.origin) throw new Error(`${url.pathname}: the trust list must be on the configuration's origin`);
  let status = null;
  if (config.status !== undefined) {
    if (typeof config.status !== 'string') throw new Error(`${url.pathname}: status must be the URL of the status index`);
    status = new URL(config.status, url);
    if (status.origin !== url.origin) throw new Error(`${url.pathname}: the status index must be on the configuration's origin`);
  }
  return { roots, trustList, status };
}

/**
 * The trust list from the network, or null when the network failed. No
 * limit on the whole download: a slow link that keeps delivering is waited
 * for; only `stallMs` without any progress (no answer, then no byte) gives
 * up. `onProgress(bytes)` is called as the body arrives. A copy the service
 * worker answered from its cache (network down) says so with `fromCache`.
 */
export function fetchTrustList(url, options = {}) {
  // A download the page's first script started (boot.js) is taken rather than made again.
  return fetchText(url, { ...options, early: takeFetched(url) });
}

/**
 * `{ text, fromCache }` of `url` (with `bytes`: `{ bytes, fromCache }`, its
 * body as a Uint8Array), or null when the network failed or
 * answered with an error; `stallMs` without progress gives up (see
 * fetchTrustList). `early`: a response already under way.
 */
async function fetchText(url, { stallMs = STALL_MS, onProgress, early, headers, bytes: raw = false } = {}) {
  const controller = new AbortController();
  let timer;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), stallMs);
  };
  watch();
  // An early response has no abort signal: a stall stops the wait and cancels its body.
  const stalled = new Promise((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('stalled')), { once: true });
  });
  stalled.catch(() => {});
  try {
    const response = early
      ? await Promise.race([early, stalled])
      : await fetch(url, { cache: 'no-cache', credentials: 'same-origin', signal: controller.signal, headers });
    if (!response.ok) {
      response.body?.cancel().catch(() => {});
      return null;
    }
    const fromCache = response.headers.get('X-Cachet-Source') === 'cache';
    if (!response.body) {
      const body = await Promise.race([raw ? response.arrayBuffer() : response.text(), stalled]);
      return raw ? { bytes: new Uint8Array(body), fromCache } : { text: body, fromCache };
    }
    const reader = response.body.getReader();
    controller.signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
    const decoder = new TextDecoder();
    let text = '';
    const chunks = [];
    let bytes = 0;
    for (;;) {
      watch();
      const { done, value } = await Promise.race([reader.read(), stalled]);
      if (done) break;
      bytes += value.byteLength;
      if (raw) chunks.push(value);
      else text += decoder.decode(value, { stream: true });
      if (onProgress) onProgress(bytes);
    }
    if (controller.signal.aborted) return null;
    if (!raw) return { text: text + decoder.decode(), fromCache };
    return { bytes: new Uint8Array(await new Blob(chunks).arrayBuffer()), fromCache };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The copy of the trust list this device last accepted, or null. */
export function cachedTrustList(url) {
  // The page's first script may have begun this very read (boot.js, on a returning visit).
  return takeRead(CACHE, url) ?? readCached(CACHE, url);
}

/**
 * Keeps a list the core accepted, for offline use and for the next visit's
 * first verdict; and its `next_update` (`nextUpdate`), until which boot.js
 * does not download the list before that verdict.
 */
export async function keepTrustList(url, text, nextUpdate) {
  try {
    if (!globalThis.caches) return;
    const cache = await caches.open(CACHE);
    await cache.put(url, new Response(text, { headers: { 'Content-Type': 'application/json' } }));
    const until = Date.parse(nextUpdate);
    if (Number.isFinite(until)) storage.set(FRESH_KEY, until);
  } catch {
    // No cache (storage full or refused): the list is used for this visit only.
  }
}

/** The highest trust-list sequence this device has accepted, or undefined. */
export function seenSequence() {
  const stored = storage.get(SEEN_KEY);
  const n = stored === null ? NaN : Number(stored);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Raises the seen sequence to `sequence` (never lowers it). */
export function raiseSeenSequence(sequence) {
  const seen = seenSequence();
  if (Number.isSafeInteger(sequence) && sequence >= 0 && (seen === undefined || sequence > seen)) {
    storage.set(SEEN_KEY, sequence);
  }
}

// Status documents (docs/TRUST.md): `index.json` (not signed) names the last
// full document and the deltas kept, each signed by the list's status key.
// The device keeps those it applied and applies them again on each visit, at
// the time first applied (`at`): an expired one stays applied (its
// revocations never dropped) and the core warns `status-stale`. Documents
// are bytes (Uint8Array): the wasm takes them in one copy (src/wasm.rs).

const INDEX_FORMAT = 'cachet-status-index/1';
/** How the documents are kept: a JSON line (each one's `at`, `length`), then their bytes, the full one first. */
const HELD_FORMAT = 'cachet-held-status/2';

/** The published index at `url`, checked for shape; throws if it is not one. */
function parseIndex(text, url) {
  const index = JSON.parse(text);
  const seq = (n) => Number.isSafeInteger(n) && n >= 0;
  const file = (name) => {
    if (typeof name !== 'string' || name === '') throw new Error('status index: a file name is missing');
    const u = new URL(name, url);
    if (u.origin !== url.origin) throw new Error('status index: a document is on another origin');
    return u;
  };
  if (!index || index.format !== INDEX_FORMAT || !seq(index.sequence) || !Array.isArray(index.deltas)) {
    throw new Error('not a status index');
  }
  const deltas = index.deltas.map((d) => {
    if (!d || !seq(d.sequence) || !seq(d.base)) throw new Error('status index: a delta without its sequence');
    return { sequence: d.sequence, base: d.base, url: file(d.file) };
  });
  let perKey = null;
  if (index.per_key !== undefined) {
    if (typeof index.per_key !== 'string' || !index.per_key.includes('{key_id}')) throw new Error('status index: per_key without {key_id}');
    perKey = (kid) => file(index.per_key.replace('{key_id}', kid));
  }
  return { sequence: index.sequence, full: file(index.full), deltas, perKey };
}

/** The published status index at `indexURL`, or null when the network failed; throws on an unreadable one. */
export async function fetchIndex(indexURL, options) {
  // Marked for the service worker, which answers its last copy offline (sw.js).
  const got = await fetchText(indexURL, { ...options, headers: { 'X-Cachet-Fetch': 'status-index' } });
  if (!got || got.fromCache) return null;
  return parseIndex(got.text, indexURL);
}

/**
 * The published full document scoped to one issuer key (`keyId`: 16 hex
 * digits), a thirtieth of the whole at national scale: what a first visit
 * fetches before its verdict. `{ bytes, sequence }`, `{ none: true }` when
 * the operator publishes no scoped documents, or null when the network
 * failed; throws on an unreadable index. `index`: fetchIndex's promise, if begun.
 */
export async function fetchScopedStatus(indexURL, keyId, index) {
  if (!/^[0-9a-f]{16}$/.test(keyId)) return { none: true };
  index = await (index ?? fetchIndex(indexURL));
  if (!index) return null;
  if (!index.perKey) return { none: true };
  const got = await fetchText(index.perKey(keyId), { bytes: true });
  if (!got || got.fromCache) return null;
  return { bytes: got.bytes, sequence: index.sequence };
}

/**
 * What brings a device holding status `held` (`{ sequence, deltas, scoped }`:
 * the sequence of its state, how many deltas it holds, whether its state is
 * one key's only; or null) to the
 * published one at `indexURL`: `{ full, deltas }` (the full document's bytes
 * or null, then the deltas' bytes, in order), `{ upToDate: true }`, or null
 * when the network failed. A device that holds a sequence the index's
 * deltas start from takes those deltas only (a few KiB a day); otherwise,
 * or past MAX_HELD_DELTAS, the full document. Throws on an unreadable index.
 * `options.index`: fetchIndex's promise, if begun (used if it gave an index).
 */
export async function fetchStatusUpdate(indexURL, held, { index: early, ...options } = {}) {
  const index = (early && (await early.catch(() => null))) || (await fetchIndex(indexURL, options));
  if (!index) return null;
  if (held && !held.scoped && held.sequence >= index.sequence) return { upToDate: true };
  let chain = null;
  if (held && !held.scoped) {
    const start = index.deltas.findIndex((d) => d.base === held.sequence);
    if (start >= 0) {
      chain = index.deltas.slice(start);
      const linked = chain.every((d, i) => i === 0 || d.base === chain[i - 1].sequence);
      if (!linked || chain[chain.length - 1].sequence !== index.sequence || held.deltas + chain.length > MAX_HELD_DELTAS) chain = null;
    }
  }
  const urls = chain ? chain.map((d) => d.url) : [index.full];
  const got = await Promise.all(urls.map((u) => fetchText(u, { ...options, bytes: true })));
  if (got.some((t) => !t || t.fromCache)) return null;
  return chain ? { full: null, deltas: got.map((t) => t.bytes) } : { full: got[0].bytes, deltas: [] };
}

/**
 * The status documents this device last applied, `{ full, deltas }` (each
 * `{ bytes, at }`: the document and when it was applied, in ms), or null
 * (none kept, or kept in another format: fetched again).
 */
export async function cachedStatus(indexURL) {
  try {
    if (!globalThis.caches) return null;
    const cache = await caches.open(STATUS_CACHE);
    const response = await cache.match(indexURL);
    if (!response) return null;
    const body = new Uint8Array(await response.arrayBuffer());
    const line = body.indexOf(10);
    const head = line > 0 ? JSON.parse(new TextDecoder().decode(body.subarray(0, line))) : null;
    if (!head || head.format !== HELD_FORMAT || !Array.isArray(head.docs) || head.docs.length === 0) return null;
    const docs = [];
    let at = line + 1;
    for (const d of head.docs) {
      if (!d || !Number.isFinite(d.at) || !Number.isSafeInteger(d.length) || d.length < 0 || at + d.length > body.length) return null;
      docs.push({ bytes: body.subarray(at, at + d.length), at: d.at });
      at += d.length;
    }
    return at === body.length ? { full: docs[0], deltas: docs.slice(1) } : null;
  } catch {
    return null;
  }
}

/** Keeps the status documents applied (`{ full, deltas }` as cachedStatus gives), or forgets them (`null`). */
export async function keepStatus(indexURL, held) {
  try {
    if (!globalThis.caches) return;
    const cache = await caches.open(STATUS_CACHE);
    if (held === null) {
      await cache.delete(indexURL);
      return;
    }
    const docs = [held.full, ...held.deltas];
    const head = JSON.stringify({ format: HELD_FORMAT, docs: docs.map((d) => ({ at: d.at, length: d.bytes.byteLength })) });
    const body = new Blob([`${head}\n`, ...docs.map((d) => d.bytes)]);
    await cache.put(indexURL, new Response(body, { headers: { 'Content-Type': 'application/octet-stream' } }));
  } catch {
    // No cache: the documents are used for this visit only.
  }
}

/** The highest status sequence this device has applied, or undefined. */
export function seenStatusSequence() {
  const stored = storage.get(STATUS_SEEN_KEY);
  const n = stored === null ? NaN : Number(stored);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Raises the seen status sequence to `sequence` (never lowers it). */
export function raiseSeenStatusSequence(sequence) {
  const seen = seenStatusSequence();
  if (Number.isSafeInteger(sequence) && sequence >= 0 && (seen === undefined || sequence > seen)) {
    storage.set(STATUS_SEEN_KEY, sequence);
  }
}
