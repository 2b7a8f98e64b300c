#!/bin/sh
# Makes DejaVuSans.subset.ttf and DejaVuSans-Bold.subset.ttf from Debian's fonts-dejavu-core (see ORIGIN.md):
# the characters of WinAnsiEncoding (Windows-1252: ASCII, Latin-1 and the 27 letters and signs of 0x80-0x9F, all
# of French), outlines without hinting, no layout tables, the name table cut to the names, the copyright (0) and the
# licence's address (14). Run by hand when the font changes, not by the build: the result is committed.
# Needs pyftsubset (fonttools: `apt-get install python3-fonttools` or `pip install fonttools`).
set -eu
here=$(dirname "$0")
src=${FONT_DIR:-/usr/share/fonts/truetype/dejavu}
chars="U+0020-007E,U+00A0-00FF,U+20AC,U+201A,U+0192,U+201E,U+2026,U+2020,U+2021,U+02C6,U+2030,U+0160,U+2039,\
U+0152,U+017D,U+2018,U+2019,U+201C,U+201D,U+2022,U+2013,U+2014,U+02DC,U+2122,U+0161,U+203A,U+0153,U+017E,U+0178"
for face in DejaVuSans DejaVuSans-Bold; do
    pyftsubset "$src/$face.ttf" --unicodes="$chars" --no-hinting --layout-features='' \
        --drop-tables+=GDEF,GPOS,GSUB,gasp,FFTM,kern,MATH --name-IDs=0,1,2,3,4,5,6,14 --notdef-outline \
        --output-file="$here/$face.subset.ttf"
done
