// The verifier's configuration (the pinned roots) and the signed trust list:
// fetching, keeping and the rollback memory. The policy (which copy a
// verdict uses, when to wait, when to refresh) is lib/session.js's.
//
// `config.json` is part of the app: the service worker precaches it with
// the shell. A list the core accepted is kept in the Cache API
// (`cachet-trust-list`). Whichever copy is used, the core checks its
// signature and its sequence against the highest sequence this device has
// seen, so the cache cannot bring back an older list (rollback).

import { storage } from './storage.js';
import { takeFetched } from './lib/early.js';

const CACHE = 'cachet-trust-list';
const SEEN_KEY = 'cachet.trustList.seenSequence';
/** A download with no progress (no answer, no byte) for this long is given up. */
export const STALL_MS = 5000;

/**
 * `{ roots: string[], trustList: URL }` from the config.json at `url`
 * (the trust list's URL is resolved against it, and must be on its origin);
 * throws if it is unusable.
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
  return { roots, trustList };
}

/**
 * The trust list from the network, or null when the network failed. No
 * limit on the whole download: a slow link that keeps delivering is waited
 * for; only `stallMs` without any progress (no answer, then no byte) gives
 * up. `onProgress(bytes)` is called as the body arrives. A copy the service
 * worker answered from its cache (network down) says so with `fromCache`.
 */
export async function fetchTrustList(url, { stallMs = STALL_MS, onProgress } = {}) {
  const controller = new AbortController();
  let timer;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), stallMs);
  };
  watch();
  // A download the page's first script started (boot.js) is taken rather than made again; it has no
  // abort signal, so a stall stops the wait and cancels its body.
  const early = takeFetched(url);
  const stalled = new Promise((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('stalled')), { once: true });
  });
  stalled.catch(() => {});
  try {
    const response = early
      ? await Promise.race([early, stalled])
      : await fetch(url, { cache: 'no-cache', credentials: 'same-origin', signal: controller.signal });
    if (!response.ok) {
      response.body?.cancel().catch(() => {});
      return null;
    }
    const fromCache = response.headers.get('X-Cachet-Source') === 'cache';
    if (!response.body) return { text: await Promise.race([response.text(), stalled]), fromCache };
    const reader = response.body.getReader();
    controller.signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
    const decoder = new TextDecoder();
    let text = '';
    let bytes = 0;
    for (;;) {
      watch();
      const { done, value } = await Promise.race([reader.read(), stalled]);
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (onProgress) onProgress(bytes);
    }
    if (controller.signal.aborted) return null;
    return { text: text + decoder.decode(), fromCache };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The copy of the trust list this device last accepted, or null. */
export async function cachedTrustList(url) {
  try {
    if (!globalThis.caches) return null;
    const cache = await caches.open(CACHE);
    const response = await cache.match(url);
    return response ? await response.text() : null;
  } catch {
    return null;
  }
}

/** Keeps a list the core accepted, for offline use and for the next visit's first verdict. */
export async function keepTrustList(url, text) {
  try {
    if (!globalThis.caches) return;
    const cache = await caches.open(CACHE);
    await cache.put(url, new Response(text, { headers: { 'Content-Type': 'application/json' } }));
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
