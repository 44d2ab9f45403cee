"""Chat-practice scenarios: the shipped files, every route through them, and broken files."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from safetylab import content
from safetylab import scenarios as S
from safetylab.errors import SafetyLabError

DATA = Path(S.__file__).parent / "data"
SHIPPED_FILES = sorted((DATA / "scenarios").glob("*.json"))
SHIPPED = S.load_all()
IDS = [sc.id for sc in SHIPPED]
# The eight situations the lessons need, by id.
REQUIRED = {"send_a_pic", "your_turn", "too_fast", "pushed_no", "fake_profile", "the_flip",
            "friend_confides", "just_a_selfie"}
COERCION = {"the_flip", "friend_confides", "made_up"}


def texts_of(sc: S.Scenario):
    """Every piece of text a learner can see in a scenario."""
    yield from (sc.title, sc.summary, sc.audience, sc.content_note or "", sc.limits or "")
    for node in sc.nodes.values():
        yield from node.them
        yield node.notice or ""
        for c in node.choices:
            yield c.text
            yield c.feedback
        if node.ending:
            yield node.ending.title
            yield node.ending.debrief
            yield from node.ending.takeaways


def all_choices(sc: S.Scenario) -> set[tuple[str, int]]:
    return {(nid, i) for nid, n in sc.nodes.items() for i in range(len(n.choices))}


def walked(sc: S.Scenario, path) -> tuple[list[str], set[tuple[str, int]]]:
    """The node ids a route passes and the choices it takes, found without the engine."""
    nid, nodes, taken = sc.start, [sc.start], set()
    for i in path:
        taken.add((nid, i))
        nid = sc.nodes[nid].choices[i].next
        nodes.append(nid)
    return nodes, taken


# --------------------------------------------------------------------------- the shipped files


def test_schema_is_valid_draft_2020_12():
    schema = json.loads((DATA / "scenario.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert S.schema() == schema and S.schema() is not S.schema()


def test_at_least_eight_scenarios_including_the_required_ones():
    assert len(SHIPPED_FILES) >= 8 and len(SHIPPED) == len(SHIPPED_FILES)
    assert REQUIRED <= set(IDS)
    assert len(set(IDS)) == len(IDS)
    assert IDS == S.shipped_ids()
    assert [(s.order, s.id) for s in SHIPPED] == sorted((s.order, s.id) for s in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_shipped_file_matches_schema_and_rules(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator(S.schema()).validate(data)  # the plain schema, independently of our messages
    assert S.problems(data, path.name) == []
    sc = S.load(path)
    assert sc.id == path.stem and sc.source == path.name
    assert S.load(sc.id) == sc  # by id, the same scenario
    # the editor hint points at the real schema
    assert (path.parent / data["$schema"]).resolve() == (DATA / "scenario.schema.json").resolve()


@pytest.mark.parametrize("sc", SHIPPED, ids=IDS)
def test_shipped_scenario_shape(sc):
    assert 4 <= len(sc.nodes) <= 8
    assert len(sc.endings) >= 2
    assert sum(len(n.choices) >= 2 for n in sc.nodes.values()) >= 2  # several branches
    qualities = {c.quality for n in sc.nodes.values() for c in n.choices}
    assert {"safe", "risky"} <= qualities
    assert sc.limits, "every scenario says what the practice does not cover"
    assert sc.their_name != sc.your_name
    assert (sc.content_note is not None) == (sc.id in COERCION)
    for n in sc.nodes.values():
        for c in n.choices:
            assert c.feedback.strip() and c.text.strip()
        if n.is_ending:
            assert n.ending.debrief.strip() and n.ending.takeaways


@pytest.mark.parametrize("sc", SHIPPED, ids=IDS)
def test_no_explicit_words(sc):
    banned = re.compile(r"\b(nudes?|naked|sexy|sext(?!ortion)\w*|explicit pic\w*|porn)\b", re.I)
    for text in texts_of(sc):
        assert not banned.search(text), text


# --------------------------------------------------------------------------- every route


@pytest.mark.parametrize("sc", SHIPPED, ids=IDS)
def test_every_route_of_every_scenario(sc):
    routes = S.paths(sc)
    assert routes and len(set(routes)) == len(routes)
    seen_nodes: set[str] = set()
    seen_choices: set[tuple[str, int]] = set()
    for route in routes:
        state = S.play(sc, route)
        nodes, taken = walked(sc, route)
        seen_nodes.update(nodes)
        seen_choices |= taken
        # it ends, with a debrief
        assert state.ended and state.ending is sc.nodes[nodes[-1]].ending
        assert state.ending.debrief.strip()
        assert not state.choices
        assert all(not sc.nodes[n].is_ending for n in nodes[:-1])
        # the bookkeeping matches the route
        assert state.path == tuple(route)
        chosen = [sc.nodes[n].choices[i] for n, i in zip(nodes, route)]
        assert state.qualities == tuple(c.quality for c in chosen)
        assert state.last_choice == chosen[-1] and state.feedback == chosen[-1].feedback
        assert state.steps == tuple(s for c in chosen for s in c.steps)
        # the transcript is their messages and your replies, in turn
        expected = [(sc.their_name, t) for t in sc.nodes[nodes[0]].them]
        for c, n in zip(chosen, nodes[1:]):
            expected.append((None if c.kind == "action" else sc.your_name, c.text))
            expected += [(sc.their_name, t) for t in sc.nodes[n].them]
        assert list(state.transcript) == expected
        summ = S.summary(state)
        assert summ.ended and summ.ending == state.ending and summ.total == len(route)
        assert dict(summ.counts) == {q: state.qualities.count(q) for q in S.QUALITIES}
        assert f"You chose {len(route)} repl" in summ.text
    assert seen_nodes == set(sc.nodes), "every node is reachable"
    assert seen_choices == all_choices(sc), "every reply is taken by some route"
    assert {n.id for n in sc.endings} <= seen_nodes, "every ending is reached"


@pytest.mark.parametrize("sc", [s for s in SHIPPED if s.uses_steps], ids=lambda s: s.id)
def test_steps_are_never_practised_out_of_order(sc):
    may_come_first = {s.number for s in content.steps() if s.may_come_first}
    for route in S.paths(sc):
        firsts = list(dict.fromkeys(S.play(sc, route).steps))
        if firsts and firsts[0] in may_come_first:  # telling a trusted adult may come first
            firsts = firsts[1:]
        assert firsts == sorted(firsts), route


@pytest.mark.parametrize("scenario_id", sorted(COERCION))
def test_safe_route_practises_the_five_steps_in_order(scenario_id):
    sc = S.load(scenario_id)
    safe = [r for r in S.paths(sc) if set(S.play(sc, r).qualities) == {"safe"}]
    assert safe, "there is an all-safe route"
    for route in safe:
        state = S.play(sc, route)
        assert state.steps in ((1, 2, 3, 4, 5), (5, 1, 2, 3, 4, 5))  # an under-18 may tell an adult first
        assert S.summary(state).steps_in_order
        assert "all five steps, in order" in S.summary(state).text
    # a route that skips a step is not counted as "in order"
    partial = [r for r in S.paths(sc) if len(set(S.play(sc, r).steps)) < 5]
    assert partial and not any(S.summary(S.play(sc, r)).steps_in_order for r in partial)


def test_the_flip_lets_an_under_18_tell_a_trusted_adult_first():
    sc = S.load("the_flip")
    first = next(i for i, c in enumerate(sc.node(sc.start).choices) if c.steps[:1] == (5,))
    assert "trusted adult" in sc.node(sc.start).choices[first].text and "under 18" in sc.node(sc.start).notice
    routes = [r for r in S.paths(sc) if r[0] == first and set(S.play(sc, r).qualities) == {"safe"}]
    assert routes and all(S.summary(S.play(sc, r)).steps_in_order for r in routes)


def test_a_made_up_image_gets_its_own_scenario_with_the_same_five_steps():
    sc = S.load("made_up")
    start = sc.node(sc.start)
    assert "made a private picture of you with an app" in " ".join(start.them)
    for words in ("not your fault", "anyone", "not in trouble", "trusted adult can come first"):
        assert words in start.notice, words
    words = " ".join(texts_of(sc))
    assert "Take It Down" in words and "StopNCII.org" in words and "made-up" in words
    assert "lesson 1" in words  # connected to faces as a search key, without blame
    for end in sc.endings:
        assert "not your fault" in end.ending.debrief and "recoverable" in end.ending.debrief
    safe = [r for r in S.paths(sc) if set(S.play(sc, r).qualities) == {"safe"}]
    assert len(safe) == 2 and all(S.summary(S.play(sc, r)).steps_in_order for r in safe)
    # sending a real photo "to prove it" is risky, and said kindly
    prove = next(c for c in start.choices if "prove" in c.text or "fake isn't you" in c.text)
    assert prove.quality == "risky" and "human" in prove.feedback


def test_the_threat_scenario_shows_the_crisis_lines_of_every_region():
    from safetylab import help as hp
    from safetylab.widgets.chat import ChatPractice

    assert {s.id for s in SHIPPED if s.crisis} == {"the_flip", "made_up"}
    sc = S.load("the_flip")
    chat = ChatPractice(sc)
    intro = chat.intro.value
    assert "hurting yourself" in intro
    for region, lines in hp.crisis_lines().items():
        assert region in intro and all(html.escape(r.reach) in intro for r in lines), region
    chat.begin()
    for i in S.paths(sc)[0]:
        chat.choose(i)
    assert "hurting yourself" in chat.debrief.value  # and again at the end


@pytest.mark.parametrize("sc", SHIPPED, ids=IDS)
def test_no_scenario_treats_a_video_call_or_meeting_as_proof_of_trust(sc):
    """For an audience with under-18s: video can be faked or recorded, and meeting up is never the check."""
    for node in sc.nodes.values():
        for c in node.choices:
            asks = re.search(r"video|\bmeet\b|meet up|in person", c.text, re.I)
            if asks:
                assert c.quality != "safe", c.text
                assert re.search(r"faked|recorded", c.feedback), c.feedback
            assert not re.search(r"(simplest|best|good) ways? to check", c.feedback, re.I), c.feedback
    words = " ".join(texts_of(sc))
    assert "no video" not in words.lower()  # a missing video call is not a warning sign either way


def test_the_fake_profile_says_video_is_not_proof():
    sc = S.load("fake_profile")
    ask = next(c for c in sc.node("move").choices if "video call" in c.text)
    assert ask.quality == "neutral" and "faked" in ask.feedback and "someone you trust" in ask.feedback
    assert "video can be faked" in sc.limits
    assert any("isn't proof" in t for t in sc.node("end_reported").ending.takeaways)


def test_the_flip_says_it_is_not_their_fault():
    sc = S.load("the_flip")
    words = " ".join(texts_of(sc)).lower()
    for phrase in ("not your fault", "not in trouble", "recoverable", "support service", "report"):
        assert phrase in words, phrase
    # the threat comes first, and the first notice reassures before anything else
    first = sc.nodes[sc.start]
    assert "not your fault" in first.notice and "not in trouble" in first.notice
    # every ending repeats it
    for end in sc.endings:
        assert "not your fault" in end.ending.debrief and "recoverable" in end.ending.debrief


def test_friend_scenario_never_rewards_blame_or_forwarding():
    sc = S.load("friend_confides")
    for node in sc.nodes.values():
        for c in node.choices:
            if re.search(r"\b(send it to me|show me)\b", c.text, re.I) or c.text.startswith("Why would you"):
                assert c.quality == "risky", c.text


# --------------------------------------------------------------------------- the engine


def test_engine_is_immutable_and_refuses_bad_choices():
    sc = S.load("send_a_pic")
    s0 = S.start(sc)
    before = (s0.node_id, s0.transcript, s0.qualities)
    s1 = S.choose(s0, 1)
    assert (s0.node_id, s0.transcript, s0.qualities) == before
    assert s1 is not s0 and s1.node_id != s0.node_id and len(s1.transcript) > len(s0.transcript)
    assert S.start(sc).feedback is None and S.summary(s0).text == "No replies chosen yet."
    for bad in (-1, len(s0.choices), True, "0", 1.0):
        with pytest.raises(S.ChoiceError) as info:
            S.choose(s0, bad)
        assert isinstance(info.value, SafetyLabError) and "\n" not in str(info.value)
    end = S.play(sc, S.paths(sc)[0])
    with pytest.raises(S.ChoiceError, match="already ended"):
        S.choose(end, 0)
    with pytest.raises(AttributeError):
        s0.node_id = "why"  # frozen


def test_summary_counts_and_words():
    sc = S.load("send_a_pic")
    all_safe = next(r for r in S.paths(sc) if set(S.play(sc, r).qualities) == {"safe"})
    assert "Every one of them was a safe move" in S.summary(S.play(sc, all_safe)).text
    risky = next(r for r in S.paths(sc) if "risky" in S.play(sc, r).qualities)
    text = S.summary(S.play(sc, risky)).text
    assert "risky" in text and "start again" in text
    assert not S.summary(S.play(sc, risky)).steps_in_order


def test_paths_limit():
    sc = S.load("the_flip")
    assert len(S.paths(sc)) > 3
    with pytest.raises(S.ScenarioError, match="more than 3 routes"):
        S.paths(sc, limit=3)


# --------------------------------------------------------------------------- broken files


def base() -> dict:
    return json.loads((DATA / "scenarios" / "send_a_pic.json").read_text(encoding="utf-8"))


def _del(path):
    def change(d):
        *head, last = path
        for p in head:
            d = d[p]
        del d[last]
    return change


def _set(path, value):
    def change(d):
        *head, last = path
        for p in head:
            d = d[p]
        d[last] = value
    return change


def _add_loop(d):
    d["nodes"]["chat"]["choices"].append(
        {"text": "Go round", "feedback": "f", "quality": "neutral", "next": "loop_a"})
    d["nodes"]["loop_a"] = {"them": ["a"], "choices": [
        {"text": "x", "feedback": "f", "quality": "neutral", "next": "loop_b"}]}
    d["nodes"]["loop_b"] = {"them": ["b"], "choices": [
        {"text": "y", "feedback": "f", "quality": "neutral", "next": "loop_a"}]}


def _self_loop(d):
    d["nodes"]["why"]["choices"] = [{"text": "again", "feedback": "f", "quality": "neutral", "next": "why"}]


BROKEN = [
    # (name, change, place, words in the problem)
    ("missing feedback", _del(["nodes", "chat", "choices", 1, "feedback"]),
     "nodes.chat.choices[1].feedback", "is missing (every choice needs this field)"),
    ("missing start", _del(["start"]), "start", "is missing (every scenario needs this field)"),
    ("missing debrief", _del(["nodes", "later", "ending", "debrief"]), "nodes.later.ending.debrief",
     "is missing (every ending needs this field)"),
    ("missing them", _del(["nodes", "why", "them"]), "nodes.why.them", "is missing (every node needs this field)"),
    ("them not a list", _set(["nodes", "chat", "them"], "hello"), "nodes.chat.them",
     "should be a list [...], not the text \"hello\""),
    ("title a number", _set(["title"], 7), "title", "should be text"),
    ("bad quality", _set(["nodes", "chat", "choices", 0, "quality"], "good"), "nodes.chat.choices[0].quality",
     "should be one of \"safe\", \"risky\", \"neutral\", not \"good\""),
    ("misspelt field", _set(["nodes", "chat", "choices", 0, "feedbak"], "x"), "nodes.chat.choices[0].feedbak",
     "did you mean 'feedback'?"),
    ("empty debrief", _set(["nodes", "later", "ending", "debrief"], "   "), "nodes.later.ending.debrief",
     "is empty"),
    ("empty feedback", _set(["nodes", "sent", "choices", 0, "feedback"], ""), "nodes.sent.choices[0].feedback",
     "is empty"),
    ("no choices", _set(["nodes", "chat", "choices"], []), "nodes.chat.choices", "at least one reply"),
    ("step out of range", _set(["nodes", "chat", "choices", 0, "steps"], [6]),
     "nodes.chat.choices[0].steps[0]", "not a step"),
    ("bad node id", _set(["nodes", "Bad Name"], {"them": [], "ending": {"title": "t", "debrief": "d"}}),
     "nodes", "\"Bad Name\" is not a usable id"),
    ("neither choices nor ending", _set(["nodes", "later"], {"them": ["hi"]}), "nodes.later",
     "either 'choices'"),
    ("both choices and ending", _set(["nodes", "later", "choices"], [
        {"text": "t", "feedback": "f", "quality": "safe", "next": "chat"}]), "nodes.later",
     "has both 'choices' and an 'ending'"),
    ("dangling next", _set(["nodes", "why", "choices", 1, "next"], "nowhere"), "nodes.why.choices[1].next",
     "no node called 'nowhere'"),
    ("near-miss next", _set(["nodes", "why", "choices", 1, "next"], "snet"), "nodes.why.choices[1].next",
     "no node called 'snet' (did you mean 'sent'?)"),
    ("missing start node", _set(["start"], "hello"), "start", "no node called 'hello'"),
    ("start is an ending", _set(["start"], "later"), "start", "is an ending"),
    ("unreachable node", _set(["nodes", "orphan"], {"them": [], "ending": {"title": "t", "debrief": "d"}}),
     "nodes.orphan", "cannot be reached"),
    ("cycle with no exit", _add_loop, "nodes.loop_a", "loop (loop_a, loop_b)"),
    ("self loop", _self_loop, "nodes.why", "loop (why)"),
    ("same names", _set(["your_name"], "Sky_22"), "your_name", "must differ"),
]


@pytest.mark.parametrize("name,change,place,words", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_names_file_and_place(tmp_path, name, change, place, words):
    data = base()
    change(data)
    path = tmp_path / "my.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(S.ScenarioError) as info:
        S.load(path)
    err = info.value
    assert isinstance(err, SafetyLabError)
    assert err.file == "my.json" and err.place == place, str(err)
    assert str(err).startswith(f"my.json: {place}: ") and words in str(err), str(err)
    assert "\n" not in str(err)
    # the same first problem from problems(), and from validate() on the data
    assert S.problems(data, "my.json")[0] == str(err)
    with pytest.raises(S.ScenarioError) as again:
        S.validate(data, "my.json")
    assert str(again.value) == str(err)


def test_problems_lists_every_schema_problem_in_file_order():
    data = base()
    data["nodes"]["chat"]["choices"][2]["quality"] = "meh"
    del data["nodes"]["sent"]["choices"][0]["feedback"]
    data["nodes"]["chat"]["them"] = 3
    found = S.problems(data, "x.json")
    assert [p.split(": ")[1] for p in found] == [
        "nodes.chat.them", "nodes.chat.choices[2].quality", "nodes.sent.choices[0].feedback"]


def test_validate_does_not_change_its_input():
    data = base()
    kept = copy.deepcopy(data)
    S.validate(data, "x.json")
    assert data == kept


@pytest.mark.parametrize("text,place,words", [
    ('{"id": "x",\n  "title": }', "line 2, column 12", "not valid JSON"),
    ("[1, 2]", "", "should be a JSON object"),
    ('{"id": "x", "nodes": {"a": {"them": []}, "a": {"them": []}}}', "nodes", "'a' is used twice"),
])
def test_unreadable_files(tmp_path, text, place, words):
    path = tmp_path / "my.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(S.ScenarioError) as info:
        S.load(path)
    assert info.value.file == "my.json" and info.value.place == place
    assert words in str(info.value) and str(info.value).startswith("my.json: ")


def test_missing_file_and_unknown_id(tmp_path):
    with pytest.raises(S.ScenarioError, match="no such file"):
        S.load(tmp_path / "gone.json")
    with pytest.raises(S.ScenarioError) as info:
        S.load("no_such_scenario")
    assert "no_such_scenario" in str(info.value) and "send_a_pic" in str(info.value)
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(S.ScenarioError, match="bin.json: is not a UTF-8 text file"):
        S.load(tmp_path / "bin.json")


def test_loop_with_a_way_out_is_allowed_and_every_reply_is_walked(tmp_path):
    data = base()
    # "why" can go back to "chat": a loop, but with ways out
    data["nodes"]["why"]["choices"].append(
        {"text": "Let's go back", "feedback": "ok", "quality": "neutral", "next": "chat"})
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    sc = S.load(path)
    routes = S.paths(sc)
    taken = set().union(*(walked(sc, r)[1] for r in routes))
    assert taken == all_choices(sc)
    assert all(S.play(sc, r).ended for r in routes)
    assert any(r[:2] == (1, 2) for r in routes)  # went round the loop once


# --------------------------------------------------------------------------- a trainer's folder


def _write(folder: Path, name: str, data: dict) -> Path:
    p = folder / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def test_load_all_with_a_trainers_folder(tmp_path):
    mine = base()
    mine.update(id="my_own", title="My own", order=5)
    _write(tmp_path, "mine.json", mine)
    (tmp_path / "scenario.schema.json").write_text(json.dumps(S.schema()), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    got = S.load_all(tmp_path)
    assert [s.id for s in got][0] == "my_own" and set(IDS) < {s.id for s in got}
    assert len(got) == len(SHIPPED) + 1
    assert S.load_all() == SHIPPED  # the shipped list is unchanged


def test_load_all_refuses_a_clash_or_a_broken_file(tmp_path):
    clash = base()  # same id as a shipped scenario
    _write(tmp_path, "copy.json", clash)
    with pytest.raises(S.ScenarioError) as info:
        S.load_all(tmp_path)
    assert str(info.value).startswith("copy.json: id: 'send_a_pic' is already the id of send_a_pic.json")
    (tmp_path / "copy.json").unlink()
    broken = base()
    broken["id"] = "broken"
    broken["nodes"]["why"]["choices"][0]["next"] = "nowhere"
    _write(tmp_path, "broken.json", broken)
    with pytest.raises(S.ScenarioError, match=r"^broken\.json: nodes\.why\.choices\[0\]\.next: no node"):
        S.load_all(tmp_path)
    with pytest.raises(S.ScenarioError, match="is not a folder"):
        S.load_all(tmp_path / "nope")


# --------------------------------------------------------------------------- random graphs


def _closure(n_nodes: int, edges: dict[int, list[int]]) -> list[set[int]]:
    """Which nodes each node can reach (itself included), by repeated squaring of sets."""
    reach = [{i} | set(edges.get(i, ())) for i in range(n_nodes)]
    changed = True
    while changed:
        changed = False
        for i in range(n_nodes):
            new = set().union(*(reach[j] for j in reach[i]))
            if new != reach[i]:
                reach[i], changed = new, True
    return reach


@st.composite
def graphs(draw):
    n = draw(st.integers(2, 7))
    endings = draw(st.sets(st.integers(1, n - 1), min_size=0, max_size=n - 1))
    edges = {i: draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3))
             for i in range(n) if i not in endings}
    return n, endings, edges


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_random_graphs_accepted_exactly_when_every_route_can_end(graph):
    n, endings, edges = graph
    data = {"id": "g", "title": "t", "summary": "s", "audience": "a", "their_name": "Them", "start": "n0",
            "nodes": {}}
    for i in range(n):
        node: dict = {"them": [f"m{i}"]}
        if i in endings:
            node["ending"] = {"title": f"end {i}", "debrief": "d"}
        else:
            node["choices"] = [{"text": f"c{j}", "feedback": "f", "quality": "neutral", "next": f"n{t}"}
                               for j, t in enumerate(edges[i])]
        data["nodes"][f"n{i}"] = node
    reach = _closure(n, edges)
    unreachable = {i for i in range(n) if i not in reach[0]}
    stuck = {i for i in reach[0] if not reach[i] & endings}
    if unreachable or stuck:
        with pytest.raises(S.ScenarioError) as info:
            S.validate(data, "g.json")
        bad = int(info.value.place.removeprefix("nodes.n"))
        assert bad in unreachable | stuck
        assert ("cannot be reached" in str(info.value)) == (bad in unreachable)
        assert len(S.problems(data, "g.json")) == len(unreachable | stuck)
    else:
        sc = S.validate(data, "g.json")
        routes = S.paths(sc)
        assert all(S.play(sc, r).ended for r in routes)
        assert set().union(*(walked(sc, r)[1] for r in routes)) == all_choices(sc)


# --------------------------------------------------------------------------- the documentation


def test_documented_example_is_valid_and_documented_messages_are_real(tmp_path):
    doc = (Path(__file__).resolve().parents[1] / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", doc, flags=re.S).group(1))
    sc = S.validate(example, "my_first.json")
    assert {S.play(sc, r).ending.title for r in S.paths(sc)} == {n.ending.title for n in sc.endings}
    # the error lines the document shows are the ones safetylab gives for those mistakes
    shown = re.search(r"```\n(my\.json: .*?)```", doc, flags=re.S).group(1).splitlines()

    def first_problem(change) -> str:
        data = copy.deepcopy(example)
        change(data)
        (tmp_path / "my.json").write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(S.ScenarioError) as info:
            S.load(tmp_path / "my.json")
        return str(info.value)

    ask = lambda d: d["nodes"]["ask"]  # noqa: E731
    made = [
        first_problem(lambda d: ask(d)["choices"][1].update(next="nowhere")),
        first_problem(lambda d: ask(d)["choices"][0].pop("feedback")),
        first_problem(lambda d: ask(d)["choices"][0].update(quality="good")),
        first_problem(lambda d: ask(d)["choices"][0].update(feedbak="x")),
        first_problem(lambda d: d["nodes"].update(orphan={"them": [], "ending": {"title": "t", "debrief": "d"}})),
        first_problem(lambda d: (ask(d)["choices"].append(
            {"text": "x", "feedback": "f", "quality": "neutral", "next": "loop_a"}), _add_loop_nodes(d))),
    ]
    assert shown[:len(made)] == made
    assert "not valid JSON" in shown[len(made)]


def _add_loop_nodes(d):
    d["nodes"]["loop_a"] = {"them": ["a"], "choices": [
        {"text": "x", "feedback": "f", "quality": "neutral", "next": "loop_b"}]}
    d["nodes"]["loop_b"] = {"them": ["b"], "choices": [
        {"text": "y", "feedback": "f", "quality": "neutral", "next": "loop_a"}]}
