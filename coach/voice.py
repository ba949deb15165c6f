"""Spoken cues: offline text to speech, one utterance at a time, and a soft chime.

The hands are busy and the eyes are on the foot, so ``coach live`` also speaks
each cue. Speech comes from eSpeak NG through ``pyttsx3`` (offline); sound goes
out through ``sounddevice`` (PortAudio). A :class:`Speaker` owns one worker
thread and a short queue: it never plays two sounds at once, drops words it
said a moment ago, and keeps only the newest waiting cue (a stale cue is worse
than none).
"""

from __future__ import annotations

import io
import queue
import re
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

import numpy as np

# What eSpeak would read out letter by letter, said as a person would.
_SPOKEN: tuple[tuple[str, str], ...] = (
    (r"(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)", r"\1 to \2"),
    (r"\bFL/s\b", "foot lengths per second"),
    (r"\bcm/s\b", "centimetres per second"),
    (r"\bHz\b", "per second"),
    (r"(\d) s\b", r"\1 seconds"),
    (r"(\d+\.\d*?)0+\b", r"\1"),
    (r"(\d+)\.(?=\D|$)", r"\1"),
)


def spoken(text: str) -> str:
    """The words to speak for a cue: units and ranges written out.

    >>> spoken("Slow down: glides at 0.80 FL/s, aim for 0.04-0.4")
    'Slow down: glides at 0.8 foot lengths per second, aim for 0.04 to 0.4'
    """
    for pattern, repl in _SPOKEN:
        text = re.sub(pattern, repl, text)
    return text


@dataclass(frozen=True)
class VoiceConfig:
    """How cues are spoken.

    Attributes:
        rate_wpm: speaking rate in words per minute (eSpeak's default is 175).
        volume: 0-1.
        repeat_gap_s: the same words are not spoken again within this time.
        chime_hz: pitch of the step-done chime (a fifth above is added).
    """

    rate_wpm: int = 165
    volume: float = 0.9
    repeat_gap_s: float = 15.0
    chime_hz: float = 660.0

    def __post_init__(self) -> None:
        if not 80 <= self.rate_wpm <= 450:
            raise ValueError(f"rate_wpm must be 80-450, got {self.rate_wpm}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume must be 0-1, got {self.volume}")
        if self.repeat_gap_s < 0:
            raise ValueError(f"repeat_gap_s must be >= 0, got {self.repeat_gap_s}")
        if not 100.0 <= self.chime_hz <= 4000.0:
            raise ValueError(f"chime_hz must be 100-4000, got {self.chime_hz}")


class _DropSavedLines(io.TextIOBase):
    """Stdout without pyttsx3's "Audio saved to ..." lines.

    pyttsx3 prints them from eSpeak's callback thread, so they are recognised
    by their words, and only while a render is under way.
    """

    PREFIX = "Audio saved to "

    def __init__(self, target: io.TextIOBase) -> None:
        self.target = target
        self.rendering = 0
        self._dropped = False

    def write(self, s: str) -> int:
        if self.rendering and (s.startswith(self.PREFIX) or (self._dropped and s == "\n")):
            self._dropped = s != "\n"
            return len(s)
        self._dropped = False
        return self.target.write(s)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", "utf-8")


_stdout_lock = threading.Lock()


def _quiet_stdout() -> _DropSavedLines:
    with _stdout_lock:
        if not isinstance(sys.stdout, _DropSavedLines):
            sys.stdout = _DropSavedLines(sys.stdout)  # type: ignore[assignment]
        return sys.stdout  # type: ignore[return-value]


class SpeechEngine:
    """eSpeak NG through pyttsx3, rendering to WAV files. Use from one thread at a time.

    eSpeak is one instance per process; pyttsx3 keeps one engine for it, which
    every :class:`SpeechEngine` shares, so the voice settings are given again
    before each render.

    Raises:
        RuntimeError: pyttsx3 or eSpeak NG is not installed.
    """

    def __init__(self, config: VoiceConfig | None = None) -> None:
        self.config = config or VoiceConfig()
        try:
            import pyttsx3

            self._engine = pyttsx3.init("espeak")
        except Exception as exc:  # ImportError, or eSpeak's library missing (OSError, RuntimeError)
            raise RuntimeError(
                f"no speech engine ({type(exc).__name__}: {exc}); install eSpeak NG "
                "(apt-get install espeak-ng) and pyttsx3"
            ) from None

    def save(self, text: str, path: Path) -> None:
        """Renders ``text`` (already in spoken form) to a 16-bit mono WAV file.

        Raises:
            RuntimeError: the engine wrote no audio.
        """
        out = _quiet_stdout()
        path.unlink(missing_ok=True)
        with _stdout_lock:
            out.rendering += 1
        try:
            self._engine.setProperty("rate", self.config.rate_wpm)
            self._engine.setProperty("volume", self.config.volume)
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            if not path.is_file():
                # pyttsx3's loop sometimes ends before its queue is worked through; once more.
                self._engine.runAndWait()
        finally:
            with _stdout_lock:
                out.rendering -= 1
        if not path.is_file() or path.stat().st_size <= 44:
            raise RuntimeError(f"the speech engine wrote no audio for {text!r}")

    def synthesise(self, text: str) -> tuple[np.ndarray, int]:
        """Speech for ``text`` as ``(samples, rate)``: (n,) float32 in -1..1, mono."""
        with tempfile.TemporaryDirectory(prefix="footcoach-voice-") as tmp:
            path = Path(tmp) / "cue.wav"
            self.save(text, path)
            return read_wav(path)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV file as ``(samples, rate)``: (n,) float32 in -1..1, channels averaged."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit samples, got {8 * w.getsampwidth()}-bit")
        data = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0
        channels, rate = w.getnchannels(), w.getframerate()
    return data.reshape(-1, channels).mean(axis=1), rate


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Writes (n,) float samples in -1..1 as a 16-bit mono WAV file."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def render_wav(text: str, path: Path, config: VoiceConfig | None = None) -> float:
    """Speaks a cue into a WAV file (what ``coach live --voice`` plays).

    Args:
        text: the cue as shown (units are written out for speaking).
        path: the WAV file to write.
        config: voice settings.

    Returns:
        The length of the speech in seconds.

    Raises:
        RuntimeError: no speech engine is installed.
    """
    SpeechEngine(config).save(spoken(text), path)
    samples, rate = read_wav(path)
    return len(samples) / rate


def chime(config: VoiceConfig | None = None, rate: int = 22050, seconds: float = 0.7) -> np.ndarray:
    """A soft two-note chime (a note and its fifth, gently decaying): (n,) float32 in -1..1."""
    cfg = config or VoiceConfig()
    t = np.arange(int(rate * seconds)) / rate
    out = np.zeros_like(t)
    for k, (f, start) in enumerate(((cfg.chime_hz, 0.0), (cfg.chime_hz * 1.5, 0.12))):
        tt = np.clip(t - start, 0.0, None)
        env = (t >= start) * (1 - np.exp(-tt / 0.01)) * np.exp(-tt / 0.18)
        out += (0.35 - 0.1 * k) * env * np.sin(2 * np.pi * f * tt)
    return (out * cfg.volume).astype(np.float32)


# --- playback -----------------------------------------------------------------------------------


class Player(Protocol):
    """Plays one sound to the end (blocking)."""

    def play(self, samples: np.ndarray, rate: int) -> None: ...


class DevicePlayer:
    """The default sound output through PortAudio (``sounddevice``)."""

    def play(self, samples: np.ndarray, rate: int) -> None:
        import sounddevice

        sounddevice.play(samples, rate, blocking=True)


def sound_output() -> str | None:
    """Why sound cannot be played here, or None when an output device exists."""
    try:
        import sounddevice

        device = sounddevice.query_devices(kind="output")
    except OSError as exc:  # PortAudio's library is missing
        return f"no sound library ({exc}); install libportaudio2"
    except Exception:  # sounddevice.PortAudioError: no default output device
        return "no sound output device"
    if not device or int(device.get("max_output_channels", 0)) < 1:
        return "no sound output device"
    return None


def speech_problem() -> str | None:
    """Why cues cannot be spoken here (no speech engine, no sound device), or None."""
    try:
        SpeechEngine()
    except RuntimeError as exc:
        return str(exc)
    return sound_output()


@dataclass(frozen=True)
class Utterance:
    """Something the speaker played: the words (or "<chime>") and when, by its clock."""

    text: str
    start: float
    end: float


class Speaker:
    """Speaks cues and plays the chime, one at a time, on a worker thread.

    Use as a context manager. :meth:`say` never blocks: while one sound plays,
    only the newest waiting cue is kept; words said within
    ``config.repeat_gap_s`` are dropped.

    Args:
        config: voice settings.
        player: where sound goes (default: the sound device).
        synthesise: text to ``(samples, rate)`` (default: eSpeak NG); called on the worker thread.
        clock: seconds, for the repeat rule (default: a monotonic clock).
    """

    def __init__(
        self,
        config: VoiceConfig | None = None,
        player: Player | None = None,
        synthesise: Callable[[str], tuple[np.ndarray, int]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or VoiceConfig()
        self._player = player or DevicePlayer()
        self._synthesise = synthesise
        self._clock = clock
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._pending: str | None = None
        self._chimes = 0
        self._busy = False
        self._lock = threading.Condition()
        self._said: dict[str, float] = {}
        self._closed = False
        self.played: list[Utterance] = []
        self.errors: list[str] = []
        self._thread = threading.Thread(target=self._run, name="footcoach-voice", daemon=True)
        self._thread.start()

    def say(self, text: str) -> bool:
        """Queues a cue to be spoken; False when it is dropped as a repeat."""
        words = spoken(text)
        now = self._clock()
        with self._lock:
            last = self._said.get(words)
            if self._closed or (last is not None and now - last < self.config.repeat_gap_s):
                return False
            self._said[words] = now
            self._pending = words  # the newest cue replaces one still waiting
            self._lock.notify()
        return True

    def chime(self) -> None:
        """Queues the step-done chime (played before any waiting cue)."""
        with self._lock:
            if self._closed:
                return
            self._chimes += 1
            self._lock.notify()

    def idle(self, timeout: float = 10.0) -> bool:
        """Waits until nothing is playing or waiting; False on timeout."""
        end = time.monotonic() + timeout
        with self._lock:
            while self._pending is not None or self._chimes or self._busy:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def _next(self) -> str | None:
        with self._lock:
            while True:
                if self._chimes:
                    self._chimes -= 1
                    self._busy = True
                    return "<chime>"
                if self._pending is not None:
                    text, self._pending = self._pending, None
                    self._busy = True
                    return text
                if self._closed:
                    return None
                self._lock.wait()

    def _run(self) -> None:
        engine: SpeechEngine | None = None
        while (item := self._next()) is not None:
            try:
                if item == "<chime>":
                    samples, rate = chime(self.config), 22050
                elif self._synthesise is not None:
                    samples, rate = self._synthesise(item)
                else:
                    if engine is None:
                        engine = SpeechEngine(self.config)
                    samples, rate = engine.synthesise(item)
                start = self._clock()
                self._player.play(samples, rate)
                self.played.append(Utterance(item, start, self._clock()))
            except Exception as exc:  # a sound problem must never stop the coaching
                self.errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()

    def close(self, drain: bool = False) -> None:
        """Stops the worker; ``drain`` lets waiting sounds play first."""
        if drain:
            self.idle()
        with self._lock:
            self._closed = True
            self._pending = None
            self._chimes = 0
            self._lock.notify_all()
        self._thread.join(timeout=5.0)

    def __enter__(self) -> Speaker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
