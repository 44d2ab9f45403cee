"""The lesson widgets, driven from plain Python as a test (no browser)."""

from __future__ import annotations

import pytest

from conftest import make_photo, upload_file
from safetylab import report

pytest.importorskip("ipywidgets", reason="the lab extra (ipywidgets) is not installed")
from safetylab.widgets import file_says  # noqa: E402


def test_report_html_escapes_and_labels(tmp_path):
    p = make_photo(tmp_path / "<b>x.jpg")
    out = file_says.report_html(report.check(p), trainer=False)
    assert "&lt;b&gt;x.jpg" in out and "<b>x" not in out
    assert "Important:" in out and "<caption" in out and 'scope="row"' in out


def test_the_command_and_the_lesson_show_the_same_rows(tmp_path):
    """One wording (report.rows): the terminal report and lesson 03's table agree, value for value;
    the command adds the exact GPS coordinates and the blocks' own names."""
    import html

    from safetylab.cli import format_report

    rep = report.check(make_photo(tmp_path / "p.jpg", crop=True), faces=False, texts=False)
    text, page = format_report(rep), file_says.report_html(rep, trainer=False)
    rows, exact = report.rows(rep), dict(report.rows(rep, exact=True))
    assert exact["Where it was taken"].startswith("48.85837, 2.29448")
    assert "48.85" not in dict(rows)["Where it was taken"] and "France" in dict(rows)["Where it was taken"]
    for label, value in rows:
        assert html.escape(label) in page and html.escape(value) in page
        assert f"{label}" in text and exact[label] in text
        if label not in ("Where it was taken", "Kinds of hidden details"):
            assert exact[label] == value
    assert report.NOT_CHECKED in text and html.escape(report.NOT_CHECKED) in page


def test_a_learner_reads_the_report_in_words_and_a_trainer_can_unfold_the_raw_values(tmp_path):
    """Dates, names, places and blocks in words; the ISO time and tag names only in trainer mode."""
    from safetylab.plain import looks_like_code

    rep = report.check(make_photo(tmp_path / "p.jpg", crop=True), faces=False, texts=False)
    learner = file_says.report_html(rep, trainer=False)
    assert rep.taken_at and rep.taken_at not in learner
    assert looks_like_code(learner) == []
    assert "2:03 pm" in learner  # the time as a clock shows it (make_photo writes 14:03:22)
    for tag in rep.details["owners"]:  # CameraOwnerName, Artist, ...: never a tag name
        assert tag not in learner
    trainer = file_says.report_html(rep, trainer=True)
    assert "<details>" in trainer and rep.taken_at in trainer
    assert all(tag in trainer for tag in rep.details["owners"])


def test_inspector_upload_check_clean_forget(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = make_photo(tmp_path / "IMG_20240601_140322.jpg", crop=True).read_bytes()
    insp = file_says.FileInspector(out_dir=tmp_path / "copies")
    upload_file(insp.upload, "IMG_20240601_140322.jpg", data)
    # the bytes and the name do not stay in the widget: only "one file chosen", so the button
    # reads "Choose a photo (1)", not "(0)", after an upload
    assert [(f["name"], len(f["content"])) for f in insp.upload.value] == [("", 0)]
    assert insp.report is not None and insp.report.gps["usable"]
    assert "DIFFERENT" in insp.report_view.value
    assert not insp.clean_button.disabled
    tmp_copy = insp.photo
    insp.clean_button.click()
    res = insp.result
    assert res is not None and res.clean
    assert "2024" not in res.output.rsplit("/", 1)[-1]  # neutral name by default
    assert "Clean:" in insp.clean_view.value and "download" in insp.clean_view.value
    assert "True" not in insp.clean_view.value
    insp.forget_button.click()
    assert not tmp_copy.exists() and insp.report_view.value == ""
    assert insp.upload.value == ()  # the button counts no photo any more
    assert "Report ready" not in insp.status.value and "forgotten" in insp.status.value
    assert (tmp_path / "copies").exists()


def test_inspector_never_says_report_ready_beside_an_error(tmp_path):
    """Forget my photo, then a file that is not a photo: the error stands alone, the count goes back."""
    insp = file_says.FileInspector(out_dir=tmp_path / "copies")
    upload_file(insp.upload, "good.jpg", make_photo(tmp_path / "good.jpg").read_bytes())
    assert "Report ready" in insp.status.value
    insp.forget_button.click()
    upload_file(insp.upload, "notes.jpg", b"hello, not a photo")
    assert insp.report.error and 'role="alert"' in insp.report_view.value
    assert "Report ready" not in insp.status.value and "could not be looked at" in insp.status.value
    assert insp.upload.value == () and insp.forget_button.disabled and insp.clean_button.disabled


def test_inspector_bad_file_is_one_line(tmp_path):
    insp = file_says.FileInspector(out_dir=tmp_path / "copies")
    rep = insp.load_bytes("notes.jpg", b"hello, not a photo")
    assert rep.error and 'role="alert"' in insp.report_view.value
    assert insp.clean_button.disabled
    insp.forget()


def test_plot_thumbnail_has_text_alternative(tmp_path):
    fig = file_says.plot_thumbnail(make_photo(tmp_path / "c.jpg", crop=True))
    assert len(fig.axes) == 2 and "DIFFERENT" in fig.text_alternative


def test_sharing_table_says_it_is_typical():
    out = file_says.sharing_html()
    assert "Typical behaviour" in out and "Never assume" in out


def test_private_copy_is_deleted_when_forgotten_or_dropped():
    import gc

    from safetylab.widgets._private import PrivateCopy

    a = PrivateCopy("../../etc/passwd", b"photo bytes")
    assert a.path.parent == a.folder and a.path.name == "passwd" and a.exists
    assert (a.folder.stat().st_mode & 0o077) == 0  # only this user can read the folder
    a.forget()
    assert not a.folder.exists()
    b = PrivateCopy("x.jpg", b"more bytes")
    folder = b.folder
    del b
    gc.collect()
    assert not folder.exists()  # also gone when the widget goes (and when the kernel exits)
