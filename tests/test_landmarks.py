"""Pins the landmark names and the skeleton table: drawing and geometry depend on them."""

from __future__ import annotations

from coach.landmarks import FINGERS, FINGERTIPS, NUM_LANDMARKS, PALM, SKELETON, HandLandmark

EXPECTED_NAMES = [
    "WRIST",
    "THUMB_CMC", "THUMB_MCP", "THUMB_IP", "THUMB_TIP",
    "INDEX_MCP", "INDEX_PIP", "INDEX_DIP", "INDEX_TIP",
    "MIDDLE_MCP", "MIDDLE_PIP", "MIDDLE_DIP", "MIDDLE_TIP",
    "RING_MCP", "RING_PIP", "RING_DIP", "RING_TIP",
    "PINKY_MCP", "PINKY_PIP", "PINKY_DIP", "PINKY_TIP",
]  # fmt: skip

EXPECTED_SKELETON = [
    (0, 1), (1, 2), (2, 3), (3, 4),
    (0, 5), (5, 6), (6, 7), (7, 8),
    (5, 9), (9, 10), (10, 11), (11, 12),
    (9, 13), (13, 14), (14, 15), (15, 16),
    (13, 17), (0, 17), (17, 18), (18, 19), (19, 20),
]  # fmt: skip


def test_names_follow_mediapipe_order() -> None:
    assert NUM_LANDMARKS == 21
    assert [lm.name for lm in HandLandmark] == EXPECTED_NAMES
    assert [int(lm) for lm in HandLandmark] == list(range(21))


def test_skeleton_table_is_pinned() -> None:
    assert [(int(a), int(b)) for a, b in SKELETON] == EXPECTED_SKELETON


def test_skeleton_is_a_connected_tree_over_all_landmarks() -> None:
    # 21 joints joined by 20 bones plus the one palm edge that closes the palm.
    assert len(SKELETON) == 21
    reached = {HandLandmark.WRIST}
    changed = True
    while changed:
        changed = False
        for a, b in SKELETON:
            if (a in reached) != (b in reached):
                reached |= {a, b}
                changed = True
    assert reached == set(HandLandmark)


def test_finger_groups() -> None:
    assert tuple(joints[-1] for joints in FINGERS.values()) == FINGERTIPS
    assert sorted(j for joints in FINGERS.values() for j in joints) == list(range(1, 21))
    assert PALM[0] == HandLandmark.WRIST
