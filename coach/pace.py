"""Pace verdicts: is a stroke too slow, good, or too fast, against the spec's target bands.

A finished stroke gets a plain verdict (:func:`pace_of`). The live coach uses
:class:`PaceJudge`, which adds hysteresis: a measure must cross a band's edge
by ``margin`` to change the verdict and come back inside it by the same margin
to change it back, so a value sitting on a boundary does not flicker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coach.vocabulary import CYCLIC_TYPES, PACE_TARGETS, PaceBand

VERDICTS: tuple[str, ...] = ("too_slow", "good", "too_fast")


def pace_measure(stroke_type: str) -> str | None:
    """The field that holds a stroke type's pace: its band's measure, ``rate_hz`` for other cyclic types."""
    band = PACE_TARGETS.get(stroke_type)
    if band is not None:
        return band.measure
    return "rate_hz" if stroke_type in CYCLIC_TYPES else None


def verdict(value: float, band: PaceBand) -> str:
    """The verdict for one value against one band, without hysteresis."""
    if value < band.low:
        return "too_slow"
    if value > band.high:
        return "too_fast"
    return "good"


def pace_verdict(stroke_type: str, value: float | None) -> str | None:
    """``too_slow``, ``good`` or ``too_fast`` for one stroke's pace, None without a value or a band."""
    band = PACE_TARGETS.get(stroke_type)
    if band is None or value is None:
        return None
    return verdict(value, band)


def measure_of(stroke: Any) -> float | None:
    """The pace measure (speed, rate or hold) of a stroke or live state; None if its type has no band."""
    band = PACE_TARGETS.get(stroke.type or "")
    if band is None:
        return None
    return getattr(stroke, band.measure)


def pace_of(stroke: Any) -> str | None:
    """A finished stroke's verdict, or None for a type with no pace band (toe work)."""
    return pace_verdict(stroke.type, measure_of(stroke))


@dataclass
class PaceJudge:
    """Live pace verdicts per stroke type, with hysteresis.

    Args:
        margin: relative distance beyond a band's edge needed to change verdict
            (0.1 = 10 % of the edge's value).
        bands: the target bands (the spec's defaults unless given).
    """

    margin: float = 0.1
    bands: dict[str, PaceBand] = field(default_factory=lambda: dict(PACE_TARGETS))

    def __post_init__(self) -> None:
        if not 0 <= self.margin < 0.5:
            raise ValueError("PaceJudge.margin must be within 0-0.5")
        self.reset()

    def reset(self) -> None:
        self._state: dict[str, str] = {}

    def update(self, kind: str | None, value: float | None) -> str | None:
        """Judges the latest measure of a stroke of type ``kind``.

        Returns:
            "too_slow", "good" or "too_fast", or None when there is nothing to judge.
        """
        if kind is None or value is None or kind not in self.bands:
            return None
        band = self.bands[kind]
        previous = self._state.get(kind)
        lo_in, lo_out = band.low * (1 + self.margin), band.low * (1 - self.margin)
        hi_in, hi_out = band.high * (1 - self.margin), band.high * (1 + self.margin)
        if previous is None:
            now = verdict(value, band)
        elif previous == "good":
            now = "too_slow" if value < lo_out else "too_fast" if value > hi_out else "good"
        elif previous == "too_slow":
            now = "too_slow" if value < lo_in else ("too_fast" if value > hi_out else "good")
        else:  # too_fast
            now = "too_fast" if value > hi_in else ("too_slow" if value < lo_out else "good")
        self._state[kind] = now
        return now
