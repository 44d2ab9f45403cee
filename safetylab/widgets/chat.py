"""Widgets for chat practice: play a branching scenario one reply at a time.

Thin by design: the scenarios, their checks and the engine live in
:mod:`safetylab.scenarios`; this module only lays the conversation out. Every
widget can be driven from plain Python (``chat.choose(1)``,
``chat.choice_buttons[0].click()``, ``picker.select("the_flip")``), which is
how the tests use it.

Accessibility: the conversation is an ordered list inside a ``role="log"`` region with
``aria-live="polite"`` so screen readers announce new messages; every bubble
starts with the speaker's name as text, so sides are never told apart by
colour or position alone; feedback carries a text label ("Safe choice",
"Risky choice", "Neutral choice") as well as a colour from the colour-blind-
safe Okabe-Ito palette; replies are ordinary buttons, reachable with Tab and
pressed with Enter or Space. A scenario with a content note shows the note
first and waits for "Begin". A scenario about threats (``"crisis": true``)
shows every region's crisis lines with its note and again in its debrief.

What this does not protect against: a practice chat is not a real one; the
debrief's advice is the part to keep.
"""

from __future__ import annotations


from .. import content, pack
from ..errors import SafetyLabError
from .._html import escape as _e
from ..scenarios import Choice, Scenario, State, choose, load, load_all, shipped_ids, start, summary

__all__ = ["intro_html", "transcript_html", "feedback_html", "debrief_html", "overview_html",
           "QUALITY_LABELS", "ChatPractice", "ScenarioPicker"]

#: Text label, mark and Okabe-Ito colour of each kind of reply (black text reads on all three).
QUALITY_LABELS = {
    "safe": ("Safe choice", "\u2713", "#009E73"),
    "risky": ("Risky choice", "\u26a0", "#D55E00"),
    "neutral": ("Neutral choice", "\u2022", "#56B4E9"),
}
_THEM_STYLE = "background:#F2F2F2;border:1px solid #767676;border-radius:1em 1em 1em .25em"
_YOU_STYLE = "background:#DCEEFB;border:1px solid #0072B2;border-radius:1em 1em .25em 1em"
_CSS = """<style>
.safetylab-reply { white-space: normal !important; height: auto !important; min-height: 2.4em;
  text-align: left !important; line-height: 1.35; padding: .45em .9em !important; font-size: 1.05em; }
.safetylab-reply:focus { outline: 3px solid #0072B2; outline-offset: 2px; }
</style>"""


def intro_html(scenario: Scenario) -> str:
    """The scenario's title, summary and, when it has one, its content note."""
    note = ""
    if scenario.content_note:
        note = ('<div role="note" style="border-left:6px solid #E69F00;padding:.4em .8em;margin:.5em 0;'
                f'color:#111;background:#FFF8E6"><strong>Content note:</strong> {_e(scenario.content_note)}</div>')
    return (f'<div style="font-size:1.05em;max-width:44em"><h3 style="margin:.2em 0">{_e(scenario.title)}</h3>'
            f"<p>{_e(scenario.summary)}</p>{note}{_crisis(scenario)}</div>")


def _crisis(scenario: Scenario) -> str:
    if not scenario.crisis:
        return ""
    from ..help import crisis_html

    return crisis_html()


def _line_html(scenario: Scenario, speaker: str | None, text: str) -> str:
    if speaker is None:  # something the learner did rather than said
        return ('<li style="margin:.5em 0;text-align:center;font-style:italic;color:#111">'
                f"<span><strong>Your move:</strong> {_e(text)}</span></li>")
    mine = speaker == scenario.your_name
    side, style = ("flex-end", _YOU_STYLE) if mine else ("flex-start", _THEM_STYLE)
    return (f'<li style="display:flex;justify-content:{side};margin:.4em 0">'
            f'<div style="{style};color:#111;padding:.45em .85em;max-width:75%">'
            f"<strong>{_e(speaker)}:</strong> {_e(text)}</div></li>")


def transcript_html(state: State) -> str:
    """The conversation so far as chat bubbles: theirs on the left, yours on the right."""
    sc = state.scenario
    items = "".join(_line_html(sc, speaker, text) for speaker, text in state.transcript)
    if not items:
        items = '<li style="color:#555;font-style:italic">No messages yet.</li>'
    notice = ""
    if state.notice:
        notice = ('<p role="note" style="border-left:6px solid #0072B2;padding:.3em .8em;margin:.6em 0;'
                  f'color:#111;background:#EEF6FC">{_e(state.notice)}</p>')
    return (f'<div role="log" aria-live="polite" aria-label="Chat with {_e(sc.their_name)}">'
            '<ol style="list-style:none;padding:0;margin:0;font-size:1.1em;max-width:40em">'
            f"{items}</ol></div>{notice}")


def feedback_html(choice: Choice | None) -> str:
    """The feedback on a reply, labelled "Safe choice", "Risky choice" or "Neutral choice"."""
    if choice is None:
        return ""
    label, mark, colour = QUALITY_LABELS[choice.quality]
    steps = ""
    if choice.steps:
        titles = {st.number: st.title for st in content.steps()}
        steps = "<p><strong>Practised:</strong> " + "; ".join(
            f"step {n}, {_e(titles.get(n, '').lower())}" for n in choice.steps) + "</p>"
    return (f'<div role="status" style="border-left:6px solid {colour};padding:.3em .8em;margin:.5em 0;'
            'color:#111;background:#FAFAFA;max-width:44em;font-size:1.05em">'
            f'<p style="margin:.2em 0"><span style="background:{colour};color:#000;font-weight:bold;'
            f'padding:.1em .5em;border-radius:.3em">{mark} {label}</span></p>'
            f"<p>{_e(choice.feedback)}</p>{steps}</div>")


def debrief_html(state: State) -> str:
    """The debrief once the conversation has ended: what happened, the counts, what to do."""
    if not state.ended:
        return ""
    sc, end, summ = state.scenario, state.ending, summary(state)
    parts = [f'<section aria-label="Debrief" style="border:2px solid #555;border-radius:.5em;'
             f'padding:.5em 1em;margin:.6em 0;color:#111;background:#FFF;max-width:44em;font-size:1.05em">'
             f'<h3 style="margin:.2em 0">{_e(end.title)}</h3><p>{_e(end.debrief)}</p>'
             f"<p><strong>Your replies:</strong> {_e(summ.text)}</p>"]
    if sc.uses_steps:
        done = set(summ.steps)
        rows = "".join(f"<li>{'&#x2713; practised' if st.number in done else '&#x25CB; not practised this time'}"
                       f": {_e(st.title)}"
                       + (f" <em>(Under 18: {_e(st.under_18)})</em>" if st.may_come_first and st.under_18 else "")
                       + "</li>" for st in content.steps())
        parts.append(f"<p><strong>The five steps, in order:</strong></p><ol>{rows}</ol>")
    if end.takeaways:
        parts.append("<p><strong>What you can do</strong></p><ul>"
                     + "".join(f"<li>{_e(t)}</li>" for t in end.takeaways) + "</ul>")
    if sc.limits:
        parts.append(f"<p><em>What this practice doesn't cover:</em> {_e(sc.limits)}</p>")
    parts.append(_crisis(sc) + "</section>")
    return "".join(parts)


def overview_html(scenarios: list[Scenario]) -> str:
    """A table of scenarios with their summaries, content notes and audience notes."""
    body = "".join(
        f'<tr><th scope="row" style="text-align:left;vertical-align:top">{_e(s.title)}</th>'
        f'<td style="text-align:left;vertical-align:top">{_e(s.summary)}</td>'
        f'<td style="text-align:left;vertical-align:top">{_e(s.content_note or "None")}</td>'
        f'<td style="text-align:left;vertical-align:top">{_e(s.audience)}</td></tr>' for s in scenarios)
    return ('<table style="font-size:1em"><caption style="text-align:left;font-weight:bold">'
            "The practice scenarios</caption><tr>"
            + "".join(f'<th scope="col" style="text-align:left">{h}</th>'
                      for h in ("Scenario", "What you practise", "Content note", "Who it suits"))
            + f"</tr>{body}</table>")


def _button_label(choice: Choice) -> str:
    return f"Do: {choice.text}" if choice.kind == "action" else f"Say: \u201c{choice.text}\u201d"


class ChatPractice:
    """Play one scenario: chat bubbles, reply buttons, feedback and a debrief.

    Parameters
    ----------
    scenario : Scenario or str
        A scenario, or the id or path to :func:`safetylab.scenarios.load`.

    Attributes
    ----------
    state : safetylab.scenarios.State
        Where the conversation is now.
    log, feedback, debrief, intro : ipywidgets.HTML
        The conversation, the feedback on the last reply, the debrief at the
        end, and the title with any content note.
    choice_buttons : list of ipywidgets.Button
        One per reply on offer now (rebuilt after each choice).
    begun : bool
        False while a content note is waiting for "Begin".
    """

    def __init__(self, scenario: Scenario | str):
        import ipywidgets as w

        self.scenario = scenario if isinstance(scenario, Scenario) else load(scenario)
        self.state: State = start(self.scenario)
        self.begun = self.scenario.content_note is None
        self.intro = w.HTML(intro_html(self.scenario))
        self.begin_button = w.Button(description="Begin", button_style="",
                                     tooltip="Start the conversation", layout=w.Layout(width="auto"))
        self.log = w.HTML()
        self.prompt = w.HTML()
        self.choices_box = w.VBox()
        self.choice_buttons: list = []
        self.feedback = w.HTML()
        self.debrief = w.HTML()
        self.restart_button = w.Button(description="Start again", tooltip="Go back to the first message",
                                       layout=w.Layout(width="auto"))
        self.begin_button.on_click(lambda _b: self.begin())
        self.restart_button.on_click(lambda _b: self.restart())
        self.widget = w.VBox([w.HTML(_CSS), self.intro, self.log, self.begin_button, self.feedback,
                              self.prompt, self.choices_box, self.debrief, self.restart_button])
        self._render()

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def begin(self) -> None:
        """Show the conversation (after the content note, when there is one)."""
        self.begun = True
        self._render()

    def choose(self, index: int) -> State:
        """Pick reply number ``index`` (from 0), as clicking its button does."""
        self.begun = True
        self.state = choose(self.state, index)
        self._render()
        return self.state

    def restart(self) -> None:
        """Go back to the first message, clearing feedback and debrief."""
        self.state = start(self.scenario)
        self._render()

    def _render(self) -> None:
        import ipywidgets as w

        self.begin_button.layout.display = "none" if self.begun else None
        self.restart_button.layout.display = None if self.begun else "none"
        if not self.begun:
            self.log.value = ('<p>Read the note above. When you are ready, press <strong>Begin</strong>. '
                              "You can stop at any time.</p>")
            self.prompt.value = self.feedback.value = self.debrief.value = ""
            self.choice_buttons = []
            self.choices_box.children = ()
            self.begin_button.focus()
            return
        st = self.state
        self.log.value = transcript_html(st)
        self.feedback.value = feedback_html(st.last_choice)
        self.debrief.value = debrief_html(st)
        self.prompt.value = "" if st.ended else '<p style="margin:.4em 0"><strong>Your reply:</strong></p>'
        self.choice_buttons = []
        for i, choice in enumerate(st.choices):
            label = _button_label(choice)
            b = w.Button(description=label, tooltip=label, layout=w.Layout(width="100%", height="auto"))
            b.add_class("safetylab-reply")
            b.on_click(lambda _b, i=i: self.choose(i))
            self.choice_buttons.append(b)
        self.choices_box.children = tuple(self.choice_buttons)
        (self.choice_buttons[0] if self.choice_buttons else self.restart_button).focus()


class ScenarioPicker:
    """Choose a scenario from a list (with content notes) and play it.

    Parameters
    ----------
    extra_dir : path-like, optional
        A folder of a trainer's own scenario files to list as well. If one of
        them breaks a rule, the shipped scenarios are still offered and the
        problem is shown in one line.
    packs : bool
        Also list the scenarios of the trainer's course pack (``SAFETYLAB_PACK``,
        see :mod:`safetylab.pack`). Every scenario that does not come with
        safetylab is marked as the trainer's in the list.

    Attributes
    ----------
    scenarios : list of Scenario
    dropdown : ipywidgets.Dropdown
        Its value is the chosen scenario's id.
    practice : ChatPractice
        The chosen scenario, ready to play.
    overview, status : ipywidgets.HTML
        A table of all scenarios, and any problem loading the trainer's folder.
    """

    def __init__(self, extra_dir=None, *, packs: bool = True):
        import ipywidgets as w

        self.status = w.HTML()
        problems: list[str] = []
        try:
            self.scenarios = load_all(extra_dir)
        except SafetyLabError as err:
            self.scenarios = load_all()
            problems.append(str(err))
        if packs:
            found, broken = pack.from_environment()
            problems += broken
            taken = {s.id for s in self.scenarios}
            for sc in pack.scenarios(found):
                if sc.id in taken:
                    problems.append(f"{sc.source}: id: '{sc.id}' is already used by another scenario")
                    continue
                taken.add(sc.id)
                self.scenarios.append(sc)
        if problems:
            self.status.value = (f'<p role="alert"><strong>Your scenarios could not all be used:</strong> '
                                 f"{_e(problems[0])}</p>")
        shipped = set(shipped_ids())
        self.overview = w.HTML(overview_html(self.scenarios))
        options = [(s.title + ("" if s.id in shipped else f" ({pack.TRAINER_MARK})")
                    + (" (content note)" if s.content_note else ""), s.id) for s in self.scenarios]
        self.dropdown = w.Dropdown(options=options, value=options[0][1], description="Scenario:",
                                   style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self.practice = ChatPractice(self.scenarios[0])
        self.area = w.VBox([self.practice.widget])
        about = w.Accordion(children=[self.overview], titles=("About the scenarios",))
        about.selected_index = None
        self.dropdown.observe(lambda change: self._show(change["new"]), names="value")
        self.widget = w.VBox([self.status, self.dropdown, about, self.area])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def select(self, scenario_id: str) -> ChatPractice:
        """Choose a scenario by id, as picking it in the list does."""
        self.dropdown.value = scenario_id
        return self.practice

    def _show(self, scenario_id: str) -> None:
        chosen = next(s for s in self.scenarios if s.id == scenario_id)
        self.practice = ChatPractice(chosen)
        self.area.children = (self.practice.widget,)
