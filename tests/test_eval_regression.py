"""The coach's accuracy on the CI suite must not fall below the committed figures.

``tests/metrics_ci.json`` is written by ``coach eval --suite ci --json tests/metrics_ci.json``;
this test renders the same two clips (deterministic), measures them through the
whole pipeline (real hand tracking), and fails when any figure is more than
0.03 worse than committed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.evaluate import ensure_suite, evaluate_clip, load_labels
from coach.hands import HandTracker, HandTrackerConfig

METRICS = Path(__file__).with_name("metrics_ci.json")
TOLERANCE = 0.03


def figures(doc: dict) -> dict[str, float | None]:
    """The pinned figures, all in 0-1, with "higher is better" for every one."""
    strokes, foot = doc["strokes"], doc["foot"]

    def inv(x: float | None) -> float | None:
        return None if x is None else 1.0 - x

    return {
        "macro_f1": strokes["macro_f1"],
        "zone_accuracy": strokes["zone_accuracy"],
        "1 - coverage error": inv(strokes["coverage_error_points"] / 100.0),
        "1 - rate error": inv(strokes["rate_error"]),
        "1 - speed error": inv(strokes["speed_error"]),
        "heel and toe within 0.05 FL": foot["heel_toe_within_0_05_fl"],
        "contact zone right": foot["contact_zone_right"],
        "1 - foot taken as hand": inv(foot["foot_taken_as_working_hand"]),
    }


@pytest.mark.slow
def test_ci_suite_does_not_regress(tmp_path_factory: pytest.TempPathFactory) -> None:
    committed = figures(json.loads(METRICS.read_text())["all"])
    clips = ensure_suite("ci", tmp_path_factory.mktemp("suite"))
    with HandTracker(HandTrackerConfig()) as tracker:
        results = [
            evaluate_clip(v, load_labels(v.with_suffix(".labels.json")), tracker=tracker) for v in clips
        ]
    strokes = sum((r.strokes for r in results[1:]), results[0].strokes)
    foot = sum((r.foot for r in results[1:]), results[0].foot)
    measured = figures({"strokes": strokes.to_json(), "foot": foot.to_json()})
    worse = {
        name: (committed[name], measured[name])
        for name in committed
        if committed[name] is not None
        and (measured[name] is None or measured[name] < committed[name] - TOLERANCE)
    }
    assert not worse, f"worse than committed (committed, measured): {worse}"
