"""The shipped hand model: the committed file is the documented one and rebuilds byte for byte."""

from __future__ import annotations

import importlib.util
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coach.models import HAND_MODEL_SHA256, HAND_MODELS, hand_model_path, sha256_file

REPO = Path(__file__).resolve().parents[1]
BUNDLES = {name: REPO / "models" / file for name, (file, _) in HAND_MODELS.items()}


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_hand_landmarker", REPO / "models" / "build_hand_landmarker.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(HAND_MODELS))
def test_committed_bundle_is_the_documented_one(name: str) -> None:
    digest = sha256_file(BUNDLES[name])
    assert digest == HAND_MODELS[name][1]
    readme = (REPO / "models" / "README.md").read_text(encoding="utf-8")
    assert digest in readme
    assert hand_model_path(name=name) == BUNDLES[name]
    assert HAND_MODELS["full"][1] == HAND_MODEL_SHA256
    # The wheel carries every bundle.
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"models/{BUNDLES[name].name}" = "coach/models/{BUNDLES[name].name}"' in pyproject


def test_an_unknown_bundle_name_is_refused() -> None:
    with pytest.raises(ValueError, match="full, lite"):
        hand_model_path(name="tiny")


def test_the_bundles_differ_only_in_the_landmark_network() -> None:
    with zipfile.ZipFile(BUNDLES["full"]) as full, zipfile.ZipFile(BUNDLES["lite"]) as lite:
        assert full.read("hand_detector.tflite") == lite.read("hand_detector.tflite")
        assert full.read("hand_landmarks_detector.tflite") != lite.read("hand_landmarks_detector.tflite")
        assert (
            lite.getinfo("hand_landmarks_detector.tflite").file_size
            < 0.5 * full.getinfo("hand_landmarks_detector.tflite").file_size
        )


@pytest.mark.parametrize("name", sorted(HAND_MODELS))
def test_bundle_layout_is_what_the_tasks_api_expects(name: str) -> None:
    task = BUNDLES[name]
    with zipfile.ZipFile(task) as z:
        infos = z.infolist()
        assert [i.filename for i in infos] == ["hand_detector.tflite", "hand_landmarks_detector.tflite"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
    raw = task.read_bytes()
    for info in infos:
        # Data starts after the 30-byte local header, the name and the extra field.
        name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26 : info.header_offset + 30])
        data_start = info.header_offset + 30 + name_len + extra_len
        assert data_start % 64 == 0
        assert raw[data_start + 4 : data_start + 8] == b"TFL3"  # a TFLite flatbuffer


def test_build_refuses_a_wheel_that_is_not_the_pinned_one() -> None:
    with pytest.raises(ValueError, match="sha256"):
        _build_module().build_task(b"PK\x03\x04 not the wheel")


@pytest.mark.slow
def test_rebuilds_byte_for_byte_from_the_wheel(tmp_path: Path) -> None:
    """Downloads the pinned mediapipe wheel (35 MB, from PyPI) and rebuilds the bundle."""
    build = _build_module()
    try:
        wheel = build.download_wheel(tmp_path)
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"could not download {build.WHEEL_NAME} from the package index: {exc}")
    for name, task in BUNDLES.items():
        assert build.build_task(wheel.read_bytes(), name) == task.read_bytes()
    result = subprocess.run(
        [sys.executable, str(REPO / "models" / "build_hand_landmarker.py"), "--wheel", str(wheel), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert len(lines) == len(BUNDLES)
    for name, task in BUNDLES.items():
        assert re.fullmatch(rf"{task.name}: identical: {HAND_MODELS[name][1]}", lines.pop(0))
