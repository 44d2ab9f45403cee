"""Hostile files, made in code: each one is built to make a careless reader slow or greedy.

Every builder writes one file into a folder and returns its path; nothing here is
committed as a binary file. The unit tests (``tests/test_hostile.py``) check that
safetylab reads each within its totals, and ``make bench`` (``benchmarks/run.py``)
runs each in a fresh process and reports its time and peak memory beside the goal
(10 s, 1 GiB). ``scale`` shrinks a class for a quick unit test; ``1.0`` is the size
the issue names.

The classes:

- ``png_exif_same_megabyte``: a PNG whose eXIf blocks hold directories whose every
  entry points at the same 1 MB of data;
- ``heif_whole_file_extents``: a HEIF whose Exif items have hundreds of extents, each
  covering the whole file;
- ``xmp_many_items``: XMP with 100,000 list items (in a PNG iTXt chunk);
- ``jpeg_many_comments``: a JPEG with 100,000 comment segments;
- ``png_ztxt_many``: thousands of zTXt chunks, each unpacking to megabytes;
- ``tiff_many_big_frames``: a TIFF with 24 frames of 9000 x 9000 pixels;
- ``xmp_deep``: XMP nested deeper than any parser's recursion limit.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image

__all__ = ["CLASSES", "build", "png_exif_same_megabyte", "heif_whole_file_extents", "xmp_many_items",
           "jpeg_many_comments", "png_ztxt_many", "tiff_many_big_frames", "xmp_deep", "png_bytes",
           "png_chunk", "tiff_ifd_chain", "tiff_pages"]


def png_chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF)


def png_bytes(size=(8, 8), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, 128 if mode == "L" else (30, 90, 150)).save(buf, "PNG")
    return buf.getvalue()


def _png_with(chunks: list[bytes]) -> bytes:
    """A small valid PNG with ``chunks`` (encoded) inserted before its image data."""
    base = png_bytes()
    at = base.index(b"IDAT") - 4
    return base[:at] + b"".join(chunks) + base[at:]


def tiff_ifd_chain(n_ifds: int, entries: int, value_len: int) -> bytes:
    """A little-endian TIFF structure: ``n_ifds`` chained directories of ``entries``
    UNDEFINED entries each, every one pointing at the same ``value_len`` bytes."""
    head = 8
    ifd_size = 2 + 12 * entries + 4
    data_at = head + n_ifds * ifd_size
    out = bytearray(b"II*\x00" + struct.pack("<I", head))
    for k in range(n_ifds):
        out += struct.pack("<H", entries)
        for i in range(entries):
            out += struct.pack("<HHII", 0x1000 + i, 7, value_len, data_at)
        nxt = head + (k + 1) * ifd_size if k + 1 < n_ifds else 0
        out += struct.pack("<I", nxt)
    out += bytes(range(256)) * (value_len // 256) + b"\x00" * (value_len % 256)
    return bytes(out)


def png_exif_same_megabyte(folder: Path, scale: float = 1.0) -> Path:
    """eXIf blocks of 64 chained directories x 1000 entries, all pointing at one 1 MB value."""
    block = tiff_ifd_chain(max(1, int(64 * scale)), max(1, int(1000 * scale)), 1 << 20)
    n_chunks = max(1, int(4 * scale))
    path = Path(folder) / "exif-same-megabyte.png"
    path.write_bytes(_png_with([png_chunk(b"eXIf", block)] * n_chunks))
    return path


def _box(typ: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), typ) + payload


def _full(typ: bytes, version: int, payload: bytes) -> bytes:
    return _box(typ, bytes((version, 0, 0, 0)) + payload)


def heif_whole_file_extents(folder: Path, scale: float = 1.0) -> Path:
    """A HEIF whose 64 Exif items each have 256 extents covering the whole (16 MB) file."""
    n_items, n_ext = max(1, int(64 * scale)), max(2, int(256 * scale))
    pad = max(1 << 16, int((16 << 20) * scale))
    ftyp = _box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")
    hdlr = _full(b"hdlr", 0, b"\x00" * 4 + b"pict" + b"\x00" * 12 + b"\x00")
    infes = b"".join(_full(b"infe", 2, struct.pack(">HH", i + 1, 0) + b"Exif" + b"\x00")
                     for i in range(n_items))
    iinf = _full(b"iinf", 0, struct.pack(">H", n_items) + infes)
    # iloc version 1: offset 4 bytes, length 4 bytes, base offset 0, index 0
    body = bytes((0x44, 0x00)) + struct.pack(">H", n_items)
    for i in range(n_items):
        body += struct.pack(">HHHH", i + 1, 0, 0, n_ext)
        body += struct.pack(">II", 0, 0) * n_ext  # length 0: "to the end of the file"
    iloc = _full(b"iloc", 1, body)
    meta = _full(b"meta", 0, hdlr + iinf + iloc)
    mdat = _box(b"mdat", b"\x00\x00\x00\x06Exif\x00\x00" + b"II*\x00\x08\x00\x00\x00" + b"\x00" * pad)
    path = Path(folder) / "whole-file-extents.heic"
    path.write_bytes(ftyp + meta + mdat)
    return path


def _xmp_packet(inner: str) -> bytes:
    return ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">' + inner +
            '</rdf:Description></rdf:RDF></x:xmpmeta>').encode()


def _itxt(keyword: bytes, text: bytes) -> bytes:
    return png_chunk(b"iTXt", keyword + b"\x00\x00\x00\x00\x00" + text)


def xmp_many_items(folder: Path, scale: float = 1.0) -> Path:
    """A PNG whose XMP packet lists 100,000 different keywords (and as many creators)."""
    n = max(1, int(100_000 * scale))
    items = "".join(f"<rdf:li>k{i}</rdf:li>" for i in range(n))
    packet = _xmp_packet(f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>"
                         f"<dc:creator><rdf:Seq>{items}</rdf:Seq></dc:creator>")
    path = Path(folder) / "xmp-many-items.png"
    path.write_bytes(_png_with([_itxt(b"XML:com.adobe.xmp", packet)]))
    return path


def xmp_deep(folder: Path, depth: int = 100_000, *, gps: bool = True) -> Path:
    """A JPEG with GPS in EXIF and an XMP packet nested ``depth`` elements deep (in extended XMP)."""
    import piexif

    deep = "<dc:a>" * depth + "x" + "</dc:a>" * depth
    packet = _xmp_packet(deep)
    im = Image.new("RGB", (16, 16), (90, 90, 90))
    exif = {"GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (0, 1)),
                    piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (17, 1), (0, 1))}}
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=piexif.dump(exif) if gps else b"")
    jpeg = buf.getvalue()
    segs = _extended_xmp_segments(packet)
    path = Path(folder) / "xmp-deep.jpg"
    path.write_bytes(jpeg[:2] + segs + jpeg[2:])
    return path


def _extended_xmp_segments(packet: bytes) -> bytes:
    """A main XMP packet pointing at an extended one, then the extended one in 64 KB parts."""
    import hashlib

    guid = hashlib.md5(packet).hexdigest().upper().encode()
    main = (b"http://ns.adobe.com/xap/1.0/\x00" + b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            b'xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="' + guid +
            b'"/></rdf:RDF></x:xmpmeta>')
    out = b"\xff\xe1" + struct.pack(">H", len(main) + 2) + main
    part = 65000
    for off in range(0, len(packet), part):
        payload = (b"http://ns.adobe.com/xmp/extension/\x00" + guid + struct.pack(">II", len(packet), off)
                   + packet[off:off + part])
        out += b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return out


def jpeg_many_comments(folder: Path, scale: float = 1.0) -> Path:
    """A JPEG with 100,000 different comment segments."""
    n = max(1, int(100_000 * scale))
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 90, 90)).save(buf, "JPEG")
    jpeg = buf.getvalue()
    coms = b"".join(b"\xff\xfe" + struct.pack(">H", 2 + len(t)) + t
                    for t in (f"comment {i}".encode() for i in range(n)))
    path = Path(folder) / "many-comments.jpg"
    path.write_bytes(jpeg[:2] + coms + jpeg[2:])
    return path


def png_ztxt_many(folder: Path, scale: float = 1.0) -> Path:
    """A PNG with 3000 zTXt chunks, each unpacking to 4 MB (12 GB in all)."""
    n = max(1, int(3000 * scale))
    inflated = 4 * 1024 * 1024
    packed = zlib.compress(b"A" * inflated, 9)
    chunks = [png_chunk(b"zTXt", f"note{i}".encode() + b"\x00\x00" + packed) for i in range(n)]
    path = Path(folder) / "ztxt-many.png"
    path.write_bytes(_png_with(chunks))
    return path


def tiff_pages(path: Path, sides: list[int], *, value: int = 77) -> Path:
    """A grey TIFF with one square page per entry of ``sides``; pages of one size share one
    deflated strip, so the file stays small whatever the pages claim."""
    strips: dict[int, bytes] = {}
    for side in sides:
        if side not in strips:
            strips[side] = zlib.compress(bytes([value]) * min(side * side, 1 << 26), 9)
    n_tags = 9
    ifd_size = 2 + 12 * n_tags + 4
    at = 8 + len(sides) * ifd_size
    strip_at = {}
    for side, strip in strips.items():
        strip_at[side] = at
        at += len(strip)
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for k, side in enumerate(sides):
        entries = [(256, 4, side), (257, 4, side), (258, 3, 8), (259, 3, 8), (262, 3, 1),
                   (273, 4, strip_at[side]), (277, 3, 1), (278, 4, side), (279, 4, len(strips[side]))]
        out += struct.pack("<H", n_tags)
        for tag, typ, v in entries:
            out += struct.pack("<HHI", tag, typ, 1) + (struct.pack("<I", v) if typ == 4 else struct.pack("<HH", v, 0))
        out += struct.pack("<I", 8 + (k + 1) * ifd_size if k + 1 < len(sides) else 0)
    Path(path).write_bytes(bytes(out) + b"".join(strips.values()))
    return Path(path)


def tiff_many_big_frames(folder: Path, scale: float = 1.0, *, frames: int = 24) -> Path:
    """A TIFF of ``frames`` grey pages of 9000 x 9000 pixels, all sharing one deflated strip (a small file)."""
    side = max(16, int(9000 * scale))
    return tiff_pages(Path(folder) / "many-big-frames.tif", [side] * frames)


#: Every hostile class, by name: the builder ``(folder, scale) -> path``.
CLASSES = {
    "png_exif_same_megabyte": png_exif_same_megabyte,
    "heif_whole_file_extents": heif_whole_file_extents,
    "xmp_many_items": xmp_many_items,
    "jpeg_many_comments": jpeg_many_comments,
    "png_ztxt_many": png_ztxt_many,
    "tiff_many_big_frames": tiff_many_big_frames,
}


def build(name: str, folder: Path, scale: float = 1.0) -> Path:
    """Write the hostile file of class ``name`` into ``folder``."""
    return CLASSES[name](Path(folder), scale)
