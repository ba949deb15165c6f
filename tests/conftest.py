"""Shared fixtures: the real photos beside the checkout, and one hand tracker per module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ``../shared/``; fails under CI and skips elsewhere when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: the shared test data must sit beside the checkout"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return shared_path("data")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def session_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An 8 s good session rendered once per test run (640x480, 30 fps), with its labels beside it."""
    from coach.synth import SynthConfig, render

    out = tmp_path_factory.mktemp("clips") / "good.mp4"
    render(SynthConfig(choreography="good_session", seed=7, duration_s=8.0), out)
    return out
