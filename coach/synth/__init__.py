"""Synthetic massage sessions with exact ground truth.

Renders a foot, a working hand (and optionally a holding hand) following a
choreography of strokes, and writes the truth of every frame beside the video.
"""

from __future__ import annotations

from coach.synth.choreography import NAMED, Choreography, Stroke, by_name, plan
from coach.synth.labels import SessionLabels, read_labels
from coach.synth.render import Renderer, SynthConfig, labels_path, parse_size, render

__all__ = [
    "NAMED",
    "Choreography",
    "Renderer",
    "SessionLabels",
    "Stroke",
    "SynthConfig",
    "by_name",
    "labels_path",
    "parse_size",
    "plan",
    "read_labels",
    "render",
]
