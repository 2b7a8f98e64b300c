#!/usr/bin/env python3
"""Writes jis0208.bin, the JIS X 0208 to Unicode table of the QR reader's
Kanji mode and Shift_JIS bytes (decode.rs), from Python's own shift_jis
codec: `python3 src/scan/jis0208.py`.

Rows 1-8 (symbols, kana, Latin, Greek, Cyrillic, box drawing) then rows
16-47 (the 2,965 kanji of level 1, the common ones), 94 cells each, in
order; each cell one LEB128 varint: 0 for an empty cell, else the
zigzag-coded difference from the previous character's code point (U+0000
before the first). 3,489 characters in 7.1 KB (6.1 KB gzipped). Level 2
(rows 48-84, 3,390 rarer kanji) would add 3.9 KB raw and 3.4 KB gzipped
to a page at 95 % of its budget: the reader reads those as U+FFFD.
"""
import os

ROWS = list(range(1, 9)) + list(range(16, 48))


def shift_jis(row, cell):
    """The Shift_JIS bytes of a JIS X 0208 row and cell (1-94 each)."""
    j1, j2 = row + 0x20, cell + 0x20
    s1 = ((j1 + 1) >> 1) + (0x70 if j1 <= 0x5E else 0xB0)
    if j1 & 1:
        s2 = j2 + 0x1F + (1 if j2 + 0x1F >= 0x7F else 0)
    else:
        s2 = j2 + 0x7E
    return bytes([s1, s2])


out = bytearray()
prev = 0
for row in ROWS:
    for cell in range(1, 95):
        try:
            ch = shift_jis(row, cell).decode("shift_jis")
        except UnicodeDecodeError:
            out.append(0)
            continue
        delta = ord(ch) - prev
        prev = ord(ch)
        z = delta << 1 if delta >= 0 else ((-delta) << 1) - 1
        while z >= 0x80:
            out.append((z & 0x7F) | 0x80)
            z >>= 7
        out.append(z)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "jis0208.bin"), "wb") as f:
    f.write(out)
