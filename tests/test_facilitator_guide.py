"""The facilitator guide (``notebooks/facilitator/``) matches the lessons it describes.

Every lesson notebook has a page with the same stem; every page has the required
sections; every "N-minute plan" table adds up to N minutes; every notebook section
a page names (written as a code span such as ``## 2. The thumbnail that survived a
crop``) is a heading in that notebook, and the 90-minute plan names every section
of its notebook; every relative link resolves (files and ``#anchors``); the front
page indexes every page and gives a half-day and a full-day order; the
safeguarding notes refer to the help list instead of repeating its numbers; the
example help-list file in the guide is one safetylab accepts; and every picture the
guide shows (screenshots from the browser tests) is there beside it, a small PNG with
words for those who cannot see it, and every picture beside the guide is shown.

The small parsers below are tested on made-up pages first, so that a check that
could never fail would show up here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from conftest import LESSONS, LESSONS_DIR, ROOT

NOTEBOOKS_DIR = LESSONS_DIR
GUIDE = NOTEBOOKS_DIR / "facilitator"
README = GUIDE / "README.md"
HELP_FILE = ROOT / "safetylab" / "data" / "help_resources.json"

PAGES = sorted(GUIDE.glob("*.md"))
LESSON_PAGES = [p for p in PAGES if re.match(r"\d\d_", p.name)]

#: Sections every lesson page has (level-2 headings).
REQUIRED = ("Objectives", "Setting up the room", "45-minute plan", "90-minute plan",
            "Discussion prompts", "What to watch for")
#: Lessons with the coercion material: their pages also need "Safeguarding".
SAFEGUARDING_LESSONS = {"05", "06"}
#: Any other lesson whose text touches these needs a Safeguarding section too.
COERCION_WORDS = re.compile(r"\b(coercion|sextortion|threat\w*|content note)\b", re.I)

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_PLAN = re.compile(r"^(\d+)-minute\b", re.I)
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
#: A picture in the guide is at most this many bytes and pixels wide (they travel with the course).
PICTURE_BYTES, PICTURE_WIDTH = 150_000, 1000


# --------------------------------------------------------------------------- #
# Small Markdown helpers (only what the guide uses)
# --------------------------------------------------------------------------- #

def prose_lines(text: str) -> list[str]:
    """The lines of ``text`` outside fenced code blocks."""
    out, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.append(line)
    return out


def headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of every ATX heading outside code fences, in order."""
    found = []
    for line in prose_lines(text):
        m = _HEADING.match(line)
        if m:
            found.append((len(m.group(1)), m.group(2)))
    return found


def sections(text: str) -> dict[str, str]:
    """Level-2 sections: title -> body (up to the next level-1 or level-2 heading)."""
    out: dict[str, list[str]] = {}
    current = None
    for line in prose_lines(text):
        m = _HEADING.match(line)
        if m and len(m.group(1)) <= 2:
            current = m.group(2) if len(m.group(1)) == 2 else None
            if current is not None:
                out[current] = []
            continue
        if current is not None:
            out[current].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    s = _CODE_SPAN.sub(lambda m: m.group(1), title.strip().lower())
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor a page's headings make (repeated titles get -1, -2, ...)."""
    seen: dict[str, int] = {}
    out = set()
    for _level, title in headings(text):
        base = slug(title)
        n = seen.get(base, 0)
        out.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return out


def links(text: str) -> list[str]:
    """Targets of the Markdown links outside code (images excluded)."""
    prose = "\n".join(_CODE_SPAN.sub("code", line) for line in prose_lines(text))
    return _LINK.findall(prose)


def pictures(text: str) -> list[tuple[str, str]]:
    """``(alt text, target)`` of every Markdown image outside code."""
    prose = "\n".join(_CODE_SPAN.sub("code", line) for line in prose_lines(text))
    return _IMAGE.findall(prose)


def picture_problems(page: Path) -> list[str]:
    """Every picture ``page`` shows that is not a small PNG beside it, or has no alt text."""
    from PIL import Image

    problems = []
    for alt, target in pictures(page.read_text(encoding="utf-8")):
        path = (page.parent / target).resolve()
        if not alt.strip():
            problems.append(f"{page.name}: {target} has no alt text")
        if not is_relative(target) or path.parent != page.parent.resolve():
            problems.append(f"{page.name}: {target} is not a picture beside the guide")
            continue
        if not path.is_file():
            problems.append(f"{page.name}: {target} (no such file)")
            continue
        if path.stat().st_size > PICTURE_BYTES:
            problems.append(f"{page.name}: {target} is {path.stat().st_size} bytes (at most {PICTURE_BYTES})")
        try:
            with Image.open(path) as im:
                fmt, width = im.format, im.width
        except OSError:
            fmt, width = None, 0
        if fmt != "PNG" or width > PICTURE_WIDTH:
            problems.append(f"{page.name}: {target} is not a PNG at most {PICTURE_WIDTH} pixels wide ({fmt}, {width})")
    return problems


def is_relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I)


def broken_links(page: Path) -> list[str]:
    """Every relative link in ``page`` whose file (or ``#anchor`` in a Markdown file) does not exist."""
    problems = []
    text = page.read_text(encoding="utf-8")
    for target in links(text):
        if not is_relative(target):
            continue
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page.resolve()
        if not dest.exists():
            problems.append(f"{page.name}: {target} (no such file)")
            continue
        if anchor and dest.suffix == ".md" and anchor not in anchors(dest.read_text(encoding="utf-8")):
            problems.append(f"{page.name}: {target} (no such heading in {dest.name})")
    return problems


def linked_files(page: Path, text: str | None = None) -> set[Path]:
    """The files the relative links in ``text`` (default: the whole page) point to."""
    text = page.read_text(encoding="utf-8") if text is None else text
    out = set()
    for target in links(text):
        if is_relative(target):
            path_part = target.partition("#")[0]
            out.add((page.parent / path_part).resolve() if path_part else page.resolve())
    return out


def table(body: str) -> list[dict[str, str]]:
    """The first Markdown table in ``body``, as a list of rows keyed by the header cells."""
    rows = [line.strip() for line in body.splitlines()]
    start = next((i for i, line in enumerate(rows) if line.startswith("|")), None)
    if start is None:
        return []
    block = []
    for line in rows[start:]:
        if not line.startswith("|"):
            break
        block.append([c.strip() for c in line.strip("|").split("|")])
    header, body_rows = block[0], block[2:]  # block[1] is the --- separator
    return [dict(zip(header, cells)) for cells in body_rows]


def plan_minutes(body: str) -> int:
    """The sum of the Minutes column of a plan table; every entry must be a whole number above 0."""
    rows = table(body)
    assert rows, "the plan has no table"
    assert "Minutes" in rows[0], f"the plan's table has no 'Minutes' column: {list(rows[0])}"
    total = 0
    for row in rows:
        value = row["Minutes"]
        assert re.fullmatch(r"[1-9]\d*", value), f"'{value}' is not a whole number of minutes"
        assert any(v and v != "—" for k, v in row.items() if k != "Minutes"), "a plan row has no step"
        total += int(value)
    return total


def named_sections(text: str) -> list[str]:
    """Notebook headings named in a page, written as code spans: ``## 2. Title``."""
    return [s for line in prose_lines(text) for s in _CODE_SPAN.findall(line)
            if re.match(r"#{1,6} \S", s)]


def notebook_headings(path: Path) -> list[str]:
    """Every heading line (with its #s) in a notebook's Markdown cells."""
    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out += [f"{'#' * level} {title}" for level, title in headings(cell.source)]
    return out


def notebook_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def needs_safeguarding(notebook: Path) -> bool:
    return notebook.name[:2] in SAFEGUARDING_LESSONS or bool(COERCION_WORDS.search(notebook_text(notebook)))


def page_for(notebook: Path) -> Path:
    return GUIDE / f"{notebook.stem}.md"


# --------------------------------------------------------------------------- #
# The helpers catch what they are meant to catch
# --------------------------------------------------------------------------- #

SAMPLE_PAGE = """\
# A page

## 45-minute plan

| Minutes | Step | Notebook section |
| ---: | --- | --- |
| 20 | Read | `## 1. One` |
| 24 | Talk | — |

```
## Not a heading: inside a fence
```

## What to watch for
- [a link](missing.md) and [an anchor](#45-minute-plan) and [a bad anchor](#nowhere)
- `[not a link](in-code.md)` and [web](https://example.org/x)
"""


def test_helpers_read_sections_and_ignore_fenced_code():
    assert list(sections(SAMPLE_PAGE)) == ["45-minute plan", "What to watch for"]
    assert "Not a heading" not in " ".join(sections(SAMPLE_PAGE))
    assert named_sections(SAMPLE_PAGE) == ["## 1. One"]


def test_plan_minutes_adds_the_column_and_catches_a_wrong_total():
    body = sections(SAMPLE_PAGE)["45-minute plan"]
    assert plan_minutes(body) == 44  # so the real check (== 45) fails on this page
    with pytest.raises(AssertionError, match="whole number"):
        plan_minutes(body.replace("| 20 |", "| 20-25 |"))
    with pytest.raises(AssertionError, match="no table"):
        plan_minutes("no table here")


def test_slug_matches_how_headings_are_anchored():
    assert slug("What is written where, and how to clear it") == "what-is-written-where-and-how-to-clear-it"
    assert slug("15-minute opening") == "15-minute-opening"
    assert slug("If it's happening") == "if-its-happening"
    assert anchors("## A\n## A\n") == {"a", "a-1"}


def test_broken_links_reports_missing_files_and_anchors(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(SAMPLE_PAGE, encoding="utf-8")
    problems = broken_links(page)
    assert any("missing.md" in p for p in problems)
    assert any("#nowhere" in p for p in problems)
    assert not any("#45-minute-plan" in p or "in-code.md" in p or "example.org" in p for p in problems)
    (tmp_path / "missing.md").write_text("# Here now\n", encoding="utf-8")
    assert [p for p in broken_links(page) if "missing.md" in p] == []


def test_picture_problems_finds_missing_unlabelled_and_large_pictures(tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 20), "white").save(tmp_path / "small.png")
    Image.new("RGB", (PICTURE_WIDTH + 1, 10), "white").save(tmp_path / "wide.png")
    Image.new("RGB", (40, 20), "white").save(tmp_path / "photo.jpg")
    page = tmp_path / "page.md"
    page.write_text("![The join\n   page](small.png)\n![](small.png)\n![Gone](gone.png)\n![Wide](wide.png)\n"
                    "![A photo](photo.jpg)\n`![In code](code.png)`\n```\n![Fenced](fenced.png)\n```\n",
                    encoding="utf-8")
    problems = picture_problems(page)
    assert len(problems) == 4, problems
    assert "has no alt text" in problems[0] and "gone.png (no such file)" in problems[1]
    assert "wide.png is not a PNG" in problems[2] and "photo.jpg is not a PNG" in problems[3]
    assert [t for _, t in pictures(page.read_text(encoding="utf-8"))] == \
        ["small.png", "small.png", "gone.png", "wide.png", "photo.jpg"]


def test_notebook_headings_are_read_from_markdown_cells_only(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\n## 1. One\ntext\n```\n## fenced\n```"),
        nbformat.v4.new_code_cell("# ## a comment, not a heading"),
    ])
    path = tmp_path / "99_x.ipynb"
    nbformat.write(nb, path)
    assert notebook_headings(path) == ["# Title", "## 1. One"]


# --------------------------------------------------------------------------- #
# The guide itself
# --------------------------------------------------------------------------- #

def test_there_are_lessons_and_a_front_page():
    assert LESSONS, "no lesson notebooks found"
    assert README.is_file()
    assert (GUIDE / "safeguarding.md").is_file() and (GUIDE / "running-a-class.md").is_file()


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_has_a_page(notebook):
    assert page_for(notebook).is_file(), f"no facilitator page {page_for(notebook).name} for {notebook.name}"


@pytest.mark.parametrize("page", LESSON_PAGES, ids=lambda p: p.stem)
def test_every_lesson_page_is_for_a_lesson_that_exists(page):
    assert (NOTEBOOKS_DIR / f"{page.stem}.ipynb").is_file(), f"{page.name} describes a lesson that is not there"


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.stem)
def test_page_has_the_required_sections(notebook):
    text = page_for(notebook).read_text(encoding="utf-8")
    found = sections(text)
    required = REQUIRED + (("Safeguarding",) if needs_safeguarding(notebook) else ())
    for title in required:
        assert title in found, f"{page_for(notebook).name} has no '## {title}' section"
        assert found[title].strip(), f"{page_for(notebook).name}: '## {title}' is empty"
    items = lambda body: len(re.findall(r"^\s*(?:[-*]|\d+\.)\s+\S", body, re.M))  # noqa: E731
    assert items(found["Objectives"]) >= 2
    assert items(found["Discussion prompts"]) >= 2
    assert page_for(notebook).parent.joinpath(f"../{notebook.name}").resolve() in linked_files(
        page_for(notebook)), f"{page_for(notebook).name} does not link its notebook"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_n_minute_plan_adds_up_to_n(page):
    for title, body in sections(page.read_text(encoding="utf-8")).items():
        m = _PLAN.match(title)
        if m:
            assert plan_minutes(body) == int(m.group(1)), f"{page.name}: '{title}' does not add up"


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.stem)
def test_sections_named_in_the_page_exist_in_the_notebook(notebook):
    text = page_for(notebook).read_text(encoding="utf-8")
    real = notebook_headings(notebook)
    missing = [s for s in named_sections(text) if s not in real]
    assert not missing, f"{page_for(notebook).name} names sections that {notebook.name} does not have: {missing}"
    found = sections(text)
    for plan in ("45-minute plan", "90-minute plan"):
        assert named_sections(found[plan]), f"{page_for(notebook).name}: the {plan} names no notebook section"
    # The long plan covers the whole lesson: a new section in the notebook needs a place in it.
    in_long_plan = set(named_sections(found["90-minute plan"]))
    uncovered = [h for h in real if h.startswith("## ") and h not in in_long_plan]
    assert not uncovered, f"{page_for(notebook).name}: the 90-minute plan leaves out {uncovered}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_relative_link_resolves(page):
    assert broken_links(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_picture_the_guide_shows_is_a_small_png_beside_it(page):
    assert picture_problems(page) == []


def test_every_picture_beside_the_guide_is_shown():
    """The screenshots from the browser tests (``SAFETYLAB_GUIDE_SCREENSHOTS=1``) are all in a page."""
    shown = {(page.parent / target).resolve() for page in PAGES
             for _, target in pictures(page.read_text(encoding="utf-8"))}
    files = {p.resolve() for p in GUIDE.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".svg")}
    assert files, "the guide has no pictures (the class-mode screenshots are expected)"
    assert files <= shown, f"pictures no page shows: {sorted(p.name for p in files - shown)}"


def test_front_page_indexes_every_page():
    linked = linked_files(README)
    for page in PAGES:
        if page != README:
            assert page.resolve() in linked, f"README.md does not link {page.name}"
    for notebook in LESSONS:
        assert notebook.resolve() in linked, f"README.md does not link {notebook.name}"


@pytest.mark.parametrize("day", ["half-day", "full-day"])
def test_front_page_orders_every_lesson_for_a_half_and_a_full_day(day):
    text = README.read_text(encoding="utf-8")
    found = [body for title, body in sections(text).items() if day in title.lower()]
    assert found, f"README.md has no section for a {day} workshop"
    linked = linked_files(README, found[0])
    for notebook in LESSONS:
        assert page_for(notebook).resolve() in linked, f"the {day} order leaves out {page_for(notebook).name}"


@pytest.mark.parametrize("notebook", [n for n in LESSONS if needs_safeguarding(n)], ids=lambda p: p.stem)
def test_safeguarding_notes_point_to_the_procedure_and_the_help_list(notebook):
    page = page_for(notebook)
    body = sections(page.read_text(encoding="utf-8"))["Safeguarding"]
    targets = {t.partition("#") for t in links(body) if is_relative(t)}
    assert ("safeguarding.md", "#", "if-a-learner-discloses") in targets
    assert HELP_FILE.resolve() in linked_files(page, body), f"{page.name} does not point to the help list"
    assert re.search(r"not (their|your) fault|never the victim's fault", " ".join(body.split()), re.I)


def test_safeguarding_page_covers_a_disclosure():
    text = (GUIDE / "safeguarding.md").read_text(encoding="utf-8")
    found = sections(text)
    assert "Before the session" in found and "If a learner discloses" in found
    body = " ".join(found["If a learner discloses"].lower().split())
    for must in ("stay calm", "listen", "don't investigate", "never ask to see an image",
                 "not your fault", "safeguarding procedure", "designated safeguarding lead"):
        assert must in body, f"'If a learner discloses' does not say '{must}'"
    assert HELP_FILE.resolve() in linked_files(GUIDE / "safeguarding.md")


def _digits(text: str) -> set[str]:
    return {re.sub(r"\D", "", m) for m in re.findall(r"\d[\d ()\-]{4,}\d", text)}


def test_the_guide_refers_to_the_help_list_instead_of_repeating_it():
    data = json.loads(HELP_FILE.read_text(encoding="utf-8"))
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        numbers = _digits(text)
        for r in data["resources"]:
            if r.get("url"):
                assert r["url"].split("://", 1)[1].rstrip("/") not in text, f"{page.name} repeats {r['url']}"
            if r.get("phone"):
                digits = re.sub(r"\D", "", r["phone"])
                assert r["phone"] not in text, f"{page.name} repeats the number for {r['name']}"
                assert len(digits) < 6 or digits not in numbers, f"{page.name} repeats {r['phone']}"


def test_example_help_files_in_the_guide_are_accepted_by_safetylab(tmp_path):
    from safetylab import help as course_help

    examples = []
    for page in PAGES:
        blocks = re.findall(r"^\s*```json\s*\n(.*?)^\s*```", page.read_text(encoding="utf-8"), re.M | re.S)
        examples += [(page.name, b) for b in blocks]
    assert any(name == "safeguarding.md" for name, _ in examples), "safeguarding.md has no example help file"
    for i, (name, block) in enumerate(examples):
        data = json.loads(block)
        if "resources" in data:
            path = tmp_path / f"example{i}.json"
            path.write_text(block, encoding="utf-8")
            loaded = course_help.load_file(path)
            assert len(loaded) == len(data["resources"])
            # it merges with the shipped list and can be shown on its own region
            region = loaded[0].region
            assert region in course_help.regions(extra=path)
            assert loaded[0].name in course_help.help_html(region, extra=path)
