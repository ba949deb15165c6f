"""``coach analyze``: a recorded session in, ``session.json``, ``report.html`` and an annotated video out."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from coach.analysis import AnalysisConfig, Engine, Overlay
from coach.errors import InputError
from coach.report import write_report
from coach.session import Session, write_session
from coach.sinks import VideoSink
from coach.sources import open_source

# How long a cue stays on the annotated video.
CUE_SHOW_S = 3.0


@dataclass(frozen=True)
class AnalyzeResult:
    """What ``coach analyze`` wrote.

    Attributes:
        session: the session.
        session_path: ``DIR/session.json``.
        report_path: ``DIR/report.html``.
        video_path: ``DIR/annotated.mp4``, or None.
        complete: False when the analysis was interrupted (what was analysed is still written).
    """

    session: Session
    session_path: Path
    report_path: Path
    video_path: Path | None
    complete: bool


def _out_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"{path}: exists and is not a folder") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot create the output folder ({exc.strerror})") from None
    return path


def analyze_recording(
    video: Path,
    out_dir: Path,
    config: AnalysisConfig | None = None,
    annotate: bool = False,
    progress: bool | None = None,
    created_at: str | None = None,
) -> AnalyzeResult:
    """Analyses a recording and writes the session, the report and optionally an annotated video.

    Streams: memory does not grow with the video's length beyond the small
    per-frame record. Interrupted (Ctrl-C), it still writes what it analysed
    and then re-raises.

    Args:
        video: any file OpenCV reads.
        out_dir: where to write (created if missing).
        config: stage settings.
        annotate: also write ``annotated.mp4`` with the overlay.
        progress: show a progress bar; None shows it when stderr is a terminal.
        created_at: the session's ``created_at`` (default: now).

    Raises:
        SourceError: the video cannot be read.
        InputError: the output cannot be written.
    """
    out_dir = _out_dir(out_dir)
    if progress is None:
        progress = sys.stderr.isatty()
    overlay = Overlay()
    complete = False
    with ExitStack() as stack:
        source = stack.enter_context(open_source(video))
        info = source.info
        engine = stack.enter_context(Engine(info, config))
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
        try:
            for frame in source:
                result = engine.update(frame)
                bar.update(1)
                if sink is not None:
                    if result.cue is not None:
                        cue_text, cue_until = result.cue.message, frame.t_s + CUE_SHOW_S
                    shown = cue_text if frame.t_s <= cue_until else ""
                    sink.write(overlay.draw(frame.image.copy(), result, shown))
            complete = True
        finally:
            # Whatever happened, what was analysed is written (atomically).
            session = engine.summary(hindsight=True, created_at=created_at)
            session_path = out_dir / "session.json"
            report_path = out_dir / "report.html"
            write_session(session_path, session)
            write_report(report_path, session)
            if sink is not None:
                sink.close(keep=True)
    return AnalyzeResult(session, session_path, report_path, out_dir / "annotated.mp4" if annotate else None,
                         complete)  # fmt: skip
