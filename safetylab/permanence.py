"""Why a sent photo is permanent: captures, copies and forwarding, as small models.

Three ideas from the lesson "Screenshots are forever", each as pure functions:

- **Capture.** A "view once" photo can still be captured while it is on the
  screen: a screenshot (:func:`screenshot_capture`), or a second phone pointed at
  the screen (:func:`second_phone_capture`: a tilted view, moiré stripes, glare,
  blur, noise and recompression). :func:`link_check` then asks whether the copy
  still leads back to the original, by perceptual hash (:mod:`safetylab.hashing`)
  and, when the picture shows a face, by face (:mod:`safetylab.faces`).
- **Where copies live.** ``places.json`` (read with
  :func:`safetylab.content.places` and :func:`~safetylab.content.delete_actions`)
  lists where a sent photo typically ends up — including a notification
  preview and a gallery the app saves to by itself — and which kind of
  "delete" reaches each place; :func:`apply_delete` plays a delete button on a
  :class:`Copies` state. The model is a simplification: real apps differ and
  change (:func:`safetylab.content.places_caveat`).
- **Forwarding.** A photo forwarded through a network of contacts is a
  branching process: each person who receives it forwards it, with chance
  ``p``, to a group of ``m`` others. :func:`expected_copies` is the theory,
  :func:`simulate_counts` the same process run many times at once (vectorised),
  and :func:`simulate_forwarding` runs it on a real contact graph
  (:func:`contact_graph`), where friend groups overlap.

What this does *not* cover: the capture is a simulation made to teach, not a
measurement of any phone or app; the copies model is typical behaviour, not a
promise about any app; the forwarding model assumes every person decides
independently, which real people do not.

Examples
--------
>>> round(expected_copies(3, 0.5, 2), 6)   # 1 + 1 + 1 + 1: each holder makes one new copy on average
4.0
>>> state = apply_delete(initial_copies(), "delete_for_everyone")
>>> sorted(p.id for p in out_of_reach(state))
['group_forward', 'their_backup', 'their_gallery', 'their_notification', 'their_screenshots']
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

import numpy as np

from .content import Place, delete_actions, places
from .images import WORKING_SIDE, as_image

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    from PIL import Image as PILImage

__all__ = [
    # capture
    "second_phone_capture", "screenshot_capture", "capture", "CAPTURE_KINDS", "CAPTURE_SIDE",
    "on_screen",
    "LinkCheck", "link_check", "hash_link", "reference_hashes", "face_vectors",
    "CaptureResult", "capture_sample_paths", "capture_survey", "match_rate",
    "EditResult", "EDITS", "edit_survey",
    # copies
    "Place", "Copies", "initial_copies",
    "apply_delete", "out_of_reach", "removable", "copies_summary",
    # forwarding
    "expected_copies", "expected_new_copies", "simulate_counts", "contact_graph",
    "ForwardingResult", "simulate_forwarding", "default_recipient",
]


# =========================================================================== #
# Capture
# =========================================================================== #

#: The two ways of capturing a picture on a screen that the lesson shows.
CAPTURE_KINDS = {"screenshot": "A screenshot", "second_phone": "A second phone, pointed at the screen"}

#: Longest side of a capture: a phone photo of a phone screen holds about this much detail.
CAPTURE_SIDE = 640


def on_screen(image: Any, max_side: int | None = CAPTURE_SIDE) -> "PILImage.Image":
    """The picture as a phone shows it: RGB, its longer side at most ``max_side`` pixels.

    Any input :func:`safetylab.images.as_image` takes (photo files at working size).
    """
    from PIL import Image

    im = as_image(image, max_side=WORKING_SIDE)
    if max_side is not None and max(im.size) > max_side:
        scale = max_side / max(im.size)
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))),
                       Image.Resampling.BILINEAR)
    return im


def second_phone_capture(image: Any, *, seed: int = 0, perspective: float = 0.02, moire: float = 0.12,
                         glare: float = 0.3, blur: float = 1.0, noise: float = 3.0,
                         brightness: float = 0.92, jpeg_quality: int = 70,
                         max_side: int | None = CAPTURE_SIDE) -> "PILImage.Image":
    """The picture as a second phone, pointed at the screen, would photograph it.

    A simulation with realistic defaults, deterministic for a given ``seed``:
    the screen is seen at a slight angle (its corners move), the screen's pixel
    grid and the camera's sensor beat into moiré stripes, a lamp or window leaves
    a patch of glare, the focus is a little soft, the sensor adds noise, the
    screen is a little dimmer than the file, and the photo is saved as a JPEG.

    Parameters
    ----------
    image : PIL image, array or path
        The picture on the screen (not changed).
    seed : int
        Chooses the angle, the stripes and where the glare falls.
    perspective : float
        How far each corner of the screen moves, as a share of the picture's
        size (0 = seen straight on; the default, 2%, is a phone held
        carefully square to the screen; from 4% on, the picture hash often
        loses the copy, though a face search may still find it). Corners moving out crop the picture, corners
        moving in show a dark edge of the phone around it.
    moire : float
        Depth of the moiré stripes (0 = none, 0.3 = strong).
    glare : float
        Strength of the glare patch (0 = none, 1 = washed out to white at its centre).
    blur : float
        Softness of the focus: the Gaussian blur's sigma in pixels (0 = sharp).
    noise : float
        Sensor noise: standard deviation in grey levels (0 to 255).
    brightness : float
        How bright the screen looks compared with the file (1 = the same).
    jpeg_quality : int
        Quality of the JPEG the second phone saves (1 to 95).
    max_side : int or None
        The capture's longest side in pixels (None: the picture's own size).

    Returns
    -------
    PIL.Image.Image
        A new RGB image.

    Examples
    --------
    >>> from PIL import Image
    >>> rng = np.random.default_rng(0)
    >>> pic = Image.fromarray(rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)).resize((320, 240))
    >>> a, b = second_phone_capture(pic, seed=1), second_phone_capture(pic, seed=1)
    >>> a.size, np.array_equal(np.asarray(a), np.asarray(b))
    ((320, 240), True)
    """
    import cv2
    from PIL import Image

    for name, value, lo, hi in (("perspective", perspective, 0.0, 0.3), ("moire", moire, 0.0, 1.0),
                                ("glare", glare, 0.0, 1.0), ("blur", blur, 0.0, 20.0),
                                ("noise", noise, 0.0, 64.0), ("brightness", brightness, 0.2, 2.0)):
        if not lo <= value <= hi:
            raise ValueError(f"{name} must be between {lo} and {hi}, not {value}")
    if not 1 <= int(jpeg_quality) <= 95:
        raise ValueError(f"jpeg_quality must be between 1 and 95, not {jpeg_quality}")
    im = on_screen(image, max_side)
    rng = np.random.default_rng(seed)
    h, w = im.height, im.width
    arr = np.asarray(im, dtype=np.float32) / 255.0

    # The screen: a little dimmer than the file, blacks lifted by the room's light.
    arr = 0.03 + arr * (brightness - 0.03)

    # Moiré: the screen's pixel grid beating against the camera's sensor -- two sets of
    # faint, slightly tilted stripes a few pixels apart.
    if moire > 0:
        y = np.arange(h, dtype=np.float32)[:, None]
        x = np.arange(w, dtype=np.float32)[None, :]
        pattern = np.zeros((h, w), np.float32)
        for _ in range(2):
            angle = rng.uniform(0, np.pi)
            period = rng.uniform(5.0, 11.0)
            phase = rng.uniform(0, 2 * np.pi)
            k = np.float32(2 * np.pi / period)
            ax, ay = x * (k * np.float32(np.cos(angle))), y * (k * np.float32(np.sin(angle))) + np.float32(phase)
            pattern += np.cos(ax) * np.cos(ay) - np.sin(ax) * np.sin(ay)  # cos(ax + ay), from two small tables
        arr = arr * (1.0 - moire * 0.25 * (pattern[:, :, None] + 2.0))
        tint = np.array([1.0, 0.97, 1.03], np.float32) * (1 + 0.5 * moire * pattern[:, :, None] / 2)
        arr = arr * tint

    # Perspective: the four corners of the screen, each moved a little.
    if perspective > 0:
        src = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
        jitter = rng.uniform(-perspective, perspective, size=(4, 2)) * np.float32([w, h])
        dst = (src + jitter).astype(np.float32)
        matrix = cv2.getPerspectiveTransform(src, dst)
        arr = cv2.warpPerspective(arr, matrix, (w, h), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_CONSTANT, borderValue=(0.08, 0.08, 0.09))

    # Glare: a soft patch where a lamp or a window reflects in the screen.
    if glare > 0:
        cy, cx = rng.uniform(0.15, 0.85) * h, rng.uniform(0.15, 0.85) * w
        radius = rng.uniform(0.15, 0.3) * min(h, w)
        yy, xx = np.ogrid[0:h, 0:w]
        blob = np.exp(-(((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius ** 2))).astype(np.float32)
        arr = arr + glare * blob[:, :, None] * (1.0 - arr)

    if blur > 0:
        arr = cv2.GaussianBlur(arr, (0, 0), sigmaX=float(blur))
    if noise > 0:
        arr = arr + rng.standard_normal(size=arr.shape, dtype=np.float32) * np.float32(noise / 255.0)
    out = Image.fromarray(np.clip(np.rint(arr * 255.0), 0, 255).astype(np.uint8), "RGB")
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=int(jpeg_quality))
    buf.seek(0)
    with Image.open(buf) as saved:
        return saved.convert("RGB")


def screenshot_capture(image: Any, *, bars: float = 0.2,
                       max_side: int | None = CAPTURE_SIDE) -> "PILImage.Image":
    """The picture as a screenshot of a phone shows it: bands above and below, a status bar.

    A screenshot copies the screen's pixels exactly; the only changes are the
    bands around the picture (:func:`safetylab.hashing.screenshot`) and the size.
    Returns a new image.
    """
    from .hashing import screenshot

    return screenshot(on_screen(image, max_side), bars)


def capture(image: Any, kind: str = "second_phone", *, seed: int = 0, **options: Any) -> "PILImage.Image":
    """Capture a picture on a screen: ``kind`` is ``"screenshot"`` or ``"second_phone"``.

    ``options`` go to :func:`screenshot_capture` or :func:`second_phone_capture`.
    """
    if kind == "screenshot":
        return screenshot_capture(image, **options)
    if kind == "second_phone":
        return second_phone_capture(image, seed=seed, **options)
    raise ValueError(f"unknown capture {kind!r}; use one of {sorted(CAPTURE_KINDS)}")


class LinkCheck(NamedTuple):
    """Does a copy still lead back to the original?

    ``hash_distance`` is the PDQ Hamming distance (of 256 bits) and
    ``hash_linked`` whether it is at most ``hash_threshold``. The face fields are
    ``None`` when no face was looked for or none was found in the original.
    """

    hash_distance: int
    hash_threshold: int
    hash_linked: bool
    faces_in_original: int | None = None
    face_distance: float | None = None
    face_threshold: float | None = None
    face_linked: bool | None = None

    @property
    def linked(self) -> bool:
        """True when either the picture or the face links the copy to the original."""
        return bool(self.hash_linked or self.face_linked)


def hash_link(original: Any, copy: Any, *, original_hash=None) -> tuple[int, bool]:
    """PDQ distance between an original and a copy, and whether it counts as the same picture.

    Both are hashed as the face lesson's search hashes them
    (:func:`safetylab.hashing.query_hashes`, without mirroring): as they are,
    and with plain borders such as screenshot bands cut away; the smallest
    distance counts. ``original_hash`` (one :class:`~safetylab.hashing.Hash` or a
    list) skips hashing the original again.
    """
    from .hashing import PDQ_MATCH_DISTANCE, Hash

    if original_hash is None:
        refs = reference_hashes(original)
    else:
        refs = [original_hash] if isinstance(original_hash, Hash) else list(original_hash)
    d = min(q - r for q in reference_hashes(copy) for r in refs)
    return d, d <= PDQ_MATCH_DISTANCE


def reference_hashes(image: Any) -> list:
    """The PDQ hashes a search keeps for a picture: as it is, and with plain borders cut away.

    :func:`safetylab.hashing.query_hashes` without mirroring, on the picture
    reduced to the 512 pixels PDQ looks at anyway (so that finding the borders is quick).
    """
    from .hashing import HASH_SIDE, query_hashes

    return query_hashes(on_screen(image, HASH_SIDE), "pdq", mirrored=False)


def link_check(original: Any, copy: Any, *, faces: bool = True, original_hash=None,
               original_faces: Sequence | None = None) -> LinkCheck:
    """Whether a captured copy still leads back to the original, by picture and by face.

    Parameters
    ----------
    original, copy : PIL image, array or path
    faces : bool
        Also compare faces (needs the face model; skipped quietly when it is missing).
    original_hash : Hash or list of Hash, optional
        The original's PDQ hashes, when already known (:func:`hash_link`).
    original_faces : sequence of (Face, vector), optional
        The original's faces and their vectors, when already known.

    Returns
    -------
    LinkCheck
    """
    from .hashing import PDQ_MATCH_DISTANCE

    d, linked = hash_link(original, copy, original_hash=original_hash)
    if not faces:
        return LinkCheck(d, PDQ_MATCH_DISTANCE, linked)
    from . import faces as face_mod
    from .errors import SafetyLabError

    try:
        known = list(original_faces) if original_faces is not None else face_vectors(original)
        if not known:
            return LinkCheck(d, PDQ_MATCH_DISTANCE, linked, 0)
        found = face_vectors(as_image(copy, max_side=WORKING_SIDE))
    except SafetyLabError:  # no face model installed: the hash is the whole answer
        return LinkCheck(d, PDQ_MATCH_DISTANCE, linked)
    if not found:
        return LinkCheck(d, PDQ_MATCH_DISTANCE, linked, len(known), None,
                         face_mod.SAME_PERSON_DISTANCE, False)
    best = min(float(face_mod.distance(a, b)) for _f, a in known for _g, b in found)
    return LinkCheck(d, PDQ_MATCH_DISTANCE, linked, len(known), best, face_mod.SAME_PERSON_DISTANCE,
                     best <= face_mod.SAME_PERSON_DISTANCE)


def face_vectors(image: Any) -> list[tuple[Any, np.ndarray]]:
    """``(face, vector)`` for every face in a picture (empty when there is none)."""
    from . import faces as face_mod
    im = as_image(image, max_side=WORKING_SIDE)
    return [(f, face_mod.embed(im, f)) for f in face_mod.detect(im)]


class CaptureResult(NamedTuple):
    """One sample photo, captured: its name, the hash distance, and whether it still matches."""

    name: str
    distance: int
    linked: bool


def capture_sample_paths() -> list[Path]:
    """The course's sample photos to capture: every sample except lesson 6's chat screenshots.

    Lesson 6's files are pictures *of a chat app* (screenshots kept as
    evidence), not photos someone would send, so they are left out.
    """
    from .samples import DEFAULT_DEST, SAMPLES

    suffixes = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
    return [DEFAULT_DEST / s.lesson / s.name for s in sorted(SAMPLES.values(), key=lambda s: (s.lesson, s.name))
            if not s.lesson.startswith("06_") and Path(s.name).suffix.lower() in suffixes]


def capture_survey(paths: Sequence[Any] | None = None, kind: str = "second_phone", *,
                   seed: int = 0, **options: Any) -> list[CaptureResult]:
    """Capture every picture (at default settings unless ``options`` say otherwise) and measure the link.

    Parameters
    ----------
    paths : sequence of paths or images, optional
        The pictures (default: :func:`capture_sample_paths`).
    kind : str
        ``"second_phone"`` or ``"screenshot"``.
    seed : int
        The first picture uses ``seed``, the next ``seed + 1``, and so on, so each
        is captured from a different angle.

    Returns
    -------
    list of CaptureResult
    """
    from . import _cache

    paths = capture_sample_paths() if paths is None else list(paths)
    pictures = [(Path(p).name if isinstance(p, (str, Path)) else f"picture {i + 1}",
                 as_image(p, max_side=WORKING_SIDE)) for i, p in enumerate(paths)]

    def survey() -> list[CaptureResult]:
        out = []
        for i, (name, im) in enumerate(pictures):
            copy = capture(im, kind, seed=seed + i, **options)
            d, linked = hash_link(im, copy)
            out.append(CaptureResult(name, d, linked))
        return out

    # the course's sample photos were captured once, when learner mode was set up (safetylab._cache)
    entry = _cache.key("captures", kind, seed, sorted(options.items()), *[x for pair in pictures for x in pair])
    return _cache.remember("captures", entry, survey, lambda rs: [[r.name, int(r.distance), bool(r.linked)] for r in rs],
                           lambda raw: [CaptureResult(str(n), int(d), bool(k)) for n, d, k in raw])


def match_rate(results: Sequence[CaptureResult]) -> float:
    """Share of the results that still match their original (0 to 1)."""
    if not results:
        raise ValueError("no results to count")
    return sum(r.linked for r in results) / len(results)


class EditResult(NamedTuple):
    """One edit of a picture: what was done, the hash distance, and whether it still matches."""

    label: str
    distance: int
    linked: bool


def _recompress(im):
    from .hashing import apply_transform

    return apply_transform(im, "jpeg", 30)


def _resize(im):
    from .hashing import apply_transform

    return apply_transform(im, "resize", 0.25)


def _crop(im):
    from .hashing import apply_transform

    return apply_transform(im, "crop", 0.05)


def _brighter(im):
    from .hashing import apply_transform

    return apply_transform(im, "brightness", 1.25)


#: Everyday edits that do not erase a picture's link to its original: (label, function).
EDITS = (("Recompressed (JPEG quality 30)", _recompress), ("Made 4 times smaller", _resize),
         ("Cropped (5% cut away)", _crop), ("Brightened by a quarter", _brighter),
         ("Screenshotted", screenshot_capture))


def edit_survey(image: Any) -> list[EditResult]:
    """Apply each of :data:`EDITS` to a picture and measure whether the copy still matches."""
    im = as_image(image, max_side=WORKING_SIDE)
    ref = reference_hashes(im)
    return [EditResult(label, *hash_link(im, fn(im), original_hash=ref)) for label, fn in EDITS]


# =========================================================================== #
# Where copies live
# =========================================================================== #

@dataclass(frozen=True)
class Copies:
    """Which places still hold the photo, and which buttons were pressed (in order)."""

    present: frozenset
    pressed: tuple = ()

    def has(self, place_id: str) -> bool:
        return place_id in self.present


def initial_copies() -> Copies:
    """The day after a photo was sent: every place in :func:`safetylab.content.places` holds a copy."""
    return Copies(frozenset(p.id for p in places()))


def apply_delete(copies: Copies, action: str) -> Copies:
    """Press a delete button: a new :class:`Copies` without the copies that button typically reaches.

    Raises ``ValueError`` for an unknown button. The input is not changed.
    """
    actions = delete_actions()
    if action not in actions:
        raise ValueError(f"unknown delete button {action!r}; use one of {sorted(actions)}")
    gone = {p.id for p in places() if action in p.removed_by}
    return Copies(copies.present - gone, copies.pressed + (action,))


def removable(copies: Copies) -> list[Place]:
    """The places that still hold a copy some button could still remove."""
    return [p for p in places() if p.id in copies.present and p.removed_by]


def out_of_reach(copies: Copies) -> list[Place]:
    """The places that still hold a copy no delete button reaches."""
    return [p for p in places() if p.id in copies.present and not p.removed_by]


def copies_summary(copies: Copies) -> str:
    """One or two plain sentences on where the photo still is."""
    all_places = places()
    labels = delete_actions()
    left = [p for p in all_places if p.id in copies.present]
    names = lambda ps: ", ".join(p.label.replace("\n", " ").lower() for p in ps)  # noqa: E731
    when = ("After " + " and ".join(f'"{labels[a].label}"' for a in dict.fromkeys(copies.pressed))
            if copies.pressed else "Before any delete button is pressed")
    if not left:  # not reachable with the shipped places, but a trainer's list might allow it
        return f"{when}, no copy is left in this model."
    text = f"{when}, {len(left)} of {len(all_places)} places {'still ' if copies.pressed else ''}hold the photo: {names(left)}."
    beyond = out_of_reach(copies)
    if beyond:
        text += f" No button reaches {names(beyond)}."
    return text


# =========================================================================== #
# Forwarding
# =========================================================================== #

def _check_pm(p: float, m: int) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"the chance to forward must be between 0 and 1, not {p}")
    if int(m) != m or m < 0:
        raise ValueError(f"the group size must be a whole number, 0 or more, not {m}")


def expected_new_copies(k: int, p: float, m: int) -> float:
    """Expected number of people who receive the photo at step ``k`` (branching-process theory).

    Each holder forwards, with chance ``p``, to a group of ``m`` new people, so
    the mean number of new copies per holder is ``R = p * m`` and generation ``k``
    has ``R ** k`` people on average (generation 0 is the first recipient).
    """
    _check_pm(p, m)
    if k < 0:
        raise ValueError("k must be 0 or more")
    return float((p * m) ** k)


def expected_copies(k: int, p: float, m: int) -> float:
    """Expected number of copies after ``k`` steps of forwarding, counting the first one.

    The sum ``1 + R + R**2 + ... + R**k`` with ``R = p * m`` (a Galton-Watson
    branching process in which each holder forwards once, with chance ``p``, to
    ``m`` people who did not have it). It grows without limit when ``R > 1``.

    Examples
    --------
    >>> expected_copies(0, 0.9, 5)
    1.0
    >>> expected_copies(2, 0.5, 4)   # R = 2: 1 + 2 + 4
    7.0
    """
    _check_pm(p, m)
    if k < 0:
        raise ValueError("k must be 0 or more")
    r = p * m
    return float(k + 1) if r == 1 else float((r ** (k + 1) - 1) / (r - 1))


def simulate_counts(k: int, p: float, m: int, *, runs: int = 10_000, seed: int = 0) -> np.ndarray:
    """Run the branching process ``runs`` times at once; total copies after each step.

    The process on a tree-like network, where every forward reaches people who
    did not have the photo: the holders of one step, ``n``, make
    ``m * Binomial(n, p)`` new copies in the next.

    Returns
    -------
    numpy.ndarray
        Shape ``(runs, k + 1)``: column ``j`` is the total number of copies after
        ``j`` steps (column 0 is 1: the first recipient's copy).
    """
    _check_pm(p, m)
    rng = np.random.default_rng(seed)
    new = np.ones(runs, dtype=np.int64)
    out = np.empty((runs, k + 1), dtype=np.int64)
    out[:, 0] = 1
    for j in range(1, k + 1):
        new = m * rng.binomial(new, p)
        out[:, j] = out[:, j - 1] + new
    return out


def contact_graph(n: int = 1000, contacts: int = 12, *, rewire: float = 0.1, seed: int = 0) -> "nx.Graph":
    """A made-up network of ``n`` people, each with about ``contacts`` contacts.

    A small-world graph (Watts-Strogatz): most contacts are local, so friend
    groups overlap, and a few reach across the network, so anyone is only a few
    steps from anyone else. Node 0 is the sender.
    """
    import networkx as nx

    if contacts < 2 or contacts >= n:
        raise ValueError("contacts must be at least 2 and fewer than the number of people")
    return nx.connected_watts_strogatz_graph(n, contacts, rewire, tries=100, seed=seed)


@dataclass(frozen=True)
class ForwardingResult:
    """Many runs of forwarding on one contact graph.

    Attributes
    ----------
    p, m, steps : float, int, int
        The chance to forward, the group size, the number of steps.
    copies : numpy.ndarray
        ``(runs, steps + 1)``: people holding a copy after each step.
    reached_known : numpy.ndarray
        ``(runs, steps + 1)`` booleans: by that step, someone the sender knows
        (one of the sender's contacts, not the first recipient) holds a copy.
    people : int
        People in the network (the most copies there can be).
    sender, recipient : int
        Their nodes in the graph.
    """

    p: float
    m: int
    steps: int
    copies: np.ndarray
    reached_known: np.ndarray
    people: int
    sender: int
    recipient: int

    @property
    def mean_copies(self) -> np.ndarray:
        return self.copies.mean(axis=0)

    @property
    def chance_known(self) -> np.ndarray:
        return self.reached_known.mean(axis=0)

    @property
    def theory(self) -> np.ndarray:
        """The tree-like theory, :func:`expected_copies`, for each step."""
        return np.array([expected_copies(j, self.p, self.m) for j in range(self.steps + 1)])


def _csr(graph) -> tuple[np.ndarray, np.ndarray]:
    """Neighbour lists of a graph with nodes 0..n-1, each sorted, as (offsets, flat neighbours)."""
    n = graph.number_of_nodes()
    if sorted(graph.nodes) != list(range(n)):
        raise ValueError("the graph's people must be numbered 0 to n - 1")
    lists = [sorted(graph.adj[i]) for i in range(n)]
    offsets = np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int64)
    flat = np.fromiter((v for x in lists for v in x), dtype=np.int64, count=int(offsets[-1]))
    return offsets, flat


def _adjacency(graph) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_csr`, kept with the graph (as an index; the people and their links are unchanged)."""
    key = (graph.number_of_nodes(), graph.number_of_edges())
    cache = graph.graph.get("_safetylab_csr")
    if cache is None or cache[0] != key:
        cache = (key, *_csr(graph))
        graph.graph["_safetylab_csr"] = cache
    return cache[1], cache[2]


def _choose(rng: np.random.Generator, d: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row, ``min(m, d)`` distinct random numbers in ``[0, d)`` (Floyd's method, vectorised).

    Returns ``(row, value)`` pairs as two flat arrays.
    """
    rows = d.size
    chosen = np.full((rows, m), -1, dtype=np.int64)
    for i in range(m):
        t = d - m + i                      # Floyd: for t in d-m .. d-1, draw j in [0, t]
        valid = t >= 0
        j = np.floor(rng.random(rows) * (np.maximum(t, 0) + 1)).astype(np.int64)
        taken = (chosen[:, :i] == j[:, None]).any(axis=1)
        chosen[:, i] = np.where(valid, np.where(taken, t, j), -1)
    # rows with fewer than m contacts: take all of them
    small = d < m
    if small.any():
        ar = np.arange(m)
        chosen[small] = np.where(ar[None, :] < d[small, None], ar[None, :], -1)
    r, c = np.nonzero(chosen >= 0)
    return r, chosen[r, c]


def default_recipient(graph, sender: int = 0) -> int:
    """A stranger to the sender: someone three steps away in the network (or the farthest there is)."""
    import networkx as nx

    dist = nx.single_source_shortest_path_length(graph, sender)
    far = max(dist.values())
    want = min(3, far)
    return min(v for v, d in dist.items() if d == want)


def simulate_forwarding(graph, p: float, m: int, *, steps: int = 8, runs: int = 300, seed: int = 0,
                        sender: int = 0, recipient: int | None = None) -> ForwardingResult:
    """Forward a photo through a contact graph, many times at once (vectorised).

    The sender sends the photo to ``recipient``. At each step, every person who
    received it in the step before forwards it, with chance ``p``, to a group of
    ``m`` of their contacts, chosen at random among those who did not send it to
    them (fewer if they have fewer contacts). People who already have it gain no
    new copy, so on a graph with overlapping friend groups the count grows
    more slowly than on a tree, where it follows :func:`expected_copies`.

    Parameters
    ----------
    graph : networkx.Graph
        People numbered 0 to n - 1 (e.g. :func:`contact_graph`).
    p : float
        Chance each holder forwards it (0 to 1).
    m : int
        Group size: how many people each forward reaches.
    steps, runs, seed : int
        Steps of forwarding, independent runs, and the seed (same seed, same result).
    sender : int
        The sender (the sender's phone never gains a new copy; it already has one).
    recipient : int, optional
        The first recipient (default: :func:`default_recipient`, a stranger three steps away).

    Returns
    -------
    ForwardingResult
    """
    _check_pm(p, m)
    offsets, flat = _adjacency(graph)
    n = offsets.size - 1
    recipient = default_recipient(graph, sender) if recipient is None else recipient
    rng = np.random.default_rng(seed)
    known = np.zeros(n, dtype=bool)
    known[flat[offsets[sender]:offsets[sender + 1]]] = True
    known[recipient] = False

    has = np.zeros((runs, n), dtype=bool)
    has[:, recipient] = True
    has[:, sender] = True  # the sender's own copy: forwards to them make no new copy
    flat_key = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets)) * n + flat  # sorted: (person, contact)
    copies = np.empty((runs, steps + 1), dtype=np.int64)
    reached = np.empty((runs, steps + 1), dtype=bool)
    copies[:, 0] = 1
    reached[:, 0] = False
    # who received it in the last step: (run, person, who sent it to them)
    run_ids = np.arange(runs, dtype=np.int64)
    person = np.full(runs, recipient, dtype=np.int64)
    came_from = np.full(runs, sender, dtype=np.int64)
    count = np.ones(runs, dtype=np.int64)
    hit_known = np.zeros(runs, dtype=bool)
    for j in range(1, steps + 1):
        forwards = rng.random(person.size) < p
        run_ids, person, came_from = run_ids[forwards], person[forwards], came_from[forwards]
        if person.size and m > 0:
            start = offsets[person]
            deg = offsets[person + 1] - start
            # where the person who sent it sits in the holder's sorted contact list (if there)
            at = np.searchsorted(flat_key, person * n + came_from)
            inside = (at < flat_key.size) & (flat_key[np.minimum(at, flat_key.size - 1)] == person * n + came_from)
            skip = np.where(inside, at - start, deg)          # index to step over (none: deg)
            row, idx = _choose(rng, deg - inside, m)
            idx = idx + (idx >= skip[row])
            r_new, c_new, from_new = run_ids[row], flat[start[row] + idx], person[row]
            # only people who did not have it gain a copy, once even if two send it in one step
            fresh = ~has[r_new, c_new]
            r_new, c_new, from_new = r_new[fresh], c_new[fresh], from_new[fresh]
            _, once = np.unique(r_new * n + c_new, return_index=True)
            r_new, c_new, from_new = r_new[once], c_new[once], from_new[once]
            has[r_new, c_new] = True
            count += np.bincount(r_new, minlength=runs)
            hit_known[r_new[known[c_new]]] = True
            run_ids, person, came_from = r_new, c_new, from_new
        else:
            run_ids = person = came_from = np.empty(0, dtype=np.int64)
        copies[:, j] = count
        reached[:, j] = hit_known
    return ForwardingResult(float(p), int(m), int(steps), copies, reached, n, sender, recipient)
