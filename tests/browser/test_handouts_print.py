"""The handouts printed to PDF by Chromium (``page.pdf``): one page on A4 and on US Letter, for every
region, and nothing is loaded from anywhere but the file itself."""

from __future__ import annotations

import re

import pytest

from safetylab import handouts
from safetylab import help as hp

from .conftest import CHROMIUM_ARGS, SCREENSHOTS  # noqa: F401 - the browser fixture needs them

pytestmark = pytest.mark.browser
MARGIN = {side: "12mm" for side in ("top", "right", "bottom", "left")}  # as the page's @page rule asks


def pdf_pages(pdf: bytes) -> int:
    """The number of pages in a PDF Chromium wrote (its page objects are plain text)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return handouts.make_handouts(tmp_path_factory.mktemp("handouts"))


@pytest.fixture
def blank_page(browser):
    """A page that records every request it makes."""
    context = browser.new_context()
    page = context.new_page()
    page.safetylab_requests = []
    page.on("request", lambda r: page.safetylab_requests.append(r.url))
    try:
        yield page
    finally:
        context.close()


def test_the_page_counter_counts(blank_page):
    blank_page.set_content("<p>one</p><div style='height:400mm'></div><p>two</p>")
    assert pdf_pages(blank_page.pdf(format="A4", margin=MARGIN)) == 2
    blank_page.set_content("<p>one</p>")
    assert pdf_pages(blank_page.pdf(format="A4", margin=MARGIN)) == 1


def test_every_handout_prints_on_one_page_of_a4_and_letter_and_loads_nothing(blank_page, made):
    assert {m.region for m in made if m.region} == set(hp.regions())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = blank_page.viewport_size
    for m in made:
        blank_page.safetylab_requests.clear()
        blank_page.goto(m.path.as_uri())
        assert blank_page.safetylab_requests == [m.path.as_uri()], \
            f"{m.path.name} loaded something else: {blank_page.safetylab_requests}"
        title = blank_page.title()
        assert title and blank_page.locator("h1").inner_text() == title
        for paper in ("A4", "Letter"):
            pages = pdf_pages(blank_page.pdf(format=paper, margin=MARGIN))
            assert pages == 1, f"{m.path.name} prints on {pages} {paper} pages"
        if m.region in (None, "United Kingdom"):
            blank_page.emulate_media(media="print")
            blank_page.set_viewport_size({"width": 703, "height": 1000})  # A4's width inside the margins
            blank_page.screenshot(path=str(SCREENSHOTS / f"handout-{m.path.stem}.png"), full_page=True)
            blank_page.emulate_media(media="null")  # "screen" would make page.pdf use screen styles
            blank_page.set_viewport_size(viewport)
