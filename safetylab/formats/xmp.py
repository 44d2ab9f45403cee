"""XMP: read a packet into a flat map, and add what it says to the record.

XMP is RDF/XML: the same property may be an attribute, an element, or a list
(rdf:Seq/Bag/Alt). :func:`parse` flattens all three into ``{"prefix:Name": [values]}``
using the standard prefixes whatever prefix the file itself used. A packet with a
document type (where entities are declared) or in a 16/32-bit encoding goes
through defusedxml, so entity-expansion bombs are refused; a packet of plain
elements, which cannot declare anything, goes through Python's C parser (faster).
Every element counts against the file's totals (:mod:`safetylab.formats.limits`),
and the walk keeps a stack of its own, so any depth of nesting is read. :func:`apply` adds
the owner, places, people, camera, date and GPS the packet names to a
:class:`~safetylab.formats.record.Metadata` record. Every container (JPEG APP1,
PNG iTXt, WebP XMP chunk, TIFF tag, HEIF item, Photoshop resource) hands its
packet here.

What this does *not* protect against: XMP written in a private schema keeps its
values in :attr:`Metadata.xmp`, but only the properties named here are reported
as an owner, a place or a person.
"""

from __future__ import annotations

import re
from fractions import Fraction

from . import limits
from .limits import MAX_VALUES
from .record import Gps, Metadata, iso_date, number

__all__ = ["parse", "NS", "person_names", "XmpError", "coordinate", "apply"]

NS = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://www.metadataworkinggroup.com/schemas/regions/": "mwg-rs",
    "http://ns.microsoft.com/photo/1.2/": "MP",
    "http://ns.microsoft.com/photo/1.2/t/RegionInfo#": "MPRI",
    "http://ns.microsoft.com/photo/1.2/t/Region#": "MPReg",
    "http://ns.microsoft.com/photo/1.0/": "MicrosoftPhoto",
    "http://ns.google.com/photos/1.0/camera/": "GCamera",
    "http://ns.adobe.com/lightroom/1.0/": "lr",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://ns.adobe.com/xmp/note/": "xmpNote",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_CONTAINERS = {f"{{{_RDF}}}{t}" for t in ("Seq", "Bag", "Alt")}
_LI = f"{{{_RDF}}}li"
_DESC = f"{{{_RDF}}}Description"


class XmpError(ValueError):
    """The packet is not well-formed XML (or is hostile XML)."""


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        prefix = NS.get(uri)
        if prefix is None:
            prefix = uri.rstrip("/#").rsplit("/", 1)[-1] or "ns"
        return f"{prefix}:{local}"
    return tag


def _packet(data: bytes) -> bytes:
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        start = data.find(b"<rdf:RDF")
    if start < 0:
        start = data.find(b"<")
    end_tag = data.rfind(b"</x:xmpmeta>")
    if end_tag >= 0:
        return data[start:end_tag + len(b"</x:xmpmeta>")]
    end_tag = data.rfind(b"</rdf:RDF>")
    if end_tag >= 0:
        return data[start:end_tag + len(b"</rdf:RDF>")]
    return data[start:]


def parse(data: bytes) -> dict[str, list[str]]:
    """Flatten an XMP packet. Raises :class:`XmpError` if it cannot be parsed.

    Examples
    --------
    >>> x = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Ana</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'
    >>> parse(x)["dc:creator"]
    ['Ana']
    """
    packet = _packet(data)
    try:
        if b"\x00" in packet or b"<!" in packet.replace(b"<![CDATA[", b""):
            # a DTD (entities), a comment, or a 16/32-bit encoding: the careful, slower parser
            from defusedxml import ElementTree as ET
            from defusedxml.common import DefusedXmlException

            try:
                root = ET.fromstring(packet)
            except DefusedXmlException as e:
                raise XmpError(str(e)) from None
        else:  # plain elements only (no declaration can expand anything): the C parser
            from xml.etree.ElementTree import fromstring

            root = fromstring(packet)
    except (SyntaxError, ValueError) as e:  # ParseError is a SyntaxError
        raise XmpError(str(e)) from None
    out: dict[str, list[str]] = {}

    def add(key: str, value: str | None) -> None:
        if value is not None and value.strip():
            out.setdefault(key, []).append(value.strip())

    budget = limits.current()
    # Depth first, in document order, with a stack of its own: any nesting depth is read.
    stack: list[tuple[object, str | None]] = [(root, None)]
    while stack:
        el, prop = stack.pop()
        budget.spend(items=1)
        for k, v in el.attrib.items():
            if not k.startswith(f"{{{_RDF}}}") and not k.startswith("{http://www.w3.org/XML"):
                add(_qname(k), v)
        children = list(el)
        if el.tag == _LI or el.tag in _CONTAINERS or el.tag == _DESC:
            key = prop
        else:
            key = _qname(el.tag)
        if not children:
            if el.tag not in _CONTAINERS and key:
                add(key, el.text)
            continue
        stack.extend((child, key) for child in reversed(children))
    return out


def person_names(props: dict[str, list[str]]) -> list[str]:
    """Names of people tagged in face/person regions (MWG, Microsoft, IPTC)."""
    names: dict[str, None] = {}
    for key in ("mwg-rs:Name", "MPReg:PersonDisplayName", "Iptc4xmpExt:PersonInImage",
                "MP:PersonDisplayName"):
        names.update(dict.fromkeys(props.get(key, [])))
    return list(names)


_DMS = re.compile(r"^\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])\s*$")


def coordinate(value: str) -> float | None:
    """An XMP GPS coordinate (``"48,51.5022N"`` or ``"48,51,30.1N"``) as signed degrees."""
    m = _DMS.match(value or "")
    if not m:
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    d, mnt, s, ref = m.groups()
    deg = float(d) + float(mnt or 0) / 60 + float(s or 0) / 3600
    return -deg if ref in "SW" else deg


# ---------------------------------------------------------------------------
# what the packet says, added to the record

_OWNER = (("dc:creator", "XMP dc:creator"), ("xmpRights:Owner", "XMP xmpRights:Owner"),
          ("aux:OwnerName", "XMP aux:OwnerName"), ("photoshop:Author", "XMP photoshop:Author"),
          ("dc:rights", "XMP dc:rights"))
_PLACE = (("photoshop:City", "city"), ("Iptc4xmpExt:City", "city"),
          ("Iptc4xmpCore:Location", "sublocation"), ("Iptc4xmpExt:Sublocation", "sublocation"),
          ("photoshop:State", "state"), ("Iptc4xmpExt:ProvinceState", "state"),
          ("photoshop:Country", "country"), ("Iptc4xmpExt:CountryName", "country"),
          ("Iptc4xmpCore:CountryCode", "country_code"))


def apply(md: Metadata, data: bytes) -> None:
    """Add what an XMP packet says to ``md`` (a damaged packet is noted in ``md.problems``)."""
    md.add_block("XMP")
    try:
        props = parse(data)
    except (XmpError, RecursionError):
        md.problems.append("XMP block is not well-formed and could not be read fully")
        return
    for k, v in props.items():
        md.add_values(md.xmp, k, v)
    md.add_named(props, _OWNER, _PLACE)
    md.add_values({"people": md.people}, "people", person_names(props))
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
            iso = iso_date(first(k))
            if iso:
                md.taken_at, md.taken_at_source = iso, f"XMP {k}"
                break
    for k in ("dc:description", "exif:UserComment"):
        for v in props.get(k, [])[:MAX_VALUES]:
            md.add_comment(v)
    lat_s, lon_s = first("exif:GPSLatitude"), first("exif:GPSLongitude")
    if lat_s or lon_s:
        md.add_block("GPS")
        lat = coordinate(lat_s) if lat_s else None
        lon = coordinate(lon_s) if lon_s else None
        usable = lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180
        alt = number(first("exif:GPSAltitude") and _fraction(first("exif:GPSAltitude")))
        if md.gps is None or (not md.gps.usable and usable):
            md.gps = Gps(round(lat, 7) if usable else None, round(lon, 7) if usable else None,
                         alt, usable, "XMP", ["exif:GPSLatitude", "exif:GPSLongitude"])


def _fraction(s: str | None):
    try:
        return Fraction(s) if s else None
    except (ValueError, ZeroDivisionError):
        return None
