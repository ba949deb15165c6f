"""Fixtures for the synthetic-session tests: short renders shared within the module."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.synth import SynthConfig, render
from coach.synth.labels import read_labels


def render_clip(tmp: Path, name: str = "clip", **options: object) -> tuple[Path, dict]:
    """Renders a short clip into ``tmp`` and returns its path and labels."""
    cfg = SynthConfig(**{"duration_s": 2.0, "size": (320, 240), "fps": 15.0, **options})
    out = tmp / f"{name}.mp4"
    render(cfg, out)
    return out, read_labels(out.with_name(f"{name}.labels.json"))


@pytest.fixture(scope="module")
def small_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A 2 s, 320x240 good session: fast to render, enough for label checks."""
    return render_clip(tmp_path_factory.mktemp("synth"), seed=7)
