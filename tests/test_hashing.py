"""Perceptual hashes, the gallery index and robustness curves (safetylab.hashing).

The hash tests assert *properties* ("a 1 degree turn stays within the match
distance, a 90 degree turn does not"), never pinned hex strings: a new Pillow may
move a bit or two, not these facts.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from safetylab import hashing, linking
from safetylab.hashing import PDQ_MATCH_DISTANCE, PHASH_MATCH_DISTANCE, Gallery, Hash

pytest.importorskip("imagehash", reason="imagehash is not installed")


def _noise_picture(seed: int, size: int = 256) -> Image.Image:
    """A random but smooth picture: coarse noise blown up (structure at many scales)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)
    return Image.fromarray(small).resize((size, size), Image.Resampling.BICUBIC)


def _pictures() -> dict[str, Image.Image]:
    """A photograph, and drawn pictures of several kinds."""
    out = {"portrait": linking.original_photo("grace_hopper")}
    gen = linking.make_gallery(n=12, seed=11, photos=False)
    for p in gen.profiles:
        if p.kind not in out and p.kind != "portrait":
            out[p.kind] = p.picture
    return out


PICTURES = _pictures()
NAMES = sorted(PICTURES)


# --------------------------------------------------------------------------- the Hash value

def test_hash_subtraction_is_hamming_distance():
    a = Hash("phash", bytes(8))
    b = Hash("phash", bytes([0b1010_0000]) + bytes(6) + bytes([1]))
    assert a - b == b - a == 3
    assert a - a == 0


@pytest.mark.parametrize("kind", ["pdq", "phash"])
def test_hash_hex_and_bits_round_trip(kind):
    rng = np.random.default_rng(3)
    bits = rng.integers(0, 2, hashing.KINDS[kind])
    h = Hash.from_bits(kind, bits, quality=77)
    assert len(h) == hashing.KINDS[kind]
    assert np.array_equal(h.bits, bits)
    assert len(h.hex()) == hashing.KINDS[kind] // 4 and str(h) == h.hex()
    back = hashing.from_hex(h.hex())
    assert back == h and back.kind == kind and hash(back) == hash(h)  # quality is not identity
    assert hashing.from_hex(h.hex().upper(), kind) == h
    assert kind in repr(h)


def test_triangle_inequality_on_random_hashes():
    rng = np.random.default_rng(5)
    hs = [Hash("pdq", rng.integers(0, 256, 32, dtype=np.uint8).tobytes()) for _ in range(20)]
    for a in hs:
        for b in hs:
            for c in hs[:5]:
                assert a - c <= (a - b) + (b - c)


def test_hash_refuses_bad_input():
    with pytest.raises(ValueError):
        Hash("pdq", bytes(8))
    with pytest.raises(ValueError):
        Hash("md5", bytes(16))
    with pytest.raises(TypeError):
        Hash("pdq", bytes(32)) - Hash("phash", bytes(8))
    with pytest.raises(ValueError, match="hexadecimal"):
        hashing.from_hex("not hex!")
    with pytest.raises(ValueError, match="hex digits"):
        hashing.from_hex("abcd")
    with pytest.raises(ValueError):
        hashing.match_distance("sha1")


def test_hex_matches_the_libraries_own_forms():
    """pHash prints like imagehash; PDQ bits come in the reference's order (bit 255 first)."""
    import imagehash

    from safetylab import _pdq

    pic = PICTURES["portrait"]
    assert hashing.phash(pic).hex() == str(imagehash.phash(pic))
    vector, quality = _pdq.compute(np.asarray(pic.convert("RGB")))
    h = hashing.pdq(pic)
    assert np.array_equal(h.bits, vector) and h.quality == quality
    assert h.hex() == np.packbits(vector).tobytes().hex()


def test_popcount_lookup_table_agrees_with_numpy():
    values = np.arange(256, dtype=np.uint8)
    assert np.array_equal(hashing._POPCOUNT_LUT[values], [bin(v).count("1") for v in range(256)])
    if hasattr(np, "bitwise_count"):
        assert np.array_equal(hashing._POPCOUNT_LUT[values], np.bitwise_count(values))


# --------------------------------------------------------------------------- hashing pictures

def test_pdq_and_phash_accept_images_arrays_and_files(tmp_path):
    pic = PICTURES["landscape"]
    path = tmp_path / "pic.png"
    pic.save(path)
    arr = np.asarray(pic)
    for fn in (hashing.pdq, hashing.phash):
        ref = fn(pic)
        assert fn(arr) == ref
        assert fn(path) == ref
        assert fn(str(path)) == ref
        assert fn(arr.astype(np.float64) / 255.0) - ref <= 2  # floats in 0..1
        assert fn(pic.convert("RGBA")) == ref
    grey = np.asarray(pic.convert("L"))
    assert hashing.pdq(grey) - hashing.pdq(pic.convert("L").convert("RGB")) == 0
    with pytest.raises(TypeError):
        hashing.pdq(12345)
    with pytest.raises(ValueError):
        hashing.pdq(np.zeros((4, 4, 7), np.uint8))


def test_hashing_does_not_change_the_input():
    pic = PICTURES["city"]
    before = np.asarray(pic).copy()
    hashing.pdq(pic), hashing.phash(pic), hashing.query_hashes(pic), hashing.trim_borders(pic)
    assert np.array_equal(np.asarray(pic), before)


def test_a_damaged_file_is_one_plain_error(tmp_path):
    from safetylab.errors import SafetyLabError

    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    with pytest.raises(SafetyLabError) as err:
        hashing.pdq(bad)
    assert "\n" not in str(err.value) and "broken.jpg" in str(err.value)


def test_big_pictures_are_reduced_first_with_almost_no_change():
    pic = PICTURES["portrait"]
    big = pic.resize((1600, 1600), Image.Resampling.BICUBIC)
    assert hashing.pdq(big) - hashing.pdq(pic) <= 16


#: Photo-like pictures. Flat stripes, flowers on a plain ground and block avatars
#: have few strong details, and PDQ is known to be touchier with them: a 1 degree
#: turn can move their hash past the line (the lesson's retrieval statistics count
#: those misses too).
PHOTO_LIKE = ["portrait", "landscape", "pet", "city", "noise 1", "noise 2"]
PICTURES["noise 1"], PICTURES["noise 2"] = _noise_picture(1), _noise_picture(2)


@pytest.mark.parametrize("name", PHOTO_LIKE)
def test_properties_a_small_turn_stays_close_a_quarter_turn_does_not(name):
    pic = PICTURES[name]
    h = hashing.pdq(pic)
    assert hashing.pdq(hashing.apply_transform(pic, "rotate", 1)) - h <= PDQ_MATCH_DISTANCE
    assert hashing.pdq(pic.rotate(90, expand=True)) - h > PDQ_MATCH_DISTANCE
    p = hashing.phash(pic)
    assert hashing.phash(hashing.apply_transform(pic, "rotate", 1)) - p <= PHASH_MATCH_DISTANCE
    assert hashing.phash(pic.rotate(90, expand=True)) - p > PHASH_MATCH_DISTANCE


@pytest.mark.parametrize("name", NAMES)
def test_properties_resize_recompress_and_brightness_stay_close(name):
    pic = PICTURES[name]
    h = hashing.pdq(pic)
    for t, s in (("resize", 0.5), ("jpeg", 30), ("brightness", 0.75)):
        assert hashing.pdq(hashing.apply_transform(pic, t, s)) - h <= PDQ_MATCH_DISTANCE, (t, s)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "avatar"])  # avatars are symmetric
def test_mirroring_hides_from_a_plain_hash_but_not_from_a_search(name):
    pic = PICTURES[name]
    h = hashing.pdq(pic)
    flipped = ImageOps.mirror(pic)
    assert hashing.pdq(flipped) - h > PDQ_MATCH_DISTANCE
    assert min(q - h for q in hashing.query_hashes(flipped)) == 0


def test_unrelated_pictures_are_far_apart():
    hs = [hashing.pdq(PICTURES[n]) for n in NAMES] + [hashing.pdq(_noise_picture(s)) for s in range(6)]
    for i, a in enumerate(hs):
        for b in hs[i + 1:]:
            assert a - b > PDQ_MATCH_DISTANCE


# --------------------------------------------------------------------------- trimming, screenshots

def test_trim_borders_cuts_plain_bands_exactly():
    inner = _noise_picture(1, 100)
    framed = Image.new("RGB", (160, 230), (250, 250, 250))
    framed.paste(inner, (20, 70))
    assert hashing.trim_borders(framed).size == (100, 100)
    assert np.array_equal(np.asarray(hashing.trim_borders(framed)), np.asarray(inner))
    assert hashing.trim_borders(inner).size == inner.size  # nothing plain to cut


def test_trim_borders_leaves_a_plain_picture_whole():
    plain = Image.new("RGB", (50, 40), (10, 200, 30))
    assert hashing.trim_borders(plain).size == (50, 40)


def test_screenshot_adds_bands_and_a_status_bar_that_trimming_removes():
    pic = _noise_picture(2, 200)
    shot = hashing.screenshot(pic, 0.4)
    assert shot.width == 200 and shot.height == round(200 / 0.6)
    top = np.asarray(shot.convert("L"))[: (shot.height - 200) // 2]
    assert top.std() > 1  # the clock and the battery are drawn
    assert hashing.trim_borders(shot).size == (200, 200)
    assert hashing.screenshot(pic, 0.4, status_bar=False).size == shot.size
    with pytest.raises(ValueError):
        hashing.screenshot(pic, 0.95)
    for side in (8, 30):  # tiny pictures still work
        hashing.screenshot(pic.resize((side, side)), 0.05)


def test_query_hashes_has_no_duplicates_and_starts_with_the_picture():
    pic = PICTURES["flower"]
    qs = hashing.query_hashes(pic)
    assert qs[0] == hashing.pdq(pic)
    assert len(qs) == len(set(qs))
    assert hashing.query_hashes(pic, mirrored=False, trimmed=False) == [qs[0]]
    assert all(q.kind == "phash" for q in hashing.query_hashes(pic, "phash"))


# --------------------------------------------------------------------------- the gallery

def _random_gallery(n: int, seed: int, kind: str = "pdq") -> tuple[Gallery, np.ndarray]:
    rng = np.random.default_rng(seed)
    m = rng.integers(0, 256, (n, hashing.KINDS[kind] // 8), dtype=np.uint8)
    return Gallery.from_matrix([f"id{i}" for i in range(n)], m, kind), m


def _brute(m: np.ndarray, q: np.ndarray) -> np.ndarray:
    return (np.unpackbits(m, axis=1) != np.unpackbits(q)).sum(axis=1)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", ["pdq", "phash"])
def test_search_equals_brute_force(seed, kind):
    g, m = _random_gallery(500, seed, kind)
    rng = np.random.default_rng(100 + seed)
    q = rng.integers(0, 256, m.shape[1], dtype=np.uint8)
    d = _brute(m, q)
    assert np.array_equal(g.distances(Hash(kind, q.tobytes())), d)
    res = g.search(Hash(kind, q.tobytes()), k=7)
    expect = np.argsort(d, kind="stable")[:7]
    assert res.ids == [f"id{i}" for i in expect]
    assert list(res.distances) == list(d[expect])


def test_search_keeps_ties_in_storage_order_and_takes_the_best_of_several_queries():
    base = Hash("phash", bytes(8))
    one = Hash("phash", bytes([1]) + bytes(7))
    far = Hash("phash", bytes([255] * 8))
    g = Gallery.from_hashes(["a", "b", "c", "d"], [far, one, one, base])
    res = g.search(base, k=3)
    assert res.ids == ["d", "b", "c"] and list(res.distances) == [0, 1, 1]
    assert g.search([far, base], k=1).ids == ["a"]  # 'a' and 'd' both at 0: storage order
    assert list(g.distances([far, base])) == [0, 1, 1, 0]


def test_search_edges():
    g = Gallery("phash")
    assert g.search(Hash("phash", bytes(8))).ids == []
    g.add("x", Hash("phash", bytes(8)))
    assert g.search(Hash("phash", bytes(8)), k=10).ids == ["x"]
    assert g.search(Hash("phash", bytes([255] * 8)), max_distance=10).ids == []
    with pytest.raises(ValueError):
        g.search(Hash("phash", bytes(8)), k=0)
    with pytest.raises(ValueError):
        g.distances([])
    with pytest.raises(TypeError):
        g.search(Hash("pdq", bytes(32)))
    with pytest.raises(TypeError):
        g.add("y", Hash("pdq", bytes(32)))
    with pytest.raises(ValueError):
        g.extend(["a", "b"], [Hash("phash", bytes(8))])
    with pytest.raises(ValueError):
        Gallery.from_hashes(["a"], [])
    with pytest.raises(ValueError):
        Gallery.from_matrix(["a"], np.zeros((2, 8), np.uint8), "phash")


def test_gallery_grows_and_keeps_everything():
    rng = np.random.default_rng(9)
    hs = [Hash("pdq", rng.integers(0, 256, 32, dtype=np.uint8).tobytes()) for _ in range(300)]
    g = Gallery("pdq")
    for i, h in enumerate(hs):
        g.add(i, h)
    assert len(g) == 300 and g.ids == list(range(300))
    assert all(g.hash_of(i) == h for i, h in enumerate(hs))
    for i in (0, 150, 299):
        assert g.search(hs[i], k=1).ids == [i]
    view = g.matrix
    assert view.shape == (300, 32)
    with pytest.raises(ValueError):
        view[0, 0] = 1  # read-only


def test_search_of_100k_hashes_is_right_and_not_slow():
    """The benchmark's own check; the 20 ms goal itself is judged by `make bench` on a quiet machine."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("hash_search", ROOT / "benchmarks" / "hash_search.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    result = mod.bench_search(100_000, repeats=5)
    assert result["correct"]
    assert result["median_ms"] < 200  # a vectorised scan; a Python loop would take seconds


# --------------------------------------------------------------------------- robustness

def test_robustness_measures_every_strength_and_neutral_is_zero():
    pic = PICTURES["landscape"]
    res = hashing.robustness(pic)
    expected = [(t.name, s) for t in hashing.DEFAULT_TRANSFORMS for s in t.strengths]
    assert [(r.name, r.strength) for r in res] == expected
    for t in hashing.DEFAULT_TRANSFORMS:
        if t.neutral is not None:
            assert next(r.distance for r in res if r.name == t.name and r.strength == t.neutral) == 0
    by = {(r.name, r.strength): r.distance for r in res}
    assert by[("rotate", 90)] > PDQ_MATCH_DISTANCE
    assert by[("crop", 0.3)] > by[("crop", 0.02)]


def test_robustness_as_a_search_undoes_mirroring_and_screenshots():
    pic = PICTURES["portrait"]
    plain = {(r.name, r.strength): r.distance for r in hashing.robustness(pic)}
    search = {(r.name, r.strength): r.distance for r in hashing.robustness(pic, variants=True)}
    assert plain[("mirror", 1)] > PDQ_MATCH_DISTANCE and search[("mirror", 1)] == 0
    assert plain[("screenshot", 0.4)] > PDQ_MATCH_DISTANCE
    assert search[("screenshot", 0.4)] <= PDQ_MATCH_DISTANCE
    assert all(search[k] <= plain[k] for k in plain)


def test_robustness_with_phash_and_custom_transforms():
    t = hashing.Transform("grey", "Made grey", "1 = grey", (0, 1),
                          lambda im, s: ImageOps.grayscale(im).convert("RGB") if s else im.copy(), 0)
    res = hashing.robustness(PICTURES["pet"], [t], kind="phash")
    assert [r.strength for r in res] == [0, 1] and res[0].distance == 0
    assert res[1].distance <= PHASH_MATCH_DISTANCE  # hashes look at brightness, not colour
    with pytest.raises(ValueError):
        hashing.apply_transform(PICTURES["pet"], "sepia", 1)


def test_plot_robustness_is_accessible():
    res = hashing.robustness(PICTURES["portrait"], variants=True)
    fig = hashing.plot_robustness(res)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(hashing.DEFAULT_TRANSFORMS)
    colours, markers = set(), set()
    for ax in visible:
        data_line, *rest = ax.get_lines()
        colours.add(data_line.get_color())
        markers.add(data_line.get_marker())
        assert any(set(line.get_ydata()) == {PDQ_MATCH_DISTANCE} for line in rest)  # the match line
        assert ax.get_title() and ax.get_xlabel()
    assert len(colours) == len(visible) and len(markers) == len(visible)  # colour never alone
    alt = fig.text_alternative
    assert f"{PDQ_MATCH_DISTANCE} bits" in alt and "cropped" in alt and "mirrored" in alt
    fig2 = hashing.plot_robustness(res, threshold=10)
    assert "at 10 bits" in fig2.text_alternative
    with pytest.raises(ValueError):
        hashing.plot_robustness([])


def test_jpeg_transform_really_recompresses():
    pic = PICTURES["city"]
    out = hashing.apply_transform(pic, "jpeg", 10)
    buf = io.BytesIO()
    out.save(buf, "PNG")
    assert out.size == pic.size and np.abs(np.asarray(out, int) - np.asarray(pic, int)).mean() > 1
