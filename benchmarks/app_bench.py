"""Benchmark: how quickly each lesson opens in learner mode, in a real browser, and its kernel's memory.

``bench_app()`` starts learner mode (``python -m safetylab.app``) on a scratch copy of
the lessons and opens every lesson in Debian's Chromium (Playwright), one learner, one
lesson at a time, as a learner does: from the address with its token. For each lesson:

- **ready**: from asking for the page to the lesson being usable: the loading page
  gone, every cell's output shown and every widget drawn (median of ``repeats``);
- **memory**: the resident memory (RSS) of the lesson's kernel then, in MB.

Two ways, so the figures can be put side by side: **kept** (the demonstrations every
learner gets the same worked out once, :mod:`safetylab._cache`, as on a computer where
learner mode has started before; the time that takes is reported too) and **live**
(``SAFETYLAB_CACHE=off``: each lesson works everything out itself, as before).

Goals (issue 13): every lesson ready in at most 3 s, lesson 01 in at most 5 s; at most
250 MB for a lesson that does not use the face or text models until asked.

Run alone: ``.venv/bin/python benchmarks/app_bench.py [--repeats N] [--no-live]``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SAFETYLAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
GOAL_S = {"01": 5.0}
GOAL_DEFAULT_S = 3.0
GOAL_MB = 250.0

# Ready: the loading page is gone and every widget output has been drawn.
_READY = """() => {
    if (document.getElementById('loading')) { return false; }
    const cells = document.getElementById('rendered_cells');
    if (!cells || cells.style.display === 'none') { return false; }
    const views = cells.querySelectorAll('[data-mime-type="application/vnd.jupyter.widget-view+json"]');
    return Array.from(views).every(v => v.querySelector('.jupyter-widgets, .widget-box, .jupyter-matplotlib'));
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    def __init__(self, root: Path, cache: str):
        self.root, self.lessons = root, root / "lessons"
        self.lessons.mkdir(parents=True)
        for nb in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            shutil.copy(nb, self.lessons / nb.name)
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "VOILA"))}
        self.env.update(BROWSER="true", TMPDIR=str(root), JUPYTER_CONFIG_DIR=str(root / "jupyter-config"),
                        JUPYTER_RUNTIME_DIR=str(root / "jupyter-runtime"))
        if cache == "off":
            self.env["SAFETYLAB_CACHE"] = "off"
        self.log = root / "server.log"
        self.proc = None
        self.address = None

    def start(self) -> "_Server":
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "safetylab.app", "--no-browser", "--port", str(self.port),
                 "--lessons", str(self.lessons), "--max-lessons", "2"],
                stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.address is None:
            found = re.search(r"(http://127\.0\.0\.1:\d+/\?token=[\w-]+)", self.log.read_text(errors="replace"))
            if found:
                self.address = found.group(1)
            else:
                time.sleep(0.3)
        if self.address is None:
            self.stop()
            raise RuntimeError("learner mode did not start:\n" + self.log.read_text(errors="replace")[-2000:])
        time.sleep(1.0)
        return self

    def kernels(self) -> dict[int, float]:
        """RSS in MB of every lesson kernel this server runs."""
        import psutil

        out = {}
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            return out
        for child in children:
            try:
                if any("ipykernel" in part for part in child.cmdline()):
                    out[child.pid] = child.memory_info().rss / 2**20
            except psutil.Error:
                continue
        return out

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def _measure(server: _Server, browser, repeats: int) -> dict:
    base = server.address.split("?")[0]
    out = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.address)
    for nb in sorted(server.lessons.glob("*.ipynb")):
        times, memory = [], []
        for _ in range(repeats):
            before = set(server.kernels())
            t0 = time.perf_counter()
            page.goto(base + "voila/render/" + nb.name, wait_until="commit", timeout=600_000)
            page.wait_for_function(_READY, timeout=600_000, polling=50)
            times.append(time.perf_counter() - t0)
            page.wait_for_timeout(300)
            new = {pid: mb for pid, mb in server.kernels().items() if pid not in before}
            memory.append(max(new.values()) if new else float("nan"))
            page.goto(base)  # leave the lesson as a learner does: its kernel is shut down
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and set(server.kernels()) - before:
                time.sleep(0.2)
        out[nb.name[:2]] = {"name": nb.stem, "ready_s": statistics.median(times), "ready_samples_s": times,
                            "memory_mb": statistics.median(memory), "memory_samples_mb": memory}
    context.close()
    return out


def bench_app(repeats: int = 3, live: bool = True) -> dict:
    """Open every lesson in Chromium; see the module docstring. Returns every figure."""
    from playwright.sync_api import sync_playwright

    from safetylab import _cache

    result: dict = {"repeats": repeats, "goal_s": GOAL_DEFAULT_S, "goal_s_lesson_01": GOAL_S["01"],
                    "goal_mb": GOAL_MB, "cache_folder": str(_cache.folder())}
    with tempfile.TemporaryDirectory(prefix="safetylab-app-bench-") as tmp:
        tmp = Path(tmp)
        if not _cache.is_filled():
            t0 = time.perf_counter()
            filled = _cache.fill(REPO / "notebooks")
            result["fill_s"] = time.perf_counter() - t0
            result["fill"] = filled["lessons"]
        else:
            result["fill_s"] = None  # already kept from an earlier start
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM,
                                         args=["--no-sandbox", "--headless", "--disable-gpu"])
            try:
                for mode in (("kept", "live") if live else ("kept",)):
                    server = _Server(tmp / mode, "on" if mode == "kept" else "off").start()
                    try:
                        result[mode] = _measure(server, browser, repeats if mode == "kept" else 1)
                    finally:
                        server.stop()
            finally:
                browser.close()
    kept = result["kept"]
    result["met"] = all(v["ready_s"] <= GOAL_S.get(k, GOAL_DEFAULT_S) and v["memory_mb"] <= GOAL_MB
                        for k, v in kept.items())
    return result


def table(result: dict) -> str:
    """The figures as a plain table, beside issue 13's figures for learner mode before this work."""
    head = ("lesson", "ready (kept)", "ready (live)", "goal", "kernel MB (kept)", "kernel MB (live)", "goal")
    rows = [head]
    for k, v in result["kept"].items():
        live = result.get("live", {}).get(k)
        goal = GOAL_S.get(k, GOAL_DEFAULT_S)
        rows.append((v["name"], f"{v['ready_s']:.1f} s", f"{live['ready_s']:.1f} s" if live else "-",
                     f"<= {goal:g} s {'yes' if v['ready_s'] <= goal else 'NO'}",
                     f"{v['memory_mb']:.0f}", f"{live['memory_mb']:.0f}" if live else "-",
                     f"<= {GOAL_MB:g} {'yes' if v['memory_mb'] <= GOAL_MB else 'NO'}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("before this work (issue 13): 3-21 s behind a blank page, 100-650 MB per lesson kernel")
    fill = result.get("fill_s")
    lines.append("kept: demonstrations worked out once (first start of learner mode: "
                 + (f"{fill:.0f} s, in the background)" if fill else "done before this run)")
                 + f"; live: SAFETYLAB_CACHE=off; ready = median of {result['repeats']} (live: 1)")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    args = sys.argv[1:]
    n = int(args[args.index("--repeats") + 1]) if "--repeats" in args else 3
    res = bench_app(repeats=n, live="--no-live" not in args)
    print(table(res))
    print(json.dumps({k: v for k, v in res.items() if k not in ("kept", "live")}, default=str))
