"""Shared fixtures: where the real-world corpus is, and how optional tools are required.

Outside CI a missing optional tool (ExifTool, the corpus folder) skips its tests
with the reason; under ``CI=true`` it fails them, so CI can never pass by skipping.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = Path(os.environ.get("SAFETYLAB_TESTDATA", ROOT.parent / "shared" / "testdata"))
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
# Nothing in the test run may rewrite a lesson: a trainer's edit made in JupyterLab
# must survive `make test` (there is no generator). Every lesson file is hashed when
# the run starts and checked when it ends; a change fails the run.
# --------------------------------------------------------------------------- #

def _lesson_hashes() -> dict[str, str]:
    import hashlib

    folder = ROOT / "notebooks"
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
    if changed:
        session.config.get_terminal_writer().line(
            "FAILED: the test run changed lesson files (nothing may regenerate or write into the "
            f"lessons): {', '.join(changed)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
