"""The code panel: the seminar's lines in monospace, a highlight bar, and what PyTorch printed."""

from __future__ import annotations

import re
from typing import Any

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Dot,
    RoundedRectangle,
    Text,
    VGroup,
    VMobject,
)

from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import code_text, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.theme import CODE_SIZE, SMALL_SIZE, Theme

PAD = 0.22
LINE_GAP = 0.16
OUTPUT_GAP = 0.1  # printed lines sit closer, like a terminal's
# Where a console line may break: after a space or an opening bracket, or after punctuation
# that no space or closing punctuation follows (torch.|int64, not 0.|, 1.).
BREAKS = re.compile(r"(?<=[\s(\[{=])|(?<=[.,;:])(?![\s.,;:)\]}])")
NUMBER_GAP = 0.25


class CodePanel(VGroup):
    """Numbered code lines on a panel, sized to fit `box`'s width; `highlight` marks the running line."""

    def __init__(self, lines: tuple[str, ...], theme: Theme, box: Box, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        # A grid of monospace cells: line numbers right-aligned, indentation kept as cells.
        cell = code_text("0" * 10, theme, CODE_SIZE).width / 10
        digits = cell * len(str(len(lines)))
        pitch = code_text("0", theme, CODE_SIZE).height + LINE_GAP + 0.06
        self.lines = VGroup()
        self.numbers = VGroup()
        rows = VGroup()
        for index, text in enumerate(lines):
            number = code_text(str(index + 1), theme, CODE_SIZE, theme.muted)
            number.move_to((digits, -index * pitch, 0.0), aligned_edge=RIGHT)
            body = text.lstrip(" ")
            left = digits + NUMBER_GAP + cell * (len(text) - len(body))
            if body.strip():
                line: VMobject = code_text(body, theme, CODE_SIZE)
                line.move_to((left, 0.0, 0.0), aligned_edge=LEFT).align_to(number, DOWN)
            else:  # a blank line draws nothing: an invisible point keeps its place
                line = Dot((left, number.get_y(), 0.0), radius=0.001, fill_opacity=0, stroke_opacity=0)
            self.lines.add(line)
            self.numbers.add(number)
            rows.add(VGroup(number, line))
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
        if len(self.numbers) > 1:
            return float(self.numbers[0].get_y() - self.numbers[1].get_y())
        return float(self.lines[0].height + LINE_GAP)

    def highlight(self, index: int) -> Animation:
        """Move the highlight bar onto line `index` (0-based)."""
        target = self.bar.copy().set_fill(opacity=1).set_y(self.lines[index].get_y())
        return self.bar.animate.become(target).build()


class ScrollingCodePanel(CodePanel):
    """A code panel for a file longer than its box: it shows `capacity` lines and scrolls so the
    highlighted line is always in view, the lines that scroll out fading away."""

    def __init__(self, lines: tuple[str, ...], theme: Theme, box: Box, **kwargs: Any) -> None:
        super().__init__(lines, theme, box, **kwargs)
        rows = self.submobjects[-1]
        assert isinstance(rows, VGroup)
        self.rows = rows
        pitch = self._pitch()
        self.capacity = max(1, min(len(lines), int((box.height - 2 * PAD) / pitch)))
        self.top = 0  # the first line in view
        if self.capacity < len(lines):
            self.background.stretch_to_fit_height(self.capacity * pitch + 2 * PAD - LINE_GAP)
            self.background.move_to((self.background.get_x(), box.top - self.background.height / 2, 0.0))
            self._show(self.rows, 0)

    def _show(self, rows: VGroup, top: int) -> None:
        for index, row in enumerate(rows):
            row.set_opacity(1.0 if top <= index < top + self.capacity else 0.0)

    def highlight(self, index: int) -> Animation:
        if self.capacity >= len(self.lines) or self.top <= index < self.top + self.capacity:
            return super().highlight(index)
        # Scroll so the line sits a third of the way down the window (or as far as the end allows).
        top = max(0, min(index - self.capacity // 3, len(self.lines) - self.capacity))
        shift = (top - self.top) * self._pitch()
        self.top = top
        # One animation of the whole panel: animating its parts apart would pull them out of it.
        return self.animate.scrolled(top, shift, index).build()

    def scrolled(self, top: int, shift: float, index: int) -> ScrollingCodePanel:
        """The panel with its lines moved up by `shift`, lines `top` on in view, line `index` lit."""
        self.rows.shift(shift * UP)
        self._show(self.rows, top)
        self.bar.set_fill(opacity=1).set_y(self.lines[index].get_y())
        return self


class OutputPanel(VGroup):
    """What the code printed, one line per `print`, under an 'output' heading.

    Like a terminal, it scrolls: once the box is full, the oldest line fades out and the
    others move up, so a long run never spills out of its box.
    """

    def __init__(self, theme: Theme, box: Box, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.box = box
        self.heading = plain_text("output", theme.muted, SMALL_SIZE)
        self.heading.move_to((box.left, box.top, 0.0), aligned_edge=UP + LEFT)
        self.printed: list[Text] = []  # every line printed so far, oldest first
        self.continues: list[bool] = []  # for each, whether it goes on the line before
        self.shown: list[Text] = []  # the ones in the box now, top first
        self.add(self.heading)
        pitch = code_text("tensor(0.)", theme, CODE_SIZE).height + OUTPUT_GAP
        self.cell = code_text("0" * 10, theme, CODE_SIZE).width / 10
        self.capacity = max(1, int((self.heading.get_bottom()[1] - box.bottom) // pitch))

    def wrap(self, text: str) -> list[str]:
        """A printed line too long for the box, as the lines to show."""
        return console_lines(text, max(1, int(self.box.width // self.cell)))

    def print_line(self, text: str, color: str | None = None, continued: bool = False) -> Animation:
        """Add a printed line below the previous ones, scrolling when the box is full;
        `continued`: it goes on the previous line (a wrapped print), so it never shows alone
        at the top, without the start of its print."""
        body = text.lstrip(" ")
        line = code_text(body, self.theme, CODE_SIZE, color)
        indent = self.cell * (len(text) - len(body))  # Text drops leading spaces; keep them as cells
        if indent + line.width > self.box.width:
            scale = (self.box.width - indent) / line.width
            line.scale(scale)
        left = self.heading.get_left()[0] + indent
        self.printed.append(line)
        self.continues.append(continued)
        self.add(line)
        if len(self.shown) < self.capacity:
            anchor = self.shown[-1] if self.shown else self.heading
            line.next_to(anchor, DOWN, buff=OUTPUT_GAP).set_x(left, direction=LEFT)
            self.shown.append(line)
            return FadeIn(line, shift=0.1 * UP)
        # Scroll: the oldest lines leave (with what continues them), the rest move up, and the
        # new line takes the slot under them.
        slots = [item.get_y() for item in self.shown]
        first = len(self.printed) - self.capacity
        while first < len(self.printed) - 1 and self.continues[first]:
            first += 1
        staying = self.printed[first:]
        leaving = [item for item in self.shown if item not in staying]
        line.set_y(slots[len(staying) - 1]).set_x(left, direction=LEFT)
        for item in leaving:
            self.remove(item)
        self.shown = staying
        moves = [item.animate.set_y(slot).build() for item, slot in zip(staying[:-1], slots, strict=False)]
        return AnimationGroup(
            # Leaving lines fade where they are: shifted up, they would show through the heading.
            *(FadeOut(item) for item in leaving),
            *moves,
            FadeIn(line, shift=0.1 * UP),
        )


def console_lines(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken at spaces or after punctuation
    (as `torch.` / `int64`), inside a word only where it has none."""
    lines: list[str] = []
    line = ""
    for token in BREAKS.split(text):
        if line.strip() and len((line + token).rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
        while len(line.rstrip()) > width:
            lines.append(line[:width])
            line = line[width:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
