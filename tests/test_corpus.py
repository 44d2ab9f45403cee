"""The real-world corpus (../shared/testdata): agreement with ExifTool, and bad files."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest

from conftest import corpus_files

pytestmark = pytest.mark.corpus


def _sha(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def checked(testdata, safetylab_cmd):
    """``safetylab check --json`` over the whole corpus in one process, keyed by relative path."""
    files = corpus_files(testdata, include_malformed=True)
    before = {p: _sha(p) for p in files}
    proc = subprocess.run(safetylab_cmd + ["check", "--json", *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr  # some malformed files cannot be read
    assert "Traceback" not in proc.stderr
    reports = json.loads(proc.stdout)
    assert len(reports) == len(files)
    assert all(_sha(p) == h for p, h in before.items()), "check changed a file"
    return {str(p.relative_to(testdata)): r for p, r in zip(files, reports)}


def test_json_contract_keys_are_always_present(checked):
    keys = {"file", "format", "width", "height", "gps", "taken_at", "camera", "owner",
            "thumbnail", "blocks", "faces", "texts", "risks", "error"}
    for rel, rep in checked.items():
        assert keys <= set(rep), rel
        if rep["error"] is not None:
            assert "\n" not in rep["error"] and rep["error"].strip()
        if rep["gps"] is not None:
            assert {"lat", "lon", "alt", "place"} <= set(rep["gps"])


def test_gps_agrees_with_exiftool(checked, exiftool_report):
    compared = 0
    for rel, et in exiftool_report.items():
        lat, lon = et.get("Composite:GPSLatitude"), et.get("Composite:GPSLongitude")
        if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
            continue
        gps = checked[rel]["gps"]
        assert gps is not None and gps["lat"] is not None, f"{rel}: no GPS position reported"
        assert gps["lat"] == pytest.approx(lat, abs=1e-4), rel
        assert gps["lon"] == pytest.approx(lon, abs=1e-4), rel
        assert gps["place"], rel
        compared += 1
    assert compared >= 20  # every GPS file in the corpus, phone HEICs included
    assert any(rel.startswith("heic/") for rel, et in exiftool_report.items()
               if isinstance(et.get("Composite:GPSLatitude"), float))


def test_empty_gps_blocks_are_reported_as_such(checked, manifest):
    for rel, row in manifest.items():
        if "GPS IFD present but no usable coordinates" in row["notable"] and checked[rel]["error"] is None:
            gps = checked[rel]["gps"]
            assert gps is not None and gps["usable"] is False and gps["lat"] is None, rel


def test_every_decodable_thumbnail_is_reported(checked, manifest):
    seen = 0
    for rel, row in manifest.items():
        notable = row["notable"]
        if "valid JPEG" in notable or "HEIF thumbnail item" in notable:
            rep = checked[rel]
            if rep["error"] is not None:
                continue
            assert rep["thumbnail"] and rep["thumbnail"]["present"], rel
            seen += 1
    assert seen >= 60


def test_formats_and_sizes_agree_with_pillow(checked, manifest):
    import re

    for rel, row in manifest.items():
        m = re.search(r"Pillow13 ok (\d+)x(\d+)", row["notable"])
        rep = checked[rel]
        if not m or rep["error"] is not None or rel.startswith("malformed/"):
            continue
        w, h = int(m.group(1)), int(m.group(2))
        assert {rep["width"], rep["height"]} == {w, h}, rel  # Pillow's size is before orientation


@pytest.mark.parametrize("command", ["check", "scrub"])
def test_malformed_files_get_one_plain_line(testdata, safetylab_cmd, tmp_path, command):
    files = corpus_files(testdata / "malformed", include_malformed=True)
    assert len(files) >= 50
    for p in files:
        before = _sha(p)
        args = ["check", str(p)] if command == "check" else ["scrub", str(p), "-o", str(tmp_path)]
        try:
            proc = subprocess.run(safetylab_cmd + args, capture_output=True, text=True, timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{command} {p.name} took more than 10 s")
        assert _sha(p) == before, f"{command} changed {p.name}"
        assert "Traceback" not in proc.stderr + proc.stdout, p.name
        if proc.returncode != 0:
            assert proc.returncode == 1, p.name
            lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
            assert len(lines) == 1 and p.name in lines[0], (p.name, proc.stderr)
        else:
            assert proc.stderr.strip() == "", (p.name, proc.stderr)
