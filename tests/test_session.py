"""The session file: schema, builder, summaries, recommendations, and a loader that refuses bad files."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from coach.cli import main
from coach.errors import InputError
from coach.history import load_history, render_history
from coach.report import ReportConfig, render_report
from coach.session import (
    MAX_ITEMS,
    PACE_VERDICTS,
    Cue,
    FootInfo,
    Routine,
    Session,
    SessionBuilder,
    Stroke,
    Timeline,
    VideoInfo,
    coverage_from_timeline,
    load_session,
    pace_verdict,
    recommend,
    rhythm_from_strokes,
    session_json,
    session_schema,
    write_session,
)
from coach.vocabulary import GLIDE_DIRECTIONS, PACE_TARGETS, SESSION_SCHEMA, STROKE_TYPES, ZONES
from tests.session_examples import example_session

SPEC_KEYS = ("schema", "video", "foot", "strokes", "timeline", "coverage", "rhythm", "cues")
PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"


def video(seconds: float = 10.0, fps: float = 10.0, source: str = "clip.mp4") -> VideoInfo:
    return VideoInfo(fps, int(seconds * fps), seconds, 640, 480, source)


def small_session(created_at: str = "2026-11-20T21:00:00+01:00") -> Session:
    """Ten seconds at 10 Hz: 2 s of glide over the arch, 1 s of no stroke, 3 s pressing the ball."""
    builder = SessionBuilder(video(), recorded_at="2026-11-20T20:45:00+01:00")
    builder.set_foot(FootInfo(True, 100, 300.0))
    for i in range(100):
        t = i / 10
        if t < 2:
            builder.add_frame(t, "glide", "arch", (0.3 + 0.1 * t, 0.2))
        elif t < 3:
            builder.add_frame(t, None, None, None)
        elif t < 6:
            builder.add_frame(t, "press", "ball", (0.7, 0.5))
        else:
            builder.add_frame(t, None, "heel", (0.1, 0.5))
    builder.add_stroke(Stroke(0.0, 2.0, "glide", "arch", 0.9, "heel_to_toe", speed_fl_s=0.1))
    builder.add_stroke(Stroke(3.0, 6.0, "press", "ball", 0.8, hold_s=3.0))
    builder.add_cue(Cue(2.5, "pace", "Nice and slow."))
    return builder.summary(created_at=created_at)


def validator() -> Draft202012Validator:
    schema = session_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


# --- the schema ---------------------------------------------------------------------------------


def test_schema_names_the_spec_vocabulary() -> None:
    schema = session_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == SESSION_SCHEMA
    assert set(SPEC_KEYS) <= set(schema["required"])
    assert tuple(schema["$defs"]["zone"]["enum"]) == ZONES
    assert tuple(schema["$defs"]["stroke_type"]["enum"]) == STROKE_TYPES
    stroke = schema["properties"]["strokes"]["items"]
    assert tuple(stroke["properties"]["direction"]["enum"][:-1]) == GLIDE_DIRECTIONS
    assert tuple(stroke["properties"]["pace"]["enum"][:-1]) == PACE_VERDICTS
    assert set(stroke["required"]) == {
        "start_s",
        "end_s",
        "type",
        "zone",
        "confidence",
        "direction",
        "rate_hz",
        "speed_fl_s",
        "hold_s",
    }
    timeline = schema["properties"]["timeline"]["items"]
    assert set(timeline["required"]) == {"t_s", "stroke", "zone", "contact"}
    assert tuple(timeline["properties"]["zone"]["enum"][:-1]) == ZONES
    assert tuple(timeline["properties"]["stroke"]["enum"][:-1]) == STROKE_TYPES
    assert set(schema["properties"]["coverage"]["properties"]["zones"]["required"]) == set(ZONES)
    assert set(schema["properties"]["rhythm"]["required"]) == set(STROKE_TYPES)
    assert {"fps", "frame_count", "duration_s", "width", "height", "source"} == set(
        schema["properties"]["video"]["required"]
    )


@pytest.mark.parametrize("make", [small_session, lambda: example_session(minutes=2.0)])
def test_built_sessions_validate_against_the_committed_schema(make: Any) -> None:
    doc = json.loads(session_json(make()))
    errors = list(validator().iter_errors(doc))
    assert errors == []
    assert set(SPEC_KEYS) <= set(doc)
    times = [x["t_s"] for x in doc["timeline"]]
    assert np.median(np.diff(times)) <= 0.1 + 1e-9  # 10 Hz or more
    assert doc["created_at"] and isinstance(doc["active_s"], float)


def test_the_committed_schema_refuses_what_the_spec_forbids() -> None:
    doc = json.loads(session_json(small_session()))
    check = validator()
    for mutate in (
        lambda d: d["strokes"][0].__setitem__("type", "jump"),
        lambda d: d["timeline"][0].__setitem__("zone", "knee"),
        lambda d: d["timeline"][0].__setitem__("contact", [0.5]),
        lambda d: d["video"].pop("fps"),
        lambda d: d["coverage"]["zones"].pop("toes"),
        lambda d: d.__setitem__("schema", "footcoach.session/2"),
        lambda d: d["foot"].__setitem__("found", "yes"),
    ):
        broken = json.loads(json.dumps(doc))
        mutate(broken)
        assert list(check.iter_errors(broken)), mutate


# --- summaries ----------------------------------------------------------------------------------


def test_coverage_counts_stroke_time_per_zone_and_on_the_heatmap() -> None:
    session = small_session()
    zones = session.coverage.zones
    assert zones["arch"].seconds == pytest.approx(2.0)
    assert zones["ball"].seconds == pytest.approx(3.0)
    assert zones["heel"].seconds == 0.0  # contact without a stroke is not stroke time
    assert zones["arch"].share == pytest.approx(0.4)
    assert sum(z.share for z in zones.values()) == pytest.approx(1.0)
    assert session.active_s == pytest.approx(5.0)
    grid = session.coverage.heatmap.seconds
    assert grid.shape == (20, 10)
    assert grid.sum() == pytest.approx(5.0)
    # The press sat at (u, v) = (0.7, 0.5): row 14, column 5.
    assert grid[14, 5] == pytest.approx(3.0)


def test_coverage_caps_gaps_and_finds_the_zone_of_a_contact() -> None:
    timeline = Timeline(
        np.array([0.0, 10.0, 10.1]),
        np.array([0, 0, -1], np.int8),
        np.array([-1, -1, -1], np.int8),
        np.array([[0.9, 0.5], [0.1, 0.5], [0.1, 0.5]]),
    )
    coverage, active = coverage_from_timeline(timeline, fps=10.0, max_gap_s=0.5)
    assert coverage.zones["toes"].seconds == pytest.approx(0.5)  # a 10 s gap counts 0.5 s
    assert coverage.zones["heel"].seconds == pytest.approx(0.1)
    assert active == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("stroke_type", "value", "verdict"),
    [
        ("glide", 0.03, "too_slow"),
        ("glide", 0.04, "good"),
        ("glide", 0.40, "good"),
        ("glide", 0.41, "too_fast"),
        ("thumb_circles", 0.4, "too_slow"),
        ("thumb_circles", 1.6, "too_fast"),
        ("knead", 1.0, "good"),
        ("press", 1.5, "too_slow"),
        ("press", 6.0, "good"),
        ("press", 12.0, "too_fast"),
        ("toe_work", 2.0, None),
        ("glide", None, None),
    ],
)
def test_pace_verdicts_follow_the_vocabulary_bands(
    stroke_type: str, value: float | None, verdict: str
) -> None:
    assert pace_verdict(stroke_type, value) == verdict


def test_rhythm_counts_medians_and_regularity() -> None:
    strokes = [
        Stroke(0, 2, "knead", "arch", 0.9, rate_hz=0.5),
        Stroke(2, 4, "knead", "arch", 0.9, rate_hz=1.0),
        Stroke(4, 6, "knead", "arch", 0.9, rate_hz=1.5),
        Stroke(6, 7, "glide", "arch", 0.9, "toe_to_heel", speed_fl_s=0.9),
    ]
    rhythm = rhythm_from_strokes(strokes)
    assert set(rhythm) == set(STROKE_TYPES)
    knead = rhythm["knead"]
    assert (knead.count, knead.seconds, knead.median) == (3, 6.0, 1.0)
    assert knead.cv == pytest.approx(np.std([0.5, 1.0, 1.5]) / 1.0)
    assert knead.regularity == pytest.approx(1 - knead.cv)
    assert (knead.too_slow, knead.good, knead.too_fast) == (0, 2, 1)
    assert rhythm["glide"].too_fast == 1 and rhythm["glide"].cv is None
    assert rhythm["press"].count == 0 and rhythm["press"].median is None


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (lambda b: b.add_frame(0.0, "jump", None, None), "jump"),
        (lambda b: b.add_frame(0.0, None, "knee", None), "knee"),
        (lambda b: b.add_frame(math.nan, None, None, None), "finite"),
        (lambda b: (b.add_frame(1.0, None, None, None), b.add_frame(0.5, None, None, None)), "earlier"),
        (lambda b: b.add_frame(0.0, None, None, (math.inf, 0.5)), "finite"),
        (lambda b: b.add_stroke(Stroke(2.0, 1.0, "glide", "arch", 0.5)), "before"),
        (lambda b: b.add_stroke(Stroke(0.0, 1.0, "glide", "arch", 1.5)), "confidence"),
    ],
)
def test_the_builder_refuses_impossible_records(bad: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        bad(SessionBuilder(video()))


# --- recommendations ----------------------------------------------------------------------------


def _has_number(text: str) -> bool:
    return re.search(r"\d", text) is not None


def test_three_numeric_recommendations_name_fast_glides_and_a_neglected_arch() -> None:
    builder = SessionBuilder(video(seconds=400.0, fps=10.0))
    builder.set_foot(FootInfo(True))
    for i in range(4000):
        # Everything on the ball and toes; the arch gets nothing.
        builder.add_frame(i / 10, "glide", None, (0.65 + 0.3 * (i % 10) / 10, 0.4))
    for k in range(20):
        builder.add_stroke(
            Stroke(k * 20.0, k * 20.0 + 2, "glide", "ball", 0.9, "heel_to_toe", speed_fl_s=0.8)
        )
    recs = recommend(builder.summary(created_at="2026-11-20T21:00:00+01:00"))
    assert len(recs) == 3 and all(_has_number(r) for r in recs)
    joined = " ".join(recs)
    assert "glides averaged 0.80 foot lengths per second" in joined
    assert "aim for 0.04 to 0.40" in joined
    assert "the arch" in joined and "more" in joined


def test_recommendations_for_a_good_session_and_for_no_foot_still_give_three_numbers() -> None:
    good = example_session(minutes=9.0, fast_glides=0.0, seed=3)
    recs = recommend(good)
    assert len(recs) == 3 and len(set(recs)) == 3 and all(_has_number(r) for r in recs)
    lost = example_session(minutes=1.0, foot_found=False)
    recs = recommend(lost)
    assert len(recs) == 3 and all(_has_number(r) for r in recs)
    assert "not found" in recs[0]


def test_short_sessions_are_told_how_many_minutes_to_add() -> None:
    recs = recommend(small_session())  # 5 s of strokes
    assert any("add 5 minutes" in r for r in recs)


# --- files and determinism ----------------------------------------------------------------------


def test_write_then_load_gives_the_same_session(tmp_path: Path) -> None:
    session = example_session(minutes=1.5)
    path = tmp_path / "session.json"
    write_session(path, session)
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]  # no partial file left behind
    again = load_session(path)
    assert session_json(again) == session_json(session)
    assert path.read_text() == session_json(session) + "\n"


def test_the_hand_model_is_kept_and_older_files_without_it_still_load(tmp_path: Path) -> None:
    session = replace(example_session(minutes=0.5), hand_model="lite")
    path = tmp_path / "session.json"
    write_session(path, session)
    assert json.loads(path.read_text())["hand_model"] == "lite"
    assert load_session(path).hand_model == "lite"
    doc = json.loads(path.read_text())
    del doc["hand_model"]
    path.write_text(json.dumps(doc))
    assert load_session(path).hand_model is None


def test_the_same_analysis_gives_identical_bytes_apart_from_created_at(tmp_path: Path) -> None:
    first = example_session(minutes=1.0, created_at="2026-11-20T21:00:00+01:00")
    second = example_session(minutes=1.0, created_at="2026-11-21T08:30:00+01:00")
    write_session(tmp_path / "a.json", first)
    write_session(tmp_path / "b.json", second)
    a, b = (tmp_path / "a.json").read_bytes(), (tmp_path / "b.json").read_bytes()
    assert a != b
    assert a.replace(b"2026-11-20T21:00:00+01:00", b"X") == b.replace(b"2026-11-21T08:30:00+01:00", b"X")
    default = json.loads(session_json(SessionBuilder(video()).summary()))
    assert default["created_at"]  # a real timestamp when none is given


# --- bad files: one line, exit status 2 ---------------------------------------------------------


def _valid_doc() -> dict[str, Any]:
    return json.loads(session_json(small_session()))


def _write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


def bad_session_files(tmp: Path) -> list[tuple[str, Path, tuple[str, ...]]]:
    """Every kind of bad session file, made in ``tmp``: (name, path, words its one-line error holds)."""
    doc = _valid_doc()
    cases: list[tuple[str, Path, tuple[str, ...]]] = []
    cases.append(
        ("not json", _write(tmp / "broken.json", '{"schema": "footcoach.session/1", '), ("not valid JSON",))
    )
    wrong = dict(doc, schema="footcoach.session/2")
    cases.append(("wrong version", _write(tmp / "v2.json", wrong), ("footcoach.session/2", SESSION_SCHEMA)))
    typed = json.loads(json.dumps(doc))
    typed["strokes"][1]["type"] = "jump"
    cases.append(("bad enum", _write(tmp / "jump.json", typed), ("strokes[1].type", "'jump' is not one of")))
    typed = json.loads(json.dumps(doc))
    typed["video"]["fps"] = "thirty"
    cases.append(("wrong type", _write(tmp / "fps.json", typed), ("video.fps", "expected number")))
    huge = dict(doc, timeline=[{}] * (MAX_ITEMS["timeline"] + 1))
    cases.append(("huge array", _write(tmp / "huge.json", huge), ("timeline has 500001 items",)))
    cases.append(
        ("nan", _write(tmp / "nan.json", json.dumps(doc).replace('"active_s": 5.0', '"active_s": NaN')), ())
    )
    cases.append(("top-level list", _write(tmp / "list.json", [1, 2]), ("top level",)))
    cases.append(("deep", _write(tmp / "deep.json", "[" * 100_000 + "]" * 100_000), ()))
    (tmp / "latin1.json").write_bytes(b'{"schema": "caf\xe9"}')
    cases.append(("not utf-8", tmp / "latin1.json", ("UTF-8",)))
    big = tmp / "big.json"
    with big.open("wb") as f:
        f.truncate(51 * 1024 * 1024)  # sparse: refused by size before it is read
    cases.append(("too big", big, ("too large",)))
    backwards = json.loads(json.dumps(doc))
    backwards["strokes"][0]["end_s"] = -1 + backwards["strokes"][0]["start_s"] + 0.5
    backwards["strokes"][0]["start_s"] = 9.0
    cases.append(("end before start", _write(tmp / "backwards.json", backwards), ("strokes[0]",)))
    grid = json.loads(json.dumps(doc))
    grid["coverage"]["heatmap"]["u_bins"] = 3
    cases.append(("heatmap shape", _write(tmp / "grid.json", grid), ("heatmap",)))
    cases.append(("missing", tmp / "nope.json", ("no such file",)))
    (tmp / "folder").mkdir()
    cases.append(("folder", tmp / "folder", ("is a folder",)))
    cases.append(("empty", _write(tmp / "empty.json", ""), ("not valid JSON",)))
    cases.append(("device", Path("/dev/null"), ("not a regular file",)))
    return cases


def test_every_bad_file_gives_one_line_and_exit_status_2(tmp_path: Path) -> None:
    runner = CliRunner()
    for name, path, words in bad_session_files(tmp_path):
        result = runner.invoke(main, ["report", str(path), "--out", str(tmp_path / "r.html")])
        assert result.exit_code == 2, (name, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert lines[0].startswith(f"coach: error: {path}"), (name, lines[0])
        assert len(lines[0]) < 400, name
        for word in words:
            assert word in lines[0], (name, lines[0])
        assert not (tmp_path / "r.html").exists()


def test_a_bad_file_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    doc = _valid_doc()
    doc["cues"][0]["t_s"] = "soon"
    path = _write(tmp_path / "session.json", doc)
    result = subprocess.run(
        [sys.executable, "-m", "coach", "report", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"coach: error: {path}: cues[0].t_s: expected number, got text"


def test_the_report_command_writes_beside_the_session(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    write_session(path, small_session())
    result = CliRunner().invoke(main, ["report", str(path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.html").read_text().startswith("<!DOCTYPE html>")
    result = CliRunner().invoke(
        main, ["report", str(path), "--foot-length-cm", "30", "--out", str(tmp_path / "b.html")]
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "b.html").read_text()
    assert "for a foot 30 cm long" in html and "0.10 FL/s (3 cm/s)" in html  # the glide at 0.1 FL/s


# --- property tests: generated files, valid and hostile ------------------------------------------

HOSTILE = st.sampled_from(
    [
        PAYLOAD,
        "</td></tr></table><script>alert(1)</script>",
        '"><svg onload=alert(1)>',
        "{{ 7*7 }}{% raw %}",
        "\x00\x1b[31mred\u202e",
        "'; DROP TABLE sessions; --",
    ]
)
TEXT = st.one_of(st.text(max_size=40), HOSTILE)
FLOATS = st.floats(0, 20, allow_nan=False)


@st.composite
def built_docs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid session document, made through the builder from drawn frames, strokes and cues."""
    fps = draw(st.sampled_from([10.0, 15.0, 30.0]))
    n = draw(st.integers(0, 60))
    builder = SessionBuilder(
        VideoInfo(fps, n, n / fps, draw(st.integers(0, 4000)), draw(st.integers(0, 4000)), draw(TEXT)),
        notes=draw(st.none() | TEXT),
        routine=draw(st.none() | st.builds(Routine, TEXT, st.none() | FLOATS)),
    )
    builder.set_foot(FootInfo(draw(st.booleans())))
    for i in range(n):
        contact = draw(st.none() | st.tuples(st.floats(-0.5, 1.5), st.floats(-0.5, 1.5)))
        zone = draw(st.none() | st.sampled_from(ZONES))
        builder.add_frame(i / fps, draw(st.none() | st.sampled_from(STROKE_TYPES)), zone, contact)
    for _ in range(draw(st.integers(0, 6))):
        start = draw(FLOATS)
        builder.add_stroke(
            Stroke(
                start,
                start + draw(FLOATS),
                draw(st.sampled_from(STROKE_TYPES)),
                draw(st.sampled_from(ZONES)),
                draw(st.floats(0, 1)),
                draw(st.none() | st.sampled_from(GLIDE_DIRECTIONS)),
                draw(st.none() | FLOATS),
                draw(st.none() | FLOATS),
                draw(st.none() | FLOATS),
            )
        )
    for _ in range(draw(st.integers(0, 3))):
        builder.add_cue(Cue(draw(FLOATS), draw(TEXT.filter(bool)), draw(TEXT)))
    return json.loads(session_json(builder.summary(created_at="2026-11-20T21:00:00+01:00")))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _locations(doc: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _locations(value, (*at, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc[:3]):
            out += _locations(value, (*at, i))
    return out


@st.composite
def session_files(draw: st.DrawFn) -> str:
    """The text of a session file: valid, with a value replaced or removed, or cut short."""
    doc = draw(built_docs())
    how = draw(st.sampled_from(["valid", "replace", "remove", "truncate", "version"]))
    if how in ("replace", "remove"):
        where = draw(st.sampled_from(_locations(doc)[1:]))
        parent = doc
        for key in where[:-1]:
            parent = parent[key]
        if how == "replace":
            parent[where[-1]] = draw(JSON_VALUES)
        elif isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent.pop(where[-1])
    if how == "version":
        doc["schema"] = draw(st.sampled_from(["footcoach.session/2", "", None, 1]))
    text = json.dumps(doc)
    if how == "truncate":
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    return text


def _load_and_render(text: str, charts: bool, valid: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "session.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            session = load_session(path)
        except InputError as exc:
            assert not valid, f"a valid session was refused: {exc}"
            message = str(exc)
            assert "\n" not in message and message.startswith(str(path))
            event("refused")
            return
        event("loaded")
        html = render_report(session, ReportConfig(charts=charts))
        assert (
            "<script" not in html and "<svg" not in html and "onerror=" not in html.replace("onerror=w", "")
        )
        assert "<img src=x" not in html
        # Every payload that reached a text field shows as text.
        if PAYLOAD in text:
            assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
        # The history page shows the same file, or refuses it in one line (it needs a date).
        try:
            page = render_history(load_history([path]), ReportConfig(charts=False))
        except InputError as exc:
            assert not valid and "\n" not in str(exc)
            event("no day for the history")
            return
        assert "<script" not in page and "<img src=x" not in page and "<svg onload" not in page


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(session_files())
def test_generated_session_files_load_or_fail_in_one_line_and_render_escaped(text: str) -> None:
    _load_and_render(text, charts=False)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(built_docs())
def test_generated_sessions_render_with_charts(doc: dict[str, Any]) -> None:
    _load_and_render(json.dumps(doc), charts=True, valid=True)


def test_the_builder_takes_the_stroke_engine_and_coach_records_as_they_are() -> None:
    from coach import cues, pace, strokes

    engine_stroke = strokes.Stroke(1.0, 3.0, "glide", "arch", 0.8, "heel_to_toe", None, 0.6, None)
    builder = SessionBuilder(video())
    builder.add_stroke(engine_stroke)
    builder.add_cue(cues.Cue(3.0, "pace", "Slower."))
    session = builder.summary(created_at="2026-11-20T21:00:00+01:00")
    assert session.strokes[0] == Stroke(1.0, 3.0, "glide", "arch", 0.8, "heel_to_toe", None, 0.6, None)
    assert session.cues == (Cue(3.0, "pace", "Slower."),)
    with pytest.raises(TypeError):
        builder.add_stroke(object())
    # One meaning of "too fast" across the project.
    for stroke_type in ("glide", "thumb_circles", "knead", "press", "toe_work"):
        for value in (0.01, 0.04, 0.3, 0.45, 0.5, 1.3, 1.6, 2.0, 9.0, 11.0):
            fields = {"rate_hz": None, "speed_fl_s": None, "hold_s": None}
            if stroke_type in PACE_TARGETS:
                fields[PACE_TARGETS[stroke_type].measure] = value
            theirs = strokes.Stroke(0.0, 1.0, stroke_type, "arch", 0.9, None, **fields)
            assert Stroke.from_record(theirs).pace == pace.pace_of(theirs)
