from __future__ import annotations

import pytest

from coach.pace import PaceJudge, pace_of, verdict
from coach.strokes import Stroke
from coach.vocabulary import PACE_TARGETS


@pytest.mark.parametrize(
    "stroke, expected",
    [
        (Stroke(0, 2, "glide", "arch", 1, direction="heel_to_toe", speed_fl_s=0.8), "too_fast"),
        (Stroke(0, 2, "glide", "arch", 1, direction="heel_to_toe", speed_fl_s=0.2), "good"),
        (Stroke(0, 2, "glide", "arch", 1, direction="heel_to_toe", speed_fl_s=0.02), "too_slow"),
        (Stroke(0, 5, "thumb_circles", "arch", 1, rate_hz=2.0), "too_fast"),
        (Stroke(0, 5, "knead", "arch", 1, rate_hz=0.3), "too_slow"),
        (Stroke(0, 1.5, "press", "ball", 1, hold_s=1.5), "too_slow"),
        (Stroke(0, 5, "press", "ball", 1, hold_s=5), "good"),
        (Stroke(0, 5, "toe_work", "toes", 1, rate_hz=1.0), None),
    ],
)
def test_finished_stroke_verdicts(stroke: Stroke, expected: str | None) -> None:
    assert pace_of(stroke) == expected


def test_band_edges_are_good() -> None:
    band = PACE_TARGETS["glide"]
    assert verdict(band.low, band) == verdict(band.high, band) == "good"


def test_hysteresis_stops_flicker_at_the_edge() -> None:
    judge = PaceJudge(margin=0.1)
    high = PACE_TARGETS["glide"].high
    # Wobbling by +-5 % around the upper edge, starting inside the band: stays good.
    values = [high * (1 + 0.05 * (-1) ** i) for i in range(20)]
    assert {judge.update("glide", v) for v in [0.2, *values]} == {"good"}
    # Clearly over: too fast; back to just under the edge: still too fast; well under: good.
    assert judge.update("glide", high * 1.2) == "too_fast"
    assert judge.update("glide", high * 0.95) == "too_fast"
    assert judge.update("glide", high * 0.85) == "good"


def test_types_are_judged_apart_and_unknowns_ignored() -> None:
    judge = PaceJudge()
    assert judge.update("glide", 0.9) == "too_fast"
    assert judge.update("thumb_circles", 1.0) == "good"
    assert judge.update("toe_work", 1.0) is None
    assert judge.update(None, 1.0) is None
    judge.reset()
    assert judge.update("glide", 0.3) == "good"
