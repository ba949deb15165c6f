"""``report.html``: one session, for the person who gave the massage.

The page is rendered by Jinja2 with autoescaping on (every text that came from
a file is escaped) from ``coach/templates/report.html.j2``; charts come from
:mod:`coach.charts` as inline SVG ``data:`` URIs. The page needs nothing from
the network and no JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from coach.session import (
    ROUTINE_MAX_S,
    ROUTINE_MIN_S,
    TYPE_NAMES,
    Session,
    recommend,
    write_text_atomic,
)
from coach.vocabulary import DEFAULT_FOOT_LENGTH_CM, PACE_TARGETS, STROKE_TYPES, ZONES

_PACE_WORDS = {
    "press": {"too_slow": "too short", "good": "good", "too_fast": "too long"},
    None: {"too_slow": "too slow", "good": "good", "too_fast": "too fast"},
}


@dataclass(frozen=True)
class ReportConfig:
    """How pages are rendered.

    Attributes:
        foot_length_cm: to show glide speeds in cm/s as well (the spec's default, 25 cm).
        charts: draw the charts (off: a text-only page, much faster).
        max_cues: at most this many cues are listed; the rest are counted.
    """

    foot_length_cm: float = DEFAULT_FOOT_LENGTH_CM
    charts: bool = True
    max_cues: int = 200

    def __post_init__(self) -> None:
        if not 5.0 <= self.foot_length_cm <= 50.0:
            raise ValueError(f"foot_length_cm must be 5..50, got {self.foot_length_cm}")
        if self.max_cues < 0:
            raise ValueError(f"max_cues must be >= 0, got {self.max_cues}")


def environment() -> jinja2.Environment:
    """The template environment: package templates, autoescaping always on, strict undefined."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coach", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clock"] = clock
    env.filters["minutes"] = lambda s: f"{s / 60:.1f} min"
    env.filters["percent"] = lambda x: f"{x:.0%}"
    return env


def clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a time in seconds."""
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_pace(measure: str | None, value: float | None, foot_length_cm: float) -> str:
    """A pace in words and units: ``0.27 FL/s (7 cm/s)``, ``1.1 per second``, ``4.9 s``."""
    if measure is None or value is None:
        return "–"
    if measure == "speed_fl_s":
        return f"{value:.2f} FL/s ({value * foot_length_cm:.0f} cm/s)"
    if measure == "rate_hz":
        return f"{value:.1f} per second"
    return f"{value:.1f} s"


def band_text(stroke_type: str, foot_length_cm: float) -> str:
    """The good band of a stroke type, in words, or a dash when it has none."""
    band = PACE_TARGETS.get(stroke_type)
    if band is None:
        return "–"
    if band.measure == "speed_fl_s":
        return (
            f"{band.low:g}–{band.high:g} FL/s ({band.low * foot_length_cm:.0f}–"
            f"{band.high * foot_length_cm:.0f} cm/s)"
        )
    if band.measure == "rate_hz":
        return f"{band.low:g}–{band.high:g} per second"
    return f"hold {band.low:g}–{band.high:g} s"


def report_context(session: Session, config: ReportConfig) -> dict[str, Any]:
    """Everything the template shows, as plain data (the charts as ``data:`` URIs or None)."""
    fl = config.foot_length_cm
    zones = [
        {
            "name": zone,
            "label": zone.replace("_", " ").capitalize(),
            "seconds": session.coverage.zones[zone].seconds,
            "share": session.coverage.zones[zone].share,
        }
        for zone in ZONES
    ]
    rhythm = []
    for stroke_type in STROKE_TYPES:
        r = session.rhythm[stroke_type]
        judged = r.too_slow + r.good + r.too_fast
        words = _PACE_WORDS["press" if stroke_type == "press" else None]
        rhythm.append(
            {
                "type": stroke_type,
                "label": TYPE_NAMES[stroke_type].capitalize(),
                "count": r.count,
                "seconds": r.seconds,
                "median": format_pace(r.measure, r.median, fl),
                "band": band_text(stroke_type, fl),
                "in_band": None if judged == 0 else r.good / judged,
                "off": ", ".join(
                    f"{n} {words[k]}" for k, n in (("too_slow", r.too_slow), ("too_fast", r.too_fast)) if n
                ),
                "regularity": r.regularity,
            }
        )
    cues = session.cues[: config.max_cues]
    charts: dict[str, str | None] = {"foot": None, "timeline": None, "pace": None}
    if config.charts:
        from coach import charts as ch

        shares = {z["name"]: z["share"] for z in zones}
        for key, make in (
            ("foot", lambda: ch.foot_heatmap(session.coverage.heatmap, shares)),
            (
                "timeline",
                lambda: ch.stroke_timeline(session.strokes, session.video.duration_s, [c.t_s for c in cues]),
            ),
            ("pace", lambda: ch.pace_over_time(session.strokes, session.video.duration_s)),
        ):
            charts[key] = ch.figure_uri(make())
    when = session.when
    return {
        "session": session,
        "title": Path(session.video.source).name or session.video.source or "session",
        "when": None if when is None else when.strftime("%A %d %B %Y, %H:%M"),
        "created": session.created_at,
        "recommendations": recommend(session, fl),
        "zones": zones,
        "rhythm": rhythm,
        "cues": cues,
        "more_cues": len(session.cues) - len(cues),
        "stroke_count": len(session.strokes),
        "zones_touched": sum(1 for z in zones if z["seconds"] > 0),
        "routine_min": ROUTINE_MIN_S / 60,
        "routine_max": ROUTINE_MAX_S / 60,
        "colours": _colours(),
        "charts": charts,
        "foot_length_cm": fl,
    }


def _colours() -> dict[str, str]:
    from coach.charts import TYPE_COLOURS, ZONE_COLOURS

    return {**TYPE_COLOURS, **{f"zone_{k}": v for k, v in ZONE_COLOURS.items()}}


def render_report(session: Session, config: ReportConfig | None = None) -> str:
    """The report page for one session, as HTML text (self-contained, no scripts)."""
    config = config or ReportConfig()
    return environment().get_template("report.html.j2").render(report_context(session, config))


def write_report(path: Path, session: Session, config: ReportConfig | None = None) -> None:
    """Renders the report and writes it atomically to ``path``.

    Raises:
        InputError: the folder does not exist or cannot be written.
    """
    write_text_atomic(Path(path), render_report(session, config))
