"""Names of the 21 hand landmarks and the project's own skeleton table.

The order is MediaPipe's (0 wrist, 1-4 thumb, 5-8 index, 9-12 middle,
13-16 ring, 17-20 pinky). The skeleton is written out here rather than taken
from MediaPipe, so drawing and geometry never depend on a table that changes
under us; ``tests/test_landmarks.py`` pins both.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class HandLandmark(IntEnum):
    """Index of each of the 21 hand landmarks."""

    WRIST = 0
    THUMB_CMC = 1
    THUMB_MCP = 2
    THUMB_IP = 3
    THUMB_TIP = 4
    INDEX_MCP = 5
    INDEX_PIP = 6
    INDEX_DIP = 7
    INDEX_TIP = 8
    MIDDLE_MCP = 9
    MIDDLE_PIP = 10
    MIDDLE_DIP = 11
    MIDDLE_TIP = 12
    RING_MCP = 13
    RING_PIP = 14
    RING_DIP = 15
    RING_TIP = 16
    PINKY_MCP = 17
    PINKY_PIP = 18
    PINKY_DIP = 19
    PINKY_TIP = 20


L = HandLandmark
NUM_LANDMARKS = len(HandLandmark)

FINGERS: dict[str, tuple[HandLandmark, ...]] = {
    "thumb": (L.THUMB_CMC, L.THUMB_MCP, L.THUMB_IP, L.THUMB_TIP),
    "index": (L.INDEX_MCP, L.INDEX_PIP, L.INDEX_DIP, L.INDEX_TIP),
    "middle": (L.MIDDLE_MCP, L.MIDDLE_PIP, L.MIDDLE_DIP, L.MIDDLE_TIP),
    "ring": (L.RING_MCP, L.RING_PIP, L.RING_DIP, L.RING_TIP),
    "pinky": (L.PINKY_MCP, L.PINKY_PIP, L.PINKY_DIP, L.PINKY_TIP),
}

FINGERTIPS: tuple[HandLandmark, ...] = (
    L.THUMB_TIP,
    L.INDEX_TIP,
    L.MIDDLE_TIP,
    L.RING_TIP,
    L.PINKY_TIP,
)

# The palm's outline, wrist first, going round through the knuckles.
PALM: tuple[HandLandmark, ...] = (
    L.WRIST,
    L.THUMB_CMC,
    L.INDEX_MCP,
    L.MIDDLE_MCP,
    L.RING_MCP,
    L.PINKY_MCP,
)

# The landmarks whose mean is the palm's centre: the wrist and the four knuckles.
PALM_CENTRE: tuple[HandLandmark, ...] = (L.WRIST, L.INDEX_MCP, L.MIDDLE_MCP, L.RING_MCP, L.PINKY_MCP)


def palm_centre(xy: np.ndarray) -> np.ndarray:
    """Centre of the palm of each hand.

    Args:
        xy: (..., 21, 2) landmark positions.

    Returns:
        (..., 2) the mean of :data:`PALM_CENTRE`.
    """
    return np.asarray(xy)[..., list(PALM_CENTRE), :].mean(axis=-2)


# Bones as (from, to): each finger from its base outwards, then the palm edges.
SKELETON: tuple[tuple[HandLandmark, HandLandmark], ...] = (
    (L.WRIST, L.THUMB_CMC),
    (L.THUMB_CMC, L.THUMB_MCP),
    (L.THUMB_MCP, L.THUMB_IP),
    (L.THUMB_IP, L.THUMB_TIP),
    (L.WRIST, L.INDEX_MCP),
    (L.INDEX_MCP, L.INDEX_PIP),
    (L.INDEX_PIP, L.INDEX_DIP),
    (L.INDEX_DIP, L.INDEX_TIP),
    (L.INDEX_MCP, L.MIDDLE_MCP),
    (L.MIDDLE_MCP, L.MIDDLE_PIP),
    (L.MIDDLE_PIP, L.MIDDLE_DIP),
    (L.MIDDLE_DIP, L.MIDDLE_TIP),
    (L.MIDDLE_MCP, L.RING_MCP),
    (L.RING_MCP, L.RING_PIP),
    (L.RING_PIP, L.RING_DIP),
    (L.RING_DIP, L.RING_TIP),
    (L.RING_MCP, L.PINKY_MCP),
    (L.WRIST, L.PINKY_MCP),
    (L.PINKY_MCP, L.PINKY_PIP),
    (L.PINKY_PIP, L.PINKY_DIP),
    (L.PINKY_DIP, L.PINKY_TIP),
)
