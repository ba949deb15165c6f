"""The report page: every part present, self-contained, escaped, deterministic; and its charts."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pytest

from coach.charts import figure_uri, foot_heatmap, foot_xy
from coach.errors import InputError
from coach.report import ReportConfig, clock, format_pace, render_report, report_context, write_report
from coach.session import Heatmap, recommend
from coach.vocabulary import BALL_END_U, HEEL_END_U, MIDFOOT_END_U, ZONES
from tests.session_examples import example_session

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"


@pytest.fixture(scope="module")
def session():
    return example_session(minutes=3.0, seed=7)


@pytest.fixture(scope="module")
def html(session) -> str:
    return render_report(session)


def _svgs(html: str) -> list[str]:
    return [
        base64.b64decode(m).decode("utf-8")
        for m in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    ]


def test_the_report_has_every_part_the_issue_lists(session, html: str) -> None:
    for part in (
        "summary",
        "recommendations",
        "coverage",
        "zones",
        "timeline",
        "pace",
        "rhythm",
        "cues",
        "facts",
    ):
        assert f'id="{part}"' in html, part
    # The foot, the stroke timeline and the pace chart, as real SVG pictures.
    svgs = _svgs(html)
    assert len(svgs) == 3 and all("<svg" in s for s in svgs)
    # Each zone's share, the three recommendations, each cue, the session facts.
    for zone in ZONES:
        share = session.coverage.zones[zone].share
        assert f"{share:.0%}" in html
    recs = re.findall(r"<li>(.*?)</li>", html, re.S)
    assert [r.strip() for r in recs] == [r.replace("'", "&#39;") for r in recommend(session)]
    for cue in session.cues:
        assert cue.message in html
    assert session.video.source in html and clock(session.video.duration_s) in html
    assert clock(session.active_s) in html
    for label in ("Glides", "Thumb circles", "Presses", "Kneading", "Toe work"):
        assert label in html


def test_the_report_is_self_contained(html: str) -> None:
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert "url(" not in html
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources and all(s.startswith("data:") for s in sources)
    for svg in _svgs(html):
        # matplotlib may embed raster images, but only inline ones.
        assert not re.search(r'href="(?!data:|#)', svg)


def test_text_from_the_session_is_escaped() -> None:
    hostile = example_session(minutes=1.0, text=PAYLOAD, source=PAYLOAD)
    html = render_report(hostile, ReportConfig(charts=False))
    assert "<script" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;window.__pwned=1&lt;/script&gt;") >= 5  # source, notes, routine, cues


def test_the_same_session_gives_the_same_page(session, html: str) -> None:
    assert render_report(session) == html


def test_a_session_without_a_foot_still_reports(tmp_path: Path) -> None:
    lost = example_session(minutes=0.5, foot_found=False)
    path = tmp_path / "report.html"
    write_report(path, lost)
    html = path.read_text()
    assert 'id="no-foot"' in html and "0 of 5" in html
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_report_into_a_missing_folder_is_an_input_error(session, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        write_report(tmp_path / "nope" / "report.html", session, ReportConfig(charts=False))


def test_a_failed_write_leaves_the_old_report_whole(session, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "report.html"
    path.write_text("old")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("coach.session.os.replace", boom)
    with pytest.raises(InputError, match="No space left"):
        write_report(path, session, ReportConfig(charts=False))
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_context_counts_zones_and_paces(session) -> None:
    ctx = report_context(session, ReportConfig(charts=False))
    assert ctx["zones_touched"] == sum(1 for z in ZONES if session.coverage.zones[z].seconds > 0)
    assert ctx["charts"] == {"foot": None, "timeline": None, "pace": None}
    glide = next(r for r in ctx["rhythm"] if r["type"] == "glide")
    assert glide["count"] == session.rhythm["glide"].count


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0:00"), (59.4, "0:59"), (61, "1:01"), (3600, "1:00:00"), (3725, "1:02:05")]
)
def test_clock(seconds: float, text: str) -> None:
    assert clock(seconds) == text


@pytest.mark.parametrize(
    ("measure", "value", "text"),
    [
        ("speed_fl_s", 0.2, "0.20 FL/s (5 cm/s)"),
        ("rate_hz", 1.04, "1.0 per second"),
        ("hold_s", 4.25, "4.2 s"),
        (None, 1.0, "–"),
        ("rate_hz", None, "–"),
    ],
)
def test_format_pace(measure: str | None, value: float | None, text: str) -> None:
    assert format_pace(measure, value, 25.0) == text


def test_config_is_checked_once() -> None:
    with pytest.raises(ValueError, match="foot_length_cm"):
        ReportConfig(foot_length_cm=0.0)


def test_the_drawn_foot_keeps_the_zones_in_order() -> None:
    u = np.linspace(0, 1, 50)
    for v in (0.0, 0.5, 1.0):
        _, y = foot_xy(u, np.full_like(u, v))
        assert np.all(np.diff(y) > 0)  # heel at the bottom, toes at the top
    x0, _ = foot_xy(u, np.zeros_like(u))
    x1, _ = foot_xy(u, np.ones_like(u))
    assert np.all(x0 < x1)  # medial edge on the left
    _, ys = foot_xy(np.array([HEEL_END_U, MIDFOOT_END_U, BALL_END_U]), np.full(3, 0.5))
    assert np.all(np.diff(ys) > 0)


def test_the_heat_map_follows_the_data() -> None:
    empty = np.zeros((20, 10))
    hot = empty.copy()
    hot[14, 3] = 60.0
    shares = dict.fromkeys(ZONES, 0.2)
    a = figure_uri(foot_heatmap(Heatmap(empty), shares))
    b = figure_uri(foot_heatmap(Heatmap(hot), shares))
    assert a != b
    assert (
        "seconds of stroke time" not in base64.b64decode(a.split(",")[1]).decode()
    )  # no colour bar when empty
