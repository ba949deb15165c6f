"""The live window's extras drawn against expected pixels: key help, prompts, badge, mirrored view."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from coach.analysis import FrameResult
from coach.contact import Contact
from coach.foot import Foot
from coach.hands import Hands
from coach.live import LiveView
from coach.live_overlay import (
    HELP_LINES,
    MARK_COLOUR,
    PROMPT_COLOUR,
    BadgeAnnotator,
    HelpAnnotator,
    PromptAnnotator,
    _line_height,
)
from coach.overlay import TEXT_COLOUR, line_thickness
from coach.sources import Frame
from coach.strokes import StrokeState

SIZES = [(640, 480), (1280, 720), (320, 240)]


@pytest.mark.parametrize("size", SIZES)
def test_help_box_is_centred_framed_and_scales(size: tuple[int, int]) -> None:
    w, h = size
    scene = np.zeros((h, w, 3), np.uint8)
    HelpAnnotator().draw(scene)
    line = _line_height(size)
    box_w, box_h = int(w * 0.62), (len(HELP_LINES) + 1) * line + 2 * (line // 2)
    x0, y0 = (w - box_w) // 2, max(0, (h - box_h) // 2)
    thick = line_thickness(size)
    expected = np.zeros_like(scene)
    cv2.rectangle(expected, (x0, y0), (x0 + box_w - 1, y0 + box_h - 1), TEXT_COLOUR, thick)
    # The frame of the box, pixel for pixel (its top row and its left column).
    np.testing.assert_array_equal(scene[y0, x0 : x0 + box_w], expected[y0, x0 : x0 + box_w])
    np.testing.assert_array_equal(scene[y0 : y0 + box_h, x0], expected[y0 : y0 + box_h, x0])
    # Nothing outside the box (and its frame line).
    outside = np.ones((h, w), bool)
    m = thick
    outside[max(0, y0 - m) : y0 + box_h + m, max(0, x0 - m) : x0 + box_w + m] = False
    assert not scene[outside].any()
    # The title and the keys are written in the prompt colour: one line of text each.
    b, r = scene[..., 0].astype(int), scene[..., 2].astype(int)
    near = (r > 80) & (r - b > 50)  # yellowish, anti-aliased edges included; the white text is grey
    pad = line // 2
    for i in range(1 + len(HELP_LINES)):
        baseline = y0 + pad + (i + 1) * line - line // 4
        assert near[baseline - line // 2 : baseline + 1].any(), i
    assert not near[y0 + pad + (len(HELP_LINES) + 1) * line :].any()


def test_help_box_darkens_the_picture_under_it() -> None:
    scene = np.full((480, 640, 3), 200, np.uint8)
    HelpAnnotator().draw(scene)
    assert scene[240, 320].max() < 100  # dimmed (text aside)
    assert (scene[5, 5] == 200).all()


@pytest.mark.parametrize("size", SIZES)
def test_prompt_marks_the_clicked_points(size: tuple[int, int]) -> None:
    w, h = size
    scene = np.zeros((h, w, 3), np.uint8)
    points = ((w * 0.25, h * 0.8), (w * 0.3, h * 0.2))
    PromptAnnotator().draw(scene, "", points)
    expected = np.zeros_like(scene)
    line = _line_height(size)
    for x, y in points:
        cv2.drawMarker(expected, (round(x), round(y)), MARK_COLOUR, cv2.MARKER_CROSS, 4 * line // 3,
                       max(2, line_thickness(size)), cv2.LINE_AA)  # fmt: skip
    np.testing.assert_array_equal(scene, expected)


def test_prompt_text_sits_in_the_middle() -> None:
    scene = np.zeros((480, 640, 3), np.uint8)
    PromptAnnotator().draw(scene, "Click the heel")
    ys, xs = np.nonzero(np.all(scene == PROMPT_COLOUR, axis=2))
    assert len(xs) > 100
    assert abs(xs.mean() - 320) < 40 and abs(ys.mean() - 240) < 40


def test_badge_is_bottom_right_and_empty_draws_nothing() -> None:
    scene = np.zeros((480, 640, 3), np.uint8)
    BadgeAnnotator().draw(scene, "")
    assert not scene.any()
    BadgeAnnotator().draw(scene, "PAUSED")
    ys, xs = np.nonzero(np.all(scene == PROMPT_COLOUR, axis=2))
    assert xs.min() > 640 * 0.6 and ys.min() > 480 * 0.7


def _result(image: np.ndarray) -> FrameResult:
    h, w = image.shape[:2]
    frame = Frame(image, 0, 0)
    return FrameResult(
        frame,
        Hands.empty((w, h)),
        Foot.empty((w, h)),
        Contact.empty(0),
        StrokeState(0.0, None, 0.0, None, 0.0),
        None,
        None,
        {},
        0.0,
    )


def test_mirrored_view_flips_the_picture_but_not_the_panel() -> None:
    rng = np.random.default_rng(3)
    image = np.full((480, 640, 3), 90, np.uint8)
    image[300:400] = rng.integers(0, 255, (100, 640, 3))
    result = _result(image)
    plain = LiveView(mirror=False).draw(result)
    mirrored = LiveView(mirror=True).draw(result)
    assert (image == result.frame.image).all()  # the frame itself is never drawn on
    # Below the coach's panel and above the banner, the picture is mirrored pixel for pixel.
    band = slice(300, 400)
    np.testing.assert_array_equal(mirrored[band], cv2.flip(image, 1)[band])
    np.testing.assert_array_equal(plain[band], image[band])
    # The panel (top left) reads the same either way.
    np.testing.assert_array_equal(mirrored[:150, :200], plain[:150, :200])
