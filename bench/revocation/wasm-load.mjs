// The trust list loaded by the verifier's wasm in Node, as the page loads it
// (`new Verifier(signedTrustList, roots)`): prints one JSON line,
// {"load_ms": median over --runs, "memory_bytes": the wasm memory's size
// after the loads, "runs": N}. Called by `cachet-bench revocation --pkg DIR`.
//
//   node bench/revocation/wasm-load.mjs --pkg DIR --trust SIGNED --root ROOT.pub [--runs N]

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const opts = { runs: 5, roots: [] };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 1) {
  const value = args[i + 1];
  if (value === undefined) throw new Error(`${args[i]} needs a value`);
  if (args[i] === '--pkg') opts.pkg = value;
  else if (args[i] === '--trust') opts.trust = value;
  else if (args[i] === '--root') opts.roots.push(fs.readFileSync(value, 'utf8'));
  else if (args[i] === '--runs') opts.runs = Math.max(1, Number(value));
  else throw new Error(`unknown option ${args[i]}`);
  i += 1;
}
if (!opts.pkg || !opts.trust || opts.roots.length === 0) {
  throw new Error('usage: wasm-load.mjs --pkg DIR --trust SIGNED --root ROOT.pub [--runs N]');
}

const { initSync, Verifier } = await import(pathToFileURL(path.join(opts.pkg, 'cachet.js')).href);
const wasm = initSync({ module: fs.readFileSync(path.join(opts.pkg, 'cachet_bg.wasm')) });
const trust = fs.readFileSync(opts.trust, 'utf8');
const times = [];
for (let run = 0; run < opts.runs; run += 1) {
  const started = process.hrtime.bigint();
  const verifier = new Verifier(trust, opts.roots, undefined);
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
  const error = verifier.trustListError;
  if (error) throw new Error(`the wasm refused the list: ${error}`);
  verifier.free();
}
times.sort((a, b) => a - b);
const mid = times.length >> 1;
const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
process.stdout.write(`${JSON.stringify({ load_ms: median, memory_bytes: wasm.memory.buffer.byteLength, runs: times.length })}\n`);
