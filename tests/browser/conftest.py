"""Fixtures of the real-browser tests: a learner-mode server, Debian's Chromium, axe-core.

- ``server`` (session): ``python -m safetylab.app`` on a free loopback port, serving a
  scratch copy of the lesson notebooks, in its own process group, with a guard that
  refuses (and records) every network connection that is not to this computer — in
  the server and in every lesson kernel it starts (the suite's one ``network_guard``).
  Torn down with SIGTERM, then SIGKILL. Its secret token is read from the address it
  prints, as a learner would copy it: ``server.address`` has it, ``server.get()`` sends
  it, and every ``page`` opens it first (the browser then keeps the cookie it sets).
- ``browser`` (session): Chromium driven by the Python ``playwright`` package. Playwright
  cannot download its own browser here, so it uses Debian's (``/usr/bin/chromium``, or
  ``$SAFETYLAB_CHROMIUM``).
- ``page`` (per test): a fresh browser context whose every request to another host is
  aborted and recorded, and whose Content-Security-Policy violations are recorded;
  ``offline_report(page)`` lists both. When a test fails, a screenshot of its page is
  saved as ``test-artifacts/screenshots/<test>-FAILED.png`` and its path is added to
  the failure message.
- ``axe_source``: axe-core, installed from npm by ``scripts/install-browser-deps.sh``
  into ``tests/browser/node_modules``.

Outside CI anything missing (Voila, Playwright, Chromium, axe-core) skips these tests
with the reason; under ``CI=true`` it fails them (``conftest.require``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import LESSONS, ROOT, require
from netguard import NetGuard
from serving import ServerLog

HERE = Path(__file__).resolve().parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RENDER_TIMEOUT_MS = 240_000  # a lesson runs all its cells before the page shows

def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the learner-mode pages in Chromium (Playwright)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is returned as it is


def _local_opener(follow: bool = True):
    handlers = [urllib.request.ProxyHandler({})]  # never a proxy
    if not follow:
        handlers.append(_NoRedirect())
    return urllib.request.build_opener(*handlers)


class Server(ServerLog):
    """A running learner-mode server (see the ``server`` fixture); its log: :class:`serving.ServerLog`."""

    def __init__(self, root: Path, guard: NetGuard, *options: str):
        self.root = root
        self.guard = guard
        self._mark = guard.mark()
        self.options = list(options)  # more options of ``safetylab app``
        self.lessons = root / "lessons"   # what it serves: a copy of notebooks/
        self.tmp = root / "tmp"           # its TMPDIR: the private folders live in here
        self.log = root / "server.log"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.address: str | None = None  # the printed address, with the token
        self.token: str | None = None
        self.proc: subprocess.Popen | None = None
        self.wrap: list[str] = []  # a command the server runs under (strace)
        self.extra_env: dict[str, str] = {}
        # the demonstrations every learner gets the same (safetylab._cache): worked out by
        # each lesson ("off", as before the cache), or worked out once before the server starts
        self.cache = "off"

    def env(self) -> dict:
        # the network guard loads first in the server and in every lesson kernel it starts;
        # only connections to this computer are allowed (the server talks to itself)
        env = self.guard.env({k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "VOILA"))},
                             loopback=True)
        env.update(
            TMPDIR=str(self.tmp),
            JUPYTER_CONFIG_DIR=str(self.root / "jupyter-config"),  # no user config changes the app
            JUPYTER_RUNTIME_DIR=str(self.root / "jupyter-runtime"),
            BROWSER="true", PYDEVD_DISABLE_FILE_VALIDATION="1",
            no_proxy="*", NO_PROXY="*")
        for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(key, None)
        if self.cache == "off":
            env["SAFETYLAB_CACHE"] = "off"
        env.update(self.extra_env)
        return env

    def fill_cache(self, timeout: float = 1200) -> None:
        """Run the lessons once, as ``safetylab app`` does in the background on a first start."""
        done = subprocess.run([sys.executable, "-m", "safetylab._cache", str(self.lessons)], env=self.env(),
                              cwd=self.root, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"filling the cache failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    def start(self, timeout: float = 90) -> "Server":
        self.lessons.mkdir(parents=True)
        self.tmp.mkdir()
        for nb in LESSONS:
            shutil.copy(nb, self.lessons / nb.name)
        if self.cache == "filled":
            self.fill_cache()
        cmd = [*self.wrap, sys.executable, "-m", "safetylab.app", "--no-browser", "--port", str(self.port),
               "--lessons", str(self.lessons), *self.options]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env(),
                                         cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.address is None:
                found = re.search(r"(http://127\.0\.0\.1:\d+/\?token=([\w-]+))", self.log_text())
                if not found:
                    time.sleep(0.3)
                    continue
                self.address, self.token = found.group(1), found.group(2)
            try:
                with _local_opener().open(self.address, timeout=5) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the learner-mode server did not start:\n{self.log_tail()}")

    def get(self, path: str, timeout: float = 60, *, token: bool = True, headers: dict | None = None):
        """``(status, headers, body)`` of a GET on the server (errors included), with the
        token unless ``token=False``; redirects are not followed."""
        url = self.url + path.lstrip("/")
        if token:
            url += ("&" if "?" in url else "?") + "token=" + self.token
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with _local_opener(follow=False).open(request, timeout=timeout) as r:
                return r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", "replace")

    def network_attempts(self) -> list[str]:
        return self.guard.attempts(since=self._mark)

    def stop(self, timeout: float = 30) -> int | None:
        """Stop the server and everything it started (its process group)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                return self.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        return self.proc.poll()


def _require_app() -> None:
    require(importlib.util.find_spec("voila") is not None,
            "Voila is not installed (learner mode needs it: the lab extra)")


@pytest.fixture(scope="session")
def server(tmp_path_factory, network_guard):
    """A learner-mode server for the whole session (scratch copy of the lessons)."""
    _require_app()
    # more lessons at once than a learner needs: a test that fails may leave one open
    srv = Server(tmp_path_factory.mktemp("learner-mode"), network_guard, "--max-lessons", "8")
    srv.cache = "filled"  # as a classroom computer has it after the first start: lessons open quickly
    srv.start(timeout=90)
    try:
        yield srv
    finally:
        srv.stop()
    attempts = srv.network_attempts()
    assert not attempts, "the learner-mode server or a lesson kernel tried to use the network:\n" + \
        "\n".join(attempts)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("SAFETYLAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    require(Path(path).exists(),
            "Chromium is not installed (make test installs Debian's chromium: scripts/install-browser-deps.sh)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    require(importlib.util.find_spec("playwright") is not None,
            "the Python playwright package is not installed (the test extra)")
    from playwright.sync_api import sync_playwright

    for stale in SCREENSHOTS.glob("*-FAILED.png"):  # from an earlier run: they would mislead
        stale.unlink()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE_JS.is_file(),
            f"axe-core is not installed at {AXE_JS.relative_to(ROOT)} (scripts/install-browser-deps.sh runs npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


def _is_local_url(url: str) -> bool:
    return bool(re.match(r"(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/", url)) or \
        url.startswith(("data:", "blob:", "about:"))


def offline_context(browser, width: int = 1280, height: int = 900):
    """``(context, page)``: a fresh context whose requests to another host are aborted and recorded
    (see :func:`offline_report`), and its page (blank)."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=False,
                                  service_workers="block")
    outside: list[str] = []
    csp: list[str] = []

    def guard(route):
        if _is_local_url(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    pg.safetylab_outside, pg.safetylab_csp = outside, csp  # read by offline_report()
    return context, pg


def offline_page(browser, srv: "Server"):
    """:func:`offline_context`, its page on the server's printed address (the browser keeps the
    token's cookie, as a learner's does)."""
    context, pg = offline_context(browser)
    pg.goto(srv.address)  # as a learner opens the printed address: the browser keeps the cookie
    return context, pg


@pytest.fixture
def page(browser, server, request):
    """A page in a fresh context; requests that would leave this computer are aborted and recorded."""
    context, pg = offline_page(browser, server)
    request.node.safetylab_page = pg  # for the screenshot of a failure
    try:
        yield pg
    finally:
        try:  # leave the page as a learner does: Voila then shuts the lesson's kernel down
            here = re.match(r"http://127\.0\.0\.1:\d+/", pg.url or "") if not pg.is_closed() else None
            if here:  # to the lesson list: its shutdown request (a beacon) goes out on the way
                pg.goto(here.group(0), timeout=30_000)
                pg.wait_for_timeout(1000)
        except Exception:  # noqa: BLE001 - a crashed page is reported by its test
            pass
        context.close()


def offline_report(page) -> list[str]:
    """What the page tried to load from elsewhere, and what the browser's policy blocked."""
    return [f"request to {u}" for u in page.safetylab_outside] + \
        [f"blocked by the page's policy: {m}" for m in page.safetylab_csp]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    pg = getattr(item, "safetylab_page", None)
    if rep.when != "call" or not rep.failed or pg is None or pg.is_closed():
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_")
    path = SCREENSHOTS / f"{name}-FAILED.png"
    try:
        pg.screenshot(path=str(path), full_page=True, timeout=20_000)
    except Exception as e:  # the page may have crashed: say so, do not hide the real failure
        note = f"(no screenshot: {type(e).__name__}: {e})"
    else:
        note = f"Screenshot of the page when it failed: {path}"
    if hasattr(rep.longrepr, "addsection"):
        rep.longrepr.addsection("screenshot", note)
    crash = getattr(rep.longrepr, "reprcrash", None)
    if crash is not None:
        crash.message = f"{crash.message} [{note}]"
