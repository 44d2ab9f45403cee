"""The lesson widgets, driven from plain Python as a test (no browser)."""

from __future__ import annotations

import pytest

from conftest import make_photo, upload_file
from safetylab import report

pytest.importorskip("ipywidgets", reason="the lab extra (ipywidgets) is not installed")
from safetylab.widgets import file_says  # noqa: E402


def test_report_html_escapes_and_labels(tmp_path):
    p = make_photo(tmp_path / "<b>x.jpg")
    out = file_says.report_html(report.check(p))
    assert "&lt;b&gt;x.jpg" in out and "<b>x" not in out
    assert "HIGH" in out and "<caption" in out and 'scope="row"' in out


def test_the_command_and_the_lesson_show_the_same_rows(tmp_path):
    """One wording (report.rows): the terminal report and lesson 03's table agree, value for value."""
    import html

    from safetylab.cli import format_report

    rep = report.check(make_photo(tmp_path / "p.jpg", crop=True), faces=False, texts=False)
    text, page = format_report(rep), file_says.report_html(rep)
    rows = report.rows(rep)
    assert dict(rows)["Where it was taken"].startswith("48.85837, 2.29448")
    for label, value in rows:
        assert f"{label}" in text and value in text
        assert html.escape(label) in page and html.escape(value) in page
    assert report.NOT_CHECKED in text and html.escape(report.NOT_CHECKED) in page


def test_inspector_upload_check_clean_forget(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = make_photo(tmp_path / "IMG_20240601_140322.jpg", crop=True).read_bytes()
    insp = file_says.FileInspector(out_dir=tmp_path / "copies")
    upload_file(insp.upload, "IMG_20240601_140322.jpg", data)
    assert insp.upload.value == ()  # the bytes do not stay in the widget
    assert insp.report is not None and insp.report.gps["usable"]
    assert "DIFFERENT" in insp.report_view.value
    assert not insp.clean_button.disabled
    tmp_copy = insp.photo
    insp.clean_button.click()
    res = insp.result
    assert res is not None and res.clean
    assert "2024" not in res.output.rsplit("/", 1)[-1]  # neutral name by default
    assert "Clean:" in insp.clean_view.value and "download" in insp.clean_view.value
    insp.forget_button.click()
    assert not tmp_copy.exists() and insp.report_view.value == ""
    assert (tmp_path / "copies").exists()


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
