"""The drawing kit: everything safetylab's pictures are drawn with.

Scenes are drawn with Pillow and numpy in coordinates given as fractions of the
picture (:class:`Pen`), at twice the final size and then reduced, with a little
sensor grain (:func:`render`), so edges look photographic and the same code
gives the same pixels on every machine. The landmarks (a lattice tower, shell
roofs, an arch bridge, a statue with a torch) are stylised shapes, recognisable
without being photographs. Used by the lesson samples (:mod:`safetylab.samples`)
and by lesson 02's scenes (:mod:`safetylab.scenes`).

Examples
--------
>>> img = render(lambda w, h, rng: vgradient(w, h, [(0, (0, 0, 0)), (1, (255, 255, 255))]), 8, 6, seed=1)
>>> img.size, img.mode
((8, 6), 'RGB')

What this does *not* cover: realism. The pictures teach what a clue or a file
gives away; they are not meant to pass for photographs.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

__all__ = ["Pen", "font", "vgradient", "paste_gradient", "glow", "clouds", "render", "draw_eiffel",
           "draw_opera", "draw_bridge", "draw_liberty", "draw_tree"]


_SS = 2  # supersampling factor: scenes are drawn at twice the size, then reduced


def font(px: float) -> ImageFont.FreeTypeFont:
    # Pillow's bundled font (Aileron): the same glyphs on every machine.
    return ImageFont.load_default(size=max(6, int(round(px))))


class Pen:
    """Draw on an image with coordinates given as fractions of its width/height."""

    def __init__(self, img: Image.Image):
        self.img = img
        self.d = ImageDraw.Draw(img)
        self.w, self.h = img.size

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (x * self.w, y * self.h)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * self.w, y0 * self.h, x1 * self.w, y1 * self.h]

    def rect(self, x0, y0, x1, y1, fill, outline=None, width=0.0, radius=0.0):
        box = self.box(x0, y0, x1, y1)
        lw = int(round(width * self.h))
        if radius:
            self.d.rounded_rectangle(box, radius=radius * self.h, fill=fill, outline=outline, width=lw)
        else:
            self.d.rectangle(box, fill=fill, outline=outline, width=lw)

    def ellipse(self, x0, y0, x1, y1, fill, outline=None, width=0.0):
        self.d.ellipse(self.box(x0, y0, x1, y1), fill=fill, outline=outline,
                       width=int(round(width * self.h)))

    def circle(self, cx, cy, r, fill):
        """A circle of radius ``r`` (a fraction of the height)."""
        x, y = self.p(cx, cy)
        rr = r * self.h
        self.d.ellipse([x - rr, y - rr, x + rr, y + rr], fill=fill)

    def poly(self, pts, fill, outline=None):
        self.d.polygon([self.p(x, y) for x, y in pts], fill=fill, outline=outline)

    def line(self, pts, fill, width):
        self.d.line([self.p(x, y) for x, y in pts], fill=fill,
                    width=max(1, int(round(width * self.h))), joint="curve")

    def text(self, x, y, s, size, fill, anchor="mm"):
        self.d.text(self.p(x, y), s, font=font(size * self.h), fill=fill, anchor=anchor)


def vgradient(w: int, h: int, stops: list[tuple[float, tuple[int, int, int]]]) -> Image.Image:
    """A vertical gradient through colour ``stops`` (position 0..1 from the top)."""
    ys = (np.arange(h, dtype=np.float64) + 0.5) / h
    pos = np.array([s[0] for s in stops])
    cols = np.array([s[1] for s in stops], dtype=np.float64)
    column = np.stack([np.interp(ys, pos, cols[:, c]) for c in range(3)], axis=1)
    column = np.clip(np.rint(column), 0, 255).astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(np.broadcast_to(column[:, None, :], (h, w, 3))))


def paste_gradient(img: Image.Image, box: list[float], stops) -> None:
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    img.paste(vgradient(max(1, x1 - x0), max(1, y1 - y0), stops), (x0, y0))


def glow(img: Image.Image, cx: float, cy: float, r: float, colour, blur: float) -> None:
    """A soft disc (sun, lamp): drawn on a mask, blurred, blended in."""
    w, h = img.size
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).ellipse([cx * w - r * h, cy * h - r * h, cx * w + r * h, cy * h + r * h], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(blur * h))
    img.paste(Image.new("RGB", (w, h), colour), (0, 0), mask)


def clouds(img: Image.Image, rng: np.random.Generator, n: int, y_range, colour=(255, 255, 255), alpha=170):
    w, h = img.size
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    for _ in range(n):
        cx, cy = rng.uniform(0.05, 0.95), rng.uniform(*y_range)
        for _ in range(5):
            dx, dy = rng.uniform(-0.07, 0.07), rng.uniform(-0.015, 0.015)
            rx, ry = rng.uniform(0.04, 0.08), rng.uniform(0.02, 0.035)
            d.ellipse([(cx + dx - rx) * w, (cy + dy - ry) * h, (cx + dx + rx) * w, (cy + dy + ry) * h], fill=alpha)
    mask = mask.filter(ImageFilter.GaussianBlur(0.01 * h))
    img.paste(Image.new("RGB", (w, h), colour), (0, 0), mask)


def render(scene: Callable[[int, int, np.random.Generator], Image.Image], w: int, h: int,
            seed: int, grain: float = 2.0) -> Image.Image:
    """Draw ``scene`` at ``_SS`` times the size, reduce it, add a little sensor grain."""
    rng = np.random.default_rng(seed)
    big = scene(w * _SS, h * _SS, rng)
    img = big.resize((w, h), Image.Resampling.LANCZOS)
    if grain <= 0:
        return img
    arr = np.asarray(img, dtype=np.float32)
    arr = arr + rng.standard_normal(arr.shape[:2], dtype=np.float32)[..., None] * grain
    return Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8))


# --------------------------------------------------------------------------- #
# Landmarks and props, drawn in relative coordinates
# --------------------------------------------------------------------------- #

def draw_eiffel(img: Image.Image, cx: float, top: float, base: float, half: float,
                 colour=(74, 56, 48), lattice=(112, 88, 72)) -> None:
    """A stylised lattice tower standing on ``base``, ``half`` its half-width at the foot."""
    w, h = img.size
    height = base - top

    def hw(t: float) -> float:
        return half * (0.035 + 0.965 * t ** 2.6)

    ts = np.linspace(0.0, 1.0, 60)
    left = [((cx - hw(t)) * w, (top + t * height) * h) for t in ts]
    right = [((cx + hw(t)) * w, (top + t * height) * h) for t in ts[::-1]]
    mask = Image.new("L", (w, h), 0)
    md = ImageDraw.Draw(mask)
    md.polygon(left + right, fill=255)
    # The great arch between the four legs.
    md.ellipse([(cx - 0.62 * half) * w, (base - 0.13 * height) * h,
                (cx + 0.62 * half) * w, (base + 0.13 * height) * h], fill=0)
    md.rectangle([(cx - 0.62 * half) * w, base * h, (cx + 0.62 * half) * w, h], fill=0)
    # Platforms stick out a little.
    for t, thick in ((0.73, 0.016), (0.42, 0.012)):
        y = top + t * height
        md.rectangle([(cx - hw(t) * 1.18) * w, (y - thick * height) * h,
                      (cx + hw(t) * 1.18) * w, (y + thick * height) * h], fill=255)
    layer = Image.new("RGB", (w, h), colour)
    ld = ImageDraw.Draw(layer)
    step = max(2.0, 0.018 * half * w / 0.16)
    x0, x1 = (cx - half * 1.2) * w, (cx + half * 1.2) * w
    y0, y1 = top * h, base * h
    lw = max(1, int(step / 7))
    k = x0 - (y1 - y0)
    while k < x1:
        ld.line([(k, y1), (k + (y1 - y0), y0)], fill=lattice, width=lw)
        ld.line([(k, y0), (k + (y1 - y0), y1)], fill=lattice, width=lw)
        k += step
    img.paste(layer, (0, 0), mask)
    d = ImageDraw.Draw(img)
    d.line([(cx * w, top * h), (cx * w, (top - 0.05 * height) * h)], fill=colour,
           width=max(1, int(0.004 * h)))


def _sail(u0: float, u1: float, apex: tuple[float, float], bulge: float, n: int = 24):
    """One shell of the opera house: a curved edge from the foot to the apex, a straight back."""
    ax, ay = apex
    ctrl = (u0 + bulge, ay + (1.0 - ay) * 0.15)
    pts = []
    for t in np.linspace(0, 1, n):
        x = (1 - t) ** 2 * u0 + 2 * (1 - t) * t * ctrl[0] + t ** 2 * ax
        y = (1 - t) ** 2 * 1.0 + 2 * (1 - t) * t * ctrl[1] + t ** 2 * ay
        pts.append((x, y))
    pts.append((u1, 1.0))
    return pts


def draw_opera(img: Image.Image, x0: float, y0: float, x1: float, y1: float) -> None:
    """Shell roofs on a podium, inside the box (fractions of the image)."""
    pen = Pen(img)

    def tr(pts):
        return [(x0 + u * (x1 - x0), y0 + v * (y1 - y0) * 0.82) for u, v in pts]

    podium_top = y0 + (y1 - y0) * 0.82
    pen.rect(x0 - 0.02, podium_top, x1 + 0.02, y1, fill=(196, 170, 140))
    pen.rect(x0 - 0.02, podium_top, x1 + 0.02, podium_top + (y1 - y0) * 0.03, fill=(160, 132, 104))
    shells = [  # (foot left, foot right, apex, bulge) -- back to front
        (0.52, 0.80, (0.98, 0.25), 0.16),
        (0.36, 0.64, (0.78, 0.05), 0.14),
        (0.22, 0.46, (0.56, 0.20), 0.12),
        (0.05, 0.30, (0.38, 0.35), 0.10),
        (0.62, 0.86, (1.04, 0.45), 0.10),
    ]
    for u0, u1, apex, bulge in shells:
        pts = _sail(u0, u1, apex, bulge)
        pen.poly(tr(pts), fill=(242, 238, 226))
        shade = [pts[len(pts) // 2], apex, (u1, 1.0), ((u0 + u1) / 2 + 0.04, 1.0)]
        pen.poly(tr(shade), fill=(214, 208, 192))
        pen.line(tr(pts[:-1]), fill=(150, 146, 136), width=0.002)


def draw_bridge(img: Image.Image, x0: float, x1: float, deck: float, peak: float,
                 colour=(92, 100, 112)) -> None:
    """A steel arch bridge: two parabolas, hangers, a deck and two pylons."""
    pen = Pen(img)
    xs = np.linspace(x0, x1, 50)
    mid, half = (x0 + x1) / 2, (x1 - x0) / 2

    def arch(x, top):
        return deck - (deck - top) * (1 - ((x - mid) / half) ** 2)

    upper = [(x, arch(x, peak)) for x in xs]
    lower = [(x, arch(x, peak + 0.035)) for x in xs[::-1]]
    pen.poly(upper + lower, fill=colour)
    for x in np.linspace(x0 + 0.02, x1 - 0.02, 14):
        pen.line([(x, arch(x, peak + 0.03)), (x, deck)], fill=colour, width=0.002)
    pen.rect(x0 - 0.06, deck - 0.004, x1 + 0.06, deck + 0.008, fill=colour)
    for px in (x0 - 0.015, x1 + 0.015):
        pen.rect(px - 0.012, deck - 0.05, px + 0.012, deck + 0.03, fill=(150, 140, 120))


def draw_liberty(img: Image.Image, cx: float, base: float, height: float,
                  colour=(76, 138, 118), stone=(150, 132, 110)) -> None:
    """A statue with a raised torch on a stone pedestal, standing on ``base``."""
    pen = Pen(img)
    ar = pen.h / pen.w  # to keep the proportions when x and y scales differ
    u = height  # vertical unit

    def X(dx):
        return cx + dx * u * ar

    ped_top = base - 0.42 * u
    pen.poly([(X(-0.30), base), (X(0.30), base), (X(0.22), base - 0.12 * u), (X(-0.22), base - 0.12 * u)], fill=stone)
    pen.rect(X(-0.14), ped_top, X(0.14), base - 0.12 * u, fill=stone)
    pen.rect(X(-0.17), ped_top - 0.02 * u, X(0.17), ped_top + 0.01 * u, fill=(128, 112, 94))
    feet = ped_top - 0.02 * u
    pen.poly([(X(-0.09), feet), (X(0.09), feet), (X(0.05), feet - 0.30 * u),
              (X(-0.06), feet - 0.30 * u)], fill=colour)  # robe
    pen.poly([(X(-0.055), feet - 0.30 * u), (X(0.05), feet - 0.30 * u), (X(0.035), feet - 0.38 * u),
              (X(-0.04), feet - 0.38 * u)], fill=colour)  # shoulders
    pen.circle(X(-0.003), feet - 0.405 * u, 0.028 * u, fill=colour)  # head
    for i in range(7):  # crown rays
        ang = np.pi * (0.15 + 0.7 * i / 6)
        hx, hy = X(-0.003), feet - 0.415 * u
        pen.poly([(hx - 0.006 * u * ar, hy), (hx + 0.006 * u * ar, hy),
                  (hx - np.cos(ang) * 0.06 * u * ar, hy - np.sin(ang) * 0.06 * u)], fill=colour)
    pen.poly([(X(0.025), feet - 0.36 * u), (X(0.05), feet - 0.36 * u), (X(0.075), feet - 0.55 * u),
              (X(0.055), feet - 0.55 * u)], fill=colour)  # raised arm
    pen.rect(X(0.045), feet - 0.59 * u, X(0.085), feet - 0.55 * u, fill=colour)  # torch
    pen.poly([(X(0.048), feet - 0.59 * u), (X(0.082), feet - 0.59 * u), (X(0.065), feet - 0.64 * u)],
             fill=(236, 186, 84))  # flame
    pen.rect(X(-0.095), feet - 0.29 * u, X(-0.045), feet - 0.21 * u, fill=(66, 120, 102))  # tablet


def draw_tree(pen: Pen, x: float, ground: float, size: float, leaf=(62, 120, 64), rng=None):
    pen.rect(x - 0.08 * size * pen.h / pen.w, ground - 0.55 * size, x + 0.08 * size * pen.h / pen.w, ground,
             fill=(96, 70, 48))
    offsets = [(0, -0.9), (-0.35, -0.65), (0.35, -0.65), (-0.15, -1.15), (0.2, -1.1)]
    for dx, dy in offsets:
        jitter = rng.uniform(-0.05, 0.05) if rng is not None else 0.0
        pen.circle(x + (dx + jitter) * size * pen.h / pen.w, ground + dy * size, 0.38 * size, fill=leaf)
