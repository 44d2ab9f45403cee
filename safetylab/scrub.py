"""Write a copy of a photo with its metadata removed. The original is never touched.

How each format is cleaned (an allowlist: only what is needed to show the
picture is kept, everything else goes; each format's handler in
:mod:`safetylab.formats` holds its allowlist):

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

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ._files import write_new
from .formats import handler_for
from .images import PhotoFile, read_file, sniff
from .metadata import Metadata, read_photo

__all__ = ["ScrubResult", "scrub", "scrub_bytes", "LABELS"]

#: Plain names for what :meth:`Metadata.leaks` finds.
LABELS = {
    "gps": "GPS location", "taken_at": "date and time taken", "camera": "camera make, model and software",
    "serials": "serial numbers", "owner": "owner's name", "thumbnail": "embedded thumbnail or preview",
    "people": "names of people tagged", "place_text": "place names", "comments": "comments and descriptions",
    "png_text": "PNG text notes", "xmp": "XMP block", "iptc": "IPTC block", "makernote": "maker notes",
}

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


def scrub_bytes(photo: PhotoFile, *, keep_icc: bool = True) -> tuple[bytes, str, str, list[str], Metadata]:
    """Clean a photo in memory: ``(data, method, output_format, kept, metadata_before)``.

    The format's handler (:func:`safetylab.formats.handler_for`) reads it and writes the copy.
    """
    md = read_photo(photo, compare_thumbnail=False)
    handler = handler_for(photo.format)
    data, kept = handler.clean(photo, md, keep_icc=keep_icc)
    return data, handler.method, handler.output_format, kept, md


def _target(src: Path, out_dir: Path, ext: str, data: bytes, neutral_name: bool) -> Path:
    if not neutral_name:
        return out_dir / f"{src.stem}-clean{ext}"
    import hashlib  # only for neutral names: not loaded for every clean copy

    return out_dir / f"photo-{hashlib.sha256(data).hexdigest()[:10]}{ext}"


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
    target = write_new(_target(src, folder, handler_for(photo.format).extension, data, neutral_name),
                       data, protect=src)
    after = read_photo(PhotoFile(target, data, sniff(data[:64])), compare_thumbnail=False)
    remaining = after.leaks()
    removed = [k for k in before.leaks() if k not in remaining]
    return ScrubResult(str(src), str(target), before.format, out_fmt, method, removed, kept,
                       remaining, clean=not remaining)
