// The harness's own checks can fail: a leak, a foreign host, a broken
// envelope are caught. (No browser here.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pieces, wireUrl } from './lib/browser.js';
import { openToken, sealToken, signingInput, tamper } from './lib/cose.js';
import { fixtures } from './lib/fixtures.js';
import { assertNoLeak } from './lib/harness.js';

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
