"""Scoring an analysis against ground truth (``coach eval``).

Both sides use the session file's ``strokes`` and ``timeline`` keys, so the
same scorer reads a synthetic clip's labels and the coach's output. Scores:

- per stroke type precision, recall and F1, frame by frame over the truth's
  timeline, with a confusion matrix (``none`` = no stroke);
- zone accuracy: over the frames where a stroke is truly going on, the share
  where the coach names the right zone (a frame it gives no zone counts as wrong);
- coverage share error: per zone, the difference between the true and the
  measured share of stroke time, in percentage points, averaged over zones;
- rate and glide-speed errors: each true stroke is matched with the measured
  stroke of the same type that overlaps it most; relative error of the rate
  (cyclic strokes) or speed (glides).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coach.vocabulary import CYCLIC_TYPES, STROKE_TYPES, ZONES

CLASSES: tuple[str, ...] = (*STROKE_TYPES, "none")


@dataclass(frozen=True)
class TypeScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Scores:
    """What one clip (or a pooled set of clips) scored.

    Attributes:
        confusion: (6, 6) int frame counts, rows truth, columns measured, in :data:`CLASSES` order.
        zone_hits, zone_total: frames with the right zone, and frames with a true stroke and zone.
        coverage_truth, coverage_measured: (5,) seconds of stroke time per zone, :data:`ZONES` order.
        rate_errors: relative errors of matched cyclic strokes' rates.
        speed_errors: relative errors of matched glides' speeds.
        missed_rates: true cyclic strokes with no measured rate to compare.
        missed_speeds: true glides with no matched measured glide.
    """

    confusion: np.ndarray
    zone_hits: int
    zone_total: int
    coverage_truth: np.ndarray
    coverage_measured: np.ndarray
    rate_errors: tuple[float, ...] = ()
    speed_errors: tuple[float, ...] = ()
    missed_rates: int = 0
    missed_speeds: int = 0
    clips: int = 1

    def per_type(self) -> dict[str, TypeScore]:
        out = {}
        for k, name in enumerate(STROKE_TYPES):
            tp = int(self.confusion[k, k])
            fp = int(self.confusion[:, k].sum()) - tp
            fn = int(self.confusion[k, :].sum()) - tp
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            out[name] = TypeScore(p, r, f1, tp + fn)
        return out

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the stroke types present in the truth."""
        scores = [s.f1 for s in self.per_type().values() if s.support > 0]
        return float(np.mean(scores)) if scores else 0.0

    @property
    def zone_accuracy(self) -> float:
        return self.zone_hits / self.zone_total if self.zone_total else 0.0

    @property
    def coverage_error_points(self) -> float:
        """Mean absolute difference of zone shares, in percentage points."""
        return float(np.mean(np.abs(_shares(self.coverage_truth) - _shares(self.coverage_measured))) * 100)

    @property
    def rate_error(self) -> float | None:
        """Median relative rate error of matched cyclic strokes."""
        return float(np.median(self.rate_errors)) if self.rate_errors else None

    @property
    def speed_error(self) -> float | None:
        """Median relative speed error of matched glides."""
        return float(np.median(self.speed_errors)) if self.speed_errors else None

    def __add__(self, other: Scores) -> Scores:
        return Scores(
            self.confusion + other.confusion,
            self.zone_hits + other.zone_hits,
            self.zone_total + other.zone_total,
            self.coverage_truth + other.coverage_truth,
            self.coverage_measured + other.coverage_measured,
            self.rate_errors + other.rate_errors,
            self.speed_errors + other.speed_errors,
            self.missed_rates + other.missed_rates,
            self.missed_speeds + other.missed_speeds,
            self.clips + other.clips,
        )

    def to_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "clips": self.clips,
            "macro_f1": r(self.macro_f1),
            "per_type": {
                k: {"precision": r(s.precision), "recall": r(s.recall), "f1": r(s.f1), "frames": s.support}
                for k, s in self.per_type().items()
            },
            "confusion": {"classes": list(CLASSES), "rows_truth_columns_measured": self.confusion.tolist()},
            "zone_accuracy": r(self.zone_accuracy),
            "coverage_error_points": r(self.coverage_error_points),
            "coverage_share": {
                "truth": _zone_dict(_shares(self.coverage_truth)),
                "measured": _zone_dict(_shares(self.coverage_measured)),
            },
            "rate_error": r(self.rate_error),
            "rate_matched": len(self.rate_errors),
            "rate_missed": self.missed_rates,
            "speed_error": r(self.speed_error),
            "speed_matched": len(self.speed_errors),
            "speed_missed": self.missed_speeds,
        }


def _zone_dict(values: np.ndarray) -> dict[str, float]:
    return {z: round(float(x), 4) for z, x in zip(ZONES, values, strict=True)}


def _shares(seconds: np.ndarray) -> np.ndarray:
    total = float(seconds.sum())
    return seconds / total if total > 0 else np.zeros_like(seconds, dtype=float)


@dataclass(frozen=True)
class _Timeline:
    t: np.ndarray
    stroke: np.ndarray  # class index into CLASSES
    zone: np.ndarray  # index into ZONES, -1 none

    @classmethod
    def parse(cls, rows: Sequence[Mapping[str, Any]]) -> _Timeline:
        t = np.array([float(r["t_s"]) for r in rows])
        none = CLASSES.index("none")
        stroke = np.array([CLASSES.index(r["stroke"]) if r.get("stroke") else none for r in rows])
        zone = np.array([ZONES.index(r["zone"]) if r.get("zone") else -1 for r in rows])
        return cls(t, stroke.astype(int), zone.astype(int))

    def at(self, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The samples nearest each of ``times`` (a timeline sampled at another rate)."""
        if len(self.t) == 0:
            n = len(times)
            return np.full(n, len(STROKE_TYPES)), np.full(n, -1)
        idx = np.clip(np.searchsorted(self.t, times), 1, len(self.t) - 1)
        left = self.t[idx - 1]
        nearest = np.where(np.abs(times - left) <= np.abs(self.t[idx] - times), idx - 1, idx)
        return self.stroke[nearest], self.zone[nearest]

    def zone_seconds(self) -> np.ndarray:
        """Stroke time per zone: each sample counts until the next one."""
        out = np.zeros(len(ZONES))
        if len(self.t) < 2:
            return out
        dt = np.diff(self.t, append=self.t[-1] + np.median(np.diff(self.t)))
        active = (self.stroke < len(STROKE_TYPES)) & (self.zone >= 0)
        np.add.at(out, self.zone[active], dt[active])
        return out


def _match(truth: Mapping[str, Any], measured: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    best, best_overlap = None, 0.0
    for m in measured:
        if m["type"] != truth["type"]:
            continue
        overlap = min(truth["end_s"], m["end_s"]) - max(truth["start_s"], m["start_s"])
        if overlap > best_overlap:
            best, best_overlap = m, overlap
    return best


def score(truth: Mapping[str, Any], measured: Mapping[str, Any]) -> Scores:
    """Scores one clip.

    Args:
        truth: the labels (``strokes`` and ``timeline`` as in a session file).
        measured: the coach's session (same keys).
    """
    true_tl = _Timeline.parse(truth["timeline"])
    meas_tl = _Timeline.parse(measured["timeline"])
    meas_stroke, meas_zone = meas_tl.at(true_tl.t)
    confusion = np.zeros((len(CLASSES), len(CLASSES)), int)
    np.add.at(confusion, (true_tl.stroke, meas_stroke), 1)
    truly = (true_tl.stroke < len(STROKE_TYPES)) & (true_tl.zone >= 0)
    zone_hits = int(((meas_zone == true_tl.zone) & truly).sum())
    rate_errors, speed_errors = [], []
    missed_rates = missed_speeds = 0
    for s in truth["strokes"]:
        m = _match(s, measured["strokes"])
        if s["type"] in CYCLIC_TYPES and s.get("rate_hz"):
            if m is None or not m.get("rate_hz"):
                missed_rates += 1
            else:
                rate_errors.append(abs(m["rate_hz"] - s["rate_hz"]) / s["rate_hz"])
        elif s["type"] == "glide" and s.get("speed_fl_s"):
            if m is None or not m.get("speed_fl_s"):
                missed_speeds += 1
            else:
                speed_errors.append(abs(m["speed_fl_s"] - s["speed_fl_s"]) / s["speed_fl_s"])
    return Scores(
        confusion,
        zone_hits,
        int(truly.sum()),
        true_tl.zone_seconds(),
        meas_tl.zone_seconds(),
        tuple(rate_errors),
        tuple(speed_errors),
        missed_rates,
        missed_speeds,
    )


@dataclass(frozen=True)
class EvalTargets:
    """The accuracy the stroke engine is held to (issue targets, on synthetic clips)."""

    macro_f1: float = 0.90
    zone_accuracy: float = 0.90
    coverage_error_points: float = 5.0
    rate_error: float = 0.10
    speed_error: float = 0.15

    def met(self, scores: Scores) -> dict[str, bool]:
        def ok_low(x: float | None, limit: float) -> bool:
            return x is not None and x <= limit

        return {
            "macro_f1": scores.macro_f1 >= self.macro_f1,
            "zone_accuracy": scores.zone_accuracy >= self.zone_accuracy,
            "coverage_error_points": scores.coverage_error_points <= self.coverage_error_points,
            "rate_error": ok_low(scores.rate_error, self.rate_error),
            "speed_error": ok_low(scores.speed_error, self.speed_error),
        }
