"""Every lesson reads right in both modes: plain words for learners, the trainer's words in JupyterLab.

Learner mode (Voila) shows every cell that is not tagged ``trainer``: its Markdown as
text, and its code's output. These checks read the lesson sources (fast, no kernel):

- the Markdown a learner sees has no developer words (``safetylab.plain.looks_like_code``:
  cells, kernels, notebooks, terminals, commands, raw dates, pixel boxes) and no code
  spans, which show as code;
- the code a learner's page runs prints nothing (``print`` shows as a grey typewriter
  block, the way a program's output looks); words go through ``say``, tables and
  figures through HTML, a figure's description into its ``alt``;
- a widget shown in one cell is never driven by a later cell, so what a learner meets
  first is the widget's starting state (lesson 04's "view once" photo once arrived
  already captured and gone);
- the words for trainers are still there, in trainer cells: how to run the lesson, and the
  commands the learner's text no longer names.

What learner mode and trainer mode show when the lessons run is checked in the browser
(``tests/browser/``) and in ``tests/test_notebooks.py``.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from conftest import LESSONS
from safetylab.lesson_sources import TRAINER_TAG, learner_cells
from safetylab.plain import looks_like_code

_CODE_SPAN = re.compile(r"(?<!`)`[^`\n]+`(?!`)")


def _cells(path):
    return nbformat.read(path, as_version=4).cells


def _tree(source: str) -> ast.Module:
    """A code cell as Python (IPython's ``%magic`` lines left out)."""
    return ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))


def _shown_widgets(tree: ast.Module) -> set[str]:
    """Names a cell displays: its last line is a bare name (``game``), as Jupyter shows it."""
    last = tree.body[-1] if tree.body else None
    return {last.value.id} if isinstance(last, ast.Expr) and isinstance(last.value, ast.Name) else set()


def _driven(tree: ast.Module, names: set[str]) -> list[str]:
    """Uses in ``tree`` that change one of ``names``: a method called on it, or an attribute set on it."""
    out = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            for t in getattr(node, "targets", [getattr(node, "target", None)]):
                if isinstance(t, ast.Attribute):
                    target = t
        root = target
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in names:
            out.append(ast.unparse(target))
    return out


# --------------------------------------------------------------------------- #
# The checks, tested on made-up cells first (so a check that cannot fail shows up)
# --------------------------------------------------------------------------- #

def test_the_checks_catch_what_they_are_for():
    shown = _shown_widgets(_tree("%matplotlib inline\nview = ViewOnce(p)\nview"))
    assert shown == {"view"}
    assert _driven(_tree("view.show()\nc = view.capture('x')"), shown) == ["view.show", "view.capture"]
    assert _driven(_tree("view.status.value = 'x'"), shown) == ["view.status.value"]
    assert _driven(_tree("g = view.graph\nother.show()"), shown) == []  # reading is fine
    assert looks_like_code("Run the cell below: press Shift + Enter.")
    assert _CODE_SPAN.search("on a computer, `safetylab redact photo.jpg` does it")
    assert not _CODE_SPAN.search("```{code-cell}")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_what_a_learner_reads_is_plain_words(path):
    problems = []
    for n, cell in enumerate(learner_cells(_cells(path)), 1):
        if cell.cell_type == "markdown":
            problems += [f"text cell {n}: {p}" for p in looks_like_code(cell.source)]
            problems += [f"text cell {n}: code shown as code: {m}" for m in _CODE_SPAN.findall(cell.source)]
        elif cell.cell_type == "code":
            calls = [node.func.id for node in ast.walk(_tree(cell.source))
                     if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
            if "print" in calls:
                problems.append(f"code cell {n} prints: a learner would see program output\n{cell.source}")
            if re.search(r"\.text_alternative\b", cell.source):
                problems.append(f"code cell {n} shows a figure's text alternative as text (it belongs in alt)")
    assert not problems, f"{path.name}, in learner mode:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_demonstration_drives_a_widget_a_learner_was_shown(path):
    shown: dict[str, int] = {}
    problems = []
    for n, cell in enumerate(_cells(path), 1):
        if cell.cell_type != "code":
            continue
        tree = _tree(cell.source)
        problems += [f"cell {n} drives {use} (shown in cell {shown[use.split('.')[0]]})"
                     for use in _driven(tree, set(shown))]
        for name in _shown_widgets(tree):
            shown[name] = n
    assert not problems, (f"{path.name}: a later cell changes a widget already on the page, so a learner "
                          "first meets it in that state; give the demonstration its own:\n" + "\n".join(problems))


@pytest.mark.parametrize("path", [p for p in LESSONS if p.name[:2] != "00"], ids=lambda p: p.stem)
def test_trainers_still_get_their_words(path):
    """JupyterLab shows the trainer cells: how to run the lesson, and the commands the learner's
    text no longer names."""
    trainer = [c.source for c in _cells(path) if TRAINER_TAG in c.metadata.get("tags", ())]
    text = "\n".join(trainer)
    assert "Shift + Enter" in text and "Run All Cells" in text, f"{path.name}: no trainer note on running it"
    learner = "\n".join(c.source for c in learner_cells(_cells(path)) if c.cell_type == "markdown")
    assert "safetylab app" not in learner
    if path.name[:2] in ("01", "05", "06"):  # the lessons whose text once named a command
        assert re.search(r"`safetylab (redact|check|scrub|evidence)\b", text), f"{path.name}: the command is gone"
