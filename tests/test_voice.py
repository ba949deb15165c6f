"""Spoken cues: the words, real speech from eSpeak NG, the chime and the one-at-a-time speaker."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from coach.cues import neglect_message, pace_message
from coach.voice import Speaker, VoiceConfig, chime, read_wav, render_wav, spoken


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "Slow down: glides at 0.80 FL/s, aim for 0.04-0.4",
            "Slow down: glides at 0.8 foot lengths per second, aim for 0.04 to 0.4",
        ),
        ("Arch: 10 s so far, give it a minute", "Arch: 10 seconds so far, give it a minute"),
        (
            "A little faster: thumb circles at 0.30 Hz, aim for 0.5-1.5",
            "A little faster: thumb circles at 0.3 per second, aim for 0.5 to 1.5",
        ),
        (
            "Hold longer: press held 1 s, aim for 2-8 s",
            "Hold longer: press held 1 seconds, aim for 2 to 8 seconds",
        ),
        ("Step done: Glides. Next: Arch circles", "Step done: Glides. Next: Arch circles"),
        ("glides at 1.00 FL/s", "glides at 1 foot lengths per second"),
    ],
)
def test_spoken_words(text: str, words: str) -> None:
    assert spoken(text) == words


def _speech_stats(samples: np.ndarray, rate: int) -> tuple[float, float, float]:
    """(seconds, RMS, share of 20 ms windows with sound)."""
    win = rate // 50
    n = len(samples) // win
    rms = np.sqrt((samples[: n * win].reshape(n, win) ** 2).mean(axis=1))
    return len(samples) / rate, float(np.sqrt((samples**2).mean())), float((rms > 0.01).mean())


@pytest.mark.parametrize(
    "cue",
    [pace_message("glide", "too_fast", 0.8), neglect_message("arch", 10.0), "Step done: Warm-up glides"],
)
def test_a_cue_rendered_to_wav_is_speech_not_silence(
    tmp_path: Path, cue: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cue.wav"
    seconds = render_wav(cue, path)
    samples, rate = read_wav(path)
    length, rms, voiced = _speech_stats(samples, rate)
    words = len(spoken(cue).split())
    assert rate >= 16000
    assert seconds == pytest.approx(length)
    # Speech: about 2-4 words a second at the default rate; not silence, not noise.
    assert words / 4.5 <= length <= words / 1.5 + 1.0, (words, length)
    assert rms > 0.02
    assert 0.4 <= voiced <= 0.98
    assert np.abs(samples).max() < 1.0
    assert "Audio saved" not in capsys.readouterr().out  # the engine's own chatter is kept off stdout


def test_speaking_rate_is_configurable(tmp_path: Path) -> None:
    slow = render_wav("Give the arch a minute", tmp_path / "slow.wav", VoiceConfig(rate_wpm=100))
    fast = render_wav("Give the arch a minute", tmp_path / "fast.wav", VoiceConfig(rate_wpm=250))
    assert slow > 1.6 * fast


def test_chime_is_soft_short_and_fades() -> None:
    c = chime(rate=22050)
    assert c.dtype == np.float32 and 0.3 <= len(c) / 22050 <= 1.5
    peak = np.abs(c).max()
    assert 0.1 < peak < 0.8
    head, tail = np.abs(c[:2000]).max(), np.abs(c[-2000:]).max()
    assert tail < 0.1 * max(head, peak)


class RecordingPlayer:
    """Plays nothing; records when each sound started and ended, and how many played at once."""

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds
        self.playing = 0
        self.most_at_once = 0
        self.rates: list[int] = []
        self._lock = threading.Lock()

    def play(self, samples: np.ndarray, rate: int) -> None:
        with self._lock:
            self.playing += 1
            self.most_at_once = max(self.most_at_once, self.playing)
        time.sleep(self.seconds)
        self.rates.append(rate)
        with self._lock:
            self.playing -= 1


def _fake_speech(text: str) -> tuple[np.ndarray, int]:
    return np.zeros(100, np.float32), 16000


def test_speaker_never_plays_two_at_once_and_keeps_the_newest() -> None:
    player = RecordingPlayer(0.1)
    with Speaker(player=player, synthesise=_fake_speech) as speaker:
        assert speaker.say("cue number 0")
        deadline = time.monotonic() + 5.0
        while player.playing == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        for k in range(1, 5):
            assert speaker.say(f"cue number {k}")
        assert speaker.idle(5.0)
        played = [u.text for u in speaker.played]
    assert player.most_at_once == 1
    # The ones that waited while the first played were replaced by the newest.
    assert played == ["cue number 0", "cue number 4"]
    for a, b in zip(speaker.played, speaker.played[1:], strict=False):
        assert b.start >= a.end


def test_speaker_drops_the_same_words_within_the_repeat_gap() -> None:
    now = [0.0]
    player = RecordingPlayer(0.0)
    config = VoiceConfig(repeat_gap_s=10.0)
    with Speaker(config, player=player, synthesise=_fake_speech, clock=lambda: now[0]) as speaker:
        assert speaker.say("Slow down: glides at 0.80 FL/s")
        speaker.idle()
        now[0] = 5.0
        assert not speaker.say("Slow down: glides at 0.80 FL/s")
        assert not speaker.say("Slow down: glides at 0.8 FL/s")  # the same words when spoken
        assert speaker.say("Arch: 10 s so far, give it a minute")
        speaker.idle()
        now[0] = 10.5
        assert speaker.say("Slow down: glides at 0.80 FL/s")
        speaker.idle()
        texts = [u.text for u in speaker.played]
    assert texts == [
        "Slow down: glides at 0.8 foot lengths per second",
        "Arch: 10 seconds so far, give it a minute",
        "Slow down: glides at 0.8 foot lengths per second",
    ]


def test_speaker_chimes_before_the_waiting_cue_and_survives_errors() -> None:
    player = RecordingPlayer(0.05)
    calls = []

    def flaky(text: str) -> tuple[np.ndarray, int]:
        calls.append(text)
        if text == "broken":
            raise RuntimeError("no voice")
        return _fake_speech(text)

    with Speaker(player=player, synthesise=flaky) as speaker:
        speaker.say("broken")
        speaker.idle()
        speaker.chime()
        speaker.say("next step")
        speaker.idle()
        texts = [u.text for u in speaker.played]
        errors = list(speaker.errors)
    assert texts == ["<chime>", "next step"]
    assert errors == ["RuntimeError: no voice"]
    assert player.rates[0] == 22050  # the chime's own rate


def test_speaker_with_real_speech_plays_speech_length_sounds() -> None:
    lengths = []

    class Measuring:
        def play(self, samples: np.ndarray, rate: int) -> None:
            lengths.append(len(samples) / rate)

    with Speaker(player=Measuring()) as speaker:
        speaker.say(pace_message("glide", "too_fast", 0.8))
        assert speaker.idle(20.0)
        assert not speaker.errors
    assert len(lengths) == 1 and 2.0 < lengths[0] < 12.0


def test_a_missing_speech_engine_is_said_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from coach import voice

    real_import = builtins.__import__

    def no_pyttsx3(name: str, *args: object, **kwargs: object) -> object:
        if name == "pyttsx3":
            raise ImportError("No module named 'pyttsx3'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyttsx3)
    problem = voice.speech_problem()
    assert problem is not None and "no speech engine" in problem and "espeak-ng" in problem
