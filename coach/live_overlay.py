"""What the live window adds to the coach's overlay: routine progress, key help, prompts.

Annotators as in :mod:`coach.overlay`: configured once, ``draw(scene, data) ->
scene``, no logic, sizes from the frame size, colours from the table below.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from coach.overlay import PANEL_COLOUR, TEXT_COLOUR, line_thickness, text_scale

PROGRESS_BACK = (90, 90, 90)
PROGRESS_FILL = (90, 200, 90)
PROMPT_COLOUR = (60, 220, 255)
MARK_COLOUR = (60, 220, 255)
FONT = cv2.FONT_HERSHEY_SIMPLEX

HELP_LINES: tuple[tuple[str, str], ...] = (
    ("q", "quit (the session is saved)"),
    ("space", "pause / resume"),
    ("r", "reset: start a new session"),
    ("c", "recalibrate: click heel, then toe"),
    ("h", "show / hide this help"),
)


def _dim(region: np.ndarray, keep: float = 0.3) -> None:
    """Darkens a region in place towards the panel colour (text stays readable on any picture)."""
    region[:] = (region * keep + np.array(PANEL_COLOUR) * (1 - keep)).astype(np.uint8)


def _line_height(size: tuple[int, int]) -> int:
    return int(28 * text_scale(size) * 1.4) + 4


@dataclass(frozen=True)
class RoutineView:
    """What the routine panel shows.

    Attributes:
        name: the routine's title.
        step: 1-based number of the current step (``total + 1`` once finished).
        total: number of steps.
        title: the current step's title ("" once finished).
        fraction: progress of the current step, 0-1.
        done_s: seconds of the current step done.
        target_s: seconds the current step asks for.
    """

    name: str
    step: int
    total: int
    title: str
    fraction: float
    done_s: float = 0.0
    target_s: float = 0.0

    @property
    def finished(self) -> bool:
        return self.step > self.total


@dataclass(frozen=True)
class RoutineAnnotator:
    """Draws the routine panel at the top right: step n of N, its title and a progress bar.

    Attributes:
        width: panel width as a share of the frame width.
    """

    width: float = 0.40

    def draw(self, scene: np.ndarray, view: RoutineView) -> np.ndarray:
        h, w = scene.shape[:2]
        size = (w, h)
        scale, thick, line = text_scale(size), line_thickness(size), _line_height(size)
        pad = line // 3
        panel_w = int(w * self.width)
        x0 = w - panel_w
        panel_h = 3 * line + 2 * pad
        _dim(scene[0:panel_h, x0:w])
        if view.finished:
            head, title = f"{view.name}: done", "All steps complete. Well done."
        else:
            head = f"Step {view.step} of {view.total}: {view.name}"
            title = view.title
        for row, (text, s) in enumerate(((head, scale * 0.85), (title, scale))):
            cv2.putText(
                scene,
                _fit(text, panel_w - 2 * pad, s, thick),
                (x0 + pad, pad + (row + 1) * line - line // 4),
                FONT,
                s,
                TEXT_COLOUR,
                thick,
                cv2.LINE_AA,
            )
        y = pad + 2 * line + line // 5
        bx0, bx1, by1 = x0 + pad, w - pad, y + line // 2
        cv2.rectangle(scene, (bx0, y), (bx1, by1), PROGRESS_BACK, -1)
        fraction = 1.0 if view.finished else float(np.clip(view.fraction, 0.0, 1.0))
        fill = bx0 + round(fraction * (bx1 - bx0))
        if fill > bx0:
            cv2.rectangle(scene, (bx0, y), (fill, by1), PROGRESS_FILL, -1)
        return scene


def _fit(text: str, width_px: int, scale: float, thick: int) -> str:
    """The text, cut with "..." to fit in ``width_px``."""
    if cv2.getTextSize(text, FONT, scale, thick)[0][0] <= width_px:
        return text
    while len(text) > 1 and cv2.getTextSize(text + "...", FONT, scale, thick)[0][0] > width_px:
        text = text[:-1]
    return text.rstrip() + "..."


@dataclass(frozen=True)
class HelpAnnotator:
    """Draws the key help in a box in the middle of the picture."""

    lines: tuple[tuple[str, str], ...] = HELP_LINES

    def draw(self, scene: np.ndarray) -> np.ndarray:
        h, w = scene.shape[:2]
        size = (w, h)
        scale, thick, line = text_scale(size), line_thickness(size), _line_height(size)
        pad = line // 2
        box_w = int(w * 0.62)
        box_h = (len(self.lines) + 1) * line + 2 * pad
        x0, y0 = (w - box_w) // 2, max(0, (h - box_h) // 2)
        _dim(scene[y0 : y0 + box_h, x0 : x0 + box_w], keep=0.15)
        cv2.rectangle(scene, (x0, y0), (x0 + box_w - 1, y0 + box_h - 1), TEXT_COLOUR, thick)
        cv2.putText(
            scene,
            "Keys",
            (x0 + pad, y0 + pad + line - line // 4),
            FONT,
            scale,
            PROMPT_COLOUR,
            thick,
            cv2.LINE_AA,
        )
        key_w = int(box_w * 0.22)
        for i, (key, what) in enumerate(self.lines, 1):
            y = y0 + pad + (i + 1) * line - line // 4
            cv2.putText(scene, key, (x0 + pad, y), FONT, scale, PROMPT_COLOUR, thick, cv2.LINE_AA)
            cv2.putText(
                scene,
                _fit(what, box_w - key_w - 2 * pad, scale, thick),
                (x0 + pad + key_w, y),
                FONT,
                scale,
                TEXT_COLOUR,
                thick,
                cv2.LINE_AA,
            )
        return scene


@dataclass(frozen=True)
class PromptAnnotator:
    """Draws a one-line prompt across the top middle (e.g. "click the heel") and clicked points."""

    def draw(self, scene: np.ndarray, text: str, points: tuple[tuple[float, float], ...] = ()) -> np.ndarray:
        h, w = scene.shape[:2]
        size = (w, h)
        scale, thick, line = text_scale(size), line_thickness(size), _line_height(size)
        if text:
            (tw, _), _ = cv2.getTextSize(text, FONT, scale * 1.1, thick)
            tw = min(tw, w - 2 * line)
            x0 = (w - tw) // 2 - line // 2
            y0 = h // 2 - line
            _dim(scene[y0 : y0 + line + line // 2, max(0, x0) : min(w, x0 + tw + line)], keep=0.2)
            cv2.putText(
                scene,
                text,
                (max(0, x0) + line // 2, y0 + line),
                FONT,
                scale * 1.1,
                PROMPT_COLOUR,
                thick,
                cv2.LINE_AA,
            )
        for x, y in points:
            p = (round(x), round(y))
            cv2.drawMarker(scene, p, MARK_COLOUR, cv2.MARKER_CROSS, 4 * line // 3, max(2, thick), cv2.LINE_AA)
        return scene


@dataclass(frozen=True)
class BadgeAnnotator:
    """Draws a short state word ("PAUSED") at the bottom right, above the cue banner."""

    def draw(self, scene: np.ndarray, text: str) -> np.ndarray:
        if not text:
            return scene
        h, w = scene.shape[:2]
        size = (w, h)
        scale, thick, line = text_scale(size), line_thickness(size), _line_height(size)
        (tw, _), _ = cv2.getTextSize(text, FONT, scale, thick)
        x0, y1 = w - tw - line, h - 2 * line
        _dim(scene[y1 - line : y1 + line // 3, x0 - line // 3 : w - line // 2], keep=0.2)
        cv2.putText(scene, text, (x0, y1), FONT, scale, PROMPT_COLOUR, thick, cv2.LINE_AA)
        return scene
