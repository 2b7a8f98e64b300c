// Status documents applied by the verifier's wasm in Node, as the page
// applies what it holds on each visit (www/lib/session.js): the signed list
// loaded, then the full status document and each delta in turn
// (`Verifier.applyStatus(text, atMs)`, each at its own time). Prints one
// JSON line: {"full_ms": median, "delta_ms": [median of each delta],
// "deltas_ms": median of all the deltas together, "memory_bytes", "runs"}.
// Called by `cachet-bench revocation --pkg DIR` with the week's documents.
//
//   node bench/revocation/wasm-status.mjs --pkg DIR --trust SIGNED --root ROOT.pub --documents LIST.json [--runs N]
//
// LIST.json: [{"file": PATH, "at_ms": N}, …], the full document first.

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
  else if (args[i] === '--documents') opts.documents = value;
  else if (args[i] === '--runs') opts.runs = Math.max(1, Number(value));
  else throw new Error(`unknown option ${args[i]}`);
  i += 1;
}
if (!opts.pkg || !opts.trust || !opts.documents || opts.roots.length === 0) {
  throw new Error('usage: wasm-status.mjs --pkg DIR --trust SIGNED --root ROOT.pub --documents LIST.json [--runs N]');
}

// The page's module: the verify-only build (boot.js), else the whole one.
const glue = fs.existsSync(path.join(opts.pkg, 'cachet_verify.js')) ? 'cachet_verify' : 'cachet';
const { initSync, Verifier } = await import(pathToFileURL(path.join(opts.pkg, `${glue}.js`)).href);
const wasm = initSync({ module: fs.readFileSync(path.join(opts.pkg, `${glue}_bg.wasm`)) });
const trust = fs.readFileSync(opts.trust, 'utf8');
const documents = JSON.parse(fs.readFileSync(opts.documents, 'utf8')).map((d) => ({ text: fs.readFileSync(d.file, 'utf8'), at: d.at_ms }));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const full = [];
const each = documents.slice(1).map(() => []);
const all = [];
for (let run = 0; run < opts.runs; run += 1) {
  const verifier = new Verifier(trust, opts.roots, undefined);
  if (verifier.trustListError) throw new Error(`the wasm refused the list: ${verifier.trustListError}`);
  let started = process.hrtime.bigint();
  let refused = verifier.applyStatus(documents[0].text, documents[0].at);
  full.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (refused) throw new Error(`the wasm refused the full status document: ${refused}`);
  let sum = 0;
  for (let i = 1; i < documents.length; i += 1) {
    started = process.hrtime.bigint();
    refused = verifier.applyStatus(documents[i].text, documents[i].at);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (refused) throw new Error(`the wasm refused delta ${i}: ${refused}`);
    each[i - 1].push(ms);
    sum += ms;
  }
  all.push(sum);
  verifier.free();
}
process.stdout.write(
  `${JSON.stringify({ full_ms: median(full), delta_ms: each.map(median), deltas_ms: median(all), memory_bytes: wasm.memory.buffer.byteLength, runs: opts.runs })}\n`,
);
