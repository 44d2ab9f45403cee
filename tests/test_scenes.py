"""The lesson-02 scenes: deterministic, enough of them, every level, every clue kind asked for."""

from __future__ import annotations

import json

import numpy as np
import pytest

from safetylab import clues, samples, scenes

NAMES = list(scenes.SCENES)


def test_enough_scenes_in_three_levels():
    assert len(NAMES) >= 12
    assert {s.level for s in scenes.SCENES.values()} == {1, 2, 3}
    assert scenes.scene_names(1) + scenes.scene_names(2) + scenes.scene_names(3) == NAMES


def test_the_clues_the_issue_asks_for_are_all_there():
    kinds = {c["type"] for n in NAMES for c in scenes.annotation(n)["clues"]}
    assert {"street_sign", "skyline", "badge", "parcel_label", "mirror_text", "car_plate", "bus_stop",
            "landmark"} <= kinds
    mirrored = [c for n in NAMES for c in scenes.annotation(n)["clues"] if c["mirrored"]]
    assert mirrored and all("text" in c for c in mirrored)


@pytest.mark.parametrize("name", NAMES)
def test_render_is_deterministic_and_sized(name):
    a, b = scenes.render(name), scenes.render(name)
    assert a.size == (scenes.WIDTH, scenes.HEIGHT) and a.mode == "RGB"
    assert np.array_equal(np.asarray(a), np.asarray(b))
    a.putpixel((0, 0), (1, 2, 3))  # a copy: changing it changes nothing cached
    assert scenes.render(name).getpixel((0, 0)) != (1, 2, 3) or b.getpixel((0, 0)) == (1, 2, 3)


@pytest.mark.parametrize("name", NAMES)
def test_clue_boxes_are_on_the_drawing(name):
    """Each clue's box differs from its surroundings: the annotation points at something drawn."""
    img = np.asarray(scenes.render(name), dtype=float)
    ann = clues.validate(scenes.annotation(name), name)
    for c in ann["clues"]:
        x, y, w, h = c["box"]
        patch = img[y:y + h, x:x + w]
        assert patch.std() > 8, f"{name}/{c['id']} looks flat"
    if any(not c["on_person"] for c in ann["clues"]) and ann["person"]:
        px, py, pw, ph = ann["person"]
        for c in ann["clues"]:
            if not c["on_person"] and "text" in c:
                assert clues.iou(c["box"], ann["person"]) == 0, f"{name}/{c['id']} is behind the person"


def test_scenes_differ_from_each_other():
    sigs = {scenes.render(n).resize((16, 12)).tobytes() for n in NAMES}
    assert len(sigs) == len(NAMES)


def test_unknown_scene():
    with pytest.raises(KeyError):
        scenes.render("nope")
    with pytest.raises(KeyError):
        scenes.annotation("nope")


def test_samples_registered_and_written(tmp_path):
    lesson = [s for s in samples.SAMPLES.values() if s.lesson == samples.LESSON_BACKGROUND]
    pngs = sorted(s.name for s in lesson if s.name.endswith(".png"))
    assert len(pngs) == len(NAMES)
    for s in lesson:
        s.make(tmp_path / s.name)
    for png in pngs:
        ann = clues.load(tmp_path / png.replace(".png", ".clues.json"))
        assert ann["image"] == png
        assert json.loads((tmp_path / png.replace(".png", ".clues.json")).read_text()) == ann


def test_committed_annotation_files_match_the_code():
    folder = samples.DEFAULT_DEST / samples.LESSON_BACKGROUND
    files = sorted(folder.glob("*.clues.json"))
    assert len(files) == len(NAMES)
    for f in files:
        ann = clues.load(f)
        assert ann["clues"] == scenes.annotation(ann["image"][3:-4])["clues"]
