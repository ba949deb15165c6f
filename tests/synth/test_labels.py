"""Labels beside each clip: the spec's keys, truth consistent with the plan, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.landmarks import HandLandmark as L
from coach.sources import open_source
from coach.synth import Renderer, SynthConfig
from coach.synth.labels import FRAME_KEYS, STROKE_KEYS, TIMELINE_KEYS
from coach.vocabulary import STROKE_TYPES, ZONES, zone_of

from .conftest import render_clip

# The session.json contract (docs/coaching.md): the labels use exactly these keys.
SPEC_STROKE_KEYS = {
    "start_s",
    "end_s",
    "type",
    "zone",
    "confidence",
    "direction",
    "rate_hz",
    "speed_fl_s",
    "hold_s",
}
SPEC_TIMELINE_KEYS = {"t_s", "stroke", "zone", "contact"}


def test_keys_match_the_session_contract(small_clip: tuple[Path, dict]) -> None:
    _, labels = small_clip
    assert set(STROKE_KEYS) == SPEC_STROKE_KEYS
    assert set(TIMELINE_KEYS) == SPEC_TIMELINE_KEYS
    assert labels["strokes"], "a 2 s good session has at least one stroke"
    for s in labels["strokes"]:
        assert set(s) == SPEC_STROKE_KEYS
        assert s["type"] in STROKE_TYPES and s["zone"] in ZONES
        assert s["end_s"] > s["start_s"]
    for row in labels["timeline"]:
        assert set(row) == SPEC_TIMELINE_KEYS
    for f in labels["frames"]:
        assert set(f) == set(FRAME_KEYS)
        assert np.shape(f["working"]) == (21, 2)
    assert {"seed", "size", "fps", "foot", "working_hand", "contact_definition"} <= set(labels["meta"])


def test_timeline_is_at_the_frame_rate(small_clip: tuple[Path, dict]) -> None:
    video, labels = small_clip
    fps = labels["video"]["fps"]
    t = np.array([row["t_s"] for row in labels["timeline"]])
    assert fps >= 10
    np.testing.assert_allclose(np.diff(t), 1.0 / fps, atol=1e-3)
    with open_source(video) as src:
        n = sum(1 for _ in src)
    assert n == labels["video"]["frame_count"] == len(labels["timeline"]) == len(labels["frames"])


def test_timeline_zone_and_stroke_agree(small_clip: tuple[Path, dict]) -> None:
    _, labels = small_clip
    for row in labels["timeline"]:
        if row["contact"] is None:
            assert row["zone"] is None and row["stroke"] is None
        else:
            assert row["zone"] == zone_of(*row["contact"])
    for s in labels["strokes"]:
        inside = [r for r in labels["timeline"] if s["start_s"] <= r["t_s"] < s["end_s"] - 1e-6]
        assert inside and all(r["stroke"] == s["type"] for r in inside)


def test_contact_is_the_rendered_landmark(small_clip: tuple[Path, dict]) -> None:
    """The timeline's contact is where the rendered contact landmark lies on the foot."""
    _, labels = small_clip
    for row, f in zip(labels["timeline"], labels["frames"], strict=True):
        if row["stroke"] not in ("thumb_circles", "press", "toe_work"):
            continue
        heel, toe = np.array(f["heel"]), np.array(f["toe"])
        along = (np.array(f["working"][L.THUMB_TIP]) - heel) @ (toe - heel) / np.sum((toe - heel) ** 2)
        assert along == pytest.approx(row["contact"][0], abs=0.01)


def test_glide_speed_in_labels_matches_the_pixels(tmp_path: Path) -> None:
    """A glide labelled S FL/s moves the palm centre S foot lengths per second in the picture."""
    _, labels = render_clip(tmp_path, duration_s=4.0, fps=30.0, seed=2, choreography="rushed_session")
    glide = labels["strokes"][0]
    assert glide["type"] == "glide" and glide["direction"] == "heel_to_toe"
    frames = [f for f in labels["frames"] if glide["start_s"] + 0.1 <= f["t_s"] <= glide["end_s"] - 0.1]
    palm = [L.WRIST, L.INDEX_MCP, L.MIDDLE_MCP, L.RING_MCP, L.PINKY_MCP]

    def foot_frame(f: dict) -> np.ndarray:
        heel, toe = np.array(f["heel"]), np.array(f["toe"])
        fl = np.linalg.norm(toe - heel)
        axis = (toe - heel) / fl
        return np.array([(np.array(f["working"])[palm].mean(axis=0) - heel) @ axis / fl])

    a0, a1 = foot_frame(frames[0]), foot_frame(frames[-1])
    speed = float(abs(a1 - a0)[0]) / (frames[-1]["t_s"] - frames[0]["t_s"])
    assert speed == pytest.approx(glide["speed_fl_s"], rel=0.05)


def test_same_seed_same_frames_and_labels(tmp_path: Path) -> None:
    _, a = render_clip(tmp_path, "a", seed=11, duration_s=1.0)
    _, b = render_clip(tmp_path, "b", seed=11, duration_s=1.0)
    _, c = render_clip(tmp_path, "c", seed=12, duration_s=1.0)
    a["video"].pop("source")
    b["video"].pop("source")
    c["video"].pop("source")
    assert a == b
    assert a != c
    # The pictures, before encoding, are identical too.
    cfg = SynthConfig(seed=11, duration_s=0.5, size=(160, 120), fps=10.0)
    first = [f.image for f in Renderer(cfg).frames()]
    second = [f.image for f in Renderer(cfg).frames()]
    assert all(np.array_equal(x, y) for x, y in zip(first, second, strict=True))
    other = [
        f.image for f in Renderer(SynthConfig(seed=12, duration_s=0.5, size=(160, 120), fps=10.0)).frames()
    ]
    assert not np.array_equal(first[-1], other[-1])


@pytest.mark.parametrize(("side", "view"), [("left", "sole"), ("right", "top")])
def test_medial_direction_points_to_the_big_toe_side(tmp_path: Path, side: str, view: str) -> None:
    _, labels = render_clip(tmp_path, side=side, view=view, duration_s=0.5, rotation_deg=30.0)
    assert labels["meta"]["foot"] == {**labels["meta"]["foot"], "side": side, "view": view}
    for f in labels["frames"]:
        heel, toe = np.array(f["heel"]), np.array(f["toe"])
        medial = np.array(f["medial_dir"])
        assert abs(medial @ (toe - heel)) < 1e-3 * np.linalg.norm(toe - heel)
        # The outline reaches further to the lateral side (the foot is wider there at the ball).
        offsets = (np.array(f["outline"]) - heel) @ medial
        assert offsets.min() < -abs(offsets.max())
