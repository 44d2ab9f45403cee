"""Switches that keep the libraries safetylab uses off the network.

ONNX Runtime (under the offline text reader, RapidOCR) sends usage reports to
Microsoft from its C++ code on Linux and macOS: a few seconds after its first
model session starts it looks up a Microsoft host name, and it keeps a device
identifier and a queue of reports in ``~/.cache/Microsoft``. A Python socket
guard cannot see or stop this. Its own switch does, but only when it is in the
environment *before* ``onnxruntime`` is imported (its Python call
``disable_telemetry_events()`` alone does not stop the report sent at start-up;
checked with ``strace`` on onnxruntime 1.32).

So ``import safetylab`` puts :data:`ENVIRONMENT` into ``os.environ`` (processes
started from it, such as learner-mode kernels, inherit it), and
:func:`import_onnxruntime` is the one way safetylab loads ONNX Runtime: it also
calls the runtime switch, and refuses (one plain line) when ONNX Runtime was
loaded before safetylab could set the switch.

What this does not protect against: a library safetylab does not know about, or a
future version of one that adds a new kind of report, is not switched off by this;
the tests watch for any connection with ``strace`` to catch that.
"""

from __future__ import annotations

import os
import sys

from .errors import SafetyLabError

__all__ = ["ENVIRONMENT", "NetworkSwitchError", "switch_off", "import_onnxruntime"]

#: Environment variables that turn off what would otherwise go over the network.
ENVIRONMENT = {
    "ORT_DISABLE_TELEMETRY": "1",  # ONNX Runtime's usage reports (read once, when it is imported)
}

_loaded_before_switch = False


class NetworkSwitchError(SafetyLabError):
    """A library was loaded before safetylab could turn off its network use."""


def switch_off() -> None:
    """Put :data:`ENVIRONMENT` into ``os.environ`` (whatever it held), before any library is loaded."""
    global _loaded_before_switch
    if "onnxruntime" in sys.modules and any(os.environ.get(k) != v for k, v in ENVIRONMENT.items()):
        _loaded_before_switch = True
    os.environ.update(ENVIRONMENT)


def import_onnxruntime():
    """``onnxruntime``, loaded with its usage reports switched off.

    Raises
    ------
    NetworkSwitchError
        When ``onnxruntime`` was imported before ``safetylab`` (its reports would
        then still be sent): import safetylab first, or start Python with
        ``ORT_DISABLE_TELEMETRY=1``.
    ImportError
        When ONNX Runtime is not installed.
    """
    switch_off()
    if _loaded_before_switch:
        raise NetworkSwitchError(
            "The text reader (ONNX Runtime) was loaded before safetylab could switch off its usage "
            "reports to Microsoft; restart, and import safetylab before anything else.")
    import onnxruntime

    onnxruntime.disable_telemetry_events()  # and the runtime switch, for every session from now on
    return onnxruntime
