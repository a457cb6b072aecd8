"""The base of every lecture scene: theme, title, and steps that are sections with a subcaption."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import RIGHT, UP, Animation, AnimationGroup, Camera, FadeIn, ManimColor, Mobject, Scene, VGroup, Wait, config
from manim.renderer.cairo_renderer import CairoRenderer

from seminar_anim.visual.captions import MIN_SECONDS, caption_cues, reading_seconds, sentences
from seminar_anim.visual.encoding import LectureFileWriter
from seminar_anim.visual.labels import code_text, math_text, plain_text
from seminar_anim.visual.theme import TITLE_SIZE, Theme, get_theme

StepHook = Callable[[Scene, int, str], None]
READING_SECONDS = 1.5  # how long a new line of text is held still
TITLE_WIDTH = 12.6  # the frame's width less its 5% margins
PAUSE_SECONDS = 0.35  # the breath between two narrated sentences
MAX_SENTENCES = 4  # a step's narration: more would outlast what it shows
HELD_FRAME_COST = 0.02  # a held frame is encoded once and repeated: against a drawn frame's 1


class LectureRenderer(CairoRenderer):
    """Manim's Cairo renderer, but an animation passed over without drawing moves the clock by
    the frames it would have drawn, exactly as drawing does (Manim moves it by the run time):
    a scene drawn in parts then has every step, cue and sentence at the frame the whole
    scene has it. It also counts what each step costs to draw."""

    def play(self, scene: Scene, *args: Any, **kwargs: Any) -> None:
        start = self.time
        super().play(scene, *args, **kwargs)
        step = 1 / self.camera.frame_rate
        held = scene.is_current_animation_frozen_frame()
        # As Manim draws them: a still frame held int(duration / dt) times, or one frame per step.
        frames = int(scene.duration / step) if held else len(np.arange(0, scene.duration, step))
        if self.skip_animations:
            self.time = start
            if held:
                self.time += frames * step
            else:
                for _ in range(frames):
                    self.time += step
        if isinstance(scene, LectureScene) and scene.step_costs:
            scene.step_costs[-1] += frames * (HELD_FRAME_COST if held else 1.0)

    def save_static_frame_data(self, scene: Scene, static_mobjects: Any) -> Any:
        """Nothing is drawn for an animation passed over: not even its still background."""
        if self.skip_animations:
            self.static_image = None
            return None
        return super().save_static_frame_data(scene, static_mobjects)


@dataclass(frozen=True)
class Spoken:
    """One sentence of a step's narration, and when it is said."""

    step: int  # counted from 1
    number: int  # its place in the step, from 1
    text: str
    start: float  # the scene time it begins
    speech: Any = None  # its seminar_anim.output.voice.Speech; None in a silent render


class LectureScene(Scene):
    """A scene made of steps: each step is one Manim section carrying one narrated subcaption.

    `on_step_end(scene, index, name)` is called when a step finishes, before the next one
    starts; renders use it for progress and tests for the section-end frames.
    """

    def __init__(
        self,
        facts: Any = None,
        theme: str = "dark",
        on_step_end: StepHook | None = None,
        narrator: Any = None,
        share: frozenset[int] | None = None,
        **kwargs: Any,
    ):
        """`share`: the steps (from 0) this process draws, passing over the others without
        drawing (a scene rendered in parts, one process each); None: every step."""
        if "renderer" not in kwargs:
            skipping = kwargs.get("skip_animations", False)
            kwargs["renderer"] = LectureRenderer(file_writer_class=LectureFileWriter, skip_animations=skipping)
        super().__init__(**kwargs)
        self.facts = facts
        self.theme: Theme = get_theme(theme)
        self.on_step_end = on_step_end
        self.steps: list[tuple[str, str]] = []  # name, subcaption
        self._step_start: float | None = None  # scene time the open step began
        # Speaks each sentence (seminar_anim.output.voice.Narrator); the steps then last until
        # their narration has been said. None: a silent render, its subtitles share out each step.
        self.narrator = narrator
        self.spoken: list[Spoken] = []  # every sentence narrated so far, in order
        self._speech_end = 0.0  # scene time the narration said so far ends, a gap after it included
        self.share = share
        self.step_costs: list[float] = []  # per step, what drawing it costs: frames, a held one cheap
        self._opened = False  # whether the scene has played anything yet
        self._still_since = 0.0  # scene time the last animation ended: the frame has been still since

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
        self.next_section(name, skip_animations=self.share is not None and len(self.steps) not in self.share)
        self.steps.append((name, subcaption))
        self.step_costs.append(0.0)
        self._step_start = self.time
        self.say(subcaption)

    def say(self, text: str) -> None:
        """Narrate `text` from now, with the animations that follow (as manim-voiceover's
        `with self.voiceover(text)`): when the step is still saying something, the scene first
        holds until it has been said, so words and motion stay together. The step lasts until
        all of it has been said. A silent render only adds the text to the step's subtitles."""
        step = len(self.steps)
        for number, sentence in enumerate(sentences(text), start=1 + sum(line.step == step for line in self.spoken)):
            speech = None
            if self.narrator is not None:
                speech = self.narrator.speak(step, number, sentence)
                if number > 1 and self._speech_end > self.time:
                    self.wait(self._speech_end - self.time)
            self.spoken.append(Spoken(step, number, sentence, max(self.time, self._speech_end), speech))
            if speech is not None:
                self._speech_end = self.spoken[-1].start + speech.seconds + PAUSE_SECONDS

    def room_to_say(self) -> int:
        """How many more sentences the running step may say."""
        return MAX_SENTENCES - sum(line.step == len(self.steps) for line in self.spoken)

    def play(self, *animations: Any, **kwargs: Any) -> None:
        """As Manim plays, except the scene's opening: when its first animations only fade
        things in, the very first frame shows them whole (the skeleton the scene will fill),
        held as long as the fade would have run, instead of an empty frame."""
        opening, self._opened = not self._opened, True
        if opening and animations and all(isinstance(animation, FadeIn) for animation in animations):
            self.add(*(animation.mobject for animation in animations))
            self._still_since = self.time
            self.wait(kwargs.get("run_time", max(animation.run_time for animation in animations)))
            return
        super().play(*animations, **kwargs)
        if not all(isinstance(animation, Wait) for animation in animations):
            self._still_since = self.time

    def hold(self, lines: int = 1) -> None:
        """Hold still long enough to read `lines` new lines of text: the time the frame has
        already been still counts, so holds in a row do not add up."""
        # Less than a frame left is no hold at all (Manim would stretch it to a frame).
        if (left := self._still_since + READING_SECONDS * lines - self.time) >= 1 / config.frame_rate:
            self.wait(left)

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
        step = len(self.steps)
        name = self.steps[-1][0]
        lines = [line for line in self.spoken if line.step == step]
        if self.narrator is not None:
            # The step holds until its narration has been said (a recording longer than the
            # animations stretches the hold), and each cue shows while its words are spoken.
            if self._speech_end > self.time:
                self.wait(self._speech_end - self.time)
            for line in lines:
                assert line.speech is not None
                for cue in caption_cues(line.text, line.speech.seconds, spoken=True):
                    self.add_subcaption(cue.text, duration=cue.duration, offset=line.start + cue.start - self.time)
        else:
            # Each sentence shows from when the scene says it until the next one is said (the
            # last until the step ends), so a sentence about a number shows with that number;
            # but not before the one before could be read: a sentence said sooner waits for it,
            # as a narrated one waits for the voice, while the animations go on.
            # Sentences said within MIN_SECONDS of the one before share its time.
            said: list[tuple[float, list[str]]] = []
            for line in lines:
                if said and line.start - said[-1][0] < MIN_SECONDS:
                    said[-1][1].append(line.text)
                elif said:
                    said.append((max(line.start, said[-1][0] + reading_seconds(" ".join(said[-1][1]))), [line.text]))
                else:
                    said.append((line.start, [line.text]))
            # The step holds until its last sentences can be read, as a narrated one holds
            # until they are said.
            if said and (short := reading_seconds(" ".join(said[-1][1])) - (self.time - said[-1][0])) > 0:
                self.wait(short)
            ends = [start for start, _ in said[1:]] + [self.time]
            for (start, texts), end in zip(said, ends, strict=True):
                for cue in caption_cues(" ".join(texts), end - start):
                    self.add_subcaption(cue.text, duration=cue.duration, offset=start + cue.start - self.time)
        self._step_start = None
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
