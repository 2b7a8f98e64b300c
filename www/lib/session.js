// One verifier session, shared by the page (app.js), <cachet-verifier> and
// the iframe (embed.js): configuration → trust list (kept fresh) → verify →
// checked result → events.
//
// Trust list policy: docs/EMBEDDING.md's "Trust list": a list held that is
// not expired answers at once; only with none, or an expired one, does a
// verdict wait for a download that keeps progressing; a refused download
// never replaces the list in use; the 5-second limit never covers it.
//
// Status documents (docs/TRUST.md) the same way: those held are applied again
// at once, the day's delta fetched in the background; a device holding none
// waits for its certificate's key's part (a thirtieth of the whole), then
// fetches the whole in the background. Without them, the verdict is the
// list's alone, with a warning.
//
// Events: `trustchange` (read `trust`), `waiting` (the verdict waits for a
// download), `verdict` (`{result}` or `{error}`, latest verification only).

import { Core, resultProblem } from '../verifier.js';
import {
  loadConfig,
  fetchTrustList,
  cachedTrustList,
  keepTrustList,
  seenSequence,
  raiseSeenSequence,
  fetchStatusUpdate,
  fetchScopedStatus,
  fetchIndex,
  cachedStatus,
  keepStatus,
  seenStatusSequence,
  raiseSeenStatusSequence,
} from '../trust-list.js';

export const VERIFY_TIMEOUT_MS = 5000;
/** A list in use is fetched again after this long (a session left open for days follows the updates). */
export const REFRESH_AFTER_MS = 10 * 60 * 1000;
/** A list no longer fresh is asked for again at most this often. */
const RETRY_AFTER_MS = 60 * 1000;

/**
 * Why a session could not verify: `code` is stable (`unavailable`,
 * `no-wasm` (this browser runs no WebAssembly: switched off or blocked), `timeout`, `unknown-profile`, `profile-not-applied`, `failed`); `reason`
 * the i18n.js key of the sentence for people, with `params`.
 */
export class VerifyError extends Error {
  constructor(code, message = code, reason = undefined, params = {}) {
    super(message);
    this.name = 'VerifyError';
    this.code = code;
    this.reason = reason ?? REASONS[code] ?? 'errorReason';
    this.params = params;
  }
}

/**
 * The three kinds of verdict, for people and for portals: `valid`;
 * `not-valid-now` (genuine, but outside its school year: `expired`,
 * `not-yet-valid`); `refused` (every other status: do not rely on it).
 */
export function kindOf(status) {
  if (status === 'valid') return 'valid';
  return status === 'expired' || status === 'not-yet-valid' ? 'not-valid-now' : 'refused';
}

const REASONS = {
  unavailable: 'errorUnavailable',
  'no-wasm': 'errorNoWasm',
  timeout: 'errorTimeout',
  'unknown-profile': 'errorUnknownProfile',
};

/** A `CC1:` text's key id (FORMAT.md: `d2844da201270448` then 8 bytes), read before the core only to fetch its status early. */
function keyIdHint(text) {
  try {
    const b = atob(/CC1:([\w-]{24})/.exec(text)[1].replace(/-/g, '+').replace(/_/g, '/'));
    if (b.startsWith('\xd2\x84\x4d\xa2\x01\x27\x04\x48')) return [...b.slice(8, 16)].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    // not a token
  }
  return undefined;
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new VerifyError('timeout', 'no answer in time')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class Session extends EventTarget {
  #core;
  #configURL;
  #trustListURL;
  #profile;
  #config = null;
  #prepared = null; // the promise of #prepare, dropped when it failed
  #failure = null; // 'config-missing' | 'core-missing' | 'no-wasm' | 'unknown-profile'
  #current = null; // the list in use: { text, info, source: 'cache' | 'network' }
  #refused = null; // the core's code for a downloaded list refused with nothing else in hand
  #networkRefused = null; // the same, while another list is in use
  #networkFailed = false; // the last download failed (or the service worker answered its copy)
  #download = null; // the download in flight
  #fetchedAt = 0;
  #cacheRead = null;
  #cachedList = null; // the promise of the list this device held at start (its text or null), read once
  #request = 0;
  #hint; // keyIdHint of the first text verified
  #listening = null;
  // With published status documents: { url, held: {full, deltas} | null (each {bytes, at}), error: the
  // core's code for the last documents refused, or 'status-unavailable', networkFailed, download, fetchedAt, index: a first visit's early index, for its background download }.
  #status = null;

  /**
   * `config`: URL of config.json; `trustList`: URL of the signed list
   * instead of the configuration's; `profile`: the purpose profile (`full`).
   */
  constructor({ config, trustList = null, profile = 'full', core = new Core() }) {
    super();
    this.#configURL = new URL(config);
    this.#trustListURL = trustList ? new URL(trustList) : null;
    this.#profile = profile || 'full';
    this.#core = core;
  }

  get profile() {
    return this.#profile;
  }

  /**
   * What the session's trust list is, for people: `{state}` with state
   * `loading`, `ready` (with `info`, `freshness` — `fresh`, `stale`,
   * `expired` —, `networkRefused`, `fromCache`), `invalid` (with `error`),
   * `missing`, `config-missing`, `core-missing`, `no-wasm` (this browser
   * runs no WebAssembly) or `unknown-profile`.
   */
  get trust() {
    if (this.#failure) return { state: this.#failure, profile: this.#profile };
    if (this.#current) {
      return {
        state: 'ready',
        info: this.#current.info,
        freshness: this.freshness(),
        networkRefused: this.#networkRefused,
        fromCache: this.#current.source === 'cache' && this.#networkFailed,
        status: this.#statusInfo(),
      };
    }
    if (this.#refused) return { state: 'invalid', error: this.#refused };
    if (this.#download || !this.#prepared) return { state: 'loading' };
    return { state: 'missing' };
  }

  /** Whether a status is held (whole, or one key's part). */
  #statusHeld() {
    try {
      return this.#core.statusSequence !== undefined;
    } catch {
      return false;
    }
  }

  /** Whether the status held covers key `kid` (undefined: a text whose key cannot be read, any status will do). */
  #statusCovers(kid) {
    if (!this.#statusHeld()) return false;
    const scope = this.#core.statusScope;
    return scope === undefined || kid === undefined || scope === kid;
  }

  /** The status for people: null (none published), or `{ state: held | loading | missing, sequence, error }`. */
  #statusInfo() {
    const st = this.#status;
    if (!st) return null;
    let sequence;
    try {
      sequence = this.#core.statusSequence;
    } catch {
      sequence = undefined;
    }
    if (sequence !== undefined) return { state: 'held', sequence, error: st.error };
    if (st.download) return { state: 'loading', error: null };
    return { state: 'missing', error: st.error ?? 'status-unavailable' };
  }

  /**
   * The list in use as the core judges it now: `fresh`, `stale` or
   * `expired` (the outcome of its `trust-list` check), or null without one.
   */
  freshness() {
    if (!this.#current) return null;
    try {
      const check = this.#core.trustListState(Date.now());
      return { pass: 'fresh', warn: 'stale', fail: 'expired' }[check?.outcome] ?? null;
    } catch {
      return null;
    }
  }

  /**
   * Loads the configuration and the wasm, takes the list this device holds
   * and starts the download of the network's. Resolves once the session
   * can verify; rejects with a VerifyError (`unavailable`, `no-wasm`,
   * `unknown-profile`). Called again after a failure, it tries again.
   */
  start() {
    if (!this.#prepared) {
      this.#prepared = this.#prepare();
      this.#prepared.catch(() => {
        if (this.#failure !== 'unknown-profile') this.#prepared = null; // an offline first visit: tried again on the next verification
      });
    }
    return this.#prepared;
  }

  async #prepare() {
    this.#failure = null;
    const coreReady = this.#core.ready();
    coreReady.catch(() => {});
    try {
      this.#config = await loadConfig(this.#configURL);
      if (this.#trustListURL) this.#config.trustList = this.#trustListURL;
    } catch {
      return this.#fail('config-missing', new VerifyError('unavailable', 'the configuration could not be loaded'));
    }
    const url = this.#config.trustList;
    const cached = cachedTrustList(url);
    this.#cachedList = cached;
    if (this.#config.status) {
      this.#status = { url: this.#config.status, held: null, error: null, networkFailed: false, download: null, fetchedAt: 0, index: null };
    }
    const heldStatus = this.#status ? cachedStatus(this.#status.url) : Promise.resolve(null);
    // A first visit's link (no status seen): the index now; with no list nor status held, its key's
    // part (keyIdHint) as soon as the index is here, without waiting for the core.
    let index = null;
    const kid = this.#hint;
    if (kid && this.#status && seenStatusSequence() === undefined) (index = fetchIndex(this.#status.url)).catch(() => {});
    if (index) this.#status.index = index; // the background download's too: not asked for again
    Promise.all([cached, heldStatus]).then(([list, held]) => {
      const st = this.#status;
      if (list !== null || held || !st || !kid) return;
      st.early = { kid, scoped: fetchScopedStatus(st.url, kid, index) };
      st.early.scoped.catch(() => {});
    });
    this.#cacheRead = (async () => {
      await coreReady;
      const text = await cached;
      if (this.#status && !this.#status.held) this.#status.held = await heldStatus;
      if (text === null || this.#current) return;
      const loaded = this.#core.load(text, this.#config.roots, seenSequence());
      if (!loaded.error) this.#use({ text, info: loaded.info, source: 'cache' });
    })();
    this.#cacheRead.catch(() => {});
    let unknownProfile = false;
    // No list held: its download at once, the verdict waits for it. With one held, the list's and the
    // status's downloads follow the verdict (verify), or come a second after the start without one.
    cached.then((text) => {
      const refresh = () => this.refresh();
      if (text === null) this.#startDownload();
      else setTimeout(() => this.#cacheRead.then(refresh, refresh), 1000);
    });
    try {
      await coreReady;
      await this.#cacheRead;
      if (!this.#current && !this.#refused) this.#core.load('', this.#config.roots, seenSequence()); // no list yet
      unknownProfile = this.#core.checkProfile(this.#profileArg()) === 'unknown-profile';
    } catch (e) {
      if (e && e.code === 'no-wasm') return this.#fail('no-wasm', new VerifyError('no-wasm', e.message));
      return this.#fail('core-missing', new VerifyError('unavailable', String(e)));
    }
    if (unknownProfile) {
      const message = `unknown-profile: ${this.#profile}`;
      return this.#fail('unknown-profile', new VerifyError('unknown-profile', message, undefined, { profile: this.#profile }));
    }
    this.#changed();
    return undefined;
  }

  #fail(state, error) {
    this.#failure = state;
    this.#changed();
    throw error;
  }

  #profileArg() {
    return this.#profile === 'full' ? undefined : this.#profile;
  }

  /** Takes `current` as the list in use; the core has just loaded it. The status held is applied to it again. */
  #use(current) {
    if (current.info) raiseSeenSequence(current.info.sequence);
    this.#current = current;
    this.#refused = null;
    this.#applyHeld();
  }

  /**
   * Applies the status held to the list just loaded, each document at the
   * time first applied; one refused is dropped with what follows; a status
   * older than one applied before (a rolled-back cache) is never used.
   */
  #applyHeld() {
    const st = this.#status;
    if (!st || !st.held) return;
    const docs = [st.held.full, ...st.held.deltas];
    let applied = 0;
    for (const doc of docs) {
      const refused = this.#core.applyStatus(doc.bytes, doc.at);
      if (refused) {
        st.error = refused;
        break;
      }
      applied += 1;
    }
    if (applied < docs.length) {
      st.held = applied === 0 ? null : { full: st.held.full, deltas: st.held.deltas.slice(0, applied - 1) };
      setTimeout(() => keepStatus(st.url, st.held));
    }
    if (applied > 0 && this.#core.checkStatusFloor(seenStatusSequence()) === 'status-rollback') {
      this.#dropStatus('status-rollback');
      setTimeout(() => keepStatus(st.url, null));
    }
  }

  /** Back to the list alone (the core's status dropped), `error` saying why. */
  #dropStatus(error) {
    const st = this.#status;
    st.held = null;
    st.error = error;
    const { text } = this.#current;
    this.#core.load(text, this.#config.roots, seenSequence());
  }

  /** The status download in flight, or a new one (deltas since the status held, or the full); never rejects. */
  #startStatusDownload() {
    const st = this.#status;
    if (!st) return Promise.resolve();
    if (st.download) return st.download;
    st.fetchedAt = Date.now();
    st.download = (async () => {
      // What this device holds decides what to fetch: after the cached list (and the status applied to it).
      if (this.#current || (await this.#cachedList) !== null) await this.#cacheRead;
      let sequence;
      try {
        sequence = this.#current ? this.#core.statusSequence : undefined;
      } catch {
        sequence = undefined;
      }
      let scoped = false;
      try {
        scoped = sequence !== undefined && this.#core.statusScope !== undefined;
      } catch {
        scoped = false;
      }
      const held = sequence === undefined ? null : { sequence, deltas: st.held ? st.held.deltas.length : 0, scoped };
      let update;
      const index = st.index;
      st.index = null; // taken once
      try {
        update = await fetchStatusUpdate(st.url, held, { index });
      } catch {
        st.error = 'status-index-invalid';
        return;
      }
      st.networkFailed = update === null;
      if (!update || update.upToDate) return;
      // Applied to the list in use: the one downloaded beside it on a first visit.
      if (!this.#current && this.#download) await this.#download;
      await this.#core.ready();
      if (!this.#current) return;
      this.#applyUpdate(update, sequence);
    })()
      .catch(() => {
        // the core failed: the next verification re-instantiates it
      })
      .finally(() => {
        st.download = null;
        this.#changed();
      });
    this.#changed();
    return st.download;
  }

  /**
   * The status a verdict on key `kid` needs when none held covers it: the
   * key's scoped document, then the whole in the background (the whole
   * first without scoped ones, or already on its way). Never rejects.
   */
  async #statusFor(kid) {
    const st = this.#status;
    const early = st.early;
    st.early = null; // taken once
    if (kid && !st.download) {
      let scoped;
      try {
        scoped = await (early?.kid === kid ? early.scoped : fetchScopedStatus(st.url, kid));
      } catch {
        scoped = { none: true }; // an unreadable index: the whole document's download says so
      }
      await this.#core.ready();
      if (scoped && scoped.bytes && this.#current && this.#replaceStatus(scoped.bytes, Date.now())) {
        this.#kept();
        this.#changed();
        setTimeout(() => this.#startStatusDownload()); // the whole state, in the background (after the verdict): every other key's
        return;
      }
      if (scoped === null) {
        st.networkFailed = true;
        return;
      }
    }
    await this.#startStatusDownload();
  }

  /** A full document (whole or one key's) replaces the status held: true, or false (refused, the held one back; `error` says why). */
  #replaceStatus(document, at) {
    const st = this.#status;
    const before = st.held;
    const { text } = this.#current;
    const reload = () => this.#core.load(text, this.#config.roots, seenSequence());
    const held = this.#statusHeld(); // none applied: the list as loaded, nothing to undo
    if (held) reload();
    const refused = this.#core.applyStatus(document, at);
    const rollback = !refused && this.#core.checkStatusFloor(seenStatusSequence()) === 'status-rollback';
    if (refused || rollback) {
      st.held = before;
      if (held || rollback) {
        reload();
        this.#applyHeld();
      }
      st.error = refused ?? 'status-rollback';
      return false;
    }
    st.held = { full: { bytes: document, at }, deltas: [] };
    st.error = null;
    return true;
  }

  /** Remembers the sequence applied; keeps the documents, after the verdict. */
  #kept() {
    const st = this.#status;
    raiseSeenStatusSequence(this.#core.statusSequence);
    const held = st.held;
    setTimeout(() => keepStatus(st.url, held));
  }

  /** Applies downloaded status documents on top of the status held (sequence `from`); keeps them once applied. */
  #applyUpdate(update, from) {
    const st = this.#status;
    const at = Date.now();
    if (this.#core.statusSequence !== from) return; // the list changed meanwhile: the next refresh starts again
    if (update.full !== null) {
      if (!this.#replaceStatus(update.full, at)) return;
    } else {
      if (!st.held) return;
      st.error = null;
      for (const bytes of update.deltas) {
        const refused = this.#core.applyStatus(bytes, at);
        if (refused) {
          st.error = refused;
          break;
        }
        st.held.deltas.push({ bytes, at });
      }
    }
    this.#kept();
  }

  /** The download in flight, or a new one; resolves once its list is taken or refused. */
  #startDownload() {
    if (this.#download) return this.#download;
    if (!this.#config) return Promise.resolve();
    const url = this.#config.trustList;
    this.#fetchedAt = Date.now();
    this.#download = fetchTrustList(url)
      .then((network) => this.#adopt(url, network))
      .catch(() => {
        // the core failed: the next verification re-instantiates it
      })
      .finally(() => {
        this.#download = null;
        this.#changed();
      });
    this.#changed();
    return this.#download;
  }

  /** Takes a downloaded list if the core accepts it; never replaces the list in use with one it refuses. */
  async #adopt(url, network) {
    await this.#cacheRead; // the copy this device holds first, so that a download never races it
    await this.#core.ready();
    const { roots } = this.#config;
    if (!network || network.fromCache) {
      this.#networkFailed = true;
      if (network && !this.#current) {
        // The service worker's copy, network down: the core checks it like any other.
        const loaded = this.#core.load(network.text, roots, seenSequence());
        if (!loaded.error) this.#use({ text: network.text, info: loaded.info, source: 'cache' });
      }
      return;
    }
    this.#networkFailed = false;
    if (this.#current && this.#current.text === network.text) {
      this.#current.source = 'network';
      this.#networkRefused = null;
      return;
    }
    // None in use: loaded at once (refused, every verdict is trust-list-invalid); else tried first.
    const current = this.#current;
    const probe = current ? this.#core.probe(network.text, roots, seenSequence()) : this.#core.load(network.text, roots, seenSequence());
    if (probe.error) {
      if (current) this.#networkRefused = probe.error;
      else this.#refused = probe.error;
      return;
    }
    if (current) this.#core.load(network.text, roots, seenSequence());
    this.#use({ text: network.text, info: probe.info, source: 'network' });
    this.#networkRefused = null;
    setTimeout(() => keepTrustList(url, network.text, probe.info?.next_update)); // after the verdict: it does not wait for storage
  }

  /** Fetches the list again in the background if it is due (or `force`); never blocks a verification. */
  refresh({ force = false } = {}) {
    if (!this.#config || this.#download) return;
    const fresh = this.freshness() === 'fresh';
    const due = Date.now() - this.#fetchedAt >= (fresh ? REFRESH_AFTER_MS : RETRY_AFTER_MS);
    if (force || due) this.#startDownload();
    const st = this.#status;
    // With none held, the first verification fetches what it needs first (#statusFor).
    if (st && !st.download && this.#statusHeld() && (force || Date.now() - st.fetchedAt >= (fresh && !st.error ? REFRESH_AFTER_MS : RETRY_AFTER_MS))) {
      this.#startStatusDownload();
    }
  }

  /** Refreshes when shown again, back online, and every REFRESH_AFTER_MS while shown. */
  listen() {
    if (this.#listening) return;
    const onVisible = () => {
      if (document.visibilityState === 'visible') this.refresh();
    };
    const onOnline = () => this.refresh({ force: true });
    const timer = setInterval(onVisible, REFRESH_AFTER_MS);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('online', onOnline);
    this.#listening = () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', onOnline);
    };
  }

  /** Removes what `listen()` added. */
  stopListening() {
    if (this.#listening) this.#listening();
    this.#listening = null;
  }

  /** Drops the verification under way: its verdict is never emitted. */
  cancel() {
    this.#request += 1;
  }

  /**
   * Verifies `text` (a token or a verifier link) with the session's
   * profile; emits `verdict` and resolves to the checked result, or rejects
   * with a VerifyError (and emits `verdict` with it).
   */
  async verify(text) {
    const id = ++this.#request;
    this.#hint ??= keyIdHint(String(text));
    try {
      const result = await this.#run(String(text), id);
      if (id === this.#request) this.#emit('verdict', { result });
      return result;
    } catch (e) {
      const error = e instanceof VerifyError ? e : new VerifyError('failed', String(e));
      if (id === this.#request) this.#emit('verdict', { error });
      throw error;
    } finally {
      setTimeout(() => this.refresh()); // after the verdict, never before it
    }
  }

  async #run(text, id) {
    await withTimeout(
      (async () => {
        await this.start();
        try {
          await this.#core.ready(); // a fresh instance, if the last one trapped
        } catch (e) {
          if (e && e.code === 'no-wasm') throw new VerifyError('no-wasm', e.message);
          throw new VerifyError('unavailable', 'the core could not be loaded');
        }
      })(),
      VERIFY_TIMEOUT_MS,
    );
    const freshness = this.freshness();
    if (freshness !== 'fresh' && freshness !== 'stale') {
      // No list, or an expired one: the verdict needs the network's.
      if (id === this.#request) this.#emit('waiting', {});
      await this.#startDownload();
      await this.#core.ready();
      if (!this.#current && !this.#refused) {
        throw new VerifyError('unavailable', 'no trust list', 'errorTrustListMissing');
      }
    }
    const kid = this.#status && this.#current ? this.#core.certificateKeyId(text) : undefined;
    if (this.#status && this.#current && !this.#statusCovers(kid)) {
      // None held covers this certificate's key: the verdict waits for it, as for a first list.
      if (id === this.#request) this.#emit('waiting', {});
      await this.#statusFor(kid);
      await this.#core.ready();
    }
    const result = this.#core.verify(text, Date.now(), this.#profileArg());
    const problem = resultProblem(result);
    if (problem) throw new VerifyError('failed', problem);
    // A core that ignored the profile would hand over every field: refused, never shown.
    if (this.#profile !== 'full' && result.profile !== this.#profile) {
      throw new VerifyError('profile-not-applied', `the core did not apply the profile ${this.#profile}`);
    }
    result.kind = kindOf(result.status);
    // Published status documents that this device does not hold: the verdict is the list's alone.
    const status = this.#statusInfo();
    if (status && status.state !== 'held') result.statusMissing = status.error ?? 'status-unavailable';
    return result;
  }

  #changed() {
    this.#emit('trustchange', {});
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
