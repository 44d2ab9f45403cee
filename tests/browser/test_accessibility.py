"""axe-core finds no serious or critical accessibility problem on any learner-mode page.

axe-core comes from npm (``tests/browser/package.json``, installed by
``scripts/install-browser-deps.sh``); it is read from disk and injected into each page
once it has rendered. Each lesson is checked twice: as it opens, and after its key
widgets were used (reports, feedback and cards add HTML of their own).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import LESSONS, SCREENSHOTS
from .lessons import USE, Context, open_lesson

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")

# Rules that fail because of markup made by Voila or JupyterLab themselves, which this
# project cannot change: {rule id: reason}. Each is an xfail with strict=True, so it is
# noticed the day it is fixed upstream. (Empty: learner mode's template repairs the
# ones found so far, see safetylab/data/app/voila/index.html.j2.)
UPSTREAM_MARKUP: dict[str, str] = {}


def run_axe(page, axe_source: str) -> list[dict]:
    """The violations axe-core finds in the page as it is now.

    The window is made as tall as the lesson first: axe-core only judges the
    colours of what is inside the visible part of a scrolling area, and Voila
    scrolls the lesson inside the page.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # through DevTools, as a test tool: the page's own policy lets no inline <script> run
        page.evaluate(axe_source + "\n;0")
    size = page.viewport_size
    height = page.evaluate("() => { const c = document.querySelector('#rendered_cells');"
                           " return Math.max(c ? c.scrollHeight : 0, document.documentElement.scrollHeight); }")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 30000))})
    try:
        page.wait_for_timeout(300)
        return _axe(page)
    finally:
        page.set_viewport_size(size)


def _axe(page) -> list[dict]:
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 240),
                                      why: n.failureSummary}))}));
    }""")


def describe(violations: list[dict], when: str) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"[{when}] {v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})")
        for n in v["nodes"][:5]:
            lines.append(f"    at {n['target']}\n      {n['html']}\n      {' / '.join(n['why'].splitlines()[1:3])}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return lines


def keep_results(name: str, found: dict[str, list[dict]]) -> Path:
    """Every violation found, of any impact, in ``test-artifacts/axe/<page>.json``."""
    out = SCREENSHOTS.parent / "axe"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def assert_no_blocking(found: dict[str, list[dict]]) -> None:
    blocking = {when: [v for v in vs if v["impact"] in BLOCKING] for when, vs in found.items()}
    upstream = sorted({v["id"] for vs in blocking.values() for v in vs if v["id"] in UPSTREAM_MARKUP})
    ours = {when: [v for v in vs if v["id"] not in UPSTREAM_MARKUP] for when, vs in blocking.items()}
    lines = [line for when, vs in ours.items() for line in describe(vs, when)]
    assert not lines, "axe-core found serious or critical problems:\n" + "\n".join(lines)
    if upstream:
        pytest.xfail("; ".join(f"{rule}: {UPSTREAM_MARKUP[rule]}" for rule in upstream))


def test_lesson_list_page(axe_source, page, server):
    page.goto(server.url)
    found = {"lesson list": run_axe(page, axe_source)}
    keep_results("index", found)
    assert_no_blocking(found)


@pytest.mark.parametrize("notebook", [nb.name for nb in LESSONS], ids=[nb.stem for nb in LESSONS])
def test_lesson_page(axe_source, page, server, notebook, tmp_path):
    open_lesson(page, server, notebook)
    found = {"as it opens": run_axe(page, axe_source)}
    use = USE.get(notebook[:2])
    if use is not None:
        use(Context(page, server, tmp_path))
        found["after using its widgets"] = run_axe(page, axe_source)
    keep_results(notebook.removesuffix(".ipynb"), found)
    assert_no_blocking(found)


def test_voila_error_page(axe_source, page, server):
    """The page a learner gets for a lesson that is not there (Voila's, with our frame)."""
    response = page.goto(server.url + "voila/render/99_no_such_lesson.ipynb")
    assert response.status == 404
    found = {"not-found page": run_axe(page, axe_source)}
    keep_results("not-found", found)
    assert_no_blocking(found)
