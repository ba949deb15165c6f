"""The issue's definition of done, through the project's own hand tracker on a rendered clip."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.synth import SynthConfig, render
from coach.synth.check import FOUND_TARGET, PALM_OFFSET_TOLERANCE, THUMB_TARGET, check_clip


@pytest.mark.slow
@pytest.mark.parametrize(
    "options",
    [
        {"choreography": "good_session", "seed": 1},
        {"choreography": "random", "seed": 21, "palm_view": True, "view": "top", "side": "left"},
    ],
    ids=["good_back_sole", "random_palm_top"],
)
def test_tracker_finds_the_rendered_hand(tmp_path: Path, options: dict) -> None:
    out = tmp_path / "clip.mp4"
    render(SynthConfig(duration_s=5.0, **options), out)
    figures = check_clip(out)
    assert figures.in_view >= 90, "the hand should be fully in view most of the time"
    assert figures.found_share >= FOUND_TARGET, figures
    assert figures.thumb_share >= THUMB_TARGET, figures
    # The drawn knuckles are where the tracker reads them (else every palm contact's label is off).
    assert abs(figures.palm_offset) <= PALM_OFFSET_TOLERANCE, figures
