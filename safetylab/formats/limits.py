"""Totals that every reader of a file's structure stays within, whatever the file claims.

Each byte codec caps what one structure may hold (a segment, a chunk, a value). A
hostile file can still repeat a cheap structure many times: thousands of
compressed text chunks that each unpack to megabytes, directory entries that all
point at the same megabyte, extents that each cover the whole file. So one
:class:`Budget` is shared by everything that reads one file (its metadata, its
clean copy and the copy's read-back): it counts the bytes copied or unpacked, the
structures walked (segments, chunks, boxes, entries, XML elements) and the time
spent, and when a total is passed the reading stops with one plain line
(:class:`Exceeded`, a :class:`~safetylab.errors.TooLargeError`).

:func:`reading` starts a budget for one read (a scrub has three: the file, its
clean copy's structure, the copy's read-back); :func:`current` is what a codec asks for.
A codec called on its own, outside :func:`reading`, gets a budget of its own.

The limits are far above what any camera, phone or editor writes (the real-world
corpus reads within a few percent of them), and the record keeps at most
:data:`MAX_VALUES` values of one kind, so a report stays readable.

What this does *not* protect against: decoding the picture itself; its size is
checked before decoding by :mod:`safetylab.images`.

Examples
--------
>>> with reading(max_items=3) as budget:
...     budget.spend(items=3)
...     budget.spend(items=1)
Traceback (most recent call last):
...
safetylab.formats.limits.Exceeded: holds more than 3 metadata structures (segments, chunks, entries or elements), more than safetylab reads; it may have been made to slow tools down.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Iterator

from ..errors import TooLargeError

__all__ = ["Budget", "Exceeded", "current", "reading", "MAX_BYTES", "MAX_ITEMS", "MAX_SECONDS",
           "MAX_VALUES", "MAX_FRAMES"]

#: Bytes of metadata one read may copy out of a file or unpack (all blocks together).
MAX_BYTES = 64 * 1024 * 1024
#: Structures one read may walk: segments, chunks, boxes, directory entries, XML elements.
MAX_ITEMS = 1_000_000
#: Seconds one read may spend on metadata (a last resort: the totals above come first).
MAX_SECONDS = 8.0
#: Values the record keeps of one kind (comments, one XMP property's list, people, ...).
MAX_VALUES = 200
#: Pages (frames) of a multi-page picture that are cleaned; more are refused.
MAX_FRAMES = 64


class Exceeded(TooLargeError):
    """A file asked for more than a :class:`Budget` allows (one plain line, without the file's name)."""


class Budget:
    """What one file may still cost: bytes copied or unpacked, structures walked, seconds."""

    __slots__ = ("max_bytes", "max_items", "max_seconds", "bytes", "items", "deadline")

    def __init__(self, *, max_bytes: int = MAX_BYTES, max_items: int = MAX_ITEMS,
                 max_seconds: float = MAX_SECONDS):
        self.max_bytes, self.max_items, self.max_seconds = max_bytes, max_items, max_seconds
        self.bytes = 0
        self.items = 0
        self.deadline = time.monotonic() + max_seconds

    def spend(self, *, nbytes: int = 0, items: int = 0) -> None:
        """Count ``nbytes`` copied or unpacked and ``items`` walked; raise :class:`Exceeded` past a total."""
        self.bytes += nbytes
        self.items += items
        if self.bytes > self.max_bytes:
            raise Exceeded(f"holds more than {self.max_bytes // 2**20} MB of metadata once unpacked, more "
                           "than safetylab reads; it may have been made to slow tools down.")
        if self.items > self.max_items:
            raise Exceeded(f"holds more than {self.max_items:,} metadata structures (segments, chunks, "
                           "entries or elements), more than safetylab reads; it may have been made to "
                           "slow tools down.")
        if items and not self.items & 0x3FF or nbytes:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise Exceeded(f"took more than {self.max_seconds:g} seconds to read, more than safetylab "
                           "allows; it may have been made to slow tools down.")


_ACTIVE: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("safetylab_budget", default=None)


def current() -> Budget:
    """The budget of the file being read, or a new one for a codec called on its own."""
    budget = _ACTIVE.get()
    return budget if budget is not None else Budget()


@contextlib.contextmanager
def reading(**limits) -> Iterator[Budget]:
    """Share one new :class:`Budget` among everything read inside the block (the outer one, if any, returns after)."""
    budget = Budget(**limits)
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)
