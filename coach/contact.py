"""Contact stage: where the working hand touches the foot, in foot coordinates.

From the tracked hands and the foot's pixel-to-(u, v) mapping, each frame gets
a :class:`Contact`: three points of the working hand (thumb tip, fingertip
centroid, palm centre) in foot lengths, and whether the hand is on the foot.
When both hands are on the foot, the one that moves is working and the still
one is holding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from coach.hands import Hands
from coach.landmarks import HandLandmark, palm_centre

L = HandLandmark

POINTS: tuple[str, ...] = ("thumb", "fingers", "palm")
_FINGERTIPS = [L.INDEX_TIP, L.MIDDLE_TIP, L.RING_TIP]


@dataclass(frozen=True)
class FootFrame:
    """The two ways of measuring on the foot that the contact stage needs.

    Attributes:
        to_uv: (n, 2) pixels to the spec's (u, v): ``v`` is relative to the
            foot's width where the point is (0 medial edge, 1 lateral edge).
        to_fl: (n, 2) pixels to (a, s) in foot lengths: ``a`` along heel-to-toe,
            ``s`` across towards the lateral side. Distances here are true
            distances on the foot, so motion is measured in it.
    """

    to_uv: Callable[[np.ndarray], np.ndarray]
    to_fl: Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Contact:
    """The working hand's contact with the foot in one frame.

    Attributes:
        t_ms: the frame's timestamp.
        present: a working hand is on the foot (the points below mean something).
        uv: (3, 2) float64 foot coordinates (u, v) of the thumb tip, the
            fingertip centroid (index, middle, ring) and the palm centre, in
            that order (see :data:`POINTS`); NaN when not present.
        fl: (3, 2) float64 the same points in foot lengths (a, s) (see
            :class:`FootFrame`); NaN when not present.
        hand_id: track id of the working hand, -1 when none.
        holding: a second hand is on the foot too.
    """

    t_ms: int
    present: bool
    uv: np.ndarray
    fl: np.ndarray
    hand_id: int = -1
    holding: bool = False

    def __post_init__(self) -> None:
        if self.uv.shape != (3, 2) or self.fl.shape != (3, 2):
            raise ValueError(f"Contact.uv and fl must be (3, 2), got {self.uv.shape}, {self.fl.shape}")

    @classmethod
    def empty(cls, t_ms: int) -> Contact:
        return cls(t_ms, False, np.full((3, 2), np.nan), np.full((3, 2), np.nan))

    def point(self, name: str) -> np.ndarray:
        """(2,) foot coordinates of "thumb", "fingers" or "palm"."""
        return self.uv[POINTS.index(name)]


@dataclass(frozen=True)
class ContactConfig:
    """How the working hand is chosen and when it counts as on the foot.

    Attributes:
        margin_fl: how far outside the foot's outline (in foot lengths) a point
            may be and still touch it (fingers wrap round the edges).
        motion_window_s: time over which each hand's movement is compared.
        still_ratio: a hand moving less than this fraction of the other's
            movement is the holding hand.
        still_speed_fl_s: below this palm speed a hand counts as still; when
            both are still (a press), the hand that was working goes on working.
        motion_step_s: a hand's speed is measured between positions at least
            this far apart in time: from frame to frame, the tracker's jitter
            alone makes a still palm seem to move at about 0.06 FL/s (over
            0.2 s steps, 0.01-0.02), more than a slow glide's jitter-free
            difference from a holding hand.
        switch_s: a hand takes over from a working hand that was chosen for
            moving (or that moved alone on the foot) only after it has moved
            faster than still for this long: the jitter of a hand the tracker
            sees poorly (half hidden while it holds the heel) reads as
            0.02-0.16 FL/s, in bursts or for seconds, more than a working
            thumb settling into a press.
        switch_extent_fl: and only when its palm, averaged over each third of
            the motion window, has spanned this far: a palm jittering 0.01 FL
            frame to frame spans a median 0.009 FL averaged so (0.02 in one
            window of a hundred).
    """

    margin_fl: float = 0.08
    motion_window_s: float = 0.6
    still_ratio: float = 0.6
    still_speed_fl_s: float = 0.05
    motion_step_s: float = 0.2
    switch_s: float = 0.5
    switch_extent_fl: float = 0.03

    def __post_init__(self) -> None:
        if not 0 <= self.margin_fl <= 0.5:
            raise ValueError("margin_fl must be within 0-0.5 foot lengths")
        if self.motion_window_s <= 0 or not 0 < self.still_ratio <= 1:
            raise ValueError("motion_window_s must be > 0 and still_ratio within (0, 1]")
        if not 0 <= self.motion_step_s < self.motion_window_s:
            raise ValueError("motion_step_s must be >= 0 and shorter than motion_window_s")
        if self.switch_s < 0 or self.switch_extent_fl < 0:
            raise ValueError("switch_s and switch_extent_fl must be >= 0")


def points_px(xy: np.ndarray) -> np.ndarray:
    """The three contact points of hands given as landmarks.

    Args:
        xy: (n, 21, 2) landmark positions, px.

    Returns:
        (n, 3, 2) float64 thumb tip, fingertip centroid and palm centre (see :data:`POINTS`).
    """
    xy = np.asarray(xy, np.float64).reshape(-1, 21, 2)
    return np.stack([xy[:, L.THUMB_TIP], xy[:, _FINGERTIPS].mean(axis=1), palm_centre(xy)], axis=1)


def hand_points_px(hands: Hands) -> np.ndarray:
    """(n, 3, 2) pixel positions of thumb tip, fingertip centroid and palm centre per hand."""
    return points_px(hands.xy)


@dataclass
class ContactTracker:
    """Chooses the working hand each frame and maps its points onto the foot.

    Args:
        config: contact settings.
    """

    config: ContactConfig = field(default_factory=ContactConfig)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._history: dict[int, list[tuple[float, np.ndarray]]] = {}
        self._working_id = -1
        self._moving_since: dict[int, float] = {}  # hand id: since when it has moved faster than still
        self._earned = False  # the working hand was chosen for moving, or kept moving alone on the foot

    def _motion(self, hand_id: int, t_s: float, palm_fl: np.ndarray) -> float:
        """Mean speed of a hand's palm over the recent window, foot lengths per second.

        The path is followed from the newest position back in steps of at least
        ``motion_step_s``, so the tracker's frame-to-frame jitter is not counted as movement.
        A hand seen for less than two steps has no speed yet (0): over a single
        step, the jitter of a hand the tracker has just found again (0.01 FL)
        reads as fast as a hand that moves.
        """
        track = self._history.setdefault(hand_id, [])
        track.append((t_s, palm_fl))
        while track and track[0][0] < t_s - self.config.motion_window_s:
            track.pop(0)
        kept = [track[-1]]
        for t, p in reversed(track[:-1]):
            if kept[-1][0] - t >= self.config.motion_step_s - 1e-6:
                kept.append((t, p))
        if len(kept) < 3:
            return 0.0
        pts = np.array([p for _, p in kept])
        span = kept[0][0] - kept[-1][0]
        return float(np.linalg.norm(np.diff(pts, axis=0), axis=1).sum() / max(span, 1e-6))

    def update(self, hands: Hands, foot: FootFrame | None, t_ms: int) -> Contact:
        """The contact for one frame.

        Args:
            hands: the hands that are hands (the foot's false detections already removed).
            foot: the foot's measuring frame, or None when no foot is found.
            t_ms: the frame's timestamp.
        """
        if foot is None or len(hands) == 0:
            self._forget(set())
            return Contact.empty(t_ms)
        pts = hand_points_px(hands).reshape(-1, 2)
        uv = foot.to_uv(pts).reshape(len(hands), 3, 2)
        fl = foot.to_fl(pts).reshape(len(hands), 3, 2)
        m = self.config.margin_fl
        inside = (uv[..., 0] >= -m) & (uv[..., 0] <= 1 + m) & (uv[..., 1] >= -m) & (uv[..., 1] <= 1 + m)
        on_foot = inside.any(axis=1)
        t_s = t_ms / 1000.0
        motion = np.array([self._motion(int(hands.ids[i]), t_s, fl[i, 2]) for i in range(len(hands))])
        self._forget({int(i) for i in hands.ids})
        for i in range(len(hands)):
            if motion[i] > self.config.still_speed_fl_s:
                self._moving_since.setdefault(int(hands.ids[i]), t_s)
            else:
                self._moving_since.pop(int(hands.ids[i]), None)
        candidates = np.flatnonzero(on_foot)
        if len(candidates) == 0:
            return Contact.empty(t_ms)
        if len(candidates) == 1:
            k = int(candidates[0])
            same = int(hands.ids[k]) == self._working_id
            self._earned = (self._earned and same) or self._kept_moving(int(hands.ids[k]), t_s)
        else:
            order = candidates[np.argsort(-motion[candidates])]
            first, second = int(order[0]), int(order[1])
            previous = [int(i) for i in candidates if int(hands.ids[i]) == self._working_id]
            moving = motion[first] > self.config.still_speed_fl_s
            if moving and motion[second] < self.config.still_ratio * motion[first]:
                # One hand moves, the other holds: the moving one works, once it has moved for long enough.
                challenged = bool(previous) and previous[0] != first and self._earned
                k = previous[0] if challenged and not self._kept_moving(int(hands.ids[first]), t_s) else first
                self._earned = True
            elif previous:
                k = previous[0]  # both alike (both still in a press): the hand that was working goes on
            else:
                # Both move alike and neither was working: the hand with more of its points on the foot.
                k = first if inside[first].sum() >= inside[second].sum() else second
                self._earned = False
        self._working_id = int(hands.ids[k])
        return Contact(t_ms, True, uv[k], fl[k], int(hands.ids[k]), holding=len(candidates) > 1)

    def _kept_moving(self, hand_id: int, t_s: float) -> bool:
        """Whether a hand has moved faster than still for ``switch_s`` and further than jitter.

        Its palm, averaged over each third of the motion window (the tracker's
        jitter averages out, a movement does not), has spanned at least
        ``switch_extent_fl``.
        """
        since = self._moving_since.get(hand_id)
        if since is None or t_s - since < self.config.switch_s - 1e-6:
            return False
        track = self._history.get(hand_id, [])
        ts = np.array([t for t, _ in track])
        pts = np.array([p for _, p in track])
        thirds = np.minimum(((ts - ts[0]) / max(ts[-1] - ts[0], 1e-6) * 3).astype(int), 2)
        means = np.array([pts[thirds == k].mean(axis=0) for k in np.unique(thirds)])
        extent = np.linalg.norm(means[:, None] - means[None], axis=-1).max()
        return bool(extent >= self.config.switch_extent_fl)

    def _forget(self, keep: set[int]) -> None:
        for hand_id in list(self._history):
            if hand_id not in keep:
                del self._history[hand_id]
                self._moving_since.pop(hand_id, None)
