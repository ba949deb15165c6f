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
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from coach.landmarks import palm_centre
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


# --- running the coach over labelled clips ---------------------------------------------------


@dataclass(frozen=True)
class FootScores:
    """How well the foot stage did against a clip's truth.

    Attributes:
        frames: frames with a foot in the truth.
        found: frames where the coach found the foot.
        ends_within: frames where heel and toe are both within ``END_TOLERANCE_FL`` of the truth.
        zone_frames: frames with a true stroke (the truth's contact point on the foot).
        zone_hits: of those, frames where the true contact point, mapped by the
            coach's foot, falls in the true zone.
        hand_frames: frames where the coach reports a working hand.
        foot_as_hand: of those, frames where that "hand" is neither of the true hands.
    """

    frames: int = 0
    found: int = 0
    ends_within: int = 0
    zone_frames: int = 0
    zone_hits: int = 0
    hand_frames: int = 0
    foot_as_hand: int = 0

    def __add__(self, other: FootScores) -> FootScores:
        return FootScores(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def to_json(self) -> dict[str, Any]:
        def share(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "frames": self.frames,
            "found": share(self.found, self.frames),
            "heel_toe_within_0_05_fl": share(self.ends_within, self.frames),
            "contact_zone_right": share(self.zone_hits, self.zone_frames),
            "foot_taken_as_working_hand": share(self.foot_as_hand, self.hand_frames),
        }


END_TOLERANCE_FL = 0.05
# A reported hand more than this far (palm centres, in foot lengths) from both true hands is not a hand.
NOT_A_HAND_FL = 0.25


def _contact_px(kind: str, working: np.ndarray) -> np.ndarray:
    """(1, 2) the pixel of the point a stroke of type ``kind`` is done with, on a (21, 2) hand."""
    from coach.contact import POINTS, points_px
    from coach.strokes import PRIMARY_POINT

    return points_px(working)[:, POINTS.index(PRIMARY_POINT[kind])]


def foot_frame_score(truth: Mapping[str, Any], true_row: Mapping[str, Any], result: Any) -> FootScores:
    """Scores one frame of the foot stage (``result`` is the engine's FrameResult)."""
    from coach.vocabulary import zone_of

    if truth.get("heel") is None:
        return FootScores()
    heel, toe = np.asarray(truth["heel"], float), np.asarray(truth["toe"], float)
    fl = float(np.linalg.norm(toe - heel))
    foot = result.foot
    found = bool(foot.found)
    ends = (
        found
        and max(float(np.linalg.norm(foot.heel - heel)), float(np.linalg.norm(foot.toe - toe)))
        <= END_TOLERANCE_FL * fl
    )
    zone_frames = zone_hits = 0
    kind = true_row.get("stroke")
    if kind and true_row.get("zone") and truth.get("working") is not None:
        zone_frames = 1
        if found:
            u, v = foot.to_uv(_contact_px(kind, np.asarray(truth["working"], float)))[0]
            zone_hits = int(bool(np.isfinite(u)) and zone_of(float(u), float(v)) == true_row["zone"])
    hand_frames = foot_as_hand = 0
    if result.contact.present:
        hand_frames = 1
        ids = list(result.hands.ids)
        if result.contact.hand_id in ids:
            xy = result.hands.xy[ids.index(result.contact.hand_id)]
            centre = palm_centre(xy)
            true_hands = [
                np.asarray(truth[k], float) for k in ("working", "holding") if truth.get(k) is not None
            ]
            far = all(np.linalg.norm(centre - palm_centre(h)) > NOT_A_HAND_FL * fl for h in true_hands)
            foot_as_hand = int(far)
    return FootScores(1, int(found), int(ends), zone_frames, zone_hits, hand_frames, foot_as_hand)


@dataclass(frozen=True)
class ClipResult:
    """One clip's scores."""

    name: str
    strokes: Scores
    foot: FootScores
    seconds: float


class TrueFoot:
    """A foot "tracker" that reads the foot from a clip's labels, frame by frame.

    With it, ``coach eval --true-foot`` measures the hands, contact and stroke
    stages alone: what the coach would score with a perfect foot finder.
    """

    def __init__(self, frames: Sequence[Mapping[str, Any]], view: str = "sole") -> None:
        self._frames = frames
        self._view = view

    def update(self, frame: Any, hands: Any = None) -> Any:
        from coach.foot import Foot

        truth = self._frames[frame.index] if frame.index < len(self._frames) else None
        if truth is None or truth.get("heel") is None:
            return Foot.empty(frame.size, frame.t_ms)
        heel, toe = np.asarray(truth["heel"], float), np.asarray(truth["toe"], float)
        axis = (toe - heel) / np.linalg.norm(toe - heel)
        clockwise = np.array([-axis[1], axis[0]])
        lateral = -np.asarray(truth["medial_dir"], float)
        sign = 1 if float(lateral @ clockwise) > 0 else -1
        return Foot.build(
            np.asarray(truth["outline"], float), heel, toe, sign, frame.size, t_ms=frame.t_ms, view=self._view
        )


def clip_view(labels: Mapping[str, Any]) -> str:
    """The side of the foot a clip shows ("sole" or "top"), from its labels' ``meta``; "sole" if unsaid."""
    meta = labels.get("meta")
    foot = meta.get("foot") if isinstance(meta, Mapping) else None
    view = foot.get("view") if isinstance(foot, Mapping) else None
    return view if isinstance(view, str) else "sole"


def clip_config(labels: Mapping[str, Any], config: Any = None) -> Any:
    """The settings a user would give the coach for a clip: ``config`` with the clip's view.

    Someone filming the foot from above runs ``coach analyze --view top``; a
    clip is measured the same way, with the view its labels record.

    Args:
        labels: the clip's ground truth.
        config: an :class:`~coach.analysis.AnalysisConfig`, or None for the defaults.
    """
    from coach.analysis import AnalysisConfig

    config = config or AnalysisConfig()
    view = clip_view(labels)
    if config.foot.view == view:
        return config
    return replace(config, foot=replace(config.foot, view=view))


def evaluate_clip(
    video: Path, labels: Mapping[str, Any], config: Any = None, tracker: Any = None, true_foot: bool = False
) -> ClipResult:
    """Runs the whole coach (real hand tracking on the video's frames) and scores it.

    Args:
        video: the clip.
        labels: its ground truth (``<clip>.labels.json``).
        config: an :class:`~coach.analysis.AnalysisConfig`, or None for the defaults;
            the foot's view is taken from the labels (see :func:`clip_config`).
        tracker: a hand tracker to reuse (it is reset), or None.
        true_foot: take the foot from the labels instead of finding it (see :class:`TrueFoot`).
    """
    import time

    from coach.analysis import Engine
    from coach.sources import open_source

    started = time.perf_counter()
    frames = labels.get("frames", [])
    rows = labels["timeline"]
    foot = FootScores()
    with open_source(video) as source:
        if tracker is not None:
            tracker.reset()
        config = clip_config(labels, config)
        foot_tracker = TrueFoot(frames, config.foot.view) if true_foot else None
        with Engine(source.info, config, tracker=tracker, foot_tracker=foot_tracker) as engine:
            for frame in source:
                result = engine.update(frame)
                i = frame.index
                if i < len(frames) and i < len(rows):
                    foot = foot + foot_frame_score(frames[i], rows[i], result)
            session = engine.summary(hindsight=True, created_at="1970-01-01T00:00:00+00:00")
    measured = session.to_dict()
    return ClipResult(video.name, score(labels, measured), foot, time.perf_counter() - started)


def find_clips(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    """(video, labels) pairs: each path is a video with labels beside it, or a folder of them.

    Raises:
        InputError: a path is missing, or a video has no labels.
    """
    from coach.errors import InputError

    out = []
    for path in paths:
        if path.is_dir():
            videos = sorted(p for p in path.iterdir() if p.suffix.lower() in (".mp4", ".avi", ".mov", ".mkv"))
            out.extend(
                (v, v.with_suffix(".labels.json")) for v in videos if v.with_suffix(".labels.json").is_file()
            )
        elif path.is_file():
            labels = path.with_suffix(".labels.json")
            if not labels.is_file():
                raise InputError(f"{path}: no ground truth beside it ({labels.name} is missing)")
            out.append((path, labels))
        else:
            raise InputError(f"{path}: no such file or folder")
    if not out:
        raise InputError("no labelled clips found (a clip needs <name>.labels.json beside it)")
    return out


def load_labels(path: Path) -> dict[str, Any]:
    """Reads a clip's ground truth, with a one-line error for a bad file."""
    import json

    from coach.errors import InputError

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read the labels ({exc})") from None
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("timeline"), list)
        or not isinstance(doc.get("strokes"), list)
    ):
        raise InputError(f"{path}: labels need 'strokes' and 'timeline' lists")
    return doc


def format_report(results: Sequence[ClipResult], pooled: Scores, foot: FootScores) -> str:
    """The terminal table: one row per clip, then the pooled figures and the confusion matrix."""
    lines = [
        "| clip | macro F1 | zone acc. | coverage err (pts) | rate err | speed err | heel/toe ok | "
        "contact zone ok | foot as hand | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.1f} %"

    def row(name: str, s: Scores, f: FootScores, secs: str) -> str:
        fj = f.to_json()
        return (
            f"| {name} | {s.macro_f1:.3f} | {s.zone_accuracy:.3f} | {s.coverage_error_points:.1f} | "
            f"{pct(s.rate_error)} | {pct(s.speed_error)} | {pct(fj['heel_toe_within_0_05_fl'])} | "
            f"{pct(fj['contact_zone_right'])} | {pct(fj['foot_taken_as_working_hand'])} | {secs} |"
        )

    for r in results:
        lines.append(row(r.name, r.strokes, r.foot, f"{r.seconds:.0f}"))
    lines.append(row(f"**all {pooled.clips}**", pooled, foot, f"{sum(r.seconds for r in results):.0f}"))
    lines.append("")
    lines.append("| truth \\ measured | " + " | ".join(CLASSES) + " |")
    lines.append("|---|" + "---:|" * len(CLASSES))
    for k, name in enumerate(CLASSES):
        lines.append(f"| {name} | " + " | ".join(str(int(x)) for x in pooled.confusion[k]) + " |")
    lines.append("")
    lines.append("| type | precision | recall | F1 | frames |")
    lines.append("|---|---:|---:|---:|---:|")
    for name, ts in pooled.per_type().items():
        lines.append(f"| {name} | {ts.precision:.3f} | {ts.recall:.3f} | {ts.f1:.3f} | {ts.support} |")
    return "\n".join(lines)


# --- the synthetic evaluation suite ------------------------------------------------------------

# Seeds the stroke rules were never tuned on (development used other seeds).
SUITES: dict[str, tuple[tuple[int, ...], float | None]] = {
    # name: (seeds, clip length in seconds or None for the whole choreography)
    "full": ((1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008), None),
    # Small enough for every CI run; its figures are pinned in tests/metrics_ci.json.
    "ci": ((2001, 2002), 12.0),
    # The choreographies drawn with real photos of hands and a foot (the shared
    # test data, see coach.synth.composite); reported, no target yet.
    "composite": ((3101, 3102, 3103), 12.0),
}
_QUALITIES = ("webcam", "poor", "clean", "webcam")


def suite_config(seed: int, duration_s: float | None = None) -> Any:
    """The render settings of one suite clip, all drawn from its seed.

    Random choreographies; sole view for three clips in four (the primary
    set-up) and top view for the fourth; left and right feet; back and palm of
    the working hand; clean, webcam and poor image quality.
    """
    from coach.synth.render import SynthConfig

    rng = np.random.default_rng(seed)
    return SynthConfig(
        choreography="random",
        seed=seed,
        duration_s=duration_s,
        view="top" if seed % 4 == 0 else "sole",
        side="left" if rng.random() < 0.5 else "right",
        palm_view=bool(rng.random() < 0.3),
        quality=_QUALITIES[seed % len(_QUALITIES)],
    )


def ensure_suite(name: str, cache: Path, photos: Path | None = None) -> list[Path]:
    """Renders a suite's clips into ``cache/name`` (those not there yet) and returns their paths.

    Args:
        name: a key of :data:`SUITES`.
        cache: the folder the suites are kept in.
        photos: the shared test data (``hands/`` and ``feet/``), for the composite suite.

    Raises:
        InputError: an unknown suite name, a cache folder that cannot be made,
            or the composite suite without its photos.
    """
    from coach.errors import InputError
    from coach.synth.composite import composite_renderer
    from coach.synth.render import Renderer, render

    if name not in SUITES:
        raise InputError(f"unknown suite {name!r}; choose one of {', '.join(SUITES)}")
    if name == "composite" and (photos is None or not photos.is_dir()):
        raise InputError(f"{photos}: no such folder; the composite suite needs the shared test photos")
    seeds, duration = SUITES[name]
    folder = cache / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the suite folder ({exc.strerror})") from None
    out = []
    for seed in seeds:
        video = folder / f"suite_{seed}.mp4"
        cfg = suite_config(seed, duration)
        renderer = composite_renderer(cfg, photos) if name == "composite" and photos else Renderer(cfg)
        if not cached_clip_is_current(video, renderer):
            render(cfg, video, renderer)
        out.append(video)
    return out


def cached_clip_is_current(video: Path, renderer: Any) -> bool:
    """Whether a rendered suite clip is there and its labels record what ``renderer`` draws now.

    A cache from an older renderer (another foot, other photos, other choices
    drawn from the seed) would be scored against stale labels without this.
    """
    import json

    from coach.synth.labels import CONTACT_DEFINITION
    from coach.synth.render import labels_path

    labels = labels_path(video)
    if not (video.is_file() and labels.is_file()):
        return False
    try:
        meta = json.loads(labels.read_text(encoding="utf-8")).get("meta")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return False
    now = json.loads(json.dumps({**renderer.meta(), "contact_definition": CONTACT_DEFINITION}))
    return meta == now
