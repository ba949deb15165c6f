"""Speed and memory of the whole coach, measured (not asserted): one command, one table.

Usage::

    .venv/bin/python benchmarks/run.py [--quick] [--markdown] [--cases NAME,...] [--json FILE]
                                       [--hand-model full|lite]

Renders a 20 s synthetic session (``coach synth``, the good session, seed 0)
once per frame size and loops it into 1, 5 and 30 minute videos in
``.bench-cache/`` (kept for the next run; delete it to start afresh). Then runs
``coach analyze`` on each video in a process of its own and prints one row per
case: frames, frames analysed per second and how many times real time that is,
milliseconds a frame spent in each stage, the coach's own share of the work (all
stages but decoding and MediaPipe's inference) and the process's peak memory.
Last, the live coach plays the 640x480 video at its own rate and the
capture-to-overlay latency is measured. ``--hand-model lite`` runs every case
with MediaPipe's lite landmark network instead of the full one. ``--quick`` is a smoke run on a few
seconds of video. The stages run on three threads at once (decoding, hand
tracking, the rest), so the stage times add up to more than the wall time.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import cv2

from coach.models import HAND_MODELS

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = REPO / ".bench-cache"
FPS = 30.0
SIZES: dict[str, tuple[int, int]] = {"480p": (640, 480), "720p": (1280, 720), "1080p": (1920, 1080)}

# The targets, at 640x480 and 30 fps.
TARGET_FPS = 45.0
TARGET_OWN_SHARE = 0.15
TARGET_PEAK_MB = 600.0


@dataclass(frozen=True)
class Case:
    """One run of ``coach analyze``.

    Attributes:
        size: "480p", "720p" or "1080p" (see :data:`SIZES`).
        seconds: length of the video.
        annotate: also draw the overlay and encode ``annotated.mp4`` (``--annotate``).
    """

    size: str
    seconds: float
    annotate: bool = False

    @property
    def name(self) -> str:
        length = f"{self.seconds / 60:g} min" if self.seconds >= 60 else f"{self.seconds:g} s"
        return f"{self.size} {length}" + (" annotated" if self.annotate else "")

    @property
    def slug(self) -> str:
        return self.name.replace(" ", "-")


@dataclass(frozen=True)
class Plan:
    """What one run of this script measures.

    Attributes:
        base_s: length of the rendered clip that the videos loop.
        cases: the ``coach analyze`` runs.
        live_s: seconds the live coach plays (0: not measured).
        live_warmup_s: the first seconds of live play not counted (finding the foot).
        alone_frames: frames of 640x480 video MediaPipe's hand tracker runs on alone,
            on one thread with nothing else running (0: not measured): the ceiling.
    """

    base_s: float
    cases: tuple[Case, ...]
    live_s: float
    live_warmup_s: float
    alone_frames: int


FULL = Plan(
    base_s=20.0,
    cases=(
        Case("480p", 60),
        Case("480p", 60, annotate=True),
        Case("720p", 60),
        Case("720p", 60, annotate=True),
        Case("1080p", 60),
        Case("1080p", 60, annotate=True),
        Case("480p", 300),
        Case("480p", 1800),
    ),
    live_s=20.0,
    live_warmup_s=3.0,
    alone_frames=600,
)
QUICK = Plan(
    base_s=1.0,
    cases=(Case("480p", 2), Case("480p", 2, annotate=True)),
    live_s=5.0,
    live_warmup_s=1.0,
    alone_frames=30,
)


# --- inputs -------------------------------------------------------------------------------------


def base_clip(cache: Path, size: str, seconds: float) -> Path:
    """The rendered clip every video of this size loops (rendered once, then kept)."""
    from coach.synth import SynthConfig, render

    w, h = SIZES[size]
    path = cache / f"good_session_seed0_{w}x{h}_{seconds:g}s.mp4"
    if path.exists():
        return path
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        out = Path(tmp) / "clip.mp4"  # the labels written beside it are not needed
        cfg = SynthConfig(choreography="good_session", seed=0, duration_s=seconds, size=(w, h), fps=FPS)
        render(cfg, out)
        os.replace(out, path)
    return path


def looped(cache: Path, base: Path, seconds: float) -> Path:
    """``base`` played over and over into a video of ``seconds`` (made once, then kept).

    Frame by frame through ``cv2.VideoWriter``, never the whole video in memory.
    """
    path = cache / f"{base.stem}_looped_{seconds:g}s.mp4"
    if path.exists():
        return path
    first = cv2.VideoCapture(str(base))
    size = (int(first.get(cv2.CAP_PROP_FRAME_WIDTH)), int(first.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    first.release()
    total = round(seconds * FPS)
    tmp = path.with_name(f".{path.stem}.partial.mp4")
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), FPS, size)
    if not writer.isOpened():
        raise RuntimeError(f"{tmp}: cannot write a video here")
    written = 0
    try:
        while written < total:
            cap = cv2.VideoCapture(str(base))
            start = written
            while written < total:
                ok, image = cap.read()
                if not ok:
                    break
                writer.write(image)
                written += 1
            cap.release()
            if written == start:
                raise RuntimeError(f"{base}: no frames to loop")
    finally:
        writer.release()
    os.replace(tmp, path)
    return path


def prepare(cache: Path, plan: Plan, log: bool = True) -> dict[Case, Path]:
    """Renders and loops every video the plan needs."""
    cache.mkdir(parents=True, exist_ok=True)
    videos = {}
    for case in plan.cases:
        t0 = time.perf_counter()
        base = base_clip(cache, case.size, plan.base_s)
        videos[case] = looped(cache, base, case.seconds)
        if log and time.perf_counter() - t0 > 1.0:
            print(f"  made {videos[case].name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return videos


# --- one case, in a process of its own ----------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def analyse_case(video: Path, annotate: bool, hand_model: str) -> dict[str, object]:
    """Runs ``coach analyze`` with every stage timed (in this process: its peak memory is the case's)."""
    from coach.analysis import AnalysisConfig
    from coach.hands import HandTrackerConfig
    from coach.recording import analyze_recording
    from coach.timing import StageClock

    clock = StageClock()
    config = AnalysisConfig(hands=HandTrackerConfig(model=hand_model))
    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as out:
        result = analyze_recording(video, Path(out), config, annotate=annotate, progress=False, clock=clock)
    times = clock.summary()
    return {
        **times.to_dict(),
        "video_s": result.session.video.duration_s,
        "peak_mb": round(_peak_mb(), 1),
    }


def live_case(video: Path, seconds: float, warmup_s: float, hand_model: str) -> dict[str, object]:
    """The live coach on ``video`` played at its own rate (headless), late frames dropped."""
    from bench_live import figures, run

    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as out:
        result = run(video, seconds, True, Path(out), hand_model)
    return {**figures(result, warmup_s), "peak_mb": round(_peak_mb(), 1)}


def hands_alone(video: Path, frames: int, hand_model: str) -> dict[str, object]:
    """MediaPipe's hand tracker by itself on the first ``frames`` frames (decoding, then inference)."""
    from bench_hands import time_frames

    decode, hands = time_frames(video, frames, hand_model)
    n = len(hands)
    return {"frames": n, "decode_ms": 1000 * sum(decode) / n, "hands_ms": 1000 * sum(hands) / n}


def _in_child(job: dict[str, object]) -> dict[str, object]:
    """Runs one job in a fresh process and returns what it printed last (a JSON line)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--job", json.dumps(job)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"benchmark job {job} failed (exit {done.returncode}):\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the table ----------------------------------------------------------------------------------

STAGE_COLUMNS = ("decode", "hands", "foot", "coach", "overlay", "encode", "write")


def _ms(value: float) -> str:
    return "–" if value == 0 else f"{value:.1f}"


def analyse_rows(results: list[tuple[Case, dict]]) -> tuple[list[str], list[list[str]]]:
    head = ["case", "frames", "fps", "x real time", *(f"{s} ms" for s in STAGE_COLUMNS), "own %", "peak MB"]
    rows = []
    for case, r in results:
        ms = r["ms_per_frame"]
        rows.append(
            [
                case.name,
                str(r["frames"]),
                f"{r['fps']:.1f}",
                f"{r['fps'] / FPS:.2f}",
                *(_ms(ms[s]) for s in STAGE_COLUMNS),
                f"{100 * r['own_share']:.0f}",
                f"{r['peak_mb']:.0f}",
            ]
        )
    return head, rows


def live_rows(live: dict, seconds: float) -> tuple[list[str], list[list[str]]]:
    head = ["live, 480p played at 30 fps", "median latency ms", "p90 latency ms", "max latency ms",
            "frames shown/s", "frames dropped", "peak MB"]  # fmt: skip
    row = [
        f"headless, {seconds:g} s",
        f"{live['latency_median_ms']:.0f}",
        f"{live['latency_p90_ms']:.0f}",
        f"{live['latency_max_ms']:.0f}",
        f"{live['fps_shown']:.1f}",
        str(live["frames_dropped"]),
        f"{live['peak_mb']:.0f}",
    ]
    return head, [row]


def format_table(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        align = ["---"] + ["---:"] * (len(head) - 1)
        lines = [head, align, *rows]
        return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = [f"{{:<{widths[0]}}}", *(f"{{:>{w}}}" for w in widths[1:])]
    lines = ("  ".join(f.format(c) for f, c in zip(fmt, cells, strict=True)) for cells in [head, *rows])
    return "\n".join(lines)


def verdicts(results: list[tuple[Case, dict]]) -> list[str]:
    """The issue's targets against what was measured (only those the cases allow)."""
    by_name = {case.name: r for case, r in results}
    lines = []
    one = by_name.get("480p 1 min")
    if one is not None:
        fps, share = one["fps"], one["own_share"]
        met = "met" if fps >= TARGET_FPS else "missed"
        lines.append(f"- 480p analysis: {fps:.1f} frames/s (target {TARGET_FPS:g} or more): {met}")
        met = "met" if share <= TARGET_OWN_SHARE else "missed"
        ms = one["ms_per_frame"]
        busy = sum(ms.values())
        no_foot = busy - ms["foot"]
        rest = (no_foot - ms["decode"] - ms["hands"]) / no_foot if no_foot > 0 else 0.0
        lines.append(
            f"- coach's own share of the work at 480p: {100 * share:.0f} % "
            f"(target {100 * TARGET_OWN_SHARE:.0f} % or less): {met}; "
            f"the foot stage is {100 * ms['foot'] / busy:.0f} points of it, the rest {100 * rest:.0f} % "
            "of the work without the foot stage"
        )
    long = by_name.get("480p 30 min")
    if long is not None:
        peak = long["peak_mb"]
        met = "met" if peak <= TARGET_PEAK_MB else "missed"
        line = f"- peak memory, 480p 30 min: {peak:.0f} MB (target {TARGET_PEAK_MB:g} MB or less): {met}"
        if one is not None:
            line += f"; {peak - one['peak_mb']:+.0f} MB against 1 min"
        lines.append(line)
    return lines


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _commit() -> str:
    def git(*words: str) -> str:
        return subprocess.run(
            ["git", "-C", str(REPO), *words], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "coach")
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return head + (" with changes" if dirty else "")


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run on a few seconds of video")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables (for the README)")
    parser.add_argument(
        "--cases", help="comma-separated case names as printed with - for spaces (e.g. 480p-1-min), or live"
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the videos are kept")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--hand-model",
        choices=list(HAND_MODELS),
        default="full",
        help="MediaPipe's hand networks (coach --hand-model)",
    )
    parser.add_argument("--job", help=argparse.SUPPRESS)  # one case, in a child process
    args = parser.parse_args(argv)

    if args.job:
        job = json.loads(args.job)
        if job["kind"] == "live":
            out = live_case(Path(job["video"]), job["seconds"], job["warmup_s"], job["hand_model"])
        elif job["kind"] == "hands":
            out = hands_alone(Path(job["video"]), job["frames"], job["hand_model"])
        else:
            out = analyse_case(Path(job["video"]), job["annotate"], job["hand_model"])
        print(json.dumps(out))
        return 0

    plan = QUICK if args.quick else FULL
    cases = plan.cases
    live_s = plan.live_s
    alone = plan.alone_frames
    if args.cases:
        wanted = {c.strip() for c in args.cases.split(",") if c.strip()}
        known = {c.slug for c in cases} | {"live", "hands-alone"}
        if wanted - known:
            unknown = ", ".join(sorted(wanted - known))
            parser.error(f"unknown case(s) {unknown}; known: {', '.join(sorted(known))}")
        cases = tuple(c for c in cases if c.slug in wanted)
        live_s = live_s if "live" in wanted else 0.0
        alone = alone if "hands-alone" in wanted else 0
    plan = Plan(plan.base_s, cases, live_s, plan.live_warmup_s, alone)

    load_before = _load()
    print(f"preparing videos in {args.cache} ...", file=sys.stderr)
    videos = prepare(args.cache, plan)
    # A little longer than the live run, which stops after live_s.
    live_video = looped(args.cache, base_clip(args.cache, "480p", plan.base_s), plan.live_s + 5.0)

    alone = None
    if plan.alone_frames > 0:
        print("  MediaPipe alone ...", file=sys.stderr, flush=True)
        alone = _in_child(
            {
                "kind": "hands",
                "video": str(live_video),
                "frames": plan.alone_frames,
                "hand_model": args.hand_model,
            }
        )
    results: list[tuple[Case, dict]] = []
    for case in plan.cases:
        print(f"  {case.name} ...", file=sys.stderr, flush=True)
        job = {
            "kind": "analyze",
            "video": str(videos[case]),
            "annotate": case.annotate,
            "hand_model": args.hand_model,
        }
        results.append((case, _in_child(job)))
    live = None
    if plan.live_s > 0:
        print(f"  live, {plan.live_s:g} s ...", file=sys.stderr, flush=True)
        job = {
            "kind": "live",
            "video": str(live_video),
            "seconds": plan.live_s,
            "hand_model": args.hand_model,
        }
        live = _in_child({**job, "warmup_s": plan.live_warmup_s})
    load_after = _load()

    when = datetime.datetime.now().astimezone().isoformat(timespec="minutes")
    print(
        f"Footcoach {_commit()}, {when}, {os.cpu_count()} cores, {args.hand_model} hand model; "
        f"load average (1, 5, 15 min) before {load_before}, after {load_after}"
    )
    print(f"Synthetic 30 fps videos looping a {plan.base_s:g} s render; ms per frame in each stage.")
    print()
    if results:
        print(format_table(*analyse_rows(results), args.markdown))
        print()
    if live is not None:
        print(format_table(*live_rows(live, plan.live_s), args.markdown))
        print()
    if alone is not None:
        print(
            f"MediaPipe's hand tracker alone at 640x480, on one thread, no other stage running: "
            f"{alone['hands_ms']:.1f} ms a frame ({1000 / alone['hands_ms']:.0f} frames/s; decoding "
            f"{alone['decode_ms']:.1f} ms more), over {alone['frames']} frames: the ceiling for analysis."
        )
    for line in verdicts(results):
        print(line)
    if args.json:
        doc = {
            "when": when,
            "commit": _commit(),
            "cores": os.cpu_count(),
            "load_before": load_before,
            "load_after": load_after,
            "cases": {case.name: r for case, r in results},
            "live": live,
            "hands_alone": alone,
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
