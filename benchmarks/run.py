"""safetylab benchmarks: speed against ExifTool, and the project's own speed goals.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py`` from the repo).
Prints one table and writes the same figures to ``bench-results/bench.json``.
See ``benchmarks/README.md`` for what each row measures and how to read it.

Exit status: 0 when every correctness check passed (even if a speed goal was
missed -- the table then says "no"); 1 when a correctness check failed (a
scrubbed JPEG whose pixels differ from the original, or a safetylab call that
crashed with something other than ``SafetyLabError``); 2 when the benchmark
cannot run at all (no ExifTool, no test images).
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO.parent / "shared" / "testdata"
RESULTS = REPO / "bench-results" / "bench.json"
VENV_BIN = Path(sys.executable).parent
SAFETYLAB_CMD = VENV_BIN / "safetylab"
JPEG_SUFFIXES = {".jpg", ".jpeg"}
SUBPROCESS_TIMEOUT = 120  # seconds; no single process here should come close

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for photo12mp

import numpy as np  # noqa: E402
import PIL  # noqa: E402
from PIL import Image  # noqa: E402

import safetylab  # noqa: E402
import safetylab.metadata  # noqa: E402
import safetylab.report  # noqa: E402
import safetylab.scrub  # noqa: E402
from photo12mp import make_12mp_jpeg  # noqa: E402
from safetylab import SafetyLabError  # noqa: E402


# --------------------------------------------------------------------------- results

@dataclass
class Row:
    id: str
    what: str
    safetylab: str
    comparison: str
    ratio: str
    goal: str
    met: bool | None  # None: no goal for this row
    figures: dict = field(default_factory=dict)


ROWS: list[Row] = []
FAILURES: list[str] = []  # correctness failures: any one makes the exit status 1
NOTES: list[str] = []


def fail(msg: str) -> None:
    FAILURES.append(msg)
    print(f"  CORRECTNESS FAILURE: {msg}", flush=True)


def note(msg: str) -> None:
    NOTES.append(msg)


# --------------------------------------------------------------------------- timing helpers

def ms(seconds: float) -> float:
    return seconds * 1000.0


def fmt_ms(value_ms: float) -> str:
    if value_ms >= 10_000:
        return f"{value_ms / 1000:.1f} s"
    if value_ms >= 100:
        return f"{value_ms:.0f} ms"
    if value_ms >= 10:
        return f"{value_ms:.1f} ms"
    return f"{value_ms:.2f} ms"


def speedup(safetylab_ms: float, other_ms: float) -> str:
    """'3.4x faster' (or '0.5x = slower') -- how many times less time safetylab took."""
    r = other_ms / safetylab_ms if safetylab_ms > 0 else float("inf")
    return f"{r:.1f}x faster" if r >= 1 else f"{r:.2f}x (slower)"


def median_ms(samples_s: list[float]) -> float:
    return ms(statistics.median(samples_s))


def time_process(argv: list[str], *, cwd: Path | None = None, check_rc: bool = True,
                 label: str = "") -> tuple[float, subprocess.CompletedProcess]:
    """Wall time of one whole process (start to exit), in seconds."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=SUBPROCESS_TIMEOUT)
    dt = time.perf_counter() - t0
    if check_rc and proc.returncode != 0:
        raise RuntimeError(f"{label or argv[0]} exited with {proc.returncode}: "
                           f"{proc.stderr.decode(errors='replace').strip()[-500:]}")
    return dt, proc


def guarded(label: str, fn, *args, **kw):
    """Call a safetylab function: SafetyLabError passes through, anything else is a crash."""
    try:
        return fn(*args, **kw)
    except SafetyLabError:
        raise
    except Exception as e:  # noqa: BLE001 - a crash is exactly what we are looking for
        fail(f"{label} crashed with {type(e).__name__}: {e}")
        traceback.print_exc()
        raise _Crashed() from e


class _Crashed(Exception):
    """A safetylab call crashed (already recorded by fail())."""


# --------------------------------------------------------------------------- inputs

def corpus_jpegs() -> list[Path]:
    files = [p for p in TESTDATA.rglob("*")
             if p.is_file() and p.suffix.lower() in JPEG_SUFFIXES
             and "malformed" not in p.relative_to(TESTDATA).parts]
    return sorted(files)


def machine_info() -> dict:
    exiftool_ver = subprocess.run(["exiftool", "-ver"], capture_output=True, text=True,
                                  timeout=30).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "exiftool": exiftool_ver,
        "safetylab": safetylab.__version__,
        "load_average_at_start": _loadavg(),
    }


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


# --------------------------------------------------------------------------- 1 & 2: metadata read

def bench_read_corpus(files: list[Path]) -> None:
    print(f"[1] metadata read: {len(files)} corpus JPEGs ...", flush=True)
    refused: dict[str, str] = {}

    def batch(**options) -> None:
        for f in files:
            try:
                guarded(f"metadata.read({f.name})", safetylab.metadata.read, f, **options)
            except SafetyLabError as e:
                refused[f.name] = str(e)

    batch()  # untimed warm-up: imports, Pillow plugins, OS file cache
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        batch()
        samples.append(time.perf_counter() - t0)
    sl_ms = median_ms(samples)
    # For the reader of the table: the same batch without decoding each main picture
    # to compare it with its embedded thumbnail (read(..., compare_thumbnail=False)).
    fast = []
    for _ in range(5):
        t0 = time.perf_counter()
        batch(compare_thumbnail=False)
        fast.append(time.perf_counter() - t0)
    fast_ms = median_ms(fast)

    argv = ["exiftool", "-j", "-n", "-G1", *map(str, files)]
    et_samples = []
    for _ in range(3):
        dt, proc = time_process(argv, check_rc=False, label="exiftool")
        et_samples.append(dt)
    try:
        n_et = len(json.loads(proc.stdout))
    except ValueError:
        n_et = -1
    if n_et != len(files):
        note(f"row 1: exiftool reported {n_et} of {len(files)} files")
    et_ms = ms(min(et_samples))
    if refused:
        note(f"row 1: metadata.read refused {len(refused)} corpus JPEG(s): " + ", ".join(sorted(refused)))
    per = sl_ms / len(files)
    ratio = et_ms / sl_ms
    ROWS.append(Row(
        "read_corpus", f"Metadata read, {len(files)} corpus JPEGs (1 process)",
        f"{fmt_ms(sl_ms)} ({fmt_ms(per)}/file)",
        f"exiftool {fmt_ms(et_ms)} ({fmt_ms(et_ms / len(files))}/file)",
        speedup(sl_ms, et_ms), ">= 3x faster", ratio >= 3.0,
        {"files": len(files), "safetylab_ms_median_of_5": sl_ms, "safetylab_per_file_ms": per,
         "safetylab_samples_ms": [ms(s) for s in samples], "exiftool_ms_best_of_3": et_ms,
         "exiftool_samples_ms": [ms(s) for s in et_samples], "ratio": ratio,
         "refused": refused, "exiftool_files_reported": n_et}))
    ROWS.append(Row(
        "read_corpus_no_thumb_compare", "  (info) same, compare_thumbnail=False",
        f"{fmt_ms(fast_ms)} ({fmt_ms(fast_ms / len(files))}/file)", f"exiftool {fmt_ms(et_ms)}",
        speedup(fast_ms, et_ms), "-", None,
        {"safetylab_ms_median_of_5": fast_ms, "samples_ms": [ms(s) for s in fast],
         "ratio": et_ms / fast_ms}))


def bench_read_12mp(photo: Path) -> float:
    print("[2] metadata read: 12-MP JPEG ...", flush=True)
    for _ in range(2):
        guarded("metadata.read(12mp)", safetylab.metadata.read, photo)
    samples = []
    for _ in range(15):
        t0 = time.perf_counter()
        guarded("metadata.read(12mp)", safetylab.metadata.read, photo)
        samples.append(time.perf_counter() - t0)
    sl_ms = median_ms(samples)
    fast = []
    for _ in range(15):
        t0 = time.perf_counter()
        guarded("metadata.read(12mp)", safetylab.metadata.read, photo, compare_thumbnail=False)
        fast.append(time.perf_counter() - t0)
    fast_ms = median_ms(fast)
    et_samples = [time_process(["exiftool", "-j", "-n", "-G1", str(photo)], label="exiftool")[0]
                  for _ in range(5)]
    et_ms = median_ms(et_samples)
    ratio = et_ms / sl_ms
    ROWS.append(Row(
        "read_12mp", "Metadata read, 12-MP JPEG", f"{fmt_ms(sl_ms)} (median of 15, warm)",
        f"exiftool {fmt_ms(et_ms)} (process, median of 5)", speedup(sl_ms, et_ms),
        ">= 3x faster", ratio >= 3.0,
        {"safetylab_ms_median": sl_ms, "safetylab_samples_ms": [ms(s) for s in samples],
         "exiftool_ms_median": et_ms, "exiftool_samples_ms": [ms(s) for s in et_samples],
         "ratio": ratio}))
    ROWS.append(Row(
        "read_12mp_no_thumb_compare", "  (info) same, compare_thumbnail=False",
        f"{fmt_ms(fast_ms)} (median of 15, warm)", f"exiftool {fmt_ms(et_ms)}",
        speedup(fast_ms, et_ms), "-", None,
        {"safetylab_ms_median": fast_ms, "samples_ms": [ms(s) for s in fast], "ratio": et_ms / fast_ms}))
    return et_ms


# --------------------------------------------------------------------------- 3 & 4: scrub

def _scrub_all(files: list[Path], out_dir: Path) -> dict[Path, safetylab.scrub.ScrubResult]:
    results = {}
    for f in files:
        results[f] = guarded(f"scrub({f.name})", safetylab.scrub.scrub, f, out_dir)
    return results


def _pixels_equal(original: Path, clean: Path) -> bool | None:
    """True/False; None when Pillow cannot decode the original itself."""
    try:
        with Image.open(original) as im:
            a = np.asarray(im.convert("RGB"))
    except Exception:  # noqa: BLE001 - an original Pillow cannot decode is not comparable
        return None
    try:
        with Image.open(clean) as im:
            b = np.asarray(im.convert("RGB"))
    except Exception:  # noqa: BLE001 - the original decodes but the clean copy does not
        return False
    return a.shape == b.shape and bool(np.array_equal(a, b))


def verify_pixels(pairs: list[tuple[Path, Path]], label: str) -> dict:
    changed, undecodable = [], []
    for original, clean in pairs:
        same = _pixels_equal(original, clean)
        if same is None:
            undecodable.append(original.name)
        elif not same:
            changed.append(original.name)
    if changed:
        fail(f"{label}: pixels changed in {len(changed)} file(s): {', '.join(changed)}")
    if undecodable:
        note(f"{label}: Pillow cannot decode {len(undecodable)} original(s), pixels not compared: "
             + ", ".join(undecodable))
    return {"compared": len(pairs) - len(undecodable), "changed": changed, "not_decodable": undecodable}


def bench_scrub_corpus(files: list[Path], tmp: Path) -> dict:
    print("[3] scrub: corpus JPEGs ...", flush=True)
    accepted: list[Path] = []
    refused: dict[str, str] = {}
    first_out = tmp / "scrub-corpus-check"
    first: dict[Path, safetylab.scrub.ScrubResult] = {}
    for f in files:  # untimed pass: which files are accepted, and outputs to verify
        try:
            first[f] = guarded(f"scrub({f.name})", safetylab.scrub.scrub, f, first_out)
            accepted.append(f)
        except SafetyLabError as e:
            refused[f.name] = str(e)
        except _Crashed:
            pass
    if refused:
        note(f"row 3: scrub refused {len(refused)} corpus JPEG(s) (SafetyLabError), left out of both "
             "timings: " + "; ".join(f"{k}: {v}" for k, v in sorted(refused.items())))
    not_clean = sorted(f.name for f, r in first.items() if not r.clean)
    if not_clean:
        note(f"row 3: scrub reported something still present in {len(not_clean)} file(s): "
             + ", ".join(not_clean))

    samples = []
    for i in range(5):
        out = tmp / f"scrub-corpus-{i}"
        t0 = time.perf_counter()
        try:
            _scrub_all(accepted, out)
        except (SafetyLabError, _Crashed) as e:
            if isinstance(e, SafetyLabError):
                fail(f"scrub refused a file it accepted a moment before: {e}")
            break
        samples.append(time.perf_counter() - t0)
        shutil.rmtree(out, ignore_errors=True)
    sl_ms = median_ms(samples) if samples else float("nan")

    et_samples = []
    et_rc = None
    for i in range(5):
        out = tmp / f"exiftool-corpus-{i}"
        out.mkdir()
        dt, proc = time_process(["exiftool", "-all=", "-o", f"{out}/", *map(str, accepted)],
                                check_rc=False, label="exiftool -all=")
        et_rc = proc.returncode
        written = len(list(out.iterdir()))
        et_samples.append(dt)
        shutil.rmtree(out, ignore_errors=True)
    if et_rc != 0 or written != len(accepted):
        note(f"row 3: exiftool -all= exited {et_rc} and wrote {written} of {len(accepted)} files")
    et_ms = median_ms(et_samples)

    pixels = verify_pixels([(f, Path(first[f].output)) for f in accepted], "scrub corpus")
    ratio = et_ms / sl_ms if samples else float("nan")
    ROWS.append(Row(
        "scrub_corpus", f"Scrub, {len(accepted)} corpus JPEGs (1 process)",
        f"{fmt_ms(sl_ms)} ({fmt_ms(sl_ms / max(1, len(accepted)))}/file)",
        f"exiftool -all= {fmt_ms(et_ms)}", speedup(sl_ms, et_ms), "faster",
        bool(samples) and ratio > 1.0,
        {"files": len(accepted), "refused": refused, "safetylab_ms_median_of_5": sl_ms,
         "safetylab_samples_ms": [ms(s) for s in samples], "exiftool_ms_median_of_5": et_ms,
         "exiftool_samples_ms": [ms(s) for s in et_samples], "exiftool_written": written,
         "ratio": ratio, "pixel_check": pixels, "not_clean": not_clean}))
    return pixels


def bench_scrub_12mp(photo: Path, tmp: Path) -> dict:
    print("[4] scrub: 12-MP JPEG ...", flush=True)
    out0 = tmp / "scrub-12mp-check"
    res = guarded("scrub(12mp)", safetylab.scrub.scrub, photo, out0)
    if not res.clean:
        note(f"row 4: scrub says something is still present in the 12-MP photo: {res.remaining}")
    samples = []
    for i in range(7):
        out = tmp / f"scrub-12mp-{i}"
        t0 = time.perf_counter()
        guarded("scrub(12mp)", safetylab.scrub.scrub, photo, out)
        samples.append(time.perf_counter() - t0)
        shutil.rmtree(out, ignore_errors=True)
    sl_ms = median_ms(samples)
    et_samples = []
    for i in range(7):
        out = tmp / f"exiftool-12mp-{i}"
        out.mkdir()
        et_samples.append(time_process(["exiftool", "-all=", "-o", f"{out}/", str(photo)],
                                       label="exiftool -all=")[0])
        shutil.rmtree(out, ignore_errors=True)
    et_ms = median_ms(et_samples)
    pixels = verify_pixels([(photo, Path(res.output))], "scrub 12-MP")
    ratio = et_ms / sl_ms
    ROWS.append(Row(
        "scrub_12mp", "Scrub, 12-MP JPEG", f"{fmt_ms(sl_ms)} (median of 7)",
        f"exiftool -all= {fmt_ms(et_ms)} (median of 7)", speedup(sl_ms, et_ms), "faster",
        ratio > 1.0,
        {"safetylab_ms_median": sl_ms, "safetylab_samples_ms": [ms(s) for s in samples],
         "exiftool_ms_median": et_ms, "exiftool_samples_ms": [ms(s) for s in et_samples],
         "ratio": ratio, "pixel_check": pixels, "removed": res.removed, "remaining": res.remaining}))
    return pixels


# --------------------------------------------------------------------------- 5: check in-process

def bench_check_warm(photo: Path) -> None:
    print("[5] check in-process, warm: 12-MP JPEG ...", flush=True)
    for _ in range(2):
        guarded("report.check(12mp)", safetylab.report.check, photo, faces=False, texts=False)
    samples = []
    for _ in range(25):
        t0 = time.perf_counter()
        rep = guarded("report.check(12mp)", safetylab.report.check, photo, faces=False, texts=False)
        samples.append(time.perf_counter() - t0)
    sl_ms = median_ms(samples)
    if rep.width != 4032 or rep.height != 3024 or rep.gps is None:
        fail(f"report.check(12mp) misread the photo: {rep.width}x{rep.height}, gps={rep.gps}")
    ROWS.append(Row(
        "check_warm", "check() of 12-MP JPEG, file report only (no faces, texts), warm", f"{fmt_ms(sl_ms)} (median of 25)",
        "-", "-", "< 150 ms", sl_ms < 150.0,
        {"safetylab_ms_median": sl_ms, "samples_ms": [ms(s) for s in samples],
         "max_ms": ms(max(samples)), "min_ms": ms(min(samples))}))


# --------------------------------------------------------------------------- 6: cold CLI

def bench_check_cold(photo: Path, exiftool_one_ms: float) -> None:
    for args, rid, label in ((["check"], "check_cold", "cold `safetylab check` (whole process)"),
                             (["check", "--json"], "check_cold_json",
                              "cold `safetylab check --json` (whole process)")):
        print(f"[6] {label} ...", flush=True)
        argv = [str(SAFETYLAB_CMD), *args, str(photo)]
        samples = []
        proc = None
        try:
            time_process(argv, cwd=REPO, label="safetylab")  # untimed: byte-code already compiled
            for _ in range(5):
                dt, proc = time_process(argv, cwd=REPO, label="safetylab")
                samples.append(dt)
        except RuntimeError as e:
            fail(f"{label}: {e}")
            continue
        if b"Traceback" in proc.stderr:
            fail(f"{label} printed a traceback: {proc.stderr.decode(errors='replace')[-400:]}")
        if "--json" in args:
            try:
                out = json.loads(proc.stdout)
                out = out[0] if isinstance(out, list) else out
                if out.get("width") != 4032 or out.get("gps") is None:
                    fail(f"{label}: unexpected JSON ({out.get('width')} wide, gps={out.get('gps')})")
            except ValueError as e:
                fail(f"{label}: output is not JSON ({e})")
        sl_ms = median_ms(samples)
        ROWS.append(Row(
            rid, label.replace("`", ""), f"{fmt_ms(sl_ms)} (median of 5)",
            f"(exiftool 1 file {fmt_ms(exiftool_one_ms)})", "-", "< 1.5 s", sl_ms < 1500.0,
            {"safetylab_ms_median": sl_ms, "samples_ms": [ms(s) for s in samples],
             "exiftool_one_file_ms": exiftool_one_ms}))


# --------------------------------------------------------------------------- 7: import

def bench_import() -> None:
    print("[7] import safetylab in a fresh process ...", flush=True)
    py = sys.executable
    time_process([py, "-c", "import safetylab"], cwd=REPO, label="python")  # untimed
    imp = [time_process([py, "-c", "import safetylab"], cwd=REPO, label="python")[0] for _ in range(5)]
    bare = [time_process([py, "-c", "pass"], cwd=REPO, label="python")[0] for _ in range(5)]
    imp_ms, bare_ms = median_ms(imp), median_ms(bare)
    net = imp_ms - bare_ms
    ROWS.append(Row(
        "import", "import safetylab (fresh process, minus bare python)",
        f"{fmt_ms(net)} (raw {fmt_ms(imp_ms)})", f"python -c pass {fmt_ms(bare_ms)}", "-",
        "< 0.3 s", net < 300.0,
        {"net_ms": net, "import_ms_median": imp_ms, "bare_python_ms_median": bare_ms,
         "import_samples_ms": [ms(s) for s in imp], "bare_samples_ms": [ms(s) for s in bare]}))


# --------------------------------------------------------------------------- output

HEADERS = ("what", "safetylab", "comparison", "ratio", "goal", "met?")


def bench_hash_search() -> None:
    """Issue 3: one search of 100,000 PDQ hashes (checked against a brute-force reference)."""
    print("[8] hash search: 100,000 PDQ hashes ...", flush=True)
    from hash_search import bench_search

    r = bench_search(100_000)
    if not r["correct"]:
        fail("hash search returned different profiles from the brute-force reference")
    ROWS.append(Row("hash_search", "Search of 100,000 PDQ hashes (top 10)",
                    f"{fmt_ms(r['median_ms'])} (median)", "-", "-", f"< {r['goal_ms']:.0f} ms",
                    r["met"], r))


def bench_faces() -> None:
    """Issue 3: face detection vs deface (the anchor), same images: recall, false alarms, 12-MP time."""
    print("[9] face detection vs deface (this takes about a minute) ...", flush=True)
    from faces_eval import compare

    results = {r.name: r for r in compare(only=["safetylab detect", "deface CenterFace (cv2"])}
    ours = results.get("safetylab detect (default)")
    anchor = next((r for n, r in results.items() if n.startswith("deface")), None)
    if ours is None:
        fail("face detection benchmark did not run")
        return
    if anchor is None:
        note("deface is not installed (make bench installs it): no anchor for face detection")

    def desc(r):
        return (f"{r.ms_12mp:.0f} ms 12-MP; recall {r.found}/{r.total}, "
                f"{r.false_faces} false, {r.nofaces} on nofaces")

    ratio = anchor.ms_12mp / ours.ms_12mp if anchor else None
    met = (ours.ms_12mp < 200 and ratio is not None and ratio >= 10 and ours.found >= anchor.found
           and ours.found / ours.total >= 0.9)
    ROWS.append(Row("faces_12mp", "Face detection, 12-MP photo, warm (median)", desc(ours),
                    f"deface {desc(anchor)}" if anchor else "deface: not installed",
                    f"{ratio:.1f}x faster" if ratio else "-",
                    "< 200 ms, >= 10x, recall >= deface", met,
                    {"safetylab": ours.__dict__, "deface": anchor.__dict__ if anchor else None}))
    ROWS.append(Row("faces_group", "  (info) 12-MP group photo, 19 faces",
                    f"{ours.ms_12mp_group:.0f} ms, {ours.group_found}/{ours.group_total} found",
                    f"deface {anchor.ms_12mp_group:.0f} ms, {anchor.group_found}/{anchor.group_total}"
                    if anchor else "-", "-", "-", None))


def bench_check_faces(photo: Path) -> None:
    """Issue 3: the whole pre-send check, faces included, on the 12-MP photo."""
    print("[10] check() with faces, 12-MP JPEG ...", flush=True)
    for _ in range(2):
        guarded("check(12mp)", safetylab.report.check, photo, texts=False)
    samples = []
    for _ in range(15):
        t0 = time.perf_counter()
        rep = guarded("check(12mp)", safetylab.report.check, photo, texts=False)
        samples.append(time.perf_counter() - t0)
    if rep.faces is None:
        fail("check() did not look for faces")
    med = median_ms(samples)
    ROWS.append(Row("check_faces", "check(texts=False) with faces, 12-MP JPEG, warm", f"{fmt_ms(med)} (median of 15)",
                    "-", "-", "< 300 ms", med < 300, {"samples_ms": [ms(s) for s in samples]}))


def bench_permanence_widgets() -> None:
    """Issue 5: one slider update of the forwarding plot, and one capture."""
    print("[11] lesson 4 widgets: forwarding slider, capture ...", flush=True)
    from permanence_bench import bench_permanence

    r = bench_permanence()
    if not r.get("correct", False):
        fail("the lesson-4 benchmark's own checks failed")
    ROWS.append(Row("forwarding_slider", "Forwarding plot: one slider update", f"{fmt_ms(r['slider_ms'])} (median)",
                    "-", "-", "< 100 ms", r["slider_ms"] < 100, r))
    ROWS.append(Row("capture", "Second-phone capture + link check (no face)", f"{fmt_ms(r['capture_ms'])} (median)",
                    "-", "-", "< 100 ms", r["capture_ms"] < 100, {}))
    if "capture_face_ms" in r:
        ROWS.append(Row("capture_face", "  (info) same, photo with a face", f"{fmt_ms(r['capture_face_ms'])}",
                        "-", "-", "-", None, {}))


def bench_clue_hints() -> None:
    """Issue 4: automatic hints on the scenes' text clues: hit rate and time per scene."""
    print("[12] lesson 2 hints: text clues in the scenes ...", flush=True)
    from clues_bench import bench_hints

    r = bench_hints()
    ROWS.append(Row("hints", "Text hints: scene clues read exactly", f"{r['hit_rate']:.0%}",
                    "-", "-", ">= 90%", r["hit_rate"] >= 0.9, r))
    ROWS.append(Row("hints_time", "Text hints: time per scene (mean / max)",
                    f"{r['seconds_per_scene_mean'] * 1000:.0f} / {r['seconds_per_scene_max'] * 1000:.0f} ms",
                    "-", "-", "< 1 s", r["seconds_per_scene_max"] < 1.0, {}))


def bench_whole_process(files: list[Path], tmp: Path) -> None:
    """Issue 11: both tools as whole processes over the corpus JPEGs, side by side in one run."""
    print("[13] whole processes, side by side: safetylab and ExifTool over the corpus JPEGs ...", flush=True)
    from whole_process import compare

    results = compare(SAFETYLAB_CMD, files, tmp)
    labels = {"read": ("process_read", f"Whole process: check --json --no-faces --no-texts, {len(files)} JPEGs",
                       "exiftool -j"),
              "scrub": ("process_scrub", f"Whole process: scrub -o DIR, {len(files)} JPEGs", "exiftool -all= -o DIR/")}
    for job, r in results.items():
        rid, what, theirs = labels[job]
        ROWS.append(Row(rid, what, f"{fmt_ms(ms(r['safetylab_s']))} (median of 7)",
                        f"{theirs} {fmt_ms(ms(r['exiftool_s']))}", speedup(ms(r["safetylab_s"]), ms(r["exiftool_s"])),
                        f">= {r['goal']:g}x" if r["goal"] != 1 else "at least as fast", r["ratio"] >= r["goal"], r))


HOSTILE: list[dict] = []


def bench_hostile(tmp: Path) -> None:
    """Issue 11: every hostile file class in a fresh process: time, peak memory, one plain line."""
    print("[14] hostile files: each class as its own process (check, scrub, evidence) ...", flush=True)
    from hostile_bench import GOAL_BYTES, GOAL_SECONDS, run_all

    HOSTILE.extend(run_all(SAFETYLAB_CMD, tmp))
    for r in HOSTILE:
        if not r["plain"]:
            fail(f"hostile {r['class']} ({r['command']}): not exit 0 or one plain line: {r['said']}")
    worst_s = max(r["seconds"] for r in HOSTILE)
    worst_b = max(r["max_rss"] for r in HOSTILE)
    ROWS.append(Row("hostile", f"Hostile files: {len(HOSTILE)} runs, slowest / largest (table below)",
                    f"{worst_s:.2f} s / {worst_b / 2**20:.0f} MiB", "-", "-",
                    f"<= {GOAL_SECONDS:.0f} s, <= {GOAL_BYTES / 2**30:.0f} GiB each",
                    all(r["met"] for r in HOSTILE), {"runs": HOSTILE}))


def bench_makernotes() -> None:
    """Issue 11: serial numbers and owner names ExifTool finds in the corpus, and how many safetylab finds."""
    print("[15] serial numbers and owner names against ExifTool ...", flush=True)
    from makernotes_eval import evaluate

    r = evaluate()
    found, total = r["totals"]["safetylab"]
    other = r["totals"].get("exiv2")
    ROWS.append(Row("makernotes", "  (info) Serials and owner names ExifTool finds, found too",
                    f"{found}/{total} ({fmt_ms(ms(r['seconds']['safetylab']))} for {r['files']} files)",
                    f"exiv2 {other[0]}/{other[1]} ({fmt_ms(ms(r['seconds']['exiv2']))})" if other
                    else "exiv2: not installed", "-", "-", None, r))


def render_table(rows: list[Row]) -> str:
    cells = [HEADERS] + [(r.what, r.safetylab, r.comparison, r.ratio, r.goal,
                          "-" if r.met is None else ("yes" if r.met else "no"))
                         for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = []
    for n, c in enumerate(cells):
        lines.append("  ".join(v.ljust(widths[i]) for i, v in enumerate(c)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def compile_bytecode() -> int:
    """Write the byte code of safetylab's modules, as installing a package does.

    Whole-process rows start Python afresh each run. Where ``PYTHONDONTWRITEBYTECODE`` is
    set (as on some shared machines) or the sources were just edited, each of those
    processes would compile safetylab's modules from source again (about 0.1-0.3 s), which
    no installed copy does. Returns how many modules were compiled.
    """
    import compileall
    import io
    import contextlib

    root = Path(safetylab.__file__).parent
    stale = [p for p in root.rglob("*.py")
             if not Path(importlib.util.cache_from_source(str(p))).exists()
             or Path(importlib.util.cache_from_source(str(p))).stat().st_mtime < p.stat().st_mtime]
    with contextlib.redirect_stdout(io.StringIO()):
        compileall.compile_dir(str(root), quiet=2)
    return len(stale)


def main() -> int:
    if shutil.which("exiftool") is None:
        print("ExifTool is not installed (run `make system`); the benchmark compares against it.")
        return 2
    if not TESTDATA.is_dir():
        print(f"Test images not found at {TESTDATA}.")
        return 2
    started = time.perf_counter()
    compiled = compile_bytecode()
    info = machine_info()
    print("safetylab benchmarks")
    print(f"machine: {info['cores']} cores, {info['processor']}, {info['platform']}")
    print(f"load average (1, 5, 15 min): {info['load_average_at_start']} -- other work on the machine "
          "slows every row; compare runs made on a quiet machine")
    print(f"python {info['python']}  Pillow {info['pillow']}  numpy {info['numpy']}  "
          f"exiftool {info['exiftool']}  safetylab {info['safetylab']}")
    if compiled:
        print(f"byte code written for {compiled} safetylab modules first (as an install does; "
              "PYTHONDONTWRITEBYTECODE would otherwise have every process compile them again)")
    print(flush=True)

    files = corpus_jpegs()
    pixel_checks: dict[str, dict] = {}
    shared: dict = {"exiftool_one_ms": float("nan")}
    with tempfile.TemporaryDirectory(prefix="safetylab-bench-") as tmpname:
        tmp = Path(tmpname)
        photo = tmp / "phone-12mp.jpg"
        t0 = time.perf_counter()
        make_12mp_jpeg(photo)
        photo_info = {"path": "(temporary)", "bytes": photo.stat().st_size,
                      "generate_s": time.perf_counter() - t0}
        print(f"12-MP test photo: 4032x3024, {photo_info['bytes'] / 1e6:.2f} MB "
              f"(generated in {photo_info['generate_s']:.1f} s)", flush=True)

        steps = [
            ("read_corpus", "Metadata read, corpus JPEGs", lambda: bench_read_corpus(files)),
            ("read_12mp", "Metadata read, 12-MP JPEG",
             lambda: shared.__setitem__("exiftool_one_ms", bench_read_12mp(photo))),
            ("scrub_corpus", "Scrub, corpus JPEGs",
             lambda: pixel_checks.__setitem__("corpus", bench_scrub_corpus(files, tmp))),
            ("scrub_12mp", "Scrub, 12-MP JPEG",
             lambda: pixel_checks.__setitem__("12mp", bench_scrub_12mp(photo, tmp))),
            ("check_warm", "check() of 12-MP JPEG, in-process, warm", lambda: bench_check_warm(photo)),
            ("check_cold", "cold safetylab check", lambda: bench_check_cold(photo, shared["exiftool_one_ms"])),
            ("import", "import safetylab", bench_import),
            ("hash_search", "Search of 100,000 PDQ hashes", bench_hash_search),
            ("faces_12mp", "Face detection vs deface", bench_faces),
            ("check_faces", "check() with faces, 12-MP JPEG", lambda: bench_check_faces(photo)),
            ("permanence", "Lesson 4 widgets", bench_permanence_widgets),
            ("hints", "Lesson 2 text hints", bench_clue_hints),
            ("process", "Whole processes against ExifTool", lambda: bench_whole_process(files, tmp)),
            ("hostile", "Hostile files", lambda: bench_hostile(tmp)),
            ("makernotes", "Serials and owners against ExifTool", bench_makernotes),
        ]
        only = set(ONLY)
        for i, (rid, label, step) in enumerate(steps, 1):
            if only and rid not in only:
                continue
            try:
                step()
            except _Crashed:  # already recorded by fail(); show it, go on with the other rows
                ROWS.append(Row(rid, label, "CRASHED (see above)", "-", "-", "-", False))
            except SafetyLabError as e:
                fail(f"step {i}: safetylab refused a file it must accept: {e}")
                ROWS.append(Row(rid, label, "REFUSED (see above)", "-", "-", "-", False))

    changed = sum(len(p["changed"]) for p in pixel_checks.values())
    compared = sum(p["compared"] for p in pixel_checks.values())
    compared_parts = ", ".join(f"{p['compared']} {k}" for k, p in pixel_checks.items())
    elapsed = time.perf_counter() - started

    print()
    print(render_table(ROWS))
    if HOSTILE:
        from hostile_bench import table as hostile_table

        print()
        print("Hostile files (each run one process; goal: <= 10 s and <= 1 GiB, exit 0 or one plain line):")
        print(hostile_table(HOSTILE))
    print()
    print(f"pixel change: {changed}  (each scrubbed JPEG decoded with Pillow and compared with its "
          f"original: {compared} files ({compared_parts or 'none'}), {changed} with any pixel difference)")
    for n in NOTES:
        print(f"note: {n}")
    if FAILURES:
        print(f"CORRECTNESS: FAILED ({len(FAILURES)})")
        for f in FAILURES:
            print(f"  - {f}")
    else:
        print("correctness: ok")
    print(f"load average at the end: {_loadavg()}")
    print(f"total time {elapsed:.0f} s; figures written to {RESULTS.relative_to(REPO)}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "machine": info,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "photo_12mp": photo_info,
        "corpus": {"root": str(TESTDATA), "jpegs": len(files)},
        "rows": [asdict(r) for r in ROWS],
        "pixel_change": changed,
        "pixels_compared": compared,
        "notes": NOTES,
        "failures": FAILURES,
        "elapsed_s": elapsed,
        "load_average_at_end": _loadavg(),
    }, indent=2, default=str) + "\n")
    return 1 if FAILURES else 0


#: ``run.py --only process,hostile``: run only those steps (the first column of ``steps`` in main).
ONLY: list[str] = []

if __name__ == "__main__":
    if "--only" in sys.argv:
        ONLY.extend(sys.argv[sys.argv.index("--only") + 1].split(","))
    sys.exit(main())
