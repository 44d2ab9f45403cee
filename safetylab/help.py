"""Where to get help when an image is being used against someone.

The list is data, not code: ``safetylab/data/help_resources.json``, grouped by
region ("International", "United States", "United Kingdom", ...). Every entry
says what the service does in one plain sentence, who it is for (ages), and how
to reach it — a web address and/or a phone number, kept as *text*: nothing is
ever fetched, opened or dialled by safetylab — its opening hours, and what kind
of help it gives (``kinds``: crisis, support, report, removal). Every entry
names the public page that states its details (``source``), the date they were
last compared with it (``last_checked``) and how (``checked``), including what
could not be confirmed.

Every region lists at least one crisis line: :func:`crisis_html` shows them all
under one plain sentence ("If you are thinking about hurting yourself...") at
the start of the course, at the opening of lesson 6 and in the threat scenario.

Services and numbers change. The list always travels with its caveat
(:func:`caveat`): check before relying on it.

Trainers can add their own entries — a local helpline, the school's safeguarding
lead — in a JSON file with the same layout (only ``"resources"`` is required),
passed as ``extra`` (a file, or a folder holding ``help_resources.json``; a
course pack's folder is added by itself). An extra entry with the same region
and name as a shipped one replaces it (to correct a number without editing the
package). Every file is checked against ``help_resources.schema.json`` by the
one data-file loader (:mod:`safetylab._datafile`); a mistake is reported in one
line naming the file and the field.

What this does *not* do: it does not tell you which service fits your case, and
it cannot know whether a number still works. When in doubt, tell a person you
trust and let them help you choose; if you are in danger right now, call your
local emergency number.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from . import _datafile, plain
from ._datafile import DataFileError
from .errors import SafetyLabError
from ._html import escape as _e

__all__ = ["Resource", "HelpError", "HelpDataError", "INTERNATIONAL", "KINDS", "schema", "resources",
           "regions", "caveat", "crisis_line", "crisis_lines", "crisis_html", "help_html", "load_file"]

_DATA_FILE = "help_resources.json"
_SCHEMA_FILE = "help_resources.schema.json"

#: The region shown with every other region.
INTERNATIONAL = "International"

#: The kinds of help an entry can give, in the order they are described.
KINDS = ("crisis", "support", "report", "removal")


def schema() -> dict[str, Any]:
    """The JSON Schema of a help list file (the shipped one and a trainer's own), as a new dict."""
    return _datafile.schema(_SCHEMA_FILE)


class HelpError(SafetyLabError):
    """A help list question that cannot be answered (an unknown region, say)."""


class HelpDataError(HelpError, DataFileError):
    """A help list file is missing, not JSON, or has a wrong field: ``FILE: FIELD: PROBLEM``.

    Attributes
    ----------
    file : str
        The file's name.
    field : str
        The field that is wrong, e.g. ``"resources[2].phone"`` (``""`` for the whole file).
    """


@dataclass(frozen=True)
class Resource:
    """One help service.

    Attributes
    ----------
    region, name : str
        Where it serves, and its name.
    does : str
        What it does, in one plain sentence.
    who : str
        Who it is for (ages).
    url, phone : str or None
        How to reach it, as text (at least one is given).
    last_checked : str
        ``YYYY-MM-DD``: when its details were last compared with ``source``.
    source : str
        The public page that states its details.
    checked : str
        How it was checked, and what could not be confirmed.
    hours : str or None
        When it can be reached.
    kinds : tuple of str
        What kind of help it gives (see :data:`KINDS`); ``"crisis"`` marks a
        crisis line (someone to talk to right now, including about self-harm).
    file : str
        The file it came from.
    """

    region: str
    name: str
    does: str
    who: str
    url: str | None
    phone: str | None
    last_checked: str
    source: str = ""
    checked: str = ""
    hours: str | None = None
    kinds: tuple[str, ...] = ("support",)
    file: str = _DATA_FILE

    @property
    def is_crisis_line(self) -> bool:
        return "crisis" in self.kinds

    @property
    def reach(self) -> str:
        """How to reach it, in one line: the phone (with hours), else the web address."""
        phone = f"{self.phone} ({self.hours})" if self.phone and self.hours else self.phone
        return phone or self.url or ""

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "name": self.name, "does": self.does, "who": self.who,
                "url": self.url, "phone": self.phone, "hours": self.hours, "kinds": list(self.kinds),
                "source": self.source, "last_checked": self.last_checked, "checked": self.checked}


def _rows(data: Mapping[str, Any], file: str) -> tuple[Resource, ...]:
    return tuple(Resource(region=row["region"].strip(), name=row["name"].strip(), does=row["does"].strip(),
                          who=row["who"].strip(), url=row.get("url") or None,
                          phone=(row.get("phone") or "").strip() or None, last_checked=row["last_checked"],
                          source=row["source"].strip(), checked=row["checked"].strip(),
                          hours=(row.get("hours") or "").strip() or None,
                          kinds=tuple(row.get("kinds", ("support",))), file=row.get("_file", file))
                 for row in data["resources"])


def _check(data: Mapping[str, Any]) -> list[tuple[list[Any], str]]:
    """Each service once per region (a second one would silently replace the first)."""
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(data["resources"]):
        key = (row["region"].strip(), row["name"].strip())
        if key in seen:
            return [(["resources", i, "name"], f"repeats '{key[1]}' in '{key[0]}'; list each service once per region")]
        seen.add(key)
    return []


def load_file(path: str | os.PathLike) -> tuple[Resource, ...]:
    """Read and check a help list file of your own.

    Raises
    ------
    HelpDataError
        ``FILE: FIELD: PROBLEM``, naming the file and the field.
    """
    data = _datafile.load(path, _SCHEMA_FILE, check=_check, error=HelpDataError, what="a help list file")
    return _rows(data, os.path.basename(os.fspath(path)))


@functools.cache
def _shipped() -> Mapping[str, Any]:
    data = _datafile.load_shipped(_DATA_FILE, _SCHEMA_FILE, check=_check, error=HelpDataError)
    for name in ("caveat", "crisis_line"):
        if not data.get(name):
            raise HelpDataError("is missing (the shipped help list needs it)", file=_DATA_FILE, field=name)
    return MappingProxyType(data)


def _extras(extra) -> list:
    files = _datafile.extra_files(_DATA_FILE, extra)
    return [(p.name, _datafile.load(p, _SCHEMA_FILE, check=_check, error=HelpDataError,
                                    what="a help list file")) for p in files]


def _merged(extra) -> dict[str, Any]:
    return _datafile.merge(dict(_shipped()), _extras(extra), list_field="resources", key=("region", "name"))


def caveat(extra=None) -> str:
    """The line to show with the list, every time ("check before relying on it...")."""
    return _merged(extra)["caveat"]


def crisis_line(extra=None) -> str:
    """The sentence shown above the crisis lines ("If you are thinking about hurting yourself...")."""
    return _merged(extra)["crisis_line"]


def _all(extra) -> list[Resource]:
    """Shipped entries with a trainer's laid over them (same region and name: replaced in place)."""
    return list(_rows(_merged(extra), _DATA_FILE))


def regions(extra: str | os.PathLike | Iterable[str | os.PathLike] | None = None) -> list[str]:
    """The regions in the list, in file order ("International" first).

    Examples
    --------
    >>> regions()[0]
    'International'
    """
    return list(dict.fromkeys(r.region for r in _all(extra)))


def _match_region(region: str, known: list[str]) -> str:
    """The region ``region`` names: its full name (any case), its initials ("UK"), or the start of one name."""
    want = region.strip().casefold()
    for k in known:
        if k.casefold() == want:
            return k
    found = [k for k in known if len(k.split()) > 1 and "".join(w[0] for w in k.split()).casefold() == want]
    if len(found) != 1:
        found = [k for k in known if want and k.casefold().startswith(want)]
    if len(found) == 1:
        return found[0]
    raise HelpError(f"There is no help list for {region!r}; the regions are: {', '.join(known)}.")


def resources(region: str | None = None,
              extra: str | os.PathLike | Iterable[str | os.PathLike] | None = None) -> list[Resource]:
    """Help services, all or for one region.

    Parameters
    ----------
    region : str, optional
        A region name from :func:`regions` (any letter case; initials such as
        "UK", or the start of a name, work too). Only that region's
        entries are returned; :func:`help_html` adds the international ones.
    extra : path-like or list of path-likes, optional
        A trainer's own help list file(s), merged into the shipped one.

    Returns
    -------
    list of Resource
        A new list each call.

    Raises
    ------
    HelpDataError
        When a file is not valid (naming the file and the field).
    HelpError
        When ``region`` is not in the list.

    Examples
    --------
    >>> [r.name for r in resources("United Kingdom")][:1]
    ['Revenge Porn Helpline']
    >>> resources("uk") == resources("United Kingdom") and resources("Aus")[0].region == "Australia"
    True
    """
    rows = _all(extra)
    if region is None:
        return rows
    wanted = _match_region(region, list(dict.fromkeys(r.region for r in rows)))
    return [r for r in rows if r.region == wanted]


def crisis_lines(region: str | None = None,
                 extra: str | os.PathLike | Iterable[str | os.PathLike] | None = None) -> dict[str, list[Resource]]:
    """The crisis lines by region, in list order: every region, or one region and the international ones.

    A region with no crisis line of its own (a trainer's "Our school", say)
    is left out; the international lines are there for everyone.

    Examples
    --------
    >>> lines = crisis_lines()
    >>> [r.name for r in lines["United Kingdom"]][:1]
    ['Childline']
    >>> set(crisis_lines("Canada")) == {"Canada", "International"}
    True
    """
    rows = _all(extra)
    known = list(dict.fromkeys(r.region for r in rows))
    shown = known if region is None else [_match_region(region, known)]
    if region is not None and shown[0] != INTERNATIONAL and INTERNATIONAL in known:
        shown.append(INTERNATIONAL)
    out: dict[str, list[Resource]] = {}
    for reg in shown:
        lines = [r for r in rows if r.region == reg and r.is_crisis_line]
        if lines:
            out[reg] = lines
    return out


def crisis_html(region: str | None = None,
                extra: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
                *, with_caveat: bool = True) -> str:
    """The crisis sentence and every region's crisis lines, as a short accessible block.

    Shown at the start of lesson 00, at the opening of lesson 06 and in the
    threat scenario. Numbers are plain text: nothing is dialled or fetched.
    ``with_caveat=False`` leaves out the caveat ("Check before relying on it…"),
    for a page that shows :func:`help_html` (which starts with it) just after.
    """
    items = "".join(
        f"<li><strong>{_e(reg)}:</strong> "
        + "; ".join(f"{_e(r.name)}: <strong>{_e(r.reach)}</strong>" for r in lines) + "</li>"
        for reg, lines in crisis_lines(region, extra).items())
    return ('<div class="safetylab-crisis" role="note" aria-label="Crisis lines" '
            'style="border-left:6px solid #0072B2;padding:.3em .9em;margin:.6em 0;color:#111;background:#EEF6FC">'
            f"<p style=\"margin:.3em 0\"><strong>{_e(crisis_line(extra))}</strong></p>"
            f'<ul style="margin:.2em 0 .4em">{items}</ul>'
            + (f"<p style=\"margin:.2em 0\"><small>{_e(caveat(extra))}</small></p>" if with_caveat else "")
            + "</div>")


_ADDRESS = '<span style="overflow-wrap:anywhere">{}</span>'  # plain text that wraps on a phone


def _table(region: str, rows: list[Resource], trainer: bool) -> str:
    body = "".join(
        f'<tr><th scope="row" style="text-align:left">{_e(r.name)}</th>'
        f'<td style="text-align:left">{_e(r.does)}</td><td style="text-align:left">{_e(r.who)}</td>'
        f'<td style="text-align:left">'
        + "<br>".join(x for x in (f"Web: {_ADDRESS.format(_e(r.url))}" if r.url else "",
                                  f"Phone: <strong>{_e(r.phone)}</strong>" if r.phone else "",
                                  f"Open: {_e(r.hours)}" if r.hours else "") if x)
        + f'</td><td style="text-align:left">{_e(plain.date(r.last_checked))}'
        + (f"<br><small>Source: {_ADDRESS.format(_e(r.source))}</small>" if trainer else "")
        + "</td></tr>" for r in rows)
    return (f'<table style="border-collapse:collapse;margin-bottom:1em"><caption style="text-align:left;'
            f'font-weight:bold;font-size:1.1em">{_e(region)}</caption><thead><tr>'
            '<th scope="col" style="text-align:left">Service</th>'
            '<th scope="col" style="text-align:left">What it does</th>'
            '<th scope="col" style="text-align:left">Who it is for</th>'
            '<th scope="col" style="text-align:left">How to reach it</th>'
            '<th scope="col" style="text-align:left">Last checked</th>'
            f"</tr></thead><tbody>{body}</tbody></table>")


def help_html(region: str | None = None,
              extra: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
              *, trainer: bool | None = None) -> str:
    """The help list as accessible HTML: the caveat, then one captioned table per region.

    With a ``region``, shows that region and the international services.
    Addresses and numbers are plain text: nothing is fetched. The page each entry
    was checked against (its source) is shown to trainers only: by default in
    JupyterLab, not in learner mode (:func:`safetylab.environment.learner_mode`).
    """
    from .environment import learner_mode

    trainer = not learner_mode() if trainer is None else trainer
    rows = _all(extra)
    known = list(dict.fromkeys(r.region for r in rows))
    if region is None:
        shown = known
    else:
        wanted = _match_region(region, known)
        shown = [wanted] + ([INTERNATIONAL] if wanted != INTERNATIONAL and INTERNATIONAL in known else [])
    tables = "".join(_table(reg, [r for r in rows if r.region == reg], trainer) for reg in shown)
    return (f'<div class="safetylab-help"><p role="note"><strong>{_e(caveat(extra))}</strong></p>'
            "<p>You do not have to handle this alone. A service like these, or a person you trust, "
            "can help you with the next step. Reaching out is not getting into trouble.</p>"
            f"{tables}</div>")
