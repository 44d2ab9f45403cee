"""The widgets of "Your face is a search key", driven from plain Python (no browser)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from conftest import jpeg_bytes, require_face_models, upload_file
from safetylab import hashing, linking

pytest.importorskip("ipywidgets", reason="the lab extra (ipywidgets) is not installed")
from safetylab.widgets import face_key  # noqa: E402


@pytest.fixture(scope="module")
def gallery() -> linking.ProfileGallery:
    return linking.default_gallery()


# --------------------------------------------------------------------------- HTML

def _fake_profile(handle: str) -> linking.Profile:
    return linking.Profile(handle, "<i>Name</i>", "pattern", Image.new("RGB", (8, 8)))


def test_hash_matches_html_escapes_and_labels():
    matches = [linking.HashMatch(_fake_profile("@<b>x"), 10, True, 0),
               linking.HashMatch(_fake_profile("@y"), 120, False, 1)]
    out = face_key.hash_matches_html(matches)
    assert "@&lt;b&gt;x" in out and "<b>x" not in out and "&lt;i&gt;Name" in out
    assert "SAME PICTURE" in out and "different picture" in out  # text, not colour alone
    assert "<caption" in out and 'scope="col"' in out and 'scope="row"' in out
    assert f"{hashing.PDQ_MATCH_DISTANCE} of 256" in out
    assert "nothing to compare" in face_key.hash_matches_html([])


def test_face_matches_html_states_the_threshold():
    from safetylab.faces import SAME_PERSON_DISTANCE

    none = linking.FaceSearch([], [], SAME_PERSON_DISTANCE)
    assert "No face was found" in face_key.face_matches_html(none)
    search = linking.FaceSearch(["a face"], [
        linking.FaceMatch(_fake_profile("@a"), 0.3, 0.75, True, 0, 0),
        linking.FaceMatch(_fake_profile("@b"), 0.8, 0.33, False, 1, 0)], SAME_PERSON_DISTANCE)
    out = face_key.face_matches_html(search)
    assert "SAME PERSON" in out and "different person" in out
    assert "0.60" in out and "0.75" in out and "1 face found" in out
    empty = linking.FaceSearch(["a face"], [], SAME_PERSON_DISTANCE)
    assert "no faces to compare" in face_key.face_matches_html(empty)


def test_redaction_and_stats_html():
    checks = [linking.RedactionCheck("light blur", 30, True, 0.4, True, True),
              linking.RedactionCheck("solid fill", 110, False, None, False, False)]
    out = face_key.redaction_html(checks)
    assert out.count("<tr>") == 3 and "STILL LINKS" in out and "does not link" in out
    assert "no face found" in out and "30 of 256" in out
    stats = linking.RetrievalStats(10, 20, 64, 0.95, 1.0, 0.001, 0.0, {"mirrored": 1.0, "cropped": 0.9}, 70, 80)
    out = face_key.stats_html(stats)
    assert "95.0%" in out and "mirrored" in out and "90%" in out and "<caption" in out


# --------------------------------------------------------------------------- figures

def test_figures_have_text_alternatives(gallery):
    grace = gallery.with_person("Grace Hopper")[0]
    sent = linking.reused_photo(grace.picture)
    matches = linking.find_by_hash(sent, gallery, k=2)
    fig = face_key.plot_search(sent, matches)
    assert len(fig.axes) == 3 and grace.handle in fig.text_alternative and "SAME PICTURE" in fig.text_alternative
    assert "no profile" in face_key.plot_search(sent, []).text_alternative
    fig = face_key.plot_gallery(gallery, n=10, cols=5)
    assert sum(ax.get_visible() for ax in fig.axes) == 10
    assert f"of the {len(gallery)} profile pictures" in fig.text_alternative and "cities" in fig.text_alternative
    checks = [linking.RedactionCheck("solid fill", 110, False, None, False, False)]
    fig = face_key.plot_redactions([("solid fill", grace.picture), ("other", grace.picture)], checks)
    assert "solid fill: does not link" in fig.text_alternative and "other: not checked" in fig.text_alternative


# --------------------------------------------------------------------------- robustness explorer

def test_robustness_explorer_follows_its_controls():
    pic = linking.original_photo()
    ex = face_key.RobustnessExplorer(pic)
    assert ex.strength.continuous_update is False  # no recomputing on every tick
    first = ex.distance
    assert first is not None and "bits differ" in ex.result.value and bytes(ex.image.value).startswith(b"\x89PNG")
    ex.change.value = "Mirrored"
    assert list(ex.strength.options) == [0, 1]
    ex.strength.value = 1
    assert ex.distance == 0 and "Still the same picture" in ex.result.value
    ex.change.value = "Turned"
    ex.strength.value = 90
    assert ex.distance > hashing.PDQ_MATCH_DISTANCE and "No longer recognised" in ex.result.value
    assert "Turned" in ex.image.alt or "turned" in ex.image.alt


# --------------------------------------------------------------------------- the learner's own photos

def test_link_explorer_finds_your_profile_and_keeps_no_picture(gallery):
    require_face_models()
    ex = face_key.LinkExplorer(gallery)
    assert ex.search_button.disabled and ex.forget_button.disabled
    mine = linking.another_photo()  # a picture that is not in the gallery
    profile_bytes = jpeg_bytes(mine)
    chat_bytes = jpeg_bytes(linking.reused_photo(mine), 60)
    upload_file(ex.profile_upload, "me.jpg", profile_bytes)
    # the name and bytes do not stay in the widget; it counts one photo, so the button reads "(1)"
    assert [(f["name"], len(f["content"])) for f in ex.profile_upload.value] == [("", 0)]
    assert ex.search_button.disabled  # still needs the photo to send
    upload_file(ex.chat_upload, "to_send.jpg", chat_bytes)
    assert [(f["name"], len(f["content"])) for f in ex.chat_upload.value] == [("", 0)]
    assert not ex.search_button.disabled
    ex.search_button.click()
    res = ex.results
    assert res is not None
    assert res["hash"][0].profile.handle == "@you" and res["hash"][0].linked
    assert any(m.profile.handle == "@you" for m in res["face"].linked)
    out = ex.output.value
    assert "leads to your profile" in out and "@you" in out
    assert "<img" not in out and "data:image" not in out and "base64" not in out
    assert len(gallery) == len(linking.default_gallery())  # the shared gallery is unchanged
    assert all(p.handle != "@you" for p in gallery)
    ex.forget_button.click()
    assert ex.results is None and ex.output.value == "" and ex.search_button.disabled
    assert ex._profile is None and ex._chat is None


def test_link_explorer_with_a_solid_fill_no_longer_leads_to_you(gallery):
    require_face_models()
    ex = face_key.LinkExplorer(gallery)
    assert ex.hide._options_labels == ("Not hidden", "Light blur", "Coarse pixels", "Solid fill")  # as buttons read
    mine = linking.original_photo()  # a close head shot: the face is most of the picture
    ex.load_profile_bytes("me.jpg", jpeg_bytes(mine))
    ex.load_chat_bytes("same.jpg", jpeg_bytes(mine))
    ex.hide.value = "solid fill"
    res = ex.search()
    assert "solid fill" in ex.output.value
    assert not any(m.profile.handle == "@you" and m.linked for m in res["hash"])
    assert not res["face"].linked
    ex.hide.value = "light blur"
    res = ex.search()
    assert any(m.profile.handle == "@you" and m.linked for m in res["hash"])


def test_link_explorer_without_a_profile_and_with_bad_files(gallery):
    require_face_models()
    ex = face_key.LinkExplorer(gallery)
    assert ex.search() is None and 'role="alert"' in ex.status.value
    assert not ex.load_chat_bytes("notes.jpg", b"hello, not a photo")
    assert 'role="alert"' in ex.status.value and ex.search_button.disabled
    assert not ex.load_chat_bytes("empty.jpg", b"")
    rng = np.random.default_rng(4)
    noise = Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).resize((200, 200))
    assert ex.load_chat_bytes("mine.jpg", jpeg_bytes(noise))
    res = ex.search()
    assert "does not lead to any profile" in ex.output.value
    assert not any(m.linked for m in res["hash"]) and res["face"].faces == []
