"""Authoring tools for trainers: a clue annotator, a scenario editor and a gallery builder.

The widgets of the authoring notebook (``notebooks/authoring/90_make_your_own``),
opened in JupyterLab with a course pack (``safetylab lab --pack DIR``). Thin by
design: the annotation logic is :mod:`safetylab.clues` (:func:`~safetylab.clues.add_clue`,
:func:`~safetylab.clues.save`, ...), the scenario checks :mod:`safetylab.scenarios`
(:func:`~safetylab.scenarios.check_text`, :func:`~safetylab.scenarios.save`), the
profiles :mod:`safetylab.linking` (:func:`~safetylab.linking.add_profile`, ...), the
pack's photos and consent checklist :mod:`safetylab.pack`; these classes only lay
them out. Each can be driven from plain Python (``annotator.select_box(...)``,
``annotator.add_button.click()``, ``editor.text.value = ...``), which is how the
tests use them.

Every tool writes into the pack and never replaces a file silently: saving over
a file needs **Replace the saved file** ticked, and the old one is kept as
``NAME.bak``. Each one plays its result at once with the lesson's own widget
(the spot-the-clue game, the chat practice, the search).

What this does not protect against: the tools check the form of what a trainer
writes, not whether it is right for a class; the consent checklist records what
the trainer says.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any, Mapping

from .. import pack as _pack
from .._html import escape as _e
from ..errors import AlreadyThereError, SafetyLabError

__all__ = ["pack_folder", "ClueAnnotator", "ScenarioEditor", "GalleryBuilder", "CONSENT_BOXES"]

#: The consent checklist's yes/no questions, as the form shows them.
CONSENT_BOXES = {
    "everyone_agreed": "Everyone in it, and its owner, agreed to its use in this course",
    "under_18_in_it": "Someone in it is under 18",
    "parent_or_carer_agreed": "A parent or carer agreed too (needed when someone in it is under 18)",
    "nothing_intimate": "Nothing intimate, sexual, or anyone in underwear or swimwear",
    "places_ok": "The places it shows may be shown to this class",
}
_CONSENT_TEXTS = {
    "whose_photo": "Whose photo is it (who took it or owns it)?",
    "who_is_in_it": "Who is in it (names or roles, or \u201cnobody\u201d)?",
    "how_they_agreed": "How and when did they agree?",
    "credit": "Credit shown beside it:",
}


_WIDE = {"description_width": "8em"}


def pack_folder(folder: str | os.PathLike | None = None) -> Path | None:
    """The pack to write into: ``folder``, else the first named with ``safetylab lab --pack``."""
    if folder is not None:
        return Path(folder).expanduser()
    from .._datafile import pack_folders

    found = pack_folders()
    return found[0] if found else None


def _ok(text: str) -> str:
    return f'<p role="status" style="color:#111"><strong>\u2713</strong> {_e(text)}</p>'


def _problem(text: str) -> str:
    return f'<p role="alert" style="color:#111"><strong>\u2718</strong> {_e(text)}</p>'


def _problems(lines: list[str]) -> str:
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return (f'<div role="alert" style="color:#111"><strong>{len(lines)} problem{"s" if len(lines) != 1 else ""}'
            f"</strong> (each names the field):<ul>{items}</ul></div>")


def _no_pack() -> str:
    return _problem("No course pack is named: start JupyterLab with 'safetylab lab --pack my-course', "
                    "or give the folder, e.g. ClueAnnotator('my-course').")


def _saved(written: Path, kept: Path | None) -> str:
    return _ok(f"Saved {written.name}" + (f"; the file it replaced is kept as {kept.name}." if kept else "."))


def _exists(err: AlreadyThereError) -> str:
    return _problem(f"{err}. Tick \u201cReplace the saved file\u201d and save again "
                    "(the old one is then kept as a .bak file).")


class _Tool:
    """What the three tools share: the pack, a status line, a "replace" box."""

    def __init__(self, folder):
        import ipywidgets as w

        self.folder = pack_folder(folder)
        self.status = w.HTML(_no_pack() if self.folder is None else "")
        self.replace = w.Checkbox(value=False, description="Replace the saved file (the old one is kept as .bak)",
                                  indent=False, layout=w.Layout(width="auto"))

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def _needs_pack(self) -> bool:
        if self.folder is None:
            self.status.value = _no_pack()
            return True
        return False

    def _write(self, write) -> Path | None:
        """Save with ``write(replace)`` (-> written, kept) and say what happened, in one line."""
        try:
            written, kept = write(self.replace.value)
        except AlreadyThereError as e:
            self.status.value = _exists(e)
            return None
        except SafetyLabError as e:
            self.status.value = _problem(str(e))
            return None
        self.replace.value = False
        self.status.value = _saved(written, kept)
        return written


# --------------------------------------------------------------------------- #
# The clue annotator
# --------------------------------------------------------------------------- #

class ClueAnnotator(_Tool):
    """Mark the clues in your own photo; it writes ``photos/NAME.clues.json`` in the pack.

    Choose a photo of the pack (or add one with **Add a photo**), fill in its
    consent checklist if it has none, then for each clue: drag a box on the
    picture (``%matplotlib widget``) or type x, y, width and height, choose the
    kind of clue, say what it reveals and why, and press **Add this clue**.
    **Save the clues** writes the annotation beside the photo (an existing one
    is replaced only with "Replace the saved file" ticked); **Play it** opens the
    spot-the-clue game on it at once.

    Parameters
    ----------
    folder : path-like, optional
        The course pack (default: the first of ``safetylab lab --pack``).

    Attributes
    ----------
    annotation : dict or None
        The annotation being written (a new one after every change).
    game : safetylab.widgets.clues.ClueGame or None
        The game of the last **Play it**.
    """

    def __init__(self, folder=None):
        import ipywidgets as w

        from .. import clues

        super().__init__(folder)
        self.annotation: dict[str, Any] | None = None
        self.picture = None
        self.photo: Path | None = None
        self.game = None
        self.photo_picker = w.Dropdown(options=[], description="Photo", style={"description_width": "initial"},
                                       layout=w.Layout(width="28em"))
        self.upload = w.FileUpload(accept=".jpg,.jpeg,.png,.webp,.tif,.tiff,.heic,.heif,.avif",
                                   multiple=False, description="Add a photo")
        self.relist_button = w.Button(description="List the photos again", layout=w.Layout(width="auto"),
                                      tooltip="After you put photos into the pack's photos folder yourself")
        self.consent_view = w.HTML()
        self.consent_texts = {k: w.Text(description=label, style={"description_width": "18em"},
                                        layout=w.Layout(width="44em")) for k, label in _CONSENT_TEXTS.items()}
        self.consent_boxes = {k: w.Checkbox(value=False, description=label, indent=False,
                                            layout=w.Layout(width="auto")) for k, label in CONSENT_BOXES.items()}
        self.consent_button = w.Button(description="Save the checklist", tooltip="Writes photos/consent.json")
        self.consent_form = w.VBox([*self.consent_texts.values(), *self.consent_boxes.values(), self.consent_button])
        self.title = w.Text(description="Title", placeholder="Shown above the picture in the game",
                            layout=w.Layout(width="36em"))
        self.level = w.Dropdown(options=[("easy", 1), ("medium", 2), ("hard", 3)], value=1, description="Level")
        self.x, self.y, self.w, self.h = (w.BoundedIntText(description=d, min=0, max=100_000,
                                                           layout=w.Layout(width="150px"))
                                          for d in ("x", "y", "width", "height"))
        self.kind = w.Dropdown(options=[(t.replace("_", " "), t) for t in clues.clue_types()],
                               description="Kind of clue", style={"description_width": "initial"})
        self.reveals = w.Text(description="It reveals", placeholder="e.g. the street outside the window",
                              layout=w.Layout(width="44em"))
        self.why = w.Textarea(description="Why", placeholder="One or two plain sentences: why a stranger could use it",
                              layout=w.Layout(width="44em", height="4.5em"))
        self.words = w.Text(description="Its words", placeholder="Optional: the exact words, as they read",
                            layout=w.Layout(width="44em"))
        self.mirrored = w.Checkbox(value=False, description="Seen in a mirror", indent=False)
        self.on_person = w.Checkbox(value=False, description="On the person (blur does not hide it)", indent=False)
        self.box_view = w.HTML()
        self.add_button = w.Button(description="Add this clue", button_style="primary")
        self.remove_picker = w.Dropdown(options=[], description="Clue")
        self.remove_button = w.Button(description="Remove it")
        self.list_view = w.HTML()
        self.save_button = w.Button(description="Save the clues", button_style="success")
        self.play_button = w.Button(description="Play it", tooltip="The spot-the-clue game, on this photo")
        self.play_area = w.VBox()
        self.fig = None
        self.selector = None
        self.canvas_box = w.VBox()
        self.photo_picker.observe(lambda c: self.select_photo(c["new"]) if c["new"] else None, names="value")
        self.upload.observe(self._on_upload, names="value")
        self.relist_button.on_click(lambda _b: self.refresh_photos(select=self.photo_picker.value))
        self.consent_button.on_click(lambda _b: self.save_consent())
        for box in (self.x, self.y, self.w, self.h):
            box.observe(lambda _c: self._draw(), names="value")
        self.title.observe(lambda _c: self._retitle(), names="value")
        self.level.observe(lambda _c: self._retitle(), names="value")
        self.add_button.on_click(lambda _b: self.add_clue())
        self.remove_button.on_click(lambda _b: self.remove_clue(self.remove_picker.value))
        self.save_button.on_click(lambda _b: self.save())
        self.play_button.on_click(lambda _b: self.play())
        self.widget = w.VBox([
            w.HBox([self.photo_picker, self.upload, self.relist_button]), self.status, self.consent_view,
            self.consent_form,
            w.HBox([self.title, self.level]), self.canvas_box,
            w.HTML("<p>Drag a box around a clue on the picture, or type where it is (in pixels):</p>"),
            w.HBox([self.x, self.y, self.w, self.h]), self.box_view, self.kind, self.reveals, self.why, self.words,
            w.HBox([self.mirrored, self.on_person]), self.add_button, self.list_view,
            w.HBox([self.remove_picker, self.remove_button]), self.replace,
            w.HBox([self.save_button, self.play_button]), self.play_area])
        self.refresh_photos()

    # -- photos and consent --------------------------------------------------- #

    def refresh_photos(self, select: str | None = None) -> None:
        """List the pack's photos again (after one was added), choosing ``select``."""
        names = [p.name for p in _pack.photo_files(self.folder)] if self.folder else []
        self.photo_picker.options = [("Choose a photo…", None)] + [(n, n) for n in names]
        if select in names:
            self.photo_picker.value = select
        elif self.folder is not None and not names:
            self.status.value = _ok("The pack has no photos yet: add one with \u201cAdd a photo\u201d.")

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        self.upload.value = ()  # the bytes do not stay in the widget (or the notebook)
        self.add_photo(item["name"], bytes(item["content"]))

    def add_photo(self, name: str, data: bytes) -> Path | None:
        """Put a photo into the pack's ``photos/`` (never over another) and choose it."""
        if self._needs_pack():
            return None
        try:
            path = _pack.add_photo(self.folder, name, data)
        except SafetyLabError as e:
            self.status.value = _problem(str(e))
            return None
        self.refresh_photos(select=path.name)
        self.status.value = _ok(f"Added {path.name} to the pack's photos. Fill in its consent checklist below.")
        return path

    def _show_consent(self) -> None:
        try:
            entries = _pack.consent_entries(self.folder)
        except SafetyLabError as e:
            self.consent_view.value = _problem(str(e))
            self.consent_form.layout.display = "none"
            return
        has = self.photo is not None and self.photo.name in entries
        self.consent_form.layout.display = "none" if has or self.photo is None else None
        if self.photo is None:
            self.consent_view.value = ""
        elif has:
            row = entries[self.photo.name]
            self.consent_view.value = _ok(f"Its consent checklist is filled in ({row['checked_on']}). "
                                          f"Credit: {row['credit']}")
        else:
            self.consent_view.value = ("<p><strong>Consent checklist.</strong> Before this photo goes into the "
                                       "pack, fill in its checklist. Tick a box only when it is so; if you "
                                       "cannot, leave the photo out.</p>")

    def consent_entry(self) -> dict[str, Any]:
        """The checklist as the form has it now (``checked_on`` is today)."""
        entry: dict[str, Any] = {"file": self.photo.name if self.photo else ""}
        entry.update({k: box.value.strip() for k, box in self.consent_texts.items()})
        entry.update({k: box.value for k, box in self.consent_boxes.items()})
        if not entry["under_18_in_it"]:
            entry.pop("parent_or_carer_agreed")
        entry["checked_on"] = datetime.date.today().isoformat()
        return {k: entry[k] for k in ("file", "whose_photo", "who_is_in_it", "everyone_agreed", "how_they_agreed",
                                      "under_18_in_it", "parent_or_carer_agreed", "nothing_intimate",
                                      "places_ok", "credit", "checked_on") if k in entry}

    def save_consent(self) -> bool:
        """Write the photo's checklist into ``photos/consent.json`` (refused with a line per problem)."""
        if self._needs_pack() or self.photo is None:
            return False
        entry = self.consent_entry()
        found = _pack.consent_problems({"photos": [entry]})
        if found:
            self.status.value = _problems(found)
            return False
        try:
            _pack.record_consent(self.folder, entry)
        except SafetyLabError as e:
            self.status.value = _problem(str(e))
            return False
        self.status.value = _ok(f"Saved the checklist of {self.photo.name} in photos/consent.json.")
        self._show_consent()
        return True

    # -- the annotation -------------------------------------------------------- #

    def select_photo(self, name: str) -> None:
        """Choose a photo of the pack: its saved annotation is opened, or a new one started."""
        from .. import clues
        from ..images import load

        if self._needs_pack():
            return
        photo = self.folder / "photos" / name
        try:
            existing = clues.annotation_path(photo)
            if existing.is_file():
                self.annotation = clues.load(existing)
                note = f"Opened the saved clues of {name}: add to them, then save with \u201cReplace\u201d ticked."
            else:
                self.annotation = clues.new_annotation(photo, title=self.title.value or None,
                                                       level=self.level.value)
                note = f"{name}: mark its clues."
            self.picture = load(photo, max_side=1280)
        except SafetyLabError as e:
            self.status.value = _problem(str(e))
            self.annotation, self.picture, self.photo = None, None, None
            self._show_consent()
            return
        if self.photo_picker.value != name:
            self.photo_picker.value = name
        self.photo = photo
        self.game, self.play_area.children = None, ()
        self.title.value = self.annotation.get("title", "")
        self.level.value = self.annotation.get("level", 1)
        self.x.max, self.y.max = self.annotation["size"]
        self.w.max, self.h.max = self.annotation["size"]
        self.status.value = _ok(note)
        self._show_consent()
        self._draw()

    def _retitle(self) -> None:
        if self.annotation is None:
            return
        ann = dict(self.annotation, level=self.level.value)
        if self.title.value.strip():
            ann["title"] = self.title.value.strip()
        else:
            ann.pop("title", None)
        self.annotation = ann

    def select_box(self, x0: float, y0: float, x1: float, y1: float) -> list[int]:
        """Take the box between two corners (what dragging on the picture does) as the new clue's place."""
        from .. import clues

        if self.annotation is None:
            return []
        box = clues.box_from_corners(x0, y0, x1, y1, self.annotation["size"])
        self.x.value, self.y.value, self.w.value, self.h.value = box
        return box

    def _on_select(self, press, release) -> None:  # pragma: no cover - needs a front end
        if None not in (press.xdata, press.ydata, release.xdata, release.ydata):
            self.select_box(press.xdata, press.ydata, release.xdata, release.ydata)

    @property
    def pending_box(self) -> list[int] | None:
        """The box typed or drawn for the next clue (None until it has a size)."""
        if self.w.value <= 0 or self.h.value <= 0:
            return None
        return [self.x.value, self.y.value, self.w.value, self.h.value]

    def _draw(self) -> None:
        import ipywidgets as w
        from matplotlib.widgets import RectangleSelector

        from .clues import plot_annotation

        if self.annotation is None or self.picture is None:
            return
        if self.fig is None:
            import matplotlib.pyplot as plt

            with plt.ioff():
                self.fig = plt.figure(figsize=(8, 8 * self.annotation["size"][1] / self.annotation["size"][0]))
            canvas = self.fig.canvas if isinstance(self.fig.canvas, w.DOMWidget) else w.HTML(
                "<p>Run <code>%matplotlib widget</code> to drag boxes on the picture; the number boxes "
                "below work too.</p>")
            self.canvas_box.children = (canvas,)
        box = self.pending_box
        self.box_view.value = ("" if box is None else
                               f"<p>The new clue's box: x {box[0]}, y {box[1]}, width {box[2]}, height {box[3]}.</p>")
        plot_annotation(self.picture, self.annotation, box, fig=self.fig)
        self.selector = RectangleSelector(self.fig.axes[0], self._on_select, useblit=False, button=[1],
                                          minspanx=3, minspany=3, spancoords="pixels", interactive=False)
        self.fig.canvas.draw_idle()
        self._list()

    def _list(self) -> None:
        found = self.annotation.get("clues", []) if self.annotation else []
        rows = "".join(f"<tr><td>{_e(c['id'])}</td><td>{_e(c['type'].replace('_', ' '))}</td>"
                       f"<td>{_e(c['box'])}</td><td>{_e(c['reveals'])}</td></tr>" for c in found)
        self.list_view.value = ("<p>No clues yet.</p>" if not found else
                                '<table><caption style="text-align:left"><strong>The clues so far</strong>'
                                '</caption><tr><th>Id</th><th>Kind</th><th>Box [x, y, w, h]</th>'
                                f"<th>Reveals</th></tr>{rows}</table>")
        self.remove_picker.options = [c["id"] for c in found]

    def add_clue(self) -> bool:
        """Add the clue the fields describe (a problem is shown in one line, naming the field)."""
        from .. import clues

        if self.annotation is None:
            self.status.value = _problem("Choose a photo first.")
            return False
        if self.pending_box is None:
            self.status.value = _problem("Draw a box around the clue, or type its x, y, width and height.")
            return False
        try:
            self.annotation = clues.add_clue(
                self.annotation, type=self.kind.value, box=self.pending_box, reveals=self.reveals.value,
                why=self.why.value, text=self.words.value or None, mirrored=self.mirrored.value,
                on_person=self.on_person.value)
        except SafetyLabError as e:
            self.status.value = _problem(str(e))
            return False
        added = self.annotation["clues"][-1]["id"]
        self.w.value = self.h.value = 0
        self.reveals.value = self.why.value = self.words.value = ""
        self.mirrored.value = self.on_person.value = False
        self.status.value = _ok(f"Added the clue {added}. Save the clues when you have marked them all.")
        self._draw()
        return True

    def remove_clue(self, clue_id: str | None) -> None:
        """Take a clue out of the annotation."""
        from .. import clues

        if self.annotation is None or not clue_id:
            return
        self.annotation = clues.remove_clue(self.annotation, clue_id)
        self.status.value = _ok(f"Removed the clue {clue_id}.")
        self._draw()

    def save(self) -> Path | None:
        """Write ``photos/NAME.clues.json`` (over a saved one only with "Replace the saved file" ticked)."""
        from .. import clues

        if self._needs_pack() or self.annotation is None or self.photo is None:
            self.status.value = _problem("Choose a photo and mark its clues first.")
            return None
        self._retitle()
        written = self._write(lambda replace: clues.save(self.annotation, self.photo, replace=replace))
        if written is not None:
            n = len(self.annotation["clues"])
            title = self.annotation.get("title")
            self.status.value = self.status.value.replace(
                "</p>", _e(f" It holds {n} clue{'s' if n != 1 else ''}"
                           + (f" and the title “{title}”." if title else ".")) + "</p>")
        return written

    def play(self):
        """The spot-the-clue game on this photo, as learners will play it."""
        from .clues import ClueGame

        if self.annotation is None or self.picture is None:
            self.status.value = _problem("Choose a photo and mark its clues first.")
            return None
        if not self.annotation["clues"]:
            self.status.value = _problem("Mark at least one clue first.")
            return None
        self._retitle()
        self.game = ClueGame(annotations=[self.annotation], images=[self.picture], packs=False)
        self.play_area.children = (self.game.view,)
        return self.game


# --------------------------------------------------------------------------- #
# The scenario editor
# --------------------------------------------------------------------------- #

class ScenarioEditor(_Tool):
    """Write a chat scenario with every problem shown as you type; play it; save it in the pack.

    The text starts as the example pack's chat (or opens one of the pack's
    scenarios). Every change is checked at once (:func:`safetylab.scenarios.check_text`):
    one line per problem, naming the place in the file. **Play it** opens the
    chat practice on it; **Save** writes ``scenarios/ID.json`` in the pack.

    Parameters
    ----------
    folder : path-like, optional
        The course pack (default: the first of ``safetylab lab --pack``).
    """

    def __init__(self, folder=None, text: str | None = None):
        import ipywidgets as w

        super().__init__(folder)
        self.scenario = None
        self.practice = None
        self._listing = False
        self.opener = w.Dropdown(options=[("Start from the example", None)], description="Open",
                                 layout=w.Layout(width="28em"))
        self._list_files()
        self.text = w.Textarea(value=text if text is not None else _pack.example_scenario_text(),
                               continuous_update=True, layout=w.Layout(width="100%", height="28em"))
        self.text.add_class("safetylab-scenario-text")
        self.check_view = w.HTML()
        self.play_button = w.Button(description="Play it", tooltip="The chat practice, on this scenario")
        self.save_button = w.Button(description="Save", button_style="success",
                                    tooltip="Writes scenarios/ID.json in the pack")
        self.play_area = w.VBox()
        self.opener.observe(lambda c: None if self._listing else self.open(c["new"]), names="value")
        self.text.observe(lambda _c: self.check(), names="value")
        self.play_button.on_click(lambda _b: self.play())
        self.save_button.on_click(lambda _b: self.save())
        self.widget = w.VBox([self.opener, self.text, self.check_view, self.replace,
                              w.HBox([self.play_button, self.save_button]), self.status, self.play_area])
        self.check()

    def _list_files(self) -> None:
        """List the pack's scenario files again, keeping the choice and the text as they are."""
        folder = None if self.folder is None else self.folder / "scenarios"
        mine = sorted(p.name for p in folder.glob("*.json")) if folder is not None and folder.is_dir() else []
        chosen, self._listing = self.opener.value, True
        try:
            self.opener.options = [("Start from the example", None)] + [(n, n) for n in mine]
            self.opener.value = chosen if chosen in mine else None
        finally:
            self._listing = False

    def open(self, name: str | None) -> None:
        """Open one of the pack's scenario files (None: the example)."""
        if name is None:
            self.text.value = _pack.example_scenario_text()
        elif self.folder is not None:
            try:
                self.text.value = (self.folder / "scenarios" / name).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as e:
                self.status.value = _problem(f"{name} could not be read ({type(e).__name__}).")

    def check(self) -> list[str]:
        """Check the text now; show and return its problems (none: the scenario is ready)."""
        from .. import scenarios

        self.scenario, found = scenarios.check_text(self.text.value, "scenario")
        if found:
            self.check_view.value = _problems(found)
        else:
            sc = self.scenario
            routes = len(scenarios.paths(sc))
            self.check_view.value = _ok(
                f"No problems: \u201c{sc.title}\u201d, {len(sc.nodes)} moments, {len(sc.endings)} endings, "
                f"{routes} route{'s' if routes != 1 else ''} from start to end.")
        self.play_button.disabled = self.save_button.disabled = self.scenario is None
        return found

    def play(self):
        """The chat practice on this scenario, as learners will play it."""
        from .chat import ChatPractice

        if self.scenario is None:
            self.status.value = _problem("Mend the problems above first.")
            return None
        self.practice = ChatPractice(self.scenario)
        self.play_area.children = (self.practice.widget,)
        return self.practice

    def save(self) -> Path | None:
        """Write ``scenarios/ID.json`` in the pack (over a saved one only with "Replace" ticked)."""
        from .. import scenarios

        if self._needs_pack():
            return None
        written = self._write(lambda replace: scenarios.save(self.text.value, self.folder / "scenarios",
                                                             replace=replace))
        self._list_files()
        return written


# --------------------------------------------------------------------------- #
# The gallery builder
# --------------------------------------------------------------------------- #

class GalleryBuilder(_Tool):
    """Make lesson 1's public profiles from the pack's photos, try a search, save ``gallery.json``.

    For each profile choose a photo of the pack, a made-up account name
    (``@...``) and the name it shows (and, when it shows a face, whose).
    **Try a search** searches the lesson's gallery with your profiles added,
    with a photo you choose, by picture and by face, as lesson 1 does.

    Parameters
    ----------
    folder : path-like, optional
        The course pack (default: the first of ``safetylab lab --pack``).
    """

    def __init__(self, folder=None):
        import ipywidgets as w

        from .. import linking

        super().__init__(folder)
        self.data: dict[str, Any] = {"profiles": []}
        self.result = None
        path = self._path()
        if path is not None and path.is_file():
            try:
                import json

                self.data = json.loads(path.read_text(encoding="utf-8-sig"))
                found = linking.gallery_problems(self.data)
                if found:
                    self.status.value = _problems(found)
            except (OSError, ValueError) as e:
                self.status.value = _problem(f"gallery.json could not be read ({type(e).__name__}).")
        self.picture = w.Dropdown(options=[], description="Picture", style=_WIDE, layout=w.Layout(width="28em"))
        self.relist_button = w.Button(description="List the photos again", layout=w.Layout(width="auto"),
                                      tooltip="After you added photos to the pack")
        self.handle = w.Text(description="Account", style=_WIDE, placeholder="@made.up.name",
                             layout=w.Layout(width="28em"))
        self.name = w.Text(description="Name shown", style=_WIDE, placeholder="e.g. Riverside Youth Club",
                           layout=w.Layout(width="28em"))
        self.person = w.Text(description="Whose face", style=_WIDE, placeholder="Optional: whose face it shows",
                             layout=w.Layout(width="28em"))
        self.add_button = w.Button(description="Add this profile", button_style="primary")
        self.remove_picker = w.Dropdown(options=[], description="Profile")
        self.remove_button = w.Button(description="Remove it")
        self.list_view = w.HTML()
        self.save_button = w.Button(description="Save gallery.json", button_style="success")
        self.query = w.Dropdown(options=[], description="Search with", style=_WIDE, layout=w.Layout(width="28em"))
        self.search_button = w.Button(description="Try a search", layout=w.Layout(width="auto"),
                                      tooltip="Searches lesson 1's gallery, with your profiles added")
        self.results = w.HTML()
        self.add_button.on_click(lambda _b: self.add_profile())
        self.remove_button.on_click(lambda _b: self.remove_profile(self.remove_picker.value))
        self.save_button.on_click(lambda _b: self.save())
        self.search_button.on_click(lambda _b: self.search())
        self.relist_button.on_click(lambda _b: self.refresh_photos())
        self.refresh_photos()
        self.widget = w.VBox([w.HBox([self.picture, self.relist_button]), self.handle, self.name, self.person,
                              self.add_button, self.list_view,
                              w.HBox([self.remove_picker, self.remove_button]), self.replace, self.save_button,
                              self.status, w.HBox([self.query, self.search_button]), self.results])
        self._list()

    def _path(self) -> Path | None:
        return None if self.folder is None else self.folder / "gallery.json"

    def refresh_photos(self) -> None:
        """List the pack's photos again (after one was added), keeping the choices."""
        photos = [p.name for p in _pack.photo_files(self.folder)] if self.folder else []
        for box in (self.picture, self.query):
            chosen = box.value
            box.options = photos
            if chosen in photos:
                box.value = chosen

    def _list(self) -> None:
        rows = "".join(f"<tr><td>{_e(p['handle'])}</td><td>{_e(p['name'])}</td><td>{_e(p['picture'])}</td>"
                       f"<td>{_e(p.get('person', ''))}</td></tr>" for p in self.data.get("profiles", []))
        self.list_view.value = ("<p>No profiles yet.</p>" if not rows else
                                '<table><caption style="text-align:left"><strong>Your profiles</strong>'
                                "</caption><tr><th>Account</th><th>Name shown</th><th>Picture</th>"
                                f"<th>Whose face</th></tr>{rows}</table>")
        self.remove_picker.options = [(p["handle"], p["id"]) for p in self.data.get("profiles", [])]

    def add_profile(self) -> bool:
        """Add the profile the fields describe (a problem is one line naming the field)."""
        import re

        from .. import linking

        handle = self.handle.value.strip()
        base = re.sub(r"[^a-z0-9_]+", "_", handle.lstrip("@").lower()).strip("_") or "profile"
        if not base[0].isalpha():
            base = "p_" + base
        taken = {p["id"] for p in self.data.get("profiles", [])}
        pid, n = base[:40], 1
        while pid in taken:
            n += 1
            pid = f"{base[:36]}_{n}"
        try:
            self.data = linking.add_profile(self.data, id=pid, handle=handle, name=self.name.value,
                                            picture=self.picture.value or "", person=self.person.value or None)
        except SafetyLabError as e:
            self.status.value = _problem(str(e))
            return False
        self.handle.value = self.name.value = self.person.value = ""
        self.status.value = _ok(f"Added {handle}. Save gallery.json when you are done.")
        self._list()
        return True

    def remove_profile(self, profile_id: str | None) -> None:
        from .. import linking

        if profile_id:
            self.data = linking.remove_profile(self.data, profile_id)
            self._list()

    def save(self) -> Path | None:
        """Write ``gallery.json`` in the pack (over a saved one only with "Replace" ticked)."""
        from .. import linking

        if self._needs_pack():
            return None
        return self._write(lambda replace: linking.save_gallery(self.data, self._path(), replace=replace))

    def profiles(self) -> list:
        """The profiles as they are now (saved or not), pictures read from the pack."""
        from .. import linking

        photos = self.folder / "photos"
        return [linking.trainer_profile(photos / p["picture"], p["handle"], p["name"], person=p.get("person"),
                                        source=p["picture"]) for p in self.data.get("profiles", [])]

    def search(self) -> Mapping[str, Any] | None:
        """Search lesson 1's gallery, with these profiles added, with the chosen photo (by picture, by face)."""
        from .. import linking
        from .face_key import face_matches_html, hash_matches_html

        if self._needs_pack() or not self.query.value:
            self.status.value = _problem("Choose a photo to search with.")
            return None
        try:
            gallery = linking.default_gallery().plus(*self.profiles())
            photo = self.folder / "photos" / self.query.value
            by_hash = linking.find_by_hash(photo, gallery, k=3)
            by_face = linking.find_by_face(photo, gallery, k=3)
        except SafetyLabError as e:
            self.status.value = _problem(str(e))
            return None
        self.result = {"hash": by_hash, "face": by_face}
        self.results.value = (hash_matches_html(by_hash, caption=f"Same-picture search with {self.query.value}")
                              + face_matches_html(by_face, caption=f"Face search with {self.query.value}"))
        return self.result
