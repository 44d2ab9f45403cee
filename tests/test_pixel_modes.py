"""Scrub never changes a pixel it says it kept: every image mode Pillow reads in PNG and TIFF.

A property-based test (hypothesis) over modes, sizes and byte orders: each clean
copy decodes to the same mode, the same size, the same palette and the same pixel
values as the original, or scrub refuses with one plain line and writes nothing.
No summary says "without loss" (or "unchanged") for a copy whose pixels differ.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageSequence

from hostile import png_chunk
from safetylab.errors import SafetyLabError
from safetylab.scrub import scrub

#: TIFF layouts, by the mode Pillow decodes them to (little-endian; big-endian for the
#: multi-byte ones gives I;16B, and the same values for I and F):
#: (photometric, bits per sample, sample format, extra samples, palette?)
TIFF_LAYOUTS = {
    "1": (1, (1,), 1, None, False),
    "L": (1, (8,), 1, None, False),
    "LA": (1, (8, 8), 1, 2, False),
    "P": (3, (8,), 1, None, True),
    "PA": (3, (8, 8), 1, 2, True),
    "RGB": (2, (8, 8, 8), 1, None, False),
    "RGBA": (2, (8, 8, 8, 8), 1, 2, False),
    "CMYK": (5, (8, 8, 8, 8), 1, None, False),
    "YCbCr": (6, (8, 8, 8), 1, None, False),
    "LAB": (8, (8, 8, 8), 1, None, False),
    "I;16": (1, (16,), 1, None, False),
    "I": (1, (32,), 2, None, False),
    "F": (1, (32,), 3, None, False),
}
#: Modes Pillow itself writes to TIFF (its own encoder, byte order of its choosing).
PILLOW_TIFF_MODES = ["1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr", "LAB", "I", "I;16",
                     "I;16B", "I;16L", "F"]
#: PNG colour types and bit depths (16-bit per channel included): (colour type, depth, channels)
PNG_LAYOUTS = {"1": (0, 1, 1), "L": (0, 8, 1), "I;16": (0, 16, 1), "LA": (4, 8, 2), "LA;16": (4, 16, 2),
               "P": (3, 8, 1), "RGB": (2, 8, 3), "RGB;16": (2, 16, 3), "RGBA": (6, 8, 4),
               "RGBA;16": (6, 16, 4)}


def tiff_file(layout: str, byteorder: str, width: int, height: int, data: bytes) -> bytes:
    """One uncompressed strip of ``data`` as a TIFF of ``layout`` in byte order ``"II"`` or ``"MM"``."""
    photometric, bits, sample_format, extra, palette = TIFF_LAYOUTS[layout]
    bo = "<" if byteorder == "II" else ">"
    row = (width * sum(bits) + 7) // 8
    strip = data[: row * height].ljust(row * height, b"\x00")
    if bits[0] > 8:  # samples in the file's own byte order
        size = bits[0] // 8
        strip = b"".join(strip[i:i + size][::-1] if bo == ">" else strip[i:i + size]
                         for i in range(0, len(strip), size))
    entries: list[tuple[int, int, list[int]]] = [
        (256, 4, [width]), (257, 4, [height]), (258, 3, list(bits)), (259, 3, [1]), (262, 3, [photometric]),
        (273, 4, [0]), (277, 3, [len(bits)]), (278, 4, [height]), (279, 4, [len(strip)]),
        (284, 3, [1]), (339, 3, [sample_format] * len(bits))]
    if extra is not None:
        entries.append((338, 3, [extra]))
    if palette:
        entries.append((320, 3, [(i * 257 * 7) % 65536 for i in range(3 * (1 << bits[0]))]))
    if photometric == 6:
        entries.append((530, 3, [1, 1]))  # no chroma subsampling
    entries.sort()
    n = len(entries)
    values_at = 8 + 2 + 12 * n + 4
    blob = b""
    out = struct.pack(bo + "2sHI", byteorder.encode(), 42, 8) + struct.pack(bo + "H", n)
    offsets = {}
    for tag, typ, vals in entries:
        raw = struct.pack(bo + ("H" if typ == 3 else "I") * len(vals), *vals)
        if len(raw) > 4:
            offsets[tag] = values_at + len(blob)
            blob += raw + (b"\0" if len(raw) % 2 else b"")
    strip_at = values_at + len(blob)
    for tag, typ, vals in entries:
        if tag == 273:
            vals = [strip_at]
        raw = struct.pack(bo + ("H" if typ == 3 else "I") * len(vals), *vals)
        field = struct.pack(bo + "I", offsets[tag]) if tag in offsets else raw.ljust(4, b"\0")
        out += struct.pack(bo + "HHI", tag, typ, len(vals)) + field
    return out + b"\0\0\0\0" + blob + strip


def png_file(layout: str, width: int, height: int, data: bytes, transparency: bool) -> bytes:
    """A PNG of ``layout`` written by hand (any bit depth), with a tRNS chunk if asked."""
    colour, depth, channels = PNG_LAYOUTS[layout]
    row = (width * depth * channels + 7) // 8
    raw = b"".join(b"\x00" + data[y * row:(y + 1) * row].ljust(row, b"\x01") for y in range(height))
    chunks = [png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))]
    if colour == 3:
        chunks.append(png_chunk(b"PLTE", bytes((i * 37) % 256 for i in range(3 * 256))))
    if transparency:
        if colour == 3:
            chunks.append(png_chunk(b"tRNS", bytes(range(0, 256, 3))))
        elif colour in (0, 2):
            chunks.append(png_chunk(b"tRNS", struct.pack(">" + "H" * (1 if colour == 0 else 3),
                                                         *([1] * (1 if colour == 0 else 3)))))
    chunks.append(png_chunk(b"IDAT", zlib.compress(raw)))
    chunks.append(png_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def _decoded(data: bytes) -> list[tuple]:
    """Every page: ``(mode, size, palette, transparency, pixel bytes)``."""
    out = []
    with Image.open(io.BytesIO(data)) as im:
        for frame in ImageSequence.Iterator(im):
            frame.load()
            palette = frame.getpalette() if frame.mode in ("P", "PA") else None
            out.append((frame.mode, frame.size, palette, frame.info.get("transparency"), frame.tobytes()))
    return out


def _idat(data: bytes) -> tuple[bytes, bytes]:
    """The header and the unpacked image data of a PNG: the samples at full depth."""
    pos, header, idat = 8, b"", b""
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            header = body
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    return header, zlib.decompress(idat)


def check_scrub(source: bytes, suffix: str) -> str:
    """Scrub ``source``: the copy's pixels equal the original's, or one plain line and no copy.
    Returns ``"kept"`` or ``"refused"``."""
    try:
        before = _decoded(source)
    except Exception:
        before = None  # Pillow cannot read this layout: scrub must refuse it
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / f"photo{suffix}"
        src.write_bytes(source)
        out = Path(d) / "out"
        try:
            res = scrub(src, out)
        except SafetyLabError as e:
            line = str(e)
            assert "\n" not in line and line.strip()
            assert not out.exists() or not any(out.iterdir()), "a refused scrub left a file"
            return "refused"
        assert src.read_bytes() == source
        after = Path(res.output).read_bytes()
        said = res.summary()
        assert "without loss" in said or "unchanged" in said, said
        assert before is not None, "scrub cleaned a file Pillow cannot decode"
        assert _decoded(after) == before, said
        if suffix == ".png":
            assert _idat(after) == _idat(source)  # every sample, at full depth
        return "kept"


sizes = st.tuples(st.integers(1, 40), st.integers(1, 24))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=st.sampled_from(sorted(TIFF_LAYOUTS)), byteorder=st.sampled_from(["II", "MM"]), size=sizes,
       data=st.binary(min_size=64, max_size=64))
def test_tiff_of_every_layout_and_byte_order_keeps_its_pixels(layout, byteorder, size, data):
    w, h = size
    pixels = (data * (1 + (w * h * 16) // len(data)))[: w * h * 16]
    check_scrub(tiff_file(layout, byteorder, w, h, pixels), ".tif")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mode=st.sampled_from(PILLOW_TIFF_MODES), size=sizes, seed=st.integers(0, 2**32 - 1),
       compression=st.sampled_from([None, "tiff_deflate", "tiff_lzw", "packbits"]))
def test_tiff_written_by_pillow_in_every_mode_keeps_its_pixels(mode, size, seed, compression):
    import random

    rng = random.Random(seed)
    im = Image.new(mode, size)
    im.frombytes(rng.randbytes(len(im.tobytes())))
    if mode in ("P", "PA"):
        im.putpalette(rng.randbytes(768))
    buf = io.BytesIO()
    try:
        im.save(buf, "TIFF", **({"compression": compression} if compression else {}))
    except (OSError, ValueError):
        return  # Pillow cannot write this mode with this compression: nothing to clean
    check_scrub(buf.getvalue(), ".tif")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=st.sampled_from(sorted(PNG_LAYOUTS)), size=sizes, data=st.binary(min_size=32, max_size=32),
       transparency=st.booleans())
def test_png_of_every_colour_type_and_depth_keeps_its_pixels(layout, size, data, transparency):
    w, h = size
    pixels = (data * (1 + (w * h * 8) // len(data)))[: w * h * 8]
    assert check_scrub(png_file(layout, w, h, pixels, transparency), ".png") == "kept"


@pytest.mark.parametrize("layout", ["I;16", "I", "F", "RGB", "LAB", "PA", "CMYK", "YCbCr"])
def test_big_endian_and_unusual_tiffs_are_kept_exactly(layout):
    """The cases the issue found: big-endian 16-bit (once a white 8-bit picture), CIELab,
    palette with transparency; and the other modes, both byte orders."""
    for byteorder in ("II", "MM"):
        data = bytes((i * 53 + 11) % 256 for i in range(13 * 7 * 16))
        source = tiff_file(layout, byteorder, 13, 7, data)
        assert check_scrub(source, ".tif") == "kept", (layout, byteorder)
        if layout == "I;16":
            assert _decoded(source)[0][0] == ("I;16B" if byteorder == "MM" else "I;16")


def test_a_mode_that_cannot_be_saved_unchanged_is_refused_in_one_line(tmp_path, monkeypatch):
    from safetylab.formats import tiff

    monkeypatch.setattr(tiff, "_lossless_compression", lambda mode: None)
    src = tmp_path / "a.tif"
    Image.new("L", (4, 4), 9).save(src)
    with pytest.raises(SafetyLabError, match=r"a.tif stores its pixels in a form \(L\)"):
        scrub(src, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
