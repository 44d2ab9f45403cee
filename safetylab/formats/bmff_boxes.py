"""HEIF / HEIC / AVIF metadata items, read from the ISO base media file boxes.

Only what a privacy report needs: the Exif and XMP items, and how many
thumbnail items the file carries. Box sizes are checked against their parent,
nesting is shallow and counts are capped, so a hostile file ends the walk; every
box, item and extent, and every byte an item's extents gather, counts against the
file's totals (:mod:`safetylab.formats.limits`), so extents that each cover the
whole file stop there.
This is the one place where safetylab reads the boxes of a HEIF-family file;
the handler in :mod:`safetylab.formats.heif` works on what it returns.

What this does not protect against: boxes and item types not listed here are
walked past, not read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..images import heif_brand
from . import limits

__all__ = ["HeifMeta", "parse"]

MAX_ITEMS = 4096


@dataclass
class HeifMeta:
    brand: str = ""
    exif: list[bytes] = field(default_factory=list)  # TIFF structures
    xmp: list[bytes] = field(default_factory=list)
    thumbnails: int = 0
    item_types: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _boxes(buf: bytes, start: int, end: int):
    pos = start
    budget = limits.current()
    while pos + 8 <= end:
        budget.spend(items=1)
        size, typ = struct.unpack(">I4s", buf[pos:pos + 8])
        hdr = 8
        if size == 1:
            if pos + 16 > end:
                return
            (size,) = struct.unpack(">Q", buf[pos + 8:pos + 16])
            hdr = 16
        elif size == 0:
            size = end - pos
        if size < hdr or pos + size > end:
            return
        yield typ, pos + hdr, pos + size
        pos += size


def _uint(buf: bytes, pos: int, size: int) -> int:
    if size == 0:
        return 0
    return int.from_bytes(buf[pos:pos + size], "big")


def _parse_iinf(buf, start, end, items, meta):
    version = buf[start]
    pos = start + 4
    pos += 2 if version == 0 else 4  # entry count; the boxes follow
    for typ, s, e in _boxes(buf, pos, end):
        if typ != b"infe" or e - s < 8:
            continue
        v = buf[s]
        p = s + 4
        if v < 2:
            continue
        if v == 2:
            item_id = _uint(buf, p, 2)
            p += 2
        else:
            item_id = _uint(buf, p, 4)
            p += 4
        p += 2  # protection index
        item_type = buf[p:p + 4]
        p += 4
        name_end = buf.find(b"\x00", p, e)
        p = e if name_end < 0 else name_end + 1
        content_type = b""
        if item_type == b"mime":
            ct_end = buf.find(b"\x00", p, e)
            content_type = buf[p:ct_end if ct_end >= 0 else e]
        items[item_id] = (item_type, content_type)
        meta.item_types.append(item_type.decode("latin-1", "replace"))
        if len(items) > MAX_ITEMS:
            break


def _parse_iloc(buf, start, end):
    locs = {}
    version = buf[start]
    p = start + 4
    if p + 2 > end:
        return locs
    off_size, len_size = buf[p] >> 4, buf[p] & 15
    base_size, idx_size = buf[p + 1] >> 4, (buf[p + 1] & 15 if version in (1, 2) else 0)
    p += 2
    count_size = 2 if version < 2 else 4
    count = _uint(buf, p, count_size)
    p += count_size
    for _ in range(min(count, MAX_ITEMS)):
        id_size = 2 if version < 2 else 4
        if p + id_size > end:
            break
        item_id = _uint(buf, p, id_size)
        p += id_size
        method = 0
        if version in (1, 2):
            method = _uint(buf, p, 2) & 15
            p += 2
        p += 2  # data reference index
        base = _uint(buf, p, base_size)
        p += base_size
        n_ext = _uint(buf, p, 2)
        p += 2
        limits.current().spend(items=1 + min(n_ext, 256))
        extents = []
        for _ in range(min(n_ext, 256)):
            p += idx_size
            off = _uint(buf, p, off_size)
            p += off_size
            ln = _uint(buf, p, len_size)
            p += len_size
            extents.append((base + off, ln))
        if p > end:
            break
        locs[item_id] = (method, extents)
    return locs


def parse(buf: bytes) -> HeifMeta:
    """Find the metadata items of a HEIF-family file (HEIC, HEIF, AVIF)."""
    meta = HeifMeta(brand=heif_brand(buf[:64]) or "")
    items: dict[int, tuple[bytes, bytes]] = {}
    locs: dict = {}
    idat: tuple[int, int] | None = None
    for typ, s, e in _boxes(buf, 0, len(buf)):
        if typ != b"meta":
            continue
        for ctyp, cs, ce in _boxes(buf, s + 4, e):
            try:
                if ctyp == b"iinf":
                    _parse_iinf(buf, cs, ce, items, meta)
                elif ctyp == b"iloc":
                    locs = _parse_iloc(buf, cs, ce)
                elif ctyp == b"idat":
                    idat = (cs, ce)
                elif ctyp == b"iref":
                    for rtyp, _rs, _re in _boxes(buf, cs + 4, ce):
                        if rtyp == b"thmb":
                            meta.thumbnails += 1
            except (IndexError, struct.error):
                meta.problems.append(f"damaged {ctyp.decode('latin-1', 'replace')} box")
        break
    for item_id, (itype, ctype) in items.items():
        # XMP is a "mime" item of type application/rdf+xml (some writers say ...xmp...)
        wanted = itype == b"Exif" or (itype == b"mime" and (b"rdf+xml" in ctype.lower() or b"xmp" in ctype.lower()))
        if not wanted or item_id not in locs:
            continue
        method, extents = locs[item_id]
        base = idat[0] if (method == 1 and idat) else 0
        parts: list[bytes] = []
        for off, ln in extents:
            a = base + off
            b = a + ln if ln else (idat[1] if method == 1 and idat else len(buf))
            if a < 0 or b > len(buf) or b - a > 64 * 1024 * 1024:
                meta.problems.append("metadata item out of range")
                parts = []
                break
            limits.current().spend(nbytes=b - a)
            parts.append(buf[a:b])
        data = b"".join(parts)
        if not data:
            continue
        if itype == b"Exif":
            if len(data) < 4:
                continue
            (skip,) = struct.unpack(">I", data[:4])
            tiff = data[4 + skip:] if 4 + skip < len(data) else b""
            if tiff.startswith(b"Exif\x00\x00"):
                tiff = tiff[6:]
            if tiff[:2] not in (b"II", b"MM"):  # some writers get the offset wrong
                k = min((i for i in (data.find(b"II*\x00"), data.find(b"MM\x00*")) if i >= 0),
                        default=-1)
                tiff = data[k:] if k >= 0 else b""
            if tiff:
                meta.exif.append(tiff)
        else:
            meta.xmp.append(data)
    return meta
