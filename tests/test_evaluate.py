"""The scorer, on hand-made truth and measurements whose scores are known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.evaluate import CLASSES, EvalTargets, score


def timeline(spec: list[tuple[float, float, str | None, str | None]], fps: float = 10.0) -> list[dict]:
    """Rows at ``fps`` from (start, end, stroke, zone) pieces."""
    rows = []
    for start, end, stroke, zone in spec:
        for t in np.arange(start, end, 1 / fps):
            rows.append({"t_s": round(float(t), 3), "stroke": stroke, "zone": zone,
                         "contact": None if zone is None else [0.5, 0.5]})  # fmt: skip
    return rows


def stroke(start: float, end: float, kind: str, zone: str, **kw) -> dict:
    base = {"start_s": start, "end_s": end, "type": kind, "zone": zone, "confidence": 1.0,
            "direction": None, "rate_hz": None, "speed_fl_s": None, "hold_s": None}  # fmt: skip
    return base | kw


TRUTH = {
    "timeline": timeline([(0, 5, "thumb_circles", "arch"), (5, 6, None, None), (6, 10, "glide", "ball")]),
    "strokes": [
        stroke(0, 5, "thumb_circles", "arch", rate_hz=1.0),
        stroke(6, 10, "glide", "ball", speed_fl_s=0.2, direction="heel_to_toe"),
    ],
}


def test_perfect_measurement_scores_perfectly() -> None:
    s = score(TRUTH, TRUTH)
    assert s.macro_f1 == 1.0 and s.zone_accuracy == 1.0
    assert s.coverage_error_points == 0.0 and s.rate_error == 0.0 and s.speed_error == 0.0
    assert all(EvalTargets().met(s).values())


def test_wrong_type_and_zone_and_rates_are_counted() -> None:
    measured = {
        "timeline": timeline(
            [
                (0, 2.5, "thumb_circles", "arch"),
                (2.5, 5, "knead", "heel"),
                (5, 6, None, None),
                (6, 10, "glide", "ball"),
            ]
        ),
        "strokes": [
            stroke(0, 2.5, "thumb_circles", "arch", rate_hz=1.2),
            stroke(2.5, 5, "knead", "heel", rate_hz=1.0),
            stroke(6, 10, "glide", "ball", speed_fl_s=0.3, direction="heel_to_toe"),
        ],
    }
    s = score(TRUTH, measured)
    per = s.per_type()
    assert per["thumb_circles"].precision == 1.0 and per["thumb_circles"].recall == pytest.approx(0.5)
    assert per["glide"].f1 == 1.0
    assert s.macro_f1 == pytest.approx((2 / 3 + 1.0) / 2)
    assert s.zone_accuracy == pytest.approx((25 + 40) / 90)
    assert s.rate_error == pytest.approx(0.2) and s.speed_error == pytest.approx(0.5)
    # Truth: arch 5 s, ball 4 s; measured: arch 2.5 s, heel 2.5 s, ball 4 s.
    truth_share = np.array([0, 5, 0, 4, 0]) / 9
    meas_share = np.array([2.5, 2.5, 0, 4, 0]) / 9
    assert s.coverage_error_points == pytest.approx(np.mean(np.abs(truth_share - meas_share)) * 100)
    assert s.confusion[CLASSES.index("thumb_circles"), CLASSES.index("knead")] == 25
    assert not EvalTargets().met(s)["macro_f1"]


def test_nothing_measured() -> None:
    s = score(TRUTH, {"timeline": [], "strokes": []})
    assert s.macro_f1 == 0.0 and s.zone_accuracy == 0.0
    assert s.rate_error is None and s.missed_rates == 1 and s.missed_speeds == 1
    assert not any(EvalTargets().met(s).values())


def test_scores_pool_over_clips_and_serialise() -> None:
    pooled = score(TRUTH, TRUTH) + score(TRUTH, TRUTH)
    assert pooled.clips == 2 and pooled.confusion.sum() == 2 * len(TRUTH["timeline"])
    doc = pooled.to_json()
    assert doc["macro_f1"] == 1.0 and doc["per_type"]["glide"]["frames"] == 80
    assert doc["confusion"]["classes"][-1] == "none"


def test_composite_suite_needs_the_shared_photos(tmp_path: Path) -> None:
    from coach.errors import InputError
    from coach.evaluate import ensure_suite

    with pytest.raises(InputError, match="shared test photos"):
        ensure_suite("composite", tmp_path, tmp_path / "nowhere")
    assert not (tmp_path / "composite").exists()


def test_a_suite_clip_from_another_renderer_is_not_reused(tmp_path: Path) -> None:
    """Cached suite clips are scored only when their labels record what would be rendered now."""
    from coach.evaluate import cached_clip_is_current
    from coach.synth.render import Renderer, SynthConfig, render

    cfg = SynthConfig(seed=3, duration_s=0.3, size=(160, 120), fps=10.0)
    video = tmp_path / "suite_3.mp4"
    assert not cached_clip_is_current(video, Renderer(cfg))
    render(cfg, video)
    assert cached_clip_is_current(video, Renderer(cfg))
    # Another foot, other choices: the old clip and its labels are stale.
    assert not cached_clip_is_current(video, Renderer(SynthConfig(seed=4, duration_s=0.3, size=(160, 120))))
    labels = tmp_path / "suite_3.labels.json"
    labels.write_text("{not json", encoding="utf-8")
    assert not cached_clip_is_current(video, Renderer(cfg))


@pytest.mark.parametrize("view", ["top", "sole"])
def test_a_clip_is_analysed_with_the_view_its_labels_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    """A clip filmed from above is analysed as a user would: with ``--view top``."""
    import coach.analysis
    from coach.evaluate import evaluate_clip, load_labels
    from coach.synth.render import SynthConfig, render

    video = tmp_path / "clip.mp4"
    render(SynthConfig(seed=3, duration_s=0.3, size=(160, 120), fps=10.0, view=view), video)
    seen = []
    real_engine = coach.analysis.Engine

    def engine(info: object, config: object = None, **kw: object) -> object:
        seen.append(config)
        return real_engine(info, config, **kw)

    monkeypatch.setattr(coach.analysis, "Engine", engine)
    evaluate_clip(video, load_labels(tmp_path / "clip.labels.json"))
    assert [c.foot.view if c is not None else "sole" for c in seen] == [view]
