"""Speed of decoding and hand tracking, measured (not asserted) on this machine.

Usage::

    .venv/bin/python benchmarks/bench_hands.py [VIDEO] [--frames N] [--hand-model full|lite]

With no VIDEO, uses the default sample session. Prints one Markdown table row
per stage: milliseconds per frame (median and 90th percentile) and frames per
second, plus the process's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from coach.hands import HandTracker, HandTrackerConfig
from coach.models import HAND_MODELS
from coach.samples import default_sample_video
from coach.sources import open_source


def _row(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000.0 for s in seconds)
    med = statistics.median(ms)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    return f"| {name} | {med:.2f} | {p90:.2f} | {1000.0 / max(statistics.mean(ms), 1e-9):.0f} |"


def time_frames(video: Path, frames: int, model: str = "full") -> tuple[list[float], list[float]]:
    """Seconds to decode, and to track the hands in, each of the first ``frames`` frames, in turn."""
    decode, track = [], []
    with open_source(video) as source, HandTracker(HandTrackerConfig(model=model)) as tracker:
        frames_in = iter(source)
        for _ in range(frames):
            t0 = time.perf_counter()
            frame = next(frames_in, None)
            t1 = time.perf_counter()
            if frame is None:
                break
            tracker.detect(frame)
            decode.append(t1 - t0)
            track.append(time.perf_counter() - t1)
    return decode, track


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("video", nargs="?", type=Path)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--hand-model", choices=list(HAND_MODELS), default="full")
    args = parser.parse_args()
    video = args.video or default_sample_video()
    with open_source(video) as source:
        info = source.info
    decode, track = time_frames(video, args.frames, args.hand_model)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"{video.name}: {info.width}x{info.height}, {len(track)} frames")
    print("| stage | median ms/frame | p90 ms/frame | frames/s |")
    print("|---|---|---|---|")
    print(_row("decode", decode))
    print(_row("hands (MediaPipe, VIDEO mode)", track))
    print(_row("decode + hands", [a + b for a, b in zip(decode, track, strict=True)]))
    print(f"peak memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
