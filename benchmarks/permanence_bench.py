"""Benchmark: the lesson "Screenshots are forever" responds quickly.

``bench_permanence()`` times one slider update of the forwarding explorer
(simulation and redrawn plot) and one second-phone capture in the "view once"
widget (the capture, the hash check, the face check when a face is present,
and the picture for the screen). Goal: under 100 ms each.

Run alone: ``.venv/bin/python benchmarks/permanence_bench.py``.
"""

from __future__ import annotations

import json
import statistics
import time

GOAL_MS = 100.0


def _times(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def bench_permanence(repeats: int = 7) -> dict:
    """Time one forwarding-slider update and one capture (median of ``repeats``).

    Returns
    -------
    dict
        ``slider_ms`` and ``capture_ms`` (medians), ``capture_face_ms`` (a
        capture of a photo with a face, which adds the face check),
        ``slider_samples_ms``, ``capture_samples_ms``, ``goal_ms``, ``met``
        (both medians under the goal) and ``correct`` (the captures still
        matched their originals).
    """
    from safetylab import samples
    from safetylab.widgets.permanence import ForwardingExplorer, ViewOnce

    fwd = ForwardingExplorer()
    values = [0.35, 0.4]

    def slide():
        fwd.p.value = values[0] if fwd.p.value != values[0] else values[1]

    slide()  # warm up
    slider = _times(slide, repeats)

    view = ViewOnce(samples.sample_path("landmark_gps.jpg"), auto_hide=False)
    view.show()
    view.capture("second_phone")  # warm up
    checks = []
    capture = _times(lambda: checks.append(view.capture("second_phone")), repeats)

    face_view = ViewOnce(samples.sample_path("sent_in_chat_same_photo.jpg"), auto_hide=False)
    face_view.show()
    face_view.capture("second_phone")
    capture_face = _times(lambda: checks.append(face_view.capture("second_phone")), repeats)
    view.close()
    face_view.close()

    s_ms, c_ms, f_ms = statistics.median(slider), statistics.median(capture), statistics.median(capture_face)
    return {"slider_ms": round(s_ms, 1), "capture_ms": round(c_ms, 1), "capture_face_ms": round(f_ms, 1),
            "slider_samples_ms": [round(x, 1) for x in slider],
            "capture_samples_ms": [round(x, 1) for x in capture],
            "goal_ms": GOAL_MS, "met": s_ms < GOAL_MS and c_ms < GOAL_MS,
            "correct": all(c is not None and c.linked for c in checks)}


if __name__ == "__main__":
    print(json.dumps(bench_permanence(), indent=2))
