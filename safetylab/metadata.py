"""What a photo file says about its sender.

:func:`read` gathers every privacy-relevant field of a photo into a
:class:`Metadata` record: GPS position, capture time, camera and serial numbers,
the owner's name, an embedded thumbnail (and whether it still shows something
the visible picture no longer does), XMP, IPTC, PNG text, comments, maker notes.
It dispatches to the handler of the file's format (:mod:`safetylab.formats`);
:mod:`safetylab.scrub` writes the cleaned copy through the same handlers. One
read stays within the totals of :mod:`safetylab.formats.limits` (bytes unpacked,
structures walked, seconds), so a file built to slow readers down gets one line.

What this does *not* protect against: the picture itself. Removing metadata
does not hide a face, a street sign, a uniform or a window view.
"""

from __future__ import annotations

import math
import operator
import os
from typing import TYPE_CHECKING, Callable

from .errors import CorruptFileError, SafetyLabError, TooLargeError
from .formats import handler_for, limits
from .formats.record import PRIVACY_FIELDS, Camera, Gps, Metadata, Thumbnail
from .images import PhotoFile, load, read_file

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

__all__ = ["Metadata", "Gps", "Thumbnail", "Camera", "read", "read_photo", "thumbnail_differs",
           "PRIVACY_FIELDS", "THUMBNAIL_SIDE"]

#: Longer side the main picture is decoded at to be compared with a thumbnail.
THUMBNAIL_SIDE = 128

_OWNER_ORDER = ("CameraOwnerName", "Maker notes OwnerName", "Artist", "XPAuthor", "XMP dc:creator", "IPTC By-line",
                "XMP aux:OwnerName", "XMP xmpRights:Owner", "PNG Author", "Copyright",
                "IPTC CopyrightNotice", "XMP dc:rights")


def read_photo(photo: PhotoFile, *, compare_thumbnail: bool = True) -> Metadata:
    """Read the metadata of a photo already in memory. See :func:`read`."""
    md = Metadata(file=photo.name, format=photo.format)
    handler = handler_for(photo.format)
    try:
        with limits.reading():
            handler.read(photo, md)
    except limits.Exceeded as e:
        raise TooLargeError(f"{photo.name} {e.message}") from None
    except SafetyLabError:
        raise
    except (RecursionError, MemoryError, ValueError, IndexError, KeyError, TypeError,
            OverflowError, ZeroDivisionError, UnicodeError, AttributeError) as e:
        raise CorruptFileError(
            f"{photo.name} is damaged: its metadata could not be read ({type(e).__name__}).") from None
    handler.finish(photo, md)
    if md.owners and not md.owner:
        for key in _OWNER_ORDER:
            if md.owners.get(key):
                md.owner = md.owners[key]
                break
        else:
            md.owner = next(iter(md.owners.values()))
    if compare_thumbnail and md.thumbnail is not None and md.thumbnail.data:
        md.thumbnail.differs = thumbnail_differs(photo, md.thumbnail)
    return md


def read(path: str | os.PathLike, *, compare_thumbnail: bool = True) -> Metadata:
    """Read every privacy-relevant field of a photo file. The file is not changed.

    Parameters
    ----------
    path : str or path-like
        A JPEG, PNG, WebP, TIFF (or TIFF-based raw), HEIC/HEIF or AVIF file.
    compare_thumbnail : bool
        Decode the main picture (at reduced size) to tell whether an embedded
        thumbnail shows something different, e.g. the uncropped original.

    Raises
    ------
    SafetyLabError
        With one plain line, when the file is not a photo, is damaged or too large.
    """
    return read_photo(read_file(path), compare_thumbnail=compare_thumbnail)


def thumbnail_differs(photo: PhotoFile, thumb: Thumbnail, threshold: float = 0.12, *,
                      main: "PILImage.Image | None" = None) -> bool | None:
    """Does the thumbnail show something other than the picture itself?

    Both are reduced to small grey images and compared after normalising
    brightness. A different shape (aspect ratio) or a large mean difference
    means the thumbnail is not just a smaller copy: typically it still shows
    the photo before it was cropped or edited. Returns None when either
    picture cannot be decoded. ``main`` may pass the picture already decoded
    upright (at any reduced size), so a caller that needs it anyway decodes once.
    """
    small = thumb.image()
    thumb.readable = small is not None
    if small is None:
        return None
    if main is None:
        try:
            main = load(photo, max_side=THUMBNAIL_SIDE)
        except SafetyLabError:
            return None
    from PIL import ImageOps

    ta, ma = small.width / small.height, main.width / main.height
    # Thumbnails are often letterboxed to 160x120: compare the main picture's shape
    # with the thumbnail's content after trimming uniform black or white bars.
    small = _trim_bars(small)
    ta = small.width / small.height
    if abs(ta - ma) / ma > 0.15:
        return True
    size = (32, 32)
    a = _normalised(ImageOps.grayscale(small).resize(size).tobytes())
    b = _normalised(ImageOps.grayscale(main).resize(size).tobytes())
    return sum(abs(x - y) for x, y in zip(a, b)) / len(a) / 2.0 > threshold * 2.5


def _normalised(pixels: bytes) -> list[float]:
    """Grey levels shifted to mean 0 and scaled to standard deviation 1 (brightness left out)."""
    n = len(pixels)
    mean = sum(pixels) / n
    sd = math.sqrt(max(sum(map(operator.mul, pixels, pixels)) / n - mean * mean, 0.0))
    return [(p - mean) / (sd + 1e-6) for p in pixels]


def _busy(line: bytes) -> bool:
    """Is this line of grey levels more than one flat shade (some pixel > 12 from their mean)?"""
    mean = sum(line) / len(line)
    return max(line) - mean > 12 or mean - min(line) > 12


def _busy_span(line: Callable[[int], bytes], count: int) -> tuple[int, int] | None:
    """The first and last of ``count`` lines (``line(i)``) that are :func:`_busy`, when at least
    four are; else None. Lines are looked at from both ends inwards, only as far as needed."""
    first = next((i for i in range(count) if _busy(line(i))), None)
    if first is None:
        return None
    last = next(i for i in range(count - 1, first - 1, -1) if _busy(line(i)))
    if first == last:
        return None
    between = 0
    for i in range(first + 1, last):
        between += _busy(line(i))
        if between == 2:
            return first, last
    return None


def _trim_bars(im: "PILImage.Image") -> "PILImage.Image":
    """``im`` without uniform bars (letterboxing) along its edges."""
    from PIL import Image

    grey = im.convert("L")
    w, h = grey.size
    data = grey.tobytes()
    cols_data = grey.transpose(Image.Transpose.TRANSPOSE).tobytes()
    rows = _busy_span(lambda y: data[y * w:(y + 1) * w], h)
    cols = _busy_span(lambda x: cols_data[x * h:(x + 1) * h], w)
    if rows is None or cols is None:
        return im
    return im.crop((cols[0], rows[0], cols[1] + 1, rows[1] + 1))
