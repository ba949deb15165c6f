"""Live coaching speed: capture-to-overlay latency and frames shown per second, measured (not asserted).

Usage::

    .venv/bin/python benchmarks/bench_live.py [VIDEO] [--seconds N] [--window]

Plays VIDEO (default: the sample session) at its own frame rate, as a camera
would deliver it, through the whole live loop (hands, foot, strokes, pace,
cues, overlay) with late frames dropped, and prints a Markdown table:
latency from the moment a frame was captured to the moment its overlay was
shown (median, 90th percentile, worst), frames shown per second, frames
dropped, counted after a warm-up (the coach segments the foot before it shows
the first frame), and when the first frame was shown.
``--window`` also runs it with the OpenCV window (needs a display; under a
server use ``xvfb-run -a``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from coach.analysis import AnalysisConfig
from coach.foot import FootConfig
from coach.hands import HandTrackerConfig
from coach.live import LIVE_FOOT_SETTINGS, LiveConfig, LiveResult, run_live
from coach.models import HAND_MODELS
from coach.samples import default_sample_video


def figures(r: LiveResult, warmup_s: float) -> dict[str, float]:
    """Latency (median, 90th percentile, worst, ms) and frames shown per second after the warm-up.

    The warm-up (finding the foot at the start) is left out. Also: frames
    counted, frames dropped, and when the first frame was shown (s).
    """
    first = r.shown_at_s[0]
    keep = [i for i, t in enumerate(r.shown_at_s) if t >= first + warmup_s]
    if not keep:
        raise ValueError(f"no frame was shown after the {warmup_s:g} s warm-up; play a longer video")
    ms = sorted(r.latency_ms[i] for i in keep)
    span = r.shown_at_s[keep[-1]] - r.shown_at_s[keep[0]]
    return {
        "latency_median_ms": statistics.median(ms),
        "latency_p90_ms": ms[int(0.9 * (len(ms) - 1))],
        "latency_max_ms": ms[-1],
        "fps_shown": (len(keep) - 1) / span if span > 0 else 0.0,
        "frames_counted": len(keep),
        "frames_dropped": r.frames_dropped,
        "first_frame_s": first,
    }


def _row(name: str, r: LiveResult, warmup_s: float) -> str:
    """One table row over the frames shown after the warm-up (finding the foot at the start)."""
    f = figures(r, warmup_s)
    return (
        f"| {name} | {f['latency_median_ms']:.0f} | {f['latency_p90_ms']:.0f} | {f['latency_max_ms']:.0f} "
        f"| {f['fps_shown']:.1f} | {f['frames_counted']} | {f['frames_dropped']} | {f['first_frame_s']:.1f} |"
    )


def run(video: Path, seconds: float, headless: bool, out: Path, hand_model: str = "full") -> LiveResult:
    """Plays ``video`` at its own rate through the live loop, late frames dropped, for ``seconds``."""
    config = LiveConfig(
        source=str(video),
        out_root=out,
        headless=headless,
        max_seconds=seconds,
        realtime=True,
        keep_up=True,
        analysis=AnalysisConfig(
            hands=HandTrackerConfig(model=hand_model), foot=FootConfig(**LIVE_FOOT_SETTINGS)
        ),
    )
    return run_live(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("video", nargs="?", type=Path)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--window", action="store_true", help="also measure with the window")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds after the first frame not counted")
    parser.add_argument("--hand-model", choices=list(HAND_MODELS), default="full")
    args = parser.parse_args()
    video = args.video or default_sample_video()
    rows = []
    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as tmp:
        r = run(video, args.seconds, True, Path(tmp), args.hand_model)
        rows.append(_row("headless", r, args.warmup))
        size = f"{r.session.video.width}x{r.session.video.height}"
        if args.window:
            if not os.environ.get("DISPLAY"):
                parser.error("--window needs a display (run under xvfb-run -a)")
            rows.append(
                _row(
                    "window (OpenCV, Qt)",
                    run(video, args.seconds, False, Path(tmp), args.hand_model),
                    args.warmup,
                )
            )
    print(f"{video.name}: {size}, {args.seconds:g} s played at its own rate, {os.cpu_count()} cores")
    print(f"(after a {args.warmup:g} s warm-up; the last column is when the first frame was shown)")
    print(
        "| mode | median latency ms | p90 latency ms | max latency ms | frames shown/s | frames counted "
        "| frames dropped | first frame s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
