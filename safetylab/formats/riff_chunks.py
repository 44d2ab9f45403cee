"""WebP (RIFF) at the level of its chunks: list them and rebuild.

Every chunk counts against the file's totals (:mod:`safetylab.formats.limits`).

What this does not protect against: nothing here judges what a chunk holds;
that is :mod:`safetylab.formats.webp`'s work.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import NotAPhotoError
from . import limits

__all__ = ["Chunk", "WebpFile", "parse", "build"]

# VP8X feature flags
ICC_FLAG, ALPHA_FLAG, EXIF_FLAG, XMP_FLAG, ANIM_FLAG = 0x20, 0x10, 0x08, 0x04, 0x02


@dataclass(frozen=True)
class Chunk:
    fourcc: bytes
    data: bytes

    @property
    def name(self) -> str:
        return self.fourcc.decode("latin-1").strip()

    def encode(self) -> bytes:
        pad = b"\x00" if len(self.data) % 2 else b""
        return self.fourcc + struct.pack("<I", len(self.data)) + self.data + pad


@dataclass
class WebpFile:
    chunks: list[Chunk]
    truncated: bool = False

    def find(self, fourcc: bytes) -> list[Chunk]:
        return [c for c in self.chunks if c.fourcc == fourcc]

    def size(self) -> tuple[int, int] | None:
        """Canvas size from VP8X, VP8 or VP8L, without decoding."""
        for c in self.chunks:
            d = c.data
            if c.fourcc == b"VP8X" and len(d) >= 10:
                w = int.from_bytes(d[4:7], "little") + 1
                h = int.from_bytes(d[7:10], "little") + 1
                return w, h
            if c.fourcc == b"VP8 " and len(d) >= 10 and d[3:6] == b"\x9d\x01\x2a":
                w, h = struct.unpack("<HH", d[6:10])
                return w & 0x3FFF, h & 0x3FFF
            if c.fourcc == b"VP8L" and len(d) >= 5 and d[0] == 0x2F:
                bits = int.from_bytes(d[1:5], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        return None


def parse(buf: bytes) -> WebpFile:
    """Split a WebP file into its chunks.

    Examples
    --------
    >>> parse(b"RIFF\\x04\\x00\\x00\\x00WEBP").chunks
    []
    """
    if len(buf) < 12 or buf[:4] != b"RIFF" or buf[8:12] != b"WEBP":
        raise NotAPhotoError("This file is not a WebP image.")
    out = WebpFile(chunks=[])
    (riff_size,) = struct.unpack("<I", buf[4:8])
    n = min(len(buf), 8 + riff_size)
    if 8 + riff_size > len(buf):
        out.truncated = True
    pos = 12
    budget = limits.current()
    while pos + 8 <= n:
        budget.spend(items=1)
        fourcc = buf[pos:pos + 4]
        (size,) = struct.unpack("<I", buf[pos + 4:pos + 8])
        if pos + 8 + size > n:
            out.truncated = True
            break
        out.chunks.append(Chunk(fourcc, buf[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return out


def build(chunks: list[Chunk]) -> bytes:
    body = b"WEBP" + b"".join(c.encode() for c in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
