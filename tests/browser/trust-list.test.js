// www/trust-list.js's download, in Node against real sockets (no browser):
// a slow download that keeps delivering is waited for to its end, however
// long it takes in all; one that stops delivering is given up.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { fetchTrustList } from '../../www/trust-list.js';

/** The stall limit used here: far shorter than the whole of the slow download below. */
const STALL_MS = 400;
const CHUNKS = 12;
const CHUNK_EVERY_MS = 150; // 12 chunks: a download lasting several times STALL_MS

let server;
let base;
const open = new Set();

before(async () => {
  server = http.createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      let n = 0;
      const tick = setInterval(() => {
        n += 1;
        if (n < CHUNKS) res.write(`"part-${n}",`);
        else {
          clearInterval(tick);
          res.end('"end"');
        }
      }, CHUNK_EVERY_MS);
      res.on('close', () => clearInterval(tick));
    } else if (req.url === '/stops') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('"the first bytes, then nothing"'); // never ended
    } else if (req.url === '/silent') {
      // never answered
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  await fetch(`${base}/missing`); // Node loads its fetch on first use: not a stall of the server's
});
after(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('a download that keeps delivering is taken whole, however long it lasts in all', async () => {
  const seen = [];
  const got = await fetchTrustList(new URL(`${base}/slow`), { stallMs: STALL_MS, onProgress: (bytes) => seen.push(bytes) });
  assert.ok(got, 'the slow download was given up');
  assert.equal(got.fromCache, false);
  assert.match(got.text, /^"part-1",.*"part-11","end"$/);
  assert.ok(seen.length > 1 && seen.at(-1) === Buffer.byteLength(got.text), `progress reported: ${seen}`);
});

test('a download that stops delivering, or never answers, is given up', async () => {
  assert.equal(await fetchTrustList(new URL(`${base}/stops`), { stallMs: STALL_MS }), null);
  assert.equal(await fetchTrustList(new URL(`${base}/silent`), { stallMs: STALL_MS }), null);
  assert.equal(await fetchTrustList(new URL(`${base}/missing`), { stallMs: STALL_MS }), null);
});
