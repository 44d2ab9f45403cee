"""Class mode in Chromium: the trainer's page, a learner who joins and opens a lesson, the end of the class.

One class (``safetylab class`` on loopback: a real JupyterHub, its proxy and each learner's
learner-mode server, started by :class:`classclient.ClassRun` with the suite's network guard)
is used the way a trainer and a learner use it, in two browser contexts:

1. The trainer opens their own address: the page shows the join address, the class code and
   a QR code, which, decoded from the screen, is the join page with the class code filled in
   (the QR code in the terminal says the same).
2. A learner opens the join address, types the class code and a nickname, waits on the
   "getting ready" page and gets the lesson list in learner mode; then opens a lesson. The join
   page, the lesson list and the lesson fit a phone, a tablet and a laptop (390, 768 and 1280
   pixels wide: nothing ends past the screen's edge) and use learners' words only.
3. The trainer's page lists the learner's nickname and the lesson they have open.
4. "End the class" ends it: the class's server stops and every learner's folder is deleted.

Screenshots of each step are kept in ``test-artifacts/screenshots/class-*.png``. With
``SAFETYLAB_GUIDE_SCREENSHOTS=1`` the facilitator guide's pictures of class mode
(``notebooks/facilitator/class-*.png``: the join page on a phone, the lesson list on a laptop,
the trainer's page with the learner) are written again from this run, small (reduced colours,
at most 900 pixels wide); ``tests/test_facilitator_guide.py`` checks the guide shows only
pictures that are there.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from classclient import ClassRun, require_class
from conftest import GUIDE_SCREENSHOTS, LESSONS, LESSONS_DIR
from safetylab.classroom.command import qr_address
from safetylab.classroom.learner import lesson_title

from .conftest import SCREENSHOTS, offline_context, offline_report
from .lessons import expect, full_screenshot, lesson_problems, too_wide, words_problems

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

WIDTHS = (390, 768, 1280)
NICKNAME = "Blue Fox"
LESSON = LESSONS[0].name  # the first lesson: where a class starts
#: Where the guide's pictures of class mode live (``conftest.GUIDE_SCREENSHOTS=1`` writes them again).
GUIDE = LESSONS_DIR / "facilitator"
GUIDE_WIDTH = 900  # pixels at most: the pictures stay small


def _guide_picture(target, name: str) -> Path:
    """A screenshot of ``target`` (a page: what is on the screen; an element: all of it) kept as
    ``test-artifacts/screenshots/<name>``; with ``SAFETYLAB_GUIDE_SCREENSHOTS=1`` also the guide's
    picture ``name``, made small."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / name
    target.screenshot(path=str(shot))
    if os.environ.get(GUIDE_SCREENSHOTS) != "1":
        return shot
    from PIL import Image

    with Image.open(shot) as im:
        im = im.convert("RGB")
        if im.width > GUIDE_WIDTH:
            im = im.resize((GUIDE_WIDTH, round(im.height * GUIDE_WIDTH / im.width)), Image.LANCZOS)
        im.quantize(colors=64, dither=Image.Dither.NONE).save(GUIDE / name, optimize=True)
    return shot


def decode_qr(png: bytes) -> str:
    """The text of the QR code in a picture (OpenCV's detector), "" when there is none."""
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    # OpenCV's first detector misses about 1 code in 75 (it depends on the class code and the
    # port): the same picture is tried larger, inverted, and with its second detector
    detectors = [cv2.QRCodeDetector()] + ([cv2.QRCodeDetectorAruco()] if hasattr(cv2, "QRCodeDetectorAruco") else [])
    for detector in detectors:
        for scale in (1, 2, 3):
            big = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST) if scale > 1 else image
            for picture in (big, 255 - big):
                text, _, _ = detector.detectAndDecode(picture)
                if text:
                    return text
    return ""


def terminal_qr(text: str) -> bytes:
    """The QR code the terminal showed (half-block characters, two rows of modules a line) as a PNG."""
    import cv2
    import numpy as np

    start = text.index("the QR code below")
    lines = [ln for ln in text[start:].splitlines()[1:] if ln.strip()]
    block = []
    for line in lines:
        if not set(line) <= set(" \u2580\u2584\u2588"):
            break
        block.append(line)
    width = max(len(ln) for ln in block)
    rows = []
    for line in block:
        line = line.ljust(width)
        rows.append([c in "\u2580\u2588" for c in line])  # the upper half of the character
        rows.append([c in "\u2584\u2588" for c in line])  # the lower half
    # the characters draw the light modules (a terminal shows light on dark): light = drawn
    light = np.array(rows, dtype=bool)
    image = np.where(light, 255, 0).astype(np.uint8)
    image = np.pad(image, 4, constant_values=255)  # a quiet zone around it
    image = np.kron(image, np.ones((8, 8), np.uint8))
    ok, png = cv2.imencode(".png", image)
    assert ok
    return png.tobytes()


@pytest.fixture(scope="module")
def klass(tmp_path_factory, network_guard):
    require_class()
    root = tmp_path_factory.mktemp("class-in-browser")
    env = network_guard.env(loopback=True)
    env["SAFETYLAB_CLASS_ACTIVITY_SECONDS"] = "2"  # the lesson reaches the trainer's page in seconds
    mark = network_guard.mark()
    # one server started ahead, as in a class (30 would cost this test a minute of both cores)
    run = ClassRun(root, "--dir", str(root / "trainer-lessons"), "--ready-servers", "1", env=env).start()
    yield run
    run.stop()
    attempts = network_guard.attempts(since=mark)
    assert not attempts, "the class tried to use the network:\n" + "\n".join(attempts)


@pytest.fixture(scope="module")
def trainer(browser, klass):
    context, page = offline_context(browser)
    yield page
    context.close()


def _fits(page, where: str, what: str) -> None:
    """At each width: nothing in ``where`` ends past the screen's edge; learners' words only."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)
        fit = too_wide(page, where)
        assert fit["page"] <= width and not fit["out"], \
            f"{what} scrolls sideways at {width} px ({fit['page']} px wide):\n" + "\n".join(fit["out"][:15])
    problems = words_problems(page, "main" if where.startswith("main") else "#rendered_cells")
    assert not problems, f"{what}: " + "\n".join(problems)


def _wait_for_text(page, text: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            page.reload()
            if text in page.locator("main").inner_text():
                return True
        except PlaywrightError:  # the trainer's page refreshes itself every 10 s: the two met
            page.wait_for_timeout(500)
            continue
        page.wait_for_timeout(1000)
    return False


def test_the_terminal_qr_code_opens_the_join_page_with_the_class_code(klass):
    expected = qr_address(klass.join_url, klass.code)
    assert expected.startswith(klass.join_url)
    assert decode_qr(terminal_qr(klass.log_text())) == expected


def test_a_class_from_the_trainer_page_to_its_end(browser, klass, trainer, request):
    # 1. The trainer's page: the join address, the code, the QR code of the join page
    request.node.safetylab_page = trainer
    trainer.goto(klass.trainer_url)
    expect(trainer).to_have_title("Your class")
    main = trainer.locator("main")
    expect(main.locator(".address")).to_have_text(klass.join_url)
    expect(main.locator(".code")).to_have_text(klass.code)
    expect(main).to_contain_text("Nobody yet.")
    qr = trainer.get_by_role("img", name="QR code of the class's address")
    expect(qr).to_be_visible()
    assert decode_qr(qr.screenshot()) == qr_address(klass.join_url, klass.code)
    full_screenshot(trainer, "class-trainer-page")

    # the QR code's address, as a phone that scanned it opens it: the code is filled in
    context, scanned = offline_context(browser, 390)
    scanned.goto(decode_qr(qr.screenshot()))
    expect(scanned.get_by_label("Class code")).to_have_value(klass.code)
    context.close()

    # 2. A learner joins with the code and a nickname
    context, learner = offline_context(browser, 390)
    request.node.safetylab_page = learner
    learner.goto(klass.join_url)
    expect(learner).to_have_title("Join the class")
    _fits(learner, "main *", "the join page")
    learner.set_viewport_size({"width": 390, "height": 844})  # a phone
    _guide_picture(learner, "class-join-page.png")
    learner.get_by_label("Class code").fill(klass.code.lower())  # as typed on a phone
    learner.get_by_label("Your nickname").fill(NICKNAME)
    learner.get_by_role("button", name="Join").click()
    name = re.sub(r"\s+", "-", NICKNAME.lower())
    learner.wait_for_url(re.compile(rf"/user/{name}/$"), timeout=300_000)  # after "getting ready"
    expect(learner).to_have_title("safetylab: the lessons")
    links = learner.get_by_role("list", name="Lessons, in order").get_by_role("link")
    expect(links).to_have_count(len(LESSONS))
    expect(learner.get_by_role("link", name=re.compile("leave the class", re.I))).to_be_visible()
    assert (klass.learner_folder(name) / LESSON).is_file()  # the learner's own copy, in their own folder
    _fits(learner, "main *, header *", "the lesson list")
    full_screenshot(learner, "class-lesson-list-1280")
    learner.set_viewport_size({"width": 1280, "height": 900})  # a laptop's screen
    _guide_picture(learner, "class-lesson-list.png")

    # ... and opens the first lesson, in learner mode (no code)
    links.first.click()
    learner.locator("#rendered_cells").wait_for(state="visible", timeout=300_000)
    learner.locator("#loading").wait_for(state="detached", timeout=300_000)
    assert learner.url.endswith(f"/user/{name}/voila/render/{LESSON}")
    assert not lesson_problems(learner), lesson_problems(learner)
    _fits(learner, "#rendered_cells *, header *", "the lesson")
    full_screenshot(learner, "class-lesson")
    assert not offline_report(learner), offline_report(learner)

    # 3. The trainer's page lists the learner and the lesson they have open
    request.node.safetylab_page = trainer
    label = lesson_title(LESSON, LESSONS_DIR)
    assert label.startswith(LESSON[:2])
    assert _wait_for_text(trainer, label), f"the trainer's page does not show {label!r}:\n{klass.log_tail()}"
    row = trainer.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text(label)
    expect(trainer.locator("main")).to_contain_text("1 of 30 learners")
    _guide_picture(trainer.locator("main"), "class-trainer-page.png")
    assert not offline_report(trainer), offline_report(trainer)

    # 4. "End the class": the class stops and everything learners made is deleted
    folder = klass.folder
    assert folder is not None and klass.learner_folder(name).is_dir()
    trainer.get_by_role("button", name=re.compile("End the class")).click()
    expect(trainer.locator("h1")).to_have_text("The class has ended")
    full_screenshot(trainer, "class-ended")
    assert klass.wait(180) is not None, f"the class did not stop:\n{klass.log_tail()}"
    assert not folder.exists(), "the class's folder (learners' things) was left behind"
    with pytest.raises(Exception, match="ERR_CONNECTION_REFUSED"):
        learner.goto(klass.join_url, timeout=30_000)  # the class's address no longer answers
    context.close()

