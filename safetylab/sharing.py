"""How different ways of sending a photo typically treat its metadata.

A photo file can carry hidden details: where it was taken (GPS), when, on
which phone, sometimes a name. Whether those details reach the other person
depends on *how* the photo travels. A social feed usually strips the location
from the copy others see; a photo sent as a file, an email attachment, or a
direct share to a nearby phone usually arrives exactly as it left, location
and all.

The table is data, not code: ``safetylab/data/sharing_paths.json``. Each row
has these fields (the file's ``"_about"`` field says the same):

``id``
    A short lowercase name, unique in the table, e.g. ``"chat_file"``.
``way``
    A short label for learners, e.g. ``"Emailed as an attachment"``.
``gps``, ``other_metadata``
    One of ``"usually removed"``, ``"usually kept"``, ``"varies"``.
``image_recompressed``
    Whether the picture itself is usually shrunk and re-saved: ``"yes"``,
    ``"no"`` or ``"varies"``.
``notes``
    One plain sentence.
``sources`` (optional)
    The public pages that state it: ``url``, ``last_checked``, ``checked``.

Everything here is *typical* behaviour. Apps change with versions and
settings, and a service can keep what it hides from other people. The lesson
is never to rely on it: clean the photo yourself before sending it (and
remember that cleaning the file does not hide what the picture shows). Show
:func:`caveat` with the table, every time.

Trainers can copy the JSON file, edit it, and load their copy with
``sharing_paths(path)``; it is checked against ``sharing_paths.schema.json`` by
the one data-file loader, and a mistake is one line naming the file and the
field (``broken.json: paths[1].gps: should be one of ...``).

What this does not protect against: apps change what they keep, and a photo sent
the "safe" way can still be screenshotted by the person who gets it.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, fields
from typing import Any, Mapping

from . import _datafile
from ._datafile import DataFileError

__all__ = [
    "SharingPath",
    "SharingDataError",
    "caveat",
    "METADATA_VALUES",
    "RECOMPRESSED_VALUES",
    "TABLE_COLUMNS",
    "sharing_paths",
    "sharing_table_rows",
]

#: Allowed values of ``gps`` and ``other_metadata``.
METADATA_VALUES = ("usually removed", "usually kept", "varies")

#: Allowed values of ``image_recompressed``.
RECOMPRESSED_VALUES = ("yes", "no", "varies")

#: Column headings of :func:`sharing_table_rows`, in display order.
TABLE_COLUMNS = (
    "Way of sending",
    "GPS location",
    "Other details in the file",
    "Picture shrunk and re-saved",
    "Notes",
)

_DATA_FILE = "sharing_paths.json"
_SCHEMA_FILE = "sharing_paths.schema.json"


class SharingDataError(DataFileError):
    """The sharing table file is missing, is not valid JSON, or has a bad field.

    ``str(err)`` is one line, ``FILE: FIELD: PROBLEM``; ``err.file`` and
    ``err.field`` (e.g. ``"paths[1].gps"``) say where.
    """


@dataclass(frozen=True)
class SharingPath:
    """One way of sending a photo, and what it typically does to the metadata.

    Attributes
    ----------
    id : str
        Short unique name, e.g. ``"email_attachment"``.
    way : str
        Label for learners, e.g. ``"Emailed as an attachment"``.
    gps : str
        ``"usually removed"``, ``"usually kept"`` or ``"varies"``.
    other_metadata : str
        Same values as ``gps``: camera, dates, names and the rest.
    image_recompressed : str
        ``"yes"``, ``"no"`` or ``"varies"``.
    notes : str
        One plain sentence.
    sources : tuple of Source
        The public pages that state it (see :class:`safetylab.content.Source`).
    """

    id: str
    way: str
    gps: str
    other_metadata: str
    image_recompressed: str
    notes: str
    sources: tuple = ()


_ROW_FIELDS = tuple(f.name for f in fields(SharingPath) if f.name != "sources")


def sharing_paths(path: str | os.PathLike[str] | None = None) -> list[SharingPath]:
    """The table of ways to send a photo, checked.

    Parameters
    ----------
    path : str or path-like, optional
        A table file of your own in the same format. By default the table
        shipped with safetylab is used.

    Returns
    -------
    list of SharingPath
        In the order of the file. A new list each call; changing it changes
        nothing else.

    Raises
    ------
    SharingDataError
        If the file is missing, is not JSON, or a field is missing or has a
        value that is not allowed. The message names the file and the field.

    Examples
    --------
    >>> ways = {p.id: p for p in sharing_paths()}
    >>> ways["chat_file"].gps
    'usually kept'
    """
    if path is None:
        return list(_rows(_shipped_data()))
    return list(_rows(_datafile.load(path, _SCHEMA_FILE, check=_check, error=SharingDataError,
                                     what="a sharing table")))


def caveat(path: str | os.PathLike[str] | None = None) -> str:
    """The line to show next to the table, every time (the file's ``label``).

    Examples
    --------
    >>> caveat().startswith("Typical behaviour only")
    True
    """
    if path is None:
        return _shipped_data()["label"].strip()
    return _datafile.load(path, _SCHEMA_FILE, check=_check, error=SharingDataError,
                          what="a sharing table")["label"].strip()


def sharing_table_rows(path: str | os.PathLike[str] | None = None) -> list[dict[str, str]]:
    """The table as plain rows for display, keyed by :data:`TABLE_COLUMNS`.

    Show :func:`caveat` with it.

    Parameters
    ----------
    path : str or path-like, optional
        As for :func:`sharing_paths`.

    Returns
    -------
    list of dict
        One dict per way of sending, with the keys of :data:`TABLE_COLUMNS`
        in order.

    Examples
    --------
    >>> rows = sharing_table_rows()
    >>> list(rows[0]) == list(TABLE_COLUMNS)
    True
    """
    return [
        dict(zip(TABLE_COLUMNS, (p.way, p.gps, p.other_metadata, p.image_recompressed, p.notes)))
        for p in sharing_paths(path)
    ]


@functools.cache
def _shipped_data() -> Mapping[str, Any]:
    """The table that ships with safetylab, read and checked once."""
    return _datafile.load_shipped(_DATA_FILE, _SCHEMA_FILE, check=_check, error=SharingDataError)


def _check(data: Mapping[str, Any]) -> list[tuple[list[Any], str]]:
    """What the schema cannot say: each id once."""
    seen: set[str] = set()
    for i, row in enumerate(data["paths"]):
        if row["id"] in seen:
            return [(["paths", i, "id"], f"repeats the id {row['id']!r}; each id must be different")]
        seen.add(row["id"])
    return []


def _rows(data: Mapping[str, Any]) -> tuple[SharingPath, ...]:
    from .content import Source

    return tuple(SharingPath(**{name: row[name].strip() for name in _ROW_FIELDS},
                             sources=tuple(Source(s["url"], s["last_checked"], s["checked"])
                                           for s in row.get("sources", ())))
                 for row in data["paths"])
