// How many pixels an image file says it holds, read from its own header
// before anything decodes it: the image path (image.js) and the PDF path
// (pdf.js, for a JPEG inside a PDF) refuse a file above their limit this way.

/** Width × height as a PNG, JPEG, GIF, WebP or BMP header says, 0 if none of these (read from the pixels' own header, never trusted beyond it). */
export function claimedPixels(b) {
  const u16 = (i) => (b[i] << 8) | b[i + 1];
  const le16 = (i) => b[i] | (b[i + 1] << 8);
  const le24 = (i) => le16(i) | (b[i + 2] << 16);
  const u32 = (i) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
  const tag = (i, s) => [...s].every((c, k) => b[i + k] === c.charCodeAt(0));
  if (b[0] === 0x89 && tag(1, 'PNG') && tag(12, 'IHDR')) return u32(16) * u32(20);
  if (b[0] === 0xff && b[1] === 0xd8) {
    for (let i = 2; i + 9 <= b.length; ) {
      if (b[i] !== 0xff) return 0;
      const m = b[i + 1];
      if (m === 0xff) {
        i++;
        continue;
      }
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return u16(i + 5) * u16(i + 7);
      i += 2 + u16(i + 2);
    }
    return 0;
  }
  if (tag(0, 'GIF8')) return le16(6) * le16(8);
  if (tag(0, 'RIFF') && tag(8, 'WEBP')) {
    if (tag(12, 'VP8X')) return (le24(24) + 1) * (le24(27) + 1);
    if (tag(12, 'VP8L')) return (((b[21] | (b[22] << 8)) & 0x3fff) + 1) * ((((b[22] >> 6) | (b[23] << 2) | (b[24] << 10)) & 0x3fff) + 1);
    if (tag(12, 'VP8 ')) return (le16(26) & 0x3fff) * (le16(28) & 0x3fff);
  }
  if (tag(0, 'BM')) return Math.abs((le16(18) | (le16(20) << 16)) * (le16(22) | (le16(24) << 16)));
  return 0;
}
