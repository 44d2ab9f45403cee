"""Trainer mode in a real browser: `safetylab lab` opens on lesson 00, with no news pop-up,
and shows the trainer's cells that learner mode leaves out."""

from __future__ import annotations

import pytest

from test_lab import running_lab

from .conftest import CHROMIUM_ARGS, SCREENSHOTS  # noqa: F401 - the browser fixture needs them

pytestmark = pytest.mark.browser


def test_lab_opens_lesson_00_with_its_trainer_notes_and_no_news_popup(browser, safetylab_cmd, tmp_path):
    with running_lab(safetylab_cmd, tmp_path) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            page = context.new_page()
            page.goto(f"{url}/?token=t3st")
            page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=120_000)
            page.wait_for_timeout(3000)  # the news question, when enabled, comes a moment later
            assert page.url.split("?")[0].endswith("/lab/tree/00_start_here.ipynb")
            tab = page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text="00_start_here.ipynb")
            assert tab.count() >= 1
            panel = page.locator(".jp-NotebookPanel").first
            panel.locator(".jp-RenderedMarkdown", has_text="For trainers (JupyterLab):").first.wait_for(
                state="visible", timeout=60_000)
            toasts = " ".join(page.locator(".Toastify__toast").all_inner_texts())
            assert "news" not in toasts.lower(), toasts
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "trainer-mode-lesson-00.png"))
        finally:
            context.close()
