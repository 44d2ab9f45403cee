"""JPEG: read every block a JPEG carries, and clean it losslessly.

Reading walks the segments (:mod:`safetylab.formats.jpeg_segments`): EXIF and
XMP in APP1 (extended XMP joined), a FLIR camera's record in APP1, Photoshop/IPTC
in APP13 (joined when it runs over several segments), ICC, MPF and FlashPix in
APP2, JFIF and JFXX thumbnails in APP0, comments, other APPn blocks, and anything
hidden after the end of the picture: further pictures (an MPO's second image, a
preview), an AFCP trailer's IPTC records and text, an XMP packet.

Cleaning copies the compressed picture data byte for byte, so the pixels are
identical; only the segments in :attr:`JpegHandler.keep` (tables, frame, scans)
stay, plus a bare JFIF header, the colour profile (unless asked not to), Adobe's
colour-transform flag (needed to decode CMYK) and, when the picture would
otherwise show sideways, an EXIF block holding the orientation alone.

What this does *not* protect against: what the picture shows.
"""

from __future__ import annotations

from ..errors import CorruptFileError
from ..images import PhotoFile
from . import exif, iptc, jpeg_segments, makernotes, previews, xmp
from .handler import INCOMPLETE, Handler
from .jpeg_segments import COM, EOI, SOI, SOS, Segment
from .record import Metadata

__all__ = ["JpegHandler", "HANDLER"]

_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXTENSION = b"http://ns.adobe.com/xmp/extension/\x00"


def _jfif_app0(data: bytes) -> Segment:
    """A JFIF header with the original density and no thumbnail."""
    density = data[7:12] if len(data) >= 12 else b"\x00\x00\x01\x00\x01"
    return Segment(0xE0, b"JFIF\x00\x01\x01" + density + b"\x00\x00")


class JpegHandler(Handler):
    formats = ("JPEG",)
    method = "lossless"
    output_format = "JPEG"
    extension = ".jpg"
    #: Huffman and arithmetic tables, quantisation tables, restart interval,
    #: line count, scans, start and end of image, and every start-of-frame.
    keep = frozenset({0xC4, 0xCC, 0xDB, 0xDD, 0xDC, SOS, SOI, EOI, *jpeg_segments.SOF})

    def read(self, photo: PhotoFile, md: Metadata) -> None:
        jf = jpeg_segments.parse(photo.data)
        if jf.truncated:
            md.problems.append("the file is cut short (truncated)")
        if jf.junk_bytes:
            md.problems.append(f"{jf.junk_bytes} stray bytes between segments")
        size = jf.size()
        if size:
            md.width, md.height = size
        ext_xmp: list[bytes] = []
        flir: list[bytes] = []
        photoshop: list[bytes] = []
        for seg in jf.segments:
            m, d = seg.marker, seg.data
            if m == 0xE1 and d.startswith(b"Exif\x00"):
                exif.apply(md, d)
            elif m == 0xE1 and d.startswith(_XMP):
                xmp.apply(md, d[29:])
            elif m == 0xE1 and d.startswith(_XMP_EXTENSION):
                ext_xmp.append(d[35 + 32 + 8:])
                md.add_block("XMP")
            elif m == 0xE1 and d.startswith(b"FLIR\x00") and len(d) > 8:
                flir.append(d[8:])  # a thermal camera's FFF record, in parts
                md.add_block("FLIR")
            elif m == 0xED:
                # Photoshop resources may run on over several APP13 segments: joined below
                photoshop.append(d.removeprefix(b"Photoshop 3.0\x00") if photoshop else d)
            elif m == 0xE2 and d.startswith(b"ICC_PROFILE\x00"):
                md.add_block("ICC")
            elif m == 0xE2 and d.startswith(b"MPF\x00"):
                md.add_block("MPF")
            elif m == 0xE2 and d.startswith(b"FPXR\x00"):
                md.add_block("FlashPix")
                if md.thumbnail is None:
                    previews.scan_embedded_jpegs(md, d, "in FlashPix data")
            elif m == 0xE0 and d.startswith(b"JFXX\x00") and len(d) > 6:
                md.add_block("JFXX")
                if d[5] == 0x10:
                    previews.offer_jpeg(md, d[6:], "JFIF extension (JFXX)")
            elif m == 0xE0 and d.startswith(b"JFIF\x00") and len(d) >= 14 and d[12] and d[13]:
                md.add_block("Thumbnail")  # a raw RGB thumbnail in the JFIF header itself
                tw, th = d[12], d[13]
                if md.thumbnail is None and len(d) >= 14 + 3 * tw * th:
                    previews.offer_rgb(md, d[14:14 + 3 * tw * th], tw, th, "JFIF header")
            elif m == COM:
                text = d.rstrip(b"\x00").decode("utf-8", "replace").strip()
                md.add_block("Comment")
                md.add_comment(text)
            elif 0xE3 <= m <= 0xEF and m != 0xEE and len(d) > 0:
                tag = d[:12].split(b"\x00")[0].decode("latin-1", "replace").strip() or f"APP{m - 0xE0}"
                md.add_block(f"APP{m - 0xE0} {tag}".strip()[:40])
        if ext_xmp:
            xmp.apply(md, b"".join(ext_xmp))
        if photoshop:
            iptc.apply_photoshop(md, b"".join(photoshop))
        if flir and not md.camera.serial:
            md.camera.serial = makernotes.flir_serial(b"".join(flir))
        trailer = jf.trailer.strip(b"\x00")
        if trailer:
            md.add_block("Trailer")
            found = jpeg_segments.afcp(photo.data) if jf.trailer[-12:-8] in (b"AXS!", b"AXS*") else {}
            if found:
                md.add_block("AFCP")
            if found.get("IPTC"):
                iptc.apply(md, found["IPTC"])
            if found.get("TEXT"):
                md.add_comment(found["TEXT"].decode("utf-8", "replace").strip("\x00 ").strip())
            if b"<x:xmpmeta" in trailer:  # an XMP packet appended after the picture
                xmp.apply(md, trailer[trailer.index(b"<x:xmpmeta"):])
            if b"\xff\xd8\xff" in trailer:
                md.hidden_images += trailer.count(b"\xff\xd8\xff")
                # an MPO's further pictures (MPF) are whole pictures, not thumbnails
                if md.thumbnail is None and "MPF" not in md.blocks:
                    previews.scan_embedded_jpegs(md, trailer, "after the end of the picture")

    def clean(self, photo: PhotoFile, md: Metadata, *, keep_icc: bool = True) -> tuple[bytes, list[str]]:
        jf = jpeg_segments.parse(photo.data)
        if not jf.complete or jf.frame is None or not jf.find(SOS):
            raise CorruptFileError(INCOMPLETE.format(name=photo.name))
        kept: list[str] = []
        out: list[Segment] = []
        jfif = next((s for s in jf.segments if s.marker == 0xE0 and s.startswith(b"JFIF\x00")), None)
        for seg in jf.segments:
            m = seg.marker
            if m == SOI:
                out.append(seg)
                if jfif is not None:
                    out.append(_jfif_app0(jfif.data))
                if md.orientation and md.orientation != 1:
                    out.append(jpeg_segments.app_segment(1, exif.HEADER + exif.orientation_only(md.orientation)))
                    kept.append("orientation")
            elif m in self.keep:
                out.append(seg)
            elif m == 0xE2 and seg.startswith(b"ICC_PROFILE\x00") and keep_icc:
                out.append(seg)
                if "colour profile" not in kept:
                    kept.append("colour profile")
            elif m == 0xEE and seg.startswith(b"Adobe"):
                out.append(seg)  # colour transform flag: needed to decode CMYK/YCCK correctly
        return jpeg_segments.build(out), kept


HANDLER = JpegHandler()
