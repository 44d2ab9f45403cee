"""The pictures and reference hashes that check safetylab's PDQ bit for bit.

``tests/data/pdq_reference.json`` holds, for every picture below, the 256 bits
(as hex, bit 255 first) and the quality that the real ``pdqhash`` package (the
Python binding of Meta's reference C++ code) computed. ``tests/test_pdq.py``
checks that :func:`safetylab._pdq.compute` gives exactly the same.

The pictures are made without any random generator or image library whose
output could change between versions: integer formulas, SHAKE-256 bytes and
whole-pixel enlargements; plus the corpus PNG and TIFF files (lossless, so every
decoder reads the same pixels).

To remake the JSON (only when adding pictures: the reference never changes),
on a machine with a C++ compiler::

    .venv/bin/pip install pdqhash==0.2.8
    .venv/bin/python tests/pdq_reference.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "data" / "pdq_reference.json"
TESTDATA = HERE.parent.parent / "shared" / "testdata"
#: Lossless corpus files (read with Pillow, converted to RGB, hashed at full size).
CORPUS_GLOBS = ("png_text/*.png", "tiff/*.tif", "tiff/*.tiff")


def _bytes(seed: str, n: int) -> np.ndarray:
    return np.frombuffer(hashlib.shake_256(seed.encode()).digest(n), dtype=np.uint8)


def noise(h: int, w: int, seed: str = "noise") -> np.ndarray:
    """Every pixel independent (no structure: the hardest case for sums)."""
    return _bytes(f"{seed}{h}x{w}", h * w * 3).reshape(h, w, 3).copy()


def blocks(h: int, w: int, cell: int = 16, seed: str = "blocks") -> np.ndarray:
    """Coarse noise enlarged by whole pixels: big flat blocks, sharp edges."""
    small = _bytes(f"{seed}{h}x{w}", (h // cell + 1) * (w // cell + 1) * 3)
    small = small.reshape(h // cell + 1, w // cell + 1, 3)
    return np.repeat(np.repeat(small, cell, axis=0), cell, axis=1)[:h, :w].copy()


def pattern(h: int, w: int) -> np.ndarray:
    """Gradients and stripes from integer formulas (smooth regions and repeats)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    r = (x * 255) // max(1, w - 1)
    g = (y * 255) // max(1, h - 1)
    b = ((x // 7 + y // 5) % 2) * 200 + (x * y) % 55
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def flat(h: int, w: int, value: int = 77) -> np.ndarray:
    """One grey: every coefficient ties, the median rule decides."""
    return np.full((h, w, 3), value, np.uint8)


#: name -> how to make it. Sizes cover the 64 x 64 short cut, pictures too small to
#: hash, thin strips, odd sizes, both orientations and a large picture.
SYNTHETIC: dict[str, Callable[[], np.ndarray]] = {
    "noise_64x64": lambda: noise(64, 64),
    "noise_65x64": lambda: noise(65, 64),
    "noise_63x64": lambda: noise(63, 64),
    "noise_100x77": lambda: noise(100, 77),
    "noise_512x384": lambda: noise(512, 384),
    "noise_999x701": lambda: noise(999, 701),
    "noise_5x5": lambda: noise(5, 5),
    "noise_4x100": lambda: noise(4, 100),
    "noise_1x1": lambda: noise(1, 1),
    "blocks_384x512": lambda: blocks(384, 512),
    "blocks_300x5": lambda: blocks(300, 5, cell=3),
    "blocks_5x300": lambda: blocks(5, 300, cell=3),
    "blocks_128x128": lambda: blocks(128, 128, cell=8),
    "blocks_1200x900": lambda: blocks(1200, 900, cell=40),
    "pattern_64x64": lambda: pattern(64, 64),
    "pattern_240x320": lambda: pattern(240, 320),
    "pattern_127x129": lambda: pattern(127, 129),
    "flat_64x64": lambda: flat(64, 64),
    "flat_200x150": lambda: flat(200, 150),
    "flat_black_90x90": lambda: flat(90, 90, 0),
}


def corpus_files() -> list[Path]:
    """The lossless corpus pictures (empty when ../shared/testdata is not there)."""
    files: list[Path] = []
    for pattern_ in CORPUS_GLOBS:
        files += sorted(TESTDATA.glob(pattern_))
    return files


def corpus_rgb(path: Path) -> np.ndarray | None:
    """A corpus picture as an RGB array, or None when Pillow cannot decode it whole."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            im.load()
            return np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8))
    except Exception:
        return None


def load() -> dict:
    """The stored reference: ``{"synthetic": {name: {...}}, "corpus": {relpath: {...}}}``."""
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def bits_hex(bits) -> str:
    """256 bits, bit 255 first (pdqhash's order), as 64 hex digits."""
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def _main() -> None:  # pragma: no cover - run by hand, with the real pdqhash
    import pdqhash

    def ref(rgb: np.ndarray) -> dict:
        vector, quality = pdqhash.compute(np.ascontiguousarray(rgb))
        return {"shape": list(rgb.shape[:2]), "hex": bits_hex(vector), "quality": int(quality)}

    out = {
        "made_with": f"pdqhash {getattr(pdqhash, '__version__', '0.2.8')} (Meta's reference C++ PDQ), "
                     "built from source on Linux x86_64",
        "synthetic": {name: ref(make()) for name, make in SYNTHETIC.items()},
        "corpus": {},
    }
    for path in corpus_files():
        rgb = corpus_rgb(path)
        if rgb is not None:
            out["corpus"][path.relative_to(TESTDATA).as_posix()] = ref(rgb)
    REFERENCE.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(out['synthetic'])} synthetic and {len(out['corpus'])} corpus hashes to {REFERENCE}")


if __name__ == "__main__":  # pragma: no cover
    _main()
