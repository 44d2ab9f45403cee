"""Hostile files (made in code by ``hostile.py``): every reader stays within its totals.

These tests assert the caps and the outcome (a report, or one plain line), never a
time: how long each class takes, and how much memory, is measured by ``make bench``
(each class in a fresh process, beside the 10 s / 1 GiB goal).
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest
import hostile
from conftest import run
from safetylab import evidence
from safetylab.errors import SafetyLabError, TooLargeError
from safetylab.formats import bmff_boxes, jpeg_segments, limits, png_chunks, tiff_ifds, xmp
from safetylab.images import MAX_PIXELS, PhotoFile, read_file
from safetylab.metadata import read, read_photo
from safetylab.scrub import scrub


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: hostile.build(name, folder) for name in hostile.CLASSES}


# --------------------------------------------------------------------------- the budget itself

def test_budget_stops_at_each_total():
    with limits.reading(max_bytes=10) as b:
        b.spend(nbytes=10)
        with pytest.raises(limits.Exceeded, match="10 MB|more than 0 MB"):
            b.spend(nbytes=1)
    with limits.reading(max_items=5) as b:
        b.spend(items=5)
        with pytest.raises(limits.Exceeded, match="more than 5 metadata structures"):
            b.spend(items=1)
    with limits.reading(max_seconds=0.0) as b:
        with pytest.raises(limits.Exceeded, match="seconds"):
            b.spend(nbytes=1)
    assert issubclass(limits.Exceeded, SafetyLabError)


def test_reading_gives_each_read_its_own_budget_and_restores_the_outer():
    with limits.reading(max_items=100) as outer:
        outer.spend(items=60)
        with limits.reading(max_items=100) as inner:
            assert inner is not outer and inner.items == 0
            assert limits.current() is inner
        assert limits.current() is outer
    assert limits.current() is not outer  # outside any read: a fresh budget each time


# --------------------------------------------------------------------------- each codec counts

def test_tiff_entries_pointing_at_the_same_bytes_share_one_copy():
    block = hostile.tiff_ifd_chain(8, 500, 1 << 20)
    with limits.reading() as b:
        t = tiff_ifds.parse(block)
    assert len(t.ifds) == 8 and b.items == 8 * 500
    assert b.bytes == 1 << 20  # 4000 entries, one megabyte copied
    raws = {id(e.raw) for ifd in t.ifds.values() for e in ifd.entries.values()}
    assert len(raws) == 1


def test_tiff_entries_pointing_at_different_windows_stop_at_the_byte_total():
    entries, size = 200, 1 << 20
    head = 8
    data_at = head + 2 + 12 * entries + 4
    block = bytearray(b"II*\x00" + struct.pack("<I", head) + struct.pack("<H", entries))
    for i in range(entries):  # each value one byte further on: no two are the same
        block += struct.pack("<HHII", 0x1000 + i, 7, size, data_at + i)
    block += b"\x00" * 4 + bytes(size + entries)
    with limits.reading(max_bytes=32 << 20):
        with pytest.raises(limits.Exceeded, match="32 MB"):
            tiff_ifds.parse(bytes(block))


def test_png_text_unpacking_stops_at_the_total_not_only_per_chunk():
    packed = zlib.compress(b"A" * png_chunks.MAX_TEXT, 9)
    chunk = png_chunks.chunk(b"zTXt", b"note\x00\x00" + packed)
    with limits.reading(max_bytes=3 * png_chunks.MAX_TEXT):
        for _ in range(3):
            assert len(png_chunks.text_of(chunk)[1]) == png_chunks.MAX_TEXT
        with pytest.raises(limits.Exceeded):
            png_chunks.text_of(chunk)


def test_jpeg_segments_count_against_the_item_total():
    data = b"\xff\xd8" + (b"\xff\xfe\x00\x03x") * 50 + b"\xff\xd9"
    with limits.reading(max_items=40):
        with pytest.raises(limits.Exceeded):
            jpeg_segments.parse(data)
    with limits.reading() as b:
        assert len(jpeg_segments.parse(data).segments) == 52 and b.items == 51


def test_heif_extents_gather_no_more_than_the_byte_total(files):
    data = files["heif_whole_file_extents"].read_bytes()
    with limits.reading() as b:
        with pytest.raises(limits.Exceeded, match="64 MB"):
            bmff_boxes.parse(data)
    assert b.bytes <= limits.MAX_BYTES + len(data)


def test_xmp_walk_counts_elements_and_reads_any_depth():
    deep = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>" + b"<a>" * 50_000 + b"deep" + b"</a>" * 50_000 + b"</x:xmpmeta>"
    with limits.reading() as b:
        assert xmp.parse(deep)["a"] == ["deep"]
    assert b.items > 50_000
    with limits.reading(max_items=1000):
        with pytest.raises(limits.Exceeded):
            xmp.parse(deep)


# --------------------------------------------------------------------------- each class, whole

def test_exif_pointing_at_one_megabyte_is_read(files):
    md = read(files["png_exif_same_megabyte"])
    assert "EXIF" in md.blocks


def test_heif_whole_file_extents_gets_one_plain_line(files):
    with pytest.raises(TooLargeError) as e:
        read(files["heif_whole_file_extents"])
    assert "whole-file-extents.heic holds more than 64 MB" in str(e.value) and "\n" not in str(e.value)


def test_many_xmp_items_are_kept_to_the_cap(files):
    md = read(files["xmp_many_items"])
    assert len(md.xmp["dc:subject"]) == limits.MAX_VALUES
    assert md.xmp["dc:subject"][:3] == ["k0", "k1", "k2"]
    assert md.owner.endswith(f"and {100_000 - 20} more") and len(md.owner) < 400


def test_many_comments_are_kept_to_the_cap(files):
    md = read(files["jpeg_many_comments"])
    assert md.comments[:2] == ["comment 0", "comment 1"] and len(md.comments) == limits.MAX_VALUES
    assert md.blocks.count("Comment") == 1


def test_many_text_bombs_get_one_plain_line(files):
    with pytest.raises(TooLargeError, match="ztxt-many.png holds more than 64 MB"):
        read(files["png_ztxt_many"])


def test_many_big_pages_are_refused_before_any_is_decoded(files, tmp_path):
    assert read(files["tiff_many_big_frames"]).width == 9000  # the report reads headers only
    with pytest.raises(TooLargeError, match="24 pages of 1944 megapixels"):
        scrub(files["tiff_many_big_frames"], tmp_path)
    assert not list(tmp_path.iterdir())


def test_too_many_pages_are_refused(tmp_path):
    path = hostile.tiff_many_big_frames(tmp_path, 16 / 9000, frames=limits.MAX_FRAMES + 1)
    with pytest.raises(TooLargeError, match=f"{limits.MAX_FRAMES + 1} pages"):
        scrub(path, tmp_path / "out")


def test_a_later_page_that_is_a_bomb_is_refused_though_the_first_is_small(tmp_path):
    path = hostile.tiff_pages(tmp_path / "second-page-bomb.tif", [8, 20000])
    assert read(path).width == 8
    with pytest.raises(TooLargeError, match=r"page 2\) claims to be 20000x20000"):
        scrub(path, tmp_path / "out")
    assert MAX_PIXELS < 20000 * 20000


def test_deep_xmp_loses_only_the_xmp(tmp_path):
    md = read(hostile.xmp_deep(tmp_path, depth=200_000))
    assert md.gps is not None and md.gps.usable and round(md.gps.lat, 2) == 48.85
    assert "XMP" in md.blocks


def test_hostile_files_stay_hostile_only_in_structure(files):
    """Each file is what it claims (the classes test the readers, not the format sniffing)."""
    formats = {name: read_file(p).format for name, p in files.items()}
    assert formats == {"png_exif_same_megabyte": "PNG", "heif_whole_file_extents": "HEIC",
                       "xmp_many_items": "PNG", "jpeg_many_comments": "JPEG", "png_ztxt_many": "PNG",
                       "tiff_many_big_frames": "TIFF"}


def test_evidence_kit_reads_capture_times_within_the_same_totals(files, tmp_path):
    folder = tmp_path / "sent"
    folder.mkdir()
    for p in files.values():
        (folder / p.name).write_bytes(p.read_bytes())
    plan = evidence.plan_kit(folder)
    assert len(plan.files) == len(files)
    kit = evidence.build_kit(folder, tmp_path / "kit", plan=plan)
    assert {f.path for f in kit.files} == {p.name for p in files.values()}
    assert all(f.capture_time is None for f in kit.files)


@pytest.mark.parametrize("name", sorted(hostile.CLASSES))
@pytest.mark.parametrize("command", ["check", "scrub"])
def test_each_class_gets_a_report_or_one_plain_line(files, safetylab_cmd, tmp_path, name, command):
    path = files[name]
    args = ["check", "--no-faces", "--no-texts", path] if command == "check" else ["scrub", path, "-o", tmp_path]
    proc = run(safetylab_cmd, *args, timeout=120)
    assert "Traceback" not in proc.stderr
    if proc.returncode:
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 1 and len(lines) == 1 and path.name in lines[0], proc.stderr
    else:
        assert proc.stderr == ""


def test_a_photo_in_memory_reads_the_same(files):
    p = files["jpeg_many_comments"]
    md = read_photo(PhotoFile(p, p.read_bytes(), "JPEG"))
    assert len(md.comments) == limits.MAX_VALUES


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
@pytest.mark.parametrize("kind", ["pipe", "dev-zero", "folder"])
@pytest.mark.parametrize("command", ["check", "scrub", "redact"])
def test_a_photo_name_that_is_a_pipe_or_device_is_one_line_at_once(safetylab_cmd, tmp_path, kind, command):
    """A named pipe nobody writes to must not hang; /dev/zero must not be read without end."""
    path = tmp_path / "photo.jpg"
    if kind == "pipe":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    args = {"check": ["check", "--no-faces", "--no-texts", path],
            "scrub": ["scrub", path, "-o", tmp_path / "out"],
            "redact": ["redact", path, "--region", "0,0,1,1", "-o", tmp_path / "out.jpg"]}[command]
    proc = run(safetylab_cmd, *args, timeout=60)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1 and "photo.jpg" in lines[0], proc.stderr
    assert ("is a folder" if kind == "folder" else "not an ordinary file") in lines[0]
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.jpg").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
@pytest.mark.timeout(30)
def test_read_file_refuses_a_pipe_and_the_kit_reads_no_capture_time_from_one(tmp_path):
    """Both readers of a named file check the file they opened: a pipe is refused at once."""
    pipe = tmp_path / "photo.png"
    os.mkfifo(pipe)
    with pytest.raises(SafetyLabError, match=r"^photo\.png is not an ordinary file") as err:
        read_file(pipe)
    assert "\n" not in str(err.value)
    assert evidence._capture_time(pipe) == (None, None, None)
    from PIL import Image

    photo = tmp_path / "real.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:05:01 10:00:00"
    Image.new("RGB", (8, 8)).save(photo, exif=exif)
    fmt, taken, _source = evidence._capture_time(photo)
    assert fmt == "JPEG" and taken and taken.startswith("2024-05-01")
    link = tmp_path / "link.jpg"
    link.symlink_to(photo)
    assert evidence._capture_time(link) == (None, None, None)  # a link is not followed


def test_read_file_sets_aside_only_what_the_file_holds(tmp_path):
    """Reading a small photo must not reserve the 512 MB a photo may have."""
    import tracemalloc

    from PIL import Image

    photo = tmp_path / "small.png"
    Image.new("RGB", (64, 64)).save(photo)
    tracemalloc.start()
    try:
        got = read_file(photo)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got.data == photo.read_bytes() and got.format == "PNG"
    assert peak < 2**20, f"reading a {len(got.data)}-byte file set aside {peak:,} bytes"
