"""Pace verdicts: is a stroke too slow, good, or too fast, against the spec's target bands.

A finished stroke gets a plain verdict (:func:`pace_of`). The live coach uses
:class:`PaceJudge`, which adds hysteresis: a measure must cross a band's edge
by ``margin`` to change the verdict and come back inside it by the same margin
to change it back, so a value sitting on a boundary does not flicker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.strokes import Stroke, StrokeState
from coach.vocabulary import PACE_TARGETS, PaceBand

VERDICTS: tuple[str, ...] = ("too_slow", "good", "too_fast")


def measure_of(stroke: Stroke | StrokeState) -> float | None:
    """The pace measure of a stroke's type (speed, rate or hold), or None if it has none."""
    band = PACE_TARGETS.get(stroke.type or "")
    if band is None:
        return None
    return getattr(stroke, band.measure)


def verdict(value: float, band: PaceBand) -> str:
    """The verdict for one value, without hysteresis."""
    if value < band.low:
        return "too_slow"
    if value > band.high:
        return "too_fast"
    return "good"


def pace_of(stroke: Stroke) -> str | None:
    """A finished stroke's verdict, or None for a type with no pace band (toe work)."""
    value = measure_of(stroke)
    if value is None:
        return None
    return verdict(value, PACE_TARGETS[stroke.type])


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
