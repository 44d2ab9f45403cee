"""metadata.read on photos made here, with known answers."""

from __future__ import annotations

import piexif
import pytest
from PIL import Image

from conftest import gps_dms as _dms
from conftest import make_photo
from conftest import scene_picture as _scene
from safetylab import metadata


@pytest.mark.parametrize("lat, lon", [(48.85837, 2.294481), (-33.856784, 151.215297),
                                      (40.689247, -74.044502), (-22.951916, -43.210487)])
def test_gps_is_signed_decimal_degrees(tmp_path, lat, lon):
    md = metadata.read(make_photo(tmp_path / "p.jpg", lat=lat, lon=lon))
    assert md.gps.usable
    assert md.gps.lat == pytest.approx(lat, abs=1e-5)
    assert md.gps.lon == pytest.approx(lon, abs=1e-5)
    assert md.gps.alt == pytest.approx(35.0)


def test_everything_a_phone_records_is_reported(tmp_path):
    md = metadata.read(make_photo(tmp_path / "p.jpg"))
    assert md.taken_at == "2024-06-01T14:03:22+02:00"
    assert (md.camera.make, md.camera.model, md.camera.software) == ("Pixelwave", "PW-12", "PWOS 4.1")
    assert md.camera.serial == "PW12-000042" and md.camera.lens_serial == "L-777"
    assert md.owner == "Alex Example"
    assert {"CameraOwnerName", "Artist", "XPAuthor", "Copyright"} <= set(md.owners)
    assert md.thumbnail.present and (md.thumbnail.width, md.thumbnail.height) == (160, 120)
    assert md.thumbnail.differs is False
    assert {"EXIF", "GPS", "Thumbnail"} <= set(md.blocks)
    assert set(md.leaks()) >= {"gps", "taken_at", "camera", "serials", "owner", "thumbnail"}


def test_a_thumbnail_that_survived_a_crop_is_flagged(tmp_path):
    md = metadata.read(make_photo(tmp_path / "cropped.jpg", crop=True))
    assert md.thumbnail.present
    assert md.thumbnail.differs is True
    assert md.thumbnail.image().size == (160, 120)


def test_gps_block_without_a_position(tmp_path):
    p = tmp_path / "empty_gps.jpg"
    _scene().save(p, "JPEG", exif=piexif.dump({"GPS": {piexif.GPSIFD.GPSVersionID: (2, 2, 0, 0)}}))
    md = metadata.read(p)
    assert md.gps is not None and not md.gps.usable and md.gps.lat is None
    assert "GPS" in md.blocks


def test_a_clean_photo_reports_nothing(tmp_path):
    p = tmp_path / "clean.jpg"
    _scene().save(p, "JPEG")
    md = metadata.read(p)
    assert md.leaks() == []
    assert md.gps is None and md.owner is None and md.thumbnail is None


def test_png_text_and_exif_chunk(tmp_path):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Sam Placeholder")
    info.add_text("Comment", "our new flat!", zip=True)
    exif = Image.Exif()
    exif[0x010F] = "Pixelwave"
    p = tmp_path / "shot.png"
    _scene().save(p, "PNG", pnginfo=info, exif=exif.tobytes())
    md = metadata.read(p)
    assert md.png_text["Author"] == "Sam Placeholder"
    assert "our new flat!" in md.comments
    assert md.owner == "Sam Placeholder"
    assert md.camera.make == "Pixelwave"
    assert "PNG text" in md.blocks and "EXIF" in md.blocks


def test_webp_exif_and_heic_exif(tmp_path):
    exif_bytes = piexif.dump({"GPS": {piexif.GPSIFD.GPSLatitudeRef: b"S",
                                      piexif.GPSIFD.GPSLatitude: _dms(33.5),
                                      piexif.GPSIFD.GPSLongitudeRef: b"E",
                                      piexif.GPSIFD.GPSLongitude: _dms(151.25)}})
    w = tmp_path / "a.webp"
    _scene().save(w, "WEBP", exif=exif_bytes)
    md = metadata.read(w)
    assert (md.gps.lat, md.gps.lon) == (pytest.approx(-33.5), pytest.approx(151.25))
    import pillow_heif

    h = tmp_path / "a.heic"
    pillow_heif.from_pillow(_scene()).save(h, exif=exif_bytes, quality=60)
    md = metadata.read(h)
    assert md.format == "HEIC"
    assert (md.gps.lat, md.gps.lon) == (pytest.approx(-33.5), pytest.approx(151.25))
    assert (md.width, md.height) == (320, 240)


def test_orientation_gives_displayed_size(tmp_path):
    p = make_photo(tmp_path / "rot.jpg", **{"0th": {piexif.ImageIFD.Orientation: 6}})
    md = metadata.read(p)
    assert md.orientation == 6
    assert (md.width, md.height) == (240, 320)


def test_reading_never_changes_the_file(tmp_path):
    p = make_photo(tmp_path / "p.jpg")
    before = p.read_bytes()
    metadata.read(p)
    assert p.read_bytes() == before
