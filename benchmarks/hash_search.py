"""Benchmark: one search of 100,000 PDQ hashes with :class:`safetylab.hashing.Gallery`.

``bench_search(n)`` fills a gallery with ``n`` random 256-bit hashes (the
distances between unrelated pictures' PDQ hashes behave like those of random
bits, about 128 apart), plants a few real PDQ hashes of generated pictures
among them, and times ``Gallery.search`` for the k nearest. It also checks the
answers against a plain, slow reference (unpacked bits, summed): a fast search
that returns the wrong profiles would be worse than useless.

Run alone: ``.venv/bin/python benchmarks/hash_search.py``.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

GOAL_MS = 20.0


def _reference_top(matrix: np.ndarray, query: np.ndarray, k: int) -> tuple[list[int], list[int]]:
    """The k nearest rows by the slowest obvious method: unpack every bit and count."""
    bits = np.unpackbits(matrix, axis=1)
    qbits = np.unpackbits(query)
    d = (bits != qbits).sum(axis=1)
    order = np.argsort(d, kind="stable")[:k]
    return [int(i) for i in order], [int(d[i]) for i in order]


def bench_search(n: int = 100_000, *, k: int = 10, repeats: int = 30, seed: int = 7) -> dict:
    """Time a k-nearest search of ``n`` PDQ hashes; check it against a reference.

    Returns
    -------
    dict
        ``n``, ``k``, ``median_ms``, ``min_ms``, ``max_ms``, ``samples_ms`` (one
        query hash), ``median_ms_mirror`` (a picture and its mirror image: two
        query hashes), ``popcount`` (how bits are counted), ``correct`` (the
        answers equal the reference's and each planted hash is found first at
        distance 0), ``goal_ms`` and ``met``.
    """
    from PIL import Image

    from safetylab import hashing

    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    # Plant real PDQ hashes of a few generated pictures at known places.
    planted = {}
    for j, where in enumerate(rng.choice(n, size=5, replace=False)):
        pic = Image.fromarray(rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)).resize((128, 128))
        h = hashing.pdq(pic)
        matrix[where] = np.frombuffer(h.data, np.uint8)
        planted[int(where)] = h
    gallery = hashing.Gallery.from_matrix(range(n), matrix, "pdq")

    correct = True
    for where, h in planted.items():
        res = gallery.search(h, k=k)
        ref_ids, ref_d = _reference_top(matrix, np.frombuffer(h.data, np.uint8), k)
        correct &= res.ids[0] == where and int(res.distances[0]) == 0
        correct &= list(res.distances) == ref_d and set(res.ids) <= set(range(n))
        # ids may differ only among equal distances; the reference is stable too
        correct &= res.ids == ref_ids

    query = next(iter(planted.values()))
    mirror_pair = [query, hashing.Hash("pdq", rng.integers(0, 256, 32, dtype=np.uint8).tobytes())]
    for _ in range(3):  # warm up
        gallery.search(query, k=k)
    samples, samples2 = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        gallery.search(query, k=k)
        samples.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        gallery.search(mirror_pair, k=k)
        samples2.append((time.perf_counter() - t0) * 1000)
    median = float(np.median(samples))
    return {
        "n": n, "k": k, "median_ms": median, "min_ms": float(min(samples)), "max_ms": float(max(samples)),
        "samples_ms": [round(s, 3) for s in samples], "median_ms_mirror": float(np.median(samples2)),
        "popcount": "np.bitwise_count on 64-bit words" if hasattr(np, "bitwise_count") else "256-entry lookup table",
        "correct": bool(correct), "goal_ms": GOAL_MS, "met": median < GOAL_MS,
    }


if __name__ == "__main__":
    result = bench_search()
    print(json.dumps({k: v for k, v in result.items() if k != "samples_ms"}, indent=2))
    sys.exit(0 if result["correct"] else 1)
