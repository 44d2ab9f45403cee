"""A deterministic 12-megapixel "phone photo" for the benchmarks.

:func:`make_12mp_jpeg` writes a 4032 x 3024 RGB JPEG (quality 92) whose picture
has realistic detail -- smooth gradients, a fixed-seed multi-scale noise texture
and some hard-edged shapes -- so that its size (a few MB) and decode cost are
like a real photo's, and whose EXIF is what a phone writes: make, model,
software, capture time with UTC offset, GPS position and altitude, a body serial
number, the owner's name, and a 160 x 120 JPEG thumbnail in IFD1.

It is generated at run time into a temporary folder: no big file is committed.
The same code always produces the same bytes (for a given Pillow/libjpeg).
"""

from __future__ import annotations

import io
import os
from fractions import Fraction

import numpy as np
import piexif
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 4032, 3024
QUALITY = 92
THUMB_SIZE = (160, 120)
SEED = 20240601
#: Texture layers: (grid cells, standard deviation in grey levels), coarse to fine.
FEATURES = (((12, 16), 18.0), ((60, 80), 10.0), ((300, 400), 10.0), ((1008, 1344), 12.0))
#: Per-pixel grain (standard deviation in grey levels).
GRAIN = 5.0

# What the EXIF says (an imaginary phone owner; the position is the Eiffel Tower).
EXIF_FACTS = {
    "make": "Apple",
    "model": "iPhone 13",
    "software": "17.5",
    "artist": "Jane Doe",
    "serial": "F17XK2ABCDEF",
    "taken_at": "2024:06:01 14:03:22",
    "offset": "+02:00",
    "lat": 48.858370,
    "lon": 2.294481,
    "alt": 35.0,
}


def _smooth_noise(rng: np.random.Generator, cells: tuple[int, int], size: tuple[int, int]) -> np.ndarray:
    """Smooth noise with unit standard deviation: a small random grid upscaled (bicubic)."""
    grid = rng.standard_normal(cells).astype(np.float32)
    im = Image.fromarray(grid, mode="F").resize(size, Image.Resampling.BICUBIC)
    arr = np.asarray(im, dtype=np.float32)
    return arr / (arr.std() + 1e-6)


def _picture() -> Image.Image:
    rng = np.random.default_rng(SEED)
    w, h = WIDTH, HEIGHT
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    x = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]

    # Sky-to-ground gradients, a different one per channel.
    base = np.empty((h, w, 3), dtype=np.float32)
    base[..., 0] = 60 + 110 * y + 30 * x
    base[..., 1] = 100 + 50 * y - 20 * x
    base[..., 2] = 190 - 120 * y + 10 * x
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    del base

    # Hard-edged shapes: buildings with windows, rings, a sun, a road sign, a crossing.
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        bx = int(rng.integers(0, w - 300))
        bw = int(rng.integers(120, 480))
        top = int(rng.integers(int(h * 0.25), int(h * 0.7)))
        colour = tuple(int(c) for c in rng.integers(50, 200, size=3))
        draw.rectangle([bx, top, bx + bw, h], fill=colour)
        shade = tuple(max(0, c - 50) for c in colour)
        for wy in range(top + 30, h - 40, 90):
            for wx in range(bx + 20, bx + bw - 40, 70):
                if rng.random() < 0.7:
                    draw.rectangle([wx, wy, wx + 36, wy + 50], fill=shade)
    for _ in range(25):
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(20, 160))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=colour, width=int(rng.integers(3, 14)))
    draw.ellipse([3300, 250, 3600, 550], fill=(235, 220, 160))
    draw.rectangle([600, 1900, 1300, 2060], fill=(20, 90, 40), outline=(230, 230, 230), width=10)
    for i in range(8):  # the stripes of a crossing
        draw.polygon([(1200 + i * 260, h), (1330 + i * 260, h), (1500 + i * 200, 2500), (1420 + i * 200, 2500)],
                     fill=(220, 220, 220))

    # Texture over everything (surfaces are never flat in a photo): large blobs,
    # medium structure, fine detail, then per-pixel sensor grain.
    arr = np.asarray(img, dtype=np.float32).copy()
    for cells, amp in FEATURES:
        n = _smooth_noise(rng, cells, (w, h))
        tint = rng.uniform(0.6, 1.0, size=3).astype(np.float32)
        arr += (amp * n)[..., None] * tint
    arr += rng.normal(0.0, GRAIN, size=(h, w, 1)).astype(np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def _dms(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    value = abs(value)
    deg = int(value)
    minutes_f = (value - deg) * 60
    minutes = int(minutes_f)
    seconds = Fraction((minutes_f - minutes) * 60).limit_denominator(10000)
    return ((deg, 1), (minutes, 1), (seconds.numerator, seconds.denominator))


def _exif_bytes(thumbnail_jpeg: bytes) -> bytes:
    f = EXIF_FACTS
    zeroth = {
        piexif.ImageIFD.Make: f["make"],
        piexif.ImageIFD.Model: f["model"],
        piexif.ImageIFD.Software: f["software"],
        piexif.ImageIFD.Artist: f["artist"],
        piexif.ImageIFD.Orientation: 1,
        piexif.ImageIFD.DateTime: f["taken_at"],
        piexif.ImageIFD.XResolution: (72, 1),
        piexif.ImageIFD.YResolution: (72, 1),
        piexif.ImageIFD.ResolutionUnit: 2,
    }
    exif = {
        piexif.ExifIFD.DateTimeOriginal: f["taken_at"],
        piexif.ExifIFD.DateTimeDigitized: f["taken_at"],
        piexif.ExifIFD.OffsetTimeOriginal: f["offset"],
        piexif.ExifIFD.OffsetTime: f["offset"],
        piexif.ExifIFD.BodySerialNumber: f["serial"],
        piexif.ExifIFD.LensMake: f["make"],
        piexif.ExifIFD.LensModel: "iPhone 13 back dual wide camera 5.1mm f/1.6",
        piexif.ExifIFD.PixelXDimension: WIDTH,
        piexif.ExifIFD.PixelYDimension: HEIGHT,
        piexif.ExifIFD.ExposureTime: (1, 120),
        piexif.ExifIFD.FNumber: (8, 5),
        piexif.ExifIFD.ISOSpeedRatings: 50,
        piexif.ExifIFD.FocalLength: (51, 10),
    }
    gps = {
        piexif.GPSIFD.GPSVersionID: (2, 2, 0, 0),
        piexif.GPSIFD.GPSLatitudeRef: "N" if f["lat"] >= 0 else "S",
        piexif.GPSIFD.GPSLatitude: _dms(f["lat"]),
        piexif.GPSIFD.GPSLongitudeRef: "E" if f["lon"] >= 0 else "W",
        piexif.GPSIFD.GPSLongitude: _dms(f["lon"]),
        piexif.GPSIFD.GPSAltitudeRef: 0,
        piexif.GPSIFD.GPSAltitude: (int(f["alt"] * 100), 100),
        piexif.GPSIFD.GPSTimeStamp: ((12, 1), (3, 1), (22, 1)),
        piexif.GPSIFD.GPSDateStamp: "2024:06:01",
    }
    first = {  # piexif fills in JPEGInterchangeFormat(Length) for the thumbnail
        piexif.ImageIFD.Compression: 6,
        piexif.ImageIFD.XResolution: (72, 1),
        piexif.ImageIFD.YResolution: (72, 1),
        piexif.ImageIFD.ResolutionUnit: 2,
    }
    return piexif.dump({"0th": zeroth, "Exif": exif, "GPS": gps, "1st": first,
                        "thumbnail": thumbnail_jpeg})


def make_12mp_jpeg(path: str | os.PathLike) -> str:
    """Write the 4032 x 3024 test photo (JPEG q92 with phone-like EXIF) to ``path``; return the path."""
    img = _picture()
    thumb = img.resize(THUMB_SIZE, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=80)
    exif = _exif_bytes(buf.getvalue())
    img.save(path, "JPEG", quality=QUALITY, exif=exif)
    return os.fspath(path)


if __name__ == "__main__":  # python benchmarks/photo12mp.py OUT.jpg
    import sys
    import time

    out = sys.argv[1] if len(sys.argv) > 1 else "photo12mp.jpg"
    t = time.perf_counter()
    make_12mp_jpeg(out)
    print(f"{out}: {os.path.getsize(out) / 1e6:.2f} MB in {time.perf_counter() - t:.1f} s")
