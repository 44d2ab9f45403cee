"""Serial numbers that camera makers keep in their private 'maker notes'.

Maker notes have no common format; these are the layouts of the makers whose
notes commonly hold a body, lens or internal serial number, or the owner's name
(Nikon, Fujifilm, Panasonic, Olympus/OM System, Canon, Pentax, Sigma, Ricoh,
Motorola, Reconyx, Nintendo; and FLIR's camera record, :func:`flir_serial`), each checked against ExifTool on the real-world corpus
(``benchmarks/makernotes_eval.py``). Anything unrecognised is simply skipped (the
report still says that maker notes are present).

What this does not protect against: makers not listed here (Sony's enciphered
notes; Phase One, whose IIQ raw files safetylab does not open, ...) keep their serial numbers unread (the notes are
still reported, and removed by cleaning).
"""

from __future__ import annotations

import struct

from . import tiff_ifds

__all__ = ["serials", "flir_serial"]


def _ifd0(buf: bytes, bo: str, first: int) -> tiff_ifds.Ifd | None:
    if first < 8 or first >= len(buf):
        return None
    return tiff_ifds.parse_from(buf, bo, first).ifds.get("IFD0")


def _text(ifd: tiff_ifds.Ifd | None, tag: int) -> str | None:
    if ifd is None or ifd.get(tag) is None:
        return None
    e = ifd.get(tag)
    v = e.text() if e.type in (1, 2, 7) else (str(e.first()) if e.first() else None)
    v = (v or "").replace("\x00", "").strip()
    return v if v and set(v) - {"0", " "} else None


def _hex(ifd: tiff_ifds.Ifd | None, tag: int, length: int) -> str | None:
    """The first ``length`` bytes of an UNDEFINED value as hex digits, as ExifTool shows them."""
    e = ifd.get(tag) if ifd is not None else None
    raw = e.raw[:length] if e is not None else b""
    return raw.hex() if len(raw) == length and any(raw) else None


def _mbo(mark: bytes, default: str) -> str:
    return {b"II": "<", b"MM": ">"}.get(mark, default)


def serials(t: tiff_ifds.Tiff) -> dict[str, str]:
    """``{"body"|"internal"|"lens"|"owner": value}`` from the maker notes of an EXIF block."""
    mn = t.get("Exif", 0x927C)
    if mn is None or not mn.raw or mn.offset < 0:
        return {}
    make = (t.text("IFD0", 0x010F) or "").upper()
    d, off, bo = mn.raw, mn.offset, t.byteorder
    out: dict[str, str] = {}

    def put(key: str, value: str | None) -> None:
        if value:
            out.setdefault(key, value)

    try:
        if d.startswith(b"Nikon\x00\x02"):
            sub = tiff_ifds.parse(d[10:]).ifds.get("IFD0")
            if (v := _text(sub, 0x001D) or _text(sub, 0x00A0)):
                out["body"] = v.removeprefix("NO=").strip()
        elif d.startswith(b"FUJIFILM"):
            (first,) = struct.unpack("<I", d[8:12])
            put("internal", _text(_ifd0(d, "<", first), 0x0010))
        elif d.startswith(b"Panasonic\x00"):
            put("internal", _text(_ifd0(t.buf, bo, off + 12), 0x0025))
        elif d.startswith((b"OLYMPUS\x00", b"OM SYSTEM", b"OLYMP\x00")):
            if d.startswith(b"OLYMP\x00"):  # old style: offsets count from the EXIF header
                base, mbo, start = t.buf, bo, off + 8
            else:  # new style: offsets count from the start of the maker note
                base, start = d, (12 if d.startswith(b"OLYMPUS") else 16)
                mbo = _mbo(d[start - 4:start - 2], ">")
            ifd = _ifd0(base, mbo, start)
            eq = ifd.get(0x2010) if ifd else None
            if eq is not None and eq.first():
                # the Equipment directory: a pointer, or (type UNDEFINED) stored in place
                where = eq.offset if eq.type == 7 else int(eq.first())
                sub = _ifd0(base, mbo, where)
                put("body", _text(sub, 0x0101))
                put("internal", _text(sub, 0x0102))
                put("lens", _text(sub, 0x0202))
        elif make.startswith("CANON"):
            ifd = _ifd0(t.buf, bo, off)
            put("internal", _text(ifd, 0x0096))
            put("body", _text(ifd, 0x000C))
            owner = _text(ifd, 0x0009)  # OwnerName: the name set in the camera's menu
            put("owner", owner if owner and owner.lower() != "unknown" else None)
            put("lens", _hex(ifd, 0x4019, 5))  # LensInfo: the lens's serial number first
        elif d.startswith((b"AOC\x00", b"PENTAX \x00")) or make.startswith(("PENTAX", "RICOH IMAGING")):
            if d.startswith(b"PENTAX \x00"):  # new style: offsets from the maker note, IFD at 10
                base, mbo, start = d, _mbo(d[8:10], bo), 10
            else:
                base, start = t.buf, off + (6 if d.startswith(b"AOC\x00") else 0)
                mbo = _mbo(d[4:6], bo) if d.startswith(b"AOC\x00") else bo
            ifd = _ifd0(base, mbo, start)
            put("body", _text(ifd, 0x0229))
            info = ifd.get(0x0215) if ifd is not None else None  # CameraInfo: 5 x int32u
            if info is not None and len(info.raw) >= 20:
                (internal,) = struct.unpack(mbo + "I", info.raw[16:20])
                put("internal", str(internal) if internal else None)
        elif d.startswith((b"SIGMA\x00", b"FOVEON\x00")):  # IFD at 10, offsets from the EXIF header
            put("body", _text(_ifd0(t.buf, bo, off + 10), 0x0002))
        elif d.startswith((b"Ricoh", b"RICOH")):  # IFD at 8, offsets from the EXIF header
            put("internal", _hex(_ifd0(t.buf, bo, off + 8), 0x0005, 16))
        elif d.startswith(b"MOT\x00"):  # Motorola: IFD at 8, offsets from the maker note's start
            put("body", _text(_ifd0(d, bo, 8), 0x5501))
        elif make.startswith("NINTENDO"):  # a plain IFD; CameraInfo (0x1101) holds it at 0x18
            ifd = _ifd0(t.buf, bo, off)
            info = ifd.get(0x1101) if ifd is not None else None
            raw = info.raw[0x18:0x1C] if info is not None else b""
            put("internal", "0x" + raw.hex() if len(raw) == 4 and any(raw) else None)
        elif d.startswith(b"\x01\xf1") and len(d) >= 72:  # Reconyx HyperFire: fixed places
            serial = d[42:72].decode("utf-16-le", "replace").split("\x00")[0].strip()
            put("body", serial or None)
    except (ValueError, IndexError, struct.error, TypeError):
        return out
    return out


def flir_serial(fff: bytes) -> str | None:
    """The camera's serial number in a FLIR thermal camera's FFF record (JPEG APP1 "FLIR" segments).

    The FFF header names a directory of records; record type 0x20 (camera
    information) holds the serial number at 0x104 (16 characters).
    """
    if not fff.startswith(b"FFF\x00") or len(fff) < 64:
        return None
    try:
        start, count = struct.unpack(">II", fff[24:32])
        for i in range(min(count, 64)):
            entry = fff[start + 32 * i:start + 32 * i + 20]
            if len(entry) < 20:
                break
            kind, _sub, _version, _index, where, length = struct.unpack(">HHIIII", entry)
            if kind == 0x20 and length >= 0x114 and where + length <= len(fff):
                serial = fff[where + 0x104:where + 0x114].split(b"\x00")[0].decode("latin-1").strip()
                return serial if serial and set(serial) - {"0"} else None
    except struct.error:
        return None
    return None
