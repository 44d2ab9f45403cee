"""The one family of errors safetylab raises.

Every error carries a single plain-language line meant for a learner, not a
programmer: what went wrong with *their* file and, where it helps, what to try.

What this does not protect against: an error message says what went wrong with
a file; it never means the file is safe to share.
"""

from __future__ import annotations

__all__ = [
    "SafetyLabError",
    "NotAPhotoError",
    "UnsupportedFormatError",
    "CorruptFileError",
    "TooLargeError",
    "OutputError",
    "AlreadyThereError",
]


class SafetyLabError(Exception):
    """Base class: ``str(err)`` is one plain line, safe to show to a learner."""

    def __init__(self, message: str):
        # One line, always: collapse anything a lower layer put in.
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        return self.args[0]


class NotAPhotoError(SafetyLabError):
    """The file is not an image in any format safetylab knows."""


class UnsupportedFormatError(SafetyLabError):
    """The file is an image, but one this step cannot handle (e.g. a camera raw file)."""


class CorruptFileError(SafetyLabError):
    """The file looks like a photo but is damaged or truncated."""


class TooLargeError(SafetyLabError):
    """The file or image is too large to handle safely (e.g. a decompression bomb)."""


class OutputError(SafetyLabError):
    """An output could not be written where it was asked for."""


class AlreadyThereError(OutputError):
    """A file was to be written under an exact name, and a file of that name is already there."""
