// One clerk's session through every way in but the camera (link, a second
// link, paste, image): every request is recorded, none carries a
// certificate or any 20-character piece of one, none leaves the server's
// origin. And the page's defences are in force as the browser sees them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cspViolations, openPage, recordRequests } from './lib/browser.js';
import { assertClean, assertNoLeak, expectVerdict, suite } from './lib/harness.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

async function again(page) {
  await page.locator('#again').click();
  await page.waitForFunction(() => !document.querySelector('#result').getAttribute('data-status'));
}

test('no request carries a certificate, none goes to another host', async () => {
  const { context, page, problems } = await openPage(s.browser);
  const requests = recordRequests(context);
  const t = s.fx.tokens;

  await page.goto(s.link(t.valid.token));
  await expectVerdict(page, problems, 'valid');
  await again(page);
  await page.evaluate((token) => {
    location.hash = token;
  }, t.expired.token);
  await expectVerdict(page, problems, 'expired');
  await again(page);
  await page.locator('#paste-input').fill(t.hostile.token);
  await page.locator('#paste-verify').click();
  await expectVerdict(page, problems, 'valid');
  await again(page);
  await page.locator('#paste-input').fill(s.fx.validUrl);
  await page.locator('#paste-verify').click();
  await expectVerdict(page, problems, 'valid');
  await again(page);
  await page.locator('#image-input').setInputFiles(s.fx.images.tampered);
  await expectVerdict(page, problems, 'invalid-signature', { timeout: 30_000 });
  // A reload, as a clerk would between two people.
  await page.reload();
  await page.locator('#paste-input').waitFor();

  await assertClean(page, problems);
  const urls = requests.map((r) => new URL(r.url).pathname);
  assert.ok(urls.includes('/trust-list.json'), `the trust list was never fetched: ${urls}`);
  assertNoLeak(requests, s.server.origin, [t.valid.token, t.expired.token, t.hostile.token, t.tampered.token]);
  // Nothing about the certificates is kept on the device.
  const stored = await page.evaluate(async () => {
    const local = Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`);
    const session = Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`);
    return [...local, ...session, document.cookie].join('\n');
  });
  for (const token of [t.valid.token, t.hostile.token]) assert.ok(!stored.includes(token.slice(4, 24)), stored);
  for (const name of ['Martin', 'Wolfeschlegel']) assert.ok(!stored.includes(name), `stored: ${stored}`);
  await context.close();
});

test('the served page enforces its CSP and Trusted Types', async () => {
  const { context, page } = await openPage(s.browser);
  const response = await page.goto(s.server.url);
  const headers = response.headers();
  const csp = headers['content-security-policy'] ?? '';
  for (const directive of ["default-src 'self'", "object-src 'none'", "frame-src 'none'", "require-trusted-types-for 'script'", "frame-ancestors 'none'", "connect-src 'self'"]) {
    assert.ok(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
  }
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  await page.locator('#paste-input').waitFor();

  // What an injection would try, refused by the browser.
  const attempts = await page.evaluate(() => {
    const outcome = (f) => {
      try {
        f();
        return 'allowed';
      } catch (e) {
        return e.name;
      }
    };
    const inline = document.createElement('script');
    return {
      innerHTML: outcome(() => {
        document.createElement('div').innerHTML = '<img src=x onerror=alert(1)>';
      }),
      scriptText: outcome(() => {
        inline.textContent = 'window.__ran = true';
        document.body.append(inline);
      }),
      ran: window.__ran === true,
    };
  });
  assert.deepEqual(attempts, { innerHTML: 'TypeError', scriptText: 'TypeError', ran: false });
  assert.ok((await cspViolations(page)).length >= 2, 'the refusals were not reported as violations');
  await context.close();
});

test('the policy lets the web app manifest load (no manifest-src, which WebKit does not know)', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.server.url);
  await page.locator('#paste-input').waitFor();
  // Headless Chromium fetches the manifest only when asked.
  const cdp = await context.newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  assert.deepEqual(manifest.errors, [], JSON.stringify(manifest.errors));
  assert.ok(manifest.url.endsWith('/manifest.webmanifest'), manifest.url);
  assert.ok(JSON.parse(manifest.data).name, manifest.data);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems.console, []);
  await context.close();
});
