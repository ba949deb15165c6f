"""Frame sources: video files, still images, cameras and streams, from one factory.

Every source is an iterator of :class:`Frame` and a context manager. Time comes
from the source, never from analysis code: a file's frame ``i`` is at
``i / fps`` seconds, so a recording analysed twice gives the same timestamps; a
camera's frames are stamped with a monotonic clock when they arrive.
"""

from __future__ import annotations

import math
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, cast

import cv2
import numpy as np

from coach.errors import SourceError

if TYPE_CHECKING:
    from coach.timing import StageClock

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
STREAM_PREFIXES = ("rtsp://", "rtmp://", "http://", "https://", "udp://", "tcp://")
# The nominal rate of a camera or stream that reports none (their frames are timed by the clock).
# A file without a usable rate is refused: its frame rate is what times every stroke.
FALLBACK_FPS = 30.0
# Frame sizes the coach takes: smaller cannot show a hand on a foot, larger is no camera's picture
# (8K is 7680x4320) and would take minutes a frame.
MIN_SIDE_PX = 32
MAX_SIDE_PX = 8192


@dataclass(frozen=True)
class Frame:
    """One picture from a source.

    Attributes:
        image: (h, w, 3) uint8 BGR pixels.
        index: 0-based position in the source.
        t_ms: timestamp in milliseconds, strictly increasing within a source.
    """

    image: np.ndarray
    index: int
    t_ms: int

    def __post_init__(self) -> None:
        if self.image.ndim != 3 or self.image.shape[2] != 3 or self.image.dtype != np.uint8:
            raise ValueError(
                f"Frame.image must be (h, w, 3) uint8, got {self.image.shape} {self.image.dtype}"
            )

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.image.shape[1], self.image.shape[0]

    @property
    def t_s(self) -> float:
        return self.t_ms / 1000.0


@dataclass(frozen=True)
class SourceInfo:
    """What is known about a source before reading it.

    Attributes:
        name: what the user gave (path, camera index or URL), for messages and reports.
        kind: "video", "image", "camera" or "stream".
        fps: frames per second (the header's for files, nominal for cameras).
        frame_count: frames in a file, or None when unknown (cameras, streams).
        width, height: frame size in pixels.
    """

    name: str
    kind: str
    fps: float
    frame_count: int | None
    width: int
    height: int

    @property
    def duration_s(self) -> float | None:
        if self.frame_count is None:
            return None
        return self.frame_count / self.fps


class Source:
    """Base of all sources: iterate for frames, close when done."""

    info: SourceInfo

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        """Releases the device or file; safe to call twice."""

    def __enter__(self) -> Source:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ImageSource(Source):
    """A single still image as a one-frame source."""

    def __init__(self, path: Path) -> None:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise SourceError(f"{path}: cannot read as an image (damaged file or unknown format)")
        self._image = image
        h, w = image.shape[:2]
        _check_size(str(path), w, h)
        self.info = SourceInfo(str(path), "image", 1.0, 1, w, h)

    def __iter__(self) -> Iterator[Frame]:
        yield Frame(self._image, 0, 0)


class CaptureSource(Source):
    """Frames from ``cv2.VideoCapture``: a file, a camera or a stream.

    Args:
        capture: an opened capture.
        name: what the user asked for, for messages.
        kind: "video", "camera" or "stream".
        realtime: for files, deliver frames no faster than the file's frame rate
            (as a camera would); timestamps stay the file's own.
    """

    def __init__(self, capture: cv2.VideoCapture, name: str, kind: str, realtime: bool = False):
        self._cap = capture
        self._realtime = realtime
        ok, first = capture.read()
        if not ok or first is None:
            capture.release()
            what = "video has no readable frames" if kind == "video" else "gave no picture"
            raise SourceError(f"{name}: {what}")
        self._first: np.ndarray | None = first
        h, w = first.shape[:2]
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        try:
            _check_size(name, w, h)
            if not (math.isfinite(fps) and 0.5 <= fps <= 1000.0):
                if kind == "video":
                    raise SourceError(
                        f"{name}: no usable frame rate in the file ({fps:g} fps), and it times every "
                        "stroke; re-encode it with one, e.g. ffmpeg -i IN -r 30 OUT.mp4"
                    )
                fps = FALLBACK_FPS
        except SourceError:
            capture.release()
            raise
        count = float(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0.0) if kind == "video" else 0.0
        count = int(count) if math.isfinite(count) and count > 0 else 0
        self.info = SourceInfo(name, kind, fps, count or None, w, h)

    def _frames(self) -> Iterator[np.ndarray]:
        if self._first is not None:
            first, self._first = self._first, None
            yield first
        while True:
            ok, image = self._cap.read()
            if not ok or image is None:
                return
            yield image

    def __iter__(self) -> Iterator[Frame]:
        live = self.info.kind in ("camera", "stream")
        start = time.monotonic()
        last_t = -1
        expected_size = (self.info.height, self.info.width)
        for index, image in enumerate(self._frames()):
            if image.shape[:2] != expected_size:
                raise SourceError(
                    f"{self.info.name}: frame {index} is {image.shape[1]}x{image.shape[0]}, "
                    f"the video started at {self.info.width}x{self.info.height}; "
                    "re-encode it at one size"
                )
            if image.ndim == 2:
                image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
            if live:
                t_ms = max(int((time.monotonic() - start) * 1000.0), last_t + 1)
            else:
                t_ms = round(index * 1000.0 / self.info.fps)
                if self._realtime:
                    delay = start + t_ms / 1000.0 - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
            last_t = t_ms
            yield Frame(image, index, t_ms)

    def close(self) -> None:
        self._cap.release()


class ReadAhead(Source):
    """Decodes another source on its own thread, a few frames ahead of the coach.

    Decoding then overlaps with inference instead of waiting for it (OpenCV
    releases the interpreter lock while it decodes). Every frame is delivered,
    in order: nothing is ever dropped, so a file gives the same frames and the
    same session as without it. (The live coach, which must drop late frames
    instead, has :class:`coach.live.LatestFrames`.) An error of the source is
    raised from the iteration, where the frame it broke on would have come.

    Args:
        source: an opened source; closed with this one.
        depth: most frames decoded ahead (memory: ``depth`` frames).
        clock: adds the decoding time to its "decode" stage.
    """

    _END = object()
    CLOSE_WAIT_S = 10.0
    """Longest wait, when closing, for a read under way to return."""

    def __init__(self, source: Source, depth: int = 4, clock: StageClock | None = None) -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        self.info = source.info
        self._source = source
        self._clock = clock
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _put(self, item: object) -> bool:
        """Waits for room in the queue, unless closed meanwhile."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        frames = iter(self._source)
        try:
            while not self._stop.is_set():
                t0 = time.perf_counter()
                frame = next(frames, None)
                if self._clock is not None:
                    self._clock.add("decode", time.perf_counter() - t0)
                if not self._put(self._END if frame is None else frame) or frame is None:
                    return
        except BaseException as exc:  # handed to the reading thread, raised there
            self._put(exc)

    def __iter__(self) -> Iterator[Frame]:
        if self._thread is not None:
            raise RuntimeError("a ReadAhead source can be read once")
        self._thread = threading.Thread(target=self._run, name="footcoach-decode", daemon=True)
        self._thread.start()
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield cast(Frame, item)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            deadline = time.monotonic() + self.CLOSE_WAIT_S
            while self._thread.is_alive() and time.monotonic() < deadline:
                # Emptied so that a thread waiting to put sees the stop at once.
                while True:
                    try:
                        self._queue.get_nowait()
                    except queue.Empty:
                        break
                self._thread.join(timeout=0.1)
            if self._thread.is_alive():
                return  # still inside a read: releasing the source under it could crash
        self._source.close()


def _check_size(name: str, width: int, height: int) -> None:
    if min(width, height) < MIN_SIDE_PX or max(width, height) > MAX_SIDE_PX:
        raise SourceError(
            f"{name}: frames are {width}x{height} pixels; the coach takes {MIN_SIDE_PX} to {MAX_SIDE_PX} "
            "a side (a camera picture such as 640x480 or 1920x1080): resize or re-encode it"
        )


def _check_file(path: Path) -> None:
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    if path.is_dir():
        raise SourceError(f"{path}: is a directory, expected a video or image file")
    if not os.access(path, os.R_OK):
        raise SourceError(f"{path}: permission denied")
    if path.stat().st_size == 0:
        raise SourceError(f"{path}: file is empty")


def open_source(spec: str | int | Path, realtime: bool = False) -> Source:
    """Opens a source from what the user typed.

    Args:
        spec: a camera index (``0`` or ``"0"``), a device path (``/dev/video0``),
            a stream URL, or a path to a video or image file.
        realtime: play files at their own frame rate (for trying live coaching on a file).

    Returns:
        An opened source; use it as a context manager.

    Raises:
        SourceError: the source does not exist or cannot be read.
    """
    text = str(spec)
    if isinstance(spec, int) or text.isdigit():
        index = int(text)
        # OpenCV logs its own error for a missing camera; ours below says what to do.
        previous = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        try:
            cap = cv2.VideoCapture(index)
        finally:
            cv2.utils.logging.setLogLevel(previous)
        if not cap.isOpened():
            cap.release()
            raise SourceError(
                f"camera {index}: cannot be opened (no camera at that index, or it is in use); "
                "pass --source with another index, a device path or a video file"
            )
        return CaptureSource(cap, f"camera {index}", "camera")
    if text.startswith(STREAM_PREFIXES):
        cap = cv2.VideoCapture(text)
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"{text}: stream cannot be opened")
        return CaptureSource(cap, text, "stream")
    path = Path(text)
    if text.startswith("/dev/"):
        cap = cv2.VideoCapture(text)
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"{text}: camera device cannot be opened")
        return CaptureSource(cap, text, "camera")
    _check_file(path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageSource(path)
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        cap.release()
        raise SourceError(f"{path}: cannot read as a video (damaged file or unknown format)")
    return CaptureSource(cap, str(path), "video", realtime=realtime)
