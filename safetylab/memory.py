"""Sharing a class server: the face and text models let go of after a learner's photo, one thread each.

A lesson loads the face networks and the text reader only for a learner's own photo
(what every learner gets the same comes from :mod:`safetylab._cache`). Loaded, they
hold 300-450 MB for as long as the lesson runs, though a learner looks at one photo
now and then. On a class server (``safetylab class``) that is what limits how many
learners fit: so there, in *lean* mode (``SAFETYLAB_LEAN_MEMORY=1``, which class mode
sets for every learner's server), the upload buttons call :func:`after_learner_photo`
once a photo has been looked at. It lets go of the models and hands the freed memory
back to the system (glibc's ``malloc_trim``); the next photo builds them again, about
a second of work.

Lean mode also runs each network (the face finder, the text reader) on one thread
(:func:`network_threads`). Left to themselves, OpenCV and ONNX Runtime start a thread
per core for every picture, and ONNX Runtime's threads spin while they wait: with thirty
learners on a few cores that doubled the processor time a photo took (measured on one
learner's photo: 1.9-2.1 processor-seconds with a thread per core, 1.0-1.2 with one) and
took it from the learners still opening their lessons.

And in lean mode a learner's photo is looked at with a lower processor priority
(:func:`gives_way`, on Linux): when a class arrives together, every learner's lesson page
opens first and photos are looked at with the processor time that is left, instead of
each photo slowing every lesson that is still opening. Learners' servers and lessons
themselves run a little below the class's hub (:func:`give_the_hub_way`), which every
join and sign-in passes through.

What this does *not* do: it lowers what a lesson holds between photos, not its peak
while a photo is looked at (about 550 MB with faces and writing on a 1000-pixel
picture), so learners looking at photos at the same moment still need that much each;
the libraries' own code (OpenCV, ONNX Runtime, dlib) stays loaded; and outside glibc
(macOS, Windows, musl) the freed memory is returned only as the C library sees fit.

Examples
--------
>>> lean({"SAFETYLAB_LEAN_MEMORY": "1"}), lean({})
(True, False)
>>> network_threads({"SAFETYLAB_LEAN_MEMORY": "1"}), network_threads({})
(1, None)
>>> gives_way(sum, [1, 2, 3])   # not on a class server: simply called
6
>>> release_models() >= 0
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
import threading
from typing import Callable, Mapping, TypeVar

T = TypeVar("T")

__all__ = ["LEAN_ENV", "lean", "network_threads", "gives_way", "GIVE_WAY_NICENESS", "give_the_hub_way",
           "LEARNER_NICENESS", "release_models", "after_learner_photo"]

#: Set to "1" for lean mode (class mode sets it for every learner's server).
LEAN_ENV = "SAFETYLAB_LEAN_MEMORY"


def lean(environ: Mapping[str, str] | None = None) -> bool:
    """Is this lesson in lean mode (``SAFETYLAB_LEAN_MEMORY=1``)?"""
    return (os.environ if environ is None else environ).get(LEAN_ENV, "") == "1"


def network_threads(environ: Mapping[str, str] | None = None) -> int | None:
    """How many threads the face finder and the text reader may each use: 1 in lean mode
    (a shared server, where learners' lessons already keep every core busy), else None (the
    library's own choice: a thread per core)."""
    return 1 if lean(environ) else None


#: How much lower a learner's photo runs on a class server (a Linux nice value added to its thread's).
GIVE_WAY_NICENESS = 10
_give_way_pool = None


def _lower_this_thread() -> None:
    try:  # on Linux, a thread's own id names just that thread
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + GIVE_WAY_NICENESS))
    except (AttributeError, OSError):
        pass


def gives_way(work: Callable[..., T], *args, **kwargs) -> T:
    """``work(*args, **kwargs)``, run in lean mode (a class server, Linux) at a lower processor priority.

    The work runs in one thread kept for it, whose priority is lowered once (nobody may raise
    it again, so the rest of the lesson keeps its own); the caller waits for its result (or its
    exception). With one thread per network (:func:`network_threads`), the face and text models
    run in that thread too. Elsewhere, or outside lean mode, it is simply called.
    """
    global _give_way_pool
    if not (lean() and sys.platform.startswith("linux")):
        return work(*args, **kwargs)
    if _give_way_pool is None:
        from concurrent.futures import ThreadPoolExecutor

        _give_way_pool = ThreadPoolExecutor(1, thread_name_prefix="learner-photo", initializer=_lower_this_thread)
    return _give_way_pool.submit(work, *args, **kwargs).result()


#: How much lower a learner's server and lessons run than the class's hub and proxy (a nice value).
LEARNER_NICENESS = 5


def give_the_hub_way() -> None:
    """Run this learner's server (and the lesson kernels it starts, which inherit it) a little below
    the hub: every learner's join and sign-in passes through the hub's one thread, so when the
    whole class arrives together the hub answers first. Called as a learner's server (or a
    ready one) starts, before it has other threads; a no-op where priorities cannot be set."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), LEARNER_NICENESS))
    except (AttributeError, OSError):
        pass


def release_models() -> int:
    """Let go of the face and text models that are loaded, and give the memory back.

    Only modules already imported are touched (nothing is loaded to be unloaded).

    Returns
    -------
    int
        How many kinds of model were let go of (0, 1 or 2).
    """
    released = 0
    for name, unload in (("safetylab.faces", "unload_models"), ("safetylab.clues", "unload_model")):
        module = sys.modules.get(name)
        if module is not None:
            getattr(module, unload)()
            released += 1
    gc.collect()
    _trim()
    return released


def after_learner_photo() -> bool:
    """What an upload button calls once a learner's photo has been looked at: in lean mode,
    :func:`release_models`. Returns whether it did."""
    if not lean():
        return False
    release_models()
    return True


def _trim() -> None:
    """Hand freed heap memory back to the system (glibc only; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
