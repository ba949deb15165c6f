"""Where the model files are, and checking that they are the ones we shipped.

The hand-landmarker bundle is committed in ``models/`` (see ``models/README.md``
for how it is made) and packed into the wheel as ``coach/models/``, so the coach
never needs the internet to run.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from coach.errors import ModelError

HAND_MODEL_NAME = "hand_landmarker.task"
# sha256 of models/hand_landmarker.task, as built by models/build_hand_landmarker.py.
HAND_MODEL_SHA256 = "3c05a595b195902bc153e97a53fb669db9b45ceabccb39902bc0ab3e6db9974c"
# The shipped bundles by name (``--hand-model``): file name and sha256. "full" is the
# default; "lite" has MediaPipe's lite landmark network (faster, a little less exact).
HAND_MODELS: dict[str, tuple[str, str]] = {
    "full": (HAND_MODEL_NAME, HAND_MODEL_SHA256),
    "lite": ("hand_landmarker_lite.task", "c708f09daddba3aacc5b62273940cc3cf20ef1857445bcd95b8424b8aaac9830"),
}
# The user may point at another bundle (e.g. Google's official one) with this variable.
MODEL_ENV = "FOOTCOACH_HAND_MODEL"


def _candidates(name: str) -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "models" / name, here.parent / "models" / name]


def models_dir() -> Path:
    """The folder holding the shipped models (in the wheel, or in a source checkout)."""
    for candidate in _candidates(HAND_MODEL_NAME):
        if candidate.is_file():
            return candidate.parent
    raise ModelError(
        f"{HAND_MODEL_NAME} is missing from this installation; reinstall footcoach "
        f"or set {MODEL_ENV} to a hand_landmarker.task file"
    )


def hand_model_path(explicit: Path | None = None, name: str = "full") -> Path:
    """The hand-landmarker bundle to load.

    Args:
        explicit: a path the user gave; wins over everything else.
        name: which shipped bundle, a key of :data:`HAND_MODELS`.

    Returns:
        An existing file: ``explicit``, else ``$FOOTCOACH_HAND_MODEL``, else the
        shipped bundle ``name``.

    Raises:
        ModelError: the chosen file does not exist.
        ValueError: ``name`` is not a shipped bundle.
    """
    if name not in HAND_MODELS:
        raise ValueError(f"hand model must be one of {', '.join(HAND_MODELS)}, got {name!r}")
    chosen = explicit or (Path(os.environ[MODEL_ENV]) if os.environ.get(MODEL_ENV) else None)
    if chosen is not None:
        if not chosen.is_file():
            raise ModelError(f"{chosen}: hand model file not found")
        return chosen
    path = models_dir() / HAND_MODELS[name][0]
    if not path.is_file():
        raise ModelError(f"{path.name} is missing from this installation; reinstall footcoach")
    return path


def hand_model_label(path: Path, name: str) -> str:
    """How a session names the networks at ``path`` (from :func:`hand_model_path` for ``name``).

    The shipped bundle's name (``full``, ``lite``), or the file name of another bundle.
    """
    try:
        shipped = models_dir() / HAND_MODELS[name][0]
    except ModelError:
        return path.name
    return name if path == shipped else path.name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
