"""Hostile files: each class in a fresh process, its wall time and peak memory beside the goal.

Every class of ``tests/hostile.py`` is built into a temporary folder (nothing big is
committed) and run as a learner would run it: ``safetylab check FILE`` (faces and
writing included), ``safetylab scrub FILE -o DIR``, and once for all of them
``safetylab evidence FOLDER -o KIT --yes`` (the evidence kit reads the capture time
of every file). Each run is one process; its peak memory is the maximum resident
set size the kernel reports for it (``os.wait4``), and its CPU time (user + system,
from the same call) shows what it costs on a machine busy with other work, where the
wall time grows. The goal: at most 10 s and
1 GiB each, ending with exit 0 or one plain line.

Run on its own: ``.venv/bin/python benchmarks/hostile_bench.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import hostile  # noqa: E402

GOAL_SECONDS = 10.0
GOAL_BYTES = 1 << 30
KILL_AFTER = 60.0


@dataclass
class Run:
    seconds: float
    max_rss: int  # bytes
    cpu_seconds: float  # user + system time of the process: what it costs, however busy the machine
    returncode: int
    killed: bool
    stdout: str
    stderr: str

    @property
    def plain(self) -> bool:
        """Exit 0 with nothing on stderr, or exit 1 with one line on stderr; no traceback."""
        if self.killed or "Traceback" in self.stderr:
            return False
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        return (self.returncode == 0 and not lines) or (self.returncode in (1, 2) and len(lines) == 1)

    @property
    def met(self) -> bool:
        return self.plain and self.seconds <= GOAL_SECONDS and self.max_rss <= GOAL_BYTES


#: Run by a small, fresh Python: it starts the measured command as its own child and reports
#: that child's figures. (A child forked straight from this benchmark, which holds numpy,
#: Pillow and the test files, would report this process's size as its own peak: Linux keeps
#: the largest resident size across fork and exec.)
_LAUNCHER = """
import json, os, sys, time
report, limit, argv = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
t0 = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
killed = False
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        break
    if time.perf_counter() - t0 > limit:
        os.kill(pid, 9)
        killed = True
        done, status, usage = os.wait4(pid, 0)
        break
    time.sleep(0.005)
os.write(report, json.dumps({"seconds": time.perf_counter() - t0, "max_rss": usage.ru_maxrss * 1024,
                        "cpu_seconds": usage.ru_utime + usage.ru_stime,
                        "returncode": os.waitstatus_to_exitcode(status), "killed": killed}).encode())
"""


def measure(argv: list[str], *, timeout: float = KILL_AFTER, stdin=subprocess.DEVNULL) -> Run:
    """Run ``argv`` as one process: wall time, peak resident memory (``os.wait4``), output.

    The peak is the process's own (a small launcher of about 10 MB starts it, so it
    may read up to that much high).
    """
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, str(write_end), str(timeout), *argv],
                                stdout=out, stderr=err, stdin=stdin, cwd=REPO, pass_fds=(write_end,))
        os.close(write_end)
        proc.wait()
        with os.fdopen(read_end, "rb") as fh:
            figures = json.loads(fh.read() or b"{}")
        out.seek(0)
        err.seek(0)
        return Run(figures.get("seconds", float("nan")), figures.get("max_rss", 0),
                   figures.get("cpu_seconds", float("nan")),
                   figures.get("returncode", proc.returncode), figures.get("killed", False),
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def run_all(safetylab: Path, tmp: Path) -> list[dict]:
    """Every class through check and scrub, then the evidence kit over all of them."""
    folder = tmp / "hostile"
    folder.mkdir()
    rows = []
    for name in hostile.CLASSES:
        t0 = time.perf_counter()
        path = hostile.build(name, folder)
        built = time.perf_counter() - t0
        for command, argv in (("check", [str(safetylab), "check", str(path)]),
                              ("scrub", [str(safetylab), "scrub", str(path), "-o", str(tmp / "clean")])):
            r = measure(argv)
            rows.append({"class": name, "command": command, "file_bytes": path.stat().st_size,
                         "build_s": built, "seconds": r.seconds, "cpu_seconds": r.cpu_seconds, "max_rss": r.max_rss,
                         "returncode": r.returncode, "killed": r.killed, "plain": r.plain, "met": r.met,
                         "said": (r.stderr.strip().splitlines() or [""])[-1][:160]})
    r = measure([str(safetylab), "evidence", str(folder), "-o", str(tmp / "kit"), "--yes"])
    rows.append({"class": "all of the above", "command": "evidence", "file_bytes": sum(
        p.stat().st_size for p in folder.iterdir()), "build_s": 0.0, "seconds": r.seconds, "cpu_seconds": r.cpu_seconds,
        "max_rss": r.max_rss, "returncode": r.returncode, "killed": r.killed, "plain": r.plain,
        "met": r.met, "said": (r.stderr.strip().splitlines() or [""])[-1][:160]})
    return rows


def table(rows: list[dict]) -> str:
    head = ("class", "command", "file", "time", "cpu time", "peak memory", "exit", "goal", "met?")
    cells = [head]
    for r in rows:
        cells.append((r["class"], r["command"], f"{r['file_bytes'] / 1e6:.1f} MB",
                      f"{r['seconds']:.2f} s" + (" (killed)" if r["killed"] else ""),
                      f"{r['cpu_seconds']:.2f} s",
                      f"{r['max_rss'] / 2**20:.0f} MiB", str(r["returncode"]) + ("" if r["plain"] else " NOT PLAIN"),
                      "<= 10 s, <= 1 GiB", "yes" if r["met"] else "no"))
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["  ".join(v.ljust(widths[i]) for i, v in enumerate(c)).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    cmd = Path(sys.executable).with_name("safetylab")
    with tempfile.TemporaryDirectory(prefix="safetylab-hostile-") as d:
        result = run_all(cmd, Path(d))
    print(table(result))
    sys.exit(0 if all(r["met"] for r in result) else 1)
