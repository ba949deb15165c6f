"""The sample sessions shipped with Footcoach, so every command has a default that works."""

from __future__ import annotations

from pathlib import Path

from coach.errors import InputError

DEFAULT_SAMPLE = "good_session.mp4"


def samples_dir() -> Path:
    """The folder of sample videos: inside the wheel, or ``sample_videos/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sample_videos", here.parent / "sample_videos"):
        if candidate.is_dir():
            return candidate
    raise InputError("no sample videos in this installation; give a video path")


def default_sample_video() -> Path:
    """The video used when a command is given none."""
    path = samples_dir() / DEFAULT_SAMPLE
    if not path.is_file():
        raise InputError(f"{path}: default sample video is missing; give a video path")
    return path
