"""``coach live``: the loop with fake sources, signals, checkpoints and recovery, and headless runs on
the sample sessions (cues, routine, a SIGKILL in the middle)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.foot import Foot
from coach.hands import Hands
from coach.live import (
    CHECKPOINT_NAME,
    LOCK_NAME,
    Command,
    HeadlessSink,
    LatestFrames,
    LiveConfig,
    PacedFootTracker,
    SourceFailedError,
    SourceLostError,
    command_for_key,
    mirror_foot,
    mirror_hands,
    recover_stale,
    run_live,
)
from coach.samples import samples_dir
from coach.session import SessionBuilder, VideoInfo, load_session, write_session
from coach.sources import Frame, Source, SourceInfo

REPO = Path(__file__).resolve().parents[1]
COACH = [sys.executable, "-m", "coach"]


# --- keys and configuration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "command"),
    [
        ("q", Command.QUIT),
        ("Q", Command.QUIT),
        ("\x1b", Command.QUIT),
        (" ", Command.PAUSE),
        ("r", Command.RESET),
        ("c", Command.RECALIBRATE),
        ("h", Command.HELP),
        ("x", None),
    ],
)
def test_keys(key: str, command: Command | None) -> None:
    assert command_for_key(ord(key)) is command
    assert command_for_key(ord(key) | 0x100000) is command  # modifier bits some back ends add


def test_no_key_is_no_command() -> None:
    assert command_for_key(-1) is None


@pytest.mark.parametrize(
    "kwargs", [{"max_seconds": 0}, {"checkpoint_every_s": 0}, {"cue_show_s": -1}, {"max_seconds": -5}]
)
def test_live_config_is_checked(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        LiveConfig(**kwargs)


# --- mirroring for display -----------------------------------------------------------------------


def test_mirrored_hands_are_flipped_and_flip_back() -> None:
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 640, (2, 21, 2)).astype(np.float32)
    hands = Hands(
        xy,
        np.zeros((2, 21), np.float32),
        np.zeros((2, 21, 3), np.float32),
        ("Left", "Right"),
        np.ones(2, np.float32),
        np.array([0, 1], np.int32),
        (640, 480),
    )
    m = mirror_hands(hands, 640)
    np.testing.assert_allclose(m.xy[..., 0], 639 - xy[..., 0])
    np.testing.assert_allclose(m.xy[..., 1], xy[..., 1])
    np.testing.assert_allclose(mirror_hands(m, 640).xy, xy, atol=1e-4)
    assert m.handedness == hands.handedness


def test_mirrored_foot_keeps_its_zones_under_the_mirrored_picture() -> None:
    heel, toe = np.array([300.0, 400.0]), np.array([340.0, 120.0])
    axis = (toe - heel) / np.linalg.norm(toe - heel)
    side = np.array([-axis[1], axis[0]])
    s = np.linspace(0, 1, 40)
    outline = np.concatenate(
        [heel + np.outer(s, toe - heel) + 50 * side, (heel + np.outer(s, toe - heel) - 50 * side)[::-1]]
    )
    foot = Foot.build(outline, heel, toe, 1, (640, 480))
    m = mirror_foot(foot, 640)
    assert m.found and m.lateral_sign == -1
    uv = np.array([[0.1, 0.2], [0.45, 0.25], [0.45, 0.75], [0.7, 0.5], [0.9, 0.5]])
    expected = foot.to_px(uv)
    expected[:, 0] = 639 - expected[:, 0]
    np.testing.assert_allclose(m.to_px(uv), expected, atol=1.0)
    assert not mirror_foot(Foot.empty((640, 480)), 640).found


def test_a_missing_foot_is_looked_for_once_a_second_not_every_frame() -> None:
    tracker = PacedFootTracker(search_every_s=1.0)
    grey = np.full((120, 160, 3), 100, np.uint8)
    feet = [tracker.update(Frame(grey, i, i * 100)) for i in range(30)]  # 3 s at 10 frames a second
    assert not any(f.found for f in feet)
    searched = [i for i, f in enumerate(feet) if f.message != "looking for the foot..."]
    assert searched == [0, 10, 20]


# --- fake sources: the loop without a camera ----------------------------------------------------


class FakeSource(Source):
    """Grey frames with a little noise; optionally raises or stops, and calls back on each frame."""

    def __init__(
        self,
        n: int,
        kind: str = "video",
        fps: float = 10.0,
        raise_at: int | None = None,
        sleep_s: float = 0.0,
        on_frame: Callable[[int], None] | None = None,
    ) -> None:
        self.info = SourceInfo(f"fake {kind}", kind, fps, n if kind == "video" else None, 160, 120)
        self.n, self.raise_at, self.sleep_s, self.on_frame = n, raise_at, sleep_s, on_frame
        self.closed = False

    def __iter__(self) -> Iterator[Frame]:
        rng = np.random.default_rng(1)
        for i in range(self.n):
            if i == self.raise_at:
                raise RuntimeError("camera unplugged")
            if self.on_frame is not None:
                self.on_frame(i)
            if self.sleep_s:
                time.sleep(self.sleep_s)
            image = (100 + rng.integers(0, 8, (120, 160, 3))).astype(np.uint8)
            yield Frame(image, i, round(i * 1000 / self.info.fps))

    def close(self) -> None:
        self.closed = True


def _config(tmp_path: Path, **kwargs: object) -> LiveConfig:
    kwargs.setdefault("report", False)  # the report is tested once, below; it takes a moment to draw
    return LiveConfig(out_root=tmp_path, headless=True, realtime=False, **kwargs)  # type: ignore[arg-type]


def _only_folder(root: Path) -> Path:
    folders = sorted(root.glob("live-*"))
    assert len(folders) == 1, folders
    return folders[0]


def test_a_file_that_ends_is_written_and_tidied_up(tmp_path: Path) -> None:
    source = FakeSource(30)
    result = run_live(_config(tmp_path, report=True), source=source)
    folder = _only_folder(tmp_path)
    assert result.reason == "end" and result.sessions == (folder,)
    assert source.closed
    assert (folder / "session.json").is_file() and (folder / "report.html").is_file()
    assert not (folder / CHECKPOINT_NAME).exists() and not (folder / LOCK_NAME).exists()
    session = load_session(folder / "session.json")
    assert session.video.frame_count == 30 and session.video.duration_s == pytest.approx(3.0)
    assert session.recorded_at is not None and session.video.source == "fake video"
    assert result.frames_shown == 30 and len(result.latency_ms) == 30


def test_max_seconds_stops_the_session(tmp_path: Path) -> None:
    result = run_live(_config(tmp_path, max_seconds=1.5), source=FakeSource(100))
    assert result.reason == "max_seconds"
    assert load_session(_only_folder(tmp_path) / "session.json").video.frame_count == 16


@pytest.mark.parametrize("keep_up", [False, True])
def test_a_camera_that_raises_mid_session_still_leaves_the_session(tmp_path: Path, keep_up: bool) -> None:
    source = FakeSource(100, kind="camera", raise_at=25, sleep_s=0.04 if keep_up else 0.0)
    with pytest.raises(SourceLostError) as info:
        run_live(_config(tmp_path, keep_up=keep_up), source=source)
    folder = _only_folder(tmp_path)
    message = str(info.value)
    assert "fake camera failed (camera unplugged)" in message
    assert str(folder / "session.json") in message and "\n" not in message
    session = load_session(folder / "session.json")
    assert 1 <= session.video.frame_count <= 25
    assert not (folder / CHECKPOINT_NAME).exists()


def test_a_camera_that_stops_giving_frames_still_leaves_the_session(tmp_path: Path) -> None:
    with pytest.raises(SourceLostError, match="fake camera stopped giving pictures after 2 s"):
        run_live(_config(tmp_path, keep_up=False), source=FakeSource(25, kind="camera"))
    assert load_session(_only_folder(tmp_path) / "session.json").video.frame_count == 25


def test_checkpoints_are_whole_sessions_while_it_runs(tmp_path: Path) -> None:
    seen: list[float] = []

    def look(i: int) -> None:
        if i in (35, 70):
            folder = _only_folder(tmp_path)
            assert (folder / LOCK_NAME).read_text().strip() == str(os.getpid())
            seen.append(load_session(folder / CHECKPOINT_NAME).video.duration_s)

    result = run_live(_config(tmp_path, checkpoint_every_s=1.0), source=FakeSource(80, on_frame=look))
    assert result.checkpoints >= 6
    assert seen[0] >= 2.0 and seen[1] >= 5.0
    assert not (_only_folder(tmp_path) / CHECKPOINT_NAME).exists()


def test_sigterm_finishes_and_writes_the_session(tmp_path: Path) -> None:
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        result = run_live(_config(tmp_path), source=FakeSource(10_000, sleep_s=0.02))
    finally:
        timer.cancel()
    assert result.reason == "signal"
    session = load_session(_only_folder(tmp_path) / "session.json")
    assert session.video.frame_count >= 5
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers given back


class ScriptedSink(HeadlessSink):
    """Plays a user: commands at given frames shown, and clicks once asked to recalibrate."""

    def __init__(self, script: dict[int, list[Command]], clicks: list[tuple[int, int]]) -> None:
        super().__init__()
        self.script, self.pending_clicks, self.scenes = script, clicks, []

    def show(self, scene: np.ndarray) -> list[Command]:
        self.scenes.append(scene)
        commands = super().show(scene) + self.script.get(self.shown, [])
        return commands

    def clicks(self) -> list[tuple[int, int]]:
        asked = [k for k, commands in self.script.items() if Command.RECALIBRATE in commands]
        if not asked or self.shown <= asked[0]:
            return []  # clicks before "c" are not for the coach
        out, self.pending_clicks = self.pending_clicks, []
        return out


def test_keys_reset_pause_help_recalibrate_and_quit(tmp_path: Path) -> None:
    script = {
        10: [Command.RESET],
        15: [Command.HELP],
        20: [Command.PAUSE],
        25: [Command.PAUSE],
        30: [Command.RECALIBRATE],
        45: [Command.QUIT],
    }
    # Clicked on the mirrored picture: heel lower middle, toe upper middle (160 px wide frames).
    sink = ScriptedSink(script, [(80, 100), (80, 20)])
    result = run_live(_config(tmp_path, mirror=True), source=FakeSource(200), sink=sink)
    assert result.reason == "quit"
    first, second = result.sessions
    a, b = load_session(first / "session.json"), load_session(second / "session.json")
    assert a.video.frame_count == 10 and not a.foot.found
    # The new session starts at zero, and the 5 frames shown while paused are not in it.
    assert b.timeline.t_s[0] == 0.0
    assert b.video.frame_count == 45 - 10 - 5
    assert b.foot.found  # calibrated by the two clicks
    assert not (first / CHECKPOINT_NAME).exists() and not (second / CHECKPOINT_NAME).exists()
    # The help box and the paused picture were shown; the paused frames repeat one picture.
    plain, helped = sink.scenes[13], sink.scenes[16]
    assert not np.array_equal(plain[40:80, 40:120], helped[40:80, 40:120])
    for k in range(21, 25):
        np.testing.assert_array_equal(sink.scenes[k], sink.scenes[20])


def test_latest_frames_drops_what_the_reader_cannot_keep_up_with() -> None:
    source = FakeSource(60, sleep_s=0.005)
    got = []
    with LatestFrames(source) as frames:
        for grabbed in frames:
            got.append(grabbed.frame.index)
            time.sleep(0.03)
    assert got == sorted(got) and got[-1] == 59
    assert len(got) < 40 and frames.dropped == 60 - len(got)


def test_a_camera_that_hangs_counts_as_lost() -> None:
    source = FakeSource(10, kind="camera", on_frame=lambda i: time.sleep(1.5 if i == 3 else 0.0))
    got = []
    with (
        pytest.raises(SourceFailedError, match=r"no picture for 0.5 s"),
        LatestFrames(source, stall_s=0.5) as f,
    ):
        got.extend(g.frame.index for g in f)
    assert got and got[-1] == 2


def test_an_interrupt_ends_the_frames_even_while_the_camera_hangs() -> None:
    interrupt = threading.Event()
    source = FakeSource(10, kind="camera", on_frame=lambda i: time.sleep(1.0 if i == 2 else 0.0))
    threading.Timer(0.3, interrupt.set).start()
    start = time.monotonic()
    with LatestFrames(source, stall_s=5.0, interrupt=interrupt) as frames:
        got = [g.frame.index for g in frames]
        assert time.monotonic() - start < 0.8
    assert got and got[-1] == 1


def _session_file(path: Path, seconds: float) -> None:
    builder = SessionBuilder(VideoInfo(10.0, int(seconds * 10), seconds, 640, 480, "camera 0"))
    for i in range(int(seconds * 10)):
        builder.add_frame(i / 10, None, None, None)
    write_session(path, builder.summary(created_at="2026-11-27T20:00:00+01:00"))


def test_stale_checkpoints_are_recovered_and_live_ones_left_alone(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale, running = tmp_path / "live-20261127-200000", tmp_path / "live-20261127-210000"
    for folder, pid in ((stale, dead.pid), (running, os.getpid())):
        folder.mkdir()
        _session_file(folder / CHECKPOINT_NAME, 7.0)
        (folder / LOCK_NAME).write_text(f"{pid}\n")
        (folder / f".{CHECKPOINT_NAME}.x1y2.partial").write_text('{"schema": "foot')
    found = recover_stale(tmp_path)
    assert [f.session_path for f in found] == [stale / "session.json"]
    assert found[0].duration_s == pytest.approx(7.0)
    assert load_session(stale / "session.json").video.duration_s == pytest.approx(7.0)
    assert (stale / "report.html").is_file()
    assert not (stale / CHECKPOINT_NAME).exists() and not (stale / LOCK_NAME).exists()
    assert not list(stale.glob(".*.partial")) and list(running.glob(".*.partial"))
    assert (running / CHECKPOINT_NAME).exists() and not (running / "session.json").exists()
    assert recover_stale(tmp_path) == []


def test_a_damaged_checkpoint_is_set_aside(tmp_path: Path) -> None:
    folder = tmp_path / "live-20261127-200000"
    folder.mkdir()
    (folder / CHECKPOINT_NAME).write_text('{"schema": "footcoach.session/1", "vid')
    assert recover_stale(tmp_path) == []
    assert (folder / "session.checkpoint.bad.json").exists() and not (folder / CHECKPOINT_NAME).exists()


def test_a_camera_that_cannot_be_opened_says_what_exists(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["live", "--headless", "--quiet", "--source", "7", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    error = [line for line in result.output.splitlines() if line.startswith("coach: error:")]
    assert len(error) == 1
    assert "camera 7: cannot be opened" in error[0]
    assert ("no camera found" in error[0]) or ("cameras here: /dev/video" in error[0])
    assert "--source" in error[0] and "good_session.mp4" in error[0]
    assert not list(tmp_path.glob("live-*"))


def test_a_missing_file_source_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["live", "--headless", "--quiet", "--source", str(tmp_path / "none.mp4"), "--out", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == f"coach: error: {tmp_path / 'none.mp4'}: no such file"


# --- headless runs on the sample sessions --------------------------------------------------------


def _sample(name: str) -> Path:
    path = samples_dir() / f"{name}.mp4"
    assert path.is_file(), f"{path} is missing: the sample sessions are part of the repository"
    return path


def _calibration(name: str) -> list[str]:
    """``--heel/--toe`` where the foot lies in a sample (the clicks a user gives with ``c``)."""
    frames = json.loads((samples_dir() / f"{name}.labels.json").read_text())["frames"]
    heel = np.median([f["heel"] for f in frames], axis=0)
    toe = np.median([f["toe"] for f in frames], axis=0)
    return ["--heel", f"{heel[0]:.0f},{heel[1]:.0f}", "--toe", f"{toe[0]:.0f},{toe[1]:.0f}"]


def _truth(name: str) -> list[dict]:
    return json.loads((samples_dir() / f"{name}.labels.json").read_text())["strokes"]


def _live(tmp_path: Path, name: str, *args: str) -> tuple[dict, str]:
    """Runs ``coach live --headless`` on a sample and returns its session.json and output."""
    cmd = [*COACH, "live", "--headless", "--quiet", "--no-realtime", "--source", str(_sample(name))]
    cmd += ["--out", str(tmp_path), *_calibration(name), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240, cwd=REPO)
    assert done.returncode == 0, done.stderr
    folder = _only_folder(tmp_path)
    return json.loads((folder / "session.json").read_text()), done.stdout


@pytest.mark.slow
def test_rushed_session_gets_slow_down_within_two_seconds(tmp_path: Path) -> None:
    first = min(s["start_s"] for s in _truth("rushed_session") if s["type"] == "glide")
    session, out = _live(tmp_path, "rushed_session", "--max-seconds", str(first + 4))
    slow = [c for c in session["cues"] if c["kind"] == "pace" and c["message"].startswith("Slow down")]
    assert slow, f"no slow-down cue; cues: {session['cues']}"
    assert slow[0]["t_s"] <= first + 2.0
    assert slow[0]["message"] in out  # headless runs print each cue


@pytest.mark.slow
def test_a_session_that_never_touches_the_arch_gets_an_arch_cue(tmp_path: Path) -> None:
    assert all(s["zone"] != "arch" for s in _truth("neglects_arches"))
    session, _ = _live(tmp_path, "neglects_arches", "--zones-after", "6")
    arch = [c for c in session["cues"] if c["kind"] == "coverage" and c["message"].startswith("Arch:")]
    assert arch, f"no arch cue; cues: {session['cues']}"
    assert session["coverage"]["zones"]["arch"]["share"] < 0.08


ROUTINE_FOR_GOOD_SESSION = """
name = "sample"
title = "The sample session's routine"

[[step]]
title = "Thumb circles"
strokes = ["thumb_circles"]
seconds = 0.5

[[step]]
title = "Presses"
strokes = ["press"]
seconds = 0.5

[[step]]
title = "Any stroke to finish"
seconds = 0.5
"""


@pytest.mark.slow
def test_the_routine_advances_through_its_steps_on_a_clip_that_does_them(tmp_path: Path) -> None:
    routine = tmp_path / "sample.toml"
    routine.write_text(ROUTINE_FOR_GOOD_SESSION)
    out_root = tmp_path / "out"
    session, out = _live(out_root, "good_session", "--routine", str(routine), "--max-seconds", "18")
    steps = session["routine"]["steps"]
    assert [s["title"] for s in steps] == ["Thumb circles", "Presses", "Any stroke to finish"]
    done = [s["completed_at_s"] for s in steps]
    assert all(t is not None for t in done), steps
    assert done == sorted(done)
    # Each step completes while the clip does it, not before.
    truth = _truth("good_session")
    assert done[0] >= min(s["start_s"] for s in truth if s["type"] == "thumb_circles")
    assert done[1] >= min(s["start_s"] for s in truth if s["type"] == "press")
    said = [c["message"] for c in session["cues"] if c["kind"] == "routine"]
    assert said[0] == "Step done: Thumb circles. Next: Presses"
    assert said[-1] == "Step done: Any stroke to finish. Routine complete"
    assert "Routine complete" in out


@pytest.mark.slow
def test_killed_with_sigkill_then_started_again_recovers_the_session(tmp_path: Path) -> None:
    # Played at its own rate with late frames dropped, as a camera delivers them.
    cmd = [*COACH, "live", "--headless", "--quiet", "--keep-up", "--source", str(_sample("good_session"))]
    cmd += ["--out", str(tmp_path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("coaching from"), line
        time.sleep(10.0)  # ten seconds of the sample, played at its own rate
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    folder = _only_folder(tmp_path)
    assert (folder / CHECKPOINT_NAME).is_file() and not (folder / "session.json").exists()
    again = subprocess.run(
        [*cmd, "--max-seconds", "0.5"], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert again.returncode == 0, again.stderr
    recovered = folder / "session.json"
    assert "recovered an interrupted session" in again.stdout and str(recovered) in again.stdout
    session = load_session(recovered)
    assert session.video.duration_s >= 5.0
    assert session.timeline.t_s[-1] >= 5.0 and session.timeline.t_s[0] < 2.0
    assert not (folder / CHECKPOINT_NAME).exists()
    assert len(list(tmp_path.glob("live-*"))) == 2  # the new run has its own folder


@pytest.mark.slow
def test_the_window_runs_under_a_virtual_display(tmp_path: Path) -> None:
    xvfb_run = shutil.which("xvfb-run")
    assert xvfb_run, "xvfb-run is missing: apt-get install xvfb (scripts/test installs it)"
    cmd = [xvfb_run, "-a", "-s", "-screen 0 800x600x24", *COACH, "live", "--quiet"]
    cmd += ["--source", str(_sample("good_session")), "--max-seconds", "10", "--out", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "q quits, h shows the keys" in done.stdout
    session = load_session(_only_folder(tmp_path) / "session.json")
    # Finding the foot at the start holds the first picture for a moment; then it runs.
    assert session.video.duration_s >= 9.0 and session.video.frame_count >= 20


def test_voice_without_a_sound_device_or_speech_engine_is_one_note(tmp_path: Path) -> None:
    from coach.voice import speech_problem

    missing = tmp_path / "none.mp4"
    result = CliRunner().invoke(
        main, ["live", "--headless", "--source", str(missing), "--out", str(tmp_path)]
    )
    problem = speech_problem()
    notes = [line for line in result.output.splitlines() if line.startswith("cues are shown, not spoken")]
    assert len(notes) == (1 if problem else 0)
    quiet = CliRunner().invoke(
        main, ["live", "--headless", "--quiet", "--source", str(missing), "--out", str(tmp_path)]
    )
    assert "not spoken" not in quiet.output
