"""A parametric bare foot: its shape in foot coordinates and where it lies in the picture.

The foot is built in the *foot frame*: ``a`` along the heel-to-toe axis and
``s`` across it towards the lateral (little-toe) side, both in foot lengths
(FL), heel at (0, 0) and the tip of the longest toe (the big toe) at (1, 0).
The spec's foot coordinates follow from the outline: ``u = a`` and
``v = (s - medial(u)) / (lateral(u) - medial(u))``, 0 on the medial edge and 1
on the lateral edge at that ``u``. A :class:`FootPlacement` maps the frame to
pixels (a similarity, mirrored for a left foot or a sole view), so motion
planned in FL is exact in the picture at any position, rotation and scale.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from coach.synth.scene import soft_blur

VIEWS: tuple[str, ...] = ("sole", "top")
SIDES: tuple[str, ...] = ("left", "right")

# Sprite resolution and extent (foot frame): pixels per FL, a range, s range.
_PPF = 400
_A_RANGE = (-0.04, 1.03)
_S_RANGE = (-0.24, 0.42)
# Medial and lateral edges of the sole (toes apart), as (u, s) control points in FL.
_MEDIAL = (
    (0.0, -0.02),
    (0.03, -0.085),
    (0.09, -0.118),
    (0.18, -0.123),
    (0.28, -0.10),
    (0.40, -0.082),
    (0.52, -0.088),
    (0.62, -0.115),
    (0.70, -0.122),
    (0.76, -0.112),
    (0.82, -0.085),
)
_LATERAL = (
    (0.0, 0.02),
    (0.03, 0.085),
    (0.09, 0.118),
    (0.18, 0.128),
    (0.30, 0.150),
    (0.45, 0.185),
    (0.58, 0.225),
    (0.66, 0.262),
    (0.72, 0.282),
    (0.76, 0.280),
    (0.80, 0.262),
)
# Toes: (s of the toe's middle line, u of its tip, radius) in FL, big toe first.
TOES: tuple[tuple[float, float, float], ...] = (
    (-0.045, 1.0, 0.062),
    (0.060, 0.965, 0.038),
    (0.135, 0.925, 0.035),
    (0.198, 0.885, 0.033),
    (0.252, 0.835, 0.030),
)
_TOE_BASE_U = (0.78, 0.78, 0.77, 0.75, 0.72)


@dataclass(frozen=True)
class FootLook:
    """How a foot is drawn; fixed for a person.

    Attributes:
        skin: BGR skin tone of the top of the foot (the sole is paler).
        view: "sole" or "top", the side that faces the camera.
        nail_polish: BGR colour of painted toenails, or None.
    """

    skin: tuple[int, int, int]
    view: str = "sole"
    nail_polish: tuple[int, int, int] | None = None

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"FootLook.view must be one of {VIEWS}, got {self.view!r}")
        if not all(0 <= c <= 255 for c in self.skin):
            raise ValueError(f"FootLook.skin must be BGR 0-255, got {self.skin}")


def _edge(points: tuple[tuple[float, float], ...], u: np.ndarray) -> np.ndarray:
    pu, ps = np.array(points).T
    return np.interp(u, pu, ps)


def _sprite_xy(a: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Foot frame (FL) to sprite pixels: column from s, row from a (toes at the top)."""
    return np.stack([(s - _S_RANGE[0]) * _PPF, (_A_RANGE[1] - a) * _PPF], axis=-1)


@dataclass(frozen=True)
class FootModel:
    """A drawn foot in its own frame, with the tables that define ``v``.

    Attributes:
        colour: (h, w, 3) float32 BGR sprite, toes up, lateral to the right.
        alpha: (h, w) float32 coverage of the sprite.
        u_table: (n,) u samples, 0-1.
        medial: (n,) s of the medial edge at each u, FL.
        lateral: (n,) s of the lateral edge at each u, FL.
        outline: (k, 2) closed outline in the foot frame, columns (a, s), FL.
        look: how it was drawn.
        toe_spots: (5, 2) where a thumb works each toe, big toe first, (a, s) in FL.
    """

    colour: np.ndarray
    alpha: np.ndarray
    u_table: np.ndarray
    medial: np.ndarray
    lateral: np.ndarray
    outline: np.ndarray
    look: FootLook
    toe_spots: np.ndarray

    @classmethod
    def build(cls, look: FootLook, rng: np.random.Generator, n_outline: int = 40) -> FootModel:
        """Draws the foot sprite and measures its edges.

        Args:
            look: skin tone and view.
            rng: randomness for skin texture and small shape variations.
            n_outline: points in the outline polygon.
        """
        h = round((_A_RANGE[1] - _A_RANGE[0]) * _PPF)
        w = round((_S_RANGE[1] - _S_RANGE[0]) * _PPF)
        u = np.linspace(0.0, 0.84, 120)
        medial = _sprite_xy(u, _edge(_MEDIAL, u))
        lateral = _sprite_xy(u, _edge(_LATERAL, u))
        body = np.vstack([medial, lateral[::-1]])
        mask = np.zeros((h, w), np.uint8)
        cv2.fillPoly(mask, [np.round(body).astype(np.int32)], 255, cv2.LINE_AA)
        toe_masks = []
        for (ts, tu, r), base in zip(TOES, _TOE_BASE_U, strict=True):
            tm = np.zeros((h, w), np.uint8)
            tip = _sprite_xy(np.array(tu - r), np.array(ts))
            root = _sprite_xy(np.array(base - 0.03), np.array(ts - 0.01))
            cv2.line(tm, _ipt(root), _ipt(tip), 255, round(2 * r * _PPF), cv2.LINE_AA)
            cv2.circle(tm, _ipt(tip), round(r * _PPF), 255, -1, cv2.LINE_AA)
            toe_masks.append(tm)
            mask = np.maximum(mask, tm)

        skin = np.array(look.skin, np.float32)
        if look.view == "sole":
            # Soles are paler and pinker than the top of the foot.
            skin = skin * 0.7 + np.array([170, 185, 225], np.float32) * 0.3
        shade = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), 0.05 * _PPF)
        lightness = 0.55 + 0.55 * shade
        colour = skin[None, None, :] * lightness[..., None]
        rows = np.arange(h, dtype=np.float32)[:, None] / _PPF
        a_of_row = _A_RANGE[1] - rows
        if look.view == "sole":
            # Weight-bearing pads (heel, ball, toe tips) redder; the arch hollow lighter.
            pads = np.zeros((h, w), np.float32)
            for cu, cs, ru, rs in ((0.13, 0.005, 0.12, 0.10), (0.70, 0.07, 0.07, 0.17)):
                c = _sprite_xy(np.array(cu), np.array(cs))
                cv2.ellipse(pads, _ipt(c), (round(rs * _PPF), round(ru * _PPF)), 0, 0, 360, 1.0, -1)
            pads = cv2.GaussianBlur(pads, (0, 0), 0.03 * _PPF)
            colour += pads[..., None] * np.array([-12, -8, 10], np.float32)
            arch = np.zeros((h, w), np.float32)
            c = _sprite_xy(np.array(0.45), np.array(-0.06))
            cv2.ellipse(arch, _ipt(c), (round(0.05 * _PPF), round(0.14 * _PPF)), 0, 0, 360, 1.0, -1)
            arch = cv2.GaussianBlur(arch, (0, 0), 0.03 * _PPF)
            colour += arch[..., None] * np.array([12, 14, 10], np.float32)
        else:
            # The top of the foot: tendons towards the toes, darker toward the ankle.
            colour *= (0.9 + 0.1 * np.clip(a_of_row / 0.8, 0, 1))[..., None]
            for ts, _, _ in TOES[:4]:
                p0 = _sprite_xy(np.array(0.35), np.array(0.04 + ts * 0.3))
                p1 = _sprite_xy(np.array(0.74), np.array(ts))
                cv2.line(colour, _ipt(p0), _ipt(p1), _tone(skin * 1.06), max(2, _PPF // 90), cv2.LINE_AA)
        # Each toe shaded as its own cylinder, with a crease (sole) or a nail (top).
        for (ts, tu, r), tm in zip(TOES, toe_masks, strict=True):
            tf = cv2.GaussianBlur(tm.astype(np.float32) / 255.0, (0, 0), 0.3 * r * _PPF)
            tcol = skin[None, None, :] * (0.6 + 0.5 * tf)[..., None]
            tf_hard = tm.astype(np.float32)[..., None] / 255.0
            colour = colour * (1 - tf_hard) + tcol * tf_hard
            rim = cv2.morphologyEx(tm, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
            colour[rim > 0] *= 0.82
            tip = _sprite_xy(np.array(tu - r * 1.1), np.array(ts))
            if look.view == "top":
                nail = look.nail_polish or tuple(int(c) for c in np.clip(skin * 0.6 + 95, 0, 255))
                axes = (round(r * 0.62 * _PPF), round(r * 0.75 * _PPF))
                cv2.ellipse(colour, _ipt(tip), axes, 0, 0, 360, nail, -1, cv2.LINE_AA)
            else:
                crease = _sprite_xy(np.array(tu - 2.1 * r), np.array(ts))
                half = round(r * 0.6 * _PPF)
                c = _ipt(crease)
                cv2.line(colour, (c[0] - half, c[1]), (c[0] + half, c[1]), _tone(skin * 0.8), 2, cv2.LINE_AA)
        # Fine skin texture and a few creases, so the foot is not a flat cartoon.
        grain = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 1.2)
        colour += grain[..., None] * 4.0
        if look.view == "sole":
            for _ in range(6):
                a0 = rng.uniform(0.3, 0.66)
                p0 = _sprite_xy(np.array(a0), np.array(rng.uniform(-0.08, 0.0)))
                p1 = _sprite_xy(np.array(a0 + rng.uniform(-0.05, 0.05)), np.array(rng.uniform(0.08, 0.2)))
                cv2.line(colour, _ipt(p0), _ipt(p1), _tone(skin * 0.88), 1, cv2.LINE_AA)
        colour = np.clip(colour, 0, 255).astype(np.float32)
        return cls._measured(colour, mask, look, n_outline)

    @classmethod
    def from_picture(
        cls, colour: np.ndarray, alpha: np.ndarray, place: FootPlacement, look: FootLook, n_outline: int = 40
    ) -> FootModel:
        """A foot model cut out of a picture of a real foot (the composite mode's photos).

        The picture is resampled into the foot frame, so the edges that define
        ``v``, the outline and every planned motion follow the real foot's shape.
        What lies outside the sprite's extent (a leg behind the heel) is left out.

        Args:
            colour: (h, w, 3) float32 BGR picture.
            alpha: (h, w) float32 coverage of the foot in it.
            place: where the foot lies in the picture: its heel, the level of its
                longest toe's tip on the long axis, and its lateral side.
            look: the foot's view and typical skin tone.
            n_outline: points in the outline polygon.

        Raises:
            ValueError: no foot is left in the sprite's extent.
        """
        h = round((_A_RANGE[1] - _A_RANGE[0]) * _PPF)
        w = round((_S_RANGE[1] - _S_RANGE[0]) * _PPF)
        m = place.sprite_matrix()
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        sprite = cv2.warpAffine(colour.astype(np.float32), m, (w, h), flags=flags)
        cover = cv2.warpAffine(alpha.astype(np.float32), m, (w, h), flags=flags)
        mask = (cover >= 0.5).astype(np.uint8)
        n, comp, stats, _ = cv2.connectedComponentsWithStats(mask)
        if n < 2:
            raise ValueError("FootModel.from_picture: no foot inside the sprite's extent")
        mask = np.where(comp == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA])), 255, 0).astype(np.uint8)
        model = cls._measured(np.clip(sprite, 0, 255), mask, look, n_outline)
        # The drawn foot's toe spots, at the same share of the width across the toes.
        drawn = cls.build(look, np.random.default_rng(0), n_outline)
        model = replace(model, toe_spots=model.uv_to_as(drawn.as_to_uv(drawn.toe_spots)))
        # Soft edges as in the photo's own mask, not the thresholded one.
        near = cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0
        return replace(model, alpha=np.where(near, np.clip(cover, 0.0, 1.0), 0.0).astype(np.float32))

    @classmethod
    def _measured(cls, colour: np.ndarray, mask: np.ndarray, look: FootLook, n_outline: int) -> FootModel:
        """The model of a sprite (toes up, lateral to the right) and its (h, w) uint8 mask, 0-255."""
        h, w = mask.shape
        alpha = mask.astype(np.float32) / 255.0

        # The edges that define v, measured on the drawn mask so labels match pixels.
        u_table = np.linspace(0.0, 1.0, 201)
        med = np.empty_like(u_table)
        lat = np.empty_like(u_table)
        cols = _S_RANGE[0] + (np.arange(w) + 0.5) / _PPF
        found = np.zeros(len(u_table), bool)
        for i, uu in enumerate(u_table):
            row = min(h - 1, max(0, round((_A_RANGE[1] - uu) * _PPF)))
            on = np.flatnonzero(mask[row] >= 128)
            if on.size:
                med[i], lat[i], found[i] = cols[on[0]], cols[on[-1]], True
        # A row without foot (past a photo's toe tip or heel) takes the nearest row's edges.
        idx = np.maximum.accumulate(np.where(found, np.arange(len(u_table)), -1))
        idx = np.where(idx < 0, int(np.argmax(found)), idx)
        med, lat = med[idx], lat[idx]
        # Keep the width positive at the very heel and toe tips.
        centre = (med + lat) / 2
        half = np.maximum((lat - med) / 2, 0.01)
        med, lat = centre - half, centre + half
        outline = _outline(mask, n_outline)
        toe_spots = np.array([[max(tu - 1.8 * r - 0.02, 0.79), ts] for ts, tu, r in TOES])
        return cls(colour, alpha, u_table, med, lat, outline, look, toe_spots)

    def uv_to_as(self, uv: np.ndarray) -> np.ndarray:
        """Foot coordinates (u, v) to the foot frame (a, s) in FL.

        Args:
            uv: (..., 2) foot coordinates.

        Returns:
            (..., 2) foot-frame points.
        """
        uv = np.asarray(uv, dtype=np.float64)
        u = uv[..., 0]
        m = np.interp(u, self.u_table, self.medial)
        lat = np.interp(u, self.u_table, self.lateral)
        return np.stack([u, m + uv[..., 1] * (lat - m)], axis=-1)

    def as_to_uv(self, a_s: np.ndarray) -> np.ndarray:
        """Foot frame (a, s) in FL to foot coordinates (u, v); v may fall outside 0-1 off the foot."""
        a_s = np.asarray(a_s, dtype=np.float64)
        u = a_s[..., 0]
        m = np.interp(u, self.u_table, self.medial)
        lat = np.interp(u, self.u_table, self.lateral)
        return np.stack([u, (a_s[..., 1] - m) / (lat - m)], axis=-1)

    def width_fl(self, u: float) -> float:
        """Width of the foot at ``u``, in FL."""
        return float(np.interp(u, self.u_table, self.lateral) - np.interp(u, self.u_table, self.medial))


def _tone(c: np.ndarray) -> tuple[int, int, int]:
    c = np.clip(c, 0, 255)
    return int(c[0]), int(c[1]), int(c[2])


def _ipt(p: np.ndarray) -> tuple[int, int]:
    p = np.asarray(p, dtype=np.float64).reshape(2)
    return round(float(p[0])), round(float(p[1]))


def _outline(mask: np.ndarray, n: int) -> np.ndarray:
    """The mask's outer contour resampled to ``n`` points evenly spaced, in the foot frame (a, s)."""
    contours, _ = cv2.findContours((mask >= 128).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    c = max(contours, key=cv2.contourArea).reshape(-1, 2).astype(np.float64)
    seg = np.linalg.norm(np.diff(np.vstack([c, c[:1]]), axis=0), axis=1)
    dist = np.concatenate([[0.0], np.cumsum(seg)])
    at = np.linspace(0.0, dist[-1], n, endpoint=False)
    closed = np.vstack([c, c[:1]])
    x = np.interp(at, dist, closed[:, 0])
    y = np.interp(at, dist, closed[:, 1])
    return np.stack([_A_RANGE[1] - (y + 0.5) / _PPF, _S_RANGE[0] + (x + 0.5) / _PPF], axis=-1)


@dataclass(frozen=True)
class FootPlacement:
    """Where the foot lies in one frame.

    Attributes:
        heel: (2,) back of the heel in pixels.
        toe: (2,) tip of the longest toe in pixels.
        lateral_sign: +1 when the lateral side is 90 degrees clockwise of the
            heel-to-toe direction in the picture (y down), -1 otherwise.
    """

    heel: np.ndarray
    toe: np.ndarray
    lateral_sign: int

    def __post_init__(self) -> None:
        if np.shape(self.heel) != (2,) or np.shape(self.toe) != (2,):
            raise ValueError("FootPlacement.heel and toe must be (2,) pixels")
        if self.lateral_sign not in (-1, 1):
            raise ValueError("FootPlacement.lateral_sign must be +1 or -1")
        if float(np.hypot(*(np.asarray(self.toe) - np.asarray(self.heel)))) < 4.0:
            raise ValueError("FootPlacement: heel and toe are too close")

    @staticmethod
    def lateral_sign_for(side: str, view: str) -> int:
        """Seen from the top with the toes up, a right foot's little toe is on the right."""
        if side not in SIDES or view not in VIEWS:
            raise ValueError(f"side must be one of {SIDES} and view one of {VIEWS}")
        return 1 if (side == "right") == (view == "top") else -1

    @property
    def length_px(self) -> float:
        """The foot length (FL) in pixels."""
        return float(np.hypot(*(self.toe - self.heel)))

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        """(2,) unit vectors in the picture: heel-to-toe, and towards the lateral side."""
        a = (self.toe - self.heel) / self.length_px
        return a, self.lateral_sign * np.array([-a[1], a[0]])

    def to_px(self, a_s: np.ndarray) -> np.ndarray:
        """Foot frame (..., 2) in FL to pixels (..., 2)."""
        a_s = np.asarray(a_s, dtype=np.float64)
        ax, lat = self.axes()
        return self.heel + self.length_px * (a_s[..., :1] * ax + a_s[..., 1:] * lat)

    def from_px(self, xy: np.ndarray) -> np.ndarray:
        """Pixels (..., 2) to the foot frame (..., 2) in FL."""
        d = np.asarray(xy, dtype=np.float64) - self.heel
        ax, lat = self.axes()
        return np.stack([d @ ax, d @ lat], axis=-1) / self.length_px

    def sprite_matrix(self) -> np.ndarray:
        """(2, 3) affine matrix taking sprite pixels to picture pixels."""
        src = _sprite_xy(np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 0.2])).astype(np.float32)
        dst = self.to_px(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.2]])).astype(np.float32)
        return cv2.getAffineTransform(src, dst)


def draw_foot(image: np.ndarray, model: FootModel, place: FootPlacement, shadow: float = 0.3) -> np.ndarray:
    """Lays the foot (with a soft shadow under it) over a float32 BGR picture, in place.

    Args:
        image: (h, w, 3) float32 BGR.
        model: the drawn foot.
        place: where it lies.
        shadow: darkness of the cast shadow, 0-1.

    Returns:
        ``image``.
    """
    h, w = image.shape[:2]
    m = place.sprite_matrix()
    flags = cv2.INTER_LINEAR
    alpha = cv2.warpAffine(model.alpha, m, (w, h), flags=flags, borderValue=0)
    colour = cv2.warpAffine(model.colour, m, (w, h), flags=flags, borderValue=(0, 0, 0))
    if shadow > 0:
        sh = soft_blur(alpha, max(1.0, place.length_px * 0.03))
        image *= (1.0 - shadow * sh * (1.0 - alpha))[..., None]
    image *= (1.0 - alpha)[..., None]
    image += colour * alpha[..., None]
    return image


def draw_leg(image: np.ndarray, place: FootPlacement, skin: tuple[int, int, int], view: str) -> np.ndarray:
    """Draws the lower leg running from the ankle out of the picture, behind the foot, in place.

    Args:
        image: (h, w, 3) float32 BGR.
        place: where the foot lies.
        skin: BGR skin tone.
        view: "sole" or "top"; seen from the sole the calf is darker (turned from the light).
    """
    h, w = image.shape[:2]
    ax, lat = place.axes()
    fl = place.length_px
    start = place.to_px(np.array([0.18, 0.03]))
    far = start - ax * 3.0 * (w + h)
    half0, half1 = 0.105 * fl, 0.26 * fl
    poly = np.array([start + lat * half0, far + lat * half1, far - lat * half1, start - lat * half0])
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 255, cv2.LINE_AA)
    soft = soft_blur(mask.astype(np.float32) / 255.0, max(1.0, 0.06 * fl))
    k = (0.55 if view == "sole" else 0.75) + 0.35 * soft
    a = mask.astype(np.float32)[..., None] / 255.0
    image *= 1.0 - a
    image += np.array(skin, np.float32) * k[..., None] * a
    return image
