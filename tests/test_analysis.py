"""The engine over all stages, on a rendered session with real hand tracking."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from coach.analysis import AnalysisConfig, Engine, pace_position, pace_text, timeline_rows
from coach.session import parse_session
from coach.sources import open_source
from coach.strokes import ContactTrack, Stroke


def calibrated(video: Path) -> AnalysisConfig:
    """The set-up of a user with a fixed camera: heel, toe and side given once (``--heel/--toe/--side``).

    The foot finder alone is measured by ``tests/test_foot.py`` and the CI suite;
    here the rest of the pipeline is tested on a foot it knows.
    """
    labels = json.loads(video.with_suffix(".labels.json").read_text())
    first = labels["frames"][0]
    return AnalysisConfig(
        heel_px=tuple(first["heel"]), toe_px=tuple(first["toe"]), side=labels["meta"]["foot"]["side"]
    )


def _analyse(video: Path) -> tuple[dict, list]:
    results = []
    with open_source(video) as source, Engine(source.info, calibrated(video)) as engine:
        for frame in source:
            r = engine.update(frame)
            results.append((r.foot.found, len(r.hands), r.contact.present, r.state.type))
        session = engine.summary(created_at="2026-11-27T20:00:00+00:00")
    return session.to_dict(), results


@pytest.fixture(scope="module")
def analysed(session_clip: Path) -> tuple[dict, list]:
    return _analyse(session_clip)


def test_session_follows_the_contract(analysed: tuple[dict, list]) -> None:
    doc, results = analysed
    parse_session(doc, "session")  # validates against the committed JSON Schema
    assert doc["schema"] == "footcoach.session/1"
    assert doc["video"]["frame_count"] == len(results) == 240
    times = [row["t_s"] for row in doc["timeline"]]
    assert np.median(np.diff(times)) <= 0.1 + 1e-6  # 10 Hz or more


def test_the_foot_and_the_working_hand_are_found(analysed: tuple[dict, list]) -> None:
    doc, results = analysed
    assert doc["foot"]["found"]
    found = np.mean([f for f, *_ in results])
    on_foot = np.mean([c for *_, c, _ in results])
    assert found > 0.9 and on_foot > 0.5


def test_strokes_are_recognised(analysed: tuple[dict, list], session_clip: Path) -> None:
    doc, _ = analysed
    truth = json.loads(session_clip.with_suffix(".labels.json").read_text())
    true_types = {s["type"] for s in truth["strokes"]}
    found_types = {s["type"] for s in doc["strokes"]}
    assert found_types & true_types, (found_types, true_types)


def test_same_file_twice_gives_the_same_session(analysed: tuple[dict, list], session_clip: Path) -> None:
    again, _ = _analyse(session_clip)
    assert json.dumps(again, sort_keys=True) == json.dumps(analysed[0], sort_keys=True)


def test_calibration_needs_both_points() -> None:
    with pytest.raises(ValueError, match="both"):
        AnalysisConfig(heel_px=(1.0, 2.0))
    with pytest.raises(ValueError, match="side"):
        AnalysisConfig(side="middle")


def test_timeline_rows_follow_strokes_and_sample_at_10_hz() -> None:
    n = 90
    t = np.arange(n) / 30.0
    uv = np.tile(np.array([[0.4, 0.3], [0.5, 0.4], [0.3, 0.5]]), (n, 1, 1))
    present = np.ones(n, bool)
    present[80:] = False
    track = ContactTrack(t, uv, uv, present)
    strokes = [Stroke(1.0, 2.0, "glide", "arch", 1.0, direction="heel_to_toe", speed_fl_s=0.2)]
    rows = timeline_rows(track, strokes)
    assert len(rows) == 30 and rows[1][0] == pytest.approx(0.1)
    by_time = {round(r[0], 2): r for r in rows}
    assert by_time[0.5] == (0.5, None, None, (0.4, 0.3))  # thumb, no stroke
    assert by_time[1.5][1:] == ("glide", "outer_edge", (0.3, 0.5))  # palm centre, its zone
    assert by_time[2.7] == (pytest.approx(2.7), None, None, None)  # hand off the foot


def test_pace_gauge_helpers() -> None:
    assert pace_position("glide", 0.04) == pytest.approx(0.0)
    assert pace_position("glide", 0.40) == pytest.approx(1.0)
    assert pace_position("toe_work", 1.0) is None
    assert pace_text("glide", 0.8) == "0.80 FL/s (aim 0.04-0.4)"
