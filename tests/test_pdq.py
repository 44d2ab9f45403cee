"""safetylab's PDQ (numpy) gives exactly the bits and quality of Meta's reference code.

The reference hashes in ``tests/data/pdq_reference.json`` were made with the real
``pdqhash`` package (the reference C++ code); see ``tests/pdq_reference.py``.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import pdq_reference as ref
from safetylab import _pdq, hashing

REFERENCE = ref.load()


def _check(rgb: np.ndarray, expected: dict, label: str) -> None:
    assert list(rgb.shape[:2]) == expected["shape"], label
    bits, quality = _pdq.compute(rgb)
    assert bits.shape == (256,) and bits.dtype == np.uint8 and set(np.unique(bits)) <= {0, 1}
    differ = bin(int(ref.bits_hex(bits), 16) ^ int(expected["hex"], 16)).count("1")
    assert differ == 0, f"{label}: {differ} of 256 bits differ from the reference"
    assert quality == expected["quality"], label


def test_the_reference_covers_the_hard_cases():
    synthetic = REFERENCE["synthetic"]
    assert set(synthetic) == set(ref.SYNTHETIC)
    shapes = {tuple(v["shape"]) for v in synthetic.values()}
    assert (64, 64) in shapes and (1, 1) in shapes and (4, 100) in shapes and (5, 300) in shapes
    assert any(h > 512 and w > 512 for h, w in shapes)
    qualities = {v["quality"] for v in synthetic.values()}
    assert 0 in qualities and 100 in qualities


@pytest.mark.parametrize("name", sorted(ref.SYNTHETIC))
def test_synthetic_pictures_hash_exactly_as_the_reference(name):
    _check(ref.SYNTHETIC[name](), REFERENCE["synthetic"][name], name)


@pytest.mark.corpus
def test_corpus_pictures_hash_exactly_as_the_reference(testdata):
    stored = REFERENCE["corpus"]
    assert len(stored) >= 20
    for rel, expected in stored.items():
        rgb = ref.corpus_rgb(testdata / rel)
        assert rgb is not None, rel
        _check(rgb, expected, rel)


def test_a_changed_pixel_is_noticed():
    """The comparison has teeth: the reference of one picture is not that of a neighbour."""
    a = ref.SYNTHETIC["blocks_384x512"]()
    b = a.copy()
    b[:96, :128] = 255 - b[:96, :128]
    assert ref.bits_hex(_pdq.compute(b)[0]) != REFERENCE["synthetic"]["blocks_384x512"]["hex"]


def test_input_is_not_changed_and_layout_does_not_matter():
    a = ref.SYNTHETIC["pattern_240x320"]()
    before = a.copy()
    bits, quality = _pdq.compute(a)
    assert np.array_equal(a, before)
    strided = np.asfortranarray(a)  # another memory layout, same pixels
    assert np.array_equal(_pdq.compute(strided)[0], bits)
    rgba = np.concatenate([a, np.full(a.shape[:2] + (1,), 9, np.uint8)], axis=-1)
    assert np.array_equal(_pdq.compute(rgba)[0], bits)  # a fourth channel is ignored


def test_hashing_pdq_uses_it():
    from PIL import Image

    a = ref.SYNTHETIC["pattern_240x320"]()
    h = hashing.pdq(Image.fromarray(a))
    assert h.hex() == REFERENCE["synthetic"]["pattern_240x320"]["hex"]
    assert h.quality == REFERENCE["synthetic"]["pattern_240x320"]["quality"]


def test_bad_arrays_are_refused():
    with pytest.raises(ValueError):
        _pdq.compute(np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError):
        _pdq.compute(np.zeros((10, 10, 2), np.uint8))


def test_it_needs_no_compiled_package():
    code = ("import sys, numpy as np; from safetylab import _pdq, hashing; "
            "_pdq.compute(np.zeros((64, 64, 3), np.uint8)); "
            "print(sorted(m for m in ('pdqhash', 'cv2', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
