// The verifier's main paths in Firefox ESR and WebKitGTK (lib/engines.js):
// a link, a pasted token, the command's PNG, the issuer's PDF, a reload and
// a new tab with the server gone (service worker), <cachet-verifier> on a
// host page, embed.html framed by a portal of another origin, the
// revocation status documents (a certificate revoked by the day's delta
// reads revoked, another valid), and the camera as far as each engine's
// fake camera goes. Chromium runs all of
// this and more in the other specs.
//
// Each path ends on `#result[data-status]` (in the element's shadow root
// for the element and the frame), and fails on a console error, an
// uncaught exception, a CSP violation seen in the page or reported to the
// server (the counting proxy adds `report-uri`, lib/proxy.js), or a request
// the server refused. For the link, the bytes the engine downloaded before
// the verdict are printed (counted by the proxy; not asserted, but each
// file must have come once), over http and over HTTPS; the HTTPS visit
// checks the verdict, CSP reports and refused requests but not the console
// (its test certificate may make an engine refuse the service worker, and
// say so).
//
// ENGINES=firefox,webkit (the default) chooses the engines. An engine that
// is not installed is skipped with the reason, and fails under CI=true.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtures, ISSUER_URL_BASE } from '../lib/fixtures.js';
import { cachetBinary } from '../lib/build.js';
import { startServer } from '../lib/server.js';
import { startPortal } from '../lib/examples.js';
import { downloadedTwice, failedRequests, startProxy, TEST_TLS } from '../lib/proxy.js';
import { KNOWN_WEBKIT_LOAD_ERRORS, launchEngine, missing, webkitLoadConsole } from '../lib/engines.js';
import { iso, parisToday } from '../../paris.mjs';

const CI = process.env.CI === 'true';
const WANTED = (process.env.ENGINES || 'firefox,webkit').split(',').filter(Boolean);
const IN_ELEMENT = ['cachet-verifier', '#result'];

/** Why the camera path cannot reach a verdict in `engine` (shown as the skip's reason). */
const NO_QR_CAMERA = {
  firefox:
    'Firefox ESR\'s only fake camera (media.navigator.streams.fake) draws a synthetic picture; no pref feeds it a video file, ' +
    'and a real-QR camera would need a v4l2loopback kernel device: the QR code cannot be shown to it',
  chromium: 'Chromium reads the QR code from a video file in camera.test.js, element.test.js and embed.test.js',
  webkit:
    'WebKitGTK\'s mock capture devices (--enable-mock-capture-devices) draw a synthetic picture; nothing feeds them a video file: ' +
    'the QR code cannot be shown to it',
};

/** A server and its counting proxy: the page as an engine loads it. */
async function site(fx, args = []) {
  const server = await startServer({ trust: fx.trust.good, root: fx.root, args });
  const proxy = await startProxy(server.url);
  return {
    server,
    proxy,
    url: proxy.url,
    origin: proxy.origin,
    stop: async () => {
      await proxy.stop();
      await server.stop();
    },
  };
}

/** Nothing went wrong in `pages` nor on the server's side since `mark`. */
async function assertClean(pages, s, mark = 0) {
  for (const page of pages) {
    const p = await page.problems();
    assert.deepEqual(p.csp, [], `${page.engine}: CSP violations in the page`);
    assert.deepEqual(p.pageErrors, [], `${page.engine}: uncaught exceptions or failed loads`);
    assert.deepEqual(p.console, [], `${page.engine}: console errors`);
  }
  assert.deepEqual(s.proxy.reports, [], 'CSP violation reports sent to the server');
  assert.deepEqual(failedRequests(s.proxy.since(mark)), [], 'requests the server refused');
}

/**
 * The responses `proxy` (in front of `server`) logged from `mark` to the
 * link's first verdict, and
 * a line that says their bytes: up to the verdict as the page saw it (the
 * recorder's MutationObserver, else the page's own `cachet:verdict` mark),
 * else as the test's polling saw it at `seenAt` (an upper bound).
 */
async function bytesBefore(page, proxy, server, mark, seenAt) {
  const verdict = await page.verdictTime(seenAt);
  const before = proxy.since(mark, verdict.at);
  const bytes = before.reduce((n, e) => n + e.bytes, 0);
  const when = verdict.exact ? 'before the first verdict' : 'before the test saw the first verdict (polling every 50 ms: an upper bound)';
  const sent = server.kind === 'nginx' ? 'as nginx sends them (the .br where the engine accepts Brotli, else the .gz where it accepts gzip)' : 'uncompressed as xtask serve sends them';
  const files = before.map((e) => `${e.path.split('?')[0]} ${e.bytes}`).join(', ');
  return { before, line: `${bytes} bytes in ${before.length} responses ${when} of a link visit, ${sent} (${files})` };
}

async function expectVerdict(page, expected, steps) {
  const { status, seenAt } = await page.waitForVerdict(steps);
  if (status !== expected && !steps) {
    // What the page showed, to tell an engine's failure from the page's own "could not verify".
    const shown = await page.eval(() => `${document.querySelector('#result')?.textContent} | ${document.querySelector('#trust-info')?.textContent}`).catch((e) => String(e));
    assert.equal(status, expected, `${page.engine}: the page says ${status}, expected ${expected}: ${shown}`);
  }
  assert.equal(status, expected, `${page.engine}: the page says ${status}, expected ${expected}`);
  return seenAt;
}

/**
 * The status documents' fixtures (as status.test.js makes them, with the
 * real command): a root, an académie key whose certificates carry a status
 * index, the online status key; certificates A and B; the root's list
 * revokes neither. Day 0, a full document; day 1, A revoked and published
 * (`trust status publish`: the delta, a full document and each key's part).
 */
function statusFixtures(dir) {
  const cachet = cachetBinary({ build: false });
  const sh = (...args) => {
    const r = spawnSync(cachet, ['--lang', 'en', ...args], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `cachet ${args.join(' ')}: ${r.stderr}`);
    return { out: r.stdout.trim(), err: r.stderr };
  };
  for (const key of ['root', 'paris', 'status']) sh('keygen', '--out', `${key}.key`);
  const today = parisToday();
  const year = today.month >= 9 ? today.year : today.year - 1;
  sh('trust', 'add', '--list', 'list.json', '--key', 'paris.key.pub', '--name', 'Académie de Paris', '--from', iso(year - 1, 1, 1), '--until', iso(year + 1, 8, 31), '--status-capacity', '1000');
  sh('trust', 'status-key', '--list', 'list.json', '--key', 'status.key.pub');
  sh('trust', 'sign', '--list', 'list.json', '--root', 'root.key', '--out', 'trust.json', '--valid-days', '30');
  const tokens = {};
  const indices = {};
  let keyId;
  for (const [name, serial] of [['A', 'SE-A'], ['B', 'SE-B']]) {
    const cert = {
      family_name: 'Martin', given_names: `Élève ${name}`, birth_date: '2009-04-12', school_uai: '0750654D',
      school_name: 'Lycée Louis-le-Grand', school_town: 'Paris', academie: 'Paris', level: '2de', regime: 'externe',
      school_year: `${year}-${year + 1}`, issued_on: iso(today.year, today.month, today.day), serial,
    };
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(cert));
    const { out, err } = sh('issue', '--key', 'paris.key', '--input', `${name}.json`, '--status-capacity', '1000');
    const m = /([0-9a-f]{16}):(\d+)/.exec(err);
    assert.ok(m, `cachet issue told no status index: ${err}`);
    tokens[name] = out;
    indices[name] = m[2];
    keyId = m[1];
  }
  const publish = () => sh('trust', 'status', 'publish', '--list', 'list.json', '--key', 'status.key', '--dir', 'status');
  publish();
  sh('trust', 'revoke', '--list', 'list.json', '--key-id', keyId, '--index', indices.A);
  publish();
  return {
    tokens,
    server: { trust: path.join(dir, 'trust.json'), root: path.join(dir, 'root.key.pub'), args: ['--status', path.join(dir, 'status')] },
  };
}

let fx;
let pdf;
let pdfDir;
let statusFx;
before(async () => {
  fx = await fixtures();
  // The valid certificate as the issuer's PDF (`cachet issue --pdf`: the same key and fields, the same token).
  pdfDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-engines-'));
  pdf = path.join(pdfDir, 'cert.pdf');
  const r = spawnSync(
    cachetBinary({ build: false }),
    ['issue', '--key', 'paris.key', '--input', path.join('inputs', 'valid.json'), '--url', ISSUER_URL_BASE, '--pdf', pdf],
    { cwd: fx.dir, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  fs.mkdirSync(path.join(pdfDir, 'status-fixtures'));
  statusFx = statusFixtures(path.join(pdfDir, 'status-fixtures'));
});
after(() => {
  if (pdfDir) fs.rmSync(pdfDir, { recursive: true, force: true });
});

for (const name of WANTED) {
  const absent = missing(name);
  if (absent) {
    if (CI) test(`${name} is installed`, () => assert.fail(`${name}: ${absent}; under CI=true no engine may be skipped`));
    else test(name, { skip: absent }, () => {});
    continue;
  }
  describe(name, () => {
    let engine;
    let s;
    before(async () => {
      s = await site(fx);
      // Any certificate accepted: the HTTPS proxy's is lib/tls/'s (the bytes' test).
      engine = await launchEngine(name, { insecure: true });
    });
    after(async () => {
      await engine?.close();
      await s?.stop();
    });

    test('a certificate\'s link verifies on load; the bytes before the verdict', async (t) => {
      const page = await engine.newPage();
      try {
        const mark = Date.now();
        const link = `${s.url}#${fx.tokens.valid.token}`;
        await page.goto(link);
        const seenAt = await expectVerdict(page, 'valid');
        assert.equal(await page.eval(() => location.hash), '', 'the token stays in the address bar');
        const { before, line } = await bytesBefore(page, s.proxy, s.server, mark, seenAt);
        t.diagnostic(`${name} (${engine.version}): ${line}`);
        assert.deepEqual(downloadedTwice(before), [], 'a file downloaded twice before the verdict');
        await page.watchLoad(link, s.proxy);
        await assertClean([page], s, mark);
      } finally {
        await page.close();
      }
    });

    test('over HTTPS, as a real host serves it: the bytes before the verdict', async (t) => {
      // The same server behind a proxy over HTTPS (lib/tls/'s test certificate): WebKit asks for Brotli only over
      // HTTPS, as Safari does, so this is what an iPhone downloads. Only the verdict and the bytes are checked here:
      // with a certificate the engine was told to accept, some engines refuse the service worker and say so.
      const secure = await startProxy(s.server.url, { tls: TEST_TLS });
      let page;
      try {
        page = await engine.newPage();
        const mark = Date.now();
        await page.goto(`${secure.url}#${fx.tokens.valid.token}`);
        const seenAt = await expectVerdict(page, 'valid');
        const { before, line } = await bytesBefore(page, secure, s.server, mark, seenAt);
        t.diagnostic(`${name} (${engine.version}) over HTTPS: ${line}`);
        assert.deepEqual(downloadedTwice(before), [], 'a file downloaded twice before the verdict');
        assert.deepEqual(secure.reports, [], 'CSP violation reports sent to the server');
        assert.deepEqual(failedRequests(before), [], 'requests the server refused');
      } finally {
        await page?.close().catch(() => {});
        await secure.stop();
      }
    });

    test('a pasted token, then another: each verdict', async () => {
      const page = await engine.newPage();
      try {
        const mark = Date.now();
        await page.goto(s.url, { watch: s.proxy });
        await page.type('#paste-input', fx.tokens.tampered.token);
        await page.click('#paste-verify');
        await expectVerdict(page, 'invalid-signature');
        await page.eval(() => {
          document.querySelector('#paste-input').value = '';
        });
        await page.type('#paste-input', fx.tokens['revoked-key'].token);
        await page.click('#paste-verify');
        await page.waitFor(() => document.querySelector('#result')?.getAttribute('data-status') !== 'invalid-signature', [], { what: 'a second verdict' });
        await expectVerdict(page, 'revoked');
        await assertClean([page], s, mark);
      } finally {
        await page.close();
      }
    });

    test('the command\'s PNG chosen with the file input', async () => {
      const page = await engine.newPage();
      try {
        const mark = Date.now();
        await page.goto(s.url, { watch: s.proxy });
        await page.setFiles('#image-input', fx.images.valid);
        await expectVerdict(page, 'valid');
        await assertClean([page], s, mark);
      } finally {
        await page.close();
      }
    });

    test('the issuer\'s PDF chosen with the file input', async () => {
      const page = await engine.newPage();
      try {
        const mark = Date.now();
        await page.goto(s.url, { watch: s.proxy });
        await page.setFiles('#image-input', pdf);
        await expectVerdict(page, 'valid');
        await assertClean([page], s, mark);
      } finally {
        await page.close();
      }
    });

    test('<cachet-verifier> on a host page of the verifier\'s origin (embed-examples/element.html)', async () => {
      const page = await engine.newPage();
      try {
        const mark = Date.now();
        await page.goto(`${s.url}examples/element.html`, { watch: s.proxy });
        await page.type(['cachet-verifier', '#paste-input'], fx.tokens.valid.token);
        await page.click(['cachet-verifier', '#paste-verify']);
        await expectVerdict(page, 'valid', IN_ELEMENT);
        assert.equal(await page.eval(() => document.querySelector('cachet-verifier').getAttribute('data-status')), 'valid');
        await page.setFiles(['cachet-verifier', '#image-input'], fx.images.tampered);
        await page.waitFor(() => document.querySelector('cachet-verifier').getAttribute('data-status') === 'invalid-signature', [], {
          what: 'the tampered image\'s verdict on the element',
        });
        await expectVerdict(page, 'invalid-signature', IN_ELEMENT);
        await assertClean([page], s, mark);
      } finally {
        await page.close();
      }
    });

    test('embed.html framed by a portal of another origin: the verdict in the frame, the result to the portal', async () => {
      let verifier;
      const origins = () => ({ verifier: verifier.origin, portal: portal.origin });
      const portal = await startPortal({
        origins,
        headers: () => ({
          'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src ${verifier.origin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
          'permissions-policy': `camera=(self "${verifier.origin}")`,
          'referrer-policy': 'no-referrer',
        }),
      });
      verifier = await site(fx, ['--embed-parent', portal.origin]);
      const page = await engine.newPage();
      try {
        await page.goto(portal.url('iframe.html'), { watch: verifier.proxy });
        await page.waitFor(() => document.getElementById('portal-answer')?.textContent.startsWith('Vérificateur prêt'), [], { what: 'cachet:ready at the portal' });
        const frame = await page.frame('#cachet', `${verifier.origin}/embed.html`);
        await frame.type(['cachet-verifier', '#paste-input'], fx.tokens.valid.token);
        await frame.click(['cachet-verifier', '#paste-verify']);
        await expectVerdict(frame, 'valid', IN_ELEMENT);
        const answer = await page.waitFor(() => {
          const text = document.getElementById('portal-answer').textContent;
          return text.startsWith('Tarif') ? text : '';
        }, [], { what: 'cachet:result at the portal' });
        assert.equal(answer, `Tarif scolaire accordé à Léa Martin (${fx.schoolYear}).`);
        await assertClean([page, frame], verifier);
      } finally {
        await page.close();
        await verifier.stop();
        await portal.stop();
      }
    });

    test('after one visit, with the server gone: a reload and a new tab still verify (service worker)', async () => {
      // Offline is the server stopped (and its proxy): neither driver can switch these engines offline.
      const own = await site(fx);
      const page = await engine.newPage();
      let stopped = false;
      try {
        await page.goto(`${own.url}#${fx.tokens.valid.token}`, { watch: own.proxy });
        await expectVerdict(page, 'valid');
        await page.waitFor(() => navigator.serviceWorker.ready.then(() => true), [], { what: 'the service worker ready' });
        for (let i = 0; i < 3 && !(await page.eval(() => !!navigator.serviceWorker.controller)); i++) await page.reload();
        assert.equal(await page.eval(() => !!navigator.serviceWorker.controller), true, 'no service worker controls the page');
        await assertClean([page], own);

        await own.stop();
        stopped = true;
        await page.reload();
        await page.type('#paste-input', fx.tokens['revoked-key'].token);
        await page.click('#paste-verify');
        await expectVerdict(page, 'revoked');

        const tab = await page.newTab();
        // (Not loaded again in a plain MiniBrowser: only this session's service worker can answer.)
        await tab.goto(`${own.url}#${fx.tokens.valid.token}`);
        await expectVerdict(tab, 'valid');
        for (const p of [page, tab]) {
          const problems = await p.problems();
          assert.deepEqual(problems, { console: [], pageErrors: [], csp: [] }, `${name}: problems offline`);
        }
      } finally {
        await page.close();
        if (!stopped) await own.stop();
      }
    });

    test('status documents: a certificate revoked by the day\'s delta reads revoked, another valid', async () => {
      // A site of its own, whose config.json names the status folder `cachet trust status publish` wrote.
      const server = await startServer(statusFx.server);
      const proxy = await startProxy(server.url);
      const own = { server, proxy };
      const page = await engine.newPage();
      try {
        const mark = Date.now();
        // A first visit: the key's part of the status before the verdict, as in Chromium (status.test.js).
        await page.goto(`${proxy.url}#${statusFx.tokens.A}`, { watch: proxy });
        await expectVerdict(page, 'revoked');
        const fetched = proxy.since(mark).map((e) => e.path.split('?')[0]);
        assert.ok(fetched.some((p) => /\/status\/index\.json$/.test(p)), `${name}: the status index was never fetched: ${fetched}`);
        await page.eval(() => {
          document.querySelector('#paste-input').value = '';
        });
        await page.type('#paste-input', statusFx.tokens.B);
        await page.click('#paste-verify');
        await page.waitFor(() => document.querySelector('#result')?.getAttribute('data-status') !== 'revoked', [], { what: 'the second certificate\'s verdict' });
        await expectVerdict(page, 'valid');
        await assertClean([page], own, mark);
      } finally {
        await page.close();
        await proxy.stop();
        await server.stop();
      }
    });

    test('the camera opens with the engine\'s fake camera; its synthetic picture gives no verdict and no error', async () => {
      const cameraEngine = await launchEngine(name, { camera: true });
      const page = await cameraEngine.newPage();
      try {
        const mark = Date.now();
        await page.goto(s.url, { watch: s.proxy });
        await page.click('#camera-start');
        await page.waitFor(
          () => {
            const v = document.querySelector('#camera-video');
            return v && v.readyState >= 2 && v.videoWidth > 0 && v.currentTime > 1;
          },
          [],
          { what: 'a second of the fake camera\'s video playing' },
        );
        assert.equal(await page.status(), '', 'a verdict from a picture without a QR code');
        assert.equal(await page.eval(() => document.querySelector('#camera-panel').hidden), false);
        await assertClean([page], s, mark);
      } finally {
        await page.close();
        await cameraEngine.close();
      }
    });

    test('the camera reads a QR code to a verdict', { skip: NO_QR_CAMERA[name] }, () => {});

    if (name === 'webkit') {
      // Known console errors are left out of the tests above (lib/engines.js); this one holds each of them.
      for (const known of KNOWN_WEBKIT_LOAD_ERRORS) {
        test(`no known console error while the page loads: ${known.line}`, { todo: known.why }, async () => {
          const lines = await webkitLoadConsole(`${s.url}#${fx.tokens.valid.token}`, s.proxy);
          assert.deepEqual(lines.filter((l) => l.endsWith(known.line)), [], known.why);
        });
      }
    }
  });
}
