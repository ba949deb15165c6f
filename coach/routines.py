"""Guided routines: steps with a target, followed live, one after the other.

A routine is a data file a user can write (TOML); two built-in ones come from
the massage guide (``coach/routines/evening_5min.toml`` and
``full_10min.toml``). Each step names the strokes and zones it asks for and
how many seconds of them; :class:`RoutineTracker` counts the live engine's
stroke time that meets the current step and moves on once the target is met,
as a hand-washing trainer moves from one pose to the next.

File format::

    name = "My evening"
    title = "Five minutes before bed"      # optional

    [[step]]
    title = "Warm-up glides, heel to toe"
    strokes = ["glide"]                    # optional: any stroke when missing
    zones = ["heel", "arch", "outer_edge"] # optional: anywhere on the foot
    seconds = 45                           # stroke time that meets the step
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.session import Routine, StepResult
from coach.vocabulary import STROKE_TYPES, ZONES

BUILTIN: dict[str, str] = {"evening": "evening_5min.toml", "full": "full_10min.toml"}
"""Built-in routines by the name ``--routine`` takes, and their files in ``coach/routines/``."""

MAX_STEPS = 100
MAX_STEP_S = 3600.0
MAX_TEXT = 120


@dataclass(frozen=True)
class RoutineStep:
    """One step of a routine.

    Attributes:
        title: what the person is asked to do, short enough to show and speak.
        strokes: the stroke types that count (empty: any stroke).
        zones: the zones where they count (empty: anywhere on the foot).
        target_s: seconds of such strokes that complete the step (> 0).
    """

    title: str
    strokes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    target_s: float = 30.0

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError("a step needs a title")
        for s in self.strokes:
            if s not in STROKE_TYPES:
                raise ValueError(f"stroke {s!r} is not one of {', '.join(STROKE_TYPES)}")
        for z in self.zones:
            if z not in ZONES:
                raise ValueError(f"zone {z!r} is not one of {', '.join(ZONES)}")
        if not (math.isfinite(self.target_s) and 0 < self.target_s <= MAX_STEP_S):
            raise ValueError(f"seconds must be more than 0 and at most {MAX_STEP_S:g}, got {self.target_s}")

    def counts(self, stroke: str | None, zone: str | None) -> bool:
        """Whether a moment of ``stroke`` in ``zone`` counts towards this step."""
        if stroke is None or zone is None:
            return False
        return (not self.strokes or stroke in self.strokes) and (not self.zones or zone in self.zones)


@dataclass(frozen=True)
class RoutinePlan:
    """A routine: a name, an optional title and its steps in order.

    Attributes:
        name: short name, stored in the session (e.g. "evening").
        title: what it is, for people.
        steps: the steps, at least one.
    """

    name: str
    steps: tuple[RoutineStep, ...]
    title: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a routine needs a name")
        if not 1 <= len(self.steps) <= MAX_STEPS:
            raise ValueError(f"a routine needs 1 to {MAX_STEPS} steps, got {len(self.steps)}")

    @property
    def target_s(self) -> float:
        """The planned stroke time: all steps' targets."""
        return float(sum(s.target_s for s in self.steps))


def _names(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValueError(f"{where}: {key} must be a name or a list of names")
    return tuple(value)


def _text(value: Any, key: str, where: str, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}: {key} must be text")
    if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
        raise ValueError(f"{where}: {key} must be one line of at most {MAX_TEXT} characters")
    return value


def plan_from_dict(doc: dict[str, Any], default_name: str = "routine") -> RoutinePlan:
    """A routine from a parsed file.

    Raises:
        ValueError: a missing or wrong key, naming the step and the key.
    """
    unknown = set(doc) - {"name", "title", "step"}
    if unknown:
        raise ValueError(f"unknown key {sorted(unknown)[0]!r}; expected name, title and [[step]] tables")
    name = _text(doc.get("name", default_name), "name", "routine", required=True)
    title = _text(doc.get("title"), "title", "routine", required=False)
    raw = doc.get("step")
    if not isinstance(raw, list) or not raw:
        raise ValueError("no steps: add [[step]] tables with title, strokes, zones and seconds")
    steps = []
    for i, item in enumerate(raw, 1):
        where = f"step {i}"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected a [[step]] table")
        extra = set(item) - {"title", "strokes", "zones", "seconds"}
        if extra:
            raise ValueError(
                f"{where}: unknown key {sorted(extra)[0]!r}; expected title, strokes, zones, seconds"
            )
        seconds = item.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ValueError(f"{where}: seconds must be a number")
        try:
            steps.append(
                RoutineStep(
                    _text(item.get("title"), "title", where, required=True),
                    _names(item.get("strokes"), "strokes", where),
                    _names(item.get("zones"), "zones", where),
                    float(seconds),
                )
            )
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    return RoutinePlan(name, tuple(steps), title)


def load_routine(spec: str | Path) -> RoutinePlan:
    """A built-in routine by name (``evening``, ``full``) or a routine file (TOML).

    Raises:
        InputError: the file is missing, not TOML, or not a routine (one line, naming the problem).
    """
    text_spec = str(spec)
    if text_spec in BUILTIN:
        text = resources.files("coach").joinpath("routines", BUILTIN[text_spec]).read_text(encoding="utf-8")
        return plan_from_dict(tomllib.loads(text), text_spec)
    path = Path(text_spec)
    if not path.is_file():
        names = ", ".join(BUILTIN)
        raise InputError(f"{path}: no such routine file; give a .toml file or one of: {names}")
    try:
        if path.stat().st_size > 1_000_000:
            raise ValueError("too large for a routine file")
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        return plan_from_dict(doc, path.stem)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not a TOML file ({exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text file") from None
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class StepProgress:
    """Where the routine is after one frame.

    Attributes:
        index: the current step (0-based); ``len(steps)`` once finished.
        step: the current step, or None once finished.
        done_s: seconds of the current step done.
        fraction: ``done_s / target_s``, 0-1 (1 once finished).
        completed: the step that was completed on this frame, or None.
        finished: every step is done.
    """

    index: int
    step: RoutineStep | None
    done_s: float
    fraction: float
    completed: RoutineStep | None = None
    finished: bool = False


@dataclass
class RoutineTracker:
    """Follows a routine from the live stroke state, frame by frame.

    Time comes from the frames; a gap between frames counts for at most
    ``max_gap_s`` (a dropped frame, a paused session).

    Args:
        plan: the routine.
        max_gap_s: the longest gap between two frames that counts.
    """

    plan: RoutinePlan
    max_gap_s: float = 0.5
    _done: list[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Starts the routine again from its first step."""
        self.index = 0
        self._done = [0.0] * len(self.plan.steps)
        self._completed_at: list[float | None] = [None] * len(self.plan.steps)
        self._last_t: float | None = None

    @property
    def finished(self) -> bool:
        return self.index >= len(self.plan.steps)

    def progress(self, completed: RoutineStep | None = None) -> StepProgress:
        """The progress now, without a new frame."""
        if self.finished:
            return StepProgress(self.index, None, 0.0, 1.0, completed, True)
        step = self.plan.steps[self.index]
        done = self._done[self.index]
        return StepProgress(self.index, step, done, min(1.0, done / step.target_s), completed)

    def update(self, t_s: float, stroke: str | None, zone: str | None) -> StepProgress:
        """One frame: the live stroke and its zone at time ``t_s``.

        Returns:
            The progress; ``completed`` is set on the frame a step's target is met.
        """
        dt = 0.0 if self._last_t is None else min(max(t_s - self._last_t, 0.0), self.max_gap_s)
        self._last_t = t_s
        if self.finished:
            return self.progress()
        step = self.plan.steps[self.index]
        if step.counts(stroke, zone):
            self._done[self.index] += dt
            if self._done[self.index] >= step.target_s:
                self._completed_at[self.index] = t_s
                self.index += 1
                return self.progress(completed=step)
        return self.progress()

    def skip(self, t_s: float | None = None) -> None:
        """Moves on to the next step without completing this one."""
        if not self.finished:
            self.index += 1

    def results(self) -> tuple[StepResult, ...]:
        """Every step's outcome so far."""
        return tuple(
            StepResult(s.title, s.target_s, d, c)
            for s, d, c in zip(self.plan.steps, self._done, self._completed_at, strict=True)
        )

    def summary(self) -> Routine:
        """The routine's result, for the session file."""
        return Routine(self.plan.name, self.plan.target_s, self.results())
