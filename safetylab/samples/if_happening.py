"""The samples of lesson 06, "If an image is being used against you".

Phone screenshots of a fictional chat with a fictional account, "Sky_22": a
warm, fast start, a flirty turn, a photo request, then the flip to a threat and
a payment demand. The text is calm and never explicit: the photo is only ever
"a photo", drawn as a grey placeholder. Each PNG carries the time the
screenshot was taken (a ``Creation Time`` text chunk and a ``tIME`` chunk), as
phones write it, so the evidence kit can build its timeline from capture times.

What this does *not* cover: the many forms such chats take. The lesson's
message is that it is never the victim's fault, and that it is recoverable.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from .. import draw
from . import writers
from .registry import Sample, builder

__all__ = ["LESSON", "SAMPLE_CHAT_USERNAME", "samples", "make_chat_1_friendly", "make_chat_2_request",
           "make_chat_3_threat", "make_chat_4_deadline", "make_payment_request", "make_sky22_profile"]

#: The folder of the lesson "If an image is being used against you".
LESSON = "06_if_its_happening"

#: The fictional account in the lesson's screenshots.
SAMPLE_CHAT_USERNAME = "Sky_22"

_CHAT_W, _CHAT_H = 750, 1334
_CHAT_TZ = writers.tz(1)
_CHAT_SHOTS_WHEN = {
    "chat_1_friendly.png": datetime(2024, 9, 15, 19, 50, 10, tzinfo=_CHAT_TZ),
    "chat_2_request.png": datetime(2024, 9, 15, 19, 50, 41, tzinfo=_CHAT_TZ),
    "chat_3_threat.png": datetime(2024, 9, 15, 19, 51, 5, tzinfo=_CHAT_TZ),
    "chat_4_deadline.png": datetime(2024, 9, 15, 19, 51, 30, tzinfo=_CHAT_TZ),
    "payment_request.png": datetime(2024, 9, 15, 19, 52, 2, tzinfo=_CHAT_TZ),
    "sky22_profile.png": datetime(2024, 9, 15, 19, 53, 15, tzinfo=_CHAT_TZ),
}

_INK = (28, 28, 34)
_GREY = (108, 112, 122)
_CHAT_BG = (237, 240, 244)
_THEM = (255, 255, 255)
_ME = (212, 230, 252)
_ACCENT = (0, 114, 178)  # Okabe-Ito blue


def _wrap_text(d: ImageDraw.ImageDraw, text: str, font, max_w: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if not current or d.textlength(trial, font=font) <= max_w:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _phone_chrome(img: Image.Image, clock: str, title: str, subtitle: str) -> float:
    """Status bar, chat header and message box; returns the y where messages start."""
    w, h = img.size
    u = w / _CHAT_W
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, 150 * u], fill=(250, 250, 252))
    d.text((40 * u, 26 * u), clock, font=draw.font(26 * u), fill=_INK, anchor="lm")
    d.rounded_rectangle([648 * u, 16 * u, 700 * u, 36 * u], radius=5 * u, outline=_INK,
                        width=max(1, int(2 * u)))
    d.rectangle([653 * u, 21 * u, 690 * u, 31 * u], fill=_INK)
    d.text((40 * u, 100 * u), "<", font=draw.font(40 * u), fill=_ACCENT, anchor="lm")
    d.ellipse([80 * u, 70 * u, 140 * u, 130 * u], fill=(86, 180, 233))
    d.text((110 * u, 100 * u), title[:1].upper(), font=draw.font(30 * u), fill=(255, 255, 255), anchor="mm")
    d.text((158 * u, 86 * u), title, font=draw.font(30 * u), fill=_INK, anchor="lm")
    d.text((158 * u, 118 * u), subtitle, font=draw.font(20 * u), fill=_GREY, anchor="lm")
    d.line([0, 150 * u, w, 150 * u], fill=(214, 218, 224), width=max(1, int(2 * u)))
    d.rectangle([0, 151 * u, w, h], fill=_CHAT_BG)
    d.rectangle([0, h - 110 * u, w, h], fill=(250, 250, 252))
    d.rounded_rectangle([30 * u, h - 88 * u, 620 * u, h - 30 * u], radius=29 * u,
                        fill=(255, 255, 255), outline=(200, 204, 212), width=max(1, int(2 * u)))
    d.text((60 * u, h - 59 * u), "Message", font=draw.font(26 * u), fill=(150, 154, 162), anchor="lm")
    d.ellipse([640 * u, h - 88 * u, 698 * u, h - 30 * u], fill=_ACCENT)
    d.text((669 * u, h - 59 * u), ">", font=draw.font(30 * u), fill=(255, 255, 255), anchor="mm")
    return 175 * u


def _chat_scene(clock: str, title: str, subtitle: str, items: list[tuple]):
    """A chat screenshot. ``items``: ("day", text), ("them"|"me", text, time),
    ("photo", time) for a photo the learner sent, ("card", title, rows, time)."""

    def scene(w: int, h: int, rng: np.random.Generator) -> Image.Image:
        img = Image.new("RGB", (w, h), _CHAT_BG)
        u = w / _CHAT_W
        y = _phone_chrome(img, clock, title, subtitle)
        d = ImageDraw.Draw(img)
        body, small = draw.font(29 * u), draw.font(20 * u)
        line_h, pad_x, pad_y = 39 * u, 24 * u, 16 * u
        last_side = None
        for item in items:
            kind = item[0]
            if kind == "day":
                tw = d.textlength(item[1], font=small)
                y += 10 * u
                d.rounded_rectangle([(w - tw) / 2 - 18 * u, y, (w + tw) / 2 + 18 * u, y + 38 * u],
                                    radius=19 * u, fill=(218, 223, 230))
                d.text((w / 2, y + 19 * u), item[1], font=small, fill=_INK, anchor="mm")
                y += 58 * u
                last_side = None
                continue
            side = "me" if kind in ("me", "photo") else "them"
            y += (8 if side == last_side else 18) * u
            last_side = side
            if kind in ("them", "me"):
                lines = _wrap_text(d, item[1], body, 470 * u)
                inner_w = max(d.textlength(s, font=body) for s in lines)
                inner_w = max(inner_w, d.textlength(item[2], font=small))
                bw = inner_w + 2 * pad_x
                bh = 2 * pad_y + len(lines) * line_h + 26 * u
            elif kind == "photo":
                bw, bh = 280 * u, 2 * pad_y + 190 * u + 26 * u
            else:  # card
                bw = 560 * u
                bh = 2 * pad_y + 52 * u + len(item[2]) * 2 * line_h + 26 * u
            x0 = w - 30 * u - bw if side == "me" else 30 * u
            fill = _ME if side == "me" else _THEM
            d.rounded_rectangle([x0, y, x0 + bw, y + bh], radius=22 * u, fill=fill,
                                outline=(206, 212, 220), width=max(1, int(2 * u)))
            ty = y + pad_y
            if kind in ("them", "me"):
                for s in lines:
                    d.text((x0 + pad_x, ty + line_h / 2), s, font=body, fill=_INK, anchor="lm")
                    ty += line_h
                stamp = item[2]
            elif kind == "photo":
                # A grey placeholder: "a photo", never what it shows.
                d.rounded_rectangle([x0 + pad_x, ty, x0 + bw - pad_x, ty + 170 * u], radius=12 * u,
                                    fill=(178, 184, 194))
                cx, cy = x0 + bw / 2, ty + 85 * u
                d.polygon([(cx - 70 * u, cy + 50 * u), (cx - 15 * u, cy - 20 * u), (cx + 20 * u, cy + 25 * u),
                           (cx + 40 * u, cy + 5 * u), (cx + 75 * u, cy + 50 * u)], fill=(142, 150, 162))
                d.ellipse([cx + 30 * u, cy - 55 * u, cx + 60 * u, cy - 25 * u], fill=(236, 238, 242))
                d.text((x0 + pad_x, ty + 190 * u), "Photo", font=small, fill=_GREY, anchor="ls")
                ty += 190 * u
                stamp = item[1]
            else:
                d.text((x0 + pad_x, ty + 24 * u), item[1].upper(), font=draw.font(26 * u), fill=_ACCENT,
                       anchor="lm")
                ty += 52 * u
                for label, value in item[2]:
                    d.text((x0 + pad_x, ty + line_h / 2), label, font=small, fill=_GREY, anchor="lm")
                    d.text((x0 + pad_x, ty + 1.5 * line_h), value, font=body, fill=_INK, anchor="lm")
                    ty += 2 * line_h
                stamp = item[3]
            d.text((x0 + bw - pad_x, y + bh - pad_y), stamp, font=small, fill=_GREY, anchor="rs")
            y += bh
        return img

    return scene


def _profile_scene(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """The account's profile page: the username and handle to save."""
    img = Image.new("RGB", (w, h), (250, 250, 252))
    u = w / _CHAT_W
    d = ImageDraw.Draw(img)
    d.text((40 * u, 26 * u), "19:53", font=draw.font(26 * u), fill=_INK, anchor="lm")
    d.rounded_rectangle([648 * u, 16 * u, 700 * u, 36 * u], radius=5 * u, outline=_INK,
                        width=max(1, int(2 * u)))
    d.rectangle([653 * u, 21 * u, 686 * u, 31 * u], fill=_INK)
    d.text((40 * u, 100 * u), "<", font=draw.font(40 * u), fill=_ACCENT, anchor="lm")
    d.text((w / 2, 100 * u), "Profile", font=draw.font(30 * u), fill=_INK, anchor="mm")
    d.line([0, 150 * u, w, 150 * u], fill=(214, 218, 224), width=max(1, int(2 * u)))
    d.ellipse([w / 2 - 95 * u, 200 * u, w / 2 + 95 * u, 390 * u], fill=(86, 180, 233))
    d.text((w / 2, 295 * u), "S", font=draw.font(90 * u), fill=(255, 255, 255), anchor="mm")
    d.text((w / 2, 450 * u), SAMPLE_CHAT_USERNAME, font=draw.font(44 * u), fill=_INK, anchor="mm")
    d.text((w / 2, 500 * u), "@sky_22_music", font=draw.font(28 * u), fill=_GREY, anchor="mm")
    d.text((w / 2, 560 * u), "music, festivals, good vibes only", font=draw.font(26 * u), fill=_INK, anchor="mm")
    for i, (num, label) in enumerate((("38", "Followers"), ("412", "Following"), ("3", "Posts"))):
        cx = (0.25 + 0.25 * i) * w
        d.text((cx, 650 * u), num, font=draw.font(34 * u), fill=_INK, anchor="mm")
        d.text((cx, 692 * u), label, font=draw.font(22 * u), fill=_GREY, anchor="mm")
    d.text((w / 2, 770 * u), "Joined August 2024", font=draw.font(24 * u), fill=_GREY, anchor="mm")
    for i, (label, colour) in enumerate((("Message", _ACCENT), ("Block", (90, 90, 96)),
                                         ("Report", (213, 94, 0)))):
        y0 = (850 + 110 * i) * u
        d.rounded_rectangle([120 * u, y0, w - 120 * u, y0 + 80 * u], radius=40 * u,
                            outline=colour, width=max(1, int(3 * u)), fill=(255, 255, 255))
        d.text((w / 2, y0 + 40 * u), label, font=draw.font(30 * u), fill=colour, anchor="mm")
    return img


def _save_screenshot(img: Image.Image, path: Path, when: datetime) -> None:
    """Save a screenshot as PNG with the capture time a phone records."""
    info = PngInfo()
    info.add(b"tIME", writers.png_time(when))
    info.add_text("Creation Time", when.isoformat())
    img.save(path, "PNG", pnginfo=info)


_CHAT_ITEMS: dict[str, tuple[str, str, list[tuple]]] = {
    "chat_1_friendly.png": ("19:50", "online", [
        ("day", "Saturday 14 September"),
        ("them", "hey! saw your comment on the gig video. you have great taste in music", "20:14"),
        ("me", "haha thanks! were you there?", "20:15"),
        ("them", "yes!! front row. we should go to the next one together", "20:15"),
        ("them", "you're so easy to talk to. feels like I've known you for ages", "20:16"),
        ("me", "same honestly", "20:18"),
        ("them", "what are you up to tomorrow? talk then?", "20:19"),
    ]),
    "chat_2_request.png": ("19:50", "online", [
        ("day", "Sunday 15 September"),
        ("them", "kept thinking about our chat last night", "19:02"),
        ("them", "you're really cute btw", "19:03"),
        ("me", "stop it, you're making me blush", "19:05"),
        ("them", "send me a pic? just for me, I promise", "19:06"),
        ("them", "I sent you one, now it's your turn", "19:06"),
        ("photo", "19:31"),
    ]),
    "chat_3_threat.png": ("19:51", "online", [
        ("day", "Sunday 15 September"),
        ("them", "I saved it.", "19:33"),
        ("them", "Pay 200 in gift cards or I send the photo to your followers.", "19:33"),
        ("them", "I have your follower list and your family's names.", "19:34"),
        ("me", "please don't. why are you doing this", "19:36"),
        ("them", "Pay and nobody sees it.", "19:36"),
    ]),
    "chat_4_deadline.png": ("19:51", "online", [
        ("day", "Sunday 15 September"),
        ("them", "You have until 21:00 tonight.", "19:40"),
        ("them", "Don't tell anyone or I post it straight away.", "19:41"),
        ("me", "I can't get that much money", "19:44"),
        ("them", "Then send more photos. Your choice.", "19:45"),
        ("them", "Payment details in the next message.", "19:45"),
    ]),
    "payment_request.png": ("19:52", "online", [
        ("day", "Sunday 15 September"),
        ("card", "Payment request", [("Amount", "200"), ("Method", "gift card codes, 4 x 50"),
                                     ("Send the codes to", "sky22.pay@example.com"),
                                     ("Deadline", "today, 21:00")], "19:46"),
        ("them", "Send the codes there. Clock is ticking.", "19:46"),
    ]),
}


def _make_chat(path: Path, name: str, seed: int) -> None:
    clock, subtitle, items = _CHAT_ITEMS[name]
    img = draw.render(_chat_scene(clock, SAMPLE_CHAT_USERNAME, subtitle, items), _CHAT_W, _CHAT_H,
                  seed=seed, grain=0)
    _save_screenshot(img, path, _CHAT_SHOTS_WHEN[name])


@builder
def make_chat_1_friendly(path: Path) -> None:
    """Screenshot 1: a warm, fast-moving first chat."""
    _make_chat(path, "chat_1_friendly.png", 601)


@builder
def make_chat_2_request(path: Path) -> None:
    """Screenshot 2: flirting, the "your turn" request, and a photo sent."""
    _make_chat(path, "chat_2_request.png", 602)


@builder
def make_chat_3_threat(path: Path) -> None:
    """Screenshot 3: the flip to a threat and a payment demand."""
    _make_chat(path, "chat_3_threat.png", 603)


@builder
def make_chat_4_deadline(path: Path) -> None:
    """Screenshot 4: a deadline, "don't tell anyone", and a demand for more photos."""
    _make_chat(path, "chat_4_deadline.png", 604)


@builder
def make_payment_request(path: Path) -> None:
    """Screenshot 5: the payment request (amount, method, where to send it)."""
    _make_chat(path, "payment_request.png", 605)


@builder
def make_sky22_profile(path: Path) -> None:
    """Screenshot 6: the account's profile page, with the username and handle."""
    img = draw.render(_profile_scene, _CHAT_W, _CHAT_H, seed=606, grain=0)
    _save_screenshot(img, path, _CHAT_SHOTS_WHEN["sky22_profile.png"])


def samples() -> list[Sample]:
    """Every sample of this lesson, with its ground truth (nothing is drawn until a builder runs)."""
    out: list[Sample] = []
    L = LESSON

    def shot(name: str, description: str, make: Callable[[Path], None]) -> None:
        out.append(Sample(
            name, L, description, make, owner=None, landmark=None,
            expected=dict(taken_at=_CHAT_SHOTS_WHEN[name].isoformat(), format="PNG",
                          width=_CHAT_W, height=_CHAT_H, blocks=["PNG time", "PNG text"],
                          thumbnail_present=False, people=[], username=SAMPLE_CHAT_USERNAME),
        ))

    shot("chat_1_friendly.png",
         "A fictional chat screenshot: a warm, fast start with the account Sky_22.",
         make_chat_1_friendly)
    shot("chat_2_request.png",
         "A fictional chat screenshot: flirting, \"now it's your turn\", and a photo sent "
         "(shown only as a grey placeholder).",
         make_chat_2_request)
    shot("chat_3_threat.png",
         "A fictional chat screenshot: the tone flips to a threat and a demand for 200 in gift cards.",
         make_chat_3_threat)
    shot("chat_4_deadline.png",
         "A fictional chat screenshot: a deadline, \"don't tell anyone\", and a demand for more photos.",
         make_chat_4_deadline)
    shot("payment_request.png",
         "A fictional screenshot of the payment request: amount, method and where to send it.",
         make_payment_request)
    shot("sky22_profile.png",
         "A fictional profile screenshot: the username and handle to save, and the Block and "
         "Report buttons.",
         make_sky22_profile)
    return out
