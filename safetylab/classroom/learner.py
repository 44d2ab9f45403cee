"""One learner's own server in class mode: learner mode behind JupyterHub's sign-in.

JupyterHub starts ``python -m safetylab.classroom.learner`` for each learner who
joins (see :class:`safetylab.classroom.hub.ClassSpawner`), in the learner's own
private folder, with JupyterHub's usual environment (``JUPYTERHUB_SERVICE_URL``,
``JUPYTERHUB_SERVICE_PREFIX``, ``JUPYTERHUB_API_TOKEN``...). It is ``safetylab app``
with every learner-mode safeguard (:mod:`safetylab.app`), except that:

- the way in is JupyterHub's sign-in (OAuth), not a token in the address: only the
  learner who owns this server gets in. Another learner, signed in or not, gets the
  hub's sign-in or a refusal, and so does the trainer (who has no access to learners'
  servers);
- the lessons are copied into the learner's folder, which is where they run: what a
  learner makes lands there, and every file name a lesson takes must lie inside it;
- one lesson runs at a time (opening another shuts the first down, with its
  temporary folder), and the server and its lesson together stay under the class's
  memory limit;
- it tells the hub which lesson is open (its number and title: nothing else) and
  that the learner is still there, so that the trainer's page can list it and the
  idle culler can stop a server nobody uses.

What this does *not* do: it does not delete the learner's folder itself; the hub does,
when this server stops (and ``safetylab class`` deletes the whole class folder when
the class ends).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from .. import app, course
from ..errors import SafetyLabError

__all__ = ["copy_lessons", "lesson_title", "learner_settings", "KERNEL_SETTINGS", "write_kernel_settings", "main"]


def copy_lessons(source: str | os.PathLike, folder: str | os.PathLike) -> list[str]:
    """Copy the lesson notebooks (``NN_name.ipynb``, nothing else) from ``source`` into ``folder``.

    Returns the names copied; a lesson already in ``folder`` is left as it is.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> src, dst = (pathlib.Path(tempfile.mkdtemp()) for _ in range(2))
    >>> _ = (src / "01_a.ipynb").write_text("{}"); _ = (src / "notes.txt").write_text("x")
    >>> copy_lessons(src, dst), sorted(p.name for p in dst.iterdir())
    (['01_a.ipynb'], ['01_a.ipynb'])
    """
    copied = []
    for path in sorted(Path(source).glob(course.LESSON_GLOB)):
        target = Path(folder) / path.name
        if path.is_file() and not path.is_symlink() and not target.exists():
            shutil.copyfile(path, target)
            copied.append(path.name)
    return copied


def lesson_title(path: str | None, folder: str | os.PathLike) -> str:
    """What the trainer's page shows for a lesson: ``"03 What your photo file says"`` ("" for none)."""
    if not path or not app.is_lesson(path, folder):
        return ""
    try:
        title, _ = app.lesson_info(Path(folder) / path)
    except SafetyLabError:
        title = path[3:-6].replace("_", " ")
    return f"{path[:2]} {title}"


def learner_settings(environ: dict) -> dict:
    """This server's address, path and limits, from the environment JupyterHub gives it.

    Examples
    --------
    >>> s = learner_settings({"JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:49152/user/sam/",
    ...                       "JUPYTERHUB_SERVICE_PREFIX": "/user/sam/",
    ...                       "SAFETYLAB_CLASS_LIMITS": '{"memory_mb": 500, "idle_minutes": 10}'})
    >>> s["ip"], s["port"], s["base_url"], s["limits"].memory_mb, s["limits"].one_lesson
    ('127.0.0.1', 49152, '/user/sam/', 500, True)
    """
    url = urlsplit(environ.get("JUPYTERHUB_SERVICE_URL") or "http://127.0.0.1:8888/")
    given = json.loads(environ.get("SAFETYLAB_CLASS_LIMITS") or "{}")
    limits = app.Limits(max_lessons=1, idle_minutes=float(given.get("idle_minutes", 15)),
                        memory_mb=int(given.get("memory_mb", 0)), one_lesson=True)
    return {"ip": url.hostname or "127.0.0.1", "port": url.port or 8888,
            "base_url": environ.get("JUPYTERHUB_SERVICE_PREFIX") or "/",
            "public_ip": given.get("public_ip", "127.0.0.1"),
            "activity_seconds": float(given.get("activity_seconds", 60)),
            "limits": limits}


def _learner_app_class(settings: dict):
    """The learner-mode Voila application, signed in through JupyterHub, reporting to it."""
    from datetime import datetime, timezone

    import tornado.httpclient
    import tornado.ioloop
    from jupyter_server.utils import url_path_join

    base = app.voila_app_class(settings["limits"])
    hub_api = os.environ.get("JUPYTERHUB_API_URL", "")
    user = os.environ.get("JUPYTERHUB_USER", "")
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")

    class ClassLearnerVoila(base):
        name = "safetylab-class-learner"

        def init_settings(self):
            out = super().init_settings()
            out["safetylab_leave_url"] = url_path_join(os.environ.get("JUPYTERHUB_BASE_URL", "/"), "hub/leave")
            return out

        def init_handlers(self):
            handlers = super().init_handlers()
            own = {h[1] for h in self.identity_provider.get_handlers()}
            # the sign-in callback and log-out answer under this server's own path
            return [(url_path_join(self.base_url, h[0]) if h[1] in own and not h[0].startswith(self.base_url)
                     else h[0], *h[1:]) for h in handlers]

        def start(self):
            self.tornado_settings = {**self.tornado_settings, **app.tornado_settings(settings["public_ip"])}
            self._reported = {"lesson": None}
            if hub_api and token:
                tornado.ioloop.PeriodicCallback(self.report, settings["activity_seconds"] * 1000).start()
            super().start()

        def _active(self) -> bool:
            km = self.kernel_manager
            now = datetime.now(timezone.utc)
            for kid in km.list_kernel_ids():
                if km._kernel_connections.get(kid, 0):
                    return True  # a lesson page is open
                last = getattr(km.get_kernel(kid), "last_activity", None)
                if last is not None and (now - last).total_seconds() < settings["activity_seconds"]:
                    return True
            return False

        async def report(self):
            """Tell the hub the learner is still here (when they are) and which lesson they have open."""
            client = tornado.httpclient.AsyncHTTPClient()
            headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
            lesson = lesson_title(self.kernel_manager.latest_lesson, self.root_dir) \
                if self.kernel_manager.list_kernel_ids() else ""
            try:
                if lesson != self._reported["lesson"]:
                    await client.fetch(url_path_join(hub_api, "safetylab/lesson", user), method="POST",
                                       headers=headers, body=json.dumps({"lesson": lesson}))
                    self._reported["lesson"] = lesson
                if self._active():
                    stamp = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
                    await client.fetch(os.environ["JUPYTERHUB_ACTIVITY_URL"], method="POST", headers=headers,
                                       body=json.dumps({"servers": {"": {"last_activity": stamp}},
                                                        "last_activity": stamp}))
            except Exception as e:  # noqa: BLE001 - the hub may be stopping: try again next time
                self.log.warning("Could not reach the hub: %s", e)

    return ClassLearnerVoila


#: IPython's settings for this learner's lesson kernels: no history of what they ran (a file IPython
#: would otherwise write in the learner's folder, with a thread to keep it: nothing a lesson needs).
KERNEL_SETTINGS = {"HistoryManager": {"enabled": False}}


def write_kernel_settings(ipython_dir: str | os.PathLike) -> Path:
    """Write :data:`KERNEL_SETTINGS` where this learner's lesson kernels read their settings.

    Examples
    --------
    >>> import tempfile, json
    >>> json.loads(write_kernel_settings(tempfile.mkdtemp()).read_text())["HistoryManager"]
    {'enabled': False}
    """
    path = Path(ipython_dir) / "profile_default" / "ipython_kernel_config.json"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(json.dumps(KERNEL_SETTINGS), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Run this learner's server until JupyterHub stops it."""
    from ..memory import give_the_hub_way

    give_the_hub_way()
    settings = learner_settings(dict(os.environ))
    folder = Path.cwd()
    copy_lessons(os.environ.get("SAFETYLAB_CLASS_LESSONS") or course.lessons_dir(), folder)
    write_kernel_settings(os.environ.get("IPYTHONDIR") or folder / ".ipython")
    private_tmp = Path(os.environ.get("TMPDIR") or folder / ".tmp")
    private_tmp.mkdir(mode=0o700, parents=True, exist_ok=True)
    app_class = _learner_app_class(settings)
    voila = app_class.instance()
    voila.initialize(app.voila_argv(folder, settings["port"], False, settings["ip"], base_url=settings["base_url"])
                     + ["--Voila.identity_provider_class=jupyterhub.singleuser.extension.JupyterHubIdentityProvider",
                        # a ready server's first lesson runs in its waiting kernel (safetylab.classroom.seat)
                        "--AsyncMappingKernelManager.kernel_manager_class=safetylab.classroom.seat.SeatKernelManager",
                        *(argv or [])])
    try:
        voila.start()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
