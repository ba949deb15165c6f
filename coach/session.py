"""The session: what one analysis leaves behind, as typed containers and as ``session.json``.

Two halves, kept apart (accumulate, then summarise):

- :class:`SessionBuilder` takes one record per frame and one per finished stroke
  while a video plays, and holds no judgement;
- :meth:`SessionBuilder.summary` returns a frozen :class:`Session` with coverage,
  rhythm and pace computed once, which :func:`write_session` writes as
  deterministic JSON (schema ``footcoach.session/1``, ``coach/session_schema.json``)
  and :func:`load_session` reads back, refusing anything malformed or hostile
  with one line naming the file and the first problem.

The keys and their units are described in ``docs/session.md``.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from coach import __version__
from coach.errors import InputError
from coach.pace import VERDICTS, pace_measure, pace_verdict
from coach.vocabulary import (
    CYCLIC_TYPES,
    DEFAULT_FOOT_LENGTH_CM,
    GLIDE_DIRECTIONS,
    PACE_TARGETS,
    SESSION_SCHEMA,
    STROKE_TYPES,
    TYPE_NAMES,
    ZONE_NAMES,
    ZONES,
    zones_of,
)

PACE_VERDICTS = VERDICTS
"""A stroke's pace against its band in :data:`PACE_TARGETS` (for a press: too short, good, too long)."""

ROUTINE_MIN_S = 300.0
ROUTINE_MAX_S = 600.0
"""The massage guide's evening routine: five to ten minutes of massage."""

ROUTINE_ZONES: tuple[str, ...] = ("arch", "ball", "toes")
"""The zones the evening routine names above all: arches, balls of the feet, base of the toes."""

ROUTINE_ZONE_SHARE = 0.20
"""Each routine zone should get at least this share of stroke time (a fifth: an even split)."""

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Session files larger than this are refused before they are parsed."""

# Bounds on array lengths, checked before the schema walks every item, so a
# hostile file with millions of entries is refused quickly. They match the schema.
MAX_ITEMS: dict[str, int] = {"strokes": 50_000, "timeline": 500_000, "cues": 20_000}

_MAX_MESSAGE = 160
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _r(x: float | None, digits: int = 4) -> float | None:
    """Fixed rounding for the JSON file, so the same analysis gives the same bytes."""
    if x is None:
        return None
    y = round(float(x), digits)
    return 0.0 if y == 0 else y  # no "-0.0"


def _finite(name: str, x: float | None, *, allow_none: bool = True, minimum: float | None = 0.0) -> None:
    if x is None:
        if not allow_none:
            raise ValueError(f"{name} is missing")
        return
    if isinstance(x, bool) or not isinstance(x, int | float | np.number):
        raise ValueError(f"{name} must be a number, got {type(x).__name__}")
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    if minimum is not None and x < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {x}")


# --- containers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoInfo:
    """What was analysed.

    Attributes:
        fps: frames per second (> 0).
        frame_count: frames read.
        duration_s: length in seconds.
        width: frame width in pixels.
        height: frame height in pixels.
        source: the file name, camera or stream as the user named it (free text: escape it).
    """

    fps: float
    frame_count: int
    duration_s: float
    width: int
    height: int
    source: str

    def __post_init__(self) -> None:
        _finite("fps", self.fps, allow_none=False)
        if self.fps <= 0:
            raise ValueError(f"fps must be > 0, got {self.fps}")
        _finite("duration_s", self.duration_s, allow_none=False)
        for name in ("frame_count", "width", "height"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
        if not isinstance(self.source, str):
            raise ValueError(f"source must be text, got {type(self.source).__name__}")


@dataclass(frozen=True)
class FootInfo:
    """Whether and how well the foot was found.

    Attributes:
        found: False means no coverage and no strokes.
        frames_found: frames in which the foot was found, when known.
        length_px: median heel-to-toe length in pixels, when known.
    """

    found: bool
    frames_found: int | None = None
    length_px: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.found, bool):
            raise ValueError(f"found must be true or false, got {self.found!r}")
        _finite("length_px", self.length_px)


@dataclass(frozen=True)
class Stroke:
    """One recognised stroke.

    Attributes:
        start_s: start time in seconds.
        end_s: end time in seconds (>= start_s).
        type: one of :data:`STROKE_TYPES`.
        zone: the zone where most of it happened, one of :data:`ZONES`.
        confidence: 0..1.
        direction: glides only: ``heel_to_toe`` or ``toe_to_heel``.
        rate_hz: cyclic strokes: cycles per second.
        speed_fl_s: glides: foot lengths per second.
        hold_s: presses: seconds held.
    """

    start_s: float
    end_s: float
    type: str
    zone: str
    confidence: float
    direction: str | None = None
    rate_hz: float | None = None
    speed_fl_s: float | None = None
    hold_s: float | None = None

    def __post_init__(self) -> None:
        if self.type not in STROKE_TYPES:
            raise ValueError(f"type {self.type!r} is not one of {', '.join(STROKE_TYPES)}")
        if self.zone not in ZONES:
            raise ValueError(f"zone {self.zone!r} is not one of {', '.join(ZONES)}")
        if self.direction is not None and self.direction not in GLIDE_DIRECTIONS:
            raise ValueError(f"direction {self.direction!r} is not one of {', '.join(GLIDE_DIRECTIONS)}")
        _finite("start_s", self.start_s, allow_none=False)
        _finite("end_s", self.end_s, allow_none=False)
        if self.end_s < self.start_s:
            raise ValueError(f"end_s {self.end_s} is before start_s {self.start_s}")
        _finite("confidence", self.confidence, allow_none=False)
        if self.confidence > 1:
            raise ValueError(f"confidence must be <= 1, got {self.confidence}")
        for name in ("rate_hz", "speed_fl_s", "hold_s"):
            _finite(name, getattr(self, name))

    @classmethod
    def from_record(cls, record: Any) -> Stroke:
        """A stroke from any object with the spec's stroke fields (e.g. the stroke engine's).

        Raises:
            TypeError: a field is missing.
            ValueError: a field is out of range.
        """
        try:
            values = {name: getattr(record, name) for name in cls.__dataclass_fields__}
        except AttributeError as exc:
            raise TypeError(f"{type(record).__name__} is not a stroke record: {exc}") from None
        return cls(**values)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def measure(self) -> str | None:
        """The name of the field that holds this stroke's pace, or None."""
        return pace_measure(self.type)

    @property
    def value(self) -> float | None:
        """This stroke's pace in its measure's units, or None when not measured."""
        measure = self.measure
        return None if measure is None else getattr(self, measure)

    @property
    def pace(self) -> str | None:
        """``too_slow``, ``good`` or ``too_fast`` against :data:`PACE_TARGETS`; None without a band."""
        return pace_verdict(self.type, self.value)


@dataclass(frozen=True, eq=False)
class Timeline:
    """What the hands did, frame by frame (10 Hz or more).

    Attributes:
        t_s: (n,) float64 seconds, non-decreasing.
        stroke: (n,) int8 index into :data:`STROKE_TYPES`, -1 for no stroke.
        zone: (n,) int8 index into :data:`ZONES`, -1 for no contact.
        contact: (n, 2) float64 foot coordinates (u, v) of the working hand, NaN for none.
    """

    t_s: np.ndarray
    stroke: np.ndarray
    zone: np.ndarray
    contact: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.t_s)
        for name, shape in (("t_s", (n,)), ("stroke", (n,)), ("zone", (n,)), ("contact", (n, 2))):
            arr = getattr(self, name)
            if arr.shape != shape:
                raise ValueError(f"timeline {name} has shape {arr.shape}, expected {shape}")
            arr.setflags(write=False)
        if not np.all(np.isfinite(self.t_s)) or (n and self.t_s.min() < 0):
            raise ValueError("timeline times must be finite and >= 0")
        if n > 1 and np.any(np.diff(self.t_s) < 0):
            i = int(np.argmax(np.diff(self.t_s) < 0)) + 1
            raise ValueError(f"timeline[{i}].t_s {self.t_s[i]} is earlier than the sample before it")
        if np.any((self.stroke < -1) | (self.stroke >= len(STROKE_TYPES))):
            raise ValueError("timeline stroke index out of range")
        if np.any((self.zone < -1) | (self.zone >= len(ZONES))):
            raise ValueError("timeline zone index out of range")
        if np.any(np.isinf(self.contact)):
            raise ValueError("timeline contact must be finite")

    @classmethod
    def empty(cls) -> Timeline:
        return cls(
            np.zeros(0, np.float64), np.zeros(0, np.int8), np.zeros(0, np.int8), np.zeros((0, 2), np.float64)
        )

    def __len__(self) -> int:
        return len(self.t_s)

    def weights(self, fps: float, max_gap_s: float) -> np.ndarray:
        """Seconds each sample stands for: the time to the next one, at most ``max_gap_s``.

        Returns:
            (n,) float64 seconds; the last sample stands for one frame.
        """
        if len(self) == 0:
            return np.zeros(0, np.float64)
        frame = min(1.0 / fps, max_gap_s)
        dt = np.append(np.diff(self.t_s), frame)
        return np.minimum(dt, max_gap_s)


@dataclass(frozen=True)
class ZoneCoverage:
    """Seconds of stroke time in one zone and that zone's share (0..1) of all zones' seconds."""

    seconds: float
    share: float


@dataclass(frozen=True, eq=False)
class Heatmap:
    """Stroke time over the unit foot.

    Attributes:
        seconds: (u_bins, v_bins) float64; row 0 is at the heel (u = 0), column 0 at
            the medial edge (v = 0).
    """

    seconds: np.ndarray

    def __post_init__(self) -> None:
        if self.seconds.ndim != 2 or 0 in self.seconds.shape:
            raise ValueError(f"heatmap must be a non-empty 2-D grid, got shape {self.seconds.shape}")
        if not np.all(np.isfinite(self.seconds)) or self.seconds.min() < 0:
            raise ValueError("heatmap seconds must be finite and >= 0")
        self.seconds.setflags(write=False)

    @property
    def u_bins(self) -> int:
        return int(self.seconds.shape[0])

    @property
    def v_bins(self) -> int:
        return int(self.seconds.shape[1])


@dataclass(frozen=True)
class Coverage:
    """Where stroke time went: per zone (all five, in :data:`ZONES` order) and as a heat map."""

    zones: Mapping[str, ZoneCoverage]
    heatmap: Heatmap


@dataclass(frozen=True)
class Rhythm:
    """How one stroke type was paced over the session.

    Attributes:
        count: strokes of this type.
        seconds: their total duration.
        measure: the pace field (``speed_fl_s``, ``rate_hz``, ``hold_s``) or None.
        median: the median pace in the measure's units, None without measured strokes.
        cv: coefficient of variation of the pace (std / mean), None with fewer than 2.
        regularity: ``max(0, 1 - cv)``: 1 is perfectly steady.
        too_slow: strokes below the band (presses: too short).
        good: strokes inside the band.
        too_fast: strokes above the band (presses: held too long).
    """

    count: int
    seconds: float = 0.0
    measure: str | None = None
    median: float | None = None
    cv: float | None = None
    regularity: float | None = None
    too_slow: int = 0
    good: int = 0
    too_fast: int = 0


@dataclass(frozen=True)
class Cue:
    """Something the live coach said, at a time in seconds; ``kind`` e.g. ``pace`` or ``coverage``."""

    t_s: float
    kind: str
    message: str

    def __post_init__(self) -> None:
        _finite("t_s", self.t_s, allow_none=False)
        if not isinstance(self.kind, str) or not self.kind or not isinstance(self.message, str):
            raise ValueError("a cue needs a kind and a message, both text")


@dataclass(frozen=True)
class StepResult:
    """One step of a guided routine (``coach live --routine``): seconds done against its target.

    Attributes:
        title: the step as the routine names it.
        target_s: seconds of matching strokes the step asks for.
        done_s: seconds done.
        completed_at_s: session time when the target was met, None if it was not.
    """

    title: str
    target_s: float
    done_s: float
    completed_at_s: float | None = None

    def __post_init__(self) -> None:
        _finite("target_s", self.target_s, allow_none=False)
        _finite("done_s", self.done_s, allow_none=False)
        _finite("completed_at_s", self.completed_at_s)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "target_s": _r(self.target_s, 1),
            "done_s": _r(self.done_s, 3),
            "completed_at_s": _r(self.completed_at_s, 3),
        }


@dataclass(frozen=True)
class Routine:
    """The routine the user followed, when one was chosen; ``target_s`` its planned length.

    ``steps`` holds each step's outcome for a guided routine (empty otherwise).
    """

    name: str
    target_s: float | None = None
    steps: tuple[StepResult, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "target_s": _r(self.target_s, 1)}
        if self.steps:
            out["steps"] = [s.to_json() for s in self.steps]
        return out


@dataclass(frozen=True, eq=False)
class Session:
    """One analysed session: the typed form of ``session.json``.

    Attributes:
        video: what was analysed.
        foot: whether the foot was found.
        strokes: every recognised stroke, in time order.
        timeline: the per-frame record.
        coverage: seconds and share per zone, and the heat map.
        rhythm: one :class:`Rhythm` per stroke type, all five.
        cues: what the live coach said.
        active_s: seconds of stroke time.
        created_at: when the analysis ran (ISO 8601), the only run-dependent field.
        recorded_at: when the massage happened (ISO 8601), if known.
        coach_version: the version that wrote the file.
        notes: free text from the user.
        routine: the routine followed, if any.
        hand_model: the hand tracker's networks: "full", "lite" (``--hand-model``),
            or the file name of a bundle given another way; None if unknown.
    """

    video: VideoInfo
    foot: FootInfo
    strokes: tuple[Stroke, ...]
    timeline: Timeline
    coverage: Coverage
    rhythm: Mapping[str, Rhythm]
    cues: tuple[Cue, ...]
    active_s: float
    created_at: str | None = None
    recorded_at: str | None = None
    coach_version: str = __version__
    notes: str | None = None
    routine: Routine | None = None
    hand_model: str | None = None

    @property
    def when(self) -> datetime | None:
        """When the massage happened: ``recorded_at``, else ``created_at``; None if neither parses."""
        for text in (self.recorded_at, self.created_at):
            if text:
                parsed = parse_time(text)
                if parsed is not None:
                    return parsed
        return None

    @property
    def day(self) -> date | None:
        """The calendar day of :attr:`when`, in the time zone it was written in."""
        when = self.when
        return None if when is None else when.date()

    def to_dict(self) -> dict[str, Any]:
        """The ``session.json`` object, with fixed rounding."""
        tl = self.timeline
        names = (None, *STROKE_TYPES)
        zones = (None, *ZONES)
        timeline = [
            {
                "t_s": _r(t, 3),
                "stroke": names[s + 1],
                "zone": zones[z + 1],
                "contact": None if math.isnan(c[0]) else [_r(c[0]), _r(c[1])],
            }
            for t, s, z, c in zip(
                tl.t_s.tolist(), tl.stroke.tolist(), tl.zone.tolist(), tl.contact.tolist(), strict=True
            )
        ]
        return {
            "schema": SESSION_SCHEMA,
            "coach_version": self.coach_version,
            "hand_model": self.hand_model,
            "created_at": self.created_at,
            "recorded_at": self.recorded_at,
            "notes": self.notes,
            "routine": None if self.routine is None else self.routine.to_json(),
            "active_s": _r(self.active_s, 3),
            "video": {
                "fps": _r(self.video.fps, 3),
                "frame_count": self.video.frame_count,
                "duration_s": _r(self.video.duration_s, 3),
                "width": self.video.width,
                "height": self.video.height,
                "source": self.video.source,
            },
            "foot": {
                "found": self.foot.found,
                "frames_found": self.foot.frames_found,
                "length_px": _r(self.foot.length_px, 1),
            },
            "strokes": [
                {
                    "start_s": _r(s.start_s, 3),
                    "end_s": _r(s.end_s, 3),
                    "type": s.type,
                    "zone": s.zone,
                    "confidence": _r(s.confidence, 3),
                    "direction": s.direction,
                    "rate_hz": _r(s.rate_hz),
                    "speed_fl_s": _r(s.speed_fl_s),
                    "hold_s": _r(s.hold_s, 3),
                    "pace": s.pace,
                }
                for s in self.strokes
            ],
            "timeline": timeline,
            "coverage": {
                "zones": {
                    z: {"seconds": _r(c.seconds, 3), "share": _r(c.share)}
                    for z, c in self.coverage.zones.items()
                },
                "heatmap": {
                    "u_bins": self.coverage.heatmap.u_bins,
                    "v_bins": self.coverage.heatmap.v_bins,
                    "seconds": [[_r(x, 3) for x in row] for row in self.coverage.heatmap.seconds.tolist()],
                },
            },
            "rhythm": {
                t: {
                    "count": r.count,
                    "seconds": _r(r.seconds, 3),
                    "measure": r.measure,
                    "median": _r(r.median),
                    "cv": _r(r.cv),
                    "regularity": _r(r.regularity),
                    "too_slow": r.too_slow,
                    "good": r.good,
                    "too_fast": r.too_fast,
                }
                for t, r in self.rhythm.items()
            },
            "cues": [{"t_s": _r(c.t_s, 3), "kind": c.kind, "message": c.message} for c in self.cues],
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Session:
        """Builds a session from a schema-valid ``session.json`` object.

        Coverage and rhythm are read as written; stroke ``pace`` is recomputed.

        Raises:
            ValueError: the object is inconsistent (e.g. a stroke ends before it starts),
                with the path of the first problem.
        """
        where = "video"
        try:
            v = doc["video"]
            video = VideoInfo(
                float(v["fps"]),
                int(v["frame_count"]),
                float(v["duration_s"]),
                int(v["width"]),
                int(v["height"]),
                v["source"],
            )
            where = "foot"
            f = doc["foot"]
            foot = FootInfo(
                f["found"],
                None if f.get("frames_found") is None else int(f["frames_found"]),
                _opt_float(f.get("length_px")),
            )
            strokes = []
            for i, s in enumerate(doc["strokes"]):
                where = f"strokes[{i}]"
                strokes.append(
                    Stroke(
                        float(s["start_s"]),
                        float(s["end_s"]),
                        s["type"],
                        s["zone"],
                        float(s["confidence"]),
                        s["direction"],
                        _opt_float(s["rate_hz"]),
                        _opt_float(s["speed_fl_s"]),
                        _opt_float(s["hold_s"]),
                    )
                )
            where = "timeline"
            timeline = _timeline_from_json(doc["timeline"])
            where = "coverage"
            cov = doc["coverage"]
            grid = cov["heatmap"]
            seconds = np.array(grid["seconds"], dtype=np.float64) if grid["seconds"] else np.zeros((0, 0))
            if seconds.ndim != 2 or seconds.shape != (grid["u_bins"], grid["v_bins"]):
                raise ValueError(
                    f"heatmap seconds is not a {grid['u_bins']} x {grid['v_bins']} grid (u_bins x v_bins)"
                )
            coverage = Coverage(
                {
                    z: ZoneCoverage(float(cov["zones"][z]["seconds"]), float(cov["zones"][z]["share"]))
                    for z in ZONES
                },
                Heatmap(seconds),
            )
            rhythm = {}
            for t in STROKE_TYPES:
                where = f"rhythm.{t}"
                r = doc["rhythm"][t]
                rhythm[t] = Rhythm(
                    int(r["count"]),
                    float(r.get("seconds", 0.0)),
                    r.get("measure"),
                    _opt_float(r.get("median")),
                    _opt_float(r.get("cv")),
                    _opt_float(r.get("regularity")),
                    int(r.get("too_slow", 0)),
                    int(r.get("good", 0)),
                    int(r.get("too_fast", 0)),
                )
            cues = []
            for i, c in enumerate(doc["cues"]):
                where = f"cues[{i}]"
                cues.append(Cue(float(c["t_s"]), c["kind"], c["message"]))
            where = "routine"
            routine = doc.get("routine")
            where = "created_at"
            for key in ("created_at", "recorded_at"):
                where = key
                text = doc.get(key)
                if text is not None and parse_time(text) is None:
                    raise ValueError(f"{text[:40]!r} is not an ISO 8601 date and time")
            active = doc.get("active_s")
            return cls(
                video=video,
                foot=foot,
                strokes=tuple(strokes),
                timeline=timeline,
                coverage=coverage,
                rhythm=rhythm,
                cues=tuple(cues),
                active_s=float(active)
                if active is not None
                else sum(c.seconds for c in coverage.zones.values()),
                created_at=doc.get("created_at"),
                recorded_at=doc.get("recorded_at"),
                coach_version=doc.get("coach_version", "unknown"),
                hand_model=doc.get("hand_model"),
                notes=doc.get("notes"),
                routine=None
                if routine is None
                else Routine(
                    routine["name"],
                    _opt_float(routine.get("target_s")),
                    tuple(
                        StepResult(
                            x["title"],
                            float(x["target_s"]),
                            float(x["done_s"]),
                            _opt_float(x.get("completed_at_s")),
                        )
                        for x in routine.get("steps", [])
                    ),
                ),
            )
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            raise ValueError(f"{where}: {_clean(str(exc))}") from exc


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)


def _timeline_from_json(items: Sequence[Mapping[str, Any]]) -> Timeline:
    n = len(items)
    if n == 0:
        return Timeline.empty()
    stroke_index = {None: -1, **{t: i for i, t in enumerate(STROKE_TYPES)}}
    zone_index = {None: -1, **{z: i for i, z in enumerate(ZONES)}}
    t_s = np.fromiter((float(x["t_s"]) for x in items), np.float64, n)
    stroke = np.fromiter((stroke_index[x["stroke"]] for x in items), np.int8, n)
    zone = np.fromiter((zone_index[x["zone"]] for x in items), np.int8, n)
    contact = np.full((n, 2), np.nan)
    for i, x in enumerate(items):
        if x["contact"] is not None:
            contact[i] = x["contact"]
    return Timeline(t_s, stroke, zone, contact)


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 date and time (``2026-11-27T20:15:00+01:00``), or None if it does not parse."""
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


# --- pure summaries -----------------------------------------------------------------------------


def coverage_from_timeline(
    timeline: Timeline, *, fps: float, u_bins: int = 20, v_bins: int = 10, max_gap_s: float = 0.5
) -> tuple[Coverage, float]:
    """Seconds of stroke time per zone and over the unit foot.

    Only samples with a stroke count. A sample's zone is the one recorded, else the
    zone of its contact point; the heat map needs a contact point (clipped to the foot).

    Args:
        timeline: the per-frame record.
        fps: the video's frame rate (the last sample stands for one frame).
        u_bins: heat-map rows along the foot, heel first.
        v_bins: heat-map columns across it, medial edge first.
        max_gap_s: a gap between samples counts for at most this long.

    Returns:
        (coverage, active_s): the coverage and the seconds of stroke time.
    """
    w = timeline.weights(fps, max_gap_s) * (timeline.stroke >= 0)
    has_contact = ~np.isnan(timeline.contact[:, 0])
    zone = timeline.zone.astype(np.int64)
    missing = (zone < 0) & has_contact
    if np.any(missing):
        zone[missing] = zones_of(timeline.contact[missing])
    seconds = np.array([w[zone == i].sum() for i in range(len(ZONES))], dtype=np.float64)
    total = seconds.sum()
    zones = {
        z: ZoneCoverage(float(seconds[i]), float(seconds[i] / total) if total > 0 else 0.0)
        for i, z in enumerate(ZONES)
    }
    grid = np.zeros((u_bins, v_bins), np.float64)
    if np.any(has_contact):
        uv = np.clip(timeline.contact[has_contact], 0.0, 1.0 - 1e-9)
        iu = (uv[:, 0] * u_bins).astype(np.int64)
        iv = (uv[:, 1] * v_bins).astype(np.int64)
        np.add.at(grid, (iu, iv), w[has_contact])
    return Coverage(zones, Heatmap(grid)), float(w.sum())


def rhythm_from_strokes(strokes: Sequence[Stroke]) -> dict[str, Rhythm]:
    """Count, time, median pace, regularity and verdicts per stroke type (all five types)."""
    out: dict[str, Rhythm] = {}
    for stroke_type in STROKE_TYPES:
        mine = [s for s in strokes if s.type == stroke_type]
        values = np.array([s.value for s in mine if s.value is not None], dtype=np.float64)
        median = float(np.median(values)) if len(values) else None
        cv = None
        if len(values) >= 2 and values.mean() > 0:
            cv = float(values.std() / values.mean())
        verdicts = [s.pace for s in mine]
        out[stroke_type] = Rhythm(
            count=len(mine),
            seconds=float(sum(s.duration_s for s in mine)),
            measure=pace_measure(stroke_type),
            median=median,
            cv=cv,
            regularity=None if cv is None else max(0.0, 1.0 - cv),
            too_slow=verdicts.count("too_slow"),
            good=verdicts.count("good"),
            too_fast=verdicts.count("too_fast"),
        )
    return out


# --- accumulation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionConfig:
    """How a session is summarised.

    Attributes:
        heatmap_u_bins: heat-map rows along the foot (heel to toe).
        heatmap_v_bins: heat-map columns across the foot (medial to lateral).
        max_gap_s: a gap in the timeline (dropped frames) counts for at most this long.
    """

    heatmap_u_bins: int = 20
    heatmap_v_bins: int = 10
    max_gap_s: float = 0.5

    def __post_init__(self) -> None:
        for name in ("heatmap_u_bins", "heatmap_v_bins"):
            value = getattr(self, name)
            if not 1 <= value <= 200:
                raise ValueError(f"{name} must be 1..200, got {value}")
        if not self.max_gap_s > 0:
            raise ValueError(f"max_gap_s must be > 0, got {self.max_gap_s}")


class SessionBuilder:
    """Accumulates one session while the video plays; :meth:`summary` freezes it.

    Call :meth:`add_frame` once per analysed frame, :meth:`add_stroke` once per
    finished stroke and :meth:`add_cue` whenever the coach speaks. No I/O, no clock:
    times come from the frames.

    Args:
        video: what is being analysed (``frame_count`` and ``duration_s`` may be
            updated with :meth:`set_video` at the end, for live sessions).
        config: how to summarise.
        recorded_at: when the massage happened (ISO 8601), if known.
        notes: free text from the user.
        routine: the routine followed, if any.
        hand_model: the hand tracker's networks (see :class:`Session`).
    """

    def __init__(
        self,
        video: VideoInfo,
        config: SessionConfig | None = None,
        *,
        recorded_at: str | None = None,
        notes: str | None = None,
        routine: Routine | None = None,
        hand_model: str | None = None,
    ) -> None:
        self.config = config or SessionConfig()
        if recorded_at is not None and parse_time(recorded_at) is None:
            raise ValueError(f"recorded_at {recorded_at!r} is not ISO 8601")
        self._video = video
        self._recorded_at = recorded_at
        self._notes = notes
        self._hand_model = hand_model
        self._routine = routine
        self.reset()

    def reset(self) -> None:
        """Forgets every frame, stroke and cue (the video and options stay)."""
        self._foot = FootInfo(found=False)
        self._t: list[float] = []
        self._stroke: list[int] = []
        self._zone: list[int] = []
        self._contact: list[tuple[float, float]] = []
        self._strokes: list[Stroke] = []
        self._cues: list[Cue] = []

    def set_video(self, video: VideoInfo) -> None:
        """Replaces the video facts (e.g. the final frame count of a live session)."""
        self._video = video

    def set_foot(self, foot: FootInfo) -> None:
        """Records whether and how well the foot was found."""
        self._foot = foot

    def add_frame(
        self, t_s: float, stroke: str | None, zone: str | None, contact: tuple[float, float] | None
    ) -> None:
        """Records one frame.

        Args:
            t_s: the frame's time in seconds (non-decreasing).
            stroke: the stroke in progress, one of :data:`STROKE_TYPES`, or None.
            zone: the zone under the working hand, one of :data:`ZONES`, or None.
            contact: the working hand's contact point (u, v) on the foot, or None.

        Raises:
            ValueError: an unknown name, a non-finite value or time going backwards.
        """
        _finite("t_s", t_s, allow_none=False)
        if self._t and t_s < self._t[-1]:
            raise ValueError(f"t_s {t_s} is earlier than the previous frame's {self._t[-1]}")
        if stroke is not None and stroke not in STROKE_TYPES:
            raise ValueError(f"stroke {stroke!r} is not one of {', '.join(STROKE_TYPES)}")
        if zone is not None and zone not in ZONES:
            raise ValueError(f"zone {zone!r} is not one of {', '.join(ZONES)}")
        if contact is not None:
            u, v = (float(c) for c in contact)
            if not (math.isfinite(u) and math.isfinite(v)):
                raise ValueError(f"contact {contact} must be finite")
        self._t.append(float(t_s))
        self._stroke.append(-1 if stroke is None else STROKE_TYPES.index(stroke))
        self._zone.append(-1 if zone is None else ZONES.index(zone))
        self._contact.append((math.nan, math.nan) if contact is None else (u, v))

    def add_stroke(self, stroke: Any) -> None:
        """Records one finished stroke: a :class:`Stroke`, or any object with its fields
        (``start_s, end_s, type, zone, confidence, direction, rate_hz, speed_fl_s, hold_s``)."""
        self._strokes.append(stroke if isinstance(stroke, Stroke) else Stroke.from_record(stroke))

    def add_cue(self, cue: Any) -> None:
        """Records one thing the coach said: a :class:`Cue`, or any object with ``t_s, kind, message``."""
        if not isinstance(cue, Cue):
            try:
                cue = Cue(cue.t_s, cue.kind, cue.message)
            except AttributeError as exc:
                raise TypeError(f"{type(cue).__name__} is not a cue: {exc}") from None
        self._cues.append(cue)

    def summary(self, created_at: str | None = None) -> Session:
        """The frozen session: coverage, rhythm and pace computed from what was recorded.

        Args:
            created_at: when the analysis ran; defaults to now, in local time with its offset.
        """
        n = len(self._t)
        timeline = Timeline(
            np.array(self._t, np.float64),
            np.array(self._stroke, np.int8),
            np.array(self._zone, np.int8),
            np.array(self._contact, np.float64).reshape(n, 2),
        )
        cfg = self.config
        coverage, active_s = coverage_from_timeline(
            timeline,
            fps=self._video.fps,
            u_bins=cfg.heatmap_u_bins,
            v_bins=cfg.heatmap_v_bins,
            max_gap_s=cfg.max_gap_s,
        )
        strokes = tuple(sorted(self._strokes, key=lambda s: (s.start_s, s.end_s)))
        return Session(
            video=self._video,
            foot=self._foot,
            strokes=strokes,
            timeline=timeline,
            coverage=coverage,
            rhythm=rhythm_from_strokes(strokes),
            cues=tuple(sorted(self._cues, key=lambda c: c.t_s)),
            active_s=active_s,
            created_at=created_at or datetime.now().astimezone().isoformat(timespec="seconds"),
            recorded_at=self._recorded_at,
            notes=self._notes,
            routine=self._routine,
            hand_model=self._hand_model,
        )


# --- recommendations ----------------------------------------------------------------------------

_RATE_WORDS = {"thumb_circles": "circles per second", "knead": "squeezes per second"}


def _minutes(seconds: float) -> str:
    """Minutes rounded up to the half minute, as words: "half a minute", "1 minute", "2.5 minutes"."""
    halves = max(1, math.ceil(seconds / 30.0))
    if halves == 1:
        return "half a minute"
    value = halves / 2
    return "1 minute" if value == 1 else f"{value:g} minutes"


def _pace_text(stroke_type: str, mean: float, verdict: str, foot_length_cm: float) -> str:
    band = PACE_TARGETS[stroke_type]
    if stroke_type == "glide":
        return (
            f"Your glides averaged {mean:.2f} foot lengths per second ({mean * foot_length_cm:.0f} cm/s); "
            f"aim for {band.low:.2f} to {band.high:.2f} ({band.low * foot_length_cm:.0f} to "
            f"{band.high * foot_length_cm:.0f} cm/s): "
            + ("slow down and let the hands sink in." if verdict == "too_fast" else "keep the hands moving.")
        )
    if stroke_type == "press":
        if verdict == "too_slow":
            return (
                f"Your presses lasted {mean:.1f} s on average; hold each one for {band.low:g} to 8 seconds."
            )
        return f"Your presses lasted {mean:.1f} s on average; release after 8 seconds, {band.high:g} at most."
    words = _RATE_WORDS.get(stroke_type, "per second")
    advice = "slower and deeper." if verdict == "too_fast" else "a little livelier."
    return (
        f"Your {TYPE_NAMES[stroke_type]} averaged {mean:.1f} {words}; "
        f"aim for {band.low:g} to {band.high:g}: {advice}"
    )


def recommend(session: Session, foot_length_cm: float = DEFAULT_FOOT_LENGTH_CM) -> tuple[str, str, str]:
    """Exactly three concrete recommendations, each with numbers, most useful first.

    Considers, in this spirit: too little time overall (the routine is 5-10
    minutes), routine zones (arch, ball, toes) below a fifth of stroke time, pace
    outside :data:`PACE_TARGETS`, an unsteady rhythm, stroke types not used; and
    falls back to "keep doing" advice with today's numbers.

    Args:
        session: the session.
        foot_length_cm: to give speeds in cm/s as well as foot lengths per second.
    """
    found: list[tuple[float, str, str]] = []  # (priority, topic, text)
    active = session.active_s
    shares = {z: c.share for z, c in session.coverage.zones.items()}

    if not session.foot.found:
        found.append(
            (
                1.0,
                "foot",
                f"The foot was not found in the {session.video.frame_count} frames: film the whole sole, "
                "heel to toes, filling about a third of the picture, in even light.",
            )
        )
    if active < ROUTINE_MIN_S:
        found.append(
            (
                0.5 + 0.4 * (ROUTINE_MIN_S - active) / ROUTINE_MIN_S,
                "time",
                f"You massaged for {active / 60:.1f} minutes; the evening routine is "
                f"{ROUTINE_MIN_S / 60:.0f} to {ROUTINE_MAX_S / 60:.0f} minutes: add "
                f"{_minutes(ROUTINE_MIN_S - active)}.",
            )
        )
    for zone in ROUTINE_ZONES:
        share = shares[zone]
        if share < ROUTINE_ZONE_SHARE:
            have = session.coverage.zones[zone].seconds
            total = max(active, ROUTINE_MIN_S)
            more = max(30.0, (ROUTINE_ZONE_SHARE * total - have) / (1 - ROUTINE_ZONE_SHARE))
            found.append(
                (
                    0.35 + 0.6 * (ROUTINE_ZONE_SHARE - share) / ROUTINE_ZONE_SHARE,
                    f"zone:{zone}",
                    f"Give {ZONE_NAMES[zone]} {_minutes(more)} more: it had {share:.0%} of your stroke time "
                    f"({have / 60:.1f} min); the evening routine puts the arches, balls and base of the "
                    "toes first.",
                )
            )
    for zone in ZONES:
        if zone not in ROUTINE_ZONES and active > 0 and shares[zone] == 0:
            found.append(
                (
                    0.3,
                    f"zone:{zone}",
                    f"{ZONE_NAMES[zone].capitalize()} got no stroke time: give it 1 minute.",
                )
            )
    for stroke_type, band in PACE_TARGETS.items():
        values = [s.value for s in session.strokes if s.type == stroke_type and s.value is not None]
        if not values:
            continue
        mean = float(np.mean(values))
        verdict = pace_verdict(stroke_type, mean)
        if verdict != "good":
            off = mean / band.high - 1 if verdict == "too_fast" else band.low / max(mean, 1e-9) - 1
            found.append(
                (
                    0.55 + 0.4 * min(1.0, off),
                    f"pace:{stroke_type}",
                    _pace_text(stroke_type, mean, verdict, foot_length_cm),
                )
            )
            continue
        verdicts = [pace_verdict(stroke_type, v) for v in values]
        fast, slow = verdicts.count("too_fast"), verdicts.count("too_slow")
        out = max(fast, slow)
        if out / len(values) > 0.25:
            good = [v for v, verdict in zip(values, verdicts, strict=True) if verdict == "good"]
            if stroke_type == "press":
                what = f"held over {band.high:g} s" if fast >= slow else f"shorter than {band.low:g} s"
            else:
                what = (
                    f"too fast (over {band.high:g} {_unit(band.measure)})"
                    if fast >= slow
                    else f"too slow (under {band.low:g} {_unit(band.measure)})"
                )
            found.append(
                (
                    0.3 + 0.5 * out / len(values),
                    f"pace:{stroke_type}",
                    f"{out} of your {len(values)} {TYPE_NAMES[stroke_type]} were {what}"
                    + (
                        f"; the others averaged {np.mean(good):.2f}: make every one like those."
                        if good
                        else "."
                    ),
                )
            )
    for stroke_type, r in session.rhythm.items():
        if stroke_type in CYCLIC_TYPES and r.count >= 3 and r.cv is not None and r.cv > 0.35:
            target = r.median if r.median is not None else 1.0
            found.append(
                (
                    0.3,
                    f"pace:{stroke_type}",
                    f"Your {TYPE_NAMES[stroke_type]} rate varied by {r.cv:.0%} from stroke to stroke; "
                    f"keep a steady {target:.1f} per second.",
                )
            )
    if active > 0:
        for stroke_type, example in (
            (
                "glide",
                "start and end with 5 slow glides heel to toe, about 0.2 foot lengths (5 cm) per second",
            ),
            (
                "thumb_circles",
                "spend 1 minute of thumb circles on the ball of the foot, about 1 circle a second",
            ),
            ("press", "press 3 spots along the arch, holding each for 5 seconds"),
        ):
            if session.rhythm[stroke_type].count == 0:
                found.append((0.2, f"type:{stroke_type}", f"Add {TYPE_NAMES[stroke_type]}: {example}."))
    # Always-true advice with today's numbers, for a session with nothing to fix.
    glide = session.rhythm["glide"]
    band = PACE_TARGETS["glide"]
    found.append(
        (
            0.05,
            "pace:glide",
            f"Keep glides between {band.low:.2f} and {band.high:.2f} foot lengths per second "
            f"({band.low * foot_length_cm:.0f} to {band.high * foot_length_cm:.0f} cm/s)"
            + (f"; today's median was {glide.median:.2f}." if glide.median is not None else "."),
        )
    )
    found.append(
        (
            0.04,
            "keep:time",
            f"Keep practising {ROUTINE_MIN_S / 60:.0f} to {ROUTINE_MAX_S / 60:.0f} minutes each evening; "
            f"today you massaged {active / 60:.1f} minutes.",
        )
    )
    found.append(
        (
            0.03,
            "keep:zones",
            f"Keep the arch, ball and toes above {ROUTINE_ZONE_SHARE:.0%} of stroke time each; today: "
            + ", ".join(f"{z} {shares[z]:.0%}" for z in ROUTINE_ZONES)
            + ".",
        )
    )
    found.sort(key=lambda item: -item[0])
    chosen: list[str] = []
    topics: set[str] = set()
    for _, topic, text in found:
        if topic not in topics:
            topics.add(topic)
            chosen.append(text)
        if len(chosen) == 3:
            break
    return chosen[0], chosen[1], chosen[2]


def _unit(measure: str) -> str:
    return {"speed_fl_s": "foot lengths per second", "rate_hz": "per second", "hold_s": "seconds"}[measure]


# --- files --------------------------------------------------------------------------------------


def session_json(session: Session) -> str:
    """The deterministic text of ``session.json``: sorted keys, fixed rounding, ASCII, one line."""
    return json.dumps(
        session.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def check_writable(path: Path) -> None:
    """Checks that :func:`write_text_atomic` could write ``path``, before long work whose end it is.

    Raises:
        InputError: the folder does not exist or cannot be written, or ``path`` is a folder.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a file name")
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".probe"):
            pass
    except OSError as exc:
        raise InputError(f"{path}: cannot write here ({exc.strerror})") from None


def write_text_atomic(path: Path, text: str) -> None:
    """Writes a text file under a temporary name, then renames it into place.

    Raises:
        InputError: the folder does not exist or cannot be written.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a file name")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise InputError(f"{path}: cannot write here ({exc.strerror})") from exc
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write ({exc.strerror})") from exc
        raise


def write_session(path: Path, session: Session) -> None:
    """Writes ``session.json`` atomically (see :func:`session_json`)."""
    write_text_atomic(path, session_json(session) + "\n")


@cache
def session_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``footcoach.session/1``, shipped as package data."""
    return json.loads(resources.files("coach").joinpath("session_schema.json").read_text(encoding="utf-8"))


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = session_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _clean(text: str) -> str:
    """One short printable line (file contents must not add lines or terminal controls)."""
    text = _CONTROL.sub("?", text)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return _clean(repr(value))[:60]


_JSON_TYPES = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}


def _json_type(value: Any) -> str:
    if isinstance(value, bool | type(None) | str | list | dict):
        return _JSON_TYPES[type(value)]
    return "a number"


def _path(parts: Sequence[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(error: Any) -> str:
    """One line for a jsonschema error, without dumping the (possibly huge) offending value."""
    where = _path(error.absolute_path)
    kind, limit, value = error.validator, error.validator_value, error.instance
    if kind == "type":
        expected = limit if isinstance(limit, str) else " or ".join(limit)
        what = f"expected {expected}, got {_json_type(value)}"
    elif kind == "enum":
        what = f"{_short(value)} is not one of {', '.join(str(x) for x in limit)}"
    elif kind == "const":
        what = f"{_short(value)} is not {limit!r}"
    elif kind == "required":
        missing = [k for k in limit if k not in value]
        what = f"missing key {missing[0]!r}" if missing else "missing a key"
    elif kind in ("maxItems", "minItems"):
        what = f"has {len(value)} items, expected {'at most' if kind == 'maxItems' else 'at least'} {limit}"
    elif kind == "maxLength":
        what = f"text of {len(value)} characters, at most {limit} allowed"
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        what = f"{_short(value)} is out of range ({kind} {limit})"
    elif kind == "additionalProperties":
        what = "unexpected keys"
    else:
        what = _clean(error.message)
    return f"{where}: {what}"


def parse_session(doc: Any, name: str = "session.json") -> Session:
    """Validates a parsed ``session.json`` object and builds the :class:`Session`.

    Raises:
        InputError: one line naming ``name`` and the first problem.
    """
    if not isinstance(doc, dict):
        raise InputError(f"{name}: expected a JSON object at the top level, got {_json_type(doc)}")
    schema = doc.get("schema")
    if schema != SESSION_SCHEMA:
        got = "no 'schema' key" if "schema" not in doc else f"schema {_short(schema)}"
        raise InputError(f"{name}: {got}; this coach reads {SESSION_SCHEMA} session files")
    for key, limit in MAX_ITEMS.items():
        items = doc.get(key)
        if isinstance(items, list) and len(items) > limit:
            raise InputError(f"{name}: {key} has {len(items)} items, at most {limit} allowed")
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        raise InputError(f"{name}: {_describe(error)}")
    try:
        return Session.from_dict(doc)
    except ValueError as exc:
        raise InputError(f"{name}: {_clean(str(exc))}") from None


def _reject_constant(text: str) -> float:
    raise ValueError(f"{text} is not allowed in a session file")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large")
    return value


def load_session(path: Path) -> Session:
    """Reads and validates ``session.json``.

    Args:
        path: the session file.

    Raises:
        InputError: a missing or unreadable file, a folder, a file over 50 MB, text that is
            not JSON, the wrong schema version, or a value the schema refuses; one line
            naming the file and the first problem.
    """
    path = Path(path)
    name = _clean(str(path))
    if path.is_dir():
        raise InputError(f"{name}: is a folder; expected a session.json file")
    if path.exists() and not path.is_file():
        raise InputError(f"{name}: not a regular file; expected a session.json file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{name}: {size / 2**20:.0f} MB is too large for a session file (at most 50 MB)")
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{name}: too large for a session file (at most 50 MB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:
        raise InputError(f"{name}: not valid JSON: {_clean(str(exc))}") from None
    except RecursionError:
        raise InputError(f"{name}: nested too deeply to be a session file") from None
    try:
        return parse_session(doc, name)
    except RecursionError:
        raise InputError(f"{name}: nested too deeply to be a session file") from None


__all__ = [
    "PACE_VERDICTS",
    "ROUTINE_MAX_S",
    "ROUTINE_MIN_S",
    "ROUTINE_ZONES",
    "ROUTINE_ZONE_SHARE",
    "Coverage",
    "Cue",
    "FootInfo",
    "Heatmap",
    "Rhythm",
    "Routine",
    "Session",
    "SessionBuilder",
    "SessionConfig",
    "Stroke",
    "Timeline",
    "VideoInfo",
    "ZoneCoverage",
    "check_writable",
    "coverage_from_timeline",
    "load_session",
    "pace_measure",
    "pace_verdict",
    "parse_session",
    "parse_time",
    "recommend",
    "rhythm_from_strokes",
    "session_json",
    "session_schema",
    "write_session",
    "write_text_atomic",
]
