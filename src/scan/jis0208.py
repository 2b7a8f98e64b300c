#!/usr/bin/env python3
"""Writes jis0208.bin, the JIS X 0208 to Unicode table of the QR reader's
Kanji mode and Shift_JIS bytes (decode.rs), from Python's own shift_jis
codec: `python3 src/scan/jis0208.py`.

Rows 1-8 (symbols, kana, Latin, Greek, Cyrillic, box drawing) then rows
16-84 (kanji), 94 cells each, in order; each cell one LEB128 varint: 0
for an empty cell, else the zigzag-coded difference from the previous
character's code point (U+0000 before the first). 6,879 characters in
about 10 KB, where a plain table of u16 takes 14.5 KB; the kanji of
level 2 are nearly in Unicode order, so most of their differences fit a
byte.
"""
import os

ROWS = list(range(1, 9)) + list(range(16, 85))


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
