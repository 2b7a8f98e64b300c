// The verifier's configuration (the pinned roots) and the signed trust list.
//
// `config.json` is part of the app: the service worker precaches it with
// the shell. The trust list is fetched network-first; a list the core
// accepted is kept in the Cache API (`cachet-trust-list`) and used when the
// network fails. Whichever copy is used, the core checks its signature and
// its sequence against the highest sequence this device has seen, so the
// cache cannot bring back an older list (rollback).

import { storage } from './storage.js';

const CONFIG = new URL('./config.json', import.meta.url);
const CACHE = 'cachet-trust-list';
const SEEN_KEY = 'cachet.trustList.seenSequence';
const FETCH_TIMEOUT_MS = 3500;

/** `{ roots: string[], trustList: URL }` from `config.json`; throws if it is unusable. */
export async function loadConfig() {
  const response = await fetch(CONFIG, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = await response.json();
  const roots = config && config.roots;
  if (!Array.isArray(roots) || roots.length === 0 || !roots.every((r) => typeof r === 'string')) {
    throw new Error('config.json: no pinned root');
  }
  const trustList = new URL(typeof config.trustList === 'string' ? config.trustList : 'trust-list.json', CONFIG);
  if (trustList.origin !== CONFIG.origin) throw new Error('config.json: the trust list must be on this origin');
  return { roots, trustList };
}

async function fetchWithTimeout(url, options, ms) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await fetch(url, { ...options, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The trust list from the network, or null. A copy the service worker
 * answered from its cache (network down) says so with `fromCache`.
 */
export async function fetchTrustList(url) {
  try {
    const response = await fetchWithTimeout(url, { cache: 'no-cache', credentials: 'same-origin' }, FETCH_TIMEOUT_MS);
    if (!response.ok) return null;
    return { text: await response.text(), fromCache: response.headers.get('X-Cachet-Source') === 'cache' };
  } catch {
    return null;
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

/** Keeps a list the core accepted, for offline use. */
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
