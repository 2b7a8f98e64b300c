// The package's declarations against what it really hands out, and its
// words against the verifier page's.
//
// index.d.ts is parsed (TypeScript is not a tool of these tests): the names
// it declares as values (`export class|function|const`), the members of
// `interface Cachet` (what `load()` resolves to), compared with the real
// module's exports and the real object `loadSync()` returns; every export of
// the wasm glue (pkg/cachet.js: the core's functions) must be handed out,
// and the wrapper `Verifier` must have every member of the core's (the
// class and interface `Verifier` of pkg/cachet.d.ts, and the real
// prototype). element.d.ts is compared with the element module's `export`s.
//
// statusText's words are the page's (www/i18n.js, imported here, `verdict`),
// in three kinds: valid; genuine but not valid now; refused. The README's
// French quotations of a verdict are the page's too.
//
//   node --test packaging/npm/   (after cargo xtask build, for pkg/)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const pkg = process.env.CACHET_PKG ? path.resolve(process.env.CACHET_PKG) : path.join(root, 'pkg');
const built = ['cachet.js', 'cachet.d.ts', 'cachet_bg.wasm'].every((f) => fs.existsSync(path.join(pkg, f)));
// Skipped by hand without pkg/; under CI=true a missing pkg/ is a failure.
const skip = !built && process.env.CI !== 'true' && 'pkg/ is not built (cargo xtask build)';

/** The entry point and the glue, staged as `cargo xtask package` lays them out, in a folder of their own. */
async function stage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-types-'));
  fs.mkdirSync(path.join(dir, 'pkg'));
  fs.copyFileSync(path.join(here, 'index.js'), path.join(dir, 'index.js'));
  for (const f of ['cachet.js', 'cachet_bg.wasm']) fs.copyFileSync(path.join(pkg, f), path.join(dir, 'pkg', f));
  const entry = await import(pathToFileURL(path.join(dir, 'index.js')).href);
  const glue = await import(pathToFileURL(path.join(dir, 'pkg', 'cachet.js')).href);
  const api = entry.loadSync({ wasm: fs.readFileSync(path.join(dir, 'pkg', 'cachet_bg.wasm')) });
  return { entry, glue, api, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The text of a .d.ts without its comments. */
function declarations(file) {
  return fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/** The names declared as values at the top level: `export class|function|const|let|var NAME`. */
function valueNames(text) {
  return [...text.matchAll(/^export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:class|function|const|let|var)\s+(\w+)/gm)].map((m) => m[1]);
}

/** The body of `export interface|class NAME … { … }` (every one of that name, joined), braces balanced. */
function bodies(text, kind, name) {
  const out = [];
  const head = new RegExp(`^export\\s+(?:declare\\s+)?${kind}\\s+${name}\\b[^{]*\\{`, 'gm');
  for (const m of text.matchAll(head)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i += 1) {
      if (text[i] === '{') depth += 1;
      if (text[i] === '}') depth -= 1;
    }
    out.push(text.slice(start, i - 1));
  }
  return out.join('\n');
}

/** The members of a body, at its own level: `readonly name:`, `name:`, `name(`, `name<…>(`, `get name(`. */
function members(body) {
  // Only the body's own level: nested braces (object types) are dropped first.
  let flat = body;
  for (let before = ''; before !== flat; ) {
    before = flat;
    flat = flat.replace(/\{[^{}]*\}/g, '');
  }
  const names = [...flat.matchAll(/^\s*(?:readonly\s+|get\s+)?(\w+)\s*(?:\?\s*)?(?:<[^>\n]*>)?\s*[:(]/gm)].map((m) => m[1]);
  return [...new Set(names)].filter((n) => n !== 'constructor');
}

const sorted = (names) => [...new Set(names)].sort();

test('index.d.ts declares every value the entry point exports, and no other', { skip }, async () => {
  const { entry, cleanup } = await stage();
  try {
    const declared = valueNames(declarations(path.join(here, 'index.d.ts')));
    assert.ok(declared.length >= 3, `no value declared? ${declared}`);
    assert.deepEqual(sorted(declared), sorted(Object.keys(entry)));
  } finally {
    cleanup();
  }
});

test('interface Cachet declares every member load() hands out, and every core function is handed out', { skip }, async () => {
  const { glue, api, cleanup } = await stage();
  try {
    const cachet = members(bodies(declarations(path.join(here, 'index.d.ts')), 'interface', 'Cachet'));
    assert.ok(cachet.includes('openVerifier'), `interface Cachet not read: ${cachet}`);
    assert.deepEqual(sorted(cachet), sorted(Object.keys(api)));
    // Every export of the wasm (its glue's, but the loaders) reaches the package's users.
    const core = Object.keys(glue).filter((n) => n !== 'default' && n !== 'initSync');
    const missing = core.filter((n) => !(n in api));
    assert.deepEqual(missing, [], `exports of the wasm the package does not hand out: ${missing}`);
    for (const name of Object.keys(api)) assert.equal(typeof api[name], 'function', name);
    // And the glue's declarations say the same as the glue.
    const glueDeclared = valueNames(declarations(path.join(pkg, 'cachet.d.ts'))).filter((n) => n !== '__wbg_init' && n !== 'initSync');
    assert.deepEqual(sorted(glueDeclared), sorted(core));
  } finally {
    cleanup();
  }
});

test("the package's Verifier has every member of the core's, and no other", { skip }, async () => {
  const { glue, api, cleanup } = await stage();
  try {
    const text = declarations(path.join(pkg, 'cachet.d.ts'));
    const declared = sorted([...members(bodies(text, 'class', 'Verifier')), ...members(bodies(text, 'interface', 'Verifier'))]);
    assert.ok(declared.includes('verify') && declared.includes('applyStatus'), `Verifier not read: ${declared}`);
    const own = (proto) => Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && !n.startsWith('__'));
    assert.deepEqual(sorted(own(glue.Verifier.prototype)), declared, "the core's declarations and its prototype");
    assert.deepEqual(sorted(own(api.Verifier.prototype)), declared, "the package's Verifier and the core's");
    assert.equal(typeof api.Verifier.prototype[Symbol.dispose] === 'function', typeof Symbol.dispose === 'symbol');
  } finally {
    cleanup();
  }
});

test('element.d.ts declares every value the element module exports', () => {
  const declared = valueNames(declarations(path.join(here, 'element.d.ts')));
  const source = fs.readFileSync(path.join(root, 'www', 'element', 'cachet-verifier.js'), 'utf8');
  const exported = [
    ...[...source.matchAll(/^export\s+(?:class|function|const|let|var)\s+(\w+)/gm)].map((m) => m[1]),
    ...[...source.matchAll(/^export\s*\{([^}]*)\}/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim().split(/\s+as\s+/).pop())),
  ].filter(Boolean);
  assert.ok(exported.includes('CachetVerifier'), `the element's exports not read: ${exported}`);
  assert.deepEqual(sorted(declared), sorted(exported));
});

/** The page's verdict words: `{ fr: { status: [title, reason, next] }, en: … }`. */
async function pageWords() {
  const i18n = await import(pathToFileURL(path.join(root, 'www', 'i18n.js')).href);
  i18n.addEnglish((await import(pathToFileURL(path.join(root, 'www', 'i18n-en.js')).href)).EN); // fetched on demand by the page
  return { fr: i18n.inLang('fr', () => i18n.t('verdict')), en: i18n.inLang('en', () => i18n.t('verdict')) };
}

test("statusText gives the page's words, in three kinds", { skip }, async () => {
  const { api, cleanup } = await stage();
  try {
    const page = await pageWords();
    const statuses = api.statuses();
    assert.deepEqual(sorted(Object.keys(page.fr)), sorted(statuses), 'the page words every status');
    for (const lang of ['fr', 'en']) {
      for (const status of statuses) {
        const [title, reason, next] = page[lang][status];
        const words = api.statusText(status, lang);
        assert.equal(words.kind, api.kindOf(status));
        assert.deepEqual({ title: words.title, reason: words.reason }, { title, reason }, `${lang} ${status}`);
        // The next step: the page's, with the date of a not-yet-valid certificate when given, its sentence left out without.
        assert.equal(api.statusText(status, lang, '1er septembre 2026').next, next.replace('{from}', '1er septembre 2026'), `${lang} ${status}`);
        assert.equal(words.next, next.replace(/^[^.]*\{from\}\.\s*/, ''), `${lang} ${status}`);
        assert.ok(!words.next.includes('{'), words.next);
      }
    }
    // The three kinds, and what each says.
    const kinds = Object.fromEntries(statuses.map((s) => [s, api.kindOf(s)]));
    assert.deepEqual(
      Object.entries(kinds).filter(([, k]) => k !== 'refused'),
      [['not-yet-valid', 'not-valid-now'], ['expired', 'not-valid-now'], ['valid', 'valid']].sort((a, b) => statuses.indexOf(a[0]) - statuses.indexOf(b[0])),
    );
    const fr = (s) => api.statusText(s, 'fr');
    assert.equal(fr('expired').title, 'Authentique mais plus valable');
    assert.match(fr('expired').next, /^Demandez le certificat de cette année/);
    for (const s of ['expired', 'not-yet-valid']) {
      assert.doesNotMatch(Object.values(fr(s)).join(' '), /fier|falsifi|faux/, `${s} is never worded as a forgery`);
      assert.match(fr(s).title, /^Authentique mais/);
      assert.match(api.statusText(s, 'en').title, /^Genuine but/);
    }
    for (const s of ['invalid-signature', 'unknown-issuer', 'issuer-key-not-valid', 'revoked', 'malformed', 'unsupported-version']) {
      assert.equal(kinds[s], 'refused');
      assert.match(fr(s).title, /: ne pas s’y fier$/, s);
      assert.match(api.statusText(s, 'en').title, /: do not rely on it$/, s);
    }
    // Any language but English is French; an unknown status reads as malformed; nothing throws.
    assert.deepEqual(api.statusText('revoked', 'en-GB'), api.statusText('revoked', 'en'));
    assert.deepEqual(api.statusText('revoked', undefined), fr('revoked'));
    assert.deepEqual(api.statusText('no-such-status', 'fr'), fr('malformed'));
    assert.deepEqual(api.statusText({}, null), fr('malformed'));
  } finally {
    cleanup();
  }
});

test("the README's verdict words are the page's, and it shows the three kinds", async () => {
  const readme = fs.readFileSync(path.join(here, 'README.md'), 'utf8');
  const page = await pageWords();
  const sentences = new Set(
    ['fr', 'en'].flatMap((lang) => Object.values(page[lang]).flatMap((row) => row.flatMap((s) => [s, s.replace(/^[^.]*\{from\}\.\s*/, '')]))),
  );
  const quoted = [...readme.matchAll(/«\s*([^»]+?)\s*»/g)].map((m) => m[1].replace(/\s+/g, ' '));
  assert.ok(quoted.length >= 3, `no verdict quoted in the README: ${quoted}`);
  for (const q of quoted) assert.ok(sentences.has(q), `the README quotes « ${q} », which the page does not say`);
  for (const kind of ['valid', 'not-valid-now', 'refused']) assert.ok(readme.includes(`\`${kind}\``), `the README does not name the kind ${kind}`);
  // The example shows what to do next, not a headline alone.
  assert.match(readme, /\{[^}]*\bkind\b[^}]*\bnext\b[^}]*\}\s*=\s*statusText\(|statusText\([^)]*\)\.next\b/);
});
