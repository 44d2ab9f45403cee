"""safetylab: see what a photo gives away before you send it.

A teaching toolkit. The lessons live in ``notebooks/``; this package holds all
the logic, usable from plain Python, the ``safetylab`` command and the notebooks
alike. Submodules load on first use, so ``import safetylab`` stays fast::

    import safetylab
    md = safetylab.metadata.read("photo.jpg")   # imports safetylab.metadata now

What this does not protect against: a photo that has already been sent. The
package shows what a photo gives away and removes what it can from a copy;
it cannot take anything back.
"""

from __future__ import annotations

import importlib

from . import _offline
from .errors import SafetyLabError

# Before anything else is loaded: no library may use the network (see safetylab._offline).
_offline.switch_off()

__version__ = "0.1.0"
_SUBMODULES = {"images", "formats", "draw", "course", "metadata", "scrub", "location", "report", "samples", "sharing",
               "policy", "scenarios", "evidence", "help", "faces", "redact", "hashing", "linking", "permanence", "scenes", "clues", "background",
               "cli", "widgets", "environment", "lesson_sources", "content", "learning_check", "handouts"}
__all__ = ["SafetyLabError", "__version__", "environment_check", *sorted(_SUBMODULES)]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name == "environment_check":  # lesson 00's check, as one call
        return importlib.import_module(".environment", __name__).environment_check
    raise AttributeError(f"module 'safetylab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | {"environment_check"})
