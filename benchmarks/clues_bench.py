"""Automatic hints on the lesson-02 scenes: how many text clues are read exactly, and how fast.

``bench_hints()`` reads every scene once with :func:`safetylab.clues.read_text`
(the OCR engine is built first and not timed) and checks each text clue of the
ground truth: a clue counts as read when every one of its lines is read exactly
(spaces ignored) by a reading whose centre lies in the clue's box. Goals: at
least 90% read exactly, under 1 s per scene on a 2-core machine.
"""

from __future__ import annotations

import time

__all__ = ["bench_hints", "GOAL_HIT_RATE", "GOAL_SECONDS"]

GOAL_HIT_RATE = 0.90
GOAL_SECONDS = 1.0


def _read(clue, hits) -> bool:
    from safetylab.clues import text_matches

    x, y, w, h = clue["box"]
    inside = [t for t in hits if x <= t.box[0] + t.box[2] / 2 <= x + w and y <= t.box[1] + t.box[3] / 2 <= y + h]
    return all(any(text_matches(t.text, line) for t in inside) for line in clue["text"].split("\n"))


def bench_hints(verbose: bool = True) -> dict:
    """Hit rate and time per scene of the automatic hints; prints a summary when ``verbose``."""
    from safetylab import clues, scenes

    clues._engine()  # built once, not timed
    total = read = 0
    times, misses = [], []
    for name in scenes.SCENES:
        img, ann = scenes.render(name), scenes.annotation(name)
        t0 = time.perf_counter()
        hits = clues.read_text(img)
        times.append(time.perf_counter() - t0)
        for clue in ann["clues"]:
            if "text" in clue:
                total += 1
                if _read(clue, hits):
                    read += 1
                else:
                    misses.append(f"{name}/{clue['id']}: wanted {clue['text']!r}, read "
                                  f"{[t.text for t in hits]}")
    rate = read / total if total else 0.0
    out = {"scenes": len(times), "text_clues": total, "read_exactly": read, "hit_rate": round(rate, 4),
           "seconds_per_scene_mean": round(sum(times) / len(times), 3),
           "seconds_per_scene_max": round(max(times), 3), "misses": misses,
           "goal_hit_rate": GOAL_HIT_RATE, "goal_seconds": GOAL_SECONDS,
           "ok": rate >= GOAL_HIT_RATE and sum(times) / len(times) < GOAL_SECONDS}
    if verbose:
        print(f"hints: {read}/{total} text clues read exactly ({rate:.0%}, goal ≥ {GOAL_HIT_RATE:.0%}); "
              f"time per scene {out['seconds_per_scene_mean']:.2f} s mean, "
              f"{out['seconds_per_scene_max']:.2f} s max (goal < {GOAL_SECONDS:.0f} s)")
        for m in misses:
            print("  missed:", m)
    return out


if __name__ == "__main__":  # pragma: no cover
    bench_hints()
