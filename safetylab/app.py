"""Learner mode: the lessons in a web browser, with the code hidden and the widgets working.

``safetylab app`` serves the lesson notebooks with Voila on this computer only
(``127.0.0.1``). Its first page lists the lessons found in ``notebooks/``
(``NN_name.ipynb``, titled by each notebook's first heading); each lesson runs
when it is opened and shows only its text, results and widgets.

Offline by construction: the pages are Voila's own, from a template that drops
the style sheets Voila would fetch from a CDN (its icons are bundled anyway), and
every page and file is sent with a Content-Security-Policy that lets the browser
load nothing from anywhere but this server. On ``127.0.0.1`` requests must name
a local host (no DNS rebinding). Voila needs no ``--allow-root``: it runs as
root in classroom containers as it is.

A learner's own photo stays private as in the notebooks: the lesson widgets keep
it in a temporary folder and never in a saved notebook (Voila never saves one).
In learner mode each lesson's kernel gets its own private temporary folder
(its ``TMPDIR``, inside one ``0700`` folder made for the server), deleted when the
learner leaves the lesson's page — Voila then shuts the kernel down — and all of
it when the server stops. So a photo is not left behind in ``/tmp`` when a
learner closes the tab without pressing "Forget my photo". Only what the lessons
make (clean copies, policies, evidence kits: pictures, HTML, CSV, JSON, text,
PDF) can be fetched as a file; notebooks, code and hidden files cannot.

Examples
--------
From a terminal::

    safetylab app                 # opens the lesson list in the browser
    safetylab app --no-browser --port 8900

From Python (tests use the pure parts)::

    >>> from safetylab import app, course
    >>> lessons = app.find_lessons(course.lessons_dir())
    >>> lessons[0].number
    '00'
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .course import LESSON_GLOB, open_lessons
from .errors import SafetyLabError

__all__ = ["Lesson", "find_lessons", "lesson_info", "index_html", "voila_argv", "tornado_settings",
           "content_security_policy", "free_port", "serve", "main", "TEMPLATE_DIR", "DEFAULT_PORT"]

#: The Voila template folder of learner mode (it extends Voila's "lab" template).
TEMPLATE_DIR = Path(__file__).resolve().parent / "data" / "app" / "voila"
#: Voila's usual port; when it is taken the next free ones are tried.
DEFAULT_PORT = 8866


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
  font-size: 1.15rem; line-height: 1.5; color: #111; background: #fff; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 2rem; margin: .5rem 0 .75rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; }
ol.lessons { list-style: none; padding: 0; margin: 0; }
ol.lessons li { border: 2px solid #767676; border-radius: .5rem; padding: .75rem 1rem; margin: .75rem 0; }
ol.lessons a { font-size: 1.25rem; font-weight: bold; color: #0050A0; text-decoration: underline; }
ol.lessons a:hover { color: #003366; }
a:focus-visible { outline: 3px solid #0072B2; outline-offset: 3px; border-radius: .2rem; }
.summary { margin: .35rem 0 0; }
.note { border-left: 6px solid #0072B2; background: #EEF6FC; padding: .5rem 1rem; margin: 1rem 0; }
"""


def index_html(lessons: list[Lesson], base_url: str = "/") -> str:
    """The learner-mode start page: a list of the lessons, each a link, self-contained.

    Parameters
    ----------
    lessons : list of Lesson
        As :func:`find_lessons` returns them.
    base_url : str
        The server's base URL (links are made absolute from it).

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
        '<body><main>'
        "<h1>safetylab: the lessons</h1>"
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
        "</main></body></html>")


def content_security_policy() -> str:
    """What the browser may load in learner mode: only this server (plus inline and data: content).

    ``'unsafe-inline'`` and ``'unsafe-eval'`` are needed by Voila's own pages and
    widget manager; they allow nothing from another host.
    """
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
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
                        "Referrer-Policy": "no-referrer"},
            "allow_remote_access": not _is_loopback(ip)}


def voila_argv(folder: str | os.PathLike, port: int | None = None, open_browser: bool = True,
               ip: str = "127.0.0.1") -> list[str]:
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
    """
    argv = [
        str(Path(folder).resolve()),
        f"--Voila.ip={ip}",
        f"--Voila.port={DEFAULT_PORT if port is None else int(port)}",
        "--Voila.port_retries=0",  # serve() picks a free port first, so the address printed is right
        f"--Voila.open_browser={open_browser}",
        "--VoilaConfiguration.template=lab",
        "--VoilaConfiguration.theme=light",
        "--VoilaConfiguration.strip_sources=True",      # the code stays hidden
        "--VoilaConfiguration.show_tracebacks=False",   # a learner sees no traceback
        "--VoilaConfiguration.allow_template_override=NO",  # ?template=... cannot bring a CDN back
        "--VoilaConfiguration.classic_tree=False",
        # the page template leaves trainer cells out (lesson_sources.learner_cells)
        "--VoilaExporter.filters=learner_cells=safetylab.lesson_sources.learner_cells",
        # What a lesson links to is served under /voila/files/ (a lesson's relative link is
        # redirected there): the clean copies, policies and evidence kits learners make.
        # Never the notebooks or any code.
        r"--VoilaConfiguration.file_allowlist=.*\.(png|jpe?g|gif|svg|webp|heic|heif|avif|tiff?|html|csv|json|txt|pdf)",
        r"--VoilaConfiguration.file_denylist=.*\.(ipynb|py|pyc|sh)|(.*/)?\..*",  # code, hidden files
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


def _voila_app_class():
    """Voila's application, with the learner-mode start page and template (imported lazily)."""
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from jupyter_server.utils import url_path_join
    from voila.app import Voila
    from voila.static_file_handler import AllowListFileHandler
    from voila.tornado.handler import TornadoVoilaHandler

    class _IndexHandler(JupyterHandler):
        def initialize(self, folder: Path):
            self.folder = folder

        def get(self):
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(index_html(find_lessons(self.folder), base_url=self.base_url))

    class PrivateTempKernelManager(AsyncMappingKernelManager):
        """Gives each lesson's kernel its own private temporary folder, deleted with the kernel.

        A learner's photo is kept in a temporary folder while a lesson looks at it;
        when the learner closes the page without "Forget my photo", Voila shuts the
        kernel down, and this deletes the folder with the photo in it.
        """

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.private_tmp: dict[str, str] = {}

        async def start_kernel(self, *args, **kwargs):
            folder = tempfile.mkdtemp(prefix="kernel-")  # inside the server's private folder
            env = dict(kwargs.get("env") or os.environ)
            env.update(TMPDIR=folder, TMP=folder, TEMP=folder)
            kwargs["env"] = env
            try:
                kernel_id = await super().start_kernel(*args, **kwargs)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            self.private_tmp[kernel_id] = folder
            return kernel_id

        async def shutdown_kernel(self, kernel_id, *args, **kwargs):
            try:
                return await super().shutdown_kernel(kernel_id, *args, **kwargs)
            finally:
                if not kwargs.get("restart"):
                    shutil.rmtree(self.private_tmp.pop(kernel_id, ""), ignore_errors=True)

    class _LessonHandler(TornadoVoilaHandler):
        async def prepare(self):
            await super().prepare()
            # Voila's page shuts its kernel down when it is closed, with a request that
            # must carry this cookie; Voila itself never sets it (voila issue 1458), so
            # without it the kernel, and a learner's photo with it, would stay behind.
            self.xsrf_token  # noqa: B018 - reading it sets the cookie

    class _FilesHandler(AllowListFileHandler):
        """Voila's file handler, with the same browser policy as the pages (it has none)."""

        def set_default_headers(self):
            super().set_default_headers()
            for name, value in tornado_settings()["headers"].items():
                self.set_header(name, value)
            self.set_header("X-Content-Type-Options", "nosniff")

    class LearnerVoila(Voila):
        """Voila with safetylab's start page, offline template and browser policy."""

        name = "safetylab-app"

        def initialize(self, argv=None):
            super().initialize(argv)
            self.voila_configuration.multi_kernel_manager_class = PrivateTempKernelManager

        def setup_template_dirs(self):
            super().setup_template_dirs()
            self.template_paths = [str(TEMPLATE_DIR), *self.template_paths]

        def init_handlers(self):
            ours = {TornadoVoilaHandler: _LessonHandler, AllowListFileHandler: _FilesHandler}
            handlers = [(h[0], ours.get(h[1], h[1]), *h[2:]) for h in super().init_handlers()]
            index = (url_path_join(self.server_url or self.base_url, "/?"), _IndexHandler,
                     {"folder": Path(self.root_dir)})
            return [index, *handlers]

        def start(self):
            self.tornado_settings = {**self.tornado_settings, **tornado_settings(self.ip)}
            super().start()

    return LearnerVoila


def serve(port: int | None = None, open_browser: bool = True, *, folder: str | os.PathLike | None = None,
          ip: str = "127.0.0.1") -> int:
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
        address only on a network you trust: anyone who reaches it can run the
        lessons, and Voila asks for no password.

    Raises
    ------
    SafetyLabError
        When Voila is not installed or the folder does not exist.
    """
    folder = open_lessons() if folder is None else Path(folder)
    if not folder.is_dir():
        raise SafetyLabError(f"The lessons folder {folder} does not exist.")
    try:
        app_class = _voila_app_class()
    except ImportError:
        raise SafetyLabError("Learner mode needs Voila, which is not installed here: "
                             "pip install \"safetylab[lab]\" (or run 'make lab' in the course folder).") from None
    private_tmp = tempfile.mkdtemp(prefix="safetylab-app-")  # 0700: only this user can read it
    saved = os.environ.get("TMPDIR")
    saved_tempdir = tempfile.tempdir
    os.environ["TMPDIR"] = private_tmp  # the kernels inherit it: a learner's photo lands here
    tempfile.tempdir = private_tmp
    try:
        port = free_port(ip) if port is None else int(port)
        app = app_class.instance()
        app.initialize(voila_argv(folder, port, open_browser, ip))
        host = f"[{ip}]" if ":" in ip else ip
        print(f"safetylab: the lessons are at http://{host}:{port}/ "
              "(press Ctrl+C here to stop).", file=sys.stderr, flush=True)
        app.start()  # returns when the server stops
    except KeyboardInterrupt:
        pass
    finally:
        tempfile.tempdir = saved_tempdir
        if saved is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved
        shutil.rmtree(private_tmp, ignore_errors=True)
    return 0


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
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--dir", metavar="DIR", default=None,
                       help="your working folder: the course's lessons are copied in when missing, and "
                            "your edits there are kept (default: the course's notebooks folder in a "
                            "checkout, else safetylab-lessons in your home folder)")
    where.add_argument("--lessons", metavar="FOLDER", default=None,
                       help="serve this folder of lesson notebooks as it is (nothing is copied)")
    return ap


def main(argv: list[str] | None = None) -> int:
    """``safetylab app [--port N] [--no-browser] [--ip ADDR] [--dir DIR | --lessons FOLDER]``."""
    args = _parser().parse_args(argv)
    try:
        folder = Path(args.lessons) if args.lessons else open_lessons(args.dir)
        return serve(args.port, args.open_browser, folder=folder, ip=args.ip)
    except SafetyLabError as e:
        print(f"safetylab: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
