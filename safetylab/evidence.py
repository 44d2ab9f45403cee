"""The local evidence kit: a hashed, timestamped copy of what you saved, and a report.

If someone is using an image against you, saving the evidence is step 3 of five
(:func:`safetylab.content.steps`). Put the screenshots of the messages, the
threats and demands, and the profile in one folder, and **leave the image
itself out**: nobody helping needs a copy of it, and for someone under 18 any
copy is illegal to keep in many places (an under-18 makes the kit with a
trusted adult; telling that adult, and reporting, can come first).

:func:`plan_kit` is the look-before-you-copy step: it lists every file the kit
would copy, with its name and type, flags any that look like a photo rather
than a screenshot, and copies nothing. :func:`build_kit` takes the folder (and,
to be sure nothing changed since you looked, the plan you confirmed) and makes
a *new* folder, the bundle::

    BUNDLE/
      files/...        an exact copy of every file, same names and sub-folders
      manifest.json    for every copy: SHA-256, size, original name and file times,
                       the capture time written inside the image (if any)
      SHA256SUMS       the SHA-256 of every file in the bundle
                       (``sha256sum -c SHA256SUMS`` checks it, run inside BUNDLE)
      timeline.csv     the files in time order, saying which time was used
      notes.json       your structured notes (usernames, platform, demands, payments...)
      report.html      one printable page for a platform, a helpline or the police

:func:`verify_kit` re-hashes a bundle and lists anything that changed.

Promises
--------
- Nothing is uploaded: this module never uses the network.
- Originals are never changed, moved or deleted. Each is opened read-only,
  without following a link, and checked after opening (``fstat``): it must be
  the very ordinary file that was listed, so a file swapped for a link or a
  pipe in between is never copied. It is read once, into the copy (which keeps
  its times); the copy is then hashed again from the disk, and the original's
  size and modification time are re-checked.
- Hidden files and folders (names starting with ``.``) are not copied; a link
  that leads outside the folder, a link to a folder and anything that is not an
  ordinary file (a pipe, a device) are not followed. Each one is listed in the
  manifest and the report with the reason.
- The same inputs give the same bundle, byte for byte. The only value that is
  not taken from the inputs is the time the kit was made: it is the ``created``
  parameter (default: now, in UTC, to the second) and is written only into
  ``manifest.json`` and ``report.html`` (so only those two files, and their
  lines in ``SHA256SUMS``, differ between runs at different times). Pass a
  fixed ``created`` to get an identical bundle twice. Building again into an
  existing bundle reuses that bundle's ``created`` time, so repeating the same
  command changes nothing (and a *different* kit is refused, never mixed in).
- The bundle is made in a hidden temporary folder beside it and moved into
  place only when complete: a failure leaves nothing behind. The bundle folder
  is private to your user account (permissions 0700 where the system has them).
- Only the *name* of the source folder is recorded, never its full path (a path
  such as ``/home/yourname/...`` could say more about you than you meant).

What this does *not* do: it does not remove the image from anywhere, does not
identify the person behind an account, and does not contact anyone. The hashes
show that the copies have not changed since the kit was made; they cannot prove
*when* it was made, nor stop someone who rewrites both a file and the hash list
(keep a copy of the kit somewhere safe, or give one to the person helping you).
File times can be changed by copying or editing; the capture time is what the
phone wrote into the screenshot, and the time printed *inside* a screenshot
(when a message was sent) is only in the picture: write it in the notes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from ._paths import NotOrdinaryFileError, open_regular, read_limited
from . import _datafile
from ._datafile import DataFileError
from .errors import SafetyLabError
from ._html import escape as _e

__all__ = [
    "EvidenceError",
    "NotesError",
    "Payment",
    "Notes",
    "KitFile",
    "Skipped",
    "TimelineEntry",
    "Kit",
    "KitPlan",
    "PlannedFile",
    "NOT_YOUR_FAULT",
    "LEAVE_OUT",
    "CALM_HEADER",
    "FILES_DIR",
    "MANIFEST",
    "SUMS",
    "TIMELINE",
    "NOTES",
    "REPORT",
    "build_kit",
    "plan_kit",
    "verify_kit",
    "load_notes",
    "notes_from_form",
    "timeline",
    "report_html",
]

#: Folder inside the bundle that holds the copies.
FILES_DIR = "files"
#: Names of the files the bundle holds next to ``files/``.
MANIFEST, SUMS, TIMELINE, NOTES, REPORT = (
    "manifest.json", "SHA256SUMS", "timeline.csv", "notes.json", "report.html")
_KIT_KIND = "safetylab evidence kit"
_KIT_FORMAT = 1
_CHUNK = 1 << 20
#: The largest manifest.json or SHA256SUMS read when checking a kit.
_LIST_LIMIT = 256 * 1_000_000

#: The line every page of this lesson starts from.
CALM_HEADER = "You did the right thing by saving this."
#: And the one worth repeating.
NOT_YOUR_FAULT = ("This is not your fault, and you are not in trouble. The blame sits with the "
                  "person making the threat, and this is more recoverable than it feels.")


#: What goes in the folder, and what stays out (shown before anything is copied).
LEAVE_OUT = ("Put in screenshots of the messages, the threats and demands, their profile and username, "
             "and any payment requests. Leave the image itself out: nobody helping you needs a copy "
             "of it. If you are under 18, make the kit with a trusted adult, and never copy, save or "
             "send the image itself.")


class EvidenceError(SafetyLabError):
    """The kit could not be made or checked: one plain line saying why."""


class NotesError(EvidenceError, DataFileError):
    """A notes file is missing, is not JSON, or has a field of the wrong kind.

    ``str(err)`` is one line, ``FILE: FIELD: PROBLEM``; ``err.file`` is the
    notes file's name and ``err.field`` the field that is wrong
    (``"payments[0].amount"``; ``""`` for the whole file).
    """


# --------------------------------------------------------------------------- #
# Notes
# --------------------------------------------------------------------------- #

def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class Payment:
    """One payment request: how much, by what method, to which account."""

    amount: str = ""
    method: str = ""
    account: str = ""

    def __post_init__(self) -> None:
        for name in ("amount", "method", "account"):
            object.__setattr__(self, name, _text(getattr(self, name)))

    def is_empty(self) -> bool:
        return not (self.amount or self.method or self.account)

    def to_dict(self) -> dict[str, str]:
        return {"amount": self.amount, "method": self.method, "account": self.account}


def _strings(values: Iterable[Any] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(s for s in (_text(v) for v in values) if s)


@dataclass(frozen=True)
class Notes:
    """What you know about what happened, in your own words.

    Attributes
    ----------
    usernames : tuple of str
        Usernames, handles, profile names, phone numbers of the account(s).
    platform : str
        Where it happened (the app or website).
    demanded : str
        What was demanded (money, more photos, something else).
    payments : tuple of Payment
        Payment requests: amount, method (gift cards, bank transfer...), account.
    dates : tuple of str
        Dates and times that matter, as you would say them ("Sunday 15 Sept, 19:33").
    text : str
        Anything else, in your own words.
    """

    usernames: tuple[str, ...] = ()
    platform: str = ""
    demanded: str = ""
    payments: tuple[Payment, ...] = ()
    dates: tuple[str, ...] = ()
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "usernames", _strings(self.usernames))
        object.__setattr__(self, "dates", _strings(self.dates))
        object.__setattr__(self, "platform", _text(self.platform))
        object.__setattr__(self, "demanded", _text(self.demanded))
        object.__setattr__(self, "text", _text(self.text))
        pays = tuple(p if isinstance(p, Payment) else Payment(**dict(p)) for p in (self.payments or ()))
        object.__setattr__(self, "payments", tuple(p for p in pays if not p.is_empty()))

    def is_empty(self) -> bool:
        """True when no note was given at all."""
        return not (self.usernames or self.platform or self.demanded or self.payments
                    or self.dates or self.text)

    def to_dict(self) -> dict[str, Any]:
        """The notes as JSON-ready values (the format of ``notes.json``)."""
        return {"usernames": list(self.usernames), "platform": self.platform,
                "demanded": self.demanded, "payments": [p.to_dict() for p in self.payments],
                "dates": list(self.dates), "text": self.text}

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "notes") -> "Notes":
        """Check ``data`` (as in ``notes.json``) and make :class:`Notes` from it.

        ``usernames`` and ``dates`` may be one text or a list of texts; a
        payment's ``amount`` may be a number. Unknown fields are refused (a typo
        would otherwise lose what you wrote).

        Raises
        ------
        NotesError
            ``SOURCE: FIELD: PROBLEM``, naming ``source`` and the field that is wrong.

        Examples
        --------
        >>> Notes.from_dict({"usernames": "Sky_22", "payments": [{"amount": 200}]}).payments
        (Payment(amount='200', method='', account=''),)
        """
        _datafile.validate(data, _NOTES_SCHEMA, file=source, error=NotesError)
        return cls(usernames=data.get("usernames"), platform=data.get("platform", ""),
                   demanded=data.get("demanded", ""),
                   payments=[Payment(**p) for p in data.get("payments", [])],
                   dates=data.get("dates"), text=data.get("text", ""))


_NOTES_SCHEMA = "notes.schema.json"


def load_notes(path: str | os.PathLike) -> Notes:
    """Read notes from a JSON file (the format of ``notes.json``, see :class:`Notes`).

    Raises
    ------
    NotesError
        One plain line, ``FILE: FIELD: PROBLEM``.
    """
    data = _datafile.load(path, _NOTES_SCHEMA, error=NotesError, what="a notes file")
    return Notes.from_dict(data, source=Path(path).name)


def _split(text: str | Iterable[str] | None) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, str):
        return [s for s in (_text(t) for t in text) if s]
    return [s.strip() for s in text.replace("\n", ",").split(",") if s.strip()]


def notes_from_form(usernames: str | Iterable[str] = "", platform: str = "", demanded: str = "",
                    payments: Iterable[Any] = (), dates: str | Iterable[str] = "",
                    text: str = "") -> Notes:
    """Notes from what a form holds: lists may be typed as text, one item per comma or line.

    Parameters
    ----------
    usernames, dates : str or iterable of str
        ``"Sky_22, @sky_22_music"`` or a list.
    payments : iterable
        :class:`Payment`, mappings with ``amount``/``method``/``account``, or
        ``(amount, method, account)`` tuples.

    Examples
    --------
    >>> n = notes_from_form("Sky_22, @sky_22_music", payments=[("200", "gift cards", "")])
    >>> n.usernames, n.payments[0].method
    (('Sky_22', '@sky_22_music'), 'gift cards')
    """
    pays = []
    for p in payments:
        if isinstance(p, Payment):
            pays.append(p)
        elif isinstance(p, Mapping):
            pays.append(Payment(**dict(p)))
        else:
            pays.append(Payment(*p))
    return Notes(usernames=_split(usernames), platform=platform, demanded=demanded,
                 payments=pays, dates=_split(dates), text=text)


# --------------------------------------------------------------------------- #
# The kit's records
# --------------------------------------------------------------------------- #

def _iso_utc(ns: int | float) -> str:
    secs = int(ns // 1_000_000_000) if isinstance(ns, int) else int(ns)
    return datetime.fromtimestamp(secs, tz=timezone.utc).isoformat()


def _parse_time(value: str) -> datetime | None:
    """An ISO 8601 text as an aware datetime (no zone: treated as UTC), or None."""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _pretty(value: str | None) -> str:
    """``2024-09-15T19:33:00+01:00`` -> ``15 September 2024, 7:33:00 pm (UTC+01:00)``: words, to the second."""
    from . import plain

    if not value:
        return ""
    dt = _parse_time(value)
    if dt is None:
        return value
    if "T" not in value and len(value) <= 10:
        return plain.date(value)
    has_zone = value.endswith("Z") or "+" in value[10:] or "-" in value[10:]
    base = plain.date_time(dt.replace(tzinfo=None), seconds=True)
    if not has_zone:
        return f"{base} (time zone not recorded)"
    off = dt.utcoffset()
    if not off:
        return f"{base} UTC"
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    return f"{base} (UTC{sign}{abs(mins) // 60:02d}:{abs(mins) % 60:02d})"


@dataclass(frozen=True)
class KitFile:
    """One copied file and what is known about it.

    Attributes
    ----------
    path : str
        Its path relative to the source folder, ``/``-separated; the copy is
        ``files/<path>`` in the bundle.
    sha256 : str
        SHA-256 of the copy (the same as the original's: it is checked).
    size : int
        Size in bytes.
    modified : str
        The original's last-modified time, ISO 8601 in UTC (to the second);
        ``modified_ns`` is the same in nanoseconds since 1970.
    status_changed : str or None
        On Linux and macOS, when the file's details last changed (``ctime``).
    created : str or None
        When the file was created, where the system records it (macOS, BSD, Windows).
    format : str or None
        The image format, for images safetylab reads (``"PNG"``); else None.
    capture_time, capture_source : str or None
        The time written inside the image when it was taken (ISO 8601, as
        recorded) and where it came from (``"PNG Creation Time"``, ``"EXIF ..."``).
    """

    path: str
    sha256: str
    size: int
    modified: str
    modified_ns: int
    status_changed: str | None = None
    created: str | None = None
    format: str | None = None
    capture_time: str | None = None
    capture_source: str | None = None

    @property
    def copy(self) -> str:
        """Where the copy is, relative to the bundle."""
        return f"{FILES_DIR}/{self.path}"

    @property
    def best_time(self) -> tuple[str, str]:
        """``(time, "capture" | "file")``: the capture time if the file has one, else its modified time."""
        if self.capture_time and _parse_time(self.capture_time) is not None:
            return self.capture_time, "capture"
        return self.modified, "file"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.copy, "original": self.path, "sha256": self.sha256, "size": self.size,
                "format": self.format, "capture_time": self.capture_time,
                "capture_source": self.capture_source, "modified": self.modified,
                "modified_ns": self.modified_ns, "status_changed": self.status_changed,
                "created": self.created}


@dataclass(frozen=True)
class Skipped:
    """A file or folder that was not copied, and why."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True)
class TimelineEntry:
    """One row of the timeline."""

    number: int
    time: str
    kind: str  # "capture" or "file"
    source: str
    file: KitFile

    @property
    def label(self) -> str:
        """Which time this is, in words."""
        if self.kind == "capture":
            return f"taken (from the image: {self.source})"
        return "file last modified (no capture time in the file)"


def timeline(files: Iterable[KitFile]) -> list[TimelineEntry]:
    """Files in order of their best-known time (then by name), numbered from 1.

    The capture time written in an image is used when there is one, else the
    file's last-modified time; each entry says which. A time recorded without
    a time zone is placed as if it were UTC.
    """
    def key(f: KitFile):
        t, _ = f.best_time
        return (_parse_time(t) or datetime.min.replace(tzinfo=timezone.utc), f.path)

    out = []
    for i, f in enumerate(sorted(files, key=key), start=1):
        t, kind = f.best_time
        source = (f.capture_source or "image metadata") if kind == "capture" else "file"
        out.append(TimelineEntry(i, t, kind, source, f))
    return out


@dataclass(frozen=True)
class Kit:
    """A finished evidence kit (see the module docstring for its layout)."""

    bundle: Path
    source: str
    created: str
    files: tuple[KitFile, ...]
    skipped: tuple[Skipped, ...] = ()
    notes: Notes = field(default_factory=Notes)
    made_by: str = ""

    @property
    def report_path(self) -> Path:
        return self.bundle / REPORT

    @property
    def manifest_path(self) -> Path:
        return self.bundle / MANIFEST

    @property
    def timeline(self) -> list[TimelineEntry]:
        return timeline(self.files)

    def summary(self) -> str:
        """A few plain lines: where the kit is and what is in it."""
        n = len(self.files)
        lines = [f"Evidence kit made: {self.bundle}",
                 f"  {n} file{'s' if n != 1 else ''} copied and fingerprinted (SHA-256); "
                 "your originals were not changed.",
                 f"  Report to print or share: {self.report_path}"]
        if self.skipped:
            lines.append(f"  Not copied ({len(self.skipped)}): " + "; ".join(
                f"{s.path} ({s.reason})" for s in self.skipped[:5])
                + (" ..." if len(self.skipped) > 5 else ""))
        lines.append("  Nothing was uploaded: the kit is only on this computer.")
        return "\n".join(lines)

    def manifest(self) -> dict[str, Any]:
        """The content of ``manifest.json``."""
        return {
            "kind": _KIT_KIND,
            "format_version": _KIT_FORMAT,
            "made_by": self.made_by,
            "created": self.created,
            "source_folder": self.source,
            "hash": "SHA-256",
            "files": [f.to_dict() for f in self.files],
            "skipped": [s.to_dict() for s in self.skipped],
            "notes_file": NOTES,
            "timeline_file": TIMELINE,
            "report_file": REPORT,
            "about": ("Every file in 'files/' is a byte-for-byte copy of the original, which was "
                      "not changed. 'sha256' is the SHA-256 of the copy; SHA256SUMS lists every "
                      "file of the kit. File times are in UTC; capture times are as the image "
                      "recorded them. Nothing was uploaded."),
        }


# --------------------------------------------------------------------------- #
# Building
# --------------------------------------------------------------------------- #

def _sha256(path: Path) -> tuple[str, int]:
    """SHA-256 and size of an ordinary file (a link, pipe or device raises OSError)."""
    fh, _st = open_regular(path, follow_links=False)
    with fh:  # read-only
        return _hash_stream(fh)


def _hash_stream(fh, out=None) -> tuple[str, int]:
    """SHA-256 and size of what ``fh`` holds from where it is, also written to ``out`` if given."""
    h = hashlib.sha256()
    size = 0
    while chunk := fh.read(_CHUNK):
        h.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return h.hexdigest(), size


def _inside(root: Path, p: Path) -> bool:
    return p == root or root in p.parents


def _collect(root: Path) -> tuple[list[tuple[str, Path, tuple[int, int]]], list[Skipped]]:
    """Every file to copy as ``(relative path, path to open, (device, inode))``, and what is
    skipped; both sorted. A link to a file inside the folder is given as the file it leads to;
    the device and inode let the copy check it opened the very file that was checked here."""
    found: list[tuple[str, Path, tuple[int, int]]] = []
    skipped: list[Skipped] = []

    def fail(err: OSError) -> None:
        rel = Path(err.filename).relative_to(root).as_posix() if err.filename else "."
        rel = root.name if rel == "." else rel
        raise EvidenceError(f"The folder {rel} could not be opened "
                            f"({err.strerror or type(err).__name__}); nothing was written.")

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=fail):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            rel = (here / d).relative_to(root).as_posix()
            if d.startswith("."):
                skipped.append(Skipped(rel + "/", "hidden folder"))
            elif (here / d).is_symlink():
                skipped.append(Skipped(rel + "/", "a link to a folder; not followed"))
            else:
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            full = here / name
            rel = full.relative_to(root).as_posix()
            if name.startswith("."):
                skipped.append(Skipped(rel, "hidden file"))
                continue
            target = full
            try:
                st = full.lstat()
                if stat.S_ISLNK(st.st_mode):
                    target = full.resolve(strict=True)
                    if not _inside(root, target):
                        skipped.append(Skipped(rel, "a link to a file outside the folder; not followed"))
                        continue
                    st = target.lstat()
            except (OSError, RuntimeError):
                skipped.append(Skipped(rel, "a broken link"))
                continue
            if not stat.S_ISREG(st.st_mode):
                skipped.append(Skipped(rel, "not an ordinary file"))
                continue
            found.append((rel, target, (st.st_dev, st.st_ino)))
    found.sort()
    skipped.sort(key=lambda s: s.path)
    return found, skipped


def _capture_time(path: Path) -> tuple[str | None, str | None, str | None]:
    """``(format, capture time, source)`` from the image's metadata; Nones for anything else.

    The file is opened once, without following a link, and checked on what was opened
    (an ordinary file within the size photos are read at), so a file swapped for a link
    or a pipe after the folder was listed is not read.
    """
    from .images import MAX_FILE_BYTES, PhotoFile, read_opened, sniff

    try:
        fh, st = open_regular(path, follow_links=False)
        with fh:
            try:
                fmt = sniff(fh.read(64), path.suffix)
            except Exception:  # not a photo: kept as evidence all the same, nothing more read
                return None, None, None
            if not 0 < st.st_size <= MAX_FILE_BYTES:
                return fmt, None, None
            fh.seek(0)
            data = read_opened(fh, st.st_size)
    except OSError:
        return None, None, None
    if data is None:
        return fmt, None, None
    try:
        from .metadata import read_photo

        md = read_photo(PhotoFile(path, data, fmt), compare_thumbnail=False)
    except Exception:  # a damaged image is still evidence: it just has no capture time
        return fmt, None, None
    return md.format or fmt, md.taken_at, md.taken_at_source


def _copy_one(rel: str, src: Path, dest: Path, identity: tuple[int, int] | None = None) -> KitFile:
    """Copy one original into the kit, reading it once through one open file.

    The original is opened without following a link and checked after opening
    (``fstat``): it must be an ordinary file and, when ``identity`` is given, the
    very file (device and inode) that was looked at when the folder was listed.
    So a file swapped for a link (to ``/etc/shadow``, say) or for another file in
    between is never copied.
    """
    try:
        fh, before = open_regular(src, follow_links=False)
    except NotOrdinaryFileError:
        raise EvidenceError(f"{rel} was replaced by a link or something that is not a file while the "
                            "kit was being made, so it was not copied (nothing was written). "
                            "Try again.") from None
    except OSError as e:
        raise EvidenceError(f"Could not read {rel} ({e.strerror or type(e).__name__}); "
                            "nothing was written.") from None
    with fh:
        if identity is not None and (before.st_dev, before.st_ino) != identity:
            raise EvidenceError(f"{rel} was replaced by another file while the kit was being made, so it "
                                "was not copied (nothing was written). Try again.")
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with open(dest, "xb") as out:  # a new file: never one that is there
                original_hash, _ = _hash_stream(fh, out)
            os.chmod(dest, stat.S_IMODE(before.st_mode) & 0o777)  # as shutil.copy2 did
            os.utime(dest, ns=(before.st_atime_ns, before.st_mtime_ns))  # keeps the file times
        except OSError as e:
            raise EvidenceError(f"Could not copy {rel} into the kit ({e.strerror or type(e).__name__}); "
                                "nothing was written.") from None
        after = os.fstat(fh.fileno())
    copy_hash, size = _sha256(dest)  # read back from the disk
    if (copy_hash != original_hash or after.st_size != before.st_size or size != before.st_size
            or after.st_mtime_ns != before.st_mtime_ns):
        raise EvidenceError(f"{rel} changed while it was being copied; close any app using it and "
                            "try again (nothing was written).")
    birth = getattr(before, "st_birthtime", None)
    fmt, taken, source = _capture_time(dest)
    return KitFile(
        path=rel, sha256=copy_hash, size=size, modified=_iso_utc(before.st_mtime_ns),
        modified_ns=before.st_mtime_ns,
        status_changed=_iso_utc(before.st_ctime_ns) if os.name != "nt" else None,
        created=_iso_utc(float(birth)) if birth else None,
        format=fmt, capture_time=taken, capture_source=source)


_VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".3gp", ".mkv")


@dataclass(frozen=True)
class PlannedFile:
    """One file the kit would copy, as shown before anything is copied.

    Attributes
    ----------
    path : str
        Its path relative to the folder, ``/``-separated.
    size : int
        Size in bytes.
    kind : str
        What it is, in words: ``"PNG image"``, ``"text file"``, ``"video file"``, ``"other file"``.
    warning : str or None
        Why to look at this one before copying: a photo taken with a camera
        (not a screenshot), or a video.
    """

    path: str
    size: int
    kind: str
    warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "kind": self.kind, "warning": self.warning}


@dataclass(frozen=True)
class KitPlan:
    """What :func:`build_kit` would copy: look at it, then confirm by passing it to :func:`build_kit`."""

    source: str
    files: tuple[PlannedFile, ...]
    skipped: tuple[Skipped, ...] = ()

    @property
    def warnings(self) -> tuple[PlannedFile, ...]:
        """The files worth a second look before copying."""
        return tuple(f for f in self.files if f.warning)

    def summary(self) -> str:
        """The plan in plain lines: what to leave out, then every file with its type."""
        n = len(self.files)
        lines = [LEAVE_OUT, f"The kit would copy {n} file{'s' if n != 1 else ''} from {self.source}:"]
        for f in self.files:
            lines.append(f"  {f.path} ({f.kind}, {f.size:,} bytes)"
                         + (f"  <- check: {f.warning}" if f.warning else ""))
        for sk in self.skipped:
            lines.append(f"  not copied: {sk.path} ({sk.reason})")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "leave_out": LEAVE_OUT, "files": [f.to_dict() for f in self.files],
                "skipped": [s.to_dict() for s in self.skipped]}


def _describe_file(path: Path) -> tuple[str, str | None]:
    """``(kind, warning)`` for one file, from its bytes (never its name alone)."""
    if path.suffix.lower() in _VIDEO_SUFFIXES:
        return "video file", ("a video: check it is not the video itself. Screenshots of the messages "
                              "are enough.")
    from .images import MAX_FILE_BYTES, PhotoFile, sniff

    try:  # one open file, checked to be an ordinary file, never a link, a pipe or a device
        fh, _st = open_regular(path, follow_links=False)
        with fh:
            head = fh.read(4096)
            try:
                fmt = sniff(head[:64], path.suffix)
            except Exception:
                fmt = None
            data = head + fh.read(MAX_FILE_BYTES) if fmt else head
    except OSError:
        return "file that could not be read", None
    if fmt is None:
        try:
            head.decode("utf-8")
            return "text file", None
        except UnicodeDecodeError:
            return "other file", None
    kind = f"{fmt} image"
    try:
        from .metadata import read_photo

        cam = read_photo(PhotoFile(path, data, fmt), compare_thumbnail=False).camera
    except Exception:
        return kind, None
    if cam.make or cam.model:
        made = " ".join(x for x in (cam.make, cam.model) if x)
        return kind, (f"a photo taken with a camera ({made}), not a screenshot: check it is not the "
                      "image itself before you copy it.")
    return kind, None


def plan_kit(folder: str | os.PathLike) -> KitPlan:
    """Every file :func:`build_kit` would copy from ``folder``, with its name and type; nothing is copied.

    Show it (:meth:`KitPlan.summary`), let the person check that the image
    itself is not among the files, then pass the plan to :func:`build_kit`,
    which refuses to copy if the folder changed since.

    Raises
    ------
    EvidenceError
        When the folder is missing, is a file, or has nothing to copy.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = pathlib.Path(tmp, "note.txt").write_text("Pay or else")
    ...     plan = plan_kit(tmp)
    ...     [(f.path, f.kind, f.warning) for f in plan.files]
    [('note.txt', 'text file', None)]
    """
    root = _source_folder(folder)
    found, skipped = _collect(root)
    if not found:
        raise EvidenceError(f"The folder {root.name} has no files to copy "
                            "(hidden files are skipped): put your screenshots in it first.")
    files = []
    for rel, p, _identity in found:
        try:
            size = p.stat().st_size
        except OSError:
            size = 0
        kind, warning = _describe_file(p)
        files.append(PlannedFile(rel, size, kind, warning))
    return KitPlan(root.name, tuple(files), tuple(skipped))


def _source_folder(folder: str | os.PathLike) -> Path:
    if not str(folder).strip():
        raise EvidenceError("No folder was given: say which folder holds your screenshots.")
    src = Path(folder)
    if not src.exists():
        raise EvidenceError(f"There is no folder called {src.name or str(src)!r} here.")
    if not src.is_dir():
        raise EvidenceError(f"{src.name} is a file, not a folder: point at the folder that holds "
                            "your screenshots.")
    return src.resolve()


def _created_text(created: datetime | str | None) -> str:
    if created is None:
        return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    if isinstance(created, str):
        dt = _parse_time(created)
        if dt is None:
            raise EvidenceError(f"The time {created!r} is not a date and time like 2024-09-15T20:00:00Z.")
        created = dt
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return created.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _dump_json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _sums_name(name: str) -> str:
    """A path as GNU ``sha256sum`` writes it (backslash-escaped when needed)."""
    return name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def _sums_line(digest: str, name: str) -> str:
    escaped = _sums_name(name)
    prefix = "\\" if escaped != name else ""
    return f"{prefix}{digest}  {escaped}\n"


def _timeline_csv(kit: Kit) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["number", "time", "which_time", "time_source", "file", "sha256", "size_bytes"])
    for e in kit.timeline:
        w.writerow([e.number, e.time, e.kind, e.source, e.file.copy, e.file.sha256, e.file.size])
    return buf.getvalue().encode("utf-8")


def _write_outputs(stage: Path, kit: Kit) -> None:
    (stage / NOTES).write_bytes(_dump_json(kit.notes.to_dict()))
    (stage / TIMELINE).write_bytes(_timeline_csv(kit))
    (stage / MANIFEST).write_bytes(_dump_json(kit.manifest()))
    (stage / REPORT).write_bytes(report_html(kit).encode("utf-8"))
    names = [f.copy for f in kit.files] + [MANIFEST, NOTES, REPORT, TIMELINE]
    digests = {f.copy: f.sha256 for f in kit.files}
    lines = []
    for name in sorted(names):
        digest = digests.get(name) or _sha256(stage / name)[0]
        lines.append(_sums_line(digest, name))
    (stage / SUMS).write_bytes("".join(lines).encode("utf-8"))


def _listing(root: Path) -> dict[str, tuple[str, int]]:
    """``{relative path: (kind, size)}`` of everything under ``root``, links not followed."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            st = p.lstat()
            kind = "file" if stat.S_ISREG(st.st_mode) else "folder" if stat.S_ISDIR(st.st_mode) else "other"
            out[p.relative_to(root).as_posix()] = (kind, st.st_size if kind == "file" else 0)
    return out


def _same_tree(a: Path, b: Path) -> bool:
    """Do two folders hold the same names, kinds and bytes? Compared a piece at a time,
    so two large kits are never held in memory; anything but ordinary files differs."""
    try:
        listing = _listing(a)
        if listing != _listing(b) or any(kind == "other" for kind, _ in listing.values()):
            return False
        for name, (kind, _size) in listing.items():
            if kind != "file":
                continue
            fa, _ = open_regular(a / name, follow_links=False)
            fb, _ = open_regular(b / name, follow_links=False)
            with fa, fb:
                while True:
                    x, y = fa.read(_CHUNK), fb.read(_CHUNK)
                    if x != y:
                        return False
                    if not x:
                        break
    except OSError:
        return False
    return True


def _existing_created(bundle: Path) -> str | None:
    try:  # never follows a link, never waits on a pipe
        data = json.loads(read_limited(bundle / MANIFEST, _LIST_LIMIT, follow_links=False).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("kind") == _KIT_KIND and isinstance(data.get("created"), str):
        return data["created"]
    return None


def _check_plan(plan: KitPlan, root: Path, found: list[tuple[str, Path, tuple[int, int]]]) -> None:
    """Refuse to copy anything but the files that were shown and confirmed."""
    now = []
    for rel, p, _identity in found:
        try:
            now.append((rel, p.stat().st_size))
        except OSError:
            now.append((rel, -1))
    shown = [(f.path, f.size) for f in plan.files]
    if plan.source != root.name or now != shown:
        added = sorted({r for r, _ in now} - {r for r, _ in shown})
        what = f" (new: {', '.join(added[:3])}{' ...' if len(added) > 3 else ''})" if added else ""
        raise EvidenceError(f"The folder {root.name} changed since its list of files was shown{what}: "
                            "look at the list again before making the kit (nothing was copied).")


def build_kit(folder: str | os.PathLike, out_dir: str | os.PathLike,
              notes: Notes | Mapping[str, Any] | str | os.PathLike | None = None, *,
              created: datetime | str | None = None, plan: KitPlan | None = None) -> Kit:
    """Copy a folder of screenshots and exports into a new evidence kit.

    Look first: :func:`plan_kit` lists every file with its name and type, so
    the person can check that the image itself is not among them (see
    :data:`LEAVE_OUT`). Passing that ``plan`` back here makes the copy refuse
    to go ahead if the folder changed since it was shown.

    Parameters
    ----------
    folder : path-like
        The folder that holds what you saved. Every ordinary file in it and its
        sub-folders is copied (not only images); hidden files are skipped.
    out_dir : path-like
        The bundle folder to make. It must not be inside ``folder``. If it
        already exists it must be empty, or hold the very same kit (then
        nothing is changed).
    notes : Notes, mapping or path-like, optional
        Your notes (see :class:`Notes`); a mapping is checked like ``notes.json``,
        a path is read with :func:`load_notes`.
    created : datetime or str, optional
        When the kit was made, written into ``manifest.json`` and ``report.html``
        only. Default: now (UTC, to the second), or the existing kit's time when
        ``out_dir`` already holds this kit.
    plan : KitPlan, optional
        The list of files that was shown and confirmed (:func:`plan_kit`);
        when given, the folder must still hold exactly those files.

    Returns
    -------
    Kit

    Raises
    ------
    EvidenceError
        One plain line: the folder is missing, empty or unreadable, a file
        cannot be read, or ``out_dir`` is not a place the kit can go. Nothing is
        left behind when it fails, and the originals are never changed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     src = pathlib.Path(tmp, "saved"); src.mkdir()
    ...     _ = (src / "note.txt").write_text("Pay or else")
    ...     kit = build_kit(src, pathlib.Path(tmp, "kit"), created="2024-09-15T20:00:00Z")
    ...     print([f.path for f in kit.files], kit.created, verify_kit(kit.bundle))
    ['note.txt'] 2024-09-15T20:00:00+00:00 []
    """
    if not str(folder).strip():
        raise EvidenceError("No folder was given: say which folder holds your screenshots.")
    if not str(out_dir).strip():
        raise EvidenceError("No folder was given for the kit: choose a name for a new folder.")
    root = _source_folder(folder)
    out = Path(out_dir)
    out_abs = out.resolve()
    if _inside(root, out_abs):
        raise EvidenceError(f"The kit cannot go inside the folder it copies ({root.name}): "
                            "choose a folder somewhere else.")
    if out_abs.exists() and not out_abs.is_dir():
        raise EvidenceError(f"{out.name} is a file, not a folder: choose a new name for the kit.")
    if isinstance(notes, (str, os.PathLike)):
        notes = load_notes(notes)
    elif isinstance(notes, Mapping):
        notes = Notes.from_dict(dict(notes), source="the notes")
    elif notes is not None and not isinstance(notes, Notes):
        raise TypeError("notes must be Notes, a mapping or the path of a notes file")
    notes = notes or Notes()

    existing = out_abs.is_dir() and any(out_abs.iterdir())
    if existing:
        previous = _existing_created(out_abs)
        if previous is None:
            raise EvidenceError(f"{out.name} already exists and holds other files: choose a new "
                                "folder name for the kit (nothing was changed).")
        if created is None:
            created = previous
    created_text = _created_text(created)

    found, skipped = _collect(root)
    if not found:
        raise EvidenceError(f"The folder {root.name} has no files to copy "
                            "(hidden files are skipped): put your screenshots in it first.")
    if plan is not None:
        _check_plan(plan, root, found)
    from . import __version__

    try:
        out_abs.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out_abs.name}.", suffix=".partial", dir=out_abs.parent))
    except OSError as e:
        raise EvidenceError(f"Could not make the kit folder {out.name} "
                            f"({e.strerror or type(e).__name__}).") from None
    try:
        files = tuple(_copy_one(rel, p, stage / FILES_DIR / rel, identity) for rel, p, identity in found)
        kit = Kit(bundle=out_abs, source=root.name, created=created_text, files=files,
                  skipped=tuple(skipped), notes=notes, made_by=f"safetylab {__version__}")
        _write_outputs(stage, kit)
        if existing:
            if not _same_tree(stage, out_abs):
                raise EvidenceError(f"{out.name} already holds a different evidence kit: choose a new "
                                    "folder name (nothing was changed).")
            return kit
        try:
            if out_abs.is_dir():
                out_abs.rmdir()  # empty: replace it with the finished kit
            os.rename(stage, out_abs)
        except OSError as e:
            raise EvidenceError(f"Could not put the kit in {out.name} "
                                f"({e.strerror or type(e).__name__}).") from None
        return kit
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


# --------------------------------------------------------------------------- #
# Verifying
# --------------------------------------------------------------------------- #

def _parse_sums(text: str) -> tuple[dict[str, str], list[str]]:
    entries: dict[str, str] = {}
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        escaped = line.startswith("\\")
        body = line[1:] if escaped else line
        digest, sep, name = body.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            bad.append(f"{SUMS}: line {number} is not a SHA-256 line.")
            continue
        if escaped:
            name = name.replace("\\\\", "\0").replace("\\n", "\n").replace("\\r", "\r").replace("\0", "\\")
        entries[name] = digest
    return entries, bad


def _safe_member(bundle: Path, name: str) -> Path | None:
    p = Path(name)
    if p.is_absolute() or ".." in p.parts or not name:
        return None
    return bundle / p


def verify_kit(bundle: str | os.PathLike) -> list[str]:
    """Re-hash every file of a kit and list what does not match.

    Checks each file against ``SHA256SUMS`` and each copy against
    ``manifest.json``, and reports copies that are missing or were added.

    Parameters
    ----------
    bundle : path-like
        A folder made by :func:`build_kit`.

    Returns
    -------
    list of str
        One plain line per problem; empty when the kit is exactly as it was made.

    Raises
    ------
    EvidenceError
        When ``bundle`` is not there or is not an evidence kit at all.
    """
    root = Path(bundle)
    if not root.is_dir():
        raise EvidenceError(f"There is no evidence kit at {root.name or str(root)!r}.")
    has_manifest, has_sums = (root / MANIFEST).is_file(), (root / SUMS).is_file()
    if not has_manifest and not has_sums:
        raise EvidenceError(f"{root.name} is not an evidence kit: it has no {MANIFEST} or {SUMS}.")
    problems: list[str] = []
    sums: dict[str, str] = {}
    if has_sums:
        try:
            sums, bad = _parse_sums(read_limited(root / SUMS, _LIST_LIMIT, follow_links=False).decode("utf-8"))
            problems += bad
        except (OSError, UnicodeDecodeError):
            problems.append(f"{SUMS} could not be read.")
    else:
        problems.append(f"{SUMS} is missing.")
    listed: dict[str, dict] = {}
    if has_manifest:
        try:
            data = json.loads(read_limited(root / MANIFEST, _LIST_LIMIT, follow_links=False).decode("utf-8"))
            for entry in data["files"]:
                listed[str(entry["path"])] = entry
        except (OSError, ValueError, KeyError, TypeError):
            problems.append(f"{MANIFEST} is damaged: it cannot be read as a kit manifest.")
    else:
        problems.append(f"{MANIFEST} is missing.")

    seen_hashes: dict[str, tuple[str, int] | None] = {}

    def digest_of(name: str) -> tuple[str, int] | None:
        if name not in seen_hashes:
            p = _safe_member(root, name)
            try:
                seen_hashes[name] = _sha256(p) if p is not None and p.is_file() else None
            except OSError:
                seen_hashes[name] = None
        return seen_hashes[name]

    reported: set[str] = set()
    for name in sorted(set(sums) | set(listed)):
        if _safe_member(root, name) is None:
            problems.append(f"{name}: this name points outside the kit.")
            continue
        got = digest_of(name)
        if got is None:
            problems.append(f"{name} is missing from the kit.")
            reported.add(name)
            continue
        want_sum = sums.get(name)
        entry = listed.get(name)
        changed = (want_sum is not None and got[0] != want_sum) or (
            entry is not None and (got[0] != entry.get("sha256") or got[1] != entry.get("size")))
        if changed:
            problems.append(f"{name} has changed since the kit was made: its fingerprint (SHA-256) no longer matches.")
        elif entry is not None and want_sum is None and has_sums:
            problems.append(f"{name} is in {MANIFEST} but not in {SUMS}.")
        elif entry is None and name.startswith(FILES_DIR + "/") and has_manifest:
            problems.append(f"{name} is in {SUMS} but not in {MANIFEST}.")
        reported.add(name)
    files_dir = root / FILES_DIR
    if files_dir.is_dir():
        for p in sorted(files_dir.rglob("*")):
            name = p.relative_to(root).as_posix()
            if (p.is_file() or p.is_symlink()) and name not in sums and name not in listed:
                problems.append(f"{name} was added to the kit after it was made (it is not in its lists).")
    return problems


# --------------------------------------------------------------------------- #
# The report
# --------------------------------------------------------------------------- #


_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 1.05rem;
       line-height: 1.5; color: #1a1a1a; background: #ffffff; max-width: 62rem; margin: 0 auto;
       padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.35rem; margin-top: 2rem; border-bottom: 2px solid #1a1a1a; padding-bottom: .2rem; }
.calm { border-left: .5rem solid #0072B2; background: #eef5fb; padding: .8rem 1rem; margin: 0 0 1rem; }
.calm strong { font-size: 1.15rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #767676; padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e8e8e8; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; }
.hash { font-family: ui-monospace, "DejaVu Sans Mono", Consolas, monospace; font-size: .85rem;
        word-break: break-all; }
.freetext { white-space: pre-wrap; }
.none { font-style: italic; }
a { color: #0052a3; }
@media print {
  body { font-size: 11pt; max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, .calm, dl { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: #000; text-decoration: none; }
  .calm { background: none; }
  .screen-only { display: none; }
}
"""


def _dl(rows: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _or_none(value: str, what: str = "not noted") -> str:
    return _e(value) if value else f'<span class="none">{_e(what)}</span>'


def _notes_section(n: Notes) -> str:
    if n.is_empty():
        body = ('<p class="none">No notes were added. You can add them later with the '
                "<code>--notes</code> option, or write them on the printed page.</p>")
    else:
        rows = [("Usernames and handles", _or_none(", ".join(n.usernames))),
                ("Platform or app", _or_none(n.platform)),
                ("What was demanded", _or_none(n.demanded)),
                ("Dates and times", _or_none("; ".join(n.dates)))]
        body = _dl(rows)
        if n.payments:
            body += ('<table id="payments"><caption>Payment requests</caption><thead><tr>'
                     '<th scope="col">Amount</th><th scope="col">Method</th>'
                     '<th scope="col">Account or where to send it</th></tr></thead><tbody>'
                     + "".join(f"<tr><td>{_or_none(p.amount)}</td><td>{_or_none(p.method)}</td>"
                               f"<td>{_or_none(p.account)}</td></tr>" for p in n.payments)
                     + "</tbody></table>")
        else:
            body += '<p class="none">No payment requests noted.</p>'
        if n.text:
            body += f'<h3>In their own words</h3><p class="freetext">{_e(n.text)}</p>'
    return ('<section aria-labelledby="notes-h"><h2 id="notes-h">Notes from the person who made this kit</h2>'
            + body + "</section>")


def _href(path: str) -> str:
    return _e(urllib.parse.quote(path))


def report_html(kit: Kit) -> str:
    """The printable report of a kit: one self-contained HTML page (no outside resources).

    Sections: summary, notes, timeline, files with their SHA-256, what was not
    copied, how the kit was made (and what it does not prove), next steps.
    """
    tl = kit.timeline
    n = kit.notes
    first = _pretty(tl[0].time) if tl else ""
    last = _pretty(tl[-1].time) if tl else ""
    summary = _dl([
        ("Files saved", _e(len(kit.files))),
        ("Time span (by best-known time)", _e(f"{first} to {last}" if first != last else first)),
        ("Usernames and handles", _or_none(", ".join(n.usernames))),
        ("Platform or app", _or_none(n.platform)),
        ("What was demanded", _or_none(n.demanded)),
        ("Payment requests", _e(len(n.payments)) if n.payments else _or_none("")),
        ("Kit made", _e(_pretty(kit.created))),
        ("Made with", _e(kit.made_by)),
        ("Folder copied", _e(kit.source)),
    ])
    tl_rows = "".join(
        f'<tr><td>{e.number}</td><td>{_e(_pretty(e.time))}</td><td>{_e(e.label)}</td>'
        f'<th scope="row"><a href="{_href(e.file.copy)}">{_e(e.file.path)}</a></th>'
        f'<td class="hash">{_e(e.file.sha256[:16])}&hellip;</td></tr>' for e in tl)
    timeline_table = (
        '<table id="timeline"><caption>The files in time order. A time "taken" comes from the image '
        "itself (when the screenshot was made); otherwise it is when the file was last modified, "
        "which copying or editing can change.</caption><thead><tr>"
        '<th scope="col">#</th><th scope="col">Time</th><th scope="col">Which time</th>'
        '<th scope="col">File</th><th scope="col">SHA-256 (start)</th></tr></thead>'
        f"<tbody>{tl_rows}</tbody></table>")
    file_rows = "".join(
        f'<tr><th scope="row"><a href="{_href(f.copy)}">{_e(f.path)}</a></th><td>{f.size:,}</td>'
        f'<td class="hash">{_e(f.sha256)}</td><td>{_e(_pretty(f.modified))}</td>'
        f'<td>{_or_none(_pretty(f.capture_time), "none in the file")}</td></tr>' for f in kit.files)
    files_table = (
        '<table id="files"><caption>Every copied file with its SHA-256 fingerprint</caption><thead><tr>'
        '<th scope="col">File</th><th scope="col">Size (bytes)</th><th scope="col">SHA-256</th>'
        '<th scope="col">Original last modified</th><th scope="col">Capture time in the image</th>'
        f"</tr></thead><tbody>{file_rows}</tbody></table>")
    skipped = ""
    if kit.skipped:
        skipped = ('<section aria-labelledby="skipped-h"><h2 id="skipped-h">Not copied</h2><ul>'
                   + "".join(f"<li>{_e(s.path)} &mdash; {_e(s.reason)}</li>" for s in kit.skipped)
                   + "</ul></section>")
    how = (
        '<section aria-labelledby="how-h"><h2 id="how-h">How this kit was made</h2><ul>'
        f"<li>Every file in the folder &ldquo;{_e(kit.source)}&rdquo; was copied, byte for byte, into "
        f"<code>{FILES_DIR}/</code> with {_e(kit.made_by)}. The originals were opened read-only and "
        "were not changed, moved or deleted; after copying, each original was checked again.</li>"
        "<li>Each copy has a SHA-256 fingerprint: a 64-character code that changes completely if even "
        f"one byte of the file changes. <code>{SUMS}</code> lists the fingerprint of every file in the "
        f"kit; on most computers <code>sha256sum -c {SUMS}</code>, run inside the kit folder, checks "
        "them all.</li>"
        "<li>Times: a &ldquo;taken&rdquo; time is what the phone or computer wrote inside the image "
        "when the screenshot was made. Other times are the file&rsquo;s last-modified time, in UTC. "
        "Times printed inside a screenshot (when a message was sent) are in the pictures only.</li>"
        f"<li><code>{MANIFEST}</code> holds all of this in a form computers read; "
        f"<code>{TIMELINE}</code> is the timeline as a spreadsheet; <code>{NOTES}</code> holds "
        "the notes.</li>"
        "<li>Nothing was uploaded or sent anywhere: the kit was made on this computer only.</li></ul>"
        "<h3>What this kit does not do</h3><ul>"
        "<li>It shows the copies have not changed since the kit was made. It cannot prove when it was "
        "made, nor who is behind an account.</li>"
        "<li>It does not remove any image from anywhere and does not contact anyone: reporting is "
        "still a separate step.</li></ul></section>")
    from .content import steps as _steps
    from .help import crisis_html

    items = "".join(f"<li><strong>{_e(s.title)}.</strong> {_e(s.why)}"
                    + (f" <em><strong>Under 18:</strong> {_e(s.under_18)}</em>" if s.under_18 else "") + "</li>"
                    for s in _steps())
    nxt = ('<section aria-labelledby="next-h"><h2 id="next-h">For the person who made this kit: '
           f"what comes next</h2><ol>{items}</ol><p>{_e(NOT_YOUR_FAULT)}</p>{crisis_html()}</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Evidence kit: {_e(kit.source)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header><p class="calm" role="note"><strong>{_e(CALM_HEADER)}</strong> {_e(NOT_YOUR_FAULT)}</p>'
        "<h1>Evidence kit</h1>"
        "<p>For a platform&rsquo;s safety team, a helpline or the police: screenshots and files saved "
        "as evidence of threats, with fingerprints that show they have not been changed.</p></header>\n"
        '<main>\n<section aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
        f"{summary}</section>\n{_notes_section(n)}\n"
        f'<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>{timeline_table}</section>\n'
        f'<section aria-labelledby="files-h"><h2 id="files-h">Files and fingerprints</h2>{files_table}'
        f"</section>\n{skipped}{how}\n{nxt}\n</main>\n"
        f"<footer><p>Made with {_e(kit.made_by)} on {_e(_pretty(kit.created))}. Nothing was uploaded."
        "</p></footer>\n</body>\n</html>\n")
