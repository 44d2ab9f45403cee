"""Tests for safetylab.samples: the generated lesson images and their ground truth.

These assert properties of the files (what they decode to, what their metadata
reads back as), never hashes: a new Pillow or libjpeg may change bytes, not facts.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps, IptcImagePlugin

from safetylab import samples
from safetylab.formats import jpeg_segments as _jpeg
from safetylab.errors import OutputError

pytestmark = pytest.mark.usefixtures("heif_opener")

LESSON = samples.LESSON_FILE_SAYS
LESSON_SAMPLES = [s for s in samples.SAMPLES.values() if s.lesson == LESSON]
NAMES = [s.name for s in LESSON_SAMPLES]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """One generation shared by the read-only tests."""
    dest = tmp_path_factory.mktemp("sample_images")
    samples.generate(dest)
    return dest


def _copy(built: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "sample_images"
    shutil.copytree(built, dest)
    return dest


def _path(root: Path, name: str) -> Path:
    return root / LESSON / name


def _sample(name: str) -> samples.Sample:
    return samples.SAMPLES[f"{LESSON}/{name}"]


def _gray(img: Image.Image, size=(64, 48)) -> np.ndarray:
    return np.asarray(img.convert("L").resize(size, Image.Resampling.BILINEAR), dtype=np.float64)


def _gps_from_pillow(exif: Image.Exif) -> tuple[float, float, float]:
    gps = exif.get_ifd(0x8825)

    def deg(values, ref, neg):
        d, m, s = (Fraction(v.numerator, v.denominator) for v in values)
        value = float(d + m / 60 + s / 3600)
        return -value if ref == neg else value

    lat = deg(gps[2], gps[1], "S")
    lon = deg(gps[4], gps[3], "W")
    alt = float(gps[6]) * (-1 if gps.get(5, 0) == 1 else 1)
    return lat, lon, alt


def _xmp_coord(text: str) -> float:
    ref = text[-1]
    d, m = text[:-1].split(",")
    value = int(d) + float(m) / 60
    return -value if ref in "SW" else value


def _png_chunks(data: bytes):
    pos = 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        yield ctype, data[pos + 8:pos + 8 + length]
        pos += 12 + length


# --------------------------------------------------------------------------- #
# The registry
# --------------------------------------------------------------------------- #

def test_lesson_03_has_the_eight_samples():
    assert set(NAMES) >= {
        "landmark_gps.jpg", "cropped_thumbnail.jpg", "xmp_iptc.jpg", "screenshot_text.png",
        "phone_photo.heic", "rotated.jpg", "webp_with_exif.webp", "clean.jpg",
    }


@pytest.mark.parametrize("sample", LESSON_SAMPLES, ids=NAMES)
def test_every_sample_states_every_fact(sample):
    assert set(samples.FACT_KEYS) <= set(sample.expected)
    assert sample.key == f"{sample.lesson}/{sample.name}"
    assert "CC0" in sample.credit
    if sample.landmark is not None:
        assert sample.landmark in samples.LANDMARKS


def test_landmarks_cover_all_four_hemisphere_quadrants():
    signs = {(lm.lat > 0, lm.lon > 0) for lm in samples.LANDMARKS.values()}
    assert signs == {(True, True), (True, False), (False, True), (False, False)}


@pytest.mark.parametrize("bad", ["../evil.jpg", "a/b.jpg", ".hidden.jpg", "", ".."])
def test_sample_names_must_be_plain(bad):
    with pytest.raises(ValueError):
        samples.Sample(bad, LESSON, "x", samples.make_clean)
    with pytest.raises(ValueError):
        samples.Sample("ok.jpg", bad, "x", samples.make_clean)


def test_the_registry_refuses_a_duplicate():
    with pytest.raises(ValueError):
        samples.collect([*samples.SAMPLES.values(), samples.Sample("clean.jpg", LESSON, "again", samples.make_clean)])


def test_unknown_landmark_is_refused():
    with pytest.raises(ValueError):
        samples.Sample("x.jpg", LESSON, "x", samples.make_clean, landmark="Atlantis")


def test_expected_is_read_only():
    with pytest.raises(TypeError):
        _sample("clean.jpg").expected["width"] = 1  # type: ignore[index]


def test_sample_path_by_name_and_key(tmp_path):
    assert samples.sample_path("rotated.jpg", tmp_path) == tmp_path / LESSON / "rotated.jpg"
    assert samples.sample_path(f"{LESSON}/rotated.jpg", tmp_path) == tmp_path / LESSON / "rotated.jpg"
    with pytest.raises(KeyError):
        samples.sample_path("no_such_file.jpg")


# --------------------------------------------------------------------------- #
# generate() and check()
# --------------------------------------------------------------------------- #

def test_generate_is_deterministic(built, tmp_path):
    again = tmp_path / "again"
    written = samples.generate(again)
    files_a = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    assert files_a == files_b
    assert sorted(p.relative_to(again).as_posix() for p in written) == files_b
    for rel in files_a:
        assert (built / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_generate_writes_only_inside_dest(built):
    files = [p for p in built.rglob("*") if p.is_file()]
    assert all(built in p.resolve().parents for p in files)
    assert not [p for p in files if p.name.startswith(".")], "a temporary file was left behind"
    assert (built / "README.md").is_file()
    assert (built / LESSON / "provenance.json").is_file()


def test_generate_refuses_a_lesson_folder_that_points_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / LESSON).symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError):
        samples.generate(dest)
    assert list(outside.iterdir()) == []


def test_check_passes_on_a_fresh_generation(built):
    assert samples.check(built) == []


def test_the_committed_sample_images_match_the_code(built):
    """What ``safetylab samples --check`` verifies: the repository's files are what the code makes."""
    made = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    committed = samples.DEFAULT_DEST
    assert made and all((committed / rel).is_file() for rel in made)
    assert samples.check() == []


def _png_with_one_pixel_changed(data: bytes) -> bytes:
    """The same PNG, all chunks kept byte for byte, one sample byte of the pixels changed."""
    chunks = list(_png_chunks(data))
    idat = b"".join(body for ctype, body in chunks if ctype == b"IDAT")
    raw = bytearray(zlib.decompress(idat))
    raw[1 + 400] ^= 0xFF  # row 0 (after its filter byte), pixel 133, a colour byte
    new_idat = zlib.compress(bytes(raw), 9)
    out = bytearray(data[:8])
    wrote_idat = False
    for ctype, body in chunks:
        if ctype == b"IDAT":
            if wrote_idat:
                continue
            body, wrote_idat = new_idat, True
        out += struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))
    return bytes(out)


def test_check_reports_changed_pixels_and_nothing_else(built, tmp_path):
    dest = _copy(built, tmp_path)
    png = _path(dest, "screenshot_text.png")
    png.write_bytes(_png_with_one_pixel_changed(png.read_bytes()))
    with Image.open(png) as im:  # the tampered file is still a valid PNG with its metadata
        assert im.text["Author"] == "Alex Example"
    problems = samples.check(dest)
    assert len(problems) == 1, problems
    assert "screenshot_text.png" in problems[0] and "pixels" in problems[0]


def test_check_reports_missing_extra_and_changed_metadata(built, tmp_path):
    dest = _copy(built, tmp_path)
    _path(dest, "rotated.jpg").unlink()
    _path(dest, "notes.txt").write_text("not a sample\n")
    landmark = _path(dest, "landmark_gps.jpg")
    data = landmark.read_bytes()
    assert data.count(b"Alex Example") >= 1
    landmark.write_bytes(data.replace(b"Alex Example", b"Alex Exampel"))  # same length, pixels untouched
    problems = samples.check(dest)
    text = "\n".join(problems)
    assert any("rotated.jpg" in p and "missing" in p for p in problems), text
    assert any("notes.txt" in p and "extra" in p for p in problems), text
    assert any("landmark_gps.jpg" in p and "EXIF" in p for p in problems), text
    assert not any("landmark_gps.jpg" in p and "pixels" in p for p in problems), text
    assert len(problems) == 3, text


def test_check_reports_a_damaged_file(built, tmp_path):
    dest = _copy(built, tmp_path)
    webp = _path(dest, "webp_with_exif.webp")
    webp.write_bytes(webp.read_bytes()[:200])
    problems = samples.check(dest)
    assert len(problems) == 1 and "webp_with_exif.webp" in problems[0], problems


def test_provenance_is_the_ground_truth(built):
    entries = json.loads((built / LESSON / "provenance.json").read_text(encoding="utf-8"))
    assert sorted(e["file"] for e in entries) == sorted(NAMES)
    for entry in entries:
        sample = _sample(entry["file"])
        assert entry["made_by"] == f"safetylab.samples.{sample.make.__name__}"
        assert "CC0" in entry["credit"] and entry["licence"] == "CC0-1.0"
        assert entry["owner"] == sample.owner
        assert entry["expected"] == json.loads(json.dumps(dict(sample.expected)))
        assert set(samples.FACT_KEYS) <= set(entry["expected"])
        if sample.landmark:
            lm = samples.LANDMARKS[sample.landmark]
            assert entry["landmark"]["name"] == lm.name
            assert (entry["landmark"]["lat"], entry["landmark"]["lon"]) == (lm.lat, lm.lon)
        else:
            assert entry["landmark"] is None


def test_readme_credits_every_sample(built):
    readme = (built / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        line = next(line for line in readme.splitlines() if f"`{name}`" in line)
        assert "CC0" in line


# --------------------------------------------------------------------------- #
# Every file decodes to what it claims
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("sample", LESSON_SAMPLES, ids=NAMES)
def test_sample_decodes_at_its_displayed_size(built, sample):
    with Image.open(_path(built, sample.name)) as im:
        assert im.format == sample.expected["format"]
        im.load()
        shown = ImageOps.exif_transpose(im)
        assert shown.size == (sample.expected["width"], sample.expected["height"])
        # A picture, not a blank: some real contrast.
        assert np.asarray(shown.convert("L")).std() > 15


EXIF_SAMPLES = [s for s in LESSON_SAMPLES if "EXIF" in s.expected["blocks"]]


@pytest.mark.parametrize("sample", EXIF_SAMPLES, ids=[s.name for s in EXIF_SAMPLES])
def test_exif_reads_back_to_the_expected_facts(built, sample):
    facts = sample.expected
    with Image.open(_path(built, sample.name)) as im:
        exif = im.getexif()
        png_author = getattr(im, "text", {}).get("Author")
    sub = exif.get_ifd(0x8769)
    lat, lon, alt = _gps_from_pillow(exif)
    assert abs(lat - facts["lat"]) < 1e-6
    assert abs(lon - facts["lon"]) < 1e-6
    assert abs(alt - facts["alt"]) < 1e-6
    when = sub[0x9003].replace(":", "-", 2).replace(" ", "T") + sub[0x9011]
    assert when == facts["taken_at"]
    assert exif.get(0x010F) == facts["make"]
    assert exif.get(0x0110) == facts["model"]
    assert exif.get(0x0131) == facts["software"]
    assert exif.get(0x0112) == facts["orientation"]
    assert sub.get(0xA431) == facts["serial"]
    assert sub.get(0xA435) == facts["lens_serial"]
    if facts["owner"] is not None:
        # A camera writes the owner into EXIF; a screenshot tool into a PNG text chunk.
        assert facts["owner"] in {exif.get(0x013B), sub.get(0xA430), png_author}


def test_landmark_gps_jpeg_reads_back_with_piexif(built):
    import piexif

    facts = _sample("landmark_gps.jpg").expected
    data = piexif.load(str(_path(built, "landmark_gps.jpg")))
    gps = data["GPS"]

    def deg(values, ref, neg):
        d, m, s = (Fraction(n, q) for n, q in values)
        v = float(d + m / 60 + s / 3600)
        return -v if ref == neg else v

    assert abs(deg(gps[2], gps[1].decode(), "S") - facts["lat"]) < 1e-6
    assert abs(deg(gps[4], gps[3].decode(), "W") - facts["lon"]) < 1e-6
    assert gps[6] == (35, 1) and gps[5] == 0
    assert data["Exif"][piexif.ExifIFD.OffsetTimeOriginal] == b"+02:00"
    assert data["Exif"][piexif.ExifIFD.CameraOwnerName] == b"Alex Example"
    assert data["0th"][piexif.ImageIFD.Artist] == b"Alex Example"
    assert b"Alex Example" in data["0th"][piexif.ImageIFD.Copyright]
    assert bytes(data["0th"][piexif.ImageIFD.XPAuthor]).decode("utf-16-le").rstrip("\0") == "Alex Example"
    thumb = Image.open(io.BytesIO(data["thumbnail"]))
    assert thumb.size == (160, 120)
    main = Image.open(_path(built, "landmark_gps.jpg"))
    # The thumbnail is the same picture, just smaller.
    assert np.abs(_gray(thumb) - _gray(main)).mean() < 6


def test_cropped_thumbnail_shows_more_than_the_picture(built):
    import piexif

    facts = _sample("cropped_thumbnail.jpg").expected
    path = _path(built, "cropped_thumbnail.jpg")
    thumb = Image.open(io.BytesIO(piexif.load(str(path))["thumbnail"]))
    main = Image.open(path)
    assert list(thumb.size) == facts["thumbnail_size"]
    assert main.size == (facts["width"], facts["height"])
    # Different shapes: a square crop, a 4:3 thumbnail of the whole scene.
    assert abs(thumb.width / thumb.height - main.width / main.height) > 0.2
    # Different content, clearly (compare both squeezed to the same small size).
    assert np.abs(_gray(thumb) - _gray(main)).mean() > 15  # the same picture scores under 1
    # The crop's content sits in the thumbnail's lower right part (where the pot stood).
    t = np.asarray(thumb.convert("RGB"), dtype=np.float64)
    right = t[t.shape[0] // 3:, t.shape[1] // 2:].reshape(-1, 3).mean(axis=0)
    m = np.asarray(main.convert("RGB").resize((64, 64)), dtype=np.float64).reshape(-1, 3).mean(axis=0)
    assert np.abs(right - m).max() < 20


def test_xmp_iptc_and_comment_without_exif(built):
    path = _path(built, "xmp_iptc.jpg")
    facts = _sample("xmp_iptc.jpg").expected
    with Image.open(path) as im:
        assert "exif" not in im.info
        assert not im.getexif()
        xmp = im.info["xmp"]
        comment = im.info["comment"]
        iptc = IptcImagePlugin.getiptcinfo(im)
    root = ET.fromstring(xmp.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    ns = {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "exif": "http://ns.adobe.com/exif/1.0/",
        "photoshop": "http://ns.adobe.com/photoshop/1.0/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "mwg-rs": "http://www.metadataworkinggroup.com/schemas/regions/",
        "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    }
    desc = root.find(".//rdf:Description", ns)
    lat = desc.get(f"{{{ns['exif']}}}GPSLatitude")
    lon = desc.get(f"{{{ns['exif']}}}GPSLongitude")
    assert lat == "48,51.5022N"
    assert abs(_xmp_coord(lat) - facts["lat"]) < 1e-6
    assert abs(_xmp_coord(lon) - facts["lon"]) < 1e-6
    assert desc.get(f"{{{ns['photoshop']}}}City") == facts["city"] == "Paris"
    assert desc.get(f"{{{ns['Iptc4xmpCore']}}}Location") == "Champ de Mars"
    assert [li.text for li in desc.findall("dc:creator/rdf:Seq/rdf:li", ns)] == [facts["owner"]]
    regions = desc.findall(".//mwg-rs:RegionList/rdf:Bag/rdf:li", ns)
    assert [r.find("mwg-rs:Name", ns).text for r in regions] == facts["people"] == ["Jordan Sample"]
    assert regions[0].find("mwg-rs:Type", ns).text == "Face"
    assert iptc[(2, 80)] == b"Sam Placeholder"
    assert iptc[(2, 90)] == b"Paris"
    assert iptc[(2, 92)] == b"Champ de Mars"
    assert iptc[(2, 95)] == b"Ile-de-France"
    assert iptc[(2, 101)] == b"France"
    assert iptc[(2, 55)] == b"20240602"
    assert b"Cafe du Parc" in comment
    # The IPTC block sits in a Photoshop APP13 segment, after the APP1 (XMP) segment.
    names = [s.name for s in _jpeg.parse(path.read_bytes()).segments]
    assert names.index("APP13") > names.index("APP1")


def test_png_text_chunks_time_and_exif(built):
    path = _path(built, "screenshot_text.png")
    data = path.read_bytes()
    kinds = [ctype for ctype, _ in _png_chunks(data)]
    assert {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"} <= set(kinds)
    assert kinds.index(b"eXIf") < kinds.index(b"IDAT")
    t_body = next(body for ctype, body in _png_chunks(data) if ctype == b"tIME")
    assert struct.unpack(">HBBBBB", t_body) == (2024, 6, 15, 4, 3, 0)  # 14:03 at +10:00, in UTC
    with Image.open(path) as im:
        im.load()
        assert im.text["Author"] == "Alex Example"
        assert "Screenshot" in im.text["Comment"]
        assert "Sydney Opera House" in im.text["Description"]
        assert _gps_from_pillow(im.getexif())[0] < 0  # southern hemisphere


def test_heic_carries_gps_and_camera(built):
    facts = _sample("phone_photo.heic").expected
    with Image.open(_path(built, "phone_photo.heic")) as im:
        assert im.format == "HEIF"
        exif = im.getexif()
    lat, lon, _ = _gps_from_pillow(exif)
    assert lat < 0 and lon < 0  # south and west
    assert abs(lat - facts["lat"]) < 1e-6 and abs(lon - facts["lon"]) < 1e-6
    assert exif[0x010F] == "Pixelwave" and exif[0x0110] == "PW-12"


def test_rotated_is_stored_sideways_and_shown_upright(built):
    with Image.open(_path(built, "rotated.jpg")) as im:
        assert im.getexif()[0x0112] == 6
        assert im.size == (1600, 1200)
        stored = np.asarray(im.convert("L"), dtype=np.float64)
        shown = np.asarray(ImageOps.exif_transpose(im).convert("L"), dtype=np.float64)
    assert shown.shape == (1600, 1200)

    def sky_runs_down(a):
        # In the upright picture the sky gradient changes from row to row, not across a row.
        top = a[: a.shape[0] // 7]
        return top.mean(axis=1).std() > 3 * top.mean(axis=0).std()

    assert sky_runs_down(shown)
    assert not sky_runs_down(stored)


def test_webp_carries_exif_and_xmp(built):
    facts = _sample("webp_with_exif.webp").expected
    with Image.open(_path(built, "webp_with_exif.webp")) as im:
        assert b"Casey Testcase" in im.info["xmp"]
        lat, lon, _ = _gps_from_pillow(im.getexif())
    assert abs(lat - facts["lat"]) < 1e-6 and abs(lon - facts["lon"]) < 1e-6
    assert lon < 0  # west


def test_clean_has_no_metadata_at_all(built):
    path = _path(built, "clean.jpg")
    with Image.open(path) as im:
        for key in ("exif", "xmp", "icc_profile", "comment", "photoshop"):
            assert key not in im.info, key
        assert not im.getexif()
    segments = _jpeg.parse(path.read_bytes()).segments
    extra = [s.name for s in segments if s.marker == 0xFE or (0xE1 <= s.marker <= 0xEF)]
    assert extra == []


# --------------------------------------------------------------------------- #
# ExifTool, when it is installed: no warnings, and the same GPS
# --------------------------------------------------------------------------- #

@pytest.mark.exiftool
def test_exiftool_reads_every_sample_without_warnings(built, exiftool):
    files = [str(_path(built, name)) for name in NAMES]
    out = subprocess.run([exiftool, "-j", "-a", "-G1", "-n", "-validate", "-warning", "-error",
                          "-GPSLatitude", "-GPSLongitude", *files],
                         capture_output=True, text=True, check=False, timeout=120)
    reports = {Path(r["SourceFile"]).name: r for r in json.loads(out.stdout)}
    for name in NAMES:
        report = reports[name]
        assert not any(k.endswith(("Warning", "Error")) for k in report), (name, report)
        facts = _sample(name).expected
        if "GPS" in facts["blocks"]:
            assert abs(report["Composite:GPSLatitude"] - facts["lat"]) < 1e-6, name
            assert abs(report["Composite:GPSLongitude"] - facts["lon"]) < 1e-6, name


def test_every_provenance_names_a_public_builder():
    """``made_by`` in provenance.json is a dotted name that imports (``[...]`` names the scene)."""
    import importlib

    for s in samples.SAMPLES.values():
        module, _, name = s.made_by.split("[")[0].rpartition(".")
        target = getattr(importlib.import_module(module), name)
        assert target is s.make or "[" in s.made_by, s.made_by


def test_the_registry_is_read_only_and_built_without_side_effects():
    import importlib

    with pytest.raises(TypeError):
        samples.SAMPLES["x/y.png"] = samples.SAMPLES["03_what_your_file_says/clean.jpg"]  # type: ignore[index]
    before = dict(samples.SAMPLES)
    importlib.reload(samples.file_says)  # importing a lesson module registers nothing
    assert dict(samples.SAMPLES) == before and set(samples.all_samples()) == set(before)


def test_every_picture_a_learner_picks_or_reads_has_a_label_in_words():
    # lesson 4's chart and lesson 5's photo list name the samples: no file names, types or
    # tag names ("xmp_iptc.jpg", "webp with exif")
    from safetylab.plain import looks_like_code

    pictures = [s for s in samples.SAMPLES.values() if s.name.endswith((".jpg", ".png", ".heic", ".webp"))]
    for s in pictures:
        label = s.label
        assert label and "_" not in label and "." not in label, (s.name, label)
        assert not looks_like_code(label), (s.name, label)
        assert not {"exif", "xmp", "iptc", "gps", "webp", "heic"} & set(label.lower().replace(",", " ").split())
        assert samples.label(s.name) == label == samples.label(s.key)
    assert samples.label("xmp_iptc.jpg") == "coffee on a cafe table"
    assert len({s.label for s in pictures if s.lesson != samples.LESSON_IF_HAPPENING}) == \
        len([s for s in pictures if s.lesson != samples.LESSON_IF_HAPPENING])  # no two alike
    assert samples.label("03_my_holiday-snap.jpg") == "my holiday snap"  # not a sample: its name in words
