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

What this does *not* protect against: another program changing the file after
it is written, or a full disk (reported, not prevented).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OutputError

__all__ = ["write_new", "MAX_TRIES"]

#: How many numbered names are tried before giving up.
MAX_TRIES = 1000


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
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"Could not make the folder {target.parent} ({e.strerror or e}).") from None
    keep_away = Path(protect).resolve() if protect is not None else None
    stem, ext = target.stem, target.suffix
    for n in range(1, MAX_TRIES + 1):
        candidate = target if n == 1 else target.with_name(f"{stem}-{n}{ext}")
        if keep_away is not None and candidate.resolve() == keep_away:
            continue
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        except OSError as e:
            raise OutputError(f"Could not write {candidate.name} in {candidate.parent} ({e.strerror or e}).") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError as e:
            candidate.unlink(missing_ok=True)  # our own half-written file, never someone else's
            raise OutputError(f"Could not write {candidate.name} in {candidate.parent} ({e.strerror or e}).") from None
        return candidate
    raise OutputError(f"Could not find a free file name for {target.name} in {target.parent}.")
