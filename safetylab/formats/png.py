"""PNG: read the metadata chunks, and clean losslessly.

Reading looks at ``eXIf`` (EXIF), ``iCCP``, ``tIME`` and the text chunks
(``tEXt``, ``zTXt``, ``iTXt``): XMP packets, ImageMagick's "Raw profile" hex
dumps of EXIF/IPTC/XMP, and plain notes (author, comment, creation time...).
Compressed text is unpacked with a cap (:data:`~safetylab.formats.png_chunks.MAX_TEXT`).

Cleaning keeps only the chunks in :attr:`PngHandler.keep` (the ones that
describe the pixels), the colour profile without its free-text name (unless
asked not to), and the orientation alone when the picture would otherwise show
sideways. The image data chunks are copied byte for byte.

What this does *not* protect against: what the picture shows; a screenshot
still shows whatever was on the screen.
"""

from __future__ import annotations

import struct

from ..errors import CorruptFileError
from ..images import PhotoFile
from . import exif, iptc, png_chunks, xmp
from .handler import INCOMPLETE, Handler
from .limits import MAX_VALUES
from .record import Metadata, iso_date

__all__ = ["PngHandler", "HANDLER"]


def _apply_raw_profile(md: Metadata, kind: str, text: str) -> None:
    """ImageMagick's 'Raw profile type X' text chunks: a hex dump of a metadata block."""
    payload = text
    if not text.startswith("Exif"):
        parts = text.strip().split("\n", 2)
        hexdata = "".join(parts[2].split()) if len(parts) == 3 else ""
        try:
            payload = bytes.fromhex(hexdata).decode("latin-1")
        except ValueError:
            md.add_block("PNG text")
            md.problems.append(f"a '{kind}' text chunk could not be decoded")
            return
    raw = payload.encode("latin-1", "replace")
    if kind in ("exif", "app1"):
        exif.apply(md, raw)
    elif kind == "iptc":
        if raw.startswith(b"Photoshop 3.0") or raw.startswith(b"8BIM"):
            iptc.apply_photoshop(md, raw)
        else:
            iptc.apply(md, raw)
    elif kind == "8bim":
        iptc.apply_photoshop(md, raw)
    elif kind == "xmp":
        xmp.apply(md, raw)
    elif kind == "icc":
        md.add_block("ICC")
    else:
        md.add_block("PNG text")


def _apply_text(md: Metadata, chunk: png_chunks.Chunk) -> None:
    try:
        kv = png_chunks.text_of(chunk)
    except ValueError:
        md.add_block("PNG text")
        md.problems.append(f"a {chunk.name} chunk unpacks to more text than is safe to read")
        return
    if kv is None:
        md.add_block("PNG text")
        return
    key, text = kv
    low = key.lower()
    if low == "xml:com.adobe.xmp":
        xmp.apply(md, text.encode("utf-8"))
    elif low.startswith("raw profile type") or low in ("exif", "iptc", "xmp"):
        _apply_raw_profile(md, low.rsplit(" ", 1)[-1], text)
    else:
        md.add_block("PNG text")
        if key in md.png_text or len(md.png_text) < MAX_VALUES:
            md.png_text[key] = text[:2000]
        if low in ("author", "artist", "copyright", "creator") and text.strip():
            md.owners.setdefault(f"PNG {key}", text.strip()[:200])
        if low in ("comment", "description") and text.strip():
            md.add_comment(text.strip()[:2000])
        if low in ("creation time", "date:create") and not md.taken_at:
            iso = iso_date(text)
            if iso:
                md.taken_at, md.taken_at_source = iso, f"PNG {key}"


class PngHandler(Handler):
    formats = ("PNG",)
    method = "lossless"
    output_format = "PNG"
    extension = ".png"
    #: Header, palette, image data and end; transparency, gamma, chromaticities,
    #: sRGB, significant bits, background, pixel size, histogram; the APNG
    #: animation chunks; and the HDR colour chunks (cICP, mDCv, cLLI).
    keep = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB",
                      b"sBIT", b"bKGD", b"pHYs", b"hIST", b"acTL", b"fcTL", b"fdAT", b"cICP",
                      b"mDCv", b"cLLI"})

    def read(self, photo: PhotoFile, md: Metadata) -> None:
        pf = png_chunks.parse(photo.data)
        if pf.truncated:
            md.problems.append("the file is cut short (truncated)")
        ihdr = pf.find(b"IHDR")
        if ihdr and len(ihdr[0].data) >= 8:
            md.width, md.height = struct.unpack(">II", ihdr[0].data[:8])
        for c in pf.chunks:
            if c.type == b"eXIf":
                exif.apply(md, c.data)
            elif c.type == b"iCCP":
                md.add_block("ICC")
            elif c.type == b"tIME":
                md.add_block("PNG time")
            elif c.type in (b"tEXt", b"zTXt", b"iTXt"):
                _apply_text(md, c)

    def clean(self, photo: PhotoFile, md: Metadata, *, keep_icc: bool = True) -> tuple[bytes, list[str]]:
        pf = png_chunks.parse(photo.data)
        if pf.truncated or not pf.find(b"IEND"):
            raise CorruptFileError(INCOMPLETE.format(name=photo.name))
        kept: list[str] = []
        out: list[png_chunks.Chunk] = []
        for c in pf.chunks:
            if c.type in self.keep:
                if c.type == b"IEND" and md.orientation and md.orientation != 1:
                    out.append(png_chunks.chunk(b"eXIf", exif.orientation_only(md.orientation)))
                    kept.append("orientation")
                out.append(c)
            elif c.type == b"iCCP" and keep_icc:
                # keep the profile, drop its free-text name
                _name, _, rest = c.data.partition(b"\x00")
                out.append(png_chunks.chunk(b"iCCP", b"ICC Profile\x00" + rest))
                kept.append("colour profile")
        return png_chunks.build(out), kept


HANDLER = PngHandler()
