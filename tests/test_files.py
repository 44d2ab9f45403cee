"""Writing outputs (safetylab._files): a new file every time, never the protected photo."""

from __future__ import annotations

import os

import pytest

from safetylab._files import write_exact, write_new
from safetylab.errors import AlreadyThereError, OutputError


def test_a_taken_name_gets_a_number_and_the_first_file_is_untouched(tmp_path):
    first = write_new(tmp_path / "a.jpg", b"one")
    second = write_new(tmp_path / "a.jpg", b"two")
    assert (first.name, second.name) == ("a.jpg", "a-2.jpg")
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"


def test_the_protected_photo_is_never_the_output_even_when_its_name_is_free(tmp_path):
    photo = tmp_path / "photo.jpg"  # not there (it was moved away after reading, say)
    out = write_new(photo, b"copy", protect=photo)
    assert out.name == "photo-2.jpg" and not photo.exists()


def test_a_link_to_the_protected_photo_is_never_written_through(tmp_path):
    photo = tmp_path / "real.jpg"
    photo.write_bytes(b"original")
    link = tmp_path / "shown.jpg"
    os.symlink(photo, link)
    # the output name is the photo's own, reached through the folder of the link's name
    out = write_new(tmp_path / "real.jpg", b"copy", protect=link)
    assert out.name == "real-2.jpg"
    assert photo.read_bytes() == b"original"
    # an existing link is never opened for writing, whatever it points to
    dangling = tmp_path / "gone.jpg"
    os.symlink(tmp_path / "nowhere.jpg", dangling)
    out = write_new(dangling, b"copy")
    assert out.name == "gone-2.jpg" and not (tmp_path / "nowhere.jpg").exists()
    # a protected link whose photo is not there (yet): its target's name is not used either
    out = write_new(tmp_path / "nowhere.jpg", b"copy", protect=dangling)
    assert out.name == "nowhere-2.jpg" and not (tmp_path / "nowhere.jpg").exists()


def test_missing_folders_are_made_and_a_file_in_the_way_is_one_plain_line(tmp_path):
    assert write_new(tmp_path / "new" / "deeper" / "a.txt", b"x").read_bytes() == b"x"
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(OutputError, match="Could not make the folder"):
        write_new(tmp_path / "file" / "a.txt", b"x")


def test_write_exact_never_replaces(tmp_path):
    path = write_exact(tmp_path / "a.clues.json", b"{}")
    with pytest.raises(AlreadyThereError):
        write_exact(path, b"[]")
    assert path.read_bytes() == b"{}"
