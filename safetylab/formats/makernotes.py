"""Serial numbers that camera makers keep in their private 'maker notes'.

Maker notes have no common format; these are the layouts of the makers whose
notes commonly hold a body or internal serial number. Anything unrecognised is
simply skipped (the report still says that maker notes are present).

What this does not protect against: makers not listed here keep their serial
numbers unread (the notes are still reported, and removed by cleaning).
"""

from __future__ import annotations

import struct

from . import tiff_ifds

__all__ = ["serials"]


def _header(bo: str, first: int) -> bytes:
    return (b"II*\x00" if bo == "<" else b"MM\x00*") + struct.pack(bo + "I", first)


def _ifd0(buf: bytes, bo: str, first: int) -> tiff_ifds.Ifd | None:
    if first < 8 or first >= len(buf):
        return None
    try:
        t = tiff_ifds.parse(_header(bo, first) + buf[8:])
    except ValueError:
        return None
    return t.ifds.get("IFD0")


def _text(ifd: tiff_ifds.Ifd | None, tag: int) -> str | None:
    if ifd is None or ifd.get(tag) is None:
        return None
    e = ifd.get(tag)
    v = e.text() if e.type in (1, 2, 7) else (str(e.first()) if e.first() else None)
    v = (v or "").strip(" \x00")
    return v if v and set(v) - {"0", " "} else None


def serials(t: tiff_ifds.Tiff) -> dict[str, str]:
    """``{"body"|"internal"|"lens": serial}`` from the maker notes of an EXIF block."""
    mn = t.get("Exif", 0x927C)
    if mn is None or not mn.raw or mn.offset < 0:
        return {}
    make = (t.text("IFD0", 0x010F) or "").upper()
    d, off, bo = mn.raw, mn.offset, t.byteorder
    out: dict[str, str] = {}
    try:
        if d.startswith(b"Nikon\x00\x02"):
            sub = tiff_ifds.parse(d[10:]).ifds.get("IFD0")
            if (v := _text(sub, 0x001D) or _text(sub, 0x00A0)):
                out["body"] = v.removeprefix("NO=").strip()
        elif d.startswith(b"FUJIFILM"):
            (first,) = struct.unpack("<I", d[8:12])
            if (v := _text(_ifd0(d, "<", first), 0x0010)):
                out["internal"] = v
        elif d.startswith(b"Panasonic\x00"):
            if (v := _text(_ifd0(t.buf, bo, off + 12), 0x0025)):
                out["internal"] = v
        elif d.startswith((b"OLYMPUS\x00", b"OM SYSTEM", b"OLYMP\x00")):
            if d.startswith(b"OLYMP\x00"):  # old style: offsets count from the EXIF header
                base, mbo, start = t.buf, bo, off + 8
            else:  # new style: offsets count from the start of the maker note
                base, start = d, (12 if d.startswith(b"OLYMPUS") else 16)
                mbo = "<" if d[start - 4:start - 2] == b"II" else ">"
            ifd = _ifd0(base, mbo, start)
            eq = ifd.get(0x2010) if ifd else None
            if eq is not None and eq.first():
                # the Equipment directory: a pointer, or (type UNDEFINED) stored in place
                where = eq.offset if eq.type == 7 else int(eq.first())
                sub = _ifd0(base, mbo, where)
                if (v := _text(sub, 0x0101)):
                    out["body"] = v
                if (v := _text(sub, 0x0102)):
                    out["internal"] = v
                if (v := _text(sub, 0x0202)):
                    out["lens"] = v
        elif make.startswith("CANON"):
            ifd = _ifd0(t.buf, bo, off)
            if (v := _text(ifd, 0x0096)):
                out["internal"] = v
            if (v := _text(ifd, 0x000C)):
                out["body"] = v
        elif d.startswith(b"AOC\x00") or make.startswith("PENTAX"):
            start = 6 if d.startswith(b"AOC\x00") else 0
            if (v := _text(_ifd0(t.buf, bo, off + start), 0x0229)):
                out["body"] = v
    except (ValueError, IndexError, struct.error, TypeError):
        return out
    return out
