"""What every learner gets the same is worked out once and kept (safetylab._cache): only the course's
own demonstrations are ever written, each entry is verified, and a learner's photo is never kept."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest
from PIL import Image

from safetylab import _cache, faces, samples


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFETYLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(_cache.FILL_ENV, raising=False)
    monkeypatch.delenv("SAFETYLAB_CACHE", raising=False)
    return tmp_path / "cache"


def entries(cache_dir):
    return sorted(p.name for p in cache_dir.rglob("*.json"))


def never():
    raise AssertionError("worked out again instead of read")


def test_outside_the_filling_run_nothing_is_written(cache):
    assert _cache.remember("demo", _cache.key("x"), lambda: [1, 2]) == [1, 2]
    assert entries(cache) == []


def test_while_filling_it_is_written_then_read_without_working_it_out(cache, monkeypatch):
    monkeypatch.setenv(_cache.FILL_ENV, "1")
    assert _cache.remember("demo", _cache.key("x"), lambda: {"a": 1}) == {"a": 1}
    monkeypatch.delenv(_cache.FILL_ENV)
    assert _cache.remember("demo", _cache.key("x"), never) == {"a": 1}
    assert _cache.remember("demo", _cache.key("y"), lambda: "other") == "other"  # another key: not there


def test_a_changed_or_damaged_entry_is_ignored(cache, monkeypatch):
    monkeypatch.setenv(_cache.FILL_ENV, "1")
    _cache.remember("demo", _cache.key("x"), lambda: {"answer": 42})
    monkeypatch.delenv(_cache.FILL_ENV)
    (path,) = list(cache.rglob("demo-*.json"))
    record = json.loads(path.read_text())
    record["value"]["answer"] = 41  # changed without its checksum
    path.write_text(json.dumps(record))
    assert _cache.remember("demo", _cache.key("x"), lambda: {"answer": 42}) == {"answer": 42}
    path.write_text("{not json")
    assert _cache.remember("demo", _cache.key("x"), lambda: "worked out") == "worked out"


def test_switched_off_it_neither_reads_nor_writes(cache, monkeypatch):
    monkeypatch.setenv(_cache.FILL_ENV, "1")
    _cache.remember("demo", _cache.key("x"), lambda: 1)
    monkeypatch.setenv("SAFETYLAB_CACHE", "off")
    assert _cache.remember("demo", _cache.key("x"), lambda: 2) == 2
    assert _cache.remember("demo", _cache.key("new"), lambda: 3) == 3
    assert len(entries(cache)) == 1


def test_keys_follow_the_pixels_and_the_settings():
    a = Image.new("RGB", (8, 8), "white")
    b = a.copy()
    b.putpixel((3, 3), (254, 255, 255))
    assert _cache.key(a, 0.5) == _cache.key(a.copy(), 0.5)
    assert _cache.key(a, 0.5) != _cache.key(b, 0.5) != _cache.key(a, 0.6)
    assert _cache.key(np.zeros(3)) != _cache.key(np.zeros(4))


def test_the_face_search_of_a_course_photo_is_kept_and_a_learners_photo_never(cache, monkeypatch):
    course_photo = Image.open(samples.sample_path("sent_in_chat_same_photo.jpg")).convert("RGB")
    monkeypatch.setenv(_cache.FILL_ENV, "1")
    live = faces.detect(course_photo)
    assert live, "the sample photo shows a face"
    kept = entries(cache)
    monkeypatch.delenv(_cache.FILL_ENV)
    # in a lesson: read back exactly, without running the model
    monkeypatch.setattr(faces, "_forward", lambda im: never())
    assert faces.detect(course_photo) == live
    # a learner's photo: worked out as usual (here: the model, replaced), and never written
    monkeypatch.setattr(faces, "_forward", lambda im: (_ for _ in ()).throw(RuntimeError("the model ran")))
    learners = course_photo.copy()
    learners.putpixel((0, 0), (1, 2, 3))
    with pytest.raises(RuntimeError, match="the model ran"):
        faces.detect(learners)
    assert entries(cache) == kept


def test_profiles_draw_their_picture_once_and_compare_without_it():
    from safetylab.linking import Profile

    calls = []

    def draw():
        calls.append(1)
        return Image.new("RGB", (4, 4), "red")

    p = Profile("@a", "A", "pattern", draw)
    assert calls == []
    assert p.picture.size == (4, 4) and p.picture is p.picture and calls == [1]
    assert p == Profile("@a", "A", "pattern", Image.new("RGB", (4, 4)))
    assert "picture" not in repr(p)


def test_the_kept_gallery_is_the_gallery(cache, monkeypatch):
    from safetylab import linking

    linking.default_gallery.cache_clear()
    monkeypatch.setenv(_cache.FILL_ENV, "1")
    try:
        live = linking.default_gallery()
        monkeypatch.delenv(_cache.FILL_ENV)
        linking.default_gallery.cache_clear()
        monkeypatch.setattr(linking.ProfileGallery, "face_index", lambda self: never()
                            if self._faces is None else self._faces)
        kept = linking.default_gallery()
        assert [p.handle for p in kept] == [p.handle for p in live]
        assert np.array_equal(kept.hashes.matrix, live.hashes.matrix)
        assert list(kept.hashes.ids) == list(live.hashes.ids)
        assert np.array_equal(kept.face_index().vectors, live._faces.vectors)
        assert kept.face_index().faces == live._faces.faces
        assert np.array_equal(np.asarray(kept[5].picture), np.asarray(live[5].picture))
    finally:
        linking.default_gallery.cache_clear()


def test_fill_runs_the_lessons_once_and_marks_the_cache_complete(cache, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "from PIL import Image\nfrom safetylab import faces, samples\n"
        "found = faces.detect(Image.open(samples.sample_path('sent_in_chat_same_photo.jpg')).convert('RGB'))\n"
        "assert found")]
    nbformat.write(nb, lessons / "01_tiny.ipynb")
    assert not _cache.is_filled()
    result = _cache.fill(lessons)
    assert result["lessons"] == {"01_tiny.ipynb": "ok"}
    assert _cache.is_filled()
    assert any(name.startswith("faces-") for name in entries(cache))
    # a lesson that fails is named, and the cache is not marked complete
    nb.cells = [nbformat.v4.new_code_cell("raise ValueError('no')")]
    nbformat.write(nb, lessons / "02_broken.ipynb")
    (_cache.folder() / "complete.json").unlink()
    result = _cache.fill(lessons)
    assert result["lessons"]["02_broken.ipynb"].startswith("CellExecutionError") and not _cache.is_filled()


def test_a_course_photos_figure_is_drawn_once_for_everyone_and_a_learners_never_kept(cache, monkeypatch, tmp_path):
    pytest.importorskip("IPython")
    from safetylab.widgets import file_says, kept_figure_html

    drawn = []

    def plot_thumbnail(path):
        drawn.append(path)
        return file_says.plot_thumbnail(path)

    course = samples.sample_path("cropped_thumbnail.jpg")
    monkeypatch.setenv(_cache.FILL_ENV, "1")  # learner mode getting ready: the course's photo, drawn and kept
    kept = kept_figure_html(plot_thumbnail, course)
    assert kept.startswith('<img alt="Left: the photo cropped_thumbnail.jpg') and len(drawn) == 1
    assert [n for n in entries(cache) if n.startswith("figure-")]
    monkeypatch.delenv(_cache.FILL_ENV)
    # a lesson: the kept picture, not drawn again; with a caption, the same picture under it
    assert kept_figure_html(plot_thumbnail, course) == kept and len(drawn) == 1
    assert kept in kept_figure_html(plot_thumbnail, course, caption="A preview") and len(drawn) == 1
    # the same name with other contents (a learner's photo) is drawn, and nothing of it is written
    mine = tmp_path / "cropped_thumbnail.jpg"
    Image.open(course).transpose(Image.FLIP_LEFT_RIGHT).save(mine, exif=Image.open(course).info.get("exif", b""))
    before = entries(cache)
    assert kept_figure_html(plot_thumbnail, mine) != kept and len(drawn) == 2
    assert entries(cache) == before
    # another argument is another picture
    assert kept_figure_html(plot_thumbnail, samples.sample_path("landmark_gps.jpg")) != kept and len(drawn) == 3


def test_show_figure_takes_a_figure_or_the_function_that_draws_it(cache, monkeypatch):
    pytest.importorskip("IPython")
    import IPython.display

    from safetylab import location
    from safetylab.widgets import figure_html, show_figure

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    show_figure(location.plot_location, 48.8584, 2.2945, place="Paris")
    show_figure(location.plot_location(48.8584, 2.2945, place="Paris"))
    assert shown[0] == shown[1] == figure_html(location.plot_location(48.8584, 2.2945, place="Paris"))
    with pytest.raises(TypeError):
        show_figure(location.plot_location(48.8584, 2.2945), 1)
