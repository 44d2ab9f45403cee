"""The lessons' text sources: one MyST Markdown file per lesson, paired with its notebook.

Each lesson is ``NN_name.md`` (MyST Markdown, read and written by jupytext), the
file a trainer or contributor edits and diffs, paired with ``NN_name.ipynb``, the
notebook JupyterLab and learner mode open. The pairing is set for the whole folder
by ``jupytext.toml`` (``formats = "ipynb,md:myst"``); with jupytext installed (the
``lab`` extra), JupyterLab writes both files whenever a lesson is saved. Nothing
generates the lessons: an edit made in JupyterLab is the edit.

:func:`check_pairs` says where a pair has drifted (an edit made without jupytext,
or a file added on one side only), in one plain line per problem;
``jupytext --sync NN_name.md`` mends it. :func:`learner_cells` is what learner
mode shows of a lesson: every cell but those tagged ``trainer``.

What this does *not* do: it cannot tell which side of a drifted pair holds the
edit you meant to keep (``jupytext --sync`` takes the newer file); and a cell
tagged ``trainer`` is only hidden from learner mode, not secret — anyone with the
files can read it.

Examples
--------
>>> cells = [{"cell_type": "markdown", "metadata": {}, "source": "For everyone"},
...          {"cell_type": "markdown", "metadata": {"tags": ["trainer"]}, "source": "Run All"}]
>>> [c["source"] for c in learner_cells(cells)]
['For everyone']
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["TRAINER_TAG", "LESSON_GLOB", "learner_cells", "lesson_pairs", "check_pairs"]

#: A cell with this tag is for trainers: JupyterLab shows it, learner mode leaves it out
#: (it is neither shown nor run).
TRAINER_TAG = "trainer"
#: How lesson files are named: two digits, an underscore, a name.
LESSON_GLOB = "[0-9][0-9]_*"
#: What a cell is compared on when checking a pair (ids and outputs are the notebook's own).
_COMPARED = ("cell_type", "source", "metadata")


def learner_cells(cells: list) -> list:
    """The cells a learner sees: every cell but those tagged :data:`TRAINER_TAG`.

    Learner mode's page template applies this (as the Jinja filter ``learner_cells``)
    before the lesson runs, so a trainer's cell is neither shown nor executed.
    """
    return [c for c in cells if TRAINER_TAG not in (c.get("metadata") or {}).get("tags", ())]


def lesson_pairs(folder: str | os.PathLike) -> list[tuple[Path | None, Path | None]]:
    """``(text source, notebook)`` for every lesson in ``folder``; ``None`` where one is missing."""
    folder = Path(folder)
    stems = sorted({p.stem for p in folder.glob(LESSON_GLOB + ".md")}
                   | {p.stem for p in folder.glob(LESSON_GLOB + ".ipynb")})
    out = []
    for stem in stems:
        md, nb = folder / f"{stem}.md", folder / f"{stem}.ipynb"
        out.append((md if md.is_file() else None, nb if nb.is_file() else None))
    return out


def _cell(cell) -> dict:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    metadata = {k: v for k, v in (cell.get("metadata") or {}).items() if k not in ("execution", "trusted")}
    return {"cell_type": cell.get("cell_type"), "source": source.rstrip("\n"), "metadata": metadata}


def check_pairs(folder: str | os.PathLike) -> list[str]:
    """Every way the lessons in ``folder`` and their text sources disagree, one line each.

    A lesson is in sync when its ``.md`` and ``.ipynb`` have the same cells, in
    the same order, with the same type, text and metadata (tags included), and
    its notebook holds no outputs. An empty list means all is well.

    Raises
    ------
    SafetyLabError
        When jupytext (the ``lab`` extra) is not installed.
    """
    from .errors import SafetyLabError

    try:
        import jupytext
        import nbformat
    except ImportError:
        raise SafetyLabError("Checking lesson sources needs jupytext: pip install jupytext") from None
    problems = []
    for md, nb in lesson_pairs(folder):
        if md is None:
            problems.append(f"{nb.name}: has no text source {nb.stem}.md (run: jupytext --sync {nb.name})")
            continue
        if nb is None:
            problems.append(f"{md.name}: has no notebook {md.stem}.ipynb (run: jupytext --sync {md.name})")
            continue
        try:
            text = jupytext.read(md)
            book = nbformat.read(nb, as_version=4)
        except Exception as e:  # a damaged file: one line naming it
            problems.append(f"{md.stem}: cannot be read ({type(e).__name__}: {str(e).splitlines()[0][:120]})")
            continue
        a, b = [_cell(c) for c in text.cells], [_cell(c) for c in book.cells]
        if len(a) != len(b):
            problems.append(f"{md.stem}: {md.name} has {len(a)} cells, {nb.name} has {len(b)} "
                            f"(run: jupytext --sync {md.name})")
        else:
            for n, (x, y) in enumerate(zip(a, b), 1):
                if x != y:
                    what = next(k for k in _COMPARED if x[k] != y[k])
                    problems.append(f"{md.stem}: cell {n} differs in its {what.replace('_', ' ')} "
                                    f"(run: jupytext --sync {md.name})")
                    break
        with_output = [n for n, c in enumerate(book.cells, 1)
                       if c.get("cell_type") == "code" and (c.get("outputs") or c.get("execution_count"))]
        if with_output:
            problems.append(f"{nb.name}: cell {with_output[0]} holds outputs; clear them before committing "
                            "(a learner's photo could end up in the file)")
    return problems
