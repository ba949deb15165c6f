from __future__ import annotations

import itertools

import pytest

from coach.cues import Coach, CoachConfig, neglect_message, pace_message

BALANCED = {"heel": 10.0, "arch": 10.0, "outer_edge": 10.0, "ball": 10.0, "toes": 10.0}


def run(coach: Coach, frames: list[dict], fps: float = 10.0) -> list:
    cues = []
    for i, f in enumerate(frames):
        args = {"stroke": None, "pace": None, "pace_value": None, "zone_seconds": BALANCED,
                "active_s": 0.0, "foot_found": True, "hands_in_view": True} | f  # fmt: skip
        cue = coach.update(i / fps, **args)
        if cue:
            cues.append(cue)
    return cues


def test_rushed_glides_get_slow_down_quickly_and_not_every_frame() -> None:
    frames = [{"stroke": "glide", "pace": "too_fast", "pace_value": 0.8}] * 100
    cues = run(Coach(), frames)
    assert cues[0].kind == "pace" and cues[0].message.startswith("Slow down")
    assert "0.80 FL/s" in cues[0].message and "0.04-0.4" in cues[0].message
    assert cues[0].t_s <= 1.0
    # Same words are not repeated within the repeat gap (10 s of frames here).
    assert len(cues) == 1


def test_at_most_one_cue_per_gap() -> None:
    config = CoachConfig(min_gap_s=4.0, repeat_gap_s=0.0)
    frames = [{"stroke": "glide", "pace": "too_fast", "pace_value": 0.5 + i / 100} for i in range(100)]
    cues = run(Coach(config), frames)
    gaps = [b.t_s - a.t_s for a, b in itertools.pairwise(cues)]
    assert len(cues) >= 2 and min(gaps) >= 4.0


def test_a_neglected_zone_is_named() -> None:
    seconds = {"heel": 20.0, "arch": 0.0, "outer_edge": 20.0, "ball": 20.0, "toes": 20.0}
    frames = [{"zone_seconds": seconds, "active_s": 80.0}] * 20
    cues = run(Coach(), frames)
    assert [c.message for c in cues] == [neglect_message("arch", 0.0)]
    assert cues[0].message == "Arch: 0 s so far, give it a minute"


def test_balanced_session_gets_no_coverage_cue() -> None:
    assert run(Coach(), [{"active_s": 50.0}] * 50) == []


def test_lost_foot_is_said_when_hands_are_busy() -> None:
    cues = run(Coach(), [{"foot_found": False}] * 50)
    assert cues and cues[0].kind == "foot" and cues[0].t_s == pytest.approx(3.0)
    assert run(Coach(), [{"foot_found": False, "hands_in_view": False}] * 50) == []


def test_messages() -> None:
    assert (
        pace_message("thumb_circles", "too_fast", 2.2)
        == "Slow down: thumb circles at 2.20 Hz, aim for 0.5-1.5"
    )
    assert pace_message("press", "too_slow", 1) == "Hold longer: press held 1 s, aim for 2-10 s"


def test_pace_kept_by_hysteresis_inside_the_band_is_not_said() -> None:
    # The verdict is still "too_fast" (hysteresis) but 1.1 Hz is inside the knead band.
    assert run(Coach(), [{"stroke": "knead", "pace": "too_fast", "pace_value": 1.1}] * 50) == []


def test_a_press_going_on_is_not_called_too_short() -> None:
    assert run(Coach(), [{"stroke": "press", "pace": "too_slow", "pace_value": 0.5}] * 30) == []


def test_neglected_zones_take_turns() -> None:
    seconds = {"heel": 0.0, "arch": 0.0, "outer_edge": 30.0, "ball": 30.0, "toes": 30.0}
    config = CoachConfig(min_gap_s=1.0, neglect_every_s=100.0)
    cues = run(Coach(config), [{"zone_seconds": seconds, "active_s": 90.0}] * 40)
    assert [c.message.split(":")[0] for c in cues] == ["Heel", "Arch"]
