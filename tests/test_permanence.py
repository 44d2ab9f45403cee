"""safetylab.permanence: captures still link, delete buttons, forwarding agrees with theory."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from conftest import noise_picture
from safetylab import content
from safetylab import permanence as perm
from safetylab.hashing import PDQ_MATCH_DISTANCE


# ----------------------------------------------------------------- capture

def test_second_phone_capture_is_deterministic_and_leaves_the_input_alone():
    pic = noise_picture()
    before = np.asarray(pic).copy()
    a = perm.second_phone_capture(pic, seed=3)
    b = perm.second_phone_capture(pic, seed=3)
    c = perm.second_phone_capture(pic, seed=4)
    assert np.array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(c))
    assert np.array_equal(np.asarray(pic), before)
    assert a.size == pic.size and a.mode == "RGB"


def test_capture_changes_pixels_but_not_the_picture():
    pic = noise_picture(1)
    copy = perm.second_phone_capture(pic, seed=0)
    diff = np.abs(np.asarray(copy, float) - np.asarray(pic, float)).mean()
    assert diff > 5  # a visibly different file ...
    d, linked = perm.hash_link(pic, copy)
    assert linked and d <= PDQ_MATCH_DISTANCE  # ... of the same picture


def test_all_settings_off_is_nearly_the_original_and_strong_tilt_breaks_the_hash():
    pic = noise_picture(2)
    off = perm.second_phone_capture(pic, perspective=0, moire=0, glare=0, blur=0, noise=0, brightness=1,
                                    jpeg_quality=95)
    assert np.abs(np.asarray(off, float) - np.asarray(pic, float)).mean() < 8
    far = [perm.hash_link(pic, perm.second_phone_capture(pic, seed=s, perspective=0.25))[0] for s in range(4)]
    near = [perm.hash_link(pic, perm.second_phone_capture(pic, seed=s))[0] for s in range(4)]
    assert np.mean(far) > np.mean(near)


@pytest.mark.parametrize("bad", [{"perspective": -0.1}, {"glare": 2}, {"jpeg_quality": 0}, {"blur": -1}])
def test_capture_refuses_settings_out_of_range(bad):
    with pytest.raises(ValueError):
        perm.second_phone_capture(noise_picture(), **bad)


def test_capture_kinds():
    pic = noise_picture()
    shot = perm.capture(pic, "screenshot")
    assert shot.height > pic.height  # bands above and below
    assert perm.hash_link(pic, shot)[1]
    with pytest.raises(ValueError):
        perm.capture(pic, "fax")


def test_sample_paths_leave_out_lesson_6_and_exist():
    paths = perm.capture_sample_paths()
    assert len(paths) >= 10
    assert all(p.exists() for p in paths)
    assert not any(p.parent.name.startswith("06_") for p in paths)
    assert {p.suffix.lower() for p in paths} >= {".jpg", ".png", ".heic", ".webp"}


def test_second_phone_capture_of_the_samples_still_matches_at_least_90_percent():
    results = perm.capture_survey()
    assert len(results) == len(perm.capture_sample_paths())
    assert all(r.linked == (r.distance <= PDQ_MATCH_DISTANCE) for r in results)
    assert perm.match_rate(results) >= 0.9, results


def test_match_rate_counts():
    rs = [perm.CaptureResult("a", 10, True), perm.CaptureResult("b", 90, False)]
    assert perm.match_rate(rs) == 0.5
    with pytest.raises(ValueError):
        perm.match_rate([])


def test_edits_that_do_not_erase():
    results = perm.edit_survey(noise_picture(5, (400, 300)))
    assert [r.label for r in results] == [label for label, _ in perm.EDITS]
    assert all(r.linked for r in results), results


def test_link_check_with_a_face_links_by_face_too():
    from safetylab import samples

    pic = perm.on_screen(samples.sample_path("sent_in_chat_same_photo.jpg"), 640)
    try:
        check = perm.link_check(pic, perm.second_phone_capture(pic, seed=1))
    except Exception as e:  # pragma: no cover - the face model is a dependency
        pytest.fail(f"face check failed: {e}")
    if check.faces_in_original is None:
        pytest.skip("face model not installed")
    assert check.faces_in_original >= 1 and check.face_linked and check.linked
    plain = perm.link_check(noise_picture(), noise_picture(9))
    assert plain.faces_in_original == 0 and not plain.hash_linked and not plain.linked


# ----------------------------------------------------------------- copies

def test_each_delete_button_removes_what_it_reaches_and_nothing_beyond():
    start = perm.initial_copies()
    assert start.present == {p.id for p in content.places()}
    me = perm.apply_delete(start, "delete_for_me")
    assert me.present == start.present - {"your_chat"}
    assert start.present == {p.id for p in content.places()}  # the input is unchanged
    for action in ("delete_for_everyone", "unsend"):
        s = perm.apply_delete(start, action)
        assert not s.has("their_chat") and not s.has("servers") and not s.has("your_chat")
    everything = start
    for action in content.delete_actions():
        everything = perm.apply_delete(everything, action)
    unreachable = {p.id for p in content.places() if not p.removed_by}
    assert {p.id for p in content.places() if p.side == "beyond"} <= unreachable
    assert everything.present == unreachable == {p.id for p in perm.out_of_reach(everything)}
    assert perm.removable(everything) == []
    assert everything.pressed == tuple(content.delete_actions())
    with pytest.raises(ValueError):
        perm.apply_delete(start, "shred")


def test_copies_live_in_a_notification_preview_and_an_automatic_gallery_too():
    """Item 8: auto-save of received photos and lock-screen previews are places copies live."""
    by_id = {p.id: p for p in content.places()}
    for pid in ("their_gallery", "their_notification"):
        assert not by_id[pid].removed_by  # no delete button reaches them
        assert by_id[pid].sources and all(s.url.startswith("https://") and s.checked for s in by_id[pid].sources)
    after = perm.apply_delete(perm.initial_copies(), "delete_for_everyone")
    assert after.has("their_gallery") and after.has("their_notification")
    assert "photo gallery" in perm.copies_summary(after) and "lock screen" in perm.copies_summary(after)


def test_summary_names_what_is_out_of_reach_and_the_caveat_is_cautious():
    s = perm.apply_delete(perm.initial_copies(), "delete_for_everyone")
    text = perm.copies_summary(s)
    assert "Delete for everyone" in text and "screenshot" in text and "No button reaches" in text
    assert "depends on the app" in content.places_caveat()
    assert perm.copies_summary(perm.initial_copies()).startswith("Before any delete button is pressed, 8 of 8 places hold")


# ----------------------------------------------------------------- forwarding

@pytest.mark.parametrize("k,p,m", [(0, 0.5, 3), (1, 0.5, 3), (4, 0.25, 4), (3, 1.0, 2)])
def test_expected_copies_is_the_geometric_sum(k, p, m):
    assert perm.expected_copies(k, p, m) == pytest.approx(sum((p * m) ** j for j in range(k + 1)))
    assert perm.expected_new_copies(k, p, m) == pytest.approx((p * m) ** k)


def test_expected_copies_refuses_bad_input():
    for bad in [(2, 1.5, 3), (2, 0.5, -1), (-1, 0.5, 2), (2, 0.5, 2.5)]:
        with pytest.raises(ValueError):
            perm.expected_copies(*bad)


@pytest.mark.parametrize("k,p,m", [(6, 0.5, 3), (8, 0.3, 4), (5, 0.8, 2)])
def test_vectorised_branching_process_agrees_with_theory(k, p, m):
    sims = perm.simulate_counts(k, p, m, runs=10_000, seed=11)
    assert sims.shape == (10_000, k + 1) and (sims[:, 0] == 1).all()
    assert (np.diff(sims, axis=1) >= 0).all()
    for j in range(k + 1):
        assert sims[:, j].mean() == pytest.approx(perm.expected_copies(j, p, m), rel=0.05)


@pytest.mark.parametrize("k,p,m", [(5, 0.5, 3), (6, 0.4, 2)])
def test_forwarding_on_a_tree_agrees_with_theory_over_10000_runs(k, p, m):
    tree = nx.balanced_tree(m + 1, k + 1)  # each person has m + 1 contacts besides who sent it
    res = perm.simulate_forwarding(tree, p, m, steps=k, runs=10_000, seed=5, sender=0, recipient=1)
    assert res.copies.shape == (10_000, k + 1)
    for j in range(k + 1):
        assert res.mean_copies[j] == pytest.approx(perm.expected_copies(j, p, m), rel=0.05)
    np.testing.assert_allclose(res.theory, [perm.expected_copies(j, p, m) for j in range(k + 1)])


def test_forwarding_is_reproducible_and_bounded_on_a_clustered_graph():
    g = perm.contact_graph(300, 8, seed=1)
    a = perm.simulate_forwarding(g, 0.7, 5, steps=6, runs=100, seed=3)
    b = perm.simulate_forwarding(g, 0.7, 5, steps=6, runs=100, seed=3)
    assert np.array_equal(a.copies, b.copies) and np.array_equal(a.reached_known, b.reached_known)
    assert (a.copies <= g.number_of_nodes() - 1).all()          # never more copies than people
    assert (np.diff(a.copies, axis=1) >= 0).all() and (np.diff(a.reached_known.astype(int), axis=1) >= 0).all()
    assert a.mean_copies[-1] < a.theory[-1]                      # overlapping friend groups slow it down
    none = perm.simulate_forwarding(g, 0.0, 5, steps=6, runs=50, seed=3)
    assert (none.copies == 1).all() and not none.reached_known.any()
    every = perm.simulate_forwarding(g, 1.0, 8, steps=8, runs=20, seed=3)
    assert every.chance_known[-1] == 1.0


def test_default_recipient_is_a_stranger():
    g = perm.contact_graph(300, 8, seed=1)
    r = perm.default_recipient(g, 0)
    assert nx.shortest_path_length(g, 0, r) == 3
