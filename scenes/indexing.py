"""indexing: the slides' 1-d and 2-d selections, each a window sliding over one storage block."""

from collections.abc import Iterable
from typing import cast

from manim import *

from seminar_anim.model.layouts import ViewLayout
from seminar_anim.model.memory import IndexingFacts, indexing_lesson
from seminar_anim.visual.code import CodePanel
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, STORAGE_LEFT, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text
from seminar_anim.visual.memory import (
    CELL_HEIGHT,
    HOP_ROOM,
    MemoryBlock,
    StridedView,
    stride_hops,
    view_facts,
    view_grid,
)
from seminar_anim.visual.theme import SMALL_SIZE

CELL = 0.75
FACTS_GAP = 1.0  # under the storage: room for a window's marks and its name tag
MATRIX_TOP = GRAPH_AREA.bottom + 0.6  # the 2-d tensor's grid, under the facts of its selections
HOP_TIME = 0.5  # one hop of a selection's stride over the storage
SELECTION_GAP = 0.45  # between a selection's facts and its own grid


class IndexingScene(CodeGraphScene):
    """Indexing and slicing copy nothing: each selection is an offset and strides on one storage."""

    def setup(self) -> None:
        super().setup()
        self.current: VGroup = VGroup()  # the selection shown now: window, facts, marked cells
        self.hops: VGroup = VGroup()  # and the hops of its stride over the storage

    def construct(self) -> None:
        facts: IndexingFacts = self.facts or indexing_lesson()
        line_listing, grid_listing = facts.listings
        theme = self.theme
        code, output = self.panels(line_listing.code, bottom=SAFE_BOTTOM)

        self.step("code", "Indexing a tensor does not copy its numbers: it makes a view on the same storage.")
        block = MemoryBlock(facts.line, theme, "x.untyped_storage()", CELL, headroom=HOP_ROOM)
        block.move_to((STORAGE_LEFT, GRAPH_AREA.top - 0.1, 0), aligned_edge=UP + LEFT)
        # The first frame shows the empty storage; x's numbers fill it when its line runs.
        self.play(
            FadeIn(self.title("Indexing makes views: offset + strides")),
            FadeIn(code, shift=0.2 * RIGHT),
            FadeIn(block.without_values()),
        )
        self.add(output)
        self.play(code.highlight(line_listing.marks["x"]), *(FadeIn(value, shift=0.2 * DOWN) for value in block.values))
        self.hold(1)

        # Each selection is told as it is drawn: the single elements in one step, the slices in the next.
        selections = list(zip(facts.lines[0], facts.views[0], strict=True))
        split = next((i for i, (_, view) in enumerate(selections) if view.shape), len(selections)) or 1
        self.step("element", "An index is a window too.")
        self.slide(code, selections[:split], block)
        self.hold(1)

        self.step("slices", "A slice is a window: where it starts (storage_offset) and how it steps (stride).")
        self.slide(code, selections[split:], block)

        self.step("no-copy", "Same storage pointer: the selection reads the very same bytes, nothing was copied.")
        self.play(code.highlight(line_listing.marks["p"]))
        self.play(code.highlight(line_listing.marks["q"]))
        self.execute(code, output, line_listing, line_listing.marks["same"])
        self.hold(1)

        rows, columns = facts.grid_stride
        self.step(
            "2-d", f"A 2-d tensor is stored row after row in one block: rows step by {rows}, columns by {columns}."
        )
        grid_block = MemoryBlock(facts.grid, theme, "x.untyped_storage()", CELL, headroom=HOP_ROOM)
        grid_block.move_to(block, aligned_edge=UP + LEFT)
        code2, output2 = self.swap_panels(code, output, grid_listing.code, block, self.current, self.hops)
        matrix = self.matrix(facts.grid_shape, grid_block)
        self.play(code2.highlight(grid_listing.marks["x"]), FadeIn(grid_block))
        # The 2-d x is built from its storage: each value flies from its cell to its row and column.
        cells, name = matrix
        boxes = [cast(VMobject, cell[0]) for cell in cells]
        self.build_grid(boxes, [cell[1] for cell in cells], name, list(grid_block.values))
        self.hold(1)

        # Each 2-d selection is told as it is drawn: the first ones in one step, the blocks in the next.
        selections = list(zip(facts.lines[1], facts.views[1], strict=True))
        half = (len(selections) + 1) // 2  # where none starts further on
        split = next(
            (i for i, (_, view) in enumerate(selections) if len(view.shape) == 2 and view.storage_offset), half
        )
        self.step("2-d-slices", "An element, a row, a column: windows onto x's storage too.")
        self.current, self.hops = VGroup(), VGroup()
        self.slide(code2, selections[:split], grid_block, matrix, rows)
        self.hold(1)

        self.step("2-d-blocks", "Blocks of rows and columns are windows too.")
        self.slide(code2, selections[split:], grid_block, matrix, rows, keep=1)
        self.play(code2.highlight(grid_listing.marks["p"]))
        self.play(code2.highlight(grid_listing.marks["q"]))
        self.say(f"Here too, {grid_listing.told('same')}")
        self.execute(code2, output2, grid_listing, grid_listing.marks["same"])
        self.hold(1)

    def slide(
        self,
        code: CodePanel,
        views: Iterable[tuple[int, ViewLayout]],
        block: MemoryBlock,
        matrix: VGroup | None = None,
        row_stride: int = 0,
        keep: int = 0,
    ) -> None:
        """Move one window over the storage from selection to selection, with its offset, its
        stride, and the hops of that stride from element to element; a selection that hops
        `row_stride` elements is said to step over whole rows as it does. Each selection is told
        as it appears, while `keep` sentences are left for the step's end."""
        for line, view in views:
            window = StridedView(view, block, self.theme.selection)
            facts = view_facts(view, self.theme).next_to(block, DOWN, buff=FACTS_GAP).align_to(block, LEFT)
            parts = VGroup(window, facts)
            if matrix is not None:
                parts.add(self.marked(view, matrix))
            hops = stride_hops(view, block, self.theme.selection)
            # A 1-d selection gets a grid of its own, under its facts, that its values fly into.
            own = None if matrix is not None else self.selection(view, facts)
            # The old selection goes as its line gives way, before the new one is drawn: a window
            # morphing from one selection to the next would sweep over cells neither reads.
            self.play(code.highlight(line), FadeOut(self.hops), FadeOut(self.current))
            # Only the first element is read yet: the rest of the storage dims.
            self.play(FadeIn(parts), *block.read_only({view.elements[0]}))
            if self.room_to_say() > keep:
                if row_stride and view.stride and view.stride[-1] == row_stride and len(hops):
                    self.say(f"{view.code} steps over whole rows, {row_stride} elements a hop.")
                else:
                    self.say(selection_sentence(view))
            # From its first element the view hops, one stride at a time, to each of the others,
            # each lighting up as the hop lands on it.
            if len(hops):
                landings = zip(hops, (end for _, end, _ in view.hops()), strict=True)
                lands = [AnimationGroup(Create(arc), *block.reveal(end)) for arc, end in landings]
                self.play(AnimationGroup(*lands, lag_ratio=1.0), run_time=HOP_TIME * len(hops))
            if own is not None:
                cells, numbers, name = own
                self.build_grid(list(cells), list(numbers), name, [block.values[element] for element in view.elements])
                # Drawn piece by piece, the grid joins the selection to leave with it.
                self.remove(*cells, *numbers, name)
                parts.add(own)
            self.current, self.hops = parts, hops
            self.hold(1)

    def selection(self, view: ViewLayout, facts: VGroup) -> VGroup:
        """A 1-d selection's own values as a row of cells after its name, under its facts."""
        grid = view_grid(view, self.theme, (CELL, CELL_HEIGHT), 26)
        return grid.next_to(facts, DOWN, buff=SELECTION_GAP).align_to(facts, LEFT)

    def matrix(self, shape: tuple[int, ...], block: MemoryBlock) -> VGroup:
        """The 2-d tensor as its shape shows it, above nothing but the numbers of its storage."""
        columns = shape[1]
        cells = VGroup()
        for index, number in enumerate(block.values):
            row, column = divmod(index, columns)
            cell = Rectangle(width=CELL, height=CELL_HEIGHT, color=self.theme.muted, stroke_width=2)
            cell.move_to((column * CELL, -row * CELL_HEIGHT, 0))
            cells.add(VGroup(cell, ValueLabel(number.key, number.value, self.theme.text, 26).move_to(cell)))
        name = code_text("x", self.theme, SMALL_SIZE + 6, self.theme.muted).next_to(cells, LEFT, buff=0.25)
        matrix = VGroup(cells, name)
        # Under the storage row and the facts, aligned with the storage it is laid out in.
        return matrix.move_to((block.cells.get_left()[0] + 0.5, MATRIX_TOP, 0), aligned_edge=UP + LEFT)

    def marked(self, view: ViewLayout, matrix: VGroup) -> VGroup:
        """The selection drawn on the matrix too: the cells whose storage elements it reads."""
        return VGroup(
            *(
                SurroundingRectangle(matrix[0][element][0], color=self.theme.selection, buff=0.03, stroke_width=5)
                for element in sorted(set(view.elements))
            )
        )


def selection_sentence(view: ViewLayout) -> str:
    """What a selection's facts say, from its layout: where it starts and how it steps."""
    if not view.stride:
        return f"{view.code} starts at element {view.storage_offset} and has no stride: it is one number."
    if len(view.elements) == 1:
        shape = " by ".join(str(size) for size in view.shape)
        return f"{view.code} reads element {view.storage_offset} alone, as a {shape} tensor."
    return f"{view.code} starts at element {view.storage_offset} and steps by {view.stride[-1]}."
