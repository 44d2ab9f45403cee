"""What you can do on your phone: each lesson's phone steps, iPhone and Android side by side.

Thin by design: the steps, their caveat and their sources are data
(``phone_steps.json``, read with :func:`safetylab.content.phone_steps`); this
module only lays them out. The phone comes first; doing it on a computer with
safetylab is the second option, and every step says what it does not protect
against.

What this does not protect against: phone menus change with versions; the steps
are typical, and none of them hides what the picture shows.
"""

from __future__ import annotations

from typing import Any

from .. import content
from .._html import escape as _e

__all__ = ["phone_steps_html"]


def _how(title: str, lines: tuple[str, ...]) -> str:
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return (f'<div style="flex:1 1 18em;min-width:0"><p style="margin:.3em 0"><strong>{_e(title)}</strong></p>'
            f'<ol style="margin:0 0 .3em 1.2em;padding:0">{items}</ol></div>')


def _here(text: str, lesson: str | int) -> str:
    """"lesson 3" read in lesson 3 itself is "this lesson".

    >>> _here("On a computer: lesson 3's button makes a copy.", "03")
    "On a computer: this lesson's button makes a copy."
    """
    import re

    try:
        n = int(str(lesson)[:2])
    except ValueError:
        return text
    return re.sub(rf"\blesson {n}\b", "this lesson", text)


def phone_steps_html(lesson: str | int, extra: Any = None, *, trainer: bool | None = None) -> str:
    """The lesson's phone steps as accessible HTML, with the "typical, changes with versions" caveat.

    Parameters
    ----------
    lesson : str or int
        The lesson number (``3`` or ``"03"``).
    extra : optional
        A trainer's own ``phone_steps.json`` or a folder holding one.
    trainer : bool, optional
        Also show each step's command for trainers. Default: in trainer mode
        (JupyterLab) yes, in learner mode (:func:`~safetylab.environment.learner_mode`) never.

    Examples
    --------
    >>> out = phone_steps_html(3)
    >>> "On an iPhone" in out and "On an Android phone" in out and "does not protect" in out
    True
    """
    from ..environment import learner_mode

    trainer = not learner_mode() if trainer is None else trainer
    parts = [f'<section aria-label="What you can do on your phone" style="max-width:50em;font-size:1.05em">'
             f'<p role="note"><em>{_e(content.phone_caveat(extra))}</em></p>']
    for step in content.phone_steps(lesson, extra):
        young = (f'<p style="margin:.2em 0"><strong>Under 18:</strong> {_e(step.under_18)}</p>'
                 if step.under_18 else "")
        where, colon, rest = (step.second_option or "").partition(": ")
        if not (colon and where.startswith("On ")):  # "On a computer: …" keeps its own heading
            where, rest = "Another way", step.second_option
        rest = _here(rest or "", lesson)
        second = (f'<p style="margin:.2em 0"><strong>{_e(where)}:</strong> {_e(rest)}</p>'
                  if step.second_option else "")
        parts.append(
            f'<div style="border-left:6px solid #0072B2;padding:.2em .9em;margin:.7em 0">'
            f'<h4 style="margin:.3em 0">{_e(step.title)}</h4>'
            '<div style="display:flex;flex-wrap:wrap;gap:0 1.5em">'
            f'{_how("On an iPhone", step.ios)}{_how("On an Android phone", step.android)}</div>'
            f"{young}{second}"
            + (f'<p style="margin:.2em 0"><small><strong>For trainers, the same in a terminal:</strong> '
               f"<code>{_e(step.command)}</code></small></p>" if trainer and step.command else "")
            + f'<p style="margin:.2em 0"><em>What this does not protect against:</em> {_e(step.does_not)}</p></div>')
    parts.append("</section>")
    return "".join(parts)
