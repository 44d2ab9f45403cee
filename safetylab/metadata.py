"""What a photo file says about its sender, and how to send a copy that says nothing.

:func:`read` gathers every privacy-relevant field of a photo into a
:class:`Metadata` record: GPS position, capture time, camera and serial numbers,
the owner's name, an embedded thumbnail (and whether it still shows something
the visible picture no longer does), XMP, IPTC, PNG text, comments, maker notes.

:func:`scrub` writes a cleaned copy to a new file (see :mod:`safetylab.scrub`).

What this does *not* protect against: the picture itself. Removing metadata
does not hide a face, a street sign, a uniform or a window view.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from . import _iptc, _jpeg, _png, _riff, _tiff, _xmp
from .errors import CorruptFileError, SafetyLabError
from .images import HEIF_FORMATS, PhotoFile, displayed_size, read_file

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

__all__ = ["Metadata", "Gps", "Thumbnail", "Camera", "read", "read_photo", "scrub",
           "PRIVACY_FIELDS"]

#: The facts :func:`read` looks for, in the order a report lists them.
PRIVACY_FIELDS = ("gps", "taken_at", "camera", "serials", "owner", "thumbnail", "people",
                  "place_text", "comments", "png_text", "xmp", "iptc", "makernote")


@dataclass
class Gps:
    """A GPS block. ``usable`` is False when the block exists but holds no position."""

    lat: float | None = None
    lon: float | None = None
    alt: float | None = None
    usable: bool = False
    source: str = "EXIF"
    fields: list[str] = field(default_factory=list)


@dataclass
class Camera:
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    lens_serial: str | None = None
    internal_serial: str | None = None
    lens: str | None = None
    software: str | None = None

    def any(self) -> bool:
        return any(v for v in asdict(self).values())


@dataclass
class Thumbnail:
    """A small preview image stored inside the file."""

    present: bool = True
    width: int | None = None
    height: int | None = None
    source: str = ""
    differs: bool | None = None
    data: bytes = field(default=b"", repr=False)

    def image(self) -> "PILImage.Image | None":
        """The thumbnail decoded (a new image), or None if it does not decode."""
        return _decode_small(self.data)


@dataclass
class Metadata:
    """Every privacy-relevant fact :func:`read` found in one photo file."""

    file: str
    format: str
    width: int | None = None
    height: int | None = None
    orientation: int | None = None
    gps: Gps | None = None
    taken_at: str | None = None
    taken_at_source: str | None = None
    camera: Camera = field(default_factory=Camera)
    owner: str | None = None
    owners: dict[str, str] = field(default_factory=dict)
    thumbnail: Thumbnail | None = None
    blocks: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    place_text: dict[str, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    png_text: dict[str, str] = field(default_factory=dict)
    xmp: dict[str, list[str]] = field(default_factory=dict)
    iptc: dict[str, list[str]] = field(default_factory=dict)
    makernote: bool = False
    hidden_images: int = 0
    problems: list[str] = field(default_factory=list)

    def add_block(self, name: str) -> None:
        if name not in self.blocks:
            self.blocks.append(name)

    def leaks(self) -> list[str]:
        """Names of the privacy-relevant facts present (empty for a clean file)."""
        found = []
        if self.gps is not None:
            found.append("gps")
        if self.taken_at:
            found.append("taken_at")
        if self.camera.make or self.camera.model or self.camera.software or self.camera.lens:
            found.append("camera")
        if self.camera.serial or self.camera.lens_serial or self.camera.internal_serial:
            found.append("serials")
        if self.owners:
            found.append("owner")
        if self.thumbnail is not None or self.hidden_images:
            found.append("thumbnail")
        if self.people:
            found.append("people")
        if self.place_text:
            found.append("place_text")
        if self.comments:
            found.append("comments")
        if self.png_text:
            found.append("png_text")
        if "XMP" in self.blocks:
            found.append("xmp")
        if "IPTC" in self.blocks:
            found.append("iptc")
        if self.makernote:
            found.append("makernote")
        return found

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.thumbnail is not None:
            d["thumbnail"].pop("data", None)
        return d


# ---------------------------------------------------------------------------
# small decoders

def _num(v) -> float | None:
    if v is None:
        return None
    if isinstance(v, Fraction):
        return float(v)
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return f if f == f and abs(f) != float("inf") else None


def _dms(entry: _tiff.Entry | None) -> float | None:
    if entry is None:
        return None
    vals = [_num(v) for v in entry.values()[:3]]
    if not vals or any(v is None for v in vals):
        return None
    while len(vals) < 3:
        vals.append(0.0)
    d, m, s = vals
    return d + m / 60.0 + s / 3600.0


def _ref(entry: _tiff.Entry | None) -> str:
    if entry is None:
        return ""
    return entry.text()[:1].upper()


_DATE = re.compile(r"^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
_OFFSET = re.compile(r"^\s*([+-])(\d{2}):?(\d{2})\s*$")


def _iso(value: str | None, offset: str | None = None) -> str | None:
    """EXIF/XMP/IPTC date text as ISO 8601, with the UTC offset where known."""
    if not value:
        return None
    m = _DATE.match(value)
    if not m:
        return None
    y, mo, d, hh, mm, ss = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    out = dt.isoformat() if hh is not None else dt.date().isoformat()
    tail = value[m.end():].strip()
    om = _OFFSET.match(offset or "") or (_OFFSET.match(tail) if tail else None)
    if tail.upper() == "Z":
        out += "Z"
    elif om and hh is not None:
        out += f"{om.group(1)}{om.group(2)}:{om.group(3)}"
    return out


def _decode_small(data: bytes) -> "PILImage.Image | None":
    """Decode a small embedded image (a copy: the cached one is never handed out)."""
    im = _decode_cached(data) if data else None
    return im.copy() if im is not None else None


@functools.lru_cache(maxsize=8)
def _decode_cached(data: bytes) -> "PILImage.Image | None":
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(io.BytesIO(data))
            if im.width * im.height > 4_000_000:
                return None
            im.load()
        return im.convert("RGB")
    except Exception:
        return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    try:
        return _jpeg.parse(data).size()
    except SafetyLabError:
        return None


# ---------------------------------------------------------------------------
# EXIF (a TIFF structure, wherever the container keeps it)

_OWNER_TAGS = (("Exif", 0xA430, "CameraOwnerName"), ("IFD0", 0x013B, "Artist"),
               ("IFD0", 0x9C9D, "XPAuthor"), ("IFD0", 0x8298, "Copyright"))


def _apply_exif(md: Metadata, blob: bytes, *, is_file: bool = False) -> _tiff.Tiff | None:
    if blob.startswith(b"Exif\x00\x00"):
        blob = blob[6:]
    elif blob.startswith(b"Exif\x00"):
        blob = blob[5:]
    try:
        t = _tiff.parse(blob)
    except ValueError:
        md.problems.append("EXIF block is damaged and could not be read")
        md.add_block("EXIF")
        return None
    md.problems.extend(f"EXIF: {p}" for p in t.problems[:5])
    if not is_file or set(t.ifds) - {"IFD0"} or any(
            tag in (t.ifds.get("IFD0") or _tiff.Ifd("", 0)).entries
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
            iso = _iso(t.text(ifd, tag), t.text("Exif", off_tag))
            if iso:
                md.taken_at, md.taken_at_source = iso, src
                break
    # comments and descriptions a sender may not remember typing
    for ifd, tag in (("Exif", 0x9286), ("IFD0", 0x9C9C), ("IFD0", 0x010E)):
        v = t.text(ifd, tag)
        if v and v.strip() and v not in md.comments and not set(v) <= {" ", "\x00"}:
            md.comments.append(v)
    if t.get("Exif", 0x927C) is not None:
        md.makernote = True
        md.add_block("MakerNote")
        from . import _makernotes

        for key, value in _makernotes.serials(t).items():
            if key == "internal" and not cam.internal_serial:
                cam.internal_serial = value
            elif key == "body" and not cam.serial:
                cam.serial = value
            elif key == "lens" and not cam.lens_serial:
                cam.lens_serial = value
    # GPS
    gps_ifd = t.ifds.get("GPS")
    if gps_ifd is not None or t.get("IFD0", 0x8825) is not None:
        md.add_block("GPS")
        g = Gps(source="EXIF", fields=[f"0x{k:04X}" for k in (gps_ifd.entries if gps_ifd else {})])
        if gps_ifd is not None:
            lat, lon = _dms(gps_ifd.get(2)), _dms(gps_ifd.get(4))
            if lat is not None and _ref(gps_ifd.get(1)) == "S":
                lat = -lat
            if lon is not None and _ref(gps_ifd.get(3)) == "W":
                lon = -lon
            alt = _num(gps_ifd.get(6).first()) if gps_ifd.get(6) is not None else None
            ref = gps_ifd.get(5)
            if alt is not None and ref is not None and ref.first() == 1:
                alt = -alt
            if (lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180):
                g.lat, g.lon, g.usable = round(lat, 7), round(lon, 7), True
            g.alt = round(alt, 2) if alt is not None else None
        if md.gps is None or (not md.gps.usable and g.usable):
            md.gps = g
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
            _offer_thumbnail(md, data, f"EXIF {ifd_name}")
        elif ifd_name == "IFD1":
            md.problems.append("EXIF thumbnail is not a readable image")
            md.add_block("Thumbnail")
    if md.thumbnail is None and "IFD1" in t.ifds and t.ifds["IFD1"].get(0x0111) is not None:
        _offer_uncompressed_thumbnail(md, t)
    # previews hidden in maker notes and elsewhere in the block
    if md.thumbnail is None:
        _scan_embedded_jpegs(md, blob, "inside the EXIF block")
    # XMP / IPTC / ICC inside a TIFF file's IFD0
    if is_file:
        x = t.get("IFD0", 0x02BC)
        if x is not None and x.raw:
            _apply_xmp(md, x.raw)
        i = t.get("IFD0", 0x83BB)
        if i is not None and i.raw:
            _apply_iptc(md, i.raw)
        ps = t.get("IFD0", 0x8649)
        if ps is not None and ps.raw:
            _apply_photoshop(md, ps.raw)
        if t.get("IFD0", 0x8773) is not None:
            md.add_block("ICC")
        if t.get("IFD0", 0xC612) is not None and md.format == "TIFF":
            md.format = "DNG"
        if md.format == "TIFF" and (md.camera.make or "").upper().startswith("NIKON") and \
                any(n.startswith("SubIFD") for n in t.ifds):
            md.format = "NEF"
    return t


def _offer_thumbnail(md: Metadata, data: bytes, source: str) -> None:
    md.add_block("Thumbnail")
    size = _jpeg_size(data)
    if size is None:
        return
    if md.thumbnail is None or (md.thumbnail.width or 0) < size[0] and "IFD1" not in md.thumbnail.source:
        if _decode_small(data) is None:
            return
        md.thumbnail = Thumbnail(True, size[0], size[1], source, data=data)


def _offer_uncompressed_thumbnail(md: Metadata, t: _tiff.Tiff) -> None:
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
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", (w, h), raw).save(buf, "PNG")
    md.add_block("Thumbnail")
    md.thumbnail = Thumbnail(True, w, h, "EXIF IFD1 (uncompressed)", data=buf.getvalue())


def _scan_embedded_jpegs(md: Metadata, blob: bytes, where: str, limit: int = 8) -> None:
    pos = 0
    for _ in range(limit):
        k = blob.find(b"\xff\xd8\xff", pos)
        if k < 0:
            return
        pos = k + 3
        end = blob.find(b"\xff\xd9", k)
        if end < 0:
            return
        data = blob[k:end + 2]
        size = _jpeg_size(data)
        if size and size[0] >= 16 and size[1] >= 16 and _decode_small(data) is not None:
            md.add_block("Thumbnail")
            md.thumbnail = Thumbnail(True, size[0], size[1], f"preview {where}", data=data)
            return


# ---------------------------------------------------------------------------
# XMP, IPTC, Photoshop

_XMP_OWNER = (("dc:creator", "XMP dc:creator"), ("xmpRights:Owner", "XMP xmpRights:Owner"),
              ("aux:OwnerName", "XMP aux:OwnerName"), ("photoshop:Author", "XMP photoshop:Author"),
              ("dc:rights", "XMP dc:rights"))
_XMP_PLACE = (("photoshop:City", "city"), ("Iptc4xmpExt:City", "city"),
              ("Iptc4xmpCore:Location", "sublocation"), ("Iptc4xmpExt:Sublocation", "sublocation"),
              ("photoshop:State", "state"), ("Iptc4xmpExt:ProvinceState", "state"),
              ("photoshop:Country", "country"), ("Iptc4xmpExt:CountryName", "country"),
              ("Iptc4xmpCore:CountryCode", "country_code"))


def _apply_xmp(md: Metadata, data: bytes) -> None:
    md.add_block("XMP")
    try:
        props = _xmp.parse(data)
    except _xmp.XmpError:
        md.problems.append("XMP block is not well-formed and could not be read fully")
        return
    for k, v in props.items():
        md.xmp.setdefault(k, []).extend(x for x in v if x not in md.xmp.get(k, []))
    for key, label in _XMP_OWNER:
        if props.get(key) and label not in md.owners:
            md.owners[label] = "; ".join(props[key])
    for key, label in _XMP_PLACE:
        if props.get(key) and label not in md.place_text:
            md.place_text[label] = props[key][0]
    for p in _xmp.person_names(props):
        if p not in md.people:
            md.people.append(p)
    cam = md.camera
    first = lambda *keys: next((props[k][0] for k in keys if props.get(k)), None)  # noqa: E731
    cam.make = cam.make or first("tiff:Make")
    cam.model = cam.model or first("tiff:Model")
    cam.software = cam.software or first("xmp:CreatorTool", "tiff:Software")
    cam.serial = cam.serial or first("exifEX:BodySerialNumber", "aux:SerialNumber")
    cam.lens_serial = cam.lens_serial or first("exifEX:LensSerialNumber", "aux:LensSerialNumber")
    cam.lens = cam.lens or first("exifEX:LensModel", "aux:Lens")
    if not md.taken_at:
        for k in ("exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"):
            iso = _iso(first(k))
            if iso:
                md.taken_at, md.taken_at_source = iso, f"XMP {k}"
                break
    for k in ("dc:description", "exif:UserComment"):
        for v in props.get(k, []):
            if v not in md.comments:
                md.comments.append(v)
    lat_s, lon_s = first("exif:GPSLatitude"), first("exif:GPSLongitude")
    if lat_s or lon_s:
        md.add_block("GPS")
        lat = _xmp.coordinate(lat_s) if lat_s else None
        lon = _xmp.coordinate(lon_s) if lon_s else None
        usable = lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180
        alt = _num(first("exif:GPSAltitude") and _frac(first("exif:GPSAltitude")))
        if md.gps is None or (not md.gps.usable and usable):
            md.gps = Gps(round(lat, 7) if usable else None, round(lon, 7) if usable else None,
                         alt, usable, "XMP", ["exif:GPSLatitude", "exif:GPSLongitude"])


def _frac(s: str | None):
    try:
        return Fraction(s) if s else None
    except (ValueError, ZeroDivisionError):
        return None


_IPTC_OWNER = (("By-line", "IPTC By-line"), ("CopyrightNotice", "IPTC CopyrightNotice"),
               ("Writer-Editor", "IPTC Writer-Editor"))
_IPTC_PLACE = (("City", "city"), ("Sub-location", "sublocation"), ("Province-State", "state"),
               ("Country-PrimaryLocationName", "country"),
               ("Country-PrimaryLocationCode", "country_code"))


def _apply_iptc(md: Metadata, data: bytes) -> None:
    fields = _iptc.parse_iim(data)
    md.add_block("IPTC")
    for k, v in fields.items():
        md.iptc.setdefault(k, []).extend(v)
    for key, label in _IPTC_OWNER:
        if fields.get(key) and label not in md.owners:
            md.owners[label] = "; ".join(fields[key])
    for key, label in _IPTC_PLACE:
        if fields.get(key) and label not in md.place_text:
            md.place_text[label] = fields[key][0]
    if not md.taken_at and fields.get("DateCreated"):
        d = fields["DateCreated"][0]
        tm = (fields.get("TimeCreated") or [""])[0]
        text = f"{d[:4]}:{d[4:6]}:{d[6:8]}"
        offset = None
        if len(tm) >= 6:
            text += f" {tm[:2]}:{tm[2:4]}:{tm[4:6]}"
            offset = tm[6:] or None
        iso = _iso(text, offset)
        if iso:
            md.taken_at, md.taken_at_source = iso, "IPTC DateCreated"
    if fields.get("Caption-Abstract"):
        for v in fields["Caption-Abstract"]:
            if v not in md.comments:
                md.comments.append(v)


def _apply_photoshop(md: Metadata, data: bytes) -> None:
    md.add_block("Photoshop")
    res = _iptc.parse_8bim(data)
    if _iptc.PS_IPTC in res and res[_iptc.PS_IPTC]:
        _apply_iptc(md, res[_iptc.PS_IPTC])
    for rid in (_iptc.PS_THUMBNAIL, _iptc.PS_THUMBNAIL_OLD):
        thumb = res.get(rid)
        if thumb and len(thumb) > 28 and md.thumbnail is None:
            _offer_thumbnail(md, thumb[28:], "Photoshop thumbnail")
    if _iptc.PS_XMP in res:
        _apply_xmp(md, res[_iptc.PS_XMP])


# ---------------------------------------------------------------------------
# containers

def _read_jpeg(md: Metadata, photo: PhotoFile) -> None:
    jf = _jpeg.parse(photo.data)
    if jf.truncated:
        md.problems.append("the file is cut short (truncated)")
    if jf.junk_bytes:
        md.problems.append(f"{jf.junk_bytes} stray bytes between segments")
    size = jf.size()
    if size:
        md.width, md.height = size
    ext_xmp: list[bytes] = []
    for seg in jf.segments:
        m, d = seg.marker, seg.data
        if m == 0xE1 and d.startswith(b"Exif\x00"):
            _apply_exif(md, d)
        elif m == 0xE1 and d.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
            _apply_xmp(md, d[29:])
        elif m == 0xE1 and d.startswith(b"http://ns.adobe.com/xmp/extension/\x00"):
            ext_xmp.append(d[35 + 32 + 8:])
            md.add_block("XMP")
        elif m == 0xED:
            _apply_photoshop(md, d)
        elif m == 0xE2 and d.startswith(b"ICC_PROFILE\x00"):
            md.add_block("ICC")
        elif m == 0xE2 and d.startswith(b"MPF\x00"):
            md.add_block("MPF")
        elif m == 0xE2 and d.startswith(b"FPXR\x00"):
            md.add_block("FlashPix")
            _scan_embedded_jpegs(md, d, "in FlashPix data") if md.thumbnail is None else None
        elif m == 0xE0 and d.startswith(b"JFXX\x00") and len(d) > 6:
            md.add_block("JFXX")
            if d[5] == 0x10:
                _offer_thumbnail(md, d[6:], "JFIF extension (JFXX)")
        elif m == 0xE0 and d.startswith(b"JFIF\x00") and len(d) >= 14 and d[12] and d[13]:
            md.add_block("Thumbnail")  # a raw RGB thumbnail in the JFIF header itself
            tw, th = d[12], d[13]
            if md.thumbnail is None and len(d) >= 14 + 3 * tw * th:
                import io

                from PIL import Image

                buf = io.BytesIO()
                Image.frombytes("RGB", (tw, th), d[14:14 + 3 * tw * th]).save(buf, "PNG")
                md.thumbnail = Thumbnail(True, tw, th, "JFIF header", data=buf.getvalue())
        elif m == _jpeg.COM:
            text = d.rstrip(b"\x00").decode("utf-8", "replace").strip()
            md.add_block("Comment")
            if text and text not in md.comments:
                md.comments.append(text)
        elif 0xE3 <= m <= 0xEF and m != 0xEE and len(d) > 0:
            tag = d[:12].split(b"\x00")[0].decode("latin-1", "replace").strip() or f"APP{m - 0xE0}"
            md.add_block(f"APP{m - 0xE0} {tag}".strip()[:40])
    if ext_xmp:
        _apply_xmp(md, b"".join(ext_xmp))
    trailer = jf.trailer.strip(b"\x00")
    if trailer:
        md.add_block("Trailer")
        if b"\xff\xd8\xff" in trailer:
            md.hidden_images += trailer.count(b"\xff\xd8\xff")
            if md.thumbnail is None:
                _scan_embedded_jpegs(md, trailer, "after the end of the picture")


def _read_png(md: Metadata, photo: PhotoFile) -> None:
    pf = _png.parse(photo.data)
    if pf.truncated:
        md.problems.append("the file is cut short (truncated)")
    ihdr = pf.find(b"IHDR")
    if ihdr and len(ihdr[0].data) >= 8:
        import struct

        md.width, md.height = struct.unpack(">II", ihdr[0].data[:8])
    for c in pf.chunks:
        if c.type == b"eXIf":
            _apply_exif(md, c.data)
        elif c.type == b"iCCP":
            md.add_block("ICC")
        elif c.type == b"tIME":
            md.add_block("PNG time")
        elif c.type in (b"tEXt", b"zTXt", b"iTXt"):
            try:
                kv = _png.text_of(c)
            except ValueError:
                md.add_block("PNG text")
                md.problems.append(f"a {c.name} chunk unpacks to more text than is safe to read")
                continue
            if kv is None:
                md.add_block("PNG text")
                continue
            key, text = kv
            low = key.lower()
            if low == "xml:com.adobe.xmp":
                _apply_xmp(md, text.encode("utf-8"))
            elif low.startswith("raw profile type") or low in ("exif", "iptc", "xmp"):
                _apply_raw_profile(md, low.rsplit(" ", 1)[-1], text)
            else:
                md.add_block("PNG text")
                md.png_text[key] = text[:2000]
                if low in ("author", "artist", "copyright", "creator") and text.strip():
                    md.owners.setdefault(f"PNG {key}", text.strip()[:200])
                if low in ("comment", "description") and text.strip() and text not in md.comments:
                    md.comments.append(text.strip()[:2000])
                if low in ("creation time", "date:create") and not md.taken_at:
                    iso = _iso(text)
                    if iso:
                        md.taken_at, md.taken_at_source = iso, f"PNG {key}"


def _apply_raw_profile(md: Metadata, kind: str, text: str) -> None:
    """ImageMagick's 'Raw profile type X' text chunks: a hex dump of a metadata block."""
    payload = text
    if not text.startswith("Exif"):
        parts = text.strip().split("\n", 2)
        hexdata = "".join(parts[2].split()) if len(parts) == 3 else ""
        try:
            payload = bytes.fromhex(hexdata).decode("latin-1")
        except ValueError:
            md.add_block("PNG text")
            md.problems.append(f"a '{kind}' text chunk could not be decoded")
            return
    raw = payload.encode("latin-1", "replace")
    if kind in ("exif", "app1"):
        _apply_exif(md, raw)
    elif kind == "iptc":
        if raw.startswith(b"Photoshop 3.0") or raw.startswith(b"8BIM"):
            _apply_photoshop(md, raw)
        else:
            _apply_iptc(md, raw)
    elif kind == "8bim":
        _apply_photoshop(md, raw)
    elif kind == "xmp":
        _apply_xmp(md, raw)
    elif kind == "icc":
        md.add_block("ICC")
    else:
        md.add_block("PNG text")


def _read_webp(md: Metadata, photo: PhotoFile) -> None:
    wf = _riff.parse(photo.data)
    if wf.truncated:
        md.problems.append("the file is cut short (truncated)")
    size = wf.size()
    if size:
        md.width, md.height = size
    for c in wf.chunks:
        if c.fourcc == b"EXIF":
            _apply_exif(md, c.data)
        elif c.fourcc == b"XMP ":
            _apply_xmp(md, c.data)
        elif c.fourcc == b"ICCP":
            md.add_block("ICC")


def _read_tiff(md: Metadata, photo: PhotoFile) -> None:
    t = _apply_exif(md, photo.data, is_file=True)
    if t is None:
        raise CorruptFileError(f"{photo.name} is a damaged TIFF file: its first directory is unreadable.")
    ifd0 = t.ifds.get("IFD0")
    if ifd0 is None:
        raise CorruptFileError(f"{photo.name} is a damaged TIFF file: its first directory is unreadable.")
    if md.format in ("TIFF", "DNG", "NEF"):
        from .images import open_image

        try:
            md.width, md.height = open_image(photo).size  # checks the picture is readable
            return
        except SafetyLabError:
            if md.format == "TIFF":
                raise
    w, h = ifd0.get(0x0100), ifd0.get(0x0101)
    if w is not None and h is not None:
        md.width, md.height = int(w.first() or 0) or None, int(h.first() or 0) or None


def _read_heif(md: Metadata, photo: PhotoFile) -> None:
    from . import _bmff

    hm = _bmff.parse(photo.data)
    md.problems.extend(hm.problems)
    for blob in hm.exif:
        _apply_exif(md, blob)
    for blob in hm.xmp:
        _apply_xmp(md, blob)
    # libheif applies the container's rotation itself; the EXIF orientation is informational.
    md.orientation = None
    if hm.thumbnails:
        md.add_block("Thumbnail")
        md.thumbnail = md.thumbnail or Thumbnail(True, None, None, "HEIF thumbnail item")
    if b"colr" in photo.data[:4096] and b"prof" in photo.data[:8192]:
        md.add_block("ICC")


_READERS = {"JPEG": _read_jpeg, "PNG": _read_png, "WEBP": _read_webp, "TIFF": _read_tiff,
            "CR2": _read_tiff, "RW2": _read_tiff, "ORF": _read_tiff,
            "HEIC": _read_heif, "HEIF": _read_heif, "AVIF": _read_heif}


def _heif_details(md: Metadata, photo: PhotoFile) -> None:
    """Size and thumbnails of a HEIF file from libheif (headers only, no pixel decoding)."""
    try:
        import pillow_heif

        heif = pillow_heif.open_heif(photo.data, convert_hdr_to_8bit=True)
        img = heif.primary if hasattr(heif, "primary") else heif[0]
        md.width, md.height = img.size
        thumbs = getattr(img, "thumbnails", [])
        if thumbs:
            th = max(thumbs, key=lambda x: x.size[0] * x.size[1] if hasattr(x, "size") else 0)
            size = getattr(th, "size", (None, None))
            md.add_block("Thumbnail")
            if md.thumbnail is None or md.thumbnail.width is None:
                md.thumbnail = Thumbnail(True, size[0], size[1], "HEIF thumbnail item")
    except Exception:
        if photo.format != "AVIF":
            md.problems.append("the HEIF picture could not be opened")
    if md.width is None:
        try:
            from .images import open_image

            im = open_image(photo)
            md.width, md.height = im.size
        except SafetyLabError:
            pass


def read_photo(photo: PhotoFile, *, compare_thumbnail: bool = True) -> Metadata:
    """Read the metadata of a photo already in memory. See :func:`read`."""
    md = Metadata(file=photo.name, format=photo.format)
    try:
        _READERS[photo.format](md, photo)
    except SafetyLabError:
        raise
    except (RecursionError, MemoryError, ValueError, IndexError, KeyError, TypeError,
            OverflowError, ZeroDivisionError, UnicodeError, AttributeError) as e:
        raise CorruptFileError(
            f"{photo.name} is damaged: its metadata could not be read ({type(e).__name__}).") from None
    if photo.format in HEIF_FORMATS:
        _heif_details(md, photo)
    elif md.width and md.height:
        md.width, md.height = displayed_size(md.width, md.height, md.orientation)
    if md.owners and not md.owner:
        for key in ("CameraOwnerName", "Artist", "XPAuthor", "XMP dc:creator", "IPTC By-line",
                    "XMP aux:OwnerName", "XMP xmpRights:Owner", "PNG Author", "Copyright",
                    "IPTC CopyrightNotice", "XMP dc:rights"):
            if md.owners.get(key):
                md.owner = md.owners[key]
                break
        else:
            md.owner = next(iter(md.owners.values()))
    if compare_thumbnail and md.thumbnail is not None and md.thumbnail.data:
        md.thumbnail.differs = thumbnail_differs(photo, md.thumbnail)
    return md


def read(path: str | os.PathLike, *, compare_thumbnail: bool = True) -> Metadata:
    """Read every privacy-relevant field of a photo file. The file is not changed.

    Parameters
    ----------
    path : str or path-like
        A JPEG, PNG, WebP, TIFF (or TIFF-based raw), HEIC/HEIF or AVIF file.
    compare_thumbnail : bool
        Decode the main picture (at reduced size) to tell whether an embedded
        thumbnail shows something different, e.g. the uncropped original.

    Raises
    ------
    SafetyLabError
        With one plain line, when the file is not a photo, is damaged or too large.
    """
    return read_photo(read_file(path), compare_thumbnail=compare_thumbnail)


def thumbnail_differs(photo: PhotoFile, thumb: Thumbnail, threshold: float = 0.12, *,
                      main: "PILImage.Image | None" = None) -> bool | None:
    """Does the thumbnail show something other than the picture itself?

    Both are reduced to small grey images and compared after normalising
    brightness. A different shape (aspect ratio) or a large mean difference
    means the thumbnail is not just a smaller copy: typically it still shows
    the photo before it was cropped or edited. Returns None when either
    picture cannot be decoded. ``main`` may pass the picture already decoded
    upright (at any reduced size), so a caller that needs it anyway decodes once.
    """
    from .images import load

    small = thumb.image()
    if small is None:
        return None
    if main is None:
        try:
            main = load(photo, max_side=128)
        except SafetyLabError:
            return None
    from PIL import ImageOps

    ta, ma = small.width / small.height, main.width / main.height
    # Thumbnails are often letterboxed to 160x120: compare the main picture's shape
    # with the thumbnail's content after trimming uniform black or white bars.
    small = _trim_bars(small)
    ta = small.width / small.height
    if abs(ta - ma) / ma > 0.15:
        return True
    import numpy as np

    size = (32, 32)
    a = np.asarray(ImageOps.grayscale(small).resize(size), dtype=np.float64)
    b = np.asarray(ImageOps.grayscale(main).resize(size), dtype=np.float64)
    a = (a - a.mean()) / (a.std() + 1e-6)
    b = (b - b.mean()) / (b.std() + 1e-6)
    return bool(np.abs(a - b).mean() / 2.0 > threshold * 2.5)


def _trim_bars(im: "PILImage.Image") -> "PILImage.Image":
    import numpy as np

    arr = np.asarray(im.convert("L"), dtype=np.int16)
    rows = np.where(np.abs(arr - arr.mean(axis=1, keepdims=True)).max(axis=1) > 12)[0]
    cols = np.where(np.abs(arr - arr.mean(axis=0, keepdims=True)).max(axis=0) > 12)[0]
    if len(rows) < 4 or len(cols) < 4:
        return im
    return im.crop((int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1))


def scrub(path, out_dir=None, **options):
    """Write a cleaned copy of a photo to a new file. See :func:`safetylab.scrub.scrub`."""
    from .scrub import scrub as _scrub

    return _scrub(path, out_dir, **options)
