"""Stroke stage: which stroke the working hand is doing, where, and how fast.

Input is the contact track (:mod:`coach.contact`), in foot coordinates. Every
decision is a readable rule over transparent measurements (:mod:`coach.motion`):

- ``press``: the thumb and the palm stay within ``press_drift_fl`` of one spot
  (a palm rocking round a still thumb kneads);
- ``glide``: the palm travels at least ``glide_min_travel_fl`` along ``u`` in
  one direction, in a nearly straight line;
- ``thumb_circles``: the thumb tip repeats small, round loops;
- ``knead``: the hand oscillates across the foot (along ``v``), the palm short of the toes
  (judged before toe work: the thumb may rest on the toes while the palm kneads the ball);
- ``toe_work``: the thumb works in the toes zone, repeating a movement;
- anything else is no stroke.

The same rules run offline over a whole recording (:func:`segment_strokes`,
centred windows, with hindsight) and live, frame by frame
(:class:`StrokeEngine`, trailing windows).
"""

from __future__ import annotations

import functools
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from coach.contact import POINTS, Contact
from coach.motion import Oscillation, detrend, max_drift, oscillation, path_length, running_median, smooth
from coach.session import Stroke
from coach.vocabulary import GLIDE_MIN_FL, PRESS_MIN_S, zone_of

_T, _P = POINTS.index("thumb"), POINTS.index("palm")
# Which of the hand's points a stroke is done with (its zone and contact).
PRIMARY_POINT: dict[str, str] = {
    "glide": "palm",
    "thumb_circles": "thumb",
    "press": "thumb",
    "knead": "palm",
    "toe_work": "thumb",
}


@dataclass(frozen=True)
class StrokeConfig:
    """Thresholds of the stroke rules, all in foot lengths (FL), seconds and Hz.

    Attributes:
        window_s: the longest window a moment is judged on, offline (centred);
            shorter windows (a half and three quarters of it) are tried first,
            so quick strokes are judged on their own and slow ones still show
            enough repetitions.
        live_window_s: the window live (trailing); shorter so a stroke is named
            within a second of its start.
        min_present_share: share of a window the hand must be on the foot.
        press_drift_fl: a press stays within this distance of its spot (spec: ~0.03 FL).
        press_min_s: a press lasts at least this long (spec: 1 s).
        press_settle_fl: a press holds from the first to the last frame its thumb
            tip and palm are within this distance of the spots they hold (a third
            of the drift limit: a thumb easing in or out is further off).
        press_gap_s: two still stretches at the same spot at most this far
            apart, the thumb tip leaping away between them, are one press (the
            tracker misplaced the thumb tip; a still moment needs a quarter
            second of stillness either side, so a slip of 0.3 s leaves a gap of 0.8 s).
        glide_min_travel_fl: a glide travels at least this far along u (spec: 0.3 FL).
        glide_min_straightness: net distance over path length of a glide.
        glide_min_speed_fl_s: slower than this, the hand is not gliding but resting.
        glide_max_surge: peak speed over mean speed of a glide; a repositioning
            move (bell-shaped speed) reaches about 1.5.
        glide_dip_ratio: a slow-down below this share of the speed on both sides
            ends one stretch of travel and starts another.
        glide_speed_change: travel that is not a glide as a whole is cut where
            its pace changes by this factor (a slow glide flowing into a quick move).
        glide_min_steady_s: the shortest stretch of one pace such a cut leaves.
        cyclic_min_strength: share of the motion's energy at its main rate for a
            repeated stroke (0-1; noise is about 0.1-0.3, a stroke over 0.6).
        min_cycles: repetitions a window must show to be a cyclic stroke.
        live_min_cycles: the same live, where a stroke must be named within a second.
        circle_min_circularity: how round a thumb loop must be (0 line, 1 circle).
        circle_max_size_fl: largest thumb loop (spec: ~0.15 FL diameter, plus slack).
        knead_min_across: share of a knead's movement that is across the foot (v).
        toe_min_u: the thumb's median u for toe work (spec: toes zone from 0.78).
        toe_margin_u, toe_min_share: the thumb is within this margin of the toes
            zone (its base is right at the zone's edge) for this share of the window.
        min_stroke_s: shorter segments are not strokes.
        rest_window_s: a cyclic stroke's point is at rest when, over this time,
        rest_share: it stays within this share of the stroke's reach of one spot.
        circle_max_straightness: a thumb circle's point, over half a cycle, covers
            a chord at most this share of its path (a circle's half is 2/pi of
            it); a straighter moment is the thumb arriving or leaving.
        slip_min_fl, slip_speed_fl_s: a leap of the palm at least this long and
            this fast between two frames is the tracked hand slipping to another.
        slip_max_s: the longest slip that is bridged (it must leap back within this time).
        thumb_median_s: a press's stillness is judged on the thumb tip's running
            median over this time: the tracked tip of a flexed thumb jumps back
            and forth along the thumb while the hand holds still.
    """

    window_s: float = 3.2
    live_window_s: float = 1.0
    min_present_share: float = 0.6
    press_drift_fl: float = 0.03
    press_min_s: float = PRESS_MIN_S
    press_settle_fl: float = 0.01
    press_gap_s: float = 0.8
    glide_min_travel_fl: float = GLIDE_MIN_FL
    glide_min_straightness: float = 0.7
    glide_min_speed_fl_s: float = 0.02
    glide_max_surge: float = 1.3
    glide_dip_ratio: float = 0.35
    glide_speed_change: float = 1.5
    glide_min_steady_s: float = 0.3
    cyclic_min_strength: float = 0.45
    min_cycles: float = 1.2
    live_min_cycles: float = 0.7
    circle_min_circularity: float = 0.5
    circle_max_size_fl: float = 0.22
    knead_min_across: float = 0.6
    toe_min_u: float = 0.78
    toe_margin_u: float = 0.05
    toe_min_share: float = 0.8
    min_stroke_s: float = 0.6
    rest_window_s: float = 0.5
    rest_share: float = 0.5
    circle_max_straightness: float = 0.85
    slip_min_fl: float = 0.1
    slip_speed_fl_s: float = 4.0
    slip_max_s: float = 1.5
    thumb_median_s: float = 0.6

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not value > 0:
                raise ValueError(f"StrokeConfig.{name} must be positive, got {value}")
        if self.live_window_s > self.window_s:
            raise ValueError("live_window_s must not exceed window_s")


@dataclass(frozen=True)
class ContactTrack:
    """A stretch of contacts as arrays.

    Attributes:
        t_s: (n,) seconds, increasing.
        uv: (n, 3, 2) thumb, fingers and palm in foot coordinates (u, v) (NaN when absent).
        fl: (n, 3, 2) the same points in foot lengths (a, s), where motion is measured.
        present: (n,) bool, the working hand is on the foot.
    """

    t_s: np.ndarray
    uv: np.ndarray
    fl: np.ndarray
    present: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.t_s)
        if self.uv.shape != (n, 3, 2) or self.fl.shape != (n, 3, 2) or self.present.shape != (n,):
            raise ValueError("ContactTrack needs t_s (n,), uv and fl (n, 3, 2), present (n,)")

    @classmethod
    def from_contacts(cls, contacts: list[Contact]) -> ContactTrack:
        if not contacts:
            return cls(np.zeros(0), np.zeros((0, 3, 2)), np.zeros((0, 3, 2)), np.zeros(0, bool))
        return cls(
            np.array([c.t_ms / 1000.0 for c in contacts]),
            np.array([c.uv for c in contacts], np.float64),
            np.array([c.fl for c in contacts], np.float64),
            np.array([c.present for c in contacts], bool),
        )

    def __len__(self) -> int:
        return len(self.t_s)

    def slice(self, i: int, j: int) -> ContactTrack:
        return ContactTrack(self.t_s[i:j], self.uv[i:j], self.fl[i:j], self.present[i:j])


@dataclass(frozen=True)
class WindowVerdict:
    """What one window of contact looks like.

    Attributes:
        type: a stroke type, or None for no stroke.
        confidence: 0-1.
        oscillation: the primary point's repetition (for rates).
        start_s: when the stroke began, where the rule knows (glides).
    """

    type: str | None
    confidence: float
    oscillation: Oscillation = field(default_factory=Oscillation.none)
    start_s: float | None = None


def _across_share(t: np.ndarray, uv: np.ndarray) -> float:
    """Share of the (detrended) movement that goes across the foot, along v."""
    x = detrend(t, uv)
    var = x.var(axis=0)
    return float(var[1] / max(var.sum(), 1e-12))


def classify_window(
    t: np.ndarray, uv: np.ndarray, fl: np.ndarray, config: StrokeConfig, min_cycles: float | None = None
) -> WindowVerdict:
    """Judges one window of present contacts (glides are found separately).

    Args:
        t: (n,) seconds.
        uv: (n, 3, 2) thumb, fingers, palm in foot coordinates (u, v), all present.
        fl: (n, 3, 2) the same in foot lengths (a, s).
        config: thresholds.
        min_cycles: repetitions a cyclic stroke must show (default ``config.min_cycles``).
    """
    cycles = config.min_cycles if min_cycles is None else min_cycles
    if len(t) < 4:
        return WindowVerdict(None, 0.0)
    thumb, palm = fl[:, _T], fl[:, _P]
    # The thumb's repetition, computed once if the press, toe-work or circles test needs it.
    thumb_osc = functools.cache(lambda: oscillation(t, thumb))
    span = float(t[-1] - t[0])
    osc_p = oscillation(t, palm)
    across = _across_share(t, palm)
    # Kneading rocks back and forth across the foot; a palm going round with circling thumbs does not knead.
    kneading = (
        _repeats(palm, osc_p, span, cycles, config)
        and across >= config.knead_min_across
        and abs(osc_p.circularity) < config.circle_min_circularity
    )
    # A press holds the hand still, palm and thumb; a palm rocking across the
    # foot further than a press drifts kneads, however still the thumb (it may
    # be the pivot). The size keeps a held palm's jitter from passing for a knead.
    rocking = kneading and osc_p.amplitude_fl >= config.press_drift_fl
    if max_drift(palm) < config.press_drift_fl and not rocking:
        # The thumb tip's drift is that of its running median unless it goes round (see find_presses).
        drift = max_drift(thumb)
        if drift >= config.press_drift_fl and not _round(thumb_osc(), config):
            drift = max_drift(running_median(t, thumb, config.thumb_median_s))
        if drift < config.press_drift_fl:
            return WindowVerdict("press", 1.0 - 0.5 * drift / config.press_drift_fl)
    if kneading and np.median(uv[:, _P, 0]) < config.toe_min_u:
        # The palm works across the ball (or further back) while the thumb may rest on the toes.
        return WindowVerdict("knead", 0.5 + 0.25 * osc_p.strength + 0.25 * across, osc_p)
    if np.median(uv[:, _T, 0]) >= config.toe_min_u:
        # Oscillating or stepping from toe to toe (the centre may move); a hand
        # passing over the toes on its way somewhere is not toe work.
        # The thumb stays on the toes: a hand resting there and then leaving
        # for the sole makes one sweep that the spectrum alone takes for a cycle.
        osc = thumb_osc()
        on_toes = float(np.mean(uv[:, _T, 0] >= config.toe_min_u - config.toe_margin_u))
        if (
            osc.rate_hz * span < cycles
            or osc.strength < config.cyclic_min_strength
            or on_toes < config.toe_min_share
        ):
            return WindowVerdict(None, 0.5)
        return WindowVerdict("toe_work", 0.6 + 0.4 * min(1.0, osc.strength), osc)
    osc_t = thumb_osc()
    if (
        _repeats(thumb, osc_t, span, cycles, config)
        and abs(osc_t.circularity) >= config.circle_min_circularity
        and osc_t.amplitude_fl <= config.circle_max_size_fl
    ):
        conf = 0.5 + 0.25 * osc_t.strength + 0.25 * abs(osc_t.circularity)
        return WindowVerdict("thumb_circles", conf, osc_t)
    if kneading:
        return WindowVerdict("knead", 0.5 + 0.25 * osc_p.strength + 0.25 * across, osc_p)
    return WindowVerdict(None, 0.5)


def _round(osc: Oscillation, config: StrokeConfig) -> bool:
    """A strong, round repetition: quick circles, which a running median erases."""
    strong = osc.strength >= config.cyclic_min_strength
    return strong and abs(osc.circularity) >= config.circle_min_circularity


def _repeats(pts: np.ndarray, osc: Oscillation, span: float, min_cycles: float, config: StrokeConfig) -> bool:
    """The window shows a movement repeated in place, not a one-off move.

    It must complete ``min_cycles`` at its rate, carry most of its energy at
    that rate, and keep its centre: the mean positions of the window's two
    halves lie within half the movement's size of each other (a hand moving
    to a new spot shifts its centre by far more).
    """
    if osc.rate_hz * span < min_cycles or osc.strength < config.cyclic_min_strength:
        return False
    half = len(pts) // 2
    shift = float(np.linalg.norm(pts[:half].mean(axis=0) - pts[half:].mean(axis=0)))
    return shift <= 0.5 * osc.amplitude_fl + config.press_drift_fl


@dataclass(frozen=True)
class GlideRun:
    """A stretch where the palm travels along the foot in one direction."""

    i: int
    j: int  # exclusive
    travel_fl: float
    straightness: float


def find_glides(track: ContactTrack, config: StrokeConfig) -> list[GlideRun]:
    """Stretches of steady one-way travel along the foot, long and straight enough.

    The palm's speed along the foot's axis is followed; a stretch ends where it
    changes direction or almost stops. A glide slides at a steady pace, while a
    hand repositioning between two spots speeds up and slows down like any
    reaching movement (its peak speed is half as high again as its mean), so a
    stretch whose peak speed is far above its mean is a move, not a glide.

    Args:
        track: a stretch where the hand is present throughout.
        config: thresholds.

    Returns:
        Index ranges into ``track``, in time order.
    """
    if len(track) < 3:
        return []
    t = track.t_s
    palm = smooth(t, track.fl[:, _P], 0.25)
    da = np.gradient(palm[:, 0], t)
    floor = config.glide_min_speed_fl_s
    sign = np.where(da > floor, 1, np.where(da < -floor, -1, 0))
    dt = float(np.median(np.diff(t)))
    runs: list[GlideRun] = []
    for i, j in _sign_runs(sign, max_gap=max(1, round(0.3 / max(dt, 1e-3)))):
        i, j = _without_creeps(sign, palm[:, 0], i, j, config.press_drift_fl)
        # Dips are looked for at a finer time scale the faster the hand goes: a
        # quick glide flowing into a move the same way slows down only briefly,
        # while a slow glide's speed must be averaged longer to rise above jitter.
        if j - i < 5:
            continue
        typical = float(np.median(np.abs(da[i:j])))
        scale = float(np.clip(0.04 / max(typical, 1e-6), 0.1, 0.3))
        quick = np.abs(np.gradient(smooth(t[i:j], track.fl[i:j, _P, :1], scale)[:, 0], t[i:j]))
        min_len = max(2, round(config.glide_min_steady_s / max(dt, 1e-3)))
        whole = _as_glide(track, palm, i, j, config)
        if whole is not None:  # a glide with a wobble of the tracked point that looks like a dip
            runs.append(whole)
            continue
        for a, b in _split_at_dips(quick, config.glide_dip_ratio):
            runs.extend(_steady_glides(track, palm, quick, i, i + a, i + b, min_len, config))
    return runs


def _as_glide(track: ContactTrack, palm: np.ndarray, a: int, b: int, config: StrokeConfig) -> GlideRun | None:
    """The stretch ``a:b`` as a glide, if it travels far enough, straight and steadily; else None.

    Only the part from the first to the last moment the palm is on the foot
    itself counts: a hand counts as on the foot while a point is near the
    outline, so a stretch can begin with the palm still arriving from beside
    the foot or end with it leaving, and those moments' speed is not the glide's.
    """
    on = np.flatnonzero(np.all((track.uv[a:b, _P] >= 0) & (track.uv[a:b, _P] <= 1), axis=1))
    if len(on) == 0:
        return None
    a, b = a + int(on[0]), a + int(on[-1]) + 1
    if b - a < 2:
        return None
    travel = abs(palm[b - 1, 0] - palm[a, 0])
    straight = float(np.linalg.norm(palm[b - 1] - palm[a])) / max(path_length(palm[a:b]), 1e-9)
    if (
        travel >= config.glide_min_travel_fl
        and straight >= config.glide_min_straightness
        and _surge(track.t_s[a:b], track.fl[a:b, _P, 0]) <= config.glide_max_surge
    ):
        return GlideRun(a, b, float(travel), straight)
    return None


def _surge(t: np.ndarray, a: np.ndarray) -> float:
    """Peak (95th percentile) over mean speed along the foot, smoothed at a fifth of the stretch's length."""
    if len(t) < 5:
        return 1.0
    pos = smooth(t, a[:, None], max(0.15, 0.2 * (t[-1] - t[0])))[:, 0]
    speed = np.abs(np.gradient(pos, t))
    return float(np.percentile(speed, 95) / max(speed.mean(), 1e-9))


def _sign_runs(sign: np.ndarray, max_gap: int) -> list[tuple[int, int]]:
    """(start, end) of the stretches of one non-zero sign, bridging pauses of up to ``max_gap`` samples.

    A blip the other way no longer than a pause (the tracked point wobbling
    back for a moment) is bridged too.
    """
    out: list[tuple[int, int]] = []
    i, n = 0, len(sign)
    while i < n:
        if sign[i] == 0:
            i += 1
            continue
        j = i
        while j < n and sign[j] == sign[i]:
            j += 1
        if len(out) >= 2 and sign[out[-2][0]] == sign[i] and i - out[-2][1] <= max_gap:
            out.pop()  # a short blip the other way between two stretches of this sign
        if out and sign[out[-1][0]] == sign[i] and i - out[-1][1] <= max_gap:
            out[-1] = (out[-1][0], j)
        else:
            out.append((i, j))
        i = j
    return out


def _without_creeps(
    sign: np.ndarray, along: np.ndarray, i: int, j: int, min_travel: float
) -> tuple[int, int]:
    """The run ``i:j`` without the bits of motion at either end that a pause parts from the rest.

    A hand resting before or after a stroke creeps a little (the tracked point
    jitters, the foot's pose settles), and a creep a short pause away is
    bridged into the stroke's run (:func:`_sign_runs`). A bit of motion that
    travels less than ``min_travel`` is such a creep; dropped, it no longer
    adds its pause to the stroke.
    """
    pieces = [(i + a, i + b) for a, b in _runs(sign[i:j] == sign[i])]
    while len(pieces) > 1 and abs(along[pieces[0][1] - 1] - along[pieces[0][0]]) < min_travel:
        pieces.pop(0)
    while len(pieces) > 1 and abs(along[pieces[-1][1] - 1] - along[pieces[-1][0]]) < min_travel:
        pieces.pop()
    return pieces[0][0], pieces[-1][1]


def _split_at_dips(speed: np.ndarray, ratio: float) -> list[tuple[int, int]]:
    """Cuts a stretch where the speed falls below ``ratio`` of both neighbouring peaks.

    A glide that flows into a move in the same direction slows almost to a stop
    between the two; the cut separates them.
    """
    n = len(speed)
    if n < 5:
        return [(0, n)]
    cuts = [0]
    for k in range(2, n - 2):
        if speed[k] <= speed[k - 1] and speed[k] <= speed[k + 1]:
            left, right = speed[cuts[-1] : k].max(initial=0.0), speed[k:].max(initial=0.0)
            if speed[k] < ratio * min(left, right):
                cuts.append(k)
    cuts.append(n)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b - a >= 2]


def _steady_glides(
    track: ContactTrack,
    palm: np.ndarray,
    quick: np.ndarray,
    offset: int,
    a: int,
    b: int,
    min_len: int,
    config: StrokeConfig,
    may_glide: bool = True,
) -> list[GlideRun]:
    """The glides in one stretch of one-way travel: the whole stretch, or pieces of one pace.

    A stretch that is not a glide as a whole is cut where its pace changes (see
    :func:`_pace_cut`) and each side is examined again. Only the slower side of
    a cut may be a glide: a glide flows into a quicker move, while the middle of
    a repositioning move, cut from its slow start and end, would look as steady
    as a glide.

    Args:
        track: the present stretch.
        palm: (n, 2) its smoothed palm positions.
        quick: the speed along the foot over ``offset`` onwards.
        offset: where ``quick`` starts in ``track``.
        a, b: the stretch (end exclusive), indices into ``track``.
        min_len: the shortest piece a cut leaves, samples.
        config: thresholds.
        may_glide: False on the quicker side of a cut.
    """
    if b - a < 2 or abs(palm[b - 1, 0] - palm[a, 0]) < config.glide_min_travel_fl:
        return []  # no piece of it travels far enough either
    whole = _as_glide(track, palm, a, b, config) if may_glide else None
    if whole is not None:
        return [whole]
    cut = _pace_cut(quick[a - offset : b - offset], min_len, config.glide_speed_change)
    if cut is None:
        return []
    k, left_slower = cut
    args = (track, palm, quick, offset)
    left = _steady_glides(*args, a, a + k, min_len, config, may_glide and left_slower)
    return left + _steady_glides(*args, a + k, b, min_len, config, may_glide and not left_slower)


def _pace_cut(speed: np.ndarray, min_len: int, ratio: float) -> tuple[int, bool] | None:
    """Where a stretch's pace changes most: a slow glide flowing into a quick move the same way.

    The cut that best divides the speed into two levels (least squared
    deviation from each side's mean) counts when one side is at least
    ``ratio`` times as fast as the other. A steady glide has no such cut.

    Args:
        speed: (n,) speed along the foot.
        min_len: the shortest side, samples.
        ratio: the change of pace that counts.

    Returns:
        The cut's index and whether the left side is the slower, or None.
    """
    n = len(speed)
    if n < 2 * min_len:
        return None
    c1 = np.concatenate([[0.0], np.cumsum(speed)])
    c2 = np.concatenate([[0.0], np.cumsum(speed**2)])
    k = np.arange(min_len, n - min_len + 1)
    left_sse = c2[k] - c1[k] ** 2 / k
    right_sse = (c2[n] - c2[k]) - (c1[n] - c1[k]) ** 2 / (n - k)
    best = int(k[np.argmin(left_sse + right_sse)])
    left, right = c1[best] / best, (c1[n] - c1[best]) / (n - best)
    if max(left, right) < ratio * max(min(left, right), 1e-9):
        return None
    return best, bool(left < right)


def find_presses(track: ContactTrack, config: StrokeConfig) -> list[tuple[int, int]]:
    """Stretches where the thumb holds one spot: within ``press_drift_fl`` for ``press_min_s`` or more.

    A moment is still when the palm and the thumb stay within the drift limit
    over the half second around it; still moments are joined into stretches,
    and a stretch is a press when it is long enough and its path stays within
    the limit of its centre.

    The thumb tip is taken as its running median over ``thumb_median_s``: the
    tracked tip of a thumb pressed into the foot, flexed, jumps back and forth
    along the thumb by a few hundredths of a foot length from frame to frame
    while the palm holds to a hundredth. A median also erases quick circles
    (over a whole turn it is the circle's centre), so a thumb whose raw path
    goes round is judged on that path.

    A still stretch then takes in the frames beside it where the thumb and
    palm are within ``press_settle_fl`` of its spot: the half-second test
    leaves out a hold's first and last quarter second, and a hold of just
    over the spec's second would otherwise fall short of it.

    Still stretches at the same spot less than ``press_gap_s`` apart, the
    thumb tip leaping away between them, are joined: a thumb tip the tracker
    misplaces for a few frames does not end a press.

    Args:
        track: a stretch where the hand is present throughout.
        config: thresholds.

    Returns:
        Index ranges (end exclusive) into ``track``.
    """
    n = len(track)
    if n < 3:
        return []
    t = track.t_s
    raw = track.fl[:, _T]
    plain = smooth(t, raw, 0.15)
    thumb = smooth(t, running_median(t, raw, config.thumb_median_s), 0.15)
    palm = smooth(t, track.fl[:, _P], 0.15)
    lo = np.searchsorted(t, t - 0.25)
    hi = np.searchsorted(t, t + 0.25, side="right")

    def held(pts: np.ndarray, i: int) -> bool:
        return bool(np.linalg.norm(pts[lo[i] : hi[i]] - pts[i], axis=1).max() < config.press_drift_fl)

    def circling(i: int) -> bool:
        a, b = np.searchsorted(t, [t[i] - 0.4, t[i] + 0.4])
        return _round(oscillation(t[a:b], raw[a:b]), config)

    still = np.array(
        [held(palm, i) and (held(plain, i) or (held(thumb, i) and not circling(i))) for i in range(n)],
    )
    # Still stretches at the same spot a moment apart, with the thumb tip leaping
    # away between them (further than a thumb moves in that time; see
    # mend_slips), are one press the tracker got wrong for a few frames. The
    # drift is judged on the still frames.
    runs: list[tuple[int, int]] = []
    for a, b in _runs(still):
        if runs and t[a] - t[runs[-1][1] - 1] <= config.press_gap_s:
            pa, pb = runs[-1]
            centre = np.median(thumb[pa:pb], axis=0)
            leap = float(np.linalg.norm(raw[pb:a] - centre, axis=1).max(initial=0.0))
            if np.linalg.norm(centre - np.median(thumb[a:b], axis=0)) < config.press_drift_fl and leap >= (
                config.slip_min_fl
            ):
                runs[-1] = (pa, b)
                continue
        runs.append((a, b))
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if max_drift(thumb[a:b][still[a:b]]) >= config.press_drift_fl:
            # The thumb creeps (or the tracker drifts) too slowly for the
            # half-second test: the press is the longest part that stays at one spot.
            a, b = _longest_within(thumb, still, a, b, config.press_drift_fl)
        # A press grown over the start of this stretch has taken those frames in.
        floor = out[-1][1] if out else 0
        a = max(a, floor)
        if a >= b:
            continue
        a, b = _settled(plain, palm, a, b, floor, config.press_settle_fl)
        if t[b - 1] - t[a] >= config.press_min_s:
            out.append((int(a), int(b)))
    return out


def _settled(
    thumb: np.ndarray, palm: np.ndarray, a: int, b: int, floor: int, reach: float
) -> tuple[int, int]:
    """Grows a still stretch ``a:b`` over the frames where thumb and palm are already (or still) at its spot.

    A moment counts as still only when the quarter second either side of it
    is, so a still stretch misses the first and last quarter second of the
    hold: there the thumb has just settled, or is about to leave, while the
    move beside it is not yet (or no longer) still. The stretch grows, frame by
    frame, while both points stay within ``reach`` of their medians over it.

    Args:
        thumb, palm: (n, 2) the points, lightly smoothed, in foot lengths.
        a, b: the stretch (end exclusive).
        floor: the stretch does not grow back past this frame (the previous press's end).
        reach: foot lengths.
    """
    spot, hand = np.median(thumb[a:b], axis=0), np.median(palm[a:b], axis=0)

    def at_spot(i: int) -> bool:
        return bool(np.linalg.norm(thumb[i] - spot) < reach and np.linalg.norm(palm[i] - hand) < reach)

    while a > floor and at_spot(a - 1):
        a -= 1
    while b < len(thumb) and at_spot(b):
        b += 1
    return a, b


def _longest_within(pts: np.ndarray, use: np.ndarray, a: int, b: int, limit: float) -> tuple[int, int]:
    """The longest stretch of ``a:b`` whose ``use`` points stay within ``limit`` of their median."""
    best, i = (a, a + 1), a
    for j in range(a + 1, b + 1):
        while i < j - 1 and max_drift(pts[i:j][use[i:j]]) >= limit:
            i += 1
        if j - i > best[1] - best[0]:
            best = (i, j)
    return best


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) index pairs (end exclusive) of the True stretches of ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _zone(uv: np.ndarray) -> str:
    u, v = np.nanmedian(uv, axis=0)
    return zone_of(float(u), float(v))


def describe(track: ContactTrack, kind: str, confidence: float, config: StrokeConfig) -> Stroke:
    """Measures a stroke of known type over its whole stretch.

    Args:
        track: the stroke's contacts (all present).
        kind: its type.
        confidence: the classifier's confidence.
        config: thresholds.
    """
    t = track.t_s
    k = POINTS.index(PRIMARY_POINT[kind])
    pts = track.fl[:, k]
    start, end = float(t[0]), float(t[-1])
    zone = _zone(track.uv[:, k])
    if kind == "glide":
        travel = float(pts[-1, 0] - pts[0, 0])
        direction = "heel_to_toe" if travel > 0 else "toe_to_heel"
        speed = glide_speed(t, pts)
        return Stroke(start, end, kind, zone, confidence, direction=direction, speed_fl_s=speed)
    if kind == "press":
        return Stroke(start, end, kind, zone, confidence, hold_s=end - start)
    return Stroke(start, end, kind, zone, confidence, rate_hz=stroke_rate(t, pts, config.window_s))


def glide_speed(t: np.ndarray, pts: np.ndarray) -> float:
    """A glide's speed along its path, FL/s: the slope of a straight line fitted to its track.

    Travel over duration counts the jitter of its two end points and any
    moment of setting off or stopping in full; a line fitted to the whole track
    weighs every frame alike.

    Args:
        t: (n,) seconds.
        pts: (n, 2) the palm in foot lengths (a, s).
    """
    if len(t) < 3 or t[-1] - t[0] <= 0:
        return float(np.linalg.norm(pts[-1] - pts[0]) / max(float(t[-1] - t[0]), 1e-6))
    tc = t - t.mean()
    slope = (tc @ (pts - pts.mean(axis=0))) / float(tc @ tc)
    return float(np.hypot(*slope))


def stroke_rate(t: np.ndarray, pts: np.ndarray, max_window_s: float) -> float | None:
    """A cyclic stroke's rate: the median over windows of up to four cycles (each detrended).

    Measured window by window so that a slow drift of the stroke's centre (a
    hand stepping from toe to toe, circles wandering along the arch) is not
    taken for the repetition itself; several cycles per window keep the
    estimate sharp.
    """
    if len(t) < 8:
        return None
    first = oscillation(t, pts)
    if first.rate_hz <= 0:
        return None
    # The whole stroke's first estimate may be its drift (a move into it, a step to the next toe);
    # then windows of half the longest length find the repetition.
    for window in (min(4.0 / first.rate_hz, max_window_s), max_window_s / 2):
        if t[-1] - t[0] <= window:
            return first.rate_hz
        rates = []
        for start in np.arange(t[0], t[-1] - window + 1e-9, window / 4):
            lo, hi = np.searchsorted(t, [start, start + window])
            osc = oscillation(t[lo:hi], pts[lo:hi])
            # A window that sees less than one and a half cycles is measuring drift, not the stroke.
            if osc.rate_hz * window >= 1.5:
                rates.append(osc.rate_hz)
        if rates:
            return float(np.median(rates))
    return first.rate_hz


def _leaps(track: ContactTrack, config: StrokeConfig) -> np.ndarray:
    """(n, points) bool: the point leapt into this frame from the one before, as a slip does.

    Both frames have the hand, and the step is at least ``slip_min_fl`` long and
    faster than ``slip_speed_fl_s``.
    """
    t, n = track.t_s, len(track)
    if n < 2:
        return np.zeros((n, len(POINTS)), bool)
    dt = np.diff(t, prepend=t[0] - 1.0)
    both = track.present & np.roll(track.present, 1)
    both[0] = False
    step = np.zeros((n, len(POINTS)))
    step[1:] = np.linalg.norm(np.diff(track.fl, axis=0), axis=2)
    return both[:, None] & (step >= config.slip_min_fl) & (step >= config.slip_speed_fl_s * dt[:, None])


def _slipped(track: ContactTrack, since_s: float, config: StrokeConfig) -> bool:
    """Whether a point leapt away (as a slip does) after ``since_s`` and has not come back.

    Run on a track already mended (:func:`mend_slips`), where the slips that came back are gone.
    """
    k = max(1, int(np.searchsorted(track.t_s, since_s)))
    return bool(_leaps(track, config)[k:].any())


def mend_slips(track: ContactTrack, config: StrokeConfig | None = None) -> ContactTrack:
    """Bridges the moments where a tracked point slips away and back.

    Now and then the hand tracker or the choice of the working hand swaps the
    working hand for the holding one (or the foot) for a few frames, or the
    tracker misplaces one landmark (the thumb tip) for a frame: the point
    leaps across the foot faster than a hand moves and later leaps back to
    where it left. Those frames are not the working hand; each point's slips
    are replaced by a straight line between the frames before and after, so a
    stroke is not cut in two by a moment the camera got wrong.

    Args:
        track: the contacts, one per frame.
        config: thresholds (``slip_speed_fl_s``, ``slip_min_fl``, ``slip_max_s``).

    Returns:
        The mended track (the same object when nothing slipped).
    """
    config = config or StrokeConfig()
    t, n = track.t_s, len(track)
    if n < 3:
        return track
    leaping = _leaps(track, config)
    uv, fl = track.uv, track.fl
    for p in range(len(POINTS)):
        pts = track.fl[:, p]
        leaps = np.flatnonzero(leaping[:, p])
        k = 0
        while k < len(leaps):
            i = int(leaps[k])
            before = pts[i - 1]
            # The first later leap (within slip_max_s) landing nearer where the point left than where it went.
            back = next(
                (
                    int(j)
                    for j in leaps[k + 1 :]
                    if t[j] - t[i] <= config.slip_max_s
                    and np.linalg.norm(pts[j] - before) < np.linalg.norm(pts[j] - pts[i])
                    and track.present[i:j].all()
                ),
                None,
            )
            if back is None:
                k += 1
                continue
            if uv is track.uv:
                uv, fl = track.uv.copy(), track.fl.copy()
            f = ((t[i:back] - t[i - 1]) / (t[back] - t[i - 1]))[:, None]
            uv[i:back, p] = uv[i - 1, p] + f * (uv[back, p] - uv[i - 1, p])
            fl[i:back, p] = fl[i - 1, p] + f * (fl[back, p] - fl[i - 1, p])
            k = int(np.searchsorted(leaps, back)) + 1
    return track if uv is track.uv else ContactTrack(t, uv, fl, track.present.copy())


def segment_strokes(track: ContactTrack, config: StrokeConfig | None = None) -> list[Stroke]:
    """Finds every stroke in a whole recording, with hindsight.

    Args:
        track: the recording's contacts, one per frame.
        config: thresholds.

    Returns:
        Strokes in time order, not overlapping.
    """
    config = config or StrokeConfig()
    track = mend_slips(track, config)
    strokes: list[Stroke] = []
    for a, b in _runs(track.present):
        part = track.slice(a, b)
        taken = np.zeros(len(part), bool)
        for g in find_glides(part, config):
            glide = part.slice(g.i, g.j)
            if glide.t_s[-1] - glide.t_s[0] <= 0:
                continue
            conf = min(1.0, 0.5 + 0.5 * g.straightness)
            strokes.append(describe(glide, "glide", conf, config))
            taken[g.i : g.j] = True
        for c, d in _runs(~taken):
            rest = part.slice(c, d)
            for i, j in find_presses(rest, config):
                strokes.append(describe(rest.slice(i, j), "press", 0.9, config))
                taken[c + i : c + j] = True
        for c, d in _runs(~taken):
            strokes.extend(_segment_cyclic(part.slice(c, d), config))
    strokes.sort(key=lambda s: s.start_s)
    return strokes


def _segment_cyclic(track: ContactTrack, config: StrokeConfig) -> list[Stroke]:
    """Labels each moment of a glide-free stretch from a centred window, then cuts it into strokes."""
    n = len(track)
    if n < 4 or track.t_s[-1] - track.t_s[0] < config.min_stroke_s:
        return []
    t = track.t_s
    windows = (0.5 * config.window_s, 0.75 * config.window_s, config.window_s)
    labels: list[str | None] = []
    confs = np.zeros(n)
    # Judge on a 10 Hz grid of moments; frames between take the nearest moment's verdict.
    step = max(1, round(0.1 / max(float(np.median(np.diff(t))), 1e-3)))
    centres = list(range(0, n, step))
    verdicts = []
    for k in centres:
        verdict = WindowVerdict(None, 0.5)
        for w in windows:
            lo, hi = np.searchsorted(t, [t[k] - w / 2, t[k] + w / 2])
            verdict = classify_window(t[lo:hi], track.uv[lo:hi], track.fl[lo:hi], config)
            if verdict.type is not None:
                break
        verdicts.append(verdict)
    for i in range(n):
        v = verdicts[min(len(verdicts) - 1, round(i / step))]
        labels.append(v.type)
        confs[i] = v.confidence
    labels = _majority(labels, max(1, round(0.5 / max(float(np.median(np.diff(t))), 1e-3))))
    segments = []
    i = 0
    while i < n:
        j = i
        while j + 1 < n and labels[j + 1] == labels[i]:
            j += 1
        if labels[i] is not None:
            segments.append([i, j + 1, labels[i]])
        i = j + 1
    # A segment the windows agree on for less than half the shortest stroke is a flicker
    # the majority filter left at the edge of another verdict, not a stroke: growing its
    # ends (below) would make it one.
    segments = [s for s in segments if s[2] == "press" or t[s[1] - 1] - t[s[0]] >= config.min_stroke_s / 2]
    _extend_to_edges(track, segments, config)
    out = []
    for a, b, kind in segments:
        dur = t[b - 1] - t[a]
        min_dur = config.press_min_s if kind == "press" else config.min_stroke_s
        if dur >= min_dur:
            out.append(describe(track.slice(a, b), kind, float(confs[a:b].mean()), config))
    return out


def _extend_to_edges(track: ContactTrack, segments: list[list], config: StrokeConfig) -> None:
    """Moves each cyclic segment's ends to where the hand really starts and stops working.

    A centred window straddling a stroke's start or end sees part of the move
    to or from it and is not sure; the stroke really goes on as long as its
    point stays within the region it covered (its centre plus 1.25 times its
    reach), so the segment is grown frame by frame until the point leaves it.
    Circles and kneading also need the point to keep moving: a hand that
    arrived and waits before it starts circling is not circling yet, though a
    long window around that moment sees the circles that follow. So those
    segments first lose the moments at their ends where the point rests (stays
    within ``rest_share`` of the stroke's reach of one spot for
    ``rest_window_s``), and do not grow into such moments. (Toe work's pulls are
    too small to tell from a resting thumb this way.)
    """
    t = track.t_s
    half = config.rest_window_s / 2
    for k, (a, b, kind) in enumerate(segments):
        if kind == "press":
            continue
        pts = track.fl[:, POINTS.index(PRIMARY_POINT[kind])]
        core = pts[a:b]
        centre = np.median(core, axis=0)
        dist = np.linalg.norm(core - centre, axis=1)
        if kind in ("thumb_circles", "knead"):
            # The ends may hold frames of the move to or from the stroke, far off (more than
            # three times the median distance: a circle's or a knead's own path is never so
            # lopsided); counted, they would widen the region, and the rest test with it,
            # until the whole stroke looked like a resting hand. (Toe work steps from toe
            # to toe: its region is wide by nature.)
            dist = dist[dist <= 3 * np.median(dist)]
        spread = float(np.percentile(dist, 95))
        reach = 1.25 * spread + 0.01
        rest = config.rest_share * spread if kind in ("thumb_circles", "knead") else 0.0
        # Toe work starts with the first pull: the thumb may land on the toes and slide along them
        # first. Circles start with the first turn: the thumb slowing down into them goes straight.
        gate = None
        if kind == "toe_work":
            gate = _pulling(t, pts, a, b, config)
        elif kind == "thumb_circles":
            gate = _circling(t, pts, a, b, config)
        # Toe work steps from toe to toe: its region is the toes zone, not a reach around
        # its centre (the first and last toes lie beyond the reach of the toes in between).
        on_toes = track.uv[:, _T, 0] >= config.toe_min_u - config.toe_margin_u if kind == "toe_work" else None

        def working(i: int, pts: np.ndarray = pts, centre: np.ndarray = centre, reach: float = reach,
                    rest: float = rest, gate: Callable[[int], bool] | None = None,
                    on_toes: np.ndarray | None = on_toes) -> bool:  # fmt: skip
            if not on_toes[i] if on_toes is not None else np.linalg.norm(pts[i] - centre) > reach:
                return False
            if gate is not None and not gate(i):
                return False
            lo, hi = np.searchsorted(t, [t[i] - half, t[i] + half])
            return rest == 0.0 or max_drift(pts[lo:hi]) >= rest

        while b - a > 1 and not working(a, gate=gate):
            a += 1
        while b - a > 1 and not working(b - 1):
            b -= 1
        left_limit = segments[k - 1][1] if k > 0 else 0
        right_limit = segments[k + 1][0] if k + 1 < len(segments) else len(track)
        # Only the half of the shortest window that straddles the start or end is unsure.
        left_limit = max(left_limit, int(np.searchsorted(t, t[a] - config.window_s / 4)))
        right_limit = min(right_limit, int(np.searchsorted(t, t[b - 1] + config.window_s / 4, side="right")))
        while a > left_limit and working(a - 1, gate=gate):
            a -= 1
        while b < right_limit and working(b):
            b += 1
        segments[k][0], segments[k][1] = a, b


def _circling(
    t: np.ndarray, pts: np.ndarray, a: int, b: int, config: StrokeConfig
) -> Callable[[int], bool] | None:
    """Whether frame i lies on circles: over half a cycle, most of it before i, the path bends.

    Three quarters of the half cycle lie before the frame and one after:
    centred on the last frames of the thumb's arrival, the half cycle would
    take in a quarter of the first circle and bend. The path is read on
    the point averaged over a sixteenth of a cycle, at five moments of the half
    cycle, so the tracker's jitter on a thumb slowing down does not pass for
    bending.

    Args:
        t: (n,) seconds.
        pts: (n, 2) the thumb in foot lengths (a, s).
        a, b: the stroke (end exclusive).
        config: thresholds.

    Returns:
        The test, or None when the stroke shows no rate to take a cycle from.
    """
    rate = stroke_rate(t[a:b], pts[a:b], config.window_s)
    if not rate:
        return None
    half_cycle = 0.5 / rate
    steady = smooth(t, pts, 0.0625 / rate)

    def circling(i: int) -> bool:
        idx = np.searchsorted(t, t[i] + np.linspace(-0.75 * half_cycle, 0.25 * half_cycle, 5))
        idx = np.unique(np.clip(idx, 0, len(t) - 1))
        if len(idx) < 3:
            return True
        path = path_length(steady[idx])
        chord = float(np.linalg.norm(steady[idx[-1]] - steady[idx[0]]))
        return path <= 0 or chord <= config.circle_max_straightness * path

    return circling


def _pulling(
    t: np.ndarray, pts: np.ndarray, a: int, b: int, config: StrokeConfig
) -> Callable[[int], bool] | None:
    """Whether toe work's thumb pulls along the foot at a moment (a test for frame indices).

    Toe work pulls each toe along the foot's axis. Over half a cycle around a
    moment, the thumb's range along the foot must be at least ``rest_share``
    of the stroke's median such range (over ``a:b``); a thumb landing on the
    toes and sliding across them to the first one barely moves along the foot.

    Args:
        t: (n,) seconds.
        pts: (n, 2) the thumb in foot lengths (a, s).
        a, b: the stroke (end exclusive).
        config: thresholds.

    Returns:
        The test, or None when the stroke shows no rate to take a cycle from.
    """
    rate = stroke_rate(t[a:b], pts[a:b], config.window_s) or 0.0
    if rate <= 0:
        return None
    half = 0.25 / rate  # half a cycle in all: the test leaks a quarter cycle into the slide

    def along_range(i: int) -> float:
        lo, hi = np.searchsorted(t, [t[i] - half, t[i] + half])
        seg = pts[lo:hi, 0]
        return float(seg.max() - seg.min()) if len(seg) else 0.0

    typical = float(np.median([along_range(i) for i in range(a, b)]))
    need = config.rest_share * typical
    return lambda i: along_range(i) >= need


def _majority(labels: list[str | None], width: int) -> list[str | None]:
    """Most common label in a centred window of ``width`` samples (removes flicker)."""
    if width <= 1:
        return labels
    half = width // 2
    out = []
    for i in range(len(labels)):
        window = labels[max(0, i - half) : i + half + 1]
        counts: dict[str | None, int] = {}
        for lab in window:
            counts[lab] = counts.get(lab, 0) + 1
        best = max(counts.values())
        out.append(labels[i] if counts[labels[i]] == best else max(counts, key=counts.__getitem__))
    return out


@dataclass(frozen=True)
class StrokeState:
    """What the live engine sees now.

    Attributes:
        t_s: the latest frame's time.
        type: the stroke going on, or None.
        confidence: 0-1.
        zone: where, or None.
        since_s: when the current stroke (or pause) began.
        rate_hz: live rate of a cyclic stroke, else None.
        speed_fl_s: live speed of a glide, else None.
        hold_s: how long a press has held, else None.
    """

    t_s: float
    type: str | None
    confidence: float
    zone: str | None
    since_s: float
    rate_hz: float | None = None
    speed_fl_s: float | None = None
    hold_s: float | None = None


class StrokeEngine:
    """The stroke rules, frame by frame, for live coaching.

    The moment is judged on a trailing window, ten times a second (a hand
    stroke changes no faster, and judging every frame would cost three times
    as much); a new verdict must hold for ``switch_s`` before it replaces the
    current one (hysteresis), and finished strokes are measured as offline.

    Args:
        config: thresholds.
        switch_s: how long a new verdict must last to be believed.
        judge_every_s: time between two judgements.
    """

    def __init__(
        self, config: StrokeConfig | None = None, switch_s: float = 0.2, judge_every_s: float = 0.1
    ) -> None:
        self.config = config or StrokeConfig()
        self.switch_s = switch_s
        self.judge_every_s = judge_every_s
        self.reset()

    def reset(self) -> None:
        self._buf: deque[Contact] = deque()
        self._current: str | None = None
        self._since = 0.0
        self._candidate: str | None = None
        self._candidate_since = 0.0
        self._segment: list[Contact] = []
        self._confs: list[float] = []
        self.strokes: list[Stroke] = []
        self._judged_t: float | None = None
        self._verdict = WindowVerdict(None, 1.0)
        self._last_state: StrokeState | None = None

    def update(self, contact: Contact) -> StrokeState:
        """Adds one frame's contact and returns the current state."""
        t = contact.t_ms / 1000.0
        self._buf.append(contact)
        horizon = max(self.config.live_window_s, 4.0)  # glides need a longer look back
        while self._buf and self._buf[0].t_ms / 1000.0 < t - horizon:
            self._buf.popleft()
        due = self._judged_t is None or t - self._judged_t >= self.judge_every_s - 1e-6
        if not (due or not contact.present):
            if self._current is not None and contact.present:
                self._segment.append(contact)
                self._confs.append(self._verdict.confidence)
            assert self._last_state is not None
            return replace(self._last_state, t_s=t)
        self._judged_t = t
        verdict = self._verdict = self._judge(t)
        if verdict.type != self._current:
            if verdict.type != self._candidate:
                self._candidate = verdict.type
                self._candidate_since = t if verdict.start_s is None else verdict.start_s
            # A glide's travel of 0.3 FL is debounce enough; other verdicts must hold.
            settled = t - self._candidate_since >= self.switch_s or verdict.type == "glide"
            if settled or not contact.present:
                self._close()
                self._current, self._since = verdict.type, self._candidate_since
                self._segment = [c for c in self._buf if c.t_ms / 1000.0 >= self._since and c.present]
                self._confs = [verdict.confidence] * len(self._segment)
        else:
            self._candidate = verdict.type
        if self._current is not None and contact.present:
            self._segment.append(contact)
            self._confs.append(verdict.confidence)
        self._last_state = self._state(t, verdict)
        return self._last_state

    def _judge(self, t: float) -> WindowVerdict:
        recent = [c for c in self._buf if c.t_ms / 1000.0 >= t - self.config.live_window_s]
        if not recent or not recent[-1].present:
            return WindowVerdict(None, 1.0)
        present = [c for c in recent if c.present]
        if len(present) < self.config.min_present_share * len(recent):
            return WindowVerdict(None, 0.5)
        # Slips to the other hand (or a misplaced thumb tip) that came back are
        # bridged as offline; while a slip has not come back (for up to
        # slip_max_s), the verdict holds: the hand cannot be judged from where it is not.
        run = [c for c in self._buf if c.present]
        track = mend_slips(ContactTrack.from_contacts(run), self.config)
        if _slipped(track, t - self.config.slip_max_s, self.config):
            return self._verdict
        # A glide: the palm has been travelling one way long enough.
        glides = find_glides(track, self.config)
        # The palm is smoothed over 0.25 s, so a glide still going on ends up to
        # half of that before the newest frame.
        if glides and track.t_s[-1] - track.t_s[glides[-1].j - 1] <= 0.2:
            g = glides[-1]
            return WindowVerdict("glide", min(1.0, 0.5 + 0.5 * g.straightness), start_s=float(track.t_s[g.i]))
        k = int(np.searchsorted(track.t_s, t - self.config.live_window_s - 1e-9))
        return classify_window(
            track.t_s[k:], track.uv[k:], track.fl[k:], self.config, self.config.live_min_cycles
        )

    def _state(self, t: float, verdict: WindowVerdict) -> StrokeState:
        kind = self._current
        if kind is None or not self._segment:
            return StrokeState(t, None, verdict.confidence, None, self._since)
        track = mend_slips(
            ContactTrack.from_contacts(self._segment[-int(30 * self.config.window_s * 1.5) :]), self.config
        )
        live = describe(track, kind, float(np.mean(self._confs[-30:])), self.config)
        return StrokeState(t, kind, live.confidence, live.zone, self._since, live.rate_hz,
                           live.speed_fl_s, live.hold_s)  # fmt: skip

    def _close(self) -> None:
        kind = self._current
        if kind is None or len(self._segment) < 4:
            return
        track = mend_slips(ContactTrack.from_contacts(self._segment), self.config)
        dur = track.t_s[-1] - track.t_s[0]
        min_dur = self.config.press_min_s if kind == "press" else self.config.min_stroke_s
        if dur >= min_dur:
            self.strokes.append(describe(track, kind, float(np.mean(self._confs)), self.config))

    def so_far(self) -> list[Stroke]:
        """All strokes so far, the one in progress included (measured as if it ended now); changes nothing."""
        strokes = list(self.strokes)
        kind = self._current
        if kind is not None and len(self._segment) >= 4:
            track = mend_slips(ContactTrack.from_contacts(self._segment), self.config)
            min_dur = self.config.press_min_s if kind == "press" else self.config.min_stroke_s
            if track.t_s[-1] - track.t_s[0] >= min_dur:
                strokes.append(describe(track, kind, float(np.mean(self._confs)), self.config))
        return strokes

    def finish(self) -> list[Stroke]:
        """Closes the stroke in progress and returns all strokes so far."""
        self._close()
        self._current, self._segment, self._confs = None, [], []
        return list(self.strokes)
