"""Everything around the hands and the foot: backgrounds, light, sensor noise, blur, occluders."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

BACKGROUNDS: tuple[str, ...] = ("towel", "floor", "cloth")


def background(kind: str, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A textured backdrop.

    Args:
        kind: "towel" (terry loops in one colour), "floor" (wooden boards) or
            "cloth" (a woven check).
        size: (width, height) in pixels.
        rng: randomness for colours and texture.

    Returns:
        (h, w, 3) float32 BGR, 0-255.
    """
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "towel":
        palette = (
            (200, 190, 90),
            (120, 140, 60),
            (215, 215, 215),
            (170, 120, 70),
            (150, 90, 120),
            (110, 110, 110),
        )
        base = np.array(palette[rng.integers(len(palette))], np.float32)
        loops = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 1.0)
        folds = cv2.GaussianBlur(rng.normal(0, 1, (h // 16 + 1, w // 16 + 1)).astype(np.float32), (0, 0), 1.5)
        folds = cv2.resize(folds, (w, h), interpolation=cv2.INTER_CUBIC)
        img = base * (1.0 + 0.10 * loops[..., None] + 0.3 * folds[..., None])
        stripe_y = rng.uniform(0.05, 0.95) * h
        band = (np.abs(yy - stripe_y) < h * 0.03).astype(np.float32)
        img = img * (1 - 0.25 * band[..., None])
    elif kind == "floor":
        # Grey, painted or dark-stained boards: warm orange wood is skin-coloured to the tracker.
        palette = ((95, 95, 100), (125, 110, 90), (55, 60, 68), (150, 150, 145), (110, 120, 95))
        base = np.array(palette[rng.integers(len(palette))], np.float32) * rng.uniform(0.85, 1.15)
        board = max(24, int(h / rng.uniform(5, 9)))
        idx = (yy // board).astype(np.int32)
        tint = rng.uniform(0.85, 1.15, size=idx.max() + 2).astype(np.float32)[idx]
        shift = rng.uniform(0, 100, size=idx.max() + 2).astype(np.float32)[idx]
        grain = np.sin((xx + shift * 7) * 0.02 + 3 * np.sin(yy * 0.15 + shift)) * 0.06
        noise = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 2.0) * 0.05
        seam = ((yy % board) < 2).astype(np.float32) * 0.35
        img = base * (tint * (1 + grain + noise) * (1 - seam))[..., None]
    elif kind == "cloth":
        # Cloth colours keep away from skin hues, as a real towel under a foot mostly does:
        # a hand on skin-coloured cloth is lost by the tracker, as it would be on camera.
        palette = (
            (170, 110, 60),
            (90, 140, 70),
            (160, 160, 160),
            (140, 80, 110),
            (120, 120, 40),
            (200, 200, 190),
        )
        c1 = np.array(palette[rng.integers(len(palette))], np.float32) * rng.uniform(0.8, 1.15)
        c2 = c1 * rng.uniform(0.7, 0.85)
        period = rng.uniform(30, 60)
        check = ((np.sin(xx * 2 * math.pi / period) > 0) ^ (np.sin(yy * 2 * math.pi / period) > 0)).astype(
            np.float32
        )
        check = cv2.GaussianBlur(check, (0, 0), 1.5)
        weave = 0.05 * np.sin(xx * 1.7) * np.sin(yy * 1.7)
        img = (c1 * check[..., None] + c2 * (1 - check[..., None])) * (1 + weave[..., None])
    else:
        raise ValueError(f"unknown background {kind!r}; expected one of {BACKGROUNDS}")
    return np.clip(img, 0, 255).astype(np.float32)


@dataclass(frozen=True)
class Lighting:
    """Slow light changes over a session and a fixed light direction.

    Attributes:
        direction: (dx, dy) unit vector the light comes from, in the picture.
        gain_amplitude: swing of the overall brightness, e.g. 0.15 = +-15 %.
        gain_period_s: period of that swing.
        phase: radians.
        warmth: colour cast, -1 (blue) to 1 (warm).
        vignette: darkening of the corners, 0-1.
    """

    direction: tuple[float, float] = (-0.6, -0.8)
    gain_amplitude: float = 0.1
    gain_period_s: float = 12.0
    phase: float = 0.0
    warmth: float = 0.0
    vignette: float = 0.25

    def __post_init__(self) -> None:
        if not 0.0 <= self.gain_amplitude < 0.8:
            raise ValueError("Lighting.gain_amplitude must be within 0-0.8")
        if self.gain_period_s <= 0:
            raise ValueError("Lighting.gain_period_s must be positive")
        if not -1.0 <= self.warmth <= 1.0 or not 0.0 <= self.vignette <= 1.0:
            raise ValueError("Lighting.warmth must be within -1..1 and vignette 0-1")

    def gain(self, t_s: float) -> float:
        """Overall brightness factor at ``t_s``."""
        return 1.0 + self.gain_amplitude * math.sin(2 * math.pi * t_s / self.gain_period_s + self.phase)

    def field(self, size: tuple[int, int]) -> np.ndarray:
        """(h, w, 3) float32 fixed light field: vignette, a gentle gradient and the colour cast."""
        w, h = size
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
        f = (1.0 - self.vignette * 0.5 * r2) * (
            1.0 - 0.12 * ((xx / w - 0.5) * self.direction[0] + (yy / h - 0.5) * self.direction[1])
        )
        cast = np.array([1 - 0.08 * self.warmth, 1.0, 1 + 0.08 * self.warmth], np.float32)
        return (f[..., None] * cast).astype(np.float32)


def soft_blur(a: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur of a smooth float32 map; wide ones run at a quarter of the size (same look, cheaper).

    Args:
        a: (h, w) or (h, w, c) float32.
        sigma: standard deviation in pixels of ``a``.
    """
    h, w = a.shape[:2]
    if sigma < 6.0 or min(h, w) < 16:
        return cv2.GaussianBlur(a, (0, 0), max(sigma, 0.5))
    small = cv2.resize(a, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / 4.0)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def motion_blur_kernel(velocity_px: np.ndarray, exposure: float = 0.5) -> np.ndarray | None:
    """A line kernel for an object moving ``velocity_px`` per frame, or None when it is too slow to blur.

    Args:
        velocity_px: (2,) pixels per frame.
        exposure: fraction of the frame interval the shutter is open.
    """
    v = np.asarray(velocity_px, dtype=np.float64) * exposure
    n = float(np.hypot(*v))
    if n < 1.5:
        return None
    k = math.ceil(n) | 1
    kernel = np.zeros((k, k), np.float32)
    c = k // 2
    d = v / n * (n / 2)
    cv2.line(
        kernel, (round(c - d[0]), round(c - d[1])), (round(c + d[0]), round(c + d[1])), 1.0, 1, cv2.LINE_AA
    )
    return kernel / kernel.sum()


@dataclass(frozen=True)
class Occluder:
    """Something passing between the camera and the hands for a moment (a towel corner, an arm).

    Attributes:
        start_s: when it enters.
        duration_s: how long it stays.
        start: (2,) where its centre starts, pixels.
        end: (2,) where its centre ends, pixels.
        radii: (rx, ry) half-sizes in pixels.
        colour: BGR.
    """

    start_s: float
    duration_s: float
    start: tuple[float, float]
    end: tuple[float, float]
    radii: tuple[float, float]
    colour: tuple[int, int, int]

    def __post_init__(self) -> None:
        if self.duration_s <= 0 or min(self.radii) <= 0:
            raise ValueError("Occluder.duration_s and radii must be positive")

    def active(self, t_s: float) -> bool:
        return self.start_s <= t_s < self.start_s + self.duration_s

    def mask(self, size: tuple[int, int], t_s: float) -> np.ndarray:
        """(h, w) uint8 mask of the occluder at ``t_s`` (all zero when it is not there)."""
        w, h = size
        m = np.zeros((h, w), np.uint8)
        if not self.active(t_s):
            return m
        f = (t_s - self.start_s) / self.duration_s
        c = np.array(self.start) * (1 - f) + np.array(self.end) * f
        cv2.ellipse(
            m, (round(c[0]), round(c[1])), (round(self.radii[0]), round(self.radii[1])), 30, 0, 360, 255, -1
        )
        return m


def draw_occluder(image: np.ndarray, mask: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Paints an occluder's mask in a soft-edged, shaded colour over a float32 picture, in place."""
    if not mask.any():
        return image
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), 2.0)
    shade = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), 12.0)
    col = np.array(colour, np.float32) * (0.7 + 0.4 * shade)[..., None]
    image *= (1 - soft)[..., None]
    image += col * soft[..., None]
    return image


class SensorNoise:
    """Per-frame sensor noise, cheaply: a few noise fields drawn once, shifted at random each frame.

    Args:
        size: (width, height) of the frames.
        sigma: standard deviation in grey levels.
        rng: randomness for the fields.
        bank: how many fields to draw.
    """

    def __init__(self, size: tuple[int, int], sigma: float, rng: np.random.Generator, bank: int = 4) -> None:
        if sigma < 0:
            raise ValueError("SensorNoise.sigma must be >= 0")
        w, h = size
        self.sigma = sigma
        self._bank = [
            rng.standard_normal((h, w, 3), dtype=np.float32) * np.float32(sigma)
            for _ in range(bank if sigma else 0)
        ]

    def sample(self, rng: np.random.Generator) -> np.ndarray | None:
        """One frame's noise, (h, w, 3) float32, or None without noise."""
        if not self._bank:
            return None
        field = self._bank[int(rng.integers(len(self._bank)))]
        dy, dx = int(rng.integers(field.shape[0])), int(rng.integers(field.shape[1]))
        return np.roll(field, (dy, dx), axis=(0, 1))


def finish(image: np.ndarray, light: np.ndarray, gain: float, noise: np.ndarray | None) -> np.ndarray:
    """Applies the light, sensor noise and quantisation.

    Args:
        image: (h, w, 3) float32 BGR scene.
        light: (h, w, 3) float32 light field from :meth:`Lighting.field`.
        gain: brightness factor for this frame.
        noise: (h, w, 3) float32 noise to add, or None.

    Returns:
        (h, w, 3) uint8 BGR.
    """
    out = image * (light * np.float32(gain))
    if noise is not None:
        out += noise
    out += 0.5
    return np.clip(out, 0, 255, out=out).astype(np.uint8)
