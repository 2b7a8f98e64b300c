// The package's entry point (index.js) in Node: the core behind its wall,
// and what a page asks the core besides verdicts (trustListState,
// checkProfile, statuses). The entry point is staged here as
// `cargo xtask package` lays it out (index.js beside pkg/), from the
// repository's pkg/ (`cargo xtask build`; CACHET_PKG=DIR for another).
//
// The trap is a real one: the test writes 0xff over the live instance's
// linear memory (the glue's `initSync()` hands back the instance's exports
// once it is loaded), so that the next call into it reads through a pointer
// far outside its memory and the engine stops it (`WebAssembly.RuntimeError:
// memory access out of bounds`). No panic path exists in the core for this.
//
//   node --test packaging/npm/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const pkg = process.env.CACHET_PKG ? path.resolve(process.env.CACHET_PKG) : path.join(root, 'pkg');
const built = ['cachet.js', 'cachet_bg.wasm'].every((f) => fs.existsSync(path.join(pkg, f)));
// Skipped by hand without pkg/; under CI=true a missing pkg/ is a failure.
const skip = !built && process.env.CI !== 'true' && 'pkg/ is not built (cargo xtask build)';

/** A fresh copy of the package's entry point and glue, so that each test has its own instances. */
async function stage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-entry-'));
  fs.mkdirSync(path.join(dir, 'pkg'));
  fs.copyFileSync(path.join(here, 'index.js'), path.join(dir, 'index.js'));
  for (const f of ['cachet.js', 'cachet_bg.wasm']) fs.copyFileSync(path.join(pkg, f), path.join(dir, 'pkg', f));
  const entry = await import(pathToFileURL(path.join(dir, 'index.js')).href);
  const wasm = fs.readFileSync(path.join(dir, 'pkg', 'cachet_bg.wasm'));
  /** The glue module of instance `n`: the very module record index.js imports for it. */
  const glue = (n) => import(pathToFileURL(path.join(dir, 'pkg', 'cachet.js')).href + (n === 0 ? '' : `?instance=${n}`));
  return { entry, wasm, glue, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Makes the (loaded) instance of `glue` trap on its next call (see the comment above). */
function trap(glue) {
  new Uint8Array(glue.initSync().memory.buffer).fill(0xff);
}

function vector(...parts) {
  const v = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'vectors', ...parts), 'utf8'));
  return { ...v, nowMs: Date.parse(v.now) };
}

const crashed = (e) => e instanceof Error && e.code === 'core-crashed' && e.cause instanceof WebAssembly.RuntimeError;

test('a trap throws core-crashed for that call only; the next call runs on a fresh instance', { skip }, async () => {
  const { entry, wasm, glue, cleanup } = await stage();
  try {
    const api = await entry.load({ wasm });
    const valid = vector('valid-derived-serial.json');
    const { verifier } = api.openVerifier(valid.trust_list, valid.roots, null);
    const first = verifier.verify(valid.input, valid.nowMs);
    assert.equal(first.status, 'valid');

    trap(await glue(0));
    assert.throws(() => verifier.verify(valid.input, valid.nowMs), crashed);
    // The same verifier, rebuilt from its list on the spare instance.
    assert.deepEqual(verifier.verify(valid.input, valid.nowMs), first);
    assert.deepEqual(verifier.trustList, { sequence: 5, issued_at: '2025-09-01T00:00:00Z', next_update: '2025-12-01T00:00:00Z' });
    // A verifier made after the trap, and the free functions, work too.
    assert.equal(api.openVerifier(valid.trust_list, valid.roots, null).verifier.verify(valid.input, valid.nowMs).status, 'valid');
    assert.equal(api.statusText('valid', 'en').title, 'Valid certificate');

    // Once the next spare is ready (load() again waits for it), a second trap is survived the same way.
    await entry.load({ wasm });
    trap(await glue(1));
    assert.throws(() => api.profiles(), crashed);
    assert.equal(verifier.verify(valid.input, valid.nowMs).status, 'valid');
  } finally {
    cleanup();
  }
});

test('a verifier rebuilt after a trap keeps the status documents applied to it', { skip }, async () => {
  const { entry, wasm, glue, cleanup } = await stage();
  try {
    const { openVerifier } = await entry.load({ wasm });
    const v = vector('status', 'status-delta-revokes.json');
    const opened = openVerifier(v.trust_list, v.roots, null, { status: v.status_documents, lastSeenStatus: null, nowMs: v.nowMs });
    assert.equal(opened.statusError, null);
    assert.equal(opened.verifier.verify(v.input, v.nowMs).status, 'revoked');
    trap(await glue(0));
    assert.throws(() => opened.verifier.verify(v.input, v.nowMs), crashed);
    assert.equal(opened.verifier.statusSequence, 2);
    assert.equal(opened.verifier.verify(v.input, v.nowMs).status, 'revoked', 'the delta still revokes it');
  } finally {
    cleanup();
  }
});

test('a second trap before the next spare is made says core-unavailable until a fresh instance is ready', { skip }, async () => {
  const { entry, wasm, glue, cleanup } = await stage();
  try {
    const api = entry.loadSync({ wasm });
    const valid = vector('valid-derived-serial.json');
    const { verifier } = api.openVerifier(valid.trust_list, valid.roots, null);
    const [first, second] = [await glue(0), await glue(1)];
    await entry.load({ wasm }); // loadSync's spare, made in the background, is ready
    trap(first);
    assert.throws(() => verifier.verify(valid.input, valid.nowMs), crashed); // instance 1 takes over; instance 2 is being made
    trap(second); // with no await since: instance 2 is not made yet
    assert.throws(() => verifier.verify(valid.input, valid.nowMs), crashed);
    assert.throws(() => verifier.verify(valid.input, valid.nowMs), (e) => e.code === 'core-unavailable');
    await entry.load({ wasm });
    assert.equal(verifier.verify(valid.input, valid.nowMs).status, 'valid');
  } finally {
    cleanup();
  }
});

test('an unknown profile throws unknown-profile and is not a crash', { skip }, async () => {
  const { entry, wasm, cleanup } = await stage();
  try {
    const api = await entry.load({ wasm });
    const valid = vector('valid-derived-serial.json');
    const { verifier } = api.openVerifier(valid.trust_list, valid.roots, null);
    assert.throws(() => verifier.verify(valid.input, valid.nowMs, 'identity-check'), (e) => e.message.startsWith('unknown-profile') && e.code === undefined);
    assert.equal(api.checkProfile('identity-check'), 'unknown-profile');
    for (const name of [undefined, null, 'full', 'transport', 'family-benefits', 'school-enrolment']) {
      assert.equal(api.checkProfile(name), undefined, String(name));
    }
    assert.equal(verifier.verify(valid.input, valid.nowMs, 'transport').profile, 'transport');
  } finally {
    cleanup();
  }
});

test('trustListState gives the trust-list check a result would carry, without verifying', { skip }, async () => {
  const { entry, wasm, cleanup } = await stage();
  try {
    const { openVerifier, statuses } = await entry.load({ wasm });
    const valid = vector('valid-derived-serial.json');
    const { verifier } = openVerifier(valid.trust_list, valid.roots, null);
    const list = { sequence: 5, issued_at: '2025-09-01T00:00:00Z', next_update: '2025-12-01T00:00:00Z' };
    const cases = [
      ['2025-10-01T09:00:00Z', { outcome: 'pass', trust_list: list }],
      ['2025-12-03T09:00:00Z', { outcome: 'warn', code: 'trust-list-stale', trust_list: list }],
      ['2025-12-09T09:00:00Z', { outcome: 'fail', code: 'trust-list-expired', trust_list: list }],
    ];
    for (const [at, want] of cases) {
      assert.deepEqual(verifier.trustListState(Date.parse(at)), want, at);
      const check = verifier.verify(valid.input, Date.parse(at)).checks.find((c) => c.check === 'trust-list');
      assert.deepEqual([check.outcome, check.code], [want.outcome, want.code], `${at}: a result says the same`);
    }
    const rollback = openVerifier(valid.trust_list, valid.roots, 6).verifier;
    assert.deepEqual(rollback.trustListState(valid.nowMs), { outcome: 'fail', code: 'trust-list-rollback' });

    const all = statuses();
    assert.equal(all.length, 11);
    assert.equal(all[0], 'trust-list-invalid');
    assert.ok(all.includes(verifier.verify('not a certificate', valid.nowMs).status));
  } finally {
    cleanup();
  }
});
