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


# --------------------------------------------------------------------------- #
# The whole process, C++ libraries included, seen by strace
# --------------------------------------------------------------------------- #

import os  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from conftest import ROOT, require  # noqa: E402
from netguard import off_machine, strace_command  # noqa: E402

#: ONNX Runtime looked up its telemetry host a few seconds after its first session;
#: a run this long would show it.
LONG_ENOUGH_S = 20.0


@pytest.mark.parametrize("line, leaks", [
    ('5 connect(9, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0', True),
    ('5 connect(9, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
     'inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28 <unfinished ...>', True),
    ('5 sendto(3, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 1',
     True),  # a local resolver passes the query on
    ('5 sendmsg(4, {msg_name={sa_family=AF_INET, sin_port=htons(123), sin_addr=inet_addr("192.0.2.7")}, '
     'msg_namelen=16}, 0) = 48', True),
    ('5 connect(7, {sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL)}, 20) = 0', True),
    ('5 connect(3, {sa_family=AF_INET, sin_port=htons(8866), sin_addr=inet_addr("127.0.0.1")}, 16) = 0', False),
    ('5 connect(3, {sa_family=AF_INET6, sin6_port=htons(8866), sin6_flowinfo=htonl(0), '
     'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0', False),
    ('5 connect(4, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT', False),
    ('5 sendto(6, [{nlmsg_len=20, nlmsg_type=RTM_GETADDR}], 20, 0, {sa_family=AF_NETLINK, nl_pid=0, '
     'nl_groups=00000000}, 12) = 20', False),
    ('5 sendto(9, "\\320mobile\\6events", 50, MSG_NOSIGNAL, NULL, 0) = 50', False),  # its connect() counts
])
def test_the_strace_reader_flags_every_address_off_this_computer(line, leaks):
    assert bool(off_machine(line)) is leaks


@pytest.fixture(scope="session")
def strace() -> str:
    path = shutil.which("strace")
    require(path is not None, "strace is not installed (make test installs Debian's strace: "
                              "scripts/install-system-deps.sh)")
    return path


def quiet_env(home: Path) -> dict:
    """The environment of a learner's run, with its own empty home (so files it writes there show)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORT_", "XDG_"))}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    return env


def test_check_with_faces_and_text_sends_nothing_off_this_computer(strace, testdata, safetylab_cmd, tmp_path):
    """``safetylab check`` reading faces and text for 20 s and more: no address but this computer.

    Python's socket guard cannot see ONNX Runtime (the text reader), whose C++ code
    looked up a Microsoft host name a few seconds after its first session and kept
    a device identifier in ``~/.cache/Microsoft``. strace sees every process and thread.
    """
    photos = [p for d in ("faces", "exif_gps", "nofaces") for p in sorted((testdata / d).glob("*.jpg"))]
    photos += sorted((ROOT / "sample_images" / "02_your_background_gives_away_the_place").glob("*.png"))
    assert len(photos) >= 30
    home = tmp_path / "home"
    home.mkdir()
    repeat = 1
    while True:  # one process must run long enough: a faster computer gets the list twice
        log = tmp_path / f"strace-{repeat}.log"
        start = time.monotonic()
        proc = subprocess.run(strace_command(log, [*safetylab_cmd, "check", "--json", *photos[:30] * repeat]),
                              capture_output=True, text=True, timeout=900, env=quiet_env(home), cwd=tmp_path)
        took = time.monotonic() - start
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        reports = json.loads(proc.stdout)
        assert any(r["faces"] for r in reports) and any(r["texts"] for r in reports)  # both models ran
        leaks = off_machine(log.read_text())
        assert not leaks, "addressed something off this computer:\n" + "\n".join(leaks[:10])
        if took >= LONG_ENOUGH_S or repeat >= 4:
            break
        repeat *= 2
    assert took >= LONG_ENOUGH_S, f"the run took only {took:.0f} s"
    left = [str(p.relative_to(home)) for p in home.rglob("*")]
    assert not left, f"the run wrote into the home folder: {left}"


def test_import_safetylab_switches_onnxruntime_reports_off_for_it_and_its_children():
    code = ("import os, subprocess, sys; os.environ['ORT_DISABLE_TELEMETRY'] = '0'; import safetylab; "
            "print(os.environ['ORT_DISABLE_TELEMETRY'], subprocess.run([sys.executable, '-c', "
            "'import os; print(os.environ[\"ORT_DISABLE_TELEMETRY\"])'], capture_output=True, text=True).stdout)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["1", "1"], out.stderr


def test_the_text_reader_refuses_when_onnxruntime_was_loaded_before_the_switch():
    code = ("import onnxruntime, safetylab\nfrom safetylab import clues\n"
            "try:\n    clues.read_text(__import__('numpy').zeros((32, 32, 3), 'uint8'))\n"
            "except safetylab.SafetyLabError as e:\n    print('refused:', e)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORT_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.stdout.startswith("refused: ") and "import safetylab before" in out.stdout, out.stderr
    assert out.stdout.count("\n") == 1
