"""What the course teaches, as data: steps, filters, questions, patterns, places, phone steps.

Teaching content a trainer may adapt lives in JSON files in
``safetylab/data/``, each checked against its JSON Schema beside it, and is
read only through this module (help services have their own module,
:mod:`safetylab.help`, built the same way). Every lesson, widget, printable page
and the command line takes its wording from here, so there is one source for
each piece of what the course says:

=====================  ===================  =========================================
data file              read with            what it holds
=====================  ===================  =========================================
``steps.json``         :func:`steps`        the five steps when a photo is used as a threat
``filters.json``       :func:`filters`      the three filters; the report card's words
``questions.json``     :func:`questions`    the reflective questions of the filters
``patterns.json``      :func:`patterns`     pressure patterns; ways of saying no
``places.json``        :func:`places`       where copies of a sent photo live; delete
                                            buttons; what apps do about screenshots
``phone_steps.json``   :func:`phone_steps`  "what you can do" on iPhone and Android
=====================  ===================  =========================================

**A trainer's own files.** Every function takes ``extra``: a file, a folder,
or a list of them. A folder contributes the file of the same name
(``my-course/steps.json``); the folders named by the ``SAFETYLAB_PACK``
environment variable (a course pack, see :func:`safetylab._datafile.pack_folders`)
are always added first. Rows are matched by ``id``: a trainer's row with the
id of a shipped one replaces it in place, a new id is added at the end, and
other top-level fields (a caveat, the ways of saying no) replace the shipped
ones. Each file is checked against the same schema as the shipped one; a
mistake is one line naming the file and the field.

What this does *not* do: it checks the form of the content, not whether it is
right for a particular class. Phone menus and app behaviour change: the data
says so wherever it describes them, and every fact about an app or a service
carries its source and the date it was last checked.

Examples
--------
>>> [s.number for s in steps()]
[1, 2, 3, 4, 5]
>>> [f.id for f in filters()]
['trust', 'identity', 'permanence']
>>> question("proof").option("trusted_more").verdict
'think_again'
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import _datafile
from ._datafile import DataFileError
from .errors import SafetyLabError

__all__ = [
    "AnswerError",
    "AppNote",
    "ContentError",
    "DeleteAction",
    "Filter",
    "Option",
    "PhoneStep",
    "Place",
    "PressurePattern",
    "Question",
    "Source",
    "Step",
    "Verdict",
    "VERDICTS",
    "card_limits",
    "delete_actions",
    "filters",
    "no_starters",
    "patterns",
    "phone_caveat",
    "phone_steps",
    "places",
    "places_caveat",
    "question",
    "questions",
    "second_phone_note",
    "steps",
    "verdicts",
    "view_once_notes",
]

#: The verdicts of the report card, from most to least reassuring.
VERDICTS = ("clear", "think_again", "dont_send")


class ContentError(DataFileError):
    """A teaching-content file is missing, unreadable or breaks a rule: ``FILE: FIELD: PROBLEM``."""


class AnswerError(SafetyLabError, ValueError):
    """An answer names a question or an option that does not exist."""


# --------------------------------------------------------------------------- #
# Loading and merging
# --------------------------------------------------------------------------- #

#: data file stem -> (list field, key field)
_COLLECTIONS = {
    "steps": ("steps", "id"),
    "filters": ("filters", "id"),
    "questions": ("questions", "id"),
    "patterns": ("patterns", "id"),
    "places": ("places", "id"),
    "phone_steps": ("steps", "id"),
}


@functools.cache
def _shipped(name: str) -> Mapping[str, Any]:
    data = _datafile.load_shipped(f"{name}.json", f"{name}.schema.json", error=ContentError)
    return MappingProxyType(data)


def _data(name: str, extra: Any = None) -> dict[str, Any]:
    """The shipped data of ``name`` with a trainer's files laid over it."""
    base = dict(_shipped(name))
    files = _datafile.extra_files(f"{name}.json", extra)
    list_field, key = _COLLECTIONS[name]
    extras = [(p.name, _datafile.load(p, f"{name}.schema.json", error=ContentError,
                                       what=f"a {name.replace('_', ' ')} file")) for p in files]
    merged = _datafile.merge(base, extras, list_field=list_field, key=key)
    for file, data in [(f"{name}.json", base), *extras]:  # the same id twice in one file is a mistake
        _datafile.check_unique(data.get(list_field, []), key, list_field=list_field, file=file,
                               error=ContentError)
    return merged


def _folders(extra: Any) -> list[Any]:
    """Only the folders of ``extra``: a file given for one kind of content is not read as another."""
    if extra is None:
        return []
    items = [extra] if isinstance(extra, (str, os.PathLike)) else list(extra)
    return [e for e in items if os.path.isdir(e)]


def _where(row: Mapping[str, Any], name: str, list_field: str) -> tuple[str, str]:
    """The file and field a merged row came from, for messages."""
    return row.get("_file", f"{name}.json"), f"{list_field}[{row.get('_index', '?')}]"


# --------------------------------------------------------------------------- #
# Sources
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Source:
    """Where a fact about an app, a phone or a service was checked.

    Attributes
    ----------
    url : str
        The public page that states it.
    last_checked : str
        ``YYYY-MM-DD``.
    checked : str
        How it was checked, and what the page says (or that it could not be confirmed).
    """

    url: str
    last_checked: str
    checked: str


def _sources(rows: Iterable[Mapping[str, Any]]) -> tuple[Source, ...]:
    return tuple(Source(r["url"], r["last_checked"], r["checked"]) for r in rows)


# --------------------------------------------------------------------------- #
# The five steps
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Step:
    """One of the steps that help when a photo is being used as a threat.

    ``number`` counts from 1 in the order they are taught; ``under_18`` says
    what is different for a young person, and ``may_come_first`` marks a step
    that can be done before the others (telling a trusted adult).
    """

    number: int
    id: str
    title: str
    why: str
    under_18: str | None = None
    may_come_first: bool = False


def steps(extra: Any = None) -> tuple[Step, ...]:
    """The five steps, in order (see ``steps.json``).

    Parameters
    ----------
    extra : path-like, folder or list of them, optional
        A trainer's own ``steps.json`` (or a folder holding one).

    Raises
    ------
    ContentError
        When a file is not valid (naming the file and the field).

    Examples
    --------
    >>> [s.number for s in steps()], steps()[-1].may_come_first
    ([1, 2, 3, 4, 5], True)
    """
    rows = _data("steps", extra)["steps"]
    return tuple(Step(i, r["id"], r["title"], r["why"], r.get("under_18"), r.get("may_come_first", False))
                 for i, r in enumerate(rows, start=1))


# --------------------------------------------------------------------------- #
# Filters and the card's words
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Filter:
    """One of the filters a photo should clear before it is sent."""

    id: str
    title: str
    ask: str  # the filter as one question the sender asks themself
    why: str  # why it matters
    limit: str  # what no software can check under it


@dataclass(frozen=True)
class Verdict:
    """What the report card calls a verdict, and its summary line."""

    id: str
    label: str
    summary: str


def filters(extra: Any = None) -> tuple[Filter, ...]:
    """The filters, in the order they are asked (see ``filters.json``)."""
    return tuple(Filter(r["id"], r["title"], r["ask"], r["why"], r["limit"])
                 for r in _data("filters", extra)["filters"])


def verdicts(extra: Any = None) -> Mapping[str, Verdict]:
    """The card's verdicts by id (``"clear"``, ``"think_again"``, ``"dont_send"``)."""
    words = _data("filters", extra)["verdicts"]
    return MappingProxyType({v: Verdict(v, words[v]["label"], words[v]["summary"]) for v in VERDICTS})


def card_limits(extra: Any = None) -> str:
    """What the report card itself does not protect against (shown on every card)."""
    return _data("filters", extra)["card_limits"]


# --------------------------------------------------------------------------- #
# Questions
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Option:
    """One possible answer: what it says, what it means for the filter, why, and what to do."""

    value: str
    label: str
    verdict: str = "clear"
    reason: str = ""
    todo: str = ""


@dataclass(frozen=True)
class Question:
    """A reflective question under one filter; ``multiple`` questions take several ticks."""

    id: str
    filter: str
    text: str
    options: tuple[Option, ...]
    multiple: bool = False

    def option(self, value: str) -> Option:
        """The answer called ``value``.

        Raises
        ------
        AnswerError
            When there is no such answer.
        """
        for opt in self.options:
            if opt.value == value:
                return opt
        raise AnswerError(f"“{value}” is not one of the answers to the question “{self.text}” ({self.id}).")


def questions(extra: Any = None) -> tuple[Question, ...]:
    """The reflective questions, in order, each under a filter of :func:`filters`.

    Raises
    ------
    ContentError
        When a file is not valid, a question names a filter that does not
        exist, an answer names a missing ``todo``, or a question has no
        "clear" answer.
    """
    data = _data("questions", extra)
    todos = dict(_shipped("questions").get("todos", {}))
    for p in _datafile.extra_files("questions.json", extra):  # a trainer's todos add to the shipped ones
        todos.update(_datafile.load(p, "questions.schema.json", error=ContentError).get("todos", {}))
    filter_ids = {f.id for f in filters(_folders(extra))}
    out = []
    for row in data["questions"]:
        file, where = _where(row, "questions", "questions")
        if row["filter"] not in filter_ids:
            raise ContentError(f"there is no filter called '{row['filter']}' (there are: "
                               f"{', '.join(sorted(filter_ids))})", file=file, field=f"{where}.filter")
        opts = []
        for j, o in enumerate(row["options"]):
            if o.get("todo") and o["todo"] not in todos:
                raise ContentError(f"there is no todo called '{o['todo']}' in 'todos'",
                                   file=file, field=f"{where}.options[{j}].todo")
            opts.append(Option(o["value"], o["label"], o.get("verdict", "clear"), o.get("reason", ""),
                               todos.get(o.get("todo", ""), "")))
        if not any(o.verdict == "clear" for o in opts):
            raise ContentError("needs at least one answer that is 'clear' (the reassuring one)",
                               file=file, field=f"{where}.options")
        out.append(Question(row["id"], row["filter"], row["text"], tuple(opts), row.get("multiple", False)))
    return tuple(out)


def question(qid: str, extra: Any = None) -> Question:
    """The question with id ``qid``.

    Raises
    ------
    AnswerError
        When there is no such question.
    """
    for q in questions(extra):
        if q.id == qid:
            return q
    raise AnswerError(f"There is no question called “{qid}”.")


# --------------------------------------------------------------------------- #
# Pressure patterns and saying no
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class PressurePattern:
    """A common way a photo gets pried loose, and an answer to it."""

    id: str
    name: str
    sounds_like: str
    what_is_going_on: str
    you_can_say: str


def patterns(extra: Any = None) -> tuple[PressurePattern, ...]:
    """The pressure patterns (naming a pattern takes away most of its power)."""
    return tuple(PressurePattern(r["id"], r["name"], r["sounds_like"], r["what_is_going_on"], r["you_can_say"])
                 for r in _data("patterns", extra).get("patterns", []))


def no_starters(extra: Any = None) -> tuple[str, ...]:
    """Complete ways of saying no; none needs a reason added.

    Examples
    --------
    >>> "I don't send photos." in no_starters()
    True
    """
    return tuple(_data("patterns", extra).get("no_starters", ()))


# --------------------------------------------------------------------------- #
# Where copies live
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class DeleteAction:
    """A delete button apps commonly offer, and what it typically does."""

    id: str
    label: str
    note: str


@dataclass(frozen=True)
class Place:
    """A place a sent photo can end up.

    Attributes
    ----------
    id, label : str
        Short name (``"their_phone"``) and what the diagram shows.
    side : str
        Whose copy it is: ``"you"``, ``"service"``, ``"them"`` or ``"beyond"``
        (copies that have left the chat).
    note : str
        One plain sentence on how a copy gets there.
    removed_by : frozenset of str
        The :func:`delete_actions` that typically remove this copy.
    comes_from : str or None
        The place the copy comes from (the diagram's arrow).
    sources : tuple of Source
    """

    id: str
    label: str
    side: str
    note: str
    removed_by: frozenset = field(default_factory=frozenset)
    comes_from: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class AppNote:
    """What one app does when someone tries to capture a "view once" photo, with sources."""

    app: str
    note: str
    sources: tuple[Source, ...]


def delete_actions(extra: Any = None) -> Mapping[str, DeleteAction]:
    """The delete buttons by id, in order (``"delete_for_me"``, ...)."""
    return MappingProxyType({r["id"]: DeleteAction(r["id"], r["label"], r["note"])
                             for r in _data("places", extra).get("actions", [])})


def places(extra: Any = None) -> tuple[Place, ...]:
    """Where a photo sent in a chat typically ends up (see ``places.json``).

    Raises
    ------
    ContentError
        When a place names a delete button or a place that does not exist.

    Examples
    --------
    >>> [p.id for p in places() if not p.removed_by][:2]
    ['their_notification', 'their_gallery']
    """
    data = _data("places", extra)
    actions = {r["id"] for r in data.get("actions", [])}
    ids = {r["id"] for r in data["places"]}
    out = []
    for row in data["places"]:
        file, where = _where(row, "places", "places")
        for j, a in enumerate(row.get("removed_by", [])):
            if a not in actions:
                raise ContentError(f"there is no delete button called '{a}' in 'actions'",
                                   file=file, field=f"{where}.removed_by[{j}]")
        if row.get("from") is not None and row["from"] not in ids:
            raise ContentError(f"there is no place called '{row['from']}'", file=file, field=f"{where}.from")
        out.append(Place(row["id"], row["label"], row["side"], row["note"], frozenset(row.get("removed_by", [])),
                         row.get("from"), _sources(row.get("sources", []))))
    return tuple(out)


def places_caveat(extra: Any = None) -> str:
    """The honest caveat that goes with the copies model."""
    return _data("places", extra).get("caveat", "")


def view_once_notes(extra: Any = None) -> tuple[AppNote, ...]:
    """What common apps do about screenshots of "view once" photos, each with sources."""
    return tuple(AppNote(r["app"], r["note"], _sources(r["sources"]))
                 for r in _data("places", extra).get("view_once", []))


def second_phone_note(extra: Any = None) -> str:
    """Why no app can notice a photo of the screen taken with a second phone."""
    return _data("places", extra).get("second_phone", "")


# --------------------------------------------------------------------------- #
# Phone steps
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class PhoneStep:
    """One "what you can do" on a phone: the steps on iPhone and Android, then a second option."""

    id: str
    lessons: tuple[str, ...]
    title: str
    ios: tuple[str, ...]
    android: tuple[str, ...]
    does_not: str
    second_option: str | None = None
    under_18: str | None = None
    sources: tuple[Source, ...] = ()
    command: str | None = None  # for trainers only: the same with the safetylab command


def phone_steps(lesson: str | int | None = None, extra: Any = None) -> tuple[PhoneStep, ...]:
    """The phone steps, all or for one lesson (``"03"`` or ``3``).

    Show :func:`phone_caveat` with them: menus change with phone makers and versions.

    Examples
    --------
    >>> [s.id for s in phone_steps(3)]
    ['share_without_location', 'camera_location_off']
    """
    want = None if lesson is None else f"{int(lesson):02d}"
    return tuple(PhoneStep(r["id"], tuple(r["lessons"]), r["title"], tuple(r["ios"]), tuple(r["android"]),
                           r["does_not"], r.get("second_option"), r.get("under_18"), _sources(r.get("sources", [])),
                           r.get("command"))
                 for r in _data("phone_steps", extra)["steps"] if want is None or want in r["lessons"])


def phone_caveat(extra: Any = None) -> str:
    """The "typical steps only, menus change" line shown with the phone steps."""
    return _data("phone_steps", extra).get("caveat", "")
