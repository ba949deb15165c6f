"""Measures the foot stage against real photos with masks (and synthetic clips when present).

Run ``python -m coach.foot_eval [PATH_TO_SHARED_DATA]`` to print the per-photo
table that ``docs/foot.md`` quotes. The photos are test fixtures kept beside
the checkout (``../shared/data/feet``), never shipped.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from coach.foot import FootConfig, detect_foot

# Hand-marked tip of the longest toe in each masked photo, px (x, y). The masks
# are network predictions of the foot region; where the toes point is not in
# them, so it is marked here once.
PHOTO_TOE_TIPS: dict[str, tuple[float, float]] = {
    "focus_itw_000010": (230.0, 212.0),
    "focus_itw_000607": (150.0, 148.0),
    "focus_itw_000646": (320.0, 155.0),
    "focus_itw_000813": (272.0, 135.0),
    "focus_itw_000814": (185.0, 235.0),
    "focus_itw_000972": (290.0, 145.0),
}


@dataclass(frozen=True)
class PhotoResult:
    """How the foot stage did on one masked photo.

    Attributes:
        name: photo stem.
        found: a foot was found.
        iou: mask intersection over union with the given mask.
        axis_error_deg: angle between the long axes (principal axes of the two masks), 0-90.
        toe_end_right: the found toe end is the photo's toe end.
    """

    name: str
    found: bool
    iou: float
    axis_error_deg: float
    toe_end_right: bool


def principal_axis(mask: np.ndarray) -> np.ndarray:
    """(2,) unit vector of a mask's principal axis (sign arbitrary)."""
    ys, xs = np.nonzero(mask)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    _, evecs = np.linalg.eigh(np.cov((pts - pts.mean(axis=0)).T))
    return evecs[:, 1]


def axis_angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Angle between two undirected axes, 0-90 degrees."""
    c = abs(float(np.dot(a, b)) / (np.linalg.norm(a) * np.linalg.norm(b)))
    return math.degrees(math.acos(min(1.0, c)))


def load_photo(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A masked photo: (h, w, 3) uint8 BGR and its (h, w) bool mask (the mask file's alpha)."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    mask_rgba = cv2.imread(str(path.with_name(path.stem + "_mask.png")), cv2.IMREAD_UNCHANGED)
    if image is None or mask_rgba is None or mask_rgba.ndim != 3 or mask_rgba.shape[2] != 4:
        raise FileNotFoundError(f"{path}: expected the photo and an RGBA {path.stem}_mask.png beside it")
    return image, mask_rgba[..., 3] > 127


def photo_result(
    name: str, image: np.ndarray, truth: np.ndarray, toe_tip: tuple[float, float], config: FootConfig
) -> PhotoResult:
    """Segments and measures one photo and compares it with its mask and toe tip."""
    shape = detect_foot(image, config)
    if shape is None:
        return PhotoResult(name, False, 0.0, 90.0, False)
    mask = shape.mask
    iou = float((mask & truth).sum() / max((mask | truth).sum(), 1))
    err = axis_angle_deg(principal_axis(mask), principal_axis(truth))
    ys, xs = np.nonzero(truth)
    centre = np.array([xs.mean(), ys.mean()])
    right = float(np.dot(shape.toe - shape.heel, np.asarray(toe_tip) - centre)) > 0
    return PhotoResult(name, True, iou, err, right)


def evaluate_photos(feet_dir: Path, config: FootConfig | None = None) -> list[PhotoResult]:
    """Runs :func:`photo_result` on every masked photo listed in :data:`PHOTO_TOE_TIPS`."""
    cfg = config or FootConfig(view="top")
    out = []
    for name, tip in PHOTO_TOE_TIPS.items():
        image, truth = load_photo(feet_dir / f"{name}.png")
        out.append(photo_result(name, image, truth, tip, cfg))
    return out


def format_photo_table(results: list[PhotoResult]) -> str:
    """A Markdown table of per-photo results."""
    lines = ["| photo | found | mask IoU | axis error (deg) | toe end |", "|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r.name} | {'yes' if r.found else 'no'} | {r.iou:.3f} | {r.axis_error_deg:.1f} | "
            f"{'right' if r.toe_end_right else 'WRONG'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parents[1].parent / "shared" / "data",
        help="the shared test data folder (default: ../shared/data beside the checkout)",
    )
    args = parser.parse_args(argv)
    feet = args.data / "feet"
    if not feet.is_dir():
        print(f"{feet}: no such folder; pass the shared data folder", file=sys.stderr)
        return 2
    print(format_photo_table(evaluate_photos(feet)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
