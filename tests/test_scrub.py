"""scrub: a clean copy in a new file, checked by re-reading and by ExifTool itself."""

from __future__ import annotations

import hashlib
import json
import subprocess

import numpy as np
import piexif
import pytest
from PIL import Image

from conftest import corpus_files
from safetylab import metadata, scrub
from safetylab.errors import SafetyLabError
from conftest import make_photo

# What ExifTool may still report in a clean copy: how the pixels are stored.
ALLOWED = {
    "EXIF": {"Orientation", "ImageWidth", "ImageHeight", "BitsPerSample", "Compression",
             "PhotometricInterpretation", "StripOffsets", "SamplesPerPixel", "RowsPerStrip",
             "StripByteCounts", "PlanarConfiguration", "ExtraSamples", "ColorMap", "SampleFormat",
             "Predictor", "TileWidth", "TileLength", "TileOffsets", "TileByteCounts",
             "ExifByteOrder", "SubfileType", "FillOrder", "XResolution", "YResolution",
             "ResolutionUnit", "YCbCrSubSampling", "YCbCrPositioning"},
    "PNG": {"ImageWidth", "ImageHeight", "BitDepth", "ColorType", "Compression", "Filter",
            "Interlace", "Gamma", "SRGBRendering", "WhitePointX", "WhitePointY", "RedX", "RedY",
            "GreenX", "GreenY", "BlueX", "BlueY", "PixelsPerUnitX", "PixelsPerUnitY", "PixelUnits",
            "BackgroundColor", "Palette", "Transparency", "SignificantBits", "ProfileName",
            "ICC_Profile", "AnimationFrames", "AnimationPlays", "ExifByteOrder"},
}
FORBIDDEN_GROUPS = {"MakerNotes", "XMP", "IPTC", "Photoshop", "FlashPix", "MPF", "JFXX"}
FORBIDDEN_TAGS = {
    "Make", "Model", "Software", "Artist", "Creator", "By-line", "OwnerName", "CameraOwnerName",
    "SerialNumber", "BodySerialNumber", "LensSerialNumber", "InternalSerialNumber",
    "CameraSerialNumber", "DateTimeOriginal", "CreateDate", "ThumbnailImage", "PreviewImage",
    "ThumbnailOffset", "JpgFromRaw", "OtherImage", "MPImage2", "Comment", "UserComment",
    "XPAuthor", "XPComment", "Copyright", "ImageDescription", "Author", "Description",
}


def _violations(entry: dict) -> list[str]:
    bad = []
    for key in entry:
        group, _, tag = key.partition(":")
        if not tag or group in ("SourceFile", "File", "ExifTool", "ICC_Profile", "JFIF",
                                "Composite", "APP14", "RIFF", "QuickTime"):
            if tag in FORBIDDEN_TAGS or tag.startswith("GPS"):
                bad.append(key)
            continue
        if group in FORBIDDEN_GROUPS or tag in FORBIDDEN_TAGS or tag.startswith("GPS"):
            bad.append(key)
        elif group in ALLOWED and tag not in ALLOWED[group]:
            bad.append(key)
        elif group not in ALLOWED:
            bad.append(key)
    return bad


def test_scrub_removes_everything_and_keeps_pixels(tmp_path):
    src = make_photo(tmp_path / "IMG_20240601_140322.jpg", crop=True)
    before = src.read_bytes()
    res = scrub.scrub(src, tmp_path / "out")
    assert src.read_bytes() == before
    assert res.clean and res.remaining == [] and res.method == "lossless"
    assert {"gps", "taken_at", "camera", "serials", "owner", "thumbnail"} <= set(res.removed)
    out = metadata.read(res.output)
    assert out.leaks() == []
    a = np.asarray(Image.open(src).convert("RGB"))
    b = np.asarray(Image.open(res.output).convert("RGB"))
    assert np.array_equal(a, b)


def test_orientation_is_kept_so_the_copy_is_upright(tmp_path):
    src = make_photo(tmp_path / "r.jpg", **{"0th": {piexif.ImageIFD.Orientation: 6}})
    res = scrub.scrub(src, tmp_path)
    assert res.clean and "orientation" in res.kept
    out = metadata.read(res.output)
    src_md = metadata.read(src)
    assert out.orientation == 6
    assert (out.width, out.height) == (src_md.width, src_md.height) == (240, 320)


def test_colour_profile_kept_by_default_and_removable(tmp_path):
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    src = tmp_path / "icc.jpg"
    Image.new("RGB", (32, 32), "teal").save(src, "JPEG", icc_profile=icc)
    kept = scrub.scrub(src, tmp_path / "a")
    assert "colour profile" in kept.kept and Image.open(kept.output).info.get("icc_profile") == icc
    gone = scrub.scrub(src, tmp_path / "b", keep_icc=False)
    assert "icc_profile" not in Image.open(gone.output).info


def test_never_overwrites_and_neutral_names(tmp_path):
    src = make_photo(tmp_path / "IMG_20240601_140322.jpg")
    first = scrub.scrub(src, tmp_path)
    second = scrub.scrub(src, tmp_path)
    assert first.output != second.output and str(src) not in (first.output, second.output)
    neutral = scrub.scrub(src, tmp_path / "n", neutral_name=True)
    assert "2024" not in neutral.output.rsplit("/", 1)[-1] and neutral.output.endswith(".jpg")


def test_raw_and_broken_files_are_refused_plainly(tmp_path):
    p = tmp_path / "cut.jpg"
    p.write_bytes(make_photo(tmp_path / "x.jpg").read_bytes()[:3000])
    with pytest.raises(SafetyLabError):
        scrub.scrub(p, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.corpus
@pytest.mark.exiftool
def test_exiftool_finds_nothing_private_after_scrub(testdata, exiftool, tmp_path):
    out_dir = tmp_path / "clean"
    done, refused = {}, []
    files = corpus_files(testdata, include_malformed=True)
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    for p in files:
        try:
            res = scrub.scrub(p, out_dir)
        except SafetyLabError:
            refused.append(p)
            continue
        assert res.clean, (p, res.remaining)
        done[res.output] = (p, res)
    assert len(done) >= 150
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == h for p, h in hashes.items())
    proc = subprocess.run([exiftool, "-j", "-G0", "-a", "-u", "-n", *done],
                          capture_output=True, text=True, timeout=600)
    report = {e["SourceFile"]: e for e in json.loads(proc.stdout)}
    problems = {}
    for out, (src, res) in done.items():
        bad = _violations(report[out])
        if bad:
            problems[src.name] = bad
    assert not problems, problems
    # JPEG: the decoded pixels are exactly the original's
    for out, (src, res) in done.items():
        if res.format == "JPEG":
            a = np.asarray(Image.open(src).convert("RGB"))
            b = np.asarray(Image.open(out).convert("RGB"))
            assert np.array_equal(a, b), src.name
