"""Articulated hands: 21 joint positions from a pose, and a shaded drawing of them.

The hand is modelled flat in its own plane, in *palm units* (wrist to middle
knuckle = 1), with x towards the thumb and y from the wrist towards the
fingers. Finger flexion shortens each bone by the cosine of the accumulated
joint angle, which is what a camera looking at the back or the palm sees.
The drawing (forearm, shaded palm, finger capsules with knuckle creases or
nails, a soft shadow) is made to be found by the real hand tracker, not only
to look like a hand to a person: the tracker needs a forearm entering from the
frame edge and some volume (dark edges, lighter middle) to fire.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from coach.landmarks import FINGERS, NUM_LANDMARKS, HandLandmark
from coach.synth.scene import soft_blur

L = HandLandmark

# Knuckle (MCP) positions and bone lengths in palm units, from adult hand
# proportions (index to pinky knuckles about 0.65 of the palm length apart).
_MCP = {
    "index": (0.30, 0.93),
    "middle": (0.08, 1.00),
    "ring": (-0.13, 0.95),
    "pinky": (-0.31, 0.84),
}
_BONES = {
    "index": (0.37, 0.22, 0.18),
    "middle": (0.41, 0.25, 0.19),
    "ring": (0.39, 0.24, 0.18),
    "pinky": (0.30, 0.18, 0.16),
    "thumb": (0.35, 0.28, 0.22),
}
# Rest direction of each finger, degrees from the palm's long axis towards the thumb.
_SPLAY = {"index": 7.0, "middle": 0.0, "ring": -7.0, "pinky": -15.0}
_THUMB_CMC = (0.24, 0.20)
# Finger thickness in palm units (at the base; tips are 80 % of it).
_WIDTH = {"thumb": 0.22, "index": 0.19, "middle": 0.195, "ring": 0.18, "pinky": 0.155}
_FOREARM_WIDTH = 0.62
# The webs between the fingers: this far up the first finger bone from the
# knuckle. Fingers part at the webs, not at the knuckles; with webs at the
# knuckle line the hand tracker (taught on real hands) read every knuckle 0.07-0.10
# palm lengths towards the wrist, and every palm contact's label was that far off.
_WEB = 0.3
# Raised whenever the drawing changes, so suites rendered with an older one are rendered again.
DRAWING_VERSION = 2


@dataclass(frozen=True)
class HandPose:
    """Where a hand is and how it is articulated, for one frame.

    Attributes:
        wrist: (2,) wrist position in pixels.
        angle: direction from wrist to middle knuckle, radians in image axes
            (0 = +x, pi/2 = +y, i.e. down the picture).
        palm_px: palm length (wrist to middle knuckle) in pixels.
        flex: (5, 3) joint flexion in radians per finger (thumb, index, middle,
            ring, pinky), base joint first; 0 is straight.
        spread: extra splay of the fingers, radians (negative closes them).
        thumb_abduction: thumb angle away from the index finger, radians.
        width_scale: foreshortening across the palm (1 = palm square to the camera).
        wrist_bend: forearm direction relative to the palm axis, radians.
        right: a right hand (False: left).
        palm_view: the palm faces the camera (False: the back of the hand).
    """

    wrist: np.ndarray
    angle: float
    palm_px: float
    flex: np.ndarray
    spread: float = 0.0
    thumb_abduction: float = 0.7
    width_scale: float = 1.0
    wrist_bend: float = 0.0
    right: bool = True
    palm_view: bool = False

    def __post_init__(self) -> None:
        if np.shape(self.wrist) != (2,):
            raise ValueError(f"HandPose.wrist must be (2,), got {np.shape(self.wrist)}")
        if np.shape(self.flex) != (5, 3):
            raise ValueError(f"HandPose.flex must be (5, 3), got {np.shape(self.flex)}")
        if self.palm_px <= 0:
            raise ValueError("HandPose.palm_px must be positive")
        if not 0.2 <= self.width_scale <= 1.0:
            raise ValueError(f"HandPose.width_scale must be within 0.2-1, got {self.width_scale}")

    @property
    def mirrored(self) -> bool:
        """True when the thumb is on the picture's left of the palm axis (seen fingers up).

        A right palm and a left back look alike, and so do a left palm and a right back.
        """
        return self.right != self.palm_view

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        """Unit vectors (towards thumb, towards fingers) in pixels, each (2,)."""
        fwd = np.array([math.cos(self.angle), math.sin(self.angle)])
        side = np.array([-fwd[1], fwd[0]])  # fingers up -> +x
        return (-side if self.mirrored else side), fwd


def local_landmarks(pose: HandPose) -> np.ndarray:
    """The 21 joints in palm units in the hand's own plane.

    Returns:
        (21, 2) float64 (x towards thumb, y towards fingers), wrist at the origin.
    """
    pts = np.zeros((NUM_LANDMARKS, 2))
    flex = np.asarray(pose.flex, dtype=np.float64)
    for k, name in enumerate(("index", "middle", "ring", "pinky")):
        joints = FINGERS[name]
        base = np.array(_MCP[name])
        pts[joints[0]] = base
        direction = math.radians(_SPLAY[name]) + pose.spread * (1.5 - k) / 1.5
        d = np.array([math.sin(direction), math.cos(direction)])
        cum = 0.0
        for j, bone in enumerate(_BONES[name]):
            cum = min(cum + float(flex[k + 1, j]), math.radians(150))
            base = base + d * bone * math.cos(cum)
            pts[joints[j + 1]] = base
    thumb = FINGERS["thumb"]
    base = np.array(_THUMB_CMC)
    pts[thumb[0]] = base
    direction = pose.thumb_abduction * 0.55 + 0.25
    cum = 0.0
    for j, bone in enumerate(_BONES["thumb"]):
        # The thumb curls across the palm as it flexes, not only shortens.
        direction -= 0.35 * float(flex[0, j])
        cum = min(cum + 0.5 * float(flex[0, j]), math.radians(120))
        d = np.array([math.sin(direction), math.cos(direction)])
        base = base + d * bone * math.cos(cum)
        pts[thumb[j + 1]] = base
    pts[:, 0] *= pose.width_scale
    return pts


def hand_landmarks(pose: HandPose) -> np.ndarray:
    """The 21 joints of ``pose`` in pixels.

    Returns:
        (21, 2) float64 pixel positions, MediaPipe landmark order.
    """
    side, fwd = pose.axes()
    local = local_landmarks(pose)
    return pose.wrist + pose.palm_px * (local[:, :1] * side + local[:, 1:] * fwd)


def place(pose: HandPose, weights: np.ndarray, target: np.ndarray) -> HandPose:
    """Moves ``pose`` so that a weighted mean of its landmarks lands on ``target``.

    Args:
        pose: the hand.
        weights: (21,) weights summing to 1 (e.g. 1 on the thumb tip).
        target: (2,) pixels.
    """
    at = np.asarray(weights, dtype=np.float64) @ hand_landmarks(pose)
    return HandPose(**{**pose.__dict__, "wrist": pose.wrist + (np.asarray(target, dtype=np.float64) - at)})


@dataclass(frozen=True)
class HandLook:
    """How a hand is drawn; fixed for a person.

    Attributes:
        skin: BGR skin tone of the back of the hand.
        palm_tint: how much lighter and pinker the palm side is, 0-1.
        nails: draw fingernails when the back of the hand is seen.
        sleeve: BGR colour of a sleeve over the forearm, or None for a bare arm.
        sleeve_start: where the sleeve starts, in palm lengths from the wrist.
    """

    skin: tuple[int, int, int]
    palm_tint: float = 0.25
    nails: bool = True
    sleeve: tuple[int, int, int] | None = None
    sleeve_start: float = 2.2

    def __post_init__(self) -> None:
        if not all(0 <= c <= 255 for c in self.skin):
            raise ValueError(f"HandLook.skin must be BGR 0-255, got {self.skin}")
        if not 0.0 <= self.palm_tint <= 1.0:
            raise ValueError("HandLook.palm_tint must be within 0-1")
        if self.sleeve_start <= 0.5:
            raise ValueError("HandLook.sleeve_start must be more than half a palm length")


def _shade(colour: np.ndarray, k: float) -> tuple[int, int, int]:
    c = np.clip(colour * k, 0, 255)
    return int(c[0]), int(c[1]), int(c[2])


def _capsule(mask: np.ndarray, a: np.ndarray, b: np.ndarray, ra: float, rb: float, value: int) -> None:
    """A tapered capsule from a (radius ra) to b (radius rb), filled into ``mask``."""
    d = b - a
    n = float(np.hypot(*d))
    if n < 1e-6:
        cv2.circle(mask, _pt(a), max(1, round(ra)), value, -1, cv2.LINE_AA, 0)
        return
    p = np.array([-d[1], d[0]]) / n
    poly = np.array([a + p * ra, b + p * rb, b - p * rb, a - p * ra])
    cv2.fillConvexPoly(mask, _pts(poly), value, cv2.LINE_AA, 0)
    cv2.circle(mask, _pt(a), max(1, round(ra)), value, -1, cv2.LINE_AA, 0)
    cv2.circle(mask, _pt(b), max(1, round(rb)), value, -1, cv2.LINE_AA, 0)


def _pt(p: np.ndarray) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))


def _pts(poly: np.ndarray) -> np.ndarray:
    return np.round(poly).astype(np.int32).reshape(-1, 1, 2)


@dataclass(frozen=True)
class HandLayer:
    """A drawn hand ready to composite.

    Attributes:
        colour: (h, w, 3) float32 BGR of the window the hand covers.
        alpha: (h, w) float32 coverage, 0-1.
        shadow: (h, w) float32 shadow strength the hand casts, 0-1.
        origin: (x, y) of the window's top-left corner in the frame.
    """

    colour: np.ndarray
    alpha: np.ndarray
    shadow: np.ndarray
    origin: tuple[int, int] = (0, 0)

    @classmethod
    def empty(cls) -> HandLayer:
        """Nothing to draw (the hand is out of the picture)."""
        z = np.zeros((0, 0), np.float32)
        return cls(np.zeros((0, 0, 3), np.float32), z, z)


def draw_hand(size: tuple[int, int], pose: HandPose, look: HandLook, light: np.ndarray) -> HandLayer:
    """Draws one hand with its forearm, for a frame of ``size``.

    Only the part of the frame around the hand and the visible forearm is
    drawn (the layer's ``origin`` says where it goes), which keeps drawing cheap.

    Args:
        size: (width, height) of the frame.
        pose: the hand's pose.
        look: skin tone and details.
        light: (2,) unit vector, direction the light comes from in the picture.

    Returns:
        The hand's colour, coverage and cast shadow.
    """
    w, h = size
    pts_full = hand_landmarks(pose)
    s = pose.palm_px
    side, fwd = pose.axes()
    light = np.asarray(light, dtype=np.float64)
    skin = np.array(look.skin, dtype=np.float64)
    if pose.palm_view:
        skin = skin * (1 - look.palm_tint) + np.array([175.0, 190.0, 240.0]) * look.palm_tint

    # The forearm leaves the wrist backwards (bent by wrist_bend) and runs off the picture.
    arm_dir = -(fwd * math.cos(pose.wrist_bend) + side * math.sin(pose.wrist_bend))
    arm_side = np.array([-arm_dir[1], arm_dir[0]])
    wrist_full = pts_full[L.WRIST]
    half = 0.5 * _FOREARM_WIDTH * s * (0.75 + 0.25 * pose.width_scale)
    far_full = wrist_full + arm_dir * 2.5 * (w + h)

    # The drawing window: the hand with a margin, and the forearm up to the frame edge.
    margin = 0.45 * s
    ends = np.vstack([pts_full, wrist_full + arm_dir * 1.5 * s])
    x0, y0 = np.floor(ends.min(axis=0) - margin)
    x1, y1 = np.ceil(ends.max(axis=0) + margin)
    ok, p0, p1 = cv2.clipLine((0, 0, w, h), _pt(wrist_full), _pt(far_full))
    if ok:
        x0, x1 = min(x0, p0[0], p1[0]), max(x1, p0[0], p1[0])
        y0, y1 = min(y0, p0[1], p1[1]), max(y1, p0[1], p1[1])
    x0, y0 = int(max(0, x0 - half * 2)), int(max(0, y0 - half * 2))
    x1, y1 = int(min(w, x1 + half * 2)), int(min(h, y1 + half * 2))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return HandLayer.empty()
    origin = np.array([x0, y0], dtype=np.float64)
    rw, rh = x1 - x0, y1 - y0
    pts = pts_full - origin
    wrist = pts[L.WRIST]
    far = far_full - origin

    arm_poly = np.array(
        [
            wrist + arm_side * half * 1.05,
            wrist + arm_dir * 2.0 * s + arm_side * half * 1.25,
            far + arm_side * half * 1.6,
            far - arm_side * half * 1.6,
            wrist + arm_dir * 2.0 * s - arm_side * half * 1.25,
            wrist - arm_side * half * 1.05,
        ]
    )
    # Palm: wrist edges, the thumb's ball, the knuckle line, the little-finger edge.
    wsc = pose.width_scale

    def to_px(x: float, y: float) -> np.ndarray:
        return wrist + s * (x * wsc * side + y * fwd)

    def web(mcp: int, pip: int) -> np.ndarray:
        return pts[mcp] + _WEB * (pts[pip] - pts[mcp])

    palm_poly = np.array(
        [
            to_px(-0.30, -0.02),
            to_px(0.28, -0.02),
            to_px(0.40, 0.22),
            (pts[L.THUMB_MCP] + to_px(0.42, 0.45)) / 2,
            to_px(0.40, 0.80),
            pts[L.INDEX_MCP] + s * wsc * 0.09 * side,
            web(L.INDEX_MCP, L.INDEX_PIP),
            web(L.MIDDLE_MCP, L.MIDDLE_PIP),
            web(L.RING_MCP, L.RING_PIP),
            web(L.PINKY_MCP, L.PINKY_PIP),
            pts[L.PINKY_MCP] - s * wsc * 0.07 * side,
            to_px(-0.40, 0.55),
            to_px(-0.36, 0.20),
        ]
    )

    # The web of skin between thumb and index finger joins the thumb to the hand.
    web = np.array(
        [
            pts[L.THUMB_CMC],
            pts[L.THUMB_MCP],
            pts[L.THUMB_MCP] * 0.6 + pts[L.THUMB_IP] * 0.4,
            pts[L.INDEX_MCP] * 0.8 + pts[L.INDEX_PIP] * 0.2,
            pts[L.INDEX_MCP],
        ]
    )
    body = np.zeros((rh, rw), np.uint8)  # palm and arm, shaded as one volume
    cv2.fillPoly(body, [_pts(palm_poly)], 255, cv2.LINE_AA, 0)
    cv2.fillPoly(body, [_pts(web)], 255, cv2.LINE_AA, 0)
    cv2.fillPoly(body, [_pts(arm_poly)], 255, cv2.LINE_AA, 0)
    mask = body.copy()

    # Volume: darker where the body is thin (edges), lighter along its middle.
    body_f = soft_blur(body.astype(np.float32) * (1.0 / 255.0), max(1.0, s * 0.09))
    yy, xx = np.mgrid[0:rh, 0:rw].astype(np.float32)
    c = pts[[L.WRIST, L.MIDDLE_MCP]].mean(axis=0)
    # Directional light across the hand: brighter on the side the light comes from.
    grad = 1.0 + np.clip(((xx - c[0]) * light[0] + (yy - c[1]) * light[1]) / (3.0 * s), -0.25, 0.25)
    lightness = (0.45 + 0.65 * body_f) * grad
    skin32 = skin.astype(np.float32)
    colour = skin32 * lightness[..., None]
    if look.sleeve is not None:
        sleeve = np.zeros((rh, rw), np.uint8)
        start = wrist + arm_dir * look.sleeve_start * s
        sl_poly = np.array(
            [
                start + arm_side * half * 1.6,
                far + arm_side * half * 1.9,
                far - arm_side * half * 1.9,
                start - arm_side * half * 1.6,
            ]
        )
        cv2.fillPoly(sleeve, [_pts(sl_poly)], 255, cv2.LINE_AA, 0)
        sf = sleeve.astype(np.float32)[..., None] / 255.0
        colour = colour * (1 - sf) + np.array(look.sleeve, np.float32) * lightness[..., None] * sf
        mask = np.maximum(mask, sleeve)
    if pose.palm_view:
        _palm_creases(colour, to_px, skin, s)
    else:
        # Knuckles catch the light on the back of the hand.
        for j in (L.INDEX_MCP, L.MIDDLE_MCP, L.RING_MCP, L.PINKY_MCP):
            r = max(1, round(0.07 * s))
            cv2.circle(colour, _pt(pts[j] - fwd * s * 0.04), r, _shade(skin, 1.12), -1, cv2.LINE_AA)

    # Fingers far-to-near: with the back of the hand seen, the thumb is underneath.
    order = ["thumb", "pinky", "ring", "middle", "index"]
    if pose.palm_view:
        order = ["pinky", "ring", "middle", "index", "thumb"]
    for name in order:
        joints = FINGERS[name]
        r0 = 0.5 * _WIDTH[name] * s
        chain = [pts[L.THUMB_CMC] if name == "thumb" else pts[joints[0]]]
        chain += [pts[j] for j in joints[1:]]
        cx0, cy0 = np.floor(np.min(chain, axis=0) - r0 - 3).astype(int)
        cx1, cy1 = np.ceil(np.max(chain, axis=0) + r0 + 3).astype(int)
        cx0, cy0, cx1, cy1 = max(cx0, 0), max(cy0, 0), min(cx1, rw), min(cy1, rh)
        if cx1 - cx0 < 2 or cy1 - cy0 < 2:
            continue
        off = np.array([cx0, cy0], dtype=np.float64)
        fm = np.zeros((cy1 - cy0, cx1 - cx0), np.uint8)
        n = len(chain) - 1
        for i in range(n):
            ra = r0 * (1 - 0.2 * i / n)
            rb = r0 * (1 - 0.2 * (i + 1) / n)
            _capsule(fm, chain[i] - off, chain[i + 1] - off, ra, rb, 255)
        # Each finger gets its own rounded shading and a darker rim, so fingers read apart.
        ff = fm.astype(np.float32) * (1.0 / 255.0)
        inner = cv2.GaussianBlur(ff, (0, 0), max(0.8, r0 * 0.35))
        shade = (0.68 + 0.42 * inner) * grad[cy0:cy1, cx0:cx1]
        fcol = skin32 * shade[..., None]
        sub = colour[cy0:cy1, cx0:cx1]
        sub *= 1 - ff[..., None]
        sub += fcol * ff[..., None]
        rim = cv2.morphologyEx(fm, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
        if name != "thumb":
            rim[body[cy0:cy1, cx0:cx1] > 0] = 0
        sub[rim > 0] *= 0.86
        _details(sub, [p - off for p in chain], name, pose, look, skin, s)
        np.maximum(mask[cy0:cy1, cx0:cx1], fm, out=mask[cy0:cy1, cx0:cx1])

    alpha = mask.astype(np.float32) * (1.0 / 255.0)
    # The silhouette darkens where the surface turns away from the camera; this
    # edge is what separates a hand from a foot of the same skin tone.
    k = max(3, round(0.06 * s)) | 1
    edge = alpha - cv2.erode(alpha, np.ones((k, k), np.uint8))
    edge = cv2.GaussianBlur(edge, (0, 0), max(0.8, 0.015 * s))
    colour *= (1.0 - 0.55 * edge)[..., None]
    shadow = soft_blur(alpha, max(1.0, s * 0.08))
    shift = np.float32([[1, 0, -light[0] * s * 0.18], [0, 1, -light[1] * s * 0.18]])
    shadow = cv2.warpAffine(shadow, shift, (rw, rh))
    return HandLayer(colour, alpha, shadow, (x0, y0))


def _palm_creases(
    colour: np.ndarray, to_px: Callable[[float, float], np.ndarray], skin: np.ndarray, s: float
) -> None:
    """The heart, head and life lines of a palm, as thin darker curves."""
    tone = _shade(skin, 0.75)
    width = max(1, round(s * 0.02))
    lines = (
        [(-0.38, 0.78), (-0.05, 0.80), (0.22, 0.86)],
        [(-0.38, 0.58), (0.00, 0.64), (0.36, 0.72)],
        [(0.34, 0.70), (0.16, 0.45), (0.10, 0.12)],
    )
    for line in lines:
        poly = np.array([to_px(x, y) for x, y in line])
        cv2.polylines(colour, [_pts(poly)], False, tone, width, cv2.LINE_AA)


def _details(
    colour: np.ndarray,
    chain: list[np.ndarray],
    name: str,
    pose: HandPose,
    look: HandLook,
    skin: np.ndarray,
    s: float,
) -> None:
    """Knuckle creases on each finger joint, and a nail at the tip on the back of the hand."""
    width = _WIDTH[name] * s
    crease = _shade(skin, 0.7)
    for i in range(1, len(chain) - 1):
        d = chain[i + 1] - chain[i - 1]
        n = float(np.hypot(*d))
        if n < 1e-6:
            continue
        p = np.array([-d[1], d[0]]) / n
        a = chain[i] + p * width * 0.3
        b = chain[i] - p * width * 0.3
        cv2.line(colour, _pt(a), _pt(b), crease, max(1, round(s * 0.015)), cv2.LINE_AA)
    if look.nails and not pose.palm_view:
        tip, prev = chain[-1], chain[-2]
        d = tip - prev
        n = float(np.hypot(*d))
        if n < width * 0.2:
            return
        u = d / n
        centre = tip - u * width * 0.22
        axes = (max(1, round(width * 0.3)), max(1, round(width * 0.36)))
        ang = math.degrees(math.atan2(u[1], u[0]))
        nail = np.clip(skin * 0.55 + np.array([200.0, 210.0, 235.0]) * 0.45, 0, 255)
        cv2.ellipse(colour, _pt(centre), axes, ang, 0, 360, _shade(nail, 1.0), -1, cv2.LINE_AA)
        cv2.ellipse(colour, _pt(centre), axes, ang, 0, 360, _shade(skin, 0.75), 1, cv2.LINE_AA)


def composite(image: np.ndarray, layer: HandLayer, shadow_strength: float = 0.55) -> np.ndarray:
    """Lays a hand (and its shadow) over a float32 BGR picture.

    Args:
        image: (h, w, 3) float32 BGR, changed in place.
        layer: what :func:`draw_hand` made.
        shadow_strength: how dark the cast shadow is at its darkest, 0-1.

    Returns:
        ``image``.
    """
    rh, rw = layer.alpha.shape
    if rh == 0 or rw == 0:
        return image
    x0, y0 = layer.origin
    sub = image[y0 : y0 + rh, x0 : x0 + rw]
    sub *= (1.0 - shadow_strength * layer.shadow * (1.0 - layer.alpha))[..., None]
    a = layer.alpha[..., None]
    sub *= 1.0 - a
    sub += layer.colour * a
    return image
