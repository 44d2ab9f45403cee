"""Class-mode load test: 30 learners join one ``safetylab class`` at once (``make bench``).

Each simulated learner (``tests/classclient.py``: its own cookies, no browser) opens the
class's address, joins with the class code and a nickname, waits for their server, opens
lesson 03 in learner mode (Voila runs it) and uses its upload widget with a photo of their own
(a course sample, mirrored: no cache knows it; the same widget messages a browser sends), all started together on loopback.

Printed: per-learner time to an interactive lesson (join + lesson page + widgets' state:
p50, p95, max), the widget's answer time, failures, memory per learner (resident, and
proportional: shared libraries split between the processes that map them), the total of
every class process, the hub's own (JupyterHub + proxy + culler) and swap used during the
run. Goals (issue 15, 2 cores / 24 GB): all succeed, p95 < 30 s, <= 250 MB per learner, no swap.

Before the learners join, the class gets ready, as the facilitator guide says to start it
before learners arrive (both timed and printed): what every learner gets the same is worked
out once (``safetylab._cache``; ``safetylab class`` starts that itself when the class starts),
and the class starts one server per learner (``--ready-servers``, by default as many as
``--max-learners``: :mod:`safetylab.classroom.seat`) and says when they are all waiting; the
learners join after that. ``--cold`` skips both, so learners join while the demonstrations are
still being worked out and their servers start as they join (the worst case).
Memory is measured after every learner has used the widget: in a class, each lesson lets go
of the face and text models once a learner's photo has been looked at (``safetylab.memory``).
The widget's answer comes late on purpose: on a class server a learner's photo gives way to
lessons being opened (``safetylab.memory.gives_way``), and learners' servers and lessons give
way to the hub (``safetylab.memory.give_the_hub_way``).

Usage: ``.venv/bin/python benchmarks/class_load.py [--learners 30]``. Writes
``bench-results/class_load.json`` (and the class's log beside it, ``class_load_hub.log``). Exit 0 when every learner got a working lesson, else 1.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import psutil  # noqa: E402

from classclient import ClassRun, Learner, kernel_id, use_upload_widget  # noqa: E402
from safetylab import samples  # noqa: E402


def learners_photo() -> bytes:
    """A photo of the learner's own: the course's GPS sample, mirrored, so no cache knows its
    pixels and the lesson works out its faces and writing as it would for a learner's photo."""
    import io

    from PIL import Image, ImageOps

    with Image.open(samples.sample_path("landmark_gps.jpg")) as im:
        exif = im.info.get("exif") or b""
        buf = io.BytesIO()
        ImageOps.mirror(im).save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()


def one_learner(run: ClassRun, n: int, photo: bytes) -> dict:
    t0 = time.monotonic()
    learner = Learner(run.join_url)
    out = {"nickname": f"Learner{n:02d}"}
    try:
        status, url, _ = learner.join(run.code, out["nickname"], timeout=900)
        if status != 200 or not learner.name:
            raise RuntimeError(f"join: {status} {url}")
        out["joined"] = time.monotonic() - t0
        status, _, page = learner.open_lesson()
        kid = kernel_id(page)
        if status != 200 or not kid:
            raise RuntimeError(f"lesson 03: {status}")
        out["lesson_page"] = time.monotonic() - t0
        seen = use_upload_widget(learner.kernel_socket(kid), learner.cookie_header(f"/user/{learner.name}/"),
                                 photo, timeout=600)
        out["interactive"] = out["lesson_page"] + seen["connected_and_states"]
        out["widget"] = seen["widget"]
        out["name"] = learner.name
    except Exception as e:  # noqa: BLE001 - a failure is a figure here
        out["error"] = f"{type(e).__name__}: {e}"[:300]
    return out


def memory(run: ClassRun) -> dict:
    """MB per learner (resident and proportional) and of the hub's own processes."""
    folder = run.folder
    learners_dir = str(folder / "learners") if folder else "//none"
    per: dict[str, dict] = {}
    hub = {"rss": 0.0, "pss": 0.0}
    root = psutil.Process(run.proc.pid)
    for proc in [root, *root.children(recursive=True)]:
        try:
            cwd = proc.cwd()
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = info.rss / 2**20, getattr(info, "pss", info.rss) / 2**20
        if cwd.startswith(learners_dir + "/"):
            name = cwd[len(learners_dir) + 1:].split("/")[0]
            slot = per.setdefault(name, {"rss": 0.0, "pss": 0.0})
        else:
            slot = hub
        slot["rss"] += rss
        slot["pss"] += pss
    return {"learners": per, "hub": hub}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=30)
    ap.add_argument("--cold", action="store_true",
                    help="learners join at once, while the class still works out the shared demonstrations")
    args = ap.parse_args()
    prepared = None
    if not args.cold:
        import subprocess

        from safetylab import _cache

        t0 = time.monotonic()
        if not _cache.is_filled():
            subprocess.run([sys.executable, "-m", "safetylab._cache"], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=1800)
        prepared = time.monotonic() - t0
    photo = learners_photo()
    swap0 = psutil.swap_memory().used
    with tempfile.TemporaryDirectory(prefix="class-load-") as tmp:
        run = ClassRun(Path(tmp), "--max-learners", str(args.learners), *(["--ready-servers", "0"] if args.cold else []))
        t_start = time.monotonic()
        run.start()
        started = time.monotonic() - t_start
        # the class's own word that it is ready: every learner's server started and waiting
        ready = None if args.cold else run.wait_ready()
        try:
            with concurrent.futures.ThreadPoolExecutor(args.learners) as pool:
                results = list(pool.map(lambda n: one_learner(run, n, photo), range(1, args.learners + 1)))
            mem = memory(run)
            swap = max(0, psutil.swap_memory().used - swap0) / 2**20
            hub_log = run.hub_log()  # kept beside the figures: when each learner joined, started and signed in
        finally:
            run.stop()
    ok = [r for r in results if "error" not in r]
    inter = [r["interactive"] for r in ok]
    per = list(mem["learners"].values())
    rss = [m["rss"] for m in per] or [0.0]
    pss = [m["pss"] for m in per] or [0.0]
    total = sum(pss) + mem["hub"]["pss"]
    figures = {
        "learners": args.learners, "succeeded": len(ok), "class_start_s": started, "prepared_s": prepared, "ready_s": ready,
        "interactive_s": {"p50": pct(inter, .5), "p95": pct(inter, .95), "max": max(inter)} if inter else {},
        "widget_s_p50": statistics.median([r["widget"] for r in ok]) if ok else None,
        "learner_mb": {"rss_median": statistics.median(rss), "rss_max": max(rss),
                       "pss_median": statistics.median(pss), "pss_max": max(pss)},
        "hub_mb": mem["hub"], "total_mb_pss": total, "swap_mb": swap,
        "failures": [r for r in results if "error" in r], "raw": results}
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "class_load.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    (out / "class_load_hub.log").write_text(hub_log, encoding="utf-8")
    goal_mb = 250
    i = figures["interactive_s"]
    rows = [
        ("learners who got a working lesson", f"{len(ok)} / {args.learners}", "all", len(ok) == args.learners),
        ("shared demonstrations worked out before joining (s)",
         "skipped (--cold)" if prepared is None else f"{prepared:.1f}", "", None),
        ("class start (s)", f"{started:.1f}", "", None),
        ("class ready: learners' servers started, waiting (s)",
         "skipped (--cold)" if ready is None else f"{ready:.0f}", "", None),
        ("time to interactive lesson 03, p50 (s)", f"{i.get('p50', float('nan')):.1f}", "", None),
        ("time to interactive lesson 03, p95 (s)", f"{i.get('p95', float('nan')):.1f}", "< 30",
         bool(i) and i["p95"] < 30),
        ("time to interactive lesson 03, max (s)", f"{i.get('max', float('nan')):.1f}", "", None),
        ("upload widget answer, p50 (s)", f"{figures['widget_s_p50'] or float('nan'):.1f}", "", None),
        ("memory per learner, resident, median / max (MB)",
         f"{statistics.median(rss):.0f} / {max(rss):.0f}", f"<= {goal_mb}", max(rss) <= goal_mb),
        ("memory per learner, proportional, median / max (MB)",
         f"{statistics.median(pss):.0f} / {max(pss):.0f}", f"<= {goal_mb}", max(pss) <= goal_mb),
        ("hub + proxy + culler, proportional (MB)", f"{mem['hub']['pss']:.0f}", "", None),
        ("whole class, proportional (MB)", f"{total:.0f}", "< 24 GB", total < 24 * 1024),
        ("swap used during the run (MB)", f"{swap:.0f}", "0", swap < 1),
    ]
    print(f"\nClass mode: {args.learners} learners join together, open lesson 03 and use its upload widget")
    print(f"{'figure':<55} {'measured':>14} {'goal':>9}  met")
    for name, value, goal, met in rows:
        print(f"{name:<55} {value:>14} {goal:>9}  {'' if met is None else ('yes' if met else 'NO')}")
    for r in figures["failures"][:5]:
        print(f"  failed: {r['nickname']}: {r['error']}")
    print(f"(raw figures: {out / 'class_load.json'})")
    return 0 if len(ok) == args.learners else 1


if __name__ == "__main__":
    sys.exit(main())
