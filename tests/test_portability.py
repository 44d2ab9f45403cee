"""No POSIX-only call in safetylab's run-time code without a Windows branch.

Trainers run safetylab on Windows too. Reading the package's source, every use of
something Windows lacks -- ``os.getuid``/``geteuid``/``fork``/``killpg``/``setsid``...,
the modules ``fcntl``/``pwd``/``grp``/``resource``/``termios``, POSIX-only signals,
a ``"/tmp"`` path -- must sit under a branch that checks the platform (``os.name``,
``sys.platform``, ``hasattr(os, ...)``, ``hasattr(signal, ...)``) or inside a
``try`` that catches the ImportError/AttributeError.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "safetylab"
POSIX_OS = {"getuid", "geteuid", "getgid", "getegid", "getgroups", "fork", "forkpty", "killpg",
            "setsid", "setpgid", "getpgid", "getpgrp", "nice", "sync", "mkfifo", "chown", "lchown",
            "fchown", "getloadavg", "sysconf", "fchmod", "pipe2", "posix_spawn", "WNOHANG"}
POSIX_MODULES = {"fcntl", "pwd", "grp", "resource", "termios", "tty", "pty", "posix", "syslog", "crypt"}
POSIX_SIGNALS = {"SIGKILL", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGPIPE",
                 "SIGSTOP", "SIGCONT", "SIGTSTP", "alarm", "setitimer", "pause", "sigwait", "pthread_kill"}
GUARDS = ("os.name", "sys.platform", "platform.system", "hasattr(os", "hasattr(signal", "hasattr(sys",
          "getattr(os", "getattr(signal", "_WINDOWS", "IS_WINDOWS")


def _findings(tree: ast.AST, source: str) -> list[tuple[int, str]]:
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    def guarded(node: ast.AST) -> bool:
        while node in parents:
            parent = parents[node]
            if isinstance(parent, (ast.If, ast.IfExp, ast.While)) and any(
                    g in (ast.get_source_segment(source, parent.test) or "") for g in GUARDS):
                return True
            if isinstance(parent, ast.BoolOp) and any(
                    g in (ast.get_source_segment(source, v) or "") for v in parent.values for g in GUARDS):
                return True
            if isinstance(parent, ast.Try) and node in parent.body and any(
                    h.type is not None and any(n in (ast.get_source_segment(source, h.type) or "")
                                               for n in ("ImportError", "AttributeError", "OSError"))
                    for h in parent.handlers):
                return True
            node = parent
        return False

    out = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "os" and node.attr in POSIX_OS:
                what = f"os.{node.attr}"
            elif node.value.id == "signal" and node.attr in POSIX_SIGNALS:
                what = f"signal.{node.attr}"
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
            what = next((f"import {n}" for n in names if n in POSIX_MODULES), None)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in POSIX_MODULES:
                what = f"from {node.module} import"
            elif node.module == "os" and any(a.name in POSIX_OS for a in node.names):
                what = "from os import " + ", ".join(a.name for a in node.names if a.name in POSIX_OS)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value == "/tmp" or node.value.startswith("/tmp/"):
                what = f"the path {node.value!r}"
        if what and not guarded(node):
            out.append((getattr(node, "lineno", 0), what))
    return out


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(PACKAGE).as_posix() for p in SOURCES])
def test_posix_only_calls_have_a_windows_branch(path):
    source = path.read_text(encoding="utf-8")
    found = _findings(ast.parse(source), source)
    assert not found, "\n".join(f"{path.name}:{line}: {what} without a Windows branch" for line, what in found)


def test_the_scanner_finds_what_it_looks_for():
    bad = ("import os, signal, fcntl\n"
           "def f():\n    os.killpg(1, signal.SIGKILL)\n    return open('/tmp/x')\n")
    found = {what for _, what in _findings(ast.parse(bad), bad)}
    assert found == {"import fcntl", "os.killpg", "signal.SIGKILL", "the path '/tmp/x'"}
    good = ("import os, sys, signal\n"
            "if os.name == 'posix':\n    os.killpg(1, signal.SIGKILL)\n"
            "if hasattr(os, 'geteuid') and os.geteuid() == 0:\n    pass\n"
            "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
            "sig = signal.SIGHUP if sys.platform != 'win32' else signal.SIGTERM\n")
    assert _findings(ast.parse(good), good) == []
