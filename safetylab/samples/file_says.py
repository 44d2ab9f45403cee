"""The samples of lesson 03, "What your photo file says".

Eight pictures, each drawn by code (a tower on the Champ de Mars, a front door,
a cafe table, a phone screenshot, a park bench, a harbour, a statue at sunset,
rolling hills), each carrying metadata written on purpose: EXIF with GPS, serial
numbers and an owner; a thumbnail that still shows what was cropped out; XMP and
IPTC naming people and places; PNG text notes; HEIC and WebP files; a photo
stored sideways; and one clean control.

What this does *not* cover: every way real cameras write metadata; the test
corpus holds real files.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from .. import draw
from ..formats import iptc, jpeg_segments
from . import writers
from .registry import LANDMARKS, Landmark, Sample, builder

__all__ = ["LESSON", "samples", "make_landmark_gps", "make_cropped_thumbnail", "make_xmp_iptc",
           "make_screenshot_text", "make_phone_photo", "make_rotated", "make_webp_with_exif",
           "make_clean"]

#: The folder of the lesson "What your photo file says".
LESSON = "03_what_your_file_says"


def _scene_champ_de_mars(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    img = draw.vgradient(w, h, [(0.0, (72, 128, 196)), (0.55, (150, 190, 228)), (0.74, (248, 218, 176))])
    draw.glow(img, 0.80, 0.22, 0.05, (255, 240, 200), 0.03)
    draw.clouds(img, rng, 4, (0.10, 0.35))
    pen = draw.Pen(img)
    x = 0.0
    while x < 1.0:  # distant city blocks on the horizon
        bw, bh = rng.uniform(0.02, 0.06), rng.uniform(0.02, 0.07)
        pen.rect(x, 0.74 - bh, x + bw, 0.76, fill=(140, 146, 168))
        x += bw
    draw.draw_eiffel(img, 0.42, 0.07, 0.78, 0.17)
    draw.paste_gradient(img, pen.box(0, 0.76, 1, 1), [(0, (104, 160, 80)), (1, (58, 118, 52))])
    pen.poly([(0.36, 0.78), (0.48, 0.78), (0.80, 1.0), (0.05, 1.0)], fill=(214, 196, 160))  # gravel path
    for tx in (0.08, 0.16, 0.24, 0.62, 0.70, 0.78, 0.88):
        draw.draw_tree(pen, tx, 0.80, 0.06, rng=rng)
    # A park sign: the kind of clue that gives a place away even without GPS.
    pen.rect(0.855, 0.80, 0.862, 0.94, fill=(60, 60, 60))
    pen.rect(0.77, 0.76, 0.95, 0.83, fill=(28, 82, 60), outline=(240, 240, 230), width=0.004, radius=0.006)
    pen.text(0.86, 0.795, "Champ de Mars", 0.034, fill=(245, 245, 235))
    return img


def _scene_front_door(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """The wide scene whose crop is a flower pot: door, house number and street plate."""
    img = Image.new("RGB", (w, h), (172, 88, 66))
    pen = draw.Pen(img)
    # Brick courses.
    row = 0
    y = 0.0
    while y < 0.86:
        pen.line([(0, y), (1, y)], fill=(214, 196, 178), width=0.003)
        off = 0.03 if row % 2 else 0.0
        x = off
        while x < 1.0:
            pen.line([(x, y), (x, y + 0.03)], fill=(214, 196, 178), width=0.003)
            shade = int(rng.integers(-10, 11))
            pen.rect(x + 0.002, y + 0.003, x + 0.058, y + 0.028, fill=(172 + shade, 88 + shade // 2, 66))
            x += 0.06
        y += 0.03
        row += 1
    # Street name plate high on the wall.
    pen.rect(0.05, 0.06, 0.43, 0.17, fill=(248, 248, 244), outline=(20, 20, 20), width=0.008, radius=0.01)
    pen.text(0.24, 0.115, "MAPLE AVENUE", 0.062, fill=(20, 20, 20))
    # The front door.
    pen.rect(0.115, 0.245, 0.305, 0.86, fill=(236, 232, 222))
    pen.rect(0.13, 0.26, 0.29, 0.86, fill=(30, 62, 122))
    for (a, b, c, d) in ((0.145, 0.29, 0.205, 0.52), (0.215, 0.29, 0.275, 0.52),
                         (0.145, 0.56, 0.205, 0.82), (0.215, 0.56, 0.275, 0.82)):
        pen.rect(a, b, c, d, fill=(38, 74, 140), outline=(22, 48, 98), width=0.004)
    pen.circle(0.272, 0.55, 0.011, fill=(212, 176, 80))
    pen.rect(0.19, 0.40, 0.23, 0.415, fill=(212, 176, 80))  # letter box
    # The house number: big and readable, even in a small thumbnail.
    pen.ellipse(0.33, 0.28, 0.47, 0.46, fill=(248, 248, 244), outline=(30, 62, 122), width=0.012)
    pen.text(0.40, 0.372, "27", 0.13, fill=(30, 62, 122))
    # A window with curtains.
    pen.rect(0.57, 0.16, 0.91, 0.56, fill=(240, 238, 230))
    pen.rect(0.59, 0.18, 0.89, 0.54, fill=(150, 188, 214))
    pen.poly([(0.59, 0.18), (0.66, 0.18), (0.63, 0.54), (0.59, 0.54)], fill=(196, 84, 84))
    pen.poly([(0.89, 0.18), (0.82, 0.18), (0.85, 0.54), (0.89, 0.54)], fill=(196, 84, 84))
    pen.line([(0.74, 0.18), (0.74, 0.54)], fill=(240, 238, 230), width=0.01)
    pen.poly([(0.68, 0.22), (0.72, 0.22), (0.66, 0.34), (0.64, 0.34)], fill=(190, 218, 236))
    pen.rect(0.56, 0.555, 0.92, 0.58, fill=(226, 222, 212))
    # Pavement and door step.
    draw.paste_gradient(img, pen.box(0, 0.86, 1, 1), [(0, (170, 170, 166)), (1, (140, 140, 138))])
    for x in np.arange(0.0, 1.0, 0.125):
        pen.line([(x, 0.86), (x - 0.04, 1.0)], fill=(120, 120, 118), width=0.003)
    pen.rect(0.10, 0.86, 0.32, 0.89, fill=(200, 198, 190))
    # The flower pot (what the cropped picture keeps).
    pcx = 0.745
    pen.poly([(pcx - 0.085, 0.76), (pcx + 0.085, 0.76), (pcx + 0.06, 0.93), (pcx - 0.06, 0.93)], fill=(196, 104, 60))
    pen.rect(pcx - 0.095, 0.74, pcx + 0.095, 0.775, fill=(178, 92, 52))
    for _ in range(22):
        lx, ly = pcx + rng.uniform(-0.09, 0.09), rng.uniform(0.58, 0.74)
        pen.ellipse(lx - 0.018, ly - 0.03, lx + 0.018, ly + 0.03, fill=(58, 126, 58))
    for _ in range(11):
        fx, fy = pcx + rng.uniform(-0.08, 0.08), rng.uniform(0.59, 0.70)
        petal = (230, 70, 96) if rng.uniform() < 0.6 else (244, 200, 60)
        for k in range(5):
            a = 2 * np.pi * k / 5
            pen.circle(fx + 0.012 * np.cos(a) * h / w, fy + 0.012 * np.sin(a), 0.011, fill=petal)
        pen.circle(fx, fy, 0.007, fill=(250, 230, 140))
    return img


def _scene_cafe(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    img = draw.vgradient(w, h, [(0.0, (232, 214, 188)), (0.6, (210, 186, 156))])
    pen = draw.Pen(img)
    # Window with the tower outside: a location clue inside the picture.
    pen.rect(0.04, 0.06, 0.42, 0.52, fill=(248, 246, 240))
    ww, wh = int(0.34 * w), int(0.42 * h)
    view = draw.vgradient(ww, wh, [(0.0, (110, 160, 214)), (1.0, (210, 226, 240))])
    draw.draw_eiffel(view, 0.62, 0.12, 0.95, 0.22)
    vp = draw.Pen(view)
    vp.rect(0, 0.92, 1, 1, fill=(120, 150, 110))
    img.paste(view, (int(0.06 * w), int(0.08 * h)))
    pen.line([(0.23, 0.08), (0.23, 0.50)], fill=(248, 246, 240), width=0.012)
    pen.line([(0.06, 0.29), (0.40, 0.29)], fill=(248, 246, 240), width=0.012)
    # A person across the table: a plain silhouette, no face drawn.
    pen.ellipse(0.58, 0.34, 0.90, 0.78, fill=(54, 110, 124))          # shoulders and body
    pen.rect(0.715, 0.28, 0.765, 0.38, fill=(196, 156, 128))          # neck
    pen.ellipse(0.685, 0.13, 0.795, 0.33, fill=(204, 164, 136))       # head
    pen.ellipse(0.678, 0.11, 0.802, 0.22, fill=(70, 50, 40))          # hair
    # The table, in perspective, with wood grain.
    pen.poly([(0.0, 0.60), (1.0, 0.60), (1.0, 1.0), (0.0, 1.0)], fill=(150, 100, 62))
    for _ in range(26):
        y = rng.uniform(0.61, 0.99)
        amp, ph = rng.uniform(0.002, 0.006), rng.uniform(0, 6.28)
        xs = np.linspace(0, 1, 40)
        pen.line([(x, y + amp * np.sin(9 * x + ph)) for x in xs], fill=(128, 84, 50), width=0.002)
    pen.rect(0.0, 0.595, 1.0, 0.61, fill=(120, 78, 46))
    # Cup on its saucer, with steam.
    pen.ellipse(0.28, 0.80, 0.56, 0.90, fill=(246, 246, 242), outline=(200, 200, 196), width=0.003)
    pen.poly([(0.33, 0.70), (0.51, 0.70), (0.49, 0.84), (0.35, 0.84)], fill=(250, 250, 246))
    pen.ellipse(0.35, 0.81, 0.49, 0.87, fill=(250, 250, 246))
    pen.ellipse(0.33, 0.675, 0.51, 0.725, fill=(236, 236, 230))
    pen.ellipse(0.345, 0.683, 0.495, 0.718, fill=(110, 66, 38))
    pen.ellipse(0.49, 0.725, 0.56, 0.80, fill=None, outline=(250, 250, 246), width=0.014)
    for sx in (0.39, 0.42, 0.45):
        pen.line([(sx + 0.012 * np.sin(6 * t), 0.66 - 0.14 * t) for t in np.linspace(0, 1, 20)],
                 fill=(236, 232, 226), width=0.004)
    # A menu card: the cafe's name, readable.
    pen.poly([(0.64, 0.86), (0.88, 0.86), (0.86, 0.63), (0.66, 0.63)], fill=(252, 250, 244))
    pen.text(0.76, 0.68, "Cafe du Parc", 0.036, fill=(110, 40, 36))
    pen.text(0.76, 0.735, "Espresso  2,50", 0.026, fill=(60, 60, 60))
    pen.text(0.76, 0.775, "Croissant  1,80", 0.026, fill=(60, 60, 60))
    pen.text(0.76, 0.815, "Avenue de Suffren", 0.022, fill=(110, 110, 110))
    return img


def _scene_harbour(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """Opera house shells and an arch bridge over the harbour (portrait or landscape)."""
    img = draw.vgradient(w, h, [(0.0, (60, 118, 198)), (0.55, (170, 206, 236)), (0.62, (206, 222, 236))])
    draw.clouds(img, rng, 3, (0.30, 0.48))
    pen = draw.Pen(img)
    draw.paste_gradient(img, pen.box(0, 0.62, 1, 1), [(0, (70, 124, 168)), (1, (28, 70, 110))])
    draw.draw_bridge(img, 0.02, 0.40, 0.60, 0.47)
    draw.draw_opera(img, 0.30, 0.45, 0.95, 0.66)
    for _ in range(60):  # ripples
        x, y = rng.uniform(0, 1), rng.uniform(0.68, 0.99)
        lw = rng.uniform(0.02, 0.08)
        pen.line([(x, y), (x + lw, y)], fill=(120, 170, 206), width=0.002)
    return img


def _scene_corcovado_bench(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    img = draw.vgradient(w, h, [(0.0, (84, 150, 214)), (0.5, (186, 220, 240))])
    draw.clouds(img, rng, 3, (0.08, 0.22))
    pen = draw.Pen(img)
    pen.poly([(0.0, 0.52), (0.10, 0.40), (0.20, 0.36), (0.28, 0.44), (0.35, 0.52)], fill=(120, 150, 150))
    pen.poly([(0.25, 0.56), (0.50, 0.34), (0.64, 0.22), (0.70, 0.205), (0.76, 0.23), (0.90, 0.36),
              (1.0, 0.44), (1.0, 0.58)], fill=(58, 104, 74))
    # The statue on the summit: a small pale cross shape.
    pen.rect(0.695, 0.150, 0.705, 0.207, fill=(236, 236, 228))
    pen.rect(0.682, 0.162, 0.718, 0.168, fill=(236, 236, 228))
    pen.circle(0.70, 0.146, 0.005, fill=(236, 236, 228))
    draw.paste_gradient(img, pen.box(0, 0.56, 1, 1), [(0, (112, 170, 84)), (1, (70, 132, 60))])
    pen.poly([(0.52, 0.56), (0.60, 0.56), (0.95, 1.0), (0.55, 1.0)], fill=(206, 188, 152))  # path
    draw.draw_tree(pen, 0.14, 0.70, 0.13, rng=rng)
    draw.draw_tree(pen, 0.90, 0.64, 0.08, rng=rng)
    # Lamp post.
    pen.rect(0.795, 0.42, 0.803, 0.80, fill=(40, 44, 48))
    pen.rect(0.785, 0.40, 0.813, 0.43, fill=(40, 44, 48))
    pen.rect(0.789, 0.43, 0.809, 0.445, fill=(250, 236, 180))
    # The bench.
    wood, iron = (150, 96, 56), (36, 38, 40)
    for y in (0.60, 0.635, 0.67):
        pen.rect(0.24, y, 0.56, y + 0.024, fill=wood, radius=0.004)
    for y in (0.73, 0.755):
        pen.rect(0.22, y, 0.58, y + 0.02, fill=(164, 108, 64), radius=0.004)
    for x in (0.25, 0.54):
        pen.rect(x, 0.59, x + 0.015, 0.86, fill=iron)
        pen.rect(x - 0.01, 0.715, x + 0.03, 0.725, fill=iron)
    return img


def _scene_liberty(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    img = draw.vgradient(w, h, [(0.0, (64, 60, 120)), (0.35, (196, 112, 120)), (0.66, (250, 190, 120))])
    draw.glow(img, 0.22, 0.58, 0.05, (255, 226, 160), 0.02)
    pen = draw.Pen(img)
    x = 0.66
    while x < 1.0:  # a skyline far away on the right
        bw, bh = rng.uniform(0.012, 0.03), rng.uniform(0.03, 0.12)
        pen.rect(x, 0.66 - bh, x + bw, 0.67, fill=(120, 90, 120))
        x += bw + 0.003
    draw.paste_gradient(img, pen.box(0, 0.66, 1, 1), [(0, (220, 150, 120)), (1, (60, 70, 110))])
    pen.ellipse(0.22, 0.66, 0.78, 0.76, fill=(64, 90, 64))  # the island
    draw.draw_liberty(img, 0.50, 0.70, 0.62)
    for tx in (0.30, 0.36, 0.64, 0.70):
        draw.draw_tree(pen, tx, 0.705, 0.025, leaf=(50, 90, 56), rng=rng)
    # A ferry with its name on the side.
    pen.poly([(0.06, 0.84), (0.34, 0.84), (0.31, 0.89), (0.09, 0.89)], fill=(240, 240, 236))
    pen.rect(0.12, 0.80, 0.28, 0.84, fill=(230, 230, 226))
    pen.text(0.20, 0.865, "HARBOR FERRY", 0.022, fill=(40, 60, 120))
    for _ in range(50):
        x, y = rng.uniform(0, 1), rng.uniform(0.78, 0.99)
        pen.line([(x, y), (x + rng.uniform(0.02, 0.06), y)], fill=(240, 170, 130), width=0.002)
    return img


def _scene_hills(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    img = draw.vgradient(w, h, [(0.0, (96, 156, 216)), (0.5, (200, 224, 240))])
    draw.clouds(img, rng, 5, (0.08, 0.30))
    pen = draw.Pen(img)
    xs = np.linspace(0, 1, 80)
    for base, amp, colour in ((0.50, 0.06, (120, 160, 140)), (0.60, 0.05, (96, 150, 90)), (0.72, 0.04, (80, 136, 70))):
        ph = rng.uniform(0, 6.28)
        pts = [(x, base - amp * np.sin(3 * x + ph) - amp * 0.5 * np.sin(7 * x + 2 * ph)) for x in xs]
        pen.poly(pts + [(1, 1), (0, 1)], fill=colour)
    pen.ellipse(0.10, 0.80, 0.60, 0.93, fill=(96, 150, 196))  # a pond
    draw.draw_tree(pen, 0.78, 0.86, 0.12, rng=rng)
    return img


def _scene_screenshot(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """A phone screenshot of a photo's info panel: the screen itself says where."""
    img = Image.new("RGB", (w, h), (244, 244, 248))
    pen = draw.Pen(img)
    pen.text(0.08, 0.022, "14:03", 0.020, fill=(20, 20, 20), anchor="lm")
    pen.rect(0.84, 0.014, 0.92, 0.030, fill=None, outline=(20, 20, 20), width=0.0015, radius=0.003)
    pen.rect(0.846, 0.018, 0.90, 0.026, fill=(20, 20, 20))
    pen.text(0.06, 0.065, "< Photos", 0.022, fill=(30, 110, 220), anchor="lm")
    pen.text(0.5, 0.065, "Info", 0.024, fill=(20, 20, 20))
    photo = _scene_harbour(w, int(0.36 * h), rng)
    img.paste(photo, (0, int(0.09 * h)))
    pen.rect(0.04, 0.47, 0.96, 0.97, fill=(255, 255, 255), radius=0.015)
    lines = [("Saturday 15 June 2024 at 14:03", 0.024, (20, 20, 20)),
             ("Sydney Opera House", 0.028, (20, 20, 20)),
             ("Bennelong Point, Sydney NSW 2000", 0.020, (90, 90, 96)),
             ("Pixelwave PW-12  -  12 MP  -  f/1.8", 0.018, (90, 90, 96))]
    y = 0.50
    for s, size, colour in lines:
        pen.text(0.08, y, s, size, fill=colour, anchor="lm")
        y += 0.045
    # A small map with a pin.
    pen.rect(0.08, 0.70, 0.92, 0.94, fill=(226, 236, 214), radius=0.01)
    pen.poly([(0.08, 0.70), (0.60, 0.70), (0.40, 0.80), (0.55, 0.94), (0.08, 0.94)], fill=(150, 196, 228))
    pen.line([(0.60, 0.72), (0.90, 0.90)], fill=(250, 250, 250), width=0.006)
    pen.circle(0.52, 0.80, 0.016, fill=(220, 50, 50))
    pen.circle(0.52, 0.80, 0.006, fill=(255, 255, 255))
    return img


# --------------------------------------------------------------------------- #
# Builders
# --------------------------------------------------------------------------- #

_PW = {"make": "Pixelwave", "model": "PW-12", "software": "PW-OS 5.2.1",
       "serial": "PW12-0042-7781", "lens_serial": "LS-556677",
       "lens_model": "PW-12 back camera 4.2mm f/1.8"}



_LANDMARK_WHEN = datetime(2024, 6, 1, 14, 3, 22, tzinfo=writers.tz(2))
_CROPPED_WHEN = datetime(2024, 7, 6, 9, 41, 5, tzinfo=writers.tz(-4))
_CAFE_WHEN = datetime(2024, 6, 2, 10, 15, 40, tzinfo=writers.tz(2))
_SCREENSHOT_WHEN = datetime(2024, 6, 15, 14, 3, 0, tzinfo=writers.tz(10))
_HEIC_WHEN = datetime(2024, 3, 9, 16, 20, 11, tzinfo=writers.tz(-3))
_ROTATED_WHEN = datetime(2024, 6, 15, 13, 58, 47, tzinfo=writers.tz(10))
_WEBP_WHEN = datetime(2024, 7, 6, 19, 52, 30, tzinfo=writers.tz(-4))


@builder
def make_landmark_gps(path: Path) -> None:
    """A tower on the Champ de Mars with full camera EXIF, GPS and a matching thumbnail."""
    img = draw.render(_scene_champ_de_mars, 1600, 1200, seed=301)
    exif = writers.exif_block(when=_LANDMARK_WHEN, landmark=LANDMARKS["Eiffel Tower"], owner="Alex Example",
                              size=img.size, thumbnail=writers.jpeg_thumbnail(img, (160, 120)), **_PW)
    writers.save_jpeg(img, path, exif=exif)


# The crop of the wide door scene that the cropped picture keeps (fractions).
_DOOR_CROP = (0.50, 1.0 / 3.0, 1.0, 1.0)


@builder
def make_cropped_thumbnail(path: Path) -> None:
    """A flower pot cropped out of a front-door scene; the thumbnail still shows the door."""
    wide = draw.render(_scene_front_door, 2400, 1800, seed=302)
    x0, y0, x1, y1 = _DOOR_CROP
    crop = wide.crop((int(x0 * 2400), int(y0 * 1800), int(x1 * 2400), int(y1 * 1800)))
    exif = writers.exif_block(when=_CROPPED_WHEN, landmark=LANDMARKS["Statue of Liberty"], owner="Sam Placeholder",
                              size=crop.size, thumbnail=writers.jpeg_thumbnail(wide, (320, 240)),
                              **{**_PW, "software": "QuickCrop Photo Editor 2.4"})
    writers.save_jpeg(crop, path, exif=exif)


def _xmp_cafe(lm: Landmark, width: int, height: int) -> bytes:
    when = _CAFE_WHEN.isoformat()
    return writers.xmp_packet(f"""    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
    xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#"
    xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
   xmp:CreatorTool="Pixelwave Photo Editor 3.1"
   xmp:CreateDate="{when}"
   photoshop:DateCreated="{when}"
   photoshop:City="{lm.city}"
   photoshop:State="{lm.region}"
   photoshop:Country="{lm.country}"
   Iptc4xmpCore:Location="{lm.sublocation}"
   Iptc4xmpCore:CountryCode="{lm.country_code}"
   exif:DateTimeOriginal="{when}"
   exif:GPSVersionID="2.3.0.0"
   exif:GPSLatitude="{writers.xmp_coord(lm.lat, "N", "S")}"
   exif:GPSLongitude="{writers.xmp_coord(lm.lon, "E", "W")}"
   exif:GPSAltitudeRef="0"
   exif:GPSAltitude="{int(lm.alt)}/1">
   <dc:creator>
    <rdf:Seq>
     <rdf:li>Sam Placeholder</rdf:li>
    </rdf:Seq>
   </dc:creator>
   <dc:description>
    <rdf:Alt>
     <rdf:li xml:lang="x-default">Coffee with Jordan before the tower</rdf:li>
    </rdf:Alt>
   </dc:description>
   <mwg-rs:Regions rdf:parseType="Resource">
    <mwg-rs:AppliedToDimensions stDim:w="{width}" stDim:h="{height}" stDim:unit="pixel"/>
    <mwg-rs:RegionList>
     <rdf:Bag>
      <rdf:li rdf:parseType="Resource">
       <mwg-rs:Name>Jordan Sample</mwg-rs:Name>
       <mwg-rs:Type>Face</mwg-rs:Type>
       <mwg-rs:Area stArea:x="0.74" stArea:y="0.22" stArea:w="0.11" stArea:h="0.22" stArea:unit="normalized"/>
      </rdf:li>
     </rdf:Bag>
    </mwg-rs:RegionList>
   </mwg-rs:Regions>""")


@builder
def make_xmp_iptc(path: Path) -> None:
    """A cafe table: no EXIF at all, but XMP (GPS, a named face region), IPTC and a comment."""
    img = draw.render(_scene_cafe, 1600, 1200, seed=303)
    lm = LANDMARKS["Eiffel Tower"]
    buf = io.BytesIO()
    writers.save_jpeg(img, buf, xmp=_xmp_cafe(lm, *img.size),
               comment=b"Table by the window, Cafe du Parc. Edited with Pixelwave Photo Editor 3.1")
    iptc_block = iptc.app13([
        (1, 90, b"\x1b%G"),                      # coded character set: UTF-8
        (2, 0, b"\x00\x04"),                     # record version
        (2, 55, _CAFE_WHEN.strftime("%Y%m%d").encode()),
        (2, 60, _CAFE_WHEN.strftime("%H%M%S%z").encode()),
        (2, 80, b"Sam Placeholder"),
        (2, 90, lm.city.encode()),
        (2, 92, lm.sublocation.encode()),
        (2, 95, lm.region.encode()),
        (2, 100, b"FRA"),
        (2, 101, lm.country.encode()),
        (2, 120, b"Coffee with Jordan before the tower"),
    ])
    data = jpeg_segments.insert_after_app(buf.getvalue(), jpeg_segments.app_segment(13, iptc_block))
    Path(path).write_bytes(data)


@builder
def make_screenshot_text(path: Path) -> None:
    """A phone screenshot (PNG) with text chunks, a tIME chunk and EXIF GPS in eXIf."""
    img = draw.render(_scene_screenshot, 750, 1334, seed=304, grain=0)
    info = PngInfo()
    info.add_text("Author", "Alex Example")
    info.add_text("Software", "PW-OS 5.2.1 Screenshot")
    info.add_text("Comment", "Screenshot of my harbour photo, to send to a new friend", zip=True)
    info.add_itxt("Description", "Harbour walk – Sydney Opera House, Saturday afternoon", lang="en", tkey="Description")
    info.add(b"tIME", writers.png_time(_SCREENSHOT_WHEN))
    exif = writers.exif_block(when=_SCREENSHOT_WHEN, landmark=LANDMARKS["Sydney Opera House"],
                              software="PW-OS 5.2.1", size=img.size, orientation=None)
    img.save(path, "PNG", pnginfo=info, exif=exif)


@builder
def make_phone_photo(path: Path) -> None:
    """A park bench below Corcovado, saved as HEIC like a phone does, with EXIF GPS."""
    import pillow_heif

    img = draw.render(_scene_corcovado_bench, 1280, 960, seed=305, grain=0.6)  # HEVC spends bits on grain
    exif = writers.exif_block(when=_HEIC_WHEN, landmark=LANDMARKS["Christ the Redeemer"], size=img.size,
                              **{**_PW, "serial": None, "lens_serial": None})
    heif = pillow_heif.from_pillow(img)
    buf = io.BytesIO()
    heif.save(buf, format="HEIF", quality=70, exif=exif, save_nclx_profile=False)
    Path(path).write_bytes(buf.getvalue())


@builder
def make_rotated(path: Path) -> None:
    """An upright harbour view stored sideways with EXIF Orientation 6, as phones do."""
    upright = draw.render(_scene_harbour, 1200, 1600, seed=306)
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # 6 = rotate 90 degrees clockwise to show
    exif = writers.exif_block(when=_ROTATED_WHEN, landmark=LANDMARKS["Sydney Opera House"], size=stored.size,
                              orientation=6, **_PW)
    writers.save_jpeg(stored, path, exif=exif)


def _xmp_simple(creator: str, lm: Landmark, when: datetime) -> bytes:
    return writers.xmp_packet(f"""    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
   photoshop:City="{lm.city}"
   photoshop:Country="{lm.country}"
   photoshop:DateCreated="{when.isoformat()}"
   exif:GPSLatitude="{writers.xmp_coord(lm.lat, "N", "S")}"
   exif:GPSLongitude="{writers.xmp_coord(lm.lon, "E", "W")}">
   <dc:creator>
    <rdf:Seq>
     <rdf:li>{creator}</rdf:li>
    </rdf:Seq>
   </dc:creator>""")


@builder
def make_webp_with_exif(path: Path) -> None:
    """A statue at sunset as WebP, carrying EXIF GPS and an XMP packet."""
    img = draw.render(_scene_liberty, 1600, 1200, seed=307)
    lm = LANDMARKS["Statue of Liberty"]
    exif = writers.exif_block(when=_WEBP_WHEN, landmark=lm, owner="Casey Testcase", size=img.size,
                              **{**_PW, "serial": None, "lens_serial": None, "software": "Pixelwave Share 1.0"})
    img.save(path, "WEBP", quality=82, method=4, exif=exif, xmp=_xmp_simple("Casey Testcase", lm, _WEBP_WHEN))


@builder
def make_clean(path: Path) -> None:
    """Rolling hills with no metadata at all: the control."""
    img = draw.render(_scene_hills, 1600, 1200, seed=308)
    writers.save_jpeg(img, path)



def samples() -> list[Sample]:
    """Every sample of this lesson, with its ground truth (nothing is drawn until a builder runs)."""
    out: list[Sample] = []
    L = LESSON
    eiffel, liberty = LANDMARKS["Eiffel Tower"], LANDMARKS["Statue of Liberty"]
    opera, redeemer = LANDMARKS["Sydney Opera House"], LANDMARKS["Christ the Redeemer"]

    def gps(lm: Landmark) -> dict[str, float]:
        return {"lat": lm.lat, "lon": lm.lon, "alt": lm.alt}

    out.append(Sample(
        "landmark_gps.jpg", L,
        "A holiday snap of a famous tower. The file also says exactly where and when it was "
        "taken, which camera took it (with its serial number) and who owns that camera.",
        make_landmark_gps, title="holiday photo of a tower", owner="Alex Example", landmark=eiffel.name,
        expected=dict(**gps(eiffel), taken_at=_LANDMARK_WHEN.isoformat(), make=_PW["make"],
                      model=_PW["model"], serial=_PW["serial"], lens_serial=_PW["lens_serial"],
                      software=_PW["software"], owner="Alex Example", thumbnail_present=True,
                      thumbnail_differs=False, thumbnail_size=[160, 120], orientation=1,
                      format="JPEG", width=1600, height=1200, blocks=["EXIF", "GPS"], people=[]),
    ))
    out.append(Sample(
        "cropped_thumbnail.jpg", L,
        "Only a flower pot... but the small preview picture hidden inside the file was never "
        "updated after cropping. It still shows the whole doorway: the house number and the "
        "street name.",
        make_cropped_thumbnail, title="flower pot, cropped", owner="Sam Placeholder", landmark=liberty.name,
        expected=dict(**gps(liberty), taken_at=_CROPPED_WHEN.isoformat(), make=_PW["make"],
                      model=_PW["model"], serial=_PW["serial"], lens_serial=_PW["lens_serial"],
                      software="QuickCrop Photo Editor 2.4", owner="Sam Placeholder",
                      thumbnail_present=True, thumbnail_differs=True, thumbnail_size=[320, 240],
                      orientation=1, format="JPEG", width=1200, height=1200,
                      blocks=["EXIF", "GPS"], people=[]),
    ))
    out.append(Sample(
        "xmp_iptc.jpg", L,
        "A coffee on a cafe table. There is no EXIF at all, yet the file names the person "
        "across the table, the photographer, the city and the exact position, in XMP and "
        "IPTC blocks and a comment.",
        make_xmp_iptc, title="coffee on a cafe table", owner="Sam Placeholder", landmark=eiffel.name,
        expected=dict(lat=eiffel.lat, lon=eiffel.lon, alt=eiffel.alt, taken_at=_CAFE_WHEN.isoformat(),
                      software="Pixelwave Photo Editor 3.1", owner="Sam Placeholder",
                      thumbnail_present=False, format="JPEG", width=1600, height=1200,
                      blocks=["XMP", "IPTC", "Comment"], people=["Jordan Sample"],
                      city=eiffel.city, country=eiffel.country),
    ))
    out.append(Sample(
        "screenshot_text.png", L,
        "A screenshot of a photo's info screen. The screen shows the place, and the PNG file "
        "adds its own text notes, a timestamp and a GPS position.",
        make_screenshot_text, title="screenshot of a photo's details", owner="Alex Example", landmark=opera.name,
        expected=dict(**gps(opera), taken_at=_SCREENSHOT_WHEN.isoformat(), software="PW-OS 5.2.1",
                      owner="Alex Example", thumbnail_present=False, format="PNG",
                      width=750, height=1334, blocks=["EXIF", "GPS", "Text"], people=[]),
    ))
    out.append(Sample(
        "phone_photo.heic", L,
        "A park bench, saved in the HEIC format many phones use. It carries GPS and the "
        "time just like a JPEG does.",
        make_phone_photo, title="park bench, phone photo", owner=None, landmark=redeemer.name,
        expected=dict(**gps(redeemer), taken_at=_HEIC_WHEN.isoformat(), make=_PW["make"],
                      model=_PW["model"], software=_PW["software"], thumbnail_present=False,
                      orientation=1, format="HEIF", width=1280, height=960,
                      blocks=["EXIF", "GPS"], people=[]),
    ))
    out.append(Sample(
        "rotated.jpg", L,
        "A harbour view held upright, stored sideways: the Orientation tag tells viewers to "
        "turn it. Tools that ignore it show it on its side.",
        make_rotated, title="harbour view, stored sideways", owner=None, landmark=opera.name,
        expected=dict(**gps(opera), taken_at=_ROTATED_WHEN.isoformat(), make=_PW["make"],
                      model=_PW["model"], serial=_PW["serial"], lens_serial=_PW["lens_serial"],
                      software=_PW["software"], thumbnail_present=False, orientation=6,
                      format="JPEG", width=1200, height=1600, blocks=["EXIF", "GPS"], people=[]),
    ))
    out.append(Sample(
        "webp_with_exif.webp", L,
        "A statue at sunset as a WebP image: newer formats carry EXIF and XMP too.",
        make_webp_with_exif, title="statue at sunset", owner="Casey Testcase", landmark=liberty.name,
        expected=dict(**gps(liberty), taken_at=_WEBP_WHEN.isoformat(), make=_PW["make"],
                      model=_PW["model"], software="Pixelwave Share 1.0", owner="Casey Testcase",
                      thumbnail_present=False, orientation=1, format="WEBP", width=1600,
                      height=1200, blocks=["EXIF", "GPS", "XMP"], people=[]),
    ))
    out.append(Sample(
        "clean.jpg", L,
        "Rolling hills with no metadata at all: compare it with the others.",
        make_clean, title="rolling hills, clean file", owner=None, landmark=None,
        expected=dict(thumbnail_present=False, format="JPEG", width=1600, height=1200,
                      blocks=[], people=[]),
    ))
    return out
