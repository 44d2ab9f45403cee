"""A trainer's course pack, end to end in a real browser.

1. ``safetylab pack new`` makes a pack.
2. Trainer mode (``safetylab lab --pack``), the authoring notebook in JupyterLab: a photo is
   added and its consent checklist filled in, one clue is marked in the **clue annotator**,
   saved and played; a chat is written in the **scenario editor** (a mistake is shown as it
   is typed), played and saved; a profile is made in the **gallery builder** and saved.
3. ``safetylab pack check`` finds nothing to mend.
4. Learner mode (``safetylab app --pack``): the pack's scene is in lesson 2's game and the
   pack's chat in lesson 5's practice, each marked "from your trainer", and both play.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import LESSONS_DIR, run
from safetylab import clues, pack, scenarios, scenes
from test_lab import running_lab

from .conftest import SCREENSHOTS, Server, _require_app, offline_page, offline_report
from .lessons import _vbox_of, choose_file, click, full_screenshot, lesson_problems, open_lesson

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the browser fixture skips (or fails under CI) first
    expect = None

pytestmark = pytest.mark.browser

CLUE = scenes.annotation("kitchen_fridge")["clues"][0]  # the takeaway menu on the fridge
CHAT_TITLE = "Our chat: which club?"


def _run_all_cells(page) -> None:
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=120_000)
    # the kernel first: a "Run All" sent while it is still starting can be lost
    page.get_by_role("button", name=re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=120_000)
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()


def _author_in_jupyterlab(browser, safetylab_cmd, tmp_path, folder, photo) -> None:
    work = tmp_path / "authoring"
    work.mkdir()
    shutil.copy(LESSONS_DIR / "authoring" / "90_make_your_own.ipynb", work)
    with running_lab(safetylab_cmd, tmp_path, "--pack", str(folder), f"--notebook-dir={work}") as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{url}/lab/tree/90_make_your_own.ipynb?token=t3st")
            _run_all_cells(page)
            expect(page.get_by_text(f"Your course pack: {folder}")).to_be_visible(timeout=120_000)

            # -- the clue annotator: a photo, its checklist, one clue, saved, played
            add = page.get_by_role("button", name="Add a photo")
            annotator = _vbox_of(add)
            choose_file(page, add, photo)
            expect(annotator).to_contain_text("Added kitchen.jpg to the pack's photos", timeout=60_000)
            for label, value in (("Whose photo is it (who took it or owns it)?", "Ms Rivera"),
                                 ("Who is in it (names or roles, or \u201cnobody\u201d)?", "nobody"),
                                 ("How and when did they agree?", "my own photo, 2 March 2026"),
                                 ("Credit shown beside it:", "Ms Rivera")):
                annotator.get_by_role("textbox", name=label).fill(value)
            for label in ("Everyone in it, and its owner, agreed to its use in this course",
                          "Nothing intimate, sexual, or anyone in underwear or swimwear",
                          "The places it shows may be shown to this class"):
                annotator.get_by_role("checkbox", name=label).check()
            click(annotator.get_by_role("button", name="Save the checklist"))
            expect(annotator).to_contain_text("Saved the checklist of kitchen.jpg", timeout=30_000)
            x, y, w, h = CLUE["box"]
            for name, value in (("x", x - 4), ("y", y - 4), ("width", w + 8), ("height", h + 8)):
                box = annotator.get_by_role("spinbutton", name=name, exact=True)
                box.fill(str(value))
                box.press("Tab")
            # the kernel has the box before the button is pressed (a click can overtake typed values)
            expect(annotator).to_contain_text(f"The new clue's box: x {x - 4}, y {y - 4}, width {w + 8}, "
                                              f"height {h + 8}.", timeout=30_000)
            annotator.get_by_role("combobox", name="Kind of clue").select_option(label="phone number")
            annotator.get_by_role("textbox", name="It reveals").fill("the area you live in")
            annotator.get_by_role("textbox", name="Why").fill("A takeaway delivers to a few streets.")
            annotator.get_by_role("textbox", name="Title").fill("Our kitchen")
            annotator.get_by_role("textbox", name="Title").press("Tab")
            click(annotator.get_by_role("button", name="Add this clue"))
            expect(annotator).to_contain_text("Added the clue phone_number", timeout=30_000)
            click(annotator.get_by_role("button", name="Save the clues"))
            expect(annotator).to_contain_text("Saved kitchen.clues.json. It holds 1 clue and the title "
                                              "“Our kitchen”.", timeout=30_000)
            click(annotator.get_by_role("button", name="Play it"))
            expect(annotator.get_by_role("heading", name=re.compile("Scene 1 of 1: Our kitchen"))).to_be_visible()

            # -- the scenario editor: a mistake shown as it is typed, then a good chat, played, saved
            text_box = page.locator(".safetylab-scenario-text textarea")
            editor = _vbox_of(text_box)
            example = pack.example_scenario_text()
            text_box.fill(example.replace('"next": "fine"', '"next": "fin"', 1))
            expect(editor.get_by_role("alert")).to_contain_text(
                "nodes.asks.choices[0].next: no node called 'fin' (did you mean 'fine'?)")
            mine = example.replace('"example_which_club"', '"our_chat"').replace(
                'Example: \\"Which club is that?\\"', CHAT_TITLE)
            text_box.fill(mine)
            expect(editor).to_contain_text(f"No problems: \u201c{CHAT_TITLE}\u201d")
            click(editor.get_by_role("button", name="Play it"))
            reply = editor.get_by_role("button", name=re.compile("Say: .I'd rather not say where I'll be"))
            click(reply)
            expect(editor).to_contain_text("Safe choice")
            click(editor.get_by_role("button", name="Save", exact=True))
            expect(editor).to_contain_text("Saved our_chat.json", timeout=30_000)

            # -- the gallery builder: a profile from the photo, saved over the example's gallery
            builder = _vbox_of(page.get_by_role("button", name="Add this profile"))
            click(builder.get_by_role("button", name="List the photos again"))  # the photo added above
            builder.get_by_role("combobox", name="Picture").select_option("kitchen.jpg")
            builder.get_by_role("textbox", name="Account").fill("@our.kitchen")
            builder.get_by_role("textbox", name="Name shown").fill("Our kitchen")
            click(builder.get_by_role("button", name="Add this profile"))
            expect(builder).to_contain_text("Added @our.kitchen")
            builder.get_by_role("checkbox", name=re.compile("Replace the saved file")).check()
            click(builder.get_by_role("button", name="Save gallery.json"))
            expect(builder).to_contain_text("Saved gallery.json; the file it replaced is kept as gallery.json.bak")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "trainer-mode-authoring.png"), full_page=True)
        finally:
            context.close()


def _learner_mode(browser, network_guard, tmp_path, folder) -> None:
    _require_app()
    srv = Server(tmp_path / "learner-mode", network_guard, "--pack", str(folder)).start()
    context = None
    try:
        context, page = offline_page(browser, srv)

        # lesson 2: the pack's scene, after the course's, marked as the trainer's, and it plays
        open_lesson(page, srv, "02_your_background_gives_away_the_place.ipynb")
        check = page.get_by_role("button", name="Check my marks")
        game = _vbox_of(check)
        total = len(scenes.SCENES) + 2  # the example pack's scene and the trainer's own
        heading = game.get_by_role("heading", name=re.compile(r"^Scene \d+ of"))
        for _ in range(total):
            if "Our kitchen" in heading.inner_text():
                break
            click(game.get_by_role("button", name="Next scene"))
            page.wait_for_timeout(300)
        expect(heading).to_have_text(re.compile(rf"Scene \d+ of {total}: Our kitchen \(easy\) \(from your trainer\)"))
        expect(game).to_contain_text("Photo: Ms Rivera")
        x, y, w, h = CLUE["box"]
        for name, value in (("Across (x)", x + w // 2), ("Down (y)", y + h // 2)):  # the game's number boxes
            box = game.get_by_role("spinbutton", name=name, exact=True)
            box.fill(str(value))
            box.press("Tab")
        click(game.get_by_role("button", name="Mark here"))
        click(check)
        expect(game).to_contain_text("You found 1 of 1 clue.", timeout=30_000)
        assert lesson_problems(page) == []
        full_screenshot(page, "learner-mode-pack-scene")

        # lesson 5: the pack's chat in the practice, marked as the trainer's, and it plays
        open_lesson(page, srv, "05_your_photo_policy.ipynb")
        chooser = page.get_by_role("combobox", name="Scenario:")
        option = chooser.locator("option", has_text=CHAT_TITLE)
        expect(option).to_have_text(f"{CHAT_TITLE} (from your trainer)")
        chooser.select_option(label=f"{CHAT_TITLE} (from your trainer)")
        practice = page.locator(".widget-vbox", has=page.get_by_role("heading", name=CHAT_TITLE, exact=True)).last
        click(practice.get_by_role("button", name=re.compile("Say: .I'd rather not say where I'll be")))
        expect(practice).to_contain_text("Safe choice")
        assert lesson_problems(page) == []
        full_screenshot(page, "learner-mode-pack-chat")
        assert offline_report(page) == []
        page.goto(srv.url)  # leave the lesson as a learner does (its kernel is shut down)
        page.wait_for_timeout(1000)
    finally:
        if context is not None:
            context.close()
        srv.stop()
    assert srv.network_attempts() == []


def test_a_pack_made_in_trainer_mode_plays_in_learner_mode(browser, safetylab_cmd, network_guard, tmp_path):
    folder = tmp_path / "my-course"
    made = run(safetylab_cmd, "pack", "new", folder)
    assert made.returncode == 0, made.stderr
    photo = tmp_path / "kitchen.jpg"
    scenes.render("kitchen_fridge").save(photo, "JPEG", quality=92)

    _author_in_jupyterlab(browser, safetylab_cmd, tmp_path, folder, photo)

    annotation = clues.load(folder / "photos" / "kitchen.clues.json")
    assert annotation["title"] == "Our kitchen" and [c["type"] for c in annotation["clues"]] == ["phone_number"]
    assert pack.consent_entries(folder)["kitchen.jpg"]["credit"] == "Ms Rivera"
    assert scenarios.load(folder / "scenarios" / "our_chat.json").title == CHAT_TITLE
    assert [p["handle"] for p in json.loads((folder / "gallery.json").read_text())["profiles"]] == [
        "@riverside.youth.example", "@our.kitchen"]
    checked = run(safetylab_cmd, "pack", "check", folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    _learner_mode(browser, network_guard, tmp_path, folder)
