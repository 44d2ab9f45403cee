"""Metadata written on purpose: the EXIF, XMP and PNG details the samples carry.

The samples show exactly what a file gives away, so their metadata is written
here field by field: EXIF with piexif's tag names and types laid out by
:func:`safetylab.formats.exif.build`, GPS as exact rationals, XMP coordinates,
IFD1 thumbnails as cameras write them, PNG capture times.

What this does *not* cover: the quirks of real cameras. Real files are in the
project's test corpus, not here.
"""

from __future__ import annotations

import io
import struct
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image

from ..formats import exif, jpeg_segments
from .registry import Landmark

__all__ = ["rational", "dms", "xmp_coord", "xmp_packet", "exif_block", "jpeg_thumbnail", "save_jpeg",
           "png_time", "tz"]


def rational(value: Fraction) -> tuple[int, int]:
    value = value.limit_denominator(10 ** 6)
    return (value.numerator, value.denominator)


def dms(deg: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Unsigned degrees as EXIF degree/minute/second rationals, exact for 6 decimals."""
    total = abs(Fraction(str(deg)))
    d = int(total)
    minutes = (total - d) * 60
    m = int(minutes)
    s = (minutes - m) * 60
    return ((d, 1), (m, 1), rational(s))


def xmp_coord(deg: float, pos: str, neg: str) -> str:
    """XMP form of a coordinate: ``"48,51.5022N"`` (degrees, decimal minutes, reference)."""
    value = Decimal(str(deg))
    ref = pos if value >= 0 else neg
    value = abs(value)
    d = int(value)
    minutes = ((value - d) * 60).normalize()
    text = format(minutes, "f")
    return f"{d},{text}{ref}"


_XMP_HEAD = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
             '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="safetylab samples">\n'
             ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
             '  <rdf:Description rdf:about=""\n')
_XMP_TAIL = '\n  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>'


def xmp_packet(description: str) -> bytes:
    """A whole XMP packet (UTF-8) around ``description``: the namespaces, attributes and
    children of its one ``rdf:Description``.

    Examples
    --------
    >>> from safetylab.formats import xmp
    >>> xmp.parse(xmp_packet('    xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="image/png">'))["dc:format"]
    ['image/png']
    """
    return (_XMP_HEAD + description + _XMP_TAIL).encode("utf-8")


def exif_block(*, when: datetime, landmark: Landmark | None = None, make: str | None = None,
          model: str | None = None, software: str | None = None, serial: str | None = None,
          lens_serial: str | None = None, lens_model: str | None = None, owner: str | None = None,
          size: tuple[int, int] | None = None, orientation: int | None = 1,
          thumbnail: bytes | None = None) -> bytes:
    """EXIF bytes (``Exif\\0\\0`` + TIFF): piexif's tag names and types, :func:`_dump_exif`'s layout."""
    import piexif

    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    off = when.strftime("%z")
    offset = f"{off[:3]}:{off[3:]}"
    zeroth: dict[int, Any] = {
        piexif.ImageIFD.XResolution: (72, 1),
        piexif.ImageIFD.YResolution: (72, 1),
        piexif.ImageIFD.ResolutionUnit: 2,
        piexif.ImageIFD.DateTime: stamp,
    }
    if make:
        zeroth[piexif.ImageIFD.Make] = make
    if model:
        zeroth[piexif.ImageIFD.Model] = model
    if orientation is not None:
        zeroth[piexif.ImageIFD.Orientation] = orientation
    if software:
        zeroth[piexif.ImageIFD.Software] = software
    if make:  # cameras write it; a screenshot does not
        zeroth[piexif.ImageIFD.YCbCrPositioning] = 1
    if owner:
        zeroth[piexif.ImageIFD.Artist] = owner
        zeroth[piexif.ImageIFD.Copyright] = f"Copyright {when.year} {owner}"
        zeroth[piexif.ImageIFD.XPAuthor] = tuple((owner + "\0").encode("utf-16-le"))
    exif_ifd: dict[int, Any] = {
        piexif.ExifIFD.ExifVersion: b"0232",
        piexif.ExifIFD.DateTimeOriginal: stamp,
        piexif.ExifIFD.DateTimeDigitized: stamp,
        piexif.ExifIFD.OffsetTime: offset,
        piexif.ExifIFD.OffsetTimeOriginal: offset,
        piexif.ExifIFD.OffsetTimeDigitized: offset,
        piexif.ExifIFD.ComponentsConfiguration: b"\x01\x02\x03\x00",
        piexif.ExifIFD.FlashpixVersion: b"0100",
        piexif.ExifIFD.ColorSpace: 1,
    }
    if size is not None:
        exif_ifd[piexif.ExifIFD.PixelXDimension] = size[0]
        exif_ifd[piexif.ExifIFD.PixelYDimension] = size[1]
    if make:
        exif_ifd.update({
            piexif.ExifIFD.ExposureTime: (1, 250),
            piexif.ExifIFD.FNumber: (18, 10),
            piexif.ExifIFD.ISOSpeedRatings: 64,
            piexif.ExifIFD.FocalLength: (42, 10),
            piexif.ExifIFD.FocalLengthIn35mmFilm: 26,
        })
    if owner and make:
        exif_ifd[piexif.ExifIFD.CameraOwnerName] = owner
    if serial:
        exif_ifd[piexif.ExifIFD.BodySerialNumber] = serial
    if lens_model:
        exif_ifd[piexif.ExifIFD.LensMake] = make or ""
        exif_ifd[piexif.ExifIFD.LensModel] = lens_model
    if lens_serial:
        exif_ifd[piexif.ExifIFD.LensSerialNumber] = lens_serial
    gps: dict[int, Any] = {}
    if landmark is not None:
        utc = when.astimezone(timezone.utc)
        gps = {
            piexif.GPSIFD.GPSVersionID: (2, 3, 0, 0),
            piexif.GPSIFD.GPSLatitudeRef: "N" if landmark.lat >= 0 else "S",
            piexif.GPSIFD.GPSLatitude: dms(landmark.lat),
            piexif.GPSIFD.GPSLongitudeRef: "E" if landmark.lon >= 0 else "W",
            piexif.GPSIFD.GPSLongitude: dms(landmark.lon),
            piexif.GPSIFD.GPSAltitudeRef: 0 if landmark.alt >= 0 else 1,
            piexif.GPSIFD.GPSAltitude: rational(abs(Fraction(str(landmark.alt)))),
            piexif.GPSIFD.GPSTimeStamp: ((utc.hour, 1), (utc.minute, 1), (utc.second, 1)),
            piexif.GPSIFD.GPSDateStamp: utc.strftime("%Y:%m:%d"),
            piexif.GPSIFD.GPSMapDatum: "WGS-84",
        }
    data: dict[str, Any] = {"0th": zeroth, "Exif": exif_ifd, "GPS": gps, "1st": {}, "thumbnail": None}
    if thumbnail is not None:
        data["1st"] = {
            piexif.ImageIFD.Compression: 6,
            piexif.ImageIFD.XResolution: (72, 1),
            piexif.ImageIFD.YResolution: (72, 1),
            piexif.ImageIFD.ResolutionUnit: 2,
        }
        data["thumbnail"] = thumbnail
    return _dump_exif(data)


def _dump_exif(data: dict[str, Any]) -> bytes:
    """Serialise a piexif-style dict as clean EXIF: ``Exif\\0\\0`` + big-endian TIFF.

    piexif's own ``dump`` leaves out the next-IFD pointers of sub-IFDs and writes
    unsorted, unaligned entries, which ExifTool's validator flags. The layout is
    :func:`safetylab.formats.exif.build`'s; piexif's tag table gives the types.
    """
    import piexif

    typed = {}
    for group in ("0th", "Exif", "GPS", "1st"):
        table = piexif.TAGS["Image" if group in ("0th", "1st") else group]
        typed[group] = {tag: (table[tag]["type"], value) for tag, value in (data.get(group) or {}).items()}
    return exif.HEADER + exif.build(typed, data.get("thumbnail"))


def jpeg_thumbnail(img: Image.Image, size: tuple[int, int], quality: int = 80) -> bytes:
    """A small baseline JPEG of ``img`` for IFD1 (no JFIF header, as cameras write)."""
    small = img.resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=quality)
    jf = jpeg_segments.parse(buf.getvalue())
    segments = [s for s in jf.segments if not (s.marker == 0xE0 and s.data.startswith(b"JFIF\0"))]
    return jpeg_segments.build(segments)


def save_jpeg(img: Image.Image, path: Path, **kw: Any) -> None:
    img.save(path, "JPEG", quality=90, optimize=True, **kw)


def png_time(when: datetime) -> bytes:
    utc = when.astimezone(timezone.utc)
    return struct.pack(">HBBBBB", utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)



def tz(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))
