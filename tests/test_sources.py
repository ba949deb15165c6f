"""Sources: real video files written here, still images, and every kind of bad input."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from coach.errors import SourceError
from coach.sources import FALLBACK_FPS, Frame, ReadAhead, Source, SourceInfo, open_source


def write_video(path: Path, n: int = 12, fps: float = 25.0, size: tuple[int, int] = (64, 48)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    assert writer.isOpened()
    for i in range(n):
        image = np.full((size[1], size[0], 3), (i * 20) % 255, np.uint8)
        writer.write(image)
    writer.release()
    return path


def test_video_file_frames_and_timestamps(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.avi", n=12, fps=25.0)
    with open_source(path) as source:
        info = source.info
        frames = list(source)
    assert (info.kind, info.fps, info.width, info.height) == ("video", 25.0, 64, 48)
    assert info.frame_count == 12 and info.duration_s == pytest.approx(12 / 25)
    assert [f.index for f in frames] == list(range(12))
    assert [f.t_ms for f in frames] == [round(i * 40.0) for i in range(12)]
    assert frames[3].image.shape == (48, 64, 3)


def test_same_file_twice_gives_same_timestamps(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.avi", n=7, fps=30.0)
    runs = []
    for _ in range(2):
        with open_source(path) as source:
            runs.append([f.t_ms for f in source])
    assert runs[0] == runs[1] == [0, 33, 67, 100, 133, 167, 200]


def test_still_image_is_one_frame(tmp_path: Path) -> None:
    path = tmp_path / "still.png"
    cv2.imwrite(str(path), np.zeros((40, 50, 3), np.uint8))
    with open_source(path) as source:
        frames = list(source)
    assert source.info.kind == "image" and len(frames) == 1 and frames[0].size == (50, 40)


def test_unicode_and_spaces_in_paths(tmp_path: Path) -> None:
    folder = tmp_path / "séance du soir"
    folder.mkdir()
    path = write_video(folder / "pied gauche 足.avi", n=3)
    with open_source(path) as source:
        assert len(list(source)) == 3


BAD_FILES = {
    "missing.mp4": (None, "no such file"),
    "empty.mp4": (b"", "file is empty"),
    "noise.mp4": (np.random.default_rng(0).bytes(5000), "cannot read as a video"),
    "fake.jpg": (b"GIF89a not really", "cannot read as an image"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_a_source_error(tmp_path: Path, name: str) -> None:
    content, message = BAD_FILES[name]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        open_source(path)


def test_directory_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is a directory"):
        open_source(tmp_path)


def test_truncated_video_gives_the_frames_it_has(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.avi", n=30)
    data = path.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: len(data) // 2])
    with open_source(cut) as source:
        frames = list(source)
    assert 0 < len(frames) < 30


def test_camera_that_does_not_exist_says_what_to_do() -> None:
    with pytest.raises(SourceError, match="--source"):
        open_source(97)


def test_frame_refuses_a_wrong_image() -> None:
    with pytest.raises(ValueError):
        Frame(np.zeros((4, 4), np.uint8), 0, 0)
    assert FALLBACK_FPS == 30.0


class _Counting(Source):
    """A source of ``n`` small frames that counts reads, fails after ``fail_after`` and records closing."""

    def __init__(self, n: int = 10**9, fail_after: int | None = None) -> None:
        self.info = SourceInfo("counting", "video", 25.0, None, 64, 48)
        self.n, self.fail_after = n, fail_after
        self.read = 0
        self.closed = False

    def __iter__(self) -> Iterator[Frame]:
        for i in range(self.n):
            if self.fail_after is not None and i == self.fail_after:
                raise SourceError("counting: frame 3 is damaged")
            self.read += 1
            yield Frame(np.full((48, 64, 3), i % 255, np.uint8), i, i * 40)

    def close(self) -> None:
        self.closed = True


def test_reading_ahead_gives_every_frame_of_the_file_in_order(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.avi", n=30, fps=30.0)
    with open_source(path) as source:
        plain = list(source)
    with ReadAhead(open_source(path), depth=2) as source:
        assert source.info.frame_count == 30
        ahead = list(source)
    assert [(f.index, f.t_ms) for f in ahead] == [(f.index, f.t_ms) for f in plain]
    assert all(np.array_equal(a.image, b.image) for a, b in zip(ahead, plain, strict=True))


def test_reading_ahead_stays_a_few_frames_ahead_and_stops_when_closed() -> None:
    before = set(threading.enumerate())
    inner = _Counting()
    source = ReadAhead(inner, depth=3)
    frames = iter(source)
    next(frames)
    time.sleep(0.3)
    assert 2 <= inner.read <= 1 + 3 + 1  # the one handed out, the queue, the one waiting to go in
    source.close()
    assert inner.closed
    started = [t for t in threading.enumerate() if t not in before]
    assert not any(t.name == "footcoach-decode" and t.is_alive() for t in started)


def test_reading_ahead_raises_the_sources_error_where_it_happened() -> None:
    got = []
    with ReadAhead(_Counting(fail_after=3)) as source, pytest.raises(SourceError, match="damaged"):
        for frame in source:
            got.append(frame.index)
    assert got == [0, 1, 2]


def test_reading_ahead_closes_a_source_it_never_read() -> None:
    inner = _Counting(n=3)
    ReadAhead(inner).close()
    assert inner.closed


def test_a_file_without_a_usable_frame_rate_is_refused(tmp_path: Path) -> None:
    from tests.bad_videos import zero_fps

    with pytest.raises(SourceError, match=r"no usable frame rate .* re-encode it"):
        open_source(zero_fps(tmp_path))


class _Camera:
    """A stand-in for ``cv2.VideoCapture`` of a camera that reports no frame rate and no count."""

    def __init__(self, *args: object) -> None:
        self.left = 3

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return True

    def read(self) -> tuple[bool, np.ndarray | None]:
        self.left -= 1
        return (True, np.zeros((48, 64, 3), np.uint8)) if self.left >= 0 else (False, None)

    def get(self, prop: int) -> float:
        return float("nan")

    def release(self) -> None:
        pass


def test_a_camera_without_a_frame_rate_is_timed_by_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coach.sources.cv2.VideoCapture", _Camera)
    with open_source(4) as source:
        times = [f.t_ms for f in source]
    assert source.info.fps == FALLBACK_FPS and source.info.frame_count is None
    assert len(times) == 3 and times == sorted(set(times))


@pytest.mark.parametrize(
    ("size", "ok"), [((30, 48), False), ((32, 32), True), ((8192, 40), True), ((8194, 40), False)]
)
def test_frame_sizes_outside_what_a_camera_gives_are_refused(
    tmp_path: Path, size: tuple[int, int], ok: bool
) -> None:
    path = write_video(tmp_path / "clip.avi", n=2, size=size)
    if ok:
        with open_source(path) as source:
            assert (source.info.width, source.info.height) == size
    else:
        with pytest.raises(SourceError, match=f"frames are {size[0]}x{size[1]} pixels"):
            open_source(path)
