"""A trainer's course pack: `safetylab pack new|check`, what the lessons read from it, lab/app --pack.

Every broken pack below is a real folder with a real mistake in it (a photo that is not a
photo, a truncated one, a huge one, a box not ticked, a misspelt file or field), and each
must give exactly the one-line problem that names the file and the field.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from conftest import jpeg_bytes, make_photo, noise_picture, run, scene_picture
from safetylab import _datafile, clues, pack, samples, scenarios, scenes
from safetylab.course import lessons_dir

EXAMPLE = Path(pack.EXAMPLE_PHOTO)


@pytest.fixture
def no_pack_env(monkeypatch):
    monkeypatch.delenv(_datafile.PACK_ENV, raising=False)


def consent_row(file: str, **changes) -> dict:
    row = {"file": file, "whose_photo": "Ms Rivera", "who_is_in_it": "nobody", "everyone_agreed": True,
           "how_they_agreed": "my own photo", "under_18_in_it": False, "nothing_intimate": True,
           "places_ok": True, "credit": "Photo: Ms Rivera", "checked_on": "2026-03-02"}
    row.update(changes)
    return {k: v for k, v in row.items() if v is not None}


def add_consented_photo(folder: Path, name: str, picture: Image.Image | None = None, **consent) -> Path:
    path = folder / "photos" / name
    (picture or scene_picture()).save(path)
    data = json.loads((folder / "photos" / "consent.json").read_text(encoding="utf-8"))
    data["photos"].append(consent_row(name, **consent))
    (folder / "photos" / "consent.json").write_text(json.dumps(data), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- #
# pack new
# --------------------------------------------------------------------------- #

def test_new_makes_a_documented_pack_that_checks_clean(example_pack, no_pack_env):
    names = {p.relative_to(example_pack).as_posix() for p in example_pack.rglob("*") if p.is_file()}
    assert {"README.md", "pack.json", "gallery.json", "photos/consent.json", f"photos/{EXAMPLE}",
            f"photos/{EXAMPLE.stem}.clues.json", "scenarios/example_chat.json", "examples/steps.json",
            "examples/help_resources.json", "examples/questions.json", "examples/lessons/50_our_group.md",
            "examples/lessons/50_our_group.ipynb"} <= names
    assert (example_pack / "lessons").is_dir()
    for path in example_pack.rglob("*.json"):  # every JSON file says what it is for
        assert json.loads(path.read_text(encoding="utf-8")).get("_about"), path
    readme = (example_pack / "README.md").read_text(encoding="utf-8")
    for words in ("safetylab pack check", "consent.json", "everyone_agreed", "parent_or_carer_agreed",
                  "clues.json", "gallery.json", "scenarios/", "lessons/", "examples/"):
        assert words in readme
    found = pack.check(example_pack)
    assert found.problems == [] and found.ok
    loaded = pack.load(example_pack)
    assert [s.photo.name for s in loaded.scenes] == [str(EXAMPLE)]
    assert [s.id for s in loaded.scenarios] == ["example_which_club"]
    assert [p.kind for p in loaded.profiles()] == ["trainer"]


def test_the_examples_folder_is_valid_once_moved_into_the_pack(my_pack, no_pack_env):
    from safetylab import content, help
    from safetylab.lesson_sources import check_pairs

    for name in ("steps.json", "help_resources.json", "questions.json"):
        shutil.move(my_pack / "examples" / name, my_pack / name)
    shutil.move(my_pack / "examples" / "lessons", my_pack / "lessons-moved")
    shutil.rmtree(my_pack / "lessons")
    shutil.move(my_pack / "lessons-moved", my_pack / "lessons")
    assert check_pairs(my_pack / "lessons") == []
    assert pack.check(my_pack).problems == []
    assert content.steps(my_pack)[-1].title.startswith("Tell Ms Rivera")
    assert help.resources("Our school", extra=my_pack)[0].name.startswith("Ms Rivera")


def test_new_never_writes_over_anything(tmp_path, no_pack_env):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(pack.PackError, match="already there and not empty"):
        pack.new(taken)
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(pack.PackError, match="is a file"):
        pack.new(afile)
    assert afile.read_text() == "x"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert pack.new(empty) and pack.check(empty).ok


# --------------------------------------------------------------------------- #
# pack check: one line per problem, naming the file and the field
# --------------------------------------------------------------------------- #

def _not_a_photo(folder):
    (folder / "photos" / "notes.jpg").write_text("hello")
    _consent(folder, "notes.jpg")


def _truncated(folder):
    data = jpeg_bytes(noise_picture(3, (640, 480)), quality=95)
    (folder / "photos" / "cut.jpg").write_bytes(data[: len(data) // 2])
    _consent(folder, "cut.jpg")


def _huge(folder):
    # a PNG whose header claims 9000 x 9000 pixels (81 megapixels): refused before decoding
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 9000, 9000, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")
    (folder / "photos" / "huge.png").write_bytes(png)
    _consent(folder, "huge.png")


def _consent(folder, name, **changes):
    data = json.loads((folder / "photos" / "consent.json").read_text(encoding="utf-8"))
    data["photos"].append(consent_row(name, **changes))
    (folder / "photos" / "consent.json").write_text(json.dumps(data), encoding="utf-8")


def _edit(rel, change):
    def apply(folder):
        path = folder / rel
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    return apply


BROKEN = {
    "not a photo": (_not_a_photo, "photos/notes.jpg: this file is not a photo safetylab can read"),
    "truncated": (_truncated, "photos/cut.jpg: is damaged"),
    "huge": (_huge, "photos/huge.png: is 9000 x 9000 pixels (81 megapixels); a course photo needs no more than 50"),
    "no checklist": (lambda f: scene_picture().save(f / "photos" / "new.png"),
                     "photos/consent.json: has no checklist for new.png"),
    "box not ticked": (lambda f: add_consented_photo(f, "a.png", everyone_agreed=False),
                       "photos/consent.json: photos[1].everyone_agreed: should be true: tick it only when"),
    "under 18 without a parent": (lambda f: add_consented_photo(f, "a.png", under_18_in_it=True),
                                  "photos/consent.json: photos[1].parent_or_carer_agreed: should be true"),
    "checklist for no photo": (lambda f: _consent(f, "gone.jpg"),
                               "photos/consent.json: photos[1].file: there is no photo called 'gone.jpg'"),
    "misspelt checklist field": (_edit("photos/consent.json", lambda d: d["photos"][0].update(credits="x")),
                                 "photos/consent.json: photos[0].credits: not a field a photo's checklist "
                                 "can have (did you mean 'credit'?)"),
    "clue outside the picture": (_edit(f"photos/{EXAMPLE.stem}.clues.json",
                                       lambda d: d["clues"][0].update(box=[600, 10, 100, 20])),
                                 f"photos/{EXAMPLE.stem}.clues.json: clues[0].box: goes outside the 640 x 480"),
    "clue for another photo": (_edit(f"photos/{EXAMPLE.stem}.clues.json", lambda d: d.update(image="x.png")),
                               f"photos/{EXAMPLE.stem}.clues.json: image: names 'x.png'"),
    "clue size wrong": (_edit(f"photos/{EXAMPLE.stem}.clues.json", lambda d: d.update(size=[1280, 960])),
                        f"photos/{EXAMPLE.stem}.clues.json: size: is [1280, 960], but {EXAMPLE} is 640 x 480"),
    "scenario dead end": (_edit("scenarios/example_chat.json",
                                lambda d: d["nodes"]["asks"]["choices"][0].update(next="nowhere")),
                          "scenarios/example_chat.json: nodes.asks.choices[0].next: no node called 'nowhere'"),
    "scenario id of a shipped one": (_edit("scenarios/example_chat.json", lambda d: d.update(id="send_a_pic")),
                                     "scenarios/example_chat.json: id: 'send_a_pic' is already the id of a "
                                     "scenario that comes with safetylab"),
    "gallery picture missing": (_edit("gallery.json", lambda d: d["profiles"][0].update(picture="nope.jpg")),
                                "gallery.json: profiles[0].picture: there is no photo called 'nope.jpg'"),
    "gallery handle": (_edit("gallery.json", lambda d: d["profiles"][0].update(handle="club")),
                       "gallery.json: profiles[0].handle: \"club\" is not an account name"),
    "steps field": (lambda f: (f / "steps.json").write_text(json.dumps({"steps": [{"id": "tell", "title": "T"}]})),
                    "steps.json: steps[0].why: is missing (every step needs this field)"),
    "question with no filter": (
        lambda f: (f / "questions.json").write_text(json.dumps({"questions": [
            {"id": "q", "filter": "trsut", "text": "?",
             "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}]})),
        "questions.json: questions[0].filter: there is no filter called 'trsut'"),
    "help phone as a number": (
        lambda f: (f / "help_resources.json").write_text(json.dumps({"resources": [
            {"region": "Ours", "name": "Lead", "does": "Helps.", "who": "All", "phone": 5, "source": "us",
             "last_checked": "2026-01-01", "checked": "in person"}]})),
        "help_resources.json: resources[0].phone: should be text"),
    "misspelt file": (lambda f: (f / "step.json").write_text("{}"),
                      "step.json: not a file a course pack uses (did you mean 'steps.json'?)"),
    "broken pack.json": (lambda f: (f / "pack.json").write_text('{"format": "safetylab-pack/1",'),
                         "pack.json: line 1, column 31: not valid JSON"),
    "no pack.json": (lambda f: (f / "pack.json").unlink(), "pack.json: no such file"),
    "lesson without its notebook": (lambda f: (f / "lessons" / "50_rules.md").write_text("# Rules\n"),
                                    "lessons/50_rules.md: has no notebook 50_rules.ipynb"),
    "lesson named like the course's": (
        lambda f: [shutil.copy(lessons_dir() / f"00_start_here.{ext}", f / "lessons") for ext in ("md", "ipynb")],
        "lessons/00_start_here.ipynb: the course has a lesson of this name"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_every_problem_is_one_line_naming_the_file_and_the_field(my_pack, name, no_pack_env):
    breaks, expected = BROKEN[name]
    breaks(my_pack)
    found = pack.check(my_pack)
    assert not found.ok
    assert any(line.startswith(expected) for line in found.problems), found.problems
    assert all("\n" not in line and "Traceback" not in line for line in found.problems)


def test_a_photo_with_gps_gets_a_note_not_a_problem(my_pack, no_pack_env):
    make_photo(my_pack / "photos" / "holiday.jpg")
    _consent(my_pack, "holiday.jpg")
    found = pack.check(my_pack)
    assert found.ok
    assert any(n.startswith("photos/holiday.jpg: carries a GPS position") for n in found.notes)
    assert any(n.startswith("photos/holiday.jpg: not used yet") for n in found.notes)


def test_check_leaves_out_the_packs_the_lessons_use(my_pack, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "steps.json").write_text("{")
    monkeypatch.setenv(_datafile.PACK_ENV, str(broken))
    assert pack.check(my_pack).ok
    assert pack.check(broken).problems  # and that one is broken when it is the one checked


# --------------------------------------------------------------------------- #
# The command
# --------------------------------------------------------------------------- #

def test_command_new_and_check_exit_0_1_2_with_plain_lines(safetylab_cmd, tmp_path):
    folder = tmp_path / "my-course"
    made = run(safetylab_cmd, "pack", "new", folder)
    assert made.returncode == 0 and "Made a course pack" in made.stdout
    again = run(safetylab_cmd, "pack", "new", folder)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "nothing was written" in again.stderr
    ok = run(safetylab_cmd, "pack", "check", folder)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    _truncated(folder)
    (folder / "photos" / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    _consent(folder, "fake.png")
    bad = run(safetylab_cmd, "pack", "check", folder)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stdout + bad.stderr
    lines = bad.stdout.splitlines()
    assert any(line.startswith("photos/cut.jpg: is damaged") for line in lines)
    assert any(line.startswith("photos/fake.png: ") for line in lines)
    assert "2 problems to mend" in bad.stderr
    missing = run(safetylab_cmd, "pack", "check", tmp_path / "nothere")
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
    usage = run(safetylab_cmd, "pack", "open", folder)
    assert usage.returncode == 2


# --------------------------------------------------------------------------- #
# What the lessons read: scenes, scenarios, gallery, marked as the trainer's
# --------------------------------------------------------------------------- #

def test_lessons_add_the_packs_items_marked_as_the_trainers(my_pack, monkeypatch):
    from safetylab.widgets import face_key
    from safetylab.widgets.chat import ScenarioPicker
    from safetylab.widgets.clues import ClueGame

    monkeypatch.setenv(_datafile.PACK_ENV, str(my_pack))
    game = ClueGame()
    n = len(scenes.SCENES)
    assert len(game.game.annotations) == n + 1
    game.game.go(n)
    game._refresh()
    assert "Example: the club noticeboard" in game.title.value and pack.TRAINER_MARK in game.title.value
    assert "Drawn by safetylab" in game.title.value  # the photo's credit, from its checklist
    clue = game.game.annotation["clues"][0]
    game.click(clue["box"][0] + 5, clue["box"][1] + 5)
    assert game.check().found == 1

    picker = ScenarioPicker()
    labels = dict((v, k) for k, v in picker.dropdown.options)
    assert labels["example_which_club"].endswith(f"({pack.TRAINER_MARK})")
    assert pack.TRAINER_MARK not in labels["send_a_pic"]
    practice = picker.select("example_which_club")
    assert practice.choose(2).ended is False and practice.choose(0).ended

    from safetylab.widgets.policy import ReportCardWidget

    card = ReportCardWidget()
    mine_photo = my_pack.resolve() / "photos" / pack.EXAMPLE_PHOTO
    assert (f"Sample ({pack.TRAINER_MARK}): {samples.words_of(pack.EXAMPLE_PHOTO)}", mine_photo) in card.picker.options
    card.picker.value = mine_photo
    assert "Your trainer&#x27;s photo" in card.photo_view.value and "Drawn by safetylab" in card.photo_view.value
    assert card.photo == mine_photo and card.make_card().file == pack.EXAMPLE_PHOTO

    gallery = pack.gallery()
    assert gallery.profiles[-1].handle == "@riverside.youth.example" and gallery.profiles[-1].kind == "trainer"
    fig = face_key.plot_gallery(gallery, n=4)
    assert fig.axes[0].get_title().startswith("@riverside.youth.example") and pack.TRAINER_MARK in \
        fig.axes[0].get_title()
    assert "1 from your trainer" in fig.text_alternative
    from safetylab import linking

    found = linking.find_by_hash(my_pack / "photos" / EXAMPLE, gallery, k=1)
    assert found[0].profile.handle == "@riverside.youth.example" and found[0].linked


def test_a_broken_pack_leaves_the_lessons_running(my_pack, monkeypatch):
    from safetylab.widgets.chat import ScenarioPicker
    from safetylab.widgets.clues import ClueGame

    (my_pack / "scenarios" / "example_chat.json").write_text("{")
    monkeypatch.setenv(_datafile.PACK_ENV, str(my_pack))
    packs, problems = pack.from_environment()
    assert packs == [] and problems[0].startswith("scenarios/example_chat.json: line 1")
    picker = ScenarioPicker()
    assert "send_a_pic" in dict((v, k) for k, v in picker.dropdown.options)
    assert "scenarios/example_chat.json" in picker.status.value
    game = ClueGame()
    assert len(game.game.annotations) == len(scenes.SCENES) and "could not be used" in game.status.value


def test_a_big_photo_keeps_its_boxes_in_full_size_pixels(my_pack, monkeypatch):
    """A 2000 x 1500 trainer's photo is shown smaller; clicks and boxes stay in its own pixels."""
    from safetylab.widgets.clues import ClueGame

    photo = add_consented_photo(my_pack, "big.jpg", scenes.render("parcel_on_table").resize((2000, 1500)))
    ann = clues.add_clue(clues.new_annotation(photo, title="Big"), type="parcel_label",
                         box=[750, 540, 1000, 450], reveals="an address", why="A label is meant to be read.")
    clues.save(ann, photo)
    monkeypatch.setenv(_datafile.PACK_ENV, str(my_pack))
    game = ClueGame()
    at = next(i for i, a in enumerate(game.game.annotations) if a.get("title") == "Big")
    game.game.go(at)
    assert game.images[at].size[0] <= 1280
    game.click(1200, 700)
    assert game.check().found == 1
    game._refresh()
    assert tuple(round(v) for v in game.fig.axes[0].get_xlim()) == (0, 2000)


# --------------------------------------------------------------------------- #
# For the front ends: environ, ready_for_learners, add_lessons, app --pack, lab --pack
# --------------------------------------------------------------------------- #

def test_environ_names_the_packs_for_the_lessons(my_pack, tmp_path):
    env = pack.environ([my_pack], {"A": "1"})
    assert env["A"] == "1" and env[_datafile.PACK_ENV] == str(my_pack.resolve())
    with pytest.raises(pack.PackError, match="is not a folder"):
        pack.environ([tmp_path / "nothere"], {})


def test_learner_mode_refuses_a_pack_with_problems_before_serving(my_pack, monkeypatch, capsys):
    from safetylab import app

    _truncated(my_pack)
    served = []
    monkeypatch.setattr(app, "serve", lambda *a, **k: served.append(1) or 0)
    assert app.main(["--no-browser", "--lessons", str(lessons_dir()), "--pack", str(my_pack)]) == 1
    err = capsys.readouterr().err
    assert "my-course/photos/cut.jpg: is damaged" in err and "learner mode needs a pack without problems" in err
    assert served == [] and _datafile.PACK_ENV not in __import__("os").environ


def test_learner_mode_names_a_good_pack_for_the_kernels(my_pack, monkeypatch):
    import os

    from safetylab import app

    seen = {}
    monkeypatch.delenv(_datafile.PACK_ENV, raising=False)
    monkeypatch.setattr(app, "serve", lambda *a, **k: seen.update(env=os.environ.get(_datafile.PACK_ENV)) or 0)
    try:
        assert app.main(["--no-browser", "--lessons", str(lessons_dir()), "--pack", str(my_pack)]) == 0
    finally:
        os.environ.pop(_datafile.PACK_ENV, None)
    assert seen["env"] == str(my_pack.resolve())


def test_a_packs_lessons_join_a_working_folder_never_over_an_edit(my_pack, tmp_path, no_pack_env):
    for ext in ("md", "ipynb"):
        shutil.move(my_pack / "examples" / "lessons" / f"50_our_group.{ext}", my_pack / "lessons")
    work = tmp_path / "work"
    lines, ready = pack.ready_for_learners([my_pack], work)
    assert ready and any("Copied" in line for line in lines)
    assert (work / "50_our_group.ipynb").is_file()
    (work / "50_our_group.ipynb").write_text((work / "50_our_group.ipynb").read_text() + " ")  # the trainer's edit
    (my_pack / "lessons" / "50_our_group.md").write_text(
        (my_pack / "lessons" / "50_our_group.md").read_text() + "\nMore.\n")
    lines = pack.add_lessons(work, [pack.load(my_pack)])
    assert (work / "50_our_group.ipynb").read_text().endswith(" ")
    assert any("Kept your own version of 50_our_group.ipynb" in line for line in lines)
    # the course's own lessons folder is never written to
    assert "left as it is" in pack.add_lessons(lessons_dir(), [pack.load(my_pack)])[0]
    assert not (lessons_dir() / "50_our_group.ipynb").exists()


def test_learner_mode_lists_a_packs_lessons_after_the_courses(my_pack, tmp_path, monkeypatch, capsys):
    import os

    from safetylab import app

    for ext in ("md", "ipynb"):
        shutil.move(my_pack / "examples" / "lessons" / f"50_our_group.{ext}", my_pack / "lessons")
    work = tmp_path / "work"
    monkeypatch.delenv(_datafile.PACK_ENV, raising=False)
    monkeypatch.setattr(app, "serve", lambda *a, **k: 0)
    try:
        assert app.main(["--no-browser", "--dir", str(work), "--pack", str(my_pack)]) == 0
    finally:
        os.environ.pop(_datafile.PACK_ENV, None)
    listed = app.find_lessons(work)
    assert listed[-1].path.name == "50_our_group.ipynb" and listed[-1].title == "Our group: before you send a photo"
    assert [lesson.number for lesson in listed][:-1] == sorted(p.name[:2] for p in lessons_dir().glob("[0-9][0-9]_*.ipynb"))
    assert "Example course pack: Copied" in capsys.readouterr().err


def test_trainer_mode_lists_a_packs_problems_and_still_names_it(my_pack, monkeypatch, capsys):
    from safetylab import lab

    _truncated(my_pack)
    calls = {}

    def fake_call(cmd, cwd, env):
        calls.update(env=env)
        return 0

    monkeypatch.setattr(lab.importlib.util, "find_spec", lambda name, *a: object())
    monkeypatch.setattr("subprocess.call", fake_call)
    assert lab.main(["--no-browser", "--notebook-dir", str(lessons_dir()), "--pack", str(my_pack)]) == 0
    assert calls["env"][_datafile.PACK_ENV] == str(my_pack.resolve())
    err = capsys.readouterr().err
    assert "my-course/photos/cut.jpg: is damaged" in err and "learner mode waits" in err
    assert lab.main(["--notebook-dir", str(lessons_dir()), "--pack", str(my_pack / "nothere")]) == 2


def test_scenarios_module_sees_no_pack_by_itself(my_pack, monkeypatch):
    """The lower modules never read a pack's scenarios or scenes: only the lessons' lists do."""
    monkeypatch.setenv(_datafile.PACK_ENV, str(my_pack))
    assert "example_which_club" not in [s.id for s in scenarios.load_all()]
