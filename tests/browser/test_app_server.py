"""Learner mode without a browser: the lesson list, the Voila options, and the server itself.

The pure parts of :mod:`safetylab.app` are tested directly; the server is started
(``python -m safetylab.app``) and checked over HTTP: what it serves, what it refuses,
where it listens, that its pages name nothing outside this computer, and that
stopping it removes the private folder where lessons keep a learner's photo.
These need Voila but no browser.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from safetylab import app, course
from safetylab.errors import SafetyLabError

from conftest import require
from netguard import off_machine, strace_command

from .conftest import LESSONS, Server, _require_app

md = nbformat.v4.new_markdown_cell
code = nbformat.v4.new_code_cell


def _notebook(path: Path, *cells) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nbformat.write(nb, path)
    return path


# --------------------------------------------------------------------------- #
# the lesson list
# --------------------------------------------------------------------------- #

def test_title_and_summary_come_from_the_first_heading_and_paragraph(tmp_path):
    nb = _notebook(tmp_path / "02_x.ipynb", code("print(1)"),
                   md("# Lesson 2 — The *background* gives away the place\n\nWindow views and "
                      "**street signs**: reading a place from [what is behind you](https://x).\n\n## Next"))
    assert app.lesson_info(nb) == ("Lesson 2 — The background gives away the place",
                                   "Window views and street signs: reading a place from what is behind you.")


def test_summary_may_be_in_the_next_cell_or_a_quote_or_missing(tmp_path):
    nb = _notebook(tmp_path / "06_x.ipynb", md("# Lesson 6"), md("> **Content note.** Take a break\n> any time."))
    assert app.lesson_info(nb) == ("Lesson 6", "Content note. Take a break any time.")
    nb = _notebook(tmp_path / "07_x.ipynb", md("# Lesson 7\n## Check your environment"))
    assert app.lesson_info(nb) == ("Lesson 7", "")
    nb = _notebook(tmp_path / "09_x.ipynb", md("```\n# not a heading\n```\n\n# Lesson 9\nText.\n"))
    assert app.lesson_info(nb) == ("Lesson 9", "Text.")
    nb = _notebook(tmp_path / "08_reading_the_room.ipynb", code("1"), md("no heading at all"))
    assert app.lesson_info(nb) == ("Reading the room", "")


def test_an_unreadable_notebook_is_one_plain_error_and_does_not_hide_the_others(tmp_path):
    (tmp_path / "04_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(SafetyLabError, match="04_broken.ipynb"):
        app.lesson_info(tmp_path / "04_broken.ipynb")
    _notebook(tmp_path / "03_ok.ipynb", md("# Fine"))
    _notebook(tmp_path / "notes.ipynb", md("# Not a lesson"))
    _notebook(tmp_path / "1_short.ipynb", md("# Not a lesson either"))
    lessons = app.find_lessons(tmp_path)
    assert [(x.number, x.title) for x in lessons] == [("03", "Fine"), ("04", "04_broken")]
    assert "not a readable notebook" in lessons[1].summary


def test_the_course_lessons_are_all_listed_with_their_headings():
    lessons = app.find_lessons(course.lessons_dir())
    assert [x.path for x in lessons] == LESSONS
    for lesson in lessons:
        first_md = next(c for c in nbformat.read(lesson.path, as_version=4).cells if c.cell_type == "markdown")
        assert lesson.title and lesson.title in first_md.source.replace("*", "")
        assert lesson.url == f"voila/render/{lesson.path.name}"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.texts, self.urls, self.tags = [], [], [], []
        self._in_a = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for key in ("href", "src", "action"):
            if attrs.get(key):
                self.urls.append(attrs[key])
        if tag == "a":
            self._in_a = [attrs.get("href"), ""]

    def handle_data(self, data):
        self.texts.append(data)
        if self._in_a is not None:
            self._in_a[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._in_a is not None:
            self.links.append(tuple(self._in_a))
            self._in_a = None


def test_index_page_lists_and_links_each_lesson_escaped(tmp_path):
    lessons = [app.Lesson("01", "Faces <script>alert(1)</script>", "A & B", tmp_path / "01_a b.ipynb"),
               app.Lesson("03", "Files", "", tmp_path / "03_f.ipynb")]
    page = app.index_html(lessons, base_url="/course")
    assert "<script>" not in page and "&lt;script&gt;" in page and "A &amp; B" in page
    parsed = _Page()
    parsed.feed(page)
    assert parsed.links == [("/course/voila/render/01_a%20b.ipynb", "Faces <script>alert(1)</script>"),
                            ("/course/voila/render/03_f.ipynb", "Files")]
    assert ("html", {"lang": "en"}) in parsed.tags
    assert not [u for u in parsed.urls if re.match(r"(https?:)?//", u)], "the page names another host"
    assert "No lessons were found" in app.index_html([])


# --------------------------------------------------------------------------- #
# the Voila options
# --------------------------------------------------------------------------- #

def _option(argv, name):
    values = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
    assert len(values) == 1, (name, argv)
    return values[0]


def test_voila_options_keep_learner_mode_local_codeless_and_offline(tmp_path):
    argv = app.voila_argv(tmp_path, port=8999, open_browser=False)
    assert argv[0] == str(tmp_path.resolve())
    assert _option(argv, "Voila.ip") == "127.0.0.1"
    assert _option(argv, "Voila.port") == "8999"
    assert _option(argv, "Voila.open_browser") == "False"
    assert _option(argv, "VoilaConfiguration.strip_sources") == "True"
    assert _option(argv, "VoilaConfiguration.show_tracebacks") == "False"
    assert _option(argv, "VoilaConfiguration.allow_template_override") == "NO"
    assert _option(app.voila_argv(tmp_path), "Voila.port") == str(app.DEFAULT_PORT)


def test_the_lesson_pages_templates_are_compiled_once_per_server(monkeypatch):
    """Voila makes a new template environment for every page; learner mode's keeps each template's
    compiled code, so a page (and a ready server's first page, compiled ahead) compiles nothing."""
    _require_app()
    import jinja2

    names = app.warm_templates()
    assert names[0] == "index.html.j2" and "base.html.j2" in names  # ours, and the templates it builds on
    compiled = []
    original = jinja2.Environment.compile
    def compile(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    assert app.warm_templates() == names and compiled == []
    # every filter the page's templates name is one learner mode gives Voila, with the same functions
    argv = app.voila_argv(".", open_browser=False)
    assert {f"--VoilaExporter.filters={k}={v}" for k, v in app.PAGE_FILTERS.items()} <= set(argv)


@pytest.mark.parametrize("path, served", [
    ("clean_copies/photo-1a2b.jpg", True), ("clean_copies/IMG.HEIC", True),
    ("my_evidence_kit/report.html", True), ("my_policy/my-photo-policy.html", True),
    ("03_what_your_file_says.ipynb", False), ("facilitator/03.md", False), ("x.py", False),
    ("facilitator/answers.txt", False), ("facilitator/handout.pdf", False),
    (".ipynb_checkpoints/a.png", False), ("kit/.hidden.png", False), ("scripts/run.sh", False),
])
def test_only_what_lessons_make_is_served_as_a_file(tmp_path, path, served):
    argv = app.voila_argv(tmp_path)
    allow = _option(argv, "VoilaConfiguration.file_allowlist")
    deny = _option(argv, "VoilaConfiguration.file_denylist")
    ok = bool(re.fullmatch(allow, path, re.I)) and not re.fullmatch(deny, path, re.I)
    assert ok is served


def test_the_browser_may_load_nothing_from_another_host():
    csp = app.content_security_policy()
    rules = dict(r.strip().split(" ", 1) for r in csp.split(";"))
    assert rules["default-src"] == "'self'" and rules["connect-src"] == "'self'"
    for sources in rules.values():
        assert not re.search(r"https?:|\*|wss?:", sources), sources
    assert app.tornado_settings("127.0.0.1")["allow_remote_access"] is False
    assert app.tornado_settings("0.0.0.0")["allow_remote_access"] is True
    assert app.tornado_settings()["headers"]["Content-Security-Policy"] == csp
    for policy in (csp, app.content_security_policy(nonce="abc")):  # no inline script but by nonce
        rules = dict(r.strip().split(" ", 1) for r in policy.split(";"))
        assert "'unsafe-inline'" not in rules["script-src"] and "'unsafe-eval'" not in rules["script-src"]
        assert rules["script-src-attr"] == "'none'" and rules["object-src"] == "'none'"
    assert "'nonce-abc'" in app.content_security_policy(nonce="abc")


@pytest.mark.parametrize("headers, cross", [
    ({}, False), ({"Sec-Fetch-Site": "none"}, False), ({"Sec-Fetch-Site": "same-origin"}, False),
    ({"Sec-Fetch-Site": "same-site"}, True), ({"Sec-Fetch-Site": "cross-site"}, True),
    ({"Referer": "http://127.0.0.1:8866/"}, False), ({"Referer": "http://127.0.0.1:8867/"}, True),
    ({"Origin": "http://evil.example"}, True), ({"Origin": "null"}, True),
    ({"Sec-Fetch-Site": "same-origin", "Referer": "http://evil.example/"}, False),  # the browser's word wins
])
def test_cross_site_requests_are_recognised(headers, cross):
    assert app.is_cross_site(headers, "127.0.0.1:8866") is cross


@pytest.mark.parametrize("host, local", [
    ("127.0.0.1:8866", True), ("localhost:8866", True), ("[::1]:8866", True), ("127.1.2.3", True),
    ("evil.example:8866", False), ("127.0.0.1.nip.io:8866", False), ("", False), ("10.0.0.1:8866", False),
])
def test_only_local_host_names_are_local(host, local):
    assert app.is_local_host(host) is local


@pytest.mark.parametrize("path, kind, attachment, sandboxed", [
    ("my-files/clean-copies/photo-1a2b.jpg", "image/jpeg", False, False),
    ("my-files/policy/my_photo_policy.html", "text/html; charset=utf-8", False, True),
    ("kit/report.html", "text/html; charset=utf-8", False, True),
    ("kit/files/sent.html", "application/octet-stream", True, True),   # copied by the kit
    ("kit/files/sub/photo.jpg", "application/octet-stream", True, True),
    ("kit/timeline.csv", "text/plain; charset=utf-8", False, True),
    ("kit/report.pdf", "application/pdf", True, True),
    ("drawing.svg", "application/octet-stream", True, True),
    ("page.xhtml", "application/octet-stream", True, True),
])
def test_files_are_sent_inert(tmp_path, path, kind, attachment, sandboxed):
    (tmp_path / "kit" / "files").mkdir(parents=True)
    (tmp_path / "kit" / "manifest.json").write_text("{}")
    policy = app.file_policy(path, tmp_path)
    assert (policy.content_type, policy.attachment) == (kind, attachment)
    assert policy.csp.startswith("sandbox") is sandboxed and "allow-scripts" not in policy.csp
    headers = policy.headers(path.rsplit("/", 1)[-1])
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers.get("Content-Disposition", "").startswith("attachment") is attachment


def test_only_lesson_notebooks_in_the_folder_itself_are_lessons(tmp_path):
    (tmp_path / "01_a.ipynb").write_text("{}")
    (tmp_path / "elsewhere.ipynb").write_text("{}")
    (tmp_path / "02_link.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    (tmp_path / "facilitator").mkdir()
    (tmp_path / "facilitator" / "03_b.ipynb").write_text("{}")
    assert [p for p in ("01_a.ipynb", "02_link.ipynb", "facilitator/03_b.ipynb", "elsewhere.ipynb",
                        "../01_a.ipynb", "01_a.ipynb/..", "") if app.is_lesson(p, tmp_path)] == ["01_a.ipynb"]


def test_limits_and_the_address(tmp_path, capsys):
    assert app.Limits(max_lessons=2, idle_minutes=0.25).culling()["cull_idle_timeout"] == 15
    for bad in (["--max-lessons", "0"], ["--idle-minutes", "-1"]):
        assert app.main(["--no-browser", "--lessons", str(tmp_path), *bad]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("safetylab: ") and "\n" not in err
    token = app.new_token()
    assert len(token) >= 40 and token != app.new_token()
    assert app.app_address("127.0.0.1", 8866, token) == f"http://127.0.0.1:8866/?token={token}"
    assert 'nonce="n1"' in app.add_nonce("<SCRIPT src=x></SCRIPT><scripts>", "n1")
    assert app.add_nonce("<scripts>", "n1") == "<scripts>"


def test_free_port_skips_a_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        port = app.free_port("127.0.0.1", start=taken, tries=20)
        assert port != taken and taken < port < taken + 20
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))


def test_a_missing_lessons_folder_is_one_plain_line(tmp_path, capsys):
    assert app.main(["--no-browser", "--lessons", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("safetylab: ") and "nowhere" in err and "\n" not in err


# --------------------------------------------------------------------------- #
# the server
# --------------------------------------------------------------------------- #

@pytest.fixture(scope="module")
def own_server(tmp_path_factory, network_guard):
    """A server of its own (the lifecycle test stops it)."""
    _require_app()
    srv = Server(tmp_path_factory.mktemp("learner-mode-http"), network_guard).start()
    yield srv
    srv.stop()


def test_lesson_list_over_http(own_server):
    status, headers, body = own_server.get("/")
    assert status == 200 and headers["Content-Security-Policy"] == app.content_security_policy()
    for lesson in app.find_lessons(own_server.lessons):
        assert f'href="/{lesson.url}"' in body


def test_a_rendered_lesson_has_no_code_and_names_no_other_host(own_server):
    status, headers, body = own_server.get("voila/render/00_start_here.ipynb", timeout=240)
    assert status == 200 and "Content-Security-Policy" in headers
    assert "import safetylab" not in body, "the code is shown in learner mode"
    parsed = _Page()
    parsed.feed(body)
    outside = [u for u in parsed.urls if re.match(r"(https?:)?//", u)]
    assert not outside, f"the lesson page loads from another host: {outside}"
    assert ("html", {"lang": "en"}) in parsed.tags


def test_notebooks_and_hidden_files_are_not_served(own_server):
    assert own_server.get("voila/files/03_what_your_file_says.ipynb")[0] == 403
    assert own_server.get("voila/files/.ipynb_checkpoints/x.png")[0] == 403
    status, _, body = own_server.get("voila/render/99_missing.ipynb")
    assert status == 404
    parsed = _Page()
    parsed.feed(body)
    assert not [u for u in parsed.urls if re.match(r"(https?:)?//", u)], "the error page loads from a CDN"


def test_listens_on_this_computer_only(own_server):
    tcp = Path("/proc/net/tcp")
    if not tcp.exists():
        pytest.skip("needs Linux's /proc/net/tcp")
    port = f"{own_server.port:04X}"
    listening = [line.split()[1] for line in tcp.read_text().splitlines()[1:]
                 if line.split()[1].endswith(f":{port}") and line.split()[3] == "0A"]
    assert listening == [f"0100007F:{port}"]  # 127.0.0.1, nothing else
    six = Path("/proc/net/tcp6")
    if six.exists():
        assert not [line for line in six.read_text().splitlines()[1:]
                    if line.split()[1].endswith(f":{port}") and line.split()[3] == "0A"]


def test_the_network_guard_is_in_every_python_the_server_starts(own_server):
    """Positive control for the offline checks: the guard is really loaded (via PYTHONPATH)."""
    probe = ("import socket, json; import sitecustomize as g; "
             "print(json.dumps([socket.socket.connect.__module__, socket.getaddrinfo.__module__, "
             "g._is_local('127.0.0.1'), g._is_local('::1'), g._is_local('example.org'), g._is_local('10.0.0.1')]))")
    out = subprocess.run([sys.executable, "-c", probe], env=own_server.env(), capture_output=True, text=True,
                         timeout=60)
    assert json.loads(out.stdout) == ["sitecustomize", "sitecustomize", True, True, False, False], out.stderr


def test_a_lesson_in_learner_mode_sends_nothing_off_this_computer(tmp_path_factory, network_guard):
    """The server and a lesson kernel reading text with ONNX Runtime, for 20 s and more, under
    strace: every process and thread, C++ included (the Python guard cannot see C++)."""
    _require_app()
    require(shutil.which("strace") is not None,
            "strace is not installed (make test installs Debian's strace: scripts/install-system-deps.sh)")
    srv = Server(tmp_path_factory.mktemp("learner-mode-strace"), network_guard)
    trace = srv.root / "strace.log"
    srv.wrap = strace_command(trace, [])
    home = srv.root / "home"
    home.mkdir()
    srv.extra_env = {"HOME": str(home)}  # so a file written there (a device id) shows
    srv.start(timeout=180)
    try:
        status, _, body = srv.get("voila/render/02_your_background_gives_away_the_place.ipynb", timeout=300)
        assert status == 200 and "There was an error" not in body
        ran = time.monotonic()
        assert list(srv.tmp.glob("safetylab-app-*/kernel-*")), "the lesson's kernel is not running"
        time.sleep(max(0.0, 25 - (time.monotonic() - ran)))  # its text reader has been up 25 s and more
        assert list(srv.tmp.glob("safetylab-app-*/kernel-*")), "the lesson's kernel stopped early"
    finally:
        srv.stop()
    log = trace.read_text(errors="replace")
    assert re.search(r'connect\(\d+, \{sa_family=AF_INET, sin_port=htons\(\d+\), '
                     r'sin_addr=inet_addr\("127\.0\.0\.1"\)', log), "strace saw no kernel connection at all"
    leaks = off_machine(log)
    assert not leaks, "addressed something off this computer:\n" + "\n".join(leaks[:10])
    telemetry = [str(p.relative_to(home)) for p in home.rglob("*") if "Microsoft" in p.parts or "deviceid" in p.name]
    assert not telemetry, f"ONNX Runtime kept a device id or report queue: {telemetry}"


def test_stopping_the_server_removes_its_private_folder_and_kernels(own_server):
    """Runs last in this module: it stops the server."""
    assert own_server.get("voila/render/00_start_here.ipynb", timeout=240)[0] == 200  # starts a kernel
    private = [p for p in own_server.tmp.iterdir() if p.name.startswith("safetylab-app-")]
    assert len(private) == 1 and private[0].stat().st_mode & 0o077 == 0
    assert own_server.stop() == 0
    assert not list(own_server.tmp.iterdir()), "the private folder was left behind"
    left = subprocess.run(["pgrep", "-g", str(own_server.proc.pid)], capture_output=True, text=True)
    assert left.stdout.strip() == "", f"processes left running: {left.stdout}"
    assert not own_server.network_attempts()
