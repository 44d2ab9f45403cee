"""Class mode with real learners: ``safetylab class`` (JupyterHub, configurable-http-proxy,
one learner-mode server per learner) on loopback, driven by :mod:`classclient`.

Two learners join. Neither can fetch the other's clean copy, policy, kit, page or kernel
(the addresses tried directly, with the other's cookies and with none), while each gets
their own (so a refusal means isolation, not a broken server). A learner's folder is gone
after they leave, after the idle culler signs them out, and after the class ends (from the
trainer's page, and with ``safetylab class --end``). The trainer's page lists who joined.
Learners are given servers started before they joined (``--ready-servers``), never more than
there is room for in the class.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from classclient import ClassRun, Learner, kernel_id, require_class
from serving import websocket_status

pytestmark = pytest.mark.timeout(900)

# What a lesson makes, in a learner's folder (as the lessons name them)
MADE = {"clean": "my-files/clean-copies/photo-clean.jpg", "policy": "my_photo_policy.html",
        "kit": "my-files/evidence-kit/kit-summary.txt"}


def _wait(check, timeout: float = 120, step: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


def _make_things(folder: Path, owner: str) -> None:
    """What a learner would have made in the lessons (a clean copy, a policy, a kit)."""
    for key, rel in MADE.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"{owner}'s {key}".encode())


@pytest.fixture(scope="module")
def class_pack(example_pack, tmp_path_factory) -> Path:
    """The example course pack with its example lesson moved in (``lessons/50_our_group``)."""
    folder = tmp_path_factory.mktemp("class-pack") / "our-course"
    shutil.copytree(example_pack, folder)
    for path in (folder / "examples" / "lessons").iterdir():
        path.rename(folder / "lessons" / path.name)
    return folder


@pytest.fixture(scope="module")
def klass(tmp_path_factory, network_guard, class_pack):
    require_class()
    root = tmp_path_factory.mktemp("class")
    run = ClassRun(root, "--dir", str(root / "trainer-lessons"), "--pack", str(class_pack), "--ready-servers", "2",
                   env=network_guard.env(loopback=True))
    run.start()
    run.wait_ready()
    yield run
    run.stop()


@pytest.fixture(scope="module")
def two(klass):
    sam, alex = Learner(klass.join_url), Learner(klass.join_url)
    for learner, nick in ((sam, "Sam"), (alex, "Alex")):
        status, url, _ = learner.join(klass.code, nick)
        assert status == 200 and learner.name, f"{nick} could not join ({status} {url}):\n{klass.log_tail()}"
    for learner in (sam, alex):
        _make_things(klass.learner_folder(learner.name), learner.name)
    return sam, alex


def _ready(run: ClassRun) -> dict:
    """What the class says of its ready servers (``ready.json`` in its folder)."""
    from safetylab.classroom.command import ready_servers

    return ready_servers(run.folder) or {}


def _servers_in(folder: Path) -> list:
    """Learners' servers (ready ones included) running in ``folder``."""
    import psutil

    found = []
    for proc in psutil.process_iter(["cwd", "cmdline"]):
        cmd = " ".join(proc.info.get("cmdline") or [])
        if proc.info.get("cwd") == str(folder) and "safetylab.classroom" in cmd and "kernel" not in cmd:
            found.append(cmd)
    return found


def _processes_under(folder: Path, word: str) -> list:
    """Processes running in ``folder`` or below it whose command line has ``word``."""
    import psutil

    return [p for p in psutil.process_iter(["cwd", "cmdline"])
            if (p.info.get("cwd") or "").startswith(str(folder)) and word in " ".join(p.info.get("cmdline") or [])]


def test_learners_are_given_servers_started_before_they_joined(klass, two):
    for learner in two:
        servers = _servers_in(klass.learner_folder(learner.name))
        assert servers and all("safetylab.classroom.seat server" in cmd for cmd in servers), servers
    # two more were started in their place (there is room for 30), and wait in an empty folder
    assert _wait(lambda: _ready(klass).get("ready") == 2, 180), _ready(klass)
    assert len(_servers_in(klass.folder / "seats")) == 2
    assert [p.name for p in (klass.folder / "seats").iterdir()] == []


def test_a_learner_given_a_ready_server_goes_straight_to_the_lessons(klass, two):
    """The "getting your lessons ready" page (no script: it refreshes every 2 s) is answered once
    the server is up, so a learner given a ready server never waits on it."""
    assert _wait(lambda: _ready(klass).get("ready", 0) >= 1, 180), _ready(klass)
    kim = Learner(klass.join_url)
    status, url, page = kim.join(klass.code, "Kim")
    try:
        assert status == 200 and kim.name and "/voila/render/" in page, (status, url)
        assert kim.pages_waited_on == 0
    finally:
        kim.leave()


def test_learners_run_below_the_hub(klass, two):
    """Every join passes through the hub's one thread: learners' servers and lessons give it way."""
    import os

    import psutil

    from safetylab.memory import LEARNER_NICENESS

    mine = os.getpriority(os.PRIO_PROCESS, 0)
    learners = _processes_under(klass.learner_folder(two[0].name), "safetylab.classroom")
    assert learners and all(p.nice() == max(mine, LEARNER_NICENESS) for p in learners), \
        [(p.info["cmdline"], p.nice()) for p in learners]
    hub = [p for p in psutil.Process(klass.proc.pid).children(recursive=True)
           if p.is_running() and "jupyterhub" in " ".join(_cmdline(p)) and "-f" in _cmdline(p)]
    assert hub and hub[0].nice() == mine


def _cmdline(proc) -> list[str]:
    import psutil

    try:
        return proc.cmdline()
    except psutil.Error:  # ended meanwhile
        return []


def test_wrong_code_and_taken_nickname_are_refused(klass, two):
    stranger = Learner(klass.join_url)
    status, _, page = stranger.join("WRONG1", "Kim")
    assert status == 403 and "not the class code" in page and stranger.name is None
    status, _, page = Learner(klass.join_url).join(klass.code, "Sam")
    assert status == 403 and "already has that nickname" in page


def test_each_learner_has_a_private_folder_with_the_lessons(klass, two):
    sam, alex = two
    a, b = klass.learner_folder(sam.name), klass.learner_folder(alex.name)
    assert a != b and a.parent == b.parent
    for folder in (a, b):
        assert (folder.stat().st_mode & 0o777) == 0o700
        assert (folder / "03_what_your_file_says.ipynb").is_file()
        assert (folder / "50_our_group.ipynb").is_file()  # the trainer's course pack (--pack) reached them


def test_a_broken_course_pack_is_refused_before_the_class_starts(my_pack, tmp_path, capsys):
    from safetylab.classroom import command

    require_class()
    (my_pack / "pack.json").write_text("{", encoding="utf-8")
    assert command.main(["--no-browser", "--dir", str(tmp_path / "work"), "--pack", str(my_pack)]) == 1
    err = capsys.readouterr().err
    assert "pack.json" in err and "did not start" in err and "Traceback" not in err
    assert command._running_class() is None


def test_a_learner_gets_their_own_files_and_not_the_others(klass, two):
    sam, alex = two
    for rel in MADE.values():
        own = f"user/{sam.name}/voila/files/{rel}"
        status, _, body = sam.request(own)
        assert status == 200 and body == f"{sam.name}'s " + [k for k, v in MADE.items() if v == rel][0]
        status, url, body = alex.request(own)  # with Alex's cookies
        assert sam.name not in body, f"Alex read Sam's {rel} ({status} {url})"
        assert status in (403, 404) or "/hub/login" in url
        status, url, body = Learner(klass.join_url).request(own)  # with none
        assert sam.name not in body and (status in (403, 404) or "/hub/login" in url)
        # and not through Alex's own server either
        status, _, body = alex.request(f"user/{alex.name}/voila/files/../{sam.name}/{rel}")
        assert sam.name not in body and status in (400, 403, 404)


def test_a_learner_cannot_open_the_others_lesson_page_or_kernel(klass, two):
    sam, alex = two
    status, _, page = sam.open_lesson()
    kid = kernel_id(page)
    assert status == 200 and kid, "Sam's lesson did not open"
    sam_cookie = sam.cookie_header(f"/user/{sam.name}/")
    assert websocket_status(sam.kernel_socket(kid), sam_cookie) == 101  # the way in works for Sam
    status, url, page = alex.open_lesson(owner=sam.name)
    assert status != 200 and kernel_id(page) is None, f"Alex opened Sam's lesson ({status} {url})"
    alex_cookie = alex.cookie_header(f"/user/{alex.name}/") or alex.cookie_header("/hub/")
    assert websocket_status(alex.kernel_socket(kid, owner=sam.name), alex_cookie) in (302, 403, 404)
    assert websocket_status(alex.kernel_socket(kid, owner=sam.name)) in (302, 403, 404)
    status, _, body = alex.request(f"user/{sam.name}/api/kernels/{kid}")
    assert kid not in body and status != 200
    # nor Sam's lesson list, nor the hub's record of Sam
    status, url, body = alex.request(f"user/{sam.name}/")
    assert status != 200 or f"/user/{sam.name}/voila/render" not in body
    status, _, body = alex.request(f"hub/api/users/{sam.name}")
    assert status in (403, 404)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="abstract local sockets are Linux's")
def test_a_learners_lesson_kernel_talks_over_local_sockets_not_ports(klass, two):
    """Kernels talk to their server over local sockets with random names, not TCP ports: thirty
    servers picking free ports at once gave two kernels the same port, and a lesson never opened."""
    import json

    import psutil

    sam = two[0]
    status, _, page = sam.open_lesson()
    assert status == 200 and kernel_id(page)
    folder = klass.learner_folder(sam.name)
    files = sorted(folder.rglob("kernel-*.json"))  # the lesson's connection file, in Sam's private folder
    assert files, "Sam's lesson has no kernel"
    for path in files:
        info = json.loads(path.read_text(encoding="utf-8"))
        assert info["transport"] == "ipc" and info["ip"].startswith("@safetylab-"), info
    kernels = _processes_under(folder, "kernel")
    assert kernels, "Sam's lesson has no kernel"
    for proc in kernels:
        sockets = {str(c.laddr) for c in proc.net_connections(kind="unix")}
        assert any("safetylab-" in name for name in sockets), sockets
        # (ipykernel binds one port of its own choosing, for the output of processes it forks:
        # chosen and held by the kernel itself, so no other program can be given it)
        listening = [c for c in proc.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        assert len(listening) <= 1, listening


def test_a_learners_lesson_keeps_no_history_of_what_it_ran(klass, two):
    alex = two[1]
    status, _, page = alex.open_lesson()
    assert status == 200 and kernel_id(page)
    folder = klass.learner_folder(alex.name)
    assert (folder / ".ipython" / "profile_default" / "ipython_kernel_config.json").is_file()
    assert not list(folder.rglob("history.sqlite*")), "the lesson's kernel wrote IPython's history"


def test_trainer_page_lists_the_learners_and_learners_cannot_see_it(klass, two):
    sam, alex = two
    status, _, page = Learner(klass.join_url).request(klass.trainer_url)
    assert status == 200 and sam.name in page and alex.name in page and "End the class" in page
    assert klass.code in page and "deletes everything learners made" in page
    status, _, page = sam.request("hub/class")
    assert status == 403 and alex.name not in page


def test_leaving_deletes_the_learners_folder_and_frees_the_nickname(klass, two):
    kim = Learner(klass.join_url)
    status, _, _ = kim.join(klass.code, "Kim")
    assert status == 200
    folder = klass.learner_folder(kim.name)
    _make_things(folder, kim.name)
    status, _, page = kim.leave()
    assert status == 200 and "deleted" in page
    assert _wait(lambda: not folder.exists(), 60), "Kim's folder is still there after leaving"
    status, _, body = kim.request(f"user/{kim.name}/voila/files/{MADE['clean']}")
    assert "Kim" not in body and f"{kim.name}'s" not in body
    again = Learner(klass.join_url)
    assert again.join(klass.code, "Kim")[0] == 200  # the nickname is free again
    again.leave()


def test_ending_the_class_from_the_trainer_page_deletes_everything(klass, two):
    sam, _ = two
    trainer = Learner(klass.join_url)
    status, _, page = trainer.request(klass.trainer_url)
    assert status == 200
    folder = klass.folder
    assert folder is not None and (klass.learner_folder(sam.name) / MADE["clean"]).is_file()
    status, _, page = trainer.request("hub/class/end", {"_xsrf": trainer.xsrf(page)})
    assert status == 200 and "The class has ended" in page
    assert klass.wait(180) is not None, "the class did not stop"
    assert not folder.exists(), "the class's folder (learners' things) was left behind"


def test_an_idle_learner_is_culled_and_the_class_ends_with_end(tmp_path, network_guard):
    require_class()
    env = network_guard.env(loopback=True)
    env["SAFETYLAB_CLASS_ACTIVITY_SECONDS"] = "2"
    # room for one learner: one ready server, not three
    run = ClassRun(tmp_path, "--idle-minutes", "0.15", "--max-learners", "1", "--ready-servers", "3",
                   env=env).start()  # 9 s away: signed out
    try:
        run.wait_ready()
        assert _ready(run) == {"ready": 1, "wanted": 1, "learners": 0}
        sam = Learner(run.join_url)
        assert sam.join(run.code, "Sam")[0] == 200
        folder = run.learner_folder(sam.name)
        _make_things(folder, sam.name)
        assert folder.is_dir() and _servers_in(folder)
        status, _, page = Learner(run.join_url).join(run.code, "Kim")
        assert status == 503 and "full" in page  # and no server is started for nobody
        assert _wait(lambda: _ready(run).get("wanted") == 0, 30) and not _servers_in(run.folder / "seats")
        assert _wait(lambda: not folder.exists(), 180), f"Sam was not culled:\n{run.log_tail()}"
        assert not _servers_in(folder)
        alex = Learner(run.join_url)
        assert alex.join(run.code, "Alex")[0] == 200
        class_folder = run.folder
        done = run.end()
        assert done.returncode == 0, done.stderr
        assert "has ended" in done.stderr
        assert run.wait(60) is not None and not class_folder.exists()
    finally:
        run.stop()
