// Reading QR codes from pixels, for the image and camera paths: the core's
// reader in a worker (scan-worker.js). Decoding never runs on the main
// thread; the main thread only draws a frame and hands its pixels over.
//
// The browser's own BarcodeDetector (Chrome on Android, macOS, ChromeOS) is
// not used: issue 4 takes it only where it measures better than this
// reader, and it cannot be measured here (Debian's Chromium has none),
// while this reader measured 99 % on the generated corpus against
// zxing-wasm's 95 % (README, "Reading QR codes"). One reader everywhere
// also means one behaviour to test.

import { scriptURL } from './trusted-types.js';
import { compiledModule, glueURL } from './verifier.js';

const SCAN_TIMEOUT_MS = 5000;

/** Why a scan gave no answer: the reader is missing or broken, or it failed on this picture. */
export class ScanError extends Error {
  constructor(code) {
    super(`scan ${code}`);
    this.code = code; // 'unavailable' | 'failed' | 'timeout'
  }
}

/** The RGBA pixels of `source` (video, bitmap), scaled down so that its longer side is at most `maxSide`. */
export function pixelsOf(source, sourceWidth, sourceHeight, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(sourceWidth, sourceHeight));
  const width = Math.max(1, Math.round(sourceWidth * scale));
  const height = Math.max(1, Math.round(sourceHeight * scale));
  const context = drawingContext(width, height);
  context.drawImage(source, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

let drawing = null;

/** One canvas, reused from frame to frame (camera frames are all the same size). */
function drawingContext(width, height) {
  if (!drawing) {
    const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : document.createElement('canvas');
    drawing = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
  }
  const canvas = drawing.canvas;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return drawing;
}

/** Of the texts found, the one that looks like a certificate (a token or a link to one), else the first. */
export function pickText(texts) {
  return texts.find((t) => /(^|#)CC\d+:/.test(t)) ?? texts[0];
}

/** The core's QR reader in a worker, started on first use and restarted after a failure. */
export class WorkerScanner {
  #worker = null;
  #initialized = Promise.resolve();
  #pending = new Map();
  #next = 1;

  #start() {
    const worker = new Worker(scriptURL('scan-worker.js'), { type: 'module', name: 'cachet-scan' });
    worker.addEventListener('message', (event) => this.#answer(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#fail(worker, 'unavailable');
    });
    worker.addEventListener('messageerror', () => this.#fail(worker, 'failed'));
    // The page's compiled module goes first, so the worker does not fetch and compile it again.
    const initialized = compiledModule().then(
      (module) => worker.postMessage({ type: 'init', glue: glueURL, module }),
      () => worker.postMessage({ type: 'init', glue: glueURL }),
    );
    this.#worker = worker;
    this.#initialized = initialized;
    return worker;
  }

  /** Ends the worker and rejects what it had pending. */
  #fail(worker, code) {
    if (this.#worker === worker) this.#worker = null;
    worker.terminate();
    for (const [id, job] of this.#pending) {
      if (job.worker !== worker) continue;
      clearTimeout(job.timer);
      this.#pending.delete(id);
      job.reject(new ScanError(code));
    }
  }

  #answer(message) {
    const job = message && this.#pending.get(message.id);
    if (!job) return;
    this.#pending.delete(message.id);
    clearTimeout(job.timer);
    if (message.error) {
      // The core threw (or is missing): this instance is not used again.
      this.#fail(job.worker, message.error === 'unavailable' ? 'unavailable' : 'failed');
      job.reject(new ScanError(message.error === 'unavailable' ? 'unavailable' : 'failed'));
    } else {
      job.resolve(Array.isArray(message.texts) ? message.texts.filter((t) => typeof t === 'string') : []);
    }
  }

  /**
   * The texts of the QR codes in `image` (ImageData; its buffer is transferred and emptied).
   * `quick`: only the reader's cheap passes (camera frames; see camera.js).
   */
  scan(image, { quick = false } = {}) {
    let worker;
    try {
      worker = this.#worker ?? this.#start();
    } catch {
      return Promise.reject(new ScanError('unavailable'));
    }
    const id = this.#next++;
    const initialized = this.#initialized;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(worker, 'timeout'), SCAN_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer, worker });
      const { width, height } = image;
      const buffer = image.data.buffer;
      initialized.then(() => {
        if (this.#pending.has(id)) worker.postMessage({ type: 'scan', id, width, height, buffer, quick }, [buffer]);
      });
    });
  }
}
