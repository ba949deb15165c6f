"""The history page: sessions found and placed on their days, streaks, charts, the command."""

from __future__ import annotations

import base64
import json
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.errors import InputError
from coach.history import (
    entries,
    find_sessions,
    load_history,
    minutes_per_day,
    practice_streak,
    render_history,
)
from coach.report import ReportConfig
from coach.session import ROUTINE_MIN_S, session_json, write_session
from coach.vocabulary import ZONES
from tests.session_examples import example_history, example_session

D0 = date(2026, 11, 1)


@pytest.fixture(scope="module")
def history_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sessions")
    for i, session in enumerate(example_history(5)):
        folder = root / f"{i:02d}"
        folder.mkdir()
        write_session(folder / "session.json", session)
    return root


def _days(*pairs: tuple[int, float]) -> dict[date, float]:
    return {D0 + timedelta(days=d): minutes * 60 for d, minutes in pairs}


@pytest.mark.parametrize(
    ("days", "latest", "longest", "practice", "span"),
    [
        ({}, 0, 0, 0, 0),
        (_days((0, 6)), 1, 1, 1, 1),
        (_days((0, 6), (1, 5), (2, 9)), 3, 3, 3, 3),
        (_days((0, 6), (1, 5), (3, 9)), 1, 2, 3, 4),  # a missed day breaks the streak
        (_days((0, 6), (1, 4.9), (2, 9)), 1, 1, 2, 3),  # under five minutes does not count
        (_days((0, 6), (1, 6), (2, 6), (5, 6), (6, 2)), 0, 3, 4, 7),
    ],
)
def test_practice_streak(
    days: dict[date, float], latest: int, longest: int, practice: int, span: int
) -> None:
    streak = practice_streak(days)
    assert (streak.latest, streak.longest, streak.practice_days, streak.span_days) == (
        latest,
        longest,
        practice,
        span,
    )


def test_find_sessions_walks_folders_and_refuses_missing_paths(history_dir: Path, tmp_path: Path) -> None:
    found = find_sessions([history_dir, history_dir / "00" / "session.json"])
    assert len(found) == 5  # the file named twice counts once
    with pytest.raises(InputError, match="no such file"):
        find_sessions([tmp_path / "nope"])
    with pytest.raises(InputError, match=r"no session\.json files"):
        find_sessions([tmp_path])


def test_sessions_go_on_the_day_they_were_recorded(history_dir: Path) -> None:
    items = entries(load_history([history_dir]))
    recorded = [e.session.recorded_at for e in items]
    assert recorded == sorted(recorded)
    assert [e.day for e in items] == [date.fromisoformat(r[:10]) for r in recorded]
    days, minutes = minutes_per_day(items)
    assert days[0] == items[0].day and days[-1] == items[-1].day
    assert len(days) == (items[-1].day - items[0].day).days + 1  # days without practice are shown too
    assert minutes.shape == (len(days), len(ZONES))
    total = sum(e.session.coverage.zones[z].seconds for e in items for z in ZONES) / 60
    assert minutes.sum() == pytest.approx(total)
    gap = [i for i, d in enumerate(days) if d not in {e.day for e in items}]
    assert gap and np.all(minutes[gap] == 0)


def test_created_at_is_the_day_when_recorded_at_is_missing(tmp_path: Path) -> None:
    doc = json.loads(session_json(example_session(minutes=0.5, recorded_at=None)))
    assert doc["recorded_at"] is None
    path = tmp_path / "session.json"
    path.write_text(json.dumps(doc))
    (item,) = entries(load_history([path]))
    assert item.day == date.fromisoformat(doc["created_at"][:10])
    del doc["created_at"]
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="neither recorded_at nor created_at"):
        load_history([path])


def test_the_history_page_has_every_part(history_dir: Path) -> None:
    loaded = load_history([history_dir])
    html = render_history(loaded)
    for part in (
        "streak",
        "practice",
        "zones-per-day",
        "zone-totals",
        "pace-trend",
        "rhythm-trend",
        "sessions",
    ):
        assert f'id="{part}"' in html, part
    images = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 4 and all(b"<svg" in base64.b64decode(i) for i in images)
    assert "<script" not in html and "<link" not in html
    assert all(s.startswith("data:") for s in re.findall(r'(?:src|href)="([^"]*)"', html))
    for _, session in loaded:
        assert Path(session.video.source).name in html
    per_day: dict[date, float] = {}
    for e in entries(loaded):
        per_day[e.day] = per_day.get(e.day, 0.0) + e.session.active_s
    streak = practice_streak(per_day)
    assert f"{streak.practice_days} of {streak.span_days}" in html
    assert sum(v >= ROUTINE_MIN_S for v in per_day.values()) == streak.practice_days


def test_names_from_files_are_escaped_on_the_history_page(tmp_path: Path) -> None:
    payload = "<script>window.__pwned=1</script>"
    folder = tmp_path / "<img src=x onerror=alert(1)>"
    folder.mkdir()
    write_session(folder / "session.json", example_session(minutes=0.5, source=payload + ".mp4"))
    html = render_history(load_history([folder]), ReportConfig(charts=False))
    assert "<script>window" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_history_command(history_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "progress.html"
    result = CliRunner().invoke(main, ["history", str(history_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 sessions" in result.output and out.read_text().startswith("<!DOCTYPE html>")
    bad = history_dir.parent / "bad"
    bad.mkdir(exist_ok=True)
    (bad / "session.json").write_text('{"schema": "footcoach.session/1"}')
    result = CliRunner().invoke(main, ["history", str(history_dir), str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"coach: error: {bad / 'session.json'}: (top level): missing key 'video'"
