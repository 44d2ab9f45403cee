"""Shared by the lesson generators: turn a list of cells into a notebook file.

Each ``make_NN.py`` holds its lesson as ``CELLS = [("md"|"code", source), ...]`` and
calls :func:`write`. Cell ids are fixed, so running a generator again rewrites the
same bytes, and notebooks are written without outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def build(cells: list[tuple[str, str]], id_prefix: str) -> nbformat.NotebookNode:
    """The notebook, with fixed cell ids and no outputs."""
    nb = new_notebook(metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    for n, (kind, source) in enumerate(cells, 1):
        if kind not in ("md", "code"):
            raise ValueError(f"cell {n}: kind must be 'md' or 'code', not {kind!r}")
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        cell["id"] = f"{id_prefix}-{n:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def write(cells: list[tuple[str, str]], name: str, id_prefix: str) -> Path:
    """Write ``notebooks/<name>`` and say so."""
    out = NOTEBOOKS / name
    nbformat.write(build(cells, id_prefix), out)
    print(f"Wrote {out}")
    return out
