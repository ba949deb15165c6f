"""The ``coach`` command line. Thin: parse, build configs, call the library, report."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from coach import __version__
from coach.errors import CoachError
from coach.models import HAND_MODELS

if TYPE_CHECKING:
    from coach.analysis import AnalysisConfig


class _Group(click.Group):
    """Turns errors the user can act on into one line and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoachError as exc:
            click.echo(f"coach: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("coach: interrupted", err=True)
            sys.exit(130)
        except click.UsageError as exc:  # a bad option or argument is bad input too: one line
            ctx = exc.ctx
            command = "coach" if ctx is None or ctx.parent is None else f"coach {ctx.info_name}"
            click.echo(f"coach: error: {exc.format_message()} (see {command} --help)", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # a bug: keep the details, show one line
            log = Path(tempfile.gettempdir()) / "footcoach-crash.log"
            try:
                log.write_text(traceback.format_exc(), encoding="utf-8")
                where = f"; details in {log}"
            except OSError:
                where = ""
            click.echo(f"coach: internal error: {type(exc).__name__}: {exc}{where}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="coach")
def main() -> None:
    """Footcoach: a computer-vision coach for foot massage."""
    # FFmpeg's own log lines (e.g. "moov atom not found") would add a second,
    # cryptic line to our one-line errors; the coach says what went wrong itself.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")


def _default_sample() -> Path:
    from coach.samples import default_sample_video

    return default_sample_video()


class _Point(click.ParamType):
    """An "X,Y" pixel position."""

    name = "X,Y"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        try:
            x, y = (float(part) for part in str(value).split(","))
        except ValueError:
            self.fail(f"{value!r} is not X,Y (two numbers, e.g. 120,340)", param, ctx)
        return (x, y)


_FOOT_OPTIONS = (
    click.option("--heel", type=_Point(), help="Heel position in pixels, for a fixed camera (with --toe)."),
    click.option("--toe", type=_Point(), help="Tip of the longest toe in pixels (with --heel)."),
    click.option(
        "--side", type=click.Choice(["left", "right"]), help="Which foot it is, if the coach gets it wrong."
    ),
    click.option(
        "--view",
        type=click.Choice(["sole", "top"]),
        default="sole",
        show_default=True,
        help="What the camera sees of the foot.",
    ),
)


def _foot_options(command: Any) -> Any:
    """--heel, --toe, --side and --view: telling the coach about the foot (analyze and live)."""
    for option in reversed(_FOOT_OPTIONS):
        command = option(command)
    return command


_HAND_MODEL_OPTION = click.option(
    "--hand-model",
    type=click.Choice(list(HAND_MODELS)),
    default="full",
    show_default=True,
    help="MediaPipe's hand networks: lite tracks hands in about half the time, a little less exactly.",
)


def _check_calibration(heel: tuple[float, float] | None, toe: tuple[float, float] | None) -> None:
    if (heel is None) != (toe is None):
        raise click.UsageError("give --heel and --toe together")


def _video_analysis(
    heel: tuple[float, float] | None,
    toe: tuple[float, float] | None,
    side: str | None,
    view: str,
    hand_model: str,
) -> AnalysisConfig:
    """The settings for analysing recorded video, from the foot and hand-model options."""
    from coach.analysis import VIDEO_FOOT_SETTINGS, AnalysisConfig
    from coach.foot import FootConfig
    from coach.hands import HandTrackerConfig

    _check_calibration(heel, toe)
    return AnalysisConfig(
        hands=HandTrackerConfig(model=hand_model),
        foot=FootConfig(view=view, **VIDEO_FOOT_SETTINGS),
        heel_px=heel,
        toe_px=toe,
        side=side,
    )


@main.command()
@click.argument("video", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out"),
    show_default=True,
    help="Folder for session.json, report.html and annotated.mp4.",
)
@click.option("--annotate", is_flag=True, help="Also write annotated.mp4 with the coach's overlay.")
@_foot_options
@_HAND_MODEL_OPTION
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
def analyze(
    video: Path | None,
    out_dir: Path,
    annotate: bool,
    heel: tuple[float, float] | None,
    toe: tuple[float, float] | None,
    side: str | None,
    view: str,
    hand_model: str,
    progress: bool | None,
) -> None:
    """Analyse a recorded session: strokes, pace, coverage; writes session.json and report.html.

    With no VIDEO, analyses the default sample session.
    """
    from coach.recording import analyze_recording

    config = _video_analysis(heel, toe, side, view, hand_model)
    result = analyze_recording(
        video or _default_sample(), out_dir, config, annotate=annotate, progress=progress
    )
    s = result.session
    if result.cut_short:
        click.echo(
            f"coach: note: {s.video.source}: the video ends after {s.video.frame_count} of the "
            f"{result.frames_announced} frames its header announces (cut short?); the session covers those",
            err=True,
        )
    found = "" if s.foot.found else " (no foot found: nothing counted)"
    click.echo(
        f"{len(s.strokes)} strokes, {s.active_s:.0f} s of massage in {s.video.duration_s:.0f} s{found}"
    )
    click.echo(f"wrote {result.session_path}")
    click.echo(f"wrote {result.report_path}")
    if result.video_path is not None:
        click.echo(f"wrote {result.video_path}")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Folder for one folder per video, summary.csv, summary.html and batch.json.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Videos analysed at once [default: the number of cores].",
)
@click.option(
    "--ray",
    "ray_address",
    metavar="ADDRESS",
    help="Run on a Ray cluster: local (start one here), auto, HOST:PORT or ray://HOST:PORT.",
)
@_foot_options
@_HAND_MODEL_OPTION
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
def batch(
    inputs: tuple[Path, ...],
    out_dir: Path,
    workers: int | None,
    ray_address: str | None,
    heel: tuple[float, float] | None,
    toe: tuple[float, float] | None,
    side: str | None,
    view: str,
    hand_model: str,
    progress: bool | None,
) -> None:
    """Analyse many recordings: a session and a report for each, and one summary of all.

    INPUTS are video files and folders (the videos inside them, at any depth).
    Videos done by an earlier run into the same --out are skipped; one that fails
    is reported and the others go on. Exit status: 0 all done, 1 some failed,
    2 bad arguments or an unusable output folder.
    """
    from coach.batch import BatchConfig, default_workers, one_line, run_batch

    analysis = _video_analysis(heel, toe, side, view, hand_model)
    config = BatchConfig(
        workers=workers or default_workers(),
        ray_address=ray_address,
        analysis=analysis,
        progress=progress,
    )
    result = run_batch(inputs, out_dir, config)
    analysed, skipped, failed = result.analysed, result.skipped, result.failed
    count = len(result.rows) - result.earlier
    earlier = f"; the summary also lists {result.earlier} from earlier runs" if result.earlier else ""
    click.echo(
        f"{count} video{'' if count == 1 else 's'}: {analysed} analysed, {skipped} done before, "
        f"{failed} failed ({result.seconds:.0f} s){earlier}"
    )
    for row in result.rows:
        if not row.done:
            click.echo(f"failed: {one_line(row.video)}: {row.reason}", err=True)
    click.echo(f"wrote {result.csv_path}")
    click.echo(f"wrote {result.html_path}")
    if result.exit_code:
        sys.exit(result.exit_code)


@main.command(name="eval")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--suite",
    type=click.Choice(["full", "ci", "composite"]),
    help="Render (once) and measure a synthetic evaluation suite (composite: drawn with real photos).",
)
@click.option(
    "--photos",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("../shared/data"),
    show_default=True,
    help="The shared test photos (hands/, feet/) the composite suite is drawn with.",
)
@click.option(
    "--cache",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(".eval-suite"),
    show_default=True,
    help="Where suite clips are rendered and kept.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write every figure as JSON to this file.",
)
@click.option(
    "--true-foot",
    is_flag=True,
    help="Take the foot from the labels: measures the hand, contact and stroke stages alone.",
)
@_HAND_MODEL_OPTION
def eval_(
    paths: tuple[Path, ...],
    suite: str | None,
    photos: Path,
    cache: Path,
    json_out: Path | None,
    true_foot: bool,
    hand_model: str,
) -> None:
    """Measure the coach on labelled clips (a video with <name>.labels.json beside it, or folders of them).

    Runs the whole coach on each clip (real hand tracking on the video) and
    compares with the truth: per-type precision, recall and F1, confusion
    matrix, zone accuracy, coverage error, rate and glide-speed errors, and
    the foot stage's figures.
    """
    import json

    from coach.evaluate import ensure_suite, evaluate_clip, find_clips, format_report, load_labels
    from coach.hands import HandTracker, HandTrackerConfig
    from coach.session import check_writable, write_text_atomic

    if not paths and suite is None:
        raise click.UsageError("give labelled clips or folders, or --suite")
    if json_out is not None:
        check_writable(json_out)  # now, not after every clip
    listed = list(paths) + (ensure_suite(suite, cache, photos) if suite else [])
    clips = find_clips(listed)
    results = []
    with HandTracker(HandTrackerConfig(model=hand_model)) as tracker:
        for video, labels in clips:
            results.append(evaluate_clip(video, load_labels(labels), tracker=tracker, true_foot=true_foot))
            click.echo(f"{video.name}: done in {results[-1].seconds:.0f} s", err=True)
    pooled = sum((r.strokes for r in results[1:]), results[0].strokes)
    foot = sum((r.foot for r in results[1:]), results[0].foot)
    click.echo(format_report(results, pooled, foot))
    if json_out is not None:
        doc = {
            "clips": {r.name: {"strokes": r.strokes.to_json(), "foot": r.foot.to_json()} for r in results},
            "all": {"strokes": pooled.to_json(), "foot": foot.to_json()},
        }
        write_text_atomic(json_out, json.dumps(doc, indent=2, sort_keys=True) + "\n")
        click.echo(f"wrote {json_out}")


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object; JSON lines for a video).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the picture or video with the landmarks drawn on it.",
)
@click.option("--max-frames", type=click.IntRange(min=1), help="Stop a video after this many frames.")
@click.option(
    "--smooth/--no-smooth",
    default=False,
    show_default=True,
    help="One Euro smoothing of the landmarks (videos).",
)
def hands(path: Path | None, as_json: bool, out: Path | None, max_frames: int | None, smooth: bool) -> None:
    """Find hands in an image or a video and print their landmarks (a debugging aid).

    With no PATH, uses the default sample video.
    """
    from coach.handview import dump_hands

    dump_hands(
        path or _default_sample(),
        as_json=as_json,
        out=out,
        max_frames=max_frames,
        smooth=smooth,
        echo=click.echo,
    )


@main.command()
@click.argument("session_file", metavar="SESSION.json", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the page [default: report.html beside the session file].",
)
@click.option(
    "--foot-length-cm",
    type=click.FloatRange(5.0, 50.0),
    default=25.0,
    show_default=True,
    help="The foot's length, to show glide speeds in cm/s too.",
)
def report(session_file: Path, out: Path | None, foot_length_cm: float) -> None:
    """Re-render the HTML report of a saved session."""
    from coach.report import ReportConfig, write_report
    from coach.session import load_session

    session = load_session(session_file)
    out = out or session_file.with_name("report.html")
    write_report(out, session, ReportConfig(foot_length_cm=foot_length_cm))
    click.echo(f"wrote {out}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("history.html"),
    show_default=True,
    help="Where to write the page.",
)
@click.option(
    "--foot-length-cm",
    type=click.FloatRange(5.0, 50.0),
    default=25.0,
    show_default=True,
    help="The foot's length, to show glide speeds in cm/s too.",
)
def history(paths: tuple[Path, ...], out: Path, foot_length_cm: float) -> None:
    """Progress across sessions: session.json files, or folders holding them, on one page."""
    from coach.history import write_history
    from coach.report import ReportConfig

    count = write_history(out, paths, ReportConfig(foot_length_cm=foot_length_cm))
    click.echo(f"wrote {out} ({count} session{'' if count == 1 else 's'})")


@main.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The video to write (.mp4); the labels go beside it as <name>.labels.json.",
)
@click.option(
    "--choreography",
    type=click.Choice(["good_session", "rushed_session", "neglects_arches", "random"]),
    default="good_session",
    show_default=True,
    help="Which strokes the working hand performs; random ones come from --seed.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same frames.")
@click.option("--duration", type=float, help="Cut the session at this many seconds (default: all of it).")
@click.option("--size", default="640x480", show_default=True, help="Frame size, WIDTHxHEIGHT.")
@click.option("--fps", type=float, default=30.0, show_default=True, help="Frames per second.")
@click.option("--view", type=click.Choice(["sole", "top"]), default="sole", show_default=True)
@click.option("--side", type=click.Choice(["left", "right"]), default="right", show_default=True)
@click.option(
    "--hand-facing",
    type=click.Choice(["back", "palm"]),
    default="back",
    show_default=True,
    help="Which side of the working hand faces the camera.",
)
@click.option("--holding-hand/--no-holding-hand", default=True, show_default=True)
@click.option(
    "--quality",
    type=click.Choice(["clean", "webcam", "poor"]),
    default="webcam",
    show_default=True,
    help="Sensor noise, motion blur and passing occluders.",
)
@click.option("--background", type=click.Choice(["towel", "floor", "cloth"]), help="Default: from the seed.")
@click.option("--foot-skin", help="Skin tone name (very_fair, fair, medium, olive, brown, dark).")
@click.option("--hand-skin", help="Skin tone name, as --foot-skin.")
@click.option(
    "--rotation", type=float, help="Foot direction in degrees, 0 = toes up (default: from the seed)."
)
@click.option(
    "--sheet",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a PNG grid of frames from the video.",
)
def synth(
    out: Path, sheet: Path | None, size: str, duration: float | None, hand_facing: str, **options: Any
) -> None:
    """Render a synthetic massage session with its exact ground truth."""
    from coach.synth import SynthConfig, parse_size, render
    from coach.synth.sheet import write_frame_sheet

    config = SynthConfig(
        size=parse_size(size),
        duration_s=duration,
        palm_view=hand_facing == "palm",
        rotation_deg=options.pop("rotation"),
        **options,
    )
    labels = render(config, out)
    video = labels.data["video"]
    click.echo(f"wrote {out} ({video['frame_count']} frames, {len(labels.data['strokes'])} strokes)")
    click.echo(f"wrote {out.with_name(out.stem + '.labels.json')}")
    if sheet is not None:
        write_frame_sheet(out, labels.data, sheet)
        click.echo(f"wrote {sheet}")


@main.command("synth-check")
@click.argument("videos", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--strict", is_flag=True, help="Exit 1 when a clip misses the thresholds (95 % found, 90 % thumb)."
)
def synth_check(videos: tuple[Path, ...], strict: bool) -> None:
    """Run the hand tracker over rendered clips and print how well it matches their truth."""
    from coach.synth.check import check_clip, figures_table

    rows = [check_clip(v) for v in videos]
    click.echo(figures_table(rows))
    if strict and not all(r.passes for r in rows):
        click.echo("coach: some clips miss the thresholds", err=True)
        sys.exit(1)


# --- coach live ---------------------------------------------------------------------------------


@main.command()
@click.option(
    "--source",
    default="0",
    show_default=True,
    help="Camera index, device path (/dev/video0), stream URL, or a video file (played at its own rate).",
)
@click.option(
    "--out",
    "out_root",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out"),
    show_default=True,
    help="Each session is written to its own folder in here: live-<date>-<time>/session.json.",
)
@click.option(
    "--headless", is_flag=True, help="No window (servers, CI, tests): same engine, same session file."
)
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), help="Stop after this much time.")
@click.option(
    "--routine", help="A guided routine: evening (5 min), full (10 min), or a routine file (.toml)."
)
@click.option(
    "--voice/--quiet",
    default=None,
    help="Speak each cue and chime when a routine step is done (default: when a sound device exists).",
)
@click.option("--mirror/--no-mirror", default=None, help="Mirror the picture (default: for cameras).")
@click.option(
    "--keep-up/--every-frame",
    default=None,
    help="Drop frames the coach cannot keep up with (default: with a window or a camera), "
    "or analyse every one.",
)
@click.option(
    "--realtime/--no-realtime",
    default=True,
    show_default=True,
    help="Play a video file at its own frame rate; --no-realtime runs it as fast as the coach can.",
)
@click.option(
    "--zones-after",
    type=click.FloatRange(min=0),
    default=45.0,
    show_default=True,
    help="Seconds of massage before the coach names a neglected zone.",
)
@_foot_options
@_HAND_MODEL_OPTION
def live(
    source: str,
    out_root: Path,
    headless: bool,
    max_seconds: float | None,
    routine: str | None,
    voice: bool | None,
    mirror: bool | None,
    keep_up: bool | None,
    realtime: bool,
    zones_after: float,
    heel: tuple[float, float] | None,
    toe: tuple[float, float] | None,
    side: str | None,
    view: str,
    hand_model: str,
) -> None:
    """Live coaching from a webcam: the coach watches, shows and says what to change.

    Keys: q quit, space pause, r reset, c recalibrate the foot (click heel, then toe), h help.
    The session is saved every few seconds and written on quit, Ctrl-C or when the camera stops.
    """
    from contextlib import ExitStack

    from coach.analysis import AnalysisConfig
    from coach.cues import CoachConfig
    from coach.foot import FootConfig
    from coach.hands import HandTrackerConfig
    from coach.live import LIVE_COACH_SETTINGS, LIVE_FOOT_SETTINGS, LiveConfig, recover_stale, run_live
    from coach.routines import load_routine

    _check_calibration(heel, toe)
    plan = load_routine(routine) if routine is not None else None
    analysis = AnalysisConfig(
        hands=HandTrackerConfig(model=hand_model),
        foot=FootConfig(view=view, **LIVE_FOOT_SETTINGS),
        coach=CoachConfig(neglect_after_s=zones_after, **LIVE_COACH_SETTINGS),
        heel_px=heel,
        toe_px=toe,
        side=side,
    )
    config = LiveConfig(
        source=source,
        out_root=out_root,
        headless=headless,
        max_seconds=max_seconds,
        realtime=realtime,
        keep_up=keep_up,
        mirror=mirror,
        routine=plan,
        analysis=analysis,
    )
    for found in recover_stale(out_root):
        click.echo(f"recovered an interrupted session ({found.duration_s:.0f} s): {found.session_path}")
    with ExitStack() as stack:
        speaker = None
        if voice is not False:
            from coach.voice import Speaker, speech_problem

            problem = speech_problem()
            if problem is None:
                speaker = stack.enter_context(Speaker())
            else:
                click.echo(f"cues are shown, not spoken: {problem}", err=True)
        where = "headless" if headless else "q quits, h shows the keys"
        click.echo(f"coaching from {source} ({where})")
        result = run_live(config, speaker=speaker, note=click.echo)
    s = result.session
    click.echo(
        f"{len(s.strokes)} strokes, {s.active_s:.0f} s of massage in {s.video.duration_s:.0f} s, "
        f"{len(s.cues)} cues"
    )
    for folder in result.sessions:
        click.echo(f"wrote {folder / 'session.json'}")
