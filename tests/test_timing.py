"""Stage timing: the clock's sums, its summary, and a timed ``coach analyze`` on a real clip."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import pytest

from coach.recording import analyze_recording
from coach.samples import samples_dir
from coach.timing import STAGES, StageClock, StageTimes


def _times(frames: int = 10, wall_s: float = 1.0, **seconds: float) -> StageTimes:
    return StageTimes(frames, wall_s, {**dict.fromkeys(STAGES, 0.0), **seconds})


def test_clock_adds_each_stage_from_many_threads() -> None:
    clock = StageClock()
    clock.start()

    def work() -> None:
        for _ in range(1000):
            clock.add("foot", 0.001)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with clock.timing("coach"):
        pass
    clock.count_frame()
    clock.stop()
    times = clock.summary()
    assert times.seconds["foot"] == pytest.approx(4.0)
    assert 0.0 < times.seconds["coach"] < 0.1
    assert times.frames == 1 and times.wall_s > 0


def test_clock_refuses_an_unknown_stage() -> None:
    with pytest.raises(KeyError, match="unknown stage"):
        StageClock().add("render", 1.0)


def test_a_clock_never_started_has_no_wall_time() -> None:
    times = StageClock().summary()
    assert (times.frames, times.wall_s, times.fps, times.own_share) == (0, 0.0, 0.0, 0.0)
    assert times.ms_per_frame("hands") == 0.0


def test_summary_figures() -> None:
    times = _times(frames=100, wall_s=2.0, decode=0.1, hands=2.0, foot=0.5, coach=0.2, write=0.2)
    assert times.fps == pytest.approx(50.0)
    assert times.ms_per_frame("hands") == pytest.approx(20.0)
    assert times.busy_s == pytest.approx(3.0)
    assert times.own_share == pytest.approx(0.9 / 3.0)
    doc = times.to_dict()
    assert doc["fps"] == 50.0 and doc["ms_per_frame"]["foot"] == 5.0 and doc["own_share"] == 0.3


def test_summary_needs_every_stage() -> None:
    with pytest.raises(ValueError, match="exactly the stages"):
        StageTimes(1, 1.0, {"hands": 1.0})


@pytest.mark.slow
def test_a_timed_analysis_times_every_stage_and_leaves_no_thread(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    clip = tmp_path / "clip.avi"
    cap = cv2.VideoCapture(str(samples_dir() / "good_session.mp4"))
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 480))
    for _ in range(20):
        ok, image = cap.read()
        assert ok
        writer.write(image)
    writer.release()
    cap.release()
    clock = StageClock()
    result = analyze_recording(clip, tmp_path / "out", annotate=True, progress=False, clock=clock)
    times = clock.summary()
    assert times.frames == result.session.video.frame_count == 20
    assert all(times.seconds[stage] > 0 for stage in STAGES), times.seconds
    # MediaPipe's inference costs far more than the contact and stroke stages.
    assert times.ms_per_frame("hands") > times.ms_per_frame("coach")
    assert times.busy_s > 0 and 0 < times.own_share < 1
    assert times.wall_s >= max(times.seconds.values())
    started = [t for t in threading.enumerate() if t not in before]
    assert not [t.name for t in started if t.name.startswith("footcoach-") and t.is_alive()]
