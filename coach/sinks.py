"""Where pictures go: video files and still images, written safely.

Files are written under a temporary name and renamed into place when closed,
so a crash never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from coach.errors import InputError

# mp4v plays in desktop players everywhere; browsers need H.264, which the
# OpenCV wheels cannot encode, so the HTML report embeds stills instead.
FOURCC_BY_SUFFIX = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".avi": "MJPG", ".mkv": "MJPG"}


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def write_image(path: Path, image: np.ndarray) -> None:
    """Writes an image atomically.

    Raises:
        InputError: the folder does not exist or is not writable, or the suffix is unknown.
    """
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    tmp = _partial(path)
    try:
        ok = cv2.imwrite(str(tmp), image)
    except cv2.error:
        ok = False
    if not ok:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write the image (unknown suffix or read-only folder)")
    os.replace(tmp, path)


class VideoSink:
    """Writes frames to a video file, atomically.

    Args:
        path: the output file (.mp4, .mov, .avi or .mkv).
        fps: frame rate.
        size: (width, height) of every frame.

    Raises:
        InputError: the file cannot be created.
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        fourcc = FOURCC_BY_SUFFIX.get(path.suffix.lower())
        if fourcc is None:
            raise InputError(f"{path}: unknown video suffix, use one of {', '.join(FOURCC_BY_SUFFIX)}")
        if not path.parent.is_dir():
            raise InputError(f"{path.parent}: no such folder")
        self.path = path
        self.size = size
        self._tmp = _partial(path)
        self._writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*fourcc), fps, size)
        if not self._writer.isOpened():
            self._writer.release()
            self._tmp.unlink(missing_ok=True)
            raise InputError(f"{path}: cannot create the video file (read-only folder?)")
        self._ok = True

    def write(self, image: np.ndarray) -> None:
        if (image.shape[1], image.shape[0]) != self.size:
            raise ValueError(f"frame is {image.shape[1]}x{image.shape[0]}, sink expects {self.size}")
        self._writer.write(image)

    def close(self, keep: bool = True) -> None:
        """Finishes the file; ``keep=False`` throws it away."""
        if self._writer is None:
            return
        self._writer.release()
        self._writer = None
        if keep and self._tmp.exists():
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> VideoSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(keep=exc_type is None)
