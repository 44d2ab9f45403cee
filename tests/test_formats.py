"""One handler per format, table-driven (as MAT2's tests are): for every format, a
file that says a lot -> clean -> read back -> nothing privacy-relevant left, only
the allowlisted structures remain, and the pixels are unchanged (or, for HEIF,
which is converted to JPEG, the same picture within JPEG's loss).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from PIL import Image, ImageOps, TiffImagePlugin

from safetylab import formats, samples, scrub
from safetylab.errors import CorruptFileError, UnsupportedFormatError
from safetylab.formats import jpeg_segments, png_chunks, riff_chunks
from safetylab.images import PhotoFile, read_file, sniff
from safetylab.metadata import read_photo

pytestmark = pytest.mark.usefixtures("heif_opener")


def _dirty_tiff(folder: Path) -> Path:
    """A TIFF whose IFD0 names a camera and an owner, with GPS and an XMP packet."""
    im = Image.linear_gradient("L").convert("RGB").resize((64, 48))
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[271], info[315] = "ACME", "Ana Example"
    info[700] = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
                 b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:photoshop="http://ns.adobe.com/'
                 b'photoshop/1.0/" photoshop:City="Paris"/></rdf:RDF></x:xmpmeta>')
    info[34853] = {1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    path = folder / "dirty.tif"
    im.save(path, "TIFF", tiffinfo=info)
    return path


def _sample(name: str) -> Callable[[Path], Path]:
    return lambda _folder: samples.sample_path(name)


def _jpeg_structures(data: bytes) -> set:
    return {s.marker for s in jpeg_segments.parse(data).segments}


def _png_structures(data: bytes) -> set:
    return {c.type for c in png_chunks.parse(data).chunks}


def _webp_structures(data: bytes) -> set:
    return {c.fourcc for c in riff_chunks.parse(data).chunks}


@dataclass(frozen=True)
class Case:
    id: str
    dirty: Callable[[Path], Path]
    leaks: set[str]                       # at least these are found before cleaning
    structures: Callable[[bytes], set] | None = None
    extras: frozenset = frozenset()       # kept on purpose beside the allowlist
    lossless: bool = True


CASES = [
    Case("jpeg", _sample("landmark_gps.jpg"),
         {"gps", "taken_at", "camera", "serials", "owner", "thumbnail"},
         _jpeg_structures, frozenset({0xE0})),              # a bare JFIF header
    Case("jpeg-xmp-iptc", _sample("xmp_iptc.jpg"),
         {"gps", "owner", "people", "place_text", "comments", "xmp", "iptc"},
         _jpeg_structures, frozenset({0xE0})),
    Case("jpeg-rotated", _sample("rotated.jpg"),
         {"gps", "taken_at", "camera", "serials"},
         _jpeg_structures, frozenset({0xE0, 0xE1})),       # APP1: the orientation alone
    Case("png", _sample("screenshot_text.png"),
         {"gps", "taken_at", "owner", "comments", "png_text"}, _png_structures),
    Case("webp", _sample("webp_with_exif.webp"),
         {"gps", "taken_at", "camera", "owner", "xmp"}, _webp_structures),
    Case("tiff", _dirty_tiff, {"gps", "camera", "owner", "place_text", "xmp"}),
    Case("heif", _sample("phone_photo.heic"), {"gps", "taken_at", "camera"}, lossless=False),
]


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(ImageOps.exif_transpose(im).convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_clean_leaves_nothing_and_keeps_the_pixels(case, tmp_path):
    photo = read_file(case.dirty(tmp_path))
    handler = formats.handler_for(photo.format)
    before = read_photo(photo, compare_thumbnail=False)
    assert case.leaks <= set(before.leaks())

    data, kept = handler.clean(photo, before)
    after = read_photo(PhotoFile(tmp_path / f"clean{handler.extension}", data, sniff(data[:64])),
                       compare_thumbnail=False)
    assert after.leaks() == []
    assert after.format == handler.output_format
    assert set(kept) <= {"orientation", "colour profile"}
    if case.structures is not None:  # MAT2's check: only what the allowlist names remains
        assert case.structures(data) <= handler.keep | case.extras
    if before.orientation not in (None, 1):
        assert "orientation" in kept and after.orientation == before.orientation

    old, new = _pixels(photo.data), _pixels(data)
    assert old.shape == new.shape
    if case.lossless:
        assert np.array_equal(old, new)
    else:  # converted to JPEG: the same picture, re-compressed
        assert np.abs(old - new).mean() < 3.0


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_scrub_writes_the_handlers_copy_and_leaves_the_original(case, tmp_path):
    src = case.dirty(tmp_path)
    original = src.read_bytes()
    res = scrub.scrub(src, tmp_path / "out")
    handler = formats.handler_for(read_file(src).format)
    assert res.clean and res.remaining == []
    assert res.method == handler.method and res.output_format == handler.output_format
    assert Path(res.output).suffix == handler.extension
    assert case.leaks <= set(res.removed)
    assert src.read_bytes() == original


def test_every_sniffed_format_has_a_handler():
    for fmt in ("JPEG", "PNG", "WEBP", "TIFF", "HEIC", "HEIF", "AVIF", "CR2", "RW2", "ORF"):
        assert fmt in formats.handler_for(fmt).formats
    with pytest.raises(UnsupportedFormatError):
        formats.handler_for("GIF")


def test_a_truncated_file_gets_no_clean_copy(tmp_path):
    for name in ("landmark_gps.jpg", "screenshot_text.png", "webp_with_exif.webp"):
        data = samples.sample_path(name).read_bytes()
        cut = tmp_path / f"cut-{name}"
        cut.write_bytes(data[: len(data) // 2])
        photo = read_file(cut)
        with pytest.raises(CorruptFileError, match="cut short or damaged"):
            formats.handler_for(photo.format).clean(photo, read_photo(photo, compare_thumbnail=False))


def test_a_camera_raw_file_is_read_but_not_cleaned(tmp_path):
    tif = _dirty_tiff(tmp_path).read_bytes()
    raw = tmp_path / "photo.dng"
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[271], info[0xC612] = "ACME", b"\x01\x04\x00\x00"  # DNGVersion makes it a DNG
    Image.open(io.BytesIO(tif)).save(raw, "TIFF", tiffinfo=info)
    photo = read_file(raw)
    md = read_photo(photo, compare_thumbnail=False)
    assert md.format == "DNG" and md.camera.make == "ACME"
    with pytest.raises(UnsupportedFormatError, match="camera raw"):
        formats.handler_for(photo.format).clean(photo, md)


def test_a_raw_rgb_thumbnail_is_kept_as_a_png_with_the_same_pixels():
    import io
    import random

    from PIL import Image

    from safetylab.formats import previews

    rng = random.Random(7)
    for width, height in ((1, 1), (160, 120), (3, 200), (255, 2)):
        raw = bytes(rng.randrange(256) for _ in range(width * height * 3))
        with Image.open(io.BytesIO(previews.rgb_png(raw, width, height))) as im:
            assert (im.format, im.mode, im.size) == ("PNG", "RGB", (width, height))
            assert im.tobytes() == raw
