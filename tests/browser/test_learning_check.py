"""The check of learning in a real browser: answers stay on the page and in the tab.

- Learner mode: the start-of-course answers (lesson 0) reach the end-of-course
  comparison (lesson 6, another kernel) in the same browser tab, while answering
  sends nothing (no request, no message to the kernel) and writes no file; "Forget
  my answers" leaves nothing behind.
- Trainer mode: a lesson saved in JupyterLab after answering holds the questions
  only, exactly as the library writes them: no answer, no widget state.
"""

from __future__ import annotations

import json
import shutil

import pytest

from safetylab import learning_check as lc
from safetylab.widgets.learning_check import STORE_KEY, _WORDS, check_html
from test_lab import running_lab

from .conftest import CHROMIUM_ARGS, SCREENSHOTS, offline_report  # noqa: F401 - the browser fixture needs them
from .lessons import answer, check_section, click, expect, expect_feedback, full_screenshot, open_lesson

pytestmark = pytest.mark.browser
NOTEBOOKS = __import__("conftest").ROOT / "notebooks"


class Recorder:
    """Every request the page makes and every message it sends on a websocket, from now on."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.frames: list[str] = []
        page.on("request", lambda r: self.requests.append(f"{r.method} {r.url}"))
        page.on("websocket", lambda ws: ws.on("framesent", lambda f: self.frames.append(str(f)[:200])))

    def clear(self) -> None:
        self.requests.clear()
        self.frames.clear()


def files_state(*folders) -> dict[str, tuple[int, int]]:
    """Every file under ``folders`` with its size and modification time."""
    out = {}
    for folder in folders:
        for p in folder.rglob("*"):
            try:
                if p.is_file():
                    st = p.stat()
                    out[str(p)] = (st.st_size, st.st_mtime_ns)
            except OSError:
                continue
    return out


def test_start_and_end_compare_in_one_tab_and_nothing_leaves_the_page(page, server):
    ideas = lc.ideas()
    rec = Recorder(page)
    open_lesson(page, server, "00_start_here.ipynb")
    before = check_section(page, "before")
    expect(before.locator("fieldset")).to_have_count(len(ideas))
    page.wait_for_timeout(1000)  # the page has settled: its kernel messages are done
    rec.clear()
    files = files_state(server.lessons, server.tmp)

    # At the start: the course's answer for every other idea, something to think about for the rest.
    chosen = {}
    for n, idea in enumerate(ideas):
        q = idea.before
        a = q.right_answers[0] if n % 2 == 0 else next(x for x in q.answers if not x.right)
        expect_feedback(answer(page, before.locator("fieldset").nth(n), a.text, keyboard=n == 1), q, a.id)
        chosen[idea.id] = a.right
    page.wait_for_timeout(500)
    assert rec.requests == [] and rec.frames == [], (rec.requests, rec.frames)
    assert files_state(server.lessons, server.tmp) == files, "answering wrote or changed a file"
    assert json.loads(page.evaluate(f"sessionStorage.getItem({STORE_KEY!r})")) == chosen
    full_screenshot(page, "learning-check-start")

    # The end of the course, in the same tab: lesson 6 runs in a kernel of its own.
    open_lesson(page, server, "06_if_its_happening.ipynb")
    after = check_section(page, "after")
    expect(after.locator("fieldset")).to_have_count(len(ideas))
    page.wait_for_timeout(1000)
    rec.clear()
    for n, idea in enumerate(ideas[:-1]):  # the last one left unanswered
        q = idea.after
        expect_feedback(answer(page, after.locator("fieldset").nth(n), q.right_answers[0].text), q,
                        q.right_answers[0].id)
    click(after.get_by_role("button", name=_WORDS["compare"]))
    result = after.locator(".sl-result")
    start = sum(chosen.values())
    expect(result).to_contain_text(_WORDS["counts"].format(start=start, now=len(ideas) - 1, total=len(ideas)))
    for n, idea in enumerate(ideas):
        then = _WORDS["state_right"] if chosen[idea.id] else _WORDS["state_think"]
        now = _WORDS["state_none"] if n == len(ideas) - 1 else _WORDS["state_right"]
        expect(result.locator("li", has_text=idea.topic)).to_contain_text(
            f"{_WORDS['at_start']} {then}; {_WORDS['now']} {now}")
    expect(result).to_contain_text(_WORDS["not_a_mark"])
    full_screenshot(page, "learning-check-end")
    assert rec.requests == [] and rec.frames == [], (rec.requests, rec.frames)

    # Forget my answers: nothing is left in the tab, and the form is empty again.
    click(after.get_by_role("button", name=_WORDS["forget"]))
    expect(result).to_contain_text(_WORDS["forgotten"])
    assert page.evaluate(f"sessionStorage.getItem({STORE_KEY!r})") is None
    expect(after.locator("input:checked")).to_have_count(0)
    click(after.get_by_role("button", name=_WORDS["compare"]))
    expect(result).to_contain_text(_WORDS["no_start"][:60])
    # learner mode's policy let the check's script run (the page's own, by its nonce) and blocked nothing
    assert not offline_report(page), offline_report(page)
    assert page.locator("script[data-safetylab-check]").count() == 0, "an output's inline copy reached the page"


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_the_check_is_usable_on_phone_tablet_and_laptop_screens(page, server, width):
    """At 390, 768 and 1280 px the questions, answers and buttons fit the width and still work."""
    page.set_viewport_size({"width": width, "height": 844 if width < 1000 else 900})
    open_lesson(page, server, "06_if_its_happening.ipynb")
    for stage in ("ticket", "after"):
        section = check_section(page, stage)
        first = section.locator("fieldset").first
        first.scroll_into_view_if_needed()
        q = lc.ticket(6).questions[0] if stage == "ticket" else lc.ideas()[0].after
        a = next(x for x in q.answers if not x.right)  # the longer feedback: "something to think about"
        expect_feedback(answer(page, first, a.text), q, a.id)
        if stage == "after":
            click(section.get_by_role("button", name=_WORDS["compare"]))
            expect(section.locator(".sl-result")).to_contain_text(_WORDS["no_start"][:60])
        too_wide = section.evaluate("""s => Array.from(s.querySelectorAll(
            'fieldset, legend, label, button, .sl-feedback, .sl-result, li'))
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right))""")
        assert not too_wide, f"parts of the check are wider than a {width} px screen: {too_wide}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # what a reviewer looks at, a part at a time
        first.screenshot(path=str(SCREENSHOTS / f"learning-check-{stage}-{width}px.png"))
        if stage == "after":
            section.locator(".sl-result").screenshot(path=str(SCREENSHOTS / f"learning-check-compare-{width}px.png"))
    assert not offline_report(page), offline_report(page)


def test_answers_are_not_in_a_notebook_saved_in_jupyterlab(browser, safetylab_cmd, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for name in ("00_start_here.ipynb", "00_start_here.md", "jupytext.toml"):
        shutil.copy(NOTEBOOKS / name, lessons / name)
    saved = lessons / "00_start_here.ipynb"
    with running_lab(safetylab_cmd, tmp_path, f"--notebook-dir={lessons}") as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{url}/lab/tree/00_start_here.ipynb?token=t3st")
            page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=120_000)
            page.wait_for_timeout(2000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            before = check_section(page, "before")
            expect(before.locator("fieldset")).to_have_count(len(lc.ideas()), timeout=180_000)
            for n, idea in enumerate(lc.ideas()):
                fieldset = before.locator("fieldset").nth(n)
                a = idea.before.answers[-1]
                expect_feedback(answer(page, fieldset, a.text), idea.before, a.id)
            kept = page.evaluate(f"sessionStorage.getItem({STORE_KEY!r})")
            assert kept, "the answers did not reach the tab"
            mtime = saved.stat().st_mtime_ns
            page.locator(".jp-NotebookPanel").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("Control+s")
            for _ in range(100):
                if saved.stat().st_mtime_ns != mtime:
                    break
                page.wait_for_timeout(200)
            assert saved.stat().st_mtime_ns != mtime, "JupyterLab did not save the notebook"
            page.wait_for_timeout(1000)  # the paired text file is written too
        finally:
            context.close()
    nb = json.loads(saved.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" and "show_check" in "".join(c["source"])
               for o in c["outputs"]]
    assert len(outputs) == 1, "the check's cell should have one output once run"
    shown = outputs[0]["data"]["text/html"]
    shown = "".join(shown) if isinstance(shown, list) else shown
    assert shown == check_html("before"), "the saved output is not the bare questions"
    assert kept not in saved.read_text(encoding="utf-8")
    assert "safetylab-check" not in json.dumps(nb["metadata"].get("widgets", {}))
