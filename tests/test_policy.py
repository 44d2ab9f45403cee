"""safetylab.policy: automatic checks, the report card's verdicts, and the personal policy page."""

from __future__ import annotations

import os
from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_balanced, require
from safetylab import content, policy, report, samples
from safetylab.errors import OutputError, SafetyLabError
from safetylab.policy import CLEAR, DONT_SEND, THINK_AGAIN
from safetylab.report import Report, Risk

SAMPLE_KEYS = sorted(k for k in samples.SAMPLES
                     if k.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".heic", ".tif", ".tiff")))
ORDER = (CLEAR, THINK_AGAIN, DONT_SEND)
FILTER_IDS = [f.id for f in content.filters()]


def clean_report(**kw) -> Report:
    """A report of a photo with nothing found: no metadata, no faces, no writing."""
    return Report(file=kw.pop("file", "photo.jpg"), faces=kw.pop("faces", []),
                  texts=kw.pop("texts", []), **kw)


def verdicts(card) -> dict[str, str]:
    return {r.filter: r.verdict for r in card.results}


# --------------------------------------------------------------------------- #
# The data: filters, questions, starters, steps
# --------------------------------------------------------------------------- #

def test_questions_are_consistent():
    ids = [q.id for q in content.questions()]
    assert len(ids) == len(set(ids))
    for flt in FILTER_IDS:
        assert any(q.filter == flt for q in content.questions()), f"no question for {flt}"
    for q in content.questions():
        assert q.filter in FILTER_IDS
        values = [o.value for o in q.options]
        assert len(values) == len(set(values)) and len(values) >= 2
        assert any(o.verdict == CLEAR for o in q.options), f"{q.id} has no reassuring answer"
        for o in q.options:
            assert o.verdict in ORDER
            if o.verdict != CLEAR:  # every worrying answer says why and what to do
                assert o.reason and o.todo, (q.id, o.value)


def test_the_questions_the_lesson_names_are_there():
    texts = {f: " ".join(q.text for q in content.questions() if q.filter == f) for f in FILTER_IDS}
    assert "How long have you known them?" in texts["trust"]
    assert "someone you trust" in texts["trust"] and "pushing or rushing" in texts["trust"]
    assert "video call" in texts["trust"]  # asked about, and never taken as proof (below)
    assert "send a photo first" in texts["trust"]
    assert "family, school or employer" in texts["permanence"]
    assert "kept it for years" in texts["permanence"]


def test_reassuring_answers_answer_everything_reassuringly():
    answers = policy.reassuring_answers()
    assert set(answers) == {q.id for q in content.questions()}
    for q in content.questions():
        given_ = answers[q.id]
        chosen = given_ if q.multiple else [given_]
        assert chosen and all(q.option(v).verdict == CLEAR for v in chosen)


def test_no_answer_treats_a_video_call_a_proof_photo_or_meeting_as_trust():
    """For an audience with under-18s: trust is never shown by video, "proof" or meeting up."""
    trust = [q for q in content.questions() if q.filter == "trust"]
    for q in trust:
        for o in q.options:
            words = (q.text + " " + o.label).lower()
            if o.verdict == CLEAR and ("video" in words or "proof" in words):
                assert "isn't proof" in o.label or o.value == "no", (q.id, o.value)
            assert "met in person" not in o.label.lower() and "meet" not in o.label.lower(), (q.id, o.value)
    # the learner who trusts someone because of a video call gets "think again", with why
    card = policy.card_from_report(clean_report(), dict(policy.reassuring_answers(), proof="trusted_more"))
    trust_result = card.result("trust")
    assert trust_result.verdict == THINK_AGAIN
    assert any("faked" in r and "recorded" in r for r in trust_result.reasons)
    # nobody knowing about them, or being asked to keep them secret, is a reason to wait
    secret = policy.card_from_report(clean_report(), dict(policy.reassuring_answers(), someone_knows="secret"))
    assert secret.result("trust").verdict == DONT_SEND
    assert any("trusted adult" in t for t in secret.result("trust").todos)
    # the filter itself says so, in the data every page reads
    trust_filter = content.filters()[0]
    assert trust_filter.id == "trust"
    for words in ("trusted adult", "nothing you send can be taken back", "faked", "recorded", "“proof”",
                  "meeting up is not a way to check"):
        assert words in trust_filter.why, words


def test_starters_steps_patterns_and_placeholders():
    assert "I don't send photos." in content.no_starters()
    assert len(content.steps()) == 5
    assert {p.id for p in content.patterns()} >= {"warm_ask", "your_turn", "pushing", "proof"}
    assert set(policy.PLACEHOLDERS) == {name for name, _ in policy.POLICY_FIELDS}
    assert all(policy.PLACEHOLDERS[name].strip() for name in policy.PLACEHOLDERS)


# --------------------------------------------------------------------------- #
# Automatic checks
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("key", SAMPLE_KEYS)
def test_automatic_checks_on_every_sample(key):
    """Flags follow the sample's ground truth; faces and writing are flagged or honestly 'not checked'."""
    path = samples.sample_path(key)
    require(path.is_file(), f"the sample {key} has not been generated yet (run 'safetylab samples')")
    facts = samples.SAMPLES[key].expected
    before = path.read_bytes()
    found = policy.automatic_checks(path)
    assert path.read_bytes() == before  # the file is not changed
    ids = {f.id for f in found}
    assert all(f.filter in FILTER_IDS and f.level in ("high", "medium", "low") and f.todo for f in found)
    assert ("gps" in ids) == (facts["lat"] is not None)
    assert ("owner" in ids) == (facts["owner"] is not None)
    assert ("serial" in ids) == bool(facts["serial"] or facts["lens_serial"])
    assert bool(ids & {"thumbnail", "thumbnail_differs"}) == bool(facts["thumbnail_present"])
    rep = report.check(path)
    lines = " ".join(policy.not_checked_for(rep))
    done = " ".join(policy.checked_for(rep))
    if rep.faces is None:
        assert "Faces: not checked for this photo" in lines and "faces" not in ids
    else:
        assert ("faces" in ids) == bool(rep.faces) and "Faces: checked" in done
        assert "Faces" not in lines
    if rep.texts is None:
        assert "Writing in the picture" in lines and "background_text" not in ids
    else:
        assert ("background_text" in ids) == bool(rep.texts)


def test_clean_sample_has_no_automatic_flags():
    clean = samples.sample_path("clean.jpg")
    assert policy.automatic_checks(clean) == []
    card = policy.report_card(clean, policy.reassuring_answers())
    assert card.findings == ()
    assert not any(r.reasons or r.todos for r in card.results)


def test_gps_sample_is_flagged_on_the_identity_filter():
    card = policy.report_card(samples.sample_path("landmark_gps.jpg"), policy.reassuring_answers())
    gps = [f for f in card.findings if f.id == "gps"]
    assert gps and gps[0].filter == "identity" and gps[0].level == "high"
    identity = card.result("identity")
    assert identity.verdict == DONT_SEND and gps[0].message in identity.reasons
    assert any("clean copy" in t for t in identity.todos)
    # one "share it without its location / make a clean copy", however many metadata findings there are
    assert sum("clean copy" in t for t in identity.todos) == 1
    todo = next(t for t in identity.todos if "clean copy" in t)
    assert todo.index("phone") < todo.index("clean copy")  # the phone comes first
    assert "safetylab" not in todo  # a learner's words: no command


def test_the_card_says_writing_and_faces_once_and_each_todo_once():
    """The report's own "writing in the picture" risk and the card's finding are one reason, not two;
    the card's "crop it out" and the question's are one todo, not two."""
    answers = dict(policy.reassuring_answers(), background=["window"])
    card = policy.report_card(samples.sample_path("landmark_gps.jpg"), answers)
    identity = card.result("identity")
    writing = [r for r in identity.reasons if "Champ deMars" in r]
    assert len(writing) == 1, identity.reasons
    crops = [t for t in identity.todos if t.lower().startswith("crop it out")]
    assert len(crops) == 1, identity.todos
    assert not any(f.cleanable for f in card.findings if f.id in ("faces", "background_text"))
    assert verdicts(card)["trust"] == CLEAR and verdicts(card)["permanence"] == CLEAR
    assert card.verdict == DONT_SEND


def test_faces_and_writing_flagged_when_checked():
    rep = clean_report(faces=[{"box": [1, 2, 3, 4], "score": 0.9}, {"box": [9, 9, 3, 3], "score": 0.8}],
                       texts=[{"text": "ELM STREET", "box": [0, 0, 5, 5]}, {"text": "ELM STREET"},
                              {"box": [1, 1, 1, 1]}])
    found = {f.id: f for f in policy.findings_for(rep)}
    assert set(found) == {"faces", "background_text"}
    assert "2 faces" in found["faces"].message
    assert found["background_text"].message.count("ELM STREET") == 1  # duplicates once
    assert found["background_text"].level == "high" and not found["faces"].cleanable
    assert policy.not_checked_for(rep) == []
    assert policy.checked_for(rep)[1:] == ["Faces: checked; 2 faces found.",
                                           "Writing in the picture: checked; 3 pieces of writing found."]
    card = policy.card_from_report(rep, policy.reassuring_answers())
    assert verdicts(card)["identity"] == DONT_SEND
    assert card.result("identity").not_checked == ()
    assert card.result("identity").checked == tuple(policy.checked_for(rep))
    one = policy.findings_for(clean_report(faces=[{"box": [1, 2, 3, 4]}]))
    assert [f.id for f in one] == ["faces"] and "a face" in one[0].message
    card = policy.card_from_report(clean_report(faces=[{"box": [1, 2, 3, 4]}]), policy.reassuring_answers())
    assert verdicts(card)["identity"] == THINK_AGAIN


def test_unchecked_faces_and_writing_are_said_not_flagged():
    rep = Report(file="p.jpg")  # faces and texts None: not checked
    assert policy.findings_for(rep) == []
    card = policy.card_from_report(rep, policy.reassuring_answers())
    assert card.verdict == CLEAR  # the learner's own answers cover what was not checked...
    assert len(card.result("identity").not_checked) == 2  # ...and the card says so
    assert len(card.result("identity").checked) == 1  # only the file's hidden details were read
    assert card.result("trust").not_checked == () and card.result("trust").limits


def test_findings_are_sorted_most_serious_first():
    rep = clean_report(risks=[Risk("camera", "low", "c"), Risk("gps", "high", "g"),
                              Risk("serial", "medium", "s")],
                       faces=[{"box": [0, 0, 1, 1]}])
    levels = [f.level for f in policy.findings_for(rep)]
    assert levels == sorted(levels, key=("high", "medium", "low").index)


def test_unreadable_file_raises_one_plain_line(tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_bytes(b"hello, not a photo")
    with pytest.raises(SafetyLabError) as err:
        policy.report_card(bad, {})
    assert "\n" not in str(err.value)
    assert bad.read_bytes() == b"hello, not a photo"


def test_error_report_makes_identity_think_again():
    rep = Report(file="x.jpg", error="x.jpg is damaged.")
    card = policy.card_from_report(rep, policy.reassuring_answers())
    identity = card.result("identity")
    assert identity.verdict == THINK_AGAIN and any("could not be read" in r for r in identity.reasons)
    assert card.error == "x.jpg is damaged." and "x.jpg is damaged." in identity.not_checked[0]


# --------------------------------------------------------------------------- #
# Verdicts from answers
# --------------------------------------------------------------------------- #

def test_all_reassuring_answers_on_a_clean_photo_is_clear():
    card = policy.card_from_report(clean_report(), policy.reassuring_answers())
    assert card.verdict == CLEAR and set(verdicts(card).values()) == {CLEAR}
    assert card.label == "Clear" and "once it is sent" in card.summary


def test_pushing_makes_trust_say_dont_send():
    answers = dict(policy.reassuring_answers(), pushing="yes")
    card = policy.card_from_report(clean_report(), answers)
    assert verdicts(card) == {"trust": DONT_SEND, "identity": CLEAR, "permanence": CLEAR}
    assert card.verdict == DONT_SEND
    assert any("pushing" in r for r in card.result("trust").reasons)
    assert any("complete sentence" in t or "leave" in t for t in card.result("trust").todos)


def test_your_turn_trade_explains_there_is_no_debt():
    card = policy.card_from_report(clean_report(), dict(policy.reassuring_answers(), their_photo="your_turn"))
    assert verdicts(card)["trust"] == DONT_SEND
    assert any("debt" in r for r in card.result("trust").reasons)


@pytest.mark.parametrize("qid, value", [(q.id, o.value) for q in content.questions() for o in q.options])
def test_each_answer_moves_only_its_own_filter(qid, value):
    q = policy.question(qid)
    opt = q.option(value)
    answers = dict(policy.reassuring_answers(), **{qid: [value] if q.multiple else value})
    card = policy.card_from_report(clean_report(), answers)
    for flt, verdict in verdicts(card).items():
        assert verdict == (opt.verdict if flt == q.filter else CLEAR), (flt, verdict)
    reasons = card.result(q.filter).reasons
    assert (opt.reason in reasons) == (opt.verdict != CLEAR)


def test_unanswered_questions_mean_think_again_and_are_listed():
    answers = policy.reassuring_answers()
    del answers["years"]
    answers["proof"] = None
    card = policy.card_from_report(clean_report(), answers)
    assert verdicts(card) == {"trust": THINK_AGAIN, "identity": CLEAR, "permanence": THINK_AGAIN}
    assert card.result("permanence").unanswered == (policy.question("years").text,)
    assert card.result("trust").unanswered == (policy.question("proof").text,)
    assert any(r.startswith("Not answered yet") for r in card.result("trust").reasons)
    nothing = policy.card_from_report(clean_report(), None)
    assert set(verdicts(nothing).values()) == {THINK_AGAIN}


def test_ticking_several_boxes_takes_the_most_cautious():
    base = policy.reassuring_answers()
    for ticks, expected in [(["none", "sign"], DONT_SEND), (["mirror", "window"], THINK_AGAIN),
                            ("none", CLEAR), ([], THINK_AGAIN), (("uniform",), DONT_SEND)]:
        card = policy.card_from_report(clean_report(), dict(base, background=ticks))
        assert verdicts(card)["identity"] == expected, ticks


@pytest.mark.parametrize("answers, words", [
    ({"no_such_question": "yes"}, "no_such_question"),
    ({"pushing": "sometimes"}, "pushing"),
    ({"pushing": ["yes", "no"]}, "one answer"),
    ({"pushing": 3}, "should be text"),
    ({"background": ["none", "a dragon"]}, "a dragon"),
])
def test_bad_answers_are_refused_plainly(answers, words):
    with pytest.raises(policy.AnswerError) as err:
        policy.card_from_report(clean_report(), answers)
    assert isinstance(err.value, SafetyLabError) and isinstance(err.value, ValueError)
    assert words in str(err.value) and "\n" not in str(err.value)


_ANSWER = {q.id: st.one_of(st.none(), st.lists(st.sampled_from([o.value for o in q.options]), max_size=3))
           if q.multiple else st.one_of(st.none(), st.sampled_from([o.value for o in q.options]))
           for q in content.questions()}


@settings(max_examples=150, deadline=None)
@given(answers=st.fixed_dictionaries(_ANSWER),
       levels=st.lists(st.sampled_from(["high", "medium", "low"]), max_size=3))
def test_verdicts_are_the_most_cautious_of_their_reasons(answers, levels):
    rep = clean_report(risks=[Risk(f"r{i}", lv, f"risk {i}") for i, lv in enumerate(levels)])
    card = policy.card_from_report(rep, answers)
    for r in card.results:
        qs = [q for q in content.questions() if q.filter == r.filter]
        seen = []
        for q in qs:
            a = answers[q.id]
            vals = [] if a is None else ([a] if isinstance(a, str) else a)
            seen += [q.option(v).verdict for v in vals] or [THINK_AGAIN]
        if r.filter == "identity":
            seen += [DONT_SEND if lv == "high" else THINK_AGAIN for lv in levels]
        assert r.verdict == max(seen, key=ORDER.index)
    assert card.verdict == max((r.verdict for r in card.results), key=ORDER.index)
    if "high" in levels:
        assert card.verdict == DONT_SEND
    d = card.to_dict()
    assert d["verdict"] == card.verdict and [x["filter"] for x in d["results"]] == FILTER_IDS


# --------------------------------------------------------------------------- #
# The personal policy page
# --------------------------------------------------------------------------- #

def _policy_with(text_for) -> policy.PersonalPolicy:
    return policy.PersonalPolicy(title=text_for("title"),
                                 **{name: text_for(name) for name, _ in policy.POLICY_FIELDS})


def test_policy_html_has_every_section_and_escapes_text():
    pol = _policy_with(lambda name: f"<script>alert('{name}')</script> & {name}\nsecond line of {name}")
    page = policy.policy_html(pol)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and "@media print" in page
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; share_with" in page
    for name, heading in policy.POLICY_FIELDS:
        assert f"<h2>{escape(heading)}</h2>" in page
        assert f"<li>second line of {name}</li>" in page  # one rule per line becomes a list
    for f in content.filters():
        assert escape(f.title) in page
    for step in content.steps():
        assert escape(step.title) in page and escape(step.why) in page
        if step.under_18:
            assert escape(step.under_18) in page
    assert "hurting yourself" in page  # the crisis lines travel with the printed policy
    assert "not your fault" in page
    assert_balanced(page)


def test_empty_policy_prints_lines_to_fill_in():
    page = policy.policy_html(policy.PersonalPolicy())
    assert page.count("Not written yet") == len(policy.POLICY_FIELDS)
    assert 'class="blank"' in page and "<title>My photo policy</title>" in page
    fragment = policy.policy_html(policy.PersonalPolicy(title="  "), page=False)
    assert "<style" not in fragment and "<html" not in fragment and 'class="blank"' not in fragment
    assert fragment.startswith("<article") and "My photo policy" in fragment
    assert_balanced(fragment)
    assert policy.PersonalPolicy().is_empty() and not policy.PersonalPolicy(saying_no="No.").is_empty()


def test_save_policy_never_overwrites(tmp_path):
    folder = tmp_path / "my_policy"  # does not exist yet: a name without a suffix is a folder
    first = policy.save_policy(policy.PersonalPolicy(saying_no="First version."), folder)
    assert first == folder / "my_photo_policy.html"
    second = policy.save_policy(policy.PersonalPolicy(saying_no="Second version."), folder)
    third = policy.save_policy(policy.PersonalPolicy(saying_no="Third version."), folder)
    assert [second.name, third.name] == ["my_photo_policy-2.html", "my_photo_policy-3.html"]
    assert "First version." in first.read_text(encoding="utf-8")
    assert "Second version." in second.read_text(encoding="utf-8")
    assert "Third version." in third.read_text(encoding="utf-8")


def test_save_policy_to_a_file_name_keeps_someone_elses_file(tmp_path):
    mine = tmp_path / "notes.html"
    mine.write_text("my own notes", encoding="utf-8")
    out = policy.save_policy(policy.PersonalPolicy(share_with="Only friends."), mine)
    assert out == tmp_path / "notes-2.html" and mine.read_text(encoding="utf-8") == "my own notes"
    assert "Only friends." in out.read_text(encoding="utf-8")
    existing_dir = tmp_path / "folder.v2"
    existing_dir.mkdir()
    assert policy.save_policy(policy.PersonalPolicy(), existing_dir).parent == existing_dir


def test_save_policy_where_it_cannot_write_is_one_line(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as err:
        policy.save_policy(policy.PersonalPolicy(), blocker / "sub" / "p.html")
    assert "\n" not in str(err.value) and "sub" in str(err.value)
    assert blocker.read_text() == "x"


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root and Windows ignore folder permissions")
def test_save_policy_into_a_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError):
            policy.save_policy(policy.PersonalPolicy(), ro)
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)
