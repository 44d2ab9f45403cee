"""The evidence kit: copies, hashes, timeline, report, verification, CLI and widgets.

Everything runs on the lesson's sample screenshots, made by their own code into
a temporary folder: the repository is never written to.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import require, run
from safetylab import evidence as ev
from safetylab import content, metadata, samples

LESSON = samples.LESSON_IF_HAPPENING
SHOTS = sorted((s for s in samples.SAMPLES.values() if s.lesson == LESSON), key=lambda s: s.name)
FIXED = "2024-09-15T20:30:00+00:00"


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def state(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Bytes, mtime and mode of every file, to prove nothing was touched."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            st = p.stat()
            out[p.relative_to(root).as_posix()] = (p.read_bytes(), st.st_mtime_ns, st.st_mode)
    return out


@pytest.fixture(scope="session")
def made_shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("made") / "screenshots"
    folder.mkdir()
    for s in SHOTS:
        s.make(folder / s.name)
    return folder


@pytest.fixture
def shots(made_shots, tmp_path) -> Path:
    dest = tmp_path / "screenshots"
    shutil.copytree(made_shots, dest)
    return dest


NOTES = {"usernames": ["Sky_22", "@sky_22_music"], "platform": "a chat app",
         "demanded": "200 in gift cards, or more photos",
         "payments": [{"amount": 200, "method": "gift card codes", "account": "sky22.pay@example.com"}],
         "dates": "Sunday 15 September 19:33", "text": "They said they would send it to my followers."}


# --------------------------------------------------------------------------- #
# The samples of the lesson
# --------------------------------------------------------------------------- #

def test_lesson_has_chat_and_payment_screenshots():
    names = {s.name for s in SHOTS}
    assert 5 <= len(names) <= 7 and "payment_request.png" in names
    assert sum(n.startswith("chat_") for n in names) >= 4


@pytest.mark.parametrize("sample", SHOTS, ids=[s.name for s in SHOTS])
def test_screenshot_is_a_phone_png_with_its_capture_time(made_shots, sample):
    from PIL import Image

    path = made_shots / sample.name
    with Image.open(path) as im:
        assert im.format == "PNG" and im.size == (750, 1334)
    md = metadata.read(path)
    assert md.taken_at == sample.expected["taken_at"]
    assert md.blocks == list(sample.expected["blocks"])
    # the tIME chunk holds the same moment in UTC
    data = path.read_bytes()
    i = data.index(b"tIME")
    y, mo, d, h, mi, s = int.from_bytes(data[i + 4:i + 6], "big"), *data[i + 6:i + 11]
    when = datetime.fromisoformat(sample.expected["taken_at"]).astimezone(timezone.utc)
    assert (y, mo, d, h, mi, s) == (when.year, when.month, when.day, when.hour, when.minute, when.second)


def test_screenshots_are_deterministic(made_shots, tmp_path):
    for s in SHOTS:
        s.make(tmp_path / s.name)
        assert (tmp_path / s.name).read_bytes() == (made_shots / s.name).read_bytes()


def test_screenshot_capture_times_are_distinct_and_ordered_like_the_story():
    times = [datetime.fromisoformat(s.expected["taken_at"]) for s in SHOTS]
    assert len(set(times)) == len(times)
    by_time = [s.name for _, s in sorted(zip(times, SHOTS))]
    assert by_time.index("chat_3_threat.png") < by_time.index("payment_request.png")


# --------------------------------------------------------------------------- #
# Building a kit
# --------------------------------------------------------------------------- #

def test_manifest_hashes_match_the_copies_and_the_originals(shots, tmp_path):
    kit = ev.build_kit(shots, tmp_path / "kit", NOTES, created=FIXED)
    manifest = json.loads((kit.bundle / ev.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["created"] == FIXED and manifest["source_folder"] == "screenshots"
    entries = manifest["files"]
    assert sorted(e["original"] for e in entries) == sorted(s.name for s in SHOTS)
    for e in entries:
        copy = kit.bundle / e["path"]
        assert e["path"] == f"files/{e['original']}"
        assert sha(copy) == e["sha256"] == sha(shots / e["original"])
        assert copy.stat().st_size == e["size"]
        assert e["modified_ns"] == (shots / e["original"]).stat().st_mtime_ns
        assert copy.stat().st_mtime_ns == e["modified_ns"]  # copy2 kept the time
        expected = samples.SAMPLES[f"{LESSON}/{e['original']}"].expected["taken_at"]
        assert e["capture_time"] == expected and e["capture_source"] == "PNG Creation Time"
        assert e["format"] == "PNG"
    # SHA256SUMS covers every file of the kit but itself
    sums = dict(reversed(line.split("  ", 1))
                for line in (kit.bundle / ev.SUMS).read_text(encoding="utf-8").splitlines())
    assert set(sums) == set(tree(kit.bundle)) - {ev.SUMS}
    assert all(sha(kit.bundle / name) == digest for name, digest in sums.items())
    assert ev.verify_kit(kit.bundle) == []


def test_sha256sum_accepts_the_list(shots, tmp_path):
    tool = shutil.which("sha256sum")
    require(tool is not None, "sha256sum (GNU coreutils) is not installed")
    kit = ev.build_kit(shots, tmp_path / "kit", created=FIXED)
    proc = subprocess.run([tool, "-c", ev.SUMS], cwd=kit.bundle, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_originals_are_never_changed(shots, tmp_path):
    (shots / "read_only.txt").write_text("saved message")
    (shots / "read_only.txt").chmod(0o444)
    before = state(shots)
    kit = ev.build_kit(shots, tmp_path / "kit", NOTES)
    assert state(shots) == before
    assert "read_only.txt" in {f.path for f in kit.files}
    ev.build_kit(shots, tmp_path / "kit", NOTES)  # again, into the same kit
    assert state(shots) == before


def test_timeline_uses_capture_times_in_order(shots, tmp_path):
    kit = ev.build_kit(shots, tmp_path / "kit", created=FIXED)
    order = [s.name for s in sorted(SHOTS, key=lambda s: datetime.fromisoformat(s.expected["taken_at"]))]
    assert [e.file.path for e in kit.timeline] == order
    assert {e.kind for e in kit.timeline} == {"capture"}
    with open(kit.bundle / ev.TIMELINE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["file"] for r in rows] == [f"files/{n}" for n in order]
    assert [int(r["number"]) for r in rows] == list(range(1, len(order) + 1))
    assert all(r["which_time"] == "capture" and r["time_source"] == "PNG Creation Time" for r in rows)


def _utime(path: Path, iso: str) -> None:
    t = datetime.fromisoformat(iso).timestamp()
    os.utime(path, (t, t))


def test_timeline_falls_back_to_file_time_and_says_so(made_shots, tmp_path):
    src = tmp_path / "mixed"
    src.mkdir()
    shutil.copy2(made_shots / "chat_1_friendly.png", src / "z_screenshot.png")  # taken 18:50:10 UTC
    (src / "a_note.txt").write_text("first")
    (src / "m_export.txt").write_text("later")
    _utime(src / "a_note.txt", "2024-09-15T18:00:00+00:00")
    _utime(src / "m_export.txt", "2024-09-15T19:00:00+00:00")
    _utime(src / "z_screenshot.png", "2024-12-01T00:00:00+00:00")  # file time must not be used
    kit = ev.build_kit(src, tmp_path / "kit", created=FIXED)
    got = [(e.file.path, e.kind) for e in kit.timeline]
    assert got == [("a_note.txt", "file"), ("z_screenshot.png", "capture"), ("m_export.txt", "file")]
    assert "no capture time" in kit.timeline[0].label and "PNG Creation Time" in kit.timeline[1].label
    by_name = {f.path: f for f in kit.files}
    assert by_name["a_note.txt"].capture_time is None and by_name["a_note.txt"].format is None
    assert by_name["a_note.txt"].modified == "2024-09-15T18:00:00+00:00"


def test_same_inputs_give_an_identical_bundle(shots, tmp_path):
    a = ev.build_kit(shots, tmp_path / "a", NOTES, created=FIXED)
    b = ev.build_kit(shots, tmp_path / "b", NOTES, created=FIXED)
    assert tree(a.bundle) == tree(b.bundle)
    assert a.files == b.files and a.notes == b.notes


def test_only_the_creation_time_differs_between_runs(shots, tmp_path):
    a = ev.build_kit(shots, tmp_path / "a", NOTES, created="2024-09-15T20:30:00Z")
    b = ev.build_kit(shots, tmp_path / "b", NOTES, created=datetime(2025, 1, 2, 3, 4, 5))
    ta, tb = tree(a.bundle), tree(b.bundle)
    assert set(ta) == set(tb)
    assert {k for k in ta if ta[k] != tb[k]} == {ev.MANIFEST, ev.REPORT, ev.SUMS}
    ma, mb = (json.loads(t[ev.MANIFEST]) for t in (ta, tb))
    assert mb["created"] == "2025-01-02T03:04:05+00:00"  # naive times are taken as UTC
    ma.pop("created"), mb.pop("created")
    assert ma == mb
    # the default is now, in UTC, to the second
    c = ev.build_kit(shots, tmp_path / "c")
    made = datetime.fromisoformat(c.created)
    assert made.tzinfo is not None and made.microsecond == 0
    assert abs((datetime.now(timezone.utc) - made).total_seconds()) < 120


def test_building_again_into_the_same_kit_changes_nothing(shots, tmp_path):
    first = ev.build_kit(shots, tmp_path / "kit", NOTES)
    before = state(first.bundle)
    again = ev.build_kit(shots, tmp_path / "kit", NOTES)  # default time: reuses the kit's
    assert again.created == first.created and state(first.bundle) == before
    with pytest.raises(ev.EvidenceError, match="different evidence kit"):
        ev.build_kit(shots, tmp_path / "kit", {"usernames": "someone else"})
    (shots / "new.txt").write_text("one more")
    with pytest.raises(ev.EvidenceError, match="different evidence kit"):
        ev.build_kit(shots, tmp_path / "kit", NOTES)
    assert state(first.bundle) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_existing_folders(shots, tmp_path):
    (tmp_path / "empty").mkdir()
    kit = ev.build_kit(shots, tmp_path / "empty", created=FIXED)
    assert (kit.bundle / ev.REPORT).is_file()
    other = tmp_path / "other"
    other.mkdir()
    (other / "mine.txt").write_text("not a kit")
    with pytest.raises(ev.EvidenceError, match="already exists"):
        ev.build_kit(shots, other)
    assert tree(other) == {"mine.txt": b"not a kit"}
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ev.EvidenceError, match="is a file"):
        ev.build_kit(shots, tmp_path / "afile")


@pytest.mark.parametrize("where", [".", "kit", "sub/kit"])
def test_kit_inside_the_source_is_refused(shots, where):
    before = state(shots)
    with pytest.raises(ev.EvidenceError, match="inside the folder"):
        ev.build_kit(shots, shots / where)
    assert state(shots) == before


def test_every_file_is_copied_hidden_and_outside_links_are_not(made_shots, tmp_path):
    src = tmp_path / "saved"
    (src / "week 1").mkdir(parents=True)
    shutil.copy2(made_shots / "chat_3_threat.png", src / "week 1" / "threat.png")
    (src / "export.html").write_text("<p>chat export</p>")
    (src / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")  # a damaged image is still evidence
    (src / ".DS_Store").write_bytes(b"junk")
    (src / ".cache").mkdir()
    (src / ".cache" / "x.txt").write_text("hidden")
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("private, outside the folder")
    (src / "outside_link.txt").symlink_to(secret)
    (src / "inside_link.png").symlink_to(src / "week 1" / "threat.png")
    (src / "folder_link").symlink_to(tmp_path, target_is_directory=True)
    (src / "broken_link").symlink_to(tmp_path / "missing")
    kit = ev.build_kit(src, tmp_path / "kit", created=FIXED)
    assert [f.path for f in kit.files] == ["export.html", "fake.png", "inside_link.png", "week 1/threat.png"]
    copied = kit.bundle / "files" / "week 1" / "threat.png"
    assert copied.read_bytes() == (src / "week 1" / "threat.png").read_bytes()
    assert not (kit.bundle / "files" / "inside_link.png").is_symlink()
    reasons = {s.path: s.reason for s in kit.skipped}
    assert reasons == {".DS_Store": "hidden file", ".cache/": "hidden folder",
                       "outside_link.txt": "a link to a file outside the folder; not followed",
                       "folder_link/": "a link to a folder; not followed", "broken_link": "a broken link"}
    everything = b"".join(tree(kit.bundle).values())
    assert b"private, outside the folder" not in everything
    damaged = {f.path: f for f in kit.files}["fake.png"]
    assert damaged.format == "PNG" and damaged.capture_time is None
    assert ev.verify_kit(kit.bundle) == []
    manifest = json.loads((kit.bundle / ev.MANIFEST).read_text(encoding="utf-8"))
    assert {s["path"] for s in manifest["skipped"]} == set(reasons)


def test_odd_file_names_survive_the_hash_list(tmp_path):
    tool = shutil.which("sha256sum")
    src = tmp_path / "saved"
    src.mkdir()
    for name in ("back\\slash.txt", "new\nline.txt", "ünï cödé.txt"):
        (src / name).write_text(name)
    kit = ev.build_kit(src, tmp_path / "kit", created=FIXED)
    assert ev.verify_kit(kit.bundle) == []
    (kit.bundle / "files" / "new\nline.txt").write_text("changed")
    assert any("new\nline.txt" in p for p in ev.verify_kit(kit.bundle))
    if tool:
        (kit.bundle / "files" / "new\nline.txt").write_text("new\nline.txt")
        proc = subprocess.run([tool, "-c", ev.SUMS], cwd=kit.bundle, capture_output=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- #
# Verifying
# --------------------------------------------------------------------------- #

def test_verify_finds_a_tampered_copy(shots, tmp_path):
    kit = ev.build_kit(shots, tmp_path / "kit", NOTES, created=FIXED)
    copy = kit.bundle / "files" / "chat_3_threat.png"
    data = bytearray(copy.read_bytes())
    data[-20] ^= 0xFF
    copy.write_bytes(bytes(data))
    problems = ev.verify_kit(kit.bundle)
    assert len(problems) == 1 and "files/chat_3_threat.png" in problems[0] and "changed" in problems[0]


def test_verify_finds_missing_added_and_edited_files(shots, tmp_path):
    kit = ev.build_kit(shots, tmp_path / "kit", NOTES, created=FIXED)
    (kit.bundle / "files" / "payment_request.png").unlink()
    (kit.bundle / "files" / "extra.png").write_bytes(b"added later")
    (kit.bundle / ev.NOTES).write_text("{}")
    problems = ev.verify_kit(kit.bundle)
    joined = "\n".join(problems)
    assert len(problems) == 3
    assert "files/payment_request.png is missing" in joined
    assert "files/extra.png was added" in joined
    assert "notes.json has changed" in joined
    assert all("\n" not in p for p in problems)


def test_verify_finds_a_manifest_that_was_rewritten(shots, tmp_path):
    kit = ev.build_kit(shots, tmp_path / "kit", created=FIXED)
    manifest = json.loads((kit.bundle / ev.MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][0]["sha256"] = "0" * 64
    (kit.bundle / ev.MANIFEST).write_text(json.dumps(manifest))
    problems = ev.verify_kit(kit.bundle)
    assert any(p.startswith("manifest.json has changed") for p in problems)
    assert any(manifest["files"][0]["path"] in p for p in problems)
    (kit.bundle / ev.SUMS).unlink()
    assert "SHA256SUMS is missing." in ev.verify_kit(kit.bundle)


def test_verify_refuses_what_is_not_a_kit(tmp_path):
    with pytest.raises(ev.EvidenceError, match="no evidence kit"):
        ev.verify_kit(tmp_path / "nothing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(ev.EvidenceError, match="not an evidence kit"):
        ev.verify_kit(tmp_path / "plain")


# --------------------------------------------------------------------------- #
# Bad input: one plain line, nothing left behind
# --------------------------------------------------------------------------- #

def _one_line(err: pytest.ExceptionInfo) -> str:
    msg = str(err.value)
    assert msg and "\n" not in msg and "Traceback" not in msg
    return msg


def test_missing_folder(tmp_path):
    with pytest.raises(ev.EvidenceError) as err:
        ev.build_kit(tmp_path / "no_such_folder", tmp_path / "kit")
    assert "no_such_folder" in _one_line(err)
    assert not (tmp_path / "kit").exists()


def test_a_file_is_not_a_folder(tmp_path):
    (tmp_path / "shot.png").write_bytes(b"x")
    with pytest.raises(ev.EvidenceError) as err:
        ev.build_kit(tmp_path / "shot.png", tmp_path / "kit")
    assert "not a folder" in _one_line(err)


def test_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden").write_text("x")
    with pytest.raises(ev.EvidenceError) as err:
        ev.build_kit(tmp_path / "empty", tmp_path / "kit")
    assert "no files to copy" in _one_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_file_that_cannot_be_read(shots, tmp_path, monkeypatch):
    real = ev.open_regular

    def refuse(path, **kwargs):  # as root, chmod 000 would not stop the read
        if Path(path).name == "chat_2_request.png" and shots in Path(path).parents:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(ev, "open_regular", refuse)
    before = state(shots)
    with pytest.raises(ev.EvidenceError) as err:
        ev.build_kit(shots, tmp_path / "kit")
    msg = _one_line(err)
    assert "chat_2_request.png" in msg and "Permission denied" in msg and "nothing was written" in msg
    assert not (tmp_path / "kit").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["screenshots"]  # no half-made kit
    assert state(shots) == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="file permissions do not stop the root user")
def test_a_file_without_read_permission(shots, tmp_path):
    (shots / "locked.txt").write_text("x")
    (shots / "locked.txt").chmod(0)
    try:
        with pytest.raises(ev.EvidenceError) as err:
            ev.build_kit(shots, tmp_path / "kit")
        assert "locked.txt" in _one_line(err)
    finally:
        (shots / "locked.txt").chmod(0o644)


def test_a_folder_that_cannot_be_listed(shots, tmp_path, monkeypatch):
    real_walk = os.walk

    def walk(top, **kw):
        kw["onerror"](PermissionError(13, "Permission denied", str(Path(top) / "private")))
        yield from real_walk(top, **kw)

    monkeypatch.setattr(ev.os, "walk", walk)
    with pytest.raises(ev.EvidenceError) as err:
        ev.build_kit(shots, tmp_path / "kit")
    assert _one_line(err) == ("The folder private could not be opened (Permission denied); "
                              "nothing was written.")
    assert not (tmp_path / "kit").exists()


def test_an_original_that_changes_while_copied(shots, tmp_path, monkeypatch):
    real = ev._hash_stream

    def copy_then_touch(fh, out=None):
        got = real(fh, out)
        if out is not None and Path(out.name).name == "chat_1_friendly.png":
            with open(shots / "chat_1_friendly.png", "ab") as orig:  # another app writes to it meanwhile
                orig.write(b"!")
        return got

    monkeypatch.setattr(ev, "_hash_stream", copy_then_touch)
    with pytest.raises(ev.EvidenceError, match="changed while it was being copied"):
        ev.build_kit(shots, tmp_path / "kit")
    assert not (tmp_path / "kit").exists()


def test_empty_names_are_refused(shots, tmp_path, widgets):
    with pytest.raises(ev.EvidenceError, match="No folder was given:"):
        ev.build_kit("  ", tmp_path / "kit")
    with pytest.raises(ev.EvidenceError, match="No folder was given for the kit"):
        ev.build_kit(shots, "")
    maker = widgets.KitMaker(folder="", out_dir="kit")
    assert maker.preview() is None and "No folder of screenshots was given" in maker.plan_view.value
    assert maker.make() is None and maker.make_button.disabled


def test_bad_created_time(shots, tmp_path):
    with pytest.raises(ev.EvidenceError, match="not a date"):
        ev.build_kit(shots, tmp_path / "kit", created="yesterday")


# --------------------------------------------------------------------------- #
# Notes
# --------------------------------------------------------------------------- #

def test_notes_round_trip_and_normalise():
    n = ev.Notes.from_dict(NOTES)
    assert n.usernames == ("Sky_22", "@sky_22_music") and n.dates == ("Sunday 15 September 19:33",)
    assert n.payments == (ev.Payment("200", "gift card codes", "sky22.pay@example.com"),)
    assert ev.Notes.from_dict(n.to_dict()) == n
    assert ev.Notes().is_empty() and not n.is_empty()
    assert ev.Notes(usernames=["  ", "x "], payments=[ev.Payment()]).to_dict()["usernames"] == ["x"]
    assert ev.Notes(payments=[ev.Payment()]).payments == ()


def test_notes_from_form_splits_lists():
    n = ev.notes_from_form("Sky_22,\n@sky , ", "app", "money", [("200", "cards", "acct"),
                           {"amount": "50"}, ev.Payment(method="bank")], "Sat, Sun\nMon", " words ")
    assert n.usernames == ("Sky_22", "@sky") and n.dates == ("Sat", "Sun", "Mon")
    assert [p.amount for p in n.payments] == ["200", "50", ""] and n.text == "words"


@pytest.mark.parametrize("data, field", [
    ({"usernames": 5}, "usernames"),
    ({"payments": [{"amount": [1]}]}, "payments[0].amount"),
    ({"payments": [{"amount": "1", "acount": "x"}]}, "payments[0].acount"),
    ({"platfrom": "x"}, "platfrom"),
    ({"payments": "200"}, "payments"),
    ({"dates": ["ok", 3]}, "dates[1]"),
    ([], ""),
])
def test_bad_notes_name_the_field(tmp_path, data, field):
    path = tmp_path / "my_notes.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ev.NotesError) as err:
        ev.load_notes(path)
    msg = _one_line(err)
    assert err.value.file == "my_notes.json" and "my_notes.json" in msg
    assert err.value.field == field
    if field:
        assert msg.startswith(f"my_notes.json: {field}: ")


def test_notes_file_problems(tmp_path):
    with pytest.raises(ev.NotesError, match="^missing.json: no such file$"):
        ev.load_notes(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text('{"usernames": [')
    with pytest.raises(ev.NotesError, match=r"^broken.json: line 1, column \d+: not valid JSON"):
        ev.load_notes(tmp_path / "broken.json")
    (tmp_path / "big.json").write_text('{"text": "' + "x" * 1_000_000 + '"}')
    with pytest.raises(ev.NotesError, match="larger than 1 MB"):
        ev.load_notes(tmp_path / "big.json")
    with pytest.raises(ev.NotesError, match="is a folder"):
        ev.load_notes(tmp_path)


# --------------------------------------------------------------------------- #
# The report
# --------------------------------------------------------------------------- #

class _Page(HTMLParser):
    """Collect tables (by id) as rows of cell text, and every tag with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.tables: dict[str, dict[str, list]] = {}
        self.text: list[str] = []
        self._table = None
        self._part = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id", f"t{len(self.tables)}"),
                                                 {"caption": [], "thead": [], "tbody": []})
        elif tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._table is not None and self._part:
            self._table[self._part].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = self._part = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        elif self._table is not None and self._part is None:
            self._table["caption"].append(data)


def _page(kit) -> _Page:
    page = _Page()
    page.feed((kit.bundle / ev.REPORT).read_text(encoding="utf-8"))
    return page


def test_report_has_timeline_notes_and_hashes(shots, tmp_path):
    kit = ev.build_kit(shots, tmp_path / "kit", NOTES, created=FIXED)
    page = _page(kit)
    text = " ".join(" ".join(page.text).split())
    assert ev.CALM_HEADER in text and "not your fault" in text
    tl = page.tables["timeline"]
    assert tl["thead"][0] == ["#", "Time", "Which time", "File", "SHA-256 (start)"]
    assert len(tl["tbody"]) == len(kit.files) == len(SHOTS)
    assert [r[3] for r in tl["tbody"]] == [e.file.path for e in kit.timeline]
    assert all(r[4].rstrip("…") == e.file.sha256[:16] for r, e in zip(tl["tbody"], kit.timeline))
    assert all("taken" in r[2] for r in tl["tbody"])
    files = page.tables["files"]
    assert {r[2] for r in files["tbody"]} == {f.sha256 for f in kit.files}
    pays = page.tables["payments"]["tbody"]
    assert pays == [["200", "gift card codes", "sky22.pay@example.com"]]
    for value in ("Sky_22, @sky_22_music", "a chat app", "200 in gift cards, or more photos",
                  "Sunday 15 September 19:33", "They said they would send it to my followers."):
        assert value in text
    assert "15 September 2024, 8:30:00 pm UTC" in text  # the kit's time, from the parameter, in words
    for heading in ("Summary", "Timeline", "Files and fingerprints", "How this kit was made",
                    "What this kit does not do"):
        assert heading in page.text
    assert all("".join(t["caption"]).strip() for t in page.tables.values())


def test_report_is_self_contained_printable_and_accessible(made_shots, tmp_path):
    src = tmp_path / "saved"
    src.mkdir()
    shutil.copy2(made_shots / "chat_3_threat.png", src / "a b#1.png")
    kit = ev.build_kit(src, tmp_path / "kit", {"text": "<script>alert(1)</script> & <b>"}, created=FIXED)
    raw = (kit.bundle / ev.REPORT).read_text(encoding="utf-8")
    page = _page(kit)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in raw
    assert ("html", {"lang": "en"}) in page.tags
    assert "@media print" in raw and "@import" not in raw and "url(" not in raw
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert hrefs and all(h.startswith("files/") for h in hrefs)
    assert "files/a%20b%231.png" in hrefs
    assert all(a.get("scope") in ("col", "row") for t, a in page.tags if t == "th")
    assert "No payment requests noted." in raw


def test_notes_can_be_given_as_a_file(shots, tmp_path):
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(NOTES))
    kit = ev.build_kit(shots, tmp_path / "kit", path, created=FIXED)
    assert kit.notes == ev.Notes.from_dict(NOTES)
    assert json.loads((kit.bundle / ev.NOTES).read_text(encoding="utf-8")) == kit.notes.to_dict()
    with pytest.raises(TypeError):
        ev.build_kit(shots, tmp_path / "kit2", 42)


def test_report_without_notes_says_so(shots, tmp_path):
    kit = ev.build_kit(shots, tmp_path / "kit", created=FIXED)
    assert "No notes were added" in (kit.bundle / ev.REPORT).read_text(encoding="utf-8")
    assert json.loads((kit.bundle / ev.NOTES).read_text(encoding="utf-8")) == ev.Notes().to_dict()


def test_steps_are_the_five_in_order_and_the_report_shows_them(shots, tmp_path):
    steps = content.steps()
    titles = [s.title for s in steps]
    assert len(titles) == 5
    assert "paying" in titles[0].lower() and "nothing more" in titles[1].lower()
    assert "evidence" in titles[2].lower() and titles[3].lower().startswith("block, then report")
    assert "tell someone" in titles[4].lower()
    assert "image itself" in steps[2].why and steps[2].under_18 and "trusted adult" in steps[2].under_18
    assert steps[4].may_come_first and "can come first" in steps[4].under_18  # telling an adult first
    page = (ev.build_kit(shots, tmp_path / "kit", created=FIXED).report_path).read_text(encoding="utf-8")
    for step in steps:
        assert html.escape(step.title) in page and html.escape(step.why) in page
    assert "hurting yourself" in page  # the crisis lines travel with the report


# --------------------------------------------------------------------------- #
# Looking before copying
# --------------------------------------------------------------------------- #

def test_plan_lists_every_file_with_its_type_and_copies_nothing(shots, tmp_path):
    before = state(shots)
    plan = ev.plan_kit(shots)
    assert plan.source == shots.name and state(shots) == before
    assert not (tmp_path / "kit").exists()
    assert [f.path for f in plan.files] == sorted(s.name for s in SHOTS)
    kinds = {f.path: f.kind for f in plan.files}
    assert all(kinds[s.name] == "PNG image" for s in SHOTS if s.name.endswith(".png"))
    assert all(kinds[s.name] == "text file" for s in SHOTS if s.name.endswith(".json"))
    assert all(f.size == (shots / f.path).stat().st_size for f in plan.files)
    assert plan.warnings == ()  # screenshots and notes only
    text = plan.summary()
    assert text.startswith(ev.LEAVE_OUT) and "Leave the image itself out" in text
    assert all(f"{f.path} ({f.kind}" in text for f in plan.files)
    from safetylab.widgets.evidence import plan_html  # the page names the folder, or says it in words

    assert f"files from {shots.name}</caption>" in plan_html(plan)
    assert "files from the lesson&#x27;s sample screenshots</caption>" in plan_html(plan, "the lesson's sample screenshots")


def test_plan_flags_a_camera_photo_and_a_video(shots):
    photo = samples.sample_path("landmark_gps.jpg")
    require(photo.is_file(), "the lesson 3 samples have not been generated (run 'safetylab samples')")
    shutil.copy(photo, shots / "IMG_0001.jpg")
    (shots / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    plan = ev.plan_kit(shots)
    flagged = {f.path: f for f in plan.warnings}
    assert set(flagged) == {"IMG_0001.jpg", "clip.mp4"}
    assert flagged["IMG_0001.jpg"].kind == "JPEG image" and "not a screenshot" in flagged["IMG_0001.jpg"].warning
    assert "image itself" in flagged["IMG_0001.jpg"].warning
    assert flagged["clip.mp4"].kind == "video file"
    assert "<- check:" in plan.summary()


def test_build_with_a_plan_refuses_a_folder_that_changed_since(shots, tmp_path):
    plan = ev.plan_kit(shots)
    (shots / "late.png").write_bytes((shots / SHOTS[0].name).read_bytes())
    with pytest.raises(ev.EvidenceError, match=r"changed since its list of files was shown \(new: late.png\)"):
        ev.build_kit(shots, tmp_path / "kit", plan=plan)
    assert not (tmp_path / "kit").exists()
    kit = ev.build_kit(shots, tmp_path / "kit", plan=ev.plan_kit(shots))  # look again, then it goes
    assert "late.png" in {f.path for f in kit.files}


# --------------------------------------------------------------------------- #
# The command line
# --------------------------------------------------------------------------- #

def test_cli_makes_a_kit(safetylab_cmd, shots, tmp_path):
    notes = tmp_path / "notes.json"
    notes.write_text(json.dumps(NOTES))
    before = state(shots)
    asked = run(safetylab_cmd, "evidence", shots, "-o", tmp_path / "kit", "--notes", notes)
    assert asked.returncode == 2 and not (tmp_path / "kit").exists()  # not a terminal, no --yes: nothing copied
    assert "Leave the image itself out" in asked.stdout and all(s.name in asked.stdout for s in SHOTS)
    assert len(asked.stderr.strip().splitlines()) == 1 and "--yes" in asked.stderr
    proc = run(safetylab_cmd, "evidence", shots, "-o", tmp_path / "kit", "--notes", notes, "--yes")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.index("Leave the image itself out") < out.index("Evidence kit made")  # the list comes first
    assert str((tmp_path / "kit").resolve()) in out and "report.html" in out
    assert f"{len(SHOTS)} files copied" in out and "Nothing was uploaded" in out
    assert all(f"{s.number}. {s.title}." in out for s in content.steps())
    assert "not your fault" in out and proc.stderr == ""
    assert ev.verify_kit(tmp_path / "kit") == []
    assert "Sky_22" in (tmp_path / "kit" / ev.REPORT).read_text(encoding="utf-8")
    assert state(shots) == before
    again = run(safetylab_cmd, "evidence", shots, "-o", tmp_path / "kit", "--notes", notes, "--yes")
    assert again.returncode == 0, again.stderr


def test_cli_errors_are_one_line(safetylab_cmd, shots, tmp_path):
    missing = run(safetylab_cmd, "evidence", tmp_path / "nope", "-o", tmp_path / "kit")
    assert missing.returncode == 1 and missing.stdout == ""
    assert len(missing.stderr.strip().splitlines()) == 1 and "nope" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"payments": [{"amount": True}]}))
    proc = run(safetylab_cmd, "evidence", shots, "-o", tmp_path / "kit", "--notes", bad, "--yes")
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
    assert "bad.json" in proc.stderr and "payments[0].amount" in proc.stderr
    inside = run(safetylab_cmd, "evidence", shots, "-o", shots / "kit", "--yes")
    assert inside.returncode == 1 and "inside the folder" in inside.stderr
    assert not (tmp_path / "kit").exists() and not (shots / "kit").exists()


def test_cli_usage_exits_2(safetylab_cmd, shots):
    assert run(safetylab_cmd, "evidence").returncode == 2
    assert run(safetylab_cmd, "evidence", shots).returncode == 2  # -o BUNDLE is required
    assert run(safetylab_cmd, "evidence", shots, "-o", "x", "--frob").returncode == 2


# --------------------------------------------------------------------------- #
# Hostile files and folders: pipes, devices, links swapped in, big kits
# --------------------------------------------------------------------------- #

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")


@needs_fifo
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge", "folder"])
def test_cli_notes_that_are_not_a_small_file_are_one_line_at_once(safetylab_cmd, shots, tmp_path, kind):
    """A pipe nobody writes to must not hang; /dev/zero and a huge file must not be read without end."""
    notes = tmp_path / "notes.json"
    if kind == "fifo":
        os.mkfifo(notes)
    elif kind == "dev-zero":
        notes.symlink_to("/dev/zero")
    elif kind == "huge":
        with open(notes, "wb") as fh:  # sparse: 4 GB that take no disk
            fh.truncate(4 * 2**30)
    else:
        notes.mkdir()
    proc = run(safetylab_cmd, "evidence", shots, "-o", tmp_path / "kit", "--notes", notes, "--yes", timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "notes.json" in lines[0], proc.stderr
    assert {"huge": "larger than 1 MB", "folder": "is a folder"}.get(kind, "not an ordinary file") in lines[0]
    assert not (tmp_path / "kit").exists()


@needs_fifo
def test_a_kit_folder_whose_manifest_is_a_pipe_does_not_hang(safetylab_cmd, shots, tmp_path):
    kit = tmp_path / "kit"
    kit.mkdir()
    os.mkfifo(kit / ev.MANIFEST)
    (kit / ev.SUMS).write_text("")
    proc = run(safetylab_cmd, "evidence", shots, "-o", kit, "--yes", timeout=60)
    assert proc.returncode == 1 and "already exists and holds other files" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    check = subprocess.run([sys.executable, "-c", "import sys; from safetylab.evidence import verify_kit; "
                            "print(verify_kit(sys.argv[1]))", str(kit)],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and f"{ev.MANIFEST} is missing" in check.stdout, check.stderr
    assert sorted(p.name for p in kit.iterdir()) == sorted([ev.MANIFEST, ev.SUMS])  # nothing changed


def _swap_after_listing(monkeypatch, swap):
    """Run ``swap()`` after the folder was listed and checked, before anything is copied."""
    real = ev._collect

    def collect_then_swap(root):
        found = real(root)
        swap()
        return found

    monkeypatch.setattr(ev, "_collect", collect_then_swap)


@pytest.mark.timeout(60)  # a pipe swapped in must not hang
@pytest.mark.parametrize("how", ["link", "other-file", "folder-link", "pipe"])
def test_a_file_swapped_between_check_and_copy_is_not_copied(shots, tmp_path, monkeypatch, how):
    secret = tmp_path / "elsewhere" / "sub" / "chat_1_friendly.png"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(b"root:SECRET-HASH:19000:0:99999:7:::\n")  # stands for /etc/shadow
    (shots / "sub").mkdir()
    shutil.copy(shots / "chat_1_friendly.png", shots / "sub" / "chat_1_friendly.png")
    target = shots / "sub" / "chat_1_friendly.png"

    def swap():
        if how == "link":  # the file becomes a link to a file it was never allowed to copy
            target.unlink()
            target.symlink_to(secret)
        elif how == "other-file":  # another file is moved into its place
            os.replace(secret, target)
        elif how == "pipe":  # a named pipe nobody writes to (reading it would wait for ever)
            target.unlink()
            os.mkfifo(target)
        else:  # its folder becomes a link to another folder with a file of the same name
            shutil.rmtree(shots / "sub")
            (shots / "sub").symlink_to(secret.parent, target_is_directory=True)

    _swap_after_listing(monkeypatch, swap)
    with pytest.raises(ev.EvidenceError) as err:
        ev.build_kit(shots, tmp_path / "kit")
    msg = _one_line(err)
    assert "sub/chat_1_friendly.png was replaced" in msg and "nothing was written" in msg
    assert not (tmp_path / "kit").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and b"SECRET" in p.read_bytes()
                and p != secret and p != target and p.parent != secret.parent]
    if Path("/etc/shadow").exists() and how == "link":  # and the real thing, if this system has it
        def to_shadow():
            target.unlink()
            target.symlink_to("/etc/shadow")
        shutil.rmtree(shots / "sub")
        (shots / "sub").mkdir()
        shutil.copy(shots / "chat_1_friendly.png", target)
        _swap_after_listing(monkeypatch, to_shadow)
        with pytest.raises(ev.EvidenceError, match="was replaced"):
            ev.build_kit(shots, tmp_path / "kit2")
        assert not (tmp_path / "kit2").exists()


def test_building_again_into_a_kit_does_not_hold_both_kits_in_memory(tmp_path):
    import tracemalloc

    src = tmp_path / "saved"
    src.mkdir()
    size = 24 * 2**20
    for i in range(3):
        (src / f"export-{i}.bin").write_bytes(os.urandom(size))  # 72 MB: both kits would be 144 MB
    kit = ev.build_kit(src, tmp_path / "kit", created=FIXED)
    tracemalloc.start()
    try:
        again = ev.build_kit(src, tmp_path / "kit")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert again.created == kit.created and ev.verify_kit(kit.bundle) == []
    assert peak < size, f"building again held {peak / 2**20:.0f} MB at once"
    (tmp_path / "kit" / "files" / "export-2.bin").write_bytes(os.urandom(size))  # a different kit
    with pytest.raises(ev.EvidenceError, match="already holds a different evidence kit"):
        ev.build_kit(src, tmp_path / "kit")


# --------------------------------------------------------------------------- #
# Widgets, driven from Python
# --------------------------------------------------------------------------- #

@pytest.fixture
def widgets():
    pytest.importorskip("ipywidgets", reason="the lab extra (ipywidgets) is not installed")
    from safetylab.widgets import evidence as we
    return we


def test_kit_maker_form_to_kit(widgets, shots, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    maker = widgets.KitMaker(folder=shots, out_dir="my_kit")
    maker.usernames.value = "Sky_22, @sky_22_music"
    maker.platform.value = "a chat app"
    maker.demanded.value = "200 in gift cards"
    maker.pay_amount.value, maker.pay_method.value = "200", "gift cards"
    maker.add_payment_button.click()
    assert maker.pay_amount.value == "" and "200" in maker.payments_view.value
    maker.add_payment_button.click()  # empty fields: nothing added
    assert len(maker.payments) == 1
    maker.pay_account.value = "sky22.pay@example.com"  # typed but not added: still kept
    maker.dates.value = "Sun 19:33"
    maker.text.value = "I blocked them <b>"
    assert maker.make_button.disabled and maker.confirm.disabled  # nothing can be copied before looking
    assert maker.make() is None and "First show the files" in maker.result_view.value
    plan = maker.preview()
    assert plan is not None and not maker.confirm.disabled and maker.make_button.disabled
    shown = maker.plan_view.value
    assert "Leave the image itself out" in shown and all(html.escape(s.name) in shown for s in SHOTS)
    assert "PNG image" in shown and "<caption" in shown and 'scope="col"' in shown
    maker.confirm.value = True
    assert not maker.make_button.disabled
    maker.make_button.click()
    kit = maker.kit
    assert kit is not None and kit.bundle == (tmp_path / "my_kit").resolve()
    assert [p.account for p in kit.notes.payments] == ["", "sky22.pay@example.com"]
    view = maker.result_view.value
    assert f"{len(SHOTS)} files" in view and 'href="my_kit/report.html"' in view
    assert 'role="status"' in view
    assert "I blocked them &lt;b&gt;" in (kit.bundle / ev.REPORT).read_text(encoding="utf-8")
    maker.clear_payments_button.click()
    assert maker.payments == [] and "No payment requests" in maker.payments_view.value


def test_kit_maker_shows_one_line_errors(widgets, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    maker = widgets.KitMaker(folder=tmp_path / "nothing_here", out_dir=tmp_path / "kit")
    assert maker.preview() is None
    assert 'role="alert"' in maker.plan_view.value and "nothing_here" in maker.plan_view.value
    assert maker.make() is None and maker.make_button.disabled


def test_kit_maker_looks_again_when_the_folder_changes(widgets, shots, tmp_path):
    maker = widgets.KitMaker(folder=shots, out_dir=tmp_path / "kit", base=tmp_path)
    maker.preview()
    maker.confirm.value = True
    (shots / "late.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # added after the list was shown
    assert maker.make() is None and "changed since" in maker.result_view.value
    assert not (tmp_path / "kit").exists()
    maker.folder.value = str(tmp_path)  # a different folder: the confirmation is forgotten
    assert maker.plan is None and maker.confirm.value is False and maker.make_button.disabled


def test_kit_maker_defaults_to_the_lesson_samples(widgets):
    maker = widgets.KitMaker()
    assert Path(maker.folder.value) == samples.DEFAULT_DEST / LESSON
    assert not Path(maker.out_dir.value).is_absolute()


def test_checklist(widgets):
    c = widgets.StepsChecklist()
    assert len(c.boxes) == 5 and c.done == 0 and not c.all_done
    assert [b.description for b in c.boxes][0].startswith("1. Stop paying")
    assert "Under 18:" in c.widget.children[5].value  # step 3 says what differs for a young person
    for i in range(1, 5):
        c.tick(i)
    assert c.done == 4 and widgets.ALL_DONE_MESSAGE not in c.message.value
    c.boxes[4].value = True  # what pressing Space on the last box does
    assert c.all_done and "not your fault" in c.message.value and 'role="status"' in c.message.value
    c.tick(2, False)
    assert c.done == 4 and "4 of 5" in c.message.value


def test_help_finder(widgets):
    f = widgets.HelpFinder()
    assert f.region.options[0] == f.ALL and "United Kingdom" in f.region.options
    assert "Childline" in f.view.value and "eSafety" in f.view.value
    f.region.value = "Australia"
    assert "eSafety" in f.view.value and "StopNCII" in f.view.value and "Childline" not in f.view.value


def test_views(widgets, made_shots, shots, tmp_path):
    kit = ev.build_kit(shots, tmp_path / "kit", NOTES, created=FIXED)
    frame = widgets.report_preview_html(kit)
    assert "<iframe" in frame and 'title="Evidence kit report' in frame and 'sandbox=""' in frame
    assert "srcdoc=" in frame and "<table" not in frame  # the page is escaped inside the attribute
    html_view = widgets.kit_html(kit, base=tmp_path)
    assert 'href="kit/report.html"' in html_view
    shown = widgets.screenshots_html([made_shots / s.name for s in SHOTS[:3]],
                                     ["first <one>", "second", "third"])
    assert shown.count("<img ") == 3 and shown.count("<figcaption") == 3
    assert 'alt="first &lt;one&gt;"' in shown and "src=\"data:image/png;base64," in shown
    assert [m.startswith("data:image/png;base64,") for m in re.findall(r'src="([^"]*)"', shown)] == [True] * 3
    assert widgets.screenshots_html([made_shots / SHOTS[0].name]).count(f'alt="{SHOTS[0].name}"') == 1
    with pytest.raises(ValueError):
        widgets.screenshots_html([made_shots / SHOTS[0].name], ["a", "b"])
