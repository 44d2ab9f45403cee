"""`safetylab lab` (what `make lab` runs) starts JupyterLab on the lessons."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import require


def test_lab_serves_the_first_lesson(safetylab_cmd, tmp_path):
    jupyter = Path(sys.executable).with_name("jupyter")
    require(jupyter.exists(), "JupyterLab is not installed in this environment (the lab extra)")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               BROWSER="true")
    import socket

    with socket.socket() as sock:  # a free port on loopback
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(safetylab_cmd + ["lab", "--no-browser", f"--ServerApp.port={port}",
                                             "--ServerApp.ip=127.0.0.1", "--ServerApp.token=t3st"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    try:
        url, log, deadline = None, [], time.monotonic() + 90
        while time.monotonic() < deadline and url is None:
            line = proc.stdout.readline()
            if not line:
                if proc.poll() is not None:
                    break
                continue
            log.append(line)
            m = re.search(r"(http://127\.0\.0\.1:\d+)/lab", line)
            if m:
                url = m.group(1)
        assert url, "JupyterLab did not start:\n" + "".join(log[-30:])
        local = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
        for _ in range(60):  # the log line can come a moment before the socket listens
            try:
                local.open(f"{url}/api/status?token=t3st", timeout=5).close()
                break
            except OSError:
                time.sleep(0.5)
        with local.open(f"{url}/api/contents/03_what_your_file_says.ipynb?token=t3st", timeout=30) as r:
            import json

            assert r.status == 200 and json.load(r)["type"] == "notebook"
        with local.open(f"{url}/lab?token=t3st", timeout=30) as r:
            assert r.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
