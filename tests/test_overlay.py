"""Annotators draw the expected pixels (the pattern MediaPipe's drawing tests use)."""

from __future__ import annotations

import numpy as np

from coach.hands import Hands
from coach.landmarks import SKELETON, HandLandmark
from coach.overlay import _BONE_COLOURS, FINGER_COLOURS, PALM_COLOUR, HandAnnotator, line_thickness


def _spread_hand() -> np.ndarray:
    """A hand laid out on a grid, fingers pointing up, so no two bones overlap."""
    xy = np.zeros((21, 2), np.float32)
    xy[HandLandmark.WRIST] = (320, 440)
    xy[HandLandmark.THUMB_CMC] = (250, 400)
    for f, base in enumerate((HandLandmark.THUMB_MCP, HandLandmark.INDEX_MCP, HandLandmark.MIDDLE_MCP,
                              HandLandmark.RING_MCP, HandLandmark.PINKY_MCP)):  # fmt: skip
        x = 200 + f * 60
        joints = range(base, base + (3 if f == 0 else 4))
        for k, j in enumerate(joints):
            xy[j] = (x, 340 - k * 70)
    return xy


def _hands(xy: np.ndarray) -> Hands:
    return Hands(
        xy=xy[None],
        depth=np.zeros((1, 21), np.float32),
        world=np.zeros((1, 21, 3), np.float32),
        handedness=("Right",),
        scores=np.ones(1, np.float32),
        ids=np.zeros(1, np.int32),
        image_size=(640, 480),
    )


def test_joints_bones_and_background() -> None:
    xy = _spread_hand()
    canvas = HandAnnotator(show_labels=False).draw(np.zeros((480, 640, 3), np.uint8), _hands(xy))
    for p in np.round(xy).astype(int):
        assert tuple(canvas[p[1], p[0]]) == (255, 255, 255)
    for (a, b), colour in zip(SKELETON, _BONE_COLOURS, strict=True):
        mid = np.round((xy[a] + xy[b]) / 2).astype(int)
        if np.linalg.norm(xy[a] - xy[b]) > 20:
            assert tuple(int(c) for c in canvas[mid[1], mid[0]]) == colour, (a.name, b.name)
    # Far from the hand nothing is drawn.
    assert canvas[:100, :150].max() == 0 and canvas[:, 560:].max() == 0


def test_bone_colours_follow_the_fingers() -> None:
    colours = dict(zip(SKELETON, _BONE_COLOURS, strict=True))
    assert colours[(HandLandmark.INDEX_DIP, HandLandmark.INDEX_TIP)] == FINGER_COLOURS["index"]
    assert colours[(HandLandmark.WRIST, HandLandmark.THUMB_CMC)] == FINGER_COLOURS["thumb"]
    assert colours[(HandLandmark.WRIST, HandLandmark.PINKY_MCP)] == PALM_COLOUR


def test_no_hand_draws_nothing_and_sizes_scale() -> None:
    canvas = np.zeros((480, 640, 3), np.uint8)
    HandAnnotator().draw(canvas, Hands.empty((640, 480)))
    assert canvas.max() == 0
    assert line_thickness((640, 480)) < line_thickness((1920, 1080))
