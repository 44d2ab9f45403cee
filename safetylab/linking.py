"""Linking a photo to a profile: the lesson "Your face is a search key".

A photo sent in a chat can be matched against pictures that are already public.
This module builds a small, made-up world to show it on your own machine:

- :func:`make_gallery` generates a gallery of fictional "public profiles" (a handle,
  a display name, a profile picture). Most pictures are drawn by code (landscapes,
  pets, patterns, city skylines, flowers); a few are public-domain photographs that
  installed packages ship. The faces in it come from public-domain portraits of two
  real people — computing pioneer Grace Hopper (shipped with Matplotlib) and, when
  scikit-image is installed, astronaut Eileen Collins. They never had these
  accounts: every handle and profile is invented.
- :func:`find_by_hash` finds the profile whose picture *is the same photo* as the
  one sent — even resized, cropped a little, recompressed, screenshotted,
  brightened, turned slightly or mirrored — with perceptual hashes
  (:mod:`safetylab.hashing`).
- :func:`find_by_face` finds profiles showing *the same face in a different
  photo*, with face embeddings (:mod:`safetylab.faces`), and says how similar each
  is and where the line is drawn.
- :func:`redaction_check` shows which ways of hiding a face still link: light
  blur and coarse pixels keep enough of the picture to link it; a solid fill does
  not.
- :func:`retrieval_stats` measures how well the hash search works on the whole
  gallery.
- A trainer's own profiles: :func:`trainer_profile` makes one from a picture
  of theirs (kind ``"trainer"``), and a course pack's ``gallery.json`` lists
  them (:func:`load_profiles`; written with :func:`add_profile`,
  :func:`remove_profile` and :func:`save_gallery`, which the gallery builder of
  the authoring notebook wraps). :meth:`ProfileGallery.plus` adds them to the
  lesson's gallery without remaking it.

How real face-search engines differ: they do the same two things at a vastly
larger scale. They crawl and index billions of images from the open web and
social networks, keep face vectors for every face they find, and answer in
seconds with approximate nearest-neighbour indexes rather than the brute-force
comparison used here. With that many pictures, the chance that *some* old photo,
tagged picture or forgotten avatar of a person is in the index is high — and a
single match is enough to put a name to a face. This module names no such
service and recommends none.

Nothing here uses the network: the gallery is generated on your machine, and a
learner's own photo is compared only with it.

What this does *not* cover: the background of a photo (lesson 2) and the file's
metadata (lesson 3) can identify a person even when the face is hidden.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple, Sequence

import numpy as np

from . import _datafile, hashing
from ._datafile import DataFileError
from .images import WORKING_SIDE, as_image

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

__all__ = [
    "Profile", "ProfileGallery", "Portrait", "portraits", "make_gallery", "default_gallery",
    "DEFAULT_SIZE", "DEFAULT_COUNT", "DEFAULT_SEED", "HashMatch", "FaceMatch", "FaceSearch",
    "find_by_hash", "find_by_face", "reused_photo", "another_photo", "original_photo",
    "hide_faces", "CHANGES", "Change", "RetrievalStats", "retrieval_stats", "RedactionCheck",
    "redaction_check", "REDACTION_STYLES", "GENERATED_CREDIT", "SCALE_NOTE",
    "TRAINER_KIND", "TRAINER_CREDIT", "GalleryError", "trainer_profile", "load_profiles", "gallery_problems",
    "add_profile", "remove_profile", "save_gallery",
]

#: Side, in pixels, of every profile picture.
DEFAULT_SIZE = 224
#: How many profiles :func:`make_gallery` makes by default.
DEFAULT_COUNT = 240
#: The seed that makes the default gallery (same seed, same gallery).
DEFAULT_SEED = 2024

#: Credit for every picture drawn by code.
GENERATED_CREDIT = "Drawn by safetylab's own code, free for anyone to use (CC0). No real person is shown or named."

#: The ``kind`` of a profile made from a trainer's own picture (a course pack's gallery).
TRAINER_KIND = "trainer"
#: How a trainer's profile is credited, before the credit of its photo.
TRAINER_CREDIT = "From your trainer's own pictures."

#: What real face-search engines add, in plain words (shown in the lesson).
SCALE_NOTE = (
    "Real face-search engines do the same two things at a vastly larger scale: they collect "
    "billions of pictures from the open web and social networks, keep a face vector for every "
    "face they find, and answer in seconds. With that many pictures, the chance that some old "
    "profile photo, tagged picture or forgotten avatar of a person is in the index is high - and "
    "one match is enough to put a name to a face.")


# --------------------------------------------------------------------------- #
# Sources: public-domain portraits and photographs that installed packages ship
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Portrait:
    """A public-domain portrait an installed package ships.

    ``head`` is the square ``(left, top, right, bottom)`` the profile picture is
    cut from (a close head shot, as most profile pictures are); ``avatar`` a
    wider, head-and-shoulders one for an old, small, grey avatar (or None).
    """

    key: str
    person: str
    credit: str
    load: Callable[[], "PILImage.Image"] = field(repr=False)
    head: tuple[int, int, int, int]
    avatar: tuple[int, int, int, int] | None = None
    #: where the file comes from, for a trainer (``credit`` is what a learner reads)
    source: str = ""


def _grace_hopper() -> "PILImage.Image":
    import matplotlib
    from PIL import Image

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    with Image.open(path) as im:
        return im.convert("RGB")


def _skimage(name: str) -> Callable[[], "PILImage.Image"]:
    def load() -> "PILImage.Image":
        import skimage.data
        from PIL import Image

        arr = np.asarray(getattr(skimage.data, name)())
        if arr.dtype == bool:
            arr = np.where(arr, 40, 235).astype(np.uint8)
        return Image.fromarray(arr).convert("RGB")

    load.__name__ = f"skimage_{name}"
    return load


def _has_skimage() -> bool:
    import importlib.util

    return importlib.util.find_spec("skimage") is not None


def portraits() -> dict[str, Portrait]:
    """The portraits available here: Grace Hopper always, Eileen Collins with scikit-image."""
    out = {"grace_hopper": Portrait(
        "grace_hopper", "Grace Hopper",
        "Portrait of Rear Admiral Grace M. Hopper, U.S. Navy photograph, public domain.",
        _grace_hopper, head=(116, 84, 416, 384), avatar=(40, 24, 472, 456),
        source="grace_hopper.jpg, shipped with Matplotlib; cropped by safetylab.")}
    if _has_skimage():
        out["eileen_collins"] = Portrait(
            "eileen_collins", "Eileen Collins",
            "Portrait of astronaut Eileen Collins, NASA, public domain.",
            _skimage("astronaut"), head=(125, 18, 325, 218),
            source="astronaut.png, shipped with scikit-image; cropped by safetylab.")
    return out


#: Public-domain / CC0 photographs from scikit-image used as profile pictures
#: (name, kind, credit).
_SKIMAGE_PHOTOS = (
    ("chelsea", "pet", "Chelsea the cat, photograph by Stefan van der Walt, CC0; shipped with scikit-image."),
    ("coffee", "photo", "A cup of coffee, photograph by Rachel Michetti, CC0; shipped with scikit-image."),
    ("rocket", "photo", "A rocket launch, SpaceX photograph, public domain; shipped with scikit-image."),
    ("hubble_deep_field", "photo", "Hubble Deep Field, NASA, public domain; shipped with scikit-image."),
    ("coins", "photo", "Old coins, Brooklyn Museum, no known copyright restrictions; shipped with scikit-image."),
    ("grass", "photo", "Grass texture, CC0; shipped with scikit-image."),
    ("brick", "photo", "A brick wall, CC0; shipped with scikit-image."),
    ("gravel", "photo", "Gravel, CC0; shipped with scikit-image."),
)


# --------------------------------------------------------------------------- #
# Profiles and the gallery
# --------------------------------------------------------------------------- #

@dataclass(frozen=True, init=False)
class Profile:
    """One fictional public profile.

    Attributes
    ----------
    handle : str
        The made-up account name, e.g. ``"@quiet.maple.42"``.
    name : str
        The display name shown on the profile (fictional, except on the
        portraits' profiles, which carry the portrayed person's name).
    kind : str
        What the picture shows: ``"portrait"``, ``"landscape"``, ``"pet"``,
        ``"pattern"``, ``"avatar"``, ``"city"``, ``"flower"``, ``"photo"`` or
        ``"yours"`` (a learner's own picture).
    picture : PIL.Image.Image
        The profile picture. It may be given as a function that makes it: it is
        then made the first time it is used (a gallery's pictures are drawn only
        when shown or searched).
    credit : str
        Where the picture comes from.
    person : str or None
        Whose face the picture shows, when it shows one (ground truth for tests).
    source : str
        Which source picture it was made from (two profiles with the same source
        show the same photograph, cut differently).
    """

    handle: str
    name: str
    kind: str
    credit: str = GENERATED_CREDIT
    person: str | None = None
    source: str = ""

    def __init__(self, handle: str, name: str, kind: str, picture: Any,
                 credit: str = GENERATED_CREDIT, person: str | None = None, source: str = ""):
        for attr, value in (("handle", handle), ("name", name), ("kind", kind), ("credit", credit),
                            ("person", person), ("source", source), ("_picture", picture)):
            object.__setattr__(self, attr, value)

    @property
    def picture(self) -> "PILImage.Image":
        pic = self.__dict__["_picture"]
        if callable(pic) and not hasattr(pic, "size"):  # a function that draws it: draw it once
            pic = pic()
            object.__setattr__(self, "_picture", pic)
        return pic


class _FaceIndex(NamedTuple):
    owners: np.ndarray        # profile index of each face
    faces: list               # the Face objects
    vectors: np.ndarray       # (n, 128)


class ProfileGallery:
    """Profiles with their picture hashes, and (built on first use) their face vectors.

    Every profile picture is stored in a :class:`safetylab.hashing.Gallery`
    twice when it has plain borders (as it is, and with them cut away), under
    the profile's position. Face vectors are computed the first time
    :func:`find_by_face` needs them, for every face the detector finds in every
    picture — as a face-search engine would.
    """

    def __init__(self, profiles: Iterable[Profile], kind: str = "pdq"):
        self.profiles: list[Profile] = list(profiles)
        self.kind = kind
        self.hashes = hashing.Gallery(kind)
        for i, p in enumerate(self.profiles):
            hs = hashing.query_hashes(p.picture, kind, mirrored=False)
            self.hashes.extend([i] * len(hs), hs)
        self._faces: _FaceIndex | None = None
        self._base: ProfileGallery | None = None

    @classmethod
    def _indexed(cls, profiles: list[Profile], kind: str, ids, matrix, faces: _FaceIndex | None):
        """A gallery whose hashes (and face index) were worked out before (see :func:`default_gallery`)."""
        new = cls.__new__(cls)
        new.profiles, new.kind = list(profiles), kind
        new.hashes = hashing.Gallery.from_matrix(list(ids), matrix, kind)
        new._faces, new._base = faces, None
        return new

    def __len__(self) -> int:
        return len(self.profiles)

    def __iter__(self):
        return iter(self.profiles)

    def __getitem__(self, index: int) -> Profile:
        return self.profiles[index]

    def index_of(self, handle: str) -> int:
        """Position of the profile with this handle."""
        for i, p in enumerate(self.profiles):
            if p.handle == handle:
                return i
        raise KeyError(f"no profile {handle!r}")

    def profile(self, handle: str) -> Profile:
        """The profile with this handle."""
        return self.profiles[self.index_of(handle)]

    def with_person(self, person: str) -> list[Profile]:
        """Every profile whose picture shows ``person``'s face."""
        return [p for p in self.profiles if p.person == person]

    def face_index(self) -> _FaceIndex:
        """Every face in every profile picture, with its vector (computed once).

        A gallery made by :meth:`plus` reuses the face index of the gallery it
        grew from and only looks at the added pictures.
        """
        if self._faces is None:
            base, start = getattr(self, "_base", None), 0
            owners: list[int] = []
            found: list = []
            vectors: list = []
            if base is not None:
                index = base.face_index()
                owners, found, vectors = list(index.owners), list(index.faces), list(index.vectors)
                start = len(base)
            for i in range(start, len(self.profiles)):
                _faces_of(self.profiles[i].picture, i, owners, found, vectors)
            self._faces = _FaceIndex(np.asarray(owners, dtype=np.int64), found,
                                     np.asarray(vectors, dtype=np.float64).reshape(-1, 128))
        return self._faces

    def plus(self, *extra: Profile) -> "ProfileGallery":
        """A new gallery with ``extra`` profiles added at the end (this one is unchanged)."""
        new = ProfileGallery.__new__(ProfileGallery)
        new.profiles = self.profiles + list(extra)
        new.kind = self.kind
        new.hashes = hashing.Gallery.from_matrix(self.hashes.ids, self.hashes.matrix, self.kind)
        for j, p in enumerate(extra, start=len(self.profiles)):
            hs = hashing.query_hashes(p.picture, self.kind, mirrored=False)
            new.hashes.extend([j] * len(hs), hs)
        new._faces = None
        new._base = self
        return new


def _faces_of(picture, owner: int, owners: list, found: list, vectors: list) -> None:
    """Append every face in ``picture`` (its owner, the face, its vector) to the lists."""
    from . import faces as F

    for face in F.detect(picture):
        owners.append(owner)
        found.append(face)
        vectors.append(F.embed(picture, face))


# --- names ------------------------------------------------------------------ #

_FIRST = ("Alex", "Robin", "Sam", "Jordan", "Casey", "Riley", "Morgan", "Jamie", "Taylor", "Avery",
          "Quinn", "Rowan", "Sasha", "Kai", "Noa", "Eli", "Mika", "Ari", "Dani", "Jules", "Lee",
          "Remy", "Sky", "Tali", "Nico", "Pat", "Reese", "Shay", "Toni", "Yuki")
_LAST = ("Fernhill", "Maplewood", "Brookside", "Quillfeather", "Stonebridge", "Ashdown", "Willowmere",
         "Harborview", "Kestrel", "Larkspur", "Thistle", "Oakhart", "Rainford", "Marsh", "Pebble",
         "Hollow", "Juniper", "Clover", "Sable", "Wren", "Birchley", "Foxglove", "Meadows", "Tidewell")
_WORDS = ("quiet", "sunny", "maple", "pixel", "river", "comet", "velvet", "lunar", "misty", "amber",
          "cobalt", "fern", "ember", "harbor", "willow", "orbit", "cactus", "tango", "pebble", "nova",
          "tulip", "breeze", "cedar", "coral", "echo", "frost", "indigo", "jade", "koala", "lemon")


def _handle(rng: np.random.Generator, taken: set[str]) -> str:
    while True:
        a, b = rng.choice(_WORDS, 2, replace=False)
        h = f"@{a}.{b}.{int(rng.integers(1, 100))}"
        if h not in taken:
            taken.add(h)
            return h


def _name(rng: np.random.Generator) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


# --- drawing ------------------------------------------------------------------ #

def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    import colorsys

    r, g, b = colorsys.hsv_to_rgb(h % 1.0, min(max(s, 0), 1), min(max(v, 0), 1))
    return int(r * 255), int(g * 255), int(b * 255)


def _gradient(size: int, top, bottom) -> "PILImage.Image":
    from PIL import Image

    t = np.linspace(0, 1, size)[:, None, None]
    arr = (np.asarray(top, float) * (1 - t) + np.asarray(bottom, float) * t)
    return Image.fromarray(np.broadcast_to(arr, (size, size, 3)).astype(np.uint8))


def _finish(img: "PILImage.Image", rng: np.random.Generator, texture: float = 18.0) -> "PILImage.Image":
    """Soften edges, add a faint cloudy texture and a little grain, so each picture is unique."""
    from PIL import Image, ImageFilter

    size = img.width
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    cloud = np.zeros((size, size), np.float32)
    for cells, weight in ((5, 1.0), (11, 0.6)):
        coarse = rng.standard_normal((cells, cells)).astype(np.float32)
        cloud += weight * np.asarray(Image.fromarray(coarse, mode="F").resize((size, size), Image.Resampling.BICUBIC))
    arr = np.asarray(img, dtype=np.float32) + cloud[..., None] * texture
    arr += rng.standard_normal(arr.shape[:2]).astype(np.float32)[..., None] * 2.5
    return Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8))


def _landscape(rng: np.random.Generator, size: int) -> "PILImage.Image":
    from PIL import ImageDraw

    hue = rng.uniform(0, 1)
    img = _gradient(size, _hsv(hue, rng.uniform(0.3, 0.8), rng.uniform(0.6, 1.0)),
                    _hsv(hue + rng.uniform(-0.2, 0.2), rng.uniform(0.1, 0.5), rng.uniform(0.8, 1.0)))
    d = ImageDraw.Draw(img)
    sx, sy, sr = rng.uniform(0.1, 0.9) * size, rng.uniform(0.1, 0.45) * size, rng.uniform(0.04, 0.12) * size
    d.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=_hsv(rng.uniform(0.05, 0.17), 0.6, 1.0))
    for _ in range(int(rng.integers(0, 4))):
        cx, cy = rng.uniform(0, 1) * size, rng.uniform(0.05, 0.4) * size
        for _ in range(4):
            rx, ry = rng.uniform(0.05, 0.12) * size, rng.uniform(0.02, 0.05) * size
            ox = rng.uniform(-0.08, 0.08) * size
            d.ellipse([cx + ox - rx, cy - ry, cx + ox + rx, cy + ry], fill=(246, 246, 250))
    layers = int(rng.integers(2, 5))
    ground_hue = rng.uniform(0.15, 0.45)
    xs = np.linspace(0, size, 64)
    for i in range(layers):
        base = size * (0.35 + 0.5 * (i + 1) / (layers + 1))
        y = np.full_like(xs, base)
        for _ in range(3):
            y += rng.uniform(0.02, 0.09) * size * np.sin(xs / size * rng.uniform(2, 14) + rng.uniform(0, 6.3))
        pts = list(zip(xs, y)) + [(size, size), (0, size)]
        d.polygon(pts, fill=_hsv(ground_hue + rng.uniform(-0.08, 0.08), rng.uniform(0.3, 0.8),
                                 0.75 - 0.5 * i / layers))
    if rng.uniform() < 0.5:  # trees on the front hill
        for _ in range(int(rng.integers(2, 8))):
            tx, ty, th = rng.uniform(0, 1) * size, rng.uniform(0.7, 0.95) * size, rng.uniform(0.06, 0.18) * size
            d.polygon([(tx, ty - th), (tx - th * 0.35, ty), (tx + th * 0.35, ty)],
                      fill=_hsv(0.33 + rng.uniform(-0.05, 0.05), 0.7, rng.uniform(0.25, 0.5)))
    return _finish(img, rng)


def _pet(rng: np.random.Generator, size: int) -> "PILImage.Image":
    """An animal seen from the side (no face to find): body, head, ears, tail, legs."""
    from PIL import Image, ImageDraw

    wall = _hsv(rng.uniform(0, 1), rng.uniform(0.1, 0.5), rng.uniform(0.6, 0.95))
    floor = _hsv(rng.uniform(0, 1), rng.uniform(0.2, 0.6), rng.uniform(0.3, 0.7))
    img = Image.new("RGB", (size, size), wall)
    d = ImageDraw.Draw(img)
    horizon = rng.uniform(0.55, 0.8) * size
    d.rectangle([0, horizon, size, size], fill=floor)
    fur = _hsv(rng.uniform(0.02, 0.12), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.9))
    s = rng.uniform(0.6, 1.0) * size
    cx, cy = rng.uniform(0.35, 0.65) * size, horizon - rng.uniform(0.05, 0.2) * size
    face = 1 if rng.uniform() < 0.5 else -1
    bw, bh = 0.28 * s, 0.12 * s
    for k in (-0.7, -0.3, 0.3, 0.7):  # legs
        lx = cx + k * bw
        d.rectangle([lx - 0.025 * s, cy, lx + 0.025 * s, cy + 0.16 * s], fill=fur)
    d.ellipse([cx - bw, cy - bh, cx + bw, cy + bh], fill=fur)
    hx, hy, hr = cx + face * bw * 1.05, cy - bh * 1.2, 0.09 * s
    d.ellipse([hx - hr, hy - hr, hx + hr, hy + hr], fill=fur)
    if rng.uniform() < 0.5:  # pointed ears
        d.polygon([(hx - 0.6 * hr, hy - 0.6 * hr), (hx - 0.1 * hr, hy - 0.7 * hr), (hx - 0.4 * hr, hy - 1.6 * hr)], fill=fur)
    else:  # floppy ear
        d.ellipse([hx - 0.9 * hr, hy - 0.5 * hr, hx - 0.2 * hr, hy + 0.8 * hr], fill=_hsv(0.07, 0.6, 0.3))
    d.ellipse([hx + face * hr * 0.9 - 0.02 * s, hy, hx + face * hr * 0.9 + 0.02 * s, hy + 0.03 * s], fill=(30, 20, 20))
    tx = cx - face * bw
    d.line([(tx, cy), (tx - face * 0.12 * s, cy - rng.uniform(0.05, 0.2) * s)], fill=fur, width=max(2, int(0.035 * s)))
    if rng.uniform() < 0.5:  # spots
        for _ in range(int(rng.integers(2, 6))):
            px, py, pr = cx + rng.uniform(-0.8, 0.8) * bw, cy + rng.uniform(-0.5, 0.5) * bh, rng.uniform(0.02, 0.05) * s
            d.ellipse([px - pr, py - pr, px + pr, py + pr], fill=_hsv(0.08, 0.4, 0.2))
    return _finish(img, rng)


def _pattern(rng: np.random.Generator, size: int) -> "PILImage.Image":
    from PIL import Image, ImageDraw

    palette = [_hsv(rng.uniform(0, 1), rng.uniform(0.3, 1), rng.uniform(0.3, 1)) for _ in range(5)]
    style = int(rng.integers(0, 5))
    yy, xx = np.mgrid[0:size, 0:size] / size
    if style == 0:  # stripes
        ang, freq = rng.uniform(0, np.pi), rng.uniform(3, 12)
        band = (np.floor((xx * np.cos(ang) + yy * np.sin(ang)) * freq) % len(palette)).astype(int)
        img = Image.fromarray(np.asarray(palette, np.uint8)[band])
    elif style == 1:  # rings
        cx, cy, freq = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(4, 14)
        r = np.hypot(xx - cx, yy - cy)
        band = (np.floor(r * freq) % len(palette)).astype(int)
        img = Image.fromarray(np.asarray(palette, np.uint8)[band])
    elif style == 2:  # checks, turned
        ang, freq = rng.uniform(0, np.pi / 2), rng.uniform(3, 9)
        u = xx * np.cos(ang) - yy * np.sin(ang)
        v = xx * np.sin(ang) + yy * np.cos(ang)
        band = ((np.floor(u * freq) + np.floor(v * freq)) % 2).astype(int)
        img = Image.fromarray(np.asarray(palette[:2], np.uint8)[band])
    elif style == 3:  # dots
        img = Image.new("RGB", (size, size), palette[0])
        d = ImageDraw.Draw(img)
        for _ in range(int(rng.integers(8, 40))):
            x, y, r = rng.uniform(0, size), rng.uniform(0, size), rng.uniform(0.02, 0.12) * size
            d.ellipse([x - r, y - r, x + r, y + r], fill=palette[int(rng.integers(1, 5))])
    else:  # shapes
        img = Image.new("RGB", (size, size), palette[0])
        d = ImageDraw.Draw(img)
        for _ in range(int(rng.integers(5, 14))):
            pts = [(rng.uniform(-0.1, 1.1) * size, rng.uniform(-0.1, 1.1) * size) for _ in range(int(rng.integers(3, 6)))]
            d.polygon(pts, fill=palette[int(rng.integers(1, 5))])
    return _finish(img, rng, texture=10.0)


def _avatar(rng: np.random.Generator, size: int) -> "PILImage.Image":
    """A block avatar, mirrored left to right, like the default picture of many services."""
    from PIL import Image

    rows, half = int(rng.integers(5, 8)), int(rng.integers(3, 5))
    grid = rng.uniform(size=(rows, half)) < 0.5
    full = np.concatenate([grid, grid[:, ::-1][:, int(rng.integers(0, 2)):]], axis=1)
    fg = np.asarray(_hsv(rng.uniform(0, 1), rng.uniform(0.4, 0.9), rng.uniform(0.4, 0.9)), np.uint8)
    bg = np.asarray(_hsv(rng.uniform(0, 1), rng.uniform(0, 0.15), rng.uniform(0.85, 1.0)), np.uint8)
    small = np.where(full[..., None], fg, bg).astype(np.uint8)
    side = int(size * rng.uniform(0.6, 0.9))
    img = Image.fromarray(small).resize((side, side), Image.Resampling.NEAREST)
    canvas = Image.new("RGB", (size, size), tuple(int(v) for v in bg))
    canvas.paste(img, (int(rng.integers(0, size - side + 1)), int(rng.integers(0, size - side + 1))))
    return _finish(canvas, rng, texture=14.0)


def _city(rng: np.random.Generator, size: int) -> "PILImage.Image":
    from PIL import ImageDraw

    hue = rng.uniform(0.5, 0.75) if rng.uniform() < 0.5 else rng.uniform(0.0, 0.1)
    night = rng.uniform() < 0.4
    img = _gradient(size, _hsv(hue, 0.6, 0.25 if night else 0.9), _hsv(hue + 0.05, 0.4, 0.45 if night else 1.0))
    d = ImageDraw.Draw(img)
    x = -rng.uniform(0, 0.05) * size
    while x < size:
        w = rng.uniform(0.06, 0.18) * size
        top = rng.uniform(0.2, 0.75) * size
        shade = _hsv(rng.uniform(0, 1), rng.uniform(0, 0.3), rng.uniform(0.15, 0.35) if night else rng.uniform(0.35, 0.7))
        d.rectangle([x, top, x + w, size], fill=shade)
        lit = (250, 220, 120) if night else (200, 225, 240)
        for wy in np.arange(top + 0.02 * size, size - 0.02 * size, 0.05 * size):
            for wx in np.arange(x + 0.015 * size, x + w - 0.02 * size, 0.04 * size):
                if rng.uniform() < 0.55:
                    d.rectangle([wx, wy, wx + 0.02 * size, wy + 0.025 * size], fill=lit)
        x += w + rng.uniform(0, 0.03) * size
    return _finish(img, rng, texture=10.0)


def _flower(rng: np.random.Generator, size: int) -> "PILImage.Image":
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (size, size), _hsv(rng.uniform(0.2, 0.45), rng.uniform(0.2, 0.7), rng.uniform(0.2, 0.6)))
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(1, 4))):
        cx, cy = rng.uniform(0.2, 0.8) * size, rng.uniform(0.2, 0.8) * size
        n, r = int(rng.integers(5, 12)), rng.uniform(0.08, 0.25) * size
        colour = _hsv(rng.uniform(0, 1), rng.uniform(0.5, 1), rng.uniform(0.7, 1))
        turn = rng.uniform(0, 2 * np.pi)
        for k in range(n):
            a = turn + 2 * np.pi * k / n
            px, py = cx + np.cos(a) * r * 0.6, cy + np.sin(a) * r * 0.6
            pr = r * 0.42
            d.ellipse([px - pr, py - pr, px + pr, py + pr], fill=colour)
        cr = r * 0.3
        d.ellipse([cx - cr, cy - cr, cx + cr, cy + cr], fill=_hsv(0.12, 0.9, rng.uniform(0.4, 0.9)))
    return _finish(img, rng, texture=12.0)


_DRAWERS: dict[str, Callable[[np.random.Generator, int], "PILImage.Image"]] = {
    "landscape": _landscape, "pet": _pet, "pattern": _pattern, "avatar": _avatar,
    "city": _city, "flower": _flower,
}


def _square(im: "PILImage.Image", box: tuple[int, int, int, int] | None, size: int) -> "PILImage.Image":
    from PIL import Image

    if box is None:
        side = min(im.size)
        left, top = (im.width - side) // 2, (im.height - side) // 2
        box = (left, top, left + side, top + side)
    return im.crop(box).resize((size, size), Image.Resampling.LANCZOS)


def make_gallery(n: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED, *, size: int = DEFAULT_SIZE,
                 kind: str = "pdq", photos: bool = True) -> ProfileGallery:
    """Generate a gallery of ``n`` fictional public profiles (same seed, same gallery).

    The portraits (:func:`portraits`) come first: each person has a profile with
    a head-and-shoulders picture, and Grace Hopper also an old, small, grey
    avatar on a second account. Then, with ``photos``, a profile for each
    scikit-image photograph (when scikit-image is installed). The rest are drawn
    by code, every one different.

    Parameters
    ----------
    n : int
        Number of profiles (at least as many as the portraits and photographs).
    seed : int
        Seed of the random numbers that draw the pictures and pick the names.
    size : int
        Side of each square profile picture, in pixels.
    kind : str
        Hash kind for the search index (``"pdq"`` or ``"phash"``).
    photos : bool
        Include the scikit-image photographs.

    Returns
    -------
    ProfileGallery
    """
    return ProfileGallery(_profiles(n, seed, size, photos), kind)


def _profiles(n: int, seed: int, size: int, photos: bool) -> list[Profile]:
    """The profiles of :func:`make_gallery`, each picture drawn the first time it is used."""
    from PIL import ImageOps

    rng = np.random.default_rng(seed)
    taken: set[str] = set()
    profiles: list[Profile] = []
    for p in portraits().values():
        profiles.append(Profile(_handle(rng, taken), p.person, "portrait",
                                functools.partial(lambda p: _square(p.load(), p.head, size), p),
                                p.credit, p.person, p.key))
        if p.avatar is not None:
            def small(p=p):
                grey = ImageOps.grayscale(p.load()).convert("RGB")
                return _square(grey, p.avatar, 72).resize((size, size))
            profiles.append(Profile(_handle(rng, taken), p.person, "portrait", small,
                                    p.credit + " Grey, small: an old avatar.", p.person, p.key))
    if photos and _has_skimage():
        for name, kind_, credit in _SKIMAGE_PHOTOS:
            profiles.append(Profile(_handle(rng, taken), _name(rng), kind_,
                                    functools.partial(lambda name: _square(_skimage(name)(), None, size), name),
                                    credit, None, f"skimage:{name}"))
    if n < len(profiles):
        raise ValueError(f"a gallery needs at least {len(profiles)} profiles here, not {n}")
    kinds = list(_DRAWERS)
    i = 0
    while len(profiles) < n:
        what = kinds[i % len(kinds)]
        pic_seed = int(rng.integers(0, 2**32))
        draw = functools.partial(lambda what, pic_seed: _DRAWERS[what](np.random.default_rng(pic_seed), size),
                                 what, pic_seed)
        profiles.append(Profile(_handle(rng, taken), _name(rng), what, draw, GENERATED_CREDIT, None,
                                f"drawn:{what}:{pic_seed}"))
        i += 1
    return profiles


@functools.lru_cache(maxsize=2)
def default_gallery() -> ProfileGallery:
    """The lesson's gallery (:func:`make_gallery` with its defaults), made once per session.

    Its fingerprints and face index are the same for every learner: they were
    worked out when learner mode was set up (:mod:`safetylab._cache`), so the
    pictures are drawn only when shown, and no face model is loaded to search it.
    """
    from . import _cache

    profiles = _profiles(DEFAULT_COUNT, DEFAULT_SEED, DEFAULT_SIZE, True)

    def index() -> ProfileGallery:
        gallery = ProfileGallery(profiles, "pdq")
        gallery.face_index()
        return gallery

    def encode(g: ProfileGallery) -> dict:
        f = g.face_index()
        return {"ids": [int(i) for i in g.hashes.ids], "matrix": g.hashes.matrix.tobytes().hex(),
                "width": int(g.hashes.matrix.shape[1]), "owners": [int(o) for o in f.owners],
                "faces": [[list(x.box), x.score, [list(p) for p in x.landmarks or ()]] for x in f.faces],
                "vectors": [[float(v) for v in row] for row in f.vectors]}

    def decode(raw: dict) -> ProfileGallery:
        from .faces import Face

        matrix = np.frombuffer(bytes.fromhex(raw["matrix"]), dtype=np.uint8).reshape(-1, raw["width"]).copy()
        faces = _FaceIndex(np.asarray(raw["owners"], dtype=np.int64),
                           [Face(tuple(int(v) for v in b), float(sc), tuple((float(x), float(y)) for x, y in lm)
                                 or None) for b, sc, lm in raw["faces"]],
                           np.asarray(raw["vectors"], dtype=np.float64).reshape(-1, 128))
        if len(raw["ids"]) != len(matrix) or (len(faces.owners) and faces.owners.max() >= len(profiles)):
            raise ValueError("the kept gallery does not fit its profiles")
        return ProfileGallery._indexed(profiles, "pdq", raw["ids"], matrix, faces)

    entry = _cache.key("gallery", [(p.handle, p.kind, p.source) for p in profiles], DEFAULT_SIZE)
    return _cache.remember("gallery", entry, index, encode, decode)


# --------------------------------------------------------------------------- #
# Photos "sent in a chat"
# --------------------------------------------------------------------------- #

def reused_photo(picture: Any) -> "PILImage.Image":
    """A profile picture as it comes back in a chat: screenshotted, cropped a little, recompressed.

    The picture is shown on a phone (bands and a status bar), screenshotted,
    trimmed by 4%, shrunk to three quarters and saved as a JPEG of quality 60 —
    the kind of copy that travels between apps. Returns a new image.
    """
    im = as_image(picture, max_side=WORKING_SIDE)
    shot = hashing.screenshot(im, 0.3)
    w, h = shot.size
    dx, dy = round(w * 0.02), round(h * 0.02)
    shot = shot.crop((dx, dy, w - dx, h - dy))
    return hashing.apply_transform(hashing.apply_transform(shot, "resize", 0.75), "jpeg", 60)


def _portrait(person: str) -> Portrait:
    try:
        return portraits()[person]
    except KeyError:
        raise KeyError(f"no portrait {person!r} here; available: {sorted(portraits())}") from None


def original_photo(person: str = "grace_hopper", *, wide: bool = False) -> "PILImage.Image":
    """The photo a profile picture was made from, at full size ("the one on your phone").

    Parameters
    ----------
    person : str
        A key of :func:`portraits`.
    wide : bool
        The head-and-shoulders framing of the old avatar instead of the close
        head shot of the main profile (only for portraits that have an avatar).
    """
    p = _portrait(person)
    box = p.avatar if wide else p.head
    if box is None:
        raise ValueError(f"{p.person}'s portrait has no wide framing here")
    return p.load().crop(box)


def another_photo(person: str = "grace_hopper", *, size: int = 320) -> "PILImage.Image":
    """A *different* picture of a portrait's face: other framing, light, colour and tilt.

    Only one photograph of each person ships with the installed packages, so
    this stands in for "another photo of the same person": the whole portrait
    instead of the profile's crop, mirrored, turned 4 degrees, darker and with
    washed-out colour. Its hash is unrelated to the profile picture's (it is
    not the same picture), but the face is the same face.

    Parameters
    ----------
    person : str
        A key of :func:`portraits` (``"grace_hopper"`` or ``"eileen_collins"``).
    size : int
        Width of the result, in pixels.
    """
    from PIL import Image, ImageEnhance, ImageOps

    src = _portrait(person).load()
    w, h = src.size
    im = src.crop((0, round(h * 0.04), w, h))
    im = ImageOps.mirror(im).rotate(4, resample=Image.Resampling.BICUBIC, fillcolor=(90, 90, 96))
    im = ImageEnhance.Brightness(im).enhance(0.82)
    im = ImageEnhance.Color(im).enhance(0.45)
    im = ImageEnhance.Contrast(im).enhance(1.15)
    return im.resize((size, round(size * im.height / im.width)), Image.Resampling.LANCZOS)


class Change(NamedTuple):
    """One everyday change a picture goes through on its way into a chat."""

    name: str
    apply: Callable[["PILImage.Image"], "PILImage.Image"]


def _chat_app(im):
    step = hashing.apply_transform(im, "crop", 0.02)
    return hashing.apply_transform(hashing.apply_transform(step, "resize", 0.6), "jpeg", 55)


#: The changes :func:`retrieval_stats` tries on every profile picture (moderate
#: strengths of :data:`safetylab.hashing.DEFAULT_TRANSFORMS`, plus two combined).
CHANGES: tuple[Change, ...] = (
    Change("resized to half", lambda im: hashing.apply_transform(im, "resize", 0.5)),
    Change("cropped by 5%", lambda im: hashing.apply_transform(im, "crop", 0.05)),
    Change("recompressed (JPEG quality 30)", lambda im: hashing.apply_transform(im, "jpeg", 30)),
    Change("screenshot with a status bar", lambda im: hashing.screenshot(im, 0.4)),
    Change("brighter", lambda im: hashing.apply_transform(im, "brightness", 1.3)),
    Change("darker", lambda im: hashing.apply_transform(im, "brightness", 0.7)),
    Change("turned 2 degrees", lambda im: hashing.apply_transform(im, "rotate", 2)),
    Change("mirrored", lambda im: hashing.mirror(im)),
    Change("sent through a chat app", _chat_app),
    Change("screenshotted, cropped and recompressed", reused_photo),
)


# --------------------------------------------------------------------------- #
# Searching
# --------------------------------------------------------------------------- #

class HashMatch(NamedTuple):
    """A profile whose picture is near the photo's hash."""

    profile: Profile
    distance: int
    linked: bool
    index: int


def _profile_distances(queries: Sequence[hashing.Hash], gallery: ProfileGallery) -> np.ndarray:
    """The best distance from any query hash to any stored hash of each profile."""
    d = gallery.hashes.distances(queries).astype(np.int64)
    best = np.full(len(gallery), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, np.asarray(gallery.hashes.ids, dtype=np.int64), d)
    return best


def find_by_hash(photo: Any, gallery: ProfileGallery, *, k: int = 5,
                 threshold: int | None = None) -> list[HashMatch]:
    """Profiles whose picture is the *same photo* as ``photo``, nearest first.

    The photo is hashed as it is, mirrored, and with plain borders cut away
    (:func:`safetylab.hashing.query_hashes`); each profile's distance is the
    smallest over these. A profile is ``linked`` when that distance is at most
    ``threshold``.

    Parameters
    ----------
    photo : PIL image, array or path
    gallery : ProfileGallery
    k : int
        How many of the nearest profiles to return (linked or not).
    threshold : int, optional
        Match distance; by default :data:`safetylab.hashing.PDQ_MATCH_DISTANCE`
        (or the pHash one for a pHash gallery).

    Returns
    -------
    list of HashMatch
        The ``k`` nearest profiles (ties in gallery order).
    """
    threshold = hashing.match_distance(gallery.kind) if threshold is None else threshold
    best = _profile_distances(hashing.query_hashes(photo, gallery.kind), gallery)
    order = np.argsort(best, kind="stable")[:k]
    return [HashMatch(gallery[int(i)], int(best[i]), bool(best[i] <= threshold), int(i)) for i in order]


def _similarity(distance: float) -> float:
    """:func:`safetylab.faces.similarity` for a distance already computed (0 to 1)."""
    from . import faces as F

    return float(F.similarity([0.0], [distance]))


class FaceMatch(NamedTuple):
    """A profile showing a face close to one in the photo."""

    profile: Profile
    distance: float
    similarity: float
    linked: bool
    index: int
    face: int  # which face of the photo (position in FaceSearch.faces)


@dataclass(frozen=True)
class FaceSearch:
    """What :func:`find_by_face` found: the faces in the photo and the nearest profiles."""

    faces: list
    matches: list[FaceMatch]
    threshold: float

    @property
    def linked(self) -> list[FaceMatch]:
        """The matches at or under the threshold."""
        return [m for m in self.matches if m.linked]


def find_by_face(photo: Any, gallery: ProfileGallery, *, k: int = 5,
                 threshold: float | None = None, detect_threshold: float | None = None) -> FaceSearch:
    """Profiles showing the *same face* as ``photo``, even in a different picture.

    Every face the detector finds in the photo is turned into a face vector
    and compared with every face in the gallery's pictures
    (:meth:`ProfileGallery.face_index`). A profile's distance is its nearest
    face's; a profile is ``linked`` when that is at most ``threshold``.

    Parameters
    ----------
    photo : PIL image, array or path
    gallery : ProfileGallery
    k : int
        How many of the nearest profiles to return.
    threshold : float, optional
        Same-person distance; by default :data:`safetylab.faces.SAME_PERSON_DISTANCE` (0.6).
    detect_threshold : float, optional
        Detector confidence; by default :data:`safetylab.faces.DEFAULT_THRESHOLD`.

    Returns
    -------
    FaceSearch
        ``faces`` found in the photo, ``matches`` nearest first, and the ``threshold``.
        No face found: no matches.
    """
    from . import faces as F

    threshold = F.SAME_PERSON_DISTANCE if threshold is None else float(threshold)
    im = as_image(photo, max_side=WORKING_SIDE)
    found = F.detect(im) if detect_threshold is None else F.detect(im, threshold=detect_threshold)
    index = gallery.face_index()
    if not found or len(index.owners) == 0:
        return FaceSearch(found, [], threshold)
    best = np.full(len(gallery), np.inf)
    which = np.zeros(len(gallery), dtype=np.int64)
    for j, face in enumerate(found):
        d = np.atleast_1d(F.distance(F.embed(im, face), index.vectors))
        per = np.full(len(gallery), np.inf)
        np.minimum.at(per, index.owners, d)
        better = per < best
        best[better], which[better] = per[better], j
    order = [int(i) for i in np.argsort(best, kind="stable") if np.isfinite(best[i])][:k]
    matches = [FaceMatch(gallery[i], float(best[i]), _similarity(float(best[i])),
                         bool(best[i] <= threshold), i, int(which[i])) for i in order]
    return FaceSearch(found, matches, threshold)


# --------------------------------------------------------------------------- #
# How well it works
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class RetrievalStats:
    """How well :func:`find_by_hash` finds profile pictures after everyday changes.

    Attributes
    ----------
    profiles, queries : int
        Profiles searched for, and changed pictures searched with.
    threshold : int
        The match distance used.
    found : float
        Share of queries whose nearest profile is the right one *and* within the
        threshold (top-1 retrieval).
    nearest_right : float
        Share of queries whose nearest profile is the right one, however far.
    false_match_rate : float
        Share of (query, *other* profile) pairs within the threshold.
    false_top1 : float
        Share of queries whose nearest profile is a wrong one within the threshold.
    per_change : dict
        ``found`` for each change.
    worst_own, closest_other : int
        Largest distance from a query to its own profile; smallest to another.
    """

    profiles: int
    queries: int
    threshold: int
    found: float
    nearest_right: float
    false_match_rate: float
    false_top1: float
    per_change: dict
    worst_own: int
    closest_other: int


def retrieval_stats(gallery: ProfileGallery, changes: Sequence[Change] = CHANGES, *,
                    threshold: int | None = None, indices: Iterable[int] | None = None) -> RetrievalStats:
    """Change every profile picture in every way of ``changes`` and search for it.

    Parameters
    ----------
    gallery : ProfileGallery
    changes : sequence of Change
    threshold : int, optional
        Match distance (by default the gallery's kind's).
    indices : iterable of int, optional
        Only these profiles (all by default).
    """
    from dataclasses import asdict

    from . import _cache

    threshold = hashing.match_distance(gallery.kind) if threshold is None else threshold
    idx = list(range(len(gallery))) if indices is None else list(indices)
    # the same for every learner (the course's gallery and changes): worked out once (safetylab._cache)
    entry = _cache.key("retrieval", gallery.kind, gallery.hashes.matrix, list(gallery.hashes.ids),
                       [c.name for c in changes], threshold, idx)
    return _cache.remember("retrieval", entry, lambda: _retrieval_stats(gallery, changes, threshold, idx),
                           asdict, lambda raw: RetrievalStats(**raw))


def _retrieval_stats(gallery: ProfileGallery, changes: Sequence[Change], threshold: int,
                     idx: list[int]) -> RetrievalStats:
    n = len(gallery)
    found = right = false_top = false_pairs = 0
    per = {c.name: 0 for c in changes}
    worst_own, closest_other = 0, np.iinfo(np.int64).max
    for i in idx:
        pic = gallery[i].picture
        for c in changes:
            best = _profile_distances(hashing.query_hashes(c.apply(pic), gallery.kind), gallery)
            top = int(np.argmin(best))
            own = int(best[i])
            others = np.delete(best, i)
            worst_own = max(worst_own, own)
            closest_other = min(closest_other, int(others.min()))
            false_pairs += int((others <= threshold).sum())
            if top == i:
                right += 1
                if own <= threshold:
                    found += 1
                    per[c.name] += 1
            elif best[top] <= threshold:
                false_top += 1
    q = len(idx) * len(changes)
    return RetrievalStats(
        profiles=len(idx), queries=q, threshold=threshold, found=found / q, nearest_right=right / q,
        false_match_rate=false_pairs / (q * (n - 1)), false_top1=false_top / q,
        per_change={k: v / len(idx) for k, v in per.items()}, worst_own=worst_own,
        closest_other=int(closest_other))


# --------------------------------------------------------------------------- #
# Hiding a face, and whether it still links
# --------------------------------------------------------------------------- #

#: The ways of hiding a face the lesson compares: name -> options for
#: :func:`safetylab.redact.redact`. "light blur" is a Gaussian blur whose radius
#: is 2% of the hidden area's side; "coarse pixels" are 12 blocks across the
#: hidden area (the face box enlarged by 1.3) — both *look* hidden. "solid fill"
#: is redact's default. (The values are spelled out here rather than taken from
#: :data:`safetylab.redact.WEAK`, so the lesson's numbers do not move when that
#: module is tuned.)
REDACTION_STYLES: dict[str, dict] = {
    "light blur": {"mode": "blur", "blur_strength": 0.02},
    "coarse pixels": {"mode": "pixelate", "pixel_size": 1 / 12},
    "solid fill": {"mode": "fill"},
}


def hide_faces(photo: Any, style: str, *, faces: Sequence | None = None) -> "PILImage.Image":
    """A copy of ``photo`` with its faces hidden in one of :data:`REDACTION_STYLES`.

    ``faces`` (boxes or :class:`~safetylab.faces.Face`) default to what
    :func:`safetylab.redact.redact` finds itself.
    """
    from . import redact

    if style not in REDACTION_STYLES:
        raise ValueError(f"unknown way of hiding {style!r}; use one of {list(REDACTION_STYLES)}")
    return redact.redact(as_image(photo, max_side=WORKING_SIDE), faces=faces, **REDACTION_STYLES[style])


class RedactionCheck(NamedTuple):
    """Does a photo, its face hidden in one way, still lead to the profile?

    ``hash_distance``/``hash_linked``: the same-picture search;
    ``face_distance`` (None when no face is found any more)/``face_linked``: the
    face search; ``linked``: either of them.
    """

    style: str
    hash_distance: int
    hash_linked: bool
    face_distance: float | None
    face_linked: bool
    linked: bool


def redaction_check(photo: Any, gallery: ProfileGallery, handle: str, *,
                    styles: Sequence[str] | None = None, include_original: bool = True,
                    faces: Sequence | None = None) -> list[RedactionCheck]:
    """Hide the face in each way and measure whether the photo still leads to ``handle``.

    Parameters
    ----------
    photo : PIL image, array or path
        The photo about to be sent.
    gallery : ProfileGallery
    handle : str
        The profile the photo should not lead to.
    styles : sequence of str, optional
        Names from :data:`REDACTION_STYLES` (all, by default).
    include_original : bool
        Start with a row for the photo as it is ("not hidden").
    faces : sequence, optional
        The faces to hide (found once on the photo when not given, so every
        style hides the same place).

    Returns
    -------
    list of RedactionCheck
    """
    from . import faces as F
    from . import redact

    im = as_image(photo, max_side=WORKING_SIDE)
    target = gallery.index_of(handle)
    if faces is None:
        faces = F.detect(im, threshold=redact.DETECT_THRESHOLD)
    pictures = [("not hidden", im)] if include_original else []
    pictures += [(s, hide_faces(im, s, faces=faces)) for s in (styles or list(REDACTION_STYLES))]
    threshold = hashing.match_distance(gallery.kind)
    out = []
    for style, pic in pictures:
        hd = int(_profile_distances(hashing.query_hashes(pic, gallery.kind), gallery)[target])
        search = find_by_face(pic, gallery, k=len(gallery))
        fd = next((m.distance for m in search.matches if m.index == target), None)
        face_linked = fd is not None and fd <= search.threshold
        out.append(RedactionCheck(style, hd, hd <= threshold, fd, face_linked, hd <= threshold or face_linked))
    return out


# --------------------------------------------------------------------------- #
# A trainer's own profiles (a course pack's gallery.json)
# --------------------------------------------------------------------------- #

_GALLERY_SCHEMA = "gallery.schema.json"


class GalleryError(DataFileError):
    """A gallery file is not valid, or names a picture that cannot be used: ``FILE: FIELD: PROBLEM``."""


def trainer_profile(picture: Any, handle: str, name: str, *, person: str | None = None,
                    credit: str = TRAINER_CREDIT, source: str = "",
                    size: int = DEFAULT_SIZE) -> Profile:
    """A profile made from a trainer's own picture: all of it, fitted into the gallery's square
    between plain bands (as a service shows a picture that is not square), so a search with
    the photo itself finds it.

    Parameters
    ----------
    picture : PIL image, array or path
        The picture (not changed).
    handle, name : str
        The made-up account name and the name it shows.
    person : str, optional
        Whose face it shows, if it shows one.
    credit : str
        Shown with the picture.
    source : str
        Which picture it was made from (e.g. its file name).

    Examples
    --------
    >>> import numpy as np
    >>> p = trainer_profile(np.zeros((300, 400, 3)), "@club", "Our club")
    >>> p.kind, p.picture.size
    ('trainer', (224, 224))
    """
    from PIL import ImageOps

    im = ImageOps.pad(as_image(picture, max_side=WORKING_SIDE), (size, size), color=(236, 236, 236))
    return Profile(handle, name, TRAINER_KIND, im, credit, person, source or handle)


def _gallery_rules(data: Any) -> list[tuple[list[Any], str]]:
    out: list[tuple[list[Any], str]] = []
    for key in ("id", "handle"):
        seen: set[str] = set()
        for i, row in enumerate(data["profiles"]):
            value = row[key].lower() if key == "handle" else row[key]
            if value in seen:
                out.append((["profiles", i, key], f"repeats {row[key]!r}; give each profile its own {key}"))
            seen.add(value)
    return out


def gallery_problems(data: Any, file: str = "gallery.json") -> list[str]:
    """Every problem with a gallery file's data, one line each (empty when it is fine)."""
    return [str(e) for e in _datafile.problems(data, _GALLERY_SCHEMA, file=file, check=_gallery_rules,
                                               error=GalleryError)]


def load_profiles(path: str | Path, photos: str | Path | None = None, *,
                  credits: dict[str, str] | None = None) -> list[Profile]:
    """The profiles a gallery file lists, their pictures read from ``photos``.

    Parameters
    ----------
    path : path-like
        The gallery file (``gallery.json``).
    photos : path-like, optional
        The folder of pictures (default: ``photos/`` beside the file).
    credits : dict, optional
        The credit of each picture by file name (a course pack's consent checklist).

    Raises
    ------
    GalleryError
        At the first problem: the file, or a picture that is missing or cannot be read.
    """
    from .errors import SafetyLabError

    path = Path(path)
    folder = Path(photos) if photos is not None else path.parent / "photos"
    data = _datafile.load(path, _GALLERY_SCHEMA, check=_gallery_rules, error=GalleryError, what="a gallery file")
    out = []
    for i, row in enumerate(data["profiles"]):
        picture = folder / row["picture"]
        if not picture.is_file():
            raise GalleryError(f"there is no photo called {row['picture']!r} in {folder.name}/",
                               file=path.name, field=f"profiles[{i}].picture")
        try:
            image = as_image(picture, max_side=WORKING_SIDE)
        except SafetyLabError as e:
            raise GalleryError(str(e), file=path.name, field=f"profiles[{i}].picture") from None
        credit = TRAINER_CREDIT + (f" {credits[row['picture']]}" if credits and row["picture"] in credits else "")
        out.append(trainer_profile(image, row["handle"], row["name"], person=row.get("person"),
                                   credit=credit, source=row["picture"]))
    return out


def add_profile(data: dict | None, *, id: str, handle: str, name: str, picture: str,
                person: str | None = None, file: str = "gallery.json") -> dict:
    """A new gallery file's data: ``data`` (or an empty gallery) with one more profile, checked.

    Raises
    ------
    GalleryError
        Naming the field that is wrong.

    Examples
    --------
    >>> g = add_profile(None, id="club", handle="@riverside.youth", name="Riverside Youth Club",
    ...                 picture="club.jpg")
    >>> [p["handle"] for p in g["profiles"]]
    ['@riverside.youth']
    """
    row = {"id": id, "handle": handle.strip(), "name": name.strip(), "picture": picture}
    if person and person.strip():
        row["person"] = person.strip()
    base = dict(data) if data else {"profiles": []}
    out = dict(base, profiles=[dict(p) for p in base.get("profiles", ())] + [row])
    return _datafile.validate(out, _GALLERY_SCHEMA, file=file, check=_gallery_rules, error=GalleryError)


def remove_profile(data: dict, profile_id: str) -> dict:
    """A new gallery file's data without the profile ``profile_id``.

    Raises
    ------
    KeyError
        When there is no such profile.
    """
    kept = [dict(p) for p in data.get("profiles", ()) if p["id"] != profile_id]
    if len(kept) == len(data.get("profiles", ())):
        raise KeyError(f"there is no profile called {profile_id!r}")
    return dict(data, profiles=kept)


def save_gallery(data: dict, path: str | Path, *, replace: bool = False) -> tuple[Path, Path | None]:
    """Write a gallery file (checked first); an existing one is replaced only with ``replace``.

    With ``replace`` the file already there is kept as ``gallery.json.bak``.

    Returns
    -------
    (written, kept) : tuple
        The file, and the backup of the one it replaced (or None).

    Raises
    ------
    GalleryError
        When the data is not valid.
    AlreadyThereError
        When the file is there and ``replace`` is False.
    """
    import json

    from ._files import replace_keeping, write_exact

    path = Path(path)
    _datafile.validate(data, _GALLERY_SCHEMA, file=path.name, check=_gallery_rules, error=GalleryError)
    text = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return replace_keeping(path, text) if replace else (write_exact(path, text), None)
