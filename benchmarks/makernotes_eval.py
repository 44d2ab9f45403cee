"""Serial numbers and owner names in the corpus: safetylab's readers and exiv2, against ExifTool.

For every file of the real-world corpus (``../shared/testdata``, malformed files
left out), ExifTool (run live: ``exiftool -j -G1 -a -n``) names every tag whose
name holds ``Serial`` or ``OwnerName``: the standard EXIF ones and those in the
makers' private notes (leaving out Canon's SerialNumberFormat, a format code,
and the placeholder owner "unknown"). Each value counts as *found* by a reader when the reader
reports the same text (leading zeros, ``NO=`` and padding aside) anywhere among
its serial numbers or owner names. Two readers are measured:

- safetylab (``metadata.read``): its own byte codecs and maker-note readers;
- exiv2 (the ``exiv2`` Python binding of libexiv2, if installed): every Exif and
  XMP key whose name holds ``Serial`` or ``Owner``.

It prints the agreement per group (ExifIFD, Canon, Sony, ...) and the time each
reader takes over the same files (one process, warm, median of 3).

Run: ``.venv/bin/python benchmarks/makernotes_eval.py`` (``pip install exiv2`` to
include exiv2).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO.parent / "shared" / "testdata"


def norm(value) -> str:
    return str(value).replace("NO=", "").strip(" \x00#").lstrip("0").upper()


def corpus() -> list[Path]:
    return sorted(p for p in TESTDATA.rglob("*") if p.is_file() and p.suffix.lower() not in (".json", ".tsv", ".md")
                  and "malformed" not in p.relative_to(TESTDATA).parts)


def exiftool_truth(files: list[Path]) -> dict[Path, list[tuple[str, str]]]:
    """``{file: [(group:tag, value)]}`` for every serial-number and owner tag ExifTool finds."""
    proc = subprocess.run(["exiftool", "-j", "-G1", "-a", "-n", "-*Serial*", "-*OwnerName*", "-Owner",
                           *map(str, files)], capture_output=True, text=True, timeout=600)
    out: dict[Path, list[tuple[str, str]]] = {}
    for e in json.loads(proc.stdout or "[]"):
        tags = [(k, v) for k, v in e.items() if k != "SourceFile" and norm(v) not in ("0", "", "UNKNOWN")
                and not k.endswith("SerialNumberFormat")]  # a format code, not a serial number
        if tags:
            out[Path(e["SourceFile"])] = tags
    return out


def ours(path: Path) -> set[str]:
    from safetylab.metadata import read

    try:
        md = read(path, compare_thumbnail=False)
    except Exception:  # noqa: BLE001 - a refused file finds nothing
        return set()
    cam = md.camera
    found = {norm(v) for v in (cam.serial, cam.lens_serial, cam.internal_serial) if v}
    for v in md.owners.values():
        found.update(norm(x) for x in v.split("; "))
    return found


def exiv2_read(path: Path) -> set[str]:
    import exiv2

    try:
        image = exiv2.ImageFactory.open(str(path))
        image.readMetadata()
    except Exception:  # noqa: BLE001 - exiv2 refuses the file
        return set()
    found = set()
    for data in (image.exifData(), image.xmpData()):
        for datum in data:
            key = datum.key()
            if "Serial" in key or "Owner" in key:
                found.add(norm(datum.toString()))
    return found


def _exiv2_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("exiv2") is not None


def evaluate() -> dict:
    files = corpus()
    truth = exiftool_truth(files)
    readers = {"safetylab": ours}
    if _exiv2_available():
        import exiv2

        exiv2.LogMsg.setLevel(exiv2.LogMsg.Level.mute)
        readers["exiv2"] = exiv2_read
    per_group: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    missed: dict[str, list[str]] = defaultdict(list)
    for path, tags in truth.items():
        seen = {name: fn(path) for name, fn in readers.items()}
        for key, value in tags:
            group = key.partition(":")[0]
            for name in readers:
                hit = norm(value) in seen[name]
                per_group[group][name][0] += hit
                per_group[group][name][1] += 1
                if not hit:
                    missed[name].append(f"{path.relative_to(TESTDATA)} {key}={value}")
    timing = {}
    for name, fn in readers.items():
        for f in files:  # warm: imports, plugins, file cache
            fn(f)
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            for f in files:
                fn(f)
            runs.append(time.perf_counter() - t0)
        timing[name] = statistics.median(runs)
    totals = {name: [sum(g[name][0] for g in per_group.values()), sum(g[name][1] for g in per_group.values())]
              for name in readers}
    return {"files": len(files), "groups": {g: dict(v) for g, v in per_group.items()}, "totals": totals,
            "seconds": timing, "missed": dict(missed)}


if __name__ == "__main__":
    r = evaluate()
    names = list(r["totals"])
    print(f"{r['files']} corpus files; tags with a serial number or an owner's name, as ExifTool finds them")
    print(f"{'group':<16}" + "".join(f"{n:>14}" for n in names))
    for group, counts in sorted(r["groups"].items()):
        print(f"{group:<16}" + "".join(f"{counts[n][0]:>8}/{counts[n][1]:<5}" for n in names))
    print(f"{'all':<16}" + "".join(f"{r['totals'][n][0]:>8}/{r['totals'][n][1]:<5}" for n in names))
    print("time over all files (warm, median of 3): " + ", ".join(
        f"{n} {r['seconds'][n] * 1000:.0f} ms" for n in names))
    if "-v" in sys.argv:
        for n, lines in r["missed"].items():
            print(f"\n{n} missed:")
            print("\n".join("  " + ln for ln in lines))
