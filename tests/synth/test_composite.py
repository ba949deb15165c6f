"""Composite mode: real photos from the shared test data pasted along a choreography."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.sources import open_source
from coach.synth import SynthConfig, render
from coach.synth.composite import PhotoFoot, PhotoHand, composite_renderer

from ..conftest import shared_path


def test_photo_cut_outs() -> None:
    hand = PhotoHand.from_photo(shared_path("data", "hands", "11k_f_d.jpg"))
    assert hand.landmarks.shape == (21, 2)
    h, w = hand.alpha.shape
    # The cut-out covers the hand's landmarks and leaves the white corners out.
    for x, y in np.round(hand.landmarks).astype(int):
        assert hand.alpha[min(y, h - 1), min(x, w - 1)] > 0.5
    assert hand.alpha[5, 5] == 0.0 and hand.alpha[-5, -5] == 0.0
    foot = PhotoFoot.from_photo(
        shared_path("data", "feet", "focus_itw_000813.png"),
        shared_path("data", "feet", "focus_itw_000813_mask.png"),
    )
    length = np.linalg.norm(foot.toe - foot.heel)
    assert length > 0.3 * max(foot.alpha.shape)


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
