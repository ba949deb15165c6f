from __future__ import annotations

import numpy as np
import pytest

from coach.smoothing import OneEuroConfig, OneEuroFilter


def _run(signal: np.ndarray, fps: float = 30.0, config: OneEuroConfig | None = None) -> np.ndarray:
    flt = OneEuroFilter(config or OneEuroConfig())
    return np.array([flt.update(x, i / fps, scale=100.0) for i, x in enumerate(signal)])


def test_constant_signal_passes_unchanged() -> None:
    out = _run(np.full((50, 21, 2), 123.5))
    np.testing.assert_allclose(out, 123.5)


def test_noise_on_a_still_point_is_reduced() -> None:
    rng = np.random.default_rng(0)
    noisy = 200.0 + rng.normal(0.0, 3.0, size=(300, 2))
    out = _run(noisy)
    assert out[30:].std() < 0.5 * noisy[30:].std()


def test_fast_motion_is_not_lagged_much() -> None:
    # 10 palm sizes (of 100 px) per second along x.
    t = np.arange(90) / 30.0
    ramp = np.stack([1000.0 * t, np.zeros_like(t)], axis=1)
    out = _run(ramp)
    lag_px = np.abs(out[30:, 0] - ramp[30:, 0]).max()
    assert lag_px < 0.1 * 1000.0 / 30.0 * 10  # under a third of a second of travel
    assert lag_px < 100.0


def test_time_not_advancing_resets_instead_of_dividing_by_zero() -> None:
    flt = OneEuroFilter(OneEuroConfig())
    flt.update(np.array([0.0]), 1.0)
    out = flt.update(np.array([10.0]), 1.0)
    assert out[0] == 10.0


@pytest.mark.parametrize("kwargs", [{"min_cutoff_hz": 0}, {"beta": -1}, {"d_cutoff_hz": -2}])
def test_bad_config_is_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        OneEuroConfig(**kwargs)
