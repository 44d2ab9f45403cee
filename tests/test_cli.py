"""The safetylab command: JSON contract, exit codes, one-line errors."""

from __future__ import annotations

import json

from conftest import make_photo, run

KEYS = {"file", "format", "width", "height", "gps", "taken_at", "camera", "owner", "thumbnail",
        "blocks", "faces", "texts", "risks", "error"}


def test_check_json_one_photo_is_an_object(safetylab_cmd, tmp_path):
    p = make_photo(tmp_path / "p.jpg")
    proc = run(safetylab_cmd, "check", "--json", p)
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(proc.stdout)
    assert KEYS <= set(rep)
    assert rep["format"] == "JPEG" and (rep["width"], rep["height"]) == (320, 240)
    assert rep["gps"]["lat"] > 48.8 and rep["gps"]["place"].endswith("FR")
    assert rep["taken_at"] == "2024-06-01T14:03:22+02:00"
    assert rep["camera"]["serial"] == "PW12-000042" and rep["owner"] == "Alex Example"
    assert rep["thumbnail"] == {"present": True, "width": 160, "height": 120, "differs": False,
                                "source": "EXIF IFD1", "readable": True}
    assert rep["faces"] == [] and rep["texts"] == [] and rep["error"] is None
    assert rep["risks"][0]["id"] == "gps" and rep["risks"][0]["level"] == "high"


def test_check_json_several_photos_is_a_list_with_nulls(safetylab_cmd, tmp_path):
    from PIL import Image

    clean = tmp_path / "clean.png"
    Image.new("RGB", (10, 10)).save(clean)
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    proc = run(safetylab_cmd, "check", "--json", clean, bad)
    assert proc.returncode == 1
    reps = json.loads(proc.stdout)
    assert [set(r) >= KEYS for r in reps] == [True, True]
    assert reps[0]["gps"] is None and reps[0]["owner"] is None and reps[0]["risks"] == []
    assert reps[1]["error"] and "\n" not in reps[1]["error"] and reps[1]["format"] is None


def test_check_text_and_bad_file(safetylab_cmd, tmp_path):
    p = make_photo(tmp_path / "p.jpg", crop=True)
    proc = run(safetylab_cmd, "check", p)
    assert proc.returncode == 0
    assert "DIFFERENT from the picture" in proc.stdout and "Alex Example" in proc.stdout
    bad = tmp_path / "x.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00")
    proc = run(safetylab_cmd, "check", bad)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr


def test_bad_usage_exits_2(safetylab_cmd):
    assert run(safetylab_cmd).returncode == 2
    assert run(safetylab_cmd, "check").returncode == 2
    assert run(safetylab_cmd, "frobnicate").returncode == 2


def test_scrub_command(safetylab_cmd, tmp_path):
    p = make_photo(tmp_path / "IMG_1.jpg")
    before = p.read_bytes()
    proc = run(safetylab_cmd, "scrub", p, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert "GPS location" in proc.stdout and "does not hide what the picture shows" in proc.stdout
    assert p.read_bytes() == before
    outs = list((tmp_path / "out").iterdir())
    assert len(outs) == 1
    proc = run(safetylab_cmd, "check", "--json", outs[0])
    rep = json.loads(proc.stdout)
    assert rep["gps"] is None and rep["owner"] is None and rep["thumbnail"] is None and rep["risks"] == []
    missing = run(safetylab_cmd, "scrub", tmp_path / "nope.jpg")
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1


def test_check_finds_faces_and_redact_hides_them(safetylab_cmd, testdata, tmp_path):
    src = testdata / "faces" / "dlib_2008_002079.jpg"
    rep = json.loads(run(safetylab_cmd, "check", "--json", src).stdout)
    assert len(rep["faces"]) >= 5 and any(r["id"] == "faces" for r in rep["risks"])
    for f in rep["faces"]:
        x, y, w, h = f["box"]
        assert 0 <= x and 0 <= y and x + w <= rep["width"] and y + h <= rep["height"]
        assert 0 < f["score"] <= 1
    out = tmp_path / "hidden.png"
    proc = run(safetylab_cmd, "redact", src, "-o", out, "--region", "0,0,40,30")
    assert proc.returncode == 0, proc.stderr
    after = json.loads(run(safetylab_cmd, "check", "--json", out).stdout)
    assert after["faces"] == [] and after["risks"] == []
    again = run(safetylab_cmd, "redact", src, "-o", out)  # never overwrites: a new name instead
    assert again.returncode == 0 and "hidden-2.png" in again.stdout
    assert run(safetylab_cmd, "redact", src, "-o", out, "--mode", "smudge").returncode == 2
    assert run(safetylab_cmd, "redact", src, "-o", out, "--region", "1,2").returncode == 2
