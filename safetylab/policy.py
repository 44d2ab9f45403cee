"""The three filters, the pre-send report card and the learner's own photo policy.

A photo policy decided in advance beats a decision made in the warm, flattering
moment of "send a pic?". This module holds the pieces of that policy as data and
pure functions:

- the three filters a photo should clear before it is sent — **trust**,
  **identity and place**, **permanence** — and the reflective questions only
  the sender can answer: teaching content, read from ``filters.json`` and
  ``questions.json`` through :mod:`safetylab.content` (``content.filters()``,
  ``content.questions()``), so a trainer can adapt them;
- :func:`automatic_checks` — what software can check about one photo file
  (metadata, faces, and writing in the picture); :func:`checked_for` and
  :func:`not_checked_for` say, from the actual report, what was and was not
  looked at;
- :func:`report_card` — automatic findings plus the learner's answers, as a
  per-filter verdict ("clear", "think again", "don't send") with reasons and
  what to do;
- :class:`PersonalPolicy`, :func:`policy_html` and :func:`save_policy` — the
  learner's own rules, as a printable page written to a new file.

What this does *not* protect against: a "clear" card is not a promise. The card
only knows what the file says and what the learner answered; it cannot see the
person on the other side, and once a photo is sent it is out of the sender's
hands. Places without writing in them (a window view, a uniform, a reflection)
are never checked automatically here.

Examples
--------
>>> [r.filter for r in card_from_report(Report(file="x.jpg", faces=[], texts=[])).results]
['trust', 'identity', 'permanence']
>>> card = card_from_report(Report(file="x.jpg", faces=[], texts=[]), reassuring_answers())
>>> card.verdict, [r.verdict for r in card.results]
('clear', ['clear', 'clear', 'clear'])
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from . import content
from . import help as help_module
from .content import AnswerError, Filter, Option, PressurePattern, Question
from .report import Report, check
from ._files import write_new
from ._html import escape as _e

__all__ = [
    "AnswerError",
    "CLEAR",
    "DONT_SEND",
    "Filter",
    "FilterResult",
    "Finding",
    "Option",
    "PLACEHOLDERS",
    "POLICY_FIELDS",
    "PersonalPolicy",
    "PressurePattern",
    "Question",
    "ReportCard",
    "THINK_AGAIN",
    "automatic_checks",
    "card_from_report",
    "checked_for",
    "findings_for",
    "not_checked_for",
    "policy_html",
    "question",
    "reassuring_answers",
    "report_card",
    "save_policy",
]


# --------------------------------------------------------------------------- #
# Verdicts and filters
# --------------------------------------------------------------------------- #

CLEAR = "clear"
THINK_AGAIN = "think_again"
DONT_SEND = "dont_send"
_ORDER = (CLEAR, THINK_AGAIN, DONT_SEND)

def _worst(verdicts: Iterable[str]) -> str:
    return max(verdicts, key=_ORDER.index, default=CLEAR)


# --------------------------------------------------------------------------- #
# Automatic checks
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Finding:
    """Something software found in one photo, under one filter.

    ``level`` is ``"high"``, ``"medium"`` or ``"low"``; ``todo`` says what the
    sender can do about it.
    """

    filter: str
    id: str
    level: str
    message: str
    todo: str
    cleanable: bool = False  # a clean copy of the file (lesson 3, or the scrub command) removes it

    @property
    def verdict(self) -> str:
        """What this finding alone means for its filter: high is "don't send"."""
        return DONT_SEND if self.level == "high" else THINK_AGAIN

    def to_dict(self) -> dict[str, Any]:
        return {"filter": self.filter, "id": self.id, "level": self.level,
                "message": self.message, "todo": self.todo, "cleanable": self.cleanable}


def _phone_step(step_id: str) -> str:
    """The title of a phone step (``phone_steps.json``), to point to it by name."""
    for s in content.phone_steps():
        if s.id == step_id:
            return f"“{s.title}”"
    return "the phone steps"


def _clean_todo() -> str:
    """Phone first, then a clean copy: what to do about details hidden in the file."""
    return (f"On your phone, share it without its location (see {_phone_step('share_without_location')} "
            "in the phone steps); on a computer, make a clean copy (lesson 3) and check the copy.")


#: What to do beyond cleaning, per metadata risk id (see :func:`safetylab.report.risks_for`).
_EXTRA = {
    "gps": "Turn your camera's location off if you don't need it (see the phone steps). Removing the "
           "position does not hide what the background shows.",
    "gps_empty": "Check that location is off for your camera.",
    "thumbnail_differs": "Check the clean copy: the hidden preview must be gone.",
    "owner": "Take your name out of your camera's or phone's settings (often called “Artist”, "
             "“Owner” or “Copyright”).",
    "people": "Remove name tags in your photo app before sharing.",
    "taken_at": "Give the copy a neutral file name: a name like IMG_20240601_1403 gives the "
                "date away on its own.",
}


#: Risks of the report that are in the picture, not the file: a clean copy does not remove them,
#: and the card words them once, as findings of their own.
_IN_THE_PICTURE = ("faces", "texts")


def _todo(qid: str, value: str) -> str:
    """What to do about something in the picture: the same words as the card's question about it
    (``questions.json``), so the card never says one thing twice in two ways."""
    return content.question(qid).option(value).todo


def findings_for(rep: Report) -> list[Finding]:
    """The automatic findings for a :class:`~safetylab.report.Report`, most serious first.

    Every metadata risk of the report becomes an identity-and-place finding with
    what to do about it. ``rep.faces`` and ``rep.texts`` are ``None`` while they
    are not checked (see :func:`not_checked_for`); when they are lists, each
    non-empty one gives a finding. A report with an ``error`` gives no findings.

    Examples
    --------
    >>> [f.id for f in findings_for(Report(file="a.jpg", faces=[{"box": [1, 2, 3, 4]}]))]
    ['faces']
    >>> findings_for(Report(file="a.jpg"))
    []
    """
    out = [Finding("identity", r.id, r.level, r.message,
                   " ".join(t for t in (_clean_todo(), _EXTRA.get(r.id)) if t), cleanable=True)
           for r in rep.risks if r.id not in _IN_THE_PICTURE]  # faces and writing: below, once each
    if rep.faces:
        n = len(rep.faces)
        what = "a face" if n == 1 else f"{n} faces"
        out.append(Finding(
            "identity", "faces", "medium",
            f"The picture shows {what}. A clear face can be matched with other photos online, "
            "linking this chat to a real name.",
            _todo("face", "yes")))
    if rep.texts:
        words = [str(t.get("text", "")).strip() for t in rep.texts if isinstance(t, Mapping)]
        words = [w for w in dict.fromkeys(words) if w]
        shown = ": " + ", ".join(f"“{w}”" for w in words[:5]) if words else ""
        out.append(Finding(
            "identity", "background_text", "high",
            f"There is readable writing in the picture{shown}. Signs, names and logos can tell "
            "a stranger where you live, study or work.",
            _todo("background", "writing")))
    levels = ("high", "medium", "low")
    out.sort(key=lambda f: levels.index(f.level) if f.level in levels else len(levels))
    return out


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"


def checked_for(rep: Report) -> list[str]:
    """Plain lines saying which automatic checks *were* done on this photo, and what they found.

    Read from the report itself, so the card never claims a check that did not run.

    Examples
    --------
    >>> checked_for(Report(file="a.jpg", faces=[], texts=[{"text": "ELM ST"}]))[1:]
    ['Faces: checked; none found.', 'Writing in the picture: checked; 1 piece of writing found.']
    >>> checked_for(Report(file="a.jpg", error="not a photo"))
    []
    """
    if rep.error:
        return []
    risks = sum(r.id not in _IN_THE_PICTURE for r in rep.risks)  # faces and writing are counted below
    out = ["Details hidden in the file (location, times, camera, names, a hidden preview): checked; "
           + (f"{_count(risks, 'thing', 'things')} to look at." if risks else "nothing of concern found.")]
    if rep.faces is not None:
        out.append("Faces: checked; " + (f"{_count(len(rep.faces), 'face', 'faces')} found." if rep.faces
                                         else "none found."))
    if rep.texts is not None:
        out.append("Writing in the picture: checked; "
                   + (f"{_count(len(rep.texts), 'piece of writing', 'pieces of writing')} found." if rep.texts
                      else "none found."))
    return out


def not_checked_for(rep: Report) -> list[str]:
    """Plain lines saying which automatic checks were *not* done on this photo.

    Read from the report itself: a check that was skipped or could not run on
    this photo is listed here, with what to look for yourself.

    Examples
    --------
    >>> len(not_checked_for(Report(file="a.jpg"))), not_checked_for(Report(file="a.jpg", faces=[], texts=[]))
    (2, [])
    """
    out = []
    if rep.error:
        return [f"Nothing in the file could be checked: {rep.error}"]
    if rep.faces is None:
        out.append("Faces: not checked for this photo. Look yourself: is your face, or something that is "
                   "clearly you, in the picture?")
    if rep.texts is None:
        out.append("Writing in the picture (street signs, house numbers, school or shop names): not checked "
                   "for this photo. Look yourself.")
    return out


def automatic_checks(path: str | os.PathLike) -> list[Finding]:
    """Everything software can check about one photo before it is sent. The file is not changed.

    Combines :func:`safetylab.report.check` (GPS, owner, serial numbers, time,
    camera, hidden thumbnail, faces and writing in the picture) into
    :class:`Finding` objects, most serious first. An empty list means nothing
    was *found*; :func:`checked_for` and :func:`not_checked_for` say what was
    and was not looked at.

    Raises
    ------
    SafetyLabError
        When the file cannot be read as a photo.
    """
    return findings_for(check(path))


# --------------------------------------------------------------------------- #
# Reflective questions (the wording is data: questions.json, via safetylab.content)
# --------------------------------------------------------------------------- #

def question(qid: str) -> Question:
    """The question with id ``qid`` (see :func:`safetylab.content.questions`).

    Raises
    ------
    AnswerError
        When there is no such question.
    """
    return content.question(qid)


def reassuring_answers() -> dict[str, Any]:
    """One answer per question, each the reassuring one (the first "clear" option).

    Useful as a starting point: change one answer and see what the card says.
    """
    out: dict[str, Any] = {}
    for q in content.questions():
        ok = [o.value for o in q.options if o.verdict == CLEAR]
        out[q.id] = ok[:1] if q.multiple else ok[0]
    return out


def _chosen(q: Question, given: Any) -> list[Option]:
    """The options chosen for ``q``; an empty list when it is unanswered."""
    if given is None or given == "":
        return []
    if isinstance(given, str):
        values = [given]
    elif isinstance(given, (list, tuple, set, frozenset)):
        values = list(given)
        if not q.multiple and len(values) > 1:
            raise AnswerError(f"The question “{q.text}” ({q.id}) takes one answer, not {len(values)}.")
    else:
        raise AnswerError(f"The answer to “{q.text}” ({q.id}) should be text, "
                          f"not {type(given).__name__}.")
    return [q.option(str(v)) for v in dict.fromkeys(values)]


# --------------------------------------------------------------------------- #
# The report card
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class FilterResult:
    """The card's verdict for one filter, with the reasons behind it."""

    filter: str
    title: str
    verdict: str
    reasons: tuple[str, ...] = ()
    todos: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()  # the questions not answered yet
    not_checked: tuple[str, ...] = ()  # automatic checks not done on this photo
    limits: tuple[str, ...] = ()  # what can never be checked here
    checked: tuple[str, ...] = ()  # automatic checks done on this photo, and what they found

    @property
    def label(self) -> str:
        return content.verdicts()[self.verdict].label

    def to_dict(self) -> dict[str, Any]:
        return {"filter": self.filter, "title": self.title, "verdict": self.verdict,
                "label": self.label, "reasons": list(self.reasons), "todos": list(self.todos),
                "unanswered": list(self.unanswered), "checked": list(self.checked),
                "not_checked": list(self.not_checked), "limits": list(self.limits)}


@dataclass(frozen=True)
class ReportCard:
    """A pre-send report card: one :class:`FilterResult` per filter, and an overall verdict."""

    file: str
    results: tuple[FilterResult, ...]
    findings: tuple[Finding, ...] = ()
    error: str | None = None

    @property
    def verdict(self) -> str:
        """The most cautious verdict of the three filters."""
        return _worst(r.verdict for r in self.results)

    @property
    def label(self) -> str:
        return content.verdicts()[self.verdict].label

    @property
    def summary(self) -> str:
        return content.verdicts()[self.verdict].summary

    def result(self, filter_id: str) -> FilterResult:
        """The result for one filter (``"trust"``, ``"identity"`` or ``"permanence"``)."""
        for r in self.results:
            if r.filter == filter_id:
                return r
        raise KeyError(filter_id)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "verdict": self.verdict, "label": self.label,
                "summary": self.summary, "error": self.error,
                "results": [r.to_dict() for r in self.results],
                "findings": [f.to_dict() for f in self.findings], "limits": content.card_limits()}


def card_from_report(rep: Report, answers: Mapping[str, Any] | None = None) -> ReportCard:
    """The report card for an already-made report and the learner's answers.

    Parameters
    ----------
    rep : Report
        What :func:`safetylab.report.check` says about the photo.
    answers : mapping, optional
        Question id → option value (a list of values for questions with
        ``multiple=True``). Unanswered questions make their filter "think again".

    Raises
    ------
    AnswerError
        When an answer names a question or option that does not exist.
    """
    answers = dict(answers or {})
    for qid in answers:
        question(qid)  # unknown ids are a mistake, not a silent "unanswered"
    findings = findings_for(rep)
    checked, not_checked = checked_for(rep), not_checked_for(rep)
    all_questions = content.questions()
    results = []
    for flt in content.filters():
        verdicts, reasons, todos, unanswered = [], [], [], []
        if flt.id == "identity" and rep.error:
            verdicts.append(THINK_AGAIN)
            reasons.append(f"The file could not be read, so nothing in it was checked: {rep.error}")
        for f in findings:
            if f.filter == flt.id:
                verdicts.append(f.verdict)
                reasons.append(f.message)
                if f.cleanable:  # one "make a clean copy", then what cleaning leaves to you
                    todos += [_clean_todo()] + ([_EXTRA[f.id]] if f.id in _EXTRA else [])
                else:
                    todos.append(f.todo)
        for q in all_questions:
            if q.filter != flt.id:
                continue
            chosen = _chosen(q, answers.get(q.id))
            if not chosen:
                unanswered.append(q.text)
                verdicts.append(THINK_AGAIN)
                continue
            for opt in chosen:
                verdicts.append(opt.verdict)
                if opt.verdict != CLEAR:
                    reasons.append(opt.reason)
                    if opt.todo:
                        todos.append(opt.todo)
        if unanswered:
            reasons.append("Not answered yet: " + " ".join(unanswered))
        results.append(FilterResult(
            flt.id, flt.title, _worst(verdicts), tuple(dict.fromkeys(r for r in reasons if r)),
            tuple(dict.fromkeys(todos)), tuple(unanswered),
            tuple(not_checked) if flt.id == "identity" else (), (flt.limit,),
            tuple(checked) if flt.id == "identity" else ()))
    return ReportCard(rep.file, tuple(results), tuple(findings), rep.error)


def report_card(path: str | os.PathLike, answers: Mapping[str, Any] | None = None) -> ReportCard:
    """The pre-send report card for one photo: automatic checks plus the learner's answers.

    Each filter gets a verdict — :data:`CLEAR`, :data:`THINK_AGAIN` or
    :data:`DONT_SEND` — the most cautious of its automatic findings and answers,
    with the reasons and what to do. The file is not changed.

    Parameters
    ----------
    path : path-like
        The photo.
    answers : mapping, optional
        See :func:`card_from_report`.

    Raises
    ------
    SafetyLabError
        When the file cannot be read as a photo (:class:`AnswerError` for a bad answer).
    """
    return card_from_report(check(path), answers)


# --------------------------------------------------------------------------- #
# The personal photo policy
# --------------------------------------------------------------------------- #

@dataclass
class PersonalPolicy:
    """The learner's own photo rules, in their own words.

    Every field is free text; one rule per line reads best. Empty fields are
    printed as blank lines to fill in by hand.
    """

    title: str = "My photo policy"
    share_with: str = ""
    never_in_background: str = ""
    before_sending: str = ""
    saying_no: str = ""
    if_pushed: str = ""
    who_i_tell: str = ""

    def is_empty(self) -> bool:
        """True when no rule has been written yet (the title does not count)."""
        return not any(getattr(self, name).strip() for name, _ in POLICY_FIELDS)


#: The policy's sections, in order: (field name, heading).
POLICY_FIELDS: tuple[tuple[str, str], ...] = (
    ("share_with", "Who I share photos with"),
    ("never_in_background", "What never goes in the background"),
    ("before_sending", "What I do before I send a photo"),
    ("saying_no", "My words for saying no"),
    ("if_pushed", "If someone pushes me, or threatens me"),
    ("who_i_tell", "Who I can tell"),
)

#: Good example text for each field (shown as placeholders while writing).
PLACEHOLDERS: Mapping[str, str] = MappingProxyType({
    "share_with": "Photos of my face or my home: only people I have known for a long time, offline too, "
                  "and who the people I trust know about.\nEveryone else: photos of things, not of me — "
                  "or nothing.",
    "never_in_background": "My street, house number or the view from my window.\nMy school or work "
                           "uniform, badge or logo.\nMirrors, letters, parcels and screens.",
    "before_sending": "Run the three filters: trust, identity and place, permanence.\nLook at the "
                      "whole picture, not just me.\nShare without the location (on my phone: Share, "
                      "then Options), or make a clean copy first (lesson 3).",
    "saying_no": "I don't send photos.",
    "if_pushed": "If someone pushes after a no, I leave the chat.\nIf someone threatens me, I follow "
                 "the five steps and I tell someone.",
    "who_i_tell": "A parent or carer, another adult I trust, a friend, or a support service.",
})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


_PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1.1rem;
       line-height: 1.5; color: #111; background: #fff; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; }
h1 { font-size: 2rem; margin-bottom: .25rem; }
h2 { font-size: 1.3rem; margin: 1.4rem 0 .3rem; border-bottom: 2px solid #0072B2; }
.filters { border: 2px solid #0072B2; padding: .5rem 1rem; }
.blank { border-bottom: 1px solid #555; height: 1.8rem; }
.note { font-style: italic; }
footer { margin-top: 2rem; font-size: .95rem; }
@media print {
  body { font-size: 11pt; margin: 0; max-width: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _section_body(text: str, blanks: int) -> str:
    lines = _lines(text)
    if not lines:
        return ('<p class="note">Not written yet.</p>'
                + '<div class="blank" aria-hidden="true"></div>' * blanks)
    if len(lines) == 1:
        return f"<p>{_e(lines[0])}</p>"
    return "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"


def steps_list_html() -> str:
    """The five steps as an ordered list: each title, why it helps, and what differs under 18.

    The one HTML view of :func:`safetylab.content.steps`, used by the policy
    page, the lesson and the evidence report.

    Examples
    --------
    >>> steps_list_html().count("<li>")
    5
    """
    items = []
    for s in content.steps():
        young = f" <em><strong>Under 18:</strong> {_e(s.under_18)}</em>" if s.under_18 else ""
        items.append(f"<li><strong>{_e(s.title)}.</strong> {_e(s.why)}{young}</li>")
    return f'<ol aria-label="Five steps that help">{"".join(items)}</ol>'


def policy_html(policy: PersonalPolicy, *, page: bool = True) -> str:
    """The policy as HTML: every section, the three filters and the five steps.

    Parameters
    ----------
    policy : PersonalPolicy
    page : bool
        True (default): a complete, self-contained page with print styles, to save
        and print. False: only the ``<article>``, to preview inside a notebook
        (it carries no styles that could leak into the notebook page).

    Examples
    --------
    >>> out = policy_html(PersonalPolicy(saying_no="<No>"), page=False)
    >>> "&lt;No&gt;" in out and "<No>" not in out
    True
    """
    title = policy.title.strip() or "My photo policy"
    blanks = 3 if page else 0
    filters = "".join(f"<li><strong>{_e(f.title)}:</strong> {_e(f.ask)}</li>" for f in content.filters())
    parts = [f'<article aria-labelledby="policy-title"><h1 id="policy-title">{_e(title)}</h1>',
             '<section class="filters" aria-label="The three filters"><p><strong>Before any photo, '
             f"three filters:</strong></p><ol>{filters}</ol></section>"]
    for name, heading in POLICY_FIELDS:
        body = _section_body(getattr(policy, name), blanks)
        if name == "if_pushed":
            body += ("<p><strong>If someone threatens to share a photo — the five steps:</strong></p>"
                     + steps_list_html())
        parts.append(f"<section><h2>{_e(heading)}</h2>{body}</section>")
    parts.append("<footer><p><strong>If it ever happens, it is not your fault.</strong> The blame sits "
                 "with the person making threats, and it is more recoverable than it feels.</p>"
                 f"{help_module.crisis_html()}"
                 "<p>A policy helps you decide calmly, before the moment. It does not make any "
                 "photo safe to send: once sent, a photo is out of your hands.</p></footer></article>")
    article = "".join(parts)
    if not page:
        return article
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_PAGE_CSS}</style></head>"
            f"<body><main>{article}</main></body></html>\n")


def save_policy(policy: PersonalPolicy, path: str | os.PathLike) -> Path:
    """Write the policy as a printable HTML page to a NEW file; nothing is overwritten.

    Parameters
    ----------
    policy : PersonalPolicy
    path : path-like
        The file to write (e.g. ``"my_policy/my_photo_policy.html"``), or a folder
        — an existing one, or a name without a suffix — in which
        ``my_photo_policy.html`` is written. Missing folders are created. If the
        file exists, ``-2``, ``-3``, ... is added to the name.

    Returns
    -------
    Path
        The file written. To keep a PDF, open it in a browser and print it to PDF:
        the page has print styles (no PDF is made here).

    Raises
    ------
    OutputError
        When the file cannot be written.
    """
    target = Path(path)
    if target.is_dir() or (not target.exists() and target.suffix == ""):
        target = target / "my_photo_policy.html"
    return write_new(target, policy_html(policy).encode("utf-8"))
