"""Annotations validate (and bad ones say which file and field); the game scores by overlap;
the automatic hints read the scenes' text."""

from __future__ import annotations

import copy
import json

import pytest

from safetylab import clues, samples, scenes
from safetylab.errors import SafetyLabError

FOLDER = samples.DEFAULT_DEST / samples.LESSON_BACKGROUND
FILES = sorted(FOLDER.glob("*.clues.json"))
NAMES = list(scenes.SCENES)


def test_schema_is_a_valid_schema():
    import jsonschema
    jsonschema.Draft202012Validator.check_schema(clues.schema())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_annotation_file_validates(path):
    assert clues.load(path)["format"] == "safetylab-clues/1"


BAD = [
    (lambda a: a["clues"][0].pop("why"), "clues[0].why"),
    (lambda a: a["clues"][0].__setitem__("type", "ufo"), "clues[0].type"),
    (lambda a: a["clues"][0].__setitem__("box", [1, 2, 3]), "clues[0].box"),
    (lambda a: a["clues"][0].__setitem__("box", [600, 10, 100, 10]), "clues[0].box"),
    (lambda a: a.__setitem__("size", "big"), "size"),
    (lambda a: a.pop("image"), "image"),
    (lambda a: a.__setitem__("colour", "red"), "colour"),
    (lambda a: a["clues"][0].__setitem__("secret", 1), "clues[0].secret"),
    (lambda a: a["clues"].append(dict(a["clues"][0])), "clues[1].id"),
]


@pytest.mark.parametrize("break_it,field", BAD, ids=[f for _, f in BAD])
def test_invalid_file_names_the_file_and_the_field(tmp_path, break_it, field):
    ann = scenes.annotation("street_sign_window")
    break_it(ann)
    path = tmp_path / "my_photo.clues.json"
    path.write_text(json.dumps(ann))
    with pytest.raises(clues.ClueFileError) as info:
        clues.load(path)
    assert isinstance(info.value, SafetyLabError)
    assert "my_photo.clues.json" in str(info.value) and field in str(info.value)
    assert "\n" not in str(info.value)


def test_unreadable_files(tmp_path):
    bad = tmp_path / "broken.clues.json"
    bad.write_text("{not json")
    with pytest.raises(clues.ClueFileError, match="broken.clues.json"):
        clues.load(bad)
    with pytest.raises(clues.ClueFileError, match="missing.json"):
        clues.load(tmp_path / "missing.json")


# --- scoring on the annotations themselves --------------------------------- #

@pytest.mark.parametrize("name", NAMES)
def test_marking_every_clue_scores_full_marks(name):
    ann = scenes.annotation(name)
    centres = [(x + w / 2, y + h / 2) for x, y, w, h in (c["box"] for c in ann["clues"])]
    res = clues.score(ann, centres)
    assert res.found == res.total == len(ann["clues"]) and res.stray_marks == 0
    boxes = clues.score(ann, [tuple(c["box"]) for c in ann["clues"]])
    assert boxes.found == boxes.total
    assert all(r.feedback.startswith("Found") for r in res.clues)


@pytest.mark.parametrize("name", NAMES)
def test_marking_nothing_scores_zero(name):
    res = clues.score(scenes.annotation(name), [])
    assert res.found == 0 and all(r.feedback.startswith("Missed") for r in res.clues)
    assert len(res.clues) == res.total > 0


def _far_from_clues(ann):
    """Points at least 20 px from every clue box."""
    W, H = ann["size"]
    out = []
    for y in range(5, H, 20):
        for x in range(5, W, 20):
            if all(not (bx - 20 <= x <= bx + bw + 20 and by - 20 <= y <= by + bh + 20)
                   for bx, by, bw, bh in (c["box"] for c in ann["clues"])):
                out.append((x, y))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_marking_the_wrong_place_scores_nothing(name):
    ann = scenes.annotation(name)
    wrong = _far_from_clues(ann)
    assert wrong
    res = clues.score(ann, wrong)
    assert res.found == 0 and res.stray_marks == len(wrong)
    # One box around the whole picture is not "finding" a clue either.
    W, H = ann["size"]
    assert clues.score(ann, [(0, 0, W, H)]).found == 0


def test_partial_and_margin():
    ann = scenes.annotation("bus_stop_selfie")
    first = ann["clues"][0]
    x, y, w, h = first["box"]
    res = clues.score(ann, [(x - clues.CLICK_MARGIN + 1, y)])
    assert [c.found for c in res.clues] == [True] + [False] * (len(ann["clues"]) - 1)
    assert clues.score(ann, [(x - clues.CLICK_MARGIN - 3, y - clues.CLICK_MARGIN - 3)]).clues[0].found is False


def test_game_across_scenes():
    anns = [scenes.annotation(n) for n in NAMES[:3]]
    game = clues.Game(anns)
    assert game.max_points == sum(len(a["clues"]) for a in anns)
    c = anns[0]["clues"][0]["box"]
    game.mark(c[0] + 1, c[1] + 1)
    game.mark(1, 1)
    game.undo()
    assert game.check().found == 1 and game.points == 1
    assert game.next() and game.index == 1 and game.marks == []
    for cl in anns[1]["clues"]:
        game.mark_box(*cl["box"])
    game.check()
    assert game.points == 1 + len(anns[1]["clues"])
    assert game.next() and not game.next()
    assert f"{game.points} of {game.max_points}" in game.summary()
    with pytest.raises(ValueError):
        game.mark_box(1, 1, 0, 5)
    with pytest.raises(IndexError):
        game.go(99)
    with pytest.raises(ValueError):
        clues.Game([])
    broken = copy.deepcopy(anns[0])
    del broken["clues"][0]["box"]
    with pytest.raises(clues.ClueFileError):
        clues.Game([broken])


# --- automatic hints -------------------------------------------------------- #

def test_read_text_reads_a_sign_and_a_mirror():
    hits = clues.read_text(scenes.render("street_sign_window"))
    assert any(clues.text_matches(h.text, "Rue des Lilas") for h in hits)
    h = next(h for h in hits if "Lilas" in h.text)
    x, y, w, hh = scenes.annotation("street_sign_window")["clues"][0]["box"]
    assert clues.iou(h.box, (x, y, w, hh)) > 0.2 and 0.5 <= h.score <= 1 and not h.mirrored
    mirror = clues.read_text(scenes.render("mirror_house_number"))
    assert any(m.mirrored and clues.text_matches(m.text, "47 Rose St") for m in mirror)
    plain = clues.read_text(scenes.render("mirror_house_number"), try_mirror=False)
    assert not any(clues.text_matches(m.text, "47 Rose St") for m in plain)


def test_no_text_no_hits():
    from PIL import Image
    assert clues.read_text(Image.new("RGB", (200, 120), (120, 160, 200))) == []
    assert "no readable" in __import__("safetylab.widgets.clues", fromlist=["x"]).hints_html([])


def test_hints_explain_each_reading():
    found = clues.hints(scenes.render("car_plate_driveway"))
    kinds = {clues._norm(h.text).replace(" ", ""): h.kind for h in found}
    assert kinds.get("KD21XPF") == "car plate" and kinds.get("27") == "number"
    assert all(h.explanation for h in found)
    mirrored = clues.hints(scenes.render("mirror_house_number"))
    assert any("mirror" in h.explanation for h in mirrored)


def test_text_matches():
    assert clues.text_matches("Line42", "Line 42")
    assert not clues.text_matches("Line 4Z", "Line 42")
    assert not clues.text_matches("line 42", "Line 42")


def test_hints_read_the_scene_clues():
    """Accuracy only: the time per scene is a goal of ``make bench`` (benchmarks/clues_bench.py), not of a test."""
    import importlib.util
    from conftest import ROOT
    spec = importlib.util.spec_from_file_location("clues_bench", ROOT / "benchmarks" / "clues_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = bench.bench_hints(verbose=False)
    assert out["text_clues"] >= 12 and out["scenes"] == len(NAMES)
    assert out["hit_rate"] >= 0.9, out["misses"]
