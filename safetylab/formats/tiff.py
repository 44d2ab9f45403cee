"""TIFF files (and the camera raw files built on TIFF): read, and clean by re-encoding.

A TIFF file is one big EXIF structure: :func:`safetylab.formats.exif.apply`
reads its directories, and IFD0 may also carry XMP, IPTC, Photoshop resources
and a colour profile. DNG and Nikon NEF files are told apart here, by their
tags. Canon CR2, Panasonic RW2 and Olympus ORF are read the same way.

Cleaning decodes the pixels (upright, every page up to 64) and saves them again
as a new, bare TIFF with lossless deflate compression, keeping only the colour
profile (unless asked not to): there is no allowlist of tags, because nothing of
the old file is copied. Camera raw files are not cleaned (export them as JPEG first).

What this does *not* protect against: what the picture shows.
"""

from __future__ import annotations

import io
import warnings

from ..errors import CorruptFileError, SafetyLabError, UnsupportedFormatError
from ..images import RAW_FORMATS, PhotoFile, bare_copy, open_image
from . import exif, iptc, xmp
from .handler import Handler
from .record import Metadata

__all__ = ["TiffHandler", "HANDLER"]

_MODES = ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "F")


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
        if t.get("IFD0", 0xC612) is not None and md.format == "TIFF":
            md.format = "DNG"
        if md.format == "TIFF" and (md.camera.make or "").upper().startswith("NIKON") and \
                any(n.startswith("SubIFD") for n in t.ifds):
            md.format = "NEF"
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
        from PIL import ImageOps, ImageSequence

        im = open_image(photo)
        icc = im.info.get("icc_profile") if keep_icc else None
        frames = []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Pillow's notes on odd tags in hostile files
                for frame in ImageSequence.Iterator(im):
                    frame.load()
                    upright = ImageOps.exif_transpose(frame)
                    if upright.mode not in _MODES:
                        upright = upright.convert("RGBA" if "A" in upright.mode else "RGB")
                    frames.append(bare_copy(upright))
                    if len(frames) >= 64:
                        break
        except Exception:
            raise CorruptFileError(f"{photo.name} is damaged: its picture data could not be decoded.") from None
        buf = io.BytesIO()
        options = {"compression": "tiff_deflate"}
        if icc:
            options["icc_profile"] = icc
        frames[0].save(buf, "TIFF", save_all=len(frames) > 1, append_images=frames[1:], **options)
        return buf.getvalue(), (["colour profile"] if icc else [])


HANDLER = TiffHandler()
