"""The help list: shipped data, trainers' extra files, and the HTML view."""

from __future__ import annotations

import html
import json
from datetime import date
from html.parser import HTMLParser
from importlib import resources as pkg_resources

import jsonschema
import pytest

from conftest import write_json
from safetylab import help as hp

SHIPPED = json.loads(pkg_resources.files("safetylab").joinpath("data", "help_resources.json")
                     .read_text(encoding="utf-8"))


def entry(**kw):
    base = {"region": "Our school", "name": "Ms Rivera, safeguarding lead", "does": "Listens and helps.",
            "who": "Students of the school.", "phone": "Room 12, or extension 204",
            "source": "The school's safeguarding policy, 2026", "last_checked": "2026-09-01",
            "checked": "Asked Ms Rivera in person."}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not ...}


# --------------------------------------------------------------------------- #
# The shipped list
# --------------------------------------------------------------------------- #

def test_schema_is_a_valid_schema_and_the_shipped_file_follows_it():
    jsonschema.Draft202012Validator.check_schema(hp.schema())
    jsonschema.Draft202012Validator(
        hp.schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(SHIPPED)


def test_required_regions_are_there_international_first():
    regions = hp.regions()
    assert regions[0] == hp.INTERNATIONAL
    assert set(regions) >= {"International", "United States", "United Kingdom", "Australia", "Canada",
                            "Europe"}


def test_every_entry_can_be_reached_and_was_checked():
    rows = hp.resources()
    assert len(rows) == len(SHIPPED["resources"])
    for r in rows:
        assert r.url or r.phone
        assert r.url is None or r.url.startswith("https://")
        assert date.fromisoformat(r.last_checked) <= date.today()
        assert r.does.endswith(".") and r.who


def test_every_entry_has_a_source_page_and_says_how_and_when_it_was_checked():
    for r in hp.resources():
        assert r.source.startswith("https://"), r.name
        assert date.fromisoformat(r.last_checked) >= date(2026, 11, 1), r.name
        assert len(r.checked) > 40 and "stored copy" in r.checked, r.name  # says how, honestly
    # entries whose details are not confirmed on the service's own page say so
    unconfirmed = [r.name for r in hp.resources() if "not confirmed" in r.checked]
    assert "CCRI Image Abuse Helpline (Cyber Civil Rights Initiative)" in unconfirmed


def test_inhope_is_a_reporting_network_not_support_and_the_issue_s_services_are_listed():
    inhope = {r.name: r for r in hp.resources("International")}["INHOPE"]
    assert inhope.kinds == ("report",) and "not a support service" in inhope.does
    assert "network of hotlines" in inhope.does
    names = {r.name for r in hp.resources()}
    assert {"Insafe helplines (Better Internet for Kids)", "ACCCE (Australian Centre to Counter Child Exploitation)",
            "FBI (tips.fbi.gov)", "CCRI Image Abuse Helpline (Cyber Civil Rights Initiative)",
            "Crisis Text Line"} <= names
    canada = {r.name: r for r in hp.resources("Canada")}
    assert canada["Cybertip.ca"].phone == "1-866-658-9022"
    rph = {r.name: r for r in hp.resources("United Kingdom")}["Revenge Porn Helpline"]
    assert rph.hours and "Monday to Friday" in rph.hours and "10:00" in rph.hours
    assert "Open: 10:00 to 16:00" in hp.help_html("United Kingdom")


def test_every_region_has_a_crisis_line_and_the_crisis_block_shows_them_all():
    lines = hp.crisis_lines()
    assert list(lines) == hp.regions()  # every region, in list order
    block = hp.crisis_html()
    assert hp.crisis_line() in block.replace("&#x27;", "'")
    assert "hurting yourself" in hp.crisis_line()
    for region, rows in lines.items():
        assert all(r.is_crisis_line and (r.phone or r.url) for r in rows)
        assert region in block and all(html.escape(r.reach) in block for r in rows)
    us = {r.name for r in lines["United States"]}
    assert {"988 Suicide & Crisis Lifeline", "Crisis Text Line"} <= us


def test_crisis_block_for_one_region_adds_the_international_lines(tmp_path):
    assert list(hp.crisis_lines("united kingdom")) == ["United Kingdom", "International"]
    # a trainer's region without a crisis line of its own still shows the international ones
    p = write_json(tmp_path, {"resources": [entry()]}, "ours.json")
    assert list(hp.crisis_lines("Our school", extra=p)) == ["International"]
    assert "Find A Helpline" in hp.crisis_html("Our school", extra=p)


@pytest.mark.parametrize("region, name, words", [
    ("International", "StopNCII.org", ["Adults", "18"]),
    ("International", "Take It Down (NCMEC)", ["under 18"]),
    ("United States", "NCMEC CyberTipline", ["under 18"]),
    ("United States", "988 Suicide & Crisis Lifeline", ["Anyone"]),
    ("United Kingdom", "Revenge Porn Helpline", ["Adults"]),
    ("United Kingdom", "Samaritans", ["Anyone"]),
    ("United Kingdom", "CEOP (National Crime Agency)", ["under 18"]),
    ("United Kingdom", "Childline", ["under 19"]),
    ("Australia", "eSafety Commissioner", ["Anyone"]),
    ("Canada", "Cybertip.ca", ["under 18"]),
    ("Canada", "NeedHelpNow.ca", ["under 18"]),
    ("International", "INHOPE", ["under 18"]),
    ("Australia", "ACCCE (Australian Centre to Counter Child Exploitation)", ["under 18"]),
])
def test_the_well_known_services_and_who_they_are_for(region, name, words):
    found = {r.name: r for r in hp.resources(region)}
    assert name in found
    assert all(w in found[name].who for w in words)


def test_hash_services_say_the_image_stays_on_your_device_and_take_edited_images():
    hashing = [r for r in hp.resources("International") if "hash" in r.does]
    assert {r.name for r in hashing} == {"StopNCII.org", "Take It Down (NCMEC)"}
    for r in hashing:
        assert "without uploading" in r.does and "removal" in r.kinds
        assert "AI" in r.does or "manipulated" in r.does  # lesson 6: made-up images count too


def test_childline_and_988_numbers():
    uk = {r.name: r for r in hp.resources("United Kingdom")}
    assert uk["Childline"].phone == "0800 1111"
    assert any(r.name == "Report Remove (Childline and the Internet Watch Foundation)" for r in uk.values())
    us = {r.name: r for r in hp.resources("United States")}
    assert "988" in us["988 Suicide & Crisis Lifeline"].phone


def test_caveat_says_to_check():
    assert "check before relying on it" in hp.caveat().lower()
    assert "services and numbers change" in hp.caveat()


def test_region_is_matched_ignoring_case_and_unknown_regions_are_one_line():
    assert hp.resources("united kingdom") == hp.resources("United Kingdom")
    with pytest.raises(hp.HelpError) as err:
        hp.resources("Atlantis")
    msg = str(err.value)
    assert "\n" not in msg and "Atlantis" in msg and "United Kingdom" in msg


def test_resources_is_a_new_list_each_time():
    rows = hp.resources()
    rows.clear()
    assert hp.resources()


# --------------------------------------------------------------------------- #
# A trainer's own entries
# --------------------------------------------------------------------------- #

def test_extra_entries_are_added_and_can_replace_shipped_ones(tmp_path):
    fixed = entry(region="United Kingdom", name="Childline", phone="0800 1111 (free)")
    p = write_json(tmp_path, {"resources": [entry(), fixed]}, "ours.json")
    rows = hp.resources(extra=p)
    assert len(rows) == len(hp.resources()) + 1
    assert hp.regions(extra=p)[-1] == "Our school"
    uk = {r.name: r for r in hp.resources("United Kingdom", extra=p)}
    assert uk["Childline"].phone == "0800 1111 (free)" and uk["Childline"].file == "ours.json"
    ours = hp.resources("Our school", extra=p)
    assert [r.name for r in ours] == ["Ms Rivera, safeguarding lead"] and ours[0].url is None
    # the shipped list itself is untouched
    assert {r.name: r for r in hp.resources("United Kingdom")}["Childline"].phone == "0800 1111"


def test_several_extra_files_merge_in_order(tmp_path):
    a = write_json(tmp_path, {"resources": [entry(phone="1")]}, "a.json")
    b = write_json(tmp_path, {"resources": [entry(phone="2")]}, "b.json")
    assert hp.resources("Our school", extra=[a, b])[0].phone == "2"


@pytest.mark.parametrize("data, field", [
    ({"resources": [entry(who=...)]}, "resources[0].who"),
    ({"resources": [entry(source=...)]}, "resources[0].source"),
    ({"resources": [entry(checked=...)]}, "resources[0].checked"),
    ({"resources": [entry(kinds=["hotline"])]}, "resources[0].kinds[0]"),
    ({"resources": [entry(phone=5)]}, "resources[0].phone"),
    ({"resources": [entry(phone=...)]}, "resources[0]"),
    ({"resources": [entry(phone=None)]}, "resources[0].phone"),
    ({"resources": [entry(url="www.example.org")]}, "resources[0].url"),
    ({"resources": [entry(last_checked="2026-02-30")]}, "resources[0].last_checked"),
    ({"resources": [entry(last_checked="1 Sept 2026")]}, "resources[0].last_checked"),
    ({"resources": [entry(), entry(name=" ")]}, "resources[1].name"),
    ({"resources": [entry(), {**entry(), "phon": "1"}]}, "resources[1].phon"),
    ({"resources": [entry(), entry()]}, "resources[1].name"),
    ({"resources": []}, "resources"),
    ({"resource": [entry()]}, "resources"),
    ({"resources": [entry()], "caveat": ""}, "caveat"),
    ({"resources": [entry(), "Childline"]}, "resources[1]"),
    ([entry()], ""),
])
def test_a_broken_extra_file_names_the_file_and_field(tmp_path, data, field):
    p = write_json(tmp_path, data, "trainer_list.json")
    with pytest.raises(hp.HelpDataError) as err:
        hp.resources(extra=p)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("trainer_list.json: ")
    assert err.value.file == "trainer_list.json" and err.value.field == field
    if field:
        assert msg.startswith(f"trainer_list.json: {field}: ")


def test_extra_file_not_json_or_missing(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"resources": [', encoding="utf-8")
    with pytest.raises(hp.HelpDataError, match=r"^bad.json: line 1, column \d+: not valid JSON"):
        hp.resources(extra=p)
    with pytest.raises(hp.HelpDataError, match="gone.json: no such file"):
        hp.help_html(extra=tmp_path / "gone.json")


def test_a_folder_gives_its_help_resources_json_and_a_course_pack_is_read_by_itself(tmp_path, monkeypatch):
    pack = tmp_path / "my-course"
    pack.mkdir()
    write_json(pack, {"resources": [entry()]}, "help_resources.json")
    assert [r.name for r in hp.resources("Our school", extra=pack)] == ["Ms Rivera, safeguarding lead"]
    monkeypatch.setenv("SAFETYLAB_PACK", str(pack))
    assert "Our school" in hp.regions()
    monkeypatch.delenv("SAFETYLAB_PACK")
    assert "Our school" not in hp.regions()


# --------------------------------------------------------------------------- #
# HTML
# --------------------------------------------------------------------------- #

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.captions, self._cap, self.text = [], [], False, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._cap = tag == "caption" or self._cap

    def handle_endtag(self, tag):
        if tag == "caption":
            self._cap = False

    def handle_data(self, data):
        self.text.append(data)
        if self._cap:
            self.captions.append(data)


def _parse(html_text):
    t = _Tags()
    t.feed(html_text)
    return t


def test_help_html_for_one_region_adds_the_international_services():
    page = _parse(hp.help_html("Canada"))
    assert page.captions == ["Canada", "International"]
    text = "".join(page.text)
    assert "Cybertip.ca" in text and "StopNCII.org" in text and "Childline" not in text
    assert hp.caveat() in text


def test_help_html_for_all_regions():
    page = _parse(hp.help_html())
    assert page.captions == hp.regions()
    text = "".join(page.text)
    assert all(r.name in text for r in hp.resources())
    assert "https://stopncii.org" in text and "0800 1111" in text


def test_help_html_is_plain_accessible_text(tmp_path):
    p = write_json(tmp_path, {"resources": [entry(name="<b>Ours</b> & co", url="https://example.org/?a=1&b=2")]},
                   "ours.json")
    raw = hp.help_html("Our school", extra=p)
    assert "&lt;b&gt;Ours&lt;/b&gt; &amp; co" in raw and "<b>Ours" not in raw
    page = _parse(raw)
    tags = [t for t, _ in page.tags]
    assert not {"a", "img", "script", "iframe", "link"} & set(tags)  # nothing to fetch or follow
    assert all(a.get("scope") in ("col", "row") for t, a in page.tags if t == "th")
    assert ("p", {"role": "note"}) in page.tags


def test_crisis_block_can_leave_the_caveat_to_the_help_list_that_follows():
    # lessons 00 and 06 show the crisis block just above the help list, which starts with
    # the caveat: the page says it once, not twice in a row
    caveat = html.escape(hp.caveat())
    assert caveat in hp.crisis_html() and caveat in hp.help_html()
    short = hp.crisis_html(with_caveat=False)
    assert caveat not in short
    assert html.escape(hp.crisis_line()) in short and "Childline" in short


def test_sources_are_for_trainers_and_addresses_are_plain_text(monkeypatch):
    resource = hp.resources()[0]
    learner = hp.help_html(trainer=False)
    trainer = hp.help_html(trainer=True)
    assert html.escape(resource.url) in learner and "<code>" not in learner  # an address, not code
    assert "Source:" not in learner and html.escape(resource.source) in trainer.split("Source:", 1)[1]
    monkeypatch.setenv("SAFETYLAB_MODE", "learner")  # what learner mode gets by default
    assert hp.help_html() == learner
    monkeypatch.setenv("SAFETYLAB_MODE", "trainer")
    assert hp.help_html() == trainer
