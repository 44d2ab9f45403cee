"""The hub side of class mode: joining with a class code, one private server per learner, the trainer's page.

This module runs inside JupyterHub (``safetylab class`` writes a configuration that
calls :func:`configure`), for a class on one computer. It needs JupyterHub, Tornado and
the standard library; its ready servers (:class:`ReadyServers`) start and hand over
through :mod:`safetylab.classroom.seat`. (On Kubernetes the chart's own hub and the
school's sign-in are used instead: :mod:`safetylab.classroom.kubernetes`.)

- :class:`ClassAuthenticator`: a learner joins with the class code and a nickname
  (no account, no e-mail, no real name). A nickname in use cannot be taken by anyone
  else until its learner has left, so nobody can step into another learner's server by
  typing their nickname. Beyond ``max_learners`` a friendly "the class is full" page.
  The trainer signs in with the trainer key (its own address, printed in the terminal).
- :class:`ClassSpawner`: each learner's own server (learner mode, with JupyterHub's
  sign-in: :mod:`safetylab.classroom.learner`) runs in the learner's own private folder;
  when it stops (the learner leaves, it is culled, the class ends) the folder is deleted
  with everything in it. The trainer gets JupyterLab (trainer mode).
- The trainer's page (``/hub/class``): who has joined (nicknames), which lesson each is
  on, the join address and its QR code, and "End the class". Nothing a learner made or
  typed ever reaches the hub: a learner's server only reports the lesson it has open.

What this does *not* protect against: every learner's server runs as the same
operating-system user as the hub. Learners cannot run code (learner mode's servers
accept only widget messages), and every file name a lesson takes is kept inside the
learner's own folder, so one learner cannot reach another's files through a lesson;
but a flaw in a lesson's code that let a learner run code would reach every learner's
folder. Where that matters, run the class on Kubernetes (one container per learner).

Examples
--------
>>> clean_nickname("  Sam the Cat ")
'sam-the-cat'
>>> same_code("k7p-3qx", "K7P3QX")
True
"""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["ClassConfig", "ReadyServers", "ENV_KEEP", "NicknameError", "clean_nickname", "new_class_code", "same_code", "TRAINER",
           "LEARNERS", "TEMPLATES", "configure", "learner_role_scopes", "trainer_role_scopes",
           "culler_role_scopes", "lesson_label"]

#: The trainer's user name on the hub (a nickname nobody can take).
TRAINER = "trainer"
#: The hub group every learner is in (the idle culler may act on it, and on nothing else).
LEARNERS = "learners"
#: The hub's page templates (join page, "getting ready", the trainer's page, ...).
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Names no learner can take (the trainer's, and words that would confuse in an address).
RESERVED = frozenset({TRAINER, "admin", "administrator", "root", "hub", "user", "users", "api",
                      "teacher", "facilitator", "safetylab", "jupyter", "jupyterhub", "everyone", "all"})
#: Letters of a class code: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, so it is read aloud and typed without doubt.
CODE_LETTERS = "ACDEFGHJKMNPQRTUVWXY34679"
NICKNAME_MAX = 20


@dataclass(frozen=True)
class ClassConfig:
    """Everything the hub needs to know about one class (written as JSON by ``safetylab class``).

    Attributes
    ----------
    code : str
        The class code learners type (with a nickname) to join.
    trainer_key : str
        The secret in the trainer's address (signs the trainer in).
    folder : str
        The class's private folder: each learner's folder is ``learners/<name>`` in it.
    lessons : str
        The lesson notebooks every learner gets a copy of.
    trainer_dir : str
        The folder the trainer's JupyterLab opens.
    join_url : str
        The address learners open (shown on the trainer's page, with its QR code).
    qr_svg : str
        The QR code of ``join_url`` as SVG ("" for none).
    max_learners, memory_mb, idle_minutes
        The class's limits: learners at once, memory per learner (0: none), and the idle
        time after which a learner's server is stopped and their folder deleted.
    ready_servers : int
        Learners' servers kept started and waiting for a learner (:class:`ReadyServers`; 0: none,
        each starts when its learner joins); never more than there is room for in the class.
    owner_pid : int
        The ``safetylab class`` process: ending the class from the trainer's page stops it
        (0: stop the hub itself).
    """

    code: str
    trainer_key: str
    folder: str
    lessons: str
    trainer_dir: str
    join_url: str = ""
    qr_svg: str = ""
    fingerprint: str = ""
    max_learners: int = 30
    ready_servers: int = 0
    memory_mb: int = 800
    idle_minutes: float = 15.0
    activity_seconds: float = 60.0
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 8081
    api_port: int = 8001
    certfile: str = ""
    keyfile: str = ""
    proxy: list = field(default_factory=lambda: ["configurable-http-proxy"])
    python: str = sys.executable
    owner_pid: int = 0
    env_keep: list = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> "ClassConfig":
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def learners_folder(self) -> Path:
        return Path(self.folder) / "learners"


class NicknameError(ValueError):
    """A nickname that cannot be used, with one plain line saying why."""


def new_class_code(length: int = 6) -> str:
    """A fresh class code: ``length`` letters and digits that cannot be mistaken for each other.

    >>> code = new_class_code()
    >>> len(code), set(code) <= set(CODE_LETTERS)
    (6, True)
    """
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(length))


def same_code(typed: str, code: str) -> bool:
    """Is ``typed`` the class code? Case, spaces and dashes do not matter (compared in constant time)."""
    norm = re.sub(r"[\s-]+", "", typed or "").upper()
    return hmac.compare_digest(norm.encode(), re.sub(r"[\s-]+", "", code).upper().encode())


def clean_nickname(nickname: str) -> str:
    """The user name a nickname stands for: lower case, words joined by ``-``.

    Letters, digits, spaces, ``-`` and ``_`` only, 1 to 20 of them, and not a
    reserved word (``trainer``, ``admin``...).

    Raises
    ------
    NicknameError
        One plain line saying what to type instead.

    Examples
    --------
    >>> clean_nickname("Blue_Fox 7")
    'blue_fox-7'
    >>> clean_nickname("trainer")
    Traceback (most recent call last):
    ...
    safetylab.classroom.hub.NicknameError: That nickname is kept for the trainer: choose another.
    """
    text = " ".join((nickname or "").split())
    if not text:
        raise NicknameError("Type a nickname: any name you like, but not your real name.")
    if len(text) > NICKNAME_MAX:
        raise NicknameError(f"That nickname is too long: use at most {NICKNAME_MAX} letters and numbers.")
    if not re.fullmatch(r"[A-Za-z0-9 _-]+", text):
        raise NicknameError("Use only letters (a to z), numbers, spaces, - and _ in your nickname.")
    name = re.sub(r"[ ]+", "-", text.lower()).strip("-_")
    if not name:
        raise NicknameError("Your nickname needs at least one letter or number.")
    if name in RESERVED:
        raise NicknameError("That nickname is kept for the trainer: choose another.")
    return name


def lesson_label(text: object) -> str:
    """What a learner's server says about the lesson open (at most 80 plain characters; "" for none).

    >>> lesson_label("03 What your photo file says")
    '03 What your photo file says'
    >>> lesson_label({"not": "text"})
    ''
    """
    if not isinstance(text, str):
        return ""
    return " ".join(text.split())[:80]


def learner_role_scopes() -> list[str]:
    """What a learner may do on the hub: see and stop their own server, nothing of anyone else's."""
    return ["self"]


def trainer_role_scopes() -> list[str]:
    """What the trainer may do through the hub: see who is in, stop servers, remove learners.

    Not ``access:servers``: the trainer cannot open a learner's server or see what they made.
    """
    return ["self", f"list:users!group={LEARNERS}", f"read:users!group={LEARNERS}",
            f"delete:servers!group={LEARNERS}", f"admin:users!group={LEARNERS}", "read:groups"]


def culler_role_scopes() -> list[str]:
    """What the idle culler may do: look at learners' activity, stop them, remove them (learners only)."""
    return [f"list:users!group={LEARNERS}", f"read:users:activity!group={LEARNERS}",
            f"read:servers!group={LEARNERS}", f"delete:servers!group={LEARNERS}",
            f"admin:users!group={LEARNERS}", f"read:users:name!group={LEARNERS}"]


# --------------------------------------------------------------------------- #
# JupyterHub's side (imported only inside a hub)
# --------------------------------------------------------------------------- #

from jupyterhub import orm  # noqa: E402
from jupyterhub.apihandlers.base import APIHandler  # noqa: E402
from jupyterhub.auth import Authenticator  # noqa: E402
from jupyterhub.handlers.base import BaseHandler  # noqa: E402
from jupyterhub.handlers.login import LoginHandler  # noqa: E402
from jupyterhub.handlers.pages import SpawnPendingHandler  # noqa: E402
from jupyterhub.spawner import LocalProcessSpawner  # noqa: E402
from jupyterhub.utils import maybe_future, url_path_join  # noqa: E402
from tornado import web  # noqa: E402
from traitlets import Any, Unicode  # noqa: E402


class ClassAuthenticator(Authenticator):
    """Join with the class code and a nickname; the trainer signs in with the trainer key."""

    config_file = Unicode("", config=True, help="The class's settings (JSON written by safetylab class).")
    class_config = Any(None, help="The ClassConfig (read from config_file when not given).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.class_config is None and self.config_file:
            self.class_config = ClassConfig.from_json(Path(self.config_file).read_text(encoding="utf-8"))
        self.allow_all = True
        self.manage_groups = True
        self.reserved: set[str] = set()  # learners let in, maybe not yet in the hub's records
        self.lessons: dict[str, str] = {}  # learner -> the lesson they have open (never content)
        self.ready = ReadyServers(self.class_config, lambda: len(self.reserved)) if self.class_config else None
        if self.ready is not None:
            try:
                asyncio.get_running_loop().call_soon(self.ready.start)
            except RuntimeError:  # built outside a running hub: no servers are started ahead
                pass

    def get_handlers(self, app):
        return [(r"/login", JoinHandler), (r"/trainer", TrainerSignInHandler), (r"/leave", LeaveHandler),
                (r"/class", TrainerPageHandler), (r"/class/end", EndClassHandler),
                (r"/api/safetylab/lesson/([^/]+)", LessonAPIHandler),
                (r"/spawn-pending/([^/]+)", PromptSpawnPendingHandler)]

    def learner_names(self, db) -> set[str]:
        group = db.query(orm.Group).filter(orm.Group.name == LEARNERS).first()
        names = {u.name for u in group.users} if group is not None else set()
        return names | self.reserved

    async def authenticate(self, handler, data):
        cfg = self.class_config
        data = data or {}
        key = data.get("trainer_key")
        if key is not None:
            if hmac.compare_digest(str(key).encode(), cfg.trainer_key.encode()):
                return {"name": TRAINER, "groups": []}
            handler.refusal = "That trainer address is not right: copy it again from the terminal."
            return None
        if not same_code(data.get("code", ""), cfg.code):
            handler.refusal = "That is not the class code. Check the code on the board and try again."
            return None
        try:
            name = clean_nickname(data.get("username", ""))
        except NicknameError as e:
            handler.refusal = str(e)
            return None
        current = self.learner_names(handler.db)
        if name in current or handler.find_user(name) is not None:
            handler.refusal = "Someone in the class already has that nickname: choose another."
            return None
        if len(current) >= cfg.max_learners:
            handler.refusal = "full"
            return None
        self.reserved.add(name)  # no await between the check and this: one at a time
        return {"name": name, "groups": [LEARNERS]}

    def delete_user(self, user):
        """A learner removed (left, culled, or the class ended): their name is free, their folder gone."""
        self.reserved.discard(user.name)
        self.lessons.pop(user.name, None)
        if user.name != TRAINER and self.class_config is not None:
            remove_folder(self.class_config.learners_folder / user.name)
        return super().delete_user(user)


def remove_folder(folder: Path) -> None:
    """Delete a learner's folder with everything in it (a name that is not a plain child: nothing)."""
    folder = Path(folder)
    if folder.name in ("", ".", "..") or not folder.parent.is_dir():
        return
    shutil.rmtree(folder, ignore_errors=True)


class _PageMixin:
    """Class-mode pages: never cached, one small self-contained template."""

    async def page(self, template: str, status: int = 200, **ns) -> None:
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        cfg = self.authenticator.class_config
        html_text = await self.render_template(template, class_config=cfg, **ns)
        self.finish(html_text)


#: How long the "getting your lessons ready" page waits for a learner's server before it is shown (s).
PENDING_WAIT = 5.0


class PromptSpawnPendingHandler(SpawnPendingHandler):
    """JupyterHub's "getting your lessons ready" page, answered once the learner's server is up.

    The page has no script: it asks again every 2 seconds. A ready server is up within a
    second or so, so the page waits for it (up to :data:`PENDING_WAIT` s) and goes straight
    on to the lessons, instead of keeping the learner waiting for the next refresh. Only a
    learner's own page waits; it is shown as usual when the server takes longer.
    """

    async def get(self, user_name, server_name=""):
        user = self.current_user
        spawner = user.spawners.get(server_name) if user is not None and user.name == user_name else None
        future = getattr(spawner, "_spawn_future", None)
        if spawner is not None and spawner.pending == "spawn" and future is not None and not future.done():
            try:
                await asyncio.wait_for(asyncio.shield(future), PENDING_WAIT)
            except Exception:  # noqa: BLE001 - still starting, or failed: the page says which
                pass
        return await super().get(user_name, server_name)


class JoinHandler(_PageMixin, LoginHandler):
    """The join page: the class code and a nickname."""

    async def _render(self, login_error=None, username=None, **kwargs):
        return await self.render_template(
            "login.html", login_error=login_error, username=username or "",
            code=self.get_argument("code", default="")[:20], xsrf=self.xsrf_token.decode("ascii"),
            class_config=self.authenticator.class_config, **kwargs)

    async def post(self):
        data = {k: self.get_argument(k, default="", strip=k == "username")[:200]
                for k in ("username", "code")}
        self.refusal = None
        user = await self.login_user(data)
        if user:
            self._jupyterhub_user = user
            self.redirect(self.get_next_url(user))
            return
        if self.refusal == "full":
            return await self.page("full.html", 503, max_learners=self.authenticator.class_config.max_learners)
        self.set_status(403)
        self.finish(await self._render(login_error=self.refusal or "That did not work: try again.",
                                       username=data["username"][:NICKNAME_MAX]))


class TrainerSignInHandler(_PageMixin, BaseHandler):
    """``/hub/trainer?key=...``: the trainer's own address signs the trainer in."""

    async def get(self):
        key = self.get_argument("key", default="")
        self.refusal = None
        user = await self.login_user({"trainer_key": key, "username": TRAINER}) if key else None
        if user is None:
            return await self.page("message.html", 403, title="This is the trainer's address",
                                   paragraphs=["Open the trainer's address exactly as the terminal shows it. "
                                               "Learners join at the class's own address."])
        self.redirect(url_path_join(self.hub.base_url, "class"))


class LeaveHandler(_PageMixin, BaseHandler):
    """"Leave the class": the learner's server stops, their folder is deleted, their nickname is free."""

    @web.authenticated
    async def get(self):
        if self.current_user.name == TRAINER:
            return self.redirect(url_path_join(self.hub.base_url, "class"))
        await self.page("leave.html")

    @web.authenticated
    async def post(self):
        user = self.current_user
        if user.name == TRAINER:
            raise web.HTTPError(400)
        await remove_learner(self, user)
        self.clear_login_cookie()
        self._jupyterhub_user = None
        await self.page("message.html", title="You have left the class",
                        paragraphs=["Everything you made here has been deleted: your photos, clean copies, "
                                    "policies and kits. Nothing was kept.",
                                    "You can close this tab. To join again, open the class's address."])


async def remove_learner(handler, user) -> None:
    """Stop a learner's server (their folder goes with it) and remove them from the hub."""
    if user.spawner.active or user.spawner.pending:
        await handler.stop_single_user(user, user.spawner.name)
    await maybe_future(handler.authenticator.delete_user(user))
    await user.delete_spawners()
    handler.users.delete(user)


class _TrainerOnly:
    def trainer(self):
        user = self.current_user
        if user is None or user.name != TRAINER:
            raise web.HTTPError(403, "This page is the trainer's.")
        return user


class TrainerPageHandler(_TrainerOnly, _PageMixin, BaseHandler):
    """The trainer's page: the join address and QR code, who has joined, which lesson, "End the class"."""

    @web.authenticated
    async def get(self):
        self.trainer()
        auth = self.authenticator
        learners = []
        for name in sorted(auth.learner_names(self.db)):
            user = self.find_user(name)
            spawner = user.spawner if user is not None else None
            if spawner is not None and spawner.ready:
                state = "in the class"
            elif spawner is not None and spawner.pending == "stop":
                state = "leaving"
            elif spawner is None or spawner.pending:
                state = "joining"
            else:
                state = "away"
            learners.append({"nickname": name, "state": state,
                             "lesson": auth.lessons.get(name) or "the lesson list"})
        await self.page("trainer.html", learners=learners, qr_svg=auth.class_config.qr_svg,
                        lab_url=url_path_join(self.hub.base_url, "spawn", TRAINER))


class EndClassHandler(_TrainerOnly, _PageMixin, BaseHandler):
    """End the class: every learner's server stops and every folder is deleted; then the hub stops."""

    @web.authenticated
    async def post(self):
        self.trainer()
        await self.page("message.html", title="The class has ended",
                        paragraphs=["Every learner's server is stopping, and everything learners made is "
                                    "being deleted. The class's address no longer works.",
                                    "To run another class, start it again from the terminal."])
        asyncio.get_running_loop().call_later(0.5, end_class, self.authenticator.class_config)


def end_class(cfg: ClassConfig) -> None:
    """Stop the class: ``safetylab class`` (it stops the hub and deletes the class's folder), else the hub."""
    pid = cfg.owner_pid or os.getpid()
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        os.kill(os.getpid(), signal.SIGTERM)


class LessonAPIHandler(APIHandler):
    """A learner's server says which lesson its learner has open (a label, never content)."""

    async def post(self, name):
        user = self.current_user
        if user is None or getattr(user, "name", None) != name or name == TRAINER:
            raise web.HTTPError(403)
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400) from None
        label = lesson_label(body.get("lesson")) if isinstance(body, dict) else ""
        if label:
            self.authenticator.lessons[name] = label
        else:
            self.authenticator.lessons.pop(name, None)
        self.set_status(204)
        self.finish()


#: What a learner's server keeps of the hub's environment (besides JupyterHub's own settings).
ENV_KEEP = ["PATH", "PYTHONPATH", "VIRTUAL_ENV", "LANG", "LC_ALL", "LD_LIBRARY_PATH", "CONDA_DEFAULT_ENV",
            "CONDA_ROOT", "HOME", "no_proxy", "NO_PROXY"]


class ReadyServers:
    """Learners' servers started before their learners join (:mod:`safetylab.classroom.seat`).

    While the class gathers, up to ``ready_servers`` seats are started (as many at once as
    the computer has cores), never more than there is room for (``max_learners`` minus the
    learners in: a learner who joins is counted at once, so the seat they are about to take is
    not replaced); a ready one is handed to each learner who joins (while none is ready, their
    server starts as it did without seats), and another started while there is room.
    A seat waits in the class's ``seats`` folder (empty) and holds nothing of anyone's until
    it is given its learner; :meth:`stop` ends the waiting ones. How many are ready is kept
    in the class's ``ready.json`` (``safetylab class`` tells the trainer when all are).
    """

    def __init__(self, cfg: ClassConfig, learners_in):
        self.cfg = cfg
        self.learners_in = learners_in
        self.folder = Path(cfg.folder) / "seats"
        self.seats: list[dict] = []  # {"proc": Popen, "fd": the end "ready" arrives on, "ready": bool}
        self.callback = None
        self.said = None

    def wanted(self) -> int:
        return max(0, min(self.cfg.ready_servers, self.cfg.max_learners - self.learners_in()))

    def start(self) -> None:
        from tornado.ioloop import PeriodicCallback

        if self.cfg.ready_servers <= 0 or self.callback is not None:
            return
        self.folder.mkdir(mode=0o700, exist_ok=True)
        import atexit

        atexit.register(self.stop)
        self.callback = PeriodicCallback(self.tick, 1000)
        self.callback.start()
        self.tick()

    def _env(self) -> dict:
        env = {k: os.environ[k] for k in [*ENV_KEEP, *self.cfg.env_keep] if k in os.environ}
        return {**env, **LEAN_MEMORY}

    def _launch(self) -> dict:
        from . import seat

        proc, read = seat.start("server", python=self.cfg.python, env=self._env(), cwd=self.folder)
        os.set_blocking(read, False)
        return {"proc": proc, "fd": read, "ready": False}

    def _close(self, seat: dict) -> None:
        if seat["fd"] is not None:
            os.close(seat["fd"])
            seat["fd"] = None

    def tick(self) -> None:
        """See which seats are ready, drop ended ones, start more while there is room."""
        for seat in list(self.seats):
            if seat["proc"].poll() is not None:
                self._close(seat)
                self.seats.remove(seat)
            elif not seat["ready"] and seat["fd"] is not None:
                try:
                    said = os.read(seat["fd"], 64)
                except BlockingIOError:
                    continue
                seat["ready"] = said.startswith(b"ready")
                self._close(seat)
        wanted = self.wanted()
        starting = sum(1 for s in self.seats if not s["ready"])
        while len(self.seats) < wanted and starting < (os.cpu_count() or 2):
            self.seats.append(self._launch())
            starting += 1
        self._note()

    def _note(self) -> None:
        ready = sum(1 for s in self.seats if s["ready"])
        state = {"ready": ready, "wanted": self.wanted(), "learners": self.learners_in()}
        if state != self.said:
            path = Path(self.cfg.folder) / "ready.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(state), encoding="utf-8")
            os.replace(tmp, path)
            self.said = state

    def take(self):
        """A ready seat for a learner who joins, or None (their server then starts as usual)."""
        self.tick()
        for seat in [s for s in self.seats if s["ready"]]:
            self.seats.remove(seat)
            if seat["proc"].poll() is None:
                return seat["proc"]
        return None

    def _end(self, seat: dict) -> None:
        self._close(seat)
        try:
            seat["proc"].stdin.close()  # a waiting seat ends when its input closes
            seat["proc"].kill()
        except OSError:
            pass

    def stop(self) -> None:
        if self.callback is not None:
            self.callback.stop()
        while self.seats:
            self._end(self.seats.pop())


#: A learner's server and lessons: one thread for the text reader's network, memory handed
#: back to the system after each photo (measured on lesson 03: 564 MB resident -> 409 MB), and
#: the face and text models let go of once a learner's photo has been looked at
#: (safetylab.memory; lesson 03's kernel after a photo: 521 MB -> 197 MB).
LEAN_MEMORY = {"OMP_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2", "MALLOC_TRIM_THRESHOLD_": "65536",
               "MALLOC_MMAP_THRESHOLD_": "65536", "SAFETYLAB_LEAN_MEMORY": "1"}


class ClassSpawner(LocalProcessSpawner):
    """Learners: learner mode in their own private folder, deleted when the server stops.
    The trainer: JupyterLab on the trainer's folder. All as the hub's own user."""

    config_file = Unicode("", config=True, help="The class's settings (JSON written by safetylab class).")

    @property
    def class_config(self) -> ClassConfig:
        return self.authenticator.class_config

    @property
    def is_trainer(self) -> bool:
        return self.user.name == TRAINER

    @property
    def folder(self) -> Path:
        return self.class_config.learners_folder / self.user.name

    def make_preexec_fn(self, name):
        return None  # no other operating-system user: everyone runs as the hub's user

    def user_env(self, env):
        env["USER"] = self.user.name
        return env

    def get_env(self):
        env = super().get_env()
        cfg = self.class_config
        for name in cfg.env_keep:
            if name in os.environ:
                env[name] = os.environ[name]
        if self.is_trainer:
            from_lab = os.pathsep.join([str(Path(__file__).resolve().parent.parent / "data" / "lab"),
                                        os.environ.get("JUPYTER_CONFIG_PATH", "")]).rstrip(os.pathsep)
            env["JUPYTER_CONFIG_PATH"] = from_lab
            return env
        folder = self.folder
        env.update({
            "SAFETYLAB_CLASS_LESSONS": cfg.lessons,
            "SAFETYLAB_CLASS_LIMITS": json.dumps({"memory_mb": cfg.memory_mb, "idle_minutes": cfg.idle_minutes,
                                                  "activity_seconds": cfg.activity_seconds,
                                                  "public_ip": cfg.ip}),
            "TMPDIR": str(folder / ".tmp"), "TMP": str(folder / ".tmp"), "TEMP": str(folder / ".tmp"),
            "IPYTHONDIR": str(folder / ".ipython"),
            "JUPYTER_RUNTIME_DIR": str(folder / ".runtime"),
            "JUPYTER_DATA_DIR": str(folder / ".jupyter-data"),
            **LEAN_MEMORY,
        })
        return env

    async def start(self):
        cfg = self.class_config
        if self.is_trainer:
            folder = Path(cfg.trainer_dir)
            lessons = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
            self.cmd = [cfg.python, "-m", "jupyterhub.singleuser"]
            self.args = [f"--ServerApp.root_dir={folder}", "--LabApp.news_url=None",
                         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                self.args.append("--allow-root")
            self.default_url = f"/lab/tree/{lessons[0].name}" if lessons else "/lab"
        else:
            folder = self.folder
            folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
            (folder / ".tmp").mkdir(mode=0o700, exist_ok=True)
            self.cmd = [cfg.python, "-m", "safetylab.classroom.learner"]
            self.args = []
        self.notebook_dir = str(folder)
        self.popen_kwargs = {"cwd": str(folder)}
        ready = None if self.is_trainer else getattr(self.authenticator, "ready", None)
        seat = ready.take() if ready is not None else None
        if seat is None:
            return await super().start()
        # a ready server (safetylab.classroom.seat) becomes this learner's, in their folder
        if self.port == 0:
            from jupyterhub.utils import random_port

            self.port = random_port()
        from .seat import handoff

        self.log.info("Giving %s a ready server (pid %s)", self.user.name, seat.pid)
        seat.stdin.write(handoff("safetylab.classroom.learner", self.get_args(), self.get_env(), str(folder)))
        seat.stdin.close()
        self.proc, self.pid = seat, seat.pid
        ready.tick()  # another starts in its place
        return (self.ip or "127.0.0.1", self.port)

    def _process_tree(self) -> list:
        try:
            import psutil

            proc = psutil.Process(self.pid)
            return [proc, *proc.children(recursive=True)]
        except Exception:  # noqa: BLE001 - gone already, or psutil missing: nothing to add
            return []

    async def stop(self, now=False):
        tree = self._process_tree() if self.pid else []
        try:
            await super().stop(now=now)
        finally:
            for proc in tree[1:]:  # the lesson kernels, if the server left any behind
                try:
                    proc.kill()
                except Exception:  # noqa: BLE001 - already gone
                    pass
            if not self.is_trainer:
                await asyncio.sleep(0)
                remove_folder(self.folder)


def configure(c, config_file: str | os.PathLike) -> None:
    """Fill a JupyterHub configuration ``c`` for the class described in ``config_file``."""
    cfg = ClassConfig.from_json(Path(config_file).read_text(encoding="utf-8"))
    folder = Path(cfg.folder)
    c.JupyterHub.ip = cfg.ip
    c.JupyterHub.port = cfg.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = cfg.hub_port
    if cfg.certfile:
        c.JupyterHub.ssl_cert = cfg.certfile
        c.JupyterHub.ssl_key = cfg.keyfile
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{cfg.api_port}"
    c.ConfigurableHTTPProxy.command = list(cfg.proxy)
    c.ConfigurableHTTPProxy.auth_token = secrets.token_hex(32)
    c.ConfigurableHTTPProxy.should_start = True
    c.JupyterHub.db_url = f"sqlite:///{folder / 'hub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(folder / "cookie_secret")
    c.JupyterHub.pid_file = str(folder / "hub.pid")
    c.JupyterHub.template_paths = [str(TEMPLATES)]
    c.JupyterHub.authenticator_class = ClassAuthenticator
    c.ClassAuthenticator.config_file = str(config_file)
    c.JupyterHub.spawner_class = ClassSpawner
    c.JupyterHub.shutdown_on_logout = True
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.allow_named_servers = False
    c.JupyterHub.active_server_limit = cfg.max_learners + 1  # a backstop: the join page says "full" first
    c.JupyterHub.concurrent_spawn_limit = cfg.max_learners + 1
    c.JupyterHub.redirect_to_server = True
    c.JupyterHub.last_activity_interval = max(5, min(300, int(cfg.idle_minutes * 60 / 3) or 300))
    c.Spawner.start_timeout = 600
    c.Spawner.http_timeout = 600
    c.Spawner.mem_limit = f"{cfg.memory_mb}M" if cfg.memory_mb else None
    c.Spawner.env_keep = list(ENV_KEEP)
    c.LocalProcessSpawner.interrupt_timeout = 10
    c.LocalProcessSpawner.term_timeout = 10
    roles = [{"name": "user", "scopes": learner_role_scopes()},
             {"name": "safetylab-trainer", "scopes": trainer_role_scopes(), "users": [TRAINER]}]
    services = []
    if cfg.idle_minutes:
        timeout = max(1, round(cfg.idle_minutes * 60))
        services.append({"name": "idle-culler", "command": [
            cfg.python, "-m", "jupyterhub_idle_culler", f"--timeout={timeout}",
            f"--cull-every={max(1, min(300, timeout // 3))}", "--cull-users=True",
            "--cull-admin-users=False", "--remove-named-servers=True"],
            "environment": {k: os.environ[k] for k in cfg.env_keep if k in os.environ}})
        roles.append({"name": "idle-culler", "scopes": culler_role_scopes(), "services": ["idle-culler"]})
    c.JupyterHub.services = services
    c.JupyterHub.load_roles = roles
    c.JupyterHub.tornado_settings = {"headers": {"Referrer-Policy": "no-referrer",
                                                 "X-Content-Type-Options": "nosniff"}}
