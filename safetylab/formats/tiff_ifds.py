"""A small, defensive reader (and a minimal writer) for TIFF structures: EXIF blocks and TIFF files.

This is the one place where safetylab reads the directories of a TIFF structure;
:mod:`safetylab.formats.exif` and :mod:`safetylab.formats.tiff` work on what it returns.

It walks image file directories (IFDs) and keeps each entry's raw bytes; values
are decoded on demand. Every offset is checked against the buffer, every
directory is visited at most once (IFD cycles end the walk), the number of
directories and entries is capped, and every entry and every value copied counts
against the file's totals (:mod:`safetylab.formats.limits`); entries that point at
the same bytes share one copy. So hostile files cannot make it loop, recurse
without end or allocate without bound.

What this does not protect against: tags are kept as raw bytes and only the
ones named in :data:`TAGS` get a name; judging them is the block readers' work.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from fractions import Fraction

from . import limits

__all__ = ["Entry", "Ifd", "Tiff", "parse", "parse_from", "TAGS", "value_bytes", "ifd_bytes"]

# type id -> (struct code, size in bytes)
_TYPES = {
    1: ("B", 1), 2: ("s", 1), 3: ("H", 2), 4: ("I", 4), 5: ("II", 8), 6: ("b", 1),
    7: ("s", 1), 8: ("h", 2), 9: ("i", 4), 10: ("ii", 8), 11: ("f", 4), 12: ("d", 8),
    13: ("I", 4), 16: ("Q", 8), 17: ("q", 8), 18: ("Q", 8),
}
_SIZES = {k: size for k, (_code, size) in _TYPES.items()}
#: One directory entry (tag, type, count, value field), by byte order: TIFF and BigTIFF.
_ENTRY = {bo: struct.Struct(bo + "HHI4s") for bo in "<>"}
_BIG_ENTRY = {bo: struct.Struct(bo + "HHQ8s") for bo in "<>"}
MAX_IFDS = 64
MAX_ENTRIES = 1000
MAX_VALUE_BYTES = 16 * 1024 * 1024

# Pointers from one directory to another, and the name the child gets.
_POINTERS = {0x8769: "Exif", 0x8825: "GPS", 0xA005: "Interop"}
_SUBIFDS = 0x014A

# Names for the tags safetylab reports on (others keep their number).
TAGS = {
    0x010E: "ImageDescription", 0x010F: "Make", 0x0110: "Model", 0x0112: "Orientation",
    0x0131: "Software", 0x0132: "ModifyDate", 0x013B: "Artist", 0x0201: "ThumbnailOffset",
    0x0202: "ThumbnailLength", 0x02BC: "XMP", 0x8298: "Copyright", 0x83BB: "IPTC",
    0x8773: "ICC_Profile", 0x8769: "ExifIFD", 0x8825: "GPSInfo", 0x927C: "MakerNote",
    0x9286: "UserComment", 0x9003: "DateTimeOriginal", 0x9004: "CreateDate",
    0x9010: "OffsetTime", 0x9011: "OffsetTimeOriginal", 0x9012: "OffsetTimeDigitized",
    0x9291: "SubSecTimeOriginal", 0xA420: "ImageUniqueID", 0xA430: "CameraOwnerName",
    0xA431: "BodySerialNumber", 0xA433: "LensMake", 0xA434: "LensModel",
    0xA435: "LensSerialNumber", 0x9C9B: "XPTitle", 0x9C9C: "XPComment",
    0x9C9D: "XPAuthor", 0x9C9E: "XPKeywords", 0x9C9F: "XPSubject",
    0xC62F: "CameraSerialNumber", 0xC614: "UniqueCameraModel",
}


class Entry:
    """One directory entry; ``raw`` holds its value bytes (possibly empty if out of range).

    ``offset`` is where the value bytes start in the buffer (-1 when inline). A plain
    class with slots: a directory walk makes one per entry, so it is kept cheap.
    """

    __slots__ = ("tag", "type", "count", "raw", "offset", "byteorder")

    def __init__(self, tag: int, type: int, count: int, raw: bytes, offset: int, byteorder: str):  # noqa: A002
        self.tag, self.type, self.count, self.raw, self.offset, self.byteorder = tag, type, count, raw, offset, byteorder

    def __repr__(self) -> str:
        return f"Entry(tag=0x{self.tag:04X}, type={self.type}, count={self.count}, offset={self.offset})"

    @property
    def name(self) -> str:
        return TAGS.get(self.tag, f"0x{self.tag:04X}")

    def values(self) -> tuple:
        """Decoded numbers (ints, floats or Fractions); ``()`` if undecodable."""
        code, size = _TYPES.get(self.type, ("B", 1))
        if self.type in (2, 7):
            return tuple(self.raw)
        n = len(self.raw) // size
        if n == 0:
            return ()
        if code in ("II", "ii"):
            nums = struct.unpack(f"{self.byteorder}{2 * n}{code[0]}", self.raw[: n * size])
            return tuple(
                Fraction(a, b) if b else None for a, b in zip(nums[0::2], nums[1::2])
            )
        return struct.unpack(f"{self.byteorder}{n}{code}", self.raw[: n * size])

    def first(self):
        vals = self.values()
        return vals[0] if vals else None

    def text(self) -> str:
        """The value as text: ASCII/UTF-8 strings, stripped of NULs and padding."""
        raw = self.raw
        if self.tag in (0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F):  # Windows XP tags: UCS-2
            if self.type == 3:  # some writers store them as SHORTs
                raw = b"".join(struct.pack("<H", v) for v in self.values())
            return raw.decode("utf-16-le", "replace").split("\x00")[0].strip()
        if self.tag == 0x9286:  # UserComment: 8-byte charset header
            head, body = raw[:8], raw[8:]
            enc = "utf-16-le" if head.startswith(b"UNICODE") else "latin-1"
            if head.startswith(b"UNICODE") and self.byteorder == ">":
                enc = "utf-16-be"
            return body.decode(enc, "replace").replace("\x00", " ").strip()
        if self.type not in (1, 2, 7):
            vals = self.values()
            return " ".join(str(v) for v in vals)
        text = raw.split(b"\x00")[0] if self.type == 2 else raw.rstrip(b"\x00")
        try:
            out = text.decode("utf-8")
        except UnicodeDecodeError:
            out = text.decode("latin-1")
        return out.strip()


@dataclass
class Ifd:
    name: str
    offset: int
    entries: dict[int, Entry] = field(default_factory=dict)

    def get(self, tag: int) -> Entry | None:
        return self.entries.get(tag)

    def text(self, tag: int) -> str | None:
        e = self.entries.get(tag)
        if e is None:
            return None
        t = e.text()
        return t or None


@dataclass
class Tiff:
    """The directories found in a TIFF structure, by name (IFD0, IFD1, Exif, GPS, ...)."""

    byteorder: str
    ifds: dict[str, Ifd] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    buf: bytes = b""

    def get(self, ifd: str, tag: int) -> Entry | None:
        d = self.ifds.get(ifd)
        return d.entries.get(tag) if d else None

    def text(self, ifd: str, tag: int) -> str | None:
        d = self.ifds.get(ifd)
        return d.text(tag) if d else None

    def slice(self, offset: int, length: int) -> bytes | None:
        """``length`` bytes at ``offset`` in the buffer, or None if out of range."""
        if offset < 0 or length <= 0 or offset + length > len(self.buf):
            return None
        return self.buf[offset:offset + length]


def _header(buf: bytes) -> tuple[str, bool, int]:
    if len(buf) < 8:
        raise ValueError("too short for a TIFF header")
    if buf[:2] == b"II":
        bo = "<"
    elif buf[:2] == b"MM":
        bo = ">"
    else:
        raise ValueError("no TIFF byte-order mark")
    (magic,) = struct.unpack(bo + "H", buf[2:4])
    if magic == 43:  # BigTIFF
        if len(buf) < 16:
            raise ValueError("too short for a BigTIFF header")
        (first,) = struct.unpack(bo + "Q", buf[8:16])
        return bo, True, first
    if magic not in (42, 0x55, 0x4F52, 0x5352):  # TIFF, Panasonic RW2, Olympus ORF
        raise ValueError("unknown TIFF magic number")
    (first,) = struct.unpack(bo + "I", buf[4:8])
    return bo, False, first


def parse(buf: bytes) -> Tiff:
    """Walk every directory of a TIFF structure.

    Raises ``ValueError`` only when the header itself is unusable; damage deeper
    in is recorded in ``problems`` and the walk keeps what it could read.

    Examples
    --------
    >>> t = parse(b"II*\\x00\\x08\\x00\\x00\\x00\\x01\\x00\\x0f\\x01\\x02\\x00\\x04\\x00\\x00\\x00ACME\\x00\\x00\\x00\\x00")
    >>> t.text("IFD0", 0x010F)
    'ACME'
    """
    bo, big, first = _header(buf)
    return _walk(buf, bo, big, first)


def parse_from(buf: bytes, byteorder: str, first: int) -> Tiff:
    """Walk directories that start at offset ``first`` of ``buf``, in byte order ``byteorder``
    (``"<"`` or ``">"``), where no TIFF header says so (maker notes); no copy of ``buf`` is made.

    Examples
    --------
    >>> note = b"FUJI" + bytes.fromhex("0100 1000 0200 03000000") + b"AB" + bytes(2)
    >>> parse_from(note, "<", 4).text("IFD0", 0x10)
    'AB'
    """
    return _walk(buf, byteorder, False, first)


def _walk(buf: bytes, bo: str, big: bool, first: int) -> Tiff:
    budget = limits.current()
    values: dict[tuple[int, int], bytes] = {}  # entries pointing at the same bytes share one copy
    tiff = Tiff(byteorder=bo, buf=buf)
    seen: set[int] = set()
    queue: list[tuple[str, int]] = [("IFD0", first)]
    count_fmt, entry_size, off_fmt = (("Q", 20, "Q") if big else ("H", 12, "I"))
    count_size = 8 if big else 2
    inline = 8 if big else 4
    n = len(buf)
    sub = 0
    while queue:
        name, offset = queue.pop(0)
        if offset in seen or offset <= 0:
            if offset in seen:
                tiff.problems.append(f"{name}: directory loop")
            continue
        if len(tiff.ifds) >= MAX_IFDS:
            tiff.problems.append("too many directories")
            break
        if offset + count_size > n:
            tiff.problems.append(f"{name}: offset out of range")
            continue
        seen.add(offset)
        (count,) = struct.unpack(bo + count_fmt, buf[offset:offset + count_size])
        if count == 0 or count > MAX_ENTRIES:
            tiff.problems.append(f"{name}: bad entry count {count}")
            continue
        ifd = Ifd(name, offset)
        tiff.ifds[name] = ifd
        pos = offset + count_size
        budget.spend(items=count)
        whole = min(count, (n - pos) // entry_size)
        if whole < count:
            tiff.problems.append(f"{name}: truncated")
        table = buf[pos:pos + whole * entry_size]
        pos += whole * entry_size
        entries = ifd.entries
        for tag, typ, cnt, vfield in (_BIG_ENTRY if big else _ENTRY)[bo].iter_unpack(table):
            if tag in entries:  # the first of a repeated tag counts
                continue
            size = _SIZES.get(typ, 0)
            if size == 0:
                continue
            nbytes = size * cnt
            if nbytes <= inline:
                raw, where = vfield[:nbytes], -1
            else:
                (voff,) = struct.unpack(bo + off_fmt, vfield)
                if nbytes > MAX_VALUE_BYTES or voff + nbytes > n:
                    raw, where = b"", voff
                    tiff.problems.append(f"{name}: value of tag 0x{tag:04X} out of range")
                else:
                    raw = values.get((voff, nbytes))
                    if raw is None:
                        budget.spend(nbytes=nbytes)
                        raw = values[(voff, nbytes)] = buf[voff:voff + nbytes]
                    where = voff
            entry = entries[tag] = Entry(tag, typ, cnt, raw, where, bo)
            child = _POINTERS.get(tag)
            if child and typ in (3, 4, 9, 13, 16, 17, 18) and raw:
                queue.append((child, int(entry.first())))
            elif tag == _SUBIFDS and typ in (4, 9, 13, 16, 18):
                for ptr in entry.values()[:8]:
                    sub += 1
                    queue.append((f"SubIFD{sub}", int(ptr)))
        if pos + inline <= n and name.startswith("IFD"):
            (nxt,) = struct.unpack(bo + off_fmt, buf[pos:pos + inline])
            if nxt:
                queue.append((f"IFD{int(name[3:]) + 1}", nxt))
    return tiff


# --------------------------------------------------------------------------- #
# Writing (big-endian, as the samples and the scrubbed copies need)
# --------------------------------------------------------------------------- #

_WRITE_CODES = {1: "B", 2: "B", 3: "H", 4: "I", 5: "II", 7: "B", 9: "i", 10: "ii"}


def value_bytes(tag_type: int, value) -> tuple[int, bytes]:
    """``(count, big-endian bytes)`` of one value of TIFF type ``tag_type``.

    Strings (type 2) are ASCII with a closing NUL; BYTE and UNDEFINED (1, 7)
    take bytes or a sequence of ints; rationals (5, 10) take ``(num, den)``
    pairs; numbers take an int or a sequence of ints.

    Examples
    --------
    >>> value_bytes(2, "ACME")
    (5, b'ACME\\x00')
    >>> value_bytes(5, (72, 1))
    (1, b'\\x00\\x00\\x00H\\x00\\x00\\x00\\x01')
    """
    if tag_type == 2:
        raw = value.encode("ascii") + b"\0"
        return len(raw), raw
    if tag_type in (1, 7):
        raw = bytes(value) if not isinstance(value, int) else bytes((value,))
        return len(raw), raw
    if tag_type in (5, 10):
        pairs = [value] if isinstance(value[0], int) else list(value)
        fmt = ">" + _WRITE_CODES[tag_type]
        return len(pairs), b"".join(struct.pack(fmt, *pair) for pair in pairs)
    items = [value] if isinstance(value, int) else list(value)
    return len(items), struct.pack(">" + _WRITE_CODES[tag_type] * len(items), *items)


def ifd_bytes(entries: dict[int, tuple[int, int, bytes]], start: int, next_ifd: int) -> bytes:
    """One directory at offset ``start``: sorted entries, the next-IFD pointer, then word-aligned values.

    ``entries`` maps a tag to ``(type, count, raw bytes)`` (see :func:`value_bytes`).
    """
    tags = sorted(entries)
    values_at = start + 2 + 12 * len(tags) + 4
    head = struct.pack(">H", len(tags))
    blob = b""
    for tag in tags:
        tag_type, count, raw = entries[tag]
        if len(raw) <= 4:
            field_ = raw.ljust(4, b"\0")
        else:
            field_ = struct.pack(">I", values_at + len(blob))
            blob += raw + (b"\0" if len(raw) % 2 else b"")
        head += struct.pack(">HHI", tag, tag_type, count) + field_
    return head + struct.pack(">I", next_ifd) + blob
