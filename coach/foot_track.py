"""Foot stage, video part: follows a segmented foot by its colour and shape.

Segmenting a foot (:func:`coach.foot.detect_foot`) takes a second or more and
goes wrong when the hands cover the foot or a grey floor looks like skin. In a
video the foot hardly changes: it drifts and turns a little and the light
changes slowly, while the hands come and go over it. So once a foot has been
segmented well, :class:`FootFollower` keeps it:

- a :class:`ColourModel` learns the foot's colours against the background's
  (CIELAB histograms, hands left out) and turns each frame into a foot
  probability map;
- the segmented foot, drawn as a soft mask, is the template; each frame it is
  aligned to the probability map by a rigid transform (ECC, OpenCV's
  ``findTransformECC``) starting from the previous frame's pose, over a band
  round the stretches of outline where the foot's edge shows: visible (not
  under a tracked hand) and with the foot's colour stopping there. Where the
  outline runs along skin (a holding hand the hand tracker missed, an arm) or
  under something laid over the foot, nothing marks where the foot ends, and
  those stretches would pull the fit onto the skin;
- the alignment's correlation says how well the foot is seen; the colour model
  adapts slowly to the light while the fit is good.

Everything runs on a copy scaled so the foot is ``px_per_fl`` pixels long, so
the cost per frame does not depend on the camera's resolution and thresholds
are in foot lengths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class FollowConfig:
    """How a found foot is followed from frame to frame.

    Attributes:
        px_per_fl: foot length, in pixels, of the scaled copy the alignment runs on.
        margin_fl: the template reaches this far (FL) around the foot.
        blur_fl: softness of the template's edge (Gaussian sigma, FL).
        iterations: ECC iterations per frame at most.
        min_visible: smallest fraction of the template's foot pixels the hands
            must leave visible for an alignment to be tried.
        min_correlation: an alignment whose correlation is below this is not
            used (the foot keeps its last pose).
        min_gain: a new pose is taken only if it raises the correlation by at
            least this much over the last one.
        max_step_fl: largest move (FL) of the foot's centre accepted in one
            frame (a resting foot moves far less; a bigger jump is a hand or arm
            pulling the fit, and the pose stays).
        max_turn_deg: largest turn accepted in one frame.
        adapt: share of the colour model renewed per frame while the fit is good.
        adapt_correlation: the fit needed for the colour model to adapt.
        bins: CIELAB histogram bins (L, a, b).
        edge_contrast: the alignment uses only the stretches of outline where the
            foot's edge shows: the foot probability just inside the outline
            exceeds that just outside by at least this much (0 uses the whole
            visible template, edge or not).
        edge_ring_fl: how far inside and outside the outline (FL) the edge is
            looked for, and the width of the band aligned round it; also how far
            off a foot's edge may lie and still be found.
        min_edge_share: when less than this share of the visible outline shows an
            edge, the foot does not fit where it was (it moved, or is not there).
    """

    px_per_fl: float = 80.0
    margin_fl: float = 0.2
    blur_fl: float = 0.02
    iterations: int = 20
    min_visible: float = 0.3
    min_correlation: float = 0.55
    min_gain: float = 0.002
    max_step_fl: float = 0.03
    max_turn_deg: float = 3.0
    adapt: float = 0.02
    adapt_correlation: float = 0.8
    bins: tuple[int, int, int] = (8, 24, 24)
    edge_contrast: float = 0.3
    edge_ring_fl: float = 0.06
    min_edge_share: float = 0.2

    def __post_init__(self) -> None:
        if not 20 <= self.px_per_fl <= 400:
            raise ValueError(f"px_per_fl must be 20-400, got {self.px_per_fl}")
        if self.iterations < 1 or min(self.bins) < 2:
            raise ValueError("iterations must be >= 1 and every bin count >= 2")
        for name in (
            "min_visible",
            "min_correlation",
            "adapt",
            "adapt_correlation",
            "edge_contrast",
            "min_edge_share",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within 0-1, got {getattr(self, name)}")
        if self.margin_fl < 0 or self.blur_fl < 0 or self.max_step_fl <= 0 or self.max_turn_deg <= 0:
            raise ValueError("margin_fl, blur_fl must be >= 0; max_step_fl, max_turn_deg > 0")
        if not 0 < self.edge_ring_fl <= self.margin_fl:
            raise ValueError(f"edge_ring_fl must be > 0 and within margin_fl, got {self.edge_ring_fl}")


_RANGES = [0, 256, 0, 256, 0, 256]


class ColourModel:
    """Foot against background colours: a CIELAB histogram ratio.

    Args:
        lab: (h, w, 3) uint8 CIELAB picture.
        foot: (h, w) bool pixels that are foot.
        background: (h, w) bool pixels that are not (hands left out of both).
        bins: histogram bins for L, a, b.
    """

    def __init__(self, lab: np.ndarray, foot: np.ndarray, background: np.ndarray, bins: tuple[int, int, int]):
        self._bins = list(bins)
        self._foot = self._hist(lab, foot)
        self._background = self._hist(lab, background)
        self._ratio = self._make_ratio()

    def _hist(self, lab: np.ndarray, mask: np.ndarray) -> np.ndarray:
        h = cv2.calcHist([lab], [0, 1, 2], mask.astype(np.uint8), self._bins, _RANGES)
        return h / max(float(h.sum()), 1.0)

    def _make_ratio(self) -> np.ndarray:
        # A little blur spreads each colour to its neighbours (the light changes,
        # the camera is noisy); a uniform prior keeps unseen colours at 0.5.
        f = cv2.GaussianBlur(self._foot.reshape(self._bins[0], -1), (3, 3), 0).reshape(self._foot.shape)
        b = cv2.GaussianBlur(self._background.reshape(self._bins[0], -1), (3, 3), 0).reshape(
            self._background.shape
        )
        prior = 1e-4
        return ((f + prior) / (f + b + 2 * prior) * 255.0).astype(np.float32)

    def probability(self, lab: np.ndarray) -> np.ndarray:
        """(h, w) float32 0-1: how likely each pixel is foot, from its colour alone."""
        # A table look-up (cv2.calcBackProject would read a 3-D table as 2-D with channels).
        bins = self._bins
        idx = [(lab[..., c].astype(np.int32) * bins[c]) >> 8 for c in range(3)]
        return self._ratio[idx[0], idx[1], idx[2]] / np.float32(255.0)

    def adapt(self, lab: np.ndarray, foot: np.ndarray, background: np.ndarray, rate: float) -> None:
        """Moves the model a share ``rate`` towards this frame's colours."""
        if foot.sum() >= 20:
            self._foot = (1 - rate) * self._foot + rate * self._hist(lab, foot)
        if background.sum() >= 20:
            self._background = (1 - rate) * self._background + rate * self._hist(lab, background)
        self._ratio = self._make_ratio()


@dataclass(frozen=True)
class FollowResult:
    """One frame's alignment.

    Attributes:
        pose: (2, 3) float64 rigid transform from the reference frame (where the
            foot was segmented) to this frame, full-resolution pixels.
        correlation: the alignment's correlation, 0-1 (0: not aligned this frame).
        visible: fraction of the foot the hands left visible.
        fits: the foot fits this frame where the pose puts it (updated or kept).
    """

    pose: np.ndarray
    correlation: float
    visible: float
    fits: bool


def _scaled(image: np.ndarray, scale: float) -> np.ndarray:
    h, w = image.shape[:2]
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _as_uint8(mask: np.ndarray) -> np.ndarray:
    """A 0/1 mask as uint8, without a copy when it is bool."""
    return mask.view(np.uint8) if mask.dtype == np.bool_ else mask.astype(np.uint8)


def _disk(radius: int) -> np.ndarray:
    r = max(1, radius)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


class FootFollower:
    """Follows one segmented foot through the frames of a video.

    Args:
        image: (h, w, 3) uint8 BGR frame the foot was segmented in.
        outline: (k, 2) px outline of the foot in that frame.
        length_px: the foot's length in that frame, px.
        covered: (h, w) bool pixels covered by the hands in that frame.
        skin: (h, w) bool pixels surely on the hands (their bones and palms), or
            None: the colour model learns them as "not foot", so an arm or a
            holding hand the tracker missed does not pull the foot.
        config: settings.

    Attributes:
        scale: the scaled copy's size over the frame's.
        work_size: (width, height) of the scaled copy the alignment runs on.
    """

    def __init__(
        self,
        image: np.ndarray,
        outline: np.ndarray,
        length_px: float,
        covered: np.ndarray,
        skin: np.ndarray | None = None,
        config: FollowConfig | None = None,
    ) -> None:
        self.config = cfg = config or FollowConfig()
        self.scale = min(1.0, cfg.px_per_fl / max(length_px, 1.0))
        s = self.scale
        small = _scaled(image, s)
        h, w = small.shape[:2]
        self.work_size = (w, h)
        fl = length_px * s
        # cv2.resize puts full-resolution pixel x at (x + 0.5) * s - 0.5 in the scaled copy.
        exact = np.asarray(outline, np.float64) * s + (0.5 * s - 0.5)
        pts = np.round(exact).astype(np.int32)
        mask = np.zeros((h, w), np.uint8)
        cv2.fillPoly(mask, [pts], 1)
        hands = cv2.resize(covered.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
        lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB)
        inner = cv2.erode(mask, _disk(round(0.03 * fl))).astype(bool) & ~hands
        outer = (~cv2.dilate(mask, _disk(round(0.06 * fl))).astype(bool) & ~hands) | self._small(skin, w, h)
        self.colours = ColourModel(lab, inner, outer, cfg.bins)
        # The template: the foot as a soft mask, cropped with a margin around it.
        x0, y0 = pts.min(axis=0) - round(cfg.margin_fl * fl)
        x1, y1 = pts.max(axis=0) + round(cfg.margin_fl * fl)
        self._origin = np.array([x0, y0], np.float64)
        canvas = np.zeros((int(y1 - y0 + 1), int(x1 - x0 + 1)), np.uint8)
        # Filled at a sixteenth of a pixel: a scaled pixel is about 0.01 FL.
        sixteenths = np.round((exact - np.array([x0, y0])) * 16).astype(np.int32)
        cv2.fillPoly(canvas, [sixteenths], 255, cv2.LINE_8, shift=4)
        sigma = max(0.5, cfg.blur_fl * fl)
        self._template = cv2.GaussianBlur(canvas.astype(np.float32) / 255.0, (0, 0), sigma)
        self._template_foot = canvas > 0
        self._fl = fl
        # The alignment reads the probability map only where the template lands,
        # give or take its moves in one frame (far less than this) and the few
        # pixels of ECC's own smoothing and gradients.
        self._reach_px = max(8, round(0.25 * fl))
        # The warp maps template pixels to the scaled frame's pixels.
        self._warp = np.array([[1.0, 0.0, x0], [0.0, 1.0, y0]], np.float32)
        self._centre = exact.mean(axis=0) - self._origin
        # Signed distance to the template's outline, px (positive inside the foot).
        foot_u8 = self._template_foot.astype(np.uint8)
        self._sd = cv2.distanceTransform(foot_u8, cv2.DIST_L2, 5) - cv2.distanceTransform(
            1 - foot_u8, cv2.DIST_L2, 5
        )

    @staticmethod
    def _small(mask: np.ndarray | None, w: int, h: int) -> np.ndarray:
        if mask is None:
            return np.zeros((h, w), bool)
        return cv2.resize(_as_uint8(mask), (w, h), interpolation=cv2.INTER_NEAREST).view(bool)

    def _reach(self, w: int, h: int) -> tuple[int, int, int, int]:
        """x0, y0, x1, y1 of the scaled frame's pixels an alignment from the current pose can read."""
        th, tw = self._template.shape
        corners = np.array([[0.0, 0.0, 1.0], [tw, 0.0, 1.0], [0.0, th, 1.0], [tw, th, 1.0]])
        xy = corners @ self._warp.astype(np.float64).T
        m = self._reach_px
        x0, y0 = np.floor(xy.min(axis=0)).astype(int) - m
        x1, y1 = np.ceil(xy.max(axis=0)).astype(int) + m + 1
        return max(0, x0), max(0, y0), min(w, max(0, x1)), min(h, max(0, y1))

    @property
    def pose(self) -> np.ndarray:
        """(2, 3) rigid transform from the reference frame to the current one, full-resolution px."""
        a = self._warp[:, :2].astype(np.float64)
        t = self._warp[:, 2].astype(np.float64)
        # Scaled pixel q is full-resolution (q + 0.5) / scale - 0.5.
        centres = np.full(2, 0.5 / self.scale - 0.5)
        shift = (t - a @ self._origin) / self.scale + (np.eye(2) - a) @ centres
        return np.hstack([a, shift[:, None]])

    def follow(
        self,
        image: np.ndarray,
        covered: np.ndarray,
        skin: np.ndarray | Callable[[], np.ndarray] | None = None,
    ) -> FollowResult:
        """Aligns the foot to this frame.

        Args:
            image: (h, w, 3) uint8 BGR frame (same size as the first one).
            covered: (h, w) bool pixels covered by the hands (and forearms), or
                the same already at :attr:`work_size` (see :func:`coach.foot.hand_regions`).
            skin: (h, w) bool pixels surely on the hands, or None (see the class),
                or a function that draws them: it is called only on the frames
                where the colour model adapts (a few in a hundred).

        Returns:
            The pose (unchanged when the foot is too hidden or the fit is poor).
        """
        cfg = self.config
        small = _scaled(image, self.scale)
        h, w = small.shape[:2]
        # Colours and probabilities only where the alignment reads them (zero elsewhere).
        x0, y0, x1, y1 = self._reach(w, h)
        prob = np.zeros((h, w), np.float32)
        if x1 > x0 and y1 > y0:
            lab = cv2.cvtColor(small[y0:y1, x0:x1], cv2.COLOR_BGR2LAB)
            prob[y0:y1, x0:x1] = self.colours.probability(lab)
        hands = _as_uint8(covered)
        if hands.shape != (h, w):
            hands = cv2.resize(hands, (w, h), interpolation=cv2.INTER_NEAREST)
        valid = (1 - hands).astype(np.uint8)
        # How much of the foot is visible: the template's foot pixels mapped into this frame.
        th, tw = self._template.shape
        seen = cv2.warpAffine(
            valid, self._warp, (tw, th), flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0
        ).astype(bool)
        visible = float((seen & self._template_foot).sum()) / max(int(self._template_foot.sum()), 1)
        if visible < cfg.min_visible:
            return FollowResult(self.pose, 0.0, visible, False)
        warp = self._warp.copy()
        use = valid
        if cfg.edge_contrast > 0:
            edges = self._seen_edges(prob, seen)
            if edges is None:
                return FollowResult(self.pose, self._correlation(prob, valid, self._warp), visible, False)
            use = cv2.warpAffine(edges, self._warp, (w, h), flags=cv2.INTER_NEAREST, borderValue=0) & valid
        criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, cfg.iterations, 1e-4)
        try:
            rho, warp = cv2.findTransformECC(
                self._template, prob, warp, cv2.MOTION_EUCLIDEAN, criteria, use, 3
            )
        except cv2.error:
            return FollowResult(self.pose, 0.0, visible, False)
        before = self._correlation(prob, valid, self._warp)
        rho = self._correlation(prob, valid, warp)
        if rho < cfg.min_correlation:
            return FollowResult(self.pose, max(0.0, before), visible, False)
        gain = rho - before
        if use is not valid:
            gain = self._correlation(prob, use, warp) - self._correlation(prob, use, self._warp)
        if gain < cfg.min_gain or not self._plausible_step(warp):
            # No better than where the foot was (with much of it hidden, the fit
            # slides freely along what is left), or a jump (a hand or an arm
            # pulling the fit): the foot, which moves slowly, stays.
            return FollowResult(self.pose, before, visible, True)
        self._warp = warp
        if rho >= cfg.adapt_correlation and cfg.adapt > 0:
            lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB)
            skin_mask = skin() if callable(skin) else skin
            self._adapt(lab, hands.astype(bool), self._small(skin_mask, w, h))
        return FollowResult(self.pose, rho, visible, True)

    def _seen_edges(self, prob: np.ndarray, seen: np.ndarray) -> np.ndarray | None:
        """(th, tw) uint8 template pixels near the stretches of outline where the foot's edge shows.

        Where the outline runs along background, the foot's colour stops at it;
        where it runs along skin the hands tracker missed (a holding hand, an arm)
        or under something over the foot, it does not, and such a stretch would
        pull the fit. Only the band round the stretches with an edge is used.
        None when too little of the visible outline has one (the foot is not there).
        """
        cfg = self.config
        th, tw = self._template.shape
        p = cv2.warpAffine(prob, self._warp, (tw, th), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
        ring = max(2.0, cfg.edge_ring_fl * self._fl)
        sd = self._sd
        inner = ((sd > 0) & (sd <= ring) & seen).astype(np.float32)
        outer = ((sd < 0) & (sd >= -ring) & seen).astype(np.float32)
        # Local means of the probability just inside and just outside, over a ring's width along the outline.
        wi = cv2.GaussianBlur(inner, (0, 0), ring)
        wo = cv2.GaussianBlur(outer, (0, 0), ring)
        mi = cv2.GaussianBlur(p * inner, (0, 0), ring) / np.maximum(wi, 1e-6)
        mo = cv2.GaussianBlur(p * outer, (0, 0), ring) / np.maximum(wo, 1e-6)
        band = (np.abs(sd) <= ring) & seen
        edge = band & (wi > 0.05) & (wo > 0.05) & (mi - mo >= cfg.edge_contrast)
        if edge.sum() < cfg.min_edge_share * max(int(band.sum()), 1):
            return None
        return edge.astype(np.uint8)

    def _correlation(self, prob: np.ndarray, valid: np.ndarray, warp: np.ndarray) -> float:
        """The template's correlation with the probability map under ``warp`` (visible pixels only)."""
        th, tw = self._template.shape
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        seen = cv2.warpAffine(prob, warp, (tw, th), flags=flags, borderValue=0)
        mask = cv2.warpAffine(valid, warp, (tw, th), flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP)
        try:
            rho = float(cv2.computeECC(self._template, seen, mask))
        except cv2.error:
            return 0.0
        return rho if np.isfinite(rho) else 0.0

    def _plausible_step(self, warp: np.ndarray) -> bool:
        cfg = self.config
        c = np.append(self._centre, 1.0)
        step = float(np.hypot(*(warp.astype(np.float64) @ c - self._warp.astype(np.float64) @ c)))
        turn = abs(
            np.degrees(
                np.arctan2(float(warp[1, 0]), float(warp[0, 0]))
                - np.arctan2(float(self._warp[1, 0]), float(self._warp[0, 0]))
            )
        )
        turn = min(turn, 360.0 - turn)
        return step <= cfg.max_step_fl * self._fl and turn <= cfg.max_turn_deg

    def _adapt(self, lab: np.ndarray, hands: np.ndarray, skin: np.ndarray) -> None:
        h, w = lab.shape[:2]
        inside = cv2.warpAffine(
            self._template_foot.astype(np.uint8), self._warp, (w, h), flags=cv2.INTER_NEAREST, borderValue=0
        )
        fl = self._fl
        inner = cv2.erode(inside, _disk(round(0.03 * fl))).astype(bool) & ~hands
        outer = (~cv2.dilate(inside, _disk(round(0.06 * fl))).astype(bool) & ~hands) | skin
        self.colours.adapt(lab, inner, outer, self.config.adapt)
