"""Learner mode on a phone, a tablet and a laptop: every lesson at 390, 768 and 1280 pixels wide.

For each lesson and width (one server and one browser for all of them): the page never
scrolls sideways (nothing in it is wider than the screen, except a table that scrolls in
its own box, which then says so and takes the keyboard's focus); the header says where
the lesson is in the course and links to the lessons before and after it; the page's
title is the lesson's heading; axe-core finds no serious or critical problem at the
two narrow widths (the laptop width is checked in ``test_accessibility.py``); and a
screenshot of the whole page is kept as ``test-artifacts/screenshots/<lesson>-<width>.png``.

Then: the clue game's picture, scaled to the width, still takes a click on a clue as a
mark on that clue; the previous / all lessons / next links and lesson 00's links lead
where they say, in the same tab.
"""

from __future__ import annotations

import re

import pytest

from safetylab.app import find_lessons, lesson_place

from .conftest import LESSONS
from .lessons import expect, full_screenshot, lesson_problems, open_lesson, too_wide
from .test_accessibility import BLOCKING, describe, run_axe

pytestmark = pytest.mark.browser

WIDTHS = (390, 768, 1280)
CLUES = "02_your_background_gives_away_the_place.ipynb"

@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("notebook", [nb.name for nb in LESSONS], ids=[nb.stem for nb in LESSONS])
def test_every_lesson_fits_the_screen(page, server, axe_source, notebook, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_lesson(page, server, notebook)
    page.wait_for_timeout(500)  # widgets draw after the page shows
    name = notebook.removesuffix(".ipynb")
    full_screenshot(page, f"{name}-{width}")

    fit = too_wide(page)
    assert fit["page"] <= width and fit["body"] <= width, \
        f"the page scrolls sideways at {width} px ({fit['page']} px wide):\n" + "\n".join(fit["out"][:15])
    assert not fit["out"], f"cut off at {width} px:\n" + "\n".join(fit["out"][:15])
    # a table too wide for the screen scrolls in its own box, which says so and takes the focus
    for box in page.locator(".sl-overflows .sl-scroll").all():
        assert box.get_attribute("tabindex") == "0" and "scroll it sideways" in (box.get_attribute("aria-label") or "")
        expect(box.locator("xpath=preceding-sibling::p[contains(@class, 'sl-scroll-hint')]")).to_be_visible()
    # buttons keep their words ("Make a clean copy", not "M...")
    clipped = page.evaluate("""() => Array.from(document.querySelectorAll('#rendered_cells button'))
        .filter(b => b.offsetWidth > 0 && b.scrollWidth > b.clientWidth + 1).map(b => b.textContent.trim())""")
    assert not clipped, f"buttons cut short at {width} px: {clipped}"

    # where the lesson is, and the way to the others
    place = lesson_place(server.lessons, notebook)
    expect(page).to_have_title(place.page_title)
    expect(page.locator(".sl-position")).to_have_text(place.position)
    pager = page.get_by_role("navigation", name="Previous and next lesson")
    for link, target in (("rel=prev", place.previous), ("rel=next", place.next)):
        found = pager.locator(f"a[{link}]")
        if target is None:
            expect(found).to_have_count(0)
        else:
            expect(found).to_have_attribute("href", "/" + target.url)
            expect(found).to_contain_text(target.title)
    expect(pager.get_by_role("link", name="All lessons")).to_have_attribute("href", "/")
    assert not lesson_problems(page)

    if width < 1280:
        found = run_axe(page, axe_source)
        blocking = [v for v in found if v["impact"] in BLOCKING]
        assert not blocking, "axe-core at %d px:\n%s" % (width, "\n".join(describe(blocking, f"{width} px")))


def _clue_point():
    """The first scene's first clue: its middle, as a fraction of the picture's width and height
    on the game's figure (worked out with the same figure the lesson draws)."""
    from safetylab import scenes
    from safetylab.widgets.clues import plot_scene

    name = next(iter(scenes.SCENES))
    annotation = scenes.annotation(name)
    fig = plot_scene(scenes.render(name), annotation)
    bx, by, bw, bh = annotation["clues"][0]["box"]
    x, y = bx + bw / 2, by + bh / 2
    ax = fig.axes[0]
    px, py = ax.transData.transform((x, y))
    w, h = fig.get_size_inches() * fig.dpi
    return (x, y), (px / w, 1 - py / h)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_click_on_the_scaled_clue_game_marks_the_clue(page, server, width):
    from safetylab import clues, scenes

    page.set_viewport_size({"width": width, "height": 900})
    open_lesson(page, server, CLUES)
    (x, y), (fx, fy) = _clue_point()
    canvas = page.locator(".jupyter-matplotlib-canvas-div canvas").last
    expect(canvas).to_be_visible(timeout=60_000)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"the picture is cut off at {width} px: {box}"
    canvas.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    game_box = page.locator(".widget-vbox", has=page.get_by_role("button", name="Check my marks")).last
    expect(game_box).to_contain_text(re.compile(r"\b1 mark(\(s\))? so far"), timeout=30_000)
    page.get_by_role("button", name="Check my marks").click()
    game = clues.Game([scenes.annotation(n) for n in scenes.SCENES])
    game.mark(x, y)
    expected = game.check()
    assert expected.clues[0].found  # the control: the middle of the clue is on the clue
    result = game_box.locator("table", has=page.locator("caption", has_text=expected.summary()))
    expect(result).to_be_visible(timeout=30_000)
    expect(result.locator("th", has_text="FOUND")).to_have_count(sum(c.found for c in expected.clues))


def test_previous_all_lessons_and_next_lead_there_in_the_same_tab(page, server):
    lessons = find_lessons(server.lessons)
    second, third = lessons[2], lessons[3]
    open_lesson(page, server, second.path.name)
    pages_before = len(page.context.pages)
    page.get_by_role("navigation", name="Previous and next lesson").locator("a[rel=next]").click()
    page.locator("#loading").wait_for(state="detached", timeout=240_000)
    assert page.url.endswith("/" + third.url) and len(page.context.pages) == pages_before
    expect(page.locator("#rendered_cells h1").first).to_have_text(third.title, use_inner_text=True)
    page.get_by_role("navigation", name="Lessons", exact=True).get_by_role("link", name=re.compile("Previous")).click()
    page.locator("#loading").wait_for(state="detached", timeout=240_000)
    assert page.url.endswith("/" + second.url)
    page.get_by_role("navigation", name="Previous and next lesson").get_by_role("link", name="All lessons").click()
    expect(page).to_have_title("safetylab: the lessons")


def test_lesson_00_links_read_as_lesson_titles_and_stay_in_the_tab(page, server):
    lessons = find_lessons(server.lessons)
    open_lesson(page, server, lessons[0].path.name)
    first = lessons[1]
    link = page.get_by_role("link", name=re.compile(r"^Open lesson 1: "))
    expect(link).to_have_count(1)
    assert ".ipynb" not in link.inner_text()
    assert link.get_attribute("target") in (None, "_self")
    pages_before = len(page.context.pages)
    link.click()
    page.locator("#loading").wait_for(state="detached", timeout=240_000)
    assert page.url.endswith("/" + first.url) and len(page.context.pages) == pages_before
