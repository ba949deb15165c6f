"""The hand tracking stage, with real MediaPipe inference on real photos."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from coach.errors import ModelError
from coach.hand_eval import evaluate_photos, format_table, gt_hand_size, photo_error
from coach.hands import HandAssociator, Hands, HandTracker, HandTrackerConfig, TrackAhead
from coach.landmarks import FINGERTIPS, HandLandmark
from coach.samples import samples_dir
from coach.smoothing import OneEuroConfig
from coach.sources import Frame, ReadAhead, open_source

# The acceptance figures for the 16 photos with ground truth.
MIN_FOUND = 12
MAX_MEAN_ERROR = 0.10  # of the hand's size


@pytest.fixture(scope="module")
def image_tracker():
    with HandTracker(HandTrackerConfig(video=False)) as tracker:
        yield tracker


def _detect(tracker: HandTracker, path: Path) -> Hands:
    with open_source(path) as source:
        return tracker.detect(next(iter(source)))


@pytest.mark.parametrize("model", ["full", "lite"])
def test_real_photos_with_ground_truth(shared_data: Path, model: str) -> None:
    results = evaluate_photos(shared_data / "hands", HandTrackerConfig(model=model, video=False))
    assert len(results) == 16
    found = [r.error for r in results if r.error is not None]
    assert len(found) >= MIN_FOUND, format_table(results)
    assert np.mean(found) <= MAX_MEAN_ERROR, format_table(results)


def test_photo_error_matches_only_detections_on_the_labelled_hand() -> None:
    xy = _hand(0.0)
    gt = [{"keypoints_xyv": [[x, y, 1] for x, y in xy]}]
    assert photo_error(_hands([xy + 1.0]), gt) == pytest.approx(np.sqrt(2) / gt_hand_size(gt[0]))
    assert photo_error(_hands([xy + 500.0]), gt) is None
    assert photo_error(Hands.empty((640, 480)), gt) is None


@pytest.mark.parametrize("name", ["11k_f_d", "11k_f_p", "11k_m_d", "11k_m_p"])
def test_palm_and_back_of_hand_give_one_hand(
    shared_data: Path, image_tracker: HandTracker, name: str
) -> None:
    hands = _detect(image_tracker, shared_data / "hands" / f"{name}.jpg")
    assert len(hands) == 1
    assert hands.handedness[0] in ("Left", "Right")
    # The fingertips are in the picture (the wrist may be cut off by the frame's edge).
    tips = hands.xy[0, list(FINGERTIPS)]
    assert ((tips >= 0) & (tips <= (1600, 1200))).all()
    # A real hand is tens of pixels across at least, here hundreds.
    assert hands.palm_size()[0] > 100


def test_blank_image_gives_no_hand(image_tracker: HandTracker) -> None:
    for value in (0, 128, 255):
        hands = image_tracker.detect(Frame(np.full((480, 640, 3), value, np.uint8), 0, 0))
        assert len(hands) == 0
        assert hands.xy.shape == (0, 21, 2)


def test_video_mode_tracks_a_hand_across_frames(shared_data: Path) -> None:
    """Feeding the same photo as a short video: one hand, one stable id, time-ordered."""
    with open_source(shared_data / "hands" / "11k_m_p.jpg") as source:
        image = next(iter(source)).image
    config = HandTrackerConfig(smoothing=OneEuroConfig())
    with HandTracker(config) as tracker:
        results = [tracker.detect(Frame(image, i, i * 33)) for i in range(5)]
    assert all(len(h) == 1 for h in results)
    assert {int(h.ids[0]) for h in results} == {0}
    assert [h.t_ms for h in results] == [0, 33, 66, 99, 132]


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        HandTracker(HandTrackerConfig(model_path=tmp_path / "nope.task"))


def test_the_lite_model_is_its_own_bundle_and_unknown_names_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HandTracker(HandTrackerConfig(model="lite")) as lite:
        assert lite.model_path.name == "hand_landmarker_lite.task" and lite.model_name == "lite"
    with HandTracker(HandTrackerConfig()) as full:
        assert full.model_name == "full"
    other = tmp_path / "my hands.task"
    other.write_bytes(full.model_path.read_bytes())
    monkeypatch.setenv("FOOTCOACH_HAND_MODEL", str(other))
    with HandTracker(HandTrackerConfig(model="lite")) as chosen:
        assert chosen.model_name == "my hands.task"
    with pytest.raises(ValueError, match="full, lite"):
        HandTrackerConfig(model="tiny")


def test_damaged_model_is_a_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.task"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(ModelError, match="cannot load"):
        HandTracker(HandTrackerConfig(model_path=bad))


# --- the container, without inference -------------------------------------------------


def _hand(offset: float = 0.0, scale: float = 100.0) -> np.ndarray:
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 1, size=(21, 2)) * scale + offset
    xy[HandLandmark.WRIST] = (offset, offset)
    xy[HandLandmark.MIDDLE_MCP] = (offset, offset + scale)
    return xy.astype(np.float32)


def _hands(xys: list[np.ndarray], t_ms: int = 0) -> Hands:
    n = len(xys)
    return Hands(
        xy=np.array(xys, np.float32).reshape(n, 21, 2),
        depth=np.zeros((n, 21), np.float32),
        world=np.zeros((n, 21, 3), np.float32),
        handedness=("Right",) * n,
        scores=np.ones(n, np.float32),
        ids=np.full(n, -1, np.int32),
        image_size=(640, 480),
        t_ms=t_ms,
    )


def test_empty_is_never_none() -> None:
    empty = Hands.empty((640, 480), 5)
    assert len(empty) == 0 and empty.palm_size().shape == (0,) and empty.centers().shape == (0, 2)
    assert empty.to_json() == []


@pytest.mark.parametrize(
    "field, value",
    [("xy", np.zeros((1, 20, 2), np.float32)), ("handedness", ("Up",)), ("scores", np.ones(2, np.float32))],
)
def test_container_validates_shapes(field: str, value: object) -> None:
    good = _hands([_hand()])
    kwargs = {f: getattr(good, f) for f in good.__dataclass_fields__}
    kwargs[field] = value
    with pytest.raises(ValueError):
        Hands(**kwargs)


def test_from_mediapipe_refuses_other_results() -> None:
    with pytest.raises(TypeError, match="HandLandmarkerResult"):
        Hands.from_mediapipe(SimpleNamespace(detections=[]), (640, 480))


def test_from_mediapipe_converts_to_pixels() -> None:
    point = SimpleNamespace(x=0.5, y=0.25, z=-0.1)
    result = SimpleNamespace(
        hand_landmarks=[[point] * 21],
        hand_world_landmarks=[[SimpleNamespace(x=0.01, y=0.02, z=0.03)] * 21],
        handedness=[[SimpleNamespace(category_name="Left", score=0.9)]],
    )
    hands = Hands.from_mediapipe(result, (640, 480), t_ms=7)
    np.testing.assert_allclose(hands.xy[0, 0], (320.0, 120.0))
    assert hands.handedness == ("Left",) and hands.t_ms == 7
    np.testing.assert_allclose(hands.world[0, 3], (0.01, 0.02, 0.03), rtol=1e-6)


def test_to_json_names_every_landmark() -> None:
    record = _hands([_hand()]).to_json()[0]
    assert [lm["name"] for lm in record["landmarks"]] == [lm.name.lower() for lm in HandLandmark]
    assert set(record) == {"id", "handedness", "score", "landmarks"}


def test_associator_keeps_ids_while_hands_move_a_little() -> None:
    assoc = HandAssociator(max_match_distance=2.0)
    a, b = _hand(0.0), _hand(400.0)
    first = assoc.update(_hands([a, b]))
    # Next frame: the order MediaPipe reports them in swaps, and both move 20 px.
    second = assoc.update(_hands([b + 20, a + 20], t_ms=33))
    assert list(first.ids) == [0, 1]
    assert list(second.ids) == [1, 0]
    # A hand that jumps ten palm sizes is a new hand.
    third = assoc.update(_hands([a + 1000], t_ms=66))
    assert list(third.ids) == [2]


def test_select_keeps_only_the_chosen_hands() -> None:
    hands = _hands([_hand(0.0), _hand(300.0)])
    assert len(hands.select(np.array([False, True]))) == 1
    np.testing.assert_array_equal(hands.select([1]).xy[0], hands.xy[1])


def test_tracking_ahead_gives_the_same_hands_as_frame_by_frame() -> None:
    video = samples_dir() / "good_session.mp4"
    with open_source(video) as source, HandTracker() as tracker:
        expected = [tracker.detect(frame) for frame, _ in zip(source, range(40), strict=False)]
    got = []
    with HandTracker() as tracker:
        frames = (f for f, _ in zip(ReadAhead(open_source(video)), range(40), strict=False))
        with TrackAhead(frames, tracker) as ahead:
            for frame in ahead:
                hands = ahead.detect(frame)
                assert hands.t_ms == frame.t_ms
                got.append(hands)
    assert len(got) == len(expected) == 40
    assert sum(len(h) for h in expected) > 40  # hands were found: the comparison means something
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_array_equal(a.xy, b.xy)
        assert (a.handedness, a.ids.tolist()) == (b.handedness, b.ids.tolist())


def test_tracking_ahead_gives_hands_only_for_the_frame_it_handed_out() -> None:
    frames = [Frame(np.zeros((48, 64, 3), np.uint8), i, i * 40) for i in range(3)]
    with HandTracker() as tracker, TrackAhead(frames, tracker) as ahead:
        it = iter(ahead)
        first = next(it)
        with pytest.raises(ValueError, match="just gave"):
            ahead.detect(frames[2])
        assert len(ahead.detect(first)) == 0
        with pytest.raises(ValueError, match="just gave"):
            ahead.detect(first)  # once


def test_tracking_ahead_raises_what_the_frames_raise_and_stops_when_closed() -> None:
    def broken():
        yield Frame(np.zeros((48, 64, 3), np.uint8), 0, 0)
        raise RuntimeError("camera fell off")

    with HandTracker() as tracker:
        with TrackAhead(broken(), tracker) as ahead, pytest.raises(RuntimeError, match="fell off"):
            for frame in ahead:
                ahead.detect(frame)
        endless = (Frame(np.zeros((48, 64, 3), np.uint8), i, i * 40) for i in range(10**9))
        ahead = TrackAhead(endless, tracker, depth=2)
        next(iter(ahead))
        ahead.close()
        assert not any(t.name == "footcoach-hands" and t.is_alive() for t in threading.enumerate())
