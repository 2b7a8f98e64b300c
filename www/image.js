// The image path: a photo or a screenshot, read at full size (up to a
// bound) and, if no code is found, again scaled down to 1600 pixels, which
// helps with large, noisy photos.

import { pixelsOf } from './scan.js';
import { preloadImportsOf } from './lib/early.js';
import { claimedPixels } from './lib/pixels.js';

const MAX_FULL_SIDE = 4096;
const DOWNSCALED_SIDE = 1600;
// The CLI's limit (cli/src/limits.rs): a 23000² PNG of 514 KB took 2.1 GB and 7 s to decode in Chromium.
const MAX_PIXELS = 32_000_000;

/** Why an image gave no text. */
export class ImageError extends Error {
  constructor(code) {
    super(`image ${code}`);
    this.code = code; // 'not-image', 'too-large' (above 32 million pixels), or 'pdf-unreadable' for a damaged PDF
  }
}

/** Whether the file starts like a PDF (`%PDF-` in its first kilobyte), whatever its name or type. */
async function isPdf(file) {
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  return new TextDecoder('latin1').decode(head).includes('%PDF-');
}

/** The file's pixels. createImageBitmap does not take SVG files: those go through an <img> first. */
async function decode(file) {
  // The header's size is checked before any pixel is decoded: the JPEG's frame header may sit after 64 KB of metadata.
  if (claimedPixels(new Uint8Array(await file.slice(0, 256 << 10).arrayBuffer())) > MAX_PIXELS) throw new ImageError('too-large');
  try {
    return await createImageBitmap(file);
  } catch {
    // not a bitmap format createImageBitmap reads; try it as the browser shows images
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    if (!img.naturalWidth || !img.naturalHeight || img.naturalWidth * img.naturalHeight > MAX_PIXELS) throw new Error('no size');
    return await createImageBitmap(img);
  } catch {
    throw new ImageError('not-image');
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The QR texts found in an image file, [] if none. A PDF gives the
 * certificate text embedded in it, else the codes in its page images
 * (pdf.js, loaded only then). Throws ImageError if the file is not an image
 * or a readable PDF, ScanError if the reader fails.
 */
export async function textsInImage(file, scanner) {
  if (await isPdf(file)) {
    preloadImportsOf(import.meta.url); // pdf.js checked where the site gives integrity (lib/early.js)
    const { textsInPdf } = await import('./pdf.js');
    try {
      return await textsInPdf(file, (bitmap) => textsInBitmap(bitmap, scanner));
    } catch (e) {
      if (e && e.name === 'PdfError') throw new ImageError(e.code);
      throw e;
    }
  }
  const bitmap = await decode(file);
  try {
    return await textsInBitmap(bitmap, scanner);
  } finally {
    bitmap.close();
  }
}

/** The QR texts in a bitmap (not closed here). */
async function textsInBitmap(bitmap, scanner) {
  const longer = Math.max(bitmap.width, bitmap.height);
  const sides = [Math.min(longer, MAX_FULL_SIDE)];
  if (longer > DOWNSCALED_SIDE) sides.push(DOWNSCALED_SIDE);
  for (const side of sides) {
    const texts = await scanner.scan(pixelsOf(bitmap, bitmap.width, bitmap.height, side));
    if (texts.length > 0) return texts;
  }
  return [];
}
