"""What the tests and benchmarks share about the servers they start: the log, and the websocket door.

- :class:`ServerLog`: a server started with its output going to ``self.log`` (a file);
  ``log_text()`` is all of it, ``log_tail()`` its last lines (and those of the other
  logs the server keeps, :meth:`ServerLog.other_logs`), for a failure's message.
  Used by ``browser/conftest.py``'s ``Server`` (learner mode) and ``classclient.ClassRun``
  (class mode).
- :func:`websocket_status`: does a websocket open at an address (a lesson's kernel),
  with these cookies and in this protocol? Used by the learner-mode and class-mode
  security tests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

__all__ = ["ServerLog", "websocket_status"]


class ServerLog:
    """A server whose output is written to ``self.log``."""

    log: Path

    def log_text(self) -> str:
        """Everything the server printed so far ("" before it printed anything)."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def other_logs(self) -> list[str]:
        """The texts of any other logs the server keeps (none here)."""
        return []

    def log_tail(self, n: int = 40) -> str:
        """The last ``n`` lines of each log, for a failure's message."""
        lines = []
        for text in (self.log_text(), *self.other_logs()):
            lines += text.splitlines()[-n:]
        return "\n".join(lines) or "(no log)"


def websocket_status(url: str, cookie: str | None = None, *, protocols: list[str] | None = None) -> int:
    """101 when a websocket opens at ``url`` (sending ``cookie``), else the HTTP status it was refused with.

    It offers the kernel protocol of a lesson page (``safetylab.app.KERNEL_WS_PROTOCOL``)
    unless ``protocols`` says otherwise. It runs in a thread of its own: Playwright's sync
    API keeps an event loop running in the caller's.
    """
    import tornado.httpclient
    import tornado.websocket

    from safetylab.app import KERNEL_WS_PROTOCOL

    async def attempt():
        try:
            conn = await tornado.websocket.websocket_connect(tornado.httpclient.HTTPRequest(
                url, headers={"Cookie": cookie} if cookie else {}, follow_redirects=False,
                connect_timeout=60, request_timeout=120),
                subprotocols=[KERNEL_WS_PROTOCOL] if protocols is None else protocols)
        except tornado.httpclient.HTTPClientError as e:
            return e.code
        conn.close()
        return 101

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, attempt()).result()
