"""Composite mode, for tests only: real photos pasted along the same choreographies.

Hand photos on a white background are cut out by their brightness; foot photos
come with masks. The hand is moved as a rigid picture (scaled, turned and
placed to best fit the choreography's hand pose); its landmarks are found
once on the still photo by the project's own tracker and moved with it, so the
labels of a composite clip are as good as that one detection. The photos are
test fixtures: composite clips are never committed or shipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from coach.errors import InputError
from coach.hands import HandTracker, HandTrackerConfig
from coach.sources import Frame
from coach.synth.foot import FootPlacement
from coach.synth.hand import HandLayer, HandPose, hand_landmarks
from coach.synth.render import FootPainter, HandPainter, Renderer, SynthConfig
from coach.synth.scene import soft_blur

# Photos used by default, from ``data/`` beside the checkout (see its MANIFEST.md).
HAND_PHOTOS = {"back": "hands/11k_f_d.jpg", "palm": "hands/11k_m_p.jpg"}
FOOT_PHOTO = ("feet/focus_itw_000813.png", "feet/focus_itw_000813_mask.png")


@dataclass(frozen=True)
class PhotoHand:
    """A hand cut out of a photo.

    Attributes:
        colour: (h, w, 3) float32 BGR.
        alpha: (h, w) float32 coverage.
        landmarks: (21, 2) landmarks in the photo's pixels.
        name: the photo's file name.
    """

    colour: np.ndarray
    alpha: np.ndarray
    landmarks: np.ndarray
    name: str

    @classmethod
    def from_photo(cls, path: Path, max_side: int = 640) -> PhotoHand:
        """Cuts a hand out of a photo on a white background and finds its landmarks.

        Raises:
            InputError: the photo cannot be read or the tracker finds no hand in it.
        """
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise InputError(f"{path}: cannot read the hand photo")
        k = min(1.0, max_side / max(image.shape[:2]))
        image = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        with HandTracker(HandTrackerConfig(video=False, max_hands=1)) as tracker:
            hands = tracker.detect(Frame(image, 0, 0))
        if len(hands) == 0:
            raise InputError(f"{path}: the hand tracker finds no hand in this photo")
        # White background: bright and unsaturated. Keep the largest blob.
        hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
        fg = ((hsv[..., 2] < 200) | (hsv[..., 1] > 40)).astype(np.uint8)
        fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        n, comp, stats, _ = cv2.connectedComponentsWithStats(fg)
        if n > 1:
            fg = (comp == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))).astype(np.uint8)
        alpha = cv2.GaussianBlur(fg.astype(np.float32), (0, 0), 1.0)
        return cls(image.astype(np.float32), alpha, hands.xy[0].astype(np.float64), path.name)


@dataclass(frozen=True)
class PhotoFoot:
    """A foot cut out of a photo with its mask.

    Attributes:
        colour: (h, w, 3) float32 BGR.
        alpha: (h, w) float32 coverage.
        heel: (2,) the end of the foot opposite the toes, photo pixels (an
            estimate: the mask's long axis, the toes at its narrower end).
        toe: (2,) the toe end, photo pixels.
        name: the photo's file name.
    """

    colour: np.ndarray
    alpha: np.ndarray
    heel: np.ndarray
    toe: np.ndarray
    name: str

    @classmethod
    def from_photo(cls, path: Path, mask_path: Path) -> PhotoFoot:
        """Cuts out a foot and estimates its long axis.

        Raises:
            InputError: a file cannot be read or the mask is empty.
        """
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        mask = cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED)
        if image is None or mask is None:
            raise InputError(f"{path} or {mask_path}: cannot read the foot photo and its mask")
        m = (mask[..., 3] if mask.ndim == 3 and mask.shape[2] == 4 else mask.reshape(mask.shape[0], -1)) > 127
        ys, xs = np.nonzero(m)
        if len(xs) < 100:
            raise InputError(f"{mask_path}: the foot mask is empty")
        pts = np.stack([xs, ys], axis=1).astype(np.float64)
        centre = pts.mean(axis=0)
        _, vecs = np.linalg.eigh(np.cov((pts - centre).T))
        axis = vecs[:, 1]
        t = (pts - centre) @ axis
        side = (pts - centre) @ np.array([-axis[1], axis[0]])
        lo, hi = t.min(), t.max()
        span = hi - lo

        def width(sel: np.ndarray) -> float:
            return float(np.ptp(side[sel])) if sel.any() else 0.0

        # The toes end is the narrower one near its tip.
        near_hi = width(t > hi - 0.06 * span)
        near_lo = width(t < lo + 0.06 * span)
        if near_hi <= near_lo:
            toe, heel = centre + axis * hi, centre + axis * lo
        else:
            toe, heel = centre + axis * lo, centre + axis * hi
        return cls(image.astype(np.float32), m.astype(np.float32), heel, toe, path.name)


def _similarity(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, float]:
    """The similarity (turn, scale, shift) taking ``src`` points to ``dst``: (2, 3) matrix, RMS error."""
    m, _ = cv2.estimateAffinePartial2D(src.astype(np.float32), dst.astype(np.float32), method=cv2.LMEDS)
    if m is None:
        m = np.float32([[1, 0, 0], [0, 1, 0]])
    moved = src @ m[:, :2].T + m[:, 2]
    return m.astype(np.float64), float(np.sqrt(np.mean(np.sum((moved - dst) ** 2, axis=1))))


def photo_hand_painter(hands: dict[bool, PhotoHand]) -> HandPainter:
    """A hand painter pasting a photo hand where the procedural pose would be (a rigid best fit).

    Args:
        hands: the photo for the palm view (True) and for the back view (False).
    """

    def paint(pose: HandPose, size: tuple[int, int], light: np.ndarray) -> tuple[HandLayer, np.ndarray]:
        photo = hands[pose.palm_view]
        want = hand_landmarks(pose)
        src = photo.landmarks
        w = photo.alpha.shape[1]
        mirror = np.array([[-1.0, 0.0, w - 1.0], [0.0, 1.0, 0.0]])
        src_m = src @ mirror[:, :2].T + mirror[:, 2]
        m1, e1 = _similarity(src, want)
        m2, e2 = _similarity(src_m, want)
        # The photo may show the other hand: then it is mirrored first.
        m = (np.vstack([m2, [0, 0, 1]]) @ np.vstack([mirror, [0, 0, 1]]))[:2] if e2 < e1 else m1
        xy = src @ m[:, :2].T + m[:, 2]
        colour = cv2.warpAffine(photo.colour, m, size, flags=cv2.INTER_LINEAR)
        alpha = cv2.warpAffine(photo.alpha, m, size, flags=cv2.INTER_LINEAR)
        shadow = soft_blur(alpha, max(1.0, pose.palm_px * 0.08))
        return HandLayer(colour, alpha, shadow, (0, 0)), xy

    return paint


def photo_foot_painter(foot: PhotoFoot) -> FootPainter:
    """A foot painter pasting a photo foot so its heel and toe land on the placement's."""

    def paint(image: np.ndarray, place: FootPlacement) -> None:
        h, w = image.shape[:2]
        d = foot.toe - foot.heel
        perp = np.array([-d[1], d[0]])
        src = np.float32([foot.heel, foot.toe, foot.heel + perp])
        _, lat = place.axes()
        dst = np.float32([place.heel, place.toe, place.heel + lat * place.length_px])
        m = cv2.getAffineTransform(src, dst)
        colour = cv2.warpAffine(foot.colour, m, (w, h), flags=cv2.INTER_LINEAR)
        alpha = cv2.warpAffine(foot.alpha, m, (w, h), flags=cv2.INTER_LINEAR)
        image *= (1.0 - alpha)[..., None]
        image += colour * alpha[..., None]

    return paint


def composite_renderer(cfg: SynthConfig, data_dir: Path) -> Renderer:
    """A renderer that pastes real photos from ``data_dir`` (the shared test data) instead of drawing.

    Args:
        cfg: what to render (the choreography, seed, size, view...).
        data_dir: the ``data`` folder with ``hands/`` and ``feet/``.

    Raises:
        InputError: a photo is missing or unusable.
    """
    data_dir = Path(data_dir)
    for rel in (*HAND_PHOTOS.values(), *FOOT_PHOTO):
        if not (data_dir / rel).is_file():
            raise InputError(f"{data_dir / rel}: missing; composite mode needs the shared test photos")
    hands = {
        False: PhotoHand.from_photo(data_dir / HAND_PHOTOS["back"]),
        True: PhotoHand.from_photo(data_dir / HAND_PHOTOS["palm"]),
    }
    foot = PhotoFoot.from_photo(data_dir / FOOT_PHOTO[0], data_dir / FOOT_PHOTO[1])
    extra = {
        "composite": {
            "hand_photos": [hands[False].name, hands[True].name],
            "foot_photo": foot.name,
            "hand_landmarks": "found once by the hand tracker on the still photo, moved with it",
            "foot_axis": "estimated from the mask: long axis, toes at the narrower end",
        }
    }
    return Renderer(cfg, photo_foot_painter(foot), photo_hand_painter(hands), extra_meta=extra)
