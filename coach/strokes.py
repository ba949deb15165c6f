"""Stroke stage: which stroke the working hand is doing, where, and how fast.

Input is the contact track (:mod:`coach.contact`), in foot coordinates. Every
decision is a readable rule over transparent measurements (:mod:`coach.motion`):

- ``press``: the thumb stays within ``press_drift_fl`` of one spot;
- ``glide``: the palm travels at least ``glide_min_travel_fl`` along ``u`` in
  one direction, in a nearly straight line;
- ``thumb_circles``: the thumb tip repeats small, round loops;
- ``knead``: the hand oscillates across the foot (along ``v``);
- ``toe_work``: the thumb works in the toes zone;
- anything else is no stroke.

The same rules run offline over a whole recording (:func:`segment_strokes`,
centred windows, with hindsight) and live, frame by frame
(:class:`StrokeEngine`, trailing windows).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coach.contact import POINTS, Contact
from coach.motion import Oscillation, detrend, max_drift, oscillation, path_length, smooth
from coach.vocabulary import STROKE_TYPES, zone_of

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
        window_s: length of the window each moment is judged on, offline (centred).
        live_window_s: the same, live (trailing); shorter so a stroke is named
            within a second of its start.
        min_present_share: share of a window the hand must be on the foot.
        press_drift_fl: a press stays within this distance of its spot (spec: ~0.03 FL).
        press_min_s: a press lasts at least this long (spec: 1 s).
        glide_min_travel_fl: a glide travels at least this far along u (spec: 0.3 FL).
        glide_min_straightness: net distance over path length of a glide.
        glide_min_speed_fl_s: slower than this, the hand is not gliding but resting.
        cyclic_min_strength: share of the motion's energy at its main rate for a
            repeated stroke (0-1; noise is about 0.1-0.3, a stroke over 0.6).
        circle_min_circularity: how round a thumb loop must be (0 line, 1 circle).
        circle_max_size_fl: largest thumb loop (spec: ~0.15 FL diameter, plus slack).
        knead_min_across: share of a knead's movement that is across the foot (v).
        toe_min_u: the thumb's median u for toe work (spec: toes zone from 0.78).
        min_stroke_s: shorter segments are not strokes.
    """

    window_s: float = 2.0
    live_window_s: float = 1.0
    min_present_share: float = 0.6
    press_drift_fl: float = 0.03
    press_min_s: float = 1.0
    glide_min_travel_fl: float = 0.3
    glide_min_straightness: float = 0.7
    glide_min_speed_fl_s: float = 0.02
    cyclic_min_strength: float = 0.45
    circle_min_circularity: float = 0.5
    circle_max_size_fl: float = 0.22
    knead_min_across: float = 0.6
    toe_min_u: float = 0.78
    min_stroke_s: float = 0.6

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not value > 0:
                raise ValueError(f"StrokeConfig.{name} must be positive, got {value}")
        if self.live_window_s > self.window_s:
            raise ValueError("live_window_s must not exceed window_s")


@dataclass(frozen=True)
class Stroke:
    """One recognised stroke, with the spec's keys.

    Attributes:
        start_s, end_s: when it began and ended.
        type: one of :data:`coach.vocabulary.STROKE_TYPES`.
        zone: the zone it was done on.
        confidence: 0-1.
        direction: glides: "heel_to_toe" or "toe_to_heel"; else None.
        rate_hz: cyclic strokes (thumb_circles, knead, toe_work); else None.
        speed_fl_s: glides, in foot lengths per second; else None.
        hold_s: presses; else None.
    """

    start_s: float
    end_s: float
    type: str
    zone: str
    confidence: float
    direction: str | None = None
    rate_hz: float | None = None
    speed_fl_s: float | None = None
    hold_s: float | None = None

    def __post_init__(self) -> None:
        if self.type not in STROKE_TYPES:
            raise ValueError(f"unknown stroke type {self.type!r}")
        if self.end_s < self.start_s:
            raise ValueError("a stroke cannot end before it starts")

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_json(self) -> dict[str, Any]:
        def r(x: float | None, nd: int = 3) -> float | None:
            return None if x is None else round(float(x), nd)

        return {
            "start_s": r(self.start_s),
            "end_s": r(self.end_s),
            "type": self.type,
            "zone": self.zone,
            "confidence": r(self.confidence),
            "direction": self.direction,
            "rate_hz": r(self.rate_hz),
            "speed_fl_s": r(self.speed_fl_s),
            "hold_s": r(self.hold_s),
        }


@dataclass(frozen=True)
class ContactTrack:
    """A stretch of contacts as arrays.

    Attributes:
        t_s: (n,) seconds, increasing.
        uv: (n, 3, 2) thumb, fingers and palm in foot coordinates (NaN when absent).
        present: (n,) bool, the working hand is on the foot.
    """

    t_s: np.ndarray
    uv: np.ndarray
    present: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.t_s)
        if self.uv.shape != (n, 3, 2) or self.present.shape != (n,):
            raise ValueError("ContactTrack needs t_s (n,), uv (n, 3, 2) and present (n,)")

    @classmethod
    def from_contacts(cls, contacts: list[Contact]) -> ContactTrack:
        if not contacts:
            return cls(np.zeros(0), np.zeros((0, 3, 2)), np.zeros(0, bool))
        return cls(
            np.array([c.t_ms / 1000.0 for c in contacts]),
            np.array([c.uv for c in contacts], np.float64),
            np.array([c.present for c in contacts], bool),
        )

    def __len__(self) -> int:
        return len(self.t_s)

    def slice(self, i: int, j: int) -> ContactTrack:
        return ContactTrack(self.t_s[i:j], self.uv[i:j], self.present[i:j])


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


def classify_window(t: np.ndarray, uv: np.ndarray, config: StrokeConfig) -> WindowVerdict:
    """Judges one window of present contacts (glides are found separately).

    Args:
        t: (n,) seconds.
        uv: (n, 3, 2) thumb, fingers, palm in foot coordinates, all present.
        config: thresholds.
    """
    if len(t) < 4:
        return WindowVerdict(None, 0.0)
    thumb, palm = uv[:, _T], uv[:, _P]
    drift = max_drift(thumb)
    if drift < config.press_drift_fl and max_drift(palm) < 2 * config.press_drift_fl:
        return WindowVerdict("press", 1.0 - 0.5 * drift / config.press_drift_fl)
    if np.median(thumb[:, 0]) >= config.toe_min_u:
        osc = oscillation(t, thumb)
        return WindowVerdict("toe_work", 0.6 + 0.4 * min(1.0, osc.strength), osc)
    osc_t = oscillation(t, thumb)
    if (
        osc_t.strength >= config.cyclic_min_strength
        and abs(osc_t.circularity) >= config.circle_min_circularity
        and osc_t.amplitude_fl <= config.circle_max_size_fl
    ):
        conf = 0.5 + 0.25 * osc_t.strength + 0.25 * abs(osc_t.circularity)
        return WindowVerdict("thumb_circles", conf, osc_t)
    osc_p = oscillation(t, palm)
    across = _across_share(t, palm)
    if osc_p.strength >= config.cyclic_min_strength and across >= config.knead_min_across:
        conf = 0.5 + 0.25 * osc_p.strength + 0.25 * across
        return WindowVerdict("knead", conf, osc_p)
    return WindowVerdict(None, 0.5)


@dataclass(frozen=True)
class GlideRun:
    """A stretch where the palm travels along the foot in one direction."""

    i: int
    j: int  # exclusive
    travel_fl: float
    straightness: float


def find_glides(track: ContactTrack, config: StrokeConfig) -> list[GlideRun]:
    """Maximal stretches of one-way travel along ``u`` that are long and straight enough.

    Args:
        track: a stretch where the hand is present throughout.
        config: thresholds.

    Returns:
        Index ranges into ``track``, in time order.
    """
    if len(track) < 3:
        return []
    t = track.t_s
    palm = smooth(t, track.uv[:, _P], 0.25)
    du = np.gradient(palm[:, 0], t)
    sign = np.where(du > config.glide_min_speed_fl_s, 1, np.where(du < -config.glide_min_speed_fl_s, -1, 0))
    runs: list[GlideRun] = []
    i = 0
    n = len(t)
    while i < n:
        if sign[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < n and sign[j + 1] == sign[i]:
            j += 1
        travel = abs(palm[j, 0] - palm[i, 0])
        if travel >= config.glide_min_travel_fl:
            path = path_length(palm[i : j + 1])
            net = float(np.linalg.norm(palm[j] - palm[i]))
            straight = net / max(path, 1e-9)
            if straight >= config.glide_min_straightness:
                runs.append(GlideRun(i, j + 1, float(travel), straight))
        i = j + 1
    return runs


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
    pts = track.uv[:, POINTS.index(PRIMARY_POINT[kind])]
    start, end = float(t[0]), float(t[-1])
    zone = _zone(pts)
    if kind == "glide":
        travel = float(pts[-1, 0] - pts[0, 0])
        direction = "heel_to_toe" if travel > 0 else "toe_to_heel"
        speed = abs(travel) / max(end - start, 1e-6)
        return Stroke(start, end, kind, zone, confidence, direction=direction, speed_fl_s=speed)
    if kind == "press":
        return Stroke(start, end, kind, zone, confidence, hold_s=end - start)
    osc = oscillation(t, pts)
    rate = osc.rate_hz if osc.strength > 0.2 else None
    return Stroke(start, end, kind, zone, confidence, rate_hz=rate)


def segment_strokes(track: ContactTrack, config: StrokeConfig | None = None) -> list[Stroke]:
    """Finds every stroke in a whole recording, with hindsight.

    Args:
        track: the recording's contacts, one per frame.
        config: thresholds.

    Returns:
        Strokes in time order, not overlapping.
    """
    config = config or StrokeConfig()
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
            strokes.extend(_segment_cyclic(part.slice(c, d), config))
    strokes.sort(key=lambda s: s.start_s)
    return strokes


def _segment_cyclic(track: ContactTrack, config: StrokeConfig) -> list[Stroke]:
    """Labels each moment of a glide-free stretch from a centred window, then cuts it into strokes."""
    n = len(track)
    if n < 4 or track.t_s[-1] - track.t_s[0] < config.min_stroke_s:
        return []
    t = track.t_s
    half = config.window_s / 2
    labels: list[str | None] = []
    confs = np.zeros(n)
    # Judge on a 10 Hz grid of moments; frames between take the nearest moment's verdict.
    step = max(1, round(0.1 / max(float(np.median(np.diff(t))), 1e-3)))
    centres = list(range(0, n, step))
    verdicts = []
    for k in centres:
        lo, hi = np.searchsorted(t, [t[k] - half, t[k] + half])
        verdicts.append(classify_window(t[lo:hi], track.uv[lo:hi], config))
    for i in range(n):
        v = verdicts[min(len(verdicts) - 1, round(i / step))]
        labels.append(v.type)
        confs[i] = v.confidence
    labels = _majority(labels, max(1, round(0.5 / max(float(np.median(np.diff(t))), 1e-3))))
    out = []
    i = 0
    while i < n:
        j = i
        while j + 1 < n and labels[j + 1] == labels[i]:
            j += 1
        kind = labels[i]
        dur = t[j] - t[i]
        min_dur = config.press_min_s if kind == "press" else config.min_stroke_s
        if kind is not None and dur >= min_dur:
            out.append(describe(track.slice(i, j + 1), kind, float(confs[i : j + 1].mean()), config))
        i = j + 1
    return out


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

    Each frame is judged on a trailing window; a new verdict must hold for
    ``switch_s`` before it replaces the current one (hysteresis), and finished
    strokes are measured as offline.

    Args:
        config: thresholds.
        switch_s: how long a new verdict must last to be believed.
    """

    def __init__(self, config: StrokeConfig | None = None, switch_s: float = 0.3) -> None:
        self.config = config or StrokeConfig()
        self.switch_s = switch_s
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

    def update(self, contact: Contact) -> StrokeState:
        """Adds one frame's contact and returns the current state."""
        t = contact.t_ms / 1000.0
        self._buf.append(contact)
        horizon = max(self.config.live_window_s, 4.0)  # glides need a longer look back
        while self._buf and self._buf[0].t_ms / 1000.0 < t - horizon:
            self._buf.popleft()
        verdict = self._judge(t)
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
        return self._state(t, verdict)

    def _judge(self, t: float) -> WindowVerdict:
        recent = [c for c in self._buf if c.t_ms / 1000.0 >= t - self.config.live_window_s]
        if not recent or not recent[-1].present:
            return WindowVerdict(None, 1.0)
        present = [c for c in recent if c.present]
        if len(present) < self.config.min_present_share * len(recent):
            return WindowVerdict(None, 0.5)
        # A glide: the palm has been travelling one way long enough.
        run = [c for c in self._buf if c.present]
        track = ContactTrack.from_contacts(run)
        glides = find_glides(track, self.config)
        # The palm is smoothed over 0.25 s, so a glide still going on ends up to
        # half of that before the newest frame.
        if glides and track.t_s[-1] - track.t_s[glides[-1].j - 1] <= 0.2:
            g = glides[-1]
            return WindowVerdict("glide", min(1.0, 0.5 + 0.5 * g.straightness), start_s=float(track.t_s[g.i]))
        ts = np.array([c.t_ms / 1000.0 for c in present])
        uv = np.array([c.uv for c in present])
        return classify_window(ts, uv, self.config)

    def _state(self, t: float, verdict: WindowVerdict) -> StrokeState:
        kind = self._current
        if kind is None or not self._segment:
            return StrokeState(t, None, verdict.confidence, None, self._since)
        track = ContactTrack.from_contacts(self._segment[-int(30 * self.config.window_s * 2) :])
        live = describe(track, kind, float(np.mean(self._confs[-30:])), self.config)
        return StrokeState(t, kind, live.confidence, live.zone, self._since, live.rate_hz,
                           live.speed_fl_s, live.hold_s)  # fmt: skip

    def _close(self) -> None:
        kind = self._current
        if kind is None or len(self._segment) < 4:
            return
        track = ContactTrack.from_contacts(self._segment)
        dur = track.t_s[-1] - track.t_s[0]
        min_dur = self.config.press_min_s if kind == "press" else self.config.min_stroke_s
        if dur >= min_dur:
            self.strokes.append(describe(track, kind, float(np.mean(self._confs)), self.config))

    def finish(self) -> list[Stroke]:
        """Closes the stroke in progress and returns all strokes so far."""
        self._close()
        self._current, self._segment, self._confs = None, [], []
        return list(self.strokes)
