"""The pre-send report does not under-warn: what ExifTool finds, ``check`` names too.

Maker notes of many makers, XMP inside HEIC/HEIF/AVIF, IPTC split over several APP13
segments or kept in an AFCP trailer, XMP after the end of the picture; a TIFF from a
Nikon camera's maker is not a NEF raw file; an MPO's second picture is not a thumbnail.
Each is checked against ExifTool itself (live), on corpus files or on files made here.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import corpus_files, make_photo
from safetylab.formats import iptc, jpeg_segments
from safetylab.metadata import read
from safetylab.report import check, rows
from safetylab.scrub import scrub


def _norm(value) -> str:
    return str(value).replace("NO=", "").replace("\x00", "").strip(" #").lstrip("0").upper()


def _found(md) -> set[str]:
    cam = md.camera
    out = {_norm(v) for v in (cam.serial, cam.lens_serial, cam.internal_serial) if v}
    for v in md.owners.values():
        out.update(_norm(x) for x in v.split("; "))
    return out


def _exiftool_json(exiftool: str, *args) -> list[dict]:
    proc = subprocess.run([exiftool, "-j", "-G1", "-a", "-n", *map(str, args)], capture_output=True,
                          text=True, timeout=300)
    return json.loads(proc.stdout or "[]")


#: The makers' groups whose serial numbers and owner names safetylab reads, as ExifTool names them.
MAKERS = ("Canon", "Nikon", "FujiFilm", "Panasonic", "Olympus", "Sigma", "Ricoh", "FLIR", "Motorola",
          "Reconyx", "Pentax", "Nintendo")


@pytest.mark.corpus
@pytest.mark.exiftool
def test_maker_note_serials_and_owner_names_agree_with_exiftool(testdata, exiftool):
    files = corpus_files(testdata, include_malformed=False)
    files.append(testdata / "malformed" / "pil_sugarshack_ifd_offset.mpo")  # a Nintendo 3DS picture
    seen_groups, missed = set(), []
    for e in _exiftool_json(exiftool, "-*Serial*", "-*OwnerName*", *files):
        path = Path(e["SourceFile"])
        tags = [(k, v) for k, v in e.items() if k.partition(":")[0] in MAKERS
                and not k.endswith("SerialNumberFormat") and _norm(v) not in ("", "UNKNOWN")]
        if not tags:
            continue
        ours = _found(read(path, compare_thumbnail=False))
        for key, value in tags:
            seen_groups.add(key.partition(":")[0])
            if _norm(value) not in ours:
                missed.append(f"{path.name} {key}={value!r}")
    assert not missed, missed
    # every maker the issue names that the corpus holds was compared
    assert {"Canon", "Sigma", "Ricoh", "FLIR", "Motorola", "Reconyx", "Pentax", "Panasonic",
            "Nintendo"} <= seen_groups, seen_groups


@pytest.mark.corpus
def test_canon_owner_name_is_reported_as_a_name(testdata):
    rep = check(testdata / "faces" / "es_canon-ixus.jpg", faces=False, texts=False)
    assert rep.owner == "Tom Rowan and Sarah Clifton"
    assert any(r.id == "owner" for r in rep.risks)


@pytest.mark.corpus
def test_panasonic_raw_internal_serial_is_read_from_its_preview(testdata):
    md = read(testdata / "tiff" / "et_Panasonic.rw2", compare_thumbnail=False)
    assert md.format == "RW2" and md.camera.internal_serial == "F350807010058^"


@pytest.mark.corpus
@pytest.mark.exiftool
def test_xmp_in_every_corpus_heif_agrees_with_exiftool(testdata, exiftool):
    files = sorted((testdata / "heic").iterdir())
    assert len(files) >= 13
    with_xmp = 0
    for e in _exiftool_json(exiftool, "-XMP:all", *files):
        md = read(e["SourceFile"], compare_thumbnail=False)
        has = any(k.startswith("XMP-") for k in e)
        assert ("XMP" in md.blocks) == has, (e["SourceFile"], md.blocks)
        with_xmp += has
        if "XMP-xmp:CreatorTool" in e and not md.camera.software:
            pytest.fail(f"{e['SourceFile']}: CreatorTool {e['XMP-xmp:CreatorTool']} not read")
    assert with_xmp >= 3


@pytest.mark.corpus
@pytest.mark.exiftool
@pytest.mark.parametrize("name", ["es_IMG_5195.HEIC", "exv2_avif_exif_xmp.avif", "es_HMD_Nokia_8.3_5G.heif"])
def test_xmp_creator_and_serial_added_to_a_phone_heif_are_reported(testdata, exiftool, tmp_path, name):
    out = tmp_path / f"with-xmp{Path(name).suffix}"
    subprocess.run([exiftool, "-q", "-o", str(out), "-XMP-dc:Creator=Ana Example", "-XMP-aux:SerialNumber=SN-4242",
                    str(testdata / "heic" / name)], check=True, timeout=60)
    (e,) = _exiftool_json(exiftool, "-XMP:all", out)
    assert e["XMP-dc:Creator"] == "Ana Example" and str(e["XMP-aux:SerialNumber"]) == "SN-4242"
    rep = check(out, faces=False, texts=False)
    assert "XMP" in rep.blocks
    assert "Ana Example" in rep.details["owners"].values()
    assert "SN-4242" in (rep.camera["serial"], rep.camera["internal_serial"])
    assert {"owner", "serial"} <= {r.id for r in rep.risks}


def _jpeg(tmp_path: Path, name: str, segments: list[bytes], trailer: bytes = b"") -> Path:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 80, 120)).save(buf, "JPEG")
    data = buf.getvalue()
    path = tmp_path / name
    path.write_bytes(data[:2] + b"".join(segments) + data[2:] + trailer)
    return path


def _app(n: int, payload: bytes) -> bytes:
    return bytes((0xFF, 0xE0 + n)) + struct.pack(">H", len(payload) + 2) + payload


@pytest.mark.exiftool
def test_iptc_split_over_several_app13_segments_is_read_whole(tmp_path, exiftool):
    payload = iptc.app13([(2, 80, b"Ana Example"), (2, 90, b"Lyon"), (2, 120, b"caption " * 40)])
    body = payload[len(b"Photoshop 3.0\0"):]
    cut = body.index(b"Lyon") + 2  # the split falls inside the city's record
    path = _jpeg(tmp_path, "split.jpg", [_app(13, b"Photoshop 3.0\0" + body[:cut]),
                                         _app(13, b"Photoshop 3.0\0" + body[cut:])])
    assert len(jpeg_segments.parse(path.read_bytes()).find(0xED)) == 2
    (e,) = _exiftool_json(exiftool, "-IPTC:all", path)
    assert e["IPTC:By-line"] == "Ana Example" and e["IPTC:City"] == "Lyon"
    md = read(path)
    assert md.owners.get("IPTC By-line") == "Ana Example" and md.place_text.get("city") == "Lyon"


def _afcp(file_size: int, entries: dict[bytes, bytes]) -> bytes:
    """An AFCP trailer (big-endian, ``AXS!``) for a file of ``file_size`` bytes before it."""
    start = file_size
    head = b"AXS!" + struct.pack(">HH", 1, len(entries)) + bytes(4)
    data_at = start + len(head) + 12 * len(entries)
    table, blobs = b"", b""
    for tag, blob in entries.items():
        table += tag + struct.pack(">II", len(blob), data_at + len(blobs))
        blobs += blob
    return head + table + blobs + b"AXS!" + struct.pack(">I", start) + bytes(4)


@pytest.mark.exiftool
def test_iptc_in_an_afcp_trailer_is_read(tmp_path, exiftool):
    base = _jpeg(tmp_path, "base.jpg", [])
    records = b"\x1c\x02\x50\x00\x0bAna Example\x1c\x02\x5a\x00\x04Lyon"
    path = tmp_path / "afcp.jpg"
    data = base.read_bytes()
    path.write_bytes(data + _afcp(len(data), {b"IPTC": records, b"TEXT": b"met at the lake"}))
    (e,) = _exiftool_json(exiftool, "-By-line", path)
    assert e["IPTC2:By-line"] == "Ana Example"  # ExifTool's group for IPTC in a trailer
    md = read(path)
    assert md.owners.get("IPTC By-line") == "Ana Example" and md.place_text.get("city") == "Lyon"
    assert "met at the lake" in md.comments and "AFCP" in md.blocks


def test_xmp_after_the_end_of_the_picture_is_read(tmp_path):
    packet = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
              b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Ana Example'
              b'</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
    md = read(_jpeg(tmp_path, "tail.jpg", [], trailer=packet))
    assert md.owners.get("XMP dc:creator") == "Ana Example"


def _tiff_with_subifd(path: Path, make: bytes, photometric_sub: int, compression_sub: int) -> Path:
    """A little-endian 8x8 grey TIFF whose IFD0 names ``make`` and points at a SubIFD (another 8x8 page)."""
    strip = bytes(range(64))
    def ifd(entries, at):  # noqa: E306
        blob, out = b"", struct.pack("<H", len(entries))
        values_at = at + 2 + 12 * len(entries) + 4
        for tag, typ, count, value in sorted(entries, key=lambda e: e[0]):
            if isinstance(value, bytes):
                field = struct.pack("<I", values_at + len(blob))
                blob += value + (b"\0" if len(value) % 2 else b"")
            else:
                field = struct.pack("<I", value) if typ == 4 else struct.pack("<HH", value, 0)
            out += struct.pack("<HHI", tag, typ, count) + field
        return out + bytes(4) + blob
    sub_at, strip_at = 200, 400
    sub = ifd([(254, 4, 1, 0), (256, 3, 1, 8), (257, 3, 1, 8), (258, 3, 1, 8), (259, 3, 1, compression_sub),
               (262, 3, 1, photometric_sub), (273, 4, 1, strip_at), (277, 3, 1, 1), (278, 3, 1, 8),
               (279, 4, 1, 64)], sub_at)
    ifd0 = ifd([(256, 3, 1, 8), (257, 3, 1, 8), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
                (271, 2, len(make) + 1, make + b"\0"), (273, 4, 1, strip_at), (277, 3, 1, 1), (278, 3, 1, 8),
                (279, 4, 1, 64), (330, 4, 1, sub_at)], 8)
    data = bytearray(b"II*\x00" + struct.pack("<I", 8) + ifd0)
    data += bytes(sub_at - len(data)) + sub
    data += bytes(strip_at - len(data)) + strip
    path.write_bytes(bytes(data))
    return path


def test_a_tiff_from_a_nikon_is_a_tiff_not_a_raw_file(tmp_path):
    path = _tiff_with_subifd(tmp_path / "edited.tif", b"NIKON CORPORATION", 1, 1)
    md = read(path)
    assert md.format == "TIFF" and md.camera.make == "NIKON CORPORATION"
    res = scrub(path, tmp_path / "out")
    assert res.method == "re-encoded" and res.clean


def test_a_raw_sensor_picture_from_a_nikon_is_a_nef(tmp_path):
    path = _tiff_with_subifd(tmp_path / "DSC_0001.NEF", b"NIKON CORPORATION", 32803, 34713)
    assert read(path).format == "NEF"
    with pytest.raises(Exception, match="camera raw file"):
        scrub(path, tmp_path / "out")


def test_an_mpo_second_picture_is_not_called_a_thumbnail(tmp_path):
    left = Image.new("RGB", (64, 48), (200, 40, 40))
    right = Image.new("RGB", (64, 48), (40, 40, 200))
    path = tmp_path / "stereo.mpo"
    left.save(path, "MPO", save_all=True, append_images=[right])
    md = read(path)
    assert "MPF" in md.blocks and md.hidden_images >= 1
    assert md.thumbnail is None
    rep = check(path, faces=False, texts=False)
    assert "more_pictures" in {r.id for r in rep.risks} and "thumbnail" not in {r.id for r in rep.risks}
    assert "more picture" in dict(rows(rep))["Hidden preview picture"]


def test_make_photo_still_reports_everything(tmp_path):
    md = read(make_photo(tmp_path / "p.jpg"))
    assert md.camera.serial == "PW12-000042" and md.owner == "Alex Example"
