"""The base of every lecture scene: theme, title, and steps that are sections with a subcaption."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from manim import RIGHT, UP, Animation, AnimationGroup, Camera, ManimColor, Mobject, Scene, VGroup
from manim.renderer.cairo_renderer import CairoRenderer

from seminar_anim.visual.captions import caption_cues
from seminar_anim.visual.encoding import LectureFileWriter
from seminar_anim.visual.labels import code_text, math_text, plain_text
from seminar_anim.visual.theme import TITLE_SIZE, Theme, get_theme

StepHook = Callable[[Scene, int, str], None]
READING_SECONDS = 1.5  # how long a new line of text is held still
TITLE_WIDTH = 12.6  # the frame's width less its 5% margins


class LectureScene(Scene):
    """A scene made of steps: each step is one Manim section carrying one narrated subcaption.

    `on_step_end(scene, index, name)` is called when a step finishes, before the next one
    starts; renders use it for progress and tests for the section-end frames.
    """

    def __init__(self, facts: Any = None, theme: str = "dark", on_step_end: StepHook | None = None, **kwargs: Any):
        if "renderer" not in kwargs:
            skipping = kwargs.get("skip_animations", False)
            kwargs["renderer"] = CairoRenderer(file_writer_class=LectureFileWriter, skip_animations=skipping)
        super().__init__(**kwargs)
        self.facts = facts
        self.theme: Theme = get_theme(theme)
        self.on_step_end = on_step_end
        self.steps: list[tuple[str, str]] = []  # name, subcaption
        self._step_start: float | None = None  # scene time the open step began

    def setup(self) -> None:
        camera = self.camera
        assert isinstance(camera, Camera), "seminar-anim renders with the Cairo renderer"
        camera.background_color = ManimColor(self.theme.background)

    def title(self, text: str, formula: str = "", code: str = "") -> VGroup:
        """The scene's title across the top: words, then an optional Typst formula or code (in
        the code's font, as the panel shows it)."""
        heading = VGroup(plain_text(text, self.theme.text, TITLE_SIZE))
        if formula:
            heading.add(math_text(formula, self.theme.text, TITLE_SIZE))
        if code:
            heading.add(code_text(code, self.theme, TITLE_SIZE))
        heading.arrange(RIGHT, buff=0.3)
        if heading.width > TITLE_WIDTH:  # a long --expr: the whole formula stays in the frame
            heading.scale_to_fit_width(TITLE_WIDTH)
        return heading.to_edge(UP, buff=0.45)

    def step(self, name: str, subcaption: str) -> None:
        """Close the running step and open a new section called `name`."""
        self._close_step()
        self.next_section(name)
        self.steps.append((name, subcaption))
        self._step_start = self.time

    def hold(self, lines: int = 1) -> None:
        """Hold still long enough to read `lines` new lines of text."""
        self.wait(READING_SECONDS * lines)

    def get_moving_mobjects(self, *animations: Animation) -> list[Mobject]:
        """What to redraw every frame of an animation: only what moves, and what is drawn
        over something redrawn.

        Manim redraws everything added after the first moving mobject, to keep the drawing
        order; with the code panel added first, moving its highlight bar redrew the whole
        frame 60 times a second. Here a later mobject joins only if it overlaps where the
        animated mobjects are at the start or the end, or something already joined; the
        rest stays in the static image, drawn once.
        """
        candidates = super().get_moving_mobjects(*animations)
        if not candidates:
            return candidates
        movers: set[Mobject] = set()
        boxes: list[np.ndarray] = []
        for animation in _flattened(animations):
            animated = animation.mobject
            if not isinstance(animated, Mobject):
                continue
            movers.update(animated.get_family())
            # Everywhere it can be meanwhile: the rectangle over its start, its end and its path.
            states = (
                animated,
                getattr(animation, "target_mobject", None),
                getattr(animation, "path", None),
                getattr(animation, "extent", None),  # where an in-place fade moves through
            )
            box = _hull([_box(state) for state in states if isinstance(state, Mobject)])
            if box is not None:
                boxes.append(box)
        for candidate in candidates:
            if isinstance(candidate, Mobject) and (candidate.updaters or candidate in self.foreground_mobjects):
                movers.update(candidate.get_family())
        redrawn: list[Mobject] = []
        for candidate in candidates:
            if not isinstance(candidate, Mobject) or candidate.points.size == 0:
                continue  # a group: its members are candidates of their own
            box = _box(candidate)
            if candidate in movers or _overlaps(box, boxes):
                redrawn.append(candidate)
                if box is not None:
                    boxes.append(box)
        # Nothing drawn moves (a wait): Manim draws an empty list as the whole frame, over a
        # static image of the whole frame, so keep Manim's own choice.
        return redrawn or candidates

    def tear_down(self) -> None:
        self._close_step()
        super().tear_down()

    def _close_step(self) -> None:
        if self._step_start is None:
            return
        name, subcaption = self.steps[-1]
        elapsed = self.time - self._step_start
        self._step_start = None
        # Subcaptions are added when a step ends, so their cues share out the whole step.
        for cue in caption_cues(subcaption, elapsed):
            self.add_subcaption(cue.text, duration=cue.duration, offset=cue.start - elapsed)
        if self.on_step_end is not None:
            self.on_step_end(self, len(self.steps) - 1, name)


def _flattened(animations: tuple[Animation, ...] | list[Animation]) -> list[Animation]:
    found: list[Animation] = []
    for animation in animations:
        found.append(animation)
        if isinstance(animation, AnimationGroup):
            found += _flattened(animation.animations)
    return found


def _box(mobject: Mobject) -> np.ndarray | None:
    """Lower-left and upper-right corners of everything `mobject` draws, with a small margin."""
    points = [member.points for member in mobject.get_family() if member.points.size]
    if not points:
        return None
    stacked = np.concatenate(points)[:, :2]
    margin = 0.05
    return np.array([stacked.min(axis=0) - margin, stacked.max(axis=0) + margin])


def _hull(boxes: list[np.ndarray | None]) -> np.ndarray | None:
    """The smallest box around the given ones."""
    found = [box for box in boxes if box is not None]
    if not found:
        return None
    stacked = np.stack(found)
    return np.array([stacked[:, 0].min(axis=0), stacked[:, 1].max(axis=0)])


def _overlaps(box: np.ndarray | None, boxes: list[np.ndarray]) -> bool:
    if box is None or not boxes:
        return False
    others = np.stack(boxes)
    return bool(np.any(np.all(box[0] <= others[:, 1], axis=1) & np.all(others[:, 0] <= box[1], axis=1)))
