"""images: format sniffing, safe opening, orientation and reduced decoding."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from safetylab import images
from safetylab.errors import CorruptFileError, NotAPhotoError, SafetyLabError, TooLargeError


def _jpeg(arr: np.ndarray, **kw) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", quality=95, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("head, fmt", [
    (b"\xff\xd8\xff\xe0", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"RIFF\0\0\0\0WEBPVP8 ", "WEBP"),
    (b"II*\x00\x08\x00\x00\x00", "TIFF"), (b"MM\x00*\x00\x00\x00\x08", "TIFF"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
    (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "AVIF"),
])
def test_sniff_reads_the_bytes_not_the_name(head, fmt):
    assert images.sniff(head + b"\0" * 32) == fmt


@pytest.mark.parametrize("head", [b"", b"hello world", b"%PDF-1.7", b"GIF89a", b"\x00" * 64])
def test_sniff_refuses_what_is_not_a_photo(head):
    with pytest.raises(NotAPhotoError):
        images.sniff(head)


def test_read_file_errors_are_one_plain_line(tmp_path):
    with pytest.raises(SafetyLabError, match="no file"):
        images.read_file(tmp_path / "missing.jpg")
    with pytest.raises(NotAPhotoError, match="folder"):
        images.read_file(tmp_path)
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(NotAPhotoError, match="empty"):
        images.read_file(tmp_path / "empty.jpg")
    (tmp_path / "notes.jpg").write_text("just some text, named like a photo\n")
    with pytest.raises(NotAPhotoError) as info:
        images.read_file(tmp_path / "notes.jpg")
    assert "\n" not in str(info.value)


def _png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_absurd_sizes_are_refused_before_decoding(tmp_path):
    p = tmp_path / "bomb.png"
    p.write_bytes(_png_header_only(60000, 60000))
    with pytest.raises(TooLargeError, match="bomb"):
        images.load(p)


def test_truncated_picture_is_a_plain_error(tmp_path):
    data = _jpeg(np.full((64, 64, 3), 120, np.uint8))
    p = tmp_path / "cut.jpg"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError):
        images.load(p)


def test_orientation_is_applied_for_display(tmp_path):
    arr = np.zeros((40, 100, 3), np.uint8)
    arr[:, :50] = 255  # left half white
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown rotated 90° clockwise
    p = tmp_path / "sideways.jpg"
    p.write_bytes(_jpeg(arr, exif=exif.tobytes()))
    shown = images.load(p)
    assert shown.size == (40, 100)
    top = np.asarray(shown)[:10].mean()
    bottom = np.asarray(shown)[-10:].mean()
    assert top > 200 and bottom < 60  # the white left half is now on top
    assert images.load(p, orient=False).size == (100, 40)
    assert images.displayed_size(100, 40, 6) == (40, 100)
    assert images.displayed_size(100, 40, 3) == (100, 40)


def test_reduced_decode_uses_jpeg_scaling(tmp_path):
    rng = np.random.default_rng(0)
    arr = rng.integers(0, 255, (1200, 1600, 3), dtype=np.uint8)
    p = tmp_path / "big.jpg"
    p.write_bytes(_jpeg(arr))
    small = images.load(p, max_side=200)
    assert max(small.size) == 200
    im = images.open_image(images.read_file(p))
    im.draft("RGB", (200, 150))
    assert im.size == (200, 150)  # libjpeg decodes at 1/8 scale: never the full 2 MP


def test_load_never_changes_the_file(tmp_path):
    p = tmp_path / "a.jpg"
    p.write_bytes(_jpeg(np.full((32, 48, 3), 90, np.uint8)))
    before = p.read_bytes()
    images.load(p, max_side=16)
    assert p.read_bytes() == before
