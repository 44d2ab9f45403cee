"""The check of learning: scenario questions with feedback, and a class's counts without names.

What a learner meets:

- **at the start of the course** (lesson 0), one question for each of the
  course's ideas (:func:`ideas`, their ``before`` question);
- **at the end of lesson 6**, the same ideas again in new situations (their
  ``after`` question), and a comparison with the start, for the learner only;
- **at the end of lessons 1 to 6**, a two-question exit ticket (:func:`ticket`).

Every answer has feedback (:func:`feedback`): why it is right, or what to think
about. The questions are data, ``learning_check.json``, checked against
``learning_check.schema.json`` by the one loader (:mod:`safetylab._datafile`);
a trainer's own ``learning_check.json`` (or a course pack folder holding one,
see ``SAFETYLAB_PACK``) replaces an idea with the same id or the ticket of the
same lesson, or adds one.

**Nothing is stored.** The questions are shown and answered in the learner's
browser (:mod:`safetylab.widgets.learning_check`): answers never reach the
lesson's kernel, the server, a file or a saved notebook. The start-of-course
answers wait for the comparison in the browser tab's own ``sessionStorage``
(whether each idea got the course's answer, nothing more), which the browser
drops when the tab is closed, and which "Forget my answers" clears at once.

**Class mode** (a trainer with a room of learners) may show the trainer the
class's counts and never a learner's answers. The data it needs is
:data:`Counts`: for each question id, how many learners chose each answer —
no names, no nicknames, no order, no times. :func:`add_answers` adds one
learner's answers to the counts; :func:`class_summary` turns counts into what a
trainer may see, and holds back any question fewer than ``min_group`` learners
answered (so that one learner's answer cannot be worked out from a tiny group).
See ``docs/learning-check.md``.

What this does *not* do: it is not a test and gives no mark; it cannot tell
whether a learner understood or guessed, and a class's counts say nothing about
any one person.

Examples
--------
>>> [i.id for i in ideas()][:3]
['face', 'background', 'file']
>>> q = ideas()[0].before
>>> feedback(q, q.right_answers[0].id).right
True
>>> counts = add_answers({}, {"face_before": "name", "face_after": "team_photo"})
>>> counts["face_before"]
{'name': 1}
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from . import _datafile
from .content import AnswerError, ContentError

__all__ = [
    "Answer",
    "ClassSummary",
    "Counts",
    "Feedback",
    "Idea",
    "IdeaRow",
    "MIN_GROUP",
    "Question",
    "QuestionRow",
    "Ticket",
    "add_answers",
    "class_summary",
    "feedback",
    "ideas",
    "intro",
    "question",
    "ticket",
    "tickets",
]

_DATA, _SCHEMA = "learning_check.json", "learning_check.schema.json"

#: Fewest learners whose answers to a question a trainer may see as counts.
MIN_GROUP = 5

#: ``{question id: {answer id: number of learners who chose it}}`` — the only
#: thing class mode keeps: no names, no order, no times.
Counts = Mapping[str, Mapping[str, int]]


# --------------------------------------------------------------------------- #
# The questions
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Answer:
    """One answer to choose: its text, whether it is the course's answer, and its feedback."""

    id: str
    text: str
    right: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    """A short situation and a question, with two to five answers."""

    id: str
    text: str
    answers: tuple[Answer, ...]

    @property
    def right_answers(self) -> tuple[Answer, ...]:
        """The answers the course gives (at least one)."""
        return tuple(a for a in self.answers if a.right)

    def answer(self, answer_id: str) -> Answer:
        """The answer called ``answer_id``.

        Raises
        ------
        AnswerError
            When the question has no such answer.
        """
        for a in self.answers:
            if a.id == answer_id:
                return a
        raise AnswerError(f"“{answer_id}” is not one of the answers to the question “{self.id}”.")


@dataclass(frozen=True)
class Idea:
    """One idea of the course, asked at the start (``before``) and again at the end (``after``)."""

    id: str
    lesson: str
    topic: str
    before: Question
    after: Question


@dataclass(frozen=True)
class Ticket:
    """The exit ticket of one lesson: a few short questions."""

    lesson: str
    questions: tuple[Question, ...]


def _question_paths(data: Mapping[str, Any]) -> Iterable[tuple[list[Any], Mapping[str, Any]]]:
    for i, idea in enumerate(data.get("ideas", [])):
        for stage in ("before", "after"):
            yield ["ideas", i, stage], idea[stage]
    for i, t in enumerate(data.get("tickets", [])):
        for j, q in enumerate(t["questions"]):
            yield ["tickets", i, "questions", j], q


def _check(data: Mapping[str, Any]) -> list[tuple[list[Any], str]]:
    """What a schema cannot say: ids used once, a lesson's ticket once, an answer the course gives."""
    found: list[tuple[list[Any], str]] = []
    for field, key in (("ideas", "id"), ("tickets", "lesson")):
        seen: set[str] = set()
        for i, row in enumerate(data.get(field, [])):
            if row[key] in seen:
                found.append(([field, i, key], f"repeats '{row[key]}'; give each one its own {key}"))
            seen.add(row[key])
    qids: set[str] = set()
    for path, q in _question_paths(data):
        if q["id"] in qids:
            found.append((path + ["id"], f"repeats the question id '{q['id']}'; every question needs its own"))
        qids.add(q["id"])
        aids = [a["id"] for a in q["options"]]
        for j, aid in enumerate(aids):
            if aid in aids[:j]:
                found.append((path + ["options", j, "id"], f"repeats the answer id '{aid}' in this question"))
        if not any(a.get("right") for a in q["options"]):
            found.append((path + ["options"], "needs one answer marked \"right\": true (the course's answer)"))
    return found


@functools.cache
def _shipped() -> Mapping[str, Any]:
    data = _datafile.load_shipped(_DATA, _SCHEMA, check=_check, error=ContentError)
    for name in ("before_intro", "after_intro", "ticket_intro", "ideas", "tickets"):
        if not data.get(name):
            raise ContentError("is missing (the shipped check of learning needs it)", file=_DATA, field=name)
    return MappingProxyType(data)


def _merged(extra: Any) -> dict[str, Any]:
    """The shipped questions with a trainer's files laid over them (ideas by id, tickets by lesson)."""
    _shipped()  # the shipped file has every part (checked once)
    out = _datafile.load_with_extras(_DATA, _SCHEMA, {"ideas": "id", "tickets": "lesson"}, extra, check=_check,
                                     error=ContentError, what="a check of learning file")
    seen: dict[str, str] = {}
    for path, q in _question_paths(out):
        row = out[path[0]][path[1]]
        file = row.get("_file", _DATA)
        if q["id"] in seen and seen[q["id"]] != file:
            field = _datafile.field_name([path[0], row.get("_index", path[1]), *path[2:], "id"])
            raise ContentError(f"the question id '{q['id']}' is already used in {seen[q['id']]}; "
                               "give it an id of its own", file=file, field=field)
        seen[q["id"]] = file
    return out


def _question(row: Mapping[str, Any]) -> Question:
    return Question(row["id"], row["text"], tuple(Answer(a["id"], a["text"], bool(a.get("right", False)),
                                                         a["feedback"]) for a in row["options"]))


def ideas(extra: Any = None) -> tuple[Idea, ...]:
    """The ideas of the course, in order, each with its ``before`` and ``after`` question.

    Parameters
    ----------
    extra : path-like, folder or list of them, optional
        A trainer's own ``learning_check.json`` (or a folder holding one).

    Raises
    ------
    ContentError
        When a file is not valid (one line naming the file and the field).
    """
    return tuple(Idea(r["id"], r["lesson"], r["topic"], _question(r["before"]), _question(r["after"]))
                 for r in _merged(extra)["ideas"])


def tickets(extra: Any = None) -> tuple[Ticket, ...]:
    """Every lesson's exit ticket, in lesson order."""
    rows = sorted(_merged(extra)["tickets"], key=lambda r: r["lesson"])
    return tuple(Ticket(r["lesson"], tuple(_question(q) for q in r["questions"])) for r in rows)


def ticket(lesson: str | int, extra: Any = None) -> Ticket:
    """The exit ticket of one lesson (``3`` or ``"03"``).

    Raises
    ------
    AnswerError
        When the lesson has no exit ticket.

    Examples
    --------
    >>> len(ticket(3).questions)
    2
    """
    want = f"{int(lesson):02d}"
    for t in tickets(extra):
        if t.lesson == want:
            return t
    raise AnswerError(f"Lesson {want} has no exit ticket.")


def question(question_id: str, extra: Any = None) -> Question:
    """Any question of the check (start, end or exit ticket) by its id.

    Raises
    ------
    AnswerError
        When there is no such question.
    """
    for q in _all_questions(extra):
        if q.id == question_id:
            return q
    raise AnswerError(f"There is no question called “{question_id}” in the check of learning.")


def _all_questions(extra: Any = None) -> list[Question]:
    out = [q for i in ideas(extra) for q in (i.before, i.after)]
    return out + [q for t in tickets(extra) for q in t.questions]


def intro(stage: str, extra: Any = None) -> str:
    """The words above the questions: ``stage`` is ``"before"``, ``"after"`` or ``"ticket"``."""
    if stage not in ("before", "after", "ticket"):
        raise ValueError(f"stage must be 'before', 'after' or 'ticket', not {stage!r}")
    return _merged(extra)[f"{stage}_intro"]


# --------------------------------------------------------------------------- #
# Feedback
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Feedback:
    """What a learner is told after choosing an answer.

    ``right`` says whether it is the course's answer; ``text`` is why, or what
    to think about; ``course_answers`` are the course's answers (shown with an
    answer that is not one of them, so the learner is never left guessing).
    """

    right: bool
    text: str
    course_answers: tuple[str, ...]


def feedback(q: Question, answer_id: str) -> Feedback:
    """The feedback on one answer to ``q``.

    Raises
    ------
    AnswerError
        When ``q`` has no answer ``answer_id``.
    """
    a = q.answer(answer_id)
    return Feedback(a.right, a.feedback, () if a.right else tuple(r.text for r in q.right_answers))


# --------------------------------------------------------------------------- #
# Class mode: counts, never a learner's answers
# --------------------------------------------------------------------------- #

def add_answers(counts: Counts, answers: Mapping[str, str], extra: Any = None) -> dict[str, dict[str, int]]:
    """New counts: ``counts`` with one learner's ``answers`` (``{question id: answer id}``) added.

    Pure: ``counts`` is not changed. The result holds numbers only; nothing
    in it says who answered or in what order.

    Raises
    ------
    AnswerError
        When an answer names a question or an answer that does not exist
        (class mode refuses it rather than count nonsense).

    Examples
    --------
    >>> c = add_answers({}, {"t03_thumbnail": "yes"})
    >>> add_answers(c, {"t03_thumbnail": "no"})["t03_thumbnail"]
    {'yes': 1, 'no': 1}
    """
    known = {q.id: q for q in _all_questions(extra)}
    out = {qid: dict(per) for qid, per in counts.items()}
    for qid, aid in answers.items():
        if qid not in known:
            raise AnswerError(f"There is no question called “{qid}” in the check of learning.")
        known[qid].answer(aid)
        out.setdefault(qid, {})
        out[qid][aid] = out[qid].get(aid, 0) + 1
    return out


@dataclass(frozen=True)
class QuestionRow:
    """A class's counts for one question, or nothing (``shown`` False) when too few answered."""

    id: str
    text: str
    answered: int
    shown: bool
    chose: tuple[tuple[str, int], ...]  # (answer text, how many), in the question's order; empty when not shown
    course_answer_share: float | None  # share who chose the course's answer; None when not shown

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "answered": self.answered, "shown": self.shown,
                "chose": [list(c) for c in self.chose], "course_answer_share": self.course_answer_share}


@dataclass(frozen=True)
class IdeaRow:
    """One idea: the class's share of the course's answer at the start and at the end."""

    id: str
    topic: str
    before: QuestionRow
    after: QuestionRow

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "topic": self.topic, "before": self.before.to_dict(), "after": self.after.to_dict()}


@dataclass(frozen=True)
class ClassSummary:
    """What a trainer may see of a class's check of learning: counts only."""

    min_group: int
    ideas: tuple[IdeaRow, ...]
    tickets: tuple[tuple[str, tuple[QuestionRow, ...]], ...]  # (lesson, rows)

    def to_dict(self) -> dict[str, Any]:
        return {"min_group": self.min_group, "ideas": [i.to_dict() for i in self.ideas],
                "tickets": [{"lesson": lesson, "questions": [r.to_dict() for r in rows]}
                            for lesson, rows in self.tickets]}


def _row(q: Question, per: Mapping[str, int], min_group: int) -> QuestionRow:
    for aid, n in per.items():
        q.answer(aid)
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise AnswerError(f"The count for “{aid}” in “{q.id}” should be a whole number of 0 or more, not {n!r}.")
    answered = sum(per.values())
    if answered < min_group:
        return QuestionRow(q.id, q.text, answered, False, (), None)
    right = sum(per.get(a.id, 0) for a in q.right_answers)
    return QuestionRow(q.id, q.text, answered, True, tuple((a.text, per.get(a.id, 0)) for a in q.answers),
                       right / answered)


def class_summary(counts: Counts, *, min_group: int = MIN_GROUP, extra: Any = None) -> ClassSummary:
    """What a trainer may see of a class: counts per question, held back below ``min_group`` learners.

    Parameters
    ----------
    counts : Counts
        ``{question id: {answer id: count}}`` (see :func:`add_answers`).
    min_group : int
        A question answered by fewer learners is shown as "too few answers
        to show" (its counts and share are left out): in a tiny group, a
        count could give away one person's answer.

    Raises
    ------
    AnswerError
        When ``counts`` names a question or answer that does not exist, or a
        count is not a whole number of 0 or more.

    Examples
    --------
    >>> c = {}
    >>> for a in ["name", "name", "name", "nothing", "phone"]:
    ...     c = add_answers(c, {"face_before": a})
    >>> row = class_summary(c).ideas[0].before
    >>> row.answered, row.shown, row.course_answer_share
    (5, True, 0.6)
    >>> class_summary(c, min_group=6).ideas[0].before.chose
    ()
    """
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    known = {q.id for q in _all_questions(extra)}
    for qid in counts:
        if qid not in known:
            raise AnswerError(f"There is no question called “{qid}” in the check of learning.")
    idea_rows = tuple(IdeaRow(i.id, i.topic, _row(i.before, counts.get(i.before.id, {}), min_group),
                              _row(i.after, counts.get(i.after.id, {}), min_group)) for i in ideas(extra))
    ticket_rows = tuple((t.lesson, tuple(_row(q, counts.get(q.id, {}), min_group) for q in t.questions))
                        for t in tickets(extra))
    return ClassSummary(min_group, idea_rows, ticket_rows)
