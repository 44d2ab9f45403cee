"""Chat practice: branching conversations a learner plays through, one reply at a time.

A *scenario* is a small chat with a stranger (or a friend) in which the
learner picks each reply. Every reply gets feedback — why it is a safe or a
risky move — and every route ends in a debrief. Scenarios are data, not code:
one JSON file each, in ``safetylab/data/scenarios/``, in the format described
in ``docs/scenario-format.md`` and checked against
``safetylab/data/scenario.schema.json`` (JSON Schema, Draft 2020-12).
Trainers can write their own in the same format; they are checked the same
way.

Beyond the schema, a scenario must hang together as a conversation: its
``start`` names a node, every reply's ``next`` names a node, every node can
be reached from the start, and from every node some route leads to an ending
(no dead ends, no loops without a way out). A file that breaks a rule raises
:class:`ScenarioError`, one line naming the file and the place, e.g.
``my.json: nodes.ask.choices[1].next: no node called 'nowhere'``.

The engine is pure and immutable: :func:`start` gives a :class:`State`,
:func:`choose` gives a new one, nothing is ever changed in place.

Examples
--------
>>> sc = load("send_a_pic")
>>> state = start(sc)
>>> state.ended
False
>>> state = choose(state, 0)
>>> state.feedback is not None and state.qualities[0] in QUALITIES
True
>>> all(play(sc, p).ended for p in paths(sc))
True

What this does not protect against: a practice chat is not a real one; real
people change tactics, and the debrief's advice matters more than the score.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import _datafile
from ._datafile import DataFileError, value_words
from .errors import SafetyLabError

__all__ = [
    "QUALITIES",
    "ScenarioError",
    "ChoiceError",
    "Choice",
    "Ending",
    "Node",
    "Scenario",
    "State",
    "Summary",
    "schema",
    "problems",
    "validate",
    "load",
    "load_all",
    "shipped_ids",
    "start",
    "choose",
    "play",
    "summary",
    "paths",
    "check_text",
    "save",
]

#: The three kinds of reply, in the order they are counted.
QUALITIES = ("safe", "risky", "neutral")

_SCHEMA_FILE = "scenario.schema.json"
_FOLDER = "scenarios"
_DEFAULT_ORDER = 1000


class ScenarioError(DataFileError):
    """A scenario file is missing, unreadable, or breaks a rule of the format.

    ``str(err)`` is one line: ``FILE: PLACE: PROBLEM``.

    Attributes
    ----------
    file : str
        The file's name (or the id that was asked for).
    place : str
        Where in the file, e.g. ``"nodes.ask.choices[1].next"``; empty when
        the problem is the whole file (also called ``field``).
    problem : str
        What is wrong, in plain words.
    """

    def __init__(self, problem: str, *, file: str = "", place: str = "", field: str = ""):
        super().__init__(problem, file=file, field=place or field)


class ChoiceError(SafetyLabError):
    """A reply was asked for that the conversation does not offer."""


@dataclass(frozen=True)
class Choice:
    """One reply the learner can pick.

    Attributes
    ----------
    text : str
        What the learner sends (or does, when ``kind`` is ``"action"``).
    feedback : str
        Shown once it is chosen: why it is a safe, risky or neutral move.
    quality : str
        ``"safe"``, ``"risky"`` or ``"neutral"``.
    next : str
        The id of the node it leads to.
    kind : str
        ``"message"`` (sent in the chat) or ``"action"`` (done, e.g. blocking).
    steps : tuple of int
        Which of the five :func:`safetylab.content.steps` it practises; often empty.
    """

    text: str
    feedback: str
    quality: str
    next: str
    kind: str = "message"
    steps: tuple[int, ...] = ()


@dataclass(frozen=True)
class Ending:
    """How a route through the conversation ends.

    Attributes
    ----------
    title : str
        A short heading, e.g. ``"You kept your photo"``.
    debrief : str
        What happened and why, in a few calm sentences.
    takeaways : tuple of str
        Short lines the learner can act on (may be empty).
    """

    title: str
    debrief: str
    takeaways: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    """One moment of the conversation.

    Attributes
    ----------
    id : str
        Its name in the file.
    them : tuple of str
        What the other person writes now, one chat bubble each (may be empty).
    choices : tuple of Choice
        The replies on offer; empty for an ending.
    ending : Ending or None
        Set when the conversation ends here.
    notice : str or None
        A calm coaching note shown with this moment.
    """

    id: str
    them: tuple[str, ...]
    choices: tuple[Choice, ...] = ()
    ending: Ending | None = None
    notice: str | None = None

    @property
    def is_ending(self) -> bool:
        """Whether the conversation ends at this node."""
        return self.ending is not None


@dataclass(frozen=True)
class Scenario:
    """A checked scenario. Build one with :func:`load` or :func:`validate`.

    Attributes
    ----------
    id, title, summary, audience : str
        As in the file.
    their_name, your_name : str
        Display names of the other person and of the learner.
    start : str
        The id of the first node.
    nodes : mapping of str to Node
        Every node, in the order of the file (read-only).
    content_note, limits : str or None
        The content note shown before starting, and what the practice does
        not cover.
    crisis : bool
        Whether the chat shows the crisis lines of every region (a scenario
        about threats or coercion).
    order : int
        Where it comes in lists.
    source : str
        The file it came from.
    """

    id: str
    title: str
    summary: str
    audience: str
    their_name: str
    start: str
    nodes: Mapping[str, Node] = field(hash=False)
    your_name: str = "You"
    content_note: str | None = None
    limits: str | None = None
    crisis: bool = False
    order: int = _DEFAULT_ORDER
    source: str = ""

    def node(self, node_id: str) -> Node:
        """The node called ``node_id``."""
        return self.nodes[node_id]

    @property
    def endings(self) -> tuple[Node, ...]:
        """The nodes where the conversation ends, in file order."""
        return tuple(n for n in self.nodes.values() if n.is_ending)

    @property
    def uses_steps(self) -> bool:
        """Whether any reply is tagged with one of the five :func:`safetylab.content.steps`."""
        return any(c.steps for n in self.nodes.values() for c in n.choices)


# --------------------------------------------------------------------------- schema


def schema() -> dict:
    """The JSON Schema (Draft 2020-12) of a scenario file, as a new dict."""
    return _datafile.schema(_SCHEMA_FILE)


def _graph_problems(data: dict) -> list[tuple[list[Any], str]]:
    """The conversation-level rules; ``data`` already matches the schema."""
    nodes: dict[str, dict] = data["nodes"]
    out: list[tuple[list[Any], str]] = []

    def no_node(name: str) -> str:
        close = difflib.get_close_matches(name, list(nodes), n=1)
        return f"no node called '{name}'" + (f" (did you mean '{close[0]}'?)" if close else "")

    if data["their_name"].strip() == data.get("your_name", "You").strip():
        out.append((["your_name"], "must differ from 'their_name' so the two sides can be told apart"))
    begin = data["start"]
    if begin not in nodes:
        out.append((["start"], no_node(begin)))
    elif "ending" in nodes[begin]:
        out.append((["start"], f"'{begin}' is an ending; the conversation needs at least one reply first"))
    edges: dict[str, list[str]] = {}
    for nid, node in nodes.items():
        edges[nid] = []
        for i, choice in enumerate(node.get("choices", ())):
            if choice["next"] in nodes:
                edges[nid].append(choice["next"])
            else:
                out.append((["nodes", nid, "choices", i, "next"], no_node(choice["next"])))
    if out:
        return out

    reached = _reach([begin], edges)
    for nid in nodes:
        if nid not in reached:
            out.append((["nodes", nid], f"cannot be reached: no reply leads here from the start ('{begin}')"))
    back: dict[str, list[str]] = {nid: [] for nid in nodes}
    for nid, targets in edges.items():
        for t in targets:
            back[t].append(nid)
    can_end = _reach([nid for nid, n in nodes.items() if "ending" in n], back)
    stuck = [nid for nid in nodes if nid in reached and nid not in can_end]
    for nid in stuck:
        loop = [n for n in nodes if n in _reach([nid], edges)]
        out.append((["nodes", nid], "no route from here reaches an ending: the replies only lead round "
                    f"in a loop ({', '.join(loop)})"))
    return out


def _reach(starts: Iterable[str], edges: Mapping[str, Sequence[str]]) -> set[str]:
    seen, todo = set(starts), list(starts)
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def problems(data: Any, source: str = "scenario") -> list[str]:
    """Every problem with a scenario, one line each (an empty list when it is fine).

    Useful when writing a scenario: it lists all the schema problems at once
    (the conversation rules are checked once the schema is met).

    Parameters
    ----------
    data : object
        The parsed JSON of a scenario file.
    source : str
        The file's name, used at the start of each line.

    Returns
    -------
    list of str
        Lines like ``"my.json: nodes.ask.choices[1].next: no node called 'nowhere'"``,
        in the order of the file.
    """
    return [str(e) for e in _errors(data, source)]


def _errors(data: Any, source: str) -> list[ScenarioError]:
    return _datafile.problems(data, _SCHEMA_FILE, file=source, check=_graph_problems, error=ScenarioError)


def validate(data: Any, source: str = "scenario") -> Scenario:
    """Check a parsed scenario and build it.

    Parameters
    ----------
    data : object
        The parsed JSON of a scenario file (it is not changed).
    source : str
        The file's name, for messages and :attr:`Scenario.source`.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        At the first problem, in file order: ``FILE: PLACE: PROBLEM``.
    """
    errors = _errors(data, source)
    if errors:
        raise errors[0]
    return _build(data, source)


def _build(data: dict, source: str) -> Scenario:
    """The scenario in checked ``data``."""
    nodes = {nid: Node(
        id=nid,
        them=tuple(n["them"]),
        choices=tuple(Choice(text=c["text"], feedback=c["feedback"], quality=c["quality"], next=c["next"],
                             kind=c.get("kind", "message"), steps=tuple(c.get("steps", ())))
                      for c in n.get("choices", ())),
        ending=(Ending(title=n["ending"]["title"], debrief=n["ending"]["debrief"],
                       takeaways=tuple(n["ending"].get("takeaways", ())))
                if "ending" in n else None),
        notice=n.get("notice"),
    ) for nid, n in data["nodes"].items()}
    return Scenario(
        id=data["id"], title=data["title"], summary=data["summary"], audience=data["audience"],
        their_name=data["their_name"], your_name=data.get("your_name", "You"), start=data["start"],
        nodes=MappingProxyType(nodes), content_note=data.get("content_note"), limits=data.get("limits"),
        crisis=data.get("crisis", False), order=data.get("order", _DEFAULT_ORDER), source=source)


# --------------------------------------------------------------------------- files


def _load_file(path: Path) -> Scenario:
    data = _datafile.load(path, _SCHEMA_FILE, check=_graph_problems, error=ScenarioError,
                          what="a scenario file")
    return _build(data, path.name)


@functools.cache
def _shipped() -> tuple[Scenario, ...]:
    folder = resources.files("safetylab").joinpath("data", _FOLDER)
    out = []
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if item.name.endswith(".json"):
            data = _datafile.load_shipped(f"{_FOLDER}/{item.name}", _SCHEMA_FILE, check=_graph_problems,
                                          error=ScenarioError)
            out.append(_build(data, item.name))
    return tuple(_unique(out))


def _unique(scenarios: Iterable[Scenario]) -> list[Scenario]:
    seen: dict[str, Scenario] = {}
    for sc in scenarios:
        if sc.id in seen:
            raise ScenarioError(f"'{sc.id}' is already the id of {seen[sc.id].source}; choose another",
                                file=sc.source, place="id")
        seen[sc.id] = sc
    return sorted(seen.values(), key=lambda s: (s.order, s.id))


def shipped_ids() -> list[str]:
    """The ids of the scenarios that come with safetylab, in display order."""
    return [s.id for s in _shipped()]


def load(path_or_id: str | os.PathLike[str]) -> Scenario:
    """One scenario: a shipped one by its id, or your own file by its path.

    Parameters
    ----------
    path_or_id : str or path-like
        An id such as ``"send_a_pic"`` (see :func:`shipped_ids`), or the path
        of a ``.json`` file.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If there is no such scenario, or the file breaks a rule.

    Examples
    --------
    >>> load("the_flip").content_note is not None
    True
    """
    text = os.fspath(path_or_id)
    if isinstance(path_or_id, os.PathLike) or text.endswith(".json") or os.sep in text or "/" in text:
        return _load_file(Path(text))
    for sc in _shipped():
        if sc.id == text:
            return sc
    raise ScenarioError(f"No scenario called '{text}' comes with safetylab (there are: "
                        f"{', '.join(shipped_ids())}); for your own, give the path of its .json file")


def load_all(extra_dir: str | os.PathLike[str] | None = None) -> list[Scenario]:
    """Every shipped scenario, plus those in a trainer's folder.

    Parameters
    ----------
    extra_dir : str or path-like, optional
        A folder of your own scenario files (``*.json``; files ending in
        ``.schema.json`` are skipped, so a copy of the schema may sit there).

    Returns
    -------
    list of Scenario
        Sorted by ``order``, then id. A new list each call.

    Raises
    ------
    ScenarioError
        If a file breaks a rule, or two scenarios share an id.
    """
    found = list(_shipped())
    if extra_dir is not None:
        folder = Path(extra_dir)
        if not folder.is_dir():
            raise ScenarioError("is not a folder", file=str(folder))
        found += [_load_file(p) for p in sorted(folder.glob("*.json")) if not p.name.endswith(".schema.json")]
    return _unique(found)


# --------------------------------------------------------------------------- writing your own


def check_text(text: str, source: str = "scenario.json") -> tuple[Scenario | None, list[str]]:
    """Check the text of a scenario file as it is being written: the scenario, or every problem.

    This is what a scenario editor shows as the trainer types: broken JSON is one
    line naming the line and column; otherwise every schema problem at once, then
    (once the schema is met) the conversation rules.

    Parameters
    ----------
    text : str
        The file's text (JSON).
    source : str
        The file's name, at the start of each line.

    Returns
    -------
    (scenario, problems) : tuple
        ``scenario`` is None unless ``problems`` is empty.

    Examples
    --------
    >>> sc, found = check_text('{"id": "x"', "mine.json")
    >>> sc, found[0]
    (None, "mine.json: line 1, column 11: not valid JSON (Expecting ',' delimiter)")
    """
    data, errors = _text_errors(text, source)
    if errors:
        return None, [str(e) for e in errors]
    return _build(data, source), []


def _text_errors(text: str, source: str) -> tuple[Any, list[ScenarioError]]:
    try:
        data = _datafile.loads(text, source, ScenarioError)
    except ScenarioError as err:
        return None, [err]
    return data, _errors(data, source)


def save(text: str, folder: str | os.PathLike[str], *, replace: bool = False) -> tuple[Path, Path | None]:
    """Write a scenario's text as ``ID.json`` in ``folder`` (a course pack's ``scenarios/``).

    The text is checked first (:func:`check_text`), and its id must not be a
    shipped scenario's, nor that of another file in the folder.

    Parameters
    ----------
    text : str
        The scenario file's text, written as it is (a final newline is added).
    folder : path-like
        Where to write it (made if missing).
    replace : bool
        When ``ID.json`` is already there: False (the default) refuses and
        changes nothing; True replaces it, keeping the old one as ``ID.json.bak``.

    Returns
    -------
    (written, kept) : tuple
        The scenario file, and the backup of the one it replaced (or None).

    Raises
    ------
    ScenarioError
        At the first problem with the scenario.
    AlreadyThereError
        When ``ID.json`` is there and ``replace`` is False.
    """
    from ._files import replace_keeping, write_exact

    data, errors = _text_errors(text, "scenario")
    if errors:
        raise errors[0]
    sc = _build(data, "scenario")
    target = Path(folder) / f"{sc.id}.json"
    if sc.id in shipped_ids():
        raise ScenarioError(f"'{sc.id}' is the id of a scenario that comes with safetylab; choose another",
                            file=target.name, place="id")
    folder = Path(folder)
    if folder.is_dir():
        for other in sorted(folder.glob("*.json")):
            if other.name == target.name or other.name.endswith(".schema.json"):
                continue
            try:
                other_id = _load_file(other).id
            except ScenarioError:
                continue  # a broken file is reported when the folder is loaded
            if other_id == sc.id:
                raise ScenarioError(f"'{sc.id}' is already the id of {other.name}; choose another",
                                    file=target.name, place="id")
    data = (text.rstrip() + "\n").encode("utf-8")
    if replace:
        return replace_keeping(target, data)
    return write_exact(target, data), None


# --------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class State:
    """Where a learner is in a conversation. Immutable: :func:`choose` returns a new one.

    Attributes
    ----------
    scenario : Scenario
    node_id : str
        The current node.
    transcript : tuple of (str or None, str)
        Everything so far as ``(speaker, text)``: the other person's name, the
        learner's name, or ``None`` for something the learner did rather than
        said (an action such as blocking).
    path : tuple of int
        The index of each choice made, in order (replay with :func:`play`).
    qualities : tuple of str
        The quality of each choice made, in order.
    steps : tuple of int
        The :func:`safetylab.content.steps` practised, in the order they were practised.
    last_choice : Choice or None
        The most recent choice, whose feedback is shown.
    """

    scenario: Scenario
    node_id: str
    transcript: tuple[tuple[str | None, str], ...] = ()
    path: tuple[int, ...] = ()
    qualities: tuple[str, ...] = ()
    steps: tuple[int, ...] = ()
    last_choice: Choice | None = None

    @property
    def node(self) -> Node:
        """The current node."""
        return self.scenario.nodes[self.node_id]

    @property
    def choices(self) -> tuple[Choice, ...]:
        """The replies on offer now (empty once it has ended)."""
        return self.node.choices

    @property
    def notice(self) -> str | None:
        """The coaching note for this moment, if any."""
        return self.node.notice

    @property
    def ended(self) -> bool:
        """Whether the conversation has reached an ending."""
        return self.node.is_ending

    @property
    def ending(self) -> Ending | None:
        """The ending reached, or ``None``."""
        return self.node.ending

    @property
    def feedback(self) -> str | None:
        """The feedback on the last choice, or ``None`` before the first one."""
        return None if self.last_choice is None else self.last_choice.feedback


def _their_lines(scenario: Scenario, node: Node) -> tuple[tuple[str | None, str], ...]:
    return tuple((scenario.their_name, text) for text in node.them)


def start(scenario: Scenario) -> State:
    """The beginning of a conversation: the first node, their opening messages.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    State
    """
    return State(scenario=scenario, node_id=scenario.start,
                 transcript=_their_lines(scenario, scenario.nodes[scenario.start]))


def choose(state: State, index: int) -> State:
    """Pick reply number ``index`` (counting from 0) and move on.

    Parameters
    ----------
    state : State
        Not changed.
    index : int
        Which of ``state.choices``.

    Returns
    -------
    State
        A new state: the reply and their answer are added to the transcript.

    Raises
    ------
    ChoiceError
        If the conversation has ended, or there is no such reply.
    """
    if state.ended:
        raise ChoiceError(f"This conversation has already ended ('{state.ending.title}'); "
                          "start again to try other replies.")
    n = len(state.choices)
    if isinstance(index, bool) or not isinstance(index, int):
        raise ChoiceError(f"A reply is picked by its number (0 to {n - 1}), not by {value_words(index)}.")
    if not 0 <= index < n:
        raise ChoiceError(f"There is no reply number {index} here: pick a number from 0 to {n - 1}.")
    picked = state.choices[index]
    sc = state.scenario
    said = (None if picked.kind == "action" else sc.your_name, picked.text)
    nxt = sc.nodes[picked.next]
    return State(scenario=sc, node_id=nxt.id,
                 transcript=state.transcript + (said,) + _their_lines(sc, nxt),
                 path=state.path + (index,), qualities=state.qualities + (picked.quality,),
                 steps=state.steps + picked.steps, last_choice=picked)


def play(scenario: Scenario, choices: Iterable[int]) -> State:
    """Start and make each choice in turn; the state at the end.

    Parameters
    ----------
    scenario : Scenario
    choices : iterable of int
        Reply indices, e.g. one of :func:`paths`.

    Returns
    -------
    State
    """
    state = start(scenario)
    for index in choices:
        state = choose(state, index)
    return state


@dataclass(frozen=True)
class Summary:
    """What a learner's run through a scenario came to, for the debrief.

    Attributes
    ----------
    ended : bool
    ending : Ending or None
    counts : mapping of str to int
        How many ``"safe"``, ``"risky"`` and ``"neutral"`` replies were chosen.
    total : int
        How many replies were chosen.
    steps : tuple of int
        The :func:`safetylab.content.steps` practised, in order.
    steps_in_order : bool
        Whether all five steps were practised, each after the one before; a
        step that may come first (telling a trusted adult, for someone under
        18) counts as in order when it comes first.
    text : str
        The same in one or two plain sentences.
    """

    ended: bool
    ending: Ending | None
    counts: Mapping[str, int] = field(hash=False)
    total: int
    steps: tuple[int, ...]
    steps_in_order: bool
    text: str


def summary(state: State) -> Summary:
    """Count the choices made so far and say it plainly.

    Parameters
    ----------
    state : State

    Returns
    -------
    Summary

    Examples
    --------
    >>> sc = load("send_a_pic")
    >>> s = summary(play(sc, paths(sc)[0]))
    >>> s.total == sum(s.counts.values()) and s.ended
    True
    """
    counts = {q: state.qualities.count(q) for q in QUALITIES}
    total = len(state.qualities)
    firsts = list(dict.fromkeys(state.steps))
    in_order = _in_order(firsts)
    if total == 0:
        text = "No replies chosen yet."
    else:
        parts = ", ".join(f"{counts[q]} {q}" for q in QUALITIES if counts[q])
        text = f"You chose {total} repl{'y' if total == 1 else 'ies'}: {parts}."
        if counts["safe"] == total:
            text += " Every one of them was a safe move."
        elif counts["risky"]:
            text += (" Risky replies are what practice is for: start again to see where the "
                     "other replies lead.")
    if state.scenario.uses_steps:
        if in_order:
            text += " You practised all five steps, in order."
        elif firsts:
            text += (" You practised step" + ("s " if len(firsts) > 1 else " ")
                     + ", ".join(str(s) for s in firsts) + " of the five.")
    return Summary(ended=state.ended, ending=state.ending, counts=MappingProxyType(counts), total=total,
                   steps=state.steps, steps_in_order=in_order, text=text)


def _in_order(firsts: list[int]) -> bool:
    """All the steps, in their order; a step that may come first may also come first."""
    from .content import steps

    all_steps = steps()
    numbers = [s.number for s in all_steps]
    allowed = [numbers] + [[s.number] + [n for n in numbers if n != s.number] for s in all_steps
                           if s.may_come_first]
    return firsts in allowed


def paths(scenario: Scenario, *, max_visits: int = 2, limit: int = 10_000) -> list[tuple[int, ...]]:
    """Every route from the start to an ending, as tuples of reply indices.

    A route may pass through a node at most ``max_visits`` times, so loops
    (which the format allows when they have a way out) stay finite.

    Parameters
    ----------
    scenario : Scenario
    max_visits : int
        How often one route may pass the same node.
    limit : int
        Stop with an error beyond this many routes.

    Returns
    -------
    list of tuple of int
        In depth-first order; replay one with :func:`play`.

    Raises
    ------
    ScenarioError
        If there are more than ``limit`` routes.
    """
    out: list[tuple[int, ...]] = []
    visits: dict[str, int] = {}

    def walk(nid: str, route: tuple[int, ...]) -> None:
        node = scenario.nodes[nid]
        if node.is_ending:
            out.append(route)
            if len(out) > limit:
                raise ScenarioError(f"has more than {limit} routes from start to an ending",
                                    file=scenario.source)
            return
        visits[nid] = visits.get(nid, 0) + 1
        for i, choice in enumerate(node.choices):
            if visits.get(choice.next, 0) < max_visits:
                walk(choice.next, route + (i,))
        visits[nid] -= 1

    walk(scenario.start, ())
    return out
