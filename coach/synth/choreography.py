"""Choreographies: typed plans of massage strokes, and their motion frame by frame.

A :class:`Choreography` is a sequence of :class:`Stroke` plans, each with the
move (and optionally a lift off the foot) that leads to it. :func:`plan`
turns it into a :class:`Track`: per video frame, where the working hand's
contact point is in the foot frame (FL), which landmarks define that point,
which stroke is under way, and the hand's articulation. All motion is in foot
lengths (FL) and seconds, never pixels, so a glide planned at 0.2 FL/s moves
0.2 FL per second wherever and however large the foot is drawn.

The contact point is the thumb tip for ``thumb_circles``, ``press`` and
``toe_work``, and the palm centre (mean of the wrist and the four knuckles)
for ``glide`` and ``knead``; while the hand moves between strokes it blends
linearly from one definition to the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from coach.landmarks import NUM_LANDMARKS, PALM_CENTRE, HandLandmark
from coach.synth.foot import TOES, FootModel
from coach.vocabulary import GLIDE_DIRECTIONS, GLIDE_MIN_FL, PRESS_MIN_S, STROKE_TYPES, zone_of

L = HandLandmark

RULES_VERSION = 2
"""Version of what :func:`random_choreography` draws (2: a press shorter than the spec's 1 s is held 1 s).

Recorded in a clip's labels, so a clip cached under older rules is rendered again.
"""

CONTACT_LANDMARKS: dict[str, tuple[HandLandmark, ...]] = {
    "glide": PALM_CENTRE,
    "knead": PALM_CENTRE,
    "thumb_circles": (L.THUMB_TIP,),
    "press": (L.THUMB_TIP,),
    "toe_work": (L.THUMB_TIP,),
}
NAMED: tuple[str, ...] = ("good_session", "rushed_session", "neglects_arches")


def contact_weights(stroke_type: str) -> np.ndarray:
    """(21,) weights whose weighted mean of the landmarks is the contact point of a stroke type."""
    w = np.zeros(NUM_LANDMARKS)
    idx = list(CONTACT_LANDMARKS[stroke_type])
    w[idx] = 1.0 / len(idx)
    return w


@dataclass(frozen=True)
class Stroke:
    """One planned stroke and how the hand gets to it.

    Attributes:
        type: one of the spec's stroke types.
        at: (u, v) the spot worked, or where a glide starts.
        to: (u, v) where a glide ends (glides only).
        speed_fl_s: glide speed along its path, FL/s (glides only).
        rate_hz: cycles per second (thumb_circles, knead, toe_work).
        cycles: how many cycles (per toe, for toe_work).
        hold_s: how long a press holds.
        size_fl: circle diameter, knead swing (peak to peak) or toe pull, FL.
        move_s: time to move here from where the hand was (no stroke).
        away_s: time the hand spends off the foot before that move (0: it stays on).
    """

    type: str
    at: tuple[float, float]
    to: tuple[float, float] | None = None
    speed_fl_s: float | None = None
    rate_hz: float | None = None
    cycles: float | None = None
    hold_s: float | None = None
    size_fl: float = 0.08
    move_s: float = 0.8
    away_s: float = 0.0

    def __post_init__(self) -> None:
        if self.type not in STROKE_TYPES:
            raise ValueError(f"Stroke.type must be one of {STROKE_TYPES}, got {self.type!r}")
        if not (0.0 <= self.at[0] <= 1.0 and 0.0 <= self.at[1] <= 1.0):
            raise ValueError(f"Stroke.at must be within the foot (u, v in 0-1), got {self.at}")
        if self.type == "glide":
            if self.to is None or self.speed_fl_s is None or self.speed_fl_s <= 0:
                raise ValueError("a glide needs `to` and a positive `speed_fl_s`")
            if abs(self.to[0] - self.at[0]) < GLIDE_MIN_FL:
                raise ValueError(f"a glide travels at least {GLIDE_MIN_FL} FL along u")
        elif self.type == "press":
            # The labels call it a press, so it must be one by the spec's definition.
            if self.hold_s is None or self.hold_s < PRESS_MIN_S:
                raise ValueError(f"a press holds at least {PRESS_MIN_S} s (`hold_s`)")
        elif self.rate_hz is None or self.rate_hz <= 0 or self.cycles is None or self.cycles <= 0:
            raise ValueError(f"a {self.type} stroke needs a positive `rate_hz` and `cycles`")
        if self.type == "thumb_circles" and not 0 < self.size_fl <= 0.15:
            raise ValueError("thumb circles are at most 0.15 FL across")
        if self.move_s <= 0 or self.away_s < 0:
            raise ValueError("Stroke.move_s must be positive and away_s >= 0")

    @property
    def direction(self) -> str | None:
        """A glide's direction, "heel_to_toe" or "toe_to_heel"; None for other strokes."""
        if self.type != "glide" or self.to is None:
            return None
        return GLIDE_DIRECTIONS[0] if self.to[0] > self.at[0] else GLIDE_DIRECTIONS[1]

    @property
    def zone(self) -> str:
        """The zone the stroke is planned in (a glide's: at its middle)."""
        u, v = self.at
        if self.to is not None:
            u, v = (u + self.to[0]) / 2, (v + self.to[1]) / 2
        return zone_of(u, v)


@dataclass(frozen=True)
class Choreography:
    """A named sequence of strokes.

    Attributes:
        name: e.g. "good_session".
        strokes: the plan, in order.
        tail_s: time after the last stroke, hand resting off the foot.
    """

    name: str
    strokes: tuple[Stroke, ...]
    tail_s: float = 1.0

    def __post_init__(self) -> None:
        if not self.strokes:
            raise ValueError("a choreography needs at least one stroke")


@dataclass(frozen=True)
class HandStyle:
    """The articulation a stroke type asks of the hand (radians).

    Attributes:
        flex: finger joint flexion (index to pinky), same for each of the three joints.
        thumb_flex: thumb joint flexion.
        thumb_abduction: thumb spread from the index finger.
        angle: hand direction relative to the line from the forearm's origin.
    """

    flex: float
    thumb_flex: float
    thumb_abduction: float
    angle: float


STYLES: dict[str, HandStyle] = {
    "glide": HandStyle(0.15, 0.10, 0.55, 0.00),
    "knead": HandStyle(0.45, 0.25, 0.70, 0.10),
    "thumb_circles": HandStyle(0.35, 0.10, 0.95, 0.25),
    "press": HandStyle(0.30, 0.05, 1.00, 0.25),
    "toe_work": HandStyle(0.50, 0.20, 0.90, 0.15),
}
REST = HandStyle(0.25, 0.15, 0.70, 0.10)


@dataclass(frozen=True)
class Track:
    """A choreography unrolled over video frames.

    Attributes:
        fps: frame rate.
        t_s: (n,) frame times.
        contact: (n, 2) the contact point's target in the foot frame (a, s), FL.
        weights: (n, 21) landmark weights defining the contact point.
        stroke: (n,) index into ``strokes`` of the stroke under way, -1 for none.
        lift: (n,) 0 with the hand on the foot, 1 when fully off it.
        flex: (n, 5, 3) joint flexion, thumb first.
        thumb_abduction: (n,) radians.
        angle: (n,) hand direction offset, radians.
        strokes: the planned strokes, in order.
    """

    fps: float
    t_s: np.ndarray
    contact: np.ndarray
    weights: np.ndarray
    stroke: np.ndarray
    lift: np.ndarray
    flex: np.ndarray
    thumb_abduction: np.ndarray
    angle: np.ndarray
    strokes: tuple[Stroke, ...] = field(default=())

    def __post_init__(self) -> None:
        n = len(self.t_s)
        shapes = {
            "contact": (n, 2),
            "weights": (n, NUM_LANDMARKS),
            "stroke": (n,),
            "lift": (n,),
            "flex": (n, 5, 3),
            "thumb_abduction": (n,),
            "angle": (n,),
        }
        for name, shape in shapes.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"Track.{name} must be {shape}, got {getattr(self, name).shape}")

    def __len__(self) -> int:
        return len(self.t_s)


def _ease(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _stroke_motion(stroke: Stroke, foot: FootModel, t: np.ndarray) -> np.ndarray:
    """Contact path of one stroke, (len(t), 2) in the foot frame, ``t`` from the stroke's start."""
    start = foot.uv_to_as(np.array(stroke.at))
    if stroke.type == "glide":
        assert stroke.to is not None and stroke.speed_fl_s is not None
        end = foot.uv_to_as(np.array(stroke.to))
        length = float(np.hypot(*(end - start)))
        f = np.clip(t * stroke.speed_fl_s / length, 0.0, 1.0)[:, None]
        return start + f * (end - start)
    if stroke.type == "press":
        # A press drifts a little, well under the spec's 0.03 FL.
        return start + np.stack([0.004 * np.sin(t * 1.3), 0.004 * np.sin(t * 0.9)], axis=1)
    assert stroke.rate_hz is not None
    ph = 2 * math.pi * stroke.rate_hz * t
    if stroke.type == "thumb_circles":
        r = stroke.size_fl / 2
        # The circle starts where the stroke starts: centre offset by one radius.
        return start + r * np.stack([np.cos(ph) - 1.0, np.sin(ph)], axis=1)
    if stroke.type == "knead":
        return start + np.stack([0.01 * np.sin(2 * ph), 0.5 * stroke.size_fl * np.sin(ph)], axis=1)
    # toe_work: step from toe to toe, big toe first, pulling each along the foot's axis;
    # the thumb slides to the next toe over the first quarter of that toe's time.
    assert stroke.cycles is not None
    per_toe = stroke.cycles / stroke.rate_hz
    toe = np.minimum((t // per_toe).astype(int), len(TOES) - 1)
    pull_fl = min(stroke.size_fl, 0.04)
    centres = foot.toe_spots
    previous = centres[np.maximum(toe - 1, 0)]
    f = _ease((t - toe * per_toe) / (0.25 * per_toe))[:, None]
    out = previous * (1 - f) + centres[toe] * f
    out[:, 0] += 0.5 * pull_fl * (1 - np.cos(ph))
    return out


def stroke_duration(stroke: Stroke, foot: FootModel) -> float:
    """How long a stroke lasts, in seconds (a glide's from its length and speed)."""
    if stroke.type == "glide":
        assert stroke.to is not None and stroke.speed_fl_s is not None
        d = foot.uv_to_as(np.array(stroke.to)) - foot.uv_to_as(np.array(stroke.at))
        return float(np.hypot(*d)) / stroke.speed_fl_s
    if stroke.type == "press":
        assert stroke.hold_s is not None
        return stroke.hold_s
    assert stroke.cycles is not None and stroke.rate_hz is not None
    n = len(TOES) if stroke.type == "toe_work" else 1
    return n * stroke.cycles / stroke.rate_hz


def plan(choreo: Choreography, foot: FootModel, fps: float, duration_s: float | None = None) -> Track:
    """Unrolls a choreography into per-frame targets.

    Args:
        choreo: the strokes.
        foot: the foot model (its outline turns (u, v) into FL).
        fps: frames per second.
        duration_s: cut the session here; None for the choreography's full length.

    Returns:
        The per-frame track.
    """
    # Phases: (kind, start, end, stroke index); kind is "enter", "away", "move", "stroke" or "leave".
    phases: list[tuple[str, float, float, int]] = []
    t = 0.5  # the hand starts just off the foot and comes in
    phases.append(("enter", 0.0, t, -1))
    for k, s in enumerate(choreo.strokes):
        if s.away_s > 0:
            phases.append(("away", t, t + s.away_s, -1))
            t += s.away_s
        phases.append(("move", t, t + s.move_s, k))
        t += s.move_s
        d = stroke_duration(s, foot)
        phases.append(("stroke", t, t + d, k))
        t += d
    phases.append(("leave", t, t + choreo.tail_s, -1))
    t += choreo.tail_s
    total = t if duration_s is None else min(t, duration_s)
    n = max(1, math.floor(total * fps + 1e-9))
    ts = np.arange(n) / fps

    contact = np.zeros((n, 2))
    weights = np.zeros((n, NUM_LANDMARKS))
    stroke_idx = np.full(n, -1, np.int64)
    lift = np.zeros(n)
    flex = np.zeros((n, 5, 3))
    abd = np.zeros(n)
    angle = np.zeros(n)

    def style_at(k: int) -> HandStyle:
        return STYLES[choreo.strokes[k].type] if k >= 0 else REST

    # Where each stroke begins and ends, for the moves between them.
    ends = {}
    for kind, a, b, k in phases:
        if kind == "stroke":
            s = choreo.strokes[k]
            ends[k] = _stroke_motion(s, foot, np.array([0.0, b - a]))
    first = choreo.strokes[0]
    rest_point = foot.uv_to_as(np.array(first.at))
    prev_point, prev_w, prev_style = rest_point, contact_weights(first.type), REST
    for kind, a, b, k in phases:
        sel = (ts >= a) & (ts < b)
        if kind == "stroke":
            s = choreo.strokes[k]
            contact[sel] = _stroke_motion(s, foot, ts[sel] - a)
            weights[sel] = contact_weights(s.type)
            stroke_idx[sel] = k
            st = style_at(k)
            _fill_style(flex, abd, angle, sel, st, st, np.ones(sel.sum()), ts[sel])
            if s.type == "knead":  # wringing: the hand rocks with the stroke
                angle[sel] += 0.12 * np.sin(2 * math.pi * (s.rate_hz or 1.0) * (ts[sel] - a))
            prev_point, prev_w, prev_style = ends[k][1], contact_weights(s.type), st
        elif kind == "move":
            f = _ease((ts[sel] - a) / (b - a))[:, None]
            target = ends[k][0]
            contact[sel] = prev_point * (1 - f) + target * f
            weights[sel] = prev_w * (1 - f) + contact_weights(choreo.strokes[k].type) * f
            _fill_style(flex, abd, angle, sel, prev_style, style_at(k), f[:, 0], ts[sel])
        else:
            # Off the foot: coming in at the start, leaving at the end, or lift, stay and return.
            ramp = min(0.4, (b - a) / 2)
            x = ts[sel] - a
            if kind == "enter":
                lift[sel] = 1.0 - _ease(x / (b - a))
            elif kind == "leave":
                lift[sel] = _ease(x / ramp)
            else:
                lift[sel] = np.minimum(_ease(x / ramp), _ease((b - a - x) / ramp))
            contact[sel] = prev_point
            weights[sel] = prev_w
            _fill_style(flex, abd, angle, sel, prev_style, REST, _ease(x / max(b - a, 1e-6)), ts[sel])
            prev_style = REST
    return Track(fps, ts, contact, weights, stroke_idx, lift, flex, abd, angle, choreo.strokes)


def _fill_style(
    flex: np.ndarray,
    abd: np.ndarray,
    angle: np.ndarray,
    sel: np.ndarray,
    a: HandStyle,
    b: HandStyle,
    f: np.ndarray,
    t: np.ndarray,
) -> None:
    """Blends two hand styles over the selected frames, with a slow natural wobble of the joints."""
    if not sel.any():
        return
    wob = 0.06 * np.sin(2 * math.pi * 0.23 * t)
    fl = a.flex * (1 - f) + b.flex * f + wob
    th = a.thumb_flex * (1 - f) + b.thumb_flex * f
    flex[sel, 1:, :] = fl[:, None, None] * np.array([1.0, 1.0, 0.7])
    flex[sel, 0, :] = th[:, None] * np.array([0.6, 1.0, 1.0])
    abd[sel] = a.thumb_abduction * (1 - f) + b.thumb_abduction * f + 0.5 * wob
    angle[sel] = a.angle * (1 - f) + b.angle * f


# ----------------------------------------------------------------------------- named sessions


def _glides(n: int, v: float, speed: float, u0: float = 0.12, u1: float = 0.62) -> list[Stroke]:
    """``n`` heel-to-toe glides along line ``v``, each followed by a lifted return."""
    return [
        Stroke("glide", (u0, v), (u1, v), speed_fl_s=speed, move_s=0.9 if i == 0 else 1.2) for i in range(n)
    ]


def good_session() -> Choreography:
    """Slow, deliberate strokes in the spec's good bands, covering every zone (about 28 s)."""
    return Choreography(
        "good_session",
        (
            *_glides(2, 0.5, 0.3),
            Stroke("thumb_circles", (0.42, 0.28), rate_hz=1.0, cycles=4, size_fl=0.08),
            Stroke("press", (0.68, 0.30), hold_s=2.5),
            Stroke("knead", (0.46, 0.5), rate_hz=0.8, cycles=2, size_fl=0.12),
            Stroke("thumb_circles", (0.12, 0.5), rate_hz=0.9, cycles=2, size_fl=0.07),
            Stroke("thumb_circles", (0.45, 0.75), rate_hz=1.0, cycles=2, size_fl=0.07, away_s=0.8),
            Stroke("toe_work", (0.86, 0.5), rate_hz=1.25, cycles=1),
        ),
    )


def rushed_session() -> Choreography:
    """The same routine done in a hurry: fast glides, quick circles, short presses (about 24 s)."""
    return Choreography(
        "rushed_session",
        (
            *[Stroke("glide", (0.10, 0.5), (0.64, 0.5), speed_fl_s=0.8, move_s=0.5) for _ in range(4)],
            Stroke("thumb_circles", (0.42, 0.28), rate_hz=2.5, cycles=8, size_fl=0.08, move_s=0.4),
            Stroke("press", (0.68, 0.30), hold_s=1.0, move_s=0.4),
            Stroke("press", (0.68, 0.65), hold_s=1.0, move_s=0.4),
            Stroke("knead", (0.46, 0.5), rate_hz=1.8, cycles=5, size_fl=0.12, move_s=0.4),
            Stroke("thumb_circles", (0.12, 0.5), rate_hz=2.2, cycles=5, size_fl=0.07, move_s=0.4),
            Stroke("toe_work", (0.86, 0.5), rate_hz=2.5, cycles=1, move_s=0.4),
            *[Stroke("glide", (0.10, 0.35), (0.64, 0.35), speed_fl_s=0.9, move_s=0.5) for _ in range(2)],
        ),
    )


def neglects_arches() -> Choreography:
    """Good pace, but the arch (medial mid-sole) is never worked (about 23 s)."""
    return Choreography(
        "neglects_arches",
        (
            *_glides(1, 0.78, 0.22),
            Stroke("thumb_circles", (0.12, 0.5), rate_hz=1.0, cycles=2, size_fl=0.08),
            Stroke("thumb_circles", (0.45, 0.75), rate_hz=1.0, cycles=3, size_fl=0.08),
            Stroke("press", (0.68, 0.55), hold_s=2.5),
            Stroke("knead", (0.70, 0.6), rate_hz=0.8, cycles=2, size_fl=0.10),
            Stroke("toe_work", (0.86, 0.5), rate_hz=1.2, cycles=1, away_s=0.8),
        ),
    )


def random_choreography(seed: int, duration_s: float = 20.0) -> Choreography:
    """A random session from a seed: strokes of every type in random zones, at good and bad paces.

    Args:
        seed: the same seed gives the same choreography.
        duration_s: roughly how long the strokes last in all (moves included).
    """
    rng = np.random.default_rng(seed)

    def draw(lo: float, hi: float) -> float:
        return round(float(rng.uniform(lo, hi)), 2)

    strokes: list[Stroke] = []
    total = 0.5
    while total < duration_s:
        kind = STROKE_TYPES[int(rng.integers(len(STROKE_TYPES)))]
        fast = rng.random() < 0.3
        move = draw(0.7, 1.4)
        away = draw(0.5, 1.5) if rng.random() < 0.15 else 0.0
        u = draw(0.08, 0.72)
        v = draw(0.15, 0.85)
        if kind == "glide":
            u0, u1 = sorted((draw(0.08, 0.78), draw(0.08, 0.78)))
            if u1 - u0 < 0.35:
                u0, u1 = 0.10, 0.76
            if rng.random() < 0.3:
                u0, u1 = u1, u0
            speed = draw(0.5, 1.0) if fast else draw(0.08, 0.38)
            s = Stroke("glide", (u0, v), (u1, v), speed_fl_s=speed, move_s=move, away_s=away)
        elif kind == "press":
            # A quick press still holds the spec's second; lengthening only the short ones
            # leaves every other draw, and the clips without one, as they were.
            hold = max(PRESS_MIN_S, draw(0.8, 1.5)) if fast else draw(2, 5)
            s = Stroke("press", (u, v), hold_s=hold)
        elif kind == "toe_work":
            s = Stroke("toe_work", (0.86, 0.5), rate_hz=draw(0.8, 2.5), cycles=1, move_s=move)
        else:
            hi = 3.0 if kind == "thumb_circles" else 2.2
            rate = draw(1.6, hi) if fast else draw(0.6, 1.3)
            size = draw(0.05, 0.14)
            s = Stroke(
                kind, (u, v), rate_hz=rate, cycles=float(rng.integers(2, 6)), size_fl=size, move_s=move
            )
        if away and s.away_s == 0:
            s = Stroke(**{**s.__dict__, "away_s": away})
        strokes.append(s)
        total += s.move_s + s.away_s + _rough_duration(s)
    return Choreography(f"random_{seed}", tuple(strokes))


def _rough_duration(s: Stroke) -> float:
    if s.type == "glide":
        assert s.to is not None and s.speed_fl_s is not None
        return abs(s.to[0] - s.at[0]) / s.speed_fl_s
    if s.type == "press":
        return s.hold_s or 0.0
    n = len(TOES) if s.type == "toe_work" else 1
    return n * (s.cycles or 0.0) / (s.rate_hz or 1.0)


def by_name(name: str, seed: int = 0, duration_s: float = 20.0) -> Choreography:
    """A named choreography, or ``"random"`` for :func:`random_choreography`.

    Raises:
        ValueError: an unknown name.
    """
    named = {
        "good_session": good_session,
        "rushed_session": rushed_session,
        "neglects_arches": neglects_arches,
    }
    if name == "random":
        return random_choreography(seed, duration_s)
    if name not in named:
        raise ValueError(f"unknown choreography {name!r}; expected one of {(*NAMED, 'random')}")
    return named[name]()
