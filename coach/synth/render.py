"""The render loop: a choreography, a foot, hands and a scene, frame by frame, with the truth."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from coach.errors import InputError
from coach.landmarks import HandLandmark
from coach.sinks import VideoSink
from coach.synth.choreography import NAMED, RULES_VERSION, Track, by_name, contact_weights, plan
from coach.synth.foot import SIDES, VIEWS, FootLook, FootModel, FootPlacement, draw_foot, draw_leg
from coach.synth.hand import (
    DRAWING_VERSION,
    HandLayer,
    HandLook,
    HandPose,
    composite,
    draw_hand,
    hand_landmarks,
    place,
)
from coach.synth.labels import FrameTruth, SessionLabels, write_labels
from coach.synth.scene import (
    BACKGROUNDS,
    Lighting,
    Occluder,
    SensorNoise,
    background,
    draw_occluder,
    finish,
    motion_blur_kernel,
)

L = HandLandmark

# BGR skin tones from very fair to very dark.
SKIN_TONES: dict[str, tuple[int, int, int]] = {
    "very_fair": (180, 198, 235),
    "fair": (150, 176, 222),
    "medium": (112, 146, 196),
    "olive": (92, 128, 168),
    "brown": (66, 98, 146),
    "dark": (44, 64, 104),
}
QUALITIES: tuple[str, ...] = ("clean", "webcam", "poor")
# Sensor noise (grey levels), motion-blur exposure and occluder count per quality.
_QUALITY = {"clean": (1.0, 0.3, 0), "webcam": (2.5, 0.5, 1), "poor": (5.0, 0.8, 2)}


def parse_size(text: str) -> tuple[int, int]:
    """Reads a frame size written ``WIDTHxHEIGHT`` (e.g. ``640x480``).

    Raises:
        InputError: anything else.
    """
    try:
        w, h = (int(p) for p in str(text).lower().split("x"))
    except ValueError:
        raise InputError(f"size {text!r} is not WIDTHxHEIGHT, e.g. 640x480") from None
    return w, h


@dataclass(frozen=True)
class SynthConfig:
    """What to render. Everything not given is drawn from ``seed``.

    Attributes:
        choreography: "good_session", "rushed_session", "neglects_arches" or "random".
        seed: the seed for every random choice; the same seed renders the same frames.
        duration_s: cut the session at this length; None renders the whole choreography
            (a random one lasts about 20 s).
        size: (width, height) in pixels.
        fps: frames per second, 10-240 (the timeline has one row per frame).
        view: "sole" or "top": the side of the foot facing the camera.
        side: "left" or "right" foot.
        holding_hand: draw the second hand, holding the foot from behind.
        palm_view: the working hand shows its palm (False: its back).
        quality: "clean", "webcam" or "poor": sensor noise, motion blur and occluders.
        background: "towel", "floor", "cloth", or None to draw one from the seed.
        foot_skin: a key of SKIN_TONES or None (from the seed).
        hand_skin: a key of SKIN_TONES or None (from the seed).
        rotation_deg: the foot's heel-to-toe direction, 0 = toes up, clockwise; None
            for a random tilt within +-25 degrees.
        foot_length: foot length as a fraction of the frame height, or None (0.58-0.68).
    """

    choreography: str = "good_session"
    seed: int = 0
    duration_s: float | None = None
    size: tuple[int, int] = (640, 480)
    fps: float = 30.0
    view: str = "sole"
    side: str = "right"
    holding_hand: bool = True
    palm_view: bool = False
    quality: str = "webcam"
    background: str | None = None
    foot_skin: str | None = None
    hand_skin: str | None = None
    rotation_deg: float | None = None
    foot_length: float | None = None

    def __post_init__(self) -> None:
        if self.choreography not in (*NAMED, "random"):
            raise InputError(
                f"unknown choreography {self.choreography!r}; use one of {', '.join((*NAMED, 'random'))}"
            )
        w, h = self.size
        if not (64 <= w <= 4096 and 64 <= h <= 4096):
            raise InputError(f"frame size {w}x{h} is out of range; use e.g. 640x480 (64-4096 each side)")
        # The labels' timeline is one row per frame, and the spec asks for 10 Hz or more.
        if not 10.0 <= self.fps <= 240.0:
            raise InputError(f"fps {self.fps} is out of range; use 10-240")
        if self.duration_s is not None and not 0 < self.duration_s <= 600:
            raise InputError(
                f"duration {self.duration_s} s is out of range; use more than 0 and at most 600 s"
            )
        if self.view not in VIEWS or self.side not in SIDES:
            raise InputError(f"view must be one of {VIEWS} and side one of {SIDES}")
        if self.quality not in QUALITIES:
            raise InputError(f"quality must be one of {QUALITIES}, got {self.quality!r}")
        if self.background is not None and self.background not in BACKGROUNDS:
            raise InputError(f"background must be one of {BACKGROUNDS}, got {self.background!r}")
        for name in ("foot_skin", "hand_skin"):
            tone = getattr(self, name)
            if tone is not None and tone not in SKIN_TONES:
                raise InputError(
                    f"{name.replace('_', ' ')} tone must be one of {', '.join(SKIN_TONES)}, got {tone!r}"
                )
        if self.foot_length is not None and not 0.2 <= self.foot_length <= 0.9:
            raise InputError("foot length must be 0.2-0.9 of the frame height")
        if self.seed < 0:
            raise InputError(f"seed must be >= 0, got {self.seed}")


@dataclass(frozen=True)
class Scene:
    """The fixed choices of a session, drawn once from the seed.

    Attributes:
        background: backdrop name.
        backdrop: (h, w, 3) float32 picture.
        foot: the drawn foot.
        foot_skin, hand_skin: names of the skin tones.
        hand_look: the working hand's look (the holding hand shares it).
        palm_fl: palm length (wrist to middle knuckle) in foot lengths.
        heel, toe: (2,) resting heel and toe positions, pixels.
        drift: (3, 3) amplitude, frequency (Hz) and phase (columns) of the foot's
            slow drift in x, y (FL) and rotation (radians) (rows).
        lighting: light direction and changes.
        light_field: (h, w, 3) float32.
        noise_sigma: sensor noise.
        exposure: shutter fraction for motion blur.
        occluders: things passing in front of the hands.
        working_anchor: (2,) where the working forearm comes from, pixels (off the picture).
        holding_at: (2,) the holding hand's palm centre in the foot frame, FL.
    """

    background: str
    backdrop: np.ndarray
    foot: FootModel
    foot_skin: str
    hand_skin: str
    hand_look: HandLook
    palm_fl: float
    heel: np.ndarray
    toe: np.ndarray
    drift: np.ndarray
    lighting: Lighting
    light_field: np.ndarray
    noise_sigma: float
    exposure: float
    occluders: tuple[Occluder, ...]
    working_anchor: np.ndarray
    holding_at: np.ndarray = field(default_factory=lambda: np.array([-0.08, 0.03]))


def build_scene(cfg: SynthConfig, rng: np.random.Generator, duration_s: float) -> Scene:
    """Draws the fixed choices (skin tones, backdrop, foot pose, light, occluders) from ``rng``."""
    w, h = cfg.size
    tones = list(SKIN_TONES)
    foot_skin = cfg.foot_skin or tones[int(rng.integers(len(tones)))]
    # Hand and foot are often one person's, sometimes another's.
    hand_skin = cfg.hand_skin or (foot_skin if rng.random() < 0.5 else tones[int(rng.integers(len(tones)))])
    bg_name = cfg.background or BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    backdrop = background(bg_name, cfg.size, rng)
    foot = FootModel.build(FootLook(SKIN_TONES[foot_skin], cfg.view), rng)
    sleeve = None if rng.random() < 0.5 else tuple(int(c) for c in rng.uniform(30, 200, 3))
    hand_look = HandLook(
        SKIN_TONES[hand_skin], palm_tint=0.25, sleeve=sleeve, sleeve_start=float(rng.uniform(1.8, 3))
    )
    palm_fl = float(rng.uniform(0.33, 0.40))
    fl = (cfg.foot_length or float(rng.uniform(0.58, 0.68))) * h
    rot = math.radians(cfg.rotation_deg if cfg.rotation_deg is not None else float(rng.uniform(-25, 25)))
    axis = np.array([math.sin(rot), -math.cos(rot)])
    centre = np.array([w * rng.uniform(0.40, 0.50), h * rng.uniform(0.50, 0.56)])
    heel = centre - axis * fl * 0.5
    toe = centre + axis * fl * 0.5
    drift = np.zeros((3, 3))
    drift[:, 0] = (0.03, 0.03, math.radians(3.0))
    drift[:, 1] = rng.uniform(0.03, 0.09, 3)
    drift[:, 2] = rng.uniform(0, 2 * math.pi, 3)
    light_dir = rng.normal(size=2)
    light_dir = light_dir / np.linalg.norm(light_dir)
    lighting = Lighting(
        direction=(float(light_dir[0]), float(light_dir[1])),
        gain_amplitude=float(rng.uniform(0.04, 0.15)),
        gain_period_s=float(rng.uniform(6, 16)),
        phase=float(rng.uniform(0, 2 * math.pi)),
        warmth=float(rng.uniform(-0.6, 0.8)),
        vignette=float(rng.uniform(0.1, 0.4)),
    )
    sigma, exposure, n_occ = _QUALITY[cfg.quality]
    occluders = []
    for _ in range(n_occ):
        start = float(rng.uniform(2.0, max(2.5, duration_s - 2.0)))
        y0 = float(rng.uniform(0.3, 0.7)) * h
        left = rng.random() < 0.5
        x_from, x_to = (-0.25 * w, 1.25 * w) if left else (1.25 * w, -0.25 * w)
        occluders.append(
            Occluder(
                start,
                float(rng.uniform(0.5, 0.9)),
                (x_from, y0),
                (x_to, y0 + float(rng.uniform(-0.2, 0.2)) * h),
                (0.22 * w, 0.12 * h),
                tuple(int(c) for c in rng.uniform(40, 220, 3)),
            )
        )
    return Scene(
        background=bg_name,
        backdrop=backdrop,
        foot=foot,
        foot_skin=foot_skin,
        hand_skin=hand_skin,
        hand_look=hand_look,
        palm_fl=palm_fl,
        heel=heel,
        toe=toe,
        drift=drift,
        lighting=lighting,
        light_field=lighting.field(cfg.size),
        noise_sigma=sigma,
        exposure=exposure,
        occluders=tuple(occluders),
        working_anchor=np.array([1.3 * w, 0.95 * h]),
    )


def foot_at(scene: Scene, cfg: SynthConfig, t_s: float) -> FootPlacement:
    """Where the foot lies at ``t_s``: its resting pose plus a slow drift."""
    amp, freq, phase = scene.drift[:, 0], scene.drift[:, 1], scene.drift[:, 2]
    d = amp * np.sin(2 * math.pi * freq * t_s + phase)
    fl = float(np.hypot(*(scene.toe - scene.heel)))
    centre = (scene.heel + scene.toe) / 2 + d[:2] * fl
    half = (scene.toe - scene.heel) / 2
    c, s = math.cos(d[2]), math.sin(d[2])
    half = np.array([c * half[0] - s * half[1], s * half[0] + c * half[1]])
    return FootPlacement(centre - half, centre + half, FootPlacement.lateral_sign_for(cfg.side, cfg.view))


def working_pose(scene: Scene, cfg: SynthConfig, track: Track, i: int, foot: FootPlacement) -> HandPose:
    """The working hand in frame ``i``: its contact point on the track, forearm from its anchor."""
    target = foot.to_px(track.contact[i])
    away = scene.working_anchor - target
    away = away / max(float(np.hypot(*away)), 1e-6)
    target = target + away * track.lift[i] * 0.9 * foot.length_px
    d = target - scene.working_anchor
    angle = math.atan2(d[1], d[0]) - track.angle[i]
    pose = HandPose(
        wrist=np.zeros(2),
        angle=angle,
        palm_px=scene.palm_fl * foot.length_px,
        flex=track.flex[i],
        spread=0.05,
        thumb_abduction=float(track.thumb_abduction[i]),
        width_scale=0.92,
        wrist_bend=0.15 * math.sin(0.31 * track.t_s[i]),
        right=True,
        palm_view=cfg.palm_view,
    )
    return place(pose, track.weights[i], target)


def holding_pose(scene: Scene, t_s: float, foot: FootPlacement) -> HandPose:
    """The holding hand: cupping the heel from behind the foot, its forearm along the leg.

    It is drawn behind the foot, so mostly the wrist, the palm's heel and the
    thumb show below the foot's heel; it moves a little with the foot.
    """
    a, s = scene.holding_at
    target = foot.to_px(np.array([a + 0.01 * math.sin(0.7 * t_s), s]))
    # The forearm comes from behind the heel, a little to one side of the leg.
    origin = foot.to_px(np.array([-3.0, 0.6]))
    d = target - origin
    flex = np.full((5, 3), 0.6)
    flex[0] = (0.2, 0.3, 0.3)
    pose = HandPose(
        wrist=np.zeros(2),
        angle=math.atan2(d[1], d[0]),
        palm_px=scene.palm_fl * foot.length_px,
        flex=flex,
        thumb_abduction=0.9,
        width_scale=0.85,
        right=False,
        palm_view=True,
    )
    return place(pose, contact_weights("glide"), target)  # the palm centre


def in_view(xy: np.ndarray, size: tuple[int, int], occluders: list[np.ndarray]) -> bool:
    """True when all landmarks lie inside the frame (with a 1 % margin) and none is covered."""
    w, h = size
    m = 0.01 * min(w, h)
    if not (np.all(xy[:, 0] >= m) and np.all(xy[:, 0] <= w - 1 - m)):
        return False
    if not (np.all(xy[:, 1] >= m) and np.all(xy[:, 1] <= h - 1 - m)):
        return False
    px = np.round(xy).astype(int)
    return all(not occ[px[:, 1], px[:, 0]].any() for occ in occluders)


def _blur_layer(layer: HandLayer, kernel: np.ndarray | None) -> HandLayer:
    if kernel is None or layer.alpha.size == 0:
        return layer
    a = cv2.filter2D(layer.alpha, -1, kernel, borderType=cv2.BORDER_CONSTANT)
    premult = cv2.filter2D(layer.colour * layer.alpha[..., None], -1, kernel, borderType=cv2.BORDER_CONSTANT)
    colour = premult / np.maximum(a, 1e-4)[..., None]
    return HandLayer(colour, a, layer.shadow, layer.origin)


@dataclass(frozen=True)
class RenderedFrame:
    """One rendered picture and its truth.

    Attributes:
        image: (h, w, 3) uint8 BGR.
        truth: what is where in it.
    """

    image: np.ndarray
    truth: FrameTruth


# (pose, picture size, light direction, contact weights (21,)) -> (layer, (21, 2) landmarks drawn).
# The contact point (weights @ landmarks) must land where the pose puts it.
HandPainter = Callable[[HandPose, tuple[int, int], np.ndarray, np.ndarray], tuple[HandLayer, np.ndarray]]


def _procedural_hand(look: HandLook) -> HandPainter:
    def paint(
        pose: HandPose, size: tuple[int, int], light: np.ndarray, weights: np.ndarray
    ) -> tuple[HandLayer, np.ndarray]:
        return draw_hand(size, pose, look, light), hand_landmarks(pose)

    return paint


class Renderer:
    """Renders a session frame by frame.

    Args:
        cfg: what to render.
        foot_model: the foot to draw, plan on and label (default: the procedural
            foot drawn from the seed); the composite mode passes one cut out of a photo.
        hand_painter: draws the working hand and returns its landmarks, its
            contact point where the pose's is.
        extra_meta: more to record in the labels' ``meta``.
    """

    def __init__(
        self,
        cfg: SynthConfig,
        foot_model: FootModel | None = None,
        hand_painter: HandPainter | None = None,
        extra_meta: dict[str, object] | None = None,
    ) -> None:
        self.cfg = cfg
        self._extra_meta = dict(extra_meta or {})
        rng = np.random.default_rng(cfg.seed)
        duration = cfg.duration_s if cfg.duration_s is not None else 20.0
        self.choreography = by_name(cfg.choreography, cfg.seed, duration)
        self.scene = build_scene(cfg, rng, duration)
        if foot_model is not None:
            self.scene = replace(self.scene, foot=foot_model)
        self.track = plan(self.choreography, self.scene.foot, cfg.fps, cfg.duration_s)
        self._hand_painter = hand_painter or _procedural_hand(self.scene.hand_look)
        self._frame_seed = int(rng.integers(2**31))
        self._noise = SensorNoise(cfg.size, self.scene.noise_sigma, rng)

    def __len__(self) -> int:
        return len(self.track)

    def frames(self) -> Iterator[RenderedFrame]:
        """Yields every frame in order; each frame's noise comes from its own seeded generator."""
        cfg, scene, track = self.cfg, self.scene, self.track
        size = cfg.size
        light = np.array(scene.lighting.direction)
        prev_target: np.ndarray | None = None
        for i in range(len(track)):
            t = float(track.t_s[i])
            rng = np.random.default_rng([self._frame_seed, i])
            foot = foot_at(scene, cfg, t)
            img = scene.backdrop.copy()
            draw_leg(img, foot, scene.foot.look.skin, cfg.view)
            holding_xy = None
            if cfg.holding_hand:
                hp = holding_pose(scene, t, foot)
                layer = draw_hand(size, hp, scene.hand_look, light)
                composite(img, layer, shadow_strength=0.2)
                holding_xy = hand_landmarks(hp)
            draw_foot(img, scene.foot, foot)
            pose = working_pose(scene, cfg, track, i, foot)
            layer, working_xy = self._hand_painter(pose, size, light, track.weights[i])
            target = working_xy[L.MIDDLE_MCP]
            velocity = np.zeros(2) if prev_target is None else target - prev_target
            prev_target = target
            composite(img, _blur_layer(layer, motion_blur_kernel(velocity, scene.exposure)))
            masks = []
            for occ in scene.occluders:
                if occ.active(t):
                    m = occ.mask(size, t)
                    draw_occluder(img, m, occ.colour)
                    masks.append(m)
            image = finish(img, scene.light_field, scene.lighting.gain(t), self._noise.sample(rng))
            contact = None
            if track.lift[i] == 0.0:
                point = track.weights[i] @ working_xy
                contact = scene.foot.as_to_uv(foot.from_px(point))
            stroke = int(track.stroke[i])
            truth = FrameTruth(
                index=i,
                t_s=t,
                working=working_xy,
                working_in_view=in_view(working_xy, size, masks),
                holding=holding_xy,
                heel=foot.heel,
                toe=foot.toe,
                outline=foot.to_px(scene.foot.outline),
                medial_dir=-foot.axes()[1],
                stroke=track.strokes[stroke].type if stroke >= 0 else None,
                stroke_index=stroke,
                contact=contact,
            )
            yield RenderedFrame(image, truth)

    def meta(self) -> dict[str, object]:
        """What was chosen for this session, for the labels' ``meta``."""
        cfg, scene = self.cfg, self.scene
        return {
            "seed": cfg.seed,
            "choreography": self.choreography.name,
            "choreography_rules": RULES_VERSION,
            "size": list(cfg.size),
            "fps": cfg.fps,
            "quality": cfg.quality,
            "background": scene.background,
            "foot": {
                "side": cfg.side,
                "view": cfg.view,
                "skin": scene.foot_skin,
                "length_px": round(float(np.hypot(*(scene.toe - scene.heel))), 2),
            },
            "working_hand": {
                "side": "right",
                "facing_camera": "palm" if cfg.palm_view else "back",
                "skin": scene.hand_skin,
                "palm_fl": round(scene.palm_fl, 4),
            },
            "holding_hand": {"side": "left", "facing_camera": "palm", "skin": scene.hand_skin}
            if cfg.holding_hand
            else None,
            "noise_sigma": scene.noise_sigma,
            "hand_drawing": DRAWING_VERSION,
            "occlusions": [
                {"start_s": round(o.start_s, 3), "end_s": round(o.start_s + o.duration_s, 3)}
                for o in scene.occluders
            ],
            **self._extra_meta,
        }


def render(cfg: SynthConfig, out: Path, renderer: Renderer | None = None) -> SessionLabels:
    """Renders a session to ``out`` (a video) and its labels beside it (``<stem>.labels.json``).

    Args:
        cfg: what to render.
        out: the video path (.mp4).
        renderer: a ready renderer (the composite mode passes its own); None builds one.

    Returns:
        The labels that were written.

    Raises:
        InputError: the output folder is missing or not writable.
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: no such folder; create it or choose another --out")
    if not os.access(out.parent, os.W_OK):
        raise InputError(f"{out.parent}: folder is not writable; choose another --out")
    renderer = renderer or Renderer(cfg)
    truths = []
    with VideoSink(out, cfg.fps, cfg.size) as sink:
        for frame in renderer.frames():
            sink.write(frame.image)
            truths.append(frame.truth)
    labels = SessionLabels.build(out.name, cfg, renderer.meta(), renderer.track, truths)
    write_labels(labels_path(out), labels)
    return labels


def labels_path(video: Path) -> Path:
    """Where the labels of a rendered video live: ``<name>.labels.json`` beside it."""
    return video.with_name(video.stem + ".labels.json")
