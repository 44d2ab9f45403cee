"""Trainer mode: the lessons in JupyterLab, opened on lesson 00.

``safetylab lab`` (what ``make lab`` runs) starts JupyterLab with the course's
lessons folder as its root and lesson 00 open, with JupyterLab's news pop-up and
update check switched off (they would ask to reach the internet in a classroom
that has none). Any option safetylab does not know goes to JupyterLab itself:
``--port 8890``, ``--no-browser``, ``--ServerApp.ip=…``, and ``--notebook-dir DIR``
(or ``--ServerApp.root_dir=DIR``) to open another folder of lessons.

What learners make in the lessons (clean copies, policies, evidence kits) goes
into a ``my-files`` folder beside the lessons, never among them.

What this does *not* do: JupyterLab shows the code and lets anyone run any of it;
for learners use learner mode (``safetylab app``). JupyterLab's own token protects
the server, but anyone on this computer account can read the lesson files.

Examples
--------
>>> argv = lab_argv("/course/notebooks", ["--no-browser"], first_lesson="00_start_here.ipynb")
>>> argv[:2] == ["--ServerApp.root_dir=/course/notebooks", "--LabApp.default_url=/lab/tree/00_start_here.ipynb"]
True
>>> "--no-browser" in argv and "--LabApp.news_url=None" in argv
True
>>> argv = lab_argv("/course", ["--notebook-dir", "/mine"], first_lesson=None)
>>> [a for a in argv if "root_dir" in a], argv[-2:]
([], ['--notebook-dir', '/mine'])
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from urllib.parse import quote

from .course import LESSON_GLOB, open_lessons
from .errors import SafetyLabError

__all__ = ["lab_argv", "lab_env", "chosen_folder", "first_lesson", "main", "CONFIG_DIR"]

#: Jupyter configuration safetylab adds for trainer mode (put first on JUPYTER_CONFIG_PATH):
#: ``labconfig/page_config.json`` switches off JupyterLab's news pop-up.
CONFIG_DIR = Path(__file__).resolve().parent / "data" / "lab"
#: Options of JupyterLab that choose its root folder; when given, safetylab does not set its own.
_ROOT_OPTIONS = ("--notebook-dir", "--ServerApp.root_dir", "--ServerApp.notebook_dir", "--NotebookApp.notebook_dir")


def _option_value(extra: list[str], names: tuple[str, ...]) -> str | None:
    """The value of the last of ``names`` in ``extra`` (``--opt=V`` or ``--opt V``), or None."""
    value = None
    for i, arg in enumerate(extra):
        for name in names:
            if arg == name and i + 1 < len(extra):
                value = extra[i + 1]
            elif arg.startswith(name + "="):
                value = arg.split("=", 1)[1]
    return value


def chosen_folder(extra: list[str], default: str | os.PathLike) -> Path:
    """The folder JupyterLab will show: the one given with ``--notebook-dir`` (or a root-dir option), else ``default``."""
    given = _option_value(extra, _ROOT_OPTIONS)
    return Path(given).expanduser() if given else Path(default)


def first_lesson(folder: str | os.PathLike) -> str | None:
    """The name of the first lesson notebook in ``folder`` (``00_start_here.ipynb``), or None."""
    books = sorted(Path(folder).glob(LESSON_GLOB))
    return books[0].name if books else None


def lab_argv(folder: str | os.PathLike, extra: list[str], *, first_lesson: str | None) -> list[str]:
    """JupyterLab's options for trainer mode; ``extra`` (the trainer's own) come last and win.

    Parameters
    ----------
    folder : path-like
        The lessons folder (JupyterLab's root), unless ``extra`` chooses one.
    extra : list of str
        Options for JupyterLab given on safetylab's command line.
    first_lesson : str or None
        The notebook to open first, relative to the folder.
    """
    argv = []
    if _option_value(extra, _ROOT_OPTIONS) is None:
        argv.append(f"--ServerApp.root_dir={folder}")
    if first_lesson:
        argv.append(f"--LabApp.default_url=/lab/tree/{quote(first_lesson)}")
    # No news pop-up and no update check: both would reach for the internet.
    argv += ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        argv.append("--allow-root")  # classroom VMs and containers often run as root
    return argv + list(extra)


def lab_env(environ: dict | None = None) -> dict:
    """The environment JupyterLab runs in: ``environ`` with :data:`CONFIG_DIR` first on
    ``JUPYTER_CONFIG_PATH`` (the trainer's own Jupyter settings still apply after it)."""
    env = dict(os.environ if environ is None else environ)
    paths = [str(CONFIG_DIR)] + [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    return env


def _with_packs(folders: list[str], env: dict) -> dict:
    """``env`` with the course packs set for the lessons; a pack's problems are listed, not fatal
    (trainer mode is where a pack is made: the lessons leave out what they cannot use)."""
    if not folders:
        return env
    from .pack import check, environ

    env = environ(folders, env)
    for folder in folders:
        found = check(folder)
        for line in found.problems:
            print(f"safetylab: {Path(folder).name}/{line}", file=sys.stderr)
        if found.problems:
            print(f"safetylab: {found.summary()} The lessons leave out what they cannot use; "
                  f"learner mode waits until 'safetylab pack check {folder}' finds nothing.", file=sys.stderr)
    return env


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="safetylab lab",
        description="Open the lessons in JupyterLab (trainer mode), on lesson 00. "
                    "Everything runs on this computer.",
        epilog="Any other option is passed to JupyterLab, for example: --no-browser, --port 8890, "
               "--ServerApp.ip=127.0.0.1, --ServerApp.token=SECRET, and --notebook-dir DIR to open "
               "another folder of lessons (default: the course's lessons folder). "
               "For learners, use 'safetylab app' (learner mode: no code).")
    ap.add_argument("--pack", metavar="DIR", action="append", default=[],
                    help="a course pack of your own (safetylab pack new DIR makes one): the lessons use its "
                         "photos, scenes, chats, profiles and help beside the course's, and the authoring "
                         "notebook (authoring/90_make_your_own.ipynb) writes into it; repeatable")
    ap.add_argument("--dir", metavar="DIR", default=None,
                    help="the folder to open the lessons in; the course's lessons are copied in when "
                         "missing, and your edits there are kept (default: the course's notebooks folder "
                         "in a checkout, else safetylab-lessons in your home folder)")
    return ap


def main(argv: list[str] | None = None) -> int:
    """``safetylab lab [JUPYTERLAB OPTIONS]``: run JupyterLab until it stops; its exit code."""
    import subprocess

    args, extra = _parser().parse_known_args(argv)
    if importlib.util.find_spec("jupyterlab") is None:
        print("safetylab: trainer mode needs JupyterLab, which is not installed here: "
              "run 'make lab' in the course folder, or pip install \"safetylab[lab]\".", file=sys.stderr)
        return 1
    try:
        given = _option_value(extra, _ROOT_OPTIONS)
        folder = Path(given).expanduser() if given else open_lessons(args.dir)
    except SafetyLabError as e:
        print(f"safetylab: {e}", file=sys.stderr)
        return 1
    if not folder.is_dir():
        print(f"safetylab: the lessons folder {folder} does not exist.", file=sys.stderr)
        return 1
    try:
        env = _with_packs(args.pack, lab_env())
    except SafetyLabError as e:
        print(f"safetylab: {e}", file=sys.stderr)
        return 2
    try:
        cmd = [sys.executable, "-m", "jupyterlab", *lab_argv(folder, extra, first_lesson=first_lesson(folder))]
        return subprocess.call(cmd, cwd=folder, env=env)
    except KeyboardInterrupt:
        return 0
    except OSError as e:
        raise SafetyLabError(f"JupyterLab could not be started ({e.strerror or e}).") from None
