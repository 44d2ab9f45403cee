"""The spot-the-clue widget, driven from plain Python."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from safetylab import clues, scenes  # noqa: E402
from safetylab.widgets import clues as w  # noqa: E402


def test_game_widget_click_check_next():
    g = w.ClueGame(["bus_stop_selfie", "parcel_on_table"])
    assert "Scene 1 of 2" in g.title.value
    box = scenes.annotation("bus_stop_selfie")["clues"][0]["box"]
    g.click(box[0] + 5, box[1] + 5)
    g.x.value, g.y.value = 2, 2
    g.mark_button.click()
    assert len(g.game.marks) == 2
    g.check_button.click()
    assert "FOUND" in g.feedback.value and "MISSED" in g.feedback.value
    assert "1 mark did not land" in g.feedback.value and "<caption" in g.feedback.value
    assert "Score: 1 of" in g.score.value
    g.undo_button.click()
    assert len(g.game.marks) == 1
    g.next_button.click()
    assert "Scene 2 of 2" in g.title.value and g.feedback.value == ""
    assert g.next() is False and "last scene" in g.feedback.value
    assert "marks" in g.fig.text_alternative


def test_html_is_escaped_and_labelled():
    ann = scenes.annotation("street_sign_window")
    ann["clues"][0]["why"] = "<script>x</script>"
    html = w.result_html(clues.score(ann, []), "<b>t</b>")
    assert "<script>" not in html and "&lt;b&gt;" in html and "MISSED" in html


def test_hint_and_blur_figures():
    from safetylab import background
    img = scenes.render("mirror_house_number")
    found = clues.hints(img)
    fig = w.plot_hints(img, found)
    assert "47" in fig.text_alternative
    assert "Why it matters" in w.hints_html(found)
    res = background.blur_background(scenes.render("school_uniform"),
                                     annotation=scenes.annotation("school_uniform"))
    assert "badge" in w.plot_blur(scenes.render("school_uniform"), res).text_alternative
