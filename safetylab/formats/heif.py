"""HEIC, HEIF and AVIF: read the metadata items, and clean by converting to JPEG.

Reading takes the Exif and XMP items from the file's boxes
(:mod:`safetylab.formats.bmff_boxes`), counts thumbnail items, and asks libheif
(through pillow-heif, headers only) for the displayed size. libheif applies the
container's rotation itself, so the EXIF orientation is informational only.

Cleaning converts to JPEG (quality 92, no chroma subsampling): HEIF files keep
metadata in several places, and not every device opens them; a JPEG opens
everywhere. Only the pixels and (unless asked not to) the colour profile are
carried over.

What this does *not* protect against: what the picture shows; and the
conversion re-compresses the picture (it is not lossless).
"""

from __future__ import annotations

import io

from ..errors import SafetyLabError
from ..images import PhotoFile, bare_copy, load, open_image
from . import bmff_boxes, exif, xmp
from .handler import Handler
from .record import Metadata, Thumbnail

__all__ = ["HeifHandler", "HANDLER"]


def _details(md: Metadata, photo: PhotoFile) -> None:
    """Size and thumbnails of a HEIF file from libheif (headers only, no pixel decoding)."""
    try:
        import pillow_heif

        heif = pillow_heif.open_heif(photo.data, convert_hdr_to_8bit=True)
        img = heif.primary if hasattr(heif, "primary") else heif[0]
        md.width, md.height = img.size
        thumbs = getattr(img, "thumbnails", [])
        if thumbs:
            th = max(thumbs, key=lambda x: x.size[0] * x.size[1] if hasattr(x, "size") else 0)
            size = getattr(th, "size", (None, None))
            md.add_block("Thumbnail")
            if md.thumbnail is None or md.thumbnail.width is None:
                md.thumbnail = Thumbnail(True, size[0], size[1], "HEIF thumbnail item")
    except Exception:
        if photo.format != "AVIF":
            md.problems.append("the HEIF picture could not be opened")
    if md.width is None:
        try:
            md.width, md.height = open_image(photo).size
        except SafetyLabError:
            pass


class HeifHandler(Handler):
    formats = ("HEIC", "HEIF", "AVIF")
    method = "converted"
    output_format = "JPEG"
    extension = ".jpg"

    def read(self, photo: PhotoFile, md: Metadata) -> None:
        hm = bmff_boxes.parse(photo.data)
        md.problems.extend(hm.problems)
        for blob in hm.exif:
            exif.apply(md, blob)
        for blob in hm.xmp:
            xmp.apply(md, blob)
        # libheif applies the container's rotation itself; the EXIF orientation is informational.
        md.orientation = None
        if hm.thumbnails:
            md.add_block("Thumbnail")
            md.thumbnail = md.thumbnail or Thumbnail(True, None, None, "HEIF thumbnail item")
        if b"colr" in photo.data[:4096] and b"prof" in photo.data[:8192]:
            md.add_block("ICC")

    def finish(self, photo: PhotoFile, md: Metadata) -> None:
        """The displayed size (and thumbnails) from libheif; the container's rotation is applied there."""
        _details(md, photo)

    def clean(self, photo: PhotoFile, md: Metadata, *, keep_icc: bool = True) -> tuple[bytes, list[str]]:
        icc = open_image(photo).info.get("icc_profile") if keep_icc else None
        im = load(photo, mode=None)
        if im.mode not in ("RGB", "L"):
            im = im.convert("RGB")
        buf = io.BytesIO()
        options = {"quality": 92, "subsampling": 0, "optimize": True}
        if icc:
            options["icc_profile"] = icc
        bare_copy(im).save(buf, "JPEG", **options)
        return buf.getvalue(), (["colour profile"] if icc else [])


HANDLER = HeifHandler()
