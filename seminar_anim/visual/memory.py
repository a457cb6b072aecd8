"""Storage as a row of memory cells, and tensors as windows (views) onto those cells."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from manim import (
    DOWN,
    LEFT,
    PI,
    RIGHT,
    UP,
    Animation,
    Arrow,
    CurvedArrow,
    Dot,
    Line,
    Rectangle,
    SurroundingRectangle,
    VGroup,
    VMobject,
)

from seminar_anim.model.layouts import BoxedList, StorageLayout, ViewLayout
from seminar_anim.visual.fades import FadeIn
from seminar_anim.visual.labels import ValueLabel, code_note, code_text, math_text, plain_text
from seminar_anim.visual.tensor import fit_in_cell
from seminar_anim.visual.theme import LABEL_SIZE, SMALL_SIZE, Theme

CELL_WIDTH = 0.9
CELL_HEIGHT = 0.6
VALUE_SIZE = 26
RULER_GAP = 0.14  # between a cell and its index above or byte offset below: clear of any outline round it
TAG_GAP = 0.08  # between the byte offsets and a view's marks under its cells
FACT_SIZE = SMALL_SIZE + 2  # a fact line: the call and its value, in the code's font
TAG_RISE = 0.22  # between a view's marks and the tag with its name, joined by lines
HOP_SIZE = 24  # a hop's "+stride"
HOP_ROOM = 0.6  # over the element indices, where hops arc: a block's headroom when its views hop
HOP_HEIGHT = 0.25  # the most an arc rises, its "+stride" above that
UNREAD = 0.25  # the opacity of the storage values a view has not read yet


class MemoryBlock(VGroup):
    """One storage: equal cells side by side, each with its value and its byte offset below.

    Built from a plain `StorageLayout`; its cells are what views point at (`cell(i)`).
    """

    def __init__(
        self,
        layout: StorageLayout,
        theme: Theme,
        title: str,
        cell_width: float = CELL_WIDTH,
        max_cells: int | None = None,
        color: str | None = None,
        headroom: float = 0.0,
        **kwargs: Any,
    ) -> None:
        """With `max_cells`, a longer storage shows its first cells and a last cell of dots:
        every element past them is drawn there (`cell(i)` answers it). Each cell's element
        index is above it, its byte offset below; `headroom` more space under the title."""
        super().__init__(**kwargs)
        self.layout = layout
        self.theme = theme
        self.cells = VGroup()
        self.values: list[ValueLabel] = []
        self.offsets: list[ValueLabel] = []
        self.ruler: list[ValueLabel] = []  # each cell's element index
        count = layout.count
        elide = max_cells is not None and count > max_cells
        # Elided: the first cells, one cell of dots for those between, and the last element.
        indices = [*range(max_cells - 2), count - 1] if elide and max_cells is not None else list(range(count))
        self.indices = indices
        self.elided = VGroup()
        for position, index in enumerate(indices):
            if elide and index == count - 1:
                more = Rectangle(width=cell_width, height=CELL_HEIGHT, color=color or theme.storage, stroke_width=2)
                more.set_fill(theme.panel, opacity=1).move_to((position * cell_width, 0.0, 0.0))
                self.cells.add(more)
                self.elided.add(more, plain_text("…", theme.muted, SMALL_SIZE + 6).move_to(more))
                position += 1
            value, offset = layout.element(index)
            cell = Rectangle(width=cell_width, height=CELL_HEIGHT, color=color or theme.storage, stroke_width=2)
            cell.set_fill(theme.panel, opacity=1).move_to((position * cell_width, 0.0, 0.0))
            number = fit_in_cell(ValueLabel(layout.value_key(index), value, theme.text, VALUE_SIZE), cell_width)
            number.move_to(cell)
            byte = _within(ValueLabel(layout.offset_key(index), offset, theme.muted, SMALL_SIZE + 4), cell_width * 0.95)
            byte.next_to(cell, DOWN, buff=RULER_GAP)
            ordinal = _within(
                ValueLabel(layout.index_key(index), index, theme.muted, SMALL_SIZE + 4), cell_width * 0.95
            )
            self.ruler.append(ordinal.next_to(cell, UP, buff=RULER_GAP))
            self.cells.add(cell)
            self.values.append(number)
            self.offsets.append(byte)
        rulers = VGroup(*self.ruler)
        self.offset_caption = plain_text("byte offset", theme.muted, SMALL_SIZE)
        self.offset_caption.next_to(VGroup(*self.offsets), LEFT, buff=0.2)
        self.index_caption = plain_text("element", theme.muted, SMALL_SIZE)
        self.index_caption.next_to(rulers, LEFT, buff=0.2).align_to(self.offset_caption, RIGHT)
        self.title = code_note(title, theme, SMALL_SIZE, theme.muted).next_to(rulers, UP, buff=0.15 + headroom)
        self.title.align_to(self.cells, LEFT)
        if self.title.get_right()[0] > self.cells.get_right()[0]:  # a long title starts over the captions
            self.title.align_to(self.offset_caption, LEFT)
        self.add(
            self.title,
            self.cells,
            *self.values,
            *self.offsets,
            self.offset_caption,
            self.elided,
            *self.ruler,
            self.index_caption,
        )

    def cell(self, index: int) -> VMobject:
        """The cell drawing element `index`: its own, or, for an elided one, the cell of dots."""
        if index in self.indices:
            position = self.indices.index(index)
            return self.cells[position + (1 if len(self.elided) and index == self.indices[-1] else 0)]
        return self.elided[0] if len(self.elided) else self.cells[-1]

    def read_only(self, elements: Collection[int]) -> list[Animation]:
        """The values of `elements` at full strength, every other value dimmed: what a view
        has read so far, against what it has not."""
        return [
            value.animate.set_opacity(1 if index in elements else UNREAD).build()
            for index, value in zip(self.indices, self.values, strict=True)
        ]

    def reveal(self, element: int) -> list[Animation]:
        """Element `element`'s value back at full strength, as a view reaches it (none where
        the block elides it)."""
        if element not in self.indices:
            return []
        return [self.values[self.indices.index(element)].animate.set_opacity(1).build()]

    def without_values(self) -> VGroup:
        """Everything but the numbers in the cells: for filling an empty block."""
        return VGroup(self.title, self.cells, *self.offsets, self.offset_caption, *self.ruler, self.index_caption)


def _within(label: ValueLabel, width: float) -> ValueLabel:
    """`label`, shrunk to `width` when it is wider: a number that fits its cell."""
    if label.width > width:
        label.scale_to_fit_width(width)
    return label


class StridedView(VGroup):
    """A tensor's window on a storage: an outline around each storage cell it reads and, under
    the byte offsets, a mark under each of those cells, joined to a tag with the view's name
    (`named` False: the view's own grid, joined to the marks, names it)."""

    def __init__(self, view: ViewLayout, block: MemoryBlock, color: str, named: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view = view
        cells = [block.cell(index) for index in sorted(set(view.elements))]
        self.outlines = VGroup(*(SurroundingRectangle(cell, color=color, buff=0.04, stroke_width=5) for cell in cells))
        under = min(offset.get_bottom()[1] for offset in block.offsets) - TAG_GAP
        self.marks = VGroup(
            *(
                Line((cell.get_left()[0] + 0.08, under, 0.0), (cell.get_right()[0] - 0.08, under, 0.0), color=color)
                for cell in cells
            )
        )
        self.add(self.outlines, self.marks)
        if named:
            self.ties, self.tag = name_tag(view.name, self.marks, block.theme, color)
            self.add(self.ties, self.tag)

    def appear(self) -> Animation:
        return FadeIn(self, scale=1.1)


def name_tag(name: str, marks: VGroup, theme: Theme, color: str) -> VGroup:
    """`name` in a box under `marks`, a line from each mark into the box: the name is tied to
    every cell its tensor reads, as Python Tutor ties a name to its object."""
    text = code_text(name, theme, SMALL_SIZE + 4, color)
    box = SurroundingRectangle(text, color=color, buff=0.07, corner_radius=0.05, stroke_width=2)
    tag = VGroup(box, text).next_to(marks, DOWN, buff=TAG_RISE)
    return VGroup(ties(marks, [box.get_top()] * len(marks), color), tag)


def ties(marks: VGroup, points: list[Any], color: str) -> VGroup:
    """A line from each of a window's marks to its point: what reads the window's cells."""
    return VGroup(
        *(
            Line(mark.get_center(), point, color=color, stroke_width=1.5, stroke_opacity=0.8)
            for mark, point in zip(marks, points, strict=True)
        )
    )


def hop_arc(block: MemoryBlock, start: int, end: int, view: ViewLayout, axis: int, color: str) -> VGroup:
    """One hop of `view`'s stride[axis] over the block's element indices, from element `start`
    to `end`, labelled with the stride: "+2"."""
    top = max(label.get_top()[1] for label in block.ruler) + RULER_GAP
    left, right = block.cell(start).get_center()[0], block.cell(end).get_center()[0]
    # A long hop is flatter: every arc rises at most HOP_HEIGHT, under what is above the block.
    bend = min(PI / 3, 4 * math.atan(2 * HOP_HEIGHT / max(abs(right - left), 1e-6)))
    arc = CurvedArrow(
        (left, top, 0.0),
        (right, top, 0.0),
        angle=-bend if end > start else bend,
        color=color,
        stroke_width=3,
        tip_length=0.14,
    )
    label = VGroup(
        math_text("+", color, HOP_SIZE), ValueLabel(view.step_key(axis), view.stride[axis], color, HOP_SIZE)
    ).arrange(RIGHT, buff=0.04)
    return VGroup(arc, label.next_to(arc, UP, buff=0.04))


def stride_hops(view: ViewLayout, block: MemoryBlock, color: str) -> VGroup:
    """Every hop by which `view` reaches its elements (`ViewLayout.hops`), arcs over the storage."""
    return VGroup(*(hop_arc(block, start, end, view, axis, color) for start, end, axis in view.hops()))


def view_grid(view: ViewLayout, theme: Theme, cell: tuple[float, float], number_size: float) -> VGroup:
    """A view as its shape shows it: cells of size `cell` in rows, each with the value it reads,
    and the view's name left of them; as (cells, numbers, name), for the scene to place."""
    columns = view.shape[-1] if view.shape else 1
    cells, numbers = VGroup(), VGroup()
    for position, value in enumerate(view.values):
        row, column = divmod(position, columns)
        box = Rectangle(width=cell[0], height=cell[1], color=theme.selection, stroke_width=2)
        cells.add(box.move_to((column * cell[0], -row * cell[1], 0)))
        numbers.add(ValueLabel(view.value_key(position), value, theme.text, number_size).move_to(box))
    name = code_text(view.name, theme, SMALL_SIZE + 4, theme.selection).next_to(cells, LEFT, buff=0.25)
    return VGroup(cells, numbers, name)


def view_facts(view: ViewLayout, theme: Theme) -> VGroup:
    """A view's live facts as a small table: storage_offset and stride, from the layout, each
    value in the code's font, as a print beside its call shows it."""
    rows = VGroup(
        VGroup(
            code_text(f"{view.name}.storage_offset()", theme, FACT_SIZE, theme.muted),
            ValueLabel(view.storage_offset_key, view.storage_offset, theme.selection, FACT_SIZE, font=theme.code_font),
        ).arrange(RIGHT, buff=0.2),
        VGroup(
            code_text(f"{view.name}.stride()", theme, FACT_SIZE, theme.muted),
            ValueLabel(view.stride_key, str(view.stride), theme.selection, FACT_SIZE, font=theme.code_font),
        ).arrange(RIGHT, buff=0.2),
    )
    return rows.arrange(DOWN, buff=0.12, aligned_edge=LEFT)


class BoxedListView(VGroup):
    """A Python list: a list object holding pointers, each arrow leading to an object of its own."""

    def __init__(self, boxed: BoxedList, theme: Theme, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.boxed = boxed
        pointers = VGroup()
        for index in range(len(boxed.items)):
            cell = Rectangle(width=0.55, height=0.5, color=theme.muted, stroke_width=2)
            cell.move_to((index * 0.55, 0.0, 0.0))
            pointers.add(VGroup(cell, Dot(cell.get_center(), radius=0.05, color=theme.text)))
        header = VGroup(
            code_text(f"{boxed.key}: list", theme, SMALL_SIZE + 2, theme.muted),
            ValueLabel(boxed.size_key, boxed.size, theme.text, LABEL_SIZE),
            plain_text("bytes", theme.muted, SMALL_SIZE),
        ).arrange(RIGHT, buff=0.12)
        header.next_to(pointers, LEFT, buff=0.3)
        self.objects = VGroup()
        self.arrows = VGroup()
        for index, (item, size) in enumerate(zip(boxed.items, boxed.item_sizes, strict=True)):
            content = ValueLabel(boxed.item_key(index), item, theme.text, LABEL_SIZE)
            box = SurroundingRectangle(content, color=theme.text, buff=0.15, corner_radius=0.08, stroke_width=2)
            caption = VGroup(
                ValueLabel(boxed.item_size_key(index), size, theme.muted, SMALL_SIZE + 2),
                plain_text("B", theme.muted, SMALL_SIZE),
            ).arrange(RIGHT, buff=0.06)
            caption.next_to(box, DOWN, buff=0.08)
            item_group = VGroup(box, content, caption)
            # Each object sits apart from the others: separately allocated, wherever memory was free.
            item_group.move_to((pointers.get_center()[0] + (index - 1) * 1.5, -1.1 - 0.35 * (index % 2), 0.0))
            self.objects.add(item_group)
            self.arrows.add(
                Arrow(
                    pointers[index][1].get_center(),
                    box.get_top(),
                    buff=0.05,
                    stroke_width=2,
                    color=theme.muted,
                    tip_length=0.12,
                )
            )
        self.pointers = pointers
        self.add(header, pointers, self.arrows, self.objects)
