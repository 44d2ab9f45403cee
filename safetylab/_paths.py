"""Files and folders a person names: opened safely, and kept inside the folder they belong to.

Two kinds of helper, used wherever safetylab opens a file a user (or a file
someone sent them) names:

- :func:`open_regular` and :func:`read_limited` open a path only when it is an
  ordinary file, checked on what was actually opened (``fstat``), never waiting
  on a pipe (a FIFO) or reading a device such as ``/dev/zero`` without end, and,
  when asked, without following a link.
- :func:`within` turns a folder or file name typed into a box into a path inside
  a given folder, refusing absolute paths, ``..`` and links that lead out, with
  one plain line (:class:`OutsideFolderError`).

What this does not protect against: another program running as the same user can
still read or change the files inside the folder; and a check on a path is only as
good as the moment it is made, which is why the readers check what they opened.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO, Iterable

from .errors import SafetyLabError

__all__ = ["NotOrdinaryFileError", "TooLargeError", "OutsideFolderError", "open_regular",
           "read_limited", "within"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_EXTRA = getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class NotOrdinaryFileError(OSError):
    """The path is a pipe, a device, a folder or (not following links) a link."""

    def __init__(self, filename):
        super().__init__(errno.EINVAL, "not an ordinary file", str(filename))


class TooLargeError(OSError):
    """The file is larger than the caller accepts."""

    def __init__(self, filename, limit: int):
        super().__init__(errno.EFBIG, f"larger than {limit:,} bytes", str(filename))
        self.limit = limit


def open_regular(path: str | os.PathLike, *, follow_links: bool = True,
                 dir_fd: int | None = None) -> tuple[BinaryIO, os.stat_result]:
    """Open an ordinary file for reading, and what ``fstat`` says of the file opened.

    The file is opened without blocking (a pipe with no writer does not hang) and
    checked after opening, so what is read is what was checked: a pipe, a device
    or a folder raises :class:`NotOrdinaryFileError`. With ``follow_links=False`` a
    link in the last part of the path is refused as well (``O_NOFOLLOW``).

    Returns
    -------
    (file, stat_result)
        A binary file object (close it, or use ``with``) and its ``os.fstat``.

    Raises
    ------
    OSError
        Including :class:`NotOrdinaryFileError`.
    """
    flags = os.O_RDONLY | _NONBLOCK | _EXTRA | (0 if follow_links else _NOFOLLOW)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as e:
        if not follow_links and e.errno in (errno.ELOOP, errno.EMLINK):  # the last part is a link
            raise NotOrdinaryFileError(path) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotOrdinaryFileError(path)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), st
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: str | os.PathLike, limit: int, *, follow_links: bool = True) -> bytes:
    """All bytes of an ordinary file of at most ``limit`` bytes (see :func:`open_regular`).

    Raises
    ------
    OSError
        :class:`TooLargeError` when the file is larger, :class:`NotOrdinaryFileError`
        when it is not an ordinary file, or any error opening it.

    Examples
    --------
    >>> read_limited("/dev/zero", 10)
    Traceback (most recent call last):
    ...
    safetylab._paths.NotOrdinaryFileError: [Errno 22] not an ordinary file: '/dev/zero'
    """
    fh, st = open_regular(path, follow_links=follow_links)
    with fh:
        if st.st_size > limit:
            raise TooLargeError(path, limit)
        data = bytearray()
        while len(data) <= limit:  # a piece at a time: read(n) would set aside n bytes at once
            chunk = fh.read(min(1 << 20, limit + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    if len(data) > limit:  # it grew while being read
        raise TooLargeError(path, limit)
    return bytes(data)


class OutsideFolderError(SafetyLabError):
    """A typed folder or file name leads outside the folder it must stay in."""


def within(base: str | os.PathLike, name: str | os.PathLike, *, what: str = "folder",
           also: Iterable[str | os.PathLike] = ()) -> Path:
    """The path a typed ``name`` stands for, inside the folder ``base``.

    ``name`` is a name or a relative path (``my_evidence_kit``,
    ``kits/monday``), read from ``base``. It may not hold ``..``, and wherever
    it leads (an absolute path, a link followed) must be inside ``base`` or one
    of the folders in ``also`` (for example the sample folder a lesson offers).

    Parameters
    ----------
    base : path-like
        The folder names must stay in (a lesson's folder).
    name : str or path-like
        What was typed.
    what : str
        What the name is for, in words ("folder for the kit"), for the message.
    also : iterable of path-like
        Other folders a path may name exactly or lie inside.

    Returns
    -------
    Path
        An absolute path inside ``base`` or one of ``also`` (links resolved).

    Raises
    ------
    OutsideFolderError
        One plain line saying what to type instead.

    Examples
    --------
    >>> import tempfile
    >>> base = tempfile.mkdtemp()
    >>> within(base, "kits/monday").relative_to(Path(base).resolve()).as_posix()
    'kits/monday'
    >>> within(base, "../elsewhere", what="folder for the kit")
    Traceback (most recent call last):
    ...
    safetylab._paths.OutsideFolderError: The folder for the kit must be a name inside this lesson's folder, like my_folder (not "../elsewhere").
    """
    text = os.fspath(name).strip()
    root = Path(base).resolve()
    example = "my_folder" if "folder" in what else "my_file"
    if not text or "\0" in text:
        raise OutsideFolderError(f"No {what} was given: type a name such as {example}.")
    shown = "".join(c if c.isprintable() else "?" for c in text.replace('"', "'"))
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    refuse = OutsideFolderError(
        f'The {what} must be a name inside this lesson\'s folder, like {example} (not "{shown}").')
    posix, windows = PurePosixPath(text), PureWindowsPath(text)
    if ".." in posix.parts or ".." in windows.parts or text.startswith("~"):
        raise refuse
    absolute = posix.is_absolute() or windows.is_absolute() or bool(windows.drive) or text.startswith("\\")
    path = Path(text).resolve() if absolute else (root / text).resolve()  # links followed
    for allowed in (root, *(Path(a).resolve() for a in also)):
        if path == allowed or allowed in path.parents:
            return path
    raise refuse
