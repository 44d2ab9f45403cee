"""The report card and policy writer widgets, driven from plain Python (no browser)."""

from __future__ import annotations

from html import escape

import pytest

from conftest import assert_balanced, make_photo, upload_file
from safetylab import content, policy, samples
from safetylab.report import Report

pytest.importorskip("ipywidgets", reason="the lab extra (ipywidgets) is not installed")
from safetylab.widgets import policy as wp  # noqa: E402

CLEAN = "03_what_your_file_says/clean.jpg"
GPS = "03_what_your_file_says/landmark_gps.jpg"
LABEL = {v.id: escape(v.label.upper()) for v in content.verdicts().values()}


def _click_reassuring(card_widget) -> None:
    """Answer every question reassuringly by setting the widgets themselves."""
    for qid, value in policy.reassuring_answers().items():
        if qid in card_widget.radios:
            card_widget.radios[qid].value = value
        else:
            for v in value:
                card_widget.ticks[qid][v].value = True


# --------------------------------------------------------------------------- #
# HTML builders
# --------------------------------------------------------------------------- #

def test_card_html_labels_escapes_and_is_honest():
    rep = Report(file="<b>me.jpg", faces=None, texts=None)
    card = policy.card_from_report(rep, dict(policy.reassuring_answers(), pushing="yes", years=None))
    out = wp.card_html(card)
    assert "&lt;b&gt;me.jpg" in out and "<b>me" not in out
    assert LABEL[policy.DONT_SEND] in out and LABEL[policy.THINK_AGAIN] in out and LABEL[policy.CLEAR] in out
    for verdict, (colour, _symbol) in wp.VERDICT_STYLE.items():
        assert colour in out  # colour repeats the label, never replaces it
    assert "Not checked for this photo" in out and "Faces: not checked for this photo" in out
    assert "<caption" in out and 'scope="row"' in out and 'scope="col"' in out
    assert escape(content.card_limits()) in out
    assert escape(policy.question("years").text) in out  # unanswered questions are named
    assert_balanced(out)
    checked = wp.card_html(policy.card_from_report(Report(file="a.jpg", faces=[], texts=[]),
                                                   policy.reassuring_answers()))
    assert "Not checked for this photo" not in checked and LABEL[policy.DONT_SEND] not in checked
    assert "Checked automatically" in checked and "Faces: checked; none found." in checked


def test_lesson_tables_list_everything():
    f = wp.filters_html()
    assert all(escape(x.title) in f and escape(x.ask) in f for x in content.filters())
    p = wp.patterns_html()
    assert all(escape(x.name) in p and escape(x.you_can_say) in p for x in content.patterns())
    s = wp.steps_html()
    assert all(escape(x.title) in s and escape(x.why) in s for x in content.steps()) and "not your fault" in s
    for out in (f, p, s):
        assert_balanced(out)


# --------------------------------------------------------------------------- #
# ReportCardWidget
# --------------------------------------------------------------------------- #

def test_card_for_clean_sample_with_reassuring_answers_is_clear():
    w = wp.ReportCardWidget()
    w.picker.value = CLEAN
    assert "<img" in w.photo_view.value and 'alt="Sample photo clean.jpg' in w.photo_view.value
    assert escape(samples.SAMPLES[CLEAN].credit) in w.photo_view.value
    _click_reassuring(w)
    w.make_button.click()
    assert w.card is not None and w.card.verdict == policy.CLEAR and w.card.findings == ()
    html = w.card_view.value
    assert html.count(LABEL[policy.CLEAR]) == 4  # overall + three filters in the table
    assert LABEL[policy.THINK_AGAIN] not in html and LABEL[policy.DONT_SEND] not in html
    # faces and writing were checked on this photo: the card says so, from the report itself
    assert "Faces: not checked" not in html and "Writing in the picture (street signs" not in html
    assert "Faces: checked; none found." in html and "Writing in the picture: checked; none found." in html


def test_card_for_gps_sample_flags_the_file_and_pushing_changes_trust():
    w = wp.ReportCardWidget()
    w.picker.value = GPS
    w.set_answers(policy.reassuring_answers())
    w.make_button.click()
    html = w.card_view.value
    assert "exact spot" in html and "make a clean copy" in html and "share it without its location" in html
    assert "2. Identity and place — Don&#x27;t send" in html and "1. Trust — Clear" in html
    w.radios["pushing"].value = "yes"
    w.make_button.click()
    assert "1. Trust — Don&#x27;t send" in w.card_view.value
    assert w.card.result("trust").verdict == policy.DONT_SEND


def test_ticking_a_street_sign_makes_identity_dont_send():
    w = wp.ReportCardWidget()
    w.picker.value = CLEAN
    _click_reassuring(w)
    w.ticks["background"]["sign"].value = True
    w.make_button.click()
    assert w.card.result("identity").verdict == policy.DONT_SEND
    assert "2. Identity and place — Don&#x27;t send" in w.card_view.value


def test_answers_round_trip_and_leave_out_unanswered():
    w = wp.ReportCardWidget()
    assert w.answers() == {}
    answers = dict(policy.reassuring_answers(), background=["mirror", "window"], fast="yes")
    w.set_answers(answers)
    def norm(a):
        return {k: sorted(v) if isinstance(v, list) else v for k, v in a.items()}

    assert norm(w.answers()) == norm(answers)
    w.radios["years"].value = None
    assert "years" not in w.answers()
    with pytest.raises(policy.AnswerError):
        w.set_answers({"not_a_question": "yes"})


def test_no_photo_chosen_says_so():
    w = wp.ReportCardWidget()
    w.make_button.click()
    assert w.card is None and 'role="alert"' in w.card_view.value
    w.picker.value = "__own_photo__"  # own photo chosen, but nothing uploaded yet
    assert "Choose one of your own photos" in w.photo_view.value
    w.make_button.click()
    assert w.card is None and 'role="alert"' in w.card_view.value


def test_default_picker_offers_only_photos_that_exist():
    w = wp.ReportCardWidget()
    keys = [v for _label, v in w.picker.options if v not in (None, "__own_photo__")]
    assert CLEAN in keys and GPS in keys
    for k in keys:
        assert samples.sample_path(k).is_file() and not samples.SAMPLES[k].lesson.startswith("06")
        assert not k.endswith(".json"), f"{k}: the picker offers an annotation file, not a photo"
    only = wp.ReportCardWidget(sample_keys=[CLEAN])
    assert [v for _l, v in only.picker.options] == [None, CLEAN, "__own_photo__"]


def test_own_photo_stays_private_and_is_forgotten(tmp_path):
    data = make_photo(tmp_path / "IMG_20240601_140322.jpg").read_bytes()
    w = wp.ReportCardWidget()
    upload_file(w.upload, "IMG_20240601_140322.jpg", data)
    # the bytes and the name do not stay in the widget; it only counts "one chosen" (not "(0)")
    assert [(f["name"], len(f["content"])) for f in w.upload.value] == [("", 0)]
    assert w.picker.value == "__own_photo__" and w.photo is not None and w.photo.read_bytes() == data
    assert "data:image" not in w.photo_view.value and "not saved" in w.photo_view.value
    _click_reassuring(w)
    w.make_button.click()
    assert any(f.id == "gps" for f in w.card.findings)
    assert "data:image" not in w.card_view.value and "IMG_20240601_140322.jpg" in w.card_view.value
    tmp_copy = w.photo
    w.forget_button.click()
    assert not tmp_copy.exists() and w.photo is None
    assert w.card is None and w.card_view.value == "" and w.forget_button.disabled
    assert w.upload.value == ()  # the button no longer counts a photo
    # forgetting while a sample is shown keeps the sample's card
    upload_file(w.upload, "again.jpg", data)
    w.picker.value = CLEAN
    w.make_button.click()
    w.forget()
    assert w.card is not None and w.card.file == "clean.jpg"


def test_own_file_that_is_not_a_photo_is_one_plain_line():
    w = wp.ReportCardWidget()
    w.load_bytes("notes.jpg", b"hello, not a photo")
    w.make_button.click()
    assert w.card is None and 'role="alert"' in w.card_view.value and "notes.jpg" in w.card_view.value
    w.forget()


# --------------------------------------------------------------------------- #
# PolicyWriter
# --------------------------------------------------------------------------- #

def test_writer_preview_follows_typing_and_escapes(tmp_path):
    pw = wp.PolicyWriter(folder=tmp_path / "my-files/policy")
    assert pw.preview.value.count("Not written yet") == len(policy.POLICY_FIELDS)
    pw.fields["never_in_background"].value = "My <school> badge\nThe view from my window"
    pw.title.value = "Ana's rules"
    assert "<li>My &lt;school&gt; badge</li>" in pw.preview.value
    assert "Ana&#x27;s rules" in pw.preview.value and "<style" not in pw.preview.value
    for name, _heading in policy.POLICY_FIELDS:
        assert pw.fields[name].placeholder == policy.PLACEHOLDERS[name]
    assert not (tmp_path / "my-files/policy").exists()  # nothing written before Save


def test_writer_starters_and_examples():
    pw = wp.PolicyWriter(policy=policy.PersonalPolicy(share_with="Only old friends."))
    dont = next(b for b in pw.starter_buttons if b.description == "I don't send photos.")
    dont.click()
    dont.click()
    assert pw.fields["saying_no"].value.splitlines() == ["I don't send photos."]
    pw.starter_buttons[-1].click()
    assert pw.fields["saying_no"].value.splitlines()[-1] == content.no_starters()[-1]
    pw.examples_button.click()
    assert pw.fields["share_with"].value == "Only old friends."  # what was written stays
    assert pw.fields["who_i_tell"].value == policy.PLACEHOLDERS["who_i_tell"]
    assert pw.policy.share_with == "Only old friends."


def test_writer_saves_new_files_in_the_chosen_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pw = wp.PolicyWriter()
    assert pw.folder.value == "my-files/policy"
    pw.fields["saying_no"].value = "I don't send photos."
    pw.save_button.click()
    first = tmp_path / "my-files/policy" / "my_photo_policy.html"
    assert pw.saved is not None and pw.saved.resolve() == first.resolve()
    assert "I don&#x27;t send photos." in first.read_text(encoding="utf-8")
    assert 'href="my-files/policy/my_photo_policy.html"' in pw.status.value
    assert "fill in by hand" in pw.status.value  # some sections were left empty
    pw.fields["saying_no"].value = "No thanks."
    pw.folder.value = str(tmp_path / "elsewhere")
    pw.save_button.click()
    pw.folder.value = "my-files/policy"
    pw.save_button.click()
    assert pw.saved.name == "my_photo_policy-2.html"
    assert "I don&#x27;t send photos." in first.read_text(encoding="utf-8")  # not replaced
    assert (tmp_path / "elsewhere" / "my_photo_policy.html").is_file()


def test_writer_save_error_is_shown_plainly(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    pw = wp.PolicyWriter(folder=blocker / "inside")
    assert pw.save() is None and 'role="alert"' in pw.status.value
    assert blocker.read_text() == "x"
