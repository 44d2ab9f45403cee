"""Where the course is: its lessons, its sample photos, and the trainer's working copy.

A checkout of the repository (or an editable install) has the lessons in
``notebooks/`` and the sample photos in ``sample_images/`` beside the package.
An installed safetylab (a wheel) carries the same files inside the package, in
``safetylab/_course/`` (``setup.py``'s build step puts them there). Every front end
finds them here: ``safetylab lab``, ``safetylab app``, ``safetylab samples`` and the
tests.

In an installed safetylab, ``safetylab lab`` and ``safetylab app`` open the lessons
in a **working folder** the trainer can see, edit and keep (``--dir DIR``; by default
``safetylab-lessons`` in their home folder): :func:`working_copy` copies the course
there and never overwrites a file the trainer changed. In a checkout the lessons
open where they are.

What this does *not* cover: a trainer's own course pack, which is a folder the
trainer names.

Examples
--------
>>> lessons_dir().is_dir() and any(lessons_dir().glob(LESSON_GLOB))
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import SafetyLabError

__all__ = ["lessons_dir", "samples_dir", "working_folder", "working_copy", "open_lessons",
           "from_checkout", "WorkingCopy", "LESSON_GLOB", "PACKAGED", "CHECKOUT", "DEFAULT_WORKING_DIR",
           "MANIFEST"]

#: The file names of the lessons, in order: ``00_start_here.ipynb``, ``01_...``.
LESSON_GLOB = "[0-9][0-9]_*.ipynb"
#: Where an installed safetylab keeps the course (the wheel's build step puts it there).
PACKAGED = Path(__file__).resolve().parent / "_course"
#: The folder holding the package: in a checkout, also ``notebooks/`` and ``sample_images/``.
CHECKOUT = Path(__file__).resolve().parent.parent
#: The trainer's working folder when safetylab is installed (not a checkout).
DEFAULT_WORKING_DIR = Path("~") / "safetylab-lessons"
#: In a working folder: what was copied from the course, with each file's SHA-256 then.
MANIFEST = ".safetylab-course.json"


def _has_lessons(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob(LESSON_GLOB))


def from_checkout() -> bool:
    """True when safetylab runs from a checkout of its repository (``notebooks/`` beside it)."""
    return _has_lessons(CHECKOUT / "notebooks")


def lessons_dir() -> Path:
    """The course's own lessons: the checkout's ``notebooks/``, or the copy installed with safetylab."""
    return CHECKOUT / "notebooks" if from_checkout() else PACKAGED / "notebooks"


def samples_dir() -> Path:
    """The sample photos: the checkout's ``sample_images/``, or the copy installed with safetylab."""
    packaged = PACKAGED / "sample_images"
    if not from_checkout() and packaged.is_dir():
        return packaged
    return CHECKOUT / "sample_images"


@dataclass(frozen=True)
class WorkingCopy:
    """What :func:`working_copy` did: the folder, and the files it copied, updated or kept."""

    folder: Path
    copied: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()

    def summary(self) -> str:
        """Plain lines for the terminal ("" when nothing changed)."""
        lines = []
        if self.copied:
            lines.append(f"Copied the lessons into {self.folder} ({len(self.copied)} files): "
                         "edit them there; your changes are kept.")
        if self.updated:
            lines.append(f"Updated {len(self.updated)} lesson files you had not changed.")
        if self.kept:
            lines.append(f"Kept your own version of {', '.join(self.kept)} (safetylab brought another; "
                         "delete or rename yours to get it).")
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _course_files(source: Path) -> list[Path]:
    """The course's files under ``source`` (lessons, their text, the facilitator guide), relative."""
    out = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_file() and not any(p.startswith(".") or p == "my-files" for p in rel.parts):
            out.append(rel)
    return out


def working_copy(folder: str | os.PathLike, source: str | os.PathLike | None = None) -> WorkingCopy:
    """Copy the course's lessons into ``folder`` for a trainer to use and edit; never overwrite an edit.

    A lesson file missing from ``folder`` is copied. One still exactly as it was
    copied (its SHA-256 is recorded in ``folder/.safetylab-course.json``) is replaced
    when safetylab brings a newer version. One the trainer changed, or a file of
    theirs with a course file's name, is never touched. What learners make
    (``my-files/``) is never copied or touched.

    Parameters
    ----------
    folder : path-like
        The working folder (made if missing).
    source : path-like, optional
        Where the course is (default: :func:`lessons_dir`).

    Returns
    -------
    WorkingCopy

    Raises
    ------
    SafetyLabError
        When the course cannot be found, or the folder cannot be written.
    """
    import json
    import shutil

    src = lessons_dir() if source is None else Path(source)
    dest = Path(folder).expanduser()
    if not _has_lessons(src):
        raise SafetyLabError(f"The course's lessons were not found in {src}; reinstall safetylab.")
    if dest.exists() and src.resolve() == dest.resolve():
        return WorkingCopy(dest)
    record_path = dest / MANIFEST
    try:
        recorded = dict(json.loads(record_path.read_text(encoding="utf-8")).get("files", {}))
    except (OSError, ValueError, AttributeError, TypeError):
        recorded = {}
    copied, updated, kept = [], [], []
    try:
        for rel in _course_files(src):
            source_file, target = src / rel, dest / rel
            key, new = rel.as_posix(), _sha256(src / rel)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source_file, target)
                copied.append(key)
            else:
                have = _sha256(target) if target.is_file() else None
                if have != new:
                    if have is None or recorded.get(key) != have:
                        kept.append(key)  # the trainer's own: never overwritten
                        continue
                    shutil.copyfile(source_file, target)  # unchanged since copied: the new version
                    updated.append(key)
            recorded[key] = new
        record_path.write_text(json.dumps({"files": recorded}, indent=1, sort_keys=True) + "\n",
                               encoding="utf-8")
    except OSError as e:
        raise SafetyLabError(f"The lessons could not be copied into {dest} ({e.strerror or e}).") from None
    return WorkingCopy(dest, tuple(copied), tuple(updated), tuple(kept))


def working_folder(given: str | os.PathLike | None = None) -> Path:
    """The folder the lessons open in: ``given``; else, in a checkout, its ``notebooks/``;
    else :data:`DEFAULT_WORKING_DIR` (``safetylab-lessons`` in the home folder)."""
    if given is not None:
        return Path(given).expanduser()
    if from_checkout():
        return CHECKOUT / "notebooks"
    return DEFAULT_WORKING_DIR.expanduser()


def open_lessons(given: str | os.PathLike | None = None, *, announce=None) -> Path:
    """The working folder with the course's lessons in it (copied there when needed).

    This is what ``safetylab lab`` and ``safetylab app`` call. ``announce`` (default:
    print to stderr) receives what was copied or kept, in plain words.
    """
    import sys

    folder = working_folder(given)
    result = working_copy(folder)
    if result.summary():
        (announce or (lambda text: print(f"safetylab: {text}", file=sys.stderr)))(result.summary())
    return folder
