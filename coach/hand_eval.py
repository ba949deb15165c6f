"""Accuracy of the hand tracker on labelled photos.

Run ``python -m coach.hand_eval DIR`` on a folder of ``NAME.jpg`` photos with
``NAME.kpts.json`` keypoints (``{"hands": [{"keypoints_xyv": [[x, y, v] x 21]}]}``,
MediaPipe order, ``v = 0`` for unlabelled points) to print a table.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.hands import Hands, HandTracker, HandTrackerConfig
from coach.models import HAND_MODELS
from coach.sources import open_source

# A detection is "on" a labelled hand when its mean error is under half the hand's size.
MATCH_ERROR = 0.5


@dataclass(frozen=True)
class PhotoResult:
    """One photo's outcome.

    Attributes:
        name: the photo's file name.
        detected: how many hands the tracker reported.
        error: mean landmark error of the best-matching detection, in hand sizes;
            None when no detection lies on a labelled hand.
    """

    name: str
    detected: int
    error: float | None


def gt_hand_size(hand: dict) -> float:
    """Diagonal of the labelled hand's box: ``bbox_xywh`` or its keypoints' box, whichever is larger.

    The box of the visible keypoints alone would shrink a half-hidden hand.
    """
    kp = np.array(hand["keypoints_xyv"], float)
    seen = kp[kp[:, 2] > 0, :2]
    diag = float(np.linalg.norm(seen.max(0) - seen.min(0)))
    if "bbox_xywh" in hand:
        diag = max(diag, float(np.hypot(*hand["bbox_xywh"][2:])))
    return diag


def photo_error(hands: Hands, gt: list[dict]) -> float | None:
    """Best mean landmark error (in hand sizes) of any detection against any labelled hand."""
    best = None
    for hand in gt:
        kp = np.array(hand["keypoints_xyv"], float)
        seen = kp[:, 2] > 0
        size = gt_hand_size(hand)
        for xy in hands.xy:
            err = float(np.linalg.norm(xy[seen] - kp[seen, :2], axis=1).mean()) / size
            best = err if best is None else min(best, err)
    return best if best is not None and best < MATCH_ERROR else None


def evaluate_photos(folder: Path, config: HandTrackerConfig | None = None) -> list[PhotoResult]:
    """Runs the tracker (IMAGE mode) on every labelled photo in ``folder``."""
    config = config or HandTrackerConfig(video=False)
    results = []
    with HandTracker(config) as tracker:
        for kpts in sorted(folder.glob("*.kpts.json")):
            gt = json.loads(kpts.read_text(encoding="utf-8"))["hands"]
            photo = kpts.with_name(kpts.name.removesuffix(".kpts.json") + ".jpg")
            with open_source(photo) as source:
                hands = tracker.detect(next(iter(source)))
            results.append(PhotoResult(photo.name, len(hands), photo_error(hands, gt)))
    return results


def format_table(results: list[PhotoResult]) -> str:
    lines = ["| photo | hands reported | mean error (hand sizes) |", "|---|---|---|"]
    for r in results:
        lines.append(f"| {r.name} | {r.detected} | {'not found' if r.error is None else f'{r.error:.3f}'} |")
    found = [r.error for r in results if r.error is not None]
    mean = f"{np.mean(found):.3f}" if found else "-"
    lines.append(f"| **found {len(found)} of {len(results)}** | | **mean {mean}** |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    model = "full"
    if "--hand-model" in args:
        at = args.index("--hand-model")
        model = args[at + 1] if at + 1 < len(args) else ""
        del args[at : at + 2]
    if len(args) != 1 or not Path(args[0]).is_dir() or model not in HAND_MODELS:
        print(
            "usage: python -m coach.hand_eval FOLDER_OF_LABELLED_PHOTOS [--hand-model full|lite]",
            file=sys.stderr,
        )
        return 2
    print(format_table(evaluate_photos(Path(args[0]), HandTrackerConfig(model=model, video=False))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
