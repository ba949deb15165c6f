"""The coach's engine: every stage, frame by frame, for recordings and cameras alike.

:class:`Engine` runs the stages in data order on each frame (hands, foot,
contact, strokes, pace, cues) and keeps the small per-frame record a session
needs; :meth:`Engine.summary` turns it into a :class:`~coach.session.Session`.
A recording is summarised with hindsight (strokes re-segmented over the whole
track); a live session uses the strokes the live engine saw. Time comes from
the frames, so the same file gives the same session every time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from coach.contact import POINTS, Contact, ContactConfig, ContactTracker, FootFrame
from coach.cues import Coach, CoachConfig, Cue
from coach.foot import Foot, FootConfig, FootTracker, reject_foot_hands
from coach.hands import Hands, HandTracker, HandTrackerConfig, TrackAhead
from coach.overlay import FootAnnotator, HandAnnotator, HudAnnotator, HudData
from coach.pace import PaceJudge, measure_of
from coach.session import FootInfo, Session, SessionBuilder, SessionConfig, VideoInfo
from coach.sources import Frame, SourceInfo
from coach.strokes import (
    PRIMARY_POINT,
    ContactTrack,
    Stroke,
    StrokeConfig,
    StrokeEngine,
    StrokeState,
    mend_slips,
    segment_strokes,
)
from coach.timing import StageClock
from coach.vocabulary import MEASURE_UNITS, PACE_TARGETS, zone_of

# The session's timeline is sampled at this rate or a little above (spec: 10 Hz or more).
TIMELINE_HZ = 10.0

VIDEO_FOOT_SETTINGS: dict[str, float] = {"work_size": 200, "wait_for_skin_s": 3.0}
"""Foot-stage settings (:class:`coach.foot.FootConfig`) for video, recorded or live.
The foot is segmented once (then followed), on a 200 px picture: a third of the
time of the still-photo size. It is first looked for when a hand is in view,
whose skin colour keeps the floor out of the foot (on the full synthetic suite
this turned one clip's contacts from 70 % to 100 % in the right zone)."""


@dataclass(frozen=True)
class AnalysisConfig:
    """Settings of every stage.

    Attributes:
        hands, foot, contact, strokes, coach, session: each stage's settings.
        heel_px, toe_px: the user's calibration for a fixed camera (both or neither).
        side: "left" or "right" to state which foot, or None to let the coach tell.
    """

    hands: HandTrackerConfig = field(default_factory=HandTrackerConfig)
    foot: FootConfig = field(default_factory=lambda: FootConfig(**VIDEO_FOOT_SETTINGS))
    contact: ContactConfig = field(default_factory=ContactConfig)
    strokes: StrokeConfig = field(default_factory=StrokeConfig)
    coach: CoachConfig = field(default_factory=CoachConfig)
    session: SessionConfig = field(default_factory=SessionConfig)
    heel_px: tuple[float, float] | None = None
    toe_px: tuple[float, float] | None = None
    side: str | None = None

    def __post_init__(self) -> None:
        if (self.heel_px is None) != (self.toe_px is None):
            raise ValueError("give both the heel and the toe point, or neither")
        if self.side not in (None, "left", "right"):
            raise ValueError(f"side must be left or right, got {self.side!r}")


@dataclass(frozen=True)
class FrameResult:
    """Everything the stages found in one frame (for drawing and live feedback).

    Attributes:
        frame: the input.
        hands: the hands that are hands (the foot's false detections removed).
        foot: the foot.
        contact: the working hand on the foot.
        state: the live stroke state.
        pace: the live pace verdict of the current stroke, or None.
        cue: a cue said on this frame, or None.
        zone_seconds: stroke time per zone so far (live).
        active_s: stroke time so far (live).
    """

    frame: Frame
    hands: Hands
    foot: Foot
    contact: Contact
    state: StrokeState
    pace: str | None
    cue: Cue | None
    zone_seconds: dict[str, float]
    active_s: float


class _Growing:
    """A numpy array that grows at one end (its capacity doubles), for per-frame records."""

    def __init__(self, dtype: type, shape: tuple[int, ...] = (), capacity: int = 1024) -> None:
        self._data = np.empty((capacity, *shape), dtype)
        self._n = 0

    def append(self, value: object) -> None:
        if self._n == len(self._data):
            grown = np.empty((2 * len(self._data), *self._data.shape[1:]), self._data.dtype)
            grown[: self._n] = self._data
            self._data = grown
        self._data[self._n] = value
        self._n += 1

    def values(self) -> np.ndarray:
        """A copy of what was appended."""
        return self._data[: self._n].copy()

    def __len__(self) -> int:
        return self._n


class ContactRecord:
    """Every frame's contact, in growing numpy arrays: all a session needs of each frame.

    About 110 bytes a frame (30 minutes at 30 fps: 6 MB), instead of the several
    hundred that lists of small arrays would take, and summarising copies a few
    arrays instead of gathering tens of thousands of objects.
    """

    def __init__(self) -> None:
        self._t = _Growing(np.float64)
        self._uv = _Growing(np.float64, (3, 2))
        self._fl = _Growing(np.float64, (3, 2))
        self._present = _Growing(np.bool_)

    def append(self, t_s: float, contact: Contact) -> None:
        self._t.append(t_s)
        self._uv.append(contact.uv)
        self._fl.append(contact.fl)
        self._present.append(contact.present)

    def __len__(self) -> int:
        return len(self._t)

    def track(self) -> ContactTrack:
        """All contacts so far, as arrays (copies: the record goes on growing)."""
        return ContactTrack(self._t.values(), self._uv.values(), self._fl.values(), self._present.values())


class Engine:
    """Runs all stages on each frame and remembers what a session needs.

    Use as a context manager (it owns the hand tracker).

    Args:
        info: the source's facts (size, frame rate, name).
        config: settings.
        tracker: a hand tracker to use instead of making one (e.g. shared by tests, or
            one running ahead on its own thread).
        foot_tracker: a foot tracker to use instead of ``FootTracker(config.foot)``
            (e.g. one that paces its searches for live use).
        clock: adds the time of the foot stage (finding the foot, dropping the
            hands that are the foot) and of the contact, stroke, pace and cue
            stages to its "foot" and "coach" stages (benchmarks).
    """

    def __init__(
        self,
        info: SourceInfo,
        config: AnalysisConfig | None = None,
        tracker: HandTracker | TrackAhead | None = None,
        foot_tracker: FootTracker | None = None,
        clock: StageClock | None = None,
    ) -> None:
        self.info = info
        self.config = config or AnalysisConfig()
        self.clock = clock
        self._own_tracker = tracker is None
        self.tracker = tracker or HandTracker(self.config.hands)
        self.foot_tracker = foot_tracker or FootTracker(self.config.foot)
        if self.config.heel_px is not None and self.config.toe_px is not None:
            self.foot_tracker.calibrate(self.config.heel_px, self.config.toe_px, side=self.config.side)
        elif self.config.side is not None:
            self.foot_tracker.set_side(self.config.side)
        self.contacts = ContactTracker(self.config.contact)
        self.strokes = StrokeEngine(self.config.strokes)
        self.pace = PaceJudge()
        self.coach = Coach(self.config.coach)
        self._zone_seconds: dict[str, float] = {}
        self._active_s = 0.0
        self._last_t: float | None = None
        # The per-frame record, kept small: it is all a session needs.
        self._record = ContactRecord()
        self._foot_found = 0
        self._foot_lengths = _Growing(np.float64)
        self.frames = 0

    def update(self, frame: Frame) -> FrameResult:
        """Runs every stage on one frame."""
        hands = self.tracker.detect(frame)
        t0 = time.perf_counter()
        foot = self.foot_tracker.update(frame, hands)
        hands = reject_foot_hands(hands, foot)
        t1 = time.perf_counter()
        frame_on_foot = FootFrame(foot.to_uv, foot.map.to_as) if foot.found and foot.map else None
        contact = self.contacts.update(hands, frame_on_foot, frame.t_ms)
        state = self.strokes.update(contact)
        value = measure_of(state)
        pace = self.pace.update(state.type, value)
        t = frame.t_s
        dt = 0.0 if self._last_t is None else min(t - self._last_t, 0.5)
        self._last_t = t
        if state.type is not None and state.zone is not None:
            self._zone_seconds[state.zone] = self._zone_seconds.get(state.zone, 0.0) + dt
            self._active_s += dt
        cue = self.coach.update(
            t,
            state.type,
            pace,
            value,
            self._zone_seconds,
            self._active_s,
            foot.found,
            len(hands) > 0,
        )
        self.frames += 1
        self._record.append(t, contact)
        if foot.found:
            self._foot_found += 1
            if len(self._foot_lengths) < 100_000:
                self._foot_lengths.append(foot.length_px)
        if self.clock is not None:
            self.clock.add("foot", t1 - t0)
            self.clock.add("coach", time.perf_counter() - t1)
        return FrameResult(
            frame, hands, foot, contact, state, pace, cue, dict(self._zone_seconds), self._active_s
        )

    def track(self) -> ContactTrack:
        """All contacts so far, as arrays."""
        return self._record.track()

    def summary(self, hindsight: bool = True, created_at: str | None = None) -> Session:
        """The session so far.

        Does not disturb the engine: a live session can be summarised (checkpointed)
        and go on.

        Args:
            hindsight: re-segment the strokes over the whole recording (for
                files); False keeps the strokes the live engine saw, the one in
                progress included.
            created_at: when the analysis ran (ISO 8601), default now.
        """
        track = self.track()
        if hindsight:
            # Moments the tracker slipped to the other hand are bridged for the timeline's zones too.
            track = mend_slips(track, self.config.strokes)
        strokes = segment_strokes(track, self.config.strokes) if hindsight else self.strokes.so_far()
        fps = self.info.fps
        # From the frames' own times, so dropped frames (live) do not shorten the session.
        duration = float(track.t_s[-1] - track.t_s[0]) + 1.0 / fps if len(track) and fps > 0 else 0.0
        video = VideoInfo(
            fps, self.frames, round(duration, 3), self.info.width, self.info.height, self.info.name
        )
        builder = SessionBuilder(video, self.config.session, hand_model=self.tracker.model_name)
        found = self._foot_found > 0
        length = float(np.median(self._foot_lengths.values())) if len(self._foot_lengths) else None
        builder.set_foot(FootInfo(found=found, frames_found=self._foot_found, length_px=length))
        if found:
            for stroke in strokes:
                builder.add_stroke(stroke)
            for cue in self.coach.cues:
                builder.add_cue(cue)
        else:
            for cue in self.coach.cues:
                if cue.kind == "foot":
                    builder.add_cue(cue)
        for t, stroke, zone, contact in timeline_rows(track, strokes if found else []):
            builder.add_frame(t, stroke, zone, contact)
        return builder.summary(created_at=created_at)

    def close(self) -> None:
        if self._own_tracker:
            self.tracker.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def timeline_rows(
    track: ContactTrack, strokes: list[Stroke]
) -> list[tuple[float, str | None, str | None, tuple[float, float] | None]]:
    """The session timeline: a row every 1/:data:`TIMELINE_HZ` seconds of frame time or a little more.

    Each row has the stroke covering that moment, the zone of the point the
    stroke is done with, and that point; with no stroke, the thumb tip (if the
    hand is on the foot) and no zone. Sampling goes by the frames' times, so a
    source that drops frames still gives about ten rows a second.
    """
    starts = np.array([s.start_s for s in strokes])
    rows = []
    next_t = -np.inf
    for i in range(len(track)):
        t = float(track.t_s[i])
        if t < next_t - 1e-6:
            continue
        next_t = t + 1.0 / TIMELINE_HZ
        kind = None
        if len(starts):
            k = int(np.searchsorted(starts, t, side="right")) - 1
            if k >= 0 and strokes[k].start_s <= t <= strokes[k].end_s:
                kind = strokes[k].type
        if not track.present[i]:
            rows.append((t, None, None, None))
            continue
        point = track.uv[i, POINTS.index(PRIMARY_POINT[kind] if kind else "thumb")]
        contact = (round(float(point[0]), 4), round(float(point[1]), 4))
        zone = zone_of(*contact) if kind else None
        rows.append((t, kind, zone, contact))
    return rows


def pace_position(kind: str | None, value: float | None) -> float | None:
    """Where a pace measure sits against its band: 0 at the low edge, 1 at the high edge."""
    band = PACE_TARGETS.get(kind or "")
    if band is None or value is None:
        return None
    return (value - band.low) / (band.high - band.low)


def pace_text(kind: str | None, value: float | None) -> str:
    """E.g. "0.82 FL/s (aim 0.04-0.4)"."""
    band = PACE_TARGETS.get(kind or "")
    if band is None or value is None:
        return ""
    unit = MEASURE_UNITS[band.measure]
    return f"{value:.2f} {unit} (aim {band.low:g}-{band.high:g})"


def hud_data(result: FrameResult, cue_text: str = "") -> HudData:
    """What the head-up display shows for one frame's result."""
    total = sum(result.zone_seconds.values())
    shares = {z: s / total for z, s in result.zone_seconds.items()} if total > 0 else {}
    value = measure_of(result.state)
    notice = "" if result.foot.found else result.foot.message
    return HudData(
        stroke=result.state.type,
        confidence=result.state.confidence,
        pace=result.pace,
        pace_text=pace_text(result.state.type, value),
        pace_position=pace_position(result.state.type, value),
        zone_share=shares,
        elapsed_s=result.frame.t_s,
        active_s=result.active_s,
        cue=cue_text,
        notice=notice,
    )


@dataclass(frozen=True)
class Overlay:
    """All annotators together: what the live window and the annotated video show."""

    hands: HandAnnotator = field(default_factory=HandAnnotator)
    foot: FootAnnotator = field(default_factory=FootAnnotator)
    hud: HudAnnotator = field(default_factory=HudAnnotator)

    def draw(self, scene: np.ndarray, result: FrameResult, cue_text: str = "") -> np.ndarray:
        data = hud_data(result, cue_text)
        self.foot.draw(scene, result.foot, data.zone_share)
        self.hands.draw(scene, result.hands)
        return self.hud.draw(scene, data)
