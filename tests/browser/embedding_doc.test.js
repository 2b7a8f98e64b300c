// docs/EMBEDDING.md and its examples: each block preceded by
// `<!-- file: PATH -->` is that file, byte for byte; every example file is
// in the document; and the examples not run by element.test.js and
// embed.test.js run here: the bare module page in Chromium, the command
// line with the real `cachet`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openPage } from './lib/browser.js';
import { cachetBinary } from './lib/build.js';
import { EXAMPLES, routeExamples } from './lib/examples.js';
import { assertClean, suite } from './lib/harness.js';
import { ROOT } from './lib/paths.js';

const DOC = path.join(ROOT, 'docs', 'EMBEDDING.md');
const TRANSPORT = ['kind', 'family_name', 'given_names', 'school_year', 'valid_from', 'valid_until'];

/** `[{file, lang, text}]`: every fenced block that a `<!-- file: … -->` line names. */
function namedBlocks(markdown) {
  const blocks = [];
  const re = /^<!-- file: (\S+) -->\n```(\w*)\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) blocks.push({ file: m[1], lang: m[2], text: m[3] });
  return blocks;
}

test('each named block of EMBEDDING.md is its file', () => {
  const markdown = fs.readFileSync(DOC, 'utf8');
  const blocks = namedBlocks(markdown);
  const markers = markdown.match(/^<!-- file: /gm) ?? [];
  assert.equal(blocks.length, markers.length, 'a file marker is not followed by a fenced block');
  assert.ok(blocks.length >= 8, `only ${blocks.length} named blocks`);
  for (const { file, text } of blocks) {
    const onDisk = path.join(ROOT, file);
    assert.ok(fs.existsSync(onDisk), `${file} is named in EMBEDDING.md but does not exist`);
    assert.equal(text, fs.readFileSync(onDisk, 'utf8'), `the block for ${file} differs from the file`);
  }
  // Every example is shown (the hostile pages are test material, not examples).
  const shown = new Set(blocks.map((b) => b.file));
  for (const name of fs.readdirSync(EXAMPLES)) {
    if (name.startsWith('hostile-')) continue;
    assert.ok(shown.has(`tests/browser/embed-examples/${name}`), `${name} is not in EMBEDDING.md`);
  }
});

test('the block matcher tells a changed block from its file (the check above can fail)', () => {
  const file = 'tests/browser/embed-examples/portal.js';
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const [block] = namedBlocks(`<!-- file: ${file} -->\n\`\`\`js\n${text.replace('cachet-result', 'cachet-resul')}\`\`\`\n`);
  assert.equal(block.file, file);
  assert.notEqual(block.text, text);
});

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

test('the bare module example verifies in Chromium, under the page CSP', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await routeExamples(context, s.server);
  await page.goto(`${s.server.url}examples/bare.html`);
  await page.locator('#verify:not([disabled])').waitFor({ timeout: 15_000 });
  for (const [name, expected] of [['valid', /^Certificat valide/], ['tampered', /^Certificat falsifié : ne pas s’y fier/]]) {
    await page.locator('#certificate').fill(s.fx.tokens[name].token);
    await page.locator('#verify').click();
    await page.waitForFunction((status) => document.getElementById('verdict').dataset.status === status, s.fx.tokens[name].status);
    assert.match(await page.locator('#verdict').textContent(), expected);
  }
  await page.locator('#certificate').fill(s.fx.tokens.valid.token);
  await page.locator('#verify').click();
  await page.waitForFunction(() => document.getElementById('verdict').dataset.status === 'valid');
  assert.match(await page.locator('#verdict').textContent(), /Léa Martin$/);
  await assertClean(page, problems);
  await context.close();
});

test('the command-line example prints a transport report', () => {
  const bin = path.dirname(cachetBinary({ build: false }));
  const script = fs.readFileSync(path.join(EXAMPLES, 'cli.sh'), 'utf8');
  const dir = s.fx.dir; // holds trust.json and root.key.pub (lib/fixtures.js)
  const r = spawnSync('sh', ['-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CERTIFICATE: s.fx.validUrl, LANG: 'en' },
  });
  assert.equal(r.status, 0, `cli.sh failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const reports = Array.isArray(report) ? report : [report];
  assert.equal(reports.length, 1);
  assert.equal(reports[0].status, 'valid');
  assert.equal(reports[0].profile, 'transport');
  assert.deepEqual(Object.keys(reports[0].certificate).sort(), [...TRANSPORT].sort());
});
