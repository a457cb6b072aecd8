"""The code panel: the seminar's lines in monospace, a highlight bar, and what PyTorch printed."""

from __future__ import annotations

from typing import Any

from manim import DOWN, LEFT, RIGHT, UP, Animation, FadeIn, RoundedRectangle, Text, VGroup

from seminar_anim.visual.labels import code_text, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.theme import CODE_SIZE, SMALL_SIZE, Theme

PAD = 0.22
LINE_GAP = 0.16


class CodePanel(VGroup):
    """Numbered code lines on a panel, sized to fit `box`'s width; `highlight` marks the running line."""

    def __init__(self, lines: tuple[str, ...], theme: Theme, box: Box, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        numbers = VGroup(*(code_text(str(i + 1), theme, CODE_SIZE, theme.muted) for i in range(len(lines))))
        self.lines = VGroup(*(code_text(line, theme, CODE_SIZE) for line in lines))
        rows = VGroup()
        for number, line in zip(numbers, self.lines, strict=True):
            rows.add(VGroup(number, line).arrange(RIGHT, buff=0.25, aligned_edge=DOWN))
        rows.arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)
        inner = box.width - 2 * PAD
        if rows.width > inner:
            rows.scale_to_fit_width(inner)
        self.background = RoundedRectangle(
            corner_radius=0.12,
            width=box.width,
            height=rows.height + 2 * PAD,
            fill_color=theme.panel,
            fill_opacity=1,
            stroke_width=0,
        )
        self.background.move_to((box.left + box.width / 2, box.top - self.background.height / 2, 0.0))
        rows.next_to(self.background.get_corner(UP + LEFT), DOWN + RIGHT, buff=PAD)
        self.bar = RoundedRectangle(
            corner_radius=0.05,
            width=box.width - PAD,
            height=self._pitch(),
            fill_color=theme.highlight,
            fill_opacity=1,
            stroke_width=0,
        )
        self.bar.set_x(self.background.get_x()).set_y(self.lines[0].get_y()).set_opacity(0)
        self.add(self.background, self.bar, rows)

    def _pitch(self) -> float:
        if len(self.lines) > 1:
            return float(self.lines[0].get_y() - self.lines[1].get_y())
        return float(self.lines[0].height + LINE_GAP)

    def highlight(self, index: int) -> Animation:
        """Move the highlight bar onto line `index` (0-based)."""
        target = self.bar.copy().set_fill(opacity=1).set_y(self.lines[index].get_y())
        return self.bar.animate.become(target).build()


class OutputPanel(VGroup):
    """What the code printed, one line per `print`, under an 'output' heading."""

    def __init__(self, theme: Theme, box: Box, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.box = box
        self.heading = plain_text("output", theme.muted, SMALL_SIZE)
        self.heading.move_to((box.left, box.top, 0.0), aligned_edge=UP + LEFT)
        self.printed: list[Text] = []
        self.add(self.heading)

    def print_line(self, text: str, color: str | None = None) -> Animation:
        """Add a printed line below the previous ones."""
        line = code_text(text, self.theme, CODE_SIZE, color)
        anchor = self.printed[-1] if self.printed else self.heading
        line.next_to(anchor, DOWN, buff=LINE_GAP, aligned_edge=LEFT)
        if line.width > self.box.width:
            line.scale_to_fit_width(self.box.width).align_to(anchor, LEFT)
        self.printed.append(line)
        self.add(line)
        return FadeIn(line, shift=0.1 * UP)
