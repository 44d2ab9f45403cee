"""Where to get help when an image is being used against someone.

The list is data, not code: ``safetylab/data/help_resources.json``, grouped by
region ("International", "United States", "United Kingdom", ...). Every entry
says what the service does in one plain sentence, who it is for (ages), and how
to reach it — a web address and/or a phone number, kept as *text*: nothing is
ever fetched, opened or dialled by safetylab. Each entry has a ``last_checked``
date.

Services and numbers change. The list always travels with its caveat
(:func:`caveat`): check before relying on it.

Trainers can add their own entries — a local helpline, the school's safeguarding
lead — in a JSON file with the same layout (only ``"resources"`` is required),
passed as ``extra``. An extra entry with the same region and name as a shipped
one replaces it (to correct a number without editing the package). Every file is
checked against :data:`SCHEMA` with ``jsonschema``; a mistake is reported in one
line naming the file and the field.

What this does *not* do: it does not tell you which service fits your case, and
it cannot know whether a number still works. When in doubt, tell a person you
trust and let them help you choose; if you are in danger right now, call your
local emergency number.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from importlib import resources as _pkg_resources
from pathlib import Path
from typing import Any, Iterable

from .errors import SafetyLabError
from ._html import escape as _e

__all__ = ["Resource", "HelpError", "HelpDataError", "SCHEMA", "INTERNATIONAL", "resources",
           "regions", "caveat", "help_html", "load_file"]

_DATA_FILE = "help_resources.json"

#: The region shown with every other region.
INTERNATIONAL = "International"

_TEXT = {"type": "string", "pattern": r"\S"}

#: The JSON schema of a help list file (the shipped one and a trainer's own).
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["resources"],
    "additionalProperties": False,
    "properties": {
        "_about": {"type": "string"},
        "caveat": _TEXT,
        "resources": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["region", "name", "does", "who", "last_checked"],
                "additionalProperties": False,
                "properties": {
                    "region": _TEXT,
                    "name": _TEXT,
                    "does": _TEXT,
                    "who": _TEXT,
                    "url": {"type": ["string", "null"], "pattern": r"^https?://\S+$"},
                    "phone": {"type": ["string", "null"], "pattern": r"\S"},
                    "last_checked": {"type": "string", "format": "date",
                                     "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                },
                "anyOf": [
                    {"required": ["url"], "properties": {"url": {"type": "string"}}},
                    {"required": ["phone"], "properties": {"phone": {"type": "string"}}},
                ],
            },
        },
    },
}


class HelpError(SafetyLabError):
    """A help list question that cannot be answered (an unknown region, say)."""


class HelpDataError(HelpError):
    """A help list file is missing, not JSON, or has a wrong field.

    Attributes
    ----------
    file : str
        The file's name.
    field : str or None
        The field that is wrong, e.g. ``"resources[2].phone"``.
    """

    def __init__(self, message: str, *, file: str = "", field: str | None = None):
        super().__init__(message)
        self.file = file
        self.field = field


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
        ``YYYY-MM-DD``.
    source : str
        The file it came from.
    """

    region: str
    name: str
    does: str
    who: str
    url: str | None
    phone: str | None
    last_checked: str
    source: str = _DATA_FILE

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "name": self.name, "does": self.does, "who": self.who,
                "url": self.url, "phone": self.phone, "last_checked": self.last_checked}


def _field(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _problem(err) -> tuple[str | None, str]:
    """``(field, plain problem)`` for one jsonschema error."""
    where = _field(err.absolute_path) or None
    inst = err.instance
    if err.validator == "required":
        missing = [k for k in err.validator_value if not isinstance(inst, dict) or k not in inst]
        name = _field([*err.absolute_path, missing[0]])
        return name, f"the field '{name}' is missing."
    if err.validator == "additionalProperties":
        extra = sorted(set(inst) - set(err.schema.get("properties", {})))
        name = _field([*err.absolute_path, extra[0]])
        return name, f"the field '{name}' is not one it knows (a typo?)."
    if err.validator == "anyOf":
        name = _field([*err.absolute_path, "url"])
        phone = _field([*err.absolute_path, "phone"])
        return name, f"{where} needs the field '{name}' or '{phone}' (or both), as text."
    if err.validator == "minItems":
        return where, f"the field '{where}' must list at least one service."
    if err.validator == "format" or (err.validator == "pattern" and where and where.endswith("last_checked")):
        return where, f"the field '{where}' must be a real date written YYYY-MM-DD."
    if err.validator == "pattern":
        if where and where.endswith(".url"):
            return where, f"the field '{where}' must be a web address starting with https:// or http://."
        return where, f"the field '{where}' must not be empty."
    if err.validator == "type":
        kinds = {"string": "text", "null": "null", "array": "a list", "object": "an object"}
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        if where is None:
            return None, "it must be a JSON object with a 'resources' list."
        return where, f"the field '{where}' must be {' or '.join(kinds.get(w, w) for w in wanted)}."
    return where, f"the field '{where}' is wrong ({err.message})."


def _parse(text: str, name: str) -> tuple[str | None, tuple[Resource, ...]]:
    import jsonschema

    def bad(problem: str, field: str | None = None) -> HelpDataError:
        return HelpDataError(f"The help list {name} is not valid: {problem}", file=name, field=field)

    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise bad(f"it is not valid JSON (line {e.lineno}, column {e.colno}).") from None
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data),
                    key=lambda e: ([str(p) for p in e.absolute_path], e.validator != "required"))
    # "needs a url or a phone" only when nothing more precise is wrong in that entry
    errors = [e for e in errors if e.validator != "anyOf" or not any(
        o is not e and list(o.absolute_path)[:len(e.absolute_path)] == list(e.absolute_path)
        for o in errors)] or errors
    if errors:
        field, problem = _problem(errors[0])
        raise bad(problem, field)
    seen: set[tuple[str, str]] = set()
    out = []
    for i, row in enumerate(data["resources"]):
        key = (row["region"].strip(), row["name"].strip())
        if key in seen:
            raise bad(f"the field 'resources[{i}].name' repeats '{key[1]}' in '{key[0]}'; "
                      "list each service once per region.", f"resources[{i}].name")
        seen.add(key)
        out.append(Resource(region=key[0], name=key[1], does=row["does"].strip(),
                            who=row["who"].strip(), url=(row.get("url") or None),
                            phone=(row.get("phone") or "").strip() or None,
                            last_checked=row["last_checked"], source=name))
    cav = data.get("caveat")
    return (cav.strip() if cav else None), tuple(out)


def load_file(path: str | os.PathLike) -> tuple[Resource, ...]:
    """Read and check a help list file of your own.

    Raises
    ------
    HelpDataError
        Naming the file and the field.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HelpDataError(f"There is no help list file called {p.name!r} here.", file=p.name) from None
    except (OSError, UnicodeDecodeError) as e:
        raise HelpDataError(f"The help list {p.name} could not be read ({type(e).__name__}).",
                            file=p.name) from None
    return _parse(text, p.name)[1]


@functools.cache
def _shipped() -> tuple[str, tuple[Resource, ...]]:
    try:
        text = _pkg_resources.files("safetylab").joinpath("data", _DATA_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise HelpDataError(f"The help list {_DATA_FILE} that comes with safetylab could not be read "
                            f"({type(e).__name__}); try reinstalling safetylab.", file=_DATA_FILE) from None
    cav, rows = _parse(text, _DATA_FILE)
    if not cav:
        raise HelpDataError(f"The help list {_DATA_FILE} is not valid: the field 'caveat' is missing.",
                            file=_DATA_FILE, field="caveat")
    return cav, rows


def _extras(extra) -> list[str | os.PathLike]:
    if extra is None:
        return []
    if isinstance(extra, (str, os.PathLike)):
        return [extra]
    return list(extra)


def caveat() -> str:
    """The line to show with the list, every time ("check before relying on it...")."""
    return _shipped()[0]


def _all(extra) -> list[Resource]:
    merged: dict[tuple[str, str], Resource] = {(r.region, r.name): r for r in _shipped()[1]}
    for path in _extras(extra):
        for r in load_file(path):
            merged[(r.region, r.name)] = r  # replaces a shipped entry, or is added at the end
    return list(merged.values())


def regions(extra: str | os.PathLike | Iterable[str | os.PathLike] | None = None) -> list[str]:
    """The regions in the list, in file order ("International" first).

    Examples
    --------
    >>> regions()[0]
    'International'
    """
    return list(dict.fromkeys(r.region for r in _all(extra)))


def _match_region(region: str, known: list[str]) -> str:
    for k in known:
        if k.casefold() == region.strip().casefold():
            return k
    raise HelpError(f"There is no help list for {region!r}; the regions are: {', '.join(known)}.")


def resources(region: str | None = None,
              extra: str | os.PathLike | Iterable[str | os.PathLike] | None = None) -> list[Resource]:
    """Help services, all or for one region.

    Parameters
    ----------
    region : str, optional
        A region name from :func:`regions` (any letter case). Only that region's
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
    """
    rows = _all(extra)
    if region is None:
        return rows
    wanted = _match_region(region, list(dict.fromkeys(r.region for r in rows)))
    return [r for r in rows if r.region == wanted]


def _table(region: str, rows: list[Resource]) -> str:
    body = "".join(
        f'<tr><th scope="row" style="text-align:left">{_e(r.name)}</th>'
        f'<td style="text-align:left">{_e(r.does)}</td><td style="text-align:left">{_e(r.who)}</td>'
        f'<td style="text-align:left">'
        + "<br>".join(x for x in (f"Web: <code>{_e(r.url)}</code>" if r.url else "",
                                  f"Phone: <strong>{_e(r.phone)}</strong>" if r.phone else "") if x)
        + f'</td><td style="text-align:left">{_e(r.last_checked)}</td></tr>' for r in rows)
    return (f'<table style="border-collapse:collapse;margin-bottom:1em"><caption style="text-align:left;'
            f'font-weight:bold;font-size:1.1em">{_e(region)}</caption><thead><tr>'
            '<th scope="col" style="text-align:left">Service</th>'
            '<th scope="col" style="text-align:left">What it does</th>'
            '<th scope="col" style="text-align:left">Who it is for</th>'
            '<th scope="col" style="text-align:left">How to reach it</th>'
            '<th scope="col" style="text-align:left">Last checked</th>'
            f"</tr></thead><tbody>{body}</tbody></table>")


def help_html(region: str | None = None,
              extra: str | os.PathLike | Iterable[str | os.PathLike] | None = None) -> str:
    """The help list as accessible HTML: the caveat, then one captioned table per region.

    With a ``region``, shows that region and the international services.
    Addresses and numbers are plain text: nothing is fetched.
    """
    rows = _all(extra)
    known = list(dict.fromkeys(r.region for r in rows))
    if region is None:
        shown = known
    else:
        wanted = _match_region(region, known)
        shown = [wanted] + ([INTERNATIONAL] if wanted != INTERNATIONAL and INTERNATIONAL in known else [])
    tables = "".join(_table(reg, [r for r in rows if r.region == reg]) for reg in shown)
    return (f'<div class="safetylab-help"><p role="note"><strong>{_e(caveat())}</strong></p>'
            "<p>You do not have to handle this alone. A service like these, or a person you trust, "
            "can help you with the next step. Reaching out is not getting into trouble.</p>"
            f"{tables}</div>")
