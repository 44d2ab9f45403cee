"""Background blur: keep the person sharp, blur or replace what is behind them.

Offline and on this machine: the person is separated from the background with
OpenCV's GrabCut, seeded from a box around the person — given by the caller
(a scene's annotation knows it) or worked out from the largest face that
:func:`safetylab.faces.detect` finds. Everything outside the person is blurred
hard (enough that signs can no longer be read) or replaced by a plain wall.

What stays risky is what the person carries: a badge on a uniform, writing on
clothes, a reflection in glasses. :func:`blur_background` lists it, from the
annotation when there is one, and by reading any text still legible in the
result (:func:`safetylab.clues.read_text`).

What this does not protect against: a blurred background can still show
shapes, colours and light that a determined person recognises, and the person
in front (a uniform, a badge) is not blurred at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from . import plain
from .errors import SafetyLabError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

__all__ = ["NoPersonError", "BlurResult", "person_box_from_face", "person_mask", "blur_background",
           "ALWAYS_CHECK"]

#: What background blur never hides, said to the learner every time.
ALWAYS_CHECK = (
    "Blur hides the background, not you: a uniform, a badge or writing on your clothes stays sharp.",
    "Glasses, eyes and shiny things can reflect the room or a window.",
    "Edges can slip: hair, hands and things close to you may show the background through.",
    "The file can still carry a GPS position: clean it too (lesson 3).",
)


class NoPersonError(SafetyLabError):
    """No person could be found to keep sharp."""


@dataclass(frozen=True)
class BlurResult:
    """A new picture with the background hidden, and what still needs a look.

    Attributes
    ----------
    image : PIL.Image.Image
        The new picture (the original is not changed).
    mask : numpy.ndarray
        ``bool`` array, True where the person was kept.
    person_box : tuple
        The ``[x, y, w, h]`` box the separation started from.
    still_visible : tuple of str
        Plain lines: clues on the person, and any text still readable.
    """

    image: "PILImage.Image"
    mask: np.ndarray
    person_box: tuple[int, int, int, int]
    still_visible: tuple[str, ...]


def person_box_from_face(face_box: Sequence[float], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A head-and-shoulders box grown from a face box ``[x, y, w, h]``, down to the bottom edge.

    Examples
    --------
    >>> person_box_from_face([100, 50, 40, 50], (400, 300))
    (40, 35, 160, 265)
    """
    x, y, w, h = face_box
    W, H = size
    cx = x + w / 2
    x0, x1 = max(0, int(cx - 2 * w)), min(W, int(cx + 2 * w))
    y0 = max(0, int(y - 0.3 * h))
    return (x0, y0, x1 - x0, H - y0)


def _find_person(img) -> tuple[int, int, int, int]:
    from . import faces

    found = faces.detect(img)
    if not found:
        raise NoPersonError("No face was found to keep sharp: give the person's box, or use a plain wall "
                            "when you take the photo.")
    best = max(found, key=lambda f: f.box[2] * f.box[3])
    return person_box_from_face(best.box, img.size)


def person_mask(image: "PILImage.Image", person_box: Sequence[int], iterations: int = 4) -> np.ndarray:
    """Separate the person inside ``person_box`` from the background (GrabCut).

    Returns a ``bool`` array, True on the person. Outside the box is always background.
    """
    import cv2

    rgb = np.asarray(image.convert("RGB"))
    H, W = rgb.shape[:2]
    x, y, w, h = (int(v) for v in person_box)
    x, y = max(0, x), max(0, y)
    w, h = max(2, min(w, W - x)), max(2, min(h, H - y))
    if w >= W and h >= H:  # GrabCut needs some background to learn from
        x, y, w, h = 1, 1, W - 2, H - 1
    mask = np.zeros((H, W), np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)
    cv2.grabCut(np.ascontiguousarray(rgb[..., ::-1]), mask, (x, y, w, h), bgd, fgd, iterations,
                cv2.GC_INIT_WITH_RECT)
    keep = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
    # Keep only the largest connected part: the person, not stray patches of the background.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(keep.astype(np.uint8), connectivity=8)
    if n > 1:
        biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        keep = labels == biggest
        keep = cv2.morphologyEx(keep.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8)) > 0
    return keep


def blur_background(image: "PILImage.Image | str | os.PathLike", person_box: Sequence[int] | None = None, *,
                    mode: str = "blur", strength: float = 0.04, wall=(214, 210, 204),
                    annotation: Mapping[str, Any] | None = None, read_leftovers: bool = True) -> BlurResult:
    """A new picture with the person kept and the background blurred or replaced.

    Parameters
    ----------
    image : PIL image or path
        The photo (never changed).
    person_box : [x, y, w, h], optional
        Where the person is. By default the annotation's ``person``, else the
        box grown from the largest face found.
    mode : {"blur", "replace"}
        Blur what is behind, or paint it as a plain wall of colour ``wall``.
    strength : float
        Blur radius as a fraction of the picture's longer side.
    annotation : mapping, optional
        The photo's clue annotation: its clues on the person are listed as still visible.
    read_leftovers : bool
        Read the result with OCR and list any text still legible.

    Raises
    ------
    NoPersonError
        When no box is given and no face is found.
    """
    from PIL import Image, ImageFilter

    if mode not in ("blur", "replace"):
        raise ValueError("mode must be 'blur' or 'replace'")
    if not isinstance(image, Image.Image):
        from . import images

        image = images.load(image)
    img = image.convert("RGB")
    if person_box is None and annotation is not None and annotation.get("person"):
        person_box = annotation["person"]
    box = tuple(int(v) for v in person_box) if person_box is not None else _find_person(img)
    keep = person_mask(img, box)
    if mode == "blur":
        radius = max(4.0, strength * max(img.size))
        small = img.resize((max(1, img.width // 8), max(1, img.height // 8)), Image.Resampling.BILINEAR)
        behind = small.resize(img.size, Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(radius))
    else:
        behind = Image.new("RGB", img.size, tuple(wall))
    alpha = Image.fromarray((keep * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.5))
    out = Image.composite(img, behind, alpha)
    notes: list[str] = []
    for clue in (annotation or {}).get("clues", []):
        if clue.get("on_person"):
            what = f" (“{clue['text']}”)" if clue.get("text") else ""
            notes.append(f"Still visible on the person: {plain.clue_kind(clue['type'])}{what} — "
                         f"reveals {clue['reveals']}.")
    if read_leftovers:
        from . import clues

        for hit in clues.read_text(out):
            notes.append(f"Still readable: “{hit.text}”, {plain.position(hit.box, out.size)}.")
    return BlurResult(out, keep, box, tuple(notes))
