"""The command line as a user meets it: exit statuses, one-line errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from coach import __version__


def coach(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def assert_one_line_error(result: subprocess.CompletedProcess, status: int, *words: str) -> None:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("coach: error: ")
    for word in words:
        assert word in lines[0]


def test_version_and_help() -> None:
    assert coach("--version").stdout.strip() == f"coach, version {__version__}"
    result = coach("--help")
    assert result.returncode == 0 and "hands" in result.stdout


def test_hands_json_on_a_real_photo(shared_data: Path) -> None:
    result = coach("hands", str(shared_data / "hands" / "11k_f_p.jpg"), "--json")
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert (obj["width"], obj["height"]) == (1600, 1200)
    assert len(obj["hands"]) == 1
    hand = obj["hands"][0]
    assert hand["handedness"] in ("Left", "Right") and 0.5 < hand["score"] <= 1.0
    assert len(hand["landmarks"]) == 21 and hand["landmarks"][0]["name"] == "wrist"
    # No native runtime chatter reaches the user.
    assert result.stderr == ""


def test_hands_draws_on_a_video(tmp_path: Path, shared_data: Path) -> None:
    photo = cv2.resize(cv2.imread(str(shared_data / "hands" / "11k_m_p.jpg")), (320, 240))
    clip = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (320, 240))
    for _ in range(6):
        writer.write(photo)
    writer.release()
    out = tmp_path / "drawn.avi"
    result = coach("hands", str(clip), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "6 frames" in result.stdout and "hands found in 6 (100%)" in result.stdout
    cap = cv2.VideoCapture(str(out))
    ok, drawn = cap.read()
    cap.release()
    assert ok and np.abs(drawn.astype(int) - photo.astype(int)).max() > 100  # something was drawn
    assert not list(tmp_path.glob(".*partial*"))


def test_hands_json_lines_for_a_video(tmp_path: Path) -> None:
    clip = tmp_path / "blank.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    for _ in range(3):
        writer.write(np.zeros((48, 64, 3), np.uint8))
    writer.release()
    result = coach("hands", str(clip), "--json")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["frame"], r["t_ms"], r["hands"]) for r in rows] == [(0, 0, []), (1, 100, []), (2, 200, [])]


@pytest.mark.parametrize(
    "setup, words",
    [
        (lambda d: d / "nope.mp4", ["nope.mp4", "no such file"]),
        (lambda d: d, ["is a directory"]),
    ],
    ids=["missing", "directory"],
)
def test_bad_paths_exit_2_with_one_line(tmp_path: Path, setup, words: list[str]) -> None:
    assert_one_line_error(coach("hands", str(setup(tmp_path))), 2, *words)


def test_random_bytes_named_mp4(tmp_path: Path) -> None:
    path = tmp_path / "session.mp4"
    path.write_bytes(np.random.default_rng(3).bytes(20000))
    assert_one_line_error(coach("hands", str(path)), 2, "cannot read as a video")


def test_unwritable_output(tmp_path: Path, shared_data: Path) -> None:
    photo = shared_data / "hands" / "11k_f_d.jpg"
    result = coach("hands", str(photo), "--out", str(tmp_path / "no" / "such" / "dir.png"))
    assert_one_line_error(result, 2, "no such folder")


def test_missing_model_exit_3(tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTCOACH_HAND_MODEL", str(tmp_path / "gone.task"))
    result = coach("hands", str(shared_data / "hands" / "11k_f_d.jpg"))
    assert_one_line_error(result, 3, "gone.task", "not found")


def test_analyze_with_the_lite_hand_model(tmp_path: Path, session_clip: Path) -> None:
    from coach.session import load_session

    out = tmp_path / "out"
    done = coach("analyze", str(session_clip), "--out", str(out), "--hand-model", "lite", "--no-progress")
    assert done.returncode == 0, done.stderr
    session = load_session(out / "session.json")
    assert session.foot.found and session.hand_model == "lite"
    assert '<dt>Hand model</dt><dd class="text">lite</dd>' in (out / "report.html").read_text(
        encoding="utf-8"
    )
    truth = json.loads(session_clip.with_name("good.labels.json").read_text(encoding="utf-8"))["strokes"]
    found = [
        t
        for t in truth
        if any(
            s.type == t["type"] and s.start_s < t["end_s"] and t["start_s"] < s.end_s for s in session.strokes
        )
    ]
    assert len(truth) >= 3 and len(found) >= len(truth) - 1, session.strokes


def test_an_unknown_hand_model_is_a_usage_error() -> None:
    assert_one_line_error(coach("analyze", "--hand-model", "tiny"), 2, "--hand-model", "tiny")
