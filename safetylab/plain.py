"""Values in words a learner reads without help: dates, names, places, distances, positions, counts.

What a photo file says is stored in forms made for programs: ``2024-06-01T14:03:22+02:00``,
``CameraOwnerName``, ``FR``, a box ``[402, 369, 93, 20]`` in pixels, ``street_sign``.
Learner mode shows none of these. The functions here turn each into the words a
13-year-old reads without help (``1 June 2024, 2:03 pm``; ``Alex Example (camera
owner, artist, author)``; ``France``; ``in the middle of the picture``; ``street
sign``). They are pure: a value in, a string out, nothing read but the shipped list
of country names. :func:`safetylab.report.rows`, the lesson widgets and the command
line all word values through them, so a value reads the same everywhere.

What this does not protect against: words make a value readable, not less
revealing: "1 June 2024, 2:03 pm" gives away as much as the timestamp it came from.

Examples
--------
>>> date_time("2024-06-01T14:03:22+02:00")
'1 June 2024, 2:03 pm'
>>> owners({"CameraOwnerName": "Alex Example", "Artist": "Alex Example", "XPAuthor": "Alex Example"})
'Alex Example (camera owner, artist, author)'
>>> place("Neuilly-sur-Seine, Ile-de-France, FR")
'Neuilly-sur-Seine, Ile-de-France, France'
>>> position([402, 369, 93, 20], (640, 480))
'at the bottom right of the picture'
>>> count(1, "copy"), count(6, "copy")
('1 copy', '6 copies')
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

__all__ = ["date_time", "date", "time_of_day", "owners", "owner_role", "country", "place", "distance",
           "position", "count", "file_size", "risk_label", "clue_kind", "blocks", "serials",
           "RISK_LABELS", "looks_like_code"]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")

#: How serious a finding is, in words (the report's levels are "high", "medium", "low").
RISK_LABELS: Mapping[str, str] = {"high": "Important", "medium": "Worth knowing", "low": "Small detail"}

# Where each name in a file comes from, as a role a learner recognises.
_ROLES = {
    "cameraownername": "camera owner", "ownername": "camera owner", "artist": "artist",
    "xpauthor": "author", "author": "author", "copyright": "copyright notice",
    "creator": "creator", "rights": "copyright notice", "owner": "owner",
    "by-line": "photographer", "byline": "photographer", "copyrightnotice": "copyright notice",
    "writer-editor": "writer",
}

# Metadata blocks (as the format handlers name them), in words.
_BLOCKS = {
    "EXIF": "camera details", "GPS": "location", "XMP": "editing details", "IPTC": "captions and credits",
    "Photoshop": "editing details", "ICC": "colour profile", "MakerNote": "camera maker's notes",
    "Thumbnail": "small preview picture", "JFXX": "small preview picture", "MPF": "extra pictures",
    "FlashPix": "extra pictures", "Comment": "a written comment", "PNG text": "written notes",
    "PNG time": "a time", "Trailer": "extra data after the picture",
}

# Clue types whose words are not just the type with spaces.
_CLUES = {"car_plate": "number plate", "car plate": "number plate", "plate": "number plate",
          "house_number": "house number", "id_badge": "ID badge", "lanyard": "work lanyard", "text": "writing"}

_ISO = re.compile(r"^\s*(\d{4})[-:](\d{2})[-:](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$")


def _parse(value: Any) -> tuple[datetime, bool] | None:
    """``(date and time, has a time of day)`` from ISO 8601 or EXIF text, or None."""
    if isinstance(value, datetime):
        return value, True
    m = _ISO.match(str(value or ""))
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[:6])
    try:
        return datetime(y, mo, d, h, mi, s), m.group(4) is not None
    except ValueError:
        return None


def time_of_day(hour: int, minute: int, second: int | None = None) -> str:
    """A time on a 12-hour clock, as people say it (to the second when ``second`` is given).

    Examples
    --------
    >>> time_of_day(14, 3), time_of_day(0, 15), time_of_day(12, 0), time_of_day(9, 41, 5)
    ('2:03 pm', '12:15 am', '12:00 pm', '9:41:05 am')
    """
    secs = f":{second:02d}" if second is not None else ""
    return f"{(hour % 12) or 12}:{minute:02d}{secs} {'am' if hour < 12 else 'pm'}"


def date(value: Any) -> str:
    """A date in words (``1 June 2024``); text that is not a date comes back as it was.

    Examples
    --------
    >>> date("2026-11-26"), date("2024:06:01 14:03:22"), date("soon")
    ('26 November 2026', '1 June 2024', 'soon')
    """
    parsed = _parse(value)
    if parsed is None:
        return str(value)
    dt = parsed[0]
    return f"{dt.day} {_MONTHS[dt.month - 1]} {dt.year}"


def date_time(value: Any, *, seconds: bool = False) -> str:
    """A date and time in words, as the clock showed it where the photo was taken.

    ISO 8601 (``2024-06-01T14:03:22+02:00``) and EXIF (``2024:06:01 14:03:22``)
    are read; the time zone is left out (the time is the local one, which is what
    a person remembers). Text that is not a date comes back unchanged.

    Examples
    --------
    >>> date_time("2024-06-01T14:03:22+02:00"), date_time("2024-07-06T09:41:05-04:00")
    ('1 June 2024, 2:03 pm', '6 July 2024, 9:41 am')
    >>> date_time("2024-06-01"), date_time(None), date_time("2024-09-15T19:33:00Z", seconds=True)
    ('1 June 2024', 'None', '15 September 2024, 7:33:00 pm')
    """
    parsed = _parse(value)
    if parsed is None:
        return str(value)
    dt, has_time = parsed
    clock = time_of_day(dt.hour, dt.minute, dt.second if seconds else None)
    return date(dt) + (f", {clock}" if has_time else "")


def owner_role(label: str) -> str:
    """Where a name in a file comes from, as a role (``CameraOwnerName`` -> ``camera owner``).

    The format handlers label each name with the field it came from, sometimes
    with the block first (``XMP dc:creator``, ``IPTC By-line``).

    Examples
    --------
    >>> owner_role("CameraOwnerName"), owner_role("XMP dc:creator"), owner_role("IPTC By-line")
    ('camera owner', 'creator', 'photographer')
    >>> owner_role("XMP aux:OwnerName"), owner_role("SomethingNew")
    ('camera owner', 'something new')
    """
    field = str(label).split(" ")[-1].split(":")[-1]
    role = _ROLES.get(field.lower())
    if role:
        return role
    return " ".join(re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", field)).lower() or "name"


def owners(named: Mapping[str, str]) -> str:
    """Names found in a file, each once, with every role it has (``""`` when there are none).

    Examples
    --------
    >>> owners({"CameraOwnerName": "Alex Example", "Artist": "Alex Example",
    ...         "Copyright": "Copyright 2024 Alex Example"})
    'Alex Example (camera owner, artist); Copyright 2024 Alex Example (copyright notice)'
    >>> owners({})
    ''
    """
    roles: dict[str, list[str]] = {}
    for label, value in named.items():
        value = " ".join(str(value).split())
        if value:
            role = owner_role(label)
            if role not in roles.setdefault(value, []):
                roles[value].append(role)
    return "; ".join(f"{value} ({', '.join(r)})" for value, r in roles.items())


@functools.cache
def _countries() -> Mapping[str, str]:
    from . import _datafile

    return _datafile.load_shipped("country_names.json", "country_names.schema.json")["names"]


def country(code: str) -> str:
    """A country's name from its two-letter code (the code itself when it is not known).

    Examples
    --------
    >>> country("FR"), country("us"), country("QQ")
    ('France', 'United States', 'QQ')
    """
    return _countries().get(str(code).strip().upper(), str(code))


def place(label: str | None) -> str:
    """A place name as the offline gazetteer gives it, with the country in words.

    Examples
    --------
    >>> place("New York City, New York, US")
    'New York City, New York, United States'
    >>> place("Springfield"), place(None)
    ('Springfield', '')
    """
    if not label:
        return ""
    parts = [p.strip() for p in str(label).split(",")]
    if len(parts) > 1 and re.fullmatch(r"[A-Za-z]{2}", parts[-1]):
        parts[-1] = country(parts[-1])
    return ", ".join(p for p in parts if p)


def distance(km: float) -> str:
    """A distance as people say it.

    Examples
    --------
    >>> distance(0.04), distance(0.38), distance(3.41), distance(25.2)
    ('less than 50 metres', 'about 400 metres', 'about 3.4 km', 'about 25 km')
    """
    km = abs(float(km))
    if km < 0.05:
        return "less than 50 metres"
    if km < 1:
        return f"about {max(100, round(km * 10) * 100)} metres"
    if km < 10:
        return f"about {km:.1f} km"
    return f"about {round(km):,} km"


def position(box: Sequence[float], size: Sequence[float]) -> str:
    """Where a box ``[x, y, w, h]`` sits in a picture of ``size`` ``(width, height)``, in words.

    The picture is cut into three rows and three columns; the box's middle decides.

    Examples
    --------
    >>> position([300, 220, 40, 40], (640, 480)), position([10, 10, 50, 20], (640, 480))
    ('in the middle of the picture', 'at the top left of the picture')
    >>> position([10, 200, 50, 20], (640, 480)), position([300, 440, 40, 20], (640, 480))
    ('on the left of the picture', 'at the bottom of the picture')
    """
    x, y, w, h = (float(v) for v in box)
    width, height = (max(1.0, float(v)) for v in size)
    col = min(2, max(0, int(3 * (x + w / 2) / width)))
    row = min(2, max(0, int(3 * (y + h / 2) / height)))
    across, down = ("left", "middle", "right")[col], ("top", "middle", "bottom")[row]
    if row == 1 and col == 1:
        return "in the middle of the picture"
    if row == 1:
        return f"on the {across} of the picture"
    if col == 1:
        return f"at the {down} of the picture"
    return f"at the {down} {across} of the picture"


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` things, with the right plural (``many`` when English is irregular).

    Examples
    --------
    >>> count(0, "mark"), count(1, "mark"), count(2, "copy"), count(3, "person", "people")
    ('0 marks', '1 mark', '2 copies', '3 people')
    >>> count(1200, "profile")
    '1,200 profiles'
    """
    n = int(n)
    if n == 1:
        return f"1 {one}"
    if many is None:
        many = one[:-1] + "ies" if one.endswith("y") and one[-2:-1] not in "aeiou" else one + "s"
    return f"{n:,} {many}"


def file_size(n: int) -> str:
    """A file size as a file manager shows it.

    Examples
    --------
    >>> file_size(512), file_size(155_162), file_size(3_400_000)
    ('512 bytes', '152 KB', '3.2 MB')
    """
    n = int(n)
    if n < 1024:
        return count(n, "byte")
    if n < 1024 * 1024:
        return f"{round(n / 1024):,} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def risk_label(level: str) -> str:
    """How serious a finding is (``"high"`` -> ``"Important"``).

    Examples
    --------
    >>> risk_label("high"), risk_label("low")
    ('Important', 'Small detail')
    """
    return RISK_LABELS.get(level, str(level).capitalize())


def clue_kind(kind: str) -> str:
    """A clue's type in words (``street_sign`` -> ``street sign``).

    Examples
    --------
    >>> clue_kind("street_sign"), clue_kind("car_plate")
    ('street sign', 'number plate')
    """
    return _CLUES.get(kind, str(kind).replace("_", " ").strip())


def blocks(names: Iterable[str]) -> str:
    """The kinds of hidden details a file holds, in words, each once (``""`` for none).

    Examples
    --------
    >>> blocks(["EXIF", "GPS", "Thumbnail", "JFXX"])
    'camera details, location, small preview picture'
    >>> blocks(["APP5 Ducky"])
    'other hidden details'
    """
    return ", ".join(dict.fromkeys(_BLOCKS.get(n, "other hidden details") for n in names))


def serials(camera: Mapping[str, Any]) -> str:
    """The serial numbers a file holds, each with what it belongs to (``""`` for none).

    Examples
    --------
    >>> serials({"serial": "PW12-0042", "lens_serial": "LS-55", "internal_serial": None})
    'PW12-0042 (camera); LS-55 (lens)'
    """
    what = (("serial", "camera"), ("lens_serial", "lens"), ("internal_serial", "camera, inside its maker's notes"))
    return "; ".join(f"{camera[k]} ({label})" for k, label in what if camera.get(k))


#: What a learner must never meet in learner mode: developer words and raw values
#: (used by the tests of every lesson, and by :func:`looks_like_code`).
_CODE = (
    (re.compile(r"shift\s*\+\s*enter", re.I), "a keyboard shortcut for running code"),
    (re.compile(r"\bcells?\b", re.I), "the word 'cell'"),
    (re.compile(r"\bkernels?\b", re.I), "the word 'kernel'"),
    (re.compile(r"\bnotebooks?\b", re.I), "the word 'notebook'"),
    (re.compile(r"\bterminal\b", re.I), "the word 'terminal'"),
    (re.compile(r"\bsafetylab (check|scrub|redact|evidence|samples|lab|app|class|pack)\b"), "a command"),
    (re.compile(r"(?<![\w/])/(tmp|var|home|root|work|usr|private)/\S+"), "a file path on this computer"),
    (re.compile(r"\bFigure \d+\b"), "a chart window's name"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?"), "a date in computer form"),
    (re.compile(r"\[\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*\]"),
     "a box in pixel numbers"),
    (re.compile(r"\[(high|medium|low)\]"), "a risk level in brackets"),
    (re.compile(r":\s*(True|False|None)\b"), "a Python value"),
    (re.compile(r"\(x, y\) ="), "a pointer readout"),
)


def looks_like_code(text: str) -> list[str]:
    """What in ``text`` a learner should never see, each as ``"what: the words found"``.

    Empty for plain words. Learner mode's tests run it on every lesson's visible
    text and on its ``alt`` and ``aria-label`` texts.

    Examples
    --------
    >>> looks_like_code("Taken on 1 June 2024, 2:03 pm.")
    []
    >>> looks_like_code("Press Shift + Enter. Taken 2024-06-01T14:03:22.")
    ["a keyboard shortcut for running code: 'Shift + Enter'", "a date in computer form: '2024-06-01T14:03'"]
    """
    out = []
    for pattern, what in _CODE:
        m = pattern.search(text or "")
        if m:
            out.append(f"{what}: {m.group(0)!r}")
    return out
