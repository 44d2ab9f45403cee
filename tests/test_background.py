"""Background blur keeps the person and hides what is behind: OCR reads none of the background clues."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from safetylab import background, clues, scenes

SELFIES = [n for n in scenes.SCENES if scenes.annotation(n)["person"]]


def _background_texts(ann):
    return [c for c in ann["clues"] if "text" in c and not c["on_person"]]


@pytest.mark.parametrize("mode", ["blur", "replace"])
@pytest.mark.parametrize("name", SELFIES)
def test_after_blur_no_background_clue_is_readable(name, mode):
    ann = scenes.annotation(name)
    before = scenes.render(name)
    res = background.blur_background(before, annotation=ann, mode=mode, read_leftovers=False)
    read = clues.read_text(res.image)
    for clue in _background_texts(ann):
        for line in clue["text"].split("\n"):
            assert not any(clues.text_matches(h.text, line) for h in read), (name, line)
    # The person is kept: pixels inside the mask are unchanged, most of the person box is kept.
    a, b = np.asarray(before), np.asarray(res.image)
    import cv2
    core = cv2.erode(res.mask.astype(np.uint8), np.ones((11, 11), np.uint8)) > 0
    assert core.any()
    assert np.abs(a[core].astype(int) - b[core]).max() <= 2
    x, y, w, h = ann["person"]
    assert res.mask[y:y + h, x:x + w].mean() > 0.5
    assert res.mask.sum() < 0.8 * res.mask.size
    assert before.tobytes() == scenes.render(name).tobytes()  # the original is not changed


def test_before_blur_the_background_clues_are_readable():
    """The control: the same check would fail without the blur."""
    ann = scenes.annotation("bus_stop_selfie")
    read = clues.read_text(scenes.render("bus_stop_selfie"))
    assert any(clues.text_matches(h.text, "Line 42") for h in read)


def test_what_remains_risky_is_listed():
    ann = scenes.annotation("school_uniform")
    res = background.blur_background(scenes.render("school_uniform"), annotation=ann)
    joined = " ".join(res.still_visible)
    assert "badge" in joined and "Still readable" in joined and "ANNE" in joined
    glasses = background.blur_background(scenes.render("glasses_screen"),
                                         annotation=scenes.annotation("glasses_screen"), read_leftovers=False)
    assert any("reflection" in s for s in glasses.still_visible)
    assert background.ALWAYS_CHECK


def test_replace_paints_a_plain_wall():
    ann = scenes.annotation("bus_stop_selfie")
    res = background.blur_background(scenes.render("bus_stop_selfie"), annotation=ann, mode="replace",
                                     wall=(10, 200, 30), read_leftovers=False)
    far = np.asarray(res.image)[5:40, -60:-5]
    assert np.abs(far.astype(int) - [10, 200, 30]).max() <= 2
    with pytest.raises(ValueError):
        background.blur_background(scenes.render("bus_stop_selfie"), ann["person"], mode="paint")


def test_no_person_found():
    with pytest.raises(background.NoPersonError):
        background.blur_background(Image.new("RGB", (160, 120), (200, 200, 200)), read_leftovers=False)


def test_person_box_from_face():
    x, y, w, h = background.person_box_from_face([100, 50, 40, 50], (400, 300))
    assert x < 100 and x + w > 140 and y < 50 and y + h == 300
    assert background.person_box_from_face([0, 0, 40, 50], (100, 100))[0] == 0
