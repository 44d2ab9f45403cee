"""The low-level readers: JPEG segments, PNG chunks, WebP chunks, TIFF directories."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from PIL import Image

from safetylab.formats import iptc as _iptc
from safetylab.formats import jpeg_segments as _jpeg
from safetylab.formats import png_chunks as _png
from safetylab.formats import riff_chunks as _riff
from safetylab.formats import tiff_ifds as _tiff
from safetylab.formats import xmp as _xmp
from safetylab.errors import NotAPhotoError


def _jpeg_bytes(**kw) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.arange(48 * 64 * 3, dtype=np.uint8).reshape(48, 64, 3)).save(buf, "JPEG", **kw)
    return buf.getvalue()


def test_jpeg_parse_build_round_trip():
    data = _jpeg_bytes(comment=b"hello")
    jf = _jpeg.parse(data)
    assert jf.complete and jf.size() == (64, 48)
    assert [s.data for s in jf.find(_jpeg.COM)] == [b"hello"]
    assert _jpeg.build(jf.segments, jf.trailer) == data


def test_jpeg_progressive_scans_are_all_kept():
    data = _jpeg_bytes(progressive=True)
    jf = _jpeg.parse(data)
    assert len(jf.find(_jpeg.SOS)) > 1
    assert _jpeg.build(jf.segments) == data


def test_jpeg_truncation_and_trailer():
    data = _jpeg_bytes()
    assert _jpeg.parse(data[:-40]).truncated
    jf = _jpeg.parse(data + b"TRAILER")
    assert jf.complete and jf.trailer == b"TRAILER"
    with pytest.raises(NotAPhotoError):
        _jpeg.parse(b"GIF89a")


def test_tiff_walk_survives_a_directory_cycle():
    # IFD0 at 8 whose "next IFD" points back to itself
    bo = "<"
    ifd = struct.pack(bo + "H", 1) + struct.pack(bo + "HHI4s", 0x010F, 2, 4, b"ACME") + struct.pack(bo + "I", 8)
    t = _tiff.parse(b"II*\x00" + struct.pack(bo + "I", 8) + ifd)
    assert t.text("IFD0", 0x010F) == "ACME"
    assert any("loop" in p for p in t.problems)


def test_tiff_out_of_range_values_are_recorded_not_raised():
    bo = ">"
    ifd = struct.pack(bo + "H", 1) + struct.pack(bo + "HHII", 0x010F, 2, 400, 9999) + struct.pack(bo + "I", 0)
    t = _tiff.parse(b"MM\x00*" + struct.pack(bo + "I", 8) + ifd)
    assert t.text("IFD0", 0x010F) is None
    assert t.problems


def test_png_text_chunks_and_bomb_cap():
    import zlib

    chunks = [_png.chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)),
              _png.chunk(b"tEXt", b"Author\x00Sam"),
              _png.chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a note")),
              _png.chunk(b"iTXt", b"Description\x00\x00\x00en\x00\x00caf\xc3\xa9"),
              _png.chunk(b"zTXt", b"Bomb\x00\x00" + zlib.compress(b"\0" * (_png.MAX_TEXT + 10))),
              _png.chunk(b"IEND", b"")]
    pf = _png.parse(_png.build(chunks))
    texts = [_png.text_of(c) for c in pf.chunks[1:4]]
    assert texts == [("Author", "Sam"), ("Comment", "a note"), ("Description", "café")]
    with pytest.raises(ValueError):
        _png.text_of(pf.chunks[4])


def test_webp_chunks_round_trip():
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buf, "WEBP", exif=Image.Exif().tobytes(), lossless=True)
    wf = _riff.parse(buf.getvalue())
    assert wf.size() == (20, 10)
    assert _riff.build(wf.chunks) == buf.getvalue()


def test_iptc_and_photoshop_blocks():
    iim = b"\x1c\x02\x50\x00\x03Ana" + b"\x1c\x02\x5a\x00\x05Paris"
    res = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iim)) + iim + (b"\x00" if len(iim) % 2 else b"")
    blocks = _iptc.parse_8bim(b"Photoshop 3.0\x00" + res)
    assert _iptc.parse_iim(blocks[_iptc.PS_IPTC]) == {"By-line": ["Ana"], "City": ["Paris"]}


def test_xmp_attributes_elements_and_lists():
    x = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"
       photoshop:City="Lyon" exif:GPSLatitude="45,45.5N" exif:GPSLongitude="4,50.25E">
    <dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Seq><rdf:li>Ana</rdf:li><rdf:li>Bo</rdf:li></rdf:Seq></dc:creator>
    </rdf:Description></rdf:RDF></x:xmpmeta>"""
    props = _xmp.parse(x)
    assert props["photoshop:City"] == ["Lyon"]
    assert props["dc:creator"] == ["Ana", "Bo"]
    assert _xmp.coordinate(props["exif:GPSLatitude"][0]) == pytest.approx(45 + 45.5 / 60)
    assert _xmp.coordinate("4,50,15W") == pytest.approx(-(4 + 50 / 60 + 15 / 3600))


def test_xmp_entity_bombs_are_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>'
    with pytest.raises(_xmp.XmpError):
        _xmp.parse(bomb)
