"""Writing outputs: always a new file, never one that exists (package-private).

The one policy, chosen on purpose for every output safetylab writes for a
learner (clean copies, redacted copies, policy pages):

- the file is created with ``O_CREAT | O_EXCL``, so an existing file is never
  opened for writing, not even by a race between two writers;
- if the name is taken, ``-2``, ``-3``, ... is added before the extension, and the
  name actually used is returned (and shown to the learner), rather than failing
  and asking them to choose another name;
- a path to ``protect`` (the photo being cleaned) is never used, even if it is free;
- if writing fails half way, only the file just created is removed;
- missing folders are made; every failure is one plain line (:class:`~safetylab.errors.OutputError`).

Files the code itself owns (``sample_images/``) are rebuilt in place by
:mod:`safetylab.samples.build` instead; that is not a learner's output.

A file that must have one exact name to be found — a trainer's clue annotation
``NAME.clues.json`` beside ``NAME.png``, a scenario, a course pack's checklist —
is written with :func:`write_exact`: created only when the name is free, else
:class:`~safetylab.errors.AlreadyThereError`. Replacing it is never silent: only
:func:`replace_keeping` does it, when the trainer asked to, and it first keeps
the previous version as ``NAME.bak`` (``NAME-2.bak``, ... when taken).

What this does *not* protect against: another program changing the file after
it is written, or a full disk (reported, not prevented).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import AlreadyThereError, OutputError

__all__ = ["write_new", "write_exact", "replace_keeping", "short_name", "MAX_TRIES"]

#: How many numbered names are tried before giving up.
MAX_TRIES = 1000


def short_name(name: str, limit: int = 60) -> str:
    """A file name short enough for one line of a message (its start and its ending kept).

    Examples
    --------
    >>> short_name("x" * 300 + ".png")
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…xxxxxxxxxxxxxxx.png'
    """
    return name if len(name) <= limit else f"{name[:40]}…{name[-19:]}"


def _create(path: Path, data: bytes) -> Path:
    """Create ``path`` (never one that exists: ``FileExistsError``) holding ``data``; a half-written
    file of ours is removed, and any other failure is one plain line."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise
    except OSError as e:
        raise OutputError(f"Could not write {short_name(path.name)} in {path.parent} "
                          f"({e.strerror or e}).") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as e:
        path.unlink(missing_ok=True)  # our own half-written file, never someone else's
        raise OutputError(f"Could not write {short_name(path.name)} in {path.parent} "
                          f"({e.strerror or e}).") from None
    return path


def _make_folder(folder: Path) -> None:
    """Make ``folder`` (and its parents) unless it is there; a failure is one plain line."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"Could not make the folder {folder} ({e.strerror or e}).") from None


def _leads_to(candidate: Path, protected: Path) -> bool:
    """Would creating ``candidate`` write the file ``protected`` (the same file, or its link's target)?

    A new file keeps its own name, and ``O_EXCL`` never opens an existing file or link, so
    only a name like the protected file's (or its link target's) needs resolving.
    """
    if candidate.name != protected.name and not protected.is_symlink():
        return False
    return candidate.resolve() == protected.resolve()


def write_new(target: str | os.PathLike, data: bytes, *, protect: str | os.PathLike | None = None) -> Path:
    """Write ``data`` to ``target``, or to ``target-2``, ``-3``... if taken; return the path written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     first = write_new(Path(d) / "note.txt", b"one")
    ...     second = write_new(Path(d) / "note.txt", b"two")
    ...     first.name, second.name, first.read_bytes()
    ('note.txt', 'note-2.txt', b'one')
    """
    target = Path(target)
    _make_folder(target.parent)
    keep_away = Path(protect) if protect is not None else None
    stem, ext = target.stem, target.suffix
    for n in range(1, MAX_TRIES + 1):
        candidate = target if n == 1 else target.with_name(f"{stem}-{n}{ext}")
        if keep_away is not None and _leads_to(candidate, keep_away):
            continue
        try:
            return _create(candidate, data)
        except FileExistsError:
            continue
    raise OutputError(f"Could not find a free file name for {target.name} in {target.parent}.")


def write_exact(target: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to exactly ``target``, only if nothing has that name yet.

    Raises
    ------
    AlreadyThereError
        When ``target`` exists (it is left as it was).
    OutputError
        When it cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_exact(Path(d) / "a.clues.json", b"{}")
    ...     try:
    ...         write_exact(path, b"[]")
    ...     except AlreadyThereError as err:
    ...         print(err, path.read_bytes())
    a.clues.json is already there; nothing was replaced b'{}'
    """
    target = Path(target)
    _make_folder(target.parent)
    try:
        return _create(target, data)
    except FileExistsError:
        raise AlreadyThereError(f"{target.name} is already there; nothing was replaced") from None


def replace_keeping(target: str | os.PathLike, data: bytes) -> tuple[Path, Path | None]:
    """Write ``data`` to ``target``, keeping any file already there as ``target.bak`` first.

    Only for a file someone asked to replace (a trainer saving their edited
    annotation again). The new content is written to a new file beside it and
    then moved into place, so ``target`` is never left half written; the old
    content is kept with :func:`write_new` (``NAME.bak``, ``NAME-2.bak``, ...).

    Returns
    -------
    (written, kept) : tuple of Path
        ``kept`` is the backup of the previous version, or None when there was none.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_exact(Path(d) / "chat.json", b"old")
    ...     written, kept = replace_keeping(path, b"new")
    ...     written.read_bytes(), kept.name, kept.read_bytes()
    (b'new', 'chat.json.bak', b'old')
    """
    target = Path(target)
    if not target.exists():
        return write_exact(target, data), None
    if not target.is_file():
        raise OutputError(f"{target.name} is not a file; nothing was replaced")
    try:
        old = target.read_bytes()
    except OSError as e:
        raise OutputError(f"Could not read {target.name} to keep a copy ({e.strerror or e}); "
                          "nothing was replaced") from None
    kept = write_new(target.with_name(target.name + ".bak"), old)
    fresh = write_new(target.with_name(f".{target.name}.new"), data)
    try:
        os.replace(fresh, target)
    except OSError as e:
        fresh.unlink(missing_ok=True)
        raise OutputError(f"Could not replace {target.name} ({e.strerror or e}); it is as it was") from None
    return target, kept
