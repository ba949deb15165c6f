"""Measurements on point tracks (coach.motion): the running median the press test uses."""

from __future__ import annotations

import numpy as np

from coach.motion import max_drift, running_median, smooth


def test_running_median_holds_a_point_that_jumps_about_one_spot() -> None:
    # A point at (0.5, 0.3) that jumps 0.05 FL to one side on every third frame.
    t = np.arange(90) / 30.0
    x = np.tile([0.5, 0.3], (90, 1))
    x[::3, 0] += 0.05
    held = running_median(t, x, 0.6)
    assert max_drift(held) < 1e-9
    assert max_drift(smooth(t, x, 0.6)) > 0.005  # an average keeps a share of every jump


def test_running_median_follows_a_point_moving_one_way() -> None:
    t = np.arange(120) / 30.0
    x = np.stack([0.1 * t, np.zeros_like(t)], axis=1)  # 0.1 FL/s along the foot
    out = running_median(t, x, 0.6)
    inner = slice(15, 105)  # where the window lies wholly inside the track
    # Within half a frame's travel (a window of an even count of frames takes the middle two's mean).
    assert np.abs(out[inner] - x[inner]).max() <= 0.5 * 0.1 / 30 + 1e-9
    # At the ends the window is cut short, so the median lags towards the inside.
    assert out[0, 0] > x[0, 0] and out[-1, 0] < x[-1, 0]


def test_running_median_of_a_short_track_is_the_track() -> None:
    t = np.array([0.0, 0.033])
    x = np.array([[0.1, 0.2], [0.3, 0.4]])
    assert np.array_equal(running_median(t, x, 0.6), x)
