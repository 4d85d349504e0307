"""Strict structural checks: may an uploaded file be kept byte for byte?

A file is kept only when every segment in it is one we allow and nothing follows the end of
the image; anything else (EXIF, XMP, ICC, comments, private chunks, a JFIF thumbnail, bytes
after the end marker) means the image is re-encoded. The answer is "re-encode" whenever in
doubt: a false "no" costs one generation of compression, a false "yes" could publish a GPS
position or a hidden payload. Pillow still decodes the file afterwards; these walks only look
at the container.
"""

from __future__ import annotations

import re
import struct
import zlib

# --- JPEG --------------------------------------------------------------------------------------

SOI, EOI, SOS, APP0, DQT, DHT, DRI = 0xD8, 0xD9, 0xDA, 0xE0, 0xDB, 0xC4, 0xDD
# Baseline, extended and progressive Huffman frames: what cameras, phones and editors write and
# what every browser shows. Lossless, hierarchical and arithmetic-coded frames are re-encoded.
SOF = {0xC0, 0xC1, 0xC2}
# Inside entropy-coded data 0xFF is followed by 0x00 (a stuffed byte) or a restart marker
# (RST0–7); anything else is the next marker.
NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def plain_jpeg(data: bytes) -> bool:
    """Whether a JPEG holds only SOI, one JFIF APP0 without thumbnail, DQT, DHT, one SOF (1 or 3
    components), DRI, scans and EOI, with nothing after EOI."""
    if data[:2] != b"\xff\xd8":
        return False
    pos, frames, scans, size = 2, 0, 0, len(data)
    while pos + 2 <= size:
        if data[pos] != 0xFF:
            return False  # no fill bytes, no garbage between segments
        marker = data[pos + 1]
        if marker == EOI:
            return pos + 2 == size and frames == 1 and scans > 0  # nothing after the end
        if pos + 4 > size:
            return False
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > size:
            return False
        body = data[pos + 4 : end]
        if marker == APP0:
            # JFIF 1.0x: "JFIF\0", version, units, densities, thumbnail 0×0 (length exactly 16)
            if pos != 2 or length != 16 or body[:5] != b"JFIF\x00" or body[12:14] != b"\x00\x00":
                return False
        elif marker in SOF:
            frames += 1
            if frames > 1 or len(body) < 6 or body[5] not in (1, 3) or len(body) != 6 + 3 * body[5]:
                return False
        elif marker == DRI:
            if length != 4:
                return False
        elif marker == SOS:
            if frames != 1:
                return False
            scans += 1
            found = NEXT_MARKER.search(data, end)
            if found is None:
                return False  # no EOI
            pos = found.start()
            continue
        elif marker not in (DQT, DHT):
            return False  # APP1–15 (EXIF, XMP, ICC, Adobe…), COM, DNL, DAC and anything unknown
        pos = end
    return False


# --- PNG ---------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that carry pixels or a fixed-size display hint that cannot hide anything. cHRM
# (chromaticities) is left out on purpose: it is rare, and browsers that honour it would show
# the kept original in other colours than our renditions (which ignore it); re-encoding makes
# master and renditions agree. gAMA, sRGB and pHYs are common in ordinary PNGs and fixed-size.
PNG_FIXED = {b"IHDR": 13, b"IEND": 0, b"gAMA": 4, b"sRGB": 1, b"pHYs": 9}
PNG_ALLOWED = {b"IHDR", b"PLTE", b"tRNS", b"gAMA", b"sRGB", b"pHYs", b"IDAT", b"IEND"}
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type → samples per pixel


def plain_png(data: bytes) -> bool:
    """Whether a PNG holds only allowed chunks with correct CRCs, IHDR first, IEND last and
    nothing after it, and a non-interlaced zlib stream that holds exactly the image's rows."""
    if data[:8] != PNG_SIGNATURE:
        return False
    pos, size, header = 8, len(data), b""
    seen: list[bytes] = []
    idat: list[bytes] = []
    while pos + 12 <= size:
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > size or kind not in PNG_ALLOWED:
            return False
        body = data[pos + 8 : pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end - 4 : end])[0]:
            return False
        if PNG_FIXED.get(kind, length) != length or (kind in (b"PLTE", b"tRNS") and length > 768):
            return False
        if (kind == b"IHDR") != (not seen) or kind in seen and kind != b"IDAT":
            return False  # IHDR exactly once and first; every other chunk but IDAT at most once
        if kind == b"IHDR":
            header = body
        if kind == b"IDAT":
            if seen[-1] != b"IDAT" and b"IDAT" in seen:
                return False  # IDAT chunks must follow one another
            idat.append(body)
        seen.append(kind)
        pos = end
        if kind == b"IEND":
            return pos == size and bool(idat) and _rows_fit(header, idat)
    return False


def _rows_fit(ihdr: bytes, idat: list[bytes]) -> bool:
    """Whether the IDAT stream inflates to exactly the image's rows, with nothing after it."""
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", ihdr)
    if interlace or colour not in CHANNELS:
        return False  # interlaced PNGs are re-encoded rather than counted pass by pass
    expected = height * (1 + (width * depth * CHANNELS[colour] + 7) // 8)
    inflate, total = zlib.decompressobj(), 0
    try:
        for chunk in idat:
            buf = chunk
            while buf:
                total += len(inflate.decompress(buf, 1 << 20))  # in slices: bounded memory
                if total > expected:
                    return False
                buf = inflate.unconsumed_tail
        while not inflate.eof:
            out = inflate.decompress(b"", 1 << 20)
            if not out:
                break
            total += len(out)
            if total > expected:
                return False
    except zlib.error:
        return False
    return inflate.eof and not inflate.unused_data and total == expected


def plain(data: bytes, fmt: str) -> bool:
    """Whether a file of this format may be kept byte for byte (WebP: never, it is re-encoded)."""
    if fmt == "JPEG":
        return plain_jpeg(data)
    if fmt == "PNG":
        return plain_png(data)
    return False
