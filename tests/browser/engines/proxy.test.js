// The counting proxy's own checks can fail (no browser here): it counts the
// bytes the server sent (body, status line and headers), adds `report-uri`
// to the policy without changing it, keeps the reports a browser would
// send, and flags a refused request.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { failedRequests, startProxy } from '../lib/proxy.js';

const CSP = "default-src 'none'; img-src 'self'";
const BODY = 'x'.repeat(10_000);
let upstream;
let proxy;
/** The header block the upstream server last sent (Node keeps it as written). */
let sentHeader = '';

before(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url === '/missing' || req.url === '/favicon.ico') return res.writeHead(404, { 'content-security-policy': CSP }).end('no');
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': CSP }).end(BODY);
    sentHeader = res._header;
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  proxy = await startProxy(`http://127.0.0.1:${upstream.address().port}/`);
});
after(async () => {
  await proxy.stop();
  await new Promise((r) => upstream.close(r));
});

test('a response passes unchanged but for report-uri, and its bytes are counted', async () => {
  const mark = Date.now();
  const r = await fetch(proxy.url);
  assert.equal(await r.text(), BODY);
  assert.equal(r.headers.get('content-security-policy'), `${CSP}; report-uri /__csp-report`);
  const [entry, ...more] = proxy.since(mark);
  assert.equal(more.length, 0);
  assert.equal(entry.body, BODY.length);
  assert.ok(sentHeader.startsWith('HTTP/1.1 200 OK\r\n'), sentHeader);
  assert.equal(entry.bytes, BODY.length + Buffer.byteLength(sentHeader), 'the status line and headers as the server sent them count too');
  assert.deepEqual(failedRequests(proxy.since(mark)), []);
});

test('a CSP report is kept, a refused request is flagged; /favicon.ico is 204', async () => {
  const mark = Date.now();
  const report = { 'csp-report': { 'violated-directive': 'img-src', 'blocked-uri': 'https://elsewhere.example/x.png' } };
  const sent = await fetch(`${proxy.origin}/__csp-report`, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: JSON.stringify(report) });
  assert.equal(sent.status, 204);
  assert.deepEqual(proxy.reports, [report]);
  assert.equal((await fetch(`${proxy.origin}/favicon.ico`)).status, 204);
  await (await fetch(`${proxy.origin}/missing`)).text();
  assert.deepEqual(failedRequests(proxy.since(mark)).map((e) => `${e.status} ${e.path}`), ['404 /missing']);
  proxy.reports.length = 0;
});

test('embed-examples/ under /examples/, with the page\'s own policy', async () => {
  const r = await fetch(`${proxy.origin}/examples/element.html`);
  assert.equal(r.status, 200);
  assert.match(await r.text(), /<cachet-verifier/);
  assert.equal(r.headers.get('content-security-policy'), `${CSP}; report-uri /__csp-report`);
  assert.equal((await fetch(`${proxy.origin}/examples/..%2Fpackage.json`)).status, 404);
});
