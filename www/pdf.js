// The PDF path, loaded only when a PDF is chosen (image.js imports it on
// the file's `%PDF-` signature): the certificate text that `cachet issue
// --pdf` embeds (Info key /CachetCertificate, XMP cachet:certificate), or
// else the QR codes in the page images (a scanned certificate): JPEG
// (DCTDecode) through createImageBitmap, raw or zlib (FlateDecode, PNG
// predictors) grey, RGB or CMYK pixels through ImageData.
//
// The file is hostile: a small parser walks it for `N G obj` objects (and
// those packed in object streams, inflated with DecompressionStream)
// without trusting the cross-reference table, with bounds on the size, the
// objects, the nesting, the work, the bytes inflated and the images (the
// limits of the CLI's reader, cli/src/limits.rs; docs/SECURITY.md). Its
// visible text is never read: what the page shows comes from the verified
// signature of the text found (docs/SECURITY.md). Codes drawn as vector
// graphics in a PDF without the embedded text are not read (that needs a
// PDF renderer); the issuer's PDFs carry the text.

import { claimedPixels } from './lib/pixels.js';

const MAX_FILE = 64 << 20;
const MAX_OBJECTS = 200_000;
const MAX_DEPTH = 32;
const WORK_FACTOR = 16;
const MAX_INFLATED = 96 << 20;
const MAX_INFLATED_TOTAL = 128 << 20; // a stream refused for its size counts what it inflated
const MAX_IMAGES = 32;
const MAX_PIXELS = 32_000_000; // one image, a JPEG's by its own header
const MAX_PIXELS_TOTAL = 48_000_000;
const MAX_TEXTS = 1000;
const INFLATE_SLICE = 4096; // compressed bytes written at a time: at most about 4 MB inflated beyond a limit

/** Why a PDF could not be read. */
export class PdfError extends Error {
  constructor(detail) {
    super(`pdf-unreadable: ${detail}`);
    this.name = 'PdfError';
    this.code = 'pdf-unreadable';
  }
}

/** A byte's class (1 white space, 2 delimiter), a table lookup in the lexer's inner loops. */
const CLASS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0d, 0x0a, 0x0c, 0x00]) CLASS[c] = 1;
for (const c of [0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) CLASS[c] = 2;
const SPACE = { has: (c) => CLASS[c] === 1 };
const DELIM = { has: (c) => CLASS[c] === 2 };

/** Whether the first kilobyte of `bytes` holds `%PDF-`. */
export function isPdfBytes(bytes) {
  const head = bytes.subarray(0, 1024);
  for (let i = 0; i + 5 <= head.length; i++) {
    if (head[i] === 0x25 && head[i + 1] === 0x50 && head[i + 2] === 0x44 && head[i + 3] === 0x46 && head[i + 4] === 0x2d) return true;
  }
  return false;
}

// Objects: null, booleans, numbers, strings (Uint8Array), names ({name}),
// arrays, dictionaries (Map of name → object), references ({ref}).
class Lexer {
  constructor(b, budget) {
    this.b = b;
    this.pos = 0;
    this.work = 0;
    this.budget = budget;
    this.endstream = null; // [from, found]: many `stream`s without an end cost one search, not one each
  }

  exhausted() {
    return this.work > this.budget;
  }

  skipSpace() {
    const b = this.b;
    while (this.pos < b.length) {
      const c = b[this.pos];
      if (SPACE.has(c)) {
        this.pos++;
        this.work++;
      } else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) {
          this.pos++;
          this.work++;
        }
      } else break;
    }
  }

  startsWith(s) {
    for (let i = 0; i < s.length; i++) if (this.b[this.pos + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** The next object, or undefined if there is none here (or the work budget is spent). */
  object(depth = 0) {
    if (depth > MAX_DEPTH || this.exhausted()) return undefined;
    this.skipSpace();
    const b = this.b;
    if (this.pos >= b.length) return undefined;
    const c = b[this.pos];
    this.work++;
    if (c === 0x3c && b[this.pos + 1] === 0x3c) {
      this.pos += 2;
      const dict = new Map();
      for (;;) {
        this.skipSpace();
        if (this.pos >= b.length) return undefined;
        if (this.startsWith('>>')) {
          this.pos += 2;
          return dict;
        }
        const key = this.object(depth + 1);
        if (!key || typeof key.name !== 'string') return undefined;
        const value = this.object(depth + 1);
        if (value === undefined) return undefined;
        dict.set(key.name, value);
      }
    }
    if (c === 0x3c) {
      this.pos++;
      const digits = [];
      for (;;) {
        if (this.pos >= b.length) return undefined;
        const d = b[this.pos++];
        this.work++;
        if (d === 0x3e) break;
        const v = hexValue(d);
        if (v >= 0) digits.push(v);
        else if (!SPACE.has(d)) return undefined;
      }
      if (digits.length % 2) digits.push(0);
      const out = new Uint8Array(digits.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = (digits[2 * i] << 4) | digits[2 * i + 1];
      return out;
    }
    if (c === 0x28) {
      this.pos++;
      return this.literalString();
    }
    if (c === 0x5b) {
      this.pos++;
      const items = [];
      for (;;) {
        this.skipSpace();
        if (this.pos >= b.length) return undefined;
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return items;
        }
        const item = this.object(depth + 1);
        if (item === undefined) return undefined;
        items.push(item);
      }
    }
    if (c === 0x2f) {
      this.pos++;
      let name = '';
      while (this.pos < b.length && !SPACE.has(b[this.pos]) && !DELIM.has(b[this.pos])) {
        let ch = b[this.pos++];
        this.work++;
        if (ch === 0x23 && hexValue(b[this.pos]) >= 0 && hexValue(b[this.pos + 1]) >= 0) {
          ch = (hexValue(b[this.pos]) << 4) | hexValue(b[this.pos + 1]);
          this.pos += 2;
        }
        name += String.fromCharCode(ch);
      }
      return { name };
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const n = this.number();
      if (n === undefined) return undefined;
      const save = this.pos;
      if (n >= 0 && Number.isInteger(n)) {
        this.skipSpace();
        if (b[this.pos] >= 0x30 && b[this.pos] <= 0x39) {
          this.number();
          this.skipSpace();
          const after = b[this.pos + 1];
          if (b[this.pos] === 0x52 && (after === undefined || SPACE.has(after) || DELIM.has(after))) {
            this.pos++;
            return { ref: n };
          }
        }
      }
      this.pos = save;
      return n;
    }
    let word = '';
    while (this.pos < b.length && ((b[this.pos] | 0x20) >= 0x61 && (b[this.pos] | 0x20) <= 0x7a) && word.length < 8) {
      word += String.fromCharCode(b[this.pos++]);
    }
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return undefined;
  }

  number() {
    const b = this.b;
    const start = this.pos;
    if (b[this.pos] === 0x2b || b[this.pos] === 0x2d) this.pos++;
    while (this.pos < b.length && ((b[this.pos] >= 0x30 && b[this.pos] <= 0x39) || b[this.pos] === 0x2e)) this.pos++;
    this.work += this.pos - start;
    if (this.pos - start > 32) return undefined;
    const s = String.fromCharCode(...b.subarray(start, this.pos));
    if (s === '+' || s === '-' || s === '.') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : 0;
  }

  literalString() {
    const b = this.b;
    // Most strings hold no escape and no parenthesis: their bytes as they are, without a copy byte by byte.
    for (let i = this.pos; i < b.length; i++) {
      const c = b[i];
      if (c === 0x29) {
        this.work += i + 1 - this.pos;
        const plain = b.slice(this.pos, i);
        this.pos = i + 1;
        return plain;
      }
      if (c === 0x28 || c === 0x5c) break;
    }
    const out = [];
    let depth = 0;
    for (;;) {
      if (this.pos >= b.length) return undefined;
      const c = b[this.pos++];
      this.work++;
      if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (depth === 0) return Uint8Array.from(out);
        depth--;
        out.push(c);
      } else if (c === 0x5c) {
        if (this.pos >= b.length) return undefined;
        const e = b[this.pos++];
        const simple = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c }[e];
        if (simple !== undefined) out.push(simple);
        else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e === 0x0a) {
          // a line continuation
        } else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && b[this.pos] >= 0x30 && b[this.pos] <= 0x37; k++) v = v * 8 + (b[this.pos++] - 0x30);
          out.push(v & 0xff);
        } else out.push(e);
      } else out.push(c);
    }
  }

  /** After a dictionary: the data of the stream it heads, if it does. */
  streamData(dict) {
    const b = this.b;
    this.skipSpace();
    if (!this.startsWith('stream')) return undefined;
    this.pos += 6;
    if (b[this.pos] === 0x0d && b[this.pos + 1] === 0x0a) this.pos += 2;
    else if (b[this.pos] === 0x0a || b[this.pos] === 0x0d) this.pos++;
    const start = this.pos;
    const length = dict.get('Length');
    if (typeof length === 'number' && length >= 0 && start + length <= b.length) {
      const after = new Lexer(b, Infinity);
      after.pos = start + length;
      after.skipSpace();
      if (after.startsWith('endstream')) {
        this.pos = after.pos + 9;
        return b.subarray(start, start + length);
      }
    }
    const memo = this.endstream;
    let found;
    if (memo && memo[0] <= start && (memo[1] < 0 || start <= memo[1])) found = memo[1];
    else {
      found = indexOf(b, 'endstream', start);
      this.work += (found < 0 ? b.length : found) - start;
      this.endstream = [start, found];
    }
    if (found < 0) return undefined;
    this.pos = found + 9;
    let end = found;
    if (end > start && b[end - 1] === 0x0a) end--;
    if (end > start && b[end - 1] === 0x0d) end--;
    return b.subarray(start, end);
  }
}

function hexValue(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function indexOf(b, s, from) {
  const first = s.charCodeAt(0);
  outer: for (let i = b.indexOf(first, from); i >= 0 && i + s.length <= b.length; i = b.indexOf(first, i + 1)) {
    for (let k = 1; k < s.length; k++) if (b[i + k] !== s.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

const isDict = (o) => o instanceof Map;
const isName = (o, name) => o !== null && typeof o === 'object' && o.name === name;

/** The file's objects: [{number, value, data?}], and a map number → object (the last definition wins). */
async function parse(bytes, budget) {
  const lexer = new Lexer(bytes, bytes.length * WORK_FACTOR);
  const objects = [];
  const text = new TextDecoder('latin1').decode(bytes); // one code unit per byte: offsets are the same
  const header = /(?<![0-9A-Za-z])(\d{1,10})[ \t\r\n\f\0]+\d{1,10}[ \t\r\n\f\0]+obj(?![0-9A-Za-z])/g;
  let match;
  while ((match = header.exec(text)) && objects.length < MAX_OBJECTS) {
    lexer.pos = match.index + match[0].length;
    const value = lexer.object();
    if (value === undefined) {
      if (lexer.exhausted()) throw new PdfError('too complex');
      continue;
    }
    const data = isDict(value) ? lexer.streamData(value) : undefined;
    if (data) header.lastIndex = Math.max(header.lastIndex, lexer.pos); // binary data may hold "obj"
    objects.push({ number: Number(match[1]), value, data });
  }
  const index = new Map(objects.map((o) => [o.number, o]));
  // Objects packed in object streams, unless defined at the top level.
  for (const o of objects.slice()) {
    if (!o.data || !isDict(o.value) || !isName(o.value.get('Type'), 'ObjStm')) continue;
    const decoded = await decodeFilters(o.value, o.data, MAX_INFLATED, budget);
    const n = o.value.get('N');
    const first = o.value.get('First');
    if (!decoded || typeof n !== 'number' || typeof first !== 'number') continue;
    const inner = new Lexer(decoded, lexer.budget);
    inner.work = lexer.work;
    const headers = [];
    for (let i = 0; i < Math.min(n, MAX_OBJECTS); i++) {
      const num = inner.object();
      const off = inner.object();
      if (typeof num !== 'number' || typeof off !== 'number') break;
      headers.push([num, off]);
    }
    for (const [num, off] of headers) {
      if (objects.length >= MAX_OBJECTS) break;
      inner.pos = first + off;
      const value = inner.object();
      if (value !== undefined && !index.has(num)) {
        const packed = { number: num, value };
        objects.push(packed);
        index.set(num, packed);
      }
    }
    lexer.work = inner.work;
    if (lexer.exhausted()) throw new PdfError('too complex');
  }
  if (objects.length === 0) throw new PdfError('no object');
  return { objects, index };
}

function filterNames(dict) {
  const f = dict.get('Filter');
  if (f && typeof f.name === 'string') return [f.name];
  if (Array.isArray(f)) return f.filter((x) => x && typeof x.name === 'string').map((x) => x.name);
  return [];
}

/** zlib data inflated, at most `limit` bytes within the total budget; a truncated stream gives what was inflated. */
async function inflate(data, limit, budget) {
  const room = Math.min(limit, MAX_INFLATED_TOTAL - budget.inflated);
  if (room <= 0) return null;
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  const chunks = [];
  let size = 0;
  let over = false;
  const read = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.length;
      budget.inflated += value.length; // counted even when the stream is refused
      if (size > room) {
        over = true;
        reader.cancel().catch(() => {});
        return;
      }
      chunks.push(value);
    }
  })().catch(() => {});
  // Fed a slice at a time: an engine inflates all of a written chunk at once (Chromium did 100 MB for
  // each of 300 bombs of 100 KB, 3 minutes), and the next write waits until the output was read.
  try {
    for (let at = 0; at < data.length && !over; at += INFLATE_SLICE) await writer.write(data.subarray(at, at + INFLATE_SLICE));
    if (!over) await writer.close();
  } catch {
    // A truncated or damaged stream: what was inflated before is kept.
  }
  await read;
  if (over || size === 0) return null;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The stream's data with its filters undone (none, or FlateDecode), all but the last if `keepLast`. */
async function decodeFilters(dict, data, limit, budget, keepLast = false) {
  const names = filterNames(dict);
  let bytes = data;
  for (const name of keepLast ? names.slice(0, -1) : names) {
    if (name !== 'FlateDecode' && name !== 'Fl') return null;
    bytes = await inflate(bytes, limit, budget);
    if (!bytes) return null;
  }
  return bytes;
}

/** A PDF text string: UTF-16BE or UTF-8 with their marks, else PDFDocEncoding (Latin-1 for ASCII). */
function textString(s) {
  if (s[0] === 0xfe && s[1] === 0xff) return new TextDecoder('utf-16be').decode(s.subarray(2));
  if (s[0] === 0xef && s[1] === 0xbb && s[2] === 0xbf) return new TextDecoder().decode(s.subarray(3));
  return String.fromCharCode(...s);
}

function xmlUnescape(s) {
  return s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');
}

/** The texts of /CachetCertificate in any dictionary and of cachet:certificate in XMP streams. */
async function embeddedTexts(file, budget) {
  const texts = new Set();
  const add = (t) => {
    t = t.trim();
    if (t) texts.add(t);
    if (texts.size > MAX_TEXTS) throw new PdfError(`more than ${MAX_TEXTS} certificate texts`);
  };
  for (const o of file.objects) {
    if (!isDict(o.value)) continue;
    let v = o.value.get('CachetCertificate');
    if (v && typeof v.ref === 'number') v = file.index.get(v.ref)?.value;
    if (v instanceof Uint8Array) add(textString(v));
    if (o.data && isName(o.value.get('Type'), 'Metadata')) {
      const xml = await decodeFilters(o.value, o.data, MAX_INFLATED, budget);
      if (!xml) continue;
      const s = new TextDecoder().decode(xml);
      for (const m of s.matchAll(/<cachet:certificate>([^<]*)<\/cachet:certificate>/g)) add(xmlUnescape(m[1]));
    }
  }
  return [...texts];
}

function resolve(file, o) {
  return o && typeof o.ref === 'number' ? file.index.get(o.ref)?.value : o;
}

function components(file, space) {
  space = resolve(file, space);
  const byName = { DeviceGray: 1, CalGray: 1, G: 1, DeviceRGB: 3, CalRGB: 3, RGB: 3, DeviceCMYK: 4, CMYK: 4 };
  if (space && typeof space.name === 'string') return byName[space.name];
  if (Array.isArray(space) && space[0] && typeof space[0].name === 'string') {
    if (space[0].name === 'ICCBased') {
      const icc = resolve(file, space[1]);
      const n = isDict(icc) ? resolve(file, icc.get('N')) : undefined;
      return [1, 3, 4].includes(n) ? n : undefined;
    }
    return byName[space[0].name];
  }
  return undefined;
}

/** Undoes PNG predictors (Predictor ≥ 10); null for others. */
function unpredict(dict, raw, row, bpp) {
  let params = dict.get('DecodeParms');
  if (Array.isArray(params)) params = params.find(isDict);
  const predictor = isDict(params) ? params.get('Predictor') : undefined;
  if (predictor === undefined || predictor === 1) return raw;
  if (!(predictor >= 10)) return null;
  const rows = Math.floor(raw.length / (row + 1));
  const out = new Uint8Array(rows * row);
  for (let y = 0; y < rows; y++) {
    const kind = raw[y * (row + 1)];
    const src = y * (row + 1) + 1;
    const dst = y * row;
    for (let i = 0; i < row; i++) {
      const a = i >= bpp ? out[dst + i - bpp] : 0;
      const b = y > 0 ? out[dst - row + i] : 0;
      const c = i >= bpp && y > 0 ? out[dst - row + i - bpp] : 0;
      let add;
      if (kind === 0) add = 0;
      else if (kind === 1) add = a;
      else if (kind === 2) add = b;
      else if (kind === 3) add = (a + b) >> 1;
      else if (kind === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else return null;
      out[dst + i] = (raw[src + i] + add) & 0xff;
    }
  }
  return out;
}

/** An image XObject as an ImageBitmap, or null when its encoding is not read. */
async function imageBitmap(file, dict, data, budget, maxPixels) {
  const width = resolve(file, dict.get('Width'));
  const height = resolve(file, dict.get('Height'));
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width * height <= maxPixels)) return null;
  const names = filterNames(dict);
  if (names.at(-1) === 'DCTDecode') {
    const jpeg = await decodeFilters(dict, data, MAX_INFLATED, budget, true);
    // Its own header says its size, whatever the dictionary claims.
    const pixels = jpeg && claimedPixels(jpeg);
    if (!pixels || pixels > maxPixels) return null;
    try {
      return await createImageBitmap(new Blob([jpeg], { type: 'image/jpeg' }));
    } catch {
      return null;
    }
  }
  const mask = dict.get('ImageMask') === true;
  const bits = mask ? 1 : resolve(file, dict.get('BitsPerComponent'));
  const n = mask ? 1 : components(file, dict.get('ColorSpace'));
  if (!(bits === 8 || (bits === 1 && n === 1)) || !n) return null;
  const row = Math.ceil((width * n * bits) / 8);
  const raw = await decodeFilters(dict, data, Math.min((row + 1) * height, MAX_INFLATED), budget);
  if (!raw) return null;
  const pixels = unpredict(dict, raw, row, Math.max(1, (n * bits) / 8));
  if (!pixels || pixels.length < row * height) return null;
  const decode = dict.get('Decode');
  const inverted = Array.isArray(decode) ? decode[0] === 1 : mask;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p += 4) {
      let r;
      let g;
      let b;
      if (bits === 1) {
        const on = (pixels[y * row + (x >> 3)] >> (7 - (x & 7))) & 1; // 1 is white, unless inverted
        r = g = b = (on === 1) !== inverted ? 255 : 0;
      } else if (n === 1) {
        r = g = b = inverted ? 255 - pixels[y * row + x] : pixels[y * row + x];
      } else if (n === 3) {
        const i = y * row + 3 * x;
        r = pixels[i];
        g = pixels[i + 1];
        b = pixels[i + 2];
      } else {
        const i = y * row + 4 * x;
        const k = 255 - pixels[i + 3];
        r = ((255 - pixels[i]) * k) / 255;
        g = ((255 - pixels[i + 1]) * k) / 255;
        b = ((255 - pixels[i + 2]) * k) / 255;
      }
      rgba[p] = r;
      rgba[p + 1] = g;
      rgba[p + 2] = b;
      rgba[p + 3] = 255;
    }
  }
  return createImageBitmap(new ImageData(rgba, width, height));
}

/**
 * The certificate texts in a PDF file (a File or Blob): the embedded ones,
 * else those of the QR codes in its images, each image read by
 * `readBitmap(bitmap) → Promise<string[]>`. [] if none; throws PdfError if
 * the file cannot be read as a PDF.
 */
export async function textsInPdf(file, readBitmap) {
  if (file.size > MAX_FILE) throw new PdfError('file too large');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!isPdfBytes(bytes)) throw new PdfError('not a PDF file');
  // An /Encrypt dictionary: its strings are ciphertext, never read as text.
  for (let i = indexOf(bytes, '/Encrypt', 0); i >= 0; i = indexOf(bytes, '/Encrypt', i + 8)) {
    const c = bytes[i + 8]; // not /EncryptMetadata
    if (c === undefined || SPACE.has(c) || DELIM.has(c)) throw new PdfError('encrypted');
  }
  const budget = { inflated: 0 };
  const parsed = await parse(bytes, budget);
  const embedded = await embeddedTexts(parsed, budget);
  if (embedded.length > 0) return embedded;
  const texts = new Set();
  let images = 0;
  let pixels = 0;
  for (const o of parsed.objects) {
    if (images >= MAX_IMAGES || pixels >= MAX_PIXELS_TOTAL) break;
    if (!o.data || !isDict(o.value) || !isName(o.value.get('Subtype'), 'Image')) continue;
    const bitmap = await imageBitmap(parsed, o.value, o.data, budget, Math.min(MAX_PIXELS, MAX_PIXELS_TOTAL - pixels));
    if (!bitmap) continue;
    images++;
    pixels += bitmap.width * bitmap.height;
    try {
      for (const t of await readBitmap(bitmap)) texts.add(t);
    } finally {
      bitmap.close();
    }
  }
  return [...texts];
}
