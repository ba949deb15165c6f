"""``coach analyze``: a recorded session in, ``session.json``, ``report.html`` and an annotated video out."""

from __future__ import annotations

import sys
import tempfile
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from coach.analysis import AnalysisConfig, Engine, Overlay
from coach.errors import InputError
from coach.hands import HandTracker, TrackAhead
from coach.report import write_report
from coach.session import Session, write_session
from coach.sinks import VideoSink
from coach.sources import ReadAhead, open_source
from coach.timing import StageClock

# How long a cue stays on the annotated video.
CUE_SHOW_S = 3.0
# A video that ends this far short of the frames its header announces was cut short.
CUT_SHORT_SHARE = 0.95


@dataclass(frozen=True)
class AnalyzeResult:
    """What ``coach analyze`` wrote.

    Attributes:
        session: the session.
        session_path: ``DIR/session.json``.
        report_path: ``DIR/report.html``.
        video_path: ``DIR/annotated.mp4``, or None.
        frames_announced: the frame count in the video's header, or None when it gives none.
    """

    session: Session
    session_path: Path
    report_path: Path
    video_path: Path | None
    frames_announced: int | None

    @property
    def cut_short(self) -> bool:
        """The video ended well before the frames its header announces (a file cut short)."""
        announced = self.frames_announced
        return announced is not None and self.session.video.frame_count < CUT_SHORT_SHARE * announced


def _out_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"{path}: exists and is not a folder") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot create the output folder ({exc.strerror})") from None
    try:  # found out now, not after the whole video
        with tempfile.NamedTemporaryFile(dir=path, prefix=".footcoach-", suffix=".probe"):
            pass
    except OSError as exc:
        raise InputError(
            f"{path}: cannot write in the output folder ({exc.strerror}); choose another --out"
        ) from None
    # What a kill while writing leaves; never read, but it should not pile up.
    for leftover in (*path.glob(".session.json.*.partial"), *path.glob(".report.html.*.partial")):
        leftover.unlink(missing_ok=True)
    return path


def analyze_recording(
    video: Path,
    out_dir: Path,
    config: AnalysisConfig | None = None,
    annotate: bool = False,
    progress: bool | None = None,
    created_at: str | None = None,
    clock: StageClock | None = None,
    read_ahead: bool = True,
) -> AnalyzeResult:
    """Analyses a recording and writes the session, the report and optionally an annotated video.

    Streams: memory does not grow with the video's length beyond the small
    per-frame record. Decoding, hand tracking and the other stages run on
    three threads, each a few frames ahead of the next; every frame is
    analysed, in order, so the session is the same as frame by frame.
    Interrupted (Ctrl-C), it still writes what it analysed and then re-raises;
    on any other failure it writes nothing, so no session that looks complete
    describes part of a video.

    Args:
        video: any file OpenCV reads.
        out_dir: where to write (created if missing).
        config: stage settings.
        annotate: also write ``annotated.mp4`` with the overlay.
        progress: show a progress bar; None shows it when stderr is a terminal.
        created_at: the session's ``created_at`` (default: now).
        clock: times every stage into it (benchmarks); its wall time runs from
            opening the video to the last file written.
        read_ahead: decode and track hands on their own threads; False runs every
            stage on this thread (``coach batch`` workers, one per core, where the
            threads would only compete with the other workers).

    Raises:
        SourceError: the video cannot be read.
        InputError: the output cannot be written, or the output folder went away.
    """
    if progress is None:
        progress = sys.stderr.isatty()
    config = config or AnalysisConfig()
    overlay = Overlay()
    session_path, report_path = out_dir / "session.json", out_dir / "report.html"

    def timing(stage: str) -> AbstractContextManager[None]:
        return clock.timing(stage) if clock is not None else nullcontext()

    if clock is not None:
        clock.start()
    with ExitStack() as stack:
        opened = open_source(video)
        source = stack.enter_context(ReadAhead(opened, clock=clock) if read_ahead else opened)
        out_dir = _out_dir(out_dir)  # after the video opened: a bad video leaves no empty folder
        info = source.info
        tracker = stack.enter_context(HandTracker(config.hands))
        # Closed before the tracker: it waits for the inference under way.
        ahead = stack.enter_context(TrackAhead(source, tracker, clock=clock)) if read_ahead else None
        detector = tracker if ahead is None else ahead
        engine = stack.enter_context(Engine(info, config, tracker=detector, clock=clock))
        sink = None
        if annotate:
            sink = stack.enter_context(
                VideoSink(out_dir / "annotated.mp4", info.fps, (info.width, info.height))
            )
        cue_text, cue_until = "", -1.0
        bar = stack.enter_context(
            tqdm(
                total=info.frame_count,
                disable=not progress,
                unit="frame",
                desc=Path(info.name).name,
                leave=False,
            )
        )

        def write() -> Session:
            if not out_dir.is_dir():
                raise InputError(
                    f"{out_dir}: the output folder is gone (removed while analysing?); "
                    "nothing was written, run again"
                )
            with timing("write"):
                session = engine.summary(hindsight=True, created_at=created_at)
                write_session(session_path, session)
                write_report(report_path, session)
            if sink is not None:
                with timing("encode"):
                    sink.close(keep=True)
            return session

        try:
            for frame in source if ahead is None else ahead:
                result = engine.update(frame)
                bar.update(1)
                if clock is not None:
                    clock.count_frame()
                if sink is not None:
                    if result.cue is not None:
                        cue_text, cue_until = result.cue.message, frame.t_s + CUE_SHOW_S
                    shown = cue_text if frame.t_s <= cue_until else ""
                    with timing("overlay"):
                        picture = overlay.draw(frame.image.copy(), result, shown)
                    with timing("encode"):
                        sink.write(picture)
        except KeyboardInterrupt:
            write()  # stopped by the user: what was analysed is written, atomically
            raise
        session = write()
    if clock is not None:
        clock.stop()
    video_path = out_dir / "annotated.mp4" if annotate else None
    return AnalyzeResult(session, session_path, report_path, video_path, info.frame_count)
