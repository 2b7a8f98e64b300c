// The QR reader on the page's real path, frame by frame: the image decoded
// first (not timed), then timed: drawn to the canvas and read back
// (`pixelsOf`, as the camera and image inputs do), posted to the page's
// scan Worker (`WorkerScanner`), read by the wasm there, texts back.
//
// The frames' list is `/qr-frames/list.json` ([{id, url}]), served by
// bench/qr/page.mjs; `?runs=N` reads each frame N times in a row. The
// result goes to `window.qrBenchResult`: {readers: {'cachet-page': {id:
// {texts, ms: [...]}}}, options} or {error}.

import { WorkerScanner, pixelsOf } from '../scan.js';

const status = document.getElementById('bench-status');
const say = (text) => {
  status.textContent = text;
};

async function bitmapOf(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return createImageBitmap(await response.blob());
}

async function main() {
  const runs = Math.max(1, Number(new URLSearchParams(location.search).get('runs')) || 1);
  const response = await fetch('/qr-frames/list.json');
  if (!response.ok) throw new Error(`list.json: HTTP ${response.status}`);
  const frames = await response.json();
  const scanner = new WorkerScanner();
  const results = {};
  // Warm-up, not timed: the worker starts and instantiates the wasm.
  if (frames.length > 0) {
    const bitmap = await bitmapOf(frames[0].url);
    await scanner.scan(pixelsOf(bitmap, bitmap.width, bitmap.height, Math.max(bitmap.width, bitmap.height)));
    bitmap.close();
  }
  let done = 0;
  for (const frame of frames) {
    const bitmap = await bitmapOf(frame.url);
    const { width, height } = bitmap;
    const ms = [];
    let texts = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      // Full size: the bench measures the reader on the frame as it is.
      texts = await scanner.scan(pixelsOf(bitmap, width, height, Math.max(width, height)));
      ms.push(performance.now() - t0);
    }
    bitmap.close();
    results[frame.id] = { texts, ms };
    done += 1;
    if (done % 20 === 0) say(`${done} / ${frames.length} frames`);
  }
  say(`${done} frames, done`);
  return {
    readers: { 'cachet-page': results },
    options: { 'cachet-page': `${navigator.userAgent}; canvas → WorkerScanner (scan-worker.js) → wasm; ${runs} runs a frame` },
  };
}

main().then(
  (result) => {
    window.qrBenchResult = result;
  },
  (error) => {
    say(`Failed: ${error}`);
    window.qrBenchResult = { error: String(error && error.stack ? error.stack : error) };
  },
);
