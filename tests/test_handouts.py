"""Printable handouts: made from the course's data (change the data, the handout changes), every
region renders, print styles and nothing loaded from elsewhere, written without replacing a file.
(Printing them to PDF in Chromium, one page on A4 and Letter: tests/browser/test_handouts_print.py.)"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from safetylab import content, handouts
from safetylab import help as hp
from safetylab.evidence import NOT_YOUR_FAULT
from safetylab.help import HelpError

REGIONS = hp.regions()


def e(text: str) -> str:
    return html.escape(text)


def pages(region: str = "United Kingdom", extra=None) -> dict[str, str]:
    return {"filters": handouts.filters_html(extra), "steps": handouts.steps_html(region, extra),
            "letter": handouts.letter_html(region, extra=extra)}


# --------------------------------------------------------------------------- #
# What is on them comes from the data
# --------------------------------------------------------------------------- #

def test_the_filters_handout_shows_every_filter_question_and_way_of_saying_no():
    page = handouts.filters_html()
    for f in content.filters():
        assert e(f.title) in page and e(f.ask) in page and e(f.why) in page
    for q in content.questions():
        assert e(q.text) in page
    for line in content.no_starters():
        assert e(line) in page
    assert e(handouts.words()["filters_limits"]) in page  # what the filters do not do


@pytest.mark.parametrize("region", REGIONS)
def test_every_region_renders_with_its_crisis_lines_and_services(region):
    steps, letter = handouts.steps_html(region), handouts.letter_html(region)
    for s in content.steps():
        assert e(s.title) in steps and e(s.why) in steps and e(s.title) in letter
        if s.under_18:
            assert e(s.under_18) in steps
    assert e(NOT_YOUR_FAULT) in steps
    for page in (steps, letter):
        assert e(hp.crisis_line()) in page and e(hp.caveat()) in page
        assert e(handouts.words()["help_title"].replace("{region}", region)) in page
        for reg, lines in hp.crisis_lines(region).items():
            for r in lines:
                assert e(r.name) in page and e(r.reach) in page, (reg, r.name)
    shown = {region, hp.INTERNATIONAL}
    for r in hp.resources():
        if r.region in shown and not r.is_crisis_line:
            assert e(r.name) in steps and e(r.does) in steps
            if set(r.kinds) & {"support", "report", "removal"}:
                assert e(r.name) in letter
        elif r.region not in shown:
            assert f">{e(r.name)}<" not in steps, f"{r.name} ({r.region}) is not for {region}"


def test_the_letter_says_what_was_covered_and_how_to_respond():
    w = handouts.words()
    letter = handouts.letter_html("Canada")
    for r in w["covered"] + w["respond"]:
        assert e(r.get("text") or r["why"]) in letter
    for r in w["respond"]:
        assert e(r["title"]) in letter
    first = [s for s in content.steps() if s.may_come_first]
    assert first and e(w["letter_first"]) in letter
    assert 'class="line"' in letter  # no contact in the data: a line to write it on
    only = handouts.letter_html("Canada", lessons=[1, "06"])
    assert e(w["covered"][0]["text"]) in only and e(w["covered"][5]["text"]) in only
    assert e(w["covered"][2]["text"]) not in only
    with pytest.raises(handouts.HandoutError, match="no words for lesson 09"):
        handouts.letter_html("Canada", lessons=[9])
    with pytest.raises(handouts.HandoutError, match="not a lesson number"):
        handouts.letter_html("Canada", lessons=["three"])


def test_the_letter_responds_calmly_and_keeps_the_image_out():
    text = " ".join(f"{r['title']} {r['why']}" for r in handouts.words()["respond"]).lower()
    for must in ("listen", "don't blame", "don't delete the chat", "never forward, copy or save the image",
                 "report", "crisis line", "under 18"):
        assert must in text, must


def test_change_the_data_and_the_handouts_change(tmp_path, monkeypatch):
    """A course pack's steps, filters, help list and handout words all reach the pages."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "steps.json").write_text(json.dumps({"steps": [
        {"id": "tell", "title": "Tell Ms Rivera in room 12, or any member of staff",
         "why": "They help with this every day.", "may_come_first": True}]}), encoding="utf-8")
    (pack / "filters.json").write_text(json.dumps({"filters": [
        {"id": "trust", "title": "Trust", "ask": "Does a trusted adult at <our school> know them?",
         "why": "Our own words.", "limit": "Only your answers."}]}), encoding="utf-8")
    (pack / "help_resources.json").write_text(json.dumps({"resources": [
        {"region": "United Kingdom", "name": "Our school's safeguarding lead", "does": "Helps pupils in confidence.",
         "who": "Our pupils", "url": None, "phone": "Extension 212", "kinds": ["support"],
         "source": "https://example.org/our-school", "last_checked": "2026-01-05",
         "checked": "Our own entry."}]}), encoding="utf-8")
    (pack / "handouts.json").write_text(json.dumps({
        "contact": "Ms Rivera, designated safeguarding lead, extension 212",
        "letter_intro": "Our Year 9 class took the course this week."}), encoding="utf-8")
    before = pages()
    after = pages(extra=pack)
    assert "Tell Ms Rivera in room 12" in after["steps"] and "Tell Ms Rivera in room 12" in after["letter"]
    assert "Tell Ms Rivera" not in before["steps"]
    assert "Does a trusted adult at &lt;our school&gt; know them?" in after["filters"]  # escaped
    assert "Our school&#x27;s safeguarding lead" in after["steps"] and "Extension 212" in after["letter"]
    assert "Our Year 9 class took the course this week." in after["letter"]
    assert "Ms Rivera, designated safeguarding lead" in after["letter"] and 'class="line"' not in after["letter"]
    # the same pack, named by SAFETYLAB_PACK as the lessons read it
    monkeypatch.setenv("SAFETYLAB_PACK", str(pack))
    assert "Tell Ms Rivera in room 12" in handouts.steps_html("UK")


# --------------------------------------------------------------------------- #
# Pages that print, and load nothing
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("region", ["United States", "International"])
def test_print_styles_and_nothing_loaded_from_anywhere(region):
    for name, page in pages(region).items():
        assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page, name
        assert "@page" in page and "@media print" in page and "break-inside: avoid" in page, name
        assert re.search(r"<title>[^<]+</title>", page) and page.count("<h1>") == 1, name
        for banned in ("<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "<a "):
            assert banned not in page.lower(), f"{name}: {banned}"


def test_regions_are_found_by_name_initials_or_start():
    assert handouts.steps_html("uk") == handouts.steps_html("United Kingdom")
    assert "Where to get help: Australia" in handouts.steps_html("aus")
    with pytest.raises(HelpError, match="the regions are"):
        handouts.steps_html("United")  # two regions start so


# --------------------------------------------------------------------------- #
# Writing them
# --------------------------------------------------------------------------- #

def test_make_handouts_writes_one_of_each_per_region_and_never_replaces_a_file(tmp_path):
    out = tmp_path / "handouts"
    out.mkdir()
    mine = out / "filters.html"
    mine.write_text("my own page", encoding="utf-8")
    made = handouts.make_handouts(out)
    assert len(made) == 1 + 2 * len(REGIONS)
    assert mine.read_text(encoding="utf-8") == "my own page"
    assert made[0].path.name == "filters-2.html"
    assert {m.path.name for m in made if m.handout == "steps"} == \
        {f"steps-{re.sub(r'[^a-z0-9]+', '-', r.lower())}.html" for r in REGIONS}
    for m in made:
        assert m.path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = handouts.make_handouts(out, "Europe")
    assert [m.path.name for m in again] == ["filters-3.html", "steps-europe-2.html",
                                            "letter-for-parents-europe-2.html"]


def test_a_bad_region_or_lesson_writes_nothing(tmp_path):
    with pytest.raises(HelpError):
        handouts.make_handouts(tmp_path / "a", "Atlantis")
    with pytest.raises(handouts.HandoutError):
        handouts.make_handouts(tmp_path / "b", "Canada", lessons=[7])
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_the_command_makes_them_and_says_where(safetylab_cmd, tmp_path):
    run = lambda *a: subprocess.run(safetylab_cmd + ["handouts", *a], capture_output=True, text=True,  # noqa: E731
                                    timeout=120, cwd=tmp_path)
    done = run("-o", "out", "--region", "Canada", "--lessons", "1,3,5,6")
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["filters.html", "letter-for-parents-canada.html", "steps-canada.html"]
    assert "no file was replaced" in done.stdout and "one A4 or Letter page" in done.stdout
    for name in written:
        assert str(Path("out") / name) in done.stdout
    letter = (tmp_path / "out" / "letter-for-parents-canada.html").read_text(encoding="utf-8")
    assert e(handouts.words()["covered"][1]["text"]) not in letter  # lesson 2 was not taken
    for args, words in ((("--region", "Atlantis"), "no help list for 'Atlantis'"),
                        (("--lessons", "1,42"), "no words for lesson 42"),
                        (("--pack", "nowhere"), "is not a folder")):
        bad = run("-o", "bad", *args)
        assert bad.returncode == 2 and words in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
        assert "Traceback" not in bad.stderr and not (tmp_path / "bad").exists()
    broken = tmp_path / "pack"
    broken.mkdir()
    (broken / "handouts.json").write_text('{"contact": 5}', encoding="utf-8")
    bad = run("-o", "bad", "--pack", str(broken))
    assert bad.returncode == 1 and bad.stderr.startswith("safetylab: handouts.json: contact: ")
