"""``safetylab class``: start a class on this computer, or end the one running.

It starts a real JupyterHub (with configurable-http-proxy, from npm) in a private
folder made for this class, prints the address learners join at (with a QR code),
the class code, and the trainer's own address, and waits. Learners join with the
class code and a nickname; each gets their own learner-mode server
(:mod:`safetylab.classroom.learner`) in their own private folder; the trainer gets
a page listing who is in (and JupyterLab, with the code, on the lessons).

The class ends with Ctrl+C here, ``safetylab class --end`` in another terminal, or
"End the class" on the trainer's page. Then every learner's server stops and the
class's folder is deleted with everything in it: learners' photos, clean copies,
policies, kits, and the hub's own records (nicknames included).

By default only this computer can join (``127.0.0.1``): for trying the class out.
``--lan`` serves the room: the machine's address on the local network, over HTTPS
with a certificate made for the class, whose fingerprint is shown so it can be
checked in a browser. Never plain HTTP across a room.

What this does *not* do: it runs on Linux and macOS only (JupyterHub does not run
on Windows); it does not make the browser trust the certificate (learners see a
warning once); and every learner's server runs as this computer's user (see
:mod:`safetylab.classroom.hub` for what that means, and Kubernetes for more).

Examples
--------
>>> join_address("127.0.0.1", 8000, tls=False)
'http://127.0.0.1:8000/'
>>> qr_address("https://192.168.1.20:8000/", "K7P3QX")
'https://192.168.1.20:8000/hub/login?code=K7P3QX'
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import SafetyLabError

__all__ = ["ClassOptions", "join_address", "qr_address", "trainer_address", "find_proxy", "state_file",
           "qr_terminal", "qr_svg", "ready_servers", "ready_line", "serve", "end", "main", "WINDOWS_LINE"]

#: What ``safetylab class`` says on Windows, where JupyterHub does not run.
WINDOWS_LINE = ("Class mode runs on Linux or macOS only (JupyterHub does not support Windows): start the class "
                "on a Linux or macOS computer, or use 'safetylab app' here for one learner.")

@dataclass(frozen=True)
class ClassOptions:
    """How a class is run: where it listens and its limits (the command's options)."""

    port: int | None = None
    lan: str | None = None  # "auto", an address, or None (this computer only)
    max_learners: int = 30
    ready_servers: int | None = None  # learners' servers started before they join (None: max_learners)
    memory_mb: int = 800  # lesson 03 reads a photo's text: ~410 MB, with the server ~520 MB
    idle_minutes: float = 15.0
    trainer_dir: str | None = None
    open_browser: bool = True
    activity_seconds: float = 60.0
    packs: tuple[str, ...] = ()  # trainers' course packs (safetylab.pack): checked, then used by every learner

    def __post_init__(self):
        if self.max_learners < 1:
            raise SafetyLabError("A class needs room for at least one learner (--max-learners 1 or more).")
        if self.ready_servers is not None and self.ready_servers < 0:
            raise SafetyLabError("The number of ready servers cannot be negative (--ready-servers 0 means none).")
        if self.memory_mb and self.memory_mb < 200:
            raise SafetyLabError("A learner's lessons need at least 200 MB (--memory-mb 200 or more; 0: no limit).")
        if self.idle_minutes < 0:
            raise SafetyLabError("The idle time cannot be negative (--idle-minutes 0 means never).")


def join_address(host: str, port: int, *, tls: bool) -> str:
    """The address learners open."""
    host = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{host}:{int(port)}/"


def qr_address(join_url: str, code: str) -> str:
    """The address in the QR code: the join page with the class code filled in."""
    return join_url.rstrip("/") + "/hub/login?code=" + code


def trainer_address(join_url: str, key: str) -> str:
    """The trainer's own address: it signs the trainer in (keep it to yourself)."""
    return join_url.rstrip("/") + "/hub/trainer?key=" + key


def qr_terminal(text: str) -> str:
    """A QR code of ``text`` drawn with block characters, for the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as inline SVG that scales to its box (for the trainer's page)."""
    import segno

    return segno.make(text, error="m").svg_inline(scale=4, omitsize=True, svgclass=None, lineclass=None)


def find_proxy() -> list[str] | None:
    """The configurable-http-proxy command: ``$SAFETYLAB_PROXY``, the one the set-up installed
    beside this Python (``make lab``), or one on the PATH."""
    given = os.environ.get("SAFETYLAB_PROXY")
    if given:
        return [given]
    for folder in (Path(sys.prefix) / "safetylab-proxy" / "node_modules" / ".bin",):
        candidate = folder / "configurable-http-proxy"
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("configurable-http-proxy")
    return [found] if found else None


def state_file() -> Path:
    """Where the running class is noted (for ``--end``): in this user's Jupyter runtime folder."""
    from jupyter_core.paths import jupyter_runtime_dir

    return Path(jupyter_runtime_dir()) / "safetylab-class.json"


def _running_class() -> dict | None:
    try:
        state = json.loads(state_file().read_text(encoding="utf-8"))
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state


def _free_port(ip: str) -> int:
    import socket

    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, cafile: str | None, timeout: float = 180) -> bool:
    import ssl
    import urllib.error
    import urllib.request

    context = ssl.create_default_context(cafile=cafile) if cafile else None
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=context))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with opener.open(url, timeout=5) as r:
                if r.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


def serve(options: ClassOptions = ClassOptions(), *, lessons: str | os.PathLike | None = None,
          announce=None) -> int:
    """Run a class until it is ended; returns an exit code.

    Parameters
    ----------
    options : ClassOptions
        Where it listens and its limits.
    lessons : path-like, optional
        The folder of lesson notebooks learners get a copy of (default: the trainer's
        working folder, as ``safetylab lab`` opens it).
    announce : callable, optional
        Receives what to show the trainer (default: print to stderr).

    Raises
    ------
    SafetyLabError
        When something the class needs is missing, or a class is running already.
    """
    from ..course import open_lessons
    from . import hub, tls

    say = announce or (lambda text: print(text, file=sys.stderr, flush=True))
    proxy = find_proxy()
    if proxy is None:
        raise SafetyLabError("Class mode needs configurable-http-proxy (Node.js), which is not installed here: "
                             "run 'make lab' in the course folder, or npm install -g configurable-http-proxy.")
    running = _running_class()
    if running:
        raise SafetyLabError(f"A class is already running at {running.get('join_url')}: end it first "
                             "('safetylab class --end').")
    trainer_dir = open_lessons(options.trainer_dir)
    lessons = Path(lessons) if lessons else trainer_dir
    if options.packs:  # checked first; their lessons join the trainer's; SAFETYLAB_PACK reaches every learner
        from .. import pack

        lines, ready = pack.ready_for_learners(options.packs, trainer_dir)
        for line in lines:
            say(f"safetylab: {line}")
        if not ready:
            raise SafetyLabError("the class did not start: its course pack has problems (listed above).")
        os.environ.update(pack.environ(options.packs, {}))
    if options.lan:
        ip = tls.choose_lan_address(tls.lan_addresses()) if options.lan == "auto" else options.lan
        if not ip:
            raise SafetyLabError("No local network address was found: connect this computer to the room's "
                                 "network (Wi-Fi or cable), or name the address: --lan 192.168.1.20.")
    else:
        ip = "127.0.0.1"
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="safetylab-class-"))  # 0700: this user only
    proc = None
    # what every learner gets the same, worked out once while the class gathers (safetylab._cache):
    # every learner's server runs as this user and reads the same cache folder
    from ..app import prepare_in_background

    preparing = prepare_in_background()
    stopping = {"signal": None}
    try:
        cert = tls.make_certificate(folder, ip) if options.lan else None
        port = options.port or _free_port(ip)
        join_url = join_address(ip, port, tls=cert is not None)
        code = hub.new_class_code()
        key = secrets.token_urlsafe(32)
        qr_url = qr_address(join_url, code)
        cfg = hub.ClassConfig(
            code=code, trainer_key=key, folder=str(folder), lessons=str(lessons), trainer_dir=str(trainer_dir),
            join_url=join_url, qr_svg=qr_svg(qr_url), fingerprint=cert.fingerprint if cert else "",
            max_learners=options.max_learners, memory_mb=options.memory_mb, idle_minutes=options.idle_minutes,
            ready_servers=options.max_learners if options.ready_servers is None else options.ready_servers,
            activity_seconds=options.activity_seconds, ip=ip, port=port, hub_port=_free_port("127.0.0.1"),
            api_port=_free_port("127.0.0.1"), certfile=str(cert.certfile) if cert else "",
            keyfile=str(cert.keyfile) if cert else "", proxy=proxy, python=sys.executable, owner_pid=os.getpid(),
            env_keep=sorted(k for k in os.environ if k.startswith("SAFETYLAB_")))
        settings = folder / "class.json"
        settings.write_text(cfg.to_json(), encoding="utf-8")
        config = folder / "jupyterhub_config.py"
        config.write_text("from safetylab.classroom.hub import configure\n"
                          f"configure(get_config(), {str(settings)!r})\n", encoding="utf-8")
        log = open(folder / "hub.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=folder,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

        def stop(signum, _frame):
            stopping["signal"] = signum
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        if not _wait_until_up(join_url + "hub/api/", proc, cfg.certfile or None):
            tail = (folder / "hub.log").read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
            raise SafetyLabError("The class's server did not start. Its last messages:\n  " + "\n  ".join(tail))
        state_file().parent.mkdir(parents=True, exist_ok=True)
        state_file().write_text(json.dumps({"pid": os.getpid(), "join_url": join_url}), encoding="utf-8")
        say(announcement(cfg, trainer_address(join_url, key), qr_url, lan=bool(options.lan)))
        if options.open_browser:
            _open_in_browser(trainer_address(join_url, key), folder)
        ready_said = False
        while proc.poll() is None:
            if not ready_said and (preparing is None or preparing.poll() is not None):
                ready = ready_servers(folder) if cfg.ready_servers else {"ready": 0, "wanted": 0}
                if ready is not None and ready["ready"] >= ready["wanted"]:
                    say(ready_line(ready["ready"], time.monotonic() - started))
                    ready_said = True
            time.sleep(0.5)
        say("safetylab: the class's server stopped by itself.")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        # the clean-up runs to its end (a second Ctrl+C or --end must not leave learners' things behind)
        previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGTERM, signal.SIGINT)}
        if proc is not None and proc.poll() is None:
            say("safetylab: ending the class: stopping every learner's server...")
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                if hasattr(os, "killpg"):  # the hub and everything it started (class mode is POSIX-only)
                    os.killpg(proc.pid, signal.SIGKILL)
                else:  # pragma: no cover - main() refuses Windows before this
                    proc.kill()
                proc.wait(timeout=10)
        if proc is not None:
            _kill_leftovers(folder)
        if preparing is not None and preparing.poll() is None:
            preparing.terminate()
        shutil.rmtree(folder, ignore_errors=True)
        try:
            if _state_pid() == os.getpid():
                state_file().unlink()
        except OSError:
            pass
        if proc is not None:
            say("safetylab: the class has ended. Everything learners made was deleted.")
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, previous[signal.SIGINT])


def ready_servers(folder: Path) -> dict | None:
    """How many learners' servers are started and waiting (``{"ready": n, "wanted": m, ...}``; None: not known yet)."""
    try:
        state = json.loads((Path(folder) / "ready.json").read_text(encoding="utf-8"))
        return state if isinstance(state.get("ready"), int) and isinstance(state.get("wanted"), int) else None
    except (OSError, ValueError, AttributeError):
        return None


def ready_line(ready: int, seconds: float) -> str:
    """What the terminal says once the class is ready for learners.

    >>> ready_line(30, 61.4)
    'safetylab: the class is ready for learners (30 servers waiting for them; getting ready took 61 s).'
    """
    waiting = f"{ready} server{'s' if ready != 1 else ''} waiting for them" if ready else "servers start as they join"
    return f"safetylab: the class is ready for learners ({waiting}; getting ready took {seconds:.0f} s)."


def _state_pid() -> int | None:
    try:
        return int(json.loads(state_file().read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _kill_leftovers(folder: Path) -> None:
    """Any process still running in the class's folder (a learner's server the hub lost): stopped."""
    try:
        import psutil
    except ImportError:
        return
    inside = str(folder)
    for proc in psutil.process_iter(["cwd"]):
        try:
            if (proc.info.get("cwd") or "").startswith(inside) and proc.pid != os.getpid():
                proc.kill()
        except psutil.Error:
            pass


def announcement(cfg, trainer_url: str, qr_url: str, *, lan: bool) -> str:
    """What the terminal shows once the class is up: for learners, and for the trainer."""
    lines = ["", "safetylab: the class is open.", "",
             f"  Learners join at:  {cfg.join_url}", f"  Class code:        {cfg.code}", "",
             "  (the QR code below opens the join page with the class code filled in)", "",
             qr_terminal(qr_url)]
    if lan:
        lines += ["  The browser will warn that it does not know this computer's certificate (it was made",
                  "  here, for this class). To check it is really this class, compare the certificate's",
                  f"  SHA-256 fingerprint with:\n    {cfg.fingerprint}", ""]
    else:
        lines += ["  Only this computer can join (for trying it out). For a room: safetylab class --lan", ""]
    lines += [f"  Trainer (keep this to yourself): {trainer_url}",
              f"  Up to {cfg.max_learners} learners; a learner away for {cfg.idle_minutes:g} minutes is "
              "signed out and their things deleted.",
              "  Learners can join now; the class is quickest once this terminal says it is ready",
              "  (their servers start while the class gathers).",
              "  End the class with Ctrl+C here, 'safetylab class --end', or the trainer's page:",
              "  everything learners made is then deleted.", ""]
    return "\n".join(lines)


def _open_in_browser(url: str, folder: Path) -> None:
    """Open the trainer's address through a private file (not the command line, where others could read it)."""
    import html
    import threading
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return
    page = folder / "open-trainer-page.html"
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url='
                    f'{html.escape(url)}"><title>Your class</title><p><a href="{html.escape(url)}">Your class</a>',
                    encoding="utf-8")
    threading.Thread(target=browser.open, args=(page.as_uri(),), daemon=True).start()


def _alive(pid: int) -> bool:
    """Is the process still running (one that has ended but is not yet reaped counts as ended)?"""
    try:
        import psutil

        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except ImportError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    except psutil.Error:
        return False


def end(timeout: float = 240) -> int:
    """End the class running on this computer (as its Ctrl+C would); returns an exit code."""
    state = _running_class()
    if state is None:
        print("safetylab: no class is running on this computer.", file=sys.stderr)
        return 1
    pid = int(state["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            print("safetylab: the class has ended. Everything learners made was deleted.", file=sys.stderr)
            return 0
        time.sleep(0.5)
    print("safetylab: the class is still stopping; check again in a minute.", file=sys.stderr)
    return 1


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="safetylab class",
        description="Run a class: learners join from their own browsers with a class code and a nickname, "
                    "each gets the lessons in learner mode, and everything they make is deleted when the "
                    "class ends. Linux and macOS.")
    ap.add_argument("--lan", nargs="?", const="auto", default=None, metavar="ADDRESS",
                    help="serve the room over HTTPS on this computer's local network address (or the one "
                         "given); default: this computer only")
    ap.add_argument("--port", type=int, default=None, help="port learners join at (default: a free one)")
    ap.add_argument("--max-learners", type=int, default=ClassOptions.max_learners, metavar="N",
                    help=f"learners at most (default {ClassOptions.max_learners}); beyond, 'the class is full'")
    ap.add_argument("--ready-servers", type=int, default=None, metavar="N",
                    help="learners' servers started while the class gathers, so that learners who join do not "
                         "wait for one (default: as many as --max-learners; 0: none)")
    ap.add_argument("--memory-mb", type=int, default=ClassOptions.memory_mb, metavar="MB",
                    help=f"memory per learner (default {ClassOptions.memory_mb}; 0: no limit)")
    ap.add_argument("--idle-minutes", type=float, default=ClassOptions.idle_minutes, metavar="MIN",
                    help="sign out a learner away this long and delete their things "
                         f"(default {ClassOptions.idle_minutes:g}; 0: never)")
    ap.add_argument("--dir", metavar="DIR", default=None,
                    help="your working folder of lessons (as for 'safetylab lab'); learners get a copy")
    ap.add_argument("--pack", metavar="DIR", action="append", default=[],
                    help="a trainer's course pack: every learner's lessons use its scenes, chats, profiles, "
                         "help and lessons (checked first: a pack with problems is refused); may be repeated")
    ap.add_argument("--no-browser", dest="open_browser", action="store_false",
                    help="do not open the trainer's page in a browser")
    ap.add_argument("--end", action="store_true", help="end the class running on this computer")
    ap.add_argument("--kubernetes", metavar="DIR", default=None,
                    help="write a Zero to JupyterHub config.yaml for a school's cluster into DIR, and stop")
    return ap


def main(argv: list[str] | None = None) -> int:
    """``safetylab class [--lan [ADDRESS]] [--port N] [--max-learners N] [--memory-mb MB]
    [--idle-minutes MIN] [--dir DIR] [--pack DIR] [--no-browser] | --end | --kubernetes DIR``."""
    args = _parser().parse_args(argv)
    try:
        options = ClassOptions(port=args.port, lan=args.lan, max_learners=args.max_learners,
                               ready_servers=args.ready_servers,
                               memory_mb=args.memory_mb, idle_minutes=args.idle_minutes, trainer_dir=args.dir,
                               open_browser=args.open_browser, packs=tuple(args.pack),
                               activity_seconds=float(os.environ.get("SAFETYLAB_CLASS_ACTIVITY_SECONDS", 60)))
        if args.kubernetes:
            from .kubernetes import write_config

            path = write_config(args.kubernetes, options)
            print(f"safetylab: wrote {path} (see the facilitator guide, 'Running a class', for the rest).")
            return 0
        if os.name == "nt":
            print(f"safetylab: {WINDOWS_LINE}", file=sys.stderr)
            return 1
        import importlib.util

        if importlib.util.find_spec("jupyterhub") is None or importlib.util.find_spec("segno") is None:
            raise SafetyLabError("Class mode needs JupyterHub, which is not installed here: run 'make lab' in the "
                                 "course folder, or pip install \"safetylab[lab,class]\".")
        if args.end:
            return end()
        return serve(options)
    except SafetyLabError as e:
        print(f"safetylab: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
