"""``coach batch`` with 1 and 2 workers, on the process pool and on Ray's local cluster, measured.

Usage::

    .venv/bin/python benchmarks/bench_batch.py [--clips 8] [--seconds 10] [--runners pool,ray]
        [--workers 1,2] [--repeat N] [--threads 1|default] [--read-ahead auto|on|off]

Renders ``--clips`` synthetic sessions (random choreographies, seeds 0, 1, ...;
640x480, 30 fps) once into ``.bench-cache/batch-<clips>x<seconds>s/`` (kept for
the next run), then for each runner and worker count runs the whole batch into a
fresh output folder, so every clip is analysed (nothing is skipped); with
``--repeat N``, N rounds of every configuration in turn. Prints one Markdown
row per configuration (medians over the rounds, the range in brackets): wall
time of the batch (Ray's start included, and shown apart), the mean wall time
of one clip's analysis inside a worker (it grows when workers share cores), and
the ratio to 1 worker, with the machine's load before and after (other jobs on
the machine slow every figure).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = REPO / ".bench-cache"


def render_clips(cache: Path, count: int, seconds: float) -> Path:
    """The clips, rendered once: ``<cache>/batch-<count>x<seconds>s/clip-<i>.mp4``."""
    from coach.synth import SynthConfig, render

    folder = cache / f"batch-{count}x{seconds:g}s"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        video = folder / f"clip-{i}.mp4"
        if not video.is_file():
            render(SynthConfig(choreography="random", seed=i, duration_s=seconds), video)
    return folder


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def run(
    clips: Path, runner: str, workers: int, threads: int | None, read_ahead: bool | None
) -> tuple[float, float, float]:
    """One batch into a fresh folder: (wall s, of which Ray's start, mean s per clip in a worker)."""
    from coach.batch import BatchConfig, run_batch

    ray = None
    out = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        t0 = time.perf_counter()
        started = 0.0
        if runner == "ray":
            import ray

            ray.init(
                num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR
            )
            started = time.perf_counter() - t0
        config = BatchConfig(
            workers=workers,
            ray_address="local" if runner == "ray" else None,
            progress=False,
            threads=threads,
            read_ahead=read_ahead,
        )
        result = run_batch([clips], out, config)
        if ray is not None:
            ray.shutdown()
        wall = time.perf_counter() - t0
        if result.failed or result.analysed != len(result.rows):
            raise SystemExit(f"the batch did not analyse every clip: {[r.reason for r in result.rows]}")
        return wall, started, sum(r.seconds for r in result.rows) / len(result.rows)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runners", default="pool,ray", help="pool, ray or both, comma-separated")
    parser.add_argument(
        "--workers", default="1,2", help="worker counts, comma-separated; the first is the base"
    )
    parser.add_argument("--threads", default="1", help="OpenCV threads per worker, or 'default'")
    parser.add_argument(
        "--read-ahead",
        choices=["auto", "on", "off"],
        default="auto",
        help="decoding and hand tracking on threads of their own in each worker (auto: as coach batch)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the table gives medians")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    threads = None if args.threads == "default" else int(args.threads)
    read_ahead = {"auto": None, "on": True, "off": False}[args.read_ahead]
    counts = [int(w) for w in args.workers.split(",")]
    runners = args.runners.split(",")

    t0 = time.perf_counter()
    clips = render_clips(args.cache, args.clips, args.seconds)
    print(f"{args.clips} clips of {args.seconds:g} s (640x480, 30 fps) in {clips}", file=sys.stderr)
    print(f"rendered or found in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(
        f"cores: {os.cpu_count()}; OpenCV threads per worker: {args.threads}; "
        f"read-ahead threads: {args.read_ahead}; load before: {load()}"
    )
    print()
    # Rounds run every configuration once, in turn, so that a load that comes and goes
    # on the machine falls on all of them alike; the table gives each one's median.
    runs: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
    for round_ in range(args.repeat):
        for runner in runners:
            for workers in counts:
                figures = run(clips, runner, workers, threads, read_ahead)
                runs.setdefault((runner, workers), []).append(figures)
                wall, started, per_clip = figures
                print(
                    f"round {round_ + 1}: {runner} {workers} worker(s): {wall:.1f} s "
                    f"(Ray's start {started:.1f} s, {per_clip:.1f} s per clip), load {load()}",
                    file=sys.stderr,
                    flush=True,
                )
    print(
        "| runner | workers | wall s | Ray's start s | s per clip in a worker | wall / wall with 1 worker |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for runner in runners:
        base = statistics.median(w for w, _, _ in runs[(runner, counts[0])])
        for workers in counts:
            wall, started, per_clip = (
                statistics.median(x) for x in zip(*runs[(runner, workers)], strict=True)
            )
            spread = f" ({min(w for w, _, _ in runs[(runner, workers)]):.0f}–" if args.repeat > 1 else ""
            spread += f"{max(w for w, _, _ in runs[(runner, workers)]):.0f})" if args.repeat > 1 else ""
            start_text = f"{started:.1f}" if runner == "ray" else "–"
            name = "process pool" if runner == "pool" else "Ray, local cluster"
            cells = [
                name,
                str(workers),
                f"{wall:.1f}{spread}",
                start_text,
                f"{per_clip:.1f}",
                f"{wall / base:.2f}",
            ]
            print("| " + " | ".join(cells) + " |")
    print()
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
