"""The shared vocabulary of ``docs/coaching.md``: zones, stroke types, pace bands.

Names here are fixed by the spec (session files, ground-truth labels and tests
all use them); the numbers are the spec's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SESSION_SCHEMA = "footcoach.session/1"

ZONES: tuple[str, ...] = ("heel", "arch", "outer_edge", "ball", "toes")
STROKE_TYPES: tuple[str, ...] = ("glide", "thumb_circles", "press", "knead", "toe_work")
CYCLIC_TYPES: tuple[str, ...] = ("thumb_circles", "knead", "toe_work")
GLIDE_DIRECTIONS: tuple[str, ...] = ("heel_to_toe", "toe_to_heel")
PRESS_MIN_S = 1.0
"""The spec's press: the contact nearly still for at least this long (s); a shorter stop is no stroke."""
GLIDE_MIN_FL = 0.3
"""The spec's glide: the contact travels at least this far along u (FL)."""

# How a person names each zone and stroke type in a sentence.
ZONE_NAMES: dict[str, str] = {
    "heel": "the heel",
    "arch": "the arch",
    "outer_edge": "the outer edge",
    "ball": "the ball of the foot",
    "toes": "the toes",
}
"""How a person names each zone in a sentence."""

TYPE_NAMES: dict[str, str] = {
    "glide": "glides",
    "thumb_circles": "thumb circles",
    "press": "presses",
    "knead": "kneading",
    "toe_work": "toe work",
}
"""How a person names each stroke type in a sentence."""


# Zone boundaries along u (0 heel, 1 toe tip) and across v (0 medial, 1 lateral).
HEEL_END_U = 0.25
MIDFOOT_END_U = 0.60
BALL_END_U = 0.78
MEDIAL_LATERAL_V = 0.5


def zone_of(u: float, v: float) -> str:
    """The zone of one contact point in foot coordinates."""
    if u < HEEL_END_U:
        return "heel"
    if u < MIDFOOT_END_U:
        return "arch" if v < MEDIAL_LATERAL_V else "outer_edge"
    if u < BALL_END_U:
        return "ball"
    return "toes"


def zones_of(uv: np.ndarray) -> np.ndarray:
    """Vectorised :func:`zone_of`.

    Args:
        uv: (n, 2) foot coordinates.

    Returns:
        (n,) int indices into :data:`ZONES`.
    """
    uv = np.asarray(uv, dtype=np.float64).reshape(-1, 2)
    u, v = uv[:, 0], uv[:, 1]
    out = np.full(len(uv), ZONES.index("toes"), dtype=np.int64)
    out[u < BALL_END_U] = ZONES.index("ball")
    mid = u < MIDFOOT_END_U
    out[mid & (v >= MEDIAL_LATERAL_V)] = ZONES.index("outer_edge")
    out[mid & (v < MEDIAL_LATERAL_V)] = ZONES.index("arch")
    out[u < HEEL_END_U] = ZONES.index("heel")
    return out


@dataclass(frozen=True)
class PaceBand:
    """The good range of one stroke type's pace measure.

    Attributes:
        measure: "speed_fl_s", "rate_hz" or "hold_s".
        low: below it is too slow (for a press: too short).
        high: above it is too fast (for a press: held too long).
    """

    measure: str
    low: float
    high: float


# The unit of each pace measure, as shown on screen.
MEASURE_UNITS: dict[str, str] = {"speed_fl_s": "FL/s", "rate_hz": "Hz", "hold_s": "s"}

PACE_TARGETS: dict[str, PaceBand] = {
    "glide": PaceBand("speed_fl_s", 0.04, 0.40),
    "thumb_circles": PaceBand("rate_hz", 0.5, 1.5),
    "knead": PaceBand("rate_hz", 0.4, 1.2),
    "press": PaceBand("hold_s", 2.0, 10.0),
}
DEFAULT_FOOT_LENGTH_CM = 25.0
