"""inplace: a.zero_() writes into the one storage that the view a[0] shares; a + 1 makes a new block."""

from manim import *

from seminar_anim.model.memory import InplaceFacts, inplace_lesson
from seminar_anim.visual.codegraph import GRAPH_AREA, SAFE_BOTTOM, STORAGE_LEFT, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text
from seminar_anim.visual.memory import CELL_HEIGHT, CELL_WIDTH, MemoryBlock, StridedView
from seminar_anim.visual.theme import SMALL_SIZE

GRID_COLUMN = 3  # a's grid starts under this storage cell, clear of v's tag
GRID_GAP = 0.35  # between the storage's byte offsets and a's grid


class InplaceScene(CodeGraphScene):
    """Views see in-place writes; out-of-place results live in blocks of their own."""

    def construct(self) -> None:
        facts: InplaceFacts = self.facts or inplace_lesson()
        listing = facts.listing
        marks = listing.marks
        theme = self.theme
        code, output = self.panels(listing.code, bottom=SAFE_BOTTOM)
        block = MemoryBlock(facts.before, theme, "a.untyped_storage()")
        block.move_to((STORAGE_LEFT, GRAPH_AREA.top - 0.1, 0), aligned_edge=UP + LEFT)

        self.step("code", "Methods whose name ends in an underscore change a tensor in place.")
        self.play(
            FadeIn(self.title("In-place operations:", code="a.zero_()")),
            FadeIn(code, shift=0.2 * RIGHT),
            FadeIn(block.without_values()),
        )
        self.add(output)
        self.hold(2)

        self.step("view", "a is one block of memory; v = a[0] is a window on its first row.")
        self.play(code.highlight(marks["a"]), *(FadeIn(value, shift=0.2 * DOWN) for value in block.values))
        # a as its shape shows it, built from its storage: each value flies to its row and column.
        cells, numbers, name = self.grid(facts.shape, block)
        self.build_grid(list(cells), list(numbers), name, list(block.values))
        window = StridedView(facts.view, block, theme.selection)
        row = VGroup(
            *(SurroundingRectangle(cells[index], color=theme.selection, buff=0.03) for index in facts.view.elements)
        )
        self.play(code.highlight(marks["v"]), window.appear(), Create(row))
        self.execute(code, output, listing, marks["print_v"])
        self.hold(1)

        self.step("copy", "a + 1 is out of place: its result gets a new block, and a stays as it was.")
        other = MemoryBlock(facts.other, theme, "b.untyped_storage(): a new block")
        other.move_to((STORAGE_LEFT, SAFE_BOTTOM + 0.1, 0), aligned_edge=DOWN + LEFT)
        self.play(code.highlight(marks["b"]), FadeIn(other.without_values()))
        # Each result is computed from a's cell and written into a cell of the new block.
        self.play(*(TransformFromCopy(block.values[i], other.values[i]) for i in range(len(other.values))))
        self.hold(2)

        self.step("in-place", "a.zero_() writes zeros into a's own cells, once; v reads those same cells.")
        self.play(code.highlight(marks["zero"]))
        zeros = [
            ValueLabel(facts.after.value_key(i), value, theme.text, 26).move_to(block.cells[i])
            for i, value in enumerate(facts.after.values)
        ]
        self.play(
            *(ReplacementTransform(old, new) for old, new in zip(block.values, zeros, strict=True)), lag_ratio=0.1
        )
        # a's grid reads those same cells: its numbers are the storage's new ones.
        fresh = [
            ValueLabel(zero.key, zero.value, theme.text, 26).move_to(old)
            for zero, old in zip(zeros, numbers, strict=True)
        ]
        self.play(
            *(FadeOut(old) for old in numbers),
            *(TransformFromCopy(zero, new) for zero, new in zip(zeros, fresh, strict=True)),
        )
        self.play(Indicate(window, color=theme.selection), Indicate(row, color=theme.selection))
        self.hold(1)
        self.execute(code, output, listing, marks["print_v_after"])
        self.execute(code, output, listing, marks["print_b"])
        self.play(Indicate(other.cells, color=theme.storage))
        self.hold(2)

    def grid(self, shape: tuple[int, ...], block: MemoryBlock) -> VGroup:
        """a's rows and columns, right of v's tag, under the storage they read."""
        columns = shape[-1]
        cells, numbers = VGroup(), VGroup()
        for index, number in enumerate(block.values):
            row, column = divmod(index, columns)
            cell = Rectangle(width=CELL_WIDTH, height=CELL_HEIGHT, color=self.theme.storage, stroke_width=2)
            cells.add(cell.move_to((column * CELL_WIDTH, -row * CELL_HEIGHT, 0)))
            numbers.add(ValueLabel(number.key, number.value, self.theme.text, 26).move_to(cell))
        name = code_text("a", self.theme, SMALL_SIZE + 6, self.theme.storage).next_to(cells, LEFT, buff=0.25)
        grid = VGroup(cells, numbers, name)
        return grid.move_to(
            (block.cell(GRID_COLUMN).get_left()[0], block.get_bottom()[1] - GRID_GAP, 0), aligned_edge=UP + LEFT
        )
