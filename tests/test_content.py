"""Teaching content as data: schemas, the one loader, a trainer's own files, and one source for each text."""

from __future__ import annotations

import ast
import html
import functools
import json
import re
import subprocess
import sys
from datetime import date
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from safetylab import _datafile, content
from safetylab import help as hp
from safetylab._datafile import DataFileError
from safetylab.errors import SafetyLabError

DATA = Path(resources.files("safetylab").joinpath("data"))
SCHEMAS = sorted(DATA.glob("*.schema.json"))
#: The teaching-content files a trainer may adapt, read through safetylab.content.
TEACHING = ("steps", "filters", "questions", "patterns", "places", "phone_steps", "learning_check", "handouts")


def shipped(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def write(folder: Path, name: str, data) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


# --------------------------------------------------------------------------- #
# Schemas and shipped files
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_schema_is_a_valid_draft_2020_12_schema_with_plain_words(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert isinstance(schema.get("x-kind"), str)  # "every step needs this field"


@pytest.mark.parametrize("name", TEACHING + ("help_resources", "sharing_paths"))
def test_every_shipped_data_file_follows_its_schema(name):
    schema = json.loads((DATA / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(shipped(name))
    assert shipped(name)["_about"].strip()


#: Every shipped data file and the schema its loader names: NAME.json goes with NAME.schema.json,
#: and every scenario with scenario.schema.json.
SHIPPED_PAIRS = sorted(
    [(path.name, f"{path.stem}.schema.json") for path in DATA.glob("*.json")
     if not path.name.endswith(".schema.json")]
    + [(f"scenarios/{path.name}", "scenario.schema.json") for path in (DATA / "scenarios").glob("*.json")])


def test_every_load_of_a_shipped_file_names_the_schema_beside_it():
    # the convention SHIPPED_PAIRS relies on, in every loader's source
    calls = []
    for path in (ROOT / "safetylab").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "attr", getattr(node.func, "id", "")) == "load_shipped":
                calls.append((path.name, ast.unparse(node.args[0]), ast.unparse(node.args[1])))
    assert len(calls) >= 8, calls
    for _, name, schema in calls:
        if name == "name" and schema == "schema_":  # merge_lists passes its caller's pair on
            continue
        assert (name.replace(".json", ".schema.json") == schema
                or (name, schema) in (("f'{_FOLDER}/{item.name}'", "_SCHEMA_FILE"), ("_DATA", "_SCHEMA"),
                                      ("_DATA_FILE", "_SCHEMA_FILE"))), (name, schema)


@pytest.mark.parametrize("name, schema", SHIPPED_PAIRS)
def test_every_shipped_file_meets_its_schema(name, schema):
    # load_shipped trusts shipped files (no jsonschema at start-up): this is their check
    assert (DATA / schema).is_file(), f"{name} has no schema"
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert _datafile.problems(data, schema, file=name) == []


def test_a_shipped_file_is_read_without_jsonschema():
    code = ("import sys\nfrom safetylab import content, plain\ncontent.steps(); plain.country('FR')\n"
            "assert 'jsonschema' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_every_scenario_and_clue_file_is_read_by_the_one_loader():
    from safetylab import clues, scenarios

    assert issubclass(scenarios.ScenarioError, DataFileError)
    assert issubclass(clues.ClueFileError, DataFileError)
    assert issubclass(hp.HelpDataError, DataFileError)
    from safetylab.evidence import NotesError
    from safetylab.sharing import SharingDataError

    assert issubclass(NotesError, DataFileError) and issubclass(SharingDataError, DataFileError)


def test_the_content_loads_and_fits_together():
    steps = content.steps()
    assert [s.number for s in steps] == [1, 2, 3, 4, 5]
    assert [s.id for s in steps if s.may_come_first] == ["tell"]
    filter_ids = [f.id for f in content.filters()]
    assert filter_ids == ["trust", "identity", "permanence"]
    assert {q.filter for q in content.questions()} == set(filter_ids)
    assert all(o.todo for q in content.questions() for o in q.options if o.verdict != "clear")
    assert set(content.verdicts()) == set(content.VERDICTS)
    assert content.patterns() and content.no_starters()
    assert content.places() and content.delete_actions() and content.view_once_notes()


def test_phone_steps_come_first_for_every_lesson_and_say_what_they_do_not_protect():
    caveat = content.phone_caveat()
    assert "typical" in caveat.lower() and "change" in caveat.lower() and "version" in caveat.lower()
    for lesson in ("01", "02", "03", "04", "05", "06"):
        steps = content.phone_steps(lesson)
        assert steps, f"lesson {lesson} has no phone steps"
        for s in steps:
            assert s.ios and s.android and s.does_not
    by_id = {s.id: s for s in content.phone_steps()}
    ios = " ".join(by_id["share_without_location"].ios)
    assert "Share" in ios and "Options" in ios and "Location off" in ios
    assert "clean copy" in by_id["share_without_location"].second_option  # the second option
    assert "safetylab scrub" in by_id["share_without_location"].command  # and, for trainers, the command
    for s in content.phone_steps():  # a learner's words: the commands are for trainers only
        assert "safetylab " not in (s.second_option or ""), s.id
    assert "Location Services" in " ".join(by_id["camera_location_off"].ios)
    assert "Never" in " ".join(by_id["camera_location_off"].ios)
    assert "Location tags" in " ".join(by_id["camera_location_off"].android)
    assert {"no_auto_save", "hide_previews"} <= {s.id for s in content.phone_steps("04")}
    assert "image itself" in by_id["save_evidence_phone"].under_18
    for s in by_id.values():
        for src in s.sources:
            assert src.url.startswith("https://") and date.fromisoformat(src.last_checked) and src.checked


# --------------------------------------------------------------------------- #
# The one loader
# --------------------------------------------------------------------------- #

SCHEMA = {"type": "object", "x-kind": "note", "required": ["text"], "additionalProperties": False,
          "properties": {"text": {"type": "string", "pattern": "\\S"},
                         "tags": {"type": "array", "items": {"type": "string"}}}}


@pytest.mark.parametrize("text, field, words", [
    ('{"text": "a", "text": "b"}', "", "the name 'text' is used twice"),
    ('{"text": "a", "tags": [{"x": 1, "x": 2}]}', "tags[0]", "the name 'x' is used twice"),
    ('{"text": ', "line 1, column 10", "not valid JSON"),
    ('{"txt": "a"}', "text", "is missing (every note needs this field)"),
    ('{"text": "a", "txet": "b"}', "txet", "did you mean 'text'?"),
    ('{"text": "  "}', "text", "is empty; write some text here"),
    ('{"text": "a", "tags": ["x", 3]}', "tags[1]", "should be text (in double quotes), not the number 3"),
    ('[1]', "", "should be an object {...}, not a list"),
])
def test_one_plain_line_naming_the_file_and_the_field(tmp_path, text, field, words):
    p = tmp_path / "mine.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        _datafile.load(p, SCHEMA)
    e = err.value
    assert isinstance(e, SafetyLabError) and "\n" not in str(e)
    assert e.file == "mine.json" and e.field == field and words in e.problem, str(e)
    assert str(e) == ": ".join(x for x in ("mine.json", field, e.problem) if x)


def test_unreadable_files_are_one_line_too(tmp_path):
    with pytest.raises(DataFileError, match="^gone.json: no such file$"):
        _datafile.load(tmp_path / "gone.json", SCHEMA)
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(DataFileError, match="^folder.json: is a folder"):
        _datafile.load(tmp_path / "folder.json", SCHEMA)
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DataFileError, match="^bin.json: is not a UTF-8 text file$"):
        _datafile.load(tmp_path / "bin.json", SCHEMA)
    (tmp_path / "big.json").write_text('{"text": "' + "a" * 2000 + '"}')
    with pytest.raises(DataFileError, match="^big.json: is larger than 1 MB"):
        _datafile.load(tmp_path / "big.json", SCHEMA, max_bytes=1000)
    (tmp_path / "bom.json").write_bytes(b'\xef\xbb\xbf{"text": "ok"}')  # a byte-order mark is fine
    assert _datafile.load(tmp_path / "bom.json", SCHEMA) == {"text": "ok"}


# --------------------------------------------------------------------------- #
# A trainer's own files
# --------------------------------------------------------------------------- #

def test_a_trainers_file_replaces_a_shipped_row_in_place_and_adds_new_ones(tmp_path):
    mine = {"steps": [{"id": "tell", "title": "Tell Ms Rivera, room 12", "why": "She helps every day.",
                       "may_come_first": True},
                      {"id": "breathe", "title": "Take a breath", "why": "Then start with step 1."}]}
    p = write(tmp_path, "steps.json", mine)
    steps = content.steps(extra=p)
    assert [s.id for s in steps] == ["stop", "send_nothing", "save_evidence", "block_report", "tell", "breathe"]
    assert steps[4].title == "Tell Ms Rivera, room 12" and steps[4].number == 5
    assert content.steps()[4].title != steps[4].title  # the shipped data is untouched
    # a folder gives the file of the same name; other kinds of content are not touched
    assert content.steps(extra=tmp_path) == steps and content.filters(extra=tmp_path) == content.filters()


def test_a_course_pack_folder_is_read_by_every_lesson_without_being_named(tmp_path, monkeypatch):
    pack = tmp_path / "my-course"
    write(pack, "patterns.json", {"no_starters": ["Nope."]})
    write(pack, "questions.json", {"todos": {"ask_lead": "Talk to Ms Rivera first."}, "questions": [
        {"id": "lead", "filter": "trust", "text": "Have you told our safeguarding lead?",
         "options": [{"value": "yes", "label": "Yes"},
                     {"value": "no", "label": "No", "verdict": "think_again", "reason": "She can help.",
                      "todo": "ask_lead"}]}]})
    monkeypatch.setenv(_datafile.PACK_ENV, str(pack))
    assert content.no_starters() == ("Nope.",)
    lead = content.question("lead")
    assert lead.option("no").todo == "Talk to Ms Rivera first."
    from safetylab import policy

    card = policy.card_from_report(policy.Report(file="x.jpg", faces=[], texts=[]),
                                   dict(policy.reassuring_answers(), lead="no"))
    assert card.result("trust").verdict == "think_again" and "She can help." in card.result("trust").reasons
    monkeypatch.delenv(_datafile.PACK_ENV)
    assert "Nope." not in content.no_starters()


@pytest.mark.parametrize("name, data, field, words", [
    ("steps", {"steps": [{"id": "tell", "title": "x"}]}, "steps[0].why", "is missing (every step needs"),
    ("steps", {"steps": [{"id": "Tell", "title": "x", "why": "y"}]}, "steps[0].id", "not a usable id"),
    ("steps", {"steps": [{"id": "a", "title": "x", "why": "y"}, {"id": "a", "title": "x", "why": "y"}]},
     "steps[1].id", "repeats 'a'"),
    ("questions", {"questions": [{"id": "q", "filter": "trsut", "text": "t?", "options": [
        {"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}]}, "questions[0].filter",
     "no filter called 'trsut'"),
    ("questions", {"questions": [{"id": "q", "filter": "trust", "text": "t?", "options": [
        {"value": "a", "label": "A", "verdict": "dont_send", "reason": "r"},
        {"value": "b", "label": "B", "verdict": "think_again"}]}]}, "questions[0].options[1].reason",
     "is missing"),
    ("questions", {"questions": [{"id": "q", "filter": "trust", "text": "t?", "options": [
        {"value": "a", "label": "A", "verdict": "dont_send", "reason": "r", "todo": "nothing_like_it"},
        {"value": "b", "label": "B"}]}]}, "questions[0].options[0].todo", "no todo called"),
    ("places", {"places": [{"id": "x", "label": "X", "side": "them", "note": "n", "removed_by": ["shred"]}]},
     "places[0].removed_by[0]", "no delete button called 'shred'"),
    ("phone_steps", {"steps": [{"id": "x", "lessons": ["3"], "title": "t", "ios": ["a"], "android": ["b"],
                                "does_not": "d"}]}, "steps[0].lessons[0]", "not a lesson number"),
])
def test_a_broken_trainers_file_is_one_line_naming_the_file_and_the_field(tmp_path, name, data, field, words):
    p = write(tmp_path, f"{name}.json", data)
    read = {"steps": content.steps, "questions": content.questions, "places": content.places,
            "phone_steps": lambda extra: content.phone_steps(extra=extra)}[name]
    with pytest.raises(content.ContentError) as err:
        read(extra=p)
    msg = str(err.value)
    assert msg.startswith(f"{name}.json: {field}: ") and words in msg and "\n" not in msg, msg


# --------------------------------------------------------------------------- #
# One source for each piece of teaching content
# --------------------------------------------------------------------------- #

#: Fields whose values are sentences a learner reads (not ids, urls, dates or values).
_PROSE = {"title", "why", "under_18", "ask", "limit", "summary", "text", "reason", "name", "sounds_like",
          "what_is_going_on", "you_can_say", "note", "caveat", "does_not", "second_option", "card_limits",
          "label", "feedback", "topic", "before_intro", "after_intro", "ticket_intro",
          "filters_title", "filters_intro", "filters_saying_no", "filters_limits", "steps_title", "steps_limits",
          "help_title", "letter_title", "letter_greeting", "letter_intro", "letter_covered", "letter_steps",
          "letter_first", "letter_respond", "letter_closing", "letter_contact"}
_SHORTEST = 25  # shorter strings ("I'm not sure", "Clear") may rightly appear anywhere


def _norm(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _prose(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "todos" and isinstance(v, dict):
                yield from (t for t in v.values() if isinstance(t, str))
            elif k == "sources" or k.startswith("_") or k == "$schema":
                continue
            else:
                yield from _prose(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _prose(v, key if key in ("ios", "android", "no_starters") else key)
    elif isinstance(node, str) and (key in _PROSE or key in ("ios", "android", "no_starters")):
        yield node


def _strings(node):
    """Every string in parsed JSON, keys aside."""
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


def _needles(name: str) -> set[str]:
    data = shipped(name)
    found = {_norm(t).rstrip(".") for t in _prose(data) if len(t) >= _SHORTEST}
    if name == "steps":  # every step's text, however short (a short title may be named in prose: "save the evidence")
        found |= {_norm(s[k]).rstrip(".") for s in data["steps"] for k in ("why", "under_18") if k in s}
    return found


def _python_strings(path: Path) -> list[str]:
    """Every string literal of a module (implicitly joined pieces joined), so a split copy is found too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


@functools.cache
def _haystacks() -> dict[str, str]:
    """Everything the course shows or ships, by file: the package, the lessons, the guide, the docs."""
    out: dict[str, str] = {}
    for p in sorted((ROOT / "safetylab").rglob("*.py")):
        out[str(p.relative_to(ROOT))] = _norm(" \u0000 ".join(_python_strings(p)))
    for p in sorted((ROOT / "safetylab" / "data").rglob("*.json")):
        out[str(p.relative_to(ROOT))] = _norm(" \u0000 ".join(_strings(json.loads(p.read_text("utf-8")))))
    for p in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(p.read_text(encoding="utf-8"))["cells"]
        out[str(p.relative_to(ROOT))] = _norm(" \u0000 ".join("".join(c["source"]) for c in cells))
    for p in [*sorted((ROOT / "notebooks").rglob("*.md")), *sorted((ROOT / "docs").glob("*.md")),
              ROOT / "README.md"]:
        if p.is_file():
            out[str(p.relative_to(ROOT))] = _norm(p.read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("name", TEACHING)
def test_no_copy_of_the_teaching_content_exists_outside_its_data_file(name):
    own = f"safetylab/data/{name}.json"
    copies = []
    for needle in sorted(_needles(name)):
        for where, text in _haystacks().items():
            if where != own and needle in text:
                copies.append(f"{where}: “{needle[:70]}”")
    assert not copies, "copies of teaching content outside its data file:\n" + "\n".join(copies)


def test_the_copy_check_finds_a_copy(tmp_path):
    """The check above would catch a step pasted into a lesson, split across two string literals."""
    step = content.steps()[2]
    module = tmp_path / "lesson_text.py"
    module.write_text(f'TEXT = ("{step.why[:40]}"\n        "{step.why[40:]}")\n', encoding="utf-8")
    joined = _norm(" ".join(_python_strings(module)))
    assert _norm(step.why).rstrip(".") in joined


def test_every_lesson_shows_its_phone_steps_phone_first():
    from safetylab.widgets.phone_steps import phone_steps_html

    for lesson in range(1, 7):
        out = phone_steps_html(lesson)
        assert html.escape(content.phone_caveat()) in out
        for step in content.phone_steps(lesson):
            assert html.escape(step.title) in out and html.escape(step.does_not) in out
            assert all(html.escape(line) in out for line in step.ios + step.android)
            if step.second_option:  # the computer comes second
                where, _, rest = step.second_option.partition(": ")  # "On a computer" is its heading
                rest = rest.replace(f"lesson {lesson}", "this lesson")  # as read in that lesson
                second = f"<strong>{html.escape(where)}:</strong> {html.escape(rest)}"
                assert "Another way" not in out and out.index(html.escape(step.ios[0])) < out.index(second)


def test_phone_step_commands_show_in_trainer_mode_only():
    from safetylab.widgets.phone_steps import phone_steps_html

    commands = [s.command for s in content.phone_steps(3) if s.command]
    assert commands
    learner, trainer = phone_steps_html(3, trainer=False), phone_steps_html(3, trainer=True)
    assert all(html.escape(c) in trainer for c in commands)
    assert not any(html.escape(c) in learner for c in commands) and "safetylab" not in learner
