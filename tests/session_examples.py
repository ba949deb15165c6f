"""Realistic example sessions built through the public builder, for tests and the docs screenshots.

No analysed sessions exist yet, so these are simulated: a person follows an
evening routine (glides, thumb circles on the ball, presses along the arch,
kneading, toe work), with their own pace and the odd too-fast glide. The hand
motion is drawn frame by frame in foot coordinates, so coverage, the heat map
and rhythm come out of the same code that will summarise real videos.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta

import numpy as np

from coach.session import Cue, FootInfo, Routine, Session, SessionBuilder, Stroke, VideoInfo
from coach.vocabulary import zone_of

# (type, where (u, v), seconds or repetitions): one pass of the evening routine.
_ROUTINE = (
    ("glide", None, 4),
    ("thumb_circles", (0.69, 0.35), 25.0),
    ("press", (0.40, 0.25), 3),
    ("knead", (0.45, 0.5), 20.0),
    ("thumb_circles", (0.40, 0.30), 15.0),
    ("toe_work", None, 20.0),
    ("press", (0.12, 0.5), 2),
    ("thumb_circles", (0.70, 0.70), 15.0),
    ("glide", None, 3),
)


def example_session(
    *,
    seed: int = 0,
    minutes: float = 8.0,
    fps: float = 30.0,
    glide_speed: float = 0.25,
    fast_glides: float = 0.3,
    recorded_at: str | None = "2026-11-20T21:05:00+01:00",
    created_at: str = "2026-11-20T21:20:00+01:00",
    source: str = "evening-massage.mp4",
    text: str | None = None,
    foot_found: bool = True,
) -> Session:
    """A simulated session of about ``minutes`` of video.

    Args:
        seed: random seed; the same arguments give the same session.
        minutes: length of the video.
        fps: timeline rate.
        glide_speed: typical glide speed in foot lengths per second.
        fast_glides: the fraction of glides that run at about 0.6 FL/s.
        recorded_at: when the massage happened.
        created_at: when the analysis ran.
        source: the video's name.
        text: if given, put into every free-text field (source, notes, routine, cue
            kinds and messages) after the normal text: for escaping tests.
        foot_found: False gives a session with no strokes.
    """
    rng = np.random.default_rng(seed)
    duration = minutes * 60.0
    n = int(duration * fps)
    extra = text or ""
    builder = SessionBuilder(
        VideoInfo(fps, n, n / fps, 1280, 720, source + extra),
        recorded_at=recorded_at,
        notes=("Right foot, after a long walk." + extra)
        if text is not None
        else "Right foot, after a long walk.",
        routine=Routine("Evening routine" + extra, 480.0),
    )
    builder.set_foot(FootInfo(foot_found, n if foot_found else 0, 410.0 if foot_found else None))
    frame = 0

    def emit(stroke: str | None, uv: tuple[float, float] | None) -> float:
        nonlocal frame
        now = frame / fps
        zone = None if uv is None else zone_of(*uv)
        builder.add_frame(now, stroke, zone, uv)
        frame += 1
        return now

    if not foot_found:
        while frame < n:
            emit(None, None)
        return builder.summary(created_at=created_at)

    step = 0
    last_uv = (0.3, 0.5)
    while frame < n:
        kind, where, amount = _ROUTINE[step % len(_ROUTINE)]
        step += 1
        reps = int(amount) if kind in ("glide", "press") else 1
        for _ in range(reps):
            # Moving between spots: contact drifts, no stroke.
            for _ in range(int(rng.uniform(0.4, 1.5) * fps)):
                if frame >= n:
                    break
                last_uv = (
                    float(np.clip(last_uv[0] + rng.normal(0, 0.01), 0, 1)),
                    float(np.clip(last_uv[1] + rng.normal(0, 0.01), 0, 1)),
                )
                emit(None, last_uv if rng.random() > 0.3 else None)
            if frame >= n:
                break
            start = frame / fps
            zones: Counter[str] = Counter()
            measure: dict[str, float | str | None] = {}
            if kind == "glide":
                fast = rng.random() < fast_glides
                speed = float(rng.normal(0.62, 0.08) if fast else rng.normal(glide_speed, 0.04))
                speed = max(0.05, speed)
                up = rng.random() < 0.8
                v0 = float(rng.uniform(0.25, 0.7))
                length = 0.85
                frames = max(3, int(length / speed * fps))
                for i in range(frames):
                    s = i / (frames - 1)
                    u = 0.07 + length * (s if up else 1 - s)
                    uv = (u, v0 + 0.05 * math.sin(3 * s))
                    zones[zone_of(*uv)] += 1
                    emit("glide", uv)
                measure = {"direction": "heel_to_toe" if up else "toe_to_heel", "speed_fl_s": speed}
                last_uv = uv
            elif kind == "press":
                u0, v0 = where  # type: ignore[misc]
                u0 = float(u0 + rng.uniform(-0.05, 0.15))
                hold = float(rng.uniform(1.5, 7.0))
                for _ in range(int(hold * fps)):
                    uv = (u0 + rng.normal(0, 0.003), v0 + rng.normal(0, 0.003))
                    zones[zone_of(*uv)] += 1
                    emit("press", uv)
                measure = {"hold_s": hold}
                last_uv = (u0, v0)
            else:
                seconds = float(amount) * rng.uniform(0.7, 1.3)
                rate = {"thumb_circles": 1.1, "knead": 0.8, "toe_work": 1.2}[kind] * rng.uniform(0.75, 1.35)
                for i in range(int(seconds * fps)):
                    phase = 2 * math.pi * rate * i / fps
                    if kind == "thumb_circles":
                        u0, v0 = where  # type: ignore[misc]
                        uv = (u0 + 0.04 * math.cos(phase), v0 + 0.04 * math.sin(phase))
                    elif kind == "knead":
                        u0, _ = where  # type: ignore[misc]
                        uv = (u0 + 0.02 * math.sin(phase / 3), 0.5 + 0.3 * math.sin(phase))
                    else:
                        toe = int(rate * i / fps) % 5
                        uv = (0.86 + 0.04 * math.sin(phase), 0.1 + 0.2 * toe)
                    zones[zone_of(*uv)] += 1
                    emit(kind, uv)
                    if frame >= n:
                        break
                measure = {"rate_hz": rate}
                last_uv = uv
            end = frame / fps
            stroke = Stroke(
                start_s=start,
                end_s=end,
                type=kind,
                zone=zones.most_common(1)[0][0],
                confidence=float(rng.uniform(0.6, 0.98)),
                **measure,  # type: ignore[arg-type]
            )
            builder.add_stroke(stroke)
            if stroke.pace == "too_fast":
                what = "glide" if kind == "glide" else kind.replace("_", " ")
                builder.add_cue(Cue(end, "pace" + extra, f"Slower: that {what} was quick." + extra))
            elif stroke.pace == "too_slow" and kind == "press":
                builder.add_cue(Cue(end, "pace" + extra, "Hold each press a little longer." + extra))
            if frame >= n:
                break
    builder.add_cue(Cue(duration / 2, "coverage" + extra, "Halfway: the toes could use more time." + extra))
    return builder.summary(created_at=created_at)


def example_history(count: int = 9, *, text: str | None = None) -> list[Session]:
    """A fortnight of practice: most evenings, a gap, glides slowing down as the person learns."""
    start = datetime.fromisoformat("2026-11-10T21:00:00+01:00")
    day_offsets = (0, 1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 13)[:count]
    sessions = []
    for i, offset in enumerate(day_offsets):
        when = start + timedelta(days=offset, minutes=int(i * 7) % 40)
        sessions.append(
            example_session(
                seed=100 + i,
                minutes=(3.5, 6.0, 7.5, 4.0, 8.0, 9.0, 6.5, 10.0, 7.0, 8.5, 9.5, 7.5)[i],
                fps=15.0,
                glide_speed=0.30 - 0.012 * i,
                fast_glides=max(0.0, 0.5 - 0.06 * i),
                recorded_at=when.isoformat(),
                created_at=(when + timedelta(minutes=20)).isoformat(),
                source=f"evening-{when:%m%d}.mp4",
                text=text,
            )
        )
    return sessions
