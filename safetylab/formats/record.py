"""The record every format handler fills: what a photo file says about its sender.

:class:`Metadata` holds every privacy-relevant fact found in one file (GPS,
capture time, camera and serial numbers, owner, thumbnail, XMP, IPTC, ...). The
handlers in :mod:`safetylab.formats` add to it, first finding first: a fact
already recorded is not replaced by a later block's copy. This module reads no
file itself; it only holds the record and the small decoders the handlers share
(numbers, dates, embedded pictures).

What this does *not* protect against: the picture itself. A record with nothing
in it still leaves a face, a street sign or a window view in the pixels.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .limits import MAX_VALUES

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

__all__ = ["Metadata", "Gps", "Camera", "Thumbnail", "PRIVACY_FIELDS", "number", "iso_date",
           "decode_small"]

#: The facts :func:`safetylab.metadata.read` looks for, in the order a report lists them.
PRIVACY_FIELDS = ("gps", "taken_at", "camera", "serials", "owner", "thumbnail", "people",
                  "place_text", "comments", "png_text", "xmp", "iptc", "makernote")


@dataclass
class Gps:
    """A GPS block. ``usable`` is False when the block exists but holds no position."""

    lat: float | None = None
    lon: float | None = None
    alt: float | None = None
    usable: bool = False
    source: str = "EXIF"
    fields: list[str] = field(default_factory=list)


@dataclass
class Camera:
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    lens_serial: str | None = None
    internal_serial: str | None = None
    lens: str | None = None
    software: str | None = None

    def any(self) -> bool:
        return any(v for v in asdict(self).values())


@dataclass
class Thumbnail:
    """A small preview image stored inside the file.

    ``readable`` is None until the preview is decoded (to compare it with the
    picture), then True or False; False also for a preview known to be there
    (its block is named) that is not an image safetylab can read.
    """

    present: bool = True
    width: int | None = None
    height: int | None = None
    source: str = ""
    differs: bool | None = None
    data: bytes = field(default=b"", repr=False)
    readable: bool | None = None

    def image(self) -> "PILImage.Image | None":
        """The thumbnail decoded (a new image), or None if it does not decode."""
        return decode_small(self.data)


@dataclass
class Metadata:
    """Every privacy-relevant fact :func:`safetylab.metadata.read` found in one photo file.

    Examples
    --------
    >>> md = Metadata(file="a.jpg", format="JPEG")
    >>> md.leaks()
    []
    >>> md.taken_at = "2024-06-01T14:03:22"; md.add_block("EXIF"); md.add_block("EXIF")
    >>> md.leaks(), md.blocks
    (['taken_at'], ['EXIF'])
    """

    file: str
    format: str
    width: int | None = None
    height: int | None = None
    orientation: int | None = None
    gps: Gps | None = None
    taken_at: str | None = None
    taken_at_source: str | None = None
    camera: Camera = field(default_factory=Camera)
    owner: str | None = None
    owners: dict[str, str] = field(default_factory=dict)
    thumbnail: Thumbnail | None = None
    blocks: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    place_text: dict[str, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    png_text: dict[str, str] = field(default_factory=dict)
    xmp: dict[str, list[str]] = field(default_factory=dict)
    iptc: dict[str, list[str]] = field(default_factory=dict)
    makernote: bool = False
    hidden_images: int = 0
    problems: list[str] = field(default_factory=list)

    def add_block(self, name: str) -> None:
        """Name a block the file holds (once; at most :data:`~safetylab.formats.limits.MAX_VALUES` names)."""
        if len(self.blocks) < MAX_VALUES and name not in self.blocks:
            self.blocks.append(name)

    def add_comment(self, text: str | None) -> None:
        """Record a comment or description once (at most :data:`~safetylab.formats.limits.MAX_VALUES`)."""
        if text and len(self.comments) < MAX_VALUES and text not in self.comments:
            self.comments.append(text)

    @staticmethod
    def add_values(table: dict[str, list[str]], key: str, values) -> None:
        """Add ``values`` to ``table[key]``, each once and at most
        :data:`~safetylab.formats.limits.MAX_VALUES` in all (time linear in ``values``).

        Examples
        --------
        >>> t = {"k": ["a"]}; Metadata.add_values(t, "k", ["a", "b", "b"]); t
        {'k': ['a', 'b']}
        """
        have = table.setdefault(key, [])
        seen = set(have)
        for v in values:
            if len(have) >= MAX_VALUES:
                break
            if v not in seen:
                seen.add(v)
                have.append(v)

    def add_named(self, fields: dict[str, list[str]], owners, places) -> None:
        """Owners and place names a block's ``fields`` hold; the first block to name one wins.

        ``owners`` and ``places`` are ``(field, label)`` pairs: the field's values are
        recorded under the label in :attr:`owners` (joined) and :attr:`place_text` (the first).
        """
        for key, label in owners:
            if fields.get(key) and label not in self.owners:
                names = fields[key]
                self.owners[label] = "; ".join(names[:20]) + (f"; and {len(names) - 20} more" if len(names) > 20 else "")
        for key, label in places:
            if fields.get(key) and label not in self.place_text:
                self.place_text[label] = fields[key][0]

    def leaks(self) -> list[str]:
        """Names of the privacy-relevant facts present (empty for a clean file)."""
        found = []
        if self.gps is not None:
            found.append("gps")
        if self.taken_at:
            found.append("taken_at")
        if self.camera.make or self.camera.model or self.camera.software or self.camera.lens:
            found.append("camera")
        if self.camera.serial or self.camera.lens_serial or self.camera.internal_serial:
            found.append("serials")
        if self.owners:
            found.append("owner")
        if self.thumbnail is not None or self.hidden_images:
            found.append("thumbnail")
        if self.people:
            found.append("people")
        if self.place_text:
            found.append("place_text")
        if self.comments:
            found.append("comments")
        if self.png_text:
            found.append("png_text")
        if "XMP" in self.blocks:
            found.append("xmp")
        if "IPTC" in self.blocks:
            found.append("iptc")
        if self.makernote:
            found.append("makernote")
        return found

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.thumbnail is not None:
            d["thumbnail"].pop("data", None)
        return d


# ---------------------------------------------------------------------------
# small decoders the handlers share

def number(v) -> float | None:
    """A finite float from an EXIF value (int, float or Fraction), else None.

    Examples
    --------
    >>> number(Fraction(1, 4)), number(float("nan")), number("x")
    (0.25, None, None)
    """
    if v is None:
        return None
    if isinstance(v, Fraction):
        return float(v)
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return f if f == f and abs(f) != float("inf") else None


_DATE = re.compile(r"^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
_OFFSET = re.compile(r"^\s*([+-])(\d{2}):?(\d{2})\s*$")


def iso_date(value: str | None, offset: str | None = None) -> str | None:
    """EXIF/XMP/IPTC date text as ISO 8601, with the UTC offset where known.

    Examples
    --------
    >>> iso_date("2024:06:01 14:03:22", "+02:00")
    '2024-06-01T14:03:22+02:00'
    >>> iso_date("2024-06-01"), iso_date("garbage")
    ('2024-06-01', None)
    """
    if not value:
        return None
    m = _DATE.match(value)
    if not m:
        return None
    y, mo, d, hh, mm, ss = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    out = dt.isoformat() if hh is not None else dt.date().isoformat()
    tail = value[m.end():].strip()
    om = _OFFSET.match(offset or "") or (_OFFSET.match(tail) if tail else None)
    if tail.upper() == "Z":
        out += "Z"
    elif om and hh is not None:
        out += f"{om.group(1)}{om.group(2)}:{om.group(3)}"
    return out


def decode_small(data: bytes) -> "PILImage.Image | None":
    """Decode a small embedded image (a copy: the cached one is never handed out)."""
    im = _decode_cached(data) if data else None
    return im.copy() if im is not None else None


@functools.lru_cache(maxsize=8)
def _decode_cached(data: bytes) -> "PILImage.Image | None":
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(io.BytesIO(data))
            if im.width * im.height > 4_000_000:
                return None
            im.load()
        return im.convert("RGB")
    except Exception:
        return None
