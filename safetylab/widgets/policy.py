"""Widgets for the lesson "Your photo policy": the pre-send report card and the policy writer.

Thin by design: the checks, the questions and the verdicts come from
:mod:`safetylab.policy`; this module only lays them out. Every widget can be
driven from plain Python (set a value, call a method, ``button.click()``), which
is how the tests use it.

A learner's own photo stays on their machine: it is written to a private
temporary folder while the card is made, the upload widget is emptied at once,
only text (never the picture) goes into the notebook's outputs, and the
"Forget my photo" button deletes the temporary copy. Sample photos, made by the
course, are shown with their description and credit.

What this does not protect against: a policy helps decide calmly; it does not
make any photo safe to send.
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

from .. import content
from .. import policy as _policy
from .._paths import within
from ..errors import SafetyLabError
from ..memory import after_learner_photo, gives_way
from ._private import PrivateCopy, clear_upload, take_upload
from ._style import risk_list_html
from ._style import table_html as _table
from .._html import escape as _e

__all__ = ["ACCEPT", "VERDICT_STYLE", "card_html", "findings_html", "answers_html", "filters_html", "patterns_html",
           "steps_html", "ReportCardWidget", "PolicyWriter"]

ACCEPT = ".jpg,.jpeg,.png,.webp,.tif,.tiff,.heic,.heif,.avif"

#: Colour-blind-safe (Okabe-Ito) border colour, symbol and text label per verdict:
#: the text and the symbol carry the meaning, the colour only repeats it.
VERDICT_STYLE: Mapping[str, tuple[str, str]] = {
    _policy.CLEAR: ("#009E73", "✓"),
    _policy.THINK_AGAIN: ("#E69F00", "?"),
    _policy.DONT_SEND: ("#D55E00", "✕"),
}
_OWN = "__own_photo__"  # the picker's value for "my own photo"
_PHOTO_SUFFIXES = frozenset(ACCEPT.split(","))  # the samples a learner might send (not their annotations)
_LAST_LESSON = "06"  # samples of lessons before this one are photos; lesson 6 shows a chat


def _badge(verdict: str) -> str:
    colour, symbol = VERDICT_STYLE[verdict]
    return (f'<span style="display:inline-block;border:3px solid {colour};border-radius:.3em;'
            f'padding:0 .4em;font-weight:bold;color:#111;background:#fff">'
            f'<span aria-hidden="true">{symbol}</span> {_e(content.verdicts()[verdict].label.upper())}</span>')


def _list(title: str, items: Sequence[str]) -> str:
    if not items:
        return ""
    return (f"<p style='margin:.4em 0 .1em'><strong>{_e(title)}</strong></p><ul style='margin-top:0'>"
            + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>")


def card_html(card: _policy.ReportCard) -> str:
    """The report card as accessible HTML: headings, a summary table, text labels.

    Each filter shows its verdict (a text label and a symbol, with colour only
    as a repeat), why, what to do, and — honestly — what was not checked.
    """
    filters = {f.id: f for f in content.filters()}
    rows = "".join(
        f'<tr><th scope="row" style="text-align:left;padding-right:1em">{_e(r.title)}</th>'
        f'<td style="text-align:left">{_badge(r.verdict)}</td></tr>' for r in card.results)
    parts = [
        f'<section aria-label="Report card for {_e(card.file)}" style="font-size:1.05em;max-width:60em">',
        f"<h3>Report card: {_e(card.file)}</h3>",
        f"<p>{_badge(card.verdict)} {_e(card.summary)}</p>",
        '<table><caption style="text-align:left;font-weight:bold">The three filters at a glance'
        f'</caption><tr><th scope="col" style="text-align:left">Filter</th>'
        f'<th scope="col" style="text-align:left">Verdict</th></tr>{rows}</table>',
    ]
    for n, r in enumerate(card.results, 1):
        colour = VERDICT_STYLE[r.verdict][0]
        reasons = (_list("Why", r.reasons) if r.reasons else
                   "<p>Nothing here gave a reason to wait.</p>")
        parts.append(
            f'<div style="border-left:6px solid {colour};padding:.2em .8em;margin:.8em 0">'
            f"<h4 style='margin:.3em 0'>{n}. {_e(r.title)} — {_e(r.label)}</h4>"
            f"<p style='margin:.2em 0'><em>{_e(filters[r.filter].ask)}</em></p>"
            + reasons + _list("What you can do", r.todos)
            + _list("Checked automatically", r.checked)
            + _list("Not checked for this photo — look yourself", r.not_checked)
            + "".join(f"<p style='margin:.2em 0'><small>{_e(x)}</small></p>" for x in r.limits)
            + "</div>")
    parts.append(f"<p><em>{_e(content.card_limits())}</em></p></section>")
    return "".join(parts)


def findings_html(findings: Sequence[_policy.Finding]) -> str:
    """The automatic checks' findings, most serious first, each led by its level in words."""
    return risk_list_html(findings, "The automatic checks found nothing in this photo.")


def answers_html(answers: Mapping[str, Any], caption: str = "The answers to the card's questions") -> str:
    """Answers to the card's questions as a table in words: each question, and the answer chosen.

    Examples
    --------
    >>> q = content.question("pushing")
    >>> out = answers_html({"pushing": "yes"})
    >>> _e(q.text) in out, _e(q.option("yes").label) in out, ">yes<" in out
    (True, True, False)
    """
    rows = []
    for q in content.questions():
        if q.id not in answers:
            continue
        given = answers[q.id]
        chosen = [q.option(str(v)) for v in ([given] if isinstance(given, str) else given or ())]
        rows.append((_e(q.text), "; ".join(_e(o.label) for o in chosen) or "not answered"))
    return _table(caption, ["Question", "Answer"], rows)


def filters_html() -> str:
    """The three filters, as a numbered list with why each matters."""
    items = "".join(f"<li><strong>{_e(f.title)}.</strong> {_e(f.ask)}<br>{_e(f.why)}</li>"
                    for f in content.filters())
    return f'<ol aria-label="The three filters" style="font-size:1.05em">{items}</ol>'


def patterns_html() -> str:
    """The pressure patterns as a table: what it sounds like, what is going on, what you can say."""
    head = "".join(f'<th scope="col" style="text-align:left">{h}</th>'
                   for h in ("Pattern", "It sounds like", "What is going on", "You can say"))
    body = "".join(
        f'<tr><th scope="row" style="text-align:left">{_e(p.name)}</th>'
        f'<td style="text-align:left">{_e(p.sounds_like)}</td>'
        f'<td style="text-align:left">{_e(p.what_is_going_on)}</td>'
        f'<td style="text-align:left">{_e(p.you_can_say)}</td></tr>'
        for p in content.patterns())
    return ('<table style="font-size:1.05em"><caption style="text-align:left;font-weight:bold">'
            f"Pressure patterns, and answers to them</caption><tr>{head}</tr>{body}</table>")


def steps_html() -> str:
    """The five steps for when a photo is already being used as a threat (from ``steps.json``)."""
    return (_policy.steps_list_html()
            + "<p><strong>It is not your fault</strong>, and it is more recoverable than it feels.</p>")


def _sample_figure(key: str) -> str:
    """A small preview of a course sample with its description and credit (samples only)."""
    from .. import samples

    s = samples.SAMPLES[key]
    return _photo_figure(samples.sample_path(key), f"Sample photo {s.name}: {s.description}",
                         f"{_e(s.description)} <small>{_e(s.credit)}</small>")


def _photo_figure(path: Path, alt: str, caption: str) -> str:
    """A small preview of a course photo (a sample, or a trainer's) with its caption (HTML)."""
    from ..images import load

    try:
        im = load(path, max_side=320)
    except SafetyLabError:
        return f"<p>{caption}</p>"
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure style="margin:.5em 0"><img src="data:image/png;base64,{data}" '
            f'alt="{_e(alt)}" style="max-width:320px">'
            f"<figcaption>{caption}</figcaption></figure>")


class ReportCardWidget:
    """Pick a photo, answer the questions of the three filters, and get a report card.

    Parameters
    ----------
    sample_keys : sequence of str, optional
        Which course samples the picker offers (``"lesson/name"`` keys); by
        default the samples of lessons 1 to 5 whose files exist (lesson 6's
        samples are screenshots of a chat, not photos someone would send),
        then the photos of the trainer's course pack (``SAFETYLAB_PACK``,
        see :mod:`safetylab.pack`), marked as theirs.
    """

    def __init__(self, sample_keys: Sequence[str] | None = None):
        import ipywidgets as w

        from .. import pack, samples

        self._trainers = dict(pack.photos()) if sample_keys is None else {}
        if sample_keys is None:  # photos someone might send: lesson 6's are evidence screenshots
            sample_keys = [k for k, s in samples.SAMPLES.items()
                           if s.lesson[:2] < _LAST_LESSON and Path(s.name).suffix.lower() in _PHOTO_SUFFIXES
                           and samples.sample_path(k).is_file()]
        self._copy: PrivateCopy | None = None
        self._own: Path | None = None
        self.card: _policy.ReportCard | None = None
        options = [("Choose a photo…", None)]
        options += [(f"Sample: {samples.SAMPLES[k].label}", k) for k in sample_keys]
        options += [(f"Sample ({pack.TRAINER_MARK}): {samples.words_of(p.name)}", p) for p in self._trainers]
        options += [("My own photo (choose it with the button)", _OWN)]
        self.picker = w.Dropdown(options=options, value=None, description="Photo",
                                 style={"description_width": "initial"},
                                 layout=w.Layout(width="32em"))
        self.upload = w.FileUpload(accept=ACCEPT, multiple=False, description="Choose my own photo",
                                   tooltip="Your photo stays on this computer", layout=w.Layout(width="auto"))
        self.forget_button = w.Button(description="Forget my photo", disabled=True,
                                      tooltip="Deletes the temporary copy used for the card")
        self.photo_view = w.HTML()
        self.radios: dict[str, Any] = {}
        self.ticks: dict[str, dict[str, Any]] = {}
        rows: list[Any] = []
        all_questions = content.questions()
        for flt in content.filters():
            rows.append(w.HTML(f"<h4 style='margin:.8em 0 .2em'>{_e(flt.title)}</h4>"
                               f"<p style='margin:0'><em>{_e(flt.ask)}</em></p>"))
            for q in all_questions:
                if q.filter != flt.id:
                    continue
                rows.append(w.HTML(f"<p style='margin:.5em 0 0'><strong>{_e(q.text)}</strong></p>"))
                if q.multiple:
                    boxes = {o.value: w.Checkbox(value=False, description=o.label, indent=False,
                                                 layout=w.Layout(width="auto"))
                             for o in q.options}
                    self.ticks[q.id] = boxes
                    rows.append(w.VBox(list(boxes.values())))
                else:
                    radio = w.RadioButtons(options=[(o.label, o.value) for o in q.options], value=None,
                                           tooltip=q.text, layout=w.Layout(width="auto"))
                    self.radios[q.id] = radio
                    rows.append(radio)
        self.make_button = w.Button(description="Make my report card", button_style="primary",
                                    tooltip="Checks the file and combines it with your answers")
        self.card_view = w.HTML()
        self.picker.observe(lambda _c: self._show_photo(), names="value")
        self.upload.observe(self._on_upload, names="value")
        self.forget_button.on_click(lambda _b: self.forget())
        self.make_button.on_click(lambda _b: self.make_card())
        self.widget = w.VBox([
            w.HBox([self.picker, self.upload, self.forget_button]), self.photo_view,
            *rows, self.make_button, self.card_view])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    # -- the photo ---------------------------------------------------------- #

    @property
    def photo(self) -> Path | None:
        """The photo the card is about: a course sample, or the temporary copy of the learner's."""
        from .. import samples

        key = self.picker.value
        if key == _OWN:
            return self._own
        if isinstance(key, Path):  # a photo of the trainer's course pack
            return key
        return None if key is None else samples.sample_path(key)

    def _show_photo(self) -> None:
        key = self.picker.value
        if key is None:
            self.photo_view.value = ""
        elif key == _OWN:
            self.photo_view.value = (
                f"<p>Your photo: <strong>{_e(self._own.name)}</strong>. It is not shown here and "
                "not saved anywhere.</p>" if self._own else
                "<p>Choose one of your own photos with the button. It stays on this computer.</p>")
        elif isinstance(key, Path):
            credit = self._trainers.get(key, "")
            self.photo_view.value = _photo_figure(key, f"Your trainer's photo {key.name}",
                                                  f"Your trainer's photo. <small>{_e(credit)}</small>")
        else:
            self.photo_view.value = _sample_figure(key)

    def _on_upload(self, change) -> None:
        got = take_upload(self.upload, change)
        if got is not None:
            self.load_bytes(*got)
            after_learner_photo()

    def load_bytes(self, name: str, content: bytes) -> Path:
        """Use a photo given as bytes (what the upload button delivers); returns its temporary path."""
        self.forget(quiet=True)
        self._copy = PrivateCopy(name, content)
        self._own = self._copy.path
        self.forget_button.disabled = False
        if self.picker.value == _OWN:
            self._show_photo()
        else:
            self.picker.value = _OWN
        return self._own

    def forget(self, *, quiet: bool = False) -> None:
        """Delete the temporary copy of the learner's photo, and a card made from it."""
        if self._copy is not None:
            self._copy.forget()
        had_own = self._own is not None
        self._copy = self._own = None
        self.forget_button.disabled = True
        if not quiet:  # (quiet: a new photo is coming in, and the button already counts it)
            clear_upload(self.upload)
        if self.picker.value == _OWN:
            self._show_photo()
            if had_own:
                self.card, self.card_view.value = None, ""

    # -- the answers and the card ------------------------------------------ #

    def answers(self) -> dict[str, Any]:
        """The answers as :func:`safetylab.policy.report_card` takes them (unanswered left out)."""
        out: dict[str, Any] = {qid: r.value for qid, r in self.radios.items() if r.value is not None}
        for qid, boxes in self.ticks.items():
            ticked = [v for v, box in boxes.items() if box.value]
            if ticked:
                out[qid] = ticked
        return out

    def set_answers(self, answers: Mapping[str, Any]) -> None:
        """Set the radio buttons and tick boxes from a mapping (as :meth:`answers` returns)."""
        for qid, value in answers.items():
            _policy.question(qid)  # unknown questions are a mistake
            if qid in self.ticks:
                chosen = {value} if isinstance(value, str) else set(value or ())
                for v, box in self.ticks[qid].items():
                    box.value = v in chosen
            else:
                self.radios[qid].value = value

    def make_card(self) -> _policy.ReportCard | None:
        """Check the chosen photo, combine it with the answers and show the card."""
        path = self.photo
        if path is None:
            self.card = None
            self.card_view.value = '<p role="alert">Choose a photo first: a sample, or one of your own.</p>'
            return None
        try:
            self.card = gives_way(_policy.report_card, path, self.answers())  # (a class server: lessons first)
        except SafetyLabError as e:
            self.card = None
            self.card_view.value = f'<p role="alert"><strong>{_e(path.name)}:</strong> {_e(e)}</p>'
            return None
        self.card_view.value = card_html(self.card)
        return self.card


class PolicyWriter:
    """Write your own photo policy, see it as you type, and save it as a printable page.

    Parameters
    ----------
    folder : path-like
        Where "Save my policy" writes (created when the first file is saved).
        Nothing is ever overwritten: a second save adds ``-2`` to the name.
    policy : PersonalPolicy, optional
        Text to start from.
    base : path-like, optional
        The lesson's folder (default: the current folder). The folder typed into
        the box must be inside it: never an absolute path elsewhere, ``..`` or a
        link that leads out (:func:`safetylab._paths.within`).
    """

    def __init__(self, folder: str | os.PathLike = "my-files/policy",
                 policy: _policy.PersonalPolicy | None = None, base: str | os.PathLike | None = None):
        import ipywidgets as w

        self.base = Path.cwd() if base is None else Path(base)

        policy = policy or _policy.PersonalPolicy()
        self.saved: Path | None = None
        self.title = w.Text(value=policy.title, placeholder="My photo policy", description="Title",
                            layout=w.Layout(width="32em"))
        self.fields: dict[str, Any] = {}
        rows: list[Any] = [self.title]
        for name, heading in _policy.POLICY_FIELDS:
            area = w.Textarea(value=getattr(policy, name), placeholder=_policy.PLACEHOLDERS[name],
                              description=heading, description_allow_html=False, tooltip=heading,
                              rows=4, layout=w.Layout(width="95%"),
                              style={"description_width": "0px"})  # the label for screen readers;
            # the visible heading is the paragraph above it
            self.fields[name] = area
            rows += [w.HTML(f"<p style='margin:.6em 0 0'><strong>{_e(heading)}</strong> "
                            "<small>(one rule per line)</small></p>"), area]
            if name == "saying_no":
                self.starter_buttons = [w.Button(description=s, tooltip=f"Add “{s}”",
                                                 layout=w.Layout(width="auto"))
                                        for s in content.no_starters()]
                for b in self.starter_buttons:
                    b.on_click(lambda btn: self.add_starter(btn.description))
                rows += [w.HTML("<small>Starters — each one is a complete answer:</small>"),
                         w.HBox(self.starter_buttons, layout=w.Layout(flex_flow="row wrap"))]
        self.examples_button = w.Button(description="Fill empty fields with the examples",
                                        layout=w.Layout(width="auto"))
        self.folder = w.Text(value=str(folder), description="Save in folder",
                             style={"description_width": "initial"})
        self.save_button = w.Button(description="Save my policy", button_style="primary",
                                    tooltip="Writes a new HTML file; an earlier one is never replaced")
        self.status = w.HTML()
        self.preview = w.HTML()
        self.examples_button.on_click(lambda _b: self.fill_examples())
        self.save_button.on_click(lambda _b: self.save())
        for box in (self.title, *self.fields.values()):
            box.observe(lambda _c: self._update_preview(), names="value")
        self._update_preview()
        self.widget = w.VBox([
            w.HTML("<p>Write your rules in your own words. The grey text is an example.</p>"),
            self.examples_button, *rows, w.HBox([self.folder, self.save_button]), self.status,
            w.HTML("<p><strong>Preview</strong></p>"), self.preview])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    @property
    def policy(self) -> _policy.PersonalPolicy:
        """The policy as written so far."""
        return _policy.PersonalPolicy(title=self.title.value,
                                      **{n: a.value for n, a in self.fields.items()})

    def _update_preview(self) -> None:
        self.preview.value = ('<div style="border:2px solid #0072B2;padding:.2em 1em;max-width:50em">'
                              + _policy.policy_html(self.policy, page=False) + "</div>")

    def add_starter(self, text: str) -> None:
        """Add one of the starters to "My words for saying no" (once)."""
        area = self.fields["saying_no"]
        lines = [ln for ln in area.value.splitlines() if ln.strip()]
        if text not in (ln.strip() for ln in lines):
            area.value = "\n".join(lines + [text])

    def fill_examples(self) -> None:
        """Put the example text into every field that is still empty."""
        for name, area in self.fields.items():
            if not area.value.strip():
                area.value = _policy.PLACEHOLDERS[name]

    def save(self) -> Path | None:
        """Save the policy as a new HTML file in the chosen folder and say where."""
        try:
            folder = within(self.base, self.folder.value.strip() or "my-files/policy",
                            what="folder for your policy")
            self.saved = _policy.save_policy(self.policy, folder)
        except SafetyLabError as e:
            self.status.value = f'<p role="alert">{_e(e)}</p>'
            return None
        try:
            rel = os.path.relpath(self.saved, Path.cwd())
        except ValueError:  # another drive on Windows
            rel = str(self.saved)
        link = (f'<a href="{_e(Path(rel).as_posix())}" target="_blank">{_e(self.saved.name)}</a>'
                if not rel.startswith("..") else f"<code>{_e(self.saved)}</code>")
        blank = (" Empty sections are printed as lines to fill in by hand."
                 if any(not a.value.strip() for a in self.fields.values()) else "")
        self.status.value = (f"<p>Saved: {link} (a new file; nothing was replaced). Open it in your "
                             f"browser to print it, or print it to PDF.{blank}</p>")
        return self.saved
