"""Perceptual hashes: short fingerprints that survive resizing and recompression.

A perceptual hash turns a picture into a short string of bits. Two copies of the
same picture — resized, recompressed, brightened — get *nearly* the same bits, so
the number of bits that differ (the Hamming distance) says how alike two pictures
look. That is how a picture can be looked up among millions: hash it, then find the
stored hashes a few bits away.

Two hashes are offered, as a tiny flat API in the style of imagehash:

- :func:`pdq` — PDQ, 256 bits, Meta's open hash; the hash that StopNCII computes on
  the person's own device so that only the fingerprint, never the picture, is shared.
  Computed by :mod:`safetylab._pdq` in numpy, bit for bit as Meta's reference code.
- :func:`phash` — the classic DCT "pHash", 64 bits (via imagehash).

Both return a :class:`Hash`, whose ``a - b`` is the Hamming distance. A
:class:`Gallery` stores many hashes as one packed matrix and compares a query with
all of them at once; :func:`robustness` measures how far a hash moves under the
everyday changes a photo goes through (resize, crop, JPEG, screenshot borders,
brightness, small rotations, mirroring), and :func:`plot_robustness` draws it.

What this does *not* cover: a perceptual hash only finds copies of the *same
picture*. A different photo of the same face has an unrelated hash; finding that
takes face recognition (:mod:`safetylab.linking`). Hashes are also easy to break on
purpose with a large crop or rotation — which is why matching services combine
them with other signals.

Examples
--------
>>> import numpy as np
>>> from PIL import Image
>>> rng = np.random.default_rng(0)
>>> img = Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).resize((256, 256))
>>> a, b = pdq(img), pdq(img.resize((128, 128)))
>>> len(a), a - a, a - b <= PDQ_MATCH_DISTANCE
(256, 0, True)
>>> from_hex(a.hex()) == a
True
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple, Sequence

import numpy as np

from .images import WORKING_SIDE, as_image

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
    from PIL import Image as PILImage

__all__ = [
    "Hash", "pdq", "phash", "from_hex", "hash_image", "trim_borders", "KINDS",
    "PDQ_MATCH_DISTANCE", "PHASH_MATCH_DISTANCE", "HASH_SIDE", "PDQ_CONFIDENT_DISTANCE", "match_distance",
    "query_hashes",
    "Gallery", "SearchResult",
    "Transform", "DEFAULT_TRANSFORMS", "RobustnessPoint", "robustness", "plot_robustness",
    "apply_transform", "screenshot", "mirror",
]

#: Bits per hash, by kind.
KINDS = {"pdq": 256, "phash": 64}

#: Meta's published "confident match" distance for PDQ (at most 31 of 256 bits differ).
PDQ_CONFIDENT_DISTANCE = 31
#: The distance this project treats as "the same picture" for PDQ: at most 64 of 256
#: bits (a quarter) differ. Wider than :data:`PDQ_CONFIDENT_DISTANCE`, so that crops
#: and screenshots still link; measured on the lesson gallery (see
#: :mod:`safetylab.linking`), unrelated pictures are much further apart (around 128).
PDQ_MATCH_DISTANCE = 64
#: The same for the 64-bit pHash (a quarter of the bits, like PDQ's threshold).
PHASH_MATCH_DISTANCE = 16

#: PDQ and pHash look at a small version of the picture (this many pixels on the longer
#: side); hashing a 12-megapixel photo at full size gives almost the same bits, only slower.
HASH_SIDE = 512


def match_distance(kind: str) -> int:
    """The distance at or under which two hashes of ``kind`` count as the same picture.

    Examples
    --------
    >>> match_distance("pdq"), match_distance("phash")
    (64, 16)
    """
    _check_kind(kind)
    return PDQ_MATCH_DISTANCE if kind == "pdq" else PHASH_MATCH_DISTANCE


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown hash kind {kind!r}; use one of {sorted(KINDS)}")


# --------------------------------------------------------------------------- #
# The value class
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Hash:
    """A perceptual hash: ``kind`` (``"pdq"`` or ``"phash"``) and its bits, packed.

    ``a - b`` is the Hamming distance (how many bits differ); hashes of different
    kinds cannot be compared. ``hex()`` gives the usual text form: for PDQ the one
    the reference implementation prints (bit 255 first), for pHash the one
    imagehash prints.

    Parameters
    ----------
    kind : str
        ``"pdq"`` (256 bits) or ``"phash"`` (64 bits).
    data : bytes
        The bits, most significant first (32 bytes for PDQ, 8 for pHash).
    quality : int or None
        PDQ's own quality score (0-100; under about 50 the picture is too plain
        for the hash to mean much). ``None`` for pHash.

    Examples
    --------
    >>> a = Hash("phash", bytes(8))
    >>> b = Hash("phash", bytes([255]) + bytes(7))
    >>> a - b, b.hex(), len(b)
    (8, 'ff00000000000000', 64)
    """

    kind: str
    data: bytes
    quality: int | None = None

    def __post_init__(self) -> None:
        _check_kind(self.kind)
        data = bytes(self.data)
        object.__setattr__(self, "data", data)
        if len(data) * 8 != KINDS[self.kind]:
            raise ValueError(f"a {self.kind} hash has {KINDS[self.kind]} bits, not {len(data) * 8}")

    def __sub__(self, other: "Hash") -> int:
        if not isinstance(other, Hash):
            return NotImplemented
        if other.kind != self.kind:
            raise TypeError(f"cannot compare a {self.kind} hash with a {other.kind} hash")
        x = np.bitwise_xor(np.frombuffer(self.data, np.uint8), np.frombuffer(other.data, np.uint8))
        return int(_popcount_u8(x).sum())

    def __eq__(self, other: object) -> bool:  # quality is a note, not part of the identity
        return isinstance(other, Hash) and (self.kind, self.data) == (other.kind, other.data)

    def __hash__(self) -> int:
        return hash((self.kind, self.data))

    def __len__(self) -> int:
        return KINDS[self.kind]

    def __str__(self) -> str:
        return self.hex()

    def __repr__(self) -> str:
        return f"Hash({self.kind!r}, {self.hex()!r})"

    def hex(self) -> str:
        """The hash as hexadecimal text (64 characters for PDQ, 16 for pHash)."""
        return self.data.hex()

    @property
    def bits(self) -> np.ndarray:
        """The bits as an array of 0/1 (``uint8``), most significant first."""
        return np.unpackbits(np.frombuffer(self.data, np.uint8))

    @classmethod
    def from_bits(cls, kind: str, bits: Sequence[int] | np.ndarray, quality: int | None = None) -> "Hash":
        """Build a hash from 0/1 values, most significant first."""
        arr = np.asarray(bits).astype(bool).ravel()
        return cls(kind, np.packbits(arr).tobytes(), quality)


def from_hex(text: str, kind: str | None = None) -> Hash:
    """Read a hash written by :meth:`Hash.hex` (the kind follows from the length).

    Examples
    --------
    >>> from_hex("ff00000000000000").kind
    'phash'
    >>> from_hex("zz")
    Traceback (most recent call last):
    ...
    ValueError: 'zz' is not a hash written in hexadecimal
    """
    cleaned = str(text).strip().lower()
    try:
        data = bytes.fromhex(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a hash written in hexadecimal") from None
    if kind is None:
        kind = {KINDS[k] // 4: k for k in KINDS}.get(len(cleaned))
        if kind is None:
            raise ValueError(f"{text!r} has {len(cleaned)} hex digits; PDQ has 64, pHash 16")
    return Hash(kind, data)


# --------------------------------------------------------------------------- #
# Popcount
# --------------------------------------------------------------------------- #

_POPCOUNT_LUT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount_u8(x: np.ndarray) -> np.ndarray:
    """Set bits per byte of a ``uint8`` array."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(x)
    return _POPCOUNT_LUT[x]  # pragma: no cover - numpy 1.x


def _row_popcount(x: np.ndarray) -> np.ndarray:
    """Set bits per row of a 2-D ``uint8`` array whose width is a multiple of 8."""
    if hasattr(np, "bitwise_count"):
        words = x.view(np.uint64)
        return np.bitwise_count(words).sum(axis=1, dtype=np.uint16)
    return _POPCOUNT_LUT[x].sum(axis=1, dtype=np.uint16)  # pragma: no cover - numpy 1.x


# --------------------------------------------------------------------------- #
# Hashing pictures
# --------------------------------------------------------------------------- #

def _as_image(image: Any) -> "PILImage.Image":
    """An RGB picture from any input (:func:`safetylab.images.as_image`); photo files at working size."""
    return as_image(image, max_side=WORKING_SIDE)


def _reduced(im: "PILImage.Image") -> "PILImage.Image":
    from PIL import Image

    if max(im.size) <= HASH_SIDE:
        return im
    scale = HASH_SIDE / max(im.size)
    size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
    return im.resize(size, Image.Resampling.BOX)


def pdq(image: Any) -> Hash:
    """The 256-bit PDQ hash of a picture (PIL image, array or photo path).

    Pictures larger than 512 pixels are reduced first (PDQ itself looks at a
    64 x 64 version, so the bits hardly change, only the time). The hash's
    ``quality`` is PDQ's own score; a plain, nearly uniform picture scores low and
    its hash is unreliable.
    """
    from . import _pdq

    im = _reduced(_as_image(image))
    vector, quality = _pdq.compute(np.asarray(im, dtype=np.uint8))
    return Hash.from_bits("pdq", vector, int(quality))


def phash(image: Any) -> Hash:
    """The 64-bit DCT perceptual hash of a picture (imagehash's ``phash``)."""
    import imagehash

    h = imagehash.phash(_reduced(_as_image(image)))
    return Hash.from_bits("phash", h.hash.ravel())


def hash_image(image: Any, kind: str = "pdq") -> Hash:
    """:func:`pdq` or :func:`phash`, chosen by name."""
    _check_kind(kind)
    return pdq(image) if kind == "pdq" else phash(image)


def trim_borders(image: Any, *, tolerance: int = 12, share: float = 0.8,
                 max_trim: float = 0.45) -> "PILImage.Image":
    """Cut away plain bands at the edges, as a screenshot adds them (bars, a status bar).

    A row (or column) at the edge is "plain" when at least ``share`` of its pixels
    are within ``tolerance`` grey levels of the row's most common level, so a
    status bar with a little text and a few icons counts as plain. Trimming
    stops at the first row that is not plain, and never removes more than
    ``max_trim`` of the height (or width) from one side. Rows and columns are
    trimmed in turn until nothing changes, so a band across the top does not
    keep plain columns at the sides from being cut. A plain sky at the top
    of a photo may be cut too, which is why :func:`query_hashes` hashes the
    picture both with and without trimming.

    Returns a new image; the input is not changed.

    Examples
    --------
    >>> from PIL import Image
    >>> rng = np.random.default_rng(1)
    >>> inner = Image.fromarray(rng.integers(0, 255, (40, 30, 3), dtype=np.uint8))
    >>> framed = Image.new("RGB", (50, 70), (0, 0, 0)); framed.paste(inner, (10, 20))
    >>> trim_borders(framed).size
    (30, 40)
    """
    im = _as_image(image)
    grey = np.asarray(im.convert("L"), dtype=np.int16)

    def plain(lines: np.ndarray) -> np.ndarray:
        # most common level per line, via a histogram of 8-level bins
        bins = lines // 8
        counts = np.stack([(bins == b).sum(axis=1) for b in range(32)], axis=1)
        mode = counts.argmax(axis=1) * 8 + 4
        near = np.abs(lines - mode[:, None]) <= tolerance + 4
        return near.mean(axis=1) >= share

    h0, w0 = grey.shape
    top = bottom = left = right = 0
    for _ in range(4):  # rows, then columns of what is left, until nothing changes
        g = grey[top:h0 - bottom, left:w0 - right]
        h, w = g.shape
        rows = plain(g)
        if rows.all():
            return im.copy()  # a plain picture: nothing to tell apart
        t, b = _run(rows, int(h0 * max_trim) - top), _run(rows[::-1], int(h0 * max_trim) - bottom)
        if t + b >= h:
            return im.copy()  # a plain picture: nothing to tell apart
        top, bottom = top + t, bottom + b
        g = g[t:h - b]
        cols = plain(g.T)
        if cols.all():
            return im.copy()
        l, r = _run(cols, int(w0 * max_trim) - left), _run(cols[::-1], int(w0 * max_trim) - right)
        if l + r >= w:
            return im.copy()
        left, right = left + l, right + r
        if not (t or b or l or r):
            break
    if not (top or bottom or left or right):
        return im.copy()
    return im.crop((left, top, w0 - right, h0 - bottom))


def query_hashes(image: Any, kind: str = "pdq", *, mirrored: bool = True,
                 trimmed: bool = True) -> list[Hash]:
    """The hashes a search tries for one picture: as it is, mirrored, borders cut away.

    A search keeps, for each stored picture, the smallest distance to any of
    these (:meth:`Gallery.search` takes the list). Flipping a picture or
    screenshotting it therefore does not hide it.

    Parameters
    ----------
    image : PIL image, array or path
    kind : str
        ``"pdq"`` or ``"phash"``.
    mirrored : bool
        Also hash the mirror image.
    trimmed : bool
        Also hash the picture with plain bands at its edges cut away
        (:func:`trim_borders`), when there are any.

    Returns
    -------
    list of Hash
        The picture's own hash first; no duplicates.
    """
    im = _as_image(image)
    pictures = [im]
    if trimmed:
        cut = trim_borders(im)
        if cut.size != im.size:
            pictures.append(cut)
    if mirrored:
        pictures += [mirror(p) for p in pictures]
    out: list[Hash] = []
    for p in pictures:
        h = hash_image(p, kind)
        if h not in out:
            out.append(h)
    return out


def _run(flags: np.ndarray, limit: int) -> int:
    """Length of the leading run of True in ``flags``, at most ``limit``."""
    limit = max(0, limit)
    false = np.flatnonzero(~flags[:limit])
    return int(false[0]) if false.size else min(limit, flags.size)


# --------------------------------------------------------------------------- #
# The gallery index
# --------------------------------------------------------------------------- #

class SearchResult(NamedTuple):
    """The nearest hashes: their ``ids`` and ``distances``, nearest first."""

    ids: list
    distances: np.ndarray


class Gallery:
    """Many hashes of one kind, searched all at once.

    The hashes sit in one packed ``uint8`` matrix (one row of 32 bytes per PDQ
    hash); a search XORs the query with every row and counts the differing bits
    with a vectorised popcount (``np.bitwise_count`` on 64-bit words where numpy
    has it, a 256-entry lookup table otherwise). 100,000 PDQ hashes take a few
    milliseconds — a brute-force scan; services holding billions of hashes split
    them into indexes instead, but compare the same bits.

    Parameters
    ----------
    kind : str
        ``"pdq"`` or ``"phash"``.

    Examples
    --------
    >>> g = Gallery("phash")
    >>> g.add("a", Hash("phash", bytes(8)))
    >>> g.add("b", Hash("phash", bytes([255] * 8)))
    >>> g.search(Hash("phash", bytes([1]) + bytes(7)), k=2)
    SearchResult(ids=['a', 'b'], distances=array([ 1, 63]))
    """

    def __init__(self, kind: str = "pdq"):
        _check_kind(kind)
        self.kind = kind
        self._width = KINDS[kind] // 8
        self._rows = np.zeros((0, self._width), dtype=np.uint8)
        self._n = 0
        self._ids: list = []

    @classmethod
    def from_hashes(cls, ids: Iterable, hashes: Iterable[Hash], kind: str | None = None) -> "Gallery":
        """A gallery holding ``hashes`` under ``ids`` (same order)."""
        ids, hashes = list(ids), list(hashes)
        if len(ids) != len(hashes):
            raise ValueError(f"{len(ids)} ids for {len(hashes)} hashes")
        g = cls(kind or (hashes[0].kind if hashes else "pdq"))
        g.extend(ids, hashes)
        return g

    @classmethod
    def from_matrix(cls, ids: Iterable, matrix: np.ndarray, kind: str = "pdq") -> "Gallery":
        """A gallery from packed rows (``uint8``, one row per hash), e.g. for a benchmark."""
        g = cls(kind)
        matrix = np.ascontiguousarray(matrix, dtype=np.uint8)
        ids = list(ids)
        if matrix.ndim != 2 or matrix.shape[1] != g._width or matrix.shape[0] != len(ids):
            raise ValueError(f"expected a ({len(ids)}, {g._width}) uint8 matrix, got {matrix.shape}")
        g._rows, g._n, g._ids = matrix.copy(), len(ids), ids
        return g

    def __len__(self) -> int:
        return self._n

    @property
    def ids(self) -> list:
        """The ids, in the order they were added."""
        return list(self._ids)

    @property
    def matrix(self) -> np.ndarray:
        """The packed hashes, one row each (a read-only view)."""
        view = self._rows[: self._n]
        view.flags.writeable = False
        return view

    def hash_of(self, index: int) -> Hash:
        """The hash stored at position ``index``."""
        return Hash(self.kind, self._rows[index].tobytes())

    def _grow(self, extra: int) -> None:
        need = self._n + extra
        if need > self._rows.shape[0]:
            cap = max(need, 2 * self._rows.shape[0], 64)
            rows = np.zeros((cap, self._width), dtype=np.uint8)
            rows[: self._n] = self._rows[: self._n]
            self._rows = rows

    def add(self, id: Any, h: Hash) -> None:
        """Store one hash under ``id`` (ids need not be unique: a profile may have several)."""
        self.extend([id], [h])

    def extend(self, ids: Iterable, hashes: Iterable[Hash]) -> None:
        """Store several hashes at once."""
        ids, hashes = list(ids), list(hashes)
        if len(ids) != len(hashes):
            raise ValueError(f"{len(ids)} ids for {len(hashes)} hashes")
        for h in hashes:
            if not isinstance(h, Hash) or h.kind != self.kind:
                raise TypeError(f"this gallery holds {self.kind} hashes")
        self._grow(len(hashes))
        for i, h in enumerate(hashes):
            self._rows[self._n + i] = np.frombuffer(h.data, np.uint8)
        self._n += len(hashes)
        self._ids.extend(ids)

    def distances(self, query: Hash | Iterable[Hash]) -> np.ndarray:
        """Distance from the query to every stored hash (``uint16``, in storage order).

        Several query hashes (say, a picture and its mirror image) give, for each
        stored hash, the smallest of their distances.
        """
        queries = [query] if isinstance(query, Hash) else list(query)
        if not queries:
            raise ValueError("no query hash given")
        rows = self._rows[: self._n]
        best = None
        for q in queries:
            if not isinstance(q, Hash) or q.kind != self.kind:
                raise TypeError(f"this gallery holds {self.kind} hashes")
            d = _row_popcount(np.bitwise_xor(rows, np.frombuffer(q.data, np.uint8)))
            best = d if best is None else np.minimum(best, d)
        return best

    def search(self, query: Hash | Iterable[Hash], k: int = 5,
               max_distance: int | None = None) -> SearchResult:
        """The ``k`` nearest stored hashes, nearest first (ties in storage order).

        Parameters
        ----------
        query : Hash or iterable of Hash
            One hash, or several whose best distance counts (a picture and its mirror).
        k : int
            How many to return (fewer when the gallery is smaller).
        max_distance : int, optional
            Leave out hashes further away than this.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        if self._n == 0:
            return SearchResult([], np.zeros(0, dtype=np.int64))
        d = self.distances(query)
        k = min(k, self._n)
        if k < self._n:
            cut = np.partition(d, k - 1)[k - 1]
            cand = np.flatnonzero(d <= cut)  # in storage order, ties included
        else:
            cand = np.arange(self._n)
        order = cand[np.argsort(d[cand], kind="stable")][:k]
        dist = d[order].astype(np.int64)
        if max_distance is not None:
            keep = dist <= max_distance
            order, dist = order[keep], dist[keep]
        return SearchResult([self._ids[i] for i in order], dist)


# --------------------------------------------------------------------------- #
# Robustness
# --------------------------------------------------------------------------- #

class Transform(NamedTuple):
    """An everyday change to a photo, at several strengths.

    ``apply(image, strength) -> image`` returns a new PIL image; ``strengths``
    are the values :func:`robustness` tries; ``unit`` labels them; ``neutral``
    is the strength that changes nothing (plotted as the first point).
    """

    name: str
    label: str
    unit: str
    strengths: tuple
    apply: Callable[["PILImage.Image", float], "PILImage.Image"]
    neutral: float | None = None


def _resize(im, scale):
    from PIL import Image

    size = (max(8, round(im.width * scale)), max(8, round(im.height * scale)))
    return im.resize(size, Image.Resampling.BILINEAR)


def _crop(im, fraction):
    """Keep the centre, removing ``fraction`` of the width and of the height in all."""
    dx, dy = round(im.width * fraction / 2), round(im.height * fraction / 2)
    return im.crop((dx, dy, im.width - dx, im.height - dy))


def _jpeg(im, quality):
    from PIL import Image

    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=int(quality))
    buf.seek(0)
    with Image.open(buf) as out:
        return out.convert("RGB")


def _brightness(im, factor):
    from PIL import ImageEnhance

    return ImageEnhance.Brightness(im).enhance(factor)


def _rotate(im, degrees):
    from PIL import Image

    if degrees % 90 == 0:
        return im.rotate(degrees, expand=True)
    return im.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=(0, 0, 0))


def mirror(image: Any) -> "PILImage.Image":
    """The picture flipped left to right (a new image), as a selfie camera shows it."""
    from PIL import ImageOps

    return ImageOps.mirror(_as_image(image))


def _mirror(im, strength):
    return mirror(im) if strength else im.copy()


def screenshot(image: Any, bars: float = 0.2, *, status_bar: bool = True,
               background=(16, 16, 16)) -> "PILImage.Image":
    """The picture as a phone screenshot of it shows: bands above and below, a status bar.

    Parameters
    ----------
    image : PIL image, array or path
    bars : float
        Share of the screenshot's height that is *not* the picture (0 to 0.9).
    status_bar : bool
        Draw a status bar (a clock and a battery) in the top band.
    background : colour
        Colour of the bands.

    Returns
    -------
    PIL.Image.Image
        A new image, as wide as the picture.
    """
    from PIL import Image, ImageDraw

    if not 0 <= bars < 0.9:
        raise ValueError("bars must be between 0 and 0.9")
    im = _as_image(image)
    w, h = im.size
    total = max(h, round(h / (1 - bars)))
    canvas = Image.new("RGB", (w, total), background)
    top = (total - h) // 2
    canvas.paste(im, (0, top))
    if status_bar and top >= 6:
        d = ImageDraw.Draw(canvas)
        bar = max(6, min(top, round(total * 0.045)))
        fg = (236, 236, 236)
        size = max(4, bar * 0.6)
        d.text((round(w * 0.04), bar / 2), "9:41", fill=fg, anchor="lm", font_size=size)
        bx1, bh = round(w * 0.96), max(3, round(bar * 0.4))
        bx0, by0 = bx1 - 2 * bh, round(bar / 2 - bh / 2)
        d.rectangle([bx0, by0, bx1, by0 + bh], outline=fg, width=1)
        if bh >= 5:  # the charge level inside the battery
            d.rectangle([bx0 + 2, by0 + 2, bx0 + 2 + round((bx1 - bx0 - 4) * 0.7), by0 + bh - 2], fill=fg)
    return canvas


def _screenshot(im, bars):
    return screenshot(im, bars) if bars else im.copy()


#: The changes :func:`robustness` tries, with their strengths.
DEFAULT_TRANSFORMS: tuple[Transform, ...] = (
    Transform("resize", "Made smaller", "size kept (1 = unchanged)", (1.0, 0.75, 0.5, 0.25, 0.1), _resize, 1.0),
    Transform("crop", "Cropped", "share cut away", (0.0, 0.02, 0.05, 0.1, 0.2, 0.3), _crop, 0.0),
    Transform("jpeg", "Recompressed (JPEG)", "JPEG quality", (95, 75, 50, 30, 10), _jpeg, None),
    Transform("screenshot", "Screenshot with bars", "share of bars", (0.0, 0.05, 0.1, 0.2, 0.4), _screenshot, 0.0),
    Transform("brightness", "Brighter or darker", "brightness (1 = unchanged)",
              (0.5, 0.75, 1.0, 1.25, 1.5), _brightness, 1.0),
    Transform("rotate", "Turned", "degrees", (0, 1, 2, 5, 10, 90), _rotate, 0),
    Transform("mirror", "Mirrored", "1 = mirrored", (0, 1), _mirror, 0),
)


def apply_transform(image: Any, name: str, strength: float,
                    transforms: Sequence[Transform] = DEFAULT_TRANSFORMS) -> "PILImage.Image":
    """Apply the named change of ``transforms`` at ``strength`` (a new image)."""
    for t in transforms:
        if t.name == name:
            return t.apply(_as_image(image), strength)
    raise ValueError(f"no change called {name!r}; known: {[t.name for t in transforms]}")


class RobustnessPoint(NamedTuple):
    """One measurement: the change, its strength, and the hash distance it caused."""

    name: str
    strength: float
    distance: int


def robustness(image: Any, transforms: Sequence[Transform] = DEFAULT_TRANSFORMS, *,
               kind: str = "pdq", variants: bool = False) -> list[RobustnessPoint]:
    """How far the hash moves under each change, at each strength.

    Parameters
    ----------
    image : PIL image, array or path
    transforms : sequence of Transform
        The changes to try (:data:`DEFAULT_TRANSFORMS` by default).
    kind : str
        ``"pdq"`` or ``"phash"``.
    variants : bool
        Hash each changed picture as a search does (:func:`query_hashes`: also
        mirrored, also with plain borders cut away) and keep the smallest
        distance, as :func:`safetylab.linking.find_by_hash` does. Then mirroring
        and screenshot bars no longer hide a picture. The original is then
        stored with and without its own plain borders, as
        :func:`safetylab.linking.make_gallery` stores profile pictures.

    Returns
    -------
    list of RobustnessPoint
        ``(name, strength, distance)`` for every change and strength, in order.
    """
    from . import _cache

    im = _as_image(image)
    # the course's own pictures were measured once, when learner mode was set up (safetylab._cache)
    entry = _cache.key("robustness", im, kind, variants, [(t.name, list(t.strengths)) for t in transforms])
    return _cache.remember("robustness", entry, lambda: _robustness(im, transforms, kind, variants),
                           lambda pts: [[p.name, None, int(p.distance)] for p in pts],
                           lambda raw: _points(raw, transforms))


def _points(raw: list, transforms: Sequence[Transform]) -> list[RobustnessPoint]:
    """Kept measurements back as points, with the transforms' own strength values."""
    strengths = _strengths(transforms)
    if len(raw) != len(strengths):
        raise ValueError("the kept measurements do not fit these changes")
    return [RobustnessPoint(str(n), s, int(d)) for (n, _, d), s in zip(raw, strengths)]


def _strengths(transforms: Sequence[Transform]) -> list:
    return [s for t in transforms for s in t.strengths]


def _robustness(im, transforms: Sequence[Transform], kind: str, variants: bool) -> list[RobustnessPoint]:
    refs = query_hashes(im, kind, mirrored=False) if variants else [hash_image(im, kind)]
    out = []
    for t in transforms:
        for s in t.strengths:
            changed = t.apply(im, s)
            hashes = query_hashes(changed, kind) if variants else [hash_image(changed, kind)]
            out.append(RobustnessPoint(t.name, s, min(h - r for h in hashes for r in refs)))
    return out


_OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def plot_robustness(results: Sequence[tuple], *, threshold: int | None = None,
                    kind: str = "pdq", transforms: Sequence[Transform] = DEFAULT_TRANSFORMS,
                    fig: "Figure | None" = None) -> "Figure":
    """Small plots of distance against strength, one per change, with the match line.

    Points on or under the dashed line still count as "the same picture". Each
    change has its own colour *and* marker (Okabe-Ito palette), and the figure's
    ``text_alternative`` says in words which changes stayed under the line.

    Parameters
    ----------
    results : sequence of (name, strength, distance)
        What :func:`robustness` returns.
    threshold : int, optional
        The match distance (by default :func:`match_distance` of ``kind``).
    kind : str
        The hash the distances come from (sets the axis range and default line).
    transforms : sequence of Transform
        Used for titles and units; unknown names are shown as they are.
    fig : Figure, optional
        Draw into this figure (cleared first).
    """
    from matplotlib.figure import Figure

    threshold = match_distance(kind) if threshold is None else threshold
    names = list(dict.fromkeys(r[0] for r in results))
    if not names:
        raise ValueError("no results to plot")
    info = {t.name: t for t in transforms}
    cols = min(4, len(names))
    rows = -(-len(names) // cols)
    fig = fig or Figure(figsize=(3.2 * cols, 2.9 * rows + 0.6), layout="constrained")
    fig.clear()
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    top = KINDS[kind] * 0.6
    held, broke = [], []
    for i, name in enumerate(names):
        ax = axes[i]
        pts = [(r[1], r[2]) for r in results if r[0] == name]
        xs = list(range(len(pts)))
        ds = [p[1] for p in pts]
        colour, marker = _OKABE_ITO[i % len(_OKABE_ITO)], _MARKERS[i % len(_MARKERS)]
        ax.plot(xs, ds, color=colour, marker=marker, markersize=7, linewidth=2)
        ax.axhline(threshold, color="#000000", linestyle="--", linewidth=1.2)
        ax.text(xs[-1] if len(xs) > 1 else 0, threshold, "match line", va="bottom", ha="right", fontsize=9)
        ax.set_xticks(xs, [f"{s:g}" for s, _ in pts])
        t = info.get(name)
        ax.set_title(t.label if t else name, fontsize=11)
        ax.set_xlabel(t.unit if t else "strength", fontsize=9)
        ax.set_ylim(0, max(top, max(ds) * 1.1))
        if i % cols == 0:
            ax.set_ylabel(f"bits changed (of {KINDS[kind]})", fontsize=9)
        ax.grid(True, alpha=0.3)
        over = [f"{s:g}" for s, d in pts if d > threshold]
        label = t.label if t else name
        label = label[:1].lower() + label[1:]
        if over:
            broke.append(f"{label} (over the line at {', '.join(over)})")
        else:
            held.append(label)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    fig.suptitle(f"How many of the fingerprint's bits change (dashed line: still the same picture at "
                 f"{threshold} or fewer)", fontsize=12)
    alt = (f"Small charts of how many of the fingerprint's bits change at each strength of each change, "
           f"with a dashed match line at {threshold} bits. ")
    alt += (f"Still a match at every strength tried: {'; '.join(held)}. " if held else "")
    alt += (f"No longer a match when strong: {'; '.join(broke)}." if broke else "")
    fig.text_alternative = alt.strip()
    return fig
