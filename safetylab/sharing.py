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

Everything here is *typical* behaviour. Apps change with versions and
settings, and a service can keep what it hides from other people. The lesson
is never to rely on it: clean the photo yourself before sending it (and
remember that cleaning the file does not hide what the picture shows). See
:data:`CAVEAT`.

Trainers can copy the JSON file, edit it, and load their copy with
``sharing_paths(path)``; it is checked the same way as the shipped one.

What this does not protect against: apps change what they keep, and a photo sent
the "safe" way can still be screenshotted by the person who gets it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

from safetylab.errors import SafetyLabError

__all__ = [
    "SharingPath",
    "SharingDataError",
    "CAVEAT",
    "METADATA_VALUES",
    "RECOMPRESSED_VALUES",
    "TABLE_COLUMNS",
    "sharing_paths",
    "sharing_table_rows",
]

#: What to show next to the table, every time.
CAVEAT = (
    "Typical behaviour only: what is kept or removed changes with the app, its "
    "version and your settings, and a service can keep details it hides from "
    "other people. Never assume a photo was cleaned for you: clean it yourself "
    "before you send it. Cleaning the file does not hide what the picture itself shows."
)

#: Allowed values of ``gps`` and ``other_metadata``.
METADATA_VALUES = ("usually removed", "usually kept", "varies")

#: Allowed values of ``image_recompressed``.
RECOMPRESSED_VALUES = ("yes", "no", "varies")

#: Column headings of :func:`sharing_table_rows`, in display order.
TABLE_COLUMNS = (
    "Way of sending",
    "GPS location",
    "Other metadata",
    "Picture shrunk and re-saved",
    "Notes",
)

_DATA_FILE = "sharing_paths.json"
_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_ALLOWED = {
    "gps": METADATA_VALUES,
    "other_metadata": METADATA_VALUES,
    "image_recompressed": RECOMPRESSED_VALUES,
}
_TOP_FIELDS = ("_about", "label", "paths")


class SharingDataError(SafetyLabError):
    """The sharing table file is missing, is not valid JSON, or has a bad field.

    Attributes
    ----------
    file : str
        The file's name.
    field : str or None
        The field that is wrong, when there is one.
    """

    def __init__(self, message: str, *, file: str = "", field: str | None = None):
        super().__init__(message)
        self.file = file
        self.field = field


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
    """

    id: str
    way: str
    gps: str
    other_metadata: str
    image_recompressed: str
    notes: str


_ROW_FIELDS = tuple(f.name for f in fields(SharingPath))


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
        return list(_shipped_table())
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SharingDataError(
            f"The sharing table {file.name} could not be read ({err.__class__.__name__}).",
            file=file.name,
        ) from None
    return list(_parse(text, file.name))


def sharing_table_rows(path: str | os.PathLike[str] | None = None) -> list[dict[str, str]]:
    """The table as plain rows for display, keyed by :data:`TABLE_COLUMNS`.

    Show :data:`CAVEAT` with it.

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
def _shipped_table() -> tuple[SharingPath, ...]:
    """The table that ships with safetylab, read and checked once."""
    try:
        text = resources.files("safetylab").joinpath("data", _DATA_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SharingDataError(
            f"The sharing table {_DATA_FILE} that comes with safetylab could not be read "
            f"({err.__class__.__name__}); try reinstalling safetylab.",
            file=_DATA_FILE,
        ) from None
    return _parse(text, _DATA_FILE)


def _parse(text: str, name: str) -> tuple[SharingPath, ...]:
    """Check the JSON text of a sharing table and turn it into rows."""

    def bad(problem: str, field: str | None = None) -> SharingDataError:
        return SharingDataError(
            f"The sharing table {name} is not valid: {problem}", file=name, field=field
        )

    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise bad(f"it is not valid JSON (line {err.lineno}, column {err.colno}).") from None
    if not isinstance(data, dict):
        expected = ", ".join(repr(field) for field in _TOP_FIELDS)
        raise bad(f"it must be a JSON object with the fields {expected}.")
    for field in _TOP_FIELDS:
        if field not in data:
            raise bad(f"the field '{field}' is missing.", field)
    for field in ("_about", "label"):
        if not isinstance(data[field], str) or not data[field].strip():
            raise bad(f"the field '{field}' must be some text.", field)
    rows = data["paths"]
    if not isinstance(rows, list) or not rows:
        raise bad("the field 'paths' must be a list with at least one way of sending.", "paths")

    seen: set[str] = set()
    paths = []
    for number, row in enumerate(rows, start=1):
        where = f"row {number}"
        if not isinstance(row, dict):
            raise bad(f"{where} of 'paths' must be an object.", "paths")
        if isinstance(row.get("id"), str):
            where += f" ('{row['id']}')"
        for field in _ROW_FIELDS:
            if field not in row:
                raise bad(f"{where} is missing the field '{field}'.", field)
            value = row[field]
            if not isinstance(value, str) or not value.strip():
                raise bad(f"{where} has no text in the field '{field}'.", field)
            allowed = _ALLOWED.get(field)
            if allowed and value not in allowed:
                choices = ", ".join(allowed)
                raise bad(f"{where} has '{field}' = {value!r}; it must be one of: {choices}.", field)
        extra = sorted(set(row) - set(_ROW_FIELDS))
        if extra:
            raise bad(f"{where} has an unknown field '{extra[0]}' (a typo?).", extra[0])
        if not _ID_PATTERN.fullmatch(row["id"]):
            raise bad(f"{where} has an 'id' that is not a short lowercase name like 'chat_file'.",
                      "id")
        if row["id"] in seen:
            raise bad(f"{where} repeats the 'id' {row['id']!r}; each id must be different.", "id")
        seen.add(row["id"])
        paths.append(SharingPath(**{field: row[field].strip() for field in _ROW_FIELDS}))
    return tuple(paths)
