"""Clues in the background: annotations, the spot-the-clue game, automatic hints.

Three parts, all pure Python, used by the lesson "Your background gives away
the place" and its widget:

* **Annotations** — what a photo's background reveals, in the documented JSON
  format of ``docs/clue-annotations.md``, validated against
  ``safetylab/data/clues.schema.json`` (:func:`validate`, :func:`load`). A bad
  file raises :class:`ClueFileError` naming the file and the field.
* **The game** — the learner marks places (a click, :meth:`Game.mark`, or a
  box, :meth:`Game.mark_box`); :func:`score` compares the marks with the
  annotation by overlap and gives feedback for every clue found or missed.
* **Writing your own** — :func:`new_annotation` starts one for a photo of
  your own, :func:`add_clue` / :func:`remove_clue` change it (each returns a
  new, checked annotation), :func:`box_from_corners` turns a dragged rectangle
  into a box, and :func:`save` writes ``NAME.clues.json`` beside ``NAME.jpg``
  (never over an existing file unless asked, and then the old one is kept as
  ``NAME.clues.json.bak``). The clue annotator of the authoring notebook is a
  thin widget over these.
* **Hints** — :func:`read_text` reads signs, labels and plates offline with
  PaddleOCR's PP-OCRv4 text models (shipped inside safetylab, Apache 2.0), run by
  RapidOCR (the ``rapidocr`` package) on ONNX Runtime and the headless OpenCV the
  rest of safetylab uses; it also tries each line flipped left to right to catch
  writing seen in a mirror;
  :func:`hints` boxes and explains each reading.

Boxes are always ``[x, y, w, h]`` in pixels of the picture as displayed.

What this does not protect against: the automatic hints only read writing;
skylines, landmarks, uniforms and reflections need a human eye, and a clue the
reader misses is still there.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from . import _datafile
from ._datafile import DataFileError
from .errors import SafetyLabError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

__all__ = [
    "ClueFileError", "OCRMissingError", "OCR_MODELS", "SCHEMA_PATH", "schema", "validate", "load",
    "dump", "clue_types", "annotation_path", "new_annotation", "box_from_corners", "suggest_id",
    "add_clue", "remove_clue", "draft_problems", "save",
    "Mark", "ClueResult", "SceneResult", "score", "Game",
    "TextHit", "Hint", "read_text", "hints", "iou", "text_matches", "unload_model",
]

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "clues.schema.json"

#: How close a click may be to a clue's box (pixels) and still count.
CLICK_MARGIN = 8
#: Smallest overlap (intersection over union) a marked box needs with a clue.
MIN_IOU = 0.3


class ClueFileError(DataFileError):
    """An annotation file is not valid: ``FILE: FIELD: PROBLEM`` in one line."""


class OCRMissingError(SafetyLabError):
    """The offline text reader is not installed."""


# --------------------------------------------------------------------------- #
# Annotation files
# --------------------------------------------------------------------------- #

_SCHEMA_FILE = SCHEMA_PATH.name


def schema() -> dict[str, Any]:
    """The JSON Schema of an annotation file (a new dict each call)."""
    return _datafile.schema(_SCHEMA_FILE)


def _rules(data: Mapping[str, Any]) -> list[tuple[list[Any], str]]:
    """What the schema cannot say: ids are unique and every box is inside the picture."""
    out: list[tuple[list[Any], str]] = []
    w, h = data["size"]
    seen: set[str] = set()
    boxes = [(["person"], data["person"])] if data.get("person") else []
    for i, clue in enumerate(data["clues"]):
        if clue["id"] in seen:
            out.append((["clues", i, "id"], f"repeats the id {clue['id']!r}; give every clue its own id"))
        seen.add(clue["id"])
        boxes.append((["clues", i, "box"], clue["box"]))
    for where, (x, y, bw, bh) in boxes:
        if x + bw > w or y + bh > h:
            out.append((where, f"goes outside the {w} x {h} picture"))
    return out


def validate(data: Any, source: str = "annotation") -> dict[str, Any]:
    """Check ``data`` against the schema and the rules a schema cannot state.

    Parameters
    ----------
    data : object
        A parsed annotation.
    source : str
        The file name used in the error message.

    Returns
    -------
    dict
        ``data`` itself, when it is valid.

    Raises
    ------
    ClueFileError
        ``FILE: FIELD: PROBLEM`` for the first field that is wrong.
    """
    return _datafile.validate(data, _SCHEMA_FILE, file=source, check=_rules, error=ClueFileError)


def load(path: str | os.PathLike) -> dict[str, Any]:
    """Read and validate an annotation file; errors name the file and the field."""
    return _datafile.load(path, _SCHEMA_FILE, check=_rules, error=ClueFileError, what="an annotation file")


def dump(data: Mapping[str, Any]) -> bytes:
    """An annotation as the bytes of a file (validated first)."""
    validate(dict(data), str(data.get("image", "annotation")))
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- #
# Writing an annotation for your own photo
# --------------------------------------------------------------------------- #

def clue_types() -> tuple[str, ...]:
    """The kinds of clue an annotation can list, from the schema (``"street_sign"``, ...).

    Examples
    --------
    >>> clue_types()[:3]
    ('street_sign', 'house_number', 'car_plate')
    """
    return tuple(schema()["$defs"]["clue"]["properties"]["type"]["enum"])


def annotation_path(photo: str | os.PathLike) -> Path:
    """Where the annotation of ``photo`` lives: ``NAME.clues.json`` beside ``NAME.jpg``.

    Examples
    --------
    >>> annotation_path("photos/kitchen.jpg").as_posix()
    'photos/kitchen.clues.json'
    """
    p = Path(photo)
    return p.with_name(p.stem + ".clues.json")


def new_annotation(photo: str | os.PathLike, *, title: str | None = None, level: int | None = None,
                   person: Sequence[int] | None = None) -> dict[str, Any]:
    """A new annotation, with no clues yet, for a photo of your own.

    Parameters
    ----------
    photo : path-like
        The photo (read, never changed); its size is measured as displayed.
    title : str, optional
        Shown above the picture in the game.
    level : int, optional
        1 easy, 2 medium, 3 hard.
    person : [x, y, w, h], optional
        Where the person is (background blur keeps it sharp).

    Raises
    ------
    SafetyLabError
        When the photo cannot be read (one plain line).
    """
    from .images import shown_size

    w, h = shown_size(photo)
    data: dict[str, Any] = {"format": "safetylab-clues/1", "image": Path(photo).name}
    if title:
        data["title"] = title
    if level is not None:
        data["level"] = level
    data.update(size=[int(w), int(h)], person=list(person) if person else None, clues=[])
    return validate(data, annotation_path(photo).name)


def box_from_corners(x0: float, y0: float, x1: float, y1: float, size: Sequence[int]) -> list[int]:
    """The ``[x, y, w, h]`` box between two corners (in any order), kept inside a picture of ``size``.

    Examples
    --------
    >>> box_from_corners(120.6, 80.2, 20.1, 10.9, (100, 60))
    [20, 11, 80, 49]
    """
    w, h = int(size[0]), int(size[1])
    left, right = sorted((float(x0), float(x1)))
    top, bottom = sorted((float(y0), float(y1)))
    left, top = min(max(0, round(left)), w - 1), min(max(0, round(top)), h - 1)
    right, bottom = min(max(left + 1, round(right)), w), min(max(top + 1, round(bottom)), h)
    return [left, top, right - left, bottom - top]


def suggest_id(annotation: Mapping[str, Any], ctype: str) -> str:
    """A clue id not yet used in ``annotation``, from its type: ``street_sign``, ``street_sign_2``...

    Examples
    --------
    >>> suggest_id({"clues": [{"id": "badge"}]}, "badge")
    'badge_2'
    """
    taken = {c["id"] for c in annotation.get("clues", ())}
    base = re.sub(r"[^a-z0-9_]+", "_", ctype.lower()).strip("_") or "clue"
    n, out = 1, base
    while out in taken:
        n += 1
        out = f"{base}_{n}"
    return out


def add_clue(annotation: Mapping[str, Any], *, type: str, box: Sequence[int], reveals: str, why: str,
             text: str | None = None, mirrored: bool = False, on_person: bool = False,
             id: str | None = None) -> dict[str, Any]:
    """A new annotation: ``annotation`` with one more clue (checked; ``annotation`` is unchanged).

    Raises
    ------
    ClueFileError
        Naming the clue's field that is wrong, e.g.
        ``kitchen.clues.json: clues[0].reveals: is empty; write some text here``.
    """
    clue: dict[str, Any] = {"id": id or suggest_id(annotation, type), "type": type,
                            "box": [int(v) for v in box], "reveals": reveals.strip(), "why": why.strip()}
    if text and text.strip():
        clue["text"] = text.strip()
    clue["mirrored"] = bool(mirrored)
    clue["on_person"] = bool(on_person)
    out = dict(annotation, clues=[dict(c) for c in annotation.get("clues", ())] + [clue])
    return validate(out, _file_of(annotation))


def remove_clue(annotation: Mapping[str, Any], clue_id: str) -> dict[str, Any]:
    """A new annotation without the clue ``clue_id`` (``annotation`` is unchanged).

    Raises
    ------
    KeyError
        When there is no such clue.
    """
    kept = [dict(c) for c in annotation.get("clues", ()) if c["id"] != clue_id]
    if len(kept) == len(annotation.get("clues", ())):
        raise KeyError(f"there is no clue called {clue_id!r}")
    return dict(annotation, clues=kept)


def _file_of(annotation: Mapping[str, Any]) -> str:
    image = str(annotation.get("image") or "annotation")
    return Path(image).stem + ".clues.json" if annotation.get("image") else image


def draft_problems(annotation: Any) -> list[str]:
    """Every problem with an annotation being written, one line each (empty when it is fine)."""
    file = _file_of(annotation) if isinstance(annotation, Mapping) else "annotation"
    return [str(e) for e in _datafile.problems(annotation, _SCHEMA_FILE, file=file, check=_rules,
                                               error=ClueFileError)]


def save(annotation: Mapping[str, Any], photo: str | os.PathLike, *,
         replace: bool = False) -> tuple[Path, Path | None]:
    """Write ``annotation`` as ``NAME.clues.json`` beside the photo ``NAME.jpg``.

    The annotation is checked first, and must be for this photo: its ``image``
    is the photo's file name and its ``size`` the photo's displayed size.

    Parameters
    ----------
    annotation : mapping
    photo : path-like
    replace : bool
        When ``NAME.clues.json`` is already there: False (the default) refuses
        and changes nothing; True replaces it, keeping the old one as
        ``NAME.clues.json.bak``.

    Returns
    -------
    (written, kept) : tuple
        The annotation file, and the backup of the one it replaced (or None).

    Raises
    ------
    ClueFileError
        When the annotation is not valid or not for this photo.
    AlreadyThereError
        When the file is there and ``replace`` is False.
    """
    from ._files import replace_keeping, write_exact
    from .images import shown_size

    photo = Path(photo)
    target = annotation_path(photo)
    validate(dict(annotation), target.name)
    if annotation["image"] != photo.name:
        raise ClueFileError(f"names {annotation['image']!r}, but the photo is {photo.name!r}",
                            file=target.name, field="image")
    size = list(shown_size(photo))
    if list(annotation["size"]) != size:
        raise ClueFileError(f"is {list(annotation['size'])}, but the photo is {size[0]} x {size[1]} pixels",
                            file=target.name, field="size")
    data = dump(annotation)
    if replace:
        return replace_keeping(target, data)
    return write_exact(target, data), None


# --------------------------------------------------------------------------- #
# Scoring
# --------------------------------------------------------------------------- #

def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two ``[x, y, w, h]`` boxes (0 when they do not touch).

    Examples
    --------
    >>> iou([0, 0, 10, 10], [5, 0, 10, 10])
    0.3333333333333333
    """
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class Mark:
    """One place the learner marked: a click (``w == h == 0``) or a box."""

    x: float
    y: float
    w: float = 0.0
    h: float = 0.0

    @property
    def is_click(self) -> bool:
        return self.w <= 0 or self.h <= 0

    def hits(self, box: Sequence[float]) -> bool:
        """Does this mark find a clue whose region is ``box``?"""
        if self.is_click:
            x, y, w, h = box
            m = CLICK_MARGIN
            return x - m <= self.x <= x + w + m and y - m <= self.y <= y + h + m
        return iou([self.x, self.y, self.w, self.h], box) >= MIN_IOU


@dataclass(frozen=True)
class ClueResult:
    """One clue: found or missed, with the feedback to show."""

    id: str
    type: str
    found: bool
    feedback: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class SceneResult:
    """The outcome of one scene."""

    image: str
    clues: tuple[ClueResult, ...]
    stray_marks: int

    @property
    def found(self) -> int:
        return sum(c.found for c in self.clues)

    @property
    def total(self) -> int:
        return len(self.clues)

    def summary(self) -> str:
        """One plain line."""
        line = f"You found {self.found} of {self.total} clue{'s' if self.total != 1 else ''}."
        if self.stray_marks:
            line += (f" {self.stray_marks} mark{'s' if self.stray_marks != 1 else ''} did not land on a "
                     "listed clue — if you saw something there, it may still be worth a second look.")
        return line


def _feedback(clue: Mapping[str, Any], found: bool) -> str:
    what = clue.get("text", "").replace("\n", " ")
    said = f" It reads “{what}”." if what else ""
    mirror = " It is seen in a mirror, so it reads backwards." if clue.get("mirrored") else ""
    head = "Found" if found else "Missed"
    return f"{head}: {clue['type'].replace('_', ' ')} — reveals {clue['reveals']}.{said}{mirror} {clue['why']}"


def score(annotation: Mapping[str, Any], marks: Iterable[Mark | Sequence[float]]) -> SceneResult:
    """Compare the learner's marks with a scene's annotation.

    A click finds a clue when it lands in the clue's box (or within
    :data:`CLICK_MARGIN` pixels of it); a box finds it when it overlaps it by
    at least :data:`MIN_IOU` (so one huge box around everything finds nothing).

    Parameters
    ----------
    annotation : mapping
        A valid annotation (see :func:`validate`).
    marks : iterable
        :class:`Mark` objects, ``(x, y)`` clicks or ``(x, y, w, h)`` boxes.

    Returns
    -------
    SceneResult
    """
    ms = [m if isinstance(m, Mark) else Mark(*m) for m in marks]
    results = []
    used: set[int] = set()
    for clue in annotation["clues"]:
        hit = [i for i, m in enumerate(ms) if m.hits(clue["box"])]
        used.update(hit)
        results.append(ClueResult(clue["id"], clue["type"], bool(hit), _feedback(clue, bool(hit)),
                                  tuple(int(v) for v in clue["box"])))
    return SceneResult(str(annotation.get("image", "")), tuple(results), len(ms) - len(used))


class Game:
    """The spot-the-clue game over several scenes, driven from plain Python.

    Parameters
    ----------
    annotations : sequence of mapping
        One valid annotation per scene, in playing order.

    Examples
    --------
    >>> ann = {"format": "safetylab-clues/1", "image": "x.png", "size": [100, 100], "person": None,
    ...        "clues": [{"id": "a", "type": "street_sign", "box": [10, 10, 20, 10],
    ...                   "reveals": "the street", "why": "A name finds it."}]}
    >>> g = Game([ann]); _ = g.mark(15, 15); g.check().found, g.points, g.max_points
    (1, 1, 1)
    """

    def __init__(self, annotations: Sequence[Mapping[str, Any]]):
        if not annotations:
            raise ValueError("the game needs at least one scene")
        self.annotations = [validate(dict(a), str(a.get("image", f"scene {i + 1}")))
                            for i, a in enumerate(annotations)]
        self.index = 0
        self.marks: list[Mark] = []
        self.results: dict[int, SceneResult] = {}

    @property
    def annotation(self) -> Mapping[str, Any]:
        return self.annotations[self.index]

    def mark(self, x: float, y: float) -> Mark:
        """Mark a point (a click) on the current scene."""
        m = Mark(float(x), float(y))
        self.marks.append(m)
        return m

    def mark_box(self, x: float, y: float, w: float, h: float) -> Mark:
        """Mark a box ``[x, y, w, h]`` on the current scene."""
        if w <= 0 or h <= 0:
            raise ValueError("a box needs a positive width and height")
        m = Mark(float(x), float(y), float(w), float(h))
        self.marks.append(m)
        return m

    def undo(self) -> None:
        """Remove the last mark, if any."""
        if self.marks:
            self.marks.pop()

    def check(self) -> SceneResult:
        """Score the current scene (again, if marks changed) and remember the result."""
        result = score(self.annotation, self.marks)
        self.results[self.index] = result
        return result

    def go(self, index: int) -> None:
        """Move to scene ``index``; its marks start empty."""
        if not 0 <= index < len(self.annotations):
            raise IndexError(f"there are {len(self.annotations)} scenes")
        self.index, self.marks = index, []

    def next(self) -> bool:
        """Move to the next scene; False when this was the last."""
        if self.index + 1 >= len(self.annotations):
            return False
        self.go(self.index + 1)
        return True

    @property
    def points(self) -> int:
        return sum(r.found for r in self.results.values())

    @property
    def max_points(self) -> int:
        return sum(len(a["clues"]) for a in self.annotations)

    def summary(self) -> str:
        """The score across scenes, in one plain line."""
        return (f"Score: {self.points} of {self.max_points} clues across "
                f"{len(self.results)} of {len(self.annotations)} scenes checked.")


# --------------------------------------------------------------------------- #
# Automatic hints: offline OCR
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class TextHit:
    """A line of text read in a picture."""

    text: str
    box: tuple[int, int, int, int]
    score: float
    mirrored: bool = False


@dataclass(frozen=True)
class Hint:
    """An automatic hint: a boxed reading and why it matters."""

    text: str
    box: tuple[int, int, int, int]
    kind: str
    explanation: str
    hit: TextHit = field(repr=False, compare=False, default=None)  # type: ignore[assignment]


#: The text models shipped with safetylab (PP-OCRv4, Apache 2.0; see the folder's README).
OCR_MODELS = {
    "det": Path(__file__).resolve().parent / "data" / "models" / "ch_PP-OCRv4_det_infer.onnx",
    "rec": Path(__file__).resolve().parent / "data" / "models" / "ch_PP-OCRv4_rec_infer.onnx",
}


@functools.lru_cache(maxsize=1)
def _engine():
    """RapidOCR running safetylab's own text models (never a download), built once."""
    from ._offline import import_onnxruntime
    from .memory import network_threads

    try:
        import_onnxruntime()  # with its usage reports switched off, before RapidOCR makes sessions
        from rapidocr import RapidOCR
    except ImportError:
        raise OCRMissingError("The offline text reader is not installed: reinstall safetylab "
                              "(it installs rapidocr and onnxruntime).") from None
    missing = [name for name, path in OCR_MODELS.items() if not path.is_file()]
    if missing:
        raise OCRMissingError("The text models are missing from this installation of safetylab: "
                              "reinstall safetylab.")
    params = {"Global.log_level": "error", "Det.model_path": str(OCR_MODELS["det"]),
              "Rec.model_path": str(OCR_MODELS["rec"])}
    threads = network_threads()
    if threads:  # a class server: one thread, which does not spin while it waits
        params.update({"EngineConfig.onnxruntime.intra_op_num_threads": threads,
                       "EngineConfig.onnxruntime.inter_op_num_threads": threads})
    try:
        engine = RapidOCR(params=params)
        engine._load_det_model()  # build both networks now: a missing model fails here, plainly
        engine._load_rec_model()
    except Exception as e:  # rapidocr raises many kinds; the learner needs one line
        raise OCRMissingError(f"The offline text reader could not start ({type(e).__name__}): "
                              "reinstall safetylab.") from None
    return engine


def unload_model() -> None:
    """Let go of the text reader (built again when next needed): see :mod:`safetylab.memory`."""
    _engine.cache_clear()


def _recognise(engine, crops: list) -> list[tuple[str, float]]:
    """Read each line picture (BGR arrays) with the engine's recogniser, in one batch."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    out = engine._load_rec_model()(TextRecInput(img=crops))
    return [(str(t), float(c)) for t, c in zip(out.txts or (), out.scores or ())]


def _norm(text: str) -> str:
    return " ".join(text.split())


def text_matches(read: str, truth: str) -> bool:
    """Is ``read`` the exact text ``truth``, every character right?

    Spaces are ignored, nothing else: the text reader often drops the gap
    between words in short signs ("ElmPark"), which changes nothing a stranger
    could do with the reading. Case and punctuation must match.

    Examples
    --------
    >>> text_matches("ElmPark", "Elm Park"), text_matches("E1m Park", "Elm Park")
    (True, False)
    """
    return "".join(read.split()) == "".join(truth.split())


def read_text(image: "PILImage.Image | np.ndarray | str | os.PathLike", *,
              min_score: float = 0.5, try_mirror: bool = True) -> list[TextHit]:
    """Read the lines of text in a picture, offline.

    Each line the detector finds is read as it is and, with ``try_mirror``,
    flipped left to right; the mirrored reading wins only when it is clearly
    more confident (writing seen in a mirror or through a window).

    Parameters
    ----------
    image : PIL image, array or path
        The picture (not changed).
    min_score : float
        Readings less confident than this are dropped.
    try_mirror : bool
        Also try each line flipped.

    Returns
    -------
    list of TextHit
        Top to bottom, then left to right; boxes in displayed pixels.
    """
    from . import _cache
    from .images import as_image

    rgb = np.asarray(as_image(image))  # a file is read at full size: small writing matters
    # the course's own pictures were read once, when learner mode was set up (safetylab._cache)
    return _cache.remember(
        "text", _cache.key(rgb, min_score, try_mirror), lambda: _read_lines(rgb, min_score, try_mirror),
        lambda hits: [[h.text, list(h.box), h.score, h.mirrored] for h in hits],
        lambda raw: [TextHit(str(t), tuple(int(v) for v in b), float(sc), bool(m)) for t, b, sc, m in raw])


def _read_lines(rgb: np.ndarray, min_score: float, try_mirror: bool) -> list[TextHit]:
    """:func:`read_text` on a picture as an RGB array, with the text reader itself."""
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    engine = _engine()
    found = engine(bgr, use_det=True, use_cls=False, use_rec=False)
    quads = getattr(found, "boxes", None)
    H, W = rgb.shape[:2]
    boxes, crops = [], []
    for quad in (quads if quads is not None else []):
        pts = np.asarray(quad, dtype=float)
        x0, y0 = max(0, int(np.floor(pts[:, 0].min()))), max(0, int(np.floor(pts[:, 1].min())))
        x1, y1 = min(W, int(np.ceil(pts[:, 0].max()))), min(H, int(np.ceil(pts[:, 1].max())))
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        boxes.append((x0, y0, x1 - x0, y1 - y0))
        crops.append(np.ascontiguousarray(bgr[y0:y1, x0:x1]))
    if not crops:
        return []
    batch = crops + ([np.ascontiguousarray(c[:, ::-1]) for c in crops] if try_mirror else [])
    readings = _recognise(engine, batch)  # one batch: every line as it is, then flipped
    hits: list[TextHit] = []
    n = len(crops)
    for i, box in enumerate(boxes):
        text, conf = str(readings[i][0]), float(readings[i][1])
        mirrored = False
        if try_mirror:
            ftext, fconf = str(readings[n + i][0]), float(readings[n + i][1])
            if ftext and fconf > conf + 0.08:
                text, conf, mirrored = ftext, fconf, True
        text = _norm(text)
        if any(ch.isalnum() for ch in text) and conf >= min_score:
            hits.append(TextHit(text, box, round(conf, 4), mirrored))
    return sorted(hits, key=lambda t: (t.box[1] // 10, t.box[0]))


_KINDS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("car plate", re.compile(r"^[A-Z]{1,3}[- ]?\d{1,4}[- ]?[A-Z]{1,3}$|^[A-Z]{2}\d{2} ?[A-Z]{3}$"),
     "Looks like a number plate: it ties the place to a car people see every day."),
    ("street", re.compile(r"\b(rue|street|st|road|rd|lane|avenue|ave|way|place|drive)\b", re.I),
     "Looks like a street name: with a map it finds the street."),
    ("stop or route", re.compile(r"\b(bus|stop|line|tram|ferry|station|platform)\b", re.I),
     "Looks like a stop or a route: it says where you wait or travel."),
    ("school or work", re.compile(r"\b(school|college|primary|high|academy|ltd|logistics|university|st\b)",
                                  re.I),
     "Looks like a school or employer: a place you go on weekdays."),
    ("postcode or phone", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|\b\d{4,5}\b|\b0\d{3}\b"),
     "Looks like a postcode, area code or number: it narrows down the town."),
    ("number", re.compile(r"^\d{1,4}[A-Za-z]?$"),
     "A short number on its own is often a house or flat number."),
)


def hints(image: "PILImage.Image | np.ndarray | str | os.PathLike", **kw: Any) -> list[Hint]:
    """Every line of text found, boxed, with a plain explanation of what it could give away."""
    out = []
    for hit in read_text(image, **kw):
        kind, why = "text", "Any readable words can be searched for; check whether they point to a place."
        for name, pattern, explanation in _KINDS:
            if pattern.search(hit.text):
                kind, why = name, explanation
                break
        if hit.mirrored:
            why = "Seen in a mirror (it reads backwards), flipped back here. " + why
        out.append(Hint(hit.text, hit.box, kind, why, hit))
    return out
