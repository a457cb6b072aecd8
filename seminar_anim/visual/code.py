"""The code panel: the seminar's lines in monospace, a highlight bar, and what PyTorch printed."""

from __future__ import annotations

import io
import re
import tokenize
from typing import Any

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Dot,
    Mobject,
    RoundedRectangle,
    Text,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    smooth,
)

from seminar_anim.model.listing import comment_start
from seminar_anim.visual.captions import bracket_depth
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import code_text, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.theme import CODE_SIZE, SMALL_SIZE, Theme

PAD = 0.22
LINE_GAP = 0.16
OUTPUT_GAP = 0.1  # printed lines sit closer, like a terminal's
# Where a console line may break: after a space or an opening bracket, or after punctuation
# that no space, digit or closing punctuation follows (torch.|int64, not 0.|, 1. or 3.|9).
BREAKS = re.compile(r"(?<=[\s(\[{=])|(?<=[.,;:])(?![\s.,;:)\]}\d])")
# Code never breaks after a dot, where the row would end as if inside a name: a call's result
# goes on to its method on the next row (`torch.arange(6.)` / `.reshape(3, 2)`), as chains are
# written across lines; a name goes on to its attribute only where nothing else breaks.
CODE_BREAKS = re.compile(r"(?<=[\s(\[{=])|(?<=[,;:])(?![\s.,;:)\]}\d])|(?<=[\w)\]])(?=\.[A-Za-z_])")
NUMBER_GAP = 0.25
WRAP_INDENT = 2  # cells a wrapped line's further rows sit in from its start
WRAP_MARK = "↪"  # in the gutter of those rows, as editors mark a soft wrap
LEAVE_BY = 0.1  # how early in a scroll (a share of it) what leaves the view is gone
ENTER_FROM = 0.6  # and from where the rows coming into view fade in
MIN_COLUMNS = 12  # a deeply indented line still wraps into rows this wide


class CodePanel(VGroup):
    """Numbered code lines on a panel `box` wide; `highlight` marks the running line.

    The code keeps its size, so it stays readable: a line longer than the panel goes on in
    rows of its own under it, indented past its start and marked ↪ in the gutter, as an
    editor's soft wrap shows it.
    """

    def __init__(self, lines: tuple[str, ...], theme: Theme, box: Box, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        # A grid of monospace cells: line numbers right-aligned, indentation kept as cells.
        cell = code_text("0" * 10, theme, CODE_SIZE).width / 10
        digits = cell * len(str(len(lines)))
        self.pitch = code_text("0", theme, CODE_SIZE).height + LINE_GAP + 0.06
        columns = int((box.width - 2 * PAD - digits - NUMBER_GAP) / cell)
        self.lines = VGroup()  # each line's rows of text
        self.numbers = VGroup()
        self.starts: list[int] = []  # the row each line starts on, and the row count last
        rows = VGroup()
        row = 0
        for index, text in enumerate(lines):
            number = code_text(str(index + 1), theme, CODE_SIZE, theme.muted)
            number.move_to((digits, -row * self.pitch, 0.0), aligned_edge=RIGHT)
            body = text.lstrip(" ")
            indent = len(text) - len(body)
            left = digits + NUMBER_GAP + cell * indent
            line, marks = VGroup(), VGroup()
            if body.strip():
                width = max(MIN_COLUMNS, columns - indent)
                for offset, piece in enumerate(code_rows(body, width, width - WRAP_INDENT)):
                    part = code_text(piece, theme, CODE_SIZE)
                    part.move_to((left + cell * WRAP_INDENT * min(offset, 1), 0.0, 0.0), aligned_edge=LEFT)
                    part.align_to(number, DOWN).shift(offset * self.pitch * DOWN)
                    line.add(part)
                    if offset:  # a soft wrap, marked where a line number would be: not a new line of code
                        mark = code_text(WRAP_MARK, theme, CODE_SIZE, theme.muted)
                        marks.add(mark.move_to((digits, part.get_y(), 0.0), aligned_edge=RIGHT))
            else:  # a blank line draws nothing: an invisible point keeps its place
                line.add(Dot((left, number.get_y(), 0.0), radius=0.001, fill_opacity=0, stroke_opacity=0))
            self.starts.append(row)
            row += len(line)
            self.lines.add(line)
            self.numbers.add(number)
            rows.add(VGroup(number, line, marks))
        self.starts.append(row)
        self.rows = rows
        self.background = RoundedRectangle(
            corner_radius=0.12,
            width=box.width,
            height=self._height(row),
            fill_color=theme.panel,
            fill_opacity=1,
            stroke_width=0,
        )
        self.background.move_to((box.left + box.width / 2, box.top - self.background.height / 2, 0.0))
        rows.shift(self.background.get_corner(UP + LEFT) + PAD * (DOWN + RIGHT) - rows.get_corner(UP + LEFT))
        self.bar = RoundedRectangle(
            corner_radius=0.05,
            width=box.width - PAD,
            height=self.pitch,
            fill_color=theme.highlight,
            fill_opacity=1,
            stroke_width=0,
        )
        self.bar.set_x(self.background.get_x()).set_y(self.numbers[0].get_y()).set_opacity(0)
        self.add(self.background, self.bar, rows)

    def _height(self, rows: int) -> float:
        """The panel's height for `rows` rows of code: padding above and below, no gap after the last."""
        return rows * self.pitch - LINE_GAP - 0.06 + 2 * PAD

    def lit(self, index: int) -> VMobject:
        """The highlight bar lit behind every row of line `index` (0-based)."""
        bar = self.bar.copy().set_fill(opacity=1)
        bar.stretch_to_fit_height(self.pitch * (self.starts[index + 1] - self.starts[index]))
        # Each number is centred on its row: the bar's top is half a row above the line's first.
        top = self.numbers[index].get_y() + self.pitch / 2
        return bar.move_to((self.bar.get_x(), top, 0.0), aligned_edge=UP)

    def highlight(self, index: int) -> Animation:
        """Move the highlight bar onto line `index` (0-based)."""
        return self.bar.animate.become(self.lit(index)).build()


class ScrollingCodePanel(CodePanel):
    """A code panel that scrolls when its code is longer than its box: it shows `capacity` rows
    and scrolls so the highlighted line is always in view, the lines that scroll out fading
    away. Code that fits is drawn as a plain panel draws it."""

    def __init__(self, lines: tuple[str, ...], theme: Theme, box: Box, **kwargs: Any) -> None:
        super().__init__(lines, theme, box, **kwargs)
        total = self.starts[-1]
        self.capacity = max(1, min(total, int((box.height - self._height(0)) / self.pitch)))
        self.top = 0  # the first line in view
        self.heads = statement_heads(lines)  # the lines a scroll may bring to the top
        if self.capacity < total:
            self.background.stretch_to_fit_height(self._height(self.capacity))
            self.background.move_to((self.background.get_x(), box.top - self.background.height / 2, 0.0))
            self._show(0)

    def _in_view(self, index: int, top: int) -> bool:
        return self.starts[top] <= self.starts[index] and self.starts[index + 1] <= self.starts[top] + self.capacity

    def _show(self, top: int) -> None:
        for index, row in enumerate(self.rows):
            row.set_opacity(1.0 if self._in_view(index, top) else 0.0)

    def highlight(self, index: int) -> Animation:
        if self.capacity >= self.starts[-1] or self._in_view(index, self.top):
            return super().highlight(index)
        # Scroll so the line sits a third of the way down the window (or as far as the end allows).
        wanted = max(0, min(self.starts[index] - self.capacity // 3, self.starts[-1] - self.capacity))
        # The top line starts a statement (never the second line of a two-line call), unless
        # only a line inside one lets the highlighted line show.
        top = max(line for line in range(index + 1) if self.starts[line] <= wanted and line in self.heads)
        while not self._in_view(index, top):
            later = [line for line in self.heads if top < line <= index]
            top = min(later) if later else top + 1
        shift = (self.starts[top] - self.starts[self.top]) * self.pitch
        before, self.top = self.top, top
        # Rows leaving would slide out over what is above the panel, and rows coming in would
        # rise through what is under it: the first fade out as the scroll starts, the others
        # fade in as it ends.
        lines = range(len(self.rows))
        leaving = [self.rows[line] for line in lines if self._in_view(line, before) and not self._in_view(line, top)]
        entering = [self.rows[line] for line in lines if self._in_view(line, top) and not self._in_view(line, before)]
        start_bar, end_bar = self.bar.copy(), self.lit(index).shift(shift * UP)
        # Every frame places the rows from where they started, never by adding to the last
        # frame's shift: the end is then the same, to the last bit, however many frames drew it
        # (a scene drawn in parts passes over this scroll in one step).
        family = [member for member in self.rows.get_family() if member.points.size]
        starts = [member.points.copy() for member in family]

        def scroll(_: Mobject, alpha: float) -> None:
            done = smooth(alpha)
            offset = shift * done * UP
            for member, points in zip(family, starts, strict=True):
                member.points = points + offset
            for row in leaving:
                row.set_opacity(max(0.0, 1 - done / LEAVE_BY))
            for row in entering:
                row.set_opacity(max(0.0, (done - ENTER_FROM) / (1 - ENTER_FROM)))
            self.bar.interpolate(start_bar, end_bar, done)

        # One animation of the whole panel: animating its parts apart would pull them out of it.
        return UpdateFromAlphaFunc(self, scroll)


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

    @property
    def columns(self) -> int:
        """Characters a printed line holds across the box."""
        return max(1, int(self.box.width // self.cell))

    def wrap(self, text: str) -> list[str]:
        """A printed line too long for the box, as the lines to show."""
        return console_lines(text, self.columns)

    def lines_of(self, text: str) -> list[tuple[str, bool]]:
        """What a print shows, row by row, each with whether it goes on the row before (every
        row of a print but its first: a print scrolls out whole, never leaving its tail at the
        top). One line that wraps to more rows than the box holds shows its start, the part that
        says what it is (an error's type and message), ending in "…"; a print of more lines than
        the box holds shows its first lines, a "…" row and its last line (a storage's values,
        then what it is)."""
        lines: list[list[str]] = []
        for line in text.split("\n"):
            pieces = self.wrap(line)
            if len(pieces) > self.capacity:
                pieces = pieces[: self.capacity]
                pieces[-1] = pieces[-1][: self.columns - 1] + "…"
            lines.append(pieces)
        rows = [piece for pieces in lines for piece in pieces]
        if len(rows) > self.capacity == 1:
            rows = [rows[0][: self.columns - 1] + "…"]
        elif len(rows) > self.capacity:
            tail = lines[-1] if len(lines[-1]) <= self.capacity - 2 else []
            rows = [*rows[: self.capacity - 1 - len(tail)], "…", *tail]
        return [(row, index > 0) for index, row in enumerate(rows)]

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
            # Leaving lines fade where they are (shifted up, they would show through the heading),
            # and fast, before the lines moving up reach them.
            *(FadeOut(item, run_time=LEAVE_BY) for item in leaving),
            *moves,
            FadeIn(line, shift=0.1 * UP),
        )


def statement_heads(lines: tuple[str, ...]) -> set[int]:
    """The lines (0-based) that start a statement: not those that go on inside a bracket or
    after a backslash. Code that does not tokenize counts every line as a start."""
    heads, depth = {0}, 0
    try:
        for token in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            elif token.type == tokenize.NEWLINE or (token.type == tokenize.NL and depth == 0):
                heads.add(token.end[0])  # 1-based: the row the next line is on, 0-based
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return set(range(len(lines)))
    return {line for line in heads if line < len(lines)}


def code_rows(line: str, width: int, then: int) -> list[str]:
    """A line of code in rows of at most `width` characters (`then` after the first). A
    trailing comment that does not fit beside the code goes on rows of its own, unless going
    on beside the code takes fewer rows: the code is not split to start a comment."""
    start = comment_start(line)
    rows = console_lines(line, width, then, code=True)
    if len(rows) == 1 or not start:
        return rows
    code, comment = line[:start].rstrip(), line[start:]
    apart = console_lines(code, width, then, code=True) + console_lines(comment, then, then)
    return apart if len(apart) <= len(rows) else rows


def console_lines(text: str, width: int, then: int | None = None, code: bool = False) -> list[str]:
    """`text` in lines of at most `width` characters (`then` for the lines after the first),
    broken at spaces where they leave a line at least a third full, else after punctuation (as
    `torch.` / `int64`), inside a word only where it has none. `code`: first, at the break
    outside the fewest brackets that leaves the line half full (`torch.arange(6.).` /
    `reshape(3, 2)`, not `reshape(3,` / `2)`)."""
    lines: list[str] = []
    line: list[str] = []  # the tokens of the line being filled
    depth = 0  # brackets open before the line being filled

    def room() -> int:
        return width if not lines or then is None else then

    for token in (CODE_BREAKS if code else BREAKS).split(text):
        filled = "".join(line)
        if filled.strip() and len((filled + token).rstrip()) > room():
            spaces = [index for index, part in enumerate(line) if part.endswith(" ")]
            cut = len(line)
            if code and (shallow := _shallowest(line, depth, room(), token)):
                cut = shallow
            elif spaces and len("".join(line[: spaces[-1] + 1]).rstrip()) * 3 >= room():
                cut = spaces[-1] + 1
            depth += bracket_depth("".join(line[:cut]))
            lines.append("".join(line[:cut]).rstrip())
            line = [*line[cut:], token]
            line[0] = line[0].lstrip()
        else:
            line.append(token)
        while len("".join(line).rstrip()) > room():
            filled, cut = "".join(line), room()
            lines.append(filled[:cut])
            line = [filled[cut:]]
    if "".join(line).strip() or not lines:
        lines.append("".join(line).rstrip())
    return lines


def _shallowest(tokens: list[str], depth: int, room: int, following: str) -> int | None:
    """Where to cut `tokens` (a line `depth` brackets deep at its start, `following` the token
    that did not fit) so that the line is at
    least half of `room` (a third, after a space) and as few brackets deep as can be: after a
    space if one is, the latest such cut; between a name and its attribute only where no other
    cut will do. None when no cut leaves the line so full."""
    best: tuple[bool, int, bool, int] | None = None  # (in a dotted name, depth, not after a space, -cut)
    for cut in range(1, len(tokens) + 1):
        head = "".join(tokens[:cut])
        filled = len(head.rstrip())
        if filled * 2 >= room or (head.endswith(" ") and filled * 3 >= room):
            after = tokens[cut] if cut < len(tokens) else following
            dotted = after.startswith(".") and (head[-1].isalnum() or head[-1] == "_")
            candidate = (dotted, depth + bracket_depth(head), not head.endswith(" "), -cut)
            best = candidate if best is None or candidate < best else best
    return None if best is None else -best[3]
