"""Widgets and figures for the lesson "Your background gives away the place".

Thin by design: the game and its scoring live in :mod:`safetylab.clues`, the
scenes in :mod:`safetylab.scenes`, the blur in :mod:`safetylab.background`;
this module only lays them out. :class:`ClueGame` is driven by clicks on the
picture (an ipympl figure, when ``%matplotlib widget`` is on), by keyboard
(two number boxes and **Mark here**), or from plain Python
(``game.click(x, y)``, ``game.check_button.click()``), which is how the tests use it.

What this does not protect against: finding the clues in a drawn scene does not
mean every clue in a real photo will be found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ._media import AltImage
from ._style import text_colour
from .. import clues as _clues
from .. import plain
from .. import scenes as _scenes
from .._html import escape as _e
from ..pack import TRAINER_MARK

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["result_html", "hints_html", "still_visible_html", "plot_scene", "plot_annotation", "plot_hints",
           "plot_blur", "ClueGame"]

# Okabe-Ito, always with a text label too.
_FOUND, _MISSED, _MARK, _HINT = "#009E73", "#D55E00", "#0072B2", "#CC79A7"


def result_html(result: _clues.SceneResult, title: str = "") -> str:
    """One scene's outcome as an accessible table: every clue, FOUND or MISSED, with why it matters."""
    rows = "".join(
        f'<tr><th scope="row" style="color:{text_colour(_FOUND if c.found else _MISSED)}">'
        f'{"✔ FOUND" if c.found else "✘ MISSED"}</th><td>{_e(c.feedback.split(": ", 1)[1])}</td></tr>'
        for c in result.clues)
    cap = _e(title or result.image)
    return (f'<table style="font-size:1.05em"><caption style="text-align:left"><strong>{cap}</strong> — '
            f'{_e(result.summary())}</caption><tr><th scope="col">Result</th><th scope="col">The clue'
            f'</th></tr>{rows}</table>')


def hints_html(found: Sequence[_clues.Hint]) -> str:
    """The automatic hints as a table: what was read, where, and why it matters."""
    if not found:
        return ('<p role="status">The text reader found no readable writing. That does not mean the '
                'picture is safe: shapes, views and landmarks need a human eye.</p>')
    cell = '<td style="text-align:left">'
    rows = "".join(f'<tr>{cell}{i}</td>{cell}<strong>{_e(h.text)}</strong></td>{cell}{_e(plain.clue_kind(h.kind))}</td>'
                   f'{cell}{_e(h.explanation)}</td></tr>' for i, h in enumerate(found, 1))
    return ('<table><caption style="text-align:left"><strong>What software read by itself</strong> '
            '(numbers match the boxes on the picture)</caption><tr><th scope="col">#</th>'
            '<th scope="col" style="text-align:left">Read</th><th scope="col" style="text-align:left">Looks like</th>'
            '<th scope="col" style="text-align:left">Why it matters</th>'
            f'</tr>{rows}</table>')


def _figure(size=(8, 6)):
    import matplotlib.pyplot as plt

    with plt.ioff():
        fig = plt.figure(figsize=size)
    return fig


def _box(ax, box, colour, label, style="-"):
    from matplotlib.patches import Rectangle

    x, y, w, h = box
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=colour, linewidth=2.5, linestyle=style))
    ax.text(x, max(0, y - 4), label, color="white", fontsize=10, va="bottom",
            bbox=dict(facecolor=colour, edgecolor="none", pad=1.5))


def _imshow(ax, image, annotation: Mapping[str, Any] | None) -> None:
    """Show ``image`` in the annotation's pixels (a photo shown smaller keeps its boxes in place)."""
    size = tuple(annotation["size"]) if annotation and annotation.get("size") else None
    shown = getattr(image, "size", None) or (image.shape[1], image.shape[0])
    if size and tuple(shown) != size:
        ax.imshow(image, extent=(0, size[0], size[1], 0))
    else:
        ax.imshow(image)


def plot_scene(image, annotation: Mapping[str, Any] | None = None, result: _clues.SceneResult | None = None,
               marks: Sequence[_clues.Mark] = (), fig: "Figure | None" = None) -> "Figure":
    """Show a picture, the learner's marks and, after a check, every clue boxed FOUND or MISSED.

    Boxes and marks are in the annotation's pixels (the photo as displayed at full
    size), also when ``image`` is a smaller copy of it.
    """
    fig = fig or _figure()
    fig.clear()
    ax = fig.add_axes([0, 0, 1, 1])
    _imshow(ax, image, annotation)
    ax.set_axis_off()
    for m in marks:
        if m.is_click:
            ax.plot([m.x], [m.y], marker="X", markersize=14, color=_MARK, markeredgecolor="white")
        else:
            _box(ax, (m.x, m.y, m.w, m.h), _MARK, "your box", "--")
    if result is not None:
        for c in result.clues:
            _box(ax, c.box, _FOUND if c.found else _MISSED,
                 ("FOUND: " if c.found else "MISSED: ") + plain.clue_kind(_kind(annotation, c.id)),
                 "-" if c.found else ":")
    found = f"; {result.found} of {result.total} clues found" if result else ""
    fig.text_alternative = (f"{(annotation or {}).get('title', 'A picture')}: "
                            f"{plain.count(len(marks), 'mark')} so far{found}.")
    return fig


def _kind(annotation: Mapping[str, Any] | None, clue_id: str) -> str:
    """A clue's type (``street_sign``) from its annotation; its id when it has none."""
    for c in (annotation or {}).get("clues", []):
        if c.get("id") == clue_id:
            return c.get("type") or clue_id
    return clue_id


def still_visible_html(result) -> str:
    """What a background blur left, as a list in words (``background.blur_background``'s notes)."""
    if not result.still_visible:
        return '<p role="status">After the blur, nothing readable is left in the picture.</p>'
    items = "".join(f"<li>{_e(line)}</li>" for line in result.still_visible)
    return f'<div role="status"><p><strong>After the blur:</strong></p><ul>{items}</ul></div>'


def _quiet_canvas(canvas) -> None:
    """An ipympl canvas without its developer furniture: no "Figure 1" header, no toolbar, no
    ``(x, y) = (236.3, 133.2) [17, 56, 124]`` readout, no resize handle."""
    for name, value in (("header_visible", False), ("footer_visible", False), ("toolbar_visible", False),
                        ("resizable", False), ("capture_scroll", False)):
        if hasattr(canvas, name):
            setattr(canvas, name, value)


def plot_annotation(image, annotation: Mapping[str, Any], pending: Sequence[int] | None = None,
                    fig: "Figure | None" = None) -> "Figure":
    """A trainer's view of an annotation: every clue boxed with its id and type, and the box
    being drawn (``pending``, ``[x, y, w, h]``) dashed. Returns the figure; its first axes
    are in the annotation's pixels (a box drawn on them is a box of the annotation)."""
    fig = fig or _figure()
    fig.clear()
    ax = fig.add_axes([0, 0, 1, 1])
    _imshow(ax, image, annotation)
    ax.set_axis_off()
    for c in annotation.get("clues", ()):
        _box(ax, c["box"], _HINT, f'{c["id"]} ({c["type"].replace("_", " ")})')
    if pending:
        _box(ax, pending, _MARK, "new clue", "--")
    n = len(annotation.get("clues", ()))
    fig.text_alternative = (f"{annotation.get('title') or annotation.get('image', 'A picture')}: "
                            f"{n} clue{'s' if n != 1 else ''} marked"
                            + ("; a new box is drawn." if pending else "."))
    return fig


def plot_hints(image, found: Sequence[_clues.Hint], fig: "Figure | None" = None) -> "Figure":
    """The picture with every automatic hint boxed and numbered."""
    fig = fig or _figure()
    fig.clear()
    ax = fig.add_axes([0, 0, 1, 1])
    ax.imshow(image)
    ax.set_axis_off()
    for i, h in enumerate(found, 1):
        _box(ax, h.box, _HINT, f"{i}: {h.text}")
    fig.text_alternative = "Text found by software: " + ("; ".join(h.text for h in found) or "none") + "."
    return fig


def plot_blur(before, result, fig: "Figure | None" = None) -> "Figure":
    """Before and after background blur, side by side."""
    fig = fig or _figure((11, 4.4))
    fig.clear()
    for i, (pic, title) in enumerate(((before, "Before"), (result.image, "Background blurred"))):
        ax = fig.add_subplot(1, 2, i + 1)
        ax.imshow(pic)
        ax.set_title(title, fontsize=13)
        ax.set_axis_off()
    fig.tight_layout()
    fig.text_alternative = ("Before and after: the person is kept sharp, the background is blurred. "
                            + (" ".join(result.still_visible) or "No text is readable any more."))
    return fig


class _Drawn(str):
    """The name of one of the course's scenes, standing in for its picture until it is shown."""


class _Pictures(list):
    """The game's pictures: a scene named by :class:`_Drawn` is drawn when first asked for."""

    def __getitem__(self, index):
        item = super().__getitem__(index)
        if isinstance(item, _Drawn):
            item = _scenes.render(item)
            super().__setitem__(index, item)
        return item


class ClueGame:
    """Spot the clues, scene after scene.

    Parameters
    ----------
    names : sequence of str, optional
        Scene names (see :data:`safetylab.scenes.SCENES`); all by default, followed
        by the scenes of the trainer's course pack (``SAFETYLAB_PACK``, see
        :mod:`safetylab.pack`), each marked as theirs, with its credit.
    annotations, images : sequences, optional
        Your own pictures and annotations instead of the drawn scenes
        (e.g. from :func:`safetylab.clues.load`).
    packs : bool
        Add the course pack's scenes when ``names`` and ``annotations`` are not given.
    """

    def __init__(self, names: Sequence[str] | None = None, *, annotations=None, images=None,
                 packs: bool = True):
        import ipywidgets as w

        self.credits: list[str | None] = []
        self.status = w.HTML()
        if annotations is None:
            with_pack = packs and names is None
            names = list(names or _scenes.SCENES)
            annotations = _scenes.annotations(names)
            images = [_Drawn(n) for n in names]  # each scene is drawn when first shown
            self.credits = [None] * len(names)
            if with_pack:
                self._add_pack_scenes(annotations, images)
        self.images = _Pictures(images)
        self.credits += [None] * (len(self.images) - len(self.credits))
        self.game = _clues.Game(annotations)
        self.result: _clues.SceneResult | None = None
        self.fig = plot_scene(self.images[0], self.game.annotation)
        self.fig.canvas.mpl_connect("button_press_event", self._on_press)
        self.title = w.HTML()
        self.x = w.BoundedIntText(description="Across (x)", min=0, max=10_000, layout=w.Layout(width="170px"),
                                  tooltip="How far across the picture, from its left edge")
        self.y = w.BoundedIntText(description="Down (y)", min=0, max=10_000, layout=w.Layout(width="170px"),
                                  tooltip="How far down the picture, from its top edge")
        self.mark_button = w.Button(description="Mark here", tooltip="Mark the point across and down")
        self.undo_button = w.Button(description="Undo last mark")
        self.check_button = w.Button(description="Check my marks", button_style="primary")
        self.next_button = w.Button(description="Next scene")
        self.feedback = w.HTML()
        self.score = w.HTML()
        self.mark_button.on_click(lambda _: self.click(self.x.value, self.y.value))
        self.undo_button.on_click(lambda _: self.undo())
        self.check_button.on_click(lambda _: self.check())
        self.next_button.on_click(lambda _: self.next())
        if isinstance(self.fig.canvas, w.DOMWidget):  # ipympl: the picture itself takes clicks
            _quiet_canvas(self.fig.canvas)
            canvas = self.fig.canvas
        else:  # a still picture: marks are made with the number boxes
            self.picture = AltImage(format="png", layout=w.Layout(max_width="100%"))
            canvas = w.VBox([self.picture, w.HTML(
                "<p>Type how far across (x) and how far down (y) the clue is, in pixels of the picture, "
                "and press <strong>Mark here</strong>.</p>")])
        self.view = w.VBox([self.status, self.title, canvas, w.HBox([self.x, self.y, self.mark_button, self.undo_button]),
                            w.HBox([self.check_button, self.next_button]), self.feedback, self.score])
        self._refresh()

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.view)

    def _add_pack_scenes(self, annotations: list, images: list) -> None:
        """The trainer's scenes (their course pack), after the course's; a problem is one line."""
        from .. import pack
        from ..errors import SafetyLabError

        found, problems = pack.from_environment()
        for scene in pack.scenes(found):
            try:
                picture = scene.picture()
            except SafetyLabError as e:
                problems.append(str(e))
                continue
            annotations.append(scene.annotation)
            images.append(picture)
            self.credits.append(scene.credit)
        if problems:
            self.status.value = ("<p role=\"note\">Some of your trainer's pictures could not be used here: "
                                 f"{_e(problems[0])}</p>")

    def _on_press(self, event) -> None:  # pragma: no cover - needs a front end
        if event.inaxes is not None and event.xdata is not None:
            self.click(event.xdata, event.ydata)

    def _refresh(self) -> None:
        a = self.game.annotation
        level = _scenes.LEVELS.get(a.get("level"), "")
        credit = self.credits[self.game.index]
        mine = "" if credit is None else f" ({TRAINER_MARK})"
        self.title.value = (f'<h3>Scene {self.game.index + 1} of {len(self.game.annotations)}: '
                            f'{_e(a.get("title", a["image"]))}{" (" + level + ")" if level else ""}{mine}</h3>'
                            + (f"<p><small>Photo: {_e(credit)}</small></p>" if credit else "")
                            + f'<p>Mark every place that could tell a stranger where this is. '
                            f'{plain.count(len(self.game.marks), "mark")} so far.</p>')
        plot_scene(self.images[self.game.index], a, self.result, self.game.marks, fig=self.fig)
        self.fig.canvas.draw_idle()
        if getattr(self, "picture", None) is not None:
            import io

            buf = io.BytesIO()
            self.fig.savefig(buf, format="png", dpi=80)
            self.picture.value = buf.getvalue()
            self.picture.alt = self.fig.text_alternative
        self.score.value = f'<p role="status"><strong>{_e(self.game.summary())}</strong></p>'

    def click(self, x: float, y: float) -> _clues.Mark:
        """Mark a point, as a click on the picture does."""
        m = self.game.mark(x, y)
        self._refresh()
        return m

    def mark_box(self, x: float, y: float, w: float, h: float) -> _clues.Mark:
        """Mark a box."""
        m = self.game.mark_box(x, y, w, h)
        self._refresh()
        return m

    def undo(self) -> None:
        self.game.undo()
        self.result = None
        self._refresh()

    def check(self) -> _clues.SceneResult:
        """Score this scene and show the feedback for every clue."""
        self.result = self.game.check()
        self.feedback.value = result_html(self.result, self.game.annotation.get("title", ""))
        self._refresh()
        return self.result

    def next(self) -> bool:
        """Go to the next scene (False after the last)."""
        moved = self.game.next()
        if moved:
            self.result = None
            self.feedback.value = ""
        else:
            self.feedback.value = (f'<p role="status">That was the last scene. '
                                   f'{_e(self.game.summary())}</p>')
        self._refresh()
        return moved
