// The QR reader, off the main thread: a module worker running the core's
// `scanImage(rgba, width, height, quick)` on pixel buffers transferred to it.
//
// Messages in:  {type: 'init', glue: string (the glue's URL), module?: WebAssembly.Module}
//               {type: 'scan', id, width, height, buffer: ArrayBuffer (RGBA), quick?: boolean}
//               (quick: only the reader's cheap passes, for most camera frames)
// Messages out: {id, texts: string[]}
//               {id, error: 'unavailable' | 'failed'}
// After 'failed' (the core threw: maybe a trap) the page ends this worker
// and starts a fresh one; a trapped instance is never used again.
//
// The glue's URL comes from the page (verifier.js) rather than a static
// import: a bundler such as Vite copies this worker as a file of its own,
// and only the page knows where the bundle put the glue.

let glueURL = null;
let ready = null;

function init(module) {
  if (!ready) {
    if (typeof glueURL !== 'string') return Promise.reject(new Error('no glue URL'));
    ready = import(glueURL).then(async (glue) => {
      await glue.default(module ? { module_or_path: module } : undefined);
      return glue;
    });
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}

self.addEventListener('message', async (event) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'init') {
    if (typeof message.glue === 'string') glueURL = message.glue;
    init(message.module).catch(() => {});
    return;
  }
  if (message.type !== 'scan') return;
  const { id, width, height, buffer } = message;
  const quick = message.quick === true;
  let glue;
  try {
    glue = await init();
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
