"""A class on this computer, and learners who join it: for the class-mode tests and the load test.

- :class:`ClassRun` starts ``safetylab class`` (a real JupyterHub, configurable-http-proxy,
  each learner's learner-mode server) on a free loopback port, in its own process group,
  with the suite's network guard, and reads the join address, class code and trainer's
  address from what it prints, as a trainer would.
- :class:`Learner` is one browser without a browser: its own cookies; it joins with the
  class code and a nickname (following the "getting ready" page), opens pages, and talks
  to a lesson's kernel as Voila's page does (the widget messages, nothing else).

Used by ``tests/browser/test_class_*.py`` and ``benchmarks/class_load.py``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from serving import ServerLog

LESSON_03 = "03_what_your_file_says.ipynb"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_class() -> None:
    """Skip (outside CI) or fail (under CI) when class mode's JupyterHub or proxy is missing."""
    import importlib.util

    from conftest import require
    from safetylab.classroom.command import find_proxy

    require(importlib.util.find_spec("jupyterhub") is not None,
            "JupyterHub is not installed (the 'class' extra: make setup)")
    require(find_proxy() is not None, "configurable-http-proxy is not installed (scripts/install-class-deps.sh)")


class ClassRun(ServerLog):
    """``safetylab class`` running for a test or a benchmark (see the module's docstring)."""

    def __init__(self, root: Path, *options: str, env: dict | None = None):
        self.root = Path(root)
        self.options = list(options)
        self.tmp = self.root / "tmp"          # its TMPDIR: the class's folder is made in here
        self.runtime = self.root / "runtime"  # its Jupyter runtime folder (where --end finds it)
        self.log = self.root / "class.log"
        self.port = free_port()
        self.base_env = dict(os.environ if env is None else env)
        self.proc: subprocess.Popen | None = None
        self.join_url = self.code = self.trainer_url = None

    def env(self) -> dict:
        env = {k: v for k, v in self.base_env.items() if not k.startswith(("JUPYTER", "VOILA"))}
        for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(key, None)
        env.update(TMPDIR=str(self.tmp), JUPYTER_RUNTIME_DIR=str(self.runtime),
                   JUPYTER_CONFIG_DIR=str(self.root / "jupyter-config"), BROWSER="true",
                   PYDEVD_DISABLE_FILE_VALIDATION="1", no_proxy="*", NO_PROXY="*")
        return env

    def command(self) -> list[str]:
        return [sys.executable, "-m", "safetylab", "class", "--no-browser", "--port", str(self.port),
                *self.options]

    def start(self, timeout: float = 240) -> "ClassRun":
        self.tmp.mkdir(parents=True, exist_ok=True)
        # stop() ends the class as Ctrl+C does: run from a background job (which ignores Ctrl+C, and
        # whose children inherit that), the class would never see it and outlive the test
        ignored = (signal.getsignal(signal.SIGINT) is signal.SIG_IGN
                   and threading.current_thread() is threading.main_thread())
        if ignored:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            with open(self.log, "wb") as log:
                self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, env=self.env(),
                                             cwd=self.root, start_new_session=True)
        finally:
            if ignored:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log_text()
            found = re.search(r"Learners join at:\s+(\S+)", text)
            trainer = re.search(r"Trainer \(keep this to yourself\): (\S+)", text)
            if found and trainer:
                self.join_url = found.group(1)
                self.code = re.search(r"Class code:\s+(\S+)", text).group(1)
                self.trainer_url = trainer.group(1)
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the class did not start:\n{self.log_tail()}")

    def wait_ready(self, timeout: float = 900) -> float:
        """Wait until the class says it is ready for learners (its servers started); the seconds
        it says getting ready took."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(r"ready for learners .*getting ready took (\d+) s", self.log_text())
            if found:
                return float(found.group(1))
            if self.proc.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"the class did not get ready:\n{self.log_tail()}")

    @property
    def folder(self) -> Path | None:
        """The class's private folder (``safetylab-class-*`` in its TMPDIR), while it exists."""
        found = sorted(self.tmp.glob("safetylab-class-*"))
        return found[0] if found else None

    def learner_folder(self, name: str) -> Path:
        return (self.folder or self.tmp / "gone") / "learners" / name

    def hub_log(self) -> str:
        folder = self.folder
        try:
            return (folder / "hub.log").read_text(encoding="utf-8", errors="replace") if folder else ""
        except OSError:
            return ""

    def other_logs(self) -> list[str]:
        return [self.hub_log()]  # log_text(), log_tail(): serving.ServerLog

    def end(self, timeout: float = 300) -> subprocess.CompletedProcess:
        """``safetylab class --end`` from another terminal (the same user's runtime folder)."""
        return subprocess.run([sys.executable, "-m", "safetylab", "class", "--end"], capture_output=True,
                              text=True, env=self.env(), timeout=timeout)

    def wait(self, timeout: float = 150) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout: float = 150) -> int | None:
        """End the class as Ctrl+C would, then make sure nothing of it is left running."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
            if self.wait(timeout) is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.wait(10)
        return self.proc.returncode


class Learner:
    """One learner's browser, without a browser: cookies, pages, and a lesson's widget messages."""

    def __init__(self, base: str):
        self.base = base.rstrip("/") + "/"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                  urllib.request.HTTPCookieProcessor(self.jar))
        self.name: str | None = None
        self.pages_waited_on = 0  # "getting your lessons ready" pages seen while joining

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base + path.lstrip("/")

    def request(self, path: str, data: dict | bytes | None = None, *, headers: dict | None = None,
                timeout: float = 600, method: str | None = None):
        """``(status, final url, body)``; redirects are followed, errors returned, never raised."""
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.url(path), data=data, headers=headers or {}, method=method)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.url, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.url, e.read().decode("utf-8", "replace")

    def xsrf(self, page: str) -> str:
        found = re.search(r'name="_xsrf" value="([^"]+)"', page)
        assert found, "no _xsrf field in the page"
        return found.group(1)

    def join(self, code: str, nickname: str, timeout: float = 600):
        """Open the class's address, type the code and the nickname, wait until the lessons are ready."""
        status, url, page = self.request("")
        status, url, page = self.request(url, {"_xsrf": self.xsrf(page), "code": code, "username": nickname})
        deadline = time.monotonic() + timeout
        while status == 200 and "/spawn-pending/" in url and time.monotonic() < deadline:
            self.wait_as_the_page_says(page)
            status, url, page = self.request(url)
        found = re.search(r"/user/([^/]+)/", url)
        self.name = found.group(1) if found and status == 200 else None
        return status, url, page

    def wait_as_the_page_says(self, page: str) -> None:
        """Wait as a browser does on a page that refreshes itself (``<meta http-equiv="refresh">``)."""
        self.pages_waited_on += 1
        found = re.search(r'http-equiv="refresh" content="(\d+(?:\.\d+)?)', page)
        time.sleep(float(found.group(1)) if found else 1.0)

    def leave(self):
        status, url, page = self.request("hub/leave")
        return self.request("hub/leave", {"_xsrf": self.xsrf(page)})

    def open_lesson(self, name: str = LESSON_03, owner: str | None = None):
        """The lesson's page (Voila runs it first) as a click from the lesson list sends it."""
        owner = owner or self.name
        return self.request(f"user/{owner}/voila/render/{name}", headers={"Sec-Fetch-Site": "same-origin"})

    def cookie_header(self, path: str) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar if path.startswith(c.path or "/"))

    def kernel_socket(self, kernel_id: str, owner: str | None = None) -> str:
        owner = owner or self.name
        return self.base.replace("http", "ws", 1) + f"user/{owner}/api/kernels/{kernel_id}/channels"


def kernel_id(page: str) -> str | None:
    found = re.search(r'"kernelId": "([0-9a-f-]{36})"', page)
    return found.group(1) if found else None


# --------------------------------------------------------------------------- #
# A lesson's kernel, as Voila's page talks to it (widget messages only)
# --------------------------------------------------------------------------- #

#: The kernel websocket protocol the client speaks (as JupyterLab's and Voila's pages do).
WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def _message(session: str, msg_type: str, content: dict, buffers: list | None = None,
             metadata: dict | None = None) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "learner", "session": session,
                       "msg_type": msg_type, "version": "5.3",
                       "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell",
            "buffers": buffers or []}


async def _widget_session(url: str, cookie: str, photo: bytes, name: str, timeout: float) -> dict:
    """Connect, fetch every widget's state, upload ``photo`` to the lesson's upload button,
    and wait until a widget shows the result. Times (s) and what was seen."""
    import tornado.httpclient
    import tornado.websocket
    from jupyter_server.services.kernels.connection.base import (deserialize_msg_from_ws_v1,
                                                                 serialize_msg_to_ws_v1)

    t0 = time.monotonic()
    # The kernel protocol browsers speak (v1). Voila's server reads every binary message it sends
    # as v1: with a client of the older protocol it mis-reads a message with buffers and its
    # memory grows without bound (seen here: 50 MB a second).
    conn = await tornado.websocket.websocket_connect(tornado.httpclient.HTTPRequest(
        url, headers={"Cookie": cookie}, connect_timeout=timeout, request_timeout=timeout),
        subprotocols=[WS_PROTOCOL])
    if conn.selected_subprotocol != WS_PROTOCOL:
        raise ConnectionError(f"the lesson does not speak {WS_PROTOCOL}")
    session = uuid.uuid4().hex

    async def send(msg: dict):
        parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
        await conn.write_message(serialize_msg_to_ws_v1(parts + list(msg["buffers"]), msg["channel"]),
                                 binary=True)

    def parse(raw: bytes) -> dict:
        channel, parts = deserialize_msg_from_ws_v1(raw)
        header, parent, metadata, content = (json.loads(p) for p in parts[:4])
        return {"channel": channel, "header": header, "parent_header": parent, "metadata": metadata,
                "content": content, "buffers": parts[4:], "msg_type": header.get("msg_type")}

    async def receive(until, limit: float):
        deadline = time.monotonic() + limit
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the lesson")
            raw = await asyncio.wait_for(conn.read_message(), left)
            if raw is None:
                raise ConnectionError("the lesson's connection closed")
            msg = parse(raw) if isinstance(raw, bytes) else json.loads(raw)
            if until(msg):
                return msg

    try:
        control = uuid.uuid4().hex
        await send(_message(session, "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                                   "data": {}},
                            metadata={"version": "1.0.0"}))  # the widget control protocol's version
        await send(_message(session, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}}))
        msg = await receive(lambda m: m.get("msg_type", m["header"]["msg_type"]) == "comm_msg"
                            and m["content"]["data"].get("method") == "update_states", timeout)
        states = msg["content"]["data"]["states"]
        interactive = time.monotonic() - t0
        uploads = [mid for mid, s in states.items() if s.get("state", s).get("_model_name") == "FileUploadModel"]
        if not uploads:
            raise AssertionError("the lesson has no upload button")
        data = {"method": "update", "state": {"value": [{"name": name, "type": "image/jpeg", "size": len(photo),
                                                         "last_modified": 1717243402000}]},
                "buffer_paths": [["value", 0, "content"]]}
        t1 = time.monotonic()
        await send(_message(session, "comm_msg", {"comm_id": uploads[0], "data": data}, [photo]))

        def shows_report(m):
            content = m.get("content", {})
            state = content.get("data", {}).get("state", {}) if isinstance(content.get("data"), dict) else {}
            return m["header"]["msg_type"] == "comm_msg" and "Report ready" in str(state.get("value", ""))

        await receive(shows_report, timeout)
        return {"connected_and_states": interactive, "widget": time.monotonic() - t1, "widgets": len(states)}
    finally:
        conn.close()


def use_upload_widget(url: str, cookie: str, photo: bytes, name: str = "photo.jpg", timeout: float = 600) -> dict:
    """:func:`_widget_session` run to its end in a thread of its own (callers may have a loop running)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _widget_session(url, cookie, photo, name, timeout)).result()
