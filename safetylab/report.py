"""The pre-send report: everything a photo gives away, in one record.

:func:`check` composes the inspections (metadata, place name, and later faces and
background text) into a :class:`Report`, whose :meth:`Report.to_dict` is the JSON
object the ``safetylab check --json`` command prints (see DESIGN.md).

What this does not protect against: the report lists what the file and the
picture give away that the code can find; skylines, landmarks, uniforms and
reflections need a human eye (:data:`NOT_CHECKED`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import plain
from .errors import SafetyLabError
from .metadata import Metadata

__all__ = ["Report", "Risk", "check", "risks_for", "error_report", "rows", "raw_values", "NOT_CHECKED",
           "NOTHING_FOUND"]

#: What the report does not look for, said wherever a report is shown.
NOT_CHECKED = ("Not checked here: skylines, landmarks, uniforms and reflections; writing too "
               "small or blurred to read; faces too small or turned away to find.")
#: What a report with no risks says.
NOTHING_FOUND = "No hidden details found in this file."

_LEVELS = ("high", "medium", "low")


@dataclass(frozen=True)
class Risk:
    id: str
    level: str  # "high", "medium" or "low"
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "level": self.level, "message": self.message}


@dataclass
class Report:
    """The JSON contract of ``safetylab check`` (absent facts are None, never missing)."""

    file: str
    format: str | None = None
    width: int | None = None
    height: int | None = None
    gps: dict[str, Any] | None = None
    taken_at: str | None = None
    camera: dict[str, Any] | None = None
    owner: str | None = None
    thumbnail: dict[str, Any] | None = None
    blocks: list[str] = field(default_factory=list)
    faces: list[dict[str, Any]] | None = None
    texts: list[dict[str, Any]] | None = None
    risks: list[Risk] = field(default_factory=list)
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    metadata: Metadata | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "format": self.format, "width": self.width, "height": self.height,
            "gps": self.gps, "taken_at": self.taken_at, "camera": self.camera, "owner": self.owner,
            "thumbnail": self.thumbnail, "blocks": list(self.blocks), "faces": self.faces,
            "texts": self.texts, "risks": [r.to_dict() for r in self.risks], "error": self.error,
            "details": self.details,
        }


def risks_for(md: Metadata, place: str | None = None,
              faces: list[dict[str, Any]] | None = None,
              texts: list[dict[str, Any]] | None = None) -> list[Risk]:
    """What each finding means for the sender, most serious first."""
    out: list[Risk] = []
    g = md.gps
    if g is not None and g.usable:
        where = f" (near {plain.place(place)})" if place else ""
        out.append(Risk("gps", "high",
                        f"The file holds the exact spot where it was taken{where}. "
                        "Anyone who gets the file can put it on a map."))
    elif g is not None:
        out.append(Risk("gps_empty", "low",
                        "The file has a GPS section but no usable position in it. "
                        "The same camera may record one next time."))
    if md.thumbnail is not None and md.thumbnail.differs:
        out.append(Risk("thumbnail_differs", "high",
                        "The small preview stored inside the file shows something different "
                        "from the picture, such as the part you cropped out."))
    elif md.thumbnail is not None or (md.hidden_images and "MPF" not in md.blocks):
        out.append(Risk("thumbnail", "medium",
                        "The file carries a second, smaller copy of the picture. "
                        "Edits you make to the picture may not reach it."))
    if md.hidden_images and "MPF" in md.blocks:
        out.append(Risk("more_pictures", "medium",
                        "The file holds more pictures after the one you see (a multi-picture file: "
                        "another angle, a depth map or an unedited copy). Whoever gets the file gets them too."))
    if md.owners:
        out.append(Risk("owner", "high",
                        f"The file names a person: {md.owner}. A name is the shortest path "
                        "from an anonymous chat to your real life."))
    if md.people:
        out.append(Risk("people", "high",
                        "Names of people are tagged in the picture: " + ", ".join(md.people) + "."))
    if md.place_text:
        out.append(Risk("place_text", "high",
                        "The file names a place: " + ", ".join(dict.fromkeys(md.place_text.values())) + "."))
    cam = md.camera
    if cam.serial or cam.lens_serial or cam.internal_serial:
        out.append(Risk("serial", "medium",
                        "The file holds a serial number that ties it to one device: other photos "
                        "from that device can be linked to you."))
    if md.taken_at:
        out.append(Risk("taken_at", "medium",
                        f"The file records when it was taken ({plain.date_time(md.taken_at)}); with other clues, "
                        "a time narrows down where you were and your routine."))
    if cam.make or cam.model:
        out.append(Risk("camera", "low",
                        "The file names the phone or camera it came from: "
                        + " ".join(v for v in (cam.make, cam.model) if v) + "."))
    if faces:
        n = len(faces)
        out.append(Risk("faces", "high",
                        f"The picture shows {n} face{'s' if n > 1 else ''}. A clear face can be "
                        "matched to other photos of the same person online, and so to a name."))
    if texts:
        shown = ", ".join(f"“{t['text']}”" for t in texts[:4]) + (" …" if len(texts) > 4 else "")
        out.append(Risk("texts", "high",
                        f"Readable writing in the picture: {shown}. Signs, labels, badges and plates "
                        "can point to where you live, study or work."))
    if md.comments or md.png_text:
        out.append(Risk("text", "medium",
                        "The file carries written notes (comments, descriptions or text fields) "
                        "you may not have seen."))
    if md.makernote:
        out.append(Risk("makernote", "low",
                        "The file holds the camera maker's private notes, which can include "
                        "serial numbers and settings."))
    out.sort(key=lambda r: _LEVELS.index(r.level))
    return out


def _place(md: Metadata) -> str | None:
    if md.gps is None or not md.gps.usable:
        return None
    try:
        from .location import place_name

        return place_name(md.gps.lat, md.gps.lon)
    except SafetyLabError:
        return None


def _full_size(md: Metadata, shown, box) -> list[int]:
    """A box ``[x, y, w, h]`` found in the reduced picture, in the full-size displayed picture."""
    fx = (md.width or shown.width) / shown.width
    fy = (md.height or shown.height) / shown.height
    x, y, w, h = box
    return [round(x * fx), round(y * fy), round(w * fx), round(h * fy)]


def _optional(md: Metadata, not_checked: str, inspect, shown) -> list | None:
    """``inspect(shown)``, or None with a note in ``md.problems`` when it cannot run
    (e.g. its model is not installed)."""
    try:
        return inspect(shown)
    except SafetyLabError as e:
        md.problems.append(f"{not_checked}: {e}")
        return None


def _faces(md: Metadata, shown) -> list[dict[str, Any]] | None:
    """Faces found in the (reduced, upright) picture, boxed in full-size displayed pixels."""
    from .faces import detect

    found = _optional(md, "faces were not checked", detect, shown)
    if found is None:
        return None
    return [{"box": _full_size(md, shown, f.box), "score": round(f.score, 3)} for f in found]


def _texts(md: Metadata, shown) -> list[dict[str, Any]] | None:
    """Lines of text read in the (reduced, upright) picture, boxed in full-size displayed pixels."""
    from .clues import read_text

    hits = _optional(md, "background text was not checked", read_text, shown)
    if hits is None:
        return None
    return [{"text": h.text, "box": _full_size(md, shown, h.box), "score": round(float(h.score), 3),
             "mirrored": bool(h.mirrored)} for h in hits]


def check(path: str | os.PathLike, *, place: bool = True, faces: bool = True,
          texts: bool = True) -> Report:
    """Everything a photo gives away, as a :class:`Report`. The file is not changed.

    The picture is decoded once, reduced, and shared by the face search, the
    text reader and the comparison with an embedded thumbnail. ``faces=False``
    and ``texts=False`` skip those (faster; they are then ``None``: not checked).

    Raises
    ------
    SafetyLabError
        When the file cannot be read (use :func:`error_report` to turn it into a report).
    """
    from .images import load, read_file
    from .metadata import THUMBNAIL_SIDE, read_photo, thumbnail_differs

    photo = read_file(path)
    md = read_photo(photo, compare_thumbnail=False)
    has_thumb = md.thumbnail is not None and bool(md.thumbnail.data)
    shown = None
    if faces or texts or has_thumb:
        side = THUMBNAIL_SIDE
        if faces or texts:  # (the face search is imported only when it is asked for)
            from .faces import DEFAULT_MAX_SIDE as side
        try:  # the thumbnail comparison alone needs a small picture (a JPEG decodes at 1/8 then)
            # (the thumbnail comparison alone looks at grey levels only)
            shown = load(photo, max_side=side, mode="RGB" if (faces or texts) else "L")
        except SafetyLabError as e:
            md.problems.append(f"the picture could not be decoded: {e}")
    if shown is not None and has_thumb:
        md.thumbnail.differs = thumbnail_differs(photo, md.thumbnail, main=shown)
    found = _faces(md, shown) if (faces and shown is not None) else None
    words = _texts(md, shown) if (texts and shown is not None) else None
    name = _place(md) if place else None
    gps = None
    if md.gps is not None:
        gps = {"lat": md.gps.lat, "lon": md.gps.lon, "alt": md.gps.alt, "place": name,
               "usable": md.gps.usable, "source": md.gps.source}
    th = None
    if md.thumbnail is not None:
        th = {"present": True, "width": md.thumbnail.width, "height": md.thumbnail.height,
              "differs": md.thumbnail.differs, "source": md.thumbnail.source,
              "readable": md.thumbnail.readable}
    cam = md.camera
    camera = None
    if cam.any():
        camera = {"make": cam.make, "model": cam.model, "serial": cam.serial,
                  "lens_serial": cam.lens_serial, "internal_serial": cam.internal_serial,
                  "lens": cam.lens, "software": cam.software}
    details = {
        "orientation": md.orientation, "taken_at_source": md.taken_at_source,
        "owners": md.owners, "people": md.people, "place_text": md.place_text,
        "comments": md.comments, "png_text": md.png_text, "iptc": md.iptc,
        "makernote": md.makernote, "hidden_images": md.hidden_images, "problems": md.problems,
    }
    return Report(file=Path(path).name, format=md.format, width=md.width, height=md.height,
                  gps=gps, taken_at=md.taken_at, camera=camera, owner=md.owner, thumbnail=th,
                  blocks=list(md.blocks), faces=found, texts=words,
                  risks=risks_for(md, name, found, words),
                  details=details, metadata=md)


def _where(g: dict[str, Any] | None, exact: bool) -> str:
    if g and g.get("usable"):
        near = plain.place(g.get("place"))
        if exact:
            return f"{g['lat']:.5f}, {g['lon']:.5f}" + (f" (near {near})" if near else "")
        return (f"near {near}: the exact spot, close enough to find on a map" if near else
                "the exact spot, close enough to find on a map")
    if g:
        return "a GPS section, but no position in it"
    return "none"


def rows(rep: Report, *, exact: bool = False) -> list[tuple[str, str]]:
    """The report as ``(what, what the file says)`` rows: one wording for the command and the lessons.

    Every value is in words (:mod:`safetylab.plain`): dates as "1 June 2024,
    2:03 pm", names with where they come from, places with their country.
    ``exact=True`` (the command line) adds the GPS coordinates and the names of
    the file's metadata blocks; every other row reads the same.

    Examples
    --------
    >>> rep = Report(file="a.jpg", format="JPEG", width=4, height=3, taken_at="2024-06-01T14:03:22",
    ...              gps={"lat": 48.8583701, "lon": 2.2944813, "usable": True, "place": "Paris, FR"})
    >>> r = dict(rows(rep))
    >>> r["Where it was taken"], r["When it was taken"], r["Faces in the picture"]
    ('near Paris, France: the exact spot, close enough to find on a map', '1 June 2024, 2:03 pm', 'not checked')
    >>> dict(rows(rep, exact=True))["Where it was taken"]
    '48.85837, 2.29448 (near Paris, France)'
    """
    cam, th = rep.camera or {}, rep.thumbnail
    thumb = "none"
    if th:
        thumb = f"yes, {th['width']} by {th['height']} pixels" if th.get("width") else "yes"
        if th.get("readable") is False:
            thumb += ", but it could not be read"
        if th.get("differs"):
            thumb += ", and it shows something DIFFERENT from the picture"
    more = rep.details.get("hidden_images") or 0
    if more and "MPF" in rep.blocks:
        thumb += f"; {plain.count(more, 'more picture')} stored after the picture"
    kinds = (", ".join(rep.blocks) if exact else plain.blocks(rep.blocks)) or "none"
    size = f", {rep.width} by {rep.height} pixels" if rep.width and rep.height else ""
    return [
        ("File", f"{rep.file} ({rep.format or 'unknown format'}{size})"),
        ("Where it was taken", _where(rep.gps, exact)),
        ("When it was taken", plain.date_time(rep.taken_at) if rep.taken_at else "not recorded"),
        ("Camera or phone", " ".join(v for v in (cam.get("make"), cam.get("model")) if v) or "not recorded"),
        ("Software", cam.get("software") or "not recorded"),
        ("Serial numbers", plain.serials(cam) or "none"),
        ("Names of people", "; ".join(x for x in (plain.owners(rep.details.get("owners") or {}),
                                                  ", ".join(rep.details.get("people") or [])) if x) or "none"),
        ("Place names written in the file", ", ".join(dict.fromkeys((rep.details.get("place_text") or {}).values()))
         or "none"),
        ("Faces in the picture", "not checked" if rep.faces is None else (
            f"{plain.count(len(rep.faces), 'face')} found" if rep.faces else "none found")),
        ("Writing in the picture", "not checked" if rep.texts is None else (
            "; ".join(t["text"] for t in rep.texts[:6]) or "none found")),
        ("Hidden preview picture", thumb),
        ("Kinds of hidden details", kinds),
    ]


def raw_values(rep: Report) -> list[tuple[str, str]]:
    """What the file stores, as it stores it: for trainers (folded away in trainer mode) and developers.

    Examples
    --------
    >>> dict(raw_values(Report(file="a.jpg", taken_at="2024-06-01T14:03:22")))["When it was taken"]
    '2024-06-01T14:03:22'
    """
    g = rep.gps or {}
    out = [("Where it was taken", f"{g['lat']:.6f}, {g['lon']:.6f}" if g.get("usable") else "none"),
           ("When it was taken", rep.taken_at or "none")]
    out += [(f"Name field {k}", v) for k, v in (rep.details.get("owners") or {}).items()]
    out += [(f"Place field {k}", v) for k, v in (rep.details.get("place_text") or {}).items()]
    out.append(("Metadata blocks", ", ".join(rep.blocks) or "none"))
    out += [(f"Face {i}: box [x, y, w, h]", f"{f['box']} (score {f['score']})")
            for i, f in enumerate(rep.faces or [], 1)]
    out += [(f"Writing {i}: box [x, y, w, h]", f"{t['box']} “{t['text']}”")
            for i, t in enumerate(rep.texts or [], 1)]
    return out


def error_report(path: str | os.PathLike, err: SafetyLabError) -> Report:
    """A report for a file that could not be read: every key present, ``error`` set."""
    return Report(file=Path(path).name, error=str(err))
