"""Charts for the report pages, drawn with matplotlib and embedded as ``data:`` URIs.

Every chart is a fresh :class:`matplotlib.figure.Figure` (no pyplot, no global
figure state), saved as SVG with text as paths (no fonts needed to view it) and
a fixed id salt and no date, so the same session gives the same bytes. Colours
and labels live in the tables below, apart from the drawing code.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable, Mapping, Sequence
from typing import ParamSpec

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from coach.session import Heatmap, Stroke
from coach.vocabulary import (
    BALL_END_U,
    HEEL_END_U,
    MEDIAL_LATERAL_V,
    MIDFOOT_END_U,
    PACE_TARGETS,
    STROKE_TYPES,
    ZONES,
)

TYPE_COLOURS: dict[str, str] = {
    "glide": "#3b7dd8",
    "thumb_circles": "#e07b39",
    "press": "#8e5cc4",
    "knead": "#2a9d8f",
    "toe_work": "#d64d7a",
}
TYPE_LABELS: dict[str, str] = {
    "glide": "Glide",
    "thumb_circles": "Thumb circles",
    "press": "Press",
    "knead": "Knead",
    "toe_work": "Toe work",
}
ZONE_LABELS: dict[str, str] = {
    "heel": "Heel",
    "arch": "Arch",
    "outer_edge": "Outer edge",
    "ball": "Ball",
    "toes": "Toes",
}
ZONE_COLOURS: dict[str, str] = {
    "heel": "#9c6644",
    "arch": "#3b7dd8",
    "outer_edge": "#7fb3d5",
    "ball": "#e07b39",
    "toes": "#d64d7a",
}
MEASURE_LABELS: dict[str, str] = {
    "speed_fl_s": "foot lengths / s",
    "rate_hz": "per second",
    "hold_s": "seconds held",
}
GOOD_BAND = "#2a9d8f"
OFF_BAND = "#c0392b"
INK = "#2d3142"
MUTED = "#8a8fa3"
_RC = {"svg.hashsalt": "footcoach", "svg.fonttype": "path", "font.size": 9.0, "axes.edgecolor": MUTED}

# The foot's outline in drawing units (foot length 1): medial (x < 0) and lateral
# edges at a few points along u, heel at the bottom. Plantar view, right foot.
_OUTLINE_U = np.array([0.0, 0.03, 0.10, 0.25, 0.45, 0.60, 0.72, 0.82, 0.90, 0.96, 1.0])
_OUTLINE_MEDIAL = np.array([-0.05, -0.10, -0.125, -0.12, -0.10, -0.135, -0.165, -0.17, -0.165, -0.15, -0.12])
_OUTLINE_LATERAL = np.array([0.05, 0.10, 0.135, 0.15, 0.17, 0.20, 0.205, 0.19, 0.16, 0.12, 0.08])
_TOE_SPLITS_V = (0.30, 0.50, 0.67, 0.83)  # between the toes, big toe widest


P = ParamSpec("P")


def styled(draw: Callable[P, Figure]) -> Callable[P, Figure]:
    """Runs a chart function with the pages' matplotlib style, restored afterwards."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with matplotlib.rc_context(_RC):
            return draw(*args, **kwargs)

    return wrapper


def figure_uri(fig: Figure) -> str:
    """The figure as an SVG ``data:`` URI (base64), for an ``<img src>``."""
    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=0.05)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def new_figure(width_in: float, height_in: float) -> Figure:
    """A fresh figure (no pyplot, no global figure list); call it inside a :func:`styled` function."""
    return Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")


def foot_xy(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maps foot coordinates onto the drawn foot.

    Args:
        u: any shape, 0 heel .. 1 tip of the longest toe.
        v: same shape, 0 medial edge .. 1 lateral edge.

    Returns:
        (x, y) in drawing units: x across (medial left), y along (heel at 0).
    """
    u = np.clip(np.asarray(u, np.float64), 0, 1)
    v = np.clip(np.asarray(v, np.float64), 0, 1)
    left = np.interp(u, _OUTLINE_U, _OUTLINE_MEDIAL)
    right = np.interp(u, _OUTLINE_U, _OUTLINE_LATERAL)
    x = left + v * (right - left)
    # The toes: the big toe is the longest, the little toe the shortest.
    y = np.where(u > BALL_END_U, BALL_END_U + (u - BALL_END_U) * (1 - 0.42 * v**1.4), u)
    # Round the heel.
    y = y - 0.025 * np.clip(1 - u / 0.08, 0, 1) * np.sin(np.pi * v)
    return x, y


def _outline(steps: int = 60) -> np.ndarray:
    s = np.linspace(0, 1, steps)
    one, zero = np.ones_like(s), np.zeros_like(s)
    parts = [
        foot_xy(s, zero),  # medial edge, heel to toe
        foot_xy(one, s),  # across the toe tips
        foot_xy(s[::-1], one),  # lateral edge, toe to heel
        foot_xy(zero, s[::-1]),  # across the heel
    ]
    return np.concatenate([np.column_stack(p) for p in parts])


@styled
def foot_heatmap(heatmap: Heatmap, shares: Mapping[str, float]) -> Figure:
    """The foot with the heat map of stroke time and each zone's share.

    Args:
        heatmap: seconds over the unit foot, (u_bins, v_bins).
        shares: zone -> share of stroke time (0..1).
    """
    fig = new_figure(3.6, 5.6)
    ax = fig.add_subplot()
    ub, vb = heatmap.u_bins, heatmap.v_bins
    uu, vv = np.meshgrid(np.linspace(0, 1, ub + 1), np.linspace(0, 1, vb + 1), indexing="ij")
    x, y = foot_xy(uu, vv)
    outline = Polygon(_outline(), closed=True, facecolor="#f6efe9", edgecolor=INK, linewidth=1.6, zorder=1)
    ax.add_patch(outline)
    seconds = np.ma.masked_less_equal(heatmap.seconds, 0)
    if seconds.count():
        mesh = ax.pcolormesh(x, y, seconds, cmap="YlOrRd", shading="flat", zorder=2, alpha=0.9)
        mesh.set_clip_path(outline)
        bar = fig.colorbar(mesh, ax=ax, shrink=0.45, pad=0.02, location="right")
        bar.set_label("seconds of stroke time", color=MUTED)
        bar.outline.set_visible(False)
    s = np.linspace(0, 1, 40)
    for u0 in (HEEL_END_U, MIDFOOT_END_U, BALL_END_U):
        bx, by = foot_xy(np.full_like(s, u0), s)
        ax.plot(bx, by, color=INK, linewidth=0.9, linestyle=(0, (4, 3)), zorder=3)
    mu = np.linspace(HEEL_END_U, MIDFOOT_END_U, 20)
    mx, my = foot_xy(mu, np.full_like(mu, MEDIAL_LATERAL_V))
    ax.plot(mx, my, color=INK, linewidth=0.9, linestyle=(0, (4, 3)), zorder=3)
    tu = np.linspace(0.86, 1.0, 10)
    for v0 in _TOE_SPLITS_V:
        tx, ty = foot_xy(tu, np.full_like(tu, v0))
        ax.plot(tx, ty, color=INK, linewidth=0.8, alpha=0.7, zorder=3)
    centres = {
        "heel": (0.12, 0.5),
        "arch": (0.43, 0.25),
        "outer_edge": (0.43, 0.75),
        "ball": (0.69, 0.5),
        "toes": (0.90, 0.40),
    }
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for zone in ZONES:
        cx, cy = foot_xy(np.array(centres[zone][0]), np.array(centres[zone][1]))
        ax.text(
            float(cx),
            float(cy),
            f"{ZONE_LABELS[zone]}\n{shares.get(zone, 0.0):.0%}",
            ha="center",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=INK,
            path_effects=halo,
            zorder=4,
        )
    ax.text(-0.21, 0.45, "medial side (big toe)", rotation=90, ha="center", va="center", color=MUTED)
    ax.text(0.25, 0.45, "outer side (little toe)", rotation=270, ha="center", va="center", color=MUTED)
    ax.set_xlim(-0.24, 0.28)
    ax.set_ylim(-0.05, 1.03)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


@styled
def stroke_timeline(strokes: Sequence[Stroke], duration_s: float, cue_times: Sequence[float]) -> Figure:
    """One row per stroke type, a bar for each stroke; ticks at the top for the coach's cues."""
    fig = new_figure(9.0, 2.6)
    ax = fig.add_subplot()
    minutes = duration_s > 120
    scale = 60.0 if minutes else 1.0
    rows = list(reversed(STROKE_TYPES))
    for row, stroke_type in enumerate(rows):
        spans = [
            (s.start_s / scale, max(s.duration_s, 0.2) / scale) for s in strokes if s.type == stroke_type
        ]
        if spans:
            ax.broken_barh(spans, (row - 0.35, 0.7), facecolors=TYPE_COLOURS[stroke_type], linewidth=0)
    if cue_times:
        ax.vlines(np.asarray(cue_times) / scale, len(rows) - 0.45, len(rows) - 0.1, color=INK, linewidth=1.2)
        ax.text(0, len(rows) - 0.05, "coach's cues", color=MUTED, fontsize=8, va="bottom")
    ax.set_yticks(range(len(rows)), [TYPE_LABELS[t] for t in rows])
    ax.set_xlim(0, max(duration_s, 1.0) / scale)
    ax.set_ylim(-0.6, len(rows) + 0.4)
    ax.set_xlabel("minutes" if minutes else "seconds", color=MUTED)
    ax.grid(axis="x", color="#e6e8ef", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return fig


@styled
def pace_over_time(strokes: Sequence[Stroke], duration_s: float) -> Figure:
    """Each paced stroke type's pace over the session against its good band (shaded)."""
    types = list(PACE_TARGETS)
    fig = new_figure(9.0, 4.6)
    axes = fig.subplots(2, 2, sharex=True)
    minutes = duration_s > 120
    scale = 60.0 if minutes else 1.0
    for ax, stroke_type in zip(axes.flat, types, strict=True):
        band = PACE_TARGETS[stroke_type]
        points = [
            ((s.start_s + s.end_s) / 2 / scale, s.value, s.pace)
            for s in strokes
            if s.type == stroke_type and s.value is not None
        ]
        ax.axhspan(band.low, band.high, color=GOOD_BAND, alpha=0.14, linewidth=0)
        ax.axhline(band.low, color=GOOD_BAND, linewidth=0.8, alpha=0.6)
        ax.axhline(band.high, color=GOOD_BAND, linewidth=0.8, alpha=0.6)
        top = band.high * 1.6
        if points:
            t, value, pace = zip(*points, strict=True)
            values = np.asarray(value, np.float64)
            good = np.array([p == "good" for p in pace])
            ax.scatter(np.asarray(t)[good], values[good], s=22, color=TYPE_COLOURS[stroke_type], zorder=3)
            ax.scatter(
                np.asarray(t)[~good],
                values[~good],
                s=26,
                facecolor="white",
                edgecolor=OFF_BAND,
                linewidth=1.5,
                zorder=3,
            )
            top = max(top, float(values.max()) * 1.15)
        else:
            ax.text(0.5, 0.5, "no strokes", transform=ax.transAxes, ha="center", va="center", color=MUTED)
        ax.set_ylim(0, top)
        ax.set_xlim(0, max(duration_s, 1.0) / scale)
        ax.set_title(
            f"{TYPE_LABELS[stroke_type]}: good {band.low:g}–{band.high:g} {MEASURE_LABELS[band.measure]}",
            loc="left",
            fontsize=9,
            color=INK,
        )
        ax.grid(color="#eef0f5", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes[1]:
        ax.set_xlabel("minutes" if minutes else "seconds", color=MUTED)
    return fig
