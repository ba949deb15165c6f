"""Time spent in each pipeline stage, for the benchmarks.

A :class:`StageClock` is handed to the parts of ``coach analyze`` that do the
work (the read-ahead decoder, the hand tracker's thread, the engine, the
overlay and the writers); each adds the time its own stage took, on whichever
thread ran it. :meth:`StageClock.summary` gives the frozen :class:`StageTimes`.
With no clock, nothing is timed.

Stages run on three threads at once (decoding, hand tracking, the rest), so
the stage times add up to more than the wall time; the wall time gives the
frame rate, the stage times say where the work goes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

STAGES: tuple[str, ...] = ("decode", "hands", "foot", "coach", "overlay", "encode", "write")
"""The stages, in data order. ``hands`` is MediaPipe's hand landmarker with the
coach's few steps around it (colour conversion, track ids); ``foot`` is
``coach/foot.py``: finding and following the foot, and dropping the hands that
are the foot; ``coach`` is the contact, stroke, pace and cue stages; ``write``
is the session and its report, once at the end."""

BOUGHT_STAGES: frozenset[str] = frozenset({"decode", "hands"})
"""Video decoding and MediaPipe inference: the work the coach does not write itself.
Everything else is the coach's own work."""


@dataclass(frozen=True)
class StageTimes:
    """Where the time of one analysis went.

    Attributes:
        frames: frames analysed.
        wall_s: seconds from the start of the analysis to its end (written files included).
        seconds: total seconds spent in each stage of :data:`STAGES` (0.0 when it did not run).
    """

    frames: int
    wall_s: float
    seconds: dict[str, float]

    def __post_init__(self) -> None:
        if set(self.seconds) != set(STAGES):
            raise ValueError(f"StageTimes.seconds must have exactly the stages {STAGES}")
        if self.frames < 0 or self.wall_s < 0:
            raise ValueError("frames and wall_s must not be negative")

    @property
    def fps(self) -> float:
        """Frames analysed per second of wall time."""
        return self.frames / self.wall_s if self.wall_s > 0 else 0.0

    def ms_per_frame(self, stage: str) -> float:
        """Milliseconds a frame spent in ``stage`` (its total spread over all frames)."""
        return 1000.0 * self.seconds[stage] / self.frames if self.frames else 0.0

    @property
    def busy_s(self) -> float:
        """Seconds spent in all stages together (more than ``wall_s`` when threads overlap)."""
        return sum(self.seconds.values())

    @property
    def own_share(self) -> float:
        """The coach's own work as a share (0-1) of the time spent in all stages.

        The coach's own work is every stage but decoding and MediaPipe inference
        (:data:`BOUGHT_STAGES`).
        """
        busy = self.busy_s
        own = sum(s for name, s in self.seconds.items() if name not in BOUGHT_STAGES)
        return own / busy if busy > 0 else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "frames": self.frames,
            "wall_s": round(self.wall_s, 3),
            "fps": round(self.fps, 2),
            "ms_per_frame": {name: round(self.ms_per_frame(name), 3) for name in STAGES},
            "own_share": round(self.own_share, 4),
        }


class StageClock:
    """Adds up the time each stage takes, from any thread.

    Each stage's time is added by the part that does it, so one stage is
    normally added to from one thread; a lock keeps additions exact anyway.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds = dict.fromkeys(STAGES, 0.0)
        self._frames = 0
        self._start: float | None = None
        self._end: float | None = None

    def start(self) -> None:
        """Marks the start of the wall time."""
        self._start, self._end = time.perf_counter(), None

    def stop(self) -> None:
        """Marks the end of the wall time."""
        self._end = time.perf_counter()

    def add(self, stage: str, seconds: float) -> None:
        """Adds ``seconds`` to ``stage``.

        Raises:
            KeyError: ``stage`` is not one of :data:`STAGES`.
        """
        if stage not in self._seconds:
            raise KeyError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
        with self._lock:
            self._seconds[stage] += seconds

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        """Times the block inside as ``stage``."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - t0)

    def count_frame(self) -> None:
        """Counts one analysed frame."""
        self._frames += 1

    def summary(self) -> StageTimes:
        """The times so far; the wall time runs to :meth:`stop`, or to now if not stopped."""
        if self._start is None:
            wall = 0.0
        else:
            wall = (self._end if self._end is not None else time.perf_counter()) - self._start
        with self._lock:
            seconds = dict(self._seconds)
        return StageTimes(self._frames, wall, seconds)
