"""Rebuild ``models/hand_landmarker.task`` and its lite twin from the mediapipe 0.10.21 wheel, byte for byte.

The mediapipe wheels on PyPI since 0.10.30 ship no model files, and the official
``hand_landmarker.task`` is fetched from the internet at run time. The same two
networks (palm detection "full" and hand landmark "full", Apache-2.0) sit inside
the mediapipe 0.10.21 wheel. A ``.task`` file is an uncompressed zip holding
``hand_detector.tflite`` and ``hand_landmarks_detector.tflite``; this script
writes one with fixed timestamps and permissions, so the output never depends
on when or where it runs.

Two bundles are made. ``hand_landmarker.task`` (the default) holds the "full"
palm detector and the "full" landmark network. ``hand_landmarker_lite.task``
(``--hand-model lite``) holds the same palm detector and the wheel's "lite"
landmark network, about half the work a hand; the wheel's lite palm detector
is not used, as it lacks the input-normalisation metadata the Tasks API needs.

Each member's data starts on a 64-byte boundary (padding in the local header's
extra field, as Android's zipalign does), so the runtime can map the model's
buffers in place instead of copying them.

Usage::

    python models/build_hand_landmarker.py            # downloads the wheel with pip, writes both bundles
    python models/build_hand_landmarker.py --wheel PATH.whl
    python models/build_hand_landmarker.py --check    # rebuild both in memory, compare

Only the standard library is needed; ``pip`` must be able to reach PyPI when no
``--wheel`` is given.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL_VERSION = "0.10.21"
WHEEL_NAME = f"mediapipe-{WHEEL_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"

# bundle variant -> member name inside the .task -> path inside the wheel
VARIANTS: dict[str, dict[str, str]] = {
    "full": {
        "hand_detector.tflite": "mediapipe/modules/palm_detection/palm_detection_full.tflite",
        "hand_landmarks_detector.tflite": "mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
    },
    "lite": {
        "hand_detector.tflite": "mediapipe/modules/palm_detection/palm_detection_full.tflite",
        "hand_landmarks_detector.tflite": "mediapipe/modules/hand_landmark/hand_landmark_lite.tflite",
    },
}
ALIGNMENT = 64
# Extra-field header id used by zipalign for alignment padding.
_PAD_HEADER_ID = 0xD935
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
HERE = Path(__file__).resolve().parent
OUTPUTS = {"full": HERE / "hand_landmarker.task", "lite": HERE / "hand_landmarker_lite.task"}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download_wheel(dest: Path) -> Path:
    """Fetches the pinned wheel with pip (the only network access)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.11",
            "--platform",
            "manylinux_2_28_x86_64",
            f"mediapipe=={WHEEL_VERSION}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    return dest / WHEEL_NAME


def build_task(wheel_bytes: bytes, variant: str = "full") -> bytes:
    """Returns the bytes of the .task bundle made from two of the wheel's networks.

    Args:
        wheel_bytes: the pinned mediapipe wheel.
        variant: a key of :data:`VARIANTS`.

    Raises:
        ValueError: the wheel is not the pinned one, or an unknown variant.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {sorted(VARIANTS)}, got {variant!r}")
    digest = sha256_of(wheel_bytes)
    if digest != WHEEL_SHA256:
        raise ValueError(f"wheel sha256 is {digest}, expected {WHEEL_SHA256}")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(wheel_bytes)) as wheel,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as task,
    ):
        for name, src in VARIANTS[variant].items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, so the permissions above are read the same everywhere
            # Local header is 30 bytes + name + extra; pad the extra so data is aligned.
            header_end = out.tell() + 30 + len(name.encode()) + 4
            pad = (-header_end) % ALIGNMENT
            info.extra = struct.pack("<HH", _PAD_HEADER_ID, pad) + b"\0" * pad
            task.writestr(info, wheel.read(src))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help=f"a local copy of {WHEEL_NAME}")
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        wheel_bytes = wheel.read_bytes()
    status = 0
    for variant, output in OUTPUTS.items():
        data = build_task(wheel_bytes, variant)
        if args.check:
            same = output.exists() and output.read_bytes() == data
            print(f"{output.name}: {'identical' if same else 'DIFFERENT'}: {sha256_of(data)}")
            status = status if same else 1
            continue
        output.write_bytes(data)
        print(f"wrote {output} ({len(data)} bytes, sha256 {sha256_of(data)})")
    return status


if __name__ == "__main__":
    sys.exit(main())
