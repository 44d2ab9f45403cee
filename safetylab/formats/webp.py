"""WebP: read the EXIF, XMP and ICC chunks, and clean losslessly.

Cleaning keeps only the picture, alpha and animation chunks
(:attr:`WebpHandler.keep`), rewrites the VP8X feature flags to match, keeps the
colour profile (unless asked not to) and, when the picture would otherwise show
sideways, an EXIF chunk holding the orientation alone. The compressed picture is
copied byte for byte.

What this does *not* protect against: what the picture shows.
"""

from __future__ import annotations

from ..errors import CorruptFileError
from ..images import PhotoFile
from . import exif, riff_chunks, xmp
from .handler import INCOMPLETE, Handler
from .record import Metadata
from .riff_chunks import Chunk

__all__ = ["WebpHandler", "HANDLER"]


class WebpHandler(Handler):
    formats = ("WEBP",)
    method = "lossless"
    output_format = "WEBP"
    extension = ".webp"
    #: The extended header (flags rewritten), lossy and lossless picture data,
    #: alpha, and the animation header and frames.
    keep = frozenset({b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF"})

    def read(self, photo: PhotoFile, md: Metadata) -> None:
        wf = riff_chunks.parse(photo.data)
        if wf.truncated:
            md.problems.append("the file is cut short (truncated)")
        size = wf.size()
        if size:
            md.width, md.height = size
        for c in wf.chunks:
            if c.fourcc == b"EXIF":
                exif.apply(md, c.data)
            elif c.fourcc == b"XMP ":
                xmp.apply(md, c.data)
            elif c.fourcc == b"ICCP":
                md.add_block("ICC")

    def clean(self, photo: PhotoFile, md: Metadata, *, keep_icc: bool = True) -> tuple[bytes, list[str]]:
        wf = riff_chunks.parse(photo.data)
        if wf.truncated or not any(c.fourcc in (b"VP8 ", b"VP8L", b"ANMF") for c in wf.chunks):
            raise CorruptFileError(INCOMPLETE.format(name=photo.name))
        kept: list[str] = []
        out: list[Chunk] = []
        has_icc = keep_icc and bool(wf.find(b"ICCP"))
        orient = md.orientation if md.orientation and md.orientation != 1 else None
        for c in wf.chunks:
            if c.fourcc == b"VP8X":
                flags = c.data[0] & ~(riff_chunks.EXIF_FLAG | riff_chunks.XMP_FLAG | riff_chunks.ICC_FLAG)
                if has_icc:
                    flags |= riff_chunks.ICC_FLAG
                if orient:
                    flags |= riff_chunks.EXIF_FLAG
                out.append(Chunk(b"VP8X", bytes([flags]) + c.data[1:]))
                if has_icc:
                    out.append(wf.find(b"ICCP")[0])
                    kept.append("colour profile")
            elif c.fourcc in self.keep:
                out.append(c)
        if orient and out and out[0].fourcc == b"VP8X":
            out.append(Chunk(b"EXIF", exif.orientation_only(orient)))
            kept.append("orientation")
        return riff_chunks.build(out), kept


HANDLER = WebpHandler()
