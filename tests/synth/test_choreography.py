"""Choreographies: motion in foot lengths and seconds, zones, paces, and the named sessions."""

from __future__ import annotations

import numpy as np
import pytest

from coach.synth.choreography import (
    NAMED,
    Stroke,
    by_name,
    contact_weights,
    plan,
    random_choreography,
    stroke_duration,
)
from coach.synth.foot import FootLook, FootModel
from coach.vocabulary import GLIDE_MIN_FL, PACE_TARGETS, PRESS_MIN_S, STROKE_TYPES, zone_of

FPS = 30.0


@pytest.fixture(scope="module")
def foot() -> FootModel:
    return FootModel.build(FootLook((110, 140, 190)), np.random.default_rng(0))


def frames_of(track, k: int) -> np.ndarray:
    return np.flatnonzero(track.stroke == k)


@pytest.mark.parametrize("speed", [0.05, 0.2, 0.8])
def test_glide_moves_at_its_speed(foot: FootModel, speed: float) -> None:
    """A glide at S FL/s covers S * t foot lengths in t seconds, in a straight line along u."""
    s = Stroke("glide", (0.1, 0.5), (0.7, 0.5), speed_fl_s=speed)
    track = plan(_one(s), foot, FPS)
    idx = frames_of(track, 0)
    path = track.contact[idx]
    t = track.t_s[idx] - track.t_s[idx[0]]
    travelled = np.linalg.norm(path - path[0], axis=1)
    np.testing.assert_allclose(travelled, speed * t, atol=1e-9)
    assert (idx[-1] - idx[0] + 1) / FPS == pytest.approx(stroke_duration(s, foot), abs=1.5 / FPS)
    assert np.all(np.diff(path[:, 0]) > 0)  # heel to toe, one way


def test_thumb_circles_size_and_rate(foot: FootModel) -> None:
    s = Stroke("thumb_circles", (0.42, 0.3), rate_hz=1.0, cycles=3, size_fl=0.1)
    track = plan(_one(s), foot, FPS)
    path = track.contact[frames_of(track, 0)]
    span = path.max(axis=0) - path.min(axis=0)
    np.testing.assert_allclose(span, [0.1, 0.1], atol=0.005)
    # Back where it started after each full cycle (every 30 frames at 1 Hz).
    np.testing.assert_allclose(path[30], path[0], atol=1e-9)
    np.testing.assert_allclose(path[60], path[0], atol=1e-9)
    assert np.linalg.norm(path[15] - path[0]) == pytest.approx(0.1, abs=1e-3)


def test_press_stays_still(foot: FootModel) -> None:
    track = plan(_one(Stroke("press", (0.68, 0.3), hold_s=3.0)), foot, FPS)
    path = track.contact[frames_of(track, 0)]
    assert np.linalg.norm(path - path[0], axis=1).max() < 0.03
    assert len(path) == pytest.approx(90, abs=1)


def test_knead_oscillates_across_the_foot(foot: FootModel) -> None:
    track = plan(_one(Stroke("knead", (0.46, 0.5), rate_hz=0.8, cycles=2, size_fl=0.12)), foot, FPS)
    path = track.contact[frames_of(track, 0)]
    assert np.ptp(path[:, 1]) == pytest.approx(0.12, abs=0.01)  # across (s)
    assert np.ptp(path[:, 0]) < 0.03  # hardly along


def test_toe_work_stays_on_the_toes(foot: FootModel) -> None:
    track = plan(_one(Stroke("toe_work", (0.86, 0.5), rate_hz=1.0, cycles=1)), foot, FPS)
    uv = foot.as_to_uv(track.contact[frames_of(track, 0)])
    assert all(zone_of(u, v) == "toes" for u, v in uv)
    assert np.ptp(uv[:, 1]) > 0.5  # it visits toes from side to side


def test_moves_and_lifts_have_no_stroke(foot: FootModel) -> None:
    c = by_name("good_session")
    track = plan(c, foot, FPS)
    assert track.stroke[0] == -1 and track.lift[0] == 1.0  # the hand comes in from off the foot
    assert track.lift[-1] > 0.9  # and leaves at the end
    assert np.all(track.lift[track.stroke >= 0] == 0.0)
    assert set(np.unique(track.stroke)) == {-1, *range(len(c.strokes))}
    # The contact point never jumps: at most a few centimetres per frame.
    assert np.abs(np.diff(track.contact, axis=0)).max() < 0.05
    np.testing.assert_allclose(track.weights.sum(axis=1), 1.0)


@pytest.mark.parametrize("name", NAMED)
def test_named_sessions_fit_a_sample_clip(foot: FootModel, name: str) -> None:
    track = plan(by_name(name), foot, FPS)
    assert 15.0 <= len(track) / FPS <= 30.0


def test_good_session_is_in_the_good_bands_and_covers_every_zone() -> None:
    c = by_name("good_session")
    assert {s.zone for s in c.strokes} == {"heel", "arch", "outer_edge", "ball", "toes"}
    for s in c.strokes:
        if s.type == "glide":
            band = PACE_TARGETS["glide"]
            assert band.low <= s.speed_fl_s <= band.high
        elif s.type in ("thumb_circles", "knead"):
            band = PACE_TARGETS[s.type]
            assert band.low <= s.rate_hz <= band.high
        elif s.type == "press":
            assert PACE_TARGETS["press"].low <= s.hold_s <= PACE_TARGETS["press"].high


def test_rushed_session_is_too_fast() -> None:
    c = by_name("rushed_session")
    glides = [s.speed_fl_s for s in c.strokes if s.type == "glide"]
    circles = [s.rate_hz for s in c.strokes if s.type == "thumb_circles"]
    presses = [s.hold_s for s in c.strokes if s.type == "press"]
    assert glides and min(glides) > PACE_TARGETS["glide"].high
    assert circles and min(circles) > PACE_TARGETS["thumb_circles"].high
    assert presses and max(presses) < PACE_TARGETS["press"].low


def test_neglects_arches_never_touches_the_arch(foot: FootModel) -> None:
    c = by_name("neglects_arches")
    track = plan(c, foot, FPS)
    on = track.stroke >= 0
    uv = foot.as_to_uv(track.contact[on])
    zones = {zone_of(u, v) for u, v in uv}
    assert "arch" not in zones
    assert {"heel", "outer_edge", "ball", "toes"} <= zones


def test_random_choreographies_are_seeded_and_varied() -> None:
    a, b, c = random_choreography(3), random_choreography(3), random_choreography(4)
    assert a == b
    assert a != c
    kinds = {s.type for seed in range(6) for s in random_choreography(seed).strokes}
    assert kinds == set(STROKE_TYPES)


def test_random_strokes_are_strokes_by_the_spec() -> None:
    # Labels name these strokes, so each must be one by the spec's definition:
    # a press holds at least 1 s, a glide travels at least 0.3 FL along u.
    strokes = [s for seed in range(3000, 3100) for s in random_choreography(seed).strokes]
    holds = [s.hold_s for s in strokes if s.type == "press"]
    glides = [abs(s.to[0] - s.at[0]) for s in strokes if s.type == "glide"]
    assert len(holds) > 50 and len(glides) > 50
    assert min(holds) >= PRESS_MIN_S
    assert min(glides) >= GLIDE_MIN_FL


def test_contact_points() -> None:
    assert contact_weights("press")[4] == 1.0  # thumb tip
    w = contact_weights("glide")
    assert w.sum() == pytest.approx(1.0) and np.count_nonzero(w) == 5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"type": "stroke", "at": (0.5, 0.5)},
        {"type": "glide", "at": (0.5, 0.5), "to": (0.6, 0.5), "speed_fl_s": 0.2},
        {"type": "glide", "at": (0.1, 0.5), "to": (0.7, 0.5), "speed_fl_s": 0.0},
        {"type": "press", "at": (0.5, 0.5)},
        {"type": "knead", "at": (0.5, 0.5), "rate_hz": 1.0},
        {"type": "thumb_circles", "at": (0.5, 0.5), "rate_hz": 1.0, "cycles": 2, "size_fl": 0.3},
        {"type": "press", "at": (1.5, 0.5), "hold_s": 2.0},
        {"type": "press", "at": (0.5, 0.5), "hold_s": 0.87},
    ],
)
def test_bad_strokes_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        Stroke(**kwargs)


def test_unknown_choreography() -> None:
    with pytest.raises(ValueError, match="unknown choreography"):
        by_name("lazy_session")


def _one(stroke: Stroke):
    from coach.synth.choreography import Choreography

    return Choreography("one", (stroke,))
