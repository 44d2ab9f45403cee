"""What the command prints: one plain line per problem, nothing a terminal would act on.

Text from a photo (make, model, owner...) cannot rewrite or hide lines of the report;
a file name that is not valid UTF-8 prints escaped, never as a traceback; an output
name that cannot be used blames the output, not the photo; an empty name is said so.
The report also says when a thumbnail is there but unreadable, and names a TIFF codec
that is missing instead of calling the file damaged.
"""

from __future__ import annotations

import io
import json
import os
import struct

import piexif
import pytest
from PIL import Image

from conftest import make_photo, run
from safetylab import images
from safetylab.cli import shown
from safetylab.errors import SafetyLabError, UnsupportedFormatError
from safetylab.report import check, rows
from safetylab.scrub import scrub

ESCAPES = "\x1b[2J\x1b[1A\r\x07\x9b31m\u202e"


def test_shown_escapes_every_control_character():
    out = shown("A" + ESCAPES + "B")
    assert out.startswith("A") and out.endswith("B")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in out)
    assert "\\x1b[2J" in out and "\\u202e" in out and "\\x0d" in out


def test_text_from_a_photo_cannot_rewrite_the_report(safetylab_cmd, tmp_path):
    p = make_photo(tmp_path / "p.jpg", **{"0th": {piexif.ImageIFD.Make: ("Evil" + ESCAPES).encode("utf-8"),
                                                  piexif.ImageIFD.Artist: b"Ana\x1b]0;owned\x07"}})
    proc = run(safetylab_cmd, "check", "--no-faces", "--no-texts", p)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\r" not in proc.stdout and "\x9b" not in proc.stdout
    assert "Evil\\x1b[2J" in proc.stdout and "Ana\\x1b]0;owned\\x07" in proc.stdout
    proc = run(safetylab_cmd, "check", "--json", "--no-faces", "--no-texts", p)
    assert "\x1b" not in proc.stdout and "\x9b" not in proc.stdout
    assert json.loads(proc.stdout)["camera"]["make"].startswith("Evil\x1b[2J")  # the JSON keeps the value


def test_a_file_name_that_is_not_utf8_prints_escaped_with_a_strict_stdout(safetylab_cmd, tmp_path):
    name = os.fsdecode(b"bad\xff.jpg")
    make_photo(tmp_path / name)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    for args in (["check", "--no-faces", "--no-texts"], ["check", "--json", "--no-faces", "--no-texts"],
                 ["scrub", "-o", tmp_path / "out"]):
        proc = run(safetylab_cmd, *args, tmp_path / name, env=env)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        assert ("bad\\udcff" if "--json" in args else "bad\\xff") in proc.stdout
    json.loads(run(safetylab_cmd, "check", "--json", "--no-faces", "--no-texts", tmp_path / name, env=env).stdout)


def test_a_very_long_output_name_blames_the_output(safetylab_cmd, tmp_path):
    p = make_photo(tmp_path / "photo.jpg")
    proc = run(safetylab_cmd, "redact", p, "-o", tmp_path / ("x" * 300 + ".png"))
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr
    assert "photo.jpg" not in lines[0] and "name" in lines[0] and "shorter" in lines[0]
    assert len(lines[0]) < 200


def test_an_empty_name_is_said_so(safetylab_cmd):
    proc = run(safetylab_cmd, "check", "")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "safetylab: No file name was given."


def _thumbnail_photo(path, thumbnail: bytes):
    from safetylab.formats import exif

    block = exif.HEADER + exif.build({"0th": {0x010F: (2, "Pixelwave")}}, thumbnail=thumbnail)
    Image.new("RGB", (64, 48), (90, 120, 150)).save(path, "JPEG", exif=block)
    return path


@pytest.mark.parametrize("thumbnail,size", [
    (b"\xff\xd8\xff\xdb" + bytes(300) + b"\xff\xd9", None),  # starts like a JPEG, is not one
    (None, "160 by 120"),  # a real JPEG's frame header, its picture data broken
])
def test_a_thumbnail_that_is_there_but_unreadable_is_said_so(tmp_path, thumbnail, size):
    if thumbnail is None:
        buf = io.BytesIO()
        Image.new("RGB", (160, 120), (200, 10, 10)).save(buf, "JPEG")
        good = buf.getvalue()
        from safetylab.formats import jpeg_segments

        jf = jpeg_segments.parse(good)  # its scan names a component the frame lacks: libjpeg refuses it
        segs = [jpeg_segments.Segment(seg.marker, seg.data[:1] + b"\x09" + seg.data[2:], seg.scan)
                if seg.marker == jpeg_segments.SOS else seg for seg in jf.segments]
        thumbnail = jpeg_segments.build(segs)
    rep = check(_thumbnail_photo(tmp_path / "t.jpg", thumbnail), faces=False, texts=False)
    assert "Thumbnail" in rep.blocks
    said = dict(rows(rep))["Hidden preview picture"]
    assert said != "none" and "could not be read" in said, said
    assert (size in said) if size else True
    assert rep.thumbnail["present"] and rep.thumbnail["readable"] is False


def _webp_tiff(path):
    """A TIFF whose compression tag says WebP (50001) over uncompressed strips."""
    Image.new("RGB", (16, 16), (10, 200, 30)).save(path, "TIFF")
    data = bytearray(path.read_bytes())
    at = data.index(struct.pack("<HHI", 259, 3, 1))
    data[at + 8:at + 10] = struct.pack("<H", 50001)
    path.write_bytes(bytes(data))
    return path


def test_a_tiff_whose_codec_is_missing_is_not_called_damaged(tmp_path, monkeypatch):
    can_write_webp = True
    try:
        Image.new("RGB", (2, 2)).save(io.BytesIO(), "TIFF", compression="webp")
    except Exception:
        can_write_webp = False
    assert images._codec_available("webp") is can_write_webp
    monkeypatch.setattr(images, "_codec_available", lambda compression: False)
    path = _webp_tiff(tmp_path / "w.tif")
    with pytest.raises(UnsupportedFormatError) as e:
        scrub(path, tmp_path / "out")
    assert "compressed with WEBP" in str(e.value) and "damaged" not in str(e.value)
    with pytest.raises(UnsupportedFormatError, match="compressed with WEBP"):
        images.load(path)  # what the report's face and text search would say


def test_a_damaged_tiff_is_still_called_damaged(tmp_path):
    path = tmp_path / "d.tif"
    Image.new("RGB", (64, 64), (10, 200, 30)).save(path, "TIFF", compression="tiff_lzw")
    data = bytearray(path.read_bytes())
    strip = data.index(b"\x80") if b"\x80" in data[8:200] else 8
    data[strip:strip + 40] = bytes([0xFF]) * 40
    path.write_bytes(bytes(data))
    with pytest.raises(SafetyLabError):
        scrub(path, tmp_path / "out")
