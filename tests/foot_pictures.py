"""Drawn feet and hands for the foot-stage tests: a foot-shaped sole with five toes on a textured backdrop."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import cv2
import numpy as np

from coach.hands import Hands
from coach.landmarks import NUM_LANDMARKS, HandLandmark

L = HandLandmark

# Medial and lateral edges of the sole as (a, s) in foot lengths, heel at a=0;
# s grows towards the lateral side and the long axis runs from the back of the
# heel to between the first two toes (as in coach.synth). Toes: (s of the
# middle, a of the tip, radius), big toe first.
MEDIAL = (
    (0.0, -0.01),
    (0.04, -0.08),
    (0.15, -0.115),
    (0.35, -0.09),
    (0.55, -0.10),
    (0.72, -0.125),
    (0.82, -0.09),
)
LATERAL = ((0.0, 0.01), (0.04, 0.08), (0.15, 0.12), (0.35, 0.15), (0.55, 0.21), (0.70, 0.26), (0.78, 0.24))
_TOES = (
    (-0.045, 1.0, 0.06),
    (0.06, 0.96, 0.037),
    (0.13, 0.92, 0.034),
    (0.19, 0.88, 0.032),
    (0.245, 0.83, 0.03),
)


def foot_frame_outline() -> np.ndarray:
    """(k, 2) the drawn sole without toes, in the foot frame (a, s), FL."""
    a = np.linspace(0.0, 0.82, 40)
    med = np.interp(a, *np.array(MEDIAL).T)
    lat = np.interp(a, *np.array(LATERAL).T)
    return np.vstack([np.stack([a, med], 1), np.stack([a, lat], 1)[::-1]])


def to_px(a_s: np.ndarray, heel: np.ndarray, toe: np.ndarray, lateral_sign: int) -> np.ndarray:
    """Foot frame (n, 2) in FL to pixels, for a foot lying from ``heel`` to ``toe``."""
    fl = float(np.hypot(*(toe - heel)))
    ax = (toe - heel) / fl
    lat = lateral_sign * np.array([-ax[1], ax[0]])
    a_s = np.asarray(a_s, np.float64).reshape(-1, 2)
    return heel + fl * (a_s[:, :1] * ax + a_s[:, 1:] * lat)


def pixel_frame(
    size: tuple[int, int], heel: np.ndarray, toe: np.ndarray, lateral_sign: int
) -> tuple[np.ndarray, np.ndarray]:
    """(h, w) ``a`` and ``s`` of every pixel in the foot frame, FL (the inverse of :func:`to_px`)."""
    fl = float(np.hypot(*(toe - heel)))
    ax = (toe - heel) / fl
    ys, xs = np.mgrid[0 : size[1], 0 : size[0]]
    a = ((xs - heel[0]) * ax[0] + (ys - heel[1]) * ax[1]) / fl
    s = lateral_sign * ((ys - heel[1]) * ax[0] - (xs - heel[0]) * ax[1]) / fl
    return a, s


@dataclass(frozen=True)
class DrawnSole:
    """A sole drawn on the backdrop, its mask, and the foot frame of every pixel.

    Attributes:
        picture: (h, w, 3) uint8.
        mask: (h, w) bool, the pixels that differ from the backdrop.
        heel, toe: (2,) px.
        fl: the foot's length, px.
        a, s: (h, w) every pixel in the foot frame, FL (:func:`pixel_frame`).
    """

    picture: np.ndarray
    mask: np.ndarray
    heel: np.ndarray
    toe: np.ndarray
    fl: float
    a: np.ndarray
    s: np.ndarray


def drawn_sole(
    angle_deg: float, lateral_sign: int, size: tuple[int, int] = (480, 360), length_scale: float = 1.0
) -> DrawnSole:
    """A sole 0.7 of the picture long, in the middle, turned by ``angle_deg``.

    ``length_scale`` squeezes (below 1) or stretches the picture along the
    foot's axis, its width kept: the drawn sole is 2.59 ball widths long.
    """
    heel, toe = placement(size, angle_deg, 0.7, 0.0, 0.0)
    picture = draw_foot(size, heel, toe, lateral_sign)
    floor = backdrop(size)
    if length_scale != 1.0:
        axis = (toe - heel) / float(np.hypot(*(toe - heel)))
        squeeze = np.eye(2) + (length_scale - 1.0) * np.outer(axis, axis)
        centre = (heel + toe) / 2
        m = np.hstack([squeeze, (centre - squeeze @ centre)[:, None]]).astype(np.float32)
        picture = cv2.warpAffine(picture, m, size, borderMode=cv2.BORDER_REFLECT)
        floor = cv2.warpAffine(floor, m, size, borderMode=cv2.BORDER_REFLECT)
        heel, toe = squeeze @ (heel - centre) + centre, squeeze @ (toe - centre) + centre
    mask = np.abs(picture.astype(np.int32) - floor.astype(np.int32)).sum(axis=2) > 40
    a, s = pixel_frame(size, heel, toe, lateral_sign)
    return DrawnSole(picture, mask, heel, toe, float(np.hypot(*(toe - heel))), a, s)


def backdrop(size: tuple[int, int], seed: int = 0) -> np.ndarray:
    """A woven, blotchy blue-green cloth, nothing like skin."""
    w, h = size
    rng = np.random.default_rng(seed)
    blotch = cv2.resize(rng.normal(0, 1, (h // 16 + 2, w // 16 + 2)).astype(np.float32), (w, h))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    weave = 0.06 * np.sin(xx * 1.3) * np.sin(yy * 1.3)
    grain = rng.normal(0, 0.03, (h, w)).astype(np.float32)
    base = np.array([150, 120, 60], np.float32)
    img = base * (1 + 0.12 * blotch + weave + grain)[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def draw_foot(
    size: tuple[int, int], heel: np.ndarray, toe: np.ndarray, lateral_sign: int, seed: int = 0
) -> np.ndarray:
    """A bare sole, toes included, over :func:`backdrop`.

    Args:
        size: (width, height).
        heel: (2,) px back of the heel.
        toe: (2,) px tip of the big toe.
        lateral_sign: +1 when the little toe is 90 degrees clockwise of heel-to-toe.
        seed: texture seed.

    Returns:
        (h, w, 3) uint8 BGR.
    """
    heel, toe = np.asarray(heel, np.float64), np.asarray(toe, np.float64)
    img = backdrop(size, seed).astype(np.float32)
    w, h = size
    mask = np.zeros((h, w), np.uint8)
    fl = float(np.hypot(*(toe - heel)))
    poly = to_px(foot_frame_outline(), heel, toe, lateral_sign)
    cv2.fillPoly(mask, [np.round(poly * 4).astype(np.int32)], 255, cv2.LINE_AA, shift=2)
    for s, tip, r in _TOES:
        c = to_px(np.array([[tip - r, s]]), heel, toe, lateral_sign)[0]
        root = to_px(np.array([[0.76, s - 0.01]]), heel, toe, lateral_sign)[0]
        cv2.line(mask, pixel(root), pixel(c), 255, max(1, round(2 * r * fl)), cv2.LINE_AA)
        cv2.circle(mask, pixel(c), max(1, round(r * fl)), 255, -1, cv2.LINE_AA)
    # Toe gaps: a thin dark line between neighbouring toes keeps them apart.
    for (s0, t0, r0), (s1, t1, r1) in itertools.pairwise(_TOES):
        gap_s = (s0 + r0 + s1 - r1) / 2
        p0 = to_px(np.array([[0.80, gap_s]]), heel, toe, lateral_sign)[0]
        p1 = to_px(np.array([[min(t0, t1), gap_s]]), heel, toe, lateral_sign)[0]
        cv2.line(mask, pixel(p0), pixel(p1), 0, max(1, round(0.008 * fl)), cv2.LINE_AA)
    alpha = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (3, 3), 0)
    shade = cv2.GaussianBlur(alpha, (0, 0), max(1.0, 0.04 * fl))
    skin = np.array([150, 170, 215], np.float32) * (0.75 + 0.3 * shade)[..., None]
    rng = np.random.default_rng(seed + 1)
    skin += rng.normal(0, 3, skin.shape).astype(np.float32)
    img = img * (1 - alpha[..., None]) + skin * alpha[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def pixel(p: np.ndarray) -> tuple[int, int]:
    """A point rounded to the pixel that OpenCV's drawing functions take."""
    return round(float(p[0])), round(float(p[1]))


def placement(size: tuple[int, int], angle_deg: float, length_frac: float, dx: float, dy: float):
    """Heel and toe for a foot turned ``angle_deg`` (0 = toes up), ``length_frac`` of the height long."""
    w, h = size
    fl = length_frac * h
    ax = np.array([math.sin(math.radians(angle_deg)), -math.cos(math.radians(angle_deg))])
    centre = np.array([w / 2 + dx * w, h / 2 + dy * h])
    return centre - ax * fl / 2, centre + ax * fl / 2


def hand_on(wrist: np.ndarray, direction: np.ndarray, palm_px: float, spread: float = 1.0) -> np.ndarray:
    """(21, 2) a flat open hand: wrist at ``wrist``, fingers along ``direction``, ``spread`` apart."""
    d = np.asarray(direction, np.float64) / np.linalg.norm(direction)
    n = np.array([-d[1], d[0]])
    xy = np.zeros((NUM_LANDMARKS, 2))
    xy[L.WRIST] = wrist
    across = {"thumb": -0.55, "index": -0.3, "middle": -0.05, "ring": 0.18, "pinky": 0.38}
    chains = {
        "thumb": (L.THUMB_CMC, L.THUMB_MCP, L.THUMB_IP, L.THUMB_TIP),
        "index": (L.INDEX_MCP, L.INDEX_PIP, L.INDEX_DIP, L.INDEX_TIP),
        "middle": (L.MIDDLE_MCP, L.MIDDLE_PIP, L.MIDDLE_DIP, L.MIDDLE_TIP),
        "ring": (L.RING_MCP, L.RING_PIP, L.RING_DIP, L.RING_TIP),
        "pinky": (L.PINKY_MCP, L.PINKY_PIP, L.PINKY_DIP, L.PINKY_TIP),
    }
    for name, chain in chains.items():
        start = 0.25 if name == "thumb" else 1.0
        for k, lm in enumerate(chain):
            along = start + 0.3 * k
            xy[lm] = wrist + palm_px * (along * d + spread * across[name] * (1 + 0.3 * k) * n)
    return xy


def make_hands(xys: list[np.ndarray], size: tuple[int, int]) -> Hands:
    n = len(xys)
    return Hands(
        xy=np.array(xys, np.float32).reshape(n, NUM_LANDMARKS, 2),
        depth=np.zeros((n, NUM_LANDMARKS), np.float32),
        world=np.zeros((n, NUM_LANDMARKS, 3), np.float32),
        handedness=("Right",) * n,
        scores=np.ones(n, np.float32),
        ids=np.arange(n, dtype=np.int32),
        image_size=size,
    )


SIZE = (320, 240)
