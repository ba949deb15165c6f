"""The articulated hand: joint geometry and a drawing that covers its landmarks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coach.landmarks import HandLandmark as L
from coach.synth.hand import HandLook, HandPose, draw_hand, hand_landmarks, local_landmarks, place


def pose(**kw: object) -> HandPose:
    base = {
        "wrist": np.array([300.0, 300.0]),
        "angle": -math.pi / 2,
        "palm_px": 90.0,
        "flex": np.zeros((5, 3)),
    }
    return HandPose(**{**base, **kw})


def test_straight_hand_proportions() -> None:
    pts = local_landmarks(pose())
    assert np.linalg.norm(pts[L.MIDDLE_MCP]) == pytest.approx(1.0, abs=0.01)
    middle = np.linalg.norm(pts[L.MIDDLE_TIP] - pts[L.MIDDLE_MCP])
    assert 0.7 <= middle <= 0.95  # a finger is a little shorter than the palm
    assert pts[L.THUMB_TIP, 0] > 0.3  # the thumb is on its own side


def test_flexion_shortens_fingers() -> None:
    straight = local_landmarks(pose())
    bent = local_landmarks(pose(flex=np.full((5, 3), 0.6)))
    for tip, mcp in ((L.INDEX_TIP, L.INDEX_MCP), (L.RING_TIP, L.RING_MCP)):
        assert np.linalg.norm(bent[tip] - bent[mcp]) < 0.8 * np.linalg.norm(straight[tip] - straight[mcp])


@pytest.mark.parametrize(
    ("right", "palm_view", "thumb_right"), [(True, False, False), (True, True, True), (False, False, True)]
)
def test_chirality(right: bool, palm_view: bool, thumb_right: bool) -> None:
    """Fingers up: a right hand seen from the back has its thumb on the left of the picture."""
    xy = hand_landmarks(pose(right=right, palm_view=palm_view))
    assert (xy[L.THUMB_TIP, 0] > xy[L.WRIST, 0]) == thumb_right


def test_place_puts_the_weighted_point_on_target() -> None:
    w = np.zeros(21)
    w[L.THUMB_TIP] = 1.0
    moved = place(pose(angle=0.7), w, np.array([123.0, 45.0]))
    np.testing.assert_allclose(hand_landmarks(moved)[L.THUMB_TIP], [123.0, 45.0], atol=1e-9)


def test_drawing_covers_every_landmark_and_reaches_the_edge() -> None:
    p = pose(flex=np.full((5, 3), 0.3))
    layer = draw_hand((640, 480), p, HandLook((110, 140, 190)), np.array([0.0, -1.0]))
    x0, y0 = layer.origin
    for x, y in np.round(hand_landmarks(p)).astype(int):
        assert layer.alpha[y - y0, x - x0] > 0.5
    # The forearm runs off the bottom of the picture.
    assert y0 + layer.alpha.shape[0] == 480
    assert layer.alpha[-1].max() > 0.5


def test_pose_validation() -> None:
    with pytest.raises(ValueError):
        pose(flex=np.zeros((5, 2)))
    with pytest.raises(ValueError):
        pose(palm_px=0.0)
    with pytest.raises(ValueError):
        HandLook((300, 0, 0))
