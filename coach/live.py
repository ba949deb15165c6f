"""``coach live``: coaching while the hands are on the foot, from a camera, a stream or a file.

The loop is source -> engine -> overlay -> sink::

    with open_source(spec, realtime=True) as source, Engine(source.info) as engine:
        for grabbed in LatestFrames(source):          # the newest frame; late ones are dropped
            result = engine.update(grabbed.frame)     # hands, foot, strokes, pace, cues
            commands = sink.show(view.draw(result))   # window (keys, clicks) or headless
            folder.checkpoint(...)                    # every few seconds, atomically

Everything the user can do (quit, pause, reset, recalibrate, help) arrives as a
:class:`Command`; the picture is mirrored for display only, after inference.
Nothing is lost: the session is checkpointed every few seconds to
``session.checkpoint.json`` with atomic writes and finished into
``session.json`` and ``report.html`` on quit, Ctrl-C, SIGTERM, the end of a
file and a camera that stops. A checkpoint left by a process that was killed
is finished by the next ``coach live`` (:func:`recover_stale`).
"""

from __future__ import annotations

import contextlib
import enum
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import FrameType

import cv2
import numpy as np

from coach.analysis import VIDEO_FOOT_SETTINGS, AnalysisConfig, Engine, FrameResult, Overlay, hud_data
from coach.errors import CoachError, InputError, SourceError
from coach.foot import Foot, FootConfig, FootTracker
from coach.hands import Hands
from coach.live_overlay import (
    BadgeAnnotator,
    HelpAnnotator,
    PromptAnnotator,
    RoutineAnnotator,
    RoutineView,
)
from coach.report import write_report
from coach.routines import RoutinePlan, RoutineTracker, StepProgress
from coach.session import Cue as SessionCue
from coach.session import Session, VideoInfo, load_session, write_session
from coach.sources import Frame, Source, SourceInfo, open_source

LIVE_FOOT_SETTINGS: dict[str, float] = VIDEO_FOOT_SETTINGS
"""Foot-stage settings for live use: the video settings. Segmenting the foot blocks the
loop while it runs, so live coaching segments a smaller picture, once, and then follows
the foot (``coach.foot_track``) instead of segmenting it again."""

LIVE_COACH_SETTINGS: dict[str, float] = {"pace_hold_s": 0.25}
"""Cue settings (:class:`coach.cues.CoachConfig`) for live use. A rushed glide is over in
well under a second, so a pace verdict is said once it has held a quarter of a second
(the pace judge's own hysteresis already keeps it from flickering)."""

CHECKPOINT_NAME = "session.checkpoint.json"
LOCK_NAME = "live.pid"
SESSION_NAME = "session.json"
REPORT_NAME = "report.html"
FOLDER_PREFIX = "live-"


class Command(enum.Enum):
    """What the user asked for, from a key."""

    QUIT = "quit"
    PAUSE = "pause"
    RESET = "reset"
    RECALIBRATE = "recalibrate"
    HELP = "help"


KEYS: dict[str, Command] = {
    "q": Command.QUIT,
    "\x1b": Command.QUIT,
    " ": Command.PAUSE,
    "r": Command.RESET,
    "c": Command.RECALIBRATE,
    "h": Command.HELP,
}
"""Keys of the live window (lower case; upper case works too)."""


def command_for_key(code: int) -> Command | None:
    """The command for an OpenCV key code (``cv2.waitKey``), or None."""
    if code < 0:
        return None
    return KEYS.get(chr(code & 0xFF).lower())


@dataclass(frozen=True)
class LiveConfig:
    """Settings of a live session.

    Attributes:
        source: camera index, device path, stream URL or video file (``open_source``).
        out_root: each session gets its own folder ``out_root/live-<date>-<time>``.
        headless: no window (servers, CI, tests).
        max_seconds: stop after this much session time (None: until the source ends or q).
        realtime: play files at their own frame rate, as a camera would.
        keep_up: analyse the newest frame and drop late ones (None: with a window, or a
            camera/stream); False analyses every frame, as ``coach analyze`` does.
        mirror: show the picture mirrored (None: for cameras only); inference never sees it mirrored.
        checkpoint_every_s: how often the session is saved while it runs (session time).
        cue_show_s: how long a cue stays on screen.
        routine: a guided routine to follow, or None.
        analysis: the engine's settings.
        window_name: the window's title.
        report: also write ``report.html`` when a session ends.
    """

    source: str = "0"
    out_root: Path = Path("out")
    headless: bool = False
    max_seconds: float | None = None
    realtime: bool = True
    keep_up: bool | None = None
    mirror: bool | None = None
    checkpoint_every_s: float = 3.0
    cue_show_s: float = 4.0
    routine: RoutinePlan | None = None
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    window_name: str = "Footcoach"
    report: bool = True

    def __post_init__(self) -> None:
        if self.max_seconds is not None and not self.max_seconds > 0:
            raise ValueError(f"max_seconds must be > 0, got {self.max_seconds}")
        if not self.checkpoint_every_s > 0:
            raise ValueError(f"checkpoint_every_s must be > 0, got {self.checkpoint_every_s}")
        if not self.cue_show_s > 0:
            raise ValueError(f"cue_show_s must be > 0, got {self.cue_show_s}")


# --- frames -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grabbed:
    """A frame and when it was captured (``time.perf_counter()`` seconds, for latency)."""

    frame: Frame
    captured: float


class SourceFailedError(Exception):
    """The source raised while giving frames (a camera unplugged, a stream cut); ``cause`` says how."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__)
        self.cause = cause


def every_frame(source: Source) -> Iterator[Grabbed]:
    """Every frame of the source, in order, stamped when it arrived.

    Raises:
        SourceFailedError: the source raised.
    """
    iterator = iter(source)
    while True:
        try:
            frame = next(iterator)
        except StopIteration:
            return
        except Exception as exc:
            raise SourceFailedError(exc) from exc
        yield Grabbed(frame, time.perf_counter())


class LatestFrames:
    """Reads a source on its own thread and hands out only the newest frame.

    A camera keeps delivering while the coach works on a frame; a frame that
    waited is stale, so it is dropped (counted in :attr:`dropped`) rather than
    queued, and latency stays one frame. An exception from the source (a
    camera unplugged) is raised from the iteration, and so is a source that
    gives no picture for ``stall_s`` (a camera that hangs instead of failing).

    Args:
        source: an opened source.
        stall_s: the longest wait for a frame before the source counts as lost.
        interrupt: when set (e.g. by a signal handler), the iteration ends at once.
    """

    def __init__(
        self, source: Source, stall_s: float = 5.0, interrupt: threading.Event | None = None
    ) -> None:
        self._source = source
        self._stall_s = stall_s
        self._interrupt = interrupt or threading.Event()
        self._slot: queue.Queue[Grabbed | BaseException | None] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="footcoach-frames", daemon=True)
        self._thread.start()

    def _put(self, item: Grabbed | BaseException | None) -> None:
        if not isinstance(item, Grabbed):
            # The end (or a failure) waits behind the last frame instead of replacing it.
            while not self._stop.is_set():
                try:
                    self._slot.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue
            return
        while not self._stop.is_set():
            try:
                self._slot.put_nowait(item)
                return
            except queue.Full:
                try:
                    old = self._slot.get_nowait()
                    if isinstance(old, Grabbed):
                        self.dropped += 1
                except queue.Empty:
                    pass

    def _run(self) -> None:
        try:
            for frame in self._source:
                if self._stop.is_set():
                    return
                self._put(Grabbed(frame, time.perf_counter()))
            self._put(None)
        except Exception as exc:  # handed to the reading thread, which decides
            self._put(SourceFailedError(exc))

    def __iter__(self) -> Iterator[Grabbed]:
        last = time.monotonic()
        while True:
            try:
                item = self._slot.get(timeout=0.1)
            except queue.Empty:
                if self._interrupt.is_set():
                    return
                if time.monotonic() - last > self._stall_s:
                    raise SourceFailedError(TimeoutError(f"no picture for {self._stall_s:g} s")) from None
                continue
            last = time.monotonic()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(queue.Empty):
            self._slot.get_nowait()
        self._thread.join(timeout=2.0)

    def __enter__(self) -> LatestFrames:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- session folders, checkpoints, recovery -----------------------------------------------------


def new_session_folder(root: Path, now: datetime | None = None) -> Path:
    """Creates ``root/live-YYYYmmdd-HHMMSS`` (with ``-2``, ``-3``... if taken).

    Raises:
        InputError: the folder cannot be created.
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    try:
        root.mkdir(parents=True, exist_ok=True)
        for k in range(1, 1000):
            path = root / (f"{FOLDER_PREFIX}{stamp}" + ("" if k == 1 else f"-{k}"))
            try:
                path.mkdir()
                return path
            except FileExistsError:
                continue
    except OSError as exc:
        raise InputError(f"{root}: cannot create the output folder ({exc.strerror or exc})") from None
    raise InputError(f"{root}: too many sessions started at {stamp}")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():  # a reused pid of some other program does not hold the session
        try:
            return b"coach" in cmdline.read_bytes() or b"python" in cmdline.read_bytes()
        except OSError:
            return True
    return True


def _lock_holder(folder: Path) -> int | None:
    try:
        return int((folder / LOCK_NAME).read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class Recovered:
    """A session finished from a checkpoint left by a process that did not end normally."""

    session_path: Path
    duration_s: float


def recover_stale(root: Path) -> list[Recovered]:
    """Finishes every checkpoint under ``root/live-*`` whose process is gone.

    The checkpoint becomes ``session.json`` (and ``report.html``) in its own
    folder; the checkpoint and the lock are removed. A checkpoint that cannot be
    read is renamed ``session.checkpoint.bad.json`` and left for a person.

    Returns:
        The recovered sessions, oldest first.
    """
    found: list[Recovered] = []
    if not root.is_dir():
        return found
    for folder in sorted(root.glob(f"{FOLDER_PREFIX}*")):
        checkpoint = folder / CHECKPOINT_NAME
        if not checkpoint.is_file():
            continue
        pid = _lock_holder(folder)
        if pid is not None and _pid_alive(pid):
            continue  # another coach live is writing it
        try:
            session = load_session(checkpoint)
        except InputError:
            with contextlib.suppress(OSError):
                os.replace(checkpoint, folder / "session.checkpoint.bad.json")
            continue
        target = folder / SESSION_NAME
        if not target.exists():
            write_session(target, session)
            with contextlib.suppress(Exception):
                write_report(folder / REPORT_NAME, session)
        checkpoint.unlink(missing_ok=True)
        (folder / LOCK_NAME).unlink(missing_ok=True)
        for partial in folder.glob(f".{CHECKPOINT_NAME}.*.partial"):  # a write the kill cut short
            partial.unlink(missing_ok=True)
        found.append(Recovered(target, session.video.duration_s))
    return found


class SessionFolder:
    """One live session's folder: a lock, checkpoints while it runs, the session at the end.

    Args:
        path: the folder (made by :func:`new_session_folder`).
        report: also write ``report.html`` at the end.
    """

    def __init__(self, path: Path, report: bool = True) -> None:
        self.path = path
        self.report = report
        self.checkpoint_path = path / CHECKPOINT_NAME
        self.session_path = path / SESSION_NAME
        self.report_path = path / REPORT_NAME
        self.checkpoints = 0
        self.errors: list[str] = []
        self._writer: threading.Thread | None = None
        (path / LOCK_NAME).write_text(f"{os.getpid()}\n", encoding="ascii")

    def checkpoint(self, session: Session, wait: bool = False) -> bool:
        """Saves the session so far, on a worker thread so the picture does not stall.

        The write is atomic: a kill leaves the previous checkpoint whole. While the
        previous checkpoint is still being written, this one is skipped.

        Returns:
            Whether a write was started.
        """
        if self._writer is not None and self._writer.is_alive():
            return False

        def write() -> None:
            try:
                write_session(self.checkpoint_path, session)
                self.checkpoints += 1
            except InputError as exc:  # a full disk must not stop the coaching; the end says so
                self.errors.append(str(exc))

        self._writer = threading.Thread(target=write, name="footcoach-checkpoint", daemon=True)
        self._writer.start()
        if wait:
            self._writer.join()
        return True

    def finish(self, session: Session) -> None:
        """Writes ``session.json`` (and the report), then removes the checkpoint and the lock.

        Raises:
            InputError: the folder went away while coaching, or cannot be written.
        """
        if self._writer is not None:
            self._writer.join()
        if not self.path.is_dir():
            raise InputError(
                f"{self.path}: the session folder is gone (removed while coaching?); "
                "the session was not saved"
            )
        write_session(self.session_path, session)
        if self.report:
            write_report(self.report_path, session)
        self.checkpoint_path.unlink(missing_ok=True)
        (self.path / LOCK_NAME).unlink(missing_ok=True)


def session_snapshot(engine: Engine) -> Session:
    """The live session so far, leaving the stroke in progress open (for checkpoints)."""
    return engine.summary(hindsight=False)


# --- the foot, paced for live use ---------------------------------------------------------------


class PacedFootTracker(FootTracker):
    """A :class:`~coach.foot.FootTracker` that looks for a missing foot at most once a ``search_every_s``.

    While no foot is known, the plain tracker segments every frame, and segmenting
    takes far longer than a frame lasts; live, the picture would stall for as long
    as the foot is out of view. Between searches this returns "no foot" at once.
    Once a foot is found it is tracked exactly as before.

    Args:
        config: the foot stage's settings.
        search_every_s: the least time between two searches, frame time.
    """

    def __init__(self, config: FootConfig | None = None, search_every_s: float = 1.0) -> None:
        self.search_every_s = search_every_s
        self._next_search_ms: int | None = None
        super().__init__(config)

    def update(self, frame: Frame, hands: Hands | None = None) -> Foot:
        if self.foot is None and self._next_search_ms is not None and frame.t_ms < self._next_search_ms:
            return Foot.empty(frame.size, frame.t_ms, "looking for the foot...", self.config.view)
        foot = super().update(frame, hands)
        if foot.found:
            self._next_search_ms = None
        else:
            self._next_search_ms = frame.t_ms + round(self.search_every_s * 1000)
        return foot


def paced_foot(engine: Engine, config: AnalysisConfig) -> Engine:
    """Gives an engine a :class:`PacedFootTracker`, set up as the engine sets up its own."""
    tracker = PacedFootTracker(config.foot)
    if config.heel_px is not None and config.toe_px is not None:
        tracker.calibrate(config.heel_px, config.toe_px, side=config.side)
    elif config.side is not None:
        tracker.set_side(config.side)
    engine.foot_tracker = tracker
    return engine


# --- signals ------------------------------------------------------------------------------------


class StopOnSignals:
    """While active, SIGINT and SIGTERM ask the loop to stop (the session is written), not kill it.

    Only the main thread can install handlers; elsewhere this does nothing.
    """

    def __init__(self) -> None:
        self.signal: int | None = None
        self.event = threading.Event()
        self._previous: dict[int, object] = {}

    @property
    def requested(self) -> bool:
        return self.signal is not None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is not None and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: the user really means it
        self.signal = signum
        self.event.set()

    def __enter__(self) -> StopOnSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]


# --- sinks --------------------------------------------------------------------------------------


class HeadlessSink:
    """No window: frames are counted and thrown away; no keys, no clicks."""

    def __init__(self) -> None:
        self.shown = 0

    def show(self, scene: np.ndarray) -> list[Command]:
        self.shown += 1
        return []

    def clicks(self) -> list[tuple[int, int]]:
        return []

    def close(self) -> None:
        pass

    def __enter__(self) -> HeadlessSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WindowSink:
    """An OpenCV window: shows frames, turns keys into commands and collects mouse clicks.

    The window can be resized; the picture (and with it every size and font)
    scales with it.

    Raises:
        CoachError: no display to open a window on.
    """

    def __init__(self, name: str, size: tuple[int, int]) -> None:
        self.name = name
        self.shown = 0
        self._clicks: list[tuple[int, int]] = []
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise CoachError("no display for the live window; run with --headless, or under a desktop")
        try:
            cv2.namedWindow(name, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)
            cv2.resizeWindow(name, *size)
            cv2.setMouseCallback(name, self._on_mouse)
        except cv2.error as exc:
            raise CoachError(f"cannot open the live window ({exc.msg.strip()}); try --headless") from None

    def _on_mouse(self, event: int, x: int, y: int, flags: int, param: object) -> None:
        # A second click soon after the first arrives as a double click.
        if event in (cv2.EVENT_LBUTTONDOWN, cv2.EVENT_LBUTTONDBLCLK):
            self._clicks.append((x, y))

    def show(self, scene: np.ndarray) -> list[Command]:
        cv2.imshow(self.name, scene)
        self.shown += 1
        commands = []
        key = cv2.waitKey(1)
        while key >= 0:
            command = command_for_key(key)
            if command is not None:
                commands.append(command)
            key = cv2.pollKey()
        if cv2.getWindowProperty(self.name, cv2.WND_PROP_VISIBLE) < 1:
            commands.append(Command.QUIT)  # closed with the window's own button
        return commands

    def clicks(self) -> list[tuple[int, int]]:
        out, self._clicks = self._clicks, []
        return out

    def close(self) -> None:
        with contextlib.suppress(cv2.error):
            cv2.destroyWindow(self.name)
            cv2.waitKey(1)

    def __enter__(self) -> WindowSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- drawing ------------------------------------------------------------------------------------


def mirror_hands(hands: Hands, width: int) -> Hands:
    """The hands as they appear in the mirrored picture."""
    if len(hands) == 0:
        return hands
    xy = hands.xy.copy()
    xy[..., 0] = width - 1 - xy[..., 0]
    return replace(hands, xy=xy)


def mirror_foot(foot: Foot, width: int) -> Foot:
    """The foot as it appears in the mirrored picture (its zones flip with it)."""
    if not foot.found:
        return foot

    def flip(p: np.ndarray) -> np.ndarray:
        q = np.array(p, np.float32, copy=True)
        q[..., 0] = width - 1 - q[..., 0]
        return q

    return Foot.build(
        flip(foot.outline),
        flip(foot.heel),
        flip(foot.toe),
        -foot.lateral_sign,
        foot.image_size,
        side=foot.side,
        side_confidence=foot.side_confidence,
        confidence=foot.confidence,
        t_ms=foot.t_ms,
        view=foot.view,
        calibrated=foot.calibrated,
        detected=foot.detected,
    )


@dataclass(frozen=True)
class LiveView:
    """What the window shows on top of the picture: the coach's overlay and the live extras.

    Attributes:
        mirror: flip the picture left-right for display (after inference).
    """

    mirror: bool = False
    overlay: Overlay = field(default_factory=Overlay)
    routine: RoutineAnnotator = field(default_factory=RoutineAnnotator)
    help: HelpAnnotator = field(default_factory=HelpAnnotator)
    prompt: PromptAnnotator = field(default_factory=PromptAnnotator)
    badge: BadgeAnnotator = field(default_factory=BadgeAnnotator)

    def draw(
        self,
        result: FrameResult,
        cue_text: str = "",
        routine: RoutineView | None = None,
        show_help: bool = False,
        prompt: str = "",
        points: tuple[tuple[float, float], ...] = (),
        badge: str = "",
    ) -> np.ndarray:
        """A new picture for the window (the frame itself is not changed).

        Args:
            result: the engine's result for the frame.
            cue_text: the cue on screen.
            routine: the routine panel, or None.
            show_help: draw the key help.
            prompt: a prompt in the middle, e.g. "Click the heel".
            points: clicked points in the frame's pixels (not mirrored).
            badge: a state word, e.g. "PAUSED".
        """
        if not self.mirror:
            scene = self.overlay.draw(result.frame.image.copy(), result, cue_text)
        else:
            w = result.frame.image.shape[1]
            scene = cv2.flip(result.frame.image, 1)
            data = hud_data(result, cue_text)
            self.overlay.foot.draw(scene, mirror_foot(result.foot, w), data.zone_share)
            self.overlay.hands.draw(scene, mirror_hands(result.hands, w))
            self.overlay.hud.draw(scene, data)
            points = tuple((w - 1 - x, y) for x, y in points)
        if routine is not None:
            self.routine.draw(scene, routine)
        if prompt or points:
            self.prompt.draw(scene, prompt, points)
        if badge:
            self.badge.draw(scene, badge)
        if show_help:
            self.help.draw(scene)
        return scene


def routine_view(plan: RoutinePlan, progress: StepProgress) -> RoutineView:
    """The routine panel's data from the tracker's progress."""
    step = progress.step
    return RoutineView(
        plan.title or plan.name,
        progress.index + 1,
        len(plan.steps),
        "" if step is None else step.title,
        progress.fraction,
        progress.done_s,
        0.0 if step is None else step.target_s,
    )


# --- the loop -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveResult:
    """How a live session ended and what it wrote.

    Attributes:
        sessions: every session folder written, in order (more than one after a reset).
        session: the last session.
        reason: "end" (the file ended), "quit", "max_seconds", "signal" or "source_lost".
        frames_shown: frames drawn and shown.
        frames_dropped: frames dropped to keep up.
        wall_s: seconds from the first frame to the end.
        latency_ms: capture-to-shown time of every frame shown.
        shown_at_s: when each frame was shown, seconds from the start (for frame rates).
        checkpoints: checkpoints written.
    """

    sessions: tuple[Path, ...]
    session: Session
    reason: str
    frames_shown: int
    frames_dropped: int
    wall_s: float
    latency_ms: tuple[float, ...]
    shown_at_s: tuple[float, ...]
    checkpoints: int


class SourceLostError(CoachError):
    """The camera or stream stopped giving pictures mid-session (the session was saved)."""

    exit_code = 1


def _engine_info(info: SourceInfo, keep_up: bool) -> SourceInfo:
    # The engine samples its timeline every fps/10 frames, assuming it sees every frame;
    # when late frames are dropped, every analysed frame becomes a timeline row instead.
    return replace(info, fps=min(info.fps, 10.0)) if keep_up else info


def _finish_session(
    session: Session,
    info: SourceInfo,
    started: datetime,
    tracker: RoutineTracker | None,
    routine_cues: list[SessionCue],
) -> Session:
    """Adds what only the live loop knows: real duration and frame rate, start time, routine."""
    t = session.timeline.t_s
    frames = session.video.frame_count
    duration = float(t[-1] + 1.0 / info.fps) if len(t) else 0.0
    fps = frames / duration if duration > 0 and frames > 1 else info.fps
    video = VideoInfo(round(fps, 3), frames, round(duration, 3), info.width, info.height, info.name)
    cues = tuple(sorted((*session.cues, *routine_cues), key=lambda c: c.t_s))
    return replace(
        session,
        video=video,
        recorded_at=started.astimezone().isoformat(timespec="seconds"),
        routine=None if tracker is None else tracker.summary(),
        cues=cues,
    )


class _Clock:
    """Session time: the source's time minus pauses, strictly increasing from 0 after a reset."""

    def __init__(self) -> None:
        self.offset_ms: int | None = 0
        self.last_ms = -1
        self.step_ms = 33

    def restart(self) -> None:
        """The next frame is at 0 ms."""
        self.offset_ms, self.last_ms = None, -1

    def resume(self, source_t_ms: int) -> None:
        self.offset_ms = source_t_ms - (self.last_ms + self.step_ms)

    def frame(self, frame: Frame, first_index: int) -> Frame:
        if self.offset_ms is None:
            self.offset_ms = frame.t_ms
        t = max(frame.t_ms - self.offset_ms, self.last_ms + 1)
        if self.last_ms >= 0:
            self.step_ms = max(1, min(t - self.last_ms, 200))
        self.last_ms = t
        return Frame(frame.image, frame.index - first_index, t)


def run_live(
    config: LiveConfig,
    *,
    source: Source | None = None,
    sink: HeadlessSink | WindowSink | None = None,
    speaker: object | None = None,
    note: Callable[[str], None] = lambda line: None,
) -> LiveResult:
    """Runs a live session until the source ends, the user quits, a signal or ``max_seconds``.

    Args:
        config: settings.
        source: an opened source to use instead of ``config.source`` (tests).
        sink: where frames go (default: a window, or headless with ``config.headless``).
        speaker: a :class:`coach.voice.Speaker` (or anything with ``say`` and ``chime``), or None.
        note: called with one-line notes for the user (cues in headless mode, the folder written).

    Returns:
        What was written and how it went.

    Raises:
        SourceError: the source cannot be opened.
        SourceLostError: a camera or stream stopped mid-session (after the session was written).
    """
    cfg = config
    started = datetime.now()
    latencies: list[float] = []
    shown_at: list[float] = []
    folders: list[Path] = []
    routine_cues: list[SessionCue] = []
    reason = "end"
    lost: str | None = None
    wall0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        src = stack.enter_context(source if source is not None else _open(cfg.source, cfg.realtime))
        info = src.info
        live_kind = info.kind in ("camera", "stream")
        keep_up = cfg.keep_up if cfg.keep_up is not None else (live_kind or not cfg.headless)
        mirror = cfg.mirror if cfg.mirror is not None else info.kind == "camera"
        if sink is None:
            sink = HeadlessSink() if cfg.headless else WindowSink(cfg.window_name, (info.width, info.height))
        stack.enter_context(sink)
        stop = stack.enter_context(StopOnSignals())
        grabber = stack.enter_context(LatestFrames(src, interrupt=stop.event)) if keep_up else None
        frames = iter(grabber) if grabber is not None else every_frame(src)
        view = LiveView(mirror=mirror)
        engine_info = _engine_info(info, keep_up)
        engines: list[Engine] = []
        stack.callback(lambda: [e.close() for e in engines])

        def new_engine() -> Engine:
            for e in engines:
                e.close()
            engines.clear()
            engines.append(paced_foot(Engine(engine_info, cfg.analysis), cfg.analysis))
            return engines[0]

        engine = new_engine()
        tracker = RoutineTracker(cfg.routine) if cfg.routine is not None else None
        folder = SessionFolder(new_session_folder(cfg.out_root, started), report=cfg.report)
        folders.append(folder.path)
        checkpoints = 0
        clock = _Clock()
        first_index = 0
        next_checkpoint = cfg.checkpoint_every_s
        cue_text, cue_until = "", -1.0
        paused, show_help = False, False
        calibrating: list[tuple[float, float]] | None = None
        calibration: tuple[tuple[float, float], tuple[float, float]] | None = None
        last_scene: np.ndarray | None = None
        result: FrameResult | None = None

        def say(text: str) -> None:
            if speaker is not None:
                speaker.say(text)  # type: ignore[attr-defined]

        def finish() -> Session:
            session = engine.summary(hindsight=False)
            session = _finish_session(session, info, started, tracker, routine_cues)
            folder.finish(session)
            return session

        try:
            for grabbed in frames:
                if stop.requested:
                    reason = "signal"
                    break
                if paused:
                    if last_scene is not None:
                        commands = sink.show(last_scene)
                    else:
                        commands = sink.show(grabbed.frame.image)
                    if Command.QUIT in commands:
                        reason = "quit"
                        break
                    if Command.PAUSE in commands:
                        paused = False
                        clock.resume(grabbed.frame.t_ms)
                    continue
                frame = clock.frame(grabbed.frame, first_index)
                result = engine.update(frame)
                t = frame.t_s
                if result.cue is not None:
                    cue_text, cue_until = result.cue.message, t + cfg.cue_show_s
                    say(result.cue.message)
                    if cfg.headless:
                        note(f"{_clock_text(t)}  {result.cue.message}")
                progress = None
                if tracker is not None:
                    progress = tracker.update(t, result.state.type, result.state.zone)
                    if progress.completed is not None:
                        if speaker is not None:
                            speaker.chime()  # type: ignore[attr-defined]
                        done = f"Step done: {progress.completed.title}"
                        message = (
                            f"{done}. Next: {progress.step.title}"
                            if progress.step
                            else f"{done}. Routine complete"
                        )
                        routine_cues.append(SessionCue(t, "routine", message))
                        cue_text, cue_until = message, t + cfg.cue_show_s
                        say(message)
                        if cfg.headless:
                            note(f"{_clock_text(t)}  {message}")
                prompt = ""
                if calibrating is not None:
                    prompt = "Click the heel" if not calibrating else "Click the tip of the longest toe"
                scene = view.draw(
                    result,
                    cue_text if t <= cue_until else "",
                    None if tracker is None or progress is None else routine_view(tracker.plan, progress),
                    show_help,
                    prompt,
                    tuple(calibrating or ()),
                )
                commands = sink.show(scene)
                shown = time.perf_counter()
                latencies.append((shown - grabbed.captured) * 1000.0)
                shown_at.append(shown - wall0)
                last_scene = scene
                if calibrating is not None:
                    w = info.width
                    for x, y in sink.clicks():
                        calibrating.append((float(w - 1 - x), float(y)) if mirror else (float(x), float(y)))
                    if len(calibrating) >= 2:
                        heel, toe = calibrating[0], calibrating[1]
                        calibrating = None
                        try:
                            engine.foot_tracker.calibrate(heel, toe, side=cfg.analysis.side)
                            calibration = (heel, toe)
                            cue_text, cue_until = "Foot calibrated", t + 2.0
                        except ValueError:
                            cue_text, cue_until = "Heel and toe too close: press c to try again", t + 3.0
                for command in commands:
                    if command is Command.QUIT:
                        reason = "quit"
                    elif command is Command.HELP:
                        show_help = not show_help
                    elif command is Command.PAUSE:
                        paused = True
                        last_scene = view.badge.draw(scene.copy(), "PAUSED")
                    elif command is Command.RECALIBRATE:
                        calibrating = []
                        sink.clicks()
                    elif command is Command.RESET:
                        finish()
                        note(f"saved {folder.session_path}; starting a new session")
                        checkpoints += folder.checkpoints
                        engine = new_engine()
                        if calibration is not None:
                            engine.foot_tracker.calibrate(*calibration, side=cfg.analysis.side)
                        if tracker is not None:
                            tracker.reset()
                        routine_cues.clear()
                        started = datetime.now()
                        folder = SessionFolder(new_session_folder(cfg.out_root, started), report=cfg.report)
                        folders.append(folder.path)
                        clock.restart()
                        first_index = grabbed.frame.index + 1
                        next_checkpoint = cfg.checkpoint_every_s
                        cue_text, cue_until = "New session", 2.0
                if reason == "quit":
                    break
                if t >= next_checkpoint:
                    folder.checkpoint(
                        _finish_session(session_snapshot(engine), info, started, tracker, routine_cues)
                    )
                    next_checkpoint = t + cfg.checkpoint_every_s
                if cfg.max_seconds is not None and t >= cfg.max_seconds:
                    reason = "max_seconds"
                    break
            else:
                if stop.requested:
                    reason = "signal"
                elif live_kind:
                    reason = "source_lost"
                    lost = f"{info.name} stopped giving pictures"
        except SourceFailedError as exc:
            reason = "source_lost"
            lost = f"{info.name} failed ({exc})"
        finally:
            # Whatever happened, what was coached is written (atomically).
            session = finish()
            checkpoints += folder.checkpoints
    result_ = LiveResult(
        tuple(folders),
        session,
        reason,
        getattr(sink, "shown", 0),
        grabber.dropped if grabber is not None else 0,
        time.perf_counter() - wall0,
        tuple(latencies),
        tuple(shown_at),
        checkpoints,
    )
    if lost is not None:
        raise SourceLostError(
            f"{lost} after {session.video.duration_s:.0f} s; the session so far is in {folder.session_path}"
        )
    return result_


def available_cameras() -> list[str]:
    """Camera devices on this machine (``/dev/video*``), sorted."""
    return sorted(str(p) for p in Path("/dev").glob("video*"))


def _open(spec: str, realtime: bool) -> Source:
    """Opens the source; a camera that cannot be opened gets one line on what exists instead."""
    try:
        return open_source(spec, realtime=realtime)
    except SourceError as exc:
        if not (spec.isdigit() or spec.startswith("/dev/")):
            raise
        cameras = available_cameras()
        found = f"cameras here: {', '.join(cameras)}" if cameras else "no camera found on this machine"
        try:
            from coach.samples import default_sample_video

            example = f"--source {default_sample_video()}"
        except InputError:
            example = "--source VIDEO"
        raise SourceError(
            f"{str(exc).split(';')[0]}; {found}; pick one with --source INDEX, --source /dev/videoN, "
            f"a stream URL or a video file, e.g. {example}"
        ) from None


def _clock_text(t_s: float) -> str:
    m, s = divmod(int(t_s), 60)
    return f"{m}:{s:02d}"
