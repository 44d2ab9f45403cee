"""One thin ipywidgets module per lesson; they compose library functions only.

- :mod:`safetylab.widgets.face_key` — "Your face is a search key" (lesson 1)
- :mod:`safetylab.widgets.clues` — "Your background gives away the place" (lesson 2)
- :mod:`safetylab.widgets.file_says` — "What your photo file says" (lesson 3)
- :mod:`safetylab.widgets.permanence` — "Screenshots are forever" (lesson 4)
- :mod:`safetylab.widgets.policy` — "Your photo policy": report card and policy writer (lesson 5)
- :mod:`safetylab.widgets.chat` — chat practice scenarios (lessons 5 and 6)
- :mod:`safetylab.widgets.evidence` — the evidence kit and the five steps (lesson 6)
- :mod:`safetylab.widgets.phone_steps` — "what you can do" on iPhone and Android (every lesson)
- :mod:`safetylab.widgets.learning_check` — the check of learning and each lesson's exit ticket,
  answered in the browser only (lessons 0 to 6)
- :mod:`safetylab.widgets.authoring` — for trainers: the clue annotator, the scenario editor
  and the gallery builder of a course pack (the authoring notebook)

What this does not protect against: the widgets only lay out what the library
finds; each lesson says what its step does not protect against.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from .._html import escape

__all__ = ["face_key", "clues", "file_says", "permanence", "policy", "chat", "evidence", "phone_steps",
           "learning_check", "authoring"]


def __getattr__(name: str):
    if name in __all__:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(name)


def figure_html(fig, *, dpi: int = 100, caption: str | None = None) -> str:
    """A matplotlib figure as an ``<img>`` with its text alternative as ``alt``, and an optional caption.

    The text alternative (``fig.text_alternative``) describes the picture for
    screen readers; it is never printed above the picture. ``caption`` is a
    short visible line in plain words under it.
    """
    return _with_caption(_img_html(fig, dpi), caption)


def _img_html(fig, dpi: int = 100) -> str:
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    alt = getattr(fig, "text_alternative", None) or "A chart or picture; the text around it says what it shows."
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}" '
            'style="max-width:100%;height:auto">')


def _with_caption(img: str, caption: str | None) -> str:
    if not caption:
        return img
    return (f'<figure style="margin:.5em 0">{img}'
            f'<figcaption style="font-size:.95em;margin-top:.2em">{escape(caption)}</figcaption></figure>')


def _file_part(value):
    """What a kept figure depends on for one argument: a file by its name and contents, else the value."""
    if isinstance(value, os.PathLike):
        import hashlib

        path = Path(value)
        try:
            return ["file", path.name, hashlib.sha256(path.read_bytes()).hexdigest()]
        except OSError:
            return ["file", str(path), None]
    return value


def kept_figure_html(draw: Callable[..., Any], *args, dpi: int = 100, caption: str | None = None, **kwargs) -> str:
    """:func:`figure_html` of ``draw(*args, **kwargs)``, drawn once for everyone when it shows the course's own items.

    A demonstration every learner sees the same (a course photo's map or thumbnail) is
    drawn when learner mode gets ready and kept (:mod:`safetylab._cache`, which writes only
    then, with no learner there); a lesson then shows the kept picture instead of drawing it
    again. Anything else (a learner's photo, a trainer's course pack) is drawn as usual and
    never kept. The key is the drawing function's name and its arguments, with each file
    argument (a path) by its name and contents.
    """
    from .. import _cache

    name = f"{getattr(draw, '__module__', '')}.{getattr(draw, '__qualname__', repr(draw))}"
    entry = _cache.key(name, dpi, [_file_part(a) for a in args],
                       {k: _file_part(v) for k, v in sorted(kwargs.items())})
    return _with_caption(_cache.remember("figure", entry, lambda: _img_html(draw(*args, **kwargs), dpi)), caption)


def say_html(*paragraphs: str, bullets: bool = False) -> str:
    """Plain text as HTML paragraphs (or one bulleted list), escaped.

    Examples
    --------
    >>> say_html("One.", "Two & three."), say_html("a", "b", bullets=True)
    ('<p>One.</p><p>Two &amp; three.</p>', '<ul><li>a</li><li>b</li></ul>')
    """
    if bullets:
        return "<ul>" + "".join(f"<li>{escape(p)}</li>" for p in paragraphs if p) + "</ul>"
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)


def say(*paragraphs: str, bullets: bool = False) -> None:
    """Show plain text in a lesson as the page's own words (paragraphs, or a bulleted list).

    ``print`` in a lesson shows a grey block in a typewriter font, the way a program's
    output looks; learner mode shows a lesson's words as the page's own text instead.
    """
    from IPython.display import HTML, display

    display(HTML(say_html(*paragraphs, bullets=bullets)))


def show_figure(fig, *args, caption: str | None = None, **kwargs) -> None:
    """Display a figure in a lesson with its text alternative as ``alt`` (see :func:`figure_html`).

    ``fig`` is a matplotlib figure, or the function that draws it followed by its arguments
    (``show_figure(location.plot_location, lat, lon, place=...)``): drawn that way, a
    demonstration of the course's own photos is drawn once for everyone and kept
    (:func:`kept_figure_html`), so a lesson opens sooner.
    """
    from IPython.display import HTML, display

    if callable(fig) and not hasattr(fig, "savefig"):
        display(HTML(kept_figure_html(fig, *args, caption=caption, **kwargs)))
        return
    if args or kwargs:
        raise TypeError("show_figure(figure) takes no other arguments than caption")
    display(HTML(figure_html(fig, caption=caption)))
