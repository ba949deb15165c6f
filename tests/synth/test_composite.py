"""Composite mode: real photos from the shared test data pasted along a choreography."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from coach.errors import InputError
from coach.foot import FootConfig, detect_foot
from coach.foot_eval import PHOTO_TOE_TIPS
from coach.sources import open_source
from coach.synth import SynthConfig, render
from coach.synth.composite import FOOT_PHOTO, PhotoFoot, PhotoHand, composite_renderer

from ..conftest import shared_path


def test_photo_cut_outs() -> None:
    hand = PhotoHand.from_photo(shared_path("data", "hands", "11k_f_d.jpg"))
    assert hand.landmarks.shape == (21, 2)
    h, w = hand.alpha.shape
    # The cut-out covers the hand's landmarks and leaves the white corners out.
    for x, y in np.round(hand.landmarks).astype(int):
        assert hand.alpha[min(y, h - 1), min(x, w - 1)] > 0.5
    assert hand.alpha[5, 5] == 0.0 and hand.alpha[-5, -5] == 0.0
    foot = PhotoFoot.from_photo(shared_path("data"), FOOT_PHOTO)
    assert foot.place.length_px > 0.3 * max(foot.alpha.shape)


def test_foot_marks_must_lie_on_the_foot() -> None:
    # Marks meant for another photo (here a heel in the corner, on the floor) are refused.
    with pytest.raises(InputError, match="marked heel"):
        PhotoFoot.from_photo(shared_path("data"), replace(FOOT_PHOTO, heel=(5.0, 5.0)))


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, float) / float(np.linalg.norm(v))


def test_marked_toe_end_is_where_the_toes_are() -> None:
    """The photo's heel-to-toe marks agree with evidence that is not the composite's own."""
    foot = PhotoFoot.from_photo(shared_path("data"), FOOT_PHOTO)
    fl = foot.place.length_px
    # The toe tip marked for the foot stage's photo evaluation lies at the marked toe.
    tip = np.array(PHOTO_TOE_TIPS["focus_itw_000813"])
    assert np.linalg.norm(tip - foot.place.toe) < 0.03 * fl
    # The foot stage, on the photo alone, finds the toes at the same end.
    shape = detect_foot(foot.colour.astype(np.uint8), FootConfig(view=foot.view, work_size=200))
    assert shape is not None
    cos = float(_unit(shape.toe - shape.heel) @ _unit(foot.place.toe - foot.place.heel))
    assert cos > math.cos(math.radians(15))


def test_composite_labels_describe_the_drawn_foot() -> None:
    """The labels' heel, toe and outline are those of the pasted photo, as the foot stage sees it."""
    cfg = SynthConfig(seed=4, duration_s=0.2, fps=10.0, quality="clean", holding_hand=False)
    renderer = composite_renderer(cfg, shared_path("data"))
    first = next(iter(renderer.frames()))  # the hand is still off the foot
    truth = first.truth
    shape = detect_foot(first.image, FootConfig(view=renderer.cfg.view, work_size=200))
    assert shape is not None
    cos = float(_unit(shape.toe - shape.heel) @ _unit(truth.toe - truth.heel))
    assert cos > math.cos(math.radians(15)), "the labels' heel and toe are the wrong way round"
    labelled = np.zeros(first.image.shape[:2], np.uint8)
    cv2.fillPoly(labelled, [np.round(truth.outline).astype(np.int32)], 1)
    found = shape.mask
    iou = float((found & (labelled > 0)).sum() / max(int((found | (labelled > 0)).sum()), 1))
    assert iou > 0.75, f"the labels' outline is not the drawn foot's (IoU {iou:.2f})"


def test_composite_strokes_touch_the_foot_where_planned() -> None:
    """Every stroke's contact point is drawn on the photo foot, where the choreography puts it."""
    cfg = SynthConfig(
        choreography="good_session", seed=1, size=(320, 240), fps=10.0, quality="clean", holding_hand=False
    )
    renderer = composite_renderer(cfg, shared_path("data"))
    foot, track = renderer.scene.foot, renderer.track
    on, stroke_frames = 0, 0
    for frame in renderer.frames():
        t = frame.truth
        if t.contact is None:
            continue
        drawn = foot.uv_to_as(np.asarray(t.contact))
        assert np.linalg.norm(drawn - track.contact[t.index]) < 0.005, f"frame {t.index}"
        if t.stroke is not None:
            stroke_frames += 1
            u, v = t.contact
            on += int(-0.02 <= u <= 1.02 and -0.15 <= v <= 1.15)
    assert stroke_frames > 50
    assert on / stroke_frames > 0.9, f"{on} of {stroke_frames} stroke frames touch the foot"


def test_composite_clip(tmp_path: Path) -> None:
    data = shared_path("data")
    cfg = SynthConfig(seed=5, duration_s=1.0, size=(320, 240), fps=10.0, quality="clean")
    labels = render(cfg, tmp_path / "c.mp4", composite_renderer(cfg, data)).data
    assert labels["meta"]["composite"]["foot_photo"] == "focus_itw_000813.png"
    assert len(labels["frames"]) == 10
    # The pasted photo's pixels are where its labels say: the palm centre is skin, not backdrop.
    with open_source(tmp_path / "c.mp4") as frames:
        images = [f.image for f in frames]
    procedural = render(cfg, tmp_path / "p.mp4").data
    assert procedural["frames"][5]["working"] != labels["frames"][5]["working"]
    f = labels["frames"][5]
    xy = np.array(f["working"])
    centre = np.round(xy[[0, 5, 9, 13, 17]].mean(axis=0)).astype(int)
    pixel = images[5][centre[1], centre[0]].astype(int)
    assert pixel[2] > pixel[0]  # skin is redder than blue
