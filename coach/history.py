"""``coach history``: progress across saved sessions, on one self-contained page.

Reads ``session.json`` files (or folders holding them), puts each session on
the day it was recorded (``recorded_at``, else ``created_at``, in the time zone
it was written in) and shows: time per zone per day, the pace trend of each
stroke type against its band, the rhythm (steadiness) trend, and the practice
streak, counted in days with at least five minutes of massage strokes (the
guide recommends five to ten minutes each evening).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from coach.charts import (
    GOOD_BAND,
    INK,
    MEASURE_LABELS,
    MUTED,
    OFF_BAND,
    TYPE_COLOURS,
    TYPE_LABELS,
    ZONE_COLOURS,
    ZONE_LABELS,
    figure_uri,
    new_figure,
    styled,
)
from coach.errors import InputError
from coach.report import ReportConfig, environment, format_pace
from coach.session import ROUTINE_MAX_S, ROUTINE_MIN_S, Session, load_session, write_text_atomic
from coach.vocabulary import PACE_TARGETS, STROKE_TYPES, ZONES

MAX_SESSIONS = 2000
"""A history page shows at most this many sessions."""


@dataclass(frozen=True)
class Entry:
    """One session on the history page.

    Attributes:
        path: the file it came from.
        session: the session.
        day: the calendar day it was recorded.
        offset_days: whole days since the first day on the page (the x of trend charts).
    """

    path: Path
    session: Session
    day: date
    offset_days: float


@dataclass(frozen=True)
class Streak:
    """Practice days: at least :data:`ROUTINE_MIN_S` of strokes in a day.

    Attributes:
        latest: consecutive practice days ending on the last day in the history
            (0 if that day fell short).
        longest: the longest run of consecutive practice days.
        practice_days: days that met the goal.
        span_days: days from the first session to the last, inclusive.
    """

    latest: int
    longest: int
    practice_days: int
    span_days: int


def find_sessions(paths: Iterable[Path]) -> list[Path]:
    """Session files named directly, and every ``session.json`` under named folders.

    Raises:
        InputError: a path does not exist, or nothing was found.
    """
    found: dict[Path, None] = {}
    for path in paths:
        path = Path(path)
        if path.is_dir():
            inside = sorted(path.rglob("session.json"))
            if not inside:
                raise InputError(f"{path}: no session.json files in this folder")
            found.update(dict.fromkeys(p.resolve() for p in inside))
        elif path.exists():
            found[path.resolve()] = None
        else:
            raise InputError(f"{path}: no such file or folder")
    if not found:
        raise InputError("no session files given")
    if len(found) > MAX_SESSIONS:
        raise InputError(f"{len(found)} session files; a history page takes at most {MAX_SESSIONS}")
    return list(found)


def load_history(paths: Iterable[Path]) -> list[tuple[Path, Session]]:
    """Loads every session under ``paths`` (see :func:`find_sessions`).

    Raises:
        InputError: any file is bad (the message names it) or has no date.
    """
    loaded = []
    for path in find_sessions(paths):
        session = load_session(path)
        if session.when is None:
            raise InputError(f"{path}: has neither recorded_at nor created_at, so it has no day in a history")
        loaded.append((path, session))
    return loaded


def entries(loaded: Sequence[tuple[Path, Session]]) -> list[Entry]:
    """Sessions in time order, each placed on its day."""
    timed = sorted(
        ((s.when, str(p), p, s) for p, s in loaded), key=lambda x: (x[0].replace(tzinfo=None), x[1])
    )
    if not timed:
        return []
    first = timed[0][0].date()
    out = []
    for when, _, path, session in timed:
        day = when.date()
        out.append(Entry(path, session, day, float((day - first).days)))
    return out


def minutes_per_day(items: Sequence[Entry]) -> tuple[list[date], np.ndarray]:
    """Every day from the first session to the last, and minutes of strokes per zone on each.

    Returns:
        (days, minutes): ``minutes`` is (n_days, len(ZONES)) float64.
    """
    if not items:
        return [], np.zeros((0, len(ZONES)))
    first, last = items[0].day, max(e.day for e in items)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    minutes = np.zeros((len(days), len(ZONES)))
    for e in items:
        row = (e.day - first).days
        minutes[row] += [e.session.coverage.zones[z].seconds / 60 for z in ZONES]
    return days, minutes


def practice_streak(active_s_per_day: Mapping[date, float], min_s: float = ROUTINE_MIN_S) -> Streak:
    """Consecutive days with at least ``min_s`` seconds of strokes.

    Args:
        active_s_per_day: seconds of strokes on each day (days missing count as 0).
        min_s: the daily goal.
    """
    if not active_s_per_day:
        return Streak(0, 0, 0, 0)
    first, last = min(active_s_per_day), max(active_s_per_day)
    span = (last - first).days + 1
    met = [active_s_per_day.get(first + timedelta(days=i), 0.0) >= min_s for i in range(span)]
    longest = run = 0
    for ok in met:
        run = run + 1 if ok else 0
        longest = max(longest, run)
    return Streak(latest=run, longest=longest, practice_days=sum(met), span_days=span)


# --- charts -------------------------------------------------------------------------------------


def _day_labels(ax: Any, days: Sequence[date], max_ticks: int = 14, weekday: bool = True) -> None:
    step = max(1, -(-len(days) // max_ticks))
    ticks = list(range(0, len(days), step))
    ax.set_xticks(ticks, [days[i].strftime("%a\n%d %b" if weekday else "%d %b") for i in ticks])


@styled
def zone_minutes_chart(days: Sequence[date], minutes: np.ndarray) -> Figure:
    """Stacked bars: minutes of strokes per zone on each day, the routine's 5-10 minutes shaded."""

    fig = new_figure(9.0, 3.2)
    ax = fig.add_subplot()
    x = np.arange(len(days))
    ax.axhspan(ROUTINE_MIN_S / 60, ROUTINE_MAX_S / 60, color="#2a9d8f", alpha=0.10, linewidth=0)
    bottom = np.zeros(len(days))
    for i, zone in enumerate(ZONES):
        ax.bar(x, minutes[:, i], 0.7, bottom=bottom, color=ZONE_COLOURS[zone], label=ZONE_LABELS[zone])
        bottom += minutes[:, i]
    ax.text(
        -0.45,
        ROUTINE_MAX_S / 60,
        "goal: 5–10 min each evening",
        color=MUTED,
        fontsize=8,
        va="bottom",
        ha="left",
    )
    ax.set_ylabel("minutes of strokes", color=MUTED)
    ax.set_ylim(0, max(ROUTINE_MAX_S / 60 * 1.25, float(bottom.max(initial=0)) * 1.1))
    ax.set_xlim(-0.6, len(days) - 0.4)
    _day_labels(ax, days)
    ax.legend(ncols=5, loc="upper left", bbox_to_anchor=(0, -0.22), frameon=False, fontsize=8, labelcolor=INK)
    ax.grid(axis="y", color="#eef0f5")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def _trend_days(items: Sequence[Entry]) -> list[date]:
    if not items:
        return []
    first = items[0].day
    return [first + timedelta(days=i) for i in range(int(items[-1].offset_days) + 1)]


@styled
def pace_trend_chart(items: Sequence[Entry]) -> Figure:
    """Median pace per session for each paced stroke type, against its good band."""

    fig = new_figure(9.0, 4.4)
    axes = fig.subplots(2, 2, sharex=True)
    span = max((e.offset_days for e in items), default=0.0)
    for ax, stroke_type in zip(axes.flat, PACE_TARGETS, strict=True):
        band = PACE_TARGETS[stroke_type]
        points = [
            (e.offset_days, e.session.rhythm[stroke_type].median)
            for e in items
            if e.session.rhythm[stroke_type].median is not None
        ]
        ax.axhspan(band.low, band.high, color=GOOD_BAND, alpha=0.14, linewidth=0)
        top = band.high * 1.6
        if points:
            x, y = (np.asarray(a, np.float64) for a in zip(*points, strict=True))
            ax.plot(x, y, color=TYPE_COLOURS[stroke_type], linewidth=1.4, zorder=2)
            inside = (y >= band.low) & (y <= band.high)
            ax.scatter(x[inside], y[inside], s=22, color=TYPE_COLOURS[stroke_type], zorder=3)
            ax.scatter(
                x[~inside], y[~inside], s=26, facecolor="white", edgecolor=OFF_BAND, linewidth=1.5, zorder=3
            )
            top = max(top, float(y.max()) * 1.15)
        else:
            ax.text(0.5, 0.5, "no strokes yet", transform=ax.transAxes, ha="center", va="center", color=MUTED)
        ax.set_ylim(0, top)
        ax.set_xlim(-0.5, span + 0.5)
        ax.set_title(
            f"{TYPE_LABELS[stroke_type]}: median per session ({MEASURE_LABELS[band.measure]})",
            loc="left",
            fontsize=9,
        )
        ax.grid(color="#eef0f5")
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes[1]:
        _day_labels(ax, _trend_days(items), max_ticks=6, weekday=False)
    return fig


@styled
def rhythm_trend_chart(items: Sequence[Entry]) -> Figure:
    """Steadiness (1 - coefficient of variation of pace) per stroke type over the sessions."""

    fig = new_figure(9.0, 2.8)
    ax = fig.add_subplot()
    span = max((e.offset_days for e in items), default=0.0)
    drawn = False
    for stroke_type in STROKE_TYPES:
        points = [
            (e.offset_days, e.session.rhythm[stroke_type].regularity * 100)
            for e in items
            if e.session.rhythm[stroke_type].regularity is not None
        ]
        if points:
            x, y = zip(*points, strict=True)
            ax.plot(
                x,
                y,
                marker="o",
                markersize=4,
                color=TYPE_COLOURS[stroke_type],
                label=TYPE_LABELS[stroke_type],
            )
            drawn = True
    if not drawn:
        ax.text(
            0.5, 0.5, "not enough strokes yet", transform=ax.transAxes, ha="center", va="center", color=MUTED
        )
    else:
        ax.legend(ncols=5, loc="upper left", bbox_to_anchor=(0, -0.25), frameon=False, fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_xlim(-0.5, span + 0.5)
    ax.set_ylabel("steadiness %", color=MUTED)
    _day_labels(ax, _trend_days(items))
    ax.grid(color="#eef0f5")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


@styled
def streak_chart(days: Sequence[date], active_min: np.ndarray) -> Figure:
    """One square per day: grey none, pale under 5 minutes, green 5 minutes or more."""

    shown = list(days[-56:])
    values = active_min[-56:]
    fig = new_figure(9.0, 1.25)
    ax = fig.add_subplot()
    goal = ROUTINE_MIN_S / 60
    for i, (day, value) in enumerate(zip(shown, values, strict=True)):
        colour = "#e9ebf0" if value <= 0 else ("#2a9d8f" if value >= goal else "#bfe3de")
        ax.add_patch(Rectangle((i + 0.06, 0.06), 0.88, 0.88, facecolor=colour, edgecolor="none"))
        ax.text(
            i + 0.5, 0.5, f"{day.day}", ha="center", va="center", fontsize=7, color=INK if value else MUTED
        )
        if day.day == 1 or i == 0:
            ax.text(i + 0.06, 1.12, day.strftime("%b"), fontsize=8, color=MUTED, va="bottom")
    ax.set_xlim(0, max(len(shown), 14))
    ax.set_ylim(0, 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# --- page ---------------------------------------------------------------------------------------


def history_context(loaded: Sequence[tuple[Path, Session]], config: ReportConfig) -> dict[str, Any]:
    """Everything the history template shows, as plain data (charts as ``data:`` URIs or None)."""

    items = entries(loaded)
    days, minutes = minutes_per_day(items)
    per_day: dict[date, float] = {}
    for e in items:
        per_day[e.day] = per_day.get(e.day, 0.0) + e.session.active_s
    streak = practice_streak(per_day)
    charts: dict[str, str | None] = {"zones": None, "pace": None, "rhythm": None, "streak": None}
    if config.charts and items:
        active_min = np.array([per_day.get(d, 0.0) / 60 for d in days])
        charts = {
            "zones": figure_uri(zone_minutes_chart(days, minutes)),
            "pace": figure_uri(pace_trend_chart(items)),
            "rhythm": figure_uri(rhythm_trend_chart(items)),
            "streak": figure_uri(streak_chart(days, active_min)),
        }
    rows = []
    for e in reversed(items):
        glide = e.session.rhythm["glide"]
        rows.append(
            {
                "day": e.day.strftime("%a %d %b %Y"),
                "time": e.session.when.strftime("%H:%M") if e.session.when else "",
                "source": Path(e.session.video.source).name or e.session.video.source,
                "file": str(e.path),
                "duration_s": e.session.video.duration_s,
                "active_s": e.session.active_s,
                "strokes": len(e.session.strokes),
                "glide": format_pace(glide.measure, glide.median, config.foot_length_cm),
                "met": per_day.get(e.day, 0.0) >= ROUTINE_MIN_S,
            }
        )
    total_active = sum(e.session.active_s for e in items)
    zone_totals = minutes.sum(axis=0) if len(days) else np.zeros(len(ZONES))
    return {
        "count": len(items),
        "first": items[0].day.strftime("%d %B %Y") if items else "",
        "last": items[-1].day.strftime("%d %B %Y") if items else "",
        "streak": streak,
        "total_active_s": total_active,
        "zone_totals": [
            {
                "label": z.replace("_", " ").capitalize(),
                "minutes": float(zone_totals[i]),
                "share": float(zone_totals[i] / zone_totals.sum()) if zone_totals.sum() > 0 else 0.0,
            }
            for i, z in enumerate(ZONES)
        ],
        "rows": rows,
        "charts": charts,
        "routine_min": ROUTINE_MIN_S / 60,
        "routine_max": ROUTINE_MAX_S / 60,
    }


def render_history(loaded: Sequence[tuple[Path, Session]], config: ReportConfig | None = None) -> str:
    """The history page for the given sessions, as HTML text (self-contained, no scripts)."""
    config = config or ReportConfig()
    return environment().get_template("history.html.j2").render(history_context(loaded, config))


def write_history(path: Path, paths: Iterable[Path], config: ReportConfig | None = None) -> int:
    """Loads the sessions under ``paths``, renders the page and writes it atomically.

    Returns:
        The number of sessions on the page.

    Raises:
        InputError: a bad session file, nothing found, or an unwritable output.
    """
    loaded = load_history(paths)
    write_text_atomic(Path(path), render_history(loaded, config))
    return len(loaded)
