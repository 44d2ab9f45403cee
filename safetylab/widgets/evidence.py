"""Widgets for the lesson "If an image is being used against you".

Thin by design: the kit is made by :mod:`safetylab.evidence`, the help list comes
from :mod:`safetylab.help`; this module only lays them out. Every widget can be
driven from plain Python (set ``.value`` on a field, call ``.click()`` on a
button, or call the method the button calls), which is how the tests use them.

- :class:`KitMaker` — a form for the structured notes, the folder to copy, a
  "Show the files first" step that lists every file with its name and type
  (and what to leave out), a confirmation tick, and only then the "Make my
  evidence kit" button; shows where the kit is and links to its report.
- :class:`StepsChecklist` — the five steps (from ``steps.json``) as
  keyboard-usable checkboxes, with a calm message when all are ticked.
- :class:`HelpFinder` — the help list, one region at a time.
- :func:`screenshots_html`, :func:`report_preview_html`, :func:`kit_html` —
  HTML views for the notebook.

Nothing here uploads anything; the kit is written only where the learner says.

What this does not protect against: the kit shows its copies have not changed
since it was made; it does not remove an image from anywhere or contact anyone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Sequence

from .._paths import within
from .. import content, plain
from ..content import Step
from ..errors import SafetyLabError
from ..evidence import LEAVE_OUT, Kit, KitPlan, Notes, Payment, build_kit, notes_from_form, plan_kit
from .._html import escape as _e

__all__ = ["KitMaker", "StepsChecklist", "HelpFinder", "kit_html", "verify_html", "plan_html", "report_preview_html",
           "screenshots_html", "default_folder", "ALL_DONE_MESSAGE"]

#: Shown when every step of the checklist is ticked.
ALL_DONE_MESSAGE = ("You have worked through all five steps. That takes courage. What happened is "
                    "not your fault, you are not in trouble, and this is recoverable. Keep your "
                    "evidence kit somewhere safe, and keep talking to the people helping you.")

_WIDE = {"description_width": "14em"}


def default_folder() -> Path:
    """The lesson's sample screenshots (``sample_images/06_if_its_happening``)."""
    from ..samples import DEFAULT_DEST, LESSON_IF_HAPPENING

    return DEFAULT_DEST / LESSON_IF_HAPPENING


def kit_html(kit: Kit, base: str | os.PathLike | None = None, *, link: bool = True) -> str:
    """Where a kit is, what is in it, and a link to its report (relative to ``base``, default the cwd).

    The folder is named as the learner knows it (relative to the lessons); a kit made
    elsewhere (a temporary folder) is not named at all, and ``link=False`` leaves the
    report's link out.
    """
    base = Path.cwd() if base is None else Path(base)
    try:
        rel = os.path.relpath(kit.report_path, base)
    except ValueError:  # another drive on Windows
        rel = str(kit.report_path)
    inside = not Path(rel).is_absolute() and not rel.startswith("..")
    n = len(kit.files)
    skipped = ""
    if kit.skipped:
        skipped = ("<p>Not copied: " + "; ".join(f"{_e(s.path)} ({_e(s.reason)})" for s in kit.skipped)
                   + ".</p>")
    where = (f" into the folder <strong>{_e(Path(rel).parent.as_posix())}</strong>" if inside else "")
    report = (f'<p><a href="{_e(Path(rel).as_posix())}" target="_blank" rel="noopener">Open the report '
              f"(report.html)</a> &mdash; print it, or keep it for a platform, a helpline or the police.</p>"
              if link and inside else "")
    return (
        '<div role="status">'
        f"<p><strong>Your evidence kit is ready.</strong> {plain.count(n, 'file')} copied and fingerprinted "
        f"(SHA-256){where}.</p>{report}"
        f"{skipped}<p>Your original files were not changed. Nothing was uploaded.</p></div>")


def verify_html(problems: Sequence[str]) -> str:
    """The result of checking a kit's fingerprints (:func:`safetylab.evidence.verify_kit`), in words."""
    if not problems:
        return '<p role="status"><strong>All fingerprints match:</strong> nothing in the kit has changed.</p>'
    items = "".join(f"<li>{_e(p)}</li>" for p in problems)
    return (f'<div role="status"><p><strong>{plain.count(len(problems), "problem")} found:</strong> the kit is '
            f"not as it was made.</p><ul>{items}</ul></div>")


def plan_html(plan: KitPlan, folder: str | None = None) -> str:
    """The files a kit would copy, before anything is copied: what to leave out, then name, type and size.

    ``folder`` names the folder in words ("the lesson's sample screenshots"); by default, its name.
    """
    rows = "".join(
        f'<tr><th scope="row" style="text-align:left">{_e(f.path)}</th><td>{_e(f.kind)}</td>'
        f'<td style="text-align:right">{_e(plain.file_size(f.size))}</td>'
        f"<td>{'<strong>Check: </strong>' + _e(f.warning) if f.warning else 'screenshot or notes'}</td></tr>"
        for f in plan.files)
    skipped = ("<p>Not copied: " + "; ".join(f"{_e(x.path)} ({_e(x.reason)})" for x in plan.skipped) + ".</p>"
               if plan.skipped else "")
    n = len(plan.files)
    look = (f'<p role="alert"><strong>{len(plan.warnings)} file{"s" if len(plan.warnings) != 1 else ""} '
            "to check before copying.</strong> If one is the image itself, take it out of the folder first."
            "</p>" if plan.warnings else "")
    return ('<div role="status">'
            f'<p style="border-left:6px solid #E69F00;padding:.3em .8em;color:#111;background:#FFF8E6">'
            f"<strong>Before you copy:</strong> {_e(LEAVE_OUT)}</p>{look}"
            '<table style="border-collapse:collapse"><caption style="text-align:left;font-weight:bold">'
            f"The kit would copy these {n} file{'s' if n != 1 else ''} from {_e(folder or plan.source)}</caption>"
            '<thead><tr><th scope="col" style="text-align:left">File</th><th scope="col">Type</th>'
            '<th scope="col">Size</th><th scope="col" style="text-align:left">Look at</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>{skipped}</div>")


def report_preview_html(kit: Kit, height: int = 640) -> str:
    """The kit's report inside a frame, to look at in a notebook (the file itself is unchanged)."""
    page = kit.report_path.read_text(encoding="utf-8")
    return (f'<div><iframe title="Evidence kit report: {_e(kit.source)}" '
            f'srcdoc="{_e(page)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #767676" '
            'sandbox=""></iframe></div>')


def screenshots_html(paths: Sequence[str | os.PathLike], captions: Sequence[str] | None = None,
                     width: int = 180) -> str:
    """Screenshots side by side as HTML figures: each with alt text and a caption.

    The pictures are reduced (``2 * width`` pixels wide) and embedded in the HTML,
    so the page needs nothing from outside. ``captions`` (default: the file
    names) are used as the alt text too.
    """
    import base64
    import io

    from ..images import load

    paths = [Path(p) for p in paths]
    captions = [p.name for p in paths] if captions is None else list(captions)
    if len(captions) != len(paths):
        raise ValueError("give one caption per screenshot")
    cells = []
    for i, (p, caption) in enumerate(zip(paths, captions), start=1):
        im = load(p, max_side=4 * width)
        im.thumbnail((2 * width, 4 * width))
        buf = io.BytesIO()
        im.save(buf, "PNG", optimize=True)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        cells.append(
            f'<figure style="margin:0;width:{int(width)}px">'
            f'<img src="data:image/png;base64,{data}" alt="{_e(caption)}" '
            f'style="width:100%;border:1px solid #767676">'
            f'<figcaption style="font-size:.9em"><strong>{i}.</strong> {_e(caption)}</figcaption></figure>')
    return ('<div role="group" aria-label="Screenshots, in order" '
            f'style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">{"".join(cells)}</div>')


class KitMaker:
    """Notes form + folder + "Show the files first" + a confirmation tick + "Make my evidence kit".

    Nothing is copied until the list of files (name and type, with any that
    look like a camera photo or a video flagged) has been shown and the
    confirmation is ticked; changing the folder starts the look again.

    Parameters
    ----------
    folder : path-like, optional
        The folder to copy; by default the lesson's sample screenshots.
    out_dir : path-like
        The new folder for the kit (relative paths are relative to ``base``).
    base : path-like, optional
        The lesson's folder (default: the current folder). What is typed into the
        boxes must name a folder inside it (or the ``folder`` given here): never an
        absolute path elsewhere, ``..`` or a link that leads out
        (:func:`safetylab._paths.within`), so a lesson on a shared computer
        cannot be made to copy someone else's files.
    """

    def __init__(self, folder: str | os.PathLike | None = None,
                 out_dir: str | os.PathLike = "my-files/evidence-kit", base: str | os.PathLike | None = None):
        import ipywidgets as w

        self.base = Path.cwd() if base is None else Path(base)
        given = str(default_folder() if folder is None else folder)
        self.given_folders = [Path(given)] if given.strip() else []  # may be typed back as it was

        full = w.Layout(width="100%", max_width="46em")
        self.kit: Kit | None = None
        self.payments: list[Payment] = []
        self.usernames = w.Text(description="Usernames, handles", placeholder="e.g. Sky_22, @sky_22_music",
                                style=_WIDE, layout=full)
        self.platform = w.Text(description="Platform or app", placeholder="where it happened",
                               style=_WIDE, layout=full)
        self.demanded = w.Textarea(description="What was demanded", placeholder="money, more photos, ...",
                                   style=_WIDE, layout=full)
        self.pay_amount = w.Text(description="Payment: amount", placeholder="e.g. 200", style=_WIDE,
                                 layout=full)
        self.pay_method = w.Text(description="Payment: method", placeholder="e.g. gift cards",
                                 style=_WIDE, layout=full)
        self.pay_account = w.Text(description="Payment: account", placeholder="where they said to send it",
                                  style=_WIDE, layout=full)
        self.add_payment_button = w.Button(description="Add this payment request",
                                           tooltip="Adds the amount, method and account above to the notes")
        self.clear_payments_button = w.Button(description="Remove payment requests")
        self.payments_view = w.HTML()
        self.dates = w.Text(description="Dates and times", placeholder="e.g. Sun 15 Sept 19:33, Sun 19:40",
                            style=_WIDE, layout=full)
        self.text = w.Textarea(description="In your own words", style=_WIDE,
                               layout=w.Layout(width="100%", max_width="46em", height="6em"))
        self.folder = w.Text(value=given,
                             description="Folder of screenshots", style=_WIDE, layout=full)
        self.out_dir = w.Text(value=str(out_dir), description="New folder for the kit", style=_WIDE,
                              layout=full)
        self.plan: KitPlan | None = None
        self.preview_button = w.Button(description="Show the files first",
                                       tooltip="Lists every file the kit would copy; nothing is copied yet")
        self.plan_view = w.HTML()
        self.confirm = w.Checkbox(value=False, disabled=True, indent=False, layout=w.Layout(width="auto"),
                                  description="I have looked at the list: the image itself is not in it")
        self.make_button = w.Button(description="Make my evidence kit", button_style="primary", disabled=True,
                                    tooltip="Copies the listed files into a new kit; your files are not changed")
        self.result_view = w.HTML()
        self.add_payment_button.on_click(lambda _b: self.add_payment())
        self.clear_payments_button.on_click(lambda _b: self.clear_payments())
        self.preview_button.on_click(lambda _b: self.preview())
        self.confirm.observe(lambda _c: self._update_make(), names="value")
        self.folder.observe(lambda _c: self._forget_plan(), names="value")
        self.make_button.on_click(lambda _b: self.make())
        self._show_payments()
        self.widget = w.VBox([
            w.HTML("<p><strong>Your notes</strong> (all optional; they go into the kit's report)</p>"),
            self.usernames, self.platform, self.demanded,
            self.pay_amount, self.pay_method, self.pay_account,
            w.HBox([self.add_payment_button, self.clear_payments_button]), self.payments_view,
            self.dates, self.text,
            w.HTML("<p><strong>What to copy</strong></p>"
                   f'<p style="margin:.2em 0">{_e(LEAVE_OUT)}</p>'), self.folder, self.out_dir,
            self.preview_button, self.plan_view, self.confirm, self.make_button, self.result_view])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def _show_payments(self) -> None:
        if not self.payments:
            self.payments_view.value = "<p><em>No payment requests added.</em></p>"
            return
        items = "".join(f"<li>{_e(p.amount) or '(amount not noted)'} &mdash; "
                        f"{_e(p.method) or '(method not noted)'} &mdash; "
                        f"{_e(p.account) or '(account not noted)'}</li>" for p in self.payments)
        self.payments_view.value = f"<p>Payment requests in the notes:</p><ul>{items}</ul>"

    def add_payment(self) -> Payment | None:
        """Add the payment fields to the notes and empty them."""
        pay = Payment(self.pay_amount.value, self.pay_method.value, self.pay_account.value)
        if pay.is_empty():
            return None
        self.payments.append(pay)
        self.pay_amount.value = self.pay_method.value = self.pay_account.value = ""
        self._show_payments()
        return pay

    def clear_payments(self) -> None:
        self.payments = []
        self._show_payments()

    def notes(self) -> Notes:
        """The notes as the form holds them (a payment typed but not added is included)."""
        pending = Payment(self.pay_amount.value, self.pay_method.value, self.pay_account.value)
        return notes_from_form(self.usernames.value, self.platform.value, self.demanded.value,
                               [*self.payments, pending], self.dates.value, self.text.value)

    def preview(self) -> KitPlan | None:
        """List every file the kit would copy (name, type, size); nothing is copied."""
        self._forget_plan()
        try:
            self.plan = plan_kit(self._source())
        except SafetyLabError as e:
            self.plan_view.value = f'<p role="alert">{_e(e)}</p>'
            return None
        self.plan_view.value = plan_html(self.plan)
        self.confirm.disabled = False
        return self.plan

    def _source(self) -> Path:
        """The folder typed into the box, if it is inside the lesson's folder or the one offered."""
        return within(self.base, self.folder.value, what="folder of screenshots", also=self.given_folders)

    def _forget_plan(self) -> None:
        self.plan = None
        self.plan_view.value = ""
        self.confirm.value = False
        self.confirm.disabled = True
        self._update_make()

    def _update_make(self) -> None:
        self.make_button.disabled = not (self.plan is not None and self.confirm.value)

    def make(self) -> Kit | None:
        """Make the kit from the files that were shown and confirmed, and the notes; show the result."""
        self.kit = None
        if self.plan is None or not self.confirm.value:
            self.result_view.value = ('<p role="alert">First show the files the kit would copy, look at the '
                                      "list, and tick the box to confirm.</p>")
            return None
        try:
            self.kit = build_kit(self._source(), within(self.base, self.out_dir.value, what="new folder for the kit"),
                                 self.notes(),
                                 plan=self.plan)
        except SafetyLabError as e:
            self.result_view.value = f'<p role="alert">{_e(e)}</p>'
            return None
        self.result_view.value = kit_html(self.kit)
        return self.kit


class StepsChecklist:
    """The five steps as checkboxes (Tab to move, Space to tick), with a calm message at the end."""

    def __init__(self, steps: Iterable[Step] | None = None):
        import ipywidgets as w

        self.steps = tuple(content.steps() if steps is None else steps)
        self.boxes = [w.Checkbox(value=False, description=f"{i}. {s.title}", indent=False,
                                 layout=w.Layout(width="auto"))
                      for i, s in enumerate(self.steps, start=1)]
        rows = []
        for box, step in zip(self.boxes, self.steps):
            box.observe(lambda _c: self._update(), names="value")
            young = (f'<br><em><strong>Under 18:</strong> {_e(step.under_18)}</em>' if step.under_18 else "")
            rows += [box, w.HTML(f'<p style="margin:0 0 .6em 1.8em">{_e(step.why)}{young}</p>')]
        self.message = w.HTML()
        self._update()
        self.widget = w.VBox(rows + [self.message])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    @property
    def done(self) -> int:
        """How many steps are ticked."""
        return sum(bool(b.value) for b in self.boxes)

    @property
    def all_done(self) -> bool:
        return self.done == len(self.boxes)

    def tick(self, number: int, value: bool = True) -> None:
        """Tick (or untick) step ``number`` (1 to 5)."""
        self.boxes[number - 1].value = value

    def _update(self) -> None:
        if self.all_done:
            self.message.value = f'<p role="status"><strong>{_e(ALL_DONE_MESSAGE)}</strong></p>'
        else:
            self.message.value = (f'<p role="status">{self.done} of {len(self.boxes)} steps ticked. '
                                  "Go at your own pace; each one helps.</p>")


class HelpFinder:
    """Choose a region; see its help services and the international ones."""

    ALL = "All regions"

    def __init__(self, extra=None):
        import ipywidgets as w

        from ..help import regions

        self.extra = extra
        self.region = w.Dropdown(options=[self.ALL, *regions(extra)], value=self.ALL,
                                 description="Region", style={"description_width": "initial"})
        self.view = w.HTML()
        self.region.observe(lambda _c: self._update(), names="value")
        self._update()
        self.widget = w.VBox([self.region, self.view])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def _update(self) -> None:
        from ..help import help_html

        chosen = None if self.region.value == self.ALL else self.region.value
        self.view.value = help_html(chosen, extra=self.extra)
