"""The small interface every format handler implements (as MAT2's parsers do).

A handler knows one file format family: how to *read* what a file says into a
:class:`~safetylab.formats.record.Metadata` record, and how to *clean* it into a
new copy that keeps only what its allowlist names. :func:`safetylab.formats.handler_for`
picks the handler by the format the file's bytes declare (never by its name).

What this does *not* protect against: a handler removes what a file *says*;
it cannot remove what the picture *shows*.
"""

from __future__ import annotations

import abc

from ..images import PhotoFile, displayed_size
from .record import Metadata

__all__ = ["Handler", "INCOMPLETE"]

#: The one line a handler gives when the file is too damaged to make a whole clean copy.
INCOMPLETE = "{name} is cut short or damaged, so no complete clean copy can be made."


class Handler(abc.ABC):
    """One format family: read its metadata, write a clean copy.

    Attributes
    ----------
    formats : tuple of str
        The formats :func:`safetylab.images.sniff` returns that this handler reads.
    method : str
        How :meth:`clean` writes the copy: ``"lossless"`` (the compressed picture
        copied byte for byte), ``"re-encoded"`` (the same pixels, saved again
        without loss) or ``"converted"`` (another format).
    output_format, extension : str
        The format of the clean copy and the file extension it gets.
    keep : frozenset
        The allowlist: the structures (segments, chunks) a lossless copy keeps.
        Everything else goes. Empty for handlers that write a new file from pixels.
    """

    formats: tuple[str, ...] = ()
    method: str = ""
    output_format: str = ""
    extension: str = ""
    keep: frozenset = frozenset()

    @abc.abstractmethod
    def read(self, photo: PhotoFile, md: Metadata) -> None:
        """Add everything the file says to ``md``. The file is not changed."""

    def finish(self, photo: PhotoFile, md: Metadata) -> None:
        """Last touches after :meth:`read`: by default, ``width``/``height`` as displayed.

        It runs outside the reading's error handling, so it must not raise on a
        damaged file (the HEIF handler asks libheif for the size here).
        """
        if md.width and md.height:
            md.width, md.height = displayed_size(md.width, md.height, md.orientation)

    @abc.abstractmethod
    def clean(self, photo: PhotoFile, md: Metadata, *, keep_icc: bool = True) -> tuple[bytes, list[str]]:
        """The bytes of a clean copy, and what was kept on purpose (``"orientation"``, ``"colour profile"``).

        ``md`` is what :meth:`read` found (the orientation to keep comes from it).
        """

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {'/'.join(self.formats)}>"
