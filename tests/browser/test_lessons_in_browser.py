"""Every lesson, opened in learner mode in a real browser (Chromium), run, and used.

For each ``notebooks/NN_*.ipynb``: open it as a learner does (from the lesson list),
wait until Voila has run it, check that no code, error or warning is shown, use its
key widget and check the visible result, and keep a screenshot of the whole page in
``test-artifacts/screenshots/<lesson>.png``. What a learner reads, as the lesson opens
and after its widgets were used, is in plain words: no "Shift + Enter", cell, kernel,
notebook, terminal, command, file path, "Figure 1", ISO date, pixel box or ``[high]``,
in the visible text or in any ``alt`` or ``aria-label`` (``lessons.words_problems``). Nothing may be fetched from another host,
by the page or by the server and its kernels.
"""

from __future__ import annotations

import warnings

import pytest

from safetylab.app import find_lessons

from .conftest import LESSONS, offline_report
from .lessons import USE, Context, expect, files_containing, full_screenshot, learners_photo, \
    lesson_problems, open_lesson, words_problems

pytestmark = pytest.mark.browser


def test_the_lesson_list_links_every_lesson(page, server):
    page.goto(server.url)
    expect(page).to_have_title("safetylab: the lessons")
    lessons = find_lessons(server.lessons)
    assert [lesson.path.name for lesson in lessons] == [nb.name for nb in LESSONS]
    links = page.get_by_role("list", name="Lessons, in order").get_by_role("link")
    expect(links).to_have_count(len(lessons))
    for lesson, i in zip(lessons, range(len(lessons))):
        expect(links.nth(i)).to_have_text(lesson.title)
        assert links.nth(i).get_attribute("href") == "/" + lesson.url
    assert not words_problems(page, "main"), "\n".join(words_problems(page, "main"))
    full_screenshot(page, "index")
    # a learner follows the first link and gets the lesson, run, with its text and no code
    links.first.click()
    page.locator("#rendered_cells").wait_for(state="visible", timeout=240_000)
    expect(page.locator("#rendered_cells").get_by_role("heading", level=1, name=lessons[0].title)).to_be_visible()
    assert not lesson_problems(page)
    assert not offline_report(page)


@pytest.mark.parametrize("notebook", [nb.name for nb in LESSONS], ids=[nb.stem for nb in LESSONS])
def test_lesson_runs_and_its_widgets_work(page, server, notebook, tmp_path):
    open_lesson(page, server, notebook)
    problems = lesson_problems(page)  # reported at the end, after the widgets were tried too
    problems += [f"as it opens: {p}" for p in words_problems(page)]
    ctx = Context(page, server, tmp_path, name=notebook.removesuffix(".ipynb"))
    use = USE.get(notebook[:2])
    if use is None:
        warnings.warn(f"{notebook}: no browser check of its widgets yet (add one to tests/browser/lessons.py)")
    else:
        use(ctx)
    if not ctx.screenshots:
        ctx.screenshot()
    problems += [p for p in lesson_problems(page) if p not in problems]
    problems += [f"after its widgets were used: {p}" for p in words_problems(page)
                 if f"as it opens: {p}" not in problems]
    assert not problems, "what a learner sees in this lesson:\n" + "\n".join(problems)
    outside = offline_report(page)
    assert not outside, "the page tried to reach another host:\n" + "\n".join(outside)


def test_a_learners_photo_leaves_with_the_page(page, server, tmp_path):
    """Closing a lesson without "Forget my photo" still deletes the learner's photo."""
    photo, chunk = learners_photo(tmp_path / "closing_the_tab.jpg")
    open_lesson(page, server, "03_what_your_file_says.ipynb")
    upload = page.locator(".widget-upload", has_text="Choose a photo")
    with page.expect_file_chooser() as chooser:
        upload.click()
    chooser.value.set_files(str(photo))
    expect(page.locator("caption", has_text=f"What {photo.name} says about you")).to_be_visible(timeout=60_000)
    assert len(files_containing(server.tmp, chunk)) == 1
    page.goto(server.url)  # the learner leaves the lesson: Voila shuts its kernel down
    expect(page).to_have_title("safetylab: the lessons")
    for _ in range(100):
        if not files_containing(server.tmp, chunk):
            break
        page.wait_for_timeout(100)
    assert not files_containing(server.tmp, chunk), "the photo stayed on disk after the lesson was closed"
    assert not files_containing(server.lessons, chunk)


def test_server_and_kernels_never_used_the_network(server):
    """Runs after the lessons above: the guard in the server and its kernels recorded nothing."""
    assert not server.network_attempts(), "\n".join(server.network_attempts())
