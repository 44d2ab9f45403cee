"""The authoring tools for trainers, through their Python API: the clue annotator, the scenario
editor and the gallery builder (pure functions in clues, scenarios and linking; thin widgets in
widgets/authoring), the files they write (never silently over one), and the authoring notebook."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from conftest import jpeg_bytes, require_face_models, scene_picture, upload_file
from safetylab import _datafile, clues, linking, pack, scenarios, scenes
from safetylab.errors import AlreadyThereError, SafetyLabError
from safetylab.widgets import authoring

KITCHEN = scenes.annotation("kitchen_fridge")["clues"][0]  # the takeaway menu on the fridge


@pytest.fixture
def kitchen(tmp_path) -> Path:
    path = tmp_path / "kitchen.jpg"
    path.write_bytes(jpeg_bytes(scenes.render("kitchen_fridge"), quality=92))
    return path


# --------------------------------------------------------------------------- #
# clues: an annotation for your own photo
# --------------------------------------------------------------------------- #

def test_new_annotation_measures_the_photo_as_shown(tmp_path):
    import piexif

    path = tmp_path / "turned.jpg"  # stored 320 x 240, shown turned a quarter: 240 x 320
    scene_picture().save(path, "JPEG", exif=piexif.dump({"0th": {piexif.ImageIFD.Orientation: 6}}))
    ann = clues.new_annotation(path, title="Turned", level=2)
    assert ann["size"] == [240, 320] and ann["image"] == "turned.jpg" and ann["clues"] == []
    assert clues.annotation_path(path) == tmp_path / "turned.clues.json"


def test_boxes_from_a_drag_in_any_direction_stay_inside():
    assert clues.box_from_corners(10, 20, 110, 70, (640, 480)) == [10, 20, 100, 50]
    assert clues.box_from_corners(110, 70, 10, 20, (640, 480)) == [10, 20, 100, 50]
    assert clues.box_from_corners(-30, -5, 700, 500, (640, 480)) == [0, 0, 640, 480]
    assert clues.box_from_corners(5, 5, 5, 5, (640, 480))[2:] == [1, 1]


def test_add_and_remove_clues_never_change_the_annotation_given(kitchen):
    ann = clues.new_annotation(kitchen)
    one = clues.add_clue(ann, type="phone_number", box=KITCHEN["box"], reveals="the area you live in",
                         why="An area code names the city.", text="Pizza Roma\n0161 555 0199")
    two = clues.add_clue(one, type="phone_number", box=[400, 160, 160, 60], reveals="a school", why="A name.")
    assert ann["clues"] == [] and len(one["clues"]) == 1
    assert [c["id"] for c in two["clues"]] == ["phone_number", "phone_number_2"]
    assert clues.remove_clue(two, "phone_number")["clues"][0]["id"] == "phone_number_2"
    with pytest.raises(KeyError):
        clues.remove_clue(two, "nothing")
    with pytest.raises(clues.ClueFileError, match=r"^kitchen\.clues\.json: clues\[1\]\.reveals: is empty"):
        clues.add_clue(one, type="poster", box=[1, 1, 10, 10], reveals="  ", why="x")
    with pytest.raises(clues.ClueFileError, match=r"clues\[1\]\.box: goes outside the 640 x 480 picture"):
        clues.add_clue(one, type="poster", box=[600, 1, 100, 10], reveals="x", why="x")
    with pytest.raises(clues.ClueFileError, match=r"clues\[1\]\.type: should be one of"):
        clues.add_clue(one, type="postcard", box=[1, 1, 10, 10], reveals="x", why="x")
    assert sorted(clues.draft_problems({"format": "safetylab-clues/1", "image": "a.png", "size": [10, 10],
                                        "clues": [{"id": "A!", "type": "poster", "box": [0, 0, 1, 1]}]})) == [
        "a.clues.json: clues[0].id: \"A!\" is not a usable id: use lowercase letters, digits and '_'",
        "a.clues.json: clues[0].reveals: is missing (every clue needs this field)",
        "a.clues.json: clues[0].why: is missing (every clue needs this field)"]


def test_save_writes_beside_the_photo_and_never_silently_over_a_file(kitchen):
    ann = clues.add_clue(clues.new_annotation(kitchen, title="Our kitchen"), type="phone_number",
                         box=KITCHEN["box"], reveals="the area", why="An area code names the city.")
    written, kept = clues.save(ann, kitchen)
    assert written == kitchen.with_name("kitchen.clues.json") and kept is None
    assert clues.load(written) == json.loads(written.read_text()) and clues.load(written)["title"] == "Our kitchen"
    before = written.read_bytes()
    more = clues.add_clue(ann, type="school_name", box=[400, 160, 160, 60], reveals="a school", why="A name.")
    with pytest.raises(AlreadyThereError, match="kitchen.clues.json is already there; nothing was replaced"):
        clues.save(more, kitchen)
    assert written.read_bytes() == before
    written, kept = clues.save(more, kitchen, replace=True)
    assert kept.name == "kitchen.clues.json.bak" and kept.read_bytes() == before
    assert len(clues.load(written)["clues"]) == 2
    # the game plays it at once
    game = clues.Game([clues.load(written)])
    game.mark(KITCHEN["box"][0] + 4, KITCHEN["box"][1] + 4)
    assert game.check().found == 1


def test_save_refuses_an_annotation_of_another_photo(kitchen, tmp_path):
    ann = clues.new_annotation(kitchen)
    other = tmp_path / "other.jpg"
    scene_picture().save(other)
    with pytest.raises(clues.ClueFileError, match=r"^other\.clues\.json: image: names 'kitchen\.jpg'"):
        clues.save(ann, other)
    resized = tmp_path / "kitchen2.jpg"
    scene_picture().save(resized)
    with pytest.raises(clues.ClueFileError, match=r"size: is \[640, 480\], but the photo is 320 x 240"):
        clues.save(dict(ann, image="kitchen2.jpg"), resized)
    assert not (tmp_path / "other.clues.json").exists() and not (tmp_path / "kitchen2.clues.json").exists()


# --------------------------------------------------------------------------- #
# scenarios: checked as you type, saved into a folder
# --------------------------------------------------------------------------- #

def test_check_text_gives_the_scenario_or_every_problem():
    text = pack.example_scenario_text()
    sc, found = scenarios.check_text(text)
    assert found == [] and sc.id == "example_which_club" and len(scenarios.paths(sc)) == 4
    sc, found = scenarios.check_text(text[:200], "my_pack.json")
    assert sc is None and len(found) == 1 and found[0].startswith("my_pack.json: line ")
    data = json.loads(text)
    data["nodes"]["asks"]["choices"][0]["quality"] = "good"
    del data["nodes"]["asks"]["choices"][1]["feedback"]
    sc, found = scenarios.check_text(json.dumps(data), "my_pack.json")
    assert found == ['my_pack.json: nodes.asks.choices[0].quality: should be one of "safe", "risky", "neutral", '
                     'not "good"',
                     "my_pack.json: nodes.asks.choices[1].feedback: is missing (every choice needs this field)"]
    data = json.loads(text)
    data["nodes"]["fine"]["choices"] = [{"text": "x", "feedback": "y", "quality": "safe", "next": "fine"}]
    del data["nodes"]["fine"]["ending"]
    sc, found = scenarios.check_text(json.dumps(data), "my_pack.json")
    assert sc is None and found and all(line.startswith("my_pack.json: nodes.") for line in found)


def test_save_a_scenario_by_its_id_never_over_another(tmp_path):
    folder = tmp_path / "scenarios"
    text = pack.example_scenario_text().replace('"example_which_club"', '"our_chat"')
    written, kept = scenarios.save(text, folder)
    assert written == folder / "our_chat.json" and kept is None
    assert scenarios.load(written).id == "our_chat"
    with pytest.raises(AlreadyThereError):
        scenarios.save(text, folder)
    changed = text.replace("Jay_on_the_river", "Jay_2")
    written, kept = scenarios.save(changed, folder, replace=True)
    assert "Jay_2" in written.read_text() and "Jay_on_the_river" in kept.read_text()
    (folder / "other.json").write_text(text.replace('"our_chat"', '"their_chat"'))
    with pytest.raises(scenarios.ScenarioError, match="'their_chat' is already the id of other.json"):
        scenarios.save(text.replace('"our_chat"', '"their_chat"'), folder)
    with pytest.raises(scenarios.ScenarioError, match="'send_a_pic' is the id of a scenario that comes with"):
        scenarios.save(text.replace('"our_chat"', '"send_a_pic"'), folder)
    with pytest.raises(scenarios.ScenarioError, match=r"^scenario: line 1"):
        scenarios.save("{", folder)
    assert sorted(p.name for p in folder.iterdir()) == ["other.json", "our_chat.json", "our_chat.json.bak"]
    assert [s.id for s in scenarios.load_all(folder) if s.id in ("our_chat", "their_chat")] == \
        ["our_chat", "their_chat"]  # the backup is not read as a scenario


# --------------------------------------------------------------------------- #
# linking: a trainer's profiles
# --------------------------------------------------------------------------- #

def test_gallery_data_is_checked_and_saved_never_silently_over(tmp_path, kitchen):
    g = linking.add_profile(None, id="kitchen", handle="@our.kitchen", name="Kitchen", picture=kitchen.name)
    with pytest.raises(linking.GalleryError, match=r"profiles\[1\]\.handle: repeats '@Our.Kitchen'"):
        linking.add_profile(g, id="k2", handle="@Our.Kitchen", name="K", picture=kitchen.name)
    with pytest.raises(linking.GalleryError, match=r"profiles\[1\]\.handle: \"our\" is not an account name"):
        linking.add_profile(g, id="k2", handle="our", name="K", picture=kitchen.name)
    assert linking.remove_profile(g, "kitchen")["profiles"] == []
    path = tmp_path / "gallery.json"
    assert linking.save_gallery(g, path) == (path, None)
    with pytest.raises(AlreadyThereError):
        linking.save_gallery(g, path)
    _, kept = linking.save_gallery(linking.remove_profile(g, "kitchen"), path, replace=True)
    assert json.loads(kept.read_text())["profiles"][0]["handle"] == "@our.kitchen"
    profiles = linking.load_profiles(tmp_path / "gallery.json", tmp_path)
    assert profiles == []


def test_load_profiles_names_a_missing_or_broken_picture(tmp_path, kitchen):
    g = linking.add_profile(None, id="kitchen", handle="@our.kitchen", name="Kitchen", picture=kitchen.name)
    linking.save_gallery(g, tmp_path / "gallery.json")
    found = linking.load_profiles(tmp_path / "gallery.json", tmp_path, credits={kitchen.name: "Me"})
    assert found[0].kind == linking.TRAINER_KIND and found[0].credit.endswith("Me")
    assert found[0].picture.size == (linking.DEFAULT_SIZE, linking.DEFAULT_SIZE)
    kitchen.write_bytes(kitchen.read_bytes()[:300])
    with pytest.raises(linking.GalleryError, match=r"^gallery\.json: profiles\[0\]\.picture: kitchen\.jpg is damaged"):
        linking.load_profiles(tmp_path / "gallery.json", tmp_path)
    kitchen.unlink()
    with pytest.raises(linking.GalleryError, match="there is no photo called 'kitchen.jpg'"):
        linking.load_profiles(tmp_path / "gallery.json", tmp_path)


# --------------------------------------------------------------------------- #
# the pack's photos and consent checklist
# --------------------------------------------------------------------------- #

def test_add_photo_checks_it_and_never_writes_over_one(my_pack, kitchen):
    first = pack.add_photo(my_pack, "kitchen.jpg", kitchen.read_bytes())
    second = pack.add_photo(my_pack, "../../kitchen.jpg", kitchen.read_bytes())
    assert first.parent == second.parent == my_pack / "photos" and second.name == "kitchen-2.jpg"
    with pytest.raises(SafetyLabError, match="not a photo"):
        pack.add_photo(my_pack, "notes.jpg", b"hello there")
    with pytest.raises(SafetyLabError, match="damaged"):
        pack.add_photo(my_pack, "cut.jpg", kitchen.read_bytes()[:2000])
    assert not (my_pack / "photos" / "notes.jpg").exists() and not (my_pack / "photos" / "cut.jpg").exists()


def test_record_consent_adds_one_checklist_and_refuses_a_box_not_ticked(my_pack):
    scene_picture().save(my_pack / "photos" / "my_pack.png")
    entry = {"file": "my_pack.png", "whose_photo": "me", "who_is_in_it": "nobody", "everyone_agreed": True,
             "how_they_agreed": "my own", "under_18_in_it": False, "nothing_intimate": True, "places_ok": True,
             "credit": "Me", "checked_on": "2026-03-02"}
    with pytest.raises(pack.PackError, match=r"photos\[1\]\.places_ok: should be true"):
        pack.record_consent(my_pack, dict(entry, places_ok=False))
    written, kept = pack.record_consent(my_pack, entry)
    assert kept.name == "consent.json.bak"
    assert set(pack.consent_entries(my_pack)) == {pack.EXAMPLE_PHOTO, "my_pack.png"}
    assert json.loads(written.read_text())["_about"]  # the file's own note is kept
    with pytest.raises(pack.PackError, match="already has a checklist"):
        pack.record_consent(my_pack, entry)
    pack.record_consent(my_pack, dict(entry, credit="Me, 2026"), replace=True)
    assert pack.consent_entries(my_pack)["my_pack.png"]["credit"] == "Me, 2026"


# --------------------------------------------------------------------------- #
# the widgets, driven from plain Python
# --------------------------------------------------------------------------- #

def _fill_consent(annotator):
    for key, value in (("whose_photo", "Ms Rivera"), ("who_is_in_it", "nobody"),
                       ("how_they_agreed", "my own photo, 2 March 2026"), ("credit", "Photo: Ms Rivera")):
        annotator.consent_texts[key].value = value
    for key in ("everyone_agreed", "nothing_intimate", "places_ok"):
        annotator.consent_boxes[key].value = True


def test_clue_annotator_from_a_new_photo_to_the_game(my_pack, kitchen):
    a = authoring.ClueAnnotator(my_pack)
    assert [v for _, v in a.photo_picker.options] == [None, pack.EXAMPLE_PHOTO]
    upload_file(a.upload, "kitchen.jpg", kitchen.read_bytes())  # what the browser sends
    assert a.upload.value == ()  # the bytes do not stay in the widget (nor in the notebook)
    assert a.photo.name == "kitchen.jpg" and a.photo_picker.value == "kitchen.jpg"
    assert a.consent_form.layout.display is None  # it has no checklist yet: the form is shown
    a.consent_texts["whose_photo"].value = "Ms Rivera"
    assert not a.save_consent() and "everyone_agreed: should be true" in a.status.value
    _fill_consent(a)
    assert a.save_consent() and a.consent_form.layout.display == "none"
    assert not a.add_clue() and "Draw a box" in a.status.value
    box = a.select_box(KITCHEN["box"][0] - 4, KITCHEN["box"][1] - 4,
                       KITCHEN["box"][0] + KITCHEN["box"][2] + 4, KITCHEN["box"][1] + KITCHEN["box"][3] + 4)
    assert [a.x.value, a.y.value, a.w.value, a.h.value] == box
    assert a.box_view.value == (f"<p>The new clue's box: x {box[0]}, y {box[1]}, width {box[2]}, "
                                f"height {box[3]}.</p>")
    a.kind.value = "phone_number"
    a.reveals.value = ""
    a.why.value = "A local takeaway delivers to a few streets."
    assert not a.add_clue() and "clues[0].reveals: is empty" in a.status.value
    a.reveals.value = "the area you live in"
    assert a.add_clue() and a.pending_box is None and "Added the clue phone_number" in a.status.value
    assert "phone_number" in a.list_view.value and a.fig.text_alternative.endswith("1 clue marked.")
    a.title.value = "Our kitchen"
    written = a.save()
    assert written == my_pack / "photos" / "kitchen.clues.json" and clues.load(written)["title"] == "Our kitchen"
    assert "It holds 1 clue and the title “Our kitchen”." in a.status.value
    assert a.save() is None and "already there" in a.status.value and "Replace" in a.status.value
    a.replace.value = True
    assert a.save() == written and "kept as kitchen.clues.json.bak" in a.status.value
    game = a.play()
    assert "Scene 1 of 1: Our kitchen" in game.title.value
    game.click(KITCHEN["box"][0] + 10, KITCHEN["box"][1] + 10)
    assert game.check().found == 1
    assert pack.check(my_pack).ok
    # opening the photo again continues from its saved clues
    again = authoring.ClueAnnotator(my_pack)
    again.select_photo("kitchen.jpg")
    assert [c["id"] for c in again.annotation["clues"]] == ["phone_number"] and "Opened the saved clues" in \
        again.status.value
    again.remove_clue("phone_number")
    assert again.annotation["clues"] == []


def test_clue_annotator_says_one_line_for_a_bad_photo(my_pack):
    a = authoring.ClueAnnotator(my_pack)
    a.add_photo("notes.jpg", b"not a picture at all")
    assert "not a photo" in a.status.value and 'role="alert"' in a.status.value
    assert not (my_pack / "photos" / "notes.jpg").exists()
    (my_pack / "photos" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    a.refresh_photos()
    a.select_photo("broken.png")
    assert a.annotation is None and 'role="alert"' in a.status.value and "Traceback" not in a.status.value


def test_without_a_pack_the_tools_say_how_to_name_one(monkeypatch):
    monkeypatch.delenv(_datafile.PACK_ENV, raising=False)
    for tool in (authoring.ClueAnnotator(), authoring.ScenarioEditor(), authoring.GalleryBuilder()):
        assert "safetylab lab --pack my-course" in tool.status.value
    assert authoring.ScenarioEditor().save() is None


def test_the_tools_write_into_the_pack_named_for_the_lessons(my_pack, monkeypatch):
    monkeypatch.setenv(_datafile.PACK_ENV, str(my_pack))
    assert authoring.pack_folder() == my_pack and authoring.ClueAnnotator().folder == my_pack


def test_scenario_editor_checks_every_change_and_plays_it(my_pack):
    e = authoring.ScenarioEditor(my_pack)
    assert "No problems" in e.check_view.value and not e.save_button.disabled
    text = e.text.value
    e.text.value = text.replace('"next": "fine"', '"next": "fin"', 1)  # as if typed
    assert "nodes.asks.choices[0].next: no node called &#x27;fin&#x27; (did you mean &#x27;fine&#x27;?)" in \
        e.check_view.value
    assert e.play_button.disabled and e.save_button.disabled and e.play() is None
    e.text.value = text.replace('"example_which_club"', '"our_chat"')
    assert "No problems" in e.check_view.value
    practice = e.play()
    assert practice.choose(0).ended and "Your evenings stayed yours" in practice.debrief.value
    assert e.save() == my_pack / "scenarios" / "our_chat.json"
    e.text.value = text  # the example's id: already the id of the example's file
    assert e.save() is None and "already the id of example_chat.json" in e.status.value
    e.opener.value = "our_chat.json"
    assert '"our_chat"' in e.text.value
    assert pack.check(my_pack).ok and "our_chat" in [s.id for s in pack.load(my_pack).scenarios]


def test_gallery_builder_adds_saves_and_searches(my_pack, kitchen):
    require_face_models()
    b = authoring.GalleryBuilder(my_pack)
    assert b.picture.options == (pack.EXAMPLE_PHOTO,)
    shutil.copy(kitchen, my_pack / "photos" / "kitchen.jpg")  # a photo put into the pack afterwards
    b.relist_button.click()
    assert b.picture.options == (pack.EXAMPLE_PHOTO, "kitchen.jpg")
    assert "@riverside.youth.example" in b.list_view.value  # the pack's gallery.json is opened
    b.picture.value = pack.EXAMPLE_PHOTO
    b.handle.value = "@riverside.youth.example"
    b.name.value = "Again"
    assert not b.add_profile() and "repeats" in b.status.value
    b.remove_profile("club_page")
    b.picture.value = "kitchen.jpg"
    b.handle.value, b.name.value = "@our.kitchen", "Our kitchen"
    assert b.add_profile() and "@our.kitchen" in b.list_view.value
    assert b.save() is None and "already there" in b.status.value
    b.replace.value = True
    assert b.save() == my_pack / "gallery.json"
    assert [p["handle"] for p in json.loads((my_pack / "gallery.json").read_text())["profiles"]] == ["@our.kitchen"]
    b.query.value = "kitchen.jpg"
    found = b.search()
    assert found["hash"][0].profile.handle == "@our.kitchen" and found["hash"][0].linked
    assert "Same-picture search with kitchen.jpg" in b.results.value and "SAME PICTURE" in b.results.value


# --------------------------------------------------------------------------- #
# the authoring notebook
# --------------------------------------------------------------------------- #

def test_the_authoring_notebook_is_a_synced_pair_out_of_learner_modes_list():
    from safetylab import app
    from safetylab.course import lessons_dir
    from safetylab.lesson_sources import check_pairs

    folder = lessons_dir() / "authoring"
    assert (folder / "90_make_your_own.md").is_file() and check_pairs(folder) == []
    assert not [lesson for lesson in app.find_lessons(lessons_dir()) if "make_your_own" in lesson.path.name]
