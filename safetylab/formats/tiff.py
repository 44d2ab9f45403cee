"""TIFF files (and the camera raw files built on TIFF): read, and clean by re-encoding.

A TIFF file is one big EXIF structure: :func:`safetylab.formats.exif.apply`
reads its directories, and IFD0 may also carry XMP, IPTC, Photoshop resources
and a colour profile. DNG and Nikon NEF files are told apart here by their
structure (a DNG version tag; a raw sensor picture in a directory), never by the
maker's name alone. Canon CR2, Panasonic RW2 (with the EXIF of the JPEG preview
inside it) and Olympus ORF are read the same way.

Cleaning decodes the pixels (upright, one page at a time, at most
:data:`~safetylab.formats.limits.MAX_FRAMES` pages and :data:`~safetylab.images.MAX_PIXELS`
in all, every page's size checked before any is decoded) and saves them again as a
new, bare TIFF in the same mode (bit depth, byte order, colour space, palette),
with deflate compression where it gives back the same pixels and none where it
does not; it keeps only the colour profile (unless asked not to): there is no
allowlist of tags, because nothing of the old file is copied. The copy is decoded
again and compared with what was saved, page by page: a mode Pillow cannot save
unchanged is refused with one line rather than converted. Camera raw files are
not cleaned (export them as JPEG first).

What this does *not* protect against: what the picture shows.
"""

from __future__ import annotations

import functools
import hashlib
import io
import warnings

from ..errors import CorruptFileError, SafetyLabError, TooLargeError, UnsupportedFormatError
from ..images import MAX_PIXELS, RAW_FORMATS, PhotoFile, check_pixels, open_image, undecodable
from . import exif, iptc, jpeg_segments, limits, xmp
from .handler import Handler
from .record import Metadata

__all__ = ["TiffHandler", "HANDLER"]

#: How a raw sensor picture declares itself: its colour-filter-array or linear-raw photometric
#: interpretation, or Nikon's raw compression.
_RAW_PHOTOMETRIC = {32803, 34892}
_RAW_COMPRESSION = {34713}


def _raw_kind(t, md: Metadata) -> str | None:
    """``"DNG"``, ``"NEF"`` (or ``"RAW"``) when the file's structure holds a raw sensor picture, else None.

    Told by structure, never by the maker's name alone: a TIFF an editor saved from a
    Nikon photo is a TIFF, not a NEF.
    """
    if t.get("IFD0", 0xC612) is not None:  # DNGVersion
        return "DNG"
    for ifd in t.ifds.values():
        photometric, compression = ifd.get(0x0106), ifd.get(0x0103)
        if (photometric is not None and photometric.first() in _RAW_PHOTOMETRIC) or \
                (compression is not None and compression.first() in _RAW_COMPRESSION):
            return "NEF" if (md.camera.make or "").upper().startswith("NIKON") else None
    return None


def _damaged(photo: PhotoFile) -> CorruptFileError:
    return CorruptFileError(f"{photo.name} is a damaged TIFF file: its first directory is unreadable.")


class TiffHandler(Handler):
    formats = ("TIFF", "CR2", "RW2", "ORF")
    method = "re-encoded"
    output_format = "TIFF"
    extension = ".tif"

    def read(self, photo: PhotoFile, md: Metadata) -> None:
        t = exif.apply(md, photo.data, is_file=True)
        if t is None:
            raise _damaged(photo)
        # XMP / IPTC / ICC inside the file's IFD0
        x = t.get("IFD0", 0x02BC)
        if x is not None and x.raw:
            xmp.apply(md, x.raw)
        i = t.get("IFD0", 0x83BB)
        if i is not None and i.raw:
            iptc.apply(md, i.raw)
        ps = t.get("IFD0", 0x8649)
        if ps is not None and ps.raw:
            iptc.apply_photoshop(md, ps.raw)
        if t.get("IFD0", 0x8773) is not None:
            md.add_block("ICC")
        if md.format == "TIFF":
            md.format = _raw_kind(t, md) or "TIFF"
        jpg = t.get("IFD0", 0x002E)  # Panasonic raw: the camera's EXIF is in the JPEG preview inside
        if md.format == "RW2" and jpg is not None and jpg.raw.startswith(b"\xff\xd8"):
            for seg in jpeg_segments.parse(jpg.raw).find(0xE1, exif.HEADER):
                exif.apply(md, seg.data)
        ifd0 = t.ifds.get("IFD0")
        if ifd0 is None:
            raise _damaged(photo)
        if md.format in ("TIFF", "DNG", "NEF"):
            try:
                md.width, md.height = open_image(photo).size  # checks the picture is readable
                return
            except SafetyLabError:
                if md.format == "TIFF":
                    raise
        w, h = ifd0.get(0x0100), ifd0.get(0x0101)
        if w is not None and h is not None:
            md.width, md.height = int(w.first() or 0) or None, int(h.first() or 0) or None

    def clean(self, photo: PhotoFile, md: Metadata, *, keep_icc: bool = True) -> tuple[bytes, list[str]]:
        if md.format in RAW_FORMATS or photo.format in RAW_FORMATS:
            raise UnsupportedFormatError(
                f"{photo.name} is a camera raw file ({md.format}); export it as JPEG first, then clean that.")
        from PIL import ImageOps, TiffImagePlugin

        im = open_image(photo)
        icc = im.info.get("icc_profile") if keep_icc else None
        pages = _pages(photo, im)
        buf = io.BytesIO()
        digests = []
        try:
            with warnings.catch_warnings(), TiffImagePlugin.AppendingTiffWriter(buf) as out:
                warnings.simplefilter("ignore")  # Pillow's notes on odd tags in hostile files
                for i in range(pages):  # one page decoded at a time
                    im.seek(i)
                    try:
                        im.load()
                        upright = ImageOps.exif_transpose(im)  # a new, plain image
                    except Exception:
                        raise undecodable(photo, im) from None
                    upright.info = {}
                    compression = _lossless_compression(upright.mode)
                    if compression is None:
                        raise UnsupportedFormatError(_CANNOT_KEEP.format(name=photo.name, mode=upright.mode))
                    digests.append(_digest(upright))
                    options = {"compression": compression}
                    if icc:
                        options["icc_profile"] = icc
                    upright.save(out, "TIFF", **options)
                    out.newFrame()
                    del upright
        except SafetyLabError:
            raise
        except Exception:
            raise CorruptFileError(f"{photo.name} is damaged: its picture data could not be decoded.") from None
        data = buf.getvalue()
        if _digests(data) != digests:  # never say "without loss" unless it is so
            raise UnsupportedFormatError(_CANNOT_KEEP.format(name=photo.name, mode=im.mode))
        return data, (["colour profile"] if icc else [])


_CANNOT_KEEP = ("{name} stores its pixels in a form ({mode}) that safetylab cannot save again without "
                "changing them, so no clean copy was made; export it as PNG in an image editor first.")


def _pages(photo: PhotoFile, im) -> int:
    """How many pages to clean, after checking every page's size and their total before decoding any."""
    try:
        pages = getattr(im, "n_frames", 1)
    except Exception:
        raise CorruptFileError(f"{photo.name} is damaged: its list of pages is unreadable.") from None
    if pages > limits.MAX_FRAMES:
        raise TooLargeError(f"{photo.name} has {pages} pages, more than the {limits.MAX_FRAMES} "
                            "safetylab cleans; it may have been made to slow tools down.")
    total = 0
    for i in range(pages):
        try:
            im.seek(i)
        except Exception:
            raise CorruptFileError(f"{photo.name} is damaged: page {i + 1} is unreadable.") from None
        check_pixels(im.width, im.height, f"{photo.name} (page {i + 1})")
        total += im.width * im.height
    if total > MAX_PIXELS:
        raise TooLargeError(
            f"{photo.name} has {pages} pages of {total / 1e6:.0f} megapixels in all, more than safetylab "
            f"will decode ({MAX_PIXELS / 1e6:.0f}); it may be a decompression bomb.")
    return pages


@functools.lru_cache(maxsize=None)
def _lossless_compression(mode: str) -> str | None:
    """The compression that gives back exactly the same pixels in mode ``mode`` (deflate if it
    does, else none), or None when Pillow cannot save the mode to TIFF unchanged."""
    from PIL import Image

    try:
        probe = Image.new(mode, (3, 2))
        probe.frombytes(bytes(range(7, 7 + len(probe.tobytes()))))
    except Exception:
        return None
    if probe.mode in ("P", "PA"):
        probe.putpalette(bytes(range(256)) * 3)
    for compression in ("tiff_deflate", "raw"):
        buf = io.BytesIO()
        try:
            probe.save(buf, "TIFF", compression=compression)
            if _digests(buf.getvalue()) == [_digest(probe)]:
                return compression
        except Exception:
            continue
    return None


def _digest(im) -> tuple:
    """Mode, size, palette and a hash of the pixels, read a band of rows at a time (no full copy)."""
    h = hashlib.blake2b(digest_size=16)
    band = max(1, (16 << 20) // max(1, len(im.crop((0, 0, im.width, 1)).tobytes())))
    for y in range(0, im.height, band):
        h.update(im.crop((0, y, im.width, min(im.height, y + band))).tobytes())
    palette = im.getpalette() if im.mode in ("P", "PA") else None
    return im.mode, im.size, tuple(palette) if palette else None, h.hexdigest()


def _digests(data: bytes) -> list[tuple]:
    """:func:`_digest` of every page of a TIFF, decoded one at a time."""
    from PIL import Image, ImageSequence

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = []
        with Image.open(io.BytesIO(data)) as back:
            for frame in ImageSequence.Iterator(back):
                frame.load()
                out.append(_digest(frame))
        return out


HANDLER = TiffHandler()
