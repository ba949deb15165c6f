"""``coach synth`` and ``coach synth-check`` as a user meets them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def coach(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--size", "640by480"], ["640by480", "WIDTHxHEIGHT"]),
        (["--size", "10x10"], ["10x10"]),
        (["--duration", "-2"], ["duration"]),
        (["--fps", "0"], ["fps"]),
        (["--fps", "5"], ["10-240"]),
        (["--seed", "-1"], ["seed"]),
        (["--foot-skin", "green"], ["green"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], words: list[str]) -> None:
    result = coach("synth", "--out", str(tmp_path / "x.mp4"), *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coach: error: ")
    assert all(w in lines[0] for w in words)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_unwritable_output_folder(tmp_path: Path) -> None:
    result = coach("synth", "--out", str(tmp_path / "missing" / "x.mp4"), "--duration", "1")
    assert result.returncode == 2 and "no such folder" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_render_then_check(tmp_path: Path) -> None:
    out = tmp_path / "s.mp4"
    sheet = tmp_path / "s.png"
    result = coach(
        "synth", "--out", str(out), "--duration", "1.5", "--size", "320x240", "--fps", "12",
        "--choreography", "random", "--seed", "5", "--view", "top", "--side", "left", "--sheet", str(sheet),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    labels = json.loads((tmp_path / "s.labels.json").read_text())
    assert labels["video"]["frame_count"] == 18
    assert labels["meta"]["foot"]["view"] == "top" and labels["meta"]["foot"]["side"] == "left"
    assert sheet.stat().st_size > 1000
    check = coach("synth-check", str(out))
    assert check.returncode == 0, check.stderr
    assert "| s.mp4 | 18 |" in check.stdout
    missing = coach("synth-check", str(tmp_path / "nope.mp4"))
    assert missing.returncode == 2 and "nope.mp4: no such file" in missing.stderr  # the video, first
    (tmp_path / "s.labels.json").unlink()
    unlabelled = coach("synth-check", str(out))
    assert unlabelled.returncode == 2 and "s.labels.json: no such labels file" in unlabelled.stderr


def test_figures_table_and_thresholds() -> None:
    from coach.synth.check import ClipFigures, figures_table

    good = ClipFigures("a.mp4", 100, 80, 78, 76, 0.01, -0.02)
    weak = ClipFigures("b.mp4", 100, 50, 50, 40, 0.03, 0.01)
    empty = ClipFigures("c.mp4", 10, 0, 0, 0, float("nan"))
    # Found and thumb tips right, but the drawn knuckles are not where the tracker reads them.
    misdrawn = ClipFigures("d.mp4", 100, 80, 78, 76, 0.01, -0.14)
    assert good.passes and not weak.passes and not empty.passes and not misdrawn.passes
    table = figures_table([good, weak, empty]).splitlines()
    assert table[2] == "| a.mp4 | 100 | 80 | 97.5 % | 95.0 % | 0.010 | -0.020 |"
    assert table[4] == "| c.mp4 | 10 | 0 | - | - | - | - |"
    assert table[5].startswith("| all clips | 210 | 130 | 98.5 % | 89.2 % |")
