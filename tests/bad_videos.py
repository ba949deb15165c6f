"""Bad and odd videos made on the spot, one maker per kind of fault, for the fault tests.

Each maker takes a folder and returns the path it made there. The odd-but-readable
ones are cut from a real sample session, so the whole coach runs on real frames.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from coach.samples import samples_dir
from coach.synth.labels import LABELS_SCHEMA

SAMPLE = "top_view_left.mp4"


def sample_frames(n: int, size: tuple[int, int] = (320, 240)) -> list[np.ndarray]:
    """The first ``n`` frames of a sample session, resized to ``size`` (width, height)."""
    cap = cv2.VideoCapture(str(samples_dir() / SAMPLE))
    frames = []
    while len(frames) < n:
        ok, image = cap.read()
        assert ok, f"{SAMPLE} has fewer than {n} frames"
        frames.append(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
    cap.release()
    return frames


def write_avi(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> Path:
    """An MJPEG .avi of ``frames`` (all one size)."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    assert writer.isOpened(), path
    for image in frames:
        writer.write(image)
    writer.release()
    return path


def write_labels(video: Path) -> Path:
    """Empty ground truth beside ``video``, enough for ``coach eval`` and ``coach synth-check`` to open it."""
    path = video.with_name(video.stem + ".labels.json")
    path.write_text(json.dumps({"schema": LABELS_SCHEMA, "strokes": [], "timeline": [], "frames": []}))
    return path


def missing(folder: Path) -> Path:
    return folder / "missing.mp4"


def directory(folder: Path) -> Path:
    path = folder / "folder.mp4"
    path.mkdir()
    return path


def zero_bytes(folder: Path) -> Path:
    path = folder / "empty.mp4"
    path.write_bytes(b"")
    return path


def random_bytes(folder: Path) -> Path:
    path = folder / "noise.mp4"
    path.write_bytes(np.random.default_rng(3).bytes(50_000))
    return path


def truncated_mp4(folder: Path) -> Path:
    """The first half of a real sample's bytes: its index (the moov box) is at the end."""
    data = (samples_dir() / SAMPLE).read_bytes()
    path = folder / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])
    return path


def truncated_avi(folder: Path) -> Path:
    """The first half of a 30-frame .avi: the header still announces 30 frames."""
    whole = write_avi(folder / "whole.avi", sample_frames(30, (160, 120)))
    data = whole.read_bytes()
    whole.unlink()
    path = folder / "cut.avi"
    path.write_bytes(data[: len(data) // 2])
    return path


def _chunk(fourcc: bytes, data: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def mjpeg_avi(path: Path, frames: list[np.ndarray], fps: float) -> Path:
    """An .avi of JPEG frames that may differ in size (OpenCV's writer refuses that), with an index.

    The headers give the first frame's size and ``fps``.
    """
    jpegs = [cv2.imencode(".jpg", f)[1].tobytes() for f in frames]
    h, w = frames[0].shape[:2]
    n = len(jpegs)
    avih = struct.pack("<10I16x", round(1e6 / fps), 0, 0, 0x10, n, 0, 1, 0, w, h)
    strh = b"vidsMJPG" + struct.pack("<IHHIIIIIIIIhhhh", 0, 0, 0, 0, 1, round(fps), 0, n, 0, -1 & 0xFFFFFFFF,
                                     0, 0, 0, w, h)  # fmt: skip
    strf = struct.pack("<IiiHH4sIiiII", 40, w, h, 1, 24, b"MJPG", w * h * 3, 0, 0, 0, 0)
    movi, index, offset = [], [], 4  # index offsets count from the "movi" tag
    for jpeg in jpegs:
        movi.append(_chunk(b"00dc", jpeg))
        index.append(b"00dc" + struct.pack("<III", 0x10, offset, len(jpeg)))
        offset += len(movi[-1])
    strl = _chunk(b"LIST", b"strl" + _chunk(b"strh", strh) + _chunk(b"strf", strf))
    hdrl = _chunk(b"LIST", b"hdrl" + _chunk(b"avih", avih) + strl)
    body = hdrl + _chunk(b"LIST", b"movi" + b"".join(movi)) + _chunk(b"idx1", b"".join(index))
    path.write_bytes(_chunk(b"RIFF", b"AVI " + body))
    return path


def changing_size(folder: Path) -> Path:
    """An .avi at 12 fps whose frames turn from 320x240 to 240x320 halfway."""
    frames = sample_frames(4, (320, 240)) + sample_frames(4, (240, 320))
    return mjpeg_avi(folder / "turned.avi", frames, 12.0)


def huge_header(folder: Path) -> Path:
    """An .avi whose headers claim 100000x100000 pixels around small real frames."""
    data = bytearray(write_avi(folder / "huge.avi", sample_frames(5, (160, 120))).read_bytes())
    avih, strf = data.find(b"avih"), data.find(b"strf")
    struct.pack_into("<II", data, avih + 8 + 32, 100_000, 100_000)  # dwWidth, dwHeight
    struct.pack_into("<ii", data, strf + 8 + 4, 100_000, 100_000)  # biWidth, biHeight
    path = folder / "huge.avi"
    path.write_bytes(bytes(data))
    return path


def wide_frames(folder: Path) -> Path:
    """Real frames 8200 pixels wide: more than any camera gives."""
    return write_avi(folder / "wide.avi", [np.full((40, 8200, 3), 128, np.uint8)] * 2)


def one_pixel(folder: Path) -> Path:
    return write_avi(folder / "pixel.avi", [np.full((1, 1, 3), 128, np.uint8)] * 5)


def one_frame(folder: Path) -> Path:
    return write_avi(folder / "one.avi", sample_frames(1))


def zero_fps(folder: Path) -> Path:
    """An .mp4 whose timing says nothing: media time scale 0 and every frame 0 ticks long."""
    src = folder / "timed.mp4"
    writer = cv2.VideoWriter(str(src), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (160, 120))
    for image in sample_frames(5, (160, 120)):
        writer.write(image)
    writer.release()
    data = bytearray(src.read_bytes())
    src.unlink()
    stts, mdhd = data.find(b"stts"), data.find(b"mdhd")
    struct.pack_into(">I", data, stts + 16, 0)  # the one entry's sample delta
    struct.pack_into(">I", data, mdhd + 8 + 12, 0)  # version-0 mdhd: time scale
    path = folder / "zero-fps.mp4"
    path.write_bytes(bytes(data))
    return path


def unicode_name(folder: Path) -> Path:
    sub = folder / "séance du soir 足"
    sub.mkdir()
    return write_avi(sub / "pied gauche 足 (1).avi", sample_frames(8))


MAKERS: dict[str, Callable[[Path], Path]] = {
    "missing": missing,
    "directory": directory,
    "zero bytes": zero_bytes,
    "random bytes named .mp4": random_bytes,
    "truncated mp4": truncated_mp4,
    "truncated avi": truncated_avi,
    "frames change size": changing_size,
    "header claims 100000x100000": huge_header,
    "8200 px wide frames": wide_frames,
    "1x1 frames": one_pixel,
    "one frame": one_frame,
    "0 fps header": zero_fps,
    "unicode and spaces": unicode_name,
}
