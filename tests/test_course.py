"""Where the course is, and the trainer's working copy of the lessons (safetylab.course)."""

from __future__ import annotations

from pathlib import Path

import pytest

from safetylab import app, course, lab, samples
from safetylab.errors import SafetyLabError


def test_in_a_checkout_the_course_is_the_repositorys_own_folders():
    assert course.from_checkout()
    assert course.lessons_dir() == course.CHECKOUT / "notebooks"
    assert course.samples_dir() == course.CHECKOUT / "sample_images" == samples.DEFAULT_DEST
    assert course.working_folder() == course.lessons_dir()
    assert course.working_copy(course.lessons_dir()).summary() == ""  # nothing copied onto itself


def test_an_installed_copy_uses_the_packaged_course_and_a_home_working_folder(monkeypatch):
    monkeypatch.setattr(course, "from_checkout", lambda: False)
    assert course.lessons_dir() == course.PACKAGED / "notebooks"
    assert course.working_folder() == Path("~/safetylab-lessons").expanduser()


# --------------------------------------------------------------------------- the working copy

def _fake_course(root: Path) -> Path:
    src = root / "course"
    (src / "facilitator").mkdir(parents=True)
    (src / "00_start_here.ipynb").write_text('{"cells": []}', encoding="utf-8")
    (src / "00_start_here.md").write_text("# Start\n", encoding="utf-8")
    (src / "facilitator" / "README.md").write_text("guide\n", encoding="utf-8")
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "x.ipynb").write_text("{}", encoding="utf-8")
    (src / "my-files").mkdir()
    (src / "my-files" / "a learner's copy.jpg").write_bytes(b"x")
    return src


def test_working_copy_copies_the_lessons_and_guide_only(tmp_path):
    src = _fake_course(tmp_path)
    result = course.working_copy(tmp_path / "work", src)
    assert sorted(result.copied) == ["00_start_here.ipynb", "00_start_here.md", "facilitator/README.md"]
    assert not (tmp_path / "work" / "my-files").exists()
    assert not (tmp_path / "work" / ".ipynb_checkpoints").exists()
    assert (tmp_path / "work" / "00_start_here.md").read_text(encoding="utf-8") == "# Start\n"
    assert "Copied the lessons" in result.summary()
    again = course.working_copy(tmp_path / "work", src)
    assert again.copied == again.updated == again.kept == () and again.summary() == ""


def test_a_trainers_edit_is_never_overwritten_and_an_unedited_file_is_updated(tmp_path):
    src = _fake_course(tmp_path)
    work = tmp_path / "work"
    course.working_copy(work, src)
    (work / "00_start_here.md").write_text("# Start, my way\n", encoding="utf-8")   # the trainer edits
    (src / "00_start_here.md").write_text("# Start (new version)\n", encoding="utf-8")  # a new safetylab
    (src / "facilitator" / "README.md").write_text("guide v2\n", encoding="utf-8")
    result = course.working_copy(work, src)
    assert result.kept == ("00_start_here.md",) and result.updated == ("facilitator/README.md",)
    assert (work / "00_start_here.md").read_text(encoding="utf-8") == "# Start, my way\n"
    assert (work / "facilitator" / "README.md").read_text(encoding="utf-8") == "guide v2\n"
    assert "Kept your own version of 00_start_here.md" in result.summary()
    # Still kept on every later run, and a file of theirs with a course name is kept too.
    assert course.working_copy(work, src).kept == ("00_start_here.md",)
    other = tmp_path / "other"
    other.mkdir()
    (other / "00_start_here.ipynb").write_text("mine", encoding="utf-8")
    assert course.working_copy(other, src).kept == ("00_start_here.ipynb",)
    assert (other / "00_start_here.ipynb").read_text(encoding="utf-8") == "mine"


def test_working_copy_errors_are_one_plain_line(tmp_path):
    with pytest.raises(SafetyLabError, match="not found"):
        course.working_copy(tmp_path / "work", tmp_path / "nowhere")
    src = _fake_course(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(SafetyLabError, match="could not be copied"):
        course.working_copy(blocker, src)


def test_app_dir_copies_the_course_and_serves_the_working_folder(tmp_path, monkeypatch):
    served = {}
    monkeypatch.setattr(app, "serve", lambda port, open_browser, folder, ip, **kw: served.setdefault("folder", folder) and 0)
    assert app.main(["--no-browser", "--dir", str(tmp_path / "mine")]) == 0
    assert served["folder"] == tmp_path / "mine"
    assert sorted(p.name for p in (tmp_path / "mine").glob(course.LESSON_GLOB)) == \
        sorted(p.name for p in course.lessons_dir().glob(course.LESSON_GLOB))
    assert (tmp_path / "mine" / "facilitator" / "README.md").is_file()


def test_missing_voila_is_one_line_saying_what_to_install(tmp_path, monkeypatch, capsys):
    def no_voila(*args, **kwargs):
        raise ImportError("No module named 'voila'")

    monkeypatch.setattr(app, "_voila_app_class", no_voila)
    assert app.main(["--no-browser", "--lessons", str(course.lessons_dir())]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and 'pip install "safetylab[lab]"' in err


def test_missing_jupyterlab_is_one_line_saying_what_to_install(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "jupyterlab" else real(name, *a))
    assert lab.main(["--dir", "unused"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and 'pip install "safetylab[lab]"' in err
