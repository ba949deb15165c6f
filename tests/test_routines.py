"""Guided routines: files, the built-in routines, the step tracker and the routine panel."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.errors import InputError
from coach.live_overlay import PROGRESS_BACK, PROGRESS_FILL, RoutineAnnotator, RoutineView, _line_height
from coach.overlay import text_scale
from coach.routines import BUILTIN, RoutinePlan, RoutineStep, RoutineTracker, load_routine
from coach.session import SessionBuilder, VideoInfo, load_session, session_json, write_session
from coach.vocabulary import STROKE_TYPES, ZONES

GOOD = """
name = "mine"
title = "My evening"

[[step]]
title = "Glides"
strokes = ["glide"]
seconds = 2

[[step]]
title = "Arch circles"
strokes = "thumb_circles"
zones = ["arch"]
seconds = 1.5

[[step]]
title = "Anything on the toes"
zones = ["toes"]
seconds = 1
"""


def test_builtin_routines_follow_the_massage_guide() -> None:
    evening, full = load_routine("evening"), load_routine("full")
    assert evening.target_s == 300.0
    assert full.target_s == 600.0
    titles = " ".join(s.title.lower() for s in evening.steps)
    for words in ("warm-up glides", "arch", "press", "ball", "toe", "finishing glides"):
        assert words in titles
    assert evening.steps[0].strokes == ("glide",) and evening.steps[-1].strokes == ("glide",)
    for plan in (evening, full):
        for step in plan.steps:
            assert set(step.strokes) <= set(STROKE_TYPES) and set(step.zones) <= set(ZONES)
    assert set(BUILTIN) == {"evening", "full"}


def test_a_user_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    plan = load_routine(path)
    assert plan.name == "mine" and plan.title == "My evening"
    assert [s.title for s in plan.steps] == ["Glides", "Arch circles", "Anything on the toes"]
    assert plan.steps[1].strokes == ("thumb_circles",)
    assert plan.steps[2].strokes == () and plan.steps[2].zones == ("toes",)
    assert plan.target_s == 4.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = 'x'", "no steps"),
        ("[[step]]\ntitle = 'a'\nstrokes = ['glidee']\nseconds = 3", "step 1: stroke 'glidee' is not one of"),
        ("[[step]]\ntitle = 'a'\nzones = ['sole']\nseconds = 3", "step 1: zone 'sole' is not one of"),
        ("[[step]]\ntitle = 'a'\nseconds = -3", "step 1: seconds must be more than 0"),
        ("[[step]]\ntitle = 'a'\nseconds = 'long'", "step 1: seconds must be a number"),
        ("[[step]]\ntitle = 'a'\nseconds = 3\ntime = 4", "step 1: unknown key 'time'"),
        ("[[step]]\nseconds = 3", "step 1: title must be text"),
        ("colour = 'red'\n[[step]]\ntitle = 'a'\nseconds = 3", "unknown key 'colour'"),
        ("[[step]\ntitle = ", "not a TOML file"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_routine(path)
    assert message in str(info.value)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_bad_routine_file_via_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[[step]]\ntitle = 'a'\nstrokes = ['rub']\nseconds = 3", encoding="utf-8")
    result = CliRunner().invoke(main, ["live", "--headless", "--routine", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [f"coach: error: {path}: step 1: stroke 'rub' is not one of {', '.join(STROKE_TYPES)}"]
    missing = CliRunner().invoke(main, ["live", "--headless", "--routine", "nightly", "--out", str(tmp_path)])
    assert missing.exit_code == 2
    assert "no such routine file" in missing.output and "evening, full" in missing.output


def _plan() -> RoutinePlan:
    return RoutinePlan(
        "test",
        (
            RoutineStep("Glides", ("glide",), (), 1.0),
            RoutineStep("Arch circles", ("thumb_circles",), ("arch",), 0.5),
        ),
    )


def _feed(tracker: RoutineTracker, rows: list[tuple[float, str | None, str | None]]) -> list:
    return [tracker.update(t, s, z) for t, s, z in rows]


def test_tracker_moves_on_when_the_target_is_met() -> None:
    tracker = RoutineTracker(_plan())
    rows = [(i * 0.1, "glide", "arch") for i in range(12)]  # 1.1 s of glides
    out = _feed(tracker, rows)
    completed = [p for p in out if p.completed is not None]
    assert len(completed) == 1 and completed[0].completed.title == "Glides"
    assert completed[0].index == 1 and completed[0].step.title == "Arch circles"
    assert out[5].fraction == pytest.approx(0.5)
    # Circles on the heel do not count for the arch step; on the arch they do.
    out = _feed(tracker, [(1.2 + i * 0.1, "thumb_circles", "heel") for i in range(10)])
    assert out[-1].done_s == 0.0 and out[-1].index == 1
    out = _feed(tracker, [(2.2 + i * 0.1, "thumb_circles", "arch") for i in range(7)])
    assert out[-1].finished and out[-1].fraction == 1.0 and tracker.finished
    assert sum(p.completed is not None for p in out) == 1
    results = tracker.results()
    assert [r.completed_at_s is not None for r in results] == [True, True]
    assert results[0].done_s == pytest.approx(1.0) and results[1].completed_at_s == pytest.approx(2.6)


@pytest.mark.parametrize(
    ("rows", "done"),
    [
        ([(0.0, "glide", "arch"), (5.0, "glide", "arch")], 0.5),  # a long gap counts for 0.5 s at most
        (
            [(0.0, None, None), (0.1, "glide", None), (0.2, "press", "arch")],
            0.0,
        ),  # no stroke, no zone, wrong stroke
        ([(0.0, "glide", "toes"), (0.1, "glide", "toes"), (0.2, "glide", "toes")], 0.2),  # any zone
    ],
)
def test_tracker_counts_only_matching_stroke_time(rows: list, done: float) -> None:
    tracker = RoutineTracker(_plan())
    assert _feed(tracker, rows)[-1].done_s == pytest.approx(done)


def test_tracker_reset_starts_over() -> None:
    tracker = RoutineTracker(_plan())
    _feed(tracker, [(i * 0.1, "glide", "arch") for i in range(15)])
    assert tracker.index == 1
    tracker.reset()
    assert tracker.index == 0 and tracker.progress().done_s == 0.0


def test_routine_result_goes_into_the_session_file(tmp_path: Path) -> None:
    tracker = RoutineTracker(_plan())
    _feed(tracker, [(i * 0.1, "glide", "arch") for i in range(15)])
    builder = SessionBuilder(VideoInfo(30.0, 15, 0.5, 640, 480, "camera 0"), routine=tracker.summary())
    builder.add_frame(0.0, None, None, None)
    session = builder.summary(created_at="2026-11-27T20:00:00+01:00")
    doc = json.loads(session_json(session))
    assert doc["routine"]["name"] == "test" and doc["routine"]["target_s"] == 1.5
    assert [s["title"] for s in doc["routine"]["steps"]] == ["Glides", "Arch circles"]
    assert doc["routine"]["steps"][0]["completed_at_s"] == pytest.approx(1.0)
    assert doc["routine"]["steps"][1]["completed_at_s"] is None
    write_session(tmp_path / "session.json", session)
    again = load_session(tmp_path / "session.json")  # validates against the schema
    assert again.routine == session.routine


# --- the routine panel: drawn frames against expected pixels -----------------------------------


def _panel_geometry(w: int, h: int, width: float = 0.40) -> tuple[int, int, int, int, int]:
    line = _line_height((w, h))
    pad = line // 3
    x0 = w - int(w * width)
    y = pad + 2 * line + line // 5
    return x0 + pad, y, w - pad, y + line // 2, 3 * line + 2 * pad


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.5, 1.0])
def test_routine_panel_progress_bar_pixels(size: tuple[int, int], fraction: float) -> None:
    w, h = size
    scene = np.zeros((h, w, 3), np.uint8)
    view = RoutineView("Evening", 2, 6, "Thumb circles on the arch", fraction, 30 * fraction, 30)
    RoutineAnnotator().draw(scene, view)
    bx0, by0, bx1, by1, panel_h = _panel_geometry(w, h)
    expected = np.zeros_like(scene)
    cv2.rectangle(expected, (bx0, by0), (bx1, by1), PROGRESS_BACK, -1)
    fill = bx0 + round(fraction * (bx1 - bx0))
    if fill > bx0:
        cv2.rectangle(expected, (bx0, by0), (fill, by1), PROGRESS_FILL, -1)
    bar = (slice(by0, by1 + 1), slice(bx0, bx1 + 1))
    np.testing.assert_array_equal(scene[bar], expected[bar])
    # The left of the picture and everything under the panel stay untouched.
    assert not scene[:, : w - int(w * 0.40)].any()
    assert not scene[panel_h:].any()
    # Text is written in the panel, and it grows with the frame.
    text_rows = scene[: by0 - 1, w - int(w * 0.40) :]
    assert (text_rows.max(axis=2) > 200).sum() > 50 * text_scale(size)


def test_routine_panel_when_finished_is_a_full_bar() -> None:
    scene = np.zeros((480, 640, 3), np.uint8)
    RoutineAnnotator().draw(scene, RoutineView("Evening", 7, 6, "", 0.0))
    bx0, by0, bx1, by1, _ = _panel_geometry(640, 480)
    assert (scene[by0 : by1 + 1, bx0 : bx1 + 1] == PROGRESS_FILL).all(axis=2).all()
