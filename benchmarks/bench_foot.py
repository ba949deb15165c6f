"""The foot stage alone, per frame, in CPU time: a figure other jobs on the machine hardly move.

Usage::

    .venv/bin/python benchmarks/bench_foot.py [--sizes 480p,720p,1080p] [--seconds 20]

For each frame size, takes the 20 s synthetic session that ``benchmarks/run.py``
renders (kept in ``.bench-cache/``), runs MediaPipe's hand tracker over it once
(not timed), then the foot stage alone on every frame with those hands, as
``coach analyze`` runs it: :meth:`coach.foot.FootTracker.update` and
:func:`coach.foot.reject_foot_hands`. Prints one Markdown row per size: the
foot's scale, milliseconds of CPU (the process's, OpenCV's threads included)
and of wall time per frame while the foot is followed (mean and median), and the
segmentations (finding the foot, a second or so each) apart. The stage times of
``benchmarks/run.py`` are wall times on a machine shared by three threads; this
is the work itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from run import DEFAULT_CACHE, SIZES, base_clip


def measure(video: Path) -> dict[str, float]:
    """The foot stage on every frame of ``video``: CPU and wall ms a frame, following and segmenting apart."""
    from coach.analysis import AnalysisConfig
    from coach.foot import FootTracker, reject_foot_hands
    from coach.hands import HandTracker
    from coach.sources import open_source

    with open_source(video) as source, HandTracker() as tracker:
        frames_hands = [(frame, tracker.detect(frame)) for frame in source]
    config = AnalysisConfig().foot
    foot_tracker = FootTracker(config)
    cpu: list[float] = []
    wall: list[float] = []
    segmenting_cpu = 0.0
    segmentations = 0
    scale = 0.0
    for frame, hands in frames_hands:
        c0, w0 = time.process_time(), time.perf_counter()
        foot = foot_tracker.update(frame, hands)
        reject_foot_hands(hands, foot, config)
        c1, w1 = time.process_time(), time.perf_counter()
        if foot.detected:
            segmentations += 1
            segmenting_cpu += c1 - c0
        elif foot.found:
            cpu.append(c1 - c0)
            wall.append(w1 - w0)
            scale = min(1.0, config.follow.px_per_fl / foot.length_px)
    if not cpu:
        raise SystemExit(f"{video}: the foot was never followed")
    return {
        "frames": len(frames_hands),
        "followed": len(cpu),
        "scale": scale,
        "cpu_ms": 1000 * statistics.mean(cpu),
        "cpu_median_ms": 1000 * statistics.median(cpu),
        "wall_ms": 1000 * statistics.mean(wall),
        "segmentations": segmentations,
        "segmenting_s": segmenting_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="480p,720p,1080p", help=f"comma-separated, of {list(SIZES)}")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the rendered session")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    args.cache.mkdir(parents=True, exist_ok=True)
    before = os.getloadavg()[0]
    print("| size | frames followed | scale | CPU ms a frame | median | wall ms | segmented (CPU s) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        r = measure(base_clip(args.cache, size, args.seconds))
        followed = f"{r['followed']:.0f} of {r['frames']:.0f}"
        segmented = f"{r['segmentations']:.0f} ({r['segmenting_s']:.1f})"
        print(
            f"| {size} | {followed} | {r['scale']:.3f} | {r['cpu_ms']:.2f} | {r['cpu_median_ms']:.2f} "
            f"| {r['wall_ms']:.2f} | {segmented} |"
        )
    print(f"\nLoad average (1 min): {before:.2f} before, {os.getloadavg()[0]:.2f} after.")


if __name__ == "__main__":
    main()
