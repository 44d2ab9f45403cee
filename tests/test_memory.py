"""Lean mode (safetylab.memory): a class server's lessons let go of the face and text models
once a learner's photo has been looked at, and the memory goes back to the system."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import make_photo, upload_file
from safetylab import memory

pytestmark = pytest.mark.timeout(600)

_MEASURE = textwrap.dedent("""
    import json, sys
    def rss_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    from safetylab import faces, memory, report
    before = report.check(sys.argv[1])
    loaded = rss_mb()
    kinds = memory.release_models()
    released = rss_mb()
    again = report.check(sys.argv[1])  # the models are built again when needed
    print(json.dumps({"loaded": loaded, "released": released, "kinds": kinds,
                      "same": before.to_dict() == again.to_dict(),
                      "faces": len(before.faces), "texts": [t["text"] for t in before.texts]}))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; the trim is glibc's")
def test_releasing_the_models_gives_hundreds_of_mb_back_and_they_come_back(tmp_path):
    from safetylab import samples

    photo = samples.sample_path("landmark_gps.jpg")
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(photo)], capture_output=True, text=True,
                         timeout=300, env={"SAFETYLAB_CACHE": "off", "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["kinds"] == 2 and got["texts"]  # both kinds were loaded (the sample has writing)
    assert got["loaded"] - got["released"] >= 150, got  # measured here: 521 MB -> 197 MB
    assert got["same"], "the report after the models came back differs"


def test_lean_mode_lets_go_of_the_models_after_a_learners_photo(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets", reason="the lab extra (ipywidgets) is not installed")
    from safetylab import clues, faces
    from safetylab.widgets import file_says

    monkeypatch.setenv("SAFETYLAB_CACHE", "off")
    insp = file_says.FileInspector(out_dir=tmp_path / "copies")
    data = make_photo(tmp_path / "mine.jpg").read_bytes()

    monkeypatch.delenv(memory.LEAN_ENV, raising=False)  # on one's own computer: kept for the next photo
    upload_file(insp.upload, "mine.jpg", data)
    assert insp.report is not None and insp.report.faces is not None
    assert faces._centerface.cache_info().currsize == 1 and clues._engine.cache_info().currsize == 1

    monkeypatch.setenv(memory.LEAN_ENV, "1")  # a class server's lesson: let go once looked at
    insp.forget_button.click()
    upload_file(insp.upload, "mine.jpg", data)
    assert "Report ready" in insp.status.value
    assert faces._centerface.cache_info().currsize == 0 and clues._engine.cache_info().currsize == 0


def test_class_mode_sets_lean_mode_for_every_learner():
    from safetylab.classroom.hub import LEAN_MEMORY

    assert memory.lean(LEAN_MEMORY)


_THREADS = textwrap.dedent("""
    import json
    import cv2
    from safetylab import clues, faces
    before = cv2.getNumThreads()
    engine = clues._engine()
    faces._centerface()
    sessions = [m.session.session.get_session_options() for m in (engine._load_det_model(), engine._load_rec_model())]
    print(json.dumps({"opencv": cv2.getNumThreads(), "opencv_before": before,
                      "onnxruntime": [[o.intra_op_num_threads, o.inter_op_num_threads] for o in sessions]}))
""")


@pytest.mark.parametrize("lean", [True, False])
def test_lean_mode_runs_each_network_on_one_thread(lean, tmp_path):
    env = {"PATH": "/usr/bin:/bin", **({memory.LEAN_ENV: "1"} if lean else {})}
    out = subprocess.run([sys.executable, "-c", _THREADS], capture_output=True, text=True, timeout=300, env=env,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if lean:  # a class server: the text reader's sessions and OpenCV's networks on one thread each
        assert got["opencv"] == 1 and got["onnxruntime"] == [[1, 1], [1, 1]]
    else:  # one's own computer: the libraries' own choice (ONNX Runtime's 0 is "one per core")
        assert got["onnxruntime"] == [[0, 0], [0, 0]]
        assert got["opencv"] == got["opencv_before"]


def test_on_a_class_server_a_learners_photo_gives_way(monkeypatch):
    import os
    import threading

    def where(fail=False):
        if fail:
            raise ValueError("no")
        tid = threading.get_native_id()
        return tid, os.getpriority(os.PRIO_PROCESS, tid)

    here = threading.get_native_id()
    mine = os.getpriority(os.PRIO_PROCESS, here)
    monkeypatch.delenv(memory.LEAN_ENV, raising=False)  # one's own computer: called as it is
    assert memory.gives_way(where) == (here, mine)
    monkeypatch.setenv(memory.LEAN_ENV, "1")
    if not sys.platform.startswith("linux"):
        assert memory.gives_way(where) == (here, mine)
        return
    tid, niceness = memory.gives_way(where)
    assert tid != here and niceness == min(19, mine + memory.GIVE_WAY_NICENESS)
    assert memory.gives_way(where)[0] == tid  # one thread, kept (its priority cannot be raised again)
    assert os.getpriority(os.PRIO_PROCESS, here) == mine  # the lesson itself keeps its priority
    with pytest.raises(ValueError):
        memory.gives_way(where, fail=True)
