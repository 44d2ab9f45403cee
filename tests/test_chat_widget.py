"""The chat-practice widgets, driven from plain Python as a test (no browser)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from safetylab import scenarios as S

pytest.importorskip("ipywidgets", reason="the lab extra (ipywidgets) is not installed")
from safetylab.widgets import chat  # noqa: E402

DATA = Path(S.__file__).parent / "data" / "scenarios"
SHIPPED = S.load_all()


def bubbles(log_html: str) -> list[str]:
    """The text of each list item in the log, tags removed and entities decoded."""
    items = re.findall(r"<li\b[^>]*>(.*?)</li>", log_html, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in items]


def ready(sc: S.Scenario) -> chat.ChatPractice:
    practice = chat.ChatPractice(sc)
    if not practice.begun:
        practice.begin_button.click()
    return practice


@pytest.mark.parametrize("sc", SHIPPED, ids=[s.id for s in SHIPPED])
def test_every_route_by_clicking(sc):
    """Click along every route: the widget shows what the engine says, ending in a debrief."""
    for route in S.paths(sc):
        practice = ready(sc)
        for i in route:
            assert len(practice.choice_buttons) == len(practice.state.choices)
            before = practice.state
            practice.choice_buttons[i].click()
            picked = before.choices[i]
            label = chat.QUALITY_LABELS[picked.quality][0]
            assert label in practice.feedback.value
            assert html.escape(picked.feedback) in practice.feedback.value
        expected = S.play(sc, route)
        assert practice.state == expected and practice.state.ended
        shown = bubbles(practice.log.value)
        assert len(shown) == len(expected.transcript)
        for text, (speaker, line) in zip(shown, expected.transcript):
            assert line in text
            assert text.startswith(f"{speaker}:" if speaker else "Your move:")  # who said or did it, as text
        assert practice.choice_buttons == [] and practice.prompt.value == ""
        assert html.escape(expected.ending.title) in practice.debrief.value
        assert html.escape(expected.ending.debrief) in practice.debrief.value
        assert html.escape(S.summary(expected).text) in practice.debrief.value


def test_chat_markup_is_accessible():
    practice = chat.ChatPractice("send_a_pic")
    log = practice.log.value
    assert re.search(r'<div role="log" aria-live="polite" aria-label="Chat with Sky_22"', log)
    assert all(t.startswith("Sky_22:") for t in bubbles(log))
    assert 'role="note"' in log  # the coaching notice
    assert practice.feedback.value == "" and practice.debrief.value == ""
    assert "Your reply:" in practice.prompt.value
    # replies are real buttons, labelled with what they say or do
    labels = [b.description for b in practice.choice_buttons]
    sc = practice.scenario
    assert labels == [f"Say: \u201c{c.text}\u201d" if c.kind == "message" else f"Do: {c.text}"
                      for c in sc.nodes[sc.start].choices]
    assert all("safetylab-reply" in b._dom_classes for b in practice.choice_buttons)
    # your reply on the right, theirs on the left, and the names as text
    practice.choose(1)
    items = re.findall(r"<li\b[^>]*>", practice.log.value)
    assert "flex-end" in items[3] and "flex-start" in items[0]
    assert bubbles(practice.log.value)[3].startswith("You:")


@pytest.mark.parametrize("quality", S.QUALITIES)
def test_feedback_has_a_text_label_not_only_colour(quality):
    choice = S.Choice(text="t", feedback="why", quality=quality, next="x")
    out = chat.feedback_html(choice)
    label, mark, colour = chat.QUALITY_LABELS[quality]
    assert f"{mark} {label}" in out and colour in out and 'role="status"' in out
    assert len({v[0] for v in chat.QUALITY_LABELS.values()}) == 3


def test_restart_goes_back_to_the_first_message():
    sc = S.load("your_turn")
    practice = chat.ChatPractice(sc)
    first_log = practice.log.value
    practice.choose(2)
    assert practice.state.ended and practice.debrief.value
    practice.restart_button.click()
    assert practice.state == S.start(sc)
    assert practice.log.value == first_log
    assert practice.feedback.value == "" and practice.debrief.value == ""
    assert len(practice.choice_buttons) == len(sc.nodes[sc.start].choices)


def test_bad_choice_changes_nothing():
    practice = chat.ChatPractice("send_a_pic")
    before, log = practice.state, practice.log.value
    with pytest.raises(S.ChoiceError):
        practice.choose(9)
    assert practice.state is before and practice.log.value == log


def test_content_note_comes_first_and_waits():
    practice = chat.ChatPractice("the_flip")
    sc = practice.scenario
    assert not practice.begun and practice.choice_buttons == []
    assert practice.restart_button.layout.display == "none" and practice.begin_button.layout.display is None
    assert "Content note:" in practice.intro.value and html.escape(sc.content_note) in practice.intro.value
    assert sc.nodes[sc.start].them[-1] not in html.unescape(practice.log.value)  # the threat is not shown yet
    practice.begin_button.click()
    assert practice.begun and len(practice.choice_buttons) == len(sc.nodes[sc.start].choices)
    assert practice.begin_button.layout.display == "none" and practice.restart_button.layout.display is None
    assert html.escape(sc.nodes[sc.start].them[-1]) in practice.log.value
    # and the safe route lists the five steps as practised in the debrief
    safe = next(r for r in S.paths(sc) if set(S.play(sc, r).qualities) == {"safe"})
    for i in safe:
        practice.choice_buttons[i].click()
    assert practice.debrief.value.count("practised:") == 5
    assert "not practised" not in practice.debrief.value


def test_scenario_text_is_escaped(tmp_path):
    data = json.loads((DATA / "send_a_pic.json").read_text(encoding="utf-8"))
    evil = "<script>alert(1)</script> & <b>bold</b>"
    data["title"] = data["summary"] = data["limits"] = evil
    data["content_note"] = evil
    data["their_name"] = "<i>Sky</i>"
    data["nodes"]["chat"]["them"] = [evil]
    data["nodes"]["chat"]["notice"] = evil
    data["nodes"]["chat"]["choices"][0]["text"] = evil
    data["nodes"]["chat"]["choices"][0]["feedback"] = evil
    data["nodes"]["later"]["ending"] = {"title": evil, "debrief": evil, "takeaways": [evil]}
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    practice = chat.ChatPractice(S.load(path))
    practice.begin()
    practice.choose(0)
    values = [practice.intro.value, practice.log.value, practice.feedback.value, practice.debrief.value,
              chat.overview_html([practice.scenario])]
    for value in values:
        assert "<script>" not in value and "<b>bold" not in value and "<i>Sky" not in value
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in practice.log.value
    for value in values[:4]:
        assert "&lt;script&gt;" in value
    assert "&lt;i&gt;Sky&lt;/i&gt;:" in practice.log.value


def test_picker_lists_every_scenario_with_content_notes():
    picker = chat.ScenarioPicker()
    assert [v for _, v in picker.dropdown.options] == [s.id for s in SHIPPED]
    labels = dict((v, k) for k, v in picker.dropdown.options)
    for sc in SHIPPED:
        assert ("content note" in labels[sc.id]) == (sc.content_note is not None)
        assert html.escape(sc.title) in picker.overview.value
        if sc.content_note:
            assert html.escape(sc.content_note) in picker.overview.value
    assert picker.practice.scenario == SHIPPED[0]
    shown = picker.select("fake_profile")
    assert shown is picker.practice and shown.scenario.id == "fake_profile"
    assert picker.area.children == (shown.widget,)
    shown.choice_buttons[0].click()
    assert shown.state.path == (0,)
    assert picker.status.value == ""


def test_picker_with_a_trainers_folder(tmp_path):
    data = json.loads((DATA / "send_a_pic.json").read_text(encoding="utf-8"))
    data.update(id="mine", title="My scenario", order=1)
    (tmp_path / "mine.json").write_text(json.dumps(data), encoding="utf-8")
    picker = chat.ScenarioPicker(tmp_path)
    assert picker.dropdown.value == "mine" and picker.practice.scenario.title == "My scenario"
    # a broken file: the shipped scenarios are still there, and the problem is one line
    data["nodes"]["chat"]["choices"][0]["next"] = "nowhere"
    (tmp_path / "mine.json").write_text(json.dumps(data), encoding="utf-8")
    picker = chat.ScenarioPicker(tmp_path)
    assert 'role="alert"' in picker.status.value
    assert "mine.json: nodes.chat.choices[0].next: no node called" in html.unescape(picker.status.value)
    assert [v for _, v in picker.dropdown.options] == [s.id for s in SHIPPED]
