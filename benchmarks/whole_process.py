"""Whole processes, side by side: ``safetylab`` against ExifTool on the corpus JPEGs.

Both tools are run as a user runs them, one process over every corpus JPEG, and
the runs alternate (safetylab, ExifTool, safetylab, ...) so that both see the same
load on the machine; each figure is the median wall time of ``repeats`` runs after
one untimed run of each (the operating system's file cache and Python's byte code
are then warm for both).

- reading: ``safetylab check --json --no-faces --no-texts FILES`` against
  ``exiftool -j FILES`` (goal: safetylab at least 3x as fast);
- cleaning: ``safetylab scrub -o DIR FILES`` against ``exiftool -all= -o DIR/ FILES``
  (goal: at least as fast), each into a new, empty folder every run.

Run on its own: ``.venv/bin/python benchmarks/whole_process.py``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAIRS = {
    "read": (["check", "--json", "--no-faces", "--no-texts"], ["-j"], 3.0),
    "scrub": (["scrub", "-o", "{out}"], ["-all=", "-o", "{out}/"], 1.0),
}


def _run(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return time.perf_counter() - t0


def compare(safetylab: Path, files: list[Path], tmp: Path, *, repeats: int = 7) -> dict[str, dict]:
    """``{"read"|"scrub": {"safetylab_s", "exiftool_s", "ratio", "goal", "samples"}}``."""
    out = {}
    names = [str(f) for f in files]
    for job, (ours, theirs, goal) in PAIRS.items():
        samples: dict[str, list[float]] = {"safetylab": [], "exiftool": []}
        for i in range(repeats + 1):
            for tool, args, exe in (("safetylab", ours, str(safetylab)), ("exiftool", theirs, "exiftool")):
                folder = tmp / f"{job}-{tool}-{i}"
                folder.mkdir()
                argv = [exe, *(a.format(out=folder) for a in args), *names]
                dt = _run(argv)
                if i:  # the first run of each warms the caches
                    samples[tool].append(dt)
                shutil.rmtree(folder, ignore_errors=True)
        ours_s, theirs_s = statistics.median(samples["safetylab"]), statistics.median(samples["exiftool"])
        out[job] = {"safetylab_s": ours_s, "exiftool_s": theirs_s, "ratio": theirs_s / ours_s,
                    "goal": goal, "files": len(files), "samples": samples}
    return out


if __name__ == "__main__":
    repo = Path(__file__).resolve().parent.parent
    testdata = repo.parent / "shared" / "testdata"
    jpegs = sorted(p for p in testdata.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg")
                   and "malformed" not in p.relative_to(testdata).parts)
    with tempfile.TemporaryDirectory() as d:
        for job, r in compare(Path(sys.executable).with_name("safetylab"), jpegs, Path(d)).items():
            print(f"{job}: safetylab {r['safetylab_s'] * 1000:.0f} ms, exiftool {r['exiftool_s'] * 1000:.0f} ms, "
                  f"{r['ratio']:.2f}x (goal {r['goal']:g}x)")
