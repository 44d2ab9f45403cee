"""Ready servers: Pythons that have loaded a learner's server (and a lesson's kernel) and wait for their learner.

In a class, learners arrive together, and most of each one's wait was Python loading the
same code for everyone (JupyterHub's and Voila's server, then a lesson kernel's IPython,
widgets, NumPy, Pillow, Matplotlib and safetylab's lesson widgets): about 3 of the 4.5
processor-seconds between "join" and a working lesson, measured on lesson 03. A *ready
server* does that before anyone joins, while the class gathers:

- ``python -m safetylab.classroom.seat server`` starts a kernel seat beside it
  (``... seat kernel``), loads a learner's server, says it is ready (a line on the file
  descriptor named by ``SAFETYLAB_SEAT_READY_FD``) once its kernel seat is, and waits;
- the hub (:class:`safetylab.classroom.hub.ClassSpawner`) gives it its learner: one line
  of JSON on its standard input (:func:`handoff`: the module to run, its arguments, its
  environment, its folder). It then runs as a freshly started learner's server
  (:mod:`safetylab.classroom.learner`) in the learner's private folder;
- the first lesson that learner opens runs in the kernel seat (:class:`SeatKernelManager`
  gives it the kernel's command line the same way); later lessons start as usual.

A seat holds no learner's data before it is given its learner, serves exactly one learner
(it becomes their server), and is stopped, with their folder deleted, as any learner's
server is. A seat never given a learner ends when its standard input closes (the class ended).

What this does *not* protect against: environment settings a library reads as it loads
(``OMP_NUM_THREADS``, glibc's ``MALLOC_*``) are those the seat started with, so the hub starts
seats with the same ones every learner gets (:data:`safetylab.classroom.hub.LEAN_MEMORY`); and
a seat's memory is held from the start of the class, learner or not (the trainer chooses how
many: ``safetylab class --ready-servers``).

Examples
--------
>>> import io, json
>>> read_handoff(io.BytesIO(handoff("ipykernel_launcher", ["-f", "k.json"], {"A": "1"}, "/tmp")))["argv"]
['-f', 'k.json']
>>> read_handoff(io.BytesIO(b"")) is None
True
"""

from __future__ import annotations

import importlib
import json
import os
import runpy
import select
import subprocess
import sys
import tempfile
import warnings

__all__ = ["READY_FD_ENV", "KERNEL_MODULES", "start", "handoff", "read_handoff", "become", "take_kernel",
           "SeatKernelManager", "main"]

#: The file descriptor a seat writes "ready" to (then closes), once loaded.
READY_FD_ENV = "SAFETYLAB_SEAT_READY_FD"
#: What every lesson's kernel loads first (the kernel itself, pictures, figures). Not ipywidgets: it
#: registers its messages with the kernel as it is imported, so it must come after the kernel exists.
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython.display",
                  "IPython.core.magics.pylab", "numpy", "PIL.Image", "matplotlib.pyplot",
                  "matplotlib_inline.backend_inline")
#: Modules that must be imported inside the kernel (they register with it when imported).
_AFTER_KERNEL = ("ipywidgets",)
_KERNEL_LAUNCHER = "ipykernel_launcher"

_kernel_seat: subprocess.Popen | None = None  # this server's waiting kernel (server seats only)
def handoff(module: str, argv: list[str], env: dict[str, str], cwd: str) -> bytes:
    """What a seat is given to become a learner's process: one line of JSON."""
    return json.dumps({"module": module, "argv": list(argv), "env": dict(env), "cwd": str(cwd)}).encode() + b"\n"


def read_handoff(stream) -> dict | None:
    """Wait for the hand-off line on ``stream`` (binary); None when it closes first or is not one."""
    line = stream.readline()
    try:
        spec = json.loads(line)
    except ValueError:
        return None
    if not (isinstance(spec, dict) and isinstance(spec.get("module"), str) and isinstance(spec.get("cwd"), str)
            and isinstance(spec.get("argv"), list) and isinstance(spec.get("env"), dict)):
        return None
    return spec


def become(spec: dict) -> None:
    """Run ``spec``'s module as ``python -m`` would, with its environment, arguments and folder."""
    previous = os.getcwd()
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in spec["env"].items()})
    os.chdir(spec["cwd"])
    tempfile.tempdir = None  # found again from the new TMPDIR (the learner's private folder)
    if sys.path and sys.path[0] == previous:
        sys.path[0] = os.getcwd()
    sys.argv = [spec["module"], *map(str, spec["argv"])]
    # loaded ahead on purpose (that is what a seat is for): runpy need not warn of it
    warnings.filterwarnings("ignore", message=".*found in sys.modules after import of package",
                            category=RuntimeWarning)
    runpy.run_module(spec["module"], run_name="__main__", alter_sys=True)


def _preload(kind: str) -> None:
    if kind == "server":
        from .. import app
        from . import learner  # noqa: F401 - loaded for the learner's server

        app.voila_app_class()  # Voila, Jupyter's server and the learner-mode handlers
        importlib.import_module("jupyterhub.singleuser.extension")
        try:  # work a lesson page does every time, done ahead (only sooner: a failure here changes nothing)
            app.warm_templates()  # the page's templates, compiled
            import nbformat.validator

            for relax in (False, True):  # (Voila checks a page's notebook as it renders it, the relaxed way)
                nbformat.validator.get_validator(version=4, version_minor=nbformat.current_nbformat_minor,
                                                 relax_add_props=relax)
        except Exception as e:  # noqa: BLE001
            print(f"safetylab: a ready server could not prepare the lesson page ahead: {e}", file=sys.stderr)
    else:
        for name in KERNEL_MODULES:
            importlib.import_module(name)
        for name in [m for m in sys.modules if m.split(".")[0] in _AFTER_KERNEL]:
            del sys.modules[name]  # pulled in by one of the above: imported again in the kernel


def start(kind: str, *, python: str = sys.executable, env: dict | None = None,
          cwd: str | os.PathLike | None = None) -> tuple[subprocess.Popen, int]:
    """Start a seat of ``kind`` ("server" or "kernel"): ``(process, the end its "ready" line arrives on)``.

    Its standard input is where :func:`handoff`'s line goes; ``env`` is its environment
    (default: this process's), in which it is told where to say "ready".
    """
    read, write = os.pipe()
    env = {**(os.environ if env is None else env), READY_FD_ENV: str(write)}
    proc = subprocess.Popen([python, "-m", "safetylab.classroom.seat", kind], stdin=subprocess.PIPE, cwd=cwd,
                            env=env, pass_fds=(write,), start_new_session=True)
    os.close(write)
    return proc, read


def _wait_ready(fd: int, timeout: float) -> bool:
    ready, _, _ = select.select([fd], [], [], timeout)
    said = os.read(fd, 64) if ready else b""
    os.close(fd)
    return said.startswith(b"ready")


def take_kernel() -> subprocess.Popen | None:
    """This server's waiting kernel seat, once (None when there is none, or it has ended)."""
    global _kernel_seat
    seat, _kernel_seat = _kernel_seat, None
    return seat if seat is not None and seat.poll() is None else None


def _seat_kernel_manager_class():
    import secrets

    from jupyter_client.provisioning.local_provisioner import LocalProvisioner
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
    from traitlets import default

    class SeatKernelManager(ServerKernelManager):
        """Jupyter's kernel manager for a class, that runs the first lesson in this server's waiting kernel seat.

        On Linux its kernels talk to the server over local sockets with a random name of
        their own, not over TCP ports: with thirty learners' servers choosing ports at the
        same moment, two kernels were given the same port (Jupyter picks a free port, lets
        go of it and the kernel takes it seconds later), and one lesson never opened.
        """

        @default("transport")
        def _transport_default(self):
            return "ipc" if sys.platform.startswith("linux") else "tcp"

        @default("ip")
        def _ip_default(self):
            if self.transport == "ipc":  # Linux's abstract sockets: no file, no port, a name no one else has
                return f"@safetylab-{secrets.token_hex(12)}"
            return super()._ip_default()

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            seat = take_kernel() if (isinstance(self.provisioner, LocalProvisioner) and kernel_cmd[1:3]
                                     == ["-m", _KERNEL_LAUNCHER]) else None
            if seat is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            env = {**(kw.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client's launcher
            seat.stdin.write(handoff(_KERNEL_LAUNCHER, kernel_cmd[3:], env, str(kw.get("cwd") or os.getcwd())))
            seat.stdin.close()
            prov = self.provisioner  # as LocalProvisioner.launch_kernel leaves it
            prov.process, prov.pid = seat, seat.pid
            if os.name == "posix":  # as LocalProvisioner does (class mode runs on Linux and macOS)
                prov.pgid = os.getpgid(seat.pid)
            prov.cwd = kw.get("cwd") or os.getcwd()
            self._reconcile_connection_info(prov.connection_info)

    return SeatKernelManager


def __getattr__(name: str):
    # SeatKernelManager is made when first named (Jupyter's server is loaded only in a learner's server)
    if name == "SeatKernelManager":
        cls = globals()[name] = _seat_kernel_manager_class()
        return cls
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    """``python -m safetylab.classroom.seat server|kernel``: load, say "ready", wait for a learner, become theirs."""
    global _kernel_seat
    argv = sys.argv[1:] if argv is None else argv
    kind = argv[0] if argv else ""
    if kind not in ("server", "kernel"):
        print("usage: python -m safetylab.classroom.seat server|kernel", file=sys.stderr)
        return 2
    from ..memory import give_the_hub_way

    give_the_hub_way()
    ready_fd = int(os.environ.pop(READY_FD_ENV, "-1"))
    kernel_ready = None
    if kind == "server":
        _kernel_seat, kernel_ready = start("kernel")
    _preload(kind)
    if kernel_ready is not None and not _wait_ready(kernel_ready, 600):
        _kernel_seat = None  # no kernel seat: lessons start their kernels as usual
    if ready_fd >= 0:
        os.write(ready_fd, b"ready\n")
        os.close(ready_fd)
    spec = read_handoff(sys.stdin.buffer)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    if spec is None:  # the class ended before this seat had a learner
        if _kernel_seat is not None:
            _kernel_seat.stdin.close()
        return 0
    become(spec)
    return 0


if __name__ == "__main__":  # pragma: no cover
    from safetylab.classroom import seat as _seat  # the module itself, where the kernel seat is kept

    sys.exit(_seat.main())
