"""Open any supported photo safely: know its format, refuse bombs, show it upright.

Formats: JPEG, PNG, WebP, TIFF (and TIFF-based camera raw files, for reading
metadata only), HEIC/HEIF and AVIF. Pixel decoding goes through Pillow (with
pillow-heif for HEIF); everything here checks sizes *before* decoding, so a
decompression bomb or an absurd header is refused with a plain message.

What this does not protect against: opening a photo safely says nothing about
what it shows or what its file says; see :mod:`safetylab.metadata`.
"""

from __future__ import annotations

import functools
import os
import struct
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (CorruptFileError, NotAPhotoError, SafetyLabError, TooLargeError,
                     UnsupportedFormatError)

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

__all__ = [
    "MAX_PIXELS", "MAX_FILE_BYTES", "PhotoFile", "sniff", "read_file", "open_image",
    "load", "displayed_size", "ORIENTATION_SWAPS", "HEIF_FORMATS", "RAW_FORMATS", "heif_brand",
    "bare_copy", "as_image", "WORKING_SIDE", "check_pixels", "undecodable", "read_opened", "shown_size",
]

#: Largest image safetylab decodes (150 megapixels: bigger than any phone photo).
MAX_PIXELS = 150_000_000
#: Largest file safetylab reads (in bytes).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Longer side, in pixels, a photo file is decoded at to be compared, hashed or shown
#: (:func:`as_image`); measuring (sizes, boxes) always uses the full-size picture.
WORKING_SIDE = 1024
#: EXIF orientations that swap width and height when the photo is shown upright.
ORIENTATION_SWAPS = {5, 6, 7, 8}

#: The formats of the HEIF family (decoded through pillow-heif).
HEIF_FORMATS = {"HEIC", "HEIF", "AVIF"}
#: Camera raw formats: their metadata is read, their pictures are not decoded.
RAW_FORMATS = {"DNG", "CR2", "NEF", "RW2", "ORF", "ARW"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
                b"mif2", b"avif", b"avis", b"MiHE", b"MiAB"}


@dataclass(frozen=True)
class PhotoFile:
    """A photo file read into memory, with the format its bytes declare."""

    path: Path
    data: bytes
    format: str

    @property
    def name(self) -> str:
        return self.path.name


def sniff(head: bytes, suffix: str = "") -> str:
    """The image format the bytes declare (not the file name).

    Returns one of ``JPEG PNG WEBP TIFF HEIC HEIF AVIF`` or a raw format
    (``CR2 RW2 ORF``; ``DNG``/``NEF`` files are TIFF by their bytes and are told
    apart later, from their tags).

    Raises
    ------
    NotAPhotoError
        When the bytes are no image format safetylab knows.

    Examples
    --------
    >>> sniff(b"\\xff\\xd8\\xff\\xe0")
    'JPEG'
    >>> sniff(b"hello")
    Traceback (most recent call last):
    ...
    safetylab.errors.NotAPhotoError: This file is not a photo safetylab can read (JPEG, PNG, WebP, TIFF, HEIC/HEIF or AVIF).
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        if head[8:10] == b"CR":
            return "CR2"
        return "TIFF"
    if head[:4] == b"IIU\x00":
        return "RW2"
    if head[:4] in (b"IIRO", b"IIRS", b"MMOR"):
        return "ORF"
    brand = heif_brand(head)
    if brand:
        if brand.lower() in ("avif", "avis"):
            return "AVIF"
        if brand.lower().startswith("he") or brand == "MiHE":
            return "HEIC"
        return "HEIF"
    raise NotAPhotoError(
        "This file is not a photo safetylab can read "
        "(JPEG, PNG, WebP, TIFF, HEIC/HEIF or AVIF).")


def heif_brand(head: bytes) -> str | None:
    """The major brand if ``head`` starts an ISO-BMFF image file (HEIC, HEIF, AVIF), else None.

    Examples
    --------
    >>> heif_brand(b"\\x00\\x00\\x00\\x18ftypheic\\x00\\x00\\x00\\x00mif1heic")
    'heic'
    >>> heif_brand(b"\\x00\\x00\\x00\\x18ftypisom") is None
    True
    """
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    major = head[8:12]
    (size,) = struct.unpack(">I", head[:4])
    brands = {major} | {head[i:i + 4] for i in range(16, min(size, len(head), 64), 4)}
    if brands & _HEIF_BRANDS:
        return major.decode("latin-1", "replace")
    return None


def read_file(path: str | os.PathLike) -> PhotoFile:
    """Read a photo file into memory after checking it is an ordinary, sane-sized file.

    The file is opened read-only and never changed, through
    :func:`safetylab._paths.open_regular`: what is checked (an ordinary file, its
    size) is the file that was opened, so a pipe or a device (``/dev/zero``) gets one
    plain line instead of a hang or an endless read, even if it is swapped in after
    the name was typed.
    """
    import errno
    import stat

    from ._paths import NotOrdinaryFileError, open_regular

    if not str(path).strip():
        raise SafetyLabError("No file name was given.")
    p = Path(path)
    try:
        fh, st = open_regular(p)
    except FileNotFoundError:
        raise SafetyLabError(f"There is no file called {p.name!r} here.") from None
    except (NotOrdinaryFileError, IsADirectoryError) as e:
        try:
            folder = stat.S_ISDIR(os.stat(p).st_mode)
        except OSError:
            folder = False
        if folder or isinstance(e, IsADirectoryError):
            raise NotAPhotoError(f"{p.name} is a folder, not a photo.") from None
        raise NotAPhotoError(f"{p.name} is not an ordinary file (it is a pipe or a device), "
                             "not a photo.") from None
    except OSError as e:
        if e.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
            raise NotAPhotoError(f"{p.name} is not an ordinary file, not a photo.") from None
        raise SafetyLabError(f"{p.name} could not be opened ({e.strerror or e}).") from None
    with fh:
        if st.st_size == 0:
            raise NotAPhotoError(f"{p.name} is empty.")
        if st.st_size > MAX_FILE_BYTES:
            raise TooLargeError(
                f"{p.name} is {st.st_size // 2**20} MB, more than the "
                f"{MAX_FILE_BYTES // 2**20} MB safetylab reads.")
        try:
            data = read_opened(fh, st.st_size)
        except OSError as e:
            raise SafetyLabError(f"{p.name} could not be read ({e.strerror or e}).") from None
    if data is None:
        raise SafetyLabError(f"{p.name} changed while it was being read; try again once it is saved.")
    return PhotoFile(p, data, sniff(data[:64], p.suffix))


def read_opened(fh, size: int) -> bytes | None:
    """The ``size`` bytes an open file held when it was checked, or None if it changed size.

    Reads exactly what ``fstat`` reported (``read(n)`` sets aside ``n`` bytes at once, so
    asking for more than the file holds would cost memory for nothing).
    """
    data = fh.read(size)
    if len(data) != size or fh.read(1):
        return None
    return data


def displayed_size(width: int, height: int, orientation: int | None) -> tuple[int, int]:
    """Width and height as the photo is shown, once its EXIF orientation is applied.

    Examples
    --------
    >>> displayed_size(4032, 3024, 6)
    (3024, 4032)
    """
    if orientation in ORIENTATION_SWAPS:
        return height, width
    return width, height


def shown_size(photo: "PhotoFile | str | os.PathLike") -> tuple[int, int]:
    """Width and height of a photo as shown (its EXIF orientation applied), without decoding its pixels.

    Raises
    ------
    SafetyLabError
        When the file is not a photo safetylab can open (one plain line).
    """
    if not isinstance(photo, PhotoFile):
        photo = read_file(photo)
    im = open_image(photo)
    try:
        orientation = im.getexif().get(0x0112)
    except Exception:  # a damaged EXIF block: the picture is shown as stored
        orientation = None
    return displayed_size(im.width, im.height, orientation)


def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener(thumbnails=False)


def check_pixels(w: int, h: int, what: str) -> None:
    """Refuse a picture (or one page of it) that declares no pixels or more than :data:`MAX_PIXELS`.

    Examples
    --------
    >>> check_pixels(9000, 9000, "a.tif")
    >>> check_pixels(20000, 20000, "a.tif")
    Traceback (most recent call last):
    ...
    safetylab.errors.TooLargeError: a.tif claims to be 20000x20000 pixels (400 megapixels), more than safetylab will decode (150); it may be a decompression bomb.
    """
    if w <= 0 or h <= 0:
        raise CorruptFileError(f"{what} declares an empty picture ({w}x{h}).")
    if w * h > MAX_PIXELS:
        raise TooLargeError(
            f"{what} claims to be {w}x{h} pixels ({w * h / 1e6:.0f} megapixels), more than "
            f"safetylab will decode ({MAX_PIXELS / 1e6:.0f}); it may be a decompression bomb.")


def open_image(photo: PhotoFile) -> "PILImage.Image":
    """A lazily decoded Pillow image, after checking its declared size.

    Raises
    ------
    TooLargeError, CorruptFileError, UnsupportedFormatError
    """
    import io

    from PIL import Image

    if photo.format in RAW_FORMATS or photo.format == "CR2":
        raise UnsupportedFormatError(
            f"{photo.name} is a camera raw file; export it as JPEG or PNG first.")
    if photo.format in HEIF_FORMATS:
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(photo.data))
            check_pixels(im.width, im.height, photo.name)
    except SafetyLabError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise TooLargeError(
            f"{photo.name} is too large to open safely; it may be a decompression bomb.") from None
    except (ValueError, MemoryError) as e:
        if "too large" in str(e).lower() or isinstance(e, MemoryError):
            raise TooLargeError(
                f"{photo.name} holds more data than is safe to unpack; "
                "it may be a decompression bomb.") from None
        raise CorruptFileError(f"{photo.name} is damaged and cannot be opened as a picture.") from None
    except Exception:  # Pillow raises many types on hostile input
        raise CorruptFileError(f"{photo.name} is damaged and cannot be opened as a picture.") from None
    return im


def as_image(image: Any, *, max_side: int | None = None) -> "PILImage.Image":
    """The one way to turn an input into an RGB picture: a PIL image, an array, a path or a ``PhotoFile``.

    A PIL image is converted to RGB (the same object if it is RGB already: it is
    never changed). An array of shape ``(h, w)``, ``(h, w, 1)``, ``(h, w, 3)`` or
    ``(h, w, 4)`` becomes a new image (floats in 0..1 are scaled to 0..255). A
    photo file is decoded upright by :func:`load`, reduced to ``max_side`` (for
    example :data:`WORKING_SIDE`) when given, refusing damaged files and
    decompression bombs with a :class:`~safetylab.errors.SafetyLabError`.

    Raises
    ------
    TypeError
        For anything else.
    ValueError
        For an empty picture or an array of another shape.

    Examples
    --------
    >>> import numpy as np
    >>> as_image(np.zeros((2, 3))).size, as_image(np.ones((2, 3, 1))).getpixel((0, 0))
    ((3, 2), (255, 255, 255))
    """
    from PIL import Image

    np = sys.modules.get("numpy")  # an array can only exist once numpy is imported
    if isinstance(image, Image.Image):
        im = image
    elif np is not None and isinstance(image, np.ndarray):
        arr = image
        if arr.dtype != np.uint8:
            if np.issubdtype(arr.dtype, np.floating) and arr.size and arr.max() <= 1.0:
                arr = arr * 255.0
            arr = np.clip(np.rint(arr), 0, 255).astype(np.uint8)
        if arr.ndim == 3 and arr.shape[2] == 1:
            arr = arr[:, :, 0]
        if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
            raise ValueError(f"expected an image array of shape (h, w) or (h, w, 3|4), got {arr.shape}")
        im = Image.fromarray(arr)
    elif isinstance(image, (str, os.PathLike, PhotoFile)):
        im = load(image, max_side=max_side)
    else:
        raise TypeError(f"expected a PIL image, a numpy array or a path, not {type(image).__name__}")
    if im.width < 1 or im.height < 1:
        raise ValueError("the image is empty")
    if im.mode != "RGB":
        im = im.convert("RGB")
    return im


def bare_copy(im: "PILImage.Image") -> "PILImage.Image":
    """A plain image with the same pixels and palette, and no ``info`` or tags carried over.

    Examples
    --------
    >>> from PIL import Image
    >>> im = Image.new("RGB", (2, 2)); im.info["comment"] = b"hi"
    >>> bare_copy(im).info
    {}
    """
    out = im.copy()  # a plain Image: format-specific tags (tag_v2, applist...) stay behind
    out.info = {}
    return out


def load(photo: PhotoFile | str | os.PathLike, *, max_side: int | None = None,
         orient: bool = True, mode: str | None = "RGB") -> "PILImage.Image":
    """Decode a photo, upright, optionally reduced so its longer side is at most ``max_side``.

    With ``max_side`` a JPEG is decoded at a reduced scale straight from the
    file (libjpeg's DCT scaling), so a 12-megapixel photo is never decoded in
    full when a small one serves.

    Parameters
    ----------
    photo : PhotoFile or path
    max_side : int, optional
        Longest side of the result, in pixels.
    orient : bool
        Apply the EXIF orientation so the picture is shown as the camera meant.
    mode : str or None
        Convert to this Pillow mode (``"RGB"`` by default; None keeps the file's).

    Returns
    -------
    PIL.Image.Image
        A new image; the file is not changed.
    """
    from PIL import Image, ImageOps

    if not isinstance(photo, PhotoFile):
        photo = read_file(photo)
    im = open_image(photo)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if max_side and im.format == "JPEG" and max(im.size) > max_side:
                scale = max(im.size) / max_side
                # a grey picture is decoded grey straight away (libjpeg skips the colour)
                im.draft("L" if mode == "L" else "RGB", (int(im.width / scale), int(im.height / scale)))
            im.load()
            if max_side and max(im.size) > max_side:  # shrink first: rotating is then cheap
                im.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
            if orient:
                im = ImageOps.exif_transpose(im)
            if mode and im.mode != mode:
                if im.mode in ("I;16", "I;16B", "I;16L", "I") and mode in ("RGB", "L"):
                    import numpy as np

                    arr = np.asarray(im, dtype=np.float64)
                    top = arr.max() or 1.0
                    im = Image.fromarray((arr / top * 255).astype("uint8"), "L")
                im = im.convert(mode)
    except SafetyLabError:
        raise
    except MemoryError:
        raise TooLargeError(f"{photo.name} is too large to decode here.") from None
    except Exception:
        raise undecodable(photo, im) from None
    return im


#: TIFF compressions every Pillow build decodes; others depend on how its libtiff was built.
_BUILT_IN = {"raw", "tiff_ccitt", "group3", "group4", "tiff_lzw", "tiff_jpeg", "jpeg", "tiff_adobe_deflate",
             "tiff_raw_16", "packbits", "tiff_deflate"}


@functools.lru_cache(maxsize=16)
def _codec_available(compression: str) -> bool:
    """Can this computer's Pillow write (and so read) a TIFF with ``compression``?"""
    import io

    from PIL import Image

    try:
        Image.new("RGB", (2, 2)).save(io.BytesIO(), "TIFF", compression=compression)
        return True
    except Exception:
        return False


def undecodable(photo: PhotoFile, im: "PILImage.Image | None" = None) -> SafetyLabError:
    """The one line for a picture whose pixels did not decode: a missing codec, or damage.

    A TIFF may be compressed in a way (WebP, ZSTD, LZMA...) that only some builds of
    the picture library read; such a file is not damaged, and the line says so.
    """
    compression = (im.info.get("compression") if im is not None else None) or ""
    if photo.format == "TIFF" and compression and compression not in _BUILT_IN \
            and not _codec_available(compression):
        name = compression.removeprefix("tiff_").upper()
        return UnsupportedFormatError(
            f"{photo.name} is a TIFF compressed with {name}, which the picture library on this computer "
            "cannot decode; open it in an image editor and save it as PNG or JPEG first.")
    return CorruptFileError(f"{photo.name} is damaged: its picture data could not be decoded.")
