"""Each lesson has one text source (MyST Markdown) paired with its notebook, and they agree.

Nothing generates the lessons: a trainer's edit saved in JupyterLab (through
jupytext's contents manager, as JupyterLab does) updates both files, and the whole
test run leaves every lesson file as it found it (checked in conftest.py).
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from conftest import ROOT, require
from safetylab.lesson_sources import TRAINER_TAG, check_pairs, learner_cells, lesson_pairs

NOTEBOOKS = ROOT / "notebooks"
jupytext = pytest.importorskip("jupytext", reason="jupytext (the lab and test extras) is not installed")


def _copy_lessons(dst):
    dst.mkdir(exist_ok=True)
    shutil.copy(NOTEBOOKS / "jupytext.toml", dst)
    for md, nb in lesson_pairs(NOTEBOOKS):
        shutil.copy(md, dst)
        shutil.copy(nb, dst)
    return dst


def test_every_lesson_has_a_text_source_and_a_notebook():
    pairs = lesson_pairs(NOTEBOOKS)
    assert len(pairs) >= 7
    assert all(md is not None and nb is not None for md, nb in pairs), pairs


def test_every_pair_is_in_sync_and_no_notebook_holds_outputs():
    assert check_pairs(NOTEBOOKS) == []


def test_the_folder_pairs_every_notebook_with_myst_markdown():
    config = (NOTEBOOKS / "jupytext.toml").read_text(encoding="utf-8")
    assert 'formats = "ipynb,md:myst"' in config
    # no generator is left to overwrite a trainer's edits
    assert not (ROOT / "scripts" / "notebooks").exists()
    assert not list(ROOT.glob("scripts/**/make_*.py"))


def test_drift_is_reported_one_plain_line_each(tmp_path):
    work = _copy_lessons(tmp_path / "lessons")
    assert check_pairs(work) == []
    md = work / "03_what_your_file_says.md"
    md.write_text(md.read_text(encoding="utf-8").replace("What your photo file says", "What your file tells", 1),
                  encoding="utf-8")
    (work / "04_screenshots_are_forever.md").unlink()
    nb_path = work / "05_your_photo_policy.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    first_code.outputs = [nbformat.v4.new_output("stream", text="hello")]
    nbformat.write(nb, nb_path)
    problems = check_pairs(work)
    assert len(problems) == 3, problems
    assert any(p.startswith("03_what_your_file_says: cell 1 differs in its source") for p in problems)
    assert any(p.startswith("04_screenshots_are_forever.ipynb: has no text source") for p in problems)
    assert any(p.startswith("05_your_photo_policy.ipynb: cell") and "outputs" in p for p in problems)
    assert all("\n" not in p for p in problems)


def test_an_edit_saved_in_jupyterlab_updates_both_files(tmp_path):
    """JupyterLab saves through jupytext's contents manager: the text source follows the edit."""
    from jupytext import AsyncTextFileContentsManager  # what jupytext's server extension installs

    work = _copy_lessons(tmp_path / "lessons")
    manager = AsyncTextFileContentsManager(root_dir=str(work))

    import asyncio

    async def edit():
        model = await manager.get("02_your_background_gives_away_the_place.ipynb")
        cells = model["content"]["cells"]
        cells.insert(1, nbformat.v4.new_markdown_cell("A note from your trainer: look at the windows first."))
        cells[1]["metadata"]["tags"] = [TRAINER_TAG]
        await manager.save(model, "02_your_background_gives_away_the_place.ipynb")

    # in a thread of its own: Playwright's sync API (the browser tests) may keep an event loop
    # running in this thread for the whole session
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, edit()).result()
    source = (work / "02_your_background_gives_away_the_place.md").read_text(encoding="utf-8")
    assert "A note from your trainer: look at the windows first." in source
    assert '+++ {"tags": ["trainer"]}' in source
    assert check_pairs(work) == []


def test_trainer_cells_are_left_out_for_learners_only():
    nb = jupytext.read(NOTEBOOKS / "00_start_here.md")
    trainer = [c for c in nb.cells if TRAINER_TAG in c.metadata.get("tags", [])]
    assert trainer, "lesson 00 shows trainers how to run a lesson in a cell tagged 'trainer'"
    shown = learner_cells(nb.cells)
    assert len(shown) == len(nb.cells) - len(trainer)
    assert all("Shift + Enter" not in "".join(c.source) for c in shown)
    assert any("Shift + Enter" in "".join(c.source) for c in trainer)


def test_lesson_00_checks_the_environment_with_one_library_call():
    nb = jupytext.read(NOTEBOOKS / "00_start_here.md")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    check = next(src for src in code if "environment_check" in src)
    assert len(check.strip().splitlines()) <= 3, check
    assert "socket" not in check
