// Pictures of certificates: QR codes as PNG (for the image input), scenes
// that look like a photo of a printed code, and YUV4MPEG2 videos for
// Chromium's fake camera (--use-file-for-fake-video-capture).

import fs from 'node:fs';
import { PNG } from 'pngjs';
import qrcode from 'qrcode-generator';

/** Grey levels of a printed code under a camera (not pure black and white). */
const DARK = 24;
const LIGHT = 232;

/** A greyscale picture: `data[y * width + x]`, 0..255. */
export class Grey {
  constructor(width, height, fill = 0) {
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height).fill(fill);
  }

  get(x, y) {
    return this.data[y * this.width + x];
  }
}

/** The luminance of a PNG file (any colour type pngjs reads). */
export function readPng(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  const grey = new Grey(png.width, png.height);
  for (let i = 0; i < png.width * png.height; i++) {
    const [r, g, b, a] = png.data.subarray(i * 4, i * 4 + 4);
    // Transparent pixels are paper.
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    grey.data[i] = Math.round((y * a + 255 * (255 - a)) / 255);
  }
  return grey;
}

/** Writes a greyscale picture as an 8-bit greyscale PNG. */
export function writePng(file, grey) {
  const png = new PNG({ width: grey.width, height: grey.height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(grey.data);
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/**
 * The QR code of `text` (byte mode, error correction M, like the issuing
 * command's): `moduleSize` pixels per module and the 4-module quiet zone.
 */
export function qrPicture(text, moduleSize = 8) {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const side = (n + 8) * moduleSize;
  const grey = new Grey(side, side, 255);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.isDark(r, c)) continue;
      for (let dy = 0; dy < moduleSize; dy++) {
        const row = (r + 4) * moduleSize + dy;
        grey.data.fill(0, row * side + (c + 4) * moduleSize, row * side + (c + 5) * moduleSize);
      }
    }
  }
  return grey;
}

/** A deterministic pseudo-random generator (xorshift32), so that every run draws the same pictures. */
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/**
 * Draws `code` into `scene`, `size` pixels wide, centred at (cx, cy),
 * turned by `angle` radians: each scene pixel samples the code bilinearly
 * (what a lens does to a printed page), mapped to grey print levels.
 */
export function place(scene, code, { cx, cy, size, angle = 0 }) {
  const scale = code.width / size;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const half = size / 2;
  const reach = Math.ceil(half * Math.SQRT2) + 1;
  for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(scene.height, Math.ceil(cy + reach)); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(scene.width, Math.ceil(cx + reach)); x++) {
      // Scene pixel → code coordinates (inverse rotation).
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (cos * dx + sin * dy + half) * scale - 0.5;
      const v = (-sin * dx + cos * dy + half) * scale - 0.5;
      if (u < 0 || v < 0 || u > code.width - 1 || v > code.height - 1) continue;
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const x1 = Math.min(x0 + 1, code.width - 1);
      const y1 = Math.min(y0 + 1, code.height - 1);
      const fx = u - x0;
      const fy = v - y0;
      const top = code.get(x0, y0) * (1 - fx) + code.get(x1, y0) * fx;
      const bottom = code.get(x0, y1) * (1 - fx) + code.get(x1, y1) * fx;
      const level = (top * (1 - fy) + bottom * fy) / 255;
      scene.data[y * scene.width + x] = Math.round(DARK + (LIGHT - DARK) * level);
    }
  }
}

/** A grey, slightly uneven background with sensor noise. */
export function background(width, height, random, base = 128) {
  const g = new Grey(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const shade = base + 18 * (x / width - 0.5) - 10 * (y / height - 0.5);
      g.data[y * width + x] = Math.max(0, Math.min(255, Math.round(shade + (random() - 0.5) * 10)));
    }
  }
  return g;
}

/**
 * A YUV4MPEG2 video (C420jpeg, 8 bits) of `frames` frames of `width`×`height`
 * at `fps`, each frame drawn by `draw(i)` as a `Grey` picture. Chroma is
 * neutral (128): a grey world, as a code printed in black on white is.
 */
export function writeY4m(file, { width, height, fps, frames, draw }) {
  if (width % 2 || height % 2) throw new Error('4:2:0 needs even dimensions');
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
    for (let i = 0; i < frames; i++) {
      const picture = draw(i);
      if (picture.width !== width || picture.height !== height) throw new Error('frame of the wrong size');
      fs.writeSync(fd, 'FRAME\n');
      fs.writeSync(fd, picture.data);
      fs.writeSync(fd, chroma);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The fake camera's view of a printed code: 640×480 at 10 frames per
 * second, the code about 360 pixels wide on a grey desk, swaying a few
 * pixels and slightly turned, as in a hand.
 */
export function cameraVideo(file, code, { frames = 30, seed = 1 } = {}) {
  const width = 640;
  const height = 480;
  const random = rng(seed);
  const desk = background(width, height, random);
  writeY4m(file, {
    width,
    height,
    fps: 10,
    frames,
    draw: (i) => {
      const frame = new Grey(width, height);
      // Fresh sensor noise each frame over the same desk.
      for (let p = 0; p < frame.data.length; p++) {
        frame.data[p] = Math.max(0, Math.min(255, desk.data[p] + Math.round((random() - 0.5) * 6)));
      }
      const t = (2 * Math.PI * i) / frames;
      place(frame, code, { cx: 320 + 6 * Math.sin(t), cy: 240 + 4 * Math.cos(t), size: 360, angle: 0.03 * Math.sin(t) });
      return frame;
    },
  });
}

/** A photo of a printed code: 1600×1200, the code a third of the width, turned 7°, on an uneven grey background. */
export function photo(code, seed = 2) {
  const scene = background(1600, 1200, rng(seed), 150);
  place(scene, code, { cx: 760, cy: 640, size: 560, angle: (7 * Math.PI) / 180 });
  return scene;
}
