"""Annotators: draw what the stages found onto a picture. No logic lives here.

Each annotator is configured once and has ``draw(scene, data) -> scene``;
sizes come from the frame size, colours from the style table below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from coach.foot import Foot
from coach.hands import Hands
from coach.landmarks import FINGERS, SKELETON, HandLandmark
from coach.vocabulary import BALL_END_U, HEEL_END_U, MEDIAL_LATERAL_V, MIDFOOT_END_U

# BGR colours, one per finger, and one for the palm.
FINGER_COLOURS: dict[str, tuple[int, int, int]] = {
    "thumb": (80, 190, 255),
    "index": (90, 220, 120),
    "middle": (230, 200, 60),
    "ring": (220, 120, 200),
    "pinky": (120, 120, 255),
}
PALM_COLOUR = (235, 235, 235)


def line_thickness(image_size: tuple[int, int]) -> int:
    """A line width that reads well at any resolution: about 1/250 of the short side."""
    return max(1, round(min(image_size) / 250))


def text_scale(image_size: tuple[int, int]) -> float:
    """An OpenCV font scale giving text about 1/30 of the short side high."""
    return max(0.35, min(image_size) / 900)


def _bone_colour(a: HandLandmark, b: HandLandmark) -> tuple[int, int, int]:
    for finger, joints in FINGERS.items():
        if b in joints and (a in joints or (a == HandLandmark.WRIST and finger == "thumb")):
            return FINGER_COLOURS[finger]
    return PALM_COLOUR


_BONE_COLOURS = tuple(_bone_colour(a, b) for a, b in SKELETON)


@dataclass(frozen=True)
class HandAnnotator:
    """Draws each hand's skeleton and joints, and its track id and handedness.

    Attributes:
        show_labels: write "Right #0"-style labels beside each wrist.
    """

    show_labels: bool = True

    def draw(self, scene: np.ndarray, hands: Hands) -> np.ndarray:
        """Draws onto ``scene`` in place and returns it.

        Args:
            scene: (h, w, 3) uint8 BGR image.
            hands: the hands to draw, in the same pixel frame.
        """
        size = (scene.shape[1], scene.shape[0])
        thick = line_thickness(size)
        radius = thick + 1
        for i in range(len(hands)):
            pts = np.round(hands.xy[i]).astype(np.int32)
            for (a, b), colour in zip(SKELETON, _BONE_COLOURS, strict=True):
                cv2.line(scene, tuple(pts[a]), tuple(pts[b]), colour, thick, cv2.LINE_AA)
            for p in pts:
                cv2.circle(scene, tuple(p), radius, (255, 255, 255), -1, cv2.LINE_AA)
                cv2.circle(scene, tuple(p), radius, (40, 40, 40), 1, cv2.LINE_AA)
            if self.show_labels:
                label = f"{hands.handedness[i]} #{hands.ids[i]}"
                wrist = pts[HandLandmark.WRIST]
                org = (int(wrist[0]) + 2 * radius, int(wrist[1]) + 2 * radius)
                cv2.putText(
                    scene,
                    label,
                    org,
                    cv2.FONT_HERSHEY_SIMPLEX,
                    text_scale(size),
                    (255, 255, 255),
                    thick,
                    cv2.LINE_AA,
                )
        return scene


# --- the foot and the coach's head-up display ------------------------------------------------

# Zone rectangles in foot coordinates (u0, u1, v0, v1), from the spec's zone table.
ZONE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "heel": (0.0, HEEL_END_U, 0.0, 1.0),
    "arch": (HEEL_END_U, MIDFOOT_END_U, 0.0, MEDIAL_LATERAL_V),
    "outer_edge": (HEEL_END_U, MIDFOOT_END_U, MEDIAL_LATERAL_V, 1.0),
    "ball": (MIDFOOT_END_U, BALL_END_U, 0.0, 1.0),
    "toes": (BALL_END_U, 1.0, 0.0, 1.0),
}
# BGR: untouched zones are tinted cool, well-worked ones warm.
ZONE_COLD = (200, 120, 40)
ZONE_WARM = (60, 170, 255)
OUTLINE_COLOUR = (255, 255, 255)
PACE_COLOURS = {"too_slow": (255, 180, 60), "good": (90, 200, 90), "too_fast": (60, 60, 235)}
PANEL_COLOUR = (30, 30, 30)
TEXT_COLOUR = (245, 245, 245)
STROKE_LABELS = {
    "glide": "Glide",
    "thumb_circles": "Thumb circles",
    "press": "Press",
    "knead": "Knead",
    "toe_work": "Toe work",
}


def zone_polygon(box: tuple[float, float, float, float], steps: int = 12) -> np.ndarray:
    """(4 * steps, 2) the outline of a zone's (u, v) rectangle, finely sampled so it bends with the foot."""
    u0, u1, v0, v1 = box
    s = np.linspace(0.0, 1.0, steps, endpoint=False)
    edges = [
        np.stack([u0 + (u1 - u0) * s, np.full(steps, v0)], axis=1),
        np.stack([np.full(steps, u1), v0 + (v1 - v0) * s], axis=1),
        np.stack([u1 - (u1 - u0) * s, np.full(steps, v1)], axis=1),
        np.stack([np.full(steps, u0), v1 - (v1 - v0) * s], axis=1),
    ]
    return np.concatenate(edges)


@dataclass(frozen=True)
class FootAnnotator:
    """Draws the foot's outline, its zones tinted by how much each was worked, heel and toe.

    Attributes:
        alpha: opacity of the zone tint.
    """

    alpha: float = 0.35

    def draw(self, scene: np.ndarray, foot: Foot, zone_share: dict[str, float] | None = None) -> np.ndarray:
        """Draws onto ``scene`` in place and returns it.

        Args:
            scene: (h, w, 3) uint8 BGR.
            foot: the foot (nothing is drawn when it is not found).
            zone_share: share of stroke time per zone so far, 0-1.
        """
        if not foot.found:
            return scene
        size = (scene.shape[1], scene.shape[0])
        thick = line_thickness(size)
        tint = scene.copy()
        shares = zone_share or {}
        top = max(shares.values(), default=0.0)
        for zone, box in ZONE_BOXES.items():
            poly = np.round(foot.to_px(zone_polygon(box))).astype(np.int32)
            level = shares.get(zone, 0.0) / top if top > 0 else 0.0
            colour = tuple(int(c + (w - c) * level) for c, w in zip(ZONE_COLD, ZONE_WARM, strict=True))
            cv2.fillPoly(tint, [poly], colour, cv2.LINE_AA)
            cv2.polylines(scene, [poly], True, (180, 180, 180), 1, cv2.LINE_AA)
        cv2.addWeighted(tint, self.alpha, scene, 1 - self.alpha, 0, dst=scene)
        cv2.polylines(
            scene, [np.round(foot.outline).astype(np.int32)], True, OUTLINE_COLOUR, thick, cv2.LINE_AA
        )
        for point, label in ((foot.heel, "heel"), (foot.toe, "toe")):
            p = tuple(int(x) for x in np.round(point))
            cv2.circle(scene, p, 3 * thick, OUTLINE_COLOUR, -1, cv2.LINE_AA)
            cv2.putText(scene, label, (p[0] + 4 * thick, p[1]), cv2.FONT_HERSHEY_SIMPLEX,
                        text_scale(size), OUTLINE_COLOUR, thick, cv2.LINE_AA)  # fmt: skip
        return scene


@dataclass(frozen=True)
class HudData:
    """What the head-up display shows; built by the caller from the engine's results.

    Attributes:
        stroke: current stroke type or None.
        confidence: 0-1.
        pace: "too_slow", "good", "too_fast" or None.
        pace_text: e.g. "0.82 FL/s (aim 0.04-0.40)".
        pace_position: where the measure sits against its band, 0 = low edge, 1 = high edge.
        zone_share: share of stroke time per zone, 0-1.
        elapsed_s, active_s: session time and stroke time.
        cue: the cue to show, or "".
        notice: a state line such as "no foot found", or "".
    """

    stroke: str | None = None
    confidence: float = 0.0
    pace: str | None = None
    pace_text: str = ""
    pace_position: float | None = None
    zone_share: dict[str, float] = field(default_factory=dict)
    elapsed_s: float = 0.0
    active_s: float = 0.0
    cue: str = ""
    notice: str = ""


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"


@dataclass(frozen=True)
class HudAnnotator:
    """Draws the coach's panel: stroke, pace gauge, coverage bars, times and the current cue."""

    def draw(self, scene: np.ndarray, data: HudData) -> np.ndarray:
        h, w = scene.shape[:2]
        size = (w, h)
        scale = text_scale(size)
        thick = line_thickness(size)
        line = int(28 * scale * 1.4) + 4
        pad = line // 3
        panel_w = int(w * 0.34)
        rows = 4 + len(ZONE_BOXES)
        panel = scene[0 : rows * line + 2 * pad, 0:panel_w]
        panel[:] = (panel * 0.35 + np.array(PANEL_COLOUR) * 0.65).astype(np.uint8)
        font = cv2.FONT_HERSHEY_SIMPLEX

        def text(row: int, s: str, colour: tuple[int, int, int] = TEXT_COLOUR) -> None:
            cv2.putText(
                scene, s, (pad, pad + (row + 1) * line - line // 4), font, scale, colour, thick, cv2.LINE_AA
            )

        name = STROKE_LABELS.get(data.stroke or "", "No stroke")
        text(0, f"{name}" + (f"  {data.confidence:.0%}" if data.stroke else ""))
        colour = PACE_COLOURS.get(data.pace or "", TEXT_COLOUR)
        text(1, data.pace_text or "pace: -", colour)
        # Pace gauge: the band is the middle half of the bar.
        y = pad + 2 * line + line // 4
        x0, x1 = pad, panel_w - pad
        cv2.rectangle(scene, (x0, y), (x1, y + line // 3), (90, 90, 90), -1)
        q = (x1 - x0) // 4
        cv2.rectangle(scene, (x0 + q, y), (x1 - q, y + line // 3), PACE_COLOURS["good"], -1)
        if data.pace_position is not None:
            pos = float(np.clip(data.pace_position, -1.0, 2.0))
            x = int(x0 + q + pos * (x1 - x0 - 2 * q))
            x = int(np.clip(x, x0, x1))
            cv2.line(scene, (x, y - 3), (x, y + line // 3 + 3), TEXT_COLOUR, max(2, thick), cv2.LINE_AA)
        text(3, f"time {_clock(data.elapsed_s)}   active {_clock(data.active_s)}")
        for k, zone in enumerate(ZONE_BOXES):
            row = 4 + k
            share = data.zone_share.get(zone, 0.0)
            yb = pad + row * line + line // 5
            label_w = int(panel_w * 0.45)
            cv2.putText(scene, zone.replace("_", " "), (pad, yb + line // 2), font, scale * 0.85, TEXT_COLOUR,
                        thick, cv2.LINE_AA)  # fmt: skip
            cv2.rectangle(scene, (label_w, yb + 2), (panel_w - pad, yb + line // 2), (90, 90, 90), -1)
            fill = int(label_w + share * (panel_w - pad - label_w))
            cv2.rectangle(scene, (label_w, yb + 2), (fill, yb + line // 2), ZONE_WARM, -1)
        banner = data.cue or data.notice
        if banner:
            bh = line + pad
            strip = scene[h - bh : h, :]
            strip[:] = (strip * 0.3 + np.array(PANEL_COLOUR) * 0.7).astype(np.uint8)
            cv2.putText(
                scene, banner, (pad, h - pad - line // 6), font, scale * 1.1, TEXT_COLOUR, thick, cv2.LINE_AA
            )
        return scene
