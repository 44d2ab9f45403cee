"""Property-based tests: damaged metadata raises nothing but safetylab's own error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetylab.formats import jpeg_segments as _jpeg
from safetylab.errors import SafetyLabError
from safetylab.images import PhotoFile, sniff
from safetylab.metadata import read_photo
from safetylab.scrub import scrub_bytes


def _sample_jpeg() -> bytes:
    import tempfile

    from conftest import make_photo

    with tempfile.TemporaryDirectory() as d:
        return make_photo(Path(d) / "p.jpg").read_bytes()


SAMPLE = _sample_jpeg()
_JF = _jpeg.parse(SAMPLE)
_EXIF = next(s for s in _JF.segments if s.data.startswith(b"Exif"))
_IDX = _JF.segments.index(_EXIF)


def _with_exif(payload: bytes) -> bytes:
    segs = list(_JF.segments)
    segs[_IDX] = _jpeg.Segment(0xE1, payload[:65000])
    return _jpeg.build(segs, _JF.trailer)


def _exercise(data: bytes) -> None:
    try:
        photo = PhotoFile(Path("fuzz.jpg"), data, sniff(data[:64]))
        read_photo(photo)
        scrub_bytes(photo)
    except SafetyLabError:
        pass


mutation = st.lists(st.tuples(st.integers(0, len(_EXIF.data) - 1), st.integers(0, 255)),
                    min_size=1, max_size=24)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation)
def test_mutated_exif_bytes(changes):
    data = bytearray(_EXIF.data)
    for pos, value in changes:
        data[pos] = value
    _exercise(_with_exif(bytes(data)))


@settings(max_examples=150, deadline=None)
@given(st.integers(6, len(_EXIF.data)), st.binary(max_size=64))
def test_truncated_or_spliced_exif(cut, junk):
    _exercise(_with_exif(_EXIF.data[:cut] + junk))


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=0, max_size=400))
def test_random_tiff_blocks(blob):
    for head in (b"Exif\x00\x00II*\x00\x08\x00\x00\x00", b"Exif\x00\x00MM\x00*\x00\x00\x00\x08"):
        _exercise(_with_exif(head + blob))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF"])
@settings(max_examples=60, deadline=None)
@given(cut=st.integers(8, 4000), flips=st.lists(st.tuples(st.integers(0, 3999), st.integers(0, 255)), max_size=8))
def test_damaged_files_of_other_formats(fmt, cut, flips):
    from PIL import Image

    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Pixelwave"
    Image.new("RGB", (40, 30), "orange").save(buf, fmt, exif=exif.tobytes())
    data = bytearray(buf.getvalue()[:cut])
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    try:
        fmt_seen = sniff(bytes(data[:64]))
    except SafetyLabError:
        return
    _exercise(bytes(data)) if fmt_seen else None
