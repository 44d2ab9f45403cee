"""`safetylab lab` (what `make lab` runs): trainer mode, JupyterLab on the lessons, lesson 00 first."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, require
from safetylab import lab


@contextmanager
def running_lab(safetylab_cmd, tmp_path, *extra):
    """``safetylab lab`` on a free loopback port with token ``t3st``; yields its base URL."""
    require(lab.importlib.util.find_spec("jupyterlab") is not None,
            "JupyterLab is not installed in this environment (the lab extra)")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               BROWSER="true")
    with socket.socket() as sock:  # a free port on loopback
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(safetylab_cmd + ["lab", "--no-browser", f"--ServerApp.port={port}",
                                             "--ServerApp.ip=127.0.0.1", "--ServerApp.token=t3st", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    try:
        url, log, deadline = None, [], time.monotonic() + 120
        while time.monotonic() < deadline and url is None:
            line = proc.stdout.readline()
            if not line:
                if proc.poll() is not None:
                    break
                continue
            log.append(line)
            m = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
            if m:
                url = m.group(1)
        assert url, "JupyterLab did not start:\n" + "".join(log[-30:])
        for _ in range(60):  # the log line can come a moment before the socket listens
            try:
                _local().open(f"{url}/api/status?token=t3st", timeout=5).close()
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _local():
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, no proxy


def test_lab_serves_the_lessons_and_opens_lesson_00_first(safetylab_cmd, tmp_path):
    with running_lab(safetylab_cmd, tmp_path) as url:
        with _local().open(f"{url}/api/contents/03_what_your_file_says.ipynb?token=t3st", timeout=30) as r:
            assert r.status == 200 and json.load(r)["type"] == "notebook"
        with _local().open(f"{url}/?token=t3st", timeout=30) as r:  # the address it prints
            assert r.status == 200
            assert r.url.split("?")[0].endswith("/lab/tree/00_start_here.ipynb")


def test_another_folder_can_be_chosen(safetylab_cmd, tmp_path):
    mine = tmp_path / "my-course"
    mine.mkdir()
    (mine / "01_my_lesson.ipynb").write_bytes((ROOT / "notebooks" / "00_start_here.ipynb").read_bytes())
    with running_lab(safetylab_cmd, tmp_path, f"--notebook-dir={mine}") as url:
        with _local().open(f"{url}/api/contents?token=t3st", timeout=30) as r:
            names = [item["name"] for item in json.load(r)["content"]]
        assert names == ["01_my_lesson.ipynb"]


def test_help_says_which_options_go_to_jupyterlab(safetylab_cmd):
    out = subprocess.run(safetylab_cmd + ["lab", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    assert "Any other option is passed to JupyterLab" in text
    assert "--notebook-dir DIR" in text and "--port" in text and "--no-browser" in text


def test_without_jupyterlab_one_line_says_what_to_install(monkeypatch, capsys):
    real = lab.importlib.util.find_spec
    monkeypatch.setattr(lab.importlib.util, "find_spec",
                        lambda name, *a: None if name == "jupyterlab" else real(name, *a))
    assert lab.main(["--no-browser"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "needs JupyterLab" in err and 'pip install "safetylab[lab]"' in err


def test_options_news_off_and_root_only_when_not_chosen():
    argv = lab.lab_argv("/c/notebooks", [], first_lesson="00_start_here.ipynb")
    assert "--ServerApp.root_dir=/c/notebooks" in argv
    assert "--LabApp.default_url=/lab/tree/00_start_here.ipynb" in argv
    assert "--LabApp.news_url=None" in argv
    for given in (["--notebook-dir", "/x"], ["--notebook-dir=/x"], ["--ServerApp.root_dir=/x"]):
        argv = lab.lab_argv("/c/notebooks", given, first_lesson=None)
        assert not any(a.startswith("--ServerApp.root_dir=/c") for a in argv)
        assert argv[-len(given):] == given
        assert lab.chosen_folder(given, "/c/notebooks") == Path("/x")
    env = lab.lab_env({"JUPYTER_CONFIG_PATH": "/etc/mine"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(lab.CONFIG_DIR), "/etc/mine"]
    page_config = json.loads((lab.CONFIG_DIR / "labconfig" / "page_config.json").read_text())
    assert page_config["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] is True
