"""No network, ever: the command works with every socket connection refused."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import make_photo

CLI = "import sys\nfrom safetylab.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def test_check_and_scrub_never_touch_the_network(tmp_path, network_guard):
    def run(*args):
        return subprocess.run([sys.executable, "-c", CLI, *map(str, args)], capture_output=True,
                              text=True, timeout=120, env=network_guard.env())

    mark = network_guard.mark()
    p = make_photo(tmp_path / "p.jpg")
    proc = run("check", "--json", p)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["gps"]["place"]  # place names come from installed data
    proc = run("scrub", p, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert network_guard.attempts(since=mark) == [] and "NETWORK ATTEMPT" not in proc.stderr


def test_the_guard_refuses_and_records(tmp_path):
    """The guard itself: a connection attempt is refused, and the test can see it.

    A guard of its own: this attempt is on purpose, the session's guard must stay clean."""
    from netguard import NetGuard

    network_guard = NetGuard(tmp_path / "guard")
    mark = network_guard.mark()
    code = ("import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
            "except OSError as e:\n    print('refused', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env=network_guard.env())
    assert proc.stdout.startswith("refused") and "NETWORK ATTEMPT" in proc.stderr
    assert len(network_guard.attempts(since=mark)) == 1
