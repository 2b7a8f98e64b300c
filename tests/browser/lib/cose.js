// Just enough of the certificate format (docs/FORMAT.md) to take a token
// apart in JavaScript: the COSE_Sign1 envelope, the signing input
// (Sig_structure) and re-signing with an issuer's secret key file. The
// tests use it to make certificates the issuing command refuses to make
// (a signed field holding a bidirectional override) and the benchmark to
// hand WebCrypto and @noble/ed25519 the same signature and message as the
// wasm verifier.

const PREFIX = 'CC1:';
/** The external AAD of a certificate signature (FORMAT.md, "Signing input"). */
const AAD = new TextEncoder().encode('cachet certificate v1');
const CONTEXT = new TextEncoder().encode('Signature1');

export function base64urlDecode(s) {
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

export function base64urlEncode(bytes) {
  return Buffer.from(bytes).toString('base64url');
}

/** A CBOR head at `at`: major type, argument, and where the content starts. */
function head(bytes, at) {
  const ib = bytes[at];
  if (ib === undefined) throw new Error(`CBOR: truncated at ${at}`);
  const major = ib >> 5;
  const info = ib & 0x1f;
  if (info < 24) return { major, value: info, start: at + 1 };
  const size = { 24: 1, 25: 2, 26: 4 }[info];
  if (!size) throw new Error(`CBOR: unexpected additional information ${info} at ${at}`);
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + bytes[at + 1 + i];
  return { major, value, start: at + 1 + size };
}

function bstrAt(bytes, at) {
  const h = head(bytes, at);
  if (h.major !== 2) throw new Error(`CBOR: expected a byte string at ${at}`);
  return { value: bytes.subarray(h.start, h.start + h.value), end: h.start + h.value };
}

/** The CBOR head of a byte or text string of `length` bytes. */
function stringHead(major, length) {
  const m = major << 5;
  if (length < 24) return [m | length];
  if (length < 256) return [m | 24, length];
  if (length < 65536) return [m | 25, length >> 8, length & 0xff];
  throw new Error('CBOR: string too long for this helper');
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function bstr(bytes) {
  return concat([Uint8Array.from(stringHead(2, bytes.length)), bytes]);
}

/**
 * A token's parts: `protected` (the header's bytes), `kid` (hex), `payload`,
 * `signature` (64 bytes), exactly as they stand in the envelope.
 */
export function openToken(token) {
  if (!token.startsWith(PREFIX)) throw new Error('not a CC1: token');
  const bytes = base64urlDecode(token.slice(PREFIX.length));
  if (bytes[0] !== 0xd2 || bytes[1] !== 0x84) throw new Error('not a tagged COSE_Sign1 of 4 items');
  const prot = bstrAt(bytes, 2);
  // The protected header is a2 01 27 04 48 <kid>.
  const kid = Buffer.from(prot.value.subarray(5, 13)).toString('hex');
  if (bytes[prot.end] !== 0xa0) throw new Error('the unprotected header is not empty');
  const payload = bstrAt(bytes, prot.end + 1);
  const signature = bstrAt(bytes, payload.end);
  if (signature.end !== bytes.length) throw new Error('bytes after the COSE_Sign1');
  return { protected: prot.value, kid, payload: payload.value, signature: signature.value };
}

/** The bytes an issuer signs: COSE's Sig_structure in deterministic CBOR. */
export function signingInput(protectedHeader, payload) {
  return concat([
    Uint8Array.of(0x84), // array(4): Sig_structure
    Uint8Array.from(stringHead(3, CONTEXT.length)),
    CONTEXT, // "Signature1"
    bstr(protectedHeader),
    bstr(AAD), // "cachet certificate v1"
    bstr(payload),
  ]);
}

/** The token of an envelope's parts. */
export function sealToken(protectedHeader, payload, signature) {
  const bytes = concat([Uint8Array.of(0xd2, 0x84), bstr(protectedHeader), Uint8Array.of(0xa0), bstr(payload), bstr(signature)]);
  return PREFIX + base64urlEncode(bytes);
}

/** The 32-byte seed in a secret key file's text (`cachet-secret-key-1:…`). */
export function seedOfSecretKeyFile(text) {
  const body = text.trim().replace(/^cachet-secret-key-1:/, '');
  const seed = base64urlDecode(body);
  if (seed.length !== 32) throw new Error('not a secret key file');
  return seed;
}

/** The 32-byte key in a public key file's text (`cachet-public-key-1:…`). */
export function publicKeyOfFile(text) {
  const body = text.trim().replace(/^cachet-public-key-1:/, '');
  const key = base64urlDecode(body);
  if (key.length !== 32) throw new Error('not a public key file');
  return key;
}

/**
 * `token` with `from` replaced by `to` in its payload (both the same number
 * of UTF-8 bytes, so no CBOR length changes), signed again by `sign(message)`
 * (an async Ed25519 signer). What an issuer holding a listed key could sign
 * without going through the issuing command's checks.
 */
export async function rewriteAndSign(token, from, to, sign) {
  const enc = new TextEncoder();
  const a = enc.encode(from);
  const b = enc.encode(to);
  if (a.length !== b.length) throw new Error('the replacement must keep the UTF-8 length');
  const parts = openToken(token);
  const at = Buffer.from(parts.payload).indexOf(Buffer.from(a));
  if (at < 0) throw new Error(`"${from}" is not in the payload`);
  const payload = Uint8Array.from(parts.payload);
  payload.set(b, at);
  const signature = await sign(signingInput(parts.protected, payload));
  return sealToken(parts.protected, payload, signature);
}

/** `text` with one character of its signature changed (ten from the end, away from the last character's unused bits). */
export function tamper(text) {
  const at = text.length - 10;
  const c = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + c + text.slice(at + 1);
}
