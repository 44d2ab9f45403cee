"""Names typed into a lesson's boxes stay in the lesson's folder; files are opened only when ordinary.

Each test tries to break the rule the way someone at a shared computer would:
an absolute path to another folder, ``..``, a link that leads out, a pipe or a device.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from safetylab._paths import NotOrdinaryFileError, OutsideFolderError, TooLargeError, open_regular, \
    read_limited, within

OUTSIDE = ["/etc", "/", "../x", "a/../../x", "kits/../..", "~", "~root/x", "C:\\Windows", "\\\\server\\share",
           "a\0b"]


@pytest.mark.parametrize("typed", OUTSIDE)
def test_within_refuses_whatever_leads_out_of_the_folder(tmp_path, typed):
    with pytest.raises(OutsideFolderError) as err:
        within(tmp_path, typed, what="new folder for the kit")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(("The new folder for the kit must be", "No new folder"))


def test_within_refuses_a_link_that_leads_out_but_keeps_names_inside(tmp_path):
    (tmp_path / "lesson").mkdir()
    (tmp_path / "secret").mkdir()
    (tmp_path / "lesson" / "shortcut").symlink_to(tmp_path / "secret", target_is_directory=True)
    with pytest.raises(OutsideFolderError):
        within(tmp_path / "lesson", "shortcut/kit")
    with pytest.raises(OutsideFolderError):
        within(tmp_path / "lesson", str(tmp_path / "secret"))
    inside = within(tmp_path / "lesson", "kits/monday")
    assert inside == (tmp_path / "lesson" / "kits" / "monday").resolve()
    assert within(tmp_path / "lesson", str(tmp_path / "lesson" / "kit")) == (tmp_path / "lesson" / "kit").resolve()
    # a folder the lesson offers may be typed back as it is, and nothing next to it
    assert within(tmp_path / "lesson", str(tmp_path / "secret"), also=[tmp_path / "secret"]) == \
        (tmp_path / "secret").resolve()
    with pytest.raises(OutsideFolderError):
        within(tmp_path / "lesson", str(tmp_path), also=[tmp_path / "secret"])


def test_open_regular_refuses_pipes_devices_folders_and_links_when_asked(tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_text("hello")
    fh, st = open_regular(plain)
    with fh:
        assert fh.read() == b"hello" and st.st_size == 5
    link = tmp_path / "link.txt"
    link.symlink_to(plain)
    with pytest.raises(NotOrdinaryFileError):
        open_regular(link, follow_links=False)
    open_regular(link)[0].close()  # followed when allowed
    with pytest.raises(NotOrdinaryFileError):
        open_regular(tmp_path)
    with pytest.raises(NotOrdinaryFileError):
        read_limited("/dev/zero", 10)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        with pytest.raises(NotOrdinaryFileError):  # returns at once: nobody writes to it
            read_limited(tmp_path / "pipe", 10)
    big = tmp_path / "big"
    with open(big, "wb") as out:
        out.truncate(10 * 2**30)  # sparse
    with pytest.raises(TooLargeError):
        read_limited(big, 1000)
    assert read_limited(plain, 5) == b"hello"


# --------------------------------------------------------------------------- #
# The lesson widgets that take a folder name
# --------------------------------------------------------------------------- #

@pytest.fixture
def lesson(tmp_path, monkeypatch) -> Path:
    pytest.importorskip("ipywidgets", reason="the lab extra (ipywidgets) is not installed")
    folder = tmp_path / "lesson"
    folder.mkdir()
    secret = tmp_path / "someone_elses" / "photos"
    secret.mkdir(parents=True)
    (secret / "private.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("box, typed", [
    ("folder", "{secret}"), ("folder", "../someone_elses/photos"), ("folder", "/etc"),
    ("out_dir", "{tmp}/kit"), ("out_dir", "../kit"), ("out_dir", "/tmp/kit-elsewhere"),
])
def test_the_evidence_kit_boxes_stay_in_the_lesson_folder(lesson, box, typed):
    from safetylab.widgets.evidence import KitMaker

    tmp = lesson.parent
    maker = KitMaker(out_dir="my_kit")
    getattr(maker, box).value = typed.format(secret=tmp / "someone_elses" / "photos", tmp=tmp)
    if box == "folder":  # refused when the files would be listed
        assert maker.preview() is None
        shown = maker.plan_view.value
    else:  # refused when the kit would be made
        assert maker.preview() is not None
        maker.confirm.value = True
        assert maker.make() is None
        shown = maker.result_view.value
    assert 'role="alert"' in shown and "must be a name inside this lesson" in shown
    assert not (lesson / "my_kit").exists() and not (tmp / "kit").exists()
    assert not Path("/tmp/kit-elsewhere").exists()
    # what the lesson offers (its sample screenshots) and a name inside still work
    maker = KitMaker(out_dir="my_kit")
    assert maker.preview() is not None
    maker.confirm.value = True
    assert maker.make() is not None and (lesson / "my_kit" / "report.html").is_file()


def test_the_evidence_kit_folder_cannot_lead_out_through_a_link(lesson):
    from safetylab.widgets.evidence import KitMaker

    (lesson / "shots").symlink_to(lesson.parent / "someone_elses" / "photos", target_is_directory=True)
    maker = KitMaker(out_dir="my_kit")
    maker.folder.value = "shots"
    assert maker.preview() is None and "must be a name inside this lesson" in maker.plan_view.value
    assert not (lesson / "my_kit").exists()


@pytest.mark.parametrize("typed", ["../elsewhere", "/tmp", "{tmp}", "~/policies"])
def test_the_policy_folder_stays_in_the_lesson_folder(lesson, typed):
    from safetylab.widgets.policy import PolicyWriter

    writer = PolicyWriter()
    writer.fields["saying_no"].value = "No thanks."
    writer.folder.value = typed.format(tmp=lesson.parent)
    assert writer.save() is None
    assert 'role="alert"' in writer.status.value and "must be a name inside this lesson" in writer.status.value
    assert not list(lesson.parent.rglob("*.html"))
    writer.folder.value = "my_policy"
    assert writer.save() == (lesson / "my_policy" / "my_photo_policy.html").resolve()
