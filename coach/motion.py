"""Transparent features of a contact track in foot coordinates (pure numpy).

Every function takes times in seconds and points in foot lengths (``u``, ``v``),
so the numbers mean the same for any camera, resolution and foot size. These
are the measurements the stroke rules read: how far and how straight the
contact travelled, how round its path is and which way it turns, how often it
repeats, and how still it stays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Frequencies a hand stroke can repeat at, Hz. Below 0.25 Hz a "cycle" is a new stroke.
MIN_RATE_HZ = 0.25
MAX_RATE_HZ = 4.0


@dataclass(frozen=True)
class Oscillation:
    """The dominant repetition in a track.

    Attributes:
        rate_hz: repetitions per second (0 when nothing repeats).
        circularity: -1..1; +1 a circle turning one way (u towards v), -1 the
            other way, 0 a straight back-and-forth.
        strength: share of the track's (detrended) energy at that rate, 0-1.
        amplitude_fl: peak-to-peak size of the repeated movement, foot lengths.
    """

    rate_hz: float
    circularity: float
    strength: float
    amplitude_fl: float

    @classmethod
    def none(cls) -> Oscillation:
        return cls(0.0, 0.0, 0.0, 0.0)


def detrend(t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Removes the best straight-line drift from each column of ``x``.

    Args:
        t: (n,) seconds.
        x: (n, k) values.
    """
    if len(t) < 2:
        return x - x.mean(axis=0)
    a = np.stack([t - t.mean(), np.ones_like(t)], axis=1)
    coef, *_ = np.linalg.lstsq(a, x, rcond=None)
    return x - a @ coef


def resample(t: np.ndarray, x: np.ndarray, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Linear resampling onto a regular grid (frames may be dropped or uneven).

    Args:
        t: (n,) increasing seconds.
        x: (n, k) values.
        rate_hz: grid rate.

    Returns:
        (m,) grid times and (m, k) values.
    """
    grid = np.arange(t[0], t[-1] + 1e-9, 1.0 / rate_hz)
    return grid, np.stack([np.interp(grid, t, x[:, j]) for j in range(x.shape[1])], axis=1)


def oscillation(t: np.ndarray, uv: np.ndarray, grid_hz: float = 30.0) -> Oscillation:
    """The dominant repetition of a 2-D track, from the spectrum of ``u + i v``.

    A circle is a single spectral line at +f or -f of the complex signal; a
    straight back-and-forth puts equal energy at +f and -f. So the same
    spectrum gives the rate, the roundness and the turning direction.

    Args:
        t: (n,) seconds, increasing.
        uv: (n, 2) foot coordinates.
        grid_hz: resampling rate.

    Returns:
        The oscillation; :meth:`Oscillation.none` when the track is too short
        (under one cycle of the slowest rate) or does not move.
    """
    if len(t) < 8 or t[-1] - t[0] < 1.0 / MAX_RATE_HZ * 2:
        return Oscillation.none()
    grid, x = resample(t, uv, grid_hz)
    x = detrend(grid, x)
    z = x[:, 0] + 1j * x[:, 1]
    n = len(z)
    energy = float(np.sum(np.abs(z) ** 2))
    if energy <= 1e-12 * n:
        return Oscillation.none()
    window = np.hanning(n)
    pad = 1 << max(10, math.ceil(math.log2(n * 8)))
    spectrum = np.abs(np.fft.fft(z * window, pad)) ** 2
    freqs = np.fft.fftfreq(pad, 1.0 / grid_hz)
    band = (np.abs(freqs) >= max(MIN_RATE_HZ, 1.0 / (grid[-1] - grid[0] + 1e-9))) & (
        np.abs(freqs) <= MAX_RATE_HZ
    )
    if not band.any():
        return Oscillation.none()
    # Fold +f and -f together to find the rate, then compare the two sides.
    pos = np.flatnonzero(band & (freqs > 0))
    neg_index = (-np.arange(pad)) % pad  # index of -f for every f
    folded = spectrum[pos] + spectrum[neg_index[pos]]
    k = int(np.argmax(folded))
    rate = parabolic_peak(freqs[pos], folded, k)
    plus, minus = spectrum[pos[k]], spectrum[neg_index[pos[k]]]
    circularity = float((plus - minus) / max(plus + minus, 1e-30))
    # Share of all energy inside the peak's main lobe (a Hann window's lobe is
    # two unpadded bins either side), counting both +f and -f.
    lobe = 2.0 * grid_hz / n
    near = np.abs(np.abs(freqs) - rate) <= lobe
    strength = float(spectrum[near].sum() / max(float(spectrum.sum()), 1e-30))
    amplitude = float(2.0 * np.sqrt(2.0 * np.mean(np.abs(z) ** 2)))
    return Oscillation(rate, circularity, strength, amplitude)


def parabolic_peak(xs: np.ndarray, values: np.ndarray, k: int) -> float:
    """Where the peak of ``values`` at sample ``k`` lies between the samples ``xs`` (evenly spaced).

    The vertex of the parabola through the peak and its two neighbours; the
    sample itself at either end, or where the three do not bend down.
    """
    if 0 < k < len(values) - 1:
        a, b, c = values[k - 1], values[k], values[k + 1]
        denom = a - 2 * b + c
        if denom < 0:
            offset = 0.5 * (a - c) / denom
            return float(xs[k] + offset * (xs[k + 1] - xs[k]))
    return float(xs[k])


def path_length(uv: np.ndarray) -> float:
    """Total distance travelled, foot lengths."""
    if len(uv) < 2:
        return 0.0
    return float(np.linalg.norm(np.diff(uv, axis=0), axis=1).sum())


def max_drift(uv: np.ndarray) -> float:
    """Largest distance of any point from the track's median, foot lengths."""
    if len(uv) == 0:
        return 0.0
    return float(np.linalg.norm(uv - np.median(uv, axis=0), axis=1).max())


def smooth(t: np.ndarray, x: np.ndarray, seconds: float) -> np.ndarray:
    """Centred moving average over ``seconds`` (by sample count at the median frame rate)."""
    if len(t) < 3 or seconds <= 0:
        return x.copy()
    dt = float(np.median(np.diff(t)))
    k = max(1, round(seconds / max(dt, 1e-6)))
    if k <= 1:
        return x.copy()
    kernel = np.ones(k) / k
    pad = k // 2
    padded = np.pad(x, ((pad, k - 1 - pad), (0, 0)), mode="edge")
    return np.stack([np.convolve(padded[:, j], kernel, mode="valid") for j in range(x.shape[1])], axis=1)


def running_median(t: np.ndarray, x: np.ndarray, seconds: float) -> np.ndarray:
    """Centred running median over ``seconds`` (by time), per column; (n, d) in, (n, d) out.

    Unlike a moving average it ignores a point that jumps back and forth about
    where it is, and it follows a point moving one way (away from the track's
    ends, where the window is cut short). Over a whole back-and-forth or a whole
    turn it gives the middle: quick circles look still.
    """
    if len(t) < 3 or seconds <= 0:
        return x.copy()
    lo = np.searchsorted(t, t - seconds / 2)
    hi = np.searchsorted(t, t + seconds / 2, side="right")
    return np.array([np.median(x[a:b], axis=0) for a, b in zip(lo, hi, strict=True)])
