// The package's rollback memory in Node (issue 11): `openVerifier` refuses a
// trust list older than the sequence the caller stored, and
// node/verify-with-memory.js, the example of the package's README, keeps
// that sequence in a file: a list from before a key was revoked, served
// again, does not make that key's certificate valid.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { INSTALLED, PACKAGE_TESTS, TARGET, WORK } from './lib/paths.js';
import { thisRun } from './lib/run.js';

const { fixtures } = thisRun();
const cachet = process.env.CACHET_BIN ? path.resolve(process.env.CACHET_BIN) : path.join(TARGET, 'release', 'cachet');
const DIR = path.join(WORK, 'rollback');

/** The fixtures' list (`old.json`), and a newer one in which the académie's key is revoked (`new.json`). */
function lists() {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const from = path.dirname(fixtures.trust);
  for (const f of ['list.json', 'root.key', 'root.key.pub', 'paris.key.pub']) fs.copyFileSync(path.join(from, f), path.join(DIR, f));
  fs.copyFileSync(fixtures.trust, path.join(DIR, 'old.json'));
  const sh = (...args) => {
    const r = spawnSync(cachet, ['--lang', 'en', ...args], { cwd: DIR, encoding: 'utf8' });
    assert.equal(r.status, 0, `cachet ${args.join(' ')}: ${r.stderr}`);
  };
  sh('trust', 'revoke', '--list', 'list.json', '--key', 'paris.key.pub');
  sh('trust', 'sign', '--list', 'list.json', '--root', 'root.key', '--out', 'new.json', '--valid-days', '30');
  const sequence = (f) => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')).list.sequence;
  assert.ok(sequence('old.json') < sequence('new.json'));
  return { old: sequence('old.json'), new: sequence('new.json') };
}

function example(list, state) {
  const args = ['node/verify-with-memory.js', path.join(DIR, list), fixtures.root, path.join(DIR, state)];
  const r = spawnSync(process.execPath, args, { cwd: WORK, input: `${fixtures.tokens.valid}\n`, encoding: 'utf8' });
  return { status: r.status, results: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: r.stderr };
}

test('the README example refuses a list from before a key was revoked, once it has seen the newer one', () => {
  const seq = lists();
  const state = (name) => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));

  let r = example('old.json', 'state.json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.results.map((x) => x.status), ['valid'], 'nothing newer seen yet');
  assert.deepEqual(state('state.json'), { lastSeen: seq.old });

  r = example('new.json', 'state.json');
  assert.deepEqual(r.results.map((x) => x.status), ['revoked'], r.stderr);
  assert.deepEqual(state('state.json'), { lastSeen: seq.new });

  r = example('old.json', 'state.json');
  assert.notEqual(r.status, 0);
  assert.deepEqual(r.results, [], 'no verdict under a refused list');
  assert.match(r.stderr, /trust-list-rollback/);
  assert.match(r.stderr, new RegExp(`highest sequence seen: ${seq.new}\\b`));
  assert.deepEqual(state('state.json'), { lastSeen: seq.new }, 'the memory is kept');

  // Another memory has seen nothing: the same old list is accepted there.
  r = example('old.json', 'elsewhere.json');
  assert.deepEqual(r.results.map((x) => x.status), ['valid']);

  // A damaged memory stops the script; it is not taken for a fresh start.
  fs.writeFileSync(path.join(DIR, 'damaged.json'), '{"last":3}\n');
  r = example('old.json', 'damaged.json');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /last-seen-invalid/);
  assert.equal(fs.readFileSync(path.join(DIR, 'damaged.json'), 'utf8'), '{"last":3}\n');
});

test('openVerifier takes null or a sequence, refuses an older list, and returns the highest sequence', () => {
  const seq = lists();
  const script = `
    import { readFileSync } from 'node:fs';
    import { loadSync } from '@cachet/verifier';
    const { openVerifier, Verifier } = loadSync({ wasm: readFileSync(new URL(import.meta.resolve('@cachet/verifier/cachet_bg.wasm'))) });
    const [oldList, newList, root, token] = process.argv.slice(1);
    const [o, n, r] = [oldList, newList, root].map((f) => readFileSync(f, 'utf8'));
    const open = (list, seen) => {
      try {
        const { verifier, lastSeen } = openVerifier(list, [r], seen);
        return { lastSeen, error: verifier.trustListError ?? null, status: verifier.verify(token, Date.now()).status };
      } catch (e) {
        return { threw: e.constructor.name, message: e.message };
      }
    };
    const out = {
      first: open(o, null),
      newer: open(n, ${seq.old}),
      same: open(n, ${seq.new}),
      older: open(o, ${seq.new}),
      behind: open(n, ${seq.new + 5}),
      bad: [undefined, -1, 1.5, '3', NaN, Infinity, 2 ** 60].map((v) => open(o, v)),
      forged: open(o.replace(/("value":\s*")(.)/, (m, a, c) => a + (c === 'A' ? 'B' : 'A')), null),
      isClass: typeof Verifier,
    };
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, path.join(DIR, 'old.json'), path.join(DIR, 'new.json'), fixtures.root, fixtures.tokens.valid], { cwd: WORK, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.first, { lastSeen: seq.old, error: null, status: 'valid' });
  assert.deepEqual(out.newer, { lastSeen: seq.new, error: null, status: 'revoked' });
  assert.deepEqual(out.same, { lastSeen: seq.new, error: null, status: 'revoked' }, 'the same list again is accepted');
  assert.deepEqual(out.older, { lastSeen: seq.new, error: 'trust-list-rollback', status: 'trust-list-invalid' });
  assert.deepEqual(out.behind, { lastSeen: seq.new + 5, error: 'trust-list-rollback', status: 'trust-list-invalid' });
  for (const bad of out.bad) {
    assert.equal(bad.threw, 'TypeError', JSON.stringify(bad));
    assert.match(bad.message, /^last-seen-invalid/);
  }
  assert.deepEqual(out.forged, { lastSeen: null, error: 'trust-list-signature', status: 'trust-list-invalid' }, 'a list that did not verify raises nothing');
  assert.equal(out.isClass, 'function');
});

test('the README shows the tested example as it is', () => {
  const readme = fs.readFileSync(path.join(INSTALLED, 'README.md'), 'utf8');
  const script = fs.readFileSync(path.join(PACKAGE_TESTS, 'node', 'verify-with-memory.js'), 'utf8');
  assert.ok(readme.includes('```js\n' + script + '```\n'), 'packaging/npm/README.md holds node/verify-with-memory.js verbatim');
  const types = fs.readFileSync(path.join(INSTALLED, 'index.d.ts'), 'utf8');
  assert.match(types, /\(signedTrustList: string, roots: string\[\], lastSeen: number \| null\): OpenedVerifier;/);
});
