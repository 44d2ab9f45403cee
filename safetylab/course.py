"""Where the course's lessons are.

The lessons (``NN_name.ipynb`` with their text sources) live in the
``notebooks/`` folder next to the package, in a checkout or an editable install.
Every front end finds them here: ``safetylab lab``, ``safetylab app`` and the tests.

What this does *not* cover: a trainer's own course pack, which is a folder the
trainer names.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["lessons_dir", "LESSON_GLOB"]

#: The file names of the lessons, in order: ``00_start_here.ipynb``, ``01_...``.
LESSON_GLOB = "[0-9][0-9]_*.ipynb"


def lessons_dir() -> Path:
    """The course's ``notebooks/`` folder (next to the package), or the current folder.

    Examples
    --------
    >>> lessons_dir().is_dir()
    True
    """
    here = Path(__file__).resolve().parent.parent / "notebooks"
    return here if here.is_dir() else Path.cwd()
