"""EXIF: what a camera writes into the file, wherever the container keeps it.

An EXIF block is a TIFF structure (read by :mod:`safetylab.formats.tiff_ifds`).
JPEG keeps it in APP1, PNG in ``eXIf``, WebP in an ``EXIF`` chunk, HEIF in an
``Exif`` item, and a TIFF file *is* one. :func:`apply` adds what it says to a
:class:`~safetylab.formats.record.Metadata` record: camera and serial numbers
(also from maker notes), owner, capture time, comments, GPS, and the thumbnail
in IFD1. :func:`build` writes a block (the samples use it), :func:`orientation_only`
the one-tag block a cleaned copy keeps so it is not shown sideways.

What this does *not* protect against: a maker's private notes in a layout not
known here are reported as present, not read (see :mod:`safetylab.formats.makernotes`).
"""

from __future__ import annotations

import struct
from typing import Any, Mapping

from . import makernotes, previews, tiff_ifds
from .record import Gps, Metadata, iso_date, number

__all__ = ["HEADER", "apply", "build", "orientation_only"]

#: What precedes the TIFF structure in a JPEG APP1 segment (and in Pillow's ``exif=``).
HEADER = b"Exif\x00\x00"

_OWNER_TAGS = (("Exif", 0xA430, "CameraOwnerName"), ("IFD0", 0x013B, "Artist"),
               ("IFD0", 0x9C9D, "XPAuthor"), ("IFD0", 0x8298, "Copyright"))
_POINTERS = {"Exif": 0x8769, "GPS": 0x8825}


def _dms(entry: tiff_ifds.Entry | None) -> float | None:
    if entry is None:
        return None
    vals = [number(v) for v in entry.values()[:3]]
    if not vals or any(v is None for v in vals):
        return None
    while len(vals) < 3:
        vals.append(0.0)
    d, m, s = vals
    return d + m / 60.0 + s / 3600.0


def _ref(entry: tiff_ifds.Entry | None) -> str:
    if entry is None:
        return ""
    return entry.text()[:1].upper()


def apply(md: Metadata, blob: bytes, *, is_file: bool = False) -> tiff_ifds.Tiff | None:
    """Add what an EXIF block says to ``md``; return its directories (None if unreadable).

    ``blob`` may start with ``Exif\\0\\0``. With ``is_file`` the block is a whole
    TIFF file: its IFD0 holds the picture, so a preview there counts as a
    thumbnail and plain picture tags alone do not make an "EXIF" block.
    """
    if blob.startswith(HEADER):
        blob = blob[6:]
    elif blob.startswith(b"Exif\x00"):
        blob = blob[5:]
    try:
        t = tiff_ifds.parse(blob)
    except ValueError:
        md.problems.append("EXIF block is damaged and could not be read")
        md.add_block("EXIF")
        return None
    md.problems.extend(f"EXIF: {p}" for p in t.problems[:5])
    if not is_file or set(t.ifds) - {"IFD0"} or any(
            tag in (t.ifds.get("IFD0") or tiff_ifds.Ifd("", 0)).entries
            for tag in (0x010F, 0x0110, 0x0131, 0x013B, 0x8298, 0x9C9D)):
        md.add_block("EXIF")
    cam = md.camera
    cam.make = cam.make or t.text("IFD0", 0x010F)
    cam.model = cam.model or t.text("IFD0", 0x0110) or t.text("IFD0", 0xC614)
    cam.software = cam.software or t.text("IFD0", 0x0131)
    cam.serial = (cam.serial or t.text("Exif", 0xA431) or t.text("IFD0", 0xA431)
                  or t.text("IFD0", 0xC62F))
    cam.lens_serial = cam.lens_serial or t.text("Exif", 0xA435)
    cam.lens = cam.lens or t.text("Exif", 0xA434)
    for ifd, tag, name in _OWNER_TAGS:
        v = t.text(ifd, tag)
        if v and name not in md.owners:
            md.owners[name] = v
    orient = t.get("IFD0", 0x0112)
    if orient is not None and md.orientation is None:
        o = orient.first()
        md.orientation = int(o) if isinstance(o, int) and 1 <= o <= 8 else None
    # capture time
    if not md.taken_at:
        for ifd, tag, off_tag, src in (("Exif", 0x9003, 0x9011, "DateTimeOriginal"),
                                       ("Exif", 0x9004, 0x9012, "CreateDate")):
            iso = iso_date(t.text(ifd, tag), t.text("Exif", off_tag))
            if iso:
                md.taken_at, md.taken_at_source = iso, src
                break
    # comments and descriptions a sender may not remember typing
    for ifd, tag in (("Exif", 0x9286), ("IFD0", 0x9C9C), ("IFD0", 0x010E)):
        v = t.text(ifd, tag)
        if v and v.strip() and not set(v) <= {" ", "\x00"}:
            md.add_comment(v)
    if t.get("Exif", 0x927C) is not None:
        md.makernote = True
        md.add_block("MakerNote")
        for key, value in makernotes.serials(t).items():
            if key == "internal" and not cam.internal_serial:
                cam.internal_serial = value
            elif key == "body" and not cam.serial:
                cam.serial = value
            elif key == "lens" and not cam.lens_serial:
                cam.lens_serial = value
            elif key == "owner" and "Maker notes OwnerName" not in md.owners:
                md.owners["Maker notes OwnerName"] = value
    _apply_gps(md, t)
    # IFD1 thumbnail (JPEG), or a preview in IFD0 / SubIFDs of TIFF-based files
    for ifd_name in ("IFD1", "IFD0", *sorted(n for n in t.ifds if n.startswith("SubIFD"))):
        ifd = t.ifds.get(ifd_name)
        if ifd is None or (ifd_name == "IFD0" and not is_file):
            continue
        off, ln = ifd.get(0x0201), ifd.get(0x0202)
        if off is None and ifd_name != "IFD1" and (ifd.get(0x0103) and ifd.get(0x0103).first() in (6, 7)):
            off, ln = ifd.get(0x0111), ifd.get(0x0117)
        if off is None or ln is None:
            continue
        data = t.slice(int(off.first() or 0), int(ln.first() or 0))
        if data and data.startswith(b"\xff\xd8"):
            previews.offer_jpeg(md, data, f"EXIF {ifd_name}")
        elif ifd_name == "IFD1":
            md.problems.append("EXIF thumbnail is not a readable image")
            previews.unreadable(md, "EXIF IFD1")
    if md.thumbnail is None and "IFD1" in t.ifds and t.ifds["IFD1"].get(0x0111) is not None:
        _offer_uncompressed_thumbnail(md, t)
    # previews hidden in maker notes and elsewhere in the block
    if md.thumbnail is None:
        previews.scan_embedded_jpegs(md, blob, "inside the EXIF block")
    return t


def _apply_gps(md: Metadata, t: tiff_ifds.Tiff) -> None:
    gps_ifd = t.ifds.get("GPS")
    if gps_ifd is None and t.get("IFD0", 0x8825) is None:
        return
    md.add_block("GPS")
    g = Gps(source="EXIF", fields=[f"0x{k:04X}" for k in (gps_ifd.entries if gps_ifd else {})])
    if gps_ifd is not None:
        lat, lon = _dms(gps_ifd.get(2)), _dms(gps_ifd.get(4))
        if lat is not None and _ref(gps_ifd.get(1)) == "S":
            lat = -lat
        if lon is not None and _ref(gps_ifd.get(3)) == "W":
            lon = -lon
        alt = number(gps_ifd.get(6).first()) if gps_ifd.get(6) is not None else None
        ref = gps_ifd.get(5)
        if alt is not None and ref is not None and ref.first() == 1:
            alt = -alt
        if (lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180):
            g.lat, g.lon, g.usable = round(lat, 7), round(lon, 7), True
        g.alt = round(alt, 2) if alt is not None else None
    if md.gps is None or (not md.gps.usable and g.usable):
        md.gps = g


def _offer_uncompressed_thumbnail(md: Metadata, t: tiff_ifds.Tiff) -> None:
    """Old cameras stored IFD1 thumbnails as raw RGB strips."""
    ifd = t.ifds["IFD1"]
    try:
        w, h = int(ifd.get(0x0100).first()), int(ifd.get(0x0101).first())
        off, ln = int(ifd.get(0x0111).first()), int(ifd.get(0x0117).first())
    except (AttributeError, TypeError, ValueError):
        return
    if not (0 < w <= 1024 and 0 < h <= 1024) or ln < w * h * 3:
        return
    raw = t.slice(off, w * h * 3)
    if raw is None:
        return
    md.add_block("Thumbnail")
    previews.offer_rgb(md, raw, w, h, "EXIF IFD1 (uncompressed)")


# ---------------------------------------------------------------------------
# writing

def build(ifds: Mapping[str, Mapping[int, tuple[int, Any]]], thumbnail: bytes | None = None) -> bytes:
    """A clean, big-endian EXIF block (the TIFF structure, without :data:`HEADER`).

    ``ifds`` maps ``"0th"``, ``"Exif"``, ``"GPS"`` and ``"1st"`` to ``{tag: (type, value)}``
    (types and values as in :func:`safetylab.formats.tiff_ifds.value_bytes`).
    The layout follows the TIFF rules ExifTool's validator checks: sorted tags,
    values on even offsets, every directory ended by a next-IFD pointer, the
    Exif and GPS pointers in IFD0, and ``thumbnail`` (JPEG bytes) after IFD1.

    Examples
    --------
    >>> block = build({"0th": {0x010F: (2, "ACME")}, "GPS": {0x0001: (2, "N")}})
    >>> t = tiff_ifds.parse(block)
    >>> t.text("IFD0", 0x010F), t.text("GPS", 0x0001)
    ('ACME', 'N')
    """
    def encode(tags: Mapping[int, tuple[int, Any]]) -> dict[int, tuple[int, int, bytes]]:
        out = {}
        for tag, (tag_type, value) in tags.items():
            count, raw = tiff_ifds.value_bytes(tag_type, value)
            out[tag] = (tag_type, count, raw)
        return out

    laid = {"0th": encode(ifds.get("0th") or {})}
    for group in ("Exif", "GPS"):
        if ifds.get(group):
            laid[group] = encode(ifds[group])
            laid["0th"][_POINTERS[group]] = (4, 1, b"\0\0\0\0")
    if thumbnail:
        first = encode(ifds.get("1st") or {})
        first[0x0201] = (4, 1, b"\0\0\0\0")
        first[0x0202] = (4, 1, struct.pack(">I", len(thumbnail)))
        laid["1st"] = first
    # Pass 1: sizes (pointer values do not change sizes); pass 2: real offsets.
    offsets, pos = {}, 8
    for name, entries in laid.items():
        offsets[name] = pos
        pos += len(tiff_ifds.ifd_bytes(entries, pos, 0))
    thumb_at = pos
    for group in ("Exif", "GPS"):
        if group in laid:
            laid["0th"][_POINTERS[group]] = (4, 1, struct.pack(">I", offsets[group]))
    if thumbnail:
        laid["1st"][0x0201] = (4, 1, struct.pack(">I", thumb_at))
    tiff = b"MM\0*" + struct.pack(">I", 8)
    for name, entries in laid.items():
        next_ifd = offsets["1st"] if (name == "0th" and "1st" in offsets) else 0
        tiff += tiff_ifds.ifd_bytes(entries, offsets[name], next_ifd)
    if thumbnail:
        tiff += thumbnail
    return tiff


def orientation_only(orientation: int) -> bytes:
    """An EXIF block holding one tag, Orientation: what a cleaned copy keeps to stay upright.

    Examples
    --------
    >>> tiff_ifds.parse(orientation_only(6)).get("IFD0", 0x0112).first()
    6
    """
    return build({"0th": {0x0112: (3, orientation)}})
