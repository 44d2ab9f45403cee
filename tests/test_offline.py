"""No network, ever: the command works with every socket connection refused."""

from __future__ import annotations

import json
import subprocess
import sys

from netguard import REFUSE_NETWORK
from test_metadata import make_photo

GUARD = REFUSE_NETWORK + """
from safetylab.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _run(*args):
    return subprocess.run([sys.executable, "-c", GUARD, *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_check_and_scrub_never_touch_the_network(tmp_path):
    p = make_photo(tmp_path / "p.jpg")
    proc = _run("check", "--json", p)
    assert proc.returncode == 0, proc.stderr
    assert "NETWORK ATTEMPT" not in proc.stderr
    assert json.loads(proc.stdout)["gps"]["place"]  # place names come from installed data
    proc = _run("scrub", p, "-o", tmp_path / "out")
    assert proc.returncode == 0 and "NETWORK ATTEMPT" not in proc.stderr
