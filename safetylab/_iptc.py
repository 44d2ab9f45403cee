"""IPTC-IIM records and the Photoshop resource blocks (8BIM) that carry them."""

from __future__ import annotations

import struct

__all__ = ["FIELDS", "parse_iim", "parse_8bim", "PS_IPTC", "PS_THUMBNAIL", "PS_THUMBNAIL_OLD"]

PS_IPTC, PS_THUMBNAIL, PS_THUMBNAIL_OLD, PS_EXIF, PS_XMP = 0x0404, 0x040C, 0x0409, 0x0422, 0x0424

#: (record, dataset) -> name, for the fields a privacy report cares about.
FIELDS = {
    (2, 5): "ObjectName", (2, 25): "Keywords", (2, 55): "DateCreated", (2, 60): "TimeCreated",
    (2, 80): "By-line", (2, 85): "By-lineTitle", (2, 90): "City", (2, 92): "Sub-location",
    (2, 95): "Province-State", (2, 100): "Country-PrimaryLocationCode",
    (2, 101): "Country-PrimaryLocationName", (2, 110): "Credit", (2, 115): "Source",
    (2, 116): "CopyrightNotice", (2, 118): "Contact", (2, 120): "Caption-Abstract",
    (2, 122): "Writer-Editor",
}


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8").strip("\x00 ").strip()
    except UnicodeDecodeError:
        return raw.decode("latin-1").strip("\x00 ").strip()


def parse_iim(buf: bytes) -> dict[str, list[str]]:
    """Named IPTC datasets found in ``buf`` (repeatable fields become lists).

    Examples
    --------
    >>> parse_iim(b"\\x1c\\x02\\x5a\\x00\\x05Paris")
    {'City': ['Paris']}
    """
    out: dict[str, list[str]] = {}
    pos, n = 0, len(buf)
    while pos + 5 <= n:
        if buf[pos] != 0x1C:
            pos += 1
            continue
        rec, ds, length = buf[pos + 1], buf[pos + 2], struct.unpack(">H", buf[pos + 3:pos + 5])[0]
        pos += 5
        if length & 0x8000:  # extended dataset: the length of the length follows
            nlen = length & 0x7FFF
            if nlen > 4 or pos + nlen > n:
                break
            length = int.from_bytes(buf[pos:pos + nlen], "big")
            pos += nlen
        if pos + length > n:
            break
        name = FIELDS.get((rec, ds))
        if name:
            value = _decode(buf[pos:pos + length])
            if value:
                out.setdefault(name, []).append(value)
        pos += length
    return out


def parse_8bim(buf: bytes) -> dict[int, bytes]:
    """Photoshop image resources by id (first of each), from an APP13 payload or a PSIR block."""
    if buf.startswith(b"Photoshop 3.0\x00"):
        buf = buf[14:]
    out: dict[int, bytes] = {}
    pos, n = 0, len(buf)
    while pos + 12 <= n:
        if buf[pos:pos + 4] not in (b"8BIM", b"PHUT", b"DCSR", b"AgHg"):
            break
        (rid,) = struct.unpack(">H", buf[pos + 4:pos + 6])
        name_len = buf[pos + 6]
        pos += 6 + 1 + name_len
        if (1 + name_len) % 2:
            pos += 1
        if pos + 4 > n:
            break
        (size,) = struct.unpack(">I", buf[pos:pos + 4])
        pos += 4
        if pos + size > n:
            break
        out.setdefault(rid, buf[pos:pos + size])
        pos += size + (size & 1)
    return out
