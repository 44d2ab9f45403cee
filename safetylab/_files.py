"""Write a new file, never replacing one: the one way safetylab saves what it makes.

Policies, handouts and other pages a learner or trainer asks for go to a file
that did not exist before. When the name is taken, ``-2``, ``-3``, ... is added
before the suffix; the file is opened with ``"x"`` (create only), so even a file
that appears between the check and the write is never replaced.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     first = write_new(pathlib.Path(d, "page.html"), "one")
...     second = write_new(pathlib.Path(d, "page.html"), "two")
...     first.name, second.name, first.read_text()
('page.html', 'page-2.html', 'one')
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OutputError

__all__ = ["write_new"]


def write_new(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path``, or to ``path`` with ``-2``, ``-3``, ... added; never replace a file.

    Missing folders are created.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputError
        When the folder or the file cannot be made (one plain line).
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"Could not make the folder {target.parent}: {e.strerror or e}.") from None
    stem, suffix = target.stem, target.suffix
    for n in range(1, 10_000):
        candidate = target if n == 1 else target.with_name(f"{stem}-{n}{suffix}")
        try:
            fh = open(candidate, "x", encoding=encoding)  # "x": never replaces a file
        except FileExistsError:
            continue
        except OSError as e:
            raise OutputError(f"Could not write {candidate}: {e.strerror or e}.") from None
        try:
            with fh:
                fh.write(text)
        except OSError as e:
            candidate.unlink(missing_ok=True)  # our own half-written file, never someone else's
            raise OutputError(f"Could not write {candidate}: {e.strerror or e}.") from None
        return candidate
    raise OutputError(f"Could not find a free file name next to {target}.")
