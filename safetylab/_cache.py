"""What every learner gets the same, worked out once and kept: so a lesson opens in seconds.

The lessons show the same demonstrations to everyone: the faces in the sample
photos, the writing a text reader finds in a drawn street, the fingerprints of
the made-up gallery of 240 profiles, how well a search finds them, the maps and
previews drawn of the course's photos. Working these out takes the face and text
models (hundreds of MB) and many seconds. They are
worked out once, when learner mode starts (:func:`fill`, in the background), and
kept as small JSON files in the user's cache folder
(``$SAFETYLAB_CACHE_DIR``, else ``~/.cache/safetylab`` or the platform's cache
folder). A lesson then reads them instead of loading a model or drawing a figure.

Rules that keep this safe:

- **Only the course's own pictures are ever written.** :func:`remember` writes
  only while :func:`fill` runs the lessons (the environment variable
  ``SAFETYLAB_CACHE_FILL`` is set for that run alone), with no learner there.
  In a lesson it only reads: a learner's photo is looked up (by a fingerprint of
  its pixels, in memory) and, not being there, worked out as usual and never
  written.
- **Verified.** Each file holds its value and the SHA-256 of that value; a file
  that does not match, cannot be read or is not valid is ignored (and the
  value worked out as usual).
- **Can be switched off**: ``SAFETYLAB_CACHE=off`` works everything out every time.
- **Never stale.** Every key includes a fingerprint of this safetylab (its code,
  data and model files) and of the libraries whose results could differ
  (NumPy, Pillow, Matplotlib, OpenCV, ONNX Runtime, dlib, RapidOCR): after an update the old
  entries are simply not found, and :func:`fill` deletes them.

What this does not protect against: anyone who can write to your own cache
folder could change a demonstration's result (as they could change the course's
files); it never holds a learner's photo or anything about one.

Examples
--------
>>> import tempfile, os
>>> os.environ["SAFETYLAB_CACHE_DIR"] = tempfile.mkdtemp()
>>> remember("demo", key("a", 1), lambda: {"answer": 42})   # not filling: worked out, not written
{'answer': 42}
>>> list(folder().glob("*.json"))
[]
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, TypeVar

__all__ = ["folder", "key", "remember", "filling", "code_fingerprint", "fill", "is_filled", "FILL_ENV"]

T = TypeVar("T")
#: Set (to "1") in the environment of the one run that fills the cache.
FILL_ENV = "SAFETYLAB_CACHE_FILL"
_LIBRARIES = ("numpy", "pillow", "matplotlib", "opencv-python-headless", "opencv-python", "onnxruntime", "dlib",
              "rapidocr", "scikit-image")
_DONE = "complete.json"
#: The course packs the lessons use (safetylab._datafile.PACK_ENV; not imported, to keep this light).
_PACK_ENV = "SAFETYLAB_PACK"
#: Modules that only serve or start the lessons: they change no result kept here (nor does class mode, classroom/).
_FRONT_ENDS = frozenset({"app.py", "lab.py", "cli.py", "__main__.py"})


def _base() -> Path:
    given = os.environ.get("SAFETYLAB_CACHE_DIR")
    if given:
        return Path(given)
    if sys.platform == "win32":
        root = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(root) / "safetylab" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "safetylab"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "safetylab"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A fingerprint of this safetylab and the libraries its demonstrations depend on.

    Its code and data files are read whole; model files (large) by name and size. The
    lessons' text and learner mode's page are left out: they change no result.
    """
    from importlib import metadata

    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(package).as_posix()
        if not (path.suffix == ".py" or rel.startswith("data/")) or rel.startswith(("data/app/", "classroom/")) \
                or rel in _FRONT_ENDS:
            continue  # the lessons' text, learner mode's page and the commands change no result
        h.update(rel.encode())
        if path.suffix in (".py", ".json", ".txt", ".md") and path.stat().st_size < 2_000_000:
            h.update(path.read_bytes())
        else:
            h.update(str(path.stat().st_size).encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none".encode())
    return h.hexdigest()[:20]


def folder() -> Path:
    """Where this safetylab's entries are kept (one folder per :func:`code_fingerprint`)."""
    return _base() / code_fingerprint()


def filling() -> bool:
    """Is this the run that fills the cache (and the only one that may write to it)?"""
    return os.environ.get(FILL_ENV) == "1"


def _feed(h, part: Any) -> None:
    if hasattr(part, "tobytes") and hasattr(part, "mode") and hasattr(part, "size"):  # a PIL image
        h.update(f"image:{part.mode}:{part.size}:".encode())
        h.update(part.tobytes())
    elif hasattr(part, "tobytes") and hasattr(part, "dtype"):  # a numpy array
        h.update(f"array:{part.dtype}:{part.shape}:".encode())
        h.update(part.tobytes())
    elif isinstance(part, (bytes, bytearray)):
        h.update(b"bytes:" + bytes(part))
    else:
        h.update(("json:" + json.dumps(part, sort_keys=True, default=repr)).encode())
    h.update(b"\x00")


def key(*parts: Any) -> str:
    """A fingerprint of what a result depends on: pictures (their pixels), arrays, bytes, plain values.

    Examples
    --------
    >>> key("faces", 0.5) == key("faces", 0.5), key("faces", 0.5) == key("faces", 0.6)
    (True, False)
    """
    h = hashlib.sha256()
    for part in parts:
        _feed(h, part)
    return h.hexdigest()[:32]


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _read(path: Path) -> tuple[bool, Any]:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 20_000_000:
            return False, None
        record = json.loads(path.read_text(encoding="utf-8"))
        value = record["value"]
        if record.get("sha256") != _digest(value):
            return False, None
        return True, value
    except (OSError, ValueError, KeyError, TypeError):
        return False, None


def _write(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with open(fd, "w", encoding="utf-8") as fh:
            json.dump({"sha256": _digest(value), "value": value}, fh, sort_keys=True)
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk: the lesson still works, only slower next time
        pass


def remember(kind: str, entry: str, compute: Callable[[], T],
             encode: Callable[[T], Any] = lambda v: v, decode: Callable[[Any], T] = lambda v: v) -> T:
    """The value kept for ``(kind, entry)``, else ``compute()`` (kept only while filling).

    Parameters
    ----------
    kind : str
        What it is ("faces", "text", ...): part of the file name.
    entry : str
        A :func:`key` of everything the value depends on.
    compute : callable
        Works the value out.
    encode, decode : callable
        To and from JSON values (lists, dicts, numbers, strings).
    """
    if os.environ.get("SAFETYLAB_CACHE") == "off":
        return compute()
    path = folder() / f"{kind}-{entry}.json"
    found, raw = _read(path)
    if found:
        try:
            return decode(raw)
        except (ValueError, KeyError, TypeError, IndexError):
            pass
    value = compute()
    if filling():
        _write(path, encode(value))
    return value


def is_filled() -> bool:
    """Has :func:`fill` completed for this safetylab (and these libraries)?"""
    found, value = _read(folder() / _DONE)
    return found and value.get("fingerprint") == code_fingerprint()


def fill(lessons: str | os.PathLike | None = None, *, timeout: float = 900) -> dict:
    """Run every lesson once, with no learner, keeping what it works out for everyone.

    Each lesson notebook (its learner cells) runs in a kernel of its own with
    :data:`FILL_ENV` set and no course pack; entries of older safetylab versions
    are deleted.

    Parameters
    ----------
    lessons : path-like, optional
        The lessons folder (default: the course's, :func:`safetylab.course.lessons_dir`).
    timeout : float
        Seconds a cell may take.

    Returns
    -------
    dict
        ``{"folder": ..., "lessons": {name: "ok" | one-line problem}, "seconds": ...}``.
    """
    import shutil
    import time

    import nbformat
    from nbclient import NotebookClient

    from .course import LESSON_GLOB, lessons_dir
    from .lesson_sources import learner_cells

    started = time.perf_counter()
    source = Path(lessons) if lessons is not None else lessons_dir()
    here = folder()
    for old in _base().glob("*"):  # other versions' entries
        if old.is_dir() and old.name != here.name and len(old.name) == 20:
            shutil.rmtree(old, ignore_errors=True)
    outcome: dict[str, str] = {}
    saved = os.environ.get(FILL_ENV)
    os.environ[FILL_ENV] = "1"
    # only the course's own items: a trainer's course pack (its pictures, profiles, scenes)
    # is left out of this run, and worked out in the lessons that use it
    saved_pack = os.environ.pop(_PACK_ENV, None)
    try:
        with tempfile.TemporaryDirectory(prefix="safetylab-fill-") as work:
            for nb_path in sorted(source.glob(LESSON_GLOB)):
                nb = nbformat.read(nb_path, as_version=4)
                nb.cells = learner_cells(nb.cells)
                client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                        resources={"metadata": {"path": work}})
                try:
                    client.execute()
                    outcome[nb_path.name] = "ok"
                except Exception as e:  # noqa: BLE001 - one line per lesson, the others go on
                    outcome[nb_path.name] = f"{type(e).__name__}: {str(e).strip().splitlines()[-1][:200]}"
    finally:
        if saved is None:
            os.environ.pop(FILL_ENV, None)
        else:
            os.environ[FILL_ENV] = saved
        if saved_pack is not None:
            os.environ[_PACK_ENV] = saved_pack
    result = {"folder": str(here), "lessons": outcome, "seconds": round(time.perf_counter() - started, 1)}
    if all(v == "ok" for v in outcome.values()):
        _write(here / _DONE, {"fingerprint": code_fingerprint(), "lessons": sorted(outcome)})
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m safetylab._cache [LESSONS]``: fill the cache, one line per lesson."""
    import signal

    argv = sys.argv[1:] if argv is None else argv
    # stopped with learner mode: end the way an error does, so the lesson kernels are shut down too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    result = fill(argv[0] if argv else None)
    for name, state in result["lessons"].items():
        print(f"{name}: {state}")
    print(f"safetylab: demonstrations kept in {result['folder']} ({result['seconds']} s)")
    return 0 if all(v == "ok" for v in result["lessons"].values()) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
