"""Scenes for the lesson "Your background gives away the place".

Every scene is drawn by code (Pillow and numpy), the same pixels on every
machine: rooms and selfie backgrounds with location clues — street signs, a
window onto a recognisable skyline, a badge on a uniform, a parcel label, a
house number seen in a mirror, a car plate, a bus-stop sign, a landmark — in
three difficulty levels. The person in a "selfie" is a faceless silhouette.

Each scene knows its own ground truth: while it is drawn, every clue records
its box, so the annotations (:func:`annotation`) can never drift from the
pixels. The annotations follow the documented format of
``docs/clue-annotations.md`` (schema: ``safetylab/data/clues.schema.json``).
The shapes are drawn with :mod:`safetylab.draw`; the sample files of lesson 02
(``sample_images/02_...``) are listed by :mod:`safetylab.samples.background`.

What this does *not* cover: real backgrounds hold clues no drawing lists (a
skyline at night, the sound in a video); the scenes teach how to look.

Examples
--------
>>> scene = SCENES["street_sign_window"]
>>> scene.level, render(scene.name).size
(1, (640, 480))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
from PIL import Image, ImageDraw

from . import draw

__all__ = ["Scene", "SCENES", "EXAMPLES", "LEVELS", "WIDTH", "HEIGHT", "FORMAT", "render", "annotation",
           "scene_names"]

#: Size of every scene, in pixels.
WIDTH, HEIGHT = 640, 480
#: The annotation format identifier written in every file.
FORMAT = "safetylab-clues/1"
#: Difficulty levels, in words.
LEVELS = {1: "easy", 2: "medium", 3: "hard"}

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions


@dataclass(frozen=True)
class Scene:
    """One drawn scene and what it is about.

    Parameters
    ----------
    name : str
        Short identifier; the file is ``<name>.png``.
    title : str
        A plain title shown to learners.
    level : int
        1 (easy), 2 (medium) or 3 (hard).
    description : str
        What the picture shows, for a screen reader and the sample README.
    draw : callable
        ``draw(ctx)`` paints the scene and records its clues (internal).
    seed : int
        Seed of the random details (clouds, grain).
    """

    name: str
    title: str
    level: int
    description: str
    draw: Callable[["_Ctx"], None]
    seed: int


class _Ctx:
    """Drawing context: the canvas, a pen, and the clues recorded so far."""

    def __init__(self, img: Image.Image, rng: np.random.Generator):
        self.img, self.rng = img, rng
        self.pen = draw.Pen(img)
        self.clues: list[dict[str, Any]] = []
        self.person: Box | None = None

    def clue(self, cid: str, ctype: str, box: Box, reveals: str, why: str, *, text: str | None = None,
             mirrored: bool = False, on_person: bool = False) -> None:
        entry: dict[str, Any] = {"id": cid, "type": ctype, "box": box, "reveals": reveals, "why": why}
        if text is not None:
            entry["text"] = text
        entry["mirrored"] = mirrored
        entry["on_person"] = on_person
        self.clues.append(entry)


# --------------------------------------------------------------------------- #
# Props
# --------------------------------------------------------------------------- #

def _text_image(text: str, px: int, fg, bg) -> Image.Image:
    """Lines of text on a plain background, tightly fitted."""
    font = draw.font(px)
    lines = text.split("\n")
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    widths = [probe.textlength(line, font=font) for line in lines]
    lh = int(px * 1.3)
    img = Image.new("RGB", (int(max(widths)) + px, lh * len(lines) + px // 2), bg)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        d.text((img.width / 2, px // 4 + lh * i + lh / 2), line, font=font, fill=fg, anchor="mm")
    return img


def _sign(ctx: _Ctx, box: Box, text: str, *, fg=(255, 255, 255), bg=(24, 92, 60), border=None,
          mirrored: bool = False, radius: float = 0.0) -> None:
    """A plate with ``text`` fitted inside ``box`` (fractions); optionally seen in a mirror."""
    w, h = ctx.img.size
    x0, y0, x1, y1 = (int(round(box[0] * w)), int(round(box[1] * h)),
                      int(round(box[2] * w)), int(round(box[3] * h)))
    ctx.pen.rect(*box, fill=bg, outline=border, width=0.004 if border else 0.0, radius=radius)
    bw, bh = x1 - x0, y1 - y0
    lines = text.split("\n")
    px = int(min(bh * 0.62 / len(lines) / 1.1, 400))
    label = _text_image(text, px, fg, bg)
    scale = min(bw * 0.86 / label.width, bh * 0.86 / label.height, 1.0)
    label = label.resize((max(1, int(label.width * scale)), max(1, int(label.height * scale))),
                         Image.Resampling.LANCZOS)
    if mirrored:
        label = label.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    ctx.img.paste(label, (x0 + (bw - label.width) // 2, y0 + (bh - label.height) // 2))


def _pole(ctx: _Ctx, x: float, y0: float, y1: float, colour=(110, 114, 120)) -> None:
    ctx.pen.rect(x - 0.005, y0, x + 0.005, y1, fill=colour)


def _room(ctx: _Ctx, wall=(222, 212, 196), floor=(150, 116, 86), floor_at: float = 0.78) -> None:
    _paste(ctx, (0, 0, 1, floor_at), draw.vgradient(8, 8, [(0, wall), (1, tuple(int(c * 0.9) for c in wall))]))
    _paste(ctx, (0, floor_at, 1, 1), draw.vgradient(8, 8, [(0, floor), (1, tuple(int(c * 0.75) for c in floor))]))
    ctx.pen.rect(0, floor_at - 0.012, 1, floor_at, fill=(246, 244, 238))  # skirting board


def _paste(ctx: _Ctx, box: Box, picture: Image.Image) -> None:
    w, h = ctx.img.size
    x0, y0, x1, y1 = int(box[0] * w), int(box[1] * h), int(round(box[2] * w)), int(round(box[3] * h))
    ctx.img.paste(picture.resize((max(1, x1 - x0), max(1, y1 - y0))), (x0, y0))


def _view(ctx: _Ctx, sky=((0.0, (88, 140, 200)), (1.0, (190, 214, 236)))) -> Image.Image:
    """A full-size outdoor canvas; draw on it, then show part of it through a window."""
    img = draw.vgradient(ctx.img.width, ctx.img.height, list(sky))
    draw.clouds(img, ctx.rng, 3, (0.05, 0.3))
    return img


def _window(ctx: _Ctx, box: Box, view: Image.Image, frame=(244, 242, 236), mullion: bool = True) -> None:
    """Show ``view`` (same size as the canvas) through a window at ``box``."""
    w, h = ctx.img.size
    x0, y0, x1, y1 = int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)
    ctx.img.paste(view.crop((x0, y0, x1, y1)), (x0, y0))
    p = ctx.pen
    t = 0.012
    p.rect(box[0] - t, box[1] - t, box[2] + t, box[1], fill=frame)
    p.rect(box[0] - t, box[3], box[2] + t, box[3] + t, fill=frame)
    p.rect(box[0] - t, box[1], box[0], box[3], fill=frame)
    p.rect(box[2], box[1], box[2] + t, box[3], fill=frame)
    if mullion:
        p.rect((box[0] + box[2]) / 2 - t / 3, box[1], (box[0] + box[2]) / 2 + t / 3, box[3], fill=frame)


def _street(ctx: _Ctx, ground: float, road, **buildings) -> tuple[Image.Image, _Ctx]:
    """A street outside (sky, buildings to ``ground``, the road below) for :func:`_window`;
    returns the view and a context to draw signs on it."""
    view = _view(ctx)
    vp = draw.Pen(view)
    _buildings(vp, ctx.rng, ground, **buildings)
    vp.rect(0, ground, 1, 1, fill=road)
    return view, _Ctx(view, ctx.rng)


def _buildings(pen: draw.Pen, rng: np.random.Generator, ground: float, x0=0.0, x1=1.0, tall=(0.05, 0.15),
               colours=((150, 146, 140), (170, 160, 150), (128, 132, 140))) -> None:
    x = x0
    while x < x1:
        bw, bh = rng.uniform(0.04, 0.09), rng.uniform(*tall)
        pen.rect(x, ground - bh, x + bw, ground, fill=colours[int(rng.integers(len(colours)))])
        x += bw + 0.003


def _person(ctx: _Ctx, cx: float, top: float, size: float, shirt=(60, 70, 96),
            hair=(58, 42, 32), skin=(196, 160, 130), glasses: bool = False) -> Box:
    """A faceless head-and-shoulders silhouette; returns and records its box."""
    p = ctx.pen
    ar = p.h / p.w
    head_rx, head_ry = 0.13 * size * ar, 0.17 * size
    hy = top + head_ry
    shoulders = hy + head_ry + 0.06 * size
    x0, x1 = cx - 0.42 * size * ar, cx + 0.42 * size * ar
    p.rect(x0, shoulders, x1, 1.0, fill=shirt, radius=0.12 * size)
    p.rect(x0, shoulders + 0.15 * size, x1, 1.0, fill=shirt)
    p.rect(cx - 0.06 * size * ar, hy + head_ry * 0.6, cx + 0.06 * size * ar, shoulders + 0.05 * size, fill=skin)
    p.ellipse(cx - head_rx, top, cx + head_rx, top + 2 * head_ry, fill=skin)
    p.ellipse(cx - head_rx * 1.05, top - 0.015 * size, cx + head_rx * 1.05, top + head_ry * 0.9, fill=hair)
    if glasses:
        for side in (-1, 1):
            gx = cx + side * head_rx * 0.45
            p.ellipse(gx - 0.05 * size * ar, hy - 0.01 * size, gx + 0.05 * size * ar, hy + 0.07 * size,
                      fill=(150, 178, 200), outline=(30, 30, 30), width=0.006 * size)
        p.line([(cx - 0.02 * size * ar, hy + 0.02 * size), (cx + 0.02 * size * ar, hy + 0.02 * size)],
               fill=(30, 30, 30), width=0.006 * size)
    box = (max(0.0, x0), max(0.0, top - 0.02 * size), min(1.0, x1), 1.0)
    ctx.person = box
    return box


# --------------------------------------------------------------------------- #
# The scenes
# --------------------------------------------------------------------------- #

def _street_sign_window(ctx: _Ctx) -> None:
    _room(ctx)
    view, tmp = _street(ctx, 0.62, (120, 120, 124), tall=(0.1, 0.3), colours=((196, 170, 140), (180, 150, 120)))
    _pole(tmp, 0.40, 0.30, 0.62)
    _sign(tmp, (0.16, 0.22, 0.58, 0.34), "Rue des Lilas", bg=(24, 62, 128), border=(255, 255, 255), radius=0.01)
    _window(ctx, (0.12, 0.12, 0.70, 0.66), view, mullion=False)
    ctx.pen.rect(0.78, 0.50, 0.95, 0.80, fill=(120, 84, 60))  # a side table
    ctx.pen.ellipse(0.82, 0.40, 0.90, 0.50, fill=(80, 140, 90))  # a plant
    ctx.clue("street_sign", "street_sign", (0.16, 0.22, 0.58, 0.34), "the street outside the window",
             "A street name plus a map finds the building; the angle of the view narrows it to a few flats.",
             text="Rue des Lilas")


def _parcel_on_table(ctx: _Ctx) -> None:
    _room(ctx, wall=(206, 216, 222), floor_at=0.60)
    ctx.pen.rect(0.0, 0.56, 1.0, 0.62, fill=(140, 100, 70))  # table top
    ctx.pen.rect(0.18, 0.30, 0.82, 0.60, fill=(196, 160, 112))  # parcel
    ctx.pen.rect(0.48, 0.30, 0.52, 0.60, fill=(220, 200, 160))  # tape
    _sign(ctx, (0.24, 0.36, 0.76, 0.56), "J. Morel\n14 Baker Lane\nLeeds LS6 2QT", fg=(20, 20, 24),
          bg=(250, 250, 246))
    ctx.clue("parcel_label", "parcel_label", (0.24, 0.36, 0.76, 0.56), "a full name and home address",
             "A delivery label is written to be read by strangers: name, street, town and postcode.",
             text="J. Morel\n14 Baker Lane\nLeeds LS6 2QT")


def _bus_stop_selfie(ctx: _Ctx) -> None:
    img = ctx.img
    bg = draw.vgradient(img.width, img.height, [(0, (120, 170, 220)), (0.6, (200, 220, 236))])
    img.paste(bg)
    _buildings(ctx.pen, ctx.rng, 0.7, tall=(0.2, 0.45))
    ctx.pen.rect(0, 0.7, 1, 1, fill=(140, 140, 140))
    _pole(ctx, 0.79, 0.20, 0.9)
    _sign(ctx, (0.66, 0.08, 0.93, 0.30), "BUS STOP\nElm Park", fg=(255, 255, 255), bg=(200, 40, 40),
          radius=0.01)
    _sign(ctx, (0.67, 0.32, 0.91, 0.40), "Line 42", fg=(20, 20, 20), bg=(250, 220, 60))
    _person(ctx, 0.33, 0.30, 0.9)
    ctx.clue("bus_stop", "bus_stop", (0.66, 0.08, 0.93, 0.30), "the stop you wait at",
             "A stop name is unique in a city; people wait at the same stop at the same time each day.",
             text="BUS STOP\nElm Park")
    ctx.clue("bus_line", "bus_stop", (0.67, 0.32, 0.91, 0.40), "the bus route",
             "The line number narrows the city and the route you take.", text="Line 42")


def _eiffel_window(ctx: _Ctx) -> None:
    _room(ctx, wall=(236, 226, 210))
    view = _view(ctx)
    _buildings(draw.Pen(view), ctx.rng, 0.62, tall=(0.03, 0.08))
    draw.draw_eiffel(view, 0.42, 0.14, 0.62, 0.07)
    draw.Pen(view).rect(0, 0.62, 1, 1, fill=(150, 160, 150))
    _window(ctx, (0.20, 0.10, 0.64, 0.64), view)
    _person(ctx, 0.84, 0.36, 0.55, shirt=(150, 80, 60))
    ctx.clue("landmark", "landmark", (0.34, 0.12, 0.50, 0.62), "the city, and the side of it you are on",
             "A famous tower seen from a window: its size and angle show roughly where the window is.")


def _school_uniform(ctx: _Ctx) -> None:
    _room(ctx, wall=(230, 222, 236))
    _sign(ctx, (0.02, 0.08, 0.235, 0.21), "Open Day\nSat 14 June", fg=(30, 30, 60), bg=(255, 236, 170))
    pb = _person(ctx, 0.55, 0.18, 0.95, shirt=(32, 48, 96))
    _sign(ctx, (0.60, 0.74, 0.80, 0.84), "ST ANNE'S", fg=(250, 210, 80), bg=(32, 48, 96),
          border=(250, 210, 80))
    ctx.clue("badge", "badge", (0.60, 0.74, 0.80, 0.84), "your school",
             "A school name tells anyone where to find you on every weekday.", text="ST ANNE'S", on_person=True)
    ctx.clue("poster", "poster", (0.02, 0.08, 0.235, 0.21), "a date you will be somewhere",
             "A poster with a date says where you may be, and when.", text="Open Day\nSat 14 June")
    del pb


def _car_plate_driveway(ctx: _Ctx) -> None:
    _room(ctx, wall=(210, 200, 190))
    view = _view(ctx)
    vp = draw.Pen(view)
    vp.rect(0, 0.55, 1, 1, fill=(130, 130, 134))
    vp.rect(0.08, 0.2, 0.5, 0.55, fill=(190, 160, 130))  # house across the road
    vp.rect(0.22, 0.34, 0.30, 0.55, fill=(90, 60, 50))  # its door
    tmp = _Ctx(view, ctx.rng)
    _sign(tmp, (0.33, 0.30, 0.43, 0.40), "27", fg=(255, 255, 255), bg=(40, 40, 44))
    vp.rect(0.40, 0.50, 0.92, 0.78, fill=(60, 90, 150), radius=0.04)  # car
    vp.circle(0.50, 0.78, 0.045, fill=(30, 30, 30))
    vp.circle(0.82, 0.78, 0.045, fill=(30, 30, 30))
    _sign(tmp, (0.55, 0.62, 0.77, 0.71), "KD21 XPF", fg=(20, 20, 20), bg=(250, 206, 40), border=(20, 20, 20))
    _window(ctx, (0.06, 0.10, 0.96, 0.74), view)
    ctx.clue("plate", "car_plate", (0.55, 0.62, 0.77, 0.71), "a car parked outside, and so the address",
             "A plate is seen by neighbours every day; matched with other photos it places the street.",
             text="KD21 XPF")
    ctx.clue("house_number", "house_number", (0.33, 0.30, 0.43, 0.40), "the number of the house opposite",
             "A house number plus any street clue gives an address.", text="27")


def _company_lanyard(ctx: _Ctx) -> None:
    _room(ctx, wall=(214, 226, 214))
    ctx.pen.rect(0.62, 0.12, 0.66, 0.16, fill=(90, 90, 90))  # hook
    ctx.pen.line([(0.64, 0.15), (0.58, 0.40), (0.64, 0.46), (0.70, 0.40), (0.64, 0.15)],
                 fill=(200, 60, 40), width=0.008)
    _sign(ctx, (0.52, 0.44, 0.80, 0.58), "NORTHWIND\nLogistics", fg=(20, 30, 80), bg=(244, 244, 250),
          border=(20, 30, 80))
    ctx.pen.rect(0.06, 0.40, 0.40, 0.78, fill=(120, 90, 70))  # a cabinet
    ctx.pen.ellipse(0.12, 0.28, 0.24, 0.40, fill=(70, 130, 80))
    _person(ctx, 0.22, 0.46, 0.50, shirt=(120, 120, 60))
    ctx.clue("work_badge", "badge", (0.52, 0.44, 0.80, 0.58), "where you or a parent work",
             "An employer's name gives a second place you go every day.", text="NORTHWIND\nLogistics")


def _harbour_window(ctx: _Ctx) -> None:
    _room(ctx, wall=(238, 232, 220))
    view = _view(ctx, sky=((0.0, (70, 130, 200)), (1.0, (180, 210, 236))))
    vp = draw.Pen(view)
    vp.rect(0, 0.45, 1, 1, fill=(60, 110, 160))
    draw.draw_opera(view, 0.12, 0.34, 0.42, 0.47)
    draw.draw_bridge(view, 0.52, 0.90, 0.42, 0.22)
    _window(ctx, (0.08, 0.10, 0.94, 0.58), view)
    ctx.pen.rect(0.30, 0.62, 0.70, 0.66, fill=(250, 250, 250))  # window sill
    ctx.clue("skyline", "skyline", (0.10, 0.18, 0.92, 0.50), "the city, and the shore your window faces",
             "Two famous shapes in one view fix the window to a small part of the harbour.")


def _mirror_house_number(ctx: _Ctx) -> None:
    _room(ctx, wall=(228, 214, 200))
    # A hall mirror showing the open front door behind the camera, with its number.
    ctx.pen.rect(0.30, 0.06, 0.74, 0.72, fill=(150, 120, 80))
    ctx.pen.rect(0.32, 0.08, 0.72, 0.70, fill=(196, 208, 214))
    ctx.pen.rect(0.36, 0.30, 0.58, 0.70, fill=(60, 90, 70))  # the door, reflected
    _sign(ctx, (0.40, 0.14, 0.66, 0.26), "47 Rose St", fg=(20, 20, 20), bg=(240, 236, 226), mirrored=True)
    draw.glow(ctx.img, 0.64, 0.16, 0.02, (255, 255, 255), 0.01)
    ctx.pen.rect(0.80, 0.40, 0.96, 0.78, fill=(110, 80, 60))  # coat rack
    ctx.clue("mirror_number", "mirror_text", (0.40, 0.14, 0.66, 0.26), "your house number and street",
             "A mirror shows what is behind the camera; mirrored writing is easy to flip back.",
             text="47 Rose St", mirrored=True)


def _glasses_screen(ctx: _Ctx) -> None:
    _room(ctx, wall=(200, 210, 226))
    ctx.pen.rect(0.64, 0.34, 0.98, 0.62, fill=(30, 30, 36), radius=0.01)  # a monitor
    _sign(ctx, (0.66, 0.38, 0.96, 0.50), "Greenhill College", fg=(255, 255, 255), bg=(20, 90, 160))
    ctx.pen.rect(0.78, 0.62, 0.84, 0.70, fill=(30, 30, 36))
    _person(ctx, 0.34, 0.22, 0.85, shirt=(90, 40, 60), glasses=True)
    ctx.clue("screen", "screen", (0.66, 0.38, 0.96, 0.50), "the college you attend",
             "A screen behind you shows whatever was open: a portal, a map, a name.",
             text="Greenhill College")
    ar = ctx.pen.h / ctx.pen.w
    ctx.clue("glasses", "reflection", (0.34 - 0.16 * 0.85 * ar, 0.37, 0.34 + 0.16 * 0.85 * ar, 0.46),
             "what is in front of you", "Glasses and eyes reflect the room and windows in front of the person.",
             on_person=True)


def _plate_and_far_sign(ctx: _Ctx) -> None:
    img = ctx.img
    img.paste(draw.vgradient(img.width, img.height, [(0, (140, 180, 220)), (0.6, (210, 220, 230))]))
    _buildings(ctx.pen, ctx.rng, 0.62, tall=(0.15, 0.35))
    draw.draw_tree(ctx.pen, 0.55, 0.62, 0.16, rng=ctx.rng)
    ctx.pen.rect(0, 0.62, 1, 1, fill=(120, 124, 120))
    _pole(ctx, 0.14, 0.12, 0.62)
    _sign(ctx, (0.03, 0.08, 0.27, 0.16), "Mill Road", fg=(20, 20, 20), bg=(250, 250, 250),
          border=(20, 20, 20))
    ctx.pen.rect(0.62, 0.66, 1.02, 0.92, fill=(170, 30, 40), radius=0.03)
    _sign(ctx, (0.70, 0.78, 0.88, 0.85), "GX19 LMT", fg=(20, 20, 20), bg=(250, 250, 250), border=(20, 20, 20))
    _person(ctx, 0.38, 0.30, 0.8, shirt=(50, 120, 110))
    ctx.clue("far_sign", "street_sign", (0.03, 0.08, 0.27, 0.16), "the road you are on",
             "A small sign in a corner is easy to miss for you and easy to zoom for a stranger.",
             text="Mill Road")
    ctx.clue("plate", "car_plate", (0.70, 0.78, 0.88, 0.85), "a car that is often there",
             "A plate ties the place to a car a stranger can recognise again.", text="GX19 LMT")


def _liberty_ferry(ctx: _Ctx) -> None:
    img = ctx.img
    img.paste(draw.vgradient(img.width, img.height, [(0, (100, 150, 210)), (0.55, (200, 220, 236))]))
    ctx.pen.rect(0, 0.55, 1, 1, fill=(70, 110, 150))
    draw.draw_liberty(img, 0.82, 0.56, 0.32)
    ctx.pen.rect(0, 0.80, 1, 1, fill=(110, 100, 90))  # the deck rail
    _sign(ctx, (0.02, 0.64, 0.26, 0.76), "Staten Island\nFerry", fg=(255, 255, 255), bg=(230, 120, 30))
    _person(ctx, 0.50, 0.34, 0.7, shirt=(40, 40, 40))
    ctx.clue("statue", "landmark", (0.74, 0.34, 0.90, 0.56), "the city and the boat you are on",
             "A world-famous statue names the city at once.")
    ctx.clue("ferry", "sign", (0.02, 0.64, 0.26, 0.76), "the route you are travelling",
             "A route name on a sign says where you are going, and when you might come back.",
             text="Staten Island\nFerry")


def _kitchen_fridge(ctx: _Ctx) -> None:
    _room(ctx, wall=(240, 236, 220))
    ctx.pen.rect(0.58, 0.06, 0.94, 0.78, fill=(236, 240, 242), outline=(180, 184, 188), width=0.004)
    _sign(ctx, (0.62, 0.14, 0.90, 0.26), "Pizza Roma\n0161 555 0199", fg=(160, 20, 20), bg=(255, 248, 230))
    _sign(ctx, (0.63, 0.34, 0.89, 0.46), "Oakfield\nPrimary", fg=(20, 60, 20), bg=(220, 240, 210))
    ctx.pen.rect(0.06, 0.44, 0.50, 0.78, fill=(150, 110, 80))
    _person(ctx, 0.28, 0.34, 0.55, shirt=(200, 140, 60))
    ctx.clue("menu", "phone_number", (0.62, 0.14, 0.90, 0.26), "the area you live in",
             "A local takeaway delivers to a few streets; its area code names the city.",
             text="Pizza Roma\n0161 555 0199")
    ctx.clue("school_magnet", "school_name", (0.63, 0.34, 0.89, 0.46), "a child's school",
             "A school timetable or magnet names the school, and so the neighbourhood.",
             text="Oakfield\nPrimary")


def _club_noticeboard(ctx: _Ctx) -> None:
    _room(ctx, wall=(226, 230, 214))
    view, tmp = _street(ctx, 0.66, (124, 124, 128), tall=(0.08, 0.26), colours=((160, 120, 100), (150, 140, 130)))
    _pole(tmp, 0.80, 0.30, 0.66)
    _sign(tmp, (0.64, 0.20, 0.95, 0.31), "Canal Street", fg=(255, 255, 255), bg=(30, 30, 34),
          border=(255, 255, 255))
    _window(ctx, (0.60, 0.10, 0.97, 0.62), view, mullion=False)
    ctx.pen.rect(0.04, 0.10, 0.52, 0.60, fill=(176, 132, 88), outline=(120, 86, 56), width=0.006)  # cork board
    _sign(ctx, (0.08, 0.15, 0.48, 0.33), "Riverside Youth Club\nTuesdays 6pm", fg=(255, 255, 255),
          bg=(40, 90, 160))
    ctx.pen.rect(0.10, 0.38, 0.26, 0.54, fill=(250, 240, 140))  # a sticky note, nothing on it
    ctx.pen.rect(0.30, 0.38, 0.46, 0.54, fill=(240, 190, 200))
    ctx.clue("club_poster", "poster", (0.08, 0.15, 0.48, 0.33), "a place and an evening you will be there",
             "A club poster says where a group meets and when; a stranger knows where to wait.",
             text="Riverside Youth Club\nTuesdays 6pm")
    ctx.clue("street_sign", "street_sign", (0.64, 0.20, 0.95, 0.31), "the street outside the window",
             "A street name plus a map finds the building.", text="Canal Street")


_SPECS: tuple[tuple[str, str, int, str, Callable[[_Ctx], None]], ...] = (
    ("street_sign_window", "A street sign through the window", 1,
     "A living room; through the window a blue street sign reads Rue des Lilas.", _street_sign_window),
    ("parcel_on_table", "A parcel on the table", 1,
     "A parcel on a table with a delivery label showing a name and address.", _parcel_on_table),
    ("bus_stop_selfie", "A selfie at the bus stop", 1,
     "A person (no face drawn) in front of a red bus-stop sign, Elm Park, line 42.", _bus_stop_selfie),
    ("eiffel_window", "A view from the window", 1,
     "A room whose window looks onto a famous lattice tower.", _eiffel_window),
    ("school_uniform", "A selfie in uniform", 2,
     "A person in a school blazer with a badge, and an Open Day poster on the wall.", _school_uniform),
    ("car_plate_driveway", "The house across the road", 2,
     "A wide window onto the street: a house numbered 27 and a parked car with its plate.",
     _car_plate_driveway),
    ("company_lanyard", "A lanyard on the hook", 2,
     "A work badge hanging on a hook behind a person.", _company_lanyard),
    ("harbour_window", "A harbour view", 2,
     "A window onto a harbour with a sail-shaped opera house and an arch bridge.", _harbour_window),
    ("kitchen_fridge", "The fridge door", 2,
     "A person in a kitchen; a takeaway menu and a school magnet on the fridge.", _kitchen_fridge),
    ("mirror_house_number", "The hall mirror", 3,
     "A hall mirror reflecting the front door and its number, mirrored.", _mirror_house_number),
    ("glasses_screen", "Glasses and a screen", 3,
     "A person with glasses that reflect the window; a screen behind shows a college name.",
     _glasses_screen),
    ("plate_and_far_sign", "A street selfie", 3,
     "A person on a street; a small street sign in a corner and a car plate behind.", _plate_and_far_sign),
    ("liberty_ferry", "On the ferry", 3,
     "A person on a ferry deck; a statue with a torch in the distance and a route sign.", _liberty_ferry),
)

#: Every scene, by name, in teaching order (easy first).
SCENES: Mapping[str, Scene] = {
    name: Scene(name, title, level, desc, paint, seed=4000 + i)
    for i, (name, title, level, desc, paint) in enumerate(_SPECS)
}


#: Drawn scenes that are not in the lesson: the example photo of a new course pack
#: (``safetylab pack new``), which a trainer replaces with their own.
EXAMPLES: Mapping[str, Scene] = {
    "club_noticeboard": Scene("club_noticeboard", "Example: the club noticeboard", 1,
                              "A noticeboard with a youth club poster; a street sign through the window.",
                              _club_noticeboard, seed=4900),
}


def _scene(name: str) -> Scene:
    if name in SCENES:
        return SCENES[name]
    if name in EXAMPLES:
        return EXAMPLES[name]
    raise KeyError(f"no scene called {name!r}; choose one of {', '.join(SCENES)}")


def scene_names(level: int | None = None) -> list[str]:
    """Names of the scenes, optionally only those of one difficulty ``level``."""
    return [n for n, s in SCENES.items() if level is None or s.level == level]


@functools.lru_cache(maxsize=32)
def _draw(name: str) -> tuple[Image.Image, tuple]:
    scene = _scene(name)
    holder: dict[str, _Ctx] = {}

    def paint(w: int, h: int, rng: np.random.Generator) -> Image.Image:
        ctx = _Ctx(Image.new("RGB", (w, h), (255, 255, 255)), rng)
        scene.draw(ctx)
        holder["ctx"] = ctx
        return ctx.img

    img = draw.render(paint, WIDTH, HEIGHT, seed=scene.seed, grain=1.5)
    ctx = holder["ctx"]
    return img, (tuple(ctx.clues), ctx.person)


def _px_box(box: Box) -> list[int]:
    x0, y0 = int(round(box[0] * WIDTH)), int(round(box[1] * HEIGHT))
    x1, y1 = int(round(box[2] * WIDTH)), int(round(box[3] * HEIGHT))
    return [x0, y0, x1 - x0, y1 - y0]


def render(name: str) -> Image.Image:
    """The scene ``name`` (of :data:`SCENES` or :data:`EXAMPLES`) as a new RGB image of
    :data:`WIDTH` x :data:`HEIGHT` pixels."""
    _scene(name)
    return _draw(name)[0].copy()


def annotation(name: str, image: str | None = None) -> dict[str, Any]:
    """The ground-truth annotation of scene ``name``, in the documented format.

    Parameters
    ----------
    name : str
        A key of :data:`SCENES` (or :data:`EXAMPLES`).
    image : str, optional
        File name recorded in the annotation; ``<name>.png`` by default.

    Returns
    -------
    dict
        JSON-ready, valid against ``safetylab/data/clues.schema.json``.
    """
    scene = _scene(name)
    clues, person = _draw(name)[1]
    return {
        "format": FORMAT,
        "image": image or f"{name}.png",
        "title": scene.title,
        "level": scene.level,
        "size": [WIDTH, HEIGHT],
        "person": _px_box(person) if person else None,
        "clues": [dict(c, box=_px_box(c["box"])) for c in clues],
    }
