"""Every lesson notebook runs top to bottom, in a scratch folder, with a real kernel,
with the network cut; and a learner's own photo never ends up in a saved notebook."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import LESSONS, LESSONS_DIR

pytestmark = pytest.mark.notebook
NOTEBOOKS = LESSONS


@pytest.fixture
def run_offline(network_guard):
    """Run a notebook with the network guard as its first cell; fail on any attempt."""

    def run(nb, folder: Path, extra_cells=(), **options):
        mark = network_guard.mark()
        nb.cells.insert(0, nbformat.v4.new_code_cell(network_guard.kernel_source()))
        nb.cells.extend(nbformat.v4.new_code_cell(src) for src in extra_cells)
        client = NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}, **options)
        client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
        assert network_guard.attempts(since=mark) == [], "the lesson tried to use the network"
        return nb

    return run


def test_there_are_lessons():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs"


#: What only a trainer sees when a lesson runs as in JupyterLab (trainer mode), by lesson.
TRAINER_OUTPUT = {
    "00": ["For trainers: versions and details"],
    "01": ["is ready for this lesson", "For trainers, the same in a terminal"],
    "02": ["is ready for this lesson"],
    "03": ["is ready for this lesson", "For trainers: the values as the file stores them",
           "For trainers, the same in a terminal"],
    "04": ["is ready for this lesson", "For trainers: every sample photo"],
    "05": ["is ready for this lesson", "For trainers, the same in a terminal"],
    "06": ["is ready for this lesson", "For trainers, the same in a terminal"],
}


def _output_text(nb) -> str:
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/html", ""))
                     + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_top_to_bottom_offline(path, tmp_path, run_offline):
    """Run as JupyterLab runs it (trainer mode: every cell, the trainer's words shown)."""
    work = tmp_path / path.name
    shutil.copy(path, work)
    nb = nbformat.read(work, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import os\nos.environ['SAFETYLAB_MODE'] = 'trainer'"))
    nb = run_offline(nb, tmp_path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    shown = _output_text(nb)
    missing = [words for words in TRAINER_OUTPUT.get(path.name[:2], []) if words not in shown]
    assert not missing, f"{path.name}: the trainer view does not show {missing}"
    # a figure must show as a picture, not as the text "<Figure size 900x400 with 2 Axes>"
    bare = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if str(o.get("data", {}).get("text/plain", "")).startswith("<Figure size")
            and "image/png" not in o.get("data", {})]
    assert not bare, f"{len(bare)} figure(s) shown as text only"
    assert not (path.parent / "my-files").exists(), "a lesson wrote into the repository"


def test_a_learners_photo_is_not_saved_in_the_notebook(tmp_path, run_offline):
    """Load a photo the way the upload button does, clean it, save the notebook: no photo bytes."""
    import numpy as np
    from PIL import Image

    from conftest import make_photo

    photo = make_photo(tmp_path / "my_own_photo.jpg")
    # make the picture unmistakable: random noise no other file contains
    noise = np.random.default_rng(7).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    Image.fromarray(noise).save(photo, "JPEG", quality=95, exif=Image.open(photo).info["exif"])
    data = photo.read_bytes()
    work = tmp_path / "03.ipynb"
    shutil.copy(LESSONS_DIR / "03_what_your_file_says.ipynb", work)
    # Setting the value from the kernel also syncs it to the (recorded) front end, the way a
    # browser holds it after an upload: if the widget kept the bytes, the saved widget state would.
    upload = (
        "import datetime as _dt\n"
        f"_data = open({str(photo)!r}, 'rb').read()\n"
        "inspector.upload.value = ({'name': 'my_own_photo.jpg', 'type': 'image/jpeg',"
        " 'size': len(_data), 'content': memoryview(_data),"
        " 'last_modified': _dt.datetime.now(_dt.timezone.utc)},)\n"
        "del _data\n"
        "assert inspector.report is not None and inspector.report.error is None\n"
        "inspector.clean()\n"
        "assert inspector.result.clean\n"
        "inspector\n")
    # The widget state a front end saves with the notebook: every widget's current state,
    # binary buffers included (nbclient's own record keeps stale buffers, so it is not used).
    state_file = tmp_path / "widget_state.json"
    dump_state = (
        "import json as _json\n"
        "import ipywidgets as _w\n"
        f"open({str(state_file)!r}, 'w').write(_json.dumps(_w.Widget.get_manager_state()))\n")
    nb = run_offline(nbformat.read(work, as_version=4), tmp_path, extra_cells=[upload, dump_state],
              store_widget_state=False)
    import json

    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": json.loads(state_file.read_text())}
    nbformat.write(nb, work)  # what "save" writes, widget state included
    saved = work.read_bytes()
    assert b"my_own_photo" in saved  # the report (text) is there, so the check looks at the right file
    chunk = data[len(data) // 2: len(data) // 2 + 48]  # from the middle of the compressed picture
    assert chunk not in saved
    for shift in range(3):  # base64 of the chunk, at each alignment
        b64 = base64.b64encode(chunk[shift:shift + 45])
        assert b64 not in saved


def test_a_learners_answers_are_not_saved_in_the_notebook(tmp_path, run_offline):
    """The check of learning keeps nothing in the kernel: what a saved notebook holds is the bare questions.

    Answers are given in the browser and never reach the kernel (see
    tests/browser/test_learning_check.py, which answers in JupyterLab, saves, and reads the
    file). Here: the cells the lessons use leave outputs that are exactly the library's
    questions, and no widget at all, so no widget state can carry an answer.
    """
    from safetylab.widgets.learning_check import check_html, ticket_html

    work = tmp_path / "check.ipynb"
    cells = ['from safetylab.widgets.learning_check import show_check, show_ticket\nshow_check("before")',
             "show_ticket(3)", 'show_check("after")',
             "import ipywidgets as _w\nassert not _w.Widget.widgets, 'the check made a widget'"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in cells])
    nb = run_offline(nb, tmp_path, store_widget_state=True)
    nbformat.write(nb, work)
    saved = nbformat.read(work, as_version=4)
    shown = [o["data"]["text/html"] for c in saved.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert shown == [check_html("before"), ticket_html(3), check_html("after")]
    assert not saved.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state")


def test_the_authoring_notebook_runs_with_a_course_pack(tmp_path, run_offline, monkeypatch):
    """Trainer mode's authoring notebook (not a lesson: learner mode does not list it) runs top to
    bottom on the pack named for the lessons, and writes nothing into it by itself."""
    from safetylab import pack

    folder = tmp_path / "my-course"
    pack.new(folder)
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    monkeypatch.setenv("SAFETYLAB_PACK", str(folder))  # what `safetylab lab --pack` sets for the kernels
    work = tmp_path / "90_make_your_own.ipynb"
    shutil.copy(LESSONS_DIR / "authoring" / "90_make_your_own.ipynb", work)
    nb = run_offline(nbformat.read(work, as_version=4), tmp_path)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert f"Your course pack: {folder}" in text and "ready to use" in text
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
