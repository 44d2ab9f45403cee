"""The face-linking figures lesson 1 and its tests rely on, measured in one run.

Run from the repository (about a minute)::

    .venv/bin/python benchmarks/linking_eval.py [--json OUT.json]

What it prints (with the OpenCV and dlib versions, since both can differ by platform):

* **collage**: on ``../shared/testdata/faces/dlib_bald_guys.jpg`` (4 men, 6 photos each,
  ground truth in ``tests/data/faces_truth.json``), the share of same-man pairs whose
  face vectors are closer than :data:`safetylab.faces.SAME_PERSON_DISTANCE` (0.6),
  the share of different-men pairs further than it, and whether every face's nearest
  other face is the same man (``tests/test_faces.py`` asks for at least 90%, 95%, yes);
* **lesson**: the distances lesson 1 shows -- Grace Hopper's "another photo" to her
  profile and her old avatar, Eileen Collins's to hers and to Grace Hopper's -- and the
  distance of each way of hiding the face (``linking.redaction_check``);
* **hash search**: ``linking.retrieval_stats`` on the lesson's gallery (found, false matches).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO.parent / "shared" / "testdata"
TRUTH = REPO / "tests" / "data" / "faces_truth.json"


def _iou(a, b) -> float:
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def collage() -> dict:
    """Same-person and different-person separation on the 24-face collage."""
    import numpy as np

    from safetylab import faces, images

    entry = json.loads(TRUTH.read_text(encoding="utf-8"))["images"]["dlib_bald_guys.jpg"]
    im = images.load(TESTDATA / "faces" / "dlib_bald_guys.jpg")
    found = faces.detect(im)
    vecs, who = [], []
    for box, person in zip(entry["faces"], entry["people"]):
        face = max(found, key=lambda f: _iou(f.box, box))
        vecs.append(faces.embed(im, face))
        who.append(person)
    vecs = np.array(vecs)
    n = len(who)
    dist = np.array([faces.distance(vecs[i], vecs) for i in range(n)])
    same = [dist[i, j] for i in range(n) for j in range(i + 1, n) if who[i] == who[j]]
    diff = [dist[i, j] for i in range(n) for j in range(i + 1, n) if who[i] != who[j]]
    t = faces.SAME_PERSON_DISTANCE
    nearest_ok = sum(who[int(np.argsort(dist[i])[1])] == who[i] for i in range(n))
    return {"faces": n, "same_pairs": len(same), "diff_pairs": len(diff),
            "same_below": round(float(np.mean(np.array(same) < t)), 4),
            "diff_above": round(float(np.mean(np.array(diff) > t)), 4),
            "same_max": round(float(max(same)), 3), "diff_min": round(float(min(diff)), 3),
            "nearest_is_same_person": f"{nearest_ok}/{n}"}


def lesson() -> dict:
    """The face distances lesson 1 shows, and those of each way of hiding a face."""
    from safetylab import linking

    gallery = linking.default_gallery()
    out: dict = {}
    for person in ("grace_hopper", "eileen_collins"):
        search = linking.find_by_face(linking.another_photo(person), gallery)
        out[f"another_photo:{person}"] = [
            {"profile": m.profile.person or m.profile.kind, "distance": round(float(m.distance), 3),
             "linked": bool(m.linked)} for m in search.matches[:4]]
    grace = gallery.with_person("Grace Hopper")[0]
    out["redaction:grace_hopper"] = {
        c.style: {"face_distance": None if c.face_distance is None else round(float(c.face_distance), 3),
                  "hash_distance": int(c.hash_distance), "linked": bool(c.linked)}
        for c in linking.redaction_check(linking.original_photo(), gallery, grace.handle)}
    stats = linking.retrieval_stats(gallery)
    out["hash_search"] = {"found": round(stats.found, 4), "false_match_rate": round(stats.false_match_rate, 5)}
    return out


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in ("opencv-python-headless", "opencv-python", "dlib-bin", "dlib", "numpy"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            pass
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", metavar="OUT", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    if not (TESTDATA / "faces").is_dir():
        print(f"the test photos are not in {TESTDATA}", file=sys.stderr)
        return 2
    out = {"versions": versions(), "collage": collage(), "lesson": lesson()}
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
