"""Annotators: draw what the stages found onto a picture. No logic lives here.

Each annotator is configured once and has ``draw(scene, data) -> scene``;
sizes come from the frame size, colours from the style table below.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from coach.hands import Hands
from coach.landmarks import FINGERS, SKELETON, HandLandmark

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
