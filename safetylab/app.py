"""Learner mode: the lessons in a web browser, with the code hidden and the widgets working.

``safetylab app`` serves the lesson notebooks with Voila on this computer only
(``127.0.0.1``). Its first page lists the lessons found in ``notebooks/``
(``NN_name.ipynb``, titled by each notebook's first heading); each lesson runs
when it is opened and shows only its text, results and widgets.

Offline by construction: the pages are Voila's own, from a template that drops
the style sheets Voila would fetch from a CDN (its icons are bundled anyway), and
every page and file is sent with a Content-Security-Policy that lets the browser
load nothing from anywhere but this server. On ``127.0.0.1`` requests must name
a local host (no DNS rebinding), files included. Voila needs no ``--allow-root``:
it runs as root in classroom containers as it is.

Safe on a shared computer, as Jupyter is: the address it prints (and opens)
carries a secret token; the first visit with it sets a cookie (same-site only).
Without the token or the cookie there is no page, no kernel, no file and no
websocket, only a page saying to use the full address. Lesson pages run their
scripts only with a per-page secret (a CSP nonce: no inline event handlers, no
``javascript:`` links). A lesson is started only from this server's own pages
(a request from another site is refused), at most ``max_lessons`` at a time (a
friendly "too many lessons open" page beyond), and a lesson left idle without a
page for ``idle_minutes`` is shut down and its private folder deleted. Only
lessons are listed or rendered: not the facilitator's folder, nor anything a
link leads to outside the lessons folder.

A learner's own photo stays private as in the notebooks: the lesson widgets keep
it in a temporary folder and never in a saved notebook (Voila never saves one).
In learner mode each lesson's kernel gets its own private temporary folder
(its ``TMPDIR``, inside one ``0700`` folder made for the server), deleted when the
learner leaves the lesson's page — Voila then shuts the kernel down — or when it
is culled, and all of it when the server stops. So a photo is not left behind in
``/tmp`` when a learner closes the tab without pressing "Forget my photo". Only
what the lessons make (clean copies, policies, evidence kits: pictures, HTML, CSV,
JSON, text, PDF) can be fetched as a file; notebooks, code and hidden files
cannot. Files are never active content from this server: pictures are shown, text
is sent as plain text, HTML pages run no script (``sandbox``), and what an
evidence kit copied (files someone sent) and PDFs are downloads.

What this does not protect against: anyone who has the address with its token (or
sits at the browser that holds the cookie) can use the lessons and fetch what they
made; another program running as the same user on this computer can read the
lessons folder and the private temporary folders; and on another address than
this computer's own (``--ip``) the traffic is plain HTTP — for a class on a
network, use ``safetylab class``.

Examples
--------
From a terminal::

    safetylab app                 # opens the lesson list in the browser
    safetylab app --no-browser --port 8900    # prints http://127.0.0.1:8900/?token=...

From Python (tests use the pure parts)::

    >>> from safetylab import app, course
    >>> lessons = app.find_lessons(course.lessons_dir())
    >>> lessons[0].number
    '00'
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import quote, urlsplit

from .course import LESSON_GLOB, open_lessons
from .errors import SafetyLabError

__all__ = ["Lesson", "LessonPlace", "lesson_place", "find_lessons", "lesson_info", "index_html", "voila_argv", "tornado_settings",
           "content_security_policy", "file_policy", "FilePolicy", "is_lesson", "is_cross_site",
           "is_local_host", "add_nonce", "KERNEL_WS_PROTOCOL", "offers_kernel_protocol", "new_token", "app_address", "Limits", "message_html",
           "free_port", "voila_app_class", "prepare_in_background", "serve", "main", "TEMPLATE_DIR", "DEFAULT_PORT"]

#: The Voila template folder of learner mode (it extends Voila's "lab" template).
TEMPLATE_DIR = Path(__file__).resolve().parent / "data" / "app" / "voila"
#: The Voila template learner mode's page extends.
VOILA_TEMPLATE = "lab"
#: What learner mode's page template adds to Voila's (Jinja filters: name -> function).
PAGE_FILTERS = {
    # the page leaves trainer cells out
    "learner_cells": "safetylab.lesson_sources.learner_cells",
    # ... its header and footer say where the lesson is in the course, with links
    "lesson_place": "safetylab.app.lesson_place_filter",
    # ... and it runs the check of learning's script itself, under the page's nonce
    "learner_output": "safetylab.widgets.learning_check.learner_output",
}
#: Voila's usual port; when it is taken the next free ones are tried.
DEFAULT_PORT = 8866
_LESSON_NAME = re.compile(r"[0-9]{2}_[^/\\]*\.ipynb")


@dataclass(frozen=True)
class Limits:
    """How many lessons may run at once, and when an idle one is shut down.

    Attributes
    ----------
    max_lessons : int
        Lesson kernels running at the same time (each takes a few hundred MB).
        Beyond it a learner gets a "too many lessons open" page.
    idle_minutes : float
        A lesson whose page has gone (closed tab, crashed browser, a page loaded
        without JavaScript) and that has done nothing for this long is shut down,
        and its private folder (with any photo in it) deleted. 0: never.
    memory_mb : int
        The memory this server and its lessons may use together (MB, resident). Past
        it, the largest lesson is shut down and its private folder deleted. 0: no limit.
    one_lesson : bool
        Opening a lesson shuts down the others first, with their folders (class mode:
        a learner going from lesson 1 to lesson 2 leaves no kernel behind).
    """

    max_lessons: int = 4
    idle_minutes: float = 15.0
    memory_mb: int = 0
    one_lesson: bool = False

    def __post_init__(self):
        if self.max_lessons < 1:
            raise SafetyLabError("At least one lesson must be allowed to run (--max-lessons 1 or more).")
        if self.idle_minutes < 0:
            raise SafetyLabError("The idle time cannot be negative (--idle-minutes 0 means never).")
        if self.memory_mb < 0:
            raise SafetyLabError("The memory limit cannot be negative (0 means no limit).")

    def culling(self) -> dict:
        """Jupyter kernel-manager settings that shut idle lessons down (whole seconds).

        Examples
        --------
        >>> Limits(idle_minutes=0.1).culling()
        {'cull_idle_timeout': 6, 'cull_interval': 3, 'cull_connected': False, 'cull_busy': False}
        >>> Limits(idle_minutes=0).culling()["cull_idle_timeout"]
        0
        """
        timeout = 0 if self.idle_minutes == 0 else max(1, round(self.idle_minutes * 60))
        interval = max(1, min(60, timeout // 2)) if timeout else 300
        return {"cull_idle_timeout": timeout, "cull_interval": interval,
                "cull_connected": False, "cull_busy": False}


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook, as the index page lists it.

    Attributes
    ----------
    number : str
        The two digits the file name starts with (``"03"``).
    title : str
        The notebook's first heading, as plain text.
    summary : str
        The first paragraph after that heading, as plain text ("" if none).
    path : Path
        The notebook file.
    """

    number: str
    title: str
    summary: str
    path: Path

    @property
    def url(self) -> str:
        """Where learner mode shows it, relative to the server's base URL."""
        return "voila/render/" + quote(self.path.name)


@dataclass(frozen=True)
class LessonPlace:
    """Where a lesson sits in the course: what its page's header and footer say and link to.

    Attributes
    ----------
    lesson : Lesson
        This lesson.
    course : list of Lesson
        Every lesson, in order (the header's steps).
    position : str
        "Lesson 3 of 6", or "Start here" for a ``00`` lesson before the numbered ones.
    previous, next : Lesson or None
        The lessons before and after it.
    total : int
        How many numbered lessons the course has (a ``00`` start page is not counted).
    """

    lesson: Lesson
    course: list
    position: str
    previous: Lesson | None
    next: Lesson | None
    total: int

    @property
    def title(self) -> str:
        return self.lesson.title

    @property
    def page_title(self) -> str:
        """The browser tab's title: the lesson's heading, then the course."""
        return f"{self.lesson.title} · safetylab"


def lesson_place(folder: str | os.PathLike, name: str) -> LessonPlace | None:
    """Where the lesson ``name`` (a file name, with or without ``.ipynb``) is in ``folder``'s course.

    Returns None when it is not one of the lessons there.

    Examples
    --------
    >>> from safetylab import course
    >>> place = lesson_place(course.lessons_dir(), "03_what_your_file_says")
    >>> place.position, place.previous.number, place.next.number
    ('Lesson 3 of 6', '02', '04')
    >>> lesson_place(course.lessons_dir(), "00_start_here.ipynb").position
    'Start here'
    """
    stem = name[:-len(".ipynb")] if name.endswith(".ipynb") else name
    lessons = [le for le in find_lessons(folder) if is_lesson(le.path.name, folder)]
    where = next((i for i, le in enumerate(lessons) if le.path.stem == stem), None)
    if where is None:
        return None
    numbered = [le for le in lessons if le.number != "00"]
    lesson = lessons[where]
    position = ("Start here" if lesson.number == "00"
                else f"Lesson {numbered.index(lesson) + 1} of {len(numbered)}")
    return LessonPlace(lesson, lessons, position, lessons[where - 1] if where else None,
                       lessons[where + 1] if where + 1 < len(lessons) else None, len(numbered))


def lesson_place_filter(resources) -> LessonPlace | None:
    """The Jinja filter learner mode's page template uses: the place of the lesson being rendered.

    Voila gives the template its ``resources``: the notebook's name, and the lessons
    folder that learner mode adds (``safetylab_lessons``). Anything missing: None
    (the page then has no course header).
    """
    try:
        folder = resources["safetylab_lessons"]
        name = resources["metadata"]["name"]
    except (KeyError, TypeError):
        return None
    try:
        return lesson_place(folder, name)
    except OSError:
        return None


def _plain(markdown: str) -> str:
    """Markdown to one line of plain text: emphasis, code marks, links and quote marks removed."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # [text](url) -> text
    text = re.sub(r"^\s*>\s?", "", text, flags=re.M)  # block quotes
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    return " ".join(text.split())


def lesson_info(path: str | os.PathLike) -> tuple[str, str]:
    """The title (first markdown heading) and summary (first paragraph after it) of a notebook.

    Parameters
    ----------
    path : path-like
        A ``.ipynb`` file.

    Returns
    -------
    (title, summary) : tuple of str
        Plain text. Without a heading the title comes from the file name.

    Raises
    ------
    SafetyLabError
        When the file is not a readable notebook.
    """
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SafetyLabError(f"{path.name} is not a readable notebook ({type(e).__name__}).") from None
    title = None
    for kind, text in _paragraphs(cells):
        if title is None:
            if kind == "heading":
                title = text
        elif kind == "heading":  # the next section starts before any paragraph
            return title, ""
        else:
            return title, text
    if title is None:
        title = path.stem[3:].replace("_", " ").strip().capitalize() or path.stem
    return title, ""


def _paragraphs(cells):
    """``("heading" | "text", plain text)`` for the markdown of a notebook, in order."""
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        block: list[str] = []
        fenced = False
        for line in source.splitlines() + [""]:
            if re.match(r"\s{0,3}(```|~~~)", line):
                fenced = not fenced
            heading = None if fenced else re.match(r"\s{0,3}#{1,6}\s+(.*)", line)
            if heading or not (line.strip() or fenced):
                if block:
                    yield "text", _plain("\n".join(block))
                    block = []
                if heading:
                    yield "heading", _plain(heading.group(1).rstrip("#"))
            else:
                block.append(line)


def find_lessons(folder: str | os.PathLike) -> list[Lesson]:
    """The lessons in ``folder`` (``NN_name.ipynb``), in order, with their titles.

    A notebook that cannot be read is listed with its file name as the title, so
    one broken file never hides the others.
    """
    out = []
    for path in sorted(Path(folder).glob(LESSON_GLOB)):
        try:
            title, summary = lesson_info(path)
        except SafetyLabError as e:
            title, summary = path.stem, str(e)
        out.append(Lesson(path.name[:2], title, summary, path))
    return out


_INDEX_CSS = """
:root { color-scheme: light; }
body { margin: 0; font-family: system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 1.15rem; line-height: 1.5; color: #1b1f24; background: #f3f6fa; }
.top { background: #12355b; color: #fff; }
.top p { max-width: 46rem; margin: 0 auto; padding: .7rem 1.25rem; font-weight: 700; font-size: 1.1rem; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 2rem; line-height: 1.25; margin: .5rem 0 .75rem; color: #12355b; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; color: #12355b; }
ol.lessons { list-style: none; padding: 0; margin: 0; }
ol.lessons li { background: #fff; border: 1px solid #cfd8e3; border-left: 6px solid #0b5cad;
  border-radius: .75rem; padding: .75rem 1rem; margin: .75rem 0; }
ol.lessons a { font-size: 1.25rem; font-weight: bold; color: #0b5cad; text-decoration: underline;
  text-underline-offset: .15em; }
ol.lessons a:hover { color: #073d73; }
a:focus-visible { outline: 3px solid #0072B2; outline-offset: 3px; border-radius: .2rem; }
.summary { margin: .35rem 0 0; }
.note { border-left: 6px solid #007558; background: #e9f6f0; padding: .5rem 1rem; margin: 1rem 0; }
"""


def index_html(lessons: list[Lesson], base_url: str = "/", *, leave_url: str | None = None) -> str:
    """The learner-mode start page: a list of the lessons, each a link, self-contained.

    Parameters
    ----------
    lessons : list of Lesson
        As :func:`find_lessons` returns them.
    base_url : str
        The server's base URL (links are made absolute from it).
    leave_url : str, optional
        In class mode: where a learner leaves the class (and their things are deleted).

    Returns
    -------
    str
        A whole HTML page (no scripts; its only style sheet is inline).
    """
    base = base_url if base_url.endswith("/") else base_url + "/"
    items = "".join(
        f'<li><a href="{html.escape(base + lesson.url)}">{html.escape(lesson.title)}</a>'
        + (f'<p class="summary">{html.escape(lesson.summary)}</p>' if lesson.summary else "")
        + "</li>" for lesson in lessons)
    if not items:
        body = "<p>No lessons were found in this copy of the course.</p>"
    else:
        body = f'<ol class="lessons" aria-label="Lessons, in order">{items}</ol>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>safetylab: the lessons</title><style>{_INDEX_CSS}</style></head>"
        '<body><header class="top"><p>safetylab</p></header><main>'
        "<h1>The lessons</h1>"
        "<p>A short course on sharing photos with people you meet online: what a photo can give away, "
        "and how to decide in advance what you will and won't send.</p>"
        '<p class="note">Everything here runs on this computer. Nothing is uploaded, and no internet '
        "is needed. If you use one of your own photos, it stays on this computer, and the lesson forgets it "
        "when you close the lesson's page (a clean copy you choose to make is kept).</p>"
        "<h2>Choose a lesson</h2>"
        "<p>Take them in order. A lesson takes a few seconds to get ready when you open it; then use its "
        "buttons and boxes with the mouse or the keyboard (<kbd>Tab</kbd> to move, <kbd>Space</kbd> or "
        "<kbd>Enter</kbd> to press).</p>"
        f"{body}"
        "<h2>Looking after yourself</h2>"
        "<p>Lessons 5 and 6 talk about pressure and threats around photos. Nothing in them is explicit, "
        "and you can take a break or skip any part. If something like this has happened to you or to "
        "someone you know: it is never the victim's fault, and it is recoverable. Lesson 6 shows what "
        "helps, and where to get help.</p>"
        + (f'<h2>Leaving the class</h2><p>When you have finished, <a href="{html.escape(leave_url)}">leave '
           "the class</a>: everything you made here is deleted.</p>" if leave_url else "")
        + "</main></body></html>")


def message_html(title: str, paragraphs: list[str], *, link: tuple[str, str] | None = None) -> str:
    """A small self-contained page with a heading, a few paragraphs and maybe one link (all escaped)."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    if link is not None:
        body += f'<p><a href="{html.escape(link[0])}">{html.escape(link[1])}</a></p>'
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{html.escape(title)}</title><style>{_INDEX_CSS}</style>'
            f"</head><body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>")


def _needs_token_html() -> str:
    return message_html("Open the lessons with their full address", [
        "These lessons can only be opened with the full address that was shown when they were "
        "started on this computer. It ends with a secret key (?token=...), so that nobody else "
        "can open your lessons or see your files.",
        "Ask the person who started the lessons for the full address, or open them again from the start."])


def _too_many_html(base_url: str, limit: int) -> str:
    return message_html("Too many lessons are open", [
        f"Up to {limit} lessons can be open at the same time on this computer, and that many are open now.",
        "Close the tab of a lesson you have finished (it is closed here too, and anything you put in it "
        "is forgotten), then open this lesson again. A lesson left alone for a while is closed by itself.",
    ], link=(base_url, "Back to all the lessons"))


def _elsewhere_html(base_url: str) -> str:
    return message_html("Open the lesson from the lesson list", [
        "This lesson was asked for by another website, so it was not started. Lessons only start "
        "from their own pages.",
    ], link=(base_url, "Go to the lesson list"))


def content_security_policy(nonce: str | None = None) -> str:
    """What the browser may load in learner mode: only this server, and scripts only from it.

    Parameters
    ----------
    nonce : str, optional
        The secret of one lesson page: its inline scripts carry it (:func:`add_nonce`).
        Without it no inline script runs at all (the lesson list has none).

    Voila 0.5's lab page has inline scripts of its own (its set-up, one per cell),
    so they run by this per-page nonce; nothing else inline runs: no event handler
    attribute (``onerror=``), no ``javascript:`` link, no script a widget's HTML
    brings. No ``'unsafe-eval'`` either: every lesson runs and is used without it
    in the browser tests, which fail on any policy violation. Styles may be inline
    (widgets set their own); they cannot run code.
    """
    scripts = "script-src 'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join([
        "default-src 'self'",
        scripts,
        "script-src-attr 'none'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


_SCRIPT_TAG = re.compile(r"<script(?=[\s>])", re.I)


def add_nonce(page: str, nonce: str) -> str:
    """Give every ``<script>`` tag of a piece of a lesson page the page's nonce.

    Examples
    --------
    >>> add_nonce('<script>go()</script><script type="text/javascript">x</script>', "abc")
    '<script nonce="abc">go()</script><script nonce="abc" type="text/javascript">x</script>'
    """
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', page)


@dataclass(frozen=True)
class FilePolicy:
    """How one file under ``/voila/files/`` is sent: its type, inline or download, and its CSP."""

    content_type: str
    attachment: bool
    csp: str

    def headers(self, name: str) -> dict[str, str]:
        out = {"Content-Type": self.content_type, "Content-Security-Policy": self.csp,
               "X-Content-Type-Options": "nosniff", "Cross-Origin-Resource-Policy": "same-origin"}
        if self.attachment:
            out["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(name, safe="")
        return out


_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                ".webp": "image/webp", ".heic": "image/heic", ".heif": "image/heif", ".avif": "image/avif",
                ".tif": "image/tiff", ".tiff": "image/tiff"}
#: HTML the lessons wrote (a policy, a kit's report): shown, but with no script and no form.
_PAGE_CSP = ("sandbox allow-popups allow-popups-to-escape-sandbox allow-downloads; default-src 'none'; "
             "style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'")


def _in_kit_copies(rel_parts: tuple[str, ...], root: Path) -> bool:
    """Is this file among the copies an evidence kit made (``<kit>/files/...``)?"""
    for i, part in enumerate(rel_parts[:-1]):
        if part == "files" and (root.joinpath(*rel_parts[:i]) / "manifest.json").exists():
            return True
    return False


def file_policy(relpath: str, root: str | os.PathLike) -> FilePolicy:
    """How learner mode sends a file a lesson made, so that no file is active content.

    - what an evidence kit copied (``<kit>/files/...``: files someone else sent)
      and anything not known below: a download (``Content-Disposition: attachment``);
    - pictures: shown, as their type (SVG, which can hold script, is a download);
    - text, CSV and JSON: plain text;
    - HTML (the policy page, a kit's report): shown, sandboxed: no script, no form;
    - PDF: a download.

    Examples
    --------
    >>> file_policy("my_policy/my-photo-policy.html", "/nowhere").attachment
    False
    >>> file_policy("my_policy/my-photo-policy.html", "/nowhere").csp.startswith("sandbox")
    True
    >>> file_policy("notes.json", "/nowhere").content_type
    'text/plain; charset=utf-8'
    """
    parts = tuple(p for p in relpath.replace("\\", "/").split("/") if p)
    name = parts[-1] if parts else ""
    ext = os.path.splitext(name)[1].lower()
    download = FilePolicy("application/octet-stream", True, "sandbox; default-src 'none'")
    if not parts or _in_kit_copies(parts, Path(root)):
        return download
    if ext in _IMAGE_TYPES:
        return FilePolicy(_IMAGE_TYPES[ext], False, "default-src 'none'; img-src 'self'")
    if ext in (".txt", ".csv", ".json"):
        return FilePolicy("text/plain; charset=utf-8", False, "sandbox; default-src 'none'")
    if ext in (".html", ".htm"):
        return FilePolicy("text/html; charset=utf-8", False, _PAGE_CSP)
    if ext == ".pdf":
        return FilePolicy("application/pdf", True, "sandbox; default-src 'none'")
    return download


def is_lesson(path: str, folder: str | os.PathLike) -> bool:
    """Is ``path`` (as in ``/voila/render/<path>``) one of the lessons in ``folder``?

    Only ``NN_name.ipynb`` directly in the folder, an ordinary file that is not a
    link: never a notebook in a sub-folder (the facilitator's), nor one a link
    leads to.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "01_faces.ipynb").write_text("{}")
    >>> is_lesson("01_faces.ipynb", d), is_lesson("facilitator/01_guide.ipynb", d), is_lesson("../01_faces.ipynb", d)
    (True, False, False)
    """
    if not _LESSON_NAME.fullmatch(path or ""):
        return False
    try:
        st = (Path(folder) / path).lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode)


def is_local_host(host_header: str) -> bool:
    """Does a request's ``Host`` name this computer (a loopback address or ``localhost``)?

    Examples
    --------
    >>> is_local_host("127.0.0.1:8866"), is_local_host("[::1]:80"), is_local_host("localhost")
    (True, True, True)
    >>> is_local_host("evil.example:8866"), is_local_host("127.0.0.1.evil.example")
    (False, False)
    """
    m = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(:\d+)?", host_header or "")
    if not m:
        return False
    host = m.group(1).strip("[]").lower()
    return _is_loopback(host)


def is_cross_site(headers: Mapping[str, str], host: str) -> bool:
    """Did another site (or a page on another port) make this request?

    Uses the browser's ``Sec-Fetch-Site`` when there is one (``same-origin`` and
    ``none``, a typed address or a bookmark, are fine), else ``Origin`` or
    ``Referer``, which must name this very host and port. A request without any
    of them (a script, ``curl``) is not a browser's cross-site request.

    Examples
    --------
    >>> is_cross_site({"Sec-Fetch-Site": "cross-site"}, "127.0.0.1:8866")
    True
    >>> is_cross_site({"Sec-Fetch-Site": "same-origin"}, "127.0.0.1:8866")
    False
    >>> is_cross_site({"Referer": "http://127.0.0.1:9999/x"}, "127.0.0.1:8866")
    True
    """
    site = headers.get("Sec-Fetch-Site")
    if site:
        return site.lower() not in ("same-origin", "none")
    for name in ("Origin", "Referer"):
        value = headers.get(name)
        if value:
            return value == "null" or urlsplit(value).netloc.lower() != (host or "").lower()
    return False


#: The kernel websocket protocol of JupyterLab's and Voila's pages. Voila's server reads every
#: binary message it sends as this protocol: to a client of the older one it mis-reads a message
#: with buffers as billions of offsets and its memory grows without bound (measured: 50 MB a
#: second), so learner mode opens a lesson's channel only in it.
KERNEL_WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def offers_kernel_protocol(headers: Mapping[str, str]) -> bool:
    """Does a websocket request offer the kernel protocol learner mode speaks (:data:`KERNEL_WS_PROTOCOL`)?

    Examples
    --------
    >>> offers_kernel_protocol({"Sec-WebSocket-Protocol": "v1.kernel.websocket.jupyter.org"})
    True
    >>> offers_kernel_protocol({}), offers_kernel_protocol({"Sec-WebSocket-Protocol": "chat, v1.x"})
    (False, False)
    """
    offered = headers.get("Sec-WebSocket-Protocol") or ""
    return KERNEL_WS_PROTOCOL in {p.strip() for p in offered.split(",")}


def new_token() -> str:
    """A fresh secret for the address (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def app_address(ip: str, port: int, token: str, base_url: str = "/") -> str:
    """The address learner mode prints and opens: with its secret token.

    Examples
    --------
    >>> app_address("127.0.0.1", 8866, "abc")
    'http://127.0.0.1:8866/?token=abc'
    >>> app_address("::1", 8866, "abc")
    'http://[::1]:8866/?token=abc'
    """
    host = f"[{ip}]" if ":" in ip else ip
    base = base_url if base_url.endswith("/") else base_url + "/"
    return f"http://{host}:{int(port)}{base}?token={quote(token, safe='')}"


def _is_loopback(ip: str) -> bool:
    import ipaddress

    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def tornado_settings(ip: str = "127.0.0.1") -> dict:
    """Web-server settings of learner mode: the offline Content-Security-Policy, and, on a
    loopback address, requests accepted only under a local host name (no DNS rebinding)."""
    return {"headers": {"Content-Security-Policy": content_security_policy(),
                        "Referrer-Policy": "no-referrer",
                        "X-Content-Type-Options": "nosniff",
                        "X-Frame-Options": "SAMEORIGIN"},
            "allow_remote_access": not _is_loopback(ip),
            "allow_unauthenticated_access": False}


def voila_argv(folder: str | os.PathLike, port: int | None = None, open_browser: bool = True,
               ip: str = "127.0.0.1", base_url: str = "/") -> list[str]:
    """The Voila command-line options of learner mode (they take priority over any config file).

    Parameters
    ----------
    folder : path-like
        The folder of lesson notebooks to serve.
    port : int, optional
        The port (default 8866; when it is taken Voila tries the next ones).
    open_browser : bool
        Open the lesson list in the default browser once the server is up.
    ip : str
        The address to listen on; this computer only by default.
    base_url : str
        The path the server answers under (class mode: ``/user/<nickname>/``).
    """
    argv = [
        str(Path(folder).resolve()),
        f"--Voila.ip={ip}",
        f"--Voila.port={DEFAULT_PORT if port is None else int(port)}",
        f"--Voila.base_url={base_url}",
        "--Voila.port_retries=0",  # serve() picks a free port first, so the address printed is right
        f"--Voila.open_browser={open_browser}",
        f"--VoilaConfiguration.template={VOILA_TEMPLATE}",
        "--VoilaConfiguration.theme=light",
        "--VoilaConfiguration.strip_sources=True",      # the code stays hidden
        "--VoilaConfiguration.show_tracebacks=False",   # a learner sees no traceback
        "--VoilaConfiguration.allow_template_override=NO",  # ?template=... cannot bring a CDN back
        "--VoilaConfiguration.classic_tree=False",
        # not the JupyterLab extensions a lesson page has no use for (the page loads faster,
        # and jupytext's, made for JupyterLab, fails in it)
        "--VoilaConfiguration.extension_denylist=jupyterlab-jupytext",
        "--VoilaConfiguration.extension_denylist=@voila-dashboards/jupyterlab-preview",
        *(f"--VoilaExporter.filters={name}={function}" for name, function in PAGE_FILTERS.items()),
        # What a lesson links to is served under /voila/files/ (a lesson's relative link is
        # redirected there): the clean copies, policies and evidence kits learners make.
        # Never the notebooks or any code.
        r"--VoilaConfiguration.file_allowlist=.*\.(png|jpe?g|gif|svg|webp|heic|heif|avif|tiff?|html|csv|json|txt|pdf)",
        # code, hidden files, the facilitator's folder (the trainer's guide and answers)
        r"--VoilaConfiguration.file_denylist=.*\.(ipynb|py|pyc|sh)|(.*/)?\..*|facilitator/.*",
        "--Voila.log_level=WARN",
    ]
    return argv


def free_port(ip: str = "127.0.0.1", start: int = DEFAULT_PORT, tries: int = 50) -> int:
    """The first port from ``start`` on that nobody listens on at ``ip``."""
    import socket

    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    for port in range(start, start + tries):
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((ip, port))
            except OSError:
                continue
            return port
    raise SafetyLabError(f"No free port from {start} to {start + tries - 1}: close another server, "
                         "or choose one with --port.")


def _process_tree_mb(pid: int) -> float:
    """Resident memory of a process and all its children, in MB (0 when it is gone)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except (psutil.Error, ValueError):
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


@functools.lru_cache(maxsize=1)
def _template_code():
    """This process's Jinja bytecode cache: each lesson page template compiled once (see :func:`warm_templates`)."""
    import jinja2

    class TemplateCode(jinja2.BytecodeCache):
        """Compiled templates kept in memory; a template whose source changed is compiled again
        (Jinja checks each one's checksum)."""

        def __init__(self):
            self.code: dict[str, bytes] = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.code:
                bucket.bytecode_from_string(self.code[bucket.key])

        def dump_bytecode(self, bucket):
            self.code[bucket.key] = bucket.bytecode_to_string()

    return TemplateCode()


@functools.lru_cache(maxsize=1)
def _lesson_exporter_class():
    """Voila's page exporter, with the lesson page's templates compiled once per process.

    Voila makes a new exporter, with a new Jinja environment, for every page it renders, and
    so compiles every template of the page again: about a third of a processor-second for each
    lesson opened, which thirty learners opening a lesson together wait for in turn.
    """
    from voila.exporter import VoilaExporter

    class LessonExporter(VoilaExporter):
        def _create_environment(self):
            environment = super()._create_environment()
            environment.bytecode_cache = _template_code()
            return environment

    return LessonExporter


def warm_templates() -> list[str]:
    """Compile the lesson page's templates now, before any page is asked for (a class's ready servers
    do, while the class gathers). Returns the templates' names."""
    from jinja2 import meta
    from voila.paths import collect_template_paths

    exporter = _lesson_exporter_class()(
        template_paths=[str(TEMPLATE_DIR), *collect_template_paths(["voila", "nbconvert"], VOILA_TEMPLATE,
                                                                    prune=True)],
        template_name=VOILA_TEMPLATE, filters=dict(PAGE_FILTERS))
    environment = exporter.environment
    for name in ("highlight_code", "trusted"):  # Voila adds these as it renders a page (compiled code names them)
        environment.filters.setdefault(name, lambda value, *args, **kwargs: value)
    done: list[str] = []
    todo: list[str | None] = [exporter.template_file]
    while todo:
        name = todo.pop()
        if name is None or name in done:
            continue
        source, _, _ = environment.loader.get_source(environment, name)
        environment.get_template(name)  # compiled, and its code kept for every page of this process
        done.append(name)
        todo.extend(meta.find_referenced_templates(environment.parse(source)))
    return done


def _voila_app_class(limits: Limits = Limits()):
    """Voila's application, with the learner-mode start page, template and safeguards (imported lazily)."""
    from ._datafile import skip_iri_grammar

    skip_iri_grammar()  # Jupyter's server imports jsonschema: 1.5 s sooner for every learner's server
    import asyncio
    import inspect

    import tornado.ioloop
    import tornado.web
    from jupyter_server.auth.decorator import allow_unauthenticated
    from jupyter_server.base.handlers import FileFindHandler, JupyterHandler
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from jupyter_server.utils import url_path_join
    from voila.app import Voila
    from voila.static_file_handler import AllowListFileHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler
    from voila.voila_identity_provider import VoilaLoginHandler

    import voila.notebook_renderer

    voila.notebook_renderer.VoilaExporter = _lesson_exporter_class()  # the one place Voila makes its exporter

    class _IndexHandler(JupyterHandler):
        def initialize(self, folder: Path):
            self.folder = folder

        @tornado.web.authenticated
        def get(self):
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            lessons = [le for le in find_lessons(self.folder) if is_lesson(le.path.name, self.folder)]
            self.finish(index_html(lessons, base_url=self.base_url, leave_url=self.settings.get("safetylab_leave_url")))

    class _NeedsTokenHandler(JupyterHandler):
        """Where a request without the token or the cookie is sent (Voila's log-in page):
        no form, just what to do. Its own Host check still applies (JupyterHandler.prepare)."""

        @allow_unauthenticated
        def get(self):
            self.set_status(403)
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(_needs_token_html())

        post = get

    class PrivateTempKernelManager(AsyncMappingKernelManager):
        """Gives each lesson's kernel its own private temporary folder, deleted with the kernel;
        starts at most ``limits.max_lessons`` kernels and culls idle ones (see :class:`Limits`).

        A learner's photo is kept in a temporary folder while a lesson looks at it;
        when the learner closes the page without "Forget my photo", Voila shuts the
        kernel down, and this deletes the folder with the photo in it. A kernel whose
        page went without saying so is culled after the idle time, with its folder.
        """

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.private_tmp: dict[str, str] = {}
            self.starting = 0
            self.latest_lesson: str | None = None  # the lesson last opened (class mode reports it)
            self._one_at_a_time = asyncio.Lock()
            self._memory_watch = None
            for name, value in limits.culling().items():
                setattr(self, name, value)

        def is_full(self) -> bool:
            if limits.one_lesson:
                return False  # opening a lesson closes the other one
            return len(self.list_kernel_ids()) + self.starting >= limits.max_lessons

        async def start_kernel(self, *args, **kwargs):
            if limits.memory_mb and self._memory_watch is None:
                self._memory_watch = tornado.ioloop.PeriodicCallback(self.check_memory, 3000)
                self._memory_watch.start()
            if not limits.one_lesson:
                return await self._start_kernel(*args, **kwargs)
            async with self._one_at_a_time:
                for kernel_id in list(self.list_kernel_ids()):
                    await self.shutdown_kernel(kernel_id)
                return await self._start_kernel(*args, **kwargs)

        async def check_memory(self) -> None:
            """Past ``limits.memory_mb`` (this server and its lessons), shut the largest lesson down."""
            used = _process_tree_mb(os.getpid())
            if used <= limits.memory_mb:
                return
            sizes = {kid: _process_tree_mb(getattr(self.get_kernel(kid).provisioner, "pid", None) or 0)
                     for kid in self.list_kernel_ids()}
            if sizes:
                largest = max(sizes, key=sizes.get)
                self.log.warning("A lesson used more memory than allowed (%d MB of %d MB): it was closed.",
                                 used, limits.memory_mb)
                await self.shutdown_kernel(largest)

        async def _start_kernel(self, *args, **kwargs):
            if self.is_full():
                raise tornado.web.HTTPError(503, "too many lessons are open")
            self.starting += 1
            folder = tempfile.mkdtemp(prefix="kernel-")  # inside the server's private folder
            env = dict(kwargs.get("env") or os.environ)
            env.update(TMPDIR=folder, TMP=folder, TEMP=folder)
            kwargs["env"] = env
            try:
                kernel_id = await super().start_kernel(*args, **kwargs)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            finally:
                self.starting -= 1
            self.private_tmp[kernel_id] = folder
            return kernel_id

        async def shutdown_kernel(self, kernel_id, *args, **kwargs):
            try:
                return await super().shutdown_kernel(kernel_id, *args, **kwargs)
            finally:
                if not kwargs.get("restart"):
                    shutil.rmtree(self.private_tmp.pop(kernel_id, ""), ignore_errors=True)
                    if not self.list_kernel_ids():
                        self.latest_lesson = None

    class _LessonHandler(TornadoVoilaHandler):
        """A lesson page: only lessons, only from this server's pages, only while there is room;
        its inline scripts run by a per-page nonce."""

        async def prepare(self):
            self.csp_nonce = secrets.token_urlsafe(16)
            await super().prepare()
            self.set_header("Content-Security-Policy", content_security_policy(self.csp_nonce))
            # Voila's page shuts its kernel down when it is closed, with a request that
            # must carry this cookie; Voila itself never sets it (voila issue 1458), so
            # without it the kernel, and a learner's photo with it, would stay behind.
            self.xsrf_token  # noqa: B018 - reading it sets the cookie

        def _refuse(self, status: int, page: str) -> None:
            self.set_status(status)
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(page)

        @tornado.web.authenticated
        async def get(self, path=None):
            folder = Path(self.settings["safetylab_lessons"])
            if not (path or "").lower().endswith(".ipynb"):  # what a lesson links to: a file
                return self.redirect(url_path_join(self.base_url, "voila/files", quote(path or "")))
            if not is_lesson(path, folder):
                raise tornado.web.HTTPError(404)
            if is_cross_site(self.request.headers, self.request.host):
                return self._refuse(403, _elsewhere_html(self.base_url))
            if self.kernel_manager.is_full():
                return self._refuse(503, _too_many_html(self.base_url, limits.max_lessons))
            self.kernel_manager.latest_lesson = path
            return await super().get(path)

        def write(self, chunk):
            if isinstance(chunk, str) and getattr(self, "csp_nonce", None):
                chunk = add_nonce(chunk, self.csp_nonce)
            return super().write(chunk)

    class _FilesHandler(JupyterHandler, AllowListFileHandler):
        """Voila's file handler behind the same door as the pages (token or cookie, Host check),
        never following a link out of the lessons folder, and never serving active content."""

        @tornado.web.authenticated
        async def get(self, path, include_body=True):
            return await AllowListFileHandler.get(self, path, include_body)

        def validate_absolute_path(self, root, absolute_path):
            real = os.path.realpath(absolute_path)
            if os.path.commonpath([real, os.path.realpath(root)]) != os.path.realpath(root):
                raise tornado.web.HTTPError(404)
            return super().validate_absolute_path(root, absolute_path)

        def set_extra_headers(self, path):
            policy = file_policy(path, self.root)
            for name, value in policy.headers(os.path.basename(path)).items():
                self.set_header(name, value)

        def get_content_type(self):
            return file_policy(os.path.relpath(self.absolute_path, self.root), self.root).content_type

    class _KernelSocketHandler(VoilaKernelWebsocketHandler):
        """A lesson's kernel channel, opened only in the protocol a lesson page speaks
        (:data:`KERNEL_WS_PROTOCOL`): with any other, Voila's server would grow without bound."""

        async def get(self, *args, **kwargs):
            if not offers_kernel_protocol(self.request.headers):
                raise tornado.web.HTTPError(400, "a lesson's channel speaks " + KERNEL_WS_PROTOCOL)
            return await super().get(*args, **kwargs)

    class _ContentsHandler(VoilaContentsHandler):
        """The contents API lists the lessons and nothing else (no sub-folder, no link)."""

        @tornado.web.authenticated
        async def get(self, path=""):
            if (path or "").strip("/"):
                raise tornado.web.HTTPError(404)
            folder = Path(self.settings["safetylab_lessons"])
            lessons = [le for le in find_lessons(folder) if is_lesson(le.path.name, folder)]
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({
                "name": "", "path": "", "type": "directory", "format": "json", "writable": False,
                "content": [{"name": le.path.name, "path": le.path.name, "type": "notebook",
                             "title": le.title} for le in lessons]}))

    class _TreeHandler(TornadoVoilaTreeHandler):
        """Voila's folder browser is not offered: the lesson list is the way in."""

        @tornado.web.authenticated
        async def get(self, path=""):
            self.redirect(self.base_url)

    class LearnerVoila(Voila):
        """Voila with safetylab's start page, offline template, browser policy and safeguards."""

        name = "safetylab-app"

        def initialize(self, argv=None):
            super().initialize(argv)
            self.voila_configuration.multi_kernel_manager_class = PrivateTempKernelManager
            # the page template finds the other lessons here (lesson_place_filter)
            self.voila_configuration.config.VoilaConfiguration.resources = {
                "safetylab_lessons": str(Path(self.root_dir).resolve())}

        def setup_template_dirs(self):
            super().setup_template_dirs()
            self.template_paths = [str(TEMPLATE_DIR), *self.template_paths]

        def init_settings(self):
            settings = super().init_settings()
            # the log-in cookie goes only with this site's own requests
            self.identity_provider.cookie_options = {"samesite": "Strict"}
            settings["xsrf_cookie_kwargs"] = {"samesite": "Strict", "path": self.base_url}
            settings["safetylab_lessons"] = str(Path(self.root_dir).resolve())
            return settings

        def init_handlers(self):
            ours = {TornadoVoilaHandler: _LessonHandler, AllowListFileHandler: _FilesHandler,
                    VoilaContentsHandler: _ContentsHandler, TornadoVoilaTreeHandler: _TreeHandler,
                    VoilaLoginHandler: _NeedsTokenHandler, VoilaKernelWebsocketHandler: _KernelSocketHandler}
            handlers = [(h[0], ours.get(h[1], h[1]), *h[2:]) for h in super().init_handlers()]
            # the identity provider's own pages (log in, log out, a sign-in callback) stay as they are
            own = {h[1] for h in self.identity_provider.get_handlers()} - set(ours.values())
            handlers = [(h[0], h[1] if h[1] in own else _gated(h[1]), *h[2:]) for h in handlers]
            index = (url_path_join(self.server_url or self.base_url, "/?"), _IndexHandler,
                     {"folder": Path(self.root_dir)})
            return [index, *handlers]

        def start(self):
            self.tornado_settings = {**self.tornado_settings, **tornado_settings(self.ip)}
            super().start()

        def launch_browser(self):
            """Open the lesson list with its token, through a private file (not the command line)."""
            import threading
            import webbrowser

            try:
                browser = webbrowser.get(self.browser or None)
            except webbrowser.Error as e:
                self.log.warning("No web browser found: %s.", e)
                return
            url = app_address(self.ip, self.port, self.identity_provider.token, self.base_url)
            fd, page = tempfile.mkstemp(suffix=".html", prefix="open-lessons-")  # in the private folder
            with open(fd, "w", encoding="utf-8") as fh:
                fh.write(f'<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="refresh" '
                         f'content="0;url={html.escape(url)}"><title>Opening the lessons</title>'
                         f'<p><a href="{html.escape(url)}">Open the lessons</a></p>')
            threading.Thread(target=browser.open, args=(Path(page).as_uri(),),
                             kwargs={"new": self.webbrowser_open_new}, daemon=True).start()

    def _gated(cls):
        """A static-file handler Voila (or Jupyter) serves to anyone, behind the token and the Host check."""
        if not (issubclass(cls, FileFindHandler) or not issubclass(cls, JupyterHandler)):
            return cls
        original = cls.get

        @tornado.web.authenticated
        async def get(self, *args, **kwargs):
            out = original(self, *args, **kwargs)
            return (await out) if inspect.isawaitable(out) else out

        bases = (cls,) if issubclass(cls, JupyterHandler) else (JupyterHandler, cls)
        return type(f"Gated{cls.__name__}", bases, {"get": get})

    return LearnerVoila


def voila_app_class(limits: Limits = Limits()):
    """The learner-mode Voila application class (class mode's learner servers extend it).

    Raises ImportError when Voila is not installed."""
    return _voila_app_class(limits)


def serve(port: int | None = None, open_browser: bool = True, *, folder: str | os.PathLike | None = None,
          ip: str = "127.0.0.1", limits: Limits = Limits(), token: str | None = None) -> int:
    """Serve the lessons in learner mode until interrupted (Ctrl+C); returns an exit code.

    Parameters
    ----------
    port : int, optional
        The port (default 8866, or the next free one).
    open_browser : bool
        Open the lesson list in the default browser.
    folder : path-like, optional
        The folder of lesson notebooks (default: the working folder of
        :func:`safetylab.course.open_lessons`: a checkout's ``notebooks/``, or, for an
        installed safetylab, ``~/safetylab-lessons`` with the lessons copied in).
        The lessons run in it, so what a learner makes (a clean copy, a policy,
        an evidence kit) is written there.
    ip : str
        The address to listen on: this computer only by default. Use another
        address only on a network you trust: the token keeps strangers out, but
        the connection is plain HTTP.
    limits : Limits
        How many lessons may run at once, and when an idle one is shut down.
    token : str, optional
        The secret in the address (default: a new random one, :func:`new_token`).
        The address with it is printed on stderr and opened in the browser.

    Raises
    ------
    SafetyLabError
        When Voila is not installed or the folder does not exist.
    """
    folder = open_lessons() if folder is None else Path(folder)
    if not folder.is_dir():
        raise SafetyLabError(f"The lessons folder {folder} does not exist.")
    try:
        app_class = _voila_app_class(limits)
    except ImportError:
        raise SafetyLabError("Learner mode needs Voila, which is not installed here: "
                             "pip install \"safetylab[lab]\" (or run 'make lab' in the course folder).") from None
    private_tmp = tempfile.mkdtemp(prefix="safetylab-app-")  # 0700: only this user can read it
    saved = os.environ.get("TMPDIR")
    saved_tempdir = tempfile.tempdir
    os.environ["TMPDIR"] = private_tmp  # the kernels inherit it: a learner's photo lands here
    tempfile.tempdir = private_tmp
    preparing = prepare_in_background()
    try:
        port = free_port(ip) if port is None else int(port)
        app = app_class.instance()
        app.initialize(voila_argv(folder, port, open_browser, ip))
        app.token = token or new_token()  # never on a command line, where others could read it
        print(f"safetylab: the lessons are at {app_address(ip, port, app.token)} "
              "(press Ctrl+C here to stop).", file=sys.stderr, flush=True)
        app.start()  # returns when the server stops
    except KeyboardInterrupt:
        pass
    finally:
        if preparing is not None and preparing.poll() is None:
            preparing.terminate()
        tempfile.tempdir = saved_tempdir
        if saved is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved
        shutil.rmtree(private_tmp, ignore_errors=True)
    return 0


def prepare_in_background():
    """Work out once what every learner gets the same (:mod:`safetylab._cache`), unless done.

    The course's own lessons run once, with no learner and no course pack, in a process
    of its own at low priority; a lesson opened meanwhile works everything out itself,
    as before. Returns the process (or None when there is nothing to do).
    """
    import subprocess

    from . import _cache

    if os.environ.get("SAFETYLAB_CACHE") == "off" or _cache.is_filled():
        return None
    nice = {"preexec_fn": lambda: os.nice(10)} if hasattr(os, "nice") else {}
    try:
        # the course's own lessons (safetylab.course.lessons_dir), not the working folder,
        # where a trainer's edits and a course pack's lessons sit
        return subprocess.Popen([sys.executable, "-m", "safetylab._cache"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, **nice)
    except OSError:
        return None


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="safetylab app",
        description="Open the lessons in learner mode: in the browser, without code. "
                    "Everything runs on this computer.")
    ap.add_argument("--port", type=int, default=None, help=f"port to use (default {DEFAULT_PORT} or the next free one)")
    ap.add_argument("--no-browser", dest="open_browser", action="store_false",
                    help="do not open a browser; just print the address")
    ap.add_argument("--ip", default="127.0.0.1",
                    help="address to listen on (default 127.0.0.1: this computer only)")
    ap.add_argument("--pack", metavar="DIR", action="append", default=[],
                    help="a trainer's course pack: the lessons use its scenes, chats, profiles, help and "
                         "lessons beside the course's (checked first: a pack with problems is refused); "
                         "repeatable")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--dir", metavar="DIR", default=None,
                       help="your working folder: the course's lessons are copied in when missing, and "
                            "your edits there are kept (default: the course's notebooks folder in a "
                            "checkout, else safetylab-lessons in your home folder)")
    where.add_argument("--lessons", metavar="FOLDER", default=None,
                       help="serve this folder of lesson notebooks as it is (nothing is copied)")
    ap.add_argument("--max-lessons", type=int, default=Limits.max_lessons, metavar="N",
                    help=f"lessons open at the same time (default {Limits.max_lessons})")
    ap.add_argument("--idle-minutes", type=float, default=Limits.idle_minutes, metavar="MIN",
                    help="close a lesson whose page is gone after this many idle minutes, deleting "
                         f"its private folder (default {Limits.idle_minutes:g}; 0: never)")
    return ap


def main(argv: list[str] | None = None) -> int:
    """``safetylab app [--port N] [--no-browser] [--ip ADDR] [--pack DIR] [--dir DIR | --lessons FOLDER]
    [--max-lessons N] [--idle-minutes MIN]``."""
    args = _parser().parse_args(argv)
    try:
        limits = Limits(max_lessons=args.max_lessons, idle_minutes=args.idle_minutes)
        folder = Path(args.lessons) if args.lessons else open_lessons(args.dir)
        if args.pack:  # a trainer's course pack: checked, its lessons added, named for the kernels
            from . import pack

            lines, ready = pack.ready_for_learners(args.pack, None if args.lessons else folder)
            for line in lines:
                print(f"safetylab: {line}", file=sys.stderr)
            if not ready:
                return 1
            os.environ.update(pack.environ(args.pack, {}))
        return serve(args.port, args.open_browser, folder=folder, ip=args.ip, limits=limits)
    except SafetyLabError as e:
        print(f"safetylab: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
