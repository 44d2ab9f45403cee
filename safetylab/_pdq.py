"""PDQ, Meta's 256-bit perceptual hash, in numpy: the same bits as the reference code.

PDQ (from Meta's ThreatExchange project) turns a picture into 256 bits:

1. luminance ``0.299 R + 0.587 G + 0.114 B``, as 32-bit floats;
2. two passes of a "Jarosz" tent filter (a box filter along the rows, then down
   the columns, twice) sized so the picture can be sampled down to 64 x 64;
3. 64 x 64 samples, taken at the centres of a 64 x 64 grid;
4. a quality score (0-100) from the sum of the differences between neighbours;
5. the 16 x 16 lowest frequencies of a two-dimensional DCT (the constant term left out);
6. bit ``16 i + j`` is 1 when coefficient ``(i, j)`` is above their median.

This module does every step in the same order, with the same 32-bit float
operations, as the reference C++ implementation (``pdq/cpp`` in ThreatExchange,
BSD licence; its notice is in ``safetylab/data/licenses/PDQ-LICENSE.txt``) as the
``pdqhash`` Python package (MIT) builds and calls it, so the bits and the quality
agree exactly with it: ``tests/test_pdq.py`` checks that against hashes the real
``pdqhash`` made (``tests/data/pdq_reference.json``). Sums are accumulated one term
at a time, as the C++ loops do, rather than with a faster matrix product whose
order of additions (and so whose last bits) would differ. It needs nothing but
numpy, so it installs everywhere without a compiler.

What this does not protect against: a perceptual hash matches pictures that look
alike, not people; a crop, a mirror image or a large rotation can make a copy
that it no longer matches, and two different pictures can, rarely, match.

Examples
--------
>>> import numpy as np
>>> bits, quality = compute(np.zeros((4, 4, 3), np.uint8))   # too small to hash
>>> int(bits.sum()), quality
(0, 0)
>>> y, x = np.mgrid[0:80, 0:120]
>>> picture = np.stack([x * 2, y * 3, (x + y) % 256], axis=-1).astype(np.uint8)
>>> bits, quality = compute(picture)
>>> bits.shape, bits.dtype, 0 <= quality <= 100
((256,), dtype('uint8'), True)
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["compute", "luma", "MIN_HASHABLE_SIDE"]

#: Pictures narrower or lower than this get the all-zero hash and quality 0.
MIN_HASHABLE_SIDE = 5
_SIDE = 64          # the picture is sampled down to 64 x 64
_PASSES = 2         # tent filter passes
_F32 = np.float32


@functools.cache
def _dct_matrix() -> np.ndarray:
    """The 16 x 64 DCT-II rows 1..16 (row 0, the constant term, is not used), as float32.

    Each entry is ``float32(sqrt(2/64)) * cos(pi/2/64 * (i+1) * (2j+1))`` worked out
    in double precision and then rounded to float32, as the reference does.
    """
    scale = float(_F32(math.sqrt(2.0 / 64.0)))
    rows = [[scale * math.cos((math.pi / 2.0 / 64.0) * (i + 1) * (2 * j + 1)) for j in range(64)]
            for i in range(16)]
    out = np.array(rows, dtype=np.float64).astype(_F32)
    out.flags.writeable = False
    return out


def luma(rgb: np.ndarray) -> np.ndarray:
    """Luminance of an ``(h, w, 3)`` uint8 RGB array, float32 (computed in double, then rounded).

    This is how ``pdqhash.compute`` turns colour into brightness before hashing.
    """
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] < 3:
        raise ValueError(f"expected an (height, width, 3) RGB array, not shape {rgb.shape}")
    return (rgb[:, :, 0] * 0.299 + rgb[:, :, 1] * 0.587 + rgb[:, :, 2] * 0.114).astype(_F32)


def _window(old: int, new: int = _SIDE) -> int:
    """Width of the box filter that prepares sampling ``old`` pixels down to ``new``."""
    return (old + 2 * new - 1) // (2 * new)


def _box(a: np.ndarray, window: int) -> np.ndarray:
    """A running-sum box filter along axis 0 of a float32 array, as the reference computes it.

    The sum is carried in float32, adding the entering value before subtracting
    the leaving one; near the ends the window is cut short (and the divisor with it).
    Every other axis is done at once.
    """
    n = a.shape[0]
    half = (window + 2) // 2
    out = np.empty_like(a)
    total = np.zeros(a.shape[1:], dtype=_F32)
    count = 0
    right = left = pos = 0
    for _ in range(half - 1):                      # fill the first half window, no output
        total = total + a[right]
        count += 1
        right += 1
    for _ in range(window - half + 1):             # growing window
        total = total + a[right]
        count += 1
        out[pos] = total / _F32(count)
        right += 1
        pos += 1
    for _ in range(n - window):                    # full window
        total = total + a[right]
        total = total - a[left]
        out[pos] = total / _F32(count)
        left += 1
        right += 1
        pos += 1
    for _ in range(half - 1):                      # shrinking window
        total = total - a[left]
        count -= 1
        out[pos] = total / _F32(count)
        left += 1
        pos += 1
    return out


def _downsample(y: np.ndarray) -> np.ndarray:
    """Tent-filter a float32 luminance picture and sample it at 64 x 64 points."""
    rows, cols = y.shape
    if rows == _SIDE and cols == _SIDE:
        return y.copy()
    along_rows, along_cols = _window(cols), _window(rows)
    buf = y
    for _ in range(_PASSES):
        buf = _box(buf.T, along_rows).T    # each row, left to right
        buf = _box(buf, along_cols)        # each column, top to bottom
    ri = [int(((i + 0.5) * rows) / _SIDE) for i in range(_SIDE)]
    ci = [int(((j + 0.5) * cols) / _SIDE) for j in range(_SIDE)]
    return np.ascontiguousarray(buf[np.ix_(ri, ci)])


def _quality(a: np.ndarray) -> int:
    """PDQ's quality score (0-100): how much detail the 64 x 64 samples hold."""
    total = 0
    for diff in (a[:-1, :] - a[1:, :], a[:, :-1] - a[:, 1:]):
        d = (diff * _F32(100)) / _F32(255)                 # float32, as in C
        total += int(np.abs(np.trunc(d).astype(np.int64)).sum())
    return min(100, total // 90)


def _dct16(a: np.ndarray) -> np.ndarray:
    """The 16 x 16 DCT coefficients ``D A D^T`` of the 64 x 64 samples, summed term by term."""
    d = _dct_matrix()
    t = np.zeros((16, _SIDE), dtype=_F32)
    for k in range(_SIDE):                 # T[i, j] = sum_k D[i, k] * A[k, j]
        t = t + d[:, k:k + 1] * a[k:k + 1, :]
    b = np.zeros((16, 16), dtype=_F32)
    for k in range(_SIDE):                 # B[i, j] = sum_k T[i, k] * D[j, k]
        b = b + t[:, k:k + 1] * d[None, :, k]
    return b


def _torben_median(values: np.ndarray) -> np.float32:
    """The median as the reference finds it (Torben's method), in float32.

    For 256 distinct values this is the 128th smallest; with ties it follows the
    reference's rule exactly, so the bits above it agree too.
    """
    m = np.sort(values.ravel().astype(_F32))
    n, half = m.size, (m.size + 1) // 2
    lo, hi = m[0], m[-1]
    while True:
        guess = (lo + hi) / _F32(2)
        below, above = m[m < guess], m[m > guess]
        less, greater = below.size, above.size
        equal = n - less - greater
        max_below = max(lo, below[-1]) if less else lo
        min_above = min(hi, above[0]) if greater else hi
        if less <= half and greater <= half:
            break
        if less > greater:
            hi = max_below
        else:
            lo = min_above
    if less >= half:
        return max_below
    if less + equal >= half:
        return guess
    return min_above


def compute(rgb: np.ndarray) -> tuple[np.ndarray, int]:
    """The PDQ hash of an ``(h, w, 3)`` uint8 RGB picture, as ``pdqhash.compute`` gives it.

    Returns
    -------
    bits : numpy.ndarray
        256 values, 0 or 1 (uint8), bit 255 first (the order ``pdqhash`` uses).
    quality : int
        0 to 100; below about 50 the picture is too plain for the hash to mean much.
    """
    y = luma(rgb)
    rows, cols = y.shape
    if rows < MIN_HASHABLE_SIDE or cols < MIN_HASHABLE_SIDE:
        return np.zeros(256, dtype=np.uint8), 0
    samples = _downsample(y)
    quality = _quality(samples)
    coeffs = _dct16(samples)
    bits = (coeffs.ravel() > _torben_median(coeffs)).astype(np.uint8)
    return bits[::-1].copy(), quality
