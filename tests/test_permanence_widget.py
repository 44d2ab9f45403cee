"""The lesson 4 widgets, driven from plain Python: the timer without waiting, captures, buttons, sliders."""

from __future__ import annotations

import html

import numpy as np
import pytest

from conftest import noise_picture
from safetylab import content
from safetylab import permanence as perm
from safetylab.widgets import permanence as W


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_view_once_hides_itself_when_the_time_is_up():
    clock = FakeClock()
    view = W.ViewOnce(noise_picture(), seconds=5, clock=clock, faces=False)
    assert not view.visible and view.screenshot_button.disabled
    view.open_button.click()
    assert view.visible and view.screen.value and not view.phone_button.disabled
    clock.now += 4.9
    assert view.remaining() == pytest.approx(0.1) and not view.expire_if_due() and view.visible
    clock.now += 0.2
    assert view.expire_if_due()
    assert not view.visible and view.screen.value == b"" and view.phone_button.disabled
    assert "Nobody captured it" in view.status.value
    view.close()


def test_capture_while_visible_keeps_a_copy_that_still_links_after_hiding():
    clock = FakeClock()
    view = W.ViewOnce(noise_picture(), seconds=5, clock=clock, faces=False)
    view.show()
    view.phone_button.click()
    assert view.check is not None and view.check.hash_linked
    assert view.copy_view.value and "SAME PICTURE" in view.result.value
    first = np.asarray(view.copy).copy()
    view.capture("second_phone")  # the next capture is from another angle
    assert not np.array_equal(first, np.asarray(view.copy))
    assert "No app can notice" in view.result.value  # a second phone: nothing happens on the phone
    view.screenshot_button.click()
    assert view.check.hash_distance <= 8 and "screenshot" in view.result.value
    # what apps do about screenshots is current, sourced data, and the lesson's point still stands
    for note in content.view_once_notes():
        assert html.escape(note.app) in view.result.value and html.escape(note.note) in view.result.value
    assert "many don't" not in view.result.value and "No app can notice" in view.result.value
    view.hide()
    assert "copy was made" in view.status.value and view.copy is not None and view.copy_view.value
    view.close()


def test_view_once_notes_are_current_and_sourced():
    notes = {n.app: n for n in content.view_once_notes()}
    assert "Blocks screenshots" in notes["WhatsApp"].note and "second phone" in notes["WhatsApp"].note
    assert "tells the sender" in notes["Snapchat"].note and "tells the sender" in notes["Instagram"].note
    for n in notes.values():
        assert n.sources and all(s.url.startswith("https://") and s.last_checked and s.checked for s in n.sources)
    assert "not confirmed" in notes["Snapchat"].sources[0].checked.lower()  # said plainly


def test_capture_after_the_photo_has_gone_is_refused():
    clock = FakeClock()
    view = W.ViewOnce(noise_picture(), seconds=2, clock=clock, faces=False)
    assert view.capture() is None and "Open it first" in view.status.value
    view.show()
    clock.now += 3
    assert view.capture("screenshot") is None and view.copy is None and not view.visible
    view.close()


def test_view_once_schedules_on_a_running_loop_and_cancels_on_hide():
    import asyncio

    async def run():
        view = W.ViewOnce(noise_picture(), seconds=0.05, faces=False)
        view.show()
        assert view._handle is not None
        await asyncio.sleep(0.2)
        hidden_by_timer = not view.visible
        view.show()
        view.hide()
        assert view._handle is None
        view.close()
        return hidden_by_timer

    # in a thread of its own: another test's tool (Playwright's sync API) may keep an event
    # loop running in this thread for the whole session
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, run()).result(timeout=60)


def test_copies_explorer_buttons_update_the_diagram_and_the_text():
    ex = W.CopiesExplorer()
    before = ex.diagram.value
    assert "Before any delete button is pressed" in ex.text.value
    ex.buttons["delete_for_me"].click()
    assert not ex.copies.has("your_chat") and ex.copies.has("their_chat")
    assert ex.diagram.value != before and "Delete for me" in ex.diagram.alt
    ex.buttons["delete_for_everyone"].click()
    ex.buttons["unsend"].click()
    assert {p.id for p in perm.out_of_reach(ex.copies)} == set(ex.copies.present)
    assert "No button reaches" in ex.text.value and "depends on the app" in ex.text.value
    ex.reset_button.click()
    assert ex.copies == perm.initial_copies()


def test_forwarding_explorer_updates_when_a_slider_moves():
    g = perm.contact_graph(300, 8, seed=2)
    ex = W.ForwardingExplorer(g, runs=50, steps=5, p=0.2, m=2)
    assert ex.p.continuous_update is False and ex.m.continuous_update is False
    low = ex.result.mean_copies[-1]
    ex.p.value = 0.9
    ex.m.value = 6
    assert ex.result.p == 0.9 and ex.result.m == 6 and ex.result.mean_copies[-1] > low
    assert "90%" in ex.text.value and "90%" in ex.plot.alt and ex.plot.value


def test_figures_have_text_alternatives():
    results = [perm.CaptureResult("a.jpg", 20, True), perm.CaptureResult("b.jpg", 90, False)]
    fig = W.plot_capture_survey(results)
    assert "1 are at or under" in fig.text_alternative and "all but b" in fig.text_alternative
    html = W.survey_html(results, trainer=False)
    assert "1 of 2" in html and "50%" in html
    assert "a.jpg" not in html and "<table" not in html  # a learner gets the result, not 24 file names
    assert "a.jpg" in W.survey_html(results, trainer=True) and "<details>" in W.survey_html(results, trainer=True)
    pic = noise_picture()
    check = perm.link_check(pic, pic, faces=False)
    assert "still matches" in W.plot_capture(pic, pic, check).text_alternative
    assert "<caption" in W.link_html(check) and "<caption" in W.edits_html(perm.edit_survey(pic))


def test_the_forwarding_table_and_the_sliders_say_the_same_for_the_same_settings():
    """Lesson 04 once printed 14 % where the explorer said 9 % for the same chance and group size
    (different numbers of runs), and "about 1 copies"."""
    import re

    g = perm.contact_graph(n=200, seed=3)
    settings = [(0.1, 3), (0.3, 4), (0.5, 5)]
    table = W.forwarding_table_html(g, settings)
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r) for r in re.findall(r"<tr>(.*?)</tr>", table)][1:]
    assert len(rows) == len(settings)
    for (p, m), row in zip(settings, rows):
        r = W.ForwardingExplorer(g, p=p, m=m).result  # the sliders set to the same values
        copies = round(float(r.mean_copies[-1]))
        assert row[:2] == [f"{p:.0%}", f"{m}"]
        assert row[2] == f"about {copies} {'copy' if copies == 1 else 'copies'}"
        assert row[3] == f"{r.chance_known[-1]:.0%}"
    assert " 1 copies" not in table
