"""Analytic contact tracks for stroke tests: each stroke drawn from its definition in the spec."""

from __future__ import annotations

import math

import numpy as np

from coach.contact import Contact

FPS = 30.0
# Offsets of the fingers and palm from the thumb tip, in foot lengths (a hand lying along the foot).
FINGER_OFFSET = np.array([0.06, 0.12])
PALM_OFFSET = np.array([-0.05, 0.10])


def _hand(thumb: np.ndarray, move_hand: float = 1.0) -> np.ndarray:
    """(n, 3, 2): thumb, fingers and palm; the hand follows the thumb by ``move_hand``."""
    base = thumb[:1] + (thumb - thumb[:1]) * move_hand
    return np.stack([thumb, base + FINGER_OFFSET, base + PALM_OFFSET], axis=1)


def circles(seconds: float, rate_hz: float, centre=(0.45, 0.3), diameter=0.1) -> np.ndarray:
    t = np.arange(0, seconds, 1 / FPS)
    r = diameter / 2
    thumb = np.stack([centre[0] + r * np.cos(2 * math.pi * rate_hz * t),
                      centre[1] + r * np.sin(2 * math.pi * rate_hz * t)], axis=1)  # fmt: skip
    return _hand(thumb, move_hand=0.3)


def press(seconds: float, spot=(0.5, 0.3)) -> np.ndarray:
    n = int(seconds * FPS)
    return _hand(np.tile(np.array(spot, float), (n, 1)))


def glide(speed_fl_s: float, u0=0.1, u1=0.8, v=0.4) -> np.ndarray:
    seconds = abs(u1 - u0) / speed_fl_s
    t = np.arange(0, seconds, 1 / FPS)
    u = u0 + (u1 - u0) * t / seconds
    return _hand(np.stack([u, np.full_like(u, v)], axis=1))


def knead(seconds: float, rate_hz: float, u=0.45, amplitude=0.12) -> np.ndarray:
    t = np.arange(0, seconds, 1 / FPS)
    v = 0.45 + amplitude / 2 * np.sin(2 * math.pi * rate_hz * t)
    return _hand(np.stack([np.full_like(v, u), v], axis=1))


def toe_work(seconds: float, rate_hz: float) -> np.ndarray:
    t = np.arange(0, seconds, 1 / FPS)
    v = 0.45 + 0.15 * np.sin(2 * math.pi * rate_hz * t)
    u = 0.84 + 0.02 * np.sin(4 * math.pi * rate_hz * t)
    return _hand(np.stack([u, v], axis=1))


def absent(seconds: float) -> np.ndarray:
    return np.full((int(seconds * FPS), 3, 2), np.nan)


def contacts(*parts: np.ndarray, noise_fl: float = 0.004, seed: int = 0) -> list[Contact]:
    """Concatenates stroke parts into one contact per frame, with tracker-like noise."""
    rng = np.random.default_rng(seed)
    uv = np.concatenate(parts)
    out = []
    for i, p in enumerate(uv):
        present = not np.isnan(p).any()
        jitter = rng.normal(0, noise_fl, size=(3, 2)) if present else 0.0
        # The tests' foot is one foot length wide, so (u, v) and (a, s) coincide.
        q = p + jitter
        out.append(Contact(round(i * 1000 / FPS), present, q, q, 0 if present else -1))
    return out


def move(seconds: float, start=(0.3, 0.4), end=(0.8, 0.4)) -> np.ndarray:
    """A hand repositioning: it speeds up and slows down like any reaching movement (smoothstep)."""
    t = np.arange(0, seconds, 1 / FPS) / seconds
    f = (t * t * (3 - 2 * t))[:, None]
    return _hand(np.asarray(start) + f * (np.asarray(end) - np.asarray(start)))


def loops(seconds: float, rate_hz: float, centre=(0.45, 0.45), along=0.035, across=0.06) -> np.ndarray:
    """The whole hand going round in loops a little wider across the foot than along it."""
    t = np.arange(0, seconds, 1 / FPS)
    ph = 2 * math.pi * rate_hz * t
    return _hand(np.stack([centre[0] + along * np.cos(ph), centre[1] + across * np.sin(ph)], axis=1))


def slip(part: np.ndarray, start_s: float, seconds: float, offset=(-0.35, 0.25)) -> np.ndarray:
    """``part`` with every point leaping ``offset`` away for ``seconds`` (the tracker took another hand)."""
    out = part.copy()
    i = int(start_s * FPS)
    out[i : i + int(seconds * FPS)] += np.asarray(offset)
    return out


def knead_on_still_thumb(seconds: float, rate_hz: float, spot=(0.45, 0.3), amplitude=0.08) -> np.ndarray:
    """Kneading whose thumb is the pivot: the palm and fingers rock across the foot, the thumb stays put."""
    t = np.arange(0, seconds, 1 / FPS)
    thumb = np.tile(np.asarray(spot, float), (len(t), 1))
    rock = np.stack([np.zeros_like(t), amplitude / 2 * np.sin(2 * math.pi * rate_hz * t)], axis=1)
    return np.stack([thumb, thumb + FINGER_OFFSET + rock, thumb + PALM_OFFSET + rock], axis=1)


def slide(seconds: float, start=(0.84, 0.7), end=(0.84, 0.45)) -> np.ndarray:
    """The whole hand sliding steadily from ``start`` to ``end`` (e.g. across the toes to the first one)."""
    f = (np.arange(0, seconds, 1 / FPS) / seconds)[:, None]
    return _hand(np.asarray(start) + f * (np.asarray(end) - np.asarray(start)))


def toe_steps(rate_hz: float, toes=(0.2, 0.35, 0.5, 0.65, 0.8), u=0.86, pull=0.04) -> np.ndarray:
    """Toe work stepping from toe to toe across the foot: one pull along the foot per toe.

    The thumb slides to the next toe over the first quarter of each toe's time.
    """
    per_toe = 1.0 / rate_hz
    t = np.arange(0, per_toe * len(toes), 1 / FPS)
    k = np.minimum((t // per_toe).astype(int), len(toes) - 1)
    spots = np.asarray(toes, float)
    f = np.clip((t - k * per_toe) / (0.25 * per_toe), 0.0, 1.0)
    f = f * f * (3 - 2 * f)
    v = spots[np.maximum(k - 1, 0)] * (1 - f) + spots[k] * f
    return _hand(np.stack([u + 0.5 * pull * (1 - np.cos(2 * math.pi * rate_hz * t)), v], axis=1))


def along_jitter(n: int, direction=(0.6, -0.8), std=0.03, corr=0.4, seed=0) -> np.ndarray:
    """(n, 2) offsets back and forth along one direction: a tracked point jumping about where it is.

    Each frame's offset keeps ``corr`` of the last one's (an AR(1) series) and
    the whole has standard deviation ``std``, in foot lengths.
    """
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    kick = rng.normal(0, std * math.sqrt(1 - corr**2), n)
    x[0] = rng.normal(0, std)
    for i in range(1, n):
        x[i] = corr * x[i - 1] + kick[i]
    d = np.asarray(direction, float)
    return x[:, None] * (d / np.linalg.norm(d))
