"""Tests for safetylab.sharing: the table of how ways of sending treat metadata."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from conftest import write_json
from safetylab.errors import SafetyLabError
from safetylab.sharing import (
    METADATA_VALUES,
    RECOMPRESSED_VALUES,
    TABLE_COLUMNS,
    SharingDataError,
    SharingPath,
    caveat,
    sharing_paths,
    sharing_table_rows,
)


def shipped_json() -> dict:
    text = resources.files("safetylab").joinpath("data", "sharing_paths.json").read_text(encoding="utf-8")
    return json.loads(text)


# --- the shipped table ------------------------------------------------------


def test_shipped_table_loads():
    paths = sharing_paths()
    assert len(paths) >= 5
    assert all(isinstance(p, SharingPath) for p in paths)


def test_has_the_ways_the_lesson_names():
    ids = {p.id for p in sharing_paths()}
    assert {"social_feed", "chat_photo", "chat_file", "email_attachment", "nearby_share"} <= ids


def test_every_value_is_allowed_and_every_note_is_a_sentence():
    for p in sharing_paths():
        assert p.gps in METADATA_VALUES
        assert p.other_metadata in METADATA_VALUES
        assert p.image_recompressed in RECOMPRESSED_VALUES
        assert p.way and p.notes.endswith(".")
        assert p.notes.count(". ") == 0, f"{p.id}: notes should be one sentence"


def test_sending_the_file_itself_keeps_the_location():
    # The lesson's core contrast: byte-for-byte sending keeps everything.
    ways = {p.id: p for p in sharing_paths()}
    for byte_for_byte in ("chat_file", "email_attachment"):
        assert ways[byte_for_byte].gps == "usually kept"
        assert ways[byte_for_byte].image_recompressed == "no"
    assert ways["nearby_share"].gps == "usually kept"
    assert ways["social_feed"].gps == "usually removed"
    assert "platform" in ways["social_feed"].notes  # it may still keep it


def test_caveat_is_present_and_says_clean_it_yourself():
    assert "typical" in caveat().lower()
    assert "yourself" in caveat()
    data = shipped_json()
    assert data["label"] == caveat()  # read from the data file: no second copy in the code
    assert data["_about"].strip()


def test_cloud_links_are_not_all_alike_and_say_where_that_comes_from():
    cloud = {p.id: p for p in sharing_paths()}["cloud_link"]
    assert cloud.gps == "varies" and "Google Photos" in cloud.notes
    assert any("support.google.com/photos" in s.url for s in cloud.sources)
    assert all(s.last_checked and s.checked for s in cloud.sources)


def test_table_rows_are_plain_and_in_column_order():
    rows = sharing_table_rows()
    assert len(rows) == len(sharing_paths())
    for row, path in zip(rows, sharing_paths()):
        assert tuple(row) == TABLE_COLUMNS
        assert all(isinstance(v, str) for v in row.values())
        assert row["Way of sending"] == path.way


def test_callers_cannot_change_the_shared_table():
    first = sharing_paths()
    first.clear()
    assert sharing_paths()
    with pytest.raises(AttributeError):
        sharing_paths()[0].gps = "usually removed"  # frozen


def test_a_valid_copy_loads_from_a_path(tmp_path):
    path = write_json(tmp_path, shipped_json(), "mine.json")
    assert sharing_paths(path) == sharing_paths()
    assert sharing_table_rows(str(path)) == sharing_table_rows()


# --- broken copies ----------------------------------------------------------


def broken(change):
    data = copy.deepcopy(shipped_json())
    change(data)
    return data


CASES = [
    ("missing gps", lambda d: d["paths"][1].pop("gps"), "gps"),
    ("missing notes", lambda d: d["paths"][0].pop("notes"), "notes"),
    ("wrong gps value", lambda d: d["paths"][2].update(gps="sometimes"), "gps"),
    ("wrong other value", lambda d: d["paths"][0].update(other_metadata="kept"), "other_metadata"),
    ("wrong recompressed", lambda d: d["paths"][0].update(image_recompressed="maybe"), "image_recompressed"),
    ("empty way", lambda d: d["paths"][0].update(way="  "), "way"),
    ("not text", lambda d: d["paths"][0].update(notes=3), "notes"),
    ("unknown field", lambda d: d["paths"][0].update(gsp="varies"), "gsp"),
    ("duplicate id", lambda d: d["paths"][1].update(id=d["paths"][0]["id"]), "id"),
    ("bad id", lambda d: d["paths"][1].update(id="Chat File"), "id"),
    ("missing label", lambda d: d.pop("label"), "label"),
    ("missing about", lambda d: d.pop("_about"), "_about"),
    ("no paths", lambda d: d.update(paths=[]), "paths"),
]


@pytest.mark.parametrize("what, change, field", CASES, ids=[c[0] for c in CASES])
def test_broken_copy_names_the_file_and_the_field(tmp_path, what, change, field):
    path = write_json(tmp_path, broken(change), "broken.json")
    with pytest.raises(SharingDataError) as info:
        sharing_paths(path)
    err = info.value
    assert isinstance(err, SafetyLabError)
    assert str(err).startswith(f"broken.json: {err.field}: ")
    assert err.field == field or err.field.endswith(f".{field}"), err.field
    assert err.file == "broken.json"
    assert "\n" not in str(err)


def test_not_json_and_missing_file(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(SharingDataError, match="broken.json.*JSON"):
        sharing_paths(bad)
    with pytest.raises(SharingDataError, match="nowhere.json"):
        sharing_paths(tmp_path / "nowhere.json")
    bad.write_text("[]", encoding="utf-8")
    with pytest.raises(SharingDataError, match="broken.json"):
        sharing_paths(bad)
