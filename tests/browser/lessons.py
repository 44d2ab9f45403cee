"""How the browser tests open a lesson in learner mode and use its key widget.

Shared by ``test_lessons_in_browser.py`` (which asserts what a learner sees) and
``test_accessibility.py`` (which runs axe-core before and after the widgets were
used, so the HTML they add is checked too). Each ``use_*`` function drives a
lesson the way a learner would — clicks, keyboard, a file chosen in the file
dialog — and asserts the visible result. Expected texts are computed with the
library, not copied from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from safetylab.course import lessons_dir

from .conftest import RENDER_TIMEOUT_MS, SCREENSHOTS, Server

try:  # without Playwright the ``browser`` fixture skips (or, under CI, fails) every test first
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None
    PlaywrightTimeout = TimeoutError
if TYPE_CHECKING:  # pragma: no cover
    from playwright.sync_api import Page

VOILA_CELL_ERROR = "There was an error when executing cell"


@dataclass
class Context:
    """What a ``use_*`` function gets: the page, the server, a scratch folder.

    ``screenshot()`` keeps the lesson's screenshot (``name`` set) at the moment that
    shows the most — before a "Forget" button clears a report, say; the test takes
    one at the end when the lesson did not.
    """

    page: Page
    server: Server
    tmp: Path
    name: str | None = None
    screenshots: list = field(default_factory=list)

    def screenshot(self) -> None:
        if self.name:
            self.screenshots.append(full_screenshot(self.page, self.name))


def open_lesson(page: Page, server: Server, notebook: str) -> None:
    """Open a lesson in learner mode and wait until Voila has run it and shown it."""
    page.goto(server.url + "voila/render/" + notebook, timeout=RENDER_TIMEOUT_MS,
              wait_until="domcontentloaded")
    page.locator("#rendered_cells").wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    page.locator("#loading").wait_for(state="detached", timeout=RENDER_TIMEOUT_MS)


def lesson_problems(page: Page) -> list[str]:
    """Cell errors and stderr output a learner would see (none expected)."""
    problems = []
    text = page.locator("#rendered_cells").inner_text()
    if VOILA_CELL_ERROR in text:
        problems.append(f"Voila reports a cell error: ...{text[text.index(VOILA_CELL_ERROR) - 200:][:600]}")
    stderr = page.locator('#rendered_cells [data-mime-type="application/vnd.jupyter.stderr"]')
    problems += [f"stderr shown to the learner: {stderr.nth(i).inner_text()[:400]}" for i in range(stderr.count())]
    if page.locator("code-cell, .jp-InputArea-editor").count():
        problems.append("code is shown in learner mode")
    # a figure whose picture cannot be shown prints its repr instead ("<Figure size 900x400 with 2 Axes>")
    problems += [f"a figure is shown as text, not as a picture: {m}"
                 for m in re.findall(r"<Figure size [^>]*>", text)]
    return problems


_CANVASES_DRAWN = """() => Array.from(document.querySelectorAll('.jupyter-matplotlib-figure')).every(fig =>
    Array.from(fig.querySelectorAll('canvas')).some(c => {
        if (!c.width || !c.height) { return false; }
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4 * 101) { if (d[i]) { return true; } }
        return false;
    }))"""


#: Where a learner's page keeps text that is not on the screen but is read out or shown on hover.
_LABELS_JS = ("() => [...document.querySelectorAll('#rendered_cells [alt], #rendered_cells [aria-label], "
              "main [alt], main [aria-label]')].map(e => (e.getAttribute('alt') || '') + ' ' + "
              "(e.getAttribute('aria-label') || ''))")


def words_problems(page: Page, where: str = "#rendered_cells") -> list[str]:
    """Developer words or raw values a learner would meet on the page (none expected).

    The visible text (with that of any page shown in a frame) and every ``alt`` and
    ``aria-label`` go through
    :func:`safetylab.plain.looks_like_code`: no "Shift + Enter", cell, kernel,
    notebook, terminal, a ``safetylab`` command, a file path, "Figure 1", an ISO
    date or time, a pixel box, a ``[high]`` level or a ``: True``.
    """
    from safetylab.plain import looks_like_code

    texts = [("the page", page.locator(where).first.inner_text())]
    texts += [("an alt or aria-label text", t) for t in page.evaluate(_LABELS_JS)]
    texts += [("a page shown inside the lesson", frame.locator("body").inner_text())
              for frame in page.frames if frame != page.main_frame]  # e.g. lesson 6's evidence report
    problems = []
    for what, text in texts:
        for line in text.splitlines():
            problems += [f"{what}: {p}  [in: {line.strip()[:160]}]" for p in looks_like_code(line)]
    return list(dict.fromkeys(problems))


# Everything in ``where`` that ends right of the screen's edge (a table's own scrolling box aside).
_TOO_WIDE = """(where) => {
    const width = document.documentElement.clientWidth;
    const out = [];
    document.querySelectorAll(where).forEach(e => {
        const r = e.getBoundingClientRect();
        if (r.width > 0 && r.right > width + 1 && !e.closest('.sl-scroll')) {
            out.push(`${e.tagName.toLowerCase()}.${String(e.className).slice(0, 60)} ends at ${Math.round(r.right)} px`);
        }
    });
    return {page: document.documentElement.scrollWidth, body: document.body.scrollWidth, width, out};
}"""


def too_wide(page: Page, where: str = "#rendered_cells *, header *") -> dict:
    """How wide the page is (``page``, ``body``), the screen's ``width``, and what in ``where``
    ends past the screen's edge (``out``; a table that scrolls in its own box aside)."""
    return page.evaluate(_TOO_WIDE, where)


def full_screenshot(page: Page, name: str) -> Path:
    """A screenshot of the whole lesson. Learner mode's page scrolls as a whole, so the
    window keeps its size (making it taller would redraw the clue game's canvas blank)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    try:  # the clue game's picture arrives from the lesson once it has been on the screen
        for figure in page.locator(".jupyter-matplotlib-figure").all():
            figure.scroll_into_view_if_needed()
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_function(_CANVASES_DRAWN, timeout=15_000, polling=200)
    except PlaywrightTimeout:
        pass  # the screenshot then shows the empty canvas: a reason to look
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    return path


def _vbox_of(control):
    """The widget box (VBox) that directly holds a control: the lesson widget it belongs to."""
    return control.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-vbox ')][1]")


def files_containing(folder: Path, chunk: bytes) -> list[Path]:
    """Every file under ``folder`` whose bytes contain ``chunk``."""
    out = []
    for p in folder.rglob("*"):
        try:
            if p.is_file() and chunk in p.read_bytes():
                out.append(p)
        except OSError:
            continue
    return out


def learners_photo(path: Path) -> tuple[Path, bytes]:
    """A phone-like photo with GPS and a name in it, with pixels no other file has.

    Returns the path and a chunk from the middle of its compressed picture, to
    look for wherever the photo might have been copied.
    """
    import zlib

    import numpy as np
    from PIL import Image

    from conftest import make_photo

    make_photo(path)
    noise = np.random.default_rng(zlib.crc32(str(path).encode())).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    Image.fromarray(noise).save(path, "JPEG", quality=95, exif=Image.open(path).info["exif"])
    data = path.read_bytes()
    return path, data[len(data) // 2: len(data) // 2 + 64]


def click(locator) -> None:
    """Click like a learner: the control is scrolled into view first, then clicked.

    (Voila scrolls inside the page; scrolling first keeps the click from landing
    where the control was a moment before.)
    """
    locator.scroll_into_view_if_needed()
    locator.click()


def press(page: Page, locator, key: str = "Enter") -> None:
    """Use a control from the keyboard: move the focus to it, then press a key."""
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


def choose_file(page: Page, upload_button, path: Path) -> None:
    """Choose a file with an ipywidgets FileUpload, as a learner does in the file dialog.

    (ipywidgets 8 keeps its ``<input type=file>`` out of the page and clicks it from
    the button, so the file is given to the dialog the click opens.)
    """
    upload_button.scroll_into_view_if_needed()
    with page.expect_file_chooser() as chooser:
        upload_button.click()
    chooser.value.set_files(str(path))


# --------------------------------------------------------------------------- #
# 00 Start here
# --------------------------------------------------------------------------- #

def use_start_here(ctx: Context) -> None:
    import safetylab

    page = ctx.page
    out = page.locator("#rendered_cells")
    expect(out).to_contain_text("Everything is ready. This course works without the internet.")
    expect(out).to_contain_text("Works without the internet")
    # learner mode: the trainer's cells (how to run cells in JupyterLab) are left out, and
    # the check shows plain words only, no versions
    assert "Shift + Enter" not in out.inner_text()
    assert "For trainers" not in out.inner_text()
    assert safetylab.__version__ not in out.inner_text()
    table = page.locator("table", has=page.locator("caption", has_text="The lessons, in order"))
    expect(table).to_be_visible()
    # every lesson of the table that is in this copy is marked ready, with a link that works here
    numbers = [t.strip() for t in table.locator('th[scope="row"]').all_inner_texts()]
    present = [nb for nb in sorted(ctx.server.lessons.glob("[0-9][0-9]_*.ipynb")) if nb.name[:2] in numbers]
    assert present, f"none of the lessons in this copy is in the table ({numbers})"
    for nb in present:
        link = table.locator(f'a[href="{nb.name}"]')
        expect(link).to_be_visible()
        assert link.evaluate("a => a.href").endswith(f"/voila/render/{nb.name}")
    for number in sorted(set(numbers) - {nb.name[:2] for nb in present}):
        expect(table.locator("tr", has=page.locator(f'th:text-is("{number}")'))).to_contain_text("Coming soon")
    expect_crisis_lines(page)


def expect_crisis_lines(page: Page) -> None:
    """The crisis sentence and every region's crisis lines are on the page, as the learner sees them."""
    from safetylab import help as hp

    block = page.get_by_role("note", name="Crisis lines").first
    expect(block).to_be_visible()
    expect(block).to_contain_text(hp.crisis_line())
    for region, lines in hp.crisis_lines().items():
        expect(block).to_contain_text(region)
        for line in lines:
            expect(block).to_contain_text(line.reach)


# --------------------------------------------------------------------------- #
# 01 Your face is a search key
# --------------------------------------------------------------------------- #

def use_face_key(ctx: Context) -> None:
    from safetylab import linking

    page = ctx.page
    # The fingerprint explorer: move the strength slider with the keyboard.
    handle = page.locator('.widget-slider [role="slider"]').first
    explorer = handle.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-vbox ')][1]")
    result = explorer.locator('[role="status"]')
    expect(result).to_contain_text("bits differ from the original")
    before = result.inner_text()
    handle.focus()
    page.keyboard.press("ArrowRight")
    expect(result).not_to_have_text(before, timeout=30_000)
    expect(result).to_contain_text("bits differ from the original")
    expect(explorer.locator("img")).to_have_count(1)

    # The search: a photo sent in a chat is the same picture as a public profile picture.
    search = page.get_by_role("button", name="Search", exact=True)
    link_explorer = search.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-vbox ')][1]")
    sent = ctx.tmp / "sent_in_chat.png"
    linking.reused_photo(linking.original_photo("grace_hopper")).save(sent)
    choose_file(page, link_explorer.locator(".widget-upload", has_text="Photo to send"), sent)
    expect(link_explorer).to_contain_text("Press Search", timeout=60_000)
    expect(search).to_be_enabled()
    press(page, search)  # from the keyboard
    expect(link_explorer).to_contain_text("The photo leads to a profile in the made-up gallery.",
                                          timeout=120_000)
    expect(link_explorer).to_contain_text("Your photos were not saved")
    expect(link_explorer.locator(".widget-upload", has_text="Photo to send")).to_contain_text("(1)")
    ctx.screenshot()
    click(page.get_by_role("button", name="Forget my photos"))
    expect(link_explorer).to_contain_text("Your photos are forgotten.")
    expect(link_explorer.locator(".widget-upload", has_text="Photo to send")).to_contain_text("(0)")


# --------------------------------------------------------------------------- #
# 02 Your background gives away the place
# --------------------------------------------------------------------------- #

def use_background(ctx: Context) -> None:
    from safetylab import clues, scenes

    page = ctx.page
    # The same game in plain Python: mark the middle of the first scene's first clue, check.
    names = list(scenes.SCENES)
    game = clues.Game([scenes.annotation(n) for n in names])
    bx, by, bw, bh = game.annotation["clues"][0]["box"]
    x, y = bx + bw // 2, by + bh // 2
    game.mark(x, y)
    expected = game.check()

    check = page.get_by_role("button", name="Check my marks")
    view = _vbox_of(check)
    # The clickable picture (ipympl) shows no "Figure 1" header and no pointer readout on hover.
    canvas = view.locator("canvas").first
    if canvas.count():  # ipympl stacks canvases; move the pointer over them as a learner does
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + 120, box["y"] + 80)
        page.mouse.move(box["x"] + 140, box["y"] + 90)
        page.wait_for_timeout(300)
    furniture = [w for w in ("(x, y) =", "Figure 1") if w in view.inner_text()]
    assert not furniture, f"the clickable picture shows a developer's header or pointer readout: {furniture}"
    for name, value in (("Across (x)", x), ("Down (y)", y)):  # the number boxes (the picture is clickable with ipympl)
        box = view.get_by_role("spinbutton", name=name, exact=True)
        box.fill(str(value))
        box.press("Tab")
    press(page, view.get_by_role("button", name="Mark here"))
    expect(view).to_contain_text("1 mark so far.")
    press(page, check)
    result = view.locator("table", has=page.locator("caption", has_text=expected.summary()))
    expect(result).to_be_visible(timeout=30_000)
    expect(result.locator("th", has_text="FOUND")).to_have_count(sum(c.found for c in expected.clues))
    expect(view.locator('[role="status"]').last).to_contain_text(game.summary())


# --------------------------------------------------------------------------- #
# 03 What your photo file says
# --------------------------------------------------------------------------- #

def use_file_says(ctx: Context) -> None:
    from safetylab import report, samples

    page, server = ctx.page, ctx.server
    holiday = report.check(samples.sample_path("landmark_gps.jpg"))
    sample_table = page.locator("table", has=page.locator(
        "caption", has_text=f"What {holiday.file} says about you")).first
    expect(sample_table).to_be_visible()
    where = report.rows(holiday)[1][1]  # the place in words, its country spelled out
    expect(sample_table.locator("tr", has_text="Where it was taken")).to_contain_text(where)
    expect(sample_table).not_to_contain_text(f"{holiday.gps['lat']:.5f}")
    expect(sample_table.locator("tr", has_text="When it was taken")).to_contain_text(
        dict(report.rows(holiday))["When it was taken"])

    # A learner's own photo, chosen in the file dialog.
    photo, chunk = learners_photo(ctx.tmp / "my_own_photo.jpg")
    expected = report.check(photo)
    clean_button = page.get_by_role("button", name="Make a clean copy")
    inspector = _vbox_of(clean_button)
    choose_file(page, inspector.locator(".widget-upload"), photo)
    mine = inspector.locator("table", has=page.locator("caption", has_text=f"What {photo.name} says about you"))
    expect(mine).to_be_visible(timeout=60_000)
    expect(mine.locator("tr", has_text="Where it was taken")).to_contain_text(report.rows(expected)[1][1])
    for risk in expected.risks:
        expect(inspector).to_contain_text(risk.message)
    expect(inspector).to_contain_text("Report ready.")
    upload = inspector.locator(".widget-upload")
    expect(upload).to_contain_text("(1)")  # one photo chosen, not "(0)"
    assert upload.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), "the upload button's label is cut off"

    # Where is the photo now? Only in the private folder of this lesson's kernel.
    copies = files_containing(server.tmp, chunk)
    assert len(copies) == 1, f"the photo should be in one temporary file, found {copies}"
    assert re.search(r"safetylab-app-[^/]+/kernel-[^/]+/", copies[0].as_posix()), copies[0]
    private = next(d for d in copies[0].parents if d.name.startswith("safetylab-app-"))
    assert private.stat().st_mode & 0o077 == 0, "the private folder can be read by other users"
    assert not files_containing(server.lessons, chunk), "the photo was copied into the lessons folder"

    # A clean copy, compared with the original.
    copies_dir = server.lessons / "my-files/clean-copies"
    before = set(copies_dir.glob("*"))
    expect(clean_button).to_be_enabled()
    click(clean_button)
    expect(inspector.locator("caption", has_text="Before and after cleaning")).to_be_visible(timeout=60_000)
    expect(inspector).to_contain_text("Clean:")
    made = sorted(set(copies_dir.glob("*")) - before)
    assert len(made) == 1, f"one new clean copy expected in {copies_dir}, found {made}"
    assert made[0].read_bytes() != photo.read_bytes()
    assert not (lessons_dir() / "my-files" / "clean-copies").exists()
    download = inspector.locator("a[download]")
    expect(download).to_have_text(made[0].name)
    response = page.request.get(download.evaluate("a => a.href"))
    assert response.ok and response.body() == made[0].read_bytes(), "the clean copy's link does not work"

    ctx.screenshot()

    # Forget my photo: the report goes, and so does the temporary copy.
    press(page, page.get_by_role("button", name="Forget my photo"), "Space")  # from the keyboard
    expect(mine).to_have_count(0)
    assert not files_containing(server.tmp, chunk), "the temporary copy was not deleted"
    expect(upload).to_contain_text("(0)")
    expect(inspector).to_contain_text("Your photo is forgotten")
    expect(inspector).not_to_contain_text("Report ready")
    # then a file that is not a photo: one plain line, and no "Report ready" beside it
    not_a_photo = ctx.tmp / "notes.jpg"
    not_a_photo.write_bytes(b"hello, this is not a photo")
    choose_file(page, upload, not_a_photo)
    expect(inspector.locator('[role="alert"]')).to_contain_text("notes.jpg", timeout=60_000)
    expect(inspector).not_to_contain_text("Report ready")
    expect(upload).to_contain_text("(0)")


# --------------------------------------------------------------------------- #
# 04 Screenshots are forever
# --------------------------------------------------------------------------- #

def use_permanence(ctx: Context) -> None:
    from safetylab import permanence as perm

    page = ctx.page
    # A "view once" photo: it arrives closed and untouched (nothing captured, nothing disappeared) ...
    open_photo = page.get_by_role("button", name="Open the photo")
    view = _vbox_of(open_photo)
    expect(view).to_contain_text("Press Open the photo")
    expect(view).not_to_contain_text("disappeared")
    expect(view).not_to_contain_text("a copy was made")
    expect(view.locator("img")).to_have_count(0)
    expect(open_photo).to_be_enabled()
    # ... open it, screenshot it while it shows, watch it disappear — the copy stays.
    click(open_photo)
    screenshot = view.get_by_role("button", name="Take a screenshot")
    expect(screenshot).to_be_enabled()
    click(screenshot)
    expect(view.locator("caption", has_text=f"{perm.CAPTURE_KINDS['screenshot']}: does it still match")
           ).to_be_visible(timeout=30_000)
    expect(view).to_contain_text("The photo has disappeared from the app.", timeout=30_000)  # the kernel's timer
    expect(view).to_contain_text("a copy was made while it was visible")
    expect(screenshot).to_be_disabled()

    # Where copies live: a delete button, and what it leaves.
    from safetylab import content

    action = next(iter(content.delete_actions().values()))
    button = page.get_by_role("button", name=action.label, exact=True)
    explorer = _vbox_of(button)
    press(page, button)
    after = perm.apply_delete(perm.initial_copies(), action.id)
    expect(explorer.locator('[role="status"]')).to_contain_text(perm.copies_summary(after))

    # How far a forwarded photo travels: the group-size slider, from the keyboard.
    handle = page.get_by_role("slider", name="Group size")  # named by learner mode's template
    forwarding = handle.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-vbox ')][1]")
    status = forwarding.locator('[role="status"]')
    before = int(handle.get_attribute("aria-valuetext") or handle.get_attribute("aria-valuenow") or 0)
    expect(status).to_contain_text(f"group size: {before}")
    press(page, handle, "ArrowRight")
    expect(status).to_contain_text(f"group size: {before + 1}", timeout=60_000)


# --------------------------------------------------------------------------- #
# 05 Your photo policy
# --------------------------------------------------------------------------- #

def _reply_and_feedback(page: Page, practice_root, scenario_id: str) -> None:
    """Pick the first reply of a chat practice; its feedback must show, labelled."""
    from safetylab.scenarios import choose, load, start
    from safetylab.widgets.chat import QUALITY_LABELS

    state = start(load(scenario_id))
    first = state.choices[0]
    picked = choose(state, 0).last_choice
    button = practice_root.locator("button.safetylab-reply").first
    expect(button).to_contain_text(first.text[:40])
    click(button)
    feedback = practice_root.locator('[role="status"]', has_text=QUALITY_LABELS[picked.quality][0])
    expect(feedback).to_be_visible(timeout=30_000)
    expect(feedback).to_contain_text(picked.feedback[:60])


def use_policy(ctx: Context) -> None:
    from safetylab import content, policy, samples

    page = ctx.page
    # Chat practice: a reply, and its feedback.
    picker = page.locator(".widget-vbox", has=page.locator(".widget-dropdown", has_text="Scenario:")).last
    practice = _vbox_of(picker.get_by_role("button", name="Start again"))
    _reply_and_feedback(page, practice, "send_a_pic")

    # The report card: a sample photo and one answer (they keep pushing) -> a card.
    make = page.get_by_role("button", name="Make my report card")
    card_widget = _vbox_of(make)
    card_widget.locator("select").first.select_option(label=f"Sample: {samples.label('clean.jpg')}")  # in words
    pushing = content.question("pushing")
    yes = next(o.label for o in pushing.options if o.value == "yes")
    card_widget.get_by_role("radio", name=yes).check()
    press(page, make)  # from the keyboard
    expected = policy.report_card(samples.sample_path("clean.jpg"), {"pushing": "yes"})
    card = card_widget.locator("section", has=page.get_by_role("heading", name=f"Report card: {expected.file}"))
    expect(card).to_be_visible(timeout=60_000)
    trust = next(r for r in expected.results if r.filter == "trust")
    expect(card.locator("tr", has_text=trust.title)).to_contain_text(re.compile(re.escape(trust.label), re.I))
    expect(card).to_contain_text(expected.summary[:60])


# --------------------------------------------------------------------------- #
# 06 If it's happening
# --------------------------------------------------------------------------- #

def use_if_happening(ctx: Context) -> None:
    from safetylab.content import steps
    from safetylab.evidence import LEAVE_OUT
    from safetylab.widgets.evidence import ALL_DONE_MESSAGE

    STEPS = steps()
    page, server = ctx.page, ctx.server
    # The crisis lines come first, at the lesson's opening, for every region.
    expect_crisis_lines(page)
    # Made-up pictures have their own section, and their own practice chat.
    expect(page.get_by_role("heading", name="4. If the picture was made up")).to_be_visible()
    expect(page.locator("#rendered_cells")).to_contain_text("Take It Down")
    # The five steps, ticked with the keyboard (Tab to move, Space to tick).
    first_step = page.get_by_role("checkbox", name=f"1. {STEPS[0].title}")
    checklist = _vbox_of(first_step)
    boxes = checklist.get_by_role("checkbox")
    expect(boxes).to_have_count(len(STEPS))
    expect(checklist).to_contain_text(f"0 of {len(STEPS)} steps ticked")
    for i in range(len(STEPS)):
        boxes.nth(i).focus()
        page.keyboard.press("Space")
    expect(checklist.locator('[role="status"]')).to_contain_text(ALL_DONE_MESSAGE[:80])

    # The evidence kit from the sample screenshots.
    make = page.get_by_role("button", name="Make my evidence kit")
    maker = _vbox_of(make)
    maker.get_by_role("textbox", name="Usernames, handles").fill("Sky_22")
    kit_name = f"kit-{ctx.tmp.name}"  # a new folder each time: a kit never replaces another
    maker.get_by_role("textbox", name="New folder for the kit").fill(kit_name)
    # Nothing is copied before the list of files is shown and confirmed.
    expect(make).to_be_disabled()
    press(page, maker.get_by_role("button", name="Show the files first"))
    listing = maker.locator("table", has=page.locator("caption", has_text="The kit would copy"))
    expect(listing).to_be_visible(timeout=60_000)
    expect(listing).to_contain_text("chat_1_friendly.png")
    expect(listing).to_contain_text("PNG image")
    expect(maker).to_contain_text(LEAVE_OUT[:60])  # what to leave out, before anything is copied
    expect(make).to_be_disabled()
    confirm = maker.get_by_role("checkbox", name="I have looked at the list: the image itself is not in it")
    confirm.focus()
    page.keyboard.press("Space")
    expect(make).to_be_enabled()
    press(page, make)  # from the keyboard
    expect(maker).to_contain_text("Your evidence kit is ready.", timeout=60_000)
    report = server.lessons / kit_name / "report.html"
    assert report.is_file(), sorted(p.name for p in server.lessons.iterdir())
    link = maker.get_by_role("link", name=re.compile("Open the report"))
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.ok and b"Sky_22" in response.body(), "the report's link does not open the report"

    # Chat practice after the flip, and for a made-up picture: each shows its content note and the
    # crisis lines first, then a reply and its feedback.
    from safetylab.scenarios import load

    for scenario_id in ("the_flip", "made_up"):
        title = load(scenario_id).title
        practice = page.locator("div.widget-vbox", has=page.get_by_role("heading", name=title, exact=True)).last
        begin = practice.get_by_role("button", name="Begin")
        expect(practice.get_by_role("note", name="Crisis lines")).to_be_visible()
        expect(begin).to_be_visible()
        click(begin)
        expect(begin).to_be_hidden()
        _reply_and_feedback(page, practice, scenario_id)


# --------------------------------------------------------------------------- #
# The check of learning (lesson 0 and 6) and each lesson's exit ticket
# --------------------------------------------------------------------------- #

def check_section(page: Page, stage: str):
    """The check of learning's section for ``stage``: "before", "after" or "ticket"."""
    return page.locator(f'section.safetylab-check[data-stage="{stage}"]')


def answer(page: Page, fieldset, answer_text: str, keyboard: bool = False):
    """Choose an answer (by its label) and press "Check my answer"; returns the feedback region."""
    from safetylab.widgets.learning_check import _WORDS

    radio = fieldset.get_by_role("radio", name=answer_text, exact=True)
    radio.scroll_into_view_if_needed()
    button = fieldset.get_by_role("button", name=_WORDS["check"])
    if keyboard:
        radio.focus()
        page.keyboard.press("Space")
        expect(radio).to_be_checked()
        press(page, button)
    else:
        radio.check()
        click(button)
    return fieldset.get_by_role("status")


def expect_feedback(feedback, question, answer_id: str) -> None:
    """The feedback on the page is the data's feedback for that answer, labelled in words."""
    from safetylab import learning_check as lc
    from safetylab.widgets.learning_check import _WORDS

    fb = lc.feedback(question, answer_id)
    expect(feedback).to_contain_text(_WORDS["right"] if fb.right else _WORDS["think"])
    expect(feedback).to_contain_text(fb.text)
    for text in fb.course_answers:
        expect(feedback).to_contain_text(text)


def use_learning_check(ctx: Context, lesson: str) -> None:
    """Answer the lesson's questions as a learner: feedback on a wrong and on a right answer."""
    from safetylab import learning_check as lc

    page = ctx.page
    if lesson == "00":
        section, questions = check_section(page, "before"), [i.before for i in lc.ideas()]
    else:
        section, questions = check_section(page, "ticket"), list(lc.ticket(lesson).questions)
    expect(section).to_have_count(1)
    sets = section.locator("fieldset")
    expect(sets).to_have_count(len(questions))
    for n, q in enumerate(questions[:2]):
        # the first question with a wrong answer, by mouse; the second with the course's, by keyboard
        a = next(x for x in q.answers if not x.right) if n == 0 else q.right_answers[0]
        expect(sets.nth(n).locator("legend")).to_contain_text(q.text)
        expect_feedback(answer(page, sets.nth(n), a.text, keyboard=n == 1), q, a.id)
    if lesson == "06":  # the end of the course: in a fresh browser tab there is nothing to compare with
        from safetylab.widgets.learning_check import _WORDS

        after = check_section(page, "after")
        click(after.get_by_role("button", name=_WORDS["compare"]))
        expect(after.locator(".sl-result")).to_contain_text(_WORDS["no_start"][:60])


def _and_check(use, lesson: str):
    def both(ctx: Context) -> None:
        use(ctx)
        use_learning_check(ctx, lesson)
    return both


USE = {k: _and_check(v, k) for k, v in {
    "00": use_start_here, "01": use_face_key, "02": use_background, "03": use_file_says,
    "04": use_permanence, "05": use_policy, "06": use_if_happening}.items()}
