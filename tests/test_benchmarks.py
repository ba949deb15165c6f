"""The benchmark command's quick path, so that it cannot rot: a few seconds of video, every figure there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.timing import STAGES

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_benchmark_prints_the_table_and_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--markdown",
         "--cases", "480p-2-s-annotated,live,hands-alone",
         "--cache", str(tmp_path / "cache"), "--json", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| 480p 2 s annotated | 60 |" in done.stdout
    assert "| headless, 5 s |" in done.stdout
    assert "MediaPipe's hand tracker alone at 640x480" in done.stdout
    doc = json.loads(out.read_text())
    case = doc["cases"]["480p 2 s annotated"]
    assert case["frames"] == 60 and case["fps"] > 0 and 0 < case["own_share"] < 1
    assert set(case["ms_per_frame"]) == set(STAGES)
    assert all(v > 0 for v in case["ms_per_frame"].values()), case["ms_per_frame"]
    assert 100 < case["peak_mb"] < 4000
    live = doc["live"]
    assert live["frames_counted"] > 0 and 0 < live["latency_median_ms"] <= live["latency_max_ms"]
    alone = doc["hands_alone"]
    assert alone["frames"] == 30 and alone["hands_ms"] > alone["decode_ms"] > 0
    # The inputs are kept for the next run: a 1 s render looped into 2 s (and longer for live).
    assert len(list((tmp_path / "cache").glob("*_looped_*.mp4"))) == 2


def test_unknown_case_is_refused() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--cases", "480p-9-h"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "unknown case(s) 480p-9-h" in done.stderr
