"""One handler per file format: reading, cleaning and the allowlist together.

Each format family has one :class:`~safetylab.formats.handler.Handler`
(as MAT2 has one parser per format): :mod:`.jpeg`, :mod:`.png`, :mod:`.webp`,
:mod:`.tiff` (with the TIFF-based camera raw files) and :mod:`.heif` (HEIC,
HEIF, AVIF). :func:`handler_for` picks one by the format the file's bytes
declare (:func:`safetylab.images.sniff`), never by the file name.
:mod:`safetylab.metadata` and :mod:`safetylab.scrub` dispatch through it.

The layers, from the bytes up:

- byte codecs, the only code that reads a file's raw structure:
  :mod:`.jpeg_segments`, :mod:`.png_chunks`, :mod:`.riff_chunks`,
  :mod:`.tiff_ifds`, :mod:`.bmff_boxes` (and the packet readers inside
  :mod:`.xmp` and :mod:`.iptc`);
- block readers shared by several containers, which add what a block says to the
  record: :mod:`.exif`, :mod:`.xmp`, :mod:`.iptc`, :mod:`.makernotes`,
  :mod:`.previews` (thumbnails);
- the handlers, and :mod:`.record` (the :class:`~safetylab.formats.record.Metadata`
  they fill).

What this does *not* protect against: a handler removes what a file *says*. The
picture itself (a face, a street sign, a window view) is untouched.

Examples
--------
>>> handler_for("JPEG").method, handler_for("HEIC").output_format
('lossless', 'JPEG')
>>> sorted(HANDLERS)
['AVIF', 'CR2', 'HEIC', 'HEIF', 'JPEG', 'ORF', 'PNG', 'RW2', 'TIFF', 'WEBP']
"""

from __future__ import annotations

import importlib
from typing import Iterator, Mapping

from ..errors import UnsupportedFormatError
from .handler import Handler

__all__ = ["Handler", "HANDLERS", "handler_for"]

#: The module of each format's handler: a handler's module is imported when its
#: format is first met, so reading a JPEG never loads the HEIF or TIFF code.
_MODULES = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "TIFF": "tiff", "CR2": "tiff", "RW2": "tiff",
            "ORF": "tiff", "HEIC": "heif", "HEIF": "heif", "AVIF": "heif"}


class _Handlers(Mapping):
    """Read-only ``{format: handler}``, each handler's module imported on first use."""

    def __getitem__(self, fmt: str) -> Handler:
        module = _MODULES[fmt]  # KeyError for an unknown format
        return importlib.import_module(f".{module}", __name__).HANDLER

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


#: The handler of every format :func:`safetylab.images.sniff` can return.
HANDLERS: Mapping[str, Handler] = _Handlers()


def handler_for(fmt: str) -> Handler:
    """The handler of format ``fmt`` (as :func:`safetylab.images.sniff` names it).

    Raises
    ------
    UnsupportedFormatError
        For a format safetylab has no handler for.
    """
    try:
        return HANDLERS[fmt]
    except KeyError:
        raise UnsupportedFormatError(f"safetylab cannot read {fmt} files.") from None
