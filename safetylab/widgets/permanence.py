"""Widgets and figures for the lesson "Screenshots are forever".

Thin by design: the capture, the copies model and the forwarding simulation
are :mod:`safetylab.permanence`; this module only lays their results out. Every
widget can be driven from plain Python (``view.show()``, ``view.capture(...)``,
``view.hide()``, ``explorer.buttons["unsend"].click()``, setting a slider's
``value``), which is how the tests use it.

The widgets show the course's sample pictures only; no learner photo is used.

What this does not protect against: no app can stop a second phone pointed at
the screen; "view once" only changes what the app itself keeps.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING, Callable, Sequence

from ._media import AltImage
from ._style import table_html as _table
from ._style import verdict_html as _verdict
from .. import content, plain
from .. import permanence as perm
from .._html import escape as _e
from ..images import WORKING_SIDE, as_image

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["link_html", "survey_html", "edits_html", "capture_note_html", "copies_html", "forwarding_html",
           "forwarding_table_html", "FORWARDING_STEPS", "FORWARDING_RUNS",
           "plot_capture", "plot_capture_survey", "plot_copies", "plot_forwarding",
           "ViewOnce", "CopiesExplorer", "ForwardingExplorer"]

#: How :class:`ForwardingExplorer` and :func:`forwarding_table_html` run the simulation (one setting,
#: so the explorer and the table agree).
FORWARDING_STEPS, FORWARDING_RUNS = 8, 200

# Okabe-Ito, always with a text label or a hatch: colour is never the only signal.
_ORANGE, _BLUE, _GREEN, _GREY, _SKY, _YELLOW = "#D55E00", "#0072B2", "#009E73", "#999999", "#56B4E9", "#E69F00"


def _png(fig_or_image, *, dpi: int = 80, max_side: int = 360) -> bytes:
    buf = io.BytesIO()
    if hasattr(fig_or_image, "savefig"):
        fig_or_image.savefig(buf, format="png", dpi=dpi)
    else:
        im = fig_or_image.copy()
        im.thumbnail((max_side, max_side))
        im.save(buf, "JPEG", quality=90)  # pictures as JPEG: quick to make, small to send
    return buf.getvalue()


# --------------------------------------------------------------------------- #
# HTML
# --------------------------------------------------------------------------- #

def link_html(check: "perm.LinkCheck", how: str = "The copy") -> str:
    """Whether a captured copy still leads back to the original, as plain sentences."""
    rows = [("Same-picture search (fingerprint)",
             f"{check.hash_distance} of 256 bits differ (the line is {check.hash_threshold})",
             _verdict(check.hash_linked, "SAME PICTURE", "not found by the fingerprint"))]
    if check.faces_in_original:
        if check.face_distance is None:
            rows.append(("Face search", "no face found in the copy", _verdict(False, "", "no face to compare")))
        else:
            rows.append(("Face search", f"distance {check.face_distance:.2f} (the line is {check.face_threshold:.2f})",
                         _verdict(bool(check.face_linked), "SAME PERSON", "different person")))
    elif check.faces_in_original == 0:
        rows.append(("Face search", "no face in the original", "—"))
    summary = ("<p><strong>The copy still leads back to the original.</strong> Disappearing from the app "
               "did not make it disappear from the world.</p>" if check.linked else
               "<p>This copy is not linked by these two searches. It still exists, and anyone who "
               "sees it can see what it shows.</p>")
    return ('<div role="status">' + summary
            + _table(f"{how}: does it still match the original?", ["Check", "Measure", "Result"],
                     [(_e(a), _e(b), c) for a, b, c in rows]) + "</div>")


def _short(name: str) -> str:
    """A sample's short label in words: ``xmp_iptc.jpg`` -> ``coffee on a cafe table``."""
    from .. import samples

    return samples.label(name)


def survey_html(results: Sequence["perm.CaptureResult"], *, trainer: bool | None = None) -> str:
    """How many captures still match their original; in trainer mode, every sample, folded away.

    A learner reads the overall result (the chart shows each photo); the table of
    every sample's distance is for a trainer.
    """
    from ..environment import learner_mode

    linked = sum(r.linked for r in results)
    lost = [_short(r.name) for r in results if not r.linked]
    out = (f'<p><strong>{linked} of {len(results)}</strong> photos of the screen ({perm.match_rate(results):.0%}) '
           "still match their original by picture hash."
           + (f" The hash lost {len(lost)}: {_e(', '.join(lost))}." if lost else "")
           + "</p>")
    if not learner_mode() if trainer is None else trainer:
        rows = [(_e(r.name), f"{r.distance}", _verdict(r.linked, "still matches", "lost by the hash"))
                for r in results]
        out += ("<details><summary>For trainers: every sample photo</summary>"
                + _table("Photographed from a second phone: bits that differ from the original (of 256)",
                         ["Sample photo", "Bits that differ", "Result"], rows) + "</details>")
    return out


def edits_html(results: Sequence["perm.EditResult"]) -> str:
    """Each everyday edit, its hash distance, and whether the copy still matches."""
    rows = [(_e(r.label), f"{r.distance} of 256", _verdict(r.linked, "still matches", "lost by the hash"))
            for r in results]
    return _table("Edits that do not erase: does the edited copy still match?",
                  ["Edit", "Bits that differ", "Result"], rows)


def capture_note_html(kind: str) -> str:
    """What apps do about this kind of capture (from ``places.json``, each with its source), and the lesson's point.

    A screenshot: some apps block it, some tell the sender. A second phone:
    no app can notice. Either way, anything on a screen can be captured.
    """
    if kind != "screenshot":
        return f"<p>{_e(content.second_phone_note())}</p>"
    items = "".join(f"<li><strong>{_e(n.app)}:</strong> {_e(n.note)}</li>" for n in content.view_once_notes())
    return ("<p>What apps typically do about a screenshot of a “view once” photo (it changes with versions):</p>"
            f"<ul>{items}</ul><p>{_e(content.second_phone_note())}</p>")


def copies_html(copies: "perm.Copies") -> str:
    """Where the photo still is, as an accessible table, with the caveat."""
    rows = []
    actions = content.delete_actions()
    for p in content.places():
        here = copies.has(p.id)
        if here and not p.removed_by:
            state = '<strong style="color:#A33F00">&#9679; STILL THERE — no button reaches it</strong>'
        elif here:
            state = '<strong style="color:#8A5A00">&#9679; still there</strong>'
        else:
            state = '<span style="color:#0072B2">&#9675; removed (typically)</span>'
        reach = ", ".join(a.label for a in actions.values() if a.id in p.removed_by) or "none"
        rows.append((_e(p.label.replace("\n", " ")), state, _e(reach), _e(p.note)))
    last = (f"<p><strong>{_e(actions[copies.pressed[-1]].label)}:</strong> "
            f"{_e(actions[copies.pressed[-1]].note)}</p>" if copies.pressed else "")
    return (f'<div role="status">{last}<p>{_e(perm.copies_summary(copies))}</p></div>'
            + _table("Where the photo is", ["Place", "Now", "Typically removed by", "How it got there"], rows)
            + f"<p><em>{_e(content.places_caveat())}</em></p>")


def forwarding_table_html(graph, settings: Sequence[tuple[float, int]], *, steps: int = FORWARDING_STEPS,
                          runs: int = FORWARDING_RUNS, seed: int = 0) -> str:
    """Several (chance, group size) settings side by side, run exactly as :class:`ForwardingExplorer` runs them.

    The same graph, steps, runs and seed as the explorer, so a row here and the
    explorer set to the same values say the same numbers.
    """
    rows = []
    for p, m in settings:
        r = perm.simulate_forwarding(graph, p, m, steps=steps, runs=runs, seed=seed)
        rows.append((f"{p:.0%}", f"{m}", f"about {plain.count(round(float(r.mean_copies[-1])), 'copy', 'copies')}",
                     f"{r.chance_known[-1]:.0%}", f"{perm.expected_copies(r.steps, p, m):,.0f}"))
    return _table(f"After {steps} rounds of forwarding, in a made-up network of {graph.number_of_nodes():,} people",
                  ["Chance to forward", "Group size", "Phones with a copy (average)",
                   "Runs where it reached someone the sender knows", "Simple theory (new people only)"], rows)


def forwarding_html(result: "perm.ForwardingResult") -> str:
    """The forwarding run in words: copies after the last step, and the chance it reached someone known."""
    k = result.steps
    mean, known = result.mean_copies[-1], result.chance_known[-1]
    tree = result.theory[-1]
    return (f'<div role="status"><p>Chance each person forwards it: <strong>{result.p:.0%}</strong>; '
            f"group size: <strong>{result.m}</strong>. After {k} rounds of forwarding, the photo is on "
            f"<strong>{plain.count(round(float(mean)), 'phone')}</strong> on average (of {result.people:,} people in "
            f"this made-up network). In <strong>{known:.0%}</strong> of the {result.copies.shape[0]} runs it reached "
            "someone the sender knows.</p>"
            f"<p>The simple theory (every forward reaches new people) says {tree:,.0f}. Real friend "
            "groups overlap, so many forwards reach people who already have it, and the network is "
            "finite.</p></div>")


# --------------------------------------------------------------------------- #
# Figures (object-oriented matplotlib; each has fig.text_alternative)
# --------------------------------------------------------------------------- #

def _new_fig(fig, size):
    from matplotlib.figure import Figure

    fig = fig or Figure(figsize=size, layout="constrained")
    fig.clear()
    return fig


def plot_capture(original, copy, check: "perm.LinkCheck | None" = None, *, how: str = "Captured copy",
                 fig: "Figure | None" = None) -> "Figure":
    """The original and the captured copy side by side, titled with the verdict."""
    fig = _new_fig(fig, (8, 3.8))
    ax1, ax2 = fig.subplots(1, 2)
    ax1.imshow(as_image(original, max_side=WORKING_SIDE))
    ax1.set_title("The original (shown once)", fontsize=11)
    ax2.imshow(as_image(copy, max_side=WORKING_SIDE))
    verdict = "" if check is None else ("STILL MATCHES" if check.linked else "not matched")
    ax2.set_title(f"{how}\n{verdict}", fontsize=11, color=_ORANGE if check is not None and check.linked else "black",
                  fontweight="bold" if check is not None and check.linked else "normal")
    for ax in (ax1, ax2):
        ax.set_xticks([])
        ax.set_yticks([])
    detail = "" if check is None else (f" {check.hash_distance} of 256 hash bits differ"
                                      + (f"; face distance {check.face_distance:.2f}"
                                         if check.face_distance is not None else "") + f": {verdict.lower()}.")
    fig.text_alternative = f"Left: the original photo. Right: {how.lower()} of it.{detail}"
    return fig


def plot_capture_survey(results: Sequence["perm.CaptureResult"], *, threshold: int | None = None,
                        fig: "Figure | None" = None) -> "Figure":
    """One bar per sample: the capture's hash distance, with the match line; hatching marks a miss."""
    from ..hashing import PDQ_MATCH_DISTANCE

    threshold = PDQ_MATCH_DISTANCE if threshold is None else threshold
    fig = _new_fig(fig, (8, 0.45 * len(results) + 1.6))
    ax = fig.subplots()
    names = [_short(r.name) for r in results]
    y = range(len(results))
    ax.barh(y, [r.distance for r in results], color=[_BLUE if r.linked else _ORANGE for r in results],
            hatch=["" if r.linked else "//" for r in results], edgecolor="black")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.axvline(threshold, color="black", linestyle="--")
    ax.text(threshold, -0.7, f" match line: {threshold} bits", va="bottom", fontsize=9)
    ax.set_xlim(0, 128)
    ax.set_xlabel("Bits of the picture hash that differ from the original (of 256; unrelated pictures: about 128)")
    ax.set_title("A second phone's photo of the screen, for every sample photo")
    hit = sum(r.linked for r in results)
    fig.text_alternative = (f"Bar chart of hash distances for {len(results)} sample photos photographed from "
                            f"a second phone. {hit} are at or under the match line of {threshold} bits and still "
                            "match" + (": all but " + ", ".join(_short(r.name) for r in results if not r.linked)
                                       if hit < len(results) else "") + ".")
    return fig


_SIDE_X = {"you": 0.1, "service": 0.35, "them": 0.6, "beyond": 0.87}


def plot_copies(copies: "perm.Copies", *, fig: "Figure | None" = None) -> "Figure":
    """The places a sent photo lives, as boxes joined by arrows; removed copies are hatched and labelled."""
    from matplotlib.patches import FancyBboxPatch

    fig = _new_fig(fig, (9, 4.2))
    ax = fig.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    all_places = content.places()
    pos = {}
    for side, x in _SIDE_X.items():  # the places of one side, stacked from the top
        column = [p for p in all_places if p.side == side]
        for i, p in enumerate(column):
            pos[p.id] = (x, 0.5 if len(column) == 1 else 0.84 - i * (0.68 / (len(column) - 1)))
    bw, bh = 0.2, 0.2 if max(sum(p.side == side for p in all_places) for side in _SIDE_X) < 4 else 0.16
    states = []
    for p in all_places:
        x, y = pos[p.id]
        here = copies.has(p.id)
        if here and not p.removed_by:
            face, hatch, status = _ORANGE, "", "STILL THERE\n(out of reach)"
        elif here:
            face, hatch, status = _YELLOW, "", "STILL THERE"
        else:
            face, hatch, status = "white", "xx", "removed"
        ax.add_patch(FancyBboxPatch((x - bw / 2, y - bh / 2), bw, bh, boxstyle="round,pad=0.01",
                                    facecolor=face, edgecolor="black", hatch=hatch, linewidth=1.5,
                                    linestyle="-" if here else "--", alpha=1.0 if here else 0.8))
        ax.text(x, y + 0.035, p.label, ha="center", va="center", fontsize=9, fontweight="bold",
                bbox=None if here else {"facecolor": "white", "edgecolor": "none", "pad": 1})
        ax.text(x, y - 0.075, status, ha="center", va="center", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        states.append(f"{p.label.replace(chr(10), ' ')}: {status.replace(chr(10), ' ')}")

    def arrow(a, b):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        if abs(x0 - x1) < 1e-6:  # same column: straight down (or up), edge to edge
            sign = 1 if y1 < y0 else -1
            start, end = (x0, y0 - sign * bh / 2), (x1, y1 + sign * bh / 2)
        else:
            start, end = (x0 + bw / 2, y0), (x1 - bw / 2, y1)
        ax.annotate("", xy=end, xytext=start,
                    arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 1.2})

    for p in all_places:
        if p.comes_from in pos:
            arrow(p.comes_from, p.id)
    labels = content.delete_actions()
    pressed = ", then ".join(labels[a].label for a in copies.pressed) or "nothing pressed yet"
    ax.set_title(f"Where the photo is — {pressed}", fontsize=11)
    fig.text_alternative = ("Diagram of where a sent photo lives, from your phone through the chat service to "
                            f"their phone and beyond. Pressed: {pressed}. " + "; ".join(states) + ".")
    return fig


def plot_forwarding(result: "perm.ForwardingResult", *, fig: "Figure | None" = None) -> "Figure":
    """Copies over time (simulation and tree theory) and the chance it has reached someone the sender knows.

    Passing back a figure this function made updates it in place (quicker: the
    layout is kept).
    """
    import numpy as np
    from matplotlib.figure import Figure

    art = getattr(fig, "_forwarding", None)
    if art is None:
        fig = fig or Figure(figsize=(9, 3.6))
        fig.clear()
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.4)
        ax1, ax2 = fig.subplots(1, 2)
        art = {"ax1": ax1, "ax2": ax2, "band": None,
               "mean": ax1.plot([], [], color=_BLUE, marker="o", label="simulation: average")[0],
               "theory": ax1.plot([], [], color="black", linestyle="--", marker="s", markersize=4,
                                  label="theory if every forward reached new people")[0],
               "known": ax2.plot([], [], color=_ORANGE, marker="D")[0]}
        ax1.set_xlabel("Rounds of forwarding")
        ax1.set_ylabel("Phones holding a copy")
        ax1.set_title("Copies over time")
        ax2.set_ylim(-3, 103)
        ax2.set_xlabel("Rounds of forwarding")
        ax2.set_ylabel("Runs reaching someone\nthe sender knows (%)")
        ax2.set_title("Reaching the sender's own circle")
        for ax in (ax1, ax2):
            ax.grid(alpha=0.3)
        fig._forwarding = art
    ax1, ax2 = art["ax1"], art["ax2"]
    k = np.arange(result.steps + 1)
    lo, hi = np.percentile(result.copies, [10, 90], axis=0)
    if art["band"] is not None:
        art["band"].remove()
    art["band"] = ax1.fill_between(k, lo, hi, color=_SKY, alpha=0.4, hatch="..",
                                   label="most runs (10th to 90th percentile)")
    art["mean"].set_data(k, result.mean_copies)
    theory = np.minimum(result.theory, result.people)
    art["theory"].set_data(k, theory)
    art["known"].set_data(k, 100 * result.chance_known)
    ax1.set_xlim(-0.3, result.steps + 0.3)
    ax2.set_xlim(-0.3, result.steps + 0.3)
    ax1.set_ylim(0, max(float(hi.max()), float(theory.max()), 2.0) * 1.08)
    ax1.legend(handles=[art["band"], art["mean"], art["theory"]], fontsize=8, loc="upper left")
    fig.text_alternative = (
        f"Two line charts over {result.steps} rounds of forwarding, chance to forward {result.p:.0%}, group size "
        f"{result.m}. Left: average copies rise to {result.mean_copies[-1]:.0f} (theory for new people only: "
        f"{result.theory[-1]:,.0f}). Right: the share of runs in which someone the sender knows has a copy "
        f"rises to {result.chance_known[-1]:.0%}.")
    return fig


# --------------------------------------------------------------------------- #
# Widgets
# --------------------------------------------------------------------------- #

class ViewOnce:
    """A "view once" photo: shown for a few seconds, then hidden — and capturable while it shows.

    Press **Open the photo**; it disappears after ``seconds``. While it is
    visible, **Take a screenshot** or **Photograph the screen with a second
    phone** makes a copy; the copy, the original and whether they still link
    are then shown side by side.

    Parameters
    ----------
    picture : PIL image or path
        A sample picture.
    seconds : float
        How long the photo stays visible.
    clock : callable
        Returns the time in seconds (default :func:`time.monotonic`); a test
        passes its own and calls :meth:`expire_if_due`.
    auto_hide : bool
        Schedule the hiding on the kernel's running asyncio loop (when there is
        one). The scheduled call is cancelled by :meth:`hide` and :meth:`close`;
        no thread is started.
    faces : bool
        Also compare faces when the picture shows one.
    seed : int
        Seed of the second-phone capture (each capture adds one, so each is taken
        from a slightly different angle).
    """

    def __init__(self, picture, *, seconds: float = 5.0, clock: Callable[[], float] = time.monotonic,
                 auto_hide: bool = True, faces: bool = True, seed: int = 0):
        import ipywidgets as w

        self.picture = perm.on_screen(picture)
        self.seconds = float(seconds)
        self.clock = clock
        self.auto_hide = auto_hide
        self.seed = seed
        self.visible = False
        self.opened_at: float | None = None
        self.copy = None
        self.check: perm.LinkCheck | None = None
        self._handle = None
        self._hashes = perm.reference_hashes(self.picture)
        self._faces = None
        if faces:
            from ..errors import SafetyLabError

            try:
                self._faces = perm.face_vectors(self.picture)
            except SafetyLabError:
                self._faces = None  # no face model: the hash alone decides
        self._use_faces = faces and self._faces is not None
        self._picture_png = _png(self.picture)
        self.open_button = w.Button(description="Open the photo", icon="eye",
                                    tooltip=f"Shows the photo for {self.seconds:g} seconds")
        self.screenshot_button = w.Button(description="Take a screenshot", disabled=True,
                                          tooltip="Copy the screen while the photo is visible")
        self.phone_button = w.Button(description="Photograph the screen with a second phone", disabled=True,
                                     layout=w.Layout(width="auto"),
                                     tooltip="A second phone pointed at the screen: no notification is sent")
        self.screen = AltImage(format="jpeg", width=300, layout=w.Layout(width="300px", min_height="120px"))
        self.screen.alt = "The photo is closed."
        self.status = w.HTML(value='<p role="status">Press <strong>Open the photo</strong>. It will disappear '
                                   f"after {self.seconds:g} seconds.</p>")
        self.copy_view = AltImage(format="jpeg", width=300, layout=w.Layout(width="300px"))
        self.result = w.HTML()
        self.open_button.on_click(lambda _b: self.show())
        self.screenshot_button.on_click(lambda _b: self.capture("screenshot"))
        self.phone_button.on_click(lambda _b: self.capture("second_phone"))
        self.widget = w.VBox([
            w.HBox([self.open_button, self.screenshot_button, self.phone_button]), self.status,
            w.HBox([w.VBox([w.HTML("<strong>The app's screen</strong>"), self.screen]),
                    w.VBox([w.HTML("<strong>The captured copy</strong>"), self.copy_view])]),
            self.result])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    # -- the timer -------------------------------------------------------- #
    def remaining(self) -> float:
        """Seconds until the photo disappears (0 when it is hidden)."""
        if not self.visible or self.opened_at is None:
            return 0.0
        return max(0.0, self.seconds - (self.clock() - self.opened_at))

    def show(self) -> None:
        """Open the photo; it hides itself after ``seconds``."""
        self._cancel()
        self.visible = True
        self.opened_at = self.clock()
        self.screen.value = self._picture_png
        self.screen.alt = "The sample photo, visible for a few seconds."
        self.screenshot_button.disabled = self.phone_button.disabled = False
        self.open_button.disabled = True
        self.status.value = (f'<p role="status">The photo is visible for {self.seconds:g} seconds. Capture it '
                             "now, or let it disappear.</p>")
        if self.auto_hide:
            import asyncio

            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no running loop (plain Python, a test): call expire_if_due() or hide()
                loop = None
            if loop is not None:
                self._handle = loop.call_later(self.seconds, self.expire_if_due)

    def expire_if_due(self) -> bool:
        """Hide the photo if its time is up; returns True when it hid it."""
        if self.visible and self.remaining() <= 0:
            self.hide()
            return True
        return False

    def hide(self) -> None:
        """The photo disappears from the app (any copy made stays)."""
        self._cancel()
        was = self.visible
        self.visible = False
        self.screen.value = b""
        self.screen.alt = "The photo has disappeared from the app."
        self.screenshot_button.disabled = self.phone_button.disabled = True
        self.open_button.disabled = False
        if was:
            kept = (" <strong>But a copy was made while it was visible — and the copy did not "
                    "disappear.</strong>" if self.copy is not None else
                    " Nobody captured it this time. You could not have known that in advance.")
            self.status.value = f'<p role="status">The photo has disappeared from the app.{kept}</p>'

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def close(self) -> None:
        """Cancel the timer and close the widgets."""
        self._cancel()
        self.widget.close()

    # -- capturing -------------------------------------------------------- #
    def capture(self, kind: str = "second_phone"):
        """Capture the photo while it is visible; returns the :class:`~safetylab.permanence.LinkCheck`.

        Returns None (and says why) when the photo is not visible.
        """
        self.expire_if_due()
        if not self.visible:
            self.status.value = ('<p role="status">The photo is not on the screen, so there is nothing to '
                                 "capture. Open it first.</p>")
            return None
        copy = perm.capture(self.picture, kind, seed=self.seed)
        if kind == "second_phone":
            self.seed += 1
        check = perm.link_check(self.picture, copy, faces=self._use_faces, original_hash=self._hashes,
                                original_faces=self._faces)
        self.copy, self.check = copy, check
        how = perm.CAPTURE_KINDS[kind]
        self.copy_view.value = _png(copy)
        self.copy_view.alt = f"{how} of the photo."
        self.result.value = link_html(check, how) + capture_note_html(kind)
        return check


class CopiesExplorer:
    """Press delete buttons and watch which copies of a sent photo go, and which stay.

    The diagram (:func:`plot_copies`) and the table (:func:`copies_html`) update
    on every press; **Start again** goes back to the day after sending.
    """

    def __init__(self, *, dpi: int = 72):
        import ipywidgets as w

        self.dpi = dpi
        self.copies = perm.initial_copies()
        self.buttons = {a.id: w.Button(description=a.label, tooltip=a.note, layout=w.Layout(width="auto"))
                        for a in content.delete_actions().values()}
        self.reset_button = w.Button(description="Start again", icon="undo")
        for a, b in self.buttons.items():
            b.on_click(lambda _b, a=a: self.press(a))
        self.reset_button.on_click(lambda _b: self.reset())
        self.diagram = AltImage(format="png", layout=w.Layout(width="100%", max_width="760px"))
        self.text = w.HTML()
        self.widget = w.VBox([w.HBox([*self.buttons.values(), self.reset_button]), self.diagram, self.text])
        self.update()

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def press(self, action: str) -> "perm.Copies":
        """Press one of the delete buttons (an id of :func:`safetylab.content.delete_actions`)."""
        self.copies = perm.apply_delete(self.copies, action)
        self.update()
        return self.copies

    def reset(self) -> None:
        """Back to the day after the photo was sent."""
        self.copies = perm.initial_copies()
        self.update()

    def update(self) -> None:
        fig = plot_copies(self.copies)
        self.diagram.value = _png(fig, dpi=self.dpi)
        self.diagram.alt = fig.text_alternative
        self.text.value = copies_html(self.copies)


class ForwardingExplorer:
    """Sliders for the chance to forward and the group size; the plots update when a slider is let go.

    Parameters
    ----------
    graph : networkx.Graph, optional
        The contact network (default :func:`~safetylab.permanence.contact_graph`).
    steps, runs, seed : int
        Rounds of forwarding, runs per update, and the seed (same settings, same picture).
    """

    def __init__(self, graph=None, *, steps: int = FORWARDING_STEPS, runs: int = FORWARDING_RUNS, seed: int = 0,
                 p: float = 0.3, m: int = 4, dpi: int = 72):
        import ipywidgets as w

        self.graph = perm.contact_graph() if graph is None else graph
        self.steps, self.runs, self.seed, self.dpi = steps, runs, seed, dpi
        self.p = w.FloatSlider(value=p, min=0.0, max=1.0, step=0.05, description="Chance to forward",
                               continuous_update=False, readout_format=".0%",
                               style={"description_width": "initial"})
        self.m = w.IntSlider(value=m, min=1, max=10, description="Group size", continuous_update=False,
                             style={"description_width": "initial"})
        self.plot = AltImage(format="png", layout=w.Layout(width="100%", max_width="760px"))
        self.text = w.HTML()
        self.result: perm.ForwardingResult | None = None
        self.figure = None
        self.p.observe(lambda _c: self.update(), names="value")
        self.m.observe(lambda _c: self.update(), names="value")
        self.widget = w.VBox([w.HBox([self.p, self.m]), self.plot, self.text])
        self.update()

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def update(self) -> "perm.ForwardingResult":
        """Run the simulation for the sliders' values and redraw."""
        self.result = perm.simulate_forwarding(self.graph, self.p.value, self.m.value, steps=self.steps,
                                               runs=self.runs, seed=self.seed)
        fig = self.figure = plot_forwarding(self.result, fig=self.figure)
        self.plot.value = _png(fig, dpi=self.dpi)
        self.plot.alt = fig.text_alternative
        self.text.value = forwarding_html(self.result)
        return self.result
