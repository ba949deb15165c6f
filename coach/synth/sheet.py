"""Frame sheets: a grid of frames from a rendered video, captioned with the truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from coach.overlay import text_scale
from coach.sinks import write_image
from coach.sources import open_source


def frame_sheet(
    video: Path, labels: dict[str, Any], cols: int = 4, rows: int = 3, tile_width: int = 320
) -> np.ndarray:
    """Picks ``cols * rows`` frames evenly through a video and lays them out in a grid.

    Each tile is captioned with its time, the stroke under way and its zone.

    Args:
        video: the rendered video.
        labels: its labels (for the captions).
        cols: tiles per row.
        rows: rows of tiles.
        tile_width: width of one tile in pixels (height follows the video's aspect).

    Returns:
        (rows * tile_h, cols * tile_width, 3) uint8 BGR.
    """
    if cols < 1 or rows < 1 or tile_width < 32:
        raise ValueError("frame_sheet needs at least one row and column, tiles at least 32 px wide")
    n = int(labels["video"]["frame_count"])
    wanted = {round(x) for x in np.linspace(0, n - 1, cols * rows + 2)[1:-1]}
    tiles = []
    with open_source(video) as frames:
        for frame in frames:
            if frame.index in wanted:
                tiles.append((frame.index, frame.image))
            if len(tiles) == len(wanted):
                break
    w, h = labels["video"]["width"], labels["video"]["height"]
    th = round(tile_width * h / w)
    sheet = np.zeros((rows * th, cols * tile_width, 3), np.uint8)
    scale = text_scale((tile_width, th))
    for k, (index, image) in enumerate(tiles):
        tile = cv2.resize(image, (tile_width, th), interpolation=cv2.INTER_AREA)
        row = labels["timeline"][index]
        caption = f"{row['t_s']:.1f} s  {row['stroke'] or '-'}  {row['zone'] or ''}".strip()
        band = max(12, round(th * 0.09))
        tile[th - band :] = (tile[th - band :] * 0.35).astype(np.uint8)
        org = (6, th - band // 4 - 1)
        cv2.putText(tile, caption, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA)
        r, c = divmod(k, cols)
        sheet[r * th : (r + 1) * th, c * tile_width : (c + 1) * tile_width] = tile
    return sheet


def write_frame_sheet(video: Path, labels: dict[str, Any], out: Path, **kwargs: Any) -> None:
    """Writes :func:`frame_sheet` of ``video`` to ``out`` (a PNG), atomically."""
    write_image(out, frame_sheet(video, labels, **kwargs))
