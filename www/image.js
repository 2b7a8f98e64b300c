// The image path: a photo or a screenshot, read at full size (up to a
// bound) and, if no code is found, again scaled down to 1600 pixels, which
// helps with large, noisy photos.

import { nativeQrDetector, detectNative, pixelsOf } from './scan.js';

const MAX_FULL_SIDE = 4096;
const DOWNSCALED_SIDE = 1600;

/** Why an image gave no text. */
export class ImageError extends Error {
  constructor(code) {
    super(`image ${code}`);
    this.code = code; // 'not-image'
  }
}

/** The file's pixels. createImageBitmap does not take SVG files: those go through an <img> first. */
async function decode(file) {
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
    if (!img.naturalWidth || !img.naturalHeight) throw new Error('no size');
    return await createImageBitmap(img);
  } catch {
    throw new ImageError('not-image');
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The QR texts found in an image file, [] if none. Throws ImageError if the
 * file is not an image, ScanError if the reader fails.
 */
export async function textsInImage(file, scanner) {
  const bitmap = await decode(file);
  try {
    const detector = await nativeQrDetector();
    if (detector) {
      const texts = await detectNative(detector, bitmap);
      if (texts.length > 0) return texts;
    }
    const longer = Math.max(bitmap.width, bitmap.height);
    const sides = [Math.min(longer, MAX_FULL_SIDE)];
    if (longer > DOWNSCALED_SIDE) sides.push(DOWNSCALED_SIDE);
    for (const side of sides) {
      const texts = await scanner.scan(pixelsOf(bitmap, bitmap.width, bitmap.height, side));
      if (texts.length > 0) return texts;
    }
    return [];
  } finally {
    bitmap.close();
  }
}
