"""``coach analyze`` end to end: the sample sessions, interruptions, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.analysis import Engine
from coach.errors import InputError
from coach.recording import analyze_recording
from coach.samples import samples_dir
from coach.session import load_session

SAMPLES = sorted(samples_dir().glob("*.mp4"))


@pytest.fixture(scope="module")
def analysed_samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for video in SAMPLES:
        folder = tmp_path_factory.mktemp(video.stem)
        analyze_recording(video, folder, created_at="2026-11-27T20:00:00+00:00")
        out[video.stem] = folder
    return out


def test_every_sample_is_shipped() -> None:
    assert {v.stem for v in SAMPLES} >= {"good_session", "rushed_session", "neglects_arches"}


@pytest.mark.slow
def test_sample_sessions_follow_the_schema_and_report_every_part(analysed_samples: dict[str, Path]) -> None:
    for name, folder in analysed_samples.items():
        session = load_session(folder / "session.json")  # JSON Schema validation included
        doc = json.loads((folder / "session.json").read_text())
        assert doc["video"]["source"].endswith(f"{name}.mp4")
        times = [row["t_s"] for row in doc["timeline"]]
        assert len(times) >= 10 * session.video.duration_s * 0.95
        html = (folder / "report.html").read_text()
        for part in ("Where your hands worked", "Your strokes over time", "Pace against the targets",
                     "Rhythm", "What the coach would have said", "Session facts"):  # fmt: skip
            assert part in html, (name, part)
        assert "http://" not in html and "https://" not in html


@pytest.mark.slow
def test_analysing_twice_gives_the_same_session(analysed_samples: dict[str, Path], tmp_path: Path) -> None:
    video = samples_dir() / "top_view_left.mp4"
    analyze_recording(video, tmp_path, created_at="2026-11-27T20:00:00+00:00")
    first = (analysed_samples["top_view_left"] / "session.json").read_bytes()
    assert (tmp_path / "session.json").read_bytes() == first


def test_an_interrupted_analysis_still_writes_what_it_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    update = Engine.update

    def interrupted(self: Engine, frame: object) -> object:
        calls["n"] += 1
        if calls["n"] > 45:
            raise KeyboardInterrupt
        return update(self, frame)

    monkeypatch.setattr(Engine, "update", interrupted)
    with pytest.raises(KeyboardInterrupt):
        analyze_recording(samples_dir() / "top_view_left.mp4", tmp_path)
    session = load_session(tmp_path / "session.json")
    assert session.video.frame_count == 45
    assert (tmp_path / "report.html").is_file()
    assert not list(tmp_path.glob(".*partial*"))


def test_an_output_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="not a folder"):
        analyze_recording(samples_dir() / "top_view_left.mp4", blocker)


@pytest.mark.parametrize("name, content, words", [
    ("missing.mp4", None, "no such file"),
    ("noise.mp4", b"\x00\x01garbage" * 500, "cannot read as a video"),
    ("empty.mp4", b"", "file is empty"),
])  # fmt: skip
def test_bad_videos_are_one_line_and_exit_2(
    tmp_path: Path, name: str, content: bytes | None, words: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "coach", "analyze", str(path), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "session.json").exists()
