"""What a photo file says about its sender.

:func:`read` gathers every privacy-relevant field of a photo into a
:class:`Metadata` record: GPS position, capture time, camera and serial numbers,
the owner's name, an embedded thumbnail (and whether it still shows something
the visible picture no longer does), XMP, IPTC, PNG text, comments, maker notes.
It dispatches to the handler of the file's format (:mod:`safetylab.formats`);
:mod:`safetylab.scrub` writes the cleaned copy through the same handlers.

What this does *not* protect against: the picture itself. Removing metadata
does not hide a face, a street sign, a uniform or a window view.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .errors import CorruptFileError, SafetyLabError
from .formats import handler_for
from .formats.record import PRIVACY_FIELDS, Camera, Gps, Metadata, Thumbnail
from .images import PhotoFile, load, read_file

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

__all__ = ["Metadata", "Gps", "Thumbnail", "Camera", "read", "read_photo", "thumbnail_differs",
           "PRIVACY_FIELDS"]

_OWNER_ORDER = ("CameraOwnerName", "Artist", "XPAuthor", "XMP dc:creator", "IPTC By-line",
                "XMP aux:OwnerName", "XMP xmpRights:Owner", "PNG Author", "Copyright",
                "IPTC CopyrightNotice", "XMP dc:rights")


def read_photo(photo: PhotoFile, *, compare_thumbnail: bool = True) -> Metadata:
    """Read the metadata of a photo already in memory. See :func:`read`."""
    md = Metadata(file=photo.name, format=photo.format)
    handler = handler_for(photo.format)
    try:
        handler.read(photo, md)
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
    if small is None:
        return None
    if main is None:
        try:
            main = load(photo, max_side=128)
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
    import numpy as np

    size = (32, 32)
    a = np.asarray(ImageOps.grayscale(small).resize(size), dtype=np.float64)
    b = np.asarray(ImageOps.grayscale(main).resize(size), dtype=np.float64)
    a = (a - a.mean()) / (a.std() + 1e-6)
    b = (b - b.mean()) / (b.std() + 1e-6)
    return bool(np.abs(a - b).mean() / 2.0 > threshold * 2.5)


def _trim_bars(im: "PILImage.Image") -> "PILImage.Image":
    import numpy as np

    arr = np.asarray(im.convert("L"), dtype=np.int16)
    rows = np.where(np.abs(arr - arr.mean(axis=1, keepdims=True)).max(axis=1) > 12)[0]
    cols = np.where(np.abs(arr - arr.mean(axis=0, keepdims=True)).max(axis=0) > 12)[0]
    if len(rows) < 4 or len(cols) < 4:
        return im
    return im.crop((int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1))
