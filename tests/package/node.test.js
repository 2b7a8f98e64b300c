// The package in Node, as a back-office uses it: installed from the
// tarball, imported by name, the wasm read from the exported subpath, and
// the same verdicts as the `cachet` command; its exports map and types.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { INSTALLED, PACKAGE_TESTS, WORK } from './lib/paths.js';
import { thisRun } from './lib/run.js';

const { fixtures } = thisRun();

function node(args, input) {
  const r = spawnSync(process.execPath, args, { cwd: WORK, input, encoding: 'utf8' });
  assert.equal(r.status, 0, `node ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

test('a Node script verifies certificate texts with the package, one JSON line each, in order', () => {
  const { valid, tampered } = fixtures.tokens;
  const out = node(['node/verify.js', fixtures.trust, fixtures.root], `${valid}\n${tampered}\nhttps://verifier.example/#${valid}\n`);
  const results = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(results.map((r) => r.status), ['valid', 'invalid-signature', 'valid']);
  const c = fixtures.certificate;
  for (const key of ['family_name', 'given_names', 'birth_date', 'school_uai', 'school_year', 'serial']) {
    assert.equal(results[0].certificate[key], c[key], key);
  }
  assert.equal(results[0].issuer.name, 'Académie de Paris');
  assert.equal(results[1].certificate, undefined, 'no fields when the signature fails');
  assert.equal(results[1].checks.find((k) => k.check === 'signature').outcome, 'fail');
});

test('load() in Node with the wasm bytes, and a purpose profile', () => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { load } from '@cachet/verifier';
    const wasm = readFileSync(new URL(import.meta.resolve('@cachet/verifier/cachet_bg.wasm')));
    const [a, b] = await Promise.all([load({ wasm }), load({ wasm })]);
    const v = new a.Verifier(readFileSync(process.argv[1], 'utf8'), [readFileSync(process.argv[2], 'utf8')], undefined);
    const r = v.verify(process.argv[3], Date.now(), 'transport');
    console.log(JSON.stringify({ same: a === b, r, profiles: a.profiles().map((p) => p.name), title: a.statusText(r.status, 'fr').title }));`;
  const out = JSON.parse(node(['--input-type=module', '-e', script, fixtures.trust, fixtures.root, fixtures.tokens.valid]));
  assert.equal(out.same, true, 'load() twice shares one instance');
  assert.equal(out.r.status, 'valid');
  assert.equal(out.r.profile, 'transport');
  assert.equal(out.r.certificate.family_name, fixtures.certificate.family_name);
  assert.equal(out.r.certificate.birth_date, undefined, 'transport carries no birth date');
  assert.equal(out.r.certificate.serial, undefined, 'transport carries no serial');
  assert.ok(out.profiles.includes('full') && out.profiles.includes('transport'), out.profiles.join(', '));
  assert.equal(typeof out.title, 'string');
  assert.notEqual(out.title, '');
});

test('the exports map: the API, the element, the wasm and package.json; nothing else', () => {
  const script = `
    const out = {};
    for (const s of ['@cachet/verifier', '@cachet/verifier/element', '@cachet/verifier/cachet_bg.wasm',
                     '@cachet/verifier/package.json', '@cachet/verifier/pkg/cachet.js', '@cachet/verifier/verifier.js']) {
      try { out[s] = import.meta.resolve(s); } catch (e) { out[s] = e.code; }
    }
    console.log(JSON.stringify(out));`;
  const out = JSON.parse(node(['--input-type=module', '-e', script]));
  const file = (rel) => 'file://' + path.join(fs.realpathSync(INSTALLED), rel);
  assert.equal(out['@cachet/verifier'], file('index.js'));
  assert.equal(out['@cachet/verifier/element'], file('element/cachet-verifier.js'));
  assert.equal(out['@cachet/verifier/cachet_bg.wasm'], file('pkg/cachet_bg.wasm'));
  assert.equal(out['@cachet/verifier/package.json'], file('package.json'));
  assert.equal(out['@cachet/verifier/pkg/cachet.js'], 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  assert.equal(out['@cachet/verifier/verifier.js'], 'ERR_PACKAGE_PATH_NOT_EXPORTED');
});

test('the manifest: an ES module with the crate’s version, no dependencies, the wasm once', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(INSTALLED, 'package.json'), 'utf8'));
  const cargo = fs.readFileSync(path.join(PACKAGE_TESTS, '..', '..', 'Cargo.toml'), 'utf8');
  const version = /\[package\][^[]*?\nversion = "([^"]+)"/.exec(cargo)[1];
  assert.equal(manifest.name, '@cachet/verifier');
  assert.equal(manifest.version, version);
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.main, undefined);
  assert.equal(manifest.dependencies, undefined);
  assert.deepEqual(Object.keys(manifest.exports['.']), ['types', 'default'], 'types first');
  assert.deepEqual(Object.keys(manifest.exports['./element']), ['types', 'default'], 'types first');
  const wasm = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.wasm')) wasm.push(path.relative(INSTALLED, path.join(dir, e.name)));
    }
  };
  walk(INSTALLED);
  assert.deepEqual(wasm, ['pkg/cachet_bg.wasm']);
});

test('the types are precise under tsc --strict (bundler and nodenext resolution)', () => {
  const tsc = path.join(PACKAGE_TESTS, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const flags of [[], ['--module', 'nodenext', '--moduleResolution', 'nodenext']]) {
    const r = spawnSync(process.execPath, [tsc, '-p', 'types/tsconfig.json', ...flags], { cwd: WORK, encoding: 'utf8' });
    assert.equal(r.status, 0, `tsc ${flags.join(' ')}:\n${r.stdout}${r.stderr}`);
  }
});
