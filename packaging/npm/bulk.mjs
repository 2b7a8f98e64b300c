// Verifies a file of certificate texts, one per line, in Node with the
// package's wasm on worker threads: the server-side twin of `cachet verify
// --batch`, shipped in the npm package as `bulk.mjs` (the wasm is its
// `pkg/`; in this repository, `pkg/` at the root, built by `cargo xtask
// build`).
//
//   node bulk.mjs --trust SIGNED --root ROOT.pub [--root …]
//        [--at RFC3339] [--profile NAME] [--jobs N] [--pkg DIR] FILE|- > out.jsonl
//
// Output: one JSON line per text, in line order, `{"line":N,` then the
// result's members (the object `Verifier.verify` returns), the very bytes
// `cachet verify --batch` writes for the same inputs. Blank lines are skipped
// (their numbers are not reused). A line longer than 16 KiB is not held: it
// is reported `malformed` for `text-too-large`, as the CLI does.
// A summary goes to stderr: `{"texts":…,"seconds":…,"rate":…,"statuses":{…}}`.
// Exit code: 0 when every text is valid, 1 when one is not, 2 on a usage,
// file or wasm error, or an unknown profile.
//
// The trust list is loaded once per worker; the wasm is compiled once and the
// module handed to each worker, which calls the glue's initSync. The main
// thread reads and splits lines and writes results; at most two batches per
// worker are in flight, so memory stays flat whatever the file's size.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BATCH = 2048;
const MAX_LINE = 16 * 1024;

if (isMainThread) {
  await main().catch((e) => {
    process.stderr.write(`bulk.mjs: ${e.message}\n`);
    process.exit(2);
  });
} else {
  await worker();
}

function usage(message) {
  throw new Error(`${message}\nusage: node bulk.mjs --trust SIGNED --root ROOT.pub [--at RFC3339] [--profile NAME] [--jobs N] [--pkg DIR] FILE|-`);
}

function parseArgs(argv) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // The installed package's pkg/ beside this file, else the repository's pkg/.
  const pkg = [path.join(here, 'pkg'), path.join(here, '..', '..', 'pkg')].find((d) => fs.existsSync(path.join(d, 'cachet_bg.wasm')));
  const opts = { roots: [], jobs: availableParallelism(), pkg: pkg ?? path.join(here, 'pkg') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--trust') opts.trust = value();
    else if (a === '--root') opts.roots.push(value());
    else if (a === '--at') opts.at = value();
    else if (a === '--profile') opts.profile = value();
    else if (a === '--jobs') opts.jobs = Number(value());
    else if (a === '--pkg') opts.pkg = value();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (opts.input === undefined) opts.input = a;
    else usage(`one input only (got ${a})`);
  }
  if (!opts.trust || opts.roots.length === 0 || opts.input === undefined) usage('--trust, --root and FILE are required');
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) usage('--jobs takes a positive integer');
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const nowMs = opts.at === undefined ? Date.now() : Date.parse(opts.at);
  if (Number.isNaN(nowMs)) usage(`--at: not an instant: ${opts.at}`);
  const glue = pathToFileURL(path.join(opts.pkg, 'cachet.js')).href;
  const module = new WebAssembly.Module(fs.readFileSync(path.join(opts.pkg, 'cachet_bg.wasm')));
  const setup = {
    glue,
    module,
    trust: fs.readFileSync(opts.trust, 'utf8'),
    roots: opts.roots.map((r) => fs.readFileSync(r, 'utf8')),
    nowMs,
    profile: opts.profile,
  };

  const started = process.hrtime.bigint();
  const workers = [];
  for (let i = 0; i < opts.jobs; i++) workers.push(new Worker(fileURLToPath(import.meta.url), { workerData: setup }));
  // Every worker says it is ready (or why it is not) before any batch goes out.
  await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    w.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve()));
    w.once('error', reject);
  })));

  const statuses = {};
  let texts = 0;
  let nextToWrite = 0;
  const done = new Map(); // batch number → its output
  const waiting = []; // resolvers of batches waiting for a free slot
  let inFlight = 0;
  const limit = 2 * workers.length;
  let writeChain = Promise.resolve();
  let failure = null;

  const out = process.stdout;
  const write = (text) => new Promise((resolve, reject) => {
    if (out.write(text, (e) => e && reject(e))) resolve();
    else out.once('drain', resolve);
  });
  const flush = () => {
    while (done.has(nextToWrite)) {
      const text = done.get(nextToWrite);
      done.delete(nextToWrite);
      nextToWrite++;
      writeChain = writeChain.then(() => write(text));
    }
  };
  for (const w of workers) {
    w.on('message', (m) => {
      if (m.error) {
        failure ??= new Error(m.error);
        return;
      }
      texts += m.count;
      for (const [s, n] of Object.entries(m.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
      done.set(m.batch, m.out);
      inFlight--;
      flush();
      waiting.shift()?.();
    });
    w.on('error', (e) => { failure ??= e; });
  }

  let batchNo = 0;
  const send = async (lines) => {
    while (inFlight >= limit) await new Promise((resolve) => waiting.push(resolve));
    if (failure) throw failure;
    inFlight++;
    workers[batchNo % workers.length].postMessage({ batch: batchNo, lines });
    batchNo++;
  };

  // Lines are split on \n in bytes and decoded one by one (U+FFFD for bad UTF-8, as the CLI reads them).
  const decoder = new TextDecoder('utf-8');
  const input = opts.input === '-' ? process.stdin : fs.createReadStream(opts.input, { highWaterMark: 1 << 20 });
  let lineNo = 0;
  let pending = []; // [lineNo, text] of the batch being filled
  let carry = []; // the current line's pieces, before its \n
  let carryLen = 0;
  const endLine = async () => {
    lineNo++;
    const bytes = carry.length === 1 ? carry[0] : Buffer.concat(carry);
    // A text the core refuses for its length, as the CLI reports a line over MAX_LINE.
    const text = carryLen > MAX_LINE ? 'x'.repeat(MAX_LINE + 1) : decoder.decode(bytes);
    carry = [];
    carryLen = 0;
    if (text.trim() !== '') {
      pending.push(lineNo, text);
      if (pending.length >= 2 * BATCH) {
        await send(pending);
        pending = [];
      }
    }
  };
  for await (const chunk of input) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      pushPiece(chunk.subarray(start, nl));
      await endLine();
      start = nl + 1;
    }
    pushPiece(chunk.subarray(start));
  }
  if (carryLen > 0) await endLine(); // a last line without \n
  if (pending.length > 0) await send(pending);
  while (inFlight > 0) await new Promise((resolve) => waiting.push(resolve));
  if (failure) throw failure;
  flush();
  await writeChain;
  await Promise.all(workers.map((w) => w.terminate()));

  function pushPiece(piece) {
    if (piece.length === 0) return;
    // Past MAX_LINE, only the length counts.
    if (carryLen <= MAX_LINE) carry.push(Buffer.from(piece));
    carryLen += piece.length;
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (texts === 0) throw new Error('no certificate to verify');
  process.stderr.write(`${JSON.stringify({ texts, seconds: +seconds.toFixed(3), rate: Math.round(texts / seconds), jobs: workers.length, statuses })}\n`);
  process.exitCode = statuses.valid === texts ? 0 : 1;
}

async function worker() {
  const { glue, module, trust, roots, nowMs, profile } = workerData;
  let verifier;
  try {
    const { initSync, Verifier, checkProfile } = await import(glue);
    initSync({ module });
    const refused = checkProfile(profile); // an unknown profile is refused here, once
    if (refused !== undefined) throw new Error(`${refused}: no profile is named ${JSON.stringify(profile)}`);
    verifier = new Verifier(trust, roots, undefined);
  } catch (e) {
    parentPort.postMessage({ error: `worker: ${e.message}` });
    return;
  }
  parentPort.postMessage({ ready: true });
  parentPort.on('message', ({ batch, lines }) => {
    const statuses = {};
    let out = '';
    for (let i = 0; i < lines.length; i += 2) {
      const result = verifier.verify(lines[i + 1], nowMs, profile);
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      out += `{"line":${lines[i]},${JSON.stringify(result).slice(1)}\n`;
    }
    parentPort.postMessage({ batch, out, count: lines.length / 2, statuses });
  });
}
