"""Foot stage: where the foot is, which end is the heel, which side is the arch.

Each frame gets a :class:`Foot`: found or not, its outline, the heel and toe
points, which side is lateral, and a :class:`FootMap` that turns pixels into the
spec's foot coordinates ``(u, v)`` and back (pure numpy, no OpenCV).

How the foot is found (see ``docs/foot.md``):

1. **Segmentation** (:func:`segment_foot`, :func:`detect_foot`): GrabCut on a
   downscaled frame, with the frame's border band and the tracked hands
   (dilated hull of the landmarks plus a forearm stub, painted out) as
   background, run on three colour cues; the run whose mask best explains the
   picture's colours with a foot-like shape is kept. The graph cut often
   severs the leg near the ankle; a leg that runs to the frame's edge is cut
   where the heel and instep flare out (:func:`cut_leg`).
2. **Geometry** (:func:`measure_foot`): the principal axis of the mask; the toe
   end from the toe gaps (convexity defects), the width profile and the leg;
   the heel is the rearmost outline point, the toe the level of the longest
   toe's tip on the long axis; a heel lost to (or merged with) a holding hand
   is put back at 2.5 ball widths; the lateral side from the slope of the toe
   line (the big toe reaches furthest).
3. **Tracking** (:class:`FootTracker`): re-detection while the hands leave the
   foot visible, and between re-detections a similarity transform from
   optical flow on foot pixels outside the hands. Heel/toe stay consistent from
   frame to frame and the side is a vote over time.
4. **The foot is not a hand** (:func:`reject_foot_hands`): MediaPipe fires on a
   bare foot with its toes up as if it were a hand. A detection lying on the
   foot with no wrist and forearm leaving the foot, or one that mimics the
   foot (fingertips on the toe tips, pointing along the foot), is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import cv2
import numpy as np

from coach.foot_track import FollowConfig, FootFollower
from coach.hands import Hands
from coach.landmarks import FINGERTIPS, PALM, SKELETON, HandLandmark
from coach.motion import parabolic_peak
from coach.sources import Frame

L = HandLandmark

SIDES: tuple[str, ...] = ("left", "right")
CUES: tuple[str, ...] = ("bgr", "lab", "texture")
VIEWS: tuple[str, ...] = ("sole", "top")
_FINGERTIPS = list(FINGERTIPS)
# Half-width (FL) of a generic adult foot along its axis, (u, half-width): narrow heel, wide ball.
GENERIC_HALF_WIDTH: tuple[tuple[float, ...], tuple[float, ...]] = (
    (0.0, 0.05, 0.2, 0.45, 0.7, 0.85, 0.95, 1.0),
    (0.04, 0.1, 0.13, 0.14, 0.19, 0.18, 0.1, 0.03),
)


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FootConfig:
    """How the foot is found, measured and tracked.

    Sizes are fractions of the image or foot lengths (FL), never pixels.

    Attributes:
        view: "sole" (the primary set-up: the sole faces the camera) or "top".
            Together with the lateral side found in the picture it tells a left
            foot from a right one.
        side: "left" or "right" to state which foot it is (``--side``); None to
            find it from the toes.
        work_size: longest side, in pixels, of the downscaled copy segmentation
            runs on (a speed/detail trade-off, not a threshold).
        border_band: width of the frame border taken as background, as a
            fraction of the shorter image side. The leg crosses it and is cut.
        grabcut_iterations: GrabCut refinement passes.
        cues: colour cues tried at each detection (:func:`colour_cue`); the
            segmentation that best explains the picture's colours with a
            foot-like shape wins. One cue is faster, three are surer.
        min_area: smallest foot, as a fraction of the image area.
        max_area: largest foot, as a fraction of the image area.
        min_elongation: smallest length / mean width of a plausible foot.
        max_elongation: largest length / mean width of a plausible foot.
        min_contrast: smallest colour difference (CIELAB units) between the
            foot and the ring around it; below it the "foot" is noise on a
            plain picture.
        sole_length_per_width: foot length over the width at the ball, seen
            square-on (adult feet: 2.4-2.7).
        sole_min_length_per_width: a sole shorter than this for its width has
            lost its heel (to a hand or the leg); the heel is put back at
            ``sole_length_per_width``.
        sole_max_length_per_width: a sole longer than this has a hand or the
            leg merged with its heel; the heel is moved in the same way.
        heel_continues: when the back of the outline runs across skin by more
            than this (:func:`_rear_continues`, a log ratio of the colour
            contrast round the toes to that across the back: 0.7 is about half
            the toes' contrast), a hand or the leg hides the heel's back and the
            heel is put at ``sole_length_per_width`` whatever the outline's length.
        heel_may_continue: when the back of the outline runs across skin by more
            than this (same measure; 0: the back's contrast is below the toes'),
            a hand or the leg may lengthen the heel: a sole whose length is off
            ``sole_length_per_width`` by more than ``sole_doubtful_slack`` widths
            is taken to have one, and its heel is moved.
        sole_doubtful_slack: see ``heel_may_continue``.
        ball_edge_search_fl: where the heel is put at ``sole_length_per_width``,
            the ball's two edges are looked for again in the full-resolution
            picture, this far (FL) either side of the segmented outline's.
        ball_edge_span_u: ... at the levels of ``u`` within this of the
            outline's widest; each edge moves by its median move over them.
        cue_agreement_gain: a colour cue's mask with what the other two cues'
            masks agree on added competes too when that makes it this many
            times longer (along the mask's long axis: a toe tip left out; see
            :func:`detect_foot`).
        heel_cap_fl: the heel point is the middle of the outline's rearmost
            stretch this deep (FL), so a heel cut square (by a hand, a shadow
            or the picture's edge) is not put at one of its corners.
        heel_sides_u: (u0, u1): across the axis, the heel point is put midway
            between the outline's two sides over this stretch of the foot
            (:func:`_heel_between_sides`).
        outline_points: points in the reported outline.
        profile_bins: samples along ``u`` of the width profile behind ``v``.
        hand_margin: how far around a hand's landmark hull is masked, in palm sizes.
        forearm_length: length of the forearm stub masked beyond the wrist, palm sizes.
        forearm_width: its width, palm sizes.
        follow: how a found foot is followed from frame to frame
            (:class:`coach.foot_track.FollowConfig`).
        skin_chroma_same: a segmentation within this chroma distance (YCrCb
            units) of the hands' skin is fully skin-like (see :func:`detect_foot`).
        skin_chroma_falloff: beyond ``skin_chroma_same``, the distance over
            which the skin-likeness falls to its floor of 0.1.
        skin_chroma_far: pixels further than this chroma distance from the
            hands' skin are taken as background when segmenting.
        calibration_agreement_fl: with heel and toe calibrated, a segmentation
            whose heel and toe lie further than this (FL) from them found
            something else, and a generic foot outline on the calibrated axis is
            used instead.
        wait_for_skin_s: at the start of a video, the foot is first looked for
            when a hand is in view (its skin colour keeps floorboards and
            towels out of the foot, see :func:`segment_foot`), or after this
            long (0 for a still photo). Nothing is lost: without a hand there
            is no contact.
        floor_share_max: a foot found before any hand was in view is looked
            for afresh at the first frame with hands when more than this share
            of it has the floor's chroma rather than the hands' skin
            (:func:`floor_trimmed`): a floorboard was taken with it.
        relocate_after_s: the foot is looked for afresh when, for this long,
            it is in view (not under the hands) but no longer fits where it was
            (it was moved, or the camera was).
        relocate_min_visible: the share of the foot the hands must leave
            visible for a misfit to count towards relocating it.
        relocate_length_change: a new look whose foot length differs from the
            followed foot's by more than this share is not taken.
        side_min_confidence: below it ``Foot.side`` is None (the coach asks).
        side_votes: frames over which the lateral-side evidence is averaged.
        confidence_decay: factor per frame applied to the confidence while the
            foot is only tracked (never re-detected).
        lost_confidence: below this the foot counts as lost (found=False).
        reject_inside: fraction of a detection's landmarks inside the foot for
            it to be a suspect.
        forearm_reach: how far beyond the wrist a real forearm must leave the
            foot, in FL.
        mimic_angle_deg: a suspect pointing along the heel-to-toe axis within
            this angle, with its fingertips on the toe tips, mimics the foot.
    """

    view: str = "sole"
    side: str | None = None
    work_size: int = 320
    border_band: float = 0.04
    grabcut_iterations: int = 4
    cues: tuple[str, ...] = CUES
    min_area: float = 0.01
    max_area: float = 0.7
    min_elongation: float = 1.3
    max_elongation: float = 7.0
    min_contrast: float = 6.0
    sole_length_per_width: float = 2.5
    heel_cap_fl: float = 0.03
    heel_sides_u: tuple[float, float] = (0.08, 0.2)
    heel_continues: float = 0.7
    heel_may_continue: float = 0.0
    sole_doubtful_slack: float = 0.1
    ball_edge_search_fl: float = 0.03
    ball_edge_span_u: float = 0.075
    cue_agreement_gain: float = 1.02
    sole_min_length_per_width: float = 2.3
    sole_max_length_per_width: float = 2.7
    outline_points: int = 128
    profile_bins: int = 41
    hand_margin: float = 0.25
    forearm_length: float = 2.5
    forearm_width: float = 0.9
    follow: FollowConfig = field(default_factory=FollowConfig)
    calibration_agreement_fl: float = 0.15
    skin_chroma_same: float = 10.0
    skin_chroma_falloff: float = 20.0
    skin_chroma_far: float = 28.0
    wait_for_skin_s: float = 0.0
    floor_share_max: float = 0.2
    relocate_after_s: float = 1.0
    relocate_min_visible: float = 0.7
    relocate_length_change: float = 0.2
    side_min_confidence: float = 0.5
    side_votes: int = 30
    confidence_decay: float = 0.995
    lost_confidence: float = 0.15
    reject_inside: float = 0.85
    forearm_reach: float = 0.35
    mimic_angle_deg: float = 35.0

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {self.view!r}")
        if self.side is not None and self.side not in SIDES:
            raise ValueError(f"side must be one of {SIDES} or None, got {self.side!r}")
        if not 64 <= self.work_size <= 2048:
            raise ValueError(f"work_size must be 64-2048 pixels, got {self.work_size}")
        if not 0.0 < self.border_band < 0.3:
            raise ValueError(f"border_band must be within (0, 0.3) of the image, got {self.border_band}")
        if self.grabcut_iterations < 1:
            raise ValueError("grabcut_iterations must be at least 1")
        if not self.cues or any(c not in CUES for c in self.cues):
            raise ValueError(f"cues must be a non-empty tuple from {CUES}, got {self.cues}")
        if not 0.0 < self.min_area < self.max_area <= 1.0:
            raise ValueError("need 0 < min_area < max_area <= 1 (fractions of the image)")
        if not (
            1.5
            <= self.sole_min_length_per_width
            <= self.sole_length_per_width
            <= self.sole_max_length_per_width
            <= 5
        ):
            raise ValueError(
                "need 1.5 <= sole_min_length_per_width <= sole_length_per_width <= sole_max... <= 5"
            )
        if self.heel_may_continue > self.heel_continues or self.sole_doubtful_slack <= 0:
            raise ValueError("need heel_may_continue <= heel_continues and sole_doubtful_slack > 0")
        if not (0.0 < self.ball_edge_search_fl <= 0.1 and 0.0 <= self.ball_edge_span_u <= 0.3):
            raise ValueError("need 0 < ball_edge_search_fl <= 0.1 and 0 <= ball_edge_span_u <= 0.3")
        if self.cue_agreement_gain < 1.0:
            raise ValueError(f"cue_agreement_gain must be >= 1, got {self.cue_agreement_gain}")
        if not 1.0 <= self.min_elongation < self.max_elongation:
            raise ValueError("need 1 <= min_elongation < max_elongation")
        if self.outline_points < 16 or self.profile_bins < 5:
            raise ValueError("outline_points must be >= 16 and profile_bins >= 5")
        if self.wait_for_skin_s < 0:
            raise ValueError("wait_for_skin_s must not be negative")
        if self.side_votes < 1 or self.relocate_after_s <= 0 or self.relocate_length_change <= 0:
            raise ValueError("side_votes must be >= 1; relocate_after_s and relocate_length_change positive")
        for name in (
            "relocate_min_visible",
            "floor_share_max",
            "side_min_confidence",
            "confidence_decay",
            "lost_confidence",
            "reject_inside",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within 0-1, got {value}")
        for name in (
            "hand_margin",
            "forearm_length",
            "forearm_width",
            "forearm_reach",
            "min_contrast",
            "heel_cap_fl",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if not 0.0 <= self.heel_sides_u[0] < self.heel_sides_u[1] <= 0.5:
            raise ValueError(f"heel_sides_u must be (u0, u1), 0 <= u0 < u1 <= 0.5, got {self.heel_sides_u}")
        if not 0 < self.mimic_angle_deg < 90:
            raise ValueError("mimic_angle_deg must be within (0, 90)")


# ---------------------------------------------------------------------------
# The mapping: pixels <-> (u, v)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FootMap:
    """Pixels to foot coordinates and back, for one frame. Pure numpy.

    ``u`` runs along the heel-to-toe axis, 0 at ``heel`` and 1 at ``toe``.
    Across it, ``s`` is the signed distance (FL) towards the lateral side; the
    outline gives the medial and lateral edges at each ``u`` and
    ``v = (s - medial(u)) / (lateral(u) - medial(u))``: 0 on the medial edge,
    1 on the lateral edge. Points off the foot get ``v`` outside 0-1 and
    ``u`` outside 0-1; nothing is clipped.

    Attributes:
        heel: (2,) float64 back of the heel, px.
        toe: (2,) float64 tip of the longest toe, px.
        lateral_sign: +1 when the lateral side is 90 degrees clockwise of the
            heel-to-toe direction in the picture (x right, y down), else -1.
        u_table: (m,) float64 increasing samples of u in 0-1.
        medial: (m,) float64 s of the medial edge at each u, FL.
        lateral: (m,) float64 s of the lateral edge at each u, FL.
    """

    heel: np.ndarray
    toe: np.ndarray
    lateral_sign: int
    u_table: np.ndarray
    medial: np.ndarray
    lateral: np.ndarray

    def __post_init__(self) -> None:
        if np.shape(self.heel) != (2,) or np.shape(self.toe) != (2,):
            raise ValueError("FootMap.heel and toe must be (2,) pixels")
        if self.lateral_sign not in (-1, 1):
            raise ValueError(f"FootMap.lateral_sign must be +1 or -1, got {self.lateral_sign}")
        m = len(self.u_table)
        if m < 2 or self.medial.shape != (m,) or self.lateral.shape != (m,):
            raise ValueError("FootMap.u_table, medial and lateral must be (m,) with m >= 2")
        if not np.all(self.lateral > self.medial):
            raise ValueError("FootMap: the lateral edge must lie on the lateral side of the medial edge")
        if self.length_px < 1.0:
            raise ValueError("FootMap: heel and toe are less than a pixel apart")

    @classmethod
    def from_outline(
        cls,
        outline: np.ndarray,
        heel: np.ndarray,
        toe: np.ndarray,
        lateral_sign: int,
        bins: int = 41,
        min_half_width: float = 0.02,
        edge_floor: float = 0.0,
    ) -> FootMap:
        """Measures the medial and lateral edges of an outline along the axis.

        Args:
            outline: (k, 2) closed polygon, px.
            heel: (2,) px.
            toe: (2,) px.
            lateral_sign: see the class docstring.
            bins: samples of u in 0-1.
            min_half_width: smallest half-width in FL, so ``v`` stays defined at
                the very heel and toe tips.
            edge_floor: neither edge comes closer to the axis than this share of
                a generic adult foot's half-width (:data:`GENERIC_HALF_WIDTH`):
                where a hand cuts into the outline (a holding hand over the
                heel), the foot goes on under it.

        Returns:
            The mapping.
        """
        heel = np.asarray(heel, np.float64)
        toe = np.asarray(toe, np.float64)
        u_table = np.linspace(0.0, 1.0, bins)
        probe = cls(heel, toe, lateral_sign, u_table, np.full(bins, -0.2), np.full(bins, 0.2))
        a_s = probe.to_as(np.asarray(outline, np.float64).reshape(-1, 2))
        p0, p1 = a_s, np.roll(a_s, -1, axis=0)
        lo, hi = np.minimum(p0[:, 0], p1[:, 0]), np.maximum(p0[:, 0], p1[:, 0])
        # Where each edge of the polygon crosses each line u = const.
        uu = u_table[None, :]
        crosses = (lo[:, None] <= uu) & (uu <= hi[:, None]) & (hi - lo > 1e-12)[:, None]
        frac = (uu - p0[:, :1]) / np.where(np.abs(p1[:, :1] - p0[:, :1]) > 1e-12, p1[:, :1] - p0[:, :1], 1.0)
        s_at = p0[:, 1:2] + frac * (p1[:, 1:2] - p0[:, 1:2])
        med = np.where(crosses, s_at, np.inf).min(axis=0)
        lat = np.where(crosses, s_at, -np.inf).max(axis=0)
        ok = np.isfinite(med) & np.isfinite(lat)
        if ok.sum() >= 2:
            med = np.interp(u_table, u_table[ok], med[ok])
            lat = np.interp(u_table, u_table[ok], lat[ok])
        else:
            med, lat = np.full(bins, -0.15), np.full(bins, 0.15)
        floor = edge_floor * np.interp(u_table, *GENERIC_HALF_WIDTH)
        med, lat = np.minimum(med, -floor), np.maximum(lat, floor)
        centre = (med + lat) / 2
        half = np.maximum((lat - med) / 2, min_half_width)
        return cls(heel, toe, lateral_sign, u_table, centre - half, centre + half)

    @property
    def length_px(self) -> float:
        """The foot length (FL) in pixels."""
        return float(np.hypot(*(self.toe - self.heel)))

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        """(2,) unit vectors in the picture: heel-to-toe, and towards the lateral side."""
        a = (self.toe - self.heel) / self.length_px
        return a, self.lateral_sign * np.array([-a[1], a[0]])

    def to_as(self, points_px: np.ndarray) -> np.ndarray:
        """Pixels (n, 2) to the foot frame (a, s) in FL: along the axis and towards lateral."""
        d = np.asarray(points_px, np.float64).reshape(-1, 2) - self.heel
        ax, lat = self.axes()
        return np.stack([d @ ax, d @ lat], axis=-1) / self.length_px

    def to_uv(self, points_px: np.ndarray) -> np.ndarray:
        """Pixels to foot coordinates.

        Args:
            points_px: (n, 2) pixels (any shape ending in 2 is flattened).

        Returns:
            (n, 2) float64 (u, v).
        """
        a_s = self.to_as(points_px)
        u = a_s[:, 0]
        med = np.interp(u, self.u_table, self.medial)
        lat = np.interp(u, self.u_table, self.lateral)
        return np.stack([u, (a_s[:, 1] - med) / (lat - med)], axis=-1)

    def to_px(self, uv: np.ndarray) -> np.ndarray:
        """Foot coordinates to pixels, the inverse of :meth:`to_uv`.

        Args:
            uv: (n, 2) foot coordinates.

        Returns:
            (n, 2) float64 pixels.
        """
        uv = np.asarray(uv, np.float64).reshape(-1, 2)
        u = uv[:, 0]
        med = np.interp(u, self.u_table, self.medial)
        lat = np.interp(u, self.u_table, self.lateral)
        s = med + uv[:, 1] * (lat - med)
        ax, lt = self.axes()
        return self.heel + self.length_px * (u[:, None] * ax + s[:, None] * lt)

    def width_fl(self, u: float) -> float:
        """Width of the foot at ``u``, in FL."""
        return float(np.interp(u, self.u_table, self.lateral) - np.interp(u, self.u_table, self.medial))


# ---------------------------------------------------------------------------
# The stage's output
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Foot:
    """The foot in one frame.

    Attributes:
        found: a foot is known in this frame; when False nothing below means
            anything: no contact, no coverage.
        outline: (k, 2) float32 closed outline, px (k = 0 when not found).
        heel: (2,) float32 back of the heel, px (NaN when not found).
        toe: (2,) float32 tip of the longest toe, px (NaN when not found).
        lateral_sign: +1 when the lateral (little-toe) side is 90 degrees
            clockwise of heel-to-toe in the picture, -1 when counter-clockwise,
            0 when not found. The medial side is the other one.
        side: "left" or "right" foot, or None while unsure (the coach asks).
        side_confidence: 0-1, how sure the side is (1 when stated by the user).
        confidence: 0-1, how sure the whole estimate is.
        bbox: (4,) float32 x0, y0, x1, y1 of the outline, px.
        image_size: (width, height) of the frame.
        t_ms: the frame's timestamp.
        view: "sole" or "top".
        calibrated: heel and toe come from the user (clicks or ``--heel/--toe``).
        detected: this frame was segmented (False: carried by tracking).
        message: why no foot is found, for the user; empty when found.
        map: the pixel-to-(u, v) mapping, or None when not found.
    """

    found: bool
    outline: np.ndarray
    heel: np.ndarray
    toe: np.ndarray
    lateral_sign: int
    side: str | None
    side_confidence: float
    confidence: float
    bbox: np.ndarray
    image_size: tuple[int, int]
    t_ms: int = 0
    view: str = "sole"
    calibrated: bool = False
    detected: bool = False
    message: str = ""
    map: FootMap | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        k = self.outline.shape[0]
        if self.outline.shape != (k, 2) or self.heel.shape != (2,) or self.toe.shape != (2,):
            raise ValueError("Foot.outline must be (k, 2), heel and toe (2,)")
        if self.bbox.shape != (4,):
            raise ValueError("Foot.bbox must be (4,)")
        if self.side is not None and self.side not in SIDES:
            raise ValueError(f"Foot.side must be one of {SIDES} or None, got {self.side!r}")
        if self.view not in VIEWS:
            raise ValueError(f"Foot.view must be one of {VIEWS}, got {self.view!r}")
        if self.found and (k < 3 or self.map is None or self.lateral_sign not in (-1, 1)):
            raise ValueError("a found Foot needs an outline of 3+ points, a map and lateral_sign +-1")

    @classmethod
    def empty(cls, image_size: tuple[int, int], t_ms: int = 0, message: str = "", view: str = "sole") -> Foot:
        """No foot: found False, empty arrays, never None."""
        nan2 = np.full(2, np.nan, np.float32)
        return cls(
            found=False,
            outline=np.zeros((0, 2), np.float32),
            heel=nan2,
            toe=nan2.copy(),
            lateral_sign=0,
            side=None,
            side_confidence=0.0,
            confidence=0.0,
            bbox=np.zeros(4, np.float32),
            image_size=image_size,
            t_ms=t_ms,
            view=view,
            message=message
            or "no foot found: put the whole bare foot in the picture, sole to the camera, hands away",
        )

    @classmethod
    def build(
        cls,
        outline: np.ndarray,
        heel: np.ndarray,
        toe: np.ndarray,
        lateral_sign: int,
        image_size: tuple[int, int],
        *,
        side: str | None = None,
        side_confidence: float = 0.0,
        confidence: float = 1.0,
        t_ms: int = 0,
        view: str = "sole",
        calibrated: bool = False,
        detected: bool = False,
        bins: int = 41,
        edge_floor: float = 0.5,
    ) -> Foot:
        """A found foot, with its mapping measured from the outline.

        Args:
            outline: (k, 2) px.
            heel: (2,) px.
            toe: (2,) px.
            lateral_sign: +1 or -1 (see the class docstring).
            image_size: (width, height).
            side: which foot, or None.
            side_confidence: 0-1.
            confidence: 0-1.
            t_ms: timestamp.
            view: "sole" or "top".
            calibrated: heel and toe given by the user.
            detected: segmented in this frame.
            bins: samples of the width profile.
            edge_floor: see :meth:`FootMap.from_outline`; a hand hiding part of
                the foot does not narrow the mapping there.
        """
        outline = np.asarray(outline, np.float32).reshape(-1, 2)
        heel = np.asarray(heel, np.float32).reshape(2)
        toe = np.asarray(toe, np.float32).reshape(2)
        fmap = FootMap.from_outline(outline, heel, toe, int(lateral_sign), bins=bins, edge_floor=edge_floor)
        bbox = np.concatenate([outline.min(axis=0), outline.max(axis=0)]).astype(np.float32)
        return cls(
            found=True,
            outline=outline,
            heel=heel,
            toe=toe,
            lateral_sign=int(lateral_sign),
            side=side,
            side_confidence=float(side_confidence),
            confidence=float(np.clip(confidence, 0.0, 1.0)),
            bbox=bbox,
            image_size=image_size,
            t_ms=t_ms,
            view=view,
            calibrated=calibrated,
            detected=detected,
            map=fmap,
        )

    @property
    def length_px(self) -> float:
        """The foot length (FL) in pixels; 0 when not found."""
        return float(np.hypot(*(self.toe - self.heel))) if self.found else 0.0

    def to_uv(self, points_px: np.ndarray) -> np.ndarray:
        """(n, 2) pixels to (n, 2) foot coordinates; NaN when no foot is found."""
        pts = np.asarray(points_px, np.float64).reshape(-1, 2)
        if self.map is None:
            return np.full(pts.shape, np.nan)
        return self.map.to_uv(pts)

    def to_px(self, uv: np.ndarray) -> np.ndarray:
        """(n, 2) foot coordinates to (n, 2) pixels; NaN when no foot is found."""
        uv = np.asarray(uv, np.float64).reshape(-1, 2)
        if self.map is None:
            return np.full(uv.shape, np.nan)
        return self.map.to_px(uv)

    def mask(self, dilate_fl: float = 0.0) -> np.ndarray:
        """(h, w) bool: the inside of the outline, grown by ``dilate_fl`` foot lengths."""
        w, h = self.image_size
        m = np.zeros((h, w), np.uint8)
        if not self.found:
            return m.astype(bool)
        cv2.fillPoly(m, [np.round(self.outline).astype(np.int32)], 1)
        r = round(dilate_fl * self.length_px)
        if r > 0:
            m = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
        return m.astype(bool)

    def covers(self, points_px: np.ndarray, dilate_fl: float = 0.0) -> np.ndarray:
        """(n,) bool: which points fall on :meth:`mask` grown by ``dilate_fl``, without drawing it.

        Pixel for pixel the same answer as ``mask(dilate_fl)`` looked up at the
        rounded points (False off the frame), but only the outline's box is
        drawn and the growing is tested in a window around each point near the
        edge: the cost does not grow with the frame's size.

        Args:
            points_px: (n, 2) px.
            dilate_fl: how far the outline is grown, FL.
        """
        pts = np.round(np.asarray(points_px, np.float64).reshape(-1, 2))
        out = np.zeros(len(pts), bool)
        if not self.found or len(pts) == 0:
            return out
        w, h = self.image_size
        poly = np.round(self.outline).astype(np.int32)
        r = max(0, round(dilate_fl * self.length_px))
        # Every pixel of the grown mask lies in the outline's box grown by r, within the frame.
        lo = np.maximum(poly.min(axis=0) - r, 0)
        hi = np.minimum(poly.max(axis=0) + r, np.array([w - 1, h - 1]))
        if np.any(hi < lo):
            return out
        bh, bw = int(hi[1] - lo[1]) + 1, int(hi[0] - lo[0]) + 1
        local = pts - lo
        near = (local[:, 0] >= 0) & (local[:, 0] < bw) & (local[:, 1] >= 0) & (local[:, 1] < bh)
        if not near.any():
            return out
        local = np.where(near[:, None], local, 0).astype(np.int64)
        box = np.zeros((bh, bw), np.uint8)
        cv2.fillPoly(box, [poly - lo.astype(np.int32)], 1)
        out[near] = box[local[near, 1], local[near, 0]] > 0
        if r > 0:
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
            for i in np.flatnonzero(near & ~out):
                x, y = int(local[i, 0]), int(local[i, 1])
                x0, y0 = max(0, x - r), max(0, y - r)
                x1, y1 = min(bw, x + r + 1), min(bh, y + r + 1)
                k = kernel[y0 - y + r : y1 - y + r, x0 - x + r : x1 - x + r]
                out[i] = bool((box[y0:y1, x0:x1] & k).any())
        return out

    def contains(self, points_px: np.ndarray, margin_fl: float = 0.0) -> np.ndarray:
        """(n,) bool: which points lie inside the outline (grown by ``margin_fl`` FL)."""
        pts = np.asarray(points_px, np.float64).reshape(-1, 2)
        if not self.found or len(pts) == 0:
            return np.zeros(len(pts), bool)
        poly = self.outline.reshape(-1, 1, 2).astype(np.float32)
        d = np.array([cv2.pointPolygonTest(poly, (float(x), float(y)), True) for x, y in pts])
        return d >= -margin_fl * self.length_px

    def with_side(self, side: str | None, side_confidence: float) -> Foot:
        """The same foot with another side verdict."""
        return replace(self, side=side, side_confidence=float(side_confidence))

    def to_json(self) -> dict[str, object]:
        """JSON-ready summary for ``session.json`` (``foot: {found, ...}``)."""
        if not self.found:
            return {"found": False, "message": self.message}
        return {
            "found": True,
            "heel": [round(float(x), 1) for x in self.heel],
            "toe": [round(float(x), 1) for x in self.toe],
            "length_px": round(self.length_px, 1),
            "side": self.side,
            "side_confidence": round(self.side_confidence, 3),
            "lateral_sign": self.lateral_sign,
            "view": self.view,
            "confidence": round(self.confidence, 3),
            "calibrated": self.calibrated,
        }


def side_from_lateral(lateral_sign: int, view: str) -> str:
    """Which foot it is, from the lateral side in the picture and the view.

    Seen from the top with the toes up, a right foot's little toe is on the
    right (``lateral_sign`` +1); seen from the sole it is mirrored.
    """
    return "right" if (lateral_sign > 0) == (view == "top") else "left"


def lateral_from_side(side: str, view: str) -> int:
    """Inverse of :func:`side_from_lateral`."""
    if side not in SIDES or view not in VIEWS:
        raise ValueError(f"side must be one of {SIDES} and view one of {VIEWS}")
    return 1 if (side == "right") == (view == "top") else -1


# ---------------------------------------------------------------------------
# Segmentation
# ---------------------------------------------------------------------------


def _disk(radius: int) -> np.ndarray:
    r = max(1, int(radius))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def _largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected component of a bool mask, holes filled."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(mask.shape, bool)
    blob = (labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))).astype(np.uint8)
    contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(blob)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    return filled.astype(bool)


def _outer_contour(mask: np.ndarray) -> np.ndarray | None:
    """(m, 2) int px outline of the mask's largest region, or None for an empty mask."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    return max(contours, key=cv2.contourArea).reshape(-1, 2) if contours else None


def _band_px(cfg: FootConfig, shape: tuple[int, int]) -> int:
    """Width in pixels of the border band (``border_band``) of a picture of ``shape`` (h, w)."""
    return max(2, round(cfg.border_band * min(shape)))


def _band(shape: tuple[int, int], width: int) -> np.ndarray:
    band = np.zeros(shape, bool)
    band[:width], band[-width:], band[:, :width], band[:, -width:] = True, True, True, True
    return band


def colour_cue(image: np.ndarray, cue: str) -> np.ndarray:
    """The picture as GrabCut should see it for one colour cue.

    Args:
        image: (h, w, 3) uint8 BGR.
        cue: "bgr" (as is), "lab" (CIELAB: chroma apart from lightness) or
            "texture" (half the lightness, red-green chroma, and local
            fine-texture energy: tells smooth skin from wood grain or stone of
            the same colour).

    Returns:
        (h, w, 3) uint8.
    """
    if cue == "bgr":
        return image
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2Lab)
    if cue == "lab":
        return lab
    if cue == "texture":
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
        fine = grey - cv2.GaussianBlur(grey, (0, 0), 1.5)
        energy = np.sqrt(cv2.GaussianBlur(fine * fine, (0, 0), 3.0))
        tex = np.clip(energy * 12.0, 0, 255).astype(np.uint8)
        return cv2.merge([lab[..., 0] // 2 + 64, lab[..., 1], tex])
    raise ValueError(f"unknown colour cue {cue!r}; expected one of {CUES}")


def segment_foot(
    image: np.ndarray,
    config: FootConfig | None = None,
    exclude: np.ndarray | None = None,
    cue: str = "bgr",
    skin: np.ndarray | None = None,
) -> np.ndarray:
    """Segments the foot in one picture with one colour cue.

    GrabCut with the frame's border band (and ``exclude``: the hands and their
    forearms; and, when the skin's chroma is known, every pixel whose chroma is
    far from it) as sure background and everything else as probable foreground;
    the colour models settle on the foot, and the boundary term cuts the leg
    where it narrows. The largest component is kept with its holes filled
    (a hand lying on the sole leaves a hole).

    Args:
        image: (h, w, 3) uint8 BGR.
        config: settings; defaults if None.
        exclude: (h, w) bool pixels that are certainly not foot, or None.
        cue: how GrabCut sees colour (:func:`colour_cue`).
        skin: (2,) (Cr, Cb) chroma of the hands in this picture, or None.

    Returns:
        (h, w) bool foot mask (all False when nothing stands out).
    """
    cfg = config or FootConfig()
    h, w = image.shape[:2]
    scale = min(1.0, cfg.work_size / max(h, w))
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    if skin is not None:
        # Not skin under this light: a floorboard or towel the foot would otherwise take in.
        chroma = cv2.cvtColor(image, cv2.COLOR_BGR2YCrCb)[..., 1:].astype(np.float32)
        far = np.hypot(chroma[..., 0] - skin[0], chroma[..., 1] - skin[1]) > cfg.skin_chroma_far
        exclude = far if exclude is None else (exclude | far)
    # The cue is computed at full resolution: texture energy is about the skin's
    # and the floor's fine grain, which downscaling would wipe out.
    cued = colour_cue(image, cue)
    small = cv2.resize(cued, size, interpolation=cv2.INTER_AREA) if scale < 1.0 else cued
    sh, sw = small.shape[:2]
    gc = np.full((sh, sw), cv2.GC_PR_FGD, np.uint8)
    gc[_band((sh, sw), _band_px(cfg, (sh, sw)))] = cv2.GC_BGD
    if exclude is not None and exclude.any():
        ex = cv2.resize(exclude.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        gc[ex] = cv2.GC_BGD
        # Hands are skin like the foot: left in, they would teach the background
        # model skin colours. Painted over with the rest of the background's
        # typical colour, they say nothing either way.
        rest = (gc == cv2.GC_BGD) & ~ex
        if rest.any():
            small = small.copy()
            small[ex] = np.median(small[rest], axis=0).astype(np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    # GrabCut seeds its colour models with OpenCV's k-means; a fixed seed makes
    # a recording analysed twice give the same foot.
    cv2.setRNGSeed(0)
    try:
        cv2.grabCut(small, gc, None, bgd, fgd, cfg.grabcut_iterations, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        # Degenerate colour statistics (a flat picture): nothing stands out.
        return np.zeros((h, w), bool)
    fg = (gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)
    blob = _largest_component(fg)
    if not blob.any():
        return np.zeros((h, w), bool)
    # Smooth away single-pixel spurs and notches at the working scale.
    r = max(1, round(0.01 * min(sh, sw)))
    blob = cv2.morphologyEx(blob.astype(np.uint8), cv2.MORPH_OPEN, _disk(r)).astype(bool)
    blob = _largest_component(blob)
    if scale < 1.0:
        up = cv2.resize(blob.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        blob = up >= 0.5
    return blob


# ---------------------------------------------------------------------------
# Geometry: axis, toe end, heel and toe points, lateral side
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FootShape:
    """What the outline of one segmentation says, before tracking.

    Attributes:
        outline: (k, 2) float32 px, evenly spaced along the contour.
        heel: (2,) float32 px.
        toe: (2,) float32 px.
        toe_confidence: 0-1, how sure the toe end is (0.5-ish is a coin toss).
        lateral_sign: +1/-1, the lateral side found from the toe line.
        lateral_confidence: 0-1.
        area: pixels in the mask.
        elongation: length / mean width.
        contrast: CIELAB distance between the foot and the ring around it.
        mask: (h, w) bool the segmentation it was measured on (less a strip
            of leg :func:`cut_severed_leg` took off behind the heel).
        leg_point: (2,) px where a leg was cut off, or None.
    """

    outline: np.ndarray
    heel: np.ndarray
    toe: np.ndarray
    toe_confidence: float
    lateral_sign: int
    lateral_confidence: float
    area: float
    elongation: float
    contrast: float
    mask: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros((0, 0), bool))
    leg_point: np.ndarray | None = None

    def flipped(self) -> FootShape:
        """Heel and toe swapped (the lateral side is measured again by the caller)."""
        return replace(self, heel=self.toe, toe=self.heel, toe_confidence=1.0 - self.toe_confidence)


def _resample(contour: np.ndarray, n: int) -> np.ndarray:
    """A closed contour resampled to ``n`` points evenly spaced along its length."""
    c = contour.reshape(-1, 2).astype(np.float64)
    closed = np.vstack([c, c[:1]])
    dist = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(closed, axis=0), axis=1))])
    at = np.linspace(0.0, dist[-1], n, endpoint=False)
    return np.stack([np.interp(at, dist, closed[:, 0]), np.interp(at, dist, closed[:, 1])], axis=1)


def _contrast(image: np.ndarray, mask: np.ndarray, length: float) -> float:
    """CIELAB distance between the mean colour inside the mask and in a ring around it."""
    r = max(2, round(0.06 * length))
    ring = cv2.dilate(mask.astype(np.uint8), _disk(r)).astype(bool) & ~mask
    if not ring.any() or not mask.any():
        return 0.0
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2Lab).astype(np.float32)
    return float(np.linalg.norm(lab[mask].mean(axis=0) - lab[ring].mean(axis=0)))


def _toe_gaps(contour: np.ndarray, t: np.ndarray, length: float) -> tuple[float, float]:
    """Depth of the toe gaps (convexity defects) near each end, in toe-gap units.

    Args:
        contour: (m, 2) int32 contour, px.
        t: (m,) position of each contour point along the axis, 0-1.
        length: foot length, px.

    Returns:
        (at the t=0 end, at the t=1 end); about 1 per toe gap.
    """
    pts = contour.reshape(-1, 1, 2).astype(np.int32)
    try:
        hull = cv2.convexHull(pts, returnPoints=False)
        defects = cv2.convexityDefects(pts, hull) if hull is not None and len(hull) > 3 else None
    except cv2.error:
        # OpenCV rejects self-touching contours here; no gaps then.
        defects = None
    lo = hi = 0.0
    if defects is None:
        return lo, hi
    for _, _, far, depth_fixed in defects.reshape(-1, 4):
        depth = depth_fixed / 256.0 / length
        # Gaps between toes are a few hundredths of a foot length deep; deeper
        # notches are the leg, an ankle or a hand, not toes.
        if 0.012 <= depth <= 0.10:
            weight = min(depth / 0.03, 1.0)
            if t[far] <= 0.22:
                lo += weight
            elif t[far] >= 0.78:
                hi += weight
    return lo, hi


def _toe_line(a_s: np.ndarray, bins: int = 8) -> tuple[float, float]:
    """Slope of the toe line across the foot.

    Args:
        a_s: (k, 2) outline in the foot frame (a along heel-to-toe, s across
            towards +n), FL, heel at a=0, toe at a=1.
        bins: strips across the foot.

    Returns:
        (slope, quality): d(reach)/ds of the furthest reach of the toes per strip
        (positive: the +n side reaches further, i.e. the big toe is there), and
        0-1 quality of the fit.
    """
    front = a_s[a_s[:, 0] >= 0.6]
    if len(front) < 6:
        return 0.0, 0.0
    s = front[:, 1]
    edges = np.linspace(s.min(), s.max(), bins + 1)
    idx = np.clip(np.digitize(s, edges) - 1, 0, bins - 1)
    xs, ys = [], []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            xs.append((edges[b] + edges[b + 1]) / 2)
            ys.append(front[sel, 0].max())
    if len(xs) < 3:
        return 0.0, 0.0
    xs_a, ys_a = np.array(xs), np.array(ys)
    slope, icpt = np.polyfit(xs_a, ys_a, 1)
    resid = ys_a - (slope * xs_a + icpt)
    spread = float(np.ptp(ys_a)) + 1e-6
    quality = float(np.clip(1.0 - np.sqrt(np.mean(resid**2)) / spread, 0.0, 1.0))
    return float(slope), quality


def _lateral_from_toes(outline: np.ndarray, heel: np.ndarray, toe: np.ndarray) -> tuple[int, float]:
    """Lateral side from the toes: the big toe reaches furthest, on the medial side.

    Returns:
        (lateral_sign, confidence 0-1).
    """
    probe = FootMap(
        heel.astype(np.float64), toe.astype(np.float64), 1, np.array([0.0, 1.0]), -np.ones(2), np.ones(2)
    )
    slope, quality = _toe_line(probe.to_as(outline))
    # With lateral_sign = +1 the probe's s grows towards the lateral side, so a
    # positive slope (reach grows laterally) means the big toe is on the other side.
    sign = -1 if slope > 0 else 1
    # A foot's toe line drops by roughly 0.15 FL over 0.3 FL of width.
    conf = float(np.clip(abs(slope) / 0.45, 0.0, 1.0) * quality)
    return sign, conf


def _colour_across(image: np.ndarray, contour: np.ndarray, length: float) -> np.ndarray:
    """(m,) CIELAB difference between just outside and just inside the outline at each contour point.

    Args:
        image: (h, w, 3) uint8 BGR.
        contour: (m, 2) contour, px.
        length: foot length, px (the two samples lie 0.05 of it either side).
    """
    h, w = image.shape[:2]
    lab = cv2.cvtColor(cv2.GaussianBlur(image, (0, 0), max(1.0, 0.01 * length)), cv2.COLOR_BGR2Lab)
    lab = lab.astype(np.float32)
    c = contour.astype(np.float64)
    tangent = np.roll(c, -3, axis=0) - np.roll(c, 3, axis=0)
    normal = np.stack([tangent[:, 1], -tangent[:, 0]], axis=1)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-9)
    # findContours runs one way round; make the normals point outwards.
    area2 = float(np.sum(c[:, 0] * np.roll(c[:, 1], -1) - np.roll(c[:, 0], -1) * c[:, 1]))
    if area2 < 0:
        normal = -normal
    delta = 0.05 * length
    out = np.clip(np.round(c + delta * normal), 0, [w - 1, h - 1]).astype(int)
    inn = np.clip(np.round(c - delta * normal), 0, [w - 1, h - 1]).astype(int)
    return np.linalg.norm(lab[out[:, 1], out[:, 0]] - lab[inn[:, 1], inn[:, 0]], axis=1)


def _skin_goes_on(diff: np.ndarray, where: np.ndarray, toes: np.ndarray) -> float:
    """Log ratio of the colour contrast across the toes to that across the outline ``where``.

    Returns:
        About -2..2; positive when ``where`` runs across the same colour on
        both sides (skin going on) more than the toes do; 0 when either is empty.
    """
    if not where.any() or not toes.any():
        return 0.0
    d_where, d_toes = float(np.median(diff[where])), float(np.median(diff[toes]))
    return float(np.clip(math.log((d_toes + 3.0) / (d_where + 3.0)), -2.0, 2.0))


def _continuing_end(image: np.ndarray, contour: np.ndarray, t01: np.ndarray, length: float) -> float:
    """Which end of the outline runs across skin rather than along the foot's edge.

    Where GrabCut severed the leg, the colour on both sides of the outline is
    the same skin; round the toes (and a heel with nothing behind it) it
    changes to the background.

    Args:
        image: (h, w, 3) uint8 BGR.
        contour: (m, 2) contour, px.
        t01: (m,) position of each contour point along the axis, 0-1.
        length: foot length, px.

    Returns:
        Positive when the t=0 end is the continuing one (so the toes are at
        t=1), negative for the other way; about -2..2, 0 when alike.
    """
    return _skin_goes_on(_colour_across(image, contour, length), t01 < 0.1, t01 > 0.9)


def _hands_border(
    outline: np.ndarray,
    heel: np.ndarray,
    toe: np.ndarray,
    occluded: np.ndarray | None,
    u_range: tuple[float, float],
    share: float,
) -> bool:
    """Whether hands lie along more than ``share`` of the outline between two levels of ``u``."""
    if occluded is None or not occluded.any():
        return False
    h, w = occluded.shape
    length = float(np.hypot(*(toe - heel)))
    grown = cv2.dilate(occluded.astype(np.uint8), _disk(max(1, round(0.03 * length)))) > 0
    u = (outline - heel) @ ((toe - heel) / length) / length
    part = np.round(outline[(u >= u_range[0]) & (u <= u_range[1])]).astype(int)
    part = part[(part[:, 0] >= 0) & (part[:, 0] < w) & (part[:, 1] >= 0) & (part[:, 1] < h)]
    return bool(len(part)) and float(grown[part[:, 1], part[:, 0]].mean()) > share


def _forefoot_hidden(
    outline: np.ndarray, heel: np.ndarray, toe: np.ndarray, occluded: np.ndarray | None
) -> bool:
    """Whether hands border the front of the outline (so its width there is not the ball's)."""
    return _hands_border(outline, heel, toe, occluded, (0.4, np.inf), 0.05)


def _heel_hidden(outline: np.ndarray, heel: np.ndarray, toe: np.ndarray, occluded: np.ndarray | None) -> bool:
    """Whether hands border the back of the outline (its rearmost stretch is then a hand's edge)."""
    return _hands_border(outline, heel, toe, occluded, (-np.inf, 0.1), 0.2)


def _rear_continues(image: np.ndarray, contour: np.ndarray, heel: np.ndarray, toe: np.ndarray) -> float:
    """How much more the outline's back runs across skin than its toes do (:func:`_continuing_end`).

    Round the toes the outline always meets the background. Where the back of
    the outline meets skin too (a holding hand MediaPipe does not see, or the
    leg continuing from the ankle in a top view), the heel goes on under it.

    Returns:
        About -2..2; positive when the back's colour contrast is the lower.
    """
    length = float(np.hypot(*(toe - heel)))
    if length < 1.0:
        return 0.0
    u = (contour - heel) @ ((toe - heel) / length) / length
    return _continuing_end(image, contour, u, length)


def _complete_heel(
    outline: np.ndarray,
    heel: np.ndarray,
    toe: np.ndarray,
    cfg: FootConfig,
    hidden: bool = False,
    doubtful: bool = False,
    image: np.ndarray | None = None,
) -> np.ndarray:
    """Puts the heel back where a sole of this width has it, when the outline disagrees.

    A hand cupping the heel, or the leg behind it, can take the heel's back off
    the segmentation or merge with it. Seen square-on, a sole is about
    ``sole_length_per_width`` times as long as it is wide at the ball; a sole
    much shorter or longer than that has lost its heel or grown a hand, and the
    heel is put at that length on the midline of the arch region.

    Args:
        outline: (k, 2) px.
        heel: (2,) px, the outline's point furthest back.
        toe: (2,) px.
        cfg: settings.
        hidden: the back of the outline is not the heel's (a hand or the leg
            borders it): the heel goes where the ratio puts it even when the
            outline's length is plausible.
        doubtful: the back of the outline may not be the heel's (skin may go
            on behind it): only a length within ``sole_doubtful_slack`` of the
            usual ratio is plausible.
        image: (h, w, 3) uint8 BGR, the picture the outline was found in; with
            it the width the heel is put back by is measured at full
            resolution (:func:`_ball_width`).
    """
    fmap = FootMap.from_outline(outline, heel, toe, 1, bins=21)
    width = float((fmap.lateral - fmap.medial)[fmap.u_table >= 0.4].max())
    if width <= 0:
        return heel
    lo, hi = cfg.sole_min_length_per_width, cfg.sole_max_length_per_width
    if doubtful:
        lo = max(lo, cfg.sole_length_per_width - cfg.sole_doubtful_slack)
        hi = min(hi, cfg.sole_length_per_width + cfg.sole_doubtful_slack)
    if not hidden and lo <= 1.0 / width <= hi:
        return heel
    if image is not None:
        width = _ball_width(image, outline, heel, toe, cfg)
    fl = fmap.length_px * width * cfg.sole_length_per_width
    # The heel's middle lies on the midline of the arch region, extended back.
    mid = (fmap.u_table >= 0.25) & (fmap.u_table <= 0.55)
    centre = (fmap.medial + fmap.lateral)[mid] / 2
    slope, icpt = np.polyfit(fmap.u_table[mid], centre, 1)
    a_heel = 1.0 - fl / fmap.length_px
    ax, lat = fmap.axes()
    s_heel = icpt + slope * a_heel
    out = fmap.heel + fmap.length_px * (a_heel * ax + s_heel * lat)
    return out.astype(np.float32)


def _ball_width(
    image: np.ndarray, outline: np.ndarray, heel: np.ndarray, toe: np.ndarray, cfg: FootConfig
) -> float:
    """The forefoot's greatest width (FL), its edges put where the full-resolution picture has them.

    The outline comes from a segmentation at ``work_size``, whose edges lie a
    pixel or two of it off the foot's (GrabCut takes in a soft edge or leaves
    it out): on the first detections of 152 development clips the widest
    width was off by a median 1.5 % (up to 8 %), and a heel put 2.5 widths
    from the toe is off by as much of the foot's length. At each level of
    ``u`` within ``ball_edge_span_u`` of the widest, each edge is moved to the
    strongest colour edge (CIELAB, lightly blurred) within
    ``ball_edge_search_fl`` across the foot, found to a fraction of a pixel;
    the widest width is moved by the median of each edge's moves, so a floor
    board's or a crease's edge at one level does not count.
    """
    fmap = FootMap.from_outline(outline, heel, toe, 1, bins=41)
    widths = np.where(fmap.u_table >= 0.4, fmap.lateral - fmap.medial, -np.inf)
    k = int(np.argmax(widths))
    ax, lat = fmap.axes()
    length = fmap.length_px
    lab = cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32), (0, 0), 1.0)
    span, reach = cfg.ball_edge_span_u, cfg.ball_edge_search_fl
    steps = np.arange(-reach, reach + 1e-9, 0.5 / length)  # half a pixel apart, in FL
    moves: tuple[list[float], list[float]] = ([], [])
    for u in np.arange(fmap.u_table[k] - span, fmap.u_table[k] + span + 1e-9, span / 3):
        base = fmap.heel + length * u * ax
        for side, edge in enumerate((fmap.medial, fmap.lateral)):
            across = float(np.interp(u, fmap.u_table, edge)) + steps
            pts = (base[None] + length * across[:, None] * lat[None]).astype(np.float32)
            profile = cv2.remap(lab, pts[:, :1], pts[:, 1:], cv2.INTER_LINEAR)[:, 0]
            grad = np.linalg.norm(np.gradient(profile, axis=0), axis=1)
            moves[side].append(parabolic_peak(steps, grad, int(np.argmax(grad))))
    return float(widths[k]) + float(np.median(moves[1])) - float(np.median(moves[0]))


def _heel_cap_middle(contour: np.ndarray, heel: np.ndarray, tip: np.ndarray, depth_fl: float) -> np.ndarray:
    """The back of the heel: the middle of the outline's rearmost stretch.

    The outline's single rearmost point is the heel only for a round heel seen
    along the axis; a heel cut square by a cupping hand, a shadow or the
    picture's edge, or an axis a few degrees off, puts it at a corner. The
    middle of what lies within ``depth_fl`` of the rearmost level does not move.

    Args:
        contour: (m, 2) px.
        heel: (2,) the outline's point furthest from the toe tip, px.
        tip: (2,) tip of the longest toe, px.
        depth_fl: how deep the rear stretch is, FL.

    Returns:
        (2,) float64 px.
    """
    length = float(np.hypot(*(tip - heel)))
    if length < 1.0:
        return heel
    a = (tip - heel) / length
    n = np.array([-a[1], a[0]])
    t = (contour - heel) @ a
    cap = contour[t <= t.min() + depth_fl * length]
    s = (cap - heel) @ n
    return heel + float(t.min()) * a + 0.5 * float(s.min() + s.max()) * n


def _heel_between_sides(
    outline: np.ndarray, heel: np.ndarray, toe: np.ndarray, span: tuple[float, float]
) -> np.ndarray:
    """The heel moved across the axis to midway between the heel's two sides.

    The back of the heel lies in the middle of the heel, whose sides run nearly
    parallel a little in front of it (``span``, u in FL). The outline's rearmost
    stretch is a worse guide across the axis: the fingers of a holding hand
    round the back of the heel, or the leg behind it, take it off to one side;
    and the middle of the arch, extended back (:func:`_complete_heel`), passes
    on the medial side of the heel, because the lateral edge flares out
    towards the ball.

    Where the outline does not reach back past ``u0`` (a hand hides the back
    of the heel and the heel was put back from the ball's width), the heel's
    sides are not seen and the heel stays where it is.

    Args:
        outline: (k, 2) px.
        heel: (2,) px; its level along the axis is kept.
        toe: (2,) px.
        span: (u0, u1), where along the foot the sides are read.

    Returns:
        (2,) float32 px.
    """
    fmap = FootMap.from_outline(outline, heel, toe, 1, bins=41)
    if float(fmap.to_as(np.asarray(outline, np.float64))[:, 0].min()) > span[0]:
        return np.asarray(heel, np.float32)
    near = (fmap.u_table >= span[0]) & (fmap.u_table <= span[1])
    middle = float(np.median((fmap.medial + fmap.lateral)[near] / 2))
    _, lat = fmap.axes()
    return (fmap.heel + fmap.length_px * middle * lat).astype(np.float32)


def _toe_on_axis(contour: np.ndarray, heel: np.ndarray, tip: np.ndarray) -> np.ndarray:
    """The toe point: the level of the longest toe's tip on the foot's long axis.

    Args:
        contour: (m, 2) px.
        heel: (2,) back of the heel, px.
        tip: (2,) tip of the longest toe, px.

    Returns:
        (2,) px.
    """
    length = float(np.hypot(*(tip - heel)))
    a = (tip - heel) / length
    n = np.array([-a[1], a[0]])
    t = (contour - heel) @ a
    near = contour[(t >= 0.93 * length) & (t <= 0.97 * length)]
    if len(near) < 2:
        return tip
    s = (near - heel) @ n
    middle = heel + 0.95 * length * a + 0.5 * (s.min() + s.max()) * n
    d = (middle - heel) / float(np.hypot(*(middle - heel)))
    return heel + d * float(((contour - heel) @ d).max())


def _smooth_outline(contour: np.ndarray, n: int) -> np.ndarray:
    """(n, 2) float32 px: a contour resampled evenly and smoothed a little."""
    outline = _resample(contour, n)
    # Average out the pixel staircase so the width profile behind v is steady.
    kernel = np.array([0.25, 0.5, 0.25])
    ring = np.concatenate([outline[-1:], outline, outline[:1]])
    smooth = (np.convolve(ring[:, 0], kernel, "valid"), np.convolve(ring[:, 1], kernel, "valid"))
    return np.stack(smooth, axis=1).astype(np.float32)


def measure_foot(
    mask: np.ndarray,
    image: np.ndarray | None = None,
    config: FootConfig | None = None,
    leg_point: np.ndarray | None = None,
    occluded: np.ndarray | None = None,
) -> FootShape | None:
    """Measures a foot mask: outline, axis, toe end, heel and toe, lateral side.

    Args:
        mask: (h, w) bool foot mask.
        image: (h, w, 3) uint8 BGR, for the contrast checks; None skips them.
        config: settings; defaults if None.
        leg_point: (2,) px where a leg was cut off (:func:`cut_leg`), or None.
        occluded: (h, w) bool pixels hidden by hands, or None.

    Returns:
        The shape, or None when the mask is not a plausible foot.
    """
    cfg = config or FootConfig()
    h, w = mask.shape
    area = float(mask.sum())
    if area < cfg.min_area * h * w or area > cfg.max_area * h * w:
        return None
    contour = _outer_contour(mask)
    if contour is None:
        return None
    ys, xs = np.nonzero(mask)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    centre = pts.mean(axis=0)
    cov = np.cov((pts - centre).T)
    _, evecs = np.linalg.eigh(cov)
    axis = evecs[:, 1]
    t_c = (contour - centre) @ axis
    length = float(np.ptp(t_c))
    if length < 8:
        return None
    elongation = length * length / area
    if not cfg.min_elongation <= elongation <= cfg.max_elongation:
        return None
    contrast = _contrast(image, mask, length) if image is not None else float("inf")
    if contrast < cfg.min_contrast:
        return None

    # Evidence for the toe end at +axis (positive) or -axis (negative).
    t01 = (t_c - t_c.min()) / length
    gaps_lo, gaps_hi = _toe_gaps(contour, t01, length)
    t_px = (pts - centre) @ axis
    t_px01 = (t_px - t_c.min()) / length
    n_lo, n_hi = (t_px01 < 0.35).sum(), (t_px01 > 0.65).sum()
    # The forefoot is wider than the heel (sole view) or the ankle (top view).
    width_term = math.log((n_hi + 1.0) / (n_lo + 1.0))
    leg_term = 0.0
    if leg_point is not None:
        # The leg was cut off there: that end is the heel (ankle in a top view).
        leg_term = -2.0 if float(np.dot(np.asarray(leg_point) - centre, axis)) > 0 else 2.0
    elif image is not None:
        leg_term = _continuing_end(image, contour, t01, length)
    score = 0.8 * (min(gaps_hi, 4.0) - min(gaps_lo, 4.0)) + 1.5 * width_term + 1.0 * leg_term
    toe_conf = 1.0 / (1.0 + math.exp(-abs(score)))
    if score < 0:
        axis = -axis
        t_c = -t_c
    # The back of the heel is the outline's rearmost point; the tip of the
    # longest toe the point furthest from it. The long axis runs from the heel
    # between the first two toes (the middle of the outline just short of the
    # tip), and the toe point is the tip's level on that axis.
    heel = contour[int(np.argmin(t_c))].astype(np.float64)
    front = contour[t_c >= np.percentile(t_c, 70)].astype(np.float64)
    back = contour[t_c <= np.percentile(t_c, 30)].astype(np.float64)
    tip = front[int(np.argmax(np.linalg.norm(front - heel, axis=1)))]
    heel = back[int(np.argmax(np.linalg.norm(back - tip, axis=1)))]
    contour_f = contour.astype(np.float64)
    heel = _heel_cap_middle(contour_f, heel, tip, cfg.heel_cap_fl)
    toe = _toe_on_axis(contour_f, heel, tip)
    heel, toe = heel.astype(np.float32), toe.astype(np.float32)
    outline = _smooth_outline(contour, cfg.outline_points)
    # Both views. Where hands or skin (an unseen holding hand; from the top,
    # the leg going on from the ankle) border the back of the outline, the
    # heel goes on under them and the ratio puts it where it is under there.
    if not _forefoot_hidden(outline, heel, toe, occluded):
        hidden = _heel_hidden(outline, heel, toe, occluded)
        doubtful = False
        if not hidden and image is not None:
            rear = _rear_continues(image, contour_f, heel, toe)
            hidden = rear > cfg.heel_continues
            doubtful = rear > cfg.heel_may_continue
        completed = _complete_heel(outline, heel, toe, cfg, hidden, doubtful, image)
        if completed is not heel:
            # The long axis runs from the heel: with the heel put back, the
            # level of the toe tip is read along the new axis.
            heel = completed
            toe = _toe_on_axis(contour_f, heel.astype(np.float64), tip).astype(np.float32)
    # Across the axis the heel lies between the heel's sides; the toe's level is read again on that axis.
    heel = _heel_between_sides(outline, heel, toe, cfg.heel_sides_u)
    toe = _toe_on_axis(contour_f, heel.astype(np.float64), tip).astype(np.float32)
    lat_sign, lat_conf = _lateral_from_toes(outline, heel, toe)
    return FootShape(
        outline=outline,
        heel=heel,
        toe=toe,
        toe_confidence=toe_conf,
        lateral_sign=lat_sign,
        lateral_confidence=lat_conf,
        area=area,
        elongation=elongation,
        contrast=contrast,
        mask=mask,
        leg_point=None if leg_point is None else np.asarray(leg_point, np.float32),
    )


def label_information(image: np.ndarray, mask: np.ndarray, bins: int = 12) -> float:
    """How well a mask splits the picture's colours: normalised mutual information.

    ``I(colour; inside) / H(inside)``, with colours quantised in CIELAB on a
    small copy. A segmentation that leaked into the floor mixes floor colours
    into the foot and scores lower than one that follows the foot.

    Args:
        image: (h, w, 3) uint8 BGR.
        mask: (h, w) bool.
        bins: levels per CIELAB channel.

    Returns:
        0-1.
    """
    h, w = image.shape[:2]
    size = (160, max(8, round(160 * h / w)))
    small = cv2.cvtColor(cv2.resize(image, size, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2Lab)
    inside = cv2.resize(mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).ravel() > 0
    p_in = float(inside.mean())
    if p_in <= 0.0 or p_in >= 1.0:
        return 0.0
    q = (small.reshape(-1, 3).astype(np.int64) * bins) // 256
    code = (q[:, 0] * bins + q[:, 1]) * bins + q[:, 2]
    n_codes = bins**3
    h_in = np.bincount(code[inside], minlength=n_codes).astype(np.float64)
    h_out = np.bincount(code[~inside], minlength=n_codes).astype(np.float64)

    def entropy(hist: np.ndarray) -> float:
        p = hist[hist > 0] / hist.sum()
        return float(-(p * np.log(p)).sum())

    gain = entropy(h_in + h_out) - p_in * entropy(h_in) - (1 - p_in) * entropy(h_out)
    h_label = -(p_in * math.log(p_in) + (1 - p_in) * math.log(1 - p_in))
    return float(np.clip(gain / h_label, 0.0, 1.0))


def _shape_plausibility(mask: np.ndarray) -> float:
    """1 for a foot-like blob (elongated, nearly convex), less for a blob that leaked."""
    c = _outer_contour(mask)
    if c is None:
        return 0.0
    area = cv2.contourArea(c)
    hull = cv2.contourArea(cv2.convexHull(c))
    solidity = area / hull if hull > 0 else 0.0
    ys, xs = np.nonzero(mask)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    _, evecs = np.linalg.eigh(np.cov((pts - pts.mean(axis=0)).T))
    t = (pts - pts.mean(axis=0)) @ evecs[:, 1]
    elongation = float(np.ptp(t)) ** 2 / max(float(mask.sum()), 1.0)
    # A foot with its toes, seen from any side but end-on, is 2.5-6 times as
    # long as it is wide on average and fills 90 % or more of its convex hull;
    # a segmentation that leaked into the floor is rounder or more ragged.
    elongated = np.clip((elongation - 1.9) / 0.6, 0.0, 1.0) * np.clip((8.0 - elongation) / 2.0, 0.0, 1.0)
    solid = np.clip((solidity - 0.7) / 0.2, 0.0, 1.0)
    return float(elongated * solid)


def _length_per_width(mask: np.ndarray) -> float:
    """Length along the principal axis over the widest cross-section, for a bool mask."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 10:
        return 0.0
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    pts -= pts.mean(axis=0)
    _, evecs = np.linalg.eigh(np.cov(pts.T))
    t, s = pts @ evecs[:, 1], pts @ evecs[:, 0]
    edges = np.linspace(t.min(), t.max(), 21)
    idx = np.clip(np.digitize(t, edges) - 1, 0, 19)
    width = max(float(np.ptp(s[idx == i])) for i in range(20) if (idx == i).sum() > 1)
    return float(np.ptp(t)) / width if width > 0 else 0.0


def skin_chroma(image: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    """(2,) median (Cr, Cb) chroma of the masked pixels, or None when there are too few."""
    if int(mask.sum()) < 30:
        return None
    ycrcb = cv2.cvtColor(image, cv2.COLOR_BGR2YCrCb)
    return np.median(ycrcb[mask][:, 1:].astype(np.float64), axis=0)


def floor_trimmed(
    image: np.ndarray, mask: np.ndarray, skin: np.ndarray, config: FootConfig | None = None
) -> np.ndarray:
    """The mask without the pixels whose chroma is nearer the floor's than the skin's.

    The floor's chroma is the median over the frame's border band outside the
    mask (what GrabCut takes as sure background); the skin's is the hands'.
    A floorboard or towel that GrabCut merged with the foot keeps the floor's
    chroma, however much lighter or darker than the rest of the floor it is;
    a foot keeps the skin's, whoever's skin the hands are. The chroma is
    smoothed a little first, so sensor noise does not fray the outline.

    Args:
        image: (h, w, 3) uint8 BGR.
        mask: (h, w) bool segmentation.
        skin: (2,) (Cr, Cb) chroma of the hands in this picture.
        config: settings; defaults if None.

    Returns:
        (h, w) bool: the largest part left, holes filled; all False when
        nothing is left or the border band shows no floor.
    """
    cfg = config or FootConfig()
    h, w = mask.shape
    chroma = cv2.cvtColor(image, cv2.COLOR_BGR2YCrCb)[..., 1:].astype(np.float32)
    chroma = cv2.GaussianBlur(chroma, (0, 0), max(1.0, 0.004 * min(h, w)))
    band = _band((h, w), _band_px(cfg, (h, w))) & ~mask
    if not band.any():
        return np.zeros((h, w), bool)
    floor = np.median(chroma[band], axis=0)
    to_skin = np.hypot(chroma[..., 0] - skin[0], chroma[..., 1] - skin[1])
    to_floor = np.hypot(chroma[..., 0] - floor[0], chroma[..., 1] - floor[1])
    kept = mask & (to_skin <= to_floor)
    # Cut the thin bridges a few skin-like floor pixels leave between the two.
    r = max(1, round(0.01 * min(h, w)))
    kept = cv2.morphologyEx(kept.astype(np.uint8), cv2.MORPH_OPEN, _disk(r)).astype(bool)
    return _largest_component(kept)


def floor_share(image: np.ndarray, foot: Foot, hands: Hands, config: FootConfig | None = None) -> float:
    """The share of the foot's outline whose chroma is the floor's rather than the hands' skin.

    0 when the hands show too little skin to tell (see :func:`floor_trimmed`).
    """
    mask = foot.mask()
    skin = skin_chroma(image, hand_skin(hands, foot.image_size)) if len(hands) else None
    if skin is None or not mask.any():
        return 0.0
    return 1.0 - float(floor_trimmed(image, mask, skin, config).sum()) / float(mask.sum())


def _skin_likeness(image: np.ndarray, mask: np.ndarray, skin: np.ndarray | None, cfg: FootConfig) -> float:
    """1 when the mask has the chroma of the hands' skin, falling to 0.1 far from it."""
    chroma = skin_chroma(image, mask) if skin is not None else None
    if chroma is None or skin is None:
        return 1.0
    d = float(np.hypot(*(chroma - skin)))
    return float(np.clip(1.0 - (d - cfg.skin_chroma_same) / cfg.skin_chroma_falloff, 0.1, 1.0))


def detect_foot(
    image: np.ndarray,
    config: FootConfig | None = None,
    exclude: np.ndarray | None = None,
    skin: np.ndarray | None = None,
) -> FootShape | None:
    """Segments, cuts off the leg and measures the foot in one picture.

    Each colour cue in ``config.cues`` gives a segmentation; the one that best
    separates the picture's colours (:func:`label_information`) with a
    foot-like shape, and the skin's chroma when ``skin`` is known, is kept.
    The cues fail in different places, so each also competes with what the
    other two agree on added to it: a toe tip one run left out comes back,
    while a patch of floor only one run took in does not.

    Args:
        image: (h, w, 3) uint8 BGR.
        config: settings; defaults if None.
        exclude: (h, w) bool pixels that are certainly not foot (hands), or None.
        skin: (2,) (Cr, Cb) chroma of the hands in the same picture
            (:func:`skin_chroma`), or None. Under the same light a foot has
            nearly the chroma of hands, whoever's they are; a floorboard or a
            towel does not.

    Returns:
        The foot's shape, or None when no plausible foot stands out.
    """
    cfg = config or FootConfig()
    best: tuple[float, np.ndarray, np.ndarray | None] | None = None
    segmented = {cue: segment_foot(image, cfg, exclude, cue, skin) for cue in cfg.cues}
    for cue, own in segmented.items():
        candidates = [own]
        if skin is not None and own.any():
            # A floorboard merged with the foot competes without its floor-coloured part.
            trimmed = floor_trimmed(image, own, skin, cfg)
            if trimmed.sum() < 0.95 * own.sum():
                candidates.append(trimmed)
        others = [m for c, m in segmented.items() if c != cue]
        agreed: np.ndarray | None = None
        if len(others) == 2 and own.sum() >= 3:
            # One cue's run can leave out a part of the foot that both others
            # keep (the texture cue a toe tip, its crease and rim looking like
            # grain); it competes with what they agree on added.
            agreed = _largest_component(own | (others[0] & others[1]))
            axis = principal_axis(own)
            if _extent_along(agreed, axis) > cfg.cue_agreement_gain * _extent_along(own, axis):
                candidates.append(agreed)
        own_has_leg: bool | None = None
        for mask in candidates:
            if mask.sum() < cfg.min_area * mask.size:
                continue
            info = label_information(image, mask)
            cut, leg = cut_leg(mask, cfg)
            if leg is not None and _length_per_width(cut) < cfg.sole_min_length_per_width:
                # The cut went into the foot (a holding hand, or from the top the
                # heel and arch, looked like the leg before the forefoot's flare);
                # keep it whole and let the heel rule trim it.
                cut, leg = mask, None
            if mask is own:
                own_has_leg = leg is not None
            elif mask is agreed and (leg is not None) != own_has_leg:
                # What the others agree on restores a part of the foot; where it
                # changes whether a leg is cut off, it joined the foot to more.
                continue
            score = info * _shape_plausibility(cut) * _skin_likeness(image, cut, skin, cfg)
            if best is None or score > best[0]:
                best = (score, cut, leg)
    if best is None:
        return None
    shape = measure_foot(best[1], image, cfg, best[2], exclude)
    if shape is not None and best[2] is None and skin is None:
        # With hands in view, the skin behind the heel is often a holding hand
        # the hand tracker misses, and the follower holds the foot better with
        # it in the outline (docs/foot.md, "The first segmentation").
        shape = cut_severed_leg(best[1], image, shape, cfg)
    return shape


def principal_axis(mask: np.ndarray) -> np.ndarray:
    """(2,) unit vector of a mask's principal axis (sign arbitrary)."""
    ys, xs = np.nonzero(mask)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    _, evecs = np.linalg.eigh(np.cov((pts - pts.mean(axis=0)).T))
    return evecs[:, 1]


def _extent_along(mask: np.ndarray, axis: np.ndarray) -> float:
    """How far (px) a mask's pixels reach along ``axis`` (a unit vector), end to end."""
    ys, xs = np.nonzero(mask)
    return float(np.ptp(np.stack([xs, ys], axis=1) @ axis)) if len(xs) else 0.0


def cut_severed_leg(
    mask: np.ndarray, image: np.ndarray, shape: FootShape, config: FootConfig | None = None
) -> FootShape:
    """Cuts off a strip of leg left behind the heel where GrabCut severed the leg itself.

    :func:`cut_leg` cuts a leg that runs out of the picture. GrabCut can also
    sever the leg in the middle of the picture, above the ankle (where the
    shin's hair or shade parts from the foot's skin), and the mask keeps a
    strip of shin: seen from the top it is as wide as the ankle, so no width
    flare tells it from the foot. Its end does: the outline's rearmost
    stretch runs across skin (the leg goes on; the colour contrast across it
    is lower than round the toes, as in :func:`_rear_continues`), where the
    back of a heel seen from the side or the top meets the floor. The same
    holds for a holding hand the hand tracker does not see, cupping the heel
    with its palm behind it. The heel rule has then put the heel back from
    the ball width (the back was hidden), and what lies more than
    ``heel_cap_fl`` behind that heel is not foot. A mask reaching the border
    band is left alone: the leg runs out of the picture there, and
    :func:`cut_leg` has had its say.

    Args:
        mask: (h, w) bool segmentation with no leg cut off.
        image: (h, w, 3) uint8 BGR.
        shape: ``mask`` as measured (:func:`measure_foot`).
        config: settings; defaults if None.

    Returns:
        ``shape`` with the strip behind its heel taken off the outline and the
        mask (heel, toe and lateral side unchanged), or ``shape`` itself.
    """
    cfg = config or FootConfig()
    if (mask & _band(mask.shape, _band_px(cfg, mask.shape) + 1)).any():
        return shape
    heel, toe = shape.heel.astype(np.float64), shape.toe.astype(np.float64)
    length = float(np.hypot(*(toe - heel)))
    contour = _outer_contour(mask)
    if length < 8 or contour is None:
        return shape
    axis = (toe - heel) / length
    contour = contour.astype(np.float64)
    t = (contour - heel) @ axis
    depth = cfg.heel_cap_fl * length
    if t.min() > -depth:
        return shape
    # Skin across the outline's own back (its rearmost stretch, not the sides
    # of the strip, which meet the floor as a heel's would): the leg goes on.
    diff = _colour_across(image, contour, float(np.ptp(t)))
    if _skin_goes_on(diff, t <= t.min() + depth, t >= t.max() - 0.1 * np.ptp(t)) <= cfg.heel_continues:
        return shape
    ys, xs = np.nonzero(mask)
    ahead = mask.copy()
    behind = (np.stack([xs, ys], axis=1) - heel) @ axis < -depth
    ahead[ys[behind], xs[behind]] = False
    foot = _largest_component(ahead)
    kept = _outer_contour(foot)
    if kept is None:
        return shape
    # Heel and toe stay where the heel rule put them: measured again, the cut
    # across the leg would be taken for the back of the heel.
    outline = _smooth_outline(kept, cfg.outline_points)
    return replace(shape, outline=outline, area=float(foot.sum()), mask=foot)


def cut_leg(mask: np.ndarray, config: FootConfig | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Cuts off a leg that leaves the picture, at the ankle.

    The leg is a tube of nearly constant width entering from the frame's edge.
    Walking along it from the edge, the cross-section stays close to its
    narrowest so far until the heel and instep flare out; the foot begins
    where that flare starts.

    Args:
        mask: (h, w) bool foot mask, possibly with the leg.
        config: settings; defaults if None.

    Returns:
        (mask without the leg, (2,) px middle of the cut or None when no leg was cut).
    """
    cfg = config or FootConfig()
    h, w = mask.shape
    band = _band_px(cfg, (h, w))
    rim = _band((h, w), band + max(3, round(0.03 * min(h, w)))) & mask
    area = float(mask.sum())
    scale = math.sqrt(max(area, 1.0))
    # A leg crosses the band's inner edge over a good part of a foot's width.
    if rim.sum() < 3 * 0.15 * scale:
        return mask, None
    ry, rx = np.nonzero(rim)
    c0 = np.array([rx.mean(), ry.mean()])
    ys, xs = np.nonzero(mask)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    near = pts[np.linalg.norm(pts - c0, axis=1) <= 0.8 * scale]
    if len(near) < 10:
        return mask, None
    _, evecs = np.linalg.eigh(np.cov((near - near.mean(axis=0)).T))
    d = evecs[:, 1]
    if np.dot(pts.mean(axis=0) - c0, d) < 0:
        d = -d
    # Rotate so the leg runs along +x from c0, then read widths column by column.
    ang = math.degrees(math.atan2(d[1], d[0]))
    diag = math.ceil(math.hypot(h, w))
    rot = cv2.getRotationMatrix2D((float(c0[0]), float(c0[1])), ang, 1.0)
    rot[:, 2] += np.array([diag, diag]) - c0
    rmask = cv2.warpAffine(mask.astype(np.uint8), rot, (2 * diag, 2 * diag), flags=cv2.INTER_NEAREST) > 0
    cy = float(diag)
    widths = []
    for x in range(diag, 2 * diag):
        col = rmask[:, x]
        yc = round(cy)
        if not col[yc]:
            on = np.flatnonzero(col)
            if on.size == 0:
                break
            yc = int(on[np.argmin(np.abs(on - cy))])
            if abs(yc - cy) > 0.2 * scale:
                break
        top = yc
        while top > 0 and col[top - 1]:
            top -= 1
        bot = yc
        while bot < len(col) - 1 and col[bot + 1]:
            bot += 1
        widths.append(bot - top + 1)
        cy = 0.5 * (top + bot)
    if len(widths) < 5:
        return mask, None
    wa = np.array(widths, np.float64)
    # The first columns cross the rounded end GrabCut left at the band; the
    # leg's own width starts a little further in.
    skip = min(len(wa) - 1, band + round(0.1 * scale))
    runmin = np.minimum.accumulate(np.concatenate([np.full(skip, wa[skip:].max()), wa[skip:]]))
    flare = wa > 1.3 * runmin
    flare[:skip] = False
    sustain = max(2, round(0.04 * scale))
    start = None
    for i in range(skip, len(wa) - sustain):
        if flare[i : i + sustain].all():
            start = i
            break
    if start is None:
        return mask, None
    cut = start
    while cut > skip and wa[cut] > 1.08 * runmin[cut]:
        cut -= 1
    if cut < 0.05 * scale:
        return mask, None
    p = c0 + cut * d
    behind = ((pts - p) @ d) < 0
    out = mask.copy()
    out[ys[behind], xs[behind]] = False
    out = _largest_component(out)
    if out.sum() < 0.3 * area:
        return mask, None
    return out, p.astype(np.float32)


# ---------------------------------------------------------------------------
# Hands: where they cover the foot, and detections that are the foot itself
# ---------------------------------------------------------------------------


def hand_regions(
    hands: Hands,
    image_size: tuple[int, int],
    config: FootConfig | None = None,
    shrink_to: tuple[int, int] | None = None,
) -> np.ndarray:
    """Pixels covered by the hands and the start of their forearms.

    Each hand is the convex hull of its landmarks grown by ``hand_margin`` palm
    sizes, plus a band ``forearm_width`` wide running ``forearm_length`` palm
    sizes from the wrist away from the fingers.

    Args:
        hands: the (real) hands.
        image_size: (width, height).
        config: settings; defaults if None.
        shrink_to: (width, height) to give the mask at instead of ``image_size``:
            the same pixels as shrinking the frame-sized mask with
            ``cv2.resize(..., INTER_NEAREST)``, but only the hands' surroundings
            are drawn, so the cost does not grow with the frame's size.

    Returns:
        (h, w) bool, at ``shrink_to`` if given.
    """
    cfg = config or FootConfig()
    w, h = image_size
    shapes = []
    palms = hands.palm_size()
    for i in range(len(hands)):
        xy = hands.xy[i].astype(np.float64)
        palm = max(float(palms[i]), 1.0)
        hull = cv2.convexHull(np.round(xy).astype(np.int32))
        margin = max(1, round(cfg.hand_margin * palm))
        forearm = None
        wrist, knuckle = xy[L.WRIST], xy[L.MIDDLE_MCP]
        d = wrist - knuckle
        n = float(np.hypot(*d))
        if n > 1e-6:
            end = wrist + d / n * cfg.forearm_length * palm
            forearm = (_ipt(wrist), _ipt(end), max(1, round(cfg.forearm_width * palm)))
        shapes.append((hull, margin, forearm))
    # Everything is drawn in the box around the shapes (within the frame), shifted to its corner.
    x0, y0, x1, y1 = 0, 0, w, h
    if shrink_to is not None:
        x0, y0, x1, y1 = w, h, 0, 0
        for hull, margin, forearm in shapes:
            pts = hull.reshape(-1, 2)
            reach = margin
            if forearm is not None:
                pts = np.vstack([pts, forearm[0], forearm[1]])
                reach = max(reach, forearm[2])
            lo, hi = pts.min(axis=0) - reach - 2, pts.max(axis=0) + reach + 3
            x0, y0 = min(x0, max(0, int(lo[0]))), min(y0, max(0, int(lo[1])))
            x1, y1 = max(x1, min(w, int(hi[0]))), max(y1, min(h, int(hi[1])))
    out = np.zeros((max(0, y1 - y0), max(0, x1 - x0)), np.uint8)
    shift = np.array([x0, y0], np.int32)
    for hull, margin, forearm in shapes:
        if out.size == 0:
            break
        cv2.fillPoly(out, [hull - shift], 1)
        cv2.polylines(out, [hull - shift], True, 1, thickness=2 * margin)
        if forearm is not None:
            (ax, ay), (bx, by), thick = forearm
            cv2.line(out, (ax - x0, ay - y0), (bx - x0, by - y0), 1, thickness=thick)
    if shrink_to is None:
        return out.view(bool)
    # The frame pixels cv2.resize(..., INTER_NEAREST) would take, looked up in the box.
    sw, sh = shrink_to
    xs = np.minimum(np.floor(np.arange(sw) * (1.0 / (sw / w))).astype(np.intp), w - 1)
    ys = np.minimum(np.floor(np.arange(sh) * (1.0 / (sh / h))).astype(np.intp), h - 1)
    small = np.zeros((sh, sw), bool)
    c0, c1 = np.searchsorted(xs, [x0, x1])
    r0, r1 = np.searchsorted(ys, [y0, y1])
    if c1 > c0 and r1 > r0:
        box = out.view(bool).take(ys[r0:r1] - y0, axis=0)
        small[r0:r1, c0:c1] = box.take(xs[c0:c1] - x0, axis=1)
    return small


def hand_skin(hands: Hands, image_size: tuple[int, int]) -> np.ndarray:
    """Pixels surely on the hands: the palm and the finger bones, drawn a finger thick.

    Unlike :func:`hand_regions` (grown, to hide the hands), this keeps to the
    hands themselves, so it samples the hands' colours and not the foot's.

    Args:
        hands: the (real) hands.
        image_size: (width, height).

    Returns:
        (h, w) bool.
    """
    w, h = image_size
    out = np.zeros((h, w), np.uint8)
    palms = hands.palm_size()
    for i in range(len(hands)):
        xy = hands.xy[i].astype(np.float64)
        thick = max(1, round(0.12 * float(palms[i])))
        cv2.fillPoly(out, [np.round(xy[list(PALM)]).astype(np.int32)], 1)
        for a, b in SKELETON:
            cv2.line(out, _ipt(xy[a]), _ipt(xy[b]), 1, thickness=thick)
    return out.astype(bool)


def _ipt(p: np.ndarray) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))


def foot_like_hands(hands: Hands, foot: Foot, config: FootConfig | None = None) -> np.ndarray:
    """Which detections are the foot taken for a hand.

    A detection is the foot when most of its landmarks lie on the foot and
    either

    - no forearm can leave the foot: the wrist is on the foot and the line
      running from the wrist away from the fingers stays on the foot for
      ``forearm_reach`` foot lengths (a real hand on the foot has its arm
      reaching in from outside), or
    - it mimics the foot: it points along the heel-to-toe axis and its
      fingertips lie on the toe end of the outline (a bare sole with the toes
      up looks like a palm with spread fingers).

    Args:
        hands: detections from the hand tracker.
        foot: the foot in the same frame.
        config: settings; defaults if None.

    Returns:
        (n,) bool, True for detections to drop.
    """
    cfg = config or FootConfig()
    n = len(hands)
    out = np.zeros(n, bool)
    if n == 0 or not foot.found or foot.map is None:
        return out
    fl = foot.length_px
    xy = hands.xy.astype(np.float64)
    # The line back from each wrist, away from the fingers, where a forearm would be.
    d = xy[:, L.WRIST] - xy[:, L.MIDDLE_MCP]
    dn = np.hypot(d[:, 0], d[:, 1])
    d = d / np.maximum(dn, 1e-6)[:, None]
    steps = np.linspace(0.1, cfg.forearm_reach, 8) * fl
    forearm = xy[:, L.WRIST, None, :] + steps[None, :, None] * d[:, None, :]
    points = np.concatenate([xy, forearm], axis=1)
    covered = foot.covers(points.reshape(-1, 2), dilate_fl=0.03).reshape(n, -1)
    inside, forearm_on_foot = covered[:, : xy.shape[1]], covered[:, xy.shape[1] :].all(axis=1)
    axis, _ = foot.map.axes()
    cos_mimic = math.cos(math.radians(cfg.mimic_angle_deg))
    for i in range(n):
        if inside[i].mean() < cfg.reject_inside:
            continue
        if dn[i] < 1e-6 or (inside[i, L.WRIST] and forearm_on_foot[i]):
            out[i] = True
            continue
        # Fingers pointing to the toes, fingertips spread over the toe end.
        pointing = -d[i]
        uv = foot.map.to_uv(xy[i, _FINGERTIPS])
        tips_at_toes = float(np.mean(uv[:, 0] >= 0.72))
        if float(np.dot(pointing, axis)) >= cos_mimic and tips_at_toes >= 0.6:
            out[i] = True
    return out


def reject_foot_hands(hands: Hands, foot: Foot, config: FootConfig | None = None) -> Hands:
    """The detections that are real hands: :func:`foot_like_hands` removed.

    Args:
        hands: detections from the hand tracker.
        foot: the foot in the same frame (when not found, nothing is removed).
        config: settings; defaults if None.

    Returns:
        The hands without the foot's false detections.
    """
    drop = foot_like_hands(hands, foot, config)
    return hands.select(~drop) if drop.any() else hands


# ---------------------------------------------------------------------------
# Tracking over time
# ---------------------------------------------------------------------------


def _outline_from_axis(heel: np.ndarray, toe: np.ndarray, lateral_sign: int, n: int = 64) -> np.ndarray:
    """A generic foot outline on a heel-toe axis, for a calibration with no segmentation.

    Half-widths (FL) roughly follow an adult foot: narrow heel, wide ball.
    """
    u = np.linspace(0.0, 1.0, n // 2)
    half = np.interp(u, *GENERIC_HALF_WIDTH)
    heel = np.asarray(heel, np.float64)
    toe = np.asarray(toe, np.float64)
    fl = float(np.hypot(*(toe - heel)))
    a = (toe - heel) / fl
    lat = lateral_sign * np.array([-a[1], a[0]])
    centre = heel + fl * u[:, None] * a
    side1 = centre + fl * half[:, None] * lat
    side2 = centre - fl * half[:, None] * lat
    return np.vstack([side1, side2[::-1]]).astype(np.float32)


class FootTracker:
    """Finds the foot and follows it from frame to frame.

    Use one per video; call :meth:`update` for every frame in order.

    - The first frames are segmented (:func:`detect_foot`) until a foot is
      found. From then on a :class:`~coach.foot_track.FootFollower` keeps it:
      the segmented foot is aligned, frame after frame, to a map of the foot's
      colours over the pixels the hands leave visible. Heel, toe, outline and
      mapping move with it; nothing is segmented again while it fits.
    - When the foot is in view but has not fitted for ``relocate_after_s`` (it
      was moved, or the camera was), it is looked for afresh.
    - The lateral side is a vote over the segmentations; ``config.side`` or
      :meth:`set_side` overrides it, and :meth:`calibrate` fixes heel and toe.

    Args:
        config: settings.
    """

    def __init__(self, config: FootConfig | None = None) -> None:
        self.config = config or FootConfig()
        self._side_override: str | None = self.config.side
        self._calibration: tuple[np.ndarray, np.ndarray] | None = None
        self.reset()

    def reset(self) -> None:
        """Forgets the foot (a new video, or the foot was moved away); keeps calibration and side."""
        self._foot: Foot | None = None
        self._reference: Foot | None = None
        self._follower: FootFollower | None = None
        self._misfit_since_ms: int | None = None
        self._started_ms: int | None = None
        # The foot was found without the hands' skin colour: check it once a hand shows.
        self._skin_unchecked = False
        self._side_vote = 0.0
        self._side_weight = 0.0

    # -- user input ---------------------------------------------------------

    def set_side(self, side: str | None) -> None:
        """States which foot it is ("left"/"right"), or None to find it from the toes."""
        if side is not None and side not in SIDES:
            raise ValueError(f"side must be one of {SIDES} or None, got {side!r}")
        self._side_override = side
        if self._reference is not None:
            self._reference = self._with_side(self._reference)
        if self._foot is not None and self._foot.found:
            self._foot = self._with_side(self._foot)

    def calibrate(
        self, heel_px: tuple[float, float], toe_px: tuple[float, float], side: str | None = None
    ) -> None:
        """Fixes heel and toe from the user's clicks (``coach live``) or ``--heel/--toe``.

        For a fixed camera: the heel and toe stay where given; the outline still
        comes from segmentation when one agrees, otherwise from a generic foot
        shape on that axis.

        Args:
            heel_px: (x, y) of the back of the heel.
            toe_px: (x, y) of the tip of the longest toe.
            side: "left"/"right", or None to keep finding it from the toes.

        Raises:
            ValueError: heel and toe are the same point.
        """
        heel = np.asarray(heel_px, np.float64).reshape(2)
        toe = np.asarray(toe_px, np.float64).reshape(2)
        if float(np.hypot(*(toe - heel))) < 4.0:
            raise ValueError(f"heel {tuple(heel)} and toe {tuple(toe)} must be at least 4 px apart")
        self._calibration = (heel, toe)
        if side is not None:
            self.set_side(side)
        self._drop_foot()

    def clear_calibration(self) -> None:
        """Goes back to finding heel and toe from the picture."""
        self._calibration = None
        self._drop_foot()

    def _drop_foot(self) -> None:
        self._foot = None
        self._reference = None
        self._follower = None
        self._misfit_since_ms = None

    @property
    def foot(self) -> Foot | None:
        """The last foot returned, or None before the first frame."""
        return self._foot

    # -- per frame ----------------------------------------------------------

    def update(self, frame: Frame, hands: Hands | None = None) -> Foot:
        """The foot in this frame.

        Args:
            frame: the picture and its timestamp.
            hands: the hand tracker's detections in the same frame (the foot's
                own false detections are recognised and not masked out).

        Returns:
            The foot; ``found`` is False (with a message) when there is none.
        """
        cfg = self.config
        image = frame.image
        size = frame.size
        hands = hands if hands is not None else Hands.empty(size, frame.t_ms)
        prev = self._foot if self._foot is not None and self._foot.found else None
        foot: Foot | None = None
        if prev is not None and prev.calibrated and self._reference is not None:
            # A fixed camera: the foot stays where the user put it.
            foot = replace(self._reference, t_ms=frame.t_ms, detected=False)
        elif prev is not None and self._follower is not None:
            real = reject_foot_hands(hands, prev, cfg)
            covered = hand_regions(real, size, cfg, shrink_to=self._follower.work_size)
            # The hands' skin is drawn only on the frames where the colour model adapts.
            skin = partial(hand_skin, real, size)
            foot, relocate = self._follow(image, covered, skin, prev, frame.t_ms)
            if relocate:
                # Segmenting again, the hands are told apart with the foot as it was.
                foot = self._find(frame, hands, previous=prev) or foot
            elif self._skin_unchecked and len(real):
                self._skin_unchecked = False
                if floor_share(image, foot, real) > cfg.floor_share_max:
                    # Found before any hand gave the skin's colour, and much of it is floor.
                    foot = self._find(frame, hands) or foot
        if self._started_ms is None:
            self._started_ms = frame.t_ms
        waiting = len(hands) == 0 and frame.t_ms - self._started_ms < 1000.0 * cfg.wait_for_skin_s
        if foot is None and not waiting:
            foot = self._find(frame, hands)
        if foot is None:
            foot = self._calibrated_only(size, frame.t_ms)
        if foot.found and not foot.calibrated and foot.confidence < cfg.lost_confidence:
            foot = Foot.empty(size, frame.t_ms, "foot lost: keep the foot in view and still", cfg.view)
        if not foot.found:
            self._drop_foot()
        self._foot = foot if foot.found else None
        return foot

    def _find(self, frame: Frame, hands: Hands, previous: Foot | None = None) -> Foot | None:
        """Segments the foot and starts following it; None when there is none.

        With ``previous`` (the foot that stopped fitting), the hands are told
        from the foot with it, and a foot of another length (by more than
        ``relocate_length_change``) is not taken: a foot does not grow.
        """
        cfg = self.config
        image, size = frame.image, frame.size
        covered = np.zeros((size[1], size[0]), bool)
        real = hands
        # The hands' chroma (the foot's own false detections included: foot skin is skin).
        skin = skin_chroma(image, hand_skin(hands, size)) if len(hands) else None
        if previous is not None:
            real = reject_foot_hands(hands, previous, cfg)
            covered = hand_regions(real, size, cfg)
            detected = self._detect(image, covered, skin, frame.t_ms, len(real) > 0)
            change = abs(detected.length_px / previous.length_px - 1.0) if detected is not None else 1.0
            if detected is None or change > cfg.relocate_length_change:
                return None
        else:
            # No foot to tell the foot's false detections from real hands yet:
            # segment without the hands first, then again without the real ones.
            detected = self._detect(image, None, skin, frame.t_ms, len(hands) > 0)
            if detected is not None and len(hands):
                real = reject_foot_hands(hands, detected, cfg)
                if len(real):
                    covered = hand_regions(real, size, cfg)
                    detected = self._detect(image, covered, skin, frame.t_ms, True) or detected
        if detected is None and self._calibration is not None:
            detected = self._calibrated_only(size, frame.t_ms)
        if detected is None:
            return None
        self._reference = detected
        if detected.calibrated:
            return detected
        self._skin_unchecked = skin is None
        self._follower = FootFollower(
            image, detected.outline, detected.length_px, covered, hand_skin(real, size), cfg.follow
        )
        self._misfit_since_ms = None
        return detected

    def _follow(
        self,
        image: np.ndarray,
        covered: np.ndarray,
        skin: np.ndarray | Callable[[], np.ndarray],
        prev: Foot,
        t_ms: int,
    ) -> tuple[Foot, bool]:
        """The reference foot moved to where it fits this frame, and whether to look for it afresh."""
        cfg = self.config
        assert self._follower is not None and self._reference is not None
        fit = self._follower.follow(image, covered, skin)
        relocate = False
        if fit.fits:
            self._misfit_since_ms = None
            confidence = self._reference.confidence * fit.correlation
        else:
            confidence = prev.confidence * cfg.confidence_decay
            if fit.visible >= cfg.relocate_min_visible:
                # In plain view but not fitting: moved (or the camera was); after a while, look afresh.
                if self._misfit_since_ms is None:
                    self._misfit_since_ms = t_ms
                elif t_ms - self._misfit_since_ms >= 1000.0 * cfg.relocate_after_s:
                    relocate = True
                    self._misfit_since_ms = t_ms  # at most one look per relocate_after_s
        return _posed(self._reference, fit.pose, t_ms, confidence), relocate

    def _calibrated_only(self, size: tuple[int, int], t_ms: int) -> Foot:
        if self._calibration is None:
            return Foot.empty(size, t_ms, view=self.config.view)
        heel, toe = self._calibration
        sign, conf = self._lateral(None)
        outline = _outline_from_axis(heel, toe, sign)
        return self._with_side(
            Foot.build(
                outline,
                heel,
                toe,
                sign,
                size,
                confidence=0.6,
                t_ms=t_ms,
                view=self.config.view,
                calibrated=True,
                bins=self.config.profile_bins,
                side_confidence=conf,
            )
        )

    def _lateral(self, shape: FootShape | None) -> tuple[int, float]:
        """The lateral side: the user's word, else the vote so far (updated with ``shape``)."""
        cfg = self.config
        if self._side_override is not None:
            return lateral_from_side(self._side_override, cfg.view), 1.0
        if shape is not None:
            k = 1.0 / cfg.side_votes
            self._side_vote = (1 - k) * self._side_vote + k * shape.lateral_sign * shape.lateral_confidence
            self._side_weight = (1 - k) * self._side_weight + k
        if self._side_weight <= 0:
            return 1, 0.0
        mean = self._side_vote / self._side_weight
        return (1 if mean >= 0 else -1), float(min(1.0, abs(mean)))

    def _with_side(self, foot: Foot) -> Foot:
        if self._side_override is not None:
            sign = lateral_from_side(self._side_override, self.config.view)
            if sign != foot.lateral_sign:
                foot = Foot.build(
                    foot.outline,
                    foot.heel,
                    foot.toe,
                    sign,
                    foot.image_size,
                    confidence=foot.confidence,
                    t_ms=foot.t_ms,
                    view=foot.view,
                    calibrated=foot.calibrated,
                    detected=foot.detected,
                    bins=self.config.profile_bins,
                )
            return foot.with_side(self._side_override, 1.0)
        conf = foot.side_confidence
        side = (
            side_from_lateral(foot.lateral_sign, foot.view)
            if conf >= self.config.side_min_confidence
            else None
        )
        return foot.with_side(side, conf)

    def _detect(
        self,
        image: np.ndarray,
        covered: np.ndarray | None,
        skin: np.ndarray | None,
        t_ms: int,
        hands_in_view: bool,
    ) -> Foot | None:
        cfg = self.config
        shape = detect_foot(image, cfg, covered if covered is not None and covered.any() else None, skin)
        if shape is None:
            return None
        heel, toe = shape.heel, shape.toe
        calibrated = self._calibration is not None
        if calibrated:
            heel, toe = self._calibration
            # The outline is used only if the segmentation found the same foot (either way round).
            fl = float(np.hypot(*(toe - heel)))
            off = min(
                max(float(np.hypot(*(shape.heel - heel))), float(np.hypot(*(shape.toe - toe)))),
                max(float(np.hypot(*(shape.heel - toe))), float(np.hypot(*(shape.toe - heel)))),
            )
            if off > cfg.calibration_agreement_fl * fl:
                return None
        sign, side_conf = self._lateral(shape)
        # Hands in the picture (even off the foot) make the colours less clean.
        confidence = shape.toe_confidence * (0.85 if hands_in_view else 1.0)
        if calibrated:
            confidence = max(confidence, 0.8)
        foot = Foot.build(
            shape.outline,
            heel,
            toe,
            sign,
            (image.shape[1], image.shape[0]),
            confidence=0.5 + 0.5 * confidence,
            side_confidence=side_conf,
            t_ms=t_ms,
            view=cfg.view,
            calibrated=calibrated,
            detected=True,
            bins=cfg.profile_bins,
        )
        return self._with_side(foot)


def _posed(reference: Foot, pose: np.ndarray, t_ms: int, confidence: float) -> Foot:
    """``reference`` moved by a rigid ``pose`` (2, 3); the mapping moves with it, unchanged in FL."""
    a, t = pose[:, :2], pose[:, 2]
    outline = (reference.outline.astype(np.float64) @ a.T + t).astype(np.float32)
    heel = reference.heel.astype(np.float64) @ a.T + t
    toe = reference.toe.astype(np.float64) @ a.T + t
    assert reference.map is not None
    return replace(
        reference,
        outline=outline,
        heel=heel.astype(np.float32),
        toe=toe.astype(np.float32),
        bbox=np.concatenate([outline.min(axis=0), outline.max(axis=0)]).astype(np.float32),
        t_ms=t_ms,
        detected=False,
        confidence=float(np.clip(confidence, 0.0, 1.0)),
        map=replace(reference.map, heel=heel, toe=toe),
    )
