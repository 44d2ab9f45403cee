"""IPTC-IIM records and the Photoshop resource blocks (8BIM) that carry them.

:func:`parse_iim` and :func:`parse_8bim` read the bytes; :func:`apply` and
:func:`apply_photoshop` add what they say (by-line, places, caption, date, a
Photoshop thumbnail, an XMP packet) to a :class:`~safetylab.formats.record.Metadata`
record; :func:`app13` writes a block (the samples use it).

What this does *not* protect against: datasets not listed in :data:`FIELDS`
count as an IPTC block but are not named in the report.
"""

from __future__ import annotations

import struct

from . import limits, previews, xmp
from .limits import MAX_VALUES
from .record import Metadata, iso_date

__all__ = ["FIELDS", "parse_iim", "parse_8bim", "PS_IPTC", "PS_THUMBNAIL", "PS_THUMBNAIL_OLD",
           "PS_XMP", "apply", "apply_photoshop", "app13"]

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
    budget = limits.current()
    while pos + 5 <= n:
        if buf[pos] != 0x1C:
            nxt = buf.find(b"\x1c", pos + 1)
            if nxt < 0:
                break
            pos = nxt
            continue
        budget.spend(items=1)
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
    budget = limits.current()
    while pos + 12 <= n:
        budget.spend(items=1)
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


def app13(datasets: list[tuple[int, int, bytes]]) -> bytes:
    """A Photoshop APP13 payload holding IPTC-IIM ``(record, dataset, value)`` in resource 0x0404.

    Examples
    --------
    >>> payload = app13([(2, 90, b"Paris")])
    >>> parse_iim(parse_8bim(payload)[PS_IPTC])
    {'City': ['Paris']}
    """
    iim = b"".join(b"\x1c" + bytes((rec, num)) + struct.pack(">H", len(value)) + value
                   for rec, num, value in sorted(datasets, key=lambda d: (d[0], d[1])))
    if len(iim) % 2:
        iim += b"\0"
    resource = b"8BIM" + struct.pack(">H", PS_IPTC) + b"\0\0" + struct.pack(">I", len(iim)) + iim
    return b"Photoshop 3.0\0" + resource


# ---------------------------------------------------------------------------
# what the records say, added to the record

_OWNER = (("By-line", "IPTC By-line"), ("CopyrightNotice", "IPTC CopyrightNotice"),
          ("Writer-Editor", "IPTC Writer-Editor"))
_PLACE = (("City", "city"), ("Sub-location", "sublocation"), ("Province-State", "state"),
          ("Country-PrimaryLocationName", "country"),
          ("Country-PrimaryLocationCode", "country_code"))


def apply(md: Metadata, data: bytes) -> None:
    """Add what IPTC-IIM records say to ``md``."""
    fields = parse_iim(data)
    md.add_block("IPTC")
    for k, v in fields.items():
        md.add_values(md.iptc, k, v)
    md.add_named(fields, _OWNER, _PLACE)
    if not md.taken_at and fields.get("DateCreated"):
        d = fields["DateCreated"][0]
        tm = (fields.get("TimeCreated") or [""])[0]
        text = f"{d[:4]}:{d[4:6]}:{d[6:8]}"
        offset = None
        if len(tm) >= 6:
            text += f" {tm[:2]}:{tm[2:4]}:{tm[4:6]}"
            offset = tm[6:] or None
        iso = iso_date(text, offset)
        if iso:
            md.taken_at, md.taken_at_source = iso, "IPTC DateCreated"
    for v in fields.get("Caption-Abstract", [])[:MAX_VALUES]:
        md.add_comment(v)


def apply_photoshop(md: Metadata, data: bytes) -> None:
    """Add what Photoshop image resources carry (IPTC, a thumbnail, XMP) to ``md``."""
    md.add_block("Photoshop")
    res = parse_8bim(data)
    if PS_IPTC in res and res[PS_IPTC]:
        apply(md, res[PS_IPTC])
    for rid in (PS_THUMBNAIL, PS_THUMBNAIL_OLD):
        thumb = res.get(rid)
        if thumb and len(thumb) > 28 and md.thumbnail is None:
            previews.offer_jpeg(md, thumb[28:], "Photoshop thumbnail")
    if PS_XMP in res:
        xmp.apply(md, res[PS_XMP])
