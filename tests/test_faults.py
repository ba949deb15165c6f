"""Bad input and faults at every entry point, judged as a user meets them.

Each kind of fault (bad video files, bad session files, a camera that fails, a
disk that refuses or a folder that goes away, a kill mid-analysis) is run
through each command that can meet it, and judged on what the user sees: the
exit status, exactly one line on stderr naming the problem (never a
traceback), and the files on disk (nothing half-written that looks complete).
The README's "What happens with bad input" table says the same in words.

``coach analyze`` runs as a real process (native libraries write to the real
stderr); the other commands run in this process through click's runner.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner, Result

from coach.analysis import Engine
from coach.cli import main
from coach.live import CHECKPOINT_NAME, LOCK_NAME
from coach.session import load_session, write_session
from coach.sources import Frame, Source, SourceInfo
from tests.bad_videos import MAKERS, sample_frames, write_avi, write_labels
from tests.session_examples import example_session
from tests.test_session import bad_session_files

REPO = Path(__file__).resolve().parents[1]

# What each kind of video does: refused (exit 2, the words in its one line) or read (exit 0).
REFUSED = {
    "missing": "no such file",
    "directory": "is a directory",
    "zero bytes": "file is empty",
    "random bytes named .mp4": "cannot read as a video",
    "truncated mp4": "cannot read as a video",
    "0 fps header": "no usable frame rate",
    "1x1 frames": "frames are 1x1 pixels",
    "8200 px wide frames": "frames are 8200x40 pixels",
}
READ = (
    "truncated avi",
    "frames change size",
    "header claims 100000x100000",
    "one frame",
    "unicode and spaces",
)
assert set(REFUSED) | set(READ) == set(MAKERS)


def coach(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``coach ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, cwd=REPO, timeout=timeout
    )


def invoke(*args: str) -> Result:
    """``coach ARGS`` in this process."""
    return CliRunner().invoke(main, list(args))


def status_and_stderr(result: Result | subprocess.CompletedProcess) -> tuple[int, str]:
    if isinstance(result, Result):
        return result.exit_code, result.stderr
    return result.returncode, result.stderr


def assert_one_line(result: Result | subprocess.CompletedProcess, status: int, *words: str) -> str:
    """The exit status, and exactly one ``coach: error:`` line on stderr holding ``words``."""
    code, stderr = status_and_stderr(result)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert code == status, (code, stderr)
    assert len(lines) == 1 and lines[0].startswith("coach: error: "), stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    """Files a run should never leave: temporary writes, probes, checkpoints, locks."""
    if not folder.exists():
        return []
    names = [p.name for p in folder.rglob("*")]
    return [n for n in names if "partial" in n or n.endswith(".probe") or n in (CHECKPOINT_NAME, LOCK_NAME)]


def need(what: str) -> None:
    message = f"{what} is needed for this test"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# --- bad videos: coach analyze, as a real process ----------------------------------------------


@pytest.mark.parametrize("kind", list(MAKERS))
def test_analyze_every_kind_of_bad_video(tmp_path: Path, kind: str) -> None:
    video = MAKERS[kind](tmp_path)
    out = tmp_path / "out put 出力"
    done = coach("analyze", str(video), "--out", str(out), "--no-progress")
    if kind in REFUSED:
        assert_one_line(done, 2, str(video), REFUSED[kind])
        assert not out.exists()  # not even an empty folder
        return
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    session = load_session(out / "session.json")
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert leftovers(out) == []
    assert session.video.source == str(video)
    notes = done.stderr.strip().splitlines()
    if kind == "truncated avi":  # what is there is analysed, and the cut is said
        assert session.video.frame_count == 15
        assert len(notes) == 1 and notes[0].startswith("coach: note: ")
        assert "ends after 15 of the 30 frames" in notes[0] and str(video) in notes[0]
        return
    assert notes == []
    expected = {
        # FFmpeg scales the frames that changed to the first frames' size.
        "frames change size": (8, 12.0, 320, 240),
        # The headers lie; the frames are what counts.
        "header claims 100000x100000": (5, 10.0, 160, 120),
        "one frame": (1, 10.0, 320, 240),
        "unicode and spaces": (8, 10.0, 320, 240),
    }[kind]
    v = session.video
    assert (v.frame_count, v.fps, v.width, v.height) == expected
    if kind == "unicode and spaces":
        assert "pied gauche 足 (1).avi" in (out / "report.html").read_text(encoding="utf-8")


# --- bad videos: the other commands that read videos -------------------------------------------


def _live(video: Path, out: Path) -> list[str]:
    return ["live", "--headless", "--quiet", "--no-realtime", "--source", str(video), "--out", str(out)]


VIDEO_COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "live": _live,
    "eval": lambda video, out: ["eval", str(video), "--json", str(out / "figures.json")],
    "synth-check": lambda video, out: ["synth-check", str(video)],
    "hands": lambda video, out: ["hands", str(video), "--json"],
}


# Every command on every refused kind. Of the kinds that are read, what happens is the
# decoder's (as for analyze above): hands reads each; live, which takes seconds, the file that
# ends early and the names; eval and synth-check none (their figures on such clips mean nothing).
COMMAND_CASES = [(command, kind) for command in VIDEO_COMMANDS for kind in REFUSED] + [
    *(("hands", kind) for kind in READ),
    ("live", "truncated avi"),
    ("live", "unicode and spaces"),
]


@pytest.mark.parametrize(("command", "kind"), COMMAND_CASES)
def test_every_command_that_reads_videos_on_every_kind_of_bad_video(
    tmp_path: Path, command: str, kind: str
) -> None:
    video = MAKERS[kind](tmp_path)
    if video.suffix and video.parent.is_dir() and kind != "directory":
        write_labels(video)  # eval and synth-check need ground truth beside a clip
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(*VIDEO_COMMANDS[command](video, out))
    if kind in REFUSED:
        words = REFUSED[kind]
        if command == "eval" and kind == "directory":
            words = "no labelled clips found"  # to eval, a folder is a folder of clips
        assert_one_line(result, 2, words)
        assert list(out.iterdir()) == []
        return
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.stderr
    frames = {"truncated avi": 15, "frames change size": 8, "header claims 100000x100000": 5,
              "one frame": 1, "unicode and spaces": 8}[kind]  # fmt: skip
    if command == "live":
        (folder,) = out.glob("live-*")
        session = load_session(folder / "session.json")
        assert session.video.frame_count == frames and session.video.source == str(video)
        assert leftovers(out) == []
    else:
        assert len(result.stdout.splitlines()) == frames


# --- bad session files: coach report and coach history ------------------------------------------


def test_history_refuses_every_kind_of_bad_session_file_in_one_line(tmp_path: Path) -> None:
    cases = bad_session_files(tmp_path)
    noise = tmp_path / "noise" / "session.json"
    noise.parent.mkdir()
    noise.write_bytes(np.random.default_rng(5).bytes(3000))
    cases.append(("random bytes", noise, ("not UTF-8",)))
    page = tmp_path / "history.html"
    for name, path, words in cases:
        result = invoke("history", str(path), "--out", str(page))
        if name == "folder":
            words = ("no session.json files",)  # to history, a folder is a folder of sessions
        if name == "missing":
            words = ("no such file",)
        line = assert_one_line(result, 2, *words)
        assert Path(path).name in line and len(line) < 400, (name, line)
        assert not page.exists(), name
    # The random bytes, to the report as well.
    assert_one_line(invoke("report", str(noise), "--out", str(page)), 2, str(noise), "not UTF-8")
    assert not page.exists()


def test_session_files_under_unicode_names_with_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "séances du soir 足"
    (folder / "lundi soir").mkdir(parents=True)
    path = folder / "lundi soir" / "session.json"
    write_session(path, example_session(minutes=0.5, source="pied gauche 足.mp4"))
    done = invoke("report", str(path))
    assert done.exit_code == 0 and done.stderr == "", done.output
    assert "pied gauche 足.mp4" in (path.parent / "report.html").read_text(encoding="utf-8")
    page = folder / "progrès 足.html"
    done = invoke("history", str(folder), "--out", str(page))
    assert done.exit_code == 0 and done.stderr == "", done.output
    assert "pied gauche 足.mp4" in page.read_text(encoding="utf-8")


# --- synth: bad options and paths ----------------------------------------------------------------


SYNTH = ["synth", "--duration", "0.5", "--size", "96x72", "--fps", "10", "--quality", "clean"]


SYNTH_BAD = {
    "absurd size": (["--size", "100000x100000"], "frame size 100000x100000 is out of range"),
    "1x1": (["--size", "1x1"], "frame size 1x1 is out of range"),
    "not a size": (["--size", "huge"], "is not WIDTHxHEIGHT"),
    "0 fps": (["--fps", "0"], "fps 0.0 is out of range"),
    "0 s": (["--duration", "0"], "duration 0.0 s is out of range"),
    "negative seed": (["--seed", "-1"], "seed must be >= 0"),
    "missing folder": (["--out", "{tmp}/missing/clip.mp4"], "no such folder"),
    "out is a folder": (["--out", "{tmp}"], "is a directory"),
    "not a video suffix": (["--out", "{tmp}/clip.txt"], "unknown video suffix"),
}


@pytest.mark.parametrize("case", list(SYNTH_BAD))
def test_synth_refuses_bad_options_in_one_line(tmp_path: Path, case: str) -> None:
    args, words = SYNTH_BAD[case]
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "clip.mp4")]
    assert_one_line(invoke(*SYNTH, *args), 2, words)
    assert list(tmp_path.iterdir()) == []


def test_synth_under_a_unicode_name_with_spaces(tmp_path: Path) -> None:
    out = tmp_path / "rendu du soir 足" / "séance 1.mp4"
    out.parent.mkdir()
    done = invoke(*SYNTH, "--out", str(out))
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["séance 1.labels.json", "séance 1.mp4"]
    cap = cv2.VideoCapture(str(out))
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) == 5
    cap.release()


# --- the camera ----------------------------------------------------------------------------------


class FakeCapture:
    """Stands in for ``cv2.VideoCapture``: opens, then gives the pictures it was given (None: none)."""

    def __init__(self, pictures: list[np.ndarray | None]) -> None:
        self.pictures = list(pictures)

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return True

    def read(self) -> tuple[bool, np.ndarray | None]:
        picture = self.pictures.pop(0) if self.pictures else None
        return picture is not None, picture

    def get(self, prop: int) -> float:
        return 30.0 if prop == cv2.CAP_PROP_FPS else 0.0

    def release(self) -> None:
        self.pictures = []


def _fake_cameras(monkeypatch: pytest.MonkeyPatch, pictures: list[np.ndarray | None]) -> None:
    monkeypatch.setattr("coach.sources.cv2.VideoCapture", lambda *args: FakeCapture(pictures))


def test_a_camera_that_opens_but_gives_no_picture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_cameras(monkeypatch, [None])
    result = invoke("live", "--headless", "--quiet", "--source", "3", "--out", str(tmp_path))
    assert_one_line(result, 2, "camera 3: gave no picture", "--source")
    assert list(tmp_path.iterdir()) == []


class Camera(Source):
    """Real frames at 10 a second, as a camera gives them; raises, or just stops, at ``stop_at``."""

    def __init__(self, stop_at: int, raises: bool) -> None:
        self.info = SourceInfo("fake camera", "camera", 10.0, None, 160, 120)
        self.stop_at, self.raises = stop_at, raises
        self.frames = sample_frames(stop_at, (160, 120))

    def __iter__(self) -> Iterator[Frame]:
        for i, image in enumerate(self.frames):
            yield Frame(image, i, i * 100)
        if self.raises:
            raise OSError("camera unplugged")


@pytest.mark.parametrize(
    ("raises", "words"), [(True, "failed (camera unplugged)"), (False, "stopped giving pictures")]
)
def test_a_camera_that_stops_mid_session_leaves_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raises: bool, words: str
) -> None:
    monkeypatch.setattr("coach.live._open", lambda spec, realtime: Camera(20, raises))
    result = invoke("live", "--headless", "--quiet", "--every-frame", "--source", "0", "--out", str(tmp_path))
    (folder,) = tmp_path.glob("live-*")
    assert_one_line(result, 1, f"fake camera {words} after 2 s", str(folder / "session.json"))
    assert load_session(folder / "session.json").video.frame_count == 20
    assert leftovers(tmp_path) == []


def test_a_camera_whose_picture_changes_size_counts_as_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_cameras(monkeypatch, sample_frames(12, (320, 240)) + sample_frames(3, (160, 120)))
    result = invoke("live", "--headless", "--quiet", "--every-frame", "--source", "2", "--out", str(tmp_path))
    assert_one_line(result, 1, "frame 12 is 160x120, the video started at 320x240")
    (folder,) = tmp_path.glob("live-*")
    assert load_session(folder / "session.json").video.frame_count == 12


def test_a_video_whose_picture_changes_size_mid_analysis_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FFmpeg scales such frames itself (above); another decoder may not.
    _fake_cameras(monkeypatch, sample_frames(12, (320, 240)) + sample_frames(3, (160, 120)))
    video = write_avi(tmp_path / "clip.avi", sample_frames(2))
    out = tmp_path / "out"
    assert_one_line(invoke("analyze", str(video), "--out", str(out)), 2, "re-encode it at one size")
    assert list(out.iterdir()) == []  # no session of the first 12 frames posing as the video's


# --- the disk: a folder that refuses writes ----------------------------------------------------


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder nothing can be written in, also for root (who ignores permission bits)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() == 0:
        # The immutable attribute stops root too; it needs a file system that has it (ext4, xfs...).
        lock, unlock = ["chattr", "+i", str(folder)], ["chattr", "-i", str(folder)]
        if shutil.which("chattr") is None or subprocess.run(lock, capture_output=True).returncode != 0:
            need("chattr and a file system with the immutable attribute (running as root)")
    else:
        folder.chmod(0o555)
        unlock = ["chmod", "755", str(folder)]
    try:
        try:
            (folder / "probe").write_text("x")
            need("a read-only folder")
        except OSError:
            pass
        yield folder
    finally:
        subprocess.run(unlock, check=True)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight real frames, with empty labels beside them."""
    video = write_avi(tmp_path_factory.mktemp("clip") / "clip.avi", sample_frames(8))
    write_labels(video)
    return video


@pytest.fixture(scope="module")
def session_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("session") / "session.json"
    write_session(path, example_session(minutes=0.5))
    return path


READ_ONLY_RUNS: dict[str, tuple[Callable[[Path, Path, Path], list[str]], str]] = {
    "analyze": (lambda ro, v, s: ["analyze", str(v), "--out", str(ro)], "cannot write in the output folder"),
    "analyze, new folder": (
        lambda ro, v, s: ["analyze", str(v), "--out", str(ro / "new")],
        "cannot create the output folder",
    ),
    "live": (lambda ro, v, s: _live(v, ro), "cannot create the output folder"),
    "report": (lambda ro, v, s: ["report", str(s), "--out", str(ro / "r.html")], "cannot write here"),
    "history": (lambda ro, v, s: ["history", str(s), "--out", str(ro / "h.html")], "cannot write here"),
    "synth": (lambda ro, v, s: [*SYNTH, "--out", str(ro / "c.mp4")], "not writable"),
    "hands, video": (lambda ro, v, s: ["hands", str(v), "--out", str(ro / "d.avi")], "cannot create"),
    "eval --json": (lambda ro, v, s: ["eval", str(v), "--json", str(ro / "m.json")], "cannot write here"),
}


@pytest.mark.parametrize("run", list(READ_ONLY_RUNS))
def test_a_read_only_output_folder_is_one_line_and_nothing_is_written(
    read_only: Path, clip: Path, session_file: Path, run: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = {"n": 0}
    update = Engine.update

    def counted(self: Engine, frame: Frame) -> object:
        frames["n"] += 1
        return update(self, frame)

    monkeypatch.setattr(Engine, "update", counted)
    args, words = READ_ONLY_RUNS[run]
    assert_one_line(invoke(*args(read_only, clip, session_file)), 2, str(read_only), words)
    assert list(read_only.iterdir()) == []
    if run.startswith("analyze"):
        assert frames["n"] == 0  # said before the video is analysed, not after


# --- the disk: a folder that goes away mid-run ------------------------------------------------


def _remove_at_frame(monkeypatch: pytest.MonkeyPatch, n: int, folder: Callable[[], Path]) -> None:
    update = Engine.update

    def removing(self: Engine, frame: Frame) -> object:
        if frame.index == n:
            shutil.rmtree(folder())
        return update(self, frame)

    monkeypatch.setattr(Engine, "update", removing)


def test_analyze_when_the_output_folder_goes_away(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    _remove_at_frame(monkeypatch, 3, lambda: out)
    assert_one_line(invoke("analyze", str(clip), "--out", str(out)), 2, f"{out}: the output folder is gone")
    assert not out.exists()


def test_live_when_the_session_folder_goes_away(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _remove_at_frame(monkeypatch, 3, lambda: next(tmp_path.glob("live-*")))
    assert_one_line(invoke(*_live(clip, tmp_path)), 2, "the session folder is gone")
    assert list(tmp_path.iterdir()) == []


def test_synth_when_the_output_folder_goes_away(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.sinks import VideoSink

    out = tmp_path / "out"
    out.mkdir()
    write = VideoSink.write
    calls = {"n": 0}

    def removing(self: VideoSink, image: np.ndarray) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            shutil.rmtree(out)
        write(self, image)

    monkeypatch.setattr(VideoSink, "write", removing)
    assert_one_line(invoke(*SYNTH, "--out", str(out / "clip.mp4")), 2, "clip.labels.json: cannot write")
    assert not out.exists()


# --- the disk: killed mid-analysis, then run again ----------------------------------------------


def _wait_for_progress(proc: subprocess.Popen, frames: int, timeout_s: float) -> int:
    """Reads the progress bar on the process's stderr until it has passed ``frames``."""
    seen = {"text": ""}

    def read() -> None:
        assert proc.stderr is not None
        while chunk := proc.stderr.read(64):
            seen["text"] += chunk

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        done = [int(n) for n in re.findall(r"(\d+)/\d+ \[", seen["text"])]
        if done and max(done) >= frames:
            return max(done)
        time.sleep(0.05)
    raise AssertionError(f"no progress past {frames} frames: {seen['text'][-500:]!r}")


@pytest.mark.slow
def test_analyze_killed_mid_analysis_then_run_again(tmp_path: Path) -> None:
    video = write_avi(tmp_path / "clip.avi", sample_frames(60, (320, 240)), fps=30.0)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "coach", "analyze", str(video), "--out", str(out), "--progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        reached = _wait_for_progress(proc, 10, timeout_s=60)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL and reached < 60
    assert sorted(p.name for p in out.iterdir()) == []  # nothing that could pass for a result
    # What a kill in the middle of writing would leave: half a session under the temporary name.
    example = tmp_path / "example.json"
    write_session(example, example_session(minutes=0.2))
    stale = out / ".session.json.k1ll3d.partial"
    stale.write_bytes(example.read_bytes()[:2000])
    again = coach("analyze", str(video), "--out", str(out), "--no-progress")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    session = load_session(out / "session.json")
    assert session.video.frame_count == 60 and session.video.source == str(video)
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "session.json"]


# --- outputs that are the wrong kind of thing, and bad options ----------------------------------


@pytest.mark.parametrize(
    ("run", "words"),
    [
        (lambda d, v, s: ["analyze", str(v), "--out", str(d / "a file")], "a file' is a file"),
        (lambda d, v, s: _live(v, d / "a file"), "a file' is a file"),
        (lambda d, v, s: ["report", str(s), "--out", str(d)], "is a directory"),
        (lambda d, v, s: ["history", str(s), "--out", str(d)], "is a directory"),
        (lambda d, v, s: ["analyze", str(v), "--nope"], "No such option '--nope'"),
        (lambda d, v, s: ["report"], "Missing argument 'SESSION.json'. (see coach report --help)"),
        (lambda d, v, s: ["live", "--max-seconds", "0"], "--max-seconds"),
        (lambda d, v, s: ["analyze", str(v), "--heel", "1,2"], "give --heel and --toe together"),
    ],
    ids=[
        "analyze out is a file",
        "live out is a file",
        "report out is a folder",
        "history out is a folder",
        "unknown option",
        "missing argument",
        "out of range",
        "heel without toe",
    ],
)
def test_wrong_outputs_and_bad_options_are_one_line(
    tmp_path: Path, clip: Path, session_file: Path, run: Callable[[Path, Path, Path], list[str]], words: str
) -> None:
    (tmp_path / "a file").write_text("mine")
    assert_one_line(invoke(*run(tmp_path, clip, session_file)), 2, words)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a file"]
    assert (tmp_path / "a file").read_text() == "mine"
