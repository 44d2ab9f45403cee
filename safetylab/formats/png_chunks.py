"""PNG at the level of its chunks: list them, read text chunks safely, rebuild.

Every chunk, and every byte of compressed text unpacked, counts against the
file's totals (:mod:`safetylab.formats.limits`): one text chunk unpacks to at most
:data:`MAX_TEXT` bytes, and all of them together to at most the file's budget.

What this does not protect against: nothing here judges what a chunk holds;
that is :mod:`safetylab.formats.png`'s work.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from ..errors import NotAPhotoError
from . import limits

__all__ = ["Chunk", "PngFile", "parse", "build", "chunk", "text_of", "MAX_TEXT"]

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT = 4 * 1024 * 1024  # decompressed text is capped: zTXt/iTXt bombs stop here


@dataclass(frozen=True)
class Chunk:
    type: bytes
    data: bytes
    crc_ok: bool = True

    @property
    def name(self) -> str:
        return self.type.decode("latin-1")

    def encode(self) -> bytes:
        return (struct.pack(">I", len(self.data)) + self.type + self.data
                + struct.pack(">I", zlib.crc32(self.type + self.data) & 0xFFFFFFFF))


@dataclass
class PngFile:
    chunks: list[Chunk]
    truncated: bool = False
    trailer: bytes = b""

    def find(self, ctype: bytes) -> list[Chunk]:
        return [c for c in self.chunks if c.type == ctype]


def parse(buf: bytes) -> PngFile:
    """Split PNG bytes into chunks (stops at IEND, a bad length, or the end of the data).

    Examples
    --------
    >>> parse(SIGNATURE + chunk(b"IEND", b"").encode()).chunks[0].name
    'IEND'
    """
    if not buf.startswith(SIGNATURE):
        raise NotAPhotoError("This file is not a PNG image.")
    out = PngFile(chunks=[])
    pos, n = len(SIGNATURE), len(buf)
    budget = limits.current()
    while pos < n:
        budget.spend(items=1)
        if pos + 8 > n:
            out.truncated = True
            break
        length, ctype = struct.unpack(">I4s", buf[pos:pos + 8])
        end = pos + 8 + length + 4
        if length > 0x7FFFFFFF or end > n:
            out.truncated = True
            break
        data = buf[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", buf[end - 4:end])
        out.chunks.append(Chunk(ctype, data, crc == zlib.crc32(ctype + data) & 0xFFFFFFFF))
        pos = end
        if ctype == b"IEND":
            out.trailer = buf[pos:]
            return out
    out.truncated = True
    return out


def build(chunks: list[Chunk]) -> bytes:
    return SIGNATURE + b"".join(c.encode() for c in chunks)


def chunk(ctype: bytes, data: bytes) -> Chunk:
    return Chunk(ctype, data)


def _inflate(data: bytes) -> bytes:
    budget = limits.current()
    d = zlib.decompressobj()
    out = d.decompress(data, MAX_TEXT)
    budget.spend(nbytes=len(out))
    if d.unconsumed_tail:
        raise ValueError("compressed text too large")
    return out


def text_of(c: Chunk) -> tuple[str, str] | None:
    """``(keyword, text)`` of a tEXt, zTXt or iTXt chunk; None if unreadable.

    Decompression is capped at :data:`MAX_TEXT`, so a text bomb raises
    ``ValueError`` instead of filling memory; many chunks together stop at the
    file's budget (:class:`~safetylab.formats.limits.Exceeded`).
    """
    data = c.data
    key, sep, rest = data.partition(b"\x00")
    if not sep:
        return None
    keyword = key.decode("latin-1")
    try:
        if c.type == b"tEXt":
            return keyword, rest.decode("latin-1")
        if c.type == b"zTXt":
            return keyword, _inflate(rest[1:]).decode("latin-1")
        if c.type == b"iTXt":
            if len(rest) < 2:
                return None
            compressed, rest = rest[0], rest[2:]  # rest[1]: the method (always zlib)
            _lang, _, rest = rest.partition(b"\x00")
            _tkey, _, text = rest.partition(b"\x00")
            if compressed:
                text = _inflate(text)
            return keyword, text.decode("utf-8", "replace")
    except zlib.error:
        return None
    return None
