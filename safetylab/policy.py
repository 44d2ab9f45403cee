"""The three filters, the pre-send report card and the learner's own photo policy.

A photo policy decided in advance beats a decision made in the warm, flattering
moment of "send a pic?". This module holds the pieces of that policy as data and
pure functions:

- :data:`FILTERS` — the three filters a photo should clear before it is sent:
  **trust**, **identity and place**, **permanence**;
- :func:`automatic_checks` — what software can check about one photo file
  (GPS and other metadata today; faces and background text as those lessons land);
- :data:`QUESTIONS` — the reflective questions only the sender can answer;
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
>>> [f.id for f in FILTERS]
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

from .errors import SafetyLabError
from .report import Report, check
from ._files import write_new
from ._html import escape as _e

__all__ = [
    "AnswerError",
    "CARD_LIMITS",
    "CLEAR",
    "DONT_SEND",
    "FILTERS",
    "FIVE_STEPS",
    "Filter",
    "FilterResult",
    "Finding",
    "NO_STARTERS",
    "Option",
    "PLACEHOLDERS",
    "POLICY_FIELDS",
    "PRESSURE_PATTERNS",
    "PersonalPolicy",
    "PressurePattern",
    "QUESTIONS",
    "Question",
    "ReportCard",
    "THINK_AGAIN",
    "VERDICT_LABELS",
    "automatic_checks",
    "card_from_report",
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

#: What each verdict is called on the card (always shown as text, never as colour alone).
VERDICT_LABELS: Mapping[str, str] = MappingProxyType({
    CLEAR: "Clear", THINK_AGAIN: "Think again", DONT_SEND: "Don't send"})


def _worst(verdicts: Iterable[str]) -> str:
    return max(verdicts, key=_ORDER.index, default=CLEAR)


@dataclass(frozen=True)
class Filter:
    """One of the three filters a photo should clear before it is sent."""

    id: str
    title: str
    ask: str  # the filter as one question the sender asks themself
    why: str  # why it matters, in one or two plain sentences


#: The three filters, in the order they are asked.
FILTERS: tuple[Filter, ...] = (
    Filter("trust", "Trust",
           "Has this person earned real trust, over time?",
           "Real trust is patient. “Later, once we actually know each other” is almost always "
           "the right answer, and a real connection survives the wait."),
    Filter("identity", "Identity and place",
           "Could this photo, its background or its file identify me, or where I live, work or study?",
           "A face can be matched with other photos of you online; a background can give away a "
           "place; the file itself can carry GPS, times and names."),
    Filter("permanence", "Permanence",
           "Would I be fine if it were saved, forwarded and made public forever — "
           "by someone who later turns hostile?",
           "Once a photo leaves your device it can be saved, screenshotted, forwarded and kept for "
           "years. “Disappearing” and “delete” features don't change that."),
)
_FILTER_IDS = tuple(f.id for f in FILTERS)
_FILTER_BY_ID = {f.id: f for f in FILTERS}

#: What each filter can never check, whatever the software does.
_LIMITS = {
    "trust": "No software can check trust: this part is only as good as your honest answers.",
    "identity": "Places without writing — a window view, a building, a uniform, a reflection — "
                "are not checked automatically: look at the whole picture yourself.",
    "permanence": "Nothing can take a photo back once it is sent: assume it is permanent and "
                  "could become public.",
}


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
    cleanable: bool = False  # a clean copy of the file (safetylab scrub) removes it

    @property
    def verdict(self) -> str:
        """What this finding alone means for its filter: high is "don't send"."""
        return DONT_SEND if self.level == "high" else THINK_AGAIN

    def to_dict(self) -> dict[str, Any]:
        return {"filter": self.filter, "id": self.id, "level": self.level,
                "message": self.message, "todo": self.todo, "cleanable": self.cleanable}


_CLEAN = "Make a clean copy before you send it (safetylab scrub), and check the copy again."
#: What to do beyond cleaning, per metadata risk id (see :func:`safetylab.report.risks_for`).
_EXTRA = {
    "gps": "Turn off location for your camera if you don't need it. Cleaning removes the "
           "position, not what the background shows.",
    "gps_empty": "Check that location is off for your camera.",
    "thumbnail_differs": "Check the clean copy: the hidden preview must be gone.",
    "owner": "Take your name out of your camera's or phone's settings (often called “Artist”, "
             "“Owner” or “Copyright”).",
    "people": "Remove name tags in your photo app before sharing.",
    "taken_at": "Give the copy a neutral file name: a name like IMG_20240601_1403 gives the "
                "date away on its own.",
}


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
                   " ".join(t for t in (_CLEAN, _EXTRA.get(r.id)) if t), cleanable=True)
           for r in rep.risks]
    if rep.faces:
        n = len(rep.faces)
        what = "a face" if n == 1 else f"{n} faces"
        out.append(Finding(
            "identity", "faces", "medium",
            f"The picture shows {what}. A clear face can be matched with other photos online, "
            "linking this chat to a real name.",
            "Keep photos that show your face for people who have earned real trust; otherwise "
            "send one without your face, or crop or cover it."))
    if rep.texts:
        words = [str(t.get("text", "")).strip() for t in rep.texts if isinstance(t, Mapping)]
        words = [w for w in dict.fromkeys(words) if w]
        shown = ": " + ", ".join(f"“{w}”" for w in words[:5]) if words else ""
        out.append(Finding(
            "identity", "background_text", "high",
            f"There is readable writing in the picture{shown}. Signs, names and logos can tell "
            "a stranger where you live, study or work.",
            "Crop it out or cover it, or take the photo against a plain background."))
    levels = ("high", "medium", "low")
    out.sort(key=lambda f: levels.index(f.level) if f.level in levels else len(levels))
    return out


def not_checked_for(rep: Report) -> list[str]:
    """Plain lines saying which automatic checks were *not* done on this photo.

    Examples
    --------
    >>> len(not_checked_for(Report(file="a.jpg"))), not_checked_for(Report(file="a.jpg", faces=[], texts=[]))
    (2, [])
    """
    out = []
    if rep.error:
        return [f"Nothing in the file could be checked: {rep.error}"]
    if rep.faces is None:
        out.append("Faces: not checked yet — this version of safetylab does not look for faces. "
                   "Look yourself: is your face, or something that is clearly you, in the picture?")
    if rep.texts is None:
        out.append("Writing in the picture (street signs, house numbers, school or shop names): "
                   "not checked yet — this version of safetylab does not read text in pictures. "
                   "Look yourself.")
    return out


def automatic_checks(path: str | os.PathLike) -> list[Finding]:
    """Everything software can check about one photo before it is sent. The file is not changed.

    Combines :func:`safetylab.report.check` (GPS, owner, serial numbers, time,
    camera, hidden thumbnail, and faces and background text once those checks
    exist) into :class:`Finding` objects, most serious first. An empty list
    means nothing was *found*; :func:`not_checked_for` says what was not looked at.

    Raises
    ------
    SafetyLabError
        When the file cannot be read as a photo.
    """
    return findings_for(check(path))


# --------------------------------------------------------------------------- #
# Reflective questions
# --------------------------------------------------------------------------- #

class AnswerError(SafetyLabError, ValueError):
    """An answer names a question or an option that does not exist."""


@dataclass(frozen=True)
class Option:
    """One possible answer: what it says, what it means for the filter, and why."""

    value: str
    label: str
    verdict: str = CLEAR
    reason: str = ""  # why this answer matters (shown when it is not "clear")
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
        for opt in self.options:
            if opt.value == value:
                return opt
        raise AnswerError(f"“{value}” is not one of the answers to the question "
                          f"“{self.text}” ({self.id}).")


_WAIT = "Wait. “Later, once we actually know each other” is almost always the right answer."
_NO = "You can say no without a reason: “I don't send photos.” is a complete sentence."
_LEAVE = "It is fine to leave the conversation. Pushing past a clear no is an answer in itself."
_CROP = "Crop it out or cover it, or take the photo against a plain wall."
_PERMANENT = ("Only send what you would be fine with anyone seeing, for good. "
              "If you're not sure, the answer is not now.")

#: The questions only the sender can answer, grouped by filter (see :data:`FILTERS`).
QUESTIONS: tuple[Question, ...] = (
    Question("known_for", "trust", "How long have you known them?", (
        Option("days", "A few days or less", DONT_SEND,
               "A few days is not long enough to know who someone really is.", _WAIT),
        Option("weeks", "A few weeks, only online", THINK_AGAIN,
               "Weeks of chatting online is not the same as knowing someone.", _WAIT),
        Option("long", "Months or more, and I know them in real life too"),
    )),
    Question("met", "trust", "Have you met in person or talked on a video call?", (
        Option("no", "No", THINK_AGAIN,
               "Without meeting or a video call you can't be sure they are who they say they are.",
               "Wait until you have met or talked face to face; someone honest won't mind."),
        Option("video", "We have talked on a video call"),
        Option("person", "Yes, in person"),
    )),
    Question("pushing", "trust", "Are they pushing or rushing you?", (
        Option("no", "No — they are patient, and fine with a no"),
        Option("unsure", "I'm not sure", THINK_AGAIN,
               "If you feel hurried, that feeling is worth listening to.", _WAIT),
        Option("yes", "Yes — they keep asking, or say it has to be now", DONT_SEND,
               "They are pushing or rushing you. Real trust is patient: the pushing tells you "
               "what you need to know.",
               _LEAVE),
    )),
    Question("their_photo", "trust", "Did they send a photo first, so you'd feel you owe them one?", (
        Option("no", "No"),
        Option("sent", "They sent one, but didn't ask for one back", THINK_AGAIN,
               "A photo they chose to send creates no debt: you owe nothing back.", _NO),
        Option("your_turn", "Yes — and now they say it's my turn", DONT_SEND,
               "The “your turn” trade: a photo they chose to send puts you in no one's debt, "
               "and someone who treats your no as a broken deal shows how they'll treat your "
               "limits later.", _NO),
    )),
    Question("fast", "trust", "Did the chat get very warm and personal very quickly?", (
        Option("no", "No, it has grown slowly"),
        Option("yes", "Yes, very quickly", THINK_AGAIN,
               "A warm, fast-moving chat that turns to photos is how image blackmail usually "
               "starts. Most fast friendships are harmless, but slowing down costs nothing.", _WAIT),
    )),
    Question("face", "identity",
             "Does the photo show your face, or something that is clearly you (a tattoo, a "
             "birthmark, a jacket people know)?", (
        Option("no", "No"),
        Option("yes", "Yes", THINK_AGAIN,
               "A clear face can be matched with other photos of you online, and with them your name.",
               "Keep photos of your face for people who have earned real trust; send one without "
               "it, or wait."),
    )),
    Question("background", "identity",
             "What else can be seen in the photo? Tick everything that applies.", (
        Option("window", "A view from a window, or a building people could recognise", THINK_AGAIN,
               "A view or a building can be enough to find the place.", _CROP),
        Option("sign", "A street sign, house number, shop name or number plate", DONT_SEND,
               "A sign, number or name can tell a stranger exactly where you are.", _CROP),
        Option("uniform", "A uniform, badge, or a school or work logo", DONT_SEND,
               "A uniform or logo tells a stranger where you study or work.", _CROP),
        Option("mirror", "A mirror or shiny surface that reflects the room", THINK_AGAIN,
               "Reflections show what is behind the camera, sometimes the phone screen too.", _CROP),
        Option("writing", "Letters, parcels, screens or anything else with writing on it", DONT_SEND,
               "Writing such as an address or a name can identify you or your home.", _CROP),
        Option("none", "None of these — I looked at the whole picture"),
    ), multiple=True),
    Question("posted", "identity", "Is this photo, or one very like it, on any of your public profiles?", (
        Option("no", "No"),
        Option("unsure", "I'm not sure", THINK_AGAIN,
               "A reverse image search can match the photo to a profile, and with it your name.",
               "Check your public profiles, or send a different photo."),
        Option("yes", "Yes", THINK_AGAIN,
               "A reverse image search can match it to your profile, and with it your name.",
               "Send a different photo, or wait."),
    )),
    Question("family", "permanence", "Would you be OK if your family, school or employer saw it?", (
        Option("yes", "Yes"),
        Option("unsure", "I'm not sure", THINK_AGAIN, "If you're not sure, it's worth waiting.", _PERMANENT),
        Option("no", "No", DONT_SEND,
               "A sent photo can reach anyone; you said you would not be OK with that.", _PERMANENT),
    )),
    Question("years", "permanence", "Would you be OK if they kept it for years?", (
        Option("yes", "Yes"),
        Option("unsure", "I'm not sure", THINK_AGAIN, "Anything you send can be kept for years.", _PERMANENT),
        Option("no", "No", DONT_SEND,
               "Anything you send can be kept for years, by someone you spoke to once.", _PERMANENT),
    )),
    Question("public", "permanence",
             "Would you be OK if it were forwarded, or posted where anyone can see it?", (
        Option("yes", "Yes"),
        Option("unsure", "I'm not sure", THINK_AGAIN, "Sent photos can be forwarded and posted.", _PERMANENT),
        Option("no", "No", DONT_SEND,
               "Once sent, assume it could become public.", _PERMANENT),
    )),
    Question("hostile", "permanence",
             "If they turned against you one day, could this photo be used to pressure you?", (
        Option("no", "No"),
        Option("maybe", "Maybe", THINK_AGAIN,
               "Think about how it would feel in the hands of someone angry with you.",
               "Only send photos that would give no one a hold over you."),
        Option("yes", "Yes", DONT_SEND,
               "A photo that could be used to pressure you is leverage. The photo that was never "
               "sent can never be used against you.",
               "Don't create the leverage: keep this one to yourself."),
    )),
    Question("disappearing", "permanence",
             "Are you counting on it disappearing, or on being able to delete it?", (
        Option("no", "No — I assume it will be kept"),
        Option("yes", "Yes", THINK_AGAIN,
               "A “disappearing” photo can be captured with a second phone without any warning, "
               "and deleting often removes only your own copy.",
               "Treat every photo you send as permanent."),
    )),
)
_QUESTION_BY_ID = {q.id: q for q in QUESTIONS}


def question(qid: str) -> Question:
    """The question with id ``qid``.

    Raises
    ------
    AnswerError
        When there is no such question.
    """
    try:
        return _QUESTION_BY_ID[qid]
    except KeyError:
        raise AnswerError(f"There is no question called “{qid}”.") from None


def reassuring_answers() -> dict[str, Any]:
    """One answer per question, each the reassuring one (the first "clear" option).

    Useful as a starting point: change one answer and see what the card says.
    """
    out: dict[str, Any] = {}
    for q in QUESTIONS:
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

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        return {"filter": self.filter, "title": self.title, "verdict": self.verdict,
                "label": self.label, "reasons": list(self.reasons), "todos": list(self.todos),
                "unanswered": list(self.unanswered), "not_checked": list(self.not_checked),
                "limits": list(self.limits)}


_SUMMARY = {
    CLEAR: "All three filters are clear. Even so, once it is sent it is out of your hands: "
           "send only what you would be fine with anyone seeing.",
    THINK_AGAIN: "Think again before you send it. Read the reasons below; waiting costs nothing.",
    DONT_SEND: "Don't send this photo — at least not now. “Later, once we actually know each "
               "other” is almost always the right answer.",
}

#: What the card itself does not protect against, shown on every card.
CARD_LIMITS = ("This card only knows what the file says and what you answered. It cannot see the "
               "person on the other side, and a “clear” card is not a promise.")


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
        return VERDICT_LABELS[self.verdict]

    @property
    def summary(self) -> str:
        return _SUMMARY[self.verdict]

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
                "findings": [f.to_dict() for f in self.findings], "limits": CARD_LIMITS}


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
    not_checked = not_checked_for(rep)
    results = []
    for flt in FILTERS:
        verdicts, reasons, todos, unanswered = [], [], [], []
        if flt.id == "identity" and rep.error:
            verdicts.append(THINK_AGAIN)
            reasons.append(f"The file could not be read, so nothing in it was checked: {rep.error}")
        for f in findings:
            if f.filter == flt.id:
                verdicts.append(f.verdict)
                reasons.append(f.message)
                if f.cleanable:  # one "make a clean copy", then what cleaning leaves to you
                    todos += [_CLEAN] + ([_EXTRA[f.id]] if f.id in _EXTRA else [])
                else:
                    todos.append(f.todo)
        for q in QUESTIONS:
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
            tuple(not_checked) if flt.id == "identity" else (), (_LIMITS[flt.id],)))
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
# Pressure patterns, saying no, and the five steps
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class PressurePattern:
    """A common way a photo gets pried loose, and an answer to it."""

    id: str
    name: str
    sounds_like: str
    what_is_going_on: str
    you_can_say: str


#: The pressure patterns the lesson names (naming a pattern takes away most of its power).
PRESSURE_PATTERNS: tuple[PressurePattern, ...] = (
    PressurePattern(
        "warm_ask", "The warm “send a pic?”",
        "“You're so easy to talk to. Send a pic?”",
        "The chat is going well, so saying no feels almost rude. But a photo is not like a "
        "sentence: it outlasts the moment and travels further than you can follow.",
        "“Not now. Maybe later, once we actually know each other.”"),
    PressurePattern(
        "your_turn", "The “your turn” trade",
        "“I sent you one, now it's your turn.”",
        "It feels fair, but nobody can put you in debt by sending something you didn't ask for. "
        "A photo they chose to send creates no obligation.",
        "“I don't send photos.” — no apology or explanation owed."),
    PressurePattern(
        "pushing", "Pushing past a no",
        "“Come on, just one. Why are you being like this?”",
        "Someone who keeps pushing after a clear no is showing how they treat your limits. "
        "The pushing is the answer.",
        "Nothing more is needed. It is a reasonable moment to leave the chat."),
    PressurePattern(
        "fast_flip", "Fast closeness, then a flip",
        "A very warm, fast chat turns flirty, a photo is asked for — and once one is sent, "
        "the tone turns into threats.",
        "This is coercion, and it depends on one thing: a private photo outside your control. "
        "It is never the fault of the person targeted, and it is recoverable (lesson 6).",
        "Don't send. If it has already happened: the five steps, and tell someone."),
)

#: Complete ways of saying no; none needs a reason added.
NO_STARTERS: tuple[str, ...] = (
    "I don't send photos.",
    "Not now. Maybe later, once we actually know each other.",
    "No thanks.",
    "I'm not comfortable with that.",
    "I don't trade photos.",
)

#: What to do if someone already has a photo and threatens to share it.
FIVE_STEPS: tuple[str, ...] = (
    "Stop paying and stop doing what they ask. Giving in shows that it works and brings more demands.",
    "Send nothing else: no photos, no money, no more details about yourself.",
    "Keep the evidence: screenshots of the messages, the threats, their username and any "
    "payment requests.",
    "Block them, then report the account to the platform. Most platforms treat this as a serious violation.",
    "Tell someone you trust, or a support service for image-based abuse. Saying it out loud "
    "takes the power back.",
)


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
    "share_with": "Photos of my face or my home: only people I have known for a long time and met "
                  "in real life.\nEveryone else: photos of things, not of me — or nothing.",
    "never_in_background": "My street, house number or the view from my window.\nMy school or work "
                           "uniform, badge or logo.\nMirrors, letters, parcels and screens.",
    "before_sending": "Run the three filters: trust, identity and place, permanence.\nLook at the "
                      "whole picture, not just me.\nCheck the file and send a clean copy "
                      "(safetylab check, then safetylab scrub).",
    "saying_no": "I don't send photos.",
    "if_pushed": "If someone pushes after a no, I leave the chat.\nIf someone threatens me, I follow "
                 "the five steps and I tell someone.",
    "who_i_tell": "A friend, someone in my family, a teacher, or a support service.",
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
    filters = "".join(f"<li><strong>{_e(f.title)}:</strong> {_e(f.ask)}</li>" for f in FILTERS)
    parts = [f'<article aria-labelledby="policy-title"><h1 id="policy-title">{_e(title)}</h1>',
             '<section class="filters" aria-label="The three filters"><p><strong>Before any photo, '
             f"three filters:</strong></p><ol>{filters}</ol></section>"]
    for name, heading in POLICY_FIELDS:
        body = _section_body(getattr(policy, name), blanks)
        if name == "if_pushed":
            steps = "".join(f"<li>{_e(s)}</li>" for s in FIVE_STEPS)
            body += ("<p><strong>If someone threatens to share a photo — the five steps:</strong></p>"
                     f"<ol>{steps}</ol>")
        parts.append(f"<section><h2>{_e(heading)}</h2>{body}</section>")
    parts.append("<footer><p><strong>If it ever happens, it is not your fault.</strong> The blame sits "
                 "with the person making threats, and it is more recoverable than it feels.</p>"
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
