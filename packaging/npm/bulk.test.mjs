// bulk.mjs against the test vectors (tests/vectors/, their
// expected statuses written by hand in the generator): every vector that
// fits on a line, grouped by trust list, root and instant, written one per
// line with blank lines between, must come back with its line number and its
// expected status, in line order. Needs pkg/ (`cargo xtask build`).
//
//   node --test packaging/npm/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const script = path.join(here, 'bulk.mjs');
const pkgReady = fs.existsSync(path.join(root, 'pkg', 'cachet_bg.wasm'));
// Skipped by hand without pkg/; under CI=true a missing pkg/ is a failure.
const skip = !pkgReady && process.env.CI !== 'true' && 'pkg/ is not built';

function vectors() {
  const dir = path.join(root, 'tests', 'vectors');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

function run(args, input) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-bulk-'));
  try {
    const files = {};
    for (const [name, text] of Object.entries(input)) {
      files[name] = path.join(tmp, name);
      fs.writeFileSync(files[name], text);
    }
    const argv = args.map((a) => (a in files ? files[a] : a));
    const r = spawnSync(process.execPath, [script, ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

test('every vector that fits on a line gets its expected status and line number', { skip }, () => {
  const groups = new Map();
  for (const v of vectors()) {
    if (v.last_seen_sequence !== null || v.roots.length === 0 || /[\r\n]/.test(v.input) || v.input.trim() === '') continue;
    const key = JSON.stringify([v.trust_list, v.roots, v.now]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(v);
  }
  let checked = 0;
  for (const group of groups.values()) {
    const { trust_list: trust, roots, now } = group[0];
    let text = '';
    let line = 0;
    const want = [];
    group.forEach((v, i) => {
      if (i % 3 === 1) { text += '\n'; line++; } // blank lines are skipped, their numbers kept
      text += `${v.input}\n`;
      line++;
      want.push([line, v.expected_status, v.name]);
    });
    const rootArgs = roots.flatMap((_, i) => ['--root', `root${i}.pub`]);
    const input = { 'trust.json': trust, 'texts.txt': text };
    roots.forEach((r, i) => { input[`root${i}.pub`] = `${r}\n`; });
    const r = run(['--trust', 'trust.json', ...rootArgs, '--at', now, '--jobs', '2', 'texts.txt'], input);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const got = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(got.map((g) => [g.line, g.status]), want.map(([l, s]) => [l, s]), group.map((v) => v.name).join(', '));
    assert.equal(r.code, want.every(([, s]) => s === 'valid') ? 0 : 1);
    const summary = JSON.parse(r.stderr.trim().split('\n').pop());
    assert.equal(summary.texts, want.length);
    checked += want.length;
  }
  assert.ok(checked >= 100, `only ${checked} vectors checked`);
});

test('a profile cuts every certificate; an unknown one is refused before any verdict', { skip }, () => {
  const valid = vectors().find((v) => v.expected_status === 'valid' && v.last_seen_sequence === null);
  const input = { 'trust.json': valid.trust_list, 'root.pub': `${valid.roots[0]}\n`, 'texts.txt': `${valid.input}\n${valid.input}` };
  const base = ['--trust', 'trust.json', '--root', 'root.pub', '--at', valid.now];
  const r = run([...base, '--profile', 'transport', 'texts.txt'], input);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.line), [1, 2]);
  for (const l of lines) {
    assert.equal(l.profile, 'transport');
    assert.deepEqual(Object.keys(l.certificate).sort(), ['family_name', 'given_names', 'kind', 'school_year', 'valid_from', 'valid_until']);
  }
  const bad = run([...base, '--profile', 'identity-check', 'texts.txt'], input);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /unknown-profile/);
});
