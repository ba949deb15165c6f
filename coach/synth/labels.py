"""Ground truth of a rendered session: the ``<name>.labels.json`` written beside each video.

``strokes`` and ``timeline`` use exactly the keys of ``session.json`` (see
``docs/coaching.md``), so one scorer reads both; ``frames`` adds what was drawn
where in every frame, and ``meta`` how the session was made.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from coach.errors import InputError
from coach.vocabulary import CYCLIC_TYPES, zone_of

if TYPE_CHECKING:
    from coach.synth.choreography import Track
    from coach.synth.render import SynthConfig

LABELS_SCHEMA = "footcoach.synth-labels/1"
STROKE_KEYS: tuple[str, ...] = (
    "start_s",
    "end_s",
    "type",
    "zone",
    "confidence",
    "direction",
    "rate_hz",
    "speed_fl_s",
    "hold_s",
)
TIMELINE_KEYS: tuple[str, ...] = ("t_s", "stroke", "zone", "contact")
FRAME_KEYS: tuple[str, ...] = (
    "index",
    "t_s",
    "working",
    "working_in_view",
    "holding",
    "heel",
    "toe",
    "outline",
    "medial_dir",
)
CONTACT_DEFINITION = {
    "glide": "palm centre: mean of wrist, index, middle, ring and pinky knuckles (MCP)",
    "knead": "palm centre: mean of wrist, index, middle, ring and pinky knuckles (MCP)",
    "thumb_circles": "thumb tip",
    "press": "thumb tip",
    "toe_work": "thumb tip",
    "between strokes": "blends linearly from the last stroke's point to the next one's",
    "off the foot": "null",
}


@dataclass(frozen=True)
class FrameTruth:
    """What was drawn where in one frame.

    Attributes:
        index: frame number.
        t_s: time in seconds.
        working: (21, 2) working hand landmarks in pixels (may lie outside the frame).
        working_in_view: all 21 working landmarks inside the frame and none covered.
        holding: (21, 2) holding hand landmarks in pixels, or None without one.
        heel: (2,) back of the heel, pixels.
        toe: (2,) tip of the longest toe, pixels.
        outline: (k, 2) foot outline, pixels.
        medial_dir: (2,) unit vector in the picture from the foot's axis towards its medial edge.
        stroke: stroke type under way, or None.
        stroke_index: index of the planned stroke under way, -1 for none.
        contact: (2,) the contact point in foot coordinates (u, v), or None off the foot.
    """

    index: int
    t_s: float
    working: np.ndarray
    working_in_view: bool
    holding: np.ndarray | None
    heel: np.ndarray
    toe: np.ndarray
    outline: np.ndarray
    medial_dir: np.ndarray
    stroke: str | None
    stroke_index: int
    contact: np.ndarray | None

    def __post_init__(self) -> None:
        if self.working.shape != (21, 2):
            raise ValueError(f"FrameTruth.working must be (21, 2), got {self.working.shape}")
        if self.holding is not None and self.holding.shape != (21, 2):
            raise ValueError("FrameTruth.holding must be (21, 2) or None")


def _r(a: np.ndarray, nd: int = 1) -> list[Any]:
    return np.round(np.asarray(a, dtype=np.float64), nd).tolist()


@dataclass(frozen=True)
class SessionLabels:
    """The whole truth of one session, JSON-ready.

    Attributes:
        data: the dict written to ``<name>.labels.json``.
    """

    data: dict[str, Any]

    @classmethod
    def build(
        cls, source: str, cfg: SynthConfig, meta: dict[str, Any], track: Track, truths: list[FrameTruth]
    ) -> SessionLabels:
        """Assembles labels from the rendered frames.

        Args:
            source: the video's file name.
            cfg: the render settings.
            meta: the renderer's choices.
            track: the planned track (for each stroke's planned pace).
            truths: one per frame, in order.
        """
        fps = cfg.fps
        w, h = cfg.size
        timeline = []
        for f in truths:
            contact = None if f.contact is None else [round(float(c), 4) for c in f.contact]
            timeline.append(
                {
                    "t_s": round(f.t_s, 4),
                    "stroke": f.stroke,
                    "zone": None if f.contact is None else zone_of(*f.contact),
                    "contact": contact,
                }
            )
        strokes = []
        i = 0
        while i < len(truths):
            k = truths[i].stroke_index
            if k < 0:
                i += 1
                continue
            j = i
            while j + 1 < len(truths) and truths[j + 1].stroke_index == k:
                j += 1
            plan = track.strokes[k]
            zones = Counter(timeline[n]["zone"] for n in range(i, j + 1) if timeline[n]["zone"] is not None)
            start, end = truths[i].t_s, truths[j].t_s + 1.0 / fps
            strokes.append(
                {
                    "start_s": round(start, 4),
                    "end_s": round(end, 4),
                    "type": plan.type,
                    "zone": zones.most_common(1)[0][0] if zones else plan.zone,
                    "confidence": 1.0,
                    "direction": plan.direction,
                    "rate_hz": plan.rate_hz if plan.type in CYCLIC_TYPES else None,
                    "speed_fl_s": plan.speed_fl_s if plan.type == "glide" else None,
                    "hold_s": round(end - start, 4) if plan.type == "press" else None,
                }
            )
            i = j + 1
        frames = [
            {
                "index": f.index,
                "t_s": round(f.t_s, 4),
                "working": _r(f.working),
                "working_in_view": bool(f.working_in_view),
                "holding": None if f.holding is None else _r(f.holding),
                "heel": _r(f.heel, 2),
                "toe": _r(f.toe, 2),
                "outline": _r(f.outline),
                "medial_dir": _r(f.medial_dir, 4),
            }
            for f in truths
        ]
        data = {
            "schema": LABELS_SCHEMA,
            "video": {
                "fps": fps,
                "frame_count": len(truths),
                "duration_s": round(len(truths) / fps, 4),
                "width": w,
                "height": h,
                "source": source,
            },
            "meta": {**meta, "contact_definition": CONTACT_DEFINITION},
            "strokes": strokes,
            "timeline": timeline,
            "frames": frames,
        }
        return cls(data)


def write_labels(path: Path, labels: SessionLabels) -> None:
    """Writes labels as compact JSON, atomically (a temporary file renamed into place).

    Raises:
        InputError: the file cannot be written.
    """
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_text(json.dumps(labels.data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write the labels ({exc.strerror})") from exc


def read_labels(path: Path) -> dict[str, Any]:
    """Reads a labels file.

    Raises:
        InputError: missing, unreadable, or not a labels file.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such labels file; render the clip with `coach synth`") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read as labels JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("schema") != LABELS_SCHEMA:
        raise InputError(f"{path}: not a synthetic-session labels file (expected schema {LABELS_SCHEMA})")
    return data
