"""Write a copy of a photo with its metadata removed. The original is never touched.

How each format is cleaned (an allowlist: only what is needed to show the
picture is kept, everything else goes):

========  =====================================================================
JPEG      lossless: the compressed picture data is copied byte for byte, so the
          pixels are identical; only image-structure segments are kept.
PNG       lossless: only the chunks that describe the pixels are kept.
WebP      lossless: only the picture, animation and alpha chunks are kept.
TIFF      re-encoded losslessly (deflate): the same pixels in a new, bare file.
HEIC/AVIF converted to JPEG (quality 92): HEIF files keep metadata in several
          places and not every device opens them; a JPEG opens everywhere.
========  =====================================================================

The EXIF orientation is kept (as the only EXIF field) when the picture would
otherwise show sideways; the colour profile is kept unless ``keep_icc=False``.
After writing, the copy is read back, and anything still found is reported:
:attr:`ScrubResult.clean` is True only when nothing private remains.

What this does not protect against: what the picture shows. A clean file can
still show your face, your street sign, your school uniform or your window view.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import _jpeg, _png, _riff
from .errors import CorruptFileError, OutputError, SafetyLabError, UnsupportedFormatError
from .images import HEIF_FORMATS, RAW_FORMATS, PhotoFile, load, read_file, sniff
from .metadata import Metadata, read_photo

__all__ = ["ScrubResult", "scrub", "scrub_bytes", "LABELS"]

#: Plain names for what :meth:`Metadata.leaks` finds.
LABELS = {
    "gps": "GPS location", "taken_at": "date and time taken", "camera": "camera make, model and software",
    "serials": "serial numbers", "owner": "owner's name", "thumbnail": "embedded thumbnail or preview",
    "people": "names of people tagged", "place_text": "place names", "comments": "comments and descriptions",
    "png_text": "PNG text notes", "xmp": "XMP block", "iptc": "IPTC block", "makernote": "maker notes",
}

_JPEG_KEEP = {0xC4, 0xCC, 0xDB, 0xDD, 0xDC, _jpeg.SOS, _jpeg.SOI, _jpeg.EOI, *_jpeg._SOF}
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
             b"bKGD", b"pHYs", b"hIST", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCv", b"cLLI"}
_WEBP_KEEP = {b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF"}


@dataclass
class ScrubResult:
    """What :func:`scrub` did. ``clean`` is never True while something private remains."""

    source: str
    output: str
    format: str
    output_format: str
    method: str  # "lossless", "re-encoded" or "converted"
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)
    clean: bool = False

    def summary(self) -> str:
        """One or two plain lines for a learner."""
        how = {"lossless": "pixels unchanged",
               "re-encoded": "pixels re-saved without loss",
               "converted": f"converted to {self.output_format}; the picture was re-compressed"}[self.method]
        removed = ", ".join(LABELS.get(r, r) for r in self.removed) or "nothing private was found"
        line = f"{Path(self.source).name} -> {Path(self.output).name} ({how}). Removed: {removed}."
        if self.remaining:
            line += " STILL PRESENT: " + ", ".join(LABELS.get(r, r) for r in self.remaining) + "."
        return line

    def to_dict(self) -> dict:
        return asdict(self)


def _minimal_exif(orientation: int, byteorder: str = ">") -> bytes:
    """A TIFF block holding one tag: Orientation."""
    head = b"MM\x00*" if byteorder == ">" else b"II*\x00"
    bo = byteorder
    return (head + struct.pack(bo + "I", 8) + struct.pack(bo + "H", 1)
            + struct.pack(bo + "HHI", 0x0112, 3, 1) + struct.pack(bo + "HH", orientation, 0)
            + struct.pack(bo + "I", 0))


def _jfif_app0(data: bytes) -> _jpeg.Segment:
    """A JFIF header with the original density and no thumbnail."""
    density = data[7:12] if len(data) >= 12 else b"\x00\x00\x01\x00\x01"
    return _jpeg.Segment(0xE0, b"JFIF\x00\x01\x01" + density + b"\x00\x00")


def _clean_jpeg(photo: PhotoFile, md: Metadata, keep_icc: bool) -> tuple[bytes, list[str]]:
    jf = _jpeg.parse(photo.data)
    if not jf.complete or jf.frame is None or not jf.find(_jpeg.SOS):
        raise CorruptFileError(
            f"{photo.name} is cut short or damaged, so no complete clean copy can be made.")
    kept: list[str] = []
    out: list[_jpeg.Segment] = []
    jfif = next((s for s in jf.segments if s.marker == 0xE0 and s.startswith(b"JFIF\x00")), None)
    for seg in jf.segments:
        m = seg.marker
        if m == _jpeg.SOI:
            out.append(seg)
            if jfif is not None:
                out.append(_jfif_app0(jfif.data))
            if md.orientation and md.orientation != 1:
                out.append(_jpeg.app_segment(1, b"Exif\x00\x00" + _minimal_exif(md.orientation)))
                kept.append("orientation")
        elif m in _JPEG_KEEP:
            out.append(seg)
        elif m == 0xE2 and seg.startswith(b"ICC_PROFILE\x00") and keep_icc:
            out.append(seg)
            if "colour profile" not in kept:
                kept.append("colour profile")
        elif m == 0xEE and seg.startswith(b"Adobe"):
            out.append(seg)  # colour transform flag: needed to decode CMYK/YCCK correctly
    return _jpeg.build(out), kept


def _clean_png(photo: PhotoFile, md: Metadata, keep_icc: bool) -> tuple[bytes, list[str]]:
    pf = _png.parse(photo.data)
    if pf.truncated or not pf.find(b"IEND"):
        raise CorruptFileError(
            f"{photo.name} is cut short or damaged, so no complete clean copy can be made.")
    kept: list[str] = []
    out: list[_png.Chunk] = []
    for c in pf.chunks:
        if c.type in _PNG_KEEP:
            if c.type == b"IEND" and md.orientation and md.orientation != 1:
                out.append(_png.chunk(b"eXIf", _minimal_exif(md.orientation)))
                kept.append("orientation")
            out.append(c)
        elif c.type == b"iCCP" and keep_icc:
            # keep the profile, drop its free-text name
            _name, _, rest = c.data.partition(b"\x00")
            out.append(_png.chunk(b"iCCP", b"ICC Profile\x00" + rest))
            kept.append("colour profile")
    return _png.build(out), kept


def _clean_webp(photo: PhotoFile, md: Metadata, keep_icc: bool) -> tuple[bytes, list[str]]:
    wf = _riff.parse(photo.data)
    if wf.truncated or not any(c.fourcc in (b"VP8 ", b"VP8L", b"ANMF") for c in wf.chunks):
        raise CorruptFileError(
            f"{photo.name} is cut short or damaged, so no complete clean copy can be made.")
    kept: list[str] = []
    out: list[_riff.Chunk] = []
    has_icc = keep_icc and bool(wf.find(b"ICCP"))
    orient = md.orientation if md.orientation and md.orientation != 1 else None
    for c in wf.chunks:
        if c.fourcc == b"VP8X":
            flags = c.data[0] & ~(_riff.EXIF_FLAG | _riff.XMP_FLAG | _riff.ICC_FLAG)
            if has_icc:
                flags |= _riff.ICC_FLAG
            if orient:
                flags |= _riff.EXIF_FLAG
            out.append(_riff.Chunk(b"VP8X", bytes([flags]) + c.data[1:]))
            if has_icc:
                out.append(wf.find(b"ICCP")[0])
                kept.append("colour profile")
        elif c.fourcc in _WEBP_KEEP:
            out.append(c)
    if orient and out and out[0].fourcc == b"VP8X":
        out.append(_riff.Chunk(b"EXIF", _minimal_exif(orient)))
        kept.append("orientation")
    return _riff.build(out), kept


def _bare_copy(im):
    """A plain image with the same pixels and palette, and no ``info`` or tags carried over."""
    out = im.copy()  # a plain Image: format-specific tags (tag_v2, applist...) stay behind
    out.info = {}
    return out


def _reencode_tiff(photo: PhotoFile, md: Metadata, keep_icc: bool) -> tuple[bytes, list[str]]:
    from PIL import ImageOps, ImageSequence

    from .images import open_image

    im = open_image(photo)
    icc = im.info.get("icc_profile") if keep_icc else None
    frames = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's notes on odd tags in hostile files
            for frame in ImageSequence.Iterator(im):
                frame.load()
                upright = ImageOps.exif_transpose(frame)
                if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "F"):
                    upright = upright.convert("RGBA" if "A" in upright.mode else "RGB")
                frames.append(_bare_copy(upright))
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


def _convert_heif(photo: PhotoFile, md: Metadata, keep_icc: bool) -> tuple[bytes, list[str]]:
    from .images import open_image

    icc = open_image(photo).info.get("icc_profile") if keep_icc else None
    im = load(photo, mode=None)
    if im.mode not in ("RGB", "L"):
        im = im.convert("RGB")
    buf = io.BytesIO()
    options = {"quality": 92, "subsampling": 0, "optimize": True}
    if icc:
        options["icc_profile"] = icc
    _bare_copy(im).save(buf, "JPEG", **options)
    return buf.getvalue(), (["colour profile"] if icc else [])


_CLEANERS = {"JPEG": (_clean_jpeg, "lossless", "JPEG"), "PNG": (_clean_png, "lossless", "PNG"),
             "WEBP": (_clean_webp, "lossless", "WEBP"), "TIFF": (_reencode_tiff, "re-encoded", "TIFF")}
_EXT = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "TIFF": ".tif"}


def scrub_bytes(photo: PhotoFile, *, keep_icc: bool = True) -> tuple[bytes, str, str, list[str], Metadata]:
    """Clean a photo in memory: ``(data, method, output_format, kept, metadata_before)``."""
    md = read_photo(photo, compare_thumbnail=False)
    fmt = md.format
    if fmt in RAW_FORMATS or photo.format in RAW_FORMATS:
        raise UnsupportedFormatError(
            f"{photo.name} is a camera raw file ({fmt}); export it as JPEG first, then clean that.")
    if photo.format in HEIF_FORMATS:
        data, kept = _convert_heif(photo, md, keep_icc)
        return data, "converted", "JPEG", kept, md
    cleaner, method, out_fmt = _CLEANERS[photo.format]
    data, kept = cleaner(photo, md, keep_icc)
    return data, method, out_fmt, kept, md


def _target(src: Path, out_dir: Path, ext: str, data: bytes, neutral_name: bool) -> Path:
    stem = f"photo-{hashlib.sha256(data).hexdigest()[:10]}" if neutral_name else f"{src.stem}-clean"
    return out_dir / f"{stem}{ext}"


def _write_new(target: Path, data: bytes, protect: Path) -> Path:
    """Write ``data`` to a file that did not exist before (adding -2, -3... if needed)."""
    stem, ext = target.stem, target.suffix
    for n in range(1, 1000):
        cand = target if n == 1 else target.with_name(f"{stem}-{n}{ext}")
        if cand.resolve() == protect.resolve():
            continue
        try:
            fd = os.open(cand, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        except OSError as e:
            raise OutputError(f"Could not write to {cand.parent} ({e.strerror or e}).") from None
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return cand
    raise OutputError(f"Could not find a free file name for {target.name} in {target.parent}.")


def scrub(path: str | os.PathLike, out_dir: str | os.PathLike | None = None, *,
          keep_icc: bool = True, neutral_name: bool = False) -> ScrubResult:
    """Write a cleaned copy of ``path`` to a new file and check it.

    Parameters
    ----------
    path : path-like
        The photo. It is opened read-only and never changed.
    out_dir : path-like, optional
        Folder for the copy (created if needed); default: next to the original.
        An existing file is never overwritten: ``-2``, ``-3``... are added instead.
    keep_icc : bool
        Keep the colour profile (it holds no personal data, and without it some
        photos look washed out). ``False`` removes it too.
    neutral_name : bool
        Name the copy ``photo-<random-looking>.jpg`` instead of ``<name>-clean.jpg``:
        names like ``IMG_20240601_142233`` give away the date.

    Returns
    -------
    ScrubResult
        What was removed, kept and (if anything) still remains.
    """
    photo = read_file(path)
    data, method, out_fmt, kept, before = scrub_bytes(photo, keep_icc=keep_icc)
    src = Path(path)
    folder = Path(out_dir) if out_dir is not None else src.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"Could not create the folder {folder} ({e.strerror or e}).") from None
    target = _write_new(_target(src, folder, _EXT[out_fmt], data, neutral_name), data, src)
    after = read_photo(PhotoFile(target, data, sniff(data[:64])), compare_thumbnail=False)
    remaining = after.leaks()
    removed = [k for k in before.leaks() if k not in remaining]
    return ScrubResult(str(src), str(target), before.format, out_fmt, method, removed, kept,
                       remaining, clean=not remaining)
