"""The check of learning: questions as data, feedback on every answer, the lessons that show it,
a trainer's own questions, and class counts that never name a learner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from safetylab import learning_check as lc
from safetylab.content import AnswerError, ContentError
from safetylab.widgets import learning_check as lcw

DATA = ROOT / "safetylab" / "data" / "learning_check.json"
NOTEBOOKS = ROOT / "notebooks"


def shipped() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def write(folder: Path, data, name: str = "learning_check.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def a_question(qid: str, right: str = "b") -> dict:
    return {"id": qid, "text": f"Which one, {qid}?", "options": [
        {"id": "a", "text": "This one.", "right": right == "a", "feedback": "Think about it <carefully>."},
        {"id": "b", "text": "That one.", "right": right == "b", "feedback": "Yes, that one."}]}


# --------------------------------------------------------------------------- #
# The shipped questions
# --------------------------------------------------------------------------- #

def test_six_to_eight_ideas_asked_before_and_after_and_two_questions_per_lesson():
    ideas = lc.ideas()
    assert 6 <= len(ideas) <= 8
    assert {i.lesson for i in ideas} == {f"{n:02d}" for n in range(1, 7)}  # every lesson's idea is asked
    for idea in ideas:
        assert idea.before.id != idea.after.id and idea.before.text != idea.after.text  # a new situation
    assert [t.lesson for t in lc.tickets()] == [f"{n:02d}" for n in range(1, 7)]
    assert all(len(t.questions) == 2 for t in lc.tickets())


def test_every_answer_has_feedback_and_every_question_the_course_answer():
    questions = [q for i in lc.ideas() for q in (i.before, i.after)] + \
        [q for t in lc.tickets() for q in t.questions]
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        assert len(q.right_answers) == 1, q.id
        for a in q.answers:
            fb = lc.feedback(q, a.id)
            assert fb.right == a.right and fb.text == a.feedback and len(fb.text) > 30
            # a learner who chose otherwise is told the course's answer, never left guessing
            assert fb.course_answers == (() if a.right else (q.right_answers[0].text,))


def test_feedback_is_calm_and_never_blames():
    harsh = re.compile(r"\b(wrong|stupid|silly|fail\w*|bad answer|should have known|your fault|obviously)\b", re.I)
    texts = [a.feedback for q in [q for i in lc.ideas() for q in (i.before, i.after)]
             + [q for t in lc.tickets() for q in t.questions] for a in q.answers]
    found = [t for t in texts if harsh.search(t.replace("not your fault", "").replace("never her fault", ""))]
    assert not found, found


def test_video_calls_and_meetings_are_never_the_course_answer_for_trust():
    for q in (lc.question("trust_before"), lc.question("trust_after")):
        for a in q.answers:
            if re.search(r"video|meet", a.text, re.I) and not re.search(r"neither|not proof", a.text, re.I):
                assert not a.right, a.text


def test_intros_say_nothing_is_sent_or_saved():
    for stage in ("before", "after", "ticket"):
        assert "nothing is sent or saved" in lc.intro(stage).lower()
    with pytest.raises(ValueError):
        lc.intro("during")


def test_unknown_lesson_or_answer_is_one_plain_error():
    with pytest.raises(AnswerError, match="Lesson 09 has no exit ticket"):
        lc.ticket(9)
    with pytest.raises(AnswerError, match="not one of the answers"):
        lc.feedback(lc.question("face_before"), "maybe")
    with pytest.raises(AnswerError, match="no question called"):
        lc.question("nope")


# --------------------------------------------------------------------------- #
# A trainer's own questions
# --------------------------------------------------------------------------- #

def test_a_trainers_file_replaces_an_idea_and_a_ticket_and_adds_new_ones(tmp_path):
    mine = write(tmp_path / "pack", {
        "before_intro": "Our own words before. Nothing is sent or saved.",
        "ideas": [{"id": "face", "lesson": "01", "topic": "Our face idea", "before": a_question("our_face_b"),
                   "after": a_question("our_face_a")},
                  {"id": "school", "lesson": "05", "topic": "Our school's rule", "before": a_question("school_b"),
                   "after": a_question("school_a", right="a")}],
        "tickets": [{"lesson": "03", "questions": [a_question("our_t03")]},
                    {"lesson": "07", "questions": [a_question("our_t07_1"), a_question("our_t07_2")]}]})
    ideas = lc.ideas(mine.parent)
    assert [i.id for i in ideas][0] == "face" and ideas[0].topic == "Our face idea"  # replaced in place
    assert ideas[-1].id == "school" and len(ideas) == len(lc.ideas()) + 1
    assert [q.id for q in lc.ticket(3, mine).questions] == ["our_t03"]
    assert len(lc.ticket(7, mine).questions) == 2
    assert lc.intro("before", mine).startswith("Our own words") and lc.intro("after", mine) == lc.intro("after")
    html = lcw.check_html("before", mine)
    assert "Our face idea" not in html  # topics are for the comparison at the end
    assert "Think about it &lt;carefully&gt;." in html and "<carefully>" not in html  # escaped
    assert "Our school" in lcw.check_html("after", mine)


def test_a_course_pack_is_read_without_being_named(tmp_path, monkeypatch):
    pack = tmp_path / "pack"
    write(pack, {"tickets": [{"lesson": "02", "questions": [a_question("pack_t02")]}]})
    monkeypatch.setenv("SAFETYLAB_PACK", str(pack))
    assert [q.id for q in lc.ticket(2).questions] == ["pack_t02"]
    assert 'data-question="pack_t02"' in lcw.ticket_html(2)


@pytest.mark.parametrize("data, field, words", [
    ({"ideas": [{"id": "x", "lesson": "1", "topic": "t", "before": a_question("xb"), "after": a_question("xa")}]},
     "ideas[0].lesson", "is not a lesson number"),
    ({"tickets": [{"lesson": "03", "questions": [a_question("q1", right="none")]}]},
     "tickets[0].questions[0].options", "needs one answer marked"),
    ({"tickets": [{"lesson": "03", "questions": [a_question("q1"), a_question("q1")]}]},
     "tickets[0].questions[1].id", "repeats the question id 'q1'"),
    ({"tickets": [{"lesson": "03", "questions": [a_question("q1")] * 4}]},
     "tickets[0].questions", "an exit ticket is short, at most 3"),
    ({"tickets": [{"lesson": "03", "questions": [{**a_question("q1"), "options": [
        {"id": "a", "text": "A", "right": True, "feedback": "f"}, {"id": "a", "text": "B", "feedback": "g"}]}]}]},
     "tickets[0].questions[0].options[1].id", "repeats the answer id 'a'"),
    ({"tickets": [{"lesson": "03", "questions": [{"id": "q1", "text": "Q?", "options": [
        {"id": "a", "text": "A", "right": True}, {"id": "b", "text": "B", "feedback": "g"}]}]}]},
     "tickets[0].questions[0].options[0].feedback", "is missing (every answer needs this field)"),
    ({"tickets": [{"lesson": "03", "questions": [a_question("face_before")]}]},
     "tickets[0].questions[0].id", "already used in learning_check.json"),
])
def test_a_broken_trainers_file_is_one_line_naming_the_file_and_the_field(tmp_path, data, field, words):
    mine = write(tmp_path, data, "ours.json")
    with pytest.raises(ContentError) as err:
        lc.ideas(mine)
    assert str(err.value).startswith(f"ours.json: {field}: ") and words in str(err.value)
    assert "\n" not in str(err.value)


# --------------------------------------------------------------------------- #
# On the page: the same HTML every time, nothing of a learner in it
# --------------------------------------------------------------------------- #

def test_the_page_holds_every_question_answer_and_feedback_and_is_the_same_each_time():
    html = lcw.check_html("before")
    assert html == lcw.check_html("before")  # nothing of a learner (or of a moment) is in it
    for n, idea in enumerate(lc.ideas(), start=1):
        q = idea.before
        assert f'data-question="{q.id}" data-idea="{idea.id}"' in html
        assert f"Question {n} of {len(lc.ideas())}" in html
        for a in q.answers:
            # each answer is a radio button inside its own label; its feedback waits in a template
            assert re.search(rf'<label><input type="radio" name="sl-before-{q.id}" value="{a.id}" '
                             rf'data-right="{int(a.right)}"><span>', html)
            assert f'<template data-answer="{a.id}">' in html
    assert html.count("<fieldset") == html.count("<legend>") == len(lc.ideas())
    assert html.count('role="status"') == len(lc.ideas()) + 1


def test_only_the_end_of_course_check_compares():
    after = lcw.check_html("after")
    assert _WORDS_compare() in after and _WORDS_compare() not in lcw.check_html("before")
    for idea in lc.ideas():
        assert f'<li data-idea="{idea.id}">' in after
    assert lcw.ticket_html(1).count("<fieldset") == 2 and 'class="sl-forget"' not in lcw.ticket_html(1)
    with pytest.raises(ValueError):
        lcw.check_html("ticket")


def _WORDS_compare() -> str:
    return lcw._WORDS["compare"]


def test_the_script_keeps_answers_in_the_tab_and_sends_nothing():
    """The page's script may use this tab's sessionStorage and nothing that reaches outside it."""
    script = lcw.SCRIPT_FILE.read_text(encoding="utf-8")
    assert lcw._script() in lcw.check_html("before")  # the one file, in the output for JupyterLab
    for banned in ("fetch", "XMLHttpRequest", "WebSocket", "sendBeacon", "localStorage", "document.cookie",
                   "indexedDB", "postMessage", "Jupyter", "comm", "http", "src=", "href", "import("):
        assert banned not in script, banned
    assert script.count("sessionStorage") == 3  # read, write, forget
    for html in (lcw.check_html("before"), lcw.check_html("after"), lcw.ticket_html(4)):
        assert not re.search(r"(src|href)\s*=|url\(|@import", html)


def test_learner_mode_leaves_the_outputs_copy_of_the_script_out_and_runs_the_file_itself():
    """Under learner mode's policy only the page's own scripts run: the template runs the file."""
    from safetylab import app

    html = lcw.ticket_html(3)
    out = {"output_type": "display_data", "data": {"text/html": html, "text/plain": "<IPython HTML>"}}
    shown = lcw.learner_output(out)
    assert "<script" not in shown["data"]["text/html"] and "<script" in out["data"]["text/html"]
    assert shown["data"]["text/html"] == html.replace(lcw._script(), "")
    assert shown["data"]["text/plain"] == "<IPython HTML>"
    other = {"output_type": "display_data", "data": {"text/html": "<script>x()</script><p>hi</p>"}}
    assert lcw.learner_output(other) is other  # only the check's own script is left out
    assert lcw.learner_output({"output_type": "stream", "text": "x"}) == {"output_type": "stream", "text": "x"}
    template = (app.TEMPLATE_DIR / "index.html.j2").read_text(encoding="utf-8")
    assert lcw.SCRIPT_FILE.parent == app.TEMPLATE_DIR and "{% include 'learning_check.js' %}" in template
    assert "output | trusted | learner_output | tojson" in template
    assert any(a.endswith("learner_output=safetylab.widgets.learning_check.learner_output")
               for a in app.voila_argv(app.TEMPLATE_DIR))
    script = lcw.SCRIPT_FILE.read_text(encoding="utf-8")
    assert not re.search(r"\{[{%#]|</script", script), "the template includes the file as it is"


def test_a_course_pack_may_carry_its_own_check_and_handout_words(tmp_path):
    """``safetylab pack check`` reads a pack's learning_check.json and handouts.json as the lessons do."""
    from safetylab import handouts, pack

    folder = tmp_path / "my-course"
    pack.new(folder)
    idea = json.loads(json.dumps(lc._shipped()["ideas"][0]))
    idea["topic"] = "Our club's own words"
    (folder / "learning_check.json").write_text(json.dumps({"ideas": [idea]}), encoding="utf-8")
    (folder / "handouts.json").write_text(json.dumps({"contact": "Ms Lee, our safeguarding lead"}), encoding="utf-8")
    found = pack.check(folder)
    assert found.ok, found.problems
    assert lc.ideas(folder)[0].topic == "Our club's own words"
    assert handouts.words(folder)["contact"] == "Ms Lee, our safeguarding lead"
    del idea["after"]["options"][1:]  # one answer is no choice
    (folder / "learning_check.json").write_text(json.dumps({"ideas": [idea]}), encoding="utf-8")
    found = pack.check(folder)
    assert not found.ok and len(found.problems) == 1
    assert found.problems[0].startswith("learning_check.json: ideas[0].after.options"), found.problems


# --------------------------------------------------------------------------- #
# The lessons
# --------------------------------------------------------------------------- #

def _cells(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_lesson_0_asks_before_lesson_1_and_lesson_6_ends_with_the_same_ideas():
    lesson0 = _cells(next(NOTEBOOKS.glob("00_*.ipynb")))
    calls = [("".join(c["source"])) for c in lesson0 if "show_check" in "".join(c["source"])]
    assert len(calls) == 1 and 'show_check("before")' in calls[0]
    lesson6 = _cells(next(NOTEBOOKS.glob("06_*.ipynb")))
    code = [("".join(c["source"])) for c in lesson6 if c["cell_type"] == "code"]
    assert 'show_check("after")' in code[-1], "the end-of-course check is lesson 6's last"
    assert "show_ticket(6)" in code[-2]


@pytest.mark.parametrize("n", range(1, 7))
def test_every_lesson_ends_with_its_exit_ticket(n):
    cells = _cells(next(NOTEBOOKS.glob(f"0{n}_*.ipynb")))
    heads = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
             and "".join(c["source"]).startswith("## Before you go: two questions")]
    assert len(heads) == 1
    after = cells[heads[0] + 1]
    assert after["cell_type"] == "code" and f"show_ticket({n})" in "".join(after["source"])
    later = [c for c in cells[heads[0] + 1:] if c["cell_type"] == "markdown"
             and re.match(r"## (?!What you know now)", "".join(c["source"]))]
    assert not later, "the exit ticket is the end of the lesson"


# --------------------------------------------------------------------------- #
# Class mode: counts only
# --------------------------------------------------------------------------- #

def test_add_answers_counts_without_changing_its_input_or_keeping_who():
    one = lc.add_answers({}, {"face_before": "name", "t01_hide_face": "solid"})
    two = lc.add_answers(one, {"face_before": "nothing"})
    assert one == {"face_before": {"name": 1}, "t01_hide_face": {"solid": 1}}  # unchanged
    assert two["face_before"] == {"name": 1, "nothing": 1}
    assert json.loads(json.dumps(two)) == two  # numbers by question and answer, nothing else
    with pytest.raises(AnswerError):
        lc.add_answers({}, {"face_before": "maybe"})
    with pytest.raises(AnswerError):
        lc.add_answers({}, {"no_such_question": "a"})


def test_class_summary_holds_back_small_groups_and_compares_start_and_end():
    counts: dict = {}
    for chose_before, chose_after in [("name", "team_photo")] * 3 + [("nothing", "team_photo")] * 2 + \
            [("phone", "nothing")]:
        counts = lc.add_answers(counts, {"face_before": chose_before, "face_after": chose_after})
    counts = lc.add_answers(counts, {"t03_thumbnail": "yes"})
    summary = lc.class_summary(counts)
    face = summary.ideas[0]
    assert face.before.answered == 6 and face.before.shown and face.before.course_answer_share == pytest.approx(0.5)
    assert face.after.course_answer_share == pytest.approx(5 / 6)
    assert dict(face.before.chose) == {a.text: n for a, n in zip(lc.question("face_before").answers, (2, 3, 1))}
    t03 = dict(summary.tickets)["03"][0]
    assert t03.answered == 1 and not t03.shown and t03.chose == () and t03.course_answer_share is None
    assert not lc.class_summary(counts, min_group=7).ideas[0].before.shown
    keys: set = set()

    def walk(node):
        if isinstance(node, dict):
            keys.update(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(summary.to_dict())  # what a trainer may see: questions, counts and shares, no one's answers
    assert keys == {"min_group", "ideas", "tickets", "id", "topic", "before", "after", "text", "answered",
                    "shown", "chose", "course_answer_share", "lesson", "questions"}
    with pytest.raises(AnswerError):
        lc.class_summary({"face_before": {"name": -1}})
    with pytest.raises(AnswerError):
        lc.class_summary({"nope": {"a": 1}})
    with pytest.raises(ValueError):
        lc.class_summary({}, min_group=0)
