"""``coach hands``: run the hand tracker alone on an image or a video (a debugging aid)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from coach.hands import HandTracker, HandTrackerConfig
from coach.overlay import HandAnnotator
from coach.sinks import VideoSink, write_image
from coach.smoothing import OneEuroConfig
from coach.sources import open_source


def _describe(hands_json: list[dict[str, Any]]) -> str:
    if not hands_json:
        return "no hand"
    parts = [f"{h['handedness']} ({h['score']:.2f})" for h in hands_json]
    return f"{len(parts)} hand{'s' if len(parts) > 1 else ''}: " + ", ".join(parts)


def dump_hands(
    path: Path,
    as_json: bool,
    out: Path | None,
    max_frames: int | None,
    smooth: bool,
    echo: Callable[[str], None],
) -> None:
    """Tracks hands in ``path`` and prints them, optionally drawing them to ``out``.

    Raises:
        SourceError: ``path`` cannot be read.
        InputError: ``out`` cannot be written.
    """
    annotator = HandAnnotator()
    with ExitStack() as stack:
        source = stack.enter_context(open_source(path))
        info = source.info
        is_image = info.kind == "image"
        config = HandTrackerConfig(video=not is_image, smoothing=OneEuroConfig() if smooth else None)
        tracker = stack.enter_context(HandTracker(config))
        sink = None
        if out is not None and not is_image:
            sink = stack.enter_context(VideoSink(out, info.fps, (info.width, info.height)))
        frames_with_hands = 0
        n = 0
        for frame in source:
            if max_frames is not None and n >= max_frames:
                break
            n += 1
            hands = tracker.detect(frame)
            frames_with_hands += len(hands) > 0
            record = hands.to_json()
            if as_json:
                obj: dict[str, Any] = {"source": info.name, "width": info.width, "height": info.height}
                if not is_image:
                    obj.update(frame=frame.index, t_ms=frame.t_ms)
                obj["hands"] = record
                echo(json.dumps(obj))
            elif is_image:
                echo(f"{info.name}: {_describe(record)}")
            if out is not None:
                drawn = annotator.draw(frame.image.copy(), hands)
                if sink is not None:
                    sink.write(drawn)
                else:
                    write_image(out, drawn)
        if not as_json and not is_image:
            echo(
                f"{info.name}: {n} frames at {info.fps:g} fps, hands found in {frames_with_hands}"
                f" ({100.0 * frames_with_hands / max(n, 1):.0f}%)"
            )
