"""A tensor as a grid of cells with its values: a row, a matrix, or matrices stacked front to back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from manim import (
    BLACK,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    WHITE,
    Animation,
    Rectangle,
    TransformFromCopy,
    VGroup,
    VMobject,
    interpolate_color,
)

from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.lint import MIN_GLYPH_HEIGHT, glyph_height
from seminar_anim.visual.theme import SMALL_SIZE, Theme

if TYPE_CHECKING:
    from seminar_anim.model.layouts import GridRecord
    from seminar_anim.model.records import Element

CAPTION_OVERHANG = 1.4  # how far a caption may reach past its grid before it takes two lines
CELL = 0.55
DEPTH_SHIFT = (0.28, 0.22)  # how far each matrix further back sits, right and up
VALUE_SHARE = 0.78  # the most of a cell's width its number takes, clear of both borders
TIGHT_SHARE = 0.92  # and the most a long number may take, to stay legible


class TensorGrid(VGroup):
    """A `GridRecord` drawn as cells: `cells[i]` and `values[i]` are element i in row-major order.

    A scalar is one cell, a vector one row, a matrix a grid; a 3-d tensor draws its
    matrices as layers, the first in front (with `spread`, side by side); with `vertical`,
    a vector is a column. With
    `shade`, each cell is filled with the grey of its value (0 black, 1 white), as pixels are.
    """

    def __init__(
        self,
        record: GridRecord,
        theme: Theme,
        color: str | None = None,
        cell: float = CELL,
        shade: bool = False,
        show_values: bool = True,
        width: float | None = None,
        vertical: bool = False,
        spread: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.record = record
        color = color or theme.storage
        rows, columns = _grid_shape(record.shape)
        if vertical and len(record.shape) == 1:  # a vector drawn as a column
            rows, columns = columns, rows
        layers = len(record.values) // (rows * columns)
        width = width or cell  # cells can be wider than tall, for long numbers
        size = min(26.0, 40 * cell)
        placed: dict[int, VMobject] = {}
        self.values: list[ValueLabel] = []
        self.layers = VGroup()
        for layer in reversed(range(layers)):  # back layers first, so the front one is drawn on top
            group = VGroup()
            for index in range(layer * rows * columns, (layer + 1) * rows * columns):
                row, column = divmod(index - layer * rows * columns, columns)
                box = Rectangle(width=width, height=cell, color=color, stroke_width=2)
                fill = theme.panel
                if shade:
                    fill = interpolate_color(BLACK, WHITE, float(record.values[index])).to_hex()
                box.set_fill(fill, opacity=1)
                if spread:  # layers side by side, every number in view
                    box.move_to(((column + layer * (columns + 1)) * width, -row * cell, 0.0))
                else:
                    box.move_to((column * width + layer * DEPTH_SHIFT[0], -row * cell + layer * DEPTH_SHIFT[1], 0.0))
                placed[index] = box
                group.add(box)
            self.layers.add(group)
        self.add(self.layers)
        self.cells: list[VMobject] = [placed[index] for index in range(len(record.values))]
        if not show_values:
            return
        for index, value in enumerate(record.values):
            ink = theme.text
            if shade:
                ink = "#000000" if float(value) > 0.45 else "#ffffff"
            self.values.append(_cell_value(record.element_key(index), value, ink, size, width, self.cells[index]))
        # Stacked, only the front matrix shows its numbers: the ones behind are hidden by it.
        self.add(*(self.values if spread else self.values[: rows * columns]))

    def caption(self, theme: Theme, text: str, fact: str = "shape") -> VGroup:
        return tensor_caption(self.record, theme, text, fact)

    def with_caption(self, theme: Theme, text: str, fact: str = "shape") -> CaptionedGrid:
        """The grid with its caption below, as one group."""
        label = self.caption(theme, text, fact)
        if label.width > self.width + CAPTION_OVERHANG:  # a long name: its fact goes under it
            label.arrange(DOWN, buff=0.08, aligned_edge=LEFT)
        label.next_to(self, DOWN, buff=0.15)
        return CaptionedGrid(self, label.align_to(self, LEFT))

    def row(self, index: int) -> VGroup:
        """The cells and values of row `index` of the front matrix."""
        _, columns = _grid_shape(self.record.shape)
        picked = range(index * columns, (index + 1) * columns)
        return VGroup(*(self.cells[i] for i in picked), *(self.values[i] for i in picked if i < len(self.values)))


class ElidedRow(VGroup):
    """A tensor too big to draw whole, in row-major order: its first elements, a cell of dots
    for those between, and its last element (its shape says the rest)."""

    def __init__(
        self, record: GridRecord, theme: Theme, color: str, shown: int, cell: float = CELL, width: float = CELL
    ) -> None:
        super().__init__()
        size = min(26.0, 40 * cell)
        firsts = list(enumerate(record.values[:shown]))
        if record.last is not None:
            ends = [(record.numel - 1, record.last)]
        else:
            ends = list(enumerate(record.values))[-1:] if len(record.values) > shown else []
        for position, (index, value) in enumerate([*firsts, (-1, None), *ends]):
            box = Rectangle(width=width, height=cell, color=color, stroke_width=2)
            box.set_fill(theme.panel, opacity=1).move_to((position * width, 0.0, 0.0))
            if value is None:
                self.add(box, plain_text("…", theme.muted, SMALL_SIZE + 6).move_to(box))
                continue
            self.add(box, _cell_value(record.element_key(index), value, theme.text, size, width, box))


def flow(source: TensorGrid, target: TensorGrid) -> list[Animation]:
    """Each element of `source` turns into the element in the same place of `target`."""
    return [TransformFromCopy(a, b) for a, b in zip(source.values, target.values, strict=True)]


def fit_in_cell(label: ValueLabel, width: float) -> ValueLabel:
    """`label` shrunk, when it is wider, to VALUE_SHARE of a cell `width` wide: clear of both
    borders. Legible first: a number too long for those margins comes closer to the borders."""
    if label.width > width * VALUE_SHARE:
        label.scale_to_fit_width(width * VALUE_SHARE)
        if glyph_height(label) < MIN_GLYPH_HEIGHT:
            label.scale(min(1.02 * MIN_GLYPH_HEIGHT / glyph_height(label), width * TIGHT_SHARE / label.width))
    return label


def _cell_value(key: str, value: Element, ink: str, size: float, width: float, cell: VMobject) -> ValueLabel:
    """An element's number in its cell, fitted to the cell's width, drawn above the filled
    cells whatever order they are added to a scene in."""
    return fit_in_cell(ValueLabel(key, value, ink, size), width).move_to(cell).set_z_index(1)


class CaptionedGrid(VGroup):
    """A tensor grid and, below it, its caption: the name in the code and one live fact."""

    def __init__(self, grid: TensorGrid, label: VGroup, **kwargs: Any) -> None:
        super().__init__(grid, label, **kwargs)
        self.grid = grid
        self.label = label


def tensor_caption(record: GridRecord, theme: Theme, text: str, fact: str = "shape") -> VGroup:
    """`text` (the tensor's name in the code) and one live fact of it, "shape" or "dtype", or none."""
    size = SMALL_SIZE + 3
    parts = VGroup(code_text(text, theme, size, theme.text))
    if fact:
        # A dtype is a name in torch (torch.float32): it is set in the code's font, as the name is.
        value, font = (record.shape_text, None) if fact == "shape" else (record.dtype, theme.code_font)
        parts.add(ValueLabel(record.fact_key(fact), value, theme.muted, size, font=font))
    return parts.arrange(RIGHT, buff=0.15)


def _grid_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """Rows and columns of one drawn matrix: a scalar and a vector are one row."""
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return 1, shape[0]
    return shape[-2], shape[-1]


def terms_row(*parts: VMobject, centre_x: float, top: float, width: float, gap: float = 0.3) -> VGroup:
    """An equation of captioned grids and symbols: grids top-aligned, each symbol at the grids'
    middle height, the whole row centred on `centre_x` below `top` and no wider than `width`."""
    board = VGroup(*parts).arrange(RIGHT, buff=gap, aligned_edge=UP)
    grids = [part.grid for part in parts if isinstance(part, CaptionedGrid)]
    middle = min(grid.get_center()[1] for grid in grids) if grids else board.get_center()[1]
    for part in parts:
        if not isinstance(part, CaptionedGrid):
            part.set_y(middle)
    if board.width > width:
        board.scale_to_fit_width(width)
    return board.move_to((centre_x, top, 0.0), aligned_edge=UP)
