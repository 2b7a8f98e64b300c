// The only things the page stores, all in localStorage: the language, the
// chosen camera's device id, the sound switch, the highest trust-list
// and status sequences seen, and until when the list kept is fresh. No
// certificate data, ever. Storage may be disabled (private modes, policies):
// then nothing is remembered and nothing fails.

const KEYS = new Set(['cachet.lang', 'cachet.camera', 'cachet.sound', 'cachet.trustList.seenSequence', 'cachet.trustList.freshUntil', 'cachet.status.seenSequence']);

function check(key) {
  if (!KEYS.has(key)) throw new Error(`not a key this page stores: ${key}`);
}

export const storage = {
  /** The stored string, or null. */
  get(key) {
    check(key);
    try {
      return globalThis.localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    check(key);
    try {
      globalThis.localStorage.setItem(key, String(value));
    } catch {
      // Storage refused: the choice is kept for this visit only.
    }
  },
};
