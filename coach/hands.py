"""Hand tracking stage: MediaPipe's hand landmarker behind a typed boundary.

This is the only module that imports mediapipe. It turns frames into
:class:`Hands`, a frozen container of numpy arrays in pixels, with a track id
per hand that stays the same while a hand stays in view, and optional One Euro
smoothing of the landmarks.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import cv2
import numpy as np

from coach.errors import ModelError
from coach.landmarks import NUM_LANDMARKS, HandLandmark, palm_centre
from coach.models import HAND_MODELS, hand_model_label, hand_model_path
from coach.smoothing import OneEuroConfig, OneEuroFilter
from coach.sources import Frame

if TYPE_CHECKING:
    from coach.timing import StageClock

L = HandLandmark

# Prefixes of the native runtime's chatter on stderr (start-up notes, alignment
# notes); anything else it prints while muted is passed on to the user.
_NATIVE_NOISE = ("INFO:", "I0000", "W0000", "WARNING: Logging before InitGoogle")


@contextlib.contextmanager
def _muted_native_stderr() -> Iterator[None]:
    """Hides the native runtime's start-up log lines, which go straight to fd 2."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), fd)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, fd)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", "replace")
            kept = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(_NATIVE_NOISE)]
            if kept:
                sys.stderr.write("\n".join(kept) + "\n")


@dataclass(frozen=True)
class Hands:
    """The hands found in one frame.

    Attributes:
        xy: (n, 21, 2) float32 landmark positions in pixels (x right, y down).
        depth: (n, 21) float32 depth relative to the wrist, in pixels (smaller is nearer).
        world: (n, 21, 3) float32 metric landmarks in metres, origin near the hand's centre.
        handedness: n labels, "Left" or "Right", as MediaPipe reports them (it
            assumes a mirrored, selfie-style picture).
        scores: (n,) float32 handedness confidence, 0-1.
        ids: (n,) int32 track ids, stable while a hand stays in view; -1 if untracked.
        image_size: (width, height) of the frame in pixels.
        t_ms: the frame's timestamp.
    """

    xy: np.ndarray
    depth: np.ndarray
    world: np.ndarray
    handedness: tuple[str, ...]
    scores: np.ndarray
    ids: np.ndarray
    image_size: tuple[int, int]
    t_ms: int = 0

    def __post_init__(self) -> None:
        n = self.xy.shape[0]
        if self.xy.shape != (n, NUM_LANDMARKS, 2):
            raise ValueError(f"Hands.xy must be (n, 21, 2), got {self.xy.shape}")
        if self.depth.shape != (n, NUM_LANDMARKS) or self.world.shape != (n, NUM_LANDMARKS, 3):
            raise ValueError("Hands.depth must be (n, 21) and Hands.world (n, 21, 3)")
        if len(self.handedness) != n or self.scores.shape != (n,) or self.ids.shape != (n,):
            raise ValueError("Hands.handedness, scores and ids must have one entry per hand")
        if any(h not in ("Left", "Right") for h in self.handedness):
            raise ValueError(f"unknown handedness in {self.handedness}")

    @classmethod
    def empty(cls, image_size: tuple[int, int], t_ms: int = 0) -> Hands:
        """No hand: arrays of length 0, never None."""
        return cls(
            xy=np.zeros((0, NUM_LANDMARKS, 2), np.float32),
            depth=np.zeros((0, NUM_LANDMARKS), np.float32),
            world=np.zeros((0, NUM_LANDMARKS, 3), np.float32),
            handedness=(),
            scores=np.zeros(0, np.float32),
            ids=np.zeros(0, np.int32),
            image_size=image_size,
            t_ms=t_ms,
        )

    @classmethod
    def from_mediapipe(cls, result: Any, image_size: tuple[int, int], t_ms: int = 0) -> Hands:
        """Converts a ``HandLandmarkerResult`` into pixels.

        Args:
            result: what ``HandLandmarker.detect*`` returned.
            image_size: (width, height) of the image it was run on.
            t_ms: the frame's timestamp.

        Raises:
            TypeError: ``result`` is not a hand-landmarker result.
        """
        if not all(hasattr(result, a) for a in ("hand_landmarks", "hand_world_landmarks", "handedness")):
            raise TypeError(f"expected a HandLandmarkerResult, got {type(result).__name__}")
        w, h = image_size
        n = len(result.hand_landmarks)
        if n == 0:
            return cls.empty(image_size, t_ms)
        norm = np.array([[(p.x, p.y, p.z) for p in hand] for hand in result.hand_landmarks], np.float32)
        world = np.array(
            [[(p.x, p.y, p.z) for p in hand] for hand in result.hand_world_landmarks], np.float32
        ).reshape(n, NUM_LANDMARKS, 3)
        xy = norm[:, :, :2] * np.array([w, h], np.float32)
        depth = norm[:, :, 2] * np.float32(w)  # MediaPipe scales z roughly like x
        labels = tuple(cats[0].category_name for cats in result.handedness)
        scores = np.array([cats[0].score for cats in result.handedness], np.float32)
        return cls(xy, depth, world, labels, scores, np.full(n, -1, np.int32), image_size, t_ms)

    def __len__(self) -> int:
        return int(self.xy.shape[0])

    def palm_size(self) -> np.ndarray:
        """(n,) float32: each hand's palm size in pixels, the unit of hand geometry.

        The larger of wrist-to-middle-knuckle and index-to-pinky-knuckle
        (scaled to the same length), so a palm turned edge-on still measures right.
        """
        if len(self) == 0:
            return np.zeros(0, np.float32)
        length = np.linalg.norm(self.xy[:, L.MIDDLE_MCP] - self.xy[:, L.WRIST], axis=1)
        # The knuckle span is about 0.8 of the wrist-to-middle-knuckle length on adult hands.
        span = np.linalg.norm(self.xy[:, L.PINKY_MCP] - self.xy[:, L.INDEX_MCP], axis=1) / 0.8
        return np.maximum(length, span).astype(np.float32)

    def centers(self) -> np.ndarray:
        """(n, 2) float32: centre of each palm (mean of wrist and the four knuckles), px."""
        return palm_centre(self.xy) if len(self) else np.zeros((0, 2), np.float32)

    def select(self, keep: np.ndarray | list[int]) -> Hands:
        """A new Hands with only the hands at ``keep`` (indices or a boolean mask)."""
        keep = np.asarray(keep)
        idx = np.flatnonzero(keep) if keep.dtype == bool else keep.astype(int)
        return replace(
            self,
            xy=self.xy[idx],
            depth=self.depth[idx],
            world=self.world[idx],
            handedness=tuple(self.handedness[i] for i in idx),
            scores=self.scores[idx],
            ids=self.ids[idx],
        )

    def to_json(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per hand: id, handedness, score and 21 named landmarks."""
        out = []
        for i in range(len(self)):
            out.append(
                {
                    "id": int(self.ids[i]),
                    "handedness": self.handedness[i],
                    "score": round(float(self.scores[i]), 4),
                    "landmarks": [
                        {"name": lm.name.lower(), "x": round(float(x), 2), "y": round(float(y), 2)}
                        for lm, (x, y) in zip(HandLandmark, self.xy[i], strict=True)
                    ],
                }
            )
        return out


@dataclass(frozen=True)
class HandTrackerConfig:
    """How hands are tracked.

    Attributes:
        model_path: a ``hand_landmarker.task`` bundle; None for the shipped one
            named by ``model``.
        model: which shipped bundle (``coach.models.HAND_MODELS``): "full", the
            default, or "lite", MediaPipe's lite landmark network: about half
            the inference time, slightly less exact landmarks (README, "Speed
            and memory").
        max_hands: most hands reported per frame (the working hand and the holding hand).
        min_detection_confidence: palm detector threshold. 0.2 rather than
            MediaPipe's 0.5: hands on a foot are often half hidden, and the foot
            stage rejects what is not a hand.
        min_presence_confidence: landmark model's "is this still a hand" threshold.
        min_tracking_confidence: below it, the palm detector runs again.
        video: True runs MediaPipe's VIDEO mode (tracks between frames, for files
            and cameras); False runs every frame as an unrelated image.
        smoothing: One Euro filter settings, or None for raw landmarks.
        max_match_distance: how far (in palm sizes) a hand may move between
            frames and keep its track id.
    """

    model_path: Path | None = None
    model: str = "full"
    max_hands: int = 2
    min_detection_confidence: float = 0.2
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    video: bool = True
    smoothing: OneEuroConfig | None = None
    max_match_distance: float = 2.0

    def __post_init__(self) -> None:
        if self.model not in HAND_MODELS:
            raise ValueError(f"model must be one of {', '.join(HAND_MODELS)}, got {self.model!r}")
        if not 1 <= self.max_hands <= 4:
            raise ValueError(f"max_hands must be 1-4, got {self.max_hands}")
        for name in ("min_detection_confidence", "min_presence_confidence", "min_tracking_confidence"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within 0-1, got {value}")
        if self.max_match_distance <= 0:
            raise ValueError("max_match_distance must be positive")


@dataclass
class _Track:
    id: int
    center: np.ndarray
    palm: float
    filter: OneEuroFilter | None = field(default=None)


class HandAssociator:
    """Gives each hand a track id that persists from frame to frame, and smooths it.

    Greedy nearest-centre matching in palm-size units: with at most a few hands
    this is as good as an optimal assignment and needs no solver.

    Args:
        max_match_distance: largest centre movement, in palm sizes, that keeps an id.
        smoothing: One Euro settings, or None.
    """

    def __init__(self, max_match_distance: float = 2.0, smoothing: OneEuroConfig | None = None):
        self.max_match_distance = max_match_distance
        self.smoothing = smoothing
        self.reset()

    def reset(self) -> None:
        self._tracks: list[_Track] = []
        self._next_id = 0

    def update(self, hands: Hands) -> Hands:
        """Returns ``hands`` with ids assigned (and landmarks smoothed if configured)."""
        centers, palms = hands.centers(), hands.palm_size()
        pairs = []
        for i in range(len(hands)):
            for j, track in enumerate(self._tracks):
                d = float(np.linalg.norm(centers[i] - track.center)) / max(track.palm, 1.0)
                if d <= self.max_match_distance:
                    pairs.append((d, i, j))
        assigned: dict[int, _Track] = {}
        used: set[int] = set()
        for _, i, j in sorted(pairs):
            if i not in assigned and j not in used:
                assigned[i] = self._tracks[j]
                used.add(j)
        tracks = []
        ids = np.empty(len(hands), np.int32)
        xy = hands.xy.copy()
        for i in range(len(hands)):
            track = assigned.get(i)
            if track is None:
                flt = OneEuroFilter(self.smoothing) if self.smoothing else None
                track = _Track(self._next_id, centers[i], float(palms[i]), flt)
                self._next_id += 1
            if track.filter is not None:
                xy[i] = track.filter.update(hands.xy[i], hands.t_ms / 1000.0, float(palms[i]))
            track.center, track.palm = centers[i], float(palms[i])
            ids[i] = track.id
            tracks.append(track)
        self._tracks = tracks
        return replace(hands, xy=xy.astype(np.float32), ids=ids)


class HandTracker:
    """Finds up to ``max_hands`` hands in each frame with MediaPipe.

    Use as a context manager; frames must come in time order (VIDEO mode).

    Args:
        config: tracker settings.

    Raises:
        ModelError: the model bundle is missing or cannot be loaded.
    """

    def __init__(self, config: HandTrackerConfig | None = None) -> None:
        self.config = config or HandTrackerConfig()
        self.model_path = hand_model_path(self.config.model_path, self.config.model)
        self._landmarker = self._create()
        self._associator = HandAssociator(self.config.max_match_distance, self.config.smoothing)
        self._last_t_ms = -1
        self._first = True

    def _create(self) -> Any:
        import mediapipe as mp  # noqa: F401  (imported here so other modules never pay for it)
        from mediapipe.tasks.python import BaseOptions, vision

        mode = vision.RunningMode.VIDEO if self.config.video else vision.RunningMode.IMAGE
        options = vision.HandLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=mode,
            num_hands=self.config.max_hands,
            min_hand_detection_confidence=self.config.min_detection_confidence,
            min_hand_presence_confidence=self.config.min_presence_confidence,
            min_tracking_confidence=self.config.min_tracking_confidence,
        )
        try:
            with _muted_native_stderr():
                return vision.HandLandmarker.create_from_options(options)
        except Exception as exc:  # mediapipe raises RuntimeError/ValueError with long texts
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"{self.model_path}: cannot load hand model ({first})") from exc

    @property
    def model_name(self) -> str:
        """Which networks run: the shipped bundle's name ("full", "lite"), or the file name of another."""
        return hand_model_label(self.model_path, self.config.model)

    def detect(self, frame: Frame) -> Hands:
        """Finds the hands in one frame.

        Args:
            frame: the picture and its timestamp.

        Returns:
            The hands, with track ids (and smoothed, if configured).
        """
        import mediapipe as mp

        rgb = cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        # VIDEO mode refuses a timestamp that does not increase; sources guarantee
        # it, but a caller mixing sources must not crash the landmarker.
        t_ms = max(int(frame.t_ms), self._last_t_ms + 1)
        self._last_t_ms = t_ms
        # The first inference logs buffer-alignment notes; later ones are silent.
        quiet = _muted_native_stderr() if self._first else contextlib.nullcontext()
        with quiet:
            if self.config.video:
                result = self._landmarker.detect_for_video(image, t_ms)
            else:
                result = self._landmarker.detect(image)
        self._first = False
        hands = Hands.from_mediapipe(result, frame.size, frame.t_ms)
        return self._associator.update(hands)

    def reset(self) -> None:
        """Forgets all tracks (e.g. when a new video starts)."""
        self.close()
        self._landmarker = self._create()
        self._associator.reset()
        self._last_t_ms = -1
        self._first = True

    def close(self) -> None:
        with _muted_native_stderr():
            self._landmarker.close()

    def __enter__(self) -> HandTracker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class TrackAhead:
    """Runs a hand tracker on its own thread, a few frames ahead of the rest of the coach.

    MediaPipe releases the interpreter lock while it infers, so the tracker
    works on the next frames while the coach (foot, contact, strokes) works on
    this one: on two cores the two overlap. The tracker still sees every frame,
    in order, so the hands are exactly those it finds without this.

    Iterate it for the frames; :meth:`detect` (which the engine calls, as on a
    :class:`HandTracker`) then gives the hands of the frame just handed out::

        with HandTracker(cfg) as tracker, TrackAhead(frames, tracker) as ahead:
            engine = Engine(info, config, tracker=ahead)
            for frame in ahead:
                result = engine.update(frame)

    Args:
        frames: the frames in time order, e.g. a :class:`coach.sources.ReadAhead`.
        tracker: the tracker; nothing else may use it meanwhile. Close this
            first (it waits for the thread), then the tracker.
        depth: most frames tracked ahead (memory: ``depth`` frames).
        clock: adds the tracker's time to its "hands" stage.
    """

    _END = object()

    def __init__(
        self,
        frames: Iterable[Frame],
        tracker: HandTracker,
        depth: int = 2,
        clock: StageClock | None = None,
    ) -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        self._frames = frames
        self.tracker = tracker
        self._clock = clock
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._current: tuple[Frame, Hands] | None = None

    def _put(self, item: object) -> bool:
        """Waits for room in the queue, unless closed meanwhile."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for frame in self._frames:
                if self._stop.is_set():
                    return
                t0 = time.perf_counter()
                hands = self.tracker.detect(frame)
                if self._clock is not None:
                    self._clock.add("hands", time.perf_counter() - t0)
                if not self._put((frame, hands)):
                    return
            self._put(self._END)
        except BaseException as exc:  # handed to the reading thread, raised there
            self._put(exc)

    def __iter__(self) -> Iterator[Frame]:
        if self._thread is not None:
            raise RuntimeError("a TrackAhead can be iterated once")
        self._thread = threading.Thread(target=self._run, name="footcoach-hands", daemon=True)
        self._thread.start()
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            self._current = cast(tuple[Frame, Hands], item)
            yield self._current[0]

    @property
    def model_name(self) -> str:
        """The tracker's :attr:`HandTracker.model_name`."""
        return self.tracker.model_name

    def detect(self, frame: Frame) -> Hands:
        """The hands of ``frame``, the frame the iteration just handed out.

        Raises:
            ValueError: ``frame`` is not that frame (hands are found in the frames' order).
        """
        if self._current is None or self._current[0] is not frame:
            raise ValueError("TrackAhead.detect takes the frame its iteration just gave, once")
        hands = self._current[1]
        self._current = None
        return hands

    def close(self) -> None:
        """Stops the thread and waits for the inference under way (the tracker stays open)."""
        self._stop.set()
        if self._thread is not None:
            while self._thread.is_alive():
                # Emptied so that a thread waiting to put sees the stop at once.
                while True:
                    try:
                        self._queue.get_nowait()
                    except queue.Empty:
                        break
                self._thread.join(timeout=0.1)

    def __enter__(self) -> TrackAhead:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
