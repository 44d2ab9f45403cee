"""Widgets and figures for the lesson "What your photo file says".

Thin by design: the findings come from :mod:`safetylab.report`, the cleaning from
:mod:`safetylab.scrub`; this module only lays them out. Every widget can be
driven from plain Python (``inspector.load_bytes(...)``, ``inspector.clean()``),
which is how the tests use it.

A learner's own photo stays on their machine: it is written to a private
temporary folder while it is looked at, the upload widget is emptied at once,
only text (never the picture) goes into the notebook's outputs, and the
"Forget my photo" button deletes the temporary copy (so does closing the
notebook's kernel).

What this does not protect against: a clean file still shows what the picture
shows: a face, a street sign, a window view.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ._style import risk_list_html
from ..environment import learner_mode
from ..errors import SafetyLabError
from ..report import NOT_CHECKED, NOTHING_FOUND, Report, raw_values, rows
from ..memory import after_learner_photo, gives_way
from ._private import PrivateCopy, clear_upload, take_upload
from .._html import escape as _e

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["report_html", "risks_html", "compare_html", "clean_html", "sharing_html", "plot_thumbnail", "FileInspector",
           "ACCEPT"]

ACCEPT = ".jpg,.jpeg,.png,.webp,.tif,.tiff,.heic,.heif,.avif"


def _trainer(trainer: bool | None) -> bool:
    return not learner_mode() if trainer is None else trainer


def report_html(rep: Report, *, trainer: bool | None = None) -> str:
    """The report as an accessible HTML table (a caption, header cells, text labels), in words.

    In trainer mode (JupyterLab; ``trainer=None`` asks :func:`~safetylab.environment.learner_mode`)
    the values as the file stores them follow, folded away.
    """
    if rep.error:
        return f'<p role="alert"><strong>{_e(rep.file)}:</strong> {_e(rep.error)}</p>'
    body = "".join(f'<tr><th scope="row" style="text-align:left;padding-right:1em">{_e(k)}</th>'
                   f'<td style="text-align:left">{_e(v)}</td></tr>' for k, v in rows(rep))
    out = (f'<table style="font-size:1.05em"><caption style="text-align:left;font-weight:bold">'
           f'What {_e(rep.file)} says about you</caption>{body}</table>'
           f"<p><strong>What this gives away</strong></p>{risk_list_html(rep.risks, NOTHING_FOUND)}"
           f"<p><em>{_e(NOT_CHECKED)}</em></p>")
    if _trainer(trainer):
        raw = "".join(f"<li>{_e(k)}: <code>{_e(v)}</code></li>" for k, v in raw_values(rep))
        out += ("<details><summary>For trainers: the values as the file stores them</summary>"
                f"<ul>{raw}</ul></details>")
    return out


def risks_html(rep: Report) -> str:
    """What a report's findings give away, most serious first, each led by its level in words."""
    if rep.error:
        return f'<p role="alert"><strong>{_e(rep.file)}:</strong> {_e(rep.error)}</p>'
    return risk_list_html(rep.risks, NOTHING_FOUND)


def compare_html(before: Report, after: Report) -> str:
    """Before and after cleaning, side by side."""
    a, b = rows(before), dict(rows(after))
    body = "".join(f'<tr><th scope="row" style="text-align:left">{_e(k)}</th>'
                   f'<td style="text-align:left">{_e(v)}</td><td style="text-align:left">{_e(b.get(k))}</td></tr>'
                   for k, v in a[1:])
    return ('<table><caption style="text-align:left;font-weight:bold">Before and after cleaning'
            '</caption><tr><th scope="col"></th><th scope="col">Original</th>'
            f'<th scope="col">Clean copy</th></tr>{body}</table>')


def clean_html(result, before: Report, after: Report) -> str:
    """A clean copy in words: what was removed, whether anything is left, and before and after."""
    from ..scrub import LABELS

    how = {"lossless": "The picture itself was copied exactly: the copy looks identical.",
           "re-encoded": "The picture was saved again without losing any detail.",
           "converted": f"The picture was converted to {result.output_format}, so it was compressed again."
           }.get(result.method, "")
    removed = ", ".join(LABELS.get(r, r) for r in result.removed)
    if result.clean:
        verdict = "<p><strong>Clean:</strong> nothing private was found in the copy.</p>"
    else:
        left = ", ".join(LABELS.get(r, r) for r in result.remaining) or "something private"
        verdict = f'<p role="alert"><strong>Not fully clean:</strong> still in the copy: {_e(left)}.</p>'
    return (f"<p>A clean copy was made: <strong>{_e(Path(result.output).name)}</strong>. {_e(how)}</p>"
            + (f"<p>Removed from the copy: {_e(removed)}.</p>" if removed else
               "<p>There was nothing private to remove.</p>")
            + verdict + compare_html(before, after))


def sharing_html() -> str:
    """The table of how common ways of sending treat metadata, with its caveat."""
    from ..sharing import TABLE_COLUMNS, caveat, sharing_table_rows

    table = sharing_table_rows()
    head = "".join(f'<th scope="col" style="text-align:left">{_e(c)}</th>' for c in TABLE_COLUMNS)
    body = "".join("<tr>" + "".join(f'<td style="text-align:left">{_e(r[c])}</td>' for c in TABLE_COLUMNS)
                   + "</tr>" for r in table)
    return (f'<table><caption style="text-align:left">{_e(caveat())}</caption><tr>{head}</tr>{body}</table>')


def plot_thumbnail(path: str | os.PathLike, fig: "Figure | None" = None) -> "Figure":
    """The picture and the thumbnail stored inside its file, side by side."""
    from matplotlib.figure import Figure

    from ..images import load
    from ..metadata import read

    md = read(path)
    picture = load(path, max_side=800)
    fig = fig or Figure(figsize=(9, 4))
    fig.clear()
    ax1, ax2 = fig.subplots(1, 2)
    ax1.imshow(picture)
    ax1.set_title("The picture you see")
    thumb = md.thumbnail.image() if md.thumbnail is not None else None
    if thumb is not None:
        ax2.imshow(thumb)
        verdict = "DIFFERENT from the picture" if md.thumbnail.differs else "a small copy of the picture"
        ax2.set_title(f"Thumbnail hidden in the file:\n{verdict}")
        alt = (f"Left: the photo {md.file}. Right: the {md.thumbnail.width} by {md.thumbnail.height} "
               f"pixel thumbnail stored inside the file, which is {verdict}.")
    else:
        ax2.text(0.5, 0.5, "No thumbnail in this file", ha="center", va="center")
        alt = f"The photo {md.file}; its file holds no thumbnail."
    for ax in (ax1, ax2):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.text_alternative = alt
    return fig


class FileInspector:
    """Upload a photo, see its report, make and download a clean copy.

    Parameters
    ----------
    out_dir : path-like
        Where clean copies are written (created when the first one is made).
    """

    def __init__(self, out_dir: str | os.PathLike = "my-files/clean-copies"):
        import ipywidgets as w

        self.out_dir = Path(out_dir)
        self._copy: PrivateCopy | None = None
        self.photo: Path | None = None
        self.report: Report | None = None
        self.result = None
        self.upload = w.FileUpload(accept=ACCEPT, multiple=False, description="Choose a photo",
                                   tooltip="Your photo stays on this computer", layout=w.Layout(width="auto"))
        self.clean_button = w.Button(description="Make a clean copy", disabled=True,
                                     tooltip="Writes a new file without the metadata; your photo is not changed")
        self.forget_button = w.Button(description="Forget my photo", disabled=True,
                                      tooltip="Deletes the temporary copy used for this report")
        self.neutral = w.Checkbox(value=True, description="Give the copy a neutral name", indent=False)
        self.status = w.HTML(value="<p>Choose one of your own photos. It stays on this computer.</p>")
        self.report_view = w.HTML()
        self.clean_view = w.HTML()
        self.upload.observe(self._on_upload, names="value")
        self.clean_button.on_click(lambda _b: self.clean())
        self.forget_button.on_click(lambda _b: self.forget())
        self.widget = w.VBox([
            w.HBox([self.upload, self.clean_button, self.forget_button]), self.neutral,
            self.status, self.report_view, self.clean_view])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def _on_upload(self, change) -> None:
        got = take_upload(self.upload, change)
        if got is not None:
            self.load_bytes(*got)
            after_learner_photo()

    def load_bytes(self, name: str, content: bytes) -> Report | None:
        """Look at a photo given as bytes (what the upload button delivers)."""
        from ..report import check, error_report

        self.forget(quiet=True)
        self._copy = PrivateCopy(name, content)
        self.photo = self._copy.path
        try:
            self.report = gives_way(check, self.photo)  # on a class server, lessons being opened go first
        except SafetyLabError as e:
            self.report = error_report(self.photo, e)
        self.report_view.value = report_html(self.report)
        if self.report.error:  # nothing to keep: the copy goes at once
            self._copy.forget()
            self._copy = self.photo = None
            clear_upload(self.upload)
            self.status.value = ('<p role="status">That file could not be looked at. Choose another '
                                 "photo.</p>")
            self.clean_button.disabled = self.forget_button.disabled = True
            return self.report
        self.status.value = ('<p role="status">Report ready. Your photo stays on this computer: it is not '
                             "saved anywhere, and <strong>Forget my photo</strong> deletes it.</p>")
        self.clean_button.disabled = False
        self.forget_button.disabled = False
        return self.report

    def clean(self):
        """Write a clean copy into ``out_dir`` and show before and after."""
        from ..report import check
        from ..scrub import scrub

        if self.photo is None or self.report is None:
            return None
        try:
            self.result = scrub(self.photo, self.out_dir, neutral_name=self.neutral.value)
        except SafetyLabError as e:
            self.clean_view.value = f'<p role="alert">{_e(e)}</p>'
            return None
        after = check(self.result.output)
        rel = os.path.relpath(self.result.output, Path.cwd())
        self.clean_view.value = (
            clean_html(self.result, self.report, after)
            + f'<p>Your clean copy: <a href="{_e(rel)}" download>{_e(Path(rel).name)}</a> '
            f"(in the folder <strong>{_e(Path(rel).parent.as_posix())}</strong>). Your original photo was "
            "not changed.</p>"
            "<p>The copy still shows everything the picture shows: look at the background and "
            "your face before you send it.</p>")
        return self.result

    def forget(self, *, quiet: bool = False) -> None:
        """Delete the temporary copy of the learner's photo and clear the report."""
        had = self._copy is not None
        if self._copy is not None:
            self._copy.forget()
        self._copy = self.photo = self.report = None
        self.report_view.value = self.clean_view.value = ""
        self.clean_button.disabled = self.forget_button.disabled = True
        if not quiet:  # (quiet: a new photo is coming in, and the button already counts it)
            clear_upload(self.upload)
            self.status.value = ('<p role="status">Your photo is forgotten: the temporary copy was deleted. '
                                 "A clean copy you made is kept.</p>" if had else
                                 "<p>Choose one of your own photos. It stays on this computer.</p>")
