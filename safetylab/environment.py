"""Is this computer ready for the course? The check lesson 00 runs, as a library function.

:func:`environment_check` looks for what the lessons need (without importing the
heavy parts: a lesson loads those when it needs them), then reads a sample photo
and names the place it was taken with Python's network switched off
(:func:`network_off`), so a trainer sees before a class that everything works
offline. :func:`learner_mode` tells whether the code runs in learner mode (Voila),
where what a learner sees must be in plain words only.

What this does *not* check: a C library's own network calls cannot be stopped by
switching Python's ``socket`` module off (the test suite watches for those with
``strace``); and a part that is installed can still fail later on an unusual photo.

Examples
--------
>>> from safetylab.environment import environment_check
>>> result = environment_check(offline=False)
>>> result.ready
True
>>> [c.name for c in result.checks][:2]
['pictures', 'numbers']
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import platform
import socket
from dataclasses import dataclass, field

from ._html import escape

__all__ = ["Check", "EnvironmentReport", "LessonStatus", "environment_check", "lesson_status", "network_off",
           "learner_mode"]

#: What the lessons need: (name, words a learner reads, import name, distribution for its version).
_PARTS = (
    ("pictures", "Photos can be opened (JPEG, PNG, WebP, TIFF)", "PIL", "Pillow"),
    ("numbers", "Pictures can be measured and compared", "numpy", "numpy"),
    ("charts", "Maps and charts can be drawn", "matplotlib", "matplotlib"),
    ("phone_photos", "Phone photos (HEIC) can be opened", "pillow_heif", "pillow-heif"),
    ("widgets", "Buttons and boxes in the lessons work", "ipywidgets", "ipywidgets"),
    ("faces", "Faces can be found in a photo", "cv2", None),
    ("text", "Writing in a photo can be read", "rapidocr", "rapidocr"),
)


@dataclass(frozen=True)
class Check:
    """One thing the course needs, and whether it works here.

    Attributes
    ----------
    name : str
        A short id (``"pictures"``, ``"offline"``, ...).
    label : str
        What it means, in a learner's words.
    ok : bool
        True when it works.
    detail : str
        For a trainer: the version found, or what is wrong ("" when there is nothing to add).
    """

    name: str
    label: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True, repr=False)
class EnvironmentReport:
    """The result of :func:`environment_check`; shows itself as a short list in a notebook.

    In learner mode only the plain-words list is shown; in trainer mode (JupyterLab)
    the versions and details follow, folded away.
    """

    checks: tuple[Check, ...]
    versions: dict = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """True when every check passed."""
        return all(c.ok for c in self.checks)

    @property
    def problems(self) -> list[Check]:
        """The checks that failed."""
        return [c for c in self.checks if not c.ok]

    def summary(self) -> str:
        """One line: ready, or what is missing and what to do."""
        if self.ready:
            return "Everything is ready. This course works without the internet."
        missing = ", ".join(c.label.lower() for c in self.problems)
        return (f"Not ready yet: {missing}. Ask your trainer: the course needs to be set up "
                "once on this computer while it is online.")

    def __repr__(self) -> str:
        return f"<EnvironmentReport: {self.summary()}>"

    def __str__(self) -> str:
        lines = [("yes  " if c.ok else "NO   ") + c.label + (f" ({c.detail})" if c.detail else "")
                 for c in self.checks]
        return "\n".join([*lines, self.summary()])

    def _repr_html_(self, trainer: bool | None = None) -> str:
        trainer = not learner_mode() if trainer is None else trainer
        items = "".join(
            f'<li><span role="img" aria-label="{"works" if c.ok else "not working"}">'
            f'{"✔" if c.ok else "✘"}</span> {escape(c.label)}</li>' for c in self.checks)
        colour = "#007558" if self.ready else "#A33F00"
        out = (f'<div class="sl-environment"><ul style="list-style:none;padding-left:0">{items}</ul>'
               f'<p style="color:{colour};font-weight:bold">{escape(self.summary())}</p>')
        if trainer:
            rows = "".join(f"<li>{escape(c.name)}: {escape(c.detail or ('ok' if c.ok else 'missing'))}</li>"
                           for c in self.checks)
            versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in self.versions.items())
            out += (f"<details><summary>For trainers: versions and details</summary>"
                    f"<p>{versions}</p><ul>{rows}</ul></details>")
        return out + "</div>"


@dataclass(frozen=True, repr=False)
class LessonStatus:
    """Whether one lesson has what it needs (:func:`lesson_status`); shows itself in a lesson.

    A learner sees nothing when all is well, and one plain line when a part is
    missing. A trainer (JupyterLab) also sees the version and what to do.
    """

    missing: tuple[Check, ...]
    version: str

    @property
    def ready(self) -> bool:
        return not self.missing

    def summary(self, trainer: bool = False) -> str:
        if self.ready:
            return (f"safetylab {self.version} is ready for this lesson. It works offline: nothing is uploaded."
                    if trainer else "")
        what = ", ".join(c.label.lower() for c in self.missing)
        if trainer:
            return (f"Not ready: {what} ({'; '.join(c.detail for c in self.missing)}). Run 'make lab' once "
                    "while online, then restart the kernel.")
        return (f"Part of this lesson cannot work on this computer yet ({what}). Ask your trainer: the course "
                "needs to be set up once while the computer is online.")

    def __repr__(self) -> str:
        return f"<LessonStatus: {self.summary(trainer=True)}>"

    def _repr_html_(self, trainer: bool | None = None) -> str | None:
        trainer = not learner_mode() if trainer is None else trainer
        text = self.summary(trainer)
        if not text:
            return None
        role = "status" if self.ready else "alert"
        return f'<p role="{role}" class="sl-lesson-status">{escape(text)}</p>'

    def _ipython_display_(self) -> None:  # pragma: no cover - needs IPython
        from IPython.display import HTML, display

        html = self._repr_html_()
        if html:  # a ready lesson shows a learner nothing at all
            display(HTML(html))


def lesson_status(*needs: str) -> LessonStatus:
    """Whether this computer has what one lesson needs; display it at the top of the lesson.

    Parameters
    ----------
    *needs : str
        Names of the parts the lesson uses (those of :func:`environment_check`:
        ``"faces"``, ``"text"``, ...), and ``"face_models"`` for the face models'
        files. Nothing heavy is imported.

    Examples
    --------
    >>> lesson_status("pictures").ready
    True
    >>> lesson_status("pictures").summary()  # a learner: nothing to say when all is well
    ''
    """
    from . import __version__

    missing = []
    for name, label, module, dist in _PARTS:
        if name in needs and importlib.util.find_spec(module) is None:
            missing.append(Check(name, label, False, f"missing: the Python package {dist or 'opencv-python-headless'}"))
    if "face_models" in needs:
        from .faces import model_files

        absent = [k for k, v in model_files().items() if v is None]
        if absent:
            missing.append(Check("face_models", "Faces can be found and compared", False,
                                 "face model files missing: " + ", ".join(absent)))
    return LessonStatus(tuple(missing), __version__)


def learner_mode() -> bool:
    """True when the lesson runs in learner mode (served by Voila, code hidden).

    Voila gives every kernel it starts a ``VOILA_BASE_URL`` (or ``VOILA_SERVER_URL``);
    JupyterLab does not. ``SAFETYLAB_MODE=learner`` or ``=trainer`` overrides it
    (tests use this).
    """
    mode = os.environ.get("SAFETYLAB_MODE", "").strip().lower()
    if mode in ("learner", "trainer"):
        return mode == "learner"
    return bool(os.environ.get("VOILA_BASE_URL") or os.environ.get("VOILA_SERVER_URL"))


@contextlib.contextmanager
def network_off():
    """Switch Python's network access off inside the ``with`` block.

    Any attempt to connect or to look up a host name raises ``OSError``. It stops
    Python code only: a C library that opens its own sockets is not affected.

    Examples
    --------
    >>> import socket
    >>> with network_off():
    ...     try:
    ...         socket.getaddrinfo("example.org", 80)
    ...     except OSError as e:
    ...         print(e)
    the network is switched off for this check
    >>> socket.getaddrinfo is not None
    True
    """
    def refuse(*args, **kwargs):
        raise OSError("the network is switched off for this check")

    saved = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
    socket.socket.connect = socket.socket.connect_ex = refuse
    socket.create_connection = socket.getaddrinfo = refuse
    try:
        yield
    finally:
        (socket.socket.connect, socket.socket.connect_ex, socket.create_connection,
         socket.getaddrinfo) = saved


def _version(dist: str | None, module: str) -> str:
    for name in (dist, module) if dist else (module,):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "installed"


def _opencv_version() -> str:
    for dist in ("opencv-python-headless", "opencv-python", "opencv-contrib-python-headless"):
        try:
            return f"{dist} {importlib.metadata.version(dist)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return "installed"


def _offline_check() -> Check:
    from .errors import SafetyLabError
    from .report import check
    from .samples import sample_path

    label = "Works without the internet"
    try:
        with network_off():
            gps = check(sample_path("landmark_gps.jpg"), faces=False, texts=False).gps
            place = gps.get("place") if gps else None
    except (SafetyLabError, OSError, KeyError, ValueError) as e:
        return Check("offline", label, False, f"reading a sample photo offline failed: {e}")
    if not place:
        return Check("offline", label, False, "a sample photo's place could not be named offline")
    return Check("offline", label, True, f"read a sample photo and named its place ({place}) with the network off")


def environment_check(*, offline: bool = True) -> EnvironmentReport:
    """Check that this computer has what the lessons need, and that they work offline.

    Parameters
    ----------
    offline : bool
        Also read a sample photo and name its place with Python's network switched
        off (about a tenth of a second). Default True.

    Returns
    -------
    EnvironmentReport
        ``.ready``, ``.checks``, ``.summary()``; displays itself in a notebook.
    """
    checks = []
    for name, label, module, dist in _PARTS:
        found = importlib.util.find_spec(module) is not None
        if not found:
            detail = f"missing: the Python package {dist or 'opencv-python-headless'}"
        else:
            detail = _opencv_version() if module == "cv2" else f"{dist} {_version(dist, module)}"
        checks.append(Check(name, label, found, detail))
    if offline:
        checks.append(_offline_check())
    from . import __version__

    versions = {"safetylab": __version__, "Python": platform.python_version()}
    return EnvironmentReport(tuple(checks), versions)
