"""The One Euro filter, vectorised, for smoothing landmark tracks.

Casiez, Roussel and Vogel, "1 Euro Filter: A Simple Speed-based Low-pass
Filter for Noisy Input in Interactive Systems", CHI 2012. A low-pass filter
whose cut-off rises with speed: still hands are steadied, fast strokes are not
lagged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OneEuroConfig:
    """Parameters of the One Euro filter.

    Attributes:
        min_cutoff_hz: cut-off frequency at rest; lower is smoother and laggier.
        beta: how fast the cut-off rises with speed, per (unit of ``scale``) per second.
        d_cutoff_hz: cut-off of the speed estimate itself.
    """

    min_cutoff_hz: float = 1.5
    beta: float = 0.5
    d_cutoff_hz: float = 1.0

    def __post_init__(self) -> None:
        if self.min_cutoff_hz <= 0 or self.d_cutoff_hz <= 0:
            raise ValueError("One Euro cut-off frequencies must be positive")
        if self.beta < 0:
            raise ValueError("One Euro beta must be >= 0")


def _alpha(cutoff_hz: np.ndarray | float, dt_s: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """Filters an array signal of fixed shape, sample by sample.

    Args:
        config: filter parameters.
    """

    def __init__(self, config: OneEuroConfig) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t_s: float | None = None

    def update(self, x: np.ndarray, t_s: float, scale: float = 1.0) -> np.ndarray:
        """Adds a sample and returns the filtered value.

        Args:
            x: the new sample, any shape (the same every call).
            t_s: its time in seconds; a sample not after the last one is returned unfiltered.
            scale: the signal's natural unit (e.g. the palm size in pixels), so
                ``beta`` means the same at any resolution.

        Returns:
            The filtered sample, same shape as ``x``, float64.
        """
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t_s is None or t_s <= self._t_s or self._x.shape != x.shape:
            self._x, self._dx, self._t_s = x.copy(), np.zeros_like(x), t_s
            return x.copy()
        dt = t_s - self._t_s
        dx = (x - self._x) / dt
        a_d = _alpha(self.config.d_cutoff_hz, dt)
        dx_hat = self._dx + a_d * (dx - self._dx)
        speed = np.abs(dx_hat) / max(scale, 1e-9)
        cutoff = self.config.min_cutoff_hz + self.config.beta * speed
        a = _alpha(cutoff, dt)
        x_hat = self._x + a * (x - self._x)
        self._x, self._dx, self._t_s = x_hat, dx_hat, t_s
        return x_hat.copy()
