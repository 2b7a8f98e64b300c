// One verification in the page, side by side in one run: the wasm
// verifier's whole `verify(token, now)`, the browser's WebCrypto Ed25519
// verify, and @noble/ed25519, on the same certificate's signature and
// signing input (COSE's Sig_structure, docs/FORMAT.md). The certificate
// comes from the fragment (`/bench/#CC1:…`), the issuer's key from the
// served trust list. Results go to the table and to `window.benchResult`
// (`{ error }` if something is wrong).
//
// performance.now() is coarse outside cross-origin isolation (100 µs in
// Chromium), so each sample times a batch of verifications lasting at
// least BATCH_MS, and the figure is the median over SAMPLES samples.

import init, { Verifier } from '/pkg/cachet.js';

const SAMPLES = 200;
const BATCH_MS = 4;
const WARM_UP_MS = 300;
/** Where the bench runner serves @noble/ed25519's ESM build (from tests/browser/node_modules). */
const NOBLE = './vendor/noble-ed25519.js';

const status = document.getElementById('bench-status');
const say = (text) => {
  status.textContent = text;
};

function base64urlDecode(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A CBOR byte string at `at`: its content and where it ends. */
function bstrAt(bytes, at) {
  const ib = bytes[at];
  if (ib >> 5 !== 2) throw new Error(`CBOR: no byte string at ${at}`);
  const info = ib & 0x1f;
  let len = info;
  let start = at + 1;
  if (info === 24) [len, start] = [bytes[at + 1], at + 2];
  else if (info === 25) [len, start] = [(bytes[at + 1] << 8) | bytes[at + 2], at + 3];
  else if (info > 25) throw new Error('CBOR: byte string too long');
  return { value: bytes.subarray(start, start + len), end: start + len };
}

function bstr(bytes) {
  const n = bytes.length;
  const head = n < 24 ? [0x40 | n] : n < 256 ? [0x58, n] : [0x59, n >> 8, n & 0xff];
  return [...head, ...bytes];
}

/** The token's kid, signature, and the Sig_structure its issuer signed. */
function signedParts(token) {
  if (!token.startsWith('CC1:')) throw new Error('the fragment is not a CC1: token');
  const bytes = base64urlDecode(token.slice(4));
  if (bytes[0] !== 0xd2 || bytes[1] !== 0x84) throw new Error('not a tagged COSE_Sign1');
  const prot = bstrAt(bytes, 2);
  const payload = bstrAt(bytes, prot.end + 1); // after the empty unprotected map (a0)
  const signature = bstrAt(bytes, payload.end).value;
  const enc = new TextEncoder();
  const message = Uint8Array.from([
    0x84, // array(4): Sig_structure
    0x6a, ...enc.encode('Signature1'),
    ...bstr(prot.value),
    ...bstr(enc.encode('cachet certificate v1')),
    ...bstr(payload.value),
  ]);
  return { kid: hex(prot.value.subarray(5, 13)), signature, message };
}

/** Times `op` (sync or async): warm-up, then SAMPLES batches; µs per call. */
async function measure(name, op) {
  const warmEnd = performance.now() + WARM_UP_MS;
  let warm = 0;
  while (performance.now() < warmEnd) {
    await op();
    warm++;
  }
  // Calibrate the batch to last at least BATCH_MS.
  const perCall = WARM_UP_MS / Math.max(warm, 1);
  const batch = Math.max(1, Math.ceil(BATCH_MS / perCall));
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await op();
    samples.push(((performance.now() - t0) * 1000) / batch);
    if (s % 50 === 0) {
      say(`${name}: sample ${s + 1} of ${SAMPLES}…`);
      await new Promise((r) => setTimeout(r, 0)); // let the status paint
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { median_us: at(0.5), p10_us: at(0.1), p90_us: at(0.9), samples: SAMPLES, batch };
}

function row(cells, className) {
  const tr = document.createElement('tr');
  cells.forEach((c, i) => {
    const td = document.createElement(i === 0 ? 'th' : 'td');
    if (i === 0) td.scope = 'row';
    td.textContent = c;
    tr.append(td);
  });
  if (className) tr.className = className;
  document.getElementById('bench-rows').append(tr);
}

async function run() {
  const token = decodeURIComponent(location.hash.slice(1));
  if (!token) throw new Error('open this page as /bench/#CC1:… with a certificate the served trust list knows');

  say('Loading the wasm verifier and the trust list…');
  // pkg/ is built without a default wasm path: name it.
  await init({ module_or_path: new URL('/pkg/cachet_bg.wasm', location.href) });
  const config = await (await fetch('/config.json')).json();
  const listText = await (await fetch(`/${config.trustList}`)).text();
  const verifier = new Verifier(listText, config.roots, undefined);
  const now = Date.now();
  const first = verifier.verify(token, now);
  if (first.status !== 'valid') throw new Error(`the certificate is not valid here: ${first.status}`);

  const { kid, signature, message } = signedParts(token);
  const entry = JSON.parse(listText).list.issuers.find((i) => i.key_id === kid);
  if (!entry) throw new Error(`key ${kid} is not in the trust list`);
  const publicKey = base64urlDecode(entry.public_key);

  const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  const webcrypto = () => crypto.subtle.verify('Ed25519', key, signature, message);
  let noble = null;
  try {
    const ed = await import(NOBLE);
    noble = () => ed.verifyAsync(signature, message, publicKey);
  } catch (e) {
    console.warn(`@noble/ed25519 not served at ${NOBLE}: ${e}`);
  }

  // Each must accept this signature and refuse a flipped one, or the figures mean nothing.
  const bad = Uint8Array.from(signature);
  bad[5] ^= 1;
  if (!(await webcrypto())) throw new Error('WebCrypto refuses the signature');
  if (await crypto.subtle.verify('Ed25519', key, bad, message)) throw new Error('WebCrypto accepts a flipped signature');
  if (noble) {
    const ed = await import(NOBLE);
    if (!(await noble())) throw new Error('@noble/ed25519 refuses the signature');
    if (await ed.verifyAsync(bad, message, publicKey)) throw new Error('@noble/ed25519 accepts a flipped signature');
  }
  let wrong = 0;
  const wasm = () => {
    if (verifier.verify(token, now).status !== 'valid') wrong++;
  };

  const results = {};
  results.wasm = await measure('wasm verify', wasm);
  results.webcrypto = await measure('WebCrypto', async () => {
    if (!(await webcrypto())) wrong++;
  });
  if (noble) {
    results.noble = await measure('@noble/ed25519', async () => {
      if (!(await noble())) wrong++;
    });
  }
  if (wrong) throw new Error(`${wrong} verifications disagreed during the runs`);

  const base = results.webcrypto.median_us;
  const names = { wasm: 'wasm verify (whole check)', webcrypto: 'WebCrypto Ed25519', noble: '@noble/ed25519 verifyAsync' };
  for (const [id, r] of Object.entries(results)) {
    row([names[id], r.median_us.toFixed(1), r.p10_us.toFixed(1), r.p90_us.toFixed(1), `${r.samples} × ${r.batch}`, `${(r.median_us / base).toFixed(2)}×`]);
  }
  if (!noble) row(['@noble/ed25519', 'not served', '', '', '', '']);
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: self.crossOriginIsolated,
    results,
    ratios: {
      wasm_over_webcrypto: results.wasm.median_us / base,
      noble_over_wasm: results.noble ? results.noble.median_us / results.wasm.median_us : null,
    },
  };
}

run().then(
  (result) => {
    say('Done.');
    window.benchResult = result;
  },
  (e) => {
    say(`Error: ${e.message}`);
    status.className = 'error';
    window.benchResult = { error: String(e.message || e) };
  },
);
