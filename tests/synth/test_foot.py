"""The parametric foot: foot coordinates, placements, and which side is medial."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.synth.foot import FootLook, FootModel, FootPlacement, draw_foot


@pytest.fixture(scope="module")
def foot() -> FootModel:
    return FootModel.build(FootLook((110, 140, 190), "sole"), np.random.default_rng(0))


def test_uv_round_trip(foot: FootModel) -> None:
    uv = np.stack(np.meshgrid(np.linspace(0.02, 0.98, 9), np.linspace(0, 1, 7)), axis=-1).reshape(-1, 2)
    back = foot.as_to_uv(foot.uv_to_as(uv))
    np.testing.assert_allclose(back, uv, atol=1e-9)


def test_edges_are_the_drawn_outline(foot: FootModel) -> None:
    """v = 0 and v = 1 lie on the drawn foot's edges: just inside is foot, just outside is not."""
    place = FootPlacement(np.array([200.0, 420.0]), np.array([200.0, 60.0]), 1)
    img = np.zeros((480, 400, 3), np.float32)
    draw_foot(img, foot, place, shadow=0.0)
    covered = img.sum(axis=2) > 0
    for u in (0.1, 0.3, 0.5, 0.7):
        for v, inside in ((0.08, True), (0.92, True), (-0.12, False), (1.12, False)):
            x, y = np.round(place.to_px(foot.uv_to_as(np.array([u, v])))).astype(int)
            assert covered[y, x] == inside, (u, v)


def test_foot_widths_are_plausible(foot: FootModel) -> None:
    assert 0.33 <= foot.width_fl(0.7) <= 0.45  # ball
    assert 0.2 <= foot.width_fl(0.15) <= 0.3  # heel
    assert foot.width_fl(0.45) < foot.width_fl(0.7)


@pytest.mark.parametrize(
    ("side", "view", "lateral_right"),
    [("right", "top", True), ("left", "top", False), ("right", "sole", False), ("left", "sole", True)],
)
def test_medial_side_for_side_and_view(side: str, view: str, lateral_right: bool) -> None:
    """Toes up the picture: seen from the top, a right foot's big toe is on the left."""
    place = FootPlacement(
        np.array([100.0, 300.0]), np.array([100.0, 50.0]), FootPlacement.lateral_sign_for(side, view)
    )
    lateral = place.to_px(np.array([0.5, 0.2]))
    assert (lateral[0] > 100.0) == lateral_right


@settings(max_examples=60, deadline=None)
@given(
    hx=st.floats(0, 640),
    hy=st.floats(0, 480),
    angle=st.floats(-np.pi, np.pi),
    length=st.floats(40, 600),
    sign=st.sampled_from([-1, 1]),
    a=st.floats(-0.2, 1.2),
    s=st.floats(-0.4, 0.4),
)
def test_placement_is_an_exact_similarity(
    hx: float, hy: float, angle: float, length: float, sign: int, a: float, s: float
) -> None:
    """Foot frame to pixels and back is exact, and distances scale by the foot length in pixels."""
    heel = np.array([hx, hy])
    toe = heel + length * np.array([np.cos(angle), np.sin(angle)])
    place = FootPlacement(heel, toe, sign)
    p = np.array([a, s])
    np.testing.assert_allclose(place.from_px(place.to_px(p)), p, atol=1e-9)
    q = p + np.array([0.1, -0.05])
    d_px = np.linalg.norm(place.to_px(q) - place.to_px(p))
    assert d_px == pytest.approx(length * np.hypot(0.1, 0.05), rel=1e-9)
    np.testing.assert_allclose(place.to_px(np.array([1.0, 0.0])), toe, atol=1e-9)


def test_placement_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        FootPlacement(np.zeros(2), np.zeros(2), 1)
    with pytest.raises(ValueError):
        FootPlacement(np.zeros(2), np.array([0.0, 100.0]), 0)
    with pytest.raises(ValueError):
        FootLook((1, 2, 3), view="side")


@pytest.mark.parametrize("lateral_sign", [1, -1])
def test_a_picture_of_a_foot_gives_back_its_model(foot: FootModel, lateral_sign: int) -> None:
    """A foot cut out of a picture (the composite mode's photos) keeps the drawn foot's edges and toes."""
    place = FootPlacement(np.array([120.0, 400.0]), np.array([330.0, 110.0]), lateral_sign)
    img = np.zeros((480, 460, 3), np.float32)
    draw_foot(img, foot, place, shadow=0.0)
    cover = np.zeros((480, 460, 3), np.float32)
    draw_foot(cover, replace(foot, colour=np.full_like(foot.colour, 255.0)), place, shadow=0.0)
    back = FootModel.from_picture(img, cover[..., 0] / 255.0, place, foot.look)
    # The foot is 357 px long here: a pixel is 0.003 FL.
    inner = (foot.u_table > 0.05) & (foot.u_table < 0.95)
    np.testing.assert_allclose(back.medial[inner], foot.medial[inner], atol=0.01)
    np.testing.assert_allclose(back.lateral[inner], foot.lateral[inner], atol=0.01)
    np.testing.assert_allclose(back.toe_spots, foot.toe_spots, atol=0.01)
