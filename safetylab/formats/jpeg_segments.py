"""JPEG at the level of its segments: split a file into markers, rebuild it.

This is the one place where safetylab reads the bytes of a JPEG file; the
handler in :mod:`safetylab.formats.jpeg` works on the segments it returns.

Nothing here decodes pixels. Splitting is bounded by the data itself (every step
moves forward), so a malformed file ends the walk instead of looping, and a
truncated one is reported as such rather than raising from deep inside. Every
segment counts against the file's totals (:mod:`safetylab.formats.limits`).

What this does not protect against: nothing here judges what a segment holds;
that is the handler's and the block readers' work.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from ..errors import CorruptFileError, NotAPhotoError
from . import limits

__all__ = ["Segment", "JpegFile", "parse", "build", "app_segment", "marker_name",
           "insert_after_app", "afcp", "SOI", "EOI", "SOS", "COM", "SOF"]

SOI, EOI, SOS, COM = 0xD8, 0xD9, 0xDA, 0xFE
_STANDALONE = {0x01, SOI, EOI, *range(0xD0, 0xD8)}
#: The start-of-frame markers (each holds the pixel size).
SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def marker_name(marker: int) -> str:
    """A short human name for a marker byte, e.g. ``APP1`` or ``SOF0``."""
    if 0xE0 <= marker <= 0xEF:
        return f"APP{marker - 0xE0}"
    if marker in SOF:
        return f"SOF{marker - 0xC0}"
    return {0xDB: "DQT", 0xC4: "DHT", 0xDD: "DRI", SOS: "SOS", COM: "COM",
            0xCC: "DAC", 0xDC: "DNL"}.get(marker, f"0x{marker:02X}")


@dataclass(frozen=True)
class Segment:
    """One marker segment. ``data`` is the payload (after the 2-byte length).

    For ``SOS`` the entropy-coded scan that follows is kept in ``scan``.
    """

    marker: int
    data: bytes
    scan: bytes = b""

    @property
    def name(self) -> str:
        return marker_name(self.marker)

    def startswith(self, prefix: bytes) -> bool:
        return self.data.startswith(prefix)

    def encode(self) -> bytes:
        if self.marker in _STANDALONE:
            return bytes((0xFF, self.marker))
        return bytes((0xFF, self.marker)) + struct.pack(">H", len(self.data) + 2) + self.data + self.scan


@dataclass
class JpegFile:
    """The segments of a JPEG, what follows its end, and what went wrong."""

    segments: list[Segment] = field(default_factory=list)
    trailer: bytes = b""
    truncated: bool = False
    junk_bytes: int = 0

    def find(self, marker: int, prefix: bytes = b"") -> list[Segment]:
        return [s for s in self.segments if s.marker == marker and s.data.startswith(prefix)]

    @property
    def frame(self) -> Segment | None:
        """The first start-of-frame segment (it holds the pixel size)."""
        return next((s for s in self.segments if s.marker in SOF), None)

    def size(self) -> tuple[int, int] | None:
        """``(width, height)`` as stored (before any EXIF orientation)."""
        sof = self.frame
        if sof is None or len(sof.data) < 5:
            return None
        height, width = struct.unpack(">HH", sof.data[1:5])
        return width, height

    @property
    def complete(self) -> bool:
        return not self.truncated and any(s.marker == EOI for s in self.segments)


_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _scan_end(buf: bytes, pos: int) -> int:
    """Index of the marker that ends entropy-coded data starting at ``pos``.

    Inside a scan, ``FF 00`` is a stuffed byte, ``FF D0``-``FF D7`` are restart
    markers and ``FF FF`` is fill: none of them ends the scan.
    """
    m = _MARKER.search(buf, pos)
    return m.start() if m else len(buf)


def parse(buf: bytes) -> JpegFile:
    """Split JPEG bytes into segments.

    Raises
    ------
    NotAPhotoError
        If the bytes do not start like a JPEG.

    Examples
    --------
    >>> jf = parse(bytes.fromhex("ffd8ffd9"))
    >>> [s.name for s in jf.segments], jf.complete
    (['0xD8', '0xD9'], True)
    """
    if not buf.startswith(b"\xff\xd8"):
        raise NotAPhotoError("This file is not a JPEG photo.")
    jf = JpegFile(segments=[Segment(SOI, b"")])
    pos, n = 2, len(buf)
    budget = limits.current()
    while pos < n:
        budget.spend(items=1)
        if buf[pos] != 0xFF:
            # Stray bytes between segments: skip to the next marker.
            nxt = buf.find(b"\xff", pos)
            if nxt < 0:
                jf.junk_bytes += n - pos
                jf.truncated = True
                break
            jf.junk_bytes += nxt - pos
            pos = nxt
            continue
        while pos < n and buf[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            jf.truncated = True
            break
        marker = buf[pos]
        pos += 1
        if marker in _STANDALONE:
            jf.segments.append(Segment(marker, b""))
            if marker == EOI:
                jf.trailer = buf[pos:]
                return jf
            continue
        if pos + 2 > n:
            jf.truncated = True
            break
        (length,) = struct.unpack(">H", buf[pos:pos + 2])
        if length < 2 or pos + length > n:
            jf.truncated = True
            break
        data = buf[pos + 2:pos + length]
        pos += length
        scan = b""
        if marker == SOS:
            end = _scan_end(buf, pos)
            scan = buf[pos:end]
            if end >= n:
                jf.truncated = True
            pos = end
        jf.segments.append(Segment(marker, data, scan))
    else:
        jf.truncated = True
    return jf


def build(segments: list[Segment], trailer: bytes = b"") -> bytes:
    """Join segments back into JPEG bytes (the inverse of :func:`parse`)."""
    if not segments or segments[0].marker != SOI:
        raise CorruptFileError("A JPEG must start with its start-of-image marker.")
    return b"".join(s.encode() for s in segments) + trailer


def app_segment(n: int, payload: bytes) -> Segment:
    """A new APPn segment carrying ``payload`` (at most 65533 bytes)."""
    if len(payload) > 0xFFFF - 2:
        raise ValueError("APP segment payload too large")
    return Segment(0xE0 + n, payload)


def insert_after_app(jpeg: bytes, segment: Segment) -> bytes:
    """``jpeg`` with ``segment`` inserted after its last APPn segment (after SOI if none).

    Examples
    --------
    >>> out = insert_after_app(bytes.fromhex("ffd8ffd9"), app_segment(13, b"x"))
    >>> [s.name for s in parse(out).segments]
    ['0xD8', 'APP13', '0xD9']
    """
    jf = parse(jpeg)
    segments = list(jf.segments)
    at = 1
    for i, seg in enumerate(segments):
        if 0xE0 <= seg.marker <= 0xEF:
            at = i + 1
    segments.insert(at, segment)
    return build(segments, jf.trailer)


def afcp(buf: bytes) -> dict[str, bytes]:
    """The entries of an AFCP trailer (AXS File Concatenation Protocol) at the end of ``buf``.

    Some tools append IPTC records, a thumbnail or a preview after the end of the
    picture this way: the last 12 bytes are ``AXS!`` (big-endian) or ``AXS*``
    (little-endian) and the offset of a directory of ``(tag, size, offset)`` entries.
    Returns ``{tag: data}`` (``"IPTC"``, ``"Nail"``, ``"PrVw"``, ``"TEXT"``), empty if none.

    Examples
    --------
    >>> body = b"\\x1c\\x02\\x5a\\x00\\x05Paris"
    >>> head = b"AXS!" + b"\\x00\\x01" + b"\\x00\\x01" + bytes(4)
    >>> entry = b"IPTC" + struct.pack(">II", len(body), 100 + 24)
    >>> data = bytes(100) + head + entry + body + b"AXS!" + struct.pack(">I", 100) + bytes(4)
    >>> afcp(data)["IPTC"] == body
    True
    """
    tail = buf[-12:]
    if len(buf) < 24 or tail[:4] not in (b"AXS!", b"AXS*"):
        return {}
    bo = ">" if tail[3:4] == b"!" else "<"
    (start,) = struct.unpack(bo + "I", tail[4:8])
    if start + 12 > len(buf) or buf[start:start + 4] != tail[:4]:
        return {}
    (count,) = struct.unpack(bo + "H", buf[start + 6:start + 8])
    budget = limits.current()
    out: dict[str, bytes] = {}
    for i in range(min(count, 64)):
        at = start + 12 + 12 * i
        if at + 12 > len(buf):
            break
        budget.spend(items=1)
        tag = buf[at:at + 4].decode("latin-1")
        size, offset = struct.unpack(bo + "II", buf[at + 4:at + 12])
        if offset + size <= len(buf):
            out.setdefault(tag, buf[offset:offset + size])
    return out
