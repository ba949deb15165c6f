"""How well the project's hand tracker finds the rendered working hand: per-clip figures.

For every frame where the working hand is fully in view, the tracker's hands
are matched to the truth by palm centre; the hand is *found* when a tracked
palm centre lies within half a palm length of the true one, and its thumb tip
is then compared with the rendered thumb tip in foot lengths, and its palm
centre with the drawn one along the hand (whether the drawing's knuckles are
where the tracker, which learnt them from real hands, reads them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.hands import HandTracker, HandTrackerConfig
from coach.landmarks import HandLandmark, palm_centre
from coach.sources import open_source
from coach.synth.labels import read_labels
from coach.synth.render import labels_path

L = HandLandmark
# Thresholds of the definition of done.
THUMB_TOLERANCE_FL = 0.05
FOUND_TARGET = 0.95
THUMB_TARGET = 0.90
# How far along the hand the tracked palm centre may sit from the drawn one, in
# palm lengths (wrist to middle knuckle). On the real photos with annotated
# joints in the shared data, MediaPipe puts it 0.05-0.08 towards the wrist of
# the FreiHAND, InterHand2.6M and OneHand10K annotations (and 0.01-0.18 the
# other way of CMU Panoptic's); a drawing read further off than the closest
# of those misplaces every palm contact of its labels.
PALM_OFFSET_TOLERANCE = 0.05


@dataclass(frozen=True)
class ClipFigures:
    """Tracker-versus-truth figures of one clip.

    Attributes:
        clip: the video's file name.
        frames: frames in the clip.
        in_view: frames with the working hand fully in view.
        found: of those, frames where the tracker found it.
        thumb_ok: of those in view, frames with the thumb tip within the tolerance.
        thumb_median_fl: median thumb-tip error over found frames, FL (nan if none).
        palm_offset: median position of the tracked palm centre along the drawn
            hand, relative to the drawn palm centre, in palm lengths (negative:
            towards the wrist), over found frames (nan if none).
    """

    clip: str
    frames: int
    in_view: int
    found: int
    thumb_ok: int
    thumb_median_fl: float
    palm_offset: float = float("nan")

    @property
    def found_share(self) -> float:
        return self.found / self.in_view if self.in_view else float("nan")

    @property
    def thumb_share(self) -> float:
        return self.thumb_ok / self.in_view if self.in_view else float("nan")

    @property
    def passes(self) -> bool:
        """True when the clip meets the issue's thresholds."""
        return (
            self.in_view > 0
            and self.found_share >= FOUND_TARGET
            and self.thumb_share >= THUMB_TARGET
            and abs(self.palm_offset) <= PALM_OFFSET_TOLERANCE
        )


def check_clip(video: Path, config: HandTrackerConfig | None = None) -> ClipFigures:
    """Runs the hand tracker over a rendered clip and compares it with its labels.

    Args:
        video: a video rendered by ``coach synth`` (its labels beside it).
        config: tracker settings; the project's defaults if None.

    Raises:
        InputError: the video or its labels cannot be read.
    """
    in_view = found = thumb_ok = 0
    errors, offsets = [], []
    # The video first: a missing or damaged clip is said as such, not as missing labels.
    with open_source(video) as source, HandTracker(config or HandTrackerConfig()) as tracker:
        labels = read_labels(labels_path(Path(video)))
        frames = labels["frames"]
        for frame in source:
            if frame.index >= len(frames):
                break
            hands = tracker.detect(frame)
            truth = frames[frame.index]
            if not truth["working_in_view"]:
                continue
            in_view += 1
            xy = np.asarray(truth["working"], dtype=np.float64)
            fl = float(np.hypot(*(np.subtract(truth["toe"], truth["heel"]))))
            palm = float(np.linalg.norm(xy[L.MIDDLE_MCP] - xy[L.WRIST]))
            if len(hands) == 0:
                continue
            centre = palm_centre(xy)
            centers = hands.centers()
            d = np.linalg.norm(centers - centre, axis=1)
            best = int(np.argmin(d))
            if d[best] > 0.5 * palm:
                continue
            found += 1
            err = float(np.linalg.norm(hands.xy[best, L.THUMB_TIP] - xy[L.THUMB_TIP])) / fl
            errors.append(err)
            thumb_ok += err <= THUMB_TOLERANCE_FL
            axis = xy[L.MIDDLE_MCP] - xy[L.WRIST]
            offsets.append(float((centers[best] - centre) @ axis) / palm**2)
    median = float(np.median(errors)) if errors else float("nan")
    offset = float(np.median(offsets)) if offsets else float("nan")
    return ClipFigures(Path(video).name, len(frames), in_view, found, thumb_ok, median, offset)


def _percent(n: int, of: int) -> str:
    return f"{100 * n / of:.1f} %" if of else "-"


def figures_table(rows: list[ClipFigures]) -> str:
    """A Markdown table of per-clip figures, with a total row when there are several clips."""
    out = [
        "| clip | frames | hand fully in view | found | thumb tip within 0.05 FL | median thumb error (FL) "
        "| palm centre along the hand (palm lengths) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        median = "-" if np.isnan(r.thumb_median_fl) else f"{r.thumb_median_fl:.3f}"
        offset = "-" if np.isnan(r.palm_offset) else f"{r.palm_offset:+.3f}"
        out.append(
            f"| {r.clip} | {r.frames} | {r.in_view} | {_percent(r.found, r.in_view)} | "
            f"{_percent(r.thumb_ok, r.in_view)} | {median} | {offset} |"
        )
    if len(rows) > 1:
        in_view = sum(r.in_view for r in rows)
        found = sum(r.found for r in rows)
        thumb = sum(r.thumb_ok for r in rows)
        out.append(
            f"| all clips | {sum(r.frames for r in rows)} | {in_view} | {_percent(found, in_view)} | "
            f"{_percent(thumb, in_view)} | | |"
        )
    return "\n".join(out)
