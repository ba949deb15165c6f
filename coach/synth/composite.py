"""Composite mode, for tests only: real photos pasted along the same choreographies.

Hand photos on a white background are cut out by their brightness; the hand
is moved as a rigid picture (scaled and turned to best fit the choreography's
hand pose, then shifted so its contact point is where the choreography puts
it); its landmarks are found once on the still photo by the project's own
tracker and moved with it, so the labels of a composite clip are as good as
that one detection. The foot photo comes with a mask and hand-marked heel and
toe; it becomes the clip's foot model, so labels, zones and planned motions
are the photo foot's. The photos are test fixtures: composite clips are never
committed or shipped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from coach.errors import InputError
from coach.hands import HandTracker, HandTrackerConfig
from coach.sources import Frame
from coach.synth.foot import FootLook, FootModel, FootPlacement
from coach.synth.hand import HandLayer, HandPose, hand_landmarks
from coach.synth.render import HandPainter, Renderer, SynthConfig
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
class FootMarks:
    """A foot photo of the shared test data and what is marked on it by hand.

    The mask is a network's prediction of the foot region: it says nothing of
    which end is the heel, and in a top view it runs on into the ankle and the
    leg, so the ends are marked by hand, once, as the labels need them.

    Attributes:
        photo, mask: paths inside the data folder.
        heel: (x, y) px, the back of the heel (in a top view, where it lies under the ankle).
        toe: (x, y) px, the level of the longest toe's tip on the foot's long
            axis, which runs between the first two toes (the synthetic foot's convention).
        side: "left" or "right", the foot in the photo.
        view: "sole" or "top", the side of the foot the photo shows.
    """

    photo: str
    mask: str
    heel: tuple[float, float]
    toe: tuple[float, float]
    side: str
    view: str


# A left foot from above (toenails; little toes on the left), toes up, the leg leaving at the bottom left.
FOOT_PHOTO = FootMarks(
    "feet/focus_itw_000813.png",
    "feet/focus_itw_000813_mask.png",
    heel=(265.0, 516.0),
    toe=(268.0, 131.0),
    side="left",
    view="top",
)


@dataclass(frozen=True)
class PhotoFoot:
    """A foot cut out of a photo with its mask.

    Attributes:
        colour: (h, w, 3) float32 BGR.
        alpha: (h, w) float32 coverage.
        place: the heel, the toe and the lateral side in the photo's pixels (from its marks).
        view: the side of the foot the photo shows.
        name: the photo's file name.
    """

    colour: np.ndarray
    alpha: np.ndarray
    place: FootPlacement
    view: str
    name: str

    @classmethod
    def from_photo(cls, data_dir: Path, marks: FootMarks) -> PhotoFoot:
        """Reads a marked foot photo and its mask.

        Raises:
            InputError: a file cannot be read, the mask is empty, or the marks are not on the foot.
        """
        path, mask_path = Path(data_dir) / marks.photo, Path(data_dir) / marks.mask
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        mask = cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED)
        if image is None or mask is None:
            raise InputError(f"{path} or {mask_path}: cannot read the foot photo and its mask")
        m = (mask[..., 3] if mask.ndim == 3 and mask.shape[2] == 4 else mask.reshape(mask.shape[0], -1)) > 127
        if m.shape != image.shape[:2] or m.sum() < 100:
            raise InputError(f"{mask_path}: the foot mask is empty or not the photo's size")
        place = FootPlacement(
            np.asarray(marks.heel, float),
            np.asarray(marks.toe, float),
            FootPlacement.lateral_sign_for(marks.side, marks.view),
        )
        # The marks must lie on the foot (within 3 % of its length of the mask): a guard against
        # marks meant for another photo.
        dist = cv2.distanceTransform((~m).astype(np.uint8), cv2.DIST_L2, 5)
        for name, (x, y) in (("heel", marks.heel), ("toe", marks.toe)):
            inside = 0 <= round(y) < m.shape[0] and 0 <= round(x) < m.shape[1]
            if not inside or dist[round(y), round(x)] > 0.03 * place.length_px:
                raise InputError(f"{path}: the marked {name} ({x:.0f}, {y:.0f}) is not on the foot's mask")
        return cls(image.astype(np.float32), m.astype(np.float32), place, marks.view, path.name)

    def under_light_of(self, target_ab: np.ndarray) -> tuple[PhotoFoot, np.ndarray]:
        """The foot with its skin's colour moved to ``target_ab``, and the (2,) shift applied.

        Each photo was taken with its own light and white balance; in a session
        one camera sees the foot and the hands together. So the foot's chroma
        (CIELAB a, b) is shifted by one constant, keeping its shading and texture.

        Args:
            target_ab: (2,) CIELAB (a, b) of the hands' skin, as from :func:`skin_ab`.
        """
        shift = np.asarray(target_ab, np.float32) - skin_ab(self.colour, self.alpha)
        lab = cv2.cvtColor(np.clip(self.colour, 0, 255) / 255.0, cv2.COLOR_BGR2LAB)
        lab[..., 1:] += shift
        colour = np.clip(cv2.cvtColor(lab, cv2.COLOR_LAB2BGR) * 255.0, 0, 255).astype(np.float32)
        return replace(self, colour=colour), shift

    def model(self) -> FootModel:
        """The foot model the renderer draws, plans on and labels with: this photo in the foot frame."""
        skin = np.median(self.colour[self.alpha > 0.5], axis=0)
        look = FootLook(tuple(int(c) for c in np.clip(skin, 0, 255)), self.view)
        return FootModel.from_picture(self.colour, self.alpha, self.place, look)


def skin_ab(colour: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """(2,) median CIELAB (a, b) of a cut-out's pixels (alpha over 0.5); ``colour`` is float32 BGR 0-255."""
    lab = cv2.cvtColor(np.clip(colour, 0, 255).astype(np.float32) / 255.0, cv2.COLOR_BGR2LAB)
    return np.median(lab[alpha > 0.5][:, 1:], axis=0).astype(np.float32)


def _similarity(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, float]:
    """The similarity (turn, scale, shift) taking ``src`` points to ``dst``: (2, 3) matrix, RMS error."""
    m, _ = cv2.estimateAffinePartial2D(src.astype(np.float32), dst.astype(np.float32), method=cv2.LMEDS)
    if m is None:
        m = np.float32([[1, 0, 0], [0, 1, 0]])
    moved = src @ m[:, :2].T + m[:, 2]
    return m.astype(np.float64), float(np.sqrt(np.mean(np.sum((moved - dst) ** 2, axis=1))))


def photo_hand_painter(hands: dict[bool, PhotoHand]) -> HandPainter:
    """A hand painter pasting a photo hand where the procedural pose would be.

    The photo is turned and scaled to fit the pose's 21 landmarks best (a
    rigid hand cannot bend like the pose), then moved so that its contact
    point (the thumb tip, the palm centre or a blend, as the stroke uses) lies
    exactly where the choreography puts it: a press planned on the outer edge
    is drawn there, not a tenth of a foot length off it.

    Args:
        hands: the photo for the palm view (True) and for the back view (False).
    """

    def paint(
        pose: HandPose, size: tuple[int, int], light: np.ndarray, weights: np.ndarray
    ) -> tuple[HandLayer, np.ndarray]:
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
        m[:, 2] += weights @ want - weights @ xy
        xy = src @ m[:, :2].T + m[:, 2]
        colour = cv2.warpAffine(photo.colour, m, size, flags=cv2.INTER_LINEAR)
        alpha = cv2.warpAffine(photo.alpha, m, size, flags=cv2.INTER_LINEAR)
        shadow = soft_blur(alpha, max(1.0, pose.palm_px * 0.08))
        return HandLayer(colour, alpha, shadow, (0, 0)), xy

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
    for rel in (*HAND_PHOTOS.values(), FOOT_PHOTO.photo, FOOT_PHOTO.mask):
        if not (data_dir / rel).is_file():
            raise InputError(f"{data_dir / rel}: missing; composite mode needs the shared test photos")
    hands = {
        False: PhotoHand.from_photo(data_dir / HAND_PHOTOS["back"]),
        True: PhotoHand.from_photo(data_dir / HAND_PHOTOS["palm"]),
    }
    hands_ab = np.mean([skin_ab(h.colour, h.alpha) for h in hands.values()], axis=0)
    foot, shift = PhotoFoot.from_photo(data_dir, FOOT_PHOTO).under_light_of(hands_ab)
    extra = {
        "composite": {
            "hand_photos": [hands[False].name, hands[True].name],
            "foot_photo": foot.name,
            "hand_landmarks": "found once by the hand tracker on the still photo, moved with it",
            "foot_axis": "heel and toe marked by hand on the photo; outline and edges from its mask",
            "foot_colour_shift_ab": [round(float(x), 2) for x in shift],
        }
    }
    # The photo shows one side of the foot: the clip is that view (mirrored for the other foot).
    cfg = replace(cfg, view=foot.view)
    return Renderer(cfg, foot.model(), photo_hand_painter(hands), extra_meta=extra)
