"""Second pictures inside a photo file: thumbnails and previews.

Cameras and editors store small copies of the picture in EXIF (IFD1), in JFIF
headers, in Photoshop resources, in FlashPix data and after the end of the
JPEG itself. An editor that crops the picture does not always update them, so a
thumbnail can still show what was cut out. These helpers offer each candidate
to the :class:`~safetylab.formats.record.Metadata` record, which keeps the best one.

What this does *not* protect against: previews this code does not know about
(a maker's private format, say) are still counted as blocks where they are
recognised, but not shown.
"""

from __future__ import annotations

import struct
import zlib

from ..errors import SafetyLabError
from . import jpeg_segments
from .record import Metadata, Thumbnail, decode_small

__all__ = ["jpeg_size", "offer_jpeg", "offer_rgb", "rgb_png", "scan_embedded_jpegs", "unreadable"]


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of JPEG bytes from their frame header, or None.

    Examples
    --------
    >>> jpeg_size(b"not a jpeg") is None
    True
    """
    try:
        return jpeg_segments.parse(data).size()
    except SafetyLabError:
        return None


def offer_jpeg(md: Metadata, data: bytes, source: str) -> None:
    """Offer an embedded JPEG as the thumbnail; the larger one wins, except over EXIF IFD1.

    Only its structure is read here (decoding waits until it is compared with the
    picture); one that is not a JPEG at all is recorded as there but unreadable.
    """
    md.add_block("Thumbnail")
    size = jpeg_size(data)
    if size is None:
        unreadable(md, source)
        return
    cur = md.thumbnail
    if cur is None or cur.readable is False or (cur.width or 0) < size[0] and "IFD1" not in cur.source:
        md.thumbnail = Thumbnail(True, size[0], size[1], source, data=data)


def unreadable(md: Metadata, source: str) -> None:
    """Record that a preview is there (its block is named) though it cannot be read."""
    md.add_block("Thumbnail")
    if md.thumbnail is None:
        md.thumbnail = Thumbnail(True, None, None, source, readable=False)


def offer_rgb(md: Metadata, raw: bytes, width: int, height: int, source: str) -> None:
    """Record raw RGB pixels (old cameras, JFIF headers) as the thumbnail, kept as PNG bytes."""
    md.thumbnail = Thumbnail(True, width, height, source, data=rgb_png(raw, width, height))


def rgb_png(raw: bytes, width: int, height: int) -> bytes:
    """``width`` x ``height`` raw 8-bit RGB pixels as a PNG file, made with zlib alone (reading
    a file's metadata never needs to load an image library for it).

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> png = rgb_png(bytes([255, 0, 0, 0, 0, 255]), 2, 1)
    >>> Image.open(io.BytesIO(png)).convert("RGB").tobytes() == bytes([255, 0, 0, 0, 0, 255])
    True
    """
    stride = 3 * width
    lines = b"".join(b"\x00" + raw[y * stride:(y + 1) * stride] for y in range(height))  # filter 0: none

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(lines, 6))
            + chunk(b"IEND", b""))


def scan_embedded_jpegs(md: Metadata, blob: bytes, where: str, limit: int = 8) -> None:
    """Look for a whole JPEG (at least 16 x 16 pixels) anywhere inside ``blob``; keep the first."""
    pos = 0
    for _ in range(limit):
        k = blob.find(b"\xff\xd8\xff", pos)
        if k < 0:
            return
        pos = k + 3
        end = blob.find(b"\xff\xd9", k)
        if end < 0:
            return
        data = blob[k:end + 2]
        size = jpeg_size(data)
        if size and size[0] >= 16 and size[1] >= 16 and decode_small(data) is not None:
            md.add_block("Thumbnail")
            md.thumbnail = Thumbnail(True, size[0], size[1], f"preview {where}", data=data)
            return
