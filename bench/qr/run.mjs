// The Node side of `cargo xtask qr-bench`: this reader compiled to wasm
// (pkg/, the page's own build), jsQR and zxing-wasm's reader build, on the
// same frames, each frame's pixels read from a raw RGBA file before any
// clock starts.
//
//   node run.mjs FRAMES.json RUNS PKG_DIR OUT.json
//
// FRAMES.json: [{id, rgba: path, width, height}]. OUT.json:
// {readers: {name: {id: {texts: [...], ms: [per run]}}}, options: {...}}.
// Each reader sees each frame RUNS times in a row; the xtask takes the
// median. Texts are judged by the xtask, not here. QR_BENCH_SKIP (the
// xtask's --skip): readers left out, by key, comma-separated.
//
// Options, all at their defaults except the format (noted in the output):
// - jsQR: inversionAttempts "attemptBoth" (its default: inverted codes too);
// - zxing-wasm: formats ["QRCode"]; tryHarder, tryRotate, tryInvert,
//   tryDownscale true, binarizer LocalAverage, maxNumberOfSymbols 255.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import jsQR from 'jsqr';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const [framesPath, runsArg, pkgDir, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node run.mjs FRAMES.json RUNS PKG_DIR OUT.json');
  process.exit(2);
}
const runs = Number(runsArg);
const frames = JSON.parse(readFileSync(framesPath, 'utf8'));

// This reader: the wasm-bindgen glue of pkg/, instantiated synchronously
// from the bytes the page downloads.
const glue = await import(pathToFileURL(join(pkgDir, 'cachet.js')).href);
glue.initSync({ module: readFileSync(join(pkgDir, 'cachet_bg.wasm')) });

// zxing-wasm: its reader build, the .wasm read from node_modules (it would
// otherwise be fetched from a CDN).
const require = createRequire(import.meta.url);
const zxingWasm = join(require.resolve('zxing-wasm/reader').replace(/dist[/\\].*$/, ''), 'dist/reader/zxing_reader.wasm');
await prepareZXingModule({ overrides: { wasmBinary: readFileSync(zxingWasm) }, fireImmediately: true });
const zxingOptions = { formats: ['QRCode'] };

function versionOf(name) {
  return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
}

const readers = {
  'cachet-wasm': (rgba, w, h) => Array.from(glue.scanImage(rgba, w, h)),
  jsqr: (rgba, w, h) => {
    const code = jsQR(rgba, w, h);
    return code ? [code.data] : [];
  },
  'zxing-wasm': async (rgba, w, h) => {
    const found = await readBarcodes({ data: rgba, width: w, height: h }, zxingOptions);
    return found.filter((r) => r.isValid).map((r) => r.text);
  },
};

for (const name of (process.env.QR_BENCH_SKIP ?? '').split(',').filter(Boolean)) delete readers[name];

// Warm-up, not timed: each reader once on the first frame (JIT, wasm tiers).
if (frames.length > 0) {
  const bytes = readFileSync(frames[0].rgba);
  for (const read of Object.values(readers)) await read(new Uint8ClampedArray(bytes), frames[0].width, frames[0].height);
}

const out = Object.fromEntries(Object.keys(readers).map((name) => [name, {}]));
let done = 0;
for (const frame of frames) {
  const bytes = readFileSync(frame.rgba);
  const rgba = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const [name, read] of Object.entries(readers)) {
    const ms = [];
    let texts = [];
    for (let r = 0; r < runs; r++) {
      // A fresh copy each time: no reader can leave state in the pixels.
      const pixels = new Uint8ClampedArray(rgba);
      const t0 = performance.now();
      texts = await read(pixels, frame.width, frame.height);
      ms.push(performance.now() - t0);
    }
    out[name][frame.id] = { texts, ms };
  }
  done += 1;
  if (done % 50 === 0) console.error(`node: ${done}/${frames.length} frames`);
}

writeFileSync(
  outPath,
  JSON.stringify({
    readers: out,
    options: {
      jsqr: `jsQR ${versionOf('jsqr')}, defaults (inversionAttempts attemptBoth)`,
      'zxing-wasm': `zxing-wasm ${versionOf('zxing-wasm')} reader, formats QRCode, other options at their defaults (tryHarder, tryRotate, tryInvert, tryDownscale)`,
      node: process.version,
    },
  }),
);
