"""Printable one-page handouts, made from the course's own data.

Three handouts, each a self-contained HTML page (styles inside, nothing loaded
from anywhere, no scripts) that prints on one A4 or US Letter page:

- :func:`filters_html` — before you send a photo: the three filters with their
  questions, and ways of saying no (``filters.json``, ``questions.json``,
  ``patterns.json``);
- :func:`steps_html` — what to do when a photo is used as a threat: the steps
  (``steps.json``) with a region's crisis lines and help services
  (``help_resources.json``);
- :func:`letter_html` — a letter for parents and carers: what the class covered,
  the steps their child learned, how to respond if their child comes to them,
  and the region's help lines.

Only the framing words (titles, a line or two around the data, what each
lesson covered in words for parents, and how a parent can respond) are in
``handouts.json``; everything else comes from the data files the lessons use,
through :mod:`safetylab.content` and :mod:`safetylab.help`. A change to a step,
a filter or a help line changes every handout. A trainer's own files (``extra``,
or a course pack through ``SAFETYLAB_PACK``) change them the same way: a
``handouts.json`` with ``"contact"`` puts the school's contact on the letter.

:func:`make_handouts` writes them into a folder, never replacing a file
(``safetylab handouts -o DIR [--region R]``). No PDF is made: any browser prints
the page to paper or to PDF (File › Print › Save as PDF), and the page's print
styles keep it on one sheet.

What this does *not* do: a handout cannot check that a number still works
(the help list's caveat is printed on it), and it does not replace talking
with the group.

Examples
--------
>>> page = steps_html("United Kingdom")
>>> page.startswith("<!DOCTYPE html>") and "@page" in page and "<script" not in page
True
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._html import escape as _e
from . import _datafile, content
from . import help as help_module
from ._files import write_new
from .content import ContentError
from .errors import SafetyLabError

__all__ = ["HANDOUTS", "HandoutError", "filters_html", "steps_html", "letter_html", "make_handouts", "words"]

_DATA, _SCHEMA = "handouts.json", "handouts.schema.json"
_REQUIRED = ("filters_title", "filters_intro", "filters_saying_no", "filters_limits", "steps_title", "steps_limits",
             "help_title", "letter_title", "letter_greeting", "letter_intro", "letter_covered", "letter_steps",
             "letter_first", "letter_respond", "letter_closing", "letter_contact", "covered", "respond")

#: The handouts, by the name their files start with.
HANDOUTS = ("filters", "steps", "letter")


class HandoutError(SafetyLabError, ValueError):
    """A handout cannot be made as asked (an unknown lesson, say): one plain line."""


@functools.cache
def _check_shipped() -> None:
    data = _datafile.load_shipped(_DATA, _SCHEMA, error=ContentError)
    for name in _REQUIRED:
        if not data.get(name):
            raise ContentError("is missing (the shipped handouts need it)", file=_DATA, field=name)


def words(extra: Any = None) -> dict[str, Any]:
    """The handouts' own words (``handouts.json``) with a trainer's files laid over them."""
    _check_shipped()
    return _datafile.load_with_extras(_DATA, _SCHEMA, {"covered": "lesson", "respond": "id"}, extra,
                                      error=ContentError, what="a handouts file")


# --------------------------------------------------------------------------- #
# The page
# --------------------------------------------------------------------------- #

# One page on A4 (210 x 297 mm) and on US Letter (216 x 279 mm): the text block is kept
# within the narrower width (A4) and the shorter height (Letter), with 12 mm margins.
_CSS = """
@page { margin: 12mm; }
* { box-sizing: border-box; }
html { font: 9.6pt/1.3 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #111; background: #fff; }
body { margin: 0 auto; max-width: 186mm; }
h1 { font-size: 15pt; margin: 0 0 .25em; }
h2 { font-size: 11.5pt; margin: .5em 0 .15em; break-after: avoid; page-break-after: avoid; }
p { margin: .25em 0; }
ol, ul { margin: .15em 0 .3em 1.3em; padding: 0; }
li { margin: .08em 0; }
.lead { font-size: 10.5pt; }
.box { border-left: 4pt solid #0072B2; background: #EEF6FC; padding: .25em .6em; margin: .4em 0;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.filter { border-left: 4pt solid #0072B2; padding: .1em .6em; margin: .45em 0; }
.cols { column-count: 2; column-gap: 6mm; }
.cols > * { break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 8.2pt; }
caption { text-align: left; font-weight: bold; padding: .2em 0; }
th, td { text-align: left; vertical-align: top; padding: .12em .45em .12em 0; border-bottom: .5pt solid #888; }
.small { font-size: 8.2pt; color: #333; }
.line { border-bottom: .75pt solid #555; min-height: 1.4em; }
@media screen { body { padding: 1.2rem; max-width: 50rem; } }
@media print {
  body { max-width: none; }
  section, li, tr, .filter, .box { break-inside: avoid; page-break-inside: avoid; }
}
"""


def _page(title: str, body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
            f'<body><main><h1>{_e(title)}</h1>{body}</main></body></html>\n')


# --------------------------------------------------------------------------- #
# The handouts
# --------------------------------------------------------------------------- #

def filters_html(extra: Any = None) -> str:
    """Before you send a photo: the three filters, the questions under each, and ways of saying no.

    Examples
    --------
    >>> all(f.title in filters_html() for f in content.filters())
    True
    """
    w = words(extra)
    questions = content.questions(_folders(extra))
    parts = [f'<p class="lead">{_e(w["filters_intro"])}</p>']
    for f in content.filters(_folders(extra)):
        asks = "".join(f"<li>{_e(q.text)}</li>" for q in questions if q.filter == f.id)
        parts.append(f'<section class="filter" aria-label="{_e(f.title)}"><h2>{_e(f.title)}: {_e(f.ask)}</h2>'
                     f"<p>{_e(f.why)}</p>" + (f"<ul>{asks}</ul>" if asks else "") + "</section>")
    no = "".join(f"<li>{_e(s)}</li>" for s in content.no_starters(_folders(extra)))
    parts.append(f'<div class="box"><p><strong>{_e(w["filters_saying_no"])}</strong></p><ul class="cols">{no}</ul>'
                 "</div>")
    parts.append(f"<p><em>{_e(w['filters_limits'])}</em></p>")
    return _page(w["filters_title"], "".join(parts))


def _folders(extra: Any) -> Any:
    """``extra`` for the other data files: folders only (a file named here is a handouts.json)."""
    if extra is None:
        return None
    items = [extra] if isinstance(extra, (str, os.PathLike)) else list(extra)
    return [e for e in items if os.path.isdir(e)] or None


def _steps_list(extra: Any, *, why: bool, cols: bool = False) -> str:
    items = []
    for s in content.steps(_folders(extra)):
        young = f" <em><strong>Under 18:</strong> {_e(s.under_18)}</em>" if s.under_18 and why else ""
        items.append(f"<li><strong>{_e(s.title)}.</strong>" + (f" {_e(s.why)}" if why else "") + f"{young}</li>")
    return ('<ol class="cols">' if cols else "<ol>") + "".join(items) + "</ol>"


def _reach(r: help_module.Resource) -> str:
    phone = f"{r.phone} ({r.hours})" if r.phone and r.hours and not r.hours.startswith("(") else r.phone
    return " · ".join(x for x in (phone, r.url) if x)


def _help_block(region: str, extra: Any, *, kinds: Iterable[str] | None = None, compact: bool = False) -> str:
    """The region's crisis lines first, then its other services and the international ones.

    ``compact``: one line per service (name and how to reach it), in two columns.
    """
    w = words(extra)
    files = _folders(extra)
    name = _region(region, extra)
    crisis = help_module.crisis_lines(name, files)
    lines = "".join(f"<li><strong>{_e(reg)}:</strong> "
                    + "; ".join(f"{_e(r.name)}: <strong>{_e(r.reach)}</strong>" for r in rows) + "</li>"
                    for reg, rows in crisis.items())
    shown = [name] + ([help_module.INTERNATIONAL] if name != help_module.INTERNATIONAL else [])
    services = [r for reg in shown if reg in help_module.regions(files) for r in help_module.resources(reg, files)
                if not r.is_crisis_line and (kinds is None or set(r.kinds) & set(kinds))]
    if compact:
        items = "".join(f"<li><strong>{_e(r.name)}</strong>: {_e(_reach(r))}</li>" for r in services)
        listing = f'<ul class="cols small">{items}</ul>' if items else ""
    else:
        rows = "".join(f'<tr><th scope="row">{_e(r.name)}</th><td>{_e(r.does)}</td><td>{_e(_reach(r))}</td></tr>'
                       for r in services)
        listing = ('<table><thead><tr><th scope="col">Service</th><th scope="col">What it does</th>'
                   f'<th scope="col">How to reach it</th></tr></thead><tbody>{rows}</tbody></table>') if rows else ""
    return (f'<section aria-label="Where to get help"><h2>{_e(w["help_title"].replace("{region}", name))}</h2>'
            f'<div class="box"><p><strong>{_e(help_module.crisis_line(files))}</strong></p><ul>{lines}</ul></div>'
            f'{listing}<p class="small">{_e(help_module.caveat(files))}</p></section>')


def _region(region: str, extra: Any) -> str:
    """The help list's own name for ``region`` ("UK" -> "United Kingdom")."""
    return help_module.resources(region, _folders(extra))[0].region


def steps_html(region: str, extra: Any = None) -> str:
    """The steps for when a photo is used as a threat, then the region's crisis lines and help services.

    Parameters
    ----------
    region : str
        A region of the help list (``"United Kingdom"``, or ``"UK"``); the
        international services are always added.
    extra : optional
        A trainer's folder(s) or course pack: their ``steps.json``,
        ``help_resources.json`` and ``handouts.json`` are used.

    Raises
    ------
    safetylab.help.HelpError
        When the region is not in the help list (one line naming the regions).
    """
    from .evidence import NOT_YOUR_FAULT

    w = words(extra)
    body = (f'<p class="lead"><strong>{_e(NOT_YOUR_FAULT)}</strong></p>'
            f'<section aria-label="Steps that help">{_steps_list(extra, why=True)}</section>'
            f"<p><em>{_e(w['steps_limits'])}</em></p>{_help_block(region, extra)}")
    return _page(w["steps_title"], body)


def _lessons(lessons: Iterable[str | int] | None, covered: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    if lessons is None:
        return sorted(covered, key=lambda r: r["lesson"])
    by = {r["lesson"]: r for r in covered}
    out = []
    for n in lessons:
        try:
            key = f"{int(n):02d}"
        except (TypeError, ValueError):
            raise HandoutError(f"“{n}” is not a lesson number (write them like 1,3,5)") from None
        if key not in by:
            raise HandoutError(f"the letter has no words for lesson {key}; it knows lessons "
                               f"{', '.join(sorted(by))}")
        out.append(by[key])
    return sorted(out, key=lambda r: r["lesson"])


def letter_html(region: str, lessons: Iterable[str | int] | None = None, extra: Any = None) -> str:
    """A letter for parents and carers: what the class covered and how to respond; the region's help lines.

    Parameters
    ----------
    region : str
        A region of the help list (``"Canada"``, ``"US"``).
    lessons : iterable of lesson numbers, optional
        The lessons the class took (default: all).
    extra : optional
        A trainer's folder(s) or course pack (its ``handouts.json`` can set ``"contact"``).

    Raises
    ------
    HandoutError
        When a lesson has no words in ``handouts.json``.
    safetylab.help.HelpError
        When the region is not in the help list.
    """
    w = words(extra)
    covered = "".join(f"<li>{_e(r['text'])}</li>" for r in _lessons(lessons, w["covered"]))
    first = [s for s in content.steps(_folders(extra)) if s.may_come_first]
    first_line = "".join(f"<p>{_e(w['letter_first'])} <strong>{_e(s.title)}</strong>.</p>" for s in first)
    respond = "".join(f"<li><strong>{_e(r['title'])}.</strong> {_e(r['why'])}</li>" for r in w["respond"])
    contact = (f"<p>{_e(w['letter_contact'])} <strong>{_e(w['contact'])}</strong></p>" if w.get("contact") else
               f'<p>{_e(w["letter_contact"])}</p><div class="line" aria-label="Write the contact here"></div>')
    body = (f"<p>{_e(w['letter_greeting'])}</p><p>{_e(w['letter_intro'])}</p>"
            f"<h2>{_e(w['letter_covered'])}</h2><ul>{covered}</ul>"
            f"<h2>{_e(w['letter_steps'])}</h2>{_steps_list(extra, why=False, cols=True)}{first_line}"
            f'<section aria-label="{_e(w["letter_respond"])}"><h2>{_e(w["letter_respond"])}</h2><ol>{respond}</ol>'
            "</section>"
            f"{_help_block(region, extra, kinds=('support', 'report', 'removal'), compact=True)}"
            f"<p>{_e(w['letter_closing'])}</p>{contact}")
    return _page(w["letter_title"], body)


# --------------------------------------------------------------------------- #
# Writing them
# --------------------------------------------------------------------------- #

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "region"


@dataclass(frozen=True)
class Made:
    """One handout written: which, for which region, and where."""

    handout: str
    region: str | None
    path: Path


def make_handouts(out_dir: str | os.PathLike, region: str | None = None,
                  lessons: Iterable[str | int] | None = None, extra: Any = None) -> list[Made]:
    """Write the handouts into ``out_dir`` (made if missing); no file is ever replaced.

    Parameters
    ----------
    out_dir : path-like
        The folder. A name already taken gets ``-2``, ``-3``, ... added.
    region : str, optional
        One region of the help list; by default, the steps and the letter are
        made for every region (``steps-united-kingdom.html``, ...).
    lessons : iterable of lesson numbers, optional
        The lessons the class took, for the letter (default: all).
    extra : optional
        A trainer's folder(s) or course pack.

    Returns
    -------
    list of Made
        Every file written, in order.

    Raises
    ------
    safetylab.errors.OutputError, safetylab.help.HelpError, HandoutError, ContentError
        One plain line each; pages are built before anything is written, so
        a bad region or lesson writes nothing.
    """
    files = _folders(extra)
    regions = [_region(region, extra)] if region is not None else help_module.regions(files)
    pages = [("filters", None, "filters.html", filters_html(extra))]
    for reg in regions:
        pages.append(("steps", reg, f"steps-{_slug(reg)}.html", steps_html(reg, extra)))
    for reg in regions:
        pages.append(("letter", reg, f"letter-for-parents-{_slug(reg)}.html", letter_html(reg, lessons, extra)))
    return [Made(kind, reg, write_new(Path(out_dir) / name, text.encode("utf-8"))) for kind, reg, name, text in pages]
