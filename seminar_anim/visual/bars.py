"""A row of bars: one quantity (such as x.grad) read after each step, each bar with its number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manim import DOWN, UP, Animation, AnimationGroup, Brace, GrowFromEdge, Line, Rectangle, VGroup, VMobject

from seminar_anim.visual.fades import FadeIn
from seminar_anim.visual.labels import ValueLabel, code_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.theme import SMALL_SIZE, Theme

BAR_WIDTH = 0.55
LABEL_GAP = 0.12
CAPTION_ROOM = 1.05  # under the baseline: braces and captions of up to two lines
CAPTION_SPILL = 0.3  # how far past its bars a caption may reach


@dataclass(frozen=True)
class Reading:
    """One bar: the manifest key and value it shows."""

    key: str
    value: float


class BarHistory(VGroup):
    """Bars on one baseline, heights proportional to their values, each labelled with its value.

    Bars are added to the scene one by one with `grow`; `caption` puts a brace and a line of
    code under a run of bars.
    """

    def __init__(self, readings: list[Reading], color: str, theme: Theme, area: Box, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.baseline_y = area.bottom + CAPTION_ROOM
        tallest = max(abs(reading.value) for reading in readings) or 1.0
        label_room = ValueLabel("", tallest, color).height + LABEL_GAP
        self.unit = (area.top - label_room - self.baseline_y) / tallest
        pitch = area.width / len(readings)
        self.baseline = Line(
            (area.left, self.baseline_y, 0.0), (area.right, self.baseline_y, 0.0), color=theme.muted, stroke_width=2
        )
        self.bars: list[Rectangle] = []
        self.labels: list[ValueLabel] = []
        for index, reading in enumerate(readings):
            x = area.left + pitch * (index + 0.5)
            height = max(abs(reading.value) * self.unit, 0.02)
            bar = Rectangle(width=BAR_WIDTH, height=height, stroke_width=0, fill_color=color, fill_opacity=0.85)
            bar.move_to((x, self.baseline_y + height / 2, 0.0))
            label = ValueLabel(reading.key, reading.value, color).next_to(bar, UP, buff=LABEL_GAP)
            self.bars.append(bar)
            self.labels.append(label)
        self.add(self.baseline)

    def level(self, value: float) -> float:
        """The y coordinate a bar of `value` reaches."""
        return self.baseline_y + value * self.unit

    def grow(self, index: int) -> Animation:
        bar, label = self.bars[index], self.labels[index]
        self.add(bar, label)
        return AnimationGroup(GrowFromEdge(bar, DOWN), FadeIn(label, shift=0.1 * UP), lag_ratio=0.5)

    def caption(self, first: int, last: int, code: str) -> Animation:
        """A brace under bars `first`..`last` and the line of code that made them."""
        run = VGroup(*self.bars[first : last + 1])
        brace = Brace(run, DOWN, color=self.theme.muted)
        brace.move_to((run.get_x(), self.baseline_y - 0.08 - brace.height / 2, 0.0))
        words: VMobject = code_text(code, self.theme, SMALL_SIZE, self.theme.muted)
        if words.width > run.width + CAPTION_SPILL and ", " in code:  # wider than its bars: a statement a line
            words = VGroup(*(code_text(part, self.theme, SMALL_SIZE, self.theme.muted) for part in code.split(", ")))
            words.arrange(DOWN, buff=0.06)
        words.next_to(brace, DOWN, buff=0.08)
        group = VGroup(brace, words)
        self.add(group)
        return FadeIn(group)
