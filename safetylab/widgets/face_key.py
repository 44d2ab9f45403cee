"""Widgets and figures for the lesson "Your face is a search key".

Thin by design: the searching is :mod:`safetylab.linking`, the hashing
:mod:`safetylab.hashing`, the hiding :mod:`safetylab.redact`; this module only
lays results out. Every widget can be driven from plain Python
(``explorer.load_chat_bytes(...)``, ``explorer.search_button.click()``), which is
how the tests use it.

A learner's own photos stay on their machine and out of the notebook: they are
decoded in memory (never written to disk), the upload widgets are emptied at
once, only text tables (never the pictures) go into the outputs, and
"Forget my photos" drops them.

What this does not protect against: the searches here are small and local; real
face-search services search far more pictures.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ._media import AltImage
from ..memory import after_learner_photo, gives_way
from ._private import clear_upload, take_upload
from ._style import table_html as _table
from ._style import verdict_html as _verdict
from ..errors import SafetyLabError
from .._html import escape as _e
from ..images import WORKING_SIDE, as_image

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..linking import FaceSearch, ProfileGallery, RedactionCheck, RetrievalStats

__all__ = ["hash_matches_html", "face_matches_html", "redaction_html", "stats_html",
           "plot_search", "plot_gallery", "plot_redactions", "LinkExplorer", "RobustnessExplorer",
           "ACCEPT"]

ACCEPT = ".jpg,.jpeg,.png,.webp,.tif,.tiff,.heic,.heif,.avif"
# Colour-blind-safe (Okabe-Ito), always with a text label: colour is never the only signal.


# --------------------------------------------------------------------------- #
# HTML
# --------------------------------------------------------------------------- #

def hash_matches_html(matches: Sequence, *, kind: str = "pdq", threshold: int | None = None,
                      caption: str = "Profiles whose picture is the same photo") -> str:
    """The nearest profiles by picture hash, with distances and a verdict for each."""
    from ..hashing import KINDS, match_distance

    threshold = match_distance(kind) if threshold is None else threshold
    bits = KINDS[kind]
    rows = [(_e(m.profile.handle), _e(m.profile.name), f"{m.distance} of {bits}",
             _verdict(m.linked, "SAME PICTURE", "different picture")) for m in matches]
    if not rows:
        return "<p>The gallery is empty: there is nothing to compare with.</p>"
    return (_table(caption, ["Profile", "Name shown", "Bits that differ", "Verdict"], rows)
            + f"<p>Rule: at most <strong>{threshold} of {bits}</strong> bits differ means the same "
              "picture, even resized, recompressed or screenshotted.</p>")


def face_matches_html(search: "FaceSearch", *,
                      caption: str = "Profiles showing a similar face") -> str:
    """The nearest profiles by face, with similarity, distance and the threshold."""
    from ..faces import SAME_PERSON_SIMILARITY

    if not search.faces:
        return ("<p>No face was found in this photo, so the face search has nothing to look for. "
                "(The same-picture search above may still link it.)</p>")
    rows = [(_e(m.profile.handle), _e(m.profile.name), f"{m.similarity:.2f}", f"{m.distance:.2f}",
             _verdict(m.linked, "SAME PERSON", "different person")) for m in search.matches]
    n = len(search.faces)
    found = f"<p>{n} face{'s' if n != 1 else ''} found in the photo.</p>"
    if not rows:
        return found + "<p>The gallery has no faces to compare with.</p>"
    return (found + _table(caption, ["Profile", "Name shown", "Similarity (0 to 1)", "Distance", "Verdict"], rows)
            + f"<p>Rule: a distance of <strong>{search.threshold:.2f}</strong> or less (similarity "
              f"{SAME_PERSON_SIMILARITY:.2f} or more) counts as the same person. It is a rule of thumb "
              "from the face model's authors, measured on photos of adults; it can be wrong.</p>")


def redaction_html(checks: Sequence["RedactionCheck"], *, kind: str = "pdq") -> str:
    """For each way of hiding the face: does the photo still link to the profile?"""
    from ..hashing import KINDS

    rows = []
    for c in checks:
        if c.face_distance is None:
            face = "no face found"
        else:
            face = f"distance {c.face_distance:.2f} " + _verdict(c.face_linked, "same person", "different person")
        rows.append((_e(c.style), f"{c.hash_distance} of {KINDS[kind]} bits differ "
                     + _verdict(c.hash_linked, "same picture", "different picture"), face,
                     _verdict(c.linked, "STILL LINKS", "does not link")))
    return _table("Hiding the face: does the photo still lead to the profile?",
                  ["How the face was hidden", "Same-picture search", "Face search", "Result"], rows)


def stats_html(stats: "RetrievalStats") -> str:
    """How often the same-picture search found the right profile, change by change."""
    rows = [(_e(name), f"{share:.0%}") for name, share in stats.per_change.items()]
    summary = (f"<p>{stats.profiles} profiles, each changed in {len(stats.per_change)} ways: "
               f"<strong>{stats.found:.1%}</strong> of the {stats.queries} changed pictures led straight "
               f"back to their profile. Wrong matches: {stats.false_top1:.1%} of searches "
               f"({stats.false_match_rate:.3%} of all picture pairs).</p>")
    return summary + _table("Found again after each change", ["Change", "Found"], rows)


# --------------------------------------------------------------------------- #
# Figures
# --------------------------------------------------------------------------- #

def _clean_axes(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def _describe(m) -> tuple[str, str]:
    """A short title and a sentence for one match (hash or face)."""
    if hasattr(m, "similarity"):
        verdict = "SAME PERSON" if m.linked else "different person"
        return (f"{m.profile.handle}\nsimilarity {m.similarity:.2f}: {verdict}",
                f"{m.profile.handle} ({m.profile.name}), face similarity {m.similarity:.2f}, {verdict}")
    verdict = "SAME PICTURE" if m.linked else "different picture"
    return (f"{m.profile.handle}\n{m.distance} bits differ: {verdict}",
            f"{m.profile.handle} ({m.profile.name}), {m.distance} bits differ, {verdict}")


def plot_search(photo, matches: Sequence, *, title: str = "The photo sent in the chat",
                fig: "Figure | None" = None) -> "Figure":
    """The photo and the profile pictures it was compared with, each with its verdict."""
    from matplotlib.figure import Figure

    n = 1 + len(matches)
    fig = fig or Figure(figsize=(2.6 * n, 3.4), layout="constrained")
    fig.clear()
    axes = fig.subplots(1, n, squeeze=False)[0]
    axes[0].imshow(as_image(photo, max_side=WORKING_SIDE))
    axes[0].set_title(title, fontsize=10)
    sentences = []
    for ax, m in zip(axes[1:], matches):
        ax.imshow(m.profile.picture)
        head, sentence = _describe(m)
        ax.set_title(head, fontsize=10, color="#D55E00" if m.linked else "#000000",
                     fontweight="bold" if m.linked else "normal")
        if m.linked:
            for side in ax.spines.values():
                side.set_edgecolor("#D55E00")
                side.set_linewidth(4)
        sentences.append(sentence)
    for ax in axes:
        _clean_axes(ax)
    fig.text_alternative = (f"{title}, then the nearest profile pictures: " + "; ".join(sentences) + "."
                            if sentences else f"{title}; no profile to compare with.")
    return fig


def _plural(word: str, n: int) -> str:
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"


def plot_gallery(gallery: "ProfileGallery", n: int = 24, *, cols: int = 8,
                 fig: "Figure | None" = None) -> "Figure":
    """A contact sheet of ``n`` profile pictures with their handles.

    A trainer's own profiles (a course pack's, kind ``"trainer"``) come first,
    marked as theirs; then the first of the others.
    """
    from collections import Counter

    from matplotlib.figure import Figure

    from ..linking import TRAINER_KIND
    from ..pack import TRAINER_MARK

    theirs = [p for p in gallery.profiles if p.kind == TRAINER_KIND]
    shown = (theirs + [p for p in gallery.profiles if p.kind != TRAINER_KIND])[:n]
    rows = -(-len(shown) // cols)
    fig = fig or Figure(figsize=(1.7 * cols, 1.95 * rows), layout="constrained")
    fig.clear()
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, p in zip(axes, shown):
        ax.imshow(p.picture)
        ax.set_title(p.handle + (f"\n({TRAINER_MARK})" if p.kind == TRAINER_KIND else ""), fontsize=7)
    for ax in axes:
        _clean_axes(ax)
        if not ax.images:
            ax.set_visible(False)
    kinds = Counter(p.kind for p in gallery.profiles)
    fig.text_alternative = (
        f"A grid of {len(shown)} of the {len(gallery)} profile pictures in the made-up gallery, each with "
        f"its account name. The whole gallery holds: "
        + ", ".join(f"{v} {_plural(k, v) if k != TRAINER_KIND else 'from your trainer'}"
                    for k, v in kinds.most_common()) + ".")
    return fig


def plot_redactions(pictures: Sequence[tuple[str, Any]], checks: Sequence["RedactionCheck"],
                    fig: "Figure | None" = None) -> "Figure":
    """The photo hidden in each way, titled with whether it still links."""
    from matplotlib.figure import Figure

    by_style = {c.style: c for c in checks}
    n = len(pictures)
    fig = fig or Figure(figsize=(2.8 * n, 3.4), layout="constrained")
    fig.clear()
    axes = fig.subplots(1, n, squeeze=False)[0]
    parts = []
    for ax, (label, pic) in zip(axes, pictures):
        ax.imshow(as_image(pic, max_side=WORKING_SIDE))
        c = by_style.get(label)
        verdict = "" if c is None else ("STILL LINKS" if c.linked else "does not link")
        ax.set_title(f"{label}\n{verdict}", fontsize=10, color="#D55E00" if c is not None and c.linked else "#000000",
                     fontweight="bold" if c is not None and c.linked else "normal")
        _clean_axes(ax)
        parts.append(f"{label}: {verdict or 'not checked'}")
    fig.text_alternative = "The same photo with the face hidden in different ways. " + "; ".join(parts) + "."
    return fig


# --------------------------------------------------------------------------- #
# Widgets
# --------------------------------------------------------------------------- #

def _png(image, max_side: int = 320) -> bytes:
    im = image.copy()
    im.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


class RobustnessExplorer:
    """Change a sample picture and watch its hash distance (a sample only, never a learner's photo).

    Pick a change and a strength; the changed picture, the distance and the
    verdict update once the slider is let go (``continuous_update=False``).

    Parameters
    ----------
    picture : PIL image
        The sample picture to change.
    kind : str
        ``"pdq"`` or ``"phash"``.
    """

    def __init__(self, picture, kind: str = "pdq"):
        import ipywidgets as w

        from .. import hashing

        self._hashing = hashing
        self.kind = kind
        self.picture = as_image(picture, max_side=WORKING_SIDE)
        self._refs = hashing.query_hashes(self.picture, kind, mirrored=False)
        self.transforms = {t.label: t for t in hashing.DEFAULT_TRANSFORMS}
        first = hashing.DEFAULT_TRANSFORMS[0]
        self.change = w.Dropdown(options=list(self.transforms), value=first.label, description="Change")
        self.strength = w.SelectionSlider(options=list(first.strengths), value=first.strengths[1],
                                          description="Strength", continuous_update=False)
        self.image = AltImage(format="png", width=240, layout=w.Layout(width="240px"))
        self.result = w.HTML()
        self.distance: int | None = None
        self.change.observe(self._on_change, names="value")
        self.strength.observe(lambda _c: self.update(), names="value")
        self.widget = w.VBox([w.HBox([self.change, self.strength]), w.HBox([self.image, self.result])])
        self.update()

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def _on_change(self, change) -> None:
        t = self.transforms[change["new"]]
        with self.strength.hold_trait_notifications():
            self.strength.options = list(t.strengths)
            self.strength.value = t.strengths[1] if len(t.strengths) > 1 else t.strengths[0]
        self.update()

    def update(self) -> int:
        """Recompute for the current change and strength; returns the distance."""
        h = self._hashing
        t = self.transforms[self.change.value]
        changed = t.apply(self.picture, self.strength.value)
        self.distance = min(q - r for q in h.query_hashes(changed, self.kind) for r in self._refs)
        limit = h.match_distance(self.kind)
        linked = self.distance <= limit
        self.image.value = _png(changed)
        self.image.alt = f"The sample picture, {t.label.lower()}: {t.unit} {self.strength.value}"
        self.result.value = (
            f'<div role="status"><p><strong>{_e(t.label)}</strong> — {_e(t.unit)}: {_e(self.strength.value)}</p>'
            f"<p>{self.distance} of {h.KINDS[self.kind]} bits differ from the original. "
            f"{_verdict(linked, 'Still the same picture', 'No longer recognised as the same picture')}</p>"
            f"<p>The line is at {limit} bits.</p></div>")
        return self.distance


class LinkExplorer:
    """Try the search with your own photos: they stay on this computer.

    Optionally choose a picture to play the part of *your public profile
    picture* (it joins the made-up gallery as ``@you``, for this search only),
    then a photo you might send. The search says which profiles the photo
    leads to, by same-picture hash and by face, optionally after hiding the
    face first.

    Parameters
    ----------
    gallery : ProfileGallery
        The gallery to search (e.g. :func:`safetylab.linking.default_gallery`).
    """

    HIDE_OPTIONS = ("Not hidden", "light blur", "coarse pixels", "solid fill")

    def __init__(self, gallery: "ProfileGallery"):
        import ipywidgets as w

        self.gallery = gallery
        self._profile = None
        self._chat = None
        self.results: dict | None = None
        self.profile_upload = w.FileUpload(accept=ACCEPT, multiple=False, description="Profile picture",
                                           tooltip="Optional: a picture that plays your public profile picture",
                                           layout=w.Layout(width="auto"))
        self.chat_upload = w.FileUpload(accept=ACCEPT, multiple=False, description="Photo to send",
                                        tooltip="The photo you might send; it stays on this computer",
                                        layout=w.Layout(width="auto"))
        self.hide = w.ToggleButtons(options=[(o[:1].upper() + o[1:], o) for o in self.HIDE_OPTIONS], value="Not hidden",
                                    description="Hide the face", tooltips=[
                                        "Search with the photo as it is", "Blur the face lightly",
                                        "Cover the face with big pixels", "Cover the face with a solid block"])
        self.search_button = w.Button(description="Search", disabled=True,
                                      tooltip="Compare the photo with the gallery, on this computer")
        self.forget_button = w.Button(description="Forget my photos", disabled=True,
                                      tooltip="Drop the photos from memory")
        self.status = w.HTML(value="<p>Choose a photo. It is read on this computer and never saved.</p>")
        self.output = w.HTML()
        self.profile_upload.observe(lambda c: self._on_upload(c, "profile"), names="value")
        self.chat_upload.observe(lambda c: self._on_upload(c, "chat"), names="value")
        self.search_button.on_click(lambda _b: self.search())
        self.forget_button.on_click(lambda _b: self.forget())
        self.widget = w.VBox([w.HBox([self.profile_upload, self.chat_upload]), self.hide,
                              w.HBox([self.search_button, self.forget_button]), self.status, self.output])

    def _ipython_display_(self):  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    def _on_upload(self, change, which: str) -> None:
        got = take_upload(self.profile_upload if which == "profile" else self.chat_upload, change)
        if got is not None:  # the bytes do not stay in the widget
            (self.load_profile_bytes if which == "profile" else self.load_chat_bytes)(*got)
            after_learner_photo()

    def _decode(self, name: str, content: bytes):
        from ..images import MAX_FILE_BYTES, PhotoFile, load, sniff

        label = Path(name).name or "photo"
        if len(content) > MAX_FILE_BYTES:
            raise SafetyLabError(f"{label} is too large to look at here.")
        if not content:
            raise SafetyLabError(f"{label} is empty.")
        photo = PhotoFile(Path(label), content, sniff(content[:64], Path(label).suffix))
        return load(photo, max_side=1024)

    def _load(self, name: str, content: bytes, which: str) -> bool:
        try:
            picture = self._decode(name, content)
        except SafetyLabError as e:
            self.status.value = f'<p role="alert">{_e(e)}</p>'
            clear_upload(self.profile_upload if which == "profile" else self.chat_upload)
            return False
        setattr(self, f"_{which}", picture)
        what = "profile picture" if which == "profile" else "photo to send"
        self.status.value = (f"<p>Your {what} is ready (kept in memory only). "
                             "Press <strong>Search</strong>.</p>")
        self.search_button.disabled = self._chat is None
        self.forget_button.disabled = False
        return True

    def load_profile_bytes(self, name: str, content: bytes) -> bool:
        """Use a picture (as the upload button delivers it) as your public profile picture."""
        return self._load(name, content, "profile")

    def load_chat_bytes(self, name: str, content: bytes) -> bool:
        """Use a photo (as bytes) as the one you might send."""
        return self._load(name, content, "chat")

    def search(self) -> dict | None:
        """Search the gallery with the photo; returns the results and shows them as text."""
        from .. import linking
        from ..linking import Profile

        if self._chat is None:
            self.status.value = '<p role="alert">Choose a photo to send first.</p>'
            return None
        gallery = self.gallery
        if self._profile is not None:
            gallery = gallery.plus(Profile("@you", "You (your public profile)", "yours", self._profile,
                                           "Your own picture, kept in memory only.", None, "yours"))
        photo = self._chat
        hidden_note = ""
        try:
            if self.hide.value != "Not hidden":
                photo = gives_way(linking.hide_faces, photo, self.hide.value)
                hidden_note = f"<p>The face was hidden with a <strong>{_e(self.hide.value)}</strong> first.</p>"
            by_hash = linking.find_by_hash(photo, gallery, k=3)
            by_face = gives_way(linking.find_by_face, photo, gallery, k=3)  # (a class server: lessons first)
        except SafetyLabError as e:
            self.output.value = f'<p role="alert">{_e(e)}</p>'
            return None
        self.results = {"hash": by_hash, "face": by_face}
        linked = {m.profile.handle for m in by_hash if m.linked} | {m.profile.handle for m in by_face.linked}
        if "@you" in linked:
            summary = ("<p><strong>The photo leads to your profile.</strong> Anyone holding it could "
                       "find the account this picture stands for.</p>")
        elif linked:
            summary = "<p>The photo leads to a profile in the made-up gallery.</p>"
        else:
            summary = "<p>The photo does not lead to any profile in this small gallery.</p>"
        self.output.value = (hidden_note + summary + hash_matches_html(by_hash, kind=gallery.kind)
                             + face_matches_html(by_face)
                             + "<p><em>This gallery is small and made up. Real search engines compare "
                               "with billions of pictures.</em></p>")
        self.status.value = ('<p role="status">Done. Your photos were not saved: only these results are '
                             "shown.</p>")
        return self.results

    def forget(self) -> None:
        """Drop the learner's photos and the results."""
        self._profile = self._chat = None
        self.results = None
        self.output.value = ""
        clear_upload(self.profile_upload)
        clear_upload(self.chat_upload)
        self.status.value = '<p role="status">Your photos are forgotten.</p>'
        self.search_button.disabled = self.forget_button.disabled = True
