// The harness's own checks can fail: a leak, a foreign host, a broken
// envelope are caught; a WebDriver driver stuck on a new session is started
// again once, not twice. (No browser here.)

import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { pieces, wireUrl } from './lib/browser.js';
import { openToken, sealToken, signingInput, tamper } from './lib/cose.js';
import { fixtures } from './lib/fixtures.js';
import { assertNoLeak } from './lib/harness.js';
import { Session } from './lib/webdriver.js';

const ORIGIN = 'http://127.0.0.1:4000';
const TOKEN = 'CC1:0oRNogEnBEgg7K4tXd94UaBYZaYBZVBhcmlzBBpsdyzgBRpqlflgBhprCgtwB0dCVC0wMDAx';
const request = (url, headers = {}, body = '') => ({ method: 'GET', url, headers, body });

test('a request holding a piece of the token is a leak; the fragment is not sent', () => {
  assertNoLeak([request(`${ORIGIN}/#${TOKEN}`), request(`${ORIGIN}/trust-list.json`)], ORIGIN, [TOKEN]);
  assert.throws(() => assertNoLeak([request(`${ORIGIN}/?t=${TOKEN.slice(10, 30)}`)], ORIGIN, [TOKEN]), /part of a certificate/);
  assert.throws(() => assertNoLeak([request(`${ORIGIN}/x`, { referer: TOKEN })], ORIGIN, [TOKEN]), /part of a certificate/);
  assert.throws(() => assertNoLeak([{ ...request(`${ORIGIN}/x`), body: `{"t":"${TOKEN.slice(30)}"}` }], ORIGIN, [TOKEN]), /part/);
  assert.throws(() => assertNoLeak([request('https://stats.example/p.gif')], ORIGIN, [TOKEN]), /another host/);
  assert.throws(() => assertNoLeak([], ORIGIN, [TOKEN]), /no request/);
  assert.equal(wireUrl(`${ORIGIN}/a?b#c`), `${ORIGIN}/a?b`);
  assert.equal(pieces('abcdefghijklmnopqrstuv').length, 3);
});

test('the envelope helpers take a real token apart and put it back byte for byte', async () => {
  const fx = await fixtures();
  const { token } = fx.tokens.valid;
  const parts = openToken(token);
  assert.equal(parts.kid, fx.bench.kid);
  assert.equal(parts.signature.length, 64);
  assert.equal(sealToken(parts.protected, parts.payload, parts.signature), token);
  assert.equal(signingInput(parts.protected, parts.payload)[0], 0x84);
  const tampered = tamper(token);
  assert.equal(tampered.length, token.length);
  assert.equal([...tampered].filter((c, i) => c !== token[i]).length, 1);
  assert.notDeepEqual(openToken(tampered).signature, parts.signature);
});

/** A fake driver: `answers` false leaves every new session unanswered (as a stuck WebKitWebDriver did). */
async function fakeDriver(answers) {
  const asked = [];
  const server = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    if (!answers) return; // no answer, ever
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ value: { sessionId: 's1', capabilities: { browserVersion: '2.50' } } }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  let stopped = false;
  return {
    asked,
    url: `http://127.0.0.1:${server.address().port}`,
    output: () => 'stuck driver output',
    get stopped() {
      return stopped;
    },
    stop: async () => {
      stopped = true;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

test('a driver that never answers a new session is stopped and started again, once', async (t) => {
  const stuck = await fakeDriver(false);
  const fresh = await fakeDriver(true);
  t.mock.method(console, 'error', () => {});
  const holder = { driver: stuck };
  let restarts = 0;
  const session = await Session.createRestarting(holder, async () => (restarts++, fresh), { browserName: 'x' }, { timeoutMs: 300 });
  assert.equal(session.id, 's1');
  assert.equal(restarts, 1);
  assert.ok(stuck.stopped, 'the stuck driver stopped');
  assert.equal(holder.driver, fresh, 'the new driver kept for the next sessions and for stopping');
  assert.deepEqual([stuck.asked, fresh.asked], [['POST /session'], ['POST /session']]);
  assert.match(console.error.mock.calls[0].arguments[0], /stuck driver output/);
  await fresh.stop();

  // Silent twice: the failure names the command, and no third driver is started.
  const a = await fakeDriver(false);
  const b = await fakeDriver(false);
  const again = { driver: a };
  await assert.rejects(Session.createRestarting(again, async () => b, {}, { timeoutMs: 300 }), (e) => e.code === 'no answer' && /new session/.test(e.message));
  await b.stop();
});
