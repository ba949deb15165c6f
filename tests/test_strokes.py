"""Stroke rules on analytic contact tracks whose truth is known exactly."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from coach.strokes import (
    ContactTrack,
    Stroke,
    StrokeConfig,
    StrokeEngine,
    find_presses,
    segment_strokes,
    stroke_rate,
)
from tests import strokes_tracks as tr


def offline(*parts, **kw) -> list[Stroke]:
    return segment_strokes(ContactTrack.from_contacts(tr.contacts(*parts, **kw)))


@pytest.mark.parametrize("rate", [0.6, 1.0, 1.4, 2.5])
def test_thumb_circles_and_their_rate(rate: float) -> None:
    strokes = offline(tr.absent(1), tr.circles(6, rate), tr.absent(1))
    assert [s.type for s in strokes] == ["thumb_circles"]
    s = strokes[0]
    assert s.rate_hz == pytest.approx(rate, rel=0.1)
    assert s.zone == "arch" and s.direction is None and s.speed_fl_s is None
    assert s.start_s == pytest.approx(1.0, abs=0.5) and s.end_s == pytest.approx(7.0, abs=0.5)


@pytest.mark.parametrize("speed", [0.08, 0.25, 0.8])
def test_glides_speed_and_direction(speed: float) -> None:
    strokes = offline(tr.absent(0.5), tr.glide(speed), tr.absent(0.5), tr.glide(speed, u0=0.8, u1=0.15))
    assert [s.type for s in strokes] == ["glide", "glide"]
    assert [s.direction for s in strokes] == ["heel_to_toe", "toe_to_heel"]
    for s in strokes:
        assert s.speed_fl_s == pytest.approx(speed, rel=0.15)


def test_a_slow_glide_flowing_into_a_quick_move_the_same_way() -> None:
    # Toe to heel at 0.12 FL/s, then on towards the heel without stopping, four times as fast.
    strokes = offline(
        tr.absent(0.5), tr.glide(0.12, u0=0.75, u1=0.4), tr.move(0.6, (0.4, 0.4), (0.12, 0.4)), tr.absent(0.5)
    )
    assert [s.type for s in strokes] == ["glide"]
    g = strokes[0]
    assert g.speed_fl_s == pytest.approx(0.12, rel=0.1) and g.direction == "toe_to_heel"
    assert g.start_s == pytest.approx(0.5, abs=0.25) and g.end_s == pytest.approx(0.5 + 0.35 / 0.12, abs=0.3)


def test_a_glide_ending_as_the_hand_leaves_the_foot() -> None:
    # Toe to heel at 0.75 FL/s; past the heel the hand lifts off sideways, faster, its palm
    # beside the foot for 0.1 s (still near enough the outline to count as on the foot).
    lift = tr._hand(np.linspace([0.1, 0.3], [-0.1, 1.1], 6)[1:])
    strokes = offline(tr.absent(0.5), tr.glide(0.75, u0=0.75, u1=0.1, v=0.3), lift, tr.absent(0.5))
    assert [s.type for s in strokes] == ["glide"]
    g = strokes[0]
    assert g.speed_fl_s == pytest.approx(0.75, rel=0.15)
    assert g.start_s == pytest.approx(0.5, abs=0.1) and g.end_s == pytest.approx(0.5 + 0.65 / 0.75, abs=0.1)


def test_a_repositioning_move_is_no_glide() -> None:
    # Its steady middle, between a slow start and a slow end, is not a glide either.
    assert offline(tr.absent(0.5), tr.move(1.0, (0.15, 0.4), (0.75, 0.4)), tr.absent(0.5)) == []


@pytest.mark.parametrize("speed", [0.5, 0.9, 1.2])
def test_a_glide_after_the_resting_hand_creeps_begins_with_the_glide(speed: float) -> None:
    # The hand rests, creeps 0.01 FL (the foot's pose settling moves the contact too),
    # rests 0.15 s more and glides toe to heel: the creep is not part of the glide.
    strokes = offline(
        tr.absent(0.5),
        tr.press(0.5, (0.76, 0.4)),
        tr.move(0.3, (0.76, 0.4), (0.75, 0.4)),
        tr.press(0.15, (0.75, 0.4)),
        tr.glide(speed, u0=0.75, u1=0.05),
        tr.absent(0.5),
    )
    assert [s.type for s in strokes] == ["glide"]
    assert strokes[0].start_s == pytest.approx(1.45, abs=0.15)


def test_glide_speed_is_the_pace_not_travel_over_duration() -> None:
    # A glide that pauses at each end: the pauses do not slow it down.
    strokes = offline(tr.press(0.3, (0.1, 0.4)), tr.glide(0.25, u0=0.1, u1=0.7), tr.press(0.3, (0.7, 0.4)))
    assert [s.type for s in strokes] == ["glide"]
    assert strokes[0].speed_fl_s == pytest.approx(0.25, rel=0.05)


def test_a_glide_survives_a_wobble_of_the_tracked_point() -> None:
    part = tr.glide(0.2, u0=0.15, u1=0.7)
    part[40:43] -= np.array([0.05, 0.0])  # three frames jerk back along the foot, halfway
    strokes = offline(tr.absent(0.5), part, tr.absent(0.5))
    assert [s.type for s in strokes] == ["glide"]
    assert strokes[0].end_s - strokes[0].start_s == pytest.approx(0.55 / 0.2, abs=0.3)


def test_a_slip_to_the_other_hand_does_not_cut_a_stroke() -> None:
    strokes = offline(tr.absent(1), tr.slip(tr.circles(6, 1.0), 2.5, 0.4), tr.absent(1))
    assert [s.type for s in strokes] == ["thumb_circles"]
    assert strokes[0].start_s == pytest.approx(1.0, abs=0.5) and strokes[0].end_s == pytest.approx(
        7.0, abs=0.5
    )


def test_circles_begin_when_the_thumb_starts_circling_not_when_the_hand_arrives() -> None:
    # The hand lands on the spot and waits 0.8 s (too short for a press), then circles.
    strokes = offline(tr.absent(0.5), tr.press(0.8, spot=(0.5, 0.3)), tr.circles(5, 1.0), tr.absent(1))
    assert [s.type for s in strokes] == ["thumb_circles"]
    assert strokes[0].start_s == pytest.approx(1.3, abs=0.2)


@pytest.mark.parametrize("rate", [0.6, 1.0, 1.5, 2.2])
@pytest.mark.parametrize("came_from", [(0.75, 0.55), (0.5, 0.6), (0.2, 0.3)])
def test_circles_begin_when_the_thumb_arrives_not_while_it_slows_down(
    rate: float, came_from: tuple[float, float]
) -> None:
    # A reaching movement slows down into the first circle; its last, slow
    # stretch lies within the circles' reach and is moving, but it goes straight.
    strokes = offline(tr.absent(0.5), tr.move(1.0, came_from, (0.5, 0.3)), tr.circles(5, rate), tr.absent(1))
    assert [s.type for s in strokes] == ["thumb_circles"]
    assert strokes[0].start_s == pytest.approx(1.5, abs=0.1)


def test_a_hand_leaving_the_toes_is_not_toe_work() -> None:
    # Resting on the toes a moment (too short for a press), then off to the arch, where it rests again.
    strokes = offline(
        tr.absent(0.5),
        tr.press(0.9, spot=(0.95, 0.5)),
        tr.move(0.6, (0.95, 0.5), (0.45, 0.3)),
        tr.press(0.9, spot=(0.45, 0.3)),
        tr.absent(0.5),
    )
    assert strokes == []


def test_a_hand_going_round_is_not_kneading() -> None:
    # Loops a little wider across the foot than along it: round, so circles, not a knead's rocking.
    strokes = offline(tr.absent(1), tr.loops(5, 1.2), tr.absent(1))
    assert [s.type for s in strokes] == ["thumb_circles"]


def test_the_rate_of_a_stroke_that_begins_with_a_move() -> None:
    # 0.6 s moving 0.25 FL into place, then 1.7 Hz toe pulls: the move must not pass for the rhythm.
    t = np.arange(0, 3.6, 1 / tr.FPS)
    a = np.where(t < 0.6, 0.25 * t / 0.6, 0.25) + 0.02 * np.sin(2 * math.pi * 1.7 * t)
    pts = np.stack([a, 0.02 * np.sin(2 * math.pi * 0.2 * t)], axis=1)
    assert stroke_rate(t, pts, 3.2) == pytest.approx(1.7, rel=0.1)


def test_press_and_its_hold() -> None:
    strokes = offline(tr.absent(1), tr.press(4, spot=(0.68, 0.5)), tr.absent(1))
    assert [s.type for s in strokes] == ["press"]
    assert strokes[0].hold_s == pytest.approx(4.0, abs=0.4) and strokes[0].zone == "ball"


def test_a_press_survives_the_thumb_tip_misplaced_for_a_few_frames() -> None:
    part = tr.press(4, spot=(0.4, 0.3))
    part[45:50, 0] += np.array([-0.15, 0.08])  # the tracker puts the thumb tip elsewhere for 0.17 s
    strokes = offline(tr.absent(1), part, tr.absent(1))
    assert [s.type for s in strokes] == ["press"]
    assert strokes[0].hold_s == pytest.approx(4.0, abs=0.4)


def test_a_press_whose_thumb_then_creeps_away_is_still_a_press() -> None:
    # 1.5 s at one spot, then the tracked thumb creeps off at 0.06 FL/s: too slowly for the
    # half-second stillness test, too far in all for one press; the held part is the press.
    creep = tr.slide(1.0, start=(0.5, 0.3), end=(0.56, 0.3))
    strokes = offline(tr.absent(1), tr.press(1.5, spot=(0.5, 0.3)), creep, tr.absent(1))
    assert [s.type for s in strokes] == ["press"]
    assert strokes[0].start_s == pytest.approx(1.0, abs=0.3) and strokes[0].hold_s >= 1.2


@pytest.mark.parametrize("seed", range(6))
def test_a_press_whose_tracked_thumb_tip_jumps_along_the_thumb_is_a_press(seed: int) -> None:
    # As measured on a rendered press held 4 s with the thumb flexed into the ball (development
    # session 3047): the tracked tip jumped back and forth along the thumb, 0.03 FL standard
    # deviation with a frame-to-frame correlation of 0.4, while the palm held to 0.004 FL.
    part = tr.press(4, spot=(0.66, 0.45))
    part[:, 0] += tr.along_jitter(len(part), seed=seed)
    strokes = offline(tr.absent(1), part, tr.absent(1))
    assert [s.type for s in strokes] == ["press"]
    assert strokes[0].hold_s == pytest.approx(4.0, abs=0.5)
    engine = StrokeEngine()
    named = [engine.update(c).type for c in tr.contacts(tr.absent(1), part)]
    assert named[-1] == "press"


def _hold_between_moves(hold_s: float) -> tuple[np.ndarray, ...]:
    """The hand eases 0.3 FL into a spot over 0.6 s, holds it ``hold_s``, and eases on 0.3 FL."""
    spot = (0.5, 0.3)
    into, away = tr.move(0.6, (0.2, 0.3), spot), tr.move(0.6, spot, (0.5, 0.6))
    return tr.absent(0.5), into, tr.press(hold_s, spot), away, tr.absent(0.5)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("hold", [1.1, 1.3, 2.0])
def test_a_press_lasts_from_the_thumb_settling_to_it_leaving(hold: float, seed: int) -> None:
    # The stillness test looks at the half second round each moment, so on its own it
    # misses a hold's first and last quarter second, and a hold of 1.1 s comes out short
    # of the spec's second.
    strokes = offline(*_hold_between_moves(hold), seed=seed)
    assert [s.type for s in strokes] == ["press"]
    assert strokes[0].start_s == pytest.approx(1.1, abs=0.1)
    assert strokes[0].end_s == pytest.approx(1.1 + hold, abs=0.1)


@pytest.mark.parametrize("seed", range(3))
def test_a_hold_shorter_than_a_second_between_moves_is_no_press(seed: int) -> None:
    assert offline(*_hold_between_moves(0.85), seed=seed) == []


def test_presses_grown_to_their_settled_frames_do_not_overlap() -> None:
    # Holds at one spot, the thumb wobbling off by 0.004-0.05 FL and back between them
    # (a case found by drawing such sequences at random): a press grown over the frames
    # where the thumb was back at its spot reached into the next still stretch, and both
    # were kept, one ending inside the other.
    spot = np.array([0.5, 0.3])
    parts = [tr.absent(0.3)]
    for hold, off, out_s, back_s in [
        (0.7270, (0.012009, -0.00055), 0.3590, 0.2652),
        (1.1777, (-0.031313, 0.035932), 0.3037, 0.1062),
        (0.8975, (-0.026751, -0.015157), 0.2572, 0.1629),
        (0.8019, (-0.004153, -0.000222), 0.1004, 0.2639),
    ]:
        away = tuple(spot + np.array(off))
        parts += [
            tr.press(hold, tuple(spot)),
            tr.move(out_s, tuple(spot), away),
            tr.move(back_s, away, tuple(spot)),
        ]
    track = ContactTrack.from_contacts(tr.contacts(*parts, tr.absent(0.3), seed=60))
    on = np.flatnonzero(track.present)
    presses = find_presses(track.slice(int(on[0]), int(on[-1]) + 1), StrokeConfig())
    assert presses
    assert all(b[0] >= a[1] for a, b in itertools.pairwise(presses))


@pytest.mark.parametrize("rate", [0.8, 1.2])
def test_a_knead_whose_thumb_stays_still_is_no_press(rate: float) -> None:
    # The thumb is the pivot and holds its spot; the palm rocks across the foot.
    strokes = offline(tr.absent(1), tr.knead_on_still_thumb(5, rate), tr.absent(1))
    assert [s.type for s in strokes] == ["knead"]
    assert strokes[0].rate_hz == pytest.approx(rate, rel=0.1)


def test_a_press_begins_when_the_hand_has_settled() -> None:
    # The thumb lands first and holds; the palm takes a second more to settle: the press starts then.
    t = np.arange(0, 1.0, 1 / tr.FPS)[:, None]
    arriving = tr.press(1.0, spot=(0.5, 0.3))
    arriving[:, 1:] += np.array([0.0, -0.2]) * (1 - t)[:, None]  # fingers and palm come down across the foot
    strokes = offline(tr.absent(1), arriving, tr.press(3, spot=(0.5, 0.3)), tr.absent(1))
    assert [s.type for s in strokes] == ["press"]
    assert strokes[0].start_s == pytest.approx(2.0, abs=0.3)


def test_toe_work_begins_with_the_first_pull_not_when_the_thumb_lands_on_the_toes() -> None:
    # The thumb lands on the toes and slides across them to the first toe for a second, then pulls.
    strokes = offline(tr.absent(1), tr.slide(1.0, start=(0.84, 0.75), end=(0.84, 0.45)), tr.toe_work(5, 1.0),
                      tr.absent(1))  # fmt: skip
    assert [s.type for s in strokes] == ["toe_work"]
    assert strokes[0].start_s == pytest.approx(2.0, abs=0.3)


def test_a_knead_ending_in_a_quick_move_away_is_kept_whole() -> None:
    # 3.5 s of kneading, then the hand moves 0.3 FL across the foot in 0.2 s and rests a moment
    # before it lifts: the windows around the move still see the knead, so the segment's end
    # holds the move's far-off frames, which must not make the whole knead look like a resting hand.
    k = tr.knead(3.5, 0.8)
    end = tuple(k[-1, 0])
    away = (end[0] - 0.1, end[1] + 0.3)
    strokes = offline(tr.absent(1), k, tr.move(0.2, end, away), tr.press(0.3, away), tr.absent(1))
    assert [s.type for s in strokes] == ["knead"]
    assert strokes[0].start_s == pytest.approx(1.0, abs=0.3)
    assert strokes[0].end_s == pytest.approx(4.5, abs=0.3)


def test_toe_work_from_the_first_toe_to_the_last() -> None:
    # Pulls at 2 Hz, one per toe, stepping across the foot from the big toe to the little one
    # (0.6 FL): the first and last toes lie further from the middle toe than the toes in between.
    strokes = offline(tr.absent(1), tr.move(0.6, (0.6, 0.3), (0.86, 0.2)), tr.toe_steps(2.0),
                      tr.move(0.6, (0.86, 0.8), (0.6, 0.5)), tr.absent(1))  # fmt: skip
    assert [s.type for s in strokes] == ["toe_work"]
    assert strokes[0].start_s == pytest.approx(1.6, abs=0.3)
    assert strokes[0].end_s == pytest.approx(4.1, abs=0.3)


@pytest.mark.parametrize("rate", [0.6, 1.0, 1.8])
def test_knead_across_the_foot(rate: float) -> None:
    strokes = offline(tr.absent(1), tr.knead(6, rate), tr.absent(1))
    assert [s.type for s in strokes] == ["knead"]
    assert strokes[0].rate_hz == pytest.approx(rate, rel=0.1)


def test_toe_work() -> None:
    strokes = offline(tr.absent(1), tr.toe_work(5, 1.0), tr.absent(1))
    assert [s.type for s in strokes] == ["toe_work"] and strokes[0].zone == "toes"


def test_a_routine_in_sequence() -> None:
    strokes = offline(
        tr.glide(0.2), tr.absent(0.7), tr.circles(5, 1.0), tr.absent(0.7), tr.press(3), tr.absent(0.7),
        tr.knead(5, 0.8), tr.absent(0.7), tr.toe_work(4, 1.2),
    )  # fmt: skip
    assert [s.type for s in strokes] == ["glide", "thumb_circles", "press", "knead", "toe_work"]


def test_hands_off_the_foot_is_no_stroke() -> None:
    assert offline(tr.absent(5)) == []


def test_live_engine_names_a_cyclic_stroke_within_a_second() -> None:
    engine = StrokeEngine()
    named_at = None
    for c in tr.contacts(tr.absent(1), tr.circles(5, 1.0)):
        state = engine.update(c)
        if named_at is None and state.type == "thumb_circles":
            named_at = c.t_ms / 1000
    assert named_at is not None and named_at - 1.0 <= 1.0
    strokes = engine.finish()
    assert [s.type for s in strokes] == ["thumb_circles"]


@pytest.mark.parametrize("slip_s", [0.2, 0.4])
def test_live_engine_bridges_a_slip_to_the_other_hand(slip_s: float) -> None:
    engine = StrokeEngine()
    for c in tr.contacts(tr.absent(1), tr.slip(tr.circles(6, 1.0), 2.5, slip_s), tr.absent(1)):
        engine.update(c)
    strokes = engine.finish()
    assert [s.type for s in strokes] == ["thumb_circles"]
    assert strokes[0].rate_hz == pytest.approx(1.0, rel=0.1)


def test_live_engine_sees_a_rushed_glide_quickly() -> None:
    engine = StrokeEngine()
    seen = None
    for c in tr.contacts(tr.absent(0.5), tr.glide(0.8)):
        state = engine.update(c)
        if seen is None and state.type == "glide":
            seen = (c.t_ms / 1000, state.speed_fl_s)
    assert seen is not None and seen[0] - 0.5 <= 1.0
    assert seen[1] > 0.4  # already judged too fast


def test_config_is_checked() -> None:
    with pytest.raises(ValueError):
        StrokeConfig(press_drift_fl=0)
    with pytest.raises(ValueError):
        StrokeConfig(live_window_s=3.0, window_s=2.0)
