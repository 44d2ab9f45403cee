"""The check of learning on a page: questions answered in the browser, feedback, a comparison.

Thin by design: the questions, answers and feedback are data, read with
:mod:`safetylab.learning_check`; this module lays them out as plain HTML (a
``fieldset`` per question, a labelled radio button per answer, a button that
shows the feedback) with a small script that runs **in the browser only**.

Why in the browser, and not ipywidgets: a learner's answers must not leave the
browser. An ipywidget's value lives in the lesson's kernel (on a classroom
server, another computer) and in the widget state a notebook can save. Here
the kernel only sends the questions; choosing, feedback and the comparison
happen on the page, so there is nothing of the learner's to send, save or
store. The feedback for every answer is written into the page in advance
(:func:`safetylab.learning_check.feedback`), hidden in ``<template>``
elements; the script only shows the one that fits.

The script is one file, :data:`SCRIPT_FILE` (``data/app/voila/learning_check.js``).
In JupyterLab the check's output carries it and JupyterLab runs it. Learner
mode's page lets only scripts with the page's secret (a CSP nonce) run, so there
the page template leaves the output's copy out (:func:`learner_output`) and runs
the same file itself, under the nonce; it sets up every check on the page as the
lesson's outputs appear.

Lessons run in kernels of their own, so the start-of-course answers wait for
lesson 6 in the browser tab's ``sessionStorage`` under :data:`STORE_KEY`: for
each idea, whether the course's answer was chosen (``true``/``false``),
nothing else. The browser keeps it for this tab only and drops it when the
tab is closed; "Forget my answers" removes it at once. No cookie, no request,
no file. Without it (another tab, or a browser that refuses storage) lesson 6
asks the learner to think back instead.

Accessibility: every answer is a native radio button inside its label, grouped
by a ``fieldset`` whose ``legend`` is the question; buttons are real buttons
(Tab, then Enter or Space); feedback appears in a ``role="status"`` region and
says in words whether it is the course's answer (never by colour alone); text
is #111 on white, and nothing has a fixed width, so it reads at 390 px.

What this does *not* do: it gives no mark and keeps no record; it cannot stop
a learner from opening the page's source and reading the feedback first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._html import escape as _e
from .. import learning_check as lc

__all__ = ["STORE_KEY", "SCRIPT_FILE", "check_html", "ticket_html", "show_check", "show_ticket", "learner_output"]

#: The ``sessionStorage`` key that carries the start-of-course results to lesson 6.
STORE_KEY = "safetylab-check-start"

_WORDS = {
    "check": "Check my answer",
    "choose": "Choose one of the answers first, then press “Check my answer” again.",
    "right": "That is the course's answer.",
    "think": "Something to think about.",
    "course_answer": "The course's answer:",
    "compare": "Compare with the start of the course",
    "forget": "Forget my answers",
    "forgotten": "Your answers are forgotten: nothing of them is left in this browser tab.",
    "state_right": "the course's answer",
    "state_think": "something to think about",
    "state_none": "not answered",
    "counts": "At the start: the course's answer for {start} of {total} ideas. Now: {now} of {total}.",
    "at_start": "at the start:",
    "now": "now:",
    "no_start": ("Your answers from the start of the course are not in this browser tab: they are kept only "
                 "in the tab where you gave them, until it is closed. Think back: which of these would you "
                 "have answered differently before the course?"),
    "not_a_mark": ("This is not a mark. What counts is what you take away. It stays in this browser tab: "
                   "nothing is sent or saved, and nobody else sees it."),
}

_CSS = """<style>
.safetylab-check { max-width: 46em; font-size: 1.05em; color: #111; line-height: 1.45; }
.safetylab-check fieldset { border: 1px solid #767676; border-left: 6px solid #0072B2; border-radius: .4em;
  margin: .9em 0; padding: .5em .9em .7em; min-width: 0; background: #fff; }
.safetylab-check fieldset[data-result="right"] { border-left-color: #009E73; }
.safetylab-check fieldset[data-result="think"] { border-left-color: #E69F00; }
.safetylab-check legend { float: left; width: 100%; padding: 0; margin: .2em 0 .4em; font-weight: bold;
  white-space: normal; }
.safetylab-check legend + label { clear: both; }
.safetylab-check .sl-num { display: block; font-weight: normal; font-size: .9em; color: #333; }
.safetylab-check label { display: flex; gap: .6em; align-items: flex-start; padding: .35em .2em; cursor: pointer; }
.safetylab-check input[type=radio] { width: 1.15em; height: 1.15em; margin: .2em 0 0; flex: none; }
.safetylab-check button { font: inherit; color: #0b4f7c; background: #fff; border: 2px solid #0072B2;
  border-radius: .4em; padding: .35em .9em; margin: .4em .5em .2em 0; cursor: pointer; }
.safetylab-check button:hover { background: #EEF6FC; }
.safetylab-check button:focus-visible, .safetylab-check input:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
.safetylab-check .sl-feedback p { margin: .3em 0; }
.safetylab-check .sl-note { font-size: .95em; color: #333; }
.safetylab-check .sl-result { border: 2px solid #555; border-radius: .4em; padding: .3em .9em; margin: .5em 0; }
.safetylab-check .sl-result:empty { display: none; }
</style>"""

#: The script that runs the checks on a page (in the browser only; it sends nothing anywhere),
#: one file for both modes: an output carries it for JupyterLab; learner mode's page template
#: includes the same file under the page's nonce, and :func:`learner_output` drops the output's
#: copy there (an inline script in an output could not run under the page's policy).
SCRIPT_FILE = Path(__file__).resolve().parent.parent / "data" / "app" / "voila" / "learning_check.js"
_SCRIPT_OPEN = "<script data-safetylab-check>"
_SCRIPT_RE = re.compile(re.escape(_SCRIPT_OPEN) + r".*?</script>", re.S)


@lru_cache(maxsize=1)
def _script() -> str:
    return f"{_SCRIPT_OPEN}\n{SCRIPT_FILE.read_text(encoding='utf-8')}</script>"


def _p(text: str) -> str:
    return f"<p>{_e(text)}</p>"


def _say(name: str, inner: str) -> str:
    return f'<template data-say="{name}">{inner}</template>'


def _feedback_html(q: lc.Question, a: lc.Answer) -> str:
    fb = lc.feedback(q, a.id)
    if fb.right:
        head = f'<p><span aria-hidden="true">&#x2713;</span> <strong>{_e(_WORDS["right"])}</strong></p>'
        tail = ""
    else:
        head = f'<p><span aria-hidden="true">&#x25C6;</span> <strong>{_e(_WORDS["think"])}</strong></p>'
        tail = "".join(f'<p><strong>{_e(_WORDS["course_answer"])}</strong> {_e(t)}</p>' for t in fb.course_answers)
    return head + _p(fb.text) + tail


def _question_html(q: lc.Question, number: int, total: int, name: str, idea: str | None) -> str:
    answers = "".join(
        f'<label><input type="radio" name="{_e(name)}" value="{_e(a.id)}" data-right="{int(a.right)}">'
        f"<span>{_e(a.text)}</span></label>" for a in q.answers)
    templates = "".join(f'<template data-answer="{_e(a.id)}">{_feedback_html(q, a)}</template>' for a in q.answers)
    idea_attr = f' data-idea="{_e(idea)}"' if idea else ""
    return (f'<fieldset data-question="{_e(q.id)}"{idea_attr}>'
            f'<legend><span class="sl-num">Question {number} of {total}</span>{_e(q.text)}</legend>'
            f'{answers}<button type="button" class="sl-check">{_e(_WORDS["check"])}</button>'
            f'<div class="sl-feedback" role="status" aria-live="polite"></div>{templates}</fieldset>')


def _section(stage: str, label: str, intro: str, body: str, extra_html: str = "") -> str:
    says = "".join(_say(n, _p(_WORDS[n])) for n in ("choose", "forgotten", "not_a_mark", "no_start"))
    says += "".join(_say(n, _e(_WORDS[n])) for n in ("state_right", "state_think", "state_none"))
    return (f'{_CSS}<section class="safetylab-check" data-stage="{stage}" data-store="{STORE_KEY}" '
            f'aria-label="{_e(label)}">'
            f'<p>{_e(intro)}</p>{body}{extra_html}{says}'
            f"{_script()}</section>")


def check_html(stage: str, extra: Any = None) -> str:
    """The start-of-course (``"before"``) or end-of-course (``"after"``) check, as HTML with its script.

    The same input gives the same HTML: nothing of a learner is ever in it.

    Parameters
    ----------
    stage : {"before", "after"}
    extra : optional
        A trainer's own ``learning_check.json`` or a folder holding one.

    Examples
    --------
    >>> out = check_html("before")
    >>> out.count("<fieldset") == len(lc.ideas()) and 'data-stage="before"' in out
    True
    """
    if stage not in ("before", "after"):
        raise ValueError(f"stage must be 'before' or 'after', not {stage!r}")
    items = lc.ideas(extra)
    body = "".join(_question_html(getattr(i, stage), n, len(items), f"sl-{stage}-{getattr(i, stage).id}", i.id)
                   for n, i in enumerate(items, start=1))
    buttons = f'<button type="button" class="sl-forget">{_e(_WORDS["forget"])}</button>'
    if stage == "after":
        rows = "".join(f'<li data-idea="{_e(i.id)}"><strong>{_e(i.topic)}</strong> — {_e(_WORDS["at_start"])} '
                       f'<span data-fill="start"></span>; {_e(_WORDS["now"])} <span data-fill="now"></span></li>'
                       for i in items)
        counts = _e(_WORDS["counts"]).format(start='<strong data-fill="start"></strong>',
                                             now='<strong data-fill="now"></strong>',
                                             total='<span data-fill="total"></span>')
        buttons = (f'<button type="button" class="sl-compare">{_e(_WORDS["compare"])}</button>' + buttons
                   + _say("compare", f"<ul>{rows}</ul>") + _say("counts", f"<p>{counts}</p>"))
    result = '<div class="sl-result" role="status" aria-live="polite"></div>'
    label = "What you know: at the start" if stage == "before" else "What you know now"
    return _section(stage, label, lc.intro(stage, extra), body, buttons + result)


def ticket_html(lesson: str | int, extra: Any = None) -> str:
    """A lesson's exit ticket (``1`` or ``"01"``), as HTML with its script.

    Examples
    --------
    >>> ticket_html(2).count("<fieldset")
    2
    """
    t = lc.ticket(lesson, extra)
    body = "".join(_question_html(q, n, len(t.questions), f"sl-ticket-{q.id}", None)
                   for n, q in enumerate(t.questions, start=1))
    return _section("ticket", f"Two questions before you go (lesson {int(t.lesson)})", lc.intro("ticket", extra),
                    body)


def show_check(stage: str, extra: Any = None) -> None:
    """Show the start (``"before"``) or end (``"after"``) check in a lesson."""
    from IPython.display import HTML, display

    display(HTML(check_html(stage, extra)))


def show_ticket(lesson: str | int, extra: Any = None) -> None:
    """Show a lesson's exit ticket in the lesson."""
    from IPython.display import HTML, display

    display(HTML(ticket_html(lesson, extra)))


def learner_output(output: Any) -> Any:
    """An output as learner mode's page shows it: the check's script left out of its HTML.

    Learner mode's page template applies this to every output (the Jinja filter
    ``learner_output``) and runs :data:`SCRIPT_FILE` itself, under the page's nonce:
    the output's own copy could not run under the page's policy, and the browser would
    report it. Anything else in the output, and any other output, is left as it is.

    Examples
    --------
    >>> out = {"output_type": "display_data", "data": {"text/html": ticket_html(1)}}
    >>> shown = learner_output(out)["data"]["text/html"]
    >>> "<script" in shown, "<script" in out["data"]["text/html"], 'data-stage="ticket"' in shown
    (False, True, True)
    """
    data = output.get("data") if isinstance(output, dict) else None
    page = data.get("text/html") if isinstance(data, dict) else None
    if isinstance(page, list):
        page = "".join(page)
    if not isinstance(page, str) or _SCRIPT_OPEN not in page:
        return output
    copy = type(output)(output)
    copy["data"] = type(data)(data)
    copy["data"]["text/html"] = _SCRIPT_RE.sub("", page)
    return copy
