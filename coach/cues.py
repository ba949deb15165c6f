"""The coach's voice: one short cue at a time, from the live stroke state and coverage.

The same :class:`Coach` runs live (spoken and shown) and over a recording (the
cues the live coach would have given, in the report). Cues are rate-limited:
at most one new cue every ``min_gap_s``, and the same words not again within
``repeat_gap_s``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.vocabulary import MEASURE_UNITS, PACE_TARGETS, TYPE_NAMES, ZONES
from coach.vocabulary import ZONE_NAMES as SENTENCE_ZONE_NAMES

# Zone names as a cue starts with them: "Arch: ...", "Ball of the foot: ...".
ZONE_NAMES: dict[str, str] = {
    z: name.removeprefix("the ").capitalize() for z, name in SENTENCE_ZONE_NAMES.items()
}


@dataclass(frozen=True)
class Cue:
    """One thing the coach says.

    Attributes:
        t_s: when, in session time.
        kind: "pace", "coverage", "foot", "hands" or "routine".
        message: the words, short enough to speak while massaging.
    """

    t_s: float
    kind: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {"t_s": round(self.t_s, 3), "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class CoachConfig:
    """When the coach speaks.

    Attributes:
        min_gap_s: at least this long between two cues.
        repeat_gap_s: the same message is not repeated within this time.
        pace_hold_s: a pace verdict must last this long before it is said.
        neglect_after_s: after this much active massage time, zones are checked for neglect.
        neglect_share: a zone with less than this share of stroke time is neglected.
        neglect_every_s: how often a neglected zone may be named again.
        foot_lost_s: the foot missing this long (with hands in view) gets a cue.
    """

    min_gap_s: float = 4.0
    repeat_gap_s: float = 20.0
    pace_hold_s: float = 0.25
    neglect_after_s: float = 45.0
    neglect_share: float = 0.08
    neglect_every_s: float = 30.0
    foot_lost_s: float = 3.0

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"CoachConfig.{name} must be >= 0, got {value}")


def pace_message(kind: str, verdict: str, value: float) -> str:
    """E.g. "Slow down: glides at 0.80 FL/s, aim for 0.04-0.40"."""
    band = PACE_TARGETS[kind]
    unit = MEASURE_UNITS[band.measure]
    name = TYPE_NAMES[kind]
    if kind == "press":
        head = "Hold longer" if verdict == "too_slow" else "Release and move on"
        return f"{head}: press held {value:.0f} s, aim for {band.low:g}-{band.high:g} s"
    head = "Slow down" if verdict == "too_fast" else "A little faster"
    return f"{head}: {name} at {value:.2f} {unit}, aim for {band.low:g}-{band.high:g}"


def neglect_message(zone: str, seconds: float) -> str:
    """E.g. "Arch: 10 s so far, give it a minute"."""
    return f"{ZONE_NAMES[zone]}: {seconds:.0f} s so far, give it a minute"


@dataclass
class Coach:
    """Decides, frame by frame, whether to say something.

    Args:
        config: when to speak.
        zones: the zones to keep in balance (all five by default).
    """

    config: CoachConfig = field(default_factory=CoachConfig)
    zones: tuple[str, ...] = ZONES

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._last_t: float | None = None
        self._said: dict[str, float] = {}
        self._pace_since: dict[tuple[str, str], float] = {}
        self._zone_named: dict[str, float] = {}
        self._foot_missing_since: float | None = None
        self.cues: list[Cue] = []

    def _may_say(self, t_s: float, message: str) -> bool:
        if self._last_t is not None and t_s - self._last_t < self.config.min_gap_s:
            return False
        last = self._said.get(message)
        return last is None or t_s - last >= self.config.repeat_gap_s

    def _say(self, t_s: float, kind: str, message: str) -> Cue:
        cue = Cue(t_s, kind, message)
        self._last_t = t_s
        self._said[message] = t_s
        self.cues.append(cue)
        return cue

    def update(
        self,
        t_s: float,
        stroke: str | None,
        pace: str | None,
        pace_value: float | None,
        zone_seconds: dict[str, float],
        active_s: float,
        foot_found: bool,
        hands_in_view: bool,
    ) -> Cue | None:
        """One frame's decision.

        Args:
            t_s: session time.
            stroke: the stroke going on (live engine), or None.
            pace: its pace verdict (with hysteresis), or None.
            pace_value: the measure behind the verdict.
            zone_seconds: stroke time per zone so far.
            active_s: stroke time so far, all zones.
            foot_found: the foot stage found the foot this frame.
            hands_in_view: any hand is in view.

        Returns:
            The new cue, or None.
        """
        # Foot lost while the hands are busy: say so first, nothing else makes sense without it.
        if foot_found or not hands_in_view:
            self._foot_missing_since = None
        elif self._foot_missing_since is None:
            self._foot_missing_since = t_s
        elif t_s - self._foot_missing_since >= self.config.foot_lost_s:
            msg = "I can't see the foot: keep it in the picture, sole to the camera"
            if self._may_say(t_s, msg):
                return self._say(t_s, "foot", msg)
        # Pace: said once the verdict has held for a moment, and only while the
        # value is really outside the band (the verdict's hysteresis keeps it a
        # little longer). A press still going on is not "too short" yet.
        band = PACE_TARGETS.get(stroke or "")
        outside = (
            band is not None
            and pace_value is not None
            and (pace_value > band.high if pace == "too_fast" else pace_value < band.low)
        )
        if stroke == "press" and pace == "too_slow":
            outside = False
        if stroke is not None and pace in ("too_fast", "too_slow") and outside and pace_value is not None:
            key = (stroke, pace)
            since = self._pace_since.setdefault(key, t_s)
            for other in list(self._pace_since):
                if other != key:
                    del self._pace_since[other]
            if t_s - since >= self.config.pace_hold_s:
                msg = pace_message(stroke, pace, pace_value)
                if self._may_say(t_s, msg):
                    return self._say(t_s, "pace", msg)
        else:
            self._pace_since.clear()
        # Coverage: the least-worked zone not named lately, once enough time has passed.
        if active_s >= self.config.neglect_after_s:
            for zone in sorted(self.zones, key=lambda z: zone_seconds.get(z, 0.0)):
                seconds = zone_seconds.get(zone, 0.0)
                if seconds >= self.config.neglect_share * active_s:
                    break
                last = self._zone_named.get(zone)
                if last is not None and t_s - last < self.config.neglect_every_s:
                    continue
                msg = neglect_message(zone, seconds)
                if self._may_say(t_s, msg):
                    self._zone_named[zone] = t_s
                    return self._say(t_s, "coverage", msg)
                break
        return None
