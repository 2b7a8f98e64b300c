// The QR reader, off the main thread: a module worker running the core's
// `scanImage(rgba, width, height, quick)` on pixel buffers transferred to it.
//
// Messages in:  {type: 'init', module?: WebAssembly.Module}
//               {type: 'scan', id, width, height, buffer: ArrayBuffer (RGBA), quick?: boolean}
//               (quick: only the reader's cheap passes, for most camera frames)
// Messages out: {id, texts: string[]}
//               {id, error: 'unavailable' | 'failed'}
// After 'failed' (the core threw: maybe a trap) the page ends this worker
// and starts a fresh one; a trapped instance is never used again.

import * as glue from './pkg/cachet.js';

let ready = null;

function init(module) {
  if (!ready) ready = glue.default(module ? { module_or_path: module } : undefined);
  return ready;
}

self.addEventListener('message', async (event) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'init') {
    init(message.module).catch(() => {});
    return;
  }
  if (message.type !== 'scan') return;
  const { id, width, height, buffer } = message;
  const quick = message.quick === true;
  try {
    await init();
  } catch {
    self.postMessage({ id, error: 'unavailable' });
    return;
  }
  if (typeof glue.scanImage !== 'function') {
    self.postMessage({ id, error: 'unavailable' });
    return;
  }
  try {
    const found = glue.scanImage(new Uint8ClampedArray(buffer), width, height, quick);
    const texts = Array.from(found ?? []).filter((t) => typeof t === 'string' && t.length > 0);
    self.postMessage({ id, texts });
  } catch {
    self.postMessage({ id, error: 'failed' });
  }
});
